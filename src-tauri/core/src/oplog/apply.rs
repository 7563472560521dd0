//! The one function that writes the materialised state: field registers, link sets,
//! record tables and search keys. Local writes, imports and `rebuild` all come here.
//!
//! Applying a change is deterministic and depends only on the change and on the
//! state built from the changes it had seen: never on local row ids, arrival times or
//! the order in which concurrent changes arrive. Causal delivery (a change is applied
//! only after everything in its `deps`) is the caller's job.

use super::change::{Change, Op};
use super::derive::Touched;
use crate::domain::schema::{canonical_json, DELETED};
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use crate::ids::blob_uuid;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;
use uuid::Uuid;

/// Lists in [`Effects`] keep at most this many entries; the counts are always complete.
const DETAIL_LIMIT: usize = 500;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, TS)]
pub struct RecordRef {
    pub kind: Kind,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FieldUpdate {
    pub kind: Kind,
    pub id: String,
    pub field: String,
    #[ts(type = "unknown")]
    pub before: Option<Value>,
    #[ts(type = "unknown")]
    pub after: Option<Value>,
}

/// What applying changes did, for import previews and reports.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Effects {
    pub created_count: u64,
    pub updated_count: u64,
    pub deleted_count: u64,
    pub conflicts_opened_count: u64,
    pub links_added: u64,
    pub links_removed: u64,
    pub created: Vec<RecordRef>,
    pub updated: Vec<FieldUpdate>,
    pub deleted: Vec<RecordRef>,
    pub conflicts_opened: Vec<FieldUpdate>,
}

fn push_capped<T>(list: &mut Vec<T>, item: T) {
    if list.len() < DETAIL_LIMIT {
        list.push(item);
    }
}

struct Live {
    device: Uuid,
    seq: u64,
    idx: u32,
    hlc: u64,
    value: String,
}

impl Live {
    /// The shown value is the live value with the greatest (hlc, device, seq, idx): the
    /// same on every store, whatever the arrival order.
    fn order(&self) -> (u64, [u8; 16], u64, u32) {
        (self.hlc, *self.device.as_bytes(), self.seq, self.idx)
    }
}

/// Turns a canonical JSON value into what the record table column holds.
fn column_value(json: &Value) -> SqlValue {
    match json {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(*b as i64),
        Value::Number(n) => n
            .as_i64()
            .map(SqlValue::Integer)
            .unwrap_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(canonical_json(other)),
    }
}

pub(crate) fn element_key(elem: &Value) -> [u8; 16] {
    let digest = blake3::hash(canonical_json(elem).as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest.as_bytes()[..16]);
    key
}

/// What one change has done so far, so that work can be batched per record.
#[derive(Default)]
struct Scope {
    /// Records this change created: they had no state before it.
    created: BTreeSet<(Kind, Uuid)>,
    ensured: BTreeSet<(Kind, Uuid)>,
    /// Fields this change has already written.
    written: BTreeSet<(Uuid, String)>,
    /// New shown values, written to the record tables once per record at the end.
    columns: BTreeMap<(Kind, Uuid), BTreeMap<String, SqlValue>>,
    touched: BTreeSet<Uuid>,
}

/// Applies one change's ops to the materialised state, and notes in `touched` what the
/// derived state must refresh (see [`super::derive`]).
pub(crate) fn materialise(
    conn: &Connection,
    change: &Change,
    effects: &mut Effects,
    touched: &mut Touched,
) -> Result<()> {
    let mut scope = Scope::default();
    for (idx, op) in change.ops.iter().enumerate() {
        let idx = idx as u32;
        let (kind, id) = op.entity();
        if scope.touched.insert(id) {
            touched.record(conn, kind, &id)?;
        }
        match op {
            Op::Set { field, value, .. } => {
                if scope.ensured.insert((kind, id)) && ensure_record(conn, kind, &id)? {
                    scope.created.insert((kind, id));
                    effects.created_count += 1;
                    push_capped(
                        &mut effects.created,
                        RecordRef {
                            kind,
                            id: id.to_string(),
                        },
                    );
                }
                // A field of a record created by this change, not yet written by it,
                // has no live values: no need to look for them.
                let first_write = scope.written.insert((id, field.clone()));
                let fresh = first_write && scope.created.contains(&(kind, id));
                if let Some(shown) =
                    apply_set(conn, change, idx, kind, &id, field, value, fresh, effects)?
                {
                    scope
                        .columns
                        .entry((kind, id))
                        .or_default()
                        .insert(field.clone(), shown);
                }
                touched.field(kind, &id, field);
            }
            Op::Add { link, elem, .. } => {
                let spec = kind.spec().link(link)?;
                let target = spec.target(elem).map(|(_, t)| t);
                let mut stmt = conn.prepare_cached(
                    "INSERT OR IGNORE INTO link_state (owner, link, elem_key, device, seq, idx, kind, elem, target)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                tick()?;
                stmt.execute(params![
                    id.to_string(),
                    link,
                    &element_key(elem)[..],
                    &change.device.as_bytes()[..],
                    change.seq as i64,
                    idx,
                    kind.as_str(),
                    canonical_json(elem),
                    target
                ])?;
                effects.links_added += 1;
                touched.link(kind, &id, link, elem);
            }
            Op::Remove { link, elem, .. } => {
                let key = element_key(elem);
                let tags: Vec<(Uuid, u64, u32)> = {
                    let mut stmt = conn.prepare_cached(
                        "SELECT device, seq, idx FROM link_state WHERE owner = ?1 AND link = ?2 AND elem_key = ?3",
                    )?;
                    tick()?;
                    let rows = stmt.query_map(params![id.to_string(), link, &key[..]], |r| {
                        Ok((
                            blob_uuid(r.get_ref(0)?.as_blob()?),
                            r.get::<_, i64>(1)? as u64,
                            r.get(2)?,
                        ))
                    })?;
                    rows.collect::<rusqlite::Result<_>>()?
                };
                for (device, seq, tag_idx) in tags {
                    let seen = change.has_seen(&device, seq)
                        || (device == change.device && seq == change.seq && tag_idx < idx);
                    if seen {
                        let mut del = conn.prepare_cached(
                            "DELETE FROM link_state WHERE owner = ?1 AND link = ?2 AND elem_key = ?3
                             AND device = ?4 AND seq = ?5 AND idx = ?6",
                        )?;
                        tick()?;
                        del.execute(params![
                            id.to_string(),
                            link,
                            &key[..],
                            &device.as_bytes()[..],
                            seq as i64,
                            tag_idx
                        ])?;
                        effects.links_removed += 1;
                    }
                }
                touched.link(kind, &id, link, elem);
            }
        }
    }
    for ((kind, id), columns) in &scope.columns {
        write_columns(conn, *kind, id, columns)?;
    }
    let mut audit = conn.prepare_cached(
        "INSERT OR IGNORE INTO change_entities (entity, device, seq) VALUES (?1, ?2, ?3)",
    )?;
    for id in &scope.touched {
        tick()?;
        audit.execute(params![
            id.to_string(),
            &change.device.as_bytes()[..],
            change.seq as i64
        ])?;
    }
    Ok(())
}

/// One UPDATE per record per change, however many of its fields changed.
fn write_columns(
    conn: &Connection,
    kind: Kind,
    id: &Uuid,
    columns: &BTreeMap<String, SqlValue>,
) -> Result<()> {
    let sets: Vec<String> = columns
        .keys()
        .enumerate()
        .map(|(i, f)| format!("\"{f}\" = ?{}", i + 2))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE id = ?1",
        kind.spec().table,
        sets.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let id = id.to_string();
    let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(columns.len() + 1);
    values.push(&id);
    values.extend(columns.values().map(|v| v as &dyn rusqlite::ToSql));
    tick()?;
    stmt.execute(values.as_slice())?;
    Ok(())
}

/// Makes sure the record's row exists; true when it did not before.
fn ensure_record(conn: &Connection, kind: Kind, id: &Uuid) -> Result<bool> {
    let sql = format!(
        "INSERT OR IGNORE INTO {} (id) VALUES (?1)",
        kind.spec().table
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    tick()?;
    Ok(stmt.execute([id.to_string()])? == 1)
}

/// Writes one field's multi-value register. Returns the field's new shown value when
/// it changed, for the caller to write to the record table.
#[allow(clippy::too_many_arguments)]
fn apply_set(
    conn: &Connection,
    change: &Change,
    idx: u32,
    kind: Kind,
    id: &Uuid,
    field: &str,
    value: &Value,
    fresh: bool,
    effects: &mut Effects,
) -> Result<Option<SqlValue>> {
    let entity = id.to_string();
    let rows: Vec<Live> = if fresh {
        Vec::new()
    } else {
        let mut stmt = conn.prepare_cached(
            "SELECT device, seq, idx, hlc, value FROM field_state WHERE entity = ?1 AND field = ?2",
        )?;
        tick()?;
        let rows = stmt.query_map(params![entity, field], |r| {
            Ok(Live {
                device: blob_uuid(r.get_ref(0)?.as_blob()?),
                seq: r.get::<_, i64>(1)? as u64,
                idx: r.get(2)?,
                hlc: r.get::<_, i64>(3)? as u64,
                value: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let shown_before = rows
        .iter()
        .max_by_key(|l| l.order())
        .map(|l| l.value.clone());
    let conflict_before = rows.len() > 1;
    let mut live = Vec::with_capacity(rows.len() + 1);
    for row in rows {
        let seen = change.has_seen(&row.device, row.seq)
            || (row.device == change.device && row.seq == change.seq && row.idx < idx);
        if seen {
            let mut del = conn.prepare_cached(
                "DELETE FROM field_state WHERE entity = ?1 AND field = ?2 AND device = ?3 AND seq = ?4 AND idx = ?5",
            )?;
            tick()?;
            del.execute(params![
                entity,
                field,
                &row.device.as_bytes()[..],
                row.seq as i64,
                row.idx
            ])?;
        } else {
            live.push(row);
        }
    }
    let text = canonical_json(value);
    {
        let mut ins = conn.prepare_cached(
            "INSERT INTO field_state (entity, field, device, seq, idx, kind, hlc, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        tick()?;
        ins.execute(params![
            entity,
            field,
            &change.device.as_bytes()[..],
            change.seq as i64,
            idx,
            kind.as_str(),
            change.hlc as i64,
            text
        ])?;
    }
    let was_in_conflict = live.len() > 1;
    let mine = Live {
        device: change.device,
        seq: change.seq,
        idx,
        hlc: change.hlc,
        value: text,
    };
    let mine_order = mine.order();
    live.push(mine);
    let shown = live
        .iter()
        .max_by_key(|l| l.order())
        .expect("at least this write");
    let shown_is_mine = shown.order() == mine_order;
    let conflict_after = live.len() > 1;
    if conflict_after != conflict_before {
        let sql = if conflict_after {
            "INSERT OR IGNORE INTO field_conflicts (entity, field, kind) VALUES (?1, ?2, ?3)"
        } else {
            "DELETE FROM field_conflicts WHERE entity = ?1 AND field = ?2 AND kind = ?3"
        };
        let mut stmt = conn.prepare_cached(sql)?;
        tick()?;
        stmt.execute(params![entity, field, kind.as_str()])?;
    }
    let shown_after = Some(shown.value.clone());
    let mut column = None;
    if shown_after != shown_before {
        let after: Value = if shown_is_mine {
            value.clone()
        } else {
            serde_json::from_str(&shown.value)?
        };
        column = Some(column_value(&after));
        if shown_before.is_some() {
            effects.updated_count += 1;
            push_capped(
                &mut effects.updated,
                FieldUpdate {
                    kind,
                    id: entity.clone(),
                    field: field.to_string(),
                    before: shown_before
                        .as_deref()
                        .map(serde_json::from_str)
                        .transpose()?,
                    after: Some(after.clone()),
                },
            );
        }
        if field == DELETED && after == Value::Bool(true) {
            effects.deleted_count += 1;
            push_capped(
                &mut effects.deleted,
                RecordRef {
                    kind,
                    id: entity.clone(),
                },
            );
        }
    }
    if live.len() > 1 && !was_in_conflict {
        effects.conflicts_opened_count += 1;
        push_capped(
            &mut effects.conflicts_opened,
            FieldUpdate {
                kind,
                id: entity,
                field: field.to_string(),
                before: shown_before
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()?,
                after: Some(value.clone()),
            },
        );
    }
    Ok(column)
}
