//! What Nansen sends out, made from the records and traceable to them: the situation
//! summary, the urgent-action sheet (a PDF typeset with typst), and the figures of the
//! dashboard.
//!
//! This module writes and typesets; it reads no persons itself. The service API
//! (`api::reports`) gathers what it needs through the cluster-aware person and group
//! API and the derived counts, so a person counted here is counted as every list
//! counts them (two records found to be the same person count once).
//!
//! | module        | what it holds                                                      |
//! |---------------|--------------------------------------------------------------------|
//! | [`lang`]      | English and Russian: plural forms, counted nouns, dates, lists     |
//! | [`phrases`]   | the sentences for each event type and status                       |
//! | [`situation`] | the situation summary: its shape, and writing it from facts        |
//! | [`sheet`]     | the urgent-action sheet: its content, and typst as a library       |
//! | [`dashboard`] | the dashboard's figures and months                                 |

pub mod dashboard;
pub mod lang;
pub mod messages;
pub mod phrases;
pub mod sheet;
pub mod situation;

pub use lang::Lang;

use crate::error::{Error, Result};
use chrono::NaiveDate;

/// A day as given on a command line or in a form: `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(messages::not_a_day(s)))
}
