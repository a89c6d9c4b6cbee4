//! One walk over a type declaration (or the top level of a file) that finds the functions to
//! lower and, for each, what lowering needs to know first: whether its body may create a
//! disposable at all, and its local functions. A body that creates nothing has nothing to
//! report, and is not lowered.

use tree_sitter::Node;

use super::disposables::Knowledge;
use super::syntax::{self, field, kind_of, named_children};

/// A function-like declaration with a body, surveyed.
pub(crate) struct Surveyed<'t> {
    pub function: Node<'t>,
    pub body: Node<'t>,
    /// The body has a `new`, an `out` argument or a call that may be a factory, outside the
    /// functions nested in it (they are lowered on their own; the body only sees what they
    /// capture).
    pub creates: bool,
    /// The `local_function_statement`s of the body, outside nested functions.
    pub local_functions: Vec<Node<'t>>,
}

/// The body lowered for a function-like node: a block, an `=> expression` clause, an
/// expression (lambdas) or a property's value.
pub(crate) fn function_body(function: Node<'_>) -> Option<Node<'_>> {
    match kind_of(&function) {
        "property_declaration" | "indexer_declaration" => field(function, "value"),
        _ => field(function, "body").or_else(|| {
            named_children(function).into_iter().find(|c| kind_of(c) == "arrow_expression_clause")
        }),
    }
}

/// Where the children of an entered node belong.
#[derive(Clone, Copy)]
enum Frame<'t> {
    /// To the body of the function with this index (or to none).
    Inherit(Option<usize>),
    /// The node is a function: its body child belongs to it, its other children (parameters,
    /// attributes) to no body.
    Function(Option<(usize, Node<'t>)>),
}

impl<'t> Frame<'t> {
    fn owner_of(self, child: Node<'t>) -> Option<usize> {
        match self {
            Frame::Inherit(owner) => owner,
            Frame::Function(Some((index, body))) if body == child => Some(index),
            Frame::Function(_) => None,
        }
    }
}

/// The function-like declarations below `root` (in document order), without entering the type
/// declarations nested in it (each is surveyed on its own). `visit` sees every node the walk
/// passes, in document order: other rules gather what they need from the same walk.
pub(crate) fn functions<'t>(
    root: Node<'t>,
    source: &str,
    know: &Knowledge,
    mut visit: impl FnMut(Node<'t>, &str),
) -> Vec<Surveyed<'t>> {
    let mut found: Vec<Surveyed<'t>> = Vec::new();
    let mut frames: Vec<Frame<'t>> = Vec::new();
    let mut cursor = root.walk();
    let mut owner: Option<usize> = None;
    loop {
        let node = cursor.node();
        let kind = kind_of(&node);
        visit(node, kind);
        if let Some(index) = owner {
            note(&mut found[index], node, kind, source, know);
        }
        let is_nested_type = node != root && syntax::is_type_declaration(kind);
        if let (true, Some(index)) = (is_nested_type, owner) {
            // Only in a broken tree does a type sit in a body: what the body's lowering walks
            // into is counted for it, as elsewhere.
            for inner in syntax::pruned_descendants(node, syntax::is_function_like).skip(1) {
                note(&mut found[index], inner, kind_of(&inner), source, know);
            }
        }
        let frame = if syntax::is_function_like(kind) {
            Frame::Function(function_body(node).map(|body| {
                found.push(Surveyed { function: node, body, creates: false, local_functions: Vec::new() });
                (found.len() - 1, body)
            }))
        } else {
            Frame::Inherit(owner)
        };
        if !is_nested_type && cursor.goto_first_child() {
            frames.push(frame);
            owner = frame.owner_of(cursor.node());
            continue;
        }
        loop {
            if cursor.node() == root {
                return found;
            }
            if cursor.goto_next_sibling() {
                owner = frames.last().and_then(|f| f.owner_of(cursor.node()));
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
            frames.pop();
        }
    }
}

/// Counts one node of a function's body.
fn note<'t>(surveyed: &mut Surveyed<'t>, node: Node<'t>, kind: &str, source: &str, know: &Knowledge) {
    match kind {
        "local_function_statement" => surveyed.local_functions.push(node),
        "object_creation_expression" | "implicit_object_creation_expression" | "out" => {
            surveyed.creates = true
        }
        "invocation_expression" if !surveyed.creates => {
            surveyed.creates = syntax::invoked_member(node, source).is_some_and(|(_, m)| know.may_create(m));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csharp::Index;
    use crate::syntax::treesitter::{parse, Grammar};
    use crate::Settings;

    #[test]
    fn finds_functions_and_what_their_bodies_create() {
        let source = "class A { \
            int Plain(int x) { return x + 1; } \
            void Opens() { var s = new FileStream(p, FileMode.Open); } \
            void Lambda() { Run(() => new Timer()); int Local() => 1; } \
            bool TryIt(out Stream s) { s = null; return false; } \
            void Calls() { var r = File.OpenRead(p); } \
            void Abstracted(); \
            class Inner { void Nested() { new Thread(); } } }";
        let tree = parse(Grammar::CSharp, source, std::time::Duration::from_secs(5)).unwrap();
        let index = Index::default();
        let settings = Settings::default();
        let know = Knowledge::new(&index, &settings);
        let decl = tree.root_node().named_child(0).unwrap();
        let found = functions(decl, source, &know, |_, _| {});
        let summary: Vec<(&str, bool, usize)> = found
            .iter()
            .map(|s| {
                let name = field(s.function, "name").map_or("", |n| syntax::text(n, source));
                (name, s.creates, s.local_functions.len())
            })
            .collect();
        // The lambda's `new` is its own, not `Lambda`'s; an `out` parameter is no creation in
        // the body; `Inner` is surveyed on its own.
        assert_eq!(
            summary,
            vec![
                ("Plain", false, 0),
                ("Opens", true, 0),
                ("Lambda", false, 1),
                ("", true, 0),
                ("Local", false, 0),
                ("TryIt", false, 0),
                ("Calls", true, 0),
            ]
        );
    }
}
