// Hash routing: `#/persons`, `#/persons/<id>`, `#/persons/<id>/edit`,
// `#/events/new?victim=<id>`. Links are plain `<a href="#/…">`, so they are
// reachable with Tab and open with Enter like any link.
import { writable, type Readable } from "svelte/store";

export interface Route {
  /** The path without the leading `#/` and without the query. */
  path: string;
  parts: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { path: parts.join("/"), parts, params: new URLSearchParams(query) };
}

const routeStore = writable<Route>(parseHash(globalThis.location?.hash ?? ""));

/** The current route; subscribe with `$route`. */
export const route: Readable<Route> = { subscribe: routeStore.subscribe };

if (typeof window !== "undefined") {
  window.addEventListener("hashchange", () => routeStore.set(parseHash(location.hash)));
}

/** `href("persons", id)` → `#/persons/<id>`. */
export function href(...parts: Array<string | null | undefined>): string {
  return "#/" + parts.filter((p): p is string => !!p).map(encodeURIComponent).join("/");
}

/** Go to a route (a `#/…` href or a path). */
export function navigate(target: string): void {
  const hash = target.startsWith("#") ? target : `#/${target.replace(/^\//, "")}`;
  if (globalThis.location && location.hash !== hash) {
    location.hash = hash;
  }
  // Update now as well: tests and same-hash navigations do not fire hashchange.
  routeStore.set(parseHash(hash));
}
