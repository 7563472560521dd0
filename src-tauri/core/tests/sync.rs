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
