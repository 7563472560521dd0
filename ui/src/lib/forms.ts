// Helpers shared by the record forms: rows for link sets, turning a RecordView
// into form state, and building the smallest edit input.
import { isLangTag, langFor } from "./format";
import type { Kind, LinkElement, RecordInput, RecordView } from "./types";

/** A record chosen in a RecordPicker. */
export interface Picked {
  kind: Kind;
  id: string;
  label: string;
}

export interface NameRow {
  text: string;
  lang: string;
}

export interface SourceRow {
  id: string;
  label: string;
  fact: string;
}

/** JSON with object keys sorted, so equal values compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}

function sameSet(a: unknown[], b: unknown[]): boolean {
  const ca = a.map(canonical).sort();
  const cb = b.map(canonical).sort();
  return ca.length === cb.length && ca.every((x, i) => x === cb[i]);
}

/**
 * The input for `record_edit`: only what changed. Sending an unchanged field
 * would overwrite a conflict (or another office's concurrent edit) silently.
 * Link sets (arrays) are compared as sets.
 */
export function changedInput(initial: RecordInput, current: RecordInput): RecordInput {
  const out: RecordInput = {};
  for (const [key, value] of Object.entries(current)) {
    const before = initial[key];
    if (Array.isArray(value)) {
      if (!sameSet(Array.isArray(before) ? before : [], value)) out[key] = value;
    } else if (canonical(before ?? null) !== canonical(value ?? null)) {
      out[key] = value ?? null;
    }
  }
  return out;
}

/** `""` → null, otherwise the trimmed text. */
export function textOrNull(s: string | null | undefined): string | null {
  const v = (s ?? "").trim();
  return v ? v : null;
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

/** The form state of the fields a form edits as plain text, named in `Names`. */
export type TextFields<Names extends readonly string[]> = Record<Names[number], string>;

export function emptyTexts<const Names extends readonly string[]>(names: Names): TextFields<Names> {
  return Object.fromEntries(names.map((n) => [n, ""])) as TextFields<Names>;
}

export function textsOf<const Names extends readonly string[]>(view: RecordView, names: Names): TextFields<Names> {
  return Object.fromEntries(names.map((n) => [n, str(view.fields[n])])) as TextFields<Names>;
}

/** Plain-text fields as input: trimmed, and null where blank. */
export function textsInput<const Names extends readonly string[]>(f: TextFields<Names>, names: Names): RecordInput {
  return Object.fromEntries(names.map((n: Names[number]) => [n, textOrNull(f[n])]));
}

/** A referenced record of a view as a picker value. */
export function pickedRef(view: RecordView | null, id: unknown, kind: Kind): Picked[] {
  if (typeof id !== "string" || !id) return [];
  return [{ kind: view?.refs[id]?.kind ?? kind, id, label: view?.refs[id]?.label ?? id }];
}

export function refId(p: Picked[]): string | null {
  return p[0]?.id ?? null;
}

/** Other spellings of a name (an `aliases` link set) as editor rows. */
export function nameRows(elements: LinkElement[] | undefined): NameRow[] {
  return (elements ?? []).map((a) => ({ text: str(a.text), lang: str(a.lang) }));
}

/** Editor rows → the `aliases` link set: blank rows dropped, a missing tag detected from the script. */
export function namesInput(rows: NameRow[]): LinkElement[] {
  return rows.filter((a) => a.text.trim()).map((a) => ({ text: a.text.trim(), lang: langFor(a.text, a.lang) }));
}

/**
 * `message` for each row of a NamesEditor whose language tag is malformed,
 * keyed by the id of that row's tag field (`<id>-lang-<i>`).
 */
export function nameErrors(rows: NameRow[], id: string, message: string): Record<string, string> {
  const e: Record<string, string> = {};
  rows.forEach((a, i) => {
    if (a.lang.trim() && !isLangTag(a.lang)) e[`${id}-lang-${i}`] = message;
  });
  return e;
}

export function sourceRows(view: RecordView | null): SourceRow[] {
  return (view?.links.sources ?? []).map((e) => {
    const id = String(e.source);
    return { id, label: view?.refs[id]?.label ?? id, fact: str(e.fact) };
  });
}

export function sourcesInput(rows: SourceRow[]): LinkElement[] {
  return rows.map((r) => (r.fact.trim() ? { source: r.id, fact: r.fact.trim() } : { source: r.id }));
}

/** The party of a link element (`person`/`group`/`actor`/`event` key) as a picker value. */
export function partyOf(view: RecordView, e: LinkElement, keys: Kind[]): Picked | null {
  for (const k of keys) {
    const id = e[k];
    if (typeof id === "string") return { kind: view.refs[id]?.kind ?? k, id, label: view.refs[id]?.label ?? id };
  }
  return null;
}
