//! Resource snapshots, warnings, cleanup hooks and sampling, with real processes.

#![cfg(target_os = "linux")]

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use common::{assert_all_gone, ident};
use leaklint_runtime::{ProcessManager, Resource, ResourceTracker};

fn manager() -> Arc<ProcessManager> {
    let manager = ProcessManager::builder()
        .grace_period(Duration::from_millis(200))
        .without_sweeper()
        .build()
        .expect("manager");
    Arc::new(manager)
}

#[test]
fn a_snapshot_has_every_linux_figure_and_serializes_to_json() {
    let tracker = ResourceTracker::new();
    let snapshot = tracker.snapshot();
    assert!(snapshot.open_handles.is_some_and(|n| n >= 3));
    assert!(snapshot.resident_bytes.is_some_and(|n| n > 1 << 20));
    assert!(snapshot.threads.is_some_and(|n| n >= 1));
    assert!(snapshot.processes.os_descendants.is_some());
    assert_eq!(snapshot.processes.tracked, None);
    assert_eq!(snapshot.allocated_bytes, None, "no counting allocator in this binary");

    let json: serde_json::Value = serde_json::from_str(&snapshot.to_json()).expect("valid JSON");
    for key in [
        "timestamp_ms",
        "open_handles",
        "processes",
        "resident_bytes",
        "allocated_bytes",
        "threads",
        "warnings",
    ] {
        assert!(json.get(key).is_some(), "missing {key} in {json}");
    }
    assert!(json["timestamp_ms"].as_u64().is_some_and(|t| t > 1_600_000_000_000));
    assert_eq!(tracker.thresholds().max_open_handles, 1_000);
    assert_eq!(tracker.thresholds().max_processes, 10);
    assert_eq!(tracker.thresholds().max_resident_bytes, 2 << 30);
}

#[test]
fn tracked_and_os_processes_are_counted_and_warned_about() {
    let manager = manager();
    let tracker = ResourceTracker::builder().process_manager(Arc::clone(&manager)).max_processes(2).build();
    let handles: Vec<_> = (0..3)
        .map(|i| manager.spawn(Command::new("sleep").arg("1000"), format!("s{i}")).expect("spawn"))
        .collect();
    let snapshot = tracker.snapshot();
    assert_eq!(snapshot.processes.tracked, Some(3));
    assert!(snapshot.processes.os_descendants.is_some_and(|n| n >= 3));
    let warning =
        snapshot.warnings.iter().find(|w| w.resource == Resource::Processes).expect("process warning");
    assert!(warning.value >= 3 && warning.threshold == 2, "{warning:?}");
    let ids: Vec<_> = handles.iter().map(|h| ident(h.pid())).collect();
    assert!(manager.kill_all().is_empty());
    assert_all_gone(&ids);
}

#[test]
fn cleanup_sweeps_the_manager_runs_the_hooks_and_reports_after() {
    let manager = manager();
    let tracker = ResourceTracker::builder().process_manager(Arc::clone(&manager)).build();
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    tracker.add_cleanup_hook("count", move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    tracker.add_cleanup_hook("panics", || panic!("a broken hook"));
    let counter = Arc::clone(&runs);
    tracker.add_cleanup_hook("runs after the broken one", move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(
        tracker.cleanup_hooks(),
        ["process manager sweep", "count", "panics", "runs after the broken one"]
    );

    let handle = manager
        .spawn_with_timeout(Command::new("sleep").arg("1000"), "overdue", Duration::ZERO)
        .expect("spawn");
    let id = ident(handle.pid());
    let after = tracker.cleanup();
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(after.processes.tracked, Some(0));
    assert_all_gone(&[id]);
}

#[test]
fn sampling_calls_back_periodically_until_stopped() {
    let tracker = Arc::new(ResourceTracker::new());
    let (tx, rx) = mpsc::channel();
    let sampling = tracker
        .start_sampling(Duration::from_millis(20), move |snapshot| {
            let _ = tx.send(snapshot.timestamp);
        })
        .expect("start sampling");
    let first = rx.recv_timeout(Duration::from_secs(10)).expect("first sample");
    let second = rx.recv_timeout(Duration::from_secs(10)).expect("second sample");
    assert!(second >= first);
    sampling.stop();
    // The sender went away with the thread: the channel drains and closes.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while rx.recv_timeout(Duration::from_millis(100)).is_ok() {
        assert!(std::time::Instant::now() < deadline, "sampling did not stop");
    }
}
