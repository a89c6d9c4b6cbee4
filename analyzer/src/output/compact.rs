//! `path:line:col: severity[CODE] message`: one line per finding, for editors' problem matchers.

use std::io::{self, Write};

use leaklint_rules::Position;

use crate::report::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in report.active() {
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            f.path,
            f.start.line,
            f.start.column,
            f.severity.as_str(),
            f.rule.code,
            f.message
        )?;
    }
    for p in &report.problems {
        let at = p.position.unwrap_or(Position { line: 1, column: 1 });
        writeln!(out, "{}:{}:{}: {}[io] {}", p.path, at.line, at.column, p.level.as_str(), p.message)?;
    }
    Ok(())
}
