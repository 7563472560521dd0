//! The audit view. The audit log *is* the op log: every change names its device, its
//! author and its claimed clock, and this store adds when it received it and in which
//! bundle. Each device's changes are hash-chained and its heads signed, so the log is
//! tamper-evident (see `Nansen::verify_log`).

use super::Nansen;
use crate::error::Result;
use crate::hlc::Hlc;
use crate::oplog::apply::blob_uuid;
use crate::oplog::{Change, Op};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// device, seq, author, hlc, received_at, bundle, state, hash, bytes
type AuditRow = (
    Vec<u8>,
    i64,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    Vec<u8>,
    Vec<u8>,
);

#[derive(Debug, Clone, Serialize)]
pub struct AuditOp {
    pub op: String,
    pub kind: String,
    pub id: String,
    /// The field, or the link set.
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub device: Uuid,
    pub seq: u64,
    pub office: Option<String>,
    pub author: String,
    /// The author's clock when the change was made.
    pub at: String,
    /// When this store received it (for changes made here: when they were made).
    pub received_at: String,
    pub local: bool,
    pub bundle: Option<String>,
    /// `applied`, `waiting` or `held`.
    pub state: String,
    pub hash: String,
    pub ops: Vec<AuditOp>,
}

impl Nansen {
    /// The changes that touched one record, newest first; or, without a record, the
    /// latest `limit` changes of the whole store.
    pub fn audit(&self, entity: Option<Uuid>, limit: usize) -> Result<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = {
            let (sql, param): (&str, Option<String>) = match entity {
                Some(id) => (
                    "SELECT c.device, c.seq, c.author, c.hlc, c.received_at, c.bundle, c.state, c.hash, c.bytes
                     FROM change_entities e JOIN changes c ON c.device = e.device AND c.seq = e.seq
                     WHERE e.entity = ?1 ORDER BY c.hlc DESC LIMIT ?2",
                    Some(id.to_string()),
                ),
                None => (
                    "SELECT device, seq, author, hlc, received_at, bundle, state, hash, bytes FROM changes
                     WHERE ?1 IS NULL ORDER BY received_at DESC, hlc DESC LIMIT ?2",
                    None,
                ),
            };
            let mut stmt = self.conn().prepare(sql)?;
            let rows = stmt.query_map(rusqlite::params![param, limit as i64], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let own = self.device_id();
        let mut out = Vec::new();
        for (device, seq, author, hlc, received, bundle, state, hash, bytes) in rows {
            let device = blob_uuid(&device);
            let change = Change::decode(&bytes)?;
            let ops = change
                .ops
                .iter()
                .filter(|op| entity.is_none_or(|e| op.entity().1 == e))
                .map(|op| match op {
                    Op::Set {
                        kind,
                        id,
                        field,
                        value,
                    } => AuditOp {
                        op: "set".into(),
                        kind: kind.to_string(),
                        id: id.to_string(),
                        name: field.clone(),
                        value: value.clone(),
                    },
                    Op::Add {
                        kind,
                        owner,
                        link,
                        elem,
                    } => AuditOp {
                        op: "add".into(),
                        kind: kind.to_string(),
                        id: owner.to_string(),
                        name: link.clone(),
                        value: elem.clone(),
                    },
                    Op::Remove {
                        kind,
                        owner,
                        link,
                        elem,
                    } => AuditOp {
                        op: "remove".into(),
                        kind: kind.to_string(),
                        id: owner.to_string(),
                        name: link.clone(),
                        value: elem.clone(),
                    },
                })
                .collect();
            out.push(AuditEntry {
                office: self.office_of(&device)?,
                local: device == own,
                device,
                seq: seq as u64,
                author,
                at: Hlc(hlc as u64).to_rfc3339(),
                received_at: Hlc::from_parts(received as u64, 0).to_rfc3339(),
                bundle,
                state: match state {
                    0 => "waiting",
                    1 => "applied",
                    _ => "held",
                }
                .into(),
                hash: hex::encode(hash),
                ops,
            });
        }
        Ok(out)
    }
}
