//! `nansen`: every Nansen operation from the command line, for scripts and for people.
//!
//! Global options: `--data-dir DIR` (or `NANSEN_DATA_DIR`), `--json` for machine-readable
//! output, `--passphrase-file FILE` (or `NANSEN_PASSPHRASE`, or a prompt), `--user NAME`
//! (or `NANSEN_USER`) to attribute changes to someone other than the store's default user.
//! Errors print one line on stderr (and `{"error": {code, message}}` with `--json`) and
//! exit with status 1; a wrong passphrase exits with 3.

mod commands;
mod output;
mod records;

use nansen_core::Error;
use output::Out;

fn main() {
    nansen_core::process::harden();
    nansen_core::fault::arm_from_env();
    let mut json = std::env::args().any(|a| a == "--json");
    if let Err(e) = commands::main_with(&mut json) {
        Out { json }.error(&e);
        std::process::exit(match e {
            Error::WrongPassphrase { .. } | Error::TooManyAttempts { .. } => 3,
            _ => 1,
        });
    }
}
