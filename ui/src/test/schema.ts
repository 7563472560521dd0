// A copy of what the `schema` command returns (src-tauri/core/src/domain/schema.rs),
// for component tests.
import type { FieldSpec, KindSpec, LinkSpec } from "../lib/types";

const f = (name: string, ty: Record<string, unknown> = { type: "text" }, required = false) =>
  ({ name, required, ...ty }) as FieldSpec;
const vocab = (v: string) => ({ type: "vocab", vocab: v });
const ref = (kind: string) => ({ type: "ref", kind });
const common = [f("sample", { type: "bool" }), f("deleted", { type: "bool" })];
const ALIAS: LinkSpec = { name: "aliases", flag: "alias", fields: [f("text", {}, true), f("lang", {}, true)], one_of: [] };
const SOURCES: LinkSpec = { name: "sources", flag: "source", fields: [f("source", ref("source"), true), f("fact")], one_of: [] };

export const SCHEMA: KindSpec[] = [
  {
    name: "person",
    plural: "persons",
    table: "person",
    label_field: "name",
    fields: [
      f("name", { type: "name" }, true),
      f("sex", vocab("sex")),
      f("birth_date", { type: "date" }),
      f("nationality"),
      f("origin", ref("location")),
      f("notes", { type: "long_text" }),
      f("confidentiality", vocab("confidentiality")),
      ...common,
    ],
    links: [
      ALIAS,
      { name: "identifiers", flag: "identifier", fields: [f("type", vocab("identifier_type"), true), f("value", {}, true)], one_of: [] },
      { name: "family", flag: "family", fields: [f("relation", vocab("relation"), true), f("person", ref("person"), true)], one_of: [] },
      SOURCES,
    ],
  },
  {
    name: "group",
    plural: "groups",
    table: "grp",
    label_field: "name",
    fields: [
      f("name", {}, true),
      f("asserted_count", { type: "int", min: 0, max: 10000000 }),
      f("location", ref("location")),
      f("description", { type: "long_text" }),
      f("confidentiality", vocab("confidentiality")),
      ...common,
    ],
    links: [{ name: "members", flag: "member", fields: [f("person", ref("person"), true)], one_of: [] }, SOURCES],
  },
  {
    name: "location",
    plural: "locations",
    table: "location",
    label_field: "name",
    fields: [f("name", {}, true), f("type", vocab("location_type"), true), f("parent", ref("location")), f("coordinates", { type: "coordinates" }), f("notes", { type: "long_text" }), ...common],
    links: [ALIAS],
  },
  {
    name: "actor",
    plural: "actors",
    table: "actor",
    label_field: "name",
    fields: [f("name", {}, true), f("type", vocab("actor_type"), true), f("country"), f("notes", { type: "long_text" }), ...common],
    links: [ALIAS],
  },
  {
    name: "event",
    plural: "events",
    table: "event",
    label_field: "title",
    fields: [
      f("type", vocab("event_type"), true),
      f("title"),
      f("date", { type: "date" }),
      f("end_date", { type: "date" }),
      f("location", ref("location")),
      f("description", { type: "long_text" }),
      f("confidentiality", vocab("confidentiality")),
      ...common,
    ],
    links: [
      {
        name: "involvements",
        flag: "involvement",
        fields: [f("role", vocab("role"), true), f("person", ref("person")), f("group", ref("group")), f("actor", ref("actor"))],
        one_of: ["person", "group", "actor"],
      },
      SOURCES,
    ],
  },
  {
    name: "status",
    plural: "statuses",
    table: "status",
    label_field: "value",
    fields: [
      f("person", ref("person")),
      f("group", ref("group")),
      f("type", vocab("status_type"), true),
      f("value", vocab("status"), true),
      f("effective", { type: "date" }),
      f("location", ref("location")),
      f("imminent", { type: "bool" }),
      f("event", ref("event")),
      f("notes", { type: "long_text" }),
      ...common,
    ],
    links: [SOURCES],
  },
];
