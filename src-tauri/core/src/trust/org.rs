//! The organisation as this store knows it: its key and its signed statement of the
//! escrow key every bundle is also encrypted to (kept in the store's `meta`).

use super::keys::{verifying_key, DeviceKeys};
use super::messages as m;
use super::{Signed, ORG_CONTEXT};
use crate::error::{Error, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

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

pub(super) fn stored_statement(conn: &Connection) -> Result<Option<Signed>> {
    crate::store::meta(conn, META_STATEMENT)?
        .map(|json| serde_json::from_str(&json).map_err(Error::from))
        .transpose()
}

/// Adopts a verified organisation statement as this store's trust root.
pub(super) fn set_org(conn: &Connection, statement: &OrgStatement, signed: &Signed) -> Result<()> {
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
        &hex::decode(org_key).map_err(|_| Error::trust(m::organisation_key_damaged()))?,
    )?;
    let statement: OrgStatement = signed
        .open(&key, ORG_CONTEXT)
        .map_err(|_| Error::trust(m::org_statement_unsigned()))?;
    if statement.kind != "organisation" || statement.org_key != org_key {
        return Err(Error::trust(m::org_statement_other_key()));
    }
    age::x25519::Recipient::from_str(&statement.escrow_recipient)
        .map_err(|_| Error::trust(m::escrow_key_damaged()))?;
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
pub(super) fn adopt_statement(
    conn: &Connection,
    signed: &Signed,
    statement: &OrgStatement,
) -> Result<bool> {
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
        Err(Error::trust(m::escrow_equivocation()))
    } else {
        Ok(false)
    }
}

/// The organisation's keys; only headquarters devices have them. Keys of an
/// organisation key this store no longer trusts (it was rotated) are not returned.
pub fn org_keys(conn: &Connection) -> Result<Option<DeviceKeys>> {
    let Some(keys) = DeviceKeys::load(conn, "org")? else {
        return Ok(None);
    };
    match crate::store::meta(conn, META_ORG_KEY)? {
        Some(key) if key != hex::encode(keys.signing.verifying_key().as_bytes()) => Ok(None),
        _ => Ok(Some(keys)),
    }
}
