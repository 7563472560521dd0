// The app's top-level sections, in navigation order. Add a screen by adding
// an id here, a `nav.<id>` label in both locale files, and a case in App.svelte.
export const SECTIONS = [
  "persons",
  "groups",
  "events",
  "locations",
  "actors",
  "sources",
  "interventions",
  "sync",
  "conflicts",
  "settings",
] as const;

export type Section = (typeof SECTIONS)[number];

export function isSection(value: unknown): value is Section {
  return typeof value === "string" && (SECTIONS as readonly string[]).includes(value);
}
