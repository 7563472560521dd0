import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { setLanguage } from "../../lib/i18n";
import type { Dashboard as DashboardData, PlaceLevel, RecordSummary } from "../../lib/types";
import { EMPTY_DASHBOARD, mockBackend, page, unlockedSession } from "../../test/backend";
import { resetComponentTest } from "../../test/reset";
import Dashboard from "./Dashboard.svelte";
import CountedList from "./CountedList.svelte";
import DeadlineReminder from "../../components/DeadlineReminder.svelte";

// The sample data's dashboard, as the core counts it.
const SEED: DashboardData = {
  persons: 17,
  by_status: [
    { status: "at_risk", n: 15 },
    { status: "forcibly_returned", n: 2 },
  ],
  places: {
    path: [],
    places: [
      { id: "kg", label: "Kyrgyzstan", n: 15, by_status: [{ status: "at_risk", n: 15 }], has_children: true },
      { id: "uz", label: "Uzbekistan", n: 2, by_status: [{ status: "forcibly_returned", n: 2 }], has_children: true },
    ],
    elsewhere: 0,
  },
  new_persons: [
    { month: "2025-12", n: 0 },
    { month: "2026-01", n: 17 },
  ],
  events: {
    months: ["2005-05", "2005-06"],
    series: [
      { event_type: "detention", counts: [0, 1] },
      { event_type: "ill_treatment", counts: [1, 0] },
    ],
    unplaced: 0,
    earlier: 0,
  },
  deadlines: { today: "2026-01-15", overdue: 2, upcoming: 1, days: 7 },
  conflicts: 3,
  duplicates: 4,
};

const INSIDE_KG: PlaceLevel = {
  path: [{ id: "kg", label: "Kyrgyzstan" }],
  places: [
    { id: "osh", label: "Osh", n: 12, by_status: [{ status: "at_risk", n: 12 }], has_children: true },
    { id: "ja", label: "Jalal-Abad Region", n: 3, by_status: [{ status: "at_risk", n: 3 }], has_children: true },
  ],
  elsewhere: 0,
};

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    dashboard: SEED,
    dashboard_places: ({ parent }: Record<string, unknown>) => (parent === "kg" ? INSIDE_KG : SEED.places),
  });
  await unlockedSession();
});
afterEach(resetComponentTest);

describe("Dashboard", () => {
  it("shows every count as a link to the list it counts", async () => {
    render(Dashboard);
    await screen.findByTestId("dashboard-cards");
    expect(screen.getByTestId("card-persons").getAttribute("href")).toBe("#/persons");
    expect(within(screen.getByTestId("card-persons")).getByText("17")).toBeTruthy();
    expect(screen.getByTestId("card-overdue").getAttribute("href")).toBe("#/dashboard/deadlines?show=overdue");
    expect(screen.getByTestId("card-overdue").classList.contains("dash-card-alert")).toBe(true);
    expect(screen.getByTestId("card-upcoming").textContent).toContain("next 7 days");
    expect(screen.getByTestId("card-conflicts").getAttribute("href")).toBe("#/conflicts");
    expect(within(screen.getByTestId("card-duplicates")).getByText("4")).toBeTruthy();
    // By status: the persons list filtered by the status.
    const atRisk = screen.getByTestId("status-count-at_risk");
    expect(atRisk.textContent).toBe("15");
    expect(atRisk.getAttribute("href")).toBe("#/persons?status=at_risk");
    // By place: the persons list filtered by the place.
    const rows = screen.getAllByTestId("place-row");
    expect(rows.map((r) => r.dataset.id)).toEqual(["kg", "uz"]);
    expect(within(rows[0]).getByTestId("place-count").getAttribute("href")).toBe("#/persons?location=kg");
    // By month: the persons recorded that month; events of a type in a month.
    const month = screen.getByTestId("new-count");
    expect(month.textContent).toBe("17");
    expect(month.getAttribute("href")).toBe("#/dashboard/list?of=new_persons&month=2026-01");
    const events = screen.getAllByTestId("event-count").map((a) => a.getAttribute("href"));
    expect(events).toEqual([
      "#/dashboard/list?of=events&month=2005-06&event_type=detention",
      "#/dashboard/list?of=events&month=2005-05&event_type=ill_treatment",
    ]);
    // A chart for each.
    for (const chart of ["chart-status", "chart-places", "chart-new-persons", "chart-events"]) {
      expect(screen.getByTestId(chart).tagName).toBe("CANVAS");
    }
  });

  it("looks into a place and back up the location tree", async () => {
    render(Dashboard);
    const rows = await screen.findAllByTestId("place-row");
    await fireEvent.click(within(rows[0]).getByTestId("place-inside"));
    await waitFor(() => expect(screen.getAllByTestId("place-row").map((r) => r.dataset.id)).toEqual(["osh", "ja"]));
    expect(backend.argsOf("dashboard_places")).toEqual([{ parent: "kg" }]);
    expect(screen.getByTestId("dashboard-places").textContent).toContain("Kyrgyzstan");
    await fireEvent.click(screen.getByTestId("place-top"));
    await waitFor(() => expect(screen.getAllByTestId("place-row").map((r) => r.dataset.id)).toEqual(["kg", "uz"]));
  });

  it("speaks Russian", async () => {
    await setLanguage("ru");
    render(Dashboard);
    await screen.findByTestId("dashboard-cards");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Сводка");
    expect(screen.getByText("По текущему статусу защиты")).toBeTruthy();
    expect(screen.getByTestId("card-overdue").textContent).toContain("Просроченные вмешательства");
  });

  it("writes the situation summary on demand, each sentence linked to its records and sources", async () => {
    backend = mockBackend({
      dashboard: SEED,
      situation: ({ asOf, lang }: Record<string, unknown>) => ({
        lang,
        as_of: asOf,
        date: "2005-06-30",
        title: "Situation summary as of 30 June 2005",
        paragraphs: [
          {
            key: "events",
            heading: "Events",
            sentences: [
              {
                text: "29\u00a0asylum-seekers were detained (12 identified by name).",
                figures: [
                  {
                    value: 29,
                    counts: "persons",
                    records: [{ kind: "group", id: "g29", label: "29 taken to the Osh detention centre" }],
                    more_records: 0,
                    sources: [1],
                    list: null,
                  },
                ],
                sources: [1],
              },
            ],
          },
        ],
        sources: [
          {
            n: 1,
            id: "s1",
            title: "Kyrgyzstan: More asylum-seekers at risk",
            type: "ngo_report",
            type_label: "NGO report",
            reliability: "usually_reliable",
            reliability_label: "B — Usually reliable",
            confidential: false,
          },
        ],
        text: "",
      }),
    });
    render(Dashboard);
    await screen.findByTestId("dashboard-cards");
    await fireEvent.input(screen.getByTestId("situation-as-of"), { target: { value: "2005-06-30" } });
    await fireEvent.click(screen.getByTestId("situation-show"));
    const sentence = await screen.findByTestId("situation-sentence");
    expect(sentence.textContent).toContain("were detained");
    expect(within(sentence).getByText("29 taken to the Osh detention centre").getAttribute("href")).toBe("#/groups/g29");
    expect(within(sentence).getByText("[1]").getAttribute("href")).toBe("#/sources/s1");
    expect(screen.getByTestId("situation-text").textContent).toContain("B — Usually reliable");
    expect(backend.argsOf("situation")).toEqual([{ asOf: "2005-06-30", lang: "en" }]);
  });

  it("says so when nothing is recorded yet", async () => {
    mockBackend({ dashboard: EMPTY_DASHBOARD });
    render(Dashboard);
    await screen.findByText("No persons recorded yet.");
    expect(screen.getByText("No dated events yet.")).toBeTruthy();
  });
});

describe("the lists behind the figures", () => {
  const event = (id: string, title: string): RecordSummary => ({
    kind: "event",
    id,
    label: title,
    deleted: false,
    in_conflict: false,
    fields: { type: "detention", title, date: "2005-06-03/2005-06-05" },
    refs: {},
  });

  it("lists the events of a type in a month, each a link", async () => {
    backend = mockBackend({ dashboard_list: page([event("e1", "29 taken to Osh")]) });
    render(CountedList, { params: new URLSearchParams("of=events&month=2005-06&event_type=detention") });
    const link = await screen.findByTestId("counted-link");
    expect(link.getAttribute("href")).toBe("#/events/e1");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/^Detention: events in /);
    expect(backend.argsOf("dashboard_list")[0]).toEqual({
      query: { of: "events", month: "2005-06", event_type: "detention", limit: null, after: null },
    });
  });

  it("reminds of overdue interventions after unlocking, until dismissed", async () => {
    backend = mockBackend({ dashboard_list: page([], null, 2) });
    render(DeadlineReminder);
    const banner = await screen.findByTestId("deadline-reminder");
    expect(banner.textContent).toContain("2 interventions are past their due date.");
    expect(screen.getByTestId("reminder-show").getAttribute("href")).toBe("#/dashboard/deadlines?show=overdue");
    await fireEvent.click(screen.getByTestId("reminder-dismiss"));
    await waitFor(() => expect(screen.queryByTestId("deadline-reminder")).toBeNull());
  });
});
