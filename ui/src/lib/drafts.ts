// Unsaved form contents kept across a lock: when the session locks (idle time,
// Ctrl+L, or the backend locking itself), open forms are unmounted with the
// rest of the records on screen, but what the person typed is kept here, in
// memory only, and put back when the form opens again after unlocking.
import { onDestroy } from "svelte";
import { get, writable } from "svelte/store";
import { session } from "./session";
const drafts = new Map<string, unknown>();

/** How many drafts are kept (the unlock screen says so). */
export const draftCount = writable(0);

export function saveDraft(key: string, value: unknown): void {
  drafts.set(key, JSON.parse(JSON.stringify(value)));
  draftCount.set(drafts.size);
}

export function takeDraft<T>(key: string): T | undefined {
  const value = drafts.get(key) as T | undefined;
  drafts.delete(key);
  draftCount.set(drafts.size);
  return value;
}

export function clearDrafts(): void {
  drafts.clear();
  draftCount.set(0);
}


/**
 * Keep a form's state across a lock. Call during component init with the
 * form's key; `restore` runs at once if a draft was saved, and `snapshot` is
 * saved when the form is torn down because the session locked.
 * Returns true when a draft was restored.
 */
export function keepDraftAcrossLock<T>(key: string, snapshot: () => T, restore: (draft: T) => void): boolean {
  const draft = takeDraft<T>(key);
  if (draft !== undefined) restore(draft);
  onDestroy(() => {
    if (get(session)?.state === "locked") saveDraft(key, snapshot());
  });
  return draft !== undefined;
}
