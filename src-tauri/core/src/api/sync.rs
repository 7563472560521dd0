//! Export, import (preview and apply), conflicts and their resolution, peer status.

use super::records::{parse_value_id, LiveValue};
use super::{Nansen, OriginInfo};
use crate::domain::schema::DELETED;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::hlc::{self, Hlc};
use crate::oplog::apply::blob_uuid;
use crate::oplog::{self, Op, VersionVector};
use crate::sync::bundle::{self, Counts, Manifest, Sender};
use crate::sync::export::{collect, ranges_to_send};
use crate::sync::import::{self, ImportReport, Outcome};
use crate::trust;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExportRequest {
    /// An office name or a device id; `None` with `full` for escrow-only bundles.
    pub peer: Option<String>,
    pub full: bool,
    pub out: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub device: Uuid,
    pub office: String,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    pub field: String,
    /// `values`: concurrent writes to one field. `delete`: edits made while someone
    /// else deleted the record.
    pub conflict: String,
    pub values: Vec<ConflictValue>,
}

pub type ConflictValue = LiveValue;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", tag = "choice", content = "value")]
pub enum ResolveChoice {
    /// Keep one of the live values, by its value id.
    Pick(String),
    /// Write a new value.
    Value(Value),
    /// For a delete conflict: keep the record (and the edits).
    Keep,
    /// For a delete conflict: confirm the delete.
    Delete,
}

/// device, seq, known hash, other hash, bundle, detected at
type ForkRow = (Vec<u8>, i64, Vec<u8>, Vec<u8>, Option<String>, i64);

#[derive(Debug, Clone, Serialize)]
pub struct ForkInfo {
    pub device: Uuid,
    pub office: Option<String>,
    pub seq: u64,
    pub known_hash: String,
    pub other_hash: String,
    pub bundle: Option<String>,
    pub detected_at: String,
}

fn millis_to_rfc3339(ms: Option<i64>) -> Option<String> {
    ms.map(|m| Hlc::from_parts(m as u64, 0).to_rfc3339())
}

impl Nansen {
    fn identities(&self) -> Result<Vec<age::x25519::Identity>> {
        let mut ids = vec![self.keys.age.clone()];
        if let Some(org) = trust::org_keys(self.conn())? {
            ids.push(org.age);
        }
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
            return Err(Error::invalid(format!(
                "no enrolled device of an office or id '{wanted}'{}",
                if offices.is_empty() {
                    "; this store knows no other devices yet (enrol with headquarters, or import a bundle)".to_string()
                } else {
                    format!("; known offices: {}", offices.join(", "))
                }
            )));
        }
        let active: Vec<_> = matches
            .iter()
            .filter(|d| d.revoked_through.is_none())
            .cloned()
            .collect();
        if active.is_empty() {
            return Err(Error::invalid(format!(
                "every device of '{wanted}' has been revoked"
            )));
        }
        Ok(active)
    }

    fn acked(&self, device: &Uuid) -> Result<VersionVector> {
        let acked: Option<String> = self
            .conn()
            .query_row(
                "SELECT acked FROM peers WHERE device = ?1",
                [&device.as_bytes()[..]],
                |r| r.get(0),
            )
            .optional()?;
        Ok(acked
            .and_then(|a| serde_json::from_str(&a).ok())
            .unwrap_or_default())
    }

    /// Writes a bundle for a peer: every change it has not acknowledged (or, with
    /// `full`, everything), encrypted to its devices and to the organisation's escrow key.
    pub fn export_bundle(
        &mut self,
        req: &ExportRequest,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ExportReport> {
        let org = trust::org(self.conn())?.ok_or_else(|| {
            Error::Trust("this store is not enrolled in an organisation yet; enrol it with headquarters before exporting".into())
        })?;
        if org.serial.is_none() {
            return Err(Error::Trust(
                "this store was enrolled by an older version of Nansen and has not yet received headquarters' signed escrow key; import a bundle from headquarters (or accept a new enrolment file) before exporting".into(),
            ));
        }
        let peers = match &req.peer {
            Some(p) => self.peer_devices(p)?,
            None if req.full => Vec::new(),
            None => {
                return Err(Error::invalid(
                    "say who the bundle is for (--for OFFICE), or use --full",
                ))
            }
        };
        let base: VersionVector = if req.full {
            BTreeMap::new()
        } else {
            // Send what the least up-to-date device of the peer lacks.
            let mut base: Option<VersionVector> = None;
            for p in &peers {
                let acked = self.acked(&p.device)?;
                base = Some(match base {
                    None => acked,
                    Some(b) => b
                        .into_iter()
                        .filter_map(|(d, s)| acked.get(&d).map(|a| (d, s.min(*a))))
                        .collect(),
                });
            }
            base.unwrap_or_default()
        };
        progress(Progress {
            stage: "collecting",
            done: 0,
            total: 0,
        });
        let conn = &self.store.conn;
        let ranges = ranges_to_send(conn, &base)?;
        let total: u64 = ranges.iter().map(|r| r.to - r.from + 1).sum();
        let collected = collect(conn, ranges, &self.keys, &mut |done| {
            if done % 1000 == 0 {
                progress(Progress {
                    stage: "collecting",
                    done,
                    total,
                });
            }
        })?;
        let frames = bundle::encode_frames(&collected.changes);
        let mut blobs = Vec::new();
        let mut missing = 0;
        for hash in &collected.attachments {
            match crate::attachments::read_blob(conn, self.store.dir(), hash)? {
                Some(bytes) => {
                    let mut h = [0u8; 32];
                    hex::decode_to_slice(hash, &mut h)
                        .map_err(|_| Error::invalid("bad attachment hash"))?;
                    blobs.push((h, bytes));
                }
                None => missing += 1,
            }
        }
        let mut recipients: Vec<age::x25519::Recipient> = Vec::new();
        let mut recipient_devices = Vec::new();
        for p in &peers {
            recipients.push(
                age::x25519::Recipient::from_str(&p.age_recipient).map_err(|_| {
                    Error::Crypto(format!("the encryption key of {} is damaged", p.office))
                })?,
            );
            recipient_devices.push(Recipient {
                device: p.device,
                office: p.office.clone(),
            });
        }
        recipients.push(
            age::x25519::Recipient::from_str(&org.escrow_recipient)
                .map_err(|_| Error::Crypto("the organisation's escrow key is damaged".into()))?,
        );
        let manifest = Manifest {
            bundle_id: Uuid::now_v7(),
            created_at: chrono::Utc::now().to_rfc3339(),
            schema_version: crate::store::migrations::latest_version(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            sender: Sender {
                device: self.device_id(),
                user: self.author.name.clone(),
            },
            recipients: peers.iter().map(|p| p.device).collect(),
            escrow: true,
            full: req.full,
            sender_vv: oplog::version_vector(conn)?,
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
        progress(Progress {
            stage: "compressing",
            done: total,
            total,
        });
        let directory = trust::directory(conn)?.expect("enrolled");
        let parts = vec![
            ("directory", "json", serde_json::to_vec(&directory)?),
            ("heads", "json", serde_json::to_vec(&collected.heads)?),
            ("changes", "zstd", bundle::compress(&frames)?),
            ("attachments", "raw", bundle::encode_attachments(&blobs)),
        ];
        let envelope = bundle::seal(manifest.clone(), parts, &self.keys.signing);
        progress(Progress {
            stage: "encrypting",
            done: total,
            total,
        });
        let file = bundle::encrypt(&envelope, &recipients)?;
        write_new_file(&req.out, &file)?;
        let tx = self.store.conn.transaction()?;
        tx.execute(
            "INSERT INTO bundles_exported (bundle, recipients, created_at, changes, full) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                manifest.bundle_id.to_string(),
                serde_json::to_string(&manifest.recipients)?,
                hlc::wall_millis() as i64,
                manifest.counts.changes as i64,
                req.full
            ],
        )?;
        for p in &peers {
            tx.execute(
                "INSERT INTO peers (device, office, last_sent_bundle, last_sent_at, last_sent_changes)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (device) DO UPDATE SET last_sent_bundle = excluded.last_sent_bundle,
                    last_sent_at = excluded.last_sent_at, last_sent_changes = excluded.last_sent_changes",
                params![
                    &p.device.as_bytes()[..],
                    p.office,
                    manifest.bundle_id.to_string(),
                    hlc::wall_millis() as i64,
                    manifest.counts.changes as i64
                ],
            )?;
        }
        tx.commit()?;
        progress(Progress {
            stage: "done",
            done: total,
            total,
        });
        Ok(ExportReport {
            bundle_id: manifest.bundle_id,
            path: req.out.clone(),
            full: req.full,
            peer: req.peer.clone(),
            recipients: recipient_devices,
            escrow: true,
            changes: manifest.counts.changes,
            ops: manifest.counts.ops,
            origins: manifest.counts.origins,
            attachments: manifest.counts.attachments,
            missing_attachments: missing,
            bytes: file.len() as u64,
        })
    }

    fn open_bundle_file(&self, path: &Path) -> Result<import::Opened> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let ids = self.identities()?;
        let refs: Vec<&age::x25519::Identity> = ids.iter().collect();
        let holds_escrow = trust::org_keys(self.conn())?.is_some();
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
        progress(Progress {
            stage: "verifying",
            done: 0,
            total: 0,
        });
        let mut opened = self.open_bundle_file(path)?;
        let total = opened.changes();
        progress(Progress {
            stage: "applying",
            done: 0,
            total,
        });
        let dir = self.store.dir().to_path_buf();
        let vocab = &self.vocab;
        let lang = self.lang.clone();
        let tx = self
            .store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = import::apply(&tx, &mut opened, dry_run)?;
        match outcome {
            Outcome::Fork(_, forks) => {
                drop(tx);
                if !dry_run {
                    let tx = self.store.conn.transaction()?;
                    import::record_forks(&tx, &forks, &opened.manifest.bundle_id.to_string())?;
                    tx.commit()?;
                }
                let f = &forks[0];
                Err(Error::rejected(format!(
                    "device {} has two different changes numbered {} (a fork: it was probably restored from a backup). \
                     The conflicting change is kept for review under `nansen forks`; that device must be re-initialised and enrolled again",
                    f.device, f.seq
                )))
            }
            Outcome::Done(mut report) => {
                report.file = Some(path.display().to_string());
                let mut ids = Vec::new();
                ids.extend(
                    report
                        .effects
                        .created
                        .iter()
                        .map(|r| (r.kind, r.id.clone())),
                );
                ids.extend(
                    report
                        .effects
                        .deleted
                        .iter()
                        .map(|r| (r.kind, r.id.clone())),
                );
                ids.extend(
                    report
                        .effects
                        .updated
                        .iter()
                        .map(|u| (u.kind, u.id.clone())),
                );
                ids.extend(
                    report
                        .effects
                        .conflicts_opened
                        .iter()
                        .map(|u| (u.kind, u.id.clone())),
                );
                for (kind, id) in ids {
                    if report.labels.contains_key(&id) {
                        continue;
                    }
                    let label = tx
                        .query_row(
                            &format!("SELECT * FROM {} WHERE id = ?1", kind.spec().table),
                            [&id],
                            |r| super::records::row_fields(kind, r),
                        )
                        .optional()?
                        .map(|f| super::records::label(vocab, &lang, kind, &f))
                        .unwrap_or_default();
                    report.labels.insert(id, label);
                }
                if dry_run {
                    tx.rollback()?;
                } else {
                    for (hash, bytes) in &opened.attachments {
                        crate::attachments::write_blob(&tx, &dir, hash, bytes)?;
                    }
                    tx.commit()?;
                }
                progress(Progress {
                    stage: "done",
                    done: total,
                    total,
                });
                Ok(report)
            }
        }
    }

    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut out = Vec::new();
        let fields: Vec<(String, String, String)> = {
            let mut stmt = self.conn().prepare(
                "SELECT entity, field, kind FROM field_state GROUP BY entity, field HAVING count(*) > 1 ORDER BY kind, entity, field",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (entity, field, kind) in fields {
            let kind = Kind::parse(&kind)?;
            let id = Uuid::parse_str(&entity).map_err(|_| Error::invalid("bad id"))?;
            let view = self.get(kind, id)?;
            out.push(Conflict {
                kind,
                id: entity,
                label: view.label.clone(),
                conflict: "values".into(),
                values: view.conflicts.get(&field).cloned().unwrap_or_default(),
                field,
            });
        }
        for kind in Kind::ALL {
            let deleted: Vec<String> = {
                let mut stmt = self.conn().prepare(&format!(
                    "SELECT id FROM {} WHERE deleted = 1 ORDER BY id",
                    kind.spec().table
                ))?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for entity in deleted {
                let id = Uuid::parse_str(&entity).map_err(|_| Error::invalid("bad id"))?;
                let edits = self.delete_conflict_edits(&id)?;
                if edits.is_empty() {
                    continue;
                }
                let view = self.get(kind, id)?;
                let mut values = Vec::new();
                for (field, value_id) in &edits {
                    let live = self.live_value(&id, field, value_id)?;
                    values.extend(live);
                }
                out.push(Conflict {
                    kind,
                    id: entity,
                    label: view.label,
                    field: DELETED.into(),
                    conflict: "delete".into(),
                    values,
                });
            }
        }
        Ok(out)
    }

    fn live_value(&self, id: &Uuid, field: &str, value_id: &str) -> Result<Option<LiveValue>> {
        let view_fields = self.conn().query_row(
            "SELECT kind FROM field_state WHERE entity = ?1 LIMIT 1",
            [id.to_string()],
            |r| r.get::<_, String>(0),
        )?;
        let view = self.get(Kind::parse(&view_fields)?, *id)?;
        if let Some(values) = view.conflicts.get(field) {
            return Ok(values.iter().find(|v| v.value_id == value_id).cloned());
        }
        let (device, seq) = parse_value_id(value_id)?;
        let author: String = self
            .conn()
            .query_row(
                "SELECT author FROM changes WHERE device = ?1 AND seq = ?2",
                params![&device.as_bytes()[..], seq as i64],
                |r| r.get(0),
            )
            .unwrap_or_default();
        let hlc: i64 = self
            .conn()
            .query_row(
                "SELECT hlc FROM changes WHERE device = ?1 AND seq = ?2",
                params![&device.as_bytes()[..], seq as i64],
                |r| r.get(0),
            )
            .unwrap_or_default();
        let value = if field == "links" {
            Value::String("links changed".into())
        } else {
            view.fields.get(field).cloned().unwrap_or(Value::Null)
        };
        Ok(Some(LiveValue {
            value: serde_json::json!({"field": field, "value": value}),
            value_id: value_id.to_string(),
            office: self.office_of(&device)?,
            device,
            author,
            at: Hlc(hlc as u64).to_rfc3339(),
            shown: true,
        }))
    }

    /// Resolves a conflict with a write that has seen every live value, so it
    /// supersedes them all here and, after sync, everywhere.
    pub fn resolve(&mut self, id: Uuid, field: &str, choice: ResolveChoice) -> Result<()> {
        let kind = self
            .kind_of(&id)?
            .ok_or_else(|| Error::not_found("record", id))?;
        let view = self.get(kind, id)?;
        let in_conflict = view.conflicts.contains_key(field)
            || (field == DELETED && self.has_delete_conflict(&id)?);
        if !in_conflict {
            return Err(Error::invalid(format!(
                "{kind} {id} has no conflict on '{field}'"
            )));
        }
        let value = match choice {
            ResolveChoice::Keep => Value::Bool(false),
            ResolveChoice::Delete => Value::Bool(true),
            ResolveChoice::Pick(value_id) => {
                let values = view.conflicts.get(field).ok_or_else(|| {
                    Error::invalid(format!("{kind} {id} has no conflict on '{field}'"))
                })?;
                values
                    .iter()
                    .find(|v| v.value_id == value_id)
                    .map(|v| v.value.clone())
                    .ok_or_else(|| {
                        Error::invalid(format!(
                            "'{value_id}' is not one of the conflicting values; they are: {}",
                            values
                                .iter()
                                .map(|v| v.value_id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?
            }
            ResolveChoice::Value(v) => {
                if field == DELETED {
                    return Err(Error::invalid(
                        "resolve a delete conflict with keep or delete",
                    ));
                }
                let spec = kind.spec().field(field)?;
                let v = spec.ty.normalise(field, &v)?;
                if v.is_null() && spec.required {
                    return Err(Error::invalid(format!("a {kind} needs a '{field}'")));
                }
                let mut input = serde_json::Map::new();
                input.insert(field.to_string(), v.clone());
                // Reuse the full validation (references, vocabularies, record rules).
                self.ops_for(kind, id, &Value::Object(input), false)?;
                v
            }
        };
        self.commit(vec![Op::Set {
            kind,
            id,
            field: field.to_string(),
            value,
        }])?;
        Ok(())
    }

    pub fn peers(&self) -> Result<Vec<PeerStatus>> {
        let own = self.device_id();
        let conn = self.conn();
        let mut by_device: BTreeMap<Uuid, PeerStatus> = BTreeMap::new();
        for d in trust::known_devices(conn)? {
            if d.device == own {
                continue;
            }
            by_device.insert(
                d.device,
                PeerStatus {
                    device: d.device,
                    office: d.office,
                    role: Some(d.role),
                    enrolled: true,
                    revoked: d.revoked_through.is_some(),
                    last_received_at: None,
                    last_received_bundle: None,
                    last_received_changes: None,
                    acknowledged: vec![],
                    last_sent_at: None,
                    last_sent_bundle: None,
                    last_sent_changes: None,
                    waiting_to_send: 0,
                },
            );
        }
        let mut stmt = conn.prepare(
            "SELECT device, office, acked, last_received_bundle, last_received_at, last_received_changes,
                    last_sent_bundle, last_sent_at, last_sent_changes FROM peers",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                blob_uuid(r.get_ref(0)?.as_blob()?),
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<i64>>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        })?;
        for row in rows {
            let (device, office, _, rb, ra, rc, sb, sa, sc) = row?;
            if device == own {
                continue;
            }
            let p = by_device.entry(device).or_insert_with(|| PeerStatus {
                device,
                office: office.clone(),
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
            });
            p.last_received_bundle = rb;
            p.last_received_at = millis_to_rfc3339(ra);
            p.last_received_changes = rc.map(|c| c as u64);
            p.last_sent_bundle = sb;
            p.last_sent_at = millis_to_rfc3339(sa);
            p.last_sent_changes = sc.map(|c| c as u64);
        }
        for p in by_device.values_mut() {
            let acked = self.acked(&p.device)?;
            p.waiting_to_send = ranges_to_send(conn, &acked)?
                .iter()
                .map(|r| r.to - r.from + 1)
                .sum();
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
        let rows: Vec<ForkRow> = {
            let mut stmt = self.conn().prepare(
                "SELECT device, seq, known_hash, other_hash, bundle, detected_at FROM forks ORDER BY detected_at",
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
        let mut out = Vec::new();
        for (device, seq, known, other, bundle, at) in rows {
            let device = blob_uuid(&device);
            out.push(ForkInfo {
                office: self.office_of(&device)?,
                device,
                seq: seq as u64,
                known_hash: hex::encode(known),
                other_hash: hex::encode(other),
                bundle,
                detected_at: millis_to_rfc3339(Some(at)).unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

/// Writes a file next to its final name, then renames it into place: a full disk or a
/// crash never leaves a half-written bundle under the real name.
pub(crate) fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "the folder {} does not exist",
            dir.display()
        )));
    }
    let tmp = dir.join(format!(
        ".{}.partial",
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = crate::store::private_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(format!("writing {}", path.display()), e));
    }
    Ok(())
}
