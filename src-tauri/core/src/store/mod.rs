//! The store: one encrypted SQLite file (SQLCipher) in the data dir, opened with a key
//! unwrapped from the passphrase (see [`keyfile`]).
//!
//! Data dir layout:
//!
//! | path                   | what                                                        |
//! |------------------------|-------------------------------------------------------------|
//! | `nansen.keys`          | the wrapped store key and KDF parameters (no personal data) |
//! | `store-<id>.db` (+WAL) | the SQLCipher database the key file names                   |
//! | `attachments/`         | encrypted attachment blobs, named by a keyed hash ([`blobs`]) |
//! | `nansen.lock`          | held shared by every open store, exclusive for re-keying    |
//! | `unlock-attempts.json` | count of recent wrong passphrases                           |
//! | `.backup-<id>.db`      | while a backup is written: the database exported for it ([`backup`]) |
//! | `.restoring/`          | while a backup is restored into an empty data dir ([`backup`]) |
//!
//! Every connection sets WAL, `foreign_keys`, `busy_timeout` and in-memory temp
//! storage (so no plaintext temp file is ever written). The desktop app and the CLI may
//! have the same store open at once.

pub mod backup;
pub mod blobs;
pub mod keyfile;
pub mod messages;
pub mod migrations;
mod workload;

pub use workload::{set_workload, workload_of, Workload};

use crate::error::messages as em;
use crate::error::{Error, Result};
use keyfile::{Attempts, KdfProfile, KeyFile};
use messages as m;
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use zeroize::Zeroizing;

pub const LOCK_FILE: &str = "nansen.lock";

pub struct Store {
    pub conn: Connection,
    dir: PathBuf,
    lock: File,
}

/// `--data-dir`, else `NANSEN_DATA_DIR`, else the platform data dir
/// (`$XDG_DATA_HOME/nansen` on Linux).
pub fn resolve_data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("NANSEN_DATA_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("org", "nansen", "Nansen")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".nansen"))
}

/// This store's own settings (`meta`): device id, office, user, clock, trust root.
pub(crate) fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let mut stmt = conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
    Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?;
    stmt.execute(rusqlite::params![key, value])?;
    Ok(())
}

/// The error for a data dir with no store in it.
pub fn not_initialised(dir: &Path) -> Error {
    Error::NotInitialised(m::not_initialised(dir.display()))
}

pub fn is_initialised(dir: &Path) -> bool {
    dir.join(keyfile::KEYFILE_NAME).exists()
}

/// Key material (device and organisation keys, the attachment key): the `secrets`
/// table, which exists only inside the encrypted store.
pub(crate) fn secret(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>> {
    use rusqlite::OptionalExtension;
    let mut stmt = conn.prepare_cached("SELECT value FROM secrets WHERE name = ?1")?;
    Ok(stmt.query_row([name], |r| r.get(0)).optional()?)
}

pub(crate) fn set_secret(conn: &Connection, name: &str, value: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        rusqlite::params![name, value],
    )?;
    Ok(())
}

pub(crate) fn delete_secret(conn: &Connection, name: &str) -> Result<()> {
    conn.execute("DELETE FROM secrets WHERE name = ?1", [name])?;
    Ok(())
}

/// Writes a file next to its final name, only its owner can read, then renames it into
/// place: a full disk or a crash never leaves a half-written file under the real name.
/// The temporary file is removed if anything fails, and the folder is synced so that
/// the rename survives a power cut.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    if let Err(e) = file.file().write_all(bytes) {
        return Err(file.failed(e));
    }
    file.publish(true)
}

/// A file written beside its final name (`.NAME.partial`, only its owner can read) and
/// put in place by [`AtomicFile::publish`] once complete; dropped unpublished, it is
/// removed. Whatever fails on the way (a full disk, a crash, an error of the caller),
/// no half-written file ever stands under the real name.
pub(crate) struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(Error::invalid(m::no_such_folder(dir.display())));
        }
        let tmp = dir.join(format!(
            ".{}.partial",
            path.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        ));
        let file = private_file(&tmp).map_err(|e| Error::io(em::writing(path.display()), e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            file: Some(file),
        })
    }

    /// The temporary file, to write into.
    pub(crate) fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("open until published")
    }

    /// The error for an I/O failure while writing this file (a full disk is its own).
    pub(crate) fn failed(&self, e: std::io::Error) -> Error {
        Error::io(em::writing(self.path.display()), e)
    }

    /// Syncs the file and puts it under its real name. Without `replace`, a file that
    /// already has that name is never overwritten: the file is linked into place,
    /// which fails if the name is taken (where the file system has no hard links, a
    /// USB stick's FAT, the name is checked just before the rename instead).
    pub(crate) fn publish(mut self, replace: bool) -> Result<()> {
        let file = self.file.take().expect("published once");
        file.sync_all().map_err(|e| self.failed(e))?;
        drop(file);
        if replace {
            std::fs::rename(&self.tmp, &self.path).map_err(|e| self.failed(e))?;
        } else {
            match std::fs::hard_link(&self.tmp, &self.path) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&self.tmp);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::invalid(m::will_not_overwrite(self.path.display())));
                }
                Err(_) if self.path.exists() => {
                    return Err(Error::invalid(m::will_not_overwrite(self.path.display())));
                }
                Err(_) => std::fs::rename(&self.tmp, &self.path).map_err(|e| self.failed(e))?,
            }
        }
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Published, the temporary name is gone (renamed, or linked and removed).
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Creates (or truncates) a file only its owner can read.
pub(crate) fn private_file(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(em::creating(dir.display()), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// Opens (creating it if need be) a file used only to hold a lock on.
pub(crate) fn lock_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io(em::opening(path.display()), e))
}

fn take_lock(dir: &Path) -> Result<File> {
    let file = lock_file(&dir.join(LOCK_FILE))?;
    file.try_lock_shared()
        .map_err(|_| Error::Busy(em::busy()))?;
    Ok(file)
}

/// Initialises SQLite once per process, before any store connection is opened.
/// SQLCipher registers `sqlcipher_export` (re-keying, backups) for every connection
/// from its initialisation hook, *after* SQLite counts as initialised: a connection
/// opened by a second thread meanwhile would lack the function.
fn initialise_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_initialize takes no arguments and is safe to call at any time.
        unsafe {
            rusqlite::ffi::sqlite3_initialize();
        }
    });
}

fn open_connection(path: &Path, key: &[u8; 32], create: bool) -> Result<Connection> {
    initialise_sqlite();
    // CREATE is needed even for an existing store: re-keying ATTACHes a new file.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if !create && !path.exists() {
        return Err(Error::crypto(m::database_missing(path.display())));
    }
    let conn = Connection::open_with_flags(path, flags)?;
    let hex_key = Zeroizing::new(hex::encode(key));
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex_key.as_str()))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::invalid(m::no_wal(mode)));
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "busy_timeout", 10_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // A log grown by bulk work is cut back to this when it next starts over.
    conn.pragma_update(None, "journal_size_limit", 64 << 20)?;
    set_workload(&conn, Workload::Browse)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

fn remove_database_files(dir: &Path, name: &str) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{name}{suffix}")));
    }
}

/// Overwrites a file's bytes in place and syncs them, so what it held does not linger
/// in free disk blocks once it is unlinked (as far as the file system allows: SSDs and
/// copy-on-write file systems may keep old blocks; the store key is what really
/// protects them).
fn overwrite(file: &mut File, random: bool) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(0))?;
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        if random {
            getrandom::getrandom(&mut chunk[..n]).map_err(std::io::Error::other)?;
        }
        file.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}

/// Overwrites, then removes, the database files a re-key left behind.
fn shred_database_files(dir: &Path, name: &str) {
    for suffix in ["", "-wal", "-shm"] {
        let path = dir.join(format!("{name}{suffix}"));
        if let Ok(mut f) = OpenOptions::new().write(true).open(&path) {
            let _ = overwrite(&mut f, false);
        }
        let _ = std::fs::remove_file(&path);
    }
}

/// Removes databases left by an interrupted `create` or passphrase change.
fn remove_strays(dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("store-") && name.ends_with(".db") && name != keep {
            remove_database_files(dir, &name);
        }
    }
}

/// Unwraps the store key with a passphrase, counting wrong ones (see [`Attempts`]).
fn try_passphrase(dir: &Path, kf: &KeyFile, passphrase: &str) -> Result<Zeroizing<[u8; 32]>> {
    let _turn = Attempts::guard(dir)?;
    let now = crate::hlc::wall_millis();
    let wait = Attempts::load(dir).wait_remaining_ms(now);
    if wait > 0 {
        return Err(Error::too_many_attempts(wait));
    }
    let Some(key) = kf.open(passphrase)? else {
        let retry_after_ms = Attempts::record_failure(dir, crate::hlc::wall_millis());
        return Err(Error::wrong_passphrase(retry_after_ms));
    };
    Attempts::reset(dir);
    Ok(key)
}

impl Store {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn create(dir: &Path, passphrase: &str, profile: KdfProfile) -> Result<Store> {
        Store::create_with(dir, passphrase, profile, migrations::MIGRATIONS)
    }

    /// Creates a store at the schema of `migrations` (a prefix of the real list): how
    /// tests make a store "written by the previous version".
    #[doc(hidden)]
    pub fn create_with(
        dir: &Path,
        passphrase: &str,
        profile: KdfProfile,
        migrations: &[migrations::Migration],
    ) -> Result<Store> {
        if is_initialised(dir) {
            return Err(Error::AlreadyInitialised(m::already_initialised(
                dir.display(),
            )));
        }
        check_passphrase_rules(passphrase)?;
        create_private_dir(dir)?;
        let lock = take_lock(dir)?;
        let database = format!("store-{}.db", uuid::Uuid::now_v7().simple());
        let key = keyfile::random_bytes::<32>();
        let mut conn = open_connection(&dir.join(&database), &key, true)?;
        migrations::migrate(&mut conn, migrations)?;
        KeyFile::seal(passphrase, &key, keyfile::calibrate(profile), &database)?.write(dir)?;
        remove_strays(dir, &database);
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
            lock,
        })
    }

    /// Checks that `passphrase` is this store's, counting a wrong one like an unlock.
    pub fn check_passphrase(&self, passphrase: &str) -> Result<()> {
        let kf = KeyFile::read(&self.dir)?.ok_or_else(|| not_initialised(&self.dir))?;
        try_passphrase(&self.dir, &kf, passphrase).map(|_| ())
    }

    pub fn open(dir: &Path, passphrase: &str) -> Result<Store> {
        let kf = KeyFile::read(dir)?.ok_or_else(|| not_initialised(dir))?;
        let key = try_passphrase(dir, &kf, passphrase)?;
        let lock = take_lock(dir)?;
        let mut conn = open_connection(&dir.join(&kf.database), &key, false)?;
        migrations::migrate(&mut conn, migrations::MIGRATIONS)?;
        remove_strays(dir, &kf.database);
        Ok(Store {
            conn,
            dir: dir.to_path_buf(),
            lock,
        })
    }

    /// Re-keys the store under a new passphrase: the database is exported under a new
    /// random key into a new file, and the key file is then switched to it in one atomic
    /// rename. A crash at any point leaves the old passphrase working.
    pub fn change_passphrase(self, current: &str, new: &str, profile: KdfProfile) -> Result<Store> {
        check_passphrase_rules(new)?;
        let dir = self.dir.clone();
        let kf = KeyFile::read(&dir)?.ok_or_else(|| not_initialised(&dir))?;
        try_passphrase(&dir, &kf, current)?;
        if self.lock.try_lock().is_err() {
            let _ = self.lock.try_lock_shared();
            return Err(Error::Busy(em::busy()));
        }
        let database = format!("store-{}.db", uuid::Uuid::now_v7().simple());
        let key = keyfile::random_bytes::<32>();
        let version = migrations::user_version(&self.conn)?;
        let target = dir.join(&database);
        let exported = (|| -> Result<()> {
            let hex_key = Zeroizing::new(hex::encode(&key[..]));
            self.conn.execute(
                &format!(
                    "ATTACH DATABASE ?1 AS rekeyed KEY \"x'{}'\"",
                    hex_key.as_str()
                ),
                [target.to_string_lossy()],
            )?;
            self.conn
                .query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
            self.conn
                .pragma_update(Some("rekeyed"), "user_version", version)?;
            self.conn.execute("DETACH DATABASE rekeyed", [])?;
            Ok(())
        })();
        if let Err(e) = exported {
            remove_database_files(&dir, &database);
            let _ = self.lock.try_lock_shared();
            return Err(e);
        }
        // The old key file is kept open across the switch, so its blocks can be
        // overwritten once the new one is in place: the old wrapped key, which the old
        // passphrase opens, must not stay readable on the disk.
        let mut old_keyfile = OpenOptions::new()
            .write(true)
            .open(dir.join(keyfile::KEYFILE_NAME))
            .ok();
        KeyFile::seal(new, &key, keyfile::calibrate(profile), &database)?.write(&dir)?;
        if let Some(f) = old_keyfile.as_mut() {
            let _ = overwrite(f, true);
        }
        let old = kf.database;
        let Store { conn, lock, .. } = self;
        drop(conn);
        shred_database_files(&dir, &old);
        lock.try_lock_shared()
            .map_err(|_| Error::Busy(em::busy()))?;
        let mut conn = open_connection(&target, &key, false)?;
        migrations::migrate(&mut conn, migrations::MIGRATIONS)?;
        Ok(Store { conn, dir, lock })
    }
}

/// Destroys the keys of the store in `dir`, so that nothing in it can ever be read
/// again, then removes the database and attachments. Works even while another
/// process has the store open. Unsent changes are lost with it.
pub fn destroy(dir: &Path) -> Result<()> {
    let keys = dir.join(keyfile::KEYFILE_NAME);
    if keys.exists() {
        if let Ok(mut f) = OpenOptions::new().write(true).open(&keys) {
            let _ = overwrite(&mut f, true);
        }
        std::fs::remove_file(&keys).map_err(|e| Error::io(em::destroying(keys.display()), e))?;
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with("store-") || name.starts_with(backup::TEMP_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir.join("attachments"));
    let _ = std::fs::remove_dir_all(dir.join(backup::STAGING));
    for name in Attempts::FILES {
        let _ = std::fs::remove_file(dir.join(name));
    }
    Ok(())
}

/// The one rule for every passphrase, however it arrives (app, command line, a file or
/// the environment): at least 8 characters, and not easy to guess (zxcvbn score 2+).
pub fn check_passphrase_rules(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::WeakPassphrase(m::passphrase_too_short(
            MIN_PASSPHRASE_CHARS,
        )));
    }
    let estimate = zxcvbn::zxcvbn(passphrase, &[]);
    if (estimate.score() as u8) < MIN_PASSPHRASE_SCORE {
        let advice = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string().trim_end_matches('.').to_lowercase())
            .unwrap_or_else(|| "it is too easy to guess".into());
        return Err(Error::WeakPassphrase(m::passphrase_too_weak(advice)));
    }
    Ok(())
}

const MIN_PASSPHRASE_CHARS: usize = 8;
const MIN_PASSPHRASE_SCORE: u8 = 2;

/// A strength estimate (zxcvbn), 0 (very weak) to 4 (very strong), with advice.
#[derive(Debug, Clone, serde::Serialize, TS)]
pub struct Strength {
    pub score: u8,
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
    pub acceptable: bool,
}

pub fn passphrase_strength(passphrase: &str) -> Strength {
    if passphrase.is_empty() {
        return Strength {
            score: 0,
            warning: None,
            suggestions: vec![],
            acceptable: false,
        };
    }
    let estimate = zxcvbn::zxcvbn(passphrase, &[]);
    let feedback = estimate.feedback();
    Strength {
        score: estimate.score() as u8,
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        acceptable: passphrase.chars().count() >= MIN_PASSPHRASE_CHARS
            && (estimate.score() as u8) >= MIN_PASSPHRASE_SCORE,
    }
}
