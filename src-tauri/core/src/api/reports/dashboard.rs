//! The dashboard's figures (see [`crate::report::dashboard`]), and the lists behind
//! the figures no other list shows: persons recorded in a month, events of a type in a
//! month, overdue and upcoming interventions.

use super::Lookup;
use crate::api::page::{self, Page};
use crate::api::records::RecordSummary;
use crate::api::Nansen;
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::oplog::{created, index};
use crate::report::dashboard::{
    self as d, CountedQuery, Dashboard, DeadlineCounts, MonthCount, PlaceCount, PlaceLevel,
    PlaceRef, StatusCount,
};
use crate::report::messages as m;
use crate::report::Lang;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use uuid::Uuid;

impl Nansen {
    /// Everything the dashboard shows, as of today.
    pub fn dashboard(&self) -> Result<Dashboard> {
        self.dashboard_as_of(chrono::Local::now().date_naive())
    }

    pub fn dashboard_as_of(&self, today: NaiveDate) -> Result<Dashboard> {
        let conn = self.conn();
        let counts = index::persons_by_status(conn, None)?;
        let persons = counts.values().sum();
        let new_persons = d::months_up_to(today, d::MONTHS)
            .into_iter()
            .map(|m| {
                Ok(MonthCount {
                    month: d::month_key(m),
                    n: created::persons_created_between(
                        conn,
                        &d::first_id_of(m),
                        &d::first_id_of(d::next_month(m)),
                    )?,
                })
            })
            .collect::<Result<_>>()?;
        let event_types: Vec<String> = self
            .vocab
            .0
            .get("event_type")
            .map(|t| t.iter().map(|t| t.term.clone()).collect())
            .unwrap_or_default();
        let deadlines = self.deadlines_as_of(today)?;
        // What the rest of the app shows for these (the navigation's badges).
        let info = self.info()?;
        Ok(Dashboard {
            persons,
            by_status: self.ordered_counts(counts),
            places: self.dashboard_places(None)?,
            new_persons,
            events: d::event_months(conn, &event_types)?,
            deadlines: DeadlineCounts {
                today: today.to_string(),
                overdue: deadlines.overdue.len() as u64,
                upcoming: deadlines.upcoming.len() as u64,
                days: crate::api::deadlines::UPCOMING_DAYS as u32,
            },
            conflicts: info.conflicts,
            duplicates: info.possible_duplicates,
        })
    }

    fn ordered_counts(&self, counts: BTreeMap<String, u64>) -> Vec<StatusCount> {
        let order = self.protection_order();
        let mut out: Vec<StatusCount> = counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(status, n)| StatusCount { status, n })
            .collect();
        out.sort_by_key(|c| {
            order
                .iter()
                .position(|o| *o == c.status)
                .unwrap_or(usize::MAX)
        });
        out
    }

    /// One level of the location tree: the places directly inside `parent` (the
    /// top-level places for none), each with the live persons inside it by status.
    pub fn dashboard_places(&self, parent: Option<Uuid>) -> Result<PlaceLevel> {
        let conn = self.conn();
        let lang = Lang::parse(&self.lang).unwrap_or(Lang::En);
        let mut look = Lookup::new(self, lang);
        let parent = parent.map(|p| p.to_string());
        let mut path = Vec::new();
        let mut at = parent.clone();
        while let Some(id) = at.take() {
            if path.len() > 64 || path.iter().any(|p: &PlaceRef| p.id == id) {
                break;
            }
            let Some(f) = crate::api::records::row_of(conn, Kind::Location, &id)? else {
                if path.is_empty() {
                    return Err(Error::not_found("location", &id));
                }
                break;
            };
            path.insert(
                0,
                PlaceRef {
                    label: look.name(Kind::Location, &id)?.unwrap_or_default(),
                    id: id.clone(),
                },
            );
            at = super::text(&f, "parent");
        }
        let total: u64 = index::persons_by_status(conn, parent.as_deref())?
            .values()
            .sum();
        let mut places = Vec::new();
        for (id, _, has_children) in d::child_places(conn, parent.as_deref())? {
            let counts = index::persons_by_status(conn, Some(&id))?;
            let n = counts.values().sum();
            places.push(PlaceCount {
                label: look.name(Kind::Location, &id)?.unwrap_or_default(),
                by_status: self.ordered_counts(counts),
                id,
                n,
                has_children,
            });
        }
        places.sort_by(|a, b| (b.n, &a.label, &a.id).cmp(&(a.n, &b.label, &b.id)));
        let inside: u64 = places.iter().map(|p| p.n).sum();
        Ok(PlaceLevel {
            path,
            places,
            elsewhere: total.saturating_sub(inside),
        })
    }

    /// The records behind a dashboard figure that no other list shows.
    pub fn dashboard_list(&self, q: &CountedQuery) -> Result<Page<RecordSummary>> {
        let limit = page::limit(q.limit)?;
        let after = q.after.as_deref().filter(|a| !a.is_empty());
        let month =
            || -> Result<NaiveDate> { d::parse_month(q.month.as_deref().unwrap_or_default()) };
        let (kind, ids, total) = match q.of.as_str() {
            "new_persons" => {
                let m = month()?;
                let (from, to) = (d::first_id_of(m), d::first_id_of(d::next_month(m)));
                let total = created::persons_created_between(self.conn(), &from, &to)?;
                let ids = created::persons_created_page(self.conn(), &from, &to, after, limit + 1)?;
                (Kind::Person, ids, total)
            }
            "events" => {
                let m = month()?;
                let (all, _) =
                    d::events_in_month(self.conn(), q.event_type.as_deref(), m, None, usize::MAX)?;
                let total = all.len() as u64;
                let ids = all
                    .into_iter()
                    .filter(|id| after.is_none_or(|a| id.as_str() > a))
                    .take(limit + 1)
                    .collect();
                (Kind::Event, ids, total)
            }
            "overdue" | "upcoming" => {
                let deadlines = self.deadlines()?;
                let list = if q.of == "overdue" {
                    deadlines.overdue
                } else {
                    deadlines.upcoming
                };
                let total = list.len() as u64;
                (
                    Kind::Intervention,
                    list.into_iter().map(|d| d.id).collect(),
                    total,
                )
            }
            other => return Err(Error::invalid(m::unknown_dashboard_list(other))),
        };
        let more = kind != Kind::Intervention && ids.len() > limit;
        let mut items = Vec::new();
        for id in ids.iter().take(if kind == Kind::Intervention {
            ids.len()
        } else {
            limit
        }) {
            items.extend(self.summary(kind, id)?);
        }
        Ok(Page {
            next: if more {
                items.last().map(|i| i.id.clone())
            } else {
                None
            },
            items,
            total,
            total_capped: false,
        })
    }
}
