//! Process control where there are no signals (Windows): the job object set
//! up by `process-wrap` is terminated as a whole, there is no graceful stop.

use std::io;
use std::process::ExitStatus;

use process_wrap::std::ChildWrapper;

/// Nothing to drain: a job object takes all its processes down itself.
pub(crate) type GroupId = ();

/// No graceful stop exists: this terminates the job object at once.
pub(crate) fn request_stop(child: &mut dyn ChildWrapper) -> io::Result<()> {
    force_stop(child)
}

/// Terminates the child's job object (or the child itself when adopted).
pub(crate) fn force_stop(child: &mut dyn ChildWrapper) -> io::Result<()> {
    match child.start_kill() {
        // Already exited: access denied / invalid handle are reported then.
        Err(_) if matches!(child.try_wait(), Ok(Some(_))) => Ok(()),
        other => other,
    }
}

/// Checks without blocking whether `child` has exited; see the Unix version.
pub(crate) fn try_reap(
    child: &mut dyn ChildWrapper,
    _grouped: bool,
    _drain: &mut Vec<GroupId>,
) -> io::Result<Option<Option<ExitStatus>>> {
    Ok(child.try_wait()?.map(Some))
}

/// Nothing to do without process groups.
pub(crate) fn drain_groups(groups: &mut Vec<GroupId>) {
    groups.clear();
}

/// Orphan reaping is Linux-only; nothing to do.
pub(crate) fn reap_pid(_pid: u32) {}

/// Child subreapers exist only on Linux.
pub(crate) fn become_subreaper() -> crate::Result<()> {
    Err(crate::Error::Unsupported("child subreaper"))
}

/// Puts the command in a job object of its own, so that terminating the job
/// reaches every process it starts.
pub(crate) fn isolate(command: &mut process_wrap::std::CommandWrap) {
    #[cfg(windows)]
    command.wrap(process_wrap::std::JobObject);
    #[cfg(not(windows))]
    let _ = command;
}
