//! Restoring a backup: checked whole in a staging folder, then put in place.

use super::{attachment_path, damaged, is_attachment_name, EntryKind, Manifest, CHUNK, FORMAT};
use super::{MAGIC, MAX_MANIFEST_BYTES, VERSION};
use crate::error::messages as em;
use crate::error::{Error, Result};
use crate::store::keyfile::{self, KdfProfile, KeyFile};
use crate::store::messages as m;
use crate::store::{self as store, migrations, LOCK_FILE};
use age::secrecy::SecretString;
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The staging folder inside the data dir, while a restore is unpacked.
pub(in crate::store) const STAGING: &str = ".restoring";

/// A backup unpacked and checked in a staging folder of an empty data dir, its database
/// open (and migrated to this version's schema) for the caller's last changes, not yet
/// in place: dropped without [`Staged::publish`], it leaves the data dir as it was.
pub struct Staged {
    conn: Option<Connection>,
    pub manifest: Manifest,
    dir: PathBuf,
    staging: PathBuf,
    database: String,
    key: Zeroizing<[u8; 32]>,
    /// Held exclusively from the start of the restore until it is in place, so no
    /// other process creates or opens a store here meanwhile.
    _lock: File,
    created_dir: bool,
    moved: Vec<PathBuf>,
    done: bool,
}

impl Staged {
    pub fn conn(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("open until published")
    }

    /// Puts the restored store in place: the database and attachments are moved into
    /// the data dir, and the key file (its passphrase is the backup's), written last,
    /// makes it a store.
    pub fn publish(mut self, passphrase: &str, profile: KdfProfile) -> Result<()> {
        let conn = self.conn.take().expect("published once");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        conn.close().map_err(|(_, e)| Error::from(e))?;
        let mut names = vec![self.database.clone()];
        names.extend(["-wal", "-shm"].map(|s| format!("{}{s}", self.database)));
        names.push("attachments".into());
        for name in names {
            let from = self.staging.join(&name);
            if from.exists() {
                let to = self.dir.join(&name);
                std::fs::rename(&from, &to).map_err(|e| Error::io(em::writing(to.display()), e))?;
                self.moved.push(to);
            }
        }
        let kdf = keyfile::calibrate(profile);
        KeyFile::seal(passphrase, &self.key, kdf, &self.database)?.write(&self.dir)?;
        self.done = true;
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        drop(self.conn.take());
        let _ = std::fs::remove_dir_all(&self.staging);
        for path in &self.moved {
            let _ = std::fs::remove_dir_all(path).or_else(|_| std::fs::remove_file(path));
        }
        if self.created_dir {
            let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Files an empty data dir may still hold: the lock files a destroyed store leaves.
const LEFT_BY_DESTROY: [&str; 2] = [LOCK_FILE, "unlock-attempts.lock"];

/// Checks that `dir` is empty (or missing, and then creates it); returns whether it
/// was created.
fn prepare_empty(dir: &Path) -> Result<bool> {
    if store::is_initialised(dir) {
        return Err(Error::AlreadyInitialised(m::restore_over_store(
            dir.display(),
        )));
    }
    if !dir.exists() {
        store::create_private_dir(dir)?;
        return Ok(true);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(em::reading(dir.display()), e))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name == STAGING {
            // Left by a restore that was interrupted: it never became a store.
            let _ = std::fs::remove_dir_all(e.path());
        } else if !LEFT_BY_DESTROY.contains(&name.as_str()) || !e.path().is_file() {
            return Err(Error::invalid(m::restore_not_empty(dir.display(), name)));
        }
    }
    Ok(false)
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    hasher: blake3::Hasher,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// An I/O error while reading the decrypted backup: age found it truncated or altered.
fn unreadable(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        damaged("it ends early: the file is truncated")
    } else {
        damaged(&format!("{e}"))
    }
}

fn read_exact(r: &mut impl Read, buf: &mut [u8]) -> Result<()> {
    r.read_exact(buf).map_err(unreadable)
}

/// Decrypts the backup `file` with `passphrase` and unpacks it into a staging folder of
/// the empty data dir `dir`, checking every byte; opens the database it holds.
pub fn stage(dir: &Path, file: &Path, passphrase: &str) -> Result<Staged> {
    let created_dir = prepare_empty(dir)?;
    let lock = store::lock_file(&dir.join(LOCK_FILE))?;
    if lock.try_lock().is_err() {
        return Err(Error::Busy(em::busy()));
    }
    let staging = dir.join(STAGING);
    let mut staged = Staged {
        conn: None,
        manifest: Manifest::default(),
        dir: dir.to_path_buf(),
        staging: staging.clone(),
        database: format!("store-{}.db", uuid::Uuid::now_v7().simple()),
        key: Zeroizing::new([0u8; 32]),
        _lock: lock,
        created_dir,
        moved: vec![],
        done: false,
    };
    store::create_private_dir(&staging)?;
    let source = File::open(file).map_err(|e| Error::io(em::reading(file.display()), e))?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(source)).map_err(|e| match e {
        age::DecryptError::Io(e) => unreadable(e),
        _ => Error::invalid(m::not_a_backup(file.display())),
    })?;
    if !decryptor.is_scrypt() {
        return Err(Error::invalid(m::not_a_backup(file.display())));
    }
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase));
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                Error::wrong_passphrase(0)
            }
            age::DecryptError::ExcessiveWork { .. } => Error::crypto(m::backup_too_costly()),
            age::DecryptError::Io(e) => unreadable(e),
            _ => Error::invalid(m::not_a_backup(file.display())),
        })?;
    let mut r = Hashing {
        inner: reader,
        hasher: blake3::Hasher::new(),
    };

    let mut header = [0u8; 14];
    read_exact(&mut r, &mut header)?;
    if &header[..8] != MAGIC {
        return Err(Error::invalid(m::not_a_backup(file.display())));
    }
    let version = u16::from_be_bytes([header[8], header[9]]);
    if version > VERSION {
        return Err(Error::invalid(m::backup_newer_format(version)));
    }
    if version != VERSION {
        return Err(damaged("its format version"));
    }
    let len = u32::from_be_bytes(header[10..14].try_into().expect("4 bytes"));
    if len > MAX_MANIFEST_BYTES {
        return Err(damaged("its manifest is too long"));
    }
    let mut bytes = Zeroizing::new(vec![0u8; len as usize]);
    read_exact(&mut r, &mut bytes)?;
    staged.manifest =
        serde_json::from_slice(&bytes).map_err(|e| damaged(&format!("its manifest: {e}")))?;
    check_manifest(&staged.manifest)?;
    let mut key = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(&staged.manifest.store_key, &mut key[..])
        .map_err(|_| damaged("its key"))?;
    staged.key = key;

    let mut buf = vec![0u8; CHUNK];
    for entry in staged.manifest.entries.clone() {
        let path = match entry.kind {
            EntryKind::Database => staging.join(&staged.database),
            EntryKind::Attachment => attachment_path(&staging, &entry.name),
        };
        if let Some(parent) = path.parent() {
            store::create_private_dir(parent)?;
        }
        let mut out =
            store::private_file(&path).map_err(|e| Error::io(em::writing(path.display()), e))?;
        let mut h = blake3::Hasher::new();
        let mut left = entry.length;
        while left > 0 {
            let want = left.min(CHUNK as u64) as usize;
            let n = r.read(&mut buf[..want]).map_err(unreadable)?;
            if n == 0 {
                return Err(damaged("it ends early: the file is truncated"));
            }
            h.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(|e| Error::io(em::writing(path.display()), e))?;
            left -= n as u64;
        }
        let mut stated = [0u8; 32];
        read_exact(&mut r, &mut stated)?;
        if stated != *h.finalize().as_bytes() {
            return Err(damaged("a file in it does not match its hash"));
        }
        out.sync_all()
            .map_err(|e| Error::io(em::writing(path.display()), e))?;
    }
    let total = r.hasher.finalize();
    let mut stated = [0u8; 32];
    r.inner.read_exact(&mut stated).map_err(unreadable)?;
    if stated != *total.as_bytes() {
        return Err(damaged("it does not match its hash"));
    }
    let mut rest = [0u8; 1];
    if r.inner.read(&mut rest).map_err(unreadable)? != 0 {
        return Err(damaged("it has bytes after its end"));
    }

    let mut conn = store::open_connection(&staging.join(&staged.database), &staged.key, false)?;
    migrations::migrate(&mut conn, migrations::MIGRATIONS)?;
    staged.conn = Some(conn);
    Ok(staged)
}

fn check_manifest(manifest: &Manifest) -> Result<()> {
    if manifest.format != FORMAT {
        return Err(damaged("its manifest is not a backup's"));
    }
    let latest = migrations::latest_version();
    if manifest.schema_version > latest {
        return Err(Error::NewerStore(m::newer_store(
            manifest.schema_version,
            latest,
        )));
    }
    let mut names = BTreeSet::new();
    for (i, e) in manifest.entries.iter().enumerate() {
        let well_formed = match e.kind {
            EntryKind::Database => i == 0 && e.name.is_empty(),
            EntryKind::Attachment => {
                i > 0
                    && is_attachment_name(&e.name)
                    && names.insert(e.name.as_str())
                    // An attachment file: the sealed bytes of at most the largest
                    // attachment, with its nonce and tag.
                    && e.length <= crate::store::blobs::MAX_ATTACHMENT_BYTES + 40
            }
        };
        if !well_formed {
            return Err(damaged("its list of files"));
        }
    }
    if manifest.entries.first().map(|e| e.kind) != Some(EntryKind::Database) {
        return Err(damaged("it holds no database"));
    }
    Ok(())
}
