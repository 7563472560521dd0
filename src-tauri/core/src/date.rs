//! Dates as monitors know them: often only a month, a year, or "the end of last week".
//!
//! The text form is a subset of EDTF (the Library of Congress Extended Date/Time Format,
//! ISO 8601-2), so it stays readable outside Nansen:
//!
//! | text                     | meaning                                      |
//! |--------------------------|----------------------------------------------|
//! | `2005-05-13`             | that day                                     |
//! | `2005-05`                | some day in May 2005                         |
//! | `2005`                   | some day in 2005                             |
//! | `2005-05-13~`            | about that day (approximate)                 |
//! | `2005-05-13?`            | that day, but the source is uncertain        |
//! | `2005-05-13%`            | approximate and uncertain                    |
//! | `2005-05-09/2005-05-15`  | some time between the two (inclusive)        |
//! | `2005-05/..`, `../2005`  | open-ended: from May 2005, up to 2005        |
//!
//! Impossible dates (`2005-02-30`), months outside 1–12 and intervals that end before
//! they start are refused.

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};
use messages as m;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatePoint {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
    pub approximate: bool,
    pub uncertain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuzzyDate {
    Point(DatePoint),
    Interval(Option<DatePoint>, Option<DatePoint>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
    Range,
}

impl DatePoint {
    fn parse(s: &str, whole: &str) -> Result<Self> {
        let bad = || Error::invalid(m::not_a_date(whole));
        let (core, approximate, uncertain) = match s.chars().last() {
            Some('~') => (&s[..s.len() - 1], true, false),
            Some('?') => (&s[..s.len() - 1], false, true),
            Some('%') => (&s[..s.len() - 1], true, true),
            _ => (s, false, false),
        };
        let parts: Vec<&str> = core.split('-').collect();
        let num = |p: &str, len: usize| -> Result<u32> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let year = num(parts.first().ok_or_else(bad)?, 4)? as i32;
        let month = parts.get(1).map(|p| num(p, 2)).transpose()?;
        let day = parts.get(2).map(|p| num(p, 2)).transpose()?;
        if parts.len() > 3 {
            return Err(bad());
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(Error::invalid(m::no_such_month(whole, m)));
            }
        }
        if let (Some(m), Some(d)) = (month, day) {
            if NaiveDate::from_ymd_opt(year, m, d).is_none() {
                return Err(Error::invalid(m::no_such_day(
                    whole,
                    format!("{year}-{m:02}"),
                    d,
                )));
            }
        }
        Ok(DatePoint {
            year,
            month,
            day,
            approximate,
            uncertain,
        })
    }

    pub fn earliest(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .expect("validated at parse")
    }

    pub fn latest(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d).expect("validated"),
            (Some(m), None) => {
                let first_next = if m == 12 {
                    NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(self.year, m + 1, 1)
                };
                first_next.expect("valid").pred_opt().expect("valid")
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31).expect("valid"),
        }
    }

    fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }
}

impl fmt::Display for DatePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        match (self.approximate, self.uncertain) {
            (true, true) => f.write_str("%"),
            (true, false) => f.write_str("~"),
            (false, true) => f.write_str("?"),
            _ => Ok(()),
        }
    }
}

impl FuzzyDate {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::invalid(m::empty_date()));
        }
        if let Some((a, b)) = s.split_once('/') {
            let side = |p: &str| -> Result<Option<DatePoint>> {
                if p == ".." || p.is_empty() {
                    Ok(None)
                } else {
                    DatePoint::parse(p, s).map(Some)
                }
            };
            let (from, to) = (side(a)?, side(b)?);
            if from.is_none() && to.is_none() {
                return Err(Error::invalid(m::range_without_ends(s)));
            }
            if let (Some(f), Some(t)) = (from, to) {
                if f.earliest() > t.latest() {
                    return Err(Error::invalid(m::range_ends_before_start(s)));
                }
            }
            return Ok(FuzzyDate::Interval(from, to));
        }
        DatePoint::parse(s, s).map(FuzzyDate::Point)
    }

    pub fn precision(&self) -> Precision {
        match self {
            FuzzyDate::Point(p) => p.precision(),
            FuzzyDate::Interval(..) => Precision::Range,
        }
    }

    /// The earliest and latest day this date can mean; `None` for an open end.
    pub fn bounds(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        match self {
            FuzzyDate::Point(p) => (Some(p.earliest()), Some(p.latest())),
            FuzzyDate::Interval(a, b) => (a.map(|p| p.earliest()), b.map(|p| p.latest())),
        }
    }

    /// Orders dates on a timeline: by earliest possible day, then latest.
    pub fn sort_key(&self) -> (i32, i32) {
        let (a, b) = self.bounds();
        let day = |d: Option<NaiveDate>, open: i32| d.map(|d| d.num_days_from_ce()).unwrap_or(open);
        let start = day(a, day(b, i32::MIN));
        (start, day(b, i32::MAX))
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FuzzyDate::Point(p) => write!(f, "{p}"),
            FuzzyDate::Interval(a, b) => {
                let side = |p: &Option<DatePoint>| p.map(|p| p.to_string()).unwrap_or("..".into());
                write!(f, "{}/{}", side(a), side(b))
            }
        }
    }
}

pub mod messages {
    crate::messages! {
        not_a_date(value) => "'{value}' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY (add ~ for approximate, use A/B for a range)";
        no_such_month(value, month) => "'{value}': there is no month {month}";
        no_such_day(value, month, day) => "'{value}' is not a real date: {month} has no day {day}";
        empty_date() => "a date cannot be empty";
        range_without_ends(value) => "'{value}': a range needs at least one end";
        range_ends_before_start(value) => "'{value}': the range ends before it starts";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_dates_can_be_written() {
        let d = FuzzyDate::parse("2005-05-13").unwrap();
        assert_eq!(d.precision(), Precision::Day);
        let end_of_last_week = FuzzyDate::parse("2005-06-09/2005-06-12").unwrap();
        assert_eq!(end_of_last_week.precision(), Precision::Range);
        assert_eq!(end_of_last_week.to_string(), "2005-06-09/2005-06-12");
        let month = FuzzyDate::parse("2005-02").unwrap();
        assert_eq!(
            month.bounds(),
            (
                NaiveDate::from_ymd_opt(2005, 2, 1),
                NaiveDate::from_ymd_opt(2005, 2, 28)
            )
        );
        assert_eq!(FuzzyDate::parse("1975~").unwrap().to_string(), "1975~");
        assert_eq!(FuzzyDate::parse("2005-05/..").unwrap().bounds().1, None);
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        for bad in [
            "2005-02-30",
            "2005-13",
            "05-05-2005",
            "2005-5-1",
            "",
            "2006/2005",
            "../..",
            "yesterday",
        ] {
            let err = FuzzyDate::parse(bad).unwrap_err().to_string();
            assert!(!err.is_empty(), "{bad}");
        }
        assert!(FuzzyDate::parse("2005-02-30")
            .unwrap_err()
            .to_string()
            .contains("no day 30"));
        assert!(FuzzyDate::parse("2004-02-29").is_ok());
    }

    proptest::proptest! {
        #[test]
        fn display_round_trips(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=28, mark in 0usize..4) {
            let suffix = ["", "~", "?", "%"][mark];
            for text in [format!("{y:04}{suffix}"), format!("{y:04}-{m:02}{suffix}"), format!("{y:04}-{m:02}-{d:02}{suffix}")] {
                let parsed = FuzzyDate::parse(&text).unwrap();
                proptest::prop_assert_eq!(parsed.to_string(), text);
            }
        }
    }
}
