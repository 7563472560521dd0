//! The service API: the one surface over the core that both the `nansen` CLI and the
//! desktop app's Tauri commands call. Everything here takes and returns serde types, so
//! the CLI's `--json` output and the UI's data are the same shapes.

mod attachments;
mod audit;
pub mod catalog;
mod conflicts;
mod continuity;
mod deadlines;
pub mod demo;
mod devices;
mod duplicate_check;
mod duplicates;
mod exports;
pub mod files;
mod intake;
pub mod messages;
pub mod page;
mod persons;
mod records;
mod reports;
pub mod session;
mod sync;

pub use crate::export::log::ExportLogEntry;
pub use crate::export::{
    AggregateLevel, ConfidentialRecord, DataExportReport, DataExportRequest, ExportFormat,
    ExportKind, ExportProfile, KeySource,
};
pub use crate::intake::{
    Column, ColumnUse, MappedColumn, Mapping, MemberOf, PlannedPerson, Reason, Refusal, Target,
};
pub use crate::oplog::Rebuilt;
pub use crate::sync::export::{ExportReport, ExportRequest, Recipient};
pub use crate::sync::import::ImportReport;
pub use crate::sync::Progress;
pub use attachments::AttachmentData;
pub use audit::{AuditEntry, AuditOp};
pub use conflicts::{Conflict, ConflictValue, ResolveChoice};
pub use continuity::{BackupReport, DeviceSafetyNumber, OrgStatus, RestoreReport, RetiredOrgKey};
pub use deadlines::{Concern, Deadline, Deadlines};
pub use demo::DemoReport;
pub use devices::{ChainCheck, HeldChange};
pub use duplicate_check::{DuplicateCheck, CHECK_CHUNK};
pub use duplicates::{Candidate, CandidatePerson, ClusterReport, DuplicateQuery, Verdict};
pub use intake::{Batching, IntakePreview, IntakeReport, BATCH_ROWS, COMMIT_ROWS, COMMIT_SHARE};
pub use page::{Page, PageQuery};
pub use persons::{
    ClusterMember, ClusterView, DifferingField, FamilyRef, GroupPage, GroupRef, MemberValue,
    PersonPage, PersonQuery, PersonSummary, SourceRef, TimelineItem,
};
pub use records::{ListQuery, LiveValue, RecordSummary, RecordView, RefLabel, Stamp};
pub use reports::{
    CitedRecord, CountedQuery, Dashboard, DeadlineCounts, EventMonths, EventSeries, Figure,
    MonthCount, Paragraph, PlaceCount, PlaceLevel, PlaceRef, Sentence, SheetReport, Situation,
    SourceNote, StatusCount,
};
pub use session::{Lock, RestoredSession, Session, SessionState};
pub use sync::{ForkInfo, PeerStatus};

use crate::domain::vocab::Vocabularies;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::oplog::log::{self, ChangeState};
use crate::oplog::{self, Author};
use crate::store::keyfile::{random_bytes, KdfProfile};
use crate::store::{self, meta, set_meta, Store};
use crate::trust::{self, DeviceKeys, Role};
use messages as m;
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use uuid::Uuid;

pub struct Nansen {
    store: Store,
    vocab: Vocabularies,
    /// The language of labels built here (vocabulary terms in event and status labels).
    lang: String,
    author: Author,
    office: String,
    keys: DeviceKeys,
}

#[derive(Clone)]
pub struct InitOptions {
    pub office: String,
    pub user: String,
    /// Wiped from memory when the options are dropped.
    pub passphrase: String,
    /// Create the organisation key: this store is headquarters.
    pub hq: bool,
    pub kdf: KdfProfile,
}

impl Drop for InitOptions {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.passphrase);
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct OriginInfo {
    pub device: Uuid,
    pub office: Option<String>,
    pub seq: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Info {
    pub data_dir: PathBuf,
    pub device: Uuid,
    pub office: String,
    pub user: String,
    pub role: Option<String>,
    pub enrolled: bool,
    pub org_fingerprint: Option<String>,
    pub device_fingerprint: String,
    pub schema_version: i64,
    /// This device's own sequence counter: how many changes it has made.
    pub sequence: u64,
    /// What this store holds, per origin device.
    pub version_vector: Vec<OriginInfo>,
    pub records: std::collections::BTreeMap<String, u64>,
    pub waiting_changes: u64,
    pub held_changes: u64,
    pub conflicts: u64,
    /// Pairs of persons waiting for review as possible duplicates.
    pub possible_duplicates: u64,
    /// Persons written in bulk and not yet compared with the rest: the pairs above do
    /// not count theirs yet (`Nansen::check_duplicates`).
    pub duplicates_unchecked: u64,
}

/// One-time repairs of stores written by older versions, which SQL migrations cannot
/// do: stored chain heads whose signature does not verify are dropped (issue 7: a
/// hostile office could plant them to make every later bundle refused).
fn repair_once(conn: &mut Connection) -> Result<()> {
    const HEADS_VERIFIED: &str = "repaired:chain_heads_verified";
    if meta(conn, HEADS_VERIFIED)?.is_some() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    crate::sync::heads::purge_unverifiable(&tx)?;
    set_meta(&tx, HEADS_VERIFIED, "1")?;
    tx.commit()?;
    Ok(())
}

/// An office or user name: one line of 1 to 100 characters, trimmed.
fn one_line_name(name: &str, bad: fn(u32, u32) -> crate::error::Message) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.contains(['\n', '\r']) {
        return Err(Error::invalid(bad(1, 100)));
    }
    Ok(name.to_string())
}

fn check_office(office: &str) -> Result<String> {
    one_line_name(office, m::bad_office_name)
}

fn check_user(user: &str) -> Result<String> {
    one_line_name(user, m::bad_user_name)
}

impl Nansen {
    /// Creates a new store in `dir` with fresh device keys. With `hq`, also creates the
    /// organisation key and enrols this device as headquarters.
    pub fn init(dir: &Path, opts: InitOptions) -> Result<Nansen> {
        let office = check_office(&opts.office)?;
        let user = check_user(&opts.user)?;
        let mut store = Store::create(dir, &opts.passphrase, opts.kdf)?;
        let keys = DeviceKeys::generate();
        let tx = store.conn.transaction()?;
        keys.save(&tx, "device")?;
        store::set_secret(&tx, "attachment_key", &random_bytes::<32>()[..])?;
        set_meta(&tx, "device_id", &keys.device_id().to_string())?;
        set_meta(&tx, "office", &office)?;
        set_meta(&tx, "user", &user)?;
        set_meta(&tx, "created_at", &chrono::Utc::now().to_rfc3339())?;
        if opts.hq {
            let org = DeviceKeys::generate();
            trust::found_org(&tx, &org)?;
            let cert = trust::issue_cert(
                &org,
                keys.device_id(),
                &office,
                Role::Hq,
                keys.signing.verifying_key().as_bytes(),
                &keys.recipient(),
            );
            let mut dir = trust::directory(&tx)?.expect("org was just set");
            dir.certs.push(cert);
            trust::merge_directory(&tx, &dir)?;
        }
        tx.commit()?;
        Nansen::from_store(store)
    }

    pub fn open(dir: &Path, passphrase: &str) -> Result<Nansen> {
        Nansen::from_store(Store::open(dir, passphrase)?)
    }

    fn from_store(mut store: Store) -> Result<Nansen> {
        repair_once(&mut store.conn)?;
        let vocab = Vocabularies::load(&store.conn)?;
        oplog::derive::bring_up_to_date(&mut store.conn, &vocab)?;
        crate::sync::import::apply_due(&mut store.conn, &vocab)?;
        let conn = &store.conn;
        trust::ensure_org_statement(conn)?;
        let keys =
            DeviceKeys::load(conn, "device")?.ok_or_else(|| Error::crypto(m::no_device_key()))?;
        let office = meta(conn, "office")?.unwrap_or_default();
        let user = meta(conn, "user")?.unwrap_or_default();
        Ok(Nansen {
            lang: "en".into(),
            author: Author {
                device: keys.device_id(),
                name: user,
            },
            store,
            vocab,
            office,
            keys,
        })
    }

    /// Who the changes made in this session are attributed to.
    pub fn set_session_user(&mut self, user: &str) -> Result<()> {
        self.author.name = check_user(user)?;
        Ok(())
    }

    /// The language of labels this session builds: `en` (default), `ru`, `uz` or `ky`
    /// ([`LANGUAGES`](crate::domain::vocab::LANGUAGES)).
    pub fn set_language(&mut self, lang: &str) -> Result<()> {
        if !crate::domain::vocab::LANGUAGES.contains(&lang) {
            return Err(Error::invalid(m::unknown_language(lang)));
        }
        self.lang = lang.to_string();
        Ok(())
    }

    /// Changes the default user of this store.
    pub fn set_user(&mut self, user: &str) -> Result<()> {
        let user = check_user(user)?;
        set_meta(&self.store.conn, "user", &user)?;
        self.author.name = user;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.store.conn
    }

    pub fn data_dir(&self) -> &Path {
        self.store.dir()
    }

    pub fn device_id(&self) -> Uuid {
        self.keys.device_id()
    }

    pub fn office(&self) -> &str {
        &self.office
    }

    pub fn vocabularies(&self) -> &Vocabularies {
        &self.vocab
    }

    pub fn change_passphrase(self, current: &str, new: &str, kdf: KdfProfile) -> Result<Nansen> {
        let Nansen {
            store,
            vocab,
            lang,
            author,
            office,
            keys,
        } = self;
        let store = store.change_passphrase(current, new, kdf)?;
        Ok(Nansen {
            store,
            vocab,
            lang,
            author,
            office,
            keys,
        })
    }

    pub(crate) fn commit(&mut self, ops: Vec<oplog::Op>) -> Result<oplog::Committed> {
        oplog::commit_local(&mut self.store.conn, &self.vocab, &self.author, ops)
    }

    pub fn digest(&self) -> Result<String> {
        oplog::digest::digest(self.conn())
    }

    /// Recomputes the materialised tables from the log, and drops any stored chain
    /// head that no longer verifies (a store damaged or poisoned by an older version);
    /// reports the digest before and after.
    pub fn rebuild(&mut self) -> Result<oplog::Rebuilt> {
        self.in_bulk(|n| {
            let mut rebuilt = oplog::rebuild(&mut n.store.conn, &n.vocab)?;
            let tx = n.store.conn.transaction()?;
            rebuilt.heads_dropped = crate::sync::heads::purge_unverifiable(&tx)?;
            tx.commit()?;
            Ok(rebuilt)
        })
    }

    pub fn info(&self) -> Result<Info> {
        let conn = self.conn();
        let own = self.device_id();
        let org = trust::org(conn)?;
        let me = trust::known_device(conn, &own)?;
        let vv = oplog::version_vector(conn)?;
        let mut version_vector = Vec::new();
        for (device, seq) in &vv {
            version_vector.push(OriginInfo {
                device: *device,
                office: self.office_of(device)?,
                seq: *seq,
            });
        }
        let counts = oplog::index::record_counts(conn)?;
        let mut records = std::collections::BTreeMap::new();
        for kind in Kind::ALL {
            let mut live = counts.get(&kind).map(|c| c.0).unwrap_or(0);
            if kind == Kind::Person {
                // Records judged the same person count once.
                live -= oplog::duplicates::merged_away(conn)?;
            }
            records.insert(kind.spec().plural.to_string(), live);
        }
        Ok(Info {
            data_dir: self.data_dir().to_path_buf(),
            device: own,
            office: self.office.clone(),
            user: self.author.name.clone(),
            role: me.as_ref().map(|d| d.role.clone()),
            enrolled: org.is_some() && me.is_some(),
            org_fingerprint: org
                .as_ref()
                .map(|o| trust::fingerprint(&hex::decode(&o.key).unwrap_or_default())),
            device_fingerprint: trust::fingerprint(self.keys.signing.verifying_key().as_bytes()),
            schema_version: store::migrations::user_version(conn)?,
            sequence: vv.get(&own).copied().unwrap_or(0),
            version_vector,
            records,
            waiting_changes: log::count_in_state(conn, ChangeState::Pending)?,
            held_changes: log::count_in_state(conn, ChangeState::Revoked)?
                + log::count_in_state(conn, ChangeState::ClockAhead)?
                + crate::sync::import::count_unverified(conn)?,
            conflicts: oplog::state::count_conflicts(conn)?,
            possible_duplicates: oplog::duplicates::pending_duplicates(
                conn,
                crate::domain::matching::DEFAULT_THRESHOLD,
            )?,
            duplicates_unchecked: self.duplicates_unchecked()?,
        })
    }

    /// The office a device belongs to, if this store knows it.
    pub fn office_of(&self, device: &Uuid) -> Result<Option<String>> {
        if *device == self.device_id() {
            return Ok(Some(self.office.clone()));
        }
        match trust::known_device(self.conn(), device)? {
            Some(d) => Ok(Some(d.office)),
            None => crate::sync::peers::office_of(self.conn(), device),
        }
    }
}
