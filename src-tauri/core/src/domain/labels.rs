//! How a record is named in lists and on pages, and how lists sort it.

use super::vocab::Vocabularies;
use super::Kind;
use serde_json::{Map, Value};

/// A record's display label, with vocabulary terms in `lang` (one of
/// [`LANGUAGES`](super::vocab::LANGUAGES); English for anything else).
pub fn label(
    vocabularies: &Vocabularies,
    lang: &str,
    kind: Kind,
    fields: &Map<String, Value>,
) -> String {
    let text = |f: &str| fields.get(f).and_then(Value::as_str).map(str::to_string);
    let term = |vocab: &str, f: &str| text(f).map(|t| vocabularies.label(vocab, &t, lang));
    let label = match kind {
        Kind::Person => fields
            .get("name")
            .and_then(|n| n.get("text"))
            .and_then(Value::as_str)
            .map(str::to_string),
        Kind::Event => text("title").or_else(|| {
            term("event_type", "type").map(|t| match text("date") {
                Some(d) => format!("{t}, {d}"),
                None => t,
            })
        }),
        Kind::Status => term("status", "value"),
        Kind::Attachment => text("caption").or_else(|| text("filename")),
        _ => text(kind.spec().label_field),
    };
    label.unwrap_or_else(|| match lang {
        "ru" => "(без названия)".to_string(),
        "uz" => "(nomsiz)".to_string(),
        "ky" => "(аталышы жок)".to_string(),
        _ => format!("({kind} without a name)"),
    })
}

/// Where a record sorts in its list: its English label, lowercased. Every store
/// computes the same key, whatever language its people read.
pub fn sort_key(vocabularies: &Vocabularies, kind: Kind, fields: &Map<String, Value>) -> String {
    label(vocabularies, "en", kind, fields).to_lowercase()
}
