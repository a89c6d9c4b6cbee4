use std::path::Path;

use leaklint_rules::{Family, Severity};

use super::*;
use crate::test_support::CATALOGUE;

fn parse_at(dir: &Path, text: &str) -> Result<Config, ConfigError> {
    parse(&dir.join(FILE_NAME), text, CATALOGUE)
}

fn error_text(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    parse_at(dir.path(), text).expect_err("config must be rejected").to_string()
}

#[test]
fn full_config_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let config = parse_at(
        dir.path(),
        r#"
select = ["xt2000", "XT1002"]
ignore = ["XT1002"]
include = ["src"]
exclude = ["**/generated"]
max-file-size = 1000

[severity]
XT2000 = "error"

[per-path-ignores]
"tests/**" = ["XT2000"]

[csharp]
extra-disposable-types = ["Acme.Pool"]
excluded-symbols = ["Acme.Factory.Create"]
transfer-to-unknown-methods = true

[[resource-kinds]]
name = "socket.io connection"
language = "typescript"
rule = "xt1002"
acquire = ["io.connect"]
release = [".close"]
"#,
    )
    .unwrap();
    assert_eq!(config.select, Some(vec!["XT2000", "XT1002"]));
    assert_eq!(config.ignore, vec!["XT1002"]);
    assert_eq!(config.max_file_size, Some(1000));
    assert_eq!(config.severities.get("XT2000"), Some(&Severity::Error));
    assert_eq!(config.csharp.extra_disposable_types, vec!["Acme.Pool"]);
    assert_eq!(config.csharp.excluded_symbols, vec!["Acme.Factory.Create"]);
    assert!(config.csharp.transfer_to_unknown_methods);
    assert_eq!(config.resource_kinds.len(), 1);
    assert_eq!(config.resource_kinds[0].rule, "XT1002");
    assert_eq!(config.resource_kinds[0].language, Family::TypeScript);

    let root = dir.path();
    assert!(config.filter.allows(&root.join("src/a/Service.cs")));
    assert!(!config.filter.allows(&root.join("lib/Service.cs")), "not included");
    assert!(!config.filter.allows(&root.join("src/generated/Api.cs")), "excluded folder");
    assert!(
        !config.filter.allows(Path::new("/elsewhere/src/x.cs")),
        "outside the root, include does not match"
    );
    assert!(config.path_ignores.ignores(&root.join("tests/unit/AppTests.cs"), "XT2000"));
    assert!(!config.path_ignores.ignores(&root.join("tests/unit/AppTests.cs"), "XT1002"));
    assert!(!config.path_ignores.ignores(&root.join("src/App.cs"), "XT2000"));
}

#[test]
fn single_star_stays_within_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let config = parse_at(dir.path(), "exclude = [\"src/*.cs\"]\n").unwrap();
    assert!(config.filter.excludes(&dir.path().join("src/App.cs")));
    assert!(!config.filter.excludes(&dir.path().join("src/deep/App.cs")));
}

#[test]
fn unknown_key_names_key_line_and_file() {
    let message = error_text("select = []\n\n[csharp]\nexcluded-typs = [\"X\"]\n");
    assert!(message.contains("leaklint.toml:4:1:"), "{message}");
    assert!(message.contains("unknown key `excluded-typs`"), "{message}");
}

#[test]
fn unknown_top_level_key_is_an_error() {
    let message = error_text("selekt = [\"XT2000\"]\n");
    assert!(message.contains(":1:1:") && message.contains("`selekt`"), "{message}");
}

#[test]
fn bad_value_names_its_key() {
    let message = error_text("# sizes\nmax-file-size = \"big\"\n");
    assert!(message.contains(":2:17:"), "{message}");
    assert!(message.contains("`max-file-size`"), "{message}");
}

#[test]
fn bad_severity_names_table_and_code() {
    let message = error_text("[severity]\nXT2000 = \"fatal\"\n");
    assert!(message.contains(":2:"), "{message}");
    assert!(message.contains("`severity.XT2000`"), "{message}");
    assert!(message.contains("fatal"), "{message}");
}

#[test]
fn unknown_rule_codes_are_errors() {
    let message = error_text("ignore = [\n  \"XT2000\",\n  \"CA9999\",\n]\n");
    assert!(message.contains(":3:3:") && message.contains("unknown rule code `CA9999`"), "{message}");
    let message = error_text("[severity]\nNOPE = \"error\"\n");
    assert!(message.contains(":2:1:") && message.contains("`NOPE`"), "{message}");
    let message = error_text("[per-path-ignores]\n\"tests/**\" = [\"NOPE\"]\n");
    assert!(message.contains(":2:") && message.contains("`NOPE`"), "{message}");
}

#[test]
fn invalid_glob_is_an_error() {
    let message = error_text("exclude = [\"src/[a\"]\n");
    assert!(message.contains(":1:12:") && message.contains("invalid glob `src/[a`"), "{message}");
}

#[test]
fn resource_kinds_are_validated() {
    let kind = |language: &str, rule: &str, extra: &str| {
        format!(
            "[[resource-kinds]]\nname = \"pool\"\nlanguage = \"{language}\"\nrule = \"{rule}\"\nacquire = [\"Pool.rent\"]\nrelease = [\".giveBack\"]\n{extra}"
        )
    };
    assert!(
        error_text(&kind("csharp", "XT1002", "")).contains("rule XT1002 checks typescript code, not csharp")
    );
    assert!(error_text(&kind("typescript", "XT3000", "")).contains("unknown rule code `XT3000`"));
    let message = error_text(&kind("typescript", "XT1002", "scope = \"effect\"\n"));
    assert!(message.contains("unknown key `scope`") && message.contains(":7:"), "{message}");
    let message = error_text(&kind("kotlin", "XT1002", ""));
    assert!(message.contains("kotlin") && message.contains(":3:"), "{message}");
    let empty = "[[resource-kinds]]\nname = \"pool\"\nlanguage = \"typescript\"\nrule = \"XT1002\"\nacquire = []\nrelease = [\".x\"]\n";
    assert!(error_text(empty).contains("`acquire` needs at least one"));
}

#[test]
fn syntax_errors_are_located() {
    let message = error_text("select = [\"XT2000\"\nignore = []\n");
    assert!(message.contains("leaklint.toml:"), "{message}");
}

#[test]
fn starter_config_is_valid_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_starter(dir.path()).unwrap();
    let config = load(&written, leaklint_rules::RULES).unwrap();
    assert!(config.select.is_none());
    assert!(config.filter.excludes(&dir.path().join("app/bin/Debug/x.cs")));
    std::fs::write(&written, "# mine\n").unwrap();
    let error = write_starter(dir.path()).unwrap_err();
    assert!(matches!(error, ConfigError::Exists { .. }), "{error}");
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "# mine\n");
}

#[test]
fn found_by_walking_up() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("x.cs"), "").unwrap();
    assert_eq!(find(&nested.join("x.cs")).filter(|p| p.starts_with(dir.path())), None);
    std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
    assert_eq!(find(&nested.join("x.cs")), Some(dir.path().join(FILE_NAME)));
    assert_eq!(find(&nested), Some(dir.path().join(FILE_NAME)));
    std::fs::write(nested.join(FILE_NAME), "").unwrap();
    assert_eq!(find(&nested.join("x.cs")), Some(nested.join(FILE_NAME)));
}
