//! The op-log store: deterministic apply, rebuild, digest, migrations on real files.

mod common;

use common::{dump, person, Net, PASS};
use nansen_core::domain::Kind;
use nansen_core::store::keyfile::KdfProfile;
use nansen_core::store::migrations::{latest_version, MIGRATIONS};
use nansen_core::store::Store;
use proptest::prelude::*;
use serde_json::{json, Value};

#[test]
fn the_same_changes_applied_in_different_orders_give_identical_tables() {
    let mut net = Net::new(4);
    // Offices 1 and 2 write concurrently, including to the same person.
    let shared = person(&mut net.offices[0], "Азиз Каримов", "uz-Cyrl");
    net.send(Some(0), Some(1));
    net.offices[0].edit(Kind::Person, shared, &json!({"sex": "male", "add": {"aliases": [{"text": "Aziz Karimov", "lang": "uz-Latn"}]}})).unwrap();
    net.offices[1]
        .edit(
            Kind::Person,
            shared,
            &json!({"sex": "unknown", "notes": "from office 2", "aliases": []}),
        )
        .unwrap();
    person(&mut net.offices[1], "Гулноза Юсупова", "uz-Cyrl");
    let a = net.export_from_office(0, Some(2));
    let b = net.export_from_office(1, Some(2));
    let a2 = net.export_from_office(0, Some(3));
    let b2 = net.export_from_office(1, Some(3));
    // Office 3 imports A then B; office 4 imports B then A.
    net.offices[2].import_bundle(&a, &mut |_| {}).unwrap();
    net.offices[2].import_bundle(&b, &mut |_| {}).unwrap();
    net.offices[3].import_bundle(&b2, &mut |_| {}).unwrap();
    net.offices[3].import_bundle(&a2, &mut |_| {}).unwrap();
    let left = dump(&net.offices[2]);
    let right = dump(&net.offices[3]);
    // Only the stores' own bookkeeping differs (who applied what when), never the state.
    assert_eq!(left, right);
    assert_eq!(
        net.offices[2]
            .get(Kind::Person, shared)
            .unwrap()
            .conflicts
            .len(),
        1,
        "sex is in conflict"
    );
}

#[test]
fn rebuild_recomputes_exactly_the_same_state_from_the_log() {
    let mut net = Net::new(1);
    net.offices[0].load_demo().unwrap();
    let o = &mut net.offices[0];
    let some = o.list(Kind::Person, &Default::default()).unwrap().items[0]
        .id
        .parse()
        .unwrap();
    o.edit(
        Kind::Person,
        some,
        &json!({"notes": "edited", "aliases": []}),
    )
    .unwrap();
    o.delete(Kind::Person, some).unwrap();
    let before = dump(o);
    let digest = o.digest().unwrap();
    let report = o.rebuild().unwrap();
    assert_eq!(report.digest_before, digest);
    assert_eq!(report.digest_after, digest);
    assert_eq!(dump(o), before);
    assert_eq!(report.changes, 47 + 2, "the demo, an edit and a delete");
}

#[test]
fn a_store_from_the_previous_schema_version_opens_and_is_upgraded_with_its_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("old");
    let previous = &MIGRATIONS[..MIGRATIONS.len() - 1];
    {
        let store = Store::create_with(&dir, PASS, KdfProfile::Test, previous).unwrap();
        assert_eq!(
            nansen_core::store::migrations::user_version(&store.conn).unwrap(),
            latest_version() - 1
        );
        store
            .conn
            .execute("INSERT INTO meta (key, value) VALUES ('office', 'Osh')", [])
            .unwrap();
    }
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(
        nansen_core::store::migrations::user_version(&store.conn).unwrap(),
        latest_version()
    );
    let office: String = store
        .conn
        .query_row("SELECT value FROM meta WHERE key = 'office'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(office, "Osh");
}

fn record_inputs() -> impl Strategy<Value = Vec<(Kind, Value)>> {
    let name = "[A-Za-zА-Яа-я]{1,8}( [A-Za-zА-Яа-я]{1,8})?";
    let person = (name, prop::collection::vec(name, 0..3), prop::option::of(1900u32..2010))
        .prop_map(|(n, aliases, born)| {
            let mut v = json!({"name": {"text": n, "lang": "und"},
                "aliases": aliases.iter().map(|a| json!({"text": a, "lang": "ru-Cyrl"})).collect::<Vec<_>>()});
            if let Some(y) = born {
                v["birth_date"] = json!(format!("{y}"));
            }
            (Kind::Person, v)
        });
    let location = (
        name,
        prop_oneof![Just("camp"), Just("detention_centre"), Just("settlement")],
    )
        .prop_map(|(n, t)| (Kind::Location, json!({"name": n, "type": t})));
    let actor = name.prop_map(|n| (Kind::Actor, json!({"name": n, "type": "security_forces"})));
    prop::collection::vec(prop_oneof![3 => person, 1 => location, 1 => actor], 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn the_digest_does_not_depend_on_insertion_order(records in record_inputs(), seed in any::<u64>()) {
        let tmp = tempfile::tempdir().unwrap();
        let with_ids: Vec<(Kind, Value)> = records
            .into_iter()
            .map(|(k, mut v)| { v["id"] = json!(uuid::Uuid::now_v7().to_string()); (k, v) })
            .collect();
        let mut shuffled = with_ids.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut a = common::store(&tmp.path().join("a"), "A", false);
        let mut b = common::store(&tmp.path().join("b"), "B", false);
        for (k, v) in &with_ids { a.add(*k, v).unwrap(); }
        for (k, v) in &shuffled { b.add(*k, v).unwrap(); }
        prop_assert_eq!(a.digest().unwrap(), b.digest().unwrap());
        // And it does depend on the data.
        let (k, v) = &with_ids[0];
        // Every generated kind has a notes field.
        let id = v["id"].as_str().unwrap().parse().unwrap();
        let field = json!({"notes": "changed"});
        a.edit(*k, id, &field).unwrap();
        prop_assert_ne!(a.digest().unwrap(), b.digest().unwrap());
    }
}

#[test]
fn labels_built_by_the_store_follow_the_session_language() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = common::store(&tmp.path().join("a"), "Osh", false);
    let id = n
        .add(
            Kind::Event,
            &json!({"type": "detention", "date": "2005-06-10"}),
        )
        .unwrap();
    assert_eq!(
        n.get(Kind::Event, id).unwrap().label,
        "Detention, 2005-06-10"
    );
    for (lang, label) in [
        ("ru", "Задержание, 2005-06-10"),
        ("uz", "Hibsga olish, 2005-06-10"),
        ("ky", "Кармоо, 2005-06-10"),
    ] {
        n.set_language(lang).unwrap();
        assert_eq!(n.get(Kind::Event, id).unwrap().label, label, "{lang}");
    }
    assert_eq!(n.set_language("fr").unwrap_err().code(), "invalid_input");
}

#[test]
fn the_app_and_the_cli_can_have_one_store_open_at_the_same_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let mut app = common::store(&dir, "Osh", false);
    let mut cli = nansen_core::Nansen::open(&dir, PASS).unwrap();
    let from_app = person(&mut app, "Азиз Каримов", "uz-Cyrl");
    let from_cli = person(&mut cli, "Нодира Каримова", "uz-Cyrl");
    assert!(
        cli.get(Kind::Person, from_app).is_ok(),
        "each sees the other's writes"
    );
    assert!(app.get(Kind::Person, from_cli).is_ok());
    assert_eq!(app.digest().unwrap(), cli.digest().unwrap());
    assert_eq!(
        app.info().unwrap().sequence,
        2,
        "one device, one contiguous sequence"
    );
    // Re-keying needs the store to itself.
    let err = app
        .change_passphrase(PASS, "another passphrase", KdfProfile::Test)
        .err()
        .unwrap();
    assert_eq!(err.code(), "busy");
    assert_eq!(cli.digest().unwrap().len(), 64);
}
