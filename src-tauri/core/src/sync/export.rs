//! What to send: for each origin device, the contiguous run of stored changes above
//! what the peer has acknowledged, ending at a signed head.

use super::bundle::SignedHead;
use crate::error::Result;
use crate::oplog::apply::blob_uuid;
use crate::oplog::{Hash, VersionVector};
use crate::trust::DeviceKeys;
use rusqlite::{params, Connection};
use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub device: Uuid,
    pub from: u64,
    pub to: u64,
}

/// Changes above `base`, per device: applied, waiting, or waiting for their claimed
/// time (the peer applies the same rule); never those of a revoked device.
pub fn ranges_to_send(conn: &Connection, base: &VersionVector) -> Result<Vec<Range>> {
    let devices: Vec<Uuid> = {
        let mut stmt = conn.prepare("SELECT device FROM origins UNION SELECT DISTINCT device FROM changes WHERE state <> 1 AND state IN (0, 3)")?;
        let rows = stmt.query_map([], |r| Ok(blob_uuid(r.get_ref(0)?.as_blob()?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut ranges = Vec::new();
    for device in devices {
        let from = base.get(&device).copied().unwrap_or(0) + 1;
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
        if to >= from {
            ranges.push(Range { device, from, to });
        }
    }
    ranges.sort_by_key(|r| r.device);
    Ok(ranges)
}

pub struct Collected {
    pub changes: Vec<Vec<u8>>,
    pub heads: Vec<SignedHead>,
    pub ops: u64,
    /// Content hashes of attachments created by the changes sent.
    pub attachments: BTreeSet<String>,
    pub ranges: Vec<Range>,
}

fn hash_of(conn: &Connection, device: &Uuid, seq: u64) -> Result<Hash> {
    let h: Vec<u8> = conn.query_row(
        "SELECT hash FROM changes WHERE device = ?1 AND seq = ?2",
        params![&device.as_bytes()[..], seq as i64],
        |r| r.get(0),
    )?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&h);
    Ok(out)
}

/// Reads the changes of `ranges` and the signed head that ends each. This device signs
/// its own heads now; other devices' heads are the ones they signed, stored when their
/// changes arrived. A range is cut back to the last seq with a signed head.
pub fn collect(
    conn: &Connection,
    ranges: Vec<Range>,
    own: &DeviceKeys,
    progress: &mut dyn FnMut(u64),
) -> Result<Collected> {
    let own_id = own.device_id();
    let mut out = Collected {
        changes: Vec::new(),
        heads: Vec::new(),
        ops: 0,
        attachments: BTreeSet::new(),
        ranges: Vec::new(),
    };
    for mut range in ranges {
        let head = if range.device == own_id {
            let hash = hash_of(conn, &own_id, range.to)?;
            let head = SignedHead::sign(&own.signing, own_id, range.to, hash);
            super::heads::store(conn, &head, &own.signing.verifying_key())?;
            Some(head)
        } else {
            // Checked again before it is forwarded: a head that does not verify would
            // make the peer refuse the whole bundle.
            match crate::trust::known_device(conn, &range.device)? {
                Some(d) => {
                    let key =
                        crate::trust::verifying_key(&hex::decode(&d.sign_key).unwrap_or_default())?;
                    super::heads::best_between(conn, &range.device, range.from, range.to, &key)?
                }
                None => None,
            }
        };
        let Some(head) = head else { continue };
        range.to = head.seq;
        let mut stmt = conn.prepare_cached(
            "SELECT bytes FROM changes WHERE device = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        )?;
        let rows = stmt.query_map(
            params![
                &range.device.as_bytes()[..],
                range.from as i64,
                range.to as i64
            ],
            |r| r.get::<_, Vec<u8>>(0),
        )?;
        for bytes in rows {
            let bytes = bytes?;
            out.ops += count_ops(&bytes);
            if memchr_contains(&bytes, br#""kind":"attachment""#) {
                if let Ok(change) = crate::oplog::Change::decode(&bytes) {
                    for op in &change.ops {
                        if let crate::oplog::Op::Set { field, value, .. } = op {
                            if field == "hash" {
                                if let Some(h) = value.as_str() {
                                    out.attachments.insert(h.to_string());
                                }
                            }
                        }
                    }
                }
            }
            out.changes.push(bytes);
            progress(out.changes.len() as u64);
        }
        out.heads.push(head);
        out.ranges.push(range);
    }
    Ok(out)
}

fn memchr_contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Ops in a change, counted without decoding it: each op starts with `{"op":`.
fn count_ops(bytes: &[u8]) -> u64 {
    bytes.windows(6).filter(|w| w == br#"{"op":"#).count() as u64
}
