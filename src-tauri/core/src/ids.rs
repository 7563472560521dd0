//! Identifiers. Records get UUIDv7 ids (time-ordered, globally unique, so offices never
//! need to agree on them). A device's id is derived from its signing key, so no one can
//! write changes in another device's name without that device's key.

use crate::error::{Error, Result};
use uuid::Uuid;

pub fn new_record_id() -> Uuid {
    Uuid::now_v7()
}

pub fn parse_id(what: &str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim())
        .map_err(|_| Error::invalid(crate::error::messages::not_an_id(s, what)))
}

/// Device ids are UUIDv8 built from the BLAKE3 hash of the device's Ed25519 public key.
pub fn device_id_for_key(verifying_key: &[u8; 32]) -> Uuid {
    let digest = blake3::hash(verifying_key);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_bytes()[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Short, human-friendly form for lists ("0193f2a1").
pub fn short(id: &Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

/// A UUID stored as a 16-byte blob (device ids in the log); nil if malformed.
pub fn blob_uuid(b: &[u8]) -> Uuid {
    Uuid::from_slice(b).unwrap_or_default()
}
