//! Signed chain heads: an origin device's signature over one of its changes, which
//! through the hash chain vouches for every earlier change of that device. This module
//! owns the `chain_heads` table, and keeps one rule: a head is stored only if its
//! signature verifies against the certified key of its device *and* it names a change
//! this store holds. Export forwards a stored head only after checking it again.

use super::bundle::SignedHead;
use crate::error::Result;
use crate::ids::blob_uuid;
use crate::oplog::Hash;
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection};
use uuid::Uuid;

fn to_hash(bytes: &[u8]) -> Hash {
    let mut h = [0u8; 32];
    if bytes.len() == 32 {
        h.copy_from_slice(bytes);
    }
    h
}

/// Stores a head the caller has verified against `key` and matched to a held change.
/// It replaces whatever was stored at that seq: a verified head for a held change can
/// only displace one that was not (left by an older version).
pub(crate) fn store(conn: &Connection, head: &SignedHead, key: &VerifyingKey) -> Result<()> {
    debug_assert!(head.verify(key));
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO chain_heads (device, seq, hash, signature) VALUES (?1, ?2, ?3, ?4)",
    )?;
    crate::fault::tick()?;
    stmt.execute(params![
        &head.device.as_bytes()[..],
        head.seq as i64,
        &head.hash[..],
        hex::decode(&head.signature).unwrap_or_default()
    ])?;
    Ok(())
}

/// The stored heads of `device` between `from` and `to`, highest first.
pub(crate) fn stored_between(
    conn: &Connection,
    device: &Uuid,
    from: u64,
    to: u64,
) -> Result<Vec<SignedHead>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, hash, signature FROM chain_heads WHERE device = ?1 AND seq BETWEEN ?2 AND ?3
         ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map(
        params![&device.as_bytes()[..], from as i64, to as i64],
        |r| {
            Ok(SignedHead {
                device: *device,
                seq: r.get::<_, i64>(0)? as u64,
                hash: to_hash(&r.get::<_, Vec<u8>>(1)?),
                signature: hex::encode(r.get::<_, Vec<u8>>(2)?),
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest stored head of `device` in `from..=to` whose signature verifies against
/// `key` and which names the change stored at its seq.
pub(crate) fn best_between(
    conn: &Connection,
    device: &Uuid,
    from: u64,
    to: u64,
    key: &VerifyingKey,
) -> Result<Option<SignedHead>> {
    for head in stored_between(conn, device, from, to)? {
        if head.verify(key) && stored_hash(conn, device, head.seq)? == Some(head.hash) {
            return Ok(Some(head));
        }
    }
    Ok(None)
}

fn stored_hash(conn: &Connection, device: &Uuid, seq: u64) -> Result<Option<Hash>> {
    use rusqlite::OptionalExtension;
    let mut stmt =
        conn.prepare_cached("SELECT hash FROM changes WHERE device = ?1 AND seq = ?2")?;
    Ok(stmt
        .query_row(params![&device.as_bytes()[..], seq as i64], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .optional()?
        .map(|h| to_hash(&h)))
}

/// device, seq, hash, signature, the device's certified key, the stored change's hash
type HeadRow = (
    Vec<u8>,
    i64,
    Vec<u8>,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

/// Drops every stored head that does not verify against its device's certified key or
/// does not name a stored change: how a store poisoned by an older version heals.
pub(crate) fn purge_unverifiable(conn: &Connection) -> Result<u64> {
    let rows: Vec<HeadRow> = {
        let mut stmt = conn.prepare(
            "SELECT h.device, h.seq, h.hash, h.signature, d.sign_key, c.hash
             FROM chain_heads h
             LEFT JOIN devices d ON d.device = h.device
             LEFT JOIN changes c ON c.device = h.device AND c.seq = h.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut dropped = 0;
    for (device, seq, hash, signature, key, stored) in rows {
        let head = SignedHead {
            device: blob_uuid(&device),
            seq: seq as u64,
            hash: to_hash(&hash),
            signature: hex::encode(&signature),
        };
        let good = key
            .and_then(|k| crate::trust::verifying_key(&k).ok())
            .is_some_and(|k| head.verify(&k))
            && stored.as_deref() == Some(&hash[..]);
        if !good {
            conn.execute(
                "DELETE FROM chain_heads WHERE device = ?1 AND seq = ?2",
                params![device, seq],
            )?;
            dropped += 1;
        }
    }
    Ok(dropped)
}
