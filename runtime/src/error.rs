//! The crate's error type.

use std::io;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused to start the command.
    #[error("failed to spawn job {job_id:?}: {source}")]
    Spawn {
        /// The job the process was meant to run.
        job_id: String,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// No process with this pid is tracked by this manager (it was never
    /// tracked, or it has already been reaped and unregistered).
    #[error("process {0} is not tracked by this manager")]
    NotTracked(u32),
    /// The process was reaped by code outside this manager (for example a
    /// `waitpid(-1)` elsewhere in the program), so its exit status is lost.
    #[error("process {0} was reaped elsewhere; its exit status is unknown")]
    StatusUnavailable(u32),
    /// The process survived SIGKILL for longer than the kill timeout (it may
    /// be stuck in the kernel). It stays tracked; later sweeps retry.
    #[error("process {0} did not exit after SIGKILL; it stays tracked")]
    StillRunning(u32),
    /// The manager has been shut down and accepts no new processes.
    #[error("the process manager has been shut down")]
    ShutDown,
    /// The feature is not available on this operating system.
    #[error("{0} is not supported on this platform")]
    Unsupported(&'static str),
    /// Any other operating-system error (signalling, waiting, reading `/proc`, threads).
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Shorthand for `Result<T, leaklint_runtime::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
