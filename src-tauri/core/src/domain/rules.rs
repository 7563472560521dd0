//! Rules about a whole record, beyond what each field's type checks: what a new record
//! gets when a field is not given, and how its fields must agree with each other.

use super::messages as m;
use super::vocab::Vocabularies;
use super::Kind;
use crate::date::FuzzyDate;
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Fields a new record of `kind` gets when they are not given: records are restricted
/// until someone decides otherwise, and an intervention starts as planned.
pub fn defaults(kind: Kind) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if kind
        .spec()
        .fields
        .iter()
        .any(|f| f.name == "confidentiality")
    {
        out.push(("confidentiality", "restricted"));
    }
    if kind == Kind::Intervention {
        out.push(("status", "planned"));
    }
    out
}

/// Checks a record's fields (as they will be after a write) against each other.
pub fn check(kind: Kind, f: &Map<String, Value>, vocab: &Vocabularies) -> Result<()> {
    for spec in kind.spec().fields.iter().filter(|s| s.required) {
        if !f.contains_key(spec.name) {
            return Err(Error::invalid(m::field_required(kind, spec.name)));
        }
    }
    match kind {
        Kind::Status => {
            let subjects = ["person", "group"]
                .iter()
                .filter(|k| f.contains_key(**k))
                .count();
            if subjects != 1 {
                return Err(Error::invalid(m::status_needs_one_subject()));
            }
            let ty = f.get("type").and_then(Value::as_str).unwrap_or_default();
            let value = f.get("value").and_then(Value::as_str).unwrap_or_default();
            let term = vocab.term("status", value)?;
            if term.category.as_deref() != Some(ty) {
                let fitting: Vec<&str> = vocab.0["status"]
                    .iter()
                    .filter(|t| t.category.as_deref() == Some(ty))
                    .map(|t| t.term.as_str())
                    .collect();
                return Err(Error::invalid(m::status_of_other_type(
                    value,
                    ty,
                    fitting.join(", "),
                )));
            }
        }
        Kind::Event => {
            let date = |k: &str| {
                f.get(k)
                    .and_then(Value::as_str)
                    .and_then(|d| FuzzyDate::parse(d).ok())
            };
            if let (Some(start), Some(end)) = (date("date"), date("end_date")) {
                if let (Some(s), Some(e)) = (start.bounds().0, end.bounds().1) {
                    if e < s {
                        return Err(Error::invalid(m::event_ends_before_start()));
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}
