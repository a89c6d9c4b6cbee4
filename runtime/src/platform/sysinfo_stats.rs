//! Resource figures through `sysinfo`, used on macOS and Windows.
//!
//! `sysinfo` reports resident memory and open handles on Linux, macOS and
//! Windows, and thread counts on Linux only; anything it lacks is `None`.

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

use super::{count_descendants, RawStats};

/// Samples this process through a reusable `sysinfo::System`.
pub(crate) struct StatsSource {
    system: Option<System>,
    pid: Pid,
}

impl StatsSource {
    /// Creates the source; if `sysinfo` cannot initialise, every figure is `None`.
    pub(crate) fn new() -> Self {
        Self { system: System::new().ok(), pid: Pid::from_u32(std::process::id()) }
    }

    /// Samples every figure `sysinfo` has for this platform.
    pub(crate) fn sample(&mut self) -> RawStats {
        let Some(system) = self.system.as_mut() else {
            return RawStats::default();
        };
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing().with_memory().with_tasks(),
        );
        let me = system.process(self.pid);
        let pairs =
            system.processes().values().filter_map(|p| Some((p.pid().as_u32(), p.parent()?.as_u32())));
        RawStats {
            open_handles: me.and_then(|p| p.open_files()).map(|n| n as u64),
            resident_bytes: me.map(|p| p.memory()),
            threads: me.and_then(|p| p.tasks()).map(|t| t.len() as u64),
            descendants: Some(count_descendants(self.pid.as_u32(), pairs)),
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// Both sources must broadly agree where both have a figure.
    #[test]
    fn agrees_with_proc() {
        let ours = super::super::linux::StatsSource::new().sample();
        let theirs = super::StatsSource::new().sample();
        let close = |a: Option<u64>, b: Option<u64>, slack: u64| match (a, b) {
            (Some(a), Some(b)) => a.abs_diff(b) <= slack,
            _ => false,
        };
        assert!(close(ours.resident_bytes, theirs.resident_bytes, 64 << 20));
        assert!(close(ours.open_handles, theirs.open_handles, 64));
        assert!(theirs.threads.is_some());
    }
}
