//! Reading the derived state ([`super::derive`]): pages of record ids in list order,
//! by keyset, with name search by word prefix and the list filters; and counts.
//!
//! A page is found one of two ways, whichever touches fewer rows:
//!
//! - **collect**: when a search or a group narrows the list, its matches are gathered
//!   from the narrowest index (the rarest search word's prefix range in `name_words`,
//!   or the group's members), checked against every other condition, and sorted. Up to
//!   [`COLLECT_LIMIT`] matches this is exact, total included. A word whose prefix
//!   range holds more than [`Limits::scan`] rows is not gathered (`index/search.rs`).
//! - **walk**: otherwise the list's own ordered index (`record_index`, `person_index`
//!   by status, `person_places` by place and status) is read from the cursor on, each
//!   row checked against the conditions, until the page is full. When a search matched
//!   more than [`COLLECT_LIMIT`] rows, matches are dense enough that this stops early,
//!   and the total is given as "at least".
//!
//! Either way no screen reads more than a bounded number of rows, whatever the size of
//! the store.

mod search;

use crate::domain::names::name_words;
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// How many matches a search gathers before it reads the list in order instead.
pub const COLLECT_LIMIT: usize = 10_000;

/// How much a page may read before it takes another way: [`Limits::DEFAULT`] in the
/// app; tests pass small ones to take every way through a small store.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Matches gathered and sorted before the list is read in order instead
    /// ([`COLLECT_LIMIT`]).
    pub collect: usize,
    /// Rows of one search word's range read whole; a broader word is left to the
    /// ordered walk. Reading a range costs about half a microsecond a row: 50 000 rows
    /// keep a search of a store of a million persons within tens of milliseconds
    /// (300 000 took most of a second with a second, one-letter word).
    pub scan: usize,
    /// Matches of the rarer words checked one by one for a broader word (an index seek
    /// each) before the ordered walk is cheaper.
    pub probe: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        collect: COLLECT_LIMIT,
        scan: 50_000,
        probe: 2_000,
    };
}

/// Where a page starts: after this row of the list order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub sort_key: String,
    pub id: String,
}

/// Which records a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Folded words that must each begin a word of the record's name or an alias.
    pub words: Vec<String>,
    /// Text that must occur in one of these columns of the record's table.
    pub text: Option<(Vec<&'static str>, String)>,
    pub include_deleted: bool,
    /// Persons only: their current protection status.
    pub status: Option<String>,
    /// Persons only: a location that contains their current one.
    pub place: Option<String>,
    /// Persons only: a group they belong to.
    pub group: Option<String>,
}

impl Filter {
    /// The folded words of a search query (see `domain::names`).
    pub fn search(q: Option<&str>) -> Vec<String> {
        q.map(name_words).unwrap_or_default()
    }
}

/// One page of ids in list order.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    pub rows: Vec<After>,
    /// More rows follow the last one.
    pub more: bool,
    pub total: u64,
    /// `total` is a lower bound: the search matched too many rows to count them all.
    pub total_capped: bool,
}

/// The rows of a list, in order: a table expression aliased `x`, its conditions, and
/// the columns holding the sort key and the id.
struct Source {
    from: String,
    conds: Vec<String>,
    params: Vec<Sql>,
    sort_key: &'static str,
    id: &'static str,
}

impl Source {
    fn push(&mut self, cond: String, params: impl IntoIterator<Item = Sql>) {
        self.conds.push(cond);
        self.params.extend(params);
    }

    fn sql_where(&self) -> String {
        if self.conds.is_empty() {
            "1".into()
        } else {
            self.conds.join(" AND ")
        }
    }
}

fn text(s: &str) -> Sql {
    Sql::Text(s.to_string())
}

/// The prefix range of a folded word: every word that begins with it.
fn prefix_range(word: &str) -> (Sql, Sql) {
    (text(word), Sql::Text(format!("{word}\u{10FFFF}")))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn source(kind: Kind, filter: &Filter) -> Source {
    let live = !filter.include_deleted;
    let mut s = if kind != Kind::Person {
        let mut s = Source {
            from: "record_index x".into(),
            // The name-ordered index holds no persons (migration 16), and SQLite uses a
            // partial index only for a query that names its condition.
            conds: vec!["x.kind = ?".into(), "x.kind <> 'person'".into()],
            params: vec![text(kind.as_str())],
            sort_key: "x.sort_key",
            id: "x.id",
        };
        if live {
            s.conds.push("x.deleted = 0".into());
        }
        s
    } else if let Some(place) = &filter.place {
        // Only live persons have a place.
        let mut s = Source {
            from: "person_places x".into(),
            conds: vec!["x.ancestor = ?".into()],
            params: vec![text(place)],
            sort_key: "x.sort_key",
            id: "x.person",
        };
        if let Some(status) = &filter.status {
            s.push("x.protection = ?".into(), [text(status)]);
        }
        s
    } else {
        // A cluster of persons judged the same is listed once, as its representative.
        let mut s = Source {
            from: "person_index x".into(),
            conds: vec!["x.merged_into IS NULL".into()],
            params: vec![],
            sort_key: "x.sort_key",
            id: "x.person",
        };
        if let Some(status) = &filter.status {
            s.push("x.protection = ?".into(), [text(status)]);
        }
        if live {
            s.conds.push("x.deleted = 0".into());
        }
        s
    };
    if let Some(group) = &filter.group {
        let id = s.id;
        s.push(
            format!("{id} IN (SELECT target FROM link_state WHERE owner = ? AND link = 'members')"),
            [text(group)],
        );
    }
    if let Some((columns, needle)) = &filter.text {
        let table = kind.spec().table;
        let like: Vec<String> = columns
            .iter()
            .map(|c| format!("t.\"{c}\" LIKE ? ESCAPE '\\'"))
            .collect();
        let id = s.id;
        s.push(
            format!(
                "EXISTS (SELECT 1 FROM {table} t WHERE t.id = {id} AND ({}))",
                like.join(" OR ")
            ),
            columns
                .iter()
                .map(|_| Sql::Text(format!("%{}%", escape_like(needle.trim())))),
        );
    }
    s
}

fn word_cond(id: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM name_words w WHERE w.entity = {id} AND w.word >= ? AND w.word < ?)"
    )
}

/// How many name words of `kind` begin with `word`, counted up to `cap`.
fn prefix_count(conn: &Connection, kind: Kind, word: &str, cap: usize) -> Result<usize> {
    let (lo, hi) = prefix_range(word);
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM name_words WHERE kind = ?1 AND word >= ?2 AND word < ?3 LIMIT ?4)",
    )?;
    tick()?;
    let n: i64 = stmt.query_row(rusqlite::params![kind.as_str(), lo, hi, cap as i64], |r| {
        r.get(0)
    })?;
    Ok(n as usize)
}

fn rows(conn: &Connection, sql: &str, params: Vec<Sql>) -> Result<Vec<After>> {
    let mut stmt = conn.prepare_cached(sql)?;
    tick()?;
    let rows = stmt.query_map(params_from_iter(params), |r| {
        Ok(After {
            sort_key: r.get(0)?,
            id: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The page of `kind`'s list that starts after `after`.
pub fn page(
    conn: &Connection,
    kind: Kind,
    filter: &Filter,
    after: Option<&After>,
    limit: usize,
) -> Result<Keys> {
    page_within(conn, kind, filter, after, limit, &Limits::DEFAULT)
}

/// [`page`], reading within `limits`: the same rows, found another way.
pub fn page_within(
    conn: &Connection,
    kind: Kind,
    filter: &Filter,
    after: Option<&After>,
    limit: usize,
    limits: &Limits,
) -> Result<Keys> {
    let collect = limits.collect;
    if !filter.words.is_empty() {
        if let Some(found) = search::search(conn, kind, filter, limits)? {
            let total = found.len() as u64;
            let start = match after {
                Some(a) => found.partition_point(|r| (&r.sort_key, &r.id) <= (&a.sort_key, &a.id)),
                None => 0,
            };
            let rest = &found[start..];
            return Ok(Keys {
                more: rest.len() > limit,
                rows: rest.iter().take(limit).cloned().collect(),
                total,
                total_capped: false,
            });
        }
    }
    let mut src = source(kind, filter);
    // The narrowest way in: the rarest search word, or the group's members.
    let mut driver: Option<(String, Vec<Sql>)> = None;
    let mut words: Vec<&String> = filter.words.iter().collect();
    // The word the driver reads, which the conditions then leave out.
    let mut driving: Option<&String> = None;
    if !words.is_empty() {
        let mut counted = Vec::new();
        for w in &words {
            counted.push((prefix_count(conn, kind, w, collect + 1)?, *w));
        }
        counted.sort();
        let rarest = counted[0].1;
        if counted[0].0 <= collect || filter.group.is_none() {
            let (lo, hi) = prefix_range(rarest);
            driver = Some((
                "SELECT DISTINCT entity FROM name_words WHERE kind = ? AND word >= ? AND word < ?"
                    .into(),
                vec![text(kind.as_str()), lo, hi],
            ));
            words.retain(|w| *w != rarest);
            driving = Some(rarest);
        }
    }
    if driver.is_none() {
        if let Some(group) = &filter.group {
            driver = Some((
                "SELECT DISTINCT target AS entity FROM link_state WHERE owner = ? AND link = 'members' AND target IS NOT NULL"
                    .into(),
                vec![text(group)],
            ));
        }
    }
    for w in &words {
        let (lo, hi) = prefix_range(w);
        src.push(word_cond(src.id), [lo, hi]);
    }

    if let Some((mut driver_sql, driver_params)) = driver {
        if kind == Kind::Person {
            // A match on a merged-away person is a match on its cluster.
            driver_sql = format!(
                "SELECT DISTINCT coalesce(m.merged_into, m.person) AS entity
                 FROM ({driver_sql}) i JOIN person_index m ON m.person = i.entity"
            );
        }
        let sql = format!(
            "SELECT {sk}, {id} FROM ({driver_sql}) d CROSS JOIN {from} WHERE {id} = d.entity AND {cond} LIMIT {cap}",
            sk = src.sort_key,
            id = src.id,
            from = src.from,
            cond = src.sql_where(),
            cap = collect + 1,
        );
        let mut params = driver_params;
        params.extend(src.params.iter().cloned());
        let mut found = rows(conn, &sql, params)?;
        if found.len() <= collect {
            found.sort_by(|a, b| (&a.sort_key, &a.id).cmp(&(&b.sort_key, &b.id)));
            let total = found.len() as u64;
            let start = match after {
                Some(a) => found.partition_point(|r| (&r.sort_key, &r.id) <= (&a.sort_key, &a.id)),
                None => 0,
            };
            let rest = &found[start..];
            return Ok(Keys {
                more: rest.len() > limit,
                rows: rest.iter().take(limit).cloned().collect(),
                total,
                total_capped: false,
            });
        }
        // Too many to gather: the list in order, the driver's word now a condition.
        if let Some(w) = driving {
            let (lo, hi) = prefix_range(w);
            src.push(word_cond(src.id), [lo, hi]);
        }
        let mut keys = walk(conn, &src, after, limit)?;
        keys.total = collect as u64;
        keys.total_capped = true;
        return Ok(keys);
    }
    let mut keys = walk(conn, &src, after, limit)?;
    (keys.total, keys.total_capped) = match (kind, filter) {
        (_, f) if f.text.is_some() => count_capped(conn, &src, collect)?,
        (Kind::Person, f) if !f.include_deleted || f.place.is_some() => (
            count_persons(conn, f.place.as_deref(), f.status.as_deref())?,
            false,
        ),
        (Kind::Person, f) if f.status.is_some() => count_capped(conn, &src, collect)?,
        (kind, f) => {
            let counts = record_counts(conn)?;
            let (live, deleted) = counts.get(&kind).copied().unwrap_or_default();
            let merged = if kind == Kind::Person {
                super::duplicates::merged_away(conn)?
            } else {
                0
            };
            (
                live + if f.include_deleted { deleted } else { 0 } - merged,
                false,
            )
        }
    };
    Ok(keys)
}

/// Reads the list's ordered index from the cursor on.
fn walk(conn: &Connection, src: &Source, after: Option<&After>, limit: usize) -> Result<Keys> {
    let (sql, params) = walk_sql(src, after, limit);
    let mut found = rows(conn, &sql, params)?;
    let more = found.len() > limit;
    found.truncate(limit);
    Ok(Keys {
        rows: found,
        more,
        total: 0,
        total_capped: false,
    })
}

fn walk_sql(src: &Source, after: Option<&After>, limit: usize) -> (String, Vec<Sql>) {
    let mut params = src.params.clone();
    let mut cond = src.sql_where();
    if let Some(a) = after {
        cond.push_str(&format!(" AND ({}, {}) > (?, ?)", src.sort_key, src.id));
        params.push(text(&a.sort_key));
        params.push(text(&a.id));
    }
    params.push(Sql::Integer(limit as i64 + 1));
    let sql = format!(
        "SELECT {sk}, {id} FROM {from} WHERE {cond} ORDER BY {sk}, {id} LIMIT ?",
        sk = src.sort_key,
        id = src.id,
        from = src.from,
    );
    (sql, params)
}

fn count_capped(conn: &Connection, src: &Source, collect: usize) -> Result<(u64, bool)> {
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {})",
        src.from,
        src.sql_where(),
        collect + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    tick()?;
    let n: i64 = stmt.query_row(params_from_iter(src.params.iter()), |r| r.get(0))?;
    let n = n as u64;
    Ok((n.min(collect as u64), n > collect as u64))
}

/// Live persons by current protection status ('' for none) in a place, or everywhere.
pub fn persons_by_status(conn: &Connection, place: Option<&str>) -> Result<BTreeMap<String, u64>> {
    let mut stmt = conn
        .prepare_cached("SELECT protection, n FROM person_counts WHERE ancestor = ?1 AND n > 0")?;
    tick()?;
    let rows = stmt.query_map([place.unwrap_or("")], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn count_persons(conn: &Connection, place: Option<&str>, status: Option<&str>) -> Result<u64> {
    let counts = persons_by_status(conn, place)?;
    Ok(match status {
        Some(s) => counts.get(s).copied().unwrap_or(0),
        None => counts.values().sum(),
    })
}

/// (live, deleted) records of each kind.
pub fn record_counts(conn: &Connection) -> Result<BTreeMap<Kind, (u64, u64)>> {
    let mut stmt = conn.prepare_cached("SELECT kind, deleted, n FROM record_counts")?;
    tick()?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)? as u64,
        ))
    })?;
    let mut out: BTreeMap<Kind, (u64, u64)> = BTreeMap::new();
    for row in rows {
        let (kind, deleted, n) = row?;
        let e = out.entry(Kind::parse(&kind)?).or_default();
        if deleted == 0 {
            e.0 = n;
        } else {
            e.1 = n;
        }
    }
    Ok(out)
}

/// A person's current statuses, one per type, as derived.
pub fn person_status(
    conn: &Connection,
    person: &str,
) -> Result<Vec<crate::domain::status::StatusEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status_type, value, date, location, imminent, from_record, explicit, via_group
         FROM person_status WHERE person = ?1",
    )?;
    tick()?;
    let rows = stmt.query_map([person], |r| {
        Ok(crate::domain::status::StatusEntry {
            status_type: r.get(0)?,
            value: r.get(1)?,
            date: r.get(2)?,
            location: r.get(3)?,
            imminent: r.get(4)?,
            from_record: r.get(5)?,
            explicit: r.get(6)?,
            via_group: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The live members of a group, as counted.
pub fn identified(conn: &Connection, group: &str) -> Result<u64> {
    let mut stmt = conn.prepare_cached("SELECT identified FROM group_counts WHERE grp = ?1")?;
    tick()?;
    let n: Option<i64> = stmt.query_row([group], |r| r.get(0)).optional()?;
    Ok(n.unwrap_or(0) as u64)
}

/// Whether any field of a record has concurrent values.
pub fn in_conflict(conn: &Connection, entity: &str) -> Result<bool> {
    let mut stmt =
        conn.prepare_cached("SELECT 1 FROM field_conflicts WHERE entity = ?1 LIMIT 1")?;
    tick()?;
    Ok(stmt.query_row([entity], |_| Ok(())).optional()?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::{migrate, MIGRATIONS};

    #[test]
    fn a_page_of_any_kind_walks_an_index_in_name_order_without_sorting() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        for kind in Kind::ALL {
            let (sql, params) = walk_sql(&source(kind, &Filter::default()), None, 50);
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(params), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("; ");
            let index = if kind == Kind::Person {
                "person_index_in_order"
            } else {
                "record_index_in_order"
            };
            assert!(plan.contains(index), "{kind:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{kind:?}: {plan}");
        }
    }
}
