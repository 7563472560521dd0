//! The op log: every create, update and delete is an op inside a [`Change`], appended to
//! the `changes` table and applied by [`apply::materialise`], the only code that writes
//! the materialised tables. `rebuild` replays the log into an identical state and
//! `digest` hashes the logical state, so two stores can be compared.

pub(crate) mod apply;
pub mod change;
pub mod digest;

pub use apply::{Effects, FieldUpdate, RecordRef};
pub use change::{Change, Hash, Op, VersionVector, ZERO_HASH};

use crate::error::Result;
use crate::fault::tick;
use crate::hlc::{self, Hlc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;

// Queries for waiting or held changes say `state <> 1 AND state = N`: the extra term
// lets SQLite use the partial index `changes_waiting` instead of scanning the log.
pub const STATE_PENDING: i64 = 0;
pub const STATE_APPLIED: i64 = 1;
/// Held back: its device was revoked before it.
pub const STATE_HELD: i64 = 2;
/// Held back until its claimed time comes (see `sync::import`).
pub const STATE_CLOCK_AHEAD: i64 = 3;

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

pub fn version_vector(conn: &Connection) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT device, applied_seq FROM origins")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            apply::blob_uuid(r.get_ref(0)?.as_blob()?),
            r.get::<_, i64>(1)? as u64,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest applied sequence number of `device` and its hash (0 and zeros if none).
pub fn head(conn: &Connection, device: &Uuid) -> Result<(u64, Hash)> {
    let mut stmt =
        conn.prepare_cached("SELECT applied_seq, head FROM origins WHERE device = ?1")?;
    let row = stmt
        .query_row([&device.as_bytes()[..]], |r| {
            let seq: i64 = r.get(0)?;
            let head: Vec<u8> = r.get(1)?;
            Ok((seq as u64, head))
        })
        .optional()?;
    Ok(match row {
        Some((seq, bytes)) => {
            let mut h = ZERO_HASH;
            h.copy_from_slice(&bytes);
            (seq, h)
        }
        None => (0, ZERO_HASH),
    })
}

pub(crate) fn local_clock(conn: &Connection) -> Result<Hlc> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0))
        .optional()?;
    Ok(Hlc(v.and_then(|v| v.parse().ok()).unwrap_or(0)))
}

pub(crate) fn set_local_clock(conn: &Connection, clock: Hlc) -> Result<()> {
    tick()?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('hlc', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [clock.0.to_string()],
    )?;
    Ok(())
}

/// Appends a local change made of `ops` and applies it, in one transaction. This is the
/// write path of every local create, edit and delete.
pub fn commit_local(conn: &mut Connection, author: &Author, ops: Vec<Op>) -> Result<Committed> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (last_seq, prev) = head(&tx, &author.device)?;
    let mut deps = version_vector(&tx)?;
    deps.remove(&author.device);
    let clock = hlc::tick(local_clock(&tx)?, hlc::wall_millis());
    set_local_clock(&tx, clock)?;
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
    apply::materialise(&tx, &change, &mut effects)?;
    record_applied(&tx, &change, &change::hash(&bytes), &bytes, None)?;
    tx.commit()?;
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
    let order = next_applied_order(conn)?;
    insert_applied(conn, change, hash, bytes, bundle, order)?;
    set_origin(conn, &change.device, change.seq, hash)
}

/// The next position in this store's apply order.
pub(crate) fn next_applied_order(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(max(applied_order), 0) + 1 FROM changes WHERE applied_order IS NOT NULL",
    )?;
    tick()?;
    Ok(stmt.query_row([], |r| r.get(0))?)
}

/// Stores an applied change at `order` in the apply order, without touching `origins`:
/// an import advances each device's head once, at the end.
pub(crate) fn insert_applied(
    conn: &Connection,
    change: &Change,
    hash: &Hash,
    bytes: &[u8],
    bundle: Option<&str>,
    order: i64,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO changes (device, seq, hash, prev, hlc, author, bytes, state, applied_order, received_at, bundle)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10)
         ON CONFLICT (device, seq) DO UPDATE SET state = 1, applied_order = excluded.applied_order",
    )?;
    tick()?;
    stmt.execute(params![
        &change.device.as_bytes()[..],
        change.seq as i64,
        &hash[..],
        &change.prev[..],
        change.hlc as i64,
        change.author,
        bytes,
        order,
        hlc::wall_millis() as i64,
        bundle
    ])?;
    Ok(())
}

pub(crate) fn set_origin(conn: &Connection, device: &Uuid, seq: u64, hash: &Hash) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO origins (device, applied_seq, head) VALUES (?1, ?2, ?3)
         ON CONFLICT (device) DO UPDATE SET applied_seq = excluded.applied_seq, head = excluded.head",
    )?;
    tick()?;
    stmt.execute(params![&device.as_bytes()[..], seq as i64, &hash[..]])?;
    Ok(())
}

/// Tables whose whole content is derived from the applied changes.
pub fn derived_tables() -> Vec<&'static str> {
    let mut tables = vec![
        "field_state",
        "link_state",
        "name_keys",
        "change_entities",
        "origins",
    ];
    tables.extend(crate::domain::Kind::ALL.iter().map(|k| k.spec().table));
    tables
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
pub fn rebuild(conn: &mut Connection) -> Result<Rebuilt> {
    let digest_before = digest::digest(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for table in derived_tables() {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let (mut changes, mut ops) = (0u64, 0u64);
    {
        let mut stmt =
            tx.prepare("SELECT bytes, hash FROM changes WHERE state = 1 ORDER BY applied_order")?;
        let mut rows = stmt.query([])?;
        let mut effects = Effects::default();
        while let Some(row) = rows.next()? {
            let bytes: Vec<u8> = row.get(0)?;
            let stored: Vec<u8> = row.get(1)?;
            let change = Change::decode(&bytes)?;
            let hash = change::hash(&bytes);
            if hash[..] != stored[..] {
                return Err(crate::error::Error::Crypto(format!(
                    "change {}:{} in the log does not match its hash; the store is damaged",
                    change.device, change.seq
                )));
            }
            apply::materialise(&tx, &change, &mut effects)?;
            set_origin(&tx, &change.device, change.seq, &hash)?;
            changes += 1;
            ops += change.ops.len() as u64;
        }
    }
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
