// The ONLY module that talks to the Rust side. Every other module calls a
// typed wrapper below (or `call()`) and never imports `invoke` directly.
import { Channel, invoke } from "@tauri-apps/api/core";
import { i18n, translate } from "./i18n";
import type {
  AttachmentData,
  BackupReport,
  Candidate,
  ClusterReport,
  DuplicateCheck,
  DuplicateQuery,
  CountedQuery,
  Dashboard,
  PlaceLevel,
  SheetReport,
  Situation,
  AggregateLevel,
  ConfidentialRecord,
  DataExportReport,
  Deadlines,
  ExportFormat,
  ExportKind,
  ExportLogEntry,
  ExportProfile,
  AuditEntry,
  ChainCheck,
  Conflict,
  DemoReport,
  EnrolmentCheck,
  ExportReport,
  FileGrant,
  FilePurpose,
  ForkInfo,
  GroupPage,
  HeldChange,
  ImportReport,
  Info,
  IntakePreview,
  IntakeReport,
  Kind,
  KindSpec,
  KnownDevice,
  ListQuery,
  Mapping,
  OrgStatus,
  Message,
  Page,
  PageQuery,
  PeerStatus,
  PersonPage,
  PersonQuery,
  PersonSummary,
  Progress,
  RecordInput,
  RecordSummary,
  RecordView,
  RestoredSession,
  ResolveChoice,
  SessionState,
  Strength,
  Vocabularies,
} from "./types";

/**
 * An error returned by a Rust command, serialised as
 * `{ code, reason, params, message, retry_after_ms? }`: `code` is broad and stable
 * (what the UI reacts to), `reason` and `params` say exactly what happened (what the
 * UI shows, in its language), `message` is the core's English sentence.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly reason: string;
  readonly params: Record<string, string>;
  /** For `wrong_passphrase` / `too_many_attempts`: how long to wait before the next try. */
  readonly retryAfterMs: number;

  constructor(code: string, message: string, retryAfterMs = 0, reason = code, params: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.params = params;
    this.retryAfterMs = retryAfterMs;
  }
}

function isCodedError(
  value: unknown,
): value is { code: string; message: string; reason?: unknown; params?: unknown; retry_after_ms?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Normalise anything an `invoke` can reject with into an ApiError. */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (isCodedError(reason)) {
    const retry = typeof reason.retry_after_ms === "number" ? reason.retry_after_ms : 0;
    const why = typeof reason.reason === "string" ? reason.reason : reason.code;
    const params =
      typeof reason.params === "object" && reason.params !== null ? (reason.params as Record<string, string>) : {};
    return new ApiError(reason.code, reason.message, retry, why, params);
  }
  // Tauri itself rejects with plain strings (unknown command, denied by ACL...).
  if (typeof reason === "string") return new ApiError("ipc", reason);
  if (reason instanceof Error) return new ApiError("ipc", reason.message);
  return new ApiError("unknown", String(reason));
}

// Parameters that name a record kind or a field are shown in the UI's language too.
function localParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...params };
  if (params.kind && i18n.exists(`kind.${params.kind}`)) out.kind = translate(`kind.${params.kind}`);
  if (params.field && i18n.exists(`fields.${params.field}`)) out.field = translate(`fields.${params.field}`);
  return out;
}

/**
 * A user-facing message for any thrown value, in the UI's language when the core's
 * reason has a translation (`locales/errors/<lang>.json`), else the core's English.
 */
export function errorMessage(reason: unknown): string {
  const error = toApiError(reason);
  const key = `errors.${error.reason}`;
  if (!i18n.exists(key)) return error.message;
  // A message without the parameters its text needs (an older backend) stays English.
  const template = i18n.getResource(i18n.language, "translation", key) ?? i18n.getResource("en", "translation", key);
  const needed = [...String(template ?? "").matchAll(/\{\{(\w+)\}\}/g)];
  if (needed.some(([, name]) => !(name in error.params))) return error.message;
  let text = translate(key, localParams(error.params));
  if (error.code === "bundle_rejected" && error.reason !== "bundle_rejected") {
    text = translate("errors.bundle_rejected", { reason: text });
  }
  if (error.params.cause) text = `${text}: ${error.params.cause}`;
  // Messages start in lower case so they can be embedded; shown alone, as a sentence.
  return text.charAt(0).toLocaleUpperCase(i18n.language) + text.slice(1);
}

/** A message the core put in a result (a refused row's reason), shown as `errorMessage` shows an error. */
export function messageText(message: Message): string {
  return errorMessage({ code: "invalid", message: message.english, reason: message.reason, params: message.params });
}

type LockedListener = () => void;
let lockedListener: LockedListener | null = null;

/**
 * Register what happens when any command answers `locked` (the backend locked
 * itself, e.g. after the idle time): the app shows the unlock screen.
 */
export function onLocked(listener: LockedListener | null): void {
  lockedListener = listener;
}

/** Invoke a Tauri command; rejections become `ApiError`. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    const error = toApiError(reason);
    if (error.code === "locked" && lockedListener) lockedListener();
    throw error;
  }
}

function progressChannel(onProgress?: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = (p) => onProgress?.(p);
  return channel;
}

// ---- Session ------------------------------------------------------------------

export const appState = () => call<SessionState>("app_state");

export const setup = (args: { office: string; user: string; passphrase: string; hq: boolean }) =>
  call<SessionState>("setup", args);

export const passphraseStrength = (passphrase: string) => call<Strength>("passphrase_strength", { passphrase });

export const unlock = (passphrase: string) => call<SessionState>("unlock", { passphrase });

export const lock = () => call<SessionState>("lock");

export const setIdleLock = (minutes: number) => call<SessionState>("set_idle_lock", { minutes });

export const changePassphrase = (current: string, next: string) =>
  call<SessionState>("change_passphrase", { current, new: next });

/** Destroys the local keys for good. `confirm` must be exactly "DESTROY". */
export const panicDestroy = (confirm: string) => call<SessionState>("panic_destroy", { confirm });

// Headquarters continuity: a backup of the whole store, restoring one on first run,
// and the organisation key.

/**
 * Writes a backup of the store to a picked file or a new typed one. `passphrase` must be
 * the store's; the backup is encrypted under `other` when given, else under the store's.
 */
export const backup = async (path: string, passphrase: string, other: string | null) =>
  call<BackupReport>("backup", { file: await fileToken(path, "backup_out"), passphrase, other });

/** First run: restores a backup into the empty data dir; the store opens with the backup's passphrase. */
export const restoreBackup = async (path: string, passphrase: string) =>
  call<RestoredSession>("restore_backup", { file: await fileToken(path, "backup_in"), passphrase });

export const orgStatus = () => call<OrgStatus>("org_status");

/** Headquarters: a new organisation key, signed by the old one, which is retired. */
export const rotateOrgKey = () => call<OrgStatus>("rotate_org_key");

export const setUser = (name: string) => call<null>("set_user", { name });
export const setLanguage = (lang: string) => call<null>("set_language", { lang });

// ---- Records ------------------------------------------------------------------

export const vocabularies = () => call<Vocabularies>("vocabularies");

export const schema = () => call<KindSpec[]>("schema");

export const recordAdd = (kind: Kind, input: RecordInput) => call<{ id: string }>("record_add", { kind, input });

export const recordEdit = (kind: Kind, id: string, input: RecordInput) =>
  call<{ ops: number }>("record_edit", { kind, id, input });

export const recordDelete = (kind: Kind, id: string) => call<null>("record_delete", { kind, id });

export const recordRestore = (kind: Kind, id: string) => call<null>("record_restore", { kind, id });

export const recordGet = (kind: Kind, id: string) => call<RecordView>("record_get", { kind, id });

/** One page of a kind's records (pass the page's `next` as `after` for the following one). */
export const recordList = (kind: Kind, query: Partial<ListQuery> = {}) =>
  call<Page<RecordSummary>>("record_list", { kind, query });

/** One page of the persons matching the query (`after`: the previous page's `next`). */
export const personList = (query: Partial<PersonQuery> = {}) => call<Page<PersonSummary>>("person_list", { query });

/**
 * Live persons by current protection status (`""`: none) in a place, everything
 * inside it included, or everywhere.
 */
export const personCounts = (location?: string | null) =>
  call<Record<string, number>>("person_counts", { location: location ?? null });

export const personPage = (id: string) => call<PersonPage>("person_page", { id });

export const groupPage = (id: string) => call<GroupPage>("group_page", { id });

// Duplicates: the review queue of records that may be the same person, and the
// decisions on it. A decision is an op like any write: it syncs and shows in the audit.

/** One page of the review queue: disputed pairs first, then the others by score. */
export const duplicates = (query: Partial<DuplicateQuery> = {}) =>
  call<Page<Candidate>>("duplicates", { query: { min_score: null, limit: null, after: null, ...query } });

/**
 * Compares the next chunk of persons written in bulk (a spreadsheet intake) with the
 * rest: one short step, so other requests are served between two. Not activity: the
 * store still locks when the person is away.
 */
export const checkDuplicates = () => call<DuplicateCheck>("check_duplicates");

/** Judges every record the same person as the first: one cluster. */
export const merge = (ids: string[]) => call<ClusterReport>("merge", { ids });

/** Takes one record out of its cluster (its history is kept). */
export const unmerge = (id: string) => call<ClusterReport>("unmerge", { id });

/** Two records are two people: the pair leaves the queue for good. */
export const notSame = (a: string, b: string) => call<ClusterReport>("not_same", { a, b });

/** The reviewer could not tell: the pair stays in the queue. */
export const unsure = (a: string, b: string) => call<ClusterReport>("unsure", { a, b });

/** Writes one value of a field to every member of the cluster `id` is part of; returns the ops written. */
export const settle = (id: string, field: string, value: unknown) => call<number>("settle", { id, field, value });

// Persons from a spreadsheet: what its first rows hold, what importing it would do
// (nothing is written), and the import itself, in batches with progress.

/** The header row, then the first rows (up to 5), as read. */
export const intakeFirstRows = async (path: string, sheet: string | null = null) =>
  call<string[][]>("intake_first_rows", { file: await fileToken(path, "spreadsheet"), sheet });

export const intakePreview = async (path: string, mapping: Mapping | null) =>
  call<IntakePreview>("intake_preview", { file: await fileToken(path, "spreadsheet"), mapping });

export const intakePersons = async (path: string, mapping: Mapping | null, onProgress?: (p: Progress) => void) =>
  call<IntakeReport>("intake_persons", {
    file: await fileToken(path, "spreadsheet"),
    mapping,
    onProgress: progressChannel(onProgress),
  });

export const attachmentAdd = async (path: string, input: RecordInput) =>
  call<{ id: string }>("attachment_add", { file: await fileToken(path, "attachment"), input });

export const attachmentData = (id: string) => call<AttachmentData | null>("attachment_data", { id });

export const loadDemo = () => call<DemoReport>("load_demo");

export const info = () => call<Info>("info");

/** One page of the record's audit trail (newest first), or without `id` of the store's changes. */
export const audit = (id?: string | null, page?: PageQuery | null) =>
  call<Page<AuditEntry>>("audit", { id: id ?? null, page: page ?? null });

export const verifyLog = () => call<ChainCheck[]>("verify_log");

// ---- Sync -----------------------------------------------------------------------

export const peers = () => call<PeerStatus[]>("peers");

export const exportBundle = async (
  args: { peer: string | null; full: boolean; path: string },
  onProgress?: (p: Progress) => void,
) =>
  call<ExportReport>("export_bundle", {
    peer: args.peer,
    full: args.full,
    file: await fileToken(args.path, "export_bundle"),
    onProgress: progressChannel(onProgress),
  });

export const importPreview = async (path: string) =>
  call<ImportReport>("import_preview", { file: await fileToken(path, "import_bundle") });

export const importApply = async (path: string, onProgress?: (p: Progress) => void) =>
  call<ImportReport>("import_apply", {
    file: await fileToken(path, "import_bundle"),
    onProgress: progressChannel(onProgress),
  });

export const conflicts = (page?: PageQuery | null) => call<Page<Conflict>>("conflicts", { page: page ?? null });

export const resolve = (id: string, field: string, choice: ResolveChoice) =>
  call<null>("resolve", { id, field, choice });

export const forks = () => call<ForkInfo[]>("forks");

// Files: the web view never hands Rust a path it could use by itself. It gets a token
// for a file picked in the native dialog (opened by Rust), or asks for one for a path
// the person typed (Rust allows only new Nansen files there, or reading a bundle, an
// enrolment file or a spreadsheet).
const picked = new Map<string, { token: string; purpose: FilePurpose }>();

/** The native file dialog (opened by Rust); the chosen path, or null when cancelled. */
export async function pickFile(purpose: FilePurpose, suggestedName?: string): Promise<string | null> {
  const grant = await call<FileGrant | null>("pick_file", { purpose, suggestedName: suggestedName ?? null });
  if (!grant) return null;
  picked.set(grant.path, { token: grant.token, purpose });
  return grant.path;
}

/** The token for a path shown in a path field: the picked file's, or one for a typed path. */
export async function fileToken(path: string, purpose: FilePurpose): Promise<string> {
  const trimmed = path.trim();
  const known = picked.get(trimmed);
  if (known && known.purpose === purpose) return known.token;
  return (await call<FileGrant>("grant_file", { path: trimmed, purpose })).token;
}

// ---- Trust ------------------------------------------------------------------------

export const devices = () => call<KnownDevice[]>("devices");

export const enrolRequest = async (path: string) =>
  call<EnrolmentCheck>("enrol_request", { file: await fileToken(path, "enrol_request_out") });

export const enrolInspectRequest = async (path: string) =>
  call<EnrolmentCheck>("enrol_inspect_request", { file: await fileToken(path, "enrol_request_in") });

export const enrolApprove = async (request: string, out: string, hq: boolean) =>
  call<EnrolmentCheck>("enrol_approve", {
    request: await fileToken(request, "enrol_request_in"),
    out: await fileToken(out, "enrolment_out"),
    hq,
  });

export const enrolInspect = async (path: string) =>
  call<EnrolmentCheck>("enrol_inspect", { file: await fileToken(path, "enrolment_in") });

export const enrolAccept = async (path: string) =>
  call<EnrolmentCheck>("enrol_accept", { file: await fileToken(path, "enrolment_in") });

export const revoke = (device: string, reason: string) => call<KnownDevice>("revoke", { device, reason });

export const heldChanges = () => call<HeldChange[]>("held_changes");

// ---- Reports ----------------------------------------------------------------------

/** Everything the dashboard shows, counted as of today. */
export const dashboard = () => call<Dashboard>("dashboard");

/** The places directly inside `parent` (the top-level places for none), with who is there. */
export const dashboardPlaces = (parent?: string | null) =>
  call<PlaceLevel>("dashboard_places", { parent: parent ?? null });

/** The records behind a dashboard figure: persons recorded in a month, events of a type in a month, deadlines. */
export const dashboardList = (query: Partial<CountedQuery> & { of: string }) =>
  call<Page<RecordSummary>>("dashboard_list", {
    query: { month: null, event_type: null, limit: null, after: null, ...query },
  });

/** The situation summary as of a day (YYYY-MM-DD; today for none), in `en` or `ru`. */
export const situation = (asOf: string | null, lang: string) => call<Situation>("situation", { asOf, lang });

/** Writes the urgent-action sheet (PDF) of a person or group to a picked file or a new typed one. */
export const urgentSheet = async (id: string, lang: string, path: string) =>
  call<SheetReport>("urgent_sheet", { id, lang, file: await fileToken(path, "report_sheet") });

// ---- Data exports and deadlines ------------------------------------------------------

/** The strictly confidential records a list of this kind would carry (none for the aggregate table). */
export const exportConfidential = (kind: ExportKind) => call<ConfidentialRecord[]>("export_confidential", { kind });

/** What to export; `confirmed` names each strictly confidential record the person let leave. */
export interface DataExportChoice {
  kind: ExportKind;
  profile: ExportProfile;
  format: ExportFormat;
  confirmed: string[];
  k: number | null;
  level: AggregateLevel | null;
}

/** Writes a data export to a picked file or a new typed `.csv`/`.xlsx`; recorded in the export log. */
export const exportData = async (choice: DataExportChoice, path: string) =>
  call<DataExportReport>("export_data", { ...choice, file: await fileToken(path, "data_export") });

/** A page of the export log, newest first. */
export const exportLog = (page?: PageQuery | null) => call<Page<ExportLogEntry>>("export_log", { page: page ?? null });

/** Interventions overdue and due in the next days, as of today. */
export const deadlines = () => call<Deadlines>("deadlines");
