//! Protecting a laptop that is lost or seized: wrong passphrases, re-keying, panic,
//! core dumps, and stores written by a newer version.

mod common;

use common::{contains, files_under, person, Net, PASS};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KeyFile;
use nansen_core::Nansen;
use serde_json::json;
use std::process::Command;

/// A store with a few people in it.
fn seeded(net: &mut Net) {
    for name in ["Азиз Неповторимый", "Qirgʻizboy Xolmurodov"] {
        let id = person(&mut net.offices[0], name, "uz-Cyrl");
        net.offices[0]
            .edit(
                Kind::Person,
                id,
                &json!({"notes": format!("{name} was seen at the gate")}),
            )
            .unwrap();
    }
}

#[test]
fn a_wrong_passphrase_is_refused_with_an_escalating_delay_and_loses_nothing() {
    let mut net = Net::new(1);
    seeded(&mut net);
    let digest = net.offices[0].digest().unwrap();
    let dir = net.offices[0].data_dir().to_path_buf();
    drop(net.offices.remove(0));
    for _ in 0..2 {
        let e = Nansen::open(&dir, "not the passphrase").err().unwrap();
        assert_eq!(e.code(), "wrong_passphrase");
    }
    assert_eq!(
        Nansen::open(&dir, PASS).unwrap().digest().unwrap(),
        digest,
        "two mistakes cost nothing"
    );
    for _ in 0..3 {
        Nansen::open(&dir, "still wrong").err().unwrap();
    }
    let e = Nansen::open(&dir, PASS).err().unwrap();
    assert_eq!(
        e.code(),
        "too_many_attempts",
        "even the right passphrase waits: {e}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(Nansen::open(&dir, PASS).unwrap().digest().unwrap(), digest);
}

#[test]
fn changing_the_passphrase_rekeys_the_store_and_keeps_everything() {
    let mut net = Net::new(1);
    seeded(&mut net);
    let o = net.offices.remove(0);
    let digest = o.digest().unwrap();
    let dir = o.data_dir().to_path_buf();
    let old_db = KeyFile::read(&dir).unwrap().unwrap().database;
    // Handles kept on the old files show what stays on the disk once they are unlinked.
    let old_key_text = std::fs::read(dir.join("nansen.keys")).unwrap();
    let old_db_bytes = std::fs::read(dir.join(&old_db)).unwrap();
    let mut old_key_file = std::fs::File::open(dir.join("nansen.keys")).unwrap();
    let mut old_db_file = std::fs::File::open(dir.join(&old_db)).unwrap();
    let o = o
        .change_passphrase(
            PASS,
            "a whole new passphrase",
            nansen_core::store::keyfile::KdfProfile::Test,
        )
        .unwrap();
    let read_all = |f: &mut std::fs::File| {
        use std::io::{Read, Seek};
        let mut out = Vec::new();
        f.rewind().unwrap();
        f.read_to_end(&mut out).unwrap();
        out
    };
    let left = read_all(&mut old_key_file);
    assert_eq!(left.len(), old_key_text.len());
    assert!(
        !contains(&left, "wrapped_key") && left != old_key_text,
        "the old key file, which the old passphrase opens, was overwritten"
    );
    let left = read_all(&mut old_db_file);
    assert!(!left.is_empty() && !old_db_bytes.is_empty());
    assert!(
        left.iter().all(|b| *b == 0),
        "the old database was overwritten"
    );
    assert_eq!(o.digest().unwrap(), digest);
    drop(o);
    let kf = KeyFile::read(&dir).unwrap().unwrap();
    assert_ne!(kf.database, old_db, "a new database under a new key");
    assert!(!dir.join(&old_db).exists(), "the old database is gone");
    assert_eq!(
        Nansen::open(&dir, PASS).err().unwrap().code(),
        "wrong_passphrase"
    );
    assert_eq!(
        Nansen::open(&dir, "a whole new passphrase")
            .unwrap()
            .digest()
            .unwrap(),
        digest
    );
}

#[test]
fn the_process_that_holds_the_keys_dumps_no_core_and_cannot_be_inspected() {
    const TEST: &str = "the_process_that_holds_the_keys_dumps_no_core_and_cannot_be_inspected";
    if std::env::var("NANSEN_HARDEN_CHILD").is_ok() {
        let before = nansen_core::process::is_hardened();
        let done = nansen_core::process::harden();
        println!(
            "HARDEN {before} {done} {}",
            nansen_core::process::is_hardened()
        );
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env("NANSEN_HARDEN_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("HARDEN ").map(|(_, r)| r))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(line, "false true true", "before, done, after");
}

#[test]
fn panic_destroys_the_keys_and_nothing_can_be_read_afterwards() {
    let mut net = Net::new(1);
    seeded(&mut net);
    let dir = net.offices[0].data_dir().to_path_buf();
    nansen_core::store::destroy(&dir).unwrap();
    drop(net.offices.remove(0));
    assert_eq!(
        Nansen::open(&dir, PASS).err().unwrap().code(),
        "not_initialised"
    );
    assert!(!dir.join("nansen.keys").exists());
    for f in files_under(&dir) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.starts_with("store-"), "{name} survived");
    }
}

#[test]
fn a_store_written_by_a_newer_version_is_refused_and_left_untouched() {
    let mut net = Net::new(1);
    seeded(&mut net);
    let o = net.offices.remove(0);
    let dir = o.data_dir().to_path_buf();
    o.conn().pragma_update(None, "user_version", 99).unwrap();
    drop(o);
    let e = Nansen::open(&dir, PASS).err().unwrap();
    assert_eq!(e.code(), "newer_store");
    let again = Nansen::open(&dir, PASS).err().unwrap();
    assert_eq!(
        again.code(),
        "newer_store",
        "still refused: nothing was migrated down"
    );
}
