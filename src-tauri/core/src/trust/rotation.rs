//! Rotating the organisation key: a new key, vouched for by the old one, which every
//! store adopts when it first sees it; the old key is retired for good.
//!
//! **The rotation statement** (`nansen-org-rotation-v1`), signed by the key it retires:
//! `{kind: "org-rotation", from_key, to_key, serial, issued_at}`. Its `serial` is above
//! every organisation statement signed before it, and the new key's own statement (its
//! escrow key) carries the same serial. A directory signed by a rotated key carries,
//! in `rotations`, the whole chain from the organisation's first key: each statement
//! signed by the key before, each serial higher. Every store keeps the chain it has
//! adopted (`meta.org_rotations`).
//!
//! **What a store does with a directory** ([`examine_directory`]), given its own key
//! and chain:
//!
//! | the directory is signed by                  | the store                                  |
//! |---------------------------------------------|--------------------------------------------|
//! | its key                                     | checks it as always                        |
//! | a key its key rotated to (the chain verifies from its key, with higher serials) | adopts the new key: its directory replaces every certificate and revocation |
//! | a key it has retired                        | ignores the directory (the sender has not heard of the rotation yet); the bundle is still checked against what the store trusts |
//! | any other key                               | refuses it (another organisation)          |
//!
//! Whatever it is signed by, a directory whose chain contradicts the store's (another
//! successor for a key the store has retired) is refused as an equivocation: two
//! rotations from one key mean that key is in two hands.
//!
//! **Adopting** a rotation rebuilds the store's `devices` from the new directory: a
//! certificate or revocation signed only by a retired key counts for nothing any more,
//! however it arrives, whenever it claims to have been issued. Headquarters re-signs
//! every certificate and revocation it knows when it rotates. A device missing from
//! the new directory becomes unknown: its next changes are held back until a
//! certificate under the new key arrives. A store that held the old organisation key
//! (a second headquarters device) keeps only its escrow identity, to read bundles
//! still on their way, and needs the new key transferred again (an enrolment approved
//! with `--hq`).
//!
//! **What someone holding the old key can do.** Against a store that has adopted the
//! rotation: nothing. Its certificates, revocations and organisation statements are
//! ignored or refused, and a rotation of its own from the old key is refused as an
//! equivocation. Against a store that has not seen the rotation yet, everything the
//! organisation key allows, including a rotation to a key of its own, if that reaches
//! the store first: which is why every safety number changes with the key and must be
//! compared again (see the README). Adoption undoes what the old key certified or
//! revoked at that store, but not what a device it certified wrote meanwhile: `audit
//! --verify` lists those changes as vouched for by no certified device.

use super::keys::{verifying_key, DeviceKeys};
use super::messages as m;
use super::org::{issue_org_statement, org, org_keys, set_org};
use super::{
    issue_cert, issue_revocation, store_cert, store_revocation, verify_directory, DeviceCert,
    Directory, DirectoryMerge, Org, Revocation, Signed, VerifiedDirectory,
};
use crate::error::{Error, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;
use uuid::Uuid;

const ROTATION_CONTEXT: &[u8] = b"nansen-org-rotation-v1\0";
const META_ROTATIONS: &str = "org_rotations";
const RETIRED_IDENTITIES: &str = "org_retired_age_identities";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRotation {
    pub kind: String,
    pub from_key: String,
    pub to_key: String,
    pub serial: u64,
    pub issued_at: String,
}

/// The chain of rotations this store has adopted, from the organisation's first key.
pub fn rotations(conn: &Connection) -> Result<Vec<Signed>> {
    crate::store::meta(conn, META_ROTATIONS)?
        .map(|json| serde_json::from_str(&json).map_err(Error::from))
        .transpose()
        .map(Option::unwrap_or_default)
}

pub(super) fn set_rotations(conn: &Connection, chain: &[Signed]) -> Result<()> {
    crate::store::set_meta(conn, META_ROTATIONS, &serde_json::to_string(chain)?)
}

/// Checks a chain of rotations: each signed by the key it retires, each retiring the
/// key the one before introduced, serials rising.
pub fn open_chain(chain: &[Signed]) -> Result<Vec<OrgRotation>> {
    let mut out: Vec<OrgRotation> = Vec::with_capacity(chain.len());
    for signed in chain {
        let claimed: OrgRotation = serde_json::from_str(&signed.body)
            .map_err(|e| Error::trust(m::statement_malformed(e)))?;
        let key = verifying_key(&hex::decode(&claimed.from_key).unwrap_or_default())?;
        let r: OrgRotation = signed
            .open(&key, ROTATION_CONTEXT)
            .map_err(|_| Error::trust(m::rotation_unsigned()))?;
        verifying_key(&hex::decode(&r.to_key).unwrap_or_default())?;
        let follows = match out.last() {
            Some(prev) => prev.to_key == r.from_key && r.serial > prev.serial,
            None => true,
        };
        if r.kind != "org-rotation" || r.from_key == r.to_key || !follows {
            return Err(Error::trust(m::rotation_chain_broken()));
        }
        out.push(r);
    }
    Ok(out)
}

/// What a directory is to this store (see the module docs).
pub enum DirectoryView<'a> {
    /// Signed by this store's organisation key; every statement verified.
    Current(VerifiedDirectory<'a>),
    /// Signed by a key this store's key was rotated to; every statement verified
    /// against the new key.
    Rotated(VerifiedDirectory<'a>),
    /// Signed by a key this store has retired.
    Retired,
    /// Signed by a key this organisation never had.
    Foreign,
}

/// Sorts a directory by the key that signed it and checks it (see the module docs).
/// Writes nothing.
pub fn examine_directory<'a>(conn: &Connection, dir: &'a Directory) -> Result<DirectoryView<'a>> {
    let org = org(conn)?.ok_or_else(|| Error::trust(m::not_enrolled()))?;
    let ours = rotations(conn)?;
    let theirs = open_chain(&dir.rotations)?;
    let common = ours.len().min(dir.rotations.len());
    let same = |a: &Signed, b: &Signed| a.body == b.body;
    if !ours[..common]
        .iter()
        .zip(&dir.rotations[..common])
        .all(|(a, b)| same(a, b))
    {
        return Err(Error::trust(m::org_key_equivocation()));
    }
    if dir.org_key == org.key {
        return Ok(DirectoryView::Current(verify_directory(&org, dir)?));
    }
    let retired = open_chain(&ours)?;
    if retired.iter().any(|r| r.from_key == dir.org_key) {
        return Ok(DirectoryView::Retired);
    }
    let Some(next) = theirs.get(ours.len()) else {
        return Ok(DirectoryView::Foreign);
    };
    let last = theirs.last().expect("longer than ours");
    if next.from_key != org.key || last.to_key != dir.org_key {
        return Ok(DirectoryView::Foreign);
    }
    if next.serial <= org.serial.unwrap_or(0) {
        return Err(Error::trust(m::rotation_chain_broken()));
    }
    let successor = Org {
        key: dir.org_key.clone(),
        escrow_recipient: String::new(),
        serial: None,
    };
    let verified = verify_directory(&successor, dir)?;
    if verified.statement.serial < last.serial {
        return Err(Error::trust(m::rotation_chain_broken()));
    }
    Ok(DirectoryView::Rotated(verified))
}

/// Each device's trust line: `None` fully trusted, `Some(n)` revoked after `n`.
fn lines(conn: &Connection) -> Result<HashMap<Uuid, Option<u64>>> {
    Ok(super::known_devices(conn)?
        .into_iter()
        .map(|d| (d.device, d.revoked_through))
        .collect())
}

/// Makes the new key this store's trust root: the directory signed by it replaces
/// every certificate and revocation (see the module docs).
pub(super) fn adopt(
    conn: &Connection,
    dir: &Directory,
    verified: &VerifiedDirectory,
) -> Result<DirectoryMerge> {
    let before = lines(conn)?;
    let escrow_before = org(conn)?.map(|o| o.escrow_recipient);
    set_org(conn, &verified.statement, &dir.org)?;
    set_rotations(conn, &dir.rotations)?;
    super::forget_devices(conn)?;
    for (cert, vk, signed) in &verified.certs {
        store_cert(conn, cert, vk, signed)?;
    }
    for (r, signed) in &verified.revocations {
        store_revocation(conn, r, signed)?;
    }
    retire_stale_org_keys(conn)?;
    let after = lines(conn)?;
    let mut merge = DirectoryMerge {
        rotated: true,
        escrow_changed: escrow_before.as_deref() != Some(&verified.statement.escrow_recipient),
        ..Default::default()
    };
    for (device, line) in &after {
        match before.get(device) {
            None => merge.new_devices.push(*device),
            Some(old) if stricter(*line, *old) => merge.new_revocations.push(*device),
            Some(old) if stricter(*old, *line) => merge.lifted.push(*device),
            Some(_) => {}
        }
        if !before.contains_key(device) && line.is_some() {
            merge.new_revocations.push(*device);
        }
    }
    merge.new_devices.sort();
    merge.new_revocations.sort();
    merge.lifted.sort();
    Ok(merge)
}

/// Whether line `a` accepts less than line `b`.
fn stricter(a: Option<u64>, b: Option<u64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The escrow identities of retired organisation keys: bundles encrypted to them
/// before the rotation can still be read.
pub fn retired_identities(conn: &Connection) -> Result<Vec<age::x25519::Identity>> {
    let Some(bytes) = crate::store::secret(conn, RETIRED_IDENTITIES)? else {
        return Ok(vec![]);
    };
    let text = zeroize::Zeroizing::new(String::from_utf8(bytes).unwrap_or_default());
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            age::x25519::Identity::from_str(l)
                .map_err(|_| Error::crypto(m::key_damaged("retired organisation")))
        })
        .collect()
}

pub(super) fn add_retired_identities(
    conn: &Connection,
    identities: &[age::x25519::Identity],
) -> Result<()> {
    use age::secrecy::ExposeSecret;
    let mut all = retired_identities(conn)?;
    for id in identities {
        if !all.iter().any(|a| a.to_public() == id.to_public()) {
            all.push(id.clone());
        }
    }
    let text = zeroize::Zeroizing::new(
        all.iter()
            .map(|i| i.to_string().expose_secret().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    crate::store::set_secret(conn, RETIRED_IDENTITIES, text.as_bytes())
}

/// A store holding the keys of an organisation key it no longer trusts keeps only
/// their escrow identity.
fn retire_stale_org_keys(conn: &Connection) -> Result<()> {
    let Some(keys) = DeviceKeys::load(conn, "org")? else {
        return Ok(());
    };
    if org_keys(conn)?.is_some() {
        return Ok(());
    }
    add_retired_identities(conn, std::slice::from_ref(&keys.age))?;
    crate::store::delete_secret(conn, "org_signing_key")?;
    crate::store::delete_secret(conn, "org_age_identity")
}

/// Headquarters: rotates the organisation key. The new key is signed by the old one;
/// every certificate and revocation is signed again by the new key; the old escrow
/// identity is kept to read bundles still on their way, the old signing key is gone.
pub fn rotate(conn: &Connection) -> Result<DirectoryMerge> {
    let current = org(conn)?.ok_or_else(|| Error::trust(m::not_enrolled()))?;
    let old = org_keys(conn)?.ok_or_else(|| Error::trust(m::not_headquarters()))?;
    let dir = super::directory(conn)?.ok_or_else(|| Error::trust(m::not_enrolled()))?;
    let mut chain = rotations(conn)?;
    let last_serial = open_chain(&chain)?.last().map_or(0, |r| r.serial);
    let serial = current.serial.unwrap_or(1).max(last_serial) + 1;
    let new = DeviceKeys::generate();
    let new_key = hex::encode(new.signing.verifying_key().as_bytes());
    chain.push(issue_rotation(&old, &new_key, serial));
    let verified = verify_directory(&current, &dir)?;
    let certs = verified
        .certs
        .iter()
        .map(|(c, vk, _)| reissue_cert(&new, c, vk.as_bytes()))
        .collect();
    let revocations = verified
        .revocations
        .iter()
        .map(|(r, _)| reissue_revocation(&new, r))
        .collect();
    let rotated = Directory {
        org_key: new_key,
        org: issue_org_statement(&new, serial),
        certs,
        revocations,
        rotations: chain,
    };
    add_retired_identities(conn, std::slice::from_ref(&old.age))?;
    new.save(conn, "org")?;
    match examine_directory(conn, &rotated)? {
        DirectoryView::Rotated(v) => adopt(conn, &rotated, &v),
        _ => Err(Error::trust(m::rotation_chain_broken())),
    }
}

/// The statement by which the organisation key `from` retires itself for `to_key`.
pub fn issue_rotation(from: &DeviceKeys, to_key: &str, serial: u64) -> Signed {
    let rotation = OrgRotation {
        kind: "org-rotation".into(),
        from_key: hex::encode(from.signing.verifying_key().as_bytes()),
        to_key: to_key.into(),
        serial,
        issued_at: chrono::Utc::now().to_rfc3339(),
    };
    Signed::new(&from.signing, ROTATION_CONTEXT, &rotation)
}

fn reissue_cert(org: &DeviceKeys, c: &DeviceCert, sign_key: &[u8; 32]) -> Signed {
    issue_cert(org, c.device, &c.office, c.role, sign_key, &c.age_recipient)
}

fn reissue_revocation(org: &DeviceKeys, r: &Revocation) -> Signed {
    issue_revocation(org, r.device, r.valid_through, &r.reason)
}
