//! The properties sync must keep whatever happens, as a state-machine proptest: 2–6
//! offices and headquarters edit, export and deliver bundles in any order, lose some,
//! deliver some twice, and one office sometimes turns hostile. Afterwards every store
//! has the same state, importing twice equals once, incremental equals a rebuild,
//! nothing is silently lost, and nothing is stored that its device did not sign. Merges,
//! unmerges and not-same judgements at random offices end in the same clusters
//! everywhere. A second mix of steps aims at places and the persons counted in them.

mod common;
#[path = "convergence/hostile.rs"]
mod hostile;
#[path = "convergence/steps.rs"]
mod steps;

use common::{derived_dump, dump, person, Net};
use hostile::{hostile_bundle, no_silent_loss, only_genuine_changes, HOSTILE};
use nansen_core::api::ListQuery;
use nansen_core::domain::Kind;
use proptest::prelude::*;
use serde_json::json;
use std::path::PathBuf;
use steps::{scenario, Step, AROUND_PLACES, EVERYTHING};

/// Store index 0 is HQ, 1..=n the offices.
fn idx(i: usize) -> Option<usize> {
    if i == 0 {
        None
    } else {
        Some(i - 1)
    }
}

fn persons(net: &Net, at: usize) -> Vec<uuid::Uuid> {
    records(net, at, Kind::Person)
}

fn pick(ids: &[uuid::Uuid], i: usize) -> Option<uuid::Uuid> {
    (!ids.is_empty()).then(|| ids[i % ids.len()])
}

/// What a derived query of a store lists, as ids.
fn derived_ids(net: &Net, at: usize, sql: &str) -> Vec<uuid::Uuid> {
    let conn = net.store(idx(at)).conn();
    let mut stmt = conn.prepare(sql).unwrap();
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|id| id.unwrap().parse().unwrap())
        .collect();
    ids
}

/// A person to act on: for an odd `i`, one with a place when there is one, since what
/// happens to a placed person (a rename, a deletion, a merge) must also move their
/// place rows and counts, and a person picked from all of them seldom has a place.
fn aim(net: &Net, at: usize, i: usize) -> Option<uuid::Uuid> {
    if i % 2 == 1 {
        let placed = derived_ids(
            net,
            at,
            "SELECT person FROM person_index WHERE location IS NOT NULL ORDER BY person",
        );
        if let Some(person) = pick(&placed, i / 2) {
            return Some(person);
        }
    }
    pick(&persons(net, at), i)
}

fn records(net: &Net, at: usize, kind: Kind) -> Vec<uuid::Uuid> {
    net.store(idx(at))
        .list(
            kind,
            &ListQuery {
                include_deleted: true,
                limit: Some(1000),
                ..Default::default()
            },
        )
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id.parse().unwrap())
        .collect()
}

fn run(net: &mut Net, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut in_flight: Vec<(usize, PathBuf)> = Vec::new();
    for s in steps {
        match s.clone() {
            Step::Create { at, name } => {
                person(net.store_mut(idx(at)), &format!("Person {name}"), "en-Latn");
            }
            Step::Rename { at, target, name }
            | Step::Note {
                at,
                target,
                note: name,
            } => {
                if let Some(id) = aim(net, at, target) {
                    let field = if matches!(s, Step::Rename { .. }) {
                        json!({"name": {"text": format!("Renamed {name} at {at}"), "lang": "en-Latn"}})
                    } else {
                        json!({"notes": format!("note {name} at {at}")})
                    };
                    let _ = net.store_mut(idx(at)).edit(Kind::Person, id, &field);
                }
            }
            Step::Delete { at, target } | Step::Restore { at, target } => {
                if let Some(id) = aim(net, at, target) {
                    let n = net.store_mut(idx(at));
                    let _ = if matches!(s, Step::Delete { .. }) {
                        n.delete(Kind::Person, id)
                    } else {
                        n.restore(Kind::Person, id)
                    };
                }
            }
            Step::Intake { at, name, rows } => {
                // Names of the same pool as `Create`'s, in both scripts, so that they
                // are possible duplicates of persons made one by one.
                let mut csv = String::from("name\n");
                for i in 0..rows {
                    let n = name.wrapping_add(i);
                    csv.push_str(&format!("Person {n}\nПерсон {n}\n"));
                }
                let path = net.bundle_path().with_extension("csv");
                std::fs::write(&path, csv).unwrap();
                net.store_mut(idx(at))
                    .intake_persons(&path, None, &mut |_| {})
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            Step::Check { at, limit } => {
                let n = net.store_mut(idx(at));
                n.check_duplicates(Some(limit.into()), &mut |_| {})
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                // The kept count is the count of the persons waiting.
                let waiting: i64 = n
                    .conn()
                    .query_row("SELECT count(*) FROM duplicate_pending", [], |r| r.get(0))
                    .unwrap();
                prop_assert_eq!(n.duplicates_unchecked().unwrap(), waiting as u64);
            }
            Step::AddAlias { at, target, alias } => {
                if let Some(id) = aim(net, at, target) {
                    let _ = net.store_mut(idx(at)).edit(
                        Kind::Person,
                        id,
                        &json!({"add": {"aliases": [{"text": format!("Alias {}", alias % 4), "lang": "ru-Cyrl"}]}}),
                    );
                }
            }
            Step::RemoveAlias { at, target } => {
                if let Some(id) = aim(net, at, target) {
                    let _ = net
                        .store_mut(idx(at))
                        .edit(Kind::Person, id, &json!({"aliases": []}));
                }
            }
            Step::Place { at, place, parent } => {
                let places = records(net, at, Kind::Location);
                // With few places, some steps move one rather than add another.
                let move_early = (parent >> 8) % 2 == 1;
                // Half the moves are of a place that holds persons (or of one above
                // it): their counts and place rows must move with it.
                let holding = || {
                    derived_ids(
                        net,
                        at,
                        "SELECT DISTINCT ancestor FROM person_places ORDER BY ancestor",
                    )
                };
                let held = (place % 2 == 1).then(|| pick(&holding(), place / 2));
                let moved = held.flatten().or_else(|| pick(&places, place));
                let n = net.store_mut(idx(at));
                let parent = pick(&places, parent);
                match moved {
                    // Moves may make a cycle; the derived places must cope with that.
                    Some(place) if places.len() >= 4 || places.len() >= 2 && move_early => {
                        let _ = n.edit(Kind::Location, place, &json!({"parent": parent}));
                    }
                    _ => {
                        let mut v =
                            json!({"name": format!("Place {}", places.len()), "type": "camp"});
                        if let Some(p) = parent {
                            v["parent"] = json!(p);
                        }
                        match n.add(Kind::Location, &v) {
                            Ok(_) => {}
                            // A parent deleted here is refused (and nothing written).
                            Err(nansen_core::Error::Invalid(m))
                                if parent.is_some() && m.reason == "ref_to_deleted" => {}
                            Err(e) => panic!("adding a place: {e}"),
                        }
                    }
                }
            }
            Step::Group { at, a, b } => {
                let ps = persons(net, at);
                let members: Vec<_> = [pick(&ps, a), pick(&ps, b)]
                    .into_iter()
                    .flatten()
                    .map(|p| json!({"person": p}))
                    .collect();
                let _ = net.store_mut(idx(at)).add(
                    Kind::Group,
                    &json!({"name": format!("Group {a}"), "asserted_count": 29, "members": members}),
                );
            }
            Step::Join {
                at,
                group,
                target,
                leave,
            } => {
                let (gs, ps) = (records(net, at, Kind::Group), persons(net, at));
                if let (Some(g), Some(p)) = (pick(&gs, group), pick(&ps, target)) {
                    let section = if leave { "remove" } else { "add" };
                    let _ = net.store_mut(idx(at)).edit(
                        Kind::Group,
                        g,
                        &json!({section: {"members": [{"person": p}]}}),
                    );
                }
            }
            Step::Status {
                at,
                target,
                group,
                value,
                place,
                day,
            } => {
                let subjects = records(net, at, if group { Kind::Group } else { Kind::Person });
                let places = records(net, at, Kind::Location);
                if let Some(subject) = pick(&subjects, target) {
                    let values = ["at_risk", "detained", "forcibly_returned", "released"];
                    let mut v = json!({
                        "type": "protection",
                        "value": values[value as usize % values.len()],
                        "effective": format!("2005-06-{:02}", 1 + day % 28),
                    });
                    v[if group { "group" } else { "person" }] = json!(subject);
                    if let Some(p) = pick(&places, place) {
                        v["location"] = json!(p);
                    }
                    let _ = net.store_mut(idx(at)).add(Kind::Status, &v);
                }
            }
            Step::Event {
                at,
                target,
                group,
                detention,
                place,
                day,
            } => {
                let subjects = records(net, at, if group { Kind::Group } else { Kind::Person });
                let places = records(net, at, Kind::Location);
                if let Some(subject) = pick(&subjects, target) {
                    let mut v = json!({
                        "type": if detention { "detention" } else { "camp_surrounded" },
                        "title": format!("Event {day}"),
                        "date": format!("2005-06-{:02}", 1 + day % 28),
                        "involvements": [{"role": "victim", (if group { "group" } else { "person" }): subject}],
                    });
                    if let Some(p) = pick(&places, place) {
                        v["location"] = json!(p);
                    }
                    let _ = net.store_mut(idx(at)).add(Kind::Event, &v);
                }
            }
            Step::DeleteOther {
                at,
                kind,
                target,
                restore,
            } => {
                let kinds = [Kind::Group, Kind::Location, Kind::Status, Kind::Event];
                let kind = kinds[kind as usize % kinds.len()];
                if let Some(id) = pick(&records(net, at, kind), target) {
                    let n = net.store_mut(idx(at));
                    let _ = if restore {
                        n.restore(kind, id)
                    } else {
                        n.delete(kind, id)
                    };
                }
            }
            Step::Judge { at, a, b, verdict } => {
                if let (Some(a), Some(b)) = (aim(net, at, a), pick(&persons(net, at), b)) {
                    let n = net.store_mut(idx(at));
                    // Refusals (a deleted person, a pair of one) are part of the game.
                    let _ = match verdict % 4 {
                        0 | 1 => n.merge(&[a, b]),
                        2 => n.not_same(a, b),
                        _ => n.unmerge(a),
                    };
                }
            }
            Step::Export { from, to } => {
                if from != to {
                    let path = net.bundle_path();
                    let peer = net.store(idx(to)).office().to_string();
                    net.store_mut(idx(from))
                        .export_bundle(
                            &nansen_core::api::ExportRequest {
                                peer: Some(peer),
                                full: false,
                                out: path.clone(),
                            },
                            &mut |_| {},
                        )
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    in_flight.push((to, path));
                }
            }
            Step::Deliver { which, again } => {
                if in_flight.is_empty() {
                    continue;
                }
                let i = which % in_flight.len();
                let (to, path) = if again {
                    in_flight[i].clone()
                } else {
                    in_flight.remove(i)
                };
                let n = net.store_mut(idx(to));
                let first = n
                    .import_bundle(&path, &mut |_| {})
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                if again || first.already_imported {
                    // Importing a bundle twice is the same as importing it once.
                    let digest = n.digest().unwrap();
                    let state = dump(n);
                    let second = n
                        .import_bundle(&path, &mut |_| {})
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(second.already_imported);
                    prop_assert_eq!(n.digest().unwrap(), digest);
                    prop_assert_eq!(dump(n), state);
                }
            }
            Step::Lose { which } => {
                if !in_flight.is_empty() {
                    let i = which % in_flight.len();
                    in_flight.remove(i);
                }
            }
            Step::Hostile { to, victim, mode } => {
                if to == HOSTILE {
                    continue;
                }
                // It needs other devices' changes to tamper with: it gets some honestly.
                let from = victim % (net.offices.len() + 1);
                if from != HOSTILE {
                    net.send(idx(from), idx(HOSTILE));
                }
                let Some(bytes) = hostile_bundle(net, to, victim, mode) else {
                    continue;
                };
                let path = net.bundle_path();
                std::fs::write(&path, bytes).unwrap();
                // Refused or taken, whatever it is, it must not plant anything forged.
                let _ = net.store_mut(idx(to)).import_bundle(&path, &mut |_| {});
                only_genuine_changes(net)?;
            }
        }
    }
    Ok(())
}

/// Runs a scenario, exchanges everything, and checks what every store must agree on.
fn converges(offices: usize, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut net = Net::new(offices);
    run(&mut net, steps)?;
    // A final full exchange, twice, so changes relayed through HQ reach everyone.
    net.full_exchange();
    net.full_exchange();
    // Persons written in bulk are compared with the rest once checked, on any
    // store, in any number of steps between other writes.
    for i in 0..=offices {
        let n = net.store_mut(idx(i));
        n.check_duplicates(None, &mut |_| {}).unwrap();
        prop_assert_eq!(n.duplicates_unchecked().unwrap(), 0);
    }
    let digests = net.digests();
    for d in &digests {
        prop_assert_eq!(d, &digests[0]);
    }
    // The derived state (statuses, places, counts, name words) is the same
    // everywhere too.
    let derived: Vec<Vec<String>> = (0..=offices)
        .map(|i| derived_dump(net.store(idx(i))))
        .collect();
    for d in &derived {
        prop_assert_eq!(d, &derived[0]);
    }
    let conflicts: Vec<usize> = (0..=offices)
        .map(|i| {
            net.store(idx(i))
                .conflicts(&Default::default())
                .unwrap()
                .total as usize
        })
        .collect();
    prop_assert!(
        conflicts.iter().all(|c| *c == conflicts[0]),
        "every store lists the same conflicts: {:?}",
        conflicts
    );
    only_genuine_changes(&net)?;
    for i in 0..=offices {
        let n = net.store_mut(idx(i));
        for check in n.verify_log().unwrap() {
            prop_assert!(check.problem.is_none(), "{:?}", check);
        }
        no_silent_loss(n)?;
        // Incremental state equals a rebuild from the log.
        let incremental = dump(n);
        n.rebuild().unwrap();
        prop_assert_eq!(dump(n), incremental);
        prop_assert_eq!(n.info().unwrap().waiting_changes, 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        max_shrink_iters: 200,
        .. ProptestConfig::default()
    })]

    #[test]
    fn stores_that_exchanged_everything_converge((offices, steps) in scenario(EVERYTHING, 2..=6, 10..40)) {
        converges(offices, &steps)?;
    }

    #[test]
    fn places_and_counts_follow_their_persons_everywhere((offices, steps) in scenario(AROUND_PLACES, 1..=2, 20..50)) {
        converges(offices, &steps)?;
    }
}
