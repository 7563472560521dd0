//! Where each change of a verified bundle goes, and the import's one transaction.

use super::causal::{self, Candidate, Candidates};
use super::quarantine;
use super::verify::{Incoming, Opened};
use crate::domain::vocab::Vocabularies;
use crate::error::Result;
use crate::fault::tick;
use crate::hlc::{self, Hlc};
use crate::oplog::derive::{self, Touched};
use crate::oplog::log::{self, ChangeState};
use crate::oplog::{self, Change, Effects, Hash};
use crate::sync::bundle::SignedHead;
use crate::sync::{heads, peers};
use crate::trust;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct ForkEvidence {
    pub device: Uuid,
    pub seq: u64,
    pub known_hash: String,
    pub other_hash: String,
    #[serde(skip)]
    pub other_bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct ImportReport {
    pub file: Option<String>,
    pub bundle_id: String,
    pub sender_device: String,
    /// The sender's office and role, from its certificate.
    pub sender_office: String,
    pub sender_role: String,
    /// The person using the sending device, as that device states it.
    pub sender_user: String,
    pub created_at: String,
    pub full: bool,
    pub dry_run: bool,
    pub already_imported: bool,
    pub file_bytes: u64,
    pub changes_in_bundle: u64,
    pub ops_in_bundle: u64,
    pub duplicates: u64,
    pub new_changes: u64,
    /// Changes applied by this import, including earlier waiting ones it unblocked.
    pub applied: u64,
    /// Changes (from any bundle) still waiting for their predecessors.
    pub waiting: u64,
    /// Changes from unknown or revoked devices, kept but not applied.
    pub held: u64,
    /// Changes that claim a clock more than a day ahead of every other device's: kept,
    /// and applied once that time comes.
    pub clock_ahead: u64,
    /// Held changes released because their device's certificate arrived or their
    /// claimed time came.
    pub released: u64,
    /// Changes that claimed to come from a device whose signature they did not carry,
    /// discarded when its certificate arrived.
    pub forged: u64,
    /// Changes un-applied because a revocation now excludes them.
    pub withdrawn: u64,
    pub attachments: u64,
    /// Pairs of persons that may be the same person, waiting for review after this
    /// import (see `nansen duplicates`); a preview counts those of the persons it brings,
    /// an import only those of persons already checked (`unchecked`).
    pub possible_duplicates: u64,
    /// Persons of the store still to be compared for duplicates, this import's among them
    /// (`Nansen::check_duplicates`).
    pub unchecked: u64,
    pub new_devices: Vec<String>,
    pub new_revocations: Vec<String>,
    pub effects: Effects,
    /// Labels of the records in `effects`, by id.
    pub labels: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

pub enum Outcome {
    Done(ImportReport),
    Fork(ImportReport, Vec<ForkEvidence>),
}

/// The newest clock this store has accepted from each device, to tell a change that
/// claims an implausible time: a change is held when it claims to be more than
/// [`hlc::MAX_CLAIM_AHEAD_MS`] ahead of this computer's clock *and* of every other
/// device's newest change. Comparing with the other devices keeps a store whose own
/// clock is wrong (a laptop back in 2000) from holding everything it receives.
pub(super) struct Clocks {
    now_ms: u64,
    by_device: HashMap<Uuid, u64>,
}

impl Clocks {
    fn load(conn: &Connection, now_ms: u64) -> Result<Clocks> {
        Ok(Clocks {
            now_ms,
            by_device: log::head_clocks(conn)?
                .into_iter()
                .map(|(d, hlc)| (d, Hlc(hlc).millis()))
                .collect(),
        })
    }

    fn note(&mut self, device: Uuid, hlc: u64) {
        let e = self.by_device.entry(device).or_default();
        *e = (*e).max(Hlc(hlc).millis());
    }

    pub(super) fn is_ahead(&self, device: &Uuid, hlc: u64) -> bool {
        let others = self
            .by_device
            .iter()
            .filter(|(d, _)| *d != device)
            .map(|(_, ms)| *ms)
            .max()
            .unwrap_or(0);
        Hlc(hlc).millis() > self.now_ms.max(others) + hlc::MAX_CLAIM_AHEAD_MS
    }
}

/// Sorts incoming verified changes into duplicates, forks, held and candidates.
pub(super) struct Intake<'c> {
    conn: &'c Connection,
    pub(super) clocks: Clocks,
    known: HashMap<(Uuid, u64), Hash>,
    lines: HashMap<Uuid, Option<Option<u64>>>,
    pub(super) candidates: Candidates,
    held: Vec<(Incoming, ChangeState)>,
    duplicates: u64,
    new_changes: u64,
    held_revoked: u64,
    clock_ahead: u64,
}

impl<'c> Intake<'c> {
    pub(super) fn new(conn: &'c Connection, now_ms: u64) -> Result<Intake<'c>> {
        Ok(Intake {
            conn,
            clocks: Clocks::load(conn, now_ms)?,
            known: HashMap::new(),
            lines: HashMap::new(),
            candidates: HashMap::new(),
            held: Vec::new(),
            duplicates: 0,
            new_changes: 0,
            held_revoked: 0,
            clock_ahead: 0,
        })
    }

    /// What this store holds of `device` between `from` and `to`, read once.
    fn load_known(&mut self, device: Uuid, from: u64, to: u64) -> Result<()> {
        for (seq, hash) in log::hashes_between(self.conn, &device, from.saturating_sub(1), to)? {
            self.known.entry((device, seq)).or_insert(hash);
        }
        Ok(())
    }

    /// Takes changes of one device that a verified head vouches for. A change that
    /// contradicts one stored here is fork evidence, returned and not taken.
    pub(super) fn take_verified(
        &mut self,
        device: Uuid,
        changes: Vec<Incoming>,
        forks: &mut Vec<ForkEvidence>,
    ) -> Result<()> {
        let (Some(first), Some(last)) = (changes.first(), changes.last()) else {
            return Ok(());
        };
        self.load_known(device, first.change.seq, last.change.seq)?;
        let line = match self.lines.get(&device) {
            Some(l) => *l,
            None => *self
                .lines
                .entry(device)
                .or_insert(trust::trust_line(self.conn, &device)?),
        };
        for inc in changes {
            let c = &inc.change;
            match self.known.get(&(device, c.seq)) {
                Some(hash) if *hash == inc.hash => {
                    self.duplicates += 1;
                    continue;
                }
                Some(hash) => {
                    forks.push(fork(c, *hash, &inc));
                    continue;
                }
                None => {}
            }
            if c.seq > 1 {
                if let Some(h) = self.known.get(&(device, c.seq - 1)) {
                    if *h != c.prev {
                        forks.push(fork(c, *h, &inc));
                        continue;
                    }
                }
            }
            self.known.insert((device, c.seq), inc.hash);
            self.new_changes += 1;
            if !trust::accepts(line, c.seq) {
                self.held_revoked += 1;
                self.held.push((inc, ChangeState::Revoked));
            } else if self.clocks.is_ahead(&device, c.hlc) {
                self.clock_ahead += 1;
                self.held.push((inc, ChangeState::ClockAhead));
            } else {
                self.candidates.entry(device).or_default().insert(
                    c.seq,
                    Candidate {
                        change: inc.change,
                        bytes: inc.bytes,
                        packed: None,
                        hash: inc.hash,
                        stored: false,
                    },
                );
            }
        }
        Ok(())
    }

    pub(super) fn holds(&self, head: &SignedHead) -> bool {
        self.known.get(&(head.device, head.seq)) == Some(&head.hash)
    }
}

/// Applies an opened bundle inside the caller's transaction.
pub fn apply(
    conn: &Connection,
    vocab: &Vocabularies,
    opened: &mut Opened,
    dry_run: bool,
) -> Result<Outcome> {
    let m = &opened.manifest;
    let mut report = ImportReport {
        bundle_id: m.bundle_id.to_string(),
        sender_device: opened.sender.device.to_string(),
        sender_office: opened.sender.office.clone(),
        sender_role: opened.sender.role.clone(),
        sender_user: opened.sender.user.clone(),
        created_at: m.created_at.clone(),
        full: m.full,
        dry_run,
        file_bytes: opened.file_bytes,
        changes_in_bundle: opened.changes(),
        ops_in_bundle: opened
            .runs
            .iter()
            .flat_map(|r| &r.changes)
            .map(|i| i.change.ops.len() as u64)
            .sum(),
        ..Default::default()
    };
    let seen = peers::imported_at(conn, &m.bundle_id.to_string())?
        .map(|ms| Hlc::from_parts(ms, 0).to_rfc3339());
    if let Some(when) = seen {
        report.already_imported = true;
        report.warnings.push(format!(
            "this bundle was already imported on {when}; nothing to do"
        ));
        return Ok(Outcome::Done(report));
    }

    let mut lifted = false;
    if let Some(dir) = &opened.directory {
        tick()?;
        let merge = trust::merge_directory(conn, dir)?;
        report.new_devices = merge.new_devices.iter().map(Uuid::to_string).collect();
        report.new_revocations = merge.new_revocations.iter().map(Uuid::to_string).collect();
        lifted = !merge.lifted.is_empty();
        if merge.rotated {
            report.warnings.push(
                "headquarters rotated the organisation key: this store now trusts the new key, and nothing signed only by the retired one. Every safety number has changed: compare this device's new number with headquarters by voice or in person (`nansen org`)".into(),
            );
        } else if merge.escrow_changed {
            report.warnings.push(
                "headquarters' escrow key changed (a newer statement signed by the organisation key arrived)".into(),
            );
        }
        if merge.sender_behind {
            report.warnings.push(
                "the sender has not yet received the organisation's new key: what its bundle says about devices was ignored".into(),
            );
        }
        if !merge.new_revocations.is_empty() {
            report.withdrawn = causal::enforce_revocations(conn, vocab, &mut report.effects)?;
        }
    }

    let bundle_id = m.bundle_id.to_string();
    let now = hlc::wall_millis();
    let mut intake = Intake::new(conn, now)?;
    let runs = std::mem::take(&mut opened.runs);
    let clocks: Vec<(Uuid, u64)> = runs
        .iter()
        .filter(|r| r.key.is_some())
        .flat_map(|r| r.changes.iter().map(|i| (i.change.device, i.change.hlc)))
        .collect();
    for (device, hlc) in &clocks {
        intake.clocks.note(*device, *hlc);
    }
    let mut forks = Vec::new();
    let mut verified_heads = Vec::new();
    for run in runs {
        match run.key {
            Some(key) => {
                intake.take_verified(run.device, run.changes, &mut forks)?;
                verified_heads.push((run.head, key));
            }
            None => {
                report.held += quarantine::keep(conn, run, &bundle_id, &opened.sender.device, now)?;
            }
        }
    }
    if !forks.is_empty() {
        return Ok(Outcome::Fork(report, forks));
    }
    for (head, key) in &verified_heads {
        if intake.holds(head) {
            heads::store(conn, head, key)?;
        }
    }
    let released = quarantine::release(conn, &mut intake, &mut report)?;
    report.released = released + causal::release_due(conn, &mut intake)?;
    if lifted {
        report.released += causal::release_lifted(conn, &mut intake)?;
    }
    for (inc, state) in std::mem::take(&mut intake.held) {
        log::insert_unapplied(
            conn,
            &inc.change,
            &inc.hash,
            &log::pack(&inc.bytes),
            state,
            &bundle_id,
        )?;
    }
    report.duplicates = intake.duplicates;
    report.new_changes = intake.new_changes;
    report.held += intake.held_revoked;
    report.clock_ahead = intake.clock_ahead;
    let mut candidates = std::mem::take(&mut intake.candidates);
    causal::pack_new(&mut candidates);
    causal::load_waiting(conn, &mut candidates)?;
    let mut touched = Touched::default();
    report.applied = causal::apply_ready(
        conn,
        &mut candidates,
        &mut report.effects,
        &mut touched,
        Some(&bundle_id),
    )?;
    causal::store_blocked(conn, candidates, &bundle_id)?;
    // The persons a bundle brings are compared for duplicates after it, as a
    // spreadsheet's are: the import's cost stays that of its writes.
    derive::refresh(conn, vocab, touched, derive::When::Later)?;
    report.waiting = log::count_in_state(conn, ChangeState::Pending)?;

    // The clock: merge the newest remote timestamp unless it is implausibly far ahead.
    let mut clock = oplog::local_clock(conn)?;
    let mut ahead: BTreeMap<Uuid, u64> = BTreeMap::new();
    for (device, hlc) in clocks {
        let (merged, skew) = hlc::observe(clock, Hlc(hlc), now);
        clock = merged;
        if let Some(ms) = skew {
            let e = ahead.entry(device).or_default();
            *e = (*e).max(ms);
        }
    }
    oplog::set_local_clock(conn, clock)?;
    for (device, ms) in ahead {
        report.warnings.push(if report.clock_ahead > 0 {
            format!(
                "the clock of device {device} is {} ahead of this computer's and of every other office's; its changes are kept and will be applied when that time comes. Check the date on that laptop (or on this one)",
                human_duration(ms)
            )
        } else {
            format!(
                "the clock of device {device} is {} ahead of this computer's; its changes were accepted, but its date should be checked",
                human_duration(ms)
            )
        });
    }
    report.attachments = opened.attachments.len() as u64;
    peers::record_received(
        conn,
        m,
        &opened.sender.office,
        report.changes_in_bundle,
        report.new_changes,
    )?;
    Ok(Outcome::Done(report))
}

pub(super) fn fork(c: &Change, known: Hash, inc: &Incoming) -> ForkEvidence {
    ForkEvidence {
        device: c.device,
        seq: c.seq,
        known_hash: hex::encode(known),
        other_hash: hex::encode(inc.hash),
        other_bytes: inc.bytes.clone(),
    }
}

fn human_duration(ms: u64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        0..=119 => format!("{minutes} minutes"),
        120..=2879 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}
