// A fake backend for component tests: mockIPC with sensible defaults for the
// reference data, every call recorded.
import { mockIPC } from "@tauri-apps/api/mocks";
import { info as infoStore, loadReferenceData, session } from "../lib/session";
import type { Dashboard, Info, KindSpec, Page, SessionState, Vocabularies } from "../lib/types";
// What the real core serves, written by `make generate` (src-tauri/core/examples/generate_ipc.rs).
import schema from "./generated/schema.json";
import vocabularies from "./generated/vocabularies.json";

export const SCHEMA = schema as KindSpec[];
const vocab = vocabularies as Vocabularies;

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export type Handler = unknown | ((args: Record<string, unknown>) => unknown);

export const INFO: Info = {
  data_dir: "/data/osh",
  device: "56f66554-d10b-855b-b3df-df1725f0b2bc",
  office: "Osh",
  user: "Dilnoza",
  role: "office",
  enrolled: true,
  org_fingerprint: "7197 e250 8e7d fd44 39ed 7173 bbd4 c6bf",
  device_fingerprint: "56f6 6554 d10b 155b 33df df17 25f0 b2bc",
  schema_version: 7,
  sequence: 12,
  version_vector: [],
  records: {},
  waiting_changes: 0,
  held_changes: 0,
  conflicts: 0,
  possible_duplicates: 0,
  duplicates_unchecked: 0,
};

export const UNLOCKED: SessionState = {
  state: "unlocked",
  data_dir: "/data/osh",
  version: "0.1.0",
  idle_lock_minutes: 10,
  info: INFO,
};

/** One page holding `items`: the last one unless `next` is given. */
export function page<T>(items: T[], next: string | null = null, total = items.length, totalCapped = false): Page<T> {
  return { items, next, total, total_capped: totalCapped };
}

/**
 * The page of `rows` after the cursor `after`, as the core serves them: `size` rows,
 * and the cursor of the next page (here, simply the offset).
 */
export function pageOf<T>(rows: T[], after: unknown, size = 100): Page<T> {
  const from = typeof after === "string" && after ? Number(after) : 0;
  const to = from + size;
  return page(rows.slice(from, to), to < rows.length ? String(to) : null, rows.length);
}

const EMPTY = page([]);

/** A dashboard of an empty store. */
export const EMPTY_DASHBOARD: Dashboard = {
  persons: 0,
  by_status: [],
  places: { path: [], places: [], elsewhere: 0 },
  new_persons: [],
  events: { months: [], series: [], unplaced: 0, earlier: 0 },
  deadlines: { today: "2026-01-15", overdue: 0, upcoming: 0, days: 7 },
  conflicts: 0,
  duplicates: 0,
};

const DEFAULTS: Record<string, Handler> = {
  app_state: UNLOCKED,
  vocabularies: vocab,
  schema: SCHEMA,
  info: INFO,
  record_list: EMPTY,
  person_list: EMPTY,
  person_counts: {},
  dashboard: EMPTY_DASHBOARD,
  dashboard_list: EMPTY,
  audit: EMPTY,
  peers: [],
  forks: [],
  held_changes: [],
  conflicts: EMPTY,
  devices: [],
  org_status: {
    fingerprint: INFO.org_fingerprint,
    serial: 0,
    holds_org_key: false,
    safety_number: null,
    devices: [],
    retired: [],
  },
  passphrase_strength: { score: 0, warning: null, suggestions: [], acceptable: false },
  // A typed path's token names its purpose and path, so tests can see which file went where.
  grant_file: ({ path, purpose }: Record<string, unknown>) => ({ token: fileToken(purpose as string, path as string), path }),
};

/** The token the fake backend grants for a typed path. */
export const fileToken = (purpose: string, path: string) => `file:${purpose}:${path}`;

/** Install the fake backend; `handlers` override the defaults. A thrown object is a command error. */
export function mockBackend(handlers: Record<string, Handler> = {}) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const h = cmd in handlers ? handlers[cmd] : DEFAULTS[cmd];
    if (h === undefined) throw { code: "unknown_command", message: `no mock for ${cmd}` };
    return typeof h === "function" ? (h as (a: Record<string, unknown>) => unknown)(a) : structuredClone(h);
  });
  return {
    calls,
    argsOf: (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args),
  };
}

/** An unlocked session with vocabularies and schema loaded, as after unlocking. */
export async function unlockedSession(): Promise<void> {
  await loadReferenceData();
  infoStore.set(INFO);
  session.set(UNLOCKED);
}
