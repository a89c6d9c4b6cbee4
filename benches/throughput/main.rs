//! Throughput: parse-only against the full check, on the same files in the same run.
//!
//! `cargo bench --bench throughput` generates four sets into a temporary directory (a mixed
//! C#/TS/TSX/Rust tree of at least 20 MiB, a C#-only tree of at least 300 000 lines, a
//! TypeScript/TSX tree of at least 20 MiB, a Rust-only tree of at least 200 000 lines) and
//! prints, for each: the parse-only time (`leaklint_rules::parse` on every file, in parallel
//! on a pool like the pipeline's), the full-check time (`leaklint::check`: discovery,
//! reading, parsing, index, rules, ordering), their ratio, files/s, MB/s and peak RSS. With
//! `LEAKLINT_BENCH_DIR=/some/tree` only that tree is measured. The two steps run [`RUNS`]
//! times, interleaved, half of the pairs with the check first; times are the best runs, the
//! ratio is the median of the pairs' ratios. Each step runs in a child process of its own, so
//! that its peak RSS (VmHWM) is its own.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use corpus::{generate, Kind, Written};
use leaklint::read::{load, Loaded};
use leaklint::run::DEFAULT_MAX_FILE_SIZE;
use leaklint::{check, CheckOptions, ProblemLevel};
use leaklint_rules::{parse, Language, ParseOptions, WORKER_STACK_SIZE};
use rayon::prelude::*;

/// Pairs of steps per set. On a machine whose speed drifts, one pair's ratio can be off by a
/// quarter either way: the median of ten moves much less from run to run than that of six.
const RUNS: usize = 10;
const MIB: usize = 1024 * 1024;
/// The full check may cost at most this much more than parsing alone.
const TARGET_RATIO: f64 = 1.25;

/// Set in the child processes that run one measured step each, so that every step starts
/// with a fresh heap and its peak RSS is its own.
const STEP_VAR: &str = "LEAKLINT_BENCH_STEP";

fn main() {
    if let Some(step) = std::env::var_os(STEP_VAR) {
        let root = std::env::args_os().last().expect("root argument");
        run_step(&step.to_string_lossy(), Path::new(&root));
        return;
    }
    if let Some(dir) = std::env::var_os("LEAKLINT_BENCH_DIR") {
        measure("LEAKLINT_BENCH_DIR", Path::new(&dir));
        return;
    }
    // With LEAKLINT_BENCH_GENERATE=/dir the sets are written there, kept, and not measured.
    let keep = std::env::var_os("LEAKLINT_BENCH_GENERATE").map(PathBuf::from);
    let temp = tempfile::tempdir().expect("temp dir");
    let sets = [
        Set {
            name: "mixed C#/TS/TSX/Rust",
            folder: "mixed",
            kinds: &[Kind::CSharp, Kind::TypeScript, Kind::Tsx, Kind::Rust],
            enough: |w| w.bytes >= 20 * MIB,
        },
        Set { name: "C# only", folder: "csharp", kinds: &[Kind::CSharp], enough: |w| w.lines >= 300_000 },
        // The TypeScript family's budget is stated for a TS/TSX tree: services and components.
        Set {
            name: "TypeScript/TSX",
            folder: "typescript",
            kinds: &[Kind::TypeScript, Kind::Tsx],
            enough: |w| w.bytes >= 20 * MIB,
        },
        // syn keeps every parsed file's text per thread until it is told to forget it: the
        // peak RSS of this set shows that memory stays flat over a large Rust tree.
        Set { name: "Rust only", folder: "rust", kinds: &[Kind::Rust], enough: |w| w.lines >= 200_000 },
    ];
    for (i, Set { name, folder, kinds, enough }) in sets.into_iter().enumerate() {
        let root = keep.as_deref().unwrap_or(temp.path()).join(folder);
        let started = Instant::now();
        let written = generate(&root, kinds, 0x1ea4_1147 + i as u64, enough).expect("write corpus");
        eprintln!(
            "generated {name}: {} files, {} lines in {:.1?}",
            written.files,
            written.lines,
            started.elapsed()
        );
        if keep.is_none() {
            measure(name, &root);
            std::fs::remove_dir_all(&root).expect("remove corpus");
        }
    }
}

/// A generated set: what it is called, where it goes, its languages and its size.
struct Set {
    name: &'static str,
    folder: &'static str,
    kinds: &'static [Kind],
    enough: fn(&Written) -> bool,
}

/// What one step reports: `wall_ns cpu_ns peak_kib files findings problems`.
fn run_step(step: &str, root: &Path) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (wall, cpu, files, findings, problems) = match step {
        "parse" => {
            let sources = read_sources(root);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .stack_size(WORKER_STACK_SIZE)
                .build()
                .expect("thread pool");
            let (wall, cpu) = (Instant::now(), cpu_time());
            let parsed = pool.install(|| parse_all(&sources));
            (wall.elapsed(), cpu_time().saturating_sub(cpu), parsed, 0, sources.len() - parsed)
        }
        _ => {
            let options = CheckOptions { paths: vec![root.to_path_buf()], ..CheckOptions::default() };
            let (wall, cpu) = (Instant::now(), cpu_time());
            let report = check(&options).expect("check");
            let errors = report.problems.iter().filter(|p| p.level == ProblemLevel::Error).count();
            (
                wall.elapsed(),
                cpu_time().saturating_sub(cpu),
                report.files_analyzed,
                report.findings.len(),
                errors,
            )
        }
    };
    println!("{} {} {} {files} {findings} {problems}", wall.as_nanos(), cpu.as_nanos(), peak_rss_kib());
}

/// One step's figures, parsed back from its child process.
#[derive(Debug, Clone, Copy)]
struct Step {
    wall: Duration,
    cpu: Duration,
    peak_kib: usize,
    files: usize,
    findings: usize,
    errors: usize,
}

fn spawn_step(step: &str, root: &Path) -> Step {
    let exe = std::env::current_exe().expect("own path");
    let output = Command::new(exe).env(STEP_VAR, step).arg(root).output().expect("run step");
    assert!(output.status.success(), "{step} step failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<u64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    assert_eq!(numbers.len(), 6, "unexpected step output {text:?}");
    Step {
        wall: Duration::from_nanos(numbers[0]),
        cpu: Duration::from_nanos(numbers[1]),
        peak_kib: numbers[2] as usize,
        files: numbers[3] as usize,
        findings: numbers[4] as usize,
        errors: numbers[5] as usize,
    }
}

/// Runs both steps [`RUNS`] times on `root` and prints the best times and the peak RSS.
fn measure(name: &str, root: &Path) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let sources = read_sources(root);
    let bytes: usize = sources.iter().map(|(_, text)| text.len()).sum();
    let lines: usize = sources.iter().map(|(_, text)| text.lines().count()).sum();
    drop(sources);
    let best = |steps: &[Step]| Step {
        wall: steps.iter().map(|s| s.wall).min().unwrap_or_default(),
        cpu: steps.iter().map(|s| s.cpu).min().unwrap_or_default(),
        peak_kib: steps.iter().map(|s| s.peak_kib).max().unwrap_or_default(),
        ..steps[0]
    };
    let (mut parses, mut checks) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        // Half the pairs run the check first, half the parse: on this machine a process's
        // place in a sequence moved its time by up to a tenth, and neither step may gain by it.
        if run % 2 == 0 {
            checks.push(spawn_step("check", root));
            parses.push(spawn_step("parse", root));
        } else {
            parses.push(spawn_step("parse", root));
            checks.push(spawn_step("check", root));
        }
    }
    let (parse, full) = (best(&parses), best(&checks));
    assert_eq!(full.files, parse.files, "the check analysed other files than were parsed");
    assert_eq!(full.errors, parse.errors, "parse-only and the check disagree on what fails to parse");

    let mb = bytes as f64 / MIB as f64;
    println!(
        "\n== {name}: {} files, {mb:.1} MiB, {lines} lines, {threads} threads, best of {RUNS}",
        parse.files
    );
    println!("   findings {}, files that failed to parse {}", full.findings, full.errors);
    for (what, step) in [("parse only", parse), ("full check", full)] {
        let secs = step.wall.as_secs_f64();
        println!(
            "   {what:<10} {secs:>7.3} s wall {:>7.3} s CPU  {:>6.0} files/s  {:>5.2} MiB/s  peak RSS {} MiB",
            step.cpu.as_secs_f64(),
            parse.files as f64 / secs,
            mb / secs,
            step.peak_kib / 1024
        );
    }
    // The machine's speed drifts from minute to minute (shared cores): each run's check is
    // compared with the parse measured beside it, and the median of those ratios is the
    // figure, with their range.
    let ratios = |time: fn(&Step) -> Duration| {
        let mut ratios: Vec<f64> =
            checks.iter().zip(&parses).map(|(c, p)| time(c).as_secs_f64() / time(p).as_secs_f64()).collect();
        ratios.sort_by(f64::total_cmp);
        ratios
    };
    let (wall, cpu) = (ratios(|s| s.wall), ratios(|s| s.cpu));
    let median = |r: &[f64]| {
        let half = r.len() / 2;
        if r.len() % 2 == 1 {
            r[half]
        } else {
            (r[half - 1] + r[half]) / 2.0
        }
    };
    let verdict = if median(&cpu) <= TARGET_RATIO { "within" } else { "OVER" };
    println!(
        "   check / parse, median of {RUNS} runs = {:.3} wall ({:.3}–{:.3}), {:.3} CPU ({:.3}–{:.3}) ({verdict} the {TARGET_RATIO}x target)",
        median(&wall),
        wall[0],
        wall[wall.len() - 1],
        median(&cpu),
        cpu[0],
        cpu[cpu.len() - 1],
    );
}

/// The process's user + system CPU time so far, from /proc/self/stat (zero without /proc).
/// The kernel reports it in USER_HZ ticks, which are 1/100 s on Linux.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(command)`, which may hold spaces: state is field 3, utime 14, stime 15.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after.split_whitespace().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 10)
}

/// The files the check would analyse, read as the pipeline reads them. The walk applies the
/// same filters as discovery with no configuration (ignore files, hidden files, declaration
/// files, vendored folders); the measurement asserts that both steps saw the same number of
/// files.
fn read_sources(root: &Path) -> Vec<(Language, String)> {
    const SKIPPED_DIRS: &[&str] = &[".git", ".hg", ".svn", "node_modules", ".leaklint-cache"];
    let mut files: Vec<(PathBuf, Language)> = ignore::WalkBuilder::new(root)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !e.file_name().to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| !Language::is_declaration_file(e.path()))
        .filter_map(|e| Language::from_path(e.path()).map(|l| (e.into_path(), l)))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|(path, language)| match load(&path, DEFAULT_MAX_FILE_SIZE) {
            Loaded::Text { text, .. } => Some((language, text)),
            Loaded::Skipped(..) => None,
        })
        .collect()
}

/// Parses every file in parallel and drops each tree at once, as the check does for the
/// families it checks in pass 1 (keeping every tree would charge this step page faults the
/// check avoids).
fn parse_all(files: &[(Language, String)]) -> usize {
    let options = ParseOptions::default();
    // Each file a task of its own, as the check schedules its batches: neither step may leave a
    // core idle at its end while the other does not.
    files
        .par_iter()
        .with_max_len(1)
        .filter(|(language, text)| parse(*language, text, &options).is_ok())
        .count()
}

/// VmHWM from /proc/self/status, in KiB (0 where there is no /proc).
fn peak_rss_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
