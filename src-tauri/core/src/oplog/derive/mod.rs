//! Derived state, maintained as changes land: the list order and counts of every kind,
//! each person's current status (which reaches them through their groups too), the
//! places that contain where they are, group counts, and the words of every name.
//! The tables are in `migrations/008_derived.sql`.
//!
//! [`super::apply::materialise`] notes in a [`Touched`] what each op touches; the caller
//! calls [`refresh`] once per batch (a local change, an import), which recomputes the
//! rows of exactly the records and persons that may have changed. A status record
//! changes its subject's timeline (a person, or every member of a group); an event
//! changes its victims'; a membership changes the member's; a location's parent changes
//! the places of everyone below it. Subjects are noted before a batch first touches a
//! status or event, and read again at refresh, so a subject that an edit removes is
//! refreshed too.
//!
//! Every row is a function of the materialised records alone, so `rebuild` ([`all`])
//! recomputes them identically: the state-machine proptest checks incremental =
//! rebuild.

mod candidates;
pub(crate) mod clusters;
mod names;
mod persons;

pub(crate) use candidates::evidence as person_evidence;
pub(crate) use candidates::{check_pending, pending, When};
pub use candidates::{PreparedCache, MAX_BLOCK, STORED_FROM};

use crate::oplog::state::row_of;

use crate::domain::labels;
use crate::domain::schema::{DELETED, JUDGEMENTS};
use crate::domain::vocab::Vocabularies;
use crate::domain::Kind;
use crate::error::Result;
use crate::fault::tick;
pub use crate::oplog::timeline::{facts, status_entries, Fact};
pub(crate) use crate::oplog::timeline::{groups_of, members_of};
use crate::oplog::timeline::{is_deleted, owners_linking, targets_of, text};
use names::write_names;
use persons::write_person;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The status types a person's current status is kept for.
pub const STATUS_TYPES: [&str; 2] = ["protection", "refugee"];

/// What a batch of changes touched, for [`refresh`].
#[derive(Default)]
pub(crate) struct Touched {
    records: BTreeSet<(Kind, String)>,
    persons: BTreeSet<String>,
    /// Groups whose live-member count may have changed.
    groups: BTreeSet<String>,
    /// Groups whose own deletion changed: their members' timelines changed.
    groups_deleted: BTreeSet<String>,
    /// Persons whose deletion changed: the counts of their groups changed.
    persons_deleted: BTreeSet<String>,
    /// Persons or groups whose timeline sources changed.
    subjects: BTreeSet<String>,
    /// Status records and events touched, with their subjects before the batch.
    sources: BTreeMap<String, Kind>,
    locations: BTreeSet<String>,
    names: BTreeSet<(Kind, String)>,
    /// Persons whose judgements changed: their clusters may have.
    judged: BTreeSet<String>,
    /// Persons whose evidence for duplicate detection may have changed.
    evidence: BTreeSet<String>,
    /// Persons whose groups changed, and the groups: of their evidence only the groups
    /// in common with others changed, and only with the members of those groups.
    grouped: BTreeMap<String, BTreeSet<String>>,
}

/// A person's fields that duplicate detection reads (`candidates::evidence`); a write to
/// another (notes, nationality) changes nothing it compares.
const EVIDENCE_FIELDS: [&str; 5] = ["name", "birth_date", "sex", "origin", DELETED];

impl Touched {
    /// Before an op on `(kind, id)`: what it may change.
    pub(crate) fn record(&mut self, conn: &Connection, kind: Kind, id: &Uuid) -> Result<()> {
        let id = id.to_string();
        self.records.insert((kind, id.clone()));
        // A person's own fields (name, deletion) do not change their timeline: only
        // what points at them does, which the other kinds and links note.
        match kind {
            Kind::Group => {
                self.groups.insert(id);
            }
            Kind::Location => {
                self.locations.insert(id);
            }
            Kind::Status | Kind::Event if !self.sources.contains_key(&id) => {
                self.subjects.extend(subjects_of(conn, kind, &id)?);
                self.sources.insert(id, kind);
            }
            _ => {}
        }
        Ok(())
    }

    /// A field write: deletion changes more than the record itself.
    pub(crate) fn field(&mut self, kind: Kind, id: &Uuid, field: &str) {
        if kind == Kind::Person && EVIDENCE_FIELDS.contains(&field) {
            self.evidence.insert(id.to_string());
        }
        // Whether a record is listed is kept with its name words.
        if kind.is_named() && field == DELETED {
            self.names.insert((kind, id.to_string()));
        }
        if field == DELETED {
            match kind {
                Kind::Group => self.groups_deleted.insert(id.to_string()),
                Kind::Person => self.persons_deleted.insert(id.to_string()),
                _ => false,
            };
        }
        if kind.is_named() && field == kind.spec().label_field {
            self.names.insert((kind, id.to_string()));
        }
    }

    /// A link element added or removed.
    pub(crate) fn link(&mut self, kind: Kind, owner: &Uuid, link: &str, elem: &Value) {
        match (kind, link) {
            (Kind::Group, "members") => {
                if let Some(p) = elem.get("person").and_then(Value::as_str) {
                    self.persons.insert(p.to_string());
                    self.grouped
                        .entry(p.to_string())
                        .or_default()
                        .insert(owner.to_string());
                }
            }
            (Kind::Person, "aliases" | "identifiers" | "family") => {
                self.evidence.insert(owner.to_string());
                if link == "aliases" {
                    self.names.insert((kind, owner.to_string()));
                }
            }
            (Kind::Event, "involvements") => {
                for party in ["person", "group"] {
                    if let Some(p) = elem.get(party).and_then(Value::as_str) {
                        self.subjects.insert(p.to_string());
                    }
                }
            }
            (kind, "aliases") if kind.is_named() => {
                self.names.insert((kind, owner.to_string()));
            }
            (Kind::Person, JUDGEMENTS) => {
                self.judged.insert(owner.to_string());
                if let Some(p) = elem.get("person").and_then(Value::as_str) {
                    self.judged.insert(p.to_string());
                }
            }
            _ => {}
        }
    }
}

/// The persons or groups whose timeline a status record or an event is part of.
fn subjects_of(conn: &Connection, kind: Kind, id: &str) -> Result<Vec<String>> {
    match kind {
        Kind::Status => Ok(row_of(conn, Kind::Status, id)?
            .map(|f| [text(&f, "person"), text(&f, "group")])
            .into_iter()
            .flatten()
            .flatten()
            .collect()),
        Kind::Event => {
            let mut stmt = conn.prepare_cached(
                "SELECT elem FROM link_state WHERE owner = ?1 AND link = 'involvements'",
            )?;
            tick()?;
            let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for elem in rows {
                let elem: Value = serde_json::from_str(&elem?)?;
                for party in ["person", "group"] {
                    if let Some(p) = elem.get(party).and_then(Value::as_str) {
                        out.push(p.to_string());
                    }
                }
            }
            Ok(out)
        }
        _ => Ok(vec![]),
    }
}

/// Recomputes what `touched` may have changed.
pub(crate) fn refresh(
    conn: &Connection,
    vocab: &Vocabularies,
    touched: Touched,
    when: When,
) -> Result<()> {
    let Touched {
        records,
        mut persons,
        mut groups,
        groups_deleted,
        persons_deleted,
        mut subjects,
        sources,
        locations,
        mut names,
        mut judged,
        evidence,
        mut grouped,
    } = touched;
    // Places: everything below a moved location, and who is there.
    if !locations.is_empty() {
        let mut below = BTreeSet::new();
        for l in &locations {
            below.insert(l.clone());
            below.extend(descendants(conn, l)?);
        }
        for l in &below {
            write_ancestors(conn, l)?;
        }
        for l in &below {
            let mut stmt =
                conn.prepare_cached("SELECT person FROM person_index WHERE location = ?1")?;
            tick()?;
            let at: Vec<String> = stmt
                .query_map([l], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            persons.extend(at);
        }
    }
    for (id, kind) in &sources {
        subjects.extend(subjects_of(conn, *kind, id)?);
    }
    for g in &groups_deleted {
        subjects.insert(g.clone());
        for member in targets_of(conn, g, "members")? {
            grouped.entry(member).or_default().insert(g.clone());
        }
    }
    for s in subjects {
        if row_of(conn, Kind::Group, &s)?.is_some() {
            persons.extend(targets_of(conn, &s, "members")?);
        } else {
            persons.insert(s);
        }
    }
    for p in &persons_deleted {
        groups.extend(owners_linking(conn, p, "members")?);
    }
    // A deleted or restored person leaves or rejoins its cluster.
    judged.extend(persons_deleted.iter().cloned());
    if !judged.is_empty() {
        for p in clusters::refresh(conn, &judged)? {
            groups.extend(owners_linking(conn, &p, "members")?);
            names.insert((Kind::Person, p.clone()));
            persons.insert(p);
        }
    }
    // A cluster shows its members' timelines and names: a change to one member is a
    // change to its representative.
    for p in persons.clone() {
        if let Some(rep) = clusters::cluster_of(conn, &p)? {
            persons.insert(rep);
        }
    }
    for (kind, id) in names.clone() {
        if kind == Kind::Person {
            if let Some(rep) = clusters::cluster_of(conn, &id)? {
                names.insert((kind, rep));
            }
        }
    }
    // Each record's row is read once, for all it feeds. (Names are only ever touched
    // along with their record.)
    for (kind, id) in &records {
        let Some(fields) = row_of(conn, *kind, id)? else {
            continue;
        };
        write_record(conn, vocab, *kind, id, &fields)?;
        if names.remove(&(*kind, id.clone())) {
            write_names(conn, vocab, *kind, id, &fields)?;
        }
        if *kind == Kind::Person {
            let timeline_changed = persons.remove(id);
            write_person(conn, vocab, id, &fields, timeline_changed)?;
        }
    }
    candidates::refresh(conn, &evidence, &grouped, when, None)?;
    // Names of records not themselves touched: a cluster's representative.
    for (kind, id) in &names {
        if let Some(fields) = row_of(conn, *kind, id)? {
            write_names(conn, vocab, *kind, id, &fields)?;
        }
    }
    for g in &groups {
        write_group_count(conn, g)?;
    }
    for p in &persons {
        if let Some(fields) = row_of(conn, Kind::Person, p)? {
            write_person(conn, vocab, p, &fields, true)?;
        }
    }
    Ok(())
}

/// Recomputes the duplicate blocks and candidate pairs of `persons`: the step of the
/// apply's derive that runs for persons whose evidence changed (given every person,
/// the candidates from scratch). Public so that `benches/duplicates.rs` times this
/// step on a real store; the caller holds the transaction.
#[doc(hidden)]
pub fn refresh_candidates(conn: &Connection, persons: &BTreeSet<String>) -> Result<()> {
    candidates::refresh(conn, persons, &BTreeMap::new(), When::Now, None)
}

/// Recomputes every derived row from the records: what `rebuild` does after the replay.
pub(crate) fn all(conn: &Connection, vocab: &Vocabularies) -> Result<()> {
    for table in TABLES {
        tick()?;
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    tick()?;
    conn.execute(
        "INSERT INTO field_conflicts (entity, field, kind)
         SELECT entity, field, kind FROM field_state GROUP BY entity, field HAVING count(*) > 1",
        [],
    )?;
    let mut touched = Touched::default();
    for kind in Kind::ALL {
        let mut stmt = conn.prepare(&format!("SELECT id FROM {}", kind.spec().table))?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            touched.records.insert((kind, id.clone()));
            match kind {
                Kind::Person => {
                    touched.persons.insert(id.clone());
                    touched.evidence.insert(id.clone());
                }
                Kind::Group => {
                    touched.groups.insert(id.clone());
                }
                Kind::Location => {
                    touched.locations.insert(id.clone());
                }
                _ => {}
            }
            if kind.is_named() {
                touched.names.insert((kind, id));
            }
        }
    }
    let mut stmt = conn.prepare("SELECT owner, target FROM link_state WHERE link = ?1")?;
    for pair in stmt.query_map([JUDGEMENTS], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (owner, target) = pair?;
        touched.judged.insert(owner);
        touched.judged.extend(target);
    }
    refresh(conn, vocab, touched, When::Now)
}

/// The version of the derivation rules. A store whose derived tables were computed by
/// other rules (or by none: a store from before they existed) is recomputed once when
/// opened.
const DERIVED_VERSION: &str = "4";

pub(crate) fn bring_up_to_date(conn: &mut Connection, vocab: &Vocabularies) -> Result<()> {
    if crate::store::meta(conn, "derived_version")?.as_deref() == Some(DERIVED_VERSION) {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    all(&tx, vocab)?;
    crate::store::set_meta(&tx, "derived_version", DERIVED_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// The derived tables, for `rebuild`.
pub const TABLES: [&str; 17] = [
    "record_index",
    "record_counts",
    "person_status",
    "person_index",
    "location_ancestors",
    "person_places",
    "person_counts",
    "group_counts",
    "name_words",
    "field_conflicts",
    "cluster_members",
    "judged_pairs",
    "duplicate_blocks",
    "duplicate_candidates",
    "duplicate_totals",
    "duplicate_pending",
    "duplicate_pending_total",
];

/// Adds `delta` to a count; a count that falls to zero is removed, so the table holds
/// what a recount (`rebuild`) would.
fn add_count(conn: &Connection, counter: Counter, key: (&str, &str), delta: i64) -> Result<()> {
    let (upsert, prune) = match counter {
        Counter::Records => (
            RECORD_COUNT,
            "DELETE FROM record_counts WHERE kind = ?1 AND deleted = ?2 AND n = 0",
        ),
        Counter::Persons => (
            PERSON_COUNT,
            "DELETE FROM person_counts WHERE ancestor = ?1 AND protection = ?2 AND n = 0",
        ),
    };
    let mut stmt = conn.prepare_cached(upsert)?;
    tick()?;
    stmt.execute(params![key.0, key.1, delta])?;
    if delta < 0 {
        let mut stmt = conn.prepare_cached(prune)?;
        tick()?;
        stmt.execute(params![key.0, key.1])?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Counter {
    Records,
    Persons,
}

const RECORD_COUNT: &str = "INSERT INTO record_counts (kind, deleted, n) VALUES (?1, ?2, ?3)
    ON CONFLICT (kind, deleted) DO UPDATE SET n = n + excluded.n";
const PERSON_COUNT: &str = "INSERT INTO person_counts (ancestor, protection, n) VALUES (?1, ?2, ?3)
    ON CONFLICT (ancestor, protection) DO UPDATE SET n = n + excluded.n";

fn write_record(
    conn: &Connection,
    vocab: &Vocabularies,
    kind: Kind,
    id: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let old: Option<i64> = {
        let mut stmt =
            conn.prepare_cached("SELECT deleted FROM record_index WHERE kind = ?1 AND id = ?2")?;
        stmt.query_row([kind.as_str(), id], |r| r.get(0))
            .optional()?
    };
    let deleted = is_deleted(fields) as i64;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO record_index (kind, id, sort_key, deleted) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, id) DO UPDATE SET sort_key = excluded.sort_key, deleted = excluded.deleted",
    )?;
    tick()?;
    stmt.execute(params![
        kind.as_str(),
        id,
        labels::sort_key(vocab, kind, fields),
        deleted
    ])?;
    if old != Some(deleted) {
        if let Some(old) = old {
            add_count(
                conn,
                Counter::Records,
                (kind.as_str(), &old.to_string()),
                -1,
            )?;
        }
        add_count(
            conn,
            Counter::Records,
            (kind.as_str(), &deleted.to_string()),
            1,
        )?;
    }
    Ok(())
}

/// Live members, a cluster counted once.
fn write_group_count(conn: &Connection, group: &str) -> Result<()> {
    let mut shown = BTreeSet::new();
    for m in members_of(conn, group)? {
        shown.insert(clusters::cluster_of(conn, &m)?.unwrap_or(m));
    }
    let n = shown.len() as i64;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO group_counts (grp, identified) VALUES (?1, ?2)
         ON CONFLICT (grp) DO UPDATE SET identified = excluded.identified",
    )?;
    tick()?;
    stmt.execute(params![group, n])?;
    Ok(())
}

fn descendants(conn: &Connection, location: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT location FROM location_ancestors WHERE ancestor = ?1 AND location <> ?1",
    )?;
    tick()?;
    let rows = stmt.query_map([location], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A location and everything above it, following `parent` (a cycle, which concurrent
/// edits can make, ends the walk).
pub(crate) fn ancestors(conn: &Connection, location: &str) -> Result<Vec<String>> {
    let mut out = vec![location.to_string()];
    let mut at = location.to_string();
    while let Some(parent) = row_of(conn, Kind::Location, &at)?.and_then(|f| text(&f, "parent")) {
        if out.contains(&parent) || out.len() > 64 {
            break;
        }
        out.push(parent.clone());
        at = parent;
    }
    Ok(out)
}

fn write_ancestors(conn: &Connection, location: &str) -> Result<()> {
    let mut del = conn.prepare_cached("DELETE FROM location_ancestors WHERE location = ?1")?;
    tick()?;
    del.execute([location])?;
    let mut ins = conn.prepare_cached(
        "INSERT OR IGNORE INTO location_ancestors (location, ancestor) VALUES (?1, ?2)",
    )?;
    for a in ancestors(conn, location)? {
        tick()?;
        ins.execute([location, &a])?;
    }
    Ok(())
}
