//! Export, import (preview and apply), peer status and forks: compositions of
//! [`crate::sync`] over this store.

use super::messages as m;
use super::{Nansen, OriginInfo};
use crate::domain::vocab::Vocabularies;
use crate::error::messages as em;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::oplog::Effects;
use crate::store::blobs;
use crate::sync::export::{self, ExportReport, ExportRequest, Writer};
use crate::sync::import::{self, ImportReport, Outcome};
use crate::sync::{peers, Progress};
use crate::trust;
use rusqlite::TransactionBehavior;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, TS)]
pub struct PeerStatus {
    pub device: Uuid,
    pub office: String,
    pub role: Option<String>,
    pub enrolled: bool,
    pub revoked: bool,
    pub last_received_at: Option<String>,
    pub last_received_bundle: Option<String>,
    pub last_received_changes: Option<u64>,
    /// What the peer has acknowledged: its version vector in its last bundle here.
    pub acknowledged: Vec<OriginInfo>,
    pub last_sent_at: Option<String>,
    pub last_sent_bundle: Option<String>,
    pub last_sent_changes: Option<u64>,
    /// Changes this store holds that the peer has not acknowledged.
    pub waiting_to_send: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ForkInfo {
    pub device: Uuid,
    pub office: Option<String>,
    pub seq: u64,
    pub known_hash: String,
    pub other_hash: String,
    pub bundle: Option<String>,
    pub detected_at: String,
}

fn millis_to_rfc3339(ms: Option<u64>) -> Option<String> {
    ms.map(|m| Hlc::from_parts(m, 0).to_rfc3339())
}

impl Nansen {
    /// This device's age identity, the organisation's escrow identity if it holds it,
    /// and the escrow identities of retired organisation keys (bundles encrypted to
    /// them before a rotation are still on their way).
    fn identities(&self) -> Result<Vec<age::x25519::Identity>> {
        let mut ids = vec![self.keys.age.clone()];
        if let Some(org) = trust::org_keys(self.conn())? {
            ids.push(org.age);
        }
        ids.extend(trust::retired_identities(self.conn())?);
        Ok(ids)
    }

    /// The enrolled, unrevoked devices a peer name (office or device id) stands for.
    fn peer_devices(&self, peer: &str) -> Result<Vec<trust::KnownDevice>> {
        let own = self.device_id();
        let devices: Vec<trust::KnownDevice> = trust::known_devices(self.conn())?
            .into_iter()
            .filter(|d| d.device != own)
            .collect();
        let wanted = peer.trim();
        let matches: Vec<trust::KnownDevice> = devices
            .iter()
            .filter(|d| {
                d.office.eq_ignore_ascii_case(wanted)
                    || d.device.to_string() == wanted.to_lowercase()
                    || (wanted.len() >= 8
                        && d.device
                            .simple()
                            .to_string()
                            .starts_with(&wanted.to_lowercase()))
            })
            .cloned()
            .collect();
        if matches.is_empty() {
            let mut offices: Vec<String> = devices.iter().map(|d| d.office.clone()).collect();
            offices.sort();
            offices.dedup();
            return Err(Error::invalid(if offices.is_empty() {
                m::no_such_peer_none_known(wanted)
            } else {
                m::no_such_peer(wanted, offices.join(", "))
            }));
        }
        let active: Vec<_> = matches
            .into_iter()
            .filter(|d| d.revoked_through.is_none())
            .collect();
        if active.is_empty() {
            return Err(Error::invalid(m::peer_revoked(wanted)));
        }
        Ok(active)
    }

    /// Writes a bundle for a peer: every change it has not acknowledged (or, with
    /// `full`, everything), encrypted to its devices and to the organisation's escrow key.
    pub fn export_bundle(
        &mut self,
        req: &ExportRequest,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        export::enrolled_org(self.conn())?;
        if trust::known_device(self.conn(), &self.device_id())?.is_none() {
            return Err(Error::trust(m::device_needs_enrolment()));
        }
        let peers = match &req.peer {
            Some(p) => self.peer_devices(p)?,
            None if req.full => Vec::new(),
            None => return Err(Error::invalid(m::export_needs_peer())),
        };
        let dir = self.store.dir().to_path_buf();
        let writer = Writer {
            keys: &self.keys,
            user: &self.author.name,
            dir: &dir,
        };
        export::write_bundle(&mut self.store.conn, &writer, &peers, req, progress)
    }

    fn open_bundle_file(&self, path: &Path) -> Result<import::Opened> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(em::reading(path.display()), e))?;
        let ids = self.identities()?;
        let refs: Vec<&age::x25519::Identity> = ids.iter().collect();
        let holds_escrow = ids.len() > 1;
        import::open(self.conn(), &bytes, &refs, self.device_id(), holds_escrow)
    }

    /// What importing this bundle would do, computed by applying it and rolling back.
    pub fn import_preview(&mut self, path: &Path) -> Result<ImportReport> {
        self.import_file(path, true, &mut |_| {})
    }

    pub fn import_bundle(
        &mut self,
        path: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        self.import_file(path, false, progress)
    }

    fn import_file(
        &mut self,
        path: &Path,
        dry_run: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        self.in_bulk(|n| n.apply_file(path, dry_run, progress))
    }

    fn apply_file(
        &mut self,
        path: &Path,
        dry_run: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        progress(Progress::new("verifying", 0, 0));
        let mut opened = self.open_bundle_file(path)?;
        let total = opened.changes();
        progress(Progress::new("applying", 0, total));
        let dir = self.store.dir().to_path_buf();
        let (vocab, lang) = (&self.vocab, self.lang.as_str());
        let tx = self
            .store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        match import::apply(&tx, vocab, &mut opened, dry_run)? {
            Outcome::Fork(_, forks) => {
                drop(tx);
                if !dry_run {
                    let tx = self.store.conn.transaction()?;
                    peers::record_forks(&tx, &forks, &opened.manifest.bundle_id.to_string())?;
                    tx.commit()?;
                }
                let f = &forks[0];
                Err(Error::rejected(m::fork(f.device, f.seq)))
            }
            Outcome::Done(mut report) => {
                report.file = Some(path.display().to_string());
                report.labels = labels_of(&tx, vocab, lang, &report.effects)?;
                if dry_run {
                    // A preview says what would wait for review, so it compares what it
                    // brought now; the rollback undoes it.
                    let waiting = crate::oplog::derive::pending(&tx)? as usize;
                    crate::oplog::derive::check_pending(&tx, waiting, None)?;
                }
                report.possible_duplicates = crate::oplog::duplicates::pending_duplicates(
                    &tx,
                    crate::domain::matching::DEFAULT_THRESHOLD,
                )?;
                report.unchecked = crate::oplog::derive::pending(&tx)?;
                if dry_run {
                    tx.rollback()?;
                } else {
                    for (hash, bytes) in &opened.attachments {
                        blobs::write_blob(&tx, &dir, hash, bytes)?;
                    }
                    tx.commit()?;
                }
                progress(Progress::new("done", total, total));
                Ok(report)
            }
        }
    }

    pub fn peers(&self) -> Result<Vec<PeerStatus>> {
        let own = self.device_id();
        let conn = self.conn();
        let blank = |device: Uuid, office: String| PeerStatus {
            device,
            office,
            role: None,
            enrolled: false,
            revoked: false,
            last_received_at: None,
            last_received_bundle: None,
            last_received_changes: None,
            acknowledged: vec![],
            last_sent_at: None,
            last_sent_bundle: None,
            last_sent_changes: None,
            waiting_to_send: 0,
        };
        let mut by_device: BTreeMap<Uuid, PeerStatus> = BTreeMap::new();
        for d in trust::known_devices(conn)? {
            if d.device == own {
                continue;
            }
            by_device.insert(
                d.device,
                PeerStatus {
                    role: Some(d.role),
                    enrolled: true,
                    revoked: d.revoked_through.is_some(),
                    ..blank(d.device, d.office)
                },
            );
        }
        for row in peers::all(conn)? {
            if row.device == own {
                continue;
            }
            let p = by_device
                .entry(row.device)
                .or_insert_with(|| blank(row.device, row.office.clone()));
            p.last_received_bundle = row.last_received_bundle;
            p.last_received_at = millis_to_rfc3339(row.last_received_at);
            p.last_received_changes = row.last_received_changes;
            p.last_sent_bundle = row.last_sent_bundle;
            p.last_sent_at = millis_to_rfc3339(row.last_sent_at);
            p.last_sent_changes = row.last_sent_changes;
        }
        for p in by_device.values_mut() {
            let acked = peers::acked(conn, &p.device)?;
            p.waiting_to_send = export::count_to_send(conn, &acked)?;
            for (device, seq) in acked {
                p.acknowledged.push(OriginInfo {
                    device,
                    office: self.office_of(&device)?,
                    seq,
                });
            }
        }
        let mut out: Vec<PeerStatus> = by_device.into_values().collect();
        out.sort_by(|a, b| {
            a.office
                .to_lowercase()
                .cmp(&b.office.to_lowercase())
                .then(a.device.cmp(&b.device))
        });
        Ok(out)
    }

    pub fn forks(&self) -> Result<Vec<ForkInfo>> {
        let mut out = Vec::new();
        for f in peers::forks(self.conn())? {
            out.push(ForkInfo {
                office: self.office_of(&f.device)?,
                device: f.device,
                seq: f.seq,
                known_hash: f.known_hash,
                other_hash: f.other_hash,
                bundle: f.bundle,
                detected_at: f.detected_at,
            });
        }
        Ok(out)
    }
}

/// Labels of every record an import touched, read inside its transaction.
fn labels_of(
    conn: &rusqlite::Connection,
    vocab: &Vocabularies,
    lang: &str,
    effects: &Effects,
) -> Result<BTreeMap<String, String>> {
    let ids = effects
        .created
        .iter()
        .chain(&effects.deleted)
        .map(|r| (r.kind, &r.id))
        .chain(effects.updated.iter().map(|u| (u.kind, &u.id)))
        .chain(effects.conflicts_opened.iter().map(|u| (u.kind, &u.id)));
    let mut labels = BTreeMap::new();
    for (kind, id) in ids {
        if labels.contains_key(id) {
            continue;
        }
        let label = super::records::row_of(conn, kind, id)?
            .map(|f| crate::domain::labels::label(vocab, lang, kind, &f))
            .unwrap_or_default();
        labels.insert(id.clone(), label);
    }
    Ok(labels)
}
