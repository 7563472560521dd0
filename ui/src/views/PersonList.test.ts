import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import type { PersonQuery, PersonSummary } from "../lib/types";
import { mockBackend, unlockedSession } from "../test/backend";
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

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    // A tiny backend search: by alias or name, and by status.
    person_list: ({ query }: Record<string, unknown>) => {
      const q = query as PersonQuery;
      return [ABDULLAEV, KARIMOV].filter(
        (p) =>
          (!q.q || [p.label, ...p.aliases.map((a) => a.text)].some((n) => n.toLowerCase().includes(q.q!.toLowerCase().slice(0, 5)))) &&
          (!q.status || p.protection?.value === q.status),
      );
    },
    record_list: ({ kind }: Record<string, unknown>) =>
      kind === "location"
        ? [{ kind: "location", id: "loc-osh", label: "Osh detention centre", deleted: false, in_conflict: false, fields: {} }]
        : kind === "group"
          ? [{ kind: "group", id: "g29", label: "29 taken to the Osh detention centre", deleted: false, in_conflict: false, fields: {} }]
          : [],
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

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

  it("filters by current protection status, location and group", async () => {
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

    const location = screen.getByTestId("person-location-filter") as HTMLSelectElement;
    await waitFor(() => expect(location.options.length).toBe(2));
    await fireEvent.change(location, { target: { value: "loc-osh" } });
    await waitFor(() => expect((backend.argsOf("person_list").at(-1)!.query as PersonQuery).location).toBe("loc-osh"));

    const group = screen.getByTestId("person-group-filter") as HTMLSelectElement;
    await fireEvent.change(group, { target: { value: "g29" } });
    await waitFor(() =>
      expect(backend.argsOf("person_list").at(-1)!.query).toMatchObject({ status: "detained", location: "loc-osh", group: "g29" }),
    );
  });

  it("says so when nothing matches", async () => {
    render(PersonList);
    await screen.findAllByTestId("person-row");
    await fireEvent.input(screen.getByTestId("person-search"), { target: { value: "Nobody" } });
    expect((await screen.findByTestId("persons-empty")).textContent).toContain("No person matches");
  });
});
