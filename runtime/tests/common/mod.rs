//! Helpers shared by the integration tests: identifying processes in `/proc`
//! robustly against pid reuse, and bounded polling.

#![allow(dead_code)] // each test binary uses a different subset

use std::fs;
use std::time::{Duration, Instant};

/// A process as identified by the kernel: pid plus start time (in clock ticks
/// since boot), so that a reused pid is never mistaken for the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident {
    pub pid: u32,
    pub start: u64,
}

/// Parsed fields of `/proc/<pid>/stat`.
#[derive(Debug, Clone, Copy)]
pub struct Stat {
    pub state: char,
    pub ppid: u32,
    pub pgid: u32,
    pub start: u64,
}

pub fn stat(pid: u32) -> Option<Stat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state(0) ppid(1) pgrp(2) ... starttime is field 22 overall, 19 here.
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        pgid: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

pub fn ident(pid: u32) -> Ident {
    let start = stat(pid).map_or(0, |s| s.start);
    Ident { pid, start }
}

/// Whether the very process `id` still exists in `/proc`, running or zombie.
pub fn exists(id: Ident) -> bool {
    stat(id.pid).is_some_and(|s| s.start == id.start)
}

/// The processes of `id` still present, each with its state (`Z` = zombie).
pub fn leftovers(ids: &[Ident]) -> Vec<(Ident, char)> {
    ids.iter().filter_map(|&id| stat(id.pid).filter(|s| s.start == id.start).map(|s| (id, s.state))).collect()
}

/// Every process in process group `pgid`.
pub fn group_members(pgid: u32) -> Vec<Ident> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| stat(pid).filter(|s| s.pgid == pgid).map(|s| Ident { pid, start: s.start }))
        .collect()
}

/// Polls `condition` every 10 ms until it holds (true) or `timeout` passes (false).
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Asserts that none of `ids` is left in `/proc`, neither running nor zombie.
pub fn assert_all_gone(ids: &[Ident]) {
    let left = leftovers(ids);
    assert!(left.is_empty(), "processes left behind (ident, state): {left:?}");
}
