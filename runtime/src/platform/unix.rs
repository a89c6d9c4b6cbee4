//! Process control on Unix: signals to whole process groups, exit checks
//! that peek before they reap, and draining of reparented group members.

use std::io;
use std::process::ExitStatus;

use process_wrap::std::ChildWrapper;
use rustix::io::Errno;
use rustix::process::{self, Pid, Signal, WaitId, WaitIdOptions, WaitOptions};

/// A process group whose leader has been reaped but whose other members may
/// still have to be reaped by us (when we are their subreaper).
pub(crate) type GroupId = Pid;

fn pid_of(child: &dyn ChildWrapper) -> io::Result<Pid> {
    i32::try_from(child.id())
        .ok()
        .and_then(Pid::from_raw)
        .ok_or_else(|| io::Error::other(format!("invalid pid {}", child.id())))
}

/// Treats "no such process" as success: the target is already gone.
fn ignore_gone(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if Errno::from_io_error(&e) == Some(Errno::SRCH) => Ok(()),
        other => other,
    }
}

/// Asks the child (its whole group when it leads one) to stop: SIGTERM.
pub(crate) fn request_stop(child: &mut dyn ChildWrapper) -> io::Result<()> {
    ignore_gone(child.signal(Signal::TERM.as_raw()))
}

/// Forces the child (its whole group when it leads one) to stop: SIGKILL.
pub(crate) fn force_stop(child: &mut dyn ChildWrapper) -> io::Result<()> {
    ignore_gone(child.start_kill())
}

/// Checks without blocking whether `child` has exited, and if so reaps it.
///
/// Returns `Ok(None)` while it runs, `Ok(Some(Some(status)))` once reaped and
/// `Ok(Some(None))` when something outside this crate reaped it first.
///
/// The exit is first *peeked at* (`waitid` with `WNOWAIT`), so while we act
/// on it the leader is still a zombie and its pid cannot be reused. For a
/// group leader (`grouped`), whatever is left of its process group is then
/// SIGKILLed — a finished job leaves no stragglers — and the group is pushed
/// onto `drain` so that members reparented to us are reaped later.
pub(crate) fn try_reap(
    child: &mut dyn ChildWrapper,
    grouped: bool,
    drain: &mut Vec<GroupId>,
) -> io::Result<Option<Option<ExitStatus>>> {
    let pid = pid_of(child)?;
    let peek = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
    match process::waitid(WaitId::Pid(pid), peek) {
        Ok(None) => return Ok(None),
        Ok(Some(_)) => {}
        Err(Errno::CHILD) => return Ok(Some(None)),
        Err(e) => return Err(e.into()),
    }
    if grouped {
        ignore_gone(process::kill_process_group(pid, Signal::KILL).map_err(Into::into))?;
        drain.push(pid);
    }
    // The innermost layer is the std `Child`: reap exactly this pid (the
    // process-group layer's `try_wait` would also wait on the group).
    match child.inner_mut().try_wait() {
        Ok(status) => Ok(Some(status)),
        Err(e) if Errno::from_io_error(&e) == Some(Errno::CHILD) => Ok(Some(None)),
        Err(e) => Err(e),
    }
}

/// Reaps every already-exited member of the listed groups that is our child
/// (members of killed jobs reparented to us as subreaper) and drops the
/// groups that have no child of ours left.
pub(crate) fn drain_groups(groups: &mut Vec<GroupId>) {
    groups.retain(|&pgid| loop {
        match process::waitpgid(pgid, WaitOptions::NOHANG) {
            Ok(Some(_)) => continue,
            Ok(None) => break true,
            Err(_) => break false,
        }
    });
}

/// Reaps child `pid` if it has exited (for orphans reparented to us).
pub(crate) fn reap_pid(pid: u32) {
    if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
        let _ = process::waitpid(Some(pid), WaitOptions::NOHANG);
    }
}

/// Makes this process a child subreaper: orphaned descendants are reparented
/// to it rather than to init, so the manager can reap them.
#[cfg(target_os = "linux")]
pub(crate) fn become_subreaper() -> crate::Result<()> {
    process::set_child_subreaper(Some(process::getpid())).map_err(|e| crate::Error::Io(e.into()))
}

/// Child subreapers exist only on Linux.
#[cfg(not(target_os = "linux"))]
pub(crate) fn become_subreaper() -> crate::Result<()> {
    Err(crate::Error::Unsupported("child subreaper"))
}

/// Puts the command in a process group of its own, led by the child, so that
/// a signal to the group reaches every process the job starts.
pub(crate) fn isolate(command: &mut process_wrap::std::CommandWrap) {
    command.wrap(process_wrap::std::ProcessGroup::leader());
}
