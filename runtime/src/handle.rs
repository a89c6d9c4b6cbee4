//! [`ProcessHandle`]: one tracked process, with operations that keep the
//! manager's registry right.

use std::process::{ChildStderr, ChildStdin, ChildStdout, ExitStatus};
use std::sync::Arc;
use std::time::Duration;

use crate::registry::{Shared, Target};
use crate::{Error, Result};

/// A process tracked by a [`ProcessManager`](crate::ProcessManager).
///
/// Waiting on or killing through the handle unregisters the process, so the
/// registry never holds a process that is gone. Dropping the handle does
/// nothing to the process: it stays tracked, and the sweeper reaps it when it
/// exits or stops it at its deadline. Cloning gives another handle to the
/// same process. A handle only ever acts on the process it was created for,
/// even if the OS later reuses its pid.
#[derive(Clone)]
pub struct ProcessHandle {
    shared: Arc<Shared>,
    target: Target,
    job_id: String,
}

impl std::fmt::Debug for ProcessHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessHandle")
            .field("pid", &self.target.0)
            .field("job_id", &self.job_id)
            .finish_non_exhaustive()
    }
}

impl ProcessHandle {
    pub(crate) fn new(shared: Arc<Shared>, target: Target, job_id: String) -> Self {
        Self { shared, target, job_id }
    }

    /// The process id (for spawned jobs also their process group id).
    pub fn pid(&self) -> u32 {
        self.target.0
    }

    /// The job id given at spawn or adoption.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// Whether the manager still tracks this process (it has not been reaped).
    pub fn is_tracked(&self) -> bool {
        self.shared.is_tracked(&self.target)
    }

    /// The exit status if the process has exited (reaping and unregistering
    /// it), `None` while it runs. Never blocks.
    ///
    /// # Errors
    ///
    /// [`Error::StatusUnavailable`] if other code reaped the process first.
    pub fn try_wait(&self) -> Result<Option<ExitStatus>> {
        self.shared.try_wait(&self.target)
    }

    /// Blocks until the process exits; reaps and unregisters it. Also
    /// returns the status if the sweeper or another handle reaped it first.
    ///
    /// # Errors
    ///
    /// [`Error::StatusUnavailable`] if other code reaped the process first.
    pub fn wait(&self) -> Result<ExitStatus> {
        self.shared.wait(&self.target, None)?.ok_or(Error::StatusUnavailable(self.pid()))
    }

    /// Like [`wait`](Self::wait), giving up after `timeout` with `Ok(None)`
    /// (the process is then still running and tracked).
    ///
    /// # Errors
    ///
    /// As for [`wait`](Self::wait).
    pub fn wait_timeout(&self, timeout: Duration) -> Result<Option<ExitStatus>> {
        self.shared.wait(&self.target, Some(timeout))
    }

    /// Stops the process and its group (SIGTERM, grace period, SIGKILL),
    /// reaps and unregisters it. Succeeds if it had already exited.
    ///
    /// # Errors
    ///
    /// [`Error::StillRunning`] if it did not go away even after SIGKILL.
    pub fn kill(&self) -> Result<()> {
        self.shared.stop_one(self.target.clone())
    }

    /// Takes the child's stdin pipe, if it was piped and not taken yet.
    pub fn take_stdin(&self) -> Option<ChildStdin> {
        self.shared.with_child(&self.target, |c| c.stdin().take()).flatten()
    }

    /// Takes the child's stdout pipe, if it was piped and not taken yet.
    pub fn take_stdout(&self) -> Option<ChildStdout> {
        self.shared.with_child(&self.target, |c| c.stdout().take()).flatten()
    }

    /// Takes the child's stderr pipe, if it was piped and not taken yet.
    pub fn take_stderr(&self) -> Option<ChildStderr> {
        self.shared.with_child(&self.target, |c| c.stderr().take()).flatten()
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn target(&self) -> &Target {
        &self.target
    }
}
