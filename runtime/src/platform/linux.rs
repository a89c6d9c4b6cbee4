//! Resource figures on Linux, read straight from `/proc`.
//!
//! `/proc` is read afresh on every sample and nothing is kept open between
//! samples, so the tracker itself does not disturb the handle count.

use std::fs;

use super::{count_descendants, RawStats};

/// Reads this process's figures from `/proc/self`.
#[derive(Debug, Default)]
pub(crate) struct StatsSource;

impl StatsSource {
    /// Creates the source (nothing to set up on Linux).
    pub(crate) fn new() -> Self {
        Self
    }

    /// Samples every figure; each is `None` if its `/proc` file can't be read.
    pub(crate) fn sample(&mut self) -> RawStats {
        let status = fs::read_to_string("/proc/self/status").ok();
        let field = |name: &str| status.as_deref().and_then(|s| status_field(s, name));
        RawStats {
            open_handles: open_fds(),
            resident_bytes: field("VmRSS:").map(|kib| kib * 1024),
            threads: field("Threads:"),
            descendants: Some(count_descendants(std::process::id(), parent_pids())),
        }
    }
}

/// Number of open descriptors, not counting the one used to list them.
fn open_fds() -> Option<u64> {
    let entries = fs::read_dir("/proc/self/fd").ok()?;
    let listed = entries.filter(Result::is_ok).count() as u64;
    Some(listed.saturating_sub(1))
}

/// The first number after `name` in `/proc/<pid>/status` text.
fn status_field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// `(pid, parent pid)` of every process visible in `/proc`.
fn parent_pids() -> Vec<(u32, u32)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, parent_from_stat(&stat)?))
        })
        .collect()
}

/// The parent pid in `/proc/<pid>/stat`: the second field after the command
/// name, which is parenthesised and may itself contain spaces or parentheses.
fn parent_from_stat(stat: &str) -> Option<u32> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_awkward_command_names() {
        assert_eq!(parent_from_stat("42 (a b) c)) S 7 42 42 0"), Some(7));
        assert_eq!(parent_from_stat("garbage"), None);
    }

    #[test]
    fn parses_status_fields() {
        let s = "Name:\tx\nVmRSS:\t  1234 kB\nThreads:\t7\n";
        assert_eq!(status_field(s, "VmRSS:"), Some(1234));
        assert_eq!(status_field(s, "Threads:"), Some(7));
        assert_eq!(status_field(s, "Nope:"), None);
    }

    #[test]
    fn samples_this_process() {
        let stats = StatsSource::new().sample();
        assert!(stats.open_handles.is_some_and(|n| n >= 3));
        assert!(stats.resident_bytes.is_some_and(|n| n > 0));
        assert!(stats.threads.is_some_and(|n| n >= 1));
        assert!(stats.descendants.is_some());
    }
}
