import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { get } from "svelte/store";
import { INFO, mockBackend, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import { checkDuplicatesInBackground, RETRY_AFTER_MS, unchecked } from "./duplicateCheck";
import { info } from "./session";
import type { DuplicateCheck } from "./types";

beforeEach(unlockedSession);
afterEach(resetComponentTest);

/** A backend whose store holds `waiting` persons to compare, a chunk of 1 000 a step. */
function store(waiting: number, failAt: number | null = null, failure = { code: "locked", message: "The store is locked." }) {
  let left = waiting;
  let steps = 0;
  const seen: number[] = [];
  const backend = mockBackend({
    check_duplicates: (): DuplicateCheck => {
      steps += 1;
      if (steps === failAt) throw failure;
      const checked = Math.min(1000, left);
      left -= checked;
      return { checked, remaining: left, elapsed_ms: 5 };
    },
    info: () => ({ ...INFO, duplicates_unchecked: left }),
  });
  const stop = unchecked.subscribe((n) => n !== null && seen.push(n));
  return { backend, seen, stop, left: () => left };
}

describe("The window's duplicate check", () => {
  it("compares a step at a time until none is left, then refreshes the counts", async () => {
    const s = store(3500);
    await checkDuplicatesInBackground();
    s.stop();
    expect(s.backend.argsOf("check_duplicates")).toHaveLength(4);
    expect(s.seen).toEqual([2500, 1500, 500]);
    expect(get(unchecked)).toBeNull();
    expect(get(info)?.duplicates_unchecked).toBe(0);
  });

  it("runs once however often it is started", async () => {
    const s = store(2000);
    await Promise.all([checkDuplicatesInBackground(), checkDuplicatesInBackground()]);
    s.stop();
    expect(s.backend.argsOf("check_duplicates")).toHaveLength(2);
  });

  it("after a failed step, waits a minute before it tries again (the counts would start it at once)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const s = store(3000, 1, { code: "storage", message: "The disk is full." });
      await checkDuplicatesInBackground();
      await checkDuplicatesInBackground();
      expect(s.backend.argsOf("check_duplicates")).toHaveLength(1);
      vi.setSystemTime(Date.now() + RETRY_AFTER_MS + 1);
      await checkDuplicatesInBackground();
      s.stop();
      // The failed step, then three of 1 000.
      expect(s.backend.argsOf("check_duplicates")).toHaveLength(4);
      expect(s.left()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops when the store locks, leaving the rest waiting for the next unlock", async () => {
    const s = store(5000, 2);
    await checkDuplicatesInBackground();
    s.stop();
    expect(s.backend.argsOf("check_duplicates")).toHaveLength(2);
    expect(s.left()).toBe(4000);
    expect(get(unchecked)).toBeNull();
  });
});
