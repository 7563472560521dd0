// Every locale is complete and nothing in it is stale: the same keys as English (with
// the plural forms CLDR gives each language, asked of Intl.PluralRules, never listed by
// hand), the same placeholders, every key used by some screen, and no string still in
// English unless i18n-same-as-english.json says why.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LANGUAGES } from "./i18n";
import sameAsEnglish from "./i18n-same-as-english.json";

type Tree = { [key: string]: string | Tree };

const LOCALES = join(__dirname, "locales");
const read = (path: string): Tree => JSON.parse(readFileSync(join(LOCALES, path), "utf8")) as Tree;

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const CATEGORIES = ["zero", "one", "two", "few", "many", "other"] as const;

/** Plural categories of a language, from CLDR through Intl (what i18next uses). */
const categoriesOf = (lng: string): string[] => new Intl.PluralRules(lng).resolvedOptions().pluralCategories;

/**
 * English's plural keys: a base with an `_other` form and at least one more
 * (`persons_count_one`, `persons_count_other`); `family_of_each_other` alone is not one.
 */
const ENGLISH_PLURALS = (() => {
  const keys = [...flatten(read("en.json")).keys(), ...[...flatten(read("errors/en.json")).keys()].map((k) => `errors.${k}`)];
  const bases = new Set<string>();
  for (const key of keys) {
    const m = PLURAL.exec(key);
    if (m && m[1] !== "other" && keys.includes(key.slice(0, -m[0].length) + "_other")) bases.add(key.slice(0, -m[0].length));
  }
  return bases;
})();

/** A file's keys with plural keys grouped under their base: base → forms (or null). */
function grouped(strings: Map<string, string>, prefix = ""): Map<string, Set<string> | null> {
  const bases = new Map<string, Set<string> | null>();
  for (const key of strings.keys()) {
    const m = PLURAL.exec(key);
    const base = m ? key.slice(0, -m[0].length) : key;
    if (m && ENGLISH_PLURALS.has(prefix + base)) {
      const forms = (bases.get(base) as Set<string> | undefined) ?? new Set<string>();
      forms.add(m[1]);
      bases.set(base, forms);
    } else bases.set(key, null);
  }
  return bases;
}

const placeholders = (text: string): string[] =>
  [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]))].sort();

/** Nothing to translate: no letter outside the placeholders ("{{from}} – {{to}}", "#"). */
const letterless = (text: string) => !/\p{L}/u.test(text.replace(/\{\{[^}]*\}\}/g, ""));

const allowed = sameAsEnglish as unknown as Record<string, Record<string, string>>;
const isAllowedSame = (lng: string, key: string): boolean => key in (allowed[lng] ?? {});

/** The English a locale's string stands for: the same key, or for few/many, English `other`. */
function englishOf(english: Map<string, string>, key: string): string | undefined {
  return english.get(key) ?? (PLURAL.test(key) ? english.get(key.replace(PLURAL, "_other")) : undefined);
}

const FILES = ["", "errors/"] as const;
const OTHERS = LANGUAGES.filter((l) => l !== "en");

/** Keys written twice in one object of a JSON text, which JSON.parse drops silently. */
function repeatedKeys(text: string): string[] {
  const objects: Set<string>[] = [];
  const repeated: string[] = [];
  // A whole string (a key with its colon) or a brace: braces inside strings are skipped.
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"\s*:?|[{}]/g)) {
    if (token === "{") objects.push(new Set());
    else if (token === "}") objects.pop();
    else if (token.endsWith(":")) {
      const key = JSON.parse(token.slice(0, -1)) as string;
      const keys = objects[objects.length - 1];
      if (keys.has(key)) repeated.push(key);
      keys.add(key);
    }
  }
  return repeated;
}

describe("locales", () => {
  it("repeat no key within an object (the last would hide the first)", () => {
    expect(repeatedKeys('{"a": {"b": "{", "c": 1}, "d": {"b": 2, "b": 3}}')).toEqual(["b"]);
    for (const dir of FILES) {
      for (const lng of LANGUAGES) {
        expect(repeatedKeys(readFileSync(join(LOCALES, `${dir}${lng}.json`), "utf8")), `${dir}${lng}.json`).toEqual([]);
      }
    }
  });

  it("are en, ky, ru and uz, each with an interface file and an error file", () => {
    expect([...LANGUAGES].sort()).toEqual(["en", "ky", "ru", "uz"]);
    const names = (dir: string) =>
      readdirSync(join(LOCALES, dir))
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.replace(/\.json$/, ""))
        .sort();
    expect(names(".")).toEqual([...LANGUAGES].sort());
    expect(names("errors")).toEqual([...LANGUAGES].sort());
  });

  for (const lng of OTHERS) {
    for (const dir of FILES) {
      const file = `${dir}${lng}.json`;
      const english = flatten(read(`${dir}en.json`));
      const strings = flatten(read(file));

      it(`${file}: every English key, no other, with the plural forms of ${lng}`, () => {
        const want = categoriesOf(lng);
        const prefix = dir ? "errors." : "";
        const englishKeys = grouped(english, prefix);
        const keys = grouped(strings, prefix);
        const missing = [...englishKeys.keys()].filter((k) => !keys.has(k));
        const extra = [...keys.keys()].filter((k) => !englishKeys.has(k));
        expect(missing, `${file} lacks`).toEqual([]);
        expect(extra, `${file} has keys English does not`).toEqual([]);
        for (const [base, forms] of englishKeys) {
          const have = keys.get(base);
          if (forms === null) {
            expect(have, `${file}: ${base} is not a plural key`).toBeNull();
          } else {
            const sorted = (s: Iterable<string>) => CATEGORIES.filter((c) => [...s].includes(c));
            expect(sorted(have ?? []), `${file}: the plural forms of ${base}`).toEqual(sorted(want));
          }
        }
      });

      it(`${file}: the placeholders of the English`, () => {
        const wrong: string[] = [];
        for (const [key, text] of strings) {
          const m = PLURAL.exec(key);
          const base = m ? key.slice(0, -m[0].length) : key;
          const plural = m !== null && ENGLISH_PLURALS.has(`${dir ? "errors." : ""}${base}`);
          const forms = plural ? [...english].filter(([k]) => CATEGORIES.some((c) => k === `${base}_${c}`)) : [];
          if (forms.length) {
            // A plural form may leave the count out ("one value"), nothing else.
            const union = new Set(forms.flatMap(([, t]) => placeholders(t)));
            const unknown = placeholders(text).filter((p) => !union.has(p));
            const lost = [...union].filter((p) => p !== "count" && !placeholders(text).includes(p));
            if (unknown.length || lost.length) wrong.push(`${key}: ${JSON.stringify({ unknown, lost })}`);
          } else {
            const en = english.get(key) ?? "";
            if (placeholders(text).join() !== placeholders(en).join()) {
              wrong.push(`${key}: ${placeholders(text).join()} ≠ ${placeholders(en).join()}`);
            }
          }
        }
        expect(wrong).toEqual([]);
      });

      it(`${file}: nothing left in English unless marked as meant to be the same`, () => {
        const untranslated = [...strings]
          .filter(([key, text]) => text === englishOf(english, key) && !letterless(text))
          .filter(([key]) => !isAllowedSame(lng, dir ? `errors.${key}` : key))
          .map(([key, text]) => `${key}: ${text}`);
        expect(untranslated).toEqual([]);
      });

      it(`${file}: written in its script, one script a word`, () => {
        const wrong: string[] = [];
        for (const [key, text] of strings) {
          const words = text.replace(/\{\{[^}]*\}\}/g, " ").split(/[^\p{L}\p{M}ʼ‘']+/u);
          // A Latin-looking letter inside a Cyrillic word (or the reverse) is a typo that
          // reads right and sorts and searches wrong: "Kыргыз", "Ош" with a Latin O.
          for (const w of words) {
            if (/\p{Script=Latin}/u.test(w) && /\p{Script=Cyrillic}/u.test(w)) wrong.push(`${key}: mixed scripts in "${w}"`);
          }
          // Uzbek Latin writes o‘ g‘ with ‘ and the tutuq belgisi with ʼ, never a typewriter '.
          if (lng === "uz" && /\p{L}'\p{L}/u.test(text)) wrong.push(`${key}: a typewriter apostrophe in a word (write o‘ g‘ ʼ)`);
        }
        expect(wrong).toEqual([]);
      });
    }

    it(`i18n-same-as-english.json: every ${lng} entry is still true`, () => {
      const english = new Map([...flatten(read("en.json"))]);
      for (const [k, v] of flatten(read("errors/en.json"))) english.set(`errors.${k}`, v);
      const strings = new Map([...flatten(read(`${lng}.json`))]);
      for (const [k, v] of flatten(read(`errors/${lng}.json`))) strings.set(`errors.${k}`, v);
      const stale = Object.keys(allowed[lng] ?? {}).filter(
        (key) => strings.get(key) === undefined || strings.get(key) !== englishOf(english, key),
      );
      expect(stale).toEqual([]);
    });
  }

  it("has no key that no screen uses", () => {
    // Every string and template literal of the UI's code: a key is used when a literal
    // names it, or a template's fixed parts fit it (`kind.${kind}` uses every kind.*).
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) {
          if (!["locales", "generated", "test"].includes(f)) walk(p);
        } else if (/\.(svelte|ts)$/.test(f) && !f.endsWith(".test.ts")) files.push(p);
      }
    };
    walk(join(__dirname, ".."));
    const literals = new Set<string>();
    const templates: RegExp[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/"([^"\\\n]*)"|'([^'\\\n]*)'/g)) literals.add(m[1] ?? m[2]);
      for (const m of text.matchAll(/`([^`]*)`/g)) {
        const parts = m[1].split(/\$\{[^}]*\}/);
        // Only templates that start with a fixed part: `${a}.${b}` would fit anything.
        if (parts.length < 2 || !/^[a-z]/.test(parts[0])) continue;
        const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        templates.push(new RegExp(`^${parts.map(escape).join("[a-z0-9_]+")}$`));
      }
    }
    const english = grouped(flatten(read("en.json")));
    const unused = [...english.keys()].filter((key) => !literals.has(key) && !templates.some((re) => re.test(key)));
    expect(unused).toEqual([]);
  });
});
