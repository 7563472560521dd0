// TypeScript mirrors of the serde types the Rust commands take and return.
// Source of truth: src-tauri/src/commands.rs and src-tauri/core/src/** (see
// the comment on each type). Keep field names exactly as serde writes them.

// ---- Records: domain/schema.rs -------------------------------------------

export const KINDS = [
  "person",
  "group",
  "location",
  "actor",
  "event",
  "status",
  "source",
  "intervention",
  "attachment",
] as const;

/** `Kind` (serde snake_case). */
export type Kind = (typeof KINDS)[number];

/** `FieldType` (serde tag = "type", snake_case), flattened into `FieldSpec`. */
export type FieldType =
  | { type: "text" }
  | { type: "long_text" }
  | { type: "name" }
  | { type: "int"; min: number; max: number }
  | { type: "bool" }
  | { type: "date" }
  | { type: "ref"; kind: Kind }
  | { type: "vocab"; vocab: string }
  | { type: "coordinates" }
  | { type: "hash" };

export type FieldSpec = FieldType & { name: string; required: boolean };

export interface LinkSpec {
  name: string;
  flag: string;
  fields: FieldSpec[];
  one_of: string[];
}

export interface KindSpec {
  name: Kind;
  plural: string;
  table: string;
  label_field: string;
  fields: FieldSpec[];
  links: LinkSpec[];
}

/** A name with its BCP 47 language-Script tag: `{"text": "Азиз", "lang": "uz-Cyrl"}`. */
export interface NameValue {
  text: string;
  lang: string;
}

export interface Coordinates {
  lat: number;
  lon: number;
}

export type Fields = Record<string, unknown>;
/** One element of a link set (alias, involvement, member, source…). */
export type LinkElement = Record<string, unknown>;

// ---- api/records.rs -------------------------------------------------------

export interface ListQuery {
  q?: string | null;
  include_deleted?: boolean;
  limit?: number | null;
}

export interface RecordSummary {
  kind: Kind;
  id: string;
  label: string;
  deleted: boolean;
  in_conflict: boolean;
  fields: Fields;
}

/** One live value of a field; several of them make a conflict. */
export interface LiveValue {
  value: unknown;
  /** `device:seq:idx`: what `resolve` with `pick` takes. */
  value_id: string;
  device: string;
  office: string | null;
  author: string;
  /** The author's clock when writing (RFC 3339). */
  at: string;
  /** The value shown while the conflict lasts. */
  shown: boolean;
}

export interface RefLabel {
  kind: Kind;
  label: string;
  deleted: boolean;
}

export interface Stamp {
  at: string;
  author: string;
  office: string | null;
}

export interface RecordView {
  kind: Kind;
  id: string;
  label: string;
  deleted: boolean;
  fields: Fields;
  conflicts: Record<string, LiveValue[]>;
  links: Record<string, LinkElement[]>;
  refs: Record<string, RefLabel>;
  created: Stamp | null;
  updated: Stamp | null;
}

/** Input to `record_add` / `record_edit` (see the comment at the top of api/records.rs). */
export type RecordInput = Record<string, unknown> & {
  add?: Record<string, LinkElement[]>;
  remove?: Record<string, LinkElement[]>;
};

// ---- domain/status.rs, api/persons.rs -------------------------------------

export interface StatusEntry {
  status_type: string;
  value: string;
  date: string | null;
  location: string | null;
  imminent: boolean;
  from_record: string;
  explicit: boolean;
  via_group: string | null;
}

export interface PersonQuery {
  q?: string | null;
  status?: string | null;
  location?: string | null;
  group?: string | null;
  include_deleted?: boolean;
}

export interface PersonSummary {
  id: string;
  name: NameValue | null;
  label: string;
  aliases: NameValue[];
  protection: StatusEntry | null;
  refugee: StatusEntry | null;
  location: string | null;
  location_label: string | null;
  groups: string[];
  in_conflict: boolean;
  sample: boolean;
  deleted: boolean;
}

export interface SourceRef {
  id: string;
  title: string;
  type: string | null;
  reliability: string | null;
  fact: string | null;
}

export interface TimelineItem {
  /** `event` or `status`. */
  item: "event" | "status";
  id: string;
  date: string | null;
  end_date: string | null;
  event_type: string | null;
  title: string;
  location: string | null;
  location_label: string | null;
  role: string | null;
  via_group: string | null;
  via_group_label: string | null;
  status_type: string | null;
  status_value: string | null;
  imminent: boolean;
  implied: boolean;
  sources: SourceRef[];
  in_conflict: boolean;
}

export interface GroupRef {
  id: string;
  name: string;
  asserted_count: number | null;
  identified: number;
}

export interface FamilyRef {
  relation: string;
  person: string;
  label: string;
}

export interface PersonPage {
  record: RecordView;
  protection: StatusEntry | null;
  refugee: StatusEntry | null;
  timeline: TimelineItem[];
  groups: GroupRef[];
  family: FamilyRef[];
  sources: SourceRef[];
  interventions: RecordSummary[];
  attachments: RecordSummary[];
  labels: Record<string, RefLabel>;
}

export interface GroupPage {
  record: RecordView;
  asserted_count: number | null;
  identified: number;
  members: PersonSummary[];
  timeline: TimelineItem[];
  interventions: RecordSummary[];
}

/** commands.rs `AttachmentData`. */
export interface AttachmentData {
  mime: string;
  /** `data:` URL, for images only. */
  url: string | null;
  bytes: number;
}

// ---- domain/vocab.rs --------------------------------------------------------

export interface Term {
  term: string;
  category: string | null;
  implies: string | null;
  label_en: string;
  label_ru: string;
}

export type Vocabularies = Record<string, Term[]>;

// ---- api/mod.rs, api/session.rs, store ------------------------------------

export interface OriginInfo {
  device: string;
  office: string | null;
  seq: number;
}

export interface Info {
  data_dir: string;
  device: string;
  office: string;
  user: string;
  role: string | null;
  enrolled: boolean;
  org_fingerprint: string | null;
  device_fingerprint: string;
  schema_version: number;
  sequence: number;
  version_vector: OriginInfo[];
  records: Record<string, number>;
  waiting_changes: number;
  held_changes: number;
  conflicts: number;
}

export type LockState = "uninitialised" | "locked" | "unlocked";

export interface SessionState {
  state: LockState;
  data_dir: string;
  version: string;
  idle_lock_minutes: number;
  info: Info | null;
}

/** store/mod.rs `Strength` (zxcvbn, 0..4). */
export interface Strength {
  score: number;
  warning: string | null;
  suggestions: string[];
  acceptable: boolean;
}

/** demo.rs `DemoReport`. */
export interface DemoReport {
  persons: number;
  groups: number;
  events: number;
  locations: number;
  actors: number;
  sources: number;
  statuses: number;
  interventions: number;
}

// ---- api/audit.rs, api/devices.rs -----------------------------------------

export interface AuditOp {
  op: string;
  kind: string;
  id: string;
  name: string;
  value: unknown;
}

export interface AuditEntry {
  device: string;
  seq: number;
  office: string | null;
  author: string;
  /** The author's clock when the change was made. */
  at: string;
  /** When this store received it. */
  received_at: string;
  local: boolean;
  bundle: string | null;
  state: "applied" | "waiting" | "held" | string;
  hash: string;
  ops: AuditOp[];
}

export interface ChainCheck {
  device: string;
  office: string | null;
  changes: number;
  chain_intact: boolean;
  signed_through: number;
  problem: string | null;
}

export interface HeldChange {
  device: string;
  office: string | null;
  seq: number;
  author: string;
  at: string;
  ops: number;
  /** `unknown_device`, `revoked_device` or `clock_ahead`. */
  reason: string;
  bundle: string | null;
  relayed_by: string | null;
  relayed_by_office: string | null;
}

// ---- trust/mod.rs, trust/enrol.rs -------------------------------------------

export interface KnownDevice {
  device: string;
  office: string;
  role: string;
  sign_key: string;
  age_recipient: string;
  issued_at: string;
  revoked_through: number | null;
  revoked_reason: string | null;
  fingerprint: string;
}

export interface EnrolmentCheck {
  device: string;
  office: string;
  /** 12 groups of 5 digits separated by spaces (empty for a request just written). */
  safety_number: string;
  org_fingerprint: string;
  device_fingerprint: string;
}

// ---- api/sync.rs, sync/import.rs, oplog/apply.rs -------------------------

export interface Progress {
  stage: string;
  done: number;
  total: number;
}

export interface Recipient {
  device: string;
  office: string;
}

export interface ExportReport {
  bundle_id: string;
  path: string;
  full: boolean;
  peer: string | null;
  recipients: Recipient[];
  escrow: boolean;
  changes: number;
  ops: number;
  origins: number;
  attachments: number;
  missing_attachments: number;
  bytes: number;
}

export interface PeerStatus {
  device: string;
  office: string;
  role: string | null;
  enrolled: boolean;
  revoked: boolean;
  last_received_at: string | null;
  last_received_bundle: string | null;
  last_received_changes: number | null;
  acknowledged: OriginInfo[];
  last_sent_at: string | null;
  last_sent_bundle: string | null;
  last_sent_changes: number | null;
  waiting_to_send: number;
}

export interface RecordRef {
  kind: Kind;
  id: string;
}

export interface FieldUpdate {
  kind: Kind;
  id: string;
  field: string;
  before: unknown;
  after: unknown;
}

export interface Effects {
  created_count: number;
  updated_count: number;
  deleted_count: number;
  conflicts_opened_count: number;
  links_added: number;
  links_removed: number;
  created: RecordRef[];
  updated: FieldUpdate[];
  deleted: RecordRef[];
  conflicts_opened: FieldUpdate[];
}

export interface ImportReport {
  file: string | null;
  bundle_id: string;
  sender_device: string;
  /** From the sender's certificate. */
  sender_office: string;
  sender_role: string;
  /** As the sending device states it. */
  sender_user: string;
  created_at: string;
  full: boolean;
  dry_run: boolean;
  already_imported: boolean;
  file_bytes: number;
  changes_in_bundle: number;
  ops_in_bundle: number;
  duplicates: number;
  new_changes: number;
  applied: number;
  waiting: number;
  held: number;
  clock_ahead: number;
  released: number;
  forged: number;
  withdrawn: number;
  attachments: number;
  new_devices: string[];
  new_revocations: string[];
  effects: Effects;
  labels: Record<string, string>;
  warnings: string[];
}

export interface Conflict {
  kind: Kind;
  id: string;
  label: string;
  field: string;
  /** `values`: concurrent writes to one field; `delete`: edits made while it was deleted elsewhere. */
  conflict: "values" | "delete";
  values: LiveValue[];
}

/** api/sync.rs `ResolveChoice` (serde tag = "choice", content = "value"). */
export type ResolveChoice =
  | { choice: "pick"; value: string }
  | { choice: "value"; value: unknown }
  | { choice: "keep" }
  | { choice: "delete" };

export interface ForkInfo {
  device: string;
  office: string | null;
  seq: number;
  known_hash: string;
  other_hash: string;
  bundle: string | null;
  detected_at: string;
}

// ---- error.rs ---------------------------------------------------------------

/** What every failing command rejects with. */
export interface ErrorBody {
  code: string;
  message: string;
  retry_after_ms?: number;
}

// ---- api/files.rs ------------------------------------------------------------------

export type FilePurpose =
  | "export_bundle"
  | "import_bundle"
  | "enrol_request_out"
  | "enrol_request_in"
  | "enrolment_out"
  | "enrolment_in"
  | "attachment";

export interface FileGrant {
  token: string;
  path: string;
}
