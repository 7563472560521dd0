//! `nansen report situation [--as-of DATE] [--lang en|ru] [--json]`: the situation
//! summary, written from the records; with `--json` each figure with the records and
//! sources behind it.

use crate::output::Out;
use crate::session::{open, Global};
use clap::Args;
use nansen_core::report::parse_day;
use nansen_core::Result;

#[derive(Args)]
pub struct SituationArgs {
    /// Only what had taken effect by this day (YYYY-MM-DD; default: everything).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = ["en", "ru"])]
    pub lang: String,
}

pub fn run(args: SituationArgs, global: &Global, out: &Out) -> Result<()> {
    let as_of = args.as_of.as_deref().map(parse_day).transpose()?;
    let n = open(global)?;
    let situation = n.situation(as_of, &args.lang)?;
    out.show(&situation, || situation.text.clone());
    Ok(())
}
