//! The shape of the house, checked on every test run: every table has one owner, no
//! source file grows past what a newcomer can read, and the core's modules depend on
//! each other in one direction only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn core() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !["target", "gen", "corpus", "node_modules", "icons"].contains(&name.as_str()) {
                files(&path, exts, out);
            }
        } else if path
            .extension()
            .is_some_and(|e| exts.contains(&e.to_string_lossy().as_ref()))
        {
            out.push(path);
        }
    }
}

/// A source file without its `#[cfg(test)]` module (tests may read any table).
fn production_code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// SQL statements naming `table` as what they read or write.
fn touches(code: &str, table: &str) -> bool {
    ["FROM", "INTO", "UPDATE", "JOIN"].iter().any(|verb| {
        code.match_indices(verb).any(|(i, _)| {
            let rest = code[i + verb.len()..].trim_start();
            rest.starts_with(table)
                && !rest[table.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn every_table_is_queried_only_by_its_owner() {
    let owners: [(&str, &[&str]); 5] = [
        ("src/oplog", &["changes", "origins"]),
        ("src/export", &["exports"]),
        ("src/store", &["meta", "secrets"]),
        (
            "src/sync",
            &[
                "chain_heads",
                "peers",
                "bundles_imported",
                "bundles_exported",
                "forks",
                "unverified_changes",
                "unverified_heads",
            ],
        ),
        ("src/trust", &["devices"]),
    ];
    let mut sources = Vec::new();
    files(&core().join("src"), &["rs"], &mut sources);
    let mut wrong = Vec::new();
    for path in &sources {
        let rel = path
            .strip_prefix(core())
            .unwrap()
            .to_string_lossy()
            .to_string();
        let code = production_code(path);
        for (owner, tables) in owners {
            if rel.starts_with(owner) {
                continue;
            }
            for table in tables {
                if touches(&code, table) {
                    wrong.push(format!("{rel} queries `{table}`, which {owner} owns"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn no_source_file_under_src_tauri_is_longer_than_600_lines() {
    let mut sources = Vec::new();
    files(
        &core().join(".."),
        &["rs", "sql", "svelte", "ts"],
        &mut sources,
    );
    assert!(sources.len() > 50);
    let long: Vec<String> = sources
        .iter()
        .filter_map(|p| {
            let lines = std::fs::read_to_string(p).ok()?.lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:#?}");
}

/// The top-level modules of the core, lowest first: each may use only those before it.
const LAYERS: &[&str] = &[
    "error", "fault", "process", "hlc", "ids", "date", "domain", "store", "oplog", "intake",
    "report", "export", "trust", "sync", "api",
];

#[test]
fn the_cores_modules_depend_on_each_other_in_one_direction() {
    let mut sources = Vec::new();
    files(&core().join("src"), &["rs"], &mut sources);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &sources {
        let rel = path.strip_prefix(core().join("src")).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" {
            continue;
        }
        let code = production_code(path);
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if LAYERS.contains(&name.as_str()) && name != module {
                uses.entry(module.clone()).or_default().insert(name);
            }
        }
    }
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = Vec::new();
    for (module, used) in &uses {
        let Some(mine) = rank(module) else {
            upward.push(format!("{module} is not in LAYERS"));
            continue;
        };
        for u in used {
            if rank(u).is_some_and(|r| r > mine) {
                upward.push(format!("{module} uses {u}, which stands above it"));
            }
        }
    }
    assert!(upward.is_empty(), "{upward:#?}");
}
