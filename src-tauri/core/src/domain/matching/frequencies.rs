//! How common each word of a name is among the records: a name that half the camp
//! shares (Muhammad, Karimov) says less than a rare one. This is Fellegi–Sunter's
//! term-frequency adjustment, as Splink makes it.

use crate::domain::names::name_words;
use std::collections::{BTreeSet, HashMap};

use super::PersonEvidence;

/// How many person records have each folded word (`domain::names::name_words`) in a
/// name; the store's name index holds the same counts.
#[derive(Debug, Clone, Default)]
pub struct NameFrequencies {
    counts: HashMap<String, u32>,
    records: u32,
}

impl NameFrequencies {
    pub fn new() -> Self {
        Self::default()
    }

    /// From counts kept elsewhere: the number of person records, and for each folded
    /// word the number of records with it.
    pub fn from_counts(records: u32, counts: impl IntoIterator<Item = (String, u32)>) -> Self {
        NameFrequencies {
            counts: counts.into_iter().collect(),
            records,
        }
    }

    /// Counts one record (each of its distinct words once).
    pub fn add(&mut self, e: &PersonEvidence) {
        let words: BTreeSet<String> = e.names.iter().flat_map(|(t, _)| name_words(t)).collect();
        for w in words {
            *self.counts.entry(w).or_default() += 1;
        }
        self.records += 1;
    }

    pub fn records(&self) -> u32 {
        self.records
    }

    /// Prior odds against two records being one person, in bits: among n records
    /// each has about one duplicate, so a random pair matches about once in n
    /// (never less than [`super::OFFSET`]).
    pub fn prior(&self) -> f64 {
        (self.records.max(1) as f64).log2().max(super::OFFSET)
    }

    pub fn count(&self, word: &str) -> u32 {
        self.counts.get(word).copied().unwrap_or(0)
    }

    /// The adjustment of a word's weights, in quarters of a bit: the exact weight
    /// log2(0.8 / u) with u the word's share of the records (at least 1 in 40 000,
    /// at most 1), kept between 3 and 10 bits, less the 7 bits assumed without counts.
    pub(crate) fn adjustment(&self, word: &str) -> i32 {
        if self.records < 100 {
            // Too few records to say what is common.
            return 0;
        }
        let u = (self.count(word).max(1) as f64 / self.records as f64).max(1.0 / 40_000.0);
        let bits = (0.8 / u).log2().clamp(3.0, 10.0);
        ((bits - 7.0) * 4.0).round() as i32
    }
}
