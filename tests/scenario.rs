//! Three field offices and headquarters exchange bundles on a scripted schedule, through
//! the real `nansen` binary: concurrent edits, a delete against an edit, relays, a lost
//! USB stick. They converge, and every store lists the same conflicts.

use nansen_tests::Org;
use serde_json::Value;

fn conflicts(s: &nansen_tests::Store) -> Vec<(String, String, String)> {
    let mut c: Vec<(String, String, String)> = s.json(&["conflicts"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().into(),
                c["field"].as_str().unwrap().into(),
                c["conflict"].as_str().unwrap().into(),
            )
        })
        .collect();
    c.sort();
    c
}

#[test]
fn three_offices_and_headquarters_converge_with_the_same_conflicts_everywhere() {
    let org = Org::new(&["Osh", "Jalal-Abad", "Bishkek"]);
    let (hq, osh, jal, bis) = (&org.hq, &org.offices[0], &org.offices[1], &org.offices[2]);
    let send = |from: &nansen_tests::Store, to: &str, name: &str| -> String {
        let b = org.bundle(name);
        from.ok(&["export", "--for", to, "--out", &b]);
        b
    };

    // Day 1: Osh records the 29 taken to the detention centre; Jalal-Abad the list of 103.
    osh.ok(&["demo"]);
    let persons: Value = osh.json(&["person", "list"])["items"].take();
    let aziz = persons
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["label"] == "Азиз Каримов")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let botir = persons
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["label"] == "Ботир Саидов")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let list = jal.add(
        "group",
        &[
            "--name",
            "List of 103 (Jalal-Abad copy)",
            "--asserted-count",
            "103",
        ],
    );
    let b = send(osh, "HQ", "d1-osh-hq");
    hq.ok(&["import", &b]);
    let b = send(jal, "HQ", "d1-jal-hq");
    hq.ok(&["import", &b]);

    // Day 2: HQ sends everything to every office; the stick to Bishkek is lost.
    for (office, store) in [("Osh", osh), ("Jalal-Abad", jal)] {
        let b = send(hq, office, &format!("d2-hq-{office}"));
        store.ok(&["import", &b]);
    }
    let _lost = send(hq, "Bishkek", "d2-hq-bishkek-lost");

    // Day 3, offline: Osh and Jalal-Abad rename the same person differently; Osh deletes
    // a person that Jalal-Abad edits; Bishkek adds a member to Jalal-Abad's group only
    // once it has it (it has nothing yet).
    osh.ok(&[
        "person",
        "edit",
        &aziz,
        "--name",
        "Азиз Каримов (Ош)@uz-Cyrl",
    ]);
    jal.ok(&["person", "edit", &aziz, "--name", "Aziz Karimov@uz-Latn"]);
    osh.ok(&["person", "delete", &botir]);
    jal.ok(&[
        "person",
        "edit",
        &botir,
        "--notes",
        "seen at the border on 14 June",
    ]);
    jal.ok(&["group", "edit", &list, "--member", &aziz]);

    // Day 4: bundles cross in both directions, some relayed by HQ, one delivered twice,
    // in an order nobody planned.
    let j2o = send(jal, "Osh", "d4-jal-osh");
    let o2h = send(osh, "HQ", "d4-osh-hq");
    let j2h = send(jal, "HQ", "d4-jal-hq");
    osh.ok(&["import", &j2o]);
    hq.ok(&["import", &j2h, &o2h, &j2h]);
    let h2b = send(hq, "Bishkek", "d4-hq-bis");
    bis.ok(&["import", &h2b]);
    bis.ok(&[
        "person",
        "edit",
        &aziz,
        "--identifier",
        "unhcr_registration=UNHCR-05-117",
    ]);

    // Final full exchange, through HQ, twice.
    for round in 0..2 {
        for (office, store) in [("Osh", osh), ("Jalal-Abad", jal), ("Bishkek", bis)] {
            let b = send(store, "HQ", &format!("final{round}-{office}-hq"));
            hq.ok(&["import", &b]);
        }
        for (office, store) in [("Osh", osh), ("Jalal-Abad", jal), ("Bishkek", bis)] {
            let b = send(hq, office, &format!("final{round}-hq-{office}"));
            store.ok(&["import", &b]);
        }
    }

    let digest = hq.digest();
    for s in [osh, jal, bis] {
        assert_eq!(s.digest(), digest);
    }
    let expected = conflicts(hq);
    let kinds: Vec<(&str, &str)> = expected
        .iter()
        .map(|(_, f, c)| (f.as_str(), c.as_str()))
        .collect();
    assert!(kinds.contains(&("name", "values")), "{expected:?}");
    assert!(kinds.contains(&("deleted", "delete")), "{expected:?}");
    assert!(expected.iter().any(|(id, f, _)| id == &aziz && f == "name"));
    assert!(expected
        .iter()
        .any(|(id, f, _)| id == &botir && f == "deleted"));
    for s in [osh, jal, bis] {
        assert_eq!(conflicts(s), expected);
    }
    // Nothing was lost: the edit made while Osh deleted the person is still there.
    let b = bis.json(&["person", "show", &botir]);
    assert_eq!(
        b["record"]["fields"]["notes"],
        "seen at the border on 14 June"
    );
    // The identifier Bishkek added and the membership Jalal-Abad added both arrived.
    let a = osh.json(&["person", "show", &aziz]);
    assert_eq!(
        a["record"]["links"]["identifiers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == list));
    // Every store still verifies its log.
    for s in [hq, osh, jal, bis] {
        assert!(s
            .json(&["audit", "--verify"])
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["chain_intact"] == true));
    }
}
