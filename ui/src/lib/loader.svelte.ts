// Loading what a screen shows from the backend: the data, or the backend's
// message when it refused. When loads overlap, only the latest one's answer
// (or message) is kept.
import { onMount } from "svelte";
import * as api from "./api";

export interface Loader<T> {
  /** The last data loaded; null until the first load succeeds. */
  readonly data: T | null;
  /** The backend's message if the last load failed, otherwise "". */
  readonly error: string;
  /** Load again now (after a delete, a restore, a changed filter…). */
  load: () => Promise<void>;
}

export interface SearchLoader<T> extends Loader<T> {
  /** Load after a pause in typing. */
  schedule: () => void;
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

/**
 * A searchable list: loads on mount, on `load()` and `pause` ms after the
 * last `schedule()`. Call it while a component initialises.
 */
export function useSearch<T>(fetch: () => Promise<T>, pause = 150): SearchLoader<T> {
  const loader = latest(fetch);
  let timer: ReturnType<typeof setTimeout> | undefined;

  onMount(() => {
    void loader.load();
    return () => clearTimeout(timer);
  });

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(loader.load, pause);
  }

  return Object.assign(loader, { schedule });
}
