//! [`ResourceTracker`]: snapshots of this process's handles, child processes,
//! memory and threads, with warnings against thresholds, periodic sampling
//! and cleanup hooks.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::info::unix_ms;
use crate::periodic::Periodic;
use crate::platform::StatsSource;
use crate::ProcessManager;

/// Limits above which a snapshot carries a [`ResourceWarning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// Open file descriptors / handles (default 1 000).
    pub max_open_handles: u64,
    /// Child processes, the larger of tracked and OS-level descendants (default 10).
    pub max_processes: u64,
    /// Resident memory in bytes (default 2 GiB).
    pub max_resident_bytes: u64,
    /// Threads of this process (default: no limit).
    pub max_threads: Option<u64>,
    /// Bytes allocated through the [`CountingAllocator`](crate::CountingAllocator) (default: no limit).
    pub max_allocated_bytes: Option<u64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            max_open_handles: 1_000,
            max_processes: 10,
            max_resident_bytes: 2 << 30,
            max_threads: None,
            max_allocated_bytes: None,
        }
    }
}

/// The resource a [`ResourceWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// Open file descriptors / handles.
    OpenHandles,
    /// Child processes.
    Processes,
    /// Resident memory.
    ResidentMemory,
    /// Threads.
    Threads,
    /// Bytes allocated through the counting allocator.
    AllocatedMemory,
}

/// A figure above its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceWarning {
    /// Which resource.
    pub resource: Resource,
    /// Its current value.
    pub value: u64,
    /// The threshold it exceeds.
    pub threshold: u64,
    /// A human-readable sentence.
    pub message: String,
}

/// Child process counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProcessCounts {
    /// Processes tracked by the attached [`ProcessManager`] (`None` without one).
    pub tracked: Option<u64>,
    /// All live or zombie descendants of this process according to the OS.
    pub os_descendants: Option<u64>,
}

/// This process's resources at one moment. Figures the platform cannot give
/// are `None`. Serializes to JSON with `timestamp_ms` since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceSnapshot {
    /// When it was taken.
    #[serde(rename = "timestamp_ms", serialize_with = "unix_ms")]
    pub timestamp: SystemTime,
    /// Open file descriptors (Unix) or handles (Windows).
    pub open_handles: Option<u64>,
    /// Child processes.
    pub processes: ProcessCounts,
    /// Resident set size in bytes.
    pub resident_bytes: Option<u64>,
    /// Bytes allocated and not freed, if the [`CountingAllocator`](crate::CountingAllocator) is installed.
    pub allocated_bytes: Option<u64>,
    /// Threads of this process (Linux only; `None` elsewhere).
    pub threads: Option<u64>,
    /// Every figure above its threshold.
    pub warnings: Vec<ResourceWarning>,
}

impl ResourceSnapshot {
    /// The snapshot as JSON.
    pub fn to_json(&self) -> String {
        // Only plain numbers, strings and lists: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

type Hook = Arc<dyn Fn() + Send + Sync>;

/// Takes [`ResourceSnapshot`]s of the current process.
///
/// Attach a [`ProcessManager`] (with [`ResourceTrackerBuilder::process_manager`])
/// to count its tracked processes and to make [`cleanup`](Self::cleanup)
/// sweep it.
pub struct ResourceTracker {
    thresholds: Thresholds,
    manager: Option<Arc<ProcessManager>>,
    hooks: Mutex<Vec<(String, Hook)>>,
    source: Mutex<StatsSource>,
}

impl std::fmt::Debug for ResourceTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceTracker")
            .field("thresholds", &self.thresholds)
            .field("manager", &self.manager)
            .finish_non_exhaustive()
    }
}

impl Default for ResourceTracker {
    fn default() -> Self {
        Self::new()
    }
}

impl ResourceTracker {
    /// A tracker with the default thresholds and no process manager.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Configures a tracker.
    pub fn builder() -> ResourceTrackerBuilder {
        ResourceTrackerBuilder::default()
    }

    /// The thresholds warnings are raised against.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// The attached process manager, if any.
    pub fn process_manager(&self) -> Option<&Arc<ProcessManager>> {
        self.manager.as_ref()
    }

    /// Measures everything now.
    pub fn snapshot(&self) -> ResourceSnapshot {
        let raw = self.source.lock().unwrap_or_else(PoisonError::into_inner).sample();
        let mut snapshot = ResourceSnapshot {
            timestamp: SystemTime::now(),
            open_handles: raw.open_handles,
            processes: ProcessCounts {
                tracked: self.manager.as_ref().map(|m| m.count() as u64),
                os_descendants: raw.descendants,
            },
            resident_bytes: raw.resident_bytes,
            allocated_bytes: crate::alloc::allocated_bytes(),
            threads: raw.threads,
            warnings: Vec::new(),
        };
        snapshot.warnings = self.warnings_for(&snapshot);
        snapshot
    }

    fn warnings_for(&self, s: &ResourceSnapshot) -> Vec<ResourceWarning> {
        let t = &self.thresholds;
        let processes = s.processes.tracked.max(s.processes.os_descendants);
        [
            (Resource::OpenHandles, s.open_handles, Some(t.max_open_handles), "open handles"),
            (Resource::Processes, processes, Some(t.max_processes), "child processes"),
            (Resource::ResidentMemory, s.resident_bytes, Some(t.max_resident_bytes), "resident bytes"),
            (Resource::Threads, s.threads, t.max_threads, "threads"),
            (Resource::AllocatedMemory, s.allocated_bytes, t.max_allocated_bytes, "allocated bytes"),
        ]
        .into_iter()
        .filter_map(|(resource, value, threshold, what)| {
            let (value, threshold) = (value?, threshold?);
            (value > threshold).then(|| ResourceWarning {
                resource,
                value,
                threshold,
                message: format!("{value} {what} exceed the threshold of {threshold}"),
            })
        })
        .collect()
    }

    /// Registers `hook` to run on every [`cleanup`](Self::cleanup), after the
    /// hooks registered before it.
    pub fn add_cleanup_hook(&self, name: impl Into<String>, hook: impl Fn() + Send + Sync + 'static) {
        self.hooks.lock().unwrap_or_else(PoisonError::into_inner).push((name.into(), Arc::new(hook)));
    }

    /// Names of the registered cleanup hooks, in the order they run.
    pub fn cleanup_hooks(&self) -> Vec<String> {
        let hooks = self.hooks.lock().unwrap_or_else(PoisonError::into_inner);
        hooks.iter().map(|(name, _)| name.clone()).collect()
    }

    /// Runs every cleanup hook (the attached manager's sweep first), then
    /// returns a fresh snapshot. A hook that panics is skipped; the others
    /// still run. May block for a manager's grace period.
    pub fn cleanup(&self) -> ResourceSnapshot {
        let hooks: Vec<Hook> = {
            let hooks = self.hooks.lock().unwrap_or_else(PoisonError::into_inner);
            hooks.iter().map(|(_, hook)| Arc::clone(hook)).collect()
        };
        for hook in hooks {
            let _ = catch_unwind(AssertUnwindSafe(|| hook()));
        }
        self.snapshot()
    }

    /// Takes a snapshot every `interval` on a background thread and hands it
    /// to `callback`, until the returned [`Sampling`] is stopped or dropped.
    ///
    /// # Errors
    ///
    /// If the thread cannot be started.
    pub fn start_sampling(
        self: &Arc<Self>,
        interval: Duration,
        mut callback: impl FnMut(&ResourceSnapshot) + Send + 'static,
    ) -> io::Result<Sampling> {
        let tracker = Arc::clone(self);
        let thread = Periodic::start("leaklint-sampler", interval, move || callback(&tracker.snapshot()))?;
        Ok(Sampling(thread))
    }
}

/// Periodic sampling started by [`ResourceTracker::start_sampling`]; stops
/// (and joins its thread) when dropped.
pub struct Sampling(Periodic);

impl std::fmt::Debug for Sampling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sampling")
    }
}

impl Sampling {
    /// Stops sampling; waits for a callback in progress to return.
    pub fn stop(mut self) {
        self.0.stop();
    }
}

/// Builds a [`ResourceTracker`]; obtained from [`ResourceTracker::builder`].
#[derive(Debug, Default)]
#[must_use]
pub struct ResourceTrackerBuilder {
    thresholds: Thresholds,
    manager: Option<Arc<ProcessManager>>,
}

impl ResourceTrackerBuilder {
    /// Replaces all thresholds.
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// Warn above this many open handles.
    pub fn max_open_handles(mut self, n: u64) -> Self {
        self.thresholds.max_open_handles = n;
        self
    }

    /// Warn above this many child processes.
    pub fn max_processes(mut self, n: u64) -> Self {
        self.thresholds.max_processes = n;
        self
    }

    /// Warn above this much resident memory, in bytes.
    pub fn max_resident_bytes(mut self, n: u64) -> Self {
        self.thresholds.max_resident_bytes = n;
        self
    }

    /// Counts `manager`'s processes in snapshots and sweeps it first on every
    /// cleanup. The tracker keeps the manager alive (it shuts down when the
    /// last `Arc`, possibly the tracker's, is dropped).
    pub fn process_manager(mut self, manager: Arc<ProcessManager>) -> Self {
        self.manager = Some(manager);
        self
    }

    /// Builds the tracker.
    pub fn build(self) -> ResourceTracker {
        let tracker = ResourceTracker {
            thresholds: self.thresholds,
            manager: self.manager,
            hooks: Mutex::default(),
            source: Mutex::new(StatsSource::new()),
        };
        if let Some(manager) = tracker.manager.clone() {
            tracker.add_cleanup_hook("process manager sweep", move || {
                manager.sweep_now();
            });
        }
        tracker
    }
}
