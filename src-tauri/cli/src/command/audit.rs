//! `audit`: who changed what, when and where; with `--verify`, whether the op log is
//! still what its devices signed; with `--exports`, the data exports that left.

use crate::cli::AuditArgs;
use crate::messages as m;
use crate::output::Out;
use crate::session::{open, Global};
use nansen_core::api::{AuditEntry, ChainCheck, ExportLogEntry};
use nansen_core::ids::{parse_id, short};
use nansen_core::{Error, Nansen, Result};

pub fn run(args: AuditArgs, global: &Global, out: &Out) -> Result<()> {
    let n = open(global)?;
    if args.verify {
        return verify(&n, out);
    }
    if args.exports {
        out.page(&n.export_log(&args.page.query())?, describe_export);
        return Ok(());
    }
    let id = args.id.map(|i| parse_id("record", &i)).transpose()?;
    out.page(&n.audit(id, &args.page.query())?, describe_entry);
    Ok(())
}

fn describe_entry(e: &AuditEntry) -> String {
    format!(
        "{} by {} ({}, device {}) seq {}, received {}: {}",
        e.at,
        e.author,
        e.office.as_deref().unwrap_or_default(),
        short(&e.device),
        e.seq,
        e.received_at,
        e.ops
            .iter()
            .map(|o| format!("{} {}.{}", o.op, o.kind, o.name))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn describe_export(e: &ExportLogEntry) -> String {
    let name = |s: Option<&str>| s.unwrap_or("?").to_string();
    let mut line = format!(
        "#{} {} by {} ({}): {} {} as {}, {} records, {} bytes to {}",
        e.id,
        e.at,
        e.author,
        e.office,
        name(e.kind.map(|k| k.as_str())),
        name(e.profile.map(|p| p.as_str())),
        name(e.format.map(|f| f.as_str())),
        e.records,
        e.bytes,
        e.file
    );
    if let (Some(k), Some(s)) = (e.k, e.suppressed) {
        line.push_str(&format!(", k = {k}, {s} cells suppressed"));
    }
    if let Some(f) = &e.key_fingerprint {
        line.push_str(&format!(", key {f}"));
    }
    if !e.confirmed.is_empty() {
        line.push_str(&format!(", confirmed {}", e.confirmed.join(" ")));
    }
    line
}

fn verify(n: &Nansen, out: &Out) -> Result<()> {
    let checks = n.verify_log()?;
    out.show(&checks, || {
        checks
            .iter()
            .map(describe_check)
            .collect::<Vec<_>>()
            .join("\n")
    });
    if checks.iter().any(|c| !c.chain_intact) {
        return Err(Error::crypto(m::log_tampered()));
    }
    Ok(())
}

fn describe_check(c: &ChainCheck) -> String {
    format!(
        "{} ({}): {} changes, chain {}, signed through {}",
        c.device,
        c.office.as_deref().unwrap_or_default(),
        c.changes,
        if c.chain_intact { "intact" } else { "BROKEN" },
        c.signed_through
    )
}
