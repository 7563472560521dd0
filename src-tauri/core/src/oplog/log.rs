//! The op log's tables, `changes` and `origins`, and every query against them. No other
//! module writes SQL against these two tables (a test greps for it); they ask here.
//!
//! `changes` holds every change this store has accepted, applied or not, as the exact
//! bytes its device hashed; `origins` is the version vector (per device, the highest
//! contiguously applied seq and its hash), derived from the applied changes.

use super::change::{Change, Hash, VersionVector, ZERO_HASH};
use crate::error::Result;
use crate::fault::tick;
use crate::hlc;
use crate::ids::blob_uuid;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use uuid::Uuid;

/// Where a stored change stands. Queries for the non-applied states say
/// `state <> 1 AND state = ?`: the extra term lets SQLite use the partial index
/// `changes_waiting` instead of scanning the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeState {
    /// Waits for its causal predecessors.
    Pending,
    Applied,
    /// Held back: its device was revoked before it.
    Revoked,
    /// Held back until its claimed time comes (see `sync::import`).
    ClockAhead,
}

impl ChangeState {
    fn code(self) -> i64 {
        match self {
            ChangeState::Pending => 0,
            ChangeState::Applied => 1,
            ChangeState::Revoked => 2,
            ChangeState::ClockAhead => 3,
        }
    }

    /// How the audit view names it.
    pub fn label(self) -> &'static str {
        match self {
            ChangeState::Pending => "waiting",
            ChangeState::Applied => "applied",
            ChangeState::Revoked | ChangeState::ClockAhead => "held",
        }
    }
}

impl ToSql for ChangeState {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for ChangeState {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_i64()? {
            0 => Ok(ChangeState::Pending),
            1 => Ok(ChangeState::Applied),
            2 => Ok(ChangeState::Revoked),
            3 => Ok(ChangeState::ClockAhead),
            n => Err(FromSqlError::OutOfRange(n)),
        }
    }
}

/// A change's bytes as stored: compressed with zstd when that saves space (a zstd
/// frame begins with its magic number, which no JSON text does), otherwise as they
/// are. Its hash is always of the exact uncompressed bytes. Half of a store was change
/// text, written once and read back only to rebuild, export or audit.
struct Packed(Vec<u8>);

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// More than any change a bundle may carry.
const MAX_UNPACKED: usize = 1 << 30;

thread_local! {
    /// One compression context per thread: making one costs more than compressing a
    /// change.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
    /// And one decompression context, for the same reason (an export or a rebuild
    /// reads every change).
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

pub(crate) fn pack(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.len() < 128 {
        return bytes.into();
    }
    let packed = COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = zstd::bulk::Compressor::new(1).ok();
        }
        c.as_mut()?.compress(bytes).ok()
    });
    match packed {
        Some(p) if p.len() < bytes.len() => p.into(),
        _ => bytes.into(),
    }
}

impl FromSql for Packed {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let stored = value.as_blob()?;
        if !stored.starts_with(&ZSTD_MAGIC) {
            return Ok(Packed(stored.to_vec()));
        }
        let size = zstd::zstd_safe::get_frame_content_size(stored)
            .ok()
            .flatten()
            .filter(|n| *n <= MAX_UNPACKED as u64)
            .ok_or(FromSqlError::InvalidType)?;
        DECOMPRESSOR
            .with(|slot| {
                let mut slot = slot.borrow_mut();
                let d = match slot.as_mut() {
                    Some(d) => d,
                    None => slot.insert(zstd::bulk::Decompressor::new()?),
                };
                d.decompress(stored, size as usize)
            })
            .map(Packed)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A change's exact bytes from what the `bytes` column holds (for tests that read the
/// table directly).
pub fn unpack(stored: &[u8]) -> Result<Vec<u8>> {
    Ok(Packed::column_result(ValueRef::Blob(stored))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
        })?
        .0)
}

fn hash_of(bytes: &[u8]) -> Hash {
    let mut h = ZERO_HASH;
    if bytes.len() == 32 {
        h.copy_from_slice(bytes);
    }
    h
}

/// A stored change's exact bytes and hash.
#[derive(Debug, Clone)]
pub struct Stored {
    pub bytes: Vec<u8>,
    pub hash: Hash,
}

impl Stored {
    fn from_row(r: &Row, bytes: usize, hash: usize) -> rusqlite::Result<Stored> {
        Ok(Stored {
            bytes: r.get::<_, Packed>(bytes)?.0,
            hash: hash_of(&r.get::<_, Vec<u8>>(hash)?),
        })
    }
}

/// What the audit and held-back views show of a stored change.
#[derive(Debug, Clone)]
pub struct Entry {
    pub device: Uuid,
    pub seq: u64,
    pub author: String,
    pub hlc: u64,
    pub received_at: u64,
    pub bundle: Option<String>,
    pub state: ChangeState,
    pub hash: Hash,
    pub bytes: Vec<u8>,
}

const ENTRY_COLUMNS: &str =
    "c.device, c.seq, c.author, c.hlc, c.received_at, c.bundle, c.state, c.hash, c.bytes";

impl Entry {
    fn from_row(r: &Row) -> rusqlite::Result<Entry> {
        Ok(Entry {
            device: blob_uuid(r.get_ref(0)?.as_blob()?),
            seq: r.get::<_, i64>(1)? as u64,
            author: r.get(2)?,
            hlc: r.get::<_, i64>(3)? as u64,
            received_at: r.get::<_, i64>(4)? as u64,
            bundle: r.get(5)?,
            state: r.get(6)?,
            hash: hash_of(&r.get::<_, Vec<u8>>(7)?),
            bytes: r.get::<_, Packed>(8)?.0,
        })
    }
}

// ---- origins: the version vector ------------------------------------------------

pub fn version_vector(conn: &Connection) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT device, applied_seq FROM origins")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            blob_uuid(r.get_ref(0)?.as_blob()?),
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
            Ok((
                r.get::<_, i64>(0)? as u64,
                hash_of(&r.get::<_, Vec<u8>>(1)?),
            ))
        })
        .optional()?;
    Ok(row.unwrap_or((0, ZERO_HASH)))
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

/// Per device, the clock of its newest applied change.
pub fn head_clocks(conn: &Connection) -> Result<Vec<(Uuid, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.device, c.hlc FROM origins o JOIN changes c ON c.device = o.device AND c.seq = o.applied_seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            blob_uuid(r.get_ref(0)?.as_blob()?),
            r.get::<_, i64>(1)? as u64,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- changes: writing -----------------------------------------------------------

/// The next position in this store's apply order.
pub(crate) fn next_applied_order(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(max(applied_order), 0) + 1 FROM changes WHERE applied_order IS NOT NULL",
    )?;
    tick()?;
    Ok(stmt.query_row([], |r| r.get(0))?)
}

/// Stores an applied change at `order` in the apply order, without touching `origins`:
/// an import advances each device's head once, at the end. `packed` is the change's
/// bytes as [`pack`] leaves them (bytes not packed are kept as they are).
pub(crate) fn insert_applied(
    conn: &Connection,
    change: &Change,
    hash: &Hash,
    packed: &[u8],
    bundle: Option<&str>,
    order: i64,
) -> Result<()> {
    insert(
        conn,
        change,
        hash,
        packed,
        ChangeState::Applied,
        Some(order),
        bundle,
    )
}

/// Stores a change that is not applied (yet): pending, or held back. A change already
/// stored stays as it is. `packed` as for [`insert_applied`].
pub(crate) fn insert_unapplied(
    conn: &Connection,
    change: &Change,
    hash: &Hash,
    packed: &[u8],
    state: ChangeState,
    bundle: &str,
) -> Result<()> {
    insert(conn, change, hash, packed, state, None, Some(bundle))
}

fn insert(
    conn: &Connection,
    change: &Change,
    hash: &Hash,
    packed: &[u8],
    state: ChangeState,
    order: Option<i64>,
    bundle: Option<&str>,
) -> Result<()> {
    // Applying a stored (pending or released) change only moves it into the order.
    let mut stmt = conn.prepare_cached(
        "INSERT INTO changes (device, seq, hash, prev, hlc, author, bytes, state, applied_order, received_at, bundle)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (device, seq) DO UPDATE SET state = excluded.state, applied_order = excluded.applied_order
         WHERE excluded.state = 1",
    )?;
    tick()?;
    stmt.execute(params![
        &change.device.as_bytes()[..],
        change.seq as i64,
        &hash[..],
        &change.prev[..],
        change.hlc as i64,
        change.author,
        packed,
        state,
        order,
        hlc::wall_millis() as i64,
        bundle
    ])?;
    Ok(())
}

/// Moves a stored change to another unapplied state (its place in the apply order, if
/// it had one, is given up).
pub(crate) fn set_state(
    conn: &Connection,
    device: &Uuid,
    seq: u64,
    state: ChangeState,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE changes SET state = ?3, applied_order = NULL WHERE device = ?1 AND seq = ?2",
    )?;
    tick()?;
    stmt.execute(params![&device.as_bytes()[..], seq as i64, state])?;
    Ok(())
}

/// Holds back every pending, applied or future change of each revoked device beyond
/// its revocation line (`device`, last seq accepted). Returns how many were withdrawn.
pub(crate) fn withdraw_revoked(conn: &Connection, lines: &[(Uuid, u64)]) -> Result<u64> {
    let mut stmt = conn.prepare_cached(
        "UPDATE changes SET state = 2, applied_order = NULL
         WHERE device = ?1 AND seq > ?2 AND state IN (0, 1, 3)",
    )?;
    let mut withdrawn = 0;
    for (device, through) in lines {
        tick()?;
        withdrawn += stmt.execute(params![&device.as_bytes()[..], *through as i64])? as u64;
    }
    Ok(withdrawn)
}

// ---- changes: reading -----------------------------------------------------------

/// The stored hashes of `device` from `from` to `to` (every state).
pub fn hashes_between(
    conn: &Connection,
    device: &Uuid,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, Hash)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, hash FROM changes WHERE device = ?1 AND seq BETWEEN ?2 AND ?3",
    )?;
    tick()?;
    let rows = stmt.query_map(
        params![&device.as_bytes()[..], from as i64, to as i64],
        |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                hash_of(&r.get::<_, Vec<u8>>(1)?),
            ))
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn stored_hash(conn: &Connection, device: &Uuid, seq: u64) -> Result<Option<Hash>> {
    Ok(hashes_between(conn, device, seq, seq)?
        .first()
        .map(|(_, h)| *h))
}

/// The exact bytes of a stored change.
pub fn bytes_of(conn: &Connection, device: &Uuid, seq: u64) -> Result<Option<Vec<u8>>> {
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM changes WHERE device = ?1 AND seq = ?2")?;
    Ok(stmt
        .query_row(params![&device.as_bytes()[..], seq as i64], |r| {
            Ok(r.get::<_, Packed>(0)?.0)
        })
        .optional()?)
}

/// The bytes of `device`'s changes from `from` to `to`, in order.
pub fn bytes_between(conn: &Connection, device: &Uuid, from: u64, to: u64) -> Result<Vec<Vec<u8>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bytes FROM changes WHERE device = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    let rows = stmt.query_map(
        params![&device.as_bytes()[..], from as i64, to as i64],
        |r| Ok(r.get::<_, Packed>(0)?.0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn state_of(conn: &Connection, device: &Uuid, seq: u64) -> Result<Option<ChangeState>> {
    let mut stmt =
        conn.prepare_cached("SELECT state FROM changes WHERE device = ?1 AND seq = ?2")?;
    Ok(stmt
        .query_row(params![&device.as_bytes()[..], seq as i64], |r| r.get(0))
        .optional()?)
}

/// The author and clock of a stored change.
pub fn author_and_clock(
    conn: &Connection,
    device: &Uuid,
    seq: u64,
) -> Result<Option<(String, u64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT author, hlc FROM changes WHERE device = ?1 AND seq = ?2")?;
    Ok(stmt
        .query_row(params![&device.as_bytes()[..], seq as i64], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })
        .optional()?)
}

/// The changes in a non-applied state.
pub(crate) fn in_state(conn: &Connection, state: ChangeState) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bytes, hash FROM changes WHERE state <> 1 AND state = ?1 ORDER BY device, seq",
    )?;
    tick()?;
    let rows = stmt.query_map([state], |r| Stored::from_row(r, 0, 1))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_in_state(conn: &Connection, state: ChangeState) -> Result<u64> {
    let mut stmt =
        conn.prepare_cached("SELECT count(*) FROM changes WHERE state <> 1 AND state = ?1")?;
    Ok(stmt.query_row([state], |r| r.get::<_, i64>(0))? as u64)
}

/// The held-back changes (revoked device, or a clock ahead), for the held-back view.
pub fn held(conn: &Connection) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM changes c WHERE c.state <> 1 AND c.state IN (2, 3) ORDER BY c.device, c.seq"
    ))?;
    let rows = stmt.query_map([], Entry::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Applied changes in this store's apply order (what `rebuild` replays).
pub(crate) fn applied_in_order(conn: &Connection) -> Result<Vec<Stored>> {
    let mut stmt =
        conn.prepare("SELECT bytes, hash FROM changes WHERE state = 1 ORDER BY applied_order")?;
    let rows = stmt.query_map([], |r| Stored::from_row(r, 0, 1))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Each device with stored changes.
pub fn devices(conn: &Connection) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare("SELECT DISTINCT device FROM changes ORDER BY device")?;
    let rows = stmt.query_map([], |r| Ok(blob_uuid(r.get_ref(0)?.as_blob()?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every stored change of one device, seq ascending: (seq, bytes, stored hash).
pub fn chain(conn: &Connection, device: &Uuid) -> Result<Vec<(u64, Stored)>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, bytes, hash FROM changes WHERE device = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([&device.as_bytes()[..]], |r| {
        Ok((r.get::<_, i64>(0)? as u64, Stored::from_row(r, 1, 2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The devices with changes to send: applied, pending, or held for their clock.
pub fn sendable_devices(conn: &Connection) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare(
        "SELECT device FROM origins UNION SELECT DISTINCT device FROM changes WHERE state <> 1 AND state IN (0, 3)",
    )?;
    let rows = stmt.query_map([], |r| Ok(blob_uuid(r.get_ref(0)?.as_blob()?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest seq `to` such that `device`'s sendable changes `from..=to` are all here.
pub fn contiguous_sendable(conn: &Connection, device: &Uuid, from: u64) -> Result<u64> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq FROM changes WHERE device = ?1 AND seq >= ?2 AND state IN (0, 1, 3) ORDER BY seq",
    )?;
    let seqs = stmt.query_map(params![&device.as_bytes()[..], from as i64], |r| {
        r.get::<_, i64>(0)
    })?;
    let mut to = from - 1;
    for s in seqs {
        if s? as u64 != to + 1 {
            break;
        }
        to += 1;
    }
    Ok(to)
}

/// A page of the changes that touched a record, newest (by the author's clock) first,
/// starting below `before` (a clock and a row id from the page before).
pub fn of_entity(
    conn: &Connection,
    entity: &Uuid,
    before: Option<(u64, i64)>,
    limit: usize,
) -> Result<Vec<(i64, Entry)>> {
    let (hlc, row) = before.unwrap_or((u64::MAX >> 1, i64::MAX));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS}, c.rowid FROM change_entities e JOIN changes c ON c.device = e.device AND c.seq = e.seq
         WHERE e.entity = ?1 AND (c.hlc, c.rowid) < (?2, ?3) ORDER BY c.hlc DESC, c.rowid DESC LIMIT ?4"
    ))?;
    let rows = stmt.query_map(
        params![entity.to_string(), hlc as i64, row, limit as i64],
        |r| Ok((r.get(9)?, Entry::from_row(r)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_of_entity(conn: &Connection, entity: &Uuid) -> Result<u64> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM change_entities WHERE entity = ?1")?;
    Ok(stmt.query_row([entity.to_string()], |r| r.get::<_, i64>(0))? as u64)
}

/// A page of the changes this store holds, latest stored first, below row `before`.
pub fn recent(conn: &Connection, before: Option<i64>, limit: usize) -> Result<Vec<(i64, Entry)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS}, c.rowid FROM changes c WHERE c.rowid < ?1 ORDER BY c.rowid DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), limit as i64], |r| {
        Ok((r.get(9)?, Entry::from_row(r)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_all(conn: &Connection) -> Result<u64> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM changes")?;
    Ok(stmt.query_row([], |r| r.get::<_, i64>(0))? as u64)
}

/// (clock, author, device) of every change that touched a record, oldest first.
pub fn touches(conn: &Connection, entity: &Uuid) -> Result<Vec<(u64, String, Uuid)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.hlc, c.author, c.device FROM change_entities e
         JOIN changes c ON c.device = e.device AND c.seq = e.seq
         WHERE e.entity = ?1 ORDER BY c.hlc",
    )?;
    let rows = stmt.query_map([entity.to_string()], |r| {
        Ok((
            r.get::<_, i64>(0)? as u64,
            r.get(1)?,
            blob_uuid(r.get_ref(2)?.as_blob()?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
