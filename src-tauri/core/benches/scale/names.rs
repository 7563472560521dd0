//! The scale bench's names: 24 given names and 40 surnames, Cyrillic and Uzbek Latin,
//! so 960 combinations (see the bench's docs for what that density means).

pub const FIRST: [(&str, &str); 24] = [
    ("Азиз", "Aziz"),
    ("Баҳтиёр", "Baxtiyor"),
    ("Дилшод", "Dilshod"),
    ("Жамшид", "Jamshid"),
    ("Шерзод", "Sherzod"),
    ("Улуғбек", "Ulug‘bek"),
    ("Равшан", "Ravshan"),
    ("Фаррух", "Farrux"),
    ("Ботир", "Botir"),
    ("Отабек", "Otabek"),
    ("Нодир", "Nodir"),
    ("Зафар", "Zafar"),
    ("Гулнора", "Gulnora"),
    ("Дилноза", "Dilnoza"),
    ("Малика", "Malika"),
    ("Нигора", "Nigora"),
    ("Шаҳло", "Shahlo"),
    ("Феруза", "Feruza"),
    ("Мадина", "Madina"),
    ("Зарина", "Zarina"),
    ("Камола", "Kamola"),
    ("Сарвар", "Sarvar"),
    ("Иброҳим", "Ibrohim"),
    ("Аҳмад", "Ahmad"),
];

pub const LAST: [(&str, &str); 40] = [
    ("Каримов", "Karimov"),
    ("Юсупов", "Yusupov"),
    ("Абдуллаев", "Abdullayev"),
    ("Раҳимов", "Rahimov"),
    ("Турсунов", "Tursunov"),
    ("Алиев", "Aliyev"),
    ("Исмоилов", "Ismoilov"),
    ("Назаров", "Nazarov"),
    ("Усмонов", "Usmonov"),
    ("Ҳасанов", "Hasanov"),
    ("Қодиров", "Qodirov"),
    ("Мирзаев", "Mirzayev"),
    ("Собиров", "Sobirov"),
    ("Тошпўлатов", "Toshpo‘latov"),
    ("Эргашев", "Ergashev"),
    ("Жўраев", "Jo‘rayev"),
    ("Холматов", "Xolmatov"),
    ("Салимов", "Salimov"),
    ("Бакиров", "Bakirov"),
    ("Маҳмудов", "Mahmudov"),
    ("Олимов", "Olimov"),
    ("Раҷабов", "Rajabov"),
    ("Шарипов", "Sharipov"),
    ("Файзуллаев", "Fayzullayev"),
    ("Умаров", "Umarov"),
    ("Хўжаев", "Xo‘jayev"),
    ("Носиров", "Nosirov"),
    ("Зокиров", "Zokirov"),
    ("Султонов", "Sultonov"),
    ("Ғаниев", "G‘aniyev"),
    ("Очилов", "Ochilov"),
    ("Пўлатов", "Po‘latov"),
    ("Валиев", "Valiyev"),
    ("Ёқубов", "Yoqubov"),
    ("Латипов", "Latipov"),
    ("Бобоев", "Boboyev"),
    ("Дўстов", "Do‘stov"),
    ("Ҳамидов", "Hamidov"),
    ("Чориев", "Choriyev"),
    ("Обидов", "Obidov"),
];

/// Rows of `count` persons of the dense worst case: the 960 combinations above, a
/// patronymic that changes every 960 rows, a Latin alias, sex and an approximate year.
pub fn dense_rows(from: u64, count: u64) -> String {
    use std::fmt::Write as _;
    let mut text = String::from("Имя,Alias,Пол,Дата рождения,Примечание\n");
    for i in from..from + count {
        let i = i as usize;
        let (f, fl) = FIRST[i % FIRST.len()];
        let (l, ll) = LAST[(i / FIRST.len()) % LAST.len()];
        let (p, _) = FIRST[(i / (FIRST.len() * LAST.len())) % FIRST.len()];
        let sex = if i.is_multiple_of(2) {
            "male"
        } else {
            "female"
        };
        writeln!(
            text,
            "{f} {p}ович {l},{fl} {ll}@uz-Latn,{sex},{}~,list entry {i}",
            1950 + i % 50
        )
        .unwrap();
    }
    text
}

/// Rows of `count` persons with names spread as the duplicates bench's gold set spreads
/// them (its pools, common names drawn more often, every spelling an office uses), each
/// recorded once, and about three in ten recorded again as another office would; the
/// seed is `from`, so that each intake brings other people.
pub fn realistic_rows(from: u64, count: u64) -> String {
    use super::generate::{people, record, Rng};
    let mut rng = Rng::new(from ^ 0x5ca1e);
    let pool = people(&mut rng, count as usize);
    let mut text = String::from("Имя,Alias,Пол,Дата рождения,Примечание\n");
    for k in 0..count as usize {
        let person = if k > 0 && rng.chance(0.3) {
            &pool[rng.below(k)]
        } else {
            &pool[k % pool.len()]
        };
        let r = record(&mut rng, person, k.to_string(), k % 7);
        // Some offices write «Surname, Given».
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let alias = r
            .names
            .get(1)
            .map(|(text, lang)| quoted(&format!("{text}@{lang}")))
            .unwrap_or_default();
        text.push_str(&format!(
            "{},{alias},{},{},list entry {}\n",
            quoted(&r.names[0].0),
            r.sex.unwrap_or_default(),
            r.birth_date.unwrap_or_default(),
            from + k as u64
        ));
    }
    text
}
