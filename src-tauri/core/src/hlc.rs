//! Hybrid logical clock. Only a deterministic tie-break between concurrent writes and a
//! human-readable "when": causality is decided by version vectors, never by this clock.
//!
//! Layout of the `u64`: the upper 48 bits are Unix milliseconds, the lower 16 a counter
//! that keeps timestamps from one device strictly increasing within a millisecond.

use std::time::{SystemTime, UNIX_EPOCH};

/// A remote clock this far ahead of ours is reported, and not merged: one device with a
/// wrong date must not drag every office's clock into the future.
pub const MAX_MERGE_SKEW_MS: u64 = 10 * 60 * 1000;

/// A change may claim a clock at most this far ahead of this computer's clock and of
/// every other device's newest change. One that claims more would win every conflict
/// it is part of; it is held back until that time comes (`sync::import`).
pub const MAX_CLAIM_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc(pub u64);

impl Hlc {
    pub fn from_parts(millis: u64, counter: u16) -> Self {
        Hlc((millis << 16) | counter as u64)
    }
    pub fn millis(self) -> u64 {
        self.0 >> 16
    }
    pub fn counter(self) -> u16 {
        (self.0 & 0xffff) as u16
    }
    pub fn to_rfc3339(self) -> String {
        chrono::DateTime::from_timestamp_millis(self.millis() as i64)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_else(|| "?".into())
    }
}

pub fn wall_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The next timestamp for a local write, strictly after `last`.
pub fn tick(last: Hlc, now_millis: u64) -> Hlc {
    let candidate = Hlc::from_parts(now_millis, 0);
    if candidate > last {
        candidate
    } else {
        Hlc(last.0 + 1)
    }
}

/// Merge a remote timestamp into the local clock. Returns the new local clock and,
/// when the remote one was too far ahead to merge, how far ahead it was.
pub fn observe(last: Hlc, remote: Hlc, now_millis: u64) -> (Hlc, Option<u64>) {
    if remote.millis() > now_millis + MAX_MERGE_SKEW_MS {
        return (last, Some(remote.millis() - now_millis));
    }
    (last.max(remote), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_strictly_increase_even_when_the_wall_clock_goes_back() {
        let a = tick(Hlc(0), 1_000);
        let b = tick(a, 1_000);
        let c = tick(b, 500);
        assert!(a < b && b < c);
        assert_eq!(a.millis(), 1_000);
    }

    #[test]
    fn a_clock_far_ahead_is_reported_not_merged() {
        let now = 1_000_000_000;
        let local = Hlc::from_parts(now, 3);
        let ahead = Hlc::from_parts(now + 86_400_000, 0);
        let (merged, skew) = observe(local, ahead, now);
        assert_eq!(merged, local);
        assert_eq!(skew, Some(86_400_000));
        let near = Hlc::from_parts(now + 1_000, 0);
        assert_eq!(observe(local, near, now), (near, None));
    }
}
