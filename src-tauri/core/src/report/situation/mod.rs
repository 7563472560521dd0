//! The situation summary: the seed's own form ("The Prosecutor General listed 103
//! asylum-seekers…; 29 were taken to the Osh detention centre; 4 men were forcibly
//! returned; UNHCR assessment pending for 29") written from the records, as of a day.
//!
//! Three paragraphs, each sentence carrying its figures, and each figure the records
//! and the numbered sources behind it:
//!
//! - **events**, one sentence per event type: the people an event of that type
//!   happened to (a group counts as its asserted count, or as its identified members
//!   when more are known; a person named as a victim counts once unless one of the
//!   event's groups already counts them), where, when, and who acted in which role.
//!   Events with no victims recorded are incidents ("Camp surrounded or raided: …").
//! - **groups' current status**: a group's latest status of each type, when a status
//!   record (not an event) says it: "29 asylum-seekers remain at risk of imminent
//!   forcible return", "UNHCR assessment pending for 29 asylum-seekers".
//! - **persons recorded by name**: how many have each current protection status.
//!
//! Only what took effect on or before the day counts: an event or status whose date
//! can have begun by then (an undated one always counts). Group sizes and memberships
//! carry no dates and are taken as they stand.
//!
//! This module only writes: the service API (`api::reports`) gathers the [`Inputs`] through the
//! cluster-aware person and group API.

mod sentences;

use super::lang::{self, Lang};
use crate::domain::status::StatusEntry;
use crate::domain::Kind;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// How many records a figure lists by id (the rest are counted in `more_records`).
pub const RECORDS_LISTED: usize = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CitedRecord {
    pub kind: Kind,
    pub id: String,
    pub label: String,
}

/// A source, numbered as the summary cites it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SourceNote {
    pub n: u32,
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub source_type: Option<String>,
    pub type_label: Option<String>,
    pub reliability: Option<String>,
    pub reliability_label: Option<String>,
    /// Marked strictly confidential: the rendered text names only its type and
    /// reliability.
    pub confidential: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Figure {
    pub value: u64,
    /// What it counts: `persons`, `identified` (persons known by name) or `incidents`.
    pub counts: String,
    /// The records behind it: events, status records, groups, persons.
    pub records: Vec<CitedRecord>,
    /// Records behind it beyond those listed.
    pub more_records: u64,
    /// The numbers of its sources in [`Situation::sources`].
    pub sources: Vec<u32>,
    /// The person list that shows what it counts, as its query (`status=at_risk`).
    pub list: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Sentence {
    pub text: String,
    pub figures: Vec<Figure>,
    pub sources: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Paragraph {
    /// `events`, `groups` or `persons`.
    pub key: String,
    pub heading: String,
    pub sentences: Vec<Sentence>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Situation {
    pub lang: String,
    /// The day asked for; none for "now".
    pub as_of: Option<String>,
    /// The day it describes.
    pub date: String,
    pub title: String,
    pub paragraphs: Vec<Paragraph>,
    pub sources: Vec<SourceNote>,
    /// All of it as plain text, sources cited as [1].
    pub text: String,
}

/// A victim of an event, or a group with a status.
#[derive(Debug, Clone)]
pub struct Subject {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    /// A group's asserted count (or its identified members, if more); 1 for a person.
    pub count: u64,
    pub identified: u64,
    /// For a person: the live groups they belong to.
    pub groups: Vec<String>,
    /// The sex of everyone it stands for, when all are known and the same.
    pub sex: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EventFact {
    pub id: String,
    pub label: String,
    pub event_type: String,
    pub type_label: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub victims: Vec<Subject>,
    /// (role label, actor label) of everyone else involved.
    pub actors: Vec<(String, String)>,
    pub sources: Vec<String>,
}

/// An entry of a group's timeline that gives it a status.
#[derive(Debug, Clone)]
pub struct StatusFact {
    pub entry: StatusEntry,
    pub record: CitedRecord,
    pub type_label: String,
    pub value_label: String,
    pub place: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct GroupFacts {
    pub group: Subject,
    pub statuses: Vec<StatusFact>,
}

#[derive(Debug, Clone)]
pub struct StatusCount {
    pub value: String,
    pub label: String,
    pub n: u64,
    /// Some of the persons counted, and how many more there are.
    pub sample: Vec<CitedRecord>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonCounts {
    pub total: u64,
    pub by_status: Vec<StatusCount>,
}

#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub title: String,
    pub source_type: Option<String>,
    pub type_label: Option<String>,
    pub reliability: Option<String>,
    pub reliability_label: Option<String>,
    pub confidential: bool,
}

pub struct Inputs {
    pub lang: Lang,
    pub as_of: Option<NaiveDate>,
    pub today: NaiveDate,
    pub events: Vec<EventFact>,
    pub groups: Vec<GroupFacts>,
    pub persons: PersonCounts,
    pub sources: BTreeMap<String, SourceInfo>,
}

/// Whether something dated `date` had taken effect by `as_of`.
pub fn effective(date: Option<&str>, as_of: Option<NaiveDate>) -> bool {
    match (as_of, date.and_then(lang::first_day)) {
        (Some(day), Some(first)) => first <= day,
        _ => true,
    }
}

pub(super) fn sort_day(date: &Option<String>) -> NaiveDate {
    date.as_deref()
        .and_then(lang::first_day)
        .unwrap_or(NaiveDate::MAX)
}

/// Numbers sources in order of first citation.
pub(super) struct Citations<'a> {
    known: &'a BTreeMap<String, SourceInfo>,
    numbered: Vec<SourceNote>,
}

impl Citations<'_> {
    pub(super) fn cite(&mut self, ids: &[String]) -> Vec<u32> {
        let mut out = BTreeSet::new();
        for id in ids {
            if let Some(note) = self.numbered.iter().find(|n| &n.id == id) {
                out.insert(note.n);
                continue;
            }
            let Some(s) = self.known.get(id) else {
                continue;
            };
            let n = self.numbered.len() as u32 + 1;
            self.numbered.push(SourceNote {
                n,
                id: id.clone(),
                title: s.title.clone(),
                source_type: s.source_type.clone(),
                type_label: s.type_label.clone(),
                reliability: s.reliability.clone(),
                reliability_label: s.reliability_label.clone(),
                confidential: s.confidential,
            });
            out.insert(n);
        }
        out.into_iter().collect()
    }
}

/// Writes the summary.
pub fn compose(inp: &Inputs) -> Situation {
    let lang = inp.lang;
    let mut cite = Citations {
        known: &inp.sources,
        numbered: Vec::new(),
    };
    let day = inp.as_of.unwrap_or(inp.today);
    let title = match lang {
        Lang::En => format!("Situation summary as of {}", lang::day(lang, day)),
        Lang::Ru => format!("Обзор ситуации на {}", lang::day(lang, day)),
    };
    let mut paragraphs = Vec::new();
    for (key, heading, sentences) in [
        (
            "events",
            lang.pick("Events", "События"),
            sentences::event_sentences(inp, &mut cite),
        ),
        (
            "groups",
            match inp.as_of {
                None => lang.pick("Where groups stand now", "Текущее положение групп"),
                Some(_) => lang.pick("Where groups stood", "Положение групп"),
            },
            sentences::group_sentences(inp, &mut cite),
        ),
        (
            "persons",
            lang.pick("Persons recorded by name", "Лица, учтённые поимённо"),
            sentences::person_sentences(inp),
        ),
    ] {
        if !sentences.is_empty() {
            paragraphs.push(Paragraph {
                key: key.into(),
                heading: heading.into(),
                sentences,
            });
        }
    }
    let sources = cite.numbered;
    let text = render(lang, &title, &paragraphs, &sources);
    Situation {
        lang: lang.code().into(),
        as_of: inp.as_of.map(|d| d.to_string()),
        date: day.to_string(),
        title,
        paragraphs,
        sources,
        text,
    }
}

/// "[1] Title — NGO report; reliability: B — Usually reliable".
pub fn source_line(lang: Lang, s: &SourceNote) -> String {
    let title = if s.confidential {
        lang.pick("A confidential source", "Конфиденциальный источник")
            .to_string()
    } else {
        s.title.clone()
    };
    let mut line = format!("[{}] {title}", s.n);
    if let Some(t) = &s.type_label {
        line.push_str(&format!(" — {t}"));
    }
    line.push_str(&match &s.reliability_label {
        Some(r) => format!("; {}: {r}", lang.pick("reliability", "надёжность")),
        None => lang
            .pick("; reliability not assessed", "; надёжность не оценена")
            .to_string(),
    });
    line
}

fn render(lang: Lang, title: &str, paragraphs: &[Paragraph], sources: &[SourceNote]) -> String {
    let mut out = format!("{title}\n");
    for p in paragraphs {
        out.push_str(&format!("\n{}\n", p.heading));
        for s in &p.sentences {
            out.push_str(&s.text);
            if !s.sources.is_empty() {
                let cited: Vec<String> = s.sources.iter().map(|n| n.to_string()).collect();
                out.push_str(&format!(" [{}]", cited.join(", ")));
            }
            out.push('\n');
        }
    }
    if !sources.is_empty() {
        out.push_str(&format!("\n{}\n", lang.pick("Sources", "Источники")));
        for s in sources {
            out.push_str(&source_line(lang, s));
            out.push('\n');
        }
    }
    out
}
