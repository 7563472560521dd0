//! Reading the derived state ([`super::derive`]): pages of record ids in list order,
//! by keyset, with name search by word prefix and the list filters; and counts.
//!
//! A page is found one of two ways, whichever touches fewer rows:
//!
//! - **collect**: when a search or a group narrows the list, its matches are gathered
//!   from the narrowest index and sorted: the rarest search word's prefix range in
//!   `name_words`, whose rows carry every word of their record, so the other words are
//!   checked on the row read (`index/search.rs`); or the group's members. Each is
//!   then checked against the filters. When the range or the group holds at most
//!   [`COLLECT_LIMIT`] rows this is exact, total included.
//! - **walk**: otherwise the list's own ordered index (`record_index`, `person_index`
//!   by status, `person_places` by place and status) is read from the cursor on, each
//!   row checked against the conditions, until the page is full. The person list's
//!   name order covers the words, so a broad search reads the next rows of one index
//!   and nothing else; by status or by place, likewise. A search walks when every word
//!   begins more than [`COLLECT_LIMIT`] names, so matches are dense and the walk stops
//!   early, or when a common name's matches would each be checked for a status; the
//!   total is then "at least" what the rows read showed.
//!
//! Either way no screen reads more than a bounded number of rows, whatever the size of
//! the store: a search reads at most [`COLLECT_LIMIT`] rows of each word's range, the
//! rarest first.

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
    /// Rows of the rarest search word's range, or members of a group, gathered and
    /// sorted before the list is read in order instead ([`COLLECT_LIMIT`]).
    pub collect: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        collect: COLLECT_LIMIT,
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
    /// The column holding each row's folded name words, where the list's rows carry
    /// them (migrations 17 and 18).
    words: Option<&'static str>,
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

/// A group's members as the person list shows them: a merged-away member as its
/// cluster. One anonymous parameter, the group, so that it fits in a larger query.
const GROUP_MEMBERS_LISTED: &str = "SELECT coalesce(m.merged_into, l.target) FROM link_state l
    JOIN person_index m ON m.person = l.target WHERE l.owner = ? AND l.link = 'members'";

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
            words: None,
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
            words: Some("x.words"),
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
            words: Some("x.words"),
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
        let members = if kind == Kind::Person {
            GROUP_MEMBERS_LISTED
        } else {
            "SELECT target FROM link_state WHERE owner = ? AND link = 'members'"
        };
        s.push(format!("{id} IN ({members})"), [text(group)]);
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

/// A record of the list must have a word beginning with `word`: checked on the list's
/// own row where it carries the words (`person_index` and `person_places`, whose name
/// orders cover them), else in `name_words`.
fn push_word(src: &mut Source, word: &str) {
    if let Some(words) = src.words {
        src.push(format!("instr(' ' || {words}, ' ' || ?) > 0"), [text(word)]);
    } else {
        let (lo, hi) = prefix_range(word);
        src.push(
            format!(
                "EXISTS (SELECT 1 FROM name_words w WHERE w.entity = {} AND w.word >= ? AND w.word < ?)",
                src.id
            ),
            [lo, hi],
        );
    }
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
    let mut src = source(kind, filter);
    let mut search_at_least = None;
    if !filter.words.is_empty() {
        match search::search(conn, kind, filter, limits)? {
            search::Gathered::All(found) => return Ok(page_of(&found, after, limit)),
            search::Gathered::Walk { at_least } => search_at_least = Some(at_least),
        }
        for w in &filter.words {
            push_word(&mut src, w);
        }
    }
    if let Some(group) = &filter.group {
        // A group narrows the list more than broad words: its members, gathered.
        let driver = "SELECT DISTINCT target AS entity FROM link_state
            WHERE owner = ? AND link = 'members' AND target IS NOT NULL";
        let mut driver = driver.to_string();
        if kind == Kind::Person {
            // A merged-away member is listed as its cluster.
            driver = format!(
                "SELECT DISTINCT coalesce(m.merged_into, m.person) AS entity
                 FROM ({driver}) i JOIN person_index m ON m.person = i.entity"
            );
        }
        let sql = format!(
            "SELECT {sk}, {id} FROM ({driver}) d CROSS JOIN {from} WHERE {id} = d.entity AND {cond} LIMIT {cap}",
            sk = src.sort_key,
            id = src.id,
            from = src.from,
            cond = src.sql_where(),
            cap = collect + 1,
        );
        let mut params = vec![text(group)];
        params.extend(src.params.iter().cloned());
        let mut found = rows(conn, &sql, params)?;
        if found.len() <= collect {
            found.sort_by(|a, b| (&a.sort_key, &a.id).cmp(&(&b.sort_key, &b.id)));
            return Ok(page_of(&found, after, limit));
        }
        // Too many to gather: the list in order.
        let mut keys = walk(conn, &src, after, limit)?;
        keys.total = collect as u64;
        keys.total_capped = true;
        return Ok(keys);
    }
    let mut keys = walk(conn, &src, after, limit)?;
    (keys.total, keys.total_capped) = match (kind, filter) {
        (_, f) if !f.words.is_empty() => {
            let seen = keys.rows.len() as u64 + u64::from(keys.more);
            if after.is_none() && !keys.more {
                (seen, false)
            } else {
                // Matches of the words alone bound the total only with no filter beside.
                let plain = f.status.is_none() && f.place.is_none() && f.text.is_none();
                let at_least = search_at_least.filter(|_| plain).unwrap_or(0);
                (at_least.max(seen), true)
            }
        }
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

/// The page after `after` of every match, in list order.
fn page_of(found: &[After], after: Option<&After>, limit: usize) -> Keys {
    let start = match after {
        Some(a) => found.partition_point(|r| (&r.sort_key, &r.id) <= (&a.sort_key, &a.id)),
        None => 0,
    };
    let rest = &found[start..];
    Keys {
        more: rest.len() > limit,
        rows: rest.iter().take(limit).cloned().collect(),
        total: found.len() as u64,
        total_capped: false,
    }
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

/// SQLite's plan for a query, its steps joined by "; ".
#[cfg(test)]
fn query_plan(conn: &Connection, sql: &str, params: Vec<Sql>) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let plan: Vec<String> = stmt
        .query_map(params_from_iter(params), |r| r.get(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    plan.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::{migrate, MIGRATIONS};

    #[test]
    fn a_broad_search_walks_the_person_list_by_status_or_place_from_one_name_order_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let place = || Some("camp".to_string());
        for (status, place, index) in [
            (None, None, "COVERING INDEX person_index_in_order"),
            (
                Some("detained".to_string()),
                None,
                "COVERING INDEX person_index_by_protection",
            ),
            (None, place(), "COVERING INDEX person_places_in_order"),
            (Some("detained".to_string()), place(), "PRIMARY KEY"),
        ] {
            let filter = Filter {
                words: Filter::search(Some("sh t")),
                status,
                place,
                ..Default::default()
            };
            let mut src = source(Kind::Person, &filter);
            for w in &filter.words {
                push_word(&mut src, w);
            }
            let (sql, params) = walk_sql(&src, None, 50);
            let plan = query_plan(&conn, &sql, params);
            assert!(plan.contains(index), "{plan}");
            assert!(!plan.contains("name_words"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }

    #[test]
    fn a_page_of_any_kind_walks_an_index_in_name_order_without_sorting() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        for kind in Kind::ALL {
            let (sql, params) = walk_sql(&source(kind, &Filter::default()), None, 50);
            let plan = query_plan(&conn, &sql, params);
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
