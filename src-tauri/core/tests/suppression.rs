//! The aggregate profile's small-cell suppression, attacked: over random tables, no
//! published cell (totals included) counts fewer than k persons, and no suppressed
//! cell can be worked out from the published cells and totals, by three attacks:
//!
//! 1. **subtraction**: a row or column with one unknown gives it; repeat while any
//!    does (what a person with a calculator does);
//! 2. **linear algebra**: a suppressed cell is determined when its unit vector lies
//!    in the row space of the system of every row and column equation (any sum and
//!    difference of lines, not only one at a time);
//! 3. **bounds**: counts are never negative; propagating that through every line to
//!    a fixed point must leave every suppressed cell with more than one possible value.
//!
//! Each attack is first shown to break a pattern that deserves it.
// Grids are indexed by (row, column), as the tables they stand for.
#![allow(clippy::needless_range_loop)]

use nansen_core::export::suppress::{protect, Published};
use proptest::prelude::*;

/// The table with its totals: (R+1)×(C+1), totals in the last row and column.
type Grid = Vec<Vec<u64>>;
type Mask = Vec<Vec<bool>>;

fn with_totals(counts: &[Vec<u64>], columns: usize) -> Grid {
    let rows = counts.len();
    let mut g = vec![vec![0u64; columns + 1]; rows + 1];
    for (i, row) in counts.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            g[i][j] = v;
            g[i][columns] += v;
            g[rows][j] += v;
            g[rows][columns] += v;
        }
    }
    g
}

/// The published table as a grid of shown values (`None`: suppressed).
fn shown(p: &Published, rows: usize, columns: usize) -> Vec<Vec<Option<u64>>> {
    let mut g = vec![vec![None; columns + 1]; rows + 1];
    for i in 0..rows {
        for j in 0..columns {
            g[i][j] = p.cells[i][j];
        }
        g[i][columns] = p.row_totals[i];
    }
    for j in 0..columns {
        g[rows][j] = p.column_totals[j];
    }
    g[rows][columns] = p.total;
    g
}

/// Every line of the grid: its cells, each with +1 (an inside cell) or -1 (the
/// line's total); the signed sum of a line is 0.
fn lines(rows: usize, columns: usize) -> Vec<Vec<((usize, usize), i64)>> {
    let mut out = Vec::new();
    for i in 0..=rows {
        let mut l: Vec<_> = (0..columns).map(|j| ((i, j), 1)).collect();
        l.push(((i, columns), -1));
        out.push(l);
    }
    for j in 0..=columns {
        let mut l: Vec<_> = (0..rows).map(|i| ((i, j), 1)).collect();
        l.push(((rows, j), -1));
        out.push(l);
    }
    out
}

fn dims(g: &Grid) -> (usize, usize) {
    (g.len() - 1, g[0].len() - 1)
}

/// Attack 1: solve any line with one unknown, again and again.
fn recovered_by_subtraction(truth: &Grid, hidden: &Mask) -> Vec<(usize, usize)> {
    let (rows, columns) = dims(truth);
    let mut known: Vec<Vec<Option<i64>>> = truth
        .iter()
        .zip(hidden)
        .map(|(r, h)| {
            r.iter()
                .zip(h)
                .map(|(v, h)| (!h).then_some(*v as i64))
                .collect()
        })
        .collect();
    let mut found = Vec::new();
    loop {
        let mut progress = false;
        for line in lines(rows, columns) {
            let unknown: Vec<_> = line
                .iter()
                .filter(|((i, j), _)| known[*i][*j].is_none())
                .collect();
            if unknown.len() != 1 {
                continue;
            }
            let ((ui, uj), sign) = *unknown[0];
            let rest: i64 = line
                .iter()
                .filter_map(|((i, j), s)| known[*i][*j].map(|v| v * s))
                .sum();
            let value = -rest * sign;
            assert_eq!(value, truth[ui][uj] as i64, "the attack is sound");
            known[ui][uj] = Some(value);
            found.push((ui, uj));
            progress = true;
        }
        if !progress {
            return found;
        }
    }
}

fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map(Vec::len).unwrap_or(0);
    let mut rank = 0;
    for c in 0..cols {
        let Some(p) = (rank..m.len()).max_by(|a, b| m[*a][c].abs().total_cmp(&m[*b][c].abs()))
        else {
            break;
        };
        if m[p][c].abs() < 1e-9 {
            continue;
        }
        m.swap(rank, p);
        for r in 0..m.len() {
            if r != rank {
                let f = m[r][c] / m[rank][c];
                if f != 0.0 {
                    for k in c..cols {
                        m[r][k] -= f * m[rank][k];
                    }
                }
            }
        }
        rank += 1;
    }
    rank
}

/// Attack 2: a hidden cell whose unit vector is a combination of the line equations
/// restricted to the hidden cells is determined by the published figures.
fn determined_linearly(truth: &Grid, hidden: &Mask) -> Vec<(usize, usize)> {
    let (rows, columns) = dims(truth);
    let unknowns: Vec<(usize, usize)> = (0..=rows)
        .flat_map(|i| (0..=columns).map(move |j| (i, j)))
        .filter(|(i, j)| hidden[*i][*j])
        .collect();
    let index = |cell: (usize, usize)| unknowns.iter().position(|u| *u == cell);
    let system: Vec<Vec<f64>> = lines(rows, columns)
        .iter()
        .map(|line| {
            let mut eq = vec![0.0; unknowns.len()];
            for (cell, sign) in line {
                if let Some(k) = index(*cell) {
                    eq[k] = *sign as f64;
                }
            }
            eq
        })
        .collect();
    let base = rank(system.clone());
    unknowns
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            let mut with = system.clone();
            let mut unit = vec![0.0; unknowns.len()];
            unit[*k] = 1.0;
            with.push(unit);
            rank(with) == base
        })
        .map(|(_, c)| *c)
        .collect()
}

/// Attack 3: bounds from "no count is negative", propagated through every line.
fn pinned_by_bounds(truth: &Grid, hidden: &Mask) -> Vec<(usize, usize)> {
    let (rows, columns) = dims(truth);
    let mut lo: Vec<Vec<f64>> = vec![vec![0.0; columns + 1]; rows + 1];
    let mut hi: Vec<Vec<f64>> = vec![vec![f64::INFINITY; columns + 1]; rows + 1];
    for i in 0..=rows {
        for j in 0..=columns {
            if !hidden[i][j] {
                lo[i][j] = truth[i][j] as f64;
                hi[i][j] = truth[i][j] as f64;
            }
        }
    }
    for _ in 0..200 {
        let mut changed = false;
        for line in lines(rows, columns) {
            for &((ui, uj), su) in &line {
                if !hidden[ui][uj] {
                    continue;
                }
                // su·x_u = −Σ s·x over the others.
                let (mut min, mut max) = (0.0, 0.0);
                for &((i, j), s) in &line {
                    if (i, j) == (ui, uj) {
                        continue;
                    }
                    let (a, b) = if s > 0 {
                        (lo[i][j], hi[i][j])
                    } else {
                        (-hi[i][j], -lo[i][j])
                    };
                    min -= b;
                    max -= a;
                }
                let (new_lo, new_hi) = if su > 0 { (min, max) } else { (-max, -min) };
                if new_lo > lo[ui][uj] + 1e-9 {
                    lo[ui][uj] = new_lo;
                    changed = true;
                }
                if new_hi < hi[ui][uj] - 1e-9 {
                    hi[ui][uj] = new_hi;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut pinned = Vec::new();
    for i in 0..=rows {
        for j in 0..=columns {
            if hidden[i][j] {
                let v = truth[i][j] as f64;
                assert!(
                    lo[i][j] <= v + 1e-9 && v <= hi[i][j] + 1e-9,
                    "the attack is sound"
                );
                if hi[i][j] - lo[i][j] < 0.5 {
                    pinned.push((i, j));
                }
            }
        }
    }
    pinned
}

fn mask(rows: usize, columns: usize, cells: &[(usize, usize)]) -> Mask {
    let mut m = vec![vec![false; columns + 1]; rows + 1];
    for &(i, j) in cells {
        m[i][j] = true;
    }
    m
}

#[test]
fn each_attack_breaks_a_pattern_that_deserves_it() {
    // Only the small cell suppressed: its row total minus the others gives it.
    let g = with_totals(&[vec![2, 10], vec![8, 7]], 2);
    let m = mask(2, 2, &[(0, 0)]);
    assert_eq!(recovered_by_subtraction(&g, &m), vec![(0, 0)]);

    // Two blocks of four joined by one cell: every line holds two or three suppressed
    // cells, subtraction alone finds nothing, but rows minus columns of one block
    // leaves the joining cell.
    let g = with_totals(&vec![vec![6; 4]; 4], 4);
    let blocks = [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
        (1, 2),
    ];
    let m = mask(4, 4, &blocks);
    assert!(recovered_by_subtraction(&g, &m).is_empty());
    assert_eq!(determined_linearly(&g, &m), vec![(1, 2)]);

    // A cycle through zeros: linearly free, but a published 0 total says its cells
    // are all 0, and then the small one is its row's total.
    let g = with_totals(&[vec![3, 0], vec![0, 0]], 2);
    let m = mask(2, 2, &[(0, 0), (0, 1), (1, 0), (1, 1)]);
    assert!(determined_linearly(&g, &m).is_empty());
    assert!(pinned_by_bounds(&g, &m).contains(&(0, 0)));
}

fn check(counts: &[Vec<u64>], columns: usize, k: u64) -> Result<(), TestCaseError> {
    let rows = counts.len();
    let truth = with_totals(counts, columns);
    let p = protect(counts, columns, k);
    let published = shown(&p, rows, columns);
    let mut hidden = vec![vec![false; columns + 1]; rows + 1];
    for i in 0..=rows {
        for j in 0..=columns {
            match published[i][j] {
                Some(v) => {
                    prop_assert_eq!(v, truth[i][j], "a shown figure is the true one");
                    prop_assert!(
                        v == 0 || v >= k,
                        "{} < k = {} shown at ({}, {})",
                        v,
                        k,
                        i,
                        j
                    );
                }
                None => hidden[i][j] = true,
            }
        }
    }
    let n_hidden = hidden.iter().flatten().filter(|h| **h).count() as u64;
    prop_assert_eq!(n_hidden, p.primary + p.secondary);
    let by_subtraction = recovered_by_subtraction(&truth, &hidden);
    prop_assert!(
        by_subtraction.is_empty(),
        "recovered by subtraction: {:?} of {:?}",
        by_subtraction,
        published
    );
    let linear = determined_linearly(&truth, &hidden);
    prop_assert!(
        linear.is_empty(),
        "determined by the totals: {:?} of {:?}",
        linear,
        published
    );
    let pinned = pinned_by_bounds(&truth, &hidden);
    prop_assert!(
        pinned.is_empty(),
        "pinned by bounds: {:?} of {:?}",
        pinned,
        published
    );
    Ok(())
}

fn count() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(0u64), 4 => 1u64..5, 3 => 5u64..40]
}

fn table() -> impl Strategy<Value = (Vec<Vec<u64>>, usize, u64)> {
    (1usize..=7, 1usize..=5, 2u64..=6).prop_flat_map(|(rows, columns, k)| {
        (
            prop::collection::vec(prop::collection::vec(count(), columns), rows),
            Just(columns),
            Just(k),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_small_cell_is_shown_and_no_suppressed_cell_can_be_worked_out((counts, columns, k) in table()) {
        check(&counts, columns, k)?;
    }
}

#[test]
fn a_wide_table_of_small_counts_is_protected_quickly() {
    // 300 places × statuses, as a headquarters table might be.
    let counts: Vec<Vec<u64>> = (0..300u64)
        .map(|i| (0..4u64).map(|j| (i * 7 + j * 13) % 9).collect())
        .collect();
    let started = std::time::Instant::now();
    let p = protect(&counts, 4, 5);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let truth = with_totals(&counts, 4);
    let hidden: Mask = shown(&p, 300, 4)
        .iter()
        .map(|r| r.iter().map(Option::is_none).collect())
        .collect();
    assert!(recovered_by_subtraction(&truth, &hidden).is_empty());
    assert!(pinned_by_bounds(&truth, &hidden).is_empty());
}
