//! Data exports (issue 11) on the sample data: files read back by an independent
//! reader (openpyxl), pseudonymised exports searched for every name and free text of
//! every record, strictly confidential records held back until confirmed, the export
//! log, and deadlines.

mod common;

use common::store;
use nansen_core::api::{
    DataExportReport, DataExportRequest, ExportFormat, ExportKind, ExportProfile, ListQuery,
    PageQuery,
};
use nansen_core::domain::Kind;
use nansen_core::Nansen;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn demo() -> (tempfile::TempDir, Nansen) {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("hq"), "HQ", true);
    n.load_demo().unwrap();
    (tmp, n)
}

fn request(
    kind: ExportKind,
    profile: ExportProfile,
    format: ExportFormat,
    out: &Path,
) -> DataExportRequest {
    serde_json::from_value(json!({
        "kind": kind, "profile": profile, "format": format, "out": out,
    }))
    .unwrap()
}

fn export(n: &mut Nansen, req: &DataExportRequest) -> DataExportReport {
    n.export_data(req).unwrap_or_else(|e| panic!("export: {e}"))
}

/// Every live record of a kind.
fn all(n: &Nansen, kind: Kind) -> Vec<nansen_core::api::RecordSummary> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = n
            .list(
                kind,
                &ListQuery {
                    limit: Some(1000),
                    after: after.take(),
                    ..ListQuery::default()
                },
            )
            .unwrap();
        out.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

/// An interpreter with openpyxl: NANSEN_PYTHON (`make test-rust`), else the
/// workspace's test venv (`make py-deps`), else python3.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NANSEN_PYTHON") {
        return p.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/py/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

/// The workbook's first sheet as openpyxl reads it: rows of cells, `null` for empty.
fn openpyxl_rows(path: &Path) -> Vec<Vec<Value>> {
    let script = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
print(json.dumps([list(r) for r in ws.iter_rows(values_only=True)], ensure_ascii=False))
"#;
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("run python (make py-deps installs openpyxl into target/py)");
    assert!(
        out.status.success(),
        "openpyxl could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn a_named_xlsx_of_persons_reads_back_in_openpyxl_with_its_headers_rows_and_cyrillic() {
    let (tmp, mut n) = demo();
    let out = tmp.path().join("persons.xlsx");
    let report = export(
        &mut n,
        &request(
            ExportKind::Person,
            ExportProfile::Named,
            ExportFormat::Xlsx,
            &out,
        ),
    );
    assert_eq!(report.records, 17);
    let rows = openpyxl_rows(&out);
    assert_eq!(rows.len(), 1 + 17, "a header and one row per person");
    let header: Vec<&str> = rows[0].iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(&header[..4], &["id", "name", "name_lang", "aliases"]);
    assert!(header.contains(&"identifiers") && header.contains(&"protection_status"));
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let names: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r[col("name")].as_str().unwrap())
        .collect();
    for cyrillic in [
        "Азиз Каримов",
        "Баҳтиёр Юсупов",
        "Улуғбек Исмоилов",
        "Санжар Ғуломов",
    ] {
        assert!(names.contains(&cyrillic), "{cyrillic} in {names:?}");
    }
    let aziz = rows
        .iter()
        .find(|r| r[col("name")] == json!("Азиз Каримов"))
        .unwrap();
    assert_eq!(aziz[col("aliases")], json!("Aziz Karimov [uz-Latn]"));
    assert_eq!(aziz[col("identifiers")], json!("camp_id: A-101"));
    assert_eq!(aziz[col("sex")], json!("male"));
    assert_eq!(aziz[col("protection_status")], json!("at_risk"));
    assert_eq!(aziz[col("origin")], json!("Andijan"));
    // Events too, with their victims and places by name.
    let out = tmp.path().join("events.xlsx");
    export(
        &mut n,
        &request(
            ExportKind::Event,
            ExportProfile::Named,
            ExportFormat::Xlsx,
            &out,
        ),
    );
    let rows = openpyxl_rows(&out);
    assert_eq!(rows.len(), 1 + 5);
    assert!(rows
        .iter()
        .any(|r| r.contains(&json!("29 taken to the Osh detention centre"))));
}

/// Every name, alias, identifier and free text of every record (places apart, whose
/// names the pseudonymised profile keeps), and every record id.
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

#[test]
fn strictly_confidential_records_are_refused_unless_confirmed_one_by_one() {
    let (tmp, mut n) = demo();
    let persons = all(&n, Kind::Person);
    let aziz = persons
        .iter()
        .find(|p| p.label == "Азиз Каримов")
        .unwrap()
        .id
        .clone();
    let nodira = persons
        .iter()
        .find(|p| p.label == "Нодира Каримова")
        .unwrap()
        .id
        .clone();
    for id in [&aziz, &nodira] {
        n.edit(
            Kind::Person,
            id.parse().unwrap(),
            &json!({"confidentiality": "strictly_confidential"}),
        )
        .unwrap();
    }
    let listed: Vec<String> = n
        .export_confidential(ExportKind::Person)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&aziz) && listed.contains(&nodira));

    for profile in [ExportProfile::Named, ExportProfile::Pseudonymised] {
        let out = tmp.path().join(format!("{profile}.csv"));
        let mut req = request(ExportKind::Person, profile, ExportFormat::Csv, &out);
        req.confirmed = vec![aziz.clone()];
        let err = n.export_data(&req).unwrap_err();
        let msg = err.message();
        assert_eq!(msg.reason, "export_needs_confirmation");
        assert_eq!(msg.params["count"], "1", "Aziz is confirmed, Nodira is not");
        assert!(msg.params["ids"].contains(&nodira) && !msg.params["ids"].contains(&aziz));
        assert!(!out.exists(), "a refused export leaves no file");
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");

        req.confirmed = vec![nodira.clone(), aziz.clone()];
        let report = export(&mut n, &req);
        assert_eq!(report.records, 17);
        let mut confirmed = report.confirmed.clone();
        confirmed.sort();
        let mut both = vec![aziz.clone(), nodira.clone()];
        both.sort();
        assert_eq!(confirmed, both);
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            text.contains("Нодира Каримова"),
            profile == ExportProfile::Named
        );
    }
    // Counts need no confirmation.
    let out = tmp.path().join("table.hxl.csv");
    export(
        &mut n,
        &request(
            ExportKind::Aggregate,
            ExportProfile::Aggregate,
            ExportFormat::Hxl,
            &out,
        ),
    );
    // Only 2 log entries for persons, none for the refusals.
    let log = n.export_log(&PageQuery::default()).unwrap();
    assert_eq!(log.total, 3);
    assert_eq!(log.items[0].kind, Some(ExportKind::Aggregate));
    assert_eq!(log.items[1].confirmed.len(), 2);
}

#[test]
fn a_named_event_export_withholds_a_strictly_confidential_source_it_only_refers_to() {
    let (tmp, mut n) = demo();
    let testimony = all(&n, Kind::Source)
        .into_iter()
        .find(|s| s.label.starts_with("Testimony"))
        .unwrap();
    let out = tmp.path().join("events.csv");
    export(
        &mut n,
        &request(
            ExportKind::Event,
            ExportProfile::Named,
            ExportFormat::Csv,
            &out,
        ),
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains(&testimony.label));
    assert!(text.contains("(strictly confidential)"));
    assert!(text
        .contains("Kyrgyzstan: More asylum-seekers at risk of forcible return (usually_reliable)"));
    let mut req = request(
        ExportKind::Event,
        ExportProfile::Named,
        ExportFormat::Csv,
        &out,
    );
    req.overwrite = true;
    req.confirmed = vec![testimony.id.clone()];
    export(&mut n, &req);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains(&testimony.label));
}

#[test]
fn an_existing_file_is_never_overwritten_unless_asked_and_every_export_is_logged() {
    let (tmp, mut n) = demo();
    let out = tmp.path().join("persons.csv");
    std::fs::write(&out, "keep me").unwrap();
    let req = request(
        ExportKind::Person,
        ExportProfile::Named,
        ExportFormat::Csv,
        &out,
    );
    let err = n.export_data(&req).unwrap_err();
    assert_eq!(err.message().reason, "will_not_overwrite");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let mut req = req;
    req.overwrite = true;
    let report = export(&mut n, &req);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 18);
    assert_eq!(report.bytes, std::fs::metadata(&out).unwrap().len());
    // A named CSV starts with a byte-order mark so that spreadsheets read Cyrillic.
    assert!(std::fs::read(&out)
        .unwrap()
        .starts_with("\u{feff}id,".as_bytes()));
    let log = n.export_log(&PageQuery::default()).unwrap();
    assert_eq!(log.total, 1);
    let e = &log.items[0];
    assert_eq!((e.id, e.records, e.bytes), (report.id, 17, report.bytes));
    assert_eq!(e.author, "monitor of HQ");
    assert_eq!(e.office, "HQ");
    assert_eq!(e.profile, Some(ExportProfile::Named));
    assert_eq!(e.format, Some(ExportFormat::Csv));
    assert_eq!(e.file, out.to_string_lossy());
    // Mismatched requests are refused before anything is written.
    for (kind, profile, format) in [
        (
            ExportKind::Person,
            ExportProfile::Aggregate,
            ExportFormat::Csv,
        ),
        (
            ExportKind::Aggregate,
            ExportProfile::Named,
            ExportFormat::Hxl,
        ),
        (ExportKind::Event, ExportProfile::Named, ExportFormat::Hxl),
    ] {
        let out = tmp.path().join("never.csv");
        assert!(n
            .export_data(&request(kind, profile, format, &out))
            .is_err());
        assert!(!out.exists());
    }
    assert_eq!(n.export_log(&PageQuery::default()).unwrap().total, 1);
}

#[test]
fn a_csv_cell_that_a_spreadsheet_would_run_is_written_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("o"), "Osh", false);
    n.add(
        Kind::Person,
        &json!({"name": {"text": "=HYPERLINK(\"http://x\")", "lang": "und"}, "notes": "+1 attack"}),
    )
    .unwrap();
    let out = tmp.path().join("p.csv");
    export(
        &mut n,
        &request(
            ExportKind::Person,
            ExportProfile::Named,
            ExportFormat::Csv,
            &out,
        ),
    );
    let rows = csv_rows(&out);
    assert_eq!(rows[1][1], "'=HYPERLINK(\"http://x\")");
    let notes = rows[0].iter().position(|h| h == "notes").unwrap();
    assert_eq!(rows[1][notes], "'+1 attack");
}

#[test]
fn the_aggregate_table_of_the_sample_data_is_hxl_tagged_and_shows_no_small_cell() {
    let (tmp, mut n) = demo();
    let out = tmp.path().join("table.csv");
    let report = export(
        &mut n,
        &request(
            ExportKind::Aggregate,
            ExportProfile::Aggregate,
            ExportFormat::Hxl,
            &out,
        ),
    );
    assert_eq!(report.records, 17);
    assert_eq!(report.k, Some(5));
    let rows = csv_rows(&out);
    assert_eq!(rows[0][0], "Region");
    assert_eq!(
        rows[1],
        [
            "#adm1+name",
            "#status+protection",
            "#affected+f",
            "#affected+m",
            "#affected+other",
            "#affected+unknown",
            "#affected+total"
        ]
    );
    let data = &rows[2..];
    assert_eq!(data.last().unwrap()[0], "Total");
    assert!(data
        .iter()
        .any(|r| r[0] == "Jalal-Abad Region" && r[1] == "at_risk"));
    let mut shown = 0;
    for r in data {
        for cell in &r[2..] {
            if let Ok(v) = cell.parse::<u64>() {
                assert!(v == 0 || v >= 5, "a cell of {v} is shown: {r:?}");
                shown += 1;
            } else {
                assert_eq!(cell, "", "a suppressed cell is left empty");
            }
        }
    }
    assert!(shown > 0, "{rows:?}");
    assert_eq!(
        report.suppressed_primary.unwrap() + report.suppressed_secondary.unwrap(),
        data.iter()
            .flat_map(|r| &r[2..])
            .filter(|c| c.is_empty())
            .count() as u64
    );
    // At country level, with k = 2, more is shown.
    let out = tmp.path().join("countries.xlsx");
    let mut req = request(
        ExportKind::Aggregate,
        ExportProfile::Aggregate,
        ExportFormat::Xlsx,
        &out,
    );
    req.k = Some(2);
    req.level = Some(nansen_core::api::AggregateLevel::Country);
    export(&mut n, &req);
    let rows = openpyxl_rows(&out);
    assert_eq!(rows[0][0], json!("Country"));
    assert!(rows.iter().any(|r| r[0] == json!("Kyrgyzstan")));
}

#[test]
fn deadlines_list_overdue_and_upcoming_interventions_that_are_not_closed() {
    let (_tmp, mut n) = demo();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let d = n.deadlines_as_of(day("2005-06-20")).unwrap();
    assert_eq!(d.overdue.len(), 1);
    assert_eq!(d.upcoming.len(), 1);
    let unhcr = &d.overdue[0];
    assert!(unhcr.title.starts_with("Ask UNHCR"));
    assert_eq!((unhcr.due_on.as_str(), unhcr.days_left), ("2005-06-18", -2));
    assert_eq!(unhcr.target_label.as_deref(), Some("UNHCR"));
    assert_eq!(unhcr.concerns.len(), 1);
    assert_eq!(
        unhcr.concerns[0].label,
        "29 taken to the Osh detention centre"
    );
    let urgent = &d.upcoming[0];
    assert_eq!(urgent.days_left, 4);
    let labels: Vec<&str> = urgent.concerns.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.contains(&"29 taken to the Osh detention centre"),
        "{labels:?}"
    );
    assert_eq!(urgent.concerns.len(), 2, "a group and an event");
    // Closed, it is no one's deadline; a month-precision due date falls due at the
    // month's end.
    n.edit(
        Kind::Intervention,
        unhcr.id.parse().unwrap(),
        &json!({"status": "closed"}),
    )
    .unwrap();
    n.edit(
        Kind::Intervention,
        urgent.id.parse().unwrap(),
        &json!({"due": "2005-07"}),
    )
    .unwrap();
    let d = n.deadlines_as_of(day("2005-06-25")).unwrap();
    assert!(d.overdue.is_empty() && d.upcoming.is_empty(), "{d:?}");
    let d = n.deadlines_as_of(day("2005-07-30")).unwrap();
    assert_eq!(d.upcoming.len(), 1);
    assert_eq!(d.upcoming[0].due_on, "2005-07-31");
    assert_eq!(
        n.deadlines_as_of(day("2005-08-01")).unwrap().overdue.len(),
        1
    );
}

#[test]
fn an_xlsx_cell_longer_than_a_cell_holds_is_cut_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("o"), "Osh", false);
    n.add(
        Kind::Person,
        &json!({"name": {"text": "Азиз", "lang": "uz-Cyrl"}, "notes": "ж".repeat(40_000)}),
    )
    .unwrap();
    let out = tmp.path().join("p.xlsx");
    let report = export(
        &mut n,
        &request(
            ExportKind::Person,
            ExportProfile::Named,
            ExportFormat::Xlsx,
            &out,
        ),
    );
    assert_eq!(report.truncated_cells, 1);
    let rows = openpyxl_rows(&out);
    let notes = rows[0].iter().position(|h| h == "notes").unwrap();
    let cell = rows[1][notes].as_str().unwrap();
    assert_eq!(cell.chars().count(), 32_767);
    assert!(cell.ends_with('…'));
    // CSV has no such limit.
    let out = tmp.path().join("p.csv");
    let report = export(
        &mut n,
        &request(
            ExportKind::Person,
            ExportProfile::Named,
            ExportFormat::Csv,
            &out,
        ),
    );
    assert_eq!(report.truncated_cells, 0);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains(&"ж".repeat(40_000)));
}

#[test]
fn persons_judged_the_same_are_one_row_that_carries_what_each_record_holds() {
    let (tmp, mut n) = demo();
    let aziz = all(&n, Kind::Person)
        .into_iter()
        .find(|p| p.label == "Азиз Каримов")
        .unwrap();
    let again = n
        .add(
            Kind::Person,
            &json!({"name": {"text": "Aziz Karimov", "lang": "uz-Latn"}, "sex": "male",
                    "identifiers": [{"type": "passport", "value": "AB1234567"}],
                    "confidentiality": "strictly_confidential"}),
        )
        .unwrap();
    n.merge(&[aziz.id.parse().unwrap(), again]).unwrap();
    let listed = n.export_confidential(ExportKind::Person).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let shown = listed[0].id.clone();
    let out = tmp.path().join("p.csv");
    let mut req = request(
        ExportKind::Person,
        ExportProfile::Named,
        ExportFormat::Csv,
        &out,
    );
    assert_eq!(
        n.export_data(&req).unwrap_err().message().reason,
        "export_needs_confirmation",
        "a cluster with a strictly confidential record is strictly confidential"
    );
    req.confirmed = vec![shown.clone()];
    let report = export(&mut n, &req);
    assert_eq!(report.records, 17, "the two records are one person");
    let rows = csv_rows(&out);
    let ids = rows[0].iter().position(|h| h == "identifiers").unwrap();
    let row = rows.iter().find(|r| r[0] == shown).unwrap();
    assert!(
        row[ids].contains("camp_id: A-101") && row[ids].contains("passport: AB1234567"),
        "{row:?}"
    );
    let conf = rows[0].iter().position(|h| h == "confidentiality").unwrap();
    assert_eq!(row[conf], "strictly_confidential");
    // Counted once in the aggregate table too.
    let out = tmp.path().join("t.csv");
    let report = export(
        &mut n,
        &request(
            ExportKind::Aggregate,
            ExportProfile::Aggregate,
            ExportFormat::Hxl,
            &out,
        ),
    );
    assert_eq!(report.records, 17);
}
