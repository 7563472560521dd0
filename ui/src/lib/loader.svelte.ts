// Loading what a screen shows from the backend: the data, or the backend's
// message when it refused. When loads overlap, only the latest one's answer
// (or message) is kept.
import { onMount } from "svelte";
import * as api from "./api";
import type { Page } from "./types";

export interface Loader<T> {
  /** The last data loaded; null until the first load succeeds. */
  readonly data: T | null;
  /** The backend's message if the last load failed, otherwise "". */
  readonly error: string;
  /** Load again now (after a delete, a restore, a changed filter…). */
  load: () => Promise<void>;
}

function latest<T>(fetch: () => Promise<T>): Loader<T> {
  let data = $state<T | null>(null);
  let error = $state("");
  let seq = 0;

  async function load() {
    const mine = ++seq;
    try {
      const result = await fetch();
      if (mine === seq) {
        data = result;
        error = "";
      }
    } catch (e) {
      if (mine === seq) error = api.errorMessage(e);
    }
  }

  return {
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    load,
  };
}

/**
 * Calls `fetch` when the component mounts and again whenever what it reads
 * before its first `await` (a page's id, a limit) changes. Call it while a
 * component initialises.
 */
export function useLoader<T>(fetch: () => Promise<T>): Loader<T> {
  const loader = latest(fetch);
  $effect(() => {
    void loader.load();
  });
  return loader;
}

// ---- Paged lists ------------------------------------------------------------------

/** The page after `after` (null: the first page). */
export type PageFetch<T> = (after: string | null) => Promise<Page<T>>;

/**
 * A list the backend serves page by page: the rows loaded so far, and how many
 * the whole list has.
 */
export interface PagedLoader<T> {
  /** The rows of the pages loaded so far, in order. */
  readonly items: T[];
  /** True once the first page has arrived. */
  readonly loaded: boolean;
  /** How many rows the whole list has (a lower bound when `totalCapped`). */
  readonly total: number;
  /** The backend stopped counting: the list has at least `total` rows. */
  readonly totalCapped: boolean;
  /** The cursor of the next page; null when every page is loaded. */
  readonly next: string | null;
  /** A page is on its way. */
  readonly loading: boolean;
  /** The backend's message if the last `load()` failed, otherwise "". */
  readonly error: string;
  /** The backend's message if the last `more()` failed, otherwise "". */
  readonly moreError: string;
  /** What identifies a row (a row is never shown twice). */
  readonly key: (row: T) => string;
  /** Start again from the first page (a new search or filter, after a change). */
  load: () => Promise<void>;
  /** Append the next page; does nothing while a page is loading or after the last one. */
  more: () => Promise<void>;
}

export interface PagedSearch<T> extends PagedLoader<T> {
  /** `load()` after a pause in typing. */
  schedule: () => void;
  /** Forget a pending `schedule()`. */
  cancel: () => void;
}

/**
 * A paged list without lifecycle (`usePagedSearch` and `usePagedLoader` bind it to
 * a component). Only the latest request counts: an answer to a `load()` or `more()`
 * that a later `load()` or `more()` overtook is dropped, so a page of the old search
 * never lands under the new one's rows.
 */
export function createPaged<T>(fetch: PageFetch<T>, key: (row: T) => string, pause = 150): PagedSearch<T> {
  // Rows are replaced, never mutated: no deep proxy for thousands of rows.
  let items = $state.raw<T[]>([]);
  let loaded = $state(false);
  let total = $state(0);
  let totalCapped = $state(false);
  let next = $state<string | null>(null);
  let loading = $state(false);
  let error = $state("");
  let moreError = $state("");
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function take(page: Page<T>) {
    total = page.total;
    totalCapped = page.total_capped;
    next = page.next;
  }

  // Reads no state before `fetch`, so that what `fetch` reads is all a
  // `usePagedLoader` effect depends on.
  async function load() {
    clearTimeout(timer);
    const mine = ++seq;
    loading = true;
    try {
      const page = await fetch(null);
      if (mine !== seq) return;
      items = page.items;
      take(page);
      loaded = true;
      error = "";
      moreError = "";
    } catch (e) {
      if (mine === seq) error = api.errorMessage(e);
    } finally {
      if (mine === seq) loading = false;
    }
  }

  async function more() {
    if (loading || next === null || !loaded) return;
    const cursor = next;
    const mine = ++seq;
    loading = true;
    moreError = "";
    try {
      const page = await fetch(cursor);
      if (mine !== seq) return;
      // A row whose sort key changed between two pages can come again: keep it once.
      const seen = new Set(items.map(key));
      items = [...items, ...page.items.filter((row) => !seen.has(key(row)))];
      take(page);
    } catch (e) {
      if (mine === seq) moreError = api.errorMessage(e);
    } finally {
      if (mine === seq) loading = false;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(load, pause);
  }

  return {
    get items() {
      return items;
    },
    get loaded() {
      return loaded;
    },
    get total() {
      return total;
    },
    get totalCapped() {
      return totalCapped;
    },
    get next() {
      return next;
    },
    get loading() {
      return loading;
    },
    get error() {
      return error;
    },
    get moreError() {
      return moreError;
    },
    key,
    load,
    more,
    schedule,
    cancel: () => clearTimeout(timer),
  };
}

/**
 * A searchable paged list: loads its first page on mount, on `load()` and `pause`
 * ms after the last `schedule()`; `more()` appends the next page. Call it while a
 * component initialises.
 */
export function usePagedSearch<T>(fetch: PageFetch<T>, key: (row: T) => string, pause = 150): PagedSearch<T> {
  const list = createPaged(fetch, key, pause);
  onMount(() => {
    void list.load();
    return list.cancel;
  });
  return list;
}

/**
 * A paged list that loads its first page when the component mounts and again
 * whenever what `fetch` reads before its first `await` (a record's id) changes.
 * Call it while a component initialises.
 */
export function usePagedLoader<T>(fetch: PageFetch<T>, key: (row: T) => string): PagedLoader<T> {
  const list = createPaged(fetch, key);
  $effect(() => {
    void list.load();
  });
  return list;
}
