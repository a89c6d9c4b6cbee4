//! The fixes the Rust rules suggest are real code: the clean fixtures that write them out
//! compile here against `leaklint-runtime` (and the fixtures harness shows leaklint finds
//! nothing in them).

#[allow(dead_code)]
#[path = "../fixtures/rust/LL2001/runtime_fix_clean.rs"]
mod ll2001_runtime_fix;

#[allow(dead_code)]
#[path = "../fixtures/rust/LL2002/worker_pool_clean.rs"]
mod ll2002_worker_pool;

#[test]
fn the_suggested_runtime_fix_runs_and_leaves_no_process() {
    let manager = leaklint_runtime::ProcessManager::new();
    let child = std::process::Command::new("true").spawn().expect("spawn `true`");
    let handle = manager.adopt(child, "job-42").expect("adopt");
    assert!(handle.wait().expect("wait").success());
    assert_eq!(manager.count(), 0, "a waited job is unregistered");
}
