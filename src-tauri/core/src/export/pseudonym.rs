//! Pseudonyms: a stable stand-in for a record's id in a pseudonymised export.
//!
//! A pseudonym is a keyed BLAKE3 hash of the record's id (`P-` for a person, `G-` a
//! group, `E-` an event, `A-` an actor, then 12 Crockford base-32 characters: 60 bits).
//! The same key gives the same pseudonym for the same record in every export, so two
//! exports made with one key can be joined, and a person in an event export is the same
//! pseudonym as in the person export; without the key nobody can go from a pseudonym
//! back to a record, or tell that two exports made with different keys hold the same
//! person. Merged duplicates appear once, under the id the cluster-aware lists show.
//!
//! The key is either given (any text of at least [`MIN_KEY_CHARS`] characters, from
//! which a 256-bit key is derived) or kept in the store's secrets (random, made on the
//! first pseudonymised export that needs it).

use super::messages as m;
use crate::error::{Error, Result};
use rusqlite::Connection;
use zeroize::Zeroizing;

pub const MIN_KEY_CHARS: usize = 8;
const STORE_SECRET: &str = "export_pseudonym_key";
const KEY_CONTEXT: &str = "nansen 2025 export pseudonym key from text";
const FINGERPRINT_CONTEXT: &str = "nansen 2025 export pseudonym key fingerprint";
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

pub struct Pseudonyms {
    key: Zeroizing<[u8; 32]>,
}

impl Pseudonyms {
    /// Pseudonyms under a key given as text.
    pub fn from_text(text: &str) -> Result<Pseudonyms> {
        if text.chars().count() < MIN_KEY_CHARS {
            return Err(Error::invalid(m::export_key_too_short(MIN_KEY_CHARS)));
        }
        Ok(Pseudonyms {
            key: Zeroizing::new(blake3::derive_key(KEY_CONTEXT, text.as_bytes())),
        })
    }

    /// Pseudonyms under the key kept in this store, made if there is none yet.
    pub fn from_store(conn: &Connection) -> Result<Pseudonyms> {
        let key = match crate::store::secret(conn, STORE_SECRET)? {
            Some(bytes) => Zeroizing::new(
                <[u8; 32]>::try_from(bytes.as_slice())
                    .map_err(|_| Error::crypto(m::export_store_key_damaged()))?,
            ),
            None => {
                let key = crate::store::keyfile::random_bytes::<32>();
                crate::store::set_secret(conn, STORE_SECRET, &key[..])?;
                key
            }
        };
        Ok(Pseudonyms { key })
    }

    /// The pseudonym of a record: `prefix` names its kind (`P`, `G`, `E`, `A`).
    pub fn of(&self, prefix: char, id: &str) -> String {
        let hash = blake3::keyed_hash(&self.key, id.as_bytes());
        let bits = u64::from_be_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
        let mut out = String::with_capacity(14);
        out.push(prefix);
        out.push('-');
        for i in 0..12 {
            let digit = (bits >> (64 - 5 * (i + 1))) & 31;
            out.push(CROCKFORD[digit as usize] as char);
        }
        out
    }

    /// A short fingerprint of the key, to tell which exports share one.
    pub fn fingerprint(&self) -> String {
        let f = blake3::derive_key(FINGERPRINT_CONTEXT, &self.key[..]);
        hex::encode(&f[..6])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_gives_the_same_pseudonym_and_another_key_another() {
        let a = Pseudonyms::from_text("a shared export key").unwrap();
        let b = Pseudonyms::from_text("a shared export key").unwrap();
        let c = Pseudonyms::from_text("another export key").unwrap();
        let id = "0190aa00-0000-7000-8000-000000000001";
        assert_eq!(a.of('P', id), b.of('P', id));
        assert_ne!(a.of('P', id), c.of('P', id));
        assert_ne!(
            a.of('P', id),
            a.of('P', "0190aa00-0000-7000-8000-000000000002")
        );
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        let p = a.of('P', id);
        assert_eq!(p.len(), 14, "{p}");
        assert!(p.starts_with("P-"));
        assert!(p[2..].bytes().all(|c| CROCKFORD.contains(&c)));
    }

    #[test]
    fn a_short_key_is_refused() {
        let err = Pseudonyms::from_text("short").err().unwrap();
        assert_eq!(err.message().reason, "export_key_too_short");
    }

    #[test]
    fn the_store_key_is_made_once_and_kept() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut conn, crate::store::migrations::MIGRATIONS).unwrap();
        let first = Pseudonyms::from_store(&conn).unwrap();
        let again = Pseudonyms::from_store(&conn).unwrap();
        assert_eq!(first.of('G', "x"), again.of('G', "x"));
        assert_eq!(first.fingerprint(), again.fingerprint());
    }
}
