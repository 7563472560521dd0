//! What every command needs to reach a store: the global options, the data directory,
//! the passphrase (held in memory that is wiped on drop), and the store opened for the
//! right person.

use crate::messages as m;
use clap::Args;
use nansen_core::error::messages::reading;
use nansen_core::store::{self, resolve_data_dir};
use nansen_core::{Error, Nansen, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

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

impl Global {
    /// `--data-dir`, else `NANSEN_DATA_DIR`, else the platform's data directory.
    pub fn store_dir(&self) -> PathBuf {
        resolve_data_dir(self.data_dir.as_deref())
    }

    /// `--user`, else `NANSEN_USER`; `None` leaves the store's own user.
    pub fn user(&self) -> Option<String> {
        self.user
            .clone()
            .or_else(|| std::env::var("NANSEN_USER").ok())
    }
}

/// A passphrase, wiped from memory when dropped.
pub type Secret = Zeroizing<String>;

fn read_secret_file(path: &Path) -> Result<Secret> {
    let s = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| Error::io(reading(path.display()), e))?,
    );
    Ok(Zeroizing::new(s.trim_end_matches(['\n', '\r']).to_string()))
}

fn prompt(label: &str) -> Result<Secret> {
    // Without a terminal the prompt would block a script forever.
    if !std::io::stdin().is_terminal() {
        return Err(Error::PassphraseRequired(
            store::messages::passphrase_required(),
        ));
    }
    rpassword::prompt_password(label)
        .map(Zeroizing::new)
        .map_err(|e| Error::io(m::reading_passphrase(), e))
}

/// The passphrase given without asking: `--passphrase-file`, else `NANSEN_PASSPHRASE`.
pub fn given_passphrase(global: &Global) -> Result<Option<Secret>> {
    if let Some(f) = &global.passphrase_file {
        return read_secret_file(f).map(Some);
    }
    Ok(std::env::var("NANSEN_PASSPHRASE").ok().map(Zeroizing::new))
}

/// The passphrase of the store: given, or else asked for.
pub fn passphrase(global: &Global) -> Result<Secret> {
    match given_passphrase(global)? {
        Some(p) => Ok(p),
        None => prompt("Passphrase: "),
    }
}

/// A new passphrase: from `file`, else `NANSEN_NEW_PASSPHRASE`, else asked for twice,
/// with its strength shown so that a weak one can be reconsidered before it is used.
pub fn new_passphrase(file: Option<&Path>) -> Result<Secret> {
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
        return Err(Error::invalid(m::passphrases_differ()));
    }
    Ok(first)
}

/// A second passphrase, when one is given: from `file`, else the environment variable
/// `env`, else asked for twice when `ask`; `None` when none of them is.
pub fn other_passphrase(file: Option<&Path>, env: &str, ask: bool) -> Result<Option<Secret>> {
    if let Some(f) = file {
        return read_secret_file(f).map(Some);
    }
    if let Ok(p) = std::env::var(env) {
        return Ok(Some(Zeroizing::new(p)));
    }
    if !ask {
        return Ok(None);
    }
    let first = prompt("Backup passphrase: ")?;
    let again = prompt("Repeat it: ")?;
    if *first != *again {
        return Err(Error::invalid(m::passphrases_differ()));
    }
    Ok(Some(first))
}

/// Opens the store, attributing changes to `--user` or `NANSEN_USER` when given.
pub fn open(global: &Global) -> Result<Nansen> {
    // Checked first so that a missing store is reported as such, not as a passphrase
    // prompt or a wrong passphrase.
    let dir = global.store_dir();
    if !store::is_initialised(&dir) {
        return Err(store::not_initialised(&dir));
    }
    open_with(global, &passphrase(global)?)
}

/// Opens the store with a passphrase already read, as [`open`] does.
pub fn open_with(global: &Global, passphrase: &str) -> Result<Nansen> {
    let dir = global.store_dir();
    if !store::is_initialised(&dir) {
        return Err(store::not_initialised(&dir));
    }
    let mut n = Nansen::open(&dir, passphrase)?;
    if let Some(user) = global.user() {
        n.set_session_user(&user)?;
    }
    Ok(n)
}
