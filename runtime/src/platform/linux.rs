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

/// Parsed `/proc/<pid>/stat` of every process visible in `/proc`.
fn all_stats() -> Vec<(u32, Stat)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, Stat::parse(&stat)?))
        })
        .collect()
}

/// `(pid, parent pid)` of every process visible in `/proc`.
fn parent_pids() -> Vec<(u32, u32)> {
    all_stats().into_iter().map(|(pid, stat)| (pid, stat.ppid)).collect()
}

/// Zombie children of this process, as `(pid, start time)`.
pub(crate) fn zombie_children() -> Vec<(u32, u64)> {
    let me = std::process::id();
    all_stats()
        .into_iter()
        .filter(|(_, stat)| stat.ppid == me && stat.state == 'Z')
        .map(|(pid, stat)| (pid, stat.start))
        .collect()
}

/// The fields of `/proc/<pid>/stat` we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    state: char,
    ppid: u32,
    /// Start time in clock ticks since boot: with the pid, a unique identity.
    start: u64,
}

impl Stat {
    /// Parses the fields after the command name, which is parenthesised and
    /// may itself contain spaces or parentheses.
    fn parse(stat: &str) -> Option<Self> {
        let after_name = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        Some(Self {
            state: fields.first()?.chars().next()?,
            ppid: fields.get(1)?.parse().ok()?,
            start: fields.get(19)?.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_awkward_command_names() {
        let stat = "42 (a b) c)) Z 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 0 0";
        assert_eq!(Stat::parse(stat), Some(Stat { state: 'Z', ppid: 7, start: 98765 }));
        assert_eq!(Stat::parse("garbage"), None);
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
