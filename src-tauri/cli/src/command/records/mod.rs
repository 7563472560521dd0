//! `nansen <kind> list|show|add|edit|delete|restore`, built from the domain specs, so
//! every field of every kind has a flag without a second list of fields to keep in step.
//!
//! Flags take plain text; fields that need structure have a short form:
//!
//! | what                        | flag form                 | example                          |
//! |-----------------------------|---------------------------|----------------------------------|
//! | a name                      | `TEXT@LANG`               | `--name 'Азиз Каримов@uz-Cyrl'`  |
//! | coordinates                 | `LAT,LON`                 | `--coordinates 40.53,72.80`      |
//! | an alias                    | `TEXT@LANG`               | `--alias 'Aziz Karimov@uz-Latn'` |
//! | an identifier               | `TYPE=VALUE`              | `--identifier passport=AB123`    |
//! | a family link               | `RELATION=PERSON_ID`      | `--family spouse=0193…`          |
//! | a source link               | `SOURCE_ID` or `ID#fact`  | `--source 0193…#birth_date`      |
//! | a group member              | `PERSON_ID`               | `--member 0193…`                 |
//! | an involvement              | `ROLE=ID`, or `--victim ID`, `--perpetrator ID`, `--witness ID`, `--requesting-authority ID` |
//! | what an intervention concerns / what a file is attached to | `ID` |             |
//!
//! Any link value may also be a JSON object. `--from-json FILE` (or `-` for stdin)
//! reads the whole record as JSON; flags given as well override it.
//!
//! | module     | what it does                                        |
//! |------------|-----------------------------------------------------|
//! | `args`     | the clap definition of each kind's commands         |
//! | `input`    | flags and `--from-json` to the core's JSON input    |
//! | `describe` | the human text of lists and pages                   |
//! | `import`   | `person import`: persons from a spreadsheet          |

mod args;
mod describe;
mod import;
mod input;

pub use args::command;

use crate::messages as m;
use crate::output::Out;
use crate::session::{open, Global};
use clap::ArgMatches;
use input::{input, record_id};
use nansen_core::api::{ListQuery, PersonQuery};
use nansen_core::domain::Kind;
use nansen_core::error::messages::writing;
use nansen_core::{Error, Nansen, Result};
use serde_json::json;
use std::path::PathBuf;

pub fn run(kind: Kind, m: &ArgMatches, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    let (verb, sub) = m.subcommand().expect("subcommand required");
    match verb {
        "list" if kind == Kind::Person => list_persons(&n, sub, out),
        "list" => list(&n, kind, sub, out),
        "show" => show(&n, kind, sub, out),
        "add" => add(&mut n, kind, sub, out),
        "edit" => edit(&mut n, kind, sub, out),
        "delete" => delete(&mut n, kind, sub, out),
        "restore" => restore(&mut n, kind, sub, out),
        "get" => get_attachment(&n, sub, out),
        "import" => import::run(&mut n, sub, out),
        _ => unreachable!("clap checks subcommands"),
    }
}

fn list_persons(n: &Nansen, m: &ArgMatches, out: &Out) -> Result<()> {
    let q = PersonQuery {
        q: m.get_one::<String>("q").cloned(),
        status: m.get_one::<String>("status").cloned(),
        location: m.get_one::<String>("location").cloned(),
        group: m.get_one::<String>("group").cloned(),
        include_deleted: m.get_flag("deleted"),
        limit: m.get_one::<usize>("limit").copied(),
        after: m.get_one::<String>("after").cloned(),
    };
    out.page(&n.person_list(&q)?, describe::person_line);
    Ok(())
}

fn list(n: &Nansen, kind: Kind, m: &ArgMatches, out: &Out) -> Result<()> {
    let q = ListQuery {
        q: m.get_one::<String>("q").cloned(),
        include_deleted: m.get_flag("deleted"),
        limit: m.get_one::<usize>("limit").copied(),
        after: m.get_one::<String>("after").cloned(),
    };
    out.page(&n.list(kind, &q)?, describe::record_line);
    Ok(())
}

fn show(n: &Nansen, kind: Kind, m: &ArgMatches, out: &Out) -> Result<()> {
    let id = record_id(m)?;
    match kind {
        Kind::Person => {
            let page = n.person_page(id)?;
            out.show(&page, || describe::person(&page));
        }
        Kind::Group => {
            let page = n.group_page(id)?;
            out.show(&page, || describe::group(&page));
        }
        _ => {
            let view = n.get(kind, id)?;
            out.show(&view, || describe::record(&view));
        }
    }
    Ok(())
}

fn add(n: &mut Nansen, kind: Kind, m: &ArgMatches, out: &Out) -> Result<()> {
    let input = input(kind, m, false)?;
    let id = if kind == Kind::Attachment {
        let file = PathBuf::from(m.get_one::<String>("file").expect("required"));
        n.attachment_add(&file, &input)?
    } else {
        n.add(kind, &input)?
    };
    out.show(&json!({"id": id, "kind": kind}), || id.to_string());
    Ok(())
}

fn edit(n: &mut Nansen, kind: Kind, m: &ArgMatches, out: &Out) -> Result<()> {
    let id = record_id(m)?;
    let input = input(kind, m, true)?;
    let ops = n.edit(kind, id, &input)?;
    out.show(&json!({"id": id, "ops": ops}), || {
        if ops == 0 {
            "nothing to change".into()
        } else {
            format!("{kind} {id} updated")
        }
    });
    Ok(())
}

fn delete(n: &mut Nansen, kind: Kind, m: &ArgMatches, out: &Out) -> Result<()> {
    let id = record_id(m)?;
    n.delete(kind, id)?;
    out.show(&json!({"id": id, "deleted": true}), || {
        format!("{kind} {id} deleted (restore brings it back)")
    });
    Ok(())
}

fn restore(n: &mut Nansen, kind: Kind, m: &ArgMatches, out: &Out) -> Result<()> {
    let id = record_id(m)?;
    n.restore(kind, id)?;
    out.show(&json!({"id": id, "deleted": false}), || {
        format!("{kind} {id} restored")
    });
    Ok(())
}

fn get_attachment(n: &Nansen, m: &ArgMatches, out: &Out) -> Result<()> {
    let id = record_id(m)?;
    let path = PathBuf::from(m.get_one::<String>("out").expect("required"));
    // Attachment files travel separately from their records, and may not be here yet.
    let (mime, bytes) = n
        .attachment_content(id)?
        .ok_or_else(|| Error::invalid(m::attachment_file_not_here()))?;
    std::fs::write(&path, &bytes).map_err(|e| Error::io(writing(path.display()), e))?;
    out.show(
        &json!({"id": id, "mime": mime, "bytes": bytes.len(), "path": path}),
        || format!("wrote {} bytes ({mime}) to {}", bytes.len(), path.display()),
    );
    Ok(())
}
