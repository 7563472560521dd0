import { afterEach, describe, expect, it, vi } from "vitest";
import { createPaged } from "./loader.svelte";
import type { Page } from "./types";

interface Row {
  id: string;
}

const rows = (...ids: string[]): Row[] => ids.map((id) => ({ id }));
const page = (items: Row[], next: string | null, total: number, capped = false): Page<Row> => ({
  items,
  next,
  total,
  total_capped: capped,
});

/** A backend answer the test releases when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const ids = (list: { items: Row[] }) => list.items.map((r) => r.id);

afterEach(() => {
  vi.useRealTimers();
});

describe("paged loader", () => {
  it("loads the first page, then appends the next ones after each page's cursor", async () => {
    const fetch = vi.fn(async (after: string | null) =>
      after === null ? page(rows("a", "b"), "b", 3) : page(rows("c"), null, 3),
    );
    const list = createPaged(fetch, (r) => r.id);
    expect(list.loaded).toBe(false);
    await list.load();
    expect(list.loaded).toBe(true);
    expect(ids(list)).toEqual(["a", "b"]);
    expect(list.total).toBe(3);
    expect(list.next).toBe("b");
    await list.more();
    expect(fetch.mock.calls.map(([after]) => after)).toEqual([null, "b"]);
    expect(ids(list)).toEqual(["a", "b", "c"]);
    expect(list.next).toBeNull();
    // The last page: `more()` asks for nothing.
    await list.more();
    expect(fetch).toHaveBeenCalledTimes(2);
    // `load()` starts again from the first page.
    await list.load();
    expect(fetch.mock.calls.at(-1)).toEqual([null]);
    expect(ids(list)).toEqual(["a", "b"]);
  });

  it("asks for one page at a time: `more()` while a page is loading does nothing", async () => {
    const second = deferred<Page<Row>>();
    const fetch = vi.fn((after: string | null) => (after === null ? Promise.resolve(page(rows("a"), "a", 2)) : second.promise));
    const list = createPaged(fetch, (r) => r.id);
    await list.load();
    const first = list.more();
    expect(list.loading).toBe(true);
    await list.more();
    expect(fetch).toHaveBeenCalledTimes(2);
    second.resolve(page(rows("b"), null, 2));
    await first;
    expect(ids(list)).toEqual(["a", "b"]);
    expect(list.loading).toBe(false);
  });

  it("keeps only the latest search's answer when searches overlap", async () => {
    const slow = deferred<Page<Row>>();
    const fast = deferred<Page<Row>>();
    const answers = [slow, fast];
    const list = createPaged(() => answers.shift()!.promise, (r) => r.id);
    const old = list.load();
    const latest = list.load();
    fast.resolve(page(rows("new"), null, 1));
    await latest;
    slow.resolve(page(rows("old-1", "old-2"), "old-2", 50));
    await old;
    expect(ids(list)).toEqual(["new"]);
    expect(list.total).toBe(1);
    expect(list.next).toBeNull();
    expect(list.loading).toBe(false);
  });

  it("drops a next page that arrives after a new search started", async () => {
    const nextPage = deferred<Page<Row>>();
    const search = deferred<Page<Row>>();
    let call = 0;
    const list = createPaged(
      (after) => {
        call += 1;
        if (call === 1) return Promise.resolve(page(rows("a", "b"), "b", 4));
        return after === "b" ? nextPage.promise : search.promise;
      },
      (r) => r.id,
    );
    await list.load();
    const more = list.more();
    // A new filter while the old list's second page is on its way.
    const load = list.load();
    search.resolve(page(rows("x"), null, 1));
    await load;
    nextPage.resolve(page(rows("c", "d"), null, 4));
    await more;
    expect(ids(list)).toEqual(["x"]);
    expect(list.total).toBe(1);
    expect(list.next).toBeNull();
    expect(list.loading).toBe(false);
  });

  it("keeps the rows and the cursor when a page fails, so it can be asked for again", async () => {
    let fail = true;
    const list = createPaged(
      async (after) => {
        if (after === null) return page(rows("a"), "a", 2);
        if (fail) throw { code: "io", message: "disk on fire" };
        return page(rows("b"), null, 2);
      },
      (r) => r.id,
    );
    await list.load();
    await list.more();
    expect(list.moreError).toBe("disk on fire");
    expect(list.error).toBe("");
    expect(ids(list)).toEqual(["a"]);
    expect(list.next).toBe("a");
    fail = false;
    await list.more();
    expect(list.moreError).toBe("");
    expect(ids(list)).toEqual(["a", "b"]);
  });

  it("says why the first page failed", async () => {
    const list = createPaged(async () => Promise.reject({ code: "io", message: "the disk is gone" }), (r: Row) => r.id);
    await list.load();
    expect(list.loaded).toBe(false);
    expect(list.error).toBe("the disk is gone");
    expect(list.loading).toBe(false);
  });

  it("shows a row once even if the next page brings it again (its sort key changed meanwhile)", async () => {
    const list = createPaged(
      async (after) => (after === null ? page(rows("a", "b"), "b", 3) : page(rows("b", "c"), null, 3)),
      (r) => r.id,
    );
    await list.load();
    await list.more();
    expect(ids(list)).toEqual(["a", "b", "c"]);
  });

  it("debounces typing: one search after the pause, from the first page", async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(async () => page(rows("a"), null, 1));
    const list = createPaged(fetch, (r) => r.id, 150);
    list.schedule();
    vi.advanceTimersByTime(100);
    list.schedule();
    vi.advanceTimersByTime(100);
    expect(fetch).not.toHaveBeenCalled();
    list.schedule();
    vi.advanceTimersByTime(150);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(null);
    // `load()` now cancels a pending `schedule()`.
    list.schedule();
    await list.load();
    vi.advanceTimersByTime(500);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
