//! A cluster of records judged the same person, as the person pages and lists show it:
//! every member's names (as aliases), groups, family, sources, interventions and
//! attachments together, and the fields on which the members disagree.

use super::{ClusterMember, ClusterView, DifferingField, MemberValue};
use crate::api::Nansen;
use crate::domain::schema::{DELETED, SAMPLE};
use crate::domain::Kind;
use crate::error::Result;
use crate::oplog::derive::clusters;
use crate::oplog::state::row_of;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Fields that say nothing about who the person is.
const NOT_COMPARED: [&str; 3] = [DELETED, SAMPLE, "notes"];

impl Nansen {
    /// The persons shown as `person` (its cluster's members, or itself).
    pub(crate) fn shown_as(&self, person: &str) -> Result<Vec<String>> {
        clusters::shown_as(self.conn(), person)
    }

    /// The representative a person is shown as.
    pub(crate) fn shown_under(&self, person: &str) -> Result<String> {
        Ok(clusters::cluster_of(self.conn(), person)?.unwrap_or_else(|| person.to_string()))
    }

    /// Every name of a cluster but the representative's own: the other members' names
    /// and everyone's aliases, each once.
    pub(crate) fn cluster_aliases(&self, rep: &str) -> Result<Vec<Value>> {
        let own_name = row_of(self.conn(), Kind::Person, rep)?.and_then(|f| f.get("name").cloned());
        let mut out: Vec<Value> = Vec::new();
        for member in self.shown_as(rep)? {
            if member != rep {
                if let Some(name) =
                    row_of(self.conn(), Kind::Person, &member)?.and_then(|f| f.get("name").cloned())
                {
                    out.push(name);
                }
            }
            out.extend(self.elems(&member, "aliases")?);
        }
        let mut seen = Vec::new();
        out.retain(|a| {
            let key = json!([a.get("text"), a.get("lang")]);
            let fresh = Some(a) != own_name.as_ref() && !seen.contains(&key);
            seen.push(key);
            fresh
        });
        Ok(out)
    }

    pub(crate) fn cluster_view(&self, rep: &str) -> Result<Option<ClusterView>> {
        let members = clusters::members(self.conn(), rep)?;
        if members.is_empty() {
            return Ok(None);
        }
        let mut shown = Vec::new();
        let mut values: BTreeMap<String, Vec<MemberValue>> = BTreeMap::new();
        for member in &members {
            let id = crate::ids::parse_id("person", member)?;
            let view = self.get(Kind::Person, id)?;
            for (field, value) in &view.fields {
                if !NOT_COMPARED.contains(&field.as_str()) && !value.is_null() {
                    values.entry(field.clone()).or_default().push(MemberValue {
                        person: member.clone(),
                        value: value.clone(),
                    });
                }
            }
            shown.push(ClusterMember {
                id: member.clone(),
                name: view.fields.get("name").cloned().unwrap_or(Value::Null),
                label: view.label,
                created: view.created,
            });
        }
        let differing = values
            .into_iter()
            .filter(|(field, vals)| {
                field != "name" && vals.iter().any(|v| v.value != vals[0].value)
            })
            .map(|(field, values)| DifferingField { field, values })
            .collect();
        Ok(Some(ClusterView {
            representative: rep.to_string(),
            members: shown,
            differing,
        }))
    }

    /// What every member of a cluster links from `kind`'s `link` set, each once.
    pub(crate) fn cluster_linked_from(
        &self,
        kind: Kind,
        link: &str,
        rep: &str,
    ) -> Result<Vec<crate::api::RecordSummary>> {
        let mut out: Vec<crate::api::RecordSummary> = Vec::new();
        for member in self.shown_as(rep)? {
            for r in self.linked_from(kind, link, &member)? {
                if !out.iter().any(|o| o.id == r.id) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// The records of a cluster's members, for the person page: the `Uuid`s.
    pub(crate) fn cluster_ids(&self, rep: &str) -> Result<Vec<Uuid>> {
        self.shown_as(rep)?
            .iter()
            .map(|m| crate::ids::parse_id("person", m))
            .collect()
    }
}
