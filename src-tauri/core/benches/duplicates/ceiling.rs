//! How far any re-weighting of the matcher's comparisons could go on the gold set: a
//! ceiling for the accuracy goal (see the figures in `duplicates.rs`).

use super::{gold_set, run, HELD_OUT_SEED, TUNING_SEED};
use nansen_core::domain::matching::{compare_prepared, Comparison, Evidence, DEFAULT_THRESHOLD};
use std::collections::HashMap;

/// What a pair's comparison says, coarsely: each evidence item's kind and weight (to
/// half a bit), and for names each paired word's role, level and length (in thirds).
/// Any scoring that reads the same comparisons (any weights, any threshold) decides the
/// same for two pairs of one signature.
fn signature(c: &Comparison) -> String {
    let mut parts: Vec<String> = c
        .evidence
        .iter()
        .map(|e| match e {
            Evidence::Names { words, weight, .. } => {
                let mut w: Vec<String> = words
                    .iter()
                    .map(|w| {
                        let len = w.a.chars().count().min(w.b.chars().count()).min(9) / 3;
                        format!("{:?}{:?}{len}", w.role, w.level)
                    })
                    .collect();
                w.sort();
                format!("{}={}", w.join(","), weight.round())
            }
            other => {
                let kind = serde_json::to_value(other).unwrap()["kind"].clone();
                format!("{kind}{}", (other.weight() * 2.0).round())
            }
        })
        .collect();
    parts.sort();
    parts.join("|")
}

/// Every candidate pair of a gold set: (signature, one person?, score), and the number
/// of true pairs.
fn signatures(seed: u64, n: usize) -> (Vec<(String, bool, f64)>, u64) {
    let (records, truth) = gold_set(seed, n);
    let r = run(&records);
    let mut per_person: HashMap<u32, u64> = HashMap::new();
    for t in &truth {
        *per_person.entry(*t).or_default() += 1;
    }
    let true_pairs = per_person.values().map(|c| c * (c - 1) / 2).sum();
    let pairs = r
        .scored
        .iter()
        .map(|&(i, j, score)| {
            let c = compare_prepared(&r.prepared[i as usize], &r.prepared[j as usize]);
            (signature(&c), truth[i as usize] == truth[j as usize], score)
        })
        .collect();
    (pairs, true_pairs)
}

/// How far any re-weighting of the same comparisons could go: on the tuning seed, the
/// share of true pairs among the pairs of each signature; on the held-out seed, a pair is
/// shown when its signature's share (seen at least 3 times) reaches `tau`, or else when
/// it scores at least the threshold. An oracle free to decide each signature apart is at
/// least as good as weights that add up, so its best is a ceiling for them.
pub fn ceiling(n: usize) {
    let (tuning, _) = signatures(TUNING_SEED, n);
    let (held_out, true_pairs) = signatures(HELD_OUT_SEED, n);
    let mut share: HashMap<&str, (f64, f64)> = HashMap::new();
    for (sig, one, _) in &tuning {
        let e = share.entry(sig.as_str()).or_default();
        if *one {
            e.0 += 1.0;
        } else {
            e.1 += 1.0;
        }
    }
    println!(
        "ceiling of re-weighting ({} signatures on the tuning seed, decided on the held-out one):",
        share.len()
    );
    for tau in [0.3, 0.5, 0.7, 0.8, 0.9, 0.97] {
        let (mut shown, mut tp) = (0u64, 0u64);
        for (sig, one, score) in &held_out {
            let show = match share.get(sig.as_str()) {
                Some((t, f)) if t + f >= 3.0 => t / (t + f) >= tau,
                _ => *score >= DEFAULT_THRESHOLD,
            };
            shown += show as u64;
            tp += (show && *one) as u64;
        }
        let precision = tp as f64 / shown.max(1) as f64;
        let recall = tp as f64 / true_pairs as f64;
        let f1 = 2.0 * precision * recall / (precision + recall).max(1e-9);
        println!("  share ≥ {tau:.2}: precision {precision:.4}, recall {recall:.4}, F1 {f1:.4}");
    }
}
