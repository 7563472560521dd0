//! Data exports (see [`crate::export`]): lists of persons and events, named or
//! pseudonymised, and the aggregate table of persons, written to a file and recorded
//! in the export log.
//!
//! Persons are read only through the paged, cluster-aware person list (persons judged
//! the same are one row, under the representative's id), events through the event
//! list, 1000 rows a page; nothing is held in memory but the page being written.
//!
//! A strictly confidential record leaves only when the request confirms its id. The
//! export writes the rows it may, collects those it may not, and when there are any it
//! refuses, naming them, and leaves no file; `export_confidential` lists them first,
//! for a person to confirm one by one. In a named export, a strictly confidential
//! record that a row only refers to (a group, a family member, a victim, a source) is
//! shown as "(strictly confidential)" unless confirmed too.

mod rows;

use super::page::{self, Page, PageQuery};
use super::persons::{PersonQuery, PersonSummary};
use super::records::{row_of, ListQuery, RecordSummary};
use super::Nansen;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::export::aggregate::{self, Tally, NO_STATUS, UNKNOWN_PLACE};
use crate::export::log::{self, ExportLogEntry};
use crate::export::messages as m;
use crate::export::pseudonym::Pseudonyms;
use crate::export::sheet::{Finished, Sheet};
use crate::export::{
    AggregateLevel, ConfidentialRecord, DataExportReport, DataExportRequest, ExportFormat,
    ExportKind, ExportProfile, KeySource, DEFAULT_K,
};
use crate::oplog::index::After;
use rows::{strictly_confidential, text, Writing};
use rows::{EVENT_NAMED, EVENT_PSEUDONYMISED, PERSON_NAMED, PERSON_PSEUDONYMISED};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Rows read per page.
const PAGE: usize = 1000;
/// Ids a refusal names at most (`export_confidential` lists them all).
const NAMED_IN_REFUSAL: usize = 100;
impl Nansen {
    /// Runs `f` in one read transaction: every page it reads sees the same state (a
    /// change landing meanwhile is in all of the export or none of it), and SQLite
    /// takes its file locks once instead of once per statement.
    fn in_one_read<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if !self.conn().is_autocommit() {
            return f();
        }
        self.conn().execute_batch("BEGIN DEFERRED")?;
        let out = f();
        let end = self
            .conn()
            .execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let out = out?;
        end?;
        Ok(out)
    }

    /// The fields of every member of the cluster a listed person stands for (just the
    /// person when it is alone).
    fn person_members(&self, rep: &str) -> Result<Vec<(String, Map<String, Value>)>> {
        let mut out = Vec::new();
        for m in self.shown_as(rep)? {
            if let Some(f) = row_of(self.conn(), Kind::Person, &m)? {
                out.push((m, f));
            }
        }
        Ok(out)
    }

    /// The most restrictive confidentiality among these records' (the vocabulary lists
    /// its terms from the least restrictive).
    fn strictest<'a>(
        &self,
        records: impl Iterator<Item = &'a Map<String, Value>>,
    ) -> Option<String> {
        let terms = self.vocab.0.get("confidentiality");
        let rank = |t: &str| terms.and_then(|ts| ts.iter().position(|x| x.term == t));
        records
            .filter_map(|f| text(f, "confidentiality"))
            .max_by_key(|t| rank(t))
    }

    /// Calls `f` with every person of the list (a cluster once), a page at a time.
    fn each_person(&self, mut f: impl FnMut(&PersonSummary) -> Result<()>) -> Result<()> {
        let mut after = None;
        loop {
            let page = self.person_list(&PersonQuery {
                limit: Some(PAGE),
                after: after.take(),
                ..PersonQuery::default()
            })?;
            for p in &page.items {
                f(p)?;
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Calls `f` with every live record of a kind, a page at a time.
    fn each_record(
        &self,
        kind: Kind,
        mut f: impl FnMut(&RecordSummary) -> Result<()>,
    ) -> Result<()> {
        let mut after = None;
        loop {
            let page = self.list(
                kind,
                &ListQuery {
                    limit: Some(PAGE),
                    after: after.take(),
                    ..ListQuery::default()
                },
            )?;
            for r in &page.items {
                f(r)?;
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// The strictly confidential records a person or event export would carry: each
    /// must be confirmed (by id, in `confirmed`) before they can leave. None for the
    /// aggregate table, which carries only counts.
    pub fn export_confidential(&self, kind: ExportKind) -> Result<Vec<ConfidentialRecord>> {
        self.in_one_read(|| self.confidential_records(kind))
    }

    fn confidential_records(&self, kind: ExportKind) -> Result<Vec<ConfidentialRecord>> {
        let mut out = Vec::new();
        let mut check = |id: &str, fields: &Map<String, Value>, label: &str| {
            if strictly_confidential(fields) {
                out.push(ConfidentialRecord {
                    id: id.to_string(),
                    label: label.to_string(),
                });
            }
        };
        match kind {
            ExportKind::Person => self.each_person(|p| {
                for (_, f) in self.person_members(&p.id)? {
                    if strictly_confidential(&f) {
                        check(&p.id, &f, &p.label);
                        break;
                    }
                }
                Ok(())
            })?,
            ExportKind::Event => self.each_record(Kind::Event, |e| {
                check(&e.id, &e.fields, &e.label);
                Ok(())
            })?,
            ExportKind::Aggregate => {}
        }
        Ok(out)
    }

    /// Writes an export and records it in the export log. Refuses, writing nothing,
    /// when a strictly confidential record would leave unconfirmed, when the file
    /// exists (unless `overwrite`), or when the request does not fit together.
    pub fn export_data(&mut self, req: &DataExportRequest) -> Result<DataExportReport> {
        req.check()?;
        let (pseudonyms, key) = match (req.profile, &req.key) {
            (ExportProfile::Pseudonymised, Some(k)) => {
                (Some(Pseudonyms::from_text(k)?), Some(KeySource::Given))
            }
            (ExportProfile::Pseudonymised, None) => (
                Some(Pseudonyms::from_store(self.conn())?),
                Some(KeySource::Store),
            ),
            _ => (None, None),
        };
        let mut report = DataExportReport {
            id: 0,
            path: req.out.clone(),
            kind: req.kind,
            profile: req.profile,
            format: req.format,
            records: 0,
            rows: 0,
            bytes: 0,
            confirmed: vec![],
            key,
            key_fingerprint: pseudonyms.as_ref().map(Pseudonyms::fingerprint),
            k: None,
            level: None,
            suppressed_primary: None,
            suppressed_secondary: None,
            truncated_cells: 0,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            author: self.author.name.clone(),
        };
        let finished = self.in_one_read(|| self.write_sheet(req, pseudonyms, &mut report))?;
        report.rows = finished.rows;
        report.bytes = finished.bytes;
        report.truncated_cells = finished.truncated;
        let device = self.device_id().to_string();
        let tx = self.store.conn.transaction()?;
        report.id = log::record(&tx, &report, &self.office, &device)?;
        finished.file.publish(req.overwrite)?;
        if let Err(e) = tx.commit() {
            let _ = std::fs::remove_file(&req.out);
            return Err(e.into());
        }
        Ok(report)
    }

    /// Reads the records and writes the file (not yet under its name), filling in the
    /// report; refuses when a strictly confidential row is not confirmed.
    fn write_sheet(
        &self,
        req: &DataExportRequest,
        pseudonyms: Option<Pseudonyms>,
        report: &mut DataExportReport,
    ) -> Result<Finished> {
        if req.kind == ExportKind::Aggregate {
            let k = req.k.unwrap_or(DEFAULT_K);
            let level = req.level.unwrap_or_default();
            let tally = self.tally(level)?;
            let table = aggregate::table(&tally, level, k);
            let mut sheet = Sheet::create(&req.out, req.format, &table.header)?;
            if req.format == ExportFormat::Hxl {
                sheet.hashtags(&table.hashtags)?;
            }
            for row in table.rows {
                sheet.row(row)?;
            }
            report.records = tally.persons();
            report.k = Some(k);
            report.level = Some(level);
            report.suppressed_primary = Some(table.published.primary);
            report.suppressed_secondary = Some(table.published.secondary);
            sheet.finish()
        } else {
            let mut w = Writing {
                n: self,
                pseudonyms,
                confirmed: req.confirmed.iter().cloned().collect(),
                sent: vec![],
                held: vec![],
                labels: HashMap::new(),
            };
            let header = match (req.kind, w.pseudonyms.is_some()) {
                (ExportKind::Person, false) => PERSON_NAMED,
                (ExportKind::Person, true) => PERSON_PSEUDONYMISED,
                (_, false) => EVENT_NAMED,
                (_, true) => EVENT_PSEUDONYMISED,
            };
            let mut sheet = Sheet::create(&req.out, req.format, header)?;
            if req.kind == ExportKind::Person {
                self.each_person(|p| match w.person_row(p)? {
                    Some(row) => sheet.row(row),
                    None => Ok(()),
                })?;
            } else {
                self.each_record(Kind::Event, |e| match w.event_row(e)? {
                    Some(row) => sheet.row(row),
                    None => Ok(()),
                })?;
            }
            if !w.held.is_empty() {
                let mut ids: Vec<&str> = w.held.iter().map(|r| r.id.as_str()).collect();
                let more = ids.len().saturating_sub(NAMED_IN_REFUSAL);
                ids.truncate(NAMED_IN_REFUSAL);
                let mut named = ids.join(", ");
                if more > 0 {
                    named.push_str(&format!(" (and {more} more)"));
                }
                return Err(Error::invalid(m::export_needs_confirmation(
                    w.held.len(),
                    named,
                )));
            }
            report.confirmed = w.sent;
            let finished = sheet.finish()?;
            report.records = finished.rows;
            Ok(finished)
        }
    }

    /// Persons counted by place (at `level`), current protection status and sex.
    fn tally(&self, level: AggregateLevel) -> Result<Tally> {
        let statuses: Vec<String> = self
            .vocab
            .0
            .get("status")
            .map(|terms| terms.iter().map(|t| t.term.clone()).collect())
            .unwrap_or_default();
        let mut places: HashMap<String, String> = HashMap::new();
        let mut tally = Tally::default();
        self.each_person(|p| {
            let sex = row_of(self.conn(), Kind::Person, &p.id)?.and_then(|f| text(&f, "sex"));
            let status = p.protection.as_ref().map(|s| s.value.as_str());
            let order = status
                .and_then(|s| statuses.iter().position(|t| t == s))
                .unwrap_or(usize::MAX);
            let place = match &p.location {
                Some(l) => match places.get(l) {
                    Some(label) => label.clone(),
                    None => {
                        let label = self.place_at(level, l)?;
                        places.insert(l.clone(), label.clone());
                        label
                    }
                },
                None => UNKNOWN_PLACE.to_string(),
            };
            tally.add(&place, order, status.unwrap_or(NO_STATUS), sex.as_deref());
            Ok(())
        })?;
        Ok(tally)
    }

    /// The label of the place at `level` that contains a location (itself included),
    /// following the parents; "(unknown)" when there is none.
    fn place_at(&self, level: AggregateLevel, location: &str) -> Result<String> {
        let wanted = match level {
            AggregateLevel::Place => None,
            AggregateLevel::Region => Some("region"),
            AggregateLevel::Country => Some("country"),
        };
        let mut at = location.to_string();
        // A cycle of parents, which no rule forbids across offices, ends the walk.
        for _ in 0..64 {
            let Some(f) = row_of(self.conn(), Kind::Location, &at)? else {
                break;
            };
            if wanted.is_none() || text(&f, "type").as_deref() == wanted {
                return Ok(self.label_of(Kind::Location, &f));
            }
            match text(&f, "parent") {
                Some(parent) => at = parent,
                None => break,
            }
        }
        Ok(UNKNOWN_PLACE.to_string())
    }

    /// A page of the export log, newest first.
    pub fn export_log(&self, query: &PageQuery) -> Result<Page<ExportLogEntry>> {
        let limit = page::limit(query.limit)?;
        let before = match page::after(query.after.as_deref())? {
            Some(a) => Some(a.id.parse::<u64>().map_err(|_| {
                Error::invalid(super::messages::bad_cursor(
                    query.after.as_deref().unwrap_or(""),
                ))
            })?),
            None => None,
        };
        let mut items = log::entries(self.conn(), before, limit + 1)?;
        let more = items.len() > limit;
        items.truncate(limit);
        let next = match items.last() {
            Some(last) if more => Some(page::encode(&After {
                sort_key: String::new(),
                id: last.id.to_string(),
            })),
            _ => None,
        };
        Ok(Page {
            items,
            next,
            total: log::count(self.conn())?,
            total_capped: false,
        })
    }
}
