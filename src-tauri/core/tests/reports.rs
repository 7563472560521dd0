//! Reports from the sample data (the seed) and from records a monitor might keep: the
//! situation summary states the seed's figures in English and Russian, each traceable
//! to the records and sources behind it, as of any day; the urgent-action sheet is a
//! real PDF (read back with poppler's `pdftotext`) with the names in every script; the
//! dashboard counts what the lists show.

mod common;

use common::store;
use nansen_core::api::{CountedQuery, Figure, PersonQuery, Situation};
use nansen_core::domain::Kind;
use nansen_core::report::parse_day;
use nansen_core::Nansen;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use uuid::Uuid;

fn demo() -> (tempfile::TempDir, Nansen) {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("s"), "Osh", false);
    n.load_demo().unwrap();
    (tmp, n)
}

fn id_of(n: &Nansen, kind: Kind, starts: &str) -> String {
    n.list(kind, &Default::default())
        .unwrap()
        .items
        .into_iter()
        .find(|r| r.label.starts_with(starts))
        .unwrap_or_else(|| panic!("no {kind} named {starts}"))
        .id
}

fn figures(s: &Situation) -> Vec<(&str, &Figure)> {
    s.paragraphs
        .iter()
        .flat_map(|p| p.sentences.iter())
        .flat_map(|s| s.figures.iter().map(move |f| (s.text.as_str(), f)))
        .collect()
}

/// The figure of `value` persons whose records include a record of `kind` with `id`.
fn figure<'a>(s: &'a Situation, value: u64, kind: Kind, id: &str) -> (&'a str, &'a Figure) {
    figures(s)
        .into_iter()
        .find(|(_, f)| {
            f.value == value
                && f.counts == "persons"
                && f.records.iter().any(|r| r.kind == kind && r.id == id)
        })
        .unwrap_or_else(|| panic!("no figure {value} behind {kind} {id}:\n{}", s.text))
}

#[test]
fn the_demo_situation_states_the_seeds_figures_in_both_languages_each_traced_to_records() {
    let (_t, n) = demo();
    let list_103 = id_of(&n, Kind::Group, "List of 103");
    let taken_29 = id_of(&n, Kind::Group, "29 taken");
    let returned_4 = id_of(&n, Kind::Group, "Four men");
    let request = id_of(&n, Kind::Event, "Prosecutor General asks");
    let detention = id_of(&n, Kind::Event, "29 asylum-seekers taken");
    let returned = id_of(&n, Kind::Event, "Four men forcibly");
    let release = id_of(&n, Kind::Source, "Kyrgyzstan: More");
    for (lang, says) in [
        (
            "en",
            [
                "Removal or extradition was requested for 103\u{a0}asylum-seekers (3 identified by name",
                "29\u{a0}asylum-seekers were detained (12 identified by name",
                "4\u{a0}asylum-seekers were forcibly returned",
                "UNHCR assessment pending for 29\u{a0}asylum-seekers",
            ],
        ),
        (
            "ru",
            [
                "Запрошена высылка или выдача 103\u{a0}просителей убежища (поимённо известны: 3",
                "29\u{a0}просителей убежища были задержаны (поимённо известны: 12",
                "4\u{a0}просителя убежища были принудительно возвращены",
                "Оценка УВКБ ООН не завершена для 29\u{a0}просителей убежища",
            ],
        ),
    ] {
        let s = n.situation(None, lang).unwrap();
        for said in says {
            assert!(s.text.contains(said), "{lang}: {said}\n{}", s.text);
        }
        // Each figure names the group and event behind it, and its sources with their
        // reliability.
        for (value, group, event) in [
            (103, &list_103, &request),
            (29, &taken_29, &detention),
            (4, &returned_4, &returned),
        ] {
            let (text, f) = figure(&s, value, Kind::Group, group);
            assert!(f.records.iter().any(|r| r.kind == Kind::Event && &r.id == event), "{text}");
            assert!(!f.sources.is_empty(), "{text}");
            let cited = &s.sources[f.sources[0] as usize - 1];
            assert_eq!(cited.id, release);
            assert_eq!(cited.reliability.as_deref(), Some("usually_reliable"));
            assert!(cited.reliability_label.is_some());
        }
        // The pending assessment names the status record that says it.
        let (_, pending) = figures(&s)
            .into_iter()
            .find(|(t, f)| f.value == 29 && t.contains(says[3]))
            .unwrap();
        assert!(pending.records.iter().any(|r| r.kind == Kind::Status));
        // Persons by current status add up to the person list.
        let by_status: u64 = s.paragraphs.iter().filter(|p| p.key == "persons")
            .flat_map(|p| p.sentences.iter().flat_map(|s| s.figures.iter().map(|f| f.value)))
            .sum();
        assert_eq!(by_status, n.person_list(&PersonQuery::default()).unwrap().total);
        // The confidential testimony is cited by its type and reliability only.
        let testimony = s.sources.iter().find(|c| c.confidential).expect("the testimony");
        assert!(!s.text.contains(&testimony.title));
    }
}

#[test]
fn as_of_a_day_only_what_had_happened_by_then_counts() {
    let (_t, n) = demo();
    let s = n
        .situation(Some(parse_day("2005-06-04").unwrap()), "en")
        .unwrap();
    assert!(
        s.text.contains("29\u{a0}asylum-seekers were detained"),
        "{}",
        s.text
    );
    assert!(!s.text.contains("forcibly returned"), "{}", s.text);
    assert!(!s.text.contains("imminent"), "{}", s.text);
    // The 12 identified of the 29 were detained then, not yet at imminent risk.
    assert!(s.text.contains("detained — 12"), "{}", s.text);
    let s = n
        .situation(Some(parse_day("2005-05-31").unwrap()), "ru")
        .unwrap();
    assert!(!s.text.contains("103"), "{}", s.text);
    assert!(
        s.text.contains("Пытки или жестокое обращение"),
        "{}",
        s.text
    );
    assert!(s.title.contains("31 мая 2005"));
    assert!(parse_day("2005-06").is_err());
    assert_eq!(
        n.situation(None, "de").unwrap_err().message().reason,
        "unknown_report_language"
    );
}

#[test]
fn any_event_type_and_group_is_said_and_a_person_in_a_counted_group_counts_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("s"), "Osh", false);
    let woman = |n: &mut Nansen, name: &str| {
        n.add(
            Kind::Person,
            &json!({"name": {"text": name, "lang": "uz-Latn"}, "sex": "female"}),
        )
        .unwrap()
    };
    let a = woman(&mut n, "Malika Karimova");
    let b = woman(&mut n, "Zarina Yusupova");
    // Someone whose sex is not recorded.
    let c = n
        .add(
            Kind::Person,
            &json!({"name": {"text": "N. Aliyeva", "lang": "uz-Latn"}}),
        )
        .unwrap();
    let g = n
        .add(
            Kind::Group,
            &json!({"name": "Women released", "asserted_count": 2,
            "members": [{"person": a.to_string()}, {"person": b.to_string()}]}),
        )
        .unwrap();
    n.add(Kind::Event, &json!({"type": "release", "date": "2006-02-01",
        "involvements": [{"role": "victim", "group": g.to_string()}, {"role": "victim", "person": a.to_string()},
                         {"role": "victim", "person": c.to_string()}]}))
        .unwrap();
    let s = n.situation(None, "en").unwrap();
    // The group's two and the one person outside it (not all known to be women).
    assert!(
        s.text.contains("3\u{a0}asylum-seekers were released"),
        "{}",
        s.text
    );
    let s = n.situation(None, "ru").unwrap();
    assert!(
        s.text.contains("3\u{a0}просителя убежища были освобождены"),
        "{}",
        s.text
    );
    // Without the outsider, everyone is a known woman.
    let tmp2 = tempfile::tempdir().unwrap();
    let mut m = store(&tmp2.path().join("s"), "Osh", false);
    let a = woman(&mut m, "Malika Karimova");
    let b = woman(&mut m, "Zarina Yusupova");
    let g = m
        .add(
            Kind::Group,
            &json!({"name": "Two", "asserted_count": 2,
            "members": [{"person": a.to_string()}, {"person": b.to_string()}]}),
        )
        .unwrap();
    m.add(
        Kind::Event,
        &json!({"type": "detention", "date": "2006-02",
        "involvements": [{"role": "victim", "group": g.to_string()}]}),
    )
    .unwrap();
    m.add(Kind::Status, &json!({"group": g.to_string(), "type": "protection", "value": "whereabouts_unknown", "effective": "2006-03"}))
        .unwrap();
    let s = m.situation(None, "ru").unwrap();
    assert!(
        s.text.contains("2\u{a0}женщины были задержаны"),
        "{}",
        s.text
    );
    assert!(
        s.text.contains("Местонахождение 2\u{a0}женщин неизвестно"),
        "{}",
        s.text
    );
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: `make deps`");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &Path) -> u32 {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|p| p.trim().parse().unwrap()))
        .unwrap()
}

#[test]
fn the_urgent_action_sheet_is_a_pdf_with_the_names_in_every_script_and_the_figures() {
    let (tmp, n) = demo();
    let person: Uuid = n
        .person_list(&PersonQuery {
            q: Some("Jamshid".into()),
            ..Default::default()
        })
        .unwrap()
        .items[0]
        .id
        .parse()
        .unwrap();
    let group: Uuid = id_of(&n, Kind::Group, "29 taken").parse().unwrap();
    for (lang, subject, says) in [
        (
            "en",
            person,
            vec![
                "URGENT ACTION",
                "Жамшид Раҳимов",
                "Джамшид Рахимов",
                "Jamshid Rahimov",
                "12 of 29 identified",
                "103",
                "Kyrgyz authorities",
                "B — Usually reliable",
            ],
        ),
        (
            "ru",
            person,
            vec![
                "СРОЧНАЯ АКЦИЯ",
                "Жамшид Раҳимов",
                "Jamshid Rahimov",
                "поимённо известны 12 из 29",
                "Власти Кыргызстана",
                "B — Обычно надёжный",
            ],
        ),
        (
            "en",
            group,
            vec![
                "29 taken to the Osh detention centre",
                "Sanjar G‘ulomov",
                "Санжар Ғуломов",
                "12 of 29 identified by name",
                "not to return these people",
            ],
        ),
        (
            "ru",
            group,
            vec![
                "Поимённо известны 12 из 29",
                "Фаррух Холматов",
                "Farrux Xolmatov",
                "принцип невысылки",
            ],
        ),
    ] {
        let out = tmp.path().join(format!("ua-{lang}-{subject}.pdf"));
        let report = n.urgent_action_sheet(subject, lang, &out, false).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(report.bytes, bytes.len() as u64);
        let text = pdftotext(&out);
        for s in says {
            assert!(text.contains(s), "{lang} sheet lacks {s:?}:\n{text}");
        }
        assert!((1..=2).contains(&pages(&out)), "{} pages", pages(&out));
        assert_eq!(report.pages, pages(&out));
        // Never replaced unless asked.
        let err = n
            .urgent_action_sheet(subject, lang, &out, false)
            .unwrap_err();
        assert_eq!(err.message().reason, "sheet_exists");
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
        n.urgent_action_sheet(subject, lang, &out, true).unwrap();
    }
    let place: Uuid = id_of(&n, Kind::Location, "Osh detention").parse().unwrap();
    let err = n
        .urgent_action_sheet(place, "en", &tmp.path().join("x.pdf"), false)
        .unwrap_err();
    assert_eq!(err.message().reason, "not_a_sheet_subject");
    assert!(!tmp.path().join("x.pdf").exists());
}

#[test]
fn the_dashboard_counts_what_the_lists_show() {
    let (_t, n) = demo();
    let today = chrono::Local::now().date_naive();
    let d = n.dashboard().unwrap();
    let all = n.person_list(&PersonQuery::default()).unwrap().total;
    assert_eq!(d.persons, all);
    for c in &d.by_status {
        let listed = n
            .person_list(&PersonQuery {
                status: Some(c.status.clone()).filter(|s| !s.is_empty()),
                ..Default::default()
            })
            .unwrap()
            .total;
        if !c.status.is_empty() {
            assert_eq!(c.n, listed, "{}", c.status);
        }
    }
    assert_eq!(d.by_status.iter().map(|c| c.n).sum::<u64>(), all);
    // The top of the location tree: Kyrgyzstan holds the 15 at risk, Uzbekistan the
    // 2 returned (whose status gives no place of its own: they are counted where the
    // event happened).
    let kg = d
        .places
        .places
        .iter()
        .find(|p| p.label == "Kyrgyzstan")
        .unwrap();
    assert_eq!(
        kg.n,
        n.person_counts(Some(kg.id.parse().unwrap()))
            .unwrap()
            .values()
            .sum::<u64>()
    );
    assert!(kg.has_children);
    assert_eq!(
        d.places.places.iter().map(|p| p.n).sum::<u64>() + d.places.elsewhere,
        all
    );
    let inside = n.dashboard_places(Some(kg.id.parse().unwrap())).unwrap();
    assert_eq!(inside.path[0].label, "Kyrgyzstan");
    assert_eq!(
        inside.places.iter().map(|p| p.n).sum::<u64>() + inside.elsewhere,
        kg.n
    );
    // New this month: the 17 sample persons, listed.
    assert_eq!(d.new_persons.last().unwrap().n, 17);
    let month = d.new_persons.last().unwrap().month.clone();
    assert_eq!(month, format!("{}", today.format("%Y-%m")));
    let listed = n
        .dashboard_list(&CountedQuery {
            of: "new_persons".into(),
            month: Some(month),
            limit: Some(10),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((listed.total, listed.items.len()), (17, 10));
    assert!(listed.next.is_some());
    // Events by month and type, and the list behind a bar.
    assert_eq!(d.events.months.last().unwrap(), "2005-06");
    let detention = d
        .events
        .series
        .iter()
        .find(|s| s.event_type == "detention")
        .unwrap();
    assert_eq!(detention.counts.last(), Some(&1));
    let listed = n
        .dashboard_list(&CountedQuery {
            of: "events".into(),
            month: Some("2005-06".into()),
            event_type: Some("detention".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert!(listed.items[0].label.starts_with("29 asylum-seekers"));
    // Interventions due in June 2005 are overdue now.
    assert_eq!((d.deadlines.overdue, d.deadlines.upcoming), (2, 0));
    let overdue = n
        .dashboard_list(&CountedQuery {
            of: "overdue".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(overdue.items.len(), 2);
    assert_eq!(d.conflicts, 0);
    assert!(n
        .dashboard_list(&CountedQuery {
            of: "nonsense".into(),
            ..Default::default()
        })
        .is_err());
}

#[test]
fn every_event_type_and_status_has_its_own_sentence() {
    let (_t, n) = demo();
    let v = n.vocabularies();
    // Said by their label: "other", and a camp surrounded (an incident, not something
    // that happens to people).
    for t in &v.0["event_type"] {
        if !["other", "camp_surrounded"].contains(&t.term.as_str()) {
            assert!(
                nansen_core::report::phrases::knows_event(&t.term),
                "{}",
                t.term
            );
        }
    }
    for t in &v.0["status"] {
        let key = format!("{}:{}", t.category.as_deref().unwrap_or_default(), t.term);
        assert!(nansen_core::report::phrases::knows_status(&key), "{key}");
    }
}
