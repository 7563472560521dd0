//! The dashboard's figures: persons by current protection status and by place (down
//! the location tree), new persons and events by month, deadlines, conflicts and
//! possible duplicates. Every figure is read from a derived count or an index range,
//! never by loading the records it counts, so the dashboard costs the same at 100 000
//! persons as at 100; and every figure names the list that shows what it counts.
//!
//! Months: a person is new in the month their record was created, which their id says
//! (record ids are UUIDv7: the first 48 bits are the creation time in milliseconds, so
//! a month is one range of ids). An event falls in the month its date begins (or ends,
//! when only its end is known); one dated only by year falls in none.

use super::messages as m;
use crate::error::{Error, Result};
use crate::fault::tick;
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// How many months the monthly charts show.
pub const MONTHS: usize = 12;

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatusCount {
    /// A protection status term; `""` for persons with none.
    pub status: String,
    pub n: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PlaceCount {
    pub id: String,
    pub label: String,
    pub n: u64,
    pub by_status: Vec<StatusCount>,
    /// It has places inside it to look into.
    pub has_children: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PlaceRef {
    pub id: String,
    pub label: String,
}

/// One level of the location tree: the places directly inside `parent` (or the
/// top-level places), each with everyone inside it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlaceLevel {
    /// The places from the top down to the one looked into; empty at the top.
    pub path: Vec<PlaceRef>,
    pub places: Vec<PlaceCount>,
    /// Persons counted at this level but in none of `places`: at the place itself, or
    /// (at the top) with no known place.
    pub elsewhere: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub n: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EventSeries {
    pub event_type: String,
    /// One count per month of [`EventMonths::months`].
    pub counts: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EventMonths {
    /// `YYYY-MM`, oldest first: the months up to the latest dated event.
    pub months: Vec<String>,
    pub series: Vec<EventSeries>,
    /// Live events placed in no month (no date, or a year only).
    pub unplaced: u64,
    /// Live events dated before the first month shown.
    pub earlier: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DeadlineCounts {
    /// The day counted from (YYYY-MM-DD).
    pub today: String,
    pub overdue: u64,
    pub upcoming: u64,
    /// How many days ahead "upcoming" looks.
    pub days: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Dashboard {
    /// Live persons, a cluster of duplicates once.
    pub persons: u64,
    pub by_status: Vec<StatusCount>,
    pub places: PlaceLevel,
    pub new_persons: Vec<MonthCount>,
    pub events: EventMonths,
    pub deadlines: DeadlineCounts,
    pub conflicts: u64,
    /// Possible duplicates waiting for a decision (`Info::possible_duplicates`).
    pub duplicates: u64,
}

/// What a dashboard figure counts, as a list: `GET #/dashboard/list?…`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct CountedQuery {
    /// `new_persons`, `events`, `overdue` or `upcoming`.
    pub of: String,
    /// `YYYY-MM`, for `new_persons` and `events`.
    pub month: Option<String>,
    /// An event type, for `events`.
    pub event_type: Option<String>,
    pub limit: Option<usize>,
    pub after: Option<String>,
}

/// A month: its first day.
pub fn parse_month(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| Error::invalid(m::not_a_month(s)))
}

pub fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The first day of the month after `d`'s.
pub fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("a valid month")
}

/// The `n` months ending with `last`'s, oldest first (first days).
pub fn months_up_to(last: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let mut out = vec![NaiveDate::from_ymd_opt(last.year(), last.month(), 1).expect("valid")];
    while out.len() < n {
        let first = out[0];
        let prev = first.pred_opt().expect("valid");
        out.insert(
            0,
            NaiveDate::from_ymd_opt(prev.year(), prev.month(), 1).expect("valid"),
        );
    }
    out
}

/// The smallest UUIDv7 id (as text) created on or after the start of `day` (UTC).
pub fn first_id_of(day: NaiveDate) -> String {
    let ms = day
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis()
        .max(0) as u64;
    format!(
        "{:08x}-{:04x}-0000-0000-000000000000",
        ms >> 16,
        ms & 0xffff
    )
}

/// The month an EDTF date falls in for the charts: that of its first day, or of its
/// last when the start is open; none for a year alone or for text that is not a date.
pub fn month_of(date: &str) -> Option<NaiveDate> {
    let d = crate::date::FuzzyDate::parse(date).ok()?;
    let point = match d {
        crate::date::FuzzyDate::Point(p) => p,
        crate::date::FuzzyDate::Interval(Some(a), _) => a,
        crate::date::FuzzyDate::Interval(None, Some(b)) => b,
        crate::date::FuzzyDate::Interval(None, None) => return None,
    };
    let month = point.month?;
    NaiveDate::from_ymd_opt(point.year, month, 1)
}

/// Live events by (type, date), as few rows as there are distinct dates.
pub fn event_dates(conn: &Connection) -> Result<Vec<(String, Option<String>, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT type, date, count(*) FROM event WHERE coalesce(deleted, 0) = 0 GROUP BY type, date",
    )?;
    tick()?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            r.get(1)?,
            r.get::<_, i64>(2)? as u64,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Events by month and type: the [`MONTHS`] months up to the latest dated event.
pub fn event_months(conn: &Connection, type_order: &[String]) -> Result<EventMonths> {
    let rows = event_dates(conn)?;
    let mut by: BTreeMap<(String, NaiveDate), u64> = BTreeMap::new();
    let mut unplaced = 0;
    for (event_type, date, n) in rows {
        match date.as_deref().and_then(month_of) {
            Some(month) => *by.entry((event_type, month)).or_default() += n,
            None => unplaced += n,
        }
    }
    let Some(last) = by.keys().map(|(_, m)| *m).max() else {
        return Ok(EventMonths {
            months: vec![],
            series: vec![],
            unplaced,
            earlier: 0,
        });
    };
    let months = months_up_to(last, MONTHS);
    let mut earlier = 0;
    let mut series: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for ((event_type, month), n) in by {
        match months.iter().position(|m| *m == month) {
            Some(i) => {
                series
                    .entry(event_type)
                    .or_insert_with(|| vec![0; months.len()])[i] += n
            }
            None => earlier += n,
        }
    }
    let rank = |t: &str| type_order.iter().position(|o| o == t).unwrap_or(usize::MAX);
    let mut series: Vec<EventSeries> = series
        .into_iter()
        .map(|(event_type, counts)| EventSeries { event_type, counts })
        .collect();
    series.sort_by(|a, b| {
        (rank(&a.event_type), &a.event_type).cmp(&(rank(&b.event_type), &b.event_type))
    });
    Ok(EventMonths {
        months: months.into_iter().map(month_key).collect(),
        series,
        unplaced,
        earlier,
    })
}

/// Live events of a type whose date falls in a month: their ids, in id order, after
/// `after`, at most `limit` (and whether more follow).
pub fn events_in_month(
    conn: &Connection,
    event_type: Option<&str>,
    month: NaiveDate,
    after: Option<&str>,
    limit: usize,
) -> Result<(Vec<String>, bool)> {
    let key = month_key(month);
    // Narrowed in SQL by the date's text, then exactly by `month_of`.
    let mut stmt = conn.prepare_cached(
        "SELECT id, date FROM event WHERE coalesce(deleted, 0) = 0
           AND (?1 IS NULL OR type = ?1) AND id > ?2
           AND (date LIKE ?3 || '%' OR date LIKE '../' || ?3 || '%' OR date LIKE '/' || ?3 || '%')
         ORDER BY id",
    )?;
    tick()?;
    let rows = stmt.query_map(
        rusqlite::params![event_type, after.unwrap_or(""), key],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (id, date) = row?;
        if month_of(&date) == Some(month) {
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(id);
        }
    }
    Ok((out, false))
}

/// The live locations directly inside `parent` (the top-level ones for none): (id,
/// name, whether it has places inside it). One read of the location table, which
/// holds places, not people.
pub fn child_places(
    conn: &Connection,
    parent: Option<&str>,
) -> Result<Vec<(String, String, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, coalesce(name, ''), parent FROM location WHERE coalesce(deleted, 0) = 0",
    )?;
    tick()?;
    let rows: Vec<(String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let live: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let parents: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|r| r.2.as_deref()).collect();
    // A place whose parent is deleted or unknown counts as top-level.
    let is_child = |p: &Option<String>| match (parent, p.as_deref()) {
        (None, None) => true,
        (None, Some(up)) => !live.contains(up),
        (Some(want), Some(up)) => want == up,
        (Some(_), None) => false,
    };
    Ok(rows
        .iter()
        .filter(|r| is_child(&r.2))
        .map(|r| (r.0.clone(), r.1.clone(), parents.contains(r.0.as_str())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_their_ids() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(month_of("2005-06-03/2005-06-05"), Some(d(2005, 6, 1)));
        assert_eq!(month_of("../2005-06-10"), Some(d(2005, 6, 1)));
        assert_eq!(month_of("2005~"), None);
        assert_eq!(month_of("2005-12~"), Some(d(2005, 12, 1)));
        let months = months_up_to(d(2005, 2, 14), 3);
        assert_eq!(months, vec![d(2004, 12, 1), d(2005, 1, 1), d(2005, 2, 1)]);
        assert_eq!(next_month(d(2004, 12, 1)), d(2005, 1, 1));
        // An id made now sorts between the first ids of this month and the next.
        let now = chrono::Utc::now().date_naive();
        let id = uuid::Uuid::now_v7().to_string();
        let this = months_up_to(now, 1)[0];
        assert!(first_id_of(this) <= id && id < first_id_of(next_month(this)));
        assert!(parse_month("2005-13").is_err());
    }
}
