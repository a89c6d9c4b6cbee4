//! [`ProcessManager`]: spawns jobs in their own process groups, tracks them,
//! and makes sure none outlives its deadline or the manager.

use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use process_wrap::std::CommandWrap;

use crate::handle::ProcessHandle;
use crate::info::{ProcessInfo, SweepReport};
use crate::periodic::Periodic;
use crate::platform;
use crate::registry::{Config, Shared};
use crate::{Error, Result};

/// Deadline given to jobs spawned without an explicit timeout: 60 minutes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// Time between the sweeps of the background thread: 15 minutes.
pub const DEFAULT_SWEEP_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Time a process gets to exit after SIGTERM before it is SIGKILLed: 5 seconds.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(5);

/// How long `shutdown` keeps reaping reparented members of killed groups.
const SHUTDOWN_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Tracks child processes so that none is orphaned or left a zombie.
///
/// * [`spawn`](Self::spawn) starts a command in a process group of its own
///   (a job object on Windows), so stopping a job stops everything it started.
/// * Each process gets a deadline (default [`DEFAULT_TIMEOUT`]). A sweeper
///   thread (every [`DEFAULT_SWEEP_INTERVAL`], or on demand with
///   [`sweep_now`](Self::sweep_now)) stops overdue jobs — SIGTERM to the whole
///   group, the grace period, then SIGKILL — and reaps exited ones.
/// * [`shutdown`](Self::shutdown), or dropping the manager (also while a panic
///   unwinds), stops every tracked job and joins the sweeper.
///
/// All methods take `&self`: share the manager between threads with an
/// [`Arc`]. It is `Send + Sync`.
///
/// ```no_run
/// use std::process::Command;
/// use leaklint_runtime::ProcessManager;
///
/// # fn main() -> Result<(), leaklint_runtime::Error> {
/// let manager = ProcessManager::new();
/// let handle = manager.spawn(Command::new("ffmpeg").args(["-i", "in.mp4", "out.webm"]), "job-42")?;
/// let status = handle.wait()?; // unregisters it
/// # let _ = status; Ok(()) }
/// ```
pub struct ProcessManager {
    shared: Arc<Shared>,
    sweeper: Mutex<Option<Periodic>>,
}

impl std::fmt::Debug for ProcessManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessManager")
            .field("config", &self.shared.config)
            .field("registered", &self.shared.len())
            .finish_non_exhaustive()
    }
}

impl Default for ProcessManager {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessManager {
    /// A manager with the default settings and a running sweeper thread.
    ///
    /// Should the OS refuse to start the sweeper thread, the manager still
    /// works, sweeping only on [`sweep_now`](Self::sweep_now) (see
    /// [`has_sweeper`](Self::has_sweeper)); use [`builder`](Self::builder) to
    /// get that failure as an error instead.
    pub fn new() -> Self {
        let builder = Self::builder();
        let manager = builder.assemble();
        let _ = manager.start_sweeper(builder.sweep_interval);
        manager
    }

    /// Configures a manager: deadlines, grace period, sweep interval, subreaper.
    pub fn builder() -> ProcessManagerBuilder {
        ProcessManagerBuilder::default()
    }

    fn start_sweeper(&self, interval: Option<Duration>) -> Result<()> {
        if let Some(interval) = interval {
            let shared = Arc::clone(&self.shared);
            let sweeper = Periodic::start("leaklint-sweeper", interval, move || {
                shared.sweep();
            })?;
            *self.sweeper.lock().unwrap_or_else(PoisonError::into_inner) = Some(sweeper);
        }
        Ok(())
    }

    /// Whether the background sweeper thread is running.
    pub fn has_sweeper(&self) -> bool {
        self.sweeper.lock().unwrap_or_else(PoisonError::into_inner).is_some()
    }

    /// The deadline given by [`spawn`](Self::spawn) and [`adopt`](Self::adopt).
    pub fn default_timeout(&self) -> Duration {
        self.shared.config.default_timeout
    }

    /// The time between SIGTERM and SIGKILL.
    pub fn grace_period(&self) -> Duration {
        self.shared.config.grace
    }

    /// Spawns `command` as job `job_id` with the default deadline.
    ///
    /// The child leads a new process group (a job object on Windows); the
    /// deadline is [`default_timeout`](Self::default_timeout). `command` is left
    /// as it was, so it can be spawned again.
    ///
    /// # Errors
    ///
    /// [`Error::Spawn`] if the OS cannot start it, [`Error::ShutDown`] after
    /// [`shutdown`](Self::shutdown).
    pub fn spawn(&self, command: &mut Command, job_id: impl Into<String>) -> Result<ProcessHandle> {
        self.spawn_with_timeout(command, job_id, self.shared.config.default_timeout)
    }

    /// Like [`spawn`](Self::spawn), with a deadline `timeout` from now.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Self::spawn).
    pub fn spawn_with_timeout(
        &self,
        command: &mut Command,
        job_id: impl Into<String>,
        timeout: Duration,
    ) -> Result<ProcessHandle> {
        let job_id = job_id.into();
        self.shared.ensure_open()?;
        // `CommandWrap` owns its command: lend it ours, then put it back.
        let placeholder = Command::new(command.get_program());
        let mut wrapped = CommandWrap::from(std::mem::replace(command, placeholder));
        platform::isolate(&mut wrapped);
        let spawned = wrapped.spawn();
        *command = wrapped.into_command();
        let child = spawned.map_err(|source| Error::Spawn { job_id: job_id.clone(), source })?;
        let target = self.shared.register(child, job_id.clone(), true, timeout)?;
        Ok(ProcessHandle::new(Arc::clone(&self.shared), target, job_id))
    }

    /// Tracks `child`, spawned elsewhere, as job `job_id` with the default deadline.
    ///
    /// An adopted child is not moved into a group of its own, so stopping it
    /// signals that one process only; spawn through the manager to have a
    /// job's whole process tree stopped.
    ///
    /// # Errors
    ///
    /// [`Error::ShutDown`] after [`shutdown`](Self::shutdown); the child has
    /// then been killed and reaped.
    pub fn adopt(&self, child: Child, job_id: impl Into<String>) -> Result<ProcessHandle> {
        self.adopt_with_timeout(child, job_id, self.shared.config.default_timeout)
    }

    /// Like [`adopt`](Self::adopt), with a deadline `timeout` from now.
    ///
    /// # Errors
    ///
    /// As for [`adopt`](Self::adopt).
    pub fn adopt_with_timeout(
        &self,
        child: Child,
        job_id: impl Into<String>,
        timeout: Duration,
    ) -> Result<ProcessHandle> {
        let job_id = job_id.into();
        let target = self.shared.register(Box::new(child), job_id.clone(), false, timeout)?;
        Ok(ProcessHandle::new(Arc::clone(&self.shared), target, job_id))
    }

    /// Stops process `pid` (SIGTERM to its group, grace period, SIGKILL),
    /// reaps it and unregisters it.
    ///
    /// # Errors
    ///
    /// [`Error::NotTracked`] if no such process is tracked (it may have exited
    /// and been reaped already); [`Error::StillRunning`] if it did not go away
    /// even after SIGKILL.
    pub fn kill(&self, pid: u32) -> Result<()> {
        self.shared.stop_one(self.shared.target(pid)?)
    }

    /// Stops every tracked process as [`kill`](Self::kill) does, all in
    /// parallel (one grace period in total, not one per process). Returns the
    /// pids that could not be reaped yet; they stay tracked.
    pub fn kill_all(&self) -> Vec<u32> {
        self.shared.stop_all()
    }

    /// Blocks until process `pid` exits, reaps and unregisters it.
    ///
    /// # Errors
    ///
    /// [`Error::NotTracked`] if no such process is tracked;
    /// [`Error::StatusUnavailable`] if other code reaped it first.
    pub fn wait(&self, pid: u32) -> Result<ExitStatus> {
        let target = self.shared.target(pid)?;
        self.shared.wait(&target, None)?.ok_or(Error::StatusUnavailable(pid))
    }

    /// Number of tracked processes (exited ones are reaped and unregistered first).
    pub fn count(&self) -> usize {
        self.shared.count()
    }

    /// The tracked processes, oldest first (exited ones are reaped and
    /// unregistered first).
    pub fn tracked(&self) -> Vec<ProcessInfo> {
        self.shared.tracked()
    }

    /// Sweeps now, in the calling thread: reaps and unregisters exited
    /// processes, stops the ones past their deadline. Blocks for up to the
    /// grace period when some are overdue.
    pub fn sweep_now(&self) -> SweepReport {
        self.shared.sweep()
    }

    /// Stops every tracked process, reaps them (and, as subreaper, the
    /// members of their groups) and joins the sweeper. Afterwards `spawn`
    /// and `adopt` fail with [`Error::ShutDown`]. Idempotent; also done on drop.
    pub fn shutdown(&self) {
        self.shared.close();
        let sweeper = self.sweeper.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(sweeper); // stops and joins it
        self.shared.stop_all();
        self.shared.drain(SHUTDOWN_DRAIN_TIMEOUT);
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Drop for ProcessManager {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Builds a [`ProcessManager`]; obtained from [`ProcessManager::builder`].
///
/// ```
/// use std::time::Duration;
/// use leaklint_runtime::ProcessManager;
///
/// # fn main() -> Result<(), leaklint_runtime::Error> {
/// let manager = ProcessManager::builder()
///     .default_timeout(Duration::from_secs(2 * 60 * 60))
///     .grace_period(Duration::from_secs(10))
///     .sweep_interval(Duration::from_secs(60))
///     .build()?;
/// # drop(manager); Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ProcessManagerBuilder {
    default_timeout: Duration,
    grace: Duration,
    sweep_interval: Option<Duration>,
    subreaper: bool,
    reap_orphans: bool,
}

impl Default for ProcessManagerBuilder {
    fn default() -> Self {
        Self {
            default_timeout: DEFAULT_TIMEOUT,
            grace: DEFAULT_GRACE_PERIOD,
            sweep_interval: Some(DEFAULT_SWEEP_INTERVAL),
            subreaper: false,
            reap_orphans: false,
        }
    }
}

impl ProcessManagerBuilder {
    /// Deadline for processes spawned or adopted without one (default 60 min).
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.default_timeout = timeout;
        self
    }

    /// Time between SIGTERM and SIGKILL (default 5 s). Windows has no
    /// graceful stop: processes are terminated at once there.
    pub fn grace_period(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Time between background sweeps (default 15 min).
    pub fn sweep_interval(mut self, interval: Duration) -> Self {
        self.sweep_interval = Some(interval);
        self
    }

    /// No background sweeper: sweeps happen only on
    /// [`ProcessManager::sweep_now`] (and on tracker cleanups).
    pub fn without_sweeper(mut self) -> Self {
        self.sweep_interval = None;
        self
    }

    /// Makes this process a child subreaper (Linux only): descendants
    /// orphaned when a job is killed are reparented to this process instead
    /// of init, and the manager reaps the ones from its jobs' process groups.
    /// Use it when the program may run as PID 1 in a container, or whenever
    /// init is not trusted to reap. It affects the whole process.
    pub fn child_subreaper(mut self, enable: bool) -> Self {
        self.subreaper = enable;
        self
    }

    /// Makes every sweep also reap zombie children this manager does not
    /// track (Linux only): descendants of jobs that left their job's process
    /// group (`setsid`, job-control shells) and were reparented to this
    /// process as subreaper or PID 1. A zombie is reaped at the second sweep
    /// that sees it. Enable it only when no other code in the program waits
    /// for children of its own: their exit statuses would be taken.
    pub fn reap_orphans(mut self, enable: bool) -> Self {
        self.reap_orphans = enable;
        self
    }

    fn assemble(&self) -> ProcessManager {
        let config = Config {
            default_timeout: self.default_timeout,
            grace: self.grace,
            reap_orphans: self.reap_orphans,
        };
        ProcessManager { shared: Arc::new(Shared::new(config)), sweeper: Mutex::new(None) }
    }

    /// Builds the manager and starts its sweeper thread.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when a subreaper or orphan reaping is requested
    /// off Linux; [`Error::Io`] if the subreaper cannot be set or the thread
    /// not started.
    pub fn build(self) -> Result<ProcessManager> {
        if self.reap_orphans && !cfg!(target_os = "linux") {
            return Err(Error::Unsupported("orphan reaping"));
        }
        if self.subreaper {
            platform::become_subreaper()?;
        }
        let manager = self.assemble();
        manager.start_sweeper(self.sweep_interval)?;
        Ok(manager)
    }
}
