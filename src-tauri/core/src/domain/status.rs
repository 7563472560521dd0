//! "Current status" is derived from the timeline, never stored by hand.
//!
//! A person's timeline holds explicit status records (about them, or about a group they
//! belong to) and events in which they, or one of their groups, were a victim; an event
//! type may imply a status (a detention implies "detained" at the event's location).
//! The current status of each type is the latest entry of that type.

use crate::date::FuzzyDate;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, PartialEq, TS)]
pub struct StatusEntry {
    /// `protection` or `refugee`.
    pub status_type: String,
    pub value: String,
    /// EDTF text of the effective date, if known.
    pub date: Option<String>,
    pub location: Option<String>,
    pub imminent: bool,
    /// The status record, or the event that implies it.
    pub from_record: String,
    /// True for a status record, false for a status implied by an event.
    pub explicit: bool,
    /// Set when the status reaches the person through a group they belong to.
    pub via_group: Option<String>,
}

impl StatusEntry {
    fn order_key(&self) -> ((i32, i32), bool, &str) {
        let date = self
            .date
            .as_deref()
            .and_then(|d| FuzzyDate::parse(d).ok())
            .map(|d| d.sort_key())
            .unwrap_or((i32::MIN, i32::MIN));
        // Undated entries sort first: a dated entry is better evidence of "now".
        // On the same date an explicit status outranks one implied by an event, and
        // then the later-created record (UUIDv7 ids are time-ordered) wins.
        (date, self.explicit, self.from_record.as_str())
    }
}

/// The latest entry of the given type.
pub fn current<'a>(entries: &'a [StatusEntry], status_type: &str) -> Option<&'a StatusEntry> {
    entries
        .iter()
        .filter(|e| e.status_type == status_type)
        .max_by(|a, b| a.order_key().cmp(&b.order_key()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(value: &str, date: Option<&str>, explicit: bool, id: &str) -> StatusEntry {
        StatusEntry {
            status_type: "protection".into(),
            value: value.into(),
            date: date.map(Into::into),
            location: None,
            imminent: false,
            from_record: id.into(),
            explicit,
            via_group: None,
        }
    }

    #[test]
    fn the_latest_dated_entry_is_current() {
        let entries = vec![
            entry("in_camp", Some("2005-05"), true, "a"),
            entry("detained", Some("2005-06-09/2005-06-12"), false, "b"),
            entry("at_risk", None, true, "c"),
        ];
        assert_eq!(current(&entries, "protection").unwrap().value, "detained");
        assert!(current(&entries, "refugee").is_none());
    }

    #[test]
    fn on_the_same_day_an_explicit_status_outranks_an_implied_one() {
        let entries = vec![
            entry("forcibly_returned", Some("2005-06-10"), true, "a"),
            entry("detained", Some("2005-06-10"), false, "b"),
        ];
        assert_eq!(
            current(&entries, "protection").unwrap().value,
            "forcibly_returned"
        );
    }
}
