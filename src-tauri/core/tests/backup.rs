//! Backups and restores: a store backed up, lost and restored keeps syncing with the
//! others without a fork and without losing anything that had reached another store;
//! a damaged backup, or a folder that is not empty, changes nothing.

mod common;

use common::{files_under, person, Net, PASS};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::{store, Nansen};
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn backup(n: &Nansen, out: &Path) {
    n.backup(out, PASS, None, KdfProfile::Test).expect("backup");
}

fn restore(dir: &Path, file: &Path) -> nansen_core::Result<Nansen> {
    Nansen::restore_backup(dir, file, PASS, KdfProfile::Test).map(|(n, _)| n)
}

fn assert_no_forks(net: &Net) {
    assert!(net.hq.forks().unwrap().is_empty(), "HQ recorded a fork");
    for o in &net.offices {
        assert!(
            o.forks().unwrap().is_empty(),
            "{} recorded a fork",
            o.office()
        );
    }
}

fn assert_log_verifies(n: &Nansen) {
    for check in n.verify_log().unwrap() {
        assert!(
            check.chain_intact && check.problem.is_none(),
            "{}: {} ({:?}): {:?}",
            n.office(),
            check.device,
            check.office,
            check.problem
        );
    }
}

fn exists(n: &Nansen, id: Uuid) -> bool {
    n.get(Kind::Person, id).is_ok()
}

/// Destroys a store as `nansen panic` does, and drops it.
fn destroy(net: &mut Net, i: usize) -> PathBuf {
    let dir = net.offices[i].data_dir().to_path_buf();
    store::destroy(&dir).unwrap();
    dir
}

#[test]
fn an_office_restored_from_a_backup_takes_a_new_identity_and_nothing_forks_or_is_lost() {
    let mut net = Net::new(2);
    let before = person(&mut net.offices[0], "Рустам Абдуллаев", "uz-Cyrl");
    net.send(Some(0), None);
    let old_id = net.offices[0].device_id();
    let file = net.tmp.path().join("osh.nansen-backup");
    backup(&net.offices[0], &file);
    // Not sent since the last bundle, but in the backup: the restored store relays it.
    let in_backup = person(&mut net.offices[0], "Written before the backup", "en-Latn");
    std::fs::remove_file(&file).unwrap();
    backup(&net.offices[0], &file);
    // After the backup: one change reaches headquarters and, through it, office 2 …
    let sent = person(&mut net.offices[0], "Sent after the backup", "en-Latn");
    let mid = net.export_from_office(0, None);
    net.hq.import_bundle(&mid, &mut |_| {}).unwrap();
    net.send(None, Some(1));
    // … and one never leaves the laptop before it is lost.
    let unsent = person(&mut net.offices[0], "Never sent", "en-Latn");

    // Office 2's laptop is lost right after its backup: what it wrote since its last
    // bundle survives only in the backup.
    let only_in_backup = person(&mut net.offices[1], "Only in the backup", "en-Latn");
    let file2 = net.tmp.path().join("jalal-abad.nansen-backup");
    backup(&net.offices[1], &file2);
    let dir2 = destroy(&mut net, 1);
    drop(net.offices.remove(1));
    let mut restored2 = restore(&dir2, &file2).unwrap();
    common::enrol(&mut net.hq, &mut restored2, &net.tmp.path().join("bundles"));

    let dir = destroy(&mut net, 0);
    drop(net.offices.remove(0));
    assert!(restore(&dir, &file).is_ok());
    let mut restored = Nansen::open(&dir, PASS).unwrap();
    let info = restored.info().unwrap();
    assert_ne!(info.device, old_id, "a new device identity");
    assert_eq!((info.sequence, info.enrolled), (0, false));
    assert!(exists(&restored, before) && exists(&restored, in_backup));
    let err = restored
        .export_bundle(
            &nansen_core::api::ExportRequest {
                peer: Some("HQ".into()),
                full: false,
                out: net.tmp.path().join("too-early.nansen"),
            },
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(err.message().reason, "device_needs_enrolment", "{err}");

    // It records as usual while it waits for its enrolment: under its new identity.
    let after = person(&mut restored, "Written after the restore", "en-Latn");
    common::enrol(&mut net.hq, &mut restored, &net.tmp.path().join("bundles"));
    net.offices.insert(0, restored);
    net.offices.insert(1, restored2);
    // Headquarters sends what the old identity sent after the backup: no fork.
    let r = net.send(None, Some(0));
    assert!(r.applied >= 1, "{r:?}");
    assert!(exists(&net.offices[0], sent));
    for _ in 0..2 {
        net.full_exchange();
    }
    net.send(Some(0), Some(1));
    net.send(Some(1), Some(0));
    assert_no_forks(&net);
    let digests = net.digests();
    assert!(digests.iter().all(|d| *d == digests[0]), "{digests:?}");
    for n in std::iter::once(&net.hq).chain(&net.offices) {
        for id in [before, in_backup, sent, after, only_in_backup] {
            assert!(exists(n, id), "{} lacks {id}", n.office());
        }
        // What never left the lost laptop is lost with it, and only that.
        assert!(!exists(n, unsent));
        assert_log_verifies(n);
    }
    // The new identity writes from 1; the old one is still enrolled and trusted.
    assert_eq!(net.offices[0].info().unwrap().sequence, 1);
    assert!(nansen_core::trust::trusts(net.hq.conn(), &old_id, 3).unwrap());
}

#[test]
fn headquarters_restored_from_a_backup_works_at_once() {
    let mut net = Net::new(2);
    person(&mut net.offices[0], "Тимур Қодиров", "uz-Cyrl");
    net.full_exchange();
    let hq_dir = net.hq.data_dir().to_path_buf();
    let old_hq = net.hq.device_id();
    assert!(!hq_dir.join("..").join("hq-new").exists());
    let file = net.tmp.path().join("hq.nansen-backup");
    backup(&net.hq, &file);
    let sent = person(&mut net.hq, "Sent by HQ after the backup", "en-Latn");
    net.send(None, Some(1));
    // An office writes and exports for HQ before it hears of the restore.
    let late = person(&mut net.offices[0], "Sent to the old HQ device", "en-Latn");
    let in_flight = net.export_from_office(0, None);

    // The laptop is seized: the backup is restored on a new one.
    store::destroy(&hq_dir).unwrap();
    let new_laptop = net.tmp.path().join("hq-new");
    let (restored, report) =
        Nansen::restore_backup(&new_laptop, &file, PASS, KdfProfile::Test).unwrap();
    assert!(report.headquarters && !report.needs_enrolment);
    assert_eq!(report.previous_device, old_hq);
    net.hq = restored;
    assert_ne!(net.hq.device_id(), old_hq);
    assert_eq!(net.hq.info().unwrap().role.as_deref(), Some("hq"));
    // The bundle made for the old HQ device opens with the organisation's escrow key.
    net.hq.import_bundle(&in_flight, &mut |_| {}).unwrap();
    assert!(net.hq.get(Kind::Person, late).is_ok());
    // Offices take its bundles at once: its new certificate travels in them.
    let mine = person(&mut net.hq, "Written by the restored HQ", "en-Latn");
    for i in 0..2 {
        let r = net.send(None, Some(i));
        assert!(
            r.new_devices.contains(&net.hq.device_id().to_string()),
            "{r:?}"
        );
    }
    // It still enrols devices.
    let mut third = common::store(&net.tmp.path().join("third"), "Third", false);
    common::enrol(&mut net.hq, &mut third, &net.tmp.path().join("bundles"));
    for _ in 0..2 {
        net.full_exchange();
    }
    assert_no_forks(&net);
    let digests = net.digests();
    assert!(digests.iter().all(|d| *d == digests[0]), "{digests:?}");
    for n in std::iter::once(&net.hq).chain(&net.offices) {
        for id in [sent, late, mine] {
            assert!(n.get(Kind::Person, id).is_ok(), "{} lacks {id}", n.office());
        }
        assert_log_verifies(n);
    }
}

#[test]
fn a_damaged_truncated_or_foreign_backup_is_refused_and_changes_nothing() {
    let mut net = Net::new(1);
    let aziz = person(&mut net.offices[0], "Азиз Каримов", "uz-Cyrl");
    let photo = net.tmp.path().join("passport.jpg");
    std::fs::write(&photo, b"\xff\xd8 the scanned passport of Aziz").unwrap();
    let scan = net.offices[0]
        .attachment_add(
            &photo,
            &serde_json::json!({"caption": "passport", "attached_to": [{"person": aziz.to_string()}]}),
        )
        .unwrap();
    let file = net.tmp.path().join("osh.nansen-backup");
    backup(&net.offices[0], &file);
    let good = std::fs::read(&file).unwrap();
    let target = net.tmp.path().join("restored");
    let bad = net.tmp.path().join("bad.nansen-backup");
    let refused = |bytes: &[u8]| -> nansen_core::Error {
        std::fs::write(&bad, bytes).unwrap();
        let err = restore(&target, &bad).map(|_| ()).unwrap_err();
        assert!(!target.exists(), "a refused restore leaves nothing behind");
        err
    };
    let len = good.len();
    let mut cuts: Vec<usize> = (0..40).map(|i| i * len / 40).collect();
    cuts.extend([1, 20, 100, 200, len - 1, len - 16, len - 32, len - 33]);
    for cut in cuts {
        let err = refused(&good[..cut]);
        assert!(
            ["crypto", "invalid_input"].contains(&err.code()),
            "cut at {cut}: {err}"
        );
    }
    for at in [200, len / 3, len / 2, len - 40, len - 1] {
        let mut flipped = good.clone();
        flipped[at] ^= 0x10;
        let err = refused(&flipped);
        assert!(
            ["crypto", "invalid_input", "wrong_passphrase"].contains(&err.code()),
            "flip at {at}: {err}"
        );
    }
    let err = refused(b"not a backup at all");
    assert_eq!(err.message().reason, "not_a_backup", "{err}");
    // A bundle is an age file too, but not a passphrase one.
    let bundle = net.export_from_office(0, None);
    let err = refused(&std::fs::read(&bundle).unwrap());
    assert_eq!(err.message().reason, "not_a_backup", "{err}");
    // A passphrase age file with something else inside.
    let other = {
        let r = age::scrypt::Recipient::new(age::secrecy::SecretString::from(PASS));
        let e =
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut out = vec![];
        let mut w = e.wrap_output(&mut out).unwrap();
        std::io::Write::write_all(&mut w, b"NANSENBK\0\x01\0\0\0\x02{}").unwrap();
        w.finish().unwrap();
        out
    };
    assert_eq!(refused(&other).code(), "crypto");
    // The wrong passphrase.
    std::fs::write(&bad, &good).unwrap();
    let err = Nansen::restore_backup(
        &target,
        &bad,
        "another long passphrase here",
        KdfProfile::Test,
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    assert!(!target.exists());
    // The genuine file restores, attachment files included.
    let restored = restore(&target, &file).unwrap();
    assert_eq!(restored.digest().unwrap(), net.offices[0].digest().unwrap());
    assert_eq!(
        restored.attachment_content(scan).unwrap(),
        net.offices[0].attachment_content(scan).unwrap()
    );
    assert!(restored.attachment_content(scan).unwrap().is_some());
}

#[test]
fn a_backup_is_restored_only_into_an_empty_folder() {
    let net = Net::new(1);
    let file = net.tmp.path().join("osh.nansen-backup");
    backup(&net.offices[0], &file);
    // A folder holding anything else is left alone.
    let busy = net.tmp.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let err = restore(&busy, &file).map(|_| ()).unwrap_err();
    assert_eq!(err.message().reason, "restore_not_empty", "{err}");
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    assert_eq!(std::fs::read(busy.join("notes.txt")).unwrap(), b"mine");
    // A store is never overwritten.
    let hq_dir = net.hq.data_dir().to_path_buf();
    let digest = net.hq.digest().unwrap();
    let err = restore(&hq_dir, &file).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "already_initialised", "{err}");
    assert_eq!(net.hq.digest().unwrap(), digest);
    // What `panic` leaves (the lock files) counts as empty, and so does a new folder.
    let mut net = net;
    let dir = net.offices[0].data_dir().to_path_buf();
    let digest = net.offices[0].digest().unwrap();
    store::destroy(&dir).unwrap();
    // Not while the store is still open somewhere.
    assert_eq!(restore(&dir, &file).map(|_| ()).unwrap_err().code(), "busy");
    drop(net.offices.remove(0));
    assert!(restore(&dir, &file).is_ok());
    assert_eq!(Nansen::open(&dir, PASS).unwrap().digest().unwrap(), digest);
    assert!(restore(&net.tmp.path().join("new/nested"), &file).is_ok());
    // Restoring twice gives two different devices: neither can fork the other.
    let a = Nansen::open(&dir, PASS).unwrap().device_id();
    let b = Nansen::open(&net.tmp.path().join("new/nested"), PASS)
        .unwrap()
        .device_id();
    assert_ne!(a, b);
}

#[test]
fn a_backup_under_another_passphrase_holds_no_plaintext_and_leaves_nothing_behind() {
    let mut net = Net::new(1);
    let name = "Дилноза Каримова";
    person(&mut net.offices[0], name, "uz-Cyrl");
    let n = &net.offices[0];
    let file = net.tmp.path().join("osh.nansen-backup");
    let other = "seven orange kites over the river";
    // The store's passphrase is checked first; a weak other one is refused.
    let err = n
        .backup(&file, "not the passphrase", Some(other), KdfProfile::Test)
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    let err = n
        .backup(&file, PASS, Some("short"), KdfProfile::Test)
        .unwrap_err();
    assert_eq!(err.code(), "weak_passphrase");
    assert!(!file.exists());
    let report = n
        .backup(&file, PASS, Some(other), KdfProfile::Test)
        .unwrap();
    assert!(!report.store_passphrase && report.bytes > 0);
    // Never written over.
    assert!(n.backup(&file, PASS, None, KdfProfile::Test).is_err());
    let bytes = std::fs::read(&file).unwrap();
    // The office's own name ("Office 1"): the three letters "Osh" checked here before
    // are not in this store, and random ciphertext holds them about once in 16 MiB.
    assert!(!common::contains(&bytes, name) && !common::contains(&bytes, n.office()));
    assert!(
        files_under(n.data_dir())
            .iter()
            .all(|f| !f.to_string_lossy().contains(".backup-")),
        "the exported copy is removed"
    );
    let target = net.tmp.path().join("restored");
    let err = restore(&target, &file).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    Nansen::restore_backup(&target, &file, other, KdfProfile::Test).unwrap();
    // The restored store opens with the backup's passphrase.
    assert!(Nansen::open(&target, other).is_ok());
}
