//! Gathering the situation summary's facts: every live event with its victims and the
//! others involved, every group with its statuses (recorded, or implied by what
//! happened to it), and the persons by current protection status — as they stand now
//! from the derived counts, or as of a day by reading again the timelines of just the
//! persons that something dated later touches.

use super::{text, Lookup};
use crate::api::records::{row_of, RecordSummary};
use crate::api::{Nansen, PersonQuery};
use crate::domain::status::{current, StatusEntry};
use crate::domain::Kind;
use crate::error::Result;
use crate::oplog::derive;
use crate::oplog::index;
use crate::report::lang::first_day;
use crate::report::situation::{
    compose, effective, CitedRecord, EventFact, GroupFacts, Inputs, PersonCounts, Situation,
    StatusCount, StatusFact, Subject,
};
use crate::report::Lang;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Groups whose members' sex is looked at to say "men" or "women": only those whose
/// every member is known, up to this size.
const SEX_LOOKUP_MAX: u64 = 200;

struct Gather<'a> {
    look: Lookup<'a>,
    subjects: BTreeMap<String, Subject>,
}

impl<'a> Gather<'a> {
    fn n(&self) -> &'a Nansen {
        self.look.n
    }

    fn subject(&mut self, kind: Kind, id: &str) -> Result<Option<Subject>> {
        if let Some(s) = self.subjects.get(id) {
            return Ok(Some(s.clone()));
        }
        let conn = self.n().conn();
        let Some(f) = row_of(conn, kind, id)?.filter(|f| !derive_deleted(f)) else {
            return Ok(None);
        };
        let label = self.n().label_of(kind, &f);
        let sources = self.look.sources_of(id)?;
        let subject = if kind == Kind::Group {
            let identified = index::identified(conn, id)?;
            let asserted = f.get("asserted_count").and_then(Value::as_u64).unwrap_or(0);
            let count = asserted.max(identified);
            let sex = if identified == count && count > 0 && count <= SEX_LOOKUP_MAX {
                let mut sexes = BTreeSet::new();
                for member in self.n().member_ids(id)? {
                    sexes
                        .insert(row_of(conn, Kind::Person, &member)?.and_then(|p| text(&p, "sex")));
                }
                match sexes.into_iter().collect::<Vec<_>>().as_slice() {
                    [Some(one)] => Some(one.clone()),
                    _ => None,
                }
            } else {
                None
            };
            Subject {
                kind,
                id: id.into(),
                label,
                count,
                identified,
                groups: vec![],
                sex,
                sources,
            }
        } else {
            Subject {
                kind,
                id: id.into(),
                label,
                count: 1,
                identified: 1,
                groups: derive::groups_of(conn, id)?,
                sex: text(&f, "sex"),
                sources,
            }
        };
        self.subjects.insert(id.to_string(), subject.clone());
        Ok(Some(subject))
    }

    fn place(&mut self, id: Option<String>) -> Result<Option<String>> {
        match id {
            Some(id) => self.look.name(Kind::Location, &id),
            None => Ok(None),
        }
    }

    fn event(&mut self, e: &RecordSummary) -> Result<EventFact> {
        let event_type = text(&e.fields, "type").unwrap_or_default();
        let mut victims = Vec::new();
        let mut actors = Vec::new();
        for inv in crate::oplog::state::present_elements(self.n().conn(), &e.id, "involvements")? {
            let role = inv
                .get("role")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            for kind in [Kind::Person, Kind::Group, Kind::Actor] {
                let Some(id) = inv.get(kind.as_str()).and_then(Value::as_str) else {
                    continue;
                };
                if role == "victim" && kind != Kind::Actor {
                    victims.extend(self.subject(kind, id)?);
                } else if kind == Kind::Actor {
                    if let Some(name) = self.look.name(Kind::Actor, id)? {
                        actors.push((self.look.term("role", &role), name));
                    }
                }
            }
        }
        Ok(EventFact {
            id: e.id.clone(),
            label: e.label.clone(),
            type_label: self.look.term("event_type", &event_type),
            event_type,
            title: text(&e.fields, "title"),
            date: text(&e.fields, "date"),
            place: self.place(text(&e.fields, "location"))?,
            victims,
            actors,
            sources: self.look.sources_of(&e.id)?,
        })
    }

    fn status_fact(&mut self, entry: StatusEntry, record: CitedRecord) -> Result<StatusFact> {
        Ok(StatusFact {
            type_label: self.look.term("status_type", &entry.status_type),
            value_label: self.look.term("status", &entry.value),
            place: self.place(entry.location.clone())?,
            sources: if record.kind == Kind::Status {
                self.look.sources_of(&record.id)?
            } else {
                vec![]
            },
            entry,
            record,
        })
    }
}

fn derive_deleted(f: &serde_json::Map<String, Value>) -> bool {
    f.get(crate::domain::schema::DELETED) == Some(&Value::Bool(true))
}

fn status_entry(s: &RecordSummary) -> Option<StatusEntry> {
    Some(StatusEntry {
        status_type: text(&s.fields, "type")?,
        value: text(&s.fields, "value")?,
        date: text(&s.fields, "effective"),
        location: text(&s.fields, "location"),
        imminent: s.fields.get("imminent") == Some(&Value::Bool(true)),
        from_record: s.id.clone(),
        explicit: true,
        via_group: None,
    })
}

fn late(date: Option<&str>, as_of: NaiveDate) -> bool {
    date.and_then(first_day).is_some_and(|d| d > as_of)
}

impl Nansen {
    /// The situation summary (see [`crate::report::situation`]) as of a day (today
    /// when none), in `en` or `ru`.
    pub fn situation(&self, as_of: Option<NaiveDate>, lang: &str) -> Result<Situation> {
        let lang = Lang::parse(lang)?;
        let mut g = Gather {
            look: super::Lookup::new(self, lang),
            subjects: BTreeMap::new(),
        };
        let event_records = self.every(Kind::Event)?;
        let status_records = self.every(Kind::Status)?;
        let mut events = Vec::new();
        for e in &event_records {
            events.push(g.event(e)?);
        }
        // Each group's statuses: recorded, and implied by events it was a victim of.
        let mut groups: BTreeMap<String, GroupFacts> = BTreeMap::new();
        for s in &status_records {
            let (Some(group), Some(entry)) = (text(&s.fields, "group"), status_entry(s)) else {
                continue;
            };
            let Some(subject) = g.subject(Kind::Group, &group)? else {
                continue;
            };
            let record = CitedRecord {
                kind: Kind::Status,
                id: s.id.clone(),
                label: g.look.term("status", &entry.value),
            };
            let fact = g.status_fact(entry, record)?;
            groups
                .entry(group)
                .or_insert_with(|| GroupFacts {
                    group: subject,
                    statuses: vec![],
                })
                .statuses
                .push(fact);
        }
        for e in &events {
            let Some((status_type, value)) = self.vocab.implied_status(&e.event_type) else {
                continue;
            };
            for v in e.victims.iter().filter(|v| v.kind == Kind::Group) {
                if !groups.contains_key(&v.id) {
                    groups.insert(
                        v.id.clone(),
                        GroupFacts {
                            group: v.clone(),
                            statuses: vec![],
                        },
                    );
                }
                let fact = g.status_fact(
                    StatusEntry {
                        status_type: status_type.clone(),
                        value: value.clone(),
                        date: e.date.clone(),
                        location: None,
                        imminent: false,
                        from_record: e.id.clone(),
                        explicit: false,
                        via_group: None,
                    },
                    CitedRecord {
                        kind: Kind::Event,
                        id: e.id.clone(),
                        label: e.label.clone(),
                    },
                )?;
                if let Some(facts) = groups.get_mut(&v.id) {
                    facts.statuses.push(fact);
                }
            }
        }
        let persons = match as_of {
            None => self.status_counts(index::persons_by_status(self.conn(), None)?, true, lang)?,
            Some(day) => {
                let counts = self.counts_as_of(day, &events, &status_records)?;
                self.status_counts(counts, false, lang)?
            }
        };
        let inputs = Inputs {
            lang,
            as_of,
            today: chrono::Local::now().date_naive(),
            events,
            groups: groups.into_values().collect(),
            persons,
            sources: g.look.known_sources(),
        };
        Ok(compose(&inputs))
    }

    /// The protection statuses in the vocabulary's order, and '' (none) last.
    pub(super) fn protection_order(&self) -> Vec<String> {
        let mut order: Vec<String> = self
            .vocab
            .0
            .get("status")
            .map(|terms| {
                terms
                    .iter()
                    .filter(|t| t.category.as_deref() == Some("protection"))
                    .map(|t| t.term.clone())
                    .collect()
            })
            .unwrap_or_default();
        order.push(String::new());
        order
    }

    fn status_counts(
        &self,
        counts: BTreeMap<String, u64>,
        samples: bool,
        lang: Lang,
    ) -> Result<PersonCounts> {
        let look = super::Lookup::new(self, lang);
        let mut by_status = Vec::new();
        for value in self.protection_order() {
            let Some(&n) = counts.get(&value).filter(|n| **n > 0) else {
                continue;
            };
            let mut sample = Vec::new();
            if samples && !value.is_empty() {
                let page = self.person_list(&PersonQuery {
                    status: Some(value.clone()),
                    limit: Some(crate::report::situation::RECORDS_LISTED),
                    ..PersonQuery::default()
                })?;
                sample = page
                    .items
                    .into_iter()
                    .map(|p| CitedRecord {
                        kind: Kind::Person,
                        id: p.id,
                        label: p.label,
                    })
                    .collect();
            }
            by_status.push(StatusCount {
                label: if value.is_empty() {
                    lang.pick("No status recorded", "Статус не записан")
                        .to_string()
                } else {
                    look.term("status", &value)
                },
                value,
                n,
                sample,
            });
        }
        Ok(PersonCounts {
            total: counts.values().sum(),
            by_status,
        })
    }

    /// Live persons by protection status as of `day`: the counts as they stand, with
    /// the persons that something dated after `day` touches counted again from their
    /// timeline up to that day.
    fn counts_as_of(
        &self,
        day: NaiveDate,
        events: &[EventFact],
        statuses: &[RecordSummary],
    ) -> Result<BTreeMap<String, u64>> {
        let conn = self.conn();
        let mut counts = index::persons_by_status(conn, None)?;
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let reach = |kind: Kind, id: &str, touched: &mut BTreeSet<String>| -> Result<()> {
            if kind == Kind::Group {
                touched.extend(self.member_ids(id)?);
            } else {
                touched.insert(id.to_string());
            }
            Ok(())
        };
        for e in events.iter().filter(|e| late(e.date.as_deref(), day)) {
            for v in &e.victims {
                reach(v.kind, &v.id, &mut touched)?;
            }
        }
        for s in statuses
            .iter()
            .filter(|s| late(text(&s.fields, "effective").as_deref(), day))
        {
            if let Some(p) = text(&s.fields, "person") {
                reach(Kind::Person, &p, &mut touched)?;
            }
            if let Some(g) = text(&s.fields, "group") {
                reach(Kind::Group, &g, &mut touched)?;
            }
        }
        for p in touched {
            let stored = index::person_status(conn, &p)?;
            let now = current(&stored, "protection")
                .map(|e| e.value.clone())
                .unwrap_or_default();
            let facts: Vec<_> = derive::facts(conn, &self.vocab, &p, Kind::Person)?
                .into_iter()
                .filter(|f| effective(f.date.as_deref(), Some(day)))
                .collect();
            let entries = derive::status_entries(&facts);
            let then = current(&entries, "protection")
                .map(|e| e.value.clone())
                .unwrap_or_default();
            if now != then {
                if let Some(n) = counts.get_mut(&now) {
                    *n = n.saturating_sub(1);
                }
                *counts.entry(then).or_default() += 1;
            }
        }
        Ok(counts)
    }
}
