//! The weights: log2 likelihood ratios, log2(m/u), of each kind of agreement (see the
//! module docs for the reasoning behind each m and u), and the sum that makes a score.

use super::births::births;
use super::evidence::{Evidence, IdentifierAgreement, NameLevel, WordMatch, WordRole};
use super::forms::NameForm;
use super::similar::{level, similarity, Word};
use super::Prepared;

/// Weights of words of names, in quarters of a bit (so sums are exact and the score of
/// a pair does not depend on the order of its records).
fn name_weight(level: NameLevel, len: usize) -> i32 {
    match level {
        // m 0.80: most spellings fold to one key; u 0.006: the chance that a word of a
        // random other person's name is this one, for the commonest Uzbek names.
        NameLevel::Exact => 28,
        // m 0.12, u 0.0015.
        NameLevel::Variant => 24,
        // Azizjon / Aziz: m 0.05, u 0.001. (The feminine -a: see `names`.)
        NameLevel::Suffix => 22,
        // m 0.02, u 0.002.
        NameLevel::Phonetic => 12,
        // m 0.05 (a typo), u from 0.015 for short words (Karimov / Kasimov are two
        // names) to 0.004 for long ones.
        NameLevel::Fuzzy => match len {
            0..=6 => 6,
            7..=8 => 10,
            _ => 14,
        },
        // m 0.96, u 0.07 (one initial in about fifteen).
        NameLevel::Initial => 14,
        // m 0.008 (another given name used, a typo past repair), u 0.97.
        NameLevel::Different => -28,
    }
}

/// Patronymics agree within a family: brothers share theirs, so agreement says less
/// (u 0.08 among pairs whose surname agrees) and disagreement rather more.
fn patronymic_weight(level: NameLevel) -> i32 {
    match level {
        NameLevel::Exact => 14,
        NameLevel::Variant | NameLevel::Suffix => 12,
        NameLevel::Phonetic => 6,
        NameLevel::Fuzzy | NameLevel::Initial => 4,
        // Two fathers: m 0.01 (patronymics are written with care), u 0.9.
        NameLevel::Different => -26,
    }
}

/// A weight of agreeing words, adjusted for how common the commoner of the two is (see
/// [`super::NameFrequencies`]); `damp` divides the adjustment; never below a bit.
fn tf(weight: i32, level: NameLevel, a: &Word, b: &Word, damp: i32) -> i32 {
    match level {
        NameLevel::Initial | NameLevel::Different => weight,
        _ => (weight + a.tf.min(b.tf) / damp).max(4),
    }
}

/// Karimova / Karimov (quarters of a bit).
const FEMININE_WEIGHT: i32 = 10;

fn feminine(key: &str) -> bool {
    key.ends_with("ova") || key.ends_with("eva")
}

/// Words of a name that are compared (the reading keeps at most this many).
pub(crate) const MAX_WORDS: usize = 6;

/// One paired couple of words: (word of a, word of b, role, level, weight).
type Pair = (usize, usize, WordRole, NameLevel, i32);

/// How the words of two names were paired, without allocating.
#[derive(Clone, Copy)]
pub(crate) struct Pairing {
    items: [Pair; MAX_WORDS + 1],
    len: usize,
}

impl Pairing {
    fn new() -> Self {
        Pairing {
            items: [(0, 0, WordRole::Name, NameLevel::Different, 0); MAX_WORDS + 1],
            len: 0,
        }
    }
    fn push(&mut self, p: Pair) {
        self.items[self.len] = p;
        self.len += 1;
    }
    fn iter(&self) -> impl Iterator<Item = &Pair> {
        self.items[..self.len].iter()
    }
}

/// Pairs each word of the shorter name (`n` words) with a distinct word of the longer
/// (`m`), the best way; words left over on the longer name say nothing. Returns the
/// sum and, for each word of the shorter, its partner.
fn assign(n: usize, m: usize, w: &dyn Fn(usize, usize) -> i32) -> (i32, [usize; MAX_WORDS]) {
    struct Search<'a> {
        n: usize,
        m: usize,
        w: &'a dyn Fn(usize, usize) -> i32,
        cur: [usize; MAX_WORDS],
        best: (i32, [usize; MAX_WORDS]),
    }
    fn go(s: &mut Search, i: usize, used: u32, sum: i32) {
        if i == s.n {
            if sum > s.best.0 {
                s.best = (sum, s.cur);
            }
            return;
        }
        for j in 0..s.m {
            if used & (1 << j) == 0 {
                s.cur[i] = j;
                let w = (s.w)(i, j);
                go(s, i + 1, used | 1 << j, sum + w);
            }
        }
    }
    if n == 0 {
        return (0, [0; MAX_WORDS]);
    }
    let mut s = Search {
        n,
        m,
        w,
        cur: [0; MAX_WORDS],
        best: (i32::MIN, [0; MAX_WORDS]),
    };
    go(&mut s, 0, 0, 0);
    s.best
}

/// The weight of two names (in quarters) and how their words were paired.
fn names(
    words: (&[Word], &[Word]),
    fa: &NameForm,
    fb: &NameForm,
    lv: &mut dyn FnMut(usize, usize) -> NameLevel,
) -> (i32, Pairing) {
    let (ca, cb) = (&fa.core, &fb.core);
    let mut table = [0i32; MAX_WORDS * MAX_WORDS];
    let mut levels = [NameLevel::Different; MAX_WORDS * MAX_WORDS];
    for (i, (_, wa)) in ca.iter().enumerate() {
        for (j, (_, wb)) in cb.iter().enumerate() {
            let l = lv(*wa, *wb);
            let (x, y) = (&words.0[*wa].key, &words.1[*wb].key);
            levels[i * MAX_WORDS + j] = l;
            table[i * MAX_WORDS + j] = if !matches!(l, NameLevel::Initial | NameLevel::Different)
                && feminine(x) != feminine(y)
            {
                // Karimova / Karimov: a woman's surname written as a man's is rare
                // (m 0.01), her brother's is the same but for the -a (u 0.002). So
                // at any level the words meet at, the -a caps what they say.
                FEMININE_WEIGHT.min(name_weight(l, x.len().min(y.len())))
            } else {
                tf(
                    name_weight(l, x.len().min(y.len())),
                    l,
                    &words.0[*wa],
                    &words.1[*wb],
                    1,
                )
            };
        }
    }
    let at = |i: usize, j: usize| table[i * MAX_WORDS + j];
    let mut pairing = Pairing::new();
    let mut total = if ca.len() <= cb.len() {
        let (sum, to) = assign(ca.len(), cb.len(), &at);
        for (i, &j) in to.iter().enumerate().take(ca.len()) {
            let k = i * MAX_WORDS + j;
            pairing.push((ca[i].1, cb[j].1, WordRole::Name, levels[k], table[k]));
        }
        sum
    } else {
        let (sum, to) = assign(cb.len(), ca.len(), &|j, i| at(i, j));
        for (j, &i) in to.iter().enumerate().take(cb.len()) {
            let k = i * MAX_WORDS + j;
            pairing.push((ca[i].1, cb[j].1, WordRole::Name, levels[k], table[k]));
        }
        sum
    };
    let patronymics = match (&fa.patronymic, &fb.patronymic) {
        (Some((_, a)), Some((_, b))) => Some((*a, *b)),
        // «Абдуллаев Р. Р.»: the second initial is the patronymic's.
        (Some((_, a)), None) => spare_initial(fb, words.1, &pairing, false).map(|b| (*a, b)),
        (None, Some((_, b))) => spare_initial(fa, words.0, &pairing, true).map(|a| (a, *b)),
        (None, None) => None,
    };
    if let Some((a, b)) = patronymics {
        let l = lv(a, b);
        let w = tf(patronymic_weight(l), l, &words.0[a], &words.1[b], 2);
        total += w;
        pairing.push((a, b, WordRole::Patronymic, l, w));
    }
    // A word that differs makes the rest family likeness, not identity: brothers share
    // a surname and a patronymic, twins a birth date too. (The weights assume the
    // words independent; within a family they are not.)
    if pairing.iter().any(|p| p.3 == NameLevel::Different) {
        total = total.min(0);
    }
    (total, pairing)
}

/// The patronymics of two records compared across all their names, the best way:
/// (level, weight in quarters, word of a, word of b); none unless both give one.
fn record_patronymics(
    a: &Prepared,
    b: &Prepared,
    lv: &mut dyn FnMut(usize, usize) -> NameLevel,
) -> Option<(NameLevel, i32, usize, usize)> {
    let of = |p: &Prepared| -> Vec<usize> {
        let mut v: Vec<usize> = p
            .names
            .iter()
            .filter_map(|f| f.patronymic.as_ref().map(|(_, w)| *w))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (pa, pb) = (of(a), of(b));
    let mut best: Option<(NameLevel, i32, usize, usize)> = None;
    for &i in &pa {
        for &j in &pb {
            let l = lv(i, j);
            let w = tf(patronymic_weight(l), l, &a.words[i], &b.words[j], 2);
            if best.is_none_or(|b| w > b.1) {
                best = Some((l, w, i, j));
            }
        }
    }
    best
}

/// The last initial of a name that the pairing left over.
fn spare_initial(
    form: &NameForm,
    words: &[Word],
    pairing: &Pairing,
    side_a: bool,
) -> Option<usize> {
    form.core.iter().rev().find_map(|(_, w)| {
        let side = |p: &&Pair| if side_a { p.0 } else { p.1 };
        let paired = pairing.iter().filter(|p| side(p) == *w).count();
        let written = form.core.iter().filter(|(_, i)| i == w).count();
        (paired < written && words[*w].initial).then_some(*w)
    })
}

/// Identifier values compared without case, spaces or punctuation, and with Cyrillic
/// letters that look like Latin ones read as those (a passport series typed on a
/// Russian keyboard).
pub(crate) fn normalise_identifier(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .map(|c| match c {
            'А' => 'A',
            'В' => 'B',
            'Е' => 'E',
            'К' => 'K',
            'М' => 'M',
            'Н' => 'H',
            'О' => 'O',
            'Р' => 'P',
            'С' => 'C',
            'Т' => 'T',
            'Х' => 'X',
            'У' => 'Y',
            c => c,
        })
        .collect()
}

/// How strongly two different values of one identifier type speak against: a UNHCR
/// registration number is for life, passports and national ids are renewed, each camp
/// numbers its own people (one person in two camps has two camp ids); "other" may be
/// anything.
fn identifier_disagreement(id_type: &str) -> f64 {
    match id_type {
        "unhcr_registration" => -12.0,
        "passport" | "national_id" => -10.0,
        "camp_id" => -2.5,
        _ => 0.0,
    }
}

/// The log2 posterior odds of two prepared persons (the total weight less the prior
/// odds against), with the evidence when `record`.
pub(crate) fn weigh(a: &Prepared, b: &Prepared, record: bool) -> (f64, Vec<Evidence>) {
    let mut ev = Vec::new();
    let mut total = 0.0;
    let nb = b.words.len();
    let mut small = [None; 64];
    let mut large = Vec::new();
    let memo: &mut [Option<NameLevel>] = if a.words.len() * nb <= small.len() {
        &mut small
    } else {
        large.resize(a.words.len() * nb, None);
        &mut large
    };
    let mut lv = |i: usize, j: usize| {
        *memo[i * nb + j].get_or_insert_with(|| level(&a.words[i], &b.words[j]))
    };
    let mut best: Option<(i32, usize, usize, Pairing)> = None;
    for (x, fa) in a.names.iter().enumerate() {
        for (y, fb) in b.names.iter().enumerate() {
            let (w, p) = names((&a.words, &b.words), fa, fb, &mut lv);
            if best.as_ref().is_none_or(|b| w > b.0) {
                best = Some((w, x, y, p));
            }
        }
    }
    let mut different_name = false;
    if let Some((mut w, x, y, mut pairing)) = best {
        if !pairing.iter().any(|p| p.2 == WordRole::Patronymic) {
            // The names that met best do not both carry the patronymic («Aziz Karimov»,
            // an alias), but each record gives it in another of its names: the father
            // is known, and two fathers are two people.
            if let Some((l, pw, i, j)) = record_patronymics(a, b, &mut lv) {
                w += pw;
                pairing.push((i, j, WordRole::Patronymic, l, pw));
                if l == NameLevel::Different {
                    w = w.min(0);
                }
            }
        }
        total += w as f64 / 4.0;
        different_name = pairing.iter().any(|p| p.3 == NameLevel::Different);
        if record {
            let (fa, fb) = (&a.names[x], &b.names[y]);
            // A word as written in the name that met best, or else in another name of
            // the record (a patronymic known from another name).
            let raw = |p: &Prepared, f: &NameForm, w: usize| {
                std::iter::once(f)
                    .chain(p.names.iter())
                    .flat_map(|f| f.core.iter().chain(f.patronymic.iter()))
                    .find(|(_, i)| *i == w)
                    .map_or(String::new(), |(r, _)| r.clone())
            };
            let words = pairing
                .iter()
                .map(|&(i, j, role, level, w)| WordMatch {
                    a: raw(a, fa, i),
                    b: raw(b, fb, j),
                    role,
                    level,
                    similarity: similarity(&a.words[i], &b.words[j]),
                    weight: w as f64 / 4.0,
                })
                .collect();
            ev.push(Evidence::Names {
                a: fa.text.clone(),
                a_lang: fa.lang.clone(),
                b: fb.text.clone(),
                b_lang: fb.lang.clone(),
                words,
                weight: w as f64 / 4.0,
            });
        }
    }
    let (rest, identified) = others(a, b, record, &mut ev);
    total += rest;
    let prior = (a.prior + b.prior) / 2.0;
    if different_name && !identified {
        // Twins share a surname, a patronymic and a birth day: with a name that
        // differs, only an identifier can make two records one person.
        total = total.min(prior - 1.0);
    }
    (total - prior, ev)
}

/// Everything but the names: identifiers, birth dates, sex, origin, groups and family.
/// The weight, and whether an identifier agrees.
fn others(a: &Prepared, b: &Prepared, record: bool, ev: &mut Vec<Evidence>) -> (f64, bool) {
    let mut identified = false;
    let mut total = 0.0;
    let mut types: Vec<&str> = a.identifiers.iter().map(|t| t.0.as_str()).collect();
    types.dedup();
    for id_type in types {
        let of = |p: &'_ Prepared| -> Vec<(String, String)> {
            p.identifiers
                .iter()
                .filter(|t| t.0 == id_type)
                .map(|t| (t.1.clone(), t.2.clone()))
                .collect()
        };
        let (ours, theirs) = (of(a), of(b));
        // One verdict per type: the best agreement between any of the values.
        let mut verdict: Option<(IdentifierAgreement, &str, &str)> = None;
        for (x, rx) in &ours {
            for (y, ry) in &theirs {
                let agreement = if x == y {
                    IdentifierAgreement::Same
                } else if x.len() >= 6 && strsim::osa_distance(x, y) == 1 {
                    IdentifierAgreement::Near
                } else {
                    IdentifierAgreement::Different
                };
                if verdict.is_none_or(|v| agreement_rank(agreement) > agreement_rank(v.0)) {
                    verdict = Some((agreement, rx, ry));
                }
            }
        }
        let Some((agreement, rx, ry)) = verdict else {
            continue;
        };
        let weight = match agreement {
            // m 0.9, u 1e-4 and less: kept below certainty, for typing errors.
            IdentifierAgreement::Same => 12.0,
            IdentifierAgreement::Near => 2.0,
            IdentifierAgreement::Different => identifier_disagreement(id_type),
        };
        if weight == 0.0 {
            continue;
        }
        identified |= agreement == IdentifierAgreement::Same;
        total += weight;
        if record {
            ev.push(Evidence::Identifier {
                id_type: id_type.to_string(),
                a: rx.to_string(),
                b: ry.to_string(),
                agreement,
                weight,
            });
        }
    }
    if let (Some(x), Some(y)) = (&a.birth, &b.birth) {
        let (weight, years_apart) = births(x, y);
        total += weight;
        if record {
            ev.push(Evidence::BirthDates {
                a: a.birth_text.clone().unwrap_or_default(),
                b: b.birth_text.clone().unwrap_or_default(),
                compatible: years_apart == 0,
                years_apart,
                weight,
            });
        }
    }
    if let (Some(x), Some(y)) = (&a.sex, &b.sex) {
        let agree = x == y;
        // m 0.98, u 0.5; a different sex: m 0.015 (a slip of the form).
        let weight = if agree { 1.0 } else { -5.0 };
        total += weight;
        if record {
            ev.push(Evidence::Sex {
                a: x.clone(),
                b: y.clone(),
                agree,
                weight,
            });
        }
    }
    if let (Some(x), Some(y)) = (&a.origin, &b.origin) {
        let same = x == y;
        // Places are a hierarchy this function does not see (a town, its region), so a
        // different place says little; most refugees here come from few places.
        let weight = if same { 1.5 } else { -1.0 };
        total += weight;
        if record {
            ev.push(Evidence::Origin {
                a: x.clone(),
                b: y.clone(),
                same,
                weight,
            });
        }
    }
    let groups = common(&a.groups, &b.groups);
    if !groups.is_empty() {
        // m 0.3, u 0.05.
        total += 2.5;
        if record {
            ev.push(Evidence::SameGroup {
                groups,
                weight: 2.5,
            });
        }
    }
    if a.family.binary_search(&b.id).is_ok() || b.family.binary_search(&a.id).is_ok() {
        total -= 12.0;
        if record {
            ev.push(Evidence::FamilyOfEachOther { weight: -12.0 });
        }
    }
    let persons = common(&a.family, &b.family);
    if !persons.is_empty() {
        total += 4.0;
        if record {
            ev.push(Evidence::SharedFamily {
                persons,
                weight: 4.0,
            });
        }
    }
    (total, identified)
}

/// The most two records' names can weigh (quarters of a bit): every word of the shorter
/// name exact, as common as the rarest word lets it say, and the fathers' names too.
fn names_bound(a: &Prepared, b: &Prepared) -> i32 {
    let core = |p: &Prepared| p.names.iter().map(|f| f.core.len()).max().unwrap_or(0);
    let tf = a
        .words
        .iter()
        .chain(&b.words)
        .map(|w| w.tf)
        .max()
        .unwrap_or(0)
        .max(0);
    let words = core(a).min(core(b)) as i32;
    words * (name_weight(NameLevel::Exact, usize::MAX) + tf)
        + patronymic_weight(NameLevel::Exact)
        + tf / 2
}

/// The log2 posterior odds of two prepared persons when they can reach `floor`, and
/// none when they cannot: names are compared only when what else is known leaves room.
pub(crate) fn weigh_from(a: &Prepared, b: &Prepared, floor: f64) -> Option<f64> {
    let (rest, _) = others(a, b, false, &mut Vec::new());
    let prior = (a.prior + b.prior) / 2.0;
    if rest + names_bound(a, b) as f64 / 4.0 - prior < floor {
        return None;
    }
    let odds = weigh(a, b, false).0;
    (odds >= floor).then_some(odds)
}

fn agreement_rank(a: IdentifierAgreement) -> u8 {
    match a {
        IdentifierAgreement::Same => 2,
        IdentifierAgreement::Near => 1,
        IdentifierAgreement::Different => 0,
    }
}

fn common(a: &[String], b: &[String]) -> Vec<String> {
    a.iter()
        .filter(|x| b.binary_search(x).is_ok())
        .cloned()
        .collect()
}
