//! The shared registry behind [`ProcessManager`](crate::ProcessManager) and
//! [`ProcessHandle`](crate::ProcessHandle): one mutex around every tracked
//! child, and the termination protocol (stop request, grace period, kill,
//! reap) that all kill paths share.
//!
//! Every access to a child happens under the lock and never blocks: waiting is
//! done by polling with a short backoff outside the lock, so one slow job can
//! never hold up `spawn`, `count` or another thread's `kill`. A child is
//! signalled only while it is registered and unreaped, so its pid cannot have
//! been reused by an unrelated process.

use std::collections::HashMap;
use std::process::ExitStatus;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use process_wrap::std::ChildWrapper;

use crate::info::{JobRef, ProcessInfo, ProcessState, SweepReport};
use crate::platform::{self, GroupId};
use crate::{Error, Result};

/// How long to wait for SIGKILLed processes to be reapable before giving up
/// for this round (they stay registered and are retried by the next sweep).
const KILL_REAP_TIMEOUT: Duration = Duration::from_secs(10);

/// How a tracked process ended: `Some(status)`, or `None` if code outside this
/// crate reaped it first.
pub(crate) type Outcome = Option<ExitStatus>;

/// Filled in exactly once, when the process is reaped. Shared between the
/// registry entry and every handle to it; its address also identifies the
/// entry, so a handle can never act on a later process that reuses the pid.
pub(crate) type Slot = Arc<OnceLock<Outcome>>;

/// A process to wait for or stop: its pid and its identity.
pub(crate) type Target = (u32, Slot);

/// Manager-wide settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    /// Deadline given by `spawn`/`adopt`.
    pub default_timeout: Duration,
    /// Time between the stop request and the kill.
    pub grace: Duration,
    /// Whether sweeps reap untracked zombie children (orphans reparented to us).
    pub reap_orphans: bool,
}

struct Entry {
    job_id: String,
    started: SystemTime,
    deadline: Option<(Instant, SystemTime)>,
    child: Box<dyn ChildWrapper>,
    grouped: bool,
    terminating: bool,
    slot: Slot,
}

#[derive(Default)]
struct Registry {
    entries: HashMap<u32, Entry>,
    drain: Vec<GroupId>,
    /// Untracked zombie children seen by the last sweep, `(pid, start time)`.
    orphan_candidates: Vec<(u32, u64)>,
    closed: bool,
}

impl Registry {
    /// Reaps `pid` if it has exited; returns whether it is done (reaped, or no
    /// longer registered under this identity).
    fn poll(&mut self, pid: u32, slot: &Slot) -> bool {
        if slot.get().is_some() {
            return true;
        }
        let Some(entry) = self.entries.get_mut(&pid).filter(|e| Arc::ptr_eq(&e.slot, slot)) else {
            return true;
        };
        let outcome = match platform::try_reap(entry.child.as_mut(), entry.grouped, &mut self.drain) {
            Ok(None) => return false,
            Ok(Some(outcome)) => outcome,
            // The OS won't tell us about this child any more: make sure it is
            // gone and stop tracking it rather than poll it forever.
            Err(_) => {
                let _ = platform::force_stop(entry.child.as_mut());
                None
            }
        };
        self.entries.remove(&pid);
        let _ = slot.set(outcome);
        true
    }

    /// Reaps and unregisters every exited child.
    fn reap_exited(&mut self) -> Vec<JobRef> {
        let targets: Vec<(u32, Slot, String)> =
            self.entries.iter().map(|(&pid, e)| (pid, e.slot.clone(), e.job_id.clone())).collect();
        targets
            .into_iter()
            .filter(|(pid, slot, _)| self.poll(*pid, slot))
            .map(|(pid, _, job_id)| JobRef { pid, job_id })
            .collect()
    }

    /// Reaps untracked zombie children that were already zombies at the
    /// previous call. Waiting one sweep means a child spawned a moment ago
    /// and not registered yet is never mistaken for an orphan.
    fn reap_orphans(&mut self) -> usize {
        let zombies: Vec<(u32, u64)> = platform::zombie_children()
            .into_iter()
            .filter(|(pid, _)| !self.entries.contains_key(pid))
            .collect();
        let (known, fresh): (Vec<_>, Vec<_>) =
            zombies.into_iter().partition(|z| self.orphan_candidates.contains(z));
        for &(pid, _) in &known {
            platform::reap_pid(pid);
        }
        self.orphan_candidates = fresh;
        known.len()
    }

    fn target(&self, pid: u32) -> Option<Target> {
        self.entries.get(&pid).map(|e| (pid, e.slot.clone()))
    }

    /// Sends the stop request (or the kill) to every target still registered.
    fn signal(&mut self, targets: &[Target], force: bool) {
        for (pid, slot) in targets {
            if let Some(entry) = self.entries.get_mut(pid).filter(|e| Arc::ptr_eq(&e.slot, slot)) {
                entry.terminating = true;
                let child = entry.child.as_mut();
                // A failure here means the process is already gone; polling
                // will find out and reap it.
                let _ = if force { platform::force_stop(child) } else { platform::request_stop(child) };
            }
        }
    }
}

/// State shared by the manager, its handles and its sweeper thread.
pub(crate) struct Shared {
    pub(crate) config: Config,
    registry: Mutex<Registry>,
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        Self { config, registry: Mutex::default() }
    }

    /// Locks the registry. Nothing panics while holding it, but should user
    /// code ever poison it, the registry is still consistent, so carry on.
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fails once the manager has been shut down.
    pub(crate) fn ensure_open(&self) -> Result<()> {
        if self.lock().closed {
            Err(Error::ShutDown)
        } else {
            Ok(())
        }
    }

    /// Starts tracking `child`. After shutdown the child is killed and reaped
    /// at once instead, and [`Error::ShutDown`] returned.
    pub(crate) fn register(
        &self,
        mut child: Box<dyn ChildWrapper>,
        job_id: String,
        grouped: bool,
        timeout: Duration,
    ) -> Result<(u32, Slot)> {
        let pid = child.id();
        let mut registry = self.lock();
        if registry.closed {
            drop(registry);
            let _ = platform::force_stop(child.as_mut());
            let _ = child.wait();
            return Err(Error::ShutDown);
        }
        let started = SystemTime::now();
        let deadline = Instant::now().checked_add(timeout).zip(started.checked_add(timeout));
        let slot = Slot::default();
        let entry =
            Entry { job_id, started, deadline, child, grouped, terminating: false, slot: slot.clone() };
        // The pid can only be taken if other code reaped the old process
        // behind our back: its handles learn that its status is lost.
        if let Some(old) = registry.entries.insert(pid, entry) {
            let _ = old.slot.set(None);
        }
        Ok((pid, slot))
    }

    /// Runs `f` on the child registered as `target`, if it still is.
    pub(crate) fn with_child<R>(
        &self,
        (pid, slot): &Target,
        f: impl FnOnce(&mut dyn ChildWrapper) -> R,
    ) -> Option<R> {
        let mut registry = self.lock();
        let entry = registry.entries.get_mut(pid).filter(|e| Arc::ptr_eq(&e.slot, slot))?;
        Some(f(entry.child.as_mut()))
    }

    /// The identity of the process registered under `pid`.
    pub(crate) fn target(&self, pid: u32) -> Result<Target> {
        self.lock().target(pid).ok_or(Error::NotTracked(pid))
    }

    /// Whether `target` is still registered (running, or exited but unreaped).
    pub(crate) fn is_tracked(&self, (pid, slot): &Target) -> bool {
        self.lock().entries.get(pid).is_some_and(|e| Arc::ptr_eq(&e.slot, slot))
    }

    /// Polls the targets until all are reaped or `deadline` passes; the ones
    /// still running are left in `targets`.
    pub(crate) fn wait_until(&self, targets: &mut Vec<Target>, deadline: Option<Instant>) {
        let mut backoff = Backoff::new();
        loop {
            {
                let mut registry = self.lock();
                targets.retain(|(pid, slot)| !registry.poll(*pid, slot));
                platform::drain_groups(&mut registry.drain);
            }
            if targets.is_empty() || deadline.is_some_and(|d| Instant::now() >= d) {
                return;
            }
            std::thread::sleep(backoff.next());
        }
    }

    /// Non-blocking: the outcome of `target` if it has exited (reaping it).
    pub(crate) fn try_wait(&self, target: &Target) -> Result<Option<ExitStatus>> {
        let mut targets = vec![target.clone()];
        self.wait_until(&mut targets, Some(Instant::now()));
        Self::outcome(target)
    }

    /// Blocks until `target` exits (or `timeout` passes) and unregisters it.
    pub(crate) fn wait(&self, target: &Target, timeout: Option<Duration>) -> Result<Option<ExitStatus>> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut targets = vec![target.clone()];
        self.wait_until(&mut targets, deadline);
        Self::outcome(target)
    }

    fn outcome((pid, slot): &Target) -> Result<Option<ExitStatus>> {
        match slot.get() {
            None => Ok(None),
            Some(Some(status)) => Ok(Some(*status)),
            Some(None) => Err(Error::StatusUnavailable(*pid)),
        }
    }

    /// The termination protocol: stop request to each target's whole group,
    /// up to the grace period for them to exit, SIGKILL for the rest, reap.
    /// Returns the pids that could not be reaped yet (still registered).
    pub(crate) fn stop(&self, mut targets: Vec<Target>) -> Vec<u32> {
        if targets.is_empty() {
            return Vec::new();
        }
        self.lock().signal(&targets, false);
        self.wait_until(&mut targets, Instant::now().checked_add(self.config.grace));
        if !targets.is_empty() {
            self.lock().signal(&targets, true);
            self.wait_until(&mut targets, Instant::now().checked_add(KILL_REAP_TIMEOUT));
        }
        targets.into_iter().map(|(pid, _)| pid).collect()
    }

    /// Stops one process; fails if it survives.
    pub(crate) fn stop_one(&self, target: Target) -> Result<()> {
        match self.stop(vec![target]).first() {
            Some(&pid) => Err(Error::StillRunning(pid)),
            None => Ok(()),
        }
    }

    /// Stops every tracked process.
    pub(crate) fn stop_all(&self) -> Vec<u32> {
        let targets = {
            let registry = self.lock();
            registry.entries.keys().filter_map(|&pid| registry.target(pid)).collect()
        };
        self.stop(targets)
    }

    /// Reaps exited processes, stops the ones past their deadline.
    pub(crate) fn sweep(&self) -> SweepReport {
        let now = Instant::now();
        let (exited, overdue) = {
            let mut registry = self.lock();
            let exited = registry.reap_exited();
            let mut overdue = Vec::new();
            for (&pid, entry) in registry.entries.iter_mut() {
                if !entry.terminating && entry.deadline.is_some_and(|(d, _)| now >= d) {
                    entry.terminating = true;
                    overdue.push((JobRef { pid, job_id: entry.job_id.clone() }, entry.slot.clone()));
                }
            }
            (exited, overdue)
        };
        let targets = overdue.iter().map(|(job, slot)| (job.pid, slot.clone())).collect();
        self.stop(targets);
        let mut registry = self.lock();
        let orphans_reaped = if self.config.reap_orphans { registry.reap_orphans() } else { 0 };
        SweepReport {
            exited,
            timed_out: overdue.into_iter().map(|(job, _)| job).collect(),
            orphans_reaped,
            still_tracked: registry.entries.len(),
        }
    }

    /// Refuses new processes from now on.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
    }

    /// Reaps group members reparented to us until none is left or `timeout`
    /// passes.
    pub(crate) fn drain(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut backoff = Backoff::new();
        loop {
            let mut registry = self.lock();
            platform::drain_groups(&mut registry.drain);
            if registry.drain.is_empty() || Instant::now() >= deadline {
                return;
            }
            drop(registry);
            std::thread::sleep(backoff.next());
        }
    }

    /// Number of registered processes, without polling them.
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Number of tracked processes, after reaping the exited ones.
    pub(crate) fn count(&self) -> usize {
        let mut registry = self.lock();
        registry.reap_exited();
        registry.entries.len()
    }

    /// What is tracked, after reaping the exited ones; sorted by start time.
    pub(crate) fn tracked(&self) -> Vec<ProcessInfo> {
        let now = Instant::now();
        let mut registry = self.lock();
        registry.reap_exited();
        let mut list: Vec<ProcessInfo> = registry
            .entries
            .iter()
            .map(|(&pid, e)| ProcessInfo {
                pid,
                job_id: e.job_id.clone(),
                started: e.started,
                deadline: e.deadline.map(|(_, wall)| wall),
                state: if e.terminating {
                    ProcessState::Terminating
                } else if e.deadline.is_some_and(|(d, _)| now >= d) {
                    ProcessState::Overdue
                } else {
                    ProcessState::Running
                },
            })
            .collect();
        list.sort_by_key(|p| (p.started, p.pid));
        list
    }
}

/// Polling intervals for waits: 1 ms, doubling up to 50 ms.
#[derive(Debug)]
pub(crate) struct Backoff(Duration);

impl Backoff {
    pub(crate) fn new() -> Self {
        Self(Duration::from_millis(1))
    }

    /// The next interval to sleep.
    pub(crate) fn next(&mut self) -> Duration {
        let current = self.0;
        self.0 = (current * 2).min(Duration::from_millis(50));
        current
    }
}
