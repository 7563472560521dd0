//! The command line's fixed part, as clap definitions. The per-kind record commands are
//! built at run time from the domain specs (see `command::records`), so they are not here.
//!
//! The order of the `Cmd` variants is the order `nansen --help` lists them in.

use crate::session::Global;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "nansen",
    version,
    about = "Nansen: offline documentation of people at risk of forcible return"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Cmd,
}

// Doc comments on the variants are the help text; the argument structs have none, so
// that nothing overrides them.
#[derive(Subcommand)]
pub enum Cmd {
    /// Create a new, encrypted store with fresh device keys.
    Init(InitArgs),
    /// This store's device, office, sequence counters and contents.
    Info,
    /// A hash of the logical state: equal on stores that hold the same data.
    Digest,
    /// Recompute every materialised table from the op log.
    Rebuild,
    /// Load a sample dataset modelled on the seed (fictional people, marked as sample).
    Demo,
    /// Write a bundle for a peer office (or a full one) to carry by hand.
    Export(ExportArgs),
    /// Import bundles. With --dry-run, show what would change and change nothing.
    Import(ImportArgs),
    /// Fields with concurrent values, and edits made while a record was deleted.
    Conflicts(PageArgs),
    /// Resolve a conflict: keep one value, write a new one, or keep/confirm a delete.
    Resolve(ResolveArgs),
    /// Sync status of each peer office.
    Peers,
    /// Forks detected in bundles (the same change number with different content).
    Forks,
    /// Enrol devices in the organisation (files exchanged by hand).
    #[command(subcommand)]
    Enrol(EnrolCmd),
    /// Devices this store trusts, and revoked ones.
    Devices,
    /// Revoke a lost or compromised device (headquarters).
    Revoke(RevokeArgs),
    /// Changes held back because their device is unknown or revoked.
    Held,
    /// Who changed what, when and where: for one record, or the latest changes.
    Audit(AuditArgs),
    /// The vocabularies, with English and Russian labels.
    Vocab,
    /// Change the passphrase (re-keys the store). The new one comes from
    /// NANSEN_NEW_PASSPHRASE, --new-passphrase-file, or a prompt.
    Passphrase(PassphraseArgs),
    /// Destroy this store's keys: everything in it becomes unreadable for good, and
    /// changes not yet sent to headquarters are lost.
    Panic(PanicArgs),
}

#[derive(Args)]
pub struct InitArgs {
    #[arg(long)]
    pub office: String,
    /// Also create the organisation key: this store is headquarters.
    #[arg(long)]
    pub hq: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The office (or device id) the bundle is for.
    #[arg(long = "for", value_name = "PEER")]
    pub peer: Option<String>,
    /// Everything this store holds, for a new peer.
    #[arg(long)]
    pub full: bool,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    #[arg(long)]
    pub dry_run: bool,
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Args)]
pub struct ResolveArgs {
    #[arg(value_name = "ID")]
    pub id: String,
    /// The field in conflict (`deleted` for a delete conflict).
    #[arg(value_name = "FIELD")]
    pub field: String,
    /// Keep this value (a value id from `nansen conflicts`).
    #[arg(long, value_name = "VALUE_ID", group = "choice")]
    pub pick: Option<String>,
    /// Write this value (JSON, or plain text).
    #[arg(long, value_name = "VALUE", group = "choice")]
    pub value: Option<String>,
    /// Delete conflict: keep the record with the edits.
    #[arg(long, group = "choice")]
    pub keep: bool,
    /// Delete conflict: confirm the delete.
    #[arg(long, group = "choice")]
    pub delete: bool,
}

#[derive(Args)]
pub struct RevokeArgs {
    #[arg(value_name = "DEVICE")]
    pub device: String,
    #[arg(long, default_value = "device lost")]
    pub reason: String,
}

#[derive(Args)]
pub struct AuditArgs {
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
    /// Re-verify every device's hash chain and signed heads.
    #[arg(long)]
    pub verify: bool,
}

/// Which page of a list.
#[derive(Args)]
pub struct PageArgs {
    /// Rows per page (default 100, at most 1000).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// The page after this cursor (printed under the page before).
    #[arg(long, value_name = "CURSOR")]
    pub after: Option<String>,
}

impl PageArgs {
    pub fn query(self) -> nansen_core::api::PageQuery {
        nansen_core::api::PageQuery {
            limit: self.limit,
            after: self.after,
        }
    }
}

#[derive(Args)]
pub struct PassphraseArgs {
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct PanicArgs {
    /// Required: confirms that you mean it.
    #[arg(long)]
    pub yes_destroy_everything: bool,
}

#[derive(Subcommand)]
pub enum EnrolCmd {
    /// Office: write this device's enrolment request, to carry to headquarters.
    Request {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Headquarters: enrol the device of a request and write its enrolment file.
    Approve {
        #[arg(value_name = "REQUEST")]
        request: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Enrol it as a headquarters device.
        #[arg(long)]
        hq: bool,
        /// Do not ask to confirm the safety number (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Office: accept the enrolment file from headquarters.
    Accept {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Do not ask to confirm the safety number (for scripts).
        #[arg(long)]
        yes: bool,
    },
}
