//! The store itself: `init`, `info`, `digest`, `rebuild`, `demo`, `vocab`,
//! `passphrase`, `backup`, `restore` and `panic`.

use crate::cli::{BackupArgs, InitArgs, PanicArgs, PassphraseArgs, RestoreArgs};
use crate::messages as m;
use crate::output::Out;
use crate::session::{self, open, Global};
use nansen_core::api::DemoReport;
use nansen_core::api::{Info, InitOptions};
use nansen_core::domain::vocab::Vocabularies;
use nansen_core::oplog::Rebuilt;
use nansen_core::store::{self, keyfile::KdfProfile};
use nansen_core::{Error, Nansen, Result};
use serde_json::json;

pub fn init(args: InitArgs, global: &Global, out: &Out) -> Result<()> {
    let InitArgs { office, hq } = args;
    let dir = global.store_dir();
    if store::is_initialised(&dir) {
        return Err(Error::AlreadyInitialised(
            store::messages::already_initialised(dir.display()),
        ));
    }
    let pass = match session::given_passphrase(global)? {
        Some(p) => p,
        None => {
            eprintln!("If you forget this passphrase, the records on this computer can be recovered only from headquarters' copies.");
            session::new_passphrase(None)?
        }
    };
    let user = global
        .user()
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
    out.show(&info, || describe_created(&info, hq));
    Ok(())
}

fn describe_created(info: &Info, hq: bool) -> String {
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
}

pub fn info(global: &Global, out: &Out) -> Result<()> {
    let info = open(global)?.info()?;
    out.show(&info, || describe_info(&info));
    Ok(())
}

fn describe_info(info: &Info) -> String {
    let mut s = format!(
        "device:   {}\noffice:   {}\nuser:     {}\nrole:     {}\nstore:    {} (schema {})\nsequence: {}\n",
        info.device,
        info.office,
        info.user,
        info.role.as_deref().unwrap_or("not enrolled"),
        info.data_dir.display(),
        info.schema_version,
        info.sequence
    );
    for o in &info.version_vector {
        s.push_str(&format!(
            "  holds {} changes of {} ({})\n",
            o.seq,
            o.device,
            o.office.as_deref().unwrap_or("?")
        ));
    }
    for (kind, count) in &info.records {
        s.push_str(&format!("{kind}: {count}\n"));
    }
    s.push_str(&format!(
        "waiting changes: {}\nheld changes: {}\nconflicts: {}\npossible duplicates: {}\n",
        info.waiting_changes, info.held_changes, info.conflicts, info.possible_duplicates
    ));
    s
}

pub fn digest(global: &Global, out: &Out) -> Result<()> {
    let d = open(global)?.digest()?;
    out.show(&json!({"digest": d}), || d.clone());
    Ok(())
}

pub fn rebuild(global: &Global, out: &Out) -> Result<()> {
    let r = open(global)?.rebuild()?;
    out.show(&r, || describe_rebuild(&r));
    if r.digest_before != r.digest_after {
        return Err(Error::invalid(m::rebuild_differs()));
    }
    Ok(())
}

fn describe_rebuild(r: &Rebuilt) -> String {
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
}

pub fn demo(global: &Global, out: &Out) -> Result<()> {
    let r = open(global)?.load_demo()?;
    out.show(&r, || describe_demo(&r));
    Ok(())
}

fn describe_demo(r: &DemoReport) -> String {
    format!(
        "loaded sample data (fictional people): {} persons, {} groups, {} events, {} statuses, {} interventions",
        r.persons, r.groups, r.events, r.statuses, r.interventions
    )
}

pub fn vocab(global: &Global, out: &Out) -> Result<()> {
    let n = open(global)?;
    let v = n.vocabularies();
    out.show(v, || describe_vocab(v));
    Ok(())
}

fn describe_vocab(v: &Vocabularies) -> String {
    let mut s = String::new();
    for (name, terms) in &v.0 {
        s.push_str(&format!("{name}:\n"));
        for t in terms {
            s.push_str(&format!("  {} — {}\n", t.term, t.labels().join(" / ")));
        }
    }
    s
}

pub fn change_passphrase(args: PassphraseArgs, global: &Global, out: &Out) -> Result<()> {
    let current = session::passphrase(global)?;
    let n = open(global)?;
    let new = session::new_passphrase(args.new_passphrase_file.as_deref())?;
    let n = n.change_passphrase(&current, &new, KdfProfile::from_env())?;
    out.show(&json!({"changed": true}), || {
        format!(
            "passphrase changed; the store in {} was re-keyed",
            n.data_dir().display()
        )
    });
    Ok(())
}

pub fn backup(args: BackupArgs, global: &Global, out: &Out) -> Result<()> {
    if !store::is_initialised(&global.store_dir()) {
        return Err(store::not_initialised(&global.store_dir()));
    }
    let current = session::passphrase(global)?;
    let n = session::open_with(global, &current)?;
    let other = session::other_passphrase(
        args.backup_passphrase_file.as_deref(),
        "NANSEN_BACKUP_PASSPHRASE",
        args.ask_backup_passphrase,
    )?;
    let r = n.backup(
        &args.out,
        &current,
        other.as_ref().map(|p| p.as_str()),
        KdfProfile::from_env(),
    )?;
    out.show(&r, || {
        format!(
            "wrote {} ({} bytes, {} attachment files), encrypted under {}.\nKeep it away from this laptop; it opens with that passphrase alone.",
            r.path.display(),
            r.bytes,
            r.attachments,
            if r.store_passphrase {
                "this store's passphrase"
            } else {
                "the passphrase given for it"
            }
        )
    });
    Ok(())
}

pub fn restore(args: RestoreArgs, global: &Global, out: &Out) -> Result<()> {
    let dir = global.store_dir();
    let pass = session::passphrase(global)?;
    let (_, r) = Nansen::restore_backup(&dir, &args.file, &pass, KdfProfile::from_env())?;
    out.show(&r, || {
        format!(
            "restored the backup of '{}' made {} into {}.\nThis store has a new device identity ({}; it was {}), so it can never fork the old one.\n{}",
            r.office,
            r.backed_up_at,
            dir.display(),
            r.device,
            r.previous_device,
            if r.headquarters {
                "It holds the organisation key and is enrolled already. If the old laptop may be in the wrong hands: `nansen revoke` its device, then `nansen org rotate`."
            } else if r.needs_enrolment {
                "Next: enrol it again (`nansen enrol request --out FILE`, approved by headquarters); until then it cannot export."
            } else {
                ""
            }
        )
    });
    Ok(())
}

pub fn panic(args: PanicArgs, global: &Global, out: &Out) -> Result<()> {
    if !args.yes_destroy_everything {
        return Err(Error::invalid(m::panic_needs_confirmation()));
    }
    store::destroy(&global.store_dir())?;
    out.show(&json!({"destroyed": true}), || {
        "the keys are destroyed; this store can no longer be read".into()
    });
    Ok(())
}
