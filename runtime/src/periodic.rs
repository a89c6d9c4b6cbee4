//! Background threads that run a task at a fixed interval until stopped:
//! the manager's sweeper and the tracker's sampler.

use std::io;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

type StopFlag = Arc<(Mutex<bool>, Condvar)>;

/// A thread running a task every `interval`; stopping (or dropping) it ends
/// and joins the thread, after any run in progress.
pub(crate) struct Periodic {
    stop: StopFlag,
    thread: Option<JoinHandle<()>>,
}

impl Periodic {
    /// Starts thread `name` running `task` every `interval` (first run after one interval).
    pub(crate) fn start(
        name: &str,
        interval: Duration,
        mut task: impl FnMut() + Send + 'static,
    ) -> io::Result<Self> {
        let stop = StopFlag::default();
        let signal = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || {
            while !wait_for_stop(&signal, interval) {
                task();
            }
        })?;
        Ok(Self { stop, thread: Some(thread) })
    }

    /// Asks the thread to finish and joins it.
    pub(crate) fn stop(&mut self) {
        let (flag, condvar) = &*self.stop;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        condvar.notify_all();
        if let Some(thread) = self.thread.take() {
            // A panic in the task already ended the thread; nothing to add.
            let _ = thread.join();
        }
    }
}

impl Drop for Periodic {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sleeps up to `interval`; returns `true` as soon as a stop is requested.
fn wait_for_stop(stop: &(Mutex<bool>, Condvar), interval: Duration) -> bool {
    let (flag, condvar) = stop;
    let deadline = Instant::now().checked_add(interval);
    let mut stopped = flag.lock().unwrap_or_else(PoisonError::into_inner);
    while !*stopped {
        let remaining = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(remaining) if !remaining.is_zero() => remaining,
                _ => return false,
            },
            None => Duration::from_secs(3600),
        };
        stopped = condvar.wait_timeout(stopped, remaining).unwrap_or_else(PoisonError::into_inner).0;
    }
    true
}
