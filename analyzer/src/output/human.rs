//! `human`: miette's graphical reports, one per finding, with the code frame, the acquisition
//! labelled, related locations as further labels and the fix as help.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::report::{FileProblem, Finding, ProblemLevel, Report};

/// How `human` output looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Styling {
    /// ANSI colors and unicode box drawing, for a terminal.
    Color,
    /// ASCII only, no escape sequences: for pipes, files, `NO_COLOR` and CI logs.
    #[default]
    Plain,
}

/// Lines are wrapped at this width whatever the terminal, so output does not depend on it.
const WIDTH: usize = 120;

pub fn write(report: &Report, styling: Styling, out: &mut dyn Write) -> io::Result<()> {
    let theme = match styling {
        Styling::Color => GraphicalTheme::unicode(),
        Styling::Plain => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false).with_width(WIDTH);
    let mut buffer = String::new();
    // miette holds its source as an owned value: one shared copy of each file's text, made
    // as its first finding comes (findings come in path order).
    let mut shared: Option<(&str, Arc<str>)> = None;
    for finding in report.active() {
        let text = match &shared {
            Some((path, text)) if *path == finding.path => text.clone(),
            _ => {
                let text: Arc<str> = Arc::from(report.sources.get(&finding.path).map_or("", String::as_str));
                shared.insert((&finding.path, text)).1.clone()
            }
        };
        let diagnostic = FindingReport::new(finding, text);
        render(&handler, &mut buffer, &diagnostic);
    }
    for problem in &report.problems {
        render(&handler, &mut buffer, &ProblemReport(problem));
    }
    out.write_all(buffer.as_bytes())
}

/// Renders one report, falling back to a single line if miette cannot (it never should).
fn render(handler: &GraphicalReportHandler, buffer: &mut String, diagnostic: &dyn Diagnostic) {
    let mut rendered = String::new();
    match handler.render_report(&mut rendered, diagnostic) {
        Ok(()) => buffer.push_str(&rendered),
        Err(fmt::Error) => buffer.push_str(&format!("{diagnostic}\n")),
    }
    buffer.push('\n');
}

struct FindingReport<'f> {
    finding: &'f Finding,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
}

impl<'f> FindingReport<'f> {
    fn new(finding: &'f Finding, text: Arc<str>) -> FindingReport<'f> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(finding.rule.summary.to_string()),
            span(&text, finding.range),
        );
        let related = finding
            .related
            .iter()
            .map(|r| LabeledSpan::new_with_span(Some(r.message.clone()), span(&text, r.range)));
        let labels = std::iter::once(primary).chain(related).collect();
        FindingReport { finding, source: NamedSource::new(&finding.path, text), labels }
    }
}

/// A byte range as miette wants it, kept inside the text and on character boundaries so that a
/// range from a stale or odd source can never make rendering fail.
fn span(text: &str, range: leaklint_rules::TextRange) -> SourceSpan {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(range.start);
    let end = floor(range.end).max(start);
    SourceSpan::new(start.into(), end - start)
}

impl fmt::Debug for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingReport").field("finding", self.finding).finish()
    }
}

impl fmt::Display for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingReport<'_> {}

impl Diagnostic for FindingReport<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{}({})", self.finding.rule.code, self.finding.rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            leaklint_rules::Severity::Error => miette::Severity::Error,
            leaklint_rules::Severity::Warning => miette::Severity::Warning,
            leaklint_rules::Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.finding.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[derive(Debug)]
struct ProblemReport<'p>(&'p FileProblem);

impl fmt::Display for ProblemReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.position {
            Some(at) => write!(f, "{}:{}:{}: {}", self.0.path, at.line, at.column, self.0.message),
            None => write!(f, "{}: {}", self.0.path, self.0.message),
        }
    }
}

impl std::error::Error for ProblemReport<'_> {}

impl Diagnostic for ProblemReport<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.level {
            ProblemLevel::Error => miette::Severity::Error,
            ProblemLevel::Warning => miette::Severity::Warning,
            ProblemLevel::Skipped => miette::Severity::Advice,
        })
    }
}
