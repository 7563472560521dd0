//! Reads of the materialised registers that [`super::apply`] writes: the live values of
//! each field (`field_state`) and the live tags of each link element (`link_state`).

use crate::domain::schema::FieldType;
use crate::domain::Kind;
use crate::error::Result;
use crate::ids::blob_uuid;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use uuid::Uuid;

/// One live value of a field, with who wrote it.
#[derive(Debug, Clone)]
pub struct Live {
    pub field: String,
    pub device: Uuid,
    pub seq: u64,
    pub idx: u32,
    pub hlc: u64,
    pub value: Value,
    pub author: Option<String>,
    /// The value shown while several are live (the same on every store).
    pub shown: bool,
}

impl Live {
    /// `device:seq:idx` of the write; what a resolution picks.
    pub fn value_id(&self) -> String {
        format!("{}:{}:{}", self.device, self.seq, self.idx)
    }
}

/// The kind of the record with this id, if any.
pub fn kind_of(conn: &Connection, id: &Uuid) -> Result<Option<Kind>> {
    let mut stmt = conn.prepare_cached("SELECT kind FROM field_state WHERE entity = ?1 LIMIT 1")?;
    let kind: Option<String> = stmt.query_row([id.to_string()], |r| r.get(0)).optional()?;
    kind.map(|k| Kind::parse(&k)).transpose()
}

/// The live values of one field (or of every field) of a record, in the order that
/// makes the last of each field the shown one.
pub fn live_values(conn: &Connection, entity: &Uuid, field: Option<&str>) -> Result<Vec<Live>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.field, f.device, f.seq, f.idx, f.hlc, f.value, c.author
         FROM field_state f LEFT JOIN changes c ON c.device = f.device AND c.seq = f.seq
         WHERE f.entity = ?1 AND (?2 IS NULL OR f.field = ?2)
         ORDER BY f.field, f.hlc, f.device, f.seq, f.idx",
    )?;
    let rows = stmt.query_map(params![entity.to_string(), field], |r| {
        Ok(Live {
            field: r.get(0)?,
            device: blob_uuid(r.get_ref(1)?.as_blob()?),
            seq: r.get::<_, i64>(2)? as u64,
            idx: r.get(3)?,
            hlc: r.get::<_, i64>(4)? as u64,
            value: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or(Value::Null),
            author: r.get(6)?,
            shown: false,
        })
    })?;
    let mut out: Vec<Live> = rows.collect::<rusqlite::Result<_>>()?;
    for i in 0..out.len() {
        if i + 1 == out.len() || out[i + 1].field != out[i].field {
            out[i].shown = true;
        }
    }
    Ok(out)
}

/// The elements present in a link set.
/// (An element present through several writes has one row for each; they are sorted
/// and taken out here, not by SQL, which SQLite would plan again for every owner.)
pub fn present_elements(conn: &Connection, owner: &str, link: &str) -> Result<Vec<Value>> {
    let mut stmt =
        conn.prepare_cached("SELECT elem FROM link_state WHERE owner = ?1 AND link = ?2")?;
    let rows = stmt.query_map(params![owner, link], |r| r.get::<_, String>(0))?;
    let mut texts: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    texts.sort_unstable();
    texts.dedup();
    let mut out = Vec::with_capacity(texts.len());
    for t in texts {
        out.push(serde_json::from_str(&t)?);
    }
    Ok(out)
}

/// The writes (device, seq) behind every live link element of a record.
pub fn link_writes(conn: &Connection, owner: &Uuid) -> Result<Vec<(Uuid, u64)>> {
    let mut stmt = conn.prepare_cached("SELECT device, seq FROM link_state WHERE owner = ?1")?;
    let rows = stmt.query_map([owner.to_string()], |r| {
        Ok((
            blob_uuid(r.get_ref(0)?.as_blob()?),
            r.get::<_, i64>(1)? as u64,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Fields in conflict as (kind, entity, field), in that order, after `after`.
pub fn conflicted_fields(
    conn: &Connection,
    after: &(String, String, String),
    limit: usize,
) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, entity, field FROM field_conflicts WHERE (kind, entity, field) > (?1, ?2, ?3)
         ORDER BY kind, entity, field LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![after.0, after.1, after.2, limit as i64],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deleted records as (kind, id), in that order, after `after`.
pub fn deleted_records(
    conn: &Connection,
    after: &(String, String),
) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, id FROM record_index WHERE deleted = 1 AND (kind, id) > (?1, ?2) ORDER BY kind, id",
    )?;
    let rows = stmt.query_map([&after.0, &after.1], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_conflicts(conn: &Connection) -> Result<u64> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM field_conflicts")?;
    Ok(stmt.query_row([], |r| r.get::<_, i64>(0))? as u64)
}

/// A record table row as the record's shown fields.
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
