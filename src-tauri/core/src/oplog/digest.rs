//! A canonical hash of the logical state: every live field value (all of them, when a
//! field is in conflict) and every present link element, in a fixed order. It leaves
//! out who wrote what and when, and local bookkeeping, so two stores holding the same
//! data give the same digest whatever order the data arrived in.

use crate::error::Result;
use rusqlite::Connection;

fn put(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u32).to_be_bytes());
    h.update(s.as_bytes());
}

pub fn digest(conn: &Connection) -> Result<String> {
    let mut h = blake3::Hasher::new();
    h.update(b"nansen-digest-v1");
    let mut stmt = conn.prepare(
        "SELECT kind, entity, field, value FROM field_state ORDER BY kind, entity, field, value",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        h.update(b"F");
        for i in 0..4 {
            put(&mut h, r.get_ref(i)?.as_str()?);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT DISTINCT kind, owner, link, elem FROM link_state ORDER BY kind, owner, link, elem",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        h.update(b"L");
        for i in 0..4 {
            put(&mut h, r.get_ref(i)?.as_str()?);
        }
    }
    Ok(h.finalize().to_hex().to_string())
}
