//! The benchmark's runs on a real store: the gold set imported by spreadsheet intake,
//! and a store of 100k persons with an import of 1 000 more (see `../duplicates.rs`).

use super::{cpu_seconds, figures, gold_set, peak_memory, records, reset_peak, run, HELD_OUT_SEED};
use nansen_core::api::InitOptions;
use nansen_core::domain::matching::{PersonEvidence, DEFAULT_THRESHOLD};
use nansen_core::oplog::derive::refresh_candidates;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::Nansen;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// Records as the store holds them after an intake of persons: no place of origin
/// (a location record, which a persons list does not carry).
fn as_imported(records: &[PersonEvidence]) -> Vec<PersonEvidence> {
    records
        .iter()
        .map(|r| PersonEvidence {
            origin: None,
            ..r.clone()
        })
        .collect()
}

/// A persons list (tab-separated, as an office exports one) of the records, each row's
/// notes naming its record.
fn persons_file(path: &Path, records: &[PersonEvidence]) {
    let mut text = String::from("name\talias\tsex\tbirth_date\tidentifiers\tnotes\n");
    let tagged =
        |n: Option<&(String, String)>| n.map_or(String::new(), |(t, l)| format!("{t}@{l}"));
    for r in records {
        let ids: Vec<String> = r
            .identifiers
            .iter()
            .map(|(t, v)| format!("{t}:{v}"))
            .collect();
        writeln!(
            text,
            "{}\t{}\t{}\t{}\t{}\tgold record {}",
            tagged(r.names.first()),
            tagged(r.names.get(1)),
            r.sex.as_deref().unwrap_or(""),
            r.birth_date.as_deref().unwrap_or(""),
            ids.join("; "),
            r.id
        )
        .unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn new_store(dir: &Path) -> Nansen {
    Nansen::init(
        dir,
        InitOptions {
            office: "HQ".into(),
            user: "bench".into(),
            passphrase: "benchmark passphrase".into(),
            hq: true,
            kdf: KdfProfile::Test,
        },
    )
    .unwrap()
}

/// Imports the records by spreadsheet intake, then checks them for duplicates (what the
/// CLI does); the ids of the persons created, in the records' order, and the seconds of
/// each step.
fn intake(store: &mut Nansen, dir: &Path, records: &[PersonEvidence]) -> (Vec<String>, Took) {
    let file = dir.join("persons.tsv");
    persons_file(&file, records);
    let started = Instant::now();
    let report = store.intake_persons(&file, None, &mut |_| {}).unwrap();
    let written = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let check = store.check_duplicates(None, &mut |_| {}).unwrap();
    assert_eq!((check.checked, check.remaining), (report.imported, 0));
    let took = Took {
        written,
        checked: started.elapsed().as_secs_f64(),
    };
    assert_eq!(
        report.imported,
        records.len() as u64,
        "{:?}",
        report.refused.first()
    );
    std::fs::remove_file(&file).unwrap();
    (report.created.iter().map(|u| u.to_string()).collect(), took)
}

/// Seconds an intake took: writing the persons, then checking them for duplicates.
struct Took {
    written: f64,
    checked: f64,
}

impl std::fmt::Display for Took {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2} s written + {:.2} s checked for duplicates",
            self.written, self.checked
        )
    }
}

/// The candidate pairs the store keeps: (a, b, score).
fn stored_candidates(store: &Nansen) -> Vec<(String, String, f64)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT a, b, score FROM duplicate_candidates")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The gold set imported into a real store: precision, recall and F1 of the pairs the
/// store keeps at the default threshold, beside what `run` computes for the same
/// records. The two must agree: the benchmark measures what the app does.
pub fn accuracy(seed: u64, n: usize) {
    let (records, truth) = gold_set(seed, n);
    let records = as_imported(&records);
    let tmp = tempfile::tempdir().unwrap();
    let mut store = new_store(&tmp.path().join("store"));
    let (ids, took) = intake(&mut store, tmp.path(), &records);
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut per_person: HashMap<u32, u64> = HashMap::new();
    for t in &truth {
        *per_person.entry(*t).or_default() += 1;
    }
    let true_pairs: u64 = per_person.values().map(|c| c * (c - 1) / 2).sum();
    let stored: BTreeSet<(usize, usize)> = stored_candidates(&store)
        .iter()
        .filter(|c| c.2 >= DEFAULT_THRESHOLD)
        .map(|(a, b, _)| {
            let (i, j) = (index[a.as_str()], index[b.as_str()]);
            (i.min(j), i.max(j))
        })
        .collect();
    let true_shown = |pairs: &BTreeSet<(usize, usize)>| {
        pairs.iter().filter(|(i, j)| truth[*i] == truth[*j]).count()
    };
    let (p, r, f1) = figures(stored.len(), true_shown(&stored), true_pairs);
    println!(
        "the store, seed {seed} imported ({} records by intake, {took}): at the default \
         threshold precision {p:.4}, recall {r:.4}, F1 {f1:.4} ({} pairs)",
        records.len(),
        stored.len()
    );
    let computed: BTreeSet<(usize, usize)> = run(&records)
        .scored
        .iter()
        .filter(|p| p.2 >= DEFAULT_THRESHOLD)
        .map(|p| (p.0 as usize, p.1 as usize))
        .collect();
    let (p, r, f1) = figures(computed.len(), true_shown(&computed), true_pairs);
    println!(
        "  the benchmark's own run on the same records: precision {p:.4}, recall {r:.4}, F1 \
         {f1:.4} ({} pairs): {}",
        computed.len(),
        if computed == stored {
            "the same pairs as the store".to_string()
        } else {
            format!(
                "NOT the same pairs as the store ({} only in the store, {} only here)",
                stored.difference(&computed).count(),
                computed.difference(&stored).count()
            )
        }
    );
}

/// Speed on a real store: `total` persons imported, then an import of `import` more
/// (spread over the gold set, so many are people the store has); the candidate step of
/// the apply for the imported persons, timed alone, and the candidates of the whole
/// store from scratch.
pub fn speed(total: usize, import: usize) {
    let all = as_imported(&records(HELD_OUT_SEED ^ 2, total + import));
    let stride = all.len() / import.max(1);
    let (mut base, mut new) = (Vec::with_capacity(total), Vec::with_capacity(import));
    for (i, r) in all.into_iter().enumerate() {
        if i % stride == stride - 1 && new.len() < import {
            new.push(r);
        } else {
            base.push(r);
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut store = new_store(&tmp.path().join("store"));
    let (_, took) = intake(&mut store, tmp.path(), &base);
    println!(
        "the store: {} persons imported by intake, {took}: {:.0} persons/s written, {:.0} \
         checked, {:.0} in all; {} candidate pairs kept",
        base.len(),
        base.len() as f64 / took.written,
        base.len() as f64 / took.checked,
        base.len() as f64 / (took.written + took.checked),
        stored_candidates(&store).len()
    );
    reset_peak();
    let before = stored_candidates(&store).len();
    let (ids, took) = intake(&mut store, tmp.path(), &new);
    let kept = stored_candidates(&store);
    let ids: BTreeSet<String> = ids.into_iter().collect();
    let touching = kept
        .iter()
        .filter(|c| c.2 >= DEFAULT_THRESHOLD && (ids.contains(&c.0) || ids.contains(&c.1)))
        .count();
    println!(
        "  an import of {} persons into it: {took} (intake, ops, every derived table, \
         candidates), {} new candidate pairs, {touching} of them at or above the threshold; peak \
         memory (VmHWM) {}",
        new.len(),
        kept.len() - before,
        peak_memory()
    );
    reset_peak();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let tx = store.conn().unchecked_transaction().unwrap();
    refresh_candidates(&tx, &ids).unwrap();
    tx.commit().unwrap();
    let (took, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!(
        "  incremental candidates for the {} imported persons (the apply's candidate step, \
         run again alone): {took:.3} s ({cpu:.2} CPU s), goal < 1 s; peak memory (VmHWM) {}",
        ids.len(),
        peak_memory()
    );
    let everyone: BTreeSet<String> = {
        let mut stmt = store.conn().prepare("SELECT id FROM person").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut incremental = stored_candidates(&store);
    reset_peak();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let tx = store.conn().unchecked_transaction().unwrap();
    tx.execute_batch("DELETE FROM duplicate_blocks; DELETE FROM duplicate_candidates;")
        .unwrap();
    refresh_candidates(&tx, &everyone).unwrap();
    tx.commit().unwrap();
    let (took, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    let mut rebuilt = stored_candidates(&store);
    incremental.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    rebuilt.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    println!(
        "  candidates of the store's {} persons from scratch (blocks, compare, write): \
         {took:.2} s ({cpu:.2} CPU s on every thread), {} pairs ({}), goal < 10 s; peak memory \
         (VmHWM) {}",
        everyone.len(),
        rebuilt.len(),
        if rebuilt == incremental {
            "the same as kept incrementally"
        } else {
            "NOT the same as kept incrementally"
        },
        peak_memory()
    );
}
