//! Data exports (issue 11) on the sample data: files read back by an independent
//! reader (openpyxl), strictly confidential records held back until confirmed, the
//! export log, and persons judged the same exported once.

mod common;

use common::exports::*;
use common::store;
use nansen_core::api::{ExportFormat, ExportKind, ExportProfile, PageQuery};
use nansen_core::domain::Kind;
use serde_json::json;

#[test]
fn a_named_xlsx_of_persons_reads_back_in_openpyxl_with_its_headers_rows_and_cyrillic() {
    let (tmp, mut n) = demo();
    let out = tmp.path().join("persons.xlsx");
    let report = export_as(
        &mut n,
        ExportKind::Person,
        ExportProfile::Named,
        ExportFormat::Xlsx,
        &out,
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
    export_as(
        &mut n,
        ExportKind::Event,
        ExportProfile::Named,
        ExportFormat::Xlsx,
        &out,
    );
    let rows = openpyxl_rows(&out);
    assert_eq!(rows.len(), 1 + 5);
    assert!(rows
        .iter()
        .any(|r| r.contains(&json!("29 taken to the Osh detention centre"))));
}

/// Every name, alias, identifier and free text of every record (places apart, whose
/// names the pseudonymised profile keeps), and every record id.
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
    export_as(
        &mut n,
        ExportKind::Aggregate,
        ExportProfile::Aggregate,
        ExportFormat::Hxl,
        &out,
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
    export_as(
        &mut n,
        ExportKind::Event,
        ExportProfile::Named,
        ExportFormat::Csv,
        &out,
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
    export_as(
        &mut n,
        ExportKind::Person,
        ExportProfile::Named,
        ExportFormat::Csv,
        &out,
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
    let report = export_as(
        &mut n,
        ExportKind::Aggregate,
        ExportProfile::Aggregate,
        ExportFormat::Hxl,
        &out,
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
fn an_xlsx_cell_longer_than_a_cell_holds_is_cut_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("o"), "Osh", false);
    n.add(
        Kind::Person,
        &json!({"name": {"text": "Азиз", "lang": "uz-Cyrl"}, "notes": "ж".repeat(40_000)}),
    )
    .unwrap();
    let out = tmp.path().join("p.xlsx");
    let report = export_as(
        &mut n,
        ExportKind::Person,
        ExportProfile::Named,
        ExportFormat::Xlsx,
        &out,
    );
    assert_eq!(report.truncated_cells, 1);
    let rows = openpyxl_rows(&out);
    let notes = rows[0].iter().position(|h| h == "notes").unwrap();
    let cell = rows[1][notes].as_str().unwrap();
    assert_eq!(cell.chars().count(), 32_767);
    assert!(cell.ends_with('…'));
    // CSV has no such limit.
    let out = tmp.path().join("p.csv");
    let report = export_as(
        &mut n,
        ExportKind::Person,
        ExportProfile::Named,
        ExportFormat::Csv,
        &out,
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
    let report = export_as(
        &mut n,
        ExportKind::Aggregate,
        ExportProfile::Aggregate,
        ExportFormat::Hxl,
        &out,
    );
    assert_eq!(report.records, 17);
}
