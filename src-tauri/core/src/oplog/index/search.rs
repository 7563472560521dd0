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
    let mut out = Vec::with_capacity(found.len());
    for (id, sort_key) in found {
        if let Some(m) = &members {
            if !m.contains(&id) {
                continue;
            }
        }
        if (filter.status.is_some() || filter.place.is_some())
            && !in_status_and_place(conn, &id, filter)?
        {
            continue;
        }
        out.push(After { sort_key, id });
    }
    out.sort_by(|a, b| (&a.sort_key, &a.id).cmp(&(&b.sort_key, &b.id)));
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

fn in_status_and_place(conn: &Connection, person: &str, filter: &Filter) -> Result<bool> {
    let mut stmt =
        conn.prepare_cached("SELECT protection, location FROM person_index WHERE person = ?1")?;
    tick()?;
    let (protection, location): (Option<String>, Option<String>) =
        stmt.query_row([person], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if filter.status.is_some() && protection != filter.status {
        return Ok(false);
    }
    let Some(place) = &filter.place else {
        return Ok(true);
    };
    let Some(location) = location else {
        return Ok(false);
    };
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM location_ancestors WHERE ancestor = ?1 AND location = ?2")?;
    tick()?;
    let within = stmt
        .query_row([place, &location], |_| Ok(()))
        .optional()?
        .is_some();
    Ok(within || location == *place)
}

#[cfg(test)]
mod tests {
    use super::has_words;

    #[test]
    fn a_record_has_a_word_when_one_of_its_words_begins_with_it() {
        assert!(has_words("aziz karimov", &["kar", "a"]));
        assert!(has_words("aziz karimov", &[]));
        assert!(!has_words("aziz karimov", &["zi"]));
        assert!(!has_words("aziz karimov", &["karimova"]));
        assert!(!has_words("", &["a"]));
    }
}
