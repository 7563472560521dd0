//! Decrypting and checking a bundle before anything is written.

use crate::error::{Error, Result};
use crate::oplog::{change, log, Change, Hash};
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
    /// The bytes as the `changes` table keeps them ([`log::pack`]).
    pub packed: Vec<u8>,
}

impl Incoming {
    pub fn new(change: Change, bytes: Vec<u8>) -> Incoming {
        Incoming {
            change,
            hash: change::hash(&bytes),
            packed: log::pack(&bytes).into_owned(),
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
    let mut runs: Vec<Run> = Vec::new();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let mut ops = 0u64;
    let Some(part) = part else {
        if m.counts.changes != 0 || m.counts.ops != 0 {
            return Err(Error::rejected(m::change_count_mismatch()));
        }
        return Ok(runs);
    };
    let mut frames = Vec::new();
    let read = bundle::decode_changes(part, &m.counts, |frame| {
        frames.push(frame);
        Ok(())
    });
    // Frames read before the stream went wrong are checked first: their faults come
    // earlier in the bundle.
    for decoded in decode_in_parallel(frames) {
        let (inc, malformed) = decoded?;
        let change = &inc.change;
        ops += change.ops.len() as u64;
        if ops > m.counts.ops {
            return Err(Error::rejected(m::too_many_ops()));
        }
        if let Some(e) = malformed {
            return Err(e);
        }
        match runs.last_mut() {
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
                if !seen.insert(change.device) {
                    return Err(Error::rejected(msg::scattered_run(change.device)));
                }
                runs.push(Run {
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
        runs.last_mut().expect("pushed").changes.push(inc);
    }
    read?;
    if ops != m.counts.ops {
        return Err(Error::rejected(m::op_count_mismatch()));
    }
    Ok(runs)
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

/// Decodes, checks, hashes and packs every frame, on every core, in bundle order.
/// This is most of an import's work that does not touch the store (a fifth of it for
/// the sync bench's 100 000 ops), and no frame depends on another.
fn decode_in_parallel(frames: Vec<Vec<u8>>) -> Vec<Decoded> {
    const MIN_PER_THREAD: usize = 256;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(frames.len() / MIN_PER_THREAD)
        .max(1);
    if threads == 1 {
        return frames.into_iter().map(decode_frame).collect();
    }
    let per_thread = frames.len().div_ceil(threads);
    let mut frames = frames.into_iter();
    let chunks: Vec<Vec<Vec<u8>>> = (0..threads)
        .map(|_| frames.by_ref().take(per_thread).collect())
        .collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || chunk.into_iter().map(decode_frame).collect::<Vec<_>>())
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
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
