//! `leaklint.toml`, `leaklint init` and `.editorconfig`, through the real binary.

#[path = "integrate_support/mod.rs"]
mod support;

use support::*;

#[test]
fn config_errors_exit_2_and_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "leaklint.toml", "ignore = []\n\n[csharp]\nexcluded-typs = [\"Acme.Pool\"]\n");
    write(dir.path(), "src/ReportSizer.cs", CLEAN_CS);
    let output = leaklint(dir.path(), &["check", "src"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let message = stderr(&output);
    assert!(message.contains("leaklint.toml:4:1"), "{message}");
    assert!(message.contains("unknown key") && message.contains("`excluded-typs`"), "{message}");
    assert!(message.contains("excluded-typs = [\"Acme.Pool\"]"), "the code frame shows the line: {message}");

    write(dir.path(), "leaklint.toml", "[severity]\nNOTARULE = \"error\"\n");
    let output = leaklint(dir.path(), &["check", "src"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let message = stderr(&output);
    assert!(message.contains("leaklint.toml:2:1") && message.contains("`NOTARULE`"), "{message}");

    write(dir.path(), "other.toml", "max-file-size = -1\n");
    let output = leaklint(dir.path(), &["check", "--config", "other.toml", "src"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        stderr(&output).contains("other.toml:1:17") && stderr(&output).contains("`max-file-size`"),
        "{}",
        describe(&output)
    );

    let output = leaklint(dir.path(), &["check", "--no-config", "src"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[test]
fn init_writes_a_valid_starter_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = leaklint(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let written = std::fs::read_to_string(dir.path().join("leaklint.toml")).unwrap();
    assert!(written.lines().filter(|l| l.starts_with('#')).count() > 10, "commented: {written}");
    write(dir.path(), "src/ReportSizer.cs", CLEAN_CS);
    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "the starter config is valid: {}", describe(&output));

    std::fs::write(dir.path().join("leaklint.toml"), "# my settings\n").unwrap();
    let output = leaklint(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(stderr(&output).contains("already exists"), "{}", describe(&output));
    assert_eq!(std::fs::read_to_string(dir.path().join("leaklint.toml")).unwrap(), "# my settings\n");
}

#[test]
fn include_exclude_and_max_file_size_select_the_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "leaklint.toml",
        "include = [\"src\"]\nexclude = [\"**/generated\", \"src/*.g.cs\"]\nmax-file-size = 2000\n",
    );
    write(dir.path(), "src/App.cs", CLEAN_CS);
    write(dir.path(), "src/deep/Jobs.cs", CLEAN_CS);
    write(dir.path(), "src/Api.g.cs", CLEAN_CS);
    write(dir.path(), "src/generated/Client.cs", CLEAN_CS);
    write(dir.path(), "tools/Build.cs", CLEAN_CS);
    write(dir.path(), "src/Big.cs", &format!("// {}\n{CLEAN_CS}", "x".repeat(3000)));

    let output = leaklint(dir.path(), &["check", "--format", "json"]);
    let report = json(&output);
    assert_eq!(report["files_analyzed"], 2, "src/App.cs and src/deep/Jobs.cs: {}", describe(&output));
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["path"], "src/Big.cs");
    assert_eq!(problems[0]["level"], "skipped");

    // A file named on the command line is analysed even when excluded, unless --force-exclude.
    let output = leaklint(dir.path(), &["check", "--format", "json", "src/Api.g.cs", "tools/Build.cs"]);
    assert_eq!(json(&output)["files_analyzed"], 2, "{}", describe(&output));
    let output = leaklint(
        dir.path(),
        &["check", "--format", "json", "--force-exclude", "src/Api.g.cs", "tools/Build.cs"],
    );
    assert_eq!(json(&output)["files_analyzed"], 0, "{}", describe(&output));
    // The command line's cap wins over the config's.
    let output = leaklint(dir.path(), &["check", "--format", "json", "--max-file-size", "100000", "src"]);
    assert_eq!(json(&output)["files_analyzed"], 3, "{}", describe(&output));
}

#[test]
fn config_is_found_above_the_checked_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "leaklint.toml", "ignore = [\"CA2000\"]\n");
    write(dir.path(), "app/src/ReportSizer.cs", LEAKY_CS);
    let output = leaklint(&dir.path().join("app"), &["check", "src"]);
    assert_eq!(output.status.code(), Some(0), "ignored by the config above: {}", describe(&output));
    let output = leaklint(&dir.path().join("app"), &["check", "--no-config", "src"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(stdout(&output).contains("src/ReportSizer.cs:9:"), "{}", describe(&output));
}

#[test]
fn severity_select_and_per_path_ignores() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "leaklint.toml",
        "select = [\"CA2000\", \"LL1002\"]\n[severity]\nCA2000 = \"error\"\n[per-path-ignores]\n\"tests/**\" = [\"CA2000\"]\n",
    );
    write(dir.path(), "src/ReportSizer.cs", LEAKY_CS);
    write(dir.path(), "tests/ReportSizerTests.cs", LEAKY_CS);
    write(dir.path(), "web/Ticker.tsx", LEAKY_TSX);
    write(dir.path(), "tools/refresh.rs", LEAKY_RS);
    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let lines: Vec<&str> = std::str::from_utf8(&output.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2, "LL2001 is not selected, tests/ ignores CA2000: {}", describe(&output));
    assert!(lines[0].starts_with("src/ReportSizer.cs:9:") && lines[0].contains("error[CA2000]"), "{lines:?}");
    assert!(lines[1].starts_with("web/Ticker.tsx:5:") && lines[1].contains("warning[LL1002]"), "{lines:?}");
}

#[test]
fn editorconfig_severities_govern_csharp_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.CA2000.severity = error\n");
    write(dir.path(), "src/Legacy/.editorconfig", "[*.cs]\ndotnet_diagnostic.CA2000.severity = none\n");
    write(dir.path(), "src/ReportSizer.cs", LEAKY_CS);
    write(dir.path(), "src/Legacy/OldSizer.cs", LEAKY_CS);
    let output = leaklint(dir.path(), &["check", "--format", "json", "--include-suppressed"]);
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{}", describe(&output));
    let legacy = findings.iter().find(|f| f["path"] == "src/Legacy/OldSizer.cs").unwrap();
    assert_eq!(legacy["suppressed"]["kind"], ".editorconfig");
    let current = findings.iter().find(|f| f["path"] == "src/ReportSizer.cs").unwrap();
    assert_eq!(current["severity"], "error");
    assert!(current["suppressed"].is_null());
    let output = leaklint(dir.path(), &["check"]);
    assert_eq!(stdout(&output).lines().count(), 1, "the suppressed one is not shown: {}", describe(&output));
}
