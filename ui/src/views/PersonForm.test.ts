import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { mockBackend, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import RecordForm from "./forms/RecordForm.svelte";

let backend: ReturnType<typeof mockBackend>;
let nextError: unknown = null;

beforeEach(async () => {
  nextError = null;
  backend = mockBackend({
    record_add: () => {
      if (nextError) throw nextError;
      return { id: "new-person-id" };
    },
  });
  await unlockedSession();
  history.replaceState(null, "", "#/persons/new");
});

afterEach(resetComponentTest);

const params = new URLSearchParams();

describe("Person form", () => {
  it("refuses to save without a name and says why, next to the field", async () => {
    render(RecordForm, { kind: "person", params });
    await fireEvent.click(screen.getByTestId("form-save"));
    const field = document.querySelector("[data-field=p-name]")!;
    expect(field.textContent).toContain("A person needs a name");
    expect(document.getElementById("p-name")!.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement?.id).toBe("p-name");
    expect(backend.argsOf("record_add")).toHaveLength(0);
  });

  it("checks language tags and dates before sending", async () => {
    render(RecordForm, { kind: "person", params });
    await fireEvent.input(screen.getByTestId("p-name"), { target: { value: "Азиз Каримов" } });
    await fireEvent.input(screen.getByTestId("p-lang"), { target: { value: "cyrillic" } });
    await fireEvent.input(document.getElementById("p-birth")!, { target: { value: "13.05.1965" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    expect(document.querySelector("[data-field=p-lang]")!.textContent).toContain("Write language-Script");
    expect(document.querySelector("[data-field=p-birth]")!.textContent).toContain("Not a date Nansen understands");
    expect(backend.argsOf("record_add")).toHaveLength(0);
  });

  it("sends the name with its script, the aliases and the fields", async () => {
    render(RecordForm, { kind: "person", params });
    await fireEvent.input(screen.getByTestId("p-name"), { target: { value: " Азиз Каримов " } });
    await fireEvent.click(screen.getByTestId("aliases-add"));
    await fireEvent.input(screen.getByTestId("aliases-text"), { target: { value: "Aziz Karimov" } });
    await fireEvent.input(screen.getByTestId("aliases-lang"), { target: { value: "uz-Latn" } });
    await fireEvent.input(document.getElementById("p-birth")!, { target: { value: "1965~" } });
    await fireEvent.change(document.getElementById("p-sex")!, { target: { value: "male" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    await waitFor(() => expect(backend.argsOf("record_add")).toHaveLength(1));
    const { kind, input } = backend.argsOf("record_add")[0] as { kind: string; input: Record<string, unknown> };
    expect(kind).toBe("person");
    expect(input.name).toEqual({ text: "Азиз Каримов", lang: "und-Cyrl" });
    expect(input.aliases).toEqual([{ text: "Aziz Karimov", lang: "uz-Latn" }]);
    expect(input.birth_date).toBe("1965~");
    expect(input.sex).toBe("male");
    expect(input.confidentiality).toBe("restricted");
    await waitFor(() => expect(location.hash).toBe("#/persons/new-person-id"));
  });

  it("shows the backend's message verbatim when it refuses", async () => {
    nextError = { code: "invalid_input", message: "'birth_date': there is no month 13" };
    render(RecordForm, { kind: "person", params });
    await fireEvent.input(screen.getByTestId("p-name"), { target: { value: "Азиз" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    expect((await screen.findByTestId("form-error")).textContent).toBe("'birth_date': there is no month 13");
    expect(location.hash).toBe("#/persons/new");
  });

  it("edits send only the fields that changed (a conflict elsewhere is not overwritten)", async () => {
    backend = mockBackend({
      record_get: {
        kind: "person",
        id: "p1",
        label: "Азиз Каримов",
        deleted: false,
        fields: { name: { text: "Азиз Каримов", lang: "uz-Cyrl" }, sex: "male", confidentiality: "restricted" },
        conflicts: {},
        links: { aliases: [{ text: "Aziz Karimov", lang: "uz-Latn" }], identifiers: [], family: [], sources: [] },
        refs: {},
        created: null,
        updated: null,
      },
      record_edit: { ops: 1 },
    });
    render(RecordForm, { kind: "person", id: "p1", params });
    await waitFor(() => expect((screen.getByTestId("p-name") as HTMLInputElement).value).toBe("Азиз Каримов"));
    expect((screen.getByTestId("aliases-text") as HTMLInputElement).value).toBe("Aziz Karimov");
    await fireEvent.input(document.getElementById("p-nationality")!, { target: { value: "UZ" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    await waitFor(() => expect(backend.argsOf("record_edit")).toHaveLength(1));
    expect(backend.argsOf("record_edit")[0]).toEqual({ kind: "person", id: "p1", input: { nationality: "UZ" } });
  });
});
