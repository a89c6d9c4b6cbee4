//! The suppressions C# developers already write: `#pragma warning disable CODE` ... `restore`,
//! and `[SuppressMessage("Category", "CODE:Title")]` on a member or a type.

use tree_sitter::Node;

use super::syntax::{field, named_children, range, text};
use crate::syntax::treesitter::descendants;
use crate::{Diagnostic, Suppression};

/// A stretch of the file where some codes (`None`: every code) are silenced.
struct Region {
    code: Option<String>,
    start: usize,
    end: usize,
    kind: String,
    justification: Option<String>,
}

impl Region {
    fn covers(&self, d: &Diagnostic) -> bool {
        let matches_code = self.code.as_deref().is_none_or(|c| names_rule(c, d.code));
        matches_code && self.start <= d.range.start && d.range.start < self.end
    }
}

/// True when `written` (`CA2000`, `ca2000`, `IDISP001`) names the rule `code`.
fn names_rule(written: &str, code: &str) -> bool {
    written.eq_ignore_ascii_case(code)
        || crate::catalogue::rule(code)
            .is_some_and(|r| r.aliases.iter().any(|a| a.eq_ignore_ascii_case(written)))
}

pub(crate) fn apply(root: Node, source: &str, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let mut regions = Vec::new();
    let mut open: Vec<(Option<String>, usize, String)> = Vec::new();
    for node in descendants(root) {
        match node.kind() {
            "preproc_pragma" => pragma(node, source, &mut open, &mut regions),
            "attribute" => regions.extend(suppress_message(node, source)),
            _ => {}
        }
    }
    for (code, start, kind) in open {
        regions.push(Region { code, start, end: source.len(), kind, justification: None });
    }
    for d in diagnostics.iter_mut().filter(|d| d.suppressed.is_none()) {
        if let Some(r) = regions.iter().find(|r| r.covers(d)) {
            d.suppressed = Some(Suppression { kind: r.kind.clone(), justification: r.justification.clone() });
        }
    }
}

/// `#pragma warning disable CA2000, CA2213 // why` and `#pragma warning restore CA2000`.
fn pragma(
    node: Node,
    source: &str,
    open: &mut Vec<(Option<String>, usize, String)>,
    regions: &mut Vec<Region>,
) {
    let written = text(node, source);
    let directive = written.split("//").next().unwrap_or("").trim();
    let mut words = directive.trim_start_matches('#').split_whitespace();
    if words.next() != Some("pragma") || words.next() != Some("warning") {
        return;
    }
    let action = words.next().unwrap_or("");
    let codes: Vec<String> = words
        .flat_map(|w| w.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    match action {
        "disable" => {
            let kind = directive.to_string();
            if codes.is_empty() {
                open.push((None, node.end_byte(), kind));
            } else {
                open.extend(codes.into_iter().map(|c| (Some(c), node.end_byte(), kind.clone())));
            }
        }
        "restore" => {
            let mut i = 0;
            while i < open.len() {
                let closes = codes.is_empty()
                    || open[i].0.as_ref().is_some_and(|c| codes.iter().any(|r| r.eq_ignore_ascii_case(c)));
                if closes {
                    let (code, start, kind) = open.remove(i);
                    regions.push(Region { code, start, end: node.start_byte(), kind, justification: None });
                } else {
                    i += 1;
                }
            }
        }
        _ => {}
    }
}

/// `[SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "...")]`
/// silences the code on the declaration the attribute is attached to.
fn suppress_message(attribute: Node, source: &str) -> Option<Region> {
    let name = text(field(attribute, "name")?, source);
    let simple = name.rsplit('.').next().unwrap_or(name);
    if simple != "SuppressMessage" && simple != "SuppressMessageAttribute" {
        return None;
    }
    let list = named_children(attribute).into_iter().find(|c| c.kind() == "attribute_argument_list")?;
    let args = named_children(list);
    let positional: Vec<Node> = args.iter().copied().filter(|a| field(*a, "name").is_none()).collect();
    let check_id = string_value(*positional.get(1)?, source)?;
    let code = check_id.split(':').next().unwrap_or("").trim().to_string();
    let justification = args
        .iter()
        .find(|a| field(**a, "name").is_some_and(|n| text(n, source) == "Justification"))
        .and_then(|a| string_value(*a, source));
    let declaration = attribute.parent().filter(|l| l.kind() == "attribute_list")?.parent()?;
    if declaration.kind() == "compilation_unit" || declaration.kind() == "global_attribute" {
        return None;
    }
    let target = range(declaration);
    Some(Region {
        code: Some(code),
        start: target.start,
        end: target.end,
        kind: format!("[SuppressMessage(\"…\", \"{check_id}\")]"),
        justification,
    })
}

/// The text of the string literal in an attribute argument.
fn string_value(arg: Node, source: &str) -> Option<String> {
    let literal =
        descendants(arg).find(|n| matches!(n.kind(), "string_literal" | "verbatim_string_literal"))?;
    let raw = text(literal, source);
    Some(raw.trim_start_matches('@').trim_matches('"').to_string())
}
