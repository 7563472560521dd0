//! Applying what is ready, in causal order; revocations that take changes back; changes
//! whose claimed time has come.

use super::intake::Intake;
use crate::error::{Error, Result};

use crate::domain::vocab::Vocabularies;
use crate::hlc;
use crate::oplog::derive::{self, Touched};
use crate::oplog::log::{self, ChangeState};
use crate::oplog::{self, apply, Change, Effects, Hash, VersionVector};
use crate::sync::messages as m;
use rusqlite::{Connection, TransactionBehavior};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use uuid::Uuid;

/// A verified change that may be applied once its predecessors are.
pub(super) struct Candidate {
    pub change: Change,
    pub bytes: Vec<u8>,
    /// The bytes packed for the log ahead of time ([`pack_new`]).
    pub packed: Option<Vec<u8>>,
    pub hash: Hash,
    /// Already in the `changes` table (pending, or released from being held).
    pub stored: bool,
}

impl Candidate {
    /// The bytes as the log keeps them. A change already stored is only moved into the
    /// apply order: its bytes are not written again, so they are not packed again.
    fn packed(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.packed {
            Some(p) => p.as_slice().into(),
            None if self.stored => self.bytes.as_slice().into(),
            None => log::pack(&self.bytes),
        }
    }

    /// A change already in the `changes` table.
    fn stored(change: Change, stored: log::Stored) -> Candidate {
        Candidate {
            change,
            bytes: stored.bytes,
            packed: None,
            hash: stored.hash,
            stored: true,
        }
    }
}

pub(super) type Candidates = HashMap<Uuid, BTreeMap<u64, Candidate>>;

/// Packs the new candidates for the log on every core: compressing a change costs as
/// much as decoding it, and none depends on another.
pub(super) fn pack_new(candidates: &mut Candidates) {
    let new: Vec<&mut Candidate> = candidates
        .values_mut()
        .flat_map(BTreeMap::values_mut)
        .filter(|c| !c.stored)
        .collect();
    let packed = super::map_on_cores(&new, super::cores(), |c| log::pack(&c.bytes).into_owned());
    for (c, p) in new.into_iter().zip(packed) {
        c.packed = Some(p);
    }
}

/// Applies changes whose claimed time has come, and whatever was waiting on them: run
/// when a store is opened, so they do not wait for the next import.
pub fn apply_due(conn: &mut Connection, vocab: &Vocabularies) -> Result<u64> {
    if log::count_in_state(conn, ChangeState::ClockAhead)? == 0 {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut intake = Intake::new(&tx, hlc::wall_millis())?;
    if release_due(&tx, &mut intake)? == 0 {
        return Ok(0);
    }
    let mut candidates = std::mem::take(&mut intake.candidates);
    load_waiting(&tx, &mut candidates)?;
    let mut touched = Touched::default();
    let applied = apply_ready(
        &tx,
        &mut candidates,
        &mut Effects::default(),
        &mut touched,
        None,
    )?;
    store_blocked(&tx, candidates, "")?;
    derive::refresh(&tx, vocab, touched, derive::When::Now)?;
    tx.commit()?;
    Ok(applied)
}

/// Held changes whose claimed time has come become candidates.
pub(super) fn release_due(conn: &Connection, intake: &mut Intake) -> Result<u64> {
    let mut released = 0;
    for stored in log::in_state(conn, ChangeState::ClockAhead)? {
        let change = Change::decode(&stored.bytes)?;
        if intake.clocks.is_ahead(&change.device, change.hlc) {
            continue;
        }
        log::set_state(conn, &change.device, change.seq, ChangeState::Pending)?;
        released += 1;
        let (device, seq) = (change.device, change.seq);
        intake
            .candidates
            .entry(device)
            .or_default()
            .insert(seq, Candidate::stored(change, stored));
    }
    Ok(released)
}

/// Changes held back by a revocation that no longer holds (a rotation's directory
/// replaced one signed only by the retired key) become candidates.
pub(super) fn release_lifted(conn: &Connection, intake: &mut Intake) -> Result<u64> {
    let mut released = 0;
    for stored in log::in_state(conn, ChangeState::Revoked)? {
        let change = Change::decode(&stored.bytes)?;
        if !crate::trust::trusts(conn, &change.device, change.seq)? {
            continue;
        }
        log::set_state(conn, &change.device, change.seq, ChangeState::Pending)?;
        released += 1;
        let (device, seq) = (change.device, change.seq);
        intake
            .candidates
            .entry(device)
            .or_default()
            .insert(seq, Candidate::stored(change, stored));
    }
    Ok(released)
}

/// Stores the candidates that could not be applied yet, as pending.
pub(super) fn store_blocked(conn: &Connection, candidates: Candidates, bundle: &str) -> Result<()> {
    for cand in candidates.into_values().flat_map(BTreeMap::into_values) {
        if !cand.stored {
            log::insert_unapplied(
                conn,
                &cand.change,
                &cand.hash,
                &cand.packed(),
                ChangeState::Pending,
                bundle,
            )?;
        }
    }
    Ok(())
}

/// Adds changes that were already waiting here to the candidates.
pub(super) fn load_waiting(conn: &Connection, candidates: &mut Candidates) -> Result<()> {
    for stored in log::in_state(conn, ChangeState::Pending)? {
        let change = Change::decode(&stored.bytes)?;
        let (device, seq) = (change.device, change.seq);
        candidates
            .entry(device)
            .or_default()
            .insert(seq, Candidate::stored(change, stored));
    }
    Ok(())
}

/// Applies every candidate whose causal predecessors are present, in causal order.
/// Candidates that stay blocked are left in the map.
pub(super) fn apply_ready(
    conn: &Connection,
    candidates: &mut Candidates,
    effects: &mut Effects,
    touched: &mut Touched,
    bundle: Option<&str>,
) -> Result<u64> {
    let mut vv: VersionVector = log::version_vector(conn)?;
    let mut heads: HashMap<Uuid, Hash> = HashMap::new();
    let mut waiting_on: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut order = log::next_applied_order(conn)?;
    let mut applied = 0;
    // Among the changes that are ready, the oldest (by clock) goes first. Any causal
    // order gives the same state; this one interleaves devices as the changes were
    // made, so time-ordered record ids mostly append to the tables instead of
    // splitting their pages.
    let next_of = |candidates: &Candidates, vv: &VersionVector, device: &Uuid| {
        let next = vv.get(device).copied().unwrap_or(0) + 1;
        candidates
            .get(device)
            .and_then(|c| c.get(&next))
            .map(|c| Reverse((c.change.hlc, *device)))
    };
    let mut heap: BinaryHeap<Reverse<(u64, Uuid)>> = candidates
        .keys()
        .filter_map(|d| next_of(candidates, &vv, d))
        .collect();
    while let Some(Reverse((_, device))) = heap.pop() {
        let next = vv.get(&device).copied().unwrap_or(0) + 1;
        let Some(by_seq) = candidates.get_mut(&device) else {
            continue;
        };
        let Some(cand) = by_seq.get(&next) else {
            continue;
        };
        if let Some((dep, _)) = cand
            .change
            .deps
            .iter()
            .find(|(d, s)| vv.get(*d).copied().unwrap_or(0) < **s)
        {
            waiting_on.entry(*dep).or_default().push(device);
            continue;
        }
        let head = match heads.get(&device) {
            Some(h) => *h,
            None => log::head(conn, &device)?.1,
        };
        if cand.change.prev != head {
            return Err(Error::rejected(m::does_not_follow(device, next)));
        }
        let cand = by_seq.remove(&next).expect("present");
        apply::materialise(conn, &cand.change, effects, touched)?;
        log::insert_applied(
            conn,
            &cand.change,
            &cand.hash,
            &cand.packed(),
            bundle,
            order,
        )?;
        order += 1;
        vv.insert(device, next);
        heads.insert(device, cand.hash);
        applied += 1;
        heap.extend(next_of(candidates, &vv, &device));
        for waiter in waiting_on.remove(&device).unwrap_or_default() {
            heap.extend(next_of(candidates, &vv, &waiter));
        }
    }
    for (device, hash) in &heads {
        log::set_origin(conn, device, vv[device], hash)?;
    }
    candidates.retain(|_, by_seq| !by_seq.is_empty());
    Ok(applied)
}

/// Takes back applied changes that a revocation now excludes, and everything that
/// depended on them, by replaying the log without them (which recomputes the derived
/// state too). Returns how many were withdrawn.
pub(super) fn enforce_revocations(
    conn: &Connection,
    vocab: &Vocabularies,
    effects: &mut Effects,
) -> Result<u64> {
    let lines: Vec<(Uuid, u64)> = crate::trust::known_devices(conn)?
        .into_iter()
        .filter_map(|d| d.revoked_through.map(|through| (d.device, through)))
        .collect();
    let withdrawn = log::withdraw_revoked(conn, &lines)?;
    if withdrawn > 0 {
        oplog::replay(conn, vocab, effects)?;
    }
    Ok(withdrawn)
}
