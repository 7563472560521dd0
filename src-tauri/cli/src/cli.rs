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
    /// Pairs of person records that may be the same person, with their evidence.
    Duplicates(DuplicatesArgs),
    /// Judge person records the same person: they show as one, nothing is deleted.
    Merge(MergeArgs),
    /// Take a person record out of the person it was merged into.
    Unmerge(UnmergeArgs),
    /// Judge two person records not the same person (for good; it syncs).
    NotSame(NotSameArgs),
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
    /// The organisation key: its fingerprint, every device's safety number, and
    /// rotating it (headquarters).
    #[command(subcommand)]
    Org(OrgCmd),
    /// Changes held back because their device is unknown or revoked.
    Held,
    /// Who changed what, when and where: for one record, or the latest changes.
    Audit(AuditArgs),
    /// What leaves Nansen: the situation summary, urgent-action sheets, and data
    /// exports under a disclosure profile.
    #[command(subcommand)]
    Report(crate::command::report::ReportCmd),
    /// Interventions overdue or due in the next 7 days, with what they concern.
    Deadlines(DeadlinesArgs),
    /// The vocabularies, with English and Russian labels.
    Vocab,
    /// Change the passphrase (re-keys the store). The new one comes from
    /// NANSEN_NEW_PASSPHRASE, --new-passphrase-file, or a prompt.
    Passphrase(PassphraseArgs),
    /// Write an encrypted backup of this whole store, under its passphrase unless
    /// another is given (--backup-passphrase-file, NANSEN_BACKUP_PASSPHRASE, or
    /// --ask-backup-passphrase).
    Backup(BackupArgs),
    /// Restore a backup into an empty data dir (it opens with the backup's passphrase).
    /// The restored store takes a new device identity; an office's must be enrolled again.
    Restore(RestoreArgs),
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
    /// The data exports that left this store: who, when, profile, format, records, file.
    #[arg(long, conflicts_with_all = ["id", "verify"])]
    pub exports: bool,
}

#[derive(Args)]
pub struct DeadlinesArgs {
    /// The day to count from (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Args)]
pub struct DuplicatesArgs {
    /// Only pairs scoring at least this (0 to 1; default: the review threshold).
    #[arg(long, value_name = "S")]
    pub min_score: Option<f64>,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Args)]
pub struct MergeArgs {
    /// Two or more person ids.
    #[arg(value_name = "ID", num_args = 2.., required = true)]
    pub ids: Vec<String>,
}

#[derive(Args)]
pub struct UnmergeArgs {
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Args)]
pub struct NotSameArgs {
    #[arg(value_name = "ID")]
    pub a: String,
    #[arg(value_name = "ID")]
    pub b: String,
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
pub struct BackupArgs {
    /// The backup file to write (a new file; `.nansen-backup` by convention).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Encrypt it under the passphrase in this file instead of the store's.
    #[arg(long, value_name = "FILE")]
    pub backup_passphrase_file: Option<PathBuf>,
    /// Encrypt it under another passphrase, asked for twice.
    #[arg(long, conflicts_with = "backup_passphrase_file")]
    pub ask_backup_passphrase: bool,
}

#[derive(Args)]
pub struct RestoreArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Subcommand)]
pub enum OrgCmd {
    /// The organisation key's fingerprint, retired keys, and every enrolled device's
    /// safety number (to read out and compare after a rotation).
    Show,
    /// Headquarters: replace the organisation key with a new one, signed by the old.
    /// Every office adopts it with its next bundle; every safety number changes.
    Rotate {
        /// Do not ask for confirmation (for scripts).
        #[arg(long)]
        yes: bool,
    },
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
        /// Enrol it as a second headquarters device: the enrolment file also carries
        /// the organisation key, encrypted to that device.
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
