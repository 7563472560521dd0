//! Reading and listing records of every kind; creating and editing them is in
//! [`write`].

mod write;

use super::messages as m;
use super::Nansen;
use crate::domain::schema::{FieldType, DELETED};
use crate::domain::vocab::Vocabularies;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::oplog::{log, state};
use rusqlite::types::ValueRef;
use rusqlite::OptionalExtension;
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
    pub limit: Option<usize>,
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

pub(crate) fn row_fields(kind: Kind, row: &rusqlite::Row) -> rusqlite::Result<Map<String, Value>> {
    let mut out = Map::new();
    for field in kind.spec().fields {
        let v = row.get_ref(field.name)?;
        let json = match (v, field.ty) {
            (ValueRef::Null, _) => Value::Null,
            (ValueRef::Integer(i), FieldType::Bool) => Value::Bool(i != 0),
            (ValueRef::Integer(i), _) => Value::from(i),
            (ValueRef::Real(f), _) => Value::from(f),
            (ValueRef::Text(t), FieldType::Name | FieldType::Coordinates) => {
                serde_json::from_slice(t).unwrap_or(Value::Null)
            }
            (ValueRef::Text(t), _) => Value::String(String::from_utf8_lossy(t).into_owned()),
            (ValueRef::Blob(_), _) => Value::Null,
        };
        if !json.is_null() {
            out.insert(field.name.to_string(), json);
        }
    }
    Ok(out)
}

/// A record's shown fields, read from its kind's table.
pub(crate) fn row_of(
    conn: &rusqlite::Connection,
    kind: Kind,
    id: &str,
) -> Result<Option<Map<String, Value>>> {
    let sql = format!("SELECT * FROM {} WHERE id = ?1", kind.spec().table);
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row([id], |r| row_fields(kind, r)).optional()?)
}

/// A record's display label, with vocabulary terms in `lang` (`en` or `ru`).
pub(crate) fn label(
    vocabularies: &Vocabularies,
    lang: &str,
    kind: Kind,
    fields: &Map<String, Value>,
) -> String {
    let text = |f: &str| fields.get(f).and_then(Value::as_str).map(str::to_string);
    let term = |vocab: &str, f: &str| text(f).map(|t| vocabularies.label(vocab, &t, lang));
    let label = match kind {
        Kind::Person => fields
            .get("name")
            .and_then(|n| n.get("text"))
            .and_then(Value::as_str)
            .map(str::to_string),
        Kind::Event => text("title").or_else(|| {
            term("event_type", "type").map(|t| match text("date") {
                Some(d) => format!("{t}, {d}"),
                None => t,
            })
        }),
        Kind::Status => term("status", "value"),
        Kind::Attachment => text("caption").or_else(|| text("filename")),
        _ => text(kind.spec().label_field),
    };
    label.unwrap_or_else(|| match lang {
        "ru" => "(без названия)".to_string(),
        _ => format!("({kind} without a name)"),
    })
}

impl Nansen {
    pub(crate) fn label_of(&self, kind: Kind, fields: &Map<String, Value>) -> String {
        label(&self.vocab, &self.lang, kind, fields)
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
        state::present_elements(self.conn(), owner, link)
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
        let mut ids: BTreeSet<(Kind, String)> = BTreeSet::new();
        for field in kind.spec().fields {
            if let (FieldType::Ref { kind: k }, Some(Value::String(s))) =
                (field.ty, fields.get(field.name))
            {
                ids.insert((k, s.clone()));
            }
        }
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

    /// Records of one kind. `q` matches any name or alias across scripts for named
    /// kinds, and the title or description otherwise.
    pub fn list(&self, kind: Kind, query: &ListQuery) -> Result<Vec<RecordSummary>> {
        let spec = kind.spec();
        let mut sql = format!("SELECT * FROM {} WHERE 1 = 1", spec.table);
        let mut params: Vec<String> = Vec::new();
        if !query.include_deleted {
            sql.push_str(" AND coalesce(deleted, 0) = 0");
        }
        if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
            if matches!(
                kind,
                Kind::Person | Kind::Group | Kind::Location | Kind::Actor
            ) {
                let (frag, p) = name_filter(q);
                sql.push_str(&frag);
                params.extend(p);
            } else {
                let text_fields: Vec<&str> = spec
                    .fields
                    .iter()
                    .filter(|f| matches!(f.ty, FieldType::Text | FieldType::LongText))
                    .map(|f| f.name)
                    .collect();
                let like: Vec<String> = text_fields
                    .iter()
                    .map(|f| format!("\"{f}\" LIKE ?{} ESCAPE '\\'", params.len() + 1))
                    .collect();
                sql.push_str(&format!(" AND ({})", like.join(" OR ")));
                params.push(format!("%{}%", escape_like(q.trim())));
            }
        }
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((r.get::<_, String>("id")?, row_fields(kind, r)?))
        })?;
        let conflicted = self.conflicted_entities()?;
        let mut out = Vec::new();
        for row in rows {
            let (id, fields) = row?;
            out.push(RecordSummary {
                kind,
                label: self.label_of(kind, &fields),
                deleted: fields.get(DELETED) == Some(&Value::Bool(true)),
                in_conflict: conflicted.contains(&id),
                id,
                fields,
            });
        }
        out.sort_by(|a, b| {
            a.label
                .to_lowercase()
                .cmp(&b.label.to_lowercase())
                .then_with(|| a.id.cmp(&b.id))
        });
        if let Some(limit) = query.limit {
            out.truncate(limit);
        }
        Ok(out)
    }

    pub(crate) fn conflicted_entities(&self) -> Result<BTreeSet<String>> {
        state::conflicted_entities(self.conn())
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

pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// SQL that keeps records with a name or alias matching every word of `q`, in any
/// script or spelling (see `domain::names`).
pub(crate) fn name_filter(q: &str) -> (String, Vec<String>) {
    let key = crate::domain::names::search_key(q);
    let mut sql = String::new();
    let mut params = Vec::new();
    for token in key.split(' ').filter(|t| !t.is_empty()) {
        sql.push_str(" AND id IN (SELECT entity FROM name_keys WHERE key LIKE ? ESCAPE '\\')");
        params.push(format!("%{}%", escape_like(token)));
    }
    if params.is_empty() {
        sql.push_str(" AND 0");
    }
    (sql, params)
}
