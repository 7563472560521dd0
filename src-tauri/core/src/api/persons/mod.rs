//! Person-centred views: the searchable person list with each person's current status,
//! the person page with its timeline, and the group page ("12 of 29 identified").
//! Each reads only what it shows: the derived tables (`oplog::derive`) hold every
//! person's current status, place and group counts, kept up to date as changes land.

use super::messages as m;
use super::page::{self, Page};
use super::records::{row_of, RecordSummary, RefLabel};
use super::Nansen;
use crate::date::FuzzyDate;
use crate::domain::schema::DELETED;
use crate::domain::status::current;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::oplog::derive::{self, Fact};
use crate::oplog::index::{self, Filter};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

mod cluster;
mod types;
pub use types::*;

fn str_field(f: &Map<String, Value>, k: &str) -> Option<String> {
    f.get(k).and_then(Value::as_str).map(str::to_string)
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

impl Nansen {
    fn elems(&self, owner: &str, link: &str) -> Result<Vec<Value>> {
        crate::oplog::state::present_elements(self.conn(), owner, link)
    }

    fn sources_for(&self, owner: &str) -> Result<Vec<SourceRef>> {
        let mut out = Vec::new();
        for elem in self.elems(owner, "sources")? {
            let Some(source) = elem.get("source").and_then(Value::as_str) else {
                continue;
            };
            let Some(f) = row_of(self.conn(), Kind::Source, source)? else {
                continue;
            };
            if f.get(DELETED) == Some(&Value::Bool(true)) {
                continue;
            }
            out.push(SourceRef {
                id: source.to_string(),
                title: str_field(&f, "title").unwrap_or_default(),
                source_type: str_field(&f, "type"),
                reliability: str_field(&f, "reliability"),
                fact: elem.get("fact").and_then(Value::as_str).map(str::to_string),
            });
        }
        Ok(out)
    }

    fn label_by_id(&self, kind: Kind, id: &Option<String>) -> Result<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        Ok(row_of(self.conn(), kind, id)?.map(|f| self.label_of(kind, &f)))
    }

    fn timeline_item(&self, fact: Fact) -> Result<TimelineItem> {
        let event = fact.kind == Kind::Event;
        Ok(TimelineItem {
            item: if event { "event" } else { "status" }.into(),
            end_date: if event {
                str_field(&fact.fields, "end_date")
            } else {
                None
            },
            event_type: if event {
                str_field(&fact.fields, "type")
            } else {
                None
            },
            title: self.label_of(fact.kind, &fact.fields),
            location_label: self.label_by_id(Kind::Location, &fact.location)?,
            via_group_label: self.label_by_id(Kind::Group, &fact.via_group)?,
            sources: self.sources_for(&fact.id)?,
            in_conflict: index::in_conflict(self.conn(), &fact.id)?,
            id: fact.id,
            date: fact.date,
            location: fact.location,
            role: fact.role,
            via_group: fact.via_group,
            status_type: fact.status_type,
            status_value: fact.status_value,
            imminent: fact.imminent,
            implied: fact.implied,
        })
    }

    /// The timeline of a person (with what reaches them through their groups) or of a
    /// group, oldest first.
    fn timeline(&self, subject: &str, subject_kind: Kind) -> Result<Vec<TimelineItem>> {
        let mut items: Vec<TimelineItem> = Vec::new();
        let subjects = match subject_kind {
            Kind::Person => self.shown_as(subject)?,
            _ => vec![subject.to_string()],
        };
        for s in subjects {
            for fact in derive::facts(self.conn(), &self.vocab, &s, subject_kind)? {
                // Members of one cluster share groups: an item reaches them once.
                if !items.iter().any(|i| {
                    i.id == fact.id && i.via_group == fact.via_group && i.role == fact.role
                }) {
                    items.push(self.timeline_item(fact)?);
                }
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
        Ok(items)
    }

    /// A person as the list shows them; none if there is no such person.
    fn person_summary(&self, id: &str) -> Result<Option<PersonSummary>> {
        let Some(fields) = row_of(self.conn(), Kind::Person, id)? else {
            return Ok(None);
        };
        let statuses = index::person_status(self.conn(), id)?;
        let protection = current(&statuses, "protection").cloned();
        let refugee = current(&statuses, "refugee").cloned();
        let location = protection.as_ref().and_then(|p| p.location.clone());
        let members = self.shown_as(id)?;
        let mut groups = Vec::new();
        for m in &members {
            for g in derive::groups_of(self.conn(), m)? {
                if let Some(label) = self.label_by_id(Kind::Group, &Some(g))? {
                    if !groups.contains(&label) {
                        groups.push(label);
                    }
                }
            }
        }
        Ok(Some(PersonSummary {
            id: id.to_string(),
            name: fields.get("name").cloned().unwrap_or(Value::Null),
            label: self.label_of(Kind::Person, &fields),
            aliases: self.cluster_aliases(id)?,
            merged: members.len() as u32 - 1,
            location_label: self.label_by_id(Kind::Location, &location)?,
            location,
            protection,
            refugee,
            groups,
            in_conflict: index::in_conflict(self.conn(), id)?,
            sample: fields.get("sample") == Some(&Value::Bool(true)),
            deleted: fields.get(DELETED) == Some(&Value::Bool(true)),
        }))
    }

    /// One page of the person list, in name order, filtered and searched.
    pub fn person_list(&self, query: &PersonQuery) -> Result<Page<PersonSummary>> {
        let q = nonempty(&query.q);
        let filter = Filter {
            words: Filter::search(q.as_deref()),
            include_deleted: query.include_deleted,
            status: nonempty(&query.status),
            place: nonempty(&query.location),
            group: nonempty(&query.group),
            text: None,
        };
        if q.is_some() && filter.words.is_empty() {
            return Ok(Page::empty());
        }
        let after = page::after(query.after.as_deref())?;
        let keys = index::page(
            self.conn(),
            Kind::Person,
            &filter,
            after.as_ref(),
            page::limit(query.limit)?,
        )?;
        page::build(keys, |row| self.person_summary(&row.id))
    }

    /// How many live persons have each current protection status ('' for none), in a
    /// place (and everything inside it) or everywhere.
    pub fn person_counts(&self, location: Option<Uuid>) -> Result<BTreeMap<String, u64>> {
        index::persons_by_status(self.conn(), location.map(|l| l.to_string()).as_deref())
    }

    fn group_ref(&self, group: &str) -> Result<Option<GroupRef>> {
        let Some(f) = row_of(self.conn(), Kind::Group, group)? else {
            return Ok(None);
        };
        Ok(Some(GroupRef {
            id: group.to_string(),
            name: self.label_of(Kind::Group, &f),
            asserted_count: f.get("asserted_count").and_then(Value::as_i64),
            identified: index::identified(self.conn(), group)?,
        }))
    }

    /// A person's page. A record merged into a cluster shows the cluster's page: every
    /// member's names, timeline, groups, family, sources, interventions and
    /// attachments, and the fields on which they differ.
    pub fn person_page(&self, id: Uuid) -> Result<PersonPage> {
        self.require_person(&id)?;
        let viewed = id.to_string();
        let sid = self.shown_under(&viewed)?;
        let rep = crate::ids::parse_id("person", &sid)?;
        let mut record = self.get(Kind::Person, rep)?;
        let members = self.cluster_ids(&sid)?;
        if members.len() > 1 {
            record
                .links
                .insert("aliases".into(), self.cluster_aliases(&sid)?);
            for m in &members[..] {
                if *m == rep {
                    continue;
                }
                let other = self.get(Kind::Person, *m)?;
                for link in ["family", "identifiers", "sources"] {
                    let mine = record.links.entry(link.into()).or_default();
                    for e in other.links.get(link).into_iter().flatten() {
                        if !mine.contains(e) {
                            mine.push(e.clone());
                        }
                    }
                }
                record.refs.extend(other.refs);
            }
        }
        let timeline = self.timeline(&sid, Kind::Person)?;
        let statuses = index::person_status(self.conn(), &sid)?;
        let mut groups: Vec<GroupRef> = Vec::new();
        for m in &members {
            for g in derive::groups_of(self.conn(), &m.to_string())? {
                if !groups.iter().any(|r| r.id == g) {
                    groups.extend(self.group_ref(&g)?);
                }
            }
        }
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
        let mut sources = Vec::new();
        for m in &members {
            for source in self.sources_for(&m.to_string())? {
                if !sources
                    .iter()
                    .any(|s: &SourceRef| s.id == source.id && s.fact == source.fact)
                {
                    sources.push(source);
                }
            }
        }
        Ok(PersonPage {
            protection: current(&statuses, "protection").cloned(),
            refugee: current(&statuses, "refugee").cloned(),
            sources,
            interventions: self.cluster_linked_from(Kind::Intervention, "concerns", &sid)?,
            attachments: self.cluster_linked_from(Kind::Attachment, "attached_to", &sid)?,
            cluster: self.cluster_view(&sid)?,
            viewed,
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
        let mut out = Vec::new();
        for owner in crate::oplog::timeline::owners_linking(self.conn(), target, link)? {
            out.extend(self.summary(kind, &owner)?.filter(|s| !s.deleted));
        }
        Ok(out)
    }

    /// A group, its first page of members (the person list filtered by the group
    /// pages on), and its timeline.
    pub fn group_page(&self, id: Uuid) -> Result<GroupPage> {
        let record = self.get(Kind::Group, id)?;
        let sid = id.to_string();
        let members = self.person_list(&PersonQuery {
            group: Some(sid.clone()),
            ..PersonQuery::default()
        })?;
        Ok(GroupPage {
            asserted_count: record.fields.get("asserted_count").and_then(Value::as_i64),
            identified: index::identified(self.conn(), &sid)?,
            members,
            timeline: self.timeline(&sid, Kind::Group)?,
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
