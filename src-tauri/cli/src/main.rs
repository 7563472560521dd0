//! `nansen`: every Nansen operation from the command line, for scripts and for people.
//!
//! Global options: `--data-dir DIR` (or `NANSEN_DATA_DIR`), `--json` for machine-readable
//! output, `--passphrase-file FILE` (or `NANSEN_PASSPHRASE`, or a prompt), `--user NAME`
//! (or `NANSEN_USER`) to attribute changes to someone other than the store's default user.
//! Errors print one line on stderr (and `{"error": {code, message}}` with `--json`) and
//! exit with status 1; a wrong passphrase exits with 3, and a usage error with 2.
//!
//! | module     | what it holds                                                        |
//! |------------|----------------------------------------------------------------------|
//! | `cli`      | the clap definitions of the fixed commands                           |
//! | `session`  | the global options, passphrases, opening the store                   |
//! | `output`   | printing a result as text or as JSON, and errors                     |
//! | `command`  | one module per group of commands; they never use each other          |

mod cli;
mod command;
mod messages;
mod output;
mod session;

use clap::{ArgMatches, CommandFactory, FromArgMatches};
use cli::{Cli, Cmd};
use command::{audit, deadlines, duplicates, records, report, store, sync, trust};
use nansen_core::domain::Kind;
use nansen_core::{Error, Result};
use output::Out;
use session::Global;

/// glibc's allocator spent a third of a large intake consolidating and unlinking free
/// chunks (`benches/scale.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    nansen_core::process::harden();
    nansen_core::process::exit_on_closed_pipe();
    nansen_core::fault::arm_from_env();
    // Looked for before parsing, so that an error found while parsing is JSON too.
    let mut json = std::env::args().any(|a| a == "--json");
    if let Err(e) = run(&mut json) {
        Out { json }.error(&e);
        std::process::exit(exit_code(&e));
    }
}

/// Scripts tell a wrong passphrase (3) from every other failure (1).
fn exit_code(e: &Error) -> i32 {
    match e {
        Error::WrongPassphrase { .. } | Error::TooManyAttempts { .. } => 3,
        _ => 1,
    }
}

fn run(json: &mut bool) -> Result<()> {
    let matches = parse();
    let global = Global::from_arg_matches(&matches).map_err(bad_arguments)?;
    *json = global.json;
    let out = Out { json: global.json };
    if let Some((name, sub)) = matches.subcommand() {
        if let Ok(kind) = Kind::parse(name) {
            return records::run(kind, sub, &global, &out);
        }
    }
    let cli = Cli::from_arg_matches(&matches).map_err(bad_arguments)?;
    dispatch(cli.command, &global, &out)
}

fn bad_arguments(e: clap::Error) -> Error {
    Error::invalid(messages::bad_arguments(e))
}

/// Parses the command line, record commands included. Exits after printing help or the
/// version, and with status 2 on a usage error.
fn parse() -> ArgMatches {
    let mut cmd = Cli::command();
    for kind in Kind::ALL {
        cmd = cmd.subcommand(records::command(kind));
    }
    match cmd.try_get_matches() {
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
    }
}

fn dispatch(command: Cmd, global: &Global, out: &Out) -> Result<()> {
    match command {
        Cmd::Init(args) => store::init(args, global, out),
        Cmd::Info => store::info(global, out),
        Cmd::Digest => store::digest(global, out),
        Cmd::Rebuild => store::rebuild(global, out),
        Cmd::Demo => store::demo(global, out),
        Cmd::Vocab => store::vocab(global, out),
        Cmd::Passphrase(args) => store::change_passphrase(args, global, out),
        Cmd::Panic(args) => store::panic(args, global, out),
        Cmd::Backup(args) => store::backup(args, global, out),
        Cmd::Restore(args) => store::restore(args, global, out),
        Cmd::Export(args) => sync::export(args, global, out),
        Cmd::Import(args) => sync::import(args, global, out),
        Cmd::Conflicts(page) => sync::conflicts(page, global, out),
        Cmd::Resolve(args) => sync::resolve(args, global, out),
        Cmd::Duplicates(args) => duplicates::list(args, global, out),
        Cmd::Merge(args) => duplicates::merge(args, global, out),
        Cmd::Unmerge(args) => duplicates::unmerge(args, global, out),
        Cmd::NotSame(args) => duplicates::not_same(args, global, out),
        Cmd::Peers => sync::peers(global, out),
        Cmd::Forks => sync::forks(global, out),
        Cmd::Enrol(cmd) => trust::enrol(cmd, global, out),
        Cmd::Devices => trust::devices(global, out),
        Cmd::Revoke(args) => trust::revoke(args, global, out),
        Cmd::Org(cmd) => trust::org(cmd, global, out),
        Cmd::Held => trust::held(global, out),
        Cmd::Audit(args) => audit::run(args, global, out),
        Cmd::Report(cmd) => report::run(cmd, global, out),
        Cmd::Deadlines(args) => deadlines::run(args, global, out),
    }
}
