//! Reads of the materialised registers that [`super::apply`] writes: the live values of
//! each field (`field_state`) and the live tags of each link element (`link_state`).

use crate::domain::Kind;
use crate::error::Result;
use crate::ids::blob_uuid;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::BTreeSet;
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
pub fn present_elements(conn: &Connection, owner: &Uuid, link: &str) -> Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT elem FROM link_state WHERE owner = ?1 AND link = ?2 GROUP BY elem_key ORDER BY elem",
    )?;
    let rows = stmt.query_map(params![owner.to_string(), link], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(serde_json::from_str(&r?)?);
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

/// The records with at least one field in conflict.
pub fn conflicted_entities(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT entity FROM field_state GROUP BY entity, field HAVING count(*) > 1",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every field in conflict: (entity, field, kind).
pub fn conflicted_fields(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity, field, kind FROM field_state GROUP BY entity, field HAVING count(*) > 1 ORDER BY kind, entity, field",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count_conflicts(conn: &Connection) -> Result<u64> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM field_state GROUP BY entity, field HAVING count(*) > 1)",
    )?;
    Ok(stmt.query_row([], |r| r.get::<_, i64>(0))? as u64)
}
