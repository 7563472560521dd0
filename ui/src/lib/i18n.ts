// Internationalisation: i18next with bundled en/ru resources (nothing is
// fetched at run time) and a Svelte store so components re-render when the
// language changes:
//
//   <script> import { t } from "$lib/i18n"; </script>
//   <h1>{$t("nav.persons")}</h1>
//   <p>{$t("persons_count", { count: n })}</p>
//
// Plurals use i18next's Intl.PluralRules suffixes: _one/_other in English,
// _one/_few/_many/_other in Russian.
//
// A language is a file: `locales/<lang>.json` for the interface and
// `locales/errors/<lang>.json` for the core's error messages (English is
// generated from the core's catalog). Adding a language needs no code change.
import i18next, { type TOptions } from "i18next";
import { derived, get, writable, type Readable } from "svelte/store";

type Resources = Record<string, unknown>;

const interfaces = import.meta.glob<Resources>("./locales/*.json", { eager: true, import: "default" });
const errors = import.meta.glob<Resources>("./locales/errors/*.json", { eager: true, import: "default" });

const languageOf = (path: string) => path.replace(/^.*\/([^/]+)\.json$/, "$1");

const resources: Record<string, { translation: Resources }> = {};
for (const [path, strings] of Object.entries(interfaces)) {
  const lng = languageOf(path);
  const messages = errors[`./locales/errors/${lng}.json`] ?? {};
  resources[lng] = { translation: { ...strings, errors: messages } };
}

/** The languages the app speaks, English first. */
export const LANGUAGES: readonly string[] = Object.keys(resources).sort((a, b) =>
  a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b),
);
export type Language = string;

const STORAGE_KEY = "nansen.language";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && LANGUAGES.includes(value);
}

function initialLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage unavailable: fall through to the default.
  }
  return "en";
}

/** The single i18next instance of the app (not the global default instance). */
export const i18n = i18next.createInstance();

void i18n.init({
  lng: initialLanguage(),
  fallbackLng: "en",
  supportedLngs: [...LANGUAGES],
  resources,
  // Svelte escapes interpolated text itself.
  interpolation: { escapeValue: false },
  // Resources are bundled, so initialise synchronously.
  initAsync: false,
  returnNull: false,
});

const languageStore = writable<Language>(i18n.language as Language);

/** The current language; subscribe with `$language`. */
export const language: Readable<Language> = { subscribe: languageStore.subscribe };

export type Translate = (key: string | string[], options?: TOptions) => string;

/** Reactive translate function: `$t("key", { count })`. */
export const t: Readable<Translate> = derived(languageStore, (lng) => {
  const fixed = i18n.getFixedT(lng);
  return (key: string | string[], options?: TOptions) => fixed(key, options) as string;
});

/** Switch language at run time; every `$t(...)` re-renders. */
export async function setLanguage(lng: Language): Promise<void> {
  if (!isLanguage(lng)) throw new Error(`unsupported language: ${String(lng)}`);
  await i18n.changeLanguage(lng);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lng);
  } catch {
    // Not persisted; still switched for this session.
  }
  if (typeof document !== "undefined") document.documentElement.lang = lng;
  languageStore.set(lng);
}

/** Non-reactive translate, for code outside components. */
export function translate(key: string | string[], options?: TOptions): string {
  return get(t)(key, options);
}

if (typeof document !== "undefined") document.documentElement.lang = i18n.language;
