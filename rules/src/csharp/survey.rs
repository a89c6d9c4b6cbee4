//! One walk over a file, in the parse pass, that outlines what the check pass reads: the type
//! declarations and, for each, the functions to lower (with what lowering needs to know first:
//! whether the body may create a disposable at all, and its local functions) and the
//! assignments and calls the field rules read. A body that creates nothing has nothing to
//! report, and is not lowered.
//!
//! The check pass finds the outlined nodes again by their index in document order (tree-sitter's
//! descendant index), which in the file's flat copy is one read, rather than walking the whole
//! file again.

use crate::syntax::flat::Node;

use super::disposables::Knowledge;
use super::syntax::{self, field, kind_of, named_children};
use crate::TextRange;

/// A function-like declaration whose body may create a disposable, found again in the tree.
pub(crate) struct Surveyed<'t> {
    pub function: Node<'t>,
    pub body: Node<'t>,
    /// The `local_function_statement`s of the body, outside nested functions.
    pub local_functions: Vec<Node<'t>>,
}

/// The file's functions outside any type declaration, then each type declaration, in document
/// order. Nodes are descendant indices (see the module comment).
#[derive(Debug, Default)]
pub(crate) struct Outline {
    pub top_level: Vec<FunctionOutline>,
    pub types: Vec<TypeOutline>,
}

/// A type declaration: its functions (not those of the types nested in it, which are outlined
/// on their own) and, for a class or record, its assignments, calls and creations.
#[derive(Debug, Default)]
pub(crate) struct TypeOutline {
    pub decl: usize,
    pub is_class: bool,
    pub functions: Vec<FunctionOutline>,
    /// The [`super::fields::is_field_use`] nodes, in document order.
    pub field_uses: Vec<usize>,
}

/// A function-like declaration with a body.
#[derive(Debug, Default)]
pub(crate) struct FunctionOutline {
    function: usize,
    body: usize,
    /// The body has a target-typed `new()` or an `out` argument, outside the functions nested
    /// in it (they are lowered on their own; the body only sees what they capture).
    creates: bool,
    /// Until `creates` is known, what only the project index and the settings tell: the types
    /// the body creates with `new T(..)` (any may be disposable) and the names of the methods
    /// it calls (any may be a factory).
    created_types: Vec<TextRange>,
    calls: Vec<TextRange>,
    local_functions: Vec<usize>,
}

impl FunctionOutline {
    /// True when the body may create a disposable: a `new` of a disposable type, a
    /// target-typed `new()`, an `out` argument, or a call that may be a factory. Lowering a body
    /// that creates none finds nothing to report.
    pub fn creates(&self, source: &str, know: &Knowledge) -> bool {
        let written = |r: &TextRange| source.get(r.start..r.end).unwrap_or("");
        self.creates
            || self.created_types.iter().any(|t| know.is_reportable(syntax::simple_type_name(written(t))))
            || self.calls.iter().any(|m| know.may_create(written(m)))
    }
}

/// Finds outlined nodes again by their index.
pub(crate) struct Locator<'t> {
    root: Node<'t>,
}

impl<'t> Locator<'t> {
    /// `root` must be the root the outline was made from.
    pub fn new(root: Node<'t>) -> Locator<'t> {
        Locator { root }
    }

    pub fn node(&self, index: usize) -> Node<'t> {
        self.root.descendant(index).unwrap_or(self.root)
    }

    /// The function, if its body may create a disposable.
    pub fn surveyed(&self, f: &FunctionOutline, source: &str, know: &Knowledge) -> Option<Surveyed<'t>> {
        if !f.creates(source, know) {
            return None;
        }
        Some(Surveyed {
            function: self.node(f.function),
            body: self.node(f.body),
            local_functions: f.local_functions.iter().map(|i| self.node(*i)).collect(),
        })
    }
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

/// An entered node: the type declaration (or the top level) its children belong to, and the
/// function body.
#[derive(Clone, Copy)]
struct Level<'t> {
    scope: Scope,
    frame: Frame<'t>,
}

/// Whose outline a node is part of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    TopLevel,
    Type(usize),
}

/// Outlines the file below `root` in one walk. Also returns the type declarations (in document
/// order), for the index facts gathered in the same pass.
pub(crate) fn outline<'t>(root: Node<'t>, source: &str) -> (Outline, Vec<Node<'t>>) {
    let mut out = Outline::default();
    let mut types = Vec::new();
    // The values of the `using`s entered and not yet reached.
    let mut released: Vec<Node<'t>> = Vec::new();
    // The entered nodes with children, with the index just past their subtrees.
    let mut levels: Vec<(usize, Level)> = Vec::new();
    for node in root.descendants() {
        while levels.last().is_some_and(|(end, _)| node.id() >= *end) {
            levels.pop();
        }
        let (scope, owner) = match levels.last() {
            Some((_, level)) => (level.scope, owner_of(level.frame, node)),
            None => (Scope::TopLevel, None),
        };
        let kind = kind_of(&node);
        let at = node.id() - root.id();
        if let Scope::Type(t) = scope {
            if out.types[t].is_class && super::fields::is_field_use(node, kind, source) {
                out.types[t].field_uses.push(at);
            }
        }
        let functions = match scope {
            Scope::TopLevel => &mut out.top_level,
            Scope::Type(t) => &mut out.types[t].functions,
        };
        if let Some(Frame::Function(Some((index, body)))) = levels.last().map(|(_, l)| l.frame) {
            if body == node {
                functions[index].body = at;
            }
        }
        let disposed_at_once = released.iter().position(|r| *r == node).map(|i| released.swap_remove(i));
        if let Some(index) = owner {
            if disposed_at_once.is_none() {
                note(&mut functions[index], node, kind, at);
            }
            released_by_using(node, kind, source, &mut released);
        }
        let level = if syntax::is_type_declaration(kind) {
            if let Some(index) = owner {
                note_type_in_body(&mut functions[index], node, at);
            }
            types.push(node);
            let is_class = matches!(kind, "class_declaration" | "record_declaration");
            out.types.push(TypeOutline { decl: at, is_class, ..TypeOutline::default() });
            Level { scope: Scope::Type(out.types.len() - 1), frame: Frame::Inherit(None) }
        } else if syntax::is_function_like(kind) {
            let frame = Frame::Function(function_body(node).map(|body| {
                functions.push(FunctionOutline { function: at, ..FunctionOutline::default() });
                (functions.len() - 1, body)
            }));
            Level { scope, frame }
        } else {
            Level { scope, frame: Frame::Inherit(owner) }
        };
        let end = node.subtree_end();
        if end > node.id() + 1 {
            levels.push((end, level));
        }
    }
    (out, types)
}

fn owner_of<'t>(frame: Frame<'t>, child: Node<'t>) -> Option<usize> {
    match frame {
        Frame::Inherit(owner) => owner,
        Frame::Function(Some((index, body))) if body == child => Some(index),
        Frame::Function(_) => None,
    }
}

/// The creations and calls whose value a `using` (`node`, of `kind`) disposes at once: lowering
/// gives them to `Dest::Released` (`Lowerer::declaration`, `using_statement`, the `await`
/// case of `expr_at`), where they are no site to report. A body whose only creations are
/// these is not lowered. Other forms (`using var x = c ? new A() : new B()`) are not followed:
/// their creations count, as they may be lowered to no site.
fn released_by_using<'t>(node: Node<'t>, kind: &str, source: &str, released: &mut Vec<Node<'t>>) {
    // The declarations whose declarators' values are disposed, and the disposed expressions.
    let (mut declarations, mut values) = (Vec::new(), Vec::new());
    match kind {
        "local_declaration_statement" if syntax::has_token(node, "using") => {
            declarations
                .extend(named_children(node).into_iter().find(|c| kind_of(c) == "variable_declaration"));
        }
        "using_statement" => {
            let body = field(node, "body");
            for child in named_children(node).into_iter().filter(|c| Some(*c) != body) {
                match kind_of(&child) {
                    "variable_declaration" => declarations.push(child),
                    _ => values.push(child),
                }
            }
        }
        _ => return,
    }
    for declarator in
        declarations.into_iter().flat_map(named_children).filter(|d| kind_of(d) == "variable_declarator")
    {
        values.extend(syntax::declarator_value(declarator));
    }
    for value in values {
        let value = match kind_of(&value) {
            "await_expression" => value.named_child(0).map(|inner| syntax::unwrap_value(inner, source)),
            _ => Some(value),
        };
        released.extend(
            value.filter(|v| matches!(kind_of(v), "object_creation_expression" | "invocation_expression")),
        );
    }
}

/// Counts one node of a function's body; `at` is its descendant index.
fn note(outline: &mut FunctionOutline, node: Node, kind: &str, at: usize) {
    match kind {
        "local_function_statement" => outline.local_functions.push(at),
        "implicit_object_creation_expression" | "out" => {
            outline.creates = true;
            outline.created_types = Vec::new();
            outline.calls = Vec::new();
        }
        "object_creation_expression" if !outline.creates => {
            outline.created_types.extend(field(node, "type").map(syntax::range));
        }
        "invocation_expression" if !outline.creates => {
            if let Some(name) = syntax::invoked_name(node) {
                outline.calls.push(syntax::range(name));
            }
        }
        _ => {}
    }
}

/// Only in a broken tree does a type sit in a body: what the body's lowering walks into (the
/// nodes below `ty`, without entering nested functions) is counted for it, as elsewhere. `at`
/// is the descendant index of `ty`; the nodes below it follow it in the walk's order.
fn note_type_in_body(outline: &mut FunctionOutline, ty: Node, at: usize) {
    let mut order = ty.preorder();
    while let Some(node) = order.next() {
        let kind = kind_of(&node);
        if node != ty {
            note(outline, node, kind, at + (node.id() - ty.id()));
            if syntax::is_function_like(kind) {
                order.skip_below(node);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csharp::Index;
    use crate::syntax::flat::parse;
    use crate::syntax::treesitter::Grammar;
    use crate::Settings;

    #[test]
    fn outlines_functions_and_what_their_bodies_create() {
        let source = "class A { \
            int Plain(int x) { return x + 1; } \
            void Lists() { var l = new List<int>(); } \
            void Opens() { var s = new FileStream(p, FileMode.Open); } \
            void Lambda() { Run(() => new Timer()); int Local() => 1; } \
            bool TryIt(out Stream s) { s = null; return false; } \
            void Calls() { var r = File.OpenRead(p); } \
            void Abstracted(); \
            class Inner { void Nested() { new Process(); } } }";
        let tree = parse(Grammar::CSharp, source);
        let index = Index::default();
        let settings = Settings::default();
        let know = Knowledge::new(&index, &settings);
        let (outline, types) = outline(tree.root(), source);
        assert_eq!(types.len(), 2);
        assert!(outline.top_level.is_empty());
        let at = Locator::new(tree.root());
        let summary = |t: &TypeOutline, at: &Locator| -> Vec<(String, bool, usize)> {
            t.functions
                .iter()
                .map(|f| {
                    let name = field(at.node(f.function), "name").map_or("", |n| syntax::text(n, source));
                    (name.to_string(), f.creates(source, &know), f.local_functions.len())
                })
                .collect()
        };
        // A `List` is not disposable; the lambda's `new` is its own, not `Lambda`'s; an `out`
        // parameter is no creation in the body; `Inner` is outlined on its own.
        let expected = [
            ("Plain", false, 0),
            ("Lists", false, 0),
            ("Opens", true, 0),
            ("Lambda", false, 1),
            ("", true, 0),
            ("Local", false, 0),
            ("TryIt", false, 0),
            ("Calls", true, 0),
        ];
        let expected: Vec<(String, bool, usize)> =
            expected.iter().map(|(n, c, l)| (n.to_string(), *c, *l)).collect();
        assert_eq!(summary(&outline.types[0], &at), expected);
        assert_eq!(summary(&outline.types[1], &at), vec![("Nested".to_string(), true, 0)]);
        assert_eq!(at.node(outline.types[1].decl), types[1]);
        let local = at.node(outline.types[0].functions[3].local_functions[0]);
        assert_eq!(kind_of(&local), "local_function_statement");
        let surveyed = at.surveyed(&outline.types[0].functions[2], source, &know).unwrap();
        assert_eq!(kind_of(&surveyed.body), "block");
        assert!(at.surveyed(&outline.types[0].functions[0], source, &know).is_none());
    }

    #[test]
    fn what_a_using_disposes_at_once_is_no_creation() {
        let source = "class A { \
            void Read(string p) { using var s = new FileStream(p); using (var r = File.OpenText(p)) { } } \
            async Task Send() { using var m = await _client.SendAsync(q).ConfigureAwait(false); } \
            void Either(bool c) { using var s = c ? new FileStream(p) : new MemoryStream(); } \
            void Inner() { using var w = new StreamWriter(new FileStream(p)); } \
            async Task Bare() { var m = await _client.SendAsync(q).ConfigureAwait(false); } }";
        let tree = parse(Grammar::CSharp, source);
        let index = Index::default();
        let settings = Settings::default();
        let know = Knowledge::new(&index, &settings);
        let (outline, _) = outline(tree.root(), source);
        let creates: Vec<bool> =
            outline.types[0].functions.iter().map(|f| f.creates(source, &know)).collect();
        // A conditional's arms and a wrapper's argument are not followed: they may leak.
        assert_eq!(creates, vec![false, false, true, true, true]);
    }

    #[test]
    fn field_uses_are_the_classes_own_and_found_again() {
        let source = "class A { Stream _s; A() { _s = new FileStream(p); Log(); x.Run(); \
            _bag.Add(_s); var r = new StreamReader(_s); } \
            struct B { void M() { _t = Make(); } } }";
        let tree = parse(Grammar::CSharp, source);
        let (outline, _) = outline(tree.root(), source);
        let at = Locator::new(tree.root());
        let kinds: Vec<&str> = outline.types[0].field_uses.iter().map(|i| kind_of(&at.node(*i))).collect();
        // Not `new FileStream(..)`, `Log()` nor `x.Run()`: they hand no member to a container.
        assert_eq!(
            kinds,
            vec!["assignment_expression", "invocation_expression", "object_creation_expression"]
        );
        assert!(outline.types[1].field_uses.is_empty(), "a struct's uses are not read");
        // Any node is found again by its index, in any order.
        let all: Vec<Node> = tree.root().descendants().collect();
        for (i, node) in all.iter().enumerate().rev() {
            assert_eq!(at.node(i), *node);
        }
    }
}
