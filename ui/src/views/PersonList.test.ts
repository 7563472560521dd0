import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { setLanguage } from "../lib/i18n";
import type { PersonQuery, PersonSummary, RecordSummary } from "../lib/types";
import { mockBackend, page, pageOf, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import PersonList from "./PersonList.svelte";

const ABDULLAEV: PersonSummary = {
  id: "p1",
  name: { text: "Дилшод Абдуллаев", lang: "uz-Cyrl" },
  label: "Дилшод Абдуллаев",
  aliases: [{ text: "Dilshod Abdullayev", lang: "uz-Latn" }],
  protection: {
    status_type: "protection",
    value: "detained",
    date: "2005-06",
    location: "loc-osh",
    imminent: true,
    from_record: "e1",
    explicit: false,
    via_group: null,
  },
  refugee: null,
  location: "loc-osh",
  location_label: "Osh detention centre",
  groups: ["29 taken to the Osh detention centre"],
  in_conflict: true,
  sample: true,
  deleted: false,
  merged: 0,
};
const KARIMOV: PersonSummary = {
  ...ABDULLAEV,
  id: "p2",
  name: { text: "Азиз Каримов", lang: "uz-Cyrl" },
  label: "Азиз Каримов",
  aliases: [],
  protection: null,
  location: null,
  location_label: null,
  groups: [],
  in_conflict: false,
  sample: false,
};

const ref = (kind: "location" | "group", id: string, label: string): RecordSummary => ({
  kind,
  id,
  label,
  deleted: false,
  in_conflict: false,
  fields: {},
  refs: {},
});
const REFS = [
  ref("location", "loc-osh", "Osh detention centre"),
  ref("location", "loc-jalal", "Jalal-Abad"),
  ref("group", "g29", "29 taken to the Osh detention centre"),
];

/** A person of a long list. */
const numbered = (i: number): PersonSummary => ({ ...KARIMOV, id: `n${i}`, name: null, label: `Person ${String(i).padStart(3, "0")}` });

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    // A tiny backend search: by alias or name, and by status.
    person_list: ({ query }: Record<string, unknown>) => {
      const q = query as PersonQuery;
      return page(
        [ABDULLAEV, KARIMOV].filter(
          (p) =>
            (!q.q || [p.label, ...p.aliases.map((a) => a.text)].some((n) => n.toLowerCase().includes(q.q!.toLowerCase().slice(0, 5)))) &&
            (!q.status || p.protection?.value === q.status),
        ),
      );
    },
    // A search of the places and groups, as the filters' pickers send it.
    record_list: ({ kind, query }: Record<string, unknown>) => {
      const q = String((query as { q?: string | null }).q ?? "").toLowerCase();
      return page(REFS.filter((r) => r.kind === kind && r.label.toLowerCase().includes(q)));
    },
    record_get: ({ kind, id }: Record<string, unknown>) => {
      const r = REFS.find((x) => x.kind === kind && x.id === id);
      if (!r) throw { code: "not_found", message: `no ${kind} with id ${id}` };
      return { ...r, conflicts: {}, links: {}, created: null, updated: null };
    },
  });
  await unlockedSession();
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await resetComponentTest();
});

describe("Person list", () => {
  it("shows name, aliases, current status with the imminent flag, location, groups and markers", async () => {
    render(PersonList);
    const rows = await screen.findAllByTestId("person-row");
    expect(rows).toHaveLength(2);
    const row = within(rows[0]);
    expect(row.getByTestId("person-link").textContent).toBe("Дилшод Абдуллаев");
    expect(row.getByTestId("person-aliases").textContent).toContain("Dilshod Abdullayev");
    expect(row.getByTestId("person-status").textContent).toContain("Detained");
    expect(row.getByTestId("person-status").textContent).toContain("Imminent");
    expect(row.getByTestId("person-conflict")).toBeTruthy();
    expect(row.getByTestId("sample-badge")).toBeTruthy();
    expect(rows[0].textContent).toContain("Osh detention centre");
    expect(rows[0].textContent).toContain("29 taken to the Osh detention centre");
    expect(within(rows[1]).queryByTestId("sample-badge")).toBeNull();
    expect(screen.getByTestId("person-count").textContent).toContain("2 persons");
    // A list from a spreadsheet comes in through its own screen.
    expect(screen.getByRole("link", { name: "Import a list" }).getAttribute("href")).toBe("#/persons/import");
  });

  it("searches as you type, sending the text to the backend", async () => {
    render(PersonList);
    await screen.findAllByTestId("person-row");
    await fireEvent.input(screen.getByTestId("person-search"), { target: { value: "Abdullaev" } });
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(1));
    const queries = backend.argsOf("person_list").map((a) => a.query as PersonQuery);
    expect(queries.at(-1)).toMatchObject({ q: "Abdullaev", status: null, location: null, group: null });
    // Debounced: typing once sends one search, not one per keystroke.
    expect(queries.filter((q) => q.q === "Abdullaev")).toHaveLength(1);
    expect(screen.getByTestId("person-link").textContent).toBe("Дилшод Абдуллаев");
  });

  it("filters by current protection status, and by a place and a group found as you type", async () => {
    render(PersonList);
    await screen.findAllByTestId("person-row");
    const status = screen.getByTestId("person-status-filter") as HTMLSelectElement;
    // Only protection statuses are offered, in the vocabulary's labels.
    const labels = [...status.options].map((o) => o.textContent);
    expect(labels).toContain("Detained");
    expect(labels).not.toContain("Assessment pending");
    await fireEvent.change(status, { target: { value: "detained" } });
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(1));
    expect((backend.argsOf("person_list").at(-1)!.query as PersonQuery).status).toBe("detained");

    // Places are searched, not all loaded: only what matches the typing is offered.
    const location = screen.getByTestId("person-location-filter-input");
    expect(screen.getByLabelText("Location")).toBe(location);
    await fireEvent.input(location, { target: { value: "osh" } });
    await waitFor(() => expect(screen.getAllByTestId("person-location-filter-option")).toHaveLength(1));
    await fireEvent.mouseDown(screen.getByTestId("person-location-filter-option"));
    await waitFor(() => expect((backend.argsOf("person_list").at(-1)!.query as PersonQuery).location).toBe("loc-osh"));
    expect(screen.getByTestId("person-location-filter-chip").textContent).toContain("Osh detention centre");

    const group = screen.getByTestId("person-group-filter-input");
    await fireEvent.keyDown(group, { key: "ArrowDown" });
    await waitFor(() => expect(screen.getAllByTestId("person-group-filter-option")).toHaveLength(1));
    await fireEvent.keyDown(group, { key: "Enter" });
    await waitFor(() =>
      expect(backend.argsOf("person_list").at(-1)!.query).toMatchObject({ status: "detained", location: "loc-osh", group: "g29" }),
    );
    // Every search of places and groups asked for one short page.
    const searches = backend.argsOf("record_list");
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((a) => (a.query as { limit: number }).limit === 20)).toBe(true);

    // Removing the place's chip drops that filter only.
    await fireEvent.click(within(screen.getByTestId("person-location-filter")).getByRole("button", { name: /Remove/ }));
    await waitFor(() =>
      expect(backend.argsOf("person_list").at(-1)!.query).toMatchObject({ status: "detained", location: null, group: "g29" }),
    );
    await fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() =>
      expect(backend.argsOf("person_list").at(-1)!.query).toMatchObject({ q: null, status: null, location: null, group: null }),
    );
    expect(screen.queryByTestId("person-group-filter-chip")).toBeNull();
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(2));
  });

  it("opens filtered by the group named in the route (#/persons?group=<id>)", async () => {
    render(PersonList, { params: new URLSearchParams("group=g29") });
    await screen.findAllByTestId("person-row");
    const first = backend.argsOf("person_list")[0].query as PersonQuery;
    expect(first).toMatchObject({ group: "g29", location: null });
    // The chip gets the group's name once it arrives.
    await waitFor(() => expect(screen.getByTestId("person-group-filter-chip").textContent).toContain("29 taken to the Osh detention centre"));
    expect(screen.getByRole("button", { name: "Clear filters" })).toBeTruthy();
  });

  it("says so when nothing matches", async () => {
    render(PersonList);
    await screen.findAllByTestId("person-row");
    await fireEvent.input(screen.getByTestId("person-search"), { target: { value: "Nobody" } });
    expect((await screen.findByTestId("persons-empty")).textContent).toContain("No person matches");
  });

  it("loads the list a page at a time, counting the whole list, not the rows shown", async () => {
    const everyone = Array.from({ length: 150 }, (_, i) => numbered(i));
    backend = mockBackend({ person_list: ({ query }: Record<string, unknown>) => pageOf(everyone, (query as PersonQuery).after) });
    render(PersonList);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(100));
    expect(screen.getByTestId("person-count").textContent).toContain("150 persons, showing 100");
    expect((backend.argsOf("person_list")[0].query as PersonQuery).after).toBeNull();

    await fireEvent.click(screen.getByTestId("load-more"));
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(150));
    // The second page was asked for after the first one's cursor, with the same filters.
    expect(backend.argsOf("person_list").map((a) => (a.query as PersonQuery).after)).toEqual([null, "100"]);
    const rows = screen.getAllByTestId("person-row");
    expect(rows[99].getAttribute("data-id")).toBe("n99");
    expect(rows[100].getAttribute("data-id")).toBe("n100");
    expect(screen.getByTestId("person-count").textContent).toContain("150 persons");
    expect(screen.getByTestId("person-count").textContent).not.toContain("showing");
    // The last page: nothing more to load.
    expect(screen.queryByTestId("load-more")).toBeNull();

    // A new search starts again from the first page.
    await fireEvent.input(screen.getByTestId("person-search"), { target: { value: "Person" } });
    await waitFor(() => expect(backend.argsOf("person_list").at(-1)!.query).toMatchObject({ q: "Person", after: null }));
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(100));
  });

  it("says 'or more' when the backend stopped counting, in Russian too", async () => {
    const first = Array.from({ length: 100 }, (_, i) => numbered(i));
    mockBackend({ person_list: page(first, "n99.00", 10000, true) });
    render(PersonList);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(100));
    expect(screen.getByTestId("person-count").textContent).toContain("10,000 persons or more, showing 100");
    cleanup();
    await setLanguage("ru");
    render(PersonList);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(100));
    expect(screen.getByTestId("person-count").textContent).toContain("10\u00a0000 человек или больше, показано 100");
    expect(screen.getByTestId("load-more").textContent?.trim()).toBe("Загрузить ещё");
  });

  it("loads the next page when the end of the list comes into view", async () => {
    // An IntersectionObserver the test drives (happy-dom's never reports).
    const observers: FakeObserver[] = [];
    class FakeObserver {
      disconnected = false;
      targets: Element[] = [];
      constructor(readonly callback: IntersectionObserverCallback) {
        observers.push(this);
      }
      observe(target: Element) {
        this.targets.push(target);
      }
      unobserve() {}
      disconnect() {
        this.disconnected = true;
      }
      takeRecords() {
        return [];
      }
      /** The sentinel scrolls into (or out of) view. */
      report(isIntersecting: boolean) {
        const entry = { isIntersecting, target: this.targets[0] } as IntersectionObserverEntry;
        this.callback([entry], this as unknown as IntersectionObserver);
      }
    }
    vi.stubGlobal("IntersectionObserver", FakeObserver);
    const watching = () => observers.filter((o) => !o.disconnected);
    const everyone = Array.from({ length: 250 }, (_, i) => numbered(i));
    backend = mockBackend({ person_list: ({ query }: Record<string, unknown>) => pageOf(everyone, (query as PersonQuery).after) });
    render(PersonList);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(100));
    await waitFor(() => expect(watching()).toHaveLength(1));
    const first = watching()[0];
    // It watches the end of the list, below the last row.
    expect(first.targets[0].closest("[data-testid=load-more-bar]")).toBeTruthy();
    first.report(true);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(200));
    expect(screen.getByTestId("person-count").textContent).toContain("250 persons, showing 200");
    // A new observer for the new end of the list; while it is out of view nothing loads.
    await waitFor(() => expect(watching()).toHaveLength(1));
    const second = watching()[0];
    expect(second).not.toBe(first);
    second.report(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(backend.argsOf("person_list")).toHaveLength(2);
    second.report(true);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(250));
    expect(screen.getByTestId("person-count").textContent?.trim()).toBe("250 persons");
    // Every page loaded: no sentinel is watched any more.
    await waitFor(() => expect(watching()).toHaveLength(0));
  });
});
