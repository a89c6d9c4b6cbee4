//! Operating-system specifics, kept behind a small crate-internal interface.
//!
//! * process control (`unix.rs`, `fallback.rs`): graceful and forced
//!   termination, non-blocking exit checks that leave nothing behind, and the
//!   Linux child-subreaper switch;
//! * resource figures (`linux.rs` reads `/proc`; `sysinfo_stats.rs` covers
//!   macOS and Windows through `sysinfo`, reporting `None` where it has no
//!   figure).

use std::collections::HashMap;

#[cfg(not(unix))]
mod fallback;
#[cfg(unix)]
mod unix;
#[cfg(not(unix))]
pub(crate) use fallback::*;
#[cfg(unix)]
pub(crate) use unix::*;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(any(not(target_os = "linux"), test))]
mod sysinfo_stats;

#[cfg(target_os = "linux")]
pub(crate) use linux::{zombie_children, StatsSource};
#[cfg(not(target_os = "linux"))]
pub(crate) use sysinfo_stats::StatsSource;

/// Zombie children of this process, as `(pid, start time)`: only Linux
/// tells (orphan reaping is refused elsewhere).
#[cfg(not(target_os = "linux"))]
pub(crate) fn zombie_children() -> Vec<(u32, u64)> {
    Vec::new()
}

/// Raw per-process figures; `None` where the platform does not provide one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RawStats {
    /// Open file descriptors (Unix) or handles (Windows).
    pub open_handles: Option<u64>,
    /// Resident set size in bytes.
    pub resident_bytes: Option<u64>,
    /// Threads of this process.
    pub threads: Option<u64>,
    /// Live (or zombie) descendants of this process: children, grandchildren...
    pub descendants: Option<u64>,
}

/// Counts the descendants of `root` given every process's `(pid, parent pid)`.
pub(crate) fn count_descendants(root: u32, pairs: impl IntoIterator<Item = (u32, u32)>) -> u64 {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for (pid, ppid) in pairs {
        if pid != ppid {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut count = 0;
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        if let Some(kids) = children.get(&pid) {
            count += kids.len() as u64;
            stack.extend(kids);
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::count_descendants;

    #[test]
    fn counts_whole_subtree_only() {
        let pairs = [(2, 1), (3, 2), (4, 3), (5, 2), (6, 1), (7, 6)];
        assert_eq!(count_descendants(2, pairs), 3);
        assert_eq!(count_descendants(1, pairs), 6);
        assert_eq!(count_descendants(4, pairs), 0);
    }
}
