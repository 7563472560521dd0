//! Reports (see [`crate::report`]): the situation summary, the urgent-action sheet and
//! the dashboard. This module gathers what they show through the same API every list
//! uses — persons through `person_list`, `person_page`, `group_page` and the derived
//! counts (`oplog::index`), which count a cluster of persons judged the same once —
//! and hands it to the report module, which writes and typesets.

mod appeal;
mod dashboard;
mod sheet;
mod situation;

pub use crate::report::dashboard::{
    CountedQuery, Dashboard, DeadlineCounts, EventMonths, EventSeries, MonthCount, PlaceCount,
    PlaceLevel, PlaceRef, StatusCount,
};
pub use crate::report::situation::{
    CitedRecord, Figure, Paragraph, Sentence, Situation, SourceNote,
};
pub use sheet::SheetReport;

use super::records::{row_of, ListQuery, RecordSummary};
use super::Nansen;
use crate::domain::schema::DELETED;
use crate::domain::Kind;
use crate::error::Result;
use crate::report::situation::SourceInfo;
use crate::report::Lang;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(crate) fn text(f: &Map<String, Value>, k: &str) -> Option<String> {
    f.get(k).and_then(Value::as_str).map(str::to_string)
}

fn live(f: &Map<String, Value>) -> bool {
    f.get(DELETED) != Some(&Value::Bool(true))
}

/// What a report looks up again and again, read once: labels in the report's
/// language and sources.
pub(crate) struct Lookup<'a> {
    pub n: &'a Nansen,
    pub lang: Lang,
    labels: BTreeMap<String, Option<String>>,
    sources: BTreeMap<String, SourceInfo>,
}

impl<'a> Lookup<'a> {
    pub fn new(n: &'a Nansen, lang: Lang) -> Self {
        Lookup {
            n,
            lang,
            labels: BTreeMap::new(),
            sources: BTreeMap::new(),
        }
    }

    /// A vocabulary term's label in the report's language.
    pub fn term(&self, vocab: &str, term: &str) -> String {
        self.n.vocab.label(vocab, term, self.lang.code())
    }

    /// A place's or actor's name as the report's readers write it: the alias in their
    /// language when there is one ("Ош" in Russian), else its name.
    pub fn name(&mut self, kind: Kind, id: &str) -> Result<Option<String>> {
        if let Some(l) = self.labels.get(id) {
            return Ok(l.clone());
        }
        let label = match row_of(self.n.conn(), kind, id)? {
            None => None,
            Some(f) => {
                let own = self.n.label_of(kind, &f);
                let prefix = format!("{}-", self.lang.code());
                let alias = crate::oplog::state::present_elements(self.n.conn(), id, "aliases")?
                    .into_iter()
                    .find(|a| {
                        a.get("lang")
                            .and_then(Value::as_str)
                            .is_some_and(|l| l.starts_with(&prefix))
                    })
                    .and_then(|a| a.get("text").and_then(Value::as_str).map(str::to_string));
                Some(match (self.lang, alias) {
                    (Lang::Ru, Some(a)) => a,
                    _ => own,
                })
            }
        };
        self.labels.insert(id.to_string(), label.clone());
        Ok(label)
    }

    /// A live source, with its labels in the report's language.
    pub fn source(&mut self, id: &str) -> Result<Option<SourceInfo>> {
        if let Some(s) = self.sources.get(id) {
            return Ok(Some(s.clone()));
        }
        let Some(f) = row_of(self.n.conn(), Kind::Source, id)?.filter(live) else {
            return Ok(None);
        };
        let source_type = text(&f, "type");
        let reliability = text(&f, "reliability");
        let info = SourceInfo {
            title: text(&f, "title").unwrap_or_default(),
            type_label: source_type.as_deref().map(|t| self.term("source_type", t)),
            reliability_label: reliability.as_deref().map(|r| self.term("reliability", r)),
            source_type,
            reliability,
            confidential: text(&f, "confidentiality").as_deref() == Some("strictly_confidential"),
        };
        self.sources.insert(id.to_string(), info.clone());
        Ok(Some(info))
    }

    /// The live sources a record's `sources` link names.
    pub fn sources_of(&mut self, owner: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for e in crate::oplog::state::present_elements(self.n.conn(), owner, "sources")? {
            if let Some(id) = e.get("source").and_then(Value::as_str) {
                if self.source(id)?.is_some() && !out.iter().any(|o| o == id) {
                    out.push(id.to_string());
                }
            }
        }
        Ok(out)
    }

    pub fn known_sources(&self) -> BTreeMap<String, SourceInfo> {
        self.sources.clone()
    }
}

impl Nansen {
    /// Every live record of a kind, a page at a time (for kinds a report reads whole:
    /// events, statuses, groups, interventions — never persons).
    pub(crate) fn every(&self, kind: Kind) -> Result<Vec<RecordSummary>> {
        debug_assert_ne!(kind, Kind::Person);
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.list(
                kind,
                &ListQuery {
                    limit: Some(crate::api::page::MAX_LIMIT),
                    after: after.take(),
                    ..ListQuery::default()
                },
            )?;
            out.extend(page.items);
            match page.next {
                Some(n) => after = Some(n),
                None => return Ok(out),
            }
        }
    }

    /// The ids of every member of a group, as the person list lists them (a cluster
    /// of persons judged the same once), read from the index without building rows.
    pub(crate) fn member_ids(&self, group: &str) -> Result<Vec<String>> {
        let filter = crate::oplog::index::Filter {
            group: Some(group.to_string()),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let keys = crate::oplog::index::page(
                self.conn(),
                Kind::Person,
                &filter,
                after.as_ref(),
                crate::api::page::MAX_LIMIT,
            )?;
            after = keys.rows.last().cloned();
            out.extend(keys.rows.into_iter().map(|r| r.id));
            if !keys.more {
                return Ok(out);
            }
        }
    }
}
