//! Helpers of the export tests: the sample data in a headquarters store, export
//! requests, and independent readers of what was written (openpyxl, csv).

use super::store;
use nansen_core::api::{
    DataExportReport, DataExportRequest, ExportFormat, ExportKind, ExportProfile, ListQuery,
};
use nansen_core::domain::Kind;
use nansen_core::Nansen;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn demo() -> (tempfile::TempDir, Nansen) {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = store(&tmp.path().join("hq"), "HQ", true);
    n.load_demo().unwrap();
    (tmp, n)
}

pub fn request(
    kind: ExportKind,
    profile: ExportProfile,
    format: ExportFormat,
    out: &Path,
) -> DataExportRequest {
    serde_json::from_value(json!({
        "kind": kind, "profile": profile, "format": format, "out": out,
    }))
    .unwrap()
}

pub fn export(n: &mut Nansen, req: &DataExportRequest) -> DataExportReport {
    n.export_data(req).unwrap_or_else(|e| panic!("export: {e}"))
}

/// [`export`] of a plain [`request`].
pub fn export_as(
    n: &mut Nansen,
    kind: ExportKind,
    profile: ExportProfile,
    format: ExportFormat,
    out: &Path,
) -> DataExportReport {
    export(n, &request(kind, profile, format, out))
}

/// Every live record of a kind.
pub fn all(n: &Nansen, kind: Kind) -> Vec<nansen_core::api::RecordSummary> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = n
            .list(
                kind,
                &ListQuery {
                    limit: Some(1000),
                    after: after.take(),
                    ..ListQuery::default()
                },
            )
            .unwrap();
        out.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

/// An interpreter with openpyxl: NANSEN_PYTHON (`make test-rust`), else the
/// workspace's test venv (`make py-deps`), else python3.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("NANSEN_PYTHON") {
        return p.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/py/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

/// The workbook's first sheet as openpyxl reads it: rows of cells, `null` for empty.
pub fn openpyxl_rows(path: &Path) -> Vec<Vec<Value>> {
    let script = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
print(json.dumps([list(r) for r in ws.iter_rows(values_only=True)], ensure_ascii=False))
"#;
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("run python (make py-deps installs openpyxl into target/py)");
    assert!(
        out.status.success(),
        "openpyxl could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}
