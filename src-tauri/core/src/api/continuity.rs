//! Headquarters continuity: a backup of the whole store in one file, restoring it
//! (into an empty data dir only), and the organisation key: where it stands, rotating
//! it.
//!
//! **A restored store takes a new device identity.** A backup is a past state of a
//! device: the changes that device made after the backup may already sit in other
//! stores, and numbering new changes from the backup's head would give different
//! changes the same numbers, a fork, which every other store refuses. A store cannot
//! learn from one peer that no other peer holds later changes, so it does not try to
//! continue the old sequence. Before the restored store is put in place (so before
//! anything can be written):
//!
//! 1. the old device key signs the head of the old device's last change in the
//!    backup, so the restored store can relay every change of the backup, vouched for
//!    by the device that made it (a copy of what others may hold: never a fork);
//! 2. new device keys (signing and age) replace the old ones, which are gone from the
//!    store: it can never sign as the old device again;
//! 3. headquarters (a store holding the organisation key) certifies its new device at
//!    once; an office's new device must be enrolled again (`nansen enrol request`,
//!    approved by headquarters) before it can export. Until then it records as usual;
//!    its changes travel once it is enrolled.
//!
//! The old device stays enrolled: changes it made after the backup reach the restored
//! store like any other device's. If the old laptop may be in the wrong hands,
//! headquarters revokes the old device (after importing what it sent), and, if it held
//! the organisation key, rotates the key.

use super::messages as m;
use super::Nansen;
use crate::error::{Error, Result};
use crate::oplog;
use crate::store::keyfile::KdfProfile;
use crate::store::{self, backup, meta, set_meta};
use crate::sync::bundle::SignedHead;
use crate::sync::heads;
use crate::trust::{self, DeviceKeys, Role};
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub attachments: u64,
    pub created_at: String,
    /// Encrypted under the store's own passphrase (otherwise under the one given).
    pub store_passphrase: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoreReport {
    /// The restored store's new device.
    pub device: Uuid,
    /// The device the backup was taken from.
    pub previous_device: Uuid,
    pub office: String,
    pub backed_up_at: String,
    /// It holds the organisation key (headquarters): its new device is enrolled already.
    pub headquarters: bool,
    /// An office's new device must be enrolled again before it can export.
    pub needs_enrolment: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DeviceSafetyNumber {
    pub device: Uuid,
    pub office: String,
    pub role: String,
    pub safety_number: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RetiredOrgKey {
    pub fingerprint: String,
    /// The serial of the rotation that retired it.
    pub serial: u64,
    pub retired_at: String,
}

/// The organisation key as this store knows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OrgStatus {
    pub fingerprint: String,
    pub serial: u64,
    /// This store holds the organisation key (a headquarters device).
    pub holds_org_key: bool,
    /// This device's safety number, when it is enrolled.
    pub safety_number: Option<String>,
    /// Every enrolled device's safety number, to read out after a rotation.
    pub devices: Vec<DeviceSafetyNumber>,
    /// Keys retired by rotations, oldest first.
    pub retired: Vec<RetiredOrgKey>,
}

impl Nansen {
    /// Writes a backup of the whole store to `out` (a new file). `passphrase` must be
    /// the store's; the backup is encrypted under `other` if given (it must meet the
    /// passphrase rules), else under the store's.
    pub fn backup(
        &self,
        out: &Path,
        passphrase: &str,
        other: Option<&str>,
        kdf: KdfProfile,
    ) -> Result<BackupReport> {
        self.store.check_passphrase(passphrase)?;
        if let Some(p) = other {
            store::check_passphrase_rules(p)?;
        }
        let w = backup::write(&self.store, out, other.unwrap_or(passphrase), kdf)?;
        Ok(BackupReport {
            path: out.to_path_buf(),
            bytes: w.bytes,
            attachments: w.attachments,
            created_at: w.created_at,
            store_passphrase: other.is_none(),
        })
    }

    /// Restores the backup `file` into the empty data dir `dir`, under a new device
    /// identity (see the module docs), and opens it with the backup's passphrase.
    pub fn restore_backup(
        dir: &Path,
        file: &Path,
        passphrase: &str,
        kdf: KdfProfile,
    ) -> Result<(Nansen, RestoreReport)> {
        let mut staged = backup::stage(dir, file, passphrase)?;
        let backed_up_at = staged.manifest.created_at.clone();
        let tx = staged.conn().transaction()?;
        let mut report = take_new_identity(&tx)?;
        tx.commit()?;
        staged.publish(passphrase, kdf)?;
        report.backed_up_at = backed_up_at;
        Ok((Nansen::open(dir, passphrase)?, report))
    }

    pub fn org_status(&self) -> Result<OrgStatus> {
        let conn = self.conn();
        let org = trust::org(conn)?.ok_or_else(|| Error::trust(m::store_not_enrolled()))?;
        let org_key = hex::decode(&org.key).unwrap_or_default();
        let number = |key: &str| {
            trust::safety_number(
                &org_key,
                &org.escrow_recipient,
                &hex::decode(key).unwrap_or_default(),
            )
        };
        let devices: Vec<DeviceSafetyNumber> = trust::known_devices(conn)?
            .into_iter()
            .filter(|d| d.revoked_through.is_none())
            .map(|d| DeviceSafetyNumber {
                safety_number: number(&d.sign_key),
                device: d.device,
                office: d.office,
                role: d.role,
            })
            .collect();
        let own = self.device_id();
        let chain = trust::open_chain(&trust::rotations(conn)?)?;
        Ok(OrgStatus {
            fingerprint: trust::fingerprint(&org_key),
            serial: org.serial.unwrap_or(0),
            holds_org_key: trust::org_keys(conn)?.is_some(),
            safety_number: devices
                .iter()
                .find(|d| d.device == own)
                .map(|d| d.safety_number.clone()),
            devices,
            retired: chain
                .into_iter()
                .map(|r| RetiredOrgKey {
                    fingerprint: trust::fingerprint(&hex::decode(&r.from_key).unwrap_or_default()),
                    serial: r.serial,
                    retired_at: r.issued_at,
                })
                .collect(),
        })
    }

    /// Headquarters: rotates the organisation key (see `trust::rotation`). Every
    /// enrolled store adopts the new key with its next bundle from a store that has it.
    pub fn rotate_org_key(&mut self) -> Result<OrgStatus> {
        if trust::org_keys(self.conn())?.is_none() {
            return Err(Error::trust(m::only_hq_rotates()));
        }
        let tx = self.store.conn.transaction()?;
        trust::rotate(&tx)?;
        tx.commit()?;
        self.org_status()
    }
}

/// Gives the store being restored a new device identity (see the module docs).
fn take_new_identity(conn: &Connection) -> Result<RestoreReport> {
    let old = DeviceKeys::load(conn, "device")?.ok_or_else(|| Error::crypto(m::no_device_key()))?;
    let old_id = old.device_id();
    let (seq, hash) = oplog::head(conn, &old_id)?;
    if seq > 0 {
        let head = SignedHead::sign(&old.signing, old_id, seq, hash);
        heads::store(conn, &head, &old.signing.verifying_key())?;
    }
    let new = DeviceKeys::generate();
    new.save(conn, "device")?;
    drop(old);
    let device = new.device_id();
    set_meta(conn, "device_id", &device.to_string())?;
    set_meta(conn, "restored_from", &old_id.to_string())?;
    set_meta(conn, "restored_at", &chrono::Utc::now().to_rfc3339())?;
    let office = meta(conn, "office")?.unwrap_or_default();
    let headquarters = match trust::org_keys(conn)? {
        Some(org) => {
            let cert = trust::issue_cert(
                &org,
                device,
                &office,
                Role::Hq,
                new.signing.verifying_key().as_bytes(),
                &new.recipient(),
            );
            let mut dir =
                trust::directory(conn)?.ok_or_else(|| Error::trust(m::store_not_enrolled()))?;
            dir.certs.push(cert);
            trust::merge_directory(conn, &dir)?;
            true
        }
        None => false,
    };
    Ok(RestoreReport {
        device,
        previous_device: old_id,
        needs_enrolment: !headquarters && trust::org(conn)?.is_some(),
        office,
        backed_up_at: String::new(),
        headquarters,
    })
}
