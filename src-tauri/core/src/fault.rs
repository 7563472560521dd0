//! Fault injection for tests: fail, or kill the process, at the Nth statement of the
//! write path. Tests arm it directly; the `nansen` binary arms it from the environment
//! variable `NANSEN_TEST_FAULT` (`error:N` or `abort:N`) so that a test can crash a real
//! import half-way and then check that the store is exactly as it was.
//! Disarmed, it costs one thread-local read per statement.

use crate::error::{Error, Result};
use std::cell::Cell;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Error,
    Abort,
}

thread_local! {
    static PLAN: Cell<Option<(u64, u64, Fault)>> = const { Cell::new(None) };
}

/// Fail at the `at`-th statement from now (1-based).
pub fn arm(at: u64, fault: Fault) {
    PLAN.with(|p| p.set(Some((at, 0, fault))));
}

pub fn disarm() {
    PLAN.with(|p| p.set(None));
}

/// How many statements ran since arming; `None` when disarmed.
pub fn statements_seen() -> Option<u64> {
    PLAN.with(|p| p.get().map(|(_, n, _)| n))
}

/// Arms from `NANSEN_TEST_FAULT=error:N|abort:N`, if set.
pub fn arm_from_env() {
    let Ok(spec) = std::env::var("NANSEN_TEST_FAULT") else {
        return;
    };
    let Some((mode, n)) = spec.split_once(':') else {
        return;
    };
    let fault = if mode == "abort" {
        Fault::Abort
    } else {
        Fault::Error
    };
    if let Ok(n) = n.parse() {
        arm(n, fault);
    }
}

pub(crate) fn tick() -> Result<()> {
    PLAN.with(|p| match p.get() {
        None => Ok(()),
        Some((at, n, fault)) => {
            let n = n + 1;
            p.set(Some((at, n, fault)));
            if n == at {
                if fault == Fault::Abort {
                    std::process::abort();
                }
                return Err(Error::InjectedFault(n));
            }
            Ok(())
        }
    })
}
