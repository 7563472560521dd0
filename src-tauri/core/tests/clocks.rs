//! Clocks: a change may not claim a time far ahead of every other device's to win the
//! conflicts it is part of; it waits for that time, and is applied when it comes.

mod common;

use common::{person, Crafted, Net, PASS};
use nansen_core::domain::Kind;
use nansen_core::hlc::{self, Hlc};
use nansen_core::oplog::change::{self, CHANGE_FORMAT};
use nansen_core::oplog::{Change, Op};
use nansen_core::sync::bundle::SignedHead;
use nansen_core::Nansen;
use serde_json::json;
use std::path::PathBuf;

fn write(net: &mut Net, bytes: &[u8]) -> PathBuf {
    let path = net.bundle_path();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A hostile office gives its own change a clock a year ahead, so that it would win
/// every conflict it is part of. It is kept, and waits for that time.
#[test]
fn a_change_that_claims_a_far_future_clock_waits_for_that_time() {
    let mut net = Net::new(2);
    let (osh, mal) = (0, 1);
    let id = person(&mut net.offices[osh], "Нодира Каримова", "uz-Cyrl");
    net.send(Some(osh), Some(mal));
    let mal_id = net.offices[mal].device_id();
    let year = 365 * 24 * 3600 * 1000;
    let (seq, prev) = nansen_core::oplog::head(net.offices[mal].conn(), &mal_id).unwrap();
    let ahead = Change {
        v: CHANGE_FORMAT,
        device: mal_id,
        seq: seq + 1,
        prev,
        hlc: Hlc::from_parts(hlc::wall_millis() + year, 0).0,
        author: "monitor of Office 2".into(),
        deps: [(net.offices[osh].device_id(), 1)].into(),
        ops: vec![Op::Set {
            kind: Kind::Person,
            id,
            field: "notes".into(),
            value: json!("released"),
        }],
    }
    .encode();
    let mut c = Crafted::new(&net.offices[mal], &net.offices[osh]);
    c.heads = vec![SignedHead::sign(
        &c.signer,
        mal_id,
        seq + 1,
        change::hash(&ahead),
    )];
    c.changes = vec![ahead];
    let file = write(&mut net, &c.seal());
    let report = net.offices[osh].import_bundle(&file, &mut |_| {}).unwrap();
    assert_eq!((report.clock_ahead, report.applied), (1, 0));
    assert!(report.warnings.iter().any(|w| w.contains("ahead")));
    let held = net.offices[osh].held_changes().unwrap();
    assert_eq!(held[0].reason, "clock_ahead");
    assert!(net.offices[osh]
        .get(Kind::Person, id)
        .unwrap()
        .fields
        .get("notes")
        .is_none());
    // It is relayed like any other change, and waits there too.
    let report = net.send(Some(osh), None);
    assert_eq!(report.clock_ahead, 1);
}

/// A change a little more than the bound ahead is applied as soon as its time comes,
/// when the store is next opened.
#[test]
fn a_change_ahead_of_its_time_is_applied_once_that_time_comes() {
    let mut net = Net::new(1);
    let office = net.offices[0].device_id();
    let id = person(&mut net.offices[0], "Ботир Саидов", "uz-Cyrl");
    net.send(Some(0), None);
    let claimed = hlc::wall_millis() + hlc::MAX_CLAIM_AHEAD_MS + 1500;
    let (seq, prev) = nansen_core::oplog::head(net.offices[0].conn(), &office).unwrap();
    let soon = Change {
        v: CHANGE_FORMAT,
        device: office,
        seq: seq + 1,
        prev,
        hlc: Hlc::from_parts(claimed, 0).0,
        author: "monitor of Office 1".into(),
        deps: Default::default(),
        ops: vec![Op::Set {
            kind: Kind::Person,
            id,
            field: "notes".into(),
            value: json!("seen at the gate"),
        }],
    }
    .encode();
    let mut c = Crafted::new(&net.offices[0], &net.hq);
    c.heads = vec![SignedHead::sign(
        &c.signer,
        office,
        seq + 1,
        change::hash(&soon),
    )];
    c.changes = vec![soon];
    let file = write(&mut net, &c.seal());
    assert_eq!(
        net.hq
            .import_bundle(&file, &mut |_| {})
            .unwrap()
            .clock_ahead,
        1
    );
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let hq = Nansen::open(net.hq.data_dir(), PASS).unwrap();
    assert_eq!(
        hq.get(Kind::Person, id).unwrap().fields["notes"],
        json!("seen at the gate")
    );
    assert!(hq.held_changes().unwrap().is_empty());
}
