//! Export: for each origin device, the contiguous run of stored changes above what the
//! peer has acknowledged, ending at a signed head; sealed, encrypted and written as a
//! bundle file (see [`super::bundle`]).

use super::bundle::{self, Counts, Manifest, Sender, SignedHead};
use super::messages as m;
use super::{heads, peers, Progress};
use crate::error::{Error, Result};
use crate::oplog::log;
use crate::oplog::{Change, Op, VersionVector};
use crate::store::blobs;
use crate::trust::{self, DeviceKeys, KnownDevice};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct ExportRequest {
    /// An office name or a device id; `None` with `full` for escrow-only bundles.
    pub peer: Option<String>,
    pub full: bool,
    pub out: PathBuf,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Recipient {
    pub device: Uuid,
    pub office: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportReport {
    pub bundle_id: Uuid,
    pub path: PathBuf,
    pub full: bool,
    pub peer: Option<String>,
    pub recipients: Vec<Recipient>,
    pub escrow: bool,
    pub changes: u64,
    pub ops: u64,
    pub origins: u64,
    pub attachments: u64,
    pub missing_attachments: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub device: Uuid,
    pub from: u64,
    pub to: u64,
}

/// Changes above `base`, per device: applied, waiting, or waiting for their claimed
/// time (the peer applies the same rule); never those of a revoked device.
pub fn ranges_to_send(conn: &Connection, base: &VersionVector) -> Result<Vec<Range>> {
    let mut ranges = Vec::new();
    for device in log::sendable_devices(conn)? {
        let from = base.get(&device).copied().unwrap_or(0) + 1;
        let to = log::contiguous_sendable(conn, &device, from)?;
        if to >= from {
            ranges.push(Range { device, from, to });
        }
    }
    ranges.sort_by_key(|r| r.device);
    Ok(ranges)
}

/// How many changes this store would send a peer that acknowledged `base`.
pub fn count_to_send(conn: &Connection, base: &VersionVector) -> Result<u64> {
    Ok(ranges_to_send(conn, base)?
        .iter()
        .map(|r| r.to - r.from + 1)
        .sum())
}

pub struct Collected {
    pub changes: Vec<Vec<u8>>,
    pub heads: Vec<SignedHead>,
    pub ops: u64,
    /// Content hashes of attachments created by the changes sent.
    pub attachments: BTreeSet<String>,
    pub ranges: Vec<Range>,
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
            let hash = log::stored_hash(conn, &own_id, range.to)?
                .ok_or_else(|| Error::not_found("change", format!("{own_id}:{}", range.to)))?;
            let head = SignedHead::sign(&own.signing, own_id, range.to, hash);
            heads::store(conn, &head, &own.signing.verifying_key())?;
            Some(head)
        } else {
            // Checked again before it is forwarded: a head that does not verify would
            // make the peer refuse the whole bundle.
            match trust::known_device(conn, &range.device)? {
                Some(d) => {
                    let key = trust::verifying_key(&hex::decode(&d.sign_key).unwrap_or_default())?;
                    heads::best_between(conn, &range.device, range.from, range.to, &key)?
                }
                None => None,
            }
        };
        let Some(head) = head else { continue };
        range.to = head.seq;
        for bytes in log::bytes_between(conn, &range.device, range.from, range.to)? {
            out.ops += count_ops(&bytes);
            if contains(&bytes, br#""kind":"attachment""#) {
                out.attachments.extend(attachment_hashes(&bytes));
            }
            out.changes.push(bytes);
            progress(out.changes.len() as u64);
        }
        out.heads.push(head);
        out.ranges.push(range);
    }
    Ok(out)
}

fn attachment_hashes(bytes: &[u8]) -> Vec<String> {
    let Ok(change) = Change::decode(bytes) else {
        return vec![];
    };
    change
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Set { field, value, .. } if field == "hash" => value.as_str().map(str::to_string),
            _ => None,
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Ops in a change, counted without decoding it: each op starts with `{"op":`.
fn count_ops(bytes: &[u8]) -> u64 {
    bytes.windows(6).filter(|w| w == br#"{"op":"#).count() as u64
}

/// Who writes a bundle: this store's device and the person using it.
pub struct Writer<'a> {
    pub keys: &'a DeviceKeys,
    pub user: &'a str,
    /// The data dir, where the attachment files are.
    pub dir: &'a Path,
}

/// Writes a bundle for `peers` (their enrolled, unrevoked devices): every change they
/// have not acknowledged, or with `full` everything, encrypted to their devices and to
/// the organisation's escrow key, then notes what was sent.
pub fn write_bundle(
    conn: &mut Connection,
    writer: &Writer,
    peers: &[KnownDevice],
    req: &ExportRequest,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let org = enrolled_org(conn)?;
    let base = if req.full {
        BTreeMap::new()
    } else {
        least_acknowledged(conn, peers)?
    };
    progress(Progress::new("collecting", 0, 0));
    let ranges = ranges_to_send(conn, &base)?;
    let total: u64 = ranges.iter().map(|r| r.to - r.from + 1).sum();
    let collected = collect(conn, ranges, writer.keys, &mut |done| {
        if done % 1000 == 0 {
            progress(Progress::new("collecting", done, total));
        }
    })?;
    let frames = bundle::encode_frames(&collected.changes);
    let mut blobs = Vec::new();
    let mut missing = 0;
    for hash in &collected.attachments {
        match blobs::read_blob(conn, writer.dir, hash)? {
            Some(bytes) => {
                let mut h = [0u8; 32];
                hex::decode_to_slice(hash, &mut h).map_err(|_| {
                    Error::invalid(crate::store::messages::not_a_content_hash(hash))
                })?;
                blobs.push((h, bytes));
            }
            None => missing += 1,
        }
    }
    let mut recipients = Vec::new();
    for p in peers {
        recipients.push(
            age::x25519::Recipient::from_str(&p.age_recipient)
                .map_err(|_| Error::crypto(m::peer_key_damaged(&p.office)))?,
        );
    }
    recipients.push(
        age::x25519::Recipient::from_str(&org.escrow_recipient)
            .map_err(|_| Error::crypto(crate::trust::messages::escrow_key_damaged()))?,
    );
    let manifest = Manifest {
        bundle_id: Uuid::now_v7(),
        created_at: chrono::Utc::now().to_rfc3339(),
        schema_version: crate::store::migrations::bundle_schema_version(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        sender: Sender {
            device: writer.keys.device_id(),
            user: writer.user.to_string(),
        },
        recipients: peers.iter().map(|p| p.device).collect(),
        escrow: true,
        full: req.full,
        sender_vv: log::version_vector(conn)?,
        ack: base,
        counts: Counts {
            changes: collected.changes.len() as u64,
            ops: collected.ops,
            origins: collected.heads.len() as u64,
            changes_bytes: frames.len() as u64,
            attachments: blobs.len() as u64,
            attachment_bytes: blobs.iter().map(|(_, b)| b.len() as u64).sum(),
        },
        parts: vec![],
    };
    progress(Progress::new("compressing", total, total));
    let directory = trust::directory(conn)?.expect("enrolled, with a signed statement");
    let parts = vec![
        ("directory", "json", serde_json::to_vec(&directory)?),
        ("heads", "json", serde_json::to_vec(&collected.heads)?),
        ("changes", "zstd", bundle::compress(&frames)?),
        ("attachments", "raw", bundle::encode_attachments(&blobs)),
    ];
    let envelope = bundle::seal(manifest.clone(), parts, &writer.keys.signing);
    progress(Progress::new("encrypting", total, total));
    let file = bundle::encrypt(&envelope, &recipients)?;
    crate::store::write_atomically(&req.out, &file)?;
    let tx = conn.transaction()?;
    let sent_to: Vec<(Uuid, String)> = peers.iter().map(|p| (p.device, p.office.clone())).collect();
    peers::record_sent(&tx, &manifest, &sent_to)?;
    tx.commit()?;
    progress(Progress::new("done", total, total));
    Ok(ExportReport {
        bundle_id: manifest.bundle_id,
        path: req.out.clone(),
        full: req.full,
        peer: req.peer.clone(),
        recipients: peers
            .iter()
            .map(|p| Recipient {
                device: p.device,
                office: p.office.clone(),
            })
            .collect(),
        escrow: true,
        changes: manifest.counts.changes,
        ops: manifest.counts.ops,
        origins: manifest.counts.origins,
        attachments: manifest.counts.attachments,
        missing_attachments: missing,
        bytes: file.len() as u64,
    })
}

/// The organisation this store exports under: it must be enrolled, and hold the
/// organisation's signed escrow key.
pub fn enrolled_org(conn: &Connection) -> Result<trust::Org> {
    let org = trust::org(conn)?.ok_or_else(|| Error::trust(m::export_not_enrolled()))?;
    if org.serial.is_none() {
        return Err(Error::trust(m::export_needs_signed_escrow()));
    }
    Ok(org)
}

/// What the least up-to-date of a peer's devices has acknowledged: the delta's base.
fn least_acknowledged(conn: &Connection, peers: &[KnownDevice]) -> Result<VersionVector> {
    let mut base: Option<VersionVector> = None;
    for p in peers {
        let acked = peers::acked(conn, &p.device)?;
        base = Some(match base {
            None => acked,
            Some(b) => b
                .into_iter()
                .filter_map(|(d, s)| acked.get(&d).map(|a| (d, s.min(*a))))
                .collect(),
        });
    }
    Ok(base.unwrap_or_default())
}
