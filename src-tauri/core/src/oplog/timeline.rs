//! A subject's timeline, read from the indexes of its neighbourhood only: the events a
//! person (or one of their live groups, or a group) took part in, and the status
//! records about them. The person page shows it; [`super::derive`] derives the current
//! status from it.

use super::state::row_of;
use crate::domain::schema::DELETED;
use crate::domain::status::StatusEntry;
use crate::domain::vocab::Vocabularies;
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use rusqlite::Connection;
use serde_json::{Map, Value};

pub(crate) fn text(f: &Map<String, Value>, k: &str) -> Option<String> {
    f.get(k).and_then(Value::as_str).map(str::to_string)
}

pub(crate) fn is_deleted(f: &Map<String, Value>) -> bool {
    f.get(DELETED) == Some(&Value::Bool(true))
}

// These queries sort and take duplicates out in Rust: SQLite plans a query with
// DISTINCT, GROUP BY or ORDER BY and an equality on a parameter again for every new
// value of the parameter, which costs more than the query itself.

/// The records that a link of `link` points at `target` from (e.g. a person's groups).
pub fn owners_linking(conn: &Connection, target: &str, link: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT owner FROM link_state WHERE target = ?1 AND link = ?2")?;
    tick()?;
    let rows = stmt.query_map([target, link], |r| r.get(0))?;
    let mut out: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The targets of an owner's link set (e.g. a group's members).
pub(crate) fn targets_of(conn: &Connection, owner: &str, link: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT target FROM link_state WHERE owner = ?1 AND link = ?2 AND target IS NOT NULL",
    )?;
    tick()?;
    let rows = stmt.query_map([owner, link], |r| r.get(0))?;
    let mut out: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn live(conn: &Connection, kind: Kind, id: &str) -> Result<Option<Map<String, Value>>> {
    Ok(row_of(conn, kind, id)?.filter(|f| !is_deleted(f)))
}

/// The live groups a person is a member of.
pub(crate) fn groups_of(conn: &Connection, person: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for g in owners_linking(conn, person, "members")? {
        if live(conn, Kind::Group, &g)?.is_some() {
            out.push(g);
        }
    }
    Ok(out)
}

/// The live members of a group.
pub(crate) fn members_of(conn: &Connection, group: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for p in targets_of(conn, group, "members")? {
        if live(conn, Kind::Person, &p)?.is_some() {
            out.push(p);
        }
    }
    Ok(out)
}

/// One entry of a timeline: an event a subject took part in, or a status record
/// about it, and the status it gives (explicitly, or implied by the event's type).
#[derive(Debug, Clone)]
pub struct Fact {
    pub kind: Kind,
    pub id: String,
    pub fields: Map<String, Value>,
    /// For an event, the subject's role in it.
    pub role: Option<String>,
    pub date: Option<String>,
    pub location: Option<String>,
    pub status_type: Option<String>,
    pub status_value: Option<String>,
    pub imminent: bool,
    /// True when the status is implied by an event rather than recorded.
    pub implied: bool,
    /// Set when the fact reaches a person through a group they belong to.
    pub via_group: Option<String>,
}

/// The timeline of a person (with what reaches them through their live groups) or of
/// a group, read from indexes: only this subject's neighbourhood.
pub fn facts(
    conn: &Connection,
    vocab: &Vocabularies,
    subject: &str,
    subject_kind: Kind,
) -> Result<Vec<Fact>> {
    let mut via: Vec<(String, Option<String>)> = vec![(subject.to_string(), None)];
    if subject_kind == Kind::Person {
        via.extend(
            groups_of(conn, subject)?
                .into_iter()
                .map(|g| (g.clone(), Some(g))),
        );
    }
    let mut out = Vec::new();
    for (party, via_group) in via {
        let mut stmt = conn.prepare_cached(
            "SELECT owner, elem FROM link_state WHERE target = ?1 AND link = 'involvements'",
        )?;
        tick()?;
        let mut involvements: Vec<(String, String)> = stmt
            .query_map([&party], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        involvements.sort_unstable();
        involvements.dedup();
        for (event, elem) in involvements {
            let Some(fields) = live(conn, Kind::Event, &event)? else {
                continue;
            };
            let elem: Value = serde_json::from_str(&elem)?;
            let role = elem.get("role").and_then(Value::as_str).map(str::to_string);
            let implied = match (role.as_deref(), text(&fields, "type")) {
                (Some("victim"), Some(t)) => vocab.implied_status(&t),
                _ => None,
            };
            out.push(Fact {
                kind: Kind::Event,
                id: event,
                role,
                date: text(&fields, "date"),
                location: text(&fields, "location"),
                status_type: implied.as_ref().map(|(t, _)| t.clone()),
                status_value: implied.map(|(_, v)| v),
                imminent: false,
                implied: true,
                via_group: via_group.clone(),
                fields,
            });
        }
        let column = if subject_kind == Kind::Person && via_group.is_none() {
            "person"
        } else {
            "\"group\""
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id FROM status WHERE {column} = ?1 AND coalesce(deleted, 0) = 0"
        ))?;
        tick()?;
        let ids: Vec<String> = stmt
            .query_map([&party], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            let Some(fields) = row_of(conn, Kind::Status, &id)? else {
                continue;
            };
            out.push(Fact {
                kind: Kind::Status,
                date: text(&fields, "effective"),
                location: text(&fields, "location"),
                status_type: text(&fields, "type"),
                status_value: text(&fields, "value"),
                imminent: fields.get("imminent") == Some(&Value::Bool(true)),
                implied: false,
                role: None,
                via_group: via_group.clone(),
                id,
                fields,
            });
        }
    }
    Ok(out)
}

/// The status entries of a timeline, for [`current`].
pub fn status_entries(facts: &[Fact]) -> Vec<StatusEntry> {
    facts
        .iter()
        .filter_map(|f| {
            Some(StatusEntry {
                status_type: f.status_type.clone()?,
                value: f.status_value.clone()?,
                date: f.date.clone(),
                location: f.location.clone(),
                imminent: f.imminent,
                from_record: f.id.clone(),
                explicit: !f.implied,
                via_group: f.via_group.clone(),
            })
        })
        .collect()
}
