//! The rows of person and event exports: each profile's columns, and how a row names
//! the records it refers to (labels, or pseudonyms; strictly confidential ones
//! withheld unless confirmed).

use super::super::persons::PersonSummary;
use super::super::records::{row_of, RecordSummary};
use super::super::Nansen;
use crate::domain::Kind;
use crate::error::Result;
use crate::export::pseudonym::Pseudonyms;
use crate::export::sheet::Cell;
use crate::export::{ConfidentialRecord, STRICTLY_CONFIDENTIAL};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

pub(super) const WITHHELD: &str = "(strictly confidential)";

pub(super) const PERSON_NAMED: &[&str] = &[
    "id",
    "name",
    "name_lang",
    "aliases",
    "sex",
    "birth_date",
    "nationality",
    "origin",
    "identifiers",
    "protection_status",
    "protection_place",
    "protection_since",
    "refugee_status",
    "groups",
    "family",
    "notes",
    "confidentiality",
    "sample",
];
pub(super) const PERSON_PSEUDONYMISED: &[&str] = &[
    "pseudonym",
    "sex",
    "birth_date",
    "nationality",
    "origin",
    "protection_status",
    "protection_place",
    "protection_since",
    "refugee_status",
    "groups",
    "family",
    "confidentiality",
    "sample",
];
pub(super) const EVENT_NAMED: &[&str] = &[
    "id",
    "type",
    "title",
    "date",
    "end_date",
    "place",
    "victims",
    "perpetrators",
    "other_involvements",
    "sources",
    "description",
    "confidentiality",
    "sample",
];
pub(super) const EVENT_PSEUDONYMISED: &[&str] = &[
    "pseudonym",
    "type",
    "date",
    "end_date",
    "place",
    "victims",
    "perpetrators",
    "other_involvements",
    "confidentiality",
    "sample",
];

pub(super) fn text(f: &Map<String, Value>, k: &str) -> Option<String> {
    f.get(k).and_then(Value::as_str).map(str::to_string)
}

pub(super) fn strictly_confidential(f: &Map<String, Value>) -> bool {
    f.get("confidentiality").and_then(Value::as_str) == Some(STRICTLY_CONFIDENTIAL)
}

fn yes_no(f: &Map<String, Value>, k: &str) -> Cell {
    Cell::from(if f.get(k) == Some(&Value::Bool(true)) {
        "yes"
    } else {
        ""
    })
}

fn joined(items: impl IntoIterator<Item = String>) -> Cell {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(items.join("; "))
    }
}

fn prefix(kind: Kind) -> char {
    match kind {
        Kind::Person => 'P',
        Kind::Group => 'G',
        Kind::Event => 'E',
        Kind::Actor => 'A',
        Kind::Source => 'S',
        _ => 'R',
    }
}

/// What one export is writing: the profile's way of naming records, and the strictly
/// confidential records met so far.
pub(super) struct Writing<'a> {
    pub n: &'a Nansen,
    pub pseudonyms: Option<Pseudonyms>,
    pub confirmed: BTreeSet<String>,
    /// Strictly confidential rows that went out, confirmed.
    pub sent: Vec<String>,
    /// Strictly confidential rows held back, unconfirmed: (id, label).
    pub held: Vec<ConfidentialRecord>,
    /// Referenced records: their label, and whether they are strictly confidential.
    pub labels: HashMap<String, Option<(String, bool)>>,
}

impl Writing<'_> {
    /// Whether a row may be written; records what it decided.
    fn admit(&mut self, id: &str, strictly_confidential: bool, label: String) -> bool {
        if !strictly_confidential {
            return true;
        }
        if self.confirmed.contains(id) {
            self.sent.push(id.to_string());
            return true;
        }
        self.held.push(ConfidentialRecord {
            id: id.to_string(),
            label,
        });
        false
    }

    /// How the export names a record a row refers to: a pseudonym (places keep their
    /// names), or its label unless it is strictly confidential and not confirmed. A
    /// person is named as the cluster it is shown in.
    fn name(&mut self, kind: Kind, id: &str) -> Result<String> {
        let shown = match kind {
            Kind::Person => self.n.shown_under(id)?,
            _ => id.to_string(),
        };
        let id = shown.as_str();
        if let (Some(p), false) = (&self.pseudonyms, kind == Kind::Location) {
            let suffix = match kind {
                Kind::Actor => row_of(self.n.conn(), kind, id)?
                    .and_then(|f| text(&f, "type"))
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            return Ok(format!("{}{suffix}", p.of(prefix(kind), id)));
        }
        if !self.labels.contains_key(id) {
            let found = match kind {
                Kind::Person => {
                    let members = self.n.person_members(id)?;
                    let sc = members.iter().any(|(_, f)| strictly_confidential(f));
                    members
                        .iter()
                        .find(|(m, _)| m == id)
                        .map(|(_, f)| (self.n.label_of(kind, f), sc))
                }
                _ => row_of(self.n.conn(), kind, id)?
                    .map(|f| (self.n.label_of(kind, &f), strictly_confidential(&f))),
            };
            self.labels.insert(id.to_string(), found);
        }
        Ok(match &self.labels[id] {
            Some((_, true)) if !self.confirmed.contains(id) => WITHHELD.to_string(),
            Some((label, _)) => label.clone(),
            None => id.to_string(),
        })
    }

    fn place(&mut self, id: Option<&str>) -> Result<Cell> {
        id.map(|id| self.name(Kind::Location, id))
            .transpose()
            .map(Cell::from)
    }

    /// A person's row: the representative's own fields, and what every member of its
    /// cluster has (names, identifiers, family, groups); strictly confidential when any
    /// member is.
    pub fn person_row(&mut self, p: &PersonSummary) -> Result<Option<Vec<Cell>>> {
        let conn = self.n.conn();
        let members = self.n.person_members(&p.id)?;
        let Some(f) = members.iter().find(|(m, _)| *m == p.id).map(|(_, f)| f) else {
            return Ok(None);
        };
        let sc = members.iter().any(|(_, f)| strictly_confidential(f));
        if !self.admit(&p.id, sc, p.label.clone()) {
            return Ok(None);
        }
        let elems = |link: &str| -> Result<Vec<Value>> {
            let mut out: Vec<Value> = Vec::new();
            for (m, _) in &members {
                for e in crate::oplog::state::present_elements(conn, m, link)? {
                    if !out.contains(&e) {
                        out.push(e);
                    }
                }
            }
            Ok(out)
        };
        let mut groups = Vec::new();
        for (m, _) in &members {
            for g in crate::oplog::derive::groups_of(conn, m)? {
                let name = self.name(Kind::Group, &g)?;
                if !groups.contains(&name) {
                    groups.push(name);
                }
            }
        }
        let mut family = Vec::new();
        for e in elems("family")? {
            if let (Some(rel), Some(other)) = (
                e.get("relation").and_then(Value::as_str),
                e.get("person").and_then(Value::as_str),
            ) {
                family.push(format!("{rel}: {}", self.name(Kind::Person, other)?));
            }
        }
        let confidentiality = self.n.strictest(members.iter().map(|(_, f)| f));
        let mut row = Vec::with_capacity(PERSON_NAMED.len());
        match &self.pseudonyms {
            Some(ps) => row.push(Cell::Text(ps.of('P', &p.id))),
            None => {
                let name = |k: &str| p.name.get(k).and_then(Value::as_str).map(str::to_string);
                row.push(Cell::from(p.id.as_str()));
                row.push(Cell::from(name("text")));
                row.push(Cell::from(name("lang")));
                row.push(joined(p.aliases.iter().filter_map(|a| {
                    Some(format!(
                        "{} [{}]",
                        a.get("text")?.as_str()?,
                        a.get("lang")?.as_str()?
                    ))
                })));
            }
        }
        row.push(Cell::from(text(f, "sex")));
        row.push(Cell::from(text(f, "birth_date")));
        row.push(Cell::from(text(f, "nationality")));
        row.push(self.place(text(f, "origin").as_deref())?);
        if self.pseudonyms.is_none() {
            let mut ids: Vec<String> = elems("identifiers")?
                .iter()
                .filter_map(|e| {
                    Some(format!(
                        "{}: {}",
                        e.get("type")?.as_str()?,
                        e.get("value")?.as_str()?
                    ))
                })
                .collect();
            ids.sort();
            row.push(joined(ids));
        }
        let protection = p.protection.as_ref();
        row.push(Cell::from(protection.map(|s| s.value.clone())));
        row.push(self.place(p.location.as_deref())?);
        row.push(Cell::from(protection.and_then(|s| s.date.clone())));
        row.push(Cell::from(p.refugee.as_ref().map(|s| s.value.clone())));
        row.push(joined(groups));
        row.push(joined(family));
        if self.pseudonyms.is_none() {
            row.push(Cell::from(text(f, "notes")));
        }
        row.push(Cell::from(confidentiality));
        row.push(yes_no(f, "sample"));
        Ok(Some(row))
    }

    pub fn event_row(&mut self, e: &RecordSummary) -> Result<Option<Vec<Cell>>> {
        let f = &e.fields;
        if !self.admit(&e.id, strictly_confidential(f), e.label.clone()) {
            return Ok(None);
        }
        let conn = self.n.conn();
        let (mut victims, mut perpetrators, mut others) = (vec![], vec![], vec![]);
        for inv in crate::oplog::state::present_elements(conn, &e.id, "involvements")? {
            let role = inv.get("role").and_then(Value::as_str).unwrap_or_default();
            let who = [Kind::Person, Kind::Group, Kind::Actor]
                .into_iter()
                .find_map(|k| Some((k, inv.get(k.as_str())?.as_str()?.to_string())));
            let Some((kind, id)) = who else { continue };
            let name = self.name(kind, &id)?;
            match role {
                "victim" => victims.push(name),
                "perpetrator" => perpetrators.push(name),
                _ => others.push(format!("{role}: {name}")),
            }
        }
        let mut row = Vec::with_capacity(EVENT_NAMED.len());
        let named = self.pseudonyms.is_none();
        match &self.pseudonyms {
            Some(ps) => row.push(Cell::Text(ps.of('E', &e.id))),
            None => row.push(Cell::from(e.id.as_str())),
        }
        row.push(Cell::from(text(f, "type")));
        if named {
            row.push(Cell::from(text(f, "title")));
        }
        row.push(Cell::from(text(f, "date")));
        row.push(Cell::from(text(f, "end_date")));
        row.push(self.place(text(f, "location").as_deref())?);
        row.push(joined(victims));
        row.push(joined(perpetrators));
        row.push(joined(others));
        if named {
            let mut sources = Vec::new();
            for s in crate::oplog::state::present_elements(conn, &e.id, "sources")? {
                let Some(id) = s.get("source").and_then(Value::as_str) else {
                    continue;
                };
                let title = self.name(Kind::Source, id)?;
                let reliability = row_of(conn, Kind::Source, id)?
                    .and_then(|f| text(&f, "reliability"))
                    .filter(|_| title != WITHHELD);
                sources.push(match reliability {
                    Some(r) => format!("{title} ({r})"),
                    None => title,
                });
            }
            row.push(joined(sources));
            row.push(Cell::from(text(f, "description")));
        }
        row.push(Cell::from(text(f, "confidentiality")));
        row.push(yes_no(f, "sample"));
        Ok(Some(row))
    }
}
