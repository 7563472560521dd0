//! `nansen report export --kind person|event|aggregate --profile
//! named|pseudonymised|aggregate --format csv|xlsx|hxl --out FILE [--k 5] [--level
//! region] [--confirm ID ...] [--key KEY] [--overwrite]`.
//!
//! Strictly confidential records leave only when each is confirmed with `--confirm
//! ID`; without that the export refuses, writes nothing, and lists them (id and
//! label) so that a person can decide on each.

use crate::output::Out;
use crate::session::{open, Global};
use clap::Args;
use nansen_core::api::{
    AggregateLevel, DataExportReport, DataExportRequest, ExportFormat, ExportKind, ExportProfile,
};
use nansen_core::{Nansen, Result};
use std::path::PathBuf;

#[derive(Args)]
pub struct ExportArgs {
    /// What to export: a list of persons or events, or the aggregate table of persons.
    #[arg(long, value_name = "KIND", value_parser = ["person", "event", "aggregate"])]
    pub kind: String,
    /// named: everything; pseudonymised: stable pseudonyms instead of ids, names,
    /// aliases, identifiers and free text; aggregate: counts only, small cells
    /// suppressed.
    #[arg(long, value_name = "PROFILE", value_parser = ["named", "pseudonymised", "aggregate"])]
    pub profile: String,
    /// hxl: CSV with a row of HXL hashtags, for aggregate tables.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "xlsx", "hxl"])]
    pub format: String,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Aggregate: cells counting fewer persons than K are suppressed (default 5).
    #[arg(long, value_name = "K")]
    pub k: Option<u32>,
    /// Aggregate: count by each person's place, or the region or country holding it
    /// (default region).
    #[arg(long, value_name = "LEVEL", value_parser = ["place", "region", "country"])]
    pub level: Option<String>,
    /// A strictly confidential record that may leave in this export; give each one.
    #[arg(long = "confirm", value_name = "ID", num_args = 1..)]
    pub confirm: Vec<String>,
    /// Pseudonymised: make the pseudonyms with this key (8 characters or more), so that
    /// exports made with it can be joined; by default this store's own key.
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Write over FILE if it exists.
    #[arg(long)]
    pub overwrite: bool,
}

pub fn run(args: ExportArgs, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    let known = "checked by clap";
    let request = DataExportRequest {
        kind: ExportKind::parse(&args.kind).expect(known),
        profile: ExportProfile::parse(&args.profile).expect(known),
        format: ExportFormat::parse(&args.format).expect(known),
        out: args.out,
        overwrite: args.overwrite,
        confirmed: args.confirm,
        key: args.key,
        k: args.k,
        level: args
            .level
            .as_deref()
            .map(|l| AggregateLevel::parse(l).expect(known)),
    };
    match n.export_data(&request) {
        Ok(report) => {
            out.show(&report, || describe(&report));
            Ok(())
        }
        Err(e) => {
            if e.message().reason == "export_needs_confirmation" && !out.json {
                list_unconfirmed(&n, &request);
            }
            Err(e)
        }
    }
}

/// The records to confirm, one per line with its label, before the one-line error.
fn list_unconfirmed(n: &Nansen, request: &DataExportRequest) {
    let Ok(records) = n.export_confidential(request.kind) else {
        return;
    };
    eprintln!("strictly confidential, not confirmed:");
    for r in records
        .iter()
        .filter(|r| !request.confirmed.contains(&r.id))
    {
        eprintln!("  --confirm {}   # {}", r.id, r.label);
    }
}

fn describe(r: &DataExportReport) -> String {
    let what = match r.kind {
        ExportKind::Person => format!("{} persons", r.records),
        ExportKind::Event => format!("{} events", r.records),
        ExportKind::Aggregate => format!(
            "{} rows counting {} persons by {} (k = {}; {} cells suppressed, {} of them so that no other can be worked out)",
            r.rows,
            r.records,
            r.level.map(|l| l.as_str()).unwrap_or_default(),
            r.k.unwrap_or_default(),
            r.suppressed_primary.unwrap_or(0) + r.suppressed_secondary.unwrap_or(0),
            r.suppressed_secondary.unwrap_or(0),
        ),
    };
    let mut lines = vec![format!(
        "wrote {what} ({}, {}) to {} ({} bytes); export log entry {}",
        r.profile,
        r.format,
        r.path.display(),
        r.bytes,
        r.id
    )];
    if let Some(f) = &r.key_fingerprint {
        lines.push(format!("pseudonym key fingerprint: {f}"));
    }
    if !r.confirmed.is_empty() {
        lines.push(format!(
            "strictly confidential, confirmed: {}",
            r.confirmed.join(", ")
        ));
    }
    if r.truncated_cells > 0 {
        lines.push(format!(
            "{} cells were cut to the 32 767 characters an XLSX cell holds",
            r.truncated_cells
        ));
    }
    lines.join("\n")
}
