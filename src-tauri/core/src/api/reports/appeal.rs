//! The part of an urgent-action sheet that says what was done and what to do: the
//! interventions made (and the urgent action's reference), the authorities to address,
//! and the sources with their reliability.

use super::sheet::{tail, Subject};
use super::{text, Lookup};
use crate::api::records::row_of;
use crate::api::Nansen;
use crate::domain::Kind;
use crate::error::Result;
use crate::report::lang::{self, Case};
use crate::report::sheet::Authority;
use crate::report::situation::{source_line, SourceNote};
use serde_json::Value;
use std::collections::BTreeSet;

/// Actors an appeal is addressed to: the state's.
const STATE_ACTORS: &[&str] = &[
    "state_authority",
    "prosecutor",
    "security_forces",
    "law_enforcement",
];
/// Roles that make a state actor one to address.
const ADDRESSED_ROLES: &[&str] = &["perpetrator", "requesting_authority"];

pub(super) struct Appeal {
    pub taken: Vec<String>,
    pub reference: Option<String>,
    pub authorities: Vec<Authority>,
    pub sources: Vec<String>,
}

pub(super) fn appeal(n: &Nansen, look: &mut Lookup, s: &Subject) -> Result<Appeal> {
    let lang = look.lang;
    // Interventions made, and whom to address.
    let mut taken = Vec::new();
    let mut reference = None;
    let mut addressed: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for i in s.interventions.iter().filter(|i| seen.insert(i.id.clone())) {
        let t = |k: &str| text(&i.fields, k);
        let kind_label = t("type")
            .map(|v| look.term("intervention_type", &v))
            .unwrap_or_default();
        let mut line = String::new();
        if let Some(d) = t("date") {
            line.push_str(&format!("{} — ", lang::date(lang, &d, Case::Nominative)));
        }
        if i.label
            .to_lowercase()
            .starts_with(&kind_label.to_lowercase())
        {
            line.push_str(&i.label);
        } else {
            line.push_str(&format!("{kind_label}: {}", i.label));
        }
        if let Some(target) = t("target") {
            if let Some(name) = look.name(Kind::Actor, &target)? {
                line.push_str(&format!("; {} {name}", lang.pick("to", "адресат:")));
            }
            addressed.push(target);
        }
        if let Some(st) = t("status") {
            line.push_str(&format!(
                "; {}",
                lang::lowercase_first(&look.term("intervention_status", &st))
            ));
        }
        if let Some(due) = t("due") {
            line.push_str(&format!(
                "; {} {}",
                lang.pick("follow up by", "срок:"),
                lang::date(lang, &due, Case::Nominative)
            ));
        }
        taken.push(line);
        if reference.is_none() && t("type").as_deref() == Some("urgent_action") {
            let when = t("date")
                .map(|d| format!(" · {}", lang::date(lang, &d, Case::Nominative)))
                .unwrap_or_default();
            reference = Some(format!("UA {}{when}", tail(&i.id)));
        }
    }
    for item in s.timeline.iter().filter(|i| i.item == "event") {
        for inv in crate::oplog::state::present_elements(n.conn(), &item.id, "involvements")? {
            let role = inv.get("role").and_then(Value::as_str).unwrap_or_default();
            if let (true, Some(a)) = (
                ADDRESSED_ROLES.contains(&role),
                inv.get("actor").and_then(Value::as_str),
            ) {
                addressed.push(a.to_string());
            }
        }
    }
    let mut authorities = Vec::new();
    let mut seen = BTreeSet::new();
    for a in addressed.into_iter().filter(|a| seen.insert(a.clone())) {
        let Some(af) = row_of(n.conn(), Kind::Actor, &a)? else {
            continue;
        };
        if !text(&af, "type").is_some_and(|t| STATE_ACTORS.contains(&t.as_str())) {
            continue;
        }
        let name = look.name(Kind::Actor, &a)?.unwrap_or_default();
        let mut other_names: Vec<String> =
            crate::oplog::state::present_elements(n.conn(), &a, "aliases")?
                .iter()
                .filter_map(|v| v.get("text").and_then(Value::as_str).map(str::to_string))
                .collect();
        let own = n.label_of(Kind::Actor, &af);
        other_names.insert(0, own);
        other_names.retain(|o| *o != name);
        other_names.dedup();
        authorities.push(Authority { name, other_names });
    }

    // Sources, with their reliability.
    let mut source_ids: Vec<String> = s.sources.clone();
    source_ids.extend(
        s.timeline
            .iter()
            .flat_map(|i| i.sources.iter().map(|r| r.id.clone())),
    );
    let mut sources = Vec::new();
    let mut seen = BTreeSet::new();
    for sid in source_ids.into_iter().filter(|x| seen.insert(x.clone())) {
        if let Some(info) = look.source(&sid)? {
            let note = SourceNote {
                n: sources.len() as u32 + 1,
                id: sid,
                title: info.title,
                source_type: info.source_type,
                type_label: info.type_label,
                reliability: info.reliability,
                reliability_label: info.reliability_label,
                confidential: info.confidential,
            };
            sources.push(source_line(lang, &note));
        }
    }

    Ok(Appeal {
        taken,
        reference,
        authorities,
        sources,
    })
}
