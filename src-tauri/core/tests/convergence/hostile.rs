//! The checks of the convergence proptest that need more than the public API: what a
//! hostile office sends, and that nothing forged is stored or genuine silently lost.

use super::common::{self, Net};
use super::idx;
use nansen_core::oplog::{Change, Op};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// The store index of the office that sometimes turns hostile.
pub const HOSTILE: usize = 1;

pub fn stored_changes(
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
            nansen_core::oplog::log::unpack(&r.get::<_, Vec<u8>>(2)?).unwrap(),
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A bundle from the hostile office to store `to`, tampering with the changes of one
/// device it holds (`mode` picks how), signed with its own, enrolled, device key.
pub fn hostile_bundle(net: &Net, to: usize, victim: usize, mode: u8) -> Option<Vec<u8>> {
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
pub fn only_genuine_changes(net: &Net) -> Result<(), TestCaseError> {
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
pub fn no_silent_loss(n: &nansen_core::Nansen) -> Result<(), TestCaseError> {
    let conn = n.conn();
    let mut stmt = conn
        .prepare("SELECT bytes FROM changes WHERE state = 1")
        .unwrap();
    let changes: Vec<Change> = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|b| Change::decode(&nansen_core::oplog::log::unpack(&b.unwrap()).unwrap()).unwrap())
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
