//! Search keys that make one person findable under every spelling of their name.
//!
//! The same name reaches monitors in Uzbek Cyrillic, Uzbek Latin, Russian, and the
//! several romanisations of Russian (passport/ICAO, BGN/PCGN, GOST 7.79, ISO 9):
//! Абдуллаев, Abdullaev, Abdullayev; Жўраев, Jo‘rayev, Juraev, Dzhuraev, Žuraev;
//! Андижан, Andizhan, Andijan. A search key is the name transliterated to Latin and then
//! folded so that these spellings meet:
//!
//! - the letters with diacritics of ISO 9 and GOST 7.79 are read as the Cyrillic letter
//!   they stand for (`ž` = ж, `š` = ш, `č` = ч, `ŝ` = щ, `â` = я, `û` = ю, `ë` = ё,
//!   `è` = э; the soft and hard signs `ʹ ʺ` and every apostrophe are dropped), and so are
//!   the Turkish-style `ş ç ı` and BGN's Uzbek `ŭ` (ў); other accents are dropped;
//! - Uzbek `o‘` (with any apostrophe: ‘ ' ʻ ’ ` ´) and `ў` fold to `u`, as Russian spells
//!   that vowel (Жўраев, Jo‘rayev, Жураев, Juraev); `g‘`/ғ to `g`;
//! - `dzh`, `dj`, `zh` → `j`; `kh`, `x` → `h`; `q` → `k`; `gh` → `g`; `w` → `v`;
//!   `c` (ISO 9, GOST) and `cz` (GOST 7.79 B) → `ts`, as ц; `shch` and `shh` → `sh`;
//! - `y` between vowels dropped; iotated vowels (`ya`/`ia`, `yu`/`iu`, `yo`, `ye`)
//!   reduced; `j` ending a word after `e`, `i` or `y` (Sergej, Valerij, -skij) is й;
//! - double letters single.
//!
//! Keys are only for matching, never shown. They are deliberately deterministic and
//! conservative: what one spelling cannot tell (a `j` that may be ж or й, vowel shifts
//! such as Abdullaev / Abdulloev, typos) is left to duplicate review
//! (`domain::matching`), which builds its fuzzier evidence on these same keys.

use unicode_normalization::UnicodeNormalization;

fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Uzbek, Tajik and Kazakh letters.
        'ў' => "u",
        'қ' => "q",
        'ғ' => "g",
        'ҳ' => "h",
        'ң' => "ng",
        'ӯ' => "u",
        'ӣ' => "i",
        'ҷ' => "j",
        'ә' => "a",
        'ө' => "o",
        'ү' => "u",
        'ұ' => "u",
        'і' => "i",
        _ => return None,
    })
}

/// Latin letters with diacritics that stand for one Cyrillic letter (ISO 9, GOST 7.79,
/// BGN/PCGN's Uzbek `ŭ`, Turkish-style spellings): spelled as that Cyrillic letter is.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ž' => "zh",
        'š' | 'ş' => "sh",
        'č' | 'ĉ' | 'ç' => "ch",
        'ŝ' => "shch",
        'â' => "ya",
        'û' => "yu",
        'ë' => "yo",
        'è' | 'ê' => "e",
        'ŭ' | 'ŏ' => "u",
        'ı' => "i",
        'ə' => "a",
        _ => return None,
    })
}

/// Marks that never separate words: the Uzbek apostrophes of o‘ and g‘ (every variant
/// people type), the glottal stop, and the soft and hard signs of ISO 9 and GOST 7.79
/// (`ʹ ʺ`, and `"` where ʺ was not at hand).
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | 'ʻ' | 'ʼ' | '‘' | '`' | '´' | 'ʽ' | '′' | 'ʹ' | 'ʺ' | '"'
    )
}

/// Writes one lowercase character in Latin letters: a word separator for anything that
/// is not a letter or digit.
fn spell(c: char, out: &mut String) {
    if let Some(s) = cyrillic(c).or_else(|| latin_special(c)) {
        out.push_str(s);
    } else if c.is_ascii() {
        out.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
    } else if unicode_normalization::char::is_combining_mark(c) {
        // Accents do not separate words.
    } else {
        let mut parts = Vec::with_capacity(2);
        unicode_normalization::char::decompose_compatible(c, |d| parts.push(d));
        if parts == [c] {
            out.push(if c.is_alphanumeric() { c } else { ' ' });
        } else {
            for d in parts.into_iter().flat_map(char::to_lowercase) {
                spell(d, out);
            }
        }
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn fold_word(word: &str) -> String {
    // One pass over the Latin letters; `out` never grows past twice what it is given.
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i > 0 { chars[i - 1] } else { '\0' };
        let mut buf = [0u8; 4];
        let (folded, used): (&str, usize) = match (c, at(i + 1), at(i + 2), at(i + 3)) {
            ('s', 'h', 'c', 'h') => ("sh", 4),
            ('d', 'z', 'h', _) => ("j", 3),
            ('d', 'j', _, _) | ('z', 'h', _, _) => ("j", 2),
            ('k', 'h', _, _) => ("h", 2),
            ('g', 'h', _, _) => ("g", 2),
            ('s', 'h', _, _) => ("sh", 2),
            ('c', 'h', _, _) => ("ch", 2),
            ('c', 'z', _, _) => ("ts", 2),
            ('c', _, _, _) => ("ts", 1),
            ('x', _, _, _) => ("h", 1),
            ('q', _, _, _) => ("k", 1),
            ('w', _, _, _) => ("v", 1),
            // GOST 7.79 and ISO 9 write й as j: unambiguous only ending a word after
            // e, i or y (Sergej, Valerij, -skij); elsewhere j stays ж, as in Uzbek.
            ('j', '\0', _, _) if matches!(prev, 'e' | 'i' | 'y') => ("i", 1),
            // A y between vowels disappears (Abdullayev → Abdullaev).
            ('y', next, _, _) if is_vowel(prev) && is_vowel(next) => ("", 1),
            // Iotated vowels: ya/ia → a, yu/iu → u, yo → o, ye → e.
            ('y' | 'i', 'a', _, _) => ("a", 2),
            ('y' | 'i', 'u', _, _) => ("u", 2),
            ('y', 'o', _, _) => ("o", 2),
            ('y', 'e', _, _) => ("e", 2),
            ('y', _, _, _) => ("i", 1),
            _ => (&*c.encode_utf8(&mut buf), 1),
        };
        if !folded.is_empty() && !out.ends_with(folded) {
            out.push_str(folded);
        }
        i += used;
    }
    out
}

/// The search key of a name or a query: Latin, folded, words separated by one space.
pub fn search_key(text: &str) -> String {
    let mut latin = String::with_capacity(text.len() + 8);
    for c in text.nfc().flat_map(char::to_lowercase) {
        if is_apostrophe(c) {
            // Uzbek o‘ is the vowel Russian writes у; soft and hard signs follow consonants.
            if !matches!(c, 'ʹ' | 'ʺ' | '"') && latin.ends_with('o') {
                latin.pop();
                latin.push('u');
            }
        } else {
            spell(c, &mut latin);
        }
    }
    latin
        .split_whitespace()
        .map(fold_word)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The folded words of a name, each a search key on its own: what prefix search and
/// duplicate review match on.
pub fn name_words(text: &str) -> Vec<String> {
    search_key(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn spellings_of_one_name_meet() {
        let groups: &[&[&str]] = &[
            &["Абдуллаев", "Abdullaev", "Abdullayev", "ABDULLAYEV"],
            &["Андижан", "Andizhan", "Andijan"],
            &["Ош", "Osh"],
            &["Қаршибоев", "Qarshiboyev", "Karshiboev"],
            &["Муҳаммад Юсупов", "Muhammad Yusupov", "Mukhammad Iusupov"],
            &["Ғуломов", "G‘ulomov", "G'ulomov", "Gulomov"],
            &["Хасанов", "Xasanov", "Khasanov", "Hasanov"],
            &["Джураев", "Djuraev", "Dzhuraev", "Juraev", "Jurayev"],
        ];
        check(groups);
    }

    #[test]
    fn gost_iso_and_uzbek_latin_spellings_meet_the_cyrillic() {
        let groups: &[&[&str]] = &[
            &[
                "Жўраев",
                "Jo‘rayev",
                "Jo'rayev",
                "Joʻrayev",
                "Jo`rayev",
                "Jo’rayev",
                "Jo´rayev",
                "Juraev",
                "Dzhuraev",
                "Žuraev",
                "Jŭraev",
            ],
            &["Абдуллаев", "Ábdullaev", "ABDULLAYEV"],
            &["Шарипов", "Sharipov", "Šaripov", "Şaripov"],
            &["Чориев", "Choriev", "Čoriev", "Choriyev"],
            &["Хакимов", "Khakimov", "Xakimov", "Hakimov"],
            &["Юсупов", "Yusupov", "Iusupov", "Ûsupov"],
            &["Цыганов", "Tsyganov", "Cyganov", "Czy`ganov"],
            &["Сергей", "Sergey", "Sergei", "Sergej"],
            &["Валерий", "Valeriy", "Valerij", "Valery"],
            &["Ильич", "Ilʹich", "Il'ich", "Ilich", "Ilʹič"],
            &["Щукин", "Shchukin", "Shhukin", "Ŝukin"],
            &["Ёқубов", "Yoqubov", "Ëkubov"],
            &["Ўктам", "O‘ktam", "Uktam", "Oʻktam"],
            &["Эргашев", "Ergashev", "Èrgašev"],
            &["Ғуломов", "Ghulomov", "Gʻulomov"],
            &["Объедков", "Obʺedkov", "Ob\"edkov"],
            &["Ильяс", "Ilʹyas", "Ilyas"],
        ];
        check(groups);
    }

    #[test]
    fn decomposed_input_folds_as_composed() {
        assert_eq!(search_key("Z\u{30C}uraev"), search_key("Žuraev"));
        assert_eq!(search_key("Жу\u{306}раев"), search_key("Жўраев"));
    }

    fn check(groups: &[&[&str]]) {
        for spellings in groups {
            let key = search_key(spellings[0]);
            for s in &spellings[1..] {
                assert_eq!(search_key(s), key, "{s} vs {}", spellings[0]);
            }
        }
    }

    #[test]
    fn keys_keep_words_apart() {
        assert_eq!(search_key("  Азиз   Каримов "), "aziz karimov");
        assert_eq!(search_key("Karimov, Aziz"), "karimov aziz");
        assert_ne!(search_key("Karimov"), search_key("Rahimov"));
    }
}
