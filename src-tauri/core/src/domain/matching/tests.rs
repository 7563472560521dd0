use super::*;
use proptest::prelude::*;

fn person(id: &str, names: &[&str]) -> PersonEvidence {
    PersonEvidence {
        id: id.into(),
        names: names
            .iter()
            .map(|n| (n.to_string(), "und".into()))
            .collect(),
        ..Default::default()
    }
}

fn born(mut p: PersonEvidence, date: &str) -> PersonEvidence {
    p.birth_date = Some(date.into());
    p
}

fn shares_a_key(a: &PersonEvidence, b: &PersonEvidence) -> bool {
    !blocking_keys(a).is_disjoint(&blocking_keys(b))
}

#[test]
fn three_offices_record_one_man() {
    let osh = PersonEvidence {
        id: "osh".into(),
        names: vec![("Абдуллаев Рустам".into(), "uz-Cyrl".into())],
        birth_date: Some("1975~".into()),
        ..Default::default()
    };
    let jalal_abad = PersonEvidence {
        id: "jalal-abad".into(),
        names: vec![("Rustam Abdullayev".into(), "uz-Latn".into())],
        birth_date: Some("1976".into()),
        ..Default::default()
    };
    let lawyer = person("lawyer", &["Abdulloev R."]);
    for (a, b) in [(&osh, &jalal_abad), (&osh, &lawyer), (&jalal_abad, &lawyer)] {
        assert!(shares_a_key(a, b), "{} / {}", a.id, b.id);
        let c = compare(a, b);
        assert!(c.score >= DEFAULT_THRESHOLD, "{} / {}: {c:#?}", a.id, b.id);
    }
    let c = compare(&osh, &jalal_abad);
    let Evidence::Names { words, .. } = &c.evidence[0] else {
        panic!("names first: {c:#?}")
    };
    assert!(words
        .iter()
        .all(|w| w.level == NameLevel::Exact && w.role == WordRole::Name));
    assert!(c.evidence.iter().any(|e| matches!(
        e,
        Evidence::BirthDates {
            compatible: true,
            ..
        }
    )));
}

#[test]
fn spellings_of_one_surname_meet() {
    let surnames: &[&[&str]] = &[
        &["Абдуллаев", "Abdullaev", "Abdullayev", "Abdulloev"],
        &["Хакимов", "Khakimov", "Xakimov", "Hakimov"],
        &["Жўраев", "Jo‘rayev", "Juraev", "Dzhuraev", "Jorayev"],
        &["Ғуломов", "G‘ulomov", "Gulomov", "Gulyamov"],
        &["Қодиров", "Qodirov", "Kadyrov"],
        &["Эргашев", "Ergashev", "Ergashyev"],
    ];
    // Given names in several scripts and orders, with and without a patronymic.
    let shapes: &[fn(&str) -> String] = &[
        |s| format!("{s} Рустам"),
        |s| format!("Rustam {s}"),
        |s| format!("{s}, Rustam"),
        |s| format!("{s} R."),
        |s| format!("{s} Рустам Алишерович"),
        |s| format!("{s} Rustam Alisher o‘g‘li"),
    ];
    for spellings in surnames {
        for (i, a) in spellings.iter().enumerate() {
            for b in &spellings[i + 1..] {
                for (x, sa) in shapes.iter().enumerate() {
                    for (y, sb) in shapes.iter().enumerate().skip(x) {
                        if x == 3 && y == 3 {
                            continue; // two initials only: too little
                        }
                        let pa = born(person("a", &[&sa(a)]), "1975");
                        let pb = born(person("b", &[&sb(b)]), "1975~");
                        assert!(shares_a_key(&pa, &pb), "{:?} / {:?}", pa.names, pb.names);
                        let c = compare(&pa, &pb);
                        assert!(
                            c.score >= DEFAULT_THRESHOLD,
                            "{:?} / {:?}: {c:#?}",
                            pa.names,
                            pb.names
                        );
                        if x != 3 && y != 3 {
                            let (na, nb) = (person("a", &[&sa(a)]), person("b", &[&sb(b)]));
                            let c = compare(&na, &nb);
                            assert!(c.score >= DEFAULT_THRESHOLD, "names only {c:#?}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn different_people_stay_apart() {
    let not_same = [
        (
            person("a", &["Aziz Karimov"]),
            person("b", &["Aziz Rahimov"]),
        ),
        (
            person("a", &["Азиз Каримов"]),
            person("b", &["Aziz Rakhimov"]),
        ),
        (
            born(person("father", &["Aziz Karimov"]), "1950"),
            born(person("son", &["Азиз Каримов"]), "1976"),
        ),
        (
            born(person("father", &["Aziz Karimov"]), "1950~"),
            born(person("son", &["Karimov Aziz"]), "1976-04-02"),
        ),
        (
            person("a", &["Karimov Aziz Rustamovich"]),
            person("b", &["Karimov Bobur Rustamovich"]),
        ),
        (
            person("a", &["Каримов Азиз Рустамович"]),
            person("b", &["Karimov Sherzod Rustam o‘g‘li"]),
        ),
        (
            person("a", &["Aziz Karimov"]),
            person("b", &["Karimova Aziza"]),
        ),
        // С. is not Ш. (Sh.): the fold writes Ш as two letters, and an initial of one
        // of them is not an initial of the other.
        (
            person("a", &["Ёдгоржонов Сергей"]),
            person("b", &["Ёдгоржонов Ш."]),
        ),
        (
            person("a", &["Shuhrat Yodgorjonov"]),
            person("b", &["С. Ёдгоржонов"]),
        ),
        (
            person("a", &["Ёдгоржонов С."]),
            person("b", &["Yodgorjonov Sh."]),
        ),
        // A brother and a sister of the same initial: the -a of her surname is not a
        // spelling variant.
        (
            person("a", &["Ёдгоржонов Сергей"]),
            person("b", &["С. Ёдгоржонова"]),
        ),
    ];
    for (a, b) in &not_same {
        let c = compare(a, b);
        assert!(
            c.score < DEFAULT_THRESHOLD,
            "{:?} / {:?}: {c:#?}",
            a.names,
            b.names
        );
    }
    let mut a = person("a", &["Aziz Karimov"]);
    let mut b = person("b", &["Азиз Каримов"]);
    a.identifiers = vec![("passport".into(), "AB1234567".into())];
    b.identifiers = vec![("passport".into(), "AC7654321".into())];
    assert!(compare(&a, &b).score < DEFAULT_THRESHOLD);
    b.identifiers = vec![("passport".into(), "ab 123 4567".into())];
    let c = compare(&a, &b);
    assert!(c.score > 0.99, "{c:#?}");
}

/// A record that gives the father's name in one of its names knows it for all of them:
/// two records whose short forms agree («Aziz Karimov», an alias) but whose fathers
/// differ are two men, and the same father in another script is no obstacle.
#[test]
fn a_patronymic_known_from_another_name_counts() {
    let rustam_s_son = born(
        person("a", &["Азиз Рустамович Каримов", "Aziz Karimov"]),
        "1975",
    );
    let bakhtiyor_s_son = born(
        person("b", &["Каримов Азиз Бахтиёр ўғли", "Aziz Karimov"]),
        "1975",
    );
    let c = compare(&rustam_s_son, &bakhtiyor_s_son);
    assert!(c.score < DEFAULT_THRESHOLD, "{c:#?}");
    let Some(Evidence::Names { words, .. }) = c
        .evidence
        .iter()
        .find(|e| matches!(e, Evidence::Names { .. }))
    else {
        panic!("{c:#?}")
    };
    assert!(
        words.iter().any(|w| w.role == WordRole::Patronymic
            && w.level == NameLevel::Different
            && !w.a.is_empty()
            && !w.b.is_empty()),
        "the fathers are shown as written: {words:#?}"
    );
    let same_father = born(
        person("c", &["Karimov Aziz Rustam o‘g‘li", "Aziz Karimov"]),
        "1975",
    );
    let c = compare(&rustam_s_son, &same_father);
    assert!(c.score >= DEFAULT_THRESHOLD, "{c:#?}");
    // Nothing to compare when one record never gives a father's name.
    let plain = born(person("d", &["Aziz Karimov"]), "1975");
    assert!(compare(&rustam_s_son, &plain).score >= DEFAULT_THRESHOLD);
}

#[test]
fn distances_count_transliteration_as_cheap() {
    use super::similar::distance;
    let d = |a: &str, b: &str| distance(a.as_bytes(), b.as_bytes(), 9.0);
    assert_eq!(d("abdullaev", "abdullaev"), 0.0);
    assert!((d("abdullaev", "abdulloev") - 0.3).abs() < 1e-6);
    assert!((d("karimov", "kasimov") - 1.0).abs() < 1e-6);
    assert!((d("sitora", "siotra") - 1.0).abs() < 1e-6);
    assert!((d("", "abc") - 2.6).abs() < 1e-6);
    assert!(d("karimov", "rahimov") >= 2.0);
    assert_eq!(distance(b"karimov", b"tursunov", 1.0), f32::MAX);
}

#[test]
fn common_names_say_less_in_a_large_store() {
    let a = person("a", &["Aziz Karimov"]);
    let b = person("b", &["Азиз Каримов"]);
    // Without counts: a small store, where one Aziz Karimov is probably the other.
    assert!(compare(&a, &b).score >= DEFAULT_THRESHOLD);
    // 20 000 records, one in twenty an Aziz and one in fifty a Karimov: namesakes.
    let mut counts = vec![("aziz".to_string(), 1000), ("karimov".to_string(), 400)];
    counts.push(("rare".to_string(), 1));
    let frequencies = NameFrequencies::from_counts(20_000, counts);
    let (pa, pb) = (
        Prepared::with_frequencies(&a, &frequencies),
        Prepared::with_frequencies(&b, &frequencies),
    );
    assert!(compare_prepared(&pa, &pb).score < DEFAULT_THRESHOLD);
    // The same birth day tells them apart from namesakes.
    let (a, b) = (born(a, "1976-04-02"), born(b, "1976-04-02"));
    let (pa, pb) = (
        Prepared::with_frequencies(&a, &frequencies),
        Prepared::with_frequencies(&b, &frequencies),
    );
    assert!(compare_prepared(&pa, &pb).score >= DEFAULT_THRESHOLD);
    assert_eq!(score_prepared(&pa, &pb), compare_prepared(&pa, &pb).score);
}

#[test]
fn twins_and_sisters_are_not_one_person() {
    let twins = (
        born(person("a", &["Ҳасан Рустамович Каримов"]), "1990-05-14"),
        born(person("b", &["Husan Rustamovich Karimov"]), "1990-05-14"),
    );
    assert!(compare(&twins.0, &twins.1).score < DEFAULT_THRESHOLD);
    let mut same_passport = twins.clone();
    same_passport.0.identifiers = vec![("passport".into(), "AB1234567".into())];
    same_passport.1.identifiers = vec![("passport".into(), "AB1234567".into())];
    assert!(compare(&same_passport.0, &same_passport.1).score >= DEFAULT_THRESHOLD);
    let siblings = (
        person("a", &["Said Karimov"]),
        person("b", &["Saida Karimova"]),
    );
    assert!(compare(&siblings.0, &siblings.1).score < DEFAULT_THRESHOLD);
    // Umidjon is Umid, though дж folds to one letter.
    let c = compare(
        &person("a", &["Умиджон Каримов"]),
        &person("b", &["Umid Karimov"]),
    );
    assert!(c.score >= DEFAULT_THRESHOLD, "{c:#?}");
    // Ш. and Sh. are one initial, of Shuhrat; so are Ч. and Ch.
    for (a, b) in [
        ("Ш. Ёдгоржонов", "Shuhrat Yodgorjonov"),
        ("Yodgorjonov Sh.", "Ёдгоржонов Шуҳрат"),
        ("Ёдгоржонов Ш.", "Yodgorjonov Sh."),
        ("Ч. Ёдгоржонов", "Chori Yodgorjonov"),
    ] {
        let c = compare(&person("a", &[a]), &person("b", &[b]));
        assert!(c.score >= DEFAULT_THRESHOLD, "{a} / {b}: {c:#?}");
    }
    // An initial read from the record's other name.
    let a = person("a", &["З. Азаматов", "Azamatov Zokir"]);
    let b = person("b", &["Zuhra Azamatova"]);
    assert!(compare(&a, &b).score < DEFAULT_THRESHOLD);
}

fn arb_person(id: &'static str) -> impl Strategy<Value = PersonEvidence> {
    let names = prop::collection::vec(
        prop::sample::select(vec![
            "Абдуллаев Рустам",
            "Rustam Abdullayev",
            "Abdulloev R.",
            "Karimov Aziz Rustamovich",
            "Азиз Каримов",
            "Karimova Aziza",
            "Jo‘rayev Sherzod Alisher o‘g‘li",
            "Ergashev",
            "Ш. Юсупов",
            "",
        ]),
        0..3,
    );
    let date = prop::option::of(prop::sample::select(vec![
        "1975",
        "1975~",
        "1976-03-02",
        "1950",
        "1970/1980",
        "../1980",
        "1975-01-01",
    ]));
    let sex = prop::option::of(prop::sample::select(vec!["male", "female", "unknown"]));
    let ids = prop::collection::vec(
        (
            prop::sample::select(vec!["passport", "camp_id", "other"]),
            prop::sample::select(vec!["AB123456", "AB123457", "B-117"]),
        ),
        0..2,
    );
    (names, date, sex, ids).prop_map(move |(names, date, sex, ids)| PersonEvidence {
        id: id.into(),
        names: names
            .into_iter()
            .map(|n| (n.into(), "und".into()))
            .collect(),
        birth_date: date.map(Into::into),
        sex: sex.map(Into::into),
        identifiers: ids.into_iter().map(|(t, v)| (t.into(), v.into())).collect(),
        origin: None,
        groups: vec![],
        family: vec![],
    })
}

/// Whether two records sharing a key too common to compare by are still compared: they
/// share a decade of births.
fn share_a_decade(a: &PersonEvidence, b: &PersonEvidence) -> bool {
    let (a, b) = (Prepared::new(a), Prepared::new(b));
    let theirs = decades(b.birth_year());
    decades(a.birth_year()).iter().any(|d| theirs.contains(d))
}

#[test]
fn namesakes_of_an_age_share_a_decade_that_namesakes_a_generation_apart_do_not() {
    let aziz = |id: &str, name: &str, date: Option<&str>| {
        let p = person(id, &[name]);
        match date {
            Some(d) => born(p, d),
            None => p,
        }
    };
    let osh = aziz("osh", "Азиз Каримов", Some("1975~"));
    let camp = aziz("camp", "Aziz Karimov", Some("1979-06-01"));
    let father = aziz("father", "Karimov Aziz", Some("1950"));
    let decade = aziz("decade", "Aziz Karimov", Some("1970/1980"));
    let unknown = aziz("unknown", "Азиз Каримов", None);
    let open = aziz("open", "Aziz Karimov", Some("../1980"));
    assert_eq!(Prepared::new(&osh).birth_year(), 1975);
    assert_eq!(Prepared::new(&decade).birth_year(), 1975);
    assert_eq!(Prepared::new(&open).birth_year(), 0);
    assert!(share_a_decade(&osh, &camp));
    assert!(share_a_decade(&osh, &decade));
    assert!(!share_a_decade(&osh, &father));
    assert!(!share_a_decade(&osh, &unknown));
    // Undated, or dated too loosely to place in a decade: compared with each other.
    assert!(share_a_decade(&unknown, &open));
    for other in [&camp, &father, &decade, &unknown, &open] {
        assert!(
            shares_a_key(&osh, other),
            "the name keys stay: {}",
            other.id
        );
    }
}

proptest! {
    /// Two births whose middle years are at most five apart always share a decade key,
    /// wherever the decades fall.
    #[test]
    fn births_at_most_five_years_apart_share_a_decade(
        year in 1900i32..2020,
        apart in 0i32..=5,
        days in (0u32..365, 0u32..365),
        approximate in any::<bool>(),
    ) {
        let day = |y: i32, d: u32| {
            chrono::NaiveDate::from_yo_opt(y, d + 1).unwrap().format("%Y-%m-%d").to_string()
        };
        let first = if approximate { format!("{year}~") } else { day(year, days.0) };
        let second = day(year + apart, days.1);
        let a = born(person("a", &["Aziz Karimov"]), &first);
        let b = born(person("b", &["Karimov Aziz"]), &second);
        prop_assert_eq!(Prepared::new(&b).birth_year(), i64::from(year + apart));
        prop_assert!(share_a_decade(&a, &b), "{} / {}", first, second);
    }

    #[test]
    fn scores_are_symmetric_and_bounded(a in arb_person("a"), b in arb_person("b")) {
        let (ab, ba) = (compare(&a, &b), compare(&b, &a));
        prop_assert!((0.0..=1.0).contains(&ab.score));
        prop_assert!((ab.score - ba.score).abs() < 1e-12, "{ab:#?} {ba:#?}");
        prop_assert_eq!(ab.evidence.len(), ba.evidence.len());
    }

    /// The screen that skips names when they cannot matter keeps exactly the pairs the
    /// full score keeps, with the same score (a record and a near copy of it too, so that
    /// pairs near the floor are tried).
    #[test]
    fn screening_keeps_what_scoring_keeps(
        a in arb_person("a"),
        b in arb_person("b"),
        copy in any::<bool>(),
        floor in prop_oneof![Just(0.25), Just(0.5), 0.0f64..1.0],
    ) {
        let b = if copy {
            PersonEvidence { id: "b".into(), birth_date: b.birth_date, sex: b.sex, ..a.clone() }
        } else {
            b
        };
        let counts = {
            let mut f = NameFrequencies::new();
            for _ in 0..60 {
                f.add(&a);
            }
            for _ in 0..60 {
                f.add(&b);
            }
            f
        };
        for (pa, pb) in [
            (Prepared::new(&a), Prepared::new(&b)),
            (Prepared::with_frequencies(&a, &counts), Prepared::with_frequencies(&b, &counts)),
        ] {
            let score = score_prepared(&pa, &pb);
            let kept = score_at_least(&pa, &pb, floor);
            prop_assert_eq!(kept, (score >= floor).then_some(score), "floor {}", floor);
        }
    }

    #[test]
    fn a_named_record_meets_itself(a in arb_person("a")) {
        prop_assume!(a.names.iter().any(|(n, _)| n.split_whitespace().count() > 1));
        let mut b = a.clone();
        b.id = "b".into();
        prop_assert!(shares_a_key(&a, &b));
        prop_assert!(compare(&a, &b).score >= DEFAULT_THRESHOLD);
    }
}
