import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { get } from "svelte/store";
import { formatBytes, formatDate, formatTimestamp } from "./format";
import { i18n, language, LANGUAGES, setLanguage, t, translate } from "./i18n";
import { labelIn } from "./session";
import vocabularies from "../test/generated/vocabularies.json";
import type { Term } from "./types";

afterEach(async () => {
  await setLanguage("en");
});

describe("i18n", () => {
  it("starts in English", () => {
    expect(get(language)).toBe("en");
    expect(translate("nav.persons")).toBe("Persons");
  });

  it("offers English, Kyrgyz, Russian and Uzbek, English first", () => {
    expect(LANGUAGES).toEqual(["en", "ky", "ru", "uz"]);
  });

  it("uses English plural forms", () => {
    expect(translate("persons_count", { count: 1 })).toBe("1 person");
    expect(translate("persons_count", { count: 2 })).toBe("2 persons");
    expect(translate("persons_count", { count: 0 })).toBe("0 persons");
  });

  it("uses Russian plural forms (Intl.PluralRules one/few/many)", async () => {
    await setLanguage("ru");
    const cases: Array<[number, string]> = [
      [1, "1 человек"],
      [2, "2 человека"],
      [5, "5 человек"],
      [11, "11 человек"],
      [21, "21 человек"],
      [22, "22 человека"],
      [25, "25 человек"],
    ];
    for (const [count, expected] of cases) {
      expect(translate("persons_count", { count })).toBe(expected);
    }
  });

  it("uses Uzbek and Kyrgyz plural forms (Intl.PluralRules one/other: the noun stays singular)", async () => {
    for (const [lng, one, many] of [
      ["uz", "1 kishi", "5 kishi"],
      ["ky", "1 адам", "5 адам"],
    ] as const) {
      await setLanguage(lng);
      expect(new Intl.PluralRules(lng).resolvedOptions().pluralCategories.sort()).toEqual(["one", "other"]);
      expect(translate("persons_count", { count: 1 })).toBe(one);
      expect(translate("persons_count", { count: 5 })).toBe(many);
      expect(translate("group.identified_of", { count: 12, total: 29 })).toMatch(/29.*12/);
    }
  });

  it("writes numbers, dates and sizes the way each language does (CLDR through Intl)", async () => {
    const cases = {
      en: { count: "12,345 records", date: "13 June 2005", month: "June 2005", approx: "c. 1975", size: "1.5 MB" },
      ru: { count: "12\u00a0345 записей", date: "13 июня 2005 г.", month: "июнь 2005 г.", approx: "1975 (приблизительно)", size: "1,5 МБ" },
      uz: { count: "12\u00a0345 ta yozuv", date: "13-iyun, 2005", month: "iyun, 2005", approx: "taxminan 1975", size: "1,5 MB" },
      ky: { count: "12\u00a0345 жазуу", date: "2005-ж., 13-июнь", month: "2005-ж., июнь", approx: "болжол менен 1975", size: "1,5 МБ" },
    } as const;
    for (const [lng, want] of Object.entries(cases)) {
      await setLanguage(lng);
      const tr = get(t);
      expect(translate("common.results", { count: 12345 }), lng).toBe(want.count);
      expect(formatDate("2005-06-13", lng, tr), lng).toBe(want.date);
      expect(formatDate("2005-06", lng, tr), lng).toBe(want.month);
      expect(formatDate("1975~", lng, tr), lng).toBe(want.approx);
      expect(formatBytes(1.5 * 1024 * 1024, lng), lng).toBe(want.size);
      expect(formatTimestamp("2005-06-13T10:00:00Z", lng), lng).toMatch(/2005/);
    }
  });

  it("labels every vocabulary term in every language", () => {
    const vocab = vocabularies as unknown as Record<string, Term[]>;
    const terms = Object.values(vocab).flat();
    expect(terms.length).toBeGreaterThan(90);
    for (const lng of LANGUAGES) {
      for (const term of terms) {
        const label = labelIn(term, lng);
        expect(label, `${term.term} in ${lng}`).toBeTruthy();
        if (lng !== "en") expect(label, `${term.term} in ${lng}`).not.toBe(term.label_en);
      }
    }
    const detained = vocab.status.find((x) => x.term === "detained")!;
    expect(LANGUAGES.map((lng) => labelIn(detained, lng))).toEqual(["Detained", "Камакта", "Под стражей", "Hibsda"]);
  });

  it("switches language at run time and notifies subscribers", async () => {
    const seen: string[] = [];
    const unsubscribe = t.subscribe((fn) => seen.push(fn("nav.settings")));
    await setLanguage("ru");
    expect(i18n.language).toBe("ru");
    expect(document.documentElement.lang).toBe("ru");
    await setLanguage("en");
    unsubscribe();
    expect(seen).toEqual(["Settings", "Настройки", "Settings"]);
  });

  it("says 'N of M identified' with Russian plural agreement", async () => {
    await setLanguage("ru");
    const said = (count: number, total: number) => translate("group.identified_of", { count, total });
    expect(said(12, 29)).toBe("12 из 29 установлены");
    expect(said(1, 29)).toBe("1 из 29 установлен");
    expect(said(21, 103)).toBe("21 из 103 установлен");
    expect(said(3, 4)).toBe("3 из 4 установлены");
    await setLanguage("en");
    expect(said(12, 29)).toBe("12 of 29 identified");
  });

  it("has every key the screens use, in every language", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(svelte|ts)$/.test(f) && !f.endsWith(".test.ts")) files.push(p);
      }
    };
    walk(join(__dirname, ".."));
    const keys = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\$t\(\s*"([a-z0-9_.]+)"/g)) keys.add(m[1]);
      for (const m of text.matchAll(/\$t\(\s*\[[^\]]*?"([a-z0-9_.]+)"\s*\]/g)) keys.add(m[1]);
    }
    keys.delete("key"); // the example in i18n.ts
    expect(keys.size).toBeGreaterThan(300);
    for (const lng of LANGUAGES) {
      const missing = [...keys].filter((k) => !i18n.exists(k, { lng, count: 1 }) && !i18n.exists(k, { lng }));
      expect(missing, lng).toEqual([]);
    }
  });

  it("rejects unsupported languages", async () => {
    await expect(setLanguage("de")).rejects.toThrow(/unsupported/);
  });
});
