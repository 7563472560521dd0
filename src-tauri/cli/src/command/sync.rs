//! Exchanging bundles and what follows from it: `export`, `import`, `conflicts`,
//! `resolve`, `peers` and `forks`.

use crate::cli::{ExportArgs, ImportArgs, PageArgs, ResolveArgs};
use crate::messages as m;
use crate::output::{text, Out};
use crate::session::{open, Global};
use nansen_core::api::{Conflict, ExportReport, ExportRequest, ForkInfo, PeerStatus};
use nansen_core::api::{Progress, ResolveChoice};
use nansen_core::sync::import::ImportReport;
use nansen_core::{Error, ErrorBody, Result};
use serde::Serialize;
use serde_json::json;
use std::path::PathBuf;

pub fn export(args: ExportArgs, global: &Global, out: &Out) -> Result<()> {
    let ExportArgs {
        peer,
        full,
        out: path,
    } = args;
    let mut n = open(global)?;
    let bar = out.progress_bar(1);
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
    out.show(&report, || describe_export(&report));
    Ok(())
}

fn describe_export(report: &ExportReport) -> String {
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
                .map(|r| r.office.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    )
}

/// What became of one bundle given to `import`.
#[derive(Serialize)]
#[serde(untagged)]
enum ImportOutcome {
    Imported(Box<ImportReport>),
    Rejected { error: ErrorBody, file: PathBuf },
}

pub fn import(args: ImportArgs, global: &Global, out: &Out) -> Result<()> {
    let ImportArgs { dry_run, files } = args;
    let mut n = open(global)?;
    let bar = out.progress_bar(files.len() as u64);
    let mut outcomes = Vec::new();
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
            Ok(mut report) => {
                // What the bundle brought is compared now, so the report counts its
                // possible duplicates (a preview has done so already).
                if report.unchecked > 0 {
                    if let Some(b) = &bar {
                        b.suspend(|| out.check_duplicates(&mut n))?;
                    } else {
                        out.check_duplicates(&mut n)?;
                    }
                    report.unchecked = n.duplicates_unchecked()?;
                    report.possible_duplicates = n.info()?.possible_duplicates;
                }
                outcomes.push(ImportOutcome::Imported(Box::new(report)))
            }
            // A single bundle's refusal is the command's error, with its exit code.
            Err(e) if files.len() == 1 => return Err(e),
            Err(e) => {
                failures += 1;
                if !out.json {
                    match &bar {
                        Some(b) => b.suspend(|| eprintln!("{}: {e}", file.display())),
                        None => eprintln!("{}: {e}", file.display()),
                    }
                }
                outcomes.push(ImportOutcome::Rejected {
                    error: ErrorBody::from(&e),
                    file: file.clone(),
                });
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // Through a `Value` only for its sorted keys: this output has always had them.
    let json = serde_json::to_value(&outcomes)?;
    out.show(&json, || {
        outcomes
            .iter()
            .map(describe_import)
            .collect::<Vec<_>>()
            .join("\n")
    });
    if failures > 0 {
        return Err(Error::invalid(m::bundles_not_imported(
            failures,
            files.len(),
            files.len() - failures,
        )));
    }
    Ok(())
}

fn describe_import(outcome: &ImportOutcome) -> String {
    let r = match outcome {
        ImportOutcome::Imported(r) => r,
        ImportOutcome::Rejected { error, file } => {
            return format!("{}: rejected — {}", file.display(), error.message);
        }
    };
    let mut s = format!(
        "{}: bundle {} from {} ({}, user {}) made {}\n",
        r.file.as_deref().unwrap_or_default(),
        r.bundle_id,
        r.sender_office,
        r.sender_role,
        r.sender_user,
        r.created_at
    );
    if r.already_imported {
        s.push_str("  already imported: nothing changed\n");
        return s;
    }
    s.push_str(&format!(
        "  {}{} changes in the bundle: {} new, {} already here; applied {}, waiting {}, held back {}, dated in the future {}, forged and discarded {}\n",
        if r.dry_run { "PREVIEW — " } else { "" },
        r.changes_in_bundle,
        r.new_changes,
        r.duplicates,
        r.applied,
        r.waiting,
        r.held,
        r.clock_ahead,
        r.forged
    ));
    let e = &r.effects;
    s.push_str(&format!(
        "  records: {} new, {} fields changed, {} deleted; conflicts opened: {}\n",
        e.created_count, e.updated_count, e.deleted_count, e.conflicts_opened_count
    ));
    for c in &e.conflicts_opened {
        s.push_str(&format!(
            "  conflict: {} {} '{}' field {}\n",
            c.kind,
            c.id,
            r.labels.get(&c.id).map(String::as_str).unwrap_or_default(),
            c.field
        ));
    }
    if r.possible_duplicates > 0 {
        s.push_str(&format!(
            "  possible duplicates waiting for review: {} (nansen duplicates)\n",
            r.possible_duplicates
        ));
    }
    for w in &r.warnings {
        s.push_str(&format!("  warning: {w}\n"));
    }
    s
}

pub fn conflicts(page: PageArgs, global: &Global, out: &Out) -> Result<()> {
    let page = open(global)?.conflicts(&page.query())?;
    if page.total == 0 && !out.json {
        println!("no conflicts");
        return Ok(());
    }
    out.page(&page, describe_conflict);
    Ok(())
}

fn describe_conflict(c: &Conflict) -> String {
    let mut s = format!(
        "{} {}  {}  {} ({})",
        c.kind, c.id, c.label, c.field, c.conflict
    );
    for v in &c.values {
        s.push_str(&format!(
            "\n    [{}] {} — {} ({}) at {}{}",
            v.value_id,
            text(&v.value),
            v.author,
            v.office.as_deref().unwrap_or_default(),
            v.at,
            if v.shown { "  (shown)" } else { "" }
        ));
    }
    s
}

pub fn resolve(args: ResolveArgs, global: &Global, out: &Out) -> Result<()> {
    let ResolveArgs {
        id,
        field,
        pick,
        value,
        keep,
        delete,
    } = args;
    let mut n = open(global)?;
    let id = nansen_core::ids::parse_id("record", &id)?;
    let choice = match (pick, value, keep, delete) {
        (Some(p), _, _, _) => ResolveChoice::Pick(p),
        // Plain text is as good as a JSON string, so that `--value female` works.
        (_, Some(v), _, _) => ResolveChoice::Value(serde_json::from_str(&v).unwrap_or(json!(v))),
        (_, _, true, _) => ResolveChoice::Keep,
        (_, _, _, true) => ResolveChoice::Delete,
        _ => return Err(Error::invalid(m::choose_resolution())),
    };
    n.resolve(id, &field, choice)?;
    out.show(&json!({"id": id, "field": field, "resolved": true}), || {
        format!("resolved {field} of {id}")
    });
    Ok(())
}

pub fn peers(global: &Global, out: &Out) -> Result<()> {
    let list = open(global)?.peers()?;
    out.show(&list, || {
        if list.is_empty() {
            return "no peers yet".into();
        }
        list.iter().map(describe_peer).collect()
    });
    Ok(())
}

fn describe_peer(p: &PeerStatus) -> String {
    format!(
        "{} ({}){}\n  last received: {}\n  acknowledged: {} changes\n  waiting to send: {}\n",
        p.office,
        p.device,
        if p.revoked { " [revoked]" } else { "" },
        p.last_received_at.as_deref().unwrap_or("never"),
        p.acknowledged.iter().map(|o| o.seq).sum::<u64>(),
        p.waiting_to_send
    )
}

pub fn forks(global: &Global, out: &Out) -> Result<()> {
    let list = open(global)?.forks()?;
    out.show(&list, || {
        list.iter()
            .map(describe_fork)
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn describe_fork(f: &ForkInfo) -> String {
    format!(
        "{} ({}) seq {}: {} vs {}",
        f.device,
        f.office.as_deref().unwrap_or_default(),
        f.seq,
        f.known_hash,
        f.other_hash
    )
}
