//! The audit view. The audit log *is* the op log: every change names its device, its
//! author and its claimed clock, and this store adds when it received it and in which
//! bundle. Each device's changes are hash-chained and its heads signed, so the log is
//! tamper-evident (see `Nansen::verify_log`).

use super::Nansen;
use crate::error::Result;
use crate::hlc::Hlc;
use crate::oplog::log;
use crate::oplog::{Change, Op};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditOp {
    pub op: String,
    pub kind: String,
    pub id: String,
    /// The field, or the link set.
    pub name: String,
    #[ts(type = "unknown")]
    pub value: Value,
}

#[derive(Debug, Clone, Serialize, TS)]
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
        let rows = match entity {
            Some(id) => log::of_entity(self.conn(), &id, limit)?,
            None => log::recent(self.conn(), limit)?,
        };
        let own = self.device_id();
        let mut out = Vec::new();
        for e in rows {
            let change = Change::decode(&e.bytes)?;
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
                office: self.office_of(&e.device)?,
                local: e.device == own,
                device: e.device,
                seq: e.seq,
                author: e.author,
                at: Hlc(e.hlc).to_rfc3339(),
                received_at: Hlc::from_parts(e.received_at, 0).to_rfc3339(),
                bundle: e.bundle,
                state: e.state.label().into(),
                hash: hex::encode(e.hash),
                ops,
            });
        }
        Ok(out)
    }
}
