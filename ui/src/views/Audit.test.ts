import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import type { AuditEntry, PageQuery } from "../lib/types";
import { mockBackend, pageOf, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import AuditTrail from "../components/AuditTrail.svelte";
import Audit from "./Audit.svelte";

const DEVICE = "56f66554-d10b-855b-b3df-df1725f0b2bc";
const change = (seq: number, id = "p1"): AuditEntry => ({
  device: DEVICE,
  seq,
  office: "Osh",
  author: "Dilnoza",
  at: "2005-06-14T10:00:00Z",
  received_at: "2005-06-14T10:00:00Z",
  local: true,
  bundle: null,
  state: "applied",
  hash: `h${seq}`,
  ops: [{ op: "set", kind: "person", id, name: "sex", value: "male" }],
});
// Newest first, as the core lists them.
const LOG = Array.from({ length: 130 }, (_, i) => change(130 - i));

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    audit: ({ page }: Record<string, unknown>) => pageOf(LOG, (page as PageQuery | null)?.after),
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

describe("Audit", () => {
  it("shows the store's changes a page at a time, counting them all", async () => {
    render(Audit);
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(100));
    expect(screen.getByTestId("audit-count").textContent).toContain("130 changes, showing 100");
    await fireEvent.click(screen.getByTestId("load-more"));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(130));
    expect(backend.argsOf("audit")).toEqual([
      { id: null, page: { after: null } },
      { id: null, page: { after: "100" } },
    ]);
    expect(screen.getAllByTestId("audit-row").at(-1)!.textContent).toContain("#1");
    expect(screen.getByTestId("audit-count").textContent?.trim()).toBe("130 changes");
    expect(screen.queryByTestId("load-more")).toBeNull();
  });

  it("a record's history asks for that record's changes, page after page", async () => {
    render(AuditTrail, { id: "p1" });
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(100));
    await fireEvent.click(screen.getByTestId("load-more"));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(130));
    expect(backend.argsOf("audit").map((a) => [a.id, (a.page as PageQuery).after])).toEqual([
      ["p1", null],
      ["p1", "100"],
    ]);
  });
});
