//! What a comparison shows a reviewer: each piece of evidence with the weight it added.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How two words of two names met, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NameLevel {
    /// The same after folding (`domain::names::search_key`): Абдуллаев / Abdullayev.
    Exact,
    /// Only transliteration differences: the vowel shifts of Uzbek and Russian spellings
    /// (Abdullaev / Abdulloev, Qodirov / Kadyrov), j for й, d/t.
    Variant,
    /// The same but for a suffix: -jon, -xon (Azizjon / Aziz), or the feminine -a of
    /// a surname (Karimova / Karimov), which weighs less.
    Suffix,
    /// A typo apart (an edit, and perhaps a transliteration difference), and the same
    /// Daitch–Mokotoff code: the typo does not change how the name sounds.
    Phonetic,
    /// A typo apart, sounding different (see the similarity).
    Fuzzy,
    /// An initial that fits the other word (R. / Rustam).
    Initial,
    /// Words that do not fit each other.
    Different,
}

/// What a word of a name is: a given name or surname (their order varies), or a
/// patronymic (Рустамович, Rustam o‘g‘li), compared only with patronymics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WordRole {
    Name,
    Patronymic,
}

/// Two words, one of each name, paired by the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WordMatch {
    /// The word as the first record writes it.
    pub a: String,
    /// The word as the second record writes it.
    pub b: String,
    pub role: WordRole,
    pub level: NameLevel,
    /// Jaro–Winkler similarity of the folded words (1 for the same key).
    pub similarity: f64,
    /// Its log2 likelihood ratio (see the module docs).
    pub weight: f64,
}

/// How identifiers of one type compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierAgreement {
    /// The same value (ignoring case, spaces and punctuation).
    Same,
    /// One character apart: perhaps a typo.
    Near,
    /// Different values of the same type.
    Different,
}

/// One piece of evidence of a comparison; `weight` is what it added to the score, a
/// log2 likelihood ratio (positive for "same person", negative against).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// The names that met best (the shown name or any alias of each), word by word.
    Names {
        a: String,
        a_lang: String,
        b: String,
        b_lang: String,
        words: Vec<WordMatch>,
        weight: f64,
    },
    /// Identifiers of the same type.
    Identifier {
        id_type: String,
        a: String,
        b: String,
        agreement: IdentifierAgreement,
        weight: f64,
    },
    /// Birth dates as stored; `years_apart` is how far apart their possible ranges are
    /// (0 when they overlap: compatible).
    BirthDates {
        a: String,
        b: String,
        compatible: bool,
        years_apart: i32,
        weight: f64,
    },
    Sex {
        a: String,
        b: String,
        agree: bool,
        weight: f64,
    },
    /// Place of origin (location ids).
    Origin {
        a: String,
        b: String,
        same: bool,
        weight: f64,
    },
    /// Groups both belong to.
    SameGroup { groups: Vec<String>, weight: f64 },
    /// One is recorded as family of the other: two people.
    FamilyOfEachOther { weight: f64 },
    /// Family members both are linked to.
    SharedFamily { persons: Vec<String>, weight: f64 },
}

impl Evidence {
    pub fn weight(&self) -> f64 {
        match self {
            Evidence::Names { weight, .. }
            | Evidence::Identifier { weight, .. }
            | Evidence::BirthDates { weight, .. }
            | Evidence::Sex { weight, .. }
            | Evidence::Origin { weight, .. }
            | Evidence::SameGroup { weight, .. }
            | Evidence::FamilyOfEachOther { weight }
            | Evidence::SharedFamily { weight, .. } => *weight,
        }
    }
}
