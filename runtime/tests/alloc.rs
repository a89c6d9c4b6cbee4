//! The counting global allocator. This binary installs it and holds a single
//! test, so nothing else allocates large amounts while it measures.

use leaklint_runtime::{
    allocated_bytes, peak_allocated_bytes, CountingAllocator, Resource, ResourceTracker, Thresholds,
};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::system();

const HUNDRED_MB: u64 = 100 * 1000 * 1000;
/// Room for whatever the test harness allocates meanwhile.
const SLACK: u64 = 4 << 20;

#[test]
fn a_100_mb_allocation_is_reported() {
    let before = allocated_bytes().expect("allocator installed");
    let buffer = vec![7u8; HUNDRED_MB as usize];
    let during = allocated_bytes().expect("allocator installed");
    assert!(during >= before + HUNDRED_MB, "before {before}, during {during}");
    assert!(during <= before + HUNDRED_MB + SLACK, "before {before}, during {during}");
    assert!(peak_allocated_bytes().is_some_and(|p| p >= during));

    let tracker = ResourceTracker::builder()
        .thresholds(Thresholds { max_allocated_bytes: Some(HUNDRED_MB / 2), ..Thresholds::default() })
        .build();
    let snapshot = tracker.snapshot();
    assert!(snapshot.allocated_bytes.is_some_and(|n| n >= HUNDRED_MB));
    assert!(snapshot.warnings.iter().any(|w| w.resource == Resource::AllocatedMemory));
    // The buffer is resident too (it was written to).
    assert!(snapshot.resident_bytes.is_some_and(|n| n >= HUNDRED_MB));

    assert_eq!(buffer.iter().map(|&b| u64::from(b)).sum::<u64>(), 7 * HUNDRED_MB);
    drop(buffer);
    let after = allocated_bytes().expect("allocator installed");
    assert!(after <= before + SLACK, "before {before}, during {during}, after {after}");
}
