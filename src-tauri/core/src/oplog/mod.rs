//! The op log: every create, update and delete is an op inside a [`Change`], appended to
//! the `changes` table and applied by [`apply::materialise`], the only code that writes
//! the materialised tables. `rebuild` replays the log into an identical state and
//! `digest` hashes the logical state, so two stores can be compared.

pub(crate) mod apply;
pub mod change;
pub mod created;
pub mod derive;
pub mod digest;
pub mod duplicates;
pub mod index;
pub mod log;
pub mod messages;
pub mod state;
pub mod timeline;

pub use apply::{Effects, FieldUpdate, RecordRef};
pub use change::{Change, Hash, Op, VersionVector, ZERO_HASH};
pub use log::{head, version_vector, ChangeState};

use derive::Touched;

use crate::domain::vocab::Vocabularies;
use crate::error::Result;
use crate::hlc::{self, Hlc};
use crate::store::{meta, set_meta};
use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;

/// Who writes local changes: this store's device and its current user.
#[derive(Debug, Clone)]
pub struct Author {
    pub device: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Committed {
    pub device: Uuid,
    pub seq: u64,
    pub hlc: u64,
    pub ops: usize,
    #[serde(skip)]
    pub effects: Effects,
}

/// This store's hybrid logical clock.
pub(crate) fn local_clock(conn: &Connection) -> Result<Hlc> {
    Ok(Hlc(meta(conn, "hlc")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)))
}

pub(crate) fn set_local_clock(conn: &Connection, clock: Hlc) -> Result<()> {
    crate::fault::tick()?;
    set_meta(conn, "hlc", &clock.0.to_string())
}

/// Appends a local change made of `ops` and applies it, with the derived state it
/// touches, in one transaction. This is the write path of every local create, edit and
/// delete.
pub fn commit_local(
    conn: &mut Connection,
    vocab: &Vocabularies,
    author: &Author,
    ops: Vec<Op>,
) -> Result<Committed> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let committed = append_local(&tx, vocab, author, ops, derive::When::Now)?;
    tx.commit()?;
    Ok(committed)
}

/// Appends a local change and applies it inside the caller's transaction, which may
/// hold several: a spreadsheet intake commits many batches at once, and leaves their
/// persons' duplicate candidates for [`derive::check_pending`].
pub(crate) fn append_local(
    tx: &Connection,
    vocab: &Vocabularies,
    author: &Author,
    ops: Vec<Op>,
    when: derive::When,
) -> Result<Committed> {
    let (last_seq, prev) = head(tx, &author.device)?;
    let mut deps = version_vector(tx)?;
    deps.remove(&author.device);
    let clock = hlc::tick(local_clock(tx)?, hlc::wall_millis());
    set_local_clock(tx, clock)?;
    let change = Change {
        v: change::CHANGE_FORMAT,
        device: author.device,
        seq: last_seq + 1,
        prev,
        hlc: clock.0,
        author: author.name.clone(),
        deps,
        ops,
    };
    let bytes = change.encode();
    let mut effects = Effects::default();
    let mut touched = Touched::default();
    apply::materialise(tx, &change, &mut effects, &mut touched)?;
    record_applied(tx, &change, &change::hash(&bytes), &bytes, None)?;
    derive::refresh(tx, vocab, touched, when)?;
    Ok(Committed {
        device: change.device,
        seq: change.seq,
        hlc: change.hlc,
        ops: change.ops.len(),
        effects,
    })
}

/// Stores an applied change and advances its device's head.
pub(crate) fn record_applied(
    conn: &Connection,
    change: &Change,
    hash: &Hash,
    bytes: &[u8],
    bundle: Option<&str>,
) -> Result<()> {
    let order = log::next_applied_order(conn)?;
    log::insert_applied(conn, change, hash, &log::pack(bytes), bundle, order)?;
    log::set_origin(conn, &change.device, change.seq, hash)
}

/// Tables whose whole content is derived from the applied changes.
pub fn derived_tables() -> Vec<&'static str> {
    let mut tables = vec![
        "field_state",
        "field_conflicts",
        "link_state",
        "change_entities",
        "origins",
    ];
    tables.extend(crate::domain::Kind::ALL.iter().map(|k| k.spec().table));
    tables.extend(derive::TABLES);
    tables
}

/// Clears every derived table and replays the applied changes into them, in this
/// store's apply order, then recomputes the derived state. Changes whose causal
/// predecessors are no longer applied (after a revocation) become pending again.
pub(crate) fn replay(
    conn: &Connection,
    vocab: &Vocabularies,
    effects: &mut Effects,
) -> Result<(u64, u64)> {
    for table in derived_tables() {
        crate::fault::tick()?;
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let (mut changes, mut ops) = (0u64, 0u64);
    let mut vv = VersionVector::new();
    let mut touched = Touched::default();
    for stored in log::applied_in_order(conn)? {
        let change = Change::decode(&stored.bytes)?;
        let hash = change::hash(&stored.bytes);
        if hash != stored.hash {
            return Err(crate::error::Error::crypto(messages::log_damaged(
                change.device,
                change.seq,
            )));
        }
        let ready = vv.get(&change.device).copied().unwrap_or(0) + 1 == change.seq
            && change
                .deps
                .iter()
                .all(|(d, s)| vv.get(d).copied().unwrap_or(0) >= *s);
        if !ready {
            log::set_state(conn, &change.device, change.seq, ChangeState::Pending)?;
            continue;
        }
        apply::materialise(conn, &change, effects, &mut touched)?;
        log::set_origin(conn, &change.device, change.seq, &hash)?;
        vv.insert(change.device, change.seq);
        changes += 1;
        ops += change.ops.len() as u64;
    }
    derive::all(conn, vocab)?;
    Ok((changes, ops))
}

#[derive(Debug, Clone, Serialize)]
pub struct Rebuilt {
    pub changes: u64,
    pub ops: u64,
    /// Stored chain heads dropped because they no longer verified.
    pub heads_dropped: u64,
    pub digest_before: String,
    pub digest_after: String,
}

/// Recomputes every materialised table from the log, replaying applied changes in the
/// order this store applied them (any causal order gives the same state).
pub fn rebuild(conn: &mut Connection, vocab: &Vocabularies) -> Result<Rebuilt> {
    let digest_before = digest::digest(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (changes, ops) = replay(&tx, vocab, &mut Effects::default())?;
    tx.commit()?;
    let digest_after = digest::digest(conn)?;
    Ok(Rebuilt {
        changes,
        ops,
        heads_dropped: 0,
        digest_before,
        digest_after,
    })
}
