//! Changes of devices this store has no certificate for: kept apart from the log, and
//! released only by a walk back from a head whose own signature verifies.

use super::intake::{ImportReport, Intake};
use super::verify::{Incoming, Run};
use crate::error::Result;
use crate::fault::tick;
use crate::ids::blob_uuid;
use crate::oplog::Change;
use crate::sync::bundle::SignedHead;
use crate::sync::{heads, peers};
use crate::trust;
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Keeps the changes of a device this store does not know yet, and their head, apart
/// from the log. Returns how many were new here.
pub(super) fn keep(
    conn: &Connection,
    run: Run,
    bundle: &str,
    relayed_by: &Uuid,
    now: u64,
) -> Result<u64> {
    let mut kept = 0;
    {
        let mut stmt = conn.prepare_cached(
            "INSERT OR IGNORE INTO unverified_changes (device, seq, hash, hlc, author, bytes, bundle, relayed_by, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for inc in &run.changes {
            tick()?;
            kept += stmt.execute(params![
                &run.device.as_bytes()[..],
                inc.change.seq as i64,
                &inc.hash[..],
                inc.change.hlc as i64,
                inc.change.author,
                inc.bytes,
                bundle,
                &relayed_by.as_bytes()[..],
                now as i64
            ])? as u64;
        }
    }
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO unverified_heads (device, seq, hash, signature, bundle) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    tick()?;
    stmt.execute(params![
        &run.device.as_bytes()[..],
        run.head.seq as i64,
        &run.head.hash[..],
        hex::decode(&run.head.signature).unwrap_or_default(),
        bundle
    ])?;
    Ok(kept)
}

/// device, seq, hash, bytes, bundle, relayed by
type UnverifiedRow = (i64, Vec<u8>, Vec<u8>, String, Vec<u8>);

/// Unverified changes of devices whose certificate is now here: those that a walk back
/// along the hash chain from a head with a valid signature reaches are taken like any
/// verified change; every other copy is discarded as forged, and reported.
pub(super) fn release(
    conn: &Connection,
    intake: &mut Intake,
    report: &mut ImportReport,
) -> Result<u64> {
    let devices: Vec<Uuid> = {
        let mut stmt = conn.prepare_cached("SELECT DISTINCT device FROM unverified_changes")?;
        tick()?;
        let rows = stmt.query_map([], |r| Ok(blob_uuid(r.get_ref(0)?.as_blob()?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut released = 0;
    for device in devices {
        let Some(known) = trust::known_device(conn, &device)? else {
            continue;
        };
        let key = trust::verifying_key(&hex::decode(&known.sign_key).unwrap_or_default())?;
        let heads: Vec<SignedHead> = {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, hash, signature FROM unverified_heads WHERE device = ?1 ORDER BY seq DESC",
            )?;
            let rows = stmt.query_map([&device.as_bytes()[..]], |r| {
                let mut hash = [0u8; 32];
                let h: Vec<u8> = r.get(1)?;
                if h.len() == 32 {
                    hash.copy_from_slice(&h);
                }
                Ok(SignedHead {
                    device,
                    seq: r.get::<_, i64>(0)? as u64,
                    hash,
                    signature: hex::encode(r.get::<_, Vec<u8>>(2)?),
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let rows: Vec<UnverifiedRow> = {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, hash, bytes, bundle, relayed_by FROM unverified_changes WHERE device = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([&device.as_bytes()[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let index: HashMap<(u64, &[u8]), usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.0 as u64, &r.1[..]), i))
            .collect();
        let mut vouched: BTreeMap<u64, (usize, Change)> = BTreeMap::new();
        let mut good_heads = Vec::new();
        for head in heads {
            if !head.verify(&key) || !index.contains_key(&(head.seq, &head.hash[..])) {
                continue;
            }
            let (mut seq, mut hash) = (head.seq, head.hash);
            good_heads.push(head);
            while let Some(&i) = index.get(&(seq, &hash[..])) {
                if vouched.contains_key(&seq) {
                    break;
                }
                let Ok(change) = Change::decode(&rows[i].2) else {
                    break;
                };
                hash = change.prev;
                vouched.insert(seq, (i, change));
                if seq == 1 {
                    break;
                }
                seq -= 1;
            }
        }
        let mut forged_from: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            if !vouched.values().any(|(j, _)| *j == i) {
                *forged_from.entry(row.4.clone()).or_default() += 1;
            }
        }
        for (relay, n) in forged_from {
            report.forged += n;
            let relay = blob_uuid(&relay);
            let office = trust::known_device(conn, &relay)?
                .map(|d| d.office)
                .unwrap_or_else(|| "an unknown device".into());
            report.warnings.push(format!(
                "{n} change(s) claiming to come from device {device} ({}) did not carry its signature and were discarded; they were relayed by device {relay} ({office})",
                known.office
            ));
        }
        tick()?;
        conn.execute(
            "DELETE FROM unverified_changes WHERE device = ?1",
            [&device.as_bytes()[..]],
        )?;
        conn.execute(
            "DELETE FROM unverified_heads WHERE device = ?1",
            [&device.as_bytes()[..]],
        )?;
        let incoming: Vec<Incoming> = vouched
            .into_values()
            .map(|(i, change)| Incoming::new(change, rows[i].2.clone()))
            .collect();
        released += incoming.len() as u64;
        let mut forks = Vec::new();
        intake.take_verified(device, incoming, &mut forks)?;
        // Both copies carry the device's signature: a genuine fork, kept for review.
        if !forks.is_empty() {
            report.warnings.push(format!(
                "device {device} ({}) signed two different changes with the same number (a fork); see the forks list",
                known.office
            ));
            peers::record_forks(conn, &forks, "")?;
        }
        for head in good_heads {
            if intake.holds(&head) {
                heads::store(conn, &head, &key)?;
            }
        }
    }
    Ok(released)
}

/// A change kept apart because its device is unknown here.
#[derive(Debug, Clone)]
pub struct Unverified {
    pub device: Uuid,
    pub seq: u64,
    pub author: String,
    pub hlc: u64,
    pub bytes: Vec<u8>,
    pub bundle: Option<String>,
    /// The certified device whose bundle brought it.
    pub relayed_by: Option<Uuid>,
}

/// Every change kept apart, for the held-back view.
pub fn unverified(conn: &Connection) -> Result<Vec<Unverified>> {
    let mut stmt = conn.prepare(
        "SELECT device, seq, author, hlc, bytes, bundle, relayed_by FROM unverified_changes ORDER BY device, seq",
    )?;
    let rows = stmt.query_map([], |r| {
        let relayed_by: Vec<u8> = r.get(6)?;
        let bundle: String = r.get(5)?;
        Ok(Unverified {
            device: blob_uuid(r.get_ref(0)?.as_blob()?),
            seq: r.get::<_, i64>(1)? as u64,
            author: r.get(2)?,
            hlc: r.get::<_, i64>(3)? as u64,
            bytes: r.get(4)?,
            bundle: (!bundle.is_empty()).then_some(bundle),
            relayed_by: (relayed_by.len() == 16).then(|| blob_uuid(&relayed_by)),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<u64> {
    Ok(
        conn.query_row("SELECT count(*) FROM unverified_changes", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}
