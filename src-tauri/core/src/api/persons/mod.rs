//! Person-centred views: the searchable person list with each person's current status,
//! the person page with its timeline, and the group page ("12 of 29 identified").

use super::messages as m;
use super::records::{name_filter, row_fields, RecordSummary, RefLabel};
use super::Nansen;
use crate::date::FuzzyDate;
use crate::domain::schema::DELETED;
use crate::domain::status::{current, StatusEntry};
use crate::domain::Kind;
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

mod types;
pub use types::*;

struct EventRow {
    fields: serde_json::Map<String, Value>,
}

/// Everything status derivation needs, loaded once.
struct World {
    statuses: Vec<(String, serde_json::Map<String, Value>)>,
    events: HashMap<String, EventRow>,
    /// event id → (role, party kind, party id)
    involvements: Vec<(String, String, Kind, String)>,
    /// group id → members
    members: HashMap<String, Vec<String>>,
    /// person id → groups
    groups_of: HashMap<String, Vec<String>>,
    group_fields: HashMap<String, serde_json::Map<String, Value>>,
    locations: HashMap<String, serde_json::Map<String, Value>>,
    sources_of: HashMap<String, Vec<(String, Option<String>)>>,
    source_fields: HashMap<String, serde_json::Map<String, Value>>,
    conflicted: BTreeSet<String>,
}

fn not_deleted(f: &serde_json::Map<String, Value>) -> bool {
    f.get(DELETED) != Some(&Value::Bool(true))
}

fn str_field(f: &serde_json::Map<String, Value>, k: &str) -> Option<String> {
    f.get(k).and_then(Value::as_str).map(str::to_string)
}

impl Nansen {
    fn rows(&self, kind: Kind) -> Result<Vec<(String, serde_json::Map<String, Value>)>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT * FROM {}", kind.spec().table))?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>("id")?, row_fields(kind, r)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn links_of(&self, link: &str) -> Result<Vec<(String, Value)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT owner, elem FROM link_state WHERE link = ?1 GROUP BY owner, elem_key ORDER BY owner, elem",
        )?;
        let rows = stmt.query_map([link], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (owner, elem) = row?;
            out.push((owner, serde_json::from_str(&elem)?));
        }
        Ok(out)
    }

    fn world(&self) -> Result<World> {
        let events: HashMap<String, EventRow> = self
            .rows(Kind::Event)?
            .into_iter()
            .filter(|(_, f)| not_deleted(f))
            .map(|(id, fields)| (id, EventRow { fields }))
            .collect();
        let group_fields: HashMap<_, _> = self
            .rows(Kind::Group)?
            .into_iter()
            .filter(|(_, f)| not_deleted(f))
            .collect();
        let live_persons: BTreeSet<String> = self
            .rows(Kind::Person)?
            .into_iter()
            .filter(|(_, f)| not_deleted(f))
            .map(|(id, _)| id)
            .collect();
        let mut members: HashMap<String, Vec<String>> = HashMap::new();
        let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
        for (group, elem) in self.links_of("members")? {
            let Some(person) = elem.get("person").and_then(Value::as_str) else {
                continue;
            };
            if group_fields.contains_key(&group) && live_persons.contains(person) {
                members
                    .entry(group.clone())
                    .or_default()
                    .push(person.to_string());
                groups_of.entry(person.to_string()).or_default().push(group);
            }
        }
        let mut involvements = Vec::new();
        for (event, elem) in self.links_of("involvements")? {
            if !events.contains_key(&event) {
                continue;
            }
            let role = str_field(elem.as_object().unwrap_or(&Default::default()), "role")
                .unwrap_or_default();
            for (key, kind) in [
                ("person", Kind::Person),
                ("group", Kind::Group),
                ("actor", Kind::Actor),
            ] {
                if let Some(party) = elem.get(key).and_then(Value::as_str) {
                    involvements.push((event.clone(), role.clone(), kind, party.to_string()));
                }
            }
        }
        let mut sources_of: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
        for (owner, elem) in self.links_of("sources")? {
            if let Some(source) = elem.get("source").and_then(Value::as_str) {
                sources_of.entry(owner).or_default().push((
                    source.to_string(),
                    elem.get("fact").and_then(Value::as_str).map(str::to_string),
                ));
            }
        }
        Ok(World {
            statuses: self
                .rows(Kind::Status)?
                .into_iter()
                .filter(|(_, f)| not_deleted(f))
                .collect(),
            events,
            involvements,
            members,
            groups_of,
            group_fields,
            locations: self.rows(Kind::Location)?.into_iter().collect(),
            sources_of,
            source_fields: self
                .rows(Kind::Source)?
                .into_iter()
                .filter(|(_, f)| not_deleted(f))
                .collect(),
            conflicted: self.conflicted_entities()?,
        })
    }

    fn sources_for(&self, world: &World, owner: &str) -> Vec<SourceRef> {
        world
            .sources_of
            .get(owner)
            .map(|list| {
                list.iter()
                    .filter_map(|(id, fact)| {
                        let f = world.source_fields.get(id)?;
                        Some(SourceRef {
                            id: id.clone(),
                            title: str_field(f, "title").unwrap_or_default(),
                            source_type: str_field(f, "type"),
                            reliability: str_field(f, "reliability"),
                            fact: fact.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn location_label(&self, world: &World, id: &Option<String>) -> Option<String> {
        id.as_ref()
            .and_then(|id| world.locations.get(id))
            .map(|f| self.label_of(Kind::Location, f))
    }

    /// The timeline of a person (subject = person) or of a group, oldest first.
    fn timeline(&self, world: &World, subject: &str, subject_kind: Kind) -> Vec<TimelineItem> {
        let mut via: Vec<(String, Option<String>)> = vec![(subject.to_string(), None)];
        if subject_kind == Kind::Person {
            for g in world.groups_of.get(subject).into_iter().flatten() {
                via.push((g.clone(), Some(g.clone())));
            }
        }
        let group_label = |g: &Option<String>| {
            g.as_ref()
                .and_then(|g| world.group_fields.get(g))
                .map(|f| self.label_of(Kind::Group, f))
        };
        let mut items = Vec::new();
        for (party, via_group) in &via {
            for (event_id, role, _, p) in &world.involvements {
                if p != party {
                    continue;
                }
                let Some(ev) = world.events.get(event_id) else {
                    continue;
                };
                let event_type = str_field(&ev.fields, "type");
                let implied = if role == "victim" {
                    event_type
                        .as_deref()
                        .and_then(|t| self.vocab.implied_status(t))
                } else {
                    None
                };
                let location = str_field(&ev.fields, "location");
                items.push(TimelineItem {
                    item: "event".into(),
                    id: event_id.clone(),
                    date: str_field(&ev.fields, "date"),
                    end_date: str_field(&ev.fields, "end_date"),
                    event_type,
                    title: self.label_of(Kind::Event, &ev.fields),
                    location_label: self.location_label(world, &location),
                    location,
                    role: Some(role.clone()),
                    via_group_label: group_label(via_group),
                    via_group: via_group.clone(),
                    status_type: implied.as_ref().map(|(t, _)| t.clone()),
                    status_value: implied.map(|(_, v)| v),
                    imminent: false,
                    implied: true,
                    sources: self.sources_for(world, event_id),
                    in_conflict: world.conflicted.contains(event_id),
                });
            }
            for (status_id, f) in &world.statuses {
                let about = if subject_kind == Kind::Person && via_group.is_none() {
                    str_field(f, "person")
                } else {
                    str_field(f, "group")
                };
                if about.as_deref() != Some(party.as_str()) {
                    continue;
                }
                let location = str_field(f, "location");
                items.push(TimelineItem {
                    item: "status".into(),
                    id: status_id.clone(),
                    date: str_field(f, "effective"),
                    end_date: None,
                    event_type: None,
                    title: self.label_of(Kind::Status, f),
                    location_label: self.location_label(world, &location),
                    location,
                    role: None,
                    via_group_label: group_label(via_group),
                    via_group: via_group.clone(),
                    status_type: str_field(f, "type"),
                    status_value: str_field(f, "value"),
                    imminent: f.get("imminent") == Some(&Value::Bool(true)),
                    implied: false,
                    sources: self.sources_for(world, status_id),
                    in_conflict: world.conflicted.contains(status_id),
                });
            }
        }
        items.sort_by(|a, b| {
            let key = |i: &TimelineItem| {
                let d = i
                    .date
                    .as_deref()
                    .and_then(|d| FuzzyDate::parse(d).ok())
                    .map(|d| d.sort_key());
                (d.is_none(), d, i.id.clone())
            };
            key(a).cmp(&key(b))
        });
        items
    }

    fn status_entries(items: &[TimelineItem]) -> Vec<StatusEntry> {
        items
            .iter()
            .filter(|i| i.status_value.is_some())
            .map(|i| StatusEntry {
                status_type: i.status_type.clone().unwrap_or_default(),
                value: i.status_value.clone().unwrap_or_default(),
                date: i.date.clone(),
                location: i.location.clone(),
                imminent: i.imminent,
                from_record: i.id.clone(),
                explicit: !i.implied,
                via_group: i.via_group.clone(),
            })
            .collect()
    }

    fn summarise(
        &self,
        world: &World,
        id: &str,
        fields: &serde_json::Map<String, Value>,
        aliases: Vec<Value>,
    ) -> PersonSummary {
        let timeline = self.timeline(world, id, Kind::Person);
        let entries = Self::status_entries(&timeline);
        let protection = current(&entries, "protection").cloned();
        let refugee = current(&entries, "refugee").cloned();
        let location = protection.as_ref().and_then(|p| p.location.clone());
        PersonSummary {
            id: id.to_string(),
            name: fields.get("name").cloned().unwrap_or(Value::Null),
            label: self.label_of(Kind::Person, fields),
            aliases,
            location_label: self.location_label(world, &location),
            location,
            protection,
            refugee,
            groups: world
                .groups_of
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|g| {
                    world
                        .group_fields
                        .get(g)
                        .map(|f| self.label_of(Kind::Group, f))
                })
                .collect(),
            in_conflict: world.conflicted.contains(id),
            sample: fields.get("sample") == Some(&Value::Bool(true)),
            deleted: !not_deleted(fields),
        }
    }

    fn within(world: &World, location: &str, ancestor: &str) -> bool {
        let mut current = Some(location.to_string());
        let mut hops = 0;
        while let Some(l) = current {
            if l == ancestor {
                return true;
            }
            hops += 1;
            if hops > 64 {
                return false;
            }
            current = world.locations.get(&l).and_then(|f| str_field(f, "parent"));
        }
        false
    }

    pub fn person_list(&self, query: &PersonQuery) -> Result<Vec<PersonSummary>> {
        let world = self.world()?;
        let mut sql = "SELECT * FROM person WHERE 1 = 1".to_string();
        let mut params = Vec::new();
        if !query.include_deleted {
            sql.push_str(" AND coalesce(deleted, 0) = 0");
        }
        if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let (frag, p) = name_filter(q);
            sql.push_str(&frag);
            params = p;
        }
        let mut aliases: HashMap<String, Vec<Value>> = HashMap::new();
        for (owner, elem) in self.links_of("aliases")? {
            aliases.entry(owner).or_default().push(elem);
        }
        let rows: Vec<(String, serde_json::Map<String, Value>)> = {
            let mut stmt = self.conn().prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get::<_, String>("id")?, row_fields(Kind::Person, r)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for (id, fields) in rows {
            if let Some(g) = &query.group {
                if !world.members.get(g).is_some_and(|m| m.contains(&id)) {
                    continue;
                }
            }
            let s = self.summarise(
                &world,
                &id,
                &fields,
                aliases.remove(&id).unwrap_or_default(),
            );
            if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
                if s.protection.as_ref().map(|p| p.value.as_str()) != Some(status) {
                    continue;
                }
            }
            if let Some(loc) = query.location.as_deref().filter(|s| !s.is_empty()) {
                if !s
                    .location
                    .as_deref()
                    .is_some_and(|l| Self::within(&world, l, loc))
                {
                    continue;
                }
            }
            out.push(s);
        }
        out.sort_by(|a, b| {
            a.label
                .to_lowercase()
                .cmp(&b.label.to_lowercase())
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    pub fn person_page(&self, id: Uuid) -> Result<PersonPage> {
        let record = self.get(Kind::Person, id)?;
        let world = self.world()?;
        let sid = id.to_string();
        let timeline = self.timeline(&world, &sid, Kind::Person);
        let entries = Self::status_entries(&timeline);
        let groups = world
            .groups_of
            .get(&sid)
            .into_iter()
            .flatten()
            .filter_map(|g| {
                let f = world.group_fields.get(g)?;
                Some(GroupRef {
                    id: g.clone(),
                    name: self.label_of(Kind::Group, f),
                    asserted_count: f.get("asserted_count").and_then(Value::as_i64),
                    identified: world.members.get(g).map(|m| m.len() as u64).unwrap_or(0),
                })
            })
            .collect();
        let family = record.links["family"]
            .iter()
            .filter_map(|e| {
                let person = e.get("person")?.as_str()?.to_string();
                Some(FamilyRef {
                    relation: e.get("relation")?.as_str()?.to_string(),
                    label: record
                        .refs
                        .get(&person)
                        .map(|r| r.label.clone())
                        .unwrap_or_default(),
                    person,
                })
            })
            .collect();
        let mut labels = BTreeMap::new();
        for item in &timeline {
            if let (Some(l), Some(label)) = (&item.location, &item.location_label) {
                labels.insert(
                    l.clone(),
                    RefLabel {
                        kind: Kind::Location,
                        label: label.clone(),
                        deleted: false,
                    },
                );
            }
        }
        Ok(PersonPage {
            protection: current(&entries, "protection").cloned(),
            refugee: current(&entries, "refugee").cloned(),
            sources: self.sources_for(&world, &sid),
            interventions: self.linked_from(Kind::Intervention, "concerns", &sid)?,
            attachments: self.linked_from(Kind::Attachment, "attached_to", &sid)?,
            timeline,
            groups,
            family,
            labels,
            record,
        })
    }

    /// Records of `kind` whose `link` set points at `target`.
    pub(crate) fn linked_from(
        &self,
        kind: Kind,
        link: &str,
        target: &str,
    ) -> Result<Vec<RecordSummary>> {
        let owners: Vec<String> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT DISTINCT owner FROM link_state WHERE target = ?1 AND link = ?2",
            )?;
            let rows = stmt.query_map([target, link], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for owner in owners {
            let Ok(id) = Uuid::parse_str(&owner) else {
                continue;
            };
            let view = self.get(kind, id)?;
            if !view.deleted {
                out.push(RecordSummary {
                    kind,
                    id: view.id,
                    label: view.label,
                    deleted: false,
                    in_conflict: !view.conflicts.is_empty(),
                    fields: view.fields,
                });
            }
        }
        Ok(out)
    }

    pub fn group_page(&self, id: Uuid) -> Result<GroupPage> {
        let record = self.get(Kind::Group, id)?;
        let world = self.world()?;
        let sid = id.to_string();
        let mut aliases: HashMap<String, Vec<Value>> = HashMap::new();
        for (owner, elem) in self.links_of("aliases")? {
            aliases.entry(owner).or_default().push(elem);
        }
        let mut members = Vec::new();
        for person in world.members.get(&sid).into_iter().flatten() {
            let Ok(pid) = Uuid::parse_str(person) else {
                continue;
            };
            let fields = self.existing(Kind::Person, &pid)?;
            members.push(self.summarise(
                &world,
                person,
                &fields,
                aliases.remove(person).unwrap_or_default(),
            ));
        }
        members.sort_by_key(|m| m.label.to_lowercase());
        Ok(GroupPage {
            asserted_count: record.fields.get("asserted_count").and_then(Value::as_i64),
            identified: members.len() as u64,
            members,
            timeline: self.timeline(&world, &sid, Kind::Group),
            interventions: self.linked_from(Kind::Intervention, "concerns", &sid)?,
            record,
        })
    }

    /// Makes sure `id` is a person; for commands that take a person id.
    pub fn require_person(&self, id: &Uuid) -> Result<()> {
        match self.kind_of(id)? {
            Some(Kind::Person) => Ok(()),
            Some(other) => Err(Error::invalid(m::not_a_person(id, other))),
            None => Err(Error::not_found("person", id)),
        }
    }
}
