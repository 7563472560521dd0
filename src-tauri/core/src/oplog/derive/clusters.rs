//! Clusters of persons judged the same.
//!
//! A judgement is an element `{person, verdict}` of the `judgements` link set of the
//! pair's person with the smaller id; like every link it is added and removed by ops,
//! so it syncs and converges (add-wins: a judgement retracted at one office and made
//! again at another stays made). Two persons are joined when a `same` judgement
//! between them is present, no `not_same` judgement between them is (a disputed pair
//! stays apart, and both verdicts are shown for review), and both are live. A cluster
//! is a connected component of those joins; its representative is its smallest id,
//! the same on every store.

use crate::domain::schema::JUDGEMENTS;
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
use crate::oplog::state::row_of;
use crate::oplog::timeline::{is_deleted, owners_linking};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The verdicts present between `person` and each other person.
pub(crate) fn judgements_of(
    conn: &Connection,
    person: &str,
) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |other: &str, elem: &str| -> Result<()> {
        let elem: Value = serde_json::from_str(elem)?;
        if let Some(verdict) = elem.get("verdict").and_then(Value::as_str) {
            out.entry(other.to_string())
                .or_default()
                .insert(verdict.to_string());
        }
        Ok(())
    };
    let mut stmt =
        conn.prepare_cached("SELECT target, elem FROM link_state WHERE owner = ?1 AND link = ?2")?;
    tick()?;
    let own: Vec<(Option<String>, String)> = stmt
        .query_map([person, JUDGEMENTS], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (other, elem) in own {
        if let Some(other) = other {
            add(&other, &elem)?;
        }
    }
    for owner in owners_linking(conn, person, JUDGEMENTS)? {
        let mut stmt = conn.prepare_cached(
            "SELECT elem FROM link_state WHERE owner = ?1 AND link = ?2 AND target = ?3",
        )?;
        tick()?;
        let elems: Vec<String> = stmt
            .query_map([owner.as_str(), JUDGEMENTS, person], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for elem in elems {
            add(&owner, &elem)?;
        }
    }
    Ok(out)
}

fn live_person(conn: &Connection, id: &str) -> Result<bool> {
    Ok(row_of(conn, Kind::Person, id)?.is_some_and(|f| !is_deleted(&f)))
}

/// The persons `person` is joined to.
fn joined(conn: &Connection, person: &str) -> Result<Vec<String>> {
    if !live_person(conn, person)? {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for (other, verdicts) in judgements_of(conn, person)? {
        if verdicts.contains("same") && !verdicts.contains("not_same") && live_person(conn, &other)?
        {
            out.push(other);
        }
    }
    Ok(out)
}

/// Rewrites `judged_pairs` for every pair a judged person takes part in.
fn write_pairs(conn: &Connection, judged: &BTreeSet<String>) -> Result<()> {
    let mut del = conn.prepare_cached("DELETE FROM judged_pairs WHERE a = ?1 OR b = ?1")?;
    let mut ins = conn.prepare_cached(
        "INSERT OR REPLACE INTO judged_pairs (a, b, verdicts) VALUES (?1, ?2, ?3)",
    )?;
    for p in judged {
        tick()?;
        del.execute([p])?;
        for (other, verdicts) in judgements_of(conn, p)? {
            let (a, b) = if *p < other {
                (p.as_str(), other.as_str())
            } else {
                (other.as_str(), p.as_str())
            };
            let verdicts: Vec<&str> = verdicts.iter().map(String::as_str).collect();
            tick()?;
            ins.execute(params![a, b, verdicts.join(",")])?;
        }
    }
    Ok(())
}

/// The representative of the cluster `person` belongs to, if it belongs to one.
pub(crate) fn cluster_of(conn: &Connection, person: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT cluster FROM cluster_members WHERE person = ?1")?;
    tick()?;
    Ok(stmt.query_row([person], |r| r.get(0)).optional()?)
}

/// The members of a cluster, the representative first.
pub(crate) fn members(conn: &Connection, cluster: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT person FROM cluster_members WHERE cluster = ?1")?;
    tick()?;
    let mut out: Vec<String> = stmt
        .query_map([cluster], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    out.sort();
    Ok(out)
}

/// The persons shown as `person`: the cluster's members, or the person alone.
pub(crate) fn shown_as(conn: &Connection, person: &str) -> Result<Vec<String>> {
    let found = members(conn, person)?;
    Ok(if found.is_empty() {
        vec![person.to_string()]
    } else {
        found
    })
}

/// Recomputes the clusters around persons whose judgements (or liveness) changed.
/// Returns every person whose cluster may have changed: their timelines, names and
/// list rows must be written again.
pub(crate) fn refresh(conn: &Connection, judged: &BTreeSet<String>) -> Result<BTreeSet<String>> {
    write_pairs(conn, judged)?;
    let mut affected: BTreeSet<String> = BTreeSet::new();
    for p in judged {
        affected.insert(p.clone());
        if let Some(c) = cluster_of(conn, p)? {
            affected.extend(members(conn, &c)?);
        }
    }
    // The new components around them. A component may reach a person of another old
    // cluster: that cluster's members are affected too, until nothing new is reached.
    let mut components: Vec<BTreeSet<String>> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = affected.iter().cloned().collect();
    while let Some(start) = pending.pop() {
        if seen.contains(&start) {
            continue;
        }
        let mut component = BTreeSet::from([start.clone()]);
        let mut queue = vec![start];
        while let Some(p) = queue.pop() {
            for q in joined(conn, &p)? {
                if component.insert(q.clone()) {
                    queue.push(q);
                }
            }
        }
        for p in &component {
            if affected.insert(p.clone()) {
                if let Some(c) = cluster_of(conn, p)? {
                    for m in members(conn, &c)? {
                        if affected.insert(m.clone()) {
                            pending.push(m);
                        }
                    }
                }
            }
        }
        seen.extend(component.iter().cloned());
        components.push(component);
    }
    let mut del = conn.prepare_cached("DELETE FROM cluster_members WHERE person = ?1")?;
    for p in &affected {
        tick()?;
        del.execute([p])?;
    }
    let mut ins =
        conn.prepare_cached("INSERT INTO cluster_members (cluster, person) VALUES (?1, ?2)")?;
    for component in components.iter().filter(|c| c.len() > 1) {
        let rep = component.iter().next().expect("not empty");
        for p in component {
            tick()?;
            ins.execute(params![rep, p])?;
        }
    }
    Ok(affected)
}
