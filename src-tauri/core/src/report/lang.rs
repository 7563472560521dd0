//! The two languages reports are written in: numbers, plural forms, counted nouns,
//! dates and lists in English and Russian.
//!
//! Russian numerals govern the case and number of what they count: 1 (21, 31…) takes
//! the nominative singular, 2–4 (22–24…) the genitive singular, everything else
//! (0, 5–20, 11–14, 25…) the genitive plural — CLDR's plural categories `one`, `few`
//! and `many`. In the genitive ("для 29 просителей") there are only two forms. The
//! sentences of [`super::phrases`] are built so that nothing else has to agree.

use super::messages as m;
use crate::date::{DatePoint, FuzzyDate};
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub fn parse(s: &str) -> Result<Lang> {
        match s {
            "en" => Ok(Lang::En),
            "ru" => Ok(Lang::Ru),
            other => Err(Error::invalid(m::unknown_report_language(other))),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// `en` or `ru` text, whichever this language is.
    pub fn pick<'a>(self, en: &'a str, ru: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ru => ru,
        }
    }
}

/// CLDR plural categories of whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Few,
    Many,
    Other,
}

pub fn plural(lang: Lang, n: u64) -> Plural {
    match lang {
        Lang::En if n == 1 => Plural::One,
        Lang::En => Plural::Other,
        Lang::Ru => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                Plural::One
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                Plural::Few
            } else {
                Plural::Many
            }
        }
    }
}

/// A noun as counted: English singular and plural; Russian nominative after the
/// numeral (one, few, many) and genitive (one, the rest).
#[derive(Debug, Clone, Copy)]
pub struct Noun {
    pub en: [&'static str; 2],
    pub ru: [&'static str; 3],
    pub ru_gen: [&'static str; 2],
}

pub const ASYLUM_SEEKER: Noun = Noun {
    en: ["asylum-seeker", "asylum-seekers"],
    ru: [
        "проситель убежища",
        "просителя убежища",
        "просителей убежища",
    ],
    ru_gen: ["просителя убежища", "просителей убежища"],
};
pub const MAN: Noun = Noun {
    en: ["man", "men"],
    ru: ["мужчина", "мужчины", "мужчин"],
    ru_gen: ["мужчины", "мужчин"],
};
pub const WOMAN: Noun = Noun {
    en: ["woman", "women"],
    ru: ["женщина", "женщины", "женщин"],
    ru_gen: ["женщины", "женщин"],
};
pub const INCIDENT: Noun = Noun {
    en: ["incident", "incidents"],
    ru: ["случай", "случая", "случаев"],
    ru_gen: ["случая", "случаев"],
};

/// A whole number as written: 1,234 or 1 234 (a no-break space).
pub fn number(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    // Russian groups only numbers of five digits or more.
    let (sep, from) = match lang {
        Lang::En => (",", 4),
        Lang::Ru => ("\u{a0}", 5),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && digits.len() >= from {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// "29 asylum-seekers", "29 просителей убежища": the nominative after a numeral.
pub fn count(lang: Lang, n: u64, noun: Noun) -> String {
    let form = match (lang, plural(lang, n)) {
        (Lang::En, Plural::One) => noun.en[0],
        (Lang::En, _) => noun.en[1],
        (Lang::Ru, Plural::One) => noun.ru[0],
        (Lang::Ru, Plural::Few) => noun.ru[1],
        (Lang::Ru, _) => noun.ru[2],
    };
    format!("{}\u{a0}{form}", number(lang, n))
}

/// "(for) 29 asylum-seekers", "(для) 29 просителей убежища": the genitive.
pub fn count_gen(lang: Lang, n: u64, noun: Noun) -> String {
    match lang {
        Lang::En => count(lang, n, noun),
        Lang::Ru => {
            let form = if plural(lang, n) == Plural::One {
                noun.ru_gen[0]
            } else {
                noun.ru_gen[1]
            };
            format!("{}\u{a0}{form}", number(lang, n))
        }
    }
}

/// "a, b and c".
pub fn join(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.pick("and", "и")),
    }
}

/// Up to `max` items and "N more".
pub fn join_some(lang: Lang, items: &[String], max: usize) -> String {
    if items.len() <= max {
        return join(lang, items);
    }
    let mut shown: Vec<String> = items[..max].to_vec();
    let more = (items.len() - max) as u64;
    shown.push(match lang {
        Lang::En => format!("{} more", number(lang, more)),
        Lang::Ru => format!("ещё {}", number(lang, more)),
    });
    join(lang, &shown)
}

/// The first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The first letter in lower case, unless the word looks like an acronym ("UNHCR").
pub fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(f), Some(g)) if !g.is_uppercase() => f
            .to_lowercase()
            .chain(g.to_string().chars())
            .chain(c)
            .collect(),
        _ => s.to_string(),
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_RU: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
const MONTHS_RU_GEN: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Whether a Russian date stands alone (nominative) or after a preposition that takes
/// the genitive ("с июня 2005 г.", "не позднее июня 2005 г.").
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Nominative,
    Genitive,
}

/// A known day: "10 June 2005", "10 июня 2005 г.".
pub fn day(lang: Lang, d: NaiveDate) -> String {
    let m = d.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
        Lang::Ru => format!("{} {} {}\u{a0}г.", d.day(), MONTHS_RU_GEN[m], d.year()),
    }
}

fn point_core(lang: Lang, p: &DatePoint, case: Case, with_year: bool) -> String {
    let year = |y: i32| match lang {
        Lang::En => y.to_string(),
        Lang::Ru => format!("{y}\u{a0}г."),
    };
    match (p.month, p.day) {
        (Some(m), Some(d)) => {
            let m = m as usize - 1;
            let head = match lang {
                Lang::En => format!("{d} {}", MONTHS_EN[m]),
                Lang::Ru => format!("{d} {}", MONTHS_RU_GEN[m]),
            };
            if with_year {
                format!("{head} {}", year(p.year))
            } else {
                head
            }
        }
        (Some(m), None) => {
            let m = m as usize - 1;
            let name = match (lang, case) {
                (Lang::En, _) => MONTHS_EN[m],
                (Lang::Ru, Case::Nominative) => MONTHS_RU[m],
                (Lang::Ru, Case::Genitive) => MONTHS_RU_GEN[m],
            };
            format!("{name} {}", year(p.year))
        }
        _ => year(p.year),
    }
}

fn point(lang: Lang, p: &DatePoint, case: Case) -> String {
    let core = point_core(lang, p, case, true);
    let core = if p.approximate {
        format!("{} {core}", lang.pick("about", "примерно"))
    } else {
        core
    };
    if p.uncertain {
        format!("{core} (?)")
    } else {
        core
    }
}

/// An EDTF date as a person writes it: "3–5 June 2005", "by 10 June 2005",
/// "примерно май 2005 г.". Text that is not a date is given back as it is.
pub fn date(lang: Lang, edtf: &str, case: Case) -> String {
    let Ok(d) = FuzzyDate::parse(edtf) else {
        return edtf.to_string();
    };
    match d {
        FuzzyDate::Point(p) => point(lang, &p, case),
        FuzzyDate::Interval(Some(a), Some(b)) => {
            let plain = !(a.approximate || a.uncertain || b.approximate || b.uncertain);
            if plain && a.year == b.year && a.month == b.month && a.day.is_some() && b.day.is_some()
            {
                let tail = point_core(lang, &b, Case::Nominative, true);
                let first = a.day.unwrap_or_default();
                return format!("{first}–{tail}");
            }
            match lang {
                Lang::En => format!("{} – {}", point(lang, &a, case), point(lang, &b, case)),
                Lang::Ru => format!(
                    "с {} по {}",
                    point(lang, &a, Case::Genitive),
                    point(lang, &b, Case::Nominative)
                ),
            }
        }
        FuzzyDate::Interval(None, Some(b)) => match lang {
            Lang::En => format!("by {}", point(lang, &b, case)),
            Lang::Ru => format!("не позднее {}", point(lang, &b, Case::Genitive)),
        },
        FuzzyDate::Interval(Some(a), None) => match lang {
            Lang::En => format!("since {}", point(lang, &a, case)),
            Lang::Ru => format!("с {}", point(lang, &a, Case::Genitive)),
        },
        FuzzyDate::Interval(None, None) => edtf.to_string(),
    }
}

/// "since June 2005", "с июня 2005 г.": when a status took effect.
pub fn since(lang: Lang, edtf: &str) -> String {
    match FuzzyDate::parse(edtf) {
        Ok(FuzzyDate::Point(p)) => match lang {
            Lang::En => format!("since {}", point(lang, &p, Case::Nominative)),
            Lang::Ru => format!("с {}", point(lang, &p, Case::Genitive)),
        },
        _ => date(lang, edtf, Case::Nominative),
    }
}

/// The earliest day a date can mean, or its latest when it has no start; none for
/// text that is not a date. What "on or before" compares.
pub fn first_day(edtf: &str) -> Option<NaiveDate> {
    let (a, b) = FuzzyDate::parse(edtf).ok()?.bounds();
    a.or(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_numerals_take_the_right_form() {
        let c = |n| count(Lang::Ru, n, ASYLUM_SEEKER);
        assert_eq!(c(1), "1\u{a0}проситель убежища");
        assert_eq!(c(4), "4\u{a0}просителя убежища");
        assert_eq!(c(29), "29\u{a0}просителей убежища");
        assert_eq!(c(103), "103\u{a0}просителя убежища");
        assert_eq!(c(111), "111\u{a0}просителей убежища");
        assert_eq!(c(21), "21\u{a0}проситель убежища");
        assert_eq!(c(12), "12\u{a0}просителей убежища");
        assert_eq!(
            count_gen(Lang::Ru, 21, ASYLUM_SEEKER),
            "21\u{a0}просителя убежища"
        );
        assert_eq!(
            count_gen(Lang::Ru, 103, ASYLUM_SEEKER),
            "103\u{a0}просителей убежища"
        );
        assert_eq!(count(Lang::En, 1, ASYLUM_SEEKER), "1\u{a0}asylum-seeker");
        assert_eq!(count(Lang::En, 4, MAN), "4\u{a0}men");
        assert_eq!(number(Lang::En, 1234), "1,234");
        assert_eq!(number(Lang::Ru, 1234), "1234");
        assert_eq!(number(Lang::En, 103_000), "103,000");
        assert_eq!(number(Lang::Ru, 1_000_000), "1\u{a0}000\u{a0}000");
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(
            date(Lang::En, "2005-06-03/2005-06-05", Case::Nominative),
            "3–5 June 2005"
        );
        assert_eq!(
            date(Lang::Ru, "2005-06-03/2005-06-05", Case::Nominative),
            "3–5 июня 2005\u{a0}г."
        );
        assert_eq!(
            date(Lang::En, "../2005-06-10", Case::Nominative),
            "by 10 June 2005"
        );
        assert_eq!(
            date(Lang::Ru, "../2005-06", Case::Nominative),
            "не позднее июня 2005\u{a0}г."
        );
        assert_eq!(
            date(Lang::Ru, "2005-06", Case::Nominative),
            "июнь 2005\u{a0}г."
        );
        assert_eq!(date(Lang::En, "1975~", Case::Nominative), "about 1975");
        assert_eq!(since(Lang::Ru, "2005-06"), "с июня 2005\u{a0}г.");
        assert_eq!(date(Lang::En, "not a date", Case::Nominative), "not a date");
        assert_eq!(
            first_day("../2005-06-10"),
            NaiveDate::from_ymd_opt(2005, 6, 10)
        );
        assert_eq!(first_day("2005-06"), NaiveDate::from_ymd_opt(2005, 6, 1));
        assert_eq!(
            lowercase_first("UNHCR refugee status"),
            "UNHCR refugee status"
        );
        assert_eq!(lowercase_first("At risk"), "at risk");
    }
}
