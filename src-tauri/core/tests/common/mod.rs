//! Shared set-up for the core's integration tests: real encrypted stores in temporary
//! directories, enrolled in one organisation, exchanging real bundle files.
#![allow(dead_code)]

pub mod exports;

use nansen_core::api::{ExportRequest, InitOptions};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::sync::import::ImportReport;
use nansen_core::Nansen;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub const PASS: &str = "correct horse battery staple";

pub fn store(dir: &Path, office: &str, hq: bool) -> Nansen {
    Nansen::init(
        dir,
        InitOptions {
            office: office.into(),
            user: format!("monitor of {office}"),
            passphrase: PASS.into(),
            hq,
            kdf: KdfProfile::Test,
        },
    )
    .expect("init")
}

/// Headquarters and `n` enrolled offices ("Office 1" …), each of which has received a
/// bundle from headquarters, so every store knows every device.
pub struct Net {
    pub tmp: tempfile::TempDir,
    pub hq: Nansen,
    pub offices: Vec<Nansen>,
    counter: u64,
}

pub fn enrol(hq: &mut Nansen, office: &mut Nansen, files: &Path) {
    let req = files.join(format!("{}.request", office.office()));
    let enr = files.join(format!("{}.enrolment", office.office()));
    office.enrol_request(&req).expect("request");
    hq.enrol_approve(&req, &enr, nansen_core::trust::Role::Office)
        .expect("approve");
    office.enrol_accept(&enr).expect("accept");
}

impl Net {
    pub fn new(n: usize) -> Net {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(tmp.path().join("bundles")).unwrap();
        let mut hq = store(&tmp.path().join("hq"), "HQ", true);
        let mut offices = Vec::new();
        for i in 1..=n {
            let mut o = store(
                &tmp.path().join(format!("office{i}")),
                &format!("Office {i}"),
                false,
            );
            enrol(&mut hq, &mut o, &tmp.path().join("bundles"));
            offices.push(o);
        }
        let mut net = Net {
            tmp,
            hq,
            offices,
            counter: 0,
        };
        for i in 0..n {
            let b = net.export_from_hq(i);
            net.offices[i]
                .import_bundle(&b, &mut |_| {})
                .expect("directory from HQ");
        }
        net
    }

    pub fn bundle_path(&mut self) -> PathBuf {
        self.counter += 1;
        self.tmp
            .path()
            .join("bundles")
            .join(format!("b{}.nansen", self.counter))
    }

    /// Writes a bundle from one store (`None` is HQ) for another.
    pub fn export(&mut self, from: Option<usize>, to: Option<usize>) -> PathBuf {
        let path = self.bundle_path();
        let peer = self.store(to).office().to_string();
        self.store_mut(from)
            .export_bundle(
                &ExportRequest {
                    peer: Some(peer),
                    full: false,
                    out: path.clone(),
                },
                &mut |_| {},
            )
            .expect("export");
        path
    }

    pub fn export_from_hq(&mut self, to: usize) -> PathBuf {
        self.export(None, Some(to))
    }

    pub fn export_from_office(&mut self, from: usize, to: Option<usize>) -> PathBuf {
        self.export(Some(from), to)
    }

    pub fn store_mut(&mut self, i: Option<usize>) -> &mut Nansen {
        match i {
            Some(i) => &mut self.offices[i],
            None => &mut self.hq,
        }
    }

    pub fn store(&self, i: Option<usize>) -> &Nansen {
        match i {
            Some(i) => &self.offices[i],
            None => &self.hq,
        }
    }

    /// Exports from one store for another and imports it there, then compares the
    /// persons it brought for duplicates, as the CLI does (the report is the import's).
    pub fn send(&mut self, from: Option<usize>, to: Option<usize>) -> ImportReport {
        let path = self.export(from, to);
        let n = self.store_mut(to);
        let report = n.import_bundle(&path, &mut |_| {}).expect("import");
        n.check_duplicates(None, &mut |_| {}).expect("check");
        report
    }

    /// Every office sends to HQ, then HQ sends to every office.
    pub fn full_exchange(&mut self) {
        for i in 0..self.offices.len() {
            self.send(Some(i), None);
        }
        for i in 0..self.offices.len() {
            self.send(None, Some(i));
        }
    }

    pub fn digests(&self) -> Vec<String> {
        let mut d = vec![self.hq.digest().unwrap()];
        d.extend(self.offices.iter().map(|o| o.digest().unwrap()));
        d
    }
}

pub fn person(n: &mut Nansen, name: &str, lang: &str) -> Uuid {
    n.add(Kind::Person, &json!({"name": {"text": name, "lang": lang}}))
        .expect("add person")
}

pub fn name_of(n: &Nansen, id: Uuid) -> Value {
    n.get(Kind::Person, id).unwrap().fields["name"]["text"].clone()
}

/// Every row of every derived table, as text, in a fixed order: two stores with the same
/// dump hold byte-for-byte the same materialised state.
pub fn dump(n: &Nansen) -> Vec<String> {
    dump_tables(n, &nansen_core::oplog::derived_tables())
}

/// Every row of the tables derived from the records (statuses, places, counts, name
/// words): equal on every store that holds the same records.
pub fn derived_dump(n: &Nansen) -> Vec<String> {
    dump_tables(n, &nansen_core::oplog::derive::TABLES)
}

fn dump_tables(n: &Nansen, tables: &[&str]) -> Vec<String> {
    let conn = n.conn();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let cols = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut s = format!("{t}:");
                for i in 0..cols {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("{v:?}|"));
                }
                Ok(s)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

/// Reads a secret of a store (device keys live only inside the encrypted store).
pub fn secret(n: &Nansen, name: &str) -> Vec<u8> {
    n.conn()
        .query_row("SELECT value FROM secrets WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

/// The signing key of a store's device: what a hostile office holds of its own.
pub fn signing_key(n: &Nansen) -> ed25519_dalek::SigningKey {
    let bytes: [u8; 32] = secret(n, "device_signing_key").try_into().unwrap();
    ed25519_dalek::SigningKey::from_bytes(&bytes)
}

pub fn age_identity(n: &Nansen) -> age::x25519::Identity {
    String::from_utf8(secret(n, "device_age_identity"))
        .unwrap()
        .parse()
        .unwrap()
}

/// The age recipient of a store's device and of its organisation's escrow key.
pub fn recipients_of(n: &Nansen) -> Vec<String> {
    vec![
        age_identity(n).to_public().to_string(),
        nansen_core::trust::org(n.conn())
            .unwrap()
            .unwrap()
            .escrow_recipient,
    ]
}

/// A bundle made by hand with the core's own types, as a hostile (but enrolled)
/// office can: any heads, any changes, signed with its own device key.
pub struct Crafted {
    pub signer: ed25519_dalek::SigningKey,
    pub sender: Uuid,
    pub user: String,
    pub to: Vec<Uuid>,
    pub recipients: Vec<String>,
    pub directory: Option<nansen_core::trust::Directory>,
    pub heads: Vec<nansen_core::sync::bundle::SignedHead>,
    pub changes: Vec<Vec<u8>>,
    /// Replaces the changes part (compressed) and what the manifest declares of it.
    pub raw_changes: Option<(Vec<u8>, nansen_core::sync::bundle::Counts)>,
    /// The schema the manifest declares (what this release's exports declare, by default).
    pub schema_version: i64,
}

impl Crafted {
    /// An empty bundle from `from` to `to`, signed by `from`'s device.
    pub fn new(from: &Nansen, to: &Nansen) -> Crafted {
        Crafted {
            signer: signing_key(from),
            sender: from.device_id(),
            user: "monitor".into(),
            to: vec![to.device_id()],
            recipients: recipients_of(to),
            directory: None,
            heads: vec![],
            changes: vec![],
            raw_changes: None,
            schema_version: nansen_core::store::migrations::bundle_schema_version(),
        }
    }

    pub fn seal(&self) -> Vec<u8> {
        use nansen_core::sync::bundle::{self, Counts, Manifest, Sender};
        let frames = bundle::encode_frames(&self.changes);
        let (compressed, counts) = self.raw_changes.clone().unwrap_or_else(|| {
            let ops: u64 = self
                .changes
                .iter()
                .map(|c| nansen_core::oplog::Change::decode(c).unwrap().ops.len() as u64)
                .sum();
            (
                bundle::compress(&frames).unwrap(),
                Counts {
                    changes: self.changes.len() as u64,
                    ops,
                    origins: self.heads.len() as u64,
                    changes_bytes: frames.len() as u64,
                    attachments: 0,
                    attachment_bytes: 0,
                },
            )
        });
        let manifest = Manifest {
            bundle_id: Uuid::now_v7(),
            created_at: chrono::Utc::now().to_rfc3339(),
            schema_version: self.schema_version,
            app_version: "0.1.0".into(),
            sender: Sender {
                device: self.sender,
                user: self.user.clone(),
            },
            recipients: self.to.clone(),
            escrow: true,
            full: false,
            sender_vv: Default::default(),
            ack: Default::default(),
            counts,
            parts: vec![],
        };
        let mut parts = Vec::new();
        if let Some(d) = &self.directory {
            parts.push(("directory", "json", serde_json::to_vec(d).unwrap()));
        }
        parts.push(("heads", "json", serde_json::to_vec(&self.heads).unwrap()));
        parts.push(("changes", "zstd", compressed));
        let envelope = bundle::seal(manifest, parts, &self.signer);
        let recipients: Vec<age::x25519::Recipient> =
            self.recipients.iter().map(|r| r.parse().unwrap()).collect();
        bundle::encrypt(&envelope, &recipients).unwrap()
    }
}

/// The exact bytes of a stored change.
pub fn change_bytes(n: &Nansen, device: Uuid, seq: u64) -> Vec<u8> {
    nansen_core::oplog::log::bytes_of(n.conn(), &device, seq)
        .unwrap()
        .expect("the change is stored")
}

/// Every file below `dir`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Whether `needle` appears in `haystack` as UTF-8 bytes.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack.windows(n.len()).any(|w| w == n)
}

/// An intake's batching with `change_rows` rows a change and `commit_rows` new persons
/// a commit, however many the store holds.
pub fn batches(change_rows: usize, commit_rows: usize) -> nansen_core::api::Batching {
    nansen_core::api::Batching {
        change_rows,
        commit_rows,
        commit_share: 0.0,
    }
}
