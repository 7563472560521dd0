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

use crate::commands::{open, Global};
use crate::output::{text, Out};
use clap::{Arg, ArgAction, ArgMatches, Command};
use nansen_core::api::{ListQuery, PersonQuery};
use nansen_core::domain::{FieldType, Kind, LinkSpec};
use nansen_core::ids::parse_id;
use nansen_core::{Error, Result};
use serde_json::{json, Map, Value};
use std::io::Read;
use std::path::PathBuf;

const ROLE_FLAGS: &[(&str, &str)] = &[
    ("victim", "victim"),
    ("perpetrator", "perpetrator"),
    ("witness", "witness"),
    ("requesting-authority", "requesting_authority"),
];

fn dashed(s: &str) -> String {
    s.replace('_', "-")
}

fn field_hint(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Name => "TEXT@LANG",
        FieldType::Date => "DATE",
        FieldType::Ref { .. } => "ID",
        FieldType::Vocab { .. } => "TERM",
        FieldType::Int { .. } => "N",
        FieldType::Bool => "true|false",
        FieldType::Coordinates => "LAT,LON",
        FieldType::Hash => "HASH",
        FieldType::Text | FieldType::LongText => "TEXT",
    }
}

fn link_hint(link: &LinkSpec) -> &'static str {
    match link.name {
        "aliases" => "TEXT@LANG",
        "identifiers" => "TYPE=VALUE",
        "family" => "RELATION=ID",
        "sources" => "SOURCE_ID[#FACT]",
        "involvements" => "ROLE=ID",
        _ => "ID",
    }
}

fn record_args(kind: Kind, editing: bool) -> Vec<Arg> {
    let spec = kind.spec();
    let mut args = Vec::new();
    for field in spec
        .fields
        .iter()
        .filter(|f| f.name != "deleted" && !(kind == Kind::Attachment && f.name == "hash"))
    {
        args.push(
            Arg::new(format!("field:{}", field.name))
                .long(dashed(field.name))
                .allow_negative_numbers(matches!(
                    field.ty,
                    FieldType::Int { .. } | FieldType::Coordinates
                ))
                .value_name(field_hint(field.ty))
                .help(match field.ty {
                    FieldType::Vocab { vocab } => format!("a term of the '{vocab}' vocabulary"),
                    FieldType::Ref { kind } => format!("the id of a {kind}"),
                    FieldType::Date => {
                        "EDTF: 2005-05-13, 2005-05, 2005, 2005~, 2005-06-09/2005-06-12".into()
                    }
                    _ => String::new(),
                }),
        );
    }
    for link in spec.links {
        args.push(
            Arg::new(format!("add:{}", link.name))
                .long(dashed(link.flag))
                .value_name(link_hint(link))
                .action(ArgAction::Append)
                .help(format!("add to {}", link.name.replace('_', " "))),
        );
        if editing {
            args.push(
                Arg::new(format!("remove:{}", link.name))
                    .long(format!("remove-{}", dashed(link.flag)))
                    .value_name(link_hint(link))
                    .action(ArgAction::Append)
                    .help(format!("remove from {}", link.name.replace('_', " "))),
            );
        }
    }
    if kind == Kind::Event {
        for (flag, _) in ROLE_FLAGS {
            args.push(
                Arg::new(format!("role:{flag}"))
                    .long(*flag)
                    .value_name("ID")
                    .action(ArgAction::Append)
                    .help(format!(
                        "add a {} (a person, group or actor)",
                        flag.replace('-', " ")
                    )),
            );
        }
    }
    if editing {
        args.push(
            Arg::new("clear")
                .long("clear")
                .value_name("FIELD")
                .action(ArgAction::Append)
                .help("clear a field"),
        );
    } else {
        args.push(
            Arg::new("id")
                .long("id")
                .value_name("UUID")
                .help("create the record with this id"),
        );
    }
    args.push(
        Arg::new("from-json")
            .long("from-json")
            .value_name("FILE|-")
            .help("read the record as JSON from FILE, or from stdin with -"),
    );
    args
}

fn id_arg() -> Arg {
    Arg::new("record-id").value_name("ID").required(true)
}

pub fn command(kind: Kind) -> Command {
    let spec = kind.spec();
    let mut list = Command::new("list")
        .about(format!("list {}", spec.plural))
        .arg(
            Arg::new("q")
                .long("q")
                .alias("search")
                .value_name("TEXT")
                .help("search names in any script or spelling"),
        )
        .arg(
            Arg::new("deleted")
                .long("deleted")
                .action(ArgAction::SetTrue)
                .help("include deleted records"),
        );
    if kind == Kind::Person {
        list = list
            .arg(
                Arg::new("status")
                    .long("status")
                    .value_name("TERM")
                    .help("only this current protection status"),
            )
            .arg(
                Arg::new("location")
                    .long("location")
                    .value_name("ID")
                    .help("only persons currently there"),
            )
            .arg(
                Arg::new("group")
                    .long("group")
                    .value_name("ID")
                    .help("only members of this group"),
            );
    }
    let mut add = Command::new("add")
        .about(format!("add a {kind}"))
        .args(record_args(kind, false));
    if kind == Kind::Attachment {
        add = add.arg(
            Arg::new("file")
                .long("file")
                .value_name("PATH")
                .required(true)
                .help("the file to attach"),
        );
    }
    let mut cmd = Command::new(spec.name)
        .about(format!("{} records", kind))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(list)
        .subcommand(
            Command::new("show")
                .about(format!("show a {kind}"))
                .arg(id_arg()),
        )
        .subcommand(add)
        .subcommand(
            Command::new("edit")
                .about(format!("edit a {kind}"))
                .arg(id_arg())
                .args(record_args(kind, true)),
        )
        .subcommand(
            Command::new("delete")
                .about(format!("delete a {kind} (a tombstone: it can be restored)"))
                .arg(id_arg()),
        )
        .subcommand(
            Command::new("restore")
                .about(format!("restore a deleted {kind}"))
                .arg(id_arg()),
        );
    if kind == Kind::Attachment {
        cmd = cmd.subcommand(
            Command::new("get")
                .about("write an attachment's file")
                .arg(id_arg())
                .arg(
                    Arg::new("out")
                        .long("out")
                        .value_name("FILE")
                        .required(true),
                ),
        );
    }
    cmd
}

fn split_last<'a>(s: &'a str, sep: char, what: &str) -> Result<(&'a str, &'a str)> {
    s.rsplit_once(sep)
        .filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
        .ok_or_else(|| Error::invalid(format!("'{s}' is not {what}")))
}

fn field_value(ty: FieldType, raw: &str) -> Result<Value> {
    Ok(match ty {
        FieldType::Name => match raw.rsplit_once('@') {
            Some((t, l)) if nansen_core::domain::schema::check_lang_tag(l.trim()).is_ok() => {
                json!({"text": t, "lang": l.trim()})
            }
            _ => json!({"text": raw, "lang": "und"}),
        },
        FieldType::Coordinates => {
            let (lat, lon) = split_last(raw, ',', "LAT,LON")?;
            let p = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| Error::invalid(format!("'{raw}' is not LAT,LON")))
            };
            json!({"lat": p(lat)?, "lon": p(lon)?})
        }
        FieldType::Int { .. } => json!(raw
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::invalid(format!("'{raw}' is not a whole number")))?),
        FieldType::Bool => match raw.trim() {
            "true" | "yes" => json!(true),
            "false" | "no" => json!(false),
            _ => return Err(Error::invalid(format!("'{raw}' is not true or false"))),
        },
        _ => json!(raw),
    })
}

fn link_value(link: &LinkSpec, raw: &str) -> Result<Value> {
    if raw.trim_start().starts_with('{') {
        return Ok(serde_json::from_str(raw)?);
    }
    Ok(match link.name {
        "aliases" => {
            let (t, l) = split_last(raw, '@', "TEXT@LANG (e.g. 'Abdullaev@uz-Latn')")?;
            json!({"text": t, "lang": l.trim()})
        }
        "identifiers" => {
            let (t, v) = raw
                .split_once('=')
                .ok_or_else(|| Error::invalid(format!("'{raw}' is not TYPE=VALUE")))?;
            json!({"type": t.trim(), "value": v.trim()})
        }
        "family" => {
            let (r, id) = raw
                .split_once('=')
                .ok_or_else(|| Error::invalid(format!("'{raw}' is not RELATION=ID")))?;
            json!({"relation": r.trim(), "person": id.trim()})
        }
        "sources" => match raw.split_once('#') {
            Some((id, fact)) => json!({"source": id.trim(), "fact": fact.trim()}),
            None => json!({"source": raw.trim()}),
        },
        "members" => json!({"person": raw.trim()}),
        "involvements" => {
            let (role, id) = raw
                .split_once('=')
                .ok_or_else(|| Error::invalid(format!("'{raw}' is not ROLE=ID")))?;
            json!({"role": role.trim(), "record": id.trim()})
        }
        _ => json!({"record": raw.trim()}),
    })
}

fn read_json(source: &str) -> Result<Value> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Error::io("reading stdin", e))?;
        s
    } else {
        std::fs::read_to_string(source).map_err(|e| Error::io(format!("reading {source}"), e))?
    };
    let v: Value = serde_json::from_str(&text)?;
    if !v.is_object() {
        return Err(Error::invalid("the JSON must be an object"));
    }
    Ok(v)
}

/// Builds the JSON input of an add or edit from `--from-json` and the flags.
fn input(kind: Kind, m: &ArgMatches, editing: bool) -> Result<Value> {
    let spec = kind.spec();
    let mut obj: Map<String, Value> = match m.get_one::<String>("from-json") {
        Some(src) => read_json(src)?.as_object().cloned().unwrap_or_default(),
        None => Map::new(),
    };
    for field in spec.fields {
        if let Ok(Some(raw)) = m.try_get_one::<String>(&format!("field:{}", field.name)) {
            obj.insert(field.name.into(), field_value(field.ty, raw)?);
        }
    }
    if editing {
        if let Some(cleared) = m.get_many::<String>("clear") {
            for f in cleared {
                let name = f.replace('-', "_");
                spec.field(&name)?;
                obj.insert(name, Value::Null);
            }
        }
    } else if let Some(id) = m.get_one::<String>("id") {
        obj.insert("id".into(), json!(id));
    }
    let mut added: Map<String, Value> = Map::new();
    let mut removed: Map<String, Value> = Map::new();
    for link in spec.links {
        for (section, target) in [("add", &mut added), ("remove", &mut removed)] {
            let Ok(Some(values)) = m.try_get_many::<String>(&format!("{section}:{}", link.name))
            else {
                continue;
            };
            let list = target.entry(link.name).or_insert_with(|| json!([]));
            for raw in values {
                list.as_array_mut()
                    .expect("array")
                    .push(link_value(link, raw)?);
            }
        }
    }
    if kind == Kind::Event {
        for (flag, role) in ROLE_FLAGS {
            if let Ok(Some(ids)) = m.try_get_many::<String>(&format!("role:{flag}")) {
                let list = added.entry("involvements").or_insert_with(|| json!([]));
                for id in ids {
                    list.as_array_mut()
                        .expect("array")
                        .push(json!({"role": role, "record": id.trim()}));
                }
            }
        }
    }
    if editing {
        if !added.is_empty() {
            obj.insert("add".into(), Value::Object(added));
        }
        if !removed.is_empty() {
            obj.insert("remove".into(), Value::Object(removed));
        }
    } else {
        for (name, list) in added {
            let entry = obj.entry(name).or_insert_with(|| json!([]));
            match entry.as_array_mut() {
                Some(existing) => existing.extend(list.as_array().cloned().unwrap_or_default()),
                None => return Err(Error::invalid("a link set in the JSON must be a list")),
            }
        }
    }
    Ok(Value::Object(obj))
}

fn record_id(m: &ArgMatches) -> Result<uuid::Uuid> {
    parse_id(
        "record",
        m.get_one::<String>("record-id")
            .map(String::as_str)
            .unwrap_or_default(),
    )
}

pub fn run(kind: Kind, m: &ArgMatches, global: &Global, out: &Out) -> Result<()> {
    let mut n = open(global)?;
    let (verb, sub) = m.subcommand().expect("subcommand required");
    match verb {
        "list" => {
            if kind == Kind::Person {
                let q = PersonQuery {
                    q: sub.get_one::<String>("q").cloned(),
                    status: sub.get_one::<String>("status").cloned(),
                    location: sub.get_one::<String>("location").cloned(),
                    group: sub.get_one::<String>("group").cloned(),
                    include_deleted: sub.get_flag("deleted"),
                };
                let list = n.person_list(&q)?;
                out.show(&list, || {
                    list.iter()
                        .map(|p| {
                            let status = p
                                .protection
                                .as_ref()
                                .map(|s| {
                                    format!(
                                        "{}{}",
                                        s.value,
                                        if s.imminent { " (imminent)" } else { "" }
                                    )
                                })
                                .unwrap_or_else(|| "—".into());
                            let place = p.location_label.clone().unwrap_or_default();
                            format!(
                                "{}  {}  {}  {}{}",
                                p.id,
                                p.label,
                                status,
                                place,
                                if p.in_conflict { "  [conflict]" } else { "" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            } else {
                let q = ListQuery {
                    q: sub.get_one::<String>("q").cloned(),
                    include_deleted: sub.get_flag("deleted"),
                    limit: None,
                };
                let list = n.list(kind, &q)?;
                out.show(&list, || {
                    list.iter()
                        .map(|r| {
                            format!(
                                "{}  {}{}{}",
                                r.id,
                                r.label,
                                if r.deleted { "  [deleted]" } else { "" },
                                if r.in_conflict { "  [conflict]" } else { "" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            }
        }
        "show" => {
            let id = record_id(sub)?;
            match kind {
                Kind::Person => {
                    let page = n.person_page(id)?;
                    out.show(&page, || crate::commands::describe_person(&page));
                }
                Kind::Group => {
                    let page = n.group_page(id)?;
                    out.show(&page, || {
                        let mut s = crate::commands::describe_record(&page.record);
                        s.push_str(&format!(
                            "\nidentified: {} of {}\n",
                            page.identified,
                            page.asserted_count
                                .map(|c| c.to_string())
                                .unwrap_or_else(|| "?".into())
                        ));
                        for m in &page.members {
                            s.push_str(&format!("  member {}  {}\n", m.id, m.label));
                        }
                        s
                    });
                }
                _ => {
                    let view = n.get(kind, id)?;
                    out.show(&view, || crate::commands::describe_record(&view));
                }
            }
        }
        "add" => {
            let input = input(kind, sub, false)?;
            let id = if kind == Kind::Attachment {
                let file = PathBuf::from(sub.get_one::<String>("file").expect("required"));
                n.attachment_add(&file, &input)?
            } else {
                n.add(kind, &input)?
            };
            out.show(&json!({"id": id, "kind": kind}), || id.to_string());
        }
        "edit" => {
            let id = record_id(sub)?;
            let input = input(kind, sub, true)?;
            let ops = n.edit(kind, id, &input)?;
            out.show(&json!({"id": id, "ops": ops}), || {
                if ops == 0 {
                    "nothing to change".into()
                } else {
                    format!("{kind} {id} updated")
                }
            });
        }
        "delete" => {
            let id = record_id(sub)?;
            n.delete(kind, id)?;
            out.show(&json!({"id": id, "deleted": true}), || {
                format!("{kind} {id} deleted (restore brings it back)")
            });
        }
        "restore" => {
            let id = record_id(sub)?;
            n.restore(kind, id)?;
            out.show(&json!({"id": id, "deleted": false}), || {
                format!("{kind} {id} restored")
            });
        }
        "get" => {
            let id = record_id(sub)?;
            let path = PathBuf::from(sub.get_one::<String>("out").expect("required"));
            let (mime, bytes) = n.attachment_content(id)?.ok_or_else(|| {
                Error::invalid("this attachment's file has not reached this store")
            })?;
            std::fs::write(&path, &bytes)
                .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            out.show(
                &json!({"id": id, "mime": mime, "bytes": bytes.len(), "path": path}),
                || format!("wrote {} bytes ({mime}) to {}", bytes.len(), path.display()),
            );
        }
        _ => unreachable!("clap checks subcommands"),
    }
    let _ = text;
    Ok(())
}
