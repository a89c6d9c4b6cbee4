//! LL2002: a type that owns a `Child` but has no `Drop` impl anywhere in the project.

use crate::catalogue::{Precision, Severity};
use crate::source::Family;
use crate::{declare_rule, Diagnostic};

use super::index::Index;
use super::items::ChildOwner;
use super::suppress::suppression_for;

declare_rule! {
    /// ## What it finds
    /// A struct or enum with a field that owns a `std::process::Child` or
    /// `tokio::process::Child` — directly or inside `Option`, `Vec`, `HashMap` values, `Box`,
    /// `Arc<Mutex<..>>`, tuples, arrays — for which no `impl Drop` exists anywhere in the
    /// project (any file, any module). Fields holding a `leaklint_runtime::ProcessManager` or
    /// `ProcessHandle` are fine: they kill and reap on drop.
    ///
    /// ## Why it matters
    /// Dropping the owner drops the `Child`, which neither kills nor waits for the process: it
    /// runs on unsupervised and ends as a zombie. This is the Rust analogue of CA1001 (a type
    /// owning a disposable field must be disposable itself).
    ///
    /// ## Example
    /// ```rust
    /// use std::process::Child;
    ///
    /// pub struct Worker {
    ///     name: String,
    ///     child: Option<Child>,
    /// }
    /// ```
    ///
    /// ## Fix
    /// Hold the process through the runtime crate, which kills everything it tracks on drop:
    /// ```rust
    /// use leaklint_runtime::{ProcessHandle, ProcessManager};
    ///
    /// pub struct Worker {
    ///     name: String,
    ///     manager: ProcessManager,
    ///     handle: Option<ProcessHandle>,
    /// }
    /// ```
    /// or implement `Drop` for the owner and `kill()` then `wait()` the child there.
    pub static LL2002 = {
        name: "child-owner-without-drop",
        family: Family::Rust,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "A type owns a child process but has no Drop impl to kill and reap it",
        aliases: &[],
    }
}

pub fn finding(owner: &ChildOwner, index: &Index) -> Option<Diagnostic> {
    if index.has_drop(&owner.type_name) {
        return None;
    }
    let message = format!(
        "`{}` owns a child process (field `{}: {}`) but has no `Drop` impl: dropping it leaves the process running and unreaped",
        owner.type_name, owner.field, owner.field_ty
    );
    let help = format!(
        "hold a `leaklint_runtime::ProcessManager` in `{name}` and keep a `ProcessHandle` instead of the `Child` \
(`let handle = manager.adopt(child, \"job-42\")?;`): the manager kills and reaps what it tracks when `{name}` is \
dropped — or add `impl Drop for {name}` that calls `kill()` then `wait()` on the child",
        name = owner.type_name
    );
    let mut diagnostic = Diagnostic::new(LL2002.code, owner.range, message).with_help(help);
    diagnostic.suppressed = suppression_for(&owner.allows, LL2002.aliases);
    Some(diagnostic)
}
