//! What this store knows of its peers and of the bundles it exchanged with them: the
//! owner of the `peers`, `bundles_imported`, `bundles_exported` and `forks` tables.
//!
//! A peer's acknowledgement is the version vector of the last bundle it sent here; an
//! export carries everything above it, again and again until the peer acknowledges it.

use super::bundle::Manifest;
use super::import::ForkEvidence;
use crate::error::Result;
use crate::fault::tick;
use crate::hlc::{self, Hlc};
use crate::ids::blob_uuid;
use crate::oplog::VersionVector;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

/// What a peer has acknowledged: its version vector in its last bundle here.
pub fn acked(conn: &Connection, device: &Uuid) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT acked FROM peers WHERE device = ?1")?;
    let acked: Option<String> = stmt
        .query_row([&device.as_bytes()[..]], |r| r.get(0))
        .optional()?;
    Ok(acked
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default())
}

/// When a bundle was imported here (Unix ms), if it was.
pub fn imported_at(conn: &Connection, bundle: &str) -> Result<Option<u64>> {
    let mut stmt =
        conn.prepare_cached("SELECT imported_at FROM bundles_imported WHERE bundle = ?1")?;
    Ok(stmt
        .query_row([bundle], |r| r.get::<_, i64>(0))
        .optional()?
        .map(|ms| ms as u64))
}

/// Notes a bundle received from a peer (whose office comes from its certificate): its
/// version vector becomes the peer's acknowledgement.
pub(crate) fn record_received(
    conn: &Connection,
    m: &Manifest,
    office: &str,
    changes_total: u64,
    changes_new: u64,
) -> Result<()> {
    let mut vv = acked(conn, &m.sender.device)?;
    for (d, s) in &m.sender_vv {
        let e = vv.entry(*d).or_default();
        *e = (*e).max(*s);
    }
    let now = hlc::wall_millis() as i64;
    tick()?;
    conn.execute(
        "INSERT INTO peers (device, office, acked, last_received_bundle, last_received_at, last_received_changes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (device) DO UPDATE SET office = excluded.office, acked = excluded.acked,
            last_received_bundle = excluded.last_received_bundle,
            last_received_at = excluded.last_received_at,
            last_received_changes = excluded.last_received_changes",
        params![
            &m.sender.device.as_bytes()[..],
            office,
            serde_json::to_string(&vv)?,
            m.bundle_id.to_string(),
            now,
            changes_new as i64
        ],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO bundles_imported (bundle, sender, office, created_at, imported_at, changes_total, changes_new)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    tick()?;
    stmt.execute(params![
        m.bundle_id.to_string(),
        &m.sender.device.as_bytes()[..],
        office,
        m.created_at,
        now,
        changes_total as i64,
        changes_new as i64
    ])?;
    Ok(())
}

/// Notes a bundle written for `peers` (device, office).
pub(crate) fn record_sent(conn: &Connection, m: &Manifest, peers: &[(Uuid, String)]) -> Result<()> {
    let now = hlc::wall_millis() as i64;
    conn.execute(
        "INSERT INTO bundles_exported (bundle, recipients, created_at, changes, full) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            m.bundle_id.to_string(),
            serde_json::to_string(&m.recipients)?,
            now,
            m.counts.changes as i64,
            m.full
        ],
    )?;
    for (device, office) in peers {
        conn.execute(
            "INSERT INTO peers (device, office, last_sent_bundle, last_sent_at, last_sent_changes)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (device) DO UPDATE SET last_sent_bundle = excluded.last_sent_bundle,
                last_sent_at = excluded.last_sent_at, last_sent_changes = excluded.last_sent_changes",
            params![
                &device.as_bytes()[..],
                office,
                m.bundle_id.to_string(),
                now,
                m.counts.changes as i64
            ],
        )?;
    }
    Ok(())
}

/// A peer as the `peers` table knows it.
#[derive(Debug, Clone)]
pub struct PeerRow {
    pub device: Uuid,
    pub office: String,
    pub last_received_bundle: Option<String>,
    pub last_received_at: Option<u64>,
    pub last_received_changes: Option<u64>,
    pub last_sent_bundle: Option<String>,
    pub last_sent_at: Option<u64>,
    pub last_sent_changes: Option<u64>,
}

pub fn all(conn: &Connection) -> Result<Vec<PeerRow>> {
    let mut stmt = conn.prepare(
        "SELECT device, office, last_received_bundle, last_received_at, last_received_changes,
                last_sent_bundle, last_sent_at, last_sent_changes FROM peers",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PeerRow {
            device: blob_uuid(r.get_ref(0)?.as_blob()?),
            office: r.get(1)?,
            last_received_bundle: r.get(2)?,
            last_received_at: r.get::<_, Option<i64>>(3)?.map(|v| v as u64),
            last_received_changes: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
            last_sent_bundle: r.get(5)?,
            last_sent_at: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            last_sent_changes: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The office a peer device last called itself by (from its certificate).
pub fn office_of(conn: &Connection, device: &Uuid) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT office FROM peers WHERE device = ?1")?;
    Ok(stmt
        .query_row([&device.as_bytes()[..]], |r| r.get(0))
        .optional()?)
}

/// Records fork evidence; `bundle` is the bundle that brought the second content.
pub fn record_forks(conn: &Connection, forks: &[ForkEvidence], bundle: &str) -> Result<()> {
    for f in forks {
        let mut known = [0u8; 32];
        hex::decode_to_slice(&f.known_hash, &mut known).ok();
        let mut other = [0u8; 32];
        hex::decode_to_slice(&f.other_hash, &mut other).ok();
        conn.execute(
            "INSERT OR IGNORE INTO forks (device, seq, known_hash, other_hash, other_bytes, bundle, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![&f.device.as_bytes()[..], f.seq as i64, &known[..], &other[..], f.other_bytes, bundle, hlc::wall_millis() as i64],
        )?;
    }
    Ok(())
}

/// A recorded fork.
#[derive(Debug, Clone)]
pub struct ForkRow {
    pub device: Uuid,
    pub seq: u64,
    pub known_hash: String,
    pub other_hash: String,
    pub bundle: Option<String>,
    pub detected_at: String,
}

pub fn forks(conn: &Connection) -> Result<Vec<ForkRow>> {
    let mut stmt = conn.prepare(
        "SELECT device, seq, known_hash, other_hash, bundle, detected_at FROM forks ORDER BY detected_at",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ForkRow {
            device: blob_uuid(r.get_ref(0)?.as_blob()?),
            seq: r.get::<_, i64>(1)? as u64,
            known_hash: hex::encode(r.get::<_, Vec<u8>>(2)?),
            other_hash: hex::encode(r.get::<_, Vec<u8>>(3)?),
            bundle: r.get(4)?,
            detected_at: Hlc::from_parts(r.get::<_, i64>(5)? as u64, 0).to_rfc3339(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
