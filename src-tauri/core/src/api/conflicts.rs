//! Conflicts (concurrent writes to one field, edits made while someone deleted the
//! record) and their resolution.

use super::messages as m;
use super::page::{self, Page, PageQuery};
use super::records::{parse_value_id, LiveValue};
use super::Nansen;
use crate::domain::schema::DELETED;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::oplog::index::After;
use crate::oplog::{log, state, Op};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Conflict {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    pub field: String,
    /// `values`: concurrent writes to one field. `delete`: edits made while someone
    /// else deleted the record.
    pub conflict: String,
    pub values: Vec<ConflictValue>,
}

pub type ConflictValue = LiveValue;

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "choice", content = "value")]
pub enum ResolveChoice {
    /// Keep one of the live values, by its value id.
    Pick(String),
    /// Write a new value.
    Value(#[ts(type = "unknown")] Value),
    /// For a delete conflict: keep the record (and the edits).
    Keep,
    /// For a delete conflict: confirm the delete.
    Delete,
}

impl Nansen {
    /// A page of the conflicts, by kind and record: concurrent values of a field, and
    /// records deleted while someone else edited them.
    pub fn conflicts(&self, query: &PageQuery) -> Result<Page<Conflict>> {
        let limit = page::limit(query.limit)?;
        // A conflict's place in the list: (kind, record, field), with "" for the field
        // of a delete conflict.
        let after = match page::after(query.after.as_deref())? {
            Some(a) => {
                let (kind, entity) = a.sort_key.split_once('\u{1f}').ok_or_else(|| {
                    Error::invalid(m::bad_cursor(query.after.as_deref().unwrap_or("")))
                })?;
                (kind.to_string(), entity.to_string(), a.id)
            }
            None => Default::default(),
        };
        let mut deletes = Vec::new();
        for (kind, entity) in state::deleted_records(self.conn(), &Default::default())? {
            let id = crate::ids::parse_id("record", &entity)?;
            if !self.delete_conflict_edits(&id)?.is_empty() {
                deletes.push((kind, entity, String::new()));
            }
        }
        let total = state::count_conflicts(self.conn())? + deletes.len() as u64;
        let mut keys = state::conflicted_fields(self.conn(), &after, limit + 1)?;
        keys.extend(deletes.into_iter().filter(|k| *k > after));
        keys.sort();
        let more = keys.len() > limit;
        keys.truncate(limit);
        let next = match keys.last() {
            Some((kind, entity, field)) if more => Some(page::encode(&After {
                sort_key: format!("{kind}\u{1f}{entity}"),
                id: field.clone(),
            })),
            _ => None,
        };
        let mut out = Vec::new();
        for (kind, entity, field) in keys {
            let kind = Kind::parse(&kind)?;
            let id = crate::ids::parse_id("record", &entity)?;
            let view = self.get(kind, id)?;
            if !field.is_empty() {
                out.push(Conflict {
                    kind,
                    id: entity,
                    label: view.label.clone(),
                    conflict: "values".into(),
                    values: view.conflicts.get(&field).cloned().unwrap_or_default(),
                    field,
                });
                continue;
            }
            let mut values = Vec::new();
            for (field, value_id) in &self.delete_conflict_edits(&id)? {
                values.extend(self.live_value(&id, field, value_id)?);
            }
            out.push(Conflict {
                kind,
                id: entity,
                label: view.label,
                field: DELETED.into(),
                conflict: "delete".into(),
                values,
            });
        }
        Ok(Page {
            items: out,
            next,
            total,
            total_capped: false,
        })
    }

    fn live_value(&self, id: &Uuid, field: &str, value_id: &str) -> Result<Option<LiveValue>> {
        let kind =
            state::kind_of(self.conn(), id)?.ok_or_else(|| Error::not_found("record", id))?;
        let view = self.get(kind, *id)?;
        if let Some(values) = view.conflicts.get(field) {
            return Ok(values.iter().find(|v| v.value_id == value_id).cloned());
        }
        let (device, seq) = parse_value_id(value_id)?;
        let (author, hlc) = log::author_and_clock(self.conn(), &device, seq)?.unwrap_or_default();
        let value = if field == "links" {
            Value::String("links changed".into())
        } else {
            view.fields.get(field).cloned().unwrap_or(Value::Null)
        };
        Ok(Some(LiveValue {
            value: serde_json::json!({"field": field, "value": value}),
            value_id: value_id.to_string(),
            office: self.office_of(&device)?,
            device,
            author,
            at: Hlc(hlc).to_rfc3339(),
            shown: true,
        }))
    }

    /// Resolves a conflict with a write that has seen every live value, so it
    /// supersedes them all here and, after sync, everywhere.
    pub fn resolve(&mut self, id: Uuid, field: &str, choice: ResolveChoice) -> Result<()> {
        let kind = self
            .kind_of(&id)?
            .ok_or_else(|| Error::not_found("record", id))?;
        let view = self.get(kind, id)?;
        let in_conflict = view.conflicts.contains_key(field)
            || (field == DELETED && self.has_delete_conflict(&id)?);
        if !in_conflict {
            return Err(Error::invalid(m::no_conflict(kind, id, field)));
        }
        let value = match choice {
            ResolveChoice::Keep => Value::Bool(false),
            ResolveChoice::Delete => Value::Bool(true),
            ResolveChoice::Pick(value_id) => {
                let values = view
                    .conflicts
                    .get(field)
                    .ok_or_else(|| Error::invalid(m::no_conflict(kind, id, field)))?;
                values
                    .iter()
                    .find(|v| v.value_id == value_id)
                    .map(|v| v.value.clone())
                    .ok_or_else(|| {
                        Error::invalid(m::not_a_conflicting_value(
                            &value_id,
                            values
                                .iter()
                                .map(|v| v.value_id.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ))
                    })?
            }
            ResolveChoice::Value(v) => {
                if field == DELETED {
                    return Err(Error::invalid(m::resolve_delete_with_keep_or_delete()));
                }
                let spec = kind.spec().field(field)?;
                let v = spec.ty.normalise(field, &v)?;
                if v.is_null() && spec.required {
                    return Err(Error::invalid(crate::domain::messages::field_required(
                        kind, field,
                    )));
                }
                let mut input = serde_json::Map::new();
                input.insert(field.to_string(), v.clone());
                // Reuse the full validation (references, vocabularies, record rules).
                self.ops_for(kind, id, &Value::Object(input), false)?;
                v
            }
        };
        self.commit(vec![Op::Set {
            kind,
            id,
            field: field.to_string(),
            value,
        }])?;
        Ok(())
    }
}
