//! Creating, editing, deleting and restoring records of every kind.
//!
//! Input is a JSON object:
//!
//! ```json
//! { "name": {"text": "Азиз Каримов", "lang": "uz-Cyrl"},
//!   "sex": "male",
//!   "aliases": [{"text": "Aziz Karimov", "lang": "uz-Latn"}],
//!   "add": {"identifiers": [{"type": "camp_id", "value": "B-117"}]},
//!   "remove": {"aliases": [{"text": "Karimov A.", "lang": "ru-Cyrl"}]} }
//! ```
//!
//! A field key sets that field (`null` clears it). A link key gives the whole wanted
//! set; only the difference becomes ops, so a concurrent edit elsewhere is not undone.
//! `add` and `remove` change a set incrementally. In an element, `"record": ID` may
//! stand for whichever reference the element needs (a victim can be a person, a group
//! or an actor): the kind is looked up. `"id"` on create fixes the new record's id.

use crate::api::messages as m;
use crate::api::Nansen;
use crate::domain::rules;
use crate::domain::schema::{FieldType, DELETED, JUDGEMENTS};
use crate::domain::{Kind, LinkSpec};
use crate::error::{Error, Result};
use crate::ids::{new_record_id, parse_id};
use crate::oplog::Op;
use serde_json::{Map, Value};
use uuid::Uuid;

impl Nansen {
    fn check_ref(&self, field: &str, target: Kind, value: &Value) -> Result<()> {
        let Some(s) = value.as_str() else {
            return Ok(());
        };
        let id = parse_id(target.as_str(), s)?;
        match self.record_row(target, &id)? {
            None => match self.kind_of(&id)? {
                Some(other) => Err(Error::invalid(m::ref_of_wrong_kind(
                    field, target, id, other,
                ))),
                None => Err(Error::not_found(target.as_str(), id)),
            },
            Some(f) if f.get(DELETED) == Some(&Value::Bool(true)) => {
                Err(Error::invalid(m::ref_to_deleted(field, target, id)))
            }
            Some(_) => Ok(()),
        }
    }

    /// Normalises a field value and checks it against the store (references exist,
    /// terms are known).
    fn field_value(&self, kind: Kind, field: &str, raw: &Value) -> Result<Value> {
        let spec = kind.spec().field(field)?;
        let value = spec.ty.normalise(field, raw)?;
        if value.is_null() {
            return Ok(value);
        }
        match spec.ty {
            FieldType::Ref { kind: target } => self.check_ref(field, target, &value)?,
            FieldType::Vocab { vocab } => {
                self.vocab.term(vocab, value.as_str().unwrap_or_default())?;
            }
            _ => {}
        }
        Ok(value)
    }

    fn element(&self, link: &'static LinkSpec, raw: &Value) -> Result<Value> {
        let mut raw = raw.clone();
        if let Some(obj) = raw.as_object_mut() {
            if let Some(record) = obj.remove("record") {
                let id = parse_id("record", record.as_str().unwrap_or_default())?;
                let kind = self
                    .kind_of(&id)?
                    .ok_or_else(|| Error::not_found("record", id))?;
                let key = link
                    .fields
                    .iter()
                    .find(|f| matches!(f.ty, FieldType::Ref { kind: k } if k == kind))
                    .ok_or_else(|| Error::invalid(m::element_cannot_refer_to(link.flag, kind)))?;
                obj.insert(key.name.to_string(), Value::String(id.to_string()));
            }
        }
        let elem = link.normalise(&raw)?;
        for field in link.fields {
            let Some(v) = elem.get(field.name) else {
                continue;
            };
            match field.ty {
                FieldType::Ref { kind } => self.check_ref(field.name, kind, v)?,
                FieldType::Vocab { vocab } => {
                    self.vocab.term(vocab, v.as_str().unwrap_or_default())?;
                }
                _ => {}
            }
        }
        Ok(elem)
    }

    fn elements(&self, link: &'static LinkSpec, raw: &Value) -> Result<Vec<Value>> {
        let items = raw
            .as_array()
            .ok_or_else(|| Error::invalid(m::must_be_list(link.name, link.flag)))?;
        let mut out: Vec<Value> = Vec::new();
        for item in items {
            let e = self.element(link, item)?;
            if !out.contains(&e) {
                out.push(e);
            }
        }
        Ok(out)
    }

    pub(crate) fn ops_for(
        &self,
        kind: Kind,
        id: Uuid,
        input: &Value,
        creating: bool,
    ) -> Result<Vec<Op>> {
        let obj = input
            .as_object()
            .ok_or_else(|| Error::invalid(m::input_not_an_object(kind)))?;
        let spec = kind.spec();
        let mut ops = Vec::new();
        let mut fields: Map<String, Value> = Map::new();
        for (key, raw) in obj {
            if key == "id" || key == "add" || key == "remove" || key == "kind" {
                continue;
            }
            if key == DELETED {
                return Err(Error::invalid(m::use_delete_or_restore(kind)));
            }
            if key == JUDGEMENTS {
                return Err(Error::invalid(m::use_merge_commands()));
            }
            if spec.fields.iter().any(|f| f.name == key) {
                fields.insert(key.clone(), self.field_value(kind, key, raw)?);
            } else if spec.links.iter().any(|l| l.name == key) {
                let link = spec.link(key)?;
                let wanted = self.elements(link, raw)?;
                let present = if creating {
                    vec![]
                } else {
                    self.present_elements(&id, key)?
                };
                for e in &present {
                    if !wanted.contains(e) {
                        ops.push(Op::Remove {
                            kind,
                            owner: id,
                            link: link.name.into(),
                            elem: e.clone(),
                        });
                    }
                }
                for e in wanted {
                    if !present.contains(&e) {
                        ops.push(Op::Add {
                            kind,
                            owner: id,
                            link: link.name.into(),
                            elem: e,
                        });
                    }
                }
            } else {
                let known: Vec<&str> = spec
                    .fields
                    .iter()
                    .filter(|f| f.name != DELETED)
                    .map(|f| f.name)
                    .chain(spec.links.iter().map(|l| l.name))
                    .collect();
                return Err(Error::invalid(crate::domain::messages::unknown_field(
                    kind,
                    key,
                    known.join(", "),
                )));
            }
        }
        for (section, adding) in [("add", true), ("remove", false)] {
            let Some(sets) = obj.get(section) else {
                continue;
            };
            let sets = sets
                .as_object()
                .ok_or_else(|| Error::invalid(m::section_must_map_links(section)))?;
            for (name, raw) in sets {
                if name == JUDGEMENTS {
                    return Err(Error::invalid(m::use_merge_commands()));
                }
                let link = spec.link(name)?;
                for e in self.elements(link, raw)? {
                    ops.push(if adding {
                        Op::Add {
                            kind,
                            owner: id,
                            link: link.name.into(),
                            elem: e,
                        }
                    } else {
                        Op::Remove {
                            kind,
                            owner: id,
                            link: link.name.into(),
                            elem: e,
                        }
                    });
                }
            }
        }
        let current = if creating {
            Map::new()
        } else {
            self.existing(kind, &id)?
        };
        let mut merged = current.clone();
        for (k, v) in &fields {
            if v.is_null() {
                merged.remove(k);
            } else {
                merged.insert(k.clone(), v.clone());
            }
        }
        if creating {
            for (field, value) in rules::defaults(kind) {
                if !merged.contains_key(field) {
                    merged.insert(field.into(), Value::String(value.into()));
                    fields.insert(field.into(), Value::String(value.into()));
                }
            }
        }
        rules::check(kind, &merged, &self.vocab)?;
        let mut field_ops = Vec::new();
        for (field, value) in fields {
            if creating {
                if !value.is_null() {
                    field_ops.push(Op::Set {
                        kind,
                        id,
                        field,
                        value,
                    });
                }
                continue;
            }
            // Writing the value already shown would only add noise. A field in conflict
            // is settled only by an explicit resolution, never as a side effect of an
            // edit that happens to include it.
            let live = self.live_values(&id, Some(&field))?;
            let unchanged = match live.as_slice() {
                [] => value.is_null(),
                [(_, only)] => only.value == value,
                several => {
                    if several.iter().any(|(_, v)| v.shown && v.value == value) {
                        true
                    } else {
                        return Err(Error::invalid(m::field_in_conflict(
                            &field,
                            kind,
                            several.len(),
                        )));
                    }
                }
            };
            if !unchanged {
                field_ops.push(Op::Set {
                    kind,
                    id,
                    field,
                    value,
                });
            }
        }
        field_ops.extend(ops);
        Ok(field_ops)
    }

    pub fn add(&mut self, kind: Kind, input: &Value) -> Result<Uuid> {
        let id = match input.get("id") {
            Some(v) => {
                let id = parse_id(kind.as_str(), v.as_str().unwrap_or_default())?;
                if self.kind_of(&id)?.is_some() {
                    return Err(Error::invalid(m::id_taken(id)));
                }
                id
            }
            None => new_record_id(),
        };
        let ops = self.ops_for(kind, id, input, true)?;
        self.commit(ops)?;
        Ok(id)
    }

    /// Applies an edit; returns how many ops it wrote (0 when nothing changed).
    pub fn edit(&mut self, kind: Kind, id: Uuid, input: &Value) -> Result<usize> {
        let current = self.existing(kind, &id)?;
        if current.get(DELETED) == Some(&Value::Bool(true)) {
            return Err(Error::invalid(m::edit_deleted(kind, id)));
        }
        let ops = self.ops_for(kind, id, input, false)?;
        if ops.is_empty() {
            return Ok(0);
        }
        Ok(self.commit(ops)?.ops)
    }

    pub fn delete(&mut self, kind: Kind, id: Uuid) -> Result<()> {
        self.set_deleted(kind, id, true)
    }

    pub fn restore(&mut self, kind: Kind, id: Uuid) -> Result<()> {
        self.set_deleted(kind, id, false)
    }

    fn set_deleted(&mut self, kind: Kind, id: Uuid, deleted: bool) -> Result<()> {
        let current = self.existing(kind, &id)?;
        let is_deleted = current.get(DELETED) == Some(&Value::Bool(true));
        let in_conflict = self.live_values(&id, Some(DELETED))?.len() > 1;
        if is_deleted == deleted && !in_conflict && !self.has_delete_conflict(&id)? {
            return Err(Error::invalid(if deleted {
                m::already_deleted(kind, id)
            } else {
                m::not_deleted(kind, id)
            }));
        }
        self.commit(vec![Op::Set {
            kind,
            id,
            field: DELETED.into(),
            value: Value::Bool(deleted),
        }])?;
        Ok(())
    }
}
