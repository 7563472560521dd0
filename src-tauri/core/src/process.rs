//! Keeps the keys and records in this process's memory out of core dumps and away from
//! other processes of the same user. Both the `nansen` command and the desktop app call
//! [`harden`] first thing.

/// Disables core dumps (`RLIMIT_CORE` = 0) and marks the process not dumpable
/// (`PR_SET_DUMPABLE` = 0), which also stops other processes of the same user from
/// attaching a debugger or reading its memory through `/proc`. Returns whether both
/// took effect.
pub fn harden() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls on this process with valid arguments.
        unsafe {
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            let limited = libc::setrlimit(libc::RLIMIT_CORE, &none) == 0;
            let undumpable = libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
            limited && undumpable
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Lets a closed pipe end the process quietly, as other Unix commands do (`nansen
/// person list | head`): Rust ignores SIGPIPE, so printing to a closed pipe would panic
/// instead. Results are printed after the work they report is committed, so a reader
/// that stops early cuts short only the printing.
pub fn exit_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default action of one signal, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Whether this process may dump core or be inspected (for tests and `nansen info`).
pub fn is_hardened() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: read-only queries about this process.
        unsafe {
            let mut limit = libc::rlimit {
                rlim_cur: 1,
                rlim_max: 1,
            };
            libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0
                && limit.rlim_cur == 0
                && libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) == 0
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}
