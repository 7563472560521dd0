//! Headquarters continuity through the real binary: headquarters' laptop is backed up,
//! destroyed and restored on a new one, which goes on syncing with the office; then it
//! rotates the organisation key, the office adopts the new key with the next bundle,
//! and everything converges.

use nansen_tests::{Org, Store};

#[test]
fn headquarters_is_backed_up_destroyed_restored_and_rotates_its_key() {
    let org = Org::new(&["Osh"]);
    let osh = &org.offices[0];
    osh.ok(&["demo"]);
    let to_hq = org.bundle("osh-1");
    osh.ok(&["export", "--for", "HQ", "--out", &to_hq]);
    org.hq.ok(&["import", &to_hq]);
    let old_hq = org.hq.json(&["info"]);
    let org_before = org.hq.json(&["org", "show"]);
    assert_eq!(org_before["holds_org_key"], true);

    let backup = org.tmp.path().join("files").join("hq.nansen-backup");
    let report = org.hq.json(&["backup", "--out", backup.to_str().unwrap()]);
    assert_eq!(report["store_passphrase"], true);
    assert!(report["bytes"].as_u64().unwrap() > 0);
    // Never over an existing file.
    org.hq.fails(&["backup", "--out", backup.to_str().unwrap()]);

    // The office writes on, and sends a bundle the old laptop never sees.
    let late = osh.add("person", &["--name", "Written after the backup@en-Latn"]);
    let in_flight = org.bundle("osh-2");
    osh.ok(&["export", "--for", "HQ", "--out", &in_flight]);

    org.hq.ok(&["panic", "--yes-destroy-everything"]);
    org.hq.fails(&["info"]);
    let hq = Store::new(org.tmp.path(), "hq-new-laptop");
    let restored = hq.json(&["restore", backup.to_str().unwrap()]);
    assert_eq!(restored["headquarters"], true);
    assert_eq!(restored["needs_enrolment"], false);
    assert_eq!(restored["previous_device"], old_hq["device"]);
    let info = hq.json(&["info"]);
    assert_ne!(info["device"], old_hq["device"], "a new device identity");
    assert_eq!(info["records"], old_hq["records"]);
    // A restore goes only into an empty folder.
    let (_, err) = hq.fails(&["restore", backup.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");

    // The bundle made for the old laptop opens on the new one; the office takes the new
    // laptop's bundles at once (its certificate travels in them).
    hq.ok(&["import", &in_flight]);
    hq.ok(&["person", "show", &late]);
    let back = org.bundle("hq-1");
    hq.ok(&["export", "--for", "Osh", "--out", &back]);
    let r = osh.json(&["import", &back]);
    assert!(
        r[0]["new_devices"]
            .as_array()
            .unwrap()
            .contains(&info["device"]),
        "{r}"
    );
    assert_eq!(hq.digest(), osh.digest());

    // Rotation: the office adopts the new key with headquarters' next bundle.
    let rotated = hq.json(&["org", "rotate", "--yes"]);
    assert_ne!(rotated["fingerprint"], org_before["fingerprint"]);
    assert_eq!(
        rotated["retired"][0]["fingerprint"],
        org_before["fingerprint"]
    );
    let mine = hq.add("person", &["--name", "Written after the rotation@en-Latn"]);
    let rotation = org.bundle("hq-2");
    hq.ok(&["export", "--for", "Osh", "--out", &rotation]);
    osh.ok(&["import", &rotation]);
    let at_office = osh.json(&["org", "show"]);
    assert_eq!(at_office["fingerprint"], rotated["fingerprint"]);
    assert_eq!(at_office["retired"], rotated["retired"]);
    osh.ok(&["person", "show", &mine]);
    // Both read the same new safety number for the office.
    let number = |status: &serde_json::Value| {
        status["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["office"] == "Osh")
            .map(|d| d["safety_number"].clone())
            .unwrap()
    };
    assert_eq!(number(&at_office), number(&rotated));
    assert_ne!(number(&at_office), number(&org_before));

    // The office's bundles are taken under the new key; nothing forks.
    osh.add("person", &["--name", "Sent under the new key@en-Latn"]);
    let last = org.bundle("osh-3");
    osh.ok(&["export", "--for", "HQ", "--out", &last]);
    hq.ok(&["import", &last]);
    assert_eq!(hq.digest(), osh.digest());
    for s in [&hq, osh] {
        assert!(s.json(&["forks"]).as_array().unwrap().is_empty());
        assert!(s.json(&["held"]).as_array().unwrap().is_empty());
        s.ok(&["audit", "--verify"]);
    }
}
