//! Possible duplicates, kept up to date as persons change.
//!
//! Each live person's blocking keys (`domain::matching`) are kept in
//! `duplicate_blocks`; a person whose evidence changed (a name, an alias, a date, an
//! identifier, a family link, a group) is compared with every person sharing a key, and
//! the pairs scoring at least [`STORED_FROM`] are kept in `duplicate_candidates` with
//! their evidence. Like every derived row this is a function of the records, so
//! `rebuild` recomputes it identically; an import computes it for what it brought in
//! the same transaction, not by a rescan.

use crate::domain::matching::{compare_prepared, score_prepared, PersonEvidence, Prepared};
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use crate::oplog::state::{present_elements, row_of};
use crate::oplog::timeline::{groups_of, is_deleted, text};
use rusqlite::{params, Connection};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// A key shared by more persons than this is too common to compare by (a surname
/// alone, in a large store): comparing every pair through it would cost the square of
/// its size. Pairs found through it while it was rarer stay until one side changes, so
/// at that scale the list can differ from what `rebuild` finds; below it, never.
pub const MAX_BLOCK: i64 = 400;

/// Pairs scoring below this are not kept (the review queue starts higher, at
/// `matching::DEFAULT_THRESHOLD`; `--min-score` may go down to this).
pub const STORED_FROM: f64 = 0.25;

/// What the matcher knows of a live person; none for a deleted or missing one.
pub(crate) fn evidence(conn: &Connection, person: &str) -> Result<Option<PersonEvidence>> {
    let Some(fields) = row_of(conn, Kind::Person, person)? else {
        return Ok(None);
    };
    if is_deleted(&fields) {
        return Ok(None);
    }
    let name_of = |v: &Value| -> Option<(String, String)> {
        Some((
            v.get("text")?.as_str()?.to_string(),
            v.get("lang")
                .and_then(Value::as_str)
                .unwrap_or("und")
                .to_string(),
        ))
    };
    let mut names: Vec<(String, String)> =
        fields.get("name").and_then(name_of).into_iter().collect();
    names.extend(
        present_elements(conn, person, "aliases")?
            .iter()
            .filter_map(name_of),
    );
    let identifiers = present_elements(conn, person, "identifiers")?
        .iter()
        .filter_map(|e| {
            Some((
                e.get("type")?.as_str()?.to_string(),
                e.get("value")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let family = present_elements(conn, person, "family")?
        .iter()
        .filter_map(|e| Some(e.get("person")?.as_str()?.to_string()))
        .collect();
    Ok(Some(PersonEvidence {
        id: person.to_string(),
        names,
        birth_date: text(&fields, "birth_date"),
        sex: text(&fields, "sex"),
        identifiers,
        origin: text(&fields, "origin"),
        groups: groups_of(conn, person)?,
        family,
    }))
}

/// Prepared records, each read once per refresh.
struct Cache<'c> {
    conn: &'c Connection,
    prepared: HashMap<String, Option<Prepared>>,
}

impl Cache<'_> {
    fn get(&mut self, person: &str) -> Result<Option<&Prepared>> {
        if !self.prepared.contains_key(person) {
            let p = evidence(self.conn, person)?.map(|e| Prepared::new(&e));
            self.prepared.insert(person.to_string(), p);
        }
        Ok(self.prepared[person].as_ref())
    }
}

/// Recomputes the blocks and candidate pairs of persons whose evidence changed.
pub(crate) fn refresh(conn: &Connection, dirty: &BTreeSet<String>) -> Result<()> {
    if dirty.is_empty() {
        return Ok(());
    }
    let mut cache = Cache {
        conn,
        prepared: HashMap::new(),
    };
    let mut del_blocks = conn.prepare_cached("DELETE FROM duplicate_blocks WHERE person = ?1")?;
    let mut del_pairs =
        conn.prepare_cached("DELETE FROM duplicate_candidates WHERE a = ?1 OR b = ?1")?;
    let mut ins_block = conn
        .prepare_cached("INSERT OR IGNORE INTO duplicate_blocks (key, person) VALUES (?1, ?2)")?;
    let mut keys_of: Vec<(String, BTreeSet<String>)> = Vec::new();
    for p in dirty {
        tick()?;
        del_blocks.execute([p])?;
        tick()?;
        del_pairs.execute([p])?;
        if let Some(prepared) = cache.get(p)? {
            let keys = prepared.blocking_keys();
            for k in &keys {
                tick()?;
                ins_block.execute(params![k, p])?;
            }
            keys_of.push((p.clone(), keys));
        }
    }
    let mut sharing =
        conn.prepare_cached("SELECT person FROM duplicate_blocks WHERE key = ?1 LIMIT ?2")?;
    let mut ins_pair = conn.prepare_cached(
        "INSERT OR REPLACE INTO duplicate_candidates (a, b, score, evidence) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (p, keys) in keys_of {
        let mut others: BTreeSet<String> = BTreeSet::new();
        for k in &keys {
            tick()?;
            let block: Vec<String> = sharing
                .query_map(params![k, MAX_BLOCK + 1], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if block.len() as i64 > MAX_BLOCK {
                continue;
            }
            for q in block {
                // A pair of two dirty persons is compared once, by the smaller.
                if q != p && !(dirty.contains(&q) && q < p) {
                    others.insert(q);
                }
            }
        }
        for q in others {
            // Always in id order, so a pair's row is the same whichever side changed.
            let (x, y) = if p < q { (&p, &q) } else { (&q, &p) };
            let (Some(a), Some(b)) = (cache.get(x)?.cloned(), cache.get(y)?) else {
                continue;
            };
            if score_prepared(&a, b) < STORED_FROM {
                continue;
            }
            let comparison = compare_prepared(&a, b);
            tick()?;
            ins_pair.execute(params![
                x,
                y,
                comparison.score,
                serde_json::to_string(&comparison.evidence)?
            ])?;
        }
    }
    Ok(())
}
