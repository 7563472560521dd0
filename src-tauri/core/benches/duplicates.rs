//! Duplicate detection against a generated gold set, printed (not asserted):
//! `cargo bench -p nansen-core --bench duplicates`.
//!
//! People with Uzbek and Russian names (pools in `duplicates/pools.rs`, common names
//! drawn more often), each recorded 1–3 times as different offices would: Uzbek
//! Cyrillic, Russian Cyrillic, Uzbek Latin, and the ICAO, BGN/PCGN, GOST 7.79 B and
//! ISO 9 romanisations of the russified name, in any word order, with or without a
//! patronymic (Russian or Uzbek form), initials, -jon, vowel shifts, typos, capitals,
//! approximate, wrong by a year or missing birth dates, sometimes a passport or a camp
//! id. Among them are the relatives that make review hard: sons with their father's
//! name, brothers and sisters (same surname and patronymic), twins (Hasan / Husan, on
//! one day). See `duplicates/generate.rs`.
//!
//! The variants are made by the generator's own spelling tables (`roman`, `russify`,
//! `typo` in `generate.rs`), written from the standards, not by the matcher's fold or
//! transliteration: nothing of `domain::names` or `domain::matching` but the record
//! type is used to make them.
//!
//! What is measured is what the app does. Records are read as
//! `oplog/derive/candidates.rs` reads them (`Prepared::new`: no name counts, the
//! prior of [`OFFSET`](nansen_core::domain::matching::OFFSET)), with the same blocking
//! keys, a key shared by more than `MAX_BLOCK` records comparing only records born
//! within a decade (`matching::decades`); a true pair
//! that shares no key is a miss. Precision, recall and F1 of "score ≥
//! `DEFAULT_THRESHOLD`" (the CLI's and the review queue's default) are printed for the
//! tuning seed and a held-out seed. Then the held-out gold set is imported into a real
//! store by spreadsheet intake, and the pairs the store keeps at the threshold are
//! checked to be exactly the ones computed here.
//!
//! Speed: candidates of 100k records from scratch in memory (read, key, block, score;
//! on every core), then a real store of 100k persons built by intake (as
//! `benches/scale.rs` builds its stores), an import of 1 000 more persons (spread over
//! the gold set, so many are people the store has) with the time of the apply's
//! candidate step for them run alone (`oplog::derive::refresh_candidates`), and the
//! candidates of the whole store from scratch, checked equal to what the imports kept.
//! Peak memory (VmHWM) is printed after each, reset before each.
//!
//! `NANSEN_BENCH_PEOPLE` (default 10 000), `NANSEN_BENCH_RECORDS` (default 100 000;
//! also the store's size), `NANSEN_BENCH_IMPORT` (default 1 000), `NANSEN_BENCH_STORE=0`
//! (no store), `NANSEN_BENCH_SHOW` (print that many misses of each kind),
//! `NANSEN_BENCH_UNIFORM=1` (every name as common as any other, instead of the
//! commonest given name being about 3% of people), `NANSEN_BENCH_COUNTS=1` (score with
//! name counts from the records and the prior they give, which the store does not do:
//! what counts would change).
//!
//! # Figures on this machine (2026-11-30; 2-core VM, nothing else running)
//!
//! Accuracy at the default threshold 0.5, as the store scores (goal: F1 ≥ 0.95 with
//! precision ≥ 0.97) — **missed, on precision, and out of reach of re-weighting** (below):
//!
//! - tuning seed: 10 746 people, 18 264 records, 9 678 true pairs, 96.7% of them sharing
//!   a key: precision 0.8780, recall 0.9567, F1 0.9156 (1 287 false positives, 422 of
//!   them namesakes that only their names compare);
//! - held-out seed: 10 756 people, 18 339 records, 96.5% sharing a key: precision
//!   0.8871, recall 0.9520, F1 0.9184 (1 185 false positives, 390 such namesakes).
//!
//! History on the two seeds: F1 0.8992 / 0.9024 before С./Ш. were told apart as
//! initials and Karimova / Karimov capped at every level; 0.9085 / 0.9123 before a
//! patronymic known from any of a record's names was compared when the names that met
//! best lacked it (an alias «Aziz Karimov» no longer hides two fathers). The best
//! threshold is about 0.7 (F1 0.9207 / 0.9231, precision 0.896 / 0.908). With name
//! counts and the prior they give (`NANSEN_BENCH_COUNTS=1`, which the store does not
//! do) precision 0.9384 / 0.9427, recall 0.9144 / 0.9069, F1 0.9263 / 0.9245.
//!
//! What keeps precision down: a surname and an initial («Abdulloev R.», which the
//! issue's own example requires to be a candidate) or two agreeing names are enough
//! over the prior of 8.5 bits, and among 18 000 records many namesakes (885 pairs of
//! one given name, surname and sex) have nothing else recorded that tells them apart.
//!
//! **The goal is out of reach of any weighting of these comparisons** on this gold set.
//! The ceiling printed after the two seeds (`duplicates/ceiling.rs`: an oracle that
//! decides each signature of a comparison apart, as no sum of weights can, learnt on
//! the tuning seed and applied to the held-out one) reaches at best F1 0.924 (precision
//! 0.920, recall 0.927), and its precision never passes 0.960 at any recall (0.960 at
//! recall 0.70). The matcher's 0.918 is within 0.006 of it. With 30 000 people instead
//! of 10 000 the ceiling falls (F1 0.864 before the patronymic change): the more people,
//! the more namesakes; with 325 people the matcher's own F1 is 0.955–0.970. Tried,
//! measured and not kept: lowering the odds of a pair whose records each have many other
//! strong candidates (a crowd of namesakes): +0.014 of F1 at best, at the price of a
//! pair's score depending on every other record of its name. What would move the figure
//! is more recorded about each person (a birth date on more records, identifiers), not
//! the scoring.
//!
//! The held-out set imported into a store by intake: precision 0.8867, recall 0.9517,
//! F1 0.9181, exactly the pairs this benchmark computes for the same records (no place
//! of origin, which a persons list does not carry).
//!
//! Speed (goals: 100k from scratch < 10 s, after a 1k import < 1 s) — met:
//!
//! - 100 000 records from scratch in memory: 1.56 s on 2 threads, peak 376 MB;
//! - a store of 100 000 persons built by intake: written in 13.1 s (7 622 persons/s),
//!   then checked for duplicates in 11.5 s (8 706/s; 4 064/s in all); an import of 1 000
//!   more: 0.36 s written + 0.80 s checked, of which the candidate step alone 0.724 s
//!   (0.72 CPU s);
//! - the candidates of that store's 101 000 persons from scratch: 5.40 s, peak 715 MB,
//!   the same 88 589 pairs as kept incrementally.
//!
//! (Before the intake left the check for after its writes: 39.7 s for the store, 2 520
//! persons/s. Before pairs were screened on what else is known before their names were
//! compared: 6.76 s from scratch, 0.771 s for the 1k import. Before the intake read each
//! person once per file: 75.3 s, 1 328 persons/s. Before
//! the candidate step looked each key up once, read persons with fewer statements and
//! scored on both cores: 1.144 s and 15.36 s.)

/// What the `nansen` binary and the app allocate with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "duplicates/ceiling.rs"]
mod ceiling;
#[path = "duplicates/generate.rs"]
mod generate;
#[path = "duplicates/pools.rs"]
mod pools;
#[path = "duplicates/store.rs"]
mod store;

use generate::{people, record, Rng};
use nansen_core::domain::matching::{
    compare_prepared, decades, score_prepared, Evidence, NameFrequencies, NameLevel,
    PersonEvidence, Prepared, DEFAULT_THRESHOLD,
};
use nansen_core::oplog::derive::MAX_BLOCK;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

const TUNING_SEED: u64 = 20_050_513;
const HELD_OUT_SEED: u64 = 7_160_981;
const THRESHOLDS: &[f64] = &[0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.98, 0.99, 0.995];

/// Score with name counts from the records (`NANSEN_BENCH_COUNTS=1`), which the store
/// does not do: its candidates are scored without counts (`Prepared::new`, in
/// `oplog/derive/candidates.rs`). Shows what counts would change; not the app's figures.
static COUNTS: AtomicBool = AtomicBool::new(false);

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Records of `n` people (and their relatives), with the person each stands for.
fn gold_set(seed: u64, n: usize) -> (Vec<PersonEvidence>, Vec<u32>) {
    let mut rng = Rng::new(seed);
    let mut records = Vec::new();
    let mut truth = Vec::new();
    for (i, p) in people(&mut rng, n).iter().enumerate() {
        let copies = match rng.below(10) {
            0..=4 => 1,
            5..=7 => 2,
            _ => 3,
        };
        let mut offices: Vec<usize> = (0..8).collect();
        for c in 0..copies {
            let o = offices.remove(rng.below(offices.len()));
            records.push(record(&mut rng, p, format!("p{i}-{c}"), o));
            truth.push(i as u32);
        }
    }
    (records, truth)
}

/// Records until `n`, for the timing run.
fn records(seed: u64, n: usize) -> Vec<PersonEvidence> {
    let (mut r, _) = gold_set(seed, n * 10 / 17 + 100);
    r.truncate(n);
    r
}

/// Pairs of people of the gold set who share a given name, surname and sex.
fn namesakes(seed: u64, n: usize) -> u64 {
    let mut rng = Rng::new(seed);
    let mut count: HashMap<(String, String, bool), u64> = HashMap::new();
    for p in people(&mut rng, n) {
        *count.entry((p.given, p.surname, p.female)).or_default() += 1;
    }
    count.values().map(|c| c * (c - 1) / 2).sum()
}

fn hash(key: &(impl Hash + ?Sized)) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

struct Run {
    prepared: Vec<Prepared>,
    /// (record, record, score) of every candidate pair.
    scored: Vec<(u32, u32, f64)>,
    blocks: usize,
    largest_block: usize,
    /// Keys shared by more than `MAX_BLOCK` records, which compare by birth decade.
    too_large: usize,
    /// Seconds to count and read the records, to key and block them, to score.
    phases: [f64; 3],
}

/// Reads every record, blocks, and scores every candidate pair once (a pair sharing several
/// keys is scored in the block of the first key both have), on every core. As the store
/// does (`oplog/derive/candidates.rs`): records read without name counts, the same
/// blocking keys, and a key shared by more than `MAX_BLOCK` records compares only
/// within birth decades.
fn run(records: &[PersonEvidence]) -> Run {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = records.len().div_ceil(threads).max(1);
    let started = Instant::now();
    let mut frequencies = NameFrequencies::new();
    if COUNTS.load(Ordering::Relaxed) {
        for r in records {
            frequencies.add(r);
        }
    }
    let frequencies = &frequencies;
    let prepared: Vec<Prepared> = std::thread::scope(|s| {
        let parts: Vec<_> = records
            .chunks(chunk)
            .map(|c| {
                s.spawn(move || {
                    c.iter()
                        .map(|r| Prepared::with_frequencies(r, frequencies))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let read = started.elapsed().as_secs_f64();
    let keys: Vec<Vec<u64>> = std::thread::scope(|s| {
        let parts: Vec<_> = prepared
            .chunks(chunk)
            .map(|c| {
                s.spawn(move || {
                    c.iter()
                        .map(|p| {
                            let mut k: Vec<u64> = p.blocking_keys().iter().map(hash).collect();
                            k.sort_unstable();
                            k
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for k in ks {
            blocks.entry(*k).or_default().push(i as u32);
        }
    }
    // The store compares the persons of a key shared by more than MAX_BLOCK only within
    // their birth decades (and rebuilds so), each decade up to MAX_BLOCK.
    let too_large: Vec<u64> = blocks
        .iter()
        .filter(|(_, m)| m.len() as i64 > MAX_BLOCK)
        .map(|(k, _)| *k)
        .collect();
    let mut keys = keys;
    for k in &too_large {
        for i in blocks.remove(k).unwrap() {
            for decade in decades(prepared[i as usize].birth_year()) {
                let sub = hash(&(k, decade));
                blocks.entry(sub).or_default().push(i);
                keys[i as usize].push(sub);
            }
        }
    }
    let too_large = too_large.len();
    blocks.retain(|_, members| members.len() as i64 <= MAX_BLOCK);
    let keys: Vec<Vec<u64>> = keys
        .into_iter()
        .map(|mut ks| {
            ks.retain(|k| blocks.contains_key(k));
            ks.sort_unstable();
            ks
        })
        .collect();
    let mut blocks: Vec<(u64, Vec<u32>)> = blocks.into_iter().filter(|b| b.1.len() > 1).collect();
    blocks.sort_by_key(|b| std::cmp::Reverse(b.1.len()));
    let largest_block = blocks.first().map_or(0, |b| b.1.len());
    let blocked = started.elapsed().as_secs_f64();
    let first_common = |a: &[u64], b: &[u64]| -> Option<u64> {
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Equal => return Some(a[i]),
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
            }
        }
        None
    };
    let scored: Vec<(u32, u32, f64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (blocks, keys, prepared) = (&blocks, &keys, &prepared);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (key, members) in blocks.iter().skip(t).step_by(threads) {
                        for (x, &i) in members.iter().enumerate() {
                            for &j in &members[x + 1..] {
                                let (ki, kj) = (&keys[i as usize], &keys[j as usize]);
                                if first_common(ki, kj) != Some(*key) {
                                    continue;
                                }
                                let score =
                                    score_prepared(&prepared[i as usize], &prepared[j as usize]);
                                out.push((i.min(j), i.max(j), score));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let total = started.elapsed().as_secs_f64();
    Run {
        prepared,
        scored,
        blocks: blocks.len(),
        largest_block,
        too_large,
        phases: [read, blocked - read, total - blocked],
    }
}

fn accuracy(label: &str, seed: u64, n: usize, show: usize) {
    let (records, truth) = gold_set(seed, n);
    let started = Instant::now();
    let r = run(&records);
    let took = started.elapsed().as_secs_f64();
    let mut per_person: HashMap<u32, u64> = HashMap::new();
    for t in &truth {
        *per_person.entry(*t).or_default() += 1;
    }
    let true_pairs: u64 = per_person.values().map(|c| c * (c - 1) / 2).sum();
    let namesakes = namesakes(seed, n);
    let same = |(i, j, _): &(u32, u32, f64)| truth[*i as usize] == truth[*j as usize];
    let blocked_true = r.scored.iter().filter(|p| same(p)).count();
    println!(
        "{label} (seed {seed}): {} people, {} records, {true_pairs} true pairs; {} candidate pairs \
         in {} blocks (largest {}, {} keys over {MAX_BLOCK} compared by birth decade), {:.1}% of true pairs among \
         them; {took:.2} s",
        per_person.len(),
        records.len(),
        r.scored.len(),
        r.blocks,
        r.largest_block,
        r.too_large,
        100.0 * blocked_true as f64 / true_pairs as f64
    );
    println!(
        "  {namesakes} pairs of two people with the same given name, surname and sex \
         (namesakes: told apart only by other fields)"
    );
    println!("  threshold  precision  recall     F1   (pairs shown)");
    for &t in THRESHOLDS {
        let shown = r.scored.iter().filter(|p| p.2 >= t).count();
        let tp = r.scored.iter().filter(|p| p.2 >= t && same(p)).count();
        let precision = tp as f64 / shown.max(1) as f64;
        let recall = tp as f64 / true_pairs as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(1e-9);
        let mark = if t == DEFAULT_THRESHOLD {
            "  <- default"
        } else {
            ""
        };
        println!("  {t:>9.3}  {precision:>9.4}  {recall:>6.4}  {f1:>6.4}   ({shown}){mark}");
    }
    // False positives that nothing but the names compares, and the names agree: two
    // people of one name that no field tells apart (a reviewer's call).
    let (mut false_positives, mut alike) = (0, 0);
    for p in r
        .scored
        .iter()
        .filter(|p| p.2 >= DEFAULT_THRESHOLD && !same(p))
    {
        false_positives += 1;
        let c = compare_prepared(&r.prepared[p.0 as usize], &r.prepared[p.1 as usize]);
        let only_names = c.evidence.iter().all(|e| match e {
            Evidence::Names { words, .. } => words.iter().all(|w| {
                matches!(
                    w.level,
                    NameLevel::Exact | NameLevel::Variant | NameLevel::Suffix
                )
            }),
            Evidence::Sex { agree, .. } => *agree,
            _ => false,
        });
        alike += only_names as usize;
    }
    println!(
        "  {false_positives} false positives at the default threshold, {alike} of them two \
         people whose names agree and that no other field compares"
    );
    println!("  calibration: score band -> share of pairs that are one person");
    for band in [
        (0.0, 0.1),
        (0.1, 0.3),
        (0.3, 0.5),
        (0.5, 0.7),
        (0.7, 0.9),
        (0.9, 1.01),
    ] {
        let in_band: Vec<_> = r
            .scored
            .iter()
            .filter(|p| p.2 >= band.0 && p.2 < band.1)
            .collect();
        let ones = in_band.iter().filter(|p| same(p)).count();
        println!(
            "    {:.1}–{:.1}: {:>6} pairs, {:.3}",
            band.0,
            band.1.min(1.0),
            in_band.len(),
            ones as f64 / in_band.len().max(1) as f64
        );
    }
    if show > 0 {
        let print = |what: &str, pairs: Vec<&(u32, u32, f64)>| {
            println!("  {what}:");
            for (i, j, _) in pairs.into_iter().take(show) {
                let c = compare_prepared(&r.prepared[*i as usize], &r.prepared[*j as usize]);
                let desc = |k: u32| {
                    let e = &records[k as usize];
                    format!("{:?} {:?} {:?}", e.names, e.birth_date, e.identifiers)
                };
                println!("    {:.3}  {}\n           {}", c.score, desc(*i), desc(*j));
                for e in &c.evidence {
                    println!("           {}", serde_json::to_string(e).unwrap());
                }
            }
        };
        print(
            "false positives",
            r.scored
                .iter()
                .filter(|p| p.2 >= DEFAULT_THRESHOLD && !same(p))
                .collect(),
        );
        print(
            "missed (compared)",
            r.scored
                .iter()
                .filter(|p| p.2 < DEFAULT_THRESHOLD && same(p))
                .collect(),
        );
    }
}

/// CPU seconds this process has used (all threads; Linux counts in 1/100 s), so the
/// figures mean something on a machine busy with other work.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Resets the peak resident size (Linux ≥ 4.0), so the next reading covers only what
/// follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Precision, recall and F1 of the pairs shown, against the number of true pairs.
fn figures(shown: usize, true_shown: usize, true_pairs: u64) -> (f64, f64, f64) {
    let precision = true_shown as f64 / shown.max(1) as f64;
    let recall = true_shown as f64 / true_pairs.max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(1e-9);
    (precision, recall, f1)
}

fn main() {
    let n = env("NANSEN_BENCH_PEOPLE", 10_000);
    let total = env("NANSEN_BENCH_RECORDS", 100_000);
    let show = env("NANSEN_BENCH_SHOW", 0);
    if env("NANSEN_BENCH_UNIFORM", 0) == 1 {
        generate::UNIFORM.store(true, Ordering::Relaxed);
        println!("names drawn uniformly (NANSEN_BENCH_UNIFORM=1)");
    }
    if env("NANSEN_BENCH_COUNTS", 0) == 1 {
        COUNTS.store(true, Ordering::Relaxed);
        println!(
            "scored with name counts from the records (NANSEN_BENCH_COUNTS=1): NOT what the \
             store does, and the store check below will differ"
        );
    }
    println!(
        "default threshold {DEFAULT_THRESHOLD}, blocks of more than {MAX_BLOCK} compared by birth decade"
    );
    accuracy("tuning seed", TUNING_SEED, n, show);
    accuracy("held-out seed", HELD_OUT_SEED, n, 0);
    ceiling::ceiling(n);
    if env("NANSEN_BENCH_STORE", 1) == 1 {
        store::accuracy(HELD_OUT_SEED, n);
    }
    let records = records(HELD_OUT_SEED ^ 1, total);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    reset_peak();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let r = run(&records);
    let (took, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    let above = r.scored.iter().filter(|p| p.2 >= DEFAULT_THRESHOLD).count();
    println!(
        "{} person records from scratch, in memory: {took:.2} s on {threads} threads ({cpu:.2} \
         CPU s; read, key, block, score), {} candidate pairs compared ({:.0}/s), {above} at \
         or above the threshold, largest block {}; peak memory (VmHWM) {}",
        records.len(),
        r.scored.len(),
        r.scored.len() as f64 / took,
        r.largest_block,
        peak_memory()
    );
    println!(
        "  reading {:.2} s, keys and blocks {:.2} s, scoring {:.2} s",
        r.phases[0], r.phases[1], r.phases[2]
    );
    drop((records, r));
    if env("NANSEN_BENCH_STORE", 1) == 1 {
        store::speed(total, env("NANSEN_BENCH_IMPORT", 1_000));
    }
}
