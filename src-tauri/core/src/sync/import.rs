//! Import: verify everything, then apply in one transaction (or roll back, for a preview).

use super::bundle::{self, Manifest, SignedHead};
use crate::error::{Error, Result};
use crate::fault::tick;
use crate::hlc::{self, Hlc};
use crate::oplog::apply;
use crate::oplog::{self, change, Change, Effects, Hash, VersionVector, STATE_HELD, STATE_PENDING};
use crate::trust::{self, Directory};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use uuid::Uuid;

pub struct Incoming {
    pub change: Change,
    pub bytes: Vec<u8>,
    pub hash: Hash,
    /// False when the origin device is unknown here, so its signature could not be checked.
    pub verified: bool,
}

/// A bundle that has been decrypted and verified, not yet applied.
pub struct Opened {
    pub manifest: Manifest,
    pub directory: Option<Directory>,
    pub heads: Vec<SignedHead>,
    pub incoming: Vec<Incoming>,
    pub attachments: Vec<(Hash, Vec<u8>)>,
    pub file_bytes: u64,
}

/// The devices whose keys this import may use: those enrolled here plus those whose
/// certificates, signed by our organisation, arrive in the bundle itself.
struct Keys {
    keys: HashMap<Uuid, (VerifyingKey, Option<u64>, String)>,
}

impl Keys {
    fn load(conn: &Connection, directory: Option<&Directory>) -> Result<Keys> {
        let mut keys = HashMap::new();
        for d in trust::known_devices(conn)? {
            let vk = trust::verifying_key(&hex::decode(&d.sign_key).unwrap_or_default())?;
            keys.insert(d.device, (vk, d.revoked_through, d.office));
        }
        if let (Some(dir), Some(org)) = (directory, trust::org(conn)?) {
            if dir.org_key != org.key {
                return Err(Error::rejected(
                    "it was made by a device of another organisation",
                ));
            }
            // Verify the directory without storing it: a scratch in-memory copy.
            let scratch = Connection::open_in_memory()?;
            scratch
                .execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")?;
            scratch.execute_batch(include_str!("../trust/migrations/005_trust.sql"))?;
            trust::set_org(&scratch, &org.key, &org.escrow_recipient)?;
            trust::merge_directory(&scratch, dir).map_err(|e| Error::rejected(e.to_string()))?;
            for d in trust::known_devices(&scratch)? {
                let vk = trust::verifying_key(&hex::decode(&d.sign_key).unwrap_or_default())?;
                let entry = keys.entry(d.device).or_insert((vk, None, d.office.clone()));
                if let Some(r) = d.revoked_through {
                    entry.1 = Some(entry.1.map_or(r, |e| e.min(r)));
                }
            }
        }
        Ok(Keys { keys })
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
    let directory: Option<Directory> = env
        .part("directory")
        .map(serde_json::from_slice)
        .transpose()
        .map_err(|_| Error::rejected("its trust directory is malformed"))?;
    if trust::org(conn)?.is_none() {
        return Err(Error::rejected(
            "this store is not enrolled in an organisation yet, so it cannot check who sent the bundle; enrol it with headquarters first",
        ));
    }
    let keys = Keys::load(conn, directory.as_ref())?;
    let Some((sender_key, sender_revoked, _)) = keys.keys.get(&m.sender.device) else {
        return Err(Error::rejected(format!(
            "it is signed by device {} ('{}'), which is not enrolled in this organisation",
            m.sender.device, m.sender.office
        )));
    };
    if !env.verify_signature(sender_key) {
        return Err(Error::rejected(
            "its signature does not match its content: it was altered or forged",
        ));
    }
    if sender_revoked.is_some() {
        return Err(Error::rejected(format!(
            "its sender, device {} ('{}'), has been revoked",
            m.sender.device, m.sender.office
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
    let mut incoming = Vec::new();
    if let Some(part) = env.part("changes") {
        let raw = bundle::decompress(part)?;
        for frame in bundle::decode_frames(&raw)? {
            let change = Change::decode(frame).map_err(|e| Error::rejected(e.to_string()))?;
            for op in &change.ops {
                op.validate().map_err(|e| {
                    Error::rejected(format!(
                        "change {}:{} is malformed: {e}",
                        change.device, change.seq
                    ))
                })?;
            }
            incoming.push(Incoming {
                hash: change::hash(frame),
                bytes: frame.to_vec(),
                change,
                verified: false,
            });
        }
    }
    verify_chains(&mut incoming, &heads, &keys)?;
    let attachments = match env.part("attachments") {
        Some(p) => bundle::decode_attachments(p)?
            .into_iter()
            .map(|(h, b)| (h, b.to_vec()))
            .collect(),
        None => Vec::new(),
    };
    if incoming.len() as u64 != m.counts.changes {
        return Err(Error::rejected(
            "its change count does not match its manifest",
        ));
    }
    Ok(Opened {
        manifest: m,
        directory,
        heads,
        incoming,
        attachments,
        file_bytes: file.len() as u64,
    })
}

/// Each origin's changes must be contiguous, hash-chained, and end at a head signed by
/// the origin device. Origins unknown here cannot be checked yet: their changes will be
/// held back, and checked when the device's certificate arrives.
fn verify_chains(incoming: &mut [Incoming], heads: &[SignedHead], keys: &Keys) -> Result<()> {
    let mut i = 0;
    while i < incoming.len() {
        let device = incoming[i].change.device;
        let mut j = i + 1;
        while j < incoming.len() && incoming[j].change.device == device {
            let (prev, next) = (&incoming[j - 1], &incoming[j]);
            if next.change.seq != prev.change.seq + 1 || next.change.prev != prev.hash {
                return Err(Error::rejected(format!(
                    "the changes of device {device} do not form an unbroken chain at seq {}",
                    next.change.seq
                )));
            }
            j += 1;
        }
        let last = &incoming[j - 1];
        let head = heads
            .iter()
            .find(|h| h.device == device && h.seq == last.change.seq)
            .ok_or_else(|| {
                Error::rejected(format!(
                    "the changes of device {device} carry no signed head"
                ))
            })?;
        if head.hash != last.hash {
            return Err(Error::rejected(format!(
                "the signed head of device {device} does not match its changes"
            )));
        }
        let verified = match keys.keys.get(&device) {
            Some((key, _, office)) => {
                if !head.verify(key) {
                    return Err(Error::rejected(format!(
                        "the changes of device {device} ('{office}') carry a bad signature"
                    )));
                }
                true
            }
            None => false,
        };
        for inc in &mut incoming[i..j] {
            inc.verified = verified;
        }
        i = j;
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
    pub sender_office: String,
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
    /// Held changes released because their device's certificate arrived.
    pub released: u64,
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

/// Applies an opened bundle inside the caller's transaction.
pub fn apply(conn: &Connection, opened: &mut Opened, dry_run: bool) -> Result<Outcome> {
    let m = &opened.manifest;
    let mut report = ImportReport {
        bundle_id: m.bundle_id.to_string(),
        sender_device: m.sender.device.to_string(),
        sender_office: m.sender.office.clone(),
        sender_user: m.sender.user.clone(),
        created_at: m.created_at.clone(),
        full: m.full,
        dry_run,
        file_bytes: opened.file_bytes,
        changes_in_bundle: opened.incoming.len() as u64,
        ops_in_bundle: opened
            .incoming
            .iter()
            .map(|i| i.change.ops.len() as u64)
            .sum(),
        ..Default::default()
    };
    let seen: Option<String> = {
        let mut stmt =
            conn.prepare_cached("SELECT imported_at FROM bundles_imported WHERE bundle = ?1")?;
        stmt.query_row([m.bundle_id.to_string()], |r| r.get::<_, i64>(0))
            .ok()
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
        if !merge.new_revocations.is_empty() {
            report.withdrawn = enforce_revocations(conn, &mut report.effects)?;
        }
    }

    // Intake: duplicates, forks, and what is new. What this store already holds of each
    // origin's range is read in one query per origin.
    let incoming = std::mem::take(&mut opened.incoming);
    let mut known: HashMap<(Uuid, u64), Hash> = HashMap::new();
    let mut ranges: BTreeMap<Uuid, (u64, u64)> = BTreeMap::new();
    let clocks: Vec<(Uuid, u64)> = incoming
        .iter()
        .map(|i| (i.change.device, i.change.hlc))
        .collect();
    for inc in &incoming {
        let r = ranges
            .entry(inc.change.device)
            .or_insert((inc.change.seq, inc.change.seq));
        r.0 = r.0.min(inc.change.seq);
        r.1 = r.1.max(inc.change.seq);
    }
    for (device, (from, to)) in &ranges {
        let mut stmt = conn.prepare_cached(
            "SELECT seq, hash FROM changes WHERE device = ?1 AND seq BETWEEN ?2 AND ?3",
        )?;
        tick()?;
        let rows = stmt.query_map(
            params![
                &device.as_bytes()[..],
                from.saturating_sub(1) as i64,
                *to as i64
            ],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?)),
        )?;
        for row in rows {
            let (seq, h) = row?;
            let mut hash = [0u8; 32];
            hash.copy_from_slice(&h);
            known.insert((*device, seq), hash);
        }
    }
    let mut candidates: HashMap<Uuid, BTreeMap<u64, Candidate>> = HashMap::new();
    let mut forks = Vec::new();
    let mut held_new = Vec::new();
    let mut lines: HashMap<Uuid, Option<Option<u64>>> = HashMap::new();
    for inc in incoming {
        let c = &inc.change;
        match known.get(&(c.device, c.seq)) {
            Some(hash) if *hash == inc.hash => {
                report.duplicates += 1;
                continue;
            }
            Some(hash) => {
                forks.push(fork(c, *hash, &inc));
                continue;
            }
            None => {}
        }
        if c.seq > 1 {
            if let Some(h) = known.get(&(c.device, c.seq - 1)) {
                if *h != c.prev {
                    forks.push(fork(c, *h, &inc));
                    continue;
                }
            }
        }
        known.insert((c.device, c.seq), inc.hash);
        report.new_changes += 1;
        let line = match lines.get(&c.device) {
            Some(l) => *l,
            None => *lines
                .entry(c.device)
                .or_insert(trust::trust_line(conn, &c.device)?),
        };
        if inc.verified && trust::accepts(line, c.seq) {
            candidates.entry(c.device).or_default().insert(
                c.seq,
                Candidate {
                    hash: inc.hash,
                    stored: false,
                    change: inc.change,
                    bytes: inc.bytes,
                },
            );
        } else {
            held_new.push(inc);
        }
    }
    if !forks.is_empty() {
        return Ok(Outcome::Fork(report, forks));
    }
    for h in &opened.heads {
        let mut stmt = conn.prepare_cached(
            "INSERT OR IGNORE INTO chain_heads (device, seq, hash, signature) VALUES (?1, ?2, ?3, ?4)",
        )?;
        tick()?;
        stmt.execute(params![
            &h.device.as_bytes()[..],
            h.seq as i64,
            &h.hash[..],
            hex::decode(&h.signature).unwrap_or_default()
        ])?;
    }
    for inc in &held_new {
        insert_waiting(
            conn,
            &inc.change,
            &inc.hash,
            &inc.bytes,
            STATE_HELD,
            &m.bundle_id.to_string(),
        )?;
        report.held += 1;
    }
    report.released = release_held(conn, &mut candidates)?;
    load_waiting(conn, &mut candidates)?;

    let bundle_id = m.bundle_id.to_string();
    report.applied = apply_ready(conn, &mut candidates, &mut report.effects, Some(&bundle_id))?;
    for (_, by_seq) in candidates {
        for (_, cand) in by_seq {
            if !cand.stored {
                insert_waiting(
                    conn,
                    &cand.change,
                    &cand.hash,
                    &cand.bytes,
                    STATE_PENDING,
                    &bundle_id,
                )?;
            }
        }
    }
    report.waiting = conn.query_row(
        "SELECT count(*) FROM changes WHERE state <> 1 AND state = 0",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64;

    // The clock: merge the newest remote timestamp unless it is implausibly far ahead.
    let now = hlc::wall_millis();
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
        report.warnings.push(format!(
            "the clock of device {device} is {} ahead of this computer's; its changes were accepted, but its date should be checked",
            human_duration(ms)
        ));
    }
    report.attachments = opened.attachments.len() as u64;
    record_peer(conn, m, report.new_changes)?;
    {
        let mut stmt = conn.prepare_cached(
            "INSERT INTO bundles_imported (bundle, sender, office, created_at, imported_at, changes_total, changes_new)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        tick()?;
        stmt.execute(params![
            bundle_id,
            &m.sender.device.as_bytes()[..],
            m.sender.office,
            m.created_at,
            now as i64,
            report.changes_in_bundle as i64,
            report.new_changes as i64
        ])?;
    }
    Ok(Outcome::Done(report))
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

/// Adds changes that were already waiting here to the candidates.
fn load_waiting(
    conn: &Connection,
    candidates: &mut HashMap<Uuid, BTreeMap<u64, Candidate>>,
) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("SELECT bytes, hash FROM changes WHERE state <> 1 AND state = 0")?;
    tick()?;
    let rows = stmt.query_map([], |r| {
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

/// Held changes whose device is now trusted (its certificate arrived) become
/// candidates, once their chain and signed head verify against the new key.
fn release_held(
    conn: &Connection,
    candidates: &mut HashMap<Uuid, BTreeMap<u64, Candidate>>,
) -> Result<u64> {
    let held: Vec<(Vec<u8>, Vec<u8>)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT bytes, hash FROM changes WHERE state <> 1 AND state = 2 ORDER BY device, seq",
        )?;
        tick()?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut by_device: BTreeMap<Uuid, Vec<(Change, Vec<u8>, Hash)>> = BTreeMap::new();
    for (bytes, h) in held {
        let change = Change::decode(&bytes)?;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&h);
        by_device
            .entry(change.device)
            .or_default()
            .push((change, bytes, hash));
    }
    let mut released = 0;
    for (device, changes) in by_device {
        let Some(known) = trust::known_device(conn, &device)? else {
            continue;
        };
        let key = trust::verifying_key(&hex::decode(&known.sign_key).unwrap_or_default())?;
        // Verify each run against a stored signed head at or after its end.
        let mut ok_until = 0u64;
        let mut heads_stmt =
            conn.prepare_cached("SELECT seq, hash, signature FROM chain_heads WHERE device = ?1")?;
        let heads: Vec<(u64, Vec<u8>, Vec<u8>)> = heads_stmt
            .query_map([&device.as_bytes()[..]], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, hash, sig) in heads.iter().rev() {
            let mut h = [0u8; 32];
            h.copy_from_slice(hash);
            let head = SignedHead {
                device,
                seq: *seq,
                hash: h,
                signature: hex::encode(sig),
            };
            if head.verify(&key) {
                ok_until = ok_until.max(*seq);
            }
        }
        // Walk the chain backwards from the verified head: every change it reaches is vouched for.
        let mut expected: Option<Hash> = None;
        let mut vouched = Vec::new();
        for (change, bytes, hash) in changes.into_iter().rev() {
            if change.seq > ok_until {
                continue;
            }
            let head_ok = heads
                .iter()
                .any(|(s, hh, _)| *s == change.seq && hh[..] == hash[..] && change.seq <= ok_until);
            if expected.is_some_and(|e| e == hash) || (expected.is_none() && head_ok) {
                expected = Some(change.prev);
                vouched.push((change, bytes, hash));
            } else {
                expected = None;
            }
        }
        for (change, bytes, hash) in vouched {
            if !trust::trusts(conn, &device, change.seq)? {
                continue;
            }
            let mut stmt =
                conn.prepare_cached("UPDATE changes SET state = 0 WHERE device = ?1 AND seq = ?2")?;
            tick()?;
            stmt.execute(params![&device.as_bytes()[..], change.seq as i64])?;
            released += 1;
            candidates.entry(device).or_default().insert(
                change.seq,
                Candidate {
                    change,
                    bytes,
                    hash,
                    stored: true,
                },
            );
        }
    }
    Ok(released)
}

/// Applies every candidate whose causal predecessors are present, in causal order.
/// Candidates that stay blocked are left in the map.
fn apply_ready(
    conn: &Connection,
    candidates: &mut HashMap<Uuid, BTreeMap<u64, Candidate>>,
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
    let next_of = |candidates: &HashMap<Uuid, BTreeMap<u64, Candidate>>,
                   vv: &VersionVector,
                   device: &Uuid| {
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
         WHERE state IN (0, 1) AND EXISTS (
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

fn record_peer(conn: &Connection, m: &Manifest, new_changes: u64) -> Result<()> {
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
            m.sender.office,
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
