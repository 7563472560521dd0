//! Merge and unmerge: records judged the same person show as one, count once, sync, and
//! come apart again exactly as they were.

mod common;

use common::{person, Net};
use nansen_core::api::{PersonQuery, Verdict};
use nansen_core::domain::Kind;
use nansen_core::Nansen;
use serde_json::json;
use uuid::Uuid;

fn listed(n: &Nansen) -> Vec<String> {
    n.person_list(&PersonQuery {
        limit: Some(1000),
        ..Default::default()
    })
    .unwrap()
    .items
    .into_iter()
    .map(|p| p.id)
    .collect()
}

/// The same man recorded by two offices in two scripts, each in a group of his own.
fn two_records(net: &mut Net) -> (Uuid, Uuid, Uuid, Uuid) {
    let osh = &mut net.offices[0];
    let cyr = osh
        .add(
            Kind::Person,
            &json!({"name": {"text": "Абдуллаев Рустам", "lang": "uz-Cyrl"}, "birth_date": "1975~", "sex": "male"}),
        )
        .unwrap();
    let taken = osh
        .add(
            Kind::Group,
            &json!({"name": "29 taken to Osh", "asserted_count": 29, "members": [{"person": cyr}]}),
        )
        .unwrap();
    osh.add(
        Kind::Status,
        &json!({"group": taken, "type": "protection", "value": "detained", "effective": "2005-06-03"}),
    )
    .unwrap();
    let jal = &mut net.offices[1];
    let lat = jal
        .add(
            Kind::Person,
            &json!({"name": {"text": "Rustam Abdullayev", "lang": "uz-Latn"}, "birth_date": "1976", "sex": "male",
                    "aliases": [{"text": "Abdulloev R.", "lang": "en-Latn"}]}),
        )
        .unwrap();
    let listed = jal
        .add(
            Kind::Group,
            &json!({"name": "List of 103", "asserted_count": 103, "members": [{"person": lat}]}),
        )
        .unwrap();
    net.send(Some(0), None);
    net.send(Some(1), None);
    (cyr, lat, taken, listed)
}

#[test]
fn two_records_of_one_man_merged_show_and_count_once_and_unmerge_restores_them() {
    let mut net = Net::new(2);
    let (cyr, lat, taken, listed_103) = two_records(&mut net);
    let hq = &mut net.hq;
    let before = hq.person_page(lat).unwrap();
    assert_eq!(listed(hq).len(), 2);

    let merged = hq.merge(&[lat, cyr]).unwrap();
    let rep = cyr.min(lat).to_string();
    assert_eq!(merged.cluster, rep);
    assert_eq!(merged.members.len(), 2);
    // Listed and counted once, found under any of the names.
    assert_eq!(listed(hq), vec![rep.clone()]);
    assert_eq!(hq.info().unwrap().records["persons"], 1);
    assert_eq!(hq.person_counts(None).unwrap().values().sum::<u64>(), 1);
    for q in ["Abdulloev", "Абдуллаев", "Rustam"] {
        let found = hq
            .person_list(&PersonQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(found.total, 1, "{q}");
        assert_eq!(found.items[0].id, rep, "{q}");
        assert_eq!(found.items[0].merged, 1);
    }
    // Either id shows the one person: both groups, the status that reached him through
    // the 29, every name, and the fields the records disagree on.
    for id in [cyr, lat] {
        let page = hq.person_page(id).unwrap();
        assert_eq!(page.record.id, rep);
        assert_eq!(page.viewed, id.to_string());
        let groups: Vec<&str> = page.groups.iter().map(|g| g.id.as_str()).collect();
        assert!(groups.contains(&taken.to_string().as_str()));
        assert!(groups.contains(&listed_103.to_string().as_str()));
        assert_eq!(page.protection.as_ref().unwrap().value, "detained");
        let names: Vec<String> = page.record.links["aliases"]
            .iter()
            .map(|a| a["text"].as_str().unwrap().to_string())
            .collect();
        assert!(names.contains(&"Abdulloev R.".to_string()), "{names:?}");
        let cluster = page.cluster.unwrap();
        assert_eq!(cluster.members.len(), 2);
        let differing: Vec<&str> = cluster.differing.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(differing, vec!["birth_date"], "nothing is picked silently");
    }
    // Each group counts him once, and the detention reached the merged person.
    assert_eq!(hq.group_page(taken).unwrap().identified, 1);
    assert_eq!(hq.person_counts(None).unwrap().get("detained"), Some(&1));

    // Settling the difference writes the chosen value to both records.
    hq.settle(lat, "birth_date", &json!("1975~")).unwrap();
    assert!(hq
        .person_page(lat)
        .unwrap()
        .cluster
        .unwrap()
        .differing
        .is_empty());

    // Unmerge: the Latin record shows what it did before, plus the edit made since.
    hq.edit(Kind::Person, lat, &json!({"notes": "seen in Osh"}))
        .unwrap();
    hq.unmerge(lat).unwrap();
    assert_eq!(listed(hq).len(), 2);
    let after = hq.person_page(lat).unwrap();
    assert!(after.cluster.is_none());
    assert_eq!(after.record.id, lat.to_string());
    assert_eq!(after.groups.len(), before.groups.len());
    assert_eq!(after.protection, before.protection);
    assert_eq!(
        after.record.links["aliases"],
        before.record.links["aliases"]
    );
    assert_eq!(after.record.fields["notes"], "seen in Osh");
    assert_eq!(after.record.fields["birth_date"], "1975~");
    assert_eq!(hq.person_counts(None).unwrap().values().sum::<u64>(), 2);
    assert!(hq.unmerge(lat).is_err(), "nothing left to unmerge");
}

#[test]
fn merges_sync_and_a_concurrent_same_and_not_same_keep_the_pair_apart_everywhere() {
    let mut net = Net::new(2);
    let (cyr, lat, _, _) = two_records(&mut net);
    net.send(None, Some(0));
    net.send(None, Some(1));
    // Headquarters merges; the offices see the merged person after the next trip.
    net.hq.merge(&[cyr, lat]).unwrap();
    net.send(None, Some(0));
    assert_eq!(listed(&net.offices[0]).len(), 1);
    // Meanwhile Jalal-Abad, not having seen it, judges them different.
    net.offices[1].not_same(cyr, lat).unwrap();
    net.full_exchange();
    net.full_exchange();
    for n in std::iter::once(&net.hq).chain(net.offices.iter()) {
        assert_eq!(listed(n).len(), 2, "a disputed pair stays apart");
        let disputed = n
            .duplicates(&Default::default())
            .unwrap()
            .items
            .into_iter()
            .find(|c| [c.a.id.clone(), c.b.id.clone()].contains(&cyr.to_string()))
            .expect("the disputed pair is shown for review");
        assert!(disputed
            .verdicts
            .contains(&Verdict::Same.term().to_string()));
        assert!(disputed
            .verdicts
            .contains(&Verdict::NotSame.term().to_string()));
    }
    let digests = net.digests();
    assert!(digests.iter().all(|d| *d == digests[0]));
}

#[test]
fn a_judgement_cannot_be_forged_by_an_edit_and_bad_requests_change_nothing() {
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    let a = person(hq, "Aziz Karimov", "uz-Latn");
    let b = person(hq, "Азиз Каримов", "uz-Cyrl");
    let digest = hq.digest().unwrap();
    let e = hq
        .edit(
            Kind::Person,
            a,
            &json!({"add": {"judgements": [{"person": b, "verdict": "same"}]}}),
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input", "{e}");
    assert!(hq.merge(&[a]).is_err());
    assert!(hq.merge(&[a, a]).is_err());
    let group = hq.add(Kind::Group, &json!({"name": "G"})).unwrap();
    assert!(hq.merge(&[a, group]).is_err(), "a group is not a person");
    hq.delete(Kind::Person, b).unwrap();
    let digest_deleted = hq.digest().unwrap();
    assert!(
        hq.merge(&[a, b]).is_err(),
        "a deleted record cannot be merged"
    );
    assert_eq!(hq.digest().unwrap(), digest_deleted);
    assert_ne!(digest, digest_deleted);
}

/// The store keeps a candidate pair's score only; what the review queue shows as its
/// evidence is computed from the two records when the page is read, so it follows an
/// edit as the score does, and it adds up to the score.
#[test]
fn the_review_queue_shows_each_pair_with_the_evidence_of_its_records_as_they_are_now() {
    let mut net = Net::new(2);
    let (cyr, lat, _, _) = two_records(&mut net);
    let pair = |n: &Nansen| {
        n.duplicates(&Default::default())
            .unwrap()
            .items
            .into_iter()
            .find(|c| [c.a.id.clone(), c.b.id.clone()].contains(&cyr.to_string()))
            .expect("the two records are a candidate pair")
    };
    let birth_dates = |c: &nansen_core::api::Candidate| {
        c.evidence
            .iter()
            .find(|e| e["kind"] == "birth_dates")
            .cloned()
            .expect("birth dates are compared")
    };
    // The score the weights shown add up to (the prior of a store scored without counts).
    let adds_up = |c: &nansen_core::api::Candidate| {
        let bits: f64 = c
            .evidence
            .iter()
            .map(|e| e["weight"].as_f64().unwrap())
            .sum();
        let score = 1.0 / (1.0 + (nansen_core::domain::matching::OFFSET - bits).exp2());
        assert!((score - c.score).abs() < 1e-9, "{score} {}", c.score);
    };
    let before = pair(&net.hq);
    assert!(before.evidence.iter().any(|e| e["kind"] == "names"));
    assert_eq!(birth_dates(&before)["compatible"], true);
    adds_up(&before);

    // Born in 1980, not about 1975: the score falls, and the queue says why, from the
    // record as it is now.
    net.hq
        .edit(Kind::Person, lat, &json!({"birth_date": "1980"}))
        .unwrap();
    let after = pair(&net.hq);
    assert!(
        after.score < before.score,
        "{} {}",
        after.score,
        before.score
    );
    let dates = birth_dates(&after);
    assert_eq!(dates["compatible"], false, "{dates}");
    assert!(dates["a"] == "1980" || dates["b"] == "1980", "{dates}");
    adds_up(&after);
}

/// How many pairs wait for review is read from a kept total less the pairs people
/// decided; it must say what counting every candidate says, through merges, judgements,
/// an unmerge, an edit, a deletion and a rebuild.
#[test]
fn the_kept_count_of_pairs_waiting_for_review_is_what_counting_them_gives() {
    use nansen_core::domain::matching::DEFAULT_THRESHOLD;
    use nansen_core::oplog::duplicates::pending_duplicates;
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    let aziz: Vec<Uuid> = [
        ("Aziz Karimov", "uz-Latn"),
        ("Азиз Каримов", "uz-Cyrl"),
        ("Karimov Aziz", "en-Latn"),
        ("Каримов А.", "ru-Cyrl"),
        ("Aziz Karimov", "en-Latn"),
    ]
    .iter()
    .map(|(n, l)| person(hq, n, l))
    .collect();
    let rustam = [
        person(hq, "Rustam Abdullayev", "uz-Latn"),
        person(hq, "Абдуллаев Рустам", "uz-Cyrl"),
    ];
    // Just below the threshold the count is taken the slow way, over every candidate
    // (no score here falls in between).
    let check = |hq: &Nansen, step: &str| {
        let kept = pending_duplicates(hq.conn(), DEFAULT_THRESHOLD).unwrap();
        let counted = pending_duplicates(hq.conn(), DEFAULT_THRESHOLD - 1e-9).unwrap();
        assert_eq!(kept, counted, "{step}");
        assert_eq!(hq.info().unwrap().possible_duplicates, kept, "{step}");
        kept
    };
    let at_first = check(hq, "at first");
    assert!(at_first >= 10, "{at_first}");
    hq.merge(&[aziz[0], aziz[1], aziz[2]]).unwrap();
    let merged = check(hq, "after a merge");
    assert!(merged < at_first);
    hq.not_same(aziz[3], aziz[4]).unwrap();
    let apart = check(hq, "after not-same");
    assert_eq!(apart, merged - 1);
    hq.unsure(rustam[0], rustam[1]).unwrap();
    assert_eq!(
        check(hq, "after unsure"),
        apart,
        "an unsure pair still waits"
    );
    hq.unmerge(aziz[1]).unwrap();
    check(hq, "after an unmerge");
    hq.edit(
        Kind::Person,
        aziz[4],
        &json!({"birth_date": "1950", "sex": "female"}),
    )
    .unwrap();
    hq.edit(Kind::Person, aziz[3], &json!({"birth_date": "1990"}))
        .unwrap();
    check(hq, "after edits");
    hq.delete(Kind::Person, aziz[2]).unwrap();
    let before_rebuild = check(hq, "after a deletion");
    hq.rebuild().unwrap();
    assert_eq!(check(hq, "after a rebuild"), before_rebuild);
}

/// A group in common is evidence (+2.5 bits). Joining or leaving a group re-scores only
/// the pairs with the group's members (an import of a group of 50 does not compare
/// each member with every namesake again), and what that keeps is what a rebuild finds.
#[test]
fn joining_and_leaving_a_group_rescores_pairs_as_a_rebuild_would() {
    use common::derived_dump;
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    let add = |hq: &mut Nansen, v: serde_json::Value| hq.add(Kind::Person, &v).unwrap();
    // A surname and an initial, a year apart, but the sex disagrees: about 6.5 bits, not
    // enough to be kept; with a group in common 9 bits, enough to be shown.
    let aziz = add(
        hq,
        json!({"name": {"text": "Aziz Karimov", "lang": "uz-Latn"}, "sex": "male", "birth_date": "1975"}),
    );
    let initial = add(
        hq,
        json!({"name": {"text": "Каримов А.", "lang": "ru-Cyrl"}, "sex": "female", "birth_date": "1976"}),
    );
    let bystander = add(
        hq,
        json!({"name": {"text": "Азиз Каримов", "lang": "uz-Cyrl"}}),
    );
    let waiting = |hq: &Nansen| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = hq
            .duplicates(&Default::default())
            .unwrap()
            .items
            .into_iter()
            .map(|c| (c.a.id.clone().min(c.b.id.clone()), c.a.id.max(c.b.id)))
            .collect();
        v.sort();
        v
    };
    let pair = {
        let (a, b) = (aziz.to_string(), initial.to_string());
        (a.clone().min(b.clone()), a.max(b))
    };
    let same_as_rebuild = |hq: &mut Nansen, step: &str| {
        let incremental = derived_dump(hq);
        hq.rebuild().unwrap();
        assert_eq!(incremental, derived_dump(hq), "{step}");
    };
    assert!(!waiting(hq).contains(&pair));
    same_as_rebuild(hq, "before any group");

    let group = hq
        .add(
            Kind::Group,
            &json!({"name": "29 taken to Osh", "members": [{"person": aziz}, {"person": initial}, {"person": bystander}]}),
        )
        .unwrap();
    assert!(
        waiting(hq).contains(&pair),
        "a group in common lifts the pair"
    );
    same_as_rebuild(hq, "after the group");

    hq.edit(
        Kind::Group,
        group,
        &json!({"members": [{"person": aziz}, {"person": bystander}]}),
    )
    .unwrap();
    assert!(
        !waiting(hq).contains(&pair),
        "leaving the group lowers it again"
    );
    same_as_rebuild(hq, "after one left");

    let everyone =
        json!({"members": [{"person": aziz}, {"person": initial}, {"person": bystander}]});
    hq.edit(Kind::Group, group, &everyone).unwrap();
    assert!(waiting(hq).contains(&pair));
    hq.edit(
        Kind::Group,
        group,
        &json!({"members": [{"person": bystander}]}),
    )
    .unwrap();
    assert!(
        !waiting(hq).contains(&pair),
        "both leaving at once lowers it too"
    );
    same_as_rebuild(hq, "after both left");

    hq.edit(
        Kind::Group,
        group,
        &json!({"members": [{"person": aziz}, {"person": initial}, {"person": bystander}]}),
    )
    .unwrap();
    assert!(waiting(hq).contains(&pair));
    hq.delete(Kind::Group, group).unwrap();
    assert!(
        !waiting(hq).contains(&pair),
        "a deleted group is no longer in common"
    );
    same_as_rebuild(hq, "after the group was deleted");

    // A note is not evidence: writing one changes no candidate.
    let before = derived_dump(hq);
    hq.edit(
        Kind::Person,
        aziz,
        &json!({"notes": "seen at the Osh centre"}),
    )
    .unwrap();
    let after = derived_dump(hq);
    let candidates = |d: &[String]| -> Vec<String> {
        d.iter()
            .filter(|r| r.contains("duplicate_"))
            .cloned()
            .collect()
    };
    assert_eq!(candidates(&before), candidates(&after));
    same_as_rebuild(hq, "after a note");
}

/// The review queue is read a page at a time: walked page by page it is exactly the
/// whole queue, in order, once each, with pairs judged both ways first and the total
/// the same on every page.
#[test]
fn the_review_queue_walked_page_by_page_is_the_whole_queue() {
    use nansen_core::api::DuplicateQuery;
    let mut net = Net::new(2);
    let (cyr, lat, _, _) = two_records(&mut net);
    // One pair judged both ways at two offices.
    net.send(None, Some(0));
    net.send(None, Some(1));
    net.offices[0].merge(&[cyr, lat]).unwrap();
    net.offices[1].not_same(cyr, lat).unwrap();
    net.full_exchange();
    let hq = &mut net.hq;
    let spellings = [
        ("Aziz Karimov", "uz-Latn"),
        ("Азиз Каримов", "uz-Cyrl"),
        ("Karimov Aziz", "en-Latn"),
        ("Каримов Азиз", "ru-Cyrl"),
        ("AZIZ KARIMOV", "en-Latn"),
        ("Karimov A.", "en-Latn"),
        ("Азиз Каримов", "ru-Cyrl"),
        ("Aziz Karimov", "en-Latn"),
        ("Каримов А.", "uz-Cyrl"),
        ("Aziz Karimov", "uz-Latn"),
    ];
    let azizes: Vec<Uuid> = spellings.iter().map(|(n, l)| person(hq, n, l)).collect();
    hq.merge(&[azizes[0], azizes[1]]).unwrap();
    hq.unsure(azizes[2], azizes[3]).unwrap();
    hq.not_same(azizes[4], azizes[5]).unwrap();
    let key = |c: &nansen_core::api::Candidate| (c.a.id.clone(), c.b.id.clone());
    let whole = hq
        .duplicates(&DuplicateQuery {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap();
    assert!(whole.next.is_none());
    assert_eq!(whole.total as usize, whole.items.len());
    assert!(whole.items.len() > 20, "{}", whole.items.len());
    let disputed = &whole.items[0];
    assert!(disputed
        .verdicts
        .contains(&Verdict::NotSame.term().to_string()));
    assert!(whole.items[1..]
        .windows(2)
        .all(|w| w[0].score >= w[1].score));
    assert!(whole
        .items
        .iter()
        .any(|c| c.verdicts == vec![Verdict::Unsure.term().to_string()]));
    for (x, y) in [(0, 1), (4, 5)] {
        let (x, y) = (azizes[x].to_string(), azizes[y].to_string());
        assert!(
            !whole
                .items
                .iter()
                .any(|c| (c.a.id == x && c.b.id == y) || (c.a.id == y && c.b.id == x)),
            "merged and not-same pairs are not waiting"
        );
    }
    for limit in [1, 3, 7] {
        let (mut walked, mut after) = (Vec::new(), None);
        loop {
            let page = hq
                .duplicates(&DuplicateQuery {
                    limit: Some(limit),
                    after: after.clone(),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(page.total, whole.total);
            assert!(page.items.len() <= limit);
            walked.extend(page.items.iter().map(key));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let expected: Vec<_> = whole.items.iter().map(key).collect();
        assert_eq!(walked, expected, "limit {limit}");
    }
    let bad = hq.duplicates(&DuplicateQuery {
        after: Some("not a cursor".into()),
        ..Default::default()
    });
    assert!(bad.is_err());
}

/// A name so common that its blocking keys hold more persons than the store compares
/// (`MAX_BLOCK`): two records of one man born on one day still meet, through the
/// same keys within their birth decade, and a rebuild keeps what the imports kept.
#[test]
fn namesakes_beyond_the_block_limit_are_still_compared_within_their_age() {
    use nansen_core::api::DuplicateQuery;
    use nansen_core::oplog::derive::MAX_BLOCK;
    let mut net = Net::new(0);
    let namesakes = MAX_BLOCK as usize + 60;
    let mut csv = String::from("name,birth_date,sex\n");
    for i in 0..namesakes {
        // Some eighty birth years, a few namesakes in each, and some not dated at all.
        let born = if i % 9 == 0 {
            String::new()
        } else {
            format!("{}~", 1930 + i % 80)
        };
        csv.push_str(&format!("Азиз Каримов,{born},male\n"));
    }
    let file = net.tmp.path().join("namesakes.csv");
    std::fs::write(&file, csv).unwrap();
    let hq = &mut net.hq;
    let report = hq.intake_persons(&file, None, &mut |_| {}).unwrap();
    assert_eq!(report.imported as usize, namesakes);
    hq.check_duplicates(None, &mut |_| {}).unwrap();
    let born = |hq: &mut Nansen, name: &str, lang: &str| {
        hq.add(
            Kind::Person,
            &json!({"name": {"text": name, "lang": lang}, "birth_date": "1975-03-02", "sex": "male"}),
        )
        .unwrap()
    };
    let cyrillic = born(hq, "Азиз Каримов", "uz-Cyrl");
    let latin = born(hq, "Aziz Karimov", "uz-Latn");
    let queue = hq
        .duplicates(&DuplicateQuery {
            limit: Some(10),
            ..Default::default()
        })
        .unwrap();
    let top = &queue.items[0];
    let mut pair = [top.a.id.clone(), top.b.id.clone()];
    pair.sort();
    let mut expected = [cyrillic.to_string(), latin.to_string()];
    expected.sort();
    assert_eq!(pair, expected, "the two records of one day come first");
    assert!(top.score > 0.9, "{}", top.score);
    // A group re-scores its members' pairs through the same decades.
    let namesake = queue.items[1].a.id.parse::<Uuid>().unwrap();
    let members = json!([{"person": cyrillic}, {"person": namesake}]);
    hq.add(
        Kind::Group,
        &json!({"name": "Osh centre", "members": members}),
    )
    .unwrap();
    let before = common::dump(hq);
    hq.rebuild().unwrap();
    assert_eq!(common::dump(hq), before);
}
