//! Which devices belong to the organisation: `enrol request|approve|accept`,
//! `devices`, `revoke`, `org show|rotate` and `held`.

use crate::cli::{EnrolCmd, OrgCmd, RevokeArgs};
use crate::messages as m;
use crate::output::Out;
use crate::session::{open, Global};
use nansen_core::api::{HeldChange, OrgStatus};
use nansen_core::trust::enrol::EnrolmentCheck;
use nansen_core::trust::{KnownDevice, Role};
use nansen_core::{Error, Result};
use serde_json::json;
use std::io::IsTerminal;

pub fn enrol(cmd: EnrolCmd, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    match cmd {
        EnrolCmd::Request { out: path } => {
            let c = n.enrol_request(&path)?;
            out.show(
                &json!({"device": c.device, "office": c.office, "path": path, "fingerprint": c.device_fingerprint}),
                || {
                    format!(
                        "wrote {}: carry it to headquarters.\nThis device's fingerprint: {}",
                        path.display(),
                        c.device_fingerprint
                    )
                },
            );
        }
        EnrolCmd::Approve {
            request,
            out: path,
            hq,
            yes,
        } => {
            let check = n.enrol_inspect_request(&request)?;
            show_safety_number(&check, out);
            if hq && !out.json {
                eprintln!("This device will hold the organisation key: it can enrol and revoke devices and rotate the key. Approve only a headquarters laptop, in person.");
            }
            confirm("Do the numbers match?", yes)?;
            let role = if hq { Role::Hq } else { Role::Office };
            let c = n.enrol_approve(&request, &path, role)?;
            out.show(&c, || {
                format!(
                    "enrolled '{}'{}; wrote {}: carry it back to {}.",
                    c.office,
                    if hq { " as a headquarters device" } else { "" },
                    path.display(),
                    if hq {
                        "that device by hand (it holds the organisation key, encrypted to that device)"
                    } else {
                        "the office"
                    }
                )
            });
        }
        EnrolCmd::Accept { file, yes } => {
            let check = n.enrol_inspect(&file)?;
            show_safety_number(&check, out);
            confirm("Do the numbers match?", yes)?;
            let c = n.enrol_accept(&file)?;
            out.show(&c, || {
                if c.org_key_transfer {
                    "enrolled as a headquarters device: this device now holds the organisation key"
                        .into()
                } else {
                    "enrolled: this device now trusts its organisation and can exchange bundles"
                        .into()
                }
            });
        }
    }
    Ok(())
}

/// On stderr: stdout carries only the command's result.
fn show_safety_number(c: &EnrolmentCheck, out: &Out) {
    if !out.json {
        eprintln!(
            "office: {}\ndevice: {}\nsafety number:\n  {}\nCompare this number with the one shown on the other side, by voice or in person.",
            c.office, c.device, c.safety_number
        );
    }
}

/// Asks on the terminal; `yes` stands for an answer given in advance, for scripts.
fn confirm(question: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(m::confirmation_needed()));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::io(m::reading_answer(), e))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::invalid(m::not_confirmed()))
    }
}

pub fn devices(global: &Global, out: &Out) -> Result<()> {
    let list = open(global)?.devices()?;
    out.show(&list, || {
        list.iter()
            .map(describe_device)
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn describe_device(d: &KnownDevice) -> String {
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
}

pub fn revoke(args: RevokeArgs, global: &Global, out: &Out) -> Result<()> {
    let d = open(global)?.revoke(&args.device, &args.reason)?;
    out.show(&d, || {
        format!(
            "revoked {} ({}); its changes after number {} will be held back everywhere this news reaches",
            d.device,
            d.office,
            d.revoked_through.unwrap_or(0)
        )
    });
    Ok(())
}

pub fn org(cmd: OrgCmd, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    let status = match cmd {
        OrgCmd::Show => n.org_status()?,
        OrgCmd::Rotate { yes } => {
            if !out.json {
                eprintln!("A new organisation key replaces the current one, which is retired for good. Every office adopts it with its next bundle, and every safety number changes: compare each office's new number by voice or in person. A second headquarters device must be enrolled again (--hq) to hold the new key.");
            }
            confirm("Rotate the organisation key?", yes)?;
            n.rotate_org_key()?
        }
    };
    out.show(&status, || describe_org(&status));
    Ok(())
}

fn describe_org(s: &OrgStatus) -> String {
    let mut text = format!(
        "organisation key: {} (statement {}){}\n",
        s.fingerprint,
        s.serial,
        if s.holds_org_key {
            ", held by this device"
        } else {
            ""
        }
    );
    if let Some(n) = &s.safety_number {
        text.push_str(&format!("this device's safety number:\n  {n}\n"));
    }
    for r in &s.retired {
        text.push_str(&format!(
            "retired: {} (rotated at {}, statement {})\n",
            r.fingerprint, r.retired_at, r.serial
        ));
    }
    text.push_str("safety numbers:\n");
    for d in &s.devices {
        text.push_str(&format!(
            "  {} ({}, {})\n    {}\n",
            d.office, d.role, d.device, d.safety_number
        ));
    }
    text
}

pub fn held(global: &Global, out: &Out) -> Result<()> {
    let list = open(global)?.held_changes()?;
    out.show(&list, || {
        if list.is_empty() {
            return "no held changes".into();
        }
        list.iter()
            .map(describe_held)
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn describe_held(h: &HeldChange) -> String {
    format!(
        "{}:{} by {} at {} — {} ({} ops)",
        h.device,
        h.seq,
        h.author,
        h.at,
        h.reason.replace('_', " "),
        h.ops
    )
}
