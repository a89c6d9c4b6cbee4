//! Orphan reaping as subreaper. Reaping takes *any* untracked zombie child of
//! the process, so this binary holds a single test: no other test's children
//! can be taken.

#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{assert_all_gone, eventually, ident, stat};
use leaklint_runtime::ProcessManager;

#[test]
fn orphans_that_left_the_job_group_are_reaped_by_sweeps() {
    let manager = ProcessManager::builder()
        .child_subreaper(true)
        .reap_orphans(true)
        .without_sweeper()
        .grace_period(Duration::from_millis(200))
        .build()
        .expect("manager");
    // The job starts a helper in a session (and group) of its own, then exits:
    // the helper is reparented to us and its group is not the job's.
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "setsid sleep 0.3 & echo $!"]).stdout(Stdio::piped());
    let job = manager.spawn(&mut cmd, "escaper").expect("spawn");
    let stdout = job.take_stdout().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read pid");
    let orphan: u32 = line.trim().parse().expect("orphan pid");
    let orphan_id = ident(orphan);
    assert!(job.wait().expect("job status").success());

    let me = std::process::id();
    assert!(
        eventually(Duration::from_secs(20), || stat(orphan).is_some_and(|s| s.state == 'Z' && s.ppid == me)),
        "the helper never became our zombie: {:?}",
        stat(orphan)
    );
    let first = manager.sweep_now();
    assert_eq!(first.orphans_reaped, 0, "a zombie is only reaped at the second sweep that sees it");
    let second = manager.sweep_now();
    assert_eq!(second.orphans_reaped, 1);
    assert_all_gone(&[orphan_id]);
}
