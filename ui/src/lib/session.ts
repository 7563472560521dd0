// The session as the UI sees it: locked / unlocked / first run, the store's
// info (office, user, counts for badges), and the reference data loaded once
// per unlock (vocabularies, schema).
import { derived, get, writable } from "svelte/store";
import * as api from "./api";
import { formatDate } from "./format";
import { language, t } from "./i18n";
import type { Info, Kind, KindSpec, SessionState, Term, TimelineItem, Vocabularies } from "./types";

export const session = writable<SessionState | null>(null);
/** Set when even `app_state` failed: the app cannot start. */
export const startupError = writable<string | null>(null);
export const info = writable<Info | null>(null);
export const vocabs = writable<Vocabularies>({});
export const schemaByKind = writable<Partial<Record<Kind, KindSpec>>>({});

/** Called whenever the UI learns that the store is locked. */
export function markLocked(): void {
  session.update((s) => (s && s.state === "unlocked" ? { ...s, state: "locked", info: null } : s));
}

api.onLocked(markLocked);

// The store builds a few labels itself (events without a title, statuses in reports
// and conflicts): keep them in the UI's language. The backend keeps it across locks.
language.subscribe((lng) => {
  void api.setLanguage(lng).catch(() => {});
});

export async function loadSession(): Promise<void> {
  try {
    const state = await api.appState();
    await applySession(state);
    startupError.set(null);
  } catch (error) {
    startupError.set(api.errorMessage(error));
  }
}

/** Adopt a session state from setup/unlock/lock, loading reference data on unlock. */
export async function applySession(state: SessionState): Promise<void> {
  if (state.state === "unlocked") {
    info.set(state.info);
    await loadReferenceData();
  } else {
    info.set(null);
  }
  session.set(state);
}

export async function loadReferenceData(): Promise<void> {
  const [v, s] = await Promise.all([
    api.vocabularies().catch(() => ({}) as Vocabularies),
    api.schema().catch(() => [] as KindSpec[]),
  ]);
  vocabs.set(v);
  const byKind: Partial<Record<Kind, KindSpec>> = {};
  for (const spec of s) byKind[spec.name] = spec;
  schemaByKind.set(byKind);
}

/** Refresh office/user/counts (e.g. the conflicts badge). Also counts as activity. */
export async function refreshInfo(): Promise<void> {
  if (get(session)?.state !== "unlocked") return;
  try {
    info.set(await api.info());
  } catch {
    // A locked error is handled by the api hook; anything else keeps the old info.
  }
}

export async function lockNow(): Promise<void> {
  try {
    const state = await api.lock();
    await applySession(state);
  } catch {
    markLocked();
  }
}

/** The terms of a vocabulary, in display order. */
export function termsOf(v: Vocabularies, vocab: string): Term[] {
  return v[vocab] ?? [];
}

/**
 * A term's label in a UI language: the vocabulary table has one column per language
 * (`label_en`, `label_ru`, `label_uz`, `label_ky`); English for a language without one.
 */
export function labelIn(term: Term, lng: string): string {
  switch (lng) {
    case "ru":
      return term.label_ru;
    case "uz":
      return term.label_uz;
    case "ky":
      return term.label_ky;
    default:
      return term.label_en;
  }
}

/** Reactive vocabulary label: `$vl("status", "detained")` → "Detained" / "Под стражей" / "Hibsda" / "Камакта". */
export const vl = derived([vocabs, language], ([v, lng]) => {
  return (vocab: string, term: string | null | undefined): string => {
    if (!term) return "";
    const found = v[vocab]?.find((x) => x.term === term);
    return found ? labelIn(found, lng) : term;
  };
});

/** Reactive: the localised label of a term object. */
export const termLabel = derived(language, (lng) => (term: Term) => labelIn(term, lng));

/**
 * A record's label in the current language. The backend labels events without
 * a title and statuses in English ("Detention, 2005-06-10"); the UI builds its
 * own from the vocabulary.
 */
export const recordLabel = derived([vocabs, language, t], ([v, lng, tr]) => {
  const label = (vocab: string, term: unknown) => {
    const found = typeof term === "string" ? v[vocab]?.find((x) => x.term === term) : undefined;
    return found ? labelIn(found, lng) : typeof term === "string" ? term : "";
  };
  return (kind: Kind, fields: Record<string, unknown>, fallback: string): string => {
    if (kind === "status" && typeof fields.value === "string") return label("status", fields.value);
    if (kind === "event" && !fields.title && typeof fields.type === "string") {
      const type = label("event_type", fields.type);
      return typeof fields.date === "string" ? `${type}, ${formatDate(fields.date, lng, tr)}` : type;
    }
    return fallback;
  };
});

/** A timeline item's title in the current language (the backend's fallback labels are English). */
export const timelineTitle = derived([vocabs, language, recordLabel], ([v, lng, label]) => {
  return (item: TimelineItem): string => {
    if (item.item === "status") {
      const term = v.status?.find((x) => x.term === item.status_value);
      return term ? labelIn(term, lng) : (item.status_value ?? item.title);
    }
    const en = v.event_type?.find((term) => term.term === item.event_type)?.label_en;
    if (en && (item.title === en || item.title === `${en}, ${item.date}`)) {
      return label("event", { type: item.event_type, date: item.date }, item.title);
    }
    return item.title;
  };
});
