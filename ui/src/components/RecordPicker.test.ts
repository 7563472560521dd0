import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import type { Kind } from "../lib/types";
import { mockBackend, page } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import RecordPicker from "./RecordPicker.svelte";

const LABELS: Record<string, string[]> = { person: ["Азиз Каримов", "Ботир Саидов"], group: ["29 taken to Osh"] };
let backend: ReturnType<typeof mockBackend>;

beforeEach(() => {
  backend = mockBackend({
    record_list: ({ kind, query }: Record<string, unknown>) => {
      const q = String((query as { q?: string | null }).q ?? "").toLowerCase();
      return page(
        (LABELS[kind as Kind] ?? [])
          .filter((l) => !q || l.toLowerCase().includes(q))
          .map((label, i) => ({ kind, id: `${kind}-${i}`, label, deleted: false, in_conflict: false, fields: {}, refs: {} })),
      );
    },
  });
});

afterEach(resetComponentTest);

describe("RecordPicker", () => {
  it("is driven from the keyboard: ↓ lists, ↑/↓ move, Enter picks, Esc closes, Backspace removes", async () => {
    const { component } = render(RecordPicker, { kinds: ["person", "group"], multiple: true, testid: "victims" });
    const input = screen.getByTestId("victims-input");
    // Focus alone does not pop a list up.
    await fireEvent.focus(input);
    expect(screen.queryByTestId("victims-list")).toBeNull();
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    await waitFor(() => expect(screen.getAllByTestId("victims-option")).toHaveLength(3));
    expect(input.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getAllByTestId("victims-option")[0].getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input.getAttribute("aria-activedescendant")).toBe(screen.getAllByTestId("victims-option")[1].id);
    const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
    input.dispatchEvent(enter);
    // Enter picks and never submits the surrounding form.
    expect(enter.defaultPrevented).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId("victims-chip")).toHaveLength(1));
    expect(screen.getByTestId("victims-chip").textContent).toContain("Ботир Саидов");
    expect(screen.getByTestId("victims-chip").textContent).toContain("Person");

    await fireEvent.input(input, { target: { value: "29" } });
    await waitFor(() => expect(screen.getAllByTestId("victims-option")).toHaveLength(1));
    const esc = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    input.dispatchEvent(esc);
    // Esc closes the list only (the form sees defaultPrevented and stays open).
    expect(esc.defaultPrevented).toBe(true);
    await waitFor(() => expect(screen.queryByTestId("victims-list")).toBeNull());

    await fireEvent.input(input, { target: { value: "" } });
    await fireEvent.keyDown(input, { key: "Escape" });
    await fireEvent.keyDown(input, { key: "Backspace" });
    expect(screen.queryAllByTestId("victims-chip")).toHaveLength(0);
    expect(backend.argsOf("record_list").every((a) => (a.query as { limit: number }).limit === 20)).toBe(true);
    void component;
  });

  it("the chosen records are not offered again", async () => {
    render(RecordPicker, {
      kinds: ["person"],
      multiple: true,
      testid: "p",
      value: [{ kind: "person", id: "person-0", label: "Азиз Каримов" }],
    });
    await fireEvent.keyDown(screen.getByTestId("p-input"), { key: "ArrowDown" });
    await waitFor(() => expect(screen.getAllByTestId("p-option")).toHaveLength(1));
    expect(screen.getByTestId("p-option").textContent).toContain("Ботир Саидов");
  });
});
