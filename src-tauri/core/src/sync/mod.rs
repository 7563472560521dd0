//! Sync between disconnected offices, by bundle files carried by hand.
//!
//! **Causality.** Each device numbers its changes contiguously from 1 and chains them by
//! hash. A store's version vector (device → highest applied seq) summarises exactly
//! what it holds. Every change carries the author's version vector (`deps`); it is
//! applied only when those changes are present here, and until then it waits as
//! pending. The hybrid logical clock is only a tie-break.
//!
//! **Fields** are multi-value registers: a write supersedes exactly the values its
//! author had seen (per the change's `deps`). Concurrent writes all stay live; the
//! shown value is the live one with the greatest (clock, device, seq), the same on
//! every store, and the field is listed as a conflict until someone resolves it.
//! A resolution is an ordinary write that has seen every live value.
//!
//! **Links** (aliases, identifiers, members, involvements, source links…) are add-wins
//! observed-remove sets. **Deletes** are tombstones (`deleted = true`); an edit that
//! the delete had not seen is flagged as a delete conflict, never dropped.
//!
//! **Bundles** ([`bundle`]) carry every change a peer has not acknowledged, from any
//! origin. A peer acknowledges by sending a bundle: its version vector is its
//! acknowledgement. Nothing counts as delivered just because it was sent.
//!
//! **Import** verifies everything first (decryption, the sender's signature, every
//! part's hash, each origin's hash chain and signed head), then applies in one
//! transaction. A preview is the same apply, rolled back. A bundle imported twice
//! changes nothing the second time. A fork (the same device and seq with different
//! content) rejects the bundle and is recorded for review.

use serde::Serialize;
use ts_rs::TS;

/// How far an export or import has got, for a progress bar.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn new(stage: &'static str, done: u64, total: u64) -> Progress {
        Progress { stage, done, total }
    }
}

pub mod bundle;
pub mod export;
pub(crate) mod heads;
pub mod import;
pub mod messages;
pub mod peers;
