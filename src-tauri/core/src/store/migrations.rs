//! Schema migrations: append-only, each SQL file beside the module that owns its tables.
//!
//! Every applied migration is recorded with a BLAKE3 checksum of its SQL. Opening a
//! store checks them: a migration edited after it was applied fails loudly instead of
//! leaving stores that silently differ. `PRAGMA user_version` holds the latest version,
//! and a store written by a newer Nansen is refused before anything is touched.

use crate::error::{Error, Result};
use rusqlite::{params, Connection, TransactionBehavior};

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// Whether it changes what a bundle may carry (the change format, the kinds and
    /// fields of records, vocabularies, the trust directory), so that a store without it
    /// must refuse a bundle from a store with it. A migration of local or derived tables
    /// only does not: offices a release behind headquarters still take its bundles.
    pub shapes_bundles: bool,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "op_log",
        sql: include_str!("../oplog/migrations/001_op_log.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 2,
        name: "records",
        sql: include_str!("../domain/migrations/002_records.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 3,
        name: "vocabularies",
        sql: include_str!("../domain/migrations/003_vocabularies.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 4,
        name: "sync",
        sql: include_str!("../sync/migrations/004_sync.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 5,
        name: "trust",
        sql: include_str!("../trust/migrations/005_trust.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 6,
        name: "changes_rowid",
        sql: include_str!("../oplog/migrations/006_changes_rowid.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 7,
        name: "unverified",
        sql: include_str!("../sync/migrations/007_unverified.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 8,
        name: "derived",
        sql: include_str!("../oplog/migrations/008_derived.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 9,
        name: "exports",
        sql: include_str!("../export/migrations/009_exports.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 10,
        name: "verdicts",
        sql: include_str!("../domain/migrations/010_verdicts.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 11,
        name: "duplicates",
        sql: include_str!("../oplog/migrations/011_duplicates.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 12,
        name: "vocab_uz_ky",
        sql: include_str!("../domain/migrations/012_vocab_uz_ky.sql"),
        shapes_bundles: true,
    },
    Migration {
        version: 13,
        name: "candidate_scores",
        sql: include_str!("../oplog/migrations/013_candidate_scores.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 14,
        name: "blocks_by_birth",
        sql: include_str!("../oplog/migrations/014_blocks_by_birth.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 15,
        name: "duplicate_pending",
        sql: include_str!("../oplog/migrations/015_duplicate_pending.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 16,
        name: "record_order_without_persons",
        sql: include_str!("../oplog/migrations/016_record_order_without_persons.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 17,
        name: "person_words",
        sql: include_str!("../oplog/migrations/017_person_words.sql"),
        shapes_bundles: false,
    },
    Migration {
        version: 18,
        name: "place_words",
        sql: include_str!("../oplog/migrations/018_place_words.sql"),
        shapes_bundles: false,
    },
];

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// The schema a bundle declares: the newest migration that changes what bundles carry.
/// A receiver refuses a bundle whose schema is newer than its own latest migration.
pub fn bundle_schema_version() -> i64 {
    MIGRATIONS
        .iter()
        .filter(|m| m.shapes_bundles)
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

pub fn checksum(m: &Migration) -> String {
    blake3::hash(m.sql.as_bytes()).to_hex().to_string()
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the store up to `migrations`, after checking that it is not newer and that
/// no applied migration has changed.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    let latest = migrations.last().map(|m| m.version).unwrap_or(0);
    let current = user_version(conn)?;
    if current > latest {
        return Err(Error::NewerStore(super::messages::newer_store(
            current, latest,
        )));
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let applied: Vec<(i64, String, String)> = {
        let mut stmt =
            conn.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (version, name, sum) in &applied {
        match migrations.iter().find(|m| m.version == *version) {
            Some(m) if checksum(m) == *sum && m.name == name => {}
            _ => {
                return Err(Error::MigrationChanged(super::messages::migration_changed(
                    version, name,
                )))
            }
        }
    }
    for m in migrations.iter().filter(|m| m.version > current) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![m.version, m.name, checksum(m), chrono::Utc::now().to_rfc3339()],
        )?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Released migrations, with their checksums. Editing a released migration breaks
    /// every store it was applied to; add a new migration instead. When you add one,
    /// append its line here.
    const RELEASED: &str = include_str!("migrations.lock");

    #[test]
    fn released_migrations_have_not_changed() {
        let released: Vec<(i64, &str, &str)> = RELEASED
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut parts = l.split_whitespace();
                (
                    parts.next().unwrap().parse().unwrap(),
                    parts.next().unwrap(),
                    parts.next().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            released.len(),
            MIGRATIONS.len(),
            "every migration is listed in migrations.lock"
        );
        for ((version, name, sum), m) in released.iter().zip(MIGRATIONS) {
            assert_eq!((*version, *name), (m.version, m.name));
            assert_eq!(
                *sum,
                checksum(m),
                "migration {version} ({name}) was edited after release"
            );
        }
        for pair in MIGRATIONS.windows(2) {
            assert_eq!(
                pair[1].version,
                pair[0].version + 1,
                "versions are contiguous"
            );
        }
    }

    /// The search words (17, 18) and the duplicate tables are the store's own: a store
    /// of the release before them still takes this release's bundles.
    #[test]
    fn only_what_bundles_carry_raises_the_schema_they_declare() {
        assert_eq!(bundle_schema_version(), 12);
        for local in [6, 7, 8, 9, 11, 13, 14, 15, 16, 17, 18] {
            assert!(!MIGRATIONS[local - 1].shapes_bundles, "migration {local}");
        }
        assert!(bundle_schema_version() < latest_version());
    }

    #[test]
    fn a_fresh_database_migrates_and_records_each_step() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        migrate(&mut conn, MIGRATIONS).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_store_from_the_previous_version_is_upgraded_with_its_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        let previous = &MIGRATIONS[..MIGRATIONS.len() - 1];
        migrate(&mut conn, previous).unwrap();
        conn.execute(
            "INSERT INTO person (id, name) VALUES ('p1', '{\"lang\":\"und\",\"text\":\"X\"}')",
            [],
        )
        .unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        let name: String = conn
            .query_row("SELECT name FROM person WHERE id = 'p1'", [], |r| r.get(0))
            .unwrap();
        assert!(name.contains('X'));
    }

    /// Migration 17 writes each record's words as the derive does: sorted, one space
    /// apart, on every name word row and on a person's list row.
    #[test]
    fn migration_17_puts_each_records_sorted_words_on_its_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &MIGRATIONS[..16]).unwrap();
        conn.execute_batch(
            "INSERT INTO person_index (person, sort_key, deleted) VALUES ('p1', 'k', 0), ('p2', 'j', 0);
             INSERT INTO name_words (entity, word, kind, shown, sort_key) VALUES
                ('p1', 'karimov', 'person', 1, 'k'), ('p1', 'aziz', 'person', 1, 'k'),
                ('p1', 'azizovich', 'person', 1, 'k'), ('g1', 'osh', 'group', 1, 'o');",
        )
        .unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let pairs = |sql: &str| -> Vec<(String, String)> {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let rows = pairs("SELECT entity, words FROM name_words ORDER BY entity, word");
        let p1 = "aziz azizovich karimov".to_string();
        assert_eq!(
            rows,
            [
                ("g1".into(), "osh".into()),
                ("p1".into(), p1.clone()),
                ("p1".into(), p1.clone()),
                ("p1".into(), p1.clone()),
            ]
        );
        let listed = pairs("SELECT person, words FROM person_index ORDER BY person");
        assert_eq!(listed, [("p1".into(), p1), ("p2".into(), String::new())]);
    }

    /// Migration 18 puts each person's words, as on their list row, on their place rows.
    #[test]
    fn migration_18_puts_each_persons_words_on_their_place_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &MIGRATIONS[..17]).unwrap();
        conn.execute_batch(
            "INSERT INTO person_index (person, sort_key, deleted, words) VALUES
                ('p1', 'k', 0, 'aziz karimov'), ('p2', 'j', 0, '');
             INSERT INTO person_places (ancestor, protection, sort_key, person) VALUES
                ('camp', 'detained', 'k', 'p1'), ('country', 'detained', 'k', 'p1'),
                ('camp', '', 'j', 'p2');",
        )
        .unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let mut stmt = conn
            .prepare("SELECT ancestor, person, words FROM person_places ORDER BY ancestor, person")
            .unwrap();
        let rows: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let row = |a: &str, p: &str, w: &str| (a.to_string(), p.to_string(), w.to_string());
        assert_eq!(
            rows,
            [
                row("camp", "p1", "aziz karimov"),
                row("camp", "p2", ""),
                row("country", "p1", "aziz karimov"),
            ]
        );
    }

    /// A store from before migration 7, poisoned the ways issue 7 showed: a forged
    /// change of an unknown device held in the log, a head with no change behind it, a
    /// head whose signature does not verify. The migration moves and drops what SQL
    /// can; the first opening after it drops heads whose signature does not verify.
    #[test]
    fn migration_7_moves_unverified_changes_apart_and_drops_heads_that_vouch_for_nothing() {
        use crate::sync::bundle::SignedHead;
        use crate::trust::DeviceKeys;
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &MIGRATIONS[..6]).unwrap();
        let known = DeviceKeys::generate();
        let unknown = DeviceKeys::generate();
        let (k, u) = (known.device_id(), unknown.device_id());
        conn.execute(
            "INSERT INTO devices (device, office, role, sign_key, age_recipient, cert, cert_signature, issued_at)
             VALUES (?1, 'Osh', 'office', ?2, 'age1', '{}', x'', '')",
            params![&k.as_bytes()[..], &known.signing.verifying_key().as_bytes()[..]],
        )
        .unwrap();
        let change = |device: &uuid::Uuid, seq: i64, state: i64| {
            conn.execute(
                "INSERT INTO changes (device, seq, hash, prev, hlc, author, bytes, state, applied_order, received_at, bundle)
                 VALUES (?1, ?2, ?3, x'', 0, 'a', x'7b7d', ?4, NULL, 0, 'b1')",
                params![&device.as_bytes()[..], seq, &[seq as u8; 32][..], state],
            )
            .unwrap();
        };
        change(&k, 1, 1);
        change(&k, 2, 1);
        change(&u, 1, 2);
        let head =
            |device: &uuid::Uuid, seq: u64, sig: Vec<u8>| {
                conn.execute(
                "INSERT INTO chain_heads (device, seq, hash, signature) VALUES (?1, ?2, ?3, ?4)",
                params![&device.as_bytes()[..], seq as i64, &[seq as u8; 32][..], sig],
            )
            .unwrap();
            };
        let good = SignedHead::sign(&known.signing, k, 2, [2; 32]);
        head(&k, 2, hex::decode(&good.signature).unwrap());
        head(&k, 1, vec![0; 64]);
        head(
            &k,
            9,
            hex::decode(SignedHead::sign(&known.signing, k, 9, [9; 32]).signature).unwrap(),
        );
        head(&u, 1, vec![0; 64]);

        migrate(&mut conn, MIGRATIONS).unwrap();
        crate::sync::heads::purge_unverifiable(&conn).unwrap();
        let rows = |sql: &str| -> Vec<(Vec<u8>, i64)> {
            let mut stmt = conn.prepare(sql).unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        let k = k.as_bytes().to_vec();
        let u = u.as_bytes().to_vec();
        assert_eq!(
            rows("SELECT device, seq FROM chain_heads"),
            vec![(k.clone(), 2)]
        );
        assert_eq!(
            rows("SELECT device, seq FROM changes ORDER BY seq"),
            vec![(k.clone(), 1), (k, 2)]
        );
        assert_eq!(
            rows("SELECT device, seq FROM unverified_changes"),
            vec![(u.clone(), 1)]
        );
        assert_eq!(
            rows("SELECT device, seq FROM unverified_heads"),
            vec![(u, 1)]
        );
    }

    #[test]
    fn a_newer_store_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        let err = migrate(&mut conn, MIGRATIONS).unwrap_err();
        assert_eq!(err.code(), "newer_store");
        assert!(err.to_string().contains("newer version of Nansen"));
    }

    #[test]
    fn an_edited_migration_fails_loudly() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let mut edited: Vec<Migration> = MIGRATIONS.to_vec();
        edited[0].sql = "CREATE TABLE meta (key TEXT);";
        let err = migrate(&mut conn, &edited).unwrap_err();
        assert_eq!(err.code(), "migration_changed");
    }
}
