//! Data export times, printed (not asserted): `cargo bench -p nansen-core --bench exports`.
//!
//! Builds a store of 100 000 persons (`NANSEN_BENCH_PERSONS` changes it) by spreadsheet
//! intake: a Cyrillic name, a Latin alias, sex, an approximate birth date, a camp id
//! and a note each, in twelve groups at camps in three regions, each group with a
//! protection status there. Then times each export through the API, as the CLI and
//! the app make them: the named XLSX (issue 11's figure), the named CSV, the
//! pseudonymised XLSX, and the aggregate HXL table by region; with the file's size and
//! the process's peak memory while writing it.

/// What the `nansen` binary and the app allocate with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use nansen_core::api::{
    DataExportRequest, ExportFormat, ExportKind, ExportProfile, InitOptions, ListQuery,
};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::Nansen;
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

const STATUSES: [&str; 4] = ["detained", "at_risk", "in_camp", "whereabouts_unknown"];

/// Resets the peak resident size, so the next reading covers only what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Seconds this thread has spent on a CPU (Linux): comparable across runs on a
/// machine busy with other work, as this 2-core one often is.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map(|ns| ns / 1e9)
        .unwrap_or(f64::NAN)
}

fn add(n: &mut Nansen, kind: Kind, v: serde_json::Value) -> String {
    n.add(kind, &v).unwrap().to_string()
}

/// Places, twelve groups each with a protection status at a camp, and `persons`
/// persons spread over the groups by intake.
fn populate(n: &mut Nansen, dir: &Path, persons: u64) {
    let kg = add(
        n,
        Kind::Location,
        json!({"name": "Kyrgyzstan", "type": "country"}),
    );
    let mut groups = Vec::new();
    for r in 0..3 {
        let region = add(
            n,
            Kind::Location,
            json!({"name": format!("Region {r}"), "type": "region", "parent": kg}),
        );
        for c in 0..2 {
            let camp = add(
                n,
                Kind::Location,
                json!({"name": format!("Camp {r}.{c}"), "type": "camp", "parent": region}),
            );
            for g in 0..2 {
                let i = groups.len();
                let name = format!("Group {i}");
                let group = add(n, Kind::Group, json!({"name": name, "location": camp}));
                add(
                    n,
                    Kind::Status,
                    json!({"group": group, "type": "protection", "value": STATUSES[(i + g) % 4],
                           "effective": "2005-06", "location": camp}),
                );
                groups.push(name);
            }
        }
    }
    let file = dir.join("persons.csv");
    let mut text = String::from("Имя,Alias,Пол,Дата рождения,camp_id,Примечание,group\n");
    for i in 0..persons {
        writeln!(
            text,
            "Азиз Каримов {i},Aziz Karimov {i}@uz-Latn,{},{}~,B-{i},listed in camp {},{}",
            ["male", "female", "male", "unknown"][i as usize % 4],
            1950 + i % 50,
            i % 7,
            groups[(i as usize * 7) % groups.len()]
        )
        .unwrap();
    }
    std::fs::write(&file, &text).unwrap();
    let t = Instant::now();
    let report = n.intake_persons(&file, None, &mut |_| {}).unwrap();
    assert_eq!(report.imported, persons, "{:?}", report.refused.first());
    println!(
        "setup: {persons} persons by intake in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let persons: u64 = std::env::var("NANSEN_BENCH_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let mut n = Nansen::init(
        &tmp.path().join("store"),
        InitOptions {
            office: "HQ".into(),
            user: "bench".into(),
            passphrase: "benchmark passphrase".into(),
            hq: true,
            kdf: KdfProfile::Test,
        },
    )
    .unwrap();
    populate(&mut n, tmp.path(), persons);
    let listed = n
        .person_list(&nansen_core::api::PersonQuery::default())
        .unwrap()
        .total;
    assert_eq!(listed, persons);
    let _ = n.list(Kind::Event, &ListQuery::default()).unwrap();

    for (kind, profile, format, name) in [
        (
            ExportKind::Person,
            ExportProfile::Named,
            ExportFormat::Xlsx,
            "persons.xlsx",
        ),
        (
            ExportKind::Person,
            ExportProfile::Named,
            ExportFormat::Csv,
            "persons.csv",
        ),
        (
            ExportKind::Person,
            ExportProfile::Pseudonymised,
            ExportFormat::Xlsx,
            "pseudonymised.xlsx",
        ),
        (
            ExportKind::Aggregate,
            ExportProfile::Aggregate,
            ExportFormat::Hxl,
            "table.hxl.csv",
        ),
    ] {
        let out = tmp.path().join("out").join(name);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let req: DataExportRequest = serde_json::from_value(json!({
            "kind": kind, "profile": profile, "format": format, "out": out,
            "key": (profile == ExportProfile::Pseudonymised).then_some("benchmark export key"),
        }))
        .unwrap();
        reset_peak();
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let report = n.export_data(&req).unwrap();
        let (s, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        println!(
            "{:<44} {s:>6.2} s wall, {cpu:>6.2} s CPU ({:>6.0} records/CPU s), {:>5.1} MB, {} rows, peak {:.0} MB",
            format!("{kind} {profile} {format} of {} records", report.records),
            report.records as f64 / cpu,
            report.bytes as f64 / 1e6,
            report.rows,
            peak_mb()
        );
    }
}
