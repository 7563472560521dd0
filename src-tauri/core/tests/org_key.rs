//! The organisation key: held by a second headquarters device, and rotated. After a
//! rotation, offices take what the new key signs and refuse what only the retired key
//! vouches for; each attack here is built by hand, with the stolen old key.

mod common;

use common::{person, recipients_of, Crafted, Net};
use nansen_core::domain::Kind;
use nansen_core::hlc::{self, Hlc};
use nansen_core::oplog::change::{self, CHANGE_FORMAT};
use nansen_core::oplog::{Change, Op, ZERO_HASH};
use nansen_core::sync::bundle::SignedHead;
use nansen_core::trust::{self, DeviceKeys, Directory, Role};
use nansen_core::Nansen;
use serde_json::json;
use std::path::PathBuf;
use uuid::Uuid;

fn hex_key(k: &DeviceKeys) -> String {
    hex::encode(k.signing.verifying_key().as_bytes())
}

/// A device of the attacker's, with a certificate signed by `org`.
struct Intruder {
    keys: DeviceKeys,
    cert: trust::Signed,
}

fn intruder(org: &DeviceKeys) -> Intruder {
    let keys = DeviceKeys::generate();
    let cert = trust::issue_cert(
        org,
        keys.device_id(),
        "Mal",
        Role::Office,
        keys.signing.verifying_key().as_bytes(),
        &keys.recipient(),
    );
    Intruder { keys, cert }
}

/// A directory signed by `org` alone, vouching for `certs` and `revocations`.
fn directory(
    org: &DeviceKeys,
    certs: Vec<trust::Signed>,
    revocations: Vec<trust::Signed>,
) -> Directory {
    Directory {
        org_key: hex_key(org),
        org: trust::issue_org_statement(org, 1),
        certs,
        revocations,
        rotations: vec![],
    }
}

/// A bundle from the intruder's device to `to`, carrying one change of its own.
fn intruder_bundle(i: &Intruder, to: &Nansen, dir: Directory) -> (Vec<u8>, Uuid) {
    let id = Uuid::now_v7();
    let bytes = Change {
        v: CHANGE_FORMAT,
        device: i.keys.device_id(),
        seq: 1,
        prev: ZERO_HASH,
        hlc: Hlc::from_parts(hlc::wall_millis(), 0).0,
        author: "mal".into(),
        deps: Default::default(),
        ops: vec![Op::Set {
            kind: Kind::Person,
            id,
            field: "name".into(),
            value: json!({"lang": "en-Latn", "text": "Planted by the old key"}),
        }],
    }
    .encode();
    let head = SignedHead::sign(&i.keys.signing, i.keys.device_id(), 1, change::hash(&bytes));
    let c = Crafted {
        signer: i.keys.signing.clone(),
        sender: i.keys.device_id(),
        user: "mal".into(),
        to: vec![to.device_id()],
        recipients: recipients_of(to),
        directory: Some(dir),
        heads: vec![head],
        changes: vec![bytes],
        raw_changes: None,
        schema_version: nansen_core::store::migrations::bundle_schema_version(),
    };
    (c.seal(), id)
}

fn write(net: &mut Net, bytes: &[u8]) -> PathBuf {
    let p = net.bundle_path();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Imports a hostile bundle: refused, and nothing changed.
fn refused(net: &mut Net, to: usize, bytes: &[u8]) -> nansen_core::Error {
    let p = write(net, bytes);
    let before = (
        net.offices[to].digest().unwrap(),
        net.offices[to].devices().unwrap().len(),
    );
    let org = trust::org(net.offices[to].conn()).unwrap().unwrap().key;
    let err = net.offices[to].import_bundle(&p, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "bundle_rejected", "{err}");
    let after = (
        net.offices[to].digest().unwrap(),
        net.offices[to].devices().unwrap().len(),
    );
    assert_eq!(before, after);
    assert_eq!(
        trust::org(net.offices[to].conn()).unwrap().unwrap().key,
        org
    );
    err
}

fn safety_number(n: &Nansen) -> String {
    n.org_status().unwrap().safety_number.expect("enrolled")
}

#[test]
fn offices_adopt_a_rotated_key_and_refuse_what_only_the_retired_key_signs() {
    let mut net = Net::new(2);
    let stolen = trust::org_keys(net.hq.conn()).unwrap().unwrap();
    let number_before = safety_number(&net.offices[0]);
    // Office 2 makes a bundle for headquarters' escrow key only, before the rotation.
    person(
        &mut net.offices[1],
        "Written before the rotation",
        "en-Latn",
    );
    let in_flight = net.bundle_path();
    net.offices[1]
        .export_bundle(
            &nansen_core::api::ExportRequest {
                peer: None,
                full: true,
                out: in_flight.clone(),
            },
            &mut |_| {},
        )
        .unwrap();

    let status = net.hq.rotate_org_key().unwrap();
    assert!(status.holds_org_key);
    assert_eq!(status.retired.len(), 1);
    assert_eq!(
        status.retired[0].fingerprint,
        trust::fingerprint(stolen.signing.verifying_key().as_bytes())
    );
    assert!(trust::verify_directory(
        &trust::org(net.hq.conn()).unwrap().unwrap(),
        &trust::directory(net.hq.conn()).unwrap().unwrap()
    )
    .is_ok());

    // Office 1 adopts the new key with headquarters' next bundle.
    let r = net.send(None, Some(0));
    assert!(
        r.warnings.iter().any(|w| w.contains("rotated")),
        "{:?}",
        r.warnings
    );
    let o = net.offices[0].org_status().unwrap();
    assert_eq!(
        (o.fingerprint.as_str(), o.serial),
        (status.fingerprint.as_str(), status.serial)
    );
    // Every safety number changed; both sides show the same new one.
    assert_ne!(o.safety_number.as_deref(), Some(number_before.as_str()));
    let at_hq = status
        .devices
        .iter()
        .find(|d| d.device == net.offices[0].device_id())
        .unwrap();
    assert_eq!(
        o.safety_number.as_deref(),
        Some(at_hq.safety_number.as_str())
    );
    // Its bundles are taken at headquarters; the bundle still on its way opens too.
    person(&mut net.offices[0], "Written after the rotation", "en-Latn");
    assert_eq!(net.send(Some(0), None).applied, 1);
    assert!(
        net.hq
            .import_bundle(&in_flight, &mut |_| {})
            .unwrap()
            .applied
            >= 1
    );
    // Office 2 has not heard yet: its bundle is taken, its directory ignored.
    person(&mut net.offices[1], "From behind", "en-Latn");
    let r = net.send(Some(1), Some(0));
    assert_eq!(r.applied, 2);
    assert!(
        r.warnings.iter().any(|w| w.contains("not yet received")),
        "{:?}",
        r.warnings
    );

    // The stolen key certifies a device of the attacker's: refused where the rotation is known.
    let mal = intruder(&stolen);
    let (b, _) = intruder_bundle(
        &mal,
        &net.offices[0],
        directory(&stolen, vec![mal.cert.clone()], vec![]),
    );
    let err = refused(&mut net, 0, &b);
    assert!(err.to_string().contains("not enrolled"), "{err}");
    // … even inside a directory that names the new key.
    let mut mixed = trust::directory(net.hq.conn()).unwrap().unwrap();
    mixed.certs.push(mal.cert.clone());
    let (b, _) = intruder_bundle(&mal, &net.offices[0], mixed);
    refused(&mut net, 0, &b);
    // A rotation of its own, from the stolen key, with a higher serial: an equivocation.
    let hijack = DeviceKeys::generate();
    let mut forged = directory(
        &hijack,
        vec![trust::issue_cert(
            &hijack,
            mal.keys.device_id(),
            "Mal",
            Role::Hq,
            mal.keys.signing.verifying_key().as_bytes(),
            &mal.keys.recipient(),
        )],
        vec![],
    );
    forged.org = trust::issue_org_statement(&hijack, 1000);
    forged.rotations = vec![sign_rotation(&stolen, &hijack, 999)];
    let (b, _) = intruder_bundle(&mal, &net.offices[0], forged);
    let err = refused(&mut net, 0, &b);
    assert!(err.to_string().contains("two different new keys"), "{err}");
    // A revocation the stolen key signs, relayed by an office that has not heard of the
    // rotation: the bundle is taken, the revocation counts for nothing.
    let hq_id = net.hq.device_id();
    let revocation = trust::issue_revocation(&stolen, hq_id, 0, "forged");
    let mut relay = Crafted::new(&net.offices[1], &net.offices[0]);
    relay.directory = Some(directory(&stolen, vec![], vec![revocation]));
    let p = write(&mut net, &relay.seal());
    let r = net.offices[0].import_bundle(&p, &mut |_| {}).unwrap();
    assert!(r.new_revocations.is_empty());
    assert!(trust::trusts(net.offices[0].conn(), &hq_id, 1_000).unwrap());

    // Everyone converges under the new key, office 2 through office 1's bundle.
    let r = net.send(Some(0), Some(1));
    assert!(
        r.warnings.iter().any(|w| w.contains("rotated")),
        "{:?}",
        r.warnings
    );
    assert_eq!(
        net.offices[1].org_status().unwrap().fingerprint,
        status.fingerprint
    );
    for _ in 0..2 {
        net.full_exchange();
    }
    let d = net.digests();
    assert!(d.iter().all(|x| *x == d[0]), "{d:?}");
    for n in std::iter::once(&net.hq).chain(&net.offices) {
        assert!(n.forks().unwrap().is_empty());
        assert!(n.held_changes().unwrap().is_empty());
    }
    // The stolen key's device is refused at office 2 as well, now.
    let (b, _) = intruder_bundle(
        &mal,
        &net.offices[1],
        directory(&stolen, vec![mal.cert.clone()], vec![]),
    );
    refused(&mut net, 1, &b);
}

fn sign_rotation(from: &DeviceKeys, to: &DeviceKeys, serial: u64) -> trust::Signed {
    trust::issue_rotation(from, &hex_key(to), serial)
}

#[test]
fn adopting_the_rotation_undoes_what_the_stolen_key_certified_and_revoked_at_an_office() {
    let mut net = Net::new(2);
    let stolen = trust::org_keys(net.hq.conn()).unwrap().unwrap();
    let osh = person(&mut net.offices[0], "Written at Osh", "en-Latn");
    net.send(Some(0), Some(1));
    net.hq.rotate_org_key().unwrap();
    // Before office 2 hears of the rotation, the old key is still its trust root: a
    // device the attacker certifies is taken, and so is a revocation of office 1.
    let mal = intruder(&stolen);
    let osh_id = net.offices[0].device_id();
    let revoke_osh = trust::issue_revocation(&stolen, osh_id, 0, "forged");
    let (b, planted) = intruder_bundle(
        &mal,
        &net.offices[1],
        directory(&stolen, vec![mal.cert.clone()], vec![revoke_osh]),
    );
    let p = write(&mut net, &b);
    let r = net.offices[1].import_bundle(&p, &mut |_| {}).unwrap();
    assert_eq!((r.applied, r.withdrawn), (1, 1), "{r:?}");
    assert!(net.offices[1].get(Kind::Person, planted).is_ok());
    assert!(net.offices[1].get(Kind::Person, osh).is_err());

    // Headquarters' bundle brings the rotation: the old key's certificate and
    // revocation count for nothing, and Osh's change is applied again.
    let r = net.send(None, Some(1));
    assert!(r.released >= 1, "{r:?}");
    assert!(net.offices[1].get(Kind::Person, osh).is_ok());
    assert!(
        trust::known_device(net.offices[1].conn(), &mal.keys.device_id())
            .unwrap()
            .is_none()
    );
    assert!(trust::trusts(net.offices[1].conn(), &osh_id, 1).unwrap());
    // What the intruder wrote meanwhile stays (the limit), flagged by the audit, and is
    // never forwarded.
    assert!(net.offices[1].get(Kind::Person, planted).is_ok());
    let checks = net.offices[1].verify_log().unwrap();
    let flagged = checks
        .iter()
        .find(|c| c.device == mal.keys.device_id())
        .unwrap();
    assert!(flagged.problem.is_some());
    net.send(Some(1), None);
    assert!(net.hq.get(Kind::Person, planted).is_err());
    // Its next bundle is refused.
    let (b, _) = intruder_bundle(
        &mal,
        &net.offices[1],
        directory(&stolen, vec![mal.cert.clone()], vec![]),
    );
    refused(&mut net, 1, &b);
}

/// A request from `device`, approved at `hq` with `role`, accepted by `device`.
fn enrol_as(
    hq: &mut Nansen,
    device: &mut Nansen,
    role: Role,
    files: &std::path::Path,
    name: &str,
) -> trust::enrol::EnrolmentCheck {
    let req = files.join(format!("{name}.request"));
    let enr = files.join(format!("{name}.enrolment"));
    device.enrol_request(&req).unwrap();
    let approved = hq.enrol_approve(&req, &enr, role).unwrap();
    assert_eq!(
        device.enrol_inspect(&enr).unwrap().safety_number,
        approved.safety_number
    );
    device.enrol_accept(&enr).unwrap()
}

#[test]
fn a_second_headquarters_device_holds_the_key_approves_enrolments_and_takes_over_a_rotation() {
    let mut net = Net::new(1);
    let files = net.tmp.path().join("bundles");
    let mut hq2 = common::store(&net.tmp.path().join("hq2"), "HQ", false);
    let check = enrol_as(&mut net.hq, &mut hq2, Role::Hq, &files, "hq2");
    assert!(check.org_key_transfer);
    assert!(hq2.org_status().unwrap().holds_org_key);
    // The key travels only to the device that asked: not to an office, not to another.
    let sealed: trust::enrol::EnrolmentFile =
        serde_json::from_slice(&std::fs::read(files.join("hq2.enrolment")).unwrap()).unwrap();
    let mut other = common::store(&net.tmp.path().join("other"), "Other", false);
    for role in [Role::Office, Role::Hq] {
        let (req, enr) = (files.join("o.request"), files.join("o.enrolment"));
        other.enrol_request(&req).unwrap();
        net.hq.enrol_approve(&req, &enr, role).unwrap();
        let mut file: trust::enrol::EnrolmentFile =
            serde_json::from_slice(&std::fs::read(&enr).unwrap()).unwrap();
        file.org_key = sealed.org_key.clone();
        std::fs::write(&enr, serde_json::to_vec(&file).unwrap()).unwrap();
        let err = other.enrol_accept(&enr).unwrap_err();
        assert_eq!(err.code(), "untrusted", "{err}");
        assert!(!other.org_status().map(|s| s.holds_org_key).unwrap_or(false));
        assert!(trust::org_keys(other.conn()).unwrap().is_none());
    }

    // The second device enrols an office; headquarters takes that office's bundles.
    let mut late = common::store(&net.tmp.path().join("late"), "Late", false);
    enrol_as(&mut hq2, &mut late, Role::Office, &files, "late");
    let id = person(&mut late, "Enrolled by the second device", "en-Latn");
    let p = net.bundle_path();
    late.export_bundle(
        &nansen_core::api::ExportRequest {
            peer: Some("HQ".into()),
            full: false,
            out: p.clone(),
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(net.hq.import_bundle(&p, &mut |_| {}).unwrap().applied, 1);
    hq2.import_bundle(&p, &mut |_| {}).unwrap();
    assert!(net.hq.get(Kind::Person, id).is_ok());

    // The second device rotates the key; the first adopts it and, holding only the
    // retired key, can no longer enrol anyone until the new key is transferred.
    let status = hq2.rotate_org_key().unwrap();
    let p = net.bundle_path();
    hq2.export_bundle(
        &nansen_core::api::ExportRequest {
            peer: Some(net.hq.device_id().to_string()),
            full: false,
            out: p.clone(),
        },
        &mut |_| {},
    )
    .unwrap();
    net.hq.import_bundle(&p, &mut |_| {}).unwrap();
    let first = net.hq.org_status().unwrap();
    assert_eq!(first.fingerprint, status.fingerprint);
    assert!(!first.holds_org_key);
    let (req, enr) = (files.join("x.request"), files.join("x.enrolment"));
    other.enrol_request(&req).unwrap();
    assert!(net.hq.enrol_approve(&req, &enr, Role::Office).is_err());
    let check = enrol_as(&mut hq2, &mut net.hq, Role::Hq, &files, "hq1-again");
    assert!(check.org_key_transfer);
    assert!(net.hq.org_status().unwrap().holds_org_key);
    net.hq.enrol_approve(&req, &enr, Role::Office).unwrap();
    other.enrol_accept(&enr).unwrap();
    assert_eq!(other.org_status().unwrap().fingerprint, status.fingerprint);
}

#[test]
fn a_seized_headquarters_is_replaced_and_its_keys_are_useless_afterwards() {
    let mut net = Net::new(2);
    let backup = net.tmp.path().join("hq.nansen-backup");
    net.hq
        .backup(
            &backup,
            common::PASS,
            None,
            nansen_core::store::keyfile::KdfProfile::Test,
        )
        .unwrap();
    // The laptop is seized, passphrase and all: `net.hq` is now the attacker's.
    let seized_device = net.hq.device_id();
    let (mut hq, _) = Nansen::restore_backup(
        &net.tmp.path().join("hq-new"),
        &backup,
        common::PASS,
        nansen_core::store::keyfile::KdfProfile::Test,
    )
    .unwrap();
    hq.revoke(&seized_device.to_string(), "laptop seized")
        .unwrap();
    hq.rotate_org_key().unwrap();
    for i in 0..2 {
        let p = net.bundle_path();
        hq.export_bundle(
            &nansen_core::api::ExportRequest {
                peer: Some(format!("Office {}", i + 1)),
                full: false,
                out: p.clone(),
            },
            &mut |_| {},
        )
        .unwrap();
        let r = net.offices[i].import_bundle(&p, &mut |_| {}).unwrap();
        assert!(
            r.warnings.iter().any(|w| w.contains("rotated")),
            "{:?}",
            r.warnings
        );
    }
    // The attacker runs Nansen on the seized laptop: its bundles are refused …
    person(&mut net.hq, "Planted from the seized laptop", "en-Latn");
    let p = net.export_from_hq(0);
    let before = net.offices[0].digest().unwrap();
    let err = net.offices[0].import_bundle(&p, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
    assert_eq!(net.offices[0].digest().unwrap(), before);
    // … and so are those of a device it enrols with the old organisation key.
    let mut mal = common::store(&net.tmp.path().join("mal"), "Mal", false);
    common::enrol(&mut net.hq, &mut mal, &net.tmp.path().join("bundles"));
    person(&mut mal, "Planted by a device of the attacker", "en-Latn");
    let p = net.bundle_path();
    mal.export_bundle(
        &nansen_core::api::ExportRequest {
            peer: Some("Office 1".into()),
            full: false,
            out: p.clone(),
        },
        &mut |_| {},
    )
    .unwrap();
    let err = net.offices[0].import_bundle(&p, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("not enrolled"), "{err}");
    assert_eq!(net.offices[0].digest().unwrap(), before);
}

#[test]
fn an_office_that_takes_a_rotation_from_the_stolen_key_first_is_found_out() {
    let mut net = Net::new(1);
    let stolen = trust::org_keys(net.hq.conn()).unwrap().unwrap();
    let status = net.hq.rotate_org_key().unwrap();
    // The attacker's rotation reaches the office before headquarters' does: the old key
    // is still its trust root, so it is taken (the limit of any key rotation) …
    let hijack = DeviceKeys::generate();
    let mal = intruder(&hijack);
    // It re-signs the office's certificate too, so the office keeps working.
    let me = trust::known_device(net.offices[0].conn(), &net.offices[0].device_id())
        .unwrap()
        .unwrap();
    let mut key = [0u8; 32];
    hex::decode_to_slice(&me.sign_key, &mut key).unwrap();
    let office_cert = trust::issue_cert(
        &hijack,
        me.device,
        &me.office,
        Role::Office,
        &key,
        &me.age_recipient,
    );
    let mut dir = directory(&hijack, vec![mal.cert.clone(), office_cert], vec![]);
    dir.org = trust::issue_org_statement(&hijack, 2);
    dir.rotations = vec![sign_rotation(&stolen, &hijack, 2)];
    let (b, _) = intruder_bundle(&mal, &net.offices[0], dir);
    let p = write(&mut net, &b);
    net.offices[0].import_bundle(&p, &mut |_| {}).unwrap();
    // … and found out two ways: its safety number is none headquarters reads out, and
    // headquarters' own rotation is refused as an equivocation.
    let number = safety_number(&net.offices[0]);
    assert!(status.devices.iter().all(|d| d.safety_number != number));
    let p = net.export_from_hq(0);
    let err = net.offices[0].import_bundle(&p, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("two different new keys"), "{err}");
}
