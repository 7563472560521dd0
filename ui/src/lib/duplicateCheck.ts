// Persons a spreadsheet intake wrote are compared with the rest afterwards, so that a
// long list goes in at once; the window does the comparing a short step at a time
// while the monitor goes on working (each step is one short call, so other requests
// are served between two). A lock stops it; the next unlock carries on where it was.

import { get, writable } from "svelte/store";
import * as api from "./api";
import { refreshInfo, session } from "./session";

/** Persons still to be compared while the window compares them; null when it is not. */
export const unchecked = writable<number | null>(null);

let running: Promise<void> | null = null;
/** After a step failed (a full disk, a damaged store), no new start before this time. */
let pausedUntil = 0;

/** Steps between two refreshes of the counts (the badge of pairs to review). */
const STEPS_PER_REFRESH = 10;
/** How long a failed check waits before the next start tries again. */
export const RETRY_AFTER_MS = 60_000;

/**
 * Compares every person still waiting, unless it is under way already, or a step
 * failed less than a minute ago (the counts refresh at once and would start it again).
 */
export function checkDuplicatesInBackground(): Promise<void> {
  if (Date.now() < pausedUntil) return Promise.resolve();
  running ??= checkAll().finally(() => {
    running = null;
  });
  return running;
}

async function checkAll(): Promise<void> {
  let steps = 0;
  try {
    while (get(session)?.state === "unlocked") {
      const step = await api.checkDuplicates();
      steps += 1;
      const finished = step.remaining === 0 || step.checked === 0;
      unchecked.set(finished ? null : step.remaining);
      pausedUntil = 0;
      if (finished) break;
      if (steps % STEPS_PER_REFRESH === 0) await refreshInfo();
    }
  } catch (e) {
    // Locked (the api's hook shows the lock screen; the next unlock goes on), or the
    // store failed: the persons stay waiting, and a later start tries again.
    if (api.toApiError(e).code !== "locked") pausedUntil = Date.now() + RETRY_AFTER_MS;
  } finally {
    unchecked.set(null);
    await refreshInfo();
  }
}
