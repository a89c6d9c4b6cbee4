//! The async API (feature `tokio`) against real processes.

#![cfg(target_os = "linux")]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::Duration;

use leaklint_runtime::ProcessManager;

fn manager() -> ProcessManager {
    ProcessManager::builder()
        .grace_period(Duration::from_millis(200))
        .without_sweeper()
        .build()
        .expect("manager")
}

#[tokio::test]
async fn wait_async_resolves_when_the_process_exits() {
    let manager = manager();
    let handle =
        manager.spawn(Command::new("sh").args(["-c", "sleep 0.2; exit 5"]), "async-exit").expect("spawn");
    let status = tokio::time::timeout(Duration::from_secs(30), handle.wait_async())
        .await
        .expect("in time")
        .expect("status");
    assert_eq!(status.code(), Some(5));
    assert_eq!(manager.count(), 0);
}

#[tokio::test]
async fn kill_async_and_sweep_async_stop_processes() {
    let manager = manager();
    let killed = manager.spawn(Command::new("sleep").arg("1000"), "to-kill").expect("spawn");
    let overdue = manager
        .spawn_with_timeout(Command::new("sleep").arg("1000"), "overdue", Duration::ZERO)
        .expect("spawn");
    let ids = [common::ident(killed.pid()), common::ident(overdue.pid())];

    tokio::time::timeout(Duration::from_secs(30), killed.kill_async()).await.expect("in time").expect("kill");
    let report = tokio::time::timeout(Duration::from_secs(30), manager.sweep_async())
        .await
        .expect("in time")
        .expect("sweep");
    assert_eq!(report.timed_out.len(), 1);
    assert_eq!(overdue.wait_async().await.expect("status").signal(), Some(15));
    assert!(manager.kill_all_async().await.expect("kill all").is_empty());
    common::assert_all_gone(&ids);
}
