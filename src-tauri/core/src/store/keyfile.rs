//! The key file: how a passphrase opens the store.
//!
//! The store is encrypted (SQLCipher) with a random 256-bit key. That key is kept only
//! wrapped: encrypted with XChaCha20-Poly1305 under a key-encryption key derived from
//! the passphrase with Argon2id. The salt and Argon2 parameters are stored beside it,
//! tuned when the store is created to take about half a second on that machine.
//! A wrong passphrase fails the AEAD check, so it is detected without touching the
//! database, and nothing is ever written on a failed attempt except the attempt count.
//!
//! `nansen.keys` is JSON:
//!
//! | field            | meaning                                                   |
//! |------------------|-----------------------------------------------------------|
//! | `format`         | `"nansen-keyfile"`                                        |
//! | `version`        | 1                                                         |
//! | `kdf`            | `{algorithm: "argon2id", memory_kib, iterations, parallelism, salt}` |
//! | `nonce`          | 24-byte XChaCha20 nonce, hex                              |
//! | `wrapped_key`    | the store key sealed under the derived key, hex           |
//! | `database`       | the database file this key opens                          |
//!
//! The AEAD's associated data is the `kdf` object and `database`, so neither can be
//! swapped without the unwrap failing.

use super::messages as m;
use crate::error::messages as em;
use crate::error::{Error, Result};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

pub const KEYFILE_NAME: &str = "nansen.keys";
const TARGET: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KdfParams {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: String,
    pub version: u32,
    pub kdf: KdfParams,
    pub nonce: String,
    pub wrapped_key: String,
    pub database: String,
}

/// How expensive the passphrase derivation is made when a store is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfProfile {
    /// About 0.5 s on this machine: the default.
    Interactive,
    /// Cheap, for automated tests only: `NANSEN_KDF_PROFILE=test` when creating a store.
    Test,
}

impl KdfProfile {
    pub fn from_env() -> Self {
        match std::env::var("NANSEN_KDF_PROFILE").as_deref() {
            Ok("test") => KdfProfile::Test,
            _ => KdfProfile::Interactive,
        }
    }
}

pub fn random_bytes<const N: usize>() -> Zeroizing<[u8; N]> {
    let mut b = Zeroizing::new([0u8; N]);
    getrandom::getrandom(&mut b[..]).expect("the OS random number generator is available");
    b
}

fn derive(passphrase: &str, p: &KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    if p.algorithm != "argon2id" {
        return Err(Error::crypto(m::unknown_kdf(&p.algorithm)));
    }
    let salt = hex::decode(&p.salt).map_err(|_| Error::crypto(m::keyfile_damaged_salt()))?;
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32))
        .map_err(|e| Error::crypto(m::keyfile_bad_kdf(e)))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut out[..])
        .map_err(|e| Error::crypto(m::kdf_failed(e)))?;
    Ok(out)
}

/// Picks Argon2id parameters that take about [`TARGET`] here: 64 MiB of memory, and as
/// many passes as fit (at least 2); less memory only on a machine too slow for one pass.
pub fn calibrate(profile: KdfProfile) -> KdfParams {
    let salt = hex::encode(&random_bytes::<16>()[..]);
    if profile == KdfProfile::Test {
        return KdfParams {
            algorithm: "argon2id".into(),
            memory_kib: 8 * 1024,
            iterations: 1,
            parallelism: 1,
            salt,
        };
    }
    let mut memory_kib = 64 * 1024;
    loop {
        let probe = KdfParams {
            algorithm: "argon2id".into(),
            memory_kib,
            iterations: 1,
            parallelism: 1,
            salt: salt.clone(),
        };
        let start = Instant::now();
        let _ = derive("calibration", &probe);
        let one_pass = start.elapsed().max(Duration::from_millis(1));
        if one_pass > TARGET && memory_kib > 16 * 1024 {
            memory_kib /= 2;
            continue;
        }
        let iterations = (TARGET.as_secs_f64() / one_pass.as_secs_f64())
            .round()
            .clamp(2.0, 32.0) as u32;
        return KdfParams {
            iterations,
            ..probe
        };
    }
}

fn associated_data(kdf: &KdfParams, database: &str) -> Vec<u8> {
    serde_json::to_vec(&(kdf, database)).expect("serialisable")
}

impl KeyFile {
    pub fn seal(
        passphrase: &str,
        store_key: &[u8; 32],
        kdf: KdfParams,
        database: &str,
    ) -> Result<KeyFile> {
        let kek = derive(passphrase, &kdf)?;
        let nonce = random_bytes::<24>();
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
        let aad = associated_data(&kdf, database);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce[..]),
                Payload {
                    msg: store_key,
                    aad: &aad,
                },
            )
            .map_err(|_| Error::crypto(m::store_key_not_sealed()))?;
        Ok(KeyFile {
            format: "nansen-keyfile".into(),
            version: 1,
            kdf,
            nonce: hex::encode(&nonce[..]),
            wrapped_key: hex::encode(sealed),
            database: database.into(),
        })
    }

    /// The store key, or `None` when the passphrase is wrong.
    pub fn open(&self, passphrase: &str) -> Result<Option<Zeroizing<[u8; 32]>>> {
        let kek = derive(passphrase, &self.kdf)?;
        let damaged = || Error::crypto(m::keyfile_damaged());
        let nonce = hex::decode(&self.nonce).map_err(|_| damaged())?;
        let sealed = hex::decode(&self.wrapped_key).map_err(|_| damaged())?;
        if nonce.len() != 24 {
            return Err(damaged());
        }
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
        let aad = associated_data(&self.kdf, &self.database);
        match cipher.decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: &aad,
            },
        ) {
            Ok(plain) if plain.len() == 32 => {
                let plain = Zeroizing::new(plain);
                let mut key = Zeroizing::new([0u8; 32]);
                key.copy_from_slice(&plain);
                Ok(Some(key))
            }
            Ok(_) => Err(damaged()),
            Err(_) => Ok(None),
        }
    }

    pub fn read(dir: &Path) -> Result<Option<KeyFile>> {
        let path = dir.join(KEYFILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let kf: KeyFile = serde_json::from_slice(&bytes)
                    .map_err(|_| Error::crypto(m::file_damaged(path.display())))?;
                if kf.format != "nansen-keyfile" || kf.version != 1 {
                    return Err(Error::crypto(m::keyfile_unknown_version(path.display())));
                }
                Ok(Some(kf))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(em::reading(path.display()), e)),
        }
    }

    /// Writes the key file atomically: a crash leaves either the old or the new one.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self)?;
        super::write_atomically(&dir.join(KEYFILE_NAME), &bytes)
    }
}

/// Escalating delay after wrong passphrases, kept in a small side file. It slows down
/// guessing through the app; the Argon2 cost is what protects a copied store.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Attempts {
    pub failures: u32,
    pub last_failure_ms: u64,
}

const ATTEMPTS_FILE: &str = "unlock-attempts.json";
const ATTEMPTS_LOCK: &str = "unlock-attempts.lock";

/// Held (an exclusive file lock) from reading the count of wrong passphrases until the
/// outcome of this attempt is recorded, by every process that tries a passphrase. So
/// parallel attempts queue up instead of all passing the delay check at once, and no
/// failure is lost: the delay cannot be raced.
pub struct AttemptGuard {
    _file: std::fs::File,
}

impl Attempts {
    /// Waits for the other attempts in progress on this store, then holds the turn.
    pub fn guard(dir: &Path) -> Result<AttemptGuard> {
        let path = dir.join(ATTEMPTS_LOCK);
        let file = super::lock_file(&path)?;
        file.lock()
            .map_err(|e| Error::io(em::locking(path.display()), e))?;
        Ok(AttemptGuard { _file: file })
    }

    pub fn load(dir: &Path) -> Attempts {
        std::fs::read(dir.join(ATTEMPTS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Delay after `failures` consecutive wrong passphrases: none for the first two,
    /// then 1 s, 2 s, 4 s … up to 5 minutes.
    pub fn delay_ms(failures: u32) -> u64 {
        if failures < 3 {
            0
        } else {
            (1000u64 << (failures - 3).min(9)).min(300_000)
        }
    }

    pub fn wait_remaining_ms(&self, now_ms: u64) -> u64 {
        (self.last_failure_ms + Self::delay_ms(self.failures)).saturating_sub(now_ms)
    }

    pub fn record_failure(dir: &Path, now_ms: u64) -> u64 {
        let mut a = Attempts::load(dir);
        a.failures += 1;
        a.last_failure_ms = now_ms;
        if let Ok(bytes) = serde_json::to_vec(&a) {
            let _ = super::write_atomically(&dir.join(ATTEMPTS_FILE), &bytes);
        }
        Attempts::delay_ms(a.failures)
    }

    pub fn reset(dir: &Path) {
        let _ = std::fs::remove_file(dir.join(ATTEMPTS_FILE));
    }

    /// Files this module keeps in the data dir (for `destroy`).
    pub(crate) const FILES: [&'static str; 2] = [ATTEMPTS_FILE, ATTEMPTS_LOCK];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_passphrase_unwraps_and_a_wrong_one_does_not() {
        let kdf = calibrate(KdfProfile::Test);
        let key = random_bytes::<32>();
        let kf = KeyFile::seal("correct horse battery staple", &key, kdf, "store.db").unwrap();
        assert_eq!(
            *kf.open("correct horse battery staple").unwrap().unwrap(),
            *key
        );
        assert!(kf.open("Correct horse battery staple").unwrap().is_none());
        let mut moved = kf.clone();
        moved.database = "other.db".into();
        assert!(moved
            .open("correct horse battery staple")
            .unwrap()
            .is_none());
    }

    #[test]
    fn delays_escalate_after_two_failures() {
        assert_eq!(Attempts::delay_ms(1), 0);
        assert_eq!(Attempts::delay_ms(2), 0);
        assert_eq!(Attempts::delay_ms(3), 1000);
        assert_eq!(Attempts::delay_ms(5), 4000);
        assert_eq!(Attempts::delay_ms(40), 300_000);
    }
}
