//! Is this the same person? Evidence and a score for two person records, without the
//! store: what duplicate review at headquarters runs on every candidate pair.
//!
//! # Candidates
//!
//! [`blocking_keys`] gives each record a few keys; pairs of records that share a key
//! are the candidates, and only they are compared. A name key joins the *skeleton* of
//! one word of a name (its first letter's class, then the classes of its consonants
//! without repeats; vowels, which transliteration and the Uzbek / Russian vowel shifts
//! change, dropped) with the start of another word of the same name:
//!
//! - a surname-like word (-ov, -eva, -zoda…) with the first letter of each other word:
//!   «Абдуллаев Рустам», "Rustam Abdullayev" and "Abdulloev R." all give `aptlv|r`;
//! - any full word with the first two skeleton letters of each other full word, so a
//!   typo in the surname still leaves the given name's key (`rstm|ap`).
//!
//! Word order does not matter. An identifier gives `i:TYPE:VALUE`. On the generated gold
//! set 96–97% of true pairs share a key, at about 20 candidate pairs per record.
//!
//! A key can be shared by too many records to compare them all (the store's
//! `oplog::derive::MAX_BLOCK`): a million records hold thousands of Aziz Karimovs. The
//! records of such a key are then compared within their birth decade ([`decades`]), on
//! two grids of ten years five apart, so that two records whose birth years (the
//! middle of an approximate date, [`Prepared::birth_year`]) are at most five apart share
//! a decade of one grid; the undated, and dates looser than a decade, form one more.
//! Namesakes born further apart are compared only if something else (an identifier, a
//! rarer spelling) puts them in a smaller block: such a pair starts at −7 bits for the
//! dates.
//!
//! # The score
//!
//! Fellegi–Sunter: each comparison of a field has a weight log2(m/u), where m is the
//! probability of what was observed if the two records are one person and u if they
//! are two random people. The weights are fixed and reasoned, not estimated (an
//! office's store is small, and one badly estimated weight merges people); each is
//! written beside its m and u in `score.rs`. Only how common each name is comes from
//! the records ([`NameFrequencies`], Splink's term-frequency adjustment: Aziz agreeing
//! says less than a rare name). The weights add up, and the score is the posterior
//! probability `1 / (1 + 2^(prior − W))`, the prior odds against a match being about 1
//! in the number of records (log2 of it in bits, [`OFFSET`] = 8.5 bits at least, and
//! when no counts are given): in a store of 18 000 records a pair needs some 14 bits of
//! evidence, two full names agreeing and a birth year, or a rare name. The benchmark
//! prints how well this is calibrated. [`DEFAULT_THRESHOLD`] is one half.
//!
//! - **Names.** Every name of one record (shown name and aliases) is compared with
//!   every name of the other, and the best pair counts. Each name is read into words:
//!   given names and surnames in any order, a patronymic (Рустамович, Rustam o‘g‘li,
//!   or the second of two initials), initials (an initial in one name is read as the
//!   word another name of the same record spells out). Words are paired one to one,
//!   the best way (extra words on the longer name count for nothing), and each pair
//!   meets at a [`NameLevel`]: exact after the search fold (`domain::names`, so search
//!   and review agree on what a name is) 7 bits, a transliteration variant 6, a suffix
//!   (-jon) 5.5 or the feminine -a 2.5, a typo that sounds the same 3 and one that
//!   does not 1.5–3.5 (more for longer words), an initial 3.5, different −7; exact and
//!   near levels are moved by up to −4 / +3 bits by how common the word is.
//!   Patronymics are compared root to root and weigh half; different fathers −6.5.
//!   Once a word differs, the names give at most 0 (a brother shares surname and
//!   patronymic, the weights assume the words independent), and the whole pair stays
//!   below the threshold unless an identifier agrees (twins share a birth day too).
//! - **Identifiers** of one type: the same value +12; one character apart +2;
//!   different −12 (UNHCR registration, for life), −10 (passport, national id), −2.5
//!   (camp id: each camp numbers its own people); "other" only when the same.
//! - **Birth dates** as ranges (`1975~` is 1973–1977, `1970/1980` the decade,
//!   1 January is read as the year, which registrations use for "unknown"): the same
//!   day +10; overlapping ranges +log2(0.9 / u), u growing with the ranges' width (a
//!   year: +4.5); a year apart +1; up to 2.5 years −2; up to 4 −4.5; up to 10 −7;
//!   more −12 (father and son).
//! - **Sex** agreeing +1, disagreeing −5; **origin** the same +1.5, different −1 (a
//!   town and its region are two places here); a **group** in common +2.5; a
//!   **family link** between the two −12 (two people), a family member in common +4.
//!
//! # Names across scripts
//!
//! The fold in `domain::names` turns Cyrillic, Uzbek Latin, and the ICAO, BGN/PCGN,
//! GOST 7.79 and ISO 9 romanisations into one key. On top of it, `similar.rs` measures
//! a weighted edit distance whose cheap edits are what no deterministic fold can undo:
//! Uzbek о for Russian а (Qodirov / Kadyrov, Abdulloev / Abdullaev), ў for у
//! (Jorayev / Juraev), e/i and e/o (ё written e), Arabic h as г (Ibrohimov /
//! Ibragimov), j for й, d/t; the suffixes -jon, -jan, -xon (Azizjon / Aziz, and
//! Umidjon / Umid though дж folds to one letter) and the feminine -ova. And what keeps
//! apart names a letter apart: Aziz / Aziza, Hasan / Husan (twins), short names one
//! edit apart. These Central Asian rules are hand-written: no library has them.
//!
//! # Libraries
//!
//! - `strsim`: Jaro–Winkler similarity (a second test for the typo level on long words,
//!   and the similarity shown in [`WordMatch`]) and the optimal-string-alignment
//!   distance of identifiers.
//! - `rphonetic`: the Daitch–Mokotoff soundex, whose rules were written for Slavic and
//!   Yiddish names in Latin letters: two words a typo apart that share a code meet at
//!   the phonetic level (3 bits) rather than the fuzzy one (1.5). Beider–Morse was not
//!   used: the rules rphonetic embeds are only the generic ones (its Cyrillic and
//!   Russian rules would have to be shipped), and it gives many alternatives per word,
//!   costly to compare.
//! - `unicode-normalization`, in the fold.

mod births;
mod evidence;
mod forms;
mod frequencies;
mod score;
mod similar;
#[cfg(test)]
mod tests;

pub use evidence::{Evidence, IdentifierAgreement, NameLevel, WordMatch, WordRole};
pub use frequencies::NameFrequencies;

use serde::Serialize;
use similar::Word;
use std::collections::BTreeSet;
use ts_rs::TS;

/// What is known of one person record, as the store holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonEvidence {
    pub id: String,
    /// The shown name and every alias: (text, BCP-47 tag such as `uz-Cyrl`, `ru-Cyrl`,
    /// `uz-Latn`, `en-Latn`, `und`). The tag is shown with the evidence; the reading
    /// of the text does not depend on it.
    pub names: Vec<(String, String)>,
    /// EDTF as stored (`1975`, `1975~`, `1975-03-02`, `1970/1980`, `../1980`).
    pub birth_date: Option<String>,
    /// A `sex` term: male, female, other, unknown.
    pub sex: Option<String>,
    /// (type, value): (`camp_id`, `B-117`), (`passport`, `AB1234567`)…
    pub identifiers: Vec<(String, String)>,
    /// A location id.
    pub origin: Option<String>,
    /// Ids of the groups the person belongs to.
    pub groups: Vec<String>,
    /// Ids of the persons linked to this one as family.
    pub family: Vec<String>,
}

/// The result of comparing two records.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Comparison {
    /// 0..=1: the probability that the two are one person, under the model's prior.
    pub score: f64,
    /// Everything that counted, strongest first, each with its weight.
    pub evidence: Vec<Evidence>,
}

/// Prior odds, in bits, against two records being one person when how many records
/// there are is not known (a small office's store, some hundreds): the sum of the
/// weights must reach it for a score of one half. With [`NameFrequencies`], the prior
/// is log2 of the number of records, if more.
pub const OFFSET: f64 = 8.5;

/// The score at or above which a pair is a candidate shown for review.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// A record read once for many comparisons: its names folded into words, its dates
/// parsed. Comparing prepared records is what scales (see `benches/duplicates.rs`).
#[derive(Debug, Clone)]
pub struct Prepared {
    id: String,
    words: Vec<Word>,
    names: Vec<forms::NameForm>,
    birth: Option<births::Birth>,
    birth_text: Option<String>,
    sex: Option<String>,
    /// (type, normalised value, value as written), sorted.
    identifiers: Vec<(String, String, String)>,
    origin: Option<String>,
    groups: Vec<String>,
    family: Vec<String>,
    /// Prior odds against a match, in bits (see [`OFFSET`]).
    prior: f64,
}

impl Prepared {
    /// Reads a record, with no counts of how common names are (every name weighs as
    /// a fairly common one).
    pub fn new(e: &PersonEvidence) -> Self {
        Self::with_frequencies(e, &NameFrequencies::default())
    }

    /// Reads a record, weighing its words by how common they are among the records.
    /// Records compared with each other must be read with the same counts.
    pub fn with_frequencies(e: &PersonEvidence, frequencies: &NameFrequencies) -> Self {
        let mut words = Vec::new();
        let mut names: Vec<forms::NameForm> = e
            .names
            .iter()
            .map(|(text, lang)| forms::read_name(text, lang, &mut words))
            .filter(|f| !f.core.is_empty() || f.patronymic.is_some())
            .collect();
        forms::expand_initials(&mut names, &words);
        for w in words.iter_mut().filter(|w| !w.initial) {
            w.tf = frequencies.adjustment(&w.key);
        }
        let mut identifiers: Vec<(String, String, String)> = e
            .identifiers
            .iter()
            .map(|(t, v)| {
                (
                    t.trim().to_string(),
                    score::normalise_identifier(v),
                    v.clone(),
                )
            })
            .filter(|(_, v, _)| !v.is_empty())
            .collect();
        identifiers.sort();
        identifiers.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        };
        let birth_text = e.birth_date.clone().filter(|t| !t.trim().is_empty());
        Prepared {
            id: e.id.clone(),
            words,
            names,
            birth: birth_text.as_deref().and_then(births::birth),
            birth_text,
            sex: e
                .sex
                .as_deref()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| s == "male" || s == "female"),
            identifiers,
            origin: e.origin.clone().filter(|o| !o.is_empty()),
            groups: sorted(&e.groups),
            family: sorted(&e.family),
            prior: frequencies.prior(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The year in the middle of the birth date, 0 when it is unknown or looser than a
    /// decade (see [`decades`]).
    pub fn birth_year(&self) -> i64 {
        self.birth
            .and_then(|b| b.middle_year())
            .filter(|y| *y > 0)
            .unwrap_or(0)
    }

    /// See [`blocking_keys`].
    pub fn blocking_keys(&self) -> BTreeSet<String> {
        let mut keys = Vec::new();
        for form in &self.names {
            forms::name_keys(form, &self.words, &mut keys);
        }
        for (t, v, _) in &self.identifiers {
            if v.chars().count() >= 3 && t != "other" {
                keys.push(format!("i:{t}:{v}"));
            }
        }
        keys.into_iter().collect()
    }
}

/// The birth years of the decades in which records born in `born` (a
/// [`Prepared::birth_year`]) are compared where their key is too common: one range on
/// each grid, or the undated's `0..=0`. Two records share a range when their birth years
/// are at most five apart (and both dated), or both are undated.
pub fn decades(born: i64) -> Vec<(i64, i64)> {
    if born <= 0 {
        return vec![(0, 0)];
    }
    let a = born.div_euclid(10) * 10;
    let b = (born - 5).div_euclid(10) * 10 + 5;
    vec![(a.max(1), a + 9), (b.max(1), b + 9)]
}

/// Keys such that two records of one person share at least one with very high
/// probability, while a key is shared by few unrelated persons: candidates are the
/// pairs of records that share a key (see the module docs).
pub fn blocking_keys(e: &PersonEvidence) -> BTreeSet<String> {
    Prepared::new(e).blocking_keys()
}

/// The score and evidence of two records.
pub fn compare(a: &PersonEvidence, b: &PersonEvidence) -> Comparison {
    compare_prepared(&Prepared::new(a), &Prepared::new(b))
}

/// [`compare`] on records read once.
pub fn compare_prepared(a: &Prepared, b: &Prepared) -> Comparison {
    let (odds, mut evidence) = score::weigh(a, b, true);
    evidence.sort_by(|x, y| y.weight().abs().total_cmp(&x.weight().abs()));
    Comparison {
        score: score_of(odds),
        evidence,
    }
}

/// Only the score of [`compare_prepared`], without building the evidence: for
/// screening many pairs.
pub fn score_prepared(a: &Prepared, b: &Prepared) -> f64 {
    score_of(score::weigh(a, b, false).0)
}

/// The score of two records when it is at least `floor`, none when it is lower: the
/// same as [`score_prepared`] for the pairs it returns, cheaper for those it does not
/// (what the rest of the records says is weighed first, and names only when they could
/// still lift the pair to `floor`).
pub fn score_at_least(a: &Prepared, b: &Prepared, floor: f64) -> Option<f64> {
    if floor <= 0.0 {
        return Some(score_prepared(a, b));
    }
    if floor >= 1.0 {
        return None;
    }
    // The odds of `floor`, a hair lower, so that rounding never drops a pair at it.
    let odds = (floor / (1.0 - floor)).log2() - 1e-9;
    score::weigh_from(a, b, odds)
        .map(score_of)
        .filter(|s| *s >= floor)
}

/// The probability of posterior log2 odds.
fn score_of(odds: f64) -> f64 {
    1.0 / (1.0 + (-odds).exp2())
}
