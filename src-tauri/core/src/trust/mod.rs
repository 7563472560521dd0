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
const ORG_CONTEXT: &[u8] = b"nansen-organisation-v1\0";
const REVOCATION_CONTEXT: &[u8] = b"nansen-revocation-v1\0";
const REQUEST_CONTEXT: &[u8] = b"nansen-enrolment-request-v1\0";
pub(crate) const HEAD_CONTEXT: &[u8] = b"nansen-chain-head-v1\0";
pub(crate) const BUNDLE_CONTEXT: &[u8] = b"nansen-bundle-v2\0";

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
        crate::store::set_secret(
            conn,
            &format!("{prefix}_signing_key"),
            self.signing.as_bytes(),
        )?;
        crate::store::set_secret(
            conn,
            &format!("{prefix}_age_identity"),
            self.age.to_string().expose_secret().as_bytes(),
        )
    }

    pub(crate) fn load(conn: &Connection, prefix: &str) -> Result<Option<Self>> {
        let Some(sk) = crate::store::secret(conn, &format!("{prefix}_signing_key"))? else {
            return Ok(None);
        };
        let id = crate::store::secret(conn, &format!("{prefix}_age_identity"))?
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
            return Err(Error::Trust(
                "a signature does not verify against the organisation key".into(),
            ));
        }
        serde_json::from_str(&self.body)
            .map_err(|e| Error::Trust(format!("a signed statement is malformed: {e}")))
    }
}

/// What the organisation says about itself: the key that signs certificates and the
/// escrow key every bundle is also encrypted to. It is signed by the organisation key,
/// so nobody who handles an enrolment file or a bundle can swap the escrow key. A
/// statement with a higher `serial` supersedes the one before (headquarters rotating
/// the escrow key); two different statements with the same serial are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgStatement {
    pub kind: String,
    pub org_key: String,
    pub escrow_recipient: String,
    pub serial: u64,
    pub issued_at: String,
}

/// What a bundle or an enrolment file carries about trust: the organisation's signed
/// statement, every device certificate and every revocation the sender knows. Nothing
/// in it is taken on trust: each entry is checked against the organisation key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    pub org_key: String,
    pub org: Signed,
    pub certs: Vec<Signed>,
    pub revocations: Vec<Signed>,
}

/// The organisation's public trust root as this store knows it.
#[derive(Debug, Clone, Serialize)]
pub struct Org {
    pub key: String,
    pub escrow_recipient: String,
    /// The serial of the signed statement the escrow key comes from; `None` for a
    /// store enrolled by an older version, whose escrow key was never authenticated.
    pub serial: Option<u64>,
}

const META_ORG_KEY: &str = "org_key";
const META_ESCROW: &str = "org_escrow_recipient";
const META_STATEMENT: &str = "org_statement";

pub fn org(conn: &Connection) -> Result<Option<Org>> {
    let (Some(key), Some(escrow_recipient)) = (
        crate::store::meta(conn, META_ORG_KEY)?,
        crate::store::meta(conn, META_ESCROW)?,
    ) else {
        return Ok(None);
    };
    let serial = match stored_statement(conn)? {
        Some(signed) => Some(serde_json::from_str::<OrgStatement>(&signed.body)?.serial),
        None => None,
    };
    Ok(Some(Org {
        key,
        escrow_recipient,
        serial,
    }))
}

fn stored_statement(conn: &Connection) -> Result<Option<Signed>> {
    crate::store::meta(conn, META_STATEMENT)?
        .map(|json| serde_json::from_str(&json).map_err(Error::from))
        .transpose()
}

/// Adopts a verified organisation statement as this store's trust root.
fn set_org(conn: &Connection, statement: &OrgStatement, signed: &Signed) -> Result<()> {
    crate::store::set_meta(conn, META_ORG_KEY, &statement.org_key)?;
    crate::store::set_meta(conn, META_ESCROW, &statement.escrow_recipient)?;
    crate::store::set_meta(conn, META_STATEMENT, &serde_json::to_string(signed)?)
}

pub fn issue_org_statement(org: &DeviceKeys, serial: u64) -> Signed {
    let statement = OrgStatement {
        kind: "organisation".into(),
        org_key: hex::encode(org.signing.verifying_key().as_bytes()),
        escrow_recipient: org.recipient(),
        serial,
        issued_at: chrono::Utc::now().to_rfc3339(),
    };
    Signed::new(&org.signing, ORG_CONTEXT, &statement)
}

/// Checks an organisation statement against the key it claims to be from.
pub fn open_org_statement(signed: &Signed, org_key: &str) -> Result<OrgStatement> {
    let key = verifying_key(
        &hex::decode(org_key).map_err(|_| Error::Trust("a damaged organisation key".into()))?,
    )?;
    let statement: OrgStatement = signed.open(&key, ORG_CONTEXT).map_err(|_| {
        Error::Trust(
            "the organisation's statement (its escrow key) is not signed by the organisation key; the file was altered"
                .into(),
        )
    })?;
    if statement.kind != "organisation" || statement.org_key != org_key {
        return Err(Error::Trust(
            "the organisation's statement names another organisation key".into(),
        ));
    }
    age::x25519::Recipient::from_str(&statement.escrow_recipient)
        .map_err(|_| Error::Trust("the organisation's escrow key is damaged".into()))?;
    Ok(statement)
}

/// Headquarters: makes this store the organisation's trust root.
pub(crate) fn found_org(conn: &Connection, org: &DeviceKeys) -> Result<()> {
    org.save(conn, "org")?;
    let signed = issue_org_statement(org, 1);
    let key = hex::encode(org.signing.verifying_key().as_bytes());
    set_org(conn, &open_org_statement(&signed, &key)?, &signed)
}

/// Headquarters stores created before statements were signed get theirs on opening.
pub(crate) fn ensure_org_statement(conn: &Connection) -> Result<()> {
    if stored_statement(conn)?.is_some() {
        return Ok(());
    }
    if let Some(org) = org_keys(conn)? {
        found_org(conn, &org)?;
    }
    Ok(())
}

/// Takes an organisation statement that verified against our organisation key. A
/// store enrolled before statements were signed adopts the first one it sees.
/// Returns whether the escrow key changed.
fn adopt_statement(conn: &Connection, signed: &Signed, statement: &OrgStatement) -> Result<bool> {
    let Some(current) = stored_statement(conn)? else {
        let changed = org(conn)?.is_some_and(|o| o.escrow_recipient != statement.escrow_recipient);
        set_org(conn, statement, signed)?;
        return Ok(changed);
    };
    let current: OrgStatement = serde_json::from_str(&current.body)?;
    if statement.serial > current.serial {
        set_org(conn, statement, signed)?;
        Ok(statement.escrow_recipient != current.escrow_recipient)
    } else if statement.serial == current.serial
        && statement.escrow_recipient != current.escrow_recipient
    {
        Err(Error::Trust(
            "two different escrow keys carry the same organisation statement number; only headquarters can change the escrow key, with a newer statement"
                .into(),
        ))
    } else {
        Ok(false)
    }
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
    /// Headquarters rotated the escrow key (a newer signed statement arrived).
    pub escrow_changed: bool,
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
        return Err(Error::Trust("it belongs to another organisation".into()));
    }
    let key = org_verifying_key(org)?;
    let statement = open_org_statement(&dir.org, &org.key)?;
    let mut certs = Vec::with_capacity(dir.certs.len());
    for signed in &dir.certs {
        let cert: DeviceCert = signed.open(&key, CERT_CONTEXT)?;
        let sign_key = hex::decode(&cert.sign_key)
            .map_err(|_| Error::Trust("a certificate has a damaged key".into()))?;
        let vk = verifying_key(&sign_key)?;
        if device_id_for_key(vk.as_bytes()) != cert.device || cert.org_key != org.key {
            return Err(Error::Trust(
                "a certificate's device id does not match its key".into(),
            ));
        }
        age::x25519::Recipient::from_str(&cert.age_recipient)
            .map_err(|_| Error::Trust("a certificate has a damaged encryption key".into()))?;
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
/// directory signed by this store's organisation.
pub fn merge_directory(conn: &Connection, dir: &Directory) -> Result<DirectoryMerge> {
    let org = org(conn)?.ok_or_else(|| {
        Error::Trust(
            "this store is not enrolled in an organisation; enrol it with headquarters first"
                .into(),
        )
    })?;
    let verified = verify_directory(&org, dir)?;
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
/// five, computed from the organisation key, the organisation's escrow key and the
/// device key. Both sides compute it from what they received; if a file was swapped or
/// altered on the way, the numbers differ.
pub fn safety_number(org_key: &[u8], escrow_recipient: &str, device_key: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"nansen-safety-number-v2");
    h.update(org_key);
    h.update(&(escrow_recipient.len() as u64).to_be_bytes());
    h.update(escrow_recipient.as_bytes());
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
