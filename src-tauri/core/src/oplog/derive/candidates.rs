//! Possible duplicates, kept up to date as persons change.
//!
//! Each live person's blocking keys (`domain::matching`) are kept in
//! `duplicate_blocks`, with the person's birth year; a person whose evidence changed (a
//! name, an alias, a date, an identifier, a family link, a group) is compared with every
//! person sharing a key (within its birth decades where a key is too common), and the
//! pairs scoring at least [`STORED_FROM`] are kept in `duplicate_candidates` with
//! their score, and `duplicate_totals` keeps how many reach the review threshold. The
//! evidence of a pair is worked out again when the pair is shown: stored, it was most
//! of the table where many persons share a name. Like every derived row this is a
//! function of the records, so `rebuild` recomputes it identically; an import computes
//! it for what it brought in the same transaction, not by a rescan.
//!
//! A write that brings many persons at once (a spreadsheet intake, a bundle) defers them:
//! their blocks and pairs are removed and they wait in `duplicate_pending`, and
//! [`check_pending`] works them out afterwards, a chunk a transaction, exactly as if
//! they had been refreshed then. Until then a pending person has no pairs, rather than
//! pairs scored on what it said before.
//!
//! A refresh looks each key up once, however many changed persons share it, reads each
//! person once, and scores the pairs on every core (the connection stays on the calling
//! thread; the rows written do not depend on how the work was split).
//! `benches/duplicates.rs` times it on a store of 100k persons.

use crate::domain::matching::{
    decades, score_at_least, PersonEvidence, Prepared, DEFAULT_THRESHOLD,
};
use crate::error::Result;
use crate::fault::tick;
use crate::oplog::timeline::{groups_of, targets_of};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A key shared by more persons than this is too common to compare by (a surname
/// alone, in a large store): comparing every pair through it would cost the square of
/// its size. Its persons are then compared within their birth decades
/// (`matching::decades`), each decade up to this many. Pairs found through a key while
/// it was rarer stay until one side changes, so at that scale the list can differ from
/// what `rebuild` finds; below it, never.
pub const MAX_BLOCK: i64 = 400;

/// Pairs scoring below this are not kept (the review queue starts higher, at
/// `matching::DEFAULT_THRESHOLD`; `--min-score` may go down to this).
pub const STORED_FROM: f64 = 0.25;

/// What the matcher knows of a live person; none for a deleted or missing one. Read
/// with as few statements as can be: the candidates of an import read every person
/// sharing a key with what it brought.
pub(crate) fn evidence(conn: &Connection, person: &str) -> Result<Option<PersonEvidence>> {
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    );
    let mut stmt = conn.prepare_cached(
        "SELECT name, birth_date, sex, origin, deleted FROM person WHERE id = ?1",
    )?;
    let row: Option<Row> = stmt
        .query_row([person], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get::<_, Option<bool>>(4)?.unwrap_or(false),
            ))
        })
        .optional()?;
    let Some((name, birth_date, sex, origin, deleted)) = row else {
        return Ok(None);
    };
    if deleted {
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
    let mut names: Vec<(String, String)> = name
        .and_then(|n| serde_json::from_str::<Value>(&n).ok())
        .as_ref()
        .and_then(name_of)
        .into_iter()
        .collect();
    // The live elements of the three links, each element once (as `present_elements`).
    let mut stmt = conn.prepare_cached(
        "SELECT link, elem FROM link_state WHERE owner = ?1
         AND link IN ('aliases', 'identifiers', 'family')",
    )?;
    let mut elements: Vec<(String, String)> = stmt
        .query_map([person], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    elements.sort_unstable();
    elements.dedup();
    let (mut identifiers, mut family) = (Vec::new(), Vec::new());
    for (link, elem) in &elements {
        let e: Value = serde_json::from_str(elem)?;
        match link.as_str() {
            "aliases" => names.extend(name_of(&e)),
            "identifiers" => identifiers.extend((|| {
                Some((
                    e.get("type")?.as_str()?.to_string(),
                    e.get("value")?.as_str()?.to_string(),
                ))
            })()),
            _ => family.extend(e.get("person").and_then(Value::as_str).map(str::to_string)),
        }
    }
    Ok(Some(PersonEvidence {
        id: person.to_string(),
        names,
        birth_date,
        sex,
        identifiers,
        origin,
        groups: groups_of(conn, person)?,
        family,
    }))
}

/// Persons read and prepared by earlier refreshes of one run of writes (the batches of a
/// spreadsheet intake), so that a person sharing keys with many batches is read and
/// prepared once, not once a batch. A refresh re-reads the persons it was given and
/// replaces their entries, and every other person it reads is unchanged since it was
/// cached: so a cache is right only across writes committed one after another on one
/// connection, and must be dropped when a write fails (its entries may be of a
/// transaction rolled back).
#[derive(Default)]
pub struct PreparedCache {
    persons: HashMap<String, Option<Arc<Prepared>>>,
}

impl PreparedCache {
    /// Beyond this many persons (about 2 KB each) the cache lets half of them go, so
    /// that an intake into a store of millions keeps its memory bounded.
    const MAX_PERSONS: usize = 200_000;
}

/// Persons of one refresh, each numbered and read once.
#[derive(Default)]
struct Persons {
    ids: Vec<String>,
    number: HashMap<String, u32>,
    /// Read on demand; `None` inside for a deleted or missing person.
    prepared: Vec<Option<Option<Arc<Prepared>>>>,
}

impl Persons {
    fn number(&mut self, id: &str) -> u32 {
        if let Some(n) = self.number.get(id) {
            return *n;
        }
        let n = self.ids.len() as u32;
        self.ids.push(id.to_string());
        self.number.insert(id.to_string(), n);
        self.prepared.push(None);
        n
    }

    /// Reads a person from the store, or from `cache` when given and it has them.
    fn read(
        &mut self,
        conn: &Connection,
        n: u32,
        cache: Option<&PreparedCache>,
    ) -> Result<Option<&Prepared>> {
        let slot = n as usize;
        if self.prepared[slot].is_none() {
            let id = &self.ids[slot];
            let p = match cache.and_then(|c| c.persons.get(id)) {
                Some(cached) => cached.clone(),
                None => evidence(conn, id)?.map(|e| Arc::new(Prepared::new(&e))),
            };
            self.prepared[slot] = Some(p);
        }
        Ok(self.get(n))
    }

    fn get(&self, n: u32) -> Option<&Prepared> {
        self.prepared[n as usize]
            .as_ref()
            .and_then(Option::as_deref)
    }

    /// Hands what was read to `cache`, for the next refresh of the same run.
    fn keep(self, cache: &mut PreparedCache) {
        let max = PreparedCache::MAX_PERSONS;
        thin_to(&mut cache.persons, max.saturating_sub(self.ids.len()));
        for (id, p) in self.ids.into_iter().zip(self.prepared) {
            if let Some(p) = p {
                cache.persons.insert(id, p);
            }
        }
        // A refresh of a large chunk of a large store can read more than the cache holds.
        thin_to(&mut cache.persons, max);
    }
}

/// Lets every other entry go, in the map's own order, until at most `room` are left:
/// where a run compares each batch with most of the store, the persons it reads next
/// are any of them, and half of them stay rather than none. Each pass drops the first
/// of every two, so a single entry goes too.
fn thin_to<K, V>(map: &mut HashMap<K, V>, room: usize) {
    while map.len() > room {
        let mut kept = true;
        map.retain(|_, _| {
            kept = !kept;
            kept
        });
    }
}

/// Scores pairs on every core (the store's connection stays on this thread): the pairs
/// that reach [`STORED_FROM`], with their score.
fn score_pairs(persons: &Persons, pairs: &[(u32, u32)]) -> Vec<(u32, u32, f64)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let score = |chunk: &[(u32, u32)]| -> Vec<(u32, u32, f64)> {
        chunk
            .iter()
            .filter_map(|&(x, y)| {
                let score = score_at_least(persons.get(x)?, persons.get(y)?, STORED_FROM)?;
                Some((x, y, score))
            })
            .collect()
    };
    if threads < 2 || pairs.len() < 2_000 {
        return score(pairs);
    }
    let chunk = pairs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = pairs
            .chunks(chunk)
            .map(|c| s.spawn(move || score(c)))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().expect("scoring does not panic"))
            .collect()
    })
}

/// Persons whose groups alone changed keep their keys, and a group in common is all that
/// changed between them and anyone: so only their pairs with the members of those groups,
/// and with the partners who left one of those groups with them, can score differently.
/// Those rows are taken away and the pairs that share a key few enough share (as
/// [`refresh`] decides) are added to `pairs` to be scored again; `shown` counts what was
/// taken away.
fn regrouped(
    conn: &Connection,
    dirty: &BTreeSet<String>,
    grouped: &BTreeMap<String, BTreeSet<String>>,
    persons: &mut Persons,
    pairs: &mut Vec<(u32, u32)>,
    shown: &mut i64,
) -> Result<()> {
    let mut partners_of =
        conn.prepare_cached("SELECT a, b FROM duplicate_candidates WHERE a = ?1 OR b = ?1")?;
    let mut del_pair = conn.prepare_cached(
        "DELETE FROM duplicate_candidates WHERE a = ?1 AND b = ?2 RETURNING score",
    )?;
    let mut keys_of =
        conn.prepare_cached("SELECT key, born FROM duplicate_blocks WHERE person = ?1")?;
    let mut block_of = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM duplicate_blocks
         WHERE key = ?1 AND born BETWEEN ?2 AND ?3 LIMIT ?4)",
    )?;
    // A person's keys and birth year.
    let mut keys: HashMap<String, (BTreeSet<String>, i64)> = HashMap::new();
    // Whether a key, within a range of birth years, is shared by few enough to compare.
    let mut small: HashMap<(String, i64, i64), bool> = HashMap::new();
    for (p, groups) in grouped.iter().filter(|(p, _)| !dirty.contains(*p)) {
        let n = persons.number(p);
        // Never from the cache: its groups changed.
        persons.read(conn, n, None)?;
        let mut others = BTreeSet::new();
        tick()?;
        for row in partners_of.query_map([p], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))? {
            let (a, b) = row?;
            let q = if a == *p { b } else { a };
            // A pair's group in common changes only through a group the two are members
            // of now, or both left (then neither lists the other as a member).
            if grouped
                .get(&q)
                .is_some_and(|left| !left.is_disjoint(groups))
            {
                others.insert(q);
            }
        }
        for g in groups {
            others.extend(targets_of(conn, g, "members")?);
        }
        others.remove(p);
        for q in others {
            let (a, b) = if *p < q { (p, &q) } else { (&q, p) };
            tick()?;
            for score in del_pair.query_map([a, b], |r| r.get::<_, f64>(0))? {
                *shown -= (score? >= DEFAULT_THRESHOLD) as i64;
            }
            for person in [p, &q] {
                if !keys.contains_key(person) {
                    tick()?;
                    let (mut k, mut born) = (BTreeSet::new(), 0);
                    for row in keys_of.query_map([person], |r| Ok((r.get(0)?, r.get(1)?)))? {
                        let (key, b): (String, i64) = row?;
                        k.insert(key);
                        born = b;
                    }
                    keys.insert(person.clone(), (k, born));
                }
            }
            let ((pk, pborn), (qk, qborn)) = (&keys[p], &keys[&q]);
            // As `refresh` pairs them: a key few enough share, or else a decade of it.
            let mut ranges = vec![(i64::MIN, i64::MAX)];
            ranges.extend(
                decades(*pborn)
                    .into_iter()
                    .filter(|d| decades(*qborn).contains(d)),
            );
            let mut comparable = false;
            'keys: for k in pk.intersection(qk) {
                for &(lo, hi) in &ranges {
                    let cell = (k.clone(), lo, hi);
                    if !small.contains_key(&cell) {
                        tick()?;
                        let n: i64 =
                            block_of.query_row(params![k, lo, hi, MAX_BLOCK + 1], |r| r.get(0))?;
                        small.insert(cell.clone(), n <= MAX_BLOCK);
                    }
                    if small[&cell] {
                        comparable = true;
                        break 'keys;
                    }
                }
            }
            if comparable {
                pairs.push((persons.number(a), persons.number(b)));
            }
        }
    }
    Ok(())
}

/// How the candidates of persons whose evidence changed are worked out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// In the same transaction: every edit, and changes released from waiting.
    Now,
    /// Later, by [`check_pending`]: the batches of a spreadsheet intake, a bundle.
    Later,
}

/// Removes the blocks and pairs of `person`, counting in `shown` the pairs at the review
/// threshold that went.
fn forget(conn: &Connection, person: &str, shown: &mut i64) -> Result<()> {
    tick()?;
    conn.prepare_cached("DELETE FROM duplicate_blocks WHERE person = ?1")?
        .execute([person])?;
    tick()?;
    let mut del_pairs = conn.prepare_cached(
        "DELETE FROM duplicate_candidates WHERE a = ?1 OR b = ?1 RETURNING score",
    )?;
    for score in del_pairs.query_map([person], |r| r.get::<_, f64>(0))? {
        *shown -= (score? >= DEFAULT_THRESHOLD) as i64;
    }
    Ok(())
}

/// Adds `delta` to a one-row count (`duplicate_totals.shown`,
/// `duplicate_pending_total.waiting`); a count that falls to zero loses its row, as a
/// rebuild leaves none.
fn add_to_count(conn: &Connection, table: &str, column: &str, delta: i64) -> Result<()> {
    if delta == 0 {
        return Ok(());
    }
    tick()?;
    conn.prepare_cached(&format!(
        "INSERT INTO {table} (id, {column}) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET {column} = {column} + excluded.{column}"
    ))?
    .execute([delta])?;
    tick()?;
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE {column} = 0"))?
        .execute([])?;
    Ok(())
}

/// How many persons wait for their candidates.
pub(crate) fn pending(conn: &Connection) -> Result<u64> {
    let n: Option<i64> = conn
        .query_row("SELECT waiting FROM duplicate_pending_total", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(n.unwrap_or(0) as u64)
}

/// Works out the candidates of up to `limit` pending persons (in id order), as
/// [`refresh`] would have when they were written; returns how many. The caller holds
/// the transaction; with a cache, as [`refresh`].
pub(crate) fn check_pending(
    conn: &Connection,
    limit: usize,
    cache: Option<&mut PreparedCache>,
) -> Result<usize> {
    tick()?;
    let mut stmt =
        conn.prepare_cached("SELECT person FROM duplicate_pending ORDER BY person LIMIT ?1")?;
    let persons: BTreeSet<String> = stmt
        .query_map([limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    refresh(conn, &persons, &BTreeMap::new(), When::Now, cache)?;
    Ok(persons.len())
}

/// Recomputes the blocks and candidate pairs of persons whose evidence changed (or, for
/// [`When::Later`], leaves them pending), and the pairs of persons whose groups alone
/// changed (`grouped`: with the groups); with a cache, reads the others from it and
/// leaves everything read in it.
pub(crate) fn refresh(
    conn: &Connection,
    dirty: &BTreeSet<String>,
    grouped: &BTreeMap<String, BTreeSet<String>>,
    when: When,
    cache: Option<&mut PreparedCache>,
) -> Result<()> {
    if dirty.is_empty() && grouped.is_empty() {
        return Ok(());
    }
    let mut persons = Persons::default();
    // Pairs at or above the review threshold, gained less lost: `duplicate_totals`.
    let mut shown: i64 = 0;
    let mut pend = conn.prepare_cached("INSERT OR IGNORE INTO duplicate_pending VALUES (?1)")?;
    let mut unpend = conn.prepare_cached("DELETE FROM duplicate_pending WHERE person = ?1")?;
    let mut ins_block = conn.prepare_cached(
        "INSERT OR IGNORE INTO duplicate_blocks (key, born, person) VALUES (?1, ?2, ?3)",
    )?;
    // (key, dirty person): each key is looked up once, however many share it.
    let mut keyed: Vec<(String, u32)> = Vec::new();
    let mut born: HashMap<u32, i64> = HashMap::new();
    // Persons waiting, gained less lost: `duplicate_pending_total`.
    let mut waiting: i64 = 0;
    for p in dirty {
        forget(conn, p, &mut shown)?;
        tick()?;
        if when == When::Later {
            waiting += pend.execute([p])? as i64;
            continue;
        }
        waiting -= unpend.execute([p])? as i64;
        let n = persons.number(p);
        // Never from the cache: these are the persons that changed.
        if let Some(prepared) = persons.read(conn, n, None)? {
            let year = prepared.birth_year();
            born.insert(n, year);
            for k in prepared.blocking_keys() {
                tick()?;
                ins_block.execute(params![k, year, p])?;
                keyed.push((k, n));
            }
        }
    }
    add_to_count(conn, "duplicate_pending_total", "waiting", waiting)?;
    keyed.sort_unstable();
    let mut sharing = conn.prepare_cached(
        "SELECT person FROM duplicate_blocks WHERE key = ?1 AND born BETWEEN ?2 AND ?3 LIMIT ?4",
    )?;
    // The persons of a key born within a range of years, none when more than are compared.
    let mut block = |persons: &mut Persons, key: &str, lo: i64, hi: i64| -> Result<_> {
        tick()?;
        let mut members: Vec<u32> = Vec::new();
        let mut rows = sharing.query(params![key, lo, hi, MAX_BLOCK + 1])?;
        // Read in place: a block is read for each of its keys in every batch.
        while let Some(row) = rows.next()? {
            members.push(persons.number(row.get_ref(0)?.as_str()?));
        }
        Ok((members.len() as i64 <= MAX_BLOCK).then_some(members))
    };
    // Each pair once, in id order, so a pair's row is the same whichever side changed.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let pair = |persons: &Persons, pairs: &mut Vec<(u32, u32)>, changed: &[u32], block: &[u32]| {
        for &p in changed {
            for &q in block {
                if q != p {
                    let (x, y) = if persons.ids[p as usize] < persons.ids[q as usize] {
                        (p, q)
                    } else {
                        (q, p)
                    };
                    pairs.push((x, y));
                }
            }
        }
    };
    for same_key in keyed.chunk_by(|x, y| x.0 == y.0) {
        let key = same_key[0].0.as_str();
        let changed: Vec<u32> = same_key.iter().map(|&(_, p)| p).collect();
        if let Some(members) = block(&mut persons, key, i64::MIN, i64::MAX)? {
            pair(&persons, &mut pairs, &changed, &members);
            continue;
        }
        // Too common a key: each changed person with its namesakes of an age.
        let mut by_decade: BTreeMap<(i64, i64), Vec<u32>> = BTreeMap::new();
        for &p in &changed {
            for d in decades(born[&p]) {
                by_decade.entry(d).or_default().push(p);
            }
        }
        for ((lo, hi), changed) in by_decade {
            if let Some(members) = block(&mut persons, key, lo, hi)? {
                pair(&persons, &mut pairs, &changed, &members);
            }
        }
    }
    regrouped(conn, dirty, grouped, &mut persons, &mut pairs, &mut shown)?;
    pairs.sort_unstable();
    pairs.dedup();
    for &(x, y) in &pairs {
        persons.read(conn, x, cache.as_deref())?;
        persons.read(conn, y, cache.as_deref())?;
    }
    let mut ins_pair = conn.prepare_cached(
        "INSERT OR REPLACE INTO duplicate_candidates (a, b, score) VALUES (?1, ?2, ?3)",
    )?;
    for (x, y, score) in score_pairs(&persons, &pairs) {
        tick()?;
        ins_pair.execute(params![
            persons.ids[x as usize],
            persons.ids[y as usize],
            score,
        ])?;
        shown += (score >= DEFAULT_THRESHOLD) as i64;
    }
    add_to_count(conn, "duplicate_totals", "shown", shown)?;
    if let Some(cache) = cache {
        persons.keep(cache);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_refresh_that_read_more_than_the_cache_holds_leaves_it_bounded() {
        // A whole check of 50 000 persons of a store of a million read more than the
        // cache holds, with one person cached: halving that one forever hung the check.
        let mut cache = PreparedCache::default();
        cache.persons.insert("cached".into(), None);
        let n = PreparedCache::MAX_PERSONS + 1;
        let read = Persons {
            ids: (0..n).map(|i| i.to_string()).collect(),
            number: HashMap::new(),
            prepared: vec![Some(None); n],
        };
        read.keep(&mut cache);
        let len = cache.persons.len();
        assert!((PreparedCache::MAX_PERSONS / 2..=PreparedCache::MAX_PERSONS).contains(&len));
    }

    proptest! {
        #[test]
        fn thinning_leaves_at_most_the_room_and_at_least_half_of_it(n in 0usize..3000, room in 0usize..3000) {
            let mut map: HashMap<usize, ()> = (0..n).map(|i| (i, ())).collect();
            thin_to(&mut map, room);
            if n <= room {
                prop_assert_eq!(map.len(), n);
            } else {
                prop_assert!(map.len() <= room);
                prop_assert!(map.len() >= room.div_ceil(2));
            }
        }
    }
}
