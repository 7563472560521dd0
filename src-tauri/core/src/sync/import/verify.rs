//! Decrypting and checking a bundle before anything is written.

use super::{cores, map_on_cores, threads_for};
use crate::error::{Error, Result};
use crate::oplog::{change, Change, Hash};
use crate::sync::bundle::{self, Manifest, SignedHead};
use crate::sync::messages as msg;
use crate::trust::{self, Directory};
use ed25519_dalek::VerifyingKey;
use msg as m;
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub struct Incoming {
    pub change: Change,
    pub bytes: Vec<u8>,
    pub hash: Hash,
}

impl Incoming {
    pub fn new(change: Change, bytes: Vec<u8>) -> Incoming {
        Incoming {
            change,
            hash: change::hash(&bytes),
            bytes,
        }
    }
}

/// One origin device's contiguous changes in a bundle, and the head that ends them.
pub struct Run {
    pub device: Uuid,
    pub changes: Vec<Incoming>,
    pub head: SignedHead,
    /// The origin's certified key, when this store (or the bundle's directory) has its
    /// certificate: the head was verified against it.
    pub key: Option<VerifyingKey>,
}

/// Who sent a bundle, as its certificate says (the user is the device's own word).
#[derive(Debug, Clone)]
pub struct SenderInfo {
    pub device: Uuid,
    pub office: String,
    pub role: String,
    pub user: String,
}

/// A bundle that has been decrypted and verified, not yet applied.
pub struct Opened {
    pub manifest: Manifest,
    pub sender: SenderInfo,
    pub directory: Option<Directory>,
    pub runs: Vec<Run>,
    pub attachments: Vec<(Hash, Vec<u8>)>,
    pub file_bytes: u64,
}

impl Opened {
    pub fn changes(&self) -> u64 {
        self.runs.iter().map(|r| r.changes.len() as u64).sum()
    }
}

struct DeviceTrust {
    key: VerifyingKey,
    revoked_through: Option<u64>,
    office: String,
    role: String,
}

/// The devices whose keys this import may use: those enrolled here plus those whose
/// certificates, signed by our organisation, arrive in the bundle itself. When the
/// bundle brings a rotation of the organisation key, only the certificates the new key
/// signed; when its directory is signed by a retired key, only those enrolled here.
struct Keys(HashMap<Uuid, DeviceTrust>);

impl Keys {
    fn load(conn: &Connection, directory: Option<&Directory>) -> Result<Keys> {
        let mut keys = HashMap::new();
        for d in trust::known_devices(conn)? {
            let key = trust::verifying_key(&hex::decode(&d.sign_key).unwrap_or_default())?;
            keys.insert(
                d.device,
                DeviceTrust {
                    key,
                    revoked_through: d.revoked_through,
                    office: d.office,
                    role: d.role,
                },
            );
        }
        let Some(dir) = directory else {
            return Ok(Keys(keys));
        };
        let bad = |e: Error| Error::rejected(m::bad_directory(e));
        let verified = match trust::examine_directory(conn, dir).map_err(bad)? {
            trust::DirectoryView::Current(v) => v,
            // Once the store adopts the new key, only what it signed is trusted.
            trust::DirectoryView::Rotated(v) => {
                keys.clear();
                v
            }
            // The sender has not heard of the rotation: its directory vouches for nothing.
            trust::DirectoryView::Retired => return Ok(Keys(keys)),
            trust::DirectoryView::Foreign => {
                return Err(bad(Error::trust(
                    trust::messages::other_organisation_bundle(),
                )))
            }
        };
        for (cert, key, _) in verified.certs {
            keys.entry(cert.device).or_insert(DeviceTrust {
                key,
                revoked_through: None,
                office: cert.office,
                role: cert.role.as_str().to_string(),
            });
        }
        for (r, _) in verified.revocations {
            if let Some(entry) = keys.get_mut(&r.device) {
                entry.revoked_through = Some(
                    entry
                        .revoked_through
                        .map_or(r.valid_through, |e| e.min(r.valid_through)),
                );
            }
        }
        Ok(Keys(keys))
    }
}

/// Decrypts a bundle file and verifies everything in it. Writes nothing.
pub fn open(
    conn: &Connection,
    file: &[u8],
    identities: &[&age::x25519::Identity],
    own: Uuid,
    holds_escrow: bool,
) -> Result<Opened> {
    if file.len() as u64 > bundle::MAX_BUNDLE_FILE_BYTES {
        return Err(Error::rejected(m::file_too_large(
            bundle::MAX_BUNDLE_FILE_BYTES >> 20,
        )));
    }
    let plain = bundle::decrypt(file, identities)?;
    let env = bundle::open(&plain)?;
    let m = env.manifest.clone();
    let schema = crate::store::migrations::latest_version();
    if m.schema_version > schema {
        return Err(Error::rejected(msg::newer_schema(m.schema_version, schema)));
    }
    if trust::org(conn)?.is_none() {
        return Err(Error::rejected(m::import_not_enrolled()));
    }
    let directory: Option<Directory> = env
        .part("directory")
        .map(serde_json::from_slice)
        .transpose()
        .map_err(|_| Error::rejected(m::directory_malformed()))?;
    let keys = Keys::load(conn, directory.as_ref())?;
    let Some(sender) = keys.0.get(&m.sender.device) else {
        return Err(Error::rejected(msg::unknown_sender(m.sender.device)));
    };
    if !env.verify_signature(&sender.key) {
        return Err(Error::rejected(m::bad_bundle_signature()));
    }
    if sender.revoked_through.is_some() {
        return Err(Error::rejected(msg::sender_revoked(
            m.sender.device,
            &sender.office,
        )));
    }
    if !(m.recipients.contains(&own) || holds_escrow && m.escrow) {
        return Err(Error::rejected(m::made_for_another_device()));
    }
    let heads: Vec<SignedHead> = env
        .part("heads")
        .map(serde_json::from_slice)
        .transpose()
        .map_err(|_| Error::rejected(m::heads_malformed()))?
        .unwrap_or_default();
    let mut runs = read_runs(env.part("changes"), &m)?;
    attach_heads(&mut runs, heads, &keys)?;
    let attachments: Vec<(Hash, Vec<u8>)> = match env.part("attachments") {
        Some(p) => bundle::decode_attachments(p)?
            .into_iter()
            .map(|(h, b)| (h, b.to_vec()))
            .collect(),
        None => Vec::new(),
    };
    let attachment_bytes: u64 = attachments.iter().map(|(_, b)| b.len() as u64).sum();
    if attachments.len() as u64 != m.counts.attachments
        || attachment_bytes != m.counts.attachment_bytes
    {
        return Err(Error::rejected(m::attachments_mismatch()));
    }
    Ok(Opened {
        sender: SenderInfo {
            device: m.sender.device,
            office: sender.office.clone(),
            role: sender.role.clone(),
            user: m.sender.user.clone(),
        },
        manifest: m,
        directory,
        runs,
        attachments,
        file_bytes: file.len() as u64,
    })
}

/// Decodes the changes part into one run per origin device, checking as it goes that
/// each run is contiguous and hash-chained and that the totals match the manifest.
fn read_runs(part: Option<&[u8]>, m: &Manifest) -> Result<Vec<Run>> {
    let Some(part) = part else {
        if m.counts.changes != 0 || m.counts.ops != 0 {
            return Err(Error::rejected(m::change_count_mismatch()));
        }
        return Ok(Vec::new());
    };
    let mut runs = Runs::new(m.counts.ops);
    let mut batch = Batch::default();
    let read = bundle::decode_changes(part, &m.counts, |frame| {
        // A large frame waits until the frames before it are checked: a fault among
        // them stops the import before the frame is decoded.
        if !batch.has_room_for(&frame) {
            runs.take(batch.take())?;
        }
        if batch.push(frame) {
            runs.take(batch.take())?;
        }
        Ok(())
    });
    // Frames read before the stream went wrong are checked first: their faults come
    // earlier in the bundle.
    runs.take(batch.take())?;
    read?;
    if runs.ops != m.counts.ops {
        return Err(Error::rejected(m::op_count_mismatch()));
    }
    Ok(runs.runs)
}

/// Frames waiting to be decoded together. A batch is bounded, so a bundle of millions
/// of tiny frames that are no changes costs no more than one batch of them before it
/// is refused.
#[derive(Default)]
struct Batch {
    frames: Vec<Vec<u8>>,
    bytes: usize,
}

impl Batch {
    const FRAMES: usize = 4_096;
    const BYTES: usize = 8 << 20;

    fn has_room_for(&self, frame: &[u8]) -> bool {
        self.frames.is_empty() || self.bytes + frame.len() <= Self::BYTES
    }

    /// Adds a frame; true when the batch is full.
    fn push(&mut self, frame: Vec<u8>) -> bool {
        self.bytes += frame.len();
        self.frames.push(frame);
        self.frames.len() >= Self::FRAMES || self.bytes >= Self::BYTES
    }

    fn take(&mut self) -> Vec<Vec<u8>> {
        self.bytes = 0;
        std::mem::take(&mut self.frames)
    }
}

/// The runs read so far, and their ops.
struct Runs {
    runs: Vec<Run>,
    seen: HashSet<Uuid>,
    ops: u64,
    declared_ops: u64,
}

impl Runs {
    fn new(declared_ops: u64) -> Runs {
        Runs {
            runs: Vec::new(),
            seen: HashSet::new(),
            ops: 0,
            declared_ops,
        }
    }

    /// Decodes a batch of frames and checks each, in bundle order. On one thread, the
    /// first fault stops the decoding.
    fn take(&mut self, frames: Vec<Vec<u8>>) -> Result<()> {
        let cores = cores();
        if threads_for(frames.len(), cores) == 1 {
            for frame in frames {
                let (inc, malformed) = decode_frame(frame)?;
                self.push(inc, malformed)?;
            }
            return Ok(());
        }
        for decoded in decode_on(&frames, cores) {
            let (inc, malformed) = decoded?;
            self.push(inc, malformed)?;
        }
        Ok(())
    }

    fn push(&mut self, inc: Incoming, malformed: Option<Error>) -> Result<()> {
        let change = &inc.change;
        self.ops += change.ops.len() as u64;
        if self.ops > self.declared_ops {
            return Err(Error::rejected(m::too_many_ops()));
        }
        if let Some(e) = malformed {
            return Err(e);
        }
        match self.runs.last_mut() {
            Some(run) if run.device == change.device => {
                let prev = run.changes.last().expect("a run is never empty");
                if change.seq != prev.change.seq + 1 || change.prev != prev.hash {
                    return Err(Error::rejected(msg::broken_chain(
                        change.device,
                        change.seq,
                    )));
                }
            }
            _ => {
                if !self.seen.insert(change.device) {
                    return Err(Error::rejected(msg::scattered_run(change.device)));
                }
                self.runs.push(Run {
                    device: change.device,
                    changes: Vec::new(),
                    head: SignedHead {
                        device: change.device,
                        seq: 0,
                        hash: [0; 32],
                        signature: String::new(),
                    },
                    key: None,
                });
            }
        }
        self.runs.last_mut().expect("pushed").changes.push(inc);
        Ok(())
    }
}

/// A frame decoded into a change, and why its ops are malformed if they are.
type Decoded = Result<(Incoming, Option<Error>)>;

fn decode_frame(frame: Vec<u8>) -> Decoded {
    let change = Change::decode(&frame).map_err(|e| Error::rejected(e.message()))?;
    let malformed = change.ops.iter().find_map(|op| {
        op.validate()
            .err()
            .map(|e| Error::rejected(msg::change_malformed(change.device, change.seq, e)))
    });
    Ok((Incoming::new(change, frame), malformed))
}

/// Decodes, checks and hashes frames on `threads` threads, in bundle order: no frame
/// depends on another, and this and packing the new ones for the log
/// (`causal::pack_new`) were a fifth of the sync bench's import on one core. A batch
/// holds at most [`Batch::BYTES`], so copying each frame to its thread is cheap.
fn decode_on(frames: &[Vec<u8>], threads: usize) -> Vec<Decoded> {
    map_on_cores(frames, threads, |f| decode_frame(f.clone()))
}

/// Each run must end at exactly one head of its device, and a bundle carries no other
/// heads. A head of a known device must verify against its certified key.
fn attach_heads(runs: &mut [Run], heads: Vec<SignedHead>, keys: &Keys) -> Result<()> {
    if heads.len() != runs.len() {
        return Err(Error::rejected(m::heads_mismatch()));
    }
    let mut by_device: HashMap<Uuid, SignedHead> = HashMap::new();
    for h in heads {
        if by_device.insert(h.device, h).is_some() {
            return Err(Error::rejected(m::two_heads()));
        }
    }
    for run in runs {
        let last = run.changes.last().expect("a run is never empty");
        let head = by_device
            .remove(&run.device)
            .ok_or_else(|| Error::rejected(msg::no_head(run.device)))?;
        if head.seq != last.change.seq || head.hash != last.hash {
            return Err(Error::rejected(msg::head_mismatch(run.device)));
        }
        if let Some(t) = keys.0.get(&run.device) {
            if !head.verify(&t.key) {
                return Err(Error::rejected(msg::bad_head_signature(
                    run.device, &t.office,
                )));
            }
            run.key = Some(t.key);
        }
        run.head = head;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Kind;
    use crate::oplog::change::CHANGE_FORMAT;
    use crate::oplog::{Op, ZERO_HASH};
    use serde_json::json;

    /// What a decoded frame came to, comparable across runs.
    fn outcome(d: &Decoded) -> String {
        match d {
            Ok((inc, malformed)) => format!(
                "{} {} {:?}",
                inc.change.seq,
                hex::encode(inc.hash),
                malformed.as_ref().map(Error::to_string)
            ),
            Err(e) => format!("refused: {e}"),
        }
    }

    #[test]
    fn frames_decoded_on_any_number_of_threads_come_back_as_one_thread_decodes_them() {
        let device = Uuid::now_v7();
        // Changes, a malformed one every 97th, a frame that is no change every 89th.
        let frames: Vec<Vec<u8>> = (1..=2_001u64)
            .map(|seq| {
                if seq % 89 == 0 {
                    return format!("not a change {seq}").into_bytes();
                }
                let field = if seq % 97 == 0 { "shoe_size" } else { "name" };
                Change {
                    v: CHANGE_FORMAT,
                    device,
                    seq,
                    prev: if seq == 1 { ZERO_HASH } else { [7; 32] },
                    hlc: seq,
                    author: "monitor".into(),
                    deps: Default::default(),
                    ops: vec![Op::Set {
                        kind: Kind::Person,
                        id: Uuid::now_v7(),
                        field: field.into(),
                        value: json!({"lang": "en-Latn", "text": format!("Person {seq}")}),
                    }],
                }
                .encode()
            })
            .collect();
        let one: Vec<String> = decode_on(&frames, 1).iter().map(outcome).collect();
        assert_eq!(one.len(), frames.len());
        assert!(one[88].starts_with("refused") && one[96].contains("shoe_size"));
        for threads in [2, 3, 4, 7] {
            let many: Vec<String> = decode_on(&frames, threads).iter().map(outcome).collect();
            assert_eq!(many, one, "{threads} threads");
        }
    }
}
