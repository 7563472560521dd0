//! What a connection is tuned for: browsing and editing, or bulk writes (an intake, a
//! bundle's import, the duplicate check after them, a rebuild).
//!
//! Bulk rows land on pages all over the name-ordered indexes, which at a million
//! persons are larger than the browsing cache. Every page read from disk is decrypted
//! and its HMAC checked, and every page a commit dirtied is encrypted, written to the
//! log, then copied into the store: a larger cache reads each page once, and a larger
//! log copies a page that many commits in a row wrote once.

use crate::error::Result;
use rusqlite::Connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// A screen touches a few pages, and a headquarters store's busiest ones fit.
    Browse,
    /// 100 000 realistic rows into a fresh store (`benches/intake.rs`), its indexes
    /// about 60 MB: 6 620 persons/s with a 16 MiB cache, 10 542/s with 256 MiB; with
    /// the log copied every 1 GiB instead of every 64 MiB, 10 446 -> 11 395/s.
    Bulk,
}

impl Workload {
    /// Pages kept decrypted in memory, in KiB. Pages are cached as they are read, so
    /// an office's small store never fills either size.
    pub const fn cache_kib(self) -> i64 {
        match self {
            Workload::Browse => 256 << 10,
            Workload::Bulk => 1 << 20,
        }
    }

    /// Pages the write-ahead log holds before they are copied into the store: 64 MiB
    /// and 1 GiB of 4 KiB pages. 64 MiB rather than SQLite's 4 took an intake of 60k
    /// persons from 4 939 to 6 209 persons/s.
    pub const fn checkpoint_pages(self) -> i64 {
        match self {
            Workload::Browse => 16_000,
            Workload::Bulk => 262_144,
        }
    }
}

/// Tunes the connection for `workload`. Back to browsing, the cache gives the pages
/// beyond its size back at once, and the log is copied into the store and emptied, so
/// neither the memory nor the disk a bulk write took outlasts it.
pub fn set_workload(conn: &Connection, workload: Workload) -> Result<()> {
    conn.pragma_update(None, "cache_size", -workload.cache_kib())?;
    let was_bulk = checkpoint_pages(conn)? > Workload::Browse.checkpoint_pages();
    conn.pragma_update(None, "wal_autocheckpoint", workload.checkpoint_pages())?;
    if workload == Workload::Browse && was_bulk {
        // Busy (another connection reading) is not an error: the next checkpoint copies
        // what this one could not.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// The workload the connection is tuned for, read back from SQLite.
pub fn workload_of(conn: &Connection) -> Result<Workload> {
    let cache_kib = -conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))?;
    Ok(if cache_kib >= Workload::Bulk.cache_kib() {
        Workload::Bulk
    } else {
        Workload::Browse
    })
}

fn checkpoint_pages(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?)
}
