//! Import keys: what a row's person is recognised by when the same file is imported
//! again (see the module above).
//!
//! A row's key is derived, not drawn: 62 bits of a keyed BLAKE3 hash of a
//! domain-separation tag, the row's normalised content and its occurrence number. The
//! person's id is an ordinary UUIDv7 whose random part (`rand_b`, 62 bits) *is* that
//! key, and whose time is the import's. So ids of one import rise in file order, as
//! every record's id rises in time, and a big import appends to the store's indexes
//! instead of writing all over them: a fully hashed id made each batch touch pages
//! across every per-record index, and the import about three times slower (measured
//! with `benches/intake.rs`). An import finds the rows written before by the key part
//! of the ids already in the store, whenever they were written.

use std::collections::HashSet;
use uuid::Uuid;

/// Separates these hashes from every other use of the key.
const TAG: &[u8] = b"nansen/intake/person/v1";
/// BLAKE3's key derivation context: application, date, purpose.
const CONTEXT: &str = "Nansen 2025-06 intake: person ids from spreadsheet rows";
/// The bits of a UUIDv7 left to chance (`rand_b`), which carry the key.
const KEY_MASK: u128 = (1 << 62) - 1;
/// Rows one millisecond of an import's clock tells apart (the 12-bit `rand_a`).
const PER_MS: u64 = 1 << 12;

/// A row's key: what its content and occurrence make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowKey(u64);

impl RowKey {
    /// The key an id carries (whether or not an import made it).
    pub fn of_id(id: &Uuid) -> RowKey {
        RowKey((id.as_u128() & KEY_MASK) as u64)
    }
}

/// The keys of the ids of records already in a store: what an import skips.
pub type KnownKeys = HashSet<RowKey>;

/// The key of one store's import keys.
pub struct ImportKeys {
    key: [u8; 32],
}

impl ImportKeys {
    /// Derives the key from a secret kept inside the store, so that a key says nothing
    /// to whoever lacks the store (an unkeyed hash of a name and a birth date could be
    /// confirmed by guessing them).
    pub fn from_store_secret(secret: &[u8]) -> ImportKeys {
        ImportKeys {
            key: blake3::derive_key(CONTEXT, secret),
        }
    }

    /// The key of the `occurrence`-th row (from 1) with this normalised `content`.
    pub fn row_key(&self, content: &str, occurrence: u64) -> RowKey {
        let mut hasher = blake3::Hasher::new_keyed(&self.key);
        // Lengths first, so that no two (content, occurrence) pairs hash the same bytes.
        hasher.update(&(TAG.len() as u64).to_le_bytes());
        hasher.update(TAG);
        hasher.update(&(content.len() as u64).to_le_bytes());
        hasher.update(content.as_bytes());
        hasher.update(&occurrence.to_le_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
        RowKey(u64::from_le_bytes(bytes) & KEY_MASK as u64)
    }
}

impl Drop for ImportKeys {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

/// The ids of one import run: UUIDv7 at the run's start time, one millisecond later
/// every 4096 rows, with a row's key as the random part.
pub struct IdClock {
    start_ms: u64,
    issued: u64,
}

impl IdClock {
    pub fn starting_at(unix_ms: u64) -> IdClock {
        IdClock {
            start_ms: unix_ms,
            issued: 0,
        }
    }

    pub fn id_for(&mut self, key: RowKey) -> Uuid {
        let ms = (self.start_ms + self.issued / PER_MS) as u128 & ((1 << 48) - 1);
        let counter = (self.issued % PER_MS) as u128;
        self.issued += 1;
        Uuid::from_u128(ms << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | key.0 as u128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_row_gets_the_same_key_and_a_repeat_another() {
        let keys = ImportKeys::from_store_secret(&[7; 32]);
        let a = keys.row_key(r#"{"name":"Азиз"}"#, 1);
        assert_eq!(a, keys.row_key(r#"{"name":"Азиз"}"#, 1));
        assert_ne!(a, keys.row_key(r#"{"name":"Азиз"}"#, 2));
        assert_ne!(a, keys.row_key(r#"{"name":"Aziz"}"#, 1));
        let other_store = ImportKeys::from_store_secret(&[8; 32]);
        assert_ne!(a, other_store.row_key(r#"{"name":"Азиз"}"#, 1));
    }

    #[test]
    fn ids_are_uuid_v7_rising_in_file_order_and_carry_their_key() {
        let keys = ImportKeys::from_store_secret(&[7; 32]);
        let mut clock = IdClock::starting_at(1_750_000_000_000);
        let ids: Vec<(Uuid, RowKey)> = (0..10_000)
            .map(|i| {
                let key = keys.row_key("row", i);
                (clock.id_for(key), key)
            })
            .collect();
        for (id, key) in &ids {
            assert_eq!(id.get_version_num(), 7);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
            assert_eq!(RowKey::of_id(id), *key);
        }
        assert!(ids.windows(2).all(|w| w[0].0 < w[1].0));
        let (secs, _) = ids[0].0.get_timestamp().unwrap().to_unix();
        assert_eq!(secs, 1_750_000_000);
    }
}
