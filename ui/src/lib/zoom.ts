// The interface's own zoom. WebKitGTK has no zoom keys, and Tauri's zoom
// hotkeys need a webview permission the app deliberately does not grant
// (src-tauri/build.rs), so the UI zooms itself: CSS `zoom` on the root element
// scales every length, font and image, in steps like a browser's.
//
// Kept in localStorage like the language: a preference of this laptop's
// screen, not of the store, so it holds on the unlock screen and across restarts.
import { get, writable, type Readable } from "svelte/store";

/** The zoom steps, in percent. */
export const ZOOM_LEVELS: readonly number[] = [80, 90, 100, 110, 125, 150, 175, 200];
export const DEFAULT_ZOOM = 100;

const STORAGE_KEY = "nansen.zoom";

export function isZoomLevel(value: unknown): value is number {
  return typeof value === "number" && ZOOM_LEVELS.includes(value);
}

function savedZoom(): number {
  try {
    const saved = Number(globalThis.localStorage?.getItem(STORAGE_KEY));
    if (isZoomLevel(saved)) return saved;
  } catch {
    // Storage unavailable: fall through to the default.
  }
  return DEFAULT_ZOOM;
}

function apply(level: number) {
  if (typeof document === "undefined") return;
  document.documentElement.style.zoom = level === DEFAULT_ZOOM ? "" : String(level / 100);
}

const zoomStore = writable<number>(savedZoom());
apply(get(zoomStore));

/** The current zoom in percent; subscribe with `$zoom`. */
export const zoom: Readable<number> = { subscribe: zoomStore.subscribe };

/** Zoom the whole interface to one of ZOOM_LEVELS and remember it. */
export function setZoom(level: number): void {
  if (!isZoomLevel(level)) throw new Error(`unsupported zoom level: ${String(level)}`);
  apply(level);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, String(level));
  } catch {
    // Not persisted; still zoomed for this session.
  }
  zoomStore.set(level);
  // A CSS zoom resizes nothing in the window's eyes: tell whoever lays out by
  // the window's size (the charts follow the store as well).
  globalThis.dispatchEvent?.(new Event("resize"));
}

/** One step larger (or smaller, with -1); stays at the ends. */
export function stepZoom(direction: 1 | -1): void {
  const at = ZOOM_LEVELS.indexOf(get(zoomStore));
  const next = ZOOM_LEVELS[Math.min(ZOOM_LEVELS.length - 1, Math.max(0, at + direction))];
  if (next !== get(zoomStore)) setZoom(next);
}

/**
 * Ctrl+= / Ctrl++ (with or without Shift, or the keypad's +), Ctrl+- and
 * Ctrl+0: zoom in, out, back to 100%. Returns whether the key was a zoom key
 * (and then it is handled and its default prevented). The physical key is
 * matched too, so the keys work whatever the keyboard layout types there.
 */
export function zoomShortcut(event: KeyboardEvent): boolean {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return false;
  const { key, code } = event;
  let action: (() => void) | null = null;
  if (key === "=" || key === "+" || code === "Equal" || code === "NumpadAdd") action = () => stepZoom(1);
  else if (key === "-" || key === "_" || code === "Minus" || code === "NumpadSubtract") action = () => stepZoom(-1);
  else if (key === "0" || code === "Digit0" || code === "Numpad0") action = () => setZoom(DEFAULT_ZOOM);
  if (!action) return false;
  event.preventDefault();
  action();
  return true;
}
