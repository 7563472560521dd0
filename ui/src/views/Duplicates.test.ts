import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { setLanguage } from "../lib/i18n";
import type { Candidate, CandidatePerson, ImportReport, PersonPage } from "../lib/types";
import { INFO, mockBackend, page, unlockedSession } from "../test/backend";
import { info } from "../lib/session";
import { unchecked } from "../lib/duplicateCheck";
import { resetComponentTest } from "../test/reset";
import ImportReportView from "../components/ImportReportView.svelte";
import Duplicates from "./Duplicates.svelte";

const person = (id: string, text: string, lang: string, office: string, author: string, birth: string | null): CandidatePerson => ({
  id,
  label: text,
  name: { text, lang },
  aliases: [],
  birth_date: birth,
  sex: "male",
  created: { at: "2005-06-14T10:00:00Z", author, office },
});

// As `nansen duplicates --json` printed it for two offices' records of one man.
const RUSTAM: Candidate = {
  a: person("p-osh", "Абдуллаев Рустам", "uz-Cyrl", "Osh", "Dilnoza", "1975~"),
  b: person("p-jal", "Rustam Abdullayev", "uz-Latn", "Jalal-Abad", "Timur", "1976"),
  score: 0.9999837279365654,
  evidence: [
    {
      kind: "names",
      a: "Абдуллаев Рустам",
      a_lang: "uz-Cyrl",
      b: "Rustam Abdullayev",
      b_lang: "uz-Latn",
      weight: 14,
      words: [
        { a: "Абдуллаев", b: "Abdullayev", role: "name", level: "exact", similarity: 1, weight: 7 },
        { a: "Рустам", b: "Rustam", role: "name", level: "exact", similarity: 1, weight: 7 },
      ],
    },
    { kind: "identifier", id_type: "camp_id", a: "A-117", b: "A-117", agreement: "same", weight: 12 },
    { kind: "birth_dates", a: "1975~", b: "1976", compatible: true, years_apart: 0, weight: 2.9 },
    { kind: "sex", a: "male", b: "male", agree: true, weight: 1 },
  ],
  verdicts: [],
};

const KARIMOV: Candidate = {
  a: person("p-k1", "Aziz Karimov", "uz-Latn", "Osh", "Dilnoza", "1950"),
  b: person("p-k2", "Азиз Каримов", "uz-Cyrl", "Jalal-Abad", "Timur", "1976"),
  score: 0.62,
  evidence: [
    {
      kind: "names",
      a: "Aziz Karimov",
      a_lang: "uz-Latn",
      b: "Азиз Каримов",
      b_lang: "uz-Cyrl",
      weight: 14,
      words: [
        { a: "Karimov", b: "Каримов", role: "name", level: "exact", similarity: 1, weight: 7 },
        { a: "Aziz", b: "Азиз", role: "name", level: "exact", similarity: 1, weight: 7 },
      ],
    },
    { kind: "identifier", id_type: "camp_id", a: "A-117", b: "A-118", agreement: "near", weight: 2 },
    { kind: "birth_dates", a: "1950", b: "1976", compatible: false, years_apart: 26, weight: -9 },
  ],
  verdicts: [],
};

function personPage(id: string, identifiers: { type: string; value: string }[]): PersonPage {
  return {
    record: {
      kind: "person",
      id,
      label: id,
      deleted: false,
      fields: {},
      conflicts: {},
      links: { aliases: [], identifiers, family: [], sources: [] },
      refs: {},
      created: null,
      updated: null,
    },
    protection: null,
    refugee: null,
    timeline: [],
    groups: id === "p-osh" ? [{ id: "g29", name: "29 taken to Osh", asserted_count: 29, identified: 12 }] : [],
    family: [],
    sources: [],
    interventions: [],
    attachments: [],
    labels: {},
    viewed: id,
    cluster: null,
  };
}

const IDENTIFIERS: Record<string, { type: string; value: string }[]> = {
  "p-osh": [{ type: "camp_id", value: "A-117" }],
  "p-jal": [{ type: "camp_id", value: "A-117" }],
  "p-k1": [{ type: "camp_id", value: "A-117" }],
  "p-k2": [{ type: "camp_id", value: "A-118" }],
};

let queue: Candidate[];
let backend: ReturnType<typeof mockBackend>;

/** The backend: a decision takes the pair out of the queue, except unsure. */
function install() {
  const drop = ({ a, b, ids }: Record<string, unknown>) => {
    const [x, y] = (ids as string[] | undefined) ?? [a as string, b as string];
    queue = queue.filter((c) => !(c.a.id === x && c.b.id === y));
    return { cluster: x, members: [x], ops: 1 };
  };
  backend = mockBackend({
    duplicates: () => page(queue),
    person_page: ({ id }: Record<string, unknown>) => personPage(id as string, IDENTIFIERS[id as string] ?? []),
    merge: drop,
    not_same: drop,
    unsure: ({ a }: Record<string, unknown>) => ({ cluster: a, members: [a], ops: 1 }),
  });
}

beforeEach(async () => {
  queue = [RUSTAM, KARIMOV];
  install();
  await unlockedSession();
});

afterEach(resetComponentTest);

const pair = () => screen.findByTestId("dup-pair");
const shown = async () => {
  const el = await pair();
  return [el.dataset.a, el.dataset.b];
};

describe("Duplicates: the review queue", () => {
  it("shows one pair side by side: names, who recorded each, differences marked, the evidence in words and the score", async () => {
    render(Duplicates);
    const card = await pair();
    expect(card.dataset.a).toBe("p-osh");
    expect(within(card).getByTestId("dup-a-name").textContent).toContain("Абдуллаев Рустам");
    expect(within(card).getByTestId("dup-a-name").textContent).toContain("uz-Cyrl");
    expect(within(card).getByTestId("dup-b-name").textContent).toContain("Rustam Abdullayev");
    expect(within(card).getByTestId("dup-a-recorded").textContent).toContain("Dilnoza, Osh");
    expect(within(card).getByTestId("dup-b-recorded").textContent).toContain("Timur, Jalal-Abad");
    // Birth dates differ (compatible, but not the same): marked in words, not only by colour.
    const birth = within(card).getByTestId("dup-row-birth_date");
    expect(birth.dataset.differs).toBe("true");
    expect(birth.textContent).toContain("differs");
    expect(within(card).getByTestId("dup-row-sex").dataset.differs).toBe("false");
    // Identifiers and groups come from each record's page.
    await waitFor(() => expect(within(card).getByTestId("dup-a-identifiers").textContent).toContain("Camp ID: A-117"));
    expect(within(card).getByTestId("dup-row-identifiers").dataset.differs).toBe("false");
    await waitFor(() => expect(within(card).getByTestId("dup-a-groups").textContent).toContain("29 taken to Osh"));

    const evidence = within(card)
      .getAllByTestId("dup-evidence-item")
      .map((li) => li.textContent?.replace(/\s+/g, " ").trim());
    expect(evidence[0]).toContain("+14.0");
    expect(evidence[0]).toContain("Names compared: Абдуллаев Рустам (uz-Cyrl) and Rustam Abdullayev (uz-Latn)");
    expect(evidence[0]).toContain("Абдуллаев = Abdullayev: the same name, in another script or spelling");
    expect(evidence[1]).toContain("Camp ID: A-117 and A-117 agree");
    expect(evidence[2]).toContain("Birth dates c. 1975 and 1976 are compatible");
    expect(evidence[3]).toContain("Sex: Male in both");
    expect(within(card).getByTestId("dup-score").textContent).toContain("99% likely the same person");
    expect(screen.getByTestId("duplicates-count").textContent).toContain("2 pairs wait for review");
  });

  it("marks what speaks against: years apart, identifiers that differ", async () => {
    queue = [KARIMOV];
    render(Duplicates);
    const card = await pair();
    const evidence = within(card).getAllByTestId("dup-evidence-item");
    const birth = evidence.find((li) => li.dataset.kind === "birth_dates")!;
    expect(birth.textContent).toContain("Birth dates 1950 and 1976 are 26 years apart");
    expect(birth.textContent).toContain("\u22129.0");
    expect(birth.classList.contains("dup-ev-against")).toBe(true);
    expect(evidence.find((li) => li.dataset.kind === "identifier")!.textContent).toContain("one character apart");
    await waitFor(() => expect(within(card).getByTestId("dup-row-identifiers").dataset.differs).toBe("true"));
  });

  it("S merges the pair (both ids) and shows the next", async () => {
    render(Duplicates);
    expect(await shown()).toEqual(["p-osh", "p-jal"]);
    await fireEvent.keyDown(window, { key: "s", code: "KeyS" });
    await waitFor(() => expect(backend.argsOf("merge")).toEqual([{ ids: ["p-osh", "p-jal"] }]));
    await waitFor(async () => expect(await shown()).toEqual(["p-k1", "p-k2"]));
    expect(screen.getByTestId("dup-status").textContent).toContain("Merged: Абдуллаев Рустам and Rustam Abdullayev are now one person.");
    expect(screen.getByTestId("dup-open-merged").getAttribute("href")).toBe("#/persons/p-osh");
    expect(backend.argsOf("not_same")).toEqual([]);
  });

  it("N keeps the pair apart (not_same) and moves on; on a Russian layout too", async () => {
    render(Duplicates);
    await pair();
    // The key where N is, typed on a Russian layout: "т".
    await fireEvent.keyDown(window, { key: "т", code: "KeyN" });
    await waitFor(() => expect(backend.argsOf("not_same")).toEqual([{ a: "p-osh", b: "p-jal" }]));
    await waitFor(async () => expect(await shown()).toEqual(["p-k1", "p-k2"]));
    expect(backend.argsOf("merge")).toEqual([]);
  });

  it("U records unsure and shows the next pair although the first stays in the queue", async () => {
    render(Duplicates);
    await pair();
    await fireEvent.keyDown(window, { key: "u", code: "KeyU" });
    await waitFor(() => expect(backend.argsOf("unsure")).toEqual([{ a: "p-osh", b: "p-jal" }]));
    await waitFor(async () => expect(await shown()).toEqual(["p-k1", "p-k2"]));
  });

  it("→ skips without deciding; after the last, the skipped pairs can be shown again", async () => {
    render(Duplicates);
    await pair();
    await fireEvent.keyDown(window, { key: "ArrowRight", code: "ArrowRight" });
    await waitFor(async () => expect(await shown()).toEqual(["p-k1", "p-k2"]));
    await fireEvent.click(screen.getByTestId("dup-skip"));
    expect(await screen.findByTestId("dup-empty")).toBeTruthy();
    expect(screen.getByTestId("dup-empty").textContent).toContain("You skipped the 2 pairs left");
    for (const cmd of ["merge", "not_same", "unsure"]) expect(backend.argsOf(cmd)).toEqual([]);
    await fireEvent.click(screen.getByTestId("dup-again"));
    await waitFor(async () => expect(await shown()).toEqual(["p-osh", "p-jal"]));
  });

  it("the buttons do the same, are labelled and show their keys", async () => {
    render(Duplicates);
    await pair();
    const same = screen.getByTestId("dup-same");
    expect(same.getAttribute("aria-keyshortcuts")).toBe("S");
    expect(same.getAttribute("aria-label")).toBe("Same person: merge the two records");
    expect(same.querySelector("kbd")?.textContent).toBe("S");
    expect(screen.getByTestId("dup-not-same").querySelector("kbd")?.textContent).toBe("N");
    expect(screen.getByTestId("dup-unsure").querySelector("kbd")?.textContent).toBe("U");
    expect(screen.getByTestId("dup-skip").querySelector("kbd")?.textContent).toBe("→");
    await fireEvent.click(screen.getByTestId("dup-not-same"));
    await waitFor(() => expect(backend.argsOf("not_same")).toEqual([{ a: "p-osh", b: "p-jal" }]));
  });

  it("ignores the keys while typing in a field", async () => {
    render(Duplicates);
    await pair();
    const input = document.createElement("input");
    document.body.appendChild(input);
    await fireEvent.keyDown(input, { key: "s", code: "KeyS" });
    expect(backend.argsOf("merge")).toEqual([]);
    input.remove();
  });

  it("explains a disputed pair instead of a score", async () => {
    queue = [{ ...RUSTAM, evidence: [], score: 1, verdicts: ["not_same", "same"] }];
    render(Duplicates);
    const card = await pair();
    expect(within(card).getByTestId("dup-disputed").textContent).toContain(
      "Judged the same person at one office and not the same at another",
    );
    expect(within(card).queryByTestId("dup-score")).toBeNull();
  });

  it("says when nothing waits, and speaks Russian", async () => {
    queue = [];
    await setLanguage("ru");
    render(Duplicates);
    expect((await screen.findByTestId("dup-empty")).textContent).toContain("Возможных дубликатов, ждущих проверки, нет.");
  });

  it("in Russian, the evidence and the count use Russian plurals", async () => {
    await setLanguage("ru");
    queue = [KARIMOV, RUSTAM];
    render(Duplicates);
    const card = await pair();
    const birth = within(card)
      .getAllByTestId("dup-evidence-item")
      .find((li) => li.dataset.kind === "birth_dates")!;
    expect(birth.textContent).toContain("Даты рождения 1950 и 1976 расходятся на 26 лет");
    expect(screen.getByTestId("duplicates-count").textContent).toContain("2 пары ждут проверки");
  });
});

describe("Duplicates: persons from a list still being compared", () => {
  it("says how many are left, and takes the pairs found into the queue once nothing is on screen", async () => {
    queue = [];
    info.set({ ...INFO, duplicates_unchecked: 2500 });
    render(Duplicates);
    expect((await screen.findByTestId("dup-checking")).textContent).toContain("2,500 persons from a list are still being compared");
    await screen.findByTestId("dup-empty");
    const reads = backend.argsOf("duplicates").length;
    // The window's check goes on; a pair turns up.
    queue = [RUSTAM];
    unchecked.set(1500);
    expect(await shown()).toEqual(["p-osh", "p-jal"]);
    expect(backend.argsOf("duplicates").length).toBeGreaterThan(reads);
    expect(screen.getByTestId("dup-checking").textContent).toContain("1,500");
    // Done: the note goes, and the pair on screen stays.
    unchecked.set(null);
    info.set({ ...INFO, duplicates_unchecked: 0 });
    await waitFor(() => expect(screen.queryByTestId("dup-checking")).toBeNull());
    expect(await shown()).toEqual(["p-osh", "p-jal"]);
  });
});

describe("The import report", () => {
  const REPORT = {
    file: "/media/usb/osh.nansen",
    bundle_id: "b1",
    sender_device: "a482",
    sender_office: "Osh",
    sender_role: "office",
    sender_user: "Dilnoza",
    created_at: "2005-06-14T10:00:00Z",
    full: false,
    dry_run: false,
    already_imported: false,
    file_bytes: 4025,
    changes_in_bundle: 1,
    ops_in_bundle: 5,
    duplicates: 0,
    new_changes: 1,
    applied: 1,
    waiting: 0,
    held: 0,
    clock_ahead: 0,
    released: 0,
    forged: 0,
    withdrawn: 0,
    attachments: 0,
    possible_duplicates: 3,
    unchecked: 0,
    new_devices: [],
    new_revocations: [],
    effects: {
      created_count: 1,
      updated_count: 0,
      deleted_count: 0,
      conflicts_opened_count: 0,
      links_added: 0,
      links_removed: 0,
      created: [],
      updated: [],
      deleted: [],
      conflicts_opened: [],
    },
    labels: {},
    warnings: [],
  } as unknown as ImportReport;

  it("says how many possible duplicates wait, with a link to the queue", () => {
    render(ImportReportView, { report: REPORT, applied: true });
    const note = screen.getByTestId("import-duplicates");
    expect(note.textContent).toContain("3 possible duplicates wait for review.");
    expect(screen.getByTestId("import-review-duplicates").getAttribute("href")).toBe("#/duplicates");
  });

  it("in a preview, says how many will wait; nothing when there are none", () => {
    const { unmount } = render(ImportReportView, { report: { ...REPORT, possible_duplicates: 1 }, applied: false });
    expect(screen.getByTestId("import-duplicates").textContent).toContain("After this import, 1 possible duplicate will wait for review.");
    unmount();
    render(ImportReportView, { report: { ...REPORT, possible_duplicates: 0 }, applied: true });
    expect(screen.queryByTestId("import-duplicates")).toBeNull();
    expect(screen.queryByTestId("import-checking")).toBeNull();
  });

  it("after an import, says that the persons it brought are being compared", () => {
    render(ImportReportView, { report: { ...REPORT, unchecked: 12 }, applied: true });
    expect(screen.getByTestId("import-checking").textContent).toContain("now being compared with everyone else");
  });
});
