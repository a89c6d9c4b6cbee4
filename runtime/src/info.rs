//! Plain data reported by the manager: what is tracked, what a sweep did.
//! Everything serializes with serde; times as milliseconds since the Unix epoch.

use std::time::SystemTime;

use serde::Serialize;

/// One tracked process, as listed by [`ProcessManager::tracked`](crate::ProcessManager::tracked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessInfo {
    /// Process id (for spawned jobs also the id of the job's process group).
    pub pid: u32,
    /// The caller's name for the job.
    pub job_id: String,
    /// When the manager started tracking it.
    #[serde(rename = "started_ms", serialize_with = "unix_ms")]
    pub started: SystemTime,
    /// When the sweeper will stop it (`None`: the timeout was too large to represent).
    #[serde(rename = "deadline_ms", serialize_with = "opt_unix_ms")]
    pub deadline: Option<SystemTime>,
    /// Where it is in its life.
    pub state: ProcessState,
}

/// Life stage of a tracked process. Exited processes are reaped and
/// unregistered as soon as the manager notices, so they never appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessState {
    /// Running within its deadline.
    Running,
    /// Past its deadline; the next sweep will stop it.
    Overdue,
    /// Being stopped (stop request sent, grace period running, or killed).
    Terminating,
}

/// A process named by pid and job id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRef {
    /// Process id.
    pub pid: u32,
    /// The caller's name for the job.
    pub job_id: String,
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Processes found exited, now reaped and unregistered.
    pub exited: Vec<JobRef>,
    /// Processes past their deadline, now stopped (TERM, grace, KILL) and reaped.
    pub timed_out: Vec<JobRef>,
    /// Untracked zombie children reaped (only with
    /// [`reap_orphans`](crate::ProcessManagerBuilder::reap_orphans)).
    pub orphans_reaped: usize,
    /// Processes still tracked after the sweep.
    pub still_tracked: usize,
}

/// Milliseconds since the Unix epoch (0 for earlier times).
pub(crate) fn millis_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub(crate) fn unix_ms<S: serde::Serializer>(time: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(millis_since_epoch(*time))
}

fn opt_unix_ms<S: serde::Serializer>(time: &Option<SystemTime>, s: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => unix_ms(time, s),
        None => s.serialize_none(),
    }
}
