import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import type { ListQuery, RecordSummary } from "../lib/types";
import { mockBackend, pageOf, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import RecordList from "./RecordList.svelte";

const event = (i: number): RecordSummary => ({
  kind: "event",
  id: `e${i}`,
  label: `Event ${i}`,
  deleted: false,
  in_conflict: false,
  fields: { title: `Event ${i}`, type: "detention", location: "loc-osh" },
  // The row brings the label of the place it refers to.
  refs: { "loc-osh": { kind: "location", label: "Osh detention centre", deleted: false } },
});
const EVENTS = Array.from({ length: 120 }, (_, i) => event(i));

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    record_list: ({ query }: Record<string, unknown>) => pageOf(EVENTS, (query as ListQuery).after),
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("Record list", () => {
  it("labels references from each row's own refs, and loads a page at a time", async () => {
    render(RecordList, { kind: "event" });
    await waitFor(() => expect(screen.getAllByTestId("record-row")).toHaveLength(100));
    const place = within(screen.getAllByTestId("record-row")[0]).getByRole("link", { name: "Osh detention centre" });
    expect(place.getAttribute("href")).toBe("#/locations/loc-osh");
    expect(screen.getByTestId("record-count").textContent).toContain("120 records, showing 100");
    await fireEvent.click(screen.getByTestId("load-more"));
    await waitFor(() => expect(screen.getAllByTestId("record-row")).toHaveLength(120));
    // Only the events were asked for: no list of every place or actor to label the columns.
    expect(backend.calls.filter((c) => c.cmd === "record_list").map((c) => [c.args.kind, (c.args.query as ListQuery).after])).toEqual([
      ["event", null],
      ["event", "100"],
    ]);
  });
});
