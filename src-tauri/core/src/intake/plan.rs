//! One row to one person input, or to a refusal with every reason. Each cell is checked
//! by the domain's own normalisation and vocabularies, and the row by the record rules;
//! nothing here decides what a valid person is.

use super::key::{IdClock, ImportKeys};
use super::mapping::{ResolvedMapping, Target};
use super::messages as m;
use super::read::Row;
use crate::domain::schema::{canonical_json, check_lang_tag, FieldType};
use crate::domain::vocab::Vocabularies;
use crate::domain::{rules, Kind};
use crate::error::{Error, Message, Result};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use ts_rs::TS;
use uuid::Uuid;

/// One thing wrong with a row.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Reason {
    /// The column, counting from 1; none when it is the row as a whole.
    pub position: Option<u32>,
    /// The column's header.
    pub column: Option<String>,
    /// The person field the cell was for (`name`, `birth_date`, `aliases`…, or `group`).
    pub field: Option<String>,
    pub message: Message,
}

impl Reason {
    pub fn of_row(message: Message) -> Reason {
        Reason {
            position: None,
            column: None,
            field: None,
            message,
        }
    }

    /// A reason about the cell in column `index` (from 0).
    pub fn at(index: usize, header: Option<&str>, field: Option<&str>, message: Message) -> Reason {
        Reason {
            position: Some(index as u32 + 1),
            column: header.map(str::to_string),
            field: field.map(str::to_string),
            message,
        }
    }
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Refusal {
    pub line: u64,
    pub reasons: Vec<Reason>,
}

/// A group a planned person joins, as the row names it (an id or an exact name).
#[derive(Debug, Clone, Serialize, TS)]
pub struct MemberOf {
    pub position: u32,
    pub column: String,
    pub group: String,
}

/// A row that makes a person.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlannedPerson {
    pub line: u64,
    /// Carries the row's import key (see [`super::key`]); its time part is the time
    /// of the run that planned it, so a preview's ids are not the import's.
    pub id: Uuid,
    /// The person input with its `id`, exactly as `Nansen::add` takes it.
    #[ts(type = "Record<string, unknown>")]
    pub input: Value,
    pub groups: Vec<MemberOf>,
}

pub enum Outcome {
    Person(PlannedPerson),
    Refused(Refusal),
}

/// Plans the rows of one file in order; it counts identical rows, so it must see every
/// row of the file, once.
pub struct Planner<'a> {
    mapping: &'a ResolvedMapping,
    vocab: &'a Vocabularies,
    keys: &'a ImportKeys,
    ids: IdClock,
    /// How often each row content has been seen so far, by 128 bits of its hash (a
    /// list of a million rows keeps tens of megabytes here, no more).
    seen: HashMap<[u8; 16], u64>,
}

/// The pieces of a cell that holds several values.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|p| !p.is_empty())
}

/// `Text@tag` → (`Text`, `tag`) when what follows the last `@` is a language tag, as
/// the command line's `--name` and `--alias` read it.
fn split_tag(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once('@') {
        Some((t, tag)) if !t.trim().is_empty() && check_lang_tag(tag.trim()).is_ok() => {
            (t.trim(), Some(tag.trim()))
        }
        _ => (text, None),
    }
}

/// `und-` and the script of `text`, as the desktop app tags a name typed without a tag.
pub fn guess_lang(text: &str) -> &'static str {
    let has = |range: std::ops::RangeInclusive<char>| text.chars().any(|c| range.contains(&c));
    if has('\u{0400}'..='\u{04FF}') {
        "und-Cyrl"
    } else if has('\u{0600}'..='\u{06FF}') {
        "und-Arab"
    } else if text
        .chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
    {
        "und-Latn"
    } else {
        "und"
    }
}

impl<'a> Planner<'a> {
    /// A planner whose ids have the time `unix_ms` (the start of the run).
    pub fn new(
        mapping: &'a ResolvedMapping,
        vocab: &'a Vocabularies,
        keys: &'a ImportKeys,
        unix_ms: u64,
    ) -> Self {
        Planner {
            mapping,
            vocab,
            keys,
            ids: IdClock::starting_at(unix_ms),
            seen: HashMap::new(),
        }
    }

    /// The term `text` names in `vocab`: the term itself, or its label in any language
    /// of the UI, in any case. Anything else is left, in lower case, for the vocabulary to
    /// refuse with the terms it knows (`M` gets "not a known sex: male, female…", not
    /// "a term is written in lower case").
    fn term_for(&self, vocab: &str, text: &str) -> String {
        let wanted = text.to_lowercase();
        self.vocab
            .0
            .get(vocab)
            .and_then(|terms| {
                terms.iter().find(|t| {
                    std::iter::once(t.term.as_str())
                        .chain(t.labels())
                        .any(|l| l.to_lowercase() == wanted)
                })
            })
            .map_or(wanted, |t| t.term.clone())
    }

    /// A person field's value, checked as the record API checks it (minus references,
    /// which a spreadsheet cell does not hold).
    fn field(&self, field: &str, raw: Value) -> Result<Value> {
        let spec = Kind::Person.spec().field(field)?;
        let value = spec.ty.normalise(field, &raw)?;
        if let (FieldType::Vocab { vocab }, Some(term)) = (spec.ty, value.as_str()) {
            self.vocab.term(vocab, term)?;
        }
        Ok(value)
    }

    /// An element of a person's link set, checked as the record API checks it.
    fn element(&self, link: &str, raw: Value) -> Result<Value> {
        let spec = Kind::Person.spec().link(link)?;
        let elem = spec.normalise(&raw)?;
        for f in spec.fields {
            if let (FieldType::Vocab { vocab }, Some(term)) =
                (f.ty, elem.get(f.name).and_then(Value::as_str))
            {
                self.vocab.term(vocab, term)?;
            }
        }
        Ok(elem)
    }

    fn identifier(&self, piece: &str, id_type: Option<&str>) -> Result<Value> {
        let (id_type, value) = match id_type {
            Some(t) => (t.to_string(), piece),
            None => match piece.split_once([':', '=']) {
                Some((t, v)) if !t.trim().is_empty() && !v.trim().is_empty() => {
                    (self.term_for("identifier_type", t.trim()), v.trim())
                }
                _ => return Err(Error::invalid(m::not_type_value(piece))),
            },
        };
        self.element("identifiers", json!({"type": id_type, "value": value}))
    }

    pub fn plan(&mut self, row: Row) -> Outcome {
        let Row {
            line,
            cells,
            mut problems,
        } = row;
        let mut fields = Map::new();
        let (mut aliases, mut identifiers, mut groups) = (Vec::new(), Vec::new(), Vec::new());
        let (mut name, mut name_lang) = (None, None);
        for (i, column) in self.mapping.columns.iter().enumerate() {
            let text = cells.get(i).map(String::as_str).unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            let mut fail = |e: Error| {
                problems.push(Reason::at(
                    i,
                    Some(&column.header),
                    column.target.field(),
                    e.message(),
                ))
            };
            let mut scalar = |field: &str, raw: String| match self.field(field, json!(raw)) {
                Ok(v) if !v.is_null() => {
                    fields.insert(field.to_string(), v);
                }
                Ok(_) => {}
                Err(e) => fail(e),
            };
            match &column.target {
                Target::Ignore => {}
                Target::Name => name = Some((i, text)),
                Target::NameLang => name_lang = Some((i, text)),
                Target::Sex => scalar("sex", self.term_for("sex", text)),
                Target::BirthDate => scalar("birth_date", text.to_string()),
                Target::Nationality => scalar("nationality", text.to_string()),
                Target::Notes => scalar("notes", text.to_string()),
                Target::Alias => {
                    for piece in pieces(text) {
                        let (t, lang) = split_tag(piece);
                        let lang = lang.unwrap_or_else(|| guess_lang(t));
                        match self.element("aliases", json!({"text": t, "lang": lang})) {
                            Ok(e) => aliases.push(e),
                            Err(e) => fail(e),
                        }
                    }
                }
                Target::Identifiers | Target::Identifier { .. } => {
                    let id_type = match &column.target {
                        Target::Identifier { id_type } => Some(id_type.as_str()),
                        _ => None,
                    };
                    for piece in pieces(text) {
                        match self.identifier(piece, id_type) {
                            Ok(e) => identifiers.push(e),
                            Err(e) => fail(e),
                        }
                    }
                }
                Target::Group => groups.extend(pieces(text).map(|g| MemberOf {
                    position: column.position,
                    column: column.header.clone(),
                    group: g.to_string(),
                })),
            }
        }
        if let Some((i, text)) = name {
            let (text, tag) = split_tag(text);
            let (lang, from) = match (tag, name_lang) {
                (Some(tag), _) => (tag, i),
                (None, Some((j, lang))) => (lang, j),
                (None, None) => (guess_lang(text), i),
            };
            match self.field("name", json!({"text": text, "lang": lang})) {
                Ok(v) => {
                    fields.insert("name".into(), v);
                }
                Err(e) => {
                    let column = &self.mapping.columns[from];
                    problems.push(Reason::at(
                        from,
                        Some(&column.header),
                        Some("name"),
                        e.message(),
                    ));
                }
            }
        }
        // The record rules (a person needs a name): said once, at the name's column.
        if let Err(e) = rules::check(Kind::Person, &fields, self.vocab) {
            let message = e.message();
            let field = message.params.get("field").cloned();
            if !problems
                .iter()
                .any(|r| r.field.is_some() && r.field == field)
            {
                let at = self.mapping.columns.iter().position(|c| {
                    c.target.field() == field.as_deref() && c.target != Target::NameLang
                });
                problems.push(match at {
                    Some(i) => Reason::at(
                        i,
                        Some(&self.mapping.columns[i].header),
                        field.as_deref(),
                        message,
                    ),
                    None => Reason::of_row(message),
                });
            }
        }
        if !problems.is_empty() {
            return Outcome::Refused(Refusal {
                line,
                reasons: problems,
            });
        }
        let mut input = fields;
        if !aliases.is_empty() {
            input.insert("aliases".into(), Value::Array(aliases));
        }
        if !identifiers.is_empty() {
            input.insert("identifiers".into(), Value::Array(identifiers));
        }
        let group_refs: Vec<&str> = groups.iter().map(|g| g.group.as_str()).collect();
        let content = canonical_json(&json!({"person": input, "groups": group_refs}));
        let mut seen_as = [0u8; 16];
        seen_as.copy_from_slice(&blake3::hash(content.as_bytes()).as_bytes()[..16]);
        let occurrence = self.seen.entry(seen_as).or_insert(0);
        *occurrence += 1;
        let id = self.ids.id_for(self.keys.row_key(&content, *occurrence));
        input.insert("id".into(), Value::String(id.to_string()));
        Outcome::Person(PlannedPerson {
            line,
            id,
            input: Value::Object(input),
            groups,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_a_tag_is_tagged_with_its_script_as_the_app_does() {
        assert_eq!(guess_lang("Азиз Каримов"), "und-Cyrl");
        assert_eq!(guess_lang("Ўзбекистон"), "und-Cyrl");
        assert_eq!(guess_lang("Aziz Karimov"), "und-Latn");
        assert_eq!(guess_lang("O‘zbekiston"), "und-Latn");
        assert_eq!(guess_lang("عزیز"), "und-Arab");
        assert_eq!(guess_lang("117"), "und");
        assert_eq!(
            split_tag("Aziz Karimov@uz-Latn"),
            ("Aziz Karimov", Some("uz-Latn"))
        );
        assert_eq!(split_tag("aziz@example.org"), ("aziz@example.org", None));
        assert_eq!(
            pieces(" Karimov A.; ;Aziz Karimov@uz-Latn ").collect::<Vec<_>>(),
            ["Karimov A.", "Aziz Karimov@uz-Latn"]
        );
    }
}
