//! `report`: what leaves Nansen for people outside it, made from the records. Each
//! subcommand has its own module here; `export` writes data exports under a
//! disclosure profile, `situation` the situation summary, `sheet` an urgent-action
//! sheet.

mod export;
mod sheet;
mod situation;

use crate::output::Out;
use crate::session::Global;
use clap::Subcommand;
use nansen_core::Result;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// Export persons or events (CSV, XLSX), or the aggregate table of persons (HXL,
    /// CSV, XLSX), named, pseudonymised or as suppressed counts; recorded in
    /// `nansen audit --exports`.
    Export(export::ExportArgs),
    /// The situation summary, written from the records as of a day: what happened to
    /// how many, where groups stand, persons by status; each figure with its records
    /// and sources (--json).
    Situation(situation::SituationArgs),
    /// The urgent-action sheet of a person or group: a PDF of one or two pages.
    Sheet(sheet::SheetArgs),
}

pub fn run(cmd: ReportCmd, global: &Global, out: &Out) -> Result<()> {
    match cmd {
        ReportCmd::Export(args) => export::run(args, global, out),
        ReportCmd::Situation(args) => situation::run(args, global, out),
        ReportCmd::Sheet(args) => sheet::run(args, global, out),
    }
}
