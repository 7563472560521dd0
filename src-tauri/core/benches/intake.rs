//! Bulk intake throughput, printed (not asserted): `cargo bench -p nansen-core --bench intake`.
//!
//! Writes a CSV list of persons (a Cyrillic name, a Latin alias, sex, an approximate
//! birth date, a camp id, a passport number and a note each) and imports it into a fresh
//! store: first a preview (read, map, validate, check against the store; nothing
//! written), then the import (the same, plus writing each batch as one change), the
//! check of the persons written for duplicates (what the CLI does next, and the app in
//! the background), then the same file again (every row already present). The goal is
//! 10 000 persons/s.
//!
//! Every row's name is a namesake (Aziz Karimov and a number), the worst case for the
//! check: each person is compared with those of its birth decades.
//! `NANSEN_BENCH_NAMES=realistic` brings names spread as real lists spread them instead
//! (the scale bench's, from the duplicates bench's generator: three in ten people
//! recorded twice). `NANSEN_BENCH_ROWS` changes the row count (default 20 000),
//! `NANSEN_BENCH_BATCH` the rows per change, `NANSEN_BENCH_COMMIT` the new persons per
//! commit and `NANSEN_BENCH_COMMIT_SHARE` their least share of the store's (defaults
//! `BATCH_ROWS`, `COMMIT_ROWS` and `COMMIT_SHARE`, what `intake_persons` uses).

/// What the `nansen` binary and the app allocate with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use nansen_core::api::{Batching, InitOptions, BATCH_ROWS, COMMIT_ROWS, COMMIT_SHARE};
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::Nansen;
use std::fmt::Write as _;
use std::time::Instant;

#[path = "duplicates/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "scale/names.rs"]
#[allow(dead_code)]
mod names;
#[path = "duplicates/pools.rs"]
mod pools;

/// Seconds this thread has spent on a CPU (Linux), so figures can be compared across
/// runs on a machine that is busy with other work.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map(|ns| ns / 1e9)
        .unwrap_or(f64::NAN)
}

fn timed<T>(what: &str, rows: u64, f: impl FnOnce() -> T) -> T {
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let out = f();
    let (wall, cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!(
        "{what:<28} {wall:>6.2} s wall ({:>7.0} persons/s), {cpu:>6.2} s CPU ({:>7.0} persons/s)",
        rows as f64 / wall,
        rows as f64 / cpu
    );
    out
}

fn main() {
    let rows: u64 = std::env::var("NANSEN_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    let batching = Batching {
        change_rows: number("NANSEN_BENCH_BATCH").unwrap_or(BATCH_ROWS),
        commit_rows: number("NANSEN_BENCH_COMMIT").unwrap_or(COMMIT_ROWS),
        commit_share: std::env::var("NANSEN_BENCH_COMMIT_SHARE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(COMMIT_SHARE),
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("persons.csv");
    let realistic = std::env::var("NANSEN_BENCH_NAMES").as_deref() == Ok("realistic");
    let mut text = String::from("Имя,Alias,Пол,Дата рождения,camp_id,passport,Примечание\n");
    if realistic {
        text = names::realistic_rows(0, rows);
    }
    for i in (0..rows).filter(|_| !realistic) {
        writeln!(
            text,
            "Азиз Каримов {i},Aziz Karimov {i}@uz-Latn,{},{}~,B-{i},AB{:07},listed in camp {}",
            if i.is_multiple_of(2) {
                "male"
            } else {
                "female"
            },
            1950 + i % 50,
            i,
            i % 7
        )
        .unwrap();
    }
    std::fs::write(&file, &text).unwrap();
    println!(
        "{rows} rows, {:.1} MB of CSV, {} rows per change, committed {} new persons at a time \
         (and {} of the store's)",
        text.len() as f64 / 1_000_000.0,
        batching.change_rows,
        batching.commit_rows,
        batching.commit_share
    );

    let mut n = Nansen::init(
        &tmp.path().join("store"),
        InitOptions {
            office: "Osh".into(),
            user: "bench".into(),
            passphrase: "benchmark passphrase".into(),
            hq: false,
            kdf: KdfProfile::Test,
        },
    )
    .unwrap();

    let preview = timed("preview (nothing written)", rows, || {
        n.intake_preview(&file, None).unwrap()
    });
    assert_eq!(preview.to_import, rows);
    let report = timed("import into a fresh store", rows, || {
        n.intake_persons_in_batches(&file, None, batching, &mut |_| {})
            .unwrap()
    });
    assert_eq!((report.imported, report.unchecked), (rows, rows));
    println!(
        "  {} changes, {} ms by the report",
        report.changes, report.elapsed_ms
    );
    if std::env::var_os("NANSEN_BENCH_DBSTAT").is_some() {
        print_table_sizes(&n, rows);
    }
    let check = timed("checked for duplicates", rows, || {
        n.check_duplicates(None, &mut |_| {}).unwrap()
    });
    assert_eq!((check.checked, check.remaining), (rows, 0));
    let again = timed("the same file again", rows, || {
        n.intake_persons(&file, None, &mut |_| {}).unwrap()
    });
    assert_eq!(again.already_present, rows);
}

/// Each table's and index's share of the store after the import (SQLite's `dbstat`):
/// where the writes go.
fn print_table_sizes(n: &Nansen, rows: u64) {
    let mut stmt = n
        .conn()
        .prepare(
            "SELECT name, count(*), sum(ncell) FROM dbstat WHERE pagetype = 'leaf'
             GROUP BY name ORDER BY 2 DESC LIMIT 25",
        )
        .unwrap();
    let sizes = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap();
    println!(
        "  {:<40} {:>9} {:>12}",
        "table or index", "leaf pages", "rows/person"
    );
    for size in sizes {
        let (name, pages, cells) = size.unwrap();
        println!(
            "  {name:<40} {pages:>9} {:>12.2}",
            cells as f64 / rows as f64
        );
    }
}
