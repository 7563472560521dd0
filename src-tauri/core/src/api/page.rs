//! Pages: every list the API returns is one page of it, and the cursor to the next.
//!
//! A cursor names the last row shown by its place in the list order (sort key and id),
//! not by a position, so a page never repeats or skips a row because others were added
//! or deleted before it while the user was reading (keyset pagination).

use super::messages as m;
use crate::error::{Error, Result};
use crate::oplog::index::{After, Keys};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Rows per page unless the caller asks otherwise.
pub const DEFAULT_LIMIT: usize = 100;
/// The most rows one page may hold.
pub const MAX_LIMIT: usize = 1000;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page (pass it as `after`); none on the last page.
    pub next: Option<String>,
    /// How many rows the whole list has.
    pub total: u64,
    /// `total` is a lower bound ("10,000 or more"): a broad search is not counted to
    /// the end.
    pub total_capped: bool,
}

impl<T> Page<T> {
    pub fn empty() -> Page<T> {
        Page {
            items: vec![],
            next: None,
            total: 0,
            total_capped: false,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            total: self.total,
            total_capped: self.total_capped,
        }
    }
}

/// Which page: how many rows, and after which cursor.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct PageQuery {
    pub limit: Option<usize>,
    pub after: Option<String>,
}

/// The number of rows a request may have.
pub fn limit(requested: Option<usize>) -> Result<usize> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(Error::invalid(m::bad_page_size(1, MAX_LIMIT))),
    }
}

/// A cursor as text: the id, then the sort key in hex (so any text survives a command
/// line).
pub fn encode(after: &After) -> String {
    format!("{}.{}", after.id, hex::encode(after.sort_key.as_bytes()))
}

pub fn decode(cursor: &str) -> Result<After> {
    let bad = || Error::invalid(m::bad_cursor(cursor));
    let (id, key) = cursor.split_once('.').ok_or_else(bad)?;
    let key = hex::decode(key).map_err(|_| bad())?;
    Ok(After {
        id: id.to_string(),
        sort_key: String::from_utf8(key).map_err(|_| bad())?,
    })
}

pub fn after(query: Option<&str>) -> Result<Option<After>> {
    query.filter(|c| !c.is_empty()).map(decode).transpose()
}

/// A page of rows built from a page of keys.
pub fn build<T>(keys: Keys, mut row: impl FnMut(&After) -> Result<Option<T>>) -> Result<Page<T>> {
    let mut items = Vec::with_capacity(keys.rows.len());
    for k in &keys.rows {
        items.extend(row(k)?);
    }
    Ok(Page {
        items,
        next: if keys.more {
            keys.rows.last().map(encode)
        } else {
            None
        },
        total: keys.total,
        total_capped: keys.total_capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_any_sort_key() {
        for key in ["", "karimov aziz", "каримов", "a.b.c", "\u{10FFFF}"] {
            let a = After {
                sort_key: key.into(),
                id: "0190aa00-0000-7000-8000-000000000001".into(),
            };
            assert_eq!(decode(&encode(&a)).unwrap(), a);
        }
    }

    #[test]
    fn a_mangled_cursor_is_refused() {
        for bad in ["nodot", "id.zz", "id.ff"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(MAX_LIMIT + 1)).is_err());
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
    }
}
