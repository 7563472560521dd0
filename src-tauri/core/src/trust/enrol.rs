//! Enrolment files, exchanged by hand between an office device and headquarters.
//!
//! Request (`*.nansen-request`, JSON), written by the office device:
//!
//! | field     | meaning                                                           |
//! |-----------|-------------------------------------------------------------------|
//! | `format`  | `"nansen-enrolment-request"`, `version` 1                         |
//! | `request` | signed by the device itself (proof that it holds the key): `{device, office, sign_key, age_recipient, created_at}` |
//!
//! Enrolment (`*.nansen-enrolment`, JSON), written by headquarters:
//!
//! | field       | meaning                                                         |
//! |-------------|-----------------------------------------------------------------|
//! | `format`    | `"nansen-enrolment"`, `version` 2                               |
//! | `cert`      | the device's certificate, signed by the organisation key        |
//! | `directory` | the organisation key and its signed statement (the escrow key), all certificates, revocations, the key's rotations |
//! | `org_key`   | only for a headquarters device: the organisation's keys, encrypted to the device (see [`super::transfer`]) |
//!
//! Everything the office will act on is signed by the organisation key, and the safety
//! number covers the organisation key, its escrow key and the device key: someone who
//! swaps a key in the file on its way changes the number people compare. Version 1
//! files (whose escrow key was not signed) are refused.
//!
//! A store that already trusts the organisation accepts a file signed by a newer key
//! its key was rotated to (and adopts it), never one signed by a key it has retired.
//!
//! Neither file holds any personal data about the people in the records, and only an
//! enrolment of a headquarters device holds a secret (encrypted to that device).

use super::*;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    pub device: Uuid,
    pub office: String,
    pub sign_key: String,
    pub age_recipient: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestFile {
    pub format: String,
    pub version: u32,
    pub request: Signed,
}

pub const ENROLMENT_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolmentFile {
    pub format: String,
    pub version: u32,
    pub cert: Signed,
    pub directory: Directory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_key: Option<String>,
}

/// What a person checks before trusting an enrolment step.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EnrolmentCheck {
    pub device: Uuid,
    pub office: String,
    pub safety_number: String,
    pub org_fingerprint: String,
    pub device_fingerprint: String,
    /// The enrolment gives (or gave) this device the organisation key: it is a
    /// headquarters device that can enrol and revoke devices.
    pub org_key_transfer: bool,
}

pub fn write_request(keys: &DeviceKeys, office: &str) -> Vec<u8> {
    let body = RequestBody {
        device: keys.device_id(),
        office: office.into(),
        sign_key: hex::encode(keys.signing.verifying_key().as_bytes()),
        age_recipient: keys.recipient(),
        created_at: chrono::Utc::now().to_rfc3339(),
    };
    let file = RequestFile {
        format: "nansen-enrolment-request".into(),
        version: 1,
        request: Signed::new(&keys.signing, REQUEST_CONTEXT, &body),
    };
    serde_json::to_vec_pretty(&file).expect("serialisable")
}

pub fn read_request(bytes: &[u8]) -> Result<RequestBody> {
    let file: RequestFile =
        serde_json::from_slice(bytes).map_err(|_| Error::invalid(m::not_a_request()))?;
    if file.format != "nansen-enrolment-request" || file.version != 1 {
        return Err(Error::invalid(m::request_unknown_version()));
    }
    let claimed: RequestBody = serde_json::from_str(&file.request.body)
        .map_err(|_| Error::invalid(m::request_damaged()))?;
    let key = verifying_key(&hex::decode(&claimed.sign_key).unwrap_or_default())?;
    let body: RequestBody = file
        .request
        .open(&key, REQUEST_CONTEXT)
        .map_err(|_| Error::trust(m::request_bad_signature()))?;
    if device_id_for_key(key.as_bytes()) != body.device {
        return Err(Error::trust(m::request_wrong_device()));
    }
    age::x25519::Recipient::from_str(&body.age_recipient)
        .map_err(|_| Error::invalid(m::request_bad_encryption_key()))?;
    if body.office.trim().is_empty() {
        return Err(Error::invalid(m::request_without_office()));
    }
    Ok(body)
}

/// Headquarters: checks a request and issues the certificate. Returns the enrolment file
/// and what to compare with the office.
pub fn approve(conn: &Connection, request: &[u8], role: Role) -> Result<(Vec<u8>, EnrolmentCheck)> {
    let org = org_keys(conn)?.ok_or_else(|| Error::trust(m::not_headquarters()))?;
    let body = read_request(request)?;
    let sign_key = hex::decode(&body.sign_key).unwrap_or_default();
    let sign_key: [u8; 32] = sign_key
        .as_slice()
        .try_into()
        .map_err(|_| Error::invalid(m::damaged_key()))?;
    let cert = issue_cert(
        &org,
        body.device,
        body.office.trim(),
        role,
        &sign_key,
        &body.age_recipient,
    );
    // The new certificate is checked and stored like any that arrives in a bundle.
    merge_directory(
        conn,
        &Directory {
            certs: vec![cert.clone()],
            ..directory(conn)?.unwrap_or_default()
        },
    )?;
    let org_key = match role {
        Role::Hq => Some(transfer::seal(conn, body.device, &body.age_recipient)?),
        Role::Office => None,
    };
    let file = EnrolmentFile {
        format: "nansen-enrolment".into(),
        version: ENROLMENT_VERSION,
        cert,
        directory: directory(conn)?.expect("headquarters has a directory"),
        org_key,
    };
    let org_key = org.signing.verifying_key();
    Ok((
        serde_json::to_vec_pretty(&file).expect("serialisable"),
        EnrolmentCheck {
            device: body.device,
            office: body.office.trim().to_string(),
            safety_number: safety_number(org_key.as_bytes(), &org.recipient(), &sign_key),
            org_fingerprint: fingerprint(org_key.as_bytes()),
            device_fingerprint: fingerprint(&sign_key),
            org_key_transfer: role == Role::Hq,
        },
    ))
}

fn read_enrolment(bytes: &[u8], own: &DeviceKeys) -> Result<(EnrolmentFile, DeviceCert)> {
    #[derive(Deserialize)]
    struct Header {
        format: String,
        version: u32,
    }
    let header: Header =
        serde_json::from_slice(bytes).map_err(|_| Error::invalid(m::not_an_enrolment()))?;
    if header.format != "nansen-enrolment" {
        return Err(Error::invalid(m::not_an_enrolment()));
    }
    if header.version < ENROLMENT_VERSION {
        return Err(Error::trust(m::enrolment_from_older_version(
            header.version,
        )));
    }
    if header.version > ENROLMENT_VERSION {
        return Err(Error::invalid(m::enrolment_from_newer_version()));
    }
    let file: EnrolmentFile =
        serde_json::from_slice(bytes).map_err(|_| Error::invalid(m::enrolment_damaged()))?;
    let org_key = verifying_key(&hex::decode(&file.directory.org_key).unwrap_or_default())?;
    open_org_statement(&file.directory.org, &file.directory.org_key)?;
    let cert: DeviceCert = file
        .cert
        .open(&org_key, CERT_CONTEXT)
        .map_err(|_| Error::trust(m::enrolment_cert_unsigned()))?;
    if cert.device != own.device_id()
        || cert.sign_key != hex::encode(own.signing.verifying_key().as_bytes())
    {
        return Err(Error::trust(m::enrolment_for_other_device()));
    }
    if cert.age_recipient != own.recipient() {
        return Err(Error::trust(m::enrolment_other_encryption_key()));
    }
    Ok((file, cert))
}

/// Office: what to compare before accepting.
pub fn inspect(bytes: &[u8], own: &DeviceKeys) -> Result<EnrolmentCheck> {
    let (file, cert) = read_enrolment(bytes, own)?;
    let org_key = hex::decode(&file.directory.org_key).unwrap_or_default();
    let statement = open_org_statement(&file.directory.org, &file.directory.org_key)?;
    let own_key = own.signing.verifying_key();
    Ok(EnrolmentCheck {
        device: cert.device,
        office: cert.office,
        safety_number: safety_number(&org_key, &statement.escrow_recipient, own_key.as_bytes()),
        org_fingerprint: fingerprint(&org_key),
        device_fingerprint: fingerprint(own_key.as_bytes()),
        org_key_transfer: file.org_key.is_some(),
    })
}

/// Office: adopts the organisation as trust root and stores the directory. Accepting
/// again (a new file for the same device) can add certificates and revocations, but
/// changes the escrow key only if headquarters signed a newer statement.
pub fn accept(conn: &Connection, bytes: &[u8], own: &DeviceKeys) -> Result<EnrolmentCheck> {
    let check = inspect(bytes, own)?;
    let (file, cert) = read_enrolment(bytes, own)?;
    let mut dir = file.directory.clone();
    dir.certs.push(file.cert.clone());
    match org(conn)? {
        Some(_) => match examine_directory(conn, &dir)? {
            DirectoryView::Current(_) | DirectoryView::Rotated(_) => {}
            DirectoryView::Retired => return Err(Error::trust(m::enrolment_retired_key())),
            DirectoryView::Foreign => return Err(Error::trust(m::other_organisation())),
        },
        None => {
            let statement = open_org_statement(&file.directory.org, &file.directory.org_key)?;
            let chain = open_chain(&file.directory.rotations)?;
            if chain
                .last()
                .is_some_and(|r| r.to_key != file.directory.org_key)
            {
                return Err(Error::trust(m::rotation_chain_broken()));
            }
            set_org(conn, &statement, &file.directory.org)?;
            rotation::set_rotations(conn, &file.directory.rotations)?;
        }
    }
    merge_directory(conn, &dir)?;
    if let Some(sealed) = &file.org_key {
        transfer::open(conn, sealed, own, cert.role)?;
    }
    Ok(check)
}
