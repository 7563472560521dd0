//! Vocabularies are data: seeded by migrations, labelled in English and Russian, and
//! checked against on every local write.

use super::messages as m;
use crate::error::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Term {
    pub term: String,
    pub category: Option<String>,
    pub implies: Option<String>,
    pub label_en: String,
    pub label_ru: String,
}

/// All vocabularies, keyed by name, terms in display order.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Vocabularies(pub BTreeMap<String, Vec<Term>>);

impl Vocabularies {
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut stmt = conn.prepare(
            "SELECT vocab, term, category, implies, label_en, label_ru FROM vocab ORDER BY vocab, sort, term",
        )?;
        let mut map: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Term {
                    term: r.get(1)?,
                    category: r.get(2)?,
                    implies: r.get(3)?,
                    label_en: r.get(4)?,
                    label_ru: r.get(5)?,
                },
            ))
        })?;
        for row in rows {
            let (vocab, term) = row?;
            map.entry(vocab).or_default().push(term);
        }
        Ok(Vocabularies(map))
    }

    pub fn term(&self, vocab: &str, term: &str) -> Result<&Term> {
        let terms = self
            .0
            .get(vocab)
            .ok_or_else(|| Error::invalid(m::unknown_vocabulary(vocab)))?;
        terms.iter().find(|t| t.term == term).ok_or_else(|| {
            Error::UnknownTerm(m::unknown_term(
                term,
                vocab.replace('_', " "),
                terms
                    .iter()
                    .map(|t| t.term.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ))
        })
    }

    pub fn label(&self, vocab: &str, term: &str, lang: &str) -> String {
        match self.term(vocab, term) {
            Ok(t) if lang == "ru" => t.label_ru.clone(),
            Ok(t) => t.label_en.clone(),
            Err(_) => term.to_string(),
        }
    }

    /// The status an event of this type implies for its victims: (type, value).
    pub fn implied_status(&self, event_type: &str) -> Option<(String, String)> {
        let implies = self.term("event_type", event_type).ok()?.implies.as_ref()?;
        let (t, v) = implies.split_once(':')?;
        Some((t.to_string(), v.to_string()))
    }
}
