//! The properties sync must keep whatever happens, as a state-machine proptest: 2–6
//! offices and headquarters edit, export and deliver bundles in any order, lose some,
//! deliver some twice, and one office sometimes turns hostile. Afterwards every store
//! has the same state, importing twice equals once, incremental equals a rebuild,
//! nothing is silently lost, and nothing is stored that its device did not sign.

mod common;

use common::{dump, person, Net};
use nansen_core::api::ListQuery;
use nansen_core::domain::Kind;
use nansen_core::oplog::{Change, Op};
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

#[derive(Debug, Clone)]
enum Step {
    Create {
        at: usize,
        name: u8,
    },
    Rename {
        at: usize,
        target: usize,
        name: u8,
    },
    Note {
        at: usize,
        target: usize,
        note: u8,
    },
    Delete {
        at: usize,
        target: usize,
    },
    Restore {
        at: usize,
        target: usize,
    },
    AddAlias {
        at: usize,
        target: usize,
        alias: u8,
    },
    RemoveAlias {
        at: usize,
        target: usize,
    },
    Export {
        from: usize,
        to: usize,
    },
    Deliver {
        which: usize,
        again: bool,
    },
    Lose {
        which: usize,
    },
    /// Office 1 turns hostile for one bundle: it tampers with another device's changes
    /// it holds, or sends heads for changes it does not carry.
    Hostile {
        to: usize,
        victim: usize,
        mode: u8,
    },
}

fn step(stores: usize) -> impl Strategy<Value = Step> {
    let s = 0..stores;
    prop_oneof![
        3 => (s.clone(), any::<u8>()).prop_map(|(at, name)| Step::Create { at, name }),
        3 => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(at, target, name)| Step::Rename { at, target, name }),
        2 => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(at, target, note)| Step::Note { at, target, note }),
        1 => (s.clone(), any::<usize>()).prop_map(|(at, target)| Step::Delete { at, target }),
        1 => (s.clone(), any::<usize>()).prop_map(|(at, target)| Step::Restore { at, target }),
        2 => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(at, target, alias)| Step::AddAlias { at, target, alias }),
        1 => (s.clone(), any::<usize>()).prop_map(|(at, target)| Step::RemoveAlias { at, target }),
        4 => (s.clone(), s.clone()).prop_map(|(from, to)| Step::Export { from, to }),
        4 => (any::<usize>(), any::<bool>()).prop_map(|(which, again)| Step::Deliver { which, again }),
        1 => any::<usize>().prop_map(|which| Step::Lose { which }),
        3 => (s.clone(), any::<usize>(), any::<u8>()).prop_map(|(to, victim, mode)| Step::Hostile { to, victim, mode }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (2usize..=6).prop_flat_map(|offices| {
        (
            Just(offices),
            prop::collection::vec(step(offices + 1), 10..40),
        )
    })
}

/// Store index 0 is HQ, 1..=n the offices.
fn idx(i: usize) -> Option<usize> {
    if i == 0 {
        None
    } else {
        Some(i - 1)
    }
}

fn persons(net: &Net, at: usize) -> Vec<uuid::Uuid> {
    net.store(idx(at))
        .list(
            Kind::Person,
            &ListQuery {
                include_deleted: true,
                ..Default::default()
            },
        )
        .unwrap()
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
                let ps = persons(net, at);
                if let Some(id) = ps.get(target % ps.len().max(1)) {
                    let field = if matches!(s, Step::Rename { .. }) {
                        json!({"name": {"text": format!("Renamed {name} at {at}"), "lang": "en-Latn"}})
                    } else {
                        json!({"notes": format!("note {name} at {at}")})
                    };
                    let _ = net.store_mut(idx(at)).edit(Kind::Person, *id, &field);
                }
            }
            Step::Delete { at, target } | Step::Restore { at, target } => {
                let ps = persons(net, at);
                if let Some(id) = ps.get(target % ps.len().max(1)) {
                    let n = net.store_mut(idx(at));
                    let _ = if matches!(s, Step::Delete { .. }) {
                        n.delete(Kind::Person, *id)
                    } else {
                        n.restore(Kind::Person, *id)
                    };
                }
            }
            Step::AddAlias { at, target, alias } => {
                let ps = persons(net, at);
                if let Some(id) = ps.get(target % ps.len().max(1)) {
                    let _ = net.store_mut(idx(at)).edit(
                        Kind::Person,
                        *id,
                        &json!({"add": {"aliases": [{"text": format!("Alias {}", alias % 4), "lang": "ru-Cyrl"}]}}),
                    );
                }
            }
            Step::RemoveAlias { at, target } => {
                let ps = persons(net, at);
                if let Some(id) = ps.get(target % ps.len().max(1)) {
                    let _ = net
                        .store_mut(idx(at))
                        .edit(Kind::Person, *id, &json!({"aliases": []}));
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

/// The store index of the office that sometimes turns hostile.
const HOSTILE: usize = 1;

fn stored_changes(
    n: &nansen_core::Nansen,
    device: Option<uuid::Uuid>,
) -> Vec<(uuid::Uuid, u64, Vec<u8>)> {
    let mut stmt = n
        .conn()
        .prepare("SELECT device, seq, bytes FROM changes WHERE ?1 IS NULL OR device = ?1 ORDER BY device, seq")
        .unwrap();
    stmt.query_map([device.map(|d| d.as_bytes().to_vec())], |r| {
        Ok((
            uuid::Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap(),
            r.get::<_, i64>(1)? as u64,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A bundle from the hostile office to store `to`, tampering with the changes of one
/// device it holds (`mode` picks how), signed with its own, enrolled, device key.
fn hostile_bundle(net: &Net, to: usize, victim: usize, mode: u8) -> Option<Vec<u8>> {
    use nansen_core::oplog::change;
    use nansen_core::sync::bundle::SignedHead;
    let mal = net.store(idx(HOSTILE));
    let own = mal.device_id();
    let held = stored_changes(mal, None);
    let mut devices: Vec<uuid::Uuid> = held.iter().map(|c| c.0).filter(|d| *d != own).collect();
    devices.dedup();
    let device = *devices.get(victim % devices.len().max(1))?;
    let run: Vec<Vec<u8>> = held
        .into_iter()
        .filter(|c| c.0 == device)
        .map(|c| c.2)
        .collect();
    let last = Change::decode(run.last()?).unwrap();
    let last_hash = change::hash(run.last()?);
    let mut c = common::Crafted::new(mal, net.store(idx(to)));
    let zero = |seq, hash| SignedHead {
        device,
        seq,
        hash,
        signature: "00".repeat(64),
    };
    let genuine_head = SignedHead::sign(&common::signing_key(mal), device, last.seq, last_hash);
    match mode % 5 {
        0 => {
            // Alter the last change, keeping (or zeroing) the head.
            let mut forged = last.clone();
            forged.author = "forged".into();
            let bytes = forged.encode();
            c.heads = vec![if mode.is_multiple_of(2) {
                zero(last.seq, change::hash(&bytes))
            } else {
                SignedHead {
                    hash: last_hash,
                    ..genuine_head
                }
            }];
            c.changes = run[..run.len() - 1].to_vec();
            c.changes.push(bytes);
        }
        1 => {
            // Drop the last change but vouch for it anyway.
            c.changes = run[..run.len() - 1].to_vec();
            c.heads = vec![zero(last.seq, last_hash)];
            if c.changes.is_empty() {
                return None;
            }
        }
        2 => {
            // The genuine changes, under a head signed with the hostile office's key.
            c.changes = run;
            c.heads = vec![genuine_head];
        }
        3 => {
            // Heads for changes it does not carry.
            c.heads = (1..=5).map(|k| zero(last.seq + k, [k as u8; 32])).collect();
        }
        _ => {
            // A change the device never made, appended to its chain.
            let mut next = last.clone();
            next.seq += 1;
            next.prev = last_hash;
            next.author = "forged".into();
            let bytes = next.encode();
            c.heads = vec![zero(next.seq, change::hash(&bytes))];
            c.changes = vec![bytes];
        }
    }
    Some(c.seal())
}

/// Every change any store holds is byte for byte one its origin device made.
fn only_genuine_changes(net: &Net) -> Result<(), TestCaseError> {
    let mut genuine = std::collections::HashMap::new();
    for i in 0..=net.offices.len() {
        let n = net.store(idx(i));
        for (d, s, b) in stored_changes(n, Some(n.device_id())) {
            genuine.insert((d, s), b);
        }
    }
    for i in 0..=net.offices.len() {
        for (d, s, b) in stored_changes(net.store(idx(i)), None) {
            prop_assert!(
                genuine.get(&(d, s)) == Some(&b),
                "store {i} holds a change {d}:{s} its device never made"
            );
        }
    }
    Ok(())
}

/// Every Set ever written is live, or superseded by a write (to the same field) whose
/// author had seen it.
fn no_silent_loss(n: &nansen_core::Nansen) -> Result<(), TestCaseError> {
    let conn = n.conn();
    let mut stmt = conn
        .prepare("SELECT bytes FROM changes WHERE state = 1")
        .unwrap();
    let changes: Vec<Change> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|b| Change::decode(&b.unwrap()).unwrap())
        .collect();
    let mut live = HashSet::new();
    let mut stmt = conn
        .prepare("SELECT entity, field, device, seq, idx FROM field_state")
        .unwrap();
    for row in stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .unwrap()
    {
        let (e, f, d, s, i) = row.unwrap();
        live.insert((
            e,
            f,
            uuid::Uuid::from_slice(&d).unwrap(),
            s as u64,
            i as usize,
        ));
    }
    let mut writes: BTreeMap<(String, String), Vec<(&Change, usize)>> = BTreeMap::new();
    for c in &changes {
        for (i, op) in c.ops.iter().enumerate() {
            if let Op::Set { id, field, .. } = op {
                writes
                    .entry((id.to_string(), field.clone()))
                    .or_default()
                    .push((c, i));
            }
        }
    }
    for ((entity, field), ws) in &writes {
        for (w, i) in ws {
            if live.contains(&(entity.clone(), field.clone(), w.device, w.seq, *i)) {
                continue;
            }
            let superseded = ws.iter().any(|(o, j)| {
                (o.device == w.device && o.seq == w.seq && j > i)
                    || (!(o.device == w.device && o.seq == w.seq) && o.has_seen(&w.device, w.seq))
            });
            prop_assert!(
                superseded,
                "write {}:{}:{} to {entity}.{field} vanished",
                w.device,
                w.seq,
                i
            );
        }
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
    fn stores_that_exchanged_everything_converge((offices, steps) in scenario()) {
        let mut net = Net::new(offices);
        run(&mut net, &steps)?;
        // A final full exchange, twice, so changes relayed through HQ reach everyone.
        net.full_exchange();
        net.full_exchange();
        let digests = net.digests();
        for d in &digests {
            prop_assert_eq!(d, &digests[0]);
        }
        let conflicts: Vec<usize> = (0..=offices).map(|i| net.store(idx(i)).conflicts().unwrap().len()).collect();
        prop_assert!(conflicts.iter().all(|c| *c == conflicts[0]), "every store lists the same conflicts: {:?}", conflicts);
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
    }
}
