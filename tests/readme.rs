//! README.md stays true: it documents every rule, and CI runs the test command it gives.

const README: &str = include_str!("../README.md");
const CI: &str = include_str!("../.ci/run");

#[test]
fn readme_documents_every_rule_with_an_example() {
    for rule in leaklint_rules::RULES {
        let heading = format!("### {} — {}", rule.code, rule.name);
        let at = README.find(&heading).unwrap_or_else(|| panic!("README has no section `{heading}`"));
        let section = &README[at..];
        let section = &section[..section[4..].find("\n### ").map_or(section.len(), |end| end + 4)];
        assert!(section.contains("#### Example"), "{}: no example in README", rule.code);
        assert!(section.contains("#### Fix"), "{}: no fix in README", rule.code);
    }
}

#[test]
fn ci_runs_the_test_command_that_readme_gives() {
    let command = "cargo test --workspace --all-features";
    assert!(README.contains(&format!("# Run all the tests\n{command}\n")), "README's test command changed");
    assert!(CI.lines().any(|line| line.trim() == command), ".ci/run does not run `{command}`");
}
