//! leaklint: finds resource leaks in C#, TypeScript/JavaScript and Rust before they ship.
//!
//! This crate is the driver around [`leaklint_rules`]: it discovers and reads files, runs the
//! two analysis passes in parallel, applies suppressions and baselines, and writes the report
//! in the chosen format. It never looks inside a syntax tree.

pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod discover;
pub mod editorconfig;
pub mod git;
pub mod output;
pub mod policy;
pub mod read;
pub mod report;
pub mod run;
pub mod suppress;
#[cfg(test)]
mod test_support;

use std::path::Path;

pub use report::{FileProblem, Finding, ProblemLevel, Report};
pub use run::{check, CheckOptions, RunError};

/// The analysis makes many small, short-lived allocations (keys, child lists, control-flow
/// blocks), which mimalloc serves at a fraction of the system allocator's cost. Declared here,
/// so that the binary, the benchmark and the tests all run on it. tree-sitter keeps its own
/// (the C library's `malloc`). Built without transparent huge pages (`no_thp`): each fresh
/// 2 MiB page is cleared whole by the kernel, which flushes the caches between two parses and
/// doubled the check's system time, for a heap that stays small.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a path is shown to users and written into reports: relative to the current directory
/// when it is below it, with `/` separators on every platform.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let shown: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if shown.is_empty() {
        ".".to_string()
    } else if relative.is_absolute() {
        relative.to_string_lossy().replace('\\', "/")
    } else {
        shown.join("/")
    }
}
