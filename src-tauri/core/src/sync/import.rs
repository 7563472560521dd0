//! Import: verify everything, then apply in one transaction (or roll back, for a preview).
//!
//! **What is verified before anything is written** ([`open`]): the age decryption, the
//! envelope and every part's hash, the sender's signature against its certificate
//! (from this store or from the bundle's own directory, which must verify against our
//! organisation key), the recipients, and each origin's run of changes: contiguous,
//! hash-chained, ending at exactly one head, whose signature is checked whenever the
//! origin device is known. Decompression never goes beyond what the signed manifest
//! declares (see [`bundle`]).
//!
//! **Where each change goes** ([`apply`]):
//!
//! | the change                                    | goes to                              |
//! |-----------------------------------------------|--------------------------------------|
//! | already here with the same hash               | nowhere (a duplicate)                |
//! | here with another hash, both signed           | the bundle is refused; fork recorded |
//! | its device is unknown here                    | `unverified_changes`, never applied  |
//! | beyond its device's revocation line           | held back (state 2)                  |
//! | claims a clock > 1 day ahead of every other   | held back until that time (state 3)  |
//! | otherwise                                     | applied, or pending until its causal predecessors arrive |
//!
//! When a device's certificate arrives, its unverified changes are released only by a
//! walk back along the hash chain from a head whose own signature verifies; every other
//! copy is discarded as forged and reported with the office that relayed it.

use super::bundle::{self, Manifest, SignedHead};
use super::heads;
use crate::error::{Error, Result};
use crate::fault::tick;
use crate::hlc::{self, Hlc};
use crate::oplog::apply;
use crate::oplog::{
    self, change, Change, Effects, Hash, VersionVector, STATE_CLOCK_AHEAD, STATE_HELD,
    STATE_PENDING,
};
use crate::trust::{self, Directory};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use uuid::Uuid;

pub struct Incoming {
    pub change: Change,
    pub bytes: Vec<u8>,
    pub hash: Hash,
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
/// certificates, signed by our organisation, arrive in the bundle itself.
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
        if let (Some(dir), Some(org)) = (directory, trust::org(conn)?) {
            let verified = trust::verify_directory(&org, dir)
                .map_err(|e| Error::rejected(format!("its trust directory: {e}")))?;
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
        return Err(Error::rejected(format!(
            "the file is larger than the {} MiB a bundle may be",
            bundle::MAX_BUNDLE_FILE_BYTES >> 20
        )));
    }
    let plain = bundle::decrypt(file, identities)?;
    let env = bundle::open(&plain)?;
    let m = env.manifest.clone();
    let schema = crate::store::migrations::latest_version();
    if m.schema_version > schema {
        return Err(Error::rejected(format!(
            "it was made by a newer version of Nansen (schema {}, this one knows {schema}); update Nansen first",
            m.schema_version
        )));
    }
    if trust::org(conn)?.is_none() {
        return Err(Error::rejected(
            "this store is not enrolled in an organisation yet, so it cannot check who sent the bundle; enrol it with headquarters first",
        ));
    }
    let directory: Option<Directory> = env
        .part("directory")
        .map(serde_json::from_slice)
        .transpose()
        .map_err(|_| Error::rejected("its trust directory is malformed"))?;
    let keys = Keys::load(conn, directory.as_ref())?;
    let Some(sender) = keys.0.get(&m.sender.device) else {
        return Err(Error::rejected(format!(
            "it is signed by device {}, which is not enrolled in this organisation",
            m.sender.device
        )));
    };
    if !env.verify_signature(&sender.key) {
        return Err(Error::rejected(
            "its signature does not match its content: it was altered or forged",
        ));
    }
    if sender.revoked_through.is_some() {
        return Err(Error::rejected(format!(
            "its sender, device {} of {}, has been revoked",
            m.sender.device, sender.office
        )));
    }
    if !(m.recipients.contains(&own) || holds_escrow && m.escrow) {
        return Err(Error::rejected(
            "it was made for another device; ask the sender for a bundle for this one",
        ));
    }
    let heads: Vec<SignedHead> = env
        .part("heads")
        .map(serde_json::from_slice)
        .transpose()
        .map_err(|_| Error::rejected("its chain heads are malformed"))?
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
        return Err(Error::rejected("its attachments do not match its manifest"));
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
            return Err(Error::rejected(
                "its change count does not match its manifest",
            ));
        }
        return Ok(runs);
    };
    bundle::decode_changes(part, &m.counts, |frame| {
        let change = Change::decode(&frame).map_err(|e| Error::rejected(e.to_string()))?;
        ops += change.ops.len() as u64;
        if ops > m.counts.ops {
            return Err(Error::rejected(
                "it holds more ops than its manifest declares",
            ));
        }
        for op in &change.ops {
            op.validate().map_err(|e| {
                Error::rejected(format!(
                    "change {}:{} is malformed: {e}",
                    change.device, change.seq
                ))
            })?;
        }
        let hash = change::hash(&frame);
        match runs.last_mut() {
            Some(run) if run.device == change.device => {
                let prev = run.changes.last().expect("a run is never empty");
                if change.seq != prev.change.seq + 1 || change.prev != prev.hash {
                    return Err(Error::rejected(format!(
                        "the changes of device {} do not form an unbroken chain at seq {}",
                        change.device, change.seq
                    )));
                }
            }
            _ => {
                if !seen.insert(change.device) {
                    return Err(Error::rejected(format!(
                        "the changes of device {} are not kept together",
                        change.device
                    )));
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
        runs.last_mut().expect("pushed").changes.push(Incoming {
            change,
            bytes: frame,
            hash,
        });
        Ok(())
    })?;
    if ops != m.counts.ops {
        return Err(Error::rejected("its op count does not match its manifest"));
    }
    Ok(runs)
}

/// Each run must end at exactly one head of its device, and a bundle carries no other
/// heads. A head of a known device must verify against its certified key.
fn attach_heads(runs: &mut [Run], heads: Vec<SignedHead>, keys: &Keys) -> Result<()> {
    if heads.len() != runs.len() {
        return Err(Error::rejected(
            "its chain heads do not match the changes it carries (one head per device sent, no more)",
        ));
    }
    let mut by_device: HashMap<Uuid, SignedHead> = HashMap::new();
    for h in heads {
        if by_device.insert(h.device, h).is_some() {
            return Err(Error::rejected("it carries two heads for one device"));
        }
    }
    for run in runs {
        let last = run.changes.last().expect("a run is never empty");
        let head = by_device.remove(&run.device).ok_or_else(|| {
            Error::rejected(format!(
                "the changes of device {} carry no signed head",
                run.device
            ))
        })?;
        if head.seq != last.change.seq || head.hash != last.hash {
            return Err(Error::rejected(format!(
                "the signed head of device {} does not match its changes",
                run.device
            )));
        }
        if let Some(t) = keys.0.get(&run.device) {
            if !head.verify(&t.key) {
                return Err(Error::rejected(format!(
                    "the changes of device {} ({}) carry a bad signature",
                    run.device, t.office
                )));
            }
            run.key = Some(t.key);
        }
        run.head = head;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct ForkEvidence {
    pub device: Uuid,
    pub seq: u64,
    pub known_hash: String,
    pub other_hash: String,
    #[serde(skip)]
    pub other_bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub file: Option<String>,
    pub bundle_id: String,
    pub sender_device: String,
    /// The sender's office and role, from its certificate.
    pub sender_office: String,
    pub sender_role: String,
    /// The person using the sending device, as that device states it.
    pub sender_user: String,
    pub created_at: String,
    pub full: bool,
    pub dry_run: bool,
    pub already_imported: bool,
    pub file_bytes: u64,
    pub changes_in_bundle: u64,
    pub ops_in_bundle: u64,
    pub duplicates: u64,
    pub new_changes: u64,
    /// Changes applied by this import, including earlier waiting ones it unblocked.
    pub applied: u64,
    /// Changes (from any bundle) still waiting for their predecessors.
    pub waiting: u64,
    /// Changes from unknown or revoked devices, kept but not applied.
    pub held: u64,
    /// Changes that claim a clock more than a day ahead of every other device's: kept,
    /// and applied once that time comes.
    pub clock_ahead: u64,
    /// Held changes released because their device's certificate arrived or their
    /// claimed time came.
    pub released: u64,
    /// Changes that claimed to come from a device whose signature they did not carry,
    /// discarded when its certificate arrived.
    pub forged: u64,
    /// Changes un-applied because a revocation now excludes them.
    pub withdrawn: u64,
    pub attachments: u64,
    pub new_devices: Vec<String>,
    pub new_revocations: Vec<String>,
    pub effects: Effects,
    /// Labels of the records in `effects`, by id.
    pub labels: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

pub enum Outcome {
    Done(ImportReport),
    Fork(ImportReport, Vec<ForkEvidence>),
}

struct Candidate {
    change: Change,
    bytes: Vec<u8>,
    hash: Hash,
    stored: bool,
}

type Candidates = HashMap<Uuid, BTreeMap<u64, Candidate>>;

/// The newest clock this store has accepted from each device, to tell a change that
/// claims an implausible time: a change is held when it claims to be more than
/// [`hlc::MAX_CLAIM_AHEAD_MS`] ahead of this computer's clock *and* of every other
/// device's newest change. Comparing with the other devices keeps a store whose own
/// clock is wrong (a laptop back in 2000) from holding everything it receives.
struct Clocks {
    now_ms: u64,
    by_device: HashMap<Uuid, u64>,
}

impl Clocks {
    fn load(conn: &Connection, now_ms: u64) -> Result<Clocks> {
        let mut stmt = conn.prepare_cached(
            "SELECT o.device, c.hlc FROM origins o JOIN changes c ON c.device = o.device AND c.seq = o.applied_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                apply::blob_uuid(r.get_ref(0)?.as_blob()?),
                Hlc(r.get::<_, i64>(1)? as u64).millis(),
            ))
        })?;
        Ok(Clocks {
            now_ms,
            by_device: rows.collect::<rusqlite::Result<_>>()?,
        })
    }

    fn note(&mut self, device: Uuid, hlc: u64) {
        let e = self.by_device.entry(device).or_default();
        *e = (*e).max(Hlc(hlc).millis());
    }

    fn is_ahead(&self, device: &Uuid, hlc: u64) -> bool {
        let others = self
            .by_device
            .iter()
            .filter(|(d, _)| *d != device)
            .map(|(_, ms)| *ms)
            .max()
            .unwrap_or(0);
        Hlc(hlc).millis() > self.now_ms.max(others) + hlc::MAX_CLAIM_AHEAD_MS
    }
}

/// Sorts incoming verified changes into duplicates, forks, held and candidates.
struct Intake<'c> {
    conn: &'c Connection,
    clocks: Clocks,
    known: HashMap<(Uuid, u64), Hash>,
    lines: HashMap<Uuid, Option<Option<u64>>>,
    candidates: Candidates,
    held: Vec<(Incoming, i64)>,
    duplicates: u64,
    new_changes: u64,
    held_revoked: u64,
    clock_ahead: u64,
}

impl<'c> Intake<'c> {
    fn new(conn: &'c Connection, now_ms: u64) -> Result<Intake<'c>> {
        Ok(Intake {
            conn,
            clocks: Clocks::load(conn, now_ms)?,
            known: HashMap::new(),
            lines: HashMap::new(),
            candidates: HashMap::new(),
            held: Vec::new(),
            duplicates: 0,
            new_changes: 0,
            held_revoked: 0,
            clock_ahead: 0,
        })
    }

    /// What this store holds of `device` between `from` and `to`, read once.
    fn load_known(&mut self, device: Uuid, from: u64, to: u64) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, hash FROM changes WHERE device = ?1 AND seq BETWEEN ?2 AND ?3",
        )?;
        tick()?;
        let rows = stmt.query_map(
            params![
                &device.as_bytes()[..],
                from.saturating_sub(1) as i64,
                to as i64
            ],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?)),
        )?;
        for row in rows {
            let (seq, h) = row?;
            let mut hash = [0u8; 32];
            hash.copy_from_slice(&h);
            self.known.entry((device, seq)).or_insert(hash);
        }
        Ok(())
    }

    /// Takes changes of one device that a verified head vouches for. A change that
    /// contradicts one stored here is fork evidence, returned and not taken.
    fn take_verified(
        &mut self,
        device: Uuid,
        changes: Vec<Incoming>,
        forks: &mut Vec<ForkEvidence>,
    ) -> Result<()> {
        let (Some(first), Some(last)) = (changes.first(), changes.last()) else {
            return Ok(());
        };
        self.load_known(device, first.change.seq, last.change.seq)?;
        let line = match self.lines.get(&device) {
            Some(l) => *l,
            None => *self
                .lines
                .entry(device)
                .or_insert(trust::trust_line(self.conn, &device)?),
        };
        for inc in changes {
            let c = &inc.change;
            match self.known.get(&(device, c.seq)) {
                Some(hash) if *hash == inc.hash => {
                    self.duplicates += 1;
                    continue;
                }
                Some(hash) => {
                    forks.push(fork(c, *hash, &inc));
                    continue;
                }
                None => {}
            }
            if c.seq > 1 {
                if let Some(h) = self.known.get(&(device, c.seq - 1)) {
                    if *h != c.prev {
                        forks.push(fork(c, *h, &inc));
                        continue;
                    }
                }
            }
            self.known.insert((device, c.seq), inc.hash);
            self.new_changes += 1;
            if !trust::accepts(line, c.seq) {
                self.held_revoked += 1;
                self.held.push((inc, STATE_HELD));
            } else if self.clocks.is_ahead(&device, c.hlc) {
                self.clock_ahead += 1;
                self.held.push((inc, STATE_CLOCK_AHEAD));
            } else {
                self.candidates.entry(device).or_default().insert(
                    c.seq,
                    Candidate {
                        change: inc.change,
                        bytes: inc.bytes,
                        hash: inc.hash,
                        stored: false,
                    },
                );
            }
        }
        Ok(())
    }

    fn holds(&self, head: &SignedHead) -> bool {
        self.known.get(&(head.device, head.seq)) == Some(&head.hash)
    }
}

/// Applies an opened bundle inside the caller's transaction.
pub fn apply(conn: &Connection, opened: &mut Opened, dry_run: bool) -> Result<Outcome> {
    let m = &opened.manifest;
    let mut report = ImportReport {
        bundle_id: m.bundle_id.to_string(),
        sender_device: opened.sender.device.to_string(),
        sender_office: opened.sender.office.clone(),
        sender_role: opened.sender.role.clone(),
        sender_user: opened.sender.user.clone(),
        created_at: m.created_at.clone(),
        full: m.full,
        dry_run,
        file_bytes: opened.file_bytes,
        changes_in_bundle: opened.changes(),
        ops_in_bundle: opened
            .runs
            .iter()
            .flat_map(|r| &r.changes)
            .map(|i| i.change.ops.len() as u64)
            .sum(),
        ..Default::default()
    };
    let seen: Option<String> = {
        let mut stmt =
            conn.prepare_cached("SELECT imported_at FROM bundles_imported WHERE bundle = ?1")?;
        stmt.query_row([m.bundle_id.to_string()], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|ms| Hlc::from_parts(ms as u64, 0).to_rfc3339())
    };
    if let Some(when) = seen {
        report.already_imported = true;
        report.warnings.push(format!(
            "this bundle was already imported on {when}; nothing to do"
        ));
        return Ok(Outcome::Done(report));
    }

    if let Some(dir) = &opened.directory {
        tick()?;
        let merge = trust::merge_directory(conn, dir)?;
        report.new_devices = merge.new_devices.iter().map(Uuid::to_string).collect();
        report.new_revocations = merge.new_revocations.iter().map(Uuid::to_string).collect();
        if merge.escrow_changed {
            report.warnings.push(
                "headquarters' escrow key changed (a newer statement signed by the organisation key arrived)".into(),
            );
        }
        if !merge.new_revocations.is_empty() {
            report.withdrawn = enforce_revocations(conn, &mut report.effects)?;
        }
    }

    let bundle_id = m.bundle_id.to_string();
    let now = hlc::wall_millis();
    let mut intake = Intake::new(conn, now)?;
    let runs = std::mem::take(&mut opened.runs);
    let clocks: Vec<(Uuid, u64)> = runs
        .iter()
        .filter(|r| r.key.is_some())
        .flat_map(|r| r.changes.iter().map(|i| (i.change.device, i.change.hlc)))
        .collect();
    for (device, hlc) in &clocks {
        intake.clocks.note(*device, *hlc);
    }
    let mut forks = Vec::new();
    let mut verified_heads = Vec::new();
    for run in runs {
        match run.key {
            Some(key) => {
                intake.take_verified(run.device, run.changes, &mut forks)?;
                verified_heads.push((run.head, key));
            }
            None => {
                report.held += quarantine(conn, run, &bundle_id, &opened.sender.device, now)?;
            }
        }
    }
    if !forks.is_empty() {
        return Ok(Outcome::Fork(report, forks));
    }
    for (head, key) in &verified_heads {
        if intake.holds(head) {
            heads::store(conn, head, key)?;
        }
    }
    let released = release_unverified(conn, &mut intake, &mut report)?;
    report.released = released + release_due(conn, &mut intake)?;
    for (inc, state) in std::mem::take(&mut intake.held) {
        insert_waiting(conn, &inc.change, &inc.hash, &inc.bytes, state, &bundle_id)?;
    }
    report.duplicates = intake.duplicates;
    report.new_changes = intake.new_changes;
    report.held += intake.held_revoked;
    report.clock_ahead = intake.clock_ahead;
    let mut candidates = std::mem::take(&mut intake.candidates);
    load_waiting(conn, &mut candidates)?;
    report.applied = apply_ready(conn, &mut candidates, &mut report.effects, Some(&bundle_id))?;
    store_blocked(conn, candidates, &bundle_id)?;
    report.waiting = count_state(conn, STATE_PENDING)?;

    // The clock: merge the newest remote timestamp unless it is implausibly far ahead.
    let mut clock = oplog::local_clock(conn)?;
    let mut ahead: BTreeMap<Uuid, u64> = BTreeMap::new();
    for (device, hlc) in clocks {
        let (merged, skew) = hlc::observe(clock, Hlc(hlc), now);
        clock = merged;
        if let Some(ms) = skew {
            let e = ahead.entry(device).or_default();
            *e = (*e).max(ms);
        }
    }
    oplog::set_local_clock(conn, clock)?;
    for (device, ms) in ahead {
        report.warnings.push(if report.clock_ahead > 0 {
            format!(
                "the clock of device {device} is {} ahead of this computer's and of every other office's; its changes are kept and will be applied when that time comes. Check the date on that laptop (or on this one)",
                human_duration(ms)
            )
        } else {
            format!(
                "the clock of device {device} is {} ahead of this computer's; its changes were accepted, but its date should be checked",
                human_duration(ms)
            )
        });
    }
    report.attachments = opened.attachments.len() as u64;
    record_peer(conn, m, &opened.sender.office, report.new_changes)?;
    {
        let mut stmt = conn.prepare_cached(
            "INSERT INTO bundles_imported (bundle, sender, office, created_at, imported_at, changes_total, changes_new)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        tick()?;
        stmt.execute(params![
            bundle_id,
            &m.sender.device.as_bytes()[..],
            opened.sender.office,
            m.created_at,
            now as i64,
            report.changes_in_bundle as i64,
            report.new_changes as i64
        ])?;
    }
    Ok(Outcome::Done(report))
}

/// Applies changes whose claimed time has come, and whatever was waiting on them: run
/// when a store is opened, so they do not wait for the next import.
pub fn apply_due(conn: &mut Connection) -> Result<u64> {
    if count_state(conn, STATE_CLOCK_AHEAD)? == 0 {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut intake = Intake::new(&tx, hlc::wall_millis())?;
    if release_due(&tx, &mut intake)? == 0 {
        return Ok(0);
    }
    let mut candidates = std::mem::take(&mut intake.candidates);
    load_waiting(&tx, &mut candidates)?;
    let applied = apply_ready(&tx, &mut candidates, &mut Effects::default(), None)?;
    store_blocked(&tx, candidates, "")?;
    tx.commit()?;
    Ok(applied)
}

fn count_state(conn: &Connection, state: i64) -> Result<u64> {
    let mut stmt =
        conn.prepare_cached("SELECT count(*) FROM changes WHERE state <> 1 AND state = ?1")?;
    Ok(stmt.query_row([state], |r| r.get::<_, i64>(0))? as u64)
}

/// Keeps the changes of a device this store does not know yet, and their head, apart
/// from the log. Returns how many were new here.
fn quarantine(
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
fn release_unverified(
    conn: &Connection,
    intake: &mut Intake,
    report: &mut ImportReport,
) -> Result<u64> {
    let devices: Vec<Uuid> = {
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT device FROM unverified_changes u
             WHERE EXISTS (SELECT 1 FROM devices d WHERE d.device = u.device)",
        )?;
        tick()?;
        let rows = stmt.query_map([], |r| Ok(apply::blob_uuid(r.get_ref(0)?.as_blob()?)))?;
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
            let relay = apply::blob_uuid(&relay);
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
            .map(|(i, change)| Incoming {
                change,
                hash: change::hash(&rows[i].2),
                bytes: rows[i].2.clone(),
            })
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
            record_forks(conn, &forks, "")?;
        }
        for head in good_heads {
            if intake.holds(&head) {
                heads::store(conn, &head, &key)?;
            }
        }
    }
    Ok(released)
}

/// Held changes whose claimed time has come become candidates.
fn release_due(conn: &Connection, intake: &mut Intake) -> Result<u64> {
    let rows: Vec<(Vec<u8>, Vec<u8>)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT bytes, hash FROM changes WHERE state <> 1 AND state = ?1 ORDER BY device, seq",
        )?;
        tick()?;
        let rows = stmt.query_map([STATE_CLOCK_AHEAD], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut released = 0;
    for (bytes, h) in rows {
        let change = Change::decode(&bytes)?;
        if intake.clocks.is_ahead(&change.device, change.hlc) {
            continue;
        }
        let mut stmt =
            conn.prepare_cached("UPDATE changes SET state = ?3 WHERE device = ?1 AND seq = ?2")?;
        tick()?;
        stmt.execute(params![
            &change.device.as_bytes()[..],
            change.seq as i64,
            STATE_PENDING
        ])?;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&h);
        released += 1;
        intake.candidates.entry(change.device).or_default().insert(
            change.seq,
            Candidate {
                change,
                bytes,
                hash,
                stored: true,
            },
        );
    }
    Ok(released)
}

fn fork(c: &Change, known: Hash, inc: &Incoming) -> ForkEvidence {
    ForkEvidence {
        device: c.device,
        seq: c.seq,
        known_hash: hex::encode(known),
        other_hash: hex::encode(inc.hash),
        other_bytes: inc.bytes.clone(),
    }
}

fn human_duration(ms: u64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        0..=119 => format!("{minutes} minutes"),
        120..=2879 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

fn insert_waiting(
    conn: &Connection,
    c: &Change,
    hash: &Hash,
    bytes: &[u8],
    state: i64,
    bundle: &str,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO changes (device, seq, hash, prev, hlc, author, bytes, state, applied_order, received_at, bundle)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10)
         ON CONFLICT (device, seq) DO NOTHING",
    )?;
    tick()?;
    stmt.execute(params![
        &c.device.as_bytes()[..],
        c.seq as i64,
        &hash[..],
        &c.prev[..],
        c.hlc as i64,
        c.author,
        bytes,
        state,
        hlc::wall_millis() as i64,
        bundle
    ])?;
    Ok(())
}

/// Stores the candidates that could not be applied yet, as pending.
fn store_blocked(conn: &Connection, candidates: Candidates, bundle: &str) -> Result<()> {
    for (_, by_seq) in candidates {
        for (_, cand) in by_seq {
            if !cand.stored {
                insert_waiting(
                    conn,
                    &cand.change,
                    &cand.hash,
                    &cand.bytes,
                    STATE_PENDING,
                    bundle,
                )?;
            }
        }
    }
    Ok(())
}

/// Adds changes that were already waiting here to the candidates.
fn load_waiting(conn: &Connection, candidates: &mut Candidates) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("SELECT bytes, hash FROM changes WHERE state <> 1 AND state = ?1")?;
    tick()?;
    let rows = stmt.query_map([STATE_PENDING], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    for row in rows {
        let (bytes, h) = row?;
        let change = Change::decode(&bytes)?;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&h);
        candidates.entry(change.device).or_default().insert(
            change.seq,
            Candidate {
                change,
                bytes,
                hash,
                stored: true,
            },
        );
    }
    Ok(())
}

/// Applies every candidate whose causal predecessors are present, in causal order.
/// Candidates that stay blocked are left in the map.
fn apply_ready(
    conn: &Connection,
    candidates: &mut Candidates,
    effects: &mut Effects,
    bundle: Option<&str>,
) -> Result<u64> {
    let mut vv: VersionVector = oplog::version_vector(conn)?;
    let mut heads: HashMap<Uuid, Hash> = HashMap::new();
    let mut waiting_on: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut order = oplog::next_applied_order(conn)?;
    let mut applied = 0;
    // Among the changes that are ready, the oldest (by clock) goes first. Any causal
    // order gives the same state; this one interleaves devices as the changes were
    // made, so time-ordered record ids mostly append to the tables instead of
    // splitting their pages.
    let next_of = |candidates: &Candidates, vv: &VersionVector, device: &Uuid| {
        let next = vv.get(device).copied().unwrap_or(0) + 1;
        candidates
            .get(device)
            .and_then(|c| c.get(&next))
            .map(|c| Reverse((c.change.hlc, *device)))
    };
    let mut heap: BinaryHeap<Reverse<(u64, Uuid)>> = candidates
        .keys()
        .filter_map(|d| next_of(candidates, &vv, d))
        .collect();
    while let Some(Reverse((_, device))) = heap.pop() {
        let next = vv.get(&device).copied().unwrap_or(0) + 1;
        let Some(by_seq) = candidates.get_mut(&device) else {
            continue;
        };
        let Some(cand) = by_seq.get(&next) else {
            continue;
        };
        if let Some((dep, _)) = cand
            .change
            .deps
            .iter()
            .find(|(d, s)| vv.get(*d).copied().unwrap_or(0) < **s)
        {
            waiting_on.entry(*dep).or_default().push(device);
            continue;
        }
        let head = match heads.get(&device) {
            Some(h) => *h,
            None => oplog::head(conn, &device)?.1,
        };
        if cand.change.prev != head {
            return Err(Error::rejected(format!(
                "change {device}:{next} does not follow the change stored before it (a fork)"
            )));
        }
        let cand = by_seq.remove(&next).expect("present");
        apply::materialise(conn, &cand.change, effects)?;
        oplog::insert_applied(conn, &cand.change, &cand.hash, &cand.bytes, bundle, order)?;
        order += 1;
        vv.insert(device, next);
        heads.insert(device, cand.hash);
        applied += 1;
        heap.extend(next_of(candidates, &vv, &device));
        for waiter in waiting_on.remove(&device).unwrap_or_default() {
            heap.extend(next_of(candidates, &vv, &waiter));
        }
    }
    for (device, hash) in &heads {
        oplog::set_origin(conn, device, vv[device], hash)?;
    }
    candidates.retain(|_, by_seq| !by_seq.is_empty());
    Ok(applied)
}

/// Takes back applied changes that a revocation now excludes, and everything that
/// depended on them, by replaying the log without them. Returns how many were withdrawn.
fn enforce_revocations(conn: &Connection, effects: &mut Effects) -> Result<u64> {
    tick()?;
    let withdrawn = conn.execute(
        "UPDATE changes SET state = 2, applied_order = NULL
         WHERE state IN (0, 1, 3) AND EXISTS (
            SELECT 1 FROM devices d WHERE d.device = changes.device
              AND d.revoked_through IS NOT NULL AND changes.seq > d.revoked_through)",
        [],
    )? as u64;
    if withdrawn > 0 {
        replay_causally(conn, effects)?;
    }
    Ok(withdrawn)
}

/// Rebuilds the materialised state from the applied changes, demoting to waiting any
/// change whose predecessors are no longer applied.
fn replay_causally(conn: &Connection, effects: &mut Effects) -> Result<()> {
    for table in oplog::derived_tables() {
        tick()?;
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let rows: Vec<(Vec<u8>, Vec<u8>)> = {
        let mut stmt =
            conn.prepare("SELECT bytes, hash FROM changes WHERE state = 1 ORDER BY applied_order")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut vv: VersionVector = BTreeMap::new();
    for (bytes, h) in rows {
        let change = Change::decode(&bytes)?;
        let ready = vv.get(&change.device).copied().unwrap_or(0) + 1 == change.seq
            && change
                .deps
                .iter()
                .all(|(d, s)| vv.get(d).copied().unwrap_or(0) >= *s);
        if ready {
            let mut hash = [0u8; 32];
            hash.copy_from_slice(&h);
            apply::materialise(conn, &change, effects)?;
            oplog::set_origin(conn, &change.device, change.seq, &hash)?;
            vv.insert(change.device, change.seq);
        } else {
            tick()?;
            conn.execute(
                "UPDATE changes SET state = 0, applied_order = NULL WHERE device = ?1 AND seq = ?2",
                params![&change.device.as_bytes()[..], change.seq as i64],
            )?;
        }
    }
    Ok(())
}

fn record_peer(conn: &Connection, m: &Manifest, office: &str, new_changes: u64) -> Result<()> {
    let acked: Option<String> = conn
        .query_row(
            "SELECT acked FROM peers WHERE device = ?1",
            [&m.sender.device.as_bytes()[..]],
            |r| r.get(0),
        )
        .ok();
    let mut vv: VersionVector = acked
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default();
    for (d, s) in &m.sender_vv {
        let e = vv.entry(*d).or_default();
        *e = (*e).max(*s);
    }
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
            hlc::wall_millis() as i64,
            new_changes as i64
        ],
    )?;
    Ok(())
}

/// Records fork evidence (in its own transaction, after the bundle was rejected).
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
