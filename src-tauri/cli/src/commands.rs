//! The commands other than the per-kind record commands.

use crate::output::{text, Out};
use crate::records;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use nansen_core::api::{ExportRequest, Progress, ResolveChoice};
use nansen_core::api::{InitOptions, PersonPage, RecordView};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::store::{self, resolve_data_dir};
use nansen_core::trust::Role;
use nansen_core::{Error, Nansen, Result};
use serde_json::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

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

#[derive(Args, Clone)]
pub struct Global {
    /// The data directory (default: NANSEN_DATA_DIR, else the platform data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Read the passphrase from this file (default: NANSEN_PASSPHRASE, else a prompt).
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Attribute changes to this person (default: NANSEN_USER, else the store's user).
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Create a new, encrypted store with fresh device keys.
    Init {
        #[arg(long)]
        office: String,
        /// Also create the organisation key: this store is headquarters.
        #[arg(long)]
        hq: bool,
    },
    /// This store's device, office, sequence counters and contents.
    Info,
    /// A hash of the logical state: equal on stores that hold the same data.
    Digest,
    /// Recompute every materialised table from the op log.
    Rebuild,
    /// Load a sample dataset modelled on the seed (fictional people, marked as sample).
    Demo,
    /// Write a bundle for a peer office (or a full one) to carry by hand.
    Export {
        /// The office (or device id) the bundle is for.
        #[arg(long = "for", value_name = "PEER")]
        peer: Option<String>,
        /// Everything this store holds, for a new peer.
        #[arg(long)]
        full: bool,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Import bundles. With --dry-run, show what would change and change nothing.
    Import {
        #[arg(long)]
        dry_run: bool,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Fields with concurrent values, and edits made while a record was deleted.
    Conflicts,
    /// Resolve a conflict: keep one value, write a new one, or keep/confirm a delete.
    Resolve {
        #[arg(value_name = "ID")]
        id: String,
        /// The field in conflict (`deleted` for a delete conflict).
        #[arg(value_name = "FIELD")]
        field: String,
        /// Keep this value (a value id from `nansen conflicts`).
        #[arg(long, value_name = "VALUE_ID", group = "choice")]
        pick: Option<String>,
        /// Write this value (JSON, or plain text).
        #[arg(long, value_name = "VALUE", group = "choice")]
        value: Option<String>,
        /// Delete conflict: keep the record with the edits.
        #[arg(long, group = "choice")]
        keep: bool,
        /// Delete conflict: confirm the delete.
        #[arg(long, group = "choice")]
        delete: bool,
    },
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
    Revoke {
        #[arg(value_name = "DEVICE")]
        device: String,
        #[arg(long, default_value = "device lost")]
        reason: String,
    },
    /// Changes held back because their device is unknown or revoked.
    Held,
    /// Who changed what, when and where: for one record, or the latest changes.
    Audit {
        #[arg(value_name = "ID")]
        id: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Re-verify every device's hash chain and signed heads.
        #[arg(long)]
        verify: bool,
    },
    /// The vocabularies, with English and Russian labels.
    Vocab,
    /// Change the passphrase (re-keys the store). The new one comes from
    /// NANSEN_NEW_PASSPHRASE, --new-passphrase-file, or a prompt.
    Passphrase {
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Destroy this store's keys: everything in it becomes unreadable for good, and
    /// changes not yet sent to headquarters are lost.
    Panic {
        /// Required: confirms that you mean it.
        #[arg(long)]
        yes_destroy_everything: bool,
    },
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

/// A passphrase, wiped from memory when dropped.
pub type Secret = Zeroizing<String>;

fn read_secret_file(path: &Path) -> Result<Secret> {
    let s = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?,
    );
    Ok(Zeroizing::new(s.trim_end_matches(['\n', '\r']).to_string()))
}

fn prompt(label: &str) -> Result<Secret> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::PassphraseRequired);
    }
    rpassword::prompt_password(label)
        .map(Zeroizing::new)
        .map_err(|e| Error::io("reading the passphrase", e))
}

pub fn passphrase(global: &Global) -> Result<Secret> {
    if let Some(f) = &global.passphrase_file {
        return read_secret_file(f);
    }
    if let Ok(p) = std::env::var("NANSEN_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    prompt("Passphrase: ")
}

fn new_passphrase(file: Option<&Path>) -> Result<Secret> {
    if let Some(f) = file {
        return read_secret_file(f);
    }
    if let Ok(p) = std::env::var("NANSEN_NEW_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    let first = prompt("New passphrase: ")?;
    let strength = store::passphrase_strength(&first);
    eprintln!(
        "strength: {}/4{}",
        strength.score,
        strength
            .warning
            .map(|w| format!(" — {w}"))
            .unwrap_or_default()
    );
    let again = prompt("Repeat it: ")?;
    if *first != *again {
        return Err(Error::invalid("the two passphrases differ"));
    }
    Ok(first)
}

pub fn open(global: &Global) -> Result<Nansen> {
    let dir = resolve_data_dir(global.data_dir.as_deref());
    if !store::is_initialised(&dir) {
        return Err(Error::NotInitialised { dir });
    }
    let mut n = Nansen::open(&dir, &passphrase(global)?)?;
    if let Some(user) = global
        .user
        .clone()
        .or_else(|| std::env::var("NANSEN_USER").ok())
    {
        n.set_session_user(&user)?;
    }
    Ok(n)
}

fn confirm(question: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "confirmation needed: run in a terminal, or pass --yes once the numbers were compared",
        ));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::io("reading the answer", e))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::invalid("not confirmed; nothing was changed"))
    }
}

pub fn describe_record(v: &RecordView) -> String {
    let mut s = format!(
        "{} {}  {}{}\n",
        v.kind,
        v.id,
        v.label,
        if v.deleted { "  [deleted]" } else { "" }
    );
    for (k, val) in &v.fields {
        let label = val
            .as_str()
            .and_then(|id| v.refs.get(id))
            .map(|r| format!("  ({})", r.label))
            .unwrap_or_default();
        s.push_str(&format!("  {k}: {}{label}\n", text(val)));
    }
    for (link, elems) in &v.links {
        for e in elems {
            s.push_str(&format!("  {link}: {e}\n"));
        }
    }
    for (field, values) in &v.conflicts {
        s.push_str(&format!("  CONFLICT on {field}:\n"));
        for lv in values {
            s.push_str(&format!(
                "    {} by {} ({}) at {}  [{}]{}\n",
                text(&lv.value),
                lv.author,
                lv.office.clone().unwrap_or_default(),
                lv.at,
                lv.value_id,
                if lv.shown { "  (shown)" } else { "" }
            ));
        }
    }
    s
}

pub fn describe_person(p: &PersonPage) -> String {
    let mut s = describe_record(&p.record);
    if let Some(st) = &p.protection {
        s.push_str(&format!(
            "current status: {}{}{}\n",
            st.value,
            if st.imminent { " (imminent)" } else { "" },
            st.location
                .as_ref()
                .and_then(|l| p.labels.get(l))
                .map(|l| format!(" at {}", l.label))
                .unwrap_or_default()
        ));
    }
    if let Some(st) = &p.refugee {
        s.push_str(&format!("UNHCR status: {}\n", st.value));
    }
    for g in &p.groups {
        s.push_str(&format!(
            "group: {} ({} of {} identified)\n",
            g.name,
            g.identified,
            g.asserted_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "?".into())
        ));
    }
    s.push_str("timeline:\n");
    for t in &p.timeline {
        s.push_str(&format!(
            "  {}  {}  {}{}{}\n",
            t.date.clone().unwrap_or_else(|| "date unknown".into()),
            t.title,
            t.status_value
                .clone()
                .map(|v| format!("→ {v}"))
                .unwrap_or_default(),
            t.location_label
                .as_ref()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default(),
            t.via_group_label
                .as_ref()
                .map(|g| format!(" (via {g})"))
                .unwrap_or_default(),
        ));
    }
    s
}

/// Parses the command line (record commands are built from the domain specs) and runs it.
pub fn main_with(out_json: &mut bool) -> Result<()> {
    let mut cmd = Cli::command();
    for kind in Kind::ALL {
        cmd = cmd.subcommand(records::command(kind));
    }
    let matches = match cmd.try_get_matches() {
        Ok(m) => m,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // One line, like every other error: clap's first line names the problem.
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            eprintln!("error: {first} (see --help)");
            std::process::exit(2);
        }
    };
    let global = Global::from_arg_matches(&matches).map_err(|e| Error::invalid(e.to_string()))?;
    *out_json = global.json;
    let out = Out { json: global.json };
    if let Some((name, sub)) = matches.subcommand() {
        if let Ok(kind) = Kind::parse(name) {
            return records::run(kind, sub, &global, &out);
        }
    }
    let cli = Cli::from_arg_matches(&matches).map_err(|e| Error::invalid(e.to_string()))?;
    run(cli, &out)
}

pub fn run(cli: Cli, out: &Out) -> Result<()> {
    let global = cli.global;
    match cli.command {
        Cmd::Init { office, hq } => {
            let dir = resolve_data_dir(global.data_dir.as_deref());
            if store::is_initialised(&dir) {
                return Err(Error::AlreadyInitialised { dir });
            }
            let pass = match (&global.passphrase_file, std::env::var("NANSEN_PASSPHRASE")) {
                (Some(f), _) => read_secret_file(f)?,
                (None, Ok(p)) => Zeroizing::new(p),
                (None, Err(_)) => {
                    eprintln!("If you forget this passphrase, the records on this computer can be recovered only from headquarters' copies.");
                    new_passphrase(None)?
                }
            };
            let user = global
                .user
                .clone()
                .or_else(|| std::env::var("NANSEN_USER").ok())
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "monitor".into());
            let n = Nansen::init(
                &dir,
                InitOptions {
                    office,
                    user,
                    passphrase: pass.to_string(),
                    hq,
                    kdf: KdfProfile::from_env(),
                },
            )?;
            let info = n.info()?;
            out.show(&info, || {
                format!(
                    "created a {} store for office '{}' in {}\ndevice {}\n{}",
                    if hq { "headquarters" } else { "field office" },
                    info.office,
                    info.data_dir.display(),
                    info.device,
                    if hq {
                        ""
                    } else {
                        "next: `nansen enrol request --out FILE` and take the file to headquarters"
                    }
                )
            });
        }
        Cmd::Info => {
            let info = open(&global)?.info()?;
            out.show(&info, || {
                let mut s = format!(
                    "device:   {}\noffice:   {}\nuser:     {}\nrole:     {}\nstore:    {} (schema {})\nsequence: {}\n",
                    info.device,
                    info.office,
                    info.user,
                    info.role.clone().unwrap_or_else(|| "not enrolled".into()),
                    info.data_dir.display(),
                    info.schema_version,
                    info.sequence
                );
                for o in &info.version_vector {
                    s.push_str(&format!("  holds {} changes of {} ({})\n", o.seq, o.device, o.office.clone().unwrap_or_else(|| "?".into())));
                }
                for (k, v) in &info.records {
                    s.push_str(&format!("{k}: {v}\n"));
                }
                s.push_str(&format!(
                    "waiting changes: {}\nheld changes: {}\nconflicts: {}\n",
                    info.waiting_changes, info.held_changes, info.conflicts
                ));
                s
            });
        }
        Cmd::Digest => {
            let d = open(&global)?.digest()?;
            out.show(&json!({"digest": d}), || d.clone());
        }
        Cmd::Rebuild => {
            let r = open(&global)?.rebuild()?;
            out.show(&r, || {
                format!(
                    "replayed {} changes ({} ops)\ndigest before: {}\ndigest after:  {}\n{}",
                    r.changes,
                    r.ops,
                    r.digest_before,
                    r.digest_after,
                    if r.digest_before == r.digest_after {
                        "identical"
                    } else {
                        "DIFFERENT"
                    }
                )
            });
            if r.digest_before != r.digest_after {
                return Err(Error::invalid(
                    "the rebuilt state differs from the stored one",
                ));
            }
        }
        Cmd::Demo => {
            let r = open(&global)?.load_demo()?;
            out.show(&r, || {
                format!(
                    "loaded sample data (fictional people): {} persons, {} groups, {} events, {} statuses, {} interventions",
                    r.persons, r.groups, r.events, r.statuses, r.interventions
                )
            });
        }
        Cmd::Export {
            peer,
            full,
            out: path,
        } => {
            let mut n = open(&global)?;
            let bar = progress_bar(out, 1);
            let report = n.export_bundle(
                &ExportRequest {
                    peer,
                    full,
                    out: path,
                },
                &mut |p: Progress| {
                    if let Some(b) = &bar {
                        b.set_length(p.total.max(1));
                        b.set_position(p.done);
                        b.set_message(p.stage);
                    }
                },
            )?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            out.show(&report, || {
                format!(
                    "wrote {} ({} changes, {} ops, {} attachments, {} bytes) for {}",
                    report.path.display(),
                    report.changes,
                    report.ops,
                    report.attachments,
                    report.bytes,
                    if report.recipients.is_empty() {
                        "headquarters (escrow)".to_string()
                    } else {
                        report
                            .recipients
                            .iter()
                            .map(|r| r.office.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )
            });
        }
        Cmd::Import { dry_run, files } => {
            let mut n = open(&global)?;
            let bar = progress_bar(out, files.len() as u64);
            let mut reports = Vec::new();
            let mut failures = 0;
            for file in &files {
                if let Some(b) = &bar {
                    b.set_message(file.display().to_string());
                }
                let r = if dry_run {
                    n.import_preview(file)
                } else {
                    n.import_bundle(file, &mut |_| {})
                };
                match r {
                    Ok(report) => reports.push(json!(report)),
                    Err(e) if files.len() == 1 => return Err(e),
                    Err(e) => {
                        failures += 1;
                        if !out.json {
                            if let Some(b) = &bar {
                                b.suspend(|| eprintln!("{}: {e}", file.display()));
                            } else {
                                eprintln!("{}: {e}", file.display());
                            }
                        }
                        reports
                            .push(json!({"file": file, "error": nansen_core::ErrorBody::from(&e)}));
                    }
                }
                if let Some(b) = &bar {
                    b.inc(1);
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            out.show(&reports, || {
                reports
                    .iter()
                    .map(describe_import)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            if failures > 0 {
                return Err(Error::invalid(format!(
                    "{failures} of {} bundles could not be imported (see above); the other {} were",
                    files.len(),
                    files.len() - failures
                )));
            }
        }
        Cmd::Conflicts => {
            let list = open(&global)?.conflicts()?;
            out.show(&list, || {
                if list.is_empty() {
                    return "no conflicts".into();
                }
                let mut s = String::new();
                for c in &list {
                    s.push_str(&format!(
                        "{} {}  {}  {} ({})\n",
                        c.kind, c.id, c.label, c.field, c.conflict
                    ));
                    for v in &c.values {
                        s.push_str(&format!(
                            "    [{}] {} — {} ({}) at {}{}\n",
                            v.value_id,
                            text(&v.value),
                            v.author,
                            v.office.clone().unwrap_or_default(),
                            v.at,
                            if v.shown { "  (shown)" } else { "" }
                        ));
                    }
                }
                s
            });
        }
        Cmd::Resolve {
            id,
            field,
            pick,
            value,
            keep,
            delete,
        } => {
            let mut n = open(&global)?;
            let id = nansen_core::ids::parse_id("record", &id)?;
            let choice = match (pick, value, keep, delete) {
                (Some(p), _, _, _) => ResolveChoice::Pick(p),
                (_, Some(v), _, _) => {
                    ResolveChoice::Value(serde_json::from_str(&v).unwrap_or(json!(v)))
                }
                (_, _, true, _) => ResolveChoice::Keep,
                (_, _, _, true) => ResolveChoice::Delete,
                _ => {
                    return Err(Error::invalid(
                        "choose --pick VALUE_ID, --value VALUE, --keep or --delete",
                    ))
                }
            };
            n.resolve(id, &field, choice)?;
            out.show(&json!({"id": id, "field": field, "resolved": true}), || {
                format!("resolved {field} of {id}")
            });
        }
        Cmd::Peers => {
            let list = open(&global)?.peers()?;
            out.show(&list, || {
                let mut s = String::new();
                for p in &list {
                    s.push_str(&format!(
                        "{} ({}){}\n  last received: {}\n  acknowledged: {} changes\n  waiting to send: {}\n",
                        p.office,
                        p.device,
                        if p.revoked { " [revoked]" } else { "" },
                        p.last_received_at.clone().unwrap_or_else(|| "never".into()),
                        p.acknowledged.iter().map(|o| o.seq).sum::<u64>(),
                        p.waiting_to_send
                    ));
                }
                if s.is_empty() {
                    s = "no peers yet".into();
                }
                s
            });
        }
        Cmd::Forks => {
            let list = open(&global)?.forks()?;
            out.show(&list, || {
                list.iter()
                    .map(|f| {
                        format!(
                            "{} ({}) seq {}: {} vs {}",
                            f.device,
                            f.office.clone().unwrap_or_default(),
                            f.seq,
                            f.known_hash,
                            f.other_hash
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Enrol(e) => enrol(e, &global, out)?,
        Cmd::Devices => {
            let list = open(&global)?.devices()?;
            out.show(&list, || {
                list.iter()
                    .map(|d| {
                        format!(
                            "{}  {} ({})  {}{}",
                            d.device,
                            d.office,
                            d.role,
                            d.fingerprint,
                            d.revoked_through
                                .map(|s| format!("  [revoked after change {s}]"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Revoke { device, reason } => {
            let d = open(&global)?.revoke(&device, &reason)?;
            out.show(&d, || {
                format!(
                    "revoked {} ({}); its changes after number {} will be held back everywhere this news reaches",
                    d.device,
                    d.office,
                    d.revoked_through.unwrap_or(0)
                )
            });
        }
        Cmd::Held => {
            let list = open(&global)?.held_changes()?;
            out.show(&list, || {
                if list.is_empty() {
                    return "no held changes".into();
                }
                list.iter()
                    .map(|h| {
                        format!(
                            "{}:{} by {} at {} — {} ({} ops)",
                            h.device,
                            h.seq,
                            h.author,
                            h.at,
                            h.reason.replace('_', " "),
                            h.ops
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Audit { id, limit, verify } => {
            let n = open(&global)?;
            if verify {
                let checks = n.verify_log()?;
                out.show(&checks, || {
                    checks
                        .iter()
                        .map(|c| {
                            format!(
                                "{} ({}): {} changes, chain {}, signed through {}",
                                c.device,
                                c.office.clone().unwrap_or_default(),
                                c.changes,
                                if c.chain_intact { "intact" } else { "BROKEN" },
                                c.signed_through
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
                if checks.iter().any(|c| !c.chain_intact) {
                    return Err(Error::Crypto("the op log has been tampered with".into()));
                }
                return Ok(());
            }
            let id = id
                .map(|i| nansen_core::ids::parse_id("record", &i))
                .transpose()?;
            let entries = n.audit(id, limit)?;
            out.show(&entries, || {
                entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{} by {} ({}, device {}) seq {}, received {}: {}",
                            e.at,
                            e.author,
                            e.office.clone().unwrap_or_default(),
                            nansen_core::ids::short(&e.device),
                            e.seq,
                            e.received_at,
                            e.ops
                                .iter()
                                .map(|o| format!("{} {}.{}", o.op, o.kind, o.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Vocab => {
            let n = open(&global)?;
            let v = n.vocabularies().clone();
            out.show(&v, || {
                let mut s = String::new();
                for (name, terms) in &v.0 {
                    s.push_str(&format!("{name}:\n"));
                    for t in terms {
                        s.push_str(&format!("  {} — {} / {}\n", t.term, t.label_en, t.label_ru));
                    }
                }
                s
            });
        }
        Cmd::Passphrase {
            new_passphrase_file,
        } => {
            let current = passphrase(&global)?;
            let n = open(&global)?;
            let new = new_passphrase(new_passphrase_file.as_deref())?;
            let n = n.change_passphrase(&current, &new, KdfProfile::from_env())?;
            out.show(&json!({"changed": true}), || {
                format!(
                    "passphrase changed; the store in {} was re-keyed",
                    n.data_dir().display()
                )
            });
        }
        Cmd::Panic {
            yes_destroy_everything,
        } => {
            if !yes_destroy_everything {
                return Err(Error::invalid(
                    "panic destroys this store's keys: every record here becomes unreadable for good, and changes not yet sent to headquarters are lost. Run again with --yes-destroy-everything",
                ));
            }
            let dir = resolve_data_dir(global.data_dir.as_deref());
            store::destroy(&dir)?;
            out.show(&json!({"destroyed": true}), || {
                "the keys are destroyed; this store can no longer be read".into()
            });
        }
    }
    Ok(())
}

fn enrol(cmd: EnrolCmd, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    let show_check = |c: &nansen_core::trust::enrol::EnrolmentCheck| {
        format!(
            "office: {}\ndevice: {}\nsafety number:\n  {}\nCompare this number with the one shown on the other side, by voice or in person.",
            c.office, c.device, c.safety_number
        )
    };
    match cmd {
        EnrolCmd::Request { out: path } => {
            let c = n.enrol_request(&path)?;
            out.show(&json!({"device": c.device, "office": c.office, "path": path, "fingerprint": c.device_fingerprint}), || {
                format!(
                    "wrote {}: carry it to headquarters.\nThis device's fingerprint: {}",
                    path.display(),
                    c.device_fingerprint
                )
            });
        }
        EnrolCmd::Approve {
            request,
            out: path,
            hq,
            yes,
        } => {
            let check = n.enrol_inspect_request(&request)?;
            if !out.json {
                eprintln!("{}", show_check(&check));
            }
            confirm("Do the numbers match?", yes)?;
            let c = n.enrol_approve(&request, &path, if hq { Role::Hq } else { Role::Office })?;
            out.show(&c, || {
                format!(
                    "enrolled '{}'; wrote {}: carry it back to the office.",
                    c.office,
                    path.display()
                )
            });
        }
        EnrolCmd::Accept { file, yes } => {
            let check = n.enrol_inspect(&file)?;
            if !out.json {
                eprintln!("{}", show_check(&check));
            }
            confirm("Do the numbers match?", yes)?;
            let c = n.enrol_accept(&file)?;
            out.show(&c, || {
                "enrolled: this device now trusts its organisation and can exchange bundles".into()
            });
        }
    }
    Ok(())
}

fn describe_import(r: &serde_json::Value) -> String {
    if let Some(err) = r.get("error") {
        return format!(
            "{}: rejected — {}",
            r["file"].as_str().unwrap_or_default(),
            err["message"].as_str().unwrap_or_default()
        );
    }
    let mut s = format!(
        "{}: bundle {} from {} ({}, user {}) made {}\n",
        r["file"].as_str().unwrap_or_default(),
        r["bundle_id"].as_str().unwrap_or_default(),
        r["sender_office"].as_str().unwrap_or_default(),
        r["sender_role"].as_str().unwrap_or_default(),
        r["sender_user"].as_str().unwrap_or_default(),
        r["created_at"].as_str().unwrap_or_default()
    );
    if r["already_imported"] == json!(true) {
        s.push_str("  already imported: nothing changed\n");
        return s;
    }
    let e = &r["effects"];
    s.push_str(&format!(
        "  {}{} changes in the bundle: {} new, {} already here; applied {}, waiting {}, held back {}, dated in the future {}, forged and discarded {}\n",
        if r["dry_run"] == json!(true) { "PREVIEW — " } else { "" },
        r["changes_in_bundle"],
        r["new_changes"],
        r["duplicates"],
        r["applied"],
        r["waiting"],
        r["held"],
        r["clock_ahead"],
        r["forged"]
    ));
    s.push_str(&format!(
        "  records: {} new, {} fields changed, {} deleted; conflicts opened: {}\n",
        e["created_count"], e["updated_count"], e["deleted_count"], e["conflicts_opened_count"]
    ));
    let labels = &r["labels"];
    for c in e["conflicts_opened"].as_array().into_iter().flatten() {
        s.push_str(&format!(
            "  conflict: {} {} '{}' field {}\n",
            c["kind"].as_str().unwrap_or_default(),
            c["id"].as_str().unwrap_or_default(),
            labels[c["id"].as_str().unwrap_or_default()]
                .as_str()
                .unwrap_or_default(),
            c["field"].as_str().unwrap_or_default()
        ));
    }
    for w in r["warnings"].as_array().into_iter().flatten() {
        s.push_str(&format!("  warning: {}\n", w.as_str().unwrap_or_default()));
    }
    s
}

fn progress_bar(out: &Out, len: u64) -> Option<indicatif::ProgressBar> {
    if out.json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
