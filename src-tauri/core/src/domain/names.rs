//! Search keys that make one person findable under every spelling of their name.
//!
//! The same name reaches monitors in Uzbek Cyrillic, Uzbek Latin, Russian, and the
//! several romanisations of Russian (passport/ICAO, BGN/PCGN, ISO 9): Абдуллаев,
//! Abdullaev, Abdullayev; Андижан, Andizhan, Andijan. A search key is the name
//! transliterated to Latin and then folded so that these spellings meet: `dzh`, `dj`,
//! `zh` → `j`; `kh`, `x` → `h`; `q` → `k`; `y` between vowels dropped; iotated vowels
//! (`ya`/`ia`, `yu`/`iu`, `yo`, `ye`) reduced; double letters single. Keys are only for
//! matching, never shown. They are deliberately conservative: vowel shifts such as
//! Abdullaev / Abdulloev are left to duplicate review, where a person decides.

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
        'ў' => "o",
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

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn fold_word(word: &str) -> String {
    // One pass over the Latin letters; `out` only ever shrinks what it is given.
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let push = |out: &mut String, c: char| {
        if !out.ends_with(c) {
            out.push(c);
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let (folded, used) = match (c, at(i + 1), at(i + 2), at(i + 3)) {
            ('s', 'h', 'c', 'h') => ('s', 4),
            ('d', 'z', 'h', _) => ('j', 3),
            ('d', 'j', _, _) | ('z', 'h', _, _) => ('j', 2),
            ('k', 'h', _, _) => ('h', 2),
            ('s', 'h', _, _) => ('\u{1}', 2),
            ('c', 'h', _, _) => ('\u{2}', 2),
            ('x', _, _, _) => ('h', 1),
            ('q', _, _, _) => ('k', 1),
            ('w', _, _, _) => ('v', 1),
            // A y between vowels disappears (Abdullayev → Abdullaev).
            ('y', next, _, _) if i > 0 && is_vowel(chars[i - 1]) && is_vowel(next) => {
                i += 1;
                continue;
            }
            // Iotated vowels: ya/ia → a, yu/iu → u, yo → o, ye → e.
            ('y' | 'i', 'a', _, _) => ('a', 2),
            ('y' | 'i', 'u', _, _) => ('u', 2),
            ('y', 'o', _, _) => ('o', 2),
            ('y', 'e', _, _) => ('e', 2),
            ('y', _, _, _) => ('i', 1),
            (c, _, _, _) => (c, 1),
        };
        match folded {
            '\u{1}' => {
                if !out.ends_with("sh") {
                    out.push_str("sh");
                }
            }
            '\u{2}' => {
                if !out.ends_with("ch") {
                    out.push_str("ch");
                }
            }
            c => push(&mut out, c),
        }
        i += used;
    }
    out
}

/// The search key of a name or a query: Latin, folded, words separated by one space.
pub fn search_key(text: &str) -> String {
    let mut latin = String::with_capacity(text.len());
    for c in text.nfkd().flat_map(char::to_lowercase) {
        if let Some(s) = cyrillic(c) {
            latin.push_str(s);
        } else if c.is_ascii_alphanumeric() {
            latin.push(c);
        } else if unicode_normalization::char::is_combining_mark(c)
            || matches!(c, '\'' | '’' | 'ʻ' | 'ʼ' | '‘' | '`' | 'ʹ')
        {
            // Diacritics and the Uzbek apostrophes of o‘ and g‘ do not separate words.
        } else if c.is_alphanumeric() {
            latin.push(c);
        } else {
            latin.push(' ');
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
