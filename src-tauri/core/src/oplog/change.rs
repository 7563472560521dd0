//! Changes: the unit of the op log, of sync, and of audit.
//!
//! A change is one user action by one device: a batch of ops, numbered by the device's
//! contiguous sequence number and chained to the device's previous change by hash.
//! Its encoding is JSON (UTF-8, fields in the order below, object keys of values
//! sorted), and the exact bytes are what is hashed, stored, signed (via the chain head)
//! and forwarded. They are never re-serialised.
//!
//! | field    | type                  | meaning                                                    |
//! |----------|-----------------------|------------------------------------------------------------|
//! | `v`      | integer               | change format version, 1                                   |
//! | `device` | UUID string           | the origin device                                          |
//! | `seq`    | integer ≥ 1           | the device's sequence number, contiguous from 1            |
//! | `prev`   | 64 hex digits         | BLAKE3 of the device's change `seq - 1`; zeros for seq 1   |
//! | `hlc`    | integer               | hybrid logical clock: Unix ms << 16 \| counter (tie-break) |
//! | `author` | string                | the person who made the change                             |
//! | `deps`   | object UUID → integer | what the author had seen of other devices (version vector) |
//! | `ops`    | array of ops          | the ops, applied in order                                  |
//!
//! Ops (`op` names the variant):
//!
//! | `op`     | fields                          | effect                                         |
//! |----------|---------------------------------|------------------------------------------------|
//! | `set`    | `kind`, `id`, `field`, `value`  | write a field; supersedes the values seen      |
//! | `add`    | `kind`, `owner`, `link`, `elem` | add an element to a link set, with a new tag   |
//! | `remove` | `kind`, `owner`, `link`, `elem` | remove the element's tags the author had seen  |
//!
//! Deleting a record is `set deleted true`; restoring it is `set deleted false`.

use super::messages as m;
use crate::domain::Kind;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const CHANGE_FORMAT: u32 = 1;

pub type Hash = [u8; 32];
pub const ZERO_HASH: Hash = [0; 32];

/// What a store holds: per origin device, the highest contiguous sequence number.
pub type VersionVector = BTreeMap<Uuid, u64>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub v: u32,
    pub device: Uuid,
    pub seq: u64,
    #[serde(with = "hex_hash")]
    pub prev: Hash,
    pub hlc: u64,
    pub author: String,
    pub deps: VersionVector,
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    Set {
        kind: Kind,
        id: Uuid,
        field: String,
        value: Value,
    },
    Add {
        kind: Kind,
        owner: Uuid,
        link: String,
        elem: Value,
    },
    Remove {
        kind: Kind,
        owner: Uuid,
        link: String,
        elem: Value,
    },
}

impl Op {
    /// The record this op is about (the owner, for link ops).
    pub fn entity(&self) -> (Kind, Uuid) {
        match self {
            Op::Set { kind, id, .. } => (*kind, *id),
            Op::Add { kind, owner, .. } | Op::Remove { kind, owner, .. } => (*kind, *owner),
        }
    }

    /// Checks an op against the domain schema: the field or link exists for the kind and
    /// the value is already in canonical form. Bundles carry only canonical ops, so a
    /// non-canonical one is malformed.
    pub fn validate(&self) -> Result<()> {
        match self {
            Op::Set {
                kind, field, value, ..
            } => {
                let spec = kind.spec().field(field)?;
                let canonical = spec.ty.normalise(field, value)?;
                if &canonical != value {
                    return Err(Error::invalid(m::value_not_canonical(kind, field)));
                }
            }
            Op::Add {
                kind, link, elem, ..
            }
            | Op::Remove {
                kind, link, elem, ..
            } => {
                let spec = kind.spec().link(link)?;
                if &spec.normalise(elem)? != elem {
                    return Err(Error::invalid(m::element_not_canonical(kind, link)));
                }
            }
        }
        Ok(())
    }
}

impl Change {
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a change always serialises")
    }

    pub fn decode(bytes: &[u8]) -> Result<Change> {
        let change: Change =
            serde_json::from_slice(bytes).map_err(|e| Error::invalid(m::malformed_change(e)))?;
        if change.v != CHANGE_FORMAT {
            return Err(Error::invalid(m::unknown_change_format(change.v)));
        }
        if change.seq == 0 {
            return Err(Error::invalid(m::malformed_change(
                "sequence numbers start at 1",
            )));
        }
        if change.seq == 1 && change.prev != ZERO_HASH {
            return Err(Error::invalid(m::malformed_change(
                "the first change of a device has no predecessor",
            )));
        }
        if change.deps.contains_key(&change.device) {
            return Err(Error::invalid(m::malformed_change(
                "a change cannot depend on its own device",
            )));
        }
        Ok(change)
    }

    /// Has the author of this change seen the op at (`device`, `seq`)?
    pub fn has_seen(&self, device: &Uuid, seq: u64) -> bool {
        if *device == self.device {
            seq < self.seq
        } else {
            self.deps.get(device).is_some_and(|&s| s >= seq)
        }
    }
}

pub fn hash(bytes: &[u8]) -> Hash {
    *blake3::hash(bytes).as_bytes()
}

pub(crate) mod hex_hash {
    use super::Hash;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(h))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = <&str>::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_round_trips_through_its_exact_bytes() {
        let device = Uuid::now_v7();
        let other = Uuid::now_v7();
        let change = Change {
            v: CHANGE_FORMAT,
            device,
            seq: 2,
            prev: [7; 32],
            hlc: 42 << 16,
            author: "Dilnoza".into(),
            deps: [(other, 5)].into(),
            ops: vec![Op::Set {
                kind: Kind::Person,
                id: Uuid::now_v7(),
                field: "name".into(),
                value: json!({"lang": "uz-Cyrl", "text": "Азиз"}),
            }],
        };
        let bytes = change.encode();
        let decoded = Change::decode(&bytes).unwrap();
        assert_eq!(decoded, change);
        assert_eq!(decoded.encode(), bytes);
        assert!(change.has_seen(&other, 5) && !change.has_seen(&other, 6));
        assert!(change.has_seen(&device, 1) && !change.has_seen(&device, 2));
    }

    #[test]
    fn malformed_changes_are_refused() {
        assert!(Change::decode(b"{").is_err());
        assert!(Change::decode(br#"{"v":9,"device":"00000000-0000-0000-0000-000000000000","seq":1,"prev":"00","hlc":0,"author":"","deps":{},"ops":[]}"#).is_err());
        let op = Op::Set {
            kind: Kind::Person,
            id: Uuid::now_v7(),
            field: "shoe_size".into(),
            value: json!(42),
        };
        assert!(op.validate().is_err());
    }
}
