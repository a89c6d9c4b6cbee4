//! An ffmpeg-style job runner, with `sh` and `sleep` standing in for ffmpeg so
//! that it runs anywhere with a POSIX shell and finishes in about a second.
//!
//! It runs four "transcodes" on worker threads: one that reports progress on
//! stderr and succeeds, one that fails, one that hangs past its deadline (the
//! sweeper stops it) and one that starts helpers of its own and is cancelled
//! (its whole process tree goes). A tracker samples resources meanwhile.
//!
//! ```text
//! cargo run -p leaklint-runtime --example job_runner
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use leaklint_runtime::{Error, ProcessHandle, ProcessManager, ResourceTracker};

/// Stand-in for `ffmpeg -i input output`: prints `frame=N` lines on stderr.
fn fake_ffmpeg(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]).stdin(Stdio::null()).stderr(Stdio::piped());
    command
}

/// Waits for the job, relaying its progress lines, and describes how it ended.
fn follow(job: &ProcessHandle) -> Result<String, Error> {
    if let Some(stderr) = job.take_stderr() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            println!("  [{}] {line}", job.job_id());
        }
    }
    let status = job.wait()?;
    Ok(match status.code() {
        Some(0) => "done".to_owned(),
        Some(code) => format!("failed with exit code {code}"),
        None => format!("stopped ({status})"),
    })
}

fn main() -> Result<(), Error> {
    let manager = Arc::new(
        ProcessManager::builder()
            .sweep_interval(Duration::from_millis(100))
            .grace_period(Duration::from_millis(300))
            .child_subreaper(cfg!(target_os = "linux"))
            .build()?,
    );
    let tracker =
        Arc::new(ResourceTracker::builder().process_manager(Arc::clone(&manager)).max_processes(3).build());
    let sampling = tracker
        .start_sampling(Duration::from_millis(250), |snapshot| {
            for warning in &snapshot.warnings {
                println!("  (sampler) warning: {}", warning.message);
            }
        })
        .map_err(Error::Io)?;

    let jobs = [
        ("transcode-ok", "for i in 1 2 3; do echo frame=$i >&2; sleep 0.1; done", None),
        ("transcode-bad", "echo 'invalid data found' >&2; exit 1", None),
        ("transcode-hung", "echo frame=1 >&2; exec sleep 30", Some(Duration::from_millis(400))),
        ("transcode-cancelled", "sleep 30 & sleep 30 & echo frame=1 >&2; wait", None),
    ];
    let mut workers = Vec::new();
    for (job_id, script, timeout) in jobs {
        let mut command = fake_ffmpeg(script);
        let job = match timeout {
            Some(timeout) => manager.spawn_with_timeout(&mut command, job_id, timeout)?,
            None => manager.spawn(&mut command, job_id)?,
        };
        println!("started {job_id} as pid {}", job.pid());
        if job_id == "transcode-cancelled" {
            let job = job.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(300));
                println!("cancelling {}", job.job_id());
                if let Err(e) = job.kill() {
                    eprintln!("cancel failed: {e}");
                }
            });
        }
        workers.push(thread::spawn(move || (job.job_id().to_owned(), follow(&job))));
    }

    for info in manager.tracked() {
        println!("tracking {} (pid {}): {:?}", info.job_id, info.pid, info.state);
    }
    for worker in workers {
        match worker.join() {
            Ok((job_id, Ok(outcome))) => println!("{job_id}: {outcome}"),
            Ok((job_id, Err(e))) => println!("{job_id}: error: {e}"),
            Err(_) => println!("a worker panicked"),
        }
    }

    sampling.stop();
    let after = tracker.cleanup();
    println!("after cleanup: {}", after.to_json());
    println!("still tracked: {}", manager.count());
    // Dropping the manager (here, the last Arc) stops anything left.
    Ok(())
}
