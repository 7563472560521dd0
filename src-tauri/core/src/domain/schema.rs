//! Record kinds, their fields and their link sets.

use super::kinds::*;
pub use super::kinds::{DELETED, JUDGEMENTS, SAMPLE};
use super::messages as m;
use crate::date::FuzzyDate;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Person,
    Group,
    Location,
    Actor,
    Event,
    Status,
    Source,
    Intervention,
    Attachment,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Person,
        Kind::Group,
        Kind::Location,
        Kind::Actor,
        Kind::Event,
        Kind::Status,
        Kind::Source,
        Kind::Intervention,
        Kind::Attachment,
    ];

    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    pub fn parse(s: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(m::unknown_kind(s, Kind::ALL.map(|k| k.as_str()).join(", ")))
            })
    }

    /// Kinds whose records have names (and aliases) that search matches in any script.
    pub fn is_named(self) -> bool {
        matches!(
            self,
            Kind::Person | Kind::Group | Kind::Location | Kind::Actor
        )
    }

    pub fn spec(self) -> &'static KindSpec {
        match self {
            Kind::Person => &PERSON,
            Kind::Group => &GROUP,
            Kind::Location => &LOCATION,
            Kind::Actor => &ACTOR,
            Kind::Event => &EVENT,
            Kind::Status => &STATUS,
            Kind::Source => &SOURCE,
            Kind::Intervention => &INTERVENTION,
            Kind::Attachment => &ATTACHMENT,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text, at most 500 characters.
    Text,
    /// Free text, at most 100 000 characters.
    LongText,
    /// A name with the BCP 47 tag of its language and script: `{"text": "…", "lang": "uz-Cyrl"}`.
    Name,
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// An EDTF date, see [`crate::date`].
    Date,
    /// The id of a record of this kind.
    Ref {
        kind: Kind,
    },
    /// A term of this vocabulary.
    Vocab {
        vocab: &'static str,
    },
    /// `{"lat": 40.5, "lon": 72.8}`.
    Coordinates,
    /// A BLAKE3 content hash, 64 lowercase hex digits.
    Hash,
}

#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct FieldSpec {
    pub name: &'static str,
    #[serde(flatten)]
    pub ty: FieldType,
    pub required: bool,
}

/// A set of links owned by a record: an add-wins observed-remove set of elements.
/// An element is a small JSON object of `fields`; its identity is its whole content.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct LinkSpec {
    pub name: &'static str,
    /// The singular, for CLI flags (`--alias`) and messages.
    pub flag: &'static str,
    pub fields: &'static [FieldSpec],
    /// Exactly one of these (reference) fields must be present, e.g. a victim is a
    /// person, a group or an actor. Empty when the plain `required` flags suffice.
    pub one_of: &'static [&'static str],
}

#[derive(Debug, Serialize, TS)]
pub struct KindSpec {
    #[ts(type = "Kind")]
    pub name: &'static str,
    pub plural: &'static str,
    pub table: &'static str,
    /// The field that names a record in lists.
    pub label_field: &'static str,
    pub fields: &'static [FieldSpec],
    pub links: &'static [LinkSpec],
}

impl KindSpec {
    pub fn field(&'static self, name: &str) -> Result<&'static FieldSpec> {
        let spec = self;
        spec.fields.iter().find(|f| f.name == name).ok_or_else(|| {
            Error::invalid(m::unknown_field(
                self.name,
                name,
                spec.fields
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            ))
        })
    }

    pub fn link(&'static self, name: &str) -> Result<&'static LinkSpec> {
        let spec = self;
        spec.links.iter().find(|l| l.name == name).ok_or_else(|| {
            if spec.links.is_empty() {
                Error::invalid(m::no_links(self.name, name))
            } else {
                Error::invalid(m::unknown_link(
                    self.name,
                    name,
                    spec.links
                        .iter()
                        .map(|l| l.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                ))
            }
        })
    }
}

/// A BCP 47 tag restricted to what names need: language, optional script, optional
/// region (`uz`, `uz-Cyrl`, `ru-Latn`, `en-Latn-GB`, `und`).
pub fn check_lang_tag(tag: &str) -> Result<()> {
    let mut parts = tag.split('-');
    let ok_lang = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()));
    let mut ok = ok_lang;
    let mut seen_script = false;
    let mut seen_region = false;
    for p in parts {
        if !seen_script
            && !seen_region
            && p.len() == 4
            && p.as_bytes()[0].is_ascii_uppercase()
            && p[1..].bytes().all(|b| b.is_ascii_lowercase())
        {
            seen_script = true;
        } else if !seen_region && p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()) {
            seen_region = true;
        } else {
            ok = false;
        }
    }
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(m::not_a_language_tag(tag)))
    }
}

impl FieldType {
    /// Checks a value and returns its canonical form. `null` clears a field. Checks
    /// that need the store (does the referenced record exist, is the term known) are
    /// made by the service layer, which has it.
    pub fn normalise(&self, field: &str, value: &Value) -> Result<Value> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        let wrong = |expected: fn(&str, &Value) -> crate::error::Message| {
            Error::invalid(expected(field, value))
        };
        let text = |max: usize, single_line: bool| -> Result<Value> {
            let s = value
                .as_str()
                .ok_or_else(|| wrong(|f, v| m::must_be_text(f, v)))?;
            let s = s.trim();
            if s.is_empty() {
                return Ok(Value::Null);
            }
            if s.chars().count() > max {
                return Err(Error::invalid(m::too_long(field, max)));
            }
            if single_line && s.contains(['\n', '\r']) {
                return Err(Error::invalid(m::single_line(field)));
            }
            Ok(Value::String(s.to_string()))
        };
        match self {
            FieldType::Text => text(500, true),
            FieldType::LongText => text(100_000, false),
            FieldType::Name => {
                let obj = value
                    .as_object()
                    .ok_or_else(|| wrong(|f, v| m::must_be_name(f, v)))?;
                let t = obj
                    .get("text")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("");
                if t.is_empty() {
                    return Err(Error::invalid(m::name_needs_text(field)));
                }
                if t.chars().count() > 500 || t.contains(['\n', '\r']) {
                    return Err(Error::invalid(m::name_too_long(field, 500)));
                }
                let lang = obj.get("lang").and_then(Value::as_str).unwrap_or("und");
                check_lang_tag(lang)?;
                if let Some(extra) = obj.keys().find(|k| *k != "text" && *k != "lang") {
                    return Err(Error::invalid(m::unknown_name_part(field, extra)));
                }
                let mut m = Map::new();
                m.insert("lang".into(), Value::String(lang.into()));
                m.insert("text".into(), Value::String(t.into()));
                Ok(Value::Object(m))
            }
            FieldType::Int { min, max } => {
                let n = match value {
                    Value::Number(n) => n
                        .as_i64()
                        .ok_or_else(|| wrong(|f, v| m::must_be_whole_number(f, v)))?,
                    Value::String(s) => s
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| wrong(|f, v| m::must_be_whole_number(f, v)))?,
                    _ => return Err(wrong(|f, v| m::must_be_whole_number(f, v))),
                };
                if n < *min || n > *max {
                    return Err(Error::invalid(m::out_of_range(field, min, max, n)));
                }
                Ok(Value::from(n))
            }
            FieldType::Bool => match value {
                Value::Bool(b) => Ok(Value::Bool(*b)),
                Value::String(s) if s == "true" || s == "yes" => Ok(Value::Bool(true)),
                Value::String(s) if s == "false" || s == "no" => Ok(Value::Bool(false)),
                _ => Err(wrong(|f, v| m::must_be_bool(f, v))),
            },
            FieldType::Date => {
                let s = value
                    .as_str()
                    .ok_or_else(|| wrong(|f, v| m::must_be_date(f, v)))?;
                if s.trim().is_empty() {
                    return Ok(Value::Null);
                }
                Ok(Value::String(
                    FuzzyDate::parse(s)
                        .map_err(|e| Error::invalid(e.message().about_field(field)))?
                        .to_string(),
                ))
            }
            FieldType::Ref { kind } => {
                let s = value
                    .as_str()
                    .ok_or_else(|| wrong(|f, v| m::must_be_record_id(f, v)))?;
                if s.trim().is_empty() {
                    return Ok(Value::Null);
                }
                let id = uuid::Uuid::parse_str(s.trim())
                    .map_err(|_| Error::invalid(m::must_be_id_of(field, kind, s)))?;
                Ok(Value::String(id.to_string()))
            }
            FieldType::Vocab { .. } => {
                let s = value
                    .as_str()
                    .ok_or_else(|| wrong(|f, v| m::must_be_term(f, v)))?;
                let s = s.trim();
                if s.is_empty() {
                    return Ok(Value::Null);
                }
                if !s
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                {
                    return Err(wrong(|f, v| m::must_be_term(f, v)));
                }
                Ok(Value::String(s.into()))
            }
            FieldType::Coordinates => {
                let obj = value
                    .as_object()
                    .ok_or_else(|| wrong(|f, v| m::must_be_coordinates(f, v)))?;
                let lat = obj
                    .get("lat")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| wrong(|f, v| m::must_be_coordinates(f, v)))?;
                let lon = obj
                    .get("lon")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| wrong(|f, v| m::must_be_coordinates(f, v)))?;
                if !(-90.0..=90.0).contains(&lat)
                    || !(-180.0..=180.0).contains(&lon)
                    || obj.len() != 2
                {
                    return Err(Error::invalid(m::coordinates_out_of_range(field)));
                }
                Ok(serde_json::json!({"lat": lat, "lon": lon}))
            }
            FieldType::Hash => {
                let s = value
                    .as_str()
                    .ok_or_else(|| wrong(|f, v| m::must_be_hash(f, v)))?
                    .to_ascii_lowercase();
                if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(wrong(|f, v| m::must_be_hash(f, v)));
                }
                Ok(Value::String(s))
            }
        }
    }
}

impl LinkSpec {
    /// Checks an element and returns its canonical form.
    pub fn normalise(&self, elem: &Value) -> Result<Value> {
        let obj = elem
            .as_object()
            .ok_or_else(|| Error::invalid(m::element_not_an_object(self.flag, elem)))?;
        if let Some(extra) = obj
            .keys()
            .find(|k| !self.fields.iter().any(|f| f.name == k.as_str()))
        {
            return Err(Error::invalid(m::unknown_element_part(
                self.flag,
                extra,
                self.fields
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            )));
        }
        let mut out = Map::new();
        for field in self.fields {
            let v = field
                .ty
                .normalise(field.name, obj.get(field.name).unwrap_or(&Value::Null))?;
            if v.is_null() {
                if field.required {
                    return Err(Error::invalid(m::field_required(self.flag, field.name)));
                }
            } else {
                if self.name == "aliases" && field.name == "lang" {
                    check_lang_tag(v.as_str().unwrap_or_default())?;
                }
                out.insert(field.name.into(), v);
            }
        }
        if !self.one_of.is_empty() {
            let present = self.one_of.iter().filter(|n| out.contains_key(**n)).count();
            if present != 1 {
                return Err(Error::invalid(m::exactly_one_of(
                    self.flag,
                    self.one_of.join(", "),
                )));
            }
        }
        Ok(Value::Object(out))
    }

    /// The record an element points at, if any (its single reference field).
    pub fn target(&self, elem: &Value) -> Option<(Kind, String)> {
        self.fields.iter().find_map(|f| match f.ty {
            FieldType::Ref { kind } => elem
                .get(f.name)
                .and_then(Value::as_str)
                .map(|s| (kind, s.to_string())),
            _ => None,
        })
    }
}

/// The canonical JSON text of a value: object keys sorted, no whitespace. Two equal
/// values always have the same text, which is what link identity and the digest hash.
pub fn canonical_json(v: &Value) -> String {
    // serde_json's Map is a BTreeMap (no preserve_order feature), so keys come out sorted.
    serde_json::to_string(v).expect("a Value always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_carry_their_script() {
        let n = FieldType::Name
            .normalise(
                "name",
                &json!({"text": " Азиз Каримов ", "lang": "uz-Cyrl"}),
            )
            .unwrap();
        assert_eq!(n, json!({"text": "Азиз Каримов", "lang": "uz-Cyrl"}));
        assert!(FieldType::Name
            .normalise("name", &json!({"text": "A", "lang": "cyrillic"}))
            .is_err());
        assert!(check_lang_tag("en-Latn-GB").is_ok());
        assert!(check_lang_tag("und").is_ok());
        assert!(check_lang_tag("UZ").is_err());
    }

    #[test]
    fn an_involvement_names_exactly_one_party() {
        let inv = PERSON.links[0]; // alias
        assert!(inv
            .normalise(&json!({"text": "Abdullaev", "lang": "uz-Latn"}))
            .is_ok());
        let involvement = EVENT.link("involvements").unwrap();
        let id = uuid::Uuid::now_v7().to_string();
        assert!(involvement
            .normalise(&json!({"role": "victim", "person": id}))
            .is_ok());
        assert!(involvement.normalise(&json!({"role": "victim"})).is_err());
        assert!(involvement
            .normalise(&json!({"role": "victim", "person": id, "group": id}))
            .is_err());
        let (kind, target) = involvement
            .target(&json!({"role": "victim", "group": id}))
            .unwrap();
        assert_eq!((kind, target), (Kind::Group, id));
    }

    #[test]
    fn every_kind_has_the_common_fields() {
        for kind in Kind::ALL {
            let spec = kind.spec();
            assert!(spec.field(DELETED).is_ok(), "{kind}");
            assert!(spec.field(SAMPLE).is_ok(), "{kind}");
            assert!(spec.field(spec.label_field).is_ok(), "{kind}");
            assert_eq!(Kind::parse(spec.name).unwrap(), kind);
        }
    }
}
