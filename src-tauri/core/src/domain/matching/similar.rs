//! How two words of names compare, on top of the search fold: a weighted edit distance
//! whose cheap edits are the differences transliteration makes, the Daitch–Mokotoff
//! code (rphonetic), Jaro–Winkler (strsim), initials and suffixes.

use super::evidence::NameLevel;
use rphonetic::{DaitchMokotoffSoundex, DaitchMokotoffSoundexBuilder};
use std::sync::{LazyLock, OnceLock};

/// One distinct folded word of a person's names, with what comparing it needs.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    /// The search key of the word (`domain::names`), or the root of a patronymic.
    pub key: String,
    /// The key without the suffixes that do not change whose name it is: -jon and
    /// -xon (Azizjon → aziz), the feminine -ova / -eva (Karimova → karimov).
    pub stem: String,
    /// The stem with a d the fold ate (see [`stem`]).
    pub stem_d: Option<String>,
    /// Written as an initial (R., Sh., a single letter).
    pub initial: bool,
    /// The consonant classes of the stem, one bit each: a quick test that two words
    /// are more than a typo apart.
    pub mask: u32,
    /// Daitch–Mokotoff codes of the key (several when a letter reads two ways), worked
    /// out when first needed.
    dm: OnceLock<Vec<u32>>,
    /// How much more (or less) than usual the word says when it agrees, in quarters
    /// of a bit: rare names say more ([`super::NameFrequencies`]).
    pub tf: i32,
}

static DM: LazyLock<DaitchMokotoffSoundex> = LazyLock::new(|| {
    DaitchMokotoffSoundexBuilder::default()
        .build()
        .expect("the embedded Daitch–Mokotoff rules parse")
});

pub(crate) fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Letters that transliteration and the Uzbek/Russian vowel shifts interchange share a
/// class: a/o/u, e/i, g/k/h (ғ, қ, ҳ and х), d/t, b/p, v/f, s/z.
pub(crate) fn class(c: u8) -> u8 {
    match c {
        b'a' | b'o' | b'u' => b'a',
        b'e' | b'i' => b'e',
        b'g' | b'k' | b'h' => b'k',
        b'd' | b't' => b't',
        b'b' | b'p' => b'p',
        b'v' | b'f' => b'v',
        b's' | b'z' => b's',
        c => c,
    }
}

/// The key without -jon / -jan / -xon (Azizjon → aziz) or the feminine -a of -ova /
/// -eva (Karimova → karimov); and, when the fold ate a d before -jon (Umidjon →
/// umijon, as дж is one letter), the stem with the d put back (umid).
pub(crate) fn stem(key: &str) -> (String, Option<String>) {
    for (suffix, min) in [("jon", 3), ("jan", 3), ("hon", 4)] {
        if key.len() >= suffix.len() + min && key.ends_with(suffix) {
            let s = &key[..key.len() - suffix.len()];
            let with_d = s
                .bytes()
                .last()
                .is_some_and(is_vowel)
                .then(|| format!("{s}d"));
            return (s.to_string(), with_d);
        }
    }
    if key.len() >= 6 && (key.ends_with("ova") || key.ends_with("eva")) {
        return (key[..key.len() - 1].to_string(), None);
    }
    (key.to_string(), None)
}

impl Word {
    pub fn new(key: String, initial: bool) -> Self {
        let (stem, stem_d) = stem(&key);
        let mask = stem
            .bytes()
            .chain(stem_d.iter().flat_map(|d| d.bytes()))
            .filter(|c| !is_vowel(*c) && *c != b'j')
            .fold(0u32, |m, c| m | 1 << (class(c) % 32));
        Word {
            key,
            stem,
            stem_d,
            initial,
            mask,
            dm: OnceLock::new(),
            tf: 0,
        }
    }
}

impl Word {
    fn codes(&self) -> &[u32] {
        self.dm.get_or_init(|| {
            if self.initial || self.key.len() < 3 || !self.key.is_ascii() {
                return Vec::new();
            }
            let mut codes: Vec<u32> = DM
                .soundex(&self.key)
                .split('|')
                .filter_map(|c| c.parse().ok())
                .collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        })
    }
}

/// The cost of writing `a` where another spelling has `b`; 1 for an ordinary typo.
fn substitution(a: u8, b: u8) -> f32 {
    if a == b {
        return 0.0;
    }
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    match (x, y) {
        // Uzbek о is Russian а (Qodirov / Kadyrov), ў is у (Jo‘rayev / Juraev).
        (b'a', b'o') | (b'o', b'u') => 0.3,
        // e/i; e/o as ё is written e in passports (Сурайё / Suraye).
        (b'e', b'i') | (b'e', b'o') => 0.4,
        // Arabic h as Russian г (Ibragimov / Ibrohimov); j as й (Kajumov / Kayumov).
        (b'g', b'h') | (b'i', b'j') => 0.3,
        (b'd', b't') | (b'b', b'p') | (b'f', b'v') | (b's', b'z') | (b'g', b'k') => 0.6,
        (b'a', b'e') | (b'a', b'i') | (b'i', b'u') | (b'i', b'o') => 0.7,
        // Hasan / Husan, Hasanboy / Husanboy (twins): vowels no spelling confuses.
        (b'a', b'u') | (b'e', b'u') => 1.5,
        _ => 1.0,
    }
}

/// The cost of a letter one spelling has and the other lacks.
fn indel(c: u8) -> f32 {
    match c {
        b'j' => 0.3,
        b'h' | b'i' => 0.4,
        c if is_vowel(c) => 0.6,
        _ => 1.0,
    }
}

/// The costs above in tenths, for every pair of ASCII bytes (and the indels last).
static COSTS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut t = vec![0u8; 129 * 128];
    for a in 0..128u8 {
        for b in 0..128u8 {
            t[a as usize * 128 + b as usize] = (substitution(a, b) * 10.0).round() as u8;
        }
        t[128 * 128 + a as usize] = (indel(a) * 10.0).round() as u8;
    }
    t
});

/// Weighted Damerau (optimal string alignment) distance, three rows at a time; past
/// `limit` it stops and says so (more than `limit`).
pub(crate) fn distance(a: &[u8], b: &[u8], limit: f32) -> f32 {
    const MAX: usize = 32;
    if b.len() >= MAX {
        return strsim::osa_distance(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b))
            as f32;
    }
    let t = &COSTS[..];
    let sub = |x: u8, y: u8| -> u16 {
        if x == y {
            0
        } else if x >= 128 || y >= 128 {
            10
        } else {
            t[x as usize * 128 + y as usize] as u16
        }
    };
    let indel = |x: u8| -> u16 {
        if x >= 128 {
            10
        } else {
            t[128 * 128 + x as usize] as u16
        }
    };
    let limit = (limit * 10.0).round() as u16;
    let w = b.len() + 1;
    let mut rows = [[0u16; MAX]; 3];
    for j in 1..w {
        rows[0][j] = rows[0][j - 1] + indel(b[j - 1]);
    }
    // rows[(i + 1) % 3] is row i - 1, rows[i % 3] row i, rows[(i + 2) % 3] row i - 2.
    for i in 1..=a.len() {
        let (cur, prev, before) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let ai = a[i - 1];
        rows[cur][0] = rows[prev][0] + indel(ai);
        let mut least = rows[cur][0];
        for j in 1..w {
            let mut best = (rows[prev][j - 1] + sub(ai, b[j - 1]))
                .min(rows[prev][j] + indel(ai))
                .min(rows[cur][j - 1] + indel(b[j - 1]));
            if i > 1 && j > 1 && ai == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[before][j - 2] + 10);
            }
            rows[cur][j] = best;
            least = least.min(best);
        }
        if least > limit {
            return f32::MAX;
        }
    }
    rows[a.len() % 3][b.len()] as f32 / 10.0
}

/// How far a pair of words may be and still be a transliteration variant, or a typo,
/// given the shorter word's length: short names one letter apart are often two names.
fn limits(len: usize) -> (f32, f32) {
    match len {
        0..=3 => (0.3, 0.0),
        // Aziz / Aziza, Said / Saida: a vowel added is another person.
        4 => (0.45, 0.6),
        5 => (0.45, 1.0),
        6..=7 => (0.65, 1.35),
        8..=11 => (0.95, 1.4),
        _ => (1.25, 1.95),
    }
}

/// Letters that the fold writes as two (Ш sh, Ч ch, Ц ts): an initial of one of them
/// is written as both (Sh., Ш.), and S., С. stand for another letter.
const DIGRAPHS: [&str; 3] = ["sh", "ch", "ts"];

/// The first letter of a folded word, a digraph counting as one.
fn first_letter(key: &str) -> &str {
    match DIGRAPHS.iter().find(|d| key.starts_with(**d)) {
        Some(d) => d,
        None => key.get(..1).unwrap_or(""),
    }
}

fn initial_fits(initial: &Word, word: &Word) -> bool {
    let (i, w) = (first_letter(&initial.key), first_letter(&word.key));
    // "Abd." must begin the word; "R." only its first letter.
    !i.is_empty() && i == w && (initial.key.len() == i.len() || word.key.starts_with(&initial.key))
}

/// The level at which two words meet.
pub(crate) fn level(a: &Word, b: &Word) -> NameLevel {
    if a.initial || b.initial {
        let fits = match (a.initial, b.initial) {
            (true, true) => {
                let (x, y) = (first_letter(&a.key), first_letter(&b.key));
                x == y
                    || (x.len() == 1
                        && y.len() == 1
                        && class(x.as_bytes()[0]) == class(y.as_bytes()[0]))
            }
            (true, false) => initial_fits(a, b),
            _ => initial_fits(b, a),
        };
        return if fits {
            NameLevel::Initial
        } else {
            NameLevel::Different
        };
    }
    if a.key == b.key {
        return NameLevel::Exact;
    }
    // Aziz / Aziza, Said / Saida: a brother's name and his sister's (but Karimov /
    // Karimova is one family name).
    let (short, long) = if a.key.len() < b.key.len() {
        (a, b)
    } else {
        (b, a)
    };
    if long.key.len() == short.key.len() + 1
        && long.key.starts_with(&short.key)
        && long.key.ends_with('a')
        && !["ov", "ev", "in"].iter().any(|e| short.key.ends_with(e))
    {
        return NameLevel::Different;
    }
    if (a.mask ^ b.mask).count_ones() > 2 || a.stem.len().abs_diff(b.stem.len()) > 3 {
        return NameLevel::Different;
    }
    let (variant, typo) = limits(a.key.len().min(b.key.len()));
    let limit = variant.max(typo);
    let cost = distance(a.key.as_bytes(), b.key.as_bytes(), limit);
    if cost <= variant {
        return NameLevel::Variant;
    }
    if a.stem != a.key || b.stem != b.key {
        fn stems(x: &Word) -> impl Iterator<Item = &String> {
            std::iter::once(&x.stem).chain(x.stem_d.iter())
        }
        let best = stems(a)
            .flat_map(|x| stems(b).map(move |y| distance(x.as_bytes(), y.as_bytes(), limit)))
            .fold(f32::MAX, f32::min);
        if best <= variant {
            return NameLevel::Suffix;
        }
        if best <= typo && cost > typo {
            return NameLevel::Fuzzy;
        }
    }
    let short = a.key.len().min(b.key.len());
    if cost <= typo {
        // A typo's distance apart: more likely one name if they also sound the same.
        let same_code = short >= 6 && a.codes().iter().any(|c| b.codes().binary_search(c).is_ok());
        return if same_code {
            NameLevel::Phonetic
        } else {
            NameLevel::Fuzzy
        };
    }
    if short >= 6
        && a.key.len().abs_diff(b.key.len()) <= 1
        && strsim::jaro_winkler(&a.key, &b.key) >= 0.94
    {
        return NameLevel::Fuzzy;
    }
    NameLevel::Different
}

/// Jaro–Winkler similarity of the folded words, shown with the evidence.
pub(crate) fn similarity(a: &Word, b: &Word) -> f64 {
    if a.key == b.key {
        1.0
    } else {
        strsim::jaro_winkler(&a.key, &b.key)
    }
}
