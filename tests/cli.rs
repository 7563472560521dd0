//! Every `nansen` command, run as a user would run it: the real binary, real encrypted
//! stores in temporary directories, real bundle files.

use nansen_tests::{faulty_bin, Org, Store};
use serde_json::{json, Value};
use std::io::Write;
use std::process::Stdio;

fn fresh(name: &str) -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::new(tmp.path(), name);
    s.ok(&["init", "--office", "Osh"]);
    (tmp, s)
}

#[test]
fn the_seed_can_be_recorded_from_the_command_line() {
    let (_tmp, s) = fresh("osh");
    let kg = s.add("location", &["--name", "Kyrgyzstan", "--type", "country"]);
    let osh = s.add(
        "location",
        &[
            "--name",
            "Osh",
            "--type",
            "settlement",
            "--parent",
            &kg,
            "--alias",
            "Ош@ru-Cyrl",
        ],
    );
    let centre = s.add(
        "location",
        &[
            "--name",
            "Osh detention centre",
            "--type",
            "detention_centre",
            "--parent",
            &osh,
            "--coordinates",
            "40.53,72.80",
        ],
    );
    let authorities = s.add(
        "actor",
        &[
            "--name",
            "Kyrgyz authorities",
            "--type",
            "state_authority",
            "--country",
            "KG",
        ],
    );
    let release = s.add(
        "source",
        &[
            "--type",
            "ngo_report",
            "--title",
            "More asylum-seekers at risk",
            "--reliability",
            "usually_reliable",
            "--date",
            "2005-06",
        ],
    );
    let group = s.add(
        "group",
        &[
            "--name",
            "29 taken to the Osh detention centre",
            "--asserted-count",
            "29",
            "--location",
            &centre,
            "--source",
            &release,
        ],
    );
    let aziz = s.add(
        "person",
        &[
            "--name",
            "Азиз Каримов@uz-Cyrl",
            "--alias",
            "Aziz Karimov@uz-Latn",
            "--alias",
            "Азиз Каримов@ru-Cyrl",
            "--sex",
            "male",
            "--birth-date",
            "1975~",
            "--identifier",
            "camp_id=A-117",
        ],
    );
    let dilshod = s.add(
        "person",
        &[
            "--name",
            "Dilshod Abdullayev@uz-Latn",
            "--alias",
            "Дилшод Абдуллаев@uz-Cyrl",
        ],
    );
    s.ok(&[
        "group", "edit", &group, "--member", &aziz, "--member", &dilshod,
    ]);
    s.add(
        "event",
        &[
            "--type",
            "detention",
            "--title",
            "29 taken to Osh",
            "--date",
            "2005-06-03/2005-06-05",
            "--location",
            &centre,
            "--victim",
            &group,
            "--perpetrator",
            &authorities,
            "--source",
            &release,
        ],
    );
    s.add(
        "status",
        &[
            "--group",
            &group,
            "--type",
            "refugee",
            "--value",
            "assessment_pending",
            "--effective",
            "2005-06",
        ],
    );
    s.add(
        "intervention",
        &[
            "--type",
            "urgent_action",
            "--title",
            "Urgent action for the 29",
            "--target",
            &authorities,
            "--date",
            "2005-06-10",
            "--due",
            "2005-06-24",
            "--concerns",
            &group,
        ],
    );

    let page = s.json(&["person", "show", &aziz]);
    assert_eq!(page["protection"]["value"], "detained");
    assert_eq!(page["protection"]["location"], centre);
    assert_eq!(page["refugee"]["value"], "assessment_pending");
    assert_eq!(page["groups"][0]["identified"], 2);
    assert_eq!(page["groups"][0]["asserted_count"], 29);
    let detention = page["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["event_type"] == "detention")
        .unwrap();
    assert_eq!(detention["via_group"], group);
    assert_eq!(detention["role"], "victim");
    assert_eq!(detention["sources"][0]["reliability"], "usually_reliable");
    assert_eq!(
        page["interventions"].as_array().unwrap().len(),
        0,
        "the intervention concerns the group"
    );
    let g = s.json(&["group", "show", &group]);
    assert_eq!(
        (g["identified"].as_u64(), g["asserted_count"].as_u64()),
        (Some(2), Some(29))
    );
    assert_eq!(g["interventions"][0]["fields"]["due"], "2005-06-24");
    let human = s.ok(&["person", "show", &aziz]);
    assert!(
        human.contains("current status: detained at Osh detention centre"),
        "{human}"
    );
    // Filter by status and by a place that contains the detention centre.
    let detained =
        s.json(&["person", "list", "--status", "detained", "--location", &kg])["items"].take();
    assert_eq!(detained.as_array().unwrap().len(), 2);
    assert!(
        s.json(&["person", "list", "--status", "forcibly_returned"])["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn search_finds_a_person_under_any_spelling_of_the_name() {
    let (_tmp, s) = fresh("osh");
    let id = s.add(
        "person",
        &[
            "--name",
            "Дилшод Абдуллаев@uz-Cyrl",
            "--alias",
            "Dilshod Abdullayev@uz-Latn",
        ],
    );
    s.add("person", &["--name", "Someone Else@en-Latn"]);
    for q in [
        "Абдуллаев",
        "abdullaev",
        "ABDULLAYEV",
        "Dilshod Abdul",
        "abdullaev dilshod",
    ] {
        let found = s.json(&["person", "list", "--q", q])["items"].take();
        let ids: Vec<&str> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![id.as_str()], "query {q}");
    }
    assert!(s.json(&["person", "list", "--q", "Rahimov"])["items"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn every_kind_can_be_added_listed_shown_edited_deleted_and_restored() {
    let (tmp, s) = fresh("osh");
    let person = s.add(
        "person",
        &["--name", "Гулноза Юсупова@uz-Cyrl", "--sex", "female"],
    );
    let location = s.add("location", &["--name", "Camp A", "--type", "camp"]);
    let actor = s.add(
        "actor",
        &["--name", "UNHCR", "--type", "international_organisation"],
    );
    let source = s.add(
        "source",
        &[
            "--type",
            "testimony",
            "--title",
            "Camp resident",
            "--consent",
            "true",
            "--reliability",
            "fairly_reliable",
        ],
    );
    let group = s.add(
        "group",
        &[
            "--name",
            "List of 103",
            "--asserted-count",
            "103",
            "--member",
            &person,
        ],
    );
    let event = s.add(
        "event",
        &[
            "--type",
            "camp_surrounded",
            "--date",
            "2005-06-09",
            "--location",
            &location,
            "--involvement",
            &format!("perpetrator={actor}"),
        ],
    );
    let status = s.add(
        "status",
        &[
            "--person",
            &person,
            "--type",
            "protection",
            "--value",
            "at_risk",
            "--imminent",
            "true",
        ],
    );
    let intervention = s.add(
        "intervention",
        &[
            "--type",
            "request_to_unhcr",
            "--title",
            "Ask UNHCR",
            "--target",
            &actor,
            "--concerns",
            &person,
        ],
    );
    let photo = tmp.path().join("photo.png");
    std::fs::write(&photo, b"\x89PNG not really").unwrap();
    let attachment = s.json(&[
        "attachment",
        "add",
        "--file",
        photo.to_str().unwrap(),
        "--caption",
        "Camp gate",
        "--to",
        &person,
    ])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let records = [
        ("person", &person, vec!["--notes", "edited"]),
        ("location", &location, vec!["--notes", "edited"]),
        ("actor", &actor, vec!["--notes", "edited"]),
        ("source", &source, vec!["--content", "edited"]),
        ("group", &group, vec!["--description", "edited"]),
        ("event", &event, vec!["--description", "edited"]),
        ("status", &status, vec!["--notes", "edited"]),
        ("intervention", &intervention, vec!["--notes", "edited"]),
        ("attachment", &attachment, vec!["--caption", "edited"]),
    ];
    for (kind, id, edit) in &records {
        let listed = s.json(&[kind, "list"])["items"].take();
        assert!(
            listed.as_array().unwrap().iter().any(|r| r["id"] == **id),
            "{kind} list"
        );
        let mut args = vec![*kind, "edit", id.as_str()];
        args.extend(edit.iter().copied());
        assert_eq!(s.json(&args)["ops"], 1, "{kind} edit");
        assert_eq!(
            s.json(&args)["ops"],
            0,
            "{kind}: the same edit again changes nothing"
        );
        let shown = s.json(&[kind, "show", id]);
        let record = if *kind == "person" || *kind == "group" {
            &shown["record"]
        } else {
            &shown
        };
        assert!(
            record["fields"]
                .as_object()
                .unwrap()
                .values()
                .any(|v| v == "edited"),
            "{kind} show: {record}"
        );
        s.ok(&[kind, "delete", id]);
        assert!(
            !s.json(&[kind, "list"])["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == **id),
            "{kind} deleted"
        );
        assert!(s.json(&[kind, "list", "--deleted"])["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == **id));
        s.ok(&[kind, "restore", id]);
        assert!(
            s.json(&[kind, "list"])["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == **id),
            "{kind} restored"
        );
    }
    // Link sets change incrementally.
    s.ok(&[
        "person",
        "edit",
        &person,
        "--alias",
        "Gulnoza Yusupova@uz-Latn",
        "--identifier",
        "passport=AB123",
    ]);
    s.ok(&[
        "person",
        "edit",
        &person,
        "--remove-identifier",
        "passport=AB123",
        "--clear",
        "sex",
    ]);
    let p = s.json(&["person", "show", &person]);
    assert_eq!(p["record"]["links"]["aliases"].as_array().unwrap().len(), 1);
    assert!(p["record"]["links"]["identifiers"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(p["record"]["fields"].get("sex").is_none());
    assert_eq!(p["attachments"][0]["fields"]["caption"], "edited");
    // The attachment's file comes back byte for byte.
    let out = tmp.path().join("back.png");
    s.ok(&[
        "attachment",
        "get",
        &attachment,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), b"\x89PNG not really");
}

#[test]
fn add_and_edit_read_json_from_a_file_or_stdin() {
    let (tmp, s) = fresh("osh");
    let file = tmp.path().join("p.json");
    std::fs::write(&file, r#"{"name": {"text": "Шерзод Турсунов", "lang": "uz-Cyrl"}, "aliases": [{"text": "Sherzod Tursunov", "lang": "uz-Latn"}], "birth_date": "1980-03"}"#).unwrap();
    let id = s.json(&["person", "add", "--from-json", file.to_str().unwrap()])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut child = s
        .cmd(&["--json", "person", "edit", &id, "--from-json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(br#"{"notes": "from stdin", "add": {"identifiers": [{"type": "camp_id", "value": "B-7"}]}}"#).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let v = s.json(&["person", "show", &id]);
    assert_eq!(v["record"]["fields"]["notes"], "from stdin");
    assert_eq!(v["record"]["fields"]["birth_date"], "1980-03");
    assert_eq!(v["record"]["links"]["identifiers"][0]["value"], "B-7");
}

#[test]
fn bad_input_exits_non_zero_with_one_clear_line_and_changes_nothing() {
    let (tmp, s) = fresh("osh");
    let id = s.add("person", &["--name", "Азиз Каримов@uz-Cyrl"]);
    let bad_json = tmp.path().join("bad.json");
    std::fs::write(&bad_json, "{\"name\": {\"text\": \"X\"").unwrap();
    let not_object = tmp.path().join("list.json");
    std::fs::write(&not_object, "[1, 2]").unwrap();
    let unknown = "01a22291-0000-7000-8000-000000000000";
    let missing = tmp
        .path()
        .join("missing.nansen")
        .to_string_lossy()
        .to_string();
    let out_file = tmp.path().join("x.nansen").to_string_lossy().to_string();
    let before = s.digest();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["person", "show", unknown], "no person with id"),
        (
            vec!["person", "edit", unknown, "--notes", "x"],
            "no person with id",
        ),
        (vec!["person", "delete", unknown], "no person with id"),
        (vec!["person", "show", "not-an-id"], "not a valid record id"),
        (
            vec!["person", "edit", &id, "--birth-date", "2005-13-01"],
            "there is no month 13",
        ),
        (
            vec!["person", "edit", &id, "--birth-date", "last summer"],
            "is not a date",
        ),
        (
            vec!["person", "edit", &id, "--birth-date", "2005-02-30"],
            "has no day 30",
        ),
        (
            vec![
                "event",
                "add",
                "--type",
                "detention",
                "--date",
                "2005-06-10",
                "--end-date",
                "2005-06-01",
            ],
            "cannot end before it starts",
        ),
        (vec!["person", "add", "--sex", "male"], "needs a 'name'"),
        (vec!["location", "add", "--name", "Osh"], "needs a 'type'"),
        (
            vec!["person", "add", "--from-json", bad_json.to_str().unwrap()],
            "malformed JSON",
        ),
        (
            vec!["person", "add", "--from-json", not_object.to_str().unwrap()],
            "must be an object",
        ),
        (
            vec!["person", "edit", &id, "--sex", "alien"],
            "'alien' is not a known sex",
        ),
        (
            vec!["event", "add", "--type", "picnic"],
            "is not a known event type",
        ),
        (
            vec!["person", "edit", &id, "--origin", &id],
            "must be a location",
        ),
        (
            vec!["group", "add", "--name", "G", "--asserted-count", "-3"],
            "between 0 and",
        ),
        (
            vec!["person", "edit", &id, "--alias", "no language tag"],
            "is not TEXT@LANG",
        ),
        (
            vec!["person", "edit", &id, "--alias", "Aziz@latin"],
            "is not a language tag",
        ),
        (
            vec![
                "status", "add", "--person", &id, "--type", "refugee", "--value", "detained",
            ],
            "is not a refugee status",
        ),
        (
            vec!["resolve", &id, "name", "--value", "\"X\""],
            "has no conflict",
        ),
        (vec!["import", &missing], "No such file"),
        (
            vec!["import", bad_json.to_str().unwrap()],
            "not a Nansen bundle",
        ),
        (
            vec!["export", "--for", "Nowhere", "--out", &out_file],
            "not enrolled",
        ),
    ];
    for (args, expected) in cases {
        let (code, stderr) = s.fails(&args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "{args:?} must print one line, printed: {stderr}"
        );
        assert!(lines[0].starts_with("error: "), "{stderr}");
        assert!(
            lines[0].contains(expected),
            "{args:?}: expected '{expected}' in: {stderr}"
        );
        assert_eq!(s.digest(), before, "{args:?} changed the store");
    }
    // Usage errors are one line too, with their own exit code.
    let (code, stderr) = s.fails(&["person", "add", "--shoe-size", "42"]);
    assert_eq!((code, stderr.lines().count()), (2, 1), "{stderr}");
    assert!(stderr.contains("--shoe-size"), "{stderr}");
    assert_eq!(s.digest(), before);
    // With --json, the error is also machine-readable.
    let out = s.run(&["--json", "person", "show", unknown]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
}

#[test]
fn init_info_vocab_digest_rebuild_and_demo() {
    let (tmp, s) = fresh("osh");
    let (_, stderr) = s.fails(&["init", "--office", "Osh"]);
    assert!(stderr.contains("already exists"), "{stderr}");
    let nowhere = Store::new(tmp.path(), "nowhere");
    let (_, stderr) = nowhere.fails(&["person", "list"]);
    assert!(
        stderr.contains("nansen init --office"),
        "tells what to do next: {stderr}"
    );
    let info = s.json(&["info"]);
    assert_eq!(info["office"], "Osh");
    assert_eq!(info["enrolled"], false);
    assert_eq!(info["sequence"], 0);
    let demo = s.json(&["demo"]);
    assert_eq!(demo["persons"], 17);
    let (_, stderr) = s.fails(&["demo"]);
    assert!(stderr.contains("already loaded"));
    let info = s.json(&["info"]);
    assert_eq!(info["sequence"], 47);
    assert_eq!(info["records"]["persons"], 17);
    let sample = s.json(&["person", "list", "--q", "Andijan"])["items"].take();
    assert!(
        sample.as_array().unwrap().is_empty(),
        "places are not persons"
    );
    let persons = s.json(&["person", "list"])["items"].take();
    assert!(persons
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["sample"] == true));
    // Page by page with --limit and --after: every person once, in order; the human
    // output says how to get the next page.
    let mut walked: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut args = vec!["person", "list", "--limit", "5"];
        if let Some(a) = &after {
            args.extend(["--after", a.as_str()]);
        }
        let page = s.json(&args);
        assert_eq!(page["total"], 17);
        walked.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["label"].as_str().unwrap().to_lowercase()),
        );
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(walked.len(), 17);
    assert!(walked.windows(2).all(|w| w[0] <= w[1]), "{walked:?}");
    let first = s.ok(&["person", "list", "--limit", "5"]);
    assert!(
        first.contains("(5 of 17 shown; next page: --after "),
        "{first}"
    );
    let (_, stderr) = s.fails(&["person", "list", "--after", "nonsense"]);
    assert!(stderr.contains("not a page cursor"), "{stderr}");
    let cyrillic_and_latin = persons.as_array().unwrap().iter().any(|p| {
        p["name"]["lang"] == "uz-Cyrl"
            && p["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["lang"] == "uz-Latn")
    });
    assert!(cyrillic_and_latin);
    let vocab = s.json(&["vocab"]);
    let detention = vocab["event_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == "detention")
        .unwrap()
        .clone();
    assert_eq!(detention["label_ru"], "Задержание");
    assert_eq!(detention["label_uz"], "Hibsga olish");
    assert_eq!(detention["label_ky"], "Кармоо");
    let digest = s.digest();
    let rebuilt = s.json(&["rebuild"]);
    assert_eq!(rebuilt["digest_after"], digest);
    assert_eq!(s.digest(), digest);
}

#[test]
fn a_wrong_passphrase_is_refused_and_the_passphrase_can_be_changed() {
    let (tmp, s) = fresh("osh");
    s.add("person", &["--name", "Азиз@uz-Cyrl"]);
    let digest = s.digest();
    let out = s
        .cmd(&["info"])
        .env("NANSEN_PASSPHRASE", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: wrong passphrase"
    );
    let new = tmp.path().join("new-pass");
    std::fs::write(&new, "a brand new passphrase\n").unwrap();
    s.ok(&["passphrase", "--new-passphrase-file", new.to_str().unwrap()]);
    assert_eq!(
        s.run(&["info"]).status.code(),
        Some(3),
        "the old passphrase no longer opens it"
    );
    let out = s
        .cmd(&[
            "--passphrase-file",
            new.to_str().unwrap(),
            "--json",
            "digest",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["digest"],
        digest
    );
}

/// Issue 7, attack 6, through real processes: after three wrong passphrases, twelve
/// `nansen info` run at once with twelve guesses; only one guess may be tried.
#[test]
fn parallel_processes_cannot_race_the_wrong_passphrase_delay() {
    let (_tmp, s) = fresh("osh");
    for _ in 0..3 {
        s.cmd(&["info"])
            .env("NANSEN_PASSPHRASE", "not the passphrase")
            .output()
            .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let children: Vec<_> = (0..12)
        .map(|i| {
            s.cmd(&["info"])
                .env("NANSEN_PASSPHRASE", format!("guess number {i}"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let errors: Vec<String> = children
        .into_iter()
        .map(|c| String::from_utf8(c.wait_with_output().unwrap().stderr).unwrap())
        .collect();
    let tested = errors
        .iter()
        .filter(|e| e.starts_with("error: wrong passphrase"))
        .count();
    assert_eq!(tested, 1, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| e.contains("wrong passphrase") || e.contains("too many wrong passphrases")));
}

/// Issue 7, attack 7: the command line takes no weak passphrase, however it is given.
#[test]
fn the_command_line_refuses_a_weak_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let s = Store::new(tmp.path(), "weak");
    let out = s
        .cmd(&["init", "--office", "Osh"])
        .env("NANSEN_PASSPHRASE", "password")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("too weak"), "{stderr}");
    assert!(!s.dir.join("nansen.keys").exists(), "nothing was created");
    s.ok(&["init", "--office", "Osh"]);
    let weak = tmp.path().join("weak-pass");
    std::fs::write(&weak, "12345678\n").unwrap();
    let (_, stderr) = s.fails(&[
        "passphrase",
        "--new-passphrase-file",
        weak.to_str().unwrap(),
    ]);
    assert!(stderr.contains("too weak"), "{stderr}");
    assert!(
        s.run(&["info"]).status.success(),
        "the old passphrase still opens it"
    );
}

#[test]
fn panic_needs_confirmation_then_destroys_the_keys() {
    let (_tmp, s) = fresh("osh");
    s.add("person", &["--name", "Азиз@uz-Cyrl"]);
    let (_, stderr) = s.fails(&["panic"]);
    assert!(
        stderr.contains("--yes-destroy-everything") && stderr.contains("lost"),
        "{stderr}"
    );
    assert!(
        s.run(&["info"]).status.success(),
        "nothing happened without confirmation"
    );
    s.ok(&["panic", "--yes-destroy-everything"]);
    let (_, stderr) = s.fails(&["info"]);
    assert!(stderr.contains("no Nansen store"), "{stderr}");
}

#[test]
fn sync_enrolment_and_audit_commands() {
    let org = Org::new(&["Osh", "Jalal-Abad"]);
    let (hq, osh, jal) = (&org.hq, &org.offices[0], &org.offices[1]);
    assert_eq!(hq.json(&["devices"]).as_array().unwrap().len(), 3);
    assert_eq!(osh.json(&["info"])["role"], "office");
    let id = osh.add("person", &["--name", "Азиз Каримов@uz-Cyrl"]);
    let b1 = org.bundle("osh-1");
    let export = osh.json(&["export", "--for", "HQ", "--out", &b1]);
    assert_eq!(export["changes"], 1);
    let preview = hq.json(&["import", "--dry-run", &b1]);
    assert_eq!(preview[0]["dry_run"], true);
    assert_eq!(preview[0]["effects"]["created_count"], 1);
    assert!(
        hq.json(&["person", "list"])["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "a preview changes nothing"
    );
    let human = hq.ok(&["import", "--dry-run", &b1]);
    assert!(
        human.contains("PREVIEW") && human.contains("1 new"),
        "{human}"
    );
    hq.ok(&["import", &b1]);
    assert_eq!(hq.json(&["import", &b1])[0]["already_imported"], true);
    let peers = hq.json(&["peers"]);
    let osh_peer = peers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["office"] == "Osh")
        .unwrap();
    assert!(osh_peer["last_received_at"].is_string());
    assert_eq!(osh_peer["acknowledged"][0]["seq"], 1);
    // Relay to Jalal-Abad, then a conflict and its resolution.
    let b2 = org.bundle("hq-jal");
    hq.ok(&["export", "--for", "Jalal-Abad", "--out", &b2]);
    jal.ok(&["import", &b2]);
    osh.ok(&["person", "edit", &id, "--sex", "male"]);
    jal.ok(&["person", "edit", &id, "--sex", "unknown"]);
    let (b3, b4) = (org.bundle("osh-jal"), org.bundle("jal-osh"));
    osh.ok(&["export", "--for", "Jalal-Abad", "--out", &b3]);
    jal.ok(&["export", "--for", "Osh", "--out", &b4]);
    jal.ok(&["import", &b3]);
    osh.ok(&["import", &b4]);
    let conflicts = osh.json(&["conflicts"])["items"].take();
    assert_eq!(conflicts.as_array().unwrap().len(), 1);
    // An ordinary edit neither settles nor silently overrides a conflict.
    let shown = osh.json(&["person", "show", &id])["record"]["fields"]["sex"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        osh.json(&["person", "edit", &id, "--sex", &shown])["ops"],
        0
    );
    let (_, stderr) = osh.fails(&["person", "edit", &id, "--sex", "female"]);
    assert!(stderr.contains("resolve the conflict first"), "{stderr}");
    assert_eq!(
        osh.json(&["conflicts"])["items"].as_array().unwrap().len(),
        1
    );
    let pick = conflicts[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == "male")
        .unwrap()["value_id"]
        .as_str()
        .unwrap()
        .to_string();
    osh.ok(&["resolve", &id, "sex", "--pick", &pick]);
    assert!(osh.json(&["conflicts"])["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // Audit: who changed the person, from which office, and the log verifies.
    let audit = osh.json(&["audit", &id])["items"].take();
    let offices: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["office"].as_str().unwrap())
        .collect();
    assert!(
        offices.contains(&"Osh") && offices.contains(&"Jalal-Abad"),
        "{offices:?}"
    );
    assert!(audit[0]["received_at"].is_string() && audit[0]["author"].is_string());
    let verify = osh.json(&["audit", "--verify"]);
    assert!(verify
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["chain_intact"] == true));
    assert!(
        osh.json(&["audit", "--limit", "2"])["items"]
            .as_array()
            .unwrap()
            .len()
            == 2
    );
    // Revocation and held changes.
    let jal_device = jal.json(&["info"])["device"].as_str().unwrap().to_string();
    let revoked = hq.json(&["revoke", &jal_device, "--reason", "laptop lost"]);
    assert!(revoked["revoked_through"].is_u64());
    assert!(hq.json(&["held"]).as_array().unwrap().is_empty());
    assert!(hq.json(&["forks"]).as_array().unwrap().is_empty());
}

#[test]
fn a_crash_in_the_middle_of_an_import_leaves_the_store_as_it_was() {
    let org = Org::new(&["Osh"]);
    org.offices[0].ok(&["demo"]);
    let b = org.bundle("demo");
    org.offices[0].ok(&["export", "--for", "HQ", "--out", &b]);
    let before = org.hq.digest();
    // What people run ignores the test hook: the same import would just succeed.
    let probe = org.bundle("probe");
    std::fs::copy(&b, &probe).unwrap();
    let preview = org
        .hq
        .cmd(&["import", "--dry-run", &probe])
        .env("NANSEN_TEST_FAULT", "abort:1")
        .output()
        .unwrap();
    assert!(
        preview.status.success(),
        "a release build ignores NANSEN_TEST_FAULT"
    );
    for at in [1, 3, 10, 50, 200, 600] {
        let out = org
            .hq
            .cmd_of(faulty_bin(), &["import", &b])
            .env("NANSEN_TEST_FAULT", format!("abort:{at}"))
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "the process was killed at statement {at}"
        );
        assert_eq!(
            out.status.code(),
            None,
            "killed by a signal, not an orderly exit"
        );
        assert_eq!(org.hq.digest(), before, "crash at statement {at}");
        assert!(org.hq.json(&["person", "list"])["items"]
            .as_array()
            .unwrap()
            .is_empty());
    }
    org.hq.ok(&["import", &b]);
    assert_eq!(
        org.hq.json(&["person", "list"])["items"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert_eq!(org.hq.digest(), org.offices[0].digest());
    let _ = json!(null);
}

#[test]
fn person_import_reports_refused_rows_by_line_and_a_second_run_imports_nothing() {
    let (tmp, s) = fresh("osh");
    let csv = tmp.path().join("people.csv");
    std::fs::write(
        &csv,
        "name,alias,sex,birth_date,camp_id\n\
         Азиз Каримов,Aziz Karimov@uz-Latn,male,1975~,B-117\n\
         Бахтиёр Рахимов,,male,2005-02-30,B-119\n\
         Rustam Nazarov,,robot,1990,B-120\n\
         ,Nobody,male,1970,B-121\n\
         Dilnoza Yusupova,Дильноза Юсупова,female,1982-03,B-118\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();

    let preview = s.ok(&["person", "import", csv, "--dry-run"]);
    assert!(preview.contains("would import 2"), "{preview}");
    assert_eq!(
        s.json(&["info"])["records"]["persons"],
        0,
        "a dry run writes nothing"
    );

    let out = s.ok(&["person", "import", csv]);
    assert!(
        out.contains("5 rows — 2 imported, 0 already present, 3 refused"),
        "{out}"
    );
    let refused: Vec<&str> = out.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(refused.len(), 3, "{out}");
    assert!(refused[0].starts_with("line 3: [birth_date]") && refused[0].contains("2005-02-30"));
    assert!(refused[1].starts_with("line 4: [sex]") && refused[1].contains("'robot'"));
    assert!(refused[2].starts_with("line 5: [name]") && refused[2].contains("needs a 'name'"));
    assert_eq!(s.json(&["info"])["records"]["persons"], 2);

    let digest = s.digest();
    let again = s.json(&["person", "import", csv]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["already_present"], 2);
    assert_eq!(again["refused_count"], 3);
    assert_eq!(
        again["refused"][0]["reasons"][0]["message"]["reason"],
        "no_such_day"
    );
    assert_eq!(s.digest(), digest);

    let (code, stderr) = s.fails(&["person", "import", "no-such-file.csv"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no-such-file.csv"), "{stderr}");
}

#[test]
fn person_import_compares_the_new_persons_with_the_store_before_it_returns() {
    let (tmp, s) = fresh("osh");
    s.ok(&[
        "person",
        "add",
        "--name",
        "Karimov Aziz@uz-Latn",
        "--birth-date",
        "1975",
        "--sex",
        "male",
        "--identifier",
        "camp_id=A-117",
    ]);
    let csv = tmp.path().join("list.csv");
    std::fs::write(
        &csv,
        "name,birth_date,sex,camp_id\nАзиз Каримов,1975~,male,A-117\nGulnara Saidova,1990,female,B-2\n",
    )
    .unwrap();
    let report = s.json(&["person", "import", csv.to_str().unwrap()]);
    assert_eq!(report["imported"], 2);
    assert_eq!(report["unchecked"], 0, "{report}");
    assert_eq!(s.json(&["info"])["possible_duplicates"], 1);
    let queue = s.json(&["duplicates"]);
    let names: Vec<&str> = ["a", "b"]
        .iter()
        .map(|side| queue["items"][0][side]["label"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Азиз Каримов") && names.contains(&"Karimov Aziz"),
        "{queue}"
    );
    // Read by a person: the evidence in words with its weight, strongest first.
    let text = s.ok(&["duplicates"]);
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
    };
    let camp = line_of("A-117 and A-117 agree");
    let sex = line_of("sex: Male in both");
    assert!(lines[camp].contains("Camp"), "{text}");
    line_of("names compared: ");
    assert!(
        lines
            .iter()
            .any(|l| (l.contains("Азиз = Aziz") || l.contains("Aziz = Азиз"))
                && l.contains("the same name, in another script or spelling")),
        "{text}"
    );
    let born = line_of("are compatible");
    assert!(lines[born].contains("birth dates 1975"), "{text}");
    assert!(
        camp < sex,
        "an agreeing camp id weighs more than the same sex:\n{text}"
    );
    assert!(
        !text.contains("\"kind\""),
        "evidence printed as JSON:\n{text}"
    );

    // A group both belong to is named, not given by its id.
    let pair: Vec<&str> = ["a", "b"]
        .iter()
        .map(|side| queue["items"][0][side]["id"].as_str().unwrap())
        .collect();
    let group = s.json(&[
        "group",
        "add",
        "--name",
        "Taken to Osh detention centre",
        "--member",
        pair[0],
        "--member",
        pair[1],
    ]);
    let text = s.ok(&["duplicates"]);
    assert!(
        text.contains("both are members of Taken to Osh detention centre"),
        "{text}"
    );
    assert!(!text.contains(group["id"].as_str().unwrap()), "{text}");
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let (tmp, s) = fresh("osh");
    // More than a pipe holds (64 KiB), so the command is still writing when it closes.
    let csv = tmp.path().join("persons.csv");
    let rows: Vec<String> = (0..1000)
        .map(|i| format!("Person Number{i},1970,male"))
        .collect();
    std::fs::write(&csv, format!("name,birth_date,sex\n{}\n", rows.join("\n"))).unwrap();
    s.ok(&["person", "import", csv.to_str().unwrap()]);
    // `nansen --json person list | head -c 1`: the pipe closes after the first byte.
    let mut child = s
        .cmd(&["--json", "person", "list", "--limit", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.code(),
        None,
        "ended by SIGPIPE, like other commands"
    );
}
