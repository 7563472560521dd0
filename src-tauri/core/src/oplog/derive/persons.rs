//! Each person's derived rows: their current statuses, their row in the person list,
//! and their place in the counts by status and place. A cluster of persons judged the
//! same is one person here: its representative carries the statuses of every member's
//! timeline and is listed and counted; the other members are listed under it
//! (`merged_into`), with no status and no place of their own.

use super::{add_count, clusters, Counter, STATUS_TYPES};
use crate::domain::labels;
use crate::domain::status::{current, StatusEntry};
use crate::domain::vocab::Vocabularies;
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use crate::oplog::timeline::{facts, is_deleted, status_entries};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

/// A person's row in `person_index`.
#[derive(Clone, PartialEq)]
struct PersonRow {
    sort_key: String,
    deleted: bool,
    protection: Option<String>,
    location: Option<String>,
    merged_into: Option<String>,
}

fn person_row(conn: &Connection, person: &str) -> Result<Option<PersonRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sort_key, deleted, protection, location, merged_into FROM person_index WHERE person = ?1",
    )?;
    tick()?;
    Ok(stmt
        .query_row([person], |r| {
            Ok(PersonRow {
                sort_key: r.get(0)?,
                deleted: r.get(1)?,
                protection: r.get(2)?,
                location: r.get(3)?,
                merged_into: r.get(4)?,
            })
        })
        .optional()?)
}

/// The places a person is counted in, sorted ('' for everywhere, first), their
/// protection status ('' for none) and their sort key.
type Placement = (Vec<String>, String, String);

/// Where a live person is counted and listed: their location and every place above it,
/// as the location tree says now.
fn placement(conn: &Connection, row: &PersonRow) -> Result<Option<Placement>> {
    counted_in(row, || {
        let Some(l) = &row.location else {
            return Ok(vec![]);
        };
        let mut stmt =
            conn.prepare_cached("SELECT ancestor FROM location_ancestors WHERE location = ?1")?;
        tick()?;
        let above: Vec<String> = stmt
            .query_map([l], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(if above.is_empty() {
            vec![l.clone()]
        } else {
            above
        })
    })
}

/// Where a person's list row and place rows say they are counted: as [`placement`]
/// has it, but the places those rows were written with.
fn placed(conn: &Connection, person: &str, row: &PersonRow) -> Result<Option<Placement>> {
    counted_in(row, || {
        let mut stmt =
            conn.prepare_cached("SELECT ancestor FROM person_places WHERE person = ?1")?;
        tick()?;
        let places = stmt
            .query_map([person], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(places)
    })
}

/// A live, unmerged person's [`Placement`], `places` giving the places besides ''.
fn counted_in(
    row: &PersonRow,
    places: impl FnOnce() -> Result<Vec<String>>,
) -> Result<Option<Placement>> {
    if row.deleted || row.merged_into.is_some() {
        return Ok(None);
    }
    let mut all = vec![String::new()];
    all.extend(places()?);
    all.sort();
    Ok(Some((
        all,
        row.protection.clone().unwrap_or_default(),
        row.sort_key.clone(),
    )))
}

/// Recomputes a person's current statuses from their timeline; returns the protection
/// status.
fn write_statuses(
    conn: &Connection,
    vocab: &Vocabularies,
    person: &str,
) -> Result<Option<StatusEntry>> {
    let mut timeline = Vec::new();
    for member in clusters::shown_as(conn, person)? {
        timeline.extend(facts(conn, vocab, &member, Kind::Person)?);
    }
    let entries = status_entries(&timeline);
    let mut del = conn.prepare_cached("DELETE FROM person_status WHERE person = ?1")?;
    tick()?;
    del.execute([person])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO person_status (person, status_type, value, date, location, imminent, from_record, explicit, via_group)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut protection = None;
    for status_type in STATUS_TYPES {
        if let Some(e) = current(&entries, status_type) {
            tick()?;
            ins.execute(params![
                person,
                e.status_type,
                e.value,
                e.date,
                e.location,
                e.imminent,
                e.from_record,
                e.explicit,
                e.via_group
            ])?;
            if status_type == "protection" {
                protection = Some(e.clone());
            }
        }
    }
    Ok(protection)
}

/// Writes a person's list row and, when their timeline may have changed, their
/// current statuses; then moves them between places and counts.
pub(super) fn write_person(
    conn: &Connection,
    vocab: &Vocabularies,
    person: &str,
    fields: &Map<String, Value>,
    timeline_changed: bool,
) -> Result<()> {
    let old = person_row(conn, person)?;
    let merged_into = clusters::cluster_of(conn, person)?.filter(|rep| rep != person);
    let (protection, location) = if merged_into.is_some() {
        if timeline_changed {
            let mut del = conn.prepare_cached("DELETE FROM person_status WHERE person = ?1")?;
            tick()?;
            del.execute([person])?;
        }
        (None, None)
    } else if timeline_changed {
        let protection = write_statuses(conn, vocab, person)?;
        let location = protection.as_ref().and_then(|p| p.location.clone());
        (protection.map(|p| p.value), location)
    } else {
        old.as_ref()
            .map(|o| (o.protection.clone(), o.location.clone()))
            .unwrap_or_default()
    };
    let new = PersonRow {
        sort_key: labels::sort_key(vocab, Kind::Person, fields),
        deleted: is_deleted(fields),
        protection,
        location,
        merged_into,
    };
    let row_changed = old.as_ref() != Some(&new);
    if !row_changed && !timeline_changed {
        return Ok(());
    }
    if row_changed {
        write_row(conn, person, &new)?;
    }
    // Where the person is counted now is read from their place rows, not recomputed:
    // a place moved in the tree (its persons' timelines refreshed) has already changed
    // what the tree says.
    let before = match &old {
        Some(o) => placed(conn, person, o)?,
        None => None,
    };
    let after = placement(conn, &new)?;
    if before == after {
        return Ok(());
    }
    if let Some((places, protection, _)) = &before {
        let mut del = conn.prepare_cached("DELETE FROM person_places WHERE person = ?1")?;
        tick()?;
        del.execute([person])?;
        for place in places {
            add_count(conn, Counter::Persons, (place, protection), -1)?;
        }
    }
    if let Some((places, protection, sort_key)) = &after {
        let mut ins = conn.prepare_cached(
            "INSERT OR IGNORE INTO person_places (ancestor, protection, sort_key, person, words)
             VALUES (?1, ?2, ?3, ?4, (SELECT words FROM person_index WHERE person = ?4))",
        )?;
        for place in places {
            add_count(conn, Counter::Persons, (place, protection), 1)?;
            if !place.is_empty() {
                tick()?;
                ins.execute(params![place, protection, sort_key, person])?;
            }
        }
    }
    Ok(())
}

fn write_row(conn: &Connection, person: &str, new: &PersonRow) -> Result<()> {
    // A new row takes the words `write_names` wrote (it keeps them up to date after).
    let mut stmt = conn.prepare_cached(
        "INSERT INTO person_index (person, sort_key, deleted, protection, location, merged_into, words)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6,
            coalesce((SELECT words FROM name_words WHERE entity = ?1 LIMIT 1), ''))
         ON CONFLICT (person) DO UPDATE SET sort_key = excluded.sort_key, deleted = excluded.deleted,
            protection = excluded.protection, location = excluded.location,
            merged_into = excluded.merged_into",
    )?;
    tick()?;
    stmt.execute(params![
        person,
        new.sort_key,
        new.deleted,
        new.protection,
        new.location,
        new.merged_into
    ])?;
    Ok(())
}
