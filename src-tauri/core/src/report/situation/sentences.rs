//! The sentences of the summary's three paragraphs, each with its figures.

use super::{
    effective, sort_day, Citations, CitedRecord, EventFact, Figure, Inputs, Sentence, StatusFact,
    Subject, RECORDS_LISTED,
};
use crate::domain::status::{current, StatusEntry};
use crate::domain::Kind;
use crate::report::lang::{self, Lang, Noun, ASYLUM_SEEKER, INCIDENT, MAN, WOMAN};
use crate::report::phrases;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The noun for a number of people: men or women when everyone is known to be.
fn noun_for(subjects: &[&Subject], n: u64) -> Noun {
    let sexes: BTreeSet<Option<&str>> = subjects.iter().map(|s| s.sex.as_deref()).collect();
    match (n >= 2, sexes.into_iter().collect::<Vec<_>>().as_slice()) {
        (true, [Some("male")]) => MAN,
        (true, [Some("female")]) => WOMAN,
        _ => ASYLUM_SEEKER,
    }
}

fn distinct(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// "3–5 June 2005", or "3 May 2005 – 10 June 2005" for several dates.
fn when(lang: Lang, dates: &[String]) -> Option<String> {
    let mut dated: Vec<&String> = dates.iter().collect();
    dated.sort_by_key(|d| lang::first_day(d));
    match dated.as_slice() {
        [] => None,
        [one] => Some(lang::date(lang, one, lang::Case::Nominative)),
        [first, .., last] if first == last => Some(lang::date(lang, first, lang::Case::Nominative)),
        [first, .., last] => Some(match lang {
            Lang::En => format!(
                "{} – {}",
                lang::date(lang, first, lang::Case::Nominative),
                lang::date(lang, last, lang::Case::Nominative)
            ),
            Lang::Ru => format!(
                "с {} по {}",
                lang::date(lang, first, lang::Case::Genitive),
                lang::date(lang, last, lang::Case::Nominative)
            ),
        }),
    }
}

fn listed(records: Vec<CitedRecord>) -> (Vec<CitedRecord>, u64) {
    let mut seen = BTreeSet::new();
    let records: Vec<CitedRecord> = records
        .into_iter()
        .filter(|r| seen.insert(r.id.clone()))
        .collect();
    let more = records.len().saturating_sub(RECORDS_LISTED) as u64;
    (records.into_iter().take(RECORDS_LISTED).collect(), more)
}

fn figure(value: u64, counts: &str, records: Vec<CitedRecord>, sources: Vec<u32>) -> Figure {
    let (records, more_records) = listed(records);
    Figure {
        value,
        counts: counts.into(),
        records,
        more_records,
        sources,
        list: None,
    }
}

fn sentence(main: String, details: Vec<String>, figures: Vec<Figure>) -> Sentence {
    let text = if details.is_empty() {
        format!("{main}.")
    } else {
        format!("{main} ({}).", details.join("; "))
    };
    let sources = figures
        .iter()
        .flat_map(|f| f.sources.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Sentence {
        text,
        figures,
        sources,
    }
}

fn subject_ref(s: &Subject) -> CitedRecord {
    CitedRecord {
        kind: s.kind,
        id: s.id.clone(),
        label: s.label.clone(),
    }
}

/// Who acted, by role: "perpetrator: Kyrgyz authorities".
fn actors(lang: Lang, events: &[&EventFact]) -> Vec<String> {
    let mut by_role: Vec<(String, Vec<String>)> = Vec::new();
    for (role, actor) in events.iter().flat_map(|e| e.actors.iter()) {
        match by_role.iter_mut().find(|(r, _)| r == role) {
            Some((_, list)) if !list.contains(actor) => list.push(actor.clone()),
            Some(_) => {}
            None => by_role.push((role.clone(), vec![actor.clone()])),
        }
    }
    by_role
        .into_iter()
        .map(|(role, list)| {
            format!(
                "{}: {}",
                lang::lowercase_first(&role),
                lang::join_some(lang, &list, 3)
            )
        })
        .collect()
}

pub(super) fn event_sentences(inp: &Inputs, cite: &mut Citations) -> Vec<Sentence> {
    let lang = inp.lang;
    let mut by_type: Vec<(String, Vec<&EventFact>)> = Vec::new();
    let mut events: Vec<&EventFact> = inp
        .events
        .iter()
        .filter(|e| effective(e.date.as_deref(), inp.as_of))
        .collect();
    events.sort_by_key(|e| (sort_day(&e.date), e.id.clone()));
    for e in events {
        match by_type.iter_mut().find(|(t, _)| *t == e.event_type) {
            Some((_, list)) => list.push(e),
            None => by_type.push((e.event_type.clone(), vec![e])),
        }
    }
    let mut out = Vec::new();
    for (event_type, events) in by_type {
        let (with, without): (Vec<&EventFact>, Vec<&EventFact>) =
            events.into_iter().partition(|e| !e.victims.is_empty());
        let type_label = with
            .first()
            .or(without.first())
            .map(|e| e.type_label.clone())
            .unwrap_or_default();
        if !with.is_empty() {
            out.push(victims_sentence(
                lang,
                &event_type,
                &type_label,
                &with,
                cite,
            ));
        }
        if !without.is_empty() {
            out.push(incident_sentence(lang, &type_label, &without, cite));
        }
    }
    out
}

fn details(
    lang: Lang,
    places: Vec<String>,
    dates: Vec<String>,
    events: &[&EventFact],
) -> Vec<String> {
    let mut out = Vec::new();
    let places = distinct(places);
    if !places.is_empty() {
        out.push(lang::join_some(lang, &places, 3));
    }
    out.extend(when(lang, &dates));
    out.extend(actors(lang, events));
    out
}

fn victims_sentence(
    lang: Lang,
    event_type: &str,
    type_label: &str,
    events: &[&EventFact],
    cite: &mut Citations,
) -> Sentence {
    let mut groups: Vec<&Subject> = Vec::new();
    let mut persons: Vec<&Subject> = Vec::new();
    for v in events.iter().flat_map(|e| e.victims.iter()) {
        let list = if v.kind == Kind::Group {
            &mut groups
        } else {
            &mut persons
        };
        if !list.iter().any(|s| s.id == v.id) {
            list.push(v);
        }
    }
    let group_ids: BTreeSet<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    persons.retain(|p| !p.groups.iter().any(|g| group_ids.contains(g.as_str())));
    let subjects: Vec<&Subject> = groups.iter().chain(persons.iter()).copied().collect();
    let n: u64 = subjects.iter().map(|s| s.count).sum();
    let k: u64 = subjects.iter().map(|s| s.identified).sum();
    let main = phrases::event(event_type, type_label, lang, n, noun_for(&subjects, n));
    let mut d = Vec::new();
    if !groups.is_empty() {
        d.push(phrases::identified(lang, k));
    }
    d.extend(details(
        lang,
        events.iter().filter_map(|e| e.place.clone()).collect(),
        events.iter().filter_map(|e| e.date.clone()).collect(),
        events,
    ));
    let source_ids: Vec<String> = events
        .iter()
        .flat_map(|e| e.sources.iter())
        .chain(subjects.iter().flat_map(|s| s.sources.iter()))
        .cloned()
        .collect();
    let sources = cite.cite(&source_ids);
    let event_refs = events.iter().map(|e| CitedRecord {
        kind: Kind::Event,
        id: e.id.clone(),
        label: e.label.clone(),
    });
    let records: Vec<CitedRecord> = event_refs
        .chain(subjects.iter().map(|s| subject_ref(s)))
        .collect();
    let mut figures = vec![figure(n, "persons", records, sources.clone())];
    if !groups.is_empty() {
        figures.push(figure(
            k,
            "identified",
            groups.iter().map(|g| subject_ref(g)).collect(),
            sources,
        ));
    }
    sentence(main, d, figures)
}

fn incident_sentence(
    lang: Lang,
    type_label: &str,
    events: &[&EventFact],
    cite: &mut Citations,
) -> Sentence {
    let label = lang::capitalise(type_label);
    let main = match events {
        [one] => match &one.title {
            Some(t) if !t.trim().is_empty() => format!("{label}: {t}"),
            _ => label,
        },
        many => format!(
            "{label}: {}",
            lang::count(lang, many.len() as u64, INCIDENT)
        ),
    };
    let d = details(
        lang,
        events.iter().filter_map(|e| e.place.clone()).collect(),
        events.iter().filter_map(|e| e.date.clone()).collect(),
        events,
    );
    let ids: Vec<String> = events
        .iter()
        .flat_map(|e| e.sources.iter())
        .cloned()
        .collect();
    let sources = cite.cite(&ids);
    let records = events
        .iter()
        .map(|e| CitedRecord {
            kind: Kind::Event,
            id: e.id.clone(),
            label: e.label.clone(),
        })
        .collect();
    sentence(
        main,
        d,
        vec![figure(events.len() as u64, "incidents", records, sources)],
    )
}

pub(super) fn group_sentences(inp: &Inputs, cite: &mut Citations) -> Vec<Sentence> {
    let lang = inp.lang;
    // One bucket per status (type:value), with the groups it is current for.
    type Bucket<'a> = (usize, NaiveDate, String, Vec<(&'a Subject, &'a StatusFact)>);
    let mut buckets: Vec<Bucket> = Vec::new();
    for g in &inp.groups {
        let facts: Vec<&StatusFact> = g
            .statuses
            .iter()
            .filter(|s| effective(s.entry.date.as_deref(), inp.as_of))
            .collect();
        let entries: Vec<StatusEntry> = facts.iter().map(|f| f.entry.clone()).collect();
        for (order, status_type) in crate::oplog::derive::STATUS_TYPES.iter().enumerate() {
            let Some(now) = current(&entries, status_type) else {
                continue;
            };
            if !now.explicit {
                continue;
            }
            let Some(fact) = facts.iter().find(|f| f.entry == *now) else {
                continue;
            };
            let key = if now.imminent && now.value == "at_risk" {
                format!("{status_type}:{}:imminent", now.value)
            } else {
                format!("{status_type}:{}", now.value)
            };
            let day = sort_day(&now.date);
            match buckets.iter_mut().find(|b| b.2 == key) {
                Some(b) => {
                    b.1 = b.1.min(day);
                    b.3.push((&g.group, fact));
                }
                None => buckets.push((order, day, key, vec![(&g.group, fact)])),
            }
        }
    }
    buckets.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    let mut out = Vec::new();
    for (_, _, key, members) in buckets {
        let subjects: Vec<&Subject> = members.iter().map(|(g, _)| *g).collect();
        let n: u64 = subjects.iter().map(|s| s.count).sum();
        let k: u64 = subjects.iter().map(|s| s.identified).sum();
        let first = members[0].1;
        let label = format!(
            "{} — {}",
            first.type_label,
            lang::lowercase_first(&first.value_label)
        );
        let main = phrases::status(&key, &label, lang, n, noun_for(&subjects, n));
        let mut d = vec![phrases::identified(lang, k)];
        let places = distinct(members.iter().filter_map(|(_, f)| f.place.clone()));
        if !places.is_empty() {
            d.push(lang::join_some(lang, &places, 3));
        }
        let mut dates: Vec<&String> = members
            .iter()
            .filter_map(|(_, f)| f.entry.date.as_ref())
            .collect();
        dates.sort_by_key(|d| lang::first_day(d));
        if let Some(first) = dates.first() {
            d.push(lang::since(lang, first));
        }
        let ids: Vec<String> = members
            .iter()
            .flat_map(|(g, f)| f.sources.iter().chain(g.sources.iter()))
            .cloned()
            .collect();
        let sources = cite.cite(&ids);
        let records: Vec<CitedRecord> = members
            .iter()
            .flat_map(|(g, f)| [f.record.clone(), subject_ref(g)])
            .collect();
        let figures = vec![
            figure(n, "persons", records, sources.clone()),
            figure(
                k,
                "identified",
                subjects.iter().map(|g| subject_ref(g)).collect(),
                sources,
            ),
        ];
        out.push(sentence(main, d, figures));
    }
    out
}

pub(super) fn person_sentences(inp: &Inputs) -> Vec<Sentence> {
    let lang = inp.lang;
    let p = &inp.persons;
    if p.total == 0 {
        return vec![];
    }
    let head = match (lang, inp.as_of) {
        (Lang::En, None) => format!(
            "Asylum-seekers recorded by name ({}), by current protection status",
            lang::number(lang, p.total)
        ),
        (Lang::Ru, None) => format!(
            "Просители убежища, учтённые поимённо ({}), по текущему статусу защиты",
            lang::number(lang, p.total)
        ),
        (Lang::En, Some(d)) => format!(
            "Asylum-seekers recorded by name, by protection status on {}",
            lang::day(lang, d)
        ),
        (Lang::Ru, Some(d)) => format!(
            "Просители убежища, учтённые поимённо, по статусу защиты на {}",
            lang::day(lang, d)
        ),
    };
    let parts: Vec<String> = p
        .by_status
        .iter()
        .map(|s| {
            format!(
                "{} — {}",
                lang::lowercase_first(&s.label),
                lang::number(lang, s.n)
            )
        })
        .collect();
    let figures = p
        .by_status
        .iter()
        .map(|s| Figure {
            value: s.n,
            counts: "persons".into(),
            more_records: s.n.saturating_sub(s.sample.len() as u64),
            records: s.sample.clone(),
            sources: vec![],
            list: Some(if s.value.is_empty() {
                String::new()
            } else {
                format!("status={}", s.value)
            }),
        })
        .collect();
    vec![Sentence {
        text: format!("{head}: {}.", parts.join("; ")),
        figures,
        sources: vec![],
    }]
}
