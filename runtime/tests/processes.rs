//! The process manager against real processes: `sleep`, `sh -c` trees with
//! grandchildren, TERM-trapping children. Every test checks `/proc` by pid
//! *and* start time, so concurrent tests and pid reuse cannot fool it.

#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{assert_all_gone, eventually, group_members, ident, Ident};
use leaklint_runtime::{Error, ProcessManager, ProcessState};

const GRACE: Duration = Duration::from_millis(300);

fn manager() -> ProcessManager {
    ProcessManager::builder().grace_period(GRACE).build().expect("manager")
}

fn sleep_cmd() -> Command {
    let mut cmd = Command::new("sleep");
    cmd.arg("1000");
    cmd
}

/// Spawns `sh -c script`, waits until its group has `members` processes and
/// returns the shell's pid and the group's processes.
fn spawn_tree(manager: &ProcessManager, job: &str, script: &str, members: usize) -> (u32, Vec<Ident>) {
    let handle = manager.spawn(Command::new("sh").args(["-c", script]), job).expect("spawn sh");
    let ready = eventually(Duration::from_secs(20), || group_members(handle.pid()).len() >= members);
    let ids = group_members(handle.pid());
    assert!(ready, "tree {job} never reached {members} members: {ids:?}");
    (handle.pid(), ids)
}

#[test]
fn dropping_the_manager_leaves_none_of_200_sleeps() {
    let manager = manager();
    let ids: Vec<Ident> = (0..200)
        .map(|i| {
            let handle = manager.spawn(&mut sleep_cmd(), format!("sleep-{i}")).expect("spawn sleep");
            assert_eq!(handle.job_id(), format!("sleep-{i}"));
            ident(handle.pid())
        })
        .collect();
    assert_eq!(manager.count(), 200);
    assert_eq!(manager.tracked().len(), 200);

    let started = Instant::now();
    drop(manager);
    assert!(started.elapsed() < Duration::from_secs(30), "shutdown took {:?}", started.elapsed());
    assert_all_gone(&ids);
}

#[test]
fn dropping_the_manager_takes_down_sh_trees_and_reaps_grandchildren() {
    let manager =
        ProcessManager::builder().grace_period(GRACE).child_subreaper(true).build().expect("manager");
    let mut ids = Vec::new();
    for i in 0..5 {
        // The shell plus two background grandchildren, all in the job's group.
        ids.extend(spawn_tree(&manager, &format!("tree-{i}"), "sleep 1000 & sleep 1000 & wait", 3).1);
    }
    drop(manager);
    assert_all_gone(&ids);
}

#[test]
fn a_child_that_traps_term_is_killed_after_the_grace_period() {
    let manager = manager();
    let mut cmd = Command::new("sh");
    // Ignored signals stay ignored across exec: the whole group ignores TERM.
    cmd.args(["-c", "trap '' TERM; echo ready; exec sleep 1000"]).stdout(Stdio::piped());
    let handle = manager.spawn(&mut cmd, "stubborn").expect("spawn");
    let stdout = handle.take_stdout().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read ready");
    assert_eq!(line.trim(), "ready");
    let id = ident(handle.pid());

    let started = Instant::now();
    manager.kill(handle.pid()).expect("kill");
    let took = started.elapsed();
    assert!(took >= GRACE, "killed after {took:?}, before the grace period");
    assert!(took < GRACE + Duration::from_secs(10), "kill took {took:?}");
    assert_all_gone(&[id]);
    assert!(!handle.is_tracked());
    let status = handle.wait().expect("status kept for the handle");
    assert_eq!(status.signal(), Some(9), "expected SIGKILL, got {status:?}");
}

#[test]
fn the_sweeper_kills_a_timed_out_child() {
    let manager = ProcessManager::builder()
        .grace_period(GRACE)
        .sweep_interval(Duration::from_millis(50))
        .build()
        .expect("manager");
    let handle =
        manager.spawn_with_timeout(&mut sleep_cmd(), "too-slow", Duration::from_millis(200)).expect("spawn");
    let id = ident(handle.pid());
    assert!(eventually(Duration::from_secs(20), || !handle.is_tracked()), "sweeper never stopped it");
    assert_all_gone(&[id]);
    let status = handle.wait().expect("status");
    assert_eq!(status.signal(), Some(15), "expected SIGTERM, got {status:?}");
    assert_eq!(manager.count(), 0);
}

#[test]
fn sweep_now_reaps_exited_jobs_and_stops_overdue_ones() {
    let manager = ProcessManager::builder().grace_period(GRACE).without_sweeper().build().expect("manager");
    assert!(!manager.has_sweeper());
    let done = manager.spawn(&mut Command::new("true"), "done").expect("spawn true");
    let overdue = manager
        .spawn_with_timeout(&mut sleep_cmd(), "overdue", Duration::from_millis(100))
        .expect("spawn sleep");
    let ids = [ident(done.pid()), ident(overdue.pid())];
    assert!(eventually(Duration::from_secs(10), || common::stat(done.pid()).is_some_and(|s| s.state == 'Z')));
    assert!(eventually(Duration::from_secs(10), || manager
        .tracked()
        .iter()
        .any(|p| p.pid == overdue.pid() && p.state == ProcessState::Overdue)));

    let report = manager.sweep_now();
    // `tracked()` above may already have reaped the finished job.
    assert!(report.exited.iter().all(|j| j.job_id == "done"));
    assert_eq!(report.timed_out.len(), 1);
    assert_eq!(report.timed_out[0].job_id, "overdue");
    assert_eq!(report.still_tracked, 0);
    assert_all_gone(&ids);
    assert!(done.wait().expect("status").success());
}

#[test]
fn a_finished_job_leaves_no_stragglers_in_its_group() {
    let manager = ProcessManager::builder()
        .grace_period(GRACE)
        .child_subreaper(true)
        .without_sweeper()
        .build()
        .expect("manager");
    let (leader, ids) = spawn_tree(&manager, "leaves-a-child", "sleep 1000 & sleep 0.2", 2);
    assert!(eventually(Duration::from_secs(20), || {
        manager.sweep_now();
        manager.count() == 0
    }));
    manager.shutdown();
    assert_all_gone(&ids);
    assert!(matches!(manager.wait(leader), Err(Error::NotTracked(_))));
}

#[test]
fn wait_returns_the_status_and_unregisters() {
    let manager = manager();
    let handle =
        manager.spawn(Command::new("sh").args(["-c", "sleep 0.1; exit 3"]), "exit-3").expect("spawn");
    let pid = handle.pid();
    assert_eq!(handle.try_wait().expect("try_wait"), None);
    assert_eq!(manager.wait(pid).expect("wait").code(), Some(3));
    assert_eq!(manager.count(), 0);
    assert_eq!(handle.wait().expect("again through the handle").code(), Some(3));
    assert!(matches!(manager.wait(pid), Err(Error::NotTracked(p)) if p == pid));
    assert!(matches!(manager.kill(pid), Err(Error::NotTracked(_))));
}

#[test]
fn wait_timeout_gives_up_and_keeps_tracking() {
    let manager = manager();
    let handle = manager.spawn(&mut sleep_cmd(), "long").expect("spawn");
    assert_eq!(handle.wait_timeout(Duration::from_millis(50)).expect("wait"), None);
    assert!(handle.is_tracked());
    handle.kill().expect("kill");
    assert!(!handle.is_tracked());
    handle.kill().expect("killing again is fine");
}

#[test]
fn adopt_tracks_a_child_spawned_elsewhere() {
    let manager = manager();
    let child = sleep_cmd().spawn().expect("spawn");
    let id = ident(child.id());
    let handle = manager.adopt(child, "adopted").expect("adopt");
    let info = manager.tracked();
    assert_eq!(info.len(), 1);
    assert_eq!(info[0].job_id, "adopted");
    assert_eq!(info[0].state, ProcessState::Running);
    assert!(info[0].deadline.is_some_and(|d| d > info[0].started));
    handle.kill().expect("kill");
    assert_all_gone(&[id]);
}

#[test]
fn the_command_is_left_reusable_and_spawn_errors_are_reported() {
    let manager = manager();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "exit 7"]);
    for _ in 0..2 {
        let handle = manager.spawn(&mut cmd, "twice").expect("spawn");
        assert_eq!(handle.wait().expect("wait").code(), Some(7));
    }
    let err = manager
        .spawn(&mut Command::new("/nonexistent/leaklint-test-binary"), "missing")
        .expect_err("must fail");
    assert!(matches!(err, Error::Spawn { ref job_id, .. } if job_id == "missing"), "{err}");
    assert_eq!(manager.count(), 0);
}

#[test]
fn after_shutdown_nothing_new_is_accepted() {
    let manager = manager();
    manager.shutdown();
    assert!(matches!(manager.spawn(&mut sleep_cmd(), "late"), Err(Error::ShutDown)));
    let child = sleep_cmd().spawn().expect("spawn");
    let id = ident(child.id());
    assert!(matches!(manager.adopt(child, "late"), Err(Error::ShutDown)));
    assert_all_gone(&[id]);
}

#[test]
fn a_panic_in_user_code_leaves_no_processes() {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let manager = manager();
        for i in 0..3 {
            let handle = manager.spawn(&mut sleep_cmd(), format!("job-{i}")).expect("spawn");
            tx.send(ident(handle.pid())).expect("send");
        }
        panic!("user code failed mid-job");
    });
    assert!(worker.join().is_err());
    let ids: Vec<Ident> = rx.iter().collect();
    assert_eq!(ids.len(), 3);
    assert_all_gone(&ids);
}

#[test]
fn sixteen_threads_spawn_and_kill_concurrently() {
    let manager = Arc::new(manager());
    let workers: Vec<_> = (0..16)
        .map(|t| {
            let manager = Arc::clone(&manager);
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for i in 0..8 {
                    let handle = manager.spawn(&mut sleep_cmd(), format!("t{t}-{i}")).expect("spawn");
                    ids.push(ident(handle.pid()));
                    match i % 3 {
                        0 => manager.kill(handle.pid()).expect("kill by pid"),
                        1 => handle.kill().expect("kill by handle"),
                        _ => {} // left for kill_all
                    }
                    let _ = manager.tracked();
                    let _ = manager.sweep_now();
                }
                ids
            })
        })
        .collect();
    let ids: Vec<Ident> = workers.into_iter().flat_map(|w| w.join().expect("worker panicked")).collect();
    assert_eq!(ids.len(), 128);
    // 2 of every 8 per thread were left running.
    assert_eq!(manager.count(), 16 * 2);
    assert!(manager.kill_all().is_empty());
    assert_eq!(manager.count(), 0);
    assert_all_gone(&ids);
}
