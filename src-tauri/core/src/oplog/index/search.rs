//! Name search that gathers every match: the rarest word's prefix range read whole,
//! the other words' ranges intersected with it (or checked match by match), the
//! filters applied, and the matches sorted in list order. See the parent module for
//! when this is the way taken.

use super::{prefix_count, prefix_range, After, Filter, Limits};
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// The listed records with a word beginning with `word`, and their sort keys; none if
/// there are more than `cap` rows. One pass over a covering index range: sequential
/// pages, whatever the size of the store.
fn word_range(
    conn: &Connection,
    kind: Kind,
    word: &str,
    include_deleted: bool,
    cap: usize,
) -> Result<Option<HashMap<String, String>>> {
    let (lo, hi) = prefix_range(word);
    let mut stmt = conn.prepare_cached(
        "SELECT entity, sort_key, shown FROM name_words WHERE kind = ?1 AND word >= ?2 AND word < ?3 LIMIT ?4",
    )?;
    tick()?;
    let mut out = HashMap::new();
    let mut n = 0;
    let mut rows = stmt.query(rusqlite::params![kind.as_str(), lo, hi, cap as i64 + 1])?;
    while let Some(r) = rows.next()? {
        n += 1;
        let shown: i64 = r.get(2)?;
        if shown == 1 || (include_deleted && shown == 2) {
            out.insert(r.get(0)?, r.get(1)?);
        }
    }
    Ok((n <= cap).then_some(out))
}

fn has_word(conn: &Connection, entity: &str, word: &str) -> Result<bool> {
    let (lo, hi) = prefix_range(word);
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM name_words WHERE entity = ?1 AND word >= ?2 AND word < ?3 LIMIT 1",
    )?;
    tick()?;
    Ok(stmt
        .query_row(rusqlite::params![entity, lo, hi], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every record matching a name search and the filters, in list order; none when a
/// word is too broad to read whole, or too many matches are left to check one by one
/// against a broad word (the ordered walk answers those).
pub(super) fn search(
    conn: &Connection,
    kind: Kind,
    filter: &Filter,
    limits: &Limits,
) -> Result<Option<Vec<After>>> {
    let scan = limits.scan;
    let mut counted = Vec::new();
    for w in &filter.words {
        counted.push((prefix_count(conn, kind, w, scan + 1)?, w.as_str()));
    }
    counted.sort();
    let Some(mut found) = word_range(conn, kind, counted[0].1, filter.include_deleted, scan)?
    else {
        return Ok(None);
    };
    for (count, word) in &counted[1..] {
        if *count <= scan && *count < found.len() * 8 {
            if let Some(other) = word_range(conn, kind, word, filter.include_deleted, scan)? {
                found.retain(|e, _| other.contains_key(e));
                continue;
            }
        }
        if found.len() > limits.probe {
            return Ok(None);
        }
        let mut keep = HashMap::new();
        for (e, k) in found {
            if has_word(conn, &e, word)? {
                keep.insert(e, k);
            }
        }
        found = keep;
    }
    let filtered = filter.status.is_some() || filter.place.is_some() || filter.group.is_some();
    if filtered && found.len() > limits.collect * 5 {
        return Ok(None);
    }
    let members: Option<std::collections::HashSet<String>> = match &filter.group {
        Some(g) => {
            let mut stmt = conn.prepare_cached(
                "SELECT coalesce(m.merged_into, l.target) FROM link_state l
                 JOIN person_index m ON m.person = l.target
                 WHERE l.owner = ?1 AND l.link = 'members'",
            )?;
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
        if filter.status.is_some() || filter.place.is_some() {
            let mut stmt = conn.prepare_cached(
                "SELECT protection, location FROM person_index WHERE person = ?1",
            )?;
            tick()?;
            let (protection, location): (Option<String>, Option<String>) =
                stmt.query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if filter.status.is_some() && protection != filter.status {
                continue;
            }
            if let Some(place) = &filter.place {
                let Some(location) = location else { continue };
                let mut stmt = conn.prepare_cached(
                    "SELECT 1 FROM location_ancestors WHERE ancestor = ?1 AND location = ?2",
                )?;
                tick()?;
                let within = stmt
                    .query_row([place, &location], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !within && location != *place {
                    continue;
                }
            }
        }
        out.push(After { sort_key, id });
    }
    out.sort_by(|a, b| (&a.sort_key, &a.id).cmp(&(&b.sort_key, &b.id)));
    Ok(Some(out))
}
