//! The export log (table `exports`): one row per data export that left this store,
//! never changed or removed (triggers refuse it). Local bookkeeping: it is not synced.

use super::{AggregateLevel, DataExportReport, ExportFormat, ExportKind, ExportProfile};
use crate::error::Result;
use rusqlite::{params, Connection, Row};
use serde::Serialize;
use ts_rs::TS;

/// One export, as the log keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportLogEntry {
    pub id: u64,
    /// When (RFC 3339, UTC).
    pub at: String,
    pub author: String,
    pub office: String,
    pub device: String,
    pub kind: Option<ExportKind>,
    pub profile: Option<ExportProfile>,
    pub format: Option<ExportFormat>,
    /// Records exported, or persons counted in an aggregate table.
    pub records: u64,
    pub rows: u64,
    pub file: String,
    pub bytes: u64,
    /// The strictly confidential records that left, each confirmed.
    pub confirmed: Vec<String>,
    pub key_fingerprint: Option<String>,
    pub k: Option<u32>,
    pub level: Option<AggregateLevel>,
    pub suppressed: Option<u64>,
}

/// Records an export; returns its entry's id.
pub(crate) fn record(
    conn: &Connection,
    report: &DataExportReport,
    office: &str,
    device: &str,
) -> Result<u64> {
    let suppressed = report
        .suppressed_primary
        .map(|p| p + report.suppressed_secondary.unwrap_or(0));
    conn.execute(
        "INSERT INTO exports (at, author, office, device, kind, profile, format, records, rows,
                              file, bytes, confirmed, key_fingerprint, k, level, suppressed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            report.at,
            report.author,
            office,
            device,
            report.kind.as_str(),
            report.profile.as_str(),
            report.format.as_str(),
            report.records as i64,
            report.rows as i64,
            report.path.to_string_lossy(),
            report.bytes as i64,
            serde_json::to_string(&report.confirmed)?,
            report.key_fingerprint,
            report.k,
            report.level.map(|l| l.as_str()),
            suppressed.map(|s| s as i64),
        ],
    )?;
    Ok(conn.last_insert_rowid() as u64)
}

fn entry(r: &Row) -> rusqlite::Result<ExportLogEntry> {
    let text = |i: usize| r.get::<_, String>(i);
    let confirmed: String = r.get(12)?;
    Ok(ExportLogEntry {
        id: r.get::<_, i64>(0)? as u64,
        at: text(1)?,
        author: text(2)?,
        office: text(3)?,
        device: text(4)?,
        kind: ExportKind::parse(&text(5)?),
        profile: ExportProfile::parse(&text(6)?),
        format: ExportFormat::parse(&text(7)?),
        records: r.get::<_, i64>(8)? as u64,
        rows: r.get::<_, i64>(9)? as u64,
        file: text(10)?,
        bytes: r.get::<_, i64>(11)? as u64,
        confirmed: serde_json::from_str(&confirmed).unwrap_or_default(),
        key_fingerprint: r.get(13)?,
        k: r.get(14)?,
        level: r
            .get::<_, Option<String>>(15)?
            .and_then(|l| AggregateLevel::parse(&l)),
        suppressed: r.get::<_, Option<i64>>(16)?.map(|s| s as u64),
    })
}

/// Up to `limit` entries, newest first, older than the entry `before`.
pub fn entries(
    conn: &Connection,
    before: Option<u64>,
    limit: usize,
) -> Result<Vec<ExportLogEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, author, office, device, kind, profile, format, records, rows, file,
                bytes, confirmed, key_fingerprint, k, level, suppressed
         FROM exports WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![before.map(|b| b as i64), limit as i64], entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM exports", [], |r| r.get(0))?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_append_only() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut conn, crate::store::migrations::MIGRATIONS).unwrap();
        let report = DataExportReport {
            id: 0,
            path: "/media/usb/persons.csv".into(),
            kind: ExportKind::Person,
            profile: ExportProfile::Named,
            format: ExportFormat::Csv,
            records: 17,
            rows: 17,
            bytes: 1234,
            confirmed: vec!["p1".into()],
            key: None,
            key_fingerprint: None,
            k: None,
            level: None,
            suppressed_primary: None,
            suppressed_secondary: None,
            truncated_cells: 0,
            at: "2025-01-01T00:00:00Z".into(),
            author: "monitor".into(),
        };
        let id = record(&conn, &report, "Osh", "dev").unwrap();
        let got = entries(&conn, None, 10).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].id, got[0].records), (id, 17));
        assert_eq!(got[0].confirmed, vec!["p1".to_string()]);
        assert_eq!(got[0].profile, Some(ExportProfile::Named));
        for sql in ["UPDATE exports SET records = 0", "DELETE FROM exports"] {
            let err = conn.execute(sql, []).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(count(&conn).unwrap(), 1);
    }
}
