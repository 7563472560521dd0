//! `nansen report export`, `nansen audit --exports` and `nansen deadlines` through the
//! real binary, on the sample data.

use nansen_tests::Store;
use serde_json::Value;

fn demo() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::new(tmp.path(), "hq");
    s.ok(&["init", "--office", "HQ", "--hq"]);
    s.ok(&["demo"]);
    (tmp, s)
}

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn exports_are_written_refused_confirmed_and_logged_through_the_cli() {
    let (tmp, s) = demo();
    let out = |name: &str| tmp.path().join(name).to_string_lossy().to_string();

    let persons = out("persons.csv");
    let report = s.json(&[
        "report",
        "export",
        "--kind",
        "person",
        "--profile",
        "named",
        "--format",
        "csv",
        "--out",
        &persons,
    ]);
    assert_eq!(report["records"], 17);
    assert_eq!(report["profile"], "named");
    let rows = lines(tmp.path().join("persons.csv").as_path());
    assert_eq!(rows.len(), 18);
    assert!(rows[0].starts_with("id,name,name_lang,aliases"));
    assert!(rows.iter().any(|r| r.contains("Азиз Каримов")));

    // Never over an existing file, unless told.
    let (code, err) = s.fails(&[
        "report",
        "export",
        "--kind",
        "person",
        "--profile",
        "named",
        "--format",
        "csv",
        "--out",
        &persons,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("exists already"), "{err}");
    s.ok(&[
        "report",
        "export",
        "--kind",
        "person",
        "--profile",
        "named",
        "--format",
        "csv",
        "--out",
        &persons,
        "--overwrite",
    ]);

    // A strictly confidential person: listed with its label, refused, then confirmed.
    let aziz = rows
        .iter()
        .find(|r| r.contains("Азиз Каримов"))
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    s.ok(&[
        "person",
        "edit",
        &aziz,
        "--confidentiality",
        "strictly_confidential",
    ]);
    let pseudo = out("pseudonymised.xlsx");
    let args = [
        "report",
        "export",
        "--kind",
        "person",
        "--profile",
        "pseudonymised",
        "--format",
        "xlsx",
        "--out",
        &pseudo,
        "--key",
        "a key for the lawyers",
    ];
    let (code, err) = s.fails(&args);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("--confirm {aziz}")), "{err}");
    assert!(
        err.contains("Азиз Каримов"),
        "the label helps decide: {err}"
    );
    assert!(!tmp.path().join("pseudonymised.xlsx").exists());
    let mut confirmed = args.to_vec();
    confirmed.extend(["--confirm", &aziz]);
    let report = s.json(&confirmed);
    assert_eq!(report["confirmed"][0].as_str(), Some(aziz.as_str()));
    assert_eq!(report["key"], "given");
    let xlsx = std::fs::read(tmp.path().join("pseudonymised.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");

    // The aggregate table needs no confirmation.
    let table = out("table.csv");
    let report = s.json(&[
        "report",
        "export",
        "--kind",
        "aggregate",
        "--profile",
        "aggregate",
        "--format",
        "hxl",
        "--out",
        &table,
        "--k",
        "3",
        "--level",
        "country",
    ]);
    assert_eq!(report["k"], 3);
    let rows = lines(tmp.path().join("table.csv").as_path());
    assert!(rows[1].starts_with("#country+name,#status+protection,#affected+f,#affected+m"));

    // Mismatched requests are usage errors of the core, nothing written.
    let (_, err) = s.fails(&[
        "report",
        "export",
        "--kind",
        "event",
        "--profile",
        "named",
        "--format",
        "hxl",
        "--out",
        &out("never.csv"),
    ]);
    assert!(err.contains("HXL is for aggregate tables"), "{err}");
    let (code, _) = s.fails(&[
        "report",
        "export",
        "--kind",
        "people",
        "--profile",
        "named",
        "--format",
        "csv",
        "--out",
        &out("never.csv"),
    ]);
    assert_eq!(code, 2, "clap refuses an unknown kind");
    assert!(!tmp.path().join("never.csv").exists());

    // The log: four exports, newest first, none of the refusals.
    let log = s.json(&["audit", "--exports"]);
    assert_eq!(log["total"], 4);
    let items = log["items"].as_array().unwrap();
    assert_eq!(items[0]["kind"], "aggregate");
    assert_eq!(items[1]["profile"], "pseudonymised");
    assert_eq!(items[1]["records"], 17);
    assert_eq!(items[1]["file"], Value::String(pseudo.clone()));
    assert_eq!(items[3]["author"], "monitor");
    let text = s.ok(&["audit", "--exports"]);
    assert!(
        text.contains("person pseudonymised as xlsx, 17 records"),
        "{text}"
    );
}

#[test]
fn deadlines_lists_overdue_and_upcoming_interventions() {
    let (_tmp, s) = demo();
    let d = s.json(&["deadlines", "--as-of", "2005-06-20"]);
    assert_eq!(d["as_of"], "2005-06-20");
    assert_eq!(d["overdue"].as_array().unwrap().len(), 1);
    assert_eq!(d["upcoming"].as_array().unwrap().len(), 1);
    assert_eq!(d["overdue"][0]["days_left"], -2);
    let concerns = d["upcoming"][0]["concerns"].as_array().unwrap();
    assert!(concerns
        .iter()
        .any(|c| c["kind"] == "group" && c["label"] == "29 taken to the Osh detention centre"));
    let text = s.ok(&["deadlines", "--as-of", "2005-06-20"]);
    assert!(text.contains("2 days overdue"), "{text}");
    assert!(text.contains("due in 4 days"), "{text}");
    // Today, every sample deadline is long past.
    let today = s.json(&["deadlines"]);
    assert_eq!(today["overdue"].as_array().unwrap().len(), 2);
    let (code, err) = s.fails(&["deadlines", "--as-of", "2005-06"]);
    assert_eq!(code, 1);
    assert!(err.contains("a day (YYYY-MM-DD)"), "{err}");
}
