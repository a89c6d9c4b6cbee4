//! `github`: GitHub Actions workflow commands, which the runner turns into annotations on the
//! changed lines (`::warning file=..,line=..,col=..,endLine=..,endColumn=..,title=..::message`).

use std::io::{self, Write};

use leaklint_rules::Severity;

use crate::report::{ProblemLevel, Report};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in report.active() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let message = super::message_with_fix(f);
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&f.path),
            f.start.line,
            f.start.column,
            f.end.line,
            f.end.column,
            property(f.rule.code),
            data(&message),
        )?;
    }
    for p in &report.problems {
        let command = match p.level {
            ProblemLevel::Error => "error",
            ProblemLevel::Warning => "warning",
            ProblemLevel::Skipped => "notice",
        };
        let place = p.position.map_or(String::new(), |at| format!(",line={},col={}", at.line, at.column));
        writeln!(out, "::{command} file={}{place},title=leaklint::{}", property(&p.path), data(&p.message))?;
    }
    Ok(())
}

/// A command's message, escaped as `@actions/core` does (`escapeData`).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command property's value, escaped as `@actions/core` does (`escapeProperty`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_actions_core() {
        assert_eq!(data("100% done\r\nnext: a, b"), "100%25 done%0D%0Anext: a, b");
        assert_eq!(property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
    }
}
