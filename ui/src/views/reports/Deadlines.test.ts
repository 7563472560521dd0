import { afterEach, beforeEach, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import { setLanguage } from "../../lib/i18n";
import type { Deadline, Deadlines as DeadlinesData } from "../../lib/types";
import { EMPTY_DASHBOARD, mockBackend, unlockedSession } from "../../test/backend";
import { resetComponentTest } from "../../test/reset";
import Deadlines from "./Deadlines.svelte";
import Dashboard from "./Dashboard.svelte";
import App from "../../App.svelte";
import { navigate } from "../../lib/router";

const deadline = (id: string, title: string, daysLeft: number, more: Partial<Deadline> = {}): Deadline => ({
  id,
  title,
  type: "urgent_appeal",
  status: "sent",
  due: "2026-01-12",
  due_on: "2026-01-12",
  days_left: daysLeft,
  target: null,
  target_label: null,
  concerns: [],
  ...more,
});

// As the core lists them: the longest overdue first, the soonest upcoming first.
const LIST: DeadlinesData = {
  as_of: "2026-01-15",
  overdue: [
    deadline("i1", "Urgent appeal to the Prosecutor General", -3, {
      target: "a1",
      target_label: "Prosecutor General",
      concerns: [
        { kind: "group", id: "g1", label: "103 asylum-seekers listed" },
        { kind: "person", id: "p1", label: "Jamshid Rahimov" },
      ],
    }),
    deadline("i2", "Letter to UNHCR", -1, { due: "2026-01", due_on: "2026-01-14" }),
  ],
  upcoming: [deadline("i3", "Follow-up with the detention centre", 0)],
};

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({ deadlines: LIST });
  await unlockedSession();
});
afterEach(resetComponentTest);

it("lists overdue and upcoming interventions, each a link to itself and to what it concerns", async () => {
  render(Deadlines);
  const overdue = await screen.findByTestId("deadlines-overdue");
  expect(within(overdue).getByRole("heading").textContent).toBe("Overdue: 2");
  const rows = within(overdue).getAllByTestId("deadline-row");
  expect(rows.map((r) => r.getAttribute("data-id"))).toEqual(["i1", "i2"]);
  const link = within(rows[0]).getByTestId("deadline-link");
  expect(link.textContent).toBe("Urgent appeal to the Prosecutor General");
  expect(link.getAttribute("href")).toBe("#/interventions/i1");
  expect(within(rows[0]).getByTestId("deadline-when").textContent).toBe("3 days overdue");
  expect(within(rows[1]).getByTestId("deadline-when").textContent).toBe("1 day overdue");
  expect(within(rows[0]).getByText("Prosecutor General").getAttribute("href")).toBe("#/actors/a1");
  expect(within(rows[0]).getAllByTestId("deadline-concern").map((a) => a.getAttribute("href"))).toEqual(["#/groups/g1", "#/persons/p1"]);

  const upcoming = screen.getByTestId("deadlines-upcoming");
  expect(within(upcoming).getByRole("heading").textContent).toBe("Due in the next 7 days: 1");
  expect(within(upcoming).getByTestId("deadline-when").textContent).toBe("Due today");
  expect(within(upcoming).getByTestId("deadline-link").getAttribute("href")).toBe("#/interventions/i3");
  expect(backend.argsOf("deadlines")).toEqual([{}]);
});

it("says when nothing is due, in the person's language", async () => {
  mockBackend({ deadlines: { as_of: "2026-01-15", overdue: [], upcoming: [] } });
  await setLanguage("ru");
  render(Deadlines);
  expect((await screen.findByTestId("deadlines-overdue-none")).textContent).toBe("Нет вмешательств с истёкшим сроком.");
  expect(screen.getByTestId("deadlines-upcoming-none").textContent).toBe("Нет вмешательств со сроком в ближайшие 7 дней.");
  expect(screen.queryByTestId("deadline-row")).toBeNull();
});

it("the dashboard's deadline figures open the list", async () => {
  mockBackend({ dashboard: { ...EMPTY_DASHBOARD, deadlines: { today: "2026-01-15", overdue: 2, upcoming: 1, days: 7 } } });
  render(Dashboard);
  const overdue = await screen.findByTestId("card-overdue");
  expect(overdue.getAttribute("href")).toBe("#/dashboard/deadlines?show=overdue");
  expect(screen.getByTestId("card-upcoming").getAttribute("href")).toBe("#/dashboard/deadlines?show=upcoming");
  expect(screen.getByTestId("open-deadlines").getAttribute("href")).toBe("#/dashboard/deadlines");
  expect(screen.getByTestId("open-exports").getAttribute("href")).toBe("#/dashboard/exports");
});

it("lists the reports under the dashboard in the navigation while it is open", async () => {
  navigate("persons");
  render(App);
  await screen.findByTestId("shell");
  expect(screen.queryByTestId("nav-reports")).toBeNull();
  navigate("dashboard/deadlines");
  const deadlines = await screen.findByTestId("nav-deadlines");
  expect(deadlines.getAttribute("aria-current")).toBe("page");
  expect(deadlines.getAttribute("href")).toBe("#/dashboard/deadlines");
  expect(screen.getByTestId("nav-exports").getAttribute("href")).toBe("#/dashboard/exports");
  expect(screen.getByTestId("nav-exports").getAttribute("aria-current")).toBeNull();
  expect(await screen.findByTestId("view-deadlines")).toBeTruthy();
  navigate("groups");
  await waitFor(() => expect(screen.queryByTestId("nav-reports")).toBeNull());
});
