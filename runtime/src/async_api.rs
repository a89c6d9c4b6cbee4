//! Async counterparts of the blocking calls (feature `tokio`). Waiting polls
//! with Tokio timers; stopping runs the blocking protocol on Tokio's blocking
//! pool. They need a Tokio runtime with timers enabled.

use std::process::ExitStatus;

use crate::registry::Backoff;
use crate::{Error, ProcessHandle, ProcessManager, Result, SweepReport};

fn join_error(e: tokio::task::JoinError) -> Error {
    Error::Io(std::io::Error::other(e))
}

impl ProcessHandle {
    /// Async [`wait`](Self::wait): resolves when the process exits (reaped
    /// and unregistered), without blocking a runtime thread.
    ///
    /// # Errors
    ///
    /// As for [`wait`](Self::wait).
    pub async fn wait_async(&self) -> Result<ExitStatus> {
        let mut backoff = Backoff::new();
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            tokio::time::sleep(backoff.next()).await;
        }
    }

    /// Async [`kill`](Self::kill).
    ///
    /// # Errors
    ///
    /// As for [`kill`](Self::kill).
    pub async fn kill_async(&self) -> Result<()> {
        let (shared, target) = (self.shared().clone(), self.target().clone());
        tokio::task::spawn_blocking(move || shared.stop_one(target)).await.map_err(join_error)?
    }
}

impl ProcessManager {
    /// Async [`sweep_now`](Self::sweep_now).
    ///
    /// # Errors
    ///
    /// Only if the blocking task panicked.
    pub async fn sweep_async(&self) -> Result<SweepReport> {
        let shared = self.shared().clone();
        tokio::task::spawn_blocking(move || shared.sweep()).await.map_err(join_error)
    }

    /// Async [`kill_all`](Self::kill_all).
    ///
    /// # Errors
    ///
    /// Only if the blocking task panicked.
    pub async fn kill_all_async(&self) -> Result<Vec<u32>> {
        let shared = self.shared().clone();
        tokio::task::spawn_blocking(move || shared.stop_all()).await.map_err(join_error)
    }
}
