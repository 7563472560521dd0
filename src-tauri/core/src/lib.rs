//! nansen-core: everything Nansen does, without a user interface.
//!
//! | module      | what it holds                                                        |
//! |-------------|----------------------------------------------------------------------|
//! | [`api`]     | the service API: the one surface the CLI and the desktop app call    |
//! | [`domain`]  | record kinds, fields, vocabularies, names, derived status            |
//! | [`oplog`]   | changes and ops, the apply function, rebuild, digest                 |
//! | [`intake`]  | persons from spreadsheets: reading, column mapping, row validation   |
//! | [`report`]  | situation summary, urgent-action sheet (PDF), dashboard figures      |
//! | [`export`]  | data exports with profiles, suppression, pseudonyms; the export log  |
//! | [`store`]   | the encrypted SQLite store, its key file and migrations              |
//! | [`sync`]    | bundle format, export, import (plan and apply), conflicts, peers     |
//! | [`trust`]   | device and organisation keys, enrolment, certificates, revocation    |
//! | [`date`]    | EDTF dates with their precision                                      |
//! | [`hlc`]     | the hybrid logical clock (a tie-break, never causality)              |
//! | [`process`] | hardening the process that holds the keys (no core dumps)            |

pub mod api;
pub mod date;
pub mod domain;
pub mod error;
pub mod export;
pub mod fault;
pub mod hlc;
pub mod ids;
pub mod intake;
pub mod oplog;
pub mod process;
pub mod report;
pub mod store;
pub mod sync;
pub mod trust;

pub use api::Nansen;
pub use error::{Error, ErrorBody, Result};
