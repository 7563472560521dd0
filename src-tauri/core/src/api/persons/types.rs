//! What the person and group pages and the person list show.

use crate::api::page::Page;
use crate::api::records::{RecordSummary, RecordView, RefLabel, Stamp};
use crate::domain::status::StatusEntry;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct PersonQuery {
    /// Matches any name or alias, in any script or transliteration.
    pub q: Option<String>,
    /// A protection status term: only persons whose current status is this.
    pub status: Option<String>,
    /// A location id: only persons whose current status places them there (or inside it).
    pub location: Option<String>,
    /// A group id: only its members.
    pub group: Option<String>,
    pub include_deleted: bool,
    /// Rows per page (see `page::limit`).
    pub limit: Option<usize>,
    /// The cursor of the page before (its `next`).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonSummary {
    pub id: String,
    #[ts(type = "NameValue | null")]
    pub name: Value,
    pub label: String,
    #[ts(type = "Array<NameValue>")]
    pub aliases: Vec<Value>,
    pub protection: Option<StatusEntry>,
    pub refugee: Option<StatusEntry>,
    pub location: Option<String>,
    pub location_label: Option<String>,
    pub groups: Vec<String>,
    pub in_conflict: bool,
    pub sample: bool,
    pub deleted: bool,
    /// How many other records are merged into this one (judged the same person).
    pub merged: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SourceRef {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub source_type: Option<String>,
    pub reliability: Option<String>,
    pub fact: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TimelineItem {
    /// `event` or `status`.
    pub item: String,
    pub id: String,
    pub date: Option<String>,
    pub end_date: Option<String>,
    /// The event type, for events.
    pub event_type: Option<String>,
    pub title: String,
    pub location: Option<String>,
    pub location_label: Option<String>,
    /// The person's role in an event (victim, witness…).
    pub role: Option<String>,
    /// Set when the item reaches the person through a group.
    pub via_group: Option<String>,
    pub via_group_label: Option<String>,
    /// The status this item records or implies.
    pub status_type: Option<String>,
    pub status_value: Option<String>,
    pub imminent: bool,
    pub implied: bool,
    pub sources: Vec<SourceRef>,
    pub in_conflict: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
    pub asserted_count: Option<i64>,
    pub identified: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FamilyRef {
    pub relation: String,
    pub person: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonPage {
    pub record: RecordView,
    pub protection: Option<StatusEntry>,
    pub refugee: Option<StatusEntry>,
    pub timeline: Vec<TimelineItem>,
    pub groups: Vec<GroupRef>,
    pub family: Vec<FamilyRef>,
    pub sources: Vec<SourceRef>,
    pub interventions: Vec<RecordSummary>,
    pub attachments: Vec<RecordSummary>,
    /// Labels of the locations named in statuses and the timeline.
    pub labels: BTreeMap<String, RefLabel>,
    /// The id asked for: a merged-away record shows its cluster's page.
    pub viewed: String,
    /// When records were judged the same person: all of them, and where they differ.
    pub cluster: Option<ClusterView>,
}

/// Records judged the same person, shown as one under the representative's id.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClusterView {
    pub representative: String,
    pub members: Vec<ClusterMember>,
    /// Fields whose values differ between members: a conflict to settle, never picked
    /// silently.
    pub differing: Vec<DifferingField>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ClusterMember {
    pub id: String,
    pub label: String,
    #[ts(type = "NameValue | null")]
    pub name: Value,
    /// Who recorded it, where and when.
    pub created: Option<Stamp>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DifferingField {
    pub field: String,
    pub values: Vec<MemberValue>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MemberValue {
    pub person: String,
    #[ts(type = "unknown")]
    pub value: Value,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupPage {
    pub record: RecordView,
    pub asserted_count: Option<i64>,
    pub identified: u64,
    /// The first page of the members; the person list filtered by this group has the
    /// rest.
    pub members: Page<PersonSummary>,
    pub timeline: Vec<TimelineItem>,
    pub interventions: Vec<RecordSummary>,
}
