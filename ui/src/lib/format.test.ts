import { afterEach, describe, expect, it } from "vitest";
import { changedInput } from "./forms";
import { detectScript, formatDate, isEdtf, isLangTag, langFor, pageCount } from "./format";
import { setLanguage, translate } from "./i18n";

describe("EDTF dates", () => {
  it("accepts the forms the backend accepts", () => {
    for (const ok of ["", "2005-05-13", "2005-05", "2005", "1975~", "2005-05-13?", "2005%", "2005-06-09/2005-06-12", "2005-05/..", "../2005"]) {
      expect(isEdtf(ok), ok).toBe(true);
    }
    for (const bad of ["13.05.2005", "2005-13", "2005-02-30", "05-05-2005", "../..", "2005/2006/2007", "yesterday"]) {
      expect(isEdtf(bad), bad).toBe(false);
    }
  });

  it("reads dates as people say them", () => {
    expect(formatDate("2005-05-13", "en", translate)).toBe("13 May 2005");
    expect(formatDate("2005-06", "en", translate)).toBe("June 2005");
    expect(formatDate("1975~", "en", translate)).toBe("c. 1975");
    expect(formatDate("2005-06-09/2005-06-12", "en", translate)).toBe("9 June 2005 – 12 June 2005");
    expect(formatDate("2005-05/..", "en", translate)).toBe("May 2005 – …");
  });
});

describe("names", () => {
  it("checks language-Script tags like the backend", () => {
    expect(isLangTag("uz-Cyrl")).toBe(true);
    expect(isLangTag("en-Latn-GB")).toBe(true);
    expect(isLangTag("und")).toBe(true);
    expect(isLangTag("cyrillic")).toBe(false);
    expect(isLangTag("UZ")).toBe(false);
  });

  it("derives the script when no tag is typed", () => {
    expect(detectScript("Абдуллаев")).toBe("Cyrl");
    expect(detectScript("Abdullaev")).toBe("Latn");
    expect(langFor("Абдуллаев", "")).toBe("und-Cyrl");
    expect(langFor("Abdullaev", " uz-Latn ")).toBe("uz-Latn");
  });
});

describe("changedInput()", () => {
  it("sends only what changed, comparing link sets as sets", () => {
    const initial = {
      name: { text: "Азиз", lang: "uz-Cyrl" },
      sex: "male",
      notes: null,
      aliases: [{ text: "Aziz", lang: "uz-Latn" }, { text: "Azis", lang: "en-Latn" }],
    };
    const current = {
      name: { lang: "uz-Cyrl", text: "Азиз" },
      sex: "male",
      notes: "seen in Osh",
      aliases: [{ lang: "en-Latn", text: "Azis" }, { text: "Aziz", lang: "uz-Latn" }],
    };
    expect(changedInput(initial, current)).toEqual({ notes: "seen in Osh" });
    expect(changedInput(initial, { ...current, sex: null })).toEqual({ notes: "seen in Osh", sex: null });
    expect(changedInput(initial, { ...current, aliases: [] })).toEqual({ notes: "seen in Osh", aliases: [] });
  });
});

describe("the count line of a paged list", () => {
  afterEach(async () => {
    await setLanguage("en");
  });

  const line = (shown: number, total: number, capped = false, complete = shown >= total) =>
    pageCount(translate, "persons_count", { shown, total, capped, complete });

  it("counts the whole list, saying how much of it is shown", () => {
    expect(line(17, 17)).toBe("17 persons");
    expect(line(1, 1)).toBe("1 person");
    expect(line(100, 2345)).toBe("2,345 persons, showing 100");
    expect(line(1100, 2345)).toBe("2,345 persons, showing 1,100");
  });

  it("says 'or more' when the backend stopped counting, until every page is shown", () => {
    expect(line(100, 10000, true, false)).toBe("10,000 persons or more, showing 100");
    // A lower bound below the rows shown (the backend counted what one page read).
    expect(line(150, 51, true, false)).toBe("150 persons or more, showing 150");
    // The last page arrived: the rows are the whole list.
    expect(line(10250, 10000, true, true)).toBe("10,250 persons");
  });

  it("in Russian, with its plural forms", async () => {
    await setLanguage("ru");
    expect(line(1, 1)).toBe("1 человек");
    expect(line(22, 22)).toBe("22 человека");
    expect(line(100, 121)).toBe("121 человек, показано 100");
    expect(line(100, 123)).toBe("123 человека, показано 100");
    expect(line(100, 10000, true, false)).toBe("10\u00a0000 человек или больше, показано 100");
    expect(pageCount(translate, "audit.count", { shown: 100, total: 102, capped: false, complete: false })).toBe(
      "102 изменения, показано 100",
    );
  });
});
