//! Signed chain heads: an origin device's signature over one of its changes, which
//! through the hash chain vouches for every earlier change of that device. This module
//! owns the `chain_heads` table, and keeps one rule: a head is stored only if its
//! signature verifies against the certified key of its device *and* it names a change
//! this store holds. Export forwards a stored head only after checking it again.

use super::bundle::SignedHead;
use crate::error::Result;
use crate::ids::blob_uuid;
use crate::oplog::{log, Hash};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection};
use std::collections::HashMap;
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
        if head.verify(key) && log::stored_hash(conn, device, head.seq)? == Some(head.hash) {
            return Ok(Some(head));
        }
    }
    Ok(None)
}

/// Drops every stored head that does not verify against its device's certified key or
/// does not name a stored change: how a store poisoned by an older version heals.
pub(crate) fn purge_unverifiable(conn: &Connection) -> Result<u64> {
    let heads: Vec<SignedHead> = {
        let mut stmt = conn.prepare("SELECT device, seq, hash, signature FROM chain_heads")?;
        let rows = stmt.query_map([], |r| {
            Ok(SignedHead {
                device: blob_uuid(r.get_ref(0)?.as_blob()?),
                seq: r.get::<_, i64>(1)? as u64,
                hash: to_hash(&r.get::<_, Vec<u8>>(2)?),
                signature: hex::encode(r.get::<_, Vec<u8>>(3)?),
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut keys: HashMap<Uuid, Option<VerifyingKey>> = HashMap::new();
    let mut dropped = 0;
    for head in heads {
        let key = match keys.get(&head.device) {
            Some(k) => *k,
            None => {
                let k = crate::trust::known_device(conn, &head.device)?
                    .and_then(|d| hex::decode(d.sign_key).ok())
                    .and_then(|k| crate::trust::verifying_key(&k).ok());
                *keys.entry(head.device).or_insert(k)
            }
        };
        let good = key.is_some_and(|k| head.verify(&k))
            && log::stored_hash(conn, &head.device, head.seq)? == Some(head.hash);
        if !good {
            conn.execute(
                "DELETE FROM chain_heads WHERE device = ?1 AND seq = ?2",
                params![&head.device.as_bytes()[..], head.seq as i64],
            )?;
            dropped += 1;
        }
    }
    Ok(dropped)
}
