// What the screens say and where they say it: labels that agree in Russian, date
// examples that never break, errors beside their own field, records and countries
// named rather than described, counts that agree with each other.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { setLanguage } from "../lib/i18n";
import type { ImportReport, PersonPage, RecordSummary } from "../lib/types";
import { mockBackend, page, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import ImportReportView from "../components/ImportReportView.svelte";
import StrengthMeter from "../components/StrengthMeter.svelte";
import PersonList from "./PersonList.svelte";
import PersonPageView from "./PersonPage.svelte";
import RecordForm from "./forms/RecordForm.svelte";

const rec = (kind: "location" | "group", id: string, label: string): RecordSummary => ({
  kind,
  id,
  label,
  deleted: false,
  in_conflict: false,
  fields: {},
  refs: {},
});

const PERSON_PAGE: PersonPage = {
  record: {
    kind: "person",
    id: "p1",
    label: "Жамшид Раҳимов",
    deleted: false,
    fields: { name: { text: "Жамшид Раҳимов", lang: "uz-Cyrl" }, nationality: "UZ" },
    conflicts: {},
    links: {},
    refs: {},
    created: null,
    updated: null,
  },
  protection: {
    status_type: "protection",
    value: "detained",
    date: "2005-06-10",
    location: null,
    imminent: false,
    from_record: "ev-detention",
    explicit: false,
    via_group: null,
  },
  refugee: {
    status_type: "refugee",
    value: "assessment_pending",
    date: "2005-06-20",
    location: null,
    imminent: false,
    from_record: "st-unhcr",
    explicit: true,
    via_group: null,
  },
  timeline: [
    {
      item: "event",
      id: "ev-detention",
      date: "2005-06-10",
      end_date: null,
      event_type: "detention",
      // The backend's English label of an event without a title.
      title: "Detention, 2005-06-10",
      location: null,
      location_label: null,
      role: "victim",
      via_group: null,
      via_group_label: null,
      status_type: "protection",
      status_value: "detained",
      imminent: false,
      implied: true,
      sources: [],
      in_conflict: false,
    },
  ],
  groups: [],
  family: [],
  sources: [],
  interventions: [],
  attachments: [],
  labels: {},
  viewed: "p1",
  cluster: null,
};

beforeEach(async () => {
  mockBackend({
    person_list: page([]),
    record_list: ({ kind }: Record<string, unknown>) =>
      page([rec("location", "loc-osh", "Osh"), rec("group", "g29", "29 taken to Osh")].filter((r) => r.kind === kind)),
    person_page: PERSON_PAGE,
    record_add: { id: "new-id" },
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("the persons list's filters", () => {
  it("say 'any' in the gender of each filter's noun in Russian", async () => {
    await setLanguage("ru");
    render(PersonList);
    const status = screen.getByTestId("person-status-filter") as HTMLSelectElement;
    expect(screen.getByLabelText("Текущий статус защиты")).toBe(status);
    expect(status.options[0].textContent).toBe("Любой");
    expect(screen.getByLabelText("Место").getAttribute("placeholder")).toBe("Любое");
    expect(screen.getByLabelText("Группа").getAttribute("placeholder")).toBe("Любая");
  });

  it("say 'Any' for every filter in English", async () => {
    render(PersonList);
    expect((screen.getByTestId("person-status-filter") as HTMLSelectElement).options[0].textContent).toBe("Any");
    expect(screen.getByLabelText("Location").getAttribute("placeholder")).toBe("Any");
    expect(screen.getByLabelText("Group").getAttribute("placeholder")).toBe("Any");
  });
});

describe("a date field", () => {
  it("keeps every example date of its hint on one line, and the end date says what it is for instead", async () => {
    history.replaceState(null, "", "#/events/new");
    render(RecordForm, { kind: "event", params: new URLSearchParams() });
    const hint = document.getElementById("e-date-hint")!;
    const whole = [...hint.querySelectorAll(".nowrap")].map((s) => s.textContent);
    expect(whole).toEqual(["2005-05-13", "2005-05", "2005", "1975~", "2005-06-09/2005-06-12", "2005-05/.."]);
    expect(hint.textContent).toContain("between: 2005-06-09/2005-06-12");
    const endHint = document.getElementById("e-end-hint")!;
    expect(endHint.textContent).toContain("more than a day");
    expect(endHint.textContent).not.toContain("2005-06-09/2005-06-12");
  });

  it("keeps the translation's word order in Russian", async () => {
    await setLanguage("ru");
    history.replaceState(null, "", "#/events/new");
    render(RecordForm, { kind: "event", params: new URLSearchParams() });
    expect(document.getElementById("e-date-hint")!.textContent).toContain("период: 2005-06-09/2005-06-12 · начиная с: 2005-05/..");
  });

  it("does not call a date wrong while it is being typed, only once the field is left", async () => {
    history.replaceState(null, "", "#/events/new");
    render(RecordForm, { kind: "event", params: new URLSearchParams() });
    const input = screen.getByTestId("e-date");
    await fireEvent.input(input, { target: { value: "2005-0" } });
    expect(screen.getByTestId("e-date-error").textContent).toBe("");
    await fireEvent.blur(input);
    expect(screen.getByTestId("e-date-error").textContent).toContain("Not a date");
    await fireEvent.input(input, { target: { value: "2005-06" } });
    expect(screen.getByTestId("e-date-error").textContent).toBe("");
  });
});

describe("a field's error", () => {
  it("is written in its own field, in a place kept for it, and describes the control", async () => {
    history.replaceState(null, "", "#/persons/new");
    render(RecordForm, { kind: "person", params: new URLSearchParams() });
    const field = document.querySelector("[data-field=p-name]")!;
    const error = within(field as HTMLElement).getByTestId("p-name-error");
    // The message's place is there before any message: nothing is inserted above or below.
    expect(error.textContent).toBe("");
    expect(error.getAttribute("aria-live")).toBe("polite");
    const before = document.querySelectorAll("form *").length;

    await fireEvent.click(screen.getByTestId("form-save"));
    expect(error.textContent).toBe("A person needs a name, even a partial one.");
    expect(document.querySelectorAll("form *").length).toBe(before);
    // Under the control, inside the field it is about.
    expect(error.parentElement!.classList.contains("field-body")).toBe(true);
    expect(error.parentElement!.contains(document.getElementById("p-name"))).toBe(true);
    expect(document.getElementById("p-name")!.getAttribute("aria-describedby")!.split(" ")).toEqual(["p-name-hint", "p-name-error"]);

    await fireEvent.input(screen.getByTestId("p-name"), { target: { value: "Азиз Каримов" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    await waitFor(() => expect(error.textContent).toBe(""));
  });

  it("of the backend is shown under the buttons, not above the fields", async () => {
    mockBackend({ record_add: () => Promise.reject({ code: "invalid", message: "'birth_date': there is no month 13" }) });
    history.replaceState(null, "", "#/persons/new");
    render(RecordForm, { kind: "person", params: new URLSearchParams() });
    await fireEvent.input(screen.getByTestId("p-name"), { target: { value: "Азиз Каримов" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    const banner = await screen.findByTestId("form-error");
    const save = screen.getByTestId("form-save");
    expect(save.compareDocumentPosition(banner) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(document.getElementById("p-name")!.compareDocumentPosition(banner) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

describe("the person page", () => {
  it("names what the current status comes from: the event, or the status record and its date", async () => {
    render(PersonPageView, { id: "p1" });
    expect((await screen.findByTestId("current-protection-from")).textContent).toBe("Detention, 10 June 2005");
    expect(screen.getByTestId("current-protection-from").getAttribute("href")).toBe("#/events/ev-detention");
    expect(screen.getByTestId("current-refugee-from").textContent).toBe("Status record of 20 June 2005");
  });

  it("names the country of a nationality in the interface language", async () => {
    render(PersonPageView, { id: "p1" });
    expect((await screen.findByTestId("field-nationality")).textContent?.trim()).toBe("Uzbekistan");
    for (const [lng, name, from] of [
      ["ru", "Узбекистан", "Запись о статусе от 20 июня 2005 г."],
      ["uz", "Oʻzbekiston", null],
      ["ky", "Өзбекстан", null],
    ] as const) {
      await setLanguage(lng);
      await waitFor(() => expect(screen.getByTestId("field-nationality").textContent?.trim()).toBe(name));
      if (from) expect(screen.getByTestId("current-refugee-from").textContent).toBe(from);
    }
  });
});

describe("an import preview", () => {
  const report = (): ImportReport => ({
    file: "/media/usb/a2.nansen",
    bundle_id: "b1",
    sender_device: "d1",
    sender_office: "Jalal-Abad",
    sender_role: "office",
    sender_user: "Timur",
    created_at: "2005-06-14T10:00:00Z",
    full: false,
    dry_run: true,
    already_imported: false,
    file_bytes: 4025,
    changes_in_bundle: 1,
    ops_in_bundle: 1,
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
    possible_duplicates: 0,
    unchecked: 0,
    new_devices: [],
    new_revocations: [],
    // The field's value here stays shown, so no field shows a new value; one conflict opens.
    effects: {
      created_count: 0,
      updated_count: 0,
      deleted_count: 0,
      conflicts_opened_count: 1,
      links_added: 0,
      links_removed: 0,
      created: [],
      updated: [],
      deleted: [],
      conflicts_opened: [{ kind: "person", id: "p1", field: "sex", before: "male", after: "female" }],
    },
    labels: { p1: "Азиз Каримов" },
    warnings: [],
  });

  it("counts a field in conflict as such, beside the fields that show a new value", () => {
    render(ImportReportView, { report: report() });
    const counts = screen.getByTestId("import-counts");
    expect(counts.textContent).toContain("Fields with a new value0");
    expect(counts.textContent).toContain("Fields in conflict (both values kept)1");
    expect(screen.getByTestId("import-conflicts").textContent).toContain("This import will open 1 conflict.");
  });
});

describe("the passphrase strength", () => {
  for (const [lng, text] of [
    ["en", "Very weak — not accepted. This is a very common password."],
    ["ru", "Очень слабая — не подходит."],
    ["uz", "Juda zaif — qabul qilinmaydi."],
    ["ky", "Өтө алсыз — кабыл алынбайт."],
  ] as const) {
    it(`ends each sentence with a full stop (${lng})`, async () => {
      mockBackend({ passphrase_strength: { score: 0, warning: "This is a very common password", suggestions: [], acceptable: false } });
      await setLanguage(lng);
      render(StrengthMeter, { passphrase: "password" });
      await waitFor(() => expect(screen.getByTestId("strength").dataset.score).toBe("0"));
      expect(screen.getByTestId("strength").textContent?.replace(/\s+/g, " ").trim()).toBe(text);
    });
  }
});
