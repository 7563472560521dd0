//! The organisation key, handed to a second headquarters device.
//!
//! When headquarters approves an enrolment request as a headquarters device, the
//! enrolment file also carries `org_key`: the organisation's signing key and escrow
//! identity (and the escrow identities of retired keys), as JSON
//! `{kind: "nansen-org-key", device, org_key, signing_key, age_identity,
//! retired_age_identities}`, encrypted with age to the X25519 key of the requesting
//! device (hex of the binary age file). That key comes from the request, which the
//! device signed; the safety number both sides compare covers the device's signing
//! key, so a request swapped on its way changes the number and the key goes nowhere
//! it should not. Only that device can open the file, and it takes the keys only if
//! they are the organisation's it has just accepted, for itself, as a headquarters
//! device.

use super::keys::DeviceKeys;
use super::messages as m;
use super::rotation::{add_retired_identities, retired_identities};
use super::{org, org_keys, Role};
use crate::error::{Error, Result};
use age::secrecy::ExposeSecret;
use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::str::FromStr;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgKeyTransfer {
    kind: String,
    device: Uuid,
    org_key: String,
    signing_key: String,
    age_identity: String,
    retired_age_identities: Vec<String>,
}

impl Drop for OrgKeyTransfer {
    fn drop(&mut self) {
        self.signing_key.zeroize();
        self.age_identity.zeroize();
        for id in &mut self.retired_age_identities {
            id.zeroize();
        }
    }
}

/// Headquarters: the organisation's keys, encrypted to `recipient`, the age key of
/// `device`.
pub(super) fn seal(conn: &Connection, device: Uuid, recipient: &str) -> Result<String> {
    let keys = org_keys(conn)?.ok_or_else(|| Error::trust(m::not_headquarters()))?;
    let transfer = OrgKeyTransfer {
        kind: "nansen-org-key".into(),
        device,
        org_key: hex::encode(keys.signing.verifying_key().as_bytes()),
        signing_key: hex::encode(keys.signing.as_bytes()),
        age_identity: keys.age.to_string().expose_secret().to_string(),
        retired_age_identities: retired_identities(conn)?
            .iter()
            .map(|i| i.to_string().expose_secret().to_string())
            .collect(),
    };
    let plain = Zeroizing::new(serde_json::to_vec(&transfer)?);
    let recipient = age::x25519::Recipient::from_str(recipient)
        .map_err(|_| Error::invalid(m::request_bad_encryption_key()))?;
    let sealed = (|| -> std::io::Result<Vec<u8>> {
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(std::io::Error::other)?;
        let mut out = Vec::new();
        let mut w = encryptor.wrap_output(&mut out)?;
        w.write_all(&plain)?;
        w.finish()?;
        Ok(out)
    })()
    .map_err(|_| Error::crypto(m::transfer_unreadable()))?;
    Ok(hex::encode(sealed))
}

/// A headquarters device: opens the organisation's keys sent to it and keeps them.
/// Called once the enrolment file's directory is accepted (so `org` is the
/// organisation's key the safety number covered).
pub(super) fn open(conn: &Connection, sealed: &str, own: &DeviceKeys, role: Role) -> Result<()> {
    if role != Role::Hq {
        return Err(Error::trust(m::transfer_not_hq()));
    }
    let unreadable = || Error::trust(m::transfer_unreadable());
    let bytes = hex::decode(sealed).map_err(|_| unreadable())?;
    let decryptor = age::Decryptor::new_buffered(&bytes[..]).map_err(|_| unreadable())?;
    let mut plain = Zeroizing::new(Vec::new());
    decryptor
        .decrypt(std::iter::once(&own.age as &dyn age::Identity))
        .map_err(|_| unreadable())?
        .read_to_end(&mut plain)
        .map_err(|_| unreadable())?;
    let t: OrgKeyTransfer = serde_json::from_slice(&plain).map_err(|_| unreadable())?;
    let org = org(conn)?.ok_or_else(|| Error::trust(m::not_enrolled()))?;
    let mut secret = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(&t.signing_key, &mut secret[..]).map_err(|_| unreadable())?;
    let signing = SigningKey::from_bytes(&secret);
    let age = age::x25519::Identity::from_str(&t.age_identity).map_err(|_| unreadable())?;
    let keys = DeviceKeys { signing, age };
    if t.kind != "nansen-org-key"
        || t.device != own.device_id()
        || t.org_key != org.key
        || hex::encode(keys.signing.verifying_key().as_bytes()) != org.key
        || keys.recipient() != org.escrow_recipient
    {
        return Err(Error::trust(m::transfer_mismatch()));
    }
    let retired = t
        .retired_age_identities
        .iter()
        .map(|s| age::x25519::Identity::from_str(s).map_err(|_| unreadable()))
        .collect::<Result<Vec<_>>>()?;
    keys.save(conn, "org")?;
    add_retired_identities(conn, &retired)
}
