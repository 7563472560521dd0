//! Bundles that converge: one readable example first, then the properties, then faults.

mod common;

use common::{dump, name_of, person, Net};
use nansen_core::api::{ListQuery, ResolveChoice};
use nansen_core::domain::Kind;
use nansen_core::fault::{self, Fault};
use serde_json::json;
use std::collections::HashSet;

#[test]
fn two_offices_rename_one_person_offline_and_both_see_the_same_conflict() {
    let mut net = Net::new(2);
    let id = person(&mut net.offices[0], "Азиз Каримов", "uz-Cyrl");
    net.send(Some(0), Some(1));
    assert_eq!(name_of(&net.offices[1], id), "Азиз Каримов");

    // Offline, each office writes a different name.
    net.offices[0]
        .edit(
            Kind::Person,
            id,
            &json!({"name": {"text": "Азиз Каримов-Osh", "lang": "uz-Cyrl"}}),
        )
        .unwrap();
    net.offices[1]
        .edit(
            Kind::Person,
            id,
            &json!({"name": {"text": "Aziz Karimov", "lang": "uz-Latn"}}),
        )
        .unwrap();
    let to_1 = net.send(Some(0), Some(1));
    let to_0 = net.send(Some(1), Some(0));
    assert_eq!(to_1.effects.conflicts_opened_count, 1);
    assert_eq!(to_0.effects.conflicts_opened_count, 1);

    // Both see the conflict, with both values, and show the same one.
    for o in &net.offices {
        let conflicts = o.conflicts(&Default::default()).unwrap().items;
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "name");
        let values: HashSet<String> = conflicts[0]
            .values
            .iter()
            .map(|v| v.value["text"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            values,
            HashSet::from(["Азиз Каримов-Osh".to_string(), "Aziz Karimov".to_string()])
        );
    }
    assert_eq!(name_of(&net.offices[0], id), name_of(&net.offices[1], id));
    assert_eq!(
        net.offices[0].digest().unwrap(),
        net.offices[1].digest().unwrap()
    );

    // Resolving is a change like any other: it syncs and converges.
    let keep = net.offices[1].conflicts(&Default::default()).unwrap().items[0]
        .values
        .iter()
        .find(|v| v.value["text"] == "Aziz Karimov")
        .unwrap()
        .value_id
        .clone();
    net.offices[1]
        .resolve(id, "name", ResolveChoice::Pick(keep))
        .unwrap();
    net.send(Some(1), Some(0));
    for o in &net.offices {
        assert!(o.conflicts(&Default::default()).unwrap().items.is_empty());
        assert_eq!(name_of(o, id), "Aziz Karimov");
    }
    assert_eq!(
        net.offices[0].digest().unwrap(),
        net.offices[1].digest().unwrap()
    );
}

#[test]
fn an_edit_made_while_someone_else_deleted_the_record_is_flagged_not_lost() {
    let mut net = Net::new(2);
    let id = person(&mut net.offices[0], "Дилшод Абдуллаев", "uz-Cyrl");
    net.send(Some(0), Some(1));
    net.offices[0].delete(Kind::Person, id).unwrap();
    net.offices[1]
        .edit(
            Kind::Person,
            id,
            &json!({"notes": "seen in Osh on 12 June"}),
        )
        .unwrap();
    net.send(Some(0), Some(1));
    net.send(Some(1), Some(0));
    for o in &net.offices {
        let c = o.conflicts(&Default::default()).unwrap().items;
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].conflict, "delete");
        assert_eq!(
            o.get(Kind::Person, id).unwrap().fields["notes"],
            "seen in Osh on 12 June"
        );
    }
    assert_eq!(
        net.offices[0].digest().unwrap(),
        net.offices[1].digest().unwrap()
    );
    // Keeping the record restores it with the edit.
    net.offices[0]
        .resolve(id, "deleted", ResolveChoice::Keep)
        .unwrap();
    net.send(Some(0), Some(1));
    for o in &net.offices {
        assert!(o.conflicts(&Default::default()).unwrap().items.is_empty());
        assert!(!o.get(Kind::Person, id).unwrap().deleted);
    }
}

#[test]
fn changes_relayed_through_headquarters_wait_for_their_predecessors() {
    let mut net = Net::new(2);
    let id = person(&mut net.offices[0], "Шерзод Турсунов", "uz-Cyrl");
    let first = net.export_from_office(0, None);
    net.offices[0]
        .edit(Kind::Person, id, &json!({"sex": "male"}))
        .unwrap();
    // Office 2 edits after seeing office 1's edit, relayed by HQ.
    let hq_first = {
        net.hq.import_bundle(&first, &mut |_| {}).unwrap();
        net.send(Some(0), None);
        net.export_from_hq(1)
    };
    net.offices[1]
        .import_bundle(&hq_first, &mut |_| {})
        .unwrap();
    net.offices[1]
        .edit(Kind::Person, id, &json!({"notes": "relayed"}))
        .unwrap();
    // HQ gets office 2's change before anything else from office 2: it applies at once.
    let report = net.send(Some(1), None);
    assert_eq!(report.waiting, 0);
    net.full_exchange();
    let d = net.digests();
    assert!(d.iter().all(|x| x == &d[0]));
    assert_eq!(
        net.offices[0].get(Kind::Person, id).unwrap().fields["notes"],
        "relayed"
    );
}

#[test]
fn a_lost_bundle_is_made_up_by_the_next_one() {
    let mut net = Net::new(1);
    let a = person(&mut net.offices[0], "Илҳом Эргашев", "uz-Cyrl");
    let _lost = net.export_from_office(0, None);
    let b = person(&mut net.offices[0], "Комил Назаров", "uz-Cyrl");
    let report = net.send(Some(0), None);
    assert_eq!(
        report.new_changes, 2,
        "the second bundle carries the first one's change again"
    );
    assert!(net.hq.get(Kind::Person, a).is_ok() && net.hq.get(Kind::Person, b).is_ok());
    // Once HQ's bundle acknowledges them, they are not sent again.
    net.send(None, Some(0));
    let again = net.send(Some(0), None);
    assert_eq!(again.changes_in_bundle, 0);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_change_whose_predecessor_is_missing_waits_until_it_arrives() {
    // Office 2's laptop is restored from a backup after it had acknowledged a change:
    // the next bundle from office 1 assumes it has that change, so what depends on it
    // must wait until the old bundle is imported again.
    let mut net = Net::new(2);
    let dir = net.offices[1].data_dir().to_path_buf();
    let backup = net.tmp.path().join("office2-backup");
    drop(net.offices.remove(1));
    copy_dir(&dir, &backup);
    net.offices
        .insert(1, nansen_core::Nansen::open(&dir, common::PASS).unwrap());

    let id = person(&mut net.offices[0], "Отабек Мирзаев", "uz-Cyrl");
    let first = net.export_from_office(0, Some(1));
    net.offices[1].import_bundle(&first, &mut |_| {}).unwrap();
    net.send(Some(1), Some(0));
    net.offices[0]
        .edit(Kind::Person, id, &json!({"notes": "moved to Osh"}))
        .unwrap();
    let second = net.export_from_office(0, Some(1));

    drop(net.offices.remove(1));
    std::fs::remove_dir_all(&dir).unwrap();
    copy_dir(&backup, &dir);
    net.offices
        .insert(1, nansen_core::Nansen::open(&dir, common::PASS).unwrap());

    let early = net.offices[1].import_bundle(&second, &mut |_| {}).unwrap();
    assert_eq!((early.new_changes, early.applied, early.waiting), (1, 0, 1));
    assert!(net.offices[1].get(Kind::Person, id).is_err());
    let late = net.offices[1].import_bundle(&first, &mut |_| {}).unwrap();
    assert_eq!(
        (late.applied, late.waiting),
        (2, 0),
        "the creation, then the waiting edit"
    );
    assert_eq!(
        net.offices[1].get(Kind::Person, id).unwrap().fields["notes"],
        "moved to Osh"
    );
    assert_eq!(
        net.offices[1].digest().unwrap(),
        net.offices[0].digest().unwrap()
    );
}

#[test]
fn the_preview_changes_nothing_and_the_import_matches_it() {
    let mut net = Net::new(1);
    net.offices[0].load_demo().unwrap();
    let bundle = net.export_from_office(0, None);
    let before = net.hq.digest().unwrap();
    let preview = net.hq.import_preview(&bundle).unwrap();
    assert!(preview.dry_run);
    assert_eq!(net.hq.digest().unwrap(), before);
    assert!(net
        .hq
        .list(Kind::Person, &ListQuery::default())
        .unwrap()
        .items
        .is_empty());
    let applied = net.hq.import_bundle(&bundle, &mut |_| {}).unwrap();
    assert_eq!(preview.effects.created_count, applied.effects.created_count);
    assert_eq!(preview.applied, applied.applied);
    assert_eq!(
        applied.effects.created_count,
        net.hq
            .list(Kind::Person, &ListQuery::default())
            .unwrap()
            .total
            + 30
    );
    let again = net.hq.import_bundle(&bundle, &mut |_| {}).unwrap();
    assert!(again.already_imported);
    assert_eq!(net.hq.digest().unwrap(), net.offices[0].digest().unwrap());
}

#[test]
fn a_fault_at_any_statement_of_an_import_leaves_the_store_exactly_as_it_was() {
    let mut net = Net::new(2);
    let a = person(&mut net.offices[0], "Фаррух Холматов", "uz-Cyrl");
    net.offices[0]
        .edit(Kind::Person, a, &json!({"aliases": [{"text": "Farrux Xolmatov", "lang": "uz-Latn"}], "identifiers": [{"type": "camp_id", "value": "A-7"}]}))
        .unwrap();
    net.send(Some(0), Some(1));
    net.offices[0]
        .edit(Kind::Person, a, &json!({"notes": "office 1"}))
        .unwrap();
    net.offices[1]
        .edit(Kind::Person, a, &json!({"notes": "office 2"}))
        .unwrap();
    let g = net.offices[0].add(Kind::Group, &json!({"name": "29 taken to Osh", "asserted_count": 29, "members": [{"person": a.to_string()}]})).unwrap();
    net.offices[0].delete(Kind::Group, g).unwrap();
    let bundle = net.export_from_office(0, Some(1));
    let target = &mut net.offices[1];
    let before_digest = target.digest().unwrap();
    let before = dump(target);
    let mut statement = 1;
    loop {
        fault::arm(statement, Fault::Error);
        let result = target.import_bundle(&bundle, &mut |_| {});
        let seen = fault::statements_seen().unwrap();
        fault::disarm();
        match result {
            Err(e) => {
                assert_eq!(e.code(), "injected_fault", "{e}");
                assert_eq!(
                    target.digest().unwrap(),
                    before_digest,
                    "fault at statement {statement}"
                );
                assert_eq!(dump(target), before, "fault at statement {statement}");
                statement += 1;
            }
            Ok(report) => {
                assert!(
                    seen < statement,
                    "the import finished without reaching the fault"
                );
                assert_eq!(report.effects.conflicts_opened_count, 1);
                break;
            }
        }
    }
    assert!(statement > 20, "the import ran {statement} statements");
    assert_eq!(net.offices[1].digest().unwrap(), {
        net.send(Some(1), Some(0));
        net.offices[0].digest().unwrap()
    });
}

#[test]
fn a_full_disk_during_an_import_is_reported_and_changes_nothing() {
    let mut net = Net::new(1);
    net.offices[0].load_demo().unwrap();
    let bundle = net.export_from_office(0, None);
    let before = net.hq.digest().unwrap();
    // SQLite reports SQLITE_FULL when the file may not grow: the same error as a full disk.
    let pages: i64 = net
        .hq
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    net.hq
        .conn()
        .query_row(
            &format!("PRAGMA max_page_count = {}", pages + 2),
            [],
            |_| Ok(()),
        )
        .unwrap();
    let err = net.hq.import_bundle(&bundle, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "disk_full", "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(net.hq.digest().unwrap(), before);
    // With room again, the same bundle imports.
    net.hq
        .conn()
        .query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))
        .unwrap();
    net.hq.import_bundle(&bundle, &mut |_| {}).unwrap();
    assert_eq!(net.hq.digest().unwrap(), net.offices[0].digest().unwrap());
}

/// A long bundle's changes are decoded in batches, each on every core at once; what it
/// is refused for must still be its first fault in bundle order, and nothing of it is
/// written. An enrolled office that turned hostile crafts its own chain of 4 500
/// changes (more than one batch of 4 096), signed with its own key.
#[test]
fn a_long_bundle_is_refused_for_its_first_fault_in_bundle_order_and_changes_nothing() {
    use common::{signing_key, Crafted};
    use nansen_core::hlc::{self, Hlc};
    use nansen_core::oplog::change::{self, CHANGE_FORMAT};
    use nansen_core::oplog::{Change, Op, ZERO_HASH};
    use nansen_core::sync::bundle::{self, Counts, SignedHead};

    const LENGTH: u64 = 4_500;
    let mut net = Net::new(2);
    let (osh, mal) = (0, 1);
    let device = net.offices[mal].device_id();
    let signer = signing_key(&net.offices[mal]);
    let now = hlc::wall_millis();
    let op = |field: &str, value: serde_json::Value| Op::Set {
        kind: Kind::Person,
        id: uuid::Uuid::now_v7(),
        field: field.into(),
        value,
    };
    let ops: Vec<Op> = (1..=LENGTH)
        .map(|seq| {
            op(
                "name",
                json!({"lang": "en-Latn", "text": format!("Person {seq}")}),
            )
        })
        .collect();
    // The chain as the office signs it; `frame` replaces one change's bytes as sent
    // (its successor still names the original as predecessor, as a tampered stick's).
    let crafted = |net: &Net, ops: &[Op], frame: &dyn Fn(u64, Vec<u8>) -> Vec<u8>| {
        let mut c = Crafted::new(&net.offices[mal], &net.offices[osh]);
        let mut prev = ZERO_HASH;
        for (i, op) in ops.iter().enumerate() {
            let seq = i as u64 + 1;
            let bytes = Change {
                v: CHANGE_FORMAT,
                device,
                seq,
                prev,
                hlc: Hlc::from_parts(now, seq as u16).0,
                author: "monitor of Mal".into(),
                deps: Default::default(),
                ops: vec![op.clone()],
            }
            .encode();
            prev = change::hash(&bytes);
            c.changes.push(frame(seq, bytes));
        }
        c.heads = vec![SignedHead::sign(&signer, device, LENGTH, prev)];
        // Declared by hand: a frame that is no change has no ops to count.
        let frames = bundle::encode_frames(&c.changes);
        let counts = Counts {
            changes: LENGTH,
            ops: LENGTH,
            origins: 1,
            changes_bytes: frames.len() as u64,
            attachments: 0,
            attachment_bytes: 0,
        };
        c.raw_changes = Some((bundle::compress(&frames).unwrap(), counts));
        c
    };
    let digest = net.offices[osh].digest().unwrap();
    let refused = |net: &mut Net, bundle: Vec<u8>| {
        let path = net.bundle_path();
        std::fs::write(&path, bundle).unwrap();
        let err = net.offices[osh]
            .import_bundle(&path, &mut |_| {})
            .unwrap_err();
        assert_eq!(net.offices[osh].digest().unwrap(), digest, "{err}");
        err.to_string()
    };

    let malformed_at = |at: usize| {
        let mut bad = ops.clone();
        bad[at - 1] = op("shoe_size", json!(43));
        bad
    };
    let names = |err: &str, seq: u64| err.contains(&format!("change {device}:{seq} is malformed"));

    // A field no person has, at change 1 000 (in the first batch of frames decoded
    // together) or 4 200 (in the second): named by its number.
    let (early, late) = (malformed_at(1_000), malformed_at(4_200));
    for (bad, seq) in [(&early, 1_000), (&late, 4_200)] {
        let bundle = crafted(&net, bad, &|_, b| b).seal();
        let err = refused(&mut net, bundle);
        assert!(names(&err, seq), "{err}");

        // One frame more than the manifest declares: the stream goes wrong at the
        // last frame, after the malformed one, which is named.
        let mut understated = crafted(&net, bad, &|_, b| b);
        if let Some((_, counts)) = understated.raw_changes.as_mut() {
            counts.changes -= 1;
        }
        let bundle = understated.seal();
        let err = refused(&mut net, bundle);
        assert!(names(&err, seq), "{err}");
    }

    // With a frame that is not a change at all at 300, in the first thread's share:
    // that frame is named, not the later one.
    let not_json = |seq, bytes: Vec<u8>| {
        if seq == 300 {
            b"{\"v\": [".to_vec()
        } else {
            bytes
        }
    };
    let bundle = crafted(&net, &early, &not_json).seal();
    let err = refused(&mut net, bundle);
    assert!(err.contains("malformed change"), "{err}");
    assert!(!names(&err, 1_000), "{err}");

    // A change swapped for another after its office signed the chain: the chain
    // breaks at its successor, before or after the malformed change.
    let swapped_at = |at: u64| {
        move |seq, bytes: Vec<u8>| {
            if seq == at {
                String::from_utf8(bytes)
                    .unwrap()
                    .replace(&format!("Person {at}\""), "Person 0\"")
                    .into_bytes()
            } else {
                bytes
            }
        }
    };
    let bundle = crafted(&net, &early, &swapped_at(400)).seal();
    let err = refused(&mut net, bundle);
    assert!(err.contains("unbroken chain at seq 401"), "{err}");
    let bundle = crafted(&net, &late, &swapped_at(4_300)).seal();
    let err = refused(&mut net, bundle);
    assert!(names(&err, 4_200), "{err}");
    // Across the batches' boundary, at 4 096.
    let bundle = crafted(&net, &ops, &swapped_at(4_096)).seal();
    let err = refused(&mut net, bundle);
    assert!(err.contains("unbroken chain at seq 4097"), "{err}");

    // The honest chain goes in whole, in order.
    let bundle = crafted(&net, &ops, &|_, b| b).seal();
    let path = net.bundle_path();
    std::fs::write(&path, bundle).unwrap();
    let report = net.offices[osh].import_bundle(&path, &mut |_| {}).unwrap();
    assert_eq!(report.applied, LENGTH);
    let (persons, names): (i64, i64) = net.offices[osh]
        .conn()
        .query_row(
            "SELECT count(*), count(DISTINCT name) FROM person",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((persons, names), (LENGTH as i64, LENGTH as i64));
}
