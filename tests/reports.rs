//! `nansen report situation` and `nansen report sheet`, run as a user would: the real
//! binary on a store holding the sample data (the seed).

use nansen_tests::Store;
use serde_json::Value;
use std::process::Command;

fn demo() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::new(tmp.path(), "osh");
    s.ok(&["init", "--office", "Osh"]);
    s.ok(&["demo"]);
    (tmp, s)
}

/// Every figure of a `--json` summary: (value, what it counts, its records, its
/// sources' reliabilities).
fn figures(v: &Value) -> Vec<(u64, String, Vec<String>, Vec<String>)> {
    let sources = v["sources"].as_array().unwrap();
    let mut out = Vec::new();
    for p in v["paragraphs"].as_array().unwrap() {
        for s in p["sentences"].as_array().unwrap() {
            for f in s["figures"].as_array().unwrap() {
                let records = f["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        format!(
                            "{}:{}",
                            r["kind"].as_str().unwrap(),
                            r["label"].as_str().unwrap()
                        )
                    })
                    .collect();
                let reliability = f["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| {
                        sources[n.as_u64().unwrap() as usize - 1]["reliability"]
                            .as_str()
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect();
                out.push((
                    f["value"].as_u64().unwrap(),
                    f["counts"].as_str().unwrap().to_string(),
                    records,
                    reliability,
                ));
            }
        }
    }
    out
}

#[test]
fn the_situation_summary_states_the_seeds_figures_in_both_languages() {
    let (_t, s) = demo();
    let en = s.ok(&["report", "situation"]);
    for said in [
        "103\u{a0}asylum-seekers",
        "29\u{a0}asylum-seekers were detained",
        "4\u{a0}asylum-seekers were forcibly returned",
        "UNHCR assessment pending for 29",
    ] {
        assert!(en.contains(said), "{said}:\n{en}");
    }
    let ru = s.ok(&["report", "situation", "--lang", "ru"]);
    for said in [
        "103\u{a0}просителей убежища",
        "29\u{a0}просителей убежища были задержаны",
        "4\u{a0}просителя убежища были принудительно возвращены",
        "Источники",
    ] {
        assert!(ru.contains(said), "{said}:\n{ru}");
    }
    for lang in ["en", "ru"] {
        let v = s.json(&["report", "situation", "--lang", lang]);
        let figures = figures(&v);
        for (value, group) in [
            (103, "group:List of 103"),
            (29, "group:29 taken"),
            (4, "group:Four men"),
        ] {
            let (_, _, records, reliability) = figures
                .iter()
                .find(|(n, counts, records, _)| {
                    *n == value
                        && counts == "persons"
                        && records.iter().any(|r| r.starts_with(group))
                })
                .unwrap_or_else(|| panic!("{lang}: no figure {value} from {group}: {figures:?}"));
            assert!(
                records.iter().any(|r| r.starts_with("event:")),
                "{records:?}"
            );
            assert!(
                reliability.contains(&"usually_reliable".to_string()),
                "{reliability:?}"
            );
        }
    }
    // As of a day before the returns, there were none.
    let early = s.ok(&["report", "situation", "--as-of", "2005-06-04"]);
    assert!(!early.contains("forcibly returned"), "{early}");
    let (code, err) = s.fails(&["report", "situation", "--as-of", "June 2005"]);
    assert_eq!(code, 1);
    assert!(err.contains("is not a day"), "{err}");
}

#[test]
fn the_urgent_action_sheet_is_written_once_and_read_back_with_pdftotext() {
    let (t, s) = demo();
    let list = s.json(&["person", "list", "--q", "Jamshid"]);
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let pdf = t.path().join("ua.pdf");
    let path = pdf.to_str().unwrap();
    let out = s.ok(&["report", "sheet", &id, "--out", path, "--lang", "ru"]);
    assert!(out.contains("wrote"), "{out}");
    let text = Command::new("pdftotext")
        .args(["-layout", path, "-"])
        .output()
        .expect("pdftotext (poppler-utils): `make deps`");
    let text = String::from_utf8(text.stdout).unwrap();
    for said in [
        "СРОЧНАЯ АКЦИЯ",
        "Жамшид Раҳимов",
        "Джамшид Рахимов",
        "Jamshid Rahimov",
        "12 из 29",
    ] {
        assert!(text.contains(said), "{said}:\n{text}");
    }
    let (code, err) = s.fails(&["report", "sheet", &id, "--out", path]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    let v = s.json(&["report", "sheet", &id, "--out", path, "--overwrite"]);
    assert_eq!(v["lang"], "en");
    assert!(v["pages"].as_u64().unwrap() <= 2);
}
