//! Enrolment, devices, revocation, held-back changes, and verifying the log's chains.

use super::messages as m;
use super::Nansen;
use crate::error::messages as em;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::oplog::log::{self, ChangeState};
use crate::oplog::{change, Change, ZERO_HASH};
use crate::sync::{heads, import};
use crate::trust::{self, enrol, KnownDevice, Role};
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, TS)]
pub struct HeldChange {
    pub device: Uuid,
    pub office: Option<String>,
    pub seq: u64,
    pub author: String,
    pub at: String,
    pub ops: usize,
    /// Why it is held: `unknown_device` (its signature cannot be checked until the
    /// device's certificate arrives), `revoked_device` or `clock_ahead`.
    pub reason: String,
    pub bundle: Option<String>,
    /// For a change of an unknown device: the device whose bundle brought it.
    pub relayed_by: Option<Uuid>,
    pub relayed_by_office: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChainCheck {
    pub device: Uuid,
    pub office: Option<String>,
    pub changes: u64,
    pub chain_intact: bool,
    /// The highest seq covered by a head signature that verifies.
    pub signed_through: u64,
    pub problem: Option<String>,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(em::reading(path.display()), e))
}

impl Nansen {
    /// Office device: writes the enrolment request to carry to headquarters.
    pub fn enrol_request(&self, out: &Path) -> Result<enrol::EnrolmentCheck> {
        let bytes = enrol::write_request(&self.keys, &self.office);
        crate::store::write_atomically(out, &bytes)?;
        let key = self.keys.signing.verifying_key();
        Ok(enrol::EnrolmentCheck {
            device: self.device_id(),
            office: self.office.clone(),
            safety_number: String::new(),
            org_fingerprint: String::new(),
            device_fingerprint: trust::fingerprint(key.as_bytes()),
            org_key_transfer: false,
        })
    }

    /// Headquarters: what a request says, before approving it.
    pub fn enrol_inspect_request(&self, request: &Path) -> Result<enrol::EnrolmentCheck> {
        let body = enrol::read_request(&read(request)?)?;
        let org = trust::org_keys(self.conn())?.ok_or_else(|| Error::trust(m::only_hq_enrols()))?;
        let key = hex::decode(&body.sign_key).unwrap_or_default();
        let org_key = org.signing.verifying_key();
        Ok(enrol::EnrolmentCheck {
            device: body.device,
            office: body.office,
            safety_number: trust::safety_number(org_key.as_bytes(), &org.recipient(), &key),
            org_fingerprint: trust::fingerprint(org_key.as_bytes()),
            device_fingerprint: trust::fingerprint(&key),
            org_key_transfer: false,
        })
    }

    /// Headquarters: enrols the device of a request and writes the enrolment file.
    pub fn enrol_approve(
        &mut self,
        request: &Path,
        out: &Path,
        role: Role,
    ) -> Result<enrol::EnrolmentCheck> {
        let req = read(request)?;
        let tx = self.store.conn.transaction()?;
        let (file, check) = enrol::approve(&tx, &req, role)?;
        crate::store::write_atomically(out, &file)?;
        tx.commit()?;
        Ok(check)
    }

    /// Office device: what an enrolment file says, before accepting it.
    pub fn enrol_inspect(&self, file: &Path) -> Result<enrol::EnrolmentCheck> {
        enrol::inspect(&read(file)?, &self.keys)
    }

    /// Office device: adopts the organisation and its directory.
    pub fn enrol_accept(&mut self, file: &Path) -> Result<enrol::EnrolmentCheck> {
        let bytes = read(file)?;
        let tx = self.store.conn.transaction()?;
        let check = enrol::accept(&tx, &bytes, &self.keys)?;
        tx.commit()?;
        Ok(check)
    }

    pub fn devices(&self) -> Result<Vec<KnownDevice>> {
        trust::known_devices(self.conn())
    }

    /// Headquarters: revokes a device. Its changes up to the highest seq this store has
    /// applied stay; anything later is held back everywhere the revocation reaches.
    pub fn revoke(&mut self, device: &str, reason: &str) -> Result<KnownDevice> {
        let org =
            trust::org_keys(self.conn())?.ok_or_else(|| Error::trust(m::only_hq_revokes()))?;
        let target = self.peer_device_by_id(device)?;
        if target.device == self.device_id() {
            return Err(Error::invalid(m::cannot_revoke_self()));
        }
        let through = crate::oplog::head(self.conn(), &target.device)?.0;
        let signed = trust::issue_revocation(&org, target.device, through, reason.trim());
        let tx = self.store.conn.transaction()?;
        let mut dir = trust::directory(&tx)?.expect("headquarters has a directory");
        dir.revocations.push(signed);
        trust::merge_directory(&tx, &dir)?;
        tx.commit()?;
        trust::known_device(self.conn(), &target.device)?
            .ok_or_else(|| Error::not_found("device", device))
    }

    fn peer_device_by_id(&self, device: &str) -> Result<KnownDevice> {
        let d = device.trim().to_lowercase();
        let all = trust::known_devices(self.conn())?;
        let found: Vec<_> = all
            .into_iter()
            .filter(|k| {
                k.device.to_string() == d
                    || (d.len() >= 8
                        && k.device
                            .simple()
                            .to_string()
                            .starts_with(&d.replace('-', "")))
            })
            .collect();
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one")),
            0 => Err(Error::not_found("enrolled device", device)),
            _ => Err(Error::invalid(m::ambiguous_device(device))),
        }
    }

    /// Changes kept but not applied: their device is unknown here (so their signature
    /// cannot be checked yet), revoked, or they claim a time that has not come.
    pub fn held_changes(&self) -> Result<Vec<HeldChange>> {
        let conn = self.conn();
        let mut out = Vec::new();
        for e in log::held(conn)? {
            out.push(HeldChange {
                reason: match e.state {
                    ChangeState::ClockAhead => "clock_ahead",
                    _ => "revoked_device",
                }
                .into(),
                office: self.office_of(&e.device)?,
                device: e.device,
                seq: e.seq,
                author: e.author,
                at: Hlc(e.hlc).to_rfc3339(),
                ops: Change::decode(&e.bytes).map(|c| c.ops.len()).unwrap_or(0),
                bundle: e.bundle.filter(|b| !b.is_empty()),
                relayed_by: None,
                relayed_by_office: None,
            });
        }
        for u in import::unverified(conn)? {
            out.push(HeldChange {
                reason: "unknown_device".into(),
                office: self.office_of(&u.device)?,
                device: u.device,
                seq: u.seq,
                author: u.author,
                at: Hlc(u.hlc).to_rfc3339(),
                ops: Change::decode(&u.bytes).map(|c| c.ops.len()).unwrap_or(0),
                bundle: u.bundle,
                relayed_by_office: match u.relayed_by {
                    Some(r) => self.office_of(&r)?,
                    None => None,
                },
                relayed_by: u.relayed_by,
            });
        }
        out.sort_by_key(|h| (h.device, h.seq));
        Ok(out)
    }

    /// Re-verifies every device's hash chain in this store and the signed heads that
    /// vouch for it: the audit log is the op log, and this shows it is untampered.
    pub fn verify_log(&self) -> Result<Vec<ChainCheck>> {
        let conn = self.conn();
        let mut out = Vec::new();
        for device in log::devices(conn)? {
            let chain = log::chain(conn, &device)?;
            let mut problem = None;
            let mut prev = ZERO_HASH;
            let mut expected_seq = 1;
            for (seq, stored) in &chain {
                let hash = change::hash(&stored.bytes);
                let intact = hash == stored.hash
                    && *seq == expected_seq
                    && Change::decode(&stored.bytes)
                        .is_ok_and(|c| c.prev == prev && c.seq == *seq && c.device == device);
                if !intact && problem.is_none() {
                    problem = Some(format!("the chain breaks at seq {seq}"));
                }
                prev = hash;
                expected_seq = seq + 1;
            }
            let key = if device == self.device_id() {
                Some(self.keys.signing.verifying_key())
            } else {
                trust::known_device(conn, &device)?.and_then(|k| {
                    trust::verifying_key(&hex::decode(k.sign_key).unwrap_or_default()).ok()
                })
            };
            let last = chain.last().map(|(seq, _)| *seq).unwrap_or(0);
            let signed_through = match key {
                Some(key) => heads::best_between(conn, &device, 1, last, &key)?
                    .map(|h| h.seq)
                    .unwrap_or(0),
                None => 0,
            };
            let chain_intact = problem.is_none();
            if chain_intact && device != self.device_id() && signed_through < last {
                // Every change that arrives here comes with its device's signed head;
                // one without is not vouched for by the device it names.
                problem = Some(format!(
                    "changes {}–{last} carry no valid signature of the device they name",
                    signed_through + 1
                ));
            }
            out.push(ChainCheck {
                office: self.office_of(&device)?,
                device,
                changes: chain.len() as u64,
                chain_intact,
                signed_through,
                problem,
            });
        }
        Ok(out)
    }

    /// Where a stored change stands, for tests and diagnostics.
    pub fn change_state(&self, device: &Uuid, seq: u64) -> Result<Option<ChangeState>> {
        log::state_of(self.conn(), device, seq)
    }
}
