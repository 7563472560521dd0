//! `nansen report sheet ID --out FILE.pdf [--lang en|ru] [--overwrite]`: the
//! urgent-action sheet of a person or a group, typeset as a PDF of one or two pages.

use crate::output::Out;
use crate::session::{open, Global};
use clap::Args;
use nansen_core::ids::parse_id;
use nansen_core::Result;
use std::path::PathBuf;

#[derive(Args)]
pub struct SheetArgs {
    /// The person or group.
    #[arg(value_name = "ID")]
    pub id: String,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "ru"])]
    pub lang: String,
    /// Write over FILE if it exists.
    #[arg(long)]
    pub overwrite: bool,
}

pub fn run(args: SheetArgs, global: &Global, out: &Out) -> Result<()> {
    let id = parse_id("person or group", &args.id)?;
    let n = open(global)?;
    let report = n.urgent_action_sheet(id, &args.lang, &args.out, args.overwrite)?;
    out.show(&report, || {
        format!(
            "wrote {} ({}, {} page{}, {} bytes): {}",
            report.path,
            report.reference,
            report.pages,
            if report.pages == 1 { "" } else { "s" },
            report.bytes,
            report.subject.label
        )
    });
    Ok(())
}
