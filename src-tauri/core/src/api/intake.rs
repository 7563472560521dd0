//! Bulk intake of persons from a spreadsheet: a preview that writes nothing, and an
//! import in batches. The rules (reading, mapping, validation, import keys) are in
//! [`crate::intake`]; here each planned person is checked against the store by the
//! same `ops_for` as a hand-entered one (references, vocabularies, record rules), and
//! written.
//!
//! Each batch of [`BATCH_ROWS`] rows is one ordinary local change through the write
//! path of every edit, and batches are committed together, [`COMMIT_ROWS`] new persons
//! at a time or a quarter of the store's if that is more, so an interruption (a crash,
//! a full disk) leaves whole commits or nothing; running the import again skips the
//! rows already written, found by their import keys, and writes the rest.
//!
//! The persons written are not compared with the store's as each batch lands: that is
//! most of the cost, and it grows with the store. They wait to be checked for
//! duplicates ([`Nansen::check_duplicates`], `api::duplicate_check`), which the CLI
//! does right after and the app while the monitor goes on working.

use super::messages as m;
use super::Nansen;
use crate::domain::schema::DELETED;
use crate::domain::Kind;
use crate::error::{Error, Message, Result};
use crate::intake::messages as im;
use crate::intake::{
    ColumnUse, ImportKeys, KnownKeys, Mapping, Outcome, PlannedPerson, Planner, Reason, Refusal,
    ResolvedMapping, RowKey, Sheet,
};
use crate::oplog::derive::When;
use crate::oplog::{self, Op};
use crate::store;
use crate::sync::Progress;
use rusqlite::{Transaction, TransactionBehavior};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;
use ts_rs::TS;
use uuid::Uuid;

/// Rows per change: enough that the cost of a change (its clock, hash, log row, the
/// derived rows it refreshes and a durable commit) is spread thin, few enough that an
/// interrupted import loses a fraction of a second's work and one change stays an
/// audit entry a person can read. A store's name-ordered indexes take a batch's rows on
/// pages all over them, and each page a commit dirtied is encrypted and written once per
/// commit, so the larger the batch, the fewer times each is. 100 000 realistic rows into
/// a fresh store (`benches/intake.rs`): 2 000 a change wrote 7 530 persons/s, 5 000
/// wrote 10 209/s, 10 000 wrote 10 005/s (500 had written 6 209/s of 60 000).
pub const BATCH_ROWS: usize = 5_000;
/// New persons per commit, at least: batches are committed together until they hold this
/// many. In a large store the pages a change dirties in the name-ordered indexes hardly
/// overlap with the next change's, so a commit per change encrypts and writes about a
/// page per name word and list key it adds; a commit of twenty changes writes most of
/// those pages once for several rows. From 100 000 to 1 000 000 persons
/// (`benches/scale.rs`): a commit per change wrote 5 725 persons/s, a commit of 50 000
/// rows 9 164/s, of 100 000 rows 11 987/s. An interruption loses at most a commit's
/// work, which running the import again redoes.
pub const COMMIT_ROWS: usize = 100_000;
/// ...and at least this share of the persons the store holds. Once a commit's rows
/// reach nearly every page of those indexes, the pages it writes grow with the store,
/// not with its rows: a commit that grows with the store keeps that cost per row
/// constant. From 100 000 to 1 000 000 persons in one intake: 9 808/s in commits of
/// 100 000, 10 556/s (a half: 10 550/s); 300 000 into a million, 5 077–6 954/s and
/// 6 190–7 883/s. The cache stays at bulk work's size (`store::workload`): what does
/// not fit is written to the log before the commit, as SQLite spills a transaction.
pub const COMMIT_SHARE: f64 = 0.25;

/// How an intake splits a list: rows into changes, changes into commits.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// Rows read, checked and written as one change (at least 1).
    pub change_rows: usize,
    /// New persons after which the changes so far are committed...
    pub commit_rows: usize,
    /// ...once they are also this share of the persons in the store.
    pub commit_share: f64,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            change_rows: BATCH_ROWS,
            commit_rows: COMMIT_ROWS,
            commit_share: COMMIT_SHARE,
        }
    }
}

impl Batching {
    /// Whether `rows` new persons in a store of `persons` (them included) are a commit.
    fn is_commit(&self, rows: usize, persons: u64) -> bool {
        let share = persons.saturating_sub(rows as u64) as f64 * self.commit_share;
        rows >= self.commit_rows && rows as f64 >= share
    }
}

/// Refused rows a report lists; its count has them all.
const REFUSALS_LISTED: usize = 10_000;
/// Planned persons a preview shows.
const SAMPLE_ROWS: usize = 20;
const STAGE: &str = "intake";

/// What importing a file would do; nothing is written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IntakePreview {
    pub file: String,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    pub columns: Vec<ColumnUse>,
    /// Rows with something in them; blank rows are skipped.
    pub rows: u64,
    /// Rows that would make a new person.
    pub to_import: u64,
    /// Rows imported before (found by their import keys).
    pub already_present: u64,
    pub refused_count: u64,
    /// Refused rows in file order: the first 10 000 (`refused_count` counts them all).
    pub refused: Vec<Refusal>,
    /// The first persons that would be created, as they would be written.
    pub sample: Vec<PlannedPerson>,
}

/// What an import did: `imported + already_present + refused_count == rows`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IntakeReport {
    pub file: String,
    pub sheet: Option<String>,
    pub columns: Vec<ColumnUse>,
    pub rows: u64,
    pub imported: u64,
    pub already_present: u64,
    pub refused_count: u64,
    /// Refused rows in file order: the first 10 000 (`refused_count` counts them all).
    pub refused: Vec<Refusal>,
    /// The persons created, in file order.
    pub created: Vec<Uuid>,
    /// Local changes written: one per batch with something new in it.
    pub changes: u64,
    pub elapsed_ms: u64,
    /// Persons of the store still to be checked for duplicates, these among them:
    /// [`Nansen::check_duplicates`] does it.
    pub unchecked: u64,
}

/// What has become of the rows so far.
#[derive(Default)]
struct Tally {
    rows: u64,
    new: u64,
    present: u64,
    refused_count: u64,
    refused: Vec<Refusal>,
    sample: Vec<PlannedPerson>,
}

impl Tally {
    fn refuse(&mut self, refusal: Refusal) {
        self.refused_count += 1;
        if self.refused.len() < REFUSALS_LISTED {
            self.refused.push(refusal);
        }
    }
}

/// Groups by how rows name them, looked up once per import.
type Groups = HashMap<String, std::result::Result<Uuid, Message>>;

/// Whether an error says the row is wrong (so the row is refused), rather than that the
/// store failed (so the import stops).
fn refuses_row(e: &Error) -> bool {
    matches!(
        e,
        Error::Invalid(_) | Error::NotFound(_) | Error::UnknownTerm(_)
    )
}

/// Plans the next `size` rows of the file.
fn next_batch(sheet: &mut Sheet, planner: &mut Planner, size: usize) -> Result<Vec<Outcome>> {
    let mut planned = Vec::with_capacity(size);
    while planned.len() < size {
        match sheet.next_row()? {
            Some(row) => planned.push(planner.plan(row)),
            None => break,
        }
    }
    Ok(planned)
}

impl Nansen {
    /// The key of this store's import ids, derived from its attachment key: a secret
    /// every store has from its creation and keeps through passphrase changes.
    fn import_keys(&self) -> Result<ImportKeys> {
        let secret = zeroize::Zeroizing::new(
            store::secret(self.conn(), "attachment_key")?
                .ok_or_else(|| Error::crypto(store::messages::attachment_key_missing()))?,
        );
        Ok(ImportKeys::from_store_secret(&secret))
    }

    /// The import keys of every person's id in the store: the rows written before.
    fn known_keys(&self) -> Result<KnownKeys> {
        let sql = format!("SELECT id FROM {}", Kind::Person.spec().table);
        let mut stmt = self.conn().prepare(&sql)?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut known = KnownKeys::new();
        for id in ids {
            if let Ok(id) = Uuid::parse_str(&id?) {
                known.insert(RowKey::of_id(&id));
            }
        }
        Ok(known)
    }

    fn open_intake(
        &self,
        file: &Path,
        mapping: Option<Mapping>,
    ) -> Result<(Sheet, ResolvedMapping)> {
        let mapping = mapping.unwrap_or_default();
        let sheet = Sheet::open(file, mapping.sheet.as_deref())?;
        let resolved = mapping.resolve(&sheet.headers, &self.vocab)?;
        Ok((sheet, resolved))
    }

    /// The live group a row names by id or exact name, or why there is none.
    fn group_named(&self, group: &str) -> Result<std::result::Result<Uuid, Message>> {
        if let Ok(id) = Uuid::parse_str(group) {
            return Ok(match self.existing(Kind::Group, &id) {
                Ok(f) if f.get(DELETED) == Some(&Value::Bool(true)) => {
                    Err(m::ref_to_deleted("group", Kind::Group, id))
                }
                Ok(_) => Ok(id),
                Err(e) if refuses_row(&e) => Err(e.message()),
                Err(e) => return Err(e),
            });
        }
        let sql = format!(
            "SELECT id FROM {} WHERE name = ?1 AND coalesce(deleted, 0) = 0",
            Kind::Group.spec().table
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let ids = stmt
            .query_map([group], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(match ids.as_slice() {
            [only] => Uuid::parse_str(only).map_err(|_| im::no_such_group(group)),
            [] => Err(im::no_such_group(group)),
            several => Err(im::group_name_ambiguous(group, several.len())),
        })
    }

    /// Checks planned rows against the store as `add` checks a person, and returns the
    /// ops that write the new ones (their fields and links, and their group
    /// memberships) with the ids they create. Rows whose key is `known` (written
    /// before) are counted and skipped; the new ones become known.
    fn check_batch(
        &self,
        planned: Vec<Outcome>,
        known: &mut KnownKeys,
        groups: &mut Groups,
        tally: &mut Tally,
        keep_sample: bool,
    ) -> Result<(Vec<Op>, Vec<Uuid>)> {
        let members = Kind::Group.spec().link("members")?;
        let (mut ops, mut created) = (Vec::new(), Vec::new());
        for outcome in planned {
            tally.rows += 1;
            let person = match outcome {
                Outcome::Refused(refusal) => {
                    tally.refuse(refusal);
                    continue;
                }
                Outcome::Person(person) => person,
            };
            if known.contains(&RowKey::of_id(&person.id)) {
                tally.present += 1;
                continue;
            }
            let mut reasons = Vec::new();
            let mut joins: Vec<Uuid> = Vec::new();
            for g in &person.groups {
                if !groups.contains_key(&g.group) {
                    let found = self.group_named(&g.group)?;
                    groups.insert(g.group.clone(), found);
                }
                match &groups[&g.group] {
                    Ok(id) if !joins.contains(id) => joins.push(*id),
                    Ok(_) => {}
                    Err(message) => reasons.push(Reason::at(
                        g.position as usize - 1,
                        Some(&g.column),
                        Some("group"),
                        message.clone(),
                    )),
                }
            }
            let person_ops = match self.ops_for(Kind::Person, person.id, &person.input, true) {
                Ok(person_ops) => person_ops,
                Err(e) if refuses_row(&e) => {
                    let message = e.message();
                    reasons.push(Reason {
                        field: message.params.get("field").cloned(),
                        ..Reason::of_row(message)
                    });
                    Vec::new()
                }
                Err(e) => return Err(e),
            };
            if !reasons.is_empty() {
                tally.refuse(Refusal {
                    line: person.line,
                    reasons,
                });
                continue;
            }
            ops.extend(person_ops);
            for group in joins {
                ops.push(Op::Add {
                    kind: Kind::Group,
                    owner: group,
                    link: members.name.into(),
                    elem: members.normalise(&json!({"person": person.id.to_string()}))?,
                });
            }
            known.insert(RowKey::of_id(&person.id));
            tally.new += 1;
            created.push(person.id);
            if keep_sample && tally.sample.len() < SAMPLE_ROWS {
                tally.sample.push(person);
            }
        }
        Ok((ops, created))
    }

    /// What importing the persons of `file` would do, without writing anything. With
    /// no mapping, every column is mapped from its header.
    pub fn intake_preview(&self, file: &Path, mapping: Option<Mapping>) -> Result<IntakePreview> {
        let (mut sheet, resolved) = self.open_intake(file, mapping)?;
        let keys = self.import_keys()?;
        let mut known = self.known_keys()?;
        let mut planner = Planner::new(&resolved, &self.vocab, &keys, crate::hlc::wall_millis());
        let (mut tally, mut groups) = (Tally::default(), Groups::new());
        loop {
            let planned = next_batch(&mut sheet, &mut planner, BATCH_ROWS)?;
            if planned.is_empty() {
                break;
            }
            self.check_batch(planned, &mut known, &mut groups, &mut tally, true)?;
        }
        Ok(IntakePreview {
            file: file.display().to_string(),
            sheet: sheet.name.clone(),
            columns: resolved.columns.clone(),
            rows: tally.rows,
            to_import: tally.new,
            already_present: tally.present,
            refused_count: tally.refused_count,
            refused: tally.refused,
            sample: tally.sample,
        })
    }

    /// Imports the persons of `file` in batches of [`BATCH_ROWS`] rows, each one local
    /// change, committed [`COMMIT_ROWS`] new persons at a time (or [`COMMIT_SHARE`] of
    /// the store's, if more); rows imported before are skipped. Refused rows are
    /// reported, not errors: this fails only when the file or the mapping cannot be used
    /// at all, or the store fails (then what was committed before is kept, and running
    /// it again finishes the job).
    pub fn intake_persons(
        &mut self,
        file: &Path,
        mapping: Option<Mapping>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IntakeReport> {
        self.intake_persons_in_batches(file, mapping, Batching::default(), progress)
    }

    /// [`Nansen::intake_persons`] with other batches and commits.
    pub fn intake_persons_in_batches(
        &mut self,
        file: &Path,
        mapping: Option<Mapping>,
        batching: Batching,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IntakeReport> {
        self.in_bulk(|n| n.write_batches(file, mapping, batching, progress))
    }

    fn write_batches(
        &mut self,
        file: &Path,
        mapping: Option<Mapping>,
        batching: Batching,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IntakeReport> {
        let started = Instant::now();
        let (mut sheet, resolved) = self.open_intake(file, mapping)?;
        let total = sheet.count_rows()?;
        let keys = self.import_keys()?;
        // The planner reads the vocabularies while batches are committed.
        let vocab = self.vocab.clone();
        let mut known = self.known_keys()?;
        let mut planner = Planner::new(&resolved, &vocab, &keys, crate::hlc::wall_millis());
        let (mut tally, mut groups) = (Tally::default(), Groups::new());
        let (mut created, mut changes) = (Vec::new(), 0);
        let mut persons: u64 = self.person_counts(None)?.values().sum();
        progress(Progress::new(STAGE, 0, total));
        // Dropped uncommitted (an error), it rolls back only the batches since the last
        // commit.
        let mut open: Option<(Transaction, usize)> = None;
        loop {
            let planned = next_batch(&mut sheet, &mut planner, batching.change_rows.max(1))?;
            if planned.is_empty() {
                break;
            }
            let (ops, new) =
                self.check_batch(planned, &mut known, &mut groups, &mut tally, false)?;
            if !ops.is_empty() {
                let (tx, rows) = match &mut open {
                    Some(open) => open,
                    None => open.insert((
                        Transaction::new_unchecked(self.conn(), TransactionBehavior::Immediate)?,
                        0,
                    )),
                };
                // Checked for duplicates afterwards, in chunks of many batches.
                oplog::append_local(tx, &self.vocab, &self.author, ops, When::Later)?;
                *rows += new.len();
                persons += new.len() as u64;
                changes += 1;
                if batching.is_commit(*rows, persons) {
                    open.take().map(|(tx, _)| tx.commit()).transpose()?;
                }
            }
            created.extend(new);
            progress(Progress::new(STAGE, tally.rows, total));
        }
        open.take().map(|(tx, _)| tx.commit()).transpose()?;
        Ok(IntakeReport {
            file: file.display().to_string(),
            sheet: sheet.name.clone(),
            columns: resolved.columns.clone(),
            rows: tally.rows,
            imported: tally.new,
            already_present: tally.present,
            refused_count: tally.refused_count,
            refused: tally.refused,
            created,
            changes,
            elapsed_ms: started.elapsed().as_millis() as u64,
            unchecked: self.duplicates_unchecked()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Batching;

    #[test]
    fn a_commit_holds_its_rows_and_grows_with_the_store() {
        let batching = Batching::default();
        // An empty store: every 100 000 new persons.
        assert!(!batching.is_commit(99_999, 99_999));
        assert!(batching.is_commit(100_000, 100_000));
        // A million before the intake: a quarter of that.
        assert!(!batching.is_commit(200_000, 1_200_000));
        assert!(batching.is_commit(250_000, 1_250_000));
        let fixed = Batching {
            commit_share: 0.0,
            ..batching
        };
        assert!(fixed.is_commit(100_000, 1_100_000));
    }
}
