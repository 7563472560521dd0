//! Reading and listing records of every kind; creating and editing them is in
//! [`write`].

mod write;

use super::messages as m;
use super::page::{self, Page};
use super::Nansen;
use crate::domain::labels;
use crate::domain::schema::{FieldType, DELETED};
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::oplog::index::{self, Filter};
pub(crate) use crate::oplog::state::row_of;
use crate::oplog::{log, state};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct ListQuery {
    pub q: Option<String>,
    pub include_deleted: bool,
    /// Rows per page (see `page::limit`).
    pub limit: Option<usize>,
    /// The cursor of the page before (its `next`).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RecordSummary {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    pub deleted: bool,
    pub in_conflict: bool,
    #[ts(type = "Record<string, unknown>")]
    pub fields: Map<String, Value>,
    /// Labels of the records its fields refer to (a place, a parent, an actor).
    pub refs: BTreeMap<String, RefLabel>,
}

/// One live value of a field: several of them make a conflict.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LiveValue {
    #[ts(type = "unknown")]
    pub value: Value,
    /// `device:seq:idx` of the write; what `resolve --pick` takes.
    pub value_id: String,
    pub device: Uuid,
    pub office: Option<String>,
    pub author: String,
    /// The author's clock when writing (RFC 3339).
    pub at: String,
    /// The value shown while the conflict lasts (the same on every store).
    pub shown: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RefLabel {
    pub kind: Kind,
    pub label: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Stamp {
    pub at: String,
    pub author: String,
    pub office: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RecordView {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    pub deleted: bool,
    #[ts(type = "Record<string, unknown>")]
    pub fields: Map<String, Value>,
    /// Fields in conflict, with every live value.
    pub conflicts: BTreeMap<String, Vec<LiveValue>>,
    #[ts(type = "Record<string, Array<Record<string, unknown>>>")]
    pub links: BTreeMap<String, Vec<Value>>,
    /// Labels of every record this one refers to.
    pub refs: BTreeMap<String, RefLabel>,
    pub created: Option<Stamp>,
    pub updated: Option<Stamp>,
}

impl Nansen {
    pub(crate) fn label_of(&self, kind: Kind, fields: &Map<String, Value>) -> String {
        labels::label(&self.vocab, &self.lang, kind, fields)
    }

    /// The kind of the record with this id, if any.
    pub fn kind_of(&self, id: &Uuid) -> Result<Option<Kind>> {
        state::kind_of(self.conn(), id)
    }

    fn record_row(&self, kind: Kind, id: &Uuid) -> Result<Option<Map<String, Value>>> {
        row_of(self.conn(), kind, &id.to_string())
    }

    /// The record's shown fields; an error naming the id if it does not exist.
    pub(crate) fn existing(&self, kind: Kind, id: &Uuid) -> Result<Map<String, Value>> {
        self.record_row(kind, id)?
            .ok_or_else(|| Error::not_found(kind.as_str(), id))
    }

    /// The elements present in a link set.
    pub(crate) fn present_elements(&self, owner: &Uuid, link: &str) -> Result<Vec<Value>> {
        state::present_elements(self.conn(), &owner.to_string(), link)
    }

    fn live_values(&self, entity: &Uuid, field: Option<&str>) -> Result<Vec<(String, LiveValue)>> {
        let mut out = Vec::new();
        for live in state::live_values(self.conn(), entity, field)? {
            out.push((
                live.field.clone(),
                LiveValue {
                    value_id: live.value_id(),
                    office: self.office_of(&live.device)?,
                    device: live.device,
                    author: live.author.unwrap_or_default(),
                    at: Hlc(live.hlc).to_rfc3339(),
                    shown: live.shown,
                    value: live.value,
                },
            ));
        }
        Ok(out)
    }

    pub fn get(&self, kind: Kind, id: Uuid) -> Result<RecordView> {
        let fields = self.existing(kind, &id)?;
        let mut conflicts: BTreeMap<String, Vec<LiveValue>> = BTreeMap::new();
        let live = self.live_values(&id, None)?;
        let mut per_field: BTreeMap<String, Vec<LiveValue>> = BTreeMap::new();
        for (field, v) in live {
            per_field.entry(field).or_default().push(v);
        }
        for (field, values) in per_field {
            if values.len() > 1 {
                conflicts.insert(field, values);
            }
        }
        let mut links = BTreeMap::new();
        for link in kind.spec().links {
            links.insert(
                link.name.to_string(),
                self.present_elements(&id, link.name)?,
            );
        }
        let mut ids = field_refs(kind, &fields);
        for link in kind.spec().links {
            for e in &links[link.name] {
                for f in link.fields {
                    if let (FieldType::Ref { kind: k }, Some(Value::String(s))) =
                        (f.ty, e.get(f.name))
                    {
                        ids.insert((k, s.clone()));
                    }
                }
            }
        }
        let refs = self.ref_labels(ids)?;
        let (created, updated) = self.stamps(&id)?;
        Ok(RecordView {
            kind,
            id: id.to_string(),
            label: self.label_of(kind, &fields),
            deleted: fields.get(DELETED) == Some(&Value::Bool(true)),
            fields,
            conflicts,
            links,
            refs,
            created,
            updated,
        })
    }

    pub(crate) fn ref_labels(
        &self,
        ids: BTreeSet<(Kind, String)>,
    ) -> Result<BTreeMap<String, RefLabel>> {
        let mut refs = BTreeMap::new();
        for (k, s) in ids {
            let Ok(rid) = Uuid::parse_str(&s) else {
                continue;
            };
            if let Some(f) = self.record_row(k, &rid)? {
                refs.insert(
                    s,
                    RefLabel {
                        kind: k,
                        label: self.label_of(k, &f),
                        deleted: f.get(DELETED) == Some(&Value::Bool(true)),
                    },
                );
            }
        }
        Ok(refs)
    }

    fn stamps(&self, id: &Uuid) -> Result<(Option<Stamp>, Option<Stamp>)> {
        let rows = log::touches(self.conn(), id)?;
        let stamp = |row: Option<&(u64, String, Uuid)>| -> Result<Option<Stamp>> {
            row.map(|(hlc, author, device)| {
                Ok(Stamp {
                    at: Hlc(*hlc).to_rfc3339(),
                    author: author.clone(),
                    office: self.office_of(device)?,
                })
            })
            .transpose()
        };
        Ok((stamp(rows.first())?, stamp(rows.last())?))
    }

    /// One page of the records of a kind, in label order. `q` matches the beginnings
    /// of the words of any name or alias, across scripts, for named kinds, and text in
    /// the title or description otherwise.
    pub fn list(&self, kind: Kind, query: &ListQuery) -> Result<Page<RecordSummary>> {
        let spec = kind.spec();
        let q = query.q.as_deref().filter(|q| !q.trim().is_empty());
        let mut filter = Filter {
            include_deleted: query.include_deleted,
            ..Filter::default()
        };
        if kind.is_named() {
            filter.words = Filter::search(q);
        } else if let Some(q) = q {
            let columns = spec
                .fields
                .iter()
                .filter(|f| matches!(f.ty, FieldType::Text | FieldType::LongText))
                .map(|f| f.name)
                .collect();
            filter.text = Some((columns, q.to_string()));
        }
        if q.is_some() && filter.words.is_empty() && filter.text.is_none() {
            return Ok(Page::empty());
        }
        let after = page::after(query.after.as_deref())?;
        let keys = index::page(
            self.conn(),
            kind,
            &filter,
            after.as_ref(),
            page::limit(query.limit)?,
        )?;
        page::build(keys, |row| self.summary(kind, &row.id))
    }

    /// A record as a list shows it; none if it is gone.
    pub(crate) fn summary(&self, kind: Kind, id: &str) -> Result<Option<RecordSummary>> {
        let Some(fields) = row_of(self.conn(), kind, id)? else {
            return Ok(None);
        };
        Ok(Some(RecordSummary {
            kind,
            label: self.label_of(kind, &fields),
            deleted: fields.get(DELETED) == Some(&Value::Bool(true)),
            in_conflict: index::in_conflict(self.conn(), id)?,
            id: id.to_string(),
            refs: self.ref_labels(field_refs(kind, &fields))?,
            fields,
        }))
    }

    pub(crate) fn has_delete_conflict(&self, id: &Uuid) -> Result<bool> {
        Ok(!self.delete_conflict_edits(id)?.is_empty())
    }

    /// Edits made concurrently with a live delete of the record: (field, value_id).
    pub(crate) fn delete_conflict_edits(&self, id: &Uuid) -> Result<Vec<(String, String)>> {
        let live = self.live_values(id, None)?;
        let deletes: Vec<&LiveValue> = live
            .iter()
            .filter(|(f, v)| f == DELETED && v.value == Value::Bool(true))
            .map(|(_, v)| v)
            .collect();
        if deletes.is_empty() {
            return Ok(vec![]);
        }
        let mut out = Vec::new();
        for d in deletes {
            let (dev, seq) = parse_value_id(&d.value_id)?;
            let bytes = log::bytes_of(self.conn(), &dev, seq)?
                .ok_or_else(|| Error::not_found("change", &d.value_id))?;
            let change = crate::oplog::Change::decode(&bytes)?;
            for (field, v) in &live {
                if field == DELETED {
                    continue;
                }
                let (vd, vs) = parse_value_id(&v.value_id)?;
                if !change.has_seen(&vd, vs) {
                    out.push((field.clone(), v.value_id.clone()));
                }
            }
            for (ld, ls) in state::link_writes(self.conn(), id)? {
                if !change.has_seen(&ld, ls) {
                    out.push(("links".into(), format!("{ld}:{ls}")));
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// The records a record's fields refer to.
fn field_refs(kind: Kind, fields: &Map<String, Value>) -> BTreeSet<(Kind, String)> {
    let mut ids = BTreeSet::new();
    for field in kind.spec().fields {
        if let (FieldType::Ref { kind: k }, Some(Value::String(s))) =
            (field.ty, fields.get(field.name))
        {
            ids.insert((k, s.clone()));
        }
    }
    ids
}

pub(crate) fn parse_value_id(s: &str) -> Result<(Uuid, u64)> {
    let mut parts = s.split(':');
    let bad = || Error::invalid(m::not_a_value_id(s));
    let device = parts
        .next()
        .and_then(|d| Uuid::parse_str(d).ok())
        .ok_or_else(bad)?;
    let seq = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    Ok((device, seq))
}
