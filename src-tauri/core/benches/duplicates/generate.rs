//! The gold set: people, each recorded 1–3 times as different offices would, and the
//! relatives that make duplicate review hard (fathers and sons of one name, brothers,
//! twins, sisters).

use super::pools::*;
use nansen_core::domain::matching::PersonEvidence;

/// Draws every name equally often (`NANSEN_BENCH_UNIFORM=1`): how much of what the
/// benchmark shows comes from common names being common.
pub static UNIFORM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// splitmix64: a small, fast, seeded generator (no dependency; deterministic).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// A Zipf-like pick (the i-th item drawn in proportion to 1/√i): common names are
    /// common, the commonest of 150 given names about 3%, of 1 000 surnames about 1.3%.
    pub fn zipf<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        if UNIFORM.load(std::sync::atomic::Ordering::Relaxed) {
            return self.pick(items);
        }
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let n = items.len() as f64;
        let i = ((n.sqrt() - 1.0) * u + 1.0).powi(2) - 1.0;
        &items[(i as usize).min(items.len() - 1)]
    }
}

#[derive(Clone)]
pub struct Person {
    pub given: String,
    pub surname: String,
    pub father: String,
    pub female: bool,
    pub birth: (i32, u32, u32),
    pub passport: Option<String>,
    pub origin: &'static str,
}

pub fn surname_of(given: &str) -> String {
    let last = given.chars().last().unwrap_or('а');
    if "аеёиоуўэюяй".contains(last) {
        let stem = given.trim_end_matches('й');
        format!("{stem}ев")
    } else if "жшчщц".contains(last) {
        format!("{given}ев")
    } else {
        format!("{given}ов")
    }
}

fn feminine(surname: &str, female: bool) -> String {
    if female && !INVARIABLE.contains(&surname) {
        format!("{surname}а")
    } else {
        surname.to_string()
    }
}

/// Russian patronymic: Рустамович / Рустамовна, Абдуллаевич.
fn patronymic_ru(father: &str, female: bool) -> String {
    let last = father.chars().last().unwrap_or('а');
    let (stem, soft) = if "аеёиоуўэюя".contains(last) {
        (father.to_string(), true)
    } else if last == 'й' {
        (father.trim_end_matches('й').to_string(), true)
    } else {
        (father.to_string(), "жшчщц".contains(last))
    };
    let end = match (soft, female) {
        (true, false) => "евич",
        (true, true) => "евна",
        (false, false) => "ович",
        (false, true) => "овна",
    };
    format!("{stem}{end}")
}

fn random_person(rng: &mut Rng, surnames: &[String]) -> Person {
    let female = rng.chance(0.45);
    let russian = rng.chance(0.06);
    let given = match (female, russian) {
        (false, false) => rng.zipf(MALE),
        (false, true) => rng.pick(MALE_RU),
        (true, false) => rng.zipf(FEMALE),
        (true, true) => rng.pick(FEMALE_RU),
    };
    let father = if russian {
        rng.pick(MALE_RU)
    } else {
        rng.zipf(MALE)
    };
    Person {
        given: given.to_string(),
        surname: rng.zipf(surnames).clone(),
        father: father.to_string(),
        female,
        birth: (
            1940 + rng.below(66) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        ),
        passport: rng.chance(0.5).then(|| {
            format!(
                "A{}{:07}",
                (b'A' + rng.below(26) as u8) as char,
                rng.below(10_000_000)
            )
        }),
        origin: rng.zipf::<&str>(ORIGINS),
    }
}

/// The people of the gold set: `n` people, and their relatives.
pub fn people(rng: &mut Rng, n: usize) -> Vec<Person> {
    // Uzbek surnames are given names, often compound (Азизбоев, Тошқулов), with
    // -ов / -ев.
    let mut surnames: Vec<String> = MALE
        .iter()
        .flat_map(|g| {
            SURNAME_ELEMENTS
                .iter()
                .enumerate()
                .filter(move |(i, _)| (g.len() + i) % 2 == 0 || *i == 0)
                .map(move |(_, e)| surname_of(&format!("{g}{e}")))
        })
        .chain(SURNAMES.iter().map(|s| s.to_string()))
        .collect();
    surnames.sort();
    surnames.dedup();
    // A fixed shuffle, so that which surnames are common does not follow the list.
    for i in (1..surnames.len()).rev() {
        let j = (i * 7919 + 13) % (i + 1);
        surnames.swap(i, j);
    }
    let mut out = Vec::with_capacity(n + n / 5);
    for _ in 0..n {
        let p = random_person(rng, &surnames);
        let (y, m, d) = p.birth;
        if rng.chance(0.03) && !p.female && y < 1980 {
            // A son named after his father.
            let mut son = p.clone();
            son.father = p.given.clone();
            son.birth = (
                y + 20 + rng.below(11) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            );
            son.passport = None;
            out.push(son);
        }
        if rng.chance(0.06) {
            // A brother or a sister: the same father, another name.
            let mut sib = random_person(rng, &surnames);
            sib.surname = p.surname.clone();
            sib.father = p.father.clone();
            sib.origin = p.origin;
            let gap = 1 + rng.below(12) as i32;
            sib.birth = (
                y + if rng.chance(0.5) { gap } else { -gap },
                sib.birth.1,
                sib.birth.2,
            );
            if sib.given != p.given {
                out.push(sib);
            }
        }
        if rng.chance(0.005) {
            let (a, b) = *rng.pick(TWINS);
            let female = a == "Фотима";
            let mut one = p.clone();
            one.given = a.into();
            one.female = female;
            one.passport = None;
            let mut two = one.clone();
            two.given = b.into();
            two.birth = (y, m, d);
            out.push(one);
            out.push(two);
            continue;
        }
        out.push(p);
    }
    out
}

#[derive(Clone, Copy)]
enum Style {
    UzCyrl,
    RuCyrl,
    UzLatn,
    Icao,
    Bgn,
    GostB,
    Iso9,
    Passport,
}

fn style(rng: &mut Rng) -> Style {
    match rng.below(100) {
        0..=24 => Style::UzCyrl,
        25..=44 => Style::RuCyrl,
        45..=69 => Style::UzLatn,
        70..=81 => Style::Icao,
        82..=88 => Style::Bgn,
        89..=92 => Style::GostB,
        93..=95 => Style::Iso9,
        _ => Style::Passport,
    }
}

/// Uzbek Cyrillic as a Russian clerk writes it: ў қ ғ ҳ become у к г х, an unstressed
/// о often а (Қодиров → Кадыров), и after к sometimes ы.
fn russify(rng: &mut Rng, word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        match c {
            'ў' | 'Ў' => out.push(if c == 'ў' { 'у' } else { 'У' }),
            'қ' => out.push('к'),
            'Қ' => out.push('К'),
            'ғ' => out.push('г'),
            'Ғ' => out.push('Г'),
            'ҳ' => out.push('х'),
            'Ҳ' => out.push('Х'),
            // Not in the Russian suffixes -ов, -ович, -овна, -ова.
            'о' if i > 0
                && !matches!(
                    chars[i + 1..].iter().collect::<String>().as_str(),
                    "в" | "ва" | "вич" | "вна"
                )
                && rng.chance(0.4) =>
            {
                out.push('а')
            }
            'и' if matches!(prev, 'к' | 'қ' | 'д') && rng.chance(0.3) => out.push('ы'),
            c => out.push(c),
        }
    }
    out
}

fn is_vowel(c: char) -> bool {
    "аеёиоуўэюяы".contains(c)
}

/// One Cyrillic letter in a romanisation; `first` and `after_vowel` for е, ё.
fn roman(rng: &mut Rng, s: Style, c: char, first: bool, after_vowel: bool, next: char) -> String {
    let iot = first || after_vowel;
    let apostrophe = || -> &'static str {
        ["‘", "'", "ʻ", "’", "`", ""][(c as usize * 7 + next as usize) % 6]
    };
    let r: &str = match (s, c) {
        (_, 'а') => "a",
        (_, 'б') => "b",
        (_, 'в') => "v",
        (_, 'г') => "g",
        (_, 'д') => "d",
        (Style::UzLatn | Style::Bgn, 'е') if iot => "ye",
        (_, 'е') => "e",
        (Style::UzLatn, 'ё') => "yo",
        (Style::Bgn, 'ё') => {
            if iot {
                "yë"
            } else {
                "ë"
            }
        }
        (Style::GostB, 'ё') => "yo",
        (Style::Iso9, 'ё') => "ë",
        (_, 'ё') => "e",
        (Style::UzLatn, 'ж') => "j",
        (Style::Iso9, 'ж') => "ž",
        (Style::Passport, 'ж') => {
            if rng.chance(0.6) {
                "dzh"
            } else {
                "zh"
            }
        }
        (_, 'ж') => "zh",
        (_, 'з') => "z",
        (_, 'и') => "i",
        (Style::Icao, 'й') => "i",
        (Style::GostB | Style::Iso9, 'й') => "j",
        (_, 'й') => "y",
        (_, 'к') => "k",
        (_, 'л') => "l",
        (_, 'м') => "m",
        (_, 'н') => "n",
        (_, 'о') => "o",
        (_, 'п') => "p",
        (_, 'р') => "r",
        (_, 'с') => "s",
        (_, 'т') => "t",
        (_, 'у') => "u",
        (_, 'ф') => "f",
        (Style::UzLatn | Style::GostB, 'х') => "x",
        (Style::Iso9, 'х') => "h",
        (_, 'х') => "kh",
        (Style::UzLatn, 'ц') => "s",
        (Style::GostB, 'ц') => {
            if matches!(next, 'и' | 'е' | 'ы' | 'й') {
                "c"
            } else {
                "cz"
            }
        }
        (Style::Iso9, 'ц') => "c",
        (_, 'ц') => "ts",
        (Style::Iso9, 'ч') => "č",
        (_, 'ч') => "ch",
        (Style::Iso9, 'ш') => "š",
        (_, 'ш') => "sh",
        (Style::GostB, 'щ') => "shh",
        (Style::Iso9, 'щ') => "ŝ",
        (_, 'щ') => "shch",
        (Style::UzLatn, 'ъ') => "’",
        (Style::Icao, 'ъ') => "ie",
        (Style::GostB, 'ъ') => "``",
        (Style::Iso9, 'ъ') => "ʺ",
        (_, 'ъ') => "",
        (Style::GostB, 'ы') => "y`",
        (_, 'ы') => "y",
        (Style::GostB, 'ь') => "`",
        (Style::Iso9, 'ь') => "ʹ",
        (Style::Bgn, 'ь') => "’",
        (_, 'ь') => "",
        (Style::GostB, 'э') => "e`",
        (Style::Iso9, 'э') => "è",
        (_, 'э') => "e",
        (Style::Icao, 'ю') => "iu",
        (Style::Iso9, 'ю') => "û",
        (_, 'ю') => "yu",
        (Style::Icao, 'я') => "ia",
        (Style::Iso9, 'я') => "â",
        (_, 'я') => "ya",
        (_, 'ў') => return format!("o{}", apostrophe()),
        (_, 'қ') => "q",
        (_, 'ғ') => return format!("g{}", apostrophe()),
        (_, 'ҳ') => "h",
        _ => return c.to_string(),
    };
    r.to_string()
}

/// A Cyrillic word in a style: Cyrillic as is (Russian clerks russify it first), or
/// romanised.
fn spell(rng: &mut Rng, s: Style, word: &str) -> String {
    let word = match s {
        Style::UzCyrl | Style::UzLatn => word.to_string(),
        _ => russify(rng, word),
    };
    if matches!(s, Style::UzCyrl | Style::RuCyrl) {
        return word;
    }
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    let mut out = String::new();
    for (i, &c) in lower.iter().enumerate() {
        let prev = if i > 0 { lower[i - 1] } else { ' ' };
        let next = lower.get(i + 1).copied().unwrap_or(' ');
        out.push_str(&roman(
            rng,
            s,
            c,
            i == 0,
            is_vowel(prev) || "ъь".contains(prev),
            next,
        ));
    }
    let mut cs = out.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => out,
    }
}

/// A slip of the keyboard in one word: a letter replaced, dropped, doubled or swapped.
fn typo(rng: &mut Rng, word: &str) -> String {
    let mut cs: Vec<char> = word.chars().collect();
    if cs.len() < 5 {
        return word.to_string();
    }
    // First letters are mistyped too, if less often than others.
    let i = if rng.chance(0.1) {
        0
    } else {
        1 + rng.below(cs.len() - 2)
    };
    let cyrillic = cs.iter().any(|c| ('а'..='я').contains(c));
    let letter = if cyrillic {
        char::from_u32('а' as u32 + rng.below(32) as u32).unwrap_or('а')
    } else {
        (b'a' + rng.below(26) as u8) as char
    };
    match rng.below(4) {
        0 => cs[i] = letter,
        1 => {
            cs.remove(i);
        }
        2 => cs.insert(i, letter),
        _ => cs.swap(i, i + 1),
    }
    cs.into_iter().collect()
}

/// One name of a person as an office writes it.
fn name(rng: &mut Rng, p: &Person, s: Style) -> String {
    let mut given = p.given.clone();
    if !p.female
        && rng.chance(0.06)
        && !given.ends_with("жон")
        && !MALE_RU.contains(&given.as_str())
    {
        given.push_str("жон");
    }
    let surname = feminine(&p.surname, p.female);
    let uzbek = matches!(s, Style::UzCyrl | Style::UzLatn) && !MALE_RU.contains(&p.father.as_str());
    let patronymic = rng.chance(0.45).then(|| {
        if uzbek && rng.chance(0.6) {
            vec![
                p.father.clone(),
                (if p.female { "қизи" } else { "ўғли" }).to_string(),
            ]
        } else {
            vec![patronymic_ru(&p.father, p.female)]
        }
    });
    let mut g = spell(rng, s, &given);
    let mut f = spell(rng, s, &surname);
    let mut pat: Vec<String> = patronymic
        .unwrap_or_default()
        .iter()
        .map(|w| spell(rng, s, w))
        .collect();
    if rng.chance(0.05) {
        // Abdullaev written Abdulloev, or the other way.
        f = if f.contains('a') && rng.chance(0.5) {
            f.replacen('a', "o", 1)
        } else {
            f.replacen('o', "a", 1)
        };
    }
    if rng.chance(0.08) {
        match rng.below(3) {
            0 => g = typo(rng, &g),
            _ => f = typo(rng, &f),
        }
    }
    let initial = |w: &str| -> String {
        let first: String = w
            .chars()
            .take_while(|c| c.is_alphabetic())
            .take(1)
            .collect();
        let two: String = w.chars().take(2).collect();
        let digraph = ["Sh", "Ch", "Kh", "Zh", "Yu", "Ya", "Ts"].contains(&two.as_str());
        format!("{}.", if digraph { two } else { first })
    };
    if rng.chance(0.07) {
        g = initial(&g);
        if pat.len() == 1 && rng.chance(0.7) {
            pat = vec![initial(&pat[0])];
        }
    }
    let mut words = match rng.below(20) {
        0..=9 => [vec![f], vec![g], pat].concat(),
        10..=16 => [vec![g], pat, vec![f]].concat(),
        _ => [vec![format!("{f},"), g], pat].concat(),
    };
    if rng.chance(0.08) {
        words = words.iter().map(|w| w.to_uppercase()).collect();
    }
    words.join(" ")
}

fn lang(s: Style) -> &'static str {
    match s {
        Style::UzCyrl => "uz-Cyrl",
        Style::RuCyrl => "ru-Cyrl",
        Style::UzLatn => "uz-Latn",
        _ => "en-Latn",
    }
}

fn birth_date(rng: &mut Rng, (y, m, d): (i32, u32, u32)) -> Option<String> {
    Some(match rng.below(100) {
        0..=34 => format!("{y:04}-{m:02}-{d:02}"),
        35..=59 => format!("{y:04}"),
        60..=69 => format!("{:04}~", y + rng.below(3) as i32 - 1),
        // An age turned into a year: a year out.
        70..=77 => format!("{:04}", y + if rng.chance(0.5) { 1 } else { -1 }),
        78..=79 => format!("{y:04}-01-01"),
        80..=81 => format!("{:04}/{:04}", y - 5 + rng.below(5) as i32, y + 5),
        _ => return None,
    })
}

/// One record of a person made at office `office`.
pub fn record(rng: &mut Rng, p: &Person, id: String, office: usize) -> PersonEvidence {
    let s = style(rng);
    let mut names = vec![(name(rng, p, s), lang(s).to_string())];
    if rng.chance(0.25) {
        let s2 = style(rng);
        names.push((name(rng, p, s2), lang(s2).to_string()));
    }
    let mut identifiers = Vec::new();
    if let Some(pass) = &p.passport {
        if rng.chance(0.25) {
            let v = if rng.chance(0.05) {
                typo(rng, pass)
            } else {
                pass.clone()
            };
            identifiers.push(("passport".to_string(), v));
        }
    }
    if rng.chance(0.12) {
        // Each camp numbers its own people.
        let n = (p.birth.0 as usize * 31 + p.given.len() * 7 + office * 1009) % 900 + 100;
        identifiers.push((
            "camp_id".to_string(),
            format!("{}-{n}", (b'A' + office as u8) as char),
        ));
    }
    PersonEvidence {
        id,
        names,
        birth_date: birth_date(rng, p.birth),
        sex: rng.chance(0.6).then(|| {
            let female = if rng.chance(0.005) {
                !p.female
            } else {
                p.female
            };
            (if female { "female" } else { "male" }).to_string()
        }),
        identifiers,
        origin: rng.chance(0.4).then(|| {
            if rng.chance(0.15) {
                rng.pick(ORIGINS).to_string()
            } else {
                p.origin.to_string()
            }
        }),
        groups: vec![],
        family: vec![],
    }
}
