import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { setLanguage } from "../lib/i18n";
import type { PersonPage, PersonSummary } from "../lib/types";
import { mockBackend, page, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import PersonList from "./PersonList.svelte";
import PersonPageView from "./PersonPage.svelte";

const OSH = "p-osh";
const JAL = "p-jal";
const LAW = "p-law";

// One man recorded three times: at Osh, at Jalal-Abad and by a lawyer; shown under
// the smallest id, with every name and the fields on which the records differ.
function clusterPage(viewed: string, members = [OSH, JAL, LAW]): PersonPage {
  const all = [
    { id: JAL, label: "Rustam Abdullayev", name: { text: "Rustam Abdullayev", lang: "uz-Latn" }, created: { at: "2005-06-12T09:00:00Z", author: "Timur", office: "Jalal-Abad" } },
    { id: LAW, label: "Abdulloev R.", name: { text: "Abdulloev R.", lang: "uz-Latn" }, created: { at: "2005-06-13T09:00:00Z", author: "Lawyer", office: "HQ" } },
    { id: OSH, label: "Абдуллаев Рустам", name: { text: "Абдуллаев Рустам", lang: "uz-Cyrl" }, created: { at: "2005-06-10T09:00:00Z", author: "Dilnoza", office: "Osh" } },
  ].filter((m) => members.includes(m.id));
  return {
    record: {
      kind: "person",
      id: JAL,
      label: "Rustam Abdullayev",
      deleted: false,
      fields: { name: { text: "Rustam Abdullayev", lang: "uz-Latn" }, birth_date: "1976", sex: "male" },
      conflicts: {},
      links: {
        aliases: [
          { text: "Abdulloev R.", lang: "uz-Latn" },
          { text: "Абдуллаев Рустам", lang: "uz-Cyrl" },
        ],
        identifiers: [{ type: "camp_id", value: "A-117" }],
        family: [],
        sources: [],
      },
      refs: {},
      created: null,
      updated: null,
    },
    protection: null,
    refugee: null,
    timeline: [],
    groups: [],
    family: [],
    sources: [],
    interventions: [],
    attachments: [],
    labels: {},
    viewed,
    cluster: {
      representative: JAL,
      members: all,
      differing: [
        {
          field: "birth_date",
          values: [
            { person: JAL, value: "1976" },
            { person: LAW, value: "1976" },
            { person: OSH, value: "1975~" },
          ],
        },
      ],
    },
  };
}

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    person_page: ({ id }: Record<string, unknown>) => clusterPage(id as string),
    settle: () => 1,
    unmerge: ({ id }: Record<string, unknown>) => ({ cluster: id, members: [id], ops: 2 }),
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("A person recorded more than once", () => {
  it("says how many times, lists each record with who recorded it, and shows every name", async () => {
    render(PersonPageView, { id: JAL });
    const cluster = await screen.findByTestId("cluster");
    expect(within(cluster).getByTestId("cluster-title").textContent).toBe("Recorded 3 times");
    const members = within(cluster).getAllByTestId("cluster-member");
    expect(members.map((m) => m.dataset.id)).toEqual([JAL, LAW, OSH]);
    expect(members[0].textContent).toContain("main record");
    expect(members[2].textContent).toContain("Абдуллаев Рустам");
    expect(members[2].textContent).toContain("uz-Cyrl");
    expect(within(members[2]).getByTestId("cluster-member-recorded").textContent).toContain("Recorded by Dilnoza at Osh");
    expect(within(members[2]).getByTestId("cluster-member-link").getAttribute("href")).toBe(`#/persons/${OSH}`);
    // Every name, in every script: the shown name and the others as aliases.
    expect(screen.getByTestId("field-name").textContent).toContain("Rustam Abdullayev");
    const aliases = screen.getByTestId("aliases").textContent ?? "";
    expect(aliases).toContain("Абдуллаев Рустам");
    expect(aliases).toContain("Abdulloev R.");
    // Opened under the representative's own id: no "shown as part of" note.
    expect(screen.queryByTestId("cluster-viewed")).toBeNull();
  });

  it("a merged-away id shows the cluster's page, saying so", async () => {
    render(PersonPageView, { id: OSH });
    const note = await screen.findByTestId("cluster-viewed");
    expect(note.textContent).toContain("The record you opened, Абдуллаев Рустам, was judged the same person as others");
    expect(note.textContent).toContain("part of Rustam Abdullayev");
    const viewed = screen.getAllByTestId("cluster-member").find((m) => m.dataset.id === OSH)!;
    expect(viewed.classList.contains("cluster-viewed")).toBe(true);
    expect(viewed.textContent).toContain("opened");
  });

  it("a field the records differ on is settled with one record's value, written to all", async () => {
    render(PersonPageView, { id: JAL });
    const differ = await screen.findByTestId("cluster-differ");
    expect(differ.dataset.field).toBe("birth_date");
    const values = within(differ).getAllByTestId("cluster-value");
    // The same value held by two records is offered once.
    expect(values).toHaveLength(2);
    expect(values[0].textContent).toContain("In Rustam Abdullayev (Jalal-Abad), Abdulloev R. (HQ)");
    expect(values[1].textContent).toContain("c. 1975");
    expect(values[1].textContent).toContain("In Абдуллаев Рустам (Osh)");
    const before = backend.argsOf("person_page").length;
    await fireEvent.click(within(values[1]).getByTestId("cluster-settle"));
    await waitFor(() => expect(backend.argsOf("settle")).toEqual([{ id: JAL, field: "birth_date", value: "1975~" }]));
    // The page is read again.
    await waitFor(() => expect(backend.argsOf("person_page").length).toBeGreaterThan(before));
  });

  it("Unmerge asks first, then takes that record out", async () => {
    render(PersonPageView, { id: JAL });
    const members = await screen.findAllByTestId("cluster-member");
    const osh = members.find((m) => m.dataset.id === OSH)!;
    const button = within(osh).getByTestId("cluster-unmerge");
    expect(button.getAttribute("aria-label")).toBe("Unmerge Абдуллаев Рустам: show it on its own again");
    await fireEvent.click(button);
    const dialog = await screen.findByTestId("confirm-unmerge");
    expect(dialog.textContent).toContain("Unmerge Абдуллаев Рустам?");
    expect(dialog.textContent).toContain("The other records stay merged. Nothing is deleted");
    expect(backend.argsOf("unmerge")).toEqual([]);
    await fireEvent.click(within(dialog).getByTestId("cluster-unmerge-yes"));
    await waitFor(() => expect(backend.argsOf("unmerge")).toEqual([{ id: OSH }]));
    await waitFor(() => expect(screen.queryByTestId("confirm-unmerge")).toBeNull());
  });

  it("Cancel leaves the cluster as it is", async () => {
    render(PersonPageView, { id: JAL });
    const members = await screen.findAllByTestId("cluster-member");
    await fireEvent.click(within(members[1]).getByTestId("cluster-unmerge"));
    const dialog = await screen.findByTestId("confirm-unmerge");
    await fireEvent.click(within(dialog).getByText("Cancel"));
    await waitFor(() => expect(screen.queryByTestId("confirm-unmerge")).toBeNull());
    expect(backend.argsOf("unmerge")).toEqual([]);
  });

  it("in Russian: «Записан 3 раза»", async () => {
    await setLanguage("ru");
    render(PersonPageView, { id: JAL });
    expect((await screen.findByTestId("cluster-title")).textContent).toBe("Записан 3 раза");
  });

  it("a person recorded once has no cluster panel", async () => {
    backend = mockBackend({ person_page: { ...clusterPage(JAL), cluster: null } });
    render(PersonPageView, { id: JAL });
    await screen.findByTestId("person-page");
    expect(screen.queryByTestId("cluster")).toBeNull();
  });
});

describe("The persons list", () => {
  it("marks a person recorded more than once", async () => {
    const row = (id: string, label: string, merged: number): PersonSummary => ({
      id,
      name: null,
      label,
      aliases: [],
      protection: null,
      refugee: null,
      location: null,
      location_label: null,
      groups: [],
      in_conflict: false,
      sample: false,
      deleted: false,
      merged,
    });
    mockBackend({ person_list: page([row(JAL, "Rustam Abdullayev", 2), row("p2", "Азиз Каримов", 0)]) });
    render(PersonList);
    await waitFor(() => expect(screen.getAllByTestId("person-row")).toHaveLength(2));
    const [rustam, aziz] = screen.getAllByTestId("person-row");
    expect(within(rustam).getByTestId("merged-badge").textContent).toBe("3 records");
    expect(within(aziz).queryByTestId("merged-badge")).toBeNull();
  });
});
