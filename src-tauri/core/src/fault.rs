//! Fault injection for tests: fail, or kill the process, at the Nth statement of the
//! write path. Tests arm it directly; a `nansen` binary built with the
//! `fault-injection` feature arms it from the environment variable `NANSEN_TEST_FAULT`
//! (`error:N` or `abort:N`) so that a test can crash a real import half-way and then
//! check that the store is exactly as it was.
//!
//! Only tests enable the feature. Without it (every build a person runs) [`tick`] is an
//! empty inline function and the variable is ignored.

use crate::error::Result;
#[cfg(feature = "fault-injection")]
use {crate::error::Error, std::cell::Cell};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Error,
    Abort,
}

#[cfg(feature = "fault-injection")]
thread_local! {
    static PLAN: Cell<Option<(u64, u64, Fault)>> = const { Cell::new(None) };
}

/// Fail at the `at`-th statement from now (1-based).
#[cfg(feature = "fault-injection")]
pub fn arm(at: u64, fault: Fault) {
    PLAN.with(|p| p.set(Some((at, 0, fault))));
}

#[cfg(feature = "fault-injection")]
pub fn disarm() {
    PLAN.with(|p| p.set(None));
}

/// How many statements ran since arming; `None` when disarmed.
#[cfg(feature = "fault-injection")]
pub fn statements_seen() -> Option<u64> {
    PLAN.with(|p| p.get().map(|(_, n, _)| n))
}

/// Arms from `NANSEN_TEST_FAULT=error:N|abort:N`, if set and if this build has the
/// `fault-injection` feature; otherwise does nothing.
pub fn arm_from_env() {
    #[cfg(feature = "fault-injection")]
    arm_from(std::env::var("NANSEN_TEST_FAULT"));
}

#[cfg(feature = "fault-injection")]
fn arm_from(var: std::result::Result<String, std::env::VarError>) {
    let Ok(spec) = var else {
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

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub(crate) fn tick() -> Result<()> {
    Ok(())
}

#[cfg(feature = "fault-injection")]
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
                return Err(Error::InjectedFault(
                    crate::error::messages::injected_fault(n),
                ));
            }
            Ok(())
        }
    })
}
