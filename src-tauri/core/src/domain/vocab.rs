//! Vocabularies are data: seeded by migrations, labelled in every language of the UI
//! ([`LANGUAGES`]), and checked against on every local write.

use super::messages as m;
use crate::error::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// The languages the interface and the labels the core builds are written in:
/// English, Russian, Uzbek (Latin script) and Kyrgyz. English is the default.
pub const LANGUAGES: [&str; 4] = ["en", "ru", "uz", "ky"];

#[derive(Debug, Clone, Serialize, TS)]
pub struct Term {
    pub term: String,
    pub category: Option<String>,
    pub implies: Option<String>,
    pub label_en: String,
    pub label_ru: String,
    pub label_uz: String,
    pub label_ky: String,
}

impl Term {
    /// The label in `lang` (one of [`LANGUAGES`]); English for anything else.
    pub fn label(&self, lang: &str) -> &str {
        match lang {
            "ru" => &self.label_ru,
            "uz" => &self.label_uz,
            "ky" => &self.label_ky,
            _ => &self.label_en,
        }
    }

    /// The term's labels in every language, in the order of [`LANGUAGES`].
    pub fn labels(&self) -> [&str; 4] {
        LANGUAGES.map(|lang| self.label(lang))
    }
}

/// All vocabularies, keyed by name, terms in display order.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Vocabularies(pub BTreeMap<String, Vec<Term>>);

impl Vocabularies {
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut stmt = conn.prepare(
            "SELECT vocab, term, category, implies, label_en, label_ru, label_uz, label_ky
             FROM vocab ORDER BY vocab, sort, term",
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
                    label_uz: r.get(6)?,
                    label_ky: r.get(7)?,
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
            Ok(t) => t.label(lang).to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::{migrate, MIGRATIONS};

    fn seeded() -> Vocabularies {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        Vocabularies::load(&conn).unwrap()
    }

    /// A migration that adds terms labels them in every language: Uzbek in the Latin
    /// script (with o‘ g‘ and ʼ, never a typewriter apostrophe), Kyrgyz in Cyrillic.
    #[test]
    fn every_term_is_labelled_in_every_language() {
        let v = seeded();
        assert!(v.0.len() >= 10, "{} vocabularies", v.0.len());
        let cyrillic = |s: &str| s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
        for (vocab, terms) in &v.0 {
            for t in terms {
                let at = format!("{vocab}.{}", t.term);
                for (lang, label) in LANGUAGES.iter().zip(t.labels()) {
                    assert!(!label.trim().is_empty(), "{at} has no {lang} label");
                }
                assert!(!cyrillic(&t.label_uz), "{at}: uz is written in Latin");
                assert!(!t.label_uz.contains('\''), "{at}: uz writes o‘ g‘ ʼ");
                assert!(cyrillic(&t.label_ky), "{at}: ky is written in Cyrillic");
                assert!(cyrillic(&t.label_ru), "{at}: ru is written in Cyrillic");
                for lang in ["ru", "uz", "ky"] {
                    assert_ne!(t.label(lang), t.label_en, "{at}: {lang} is not translated");
                }
            }
        }
    }

    #[test]
    fn labels_follow_the_language_and_fall_back_to_english() {
        let v = seeded();
        let label = |lang| v.label("status", "forcibly_returned", lang);
        assert_eq!(label("en"), "Forcibly returned");
        assert_eq!(label("ru"), "Принудительно возвращён");
        assert_eq!(label("uz"), "Majburan qaytarilgan");
        assert_eq!(label("ky"), "Мажбурлап кайтарылган");
        assert_eq!(label("de"), "Forcibly returned");
        assert_eq!(v.label("status", "no_such_term", "uz"), "no_such_term");
    }
}
