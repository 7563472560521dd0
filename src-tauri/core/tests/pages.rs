//! Lists come in pages, read from derived state that the apply keeps up to date: names
//! found in any script, every list walked page by page while other offices' bundles
//! land between the pages, and a search read every way it can be (places: `places.rs`).

mod common;

use common::{person, Net};
use nansen_core::api::{ListQuery, Page, PageQuery, PersonQuery, PersonSummary};
use nansen_core::domain::Kind;
use nansen_core::Nansen;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

fn ids<T>(page: &Page<T>, id: impl Fn(&T) -> String) -> Vec<String> {
    page.items.iter().map(id).collect()
}

fn persons(n: &Nansen, q: PersonQuery) -> Page<PersonSummary> {
    n.person_list(&q).unwrap()
}

#[test]
fn names_are_found_by_the_beginnings_of_their_words_in_any_script() {
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    let aziz = person(hq, "Азиз Каримов", "uz-Cyrl");
    let other = person(hq, "Karim Azizov", "uz-Latn");
    person(hq, "Dilshod Abdullayev", "uz-Latn");
    let search = |n: &Nansen, q: &str| -> BTreeSet<String> {
        ids(
            &persons(
                n,
                PersonQuery {
                    q: Some(q.into()),
                    ..Default::default()
                },
            ),
            |p| p.id.clone(),
        )
        .into_iter()
        .collect()
    };
    let both: BTreeSet<String> = [aziz, other].iter().map(Uuid::to_string).collect();
    for q in [
        "Karimov",
        "karim",
        "Каримов",
        "Kar",
        "aziz kar",
        "Karimov Aziz",
    ] {
        let found = search(hq, q);
        assert!(found.contains(&aziz.to_string()), "{q}: {found:?}");
    }
    assert_eq!(search(hq, "az"), both);
    assert_eq!(search(hq, "Abd").len(), 1);
    assert!(
        search(hq, "rimov").is_empty(),
        "a word is matched from its start"
    );
    assert!(search(hq, "!!!").is_empty());
    // An alias added later is found; a removed one is not.
    hq.edit(
        Kind::Person,
        other,
        &json!({"add": {"aliases": [{"text": "Карим Азизов", "lang": "ru-Cyrl"}]}}),
    )
    .unwrap();
    assert!(search(hq, "Азизов").contains(&other.to_string()));
    hq.edit(Kind::Person, other, &json!({"aliases": []}))
        .unwrap();
    assert!(
        search(hq, "Azizov").contains(&other.to_string()),
        "the name still matches"
    );
}

/// Walks a list to its end, calling `between` after each page; returns the ids in
/// the order they came.
fn walk<T>(
    mut page: impl FnMut(Option<String>) -> Page<T>,
    id: impl Fn(&T) -> String,
    mut between: impl FnMut(),
) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = page(after);
        out.extend(ids(&p, &id));
        match p.next {
            Some(next) => after = Some(next),
            None => return out,
        }
        between();
    }
}

#[test]
fn every_list_walked_page_by_page_is_whole_in_order_under_concurrent_imports() {
    let mut net = Net::new(1);
    // A few hundred persons with repeated names (ties are ordered by id), in groups
    // with statuses at two places, and some deleted.
    let hq = &mut net.hq;
    let camp = hq
        .add(Kind::Location, &json!({"name": "Camp", "type": "camp"}))
        .unwrap();
    let mut all = Vec::new();
    for i in 0..260 {
        let name = format!("{} {}", ["Aziz", "Азиз", "Karim", "Dilshod"][i % 4], i % 37);
        all.push(person(hq, &name, "uz-Latn"));
    }
    for chunk in all.chunks(50) {
        let g = hq
            .add(
                Kind::Group,
                &json!({"name": "Group", "members": chunk.iter().map(|p| json!({"person": p})).collect::<Vec<_>>()}),
            )
            .unwrap();
        hq.add(
            Kind::Status,
            &json!({"group": g, "type": "protection", "value": "detained", "effective": "2005-06", "location": camp}),
        )
        .unwrap();
    }
    for p in all.iter().step_by(9) {
        hq.delete(Kind::Person, *p).unwrap();
    }
    // Meanwhile an office records persons with the same names.
    let mut batches = Vec::new();
    for b in 0..12 {
        for i in 0..8 {
            person(
                &mut net.offices[0],
                &format!("Aziz {}", b * 8 + i),
                "uz-Latn",
            );
        }
        batches.push(net.export_from_office(0, None));
    }

    let queries: Vec<PersonQuery> = vec![
        PersonQuery::default(),
        PersonQuery {
            include_deleted: true,
            ..Default::default()
        },
        PersonQuery {
            q: Some("aziz".into()),
            ..Default::default()
        },
        PersonQuery {
            status: Some("detained".into()),
            ..Default::default()
        },
        PersonQuery {
            location: Some(camp.to_string()),
            q: Some("Азиз 1".into()),
            ..Default::default()
        },
    ];
    for query in queries {
        let before = walk(
            |after| {
                persons(
                    &net.hq,
                    PersonQuery {
                        after,
                        limit: Some(1000),
                        ..query.clone()
                    },
                )
            },
            |p| p.id.clone(),
            || {},
        );
        assert!(!before.is_empty(), "{query:?}");
        let mut pending = batches.clone().into_iter();
        let hq = std::cell::RefCell::new(&mut net.hq);
        let walked = walk(
            |after| {
                persons(
                    &hq.borrow(),
                    PersonQuery {
                        after,
                        limit: Some(7),
                        ..query.clone()
                    },
                )
            },
            |p| p.id.clone(),
            || {
                if let Some(b) = pending.next() {
                    hq.borrow_mut().import_bundle(&b, &mut |_| {}).unwrap();
                }
            },
        );
        let unique: BTreeSet<&String> = walked.iter().collect();
        assert_eq!(unique.len(), walked.len(), "no row twice: {query:?}");
        for id in &before {
            assert!(unique.contains(id), "{id} missing from {query:?}");
        }
        // In list order: the labels never go backwards.
        let n = hq.borrow();
        let keys: Vec<(String, String)> = walked
            .iter()
            .map(|id| {
                let p = n.get(Kind::Person, id.parse().unwrap()).unwrap();
                (p.label.to_lowercase(), id.clone())
            })
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "{query:?} out of order"
        );
    }

    // The other lists: records of a kind, the audit trail, and conflicts.
    let groups = walk(
        |after| {
            net.hq
                .list(
                    Kind::Group,
                    &ListQuery {
                        after,
                        limit: Some(2),
                        ..Default::default()
                    },
                )
                .unwrap()
        },
        |r| r.id.clone(),
        || {},
    );
    assert_eq!(groups.len(), 6);
    let total = net.hq.audit(None, &PageQuery::default()).unwrap().total;
    let audit = walk(
        |after| {
            net.hq
                .audit(
                    None,
                    &PageQuery {
                        after,
                        limit: Some(33),
                    },
                )
                .unwrap()
        },
        |e| format!("{}:{}", e.device, e.seq),
        || {},
    );
    assert_eq!(audit.len() as u64, total);
    assert_eq!(audit.iter().collect::<BTreeSet<_>>().len(), audit.len());
    let one = all[1];
    for note in ["first", "second"] {
        net.hq
            .edit(Kind::Person, one, &json!({"notes": note}))
            .unwrap();
    }
    let trail = walk(
        |after| {
            net.hq
                .audit(
                    Some(one),
                    &PageQuery {
                        after,
                        limit: Some(1),
                    },
                )
                .unwrap()
        },
        |e| format!("{}:{}", e.device, e.seq),
        || {},
    );
    assert_eq!(trail.len(), 3, "created, then edited twice: {trail:?}");
}

#[test]
fn a_bad_page_request_is_refused() {
    let net = Net::new(0);
    for (limit, after) in [(Some(0), None), (Some(5000), None), (None, Some("garbage"))] {
        let e = net
            .hq
            .person_list(&PersonQuery {
                limit,
                after: after.map(Into::into),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{e}");
    }
}

#[test]
fn a_search_finds_the_same_persons_in_the_same_order_whichever_way_it_reads() {
    use nansen_core::oplog::index::{page, page_within, After, Filter, Limits};
    let mut net = Net::new(0);
    let hq = &mut net.hq;
    let given = ["Aziz", "Azamat", "Sherzod", "Shahlo", "Dilshod", "Karim"];
    let surnames = ["Karimov", "Karimova", "Sharipov", "Azimov", "Toshev"];
    let mut all = Vec::new();
    for i in 0..90 {
        let name = format!("{} {}", given[i % 6], surnames[(i / 6) % 5]);
        let id = person(hq, &name, "uz-Latn");
        if i % 4 == 0 {
            let alias = format!("{} {}", surnames[i % 5], given[(i / 5) % 6]);
            hq.edit(
                Kind::Person,
                id,
                &json!({"add": {"aliases": [{"text": alias, "lang": "ru-Latn"}]}}),
            )
            .unwrap();
        }
        all.push(id);
    }
    // Two groups with statuses at two camps of one country: every third person from the
    // first, and every third from the second.
    let country = hq
        .add(
            Kind::Location,
            &json!({"name": "Kyrgyzstan", "type": "country"}),
        )
        .unwrap();
    let mut camp = |name: &str| {
        hq.add(
            Kind::Location,
            &json!({"name": name, "type": "camp", "parent": country}),
        )
        .unwrap()
    };
    let (camp_a, camp_b) = (camp("Camp A"), camp("Camp B"));
    let mut group = |from: usize, name: &str, value: &str, place: Uuid| {
        let members: Vec<_> = all[from..]
            .iter()
            .step_by(3)
            .map(|p| json!({"person": p}))
            .collect();
        let g = hq
            .add(Kind::Group, &json!({"name": name, "members": members}))
            .unwrap();
        hq.add(
            Kind::Status,
            &json!({"group": g, "type": "protection", "value": value, "effective": "2005-06", "location": place}),
        )
        .unwrap();
        g
    };
    let g = group(0, "Taken", "detained", camp_a);
    let g2 = group(1, "At risk", "at_risk", camp_b);
    // Clusters: a search finds one by any member's words, and lists it once (some of
    // their members are deleted next).
    for pair in all[1..].chunks_exact(11) {
        hq.merge(&[pair[0], pair[5]]).unwrap();
    }
    for p in all.iter().step_by(7) {
        hq.delete(Kind::Person, *p).unwrap();
    }
    let conn = hq.conn();
    // Each record's words, sorted and one space apart, on each of its name word rows and
    // on a person's list and place rows (what migrations 17 and 18 write for a store
    // from before them).
    let wrong: i64 = conn
        .query_row(
            "WITH expected AS (SELECT entity, group_concat(word, ' ') AS words
                FROM (SELECT entity, word FROM name_words ORDER BY entity, word) GROUP BY entity)
             SELECT (SELECT count(*) FROM name_words n JOIN expected e USING (entity)
                     WHERE n.words <> e.words)
                  + (SELECT count(*) FROM person_index p LEFT JOIN expected e ON e.entity = p.person
                     WHERE p.words <> coalesce(e.words, ''))
                  + (SELECT count(*) FROM person_places x JOIN person_index p USING (person)
                     WHERE x.words <> p.words)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(wrong, 0, "rows whose words differ from their record's");
    let clustered: String = conn
        .query_row(
            "SELECT r.words FROM person_index p
             JOIN person_index r ON r.person = coalesce(p.merged_into, p.person) WHERE p.person = ?1",
            [all[1].to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        clustered.split(' ').count() > 2,
        "a cluster has its members' words: {clustered}"
    );
    // Every page in turn: the ids, whether a total was a lower bound, and the largest.
    let every = |filter: &Filter, limits: &Limits| -> (Vec<String>, bool, u64) {
        let (mut ids, mut capped, mut most, mut after): (Vec<String>, bool, u64, Option<After>) =
            (Vec::new(), false, 0, None);
        loop {
            let keys = page_within(conn, Kind::Person, filter, after.as_ref(), 4, limits).unwrap();
            capped |= keys.total_capped;
            most = most.max(keys.total);
            ids.extend(keys.rows.iter().map(|r| r.id.clone()));
            match (keys.more, keys.rows.last()) {
                (true, Some(last)) => after = Some(last.clone()),
                _ => return (ids, capped, most),
            }
        }
    };
    // Tiny limits: every search is too broad to gather, or has too many matches to
    // check one by one, and takes the driver or the ordered walk.
    let tiny = Limits { collect: 3 };
    // Words gathered whole, their matches then too many to check each one's status.
    let common = Limits { collect: 60 };
    let mut walked_by_status = 0;
    let mut walked = 0;
    for q in [
        "a",
        "aziz",
        "sh",
        "aziz k",
        "k sh",
        "sh a",
        "karimov aziz",
        "t",
        "dilshod x",
    ] {
        // Whether the words alone take the walk under `common`.
        let mut words_walk = false;
        let detained = || Some("detained".to_string());
        for (status, place, group, include_deleted) in [
            (None, None, None, false),
            (detained(), None, None, false),
            (None, None, Some(g.to_string()), false),
            (None, None, None, true),
            (None, Some(country), None, true),
            (None, Some(camp_b), None, false),
            (detained(), Some(country), None, false),
            (detained(), Some(camp_b), None, false),
            (
                Some("at_risk".into()),
                Some(country),
                Some(g2.to_string()),
                false,
            ),
        ] {
            let filter = Filter {
                words: Filter::search(Some(q)),
                status: status.clone(),
                place: place.map(|p| p.to_string()),
                group: group.clone(),
                include_deleted,
                ..Default::default()
            };
            let (exact, capped, _) = every(&filter, &Limits::DEFAULT);
            assert!(!capped, "{q}: a small store is counted exactly");
            let first = page(conn, Kind::Person, &filter, None, 4).unwrap();
            assert_eq!(first.total as usize, exact.len(), "{q} {status:?}");
            for (limits, is_common) in [(&tiny, false), (&common, true)] {
                let (other_way, capped, most) = every(&filter, limits);
                assert_eq!(
                    other_way, exact,
                    "{q} {status:?} {place:?} {group:?} {include_deleted} {limits:?}: the same persons, in order"
                );
                assert!(
                    most as usize <= exact.len(),
                    "{q} {status:?} {group:?}: a total of at least {most}, of {}",
                    exact.len()
                );
                if !is_common {
                    walked += capped as usize;
                } else if status.is_none() && place.is_none() && group.is_none() && !include_deleted
                {
                    words_walk = capped;
                } else if status.is_some() && place.is_none() && capped && !words_walk {
                    walked_by_status += 1;
                }
            }
        }
    }
    assert!(walked >= 16, "most searches took the walk: {walked}");
    // The camps' persons are the country's, and a place narrows the search.
    let at = |place: Uuid| {
        let filter = Filter {
            words: Filter::search(Some("a")),
            place: Some(place.to_string()),
            ..Default::default()
        };
        every(&filter, &Limits::DEFAULT).0.len()
    };
    let (a, b, both) = (at(camp_a), at(camp_b), at(country));
    assert!(a > 0 && b > 0 && a + b == both, "{a} + {b} = {both}");
    // A name with more matches than are checked for a status one by one (about
    // √(1.3 · persons): 9 here) walks the persons of that status in order.
    assert!(
        walked_by_status >= 3,
        "common names walked by status: {walked_by_status}"
    );
}
