//! Duplicates across offices through the real binary: two offices record the same
//! twenty people in different scripts; headquarters finds them, merges them and sends
//! the merges back; an unmerge travels too.

use nansen_tests::{Org, Store};
use serde_json::Value;

/// (Uzbek Cyrillic, Uzbek Latin as another office writes it, birth year).
const PEOPLE: [(&str, &str, u32); 20] = [
    ("Абдуллаев Рустам", "Rustam Abdullayev", 1975),
    ("Ҳакимов Дилшод", "Dilshod Xakimov", 1981),
    ("Жўраев Бахтиёр", "Baxtiyor Jo‘rayev", 1969),
    ("Ғуломов Шерзод", "Sherzod G‘ulomov", 1990),
    ("Қодиров Улуғбек", "Ulug‘bek Qodirov", 1972),
    ("Эргашев Равшан", "Ravshan Ergashev", 1985),
    ("Каримов Азиз", "Aziz Karimov", 1978),
    ("Юсупов Фаррух", "Farrux Yusupov", 1983),
    ("Турсунов Ботир", "Botir Tursunov", 1966),
    ("Исмоилов Отабек", "Otabek Ismoilov", 1992),
    ("Назаров Нодир", "Nodir Nazarov", 1974),
    ("Усмонов Зафар", "Zafar Usmonov", 1988),
    ("Ҳасанова Гулнора", "Gulnora Hasanova", 1979),
    ("Мирзаева Дилноза", "Dilnoza Mirzayeva", 1986),
    ("Собирова Малика", "Malika Sobirova", 1993),
    ("Эшонова Нигора", "Nigora Eshonova", 1970),
    ("Холматова Шаҳло", "Shahlo Xolmatova", 1982),
    ("Салимова Феруза", "Feruza Salimova", 1977),
    ("Бакирова Мадина", "Madina Bakirova", 1991),
    ("Маҳмудова Зарина", "Zarina Mahmudova", 1984),
];

fn ids_by_label(s: &Store) -> Vec<(String, String)> {
    let list = s.json(&["person", "list", "--limit", "1000"]);
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["label"].as_str().unwrap().to_string(),
                p["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn send(org: &Org, from: &Store, to_office: &str, to: &Store, name: &str) -> Value {
    let b = org.bundle(name);
    from.ok(&["export", "--for", to_office, "--out", &b]);
    to.json(&["import", &b])
}

#[test]
fn two_offices_record_the_same_twenty_people_and_headquarters_merges_them() {
    let org = Org::new(&["Osh", "Jalal-Abad"]);
    let (osh, jal) = (&org.offices[0], &org.offices[1]);
    for (cyr, lat, year) in PEOPLE {
        let sex = if cyr.ends_with('а') {
            "female"
        } else {
            "male"
        };
        osh.add(
            "person",
            &[
                "--name",
                &format!("{cyr}@uz-Cyrl"),
                "--birth-date",
                &format!("{year}~"),
                "--sex",
                sex,
            ],
        );
        jal.add(
            "person",
            &[
                "--name",
                &format!("{lat}@uz-Latn"),
                "--birth-date",
                &year.to_string(),
                "--sex",
                sex,
            ],
        );
    }
    send(&org, osh, "HQ", &org.hq, "osh-hq");
    let report = send(&org, jal, "HQ", &org.hq, "jal-hq");
    let waiting = report[0]["possible_duplicates"].as_u64().unwrap();
    assert!(
        waiting >= 18,
        "the import says how many wait for review: {report}"
    );

    // Headquarters finds the pairs: each Cyrillic record with its Latin one.
    let found = org.hq.json(&["duplicates", "--limit", "1000"]);
    let labels = ids_by_label(&org.hq);
    let label_of = |id: &str| labels.iter().find(|(_, i)| i == id).unwrap().0.clone();
    let mut right = 0;
    for c in found["items"].as_array().unwrap() {
        let (a, b) = (
            label_of(c["a"]["id"].as_str().unwrap()),
            label_of(c["b"]["id"].as_str().unwrap()),
        );
        let pair = PEOPLE
            .iter()
            .any(|(cyr, lat, _)| (a == *cyr && b == *lat) || (a == *lat && b == *cyr));
        assert!(pair, "a wrong pair: {a} / {b}");
        assert!(!c["evidence"].as_array().unwrap().is_empty());
        right += 1;
    }
    assert!(right >= 18, "found {right} of 20");

    // Merge every pair found; the list then holds each person once.
    for c in found["items"].as_array().unwrap() {
        org.hq.ok(&[
            "merge",
            c["a"]["id"].as_str().unwrap(),
            c["b"]["id"].as_str().unwrap(),
        ]);
    }
    assert_eq!(org.hq.json(&["person", "list"])["total"], 40 - right);
    assert!(org.hq.json(&["duplicates"])["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let (cyr0, lat0, _) = PEOPLE[0];
    let lat_id = labels.iter().find(|(l, _)| l == lat0).unwrap().1.clone();
    let shown = org.hq.json(&["person", "show", &lat_id]);
    let members: Vec<&str> = shown["cluster"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert!(
        members.contains(&cyr0) && members.contains(&lat0),
        "{members:?}"
    );
    let text = org.hq.ok(&["person", "show", &lat_id]);
    assert!(text.contains("member") && text.contains(cyr0), "{text}");

    // The merges travel back: both offices list the merged persons once.
    send(&org, &org.hq, "Osh", osh, "hq-osh");
    send(&org, &org.hq, "Jalal-Abad", jal, "hq-jal");
    for o in [osh, jal] {
        assert_eq!(o.json(&["person", "list"])["total"], 40 - right);
    }
    // Osh takes one out; headquarters and Jalal-Abad see that too.
    osh.ok(&["unmerge", &lat_id]);
    send(&org, osh, "HQ", &org.hq, "osh-hq-2");
    send(&org, &org.hq, "Jalal-Abad", jal, "hq-jal-2");
    for s in [osh, &org.hq, jal] {
        assert_eq!(s.json(&["person", "list"])["total"], 40 - right + 1);
        assert!(s.json(&["person", "show", &lat_id])["cluster"].is_null());
    }
    // Bad requests exit non-zero and change nothing.
    let digest = org.hq.digest();
    let (_, err) = org.hq.fails(&["merge", &lat_id]);
    assert!(err.contains("error"), "{err}");
    org.hq.fails(&["unmerge", &lat_id]);
    org.hq.fails(&["not-same", &lat_id, "nonsense"]);
    assert_eq!(org.hq.digest(), digest);
}
