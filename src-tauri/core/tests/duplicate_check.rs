//! Checking persons written in bulk for duplicates (issue 9): a spreadsheet intake
//! leaves its persons waiting, and the check finds what comparing each as it landed
//! would have, survives a cut at any statement, and keeps the store tuned for bulk work
//! only while persons wait.

mod common;

use common::{batches, store};
use nansen_core::domain::Kind;
use nansen_core::fault::{self, Fault};
use nansen_core::Nansen;
use serde_json::json;
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A headquarters store and a list of `rows` (`name,birth_date`) beside it.
fn hq_with_list(rows: &[&str]) -> (tempfile::TempDir, Nansen, PathBuf) {
    let text = format!("name,birth_date\n{}\n", rows.join("\n"));
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "people.csv", &text);
    let n = store(&tmp.path().join("hq"), "HQ", true);
    (tmp, n, file)
}

/// Every possible duplicate the store keeps (from the lowest score it keeps), as
/// (id, id, score) in a fixed order.
fn kept_pairs(n: &Nansen) -> Vec<(String, String, String)> {
    let query = nansen_core::api::DuplicateQuery {
        min_score: Some(nansen_core::oplog::derive::STORED_FROM),
        limit: Some(1_000),
        after: None,
    };
    let mut pairs: Vec<(String, String, String)> = n
        .duplicates(&query)
        .unwrap()
        .items
        .into_iter()
        .map(|c| {
            let (a, b) = if c.a.id < c.b.id {
                (c.a.id, c.b.id)
            } else {
                (c.b.id, c.a.id)
            };
            (a, b, format!("{:.6}", c.score))
        })
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn an_intake_in_many_batches_keeps_the_possible_duplicates_that_a_rebuild_finds() {
    // Seven men, each written two or three ways in two scripts, and a sister: with two
    // rows a batch, most pairs span batches, so later batches compare with persons an
    // earlier one wrote (and read from the intake's cache of prepared persons).
    let rows = [
        "Абдуллаев Рустам,1975~",
        "Каримов Азиз Рустамович,1980",
        "Хакимов Шерзод,1990",
        "Rustam Abdullayev,1976",
        "Жўраев Бобур,",
        "Ғуломов Алишер,1969",
        "Karimov Aziz,1980",
        "Khakimov Sherzod,1990",
        "Abdulloev R.,",
        "Juraev Bobur,1985",
        "Қодиров Ильёс,1971",
        "Эргашев Дилшод,",
        "Gulomov Alisher,1969",
        "Kadyrov Ilyos,1971",
        "Ergashev Dilshod,1988",
        "Karimova Aziza,1983",
        "Xakimov Sh.,",
        "Dzhuraev Bobur,",
    ];
    let (_tmp, mut n, file) = hq_with_list(&rows);
    let report = n
        .intake_persons_in_batches(&file, None, batches(2, 2), &mut |_| {})
        .unwrap();
    assert_eq!(report.imported as usize, rows.len());
    assert_eq!(report.changes as usize, rows.len() / 2);
    // Written, not yet compared: no pair is shown until the persons are checked.
    assert_eq!(report.unchecked as usize, rows.len());
    assert!(kept_pairs(&n).is_empty());
    // Checked a few at a time, as the app does between other work, with an edit
    // between two checks: each check is its own transaction.
    let mut steps = 0;
    loop {
        let check = n.check_duplicates(Some(5), &mut |_| {}).unwrap();
        steps += 1;
        if steps == 2 {
            let id = report.created[15]; // Karimova Aziza, born 1983
            n.edit(Kind::Person, id, &json!({"birth_date": "1984"}))
                .unwrap();
        }
        if check.remaining == 0 {
            break;
        }
        assert_eq!(check.checked, 5);
    }
    assert!(steps >= 3, "{steps}");
    assert_eq!(n.duplicates_unchecked().unwrap(), 0);

    let kept = kept_pairs(&n);
    let label = |id: &str| {
        let i = report
            .created
            .iter()
            .position(|c| c.to_string() == id)
            .unwrap();
        rows[i].split(',').next().unwrap()
    };
    let named: Vec<(&str, &str)> = kept.iter().map(|(a, b, _)| (label(a), label(b))).collect();
    for (a, b) in [
        ("Абдуллаев Рустам", "Rustam Abdullayev"),
        ("Абдуллаев Рустам", "Abdulloev R."),
        ("Хакимов Шерзод", "Xakimov Sh."),
        ("Жўраев Бобур", "Dzhuraev Bobur"),
        ("Ғуломов Алишер", "Gulomov Alisher"),
        ("Қодиров Ильёс", "Kadyrov Ilyos"),
        ("Эргашев Дилшод", "Ergashev Dilshod"),
    ] {
        assert!(
            named.contains(&(a, b)) || named.contains(&(b, a)),
            "{a} / {b} kept across batches: {named:?}"
        );
    }
    n.rebuild().unwrap();
    assert_eq!(
        kept_pairs(&n),
        kept,
        "what the batches kept is what a rebuild finds"
    );
}

#[test]
fn a_duplicate_check_cut_short_at_any_statement_changes_nothing_and_can_be_run_again() {
    let rows = [
        "Абдуллаев Рустам,1975~",
        "Rustam Abdullayev,1976",
        "Abdulloev R.,",
        "Хакимов Шерзод,1990",
        "Khakimov Sherzod,1990",
        "Xakimov Sh.,",
    ];
    let (_tmp, mut n, file) = hq_with_list(&rows);
    // Half of them compared as they were written, half waiting.
    n.intake_persons(&file, None, &mut |_| {}).unwrap();
    n.check_duplicates(Some(3), &mut |_| {}).unwrap();
    let before = common::derived_dump(&n);
    assert_eq!(n.duplicates_unchecked().unwrap(), 3);
    let mut at = 1;
    loop {
        fault::arm(at, Fault::Error);
        let check = n.check_duplicates(None, &mut |_| {});
        let fired = fault::statements_seen().is_some_and(|seen| seen >= at);
        fault::disarm();
        if check.is_ok() && !fired {
            break;
        }
        assert_eq!(check.unwrap_err().code(), "injected_fault", "at {at}");
        assert_eq!(common::derived_dump(&n), before, "cut at statement {at}");
        at += 1;
    }
    assert!(at > 5, "the check ran {at} statements");
    assert_eq!(n.duplicates_unchecked().unwrap(), 0);
    assert!(!kept_pairs(&n).is_empty());
    let checked = kept_pairs(&n);
    n.rebuild().unwrap();
    assert_eq!(kept_pairs(&n), checked);
}

#[test]
fn bulk_work_stays_tuned_for_it_until_no_person_waits_to_be_checked() {
    use nansen_core::store::{workload_of, Workload};
    let rows = [
        "Абдуллаев Рустам,1975~",
        "Rustam Abdullayev,1976",
        "Хакимов Шерзод,1990",
    ];
    let (tmp, mut n, file) = hq_with_list(&rows);
    let workload = |n: &Nansen| workload_of(n.conn()).unwrap();
    let checkpoint = |n: &Nansen| {
        n.conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    let log_bytes = |n: &Nansen| -> u64 {
        std::fs::read_dir(n.data_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".db-wal"))
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum()
    };
    assert_eq!(workload(&n), Workload::Browse);
    assert!(Workload::Bulk.cache_kib() > Workload::Browse.cache_kib());

    // Written and waiting: the check that follows reads the same pages.
    n.intake_persons(&file, None, &mut |_| {}).unwrap();
    assert_eq!(workload(&n), Workload::Bulk);
    assert_eq!(checkpoint(&n), Workload::Bulk.checkpoint_pages());
    n.check_duplicates(Some(2), &mut |_| {}).unwrap();
    assert_eq!(workload(&n), Workload::Bulk, "one person still waits");
    assert!(log_bytes(&n) > 0, "the log holds the bulk writes");
    n.check_duplicates(None, &mut |_| {}).unwrap();
    assert_eq!(
        workload(&n),
        Workload::Browse,
        "nothing waits: memory given back"
    );
    assert_eq!(checkpoint(&n), Workload::Browse.checkpoint_pages());
    assert_eq!(
        log_bytes(&n),
        0,
        "the log copied into the store and emptied"
    );

    // An intake that writes nothing, and one that fails, give it back too.
    let again = n.intake_persons(&file, None, &mut |_| {}).unwrap();
    assert_eq!((again.imported, again.already_present), (0, 3));
    assert_eq!(workload(&n), Workload::Browse);
    let missing = tmp.path().join("no such list.csv");
    assert!(n.intake_persons(&missing, None, &mut |_| {}).is_err());
    assert_eq!(workload(&n), Workload::Browse);
    assert_eq!(n.person_counts(None).unwrap().values().sum::<u64>(), 3);
}
