//! The aggregate table of persons: live persons counted by their place (at the chosen
//! level), their current protection status and their sex, with small-cell suppression
//! ([`super::suppress`]).
//!
//! One row per place and status that counts anyone, one column per sex, each row's
//! total at its end, and a last row of column totals and the grand total: exactly the
//! figures the suppression protects (no other subtotal is published). A suppressed
//! cell is left empty; zeros are written. Under the header, HXL hashtags:
//!
//! | column            | HXL                                              |
//! |-------------------|--------------------------------------------------|
//! | place             | `#loc+name`, `#adm1+name` (region), `#country+name` |
//! | protection status | `#status+protection` (the vocabulary's term; `none`) |
//! | female, male      | `#affected+f`, `#affected+m`                     |
//! | other, unknown    | `#affected+other`, `#affected+unknown` (no sex recorded counts as unknown) |
//! | total             | `#affected+total`                                |

use super::sheet::Cell;
use super::suppress::{protect, Published};
use super::AggregateLevel;
use std::collections::BTreeMap;

/// The sex columns, in order: the vocabulary's terms.
pub const SEXES: [&str; 4] = ["female", "male", "other", "unknown"];
/// The place of persons whose place (at the level) is not known.
pub const UNKNOWN_PLACE: &str = "(unknown)";
/// The status of persons with no current protection status.
pub const NO_STATUS: &str = "none";

/// Persons counted so far, by (place, status order, status) and sex.
#[derive(Debug, Default)]
pub struct Tally {
    rows: BTreeMap<(String, usize, String), [u64; 4]>,
    persons: u64,
}

impl Tally {
    /// Counts one person. `status_order` sorts the statuses of a place (the
    /// vocabulary's order); a sex outside the vocabulary counts as unknown.
    pub fn add(&mut self, place: &str, status_order: usize, status: &str, sex: Option<&str>) {
        let column = sex
            .and_then(|s| SEXES.iter().position(|x| *x == s))
            .unwrap_or(3);
        self.rows
            .entry((place.to_string(), status_order, status.to_string()))
            .or_default()[column] += 1;
        self.persons += 1;
    }

    pub fn persons(&self) -> u64 {
        self.persons
    }
}

/// The table as it is written.
pub struct Table {
    pub header: Vec<&'static str>,
    pub hashtags: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub published: Published,
}

pub fn table(tally: &Tally, level: AggregateLevel, k: u32) -> Table {
    let (place_header, place_tag) = match level {
        AggregateLevel::Place => ("Place", "#loc+name"),
        AggregateLevel::Region => ("Region", "#adm1+name"),
        AggregateLevel::Country => ("Country", "#country+name"),
    };
    let counts: Vec<Vec<u64>> = tally.rows.values().map(|c| c.to_vec()).collect();
    let published = protect(&counts, SEXES.len(), k as u64);
    let mut rows = Vec::with_capacity(counts.len() + 1);
    for (i, (place, _, status)) in tally.rows.keys().enumerate() {
        let mut row = vec![Cell::from(place.as_str()), Cell::from(status.as_str())];
        row.extend(published.cells[i].iter().map(|c| Cell::from(*c)));
        row.push(Cell::from(published.row_totals[i]));
        rows.push(row);
    }
    let mut last = vec![Cell::from("Total"), Cell::from("(all)")];
    last.extend(published.column_totals.iter().map(|c| Cell::from(*c)));
    last.push(Cell::from(published.total));
    rows.push(last);
    Table {
        header: vec![
            place_header,
            "Protection status",
            "Female",
            "Male",
            "Other",
            "Unknown",
            "Total",
        ],
        hashtags: vec![
            place_tag,
            "#status+protection",
            "#affected+f",
            "#affected+m",
            "#affected+other",
            "#affected+unknown",
            "#affected+total",
        ],
        rows,
        published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_by_place_and_status_with_totals_and_small_cells_left_empty() {
        let mut t = Tally::default();
        for _ in 0..7 {
            t.add("Osh", 2, "detained", Some("male"));
        }
        for _ in 0..6 {
            t.add("Osh", 2, "detained", Some("female"));
        }
        t.add("Osh", 2, "detained", None);
        for _ in 0..9 {
            t.add("Jalal-Abad Region", 1, "at_risk", Some("male"));
        }
        let table = table(&t, AggregateLevel::Region, 5);
        assert_eq!(t.persons(), 23);
        assert_eq!(table.rows.len(), 3);
        assert_eq!(table.rows[0][0], Cell::from("Jalal-Abad Region"));
        // The lone "unknown" in Osh is under 5, and so is its column's total: both
        // suppressed, and enough else that neither can be worked out.
        assert_eq!(table.rows[1][5], Cell::Empty);
        assert_eq!(table.rows[2][5], Cell::Empty);
        assert_eq!(table.published.primary, 2);
        assert!(table.published.secondary >= 2);
        assert_eq!(table.rows[2][0], Cell::from("Total"));
        assert_eq!(table.header.len(), table.hashtags.len());
    }
}
