//! Name search by gathering: the rarest word's prefix range read whole, each row
//! carrying every word of its record (migration 17), so the other words are checked
//! on the row itself; then the list filters; then the matches sorted in list order.
//! See the parent module for when this is the way taken.

use super::{After, Filter, Limits};
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use rusqlite::{Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};

/// What reading the rarest word's range found.
pub(super) enum Gathered {
    /// Every match, in list order.
    All(Vec<After>),
    /// The ordered walk answers: every word has more than [`Limits::collect`] rows, or
    /// checking each match's status would read more pages than walking the persons of
    /// that status in order. At least this many records match the words (the filters
    /// left aside).
    Walk { at_least: u64 },
}

/// Whether the space-separated folded `words` of a record include a word that begins
/// with each of `wanted`.
pub(super) fn has_words(words: &str, wanted: &[&str]) -> bool {
    wanted
        .iter()
        .all(|w| words.split(' ').any(|have| have.starts_with(w)))
}

/// How many rows of `kind`'s name words begin with `word`, counted up to `cap`.
fn prefix_count(conn: &Connection, kind: Kind, word: &str, cap: usize) -> Result<usize> {
    let (lo, hi) = super::prefix_range(word);
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM name_words WHERE kind = ?1 AND word >= ?2 AND word < ?3 LIMIT ?4)",
    )?;
    tick()?;
    let n: i64 = stmt.query_row(rusqlite::params![kind.as_str(), lo, hi, cap as i64], |r| {
        r.get(0)
    })?;
    Ok(n as usize)
}

/// The listed records among the first `cap` rows of `word`'s range whose words
/// include all of `wanted`, with their sort keys; and the rows read.
fn matches_in_range(
    conn: &Connection,
    kind: Kind,
    word: &str,
    wanted: &[&str],
    include_deleted: bool,
    cap: usize,
) -> Result<(HashMap<String, String>, usize)> {
    let (lo, hi) = super::prefix_range(word);
    let mut stmt = conn.prepare_cached(
        "SELECT entity, sort_key, shown, words FROM name_words
         WHERE kind = ?1 AND word >= ?2 AND word < ?3 LIMIT ?4",
    )?;
    tick()?;
    let mut out = HashMap::new();
    let mut read = 0;
    let mut rows = stmt.query(rusqlite::params![kind.as_str(), lo, hi, cap as i64])?;
    while let Some(r) = rows.next()? {
        read += 1;
        let shown: i64 = r.get(2)?;
        let listed = shown == 1 || (include_deleted && shown == 2);
        if listed && has_words(r.get_ref(3)?.as_str()?, wanted) {
            out.insert(r.get(0)?, r.get(1)?);
        }
    }
    Ok((out, read))
}

/// Every record matching a name search and the filters, in list order; or, when each
/// word is too broad to gather, how many records are known to match.
pub(super) fn search(
    conn: &Connection,
    kind: Kind,
    filter: &Filter,
    limits: &Limits,
) -> Result<Gathered> {
    let collect = limits.collect;
    // The rarest word: each counted only as far as the rarest before it, longest (the
    // likeliest rarest) first, so a broad word costs no more to rule out than the
    // rarest costs to read. A single word is read at once.
    let mut words: Vec<&str> = filter.words.iter().map(String::as_str).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let mut rarest = (usize::MAX, words[0]);
    if words.len() > 1 {
        for w in &words {
            let n = prefix_count(conn, kind, w, rarest.0.min(collect) + 1)?;
            if n < rarest.0 {
                rarest = (n, w);
            }
        }
    }
    let others: Vec<&str> = words.iter().copied().filter(|w| *w != rarest.1).collect();
    let (found, read) = matches_in_range(
        conn,
        kind,
        rarest.1,
        &others,
        filter.include_deleted,
        collect + 1,
    )?;
    let at_least = found.len() as u64;
    if read > collect {
        return Ok(Gathered::Walk { at_least });
    }
    if kind == Kind::Person
        && filter.status.is_some()
        && filter.place.is_none()
        && filter.group.is_none()
        && found.len() > walk_instead(conn, limits)?
    {
        return Ok(Gathered::Walk { at_least });
    }
    let members: Option<HashSet<String>> = match &filter.group {
        Some(g) => {
            let mut stmt = conn.prepare_cached(super::GROUP_MEMBERS_LISTED)?;
            tick()?;
            let rows = stmt.query_map([g], |r| r.get::<_, String>(0))?;
            Some(rows.collect::<rusqlite::Result<_>>()?)
        }
        None => None,
    };
    let mut out: Vec<After> = found
        .into_iter()
        .filter(|(id, _)| members.as_ref().is_none_or(|m| m.contains(id)))
        .map(|(id, sort_key)| After { sort_key, id })
        .collect();
    out.sort_by(|a, b| (&a.sort_key, &a.id).cmp(&(&b.sort_key, &b.id)));
    if kind == Kind::Person && (filter.status.is_some() || filter.place.is_some()) {
        let mut kept = Vec::with_capacity(out.len());
        for a in out {
            if in_status_and_place(conn, &a, filter)? {
                kept.push(a);
            }
        }
        out = kept;
    }
    Ok(Gathered::All(out))
}

/// How many matches of a name may be checked for a status one by one before walking
/// the persons of that status in order is cheaper. A check is a page read anywhere; the
/// walk reads the status's name-order index, which covers the words, about 40 rows a
/// page. If a name's n matches are spread evenly over the N persons, a page of 50 is
/// found within 51·N/n rows, so the walk wins past n² > 1.3·N (1 140 of a million).
/// Up to a tenth of [`Limits::collect`] the count stays exact.
fn walk_instead(conn: &Connection, limits: &Limits) -> Result<usize> {
    let persons: u64 = super::persons_by_status(conn, None)?.values().sum();
    let even = (1.3 * persons as f64).sqrt() as usize;
    Ok(even.max(limits.collect / 10))
}

/// Whether a live person is at a place and has a status (`?1` sort key, `?2` id,
/// `?3` place, `?4` status): the walk's own rows (`person_places`), by their primary
/// key (SQLite's name for it), which SQLite would otherwise look up by the person.
const AT_PLACE_WITH_STATUS: &str = "SELECT 1 FROM person_places
    INDEXED BY sqlite_autoindex_person_places_1 WHERE sort_key = ?1 AND person = ?2 AND ancestor = ?3 AND protection = ?4";
/// Whether a live person is at a place, whatever their status.
const AT_PLACE: &str = "SELECT 1 FROM person_places INDEXED BY person_places_in_order
    WHERE sort_key = ?1 AND person = ?2 AND ancestor = ?3";
/// Whether a person has a status (`?3`), wherever they are.
const WITH_STATUS: &str = "SELECT 1 FROM person_index INDEXED BY person_index_by_protection
    WHERE sort_key = ?1 AND person = ?2 AND protection = ?3";

/// Whether a person (a match, in list order) is listed with the filter's status, at
/// its place. Each is looked up by its list key within the status's or the place's own
/// range, as the walk reads them, so the matches' lookups fall in that range page
/// after page rather than anywhere in the store; and a place holds whom the walk finds
/// there (a live person at it or at a place within it).
fn in_status_and_place(conn: &Connection, person: &After, filter: &Filter) -> Result<bool> {
    let mut args = vec![person.sort_key.as_str(), person.id.as_str()];
    let sql = match (&filter.place, &filter.status) {
        (Some(place), Some(status)) => {
            args.extend([place.as_str(), status.as_str()]);
            AT_PLACE_WITH_STATUS
        }
        (Some(place), None) => {
            args.push(place);
            AT_PLACE
        }
        (None, Some(status)) => {
            args.push(status);
            WITH_STATUS
        }
        (None, None) => return Ok(true),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    tick()?;
    Ok(stmt
        .query_row(rusqlite::params_from_iter(args), |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::{has_words, AT_PLACE, AT_PLACE_WITH_STATUS, WITH_STATUS};
    use crate::oplog::index::query_plan;
    use crate::store::migrations::{migrate, MIGRATIONS};

    #[test]
    fn a_match_is_checked_by_its_key_in_the_place_or_status_it_is_filtered_by() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        for (sql, index) in [
            (AT_PLACE_WITH_STATUS, "USING PRIMARY KEY"),
            (AT_PLACE, "USING COVERING INDEX person_places_in_order"),
            (
                WITH_STATUS,
                "USING COVERING INDEX person_index_by_protection",
            ),
        ] {
            let params = ["k", "p", "l", "s"][..sql.matches('?').count()]
                .iter()
                .map(|v| rusqlite::types::Value::Text(v.to_string()))
                .collect();
            let plan = query_plan(&conn, sql, params);
            assert!(plan.contains(index), "{plan}");
            // Every key column compared: one row looked up, not a range read.
            let key_columns = sql.matches(" = ?").count();
            assert_eq!(plan.matches("=?").count(), key_columns, "{plan}");
        }
    }

    #[test]
    fn a_record_has_a_word_when_one_of_its_words_begins_with_it() {
        assert!(has_words("aziz karimov", &["kar", "a"]));
        assert!(has_words("aziz karimov", &[]));
        assert!(!has_words("aziz karimov", &["zi"]));
        assert!(!has_words("aziz karimov", &["karimova"]));
        assert!(!has_words("", &["a"]));
    }
}
