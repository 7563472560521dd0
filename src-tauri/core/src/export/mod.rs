//! Data exports with disclosure control: lists of persons and of events as CSV or XLSX,
//! and the aggregate table of persons as HXL-tagged CSV (or CSV, or XLSX), under one of
//! three profiles:
//!
//! | profile         | what leaves                                                        |
//! |-----------------|--------------------------------------------------------------------|
//! | `named`         | everything the list holds                                          |
//! | `pseudonymised` | a stable pseudonym per export key instead of ids, names, aliases, identifiers and free text ([`pseudonym`]); dates, sex, statuses and places kept |
//! | `aggregate`     | counts only, with primary and secondary cell suppression ([`suppress`]) |
//!
//! Records marked strictly confidential leave in a named or pseudonymised export only
//! when the request confirms each of them by id; otherwise the export refuses and names
//! them. Every export is written through the store's atomic writer and recorded in an
//! append-only local log ([`log`], table `exports`).
//!
//! This module holds the parts that need no records: the request and report types, the
//! sheet writers ([`sheet`]), pseudonyms, suppression, the aggregate table's layout
//! ([`aggregate`]) and the log. `api::exports` reads the records (through the paged,
//! cluster-aware lists) and composes them.

pub mod aggregate;
pub mod log;
pub mod messages;
pub mod pseudonym;
pub mod sheet;
pub mod suppress;

use crate::error::{Error, Result};
use messages as m;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// Cells under this many persons are suppressed unless the request says otherwise.
pub const DEFAULT_K: u32 = 5;
/// The threshold a request may choose.
pub const K_RANGE: std::ops::RangeInclusive<u32> = 2..=100;

/// The vocabulary term that keeps a record out of exports unless confirmed.
pub const STRICTLY_CONFIDENTIAL: &str = "strictly_confidential";

/// What is exported: a list of records, or the aggregate table of persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Person,
    Event,
    Aggregate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportProfile {
    Named,
    Pseudonymised,
    Aggregate,
}

/// `hxl` is CSV with a row of HXL hashtags under the header, for aggregate tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Hxl,
}

/// The places an aggregate table counts by: each person's current place, or the region
/// or country that contains it (following the location parents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AggregateLevel {
    Place,
    #[default]
    Region,
    Country,
}

macro_rules! names {
    ($($t:ty { $($v:ident => $s:literal),* })*) => {$(
        impl $t {
            pub fn as_str(&self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

names! {
    ExportKind { Person => "person", Event => "event", Aggregate => "aggregate" }
    ExportProfile { Named => "named", Pseudonymised => "pseudonymised", Aggregate => "aggregate" }
    ExportFormat { Csv => "csv", Xlsx => "xlsx", Hxl => "hxl" }
    AggregateLevel { Place => "place", Region => "region", Country => "country" }
}

/// One export: what, under which profile, in which format, to which file.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct DataExportRequest {
    pub kind: ExportKind,
    pub profile: ExportProfile,
    pub format: ExportFormat,
    #[ts(type = "string")]
    pub out: PathBuf,
    /// Write over a file that already has that name.
    #[serde(default)]
    pub overwrite: bool,
    /// Ids of strictly confidential records the person exporting has confirmed, one by
    /// one, may leave in this export (see `Nansen::export_confidential`).
    #[serde(default)]
    pub confirmed: Vec<String>,
    /// Pseudonymised only: the key pseudonyms are made with (at least 8 characters);
    /// none uses the key kept in this store. The same key gives the same pseudonyms.
    #[serde(default)]
    pub key: Option<String>,
    /// Aggregate only: cells counting fewer persons than this are suppressed (default 5).
    #[serde(default)]
    pub k: Option<u32>,
    /// Aggregate only: the places counted by (default: region).
    #[serde(default)]
    pub level: Option<AggregateLevel>,
}

/// Where the pseudonymisation key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// Given with the request.
    Given,
    /// Kept in this store (made on its first pseudonymised export).
    Store,
}

/// What an export wrote, as recorded in the export log.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DataExportReport {
    /// The entry in the export log.
    pub id: u64,
    #[ts(type = "string")]
    pub path: PathBuf,
    pub kind: ExportKind,
    pub profile: ExportProfile,
    pub format: ExportFormat,
    /// Records exported (persons or events); for an aggregate table, persons counted.
    pub records: u64,
    /// Data rows written (header rows apart).
    pub rows: u64,
    pub bytes: u64,
    /// The strictly confidential records that left, each confirmed.
    pub confirmed: Vec<String>,
    pub key: Option<KeySource>,
    /// A fingerprint of the pseudonymisation key: exports whose pseudonyms can be
    /// joined share it (it does not reveal the key).
    pub key_fingerprint: Option<String>,
    pub k: Option<u32>,
    pub level: Option<AggregateLevel>,
    /// Cells suppressed, because they counted fewer than k persons (primary) or so that
    /// no suppressed cell can be worked out from the totals (secondary).
    pub suppressed_primary: Option<u64>,
    pub suppressed_secondary: Option<u64>,
    /// XLSX cells cut to the most a cell can hold (32 767 characters).
    pub truncated_cells: u64,
    pub at: String,
    pub author: String,
}

/// A strictly confidential record an export would carry: what the person exporting
/// confirms, one by one.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConfidentialRecord {
    pub id: String,
    pub label: String,
}

impl DataExportRequest {
    /// Refuses a request whose parts do not fit together.
    pub fn check(&self) -> Result<()> {
        use ExportKind as K;
        use ExportProfile as P;
        let aggregate = self.kind == K::Aggregate;
        if aggregate != (self.profile == P::Aggregate) {
            return Err(Error::invalid(m::export_profile_kind(
                self.kind,
                self.profile,
            )));
        }
        if self.format == ExportFormat::Hxl && !aggregate {
            return Err(Error::invalid(m::export_hxl_is_aggregate(self.kind)));
        }
        if self.key.is_some() && self.profile != P::Pseudonymised {
            return Err(Error::invalid(m::export_key_only_pseudonymised()));
        }
        if (self.k.is_some() || self.level.is_some()) && !aggregate {
            return Err(Error::invalid(m::export_k_only_aggregate()));
        }
        if let Some(k) = self.k {
            if !K_RANGE.contains(&k) {
                return Err(Error::invalid(m::export_bad_k(
                    k,
                    K_RANGE.start(),
                    K_RANGE.end(),
                )));
            }
        }
        if !self.overwrite && self.out.exists() {
            return Err(Error::invalid(crate::store::messages::will_not_overwrite(
                self.out.display(),
            )));
        }
        Ok(())
    }
}
