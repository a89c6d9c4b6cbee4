//! LL2001: a spawned child process that is never reaped.

use crate::catalogue::{Precision, Severity};
use crate::engine::{analyze, Leak};
use crate::source::Family;
use crate::{declare_rule, Diagnostic, LineIndex};

use super::lower::{Lowered, SiteKind};
use super::suppress::suppression_for;

declare_rule! {
    /// ## What it finds
    /// A child process started with `Command::spawn()` (std or tokio) that is not reaped on
    /// every path: no `wait()`, `try_wait()` or `wait_with_output()` on it (or on a `&mut` to
    /// it), and it is not returned, passed by value to a function, stored in a struct or a
    /// collection, or moved into a closure or thread. `kill()` alone does not reap, and a shared
    /// reference does not help. A discarded `spawn()` result is reported too. Paths that end the
    /// process (`std::process::exit`, `abort`, `panic!`, a `-> !` function) and paths that
    /// leave through `?` are not reported.
    ///
    /// ## Why it matters
    /// Dropping a `Child` neither waits for nor kills the process. When it exits it stays a
    /// zombie — a process-table entry with its exit status — until the parent exits. A
    /// long-running service that shells out leaks one per job until `fork` fails.
    ///
    /// ## Example
    /// ```rust
    /// use std::process::Command;
    ///
    /// fn transcode(input: &str) -> std::io::Result<()> {
    ///     let child = Command::new("ffmpeg").args(["-i", input, "out.mp4"]).spawn()?;
    ///     println!("started ffmpeg as pid {}", child.id());
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ## Fix
    /// Wait for it on every path, or hand it to `leaklint_runtime::ProcessManager`, which reaps
    /// it, kills it past its deadline and kills everything it still tracks when dropped:
    /// ```rust
    /// use std::process::Command;
    /// use leaklint_runtime::{ProcessHandle, ProcessManager};
    ///
    /// fn transcode(manager: &ProcessManager, input: &str) -> Result<ProcessHandle, Box<dyn std::error::Error>> {
    ///     let child = Command::new("ffmpeg").args(["-i", input, "out.mp4"]).spawn()?;
    ///     let handle = manager.adopt(child, "job-42")?;
    ///     Ok(handle) // later: handle.wait() or handle.kill()
    /// }
    /// ```
    pub static LL2001 = {
        name: "zombie-process",
        family: Family::Rust,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "A spawned child process is never waited for and becomes a zombie",
        aliases: &["clippy::zombie_processes"],
    }
}

const HELP: &str = "reap it: call `.wait()` (or `.wait_with_output()`) on every path — or let a \
`leaklint_runtime::ProcessManager` own it: `let manager = ProcessManager::new();` once, then \
`let handle = manager.adopt(child, \"job-42\")?;` (or `let handle = manager.spawn(&mut cmd, \"job-42\")?;` \
instead of `spawn()`); the manager reaps it, kills it past its deadline (60 min by default) and \
kills it when the manager is dropped; `handle.wait()` / `handle.kill()` when you are done";

/// LL2001 findings for the bodies lowered under the zombie policy.
pub fn findings(bodies: &[Lowered], text: &str, lines: &LineIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for lowered in bodies {
        for leak in analyze(&lowered.body) {
            let Some(site) = lowered.sites.get(leak.res.0 as usize) else { continue };
            if site.kind != SiteKind::Spawn {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                LL2001.code,
                site.range,
                message(&leak, site.binding.as_deref(), text, lines),
            )
            .with_help(HELP);
            for exit in leak.exits.iter().filter_map(|e| e.at) {
                diagnostic = diagnostic.with_related(exit, "returns here without waiting for the child");
            }
            for lost in leak.lost_at.iter().filter(|r| **r != site.range) {
                diagnostic =
                    diagnostic.with_related(*lost, "the child is dropped here without being waited for");
            }
            diagnostic.suppressed = suppression_for(&site.allows, LL2001.aliases);
            out.push(diagnostic);
        }
    }
    out
}

fn message(leak: &Leak, binding: Option<&str>, text: &str, lines: &LineIndex) -> String {
    let what = binding
        .map_or_else(|| "the child process spawned here".to_string(), |b| format!("child process `{b}`"));
    let line = |range: crate::TextRange| lines.position(text, range.start).line;
    if binding.is_none() && leak.exits.is_empty() {
        return format!("{what} is dropped without being waited for: it stays a zombie after it exits");
    }
    if leak.on_every_path {
        return format!("{what} is never waited for: dropping a `Child` does not reap it, so it stays a zombie after it exits");
    }
    let exits: Vec<String> = leak
        .exits
        .iter()
        .map(|e| e.at.map_or("the end of the function".to_string(), |r| format!("line {}", line(r))))
        .collect();
    let lost: Vec<String> = leak.lost_at.iter().map(|r| format!("line {}", line(*r))).collect();
    let paths = exits.into_iter().chain(lost).collect::<Vec<_>>().join(", ");
    format!("{what} is not waited for on every path (not on the path through {paths}): it can stay a zombie")
}
