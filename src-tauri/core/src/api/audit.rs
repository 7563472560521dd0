//! The audit view. The audit log *is* the op log: every change names its device, its
//! author and its claimed clock, and this store adds when it received it and in which
//! bundle. Each device's changes are hash-chained and its heads signed, so the log is
//! tamper-evident (see `Nansen::verify_log`).

use super::messages as m;
use super::page::{self, Page, PageQuery};
use super::Nansen;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::oplog::index::After;
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
    /// A page of the changes that touched one record, newest first; or, without a
    /// record, of every change this store holds, latest stored first.
    pub fn audit(&self, entity: Option<Uuid>, query: &PageQuery) -> Result<Page<AuditEntry>> {
        let limit = page::limit(query.limit)?;
        let after = page::after(query.after.as_deref())?;
        let bad = || Error::invalid(m::bad_cursor(query.after.as_deref().unwrap_or("")));
        let row_of = |a: &After| a.id.parse::<i64>().map_err(|_| bad());
        let (mut rows, total) = match entity {
            Some(id) => {
                let before = match &after {
                    Some(a) => Some((a.sort_key.parse::<u64>().map_err(|_| bad())?, row_of(a)?)),
                    None => None,
                };
                (
                    log::of_entity(self.conn(), &id, before, limit + 1)?,
                    log::count_of_entity(self.conn(), &id)?,
                )
            }
            None => (
                log::recent(
                    self.conn(),
                    after.as_ref().map(row_of).transpose()?,
                    limit + 1,
                )?,
                log::count_all(self.conn())?,
            ),
        };
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = match rows.last() {
            Some((row, e)) if more => Some(page::encode(&After {
                sort_key: if entity.is_some() {
                    e.hlc.to_string()
                } else {
                    String::new()
                },
                id: row.to_string(),
            })),
            _ => None,
        };
        let own = self.device_id();
        let mut out = Vec::new();
        for (_, e) in rows {
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
        Ok(Page {
            items: out,
            next,
            total,
            total_capped: false,
        })
    }
}
