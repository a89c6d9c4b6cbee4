//! # leaklint-runtime
//!
//! What a long-running program that starts external processes needs so that
//! nothing piles up: the runtime companion of the leaklint resource-leak
//! linter, whose Rust rules point their fixes here.
//!
//! * [`ProcessManager`] starts each job in a process group of its own (a job
//!   object on Windows), tracks it with a deadline, and guarantees that no
//!   job outlives its deadline or the manager, and that none is left a
//!   zombie. A sweeper thread stops overdue jobs (SIGTERM to the whole group,
//!   a grace period, SIGKILL) and reaps finished ones.
//! * [`ResourceTracker`] takes [`ResourceSnapshot`]s — open handles, child
//!   processes, resident memory, allocated bytes (with the
//!   [`CountingAllocator`]), threads — and warns when one passes its
//!   threshold; it can sample periodically and run cleanup hooks.
//! * [`http`] (feature `http`) serves snapshots, cleanup and the process list
//!   as JSON diagnostics endpoints on axum.
//! * Feature `tokio` adds async waiting and stopping
//!   ([`ProcessHandle::wait_async`] and friends).
//!
//! Linux is fully supported (`/proc` for the figures, an optional child
//! subreaper for grandchildren of killed jobs). macOS shares the process
//! control and gets its figures from `sysinfo`; Windows uses job objects and
//! `sysinfo`. A figure a platform lacks is `None`.
//!
//! ## Example: an ffmpeg job runner
//!
//! A service that transcodes uploads with ffmpeg, several jobs at once, each
//! allowed two hours, with a diagnostics view of its resources:
//!
//! ```no_run
//! use std::process::{Command, Stdio};
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use leaklint_runtime::{Error, ProcessManager, ResourceTracker};
//!
//! fn transcode(manager: &ProcessManager, job_id: &str, input: &str, output: &str) -> Result<bool, Error> {
//!     let mut ffmpeg = Command::new("ffmpeg");
//!     ffmpeg.args(["-nostdin", "-y", "-i", input, output]).stdin(Stdio::null());
//!     // Its own process group, a two-hour deadline, tracked until reaped.
//!     let job = manager.spawn_with_timeout(&mut ffmpeg, job_id, Duration::from_secs(2 * 3600))?;
//!     // Blocks until ffmpeg exits, reaps it and unregisters it. Were the
//!     // deadline to pass first, the sweeper would stop ffmpeg and everything
//!     // it started, and this would return the signal status.
//!     Ok(job.wait()?.success())
//! }
//!
//! fn main() -> Result<(), Error> {
//!     let manager = Arc::new(
//!         ProcessManager::builder()
//!             .sweep_interval(Duration::from_secs(60))
//!             .grace_period(Duration::from_secs(10)) // time for ffmpeg to finish the file
//!             .child_subreaper(cfg!(target_os = "linux")) // we may be PID 1 in a container
//!             .build()?,
//!     );
//!     let tracker = ResourceTracker::builder()
//!         .process_manager(Arc::clone(&manager))
//!         .max_processes(8)
//!         .build();
//!
//!     let uploads = [("job-1", "a.mov", "a.webm"), ("job-2", "b.mov", "b.webm")];
//!     let workers: Vec<_> = uploads
//!         .into_iter()
//!         .map(|(job_id, input, output)| {
//!             let manager = Arc::clone(&manager);
//!             std::thread::spawn(move || transcode(&manager, job_id, input, output))
//!         })
//!         .collect();
//!
//!     for info in manager.tracked() {
//!         println!("{} (pid {}) is {:?}", info.job_id, info.pid, info.state);
//!     }
//!     for warning in tracker.snapshot().warnings {
//!         eprintln!("warning: {}", warning.message);
//!     }
//!     for worker in workers {
//!         match worker.join() {
//!             Ok(Ok(ok)) => println!("transcode finished, success: {ok}"),
//!             Ok(Err(e)) => eprintln!("transcode failed: {e}"),
//!             Err(_) => eprintln!("worker panicked; its ffmpeg is still tracked"),
//!         }
//!     }
//!     // Dropping the last `Arc` shuts the manager down: anything still
//!     // running is stopped and reaped, the sweeper thread joined. That also
//!     // happens when a panic unwinds through here.
//!     Ok(())
//! }
//! ```
//!
//! `examples/job_runner.rs` is a runnable version that uses `sh` and `sleep`
//! in place of ffmpeg.

#![warn(missing_docs)]

mod alloc;
#[cfg(feature = "tokio")]
mod async_api;
mod error;
mod handle;
#[cfg(feature = "http")]
pub mod http;
mod info;
mod manager;
mod periodic;
mod platform;
mod registry;
mod tracker;

pub use alloc::{allocated_bytes, peak_allocated_bytes, CountingAllocator};
pub use error::{Error, Result};
pub use handle::ProcessHandle;
pub use info::{JobRef, ProcessInfo, ProcessState, SweepReport};
pub use manager::{
    ProcessManager, ProcessManagerBuilder, DEFAULT_GRACE_PERIOD, DEFAULT_SWEEP_INTERVAL, DEFAULT_TIMEOUT,
};
pub use tracker::{
    ProcessCounts, Resource, ResourceSnapshot, ResourceTracker, ResourceTrackerBuilder, ResourceWarning,
    Sampling, Thresholds,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn shared_types_are_send_and_sync() {
        assert_send_sync::<ProcessManager>();
        assert_send_sync::<ProcessHandle>();
        assert_send_sync::<ResourceTracker>();
    }
}
