//! A backup of a whole store in one file, and restoring it into an empty data dir.
//!
//! **What it holds.** Everything in the data dir that matters: the database and the
//! attachment files. Not the key file (the restore writes a new one), nor the lock and
//! wrong-passphrase files. The database is not copied as it lies on disk: it is
//! exported (`sqlcipher_export`, one consistent snapshot, while the store stays open)
//! into a new SQLCipher file under a fresh random key, so a backup never contains the
//! key of the live store. The attachment files are copied as they are (each is sealed
//! under the attachment key, which lives inside the database).
//!
//! **Encryption: age, with a passphrase.** A backup is an [age](https://age-encryption.org/v1)
//! file with one scrypt passphrase stanza: the store's passphrase unless another one was
//! given (it must meet the same rules). age was chosen over the store's own Argon2id
//! and XChaCha20-Poly1305 because it streams (a headquarters store of several GiB is
//! never held in memory), its payload is authenticated chunk by chunk with the last
//! chunk marked (a truncated file, cut anywhere, is detected), and the reference `age`
//! tool opens it (`age -d`), so a backup can be read even without Nansen. The scrypt
//! work factor is age's own, calibrated to about a second on the computer that writes
//! the backup.
//!
//! Inside the age payload:
//!
//! ```text
//! offset  size  field
//! ------  ----  -------------------------------------------------------------------
//! 0       8     magic "NANSENBK"
//! 8       2     format version, u16 big-endian (1)
//! 10      4     manifest length M, u32 big-endian
//! 14      M     manifest, JSON (below)
//! ...           each entry in manifest order: its `length` bytes, then their BLAKE3 (32)
//! end-32  32    BLAKE3 of every byte before it
//! ```
//!
//! | manifest field   | meaning                                                       |
//! |------------------|---------------------------------------------------------------|
//! | `format`         | `"nansen-backup"`                                             |
//! | `created_at`     | RFC 3339, the clock of the computer that wrote it             |
//! | `app_version`    | the Nansen that wrote it                                      |
//! | `schema_version` | the store's schema; a newer one than this Nansen knows is refused |
//! | `device`, `office` | the store's device and office when it was backed up         |
//! | `store_key`      | hex: the key the database entry is encrypted with (SQLCipher 4) |
//! | `entries`        | `[{kind, name, length}]`: first `database`, then every `attachment` by its file name (64 hex digits) |
//!
//! **Restoring** ([`restore`]) goes only into an empty data dir (or a new one): every
//! byte is decrypted, checked against its hash and unpacked into a staging folder
//! inside it first; a wrong passphrase, a damaged, truncated or altered file, or a full
//! disk leaves the data dir as it was. The restored store opens with the passphrase
//! that opened the backup. What the restored store must do before writing anything (it
//! takes a new device identity, so it can never fork its old one) is the API's part:
//! see `api::continuity`.

mod restore;

pub(super) use restore::STAGING;
pub use restore::{stage, Staged};

use super::keyfile::{random_bytes, KdfProfile};
use super::messages as m;
use super::{meta, AtomicFile, Store};
use crate::error::messages as em;
use crate::error::{Error, Result};
use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

pub const EXTENSION: &str = "nansen-backup";
const MAGIC: &[u8; 8] = b"NANSENBK";
const VERSION: u16 = 1;
const FORMAT: &str = "nansen-backup";
/// The most manifest a restore reads (a list of every attachment file).
const MAX_MANIFEST_BYTES: u32 = 64 << 20;
/// scrypt's work factor in tests (`NANSEN_KDF_PROFILE=test`); otherwise age calibrates.
const TEST_WORK_FACTOR: u8 = 10;
const CHUNK: usize = 1 << 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Database,
    Attachment,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub kind: EntryKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub length: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub app_version: String,
    pub schema_version: i64,
    pub device: String,
    pub office: String,
    pub store_key: String,
    pub entries: Vec<Entry>,
}

impl Drop for Manifest {
    fn drop(&mut self) {
        self.store_key.zeroize();
    }
}

/// What a backup holds, as written.
#[derive(Debug, Clone)]
pub struct Written {
    pub bytes: u64,
    pub attachments: u64,
    pub created_at: String,
}

/// The exported copy of the database, removed when dropped.
struct TempDatabase(PathBuf);

impl Drop for TempDatabase {
    fn drop(&mut self) {
        super::remove_database_files(
            self.0.parent().unwrap_or(Path::new(".")),
            &self.0.file_name().unwrap_or_default().to_string_lossy(),
        );
    }
}

/// The prefix of the exported copies a backup makes in the data dir (`destroy` removes
/// any left by a crash).
pub(super) const TEMP_PREFIX: &str = ".backup-";

/// Writes a backup of `store` to `out` (never over an existing file), encrypted with
/// `passphrase`.
pub fn write(store: &Store, out: &Path, passphrase: &str, profile: KdfProfile) -> Result<Written> {
    let conn = &store.conn;
    let dir = store.dir();
    let temp = TempDatabase(dir.join(format!("{TEMP_PREFIX}{}.db", uuid::Uuid::now_v7().simple())));
    let key = random_bytes::<32>();
    let hex_key = Zeroizing::new(hex::encode(&key[..]));
    conn.execute(
        &format!(
            "ATTACH DATABASE ?1 AS backup KEY \"x'{}'\"",
            hex_key.as_str()
        ),
        [temp.0.to_string_lossy()],
    )?;
    let exported = (|| -> Result<()> {
        conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(()))?;
        let version = super::migrations::user_version(conn)?;
        conn.pragma_update(Some("backup"), "user_version", version)?;
        Ok(())
    })();
    conn.execute("DETACH DATABASE backup", [])?;
    exported?;

    let mut entries = vec![(
        Entry {
            kind: EntryKind::Database,
            name: String::new(),
            length: file_length(&temp.0)?,
        },
        temp.0.clone(),
    )];
    for (name, path) in attachment_files(dir)? {
        entries.push((
            Entry {
                kind: EntryKind::Attachment,
                name,
                length: file_length(&path)?,
            },
            path,
        ));
    }
    let created_at = chrono::Utc::now().to_rfc3339();
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: created_at.clone(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: super::migrations::user_version(conn)?,
        device: meta(conn, "device_id")?.unwrap_or_default(),
        office: meta(conn, "office")?.unwrap_or_default(),
        store_key: hex_key.to_string(),
        entries: entries.iter().map(|(e, _)| e.clone()).collect(),
    };
    let manifest_bytes = Zeroizing::new(serde_json::to_vec(&manifest)?);

    let mut file = AtomicFile::create(out)?;
    let written = (|| -> std::io::Result<()> {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase));
        if profile == KdfProfile::Test {
            recipient.set_work_factor(TEST_WORK_FACTOR);
        }
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(std::io::Error::other)?;
        let sink = std::io::BufWriter::with_capacity(CHUNK, file.file());
        let mut w = Hashing::new(encryptor.wrap_output(sink)?);
        w.write_all(MAGIC)?;
        w.write_all(&VERSION.to_be_bytes())?;
        w.write_all(&(manifest_bytes.len() as u32).to_be_bytes())?;
        w.write_all(&manifest_bytes)?;
        let mut buf = vec![0u8; CHUNK];
        for (entry, path) in &entries {
            let mut source = File::open(path)?;
            let mut h = blake3::Hasher::new();
            let mut left = entry.length;
            while left > 0 {
                let n = source.read(&mut buf[..(left.min(CHUNK as u64) as usize)])?;
                if n == 0 {
                    return Err(std::io::Error::other(
                        "a file shrank while it was backed up",
                    ));
                }
                h.update(&buf[..n]);
                w.write_all(&buf[..n])?;
                left -= n as u64;
            }
            w.write_all(h.finalize().as_bytes())?;
        }
        let total = w.hasher.finalize();
        w.inner.write_all(total.as_bytes())?;
        w.inner.finish()?.flush()
    })();
    written.map_err(|e| file.failed(e))?;
    let bytes = file.file().metadata().map_err(|e| file.failed(e))?.len();
    file.publish(false)?;
    Ok(Written {
        bytes,
        attachments: entries.len() as u64 - 1,
        created_at,
    })
}

fn file_length(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| Error::io(em::reading(path.display()), e))
}

/// Whether `name` is an attachment file's name: 64 lowercase hex digits.
pub(super) fn is_attachment_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Every attachment file of the data dir (`attachments/xx/rest`), by its whole name.
fn attachment_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let root = dir.join("attachments");
    let mut out = Vec::new();
    let read = |p: &Path| std::fs::read_dir(p).map_err(|e| Error::io(em::reading(p.display()), e));
    if !root.is_dir() {
        return Ok(out);
    }
    for shard in read(&root)?.flatten() {
        let prefix = shard.file_name().to_string_lossy().to_string();
        if !shard.path().is_dir() || prefix.len() != 2 {
            continue;
        }
        for f in read(&shard.path())?.flatten() {
            let name = format!("{prefix}{}", f.file_name().to_string_lossy());
            // Half-written files (`.NAME.partial`) and anything else are not attachments.
            if is_attachment_name(&name) && f.path().is_file() {
                out.push((name, f.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where an attachment file lives below a data dir (or a staging folder).
pub(super) fn attachment_path(root: &Path, name: &str) -> PathBuf {
    root.join("attachments").join(&name[..2]).join(&name[2..])
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: blake3::Hasher::new(),
        }
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The messages for a backup that cannot be read.
fn damaged(detail: &str) -> Error {
    Error::crypto(m::backup_damaged(detail))
}
