//! Turns the flags of `add` and `edit` (and `--from-json`) into the JSON record input
//! the core takes. See the table in the module above for the short forms.

use super::args::{field_id, link_id, role_id, ROLE_FLAGS};
use crate::messages as m;
use clap::ArgMatches;
use nansen_core::domain::schema::check_lang_tag;
use nansen_core::domain::schema::JUDGEMENTS;
use nansen_core::domain::{FieldType, Kind, LinkSpec};
use nansen_core::error::messages::reading;
use nansen_core::ids::parse_id;
use nansen_core::{Error, Result};
use serde_json::{json, Map, Value};
use std::io::Read;

/// Splits at the last `sep`, so that the text part may itself contain it.
fn split_last<'a>(s: &'a str, sep: char, what: &str) -> Result<(&'a str, &'a str)> {
    s.rsplit_once(sep)
        .filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
        .ok_or_else(|| Error::invalid(m::not_in_form(s, what)))
}

fn field_value(ty: FieldType, raw: &str) -> Result<Value> {
    Ok(match ty {
        // A name may contain `@`: only a valid language tag after the last one is taken as one.
        FieldType::Name => match raw.rsplit_once('@') {
            Some((t, l)) if check_lang_tag(l.trim()).is_ok() => {
                json!({"text": t, "lang": l.trim()})
            }
            _ => json!({"text": raw, "lang": "und"}),
        },
        FieldType::Coordinates => {
            let (lat, lon) = split_last(raw, ',', "LAT,LON")?;
            let p = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| Error::invalid(m::not_in_form(raw, "LAT,LON")))
            };
            json!({"lat": p(lat)?, "lon": p(lon)?})
        }
        FieldType::Int { .. } => json!(raw
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::invalid(m::not_a_whole_number(raw)))?),
        FieldType::Bool => match raw.trim() {
            "true" | "yes" => json!(true),
            "false" | "no" => json!(false),
            _ => return Err(Error::invalid(m::not_true_or_false(raw))),
        },
        _ => json!(raw),
    })
}

fn link_value(link: &LinkSpec, raw: &str) -> Result<Value> {
    if raw.trim_start().starts_with('{') {
        return Ok(serde_json::from_str(raw)?);
    }
    Ok(match link.name {
        "aliases" => {
            let (t, l) = split_last(raw, '@', "TEXT@LANG (e.g. 'Abdullaev@uz-Latn')")?;
            json!({"text": t, "lang": l.trim()})
        }
        "identifiers" => {
            let (t, v) = raw
                .split_once('=')
                .ok_or_else(|| Error::invalid(m::not_in_form(raw, "TYPE=VALUE")))?;
            json!({"type": t.trim(), "value": v.trim()})
        }
        "family" => {
            let (r, id) = raw
                .split_once('=')
                .ok_or_else(|| Error::invalid(m::not_in_form(raw, "RELATION=ID")))?;
            json!({"relation": r.trim(), "person": id.trim()})
        }
        "sources" => match raw.split_once('#') {
            Some((id, fact)) => json!({"source": id.trim(), "fact": fact.trim()}),
            None => json!({"source": raw.trim()}),
        },
        "members" => json!({"person": raw.trim()}),
        "involvements" => {
            let (role, id) = raw
                .split_once('=')
                .ok_or_else(|| Error::invalid(m::not_in_form(raw, "ROLE=ID")))?;
            json!({"role": role.trim(), "record": id.trim()})
        }
        _ => json!({"record": raw.trim()}),
    })
}

/// The JSON object in file `source`, or on stdin for `-`.
fn read_json(source: &str) -> Result<Map<String, Value>> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Error::io(m::reading_stdin(), e))?;
        s
    } else {
        std::fs::read_to_string(source).map_err(|e| Error::io(reading(source), e))?
    };
    match serde_json::from_str(&text)? {
        Value::Object(obj) => Ok(obj),
        _ => Err(Error::invalid(m::json_not_an_object())),
    }
}

/// Appends the values of `values` for `link` to the list under `link.name` in `target`.
fn push_links<'a>(
    target: &mut Map<String, Value>,
    link: &LinkSpec,
    values: impl Iterator<Item = &'a String>,
) -> Result<()> {
    let list = target.entry(link.name).or_insert_with(|| json!([]));
    for raw in values {
        list.as_array_mut()
            .expect("array")
            .push(link_value(link, raw)?);
    }
    Ok(())
}

/// Builds the JSON input of an add or edit from `--from-json` and the flags; the flags
/// win over the JSON.
pub fn input(kind: Kind, m: &ArgMatches, editing: bool) -> Result<Value> {
    let spec = kind.spec();
    let mut obj = match m.get_one::<String>("from-json") {
        Some(src) => read_json(src)?,
        None => Map::new(),
    };
    // `try_get_*`: some fields and link sets have no flag in this command (`deleted`, the
    // `remove-…` flags of add), and clap panics when asked for an id it does not know.
    for field in spec.fields {
        if let Ok(Some(raw)) = m.try_get_one::<String>(&field_id(field.name)) {
            obj.insert(field.name.into(), field_value(field.ty, raw)?);
        }
    }
    if editing {
        if let Some(cleared) = m.get_many::<String>("clear") {
            for f in cleared {
                let name = f.replace('-', "_");
                spec.field(&name)?;
                obj.insert(name, Value::Null);
            }
        }
    } else if let Some(id) = m.get_one::<String>("id") {
        obj.insert("id".into(), json!(id));
    }
    let mut added = Map::new();
    let mut removed = Map::new();
    for link in spec.links.iter().filter(|l| l.name != JUDGEMENTS) {
        for (section, target) in [("add", &mut added), ("remove", &mut removed)] {
            if let Ok(Some(values)) = m.try_get_many::<String>(&link_id(section, link.name)) {
                push_links(target, link, values)?;
            }
        }
    }
    if kind == Kind::Event {
        for (flag, role) in ROLE_FLAGS {
            if let Ok(Some(ids)) = m.try_get_many::<String>(&role_id(flag)) {
                let list = added.entry("involvements").or_insert_with(|| json!([]));
                for id in ids {
                    list.as_array_mut()
                        .expect("array")
                        .push(json!({"role": role, "record": id.trim()}));
                }
            }
        }
    }
    if editing {
        if !added.is_empty() {
            obj.insert("add".into(), Value::Object(added));
        }
        if !removed.is_empty() {
            obj.insert("remove".into(), Value::Object(removed));
        }
    } else {
        // A link set given both in the JSON and as flags gets both.
        for (name, list) in added {
            let entry = obj.entry(name).or_insert_with(|| json!([]));
            match entry.as_array_mut() {
                Some(existing) => existing.extend(list.as_array().cloned().unwrap_or_default()),
                None => return Err(Error::invalid(m::link_set_not_a_list())),
            }
        }
    }
    Ok(Value::Object(obj))
}

/// The `ID` argument of show, edit, delete, restore and get.
pub fn record_id(m: &ArgMatches) -> Result<uuid::Uuid> {
    parse_id(
        "record",
        m.get_one::<String>("record-id")
            .map(String::as_str)
            .unwrap_or_default(),
    )
}
