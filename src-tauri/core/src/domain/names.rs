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
    let mut w = word.to_string();
    for (from, to) in [
        ("shch", "sh"),
        ("dzh", "j"),
        ("dj", "j"),
        ("zh", "j"),
        ("kh", "h"),
        ("x", "h"),
        ("q", "k"),
        ("w", "v"),
    ] {
        w = w.replace(from, to);
    }
    // Drop a y between vowels (Abdullayev → Abdullaev) before iotated vowels are reduced.
    let chars: Vec<char> = w.chars().collect();
    let mut out = String::with_capacity(w.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_vowels = c == 'y'
            && i > 0
            && i + 1 < chars.len()
            && is_vowel(chars[i - 1])
            && is_vowel(chars[i + 1]);
        if !between_vowels {
            out.push(c);
        }
    }
    w = out;
    for (from, to) in [
        ("yu", "u"),
        ("iu", "u"),
        ("ya", "a"),
        ("ia", "a"),
        ("yo", "o"),
        ("ye", "e"),
        ("y", "i"),
    ] {
        w = w.replace(from, to);
    }
    let mut folded = String::with_capacity(w.len());
    let mut last = None;
    for c in w.chars() {
        if Some(c) != last {
            folded.push(c);
        }
        last = Some(c);
    }
    folded
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
