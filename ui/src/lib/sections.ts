// The app's top-level sections, in navigation order. Add a screen by adding
// an id here, a `nav.<id>` label in both locale files, and a case in Shell.svelte.
import type { Kind } from "./types";

export const SECTIONS = [
  "dashboard",
  "persons",
  "groups",
  "events",
  "locations",
  "actors",
  "sources",
  "interventions",
  "sync",
  "conflicts",
  "duplicates",
  "audit",
  "settings",
] as const;

export type Section = (typeof SECTIONS)[number];

export function isSection(value: unknown): value is Section {
  return typeof value === "string" && (SECTIONS as readonly string[]).includes(value);
}

/** Route segment → record kind, for every kind that has pages. */
export const KIND_OF_SEGMENT: Record<string, Kind> = {
  persons: "person",
  groups: "group",
  events: "event",
  locations: "location",
  actors: "actor",
  sources: "source",
  interventions: "intervention",
  statuses: "status",
  attachments: "attachment",
};

/** Record kind → its route segment. */
export const SEGMENT_OF_KIND: Record<Kind, string> = {
  person: "persons",
  group: "groups",
  event: "events",
  location: "locations",
  actor: "actors",
  source: "sources",
  intervention: "interventions",
  status: "statuses",
  attachment: "attachments",
};

/** The kinds a user creates and edits with a form. */
export const EDITABLE_KINDS: Kind[] = [
  "person",
  "group",
  "event",
  "location",
  "actor",
  "source",
  "intervention",
  "status",
];
