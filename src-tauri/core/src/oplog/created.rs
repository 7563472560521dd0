//! Persons by when their record was made, for the dashboard's "new persons by month".
//! Record ids are UUIDv7, so a range of ids is a range of creation times, and the
//! person list's own index (`person_index`, whose rows a cluster of persons judged the
//! same lists once, under its representative) counts it without reading any record.

use crate::error::Result;
use crate::fault::tick;
use rusqlite::Connection;

/// Live persons (a cluster of persons judged the same once) whose id lies in
/// `[from, to)`. Record ids are UUIDv7, so a range of ids is a range of creation
/// times: the dashboard counts the persons recorded each month so (`report::dashboard`).
pub fn persons_created_between(conn: &Connection, from: &str, to: &str) -> Result<u64> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM person_index
         WHERE person >= ?1 AND person < ?2 AND deleted = 0 AND merged_into IS NULL",
    )?;
    tick()?;
    Ok(stmt.query_row([from, to], |r| r.get::<_, i64>(0))? as u64)
}

/// The ids of the persons [`persons_created_between`] counts, in id order, after
/// `after`, at most `limit`.
pub fn persons_created_page(
    conn: &Connection,
    from: &str,
    to: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT person FROM person_index
         WHERE person >= ?1 AND person < ?2 AND person > ?3 AND deleted = 0 AND merged_into IS NULL
         ORDER BY person LIMIT ?4",
    )?;
    tick()?;
    let rows = stmt.query_map(
        rusqlite::params![from, to, after.unwrap_or(""), limit as i64],
        |r| r.get(0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
