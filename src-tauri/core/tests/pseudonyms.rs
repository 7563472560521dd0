//! Pseudonymised exports of the sample data: no name, alias, identifier or free text of
//! any record survives, and pseudonyms are stable for one export key only.

mod common;

use common::exports::*;
use nansen_core::api::{ExportFormat, ExportKind, ExportProfile};
use nansen_core::domain::Kind;
use nansen_core::Nansen;

fn secrets(n: &Nansen) -> Vec<String> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        for r in all(n, kind) {
            out.push(r.id.clone());
            let view = n.get(kind, r.id.parse().unwrap()).unwrap();
            for (field, v) in &view.fields {
                let free = matches!(
                    field.as_str(),
                    "name"
                        | "title"
                        | "notes"
                        | "description"
                        | "content"
                        | "informant"
                        | "reference"
                        | "response"
                        | "caption"
                        | "filename"
                );
                if free && !(kind == Kind::Location && field == "name") {
                    out.extend(v.as_str().or(v["text"].as_str()).map(str::to_string));
                }
            }
            for (link, elems) in &view.links {
                for e in elems {
                    match link.as_str() {
                        "aliases" if kind != Kind::Location => {
                            out.extend(e["text"].as_str().map(str::to_string))
                        }
                        "identifiers" => out.extend(e["value"].as_str().map(str::to_string)),
                        "sources" => out.extend(e["fact"].as_str().map(str::to_string)),
                        _ => {}
                    }
                }
            }
        }
    }
    out.retain(|s| s.chars().count() >= 3);
    out
}

/// The text with every pseudonym (`P-` and 12 base-32 characters) taken out, so that
/// a short identifier such as `A-101` is not found inside one by chance.
fn without_pseudonyms(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let is = i + 14 <= chars.len()
            && "PGEAS".contains(chars[i])
            && chars[i + 1] == '-'
            && chars[i + 2..i + 14]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        if is {
            i += 14;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn a_pseudonymised_export_of_the_sample_data_holds_no_name_alias_identifier_or_free_text() {
    let (tmp, mut n) = demo();
    let secrets = secrets(&n);
    assert!(secrets.iter().any(|s| s == "Азиз Каримов"));
    assert!(secrets.iter().any(|s| s == "Aziz Karimov"));
    assert!(secrets.iter().any(|s| s == "A-101"));
    assert!(secrets.iter().any(|s| s.starts_with("SAMPLE DATA")));
    assert!(secrets
        .iter()
        .any(|s| s == "29 taken to the Osh detention centre"));
    assert!(secrets.len() > 100, "{}", secrets.len());
    let mut texts = Vec::new();
    for (kind, format, name) in [
        (ExportKind::Person, ExportFormat::Csv, "p.csv"),
        (ExportKind::Event, ExportFormat::Csv, "e.csv"),
        (ExportKind::Person, ExportFormat::Xlsx, "p.xlsx"),
    ] {
        let out = tmp.path().join(name);
        let mut req = request(kind, ExportProfile::Pseudonymised, format, &out);
        req.key = Some("a key shared with the lawyers".into());
        let report = export(&mut n, &req);
        assert!(report.records > 0);
        let text = match format {
            ExportFormat::Xlsx => serde_json::to_string(&openpyxl_rows(&out)).unwrap(),
            _ => std::fs::read_to_string(&out).unwrap(),
        };
        let text = without_pseudonyms(&text);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{name} holds {s:?}");
        }
        texts.push(text);
    }
    // What the profile keeps: sex, dates, statuses, places.
    let persons = csv_rows(&tmp.path().join("p.csv"));
    assert_eq!(persons.len(), 18);
    assert_eq!(persons[0][0], "pseudonym");
    assert!(persons[1..]
        .iter()
        .all(|r| r[0].starts_with("P-") && r[0].len() == 14));
    for kept in [
        "male",
        "female",
        "1965~",
        "at_risk",
        "Osh detention centre",
        "Andijan",
    ] {
        assert!(texts[0].contains(kept), "the persons keep {kept}");
    }
    // A group has one pseudonym in both files: the victims of an event are the groups
    // persons belong to.
    let events = csv_rows(&tmp.path().join("e.csv"));
    let victims = events[0].iter().position(|h| h == "victims").unwrap();
    let groups = persons[0].iter().position(|h| h == "groups").unwrap();
    let detention = events.iter().find(|r| r[1] == "detention").unwrap();
    assert!(detention[victims].starts_with("G-"));
    assert!(persons[1..]
        .iter()
        .any(|r| r[groups].contains(&detention[victims])));
}

#[test]
fn pseudonyms_are_stable_for_a_key_and_differ_between_keys() {
    let (tmp, mut n) = demo();
    let mut run = |name: &str, key: Option<&str>| {
        let out = tmp.path().join(name);
        let mut req = request(
            ExportKind::Person,
            ExportProfile::Pseudonymised,
            ExportFormat::Csv,
            &out,
        );
        req.key = key.map(str::to_string);
        let report = export(&mut n, &req);
        let mut ids: Vec<String> = csv_rows(&out)[1..].iter().map(|r| r[0].clone()).collect();
        ids.sort();
        (ids, report.key_fingerprint.unwrap())
    };
    let a = run("a.csv", Some("first export key"));
    let a2 = run("a2.csv", Some("first export key"));
    let b = run("b.csv", Some("second export key"));
    let s = run("s.csv", None);
    let s2 = run("s2.csv", None);
    assert_eq!(a, a2);
    assert_eq!(s, s2, "the store's own key is kept");
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
    assert_ne!(a.0, s.0);
    assert_eq!(a.0.len(), 17);
    let mut unique = a.0.clone();
    unique.dedup();
    assert_eq!(unique.len(), 17);
}
