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
    display_path_from(path, std::env::current_dir().ok().as_deref())
}

/// [`display_path`] against a current directory read once, for the many paths of a run.
pub fn display_path_from(path: &Path, cwd: Option<&Path>) -> String {
    let relative = cwd.and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path);
    if relative.is_absolute() {
        return relative.to_string_lossy().replace('\\', "/");
    }
    let mut shown = String::with_capacity(relative.as_os_str().len());
    for component in relative.components().filter(|c| !matches!(c, std::path::Component::CurDir)) {
        if !shown.is_empty() {
            shown.push('/');
        }
        shown.push_str(&component.as_os_str().to_string_lossy());
    }
    if shown.is_empty() {
        shown.push('.');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::display_path_from;
    use std::path::Path;

    #[test]
    fn paths_are_shown_from_the_current_directory_with_forward_slashes() {
        let cwd = std::env::temp_dir().join("project");
        let shown = |path: &Path| display_path_from(path, Some(&cwd));
        assert_eq!(shown(&cwd.join("src").join("app.ts")), "src/app.ts");
        assert_eq!(shown(&cwd), ".");
        assert_eq!(shown(Path::new("./web/./app.tsx")), "web/app.tsx");
        assert_eq!(shown(Path::new(".")), ".");
        let outside = std::env::temp_dir().join("elsewhere").join("a.cs");
        assert_eq!(shown(&outside), outside.to_string_lossy().replace('\\', "/"));
        assert_eq!(display_path_from(Path::new("lib/a.rs"), None), "lib/a.rs");
    }
}
