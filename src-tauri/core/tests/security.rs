//! Protecting the people in the records: nothing readable at rest, bundles that only
//! their recipients can open and nobody can forge, passphrases, panic, forks.

mod common;

use common::{contains, files_under, person, Net, PASS};
use nansen_core::api::ExportRequest;
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KeyFile;
use nansen_core::sync::bundle;
use nansen_core::Nansen;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

const SECRET_NAMES: [&str; 3] = [
    "Zebulon Quixotic-Marchbanks",
    "Азиз Неповторимый",
    "Qirgʻizboy Xolmurodov",
];

fn assert_no_plaintext(files: &[PathBuf], needles: &[&str]) {
    assert!(!files.is_empty());
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        for needle in needles {
            assert!(
                !contains(&bytes, needle),
                "{} contains '{needle}' in plaintext",
                f.display()
            );
        }
    }
}

fn seeded(net: &mut Net) -> Vec<uuid::Uuid> {
    let mut ids = Vec::new();
    for (i, name) in SECRET_NAMES.iter().enumerate() {
        let id = person(
            &mut net.offices[0],
            name,
            if i == 1 { "uz-Cyrl" } else { "uz-Latn" },
        );
        net.offices[0]
            .edit(Kind::Person, id, &json!({"notes": format!("{name} was last seen at the camp gate"), "aliases": [{"text": format!("{name} Alias"), "lang": "ru-Cyrl"}]}))
            .unwrap();
        ids.push(id);
    }
    ids
}

#[test]
fn no_personal_data_is_readable_in_the_data_dir_the_wal_the_attachments_or_the_bundles() {
    let mut net = Net::new(1);
    let ids = seeded(&mut net);
    let photo = net.tmp.path().join("outside-photo.txt");
    std::fs::write(
        &photo,
        format!("scan of the passport of {}", SECRET_NAMES[0]),
    )
    .unwrap();
    net.offices[0]
        .attachment_add(&photo, &json!({"caption": format!("passport of {}", SECRET_NAMES[2]), "attached_to": [{"person": ids[0].to_string()}]}))
        .unwrap();
    std::fs::remove_file(&photo).unwrap();
    let bundle = net.export_from_office(0, None);
    net.hq.import_bundle(&bundle, &mut |_| {}).unwrap();

    // While both stores are open (so the WAL files exist and hold recent pages).
    let mut files = files_under(net.offices[0].data_dir());
    files.extend(files_under(net.hq.data_dir()));
    files.extend(files_under(&net.tmp.path().join("bundles")));
    assert!(
        files.iter().any(|f| f.to_string_lossy().ends_with("-wal")),
        "a WAL file is checked: {files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("attachments")),
        "an attachment is checked"
    );
    let folded: Vec<String> = SECRET_NAMES
        .iter()
        .map(|n| nansen_core::domain::names::search_key(n))
        .collect();
    let mut needles: Vec<&str> = SECRET_NAMES.to_vec();
    needles.extend(folded.iter().map(String::as_str));
    needles.push("last seen at the camp gate");
    needles.push("scan of the passport");
    assert_no_plaintext(&files, &needles);
    // The temp dir holds nothing of ours either: no staging file is ever written there.
    let tmp = std::env::temp_dir();
    let recent: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.metadata()
                .and_then(|m| m.modified())
                .map(|m| m.elapsed().unwrap_or_default().as_secs() < 600)
                .unwrap_or(false)
        })
        .collect();
    for f in recent {
        if let Ok(bytes) = std::fs::read(&f) {
            for needle in SECRET_NAMES {
                assert!(
                    !contains(&bytes, needle),
                    "{} in the temp dir contains a name",
                    f.display()
                );
            }
        }
    }
    // And the records are really there, for whoever has the passphrase.
    assert_eq!(
        net.hq.get(Kind::Person, ids[1]).unwrap().fields["name"]["text"],
        SECRET_NAMES[1]
    );
    let (_, content) = net
        .hq
        .attachment_content(
            net.hq
                .list(Kind::Attachment, &Default::default())
                .unwrap()
                .items[0]
                .id
                .parse()
                .unwrap(),
        )
        .unwrap()
        .unwrap();
    assert!(String::from_utf8(content)
        .unwrap()
        .contains(SECRET_NAMES[0]));
}

fn python_reads(db: &Path, key_hex: Option<&str>) -> Result<String, String> {
    let script = r#"
import sys, sqlcipher3
conn = sqlcipher3.connect(sys.argv[1])
if len(sys.argv) > 2:
    conn.execute("PRAGMA key = \"x'%s'\"" % sys.argv[2])
row = conn.execute("SELECT json_extract(name, '$.text') FROM person ORDER BY 1 LIMIT 1").fetchone()
print(conn.execute("PRAGMA cipher_version").fetchone()[0], row[0])
"#;
    // NANSEN_PYTHON: an interpreter with PyPI's sqlcipher3-binary (`make py-deps`).
    let python = std::env::var("NANSEN_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(python);
    cmd.arg("-c").arg(script).arg(db);
    if let Some(k) = key_hex {
        cmd.arg(k);
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

#[test]
fn an_independent_sqlcipher_4_reader_needs_the_key_and_reads_the_store_with_it() {
    let mut net = Net::new(1);
    seeded(&mut net);
    let dir = net.offices[0].data_dir().to_path_buf();
    let kf = KeyFile::read(&dir).unwrap().unwrap();
    let key = kf.open(PASS).unwrap().unwrap();
    let db = dir.join(&kf.database);
    let without = python_reads(&db, None).expect_err("the store must not open without its key");
    assert!(
        without.contains("not a database") || without.contains("encrypted"),
        "{without}"
    );
    let wrong = python_reads(&db, Some(&"00".repeat(32))).expect_err("nor with a wrong key");
    assert!(wrong.contains("not a database"), "{wrong}");
    let with = python_reads(&db, Some(&hex::encode(&key[..]))).expect("with the key it opens");
    assert!(with.starts_with('4'), "SQLCipher 4: {with}");
    assert!(SECRET_NAMES.iter().any(|n| with.contains(n)), "{with}");
}

fn secret(n: &Nansen, name: &str) -> String {
    let bytes: Vec<u8> = n
        .conn()
        .query_row("SELECT value FROM secrets WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

fn age_decrypt(identity: &str, file: &Path, dir: &Path) -> Result<Vec<u8>, String> {
    let id_file = dir.join("identity.txt");
    std::fs::write(&id_file, format!("{identity}\n")).unwrap();
    let out = Command::new("age")
        .arg("--decrypt")
        .arg("-i")
        .arg(&id_file)
        .arg(file)
        .output()
        .map_err(|e| e.to_string())?;
    std::fs::remove_file(&id_file).unwrap();
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

#[test]
fn the_reference_age_tool_decrypts_a_bundle_with_the_recipients_identity() {
    let mut net = Net::new(2);
    seeded(&mut net);
    let path = net.export_from_office(0, Some(1));
    let work = net.tmp.path();
    // The recipient's identity opens it, and so does headquarters' escrow identity…
    for identity in [
        secret(&net.offices[1], "device_age_identity"),
        secret(&net.hq, "org_age_identity"),
    ] {
        let plain = age_decrypt(&identity, &path, work).expect("age decrypts it");
        assert_eq!(&plain[..8], bundle::MAGIC);
        let env = bundle::open(&plain).unwrap();
        assert_eq!(env.manifest.sender.device, net.offices[0].device_id());
        assert!(env.part("changes").is_some());
    }
    // …but a device it was not made for cannot.
    let other = age::x25519::Identity::generate();
    let err = age_decrypt(
        age::secrecy::ExposeSecret::expose_secret(&other.to_string()),
        &path,
        work,
    )
    .unwrap_err();
    assert!(err.contains("no identity matched"), "{err}");
}

fn reencrypt(plain: &[u8], to: &[&str]) -> Vec<u8> {
    let recipients: Vec<age::x25519::Recipient> = to.iter().map(|r| r.parse().unwrap()).collect();
    bundle::encrypt(plain, &recipients).unwrap()
}

fn recipient_of(n: &Nansen) -> String {
    let id: age::x25519::Identity = secret(n, "device_age_identity").parse().unwrap();
    id.to_public().to_string()
}

#[test]
fn tampered_truncated_forged_misaddressed_and_replayed_bundles_change_nothing() {
    let mut net = Net::new(3);
    let id = person(&mut net.offices[0], "Нодира Каримова", "uz-Cyrl");
    let good = net.export_from_office(0, Some(1));
    let file = std::fs::read(&good).unwrap();
    let target = &mut net.offices[1];
    let before = target.digest().unwrap();
    let probe = net.tmp.path().join("probe.nansen");
    let check_rejected = |bytes: &[u8], what: &str, target: &mut Nansen| {
        std::fs::write(&probe, bytes).unwrap();
        let err = target.import_bundle(&probe, &mut |_| {}).expect_err(what);
        assert_eq!(err.code(), "bundle_rejected", "{what}: {err}");
        assert_eq!(target.digest().unwrap(), before, "{what}");
        err.to_string()
    };

    // Truncation at every offset.
    for len in 0..file.len() {
        check_rejected(&file[..len], &format!("truncated to {len} bytes"), target);
    }
    // A single flipped bit anywhere (one per byte, cycling through the bit positions).
    for i in 0..file.len() {
        let mut flipped = file.clone();
        flipped[i] ^= 1 << (i % 8);
        check_rejected(
            &flipped,
            &format!("bit {} of byte {i} flipped", i % 8),
            target,
        );
    }

    // Re-signed by a device the organisation never enrolled.
    let identity: age::x25519::Identity = secret(target, "device_age_identity").parse().unwrap();
    let plain = bundle::decrypt(&file, &[&identity]).unwrap();
    let env = bundle::open(&plain).unwrap();
    let rogue = nansen_core::trust::DeviceKeys::generate();
    let parts: Vec<(String, String, Vec<u8>)> = env
        .manifest
        .parts
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.encoding.clone(),
                env.part(&p.name).unwrap().to_vec(),
            )
        })
        .collect();
    let reseal = |manifest: bundle::Manifest, key: &ed25519_dalek::SigningKey| {
        bundle::seal(
            manifest,
            parts
                .iter()
                .map(|(n, e, b)| (n.as_str(), e.as_str(), b.clone()))
                .collect(),
            key,
        )
    };
    let mut m = env.manifest.clone();
    m.sender.device = rogue.device_id();
    let forged = reencrypt(&reseal(m, &rogue.signing), &[&recipient_of(target)]);
    let why = check_rejected(&forged, "re-signed by an unknown device", target);
    assert!(why.contains("not enrolled"), "{why}");
    // Keeping the real sender's id but signing with another key.
    let forged = reencrypt(
        &reseal(env.manifest.clone(), &rogue.signing),
        &[&recipient_of(target)],
    );
    let why = check_rejected(&forged, "signed with the wrong key", target);
    assert!(why.contains("signature"), "{why}");
    // A genuine bundle re-encrypted by its recipient for a third office is still
    // addressed (in its signed manifest) to the first, and refused there.
    let forwarded = reencrypt(&plain, &[&recipient_of(&net.offices[2])]);
    let third_before = net.offices[2].digest().unwrap();
    std::fs::write(&probe, &forwarded).unwrap();
    let err = net.offices[2]
        .import_bundle(&probe, &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("made for another device"), "{err}");
    assert_eq!(net.offices[2].digest().unwrap(), third_before);

    // A bundle made for another device cannot be opened here.
    let for_office_1 = {
        let p = net.bundle_path();
        net.hq
            .export_bundle(
                &ExportRequest {
                    peer: Some("Office 1".into()),
                    full: false,
                    out: p.clone(),
                },
                &mut |_| {},
            )
            .unwrap();
        p
    };
    let err = net.offices[1]
        .import_bundle(&for_office_1, &mut |_| {})
        .unwrap_err();
    assert!(
        err.to_string().contains("not addressed to this device"),
        "{err}"
    );
    assert_eq!(net.offices[1].digest().unwrap(), before);

    // The genuine bundle imports; replaying it changes nothing.
    let target = &mut net.offices[1];
    target.import_bundle(&good, &mut |_| {}).unwrap();
    let after = target.digest().unwrap();
    assert_ne!(after, before);
    assert!(
        target
            .import_bundle(&good, &mut |_| {})
            .unwrap()
            .already_imported
    );
    assert_eq!(target.digest().unwrap(), after);
    // An old bundle arriving after a newer one only carries what is already here.
    net.offices[0]
        .edit(Kind::Person, id, &json!({"sex": "female"}))
        .unwrap();
    let newer = net.export_from_office(0, Some(1));
    net.offices[1].import_bundle(&newer, &mut |_| {}).unwrap();
    let latest = net.offices[1].digest().unwrap();
    let stale_copy = net.tmp.path().join("stale.nansen");
    std::fs::copy(&good, &stale_copy).unwrap();
    assert!(
        net.offices[1]
            .import_bundle(&stale_copy, &mut |_| {})
            .unwrap()
            .already_imported
    );
    assert_eq!(net.offices[1].digest().unwrap(), latest);
}

#[test]
fn changes_from_a_revoked_device_are_held_back_everywhere_the_revocation_reaches() {
    let mut net = Net::new(3);
    let id = person(&mut net.offices[1], "Ботир Саидов", "uz-Cyrl");
    net.send(Some(1), None);
    // Office 2's laptop is lost. HQ revokes it; its changes so far stay.
    let lost = net.offices[1].device_id().to_string();
    let revoked = net
        .hq
        .revoke(&lost, "laptop seized at a checkpoint")
        .unwrap();
    assert_eq!(revoked.revoked_through, Some(1));
    // Whoever has the laptop writes, and gets it to office 3, which has not heard yet.
    net.offices[1]
        .edit(Kind::Person, id, &json!({"notes": "forged: released"}))
        .unwrap();
    let report = net.send(Some(1), Some(2));
    assert_eq!(report.applied, 2);
    // Office 3 relays to HQ: HQ holds the change back instead of applying it.
    let hq_before = net.hq.digest().unwrap();
    let report = net.send(Some(2), None);
    assert_eq!(report.held, 1);
    assert_eq!(net.hq.digest().unwrap(), hq_before);
    assert_eq!(net.hq.held_changes().unwrap()[0].reason, "revoked_device");
    // A bundle sent by the revoked device itself is rejected at HQ.
    let path = net.export_from_office(1, None);
    let err = net.hq.import_bundle(&path, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
    // The revocation reaches office 3, which takes the change back: all agree again.
    let report = net.send(None, Some(2));
    assert_eq!(report.withdrawn, 1);
    assert_eq!(net.offices[2].digest().unwrap(), net.hq.digest().unwrap());
    assert!(net.offices[2]
        .get(Kind::Person, id)
        .unwrap()
        .fields
        .get("notes")
        .is_none());
}

#[test]
fn changes_from_an_unknown_device_wait_until_its_certificate_arrives() {
    let mut net = Net::new(1);
    // A second office enrolled by HQ after office 1 last heard from HQ.
    let mut late = common::store(&net.tmp.path().join("late"), "Late office", false);
    common::enrol(&mut net.hq, &mut late, &net.tmp.path().join("bundles"));
    let id = person(&mut late, "Маҳмуд Тошматов", "uz-Cyrl");
    let p = net.bundle_path();
    late.export_bundle(
        &ExportRequest {
            peer: Some("HQ".into()),
            full: false,
            out: p.clone(),
        },
        &mut |_| {},
    )
    .unwrap();
    net.hq.import_bundle(&p, &mut |_| {}).unwrap();
    // HQ relays the late office's change to office 1, with the certificate in the directory.
    let report = net.send(None, Some(0));
    assert_eq!(
        (report.applied, report.held),
        (1, 0),
        "the certificate travelled with the change"
    );
    assert!(net.offices[0].get(Kind::Person, id).is_ok());
}

#[test]
fn a_fork_is_rejected_recorded_and_never_applied() {
    let mut net = Net::new(2);
    person(&mut net.offices[0], "Тимур Қодиров", "uz-Cyrl");
    let dir = net.offices[0].data_dir().to_path_buf();
    let backup = net.tmp.path().join("backup");
    drop(net.offices.remove(0));
    std::fs::create_dir_all(&backup).unwrap();
    for f in files_under(&dir) {
        let rel = f.strip_prefix(&dir).unwrap();
        std::fs::create_dir_all(backup.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&f, backup.join(rel)).unwrap();
    }
    net.offices.insert(0, Nansen::open(&dir, PASS).unwrap());
    person(&mut net.offices[0], "Written before the restore", "en-Latn");
    net.send(Some(0), Some(1));
    // The laptop is restored from the backup and writes its second change again, differently.
    drop(net.offices.remove(0));
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::rename(&backup, &dir).unwrap();
    net.offices.insert(0, Nansen::open(&dir, PASS).unwrap());
    person(&mut net.offices[0], "Written after the restore", "en-Latn");
    let before = net.offices[1].digest().unwrap();
    let path = net.export_from_office(0, Some(1));
    let err = net.offices[1]
        .import_bundle(&path, &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("fork"), "{err}");
    assert_eq!(net.offices[1].digest().unwrap(), before);
    let forks = net.offices[1].forks().unwrap();
    assert_eq!((forks.len(), forks[0].seq), (1, 2));
}
