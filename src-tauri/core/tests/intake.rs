//! Bulk intake of persons from spreadsheets (issue 9): real CSV and XLSX files, read,
//! validated by the core's own rules, imported in batches, and imported again without
//! making anyone twice.

mod common;

use common::{batches, store};
use nansen_core::api::{IntakeReport, ListQuery, Mapping, RecordSummary};
use nansen_core::domain::Kind;
use nansen_core::fault::{self, Fault};
use nansen_core::Nansen;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Every person in the store whose name or alias matches `q` (all of them with `None`).
fn persons(n: &Nansen, q: Option<&str>) -> Vec<RecordSummary> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = n
            .list(
                Kind::Person,
                &ListQuery {
                    q: q.map(str::to_string),
                    limit: Some(1000),
                    after: after.clone(),
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

fn name_text(p: &RecordSummary) -> &str {
    p.fields["name"]["text"].as_str().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// (line, field, reason) of every reason of every refused row.
fn refusals(report: &IntakeReport) -> Vec<(u64, Option<String>, String)> {
    report
        .refused
        .iter()
        .flat_map(|r| {
            r.reasons
                .iter()
                .map(|why| (r.line, why.field.clone(), why.message.reason.clone()))
        })
        .collect()
}

fn import(n: &mut Nansen, file: &Path) -> IntakeReport {
    n.intake_persons(file, None, &mut |_| {}).expect("import")
}

/// A list as monitors keep it: Russian headers, Cyrillic and Latin names, several
/// spellings in one cell, two identical rows (two people who happen to look alike on
/// paper), a group, and rows with mistakes.
const PEOPLE: &str = "\u{feff}Имя,Другое написание,Пол,Дата рождения,camp_id,Документы,Группа
Азиз Каримов,Aziz Karimov@uz-Latn; Karimov A.,male,1975~,B-117,passport:AB123,29 taken to Osh
Dilnoza Yusupova,Дильноза Юсупова,Женский,1982-03,B-118,Паспорт:CD456,
Бахтиёр Рахимов,Bakhtiyor Rakhimov,male,2005-02-30,B-119,,
Rustam Nazarov,,robot,1990,B-120,,
,Nobody Known,male,1970,B-121,,

Umida Saidova,,female,1990,,,
Umida Saidova,,female,1990,,,
Shavkat Aliev,,male,1960,B-122,,No such group
";

#[test]
fn a_csv_list_is_imported_with_its_bad_rows_refused_by_line_and_a_second_import_adds_nobody() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("osh"), "Osh", false);
    let group = n
        .add(Kind::Group, &json!({"name": "29 taken to Osh"}))
        .unwrap();
    let file = write(tmp.path(), "people.csv", PEOPLE);

    let preview = n.intake_preview(&file, None).unwrap();
    assert_eq!((preview.rows, preview.to_import), (8, 4));
    assert!(persons(&n, None).is_empty(), "a preview writes nothing");

    let report = import(&mut n, &file);
    assert_eq!(
        (
            report.rows,
            report.imported,
            report.already_present,
            report.refused_count
        ),
        (8, 4, 0, 4)
    );
    assert_eq!(
        refusals(&report),
        vec![
            (4, Some("birth_date".into()), "no_such_day".into()),
            (5, Some("sex".into()), "unknown_term".into()),
            (6, Some("name".into()), "field_required".into()),
            (10, Some("group".into()), "no_such_group".into()),
        ]
    );
    let bad_date = &report.refused[0].reasons[0];
    assert_eq!(bad_date.column.as_deref(), Some("Дата рождения"));
    assert_eq!(bad_date.message.params["value"], "2005-02-30");

    // Nothing of the refused rows was written; the rest are findable by any spelling.
    let all = persons(&n, None);
    assert_eq!(all.len(), 4);
    for refused in ["Рахимов", "Nazarov", "Nobody", "Aliev"] {
        assert!(persons(&n, Some(refused)).is_empty(), "{refused}");
    }
    let aziz = persons(&n, Some("Karimov"));
    assert_eq!(aziz.len(), 1);
    let view = n.get(Kind::Person, aziz[0].id.parse().unwrap()).unwrap();
    assert_eq!(
        view.fields["name"],
        json!({"text": "Азиз Каримов", "lang": "und-Cyrl"})
    );
    assert_eq!(view.fields["birth_date"], json!("1975~"));
    assert_eq!(view.fields["confidentiality"], json!("restricted"));
    let mut aliases = view.links["aliases"].clone();
    aliases.sort_by_key(|a| a["text"].as_str().unwrap().to_string());
    assert_eq!(
        aliases,
        vec![
            json!({"text": "Aziz Karimov", "lang": "uz-Latn"}),
            json!({"text": "Karimov A.", "lang": "und-Latn"}),
        ]
    );
    let mut identifiers = view.links["identifiers"].clone();
    identifiers.sort_by_key(|i| i["type"].as_str().unwrap().to_string());
    assert_eq!(
        identifiers,
        vec![
            json!({"type": "camp_id", "value": "B-117"}),
            json!({"type": "passport", "value": "AB123"}),
        ]
    );
    let members = n.get(Kind::Group, group).unwrap().links["members"].clone();
    assert_eq!(members, vec![json!({"person": aziz[0].id})]);
    let dilnoza = &persons(&n, Some("Юсупова"))[0];
    assert_eq!(
        dilnoza.fields["sex"],
        json!("female"),
        "a label names its term"
    );
    assert_eq!(
        persons(&n, Some("Umida Saidova")).len(),
        2,
        "identical rows are two persons"
    );

    // The same file again: everyone is there already, and the store does not change.
    let digest = n.digest().unwrap();
    let again = import(&mut n, &file);
    assert_eq!(
        (
            again.rows,
            again.imported,
            again.already_present,
            again.refused_count
        ),
        (8, 0, 4, 4)
    );
    assert_eq!(again.changes, 0);
    assert_eq!(n.digest().unwrap(), digest);
    assert_eq!(persons(&n, None).len(), 4);
}

#[test]
fn an_xlsx_workbook_is_read_with_its_dates_and_numbers_and_a_named_sheet() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("osh"), "Osh", false);
    let path = tmp.path().join("people.xlsx");
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("Persons").unwrap();
    for (col, header) in [
        "Name",
        "Sex",
        "Date of birth",
        "Passport",
        "Camp ID",
        "Comment",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "Азиз Каримов@uz-Cyrl").unwrap();
    sheet.write_string(1, 1, "male").unwrap();
    let born = ExcelDateTime::from_ymd(1975, 5, 13).unwrap();
    sheet
        .write_datetime_with_format(1, 2, &born, &date)
        .unwrap();
    sheet.write_string(1, 3, "AB123").unwrap();
    sheet.write_number(1, 4, 117).unwrap();
    sheet.write_string(1, 5, "met in Osh").unwrap();
    sheet.write_string(2, 0, "Rustam Nazarov").unwrap();
    sheet.write_string(2, 1, "robot").unwrap();
    sheet.write_string(3, 1, "female").unwrap();
    sheet.write_number(3, 2, 1980).unwrap();
    sheet.write_string(4, 0, "Dilnoza Yusupova").unwrap();
    sheet.write_string(4, 2, "2005-02-30").unwrap();
    sheet.write_string(5, 0, "Umida Saidova").unwrap();
    sheet.write_string(5, 1, "Female").unwrap();
    sheet.write_number(5, 2, 1990).unwrap();
    // Row 7 is left blank.
    sheet.write_string(7, 0, "Shavkat Aliev").unwrap();
    let later = book.add_worksheet();
    later.set_name("Later").unwrap();
    later.write_string(0, 0, "ФИО").unwrap();
    later.write_string(0, 1, "Пол").unwrap();
    later.write_string(1, 0, "Бахтиёр Рахимов").unwrap();
    later.write_string(1, 1, "мужской").unwrap();
    book.save(&path).unwrap();

    let report = import(&mut n, &path);
    assert_eq!(report.sheet.as_deref(), Some("Persons"));
    assert_eq!(
        (report.rows, report.imported, report.refused_count),
        (6, 3, 3)
    );
    assert_eq!(
        refusals(&report),
        vec![
            (3, Some("sex".into()), "unknown_term".into()),
            (4, Some("name".into()), "field_required".into()),
            (5, Some("birth_date".into()), "no_such_day".into()),
        ]
    );
    let aziz = &persons(&n, Some("Karimov"))[0];
    assert_eq!(
        aziz.fields["name"],
        json!({"text": "Азиз Каримов", "lang": "uz-Cyrl"})
    );
    assert_eq!(
        aziz.fields["birth_date"],
        json!("1975-05-13"),
        "a date cell"
    );
    assert_eq!(aziz.fields["notes"], json!("met in Osh"));
    let view = n.get(Kind::Person, aziz.id.parse().unwrap()).unwrap();
    assert!(view.links["identifiers"].contains(&json!({"type": "camp_id", "value": "117"})));
    assert!(view.links["identifiers"].contains(&json!({"type": "passport", "value": "AB123"})));
    assert_eq!(
        persons(&n, Some("Saidova"))[0].fields["birth_date"],
        json!("1990")
    );
    assert_eq!(persons(&n, Some("Aliev")).len(), 1);

    let again = import(&mut n, &path);
    assert_eq!((again.imported, again.already_present), (0, 3));

    let named = Mapping {
        sheet: Some("Later".into()),
        columns: vec![],
    };
    let later = n.intake_persons(&path, Some(named), &mut |_| {}).unwrap();
    assert_eq!((later.rows, later.imported), (1, 1));
    let bakhtiyor = &persons(&n, Some("Rakhimov"))[0];
    assert_eq!(bakhtiyor.fields["sex"], json!("male"));
    assert_eq!(persons(&n, None).len(), 4);
}

/// `rows` rows, every `bad_every`-th one refused for an impossible birth date; and how
/// many are valid.
fn numbered_list(rows: usize, bad_every: usize) -> (String, usize) {
    let mut text = String::from("name,birth_date,camp_id\n");
    let mut valid = 0;
    for i in 1..=rows {
        let born = if i.is_multiple_of(bad_every) {
            "1980-13"
        } else {
            "1980"
        };
        valid += usize::from(!i.is_multiple_of(bad_every));
        text.push_str(&format!("Person {i},{born},C-{i}\n"));
    }
    (text, valid)
}

#[test]
fn an_import_interrupted_keeps_what_was_committed_and_running_it_again_finishes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("osh"), "Osh", false);
    // Rows 7, 14 and 21 are refused. Changes of 5 rows, committed once they hold 8 new
    // persons: rows 1-10 (9 new) are the first commit, rows 11-20 would be the second.
    let (text, valid) = numbered_list(25, 7);
    let file = write(tmp.path(), "people.csv", &text);
    let before = n.info().unwrap().sequence;

    // The disk fills up (or the power goes) while rows 16-20 are written, after rows
    // 11-15 were written but not yet committed.
    let interrupted = n.intake_persons_in_batches(&file, None, batches(5, 8), &mut |p| {
        if p.done == 15 {
            fault::arm(1, Fault::Error);
        }
    });
    fault::disarm();
    assert_eq!(interrupted.unwrap_err().code(), "injected_fault");
    let first_commit = (1..=10).filter(|i: &usize| !i.is_multiple_of(7)).count();
    assert_eq!(
        persons(&n, None).len(),
        first_commit,
        "whole commits or nothing: the change not yet committed is gone too"
    );
    assert_eq!(
        n.info().unwrap().sequence,
        before + 2,
        "the first commit's two changes"
    );

    let report = n
        .intake_persons_in_batches(&file, None, batches(5, 8), &mut |_| {})
        .unwrap();
    assert_eq!(report.already_present as usize, first_commit);
    assert_eq!(report.imported as usize, valid - first_commit);
    assert_eq!(report.refused_count, 3);
    let mut names: Vec<String> = persons(&n, None)
        .iter()
        .map(|p| name_text(p).to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = (1..=25)
        .filter(|i: &usize| !i.is_multiple_of(7))
        .map(|i| format!("Person {i}"))
        .collect();
    expected.sort();
    assert_eq!(names, expected, "every valid row exactly once");
    assert_eq!(report.changes, 3, "the three changes not committed before");
}

/// A row from small sets of valid and invalid values, so that rows repeat.
fn row() -> impl Strategy<Value = [&'static str; 4]> {
    (
        prop::sample::select(vec!["Азиз Каримов", "Aziz Karimov", "Дильноза", ""]),
        prop::sample::select(vec!["", "male", "Female", "Женский", "robot"]),
        prop::sample::select(vec![
            "",
            "1975",
            "1975~",
            "2005-06",
            "2005-02-30",
            "13.05.1975",
        ]),
        prop::sample::select(vec!["", "B-1", "B-2"]),
    )
        .prop_map(|(name, sex, born, camp)| [name, sex, born, camp])
}

fn is_valid(row: &[&str; 4]) -> bool {
    let [name, sex, born, _] = row;
    !name.is_empty() && *sex != "robot" && !["2005-02-30", "13.05.1975"].contains(born)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn every_row_is_counted_once_and_importing_twice_is_importing_once(
        rows in prop::collection::vec(row(), 0..40),
        change_rows in 1usize..12,
        commit_rows in 1usize..30,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let mut n = store(&tmp.path().join("s"), "Osh", false);
        let mut text = String::from("name,sex,birth_date,camp_id\n");
        for r in &rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        let file = write(tmp.path(), "rows.csv", &text);
        let listed: Vec<&[&str; 4]> = rows.iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
        let valid = listed.iter().filter(|r| is_valid(r)).count() as u64;

        let first = n.intake_persons_in_batches(&file, None, batches(change_rows, commit_rows), &mut |_| {}).unwrap();
        prop_assert_eq!(first.rows, listed.len() as u64);
        prop_assert_eq!(first.imported + first.refused_count + first.already_present, first.rows);
        prop_assert_eq!((first.imported, first.already_present), (valid, 0));
        prop_assert_eq!(persons(&n, None).len() as u64, valid);
        let once = n.digest().unwrap();

        let second = n.intake_persons_in_batches(&file, None, batches(change_rows, commit_rows), &mut |_| {}).unwrap();
        prop_assert_eq!(second.imported + second.refused_count + second.already_present, second.rows);
        prop_assert_eq!((second.imported, second.already_present), (0, valid));
        prop_assert_eq!(second.refused_count, first.refused_count);
        prop_assert_eq!(n.digest().unwrap(), once);
        let preview = n.intake_preview(&file, None).unwrap();
        prop_assert_eq!((preview.to_import, preview.already_present), (0, valid));
    }
}

#[test]
fn a_file_that_cannot_be_used_is_an_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("osh"), "Osh", false);
    let missing = tmp.path().join("missing.csv");
    assert_eq!(import_error(&mut n, &missing, None), "io");
    let no_names = write(tmp.path(), "ids.csv", "passport,sex\nAB1,male\n");
    assert_eq!(import_error(&mut n, &no_names, None), "no_name_column");
    let mapping: Mapping = serde_json::from_value(json!({
        "columns": [{"column": "passport", "target": {"field": "name"}},
                    {"column": 7, "target": {"field": "sex"}}]
    }))
    .unwrap();
    assert_eq!(
        import_error(&mut n, &no_names, Some(mapping)),
        "no_such_column"
    );
    let mapping: Mapping = serde_json::from_value(json!({
        "columns": [{"column": "passport", "target": {"field": "name"}}]
    }))
    .unwrap();
    let report = n
        .intake_persons(&no_names, Some(mapping), &mut |_| {})
        .unwrap();
    assert_eq!(report.imported, 1, "a mapping names the column of names");
    assert_eq!(persons(&n, None).len(), 1);
    let bad: Value =
        json!({"sheet": null, "columns": [{"column": 1, "target": {"field": "colour"}}]});
    assert!(serde_json::from_value::<Mapping>(bad).is_err());
}

fn import_error(n: &mut Nansen, file: &Path, mapping: Option<Mapping>) -> String {
    let e = n.intake_persons(file, mapping, &mut |_| {}).unwrap_err();
    match e.code() {
        "io" => "io".into(),
        _ => e.message().reason,
    }
}
