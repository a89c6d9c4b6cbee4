//! Open-handle counting with real file descriptors. This binary holds a single
//! test, so no other test opens or closes descriptors while it counts.

use std::fs::File;
use std::path::PathBuf;

use leaklint_runtime::{Resource, ResourceTracker};

/// A scratch directory removed on drop, even if the test fails.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("leaklint-runtime-handles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Self(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn opening_500_files_raises_the_handle_count_by_500_and_fires_the_warning() {
    let scratch = ScratchDir::new();
    let baseline_tracker = ResourceTracker::new();
    let before = baseline_tracker.snapshot().open_handles.expect("handle count on this platform");

    let tracker = ResourceTracker::builder().max_open_handles(before + 250).build();
    assert!(!tracker.snapshot().warnings.iter().any(|w| w.resource == Resource::OpenHandles));

    let files: Vec<File> =
        (0..500).map(|i| File::create(scratch.0.join(format!("f{i}"))).expect("create file")).collect();
    let during = tracker.snapshot();
    assert_eq!(during.open_handles, Some(before + 500));
    let warning =
        during.warnings.iter().find(|w| w.resource == Resource::OpenHandles).expect("open-handles warning");
    assert_eq!(warning.value, before + 500);
    assert_eq!(warning.threshold, before + 250);

    drop(files);
    let after = tracker.snapshot();
    assert_eq!(after.open_handles, Some(before));
    assert!(!after.warnings.iter().any(|w| w.resource == Resource::OpenHandles));
}
