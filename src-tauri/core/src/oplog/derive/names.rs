//! Each record's folded name words (`domain::names`), in `name_words` for search by
//! prefix and, for a person, on their list row and place rows: every row carries all of
//! the record's words, so a search reading one word's range, or walking a list, checks
//! them on the row itself.

use super::clusters;
use crate::domain::labels;
use crate::domain::names::name_words;
use crate::domain::vocab::Vocabularies;
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use crate::oplog::state::row_of;
use crate::oplog::timeline::is_deleted;
use rusqlite::{params, Connection};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The folded words of a record's shown name and present aliases.
fn own_words(
    conn: &Connection,
    kind: Kind,
    id: &str,
    fields: &Map<String, Value>,
) -> Result<BTreeSet<String>> {
    let mut words = BTreeSet::new();
    let name = fields.get(kind.spec().label_field);
    let text = name
        .and_then(|n| n.get("text").or(Some(n)))
        .and_then(Value::as_str);
    words.extend(text.map(name_words).unwrap_or_default());
    let mut stmt =
        conn.prepare_cached("SELECT elem FROM link_state WHERE owner = ?1 AND link = 'aliases'")?;
    tick()?;
    for elem in stmt.query_map([id], |r| r.get::<_, String>(0))? {
        let elem: Value = serde_json::from_str(&elem?)?;
        if let Some(t) = elem.get("text").and_then(Value::as_str) {
            words.extend(name_words(t));
        }
    }
    Ok(words)
}

/// The folded words of a record's shown name and present aliases; a cluster's
/// representative has every member's, so a search for any of them finds the cluster.
pub(super) fn write_names(
    conn: &Connection,
    vocab: &Vocabularies,
    kind: Kind,
    id: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let mut words = own_words(conn, kind, id, fields)?;
    let mut shown = if is_deleted(fields) { 2 } else { 1 };
    if kind == Kind::Person {
        match clusters::cluster_of(conn, id)? {
            Some(rep) if rep != id => shown = 0,
            Some(_) => {
                for member in clusters::members(conn, id)? {
                    if member != id {
                        if let Some(f) = row_of(conn, Kind::Person, &member)? {
                            words.extend(own_words(conn, kind, &member, &f)?);
                        }
                    }
                }
            }
            None => {}
        }
    }
    let sort_key = labels::sort_key(vocab, kind, fields);
    let mut del = conn.prepare_cached("DELETE FROM name_words WHERE entity = ?1")?;
    tick()?;
    del.execute([id])?;
    // Each row carries all the words, so that a search reading one word's range sees
    // whether the record has the others (migration 17).
    let all: Vec<&str> = words.iter().map(String::as_str).collect();
    let all = all.join(" ");
    let mut ins = conn.prepare_cached(
        "INSERT OR IGNORE INTO name_words (entity, word, kind, shown, sort_key, words) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for w in &words {
        tick()?;
        ins.execute(params![id, w, kind.as_str(), shown, sort_key, all])?;
    }
    if kind == Kind::Person {
        for sql in [
            "UPDATE person_index SET words = ?2 WHERE person = ?1 AND words <> ?2",
            "UPDATE person_places SET words = ?2 WHERE person = ?1 AND words <> ?2",
        ] {
            let mut stmt = conn.prepare_cached(sql)?;
            tick()?;
            stmt.execute(params![id, all])?;
        }
    }
    Ok(())
}
