//! Identities and trust.
//!
//! Every device has an Ed25519 signing key (its changes' chain heads and its bundles are
//! signed with it; its device id is derived from it) and an X25519 age identity (bundles
//! for it are encrypted to it). Both live only inside the encrypted store.
//!
//! Headquarters holds the organisation key: an Ed25519 key that signs device
//! certificates and revocations, and an age identity to which every bundle is also
//! encrypted, as escrow. A store trusts exactly the devices whose certificates carry
//! its organisation's signature and are not revoked.
//!
//! Enrolment is two small files carried by hand. The office writes a request (its
//! public keys, signed by itself); headquarters approves it and writes back the
//! office's certificate with the organisation's public keys. Both sides show a safety
//! number computed from the organisation key and the device key, which two people
//! compare by voice or in person, as with Signal's safety numbers.
//!
//! Changes signed by an unknown or revoked device are **held back**: kept, never
//! applied, listed for review, and released automatically if the device's certificate
//! arrives later. A revocation names the last sequence number still accepted, so every
//! store draws the same line and stays convergent.

use crate::error::{Error, Result};
use crate::ids::device_id_for_key;
use ed25519_dalek::{SigningKey, VerifyingKey};
use messages as m;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use ts_rs::TS;
use uuid::Uuid;

pub mod enrol;
mod keys;
pub mod messages;
mod org;
mod rotation;
mod transfer;

pub use keys::*;
pub use org::*;
use org::{adopt_statement, set_org, stored_statement};
pub use rotation::{
    examine_directory, issue_rotation, open_chain, retired_identities, rotate, rotations,
    DirectoryView, OrgRotation,
};

const CERT_CONTEXT: &[u8] = b"nansen-device-cert-v1\0";
pub(crate) const ORG_CONTEXT: &[u8] = b"nansen-organisation-v1\0";
const REVOCATION_CONTEXT: &[u8] = b"nansen-revocation-v1\0";
const REQUEST_CONTEXT: &[u8] = b"nansen-enrolment-request-v1\0";
pub(crate) const HEAD_CONTEXT: &[u8] = b"nansen-chain-head-v1\0";
pub(crate) const BUNDLE_CONTEXT: &[u8] = b"nansen-bundle-v2\0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Office,
    Hq,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Hq => "hq",
        }
    }
}

/// A device certificate: the organisation vouches that this device of this office
/// holds these keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCert {
    pub kind: String,
    pub org_key: String,
    pub device: Uuid,
    pub office: String,
    pub role: Role,
    pub sign_key: String,
    pub age_recipient: String,
    pub issued_at: String,
}

/// A revocation: the organisation withdraws trust from a device after `valid_through`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub kind: String,
    pub org_key: String,
    pub device: Uuid,
    pub valid_through: u64,
    pub reason: String,
    pub issued_at: String,
}

/// Signed statements keep their exact JSON text, which is what the signature covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signed {
    pub body: String,
    pub signature: String,
}

impl Signed {
    fn new<T: Serialize>(key: &SigningKey, context: &[u8], body: &T) -> Signed {
        let body = serde_json::to_string(body).expect("serialisable");
        let signature = hex::encode(sign(key, context, body.as_bytes()).to_bytes());
        Signed { body, signature }
    }

    fn open<T: for<'de> Deserialize<'de>>(&self, key: &VerifyingKey, context: &[u8]) -> Result<T> {
        let sig = hex::decode(&self.signature).unwrap_or_default();
        if !verify(key, context, self.body.as_bytes(), &sig) {
            return Err(Error::trust(m::statement_bad_signature()));
        }
        serde_json::from_str(&self.body).map_err(|e| Error::trust(m::statement_malformed(e)))
    }
}

/// What a bundle or an enrolment file carries about trust: the organisation's signed
/// statement, every device certificate and every revocation the sender knows, and,
/// once the organisation key has been rotated, the chain of rotations from its first
/// key (see [`rotation`]; absent until then, so a directory reads as before). Nothing
/// in it is taken on trust: each entry is checked against the organisation key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    pub org_key: String,
    pub org: Signed,
    pub certs: Vec<Signed>,
    pub revocations: Vec<Signed>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rotations: Vec<Signed>,
}

pub fn issue_cert(
    org: &DeviceKeys,
    device: Uuid,
    office: &str,
    role: Role,
    sign_key: &[u8; 32],
    age_recipient: &str,
) -> Signed {
    let cert = DeviceCert {
        kind: "device-cert".into(),
        org_key: hex::encode(org.signing.verifying_key().as_bytes()),
        device,
        office: office.into(),
        role,
        sign_key: hex::encode(sign_key),
        age_recipient: age_recipient.into(),
        issued_at: chrono::Utc::now().to_rfc3339(),
    };
    Signed::new(&org.signing, CERT_CONTEXT, &cert)
}

pub fn issue_revocation(
    org: &DeviceKeys,
    device: Uuid,
    valid_through: u64,
    reason: &str,
) -> Signed {
    let r = Revocation {
        kind: "revocation".into(),
        org_key: hex::encode(org.signing.verifying_key().as_bytes()),
        device,
        valid_through,
        reason: reason.into(),
        issued_at: chrono::Utc::now().to_rfc3339(),
    };
    Signed::new(&org.signing, REVOCATION_CONTEXT, &r)
}

fn org_verifying_key(org: &Org) -> Result<VerifyingKey> {
    verifying_key(&hex::decode(&org.key).map_err(|_| Error::crypto(m::organisation_key_damaged()))?)
}

/// What merging a directory changed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DirectoryMerge {
    pub new_devices: Vec<Uuid>,
    pub new_revocations: Vec<Uuid>,
    /// Headquarters rotated the escrow key (a newer signed statement arrived).
    pub escrow_changed: bool,
    /// The organisation key was rotated: this store adopted the new one.
    pub rotated: bool,
    /// Devices a rotation's directory trusts further than this store did (a
    /// revocation signed only by the retired key no longer counts).
    pub lifted: Vec<Uuid>,
    /// The directory was signed by a key this store has retired, and was ignored.
    pub sender_behind: bool,
}

/// A directory whose every statement verified against this store's organisation key.
pub struct VerifiedDirectory<'a> {
    pub statement: OrgStatement,
    pub certs: Vec<(DeviceCert, VerifyingKey, &'a Signed)>,
    pub revocations: Vec<(Revocation, &'a Signed)>,
}

/// Checks every statement of a directory against `org`, without storing anything. A
/// statement with a bad signature makes the whole directory invalid.
pub fn verify_directory<'a>(org: &Org, dir: &'a Directory) -> Result<VerifiedDirectory<'a>> {
    if dir.org_key != org.key {
        return Err(Error::trust(m::other_organisation_bundle()));
    }
    let key = org_verifying_key(org)?;
    let statement = open_org_statement(&dir.org, &org.key)?;
    let mut certs = Vec::with_capacity(dir.certs.len());
    for signed in &dir.certs {
        let cert: DeviceCert = signed.open(&key, CERT_CONTEXT)?;
        let sign_key =
            hex::decode(&cert.sign_key).map_err(|_| Error::trust(m::cert_damaged_key()))?;
        let vk = verifying_key(&sign_key)?;
        if device_id_for_key(vk.as_bytes()) != cert.device || cert.org_key != org.key {
            return Err(Error::trust(m::cert_wrong_device()));
        }
        age::x25519::Recipient::from_str(&cert.age_recipient)
            .map_err(|_| Error::trust(m::cert_damaged_encryption_key()))?;
        certs.push((cert, vk, signed));
    }
    let mut revocations = Vec::with_capacity(dir.revocations.len());
    for signed in &dir.revocations {
        let r: Revocation = signed.open(&key, REVOCATION_CONTEXT)?;
        revocations.push((r, signed));
    }
    Ok(VerifiedDirectory {
        statement,
        certs,
        revocations,
    })
}

/// Verifies and stores the organisation statement, certificates and revocations of a
/// directory signed by this store's organisation key, or adopts the key it was
/// rotated to (see [`rotation`]). A directory signed by a retired key changes nothing.
pub fn merge_directory(conn: &Connection, dir: &Directory) -> Result<DirectoryMerge> {
    let verified = match examine_directory(conn, dir)? {
        DirectoryView::Current(v) => v,
        DirectoryView::Rotated(v) => return rotation::adopt(conn, dir, &v),
        DirectoryView::Retired => {
            return Ok(DirectoryMerge {
                sender_behind: true,
                ..Default::default()
            })
        }
        DirectoryView::Foreign => return Err(Error::trust(m::other_organisation_bundle())),
    };
    let mut merge = DirectoryMerge {
        escrow_changed: adopt_statement(conn, &dir.org, &verified.statement)?,
        ..Default::default()
    };
    for (cert, vk, signed) in &verified.certs {
        if store_cert(conn, cert, vk, signed)? {
            merge.new_devices.push(cert.device);
        }
    }
    for (r, signed) in &verified.revocations {
        if store_revocation(conn, r, signed)? {
            merge.new_revocations.push(r.device);
        }
    }
    Ok(merge)
}

fn store_cert(
    conn: &Connection,
    cert: &DeviceCert,
    key: &VerifyingKey,
    signed: &Signed,
) -> Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO devices (device, office, role, sign_key, age_recipient, cert, cert_signature, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            &cert.device.as_bytes()[..],
            cert.office,
            cert.role.as_str(),
            &key.as_bytes()[..],
            cert.age_recipient,
            signed.body,
            hex::decode(&signed.signature).unwrap_or_default(),
            cert.issued_at
        ],
    )?;
    Ok(n == 1)
}

/// Forgets every device (a rotation's directory is about to replace them all).
fn forget_devices(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM devices", [])?;
    Ok(())
}

fn store_revocation(conn: &Connection, r: &Revocation, signed: &Signed) -> Result<bool> {
    let current: Option<Option<i64>> = conn
        .query_row(
            "SELECT revoked_through FROM devices WHERE device = ?1",
            [&r.device.as_bytes()[..]],
            |row| row.get(0),
        )
        .optional()?;
    let Some(current) = current else {
        // A revocation for a device we never trusted changes nothing; keep going.
        return Ok(false);
    };
    // Several revocations of one device: the strictest (lowest) line wins everywhere.
    if current.is_some_and(|c| c as u64 <= r.valid_through) {
        return Ok(false);
    }
    conn.execute(
        "UPDATE devices SET revoked_through = ?2, revocation = ?3, revocation_signature = ?4,
                revoked_reason = ?5, revoked_at = ?6 WHERE device = ?1",
        params![
            &r.device.as_bytes()[..],
            r.valid_through as i64,
            signed.body,
            hex::decode(&signed.signature).unwrap_or_default(),
            r.reason,
            r.issued_at
        ],
    )?;
    Ok(true)
}

/// This store's directory, to put in every bundle it sends. `None` until the store
/// holds a signed organisation statement (a store enrolled by an older version gets
/// one with headquarters' next bundle).
pub fn directory(conn: &Connection) -> Result<Option<Directory>> {
    let Some(org) = org(conn)? else {
        return Ok(None);
    };
    let mut certs = Vec::new();
    let mut revocations = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT cert, cert_signature, revocation, revocation_signature FROM devices ORDER BY device",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        certs.push(Signed {
            body: r.get(0)?,
            signature: hex::encode(r.get::<_, Vec<u8>>(1)?),
        });
        if let (Some(body), Some(sig)) = (
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<Vec<u8>>>(3)?,
        ) {
            revocations.push(Signed {
                body,
                signature: hex::encode(sig),
            });
        }
    }
    let Some(statement) = stored_statement(conn)? else {
        return Ok(None);
    };
    Ok(Some(Directory {
        org_key: org.key,
        org: statement,
        certs,
        revocations,
        rotations: rotations(conn)?,
    }))
}

/// A device as this store knows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KnownDevice {
    pub device: Uuid,
    pub office: String,
    pub role: String,
    pub sign_key: String,
    pub age_recipient: String,
    pub issued_at: String,
    pub revoked_through: Option<u64>,
    pub revoked_reason: Option<String>,
    pub fingerprint: String,
}

pub fn known_device(conn: &Connection, device: &Uuid) -> Result<Option<KnownDevice>> {
    Ok(known_devices_where(conn, Some(device))?.into_iter().next())
}

pub fn known_devices(conn: &Connection) -> Result<Vec<KnownDevice>> {
    known_devices_where(conn, None)
}

fn known_devices_where(conn: &Connection, device: Option<&Uuid>) -> Result<Vec<KnownDevice>> {
    let mut stmt = conn.prepare_cached(
        "SELECT device, office, role, sign_key, age_recipient, issued_at, revoked_through, revoked_reason
         FROM devices WHERE (?1 IS NULL OR device = ?1) ORDER BY office, device",
    )?;
    let rows = stmt.query_map([device.map(|d| d.as_bytes().to_vec())], |r| {
        let sign_key: Vec<u8> = r.get(3)?;
        Ok(KnownDevice {
            device: crate::ids::blob_uuid(r.get_ref(0)?.as_blob()?),
            office: r.get(1)?,
            role: r.get(2)?,
            fingerprint: fingerprint(&sign_key),
            sign_key: hex::encode(&sign_key),
            age_recipient: r.get(4)?,
            issued_at: r.get(5)?,
            revoked_through: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            revoked_reason: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How far a device is trusted: `None` if unknown, `Some(None)` if fully trusted,
/// `Some(Some(n))` if revoked after its change `n`.
pub fn trust_line(conn: &Connection, device: &Uuid) -> Result<Option<Option<u64>>> {
    let mut stmt = conn.prepare_cached("SELECT revoked_through FROM devices WHERE device = ?1")?;
    let row: Option<Option<i64>> = stmt
        .query_row([&device.as_bytes()[..]], |r| r.get(0))
        .optional()?;
    Ok(row.map(|r| r.map(|n| n as u64)))
}

/// Does a trust line accept change `seq`?
pub fn accepts(line: Option<Option<u64>>, seq: u64) -> bool {
    match line {
        None => false,
        Some(None) => true,
        Some(Some(through)) => seq <= through,
    }
}

/// Is a change (device, seq) from a trusted origin?
pub fn trusts(conn: &Connection, device: &Uuid, seq: u64) -> Result<bool> {
    Ok(accepts(trust_line(conn, device)?, seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_numbers_are_sixty_digits_and_depend_on_every_key() {
        let n = safety_number(&[1; 32], "age1escrow", &[2; 32]);
        assert_eq!(n.replace(' ', "").len(), 60);
        assert_eq!(n.split(' ').count(), 12);
        assert_ne!(n, safety_number(&[1; 32], "age1escrow", &[3; 32]));
        assert_ne!(n, safety_number(&[1; 32], "age1other", &[2; 32]));
        assert_eq!(n, safety_number(&[1; 32], "age1escrow", &[2; 32]));
    }

    #[test]
    fn signed_statements_verify_only_against_their_signer() {
        let org = DeviceKeys::generate();
        let other = DeviceKeys::generate();
        let dev = DeviceKeys::generate();
        let cert = issue_cert(
            &org,
            dev.device_id(),
            "Osh",
            Role::Office,
            dev.signing.verifying_key().as_bytes(),
            &dev.recipient(),
        );
        let c: DeviceCert = cert
            .open(&org.signing.verifying_key(), CERT_CONTEXT)
            .unwrap();
        assert_eq!(c.office, "Osh");
        assert!(cert
            .open::<DeviceCert>(&other.signing.verifying_key(), CERT_CONTEXT)
            .is_err());
        let mut tampered = cert.clone();
        tampered.body = tampered.body.replace("Osh", "Jalal-Abad");
        assert!(tampered
            .open::<DeviceCert>(&org.signing.verifying_key(), CERT_CONTEXT)
            .is_err());
    }
}
