//! Reading what duplicate detection derived ([`super::derive`]): candidate pairs and
//! their scores, the verdicts on judged pairs, pairs judged both ways, and how many
//! wait for review.

use super::derive::person_evidence;
use crate::domain::matching::{compare, Comparison, DEFAULT_THRESHOLD};
use crate::error::Result;
use crate::fault::tick;
use rusqlite::{Connection, OptionalExtension};

/// Persons listed under another (members of a cluster other than its representative).
pub fn merged_away(conn: &Connection) -> Result<u64> {
    let mut stmt =
        conn.prepare_cached("SELECT count(*) FROM cluster_members WHERE cluster <> person")?;
    tick()?;
    Ok(stmt.query_row([], |r| r.get::<_, i64>(0))? as u64)
}

/// One page of the pairs waiting for review (undecided or unsure, and not already one
/// person) that score at least `min_score`: best first (by score, then by the two ids,
/// all descending), after `after` (score, a, b) when given: (a, b, score). It walks the
/// score index from the top, so a page costs its length, not the number of candidates.
pub fn waiting_page(
    conn: &Connection,
    min_score: f64,
    after: Option<(f64, &str, &str)>,
    limit: usize,
) -> Result<Vec<(String, String, f64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.a, c.b, c.score FROM duplicate_candidates c
         LEFT JOIN judged_pairs j ON j.a = c.a AND j.b = c.b
         LEFT JOIN cluster_members ca ON ca.person = c.a
         LEFT JOIN cluster_members cb ON cb.person = c.b
         WHERE c.score >= ?1 AND (c.score, c.a, c.b) < (?2, ?3, ?4)
           AND (j.verdicts IS NULL OR j.verdicts = 'unsure')
           AND coalesce(ca.cluster, c.a) <> coalesce(cb.cluster, c.b)
         ORDER BY c.score DESC, c.a DESC, c.b DESC LIMIT ?5",
    )?;
    // Scores are at most 1: (2, '', '') is above every row.
    let (score, a, b) = after.unwrap_or((2.0, "", ""));
    tick()?;
    let rows = stmt.query_map(
        rusqlite::params![min_score, score, a, b, limit as i64],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The score and evidence of two records as they are now; none when one of them was
/// deleted. The store keeps only the score of a candidate pair (see
/// `derive::candidates`), and this is what the pair's row would have held.
pub fn comparison(conn: &Connection, a: &str, b: &str) -> Result<Option<Comparison>> {
    let (Some(a), Some(b)) = (person_evidence(conn, a)?, person_evidence(conn, b)?) else {
        return Ok(None);
    };
    Ok(Some(compare(&a, &b)))
}

/// The verdicts of a judged pair.
pub fn verdicts(conn: &Connection, a: &str, b: &str) -> Result<Vec<String>> {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    let mut stmt =
        conn.prepare_cached("SELECT verdicts FROM judged_pairs WHERE a = ?1 AND b = ?2")?;
    tick()?;
    let v: Option<String> = stmt.query_row([a, b], |r| r.get(0)).optional()?;
    Ok(v.map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default())
}

/// Pairs judged both the same and not the same (at different offices, concurrently).
pub fn disputed_pairs(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a, b FROM judged_pairs WHERE verdicts LIKE '%not_same%' AND (verdicts LIKE 'same%' OR verdicts LIKE '%,same%')",
    )?;
    tick()?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many pairs wait for review: candidates scoring at least `min_score` that no one
/// has judged (or only as unsure) and that are not already one person, and pairs judged
/// both ways. At the default threshold this reads the kept total and takes away the few
/// pairs people decided, instead of counting every candidate.
pub fn pending_duplicates(conn: &Connection, min_score: f64) -> Result<u64> {
    let undecided = if min_score == DEFAULT_THRESHOLD {
        let mut total = conn.prepare_cached("SELECT shown FROM duplicate_totals WHERE id = 1")?;
        tick()?;
        let shown: i64 = total.query_row([], |r| r.get(0)).optional()?.unwrap_or(0);
        // Candidates judged (other than unsure), or already in one cluster: each once.
        // CROSS JOIN keeps the few decisions as the outer loop; left to itself the
        // planner walks every candidate above the threshold.
        let mut decided = conn.prepare_cached(
            "SELECT count(*) FROM (
               SELECT c.a, c.b FROM judged_pairs j
               CROSS JOIN duplicate_candidates c ON c.a = j.a AND c.b = j.b
               WHERE c.score >= ?1 AND j.verdicts <> 'unsure'
               UNION
               SELECT c.a, c.b FROM cluster_members x
               CROSS JOIN cluster_members y ON y.cluster = x.cluster AND y.person > x.person
               CROSS JOIN duplicate_candidates c ON c.a = x.person AND c.b = y.person
               WHERE c.score >= ?1)",
        )?;
        tick()?;
        let decided: i64 = decided.query_row([min_score], |r| r.get(0))?;
        shown - decided
    } else {
        let mut stmt = conn.prepare_cached(
            "SELECT count(*) FROM duplicate_candidates c
             LEFT JOIN judged_pairs j ON j.a = c.a AND j.b = c.b
             LEFT JOIN cluster_members ca ON ca.person = c.a
             LEFT JOIN cluster_members cb ON cb.person = c.b
             WHERE c.score >= ?1 AND (j.verdicts IS NULL OR j.verdicts = 'unsure')
               AND coalesce(ca.cluster, c.a) <> coalesce(cb.cluster, c.b)",
        )?;
        tick()?;
        stmt.query_row([min_score], |r| r.get(0))?
    };
    Ok(undecided as u64 + disputed_pairs(conn)?.len() as u64)
}
