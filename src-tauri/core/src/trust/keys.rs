//! Keys and signatures: a device's (or the organisation's) Ed25519 signing key and age
//! identity, kept only inside the encrypted store; domain-separated signing; the
//! fingerprints and safety number people compare.

use super::messages as m;
use crate::error::{Error, Result};
use crate::ids::device_id_for_key;
use crate::store::keyfile::random_bytes;
use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::Connection;
use std::str::FromStr;
use uuid::Uuid;

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
            .ok_or_else(|| Error::crypto(m::key_missing(prefix)))?;
        let sk: [u8; 32] = sk
            .as_slice()
            .try_into()
            .map_err(|_| Error::crypto(m::key_damaged(prefix)))?;
        let age = age::x25519::Identity::from_str(std::str::from_utf8(&id).unwrap_or_default())
            .map_err(|_| Error::crypto(m::key_damaged(prefix)))?;
        Ok(Some(DeviceKeys {
            signing: SigningKey::from_bytes(&sk),
            age,
        }))
    }
}

pub fn verifying_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::crypto(m::public_key_wrong_length()))?;
    VerifyingKey::from_bytes(&arr).map_err(|_| Error::crypto(m::invalid_public_key()))
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
