//! Deciding whether records are the same person: merge, unmerge, not-same and unsure.
//!
//! A decision is a *judgement*: an element `{person, verdict}` of the `judgements` link
//! set of the pair's person with the smaller id, added or removed by ops like every
//! other write, so it syncs, converges and shows in the audit. Records are never
//! rewritten or deleted by a merge: the cluster is derived from the judgements
//! (`oplog::derive::clusters`) and shown as one person under its smallest id.
//!
//! - **merge** joins records: a `same` judgement from the first to each other, any
//!   `not_same` or `unsure` between those pairs retracted.
//! - **unmerge** takes one record out: every `same` judgement it takes part in is
//!   retracted (the ops stay in the log). It then shows what it showed before the merge,
//!   with the edits made to it since; the others stay merged if judged so among
//!   themselves.
//! - **not-same** retracts a `same` between the pair and records `not_same`, which
//!   keeps the pair apart for good and out of the review queue. A `same` made at one
//!   office concurrently with a `not_same` at another leaves the pair apart on every
//!   store, and the pair is shown as disputed for review.
//! - **unsure** records that a reviewer could not tell; the pair stays in the queue.

use super::messages as m;
use super::page::{self, Page};
use super::records::Stamp;
use super::Nansen;
use crate::domain::schema::JUDGEMENTS;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::oplog::derive::clusters;
use crate::oplog::duplicates;
use crate::oplog::index::After;
use crate::oplog::Op;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;
use uuid::Uuid;

/// What a merge, unmerge or judgement left.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClusterReport {
    /// The cluster the first record named is now shown as (itself when alone).
    pub cluster: String,
    /// Its members, the representative first (just the record when alone).
    pub members: Vec<String>,
    /// Ops written.
    pub ops: usize,
}

/// Which page of the review queue.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct DuplicateQuery {
    /// Only pairs scoring at least this (default: the review threshold).
    pub min_score: Option<f64>,
    pub limit: Option<usize>,
    pub after: Option<String>,
}

/// One side of a possible duplicate.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CandidatePerson {
    pub id: String,
    pub label: String,
    #[ts(type = "NameValue | null")]
    pub name: Value,
    #[ts(type = "Array<NameValue>")]
    pub aliases: Vec<Value>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    /// Who recorded it, where and when.
    pub created: Option<Stamp>,
}

/// Two records that may be the same person, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Candidate {
    pub a: CandidatePerson,
    pub b: CandidatePerson,
    pub score: f64,
    /// What agrees and what disagrees (domain::matching::Evidence).
    #[ts(type = "Array<Evidence>")]
    pub evidence: Vec<Value>,
    /// Verdicts already given: `unsure`, or `same` and `not_same` for a pair judged
    /// both ways at different offices.
    pub verdicts: Vec<String>,
}

/// The verdicts a reviewer gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Same,
    NotSame,
    Unsure,
}

impl Verdict {
    pub fn term(self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::NotSame => "not_same",
            Verdict::Unsure => "unsure",
        }
    }
}

/// The pair's owner (the smaller id) and the other.
fn ordered(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a.to_string() <= b.to_string() {
        (a, b)
    } else {
        (b, a)
    }
}

impl Nansen {
    fn live_person(&self, id: &Uuid) -> Result<()> {
        self.require_person(id)?;
        if self.existing(Kind::Person, id)?.get("deleted") == Some(&Value::Bool(true)) {
            return Err(Error::invalid(m::edit_deleted(Kind::Person, id)));
        }
        Ok(())
    }

    /// The judgement elements present between two persons.
    fn judgements_between(&self, a: Uuid, b: Uuid) -> Result<Vec<Value>> {
        let (owner, other) = ordered(a, b);
        let other = other.to_string();
        Ok(self
            .present_elements(&owner, JUDGEMENTS)?
            .into_iter()
            .filter(|e| e.get("person").and_then(Value::as_str) == Some(other.as_str()))
            .collect())
    }

    fn judgement_op(&self, a: Uuid, b: Uuid, verdict: Verdict, add: bool) -> Result<Op> {
        let (owner, other) = ordered(a, b);
        let link = Kind::Person.spec().link(JUDGEMENTS)?;
        let elem =
            link.normalise(&json!({"person": other.to_string(), "verdict": verdict.term()}))?;
        Ok(if add {
            Op::Add {
                kind: Kind::Person,
                owner,
                link: JUDGEMENTS.into(),
                elem,
            }
        } else {
            Op::Remove {
                kind: Kind::Person,
                owner,
                link: JUDGEMENTS.into(),
                elem,
            }
        })
    }

    /// Ops that leave exactly `verdict` (when given) between the pair, retracting the
    /// verdicts in `retract`.
    fn judge(
        &self,
        a: Uuid,
        b: Uuid,
        verdict: Option<Verdict>,
        retract: &[Verdict],
    ) -> Result<Vec<Op>> {
        let present = self.judgements_between(a, b)?;
        let has = |v: Verdict| {
            present
                .iter()
                .any(|e| e.get("verdict").and_then(Value::as_str) == Some(v.term()))
        };
        let mut ops = Vec::new();
        for v in retract {
            if has(*v) {
                ops.push(self.judgement_op(a, b, *v, false)?);
            }
        }
        if let Some(v) = verdict {
            if !has(v) {
                ops.push(self.judgement_op(a, b, v, true)?);
            }
        }
        Ok(ops)
    }

    fn cluster_report(&self, id: &Uuid, ops: usize) -> Result<ClusterReport> {
        let sid = id.to_string();
        let cluster = clusters::cluster_of(self.conn(), &sid)?.unwrap_or(sid);
        Ok(ClusterReport {
            members: clusters::shown_as(self.conn(), &cluster)?,
            cluster,
            ops,
        })
    }

    /// Judges every record named the same person as the first.
    pub fn merge(&mut self, ids: &[Uuid]) -> Result<ClusterReport> {
        let mut distinct: Vec<Uuid> = Vec::new();
        for id in ids {
            if !distinct.contains(id) {
                distinct.push(*id);
            }
        }
        if distinct.len() < 2 {
            return Err(Error::invalid(m::merge_needs_two()));
        }
        for id in &distinct {
            self.live_person(id)?;
        }
        let first = distinct[0];
        let mut ops = Vec::new();
        for other in &distinct[1..] {
            ops.extend(self.judge(
                first,
                *other,
                Some(Verdict::Same),
                &[Verdict::NotSame, Verdict::Unsure],
            )?);
        }
        let n = ops.len();
        if n > 0 {
            self.commit(ops)?;
        }
        self.cluster_report(&first, n)
    }

    /// Takes one record out of its cluster.
    pub fn unmerge(&mut self, id: Uuid) -> Result<ClusterReport> {
        self.require_person(&id)?;
        let sid = id.to_string();
        let mut ops = Vec::new();
        for (other, verdicts) in clusters::judgements_of(self.conn(), &sid)? {
            if verdicts.contains("same") {
                let other = crate::ids::parse_id("person", &other)?;
                ops.extend(self.judge(id, other, None, &[Verdict::Same])?);
            }
        }
        if ops.is_empty() {
            return Err(Error::invalid(m::not_merged(id)));
        }
        let n = ops.len();
        self.commit(ops)?;
        self.cluster_report(&id, n)
    }

    /// Records that two records are not the same person (and retracts a `same`
    /// between them).
    pub fn not_same(&mut self, a: Uuid, b: Uuid) -> Result<ClusterReport> {
        self.pair_verdict(a, b, Verdict::NotSame, &[Verdict::Same, Verdict::Unsure])
    }

    /// Records that a reviewer could not tell.
    pub fn unsure(&mut self, a: Uuid, b: Uuid) -> Result<ClusterReport> {
        self.pair_verdict(a, b, Verdict::Unsure, &[])
    }

    fn pair_verdict(
        &mut self,
        a: Uuid,
        b: Uuid,
        verdict: Verdict,
        retract: &[Verdict],
    ) -> Result<ClusterReport> {
        if a == b {
            return Err(Error::invalid(m::merge_needs_two()));
        }
        self.require_person(&a)?;
        self.require_person(&b)?;
        let ops = self.judge(a, b, Some(verdict), retract)?;
        let n = ops.len();
        if n > 0 {
            self.commit(ops)?;
        }
        self.cluster_report(&a, n)
    }

    /// Settles a field on which the members of a cluster differ: writes `value` to
    /// every member that holds another (one change).
    pub fn settle(&mut self, id: Uuid, field: &str, value: &Value) -> Result<usize> {
        self.require_person(&id)?;
        let rep = self.shown_under(&id.to_string())?;
        let mut ops = Vec::new();
        for member in self.cluster_ids(&rep)? {
            let current = self.existing(Kind::Person, &member)?;
            if current.get(field) != Some(value) {
                ops.extend(self.ops_for(Kind::Person, member, &json!({ field: value }), false)?);
            }
        }
        let n = ops.len();
        if n > 0 {
            self.commit(ops)?;
        }
        Ok(n)
    }

    fn candidate_person(&self, id: &str) -> Result<CandidatePerson> {
        let uuid = crate::ids::parse_id("person", id)?;
        let view = self.get(Kind::Person, uuid)?;
        let text = |f: &str| {
            view.fields
                .get(f)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Ok(CandidatePerson {
            id: id.to_string(),
            name: view.fields.get("name").cloned().unwrap_or(Value::Null),
            aliases: view.links.get("aliases").cloned().unwrap_or_default(),
            birth_date: text("birth_date"),
            sex: text("sex"),
            label: view.label,
            created: view.created,
        })
    }

    /// The review queue: pairs judged both ways first, then undecided (and unsure)
    /// pairs by score. Pairs already judged, and records already merged together, are
    /// left out. A page reads only its own rows (keyset pages over the score index);
    /// the total is the kept count of pairs waiting.
    pub fn duplicates(&self, query: &DuplicateQuery) -> Result<Page<Candidate>> {
        let limit = page::limit(query.limit)?;
        let min_score = query
            .min_score
            .unwrap_or(crate::domain::matching::DEFAULT_THRESHOLD);
        let conn = self.conn();
        let after = page::after(query.after.as_deref())?;
        let cursor = query.after.as_deref().unwrap_or_default();
        // Pairs judged both ways (few), ordered by their ids; the cursor's sort key is
        // "0" while in them, "1:<score>" in the pairs waiting.
        let mut disputed = duplicates::disputed_pairs(conn)?;
        disputed.sort();
        let (mut rows, waiting_after): (Vec<(String, String, Option<f64>)>, _) = match &after {
            None => (
                disputed.into_iter().map(|(a, b)| (a, b, None)).collect(),
                None,
            ),
            Some(at) if at.sort_key == "0" => (
                disputed
                    .into_iter()
                    .filter(|(a, b)| format!("{a}/{b}") > at.id)
                    .map(|(a, b)| (a, b, None))
                    .collect(),
                None,
            ),
            Some(at) => {
                let score = at
                    .sort_key
                    .strip_prefix("1:")
                    .and_then(|s| s.parse::<f64>().ok())
                    .ok_or_else(|| Error::invalid(m::bad_cursor(cursor)))?;
                let (a, b) = at
                    .id
                    .split_once('/')
                    .ok_or_else(|| Error::invalid(m::bad_cursor(cursor)))?;
                (Vec::new(), Some((score, a.to_string(), b.to_string())))
            }
        };
        if rows.len() <= limit {
            let from = waiting_after
                .as_ref()
                .map(|(s, a, b)| (*s, a.as_str(), b.as_str()));
            let wanted = limit + 1 - rows.len();
            rows.extend(
                duplicates::waiting_page(conn, min_score, from, wanted)?
                    .into_iter()
                    .map(|(a, b, s)| (a, b, Some(s))),
            );
        }
        let next = (rows.len() > limit).then(|| {
            let (a, b, score) = &rows[limit - 1];
            page::encode(&After {
                sort_key: score.map_or("0".to_string(), |s| format!("1:{s:?}")),
                id: format!("{a}/{b}"),
            })
        });
        let mut items = Vec::new();
        for (a, b, score) in rows.iter().take(limit) {
            let comparison = duplicates::comparison(conn, a, b)?;
            items.push(Candidate {
                a: self.candidate_person(a)?,
                b: self.candidate_person(b)?,
                score: score
                    .or(comparison.as_ref().map(|c| c.score))
                    .unwrap_or(1.0),
                evidence: match comparison {
                    Some(c) => c
                        .evidence
                        .iter()
                        .map(serde_json::to_value)
                        .collect::<serde_json::Result<_>>()?,
                    None => Vec::new(),
                },
                verdicts: duplicates::verdicts(conn, a, b)?,
            });
        }
        let total = duplicates::pending_duplicates(conn, min_score)?;
        Ok(Page {
            items,
            next,
            total,
            total_capped: false,
        })
    }
}
