// Formatting and client-side checks shared by the screens.
import type { Translate } from "./i18n";
import type { Coordinates, NameValue } from "./types";

// ---- EDTF dates (core/src/date.rs) ---------------------------------------------

/**
 * The Intl locale (CLDR) for a UI language: British English writes 13 May 2005
 * (unambiguous day first); Uzbek is the Latin-script Uzbek of the interface.
 */
export function intlLocale(lng: string): string {
  if (lng === "en") return "en-GB";
  if (lng === "uz") return "uz-Latn";
  return lng;
}

/** Fields that hold a country, written as its ISO 3166 code ("UZ") by convention. */
export const COUNTRY_FIELDS: readonly string[] = ["nationality", "country"];

/**
 * A country's name in the interface language from its two-letter ISO 3166 code:
 * "UZ" is "Uzbekistan", "Узбекистан", "Oʻzbekiston". Null for any other text
 * (a name typed out, an unknown code), which is shown as written.
 */
export function countryName(text: string, lng: string): string | null {
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) return null;
  try {
    return new Intl.DisplayNames([intlLocale(lng)], { type: "region", fallback: "none" }).of(code) ?? null;
  } catch {
    return null;
  }
}

const POINT = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%])?$/;

/** True for the EDTF forms the backend accepts (it still has the last word). */
export function isEdtf(text: string): boolean {
  const s = text.trim();
  if (!s) return true;
  if (s.includes("/")) {
    const [a, b, ...rest] = s.split("/");
    if (rest.length) return false;
    const ok = (p: string) => p === ".." || checkPoint(p);
    return ok(a) && ok(b) && !(a === ".." && b === "..");
  }
  return checkPoint(s);
}

function checkPoint(p: string): boolean {
  const m = POINT.exec(p);
  if (!m) return false;
  const month = m[2] ? Number(m[2]) : null;
  const day = m[3] ? Number(m[3]) : null;
  if (month !== null && (month < 1 || month > 12)) return false;
  if (month !== null && day !== null) {
    const d = new Date(Date.UTC(Number(m[1]), month - 1, day));
    if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return false;
  }
  return true;
}

function formatPoint(p: string, lng: string, t: Translate): string {
  const m = POINT.exec(p);
  if (!m) return p;
  const [, y, mo, d, q] = m;
  let text: string;
  const utc = (month: number, day: number) => new Date(Date.UTC(Number(y), month, day));
  try {
    if (mo && d) {
      text = new Intl.DateTimeFormat(intlLocale(lng), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
        utc(Number(mo) - 1, Number(d)),
      );
    } else if (mo) {
      text = new Intl.DateTimeFormat(intlLocale(lng), { month: "long", year: "numeric", timeZone: "UTC" }).format(
        utc(Number(mo) - 1, 1),
      );
    } else {
      text = y;
    }
  } catch {
    text = p.replace(/[~?%]$/, "");
  }
  if (q === "~") return t("date.approx", { date: text });
  if (q === "?") return t("date.uncertain", { date: text });
  if (q === "%") return t("date.approx_uncertain", { date: text });
  return text;
}

/** "2005-06" → "June 2005"; "1965~" → "c. 1965"; ranges and open ends too. */
export function formatDate(edtf: string | null | undefined, lng: string, t: Translate): string {
  if (!edtf) return "";
  if (edtf.includes("/")) {
    const [a, b] = edtf.split("/");
    if (a === "..") return t("date.until", { date: formatPoint(b, lng, t) });
    if (b === "..") return t("date.from", { date: formatPoint(a, lng, t) });
    return t("date.range", { from: formatPoint(a, lng, t), to: formatPoint(b, lng, t) });
  }
  return formatPoint(edtf, lng, t);
}

/** A group's members with a record: "21 of 103 identified", or "21 identified" when no total was reported. */
export function formatIdentified(count: number, total: number | null, t: Translate): string {
  return total !== null ? t("group.identified_of", { count, total }) : t("group.identified", { count });
}

/**
 * The count line of a paged list, always about the whole list: "17 persons" once
 * every row is shown, else "2,345 persons, showing 100", or for a list the backend
 * stopped counting, "10,000 persons or more, showing 100". `countKey` is a plural
 * key that takes `count`.
 */
export function pageCount(
  t: Translate,
  countKey: string,
  page: { shown: number; total: number; capped: boolean; complete: boolean },
): string {
  if (page.complete && !page.capped) return t(countKey, { count: page.total });
  // Every page shown: the rows are the whole list, whatever the count said.
  if (page.complete) return t(countKey, { count: page.shown });
  // A lower bound is at least the rows already shown.
  const whole = t(countKey, { count: page.capped ? Math.max(page.total, page.shown) : page.total });
  const what = page.capped ? t("paging.or_more", { what: whole }) : whole;
  return t("paging.partial", { what, shown: page.shown });
}

/** An RFC 3339 time as a short local date and time. */
export function formatTimestamp(rfc3339: string | null | undefined, lng: string): string {
  if (!rfc3339) return "";
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return new Intl.DateTimeFormat(intlLocale(lng), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** A size in the locale's number format and unit names (CLDR): "1.5 MB", "1,5 МБ". */
export function formatBytes(n: number, lng: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return new Intl.NumberFormat(intlLocale(lng), {
    style: "unit",
    unit: units[i],
    // "500 bytes", "1.5 MB": CLDR's short form of "byte" is "byte" in English.
    unitDisplay: i ? "short" : "long",
    maximumFractionDigits: i ? 1 : 0,
  }).format(v);
}

/** The first 8 hex digits of an id, for display next to a label. */
export function shortId(id: string | null | undefined): string {
  return id ? id.replace(/-/g, "").slice(0, 8) : "";
}

// ---- Names ----------------------------------------------------------------------

export function isName(v: unknown): v is NameValue {
  return typeof v === "object" && v !== null && typeof (v as NameValue).text === "string";
}

export function isCoordinates(v: unknown): v is Coordinates {
  return typeof v === "object" && v !== null && typeof (v as Coordinates).lat === "number";
}

const LANG_TAG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$/;

/** The language tags the backend accepts: language, optional Script, optional REGION. */
export function isLangTag(tag: string): boolean {
  return LANG_TAG.test(tag.trim());
}

/** The script a name is written in, as an ISO 15924 code, or null. */
export function detectScript(text: string): "Cyrl" | "Latn" | "Arab" | null {
  if (/[\u0400-\u04FF]/.test(text)) return "Cyrl";
  if (/[\u0600-\u06FF]/.test(text)) return "Arab";
  if (/[A-Za-z\u00C0-\u024F]/.test(text)) return "Latn";
  return null;
}

/** The tag to store for a name: what was typed, else `und-<Script>` from the text. */
export function langFor(text: string, typed: string): string {
  const tag = typed.trim();
  if (tag) return tag;
  const script = detectScript(text);
  return script ? `und-${script}` : "und";
}

/** Common tags offered in the language field (free text is allowed too). */
export const COMMON_LANG_TAGS = ["uz-Cyrl", "uz-Latn", "ru-Cyrl", "ru-Latn", "ky-Cyrl", "ky-Latn", "tg-Cyrl", "en-Latn", "und"];
