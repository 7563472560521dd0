import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/svelte";
import { setLanguage } from "../lib/i18n";
import type { GroupPage, PersonPage, PersonSummary } from "../lib/types";
import { mockBackend, page, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import GroupPageView from "./GroupPage.svelte";
import PersonPageView from "./PersonPage.svelte";

const OSH = "01a2-loc-osh";
const G29 = "01a2-group-29";

const PAGE: PersonPage = {
  record: {
    kind: "person",
    id: "p1",
    label: "Жамшид Раҳимов",
    deleted: false,
    fields: { name: { text: "Жамшид Раҳимов", lang: "uz-Cyrl" }, sex: "male", birth_date: "1975~", sample: true },
    conflicts: {
      sex: [
        { value: "male", value_id: "a:1:0", device: "a", office: "Osh", author: "Dilnoza", at: "2005-06-10T10:00:00Z", shown: false },
        { value: "female", value_id: "b:3:0", device: "b", office: "Jalal-Abad", author: "Timur", at: "2005-06-10T11:00:00Z", shown: true },
      ],
    },
    links: { aliases: [{ text: "Jamshid Rahimov", lang: "uz-Latn" }], identifiers: [{ type: "camp_id", value: "B-117" }], family: [], sources: [] },
    refs: {},
    created: null,
    updated: null,
  },
  protection: {
    status_type: "protection",
    value: "detained",
    date: "2005-06-09/2005-06-12",
    location: OSH,
    imminent: false,
    from_record: "ev-detention",
    explicit: false,
    via_group: G29,
  },
  refugee: {
    status_type: "refugee",
    value: "assessment_pending",
    date: "2005-06",
    location: null,
    imminent: false,
    from_record: "st-unhcr",
    explicit: true,
    via_group: G29,
  },
  timeline: [
    {
      item: "event",
      id: "ev-arrival",
      date: "2005-05-15~",
      end_date: null,
      event_type: "arrival",
      title: "Arrival in the camp",
      location: null,
      location_label: null,
      role: "victim",
      via_group: null,
      via_group_label: null,
      status_type: "protection",
      status_value: "in_camp",
      imminent: false,
      implied: true,
      sources: [],
      in_conflict: false,
    },
    {
      item: "event",
      id: "ev-detention",
      date: "2005-06-09/2005-06-12",
      end_date: null,
      event_type: "detention",
      title: "29 asylum-seekers taken to the Osh detention centre",
      location: OSH,
      location_label: "Osh detention centre",
      role: "victim",
      via_group: G29,
      via_group_label: "29 taken to the Osh detention centre",
      status_type: "protection",
      status_value: "detained",
      imminent: false,
      implied: true,
      sources: [{ id: "src-ai", title: "Amnesty International, 2005", type: "ngo_report", reliability: "usually_reliable", fact: null }],
      in_conflict: false,
    },
  ],
  groups: [{ id: G29, name: "29 taken to the Osh detention centre", asserted_count: 29, identified: 12 }],
  family: [],
  sources: [],
  interventions: [],
  attachments: [],
  labels: { [OSH]: { kind: "location", label: "Osh detention centre", deleted: false } },
  viewed: "p1",
  cluster: null,
};

beforeEach(async () => {
  mockBackend({ person_page: PAGE });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("Person page", () => {
  it("shows the derived current status, where and since when, and through which group", async () => {
    render(PersonPageView, { id: "p1" });
    const current = await screen.findByTestId("current-protection");
    expect(screen.getByTestId("current-protection-value").textContent?.trim()).toBe("Detained");
    expect(current.textContent).toContain("Osh detention centre");
    expect(current.textContent).toContain("9 June 2005 – 12 June 2005");
    expect(current.textContent).toContain("29 taken to the Osh detention centre");
    // Named: the event it follows from (its own title here).
    expect(screen.getByTestId("current-protection-from").textContent).toBe("29 asylum-seekers taken to the Osh detention centre");
    expect(screen.getByTestId("current-refugee-value").textContent?.trim()).toBe("Assessment pending");
  });

  it("renders the timeline oldest first, with type, role, group, location and sources", async () => {
    render(PersonPageView, { id: "p1" });
    const items = await screen.findAllByTestId("timeline-item");
    expect(items.map((i) => i.dataset.id)).toEqual(["ev-arrival", "ev-detention"]);
    const detention = within(items[1]);
    expect(detention.getByTestId("timeline-type").textContent?.trim()).toBe("Detention");
    expect(detention.getByTestId("timeline-role").textContent).toBe("Victim");
    expect(detention.getByTestId("timeline-via").textContent).toBe("29 taken to the Osh detention centre");
    expect(items[1].textContent).toContain("Osh detention centre");
    expect(items[1].textContent).toContain("Amnesty International, 2005");
    expect(items[1].textContent).toContain("B — Usually reliable");
    expect(items[0].textContent).toContain("c. 15 May 2005");
    expect(items[0].textContent).toContain("In camp");
  });

  it("shows names with their script, groups as 'N of M identified', and marks conflicts", async () => {
    render(PersonPageView, { id: "p1" });
    await screen.findByTestId("person-page");
    expect(screen.getByTestId("person-name").textContent).toContain("uz-Cyrl");
    expect(screen.getByTestId("aliases").textContent).toContain("Jamshid Rahimov");
    expect(screen.getByTestId("aliases").textContent).toContain("uz-Latn");
    expect(screen.getByTestId("group-identified").textContent?.trim()).toBe("12 of 29 identified");
    const sex = screen.getByTestId("field-sex");
    expect(sex.querySelector("[data-testid=conflict-note]")?.querySelector("a")?.getAttribute("href")).toBe("#/conflicts");
    // Actions for this person.
    expect(screen.getByTestId("add-event").getAttribute("href")).toBe("#/events/new?victim=p1");
    expect(screen.getByTestId("add-status").getAttribute("href")).toBe("#/statuses/new?person=p1");
  });

  it("is translated, with Russian plurals for 'N of M identified'", async () => {
    await setLanguage("ru");
    const page = structuredClone(PAGE);
    // An event without a title: the backend's label is English.
    page.timeline[0] = { ...page.timeline[0], title: "Arrival in a camp, 2005-05-15~", date: "2005-05-15~" };
    mockBackend({ person_page: page });
    render(PersonPageView, { id: "p1" });
    await screen.findByTestId("person-page");
    expect(screen.getByTestId("current-protection-value").textContent?.trim()).toBe("Под стражей");
    expect(screen.getByTestId("group-identified").textContent?.trim()).toBe("12 из 29 установлены");
    const items = screen.getAllByTestId("timeline-item");
    expect(items[0].querySelector(".tl-title")!.textContent).toBe("Прибытие в лагерь, 15 мая 2005 г. (приблизительно)");
    expect(items[1].querySelector(".tl-title")!.textContent).toBe("29 asylum-seekers taken to the Osh detention centre");
    expect(items[1].textContent).toContain("Задержание");
    expect(items[1].textContent).toContain("Пострадавший");
  });

  it("is translated into Uzbek and Kyrgyz, with their dates and vocabulary labels", async () => {
    const cases = [
      ["uz", "Hibsda", "29 kishidan 12 nafari aniqlangan", "Lagerga kelish, taxminan 15-may, 2005", "Hibsga olish", "Jabrlanuvchi"],
      ["ky", "Камакта", "29 адамдан 12 адам аныкталган", "Лагерге келүү, болжол менен 2005-ж., 15-май", "Кармоо", "Жабырлануучу"],
    ] as const;
    for (const [lng, status, identified, arrival, detention, victim] of cases) {
      await setLanguage(lng);
      const page = structuredClone(PAGE);
      page.timeline[0] = { ...page.timeline[0], title: "Arrival in a camp, 2005-05-15~", date: "2005-05-15~" };
      mockBackend({ person_page: page });
      render(PersonPageView, { id: "p1" });
      await screen.findByTestId("person-page");
      expect(screen.getByTestId("current-protection-value").textContent?.trim(), lng).toBe(status);
      expect(screen.getByTestId("group-identified").textContent?.trim(), lng).toBe(identified);
      const items = screen.getAllByTestId("timeline-item");
      expect(items[0].querySelector(".tl-title")!.textContent, lng).toBe(arrival);
      expect(items[1].textContent, lng).toContain(detention);
      expect(items[1].textContent, lng).toContain(victim);
      cleanup();
    }
  });
});

describe("Group page", () => {
  const group = (identified: number, asserted: number | null): GroupPage => ({
    record: { ...PAGE.record, kind: "group", id: G29, label: "List of 103", fields: { name: "List of 103" }, conflicts: {}, links: {} },
    asserted_count: asserted,
    identified,
    members: page([]),
    timeline: [],
    interventions: [],
  });

  it("says how many of the reported members are identified, in Russian too", async () => {
    mockBackend({ group_page: group(21, 103) });
    await setLanguage("ru");
    render(GroupPageView, { id: G29 });
    expect((await screen.findByTestId("group-identified")).textContent?.trim()).toBe("21 из 103 установлен");
    cleanup();
    mockBackend({ group_page: group(3, 103) });
    render(GroupPageView, { id: G29 });
    expect((await screen.findByTestId("group-identified")).textContent?.trim()).toBe("3 из 103 установлены");
    cleanup();
    await setLanguage("en");
    mockBackend({ group_page: group(0, null) });
    render(GroupPageView, { id: G29 });
    expect((await screen.findByTestId("group-identified")).textContent?.trim()).toBe("0 identified");
    expect(screen.queryByTestId("group-more-members")).toBeNull();
  });

  it("shows the first page of members and links to the person list filtered by the group for the rest", async () => {
    const member = (i: number): PersonSummary => ({
      id: `m${i}`,
      name: null,
      label: `Member ${i}`,
      aliases: [],
      protection: null,
      refugee: null,
      location: null,
      location_label: null,
      groups: ["List of 103"],
      in_conflict: false,
      sample: false,
      deleted: false,
      merged: 0,
    });
    const members = Array.from({ length: 100 }, (_, i) => member(i));
    mockBackend({ group_page: { ...group(103, 103), members: page(members, "m99.6d3939", 103) } });
    render(GroupPageView, { id: G29 });
    const more = await screen.findByTestId("group-more-members");
    expect(screen.getByTestId("group-members").querySelectorAll("tbody tr")).toHaveLength(100);
    expect(more.textContent?.trim()).toBe("…and 3 more members");
    expect(more.getAttribute("href")).toBe(`#/persons?group=${G29}`);
    cleanup();
    await setLanguage("ru");
    mockBackend({ group_page: { ...group(121, 121), members: page(members, "m99.6d3939", 121) } });
    render(GroupPageView, { id: G29 });
    expect((await screen.findByTestId("group-more-members")).textContent?.trim()).toBe("…и ещё 21 участник");
  });
});
