// Generated from the Rust types by `make generate` (src-tauri/core/examples/generate_ipc.rs).
// Do not edit: change the Rust type and regenerate; CI fails when this file is stale.
/* eslint-disable */

/** A name with its BCP 47 language-Script tag: `{"text": "Азиз", "lang": "uz-Cyrl"}`. */
export type NameValue = { text: string, lang: string };

export type Kind = "person" | "group" | "location" | "actor" | "event" | "status" | "source" | "intervention" | "attachment";

export type FieldType = { "type": "text" } | { "type": "long_text" } | { "type": "name" } | { "type": "int", min: number, max: number, } | { "type": "bool" } | { "type": "date" } | { "type": "ref", kind: Kind, } | { "type": "vocab", vocab: string, } | { "type": "coordinates" } | { "type": "hash" };

export type FieldSpec = { name: string, required: boolean, } & ({ "type": "text" } | { "type": "long_text" } | { "type": "name" } | { "type": "int", min: number, max: number, } | { "type": "bool" } | { "type": "date" } | { "type": "ref", kind: Kind, } | { "type": "vocab", vocab: string, } | { "type": "coordinates" } | { "type": "hash" });

export type LinkSpec = { name: string, 
/**
 * The singular, for CLI flags (`--alias`) and messages.
 */
flag: string, fields: Array<FieldSpec>, 
/**
 * Exactly one of these (reference) fields must be present, e.g. a victim is a
 * person, a group or an actor. Empty when the plain `required` flags suffice.
 */
one_of: Array<string>, };

export type KindSpec = { name: Kind, plural: string, table: string, 
/**
 * The field that names a record in lists.
 */
label_field: string, fields: Array<FieldSpec>, links: Array<LinkSpec>, };

export type Term = { term: string, category: string | null, implies: string | null, label_en: string, label_ru: string, label_uz: string, label_ky: string, };

export type Vocabularies = { [key in string]: Array<Term> };

export type ErrorBody = { code: string, reason: string, params: { [key in string]: string }, message: string, retry_after_ms?: number, };

export type Strength = { score: number, warning: string | null, suggestions: Array<string>, acceptable: boolean, };

export type Lock = "uninitialised" | "locked" | "unlocked";

export type OriginInfo = { device: string, office: string | null, seq: number, };

export type Info = { data_dir: string, device: string, office: string, user: string, role: string | null, enrolled: boolean, org_fingerprint: string | null, device_fingerprint: string, schema_version: number, 
/**
 * This device's own sequence counter: how many changes it has made.
 */
sequence: number, 
/**
 * What this store holds, per origin device.
 */
version_vector: Array<OriginInfo>, records: { [key in string]: number }, waiting_changes: number, held_changes: number, conflicts: number, 
/**
 * Pairs of persons waiting for review as possible duplicates.
 */
possible_duplicates: number, 
/**
 * Persons written in bulk and not yet compared with the rest: the pairs above do
 * not count theirs yet (`Nansen::check_duplicates`).
 */
duplicates_unchecked: number, };

export type SessionState = { state: Lock, data_dir: string, version: string, idle_lock_minutes: number, info: Info | null, };

export type Page<T> = { items: Array<T>, 
/**
 * The cursor of the next page (pass it as `after`); none on the last page.
 */
next: string | null, 
/**
 * How many rows the whole list has.
 */
total: number, 
/**
 * `total` is a lower bound ("10,000 or more"): a broad search is not counted to
 * the end.
 */
total_capped: boolean, };

export type PageQuery = { limit?: number | null, after?: string | null, };

export type ListQuery = { q?: string | null, include_deleted: boolean, 
/**
 * Rows per page (see `page::limit`).
 */
limit?: number | null, 
/**
 * The cursor of the page before (its `next`).
 */
after?: string | null, };

export type RecordSummary = { kind: Kind, id: string, label: string, deleted: boolean, in_conflict: boolean, fields: Record<string, unknown>, 
/**
 * Labels of the records its fields refer to (a place, a parent, an actor).
 */
refs: { [key in string]: RefLabel }, };

export type LiveValue = { value: unknown, 
/**
 * `device:seq:idx` of the write; what `resolve --pick` takes.
 */
value_id: string, device: string, office: string | null, author: string, 
/**
 * The author's clock when writing (RFC 3339).
 */
at: string, 
/**
 * The value shown while the conflict lasts (the same on every store).
 */
shown: boolean, };

export type RefLabel = { kind: Kind, label: string, deleted: boolean, };

export type Stamp = { at: string, author: string, office: string | null, };

export type RecordView = { kind: Kind, id: string, label: string, deleted: boolean, fields: Record<string, unknown>, 
/**
 * Fields in conflict, with every live value.
 */
conflicts: { [key in string]: Array<LiveValue> }, links: Record<string, Array<Record<string, unknown>>>, 
/**
 * Labels of every record this one refers to.
 */
refs: { [key in string]: RefLabel }, created: Stamp | null, updated: Stamp | null, };

export type PersonQuery = { 
/**
 * Matches any name or alias, in any script or transliteration.
 */
q?: string | null, 
/**
 * A protection status term: only persons whose current status is this.
 */
status?: string | null, 
/**
 * A location id: only persons whose current status places them there (or inside it).
 */
location?: string | null, 
/**
 * A group id: only its members.
 */
group?: string | null, include_deleted: boolean, 
/**
 * Rows per page (see `page::limit`).
 */
limit?: number | null, 
/**
 * The cursor of the page before (its `next`).
 */
after?: string | null, };

export type PersonSummary = { id: string, name: NameValue | null, label: string, aliases: Array<NameValue>, protection: StatusEntry | null, refugee: StatusEntry | null, location: string | null, location_label: string | null, groups: Array<string>, in_conflict: boolean, sample: boolean, deleted: boolean, 
/**
 * How many other records are merged into this one (judged the same person).
 */
merged: number, };

export type StatusEntry = { 
/**
 * `protection` or `refugee`.
 */
status_type: string, value: string, 
/**
 * EDTF text of the effective date, if known.
 */
date: string | null, location: string | null, imminent: boolean, 
/**
 * The status record, or the event that implies it.
 */
from_record: string, 
/**
 * True for a status record, false for a status implied by an event.
 */
explicit: boolean, 
/**
 * Set when the status reaches the person through a group they belong to.
 */
via_group: string | null, };

export type SourceRef = { id: string, title: string, type: string | null, reliability: string | null, fact: string | null, };

export type TimelineItem = { 
/**
 * `event` or `status`.
 */
item: string, id: string, date: string | null, end_date: string | null, 
/**
 * The event type, for events.
 */
event_type: string | null, title: string, location: string | null, location_label: string | null, 
/**
 * The person's role in an event (victim, witness…).
 */
role: string | null, 
/**
 * Set when the item reaches the person through a group.
 */
via_group: string | null, via_group_label: string | null, 
/**
 * The status this item records or implies.
 */
status_type: string | null, status_value: string | null, imminent: boolean, implied: boolean, sources: Array<SourceRef>, in_conflict: boolean, };

export type GroupRef = { id: string, name: string, asserted_count: number | null, identified: number, };

export type FamilyRef = { relation: string, person: string, label: string, };

export type PersonPage = { record: RecordView, protection: StatusEntry | null, refugee: StatusEntry | null, timeline: Array<TimelineItem>, groups: Array<GroupRef>, family: Array<FamilyRef>, sources: Array<SourceRef>, interventions: Array<RecordSummary>, attachments: Array<RecordSummary>, 
/**
 * Labels of the locations named in statuses and the timeline.
 */
labels: { [key in string]: RefLabel }, 
/**
 * The id asked for: a merged-away record shows its cluster's page.
 */
viewed: string, 
/**
 * When records were judged the same person: all of them, and where they differ.
 */
cluster: ClusterView | null, };

export type GroupPage = { record: RecordView, asserted_count: number | null, identified: number, 
/**
 * The first page of the members; the person list filtered by this group has the
 * rest.
 */
members: Page<PersonSummary>, timeline: Array<TimelineItem>, interventions: Array<RecordSummary>, };

export type DemoReport = { persons: number, groups: number, events: number, locations: number, actors: number, sources: number, statuses: number, interventions: number, };

export type AuditOp = { op: string, kind: string, id: string, 
/**
 * The field, or the link set.
 */
name: string, value: unknown, };

export type AuditEntry = { device: string, seq: number, office: string | null, author: string, 
/**
 * The author's clock when the change was made.
 */
at: string, 
/**
 * When this store received it (for changes made here: when they were made).
 */
received_at: string, local: boolean, bundle: string | null, 
/**
 * `applied`, `waiting` or `held`.
 */
state: string, hash: string, ops: Array<AuditOp>, };

export type ChainCheck = { device: string, office: string | null, changes: number, chain_intact: boolean, 
/**
 * The highest seq covered by a head signature that verifies.
 */
signed_through: number, problem: string | null, };

export type HeldChange = { device: string, office: string | null, seq: number, author: string, at: string, ops: number, 
/**
 * Why it is held: `unknown_device` (its signature cannot be checked until the
 * device's certificate arrives), `revoked_device` or `clock_ahead`.
 */
reason: string, bundle: string | null, 
/**
 * For a change of an unknown device: the device whose bundle brought it.
 */
relayed_by: string | null, relayed_by_office: string | null, };

export type KnownDevice = { device: string, office: string, role: string, sign_key: string, age_recipient: string, issued_at: string, revoked_through: number | null, revoked_reason: string | null, fingerprint: string, };

export type EnrolmentCheck = { device: string, office: string, safety_number: string, org_fingerprint: string, device_fingerprint: string, 
/**
 * The enrolment gives (or gave) this device the organisation key: it is a
 * headquarters device that can enrol and revoke devices.
 */
org_key_transfer: boolean, };

export type Progress = { stage: string, done: number, total: number, };

export type Recipient = { device: string, office: string, };

export type ExportReport = { bundle_id: string, path: string, full: boolean, peer: string | null, recipients: Array<Recipient>, escrow: boolean, changes: number, ops: number, origins: number, attachments: number, missing_attachments: number, bytes: number, };

export type PeerStatus = { device: string, office: string, role: string | null, enrolled: boolean, revoked: boolean, last_received_at: string | null, last_received_bundle: string | null, last_received_changes: number | null, 
/**
 * What the peer has acknowledged: its version vector in its last bundle here.
 */
acknowledged: Array<OriginInfo>, last_sent_at: string | null, last_sent_bundle: string | null, last_sent_changes: number | null, 
/**
 * Changes this store holds that the peer has not acknowledged.
 */
waiting_to_send: number, };

export type RecordRef = { kind: Kind, id: string, };

export type FieldUpdate = { kind: Kind, id: string, field: string, before: unknown, after: unknown, };

export type Effects = { created_count: number, updated_count: number, deleted_count: number, conflicts_opened_count: number, links_added: number, links_removed: number, created: Array<RecordRef>, updated: Array<FieldUpdate>, deleted: Array<RecordRef>, conflicts_opened: Array<FieldUpdate>, };

export type ImportReport = { file: string | null, bundle_id: string, sender_device: string, 
/**
 * The sender's office and role, from its certificate.
 */
sender_office: string, sender_role: string, 
/**
 * The person using the sending device, as that device states it.
 */
sender_user: string, created_at: string, full: boolean, dry_run: boolean, already_imported: boolean, file_bytes: number, changes_in_bundle: number, ops_in_bundle: number, duplicates: number, new_changes: number, 
/**
 * Changes applied by this import, including earlier waiting ones it unblocked.
 */
applied: number, 
/**
 * Changes (from any bundle) still waiting for their predecessors.
 */
waiting: number, 
/**
 * Changes from unknown or revoked devices, kept but not applied.
 */
held: number, 
/**
 * Changes that claim a clock more than a day ahead of every other device's: kept,
 * and applied once that time comes.
 */
clock_ahead: number, 
/**
 * Held changes released because their device's certificate arrived or their
 * claimed time came.
 */
released: number, 
/**
 * Changes that claimed to come from a device whose signature they did not carry,
 * discarded when its certificate arrived.
 */
forged: number, 
/**
 * Changes un-applied because a revocation now excludes them.
 */
withdrawn: number, attachments: number, 
/**
 * Pairs of persons that may be the same person, waiting for review after this
 * import (see `nansen duplicates`); a preview counts those of the persons it brings,
 * an import only those of persons already checked (`unchecked`).
 */
possible_duplicates: number, 
/**
 * Persons of the store still to be compared for duplicates, this import's among them
 * (`Nansen::check_duplicates`).
 */
unchecked: number, new_devices: Array<string>, new_revocations: Array<string>, effects: Effects, 
/**
 * Labels of the records in `effects`, by id.
 */
labels: { [key in string]: string }, warnings: Array<string>, };

export type Conflict = { kind: Kind, id: string, label: string, field: string, 
/**
 * `values`: concurrent writes to one field. `delete`: edits made while someone
 * else deleted the record.
 */
conflict: string, values: Array<LiveValue>, };

export type ResolveChoice = { "choice": "pick", "value": string } | { "choice": "value", "value": unknown } | { "choice": "keep" } | { "choice": "delete" };

export type ForkInfo = { device: string, office: string | null, seq: number, known_hash: string, other_hash: string, bundle: string | null, detected_at: string, };

export type FilePurpose = "export_bundle" | "import_bundle" | "enrol_request_out" | "enrol_request_in" | "enrolment_out" | "enrolment_in" | "attachment" | "spreadsheet" | "report_sheet" | "data_export" | "backup_out" | "backup_in";

export type FileGrant = { token: string, path: string, };

export type AttachmentData = { mime: string, 
/**
 * A `data:` URL, for images only (the app's CSP allows data: images and nothing
 * remote).
 */
url: string | null, bytes: number, };

export type Message = { reason: string, params: { [key in string]: string }, english: string, };

export type Column = number | string;

export type Target = { "field": "name" } | { "field": "name_lang" } | { "field": "alias" } | { "field": "sex" } | { "field": "birth_date" } | { "field": "nationality" } | { "field": "notes" } | { "field": "identifiers" } | { "field": "identifier", type: string, } | { "field": "group" } | { "field": "ignore" };

export type MappedColumn = { column: Column, target: Target, };

export type Mapping = { 
/**
 * The sheet of a workbook to read; the first when none.
 */
sheet?: string | null, 
/**
 * Columns mapped by hand; each other column is mapped from its header.
 */
columns: Array<MappedColumn>, };

export type ColumnUse = { 
/**
 * Counting from 1.
 */
position: number, header: string, target: Target, 
/**
 * Mapped from its header, not by the mapping.
 */
automatic: boolean, };

export type Reason = { 
/**
 * The column, counting from 1; none when it is the row as a whole.
 */
position: number | null, 
/**
 * The column's header.
 */
column: string | null, 
/**
 * The person field the cell was for (`name`, `birth_date`, `aliases`…, or `group`).
 */
field: string | null, message: Message, };

export type Refusal = { line: number, reasons: Array<Reason>, };

export type MemberOf = { position: number, column: string, group: string, };

export type PlannedPerson = { line: number, 
/**
 * Carries the row's import key (see [`super::key`]); its time part is the time
 * of the run that planned it, so a preview's ids are not the import's.
 */
id: string, 
/**
 * The person input with its `id`, exactly as `Nansen::add` takes it.
 */
input: Record<string, unknown>, groups: Array<MemberOf>, };

export type IntakePreview = { file: string, 
/**
 * The sheet read, for a workbook.
 */
sheet: string | null, columns: Array<ColumnUse>, 
/**
 * Rows with something in them; blank rows are skipped.
 */
rows: number, 
/**
 * Rows that would make a new person.
 */
to_import: number, 
/**
 * Rows imported before (found by their import keys).
 */
already_present: number, refused_count: number, 
/**
 * Refused rows in file order: the first 10 000 (`refused_count` counts them all).
 */
refused: Array<Refusal>, 
/**
 * The first persons that would be created, as they would be written.
 */
sample: Array<PlannedPerson>, };

export type IntakeReport = { file: string, sheet: string | null, columns: Array<ColumnUse>, rows: number, imported: number, already_present: number, refused_count: number, 
/**
 * Refused rows in file order: the first 10 000 (`refused_count` counts them all).
 */
refused: Array<Refusal>, 
/**
 * The persons created, in file order.
 */
created: Array<string>, 
/**
 * Local changes written: one per batch with something new in it.
 */
changes: number, elapsed_ms: number, 
/**
 * Persons of the store still to be checked for duplicates, these among them:
 * [`Nansen::check_duplicates`] does it.
 */
unchecked: number, };

export type CitedRecord = { kind: Kind, id: string, label: string, };

export type SourceNote = { n: number, id: string, title: string, type: string | null, type_label: string | null, reliability: string | null, reliability_label: string | null, 
/**
 * Marked strictly confidential: the rendered text names only its type and
 * reliability.
 */
confidential: boolean, };

export type Figure = { value: number, 
/**
 * What it counts: `persons`, `identified` (persons known by name) or `incidents`.
 */
counts: string, 
/**
 * The records behind it: events, status records, groups, persons.
 */
records: Array<CitedRecord>, 
/**
 * Records behind it beyond those listed.
 */
more_records: number, 
/**
 * The numbers of its sources in [`Situation::sources`].
 */
sources: Array<number>, 
/**
 * The person list that shows what it counts, as its query (`status=at_risk`).
 */
list: string | null, };

export type Sentence = { text: string, figures: Array<Figure>, sources: Array<number>, };

export type Paragraph = { 
/**
 * `events`, `groups` or `persons`.
 */
key: string, heading: string, sentences: Array<Sentence>, };

export type Situation = { lang: string, 
/**
 * The day asked for; none for "now".
 */
as_of: string | null, 
/**
 * The day it describes.
 */
date: string, title: string, paragraphs: Array<Paragraph>, sources: Array<SourceNote>, 
/**
 * All of it as plain text, sources cited as [1].
 */
text: string, };

export type SheetReport = { path: string, subject: CitedRecord, reference: string, lang: string, pages: number, bytes: number, };

export type StatusCount = { 
/**
 * A protection status term; `""` for persons with none.
 */
status: string, n: number, };

export type PlaceCount = { id: string, label: string, n: number, by_status: Array<StatusCount>, 
/**
 * It has places inside it to look into.
 */
has_children: boolean, };

export type PlaceRef = { id: string, label: string, };

export type PlaceLevel = { 
/**
 * The places from the top down to the one looked into; empty at the top.
 */
path: Array<PlaceRef>, places: Array<PlaceCount>, 
/**
 * Persons counted at this level but in none of `places`: at the place itself, or
 * (at the top) with no known place.
 */
elsewhere: number, };

export type MonthCount = { 
/**
 * `YYYY-MM`.
 */
month: string, n: number, };

export type EventSeries = { event_type: string, 
/**
 * One count per month of [`EventMonths::months`].
 */
counts: Array<number>, };

export type EventMonths = { 
/**
 * `YYYY-MM`, oldest first: the months up to the latest dated event.
 */
months: Array<string>, series: Array<EventSeries>, 
/**
 * Live events placed in no month (no date, or a year only).
 */
unplaced: number, 
/**
 * Live events dated before the first month shown.
 */
earlier: number, };

export type DeadlineCounts = { 
/**
 * The day counted from (YYYY-MM-DD).
 */
today: string, overdue: number, upcoming: number, 
/**
 * How many days ahead "upcoming" looks.
 */
days: number, };

export type Dashboard = { 
/**
 * Live persons, a cluster of duplicates once.
 */
persons: number, by_status: Array<StatusCount>, places: PlaceLevel, new_persons: Array<MonthCount>, events: EventMonths, deadlines: DeadlineCounts, conflicts: number, 
/**
 * Possible duplicates waiting for a decision (`Info::possible_duplicates`).
 */
duplicates: number, };

export type CountedQuery = { 
/**
 * `new_persons`, `events`, `overdue` or `upcoming`.
 */
of: string, 
/**
 * `YYYY-MM`, for `new_persons` and `events`.
 */
month?: string | null, 
/**
 * An event type, for `events`.
 */
event_type?: string | null, limit?: number | null, after?: string | null, };

export type ExportKind = "person" | "event" | "aggregate";

export type ExportProfile = "named" | "pseudonymised" | "aggregate";

export type ExportFormat = "csv" | "xlsx" | "hxl";

export type AggregateLevel = "place" | "region" | "country";

export type KeySource = "given" | "store";

export type DataExportRequest = { kind: ExportKind, profile: ExportProfile, format: ExportFormat, out: string, 
/**
 * Write over a file that already has that name.
 */
overwrite: boolean, 
/**
 * Ids of strictly confidential records the person exporting has confirmed, one by
 * one, may leave in this export (see `Nansen::export_confidential`).
 */
confirmed: Array<string>, 
/**
 * Pseudonymised only: the key pseudonyms are made with (at least 8 characters);
 * none uses the key kept in this store. The same key gives the same pseudonyms.
 */
key?: string | null, 
/**
 * Aggregate only: cells counting fewer persons than this are suppressed (default 5).
 */
k?: number | null, 
/**
 * Aggregate only: the places counted by (default: region).
 */
level?: AggregateLevel | null, };

export type DataExportReport = { 
/**
 * The entry in the export log.
 */
id: number, path: string, kind: ExportKind, profile: ExportProfile, format: ExportFormat, 
/**
 * Records exported (persons or events); for an aggregate table, persons counted.
 */
records: number, 
/**
 * Data rows written (header rows apart).
 */
rows: number, bytes: number, 
/**
 * The strictly confidential records that left, each confirmed.
 */
confirmed: Array<string>, key: KeySource | null, 
/**
 * A fingerprint of the pseudonymisation key: exports whose pseudonyms can be
 * joined share it (it does not reveal the key).
 */
key_fingerprint: string | null, k: number | null, level: AggregateLevel | null, 
/**
 * Cells suppressed, because they counted fewer than k persons (primary) or so that
 * no suppressed cell can be worked out from the totals (secondary).
 */
suppressed_primary: number | null, suppressed_secondary: number | null, 
/**
 * XLSX cells cut to the most a cell can hold (32 767 characters).
 */
truncated_cells: number, at: string, author: string, };

export type ConfidentialRecord = { id: string, label: string, };

export type ExportLogEntry = { id: number, 
/**
 * When (RFC 3339, UTC).
 */
at: string, author: string, office: string, device: string, kind: ExportKind | null, profile: ExportProfile | null, format: ExportFormat | null, 
/**
 * Records exported, or persons counted in an aggregate table.
 */
records: number, rows: number, file: string, bytes: number, 
/**
 * The strictly confidential records that left, each confirmed.
 */
confirmed: Array<string>, key_fingerprint: string | null, k: number | null, level: AggregateLevel | null, suppressed: number | null, };

export type Concern = { kind: Kind, id: string, label: string, };

export type Deadline = { id: string, title: string, type: string, status: string, 
/**
 * The due date as recorded (it may be approximate).
 */
due: string, 
/**
 * The day it falls due (YYYY-MM-DD).
 */
due_on: string, 
/**
 * Days from today to that day: negative when overdue, 0 when due today.
 */
days_left: number, target: string | null, target_label: string | null, concerns: Array<Concern>, };

export type Deadlines = { 
/**
 * The day the list was made for (YYYY-MM-DD).
 */
as_of: string, 
/**
 * Past due, the longest overdue first.
 */
overdue: Array<Deadline>, 
/**
 * Due from today to `UPCOMING_DAYS` days ahead, the soonest first.
 */
upcoming: Array<Deadline>, };

export type NameLevel = "exact" | "variant" | "suffix" | "phonetic" | "fuzzy" | "initial" | "different";

export type WordRole = "name" | "patronymic";

export type WordMatch = { 
/**
 * The word as the first record writes it.
 */
a: string, 
/**
 * The word as the second record writes it.
 */
b: string, role: WordRole, level: NameLevel, 
/**
 * Jaro–Winkler similarity of the folded words (1 for the same key).
 */
similarity: number, 
/**
 * Its log2 likelihood ratio (see the module docs).
 */
weight: number, };

export type IdentifierAgreement = "same" | "near" | "different";

export type Evidence = { "kind": "names", a: string, a_lang: string, b: string, b_lang: string, words: Array<WordMatch>, weight: number, } | { "kind": "identifier", id_type: string, a: string, b: string, agreement: IdentifierAgreement, weight: number, } | { "kind": "birth_dates", a: string, b: string, compatible: boolean, years_apart: number, weight: number, } | { "kind": "sex", a: string, b: string, agree: boolean, weight: number, } | { "kind": "origin", a: string, b: string, same: boolean, weight: number, } | { "kind": "same_group", groups: Array<string>, weight: number, } | { "kind": "family_of_each_other", weight: number, } | { "kind": "shared_family", persons: Array<string>, weight: number, };

export type DuplicateQuery = { 
/**
 * Only pairs scoring at least this (default: the review threshold).
 */
min_score?: number | null, limit?: number | null, after?: string | null, };

export type DuplicateCheck = { 
/**
 * Persons checked now.
 */
checked: number, 
/**
 * Persons still waiting.
 */
remaining: number, elapsed_ms: number, };

export type CandidatePerson = { id: string, label: string, name: NameValue | null, aliases: Array<NameValue>, birth_date: string | null, sex: string | null, 
/**
 * Who recorded it, where and when.
 */
created: Stamp | null, };

export type Candidate = { a: CandidatePerson, b: CandidatePerson, score: number, 
/**
 * What agrees and what disagrees (domain::matching::Evidence).
 */
evidence: Array<Evidence>, 
/**
 * Verdicts already given: `unsure`, or `same` and `not_same` for a pair judged
 * both ways at different offices.
 */
verdicts: Array<string>, };

export type ClusterReport = { 
/**
 * The cluster the first record named is now shown as (itself when alone).
 */
cluster: string, 
/**
 * Its members, the representative first (just the record when alone).
 */
members: Array<string>, 
/**
 * Ops written.
 */
ops: number, };

export type ClusterView = { representative: string, members: Array<ClusterMember>, 
/**
 * Fields whose values differ between members: a conflict to settle, never picked
 * silently.
 */
differing: Array<DifferingField>, };

export type ClusterMember = { id: string, label: string, name: NameValue | null, 
/**
 * Who recorded it, where and when.
 */
created: Stamp | null, };

export type DifferingField = { field: string, values: Array<MemberValue>, };

export type MemberValue = { person: string, value: unknown, };

export type BackupReport = { path: string, bytes: number, attachments: number, created_at: string, 
/**
 * Encrypted under the store's own passphrase (otherwise under the one given).
 */
store_passphrase: boolean, };

export type RestoreReport = { 
/**
 * The restored store's new device.
 */
device: string, 
/**
 * The device the backup was taken from.
 */
previous_device: string, office: string, backed_up_at: string, 
/**
 * It holds the organisation key (headquarters): its new device is enrolled already.
 */
headquarters: boolean, 
/**
 * An office's new device must be enrolled again before it can export.
 */
needs_enrolment: boolean, };

export type RestoredSession = { session: SessionState, report: RestoreReport, };

export type DeviceSafetyNumber = { device: string, office: string, role: string, safety_number: string, };

export type RetiredOrgKey = { fingerprint: string, 
/**
 * The serial of the rotation that retired it.
 */
serial: number, retired_at: string, };

export type OrgStatus = { fingerprint: string, serial: number, 
/**
 * This store holds the organisation key (a headquarters device).
 */
holds_org_key: boolean, 
/**
 * This device's safety number, when it is enrolled.
 */
safety_number: string | null, 
/**
 * Every enrolled device's safety number, to read out after a rotation.
 */
devices: Array<DeviceSafetyNumber>, 
/**
 * Keys retired by rotations, oldest first.
 */
retired: Array<RetiredOrgKey>, };
