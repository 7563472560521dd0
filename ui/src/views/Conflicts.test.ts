import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import type { Conflict, PageQuery } from "../lib/types";
import { mockBackend, page, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import Conflicts from "./Conflicts.svelte";

const NAME: Conflict = {
  kind: "person",
  id: "p1",
  label: "Азиз Кәримов",
  field: "name",
  conflict: "values",
  values: [
    {
      value: { text: "Aziz Karimov", lang: "uz-Latn" },
      value_id: "a482:2:0",
      device: "a482",
      office: "Jalal-Abad",
      author: "Timur",
      at: "2005-06-14T10:00:00Z",
      shown: false,
    },
    {
      value: { text: "Азиз Кәримов", lang: "uz-Cyrl" },
      value_id: "5ecd:1:0",
      device: "5ecd",
      office: "Osh",
      author: "Dilnoza",
      at: "2005-06-14T11:00:00Z",
      shown: true,
    },
  ],
};

const DELETED: Conflict = {
  kind: "event",
  id: "e1",
  label: "Camp surrounded",
  field: "deleted",
  conflict: "delete",
  values: [
    {
      value: { field: "description", value: "Officers in civilian clothes" },
      value_id: "a482:5:0",
      device: "a482",
      office: "Jalal-Abad",
      author: "Timur",
      at: "2005-06-14T10:00:00Z",
      shown: true,
    },
  ],
};

let backend: ReturnType<typeof mockBackend>;
let open: Conflict[];

beforeEach(async () => {
  open = [NAME, DELETED];
  backend = mockBackend({
    conflicts: () => page(open),
    resolve: ({ id, field }: Record<string, unknown>) => {
      open = open.filter((c) => !(c.id === id && c.field === field));
      return null;
    },
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("Conflicts", () => {
  it("lists each value with who wrote it, where and when", async () => {
    render(Conflicts);
    const card = (await screen.findAllByTestId("conflict"))[0];
    const values = within(card).getAllByTestId("conflict-value");
    expect(values).toHaveLength(2);
    expect(values[0].textContent).toContain("Aziz Karimov");
    expect(values[0].textContent).toContain("uz-Latn");
    expect(values[0].textContent).toContain("Written by Timur at Jalal-Abad");
    expect(values[1].textContent).toContain("Shown meanwhile");
  });

  it("'Keep this value' sends a pick of that value's id", async () => {
    render(Conflicts);
    const card = (await screen.findAllByTestId("conflict"))[0];
    await fireEvent.click(within(card).getAllByTestId("conflict-keep")[0]);
    await waitFor(() => expect(backend.argsOf("resolve")).toHaveLength(1));
    expect(backend.argsOf("resolve")[0]).toEqual({ id: "p1", field: "name", choice: { choice: "pick", value: "a482:2:0" } });
    await waitFor(() => expect(screen.getAllByTestId("conflict")).toHaveLength(1));
    expect(screen.getByTestId("conflicts-status").textContent).toContain("Resolved: Азиз Кәримов");
  });

  it("'Write a new value' sends the new value, as a name with its script", async () => {
    render(Conflicts);
    const card = (await screen.findAllByTestId("conflict"))[0];
    await fireEvent.click(within(card).getByTestId("conflict-write"));
    const text = within(card).getByTestId("value-editor-text") as HTMLInputElement;
    expect(text.value).toBe("Азиз Кәримов");
    await fireEvent.input(text, { target: { value: "Азиз Каримов" } });
    await fireEvent.input(document.getElementById("ve-p1-name-lang")!, { target: { value: "uz-Cyrl" } });
    await fireEvent.click(within(card).getByTestId("value-editor-save"));
    await waitFor(() => expect(backend.argsOf("resolve")).toHaveLength(1));
    expect(backend.argsOf("resolve")[0]).toEqual({
      id: "p1",
      field: "name",
      choice: { choice: "value", value: { text: "Азиз Каримов", lang: "uz-Cyrl" } },
    });
  });

  it("a delete conflict offers 'Keep the record' and 'Confirm the delete'", async () => {
    render(Conflicts);
    const card = (await screen.findAllByTestId("conflict"))[1];
    expect(card.textContent).toContain("deleted at one office while it was being edited at another");
    expect(card.textContent).toContain("Officers in civilian clothes");
    await fireEvent.click(within(card).getByTestId("conflict-keep-record"));
    await waitFor(() => expect(backend.argsOf("resolve")).toHaveLength(1));
    expect(backend.argsOf("resolve")[0]).toEqual({ id: "e1", field: "deleted", choice: { choice: "keep" } });
  });

  it("confirming the delete sends `delete`, and an empty list says there is nothing to do", async () => {
    open = [DELETED];
    render(Conflicts);
    const card = (await screen.findAllByTestId("conflict"))[0];
    await fireEvent.click(within(card).getByTestId("conflict-confirm-delete"));
    await waitFor(() => expect(backend.argsOf("resolve")[0]).toEqual({ id: "e1", field: "deleted", choice: { choice: "delete" } }));
    expect(await screen.findByTestId("conflicts-empty")).toBeTruthy();
  });

  it("comes a page at a time, counting every open conflict", async () => {
    backend = mockBackend({
      conflicts: ({ page: query }: Record<string, unknown>) =>
        (query as PageQuery).after === "p1.6e616d65" ? page([DELETED], null, 2) : page([NAME], "p1.6e616d65", 2),
    });
    render(Conflicts);
    await waitFor(() => expect(screen.getAllByTestId("conflict")).toHaveLength(1));
    expect(screen.getByTestId("conflicts-count").textContent).toContain("2 conflicts, showing 1");
    await fireEvent.click(screen.getByTestId("load-more"));
    await waitFor(() => expect(screen.getAllByTestId("conflict")).toHaveLength(2));
    expect(backend.argsOf("conflicts").map((a) => (a.page as PageQuery).after)).toEqual([null, "p1.6e616d65"]);
    expect(screen.getByTestId("conflicts-count").textContent?.trim()).toBe("2 conflicts");
    expect(screen.queryByTestId("load-more")).toBeNull();
  });
});
