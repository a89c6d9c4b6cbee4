//! LL2003: a value that owns a resource is forgotten, leaked or turned into a raw handle that
//! nothing takes back.

use crate::catalogue::{Precision, Severity};
use crate::engine::analyze;
use crate::source::Family;
use crate::{declare_rule, Diagnostic};

use super::items::{owner_of, Owner};
use super::lower::{ForgetCall, Lowered, SiteKind};
use super::suppress::suppression_for;

declare_rule! {
    /// ## What it finds
    /// Values that own an OS resource — std/tokio files, sockets, listeners, `Child` and its
    /// pipes, lock guards and permits, `OwnedFd`, and project types with a `Drop` impl or with
    /// fields that own such resources — whose drop never runs:
    /// `std::mem::forget(x)`, `Box::leak(Box::new(x))`, `ManuallyDrop::new(x)` that is never
    /// dropped, taken or unwrapped, `Box::into_raw(Box::new(x))` and `into_raw_fd()` /
    /// `into_raw_handle()` / `into_raw_socket()` whose result is dropped without being turned back
    /// into an owner (or handed to anything). Forgetting plain data (no drop glue) is not reported.
    ///
    /// ## Why it matters
    /// The resource is never released: the descriptor stays open, the lock stays held, the child
    /// is never reaped. Unlike a leaked allocation, these are scarce (`ulimit -n`, process table).
    ///
    /// ## Example
    /// ```rust
    /// use std::fs::File;
    ///
    /// fn open_log(path: &str) -> std::io::Result<()> {
    ///     let log = File::create(path)?;
    ///     std::mem::forget(log);
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ## Fix
    /// Let the value drop (or keep it where it is needed). For a child process, hand it to
    /// `leaklint_runtime::ProcessManager` (`let handle = manager.adopt(child, "job-42")?;`) instead
    /// of forgetting it. A raw handle must go back into an owner: `OwnedFd::from_raw_fd(fd)`.
    /// ```rust
    /// use std::fs::File;
    ///
    /// fn open_log(path: &str) -> std::io::Result<File> {
    ///     let log = File::create(path)?;
    ///     Ok(log)
    /// }
    /// ```
    pub static LL2003 = {
        name: "forgotten-resource",
        family: Family::Rust,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "A value that owns a resource is forgotten or leaked, so the resource is never released",
        aliases: &["clippy::mem_forget"],
    }
}

/// A finding that may still depend on the project index: `needs_drop_type` names a project type
/// that must have a `Drop` impl (or own a resource) for the finding to stand.
pub struct Pending {
    pub diagnostic: Diagnostic,
    pub needs_drop_type: Option<String>,
}

pub fn pending(forgotten: &[Lowered]) -> Vec<Pending> {
    let mut out = Vec::new();
    for lowered in forgotten {
        out.extend(lowered.forgets.iter().filter_map(forget_finding));
        for leak in analyze(&lowered.body) {
            let Some(site) = lowered.sites.get(leak.res.0 as usize) else { continue };
            let (ty, message) = match &site.kind {
                SiteKind::Spawn => continue,
                SiteKind::ManuallyDrop(ty) => (
                    Some(ty),
                    format!("this `ManuallyDrop<{}>` is never dropped, taken or unwrapped: the {} inside is never released", short(ty), what(ty)),
                ),
                SiteKind::BoxIntoRaw(ty) => (
                    Some(ty),
                    format!("the raw pointer from `Box::into_raw` is never turned back into a `Box`: the {} behind it is never released", what(ty)),
                ),
                SiteKind::IntoRaw(method) => (
                    None,
                    format!("the raw handle from `{method}()` is dropped without being closed or turned back into an owner: it leaks"),
                ),
            };
            let needs_drop_type = match ty.map(|t| owner_of(t)) {
                Some(Some(Owner::Project(name))) => Some(name),
                Some(Some(Owner::Resource)) | None => None,
                Some(None) => continue,
            };
            let mut diagnostic =
                Diagnostic::new(LL2003.code, site.range, message).with_help(help(ty.map(String::as_str)));
            diagnostic.suppressed = suppression_for(&site.allows, LL2003.aliases);
            out.push(Pending { diagnostic, needs_drop_type });
        }
    }
    out
}

fn forget_finding(call: &ForgetCall) -> Option<Pending> {
    let needs_drop_type = match owner_of(&call.ty)? {
        Owner::Resource => None,
        Owner::Project(name) => Some(name),
    };
    let message = format!(
        "`{}` leaks this `{}`: its drop never runs, so the {} is never released",
        call.callee,
        short(&call.ty),
        what(&call.ty)
    );
    let mut diagnostic = Diagnostic::new(LL2003.code, call.range, message).with_help(help(Some(&call.ty)));
    diagnostic.suppressed = suppression_for(&call.allows, LL2003.aliases);
    Some(Pending { diagnostic, needs_drop_type })
}

fn short(ty: &str) -> &str {
    ty.rsplit("::").next().unwrap_or(ty)
}

/// What the type's drop releases, in words.
fn what(ty: &str) -> &'static str {
    let name = short(ty);
    match name {
        "Child" => "child process",
        "File" | "OwnedFd" | "OwnedHandle" | "ChildStdin" | "ChildStdout" | "ChildStderr" | "ReadDir" => {
            "file descriptor"
        }
        "TcpStream" | "TcpListener" | "UdpSocket" | "UnixStream" | "UnixListener" | "UnixDatagram"
        | "OwnedSocket" => "socket",
        _ if name.contains("Guard") => "lock",
        _ if name.contains("Permit") => "semaphore permit",
        _ => "resource it owns",
    }
}

fn help(ty: Option<&str>) -> String {
    match ty.map(short) {
        Some("Child") => "do not forget a child process: hand it to a `leaklint_runtime::ProcessManager` \
(`let handle = manager.adopt(child, \"job-42\")?;`), which reaps it, enforces its deadline and kills it on shutdown — or `wait()` for it"
            .to_string(),
        _ => "let the value drop where it goes out of use (remove the `forget`/`leak`), or keep it in the struct that \
needs it; a raw handle must be turned back into an owner (`OwnedFd::from_raw_fd(fd)`, `File::from_raw_fd(fd)`) or closed"
            .to_string(),
    }
}
