//! The security suite, continued: what an enrolled office that turned hostile, or
//! someone who copies or swaps the USB stick, tried against Nansen, and what stops it.
//! Each test is one attack, built by hand with the core's own types.

mod common;

use common::{person, Crafted, Net, PASS};
use nansen_core::api::ExportRequest;
use nansen_core::domain::Kind;
use nansen_core::hlc::{self, Hlc};
use nansen_core::oplog::change::{self, CHANGE_FORMAT};
use nansen_core::oplog::{Change, Op, ZERO_HASH};
use nansen_core::store::keyfile::Attempts;
use nansen_core::sync::bundle::{Counts, SignedHead};
use nansen_core::trust::{self, DeviceKeys};
use nansen_core::Nansen;
use serde_json::json;
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn write(net: &mut Net, bytes: &[u8]) -> PathBuf {
    let path = net.bundle_path();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn export(from: &mut Nansen, to: &str, out: &Path, full: bool) {
    from.export_bundle(
        &ExportRequest {
            peer: Some(to.into()),
            full,
            out: out.to_path_buf(),
        },
        &mut |_| {},
    )
    .unwrap();
}

/// A change in `device`'s name that `device` never made.
fn forged_change(device: Uuid, seq: u64, prev: [u8; 32], person: Uuid, name: &str) -> Vec<u8> {
    Change {
        v: CHANGE_FORMAT,
        device,
        seq,
        prev,
        hlc: Hlc::from_parts(hlc::wall_millis(), 0).0,
        author: "monitor of Osh".into(),
        deps: Default::default(),
        ops: vec![Op::Set {
            kind: Kind::Person,
            id: person,
            field: "name".into(),
            value: json!({"lang": "en-Latn", "text": name}),
        }],
    }
    .encode()
}

fn stored_head(n: &Nansen, device: Uuid, seq: u64) -> SignedHead {
    n.conn()
        .query_row(
            "SELECT hash, signature FROM chain_heads WHERE device = ?1 AND seq = ?2",
            rusqlite::params![&device.as_bytes()[..], seq as i64],
            |r| {
                let hash: Vec<u8> = r.get(0)?;
                let sig: Vec<u8> = r.get(1)?;
                Ok(SignedHead {
                    device,
                    seq,
                    hash: hash.try_into().unwrap(),
                    signature: hex::encode(sig),
                })
            },
        )
        .unwrap()
}

fn assert_log_verifies(n: &Nansen) {
    for check in n.verify_log().unwrap() {
        assert!(
            check.chain_intact && check.problem.is_none(),
            "{} ({:?}): {:?}",
            check.device,
            check.office,
            check.problem
        );
    }
}

/// Attack 1: office Mal relays a change it forged in Osh's name to an office that does
/// not know Osh yet, with a head that does not verify (and Osh's genuine head for a
/// later change), then sends the directory with Osh's certificate.
#[test]
fn attack_1_a_change_forged_in_another_devices_name_is_never_applied_or_attributed() {
    let mut net = Net::new(2);
    let (target, mal) = (0, 1);
    let mut osh = common::store(&net.tmp.path().join("osh"), "Osh", false);
    common::enrol(&mut net.hq, &mut osh, &net.tmp.path().join("bundles"));
    let osh_id = osh.device_id();
    let genuine = person(&mut osh, "Рустам Абдуллаев", "uz-Cyrl");
    person(&mut osh, "Дилноза Каримова", "uz-Cyrl");
    let p = net.bundle_path();
    export(&mut osh, "HQ", &p, false);
    net.hq.import_bundle(&p, &mut |_| {}).unwrap();
    net.send(None, Some(mal));
    assert!(
        trust::known_device(net.offices[target].conn(), &osh_id)
            .unwrap()
            .is_none(),
        "the target does not know Osh yet"
    );

    let forged_id = Uuid::now_v7();
    let forged = forged_change(osh_id, 1, ZERO_HASH, forged_id, "Forged By Mal");
    let zero_head = SignedHead {
        device: osh_id,
        seq: 1,
        hash: change::hash(&forged),
        signature: "00".repeat(64),
    };
    let genuine_head = stored_head(&net.offices[mal], osh_id, 2);

    // As reported: the forged change, a zero-signature head for it, and Osh's genuine
    // signed head for its change 2. A bundle may carry one head per device it sends.
    let mut a = Crafted::new(&net.offices[mal], &net.offices[target]);
    a.changes = vec![forged.clone()];
    a.heads = vec![zero_head.clone(), genuine_head];
    let file = write(&mut net, &a.seal());
    let err = net.offices[target]
        .import_bundle(&file, &mut |_| {})
        .unwrap_err();
    assert_eq!(err.code(), "bundle_rejected", "{err}");

    // With only the zero-signature head, the change is kept apart, never applied.
    let mut b = Crafted::new(&net.offices[mal], &net.offices[target]);
    b.changes = vec![forged];
    b.heads = vec![zero_head];
    let file = write(&mut net, &b.seal());
    let report = net.offices[target]
        .import_bundle(&file, &mut |_| {})
        .unwrap();
    assert_eq!((report.held, report.applied), (1, 0));
    let held = net.offices[target].held_changes().unwrap();
    assert_eq!(held[0].reason, "unknown_device");
    assert_eq!(held[0].relayed_by_office.as_deref(), Some("Office 2"));

    // Mal's second bundle carries the directory, with Osh's certificate.
    let mut c = Crafted::new(&net.offices[mal], &net.offices[target]);
    c.directory = trust::directory(net.offices[mal].conn()).unwrap();
    let file = write(&mut net, &c.seal());
    let report = net.offices[target]
        .import_bundle(&file, &mut |_| {})
        .unwrap();
    assert_eq!((report.forged, report.applied), (1, 0));
    assert!(
        report.warnings.iter().any(|w| w.contains("Office 2")),
        "the relaying office is named: {:?}",
        report.warnings
    );
    assert!(net.offices[target].get(Kind::Person, forged_id).is_err());
    assert!(net.offices[target].held_changes().unwrap().is_empty());

    // Osh's genuine changes, relayed by HQ, are taken: nothing mistaken for a fork.
    net.send(None, Some(target));
    assert!(net.offices[target].get(Kind::Person, genuine).is_ok());
    assert!(net.offices[target].get(Kind::Person, forged_id).is_err());
    assert_log_verifies(&net.offices[target]);
    // And the target's own bundles are still accepted at HQ.
    net.send(Some(target), None);
    assert_eq!(
        net.hq.digest().unwrap(),
        net.offices[target].digest().unwrap()
    );
}

/// Attack 2: Mal sends headquarters a bundle with no changes and garbage heads for
/// Osh's future changes, so that every later HQ bundle with them would be refused.
#[test]
fn attack_2_heads_for_changes_a_bundle_does_not_carry_cannot_poison_headquarters() {
    let mut net = Net::new(3);
    let (osh, mal, third) = (0, 1, 2);
    let osh_id = net.offices[osh].device_id();
    person(&mut net.offices[osh], "Тимур Қодиров", "uz-Cyrl");
    net.send(Some(osh), None);
    let garbage: Vec<SignedHead> = (3..=202)
        .map(|seq| SignedHead {
            device: osh_id,
            seq,
            hash: [seq as u8; 32],
            signature: "ab".repeat(64),
        })
        .collect();
    let mut c = Crafted::new(&net.offices[mal], &net.hq);
    c.heads = garbage.clone();
    let file = write(&mut net, &c.seal());
    let before = net.hq.digest().unwrap();
    let err = net.hq.import_bundle(&file, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "bundle_rejected", "{err}");
    assert_eq!(net.hq.digest().unwrap(), before);
    let stored: i64 = net
        .hq
        .conn()
        .query_row(
            "SELECT count(*) FROM chain_heads WHERE device = ?1 AND seq >= 3",
            [&osh_id.as_bytes()[..]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0);

    // Osh's later changes reach every office through HQ, and a new office by --full.
    for i in 0..4 {
        person(&mut net.offices[osh], &format!("Person {i}"), "en-Latn");
    }
    net.send(Some(osh), None);
    let report = net.send(None, Some(third));
    assert!(report.applied >= 5, "{report:?}");
    let mut late = common::store(&net.tmp.path().join("late"), "Late", false);
    common::enrol(&mut net.hq, &mut late, &net.tmp.path().join("bundles"));
    let p = net.bundle_path();
    export(&mut net.hq, "Late", &p, true);
    late.import_bundle(&p, &mut |_| {}).unwrap();
    assert_eq!(late.digest().unwrap(), net.hq.digest().unwrap());

    // A store poisoned by an older version (garbage written straight into its table,
    // over a genuine head too) forwards none of it, and heals by itself.
    {
        let conn = net.hq.conn();
        for h in &garbage {
            conn.execute(
                "INSERT OR REPLACE INTO chain_heads (device, seq, hash, signature) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![&osh_id.as_bytes()[..], h.seq as i64, &h.hash[..], vec![0xab_u8; 64]],
            )
            .unwrap();
        }
        conn.execute(
            "UPDATE chain_heads SET signature = ?2 WHERE device = ?1 AND seq = 5",
            rusqlite::params![&osh_id.as_bytes()[..], vec![0u8; 64]],
        )
        .unwrap();
    }
    person(
        &mut net.offices[osh],
        "Written after the poisoning",
        "en-Latn",
    );
    net.send(Some(osh), None);
    let report = net.send(None, Some(third));
    assert_eq!(report.applied, 1, "{report:?}");
    let rebuilt = net.hq.rebuild().unwrap();
    assert_eq!(rebuilt.heads_dropped, garbage.len() as u64 - 1);
    assert_log_verifies(&net.hq);
    assert_eq!(
        net.hq.digest().unwrap(),
        net.offices[third].digest().unwrap()
    );
}

/// Attack 3: the escrow key in an enrolment file is swapped for the attacker's on the
/// way from headquarters to the office, so the attacker could read its bundles.
#[test]
fn attack_3_an_escrow_key_swapped_in_an_enrolment_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let files = tmp.path();
    let mut hq = common::store(&files.join("hq"), "HQ", true);
    let mut osh = common::store(&files.join("osh"), "Osh", false);
    let (req, enr) = (files.join("osh.request"), files.join("osh.enrolment"));
    osh.enrol_request(&req).unwrap();
    let approved = hq.enrol_approve(&req, &enr, trust::Role::Office).unwrap();
    let escrow = trust::org(hq.conn()).unwrap().unwrap().escrow_recipient;
    let attacker = age::x25519::Identity::generate();
    let swap = |from: &Path, to: &Path| {
        let text = std::fs::read_to_string(from).unwrap();
        let tampered = text.replace(&escrow, &attacker.to_public().to_string());
        assert_ne!(tampered, text, "the escrow key is in the file");
        std::fs::write(to, tampered).unwrap();
    };
    let tampered = files.join("tampered.enrolment");
    swap(&enr, &tampered);
    // What the office compares: the file is refused, or its safety number differs.
    if let Ok(check) = osh.enrol_inspect(&tampered) {
        assert_ne!(check.safety_number, approved.safety_number);
    }
    assert!(osh.enrol_accept(&tampered).is_err());
    assert!(trust::org(osh.conn()).unwrap().is_none(), "not enrolled");

    // The genuine file: the same safety number on both sides.
    let accepted = osh.enrol_accept(&enr).unwrap();
    assert_eq!(accepted.safety_number, approved.safety_number);
    // Accepting a tampered file later cannot change the escrow key either.
    let (req2, enr2) = (files.join("osh2.request"), files.join("osh2.enrolment"));
    osh.enrol_request(&req2).unwrap();
    hq.enrol_approve(&req2, &enr2, trust::Role::Office).unwrap();
    swap(&enr2, &tampered);
    assert!(osh.enrol_accept(&tampered).is_err());
    assert_eq!(
        trust::org(osh.conn()).unwrap().unwrap().escrow_recipient,
        escrow
    );

    // What the office sends, the attacker cannot read; headquarters can.
    person(&mut osh, "Азиз Каримов", "uz-Cyrl");
    let p = files.join("osh-to-hq.nansen");
    export(&mut osh, "HQ", &p, false);
    let file = std::fs::read(&p).unwrap();
    assert!(nansen_core::sync::bundle::decrypt(&file, &[&attacker]).is_err());
    hq.import_bundle(&p, &mut |_| {}).unwrap();

    // Headquarters can rotate the escrow key, with a newer statement signed by the
    // organisation key; an older statement arriving later does not roll it back.
    let org = trust::org_keys(hq.conn()).unwrap().unwrap();
    let rotated = DeviceKeys {
        signing: org.signing.clone(),
        age: age::x25519::Identity::generate(),
    };
    let mut file: trust::enrol::EnrolmentFile =
        serde_json::from_slice(&std::fs::read(&enr2).unwrap()).unwrap();
    file.directory.org = trust::issue_org_statement(&rotated, 2);
    let rotation = files.join("rotation.enrolment");
    std::fs::write(&rotation, serde_json::to_vec(&file).unwrap()).unwrap();
    osh.enrol_accept(&rotation).unwrap();
    assert_eq!(
        trust::org(osh.conn()).unwrap().unwrap().escrow_recipient,
        rotated.recipient()
    );
    osh.enrol_accept(&enr2).unwrap();
    assert_eq!(
        trust::org(osh.conn()).unwrap().unwrap().escrow_recipient,
        rotated.recipient()
    );
}

/// Peak resident memory of this process so far, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The most an import of a hostile bundle may add to the process's peak memory.
const BOMB_CEILING_KIB: u64 = 48 * 1024;

/// Attack 4: a decompression bomb from an enrolled device. 256 MiB of zeros (64 Mi
/// empty frames) compress to a few kilobytes; today's limit let it through. Millions of
/// tiny frames, all decoded before any was checked, would have taken gigabytes.
#[test]
fn attack_4_a_decompression_bomb_is_refused_within_a_small_memory_ceiling() {
    const TEST: &str = "attack_4_a_decompression_bomb_is_refused_within_a_small_memory_ceiling";
    if let Ok(spec) = std::env::var("NANSEN_BOMB_CHILD") {
        // In a child process, so the peak measures this import alone.
        let (dir, bundle) = spec.split_once('\n').unwrap();
        let mut n = Nansen::open(Path::new(dir), PASS).unwrap();
        let before = peak_kib();
        let (outcome, why) = match n.import_bundle(Path::new(bundle), &mut |_| {}) {
            Ok(_) => ("imported".to_string(), String::new()),
            Err(e) => (e.code().to_string(), e.to_string()),
        };
        println!("BOMB {outcome} {} {} {why}", before, peak_kib());
        return;
    }
    let mut net = Net::new(1);
    let zeros = vec![0u8; 256 << 20];
    let bomb = zstd::bulk::compress(&zeros, 19).unwrap();
    drop(zeros);
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    let honest_looking = Counts {
        changes: 1000,
        ops: 1000,
        origins: 0,
        changes_bytes: 256 << 20,
        attachments: 0,
        attachment_bytes: 0,
    };
    let understated = Counts {
        changes: 1,
        ops: 1,
        origins: 0,
        changes_bytes: 300,
        attachments: 0,
        attachment_bytes: 0,
    };
    // A changes part of frames of one op each, as its manifest declares it.
    let declared = |frames: Vec<u8>, changes: u64, level: i32| {
        let counts = Counts {
            changes,
            ops: changes,
            origins: 1,
            changes_bytes: frames.len() as u64,
            attachments: 0,
            attachment_bytes: 0,
        };
        (zstd::bulk::compress(&frames, level).unwrap(), counts)
    };
    // One genuine change repeated: each frame valid on its own.
    let own = change_of(&mut net);
    let repeated = nansen_core::sync::bundle::encode_frames(vec![own.clone(); 200_000]);
    let (repeated, repeated_counts) = declared(repeated, 200_000, 19);
    // Two million frames of one byte each, none of them a change: within every declared
    // limit, and about a kilobyte each once decoded into a refusal.
    let mut state = 0x9e37_79b9_u32;
    let mut tiny = Vec::with_capacity(10_000_000);
    for _ in 0..2_000_000 {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        tiny.extend_from_slice(&1u32.to_be_bytes());
        tiny.push((state >> 24) as u8);
    }
    let (tiny, tiny_counts) = declared(tiny, 2_000_000, 3);
    for (what, part, counts, why) in [
        ("empty frames, declared", bomb.clone(), honest_looking, None),
        ("empty frames, understated", bomb, understated, None),
        ("one change repeated", repeated, repeated_counts, None),
        // Refused for what they are, not for a limit.
        (
            "tiny frames that are no changes",
            tiny,
            tiny_counts,
            Some("malformed change"),
        ),
    ] {
        let mut c = Crafted::new(&net.offices[0], &net.hq);
        c.raw_changes = Some((part, counts));
        let file = write(&mut net, &c.seal());
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(
                "NANSEN_BOMB_CHILD",
                format!("{}\n{}", net.hq.data_dir().display(), file.display()),
            )
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.split_once("BOMB ").map(|(_, rest)| rest))
            .unwrap_or_else(|| panic!("{what}: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
        let fields: Vec<&str> = line.split(' ').collect();
        let (before, after): (u64, u64) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        println!("{what}: {} KiB more at the peak", after - before);
        assert_eq!(fields[0], "bundle_rejected", "{what}");
        if let Some(why) = why {
            assert!(fields[3..].join(" ").contains(why), "{what}: {line}");
        }
        assert!(
            after - before < BOMB_CEILING_KIB,
            "{what}: the import took {} KiB",
            after - before
        );
    }
}

/// The bytes of a change the office made, signed into its chain.
fn change_of(net: &mut Net) -> Vec<u8> {
    person(&mut net.offices[0], "Bomb Maker", "en-Latn");
    let id = net.offices[0].device_id();
    common::change_bytes(&net.offices[0], id, 1)
}

/// Attack 5: Mal's bundle says it comes from "Director" at headquarters.
#[test]
fn attack_5_who_sent_a_bundle_comes_from_its_certificate_not_from_what_it_claims() {
    let mut net = Net::new(2);
    let (osh, mal) = (0, 1);
    let mut c = Crafted::new(&net.offices[mal], &net.offices[osh]);
    c.user = "Director (HQ)".into();
    let file = write(&mut net, &c.seal());
    let report = net.offices[osh].import_preview(&file).unwrap();
    assert_eq!(report.sender_office, "Office 2");
    assert_eq!(report.sender_role, "office");
    assert_eq!(
        report.sender_device,
        net.offices[mal].device_id().to_string()
    );
    let imported = net.offices[osh].import_bundle(&file, &mut |_| {}).unwrap();
    assert_eq!(imported.sender_office, "Office 2");
    let peers = net.offices[osh].peers().unwrap();
    let mal_id = net.offices[mal].device_id();
    assert_eq!(
        peers.iter().find(|p| p.device == mal_id).unwrap().office,
        "Office 2"
    );
    // A rogue device's bundle is refused without repeating what it says of itself.
    let rogue = DeviceKeys::generate();
    let mut r = Crafted::new(&net.offices[mal], &net.offices[osh]);
    r.signer = rogue.signing.clone();
    r.sender = rogue.device_id();
    r.user = "Director of Headquarters".into();
    let file = write(&mut net, &r.seal());
    let err = net.offices[osh]
        .import_bundle(&file, &mut |_| {})
        .unwrap_err();
    assert!(!err.to_string().contains("Director"), "{err}");
    assert!(err.to_string().contains("not enrolled"), "{err}");
}

/// Attack 6: after three wrong passphrases, twelve processes try at once; each used to
/// pass the delay check before any had recorded its failure.
#[test]
fn attack_6_parallel_wrong_passphrases_cannot_race_the_delay() {
    let mut net = Net::new(1);
    let dir = net.offices[0].data_dir().to_path_buf();
    drop(net.offices.remove(0));
    for _ in 0..3 {
        Nansen::open(&dir, "not the passphrase").err().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let tries: Vec<_> = (0..12)
        .map(|i| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                Nansen::open(&dir, &format!("guess number {i}"))
                    .err()
                    .unwrap()
                    .code()
            })
        })
        .collect();
    let codes: Vec<&str> = tries.into_iter().map(|t| t.join().unwrap()).collect();
    let tested = codes.iter().filter(|c| **c == "wrong_passphrase").count();
    assert_eq!(tested, 1, "only one guess may be tried: {codes:?}");
    assert_eq!(Attempts::load(&dir).failures, 4, "no failure is lost");
}

/// Attack 7: a weak passphrase, given where the app's strength meter is not.
#[test]
fn attack_7_a_weak_passphrase_is_refused_however_it_arrives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("weak");
    for weak in ["password", "12345678", "qwertyuiop", "Password1"] {
        let err = Nansen::init(
            &dir,
            nansen_core::api::InitOptions {
                office: "Osh".into(),
                user: "Dilnoza".into(),
                passphrase: weak.into(),
                hq: false,
                kdf: nansen_core::store::keyfile::KdfProfile::Test,
            },
        )
        .err()
        .unwrap();
        assert_eq!(err.code(), "weak_passphrase", "{weak}: {err}");
        assert!(!nansen_core::store::is_initialised(&dir));
    }
    let n = common::store(&dir, "Osh", false);
    let digest = n.digest().unwrap();
    let err = n
        .change_passphrase(
            PASS,
            "password",
            nansen_core::store::keyfile::KdfProfile::Test,
        )
        .err()
        .unwrap();
    assert_eq!(err.code(), "weak_passphrase");
    assert_eq!(Nansen::open(&dir, PASS).unwrap().digest().unwrap(), digest);
}

/// A bundle declares the schema of what it carries. One from a release that changed
/// what bundles carry beyond this one's is refused, changing nothing. This release's
/// exports declare the newest such migration, not the store's newest (its search words
/// and duplicate tables are its own), so an office a release behind still takes them.
#[test]
fn a_bundle_of_a_newer_schema_is_refused_and_local_migrations_do_not_raise_it() {
    use nansen_core::store::migrations::{bundle_schema_version, latest_version};
    use nansen_core::sync::bundle;
    let mut net = Net::new(1);
    person(&mut net.offices[0], "Aziz Karimov", "uz-Latn");
    let file = net.export_from_office(0, None);
    let plain = bundle::decrypt(
        &std::fs::read(&file).unwrap(),
        &[&common::age_identity(&net.hq)],
    )
    .unwrap();
    let declared = bundle::open(&plain).unwrap().manifest.schema_version;
    assert_eq!(declared, bundle_schema_version());
    assert!(declared < latest_version());

    let before = net.hq.digest().unwrap();
    let mut newer = Crafted::new(&net.offices[0], &net.hq);
    newer.schema_version = latest_version() + 1;
    let path = write(&mut net, &newer.seal());
    let err = net.hq.import_bundle(&path, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "bundle_rejected", "{err}");
    assert!(err.to_string().contains("newer version of Nansen"), "{err}");
    assert_eq!(net.hq.digest().unwrap(), before);

    // What a sender of the release before declared: its store's latest migration.
    let mut older = Crafted::new(&net.offices[0], &net.hq);
    older.schema_version = latest_version();
    let path = write(&mut net, &older.seal());
    net.hq.import_bundle(&path, &mut |_| {}).unwrap();
    net.hq.import_bundle(&file, &mut |_| {}).unwrap();
    assert_eq!(net.hq.person_counts(None).unwrap().values().sum::<u64>(), 1);
}
