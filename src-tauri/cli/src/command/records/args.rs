//! The clap definition of `nansen <kind> …`, built from the kind's spec. The argument
//! ids made here are what `input` reads back, so both go through the functions below.

use clap::{Arg, ArgAction, Command};
use nansen_core::domain::schema::JUDGEMENTS;
use nansen_core::domain::{FieldType, Kind, LinkSpec};

/// The event flags that add an involvement with a fixed role: (flag, role).
pub const ROLE_FLAGS: &[(&str, &str)] = &[
    ("victim", "victim"),
    ("perpetrator", "perpetrator"),
    ("witness", "witness"),
    ("requesting-authority", "requesting_authority"),
];

/// The id of the argument that sets field `name`.
pub fn field_id(name: &str) -> String {
    format!("field:{name}")
}

/// The id of the argument that adds to (`add`) or removes from (`remove`) link set `name`.
pub fn link_id(section: &str, name: &str) -> String {
    format!("{section}:{name}")
}

/// The id of the argument of a [`ROLE_FLAGS`] flag.
pub fn role_id(flag: &str) -> String {
    format!("role:{flag}")
}

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

fn field_help(ty: FieldType) -> String {
    match ty {
        FieldType::Vocab { vocab } => format!("a term of the '{vocab}' vocabulary"),
        FieldType::Ref { kind } => format!("the id of a {kind}"),
        FieldType::Date => "EDTF: 2005-05-13, 2005-05, 2005, 2005~, 2005-06-09/2005-06-12".into(),
        _ => String::new(),
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

/// The flags of `add` (`editing` false) or `edit`: one per field and per link set.
fn record_args(kind: Kind, editing: bool) -> Vec<Arg> {
    let spec = kind.spec();
    let mut args = Vec::new();
    // `deleted` has its own commands; an attachment's hash comes from its file.
    for field in spec
        .fields
        .iter()
        .filter(|f| f.name != "deleted" && !(kind == Kind::Attachment && f.name == "hash"))
    {
        args.push(
            Arg::new(field_id(field.name))
                .long(dashed(field.name))
                .allow_negative_numbers(matches!(
                    field.ty,
                    FieldType::Int { .. } | FieldType::Coordinates
                ))
                .value_name(field_hint(field.ty))
                .help(field_help(field.ty)),
        );
    }
    // Judgements are made with merge, unmerge and not-same, not by an edit.
    for link in spec.links.iter().filter(|l| l.name != JUDGEMENTS) {
        args.push(
            Arg::new(link_id("add", link.name))
                .long(dashed(link.flag))
                .value_name(link_hint(link))
                .action(ArgAction::Append)
                .help(format!("add to {}", link.name.replace('_', " "))),
        );
        if editing {
            args.push(
                Arg::new(link_id("remove", link.name))
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
                Arg::new(role_id(flag))
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

/// `--limit` and `--after`: which page of a list.
pub fn page_args() -> [Arg; 2] {
    [
        Arg::new("limit")
            .long("limit")
            .value_name("N")
            .value_parser(clap::value_parser!(usize))
            .help("rows per page (default 100, at most 1000)"),
        Arg::new("after")
            .long("after")
            .value_name("CURSOR")
            .help("the page after this cursor (printed under the page before)"),
    ]
}

fn list_command(kind: Kind) -> Command {
    let list = Command::new("list")
        .about(format!("list {}", kind.spec().plural))
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
        )
        .args(page_args());
    if kind != Kind::Person {
        return list;
    }
    list.arg(
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
    )
}

fn add_command(kind: Kind) -> Command {
    let add = Command::new("add")
        .about(format!("add a {kind}"))
        .args(record_args(kind, false));
    if kind != Kind::Attachment {
        return add;
    }
    add.arg(
        Arg::new("file")
            .long("file")
            .value_name("PATH")
            .required(true)
            .help("the file to attach"),
    )
}

/// `nansen <kind>` and its verbs.
pub fn command(kind: Kind) -> Command {
    let cmd = Command::new(kind.spec().name)
        .about(format!("{} records", kind))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(list_command(kind))
        .subcommand(
            Command::new("show")
                .about(format!("show a {kind}"))
                .arg(id_arg()),
        )
        .subcommand(add_command(kind))
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
    if kind == Kind::Person {
        return cmd.subcommand(super::import::command());
    }
    if kind != Kind::Attachment {
        return cmd;
    }
    cmd.subcommand(
        Command::new("get")
            .about("write an attachment's file")
            .arg(id_arg())
            .arg(
                Arg::new("out")
                    .long("out")
                    .value_name("FILE")
                    .required(true),
            ),
    )
}
