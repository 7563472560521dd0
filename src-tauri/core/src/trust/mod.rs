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
use crate::store::keyfile::random_bytes;
use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use uuid::Uuid;

pub mod enrol;

const CERT_CONTEXT: &[u8] = b"nansen-device-cert-v1\0";
const REVOCATION_CONTEXT: &[u8] = b"nansen-revocation-v1\0";
const REQUEST_CONTEXT: &[u8] = b"nansen-enrolment-request-v1\0";
pub(crate) const HEAD_CONTEXT: &[u8] = b"nansen-chain-head-v1\0";
pub(crate) const BUNDLE_CONTEXT: &[u8] = b"nansen-bundle-v1\0";

pub struct DeviceKeys {
    pub signing: SigningKey,
    pub age: age::x25519::Identity,
}

impl DeviceKeys {
    pub fn generate() -> Self {
        DeviceKeys {
            signing: SigningKey::from_bytes(&random_bytes::<32>()),
            age: age::x25519::Identity::generate(),
        }
    }

    pub fn device_id(&self) -> Uuid {
        device_id_for_key(self.signing.verifying_key().as_bytes())
    }

    pub fn recipient(&self) -> String {
        self.age.to_public().to_string()
    }

    pub(crate) fn save(&self, conn: &Connection, prefix: &str) -> Result<()> {
        put_secret(
            conn,
            &format!("{prefix}_signing_key"),
            self.signing.as_bytes(),
        )?;
        put_secret(
            conn,
            &format!("{prefix}_age_identity"),
            self.age.to_string().expose_secret().as_bytes(),
        )
    }

    pub(crate) fn load(conn: &Connection, prefix: &str) -> Result<Option<Self>> {
        let Some(sk) = get_secret(conn, &format!("{prefix}_signing_key"))? else {
            return Ok(None);
        };
        let id = get_secret(conn, &format!("{prefix}_age_identity"))?
            .ok_or_else(|| Error::Crypto(format!("{prefix} age identity is missing")))?;
        let sk: [u8; 32] = sk
            .as_slice()
            .try_into()
            .map_err(|_| Error::Crypto(format!("{prefix} signing key is damaged")))?;
        let age = age::x25519::Identity::from_str(std::str::from_utf8(&id).unwrap_or_default())
            .map_err(|_| Error::Crypto(format!("{prefix} age identity is damaged")))?;
        Ok(Some(DeviceKeys {
            signing: SigningKey::from_bytes(&sk),
            age,
        }))
    }
}

pub(crate) fn put_secret(conn: &Connection, name: &str, value: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

pub(crate) fn get_secret(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT value FROM secrets WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn verifying_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::Crypto("a public key has the wrong length".into()))?;
    VerifyingKey::from_bytes(&arr).map_err(|_| Error::Crypto("an invalid public key".into()))
}

pub fn sign(key: &SigningKey, context: &[u8], message: &[u8]) -> Signature {
    let mut m = Vec::with_capacity(context.len() + message.len());
    m.extend_from_slice(context);
    m.extend_from_slice(message);
    key.sign(&m)
}

pub fn verify(key: &VerifyingKey, context: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(sig) = Signature::from_slice(signature) else {
        return false;
    };
    let mut m = Vec::with_capacity(context.len() + message.len());
    m.extend_from_slice(context);
    m.extend_from_slice(message);
    key.verify(&m, &sig).is_ok()
}

/// The message a chain head signature covers.
pub fn head_message(device: &Uuid, seq: u64, hash: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(56);
    m.extend_from_slice(device.as_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(hash);
    m
}

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
            return Err(Error::Trust(
                "a signature does not verify against the organisation key".into(),
            ));
        }
        serde_json::from_str(&self.body)
            .map_err(|e| Error::Trust(format!("a signed statement is malformed: {e}")))
    }
}

/// What a bundle carries about trust: the organisation's public keys, every device
/// certificate and every revocation the sender knows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    pub org_key: String,
    pub escrow_recipient: String,
    pub certs: Vec<Signed>,
    pub revocations: Vec<Signed>,
}

/// The organisation's public trust root as this store knows it.
#[derive(Debug, Clone, Serialize)]
pub struct Org {
    pub key: String,
    pub escrow_recipient: String,
}

pub fn org(conn: &Connection) -> Result<Option<Org>> {
    let get = |k: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .optional()?)
    };
    Ok(match (get("org_key")?, get("org_escrow_recipient")?) {
        (Some(key), Some(escrow_recipient)) => Some(Org {
            key,
            escrow_recipient,
        }),
        _ => None,
    })
}

pub(crate) fn set_org(conn: &Connection, org_key: &str, escrow: &str) -> Result<()> {
    for (k, v) in [("org_key", org_key), ("org_escrow_recipient", escrow)] {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![k, v],
        )?;
    }
    Ok(())
}

/// The organisation's keys; only headquarters has them.
pub fn org_keys(conn: &Connection) -> Result<Option<DeviceKeys>> {
    DeviceKeys::load(conn, "org")
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
    verifying_key(
        &hex::decode(&org.key).map_err(|_| Error::Crypto("damaged organisation key".into()))?,
    )
}

/// What merging a directory changed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DirectoryMerge {
    pub new_devices: Vec<Uuid>,
    pub new_revocations: Vec<Uuid>,
}

/// Verifies and stores certificates and revocations signed by this store's
/// organisation. A statement with a bad signature makes the whole directory invalid.
pub fn merge_directory(conn: &Connection, dir: &Directory) -> Result<DirectoryMerge> {
    let org = org(conn)?.ok_or_else(|| {
        Error::Trust(
            "this store is not enrolled in an organisation; enrol it with headquarters first"
                .into(),
        )
    })?;
    if dir.org_key != org.key {
        return Err(Error::Trust(
            "the bundle belongs to another organisation".into(),
        ));
    }
    let key = org_verifying_key(&org)?;
    let mut merge = DirectoryMerge::default();
    for signed in &dir.certs {
        let cert: DeviceCert = signed.open(&key, CERT_CONTEXT)?;
        if store_cert(conn, &cert, signed)? {
            merge.new_devices.push(cert.device);
        }
    }
    for signed in &dir.revocations {
        let r: Revocation = signed.open(&key, REVOCATION_CONTEXT)?;
        if store_revocation(conn, &r, signed)? {
            merge.new_revocations.push(r.device);
        }
    }
    Ok(merge)
}

fn store_cert(conn: &Connection, cert: &DeviceCert, signed: &Signed) -> Result<bool> {
    let sign_key = hex::decode(&cert.sign_key)
        .map_err(|_| Error::Trust("a certificate has a damaged key".into()))?;
    let vk = verifying_key(&sign_key)?;
    if device_id_for_key(vk.as_bytes()) != cert.device {
        return Err(Error::Trust(
            "a certificate's device id does not match its key".into(),
        ));
    }
    age::x25519::Recipient::from_str(&cert.age_recipient)
        .map_err(|_| Error::Trust("a certificate has a damaged encryption key".into()))?;
    let n = conn.execute(
        "INSERT OR IGNORE INTO devices (device, office, role, sign_key, age_recipient, cert, cert_signature, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            &cert.device.as_bytes()[..],
            cert.office,
            cert.role.as_str(),
            sign_key,
            cert.age_recipient,
            signed.body,
            hex::decode(&signed.signature).unwrap_or_default(),
            cert.issued_at
        ],
    )?;
    Ok(n == 1)
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

/// This store's directory, to put in every bundle it sends.
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
    Ok(Some(Directory {
        org_key: org.key,
        escrow_recipient: org.escrow_recipient,
        certs,
        revocations,
    }))
}

/// A device as this store knows it.
#[derive(Debug, Clone, Serialize)]
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
            device: crate::oplog::apply::blob_uuid(r.get_ref(0)?.as_blob()?),
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

/// A short fingerprint of a public key: 8 groups of 4 hex digits.
pub fn fingerprint(key: &[u8]) -> String {
    let h = blake3::hash(key).to_hex();
    h.as_bytes()[..32]
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The safety number two people compare during enrolment: 60 digits in 12 groups of
/// five, computed from the organisation key and the device key. Both sides compute it
/// from what they received; if a file was swapped on the way, the numbers differ.
pub fn safety_number(org_key: &[u8], device_key: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"nansen-safety-number-v1");
    h.update(org_key);
    h.update(device_key);
    let mut out = [0u8; 60];
    h.finalize_xof().fill(&mut out);
    out.chunks(5)
        .map(|c| {
            let n = c.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64);
            format!("{:05}", n % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_numbers_are_sixty_digits_and_depend_on_both_keys() {
        let n = safety_number(&[1; 32], &[2; 32]);
        assert_eq!(n.replace(' ', "").len(), 60);
        assert_eq!(n.split(' ').count(), 12);
        assert_ne!(n, safety_number(&[1; 32], &[3; 32]));
        assert_eq!(n, safety_number(&[1; 32], &[2; 32]));
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
