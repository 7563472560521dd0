//! A spreadsheet of persons as `nansen intake` reads it before writing anything: the
//! file read (CSV with its delimiter guessed and its lines found, or a workbook through
//! calamine), the columns mapped from their headers, and every row checked into a plan
//! (fields, vocabularies, link elements, record rules, import keys).
//!
//! The first byte selects what the rest is: even, a CSV file; odd, an `.xlsx` workbook.
//! The seeds (fuzz/README) are a CSV file and a workbook with Cyrillic names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nansen_core::api::InitOptions;
use nansen_core::domain::vocab::Vocabularies;
use nansen_core::intake::{auto_mapping, ImportKeys, Planner, Sheet};
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::Nansen;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Rows planned per input: enough for every path, few enough to keep runs fast.
const MAX_ROWS: usize = 200;

struct Scratch {
    dir: PathBuf,
    vocab: Vocabularies,
}

fn scratch() -> &'static Scratch {
    static SCRATCH: OnceLock<Scratch> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nansen-fuzz-intake-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // The vocabularies a store starts with, as the planner of a real import sees them.
        let store = Nansen::init(
            &dir.join("store"),
            InitOptions {
                office: "Osh".into(),
                user: "fuzz".into(),
                passphrase: "fuzz corpus passphrase, not secret".into(),
                hq: false,
                kdf: KdfProfile::Test,
            },
        )
        .expect("a store for the vocabularies");
        let vocab = Vocabularies::load(store.conn()).expect("the vocabularies");
        Scratch { dir, vocab }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let scratch = scratch();
    let file = scratch.dir.join(if selector % 2 == 0 {
        "persons.csv"
    } else {
        "persons.xlsx"
    });
    std::fs::write(&file, rest).expect("scratch space");
    let Ok(mut sheet) = Sheet::open(&file, None) else {
        return;
    };
    let _ = sheet.count_rows();
    let mapping = auto_mapping(&sheet.headers, &scratch.vocab);
    let Ok(resolved) = mapping.resolve(&sheet.headers, &scratch.vocab) else {
        return;
    };
    let keys = ImportKeys::from_store_secret(&[7; 32]);
    let mut planner = Planner::new(&resolved, &scratch.vocab, &keys, 1_700_000_000_000);
    for _ in 0..MAX_ROWS {
        match sheet.next_row() {
            Ok(Some(row)) => {
                let _ = planner.plan(row);
            }
            _ => break,
        }
    }
});
