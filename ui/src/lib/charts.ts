// What the dashboard's charts share: a colour for each status and event type (drawn
// on a canvas, so colours are values here, not CSS), and month labels.

export interface Series {
  label: string;
  data: number[];
  /** One colour, or one per bar. */
  color: string | string[];
}

/** Colours in the spirit of app.css's status badges: danger, warning, calm. */
const STATUS_COLOURS: Record<string, string> = {
  detained: "#c27c0e",
  at_risk: "#e0a526",
  forcibly_returned: "#a12a2a",
  whereabouts_unknown: "#6e1f1f",
  released: "#2e8b57",
  resettled: "#1d6b3a",
  in_camp: "#2c4d78",
  "": "#aab3bf",
};

const PALETTE = ["#2c4d78", "#c27c0e", "#a12a2a", "#2e8b57", "#7b5ea7", "#0f7c8a", "#b5527a", "#6b7a1f", "#5b6776", "#d06b2c"];

export function statusColour(status: string): string {
  return STATUS_COLOURS[status] ?? PALETTE[Math.abs(hash(status)) % PALETTE.length];
}

/** A stable colour per key (an event type). */
export function colourOf(key: string, index: number): string {
  return PALETTE[index % PALETTE.length] ?? PALETTE[Math.abs(hash(key)) % PALETTE.length];
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

/** "Jun 2005", "июнь 2005 г." for `2005-06`. */
export function monthLabel(month: string, lang: string): string {
  const [y, m] = month.split("-").map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(lang, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** `#/persons?status=detained` and the like: a list route with its query. */
export function listHref(path: string, params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const query = q.toString();
  return `#/${path}${query ? `?${query}` : ""}`;
}
