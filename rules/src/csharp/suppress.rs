//! The suppressions C# developers already write: `#pragma warning disable CODE` ... `restore`,
//! and `[SuppressMessage("Category", "CODE:Title")]` on a member or a type.

use super::syntax::{self, field, kind_of, named_children, range, text};
use crate::syntax::flat::Node;
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

pub(crate) fn apply(root: Node, source: &str, globals: &[GlobalSuppression], diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let mut regions = Vec::new();
    let mut open: Vec<(Option<String>, usize, String)> = Vec::new();
    // Regions come from `#pragma` directives and `[SuppressMessage]` attributes only: a file
    // whose text names neither is not walked.
    if source.contains("pragma") || source.contains("SuppressMessage") {
        for node in root.descendants() {
            match kind_of(&node) {
                "preproc_pragma" => pragma(node, source, &mut open, &mut regions),
                "attribute" => regions.extend(suppress_message(node, source)),
                _ => {}
            }
        }
    }
    for (code, start, kind) in open {
        regions.push(Region { code, start, end: source.len(), kind, justification: None });
    }
    for d in diagnostics.iter_mut().filter(|d| d.suppressed.is_none()) {
        if let Some(r) = regions.iter().find(|r| r.covers(d)) {
            d.suppressed = Some(Suppression { kind: r.kind.clone(), justification: r.justification.clone() });
        } else if !globals.is_empty() {
            let path = symbol_path(root, d.range.start, source);
            if let Some(g) = globals.iter().find(|g| g.covers(d, &path)) {
                d.suppressed = Some(Suppression {
                    kind: format!(
                        "[assembly: SuppressMessage(\"…\", \"{}\", Target = \"{}\")]",
                        g.check_id, g.target
                    ),
                    justification: g.justification.clone(),
                });
            }
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

/// The arguments of a `[SuppressMessage(..)]` attribute.
struct SuppressMessage {
    check_id: String,
    code: String,
    justification: Option<String>,
    target: Option<String>,
}

fn read_suppress_message(attribute: Node, source: &str) -> Option<SuppressMessage> {
    let name = text(field(attribute, "name")?, source);
    let simple = name.rsplit('.').next().unwrap_or(name);
    if simple != "SuppressMessage" && simple != "SuppressMessageAttribute" {
        return None;
    }
    let list = named_children(attribute).into_iter().find(|c| kind_of(c) == "attribute_argument_list")?;
    let args = named_children(list);
    let positional: Vec<Node> = args.iter().copied().filter(|a| field(*a, "name").is_none()).collect();
    let check_id = string_value(*positional.get(1)?, source)?;
    let code = check_id.split(':').next().unwrap_or("").trim().to_string();
    let named = |key: &str| {
        args.iter()
            .find(|a| field(**a, "name").is_some_and(|n| text(n, source) == key))
            .and_then(|a| string_value(*a, source))
    };
    Some(SuppressMessage { code, justification: named("Justification"), target: named("Target"), check_id })
}

/// `[SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "...")]`
/// silences the code on the declaration the attribute is attached to.
fn suppress_message(attribute: Node, source: &str) -> Option<Region> {
    let declaration = attribute.parent().filter(|l| kind_of(l) == "attribute_list")?.parent()?;
    let message = read_suppress_message(attribute, source)?;
    let target = range(declaration);
    Some(Region {
        code: Some(message.code),
        start: target.start,
        end: target.end,
        kind: format!("[SuppressMessage(\"…\", \"{}\")]", message.check_id),
        justification: message.justification,
    })
}

/// `[assembly: SuppressMessage("Reliability", "CA2000", Target = "~M:Ns.Type.Method(System.String)")]`,
/// as Visual Studio writes into `GlobalSuppressions.cs`: it applies wherever its target is.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GlobalSuppression {
    pub code: String,
    pub check_id: String,
    /// The documentation ID: `~M:`, `~P:`, `~F:`, `~E:` (a member), `~T:` (a type), `~N:` (a namespace).
    pub target: String,
    pub justification: Option<String>,
}

/// The assembly- and module-level suppressions of a file (gathered in the parse pass).
pub(crate) fn global_suppressions(root: Node, source: &str) -> Vec<GlobalSuppression> {
    named_children(root)
        .into_iter()
        .filter(|c| kind_of(c) == "global_attribute")
        .flat_map(named_children)
        .filter(|a| kind_of(a) == "attribute")
        .filter_map(|a| read_suppress_message(a, source))
        .filter_map(|m| {
            Some(GlobalSuppression {
                target: m.target?,
                code: m.code,
                check_id: m.check_id,
                justification: m.justification,
            })
        })
        .collect()
}

/// Where a diagnostic sits, as documentation IDs name it.
struct SymbolPath {
    namespace: String,
    /// Enclosing types, outermost first.
    types: Vec<String>,
    member: Option<String>,
}

fn symbol_path(root: Node, offset: usize, source: &str) -> SymbolPath {
    let mut path = SymbolPath { namespace: String::new(), types: Vec::new(), member: None };
    let mut namespaces = Vec::new();
    let mut declarator = None;
    let mut cur = Some(root.node_at(offset));
    while let Some(node) = cur {
        let name = || field(node, "name").map(|n| text(n, source).to_string());
        match kind_of(&node) {
            "variable_declarator" => declarator = declarator.or_else(name),
            "field_declaration" | "event_field_declaration" if path.member.is_none() => {
                path.member = declarator.clone()
            }
            "constructor_declaration" if path.member.is_none() => path.member = Some("#ctor".to_string()),
            "method_declaration" | "property_declaration" | "indexer_declaration" | "event_declaration"
                if path.member.is_none() =>
            {
                path.member = name()
            }
            "namespace_declaration" => namespaces.extend(name()),
            kind if syntax::is_type_declaration(kind) => path.types.extend(name()),
            _ => {}
        }
        cur = node.parent();
    }
    if namespaces.is_empty() {
        let file_scoped =
            named_children(root).into_iter().find(|c| kind_of(c) == "file_scoped_namespace_declaration");
        namespaces.extend(file_scoped.and_then(|n| field(n, "name")).map(|n| text(n, source).to_string()));
    }
    namespaces.reverse();
    path.types.reverse();
    path.namespace = namespaces.join(".");
    path
}

impl GlobalSuppression {
    fn covers(&self, d: &Diagnostic, path: &SymbolPath) -> bool {
        if !names_rule(&self.code, d.code) {
            return false;
        }
        let target = self.target.trim().trim_start_matches('~');
        let (kind, name) = target.split_once(':').unwrap_or(("", target));
        let name: String = name.split('(').next().unwrap_or("").replace("``", "`");
        let name: String = name.split('`').next().unwrap_or("").to_string();
        let qualify = |parts: &[String]| {
            let mut all: Vec<&str> = Vec::new();
            if !path.namespace.is_empty() {
                all.push(&path.namespace);
            }
            all.extend(parts.iter().map(String::as_str));
            all.join(".")
        };
        let same =
            |ours: &str| ours == name || (path.namespace.is_empty() && name.ends_with(&format!(".{ours}")));
        match kind {
            "T" => (1..=path.types.len()).any(|n| same(&qualify(&path.types[..n]))),
            "M" | "P" | "F" | "E" => path.member.as_ref().is_some_and(|m| {
                let mut parts = path.types.clone();
                parts.push(m.clone());
                same(&qualify(&parts))
            }),
            "N" => path.namespace == name || path.namespace.starts_with(&format!("{name}.")),
            _ => false,
        }
    }
}

/// The text of the string literal in an attribute argument.
fn string_value(arg: Node, source: &str) -> Option<String> {
    let literal =
        arg.descendants().find(|n| matches!(kind_of(n), "string_literal" | "verbatim_string_literal"))?;
    let raw = text(literal, source);
    Some(raw.trim_start_matches('@').trim_matches('"').to_string())
}
