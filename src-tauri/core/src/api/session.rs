//! A desktop session: the store, unlocked or locked, shared across the app's threads.
//! Locking drops the store and with it every key held in memory. The session locks
//! itself after the configured idle time, whatever the window is doing.

use super::messages as m;
use super::{Info, InitOptions, Nansen};
use crate::error::{Error, Result};
use crate::store::keyfile::KdfProfile;
use crate::store::{self, Strength};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ts_rs::TS;

pub const DEFAULT_IDLE_MINUTES: u64 = 10;

fn locked() -> Error {
    Error::Locked(crate::store::messages::locked())
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    /// No store yet: first run.
    Uninitialised,
    Locked,
    Unlocked,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionState {
    pub state: Lock,
    pub data_dir: PathBuf,
    pub version: &'static str,
    pub idle_lock_minutes: u64,
    pub info: Option<Info>,
}

/// A store restored from a backup, opened.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoredSession {
    pub session: SessionState,
    pub report: super::RestoreReport,
}

struct Inner {
    nansen: Option<Nansen>,
    /// The UI's language, applied to every store this session opens.
    lang: String,
    last_activity: Instant,
    idle: Duration,
}

pub struct Session {
    dir: PathBuf,
    inner: Mutex<Inner>,
    /// Files the web view may name, by token (see [`super::files`]).
    pub files: super::files::FileGrants,
}

impl Session {
    pub fn new(dir: &Path) -> Session {
        Session {
            dir: dir.to_path_buf(),
            inner: Mutex::new(Inner {
                nansen: None,
                lang: "en".into(),
                last_activity: Instant::now(),
                idle: Duration::from_secs(DEFAULT_IDLE_MINUTES * 60),
            }),
            files: Default::default(),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock must not brick the app: the store itself is
        // transactional, so the data behind a poisoned lock is consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn state(&self) -> Result<SessionState> {
        let inner = self.inner();
        self.state_of(&inner)
    }

    fn state_of(&self, inner: &Inner) -> Result<SessionState> {
        let state = match (&inner.nansen, store::is_initialised(&self.dir)) {
            (Some(_), _) => Lock::Unlocked,
            (None, true) => Lock::Locked,
            (None, false) => Lock::Uninitialised,
        };
        Ok(SessionState {
            state,
            data_dir: self.dir.clone(),
            version: env!("CARGO_PKG_VERSION"),
            idle_lock_minutes: inner.idle.as_secs() / 60,
            info: inner.nansen.as_ref().map(|n| n.info()).transpose()?,
        })
    }

    fn opened(&self, inner: &mut Inner, mut nansen: Nansen) -> Result<SessionState> {
        nansen.set_language(&inner.lang)?;
        let minutes = super::meta(nansen.conn(), "idle_lock_minutes")?
            .and_then(|m| m.parse().ok())
            .unwrap_or(DEFAULT_IDLE_MINUTES);
        inner.idle = Duration::from_secs(minutes * 60);
        inner.nansen = Some(nansen);
        inner.last_activity = Instant::now();
        self.state_of(inner)
    }

    /// First run: creates the store.
    pub fn setup(&self, mut opts: InitOptions) -> Result<SessionState> {
        let mut inner = self.inner();
        opts.kdf = KdfProfile::from_env();
        let nansen = Nansen::init(&self.dir, opts)?;
        self.opened(&mut inner, nansen)
    }

    /// First run, from a backup: restores it into the (empty) data dir and opens it.
    pub fn restore(&self, backup: &Path, passphrase: &str) -> Result<RestoredSession> {
        let mut inner = self.inner();
        if inner.nansen.is_some() {
            return Err(Error::AlreadyInitialised(
                crate::store::messages::restore_over_store(self.dir.display()),
            ));
        }
        let (nansen, report) =
            Nansen::restore_backup(&self.dir, backup, passphrase, KdfProfile::from_env())?;
        Ok(RestoredSession {
            session: self.opened(&mut inner, nansen)?,
            report,
        })
    }

    pub fn unlock(&self, passphrase: &str) -> Result<SessionState> {
        let mut inner = self.inner();
        if inner.nansen.is_some() {
            return self.state_of(&inner);
        }
        let nansen = Nansen::open(&self.dir, passphrase)?;
        self.opened(&mut inner, nansen)
    }

    pub fn lock(&self) -> Result<SessionState> {
        let mut inner = self.inner();
        inner.nansen = None;
        self.files.forget_all();
        self.state_of(&inner)
    }

    /// Locks when idle for longer than the configured time; true if it did.
    pub fn lock_if_idle(&self) -> bool {
        let mut inner = self.inner();
        if inner.nansen.is_some() && inner.last_activity.elapsed() >= inner.idle {
            inner.nansen = None;
            self.files.forget_all();
            return true;
        }
        false
    }

    /// Runs `f` on the unlocked store; every call counts as activity.
    pub fn with<T>(&self, f: impl FnOnce(&mut Nansen) -> Result<T>) -> Result<T> {
        let mut inner = self.inner();
        if inner.nansen.is_some() && inner.last_activity.elapsed() >= inner.idle {
            inner.nansen = None;
        }
        inner.last_activity = Instant::now();
        let nansen = inner.nansen.as_mut().ok_or_else(locked)?;
        f(nansen)
    }

    /// Runs `f` on the unlocked store for work the window does on its own (checking for
    /// duplicates after an intake). It does not count as activity: the store still
    /// locks after the idle time, however long such work goes on.
    pub fn in_background<T>(&self, f: impl FnOnce(&mut Nansen) -> Result<T>) -> Result<T> {
        let mut inner = self.inner();
        if inner.nansen.is_some() && inner.last_activity.elapsed() >= inner.idle {
            inner.nansen = None;
            self.files.forget_all();
        }
        let nansen = inner.nansen.as_mut().ok_or_else(locked)?;
        f(nansen)
    }

    /// The language of the labels the store builds (event and status labels).
    pub fn set_language(&self, lang: &str) -> Result<()> {
        let mut inner = self.inner();
        if let Some(n) = inner.nansen.as_mut() {
            n.set_language(lang)?;
        } else if !crate::domain::vocab::LANGUAGES.contains(&lang) {
            return Err(Error::invalid(m::unknown_language(lang)));
        }
        inner.lang = lang.to_string();
        Ok(())
    }

    pub fn set_idle_minutes(&self, minutes: u64) -> Result<SessionState> {
        if !(1..=240).contains(&minutes) {
            return Err(Error::invalid(m::idle_time_out_of_range(1, 240)));
        }
        let mut inner = self.inner();
        let nansen = inner.nansen.as_ref().ok_or_else(locked)?;
        super::set_meta(nansen.conn(), "idle_lock_minutes", &minutes.to_string())?;
        inner.idle = Duration::from_secs(minutes * 60);
        self.state_of(&inner)
    }

    pub fn change_passphrase(&self, current: &str, new: &str) -> Result<SessionState> {
        let mut inner = self.inner();
        let nansen = inner.nansen.take().ok_or_else(locked)?;
        let dir = nansen.data_dir().to_path_buf();
        match nansen.change_passphrase(current, new, KdfProfile::from_env()) {
            Ok(n) => {
                inner.nansen = Some(n);
                self.state_of(&inner)
            }
            Err(e) => {
                // The old store is untouched; reopen it with the current passphrase.
                inner.nansen = Nansen::open(&dir, current).ok();
                Err(e)
            }
        }
    }

    /// Destroys the keys; the store can never be read again.
    pub fn panic(&self) -> Result<SessionState> {
        let mut inner = self.inner();
        inner.nansen = None;
        store::destroy(&self.dir)?;
        self.state_of(&inner)
    }

    pub fn passphrase_strength(passphrase: &str) -> Strength {
        store::passphrase_strength(passphrase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::InitOptions;

    #[test]
    fn work_in_the_background_neither_keeps_the_store_open_nor_runs_once_it_locked() {
        let tmp = tempfile::tempdir().unwrap();
        let options = InitOptions {
            office: "Osh".into(),
            user: "monitor".into(),
            passphrase: "correct horse battery staple".into(),
            hq: false,
            kdf: KdfProfile::Test,
        };
        drop(Nansen::init(tmp.path(), options).unwrap());
        let session = Session::new(tmp.path());
        session.unlock("correct horse battery staple").unwrap();
        let idle = session.inner().idle;
        let long_ago = Instant::now() - idle / 2;
        session.inner().last_activity = long_ago;
        session.in_background(|n| n.duplicates_unchecked()).unwrap();
        assert_eq!(
            session.inner().last_activity,
            long_ago,
            "background work is not activity"
        );
        session.inner().last_activity = Instant::now() - idle;
        let e = session
            .in_background(|n| n.duplicates_unchecked())
            .unwrap_err();
        assert_eq!(e.code(), "locked");
        assert!(
            session.inner().nansen.is_none(),
            "the idle store was locked"
        );
        // What the person does still counts, and needs the passphrase again.
        assert_eq!(
            session
                .with(|n| n.duplicates_unchecked())
                .unwrap_err()
                .code(),
            "locked"
        );
    }
}
