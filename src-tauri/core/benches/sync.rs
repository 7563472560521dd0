//! Sync throughput, printed (not asserted): `cargo bench -p nansen-core --bench sync`.
//!
//! 1. Four office devices write ~100k ops (persons with fields, aliases, identifiers),
//!    and relay them all to headquarters.
//! 2. Headquarters exports everything in one bundle (timed), and a new, empty office
//!    store imports it (timed: decrypt, verify chains and signatures, decode, apply, commit).
//! 3. The same op rows are bulk-inserted into a bare SQLite table, in one transaction
//!    with a prepared statement (timed), as the ceiling to compare with.
//!
//! `NANSEN_BENCH_OPS` changes the target op count.

/// What the `nansen` binary and the app allocate with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use nansen_core::api::{ExportRequest, InitOptions};
use nansen_core::domain::Kind;
use nansen_core::oplog::{Change, Op};
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::Nansen;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

const PASS: &str = "benchmark passphrase";

/// device, seq, op index, record id, field or link, value
type OpRow = (Vec<u8>, i64, i64, Vec<u8>, String, String);

/// Seconds this process has spent on a CPU, every thread counted, ended ones too (Linux;
/// in clock ticks of 10 ms), so figures can be compared across runs on a machine that
/// is busy with other work. The import decodes on every core.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name, which is in parentheses: utime and
            // stime are the 14th and 15th of the whole line.
            let after = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = after.split_whitespace().collect();
            let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
            Some(ticks(11)? + ticks(12)?)
        })
        .map(|ticks| ticks / 100.0)
        .unwrap_or(f64::NAN)
}

fn store(dir: &Path, office: &str, hq: bool) -> Nansen {
    Nansen::init(
        dir,
        InitOptions {
            office: office.into(),
            user: "bench".into(),
            passphrase: PASS.into(),
            hq,
            kdf: KdfProfile::Test,
        },
    )
    .unwrap()
}

fn enrol(hq: &mut Nansen, office: &mut Nansen, files: &Path) {
    let req = files.join(format!("{}.req", office.office()));
    let enr = files.join(format!("{}.enr", office.office()));
    office.enrol_request(&req).unwrap();
    hq.enrol_approve(&req, &enr, nansen_core::trust::Role::Office)
        .unwrap();
    office.enrol_accept(&enr).unwrap();
}

fn main() {
    let target: u64 = std::env::var("NANSEN_BENCH_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let mut hq = store(&tmp.path().join("hq"), "HQ", true);
    let mut offices: Vec<Nansen> = (1..=4)
        .map(|i| {
            let mut o = store(
                &tmp.path().join(format!("o{i}")),
                &format!("Office {i}"),
                false,
            );
            enrol(&mut hq, &mut o, &files);
            // Setup only: generating the data need not wait for the disk.
            o.conn().pragma_update(None, "synchronous", "OFF").unwrap();
            o
        })
        .collect();
    hq.conn().pragma_update(None, "synchronous", "OFF").unwrap();

    print!("generating ~{target} ops on 4 devices… ");
    let started = Instant::now();
    let mut written = 0u64;
    let mut i = 0u64;
    while written < target {
        let o = &mut offices[(i % 4) as usize];
        let id = o
            .add(
                Kind::Person,
                &json!({
                    "name": {"text": format!("Person {i} Каримов"), "lang": "uz-Cyrl"},
                    "aliases": [{"text": format!("Person {i} Karimov"), "lang": "uz-Latn"}, {"text": format!("P. {i} Karimov"), "lang": "ru-Latn"}],
                    "identifiers": [{"type": "camp_id", "value": format!("A-{i}")}],
                    "sex": if i.is_multiple_of(2) { "male" } else { "female" },
                    "birth_date": format!("{}~", 1950 + i % 50),
                    "notes": "generated for the benchmark",
                }),
            )
            .unwrap();
        written += 8;
        if i.is_multiple_of(3) {
            o.edit(
                Kind::Person,
                id,
                &json!({"notes": format!("revisited {i}"), "sex": "unknown"}),
            )
            .unwrap();
            written += 2;
        }
        i += 1;
    }
    println!("{written} ops in {:.1} s", started.elapsed().as_secs_f64());

    for (k, o) in offices.iter_mut().enumerate() {
        let b = files.join(format!("setup-{k}.nansen"));
        o.export_bundle(
            &ExportRequest {
                peer: Some("HQ".into()),
                full: false,
                out: b.clone(),
            },
            &mut |_| {},
        )
        .unwrap();
        hq.import_bundle(&b, &mut |_| {}).unwrap();
    }
    hq.conn()
        .pragma_update(None, "synchronous", "FULL")
        .unwrap();

    // Export, timed.
    let mut fresh = store(&tmp.path().join("fresh"), "New office", false);
    enrol(&mut hq, &mut fresh, &files);
    let bundle = files.join("full.nansen");
    let t = Instant::now();
    let cpu = cpu_seconds();
    let export = hq
        .export_bundle(
            &ExportRequest {
                peer: Some("New office".into()),
                full: true,
                out: bundle.clone(),
            },
            &mut |_| {},
        )
        .unwrap();
    let export_s = t.elapsed().as_secs_f64();
    let export_cpu = cpu_seconds() - cpu;

    // Import into the empty store, timed.
    let t = Instant::now();
    let cpu = cpu_seconds();
    let report = fresh.import_bundle(&bundle, &mut |_| {}).unwrap();
    let import_s = t.elapsed().as_secs_f64();
    let import_cpu = cpu_seconds() - cpu;
    assert_eq!(report.applied, export.changes, "every change applied");
    // Then the persons it brought are compared for duplicates (the CLI does it right
    // after, the app in the background): timed apart.
    let t = Instant::now();
    let check = fresh.check_duplicates(None, &mut |_| {}).unwrap();
    let check_s = t.elapsed().as_secs_f64();
    let pages: i64 = fresh
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let page_size: i64 = 4096;
    assert_eq!(
        fresh.digest().unwrap(),
        hq.digest().unwrap(),
        "the new store equals headquarters"
    );

    // The ceiling: the same op rows, bulk-inserted into a bare SQLite table.
    let rows: Vec<OpRow> = {
        let mut stmt = hq
            .conn()
            .prepare("SELECT bytes FROM changes ORDER BY device, seq")
            .unwrap();
        let changes: Vec<Change> = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .map(|b| {
                Change::decode(&nansen_core::oplog::log::unpack(&b.unwrap()).unwrap()).unwrap()
            })
            .collect();
        let mut rows = Vec::new();
        for c in changes {
            for (idx, op) in c.ops.iter().enumerate() {
                let (entity, name, value) = match op {
                    Op::Set {
                        id, field, value, ..
                    } => (id, field, value),
                    Op::Add {
                        owner, link, elem, ..
                    }
                    | Op::Remove {
                        owner, link, elem, ..
                    } => (owner, link, elem),
                };
                rows.push((
                    c.device.as_bytes().to_vec(),
                    c.seq as i64,
                    idx as i64,
                    entity.as_bytes().to_vec(),
                    name.clone(),
                    value.to_string(),
                ));
            }
        }
        rows
    };
    let raw = |key: Option<&str>| -> f64 {
        let path = tmp.path().join(format!("raw-{}.db", key.is_some()));
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        if let Some(k) = key {
            conn.execute_batch(&format!("PRAGMA key = \"x'{k}'\";"))
                .unwrap();
        }
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        conn.execute_batch(
            "CREATE TABLE ops (device BLOB NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL,
              entity BLOB NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
              PRIMARY KEY (device, seq, idx)) WITHOUT ROWID",
        )
        .unwrap();
        let t = Instant::now();
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare("INSERT INTO ops VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .unwrap();
            for r in &rows {
                stmt.execute(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        rows.len() as f64 / t.elapsed().as_secs_f64()
    };
    let raw_plain = raw(None);
    let raw_encrypted = raw(Some(&"ab".repeat(32)));

    let ops = export.ops as f64;
    let import_rate = ops / import_s;
    println!();
    println!(
        "changes: {}  ops: {}  origins: {}",
        export.changes, export.ops, export.origins
    );
    println!(
        "bundle: {} bytes, {:.1} bytes/op",
        export.bytes,
        export.bytes as f64 / ops
    );
    println!(
        "store after import: {} pages of {} bytes ({:.1} MiB, {:.0} bytes/op)",
        pages,
        page_size,
        (pages * page_size) as f64 / 1048576.0,
        (pages * page_size) as f64 / ops
    );
    println!(
        "export: {:.3} s, {:.0} ops/s ({:.3} s on the CPU, {:.0} ops per CPU-second)",
        export_s,
        ops / export_s,
        export_cpu,
        ops / export_cpu
    );
    println!(
        "import: {:.3} s, {:.0} ops/s ({:.3} s on the CPU, {:.0} ops per CPU-second): decrypt, verify, decode, apply, commit",
        import_s,
        import_rate,
        import_cpu,
        ops / import_cpu
    );
    println!(
        "then the duplicate check of its {} persons: {check_s:.3} s ({:.0} ops/s with the import)",
        check.checked,
        ops / (import_s + check_s)
    );
    println!("raw insert, plain SQLite:     {:.0} rows/s", raw_plain);
    println!("raw insert, SQLCipher:        {:.0} rows/s", raw_encrypted);
    println!(
        "import / raw insert: {:.0}% of plain, {:.0}% of encrypted",
        100.0 * import_rate / raw_plain,
        100.0 * import_rate / raw_encrypted
    );
}
