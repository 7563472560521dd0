//! Deadlines: interventions with a due date that are not finished, overdue or due in
//! the next [`UPCOMING_DAYS`] days, each with the persons, groups and events it
//! concerns.
//!
//! A due date may be approximate (`2005-06`): it falls due on the last day it can mean,
//! so "June 2005" is overdue from 1 July. An intervention is finished when its status
//! is one of [`FINISHED`]; `response_received` is not, since the response still has to
//! be acted on and the intervention closed.

use super::records::{row_of, ListQuery};
use super::Nansen;
use crate::date::FuzzyDate;
use crate::domain::Kind;
use crate::error::Result;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// How far ahead "upcoming" looks, in days (today included).
pub const UPCOMING_DAYS: i64 = 7;
/// The intervention statuses that end its deadline.
pub const FINISHED: &[&str] = &["closed"];

/// A record an intervention concerns.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Concern {
    pub kind: Kind,
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Deadline {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub intervention_type: String,
    pub status: String,
    /// The due date as recorded (it may be approximate).
    pub due: String,
    /// The day it falls due (YYYY-MM-DD).
    pub due_on: String,
    /// Days from today to that day: negative when overdue, 0 when due today.
    pub days_left: i64,
    pub target: Option<String>,
    pub target_label: Option<String>,
    pub concerns: Vec<Concern>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Deadlines {
    /// The day the list was made for (YYYY-MM-DD).
    pub as_of: String,
    /// Past due, the longest overdue first.
    pub overdue: Vec<Deadline>,
    /// Due from today to `UPCOMING_DAYS` days ahead, the soonest first.
    pub upcoming: Vec<Deadline>,
}

impl Nansen {
    /// Overdue and upcoming interventions, as of today (this computer's date).
    pub fn deadlines(&self) -> Result<Deadlines> {
        self.deadlines_as_of(chrono::Local::now().date_naive())
    }

    pub fn deadlines_as_of(&self, today: NaiveDate) -> Result<Deadlines> {
        let mut overdue = Vec::new();
        let mut upcoming = Vec::new();
        let mut after = None;
        loop {
            let page = self.list(
                Kind::Intervention,
                &ListQuery {
                    limit: Some(1000),
                    after: after.take(),
                    ..ListQuery::default()
                },
            )?;
            for r in page.items {
                let field = |k: &str| r.fields.get(k).and_then(Value::as_str).map(str::to_string);
                let (Some(due), status) = (field("due"), field("status").unwrap_or_default())
                else {
                    continue;
                };
                if FINISHED.contains(&status.as_str()) {
                    continue;
                }
                let Some(due_on) = FuzzyDate::parse(&due).ok().and_then(|d| d.bounds().1) else {
                    continue;
                };
                let days_left = (due_on - today).num_days();
                if days_left >= UPCOMING_DAYS {
                    continue;
                }
                let target = field("target");
                let deadline = Deadline {
                    title: r.label.clone(),
                    intervention_type: field("type").unwrap_or_default(),
                    status,
                    due,
                    due_on: due_on.to_string(),
                    days_left,
                    target_label: target
                        .as_ref()
                        .and_then(|t| r.refs.get(t))
                        .map(|l| l.label.clone()),
                    target,
                    concerns: self.concerns(&r.id)?,
                    id: r.id,
                };
                if days_left < 0 {
                    overdue.push(deadline);
                } else {
                    upcoming.push(deadline);
                }
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let order = |a: &Deadline, b: &Deadline| (a.days_left, &a.id).cmp(&(b.days_left, &b.id));
        overdue.sort_by(order);
        upcoming.sort_by(order);
        Ok(Deadlines {
            as_of: today.to_string(),
            overdue,
            upcoming,
        })
    }

    fn concerns(&self, intervention: &str) -> Result<Vec<Concern>> {
        let mut out = Vec::new();
        for e in crate::oplog::state::present_elements(self.conn(), intervention, "concerns")? {
            for kind in [Kind::Person, Kind::Group, Kind::Event] {
                let Some(id) = e.get(kind.as_str()).and_then(Value::as_str) else {
                    continue;
                };
                let Some(f) = row_of(self.conn(), kind, id)? else {
                    continue;
                };
                if f.get(crate::domain::schema::DELETED) != Some(&Value::Bool(true)) {
                    out.push(Concern {
                        kind,
                        id: id.to_string(),
                        label: self.label_of(kind, &f),
                    });
                }
            }
        }
        Ok(out)
    }
}
