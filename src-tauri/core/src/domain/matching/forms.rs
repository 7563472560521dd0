//! Names read into words with their roles, once per person: given names and surnames
//! (in any order), patronymics in the Russian form (Рустамович, Rustamovna) or the
//! Uzbek one (Rustam o‘g‘li, Rustam qizi), initials; and the blocking keys built on them.

use super::score::MAX_WORDS;
use super::similar::{class, is_vowel, Word};
use crate::domain::names::name_words;

/// One name (the shown name or an alias) read into words.
#[derive(Debug, Clone)]
pub(crate) struct NameForm {
    pub text: String,
    pub lang: String,
    /// Given names and surnames, in the order written: `(as written, index in the
    /// person's words)`.
    pub core: Vec<(String, usize)>,
    /// The patronymic, as written, and the index of its root (the father's name).
    pub patronymic: Option<(String, usize)>,
}

/// Words that say the word before them is a patronymic: o‘g‘li / ўғли / оглы (son
/// of), qizi / қизи / кызы (daughter of), the Kyrgyz and Kazakh uulu / uly, folded.
const MARKERS: &[&str] = &["ugli", "ogli", "kizi", "ulu", "uli"];

/// The endings of Russian patronymics, folded (-ovich, -evna, -ichna, -ich), longest
/// first.
const PATRONYMIC_ENDINGS: &[&str] = &["ovich", "evich", "ovna", "evna", "ichna", "ich"];

/// The root of a Russian-form patronymic: Rustamovich → rustam.
fn patronymic_root(key: &str) -> Option<&str> {
    PATRONYMIC_ENDINGS.iter().find_map(|end| {
        let root = key.strip_suffix(end)?;
        (root.len() >= 3).then_some(root)
    })
}

/// The words of a name as written, split where the search fold splits them, each
/// with whether a full stop follows it (an initial).
fn raw_words(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        let keeps = c.is_alphanumeric()
            || unicode_normalization::char::is_combining_mark(c)
            || matches!(
                c,
                '\'' | '’' | 'ʻ' | 'ʼ' | '‘' | '`' | '´' | 'ʽ' | '′' | 'ʹ' | 'ʺ' | '"'
            );
        if keeps {
            word.push(c);
        } else if !word.is_empty() {
            out.push((std::mem::take(&mut word), c == '.'));
        }
    }
    out
}

/// Reads one name, adding its distinct words to `words`.
pub(crate) fn read_name(text: &str, lang: &str, words: &mut Vec<Word>) -> NameForm {
    let mut index = |key: String, initial: bool| -> usize {
        if let Some(i) = words
            .iter()
            .position(|w| w.key == key && w.initial == initial)
        {
            return i;
        }
        words.push(Word::new(key, initial));
        words.len() - 1
    };
    // (as written, key, initial)
    let mut parts: Vec<(String, String, bool)> = Vec::new();
    for (raw, dotted) in raw_words(text) {
        let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
        for key in name_words(&raw) {
            // R., Sh., Yu. (one Cyrillic letter romanised), or a lone letter; not Ли (Li).
            let initial = key.chars().count() == 1
                || (dotted && letters <= 4)
                || (letters <= 2 && matches!(key.as_str(), "sh" | "ch" | "ts"));
            parts.push((raw.clone(), key, initial && letters > 0));
        }
    }
    let mut patronymic = None;
    let mut core = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let (raw, key, initial) = &parts[i];
        let marked = parts
            .get(i + 1)
            .is_some_and(|p| MARKERS.contains(&p.1.as_str()));
        if MARKERS.contains(&key.as_str()) && i > 0 {
            i += 1;
            continue;
        }
        if patronymic.is_none() && !initial && marked {
            let text = format!("{raw} {}", parts[i + 1].0);
            patronymic = Some((text, index(key.clone(), false)));
        } else if let (None, false, Some(root)) = (&patronymic, initial, patronymic_root(key)) {
            patronymic = Some((raw.clone(), index(root.to_string(), false)));
        } else if core.len() < MAX_WORDS {
            core.push((raw.clone(), index(key.clone(), *initial)));
        }
        i += 1;
    }
    // «Абдуллаев Р. Р.», "Z. O. Iskandarova": of two initials in a row beside a
    // surname, the second is the father's.
    let initial = |c: &(String, usize)| words[c.1].initial;
    if patronymic.is_none() && core.len() >= 3 && core.iter().any(|c| !initial(c)) {
        if let Some(i) = (1..core.len()).find(|&i| initial(&core[i - 1]) && initial(&core[i])) {
            patronymic = Some(core.remove(i));
        }
    }
    NameForm {
        text: text.to_string(),
        lang: lang.to_string(),
        core,
        patronymic,
    }
}

/// An initial in one name of a record stands for the word another of its names spells
/// out («З. Азаматов» beside "Azamatov Zokir"): it is compared as that word, when one
/// word alone fits.
pub(crate) fn expand_initials(names: &mut [NameForm], words: &[Word]) {
    if names.len() < 2 {
        return;
    }
    let full: Vec<(usize, String)> = names
        .iter()
        .flat_map(|f| f.core.iter())
        .filter(|(_, i)| !words[*i].initial)
        .map(|(raw, i)| (*i, raw.clone()))
        .collect();
    for form in names.iter_mut() {
        let own: Vec<usize> = form.core.iter().map(|(_, i)| *i).collect();
        for entry in form.core.iter_mut() {
            let initial = &words[entry.1];
            if !initial.initial {
                continue;
            }
            let mut fits = full
                .iter()
                .filter(|(i, _)| !own.contains(i) && words[*i].key.starts_with(&initial.key));
            if let Some((i, raw)) = fits.next() {
                if fits.all(|(j, _)| j == i) {
                    *entry = (format!("{} ({raw})", entry.0), *i);
                }
            }
        }
    }
}

/// The skeletons of a word for blocking: its first letter's class, then the classes
/// of its consonants without repeats (vowels, which transliteration shifts, dropped),
/// from the stem; a word starting with j and a vowel (Jusupov, with j for й) has a
/// second skeleton without the j, and a stem with a d put back a second one with it.
fn skeletons(word: &Word) -> Vec<String> {
    let s = word.stem.as_bytes();
    let build = |s: &[u8]| -> String {
        let mut out = Vec::with_capacity(s.len());
        if let Some(&first) = s.first() {
            out.push(class(first));
        }
        for &c in s.iter().skip(1) {
            if is_vowel(c) || c == b'j' {
                continue;
            }
            let c = class(c);
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    let mut out = vec![build(s)];
    if s.len() > 2 && s[0] == b'j' && is_vowel(s[1]) {
        out.push(build(&s[1..]));
    }
    if let Some(d) = &word.stem_d {
        out.push(build(d.as_bytes()));
    }
    out
}

/// The letters a word may start with (two for j before a vowel: ж or й).
fn first_letters(word: &Word) -> Vec<char> {
    let s = word.key.as_bytes();
    let mut out = Vec::with_capacity(2);
    if let Some(&first) = s.first() {
        out.push(first as char);
        if first == b'j' && s.get(1).is_some_and(|c| is_vowel(*c)) {
            out.push(s[1] as char);
        }
    }
    out
}

/// Whether a word looks like a surname: the Russian-style endings every Uzbek surname
/// of a register has, and the Persian -zoda.
fn surname_like(word: &Word) -> bool {
    ["ov", "ev", "ova", "eva", "zoda", "zade", "ski", "skaia"]
        .iter()
        .any(|e| word.key.ends_with(e))
}

/// Name keys, from each full word of a name (the anchor) and each other word:
///
/// - the anchor's skeleton with the other word's first letter, when the anchor looks
///   like a surname (or no word does): so «Абдуллаев Рустам», "Rustam Abdullayev" and
///   "Abdulloev R." share `aptlv|r`;
/// - the anchor's skeleton with the first two letters of the other's, when the other
///   is a full word: so a typo in a surname still leaves `rstm|ap`.
///
/// A name of one word gives its skeleton alone.
pub(crate) fn name_keys(form: &NameForm, words: &[Word], out: &mut Vec<String>) {
    let core: Vec<&Word> = form.core.iter().map(|(_, i)| &words[*i]).collect();
    if core.len() == 1 && !core[0].initial {
        for s in skeletons(core[0]) {
            out.push(format!("n:{s}|"));
        }
    }
    let any_surname = core.iter().any(|w| !w.initial && surname_like(w));
    for (i, anchor) in core.iter().enumerate() {
        if anchor.initial || anchor.key.len() < 2 {
            continue;
        }
        let skels = skeletons(anchor);
        let coarse = surname_like(anchor) || !any_surname;
        for (j, other) in core.iter().enumerate() {
            if i == j || other.key == anchor.key {
                continue;
            }
            for s in &skels {
                if coarse {
                    for c in first_letters(other) {
                        out.push(format!("n:{s}|{c}"));
                    }
                }
                if !other.initial {
                    for o in skeletons(other) {
                        let o: String = o.chars().take(2).collect();
                        out.push(format!("n:{s}|{o}"));
                    }
                }
            }
        }
    }
}
