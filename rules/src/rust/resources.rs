//! Which std/tokio types own an operating-system resource, in one place.
//!
//! Paths are written as the type's canonical path; [`super::imports::Imports`] turns a file's
//! bare names (`File`, `process::Child`) into these paths before they are compared.

/// The process builders whose `spawn()` yields a [`CHILD`].
pub const COMMAND: &[&str] = &["std::process::Command", "tokio::process::Command"];

/// The child process handles LL2001 and LL2002 are about.
pub const CHILD: &[&str] = &["std::process::Child", "tokio::process::Child"];

/// Types whose drop releases an OS resource: forgetting one leaks the resource (LL2003).
pub const OWNS_RESOURCE: &[&str] = &[
    "std::fs::File",
    "std::fs::ReadDir",
    "std::net::TcpStream",
    "std::net::TcpListener",
    "std::net::UdpSocket",
    "std::os::unix::net::UnixStream",
    "std::os::unix::net::UnixListener",
    "std::os::unix::net::UnixDatagram",
    "std::os::fd::OwnedFd",
    "std::os::unix::io::OwnedFd",
    "std::os::windows::io::OwnedHandle",
    "std::os::windows::io::OwnedSocket",
    "std::process::Child",
    "std::process::ChildStdin",
    "std::process::ChildStdout",
    "std::process::ChildStderr",
    "std::sync::MutexGuard",
    "std::sync::RwLockReadGuard",
    "std::sync::RwLockWriteGuard",
    "std::io::BufReader",
    "std::io::BufWriter",
    "tokio::fs::File",
    "tokio::net::TcpStream",
    "tokio::net::TcpListener",
    "tokio::net::UdpSocket",
    "tokio::net::UnixStream",
    "tokio::net::UnixListener",
    "tokio::process::Child",
    "tokio::process::ChildStdin",
    "tokio::process::ChildStdout",
    "tokio::process::ChildStderr",
    "tokio::sync::MutexGuard",
    "tokio::sync::OwnedMutexGuard",
    "tokio::sync::RwLockReadGuard",
    "tokio::sync::RwLockWriteGuard",
    "tokio::sync::SemaphorePermit",
    "tokio::sync::OwnedSemaphorePermit",
    "parking_lot::MutexGuard",
    "parking_lot::RwLockReadGuard",
    "parking_lot::RwLockWriteGuard",
];

/// What `x.lock()` returns when nothing better is known: forgetting it keeps the lock held.
pub const LOCK_GUARD: &str = "std::sync::MutexGuard";

/// Calls that end the process: a path that reaches one never returns to drop anything.
pub const PROCESS_EXIT: &[&str] = &["std::process::exit", "std::process::abort"];

/// `std::mem::forget` (LL2003).
pub const FORGET: &[&str] = &["std::mem::forget"];

/// `std::mem::drop` (also in the prelude as `drop`).
pub const DROP: &[&str] = &["std::mem::drop", "drop"];

/// Associated functions that build a value of their own type: `File::open(p)?` is a `File`.
pub const CONSTRUCTORS: &[&str] =
    &["new", "open", "create", "create_new", "connect", "bind", "from_std", "from_raw_fd", "pair"];

/// Macros that end the path unconditionally (they panic or are never reached).
pub const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

/// Macros that return an error from the function, like `?` does.
pub const ERROR_RETURN_MACROS: &[&str] = &["bail", "ensure"];

/// Macros whose arguments are only borrowed (formatting, assertions, logging).
pub const BORROWING_MACROS: &[&str] = &[
    "print",
    "println",
    "eprint",
    "eprintln",
    "format",
    "format_args",
    "write",
    "writeln",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "dbg",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "log",
    "anyhow",
];

/// The `Child` methods that reap the process.
pub const REAPING_METHODS: &[&str] = &["wait", "try_wait", "wait_with_output"];

/// `Child` methods that use the process without reaping it (a killed child is still a zombie).
pub const NON_REAPING_METHODS: &[&str] = &["kill", "start_kill", "id", "as_raw_fd", "as_raw_handle", "as_fd"];

/// Methods that hand back (or unwrap) the value they are called on: `spawn()?`'s `Result`
/// methods and `Option::take`.
pub const PASS_THROUGH_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_unchecked",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "map_err",
    "take",
    "as_mut",
    "into_diagnostic",
];

/// `Command` builder methods: each returns the builder again.
pub const COMMAND_BUILDER_METHODS: &[&str] = &[
    "arg",
    "args",
    "env",
    "envs",
    "env_remove",
    "env_clear",
    "current_dir",
    "stdin",
    "stdout",
    "stderr",
    "uid",
    "gid",
    "process_group",
    "pre_exec",
    "arg0",
    "creation_flags",
    "raw_arg",
    "kill_on_drop",
];

/// Methods that give up ownership of an OS handle as a raw number (LL2003).
pub const INTO_RAW_METHODS: &[&str] = &["into_raw_fd", "into_raw_handle", "into_raw_socket"];
