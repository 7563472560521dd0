//! A backup file as `nansen restore FILE` reads it: the age header and its scrypt
//! stanza, the payload's chunks, then the backup's own header, manifest, file entries
//! and hashes, into a staging folder of an empty data dir (dropped, never published).
//!
//! The first byte selects what the rest is:
//! - even: the whole backup file, decrypted with the fuzzing passphrase;
//! - odd: the decrypted payload, which the harness encrypts itself (scrypt at a tiny
//!   work factor), so mutations reach past age's authentication into Nansen's format.
//!
//! The seeds (fuzz/README) are encrypted with the same passphrase, at a tiny work factor.
#![no_main]

use age::secrecy::SecretString;
use libfuzzer_sys::fuzz_target;
use nansen_core::store::backup;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// A passphrase made for fuzzing only; it protects nothing.
const PASSPHRASE: &str = "fuzz corpus passphrase, not secret";
/// scrypt's cost is the attacker's to choose up to age's own bound (about 16 s here,
/// refused above): a mutation that raises it only makes the fuzzer slow, so the harness
/// skips stanzas that ask for more than this.
const MAX_WORK_FACTOR: u64 = 12;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nansen-fuzz-backup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    })
}

/// Whether an scrypt stanza of the age header asks for more work than the harness allows.
fn costly(file: &[u8]) -> bool {
    let header = file
        .windows(4)
        .position(|w| w == b"\n---")
        .map_or(file, |end| &file[..end]);
    header.split(|&b| b == b'\n').any(|line| {
        let mut words = line.split(|&b| b == b' ');
        words.next() == Some(b"->".as_slice())
            && words.next() == Some(b"scrypt".as_slice())
            && words.nth(1).is_some_and(|n| {
                std::str::from_utf8(n)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok())
                    .is_some_and(|n| n > MAX_WORK_FACTOR)
            })
    })
}

fn encrypt(payload: &[u8]) -> Vec<u8> {
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(PASSPHRASE));
    recipient.set_work_factor(2);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .expect("one recipient");
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).expect("in memory");
    w.write_all(payload).expect("in memory");
    w.finish().expect("in memory");
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let file_bytes = if selector % 2 == 0 {
        if costly(rest) {
            return;
        }
        rest.to_vec()
    } else {
        encrypt(rest)
    };
    static RUN: AtomicU64 = AtomicU64::new(0);
    let run = scratch().join(RUN.fetch_add(1, Ordering::Relaxed).to_string());
    std::fs::create_dir_all(&run).expect("a scratch folder");
    let file = run.join("input.nansen-backup");
    std::fs::write(&file, &file_bytes).expect("scratch space");
    // Dropping what was staged removes the staging folder, as a failed restore does.
    let _ = backup::stage(&run.join("data"), &file, PASSPHRASE);
    let _ = std::fs::remove_dir_all(&run);
});
