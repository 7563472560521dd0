//! Import: verify everything, then apply in one transaction (or roll back, for a preview).
//!
//! **What is verified before anything is written** ([`open`]): the age decryption, the
//! envelope and every part's hash, the sender's signature against its certificate
//! (from this store or from the bundle's own directory, which must verify against our
//! organisation key), the recipients, and each origin's run of changes: contiguous,
//! hash-chained, ending at exactly one head, whose signature is checked whenever the
//! origin device is known. Decompression never goes beyond what the signed manifest
//! declares (see [`bundle`]).
//!
//! **Where each change goes** ([`apply`]):
//!
//! | the change                                    | goes to                              |
//! |-----------------------------------------------|--------------------------------------|
//! | already here with the same hash               | nowhere (a duplicate)                |
//! | here with another hash, both signed           | the bundle is refused; fork recorded |
//! | its device is unknown here                    | `unverified_changes`, never applied  |
//! | beyond its device's revocation line           | held back (state 2)                  |
//! | claims a clock > 1 day ahead of every other   | held back until that time (state 3)  |
//! | otherwise                                     | applied, or pending until its causal predecessors arrive |
//!
//! When a device's certificate arrives, its unverified changes are released only by a
//! walk back along the hash chain from a head whose own signature verifies; every other
//! copy is discarded as forged and reported with the office that relayed it.
//!
//! | module         | what it does                                                     |
//! |----------------|------------------------------------------------------------------|
//! | [`verify`]     | decrypts and checks a bundle; writes nothing                     |
//! | [`intake`]     | sorts each change (the table above) and runs the apply           |
//! | [`quarantine`] | keeps changes of unknown devices apart, and releases them        |
//! | [`causal`]     | applies what is ready in causal order; revocations; clocks due   |

mod causal;
mod intake;
mod quarantine;
mod verify;

pub use causal::apply_due;
pub use intake::{apply, ForkEvidence, ImportReport, Outcome};
pub use quarantine::{count as count_unverified, unverified, Unverified};
pub use verify::{open, Incoming, Opened, Run, SenderInfo};

/// Items a thread takes at least when work is shared out over the cores: fewer are not
/// worth starting one for.
const MIN_PER_THREAD: usize = 256;

/// Threads to share `items` out over, given `cores`.
fn threads_for(items: usize, cores: usize) -> usize {
    cores.min(items / MIN_PER_THREAD).max(1)
}

/// `f` of every item, in order, the items shared out over `cores` threads: this thread
/// takes the first share, and any share no thread could be started for.
fn map_on_cores<T: Sync, R: Send>(items: &[T], cores: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let map = |share: &[T]| share.iter().map(&f).collect::<Vec<R>>();
    let threads = threads_for(items.len(), cores);
    if threads == 1 {
        return map(items);
    }
    let shares: Vec<&[T]> = items.chunks(items.len().div_ceil(threads)).collect();
    std::thread::scope(|scope| {
        let others: Vec<_> = shares[1..]
            .iter()
            .map(|&share| {
                let worker = std::thread::Builder::new().spawn_scoped(scope, move || map(share));
                (share, worker)
            })
            .collect();
        let mut out = map(shares[0]);
        for (share, worker) in others {
            out.extend(match worker {
                Ok(worker) => worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => map(share),
            });
        }
        out
    })
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
