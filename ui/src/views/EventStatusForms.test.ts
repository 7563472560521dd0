import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import type { Kind, RecordSummary } from "../lib/types";
import { mockBackend, page, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import RecordForm from "./forms/RecordForm.svelte";

const rec = (kind: Kind, id: string, label: string): RecordSummary => ({ kind, id, label, deleted: false, in_conflict: false, fields: {}, refs: {} });
const RECORDS: Record<string, RecordSummary[]> = {
  person: [rec("person", "p1", "Азиз Каримов"), rec("person", "p2", "Ботир Саидов")],
  group: [rec("group", "g29", "29 taken to the Osh detention centre")],
  actor: [rec("actor", "a1", "Kyrgyz authorities"), rec("actor", "a2", "Prosecutor General")],
  location: [rec("location", "l1", "Osh detention centre")],
};

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    record_list: ({ kind, query }: Record<string, unknown>) => {
      const q = String((query as { q?: string | null }).q ?? "").toLowerCase();
      return page((RECORDS[kind as string] ?? []).filter((r) => !q || r.label.toLowerCase().includes(q)));
    },
    record_get: ({ kind, id }: Record<string, unknown>) => {
      const r = RECORDS[kind as string]?.find((x) => x.id === id);
      if (!r) throw { code: "not_found", message: `no ${kind} with id ${id}` };
      return { ...r, fields: {}, conflicts: {}, links: {}, refs: {}, created: null, updated: null };
    },
    record_add: { id: "new-id" },
  });
  await unlockedSession();
  history.replaceState(null, "", "#/events/new");
});

afterEach(resetComponentTest);

/** Type into a picker and pick the first result with the keyboard. */
async function pick(testid: string, text: string) {
  const input = screen.getByTestId(`${testid}-input`);
  await fireEvent.focus(input);
  await fireEvent.input(input, { target: { value: text } });
  await waitFor(() => expect(screen.getAllByTestId(`${testid}-option`)[0].textContent).toContain(text));
  await fireEvent.keyDown(input, { key: "Enter" });
}

describe("Event form", () => {
  it("records several victims (persons and groups) and several perpetrators", async () => {
    render(RecordForm, { kind: "event", params: new URLSearchParams("victim=p1") });
    // Opened from a person's page: that person is already a victim.
    await waitFor(() => expect(screen.getAllByTestId("e-victim-chip")).toHaveLength(1));
    await fireEvent.change(screen.getByTestId("e-type"), { target: { value: "detention" } });
    expect(screen.getByTestId("e-implies").textContent).toContain("Detained");
    await pick("e-victim", "29 taken");
    await pick("e-perpetrator", "Kyrgyz");
    await pick("e-perpetrator", "Prosecutor");
    await pick("e-requesting_authority", "Prosecutor");
    await pick("e-location", "Osh");
    await fireEvent.input(screen.getByTestId("e-date"), { target: { value: "2005-06-09/2005-06-12" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    await waitFor(() => expect(backend.argsOf("record_add")).toHaveLength(1));
    const { input } = backend.argsOf("record_add")[0] as { input: Record<string, unknown> };
    expect(input.type).toBe("detention");
    expect(input.date).toBe("2005-06-09/2005-06-12");
    expect(input.location).toBe("l1");
    expect(input.involvements).toEqual([
      { role: "victim", person: "p1" },
      { role: "victim", group: "g29" },
      { role: "perpetrator", actor: "a1" },
      { role: "perpetrator", actor: "a2" },
      { role: "requesting_authority", actor: "a2" },
    ]);
    // Back to the person it was opened from.
    await waitFor(() => expect(location.hash).toBe("#/persons/p1"));
  });

  it("a type is required and dates are checked", async () => {
    render(RecordForm, { kind: "event", params: new URLSearchParams() });
    await fireEvent.input(screen.getByTestId("e-end"), { target: { value: "June 2005" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    expect(document.querySelector("[data-field=e-type]")!.textContent).toContain("This is required.");
    expect(document.querySelector("[data-field=e-end]")!.textContent).toContain("Not a date");
    expect(backend.argsOf("record_add")).toHaveLength(0);
  });
});

describe("Status form", () => {
  it("offers only the values of the chosen status type and saves for the person", async () => {
    render(RecordForm, { kind: "status", params: new URLSearchParams("person=p2") });
    await waitFor(() => expect(screen.getAllByTestId("st-subject-chip")[0].textContent).toContain("Ботир Саидов"));
    const values = () => [...(screen.getByTestId("st-value") as HTMLSelectElement).options].map((o) => o.value).filter(Boolean);
    expect(values()).toContain("forcibly_returned");
    expect(values()).not.toContain("recognised");
    await fireEvent.change(screen.getByTestId("st-type"), { target: { value: "refugee" } });
    expect(values()).toEqual(["not_registered", "registered", "assessment_pending", "recognised", "rejected"]);
    expect(screen.queryByTestId("st-imminent")).toBeNull();
    await fireEvent.change(screen.getByTestId("st-value"), { target: { value: "assessment_pending" } });
    await fireEvent.input(screen.getByTestId("st-effective"), { target: { value: "2005-06" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    await waitFor(() => expect(backend.argsOf("record_add")).toHaveLength(1));
    const { kind, input } = backend.argsOf("record_add")[0] as { kind: string; input: Record<string, unknown> };
    expect(kind).toBe("status");
    expect(input).toMatchObject({ person: "p2", group: null, type: "refugee", value: "assessment_pending", effective: "2005-06", imminent: false });
    await waitFor(() => expect(location.hash).toBe("#/persons/p2"));
  });

  it("needs a person or a group", async () => {
    render(RecordForm, { kind: "status", params: new URLSearchParams() });
    await fireEvent.change(screen.getByTestId("st-value"), { target: { value: "detained" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    expect(document.querySelector("[data-field=st-subject]")!.textContent).toContain("Choose the person or group");
    expect(backend.argsOf("record_add")).toHaveLength(0);
  });
});
