// The types the Rust commands take and return are generated from the Rust types
// (generated/ipc.ts, `make generate`); CI fails when that file is stale. This file
// adds only what exists on the UI side.

export * from "./generated/ipc";
import type { Kind } from "./generated/ipc";

/** Every record kind, in the order the app lists them. */
export const KINDS = [
  "person",
  "group",
  "location",
  "actor",
  "event",
  "status",
  "source",
  "intervention",
  "attachment",
] as const satisfies readonly Kind[];

export interface Coordinates {
  lat: number;
  lon: number;
}

export type Fields = Record<string, unknown>;
/** One element of a link set (alias, involvement, member, source…). */
export type LinkElement = Record<string, unknown>;

/** Input to `record_add` / `record_edit` (see the comment at the top of api/records.rs). */
export type RecordInput = Record<string, unknown> & {
  add?: Record<string, LinkElement[]>;
  remove?: Record<string, LinkElement[]>;
};
