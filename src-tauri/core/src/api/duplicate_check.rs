//! Checking persons for duplicates after they were written in bulk.
//!
//! A spreadsheet intake (`api::intake`) and a bundle's import write their persons
//! without comparing them with the store's; they wait in `duplicate_pending` and have
//! no pairs in the review queue until checked. A check works them out in chunks of up
//! to [`CHECK_COMMIT`], each one transaction, so an interruption loses at most a
//! chunk's work and never a person: what was not checked stays waiting, and the next
//! check (the CLI's, or the app's as soon as the store is open again) picks it up. The
//! pairs found are the same as if each person had been compared as it was written
//! (`oplog::derive::candidates`).
//!
//! Bulk work runs tuned for it ([`Workload::Bulk`]: a larger page cache and log) until
//! nothing waits to be checked: the check right after an intake or an import reads the
//! pages they wrote, and the app's check comes in many short calls.

use super::Nansen;
use crate::error::Result;
use crate::oplog::derive::{self, PreparedCache};
use crate::store::{set_workload, Workload};
use crate::sync::Progress;
use rusqlite::TransactionBehavior;
use serde::Serialize;
use std::time::Instant;
use ts_rs::TS;

/// Persons a step of the app's background check takes: few enough that it holds the
/// store for well under a second on a store of 100k persons.
pub const CHECK_CHUNK: usize = 1_000;
/// Persons checked in one transaction: a key shared by many of them is read once for
/// all, and each page the chunk dirties in the keyed tables is encrypted and written
/// once. 100 000 realistic rows just written (`benches/intake.rs`): chunks of 1 000
/// checked 7 882 persons/s, of 10 000 16 985/s, of 20 000 18 312/s, of 50 000
/// 19 504/s. The rows of all namesakes hardly change (3 152 and 3 371/s): their pairs'
/// writes fill the log, and the copying of it waits for the disk. 900 000 persons just
/// written into a store of 100 000 (`benches/scale.rs`): 2 977/s with 50 000, 1 546/s
/// with 20 000, both with a peak of about 3 GB.
pub const CHECK_COMMIT: usize = 50_000;
const STAGE: &str = "duplicates";

/// What a check did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DuplicateCheck {
    /// Persons checked now.
    pub checked: u64,
    /// Persons still waiting.
    pub remaining: u64,
    pub elapsed_ms: u64,
}

impl Nansen {
    /// Persons written in bulk and not yet checked for duplicates.
    pub fn duplicates_unchecked(&self) -> Result<u64> {
        derive::pending(self.conn())
    }

    /// Runs bulk work tuned for it, and gives back the memory and disk it took once no
    /// person waits to be checked, whether the work succeeded or not.
    pub(crate) fn in_bulk<T>(&mut self, work: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        set_workload(self.conn(), Workload::Bulk)?;
        let result = work(self);
        let done = self
            .duplicates_unchecked()
            .map_or(true, |waiting| waiting == 0);
        let restored = if done {
            set_workload(self.conn(), Workload::Browse)
        } else {
            Ok(())
        };
        let out = result?;
        restored?;
        Ok(out)
    }

    /// Checks up to `limit` waiting persons for duplicates (all of them when `None`),
    /// a chunk a transaction, the oldest ids first.
    pub fn check_duplicates(
        &mut self,
        limit: Option<u64>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<DuplicateCheck> {
        self.in_bulk(|n| n.check_waiting(limit, progress))
    }

    fn check_waiting(
        &mut self,
        limit: Option<u64>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<DuplicateCheck> {
        let started = Instant::now();
        let waiting = self.duplicates_unchecked()?;
        let total = limit.map_or(waiting, |l| l.min(waiting));
        // Persons that many chunks compare with are read once for the whole check; the
        // chunks are committed one after another on this connection, as the cache needs.
        let mut cache = PreparedCache::default();
        let mut checked = 0;
        progress(Progress::new(STAGE, 0, total));
        while checked < total {
            let chunk = (total - checked).min(CHECK_COMMIT as u64) as usize;
            let tx = self
                .store
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            // A failed chunk returns here, and the cache goes with it.
            let done = derive::check_pending(&tx, chunk, Some(&mut cache))?;
            tx.commit()?;
            if done == 0 {
                break;
            }
            checked += done as u64;
            progress(Progress::new(STAGE, checked, total));
        }
        Ok(DuplicateCheck {
            checked,
            remaining: self.duplicates_unchecked()?,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }
}
