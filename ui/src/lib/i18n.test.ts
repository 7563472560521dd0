import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { get } from "svelte/store";
import en from "./locales/en.json";
import ru from "./locales/ru.json";
import { i18n, language, setLanguage, t, translate } from "./i18n";

function flatKeys(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? flatKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** Keys without their plural suffix, so en (_one/_other) and ru (+_few/_many) compare equal. */
function baseKeys(obj: Record<string, unknown>): string[] {
  return [...new Set(flatKeys(obj).map((k) => k.replace(/_(zero|one|two|few|many|other)$/, "")))].sort();
}

afterEach(async () => {
  await setLanguage("en");
});

describe("i18n", () => {
  it("starts in English", () => {
    expect(get(language)).toBe("en");
    expect(translate("nav.persons")).toBe("Persons");
  });

  it("has the same keys in en and ru", () => {
    expect(baseKeys(ru)).toEqual(baseKeys(en));
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

  it("has every key the screens use, in both languages", () => {
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
    for (const lng of ["en", "ru"] as const) {
      const missing = [...keys].filter((k) => !i18n.exists(k, { lng, count: 1 }) && !i18n.exists(k, { lng }));
      expect(missing, lng).toEqual([]);
    }
  });

  it("rejects unsupported languages", async () => {
    await expect(setLanguage("de")).rejects.toThrow(/unsupported/);
  });
});
