//! Gathering an urgent-action sheet (see [`crate::report::sheet`]) from a person's or
//! a group's page, its groups, the interventions about it, and the situation summary
//! for the background; then typesetting it and writing the PDF.

use super::appeal::{appeal, Appeal};
use super::{text, Lookup};
use crate::api::persons::{GroupRef, TimelineItem};
use crate::api::records::{row_of, RecordSummary, RecordView};
use crate::api::Nansen;
use crate::domain::status::{current, StatusEntry};
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::report::lang::{self, Case, Lang};
use crate::report::messages as m;
use crate::report::sheet::{self, Line, Member, Name, SheetData};
use crate::report::situation::CitedRecord;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use ts_rs::TS;
use uuid::Uuid;

/// How many timeline lines, members and background sentences a sheet shows, so that it
/// stays within two pages.
const TIMELINE_MAX: usize = 12;
const MEMBERS_MAX: usize = 16;
const BACKGROUND_MAX: usize = 6;

#[derive(Debug, Clone, Serialize, TS)]
pub struct SheetReport {
    pub path: String,
    pub subject: CitedRecord,
    pub reference: String,
    pub lang: String,
    pub pages: u32,
    pub bytes: u64,
}

/// What differs between a person's sheet and a group's.
pub(super) struct Subject {
    pub(super) record: RecordView,
    pub(super) timeline: Vec<TimelineItem>,
    pub(super) interventions: Vec<RecordSummary>,
    pub(super) groups: Vec<GroupRef>,
    pub(super) protection: Option<StatusEntry>,
    pub(super) refugee: Option<StatusEntry>,
    pub(super) sources: Vec<String>,
}

fn headline(lang: Lang, protection: Option<&StatusEntry>) -> &'static str {
    match protection.map(|p| (p.value.as_str(), p.imminent)) {
        Some(("at_risk", true)) => lang.pick(
            "Imminent risk of forcible return",
            "Неминуемая угроза принудительного возвращения",
        ),
        Some(("at_risk" | "in_camp", _)) => lang.pick(
            "Fear of forcible return",
            "Угроза принудительного возвращения",
        ),
        Some(("detained", _)) => lang.pick(
            "Detained: fear of forcible return",
            "Под стражей: угроза принудительного возвращения",
        ),
        Some(("forcibly_returned", _)) => lang.pick(
            "Forcibly returned: fear of torture",
            "Принудительное возвращение: угроза пыток",
        ),
        Some(("whereabouts_unknown", _)) => {
            lang.pick("Whereabouts unknown", "Местонахождение неизвестно")
        }
        _ => lang.pick("Further information", "Дополнительная информация"),
    }
}

fn script_of(lang: Lang, text: &str) -> String {
    let cyrillic = text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    sheet::script_label(lang, if cyrillic { "-Cyrl" } else { "-Latn" })
}

fn names_of(lang: Lang, name: &Value, aliases: &[Value]) -> Vec<Name> {
    let one = |v: &Value| -> Option<Name> {
        let text = v
            .get("text")
            .and_then(Value::as_str)
            .or(v.as_str())?
            .to_string();
        let script = match v.get("lang").and_then(Value::as_str) {
            Some(tag) => sheet::script_label(lang, tag),
            None => script_of(lang, &text),
        };
        Some(Name { text, script })
    };
    let mut out: Vec<Name> = Vec::new();
    for n in std::iter::once(name).chain(aliases).filter_map(one) {
        if !out.iter().any(|o| o.text == n.text) {
            out.push(n);
        }
    }
    out
}

/// The spelling the sheet's readers read: Latin for English, Russian for Russian.
fn display_name(lang: Lang, name: &Value, aliases: &[Value]) -> String {
    let want = lang.pick("-Latn", "ru-");
    aliases
        .iter()
        .find(|a| {
            a.get("lang")
                .and_then(Value::as_str)
                .is_some_and(|l| l.contains(want))
        })
        .or(Some(name))
        .and_then(|v| v.get("text").and_then(Value::as_str).or(v.as_str()))
        .unwrap_or_default()
        .to_string()
}

/// The last eight hex digits of an id: its random part (the first ones of a UUIDv7 are
/// its time, shared by records made together).
pub(super) fn tail(id: &str) -> String {
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    hex[hex.len().saturating_sub(8)..].to_uppercase()
}

fn entry_of(item: &TimelineItem) -> Option<StatusEntry> {
    Some(StatusEntry {
        status_type: item.status_type.clone()?,
        value: item.status_value.clone()?,
        date: item.date.clone(),
        location: item.location.clone(),
        imminent: item.imminent,
        from_record: item.id.clone(),
        explicit: !item.implied,
        via_group: item.via_group.clone(),
    })
}

impl Nansen {
    fn sheet_subject(&self, kind: Kind, id: Uuid) -> Result<Subject> {
        let mut look = Lookup::new(self, Lang::En);
        match kind {
            Kind::Person => {
                let p = self.person_page(id)?;
                let mut interventions = p.interventions;
                for g in &p.groups {
                    interventions.extend(self.linked_from(
                        Kind::Intervention,
                        "concerns",
                        &g.id,
                    )?);
                }
                let mut sources: Vec<String> = p.sources.iter().map(|s| s.id.clone()).collect();
                for g in &p.groups {
                    sources.extend(look.sources_of(&g.id)?);
                }
                Ok(Subject {
                    record: p.record,
                    timeline: p.timeline,
                    interventions,
                    groups: p.groups,
                    protection: p.protection,
                    refugee: p.refugee,
                    sources,
                })
            }
            _ => {
                let g = self.group_page(id)?;
                let entries: Vec<StatusEntry> = g.timeline.iter().filter_map(entry_of).collect();
                Ok(Subject {
                    protection: current(&entries, "protection").cloned(),
                    refugee: current(&entries, "refugee").cloned(),
                    sources: look.sources_of(&id.to_string())?,
                    record: g.record,
                    timeline: g.timeline,
                    interventions: g.interventions,
                    groups: vec![],
                })
            }
        }
    }

    /// What the urgent-action sheet of a person or a group shows, in `en` or `ru`.
    pub fn urgent_action_data(&self, id: Uuid, lang: &str) -> Result<SheetData> {
        let lang = Lang::parse(lang)?;
        let kind = match self.kind_of(&id)? {
            Some(k @ (Kind::Person | Kind::Group)) => k,
            Some(other) => return Err(Error::invalid(m::not_a_sheet_subject(id, other))),
            None => return Err(Error::not_found("record", id)),
        };
        let s = self.sheet_subject(kind, id)?;
        let mut look = Lookup::new(self, lang);
        let f = &s.record.fields;
        let null = Value::Null;
        let no_aliases = Vec::new();
        let name = f.get("name").unwrap_or(&null);
        let aliases = s.record.links.get("aliases").unwrap_or(&no_aliases);
        let group = kind == Kind::Group;
        let today = chrono::Local::now().date_naive();

        let status_line = |look: &Lookup, e: &StatusEntry, place: Option<String>| -> String {
            let mut line = look.term("status", &e.value);
            if e.imminent {
                line.push_str(lang.pick(" (imminent)", " (неминуемо)"));
            }
            if let Some(p) = place {
                line.push_str(&format!(" — {p}"));
            }
            if let Some(d) = &e.date {
                line.push_str(&format!(", {}", lang::since(lang, d)));
            }
            line
        };
        let mut concern = Vec::new();
        for (label, e) in [
            (
                lang.pick("Protection status", "Статус защиты"),
                &s.protection,
            ),
            (
                lang.pick("UNHCR refugee status", "Статус беженца (УВКБ ООН)"),
                &s.refugee,
            ),
        ] {
            if let Some(e) = e {
                let place = match &e.location {
                    Some(l) => look.name(Kind::Location, l)?,
                    None => None,
                };
                concern.push(format!("{label}: {}", status_line(&look, e, place)));
            }
        }

        let mut details = Vec::new();
        let mut detail = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                details.push((k.to_string(), v));
            }
        };
        let (mut members, mut members_note) = (Vec::new(), None);
        if group {
            let asserted = f.get("asserted_count").and_then(Value::as_u64);
            let identified = crate::oplog::index::identified(self.conn(), &id.to_string())?;
            detail(
                lang.pick("Number of people", "Число людей"),
                asserted.map(|a| lang::number(lang, a)),
            );
            detail(
                lang.pick("Identified by name", "Известны поимённо"),
                Some(lang::number(lang, identified)),
            );
            let place = match text(f, "location") {
                Some(l) => look.name(Kind::Location, &l)?,
                None => None,
            };
            detail(lang.pick("Place", "Место"), place);
            detail(lang.pick("Description", "Описание"), text(f, "description"));
            let listed = self.person_list(&crate::api::PersonQuery {
                group: Some(id.to_string()),
                limit: Some(MEMBERS_MAX),
                ..Default::default()
            })?;
            for p in &listed.items {
                members.push(Member {
                    names: names_of(lang, &p.name, &p.aliases),
                    status: p
                        .protection
                        .as_ref()
                        .map(|e| look.term("status", &e.value))
                        .unwrap_or_else(|| "—".into()),
                });
            }
            let mut note = match (lang, asserted) {
                (Lang::En, Some(a)) => format!(
                    "{} of {} identified by name",
                    lang::number(lang, identified),
                    lang::number(lang, a)
                ),
                (Lang::Ru, Some(a)) => format!(
                    "Поимённо известны {} из {}",
                    lang::number(lang, identified),
                    lang::number(lang, a)
                ),
                (Lang::En, None) => {
                    format!("{} identified by name", lang::number(lang, identified))
                }
                (Lang::Ru, None) => {
                    format!("Поимённо известны: {}", lang::number(lang, identified))
                }
            };
            if listed.total > members.len() as u64 {
                note.push_str(&match lang {
                    Lang::En => format!(
                        "; {} more not listed here",
                        lang::number(lang, listed.total - members.len() as u64)
                    ),
                    Lang::Ru => format!(
                        "; ещё {} здесь не перечислены",
                        lang::number(lang, listed.total - members.len() as u64)
                    ),
                });
            }
            members_note = Some(note);
        } else {
            detail(
                lang.pick("Sex", "Пол"),
                text(f, "sex").map(|t| look.term("sex", &t)),
            );
            detail(
                lang.pick("Born", "Год рождения"),
                text(f, "birth_date").map(|d| lang::date(lang, &d, Case::Nominative)),
            );
            detail(
                lang.pick("Nationality", "Гражданство"),
                text(f, "nationality"),
            );
            let origin = match text(f, "origin") {
                Some(o) => look.name(Kind::Location, &o)?,
                None => None,
            };
            detail(lang.pick("From", "Откуда"), origin);
            let groups: Vec<String> = s
                .groups
                .iter()
                .map(|g| match (lang, g.asserted_count) {
                    (Lang::En, Some(a)) => {
                        format!("{} ({} of {} identified)", g.name, g.identified, a)
                    }
                    (Lang::Ru, Some(a)) => {
                        format!("{} (поимённо известны {} из {})", g.name, g.identified, a)
                    }
                    _ => g.name.clone(),
                })
                .collect();
            detail(lang.pick("Group", "Группа"), Some(groups.join("; ")));
        }

        // What happened, the latest last.
        let mut timeline = Vec::new();
        let shown = s.timeline.len().saturating_sub(TIMELINE_MAX);
        for item in &s.timeline[shown..] {
            let mut text = match (&item.status_value, item.item.as_str()) {
                (Some(v), "status") => look.term("status", v),
                _ => row_of(self.conn(), Kind::Event, &item.id)?
                    .and_then(|e| text(&e, "title"))
                    .or_else(|| item.event_type.as_ref().map(|t| look.term("event_type", t)))
                    .unwrap_or_else(|| item.title.clone()),
            };
            if let Some(p) = match &item.location {
                Some(l) => look.name(Kind::Location, l)?,
                None => None,
            } {
                text.push_str(&format!(" — {p}"));
            }
            if let Some(g) = &item.via_group_label {
                text.push_str(&format!(" ({g})"));
            }
            timeline.push(Line {
                date: item
                    .date
                    .as_deref()
                    .map(|d| lang::date(lang, d, Case::Nominative))
                    .unwrap_or_else(|| "—".into()),
                text,
            });
        }

        // Background: the situation summary, what concerns this subject first.
        let mut related: BTreeSet<String> = s.timeline.iter().map(|i| i.id.clone()).collect();
        related.insert(id.to_string());
        related.extend(s.groups.iter().map(|g| g.id.clone()));
        let situation = self.situation(None, lang.code())?;
        let (mut mine, mut other) = (Vec::new(), Vec::new());
        for p in situation.paragraphs.iter().filter(|p| p.key != "persons") {
            for sentence in &p.sentences {
                let about = sentence
                    .figures
                    .iter()
                    .flat_map(|f| f.records.iter())
                    .any(|r| related.contains(&r.id));
                if about { &mut mine } else { &mut other }.push(sentence.text.clone());
            }
        }
        let background: Vec<String> = mine.into_iter().chain(other).take(BACKGROUND_MAX).collect();

        let Appeal {
            taken,
            reference,
            authorities,
            sources,
        } = appeal(self, &mut look, &s)?;

        let label = if group {
            self.label_of(kind, f)
        } else {
            display_name(lang, name, aliases)
        };
        let sample = f.get("sample") == Some(&Value::Bool(true));
        let mut footer = match lang {
            Lang::En => format!("Nansen · record {id} · made {}", lang::day(lang, today)),
            Lang::Ru => format!(
                "Nansen · запись {id} · составлено {}",
                lang::day(lang, today)
            ),
        };
        if sample {
            footer.push_str(lang.pick(
                " · SAMPLE DATA: fictional people",
                " · ОБРАЗЕЦ: вымышленные люди",
            ));
        }
        Ok(SheetData {
            lang: lang.code().into(),
            labels: sheet::labels(lang),
            reference: reference.unwrap_or_else(|| {
                format!(
                    "{} {}",
                    lang.pick("Record", "Запись"),
                    tail(&id.to_string())
                )
            }),
            issued: lang::day(lang, today),
            title: format!("{} — {label}", headline(lang, s.protection.as_ref())),
            names: if group {
                vec![Name {
                    script: script_of(lang, &label),
                    text: label.clone(),
                }]
            } else {
                names_of(lang, name, aliases)
            },
            members,
            members_note,
            concern,
            details,
            timeline,
            background,
            actions: sheet::recommended(
                lang,
                s.protection.as_ref().map(|p| p.value.as_str()),
                s.refugee.as_ref().map(|p| p.value.as_str()),
                group,
            ),
            taken,
            authorities,
            sources,
            footer,
        })
    }

    /// The urgent-action sheet as PDF bytes, and what it is.
    pub fn urgent_action_pdf(&self, id: Uuid, lang: &str) -> Result<(Vec<u8>, SheetReport)> {
        let data = self.urgent_action_data(id, lang)?;
        let (pdf, pages) = sheet::render_pdf(&data)?;
        let kind = self.kind_of(&id)?.unwrap_or(Kind::Person);
        let report = SheetReport {
            path: String::new(),
            subject: CitedRecord {
                kind,
                id: id.to_string(),
                label: data.title.clone(),
            },
            reference: data.reference,
            lang: data.lang,
            pages: pages as u32,
            bytes: pdf.len() as u64,
        };
        Ok((pdf, report))
    }

    /// Writes the urgent-action sheet of a person or group to `out`. A file already
    /// there is replaced only with `replace`.
    pub fn urgent_action_sheet(
        &self,
        id: Uuid,
        lang: &str,
        out: &Path,
        replace: bool,
    ) -> Result<SheetReport> {
        if !replace && out.symlink_metadata().is_ok() {
            return Err(Error::invalid(m::sheet_exists(out.display())));
        }
        let (pdf, mut report) = self.urgent_action_pdf(id, lang)?;
        crate::store::write_atomically(out, &pdf)?;
        report.path = out.display().to_string();
        Ok(report)
    }
}
