//! Small helpers over tree-sitter-c-sharp nodes: names, types and the shapes the rules look for.

use std::sync::OnceLock;

use crate::syntax::flat::{self, Node};
use crate::TextRange;

/// The source text of a node.
pub(crate) fn text<'t>(node: Node, source: &'t str) -> &'t str {
    node.text(source)
}

pub(crate) fn range(node: Node) -> TextRange {
    flat::range(node)
}

/// The named children of a node, collected.
pub(crate) fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    node.named_children().collect()
}

/// All the children of a node, named and anonymous, collected.
pub(crate) fn children(node: Node<'_>) -> Vec<Node<'_>> {
    node.children().collect()
}

fn grammar() -> &'static tree_sitter::Language {
    static LANGUAGE: OnceLock<tree_sitter::Language> = OnceLock::new();
    LANGUAGE.get_or_init(|| tree_sitter_c_sharp::LANGUAGE.into())
}

/// A node's kind, from a table of the grammar's kind names built once (the rules ask for the
/// kind of nearly every node they pass).
pub(crate) fn kind_of<'t>(node: &Node<'t>) -> &'t str {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let language = grammar();
        (0..language.node_kind_count())
            .map(|id| u16::try_from(id).ok().and_then(|id| language.node_kind_for_id(id)).unwrap_or(""))
            .collect()
    });
    // The one kind past the table is tree-sitter's error symbol.
    names.get(usize::from(node.kind_id())).copied().unwrap_or("ERROR")
}

/// The fields the rules read, most asked for first.
const FIELDS: [&str; 17] = [
    "name",
    "type",
    "body",
    "left",
    "right",
    "expression",
    "function",
    "arguments",
    "condition",
    "value",
    "operator",
    "parameters",
    "pattern",
    "consequence",
    "alternative",
    "returns",
    "initializer",
];

/// The child in field `name`. The ids of the fields the rules read most are looked up once,
/// and found by comparing the name with those few; any other is looked up by name.
pub(crate) fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    static IDS: OnceLock<[u16; FIELDS.len()]> = OnceLock::new();
    let ids = IDS.get_or_init(|| FIELDS.map(|f| grammar().field_id_for_name(f).map_or(0, |id| id.get())));
    match FIELDS.iter().position(|f| *f == name) {
        Some(slot) if ids[slot] != 0 => node.child_by_field_id(ids[slot]),
        _ => node.child_by_field_id(field_id(name)?),
    }
}

fn field_id(name: &str) -> Option<u16> {
    grammar().field_id_for_name(name).map(|id| id.get())
}

/// Every child in field `name`.
pub(crate) fn fields<'t>(node: Node<'t>, name: &str) -> impl Iterator<Item = Node<'t>> {
    node.children_by_field_id(field_id(name).unwrap_or(0))
}

/// The name of the field a node fills in its parent, if any.
pub(crate) fn field_name(node: Node<'_>) -> Option<&'static str> {
    let id = std::num::NonZeroU16::new(node.field_id())?;
    grammar().field_name_for_id(id.get())
}

/// True when `node` has an anonymous token child spelled `token` (`using`, `await`, `out`, ...).
pub(crate) fn has_token(node: Node, token: &str) -> bool {
    children(node).iter().any(|c| !c.is_named() && kind_of(c) == token)
}

/// The simple name of a type as written: `System.IO.FileStream` -> `FileStream`,
/// `List<Stream>` -> `List`, `Stream?` -> `Stream`, `global::X.Y` -> `Y`.
pub(crate) fn simple_type_name(written: &str) -> &str {
    let base = written.split('<').next().unwrap_or(written).trim().trim_end_matches('?').trim();
    let base = base.rsplit("::").next().unwrap_or(base);
    base.rsplit('.').next().unwrap_or(base).trim()
}

/// `Task<T>` / `ValueTask<T>` (any qualification) -> the simple name of `T`.
pub(crate) fn task_result(written: &str) -> Option<&str> {
    let open = written.find('<')?;
    let head = simple_type_name(&written[..open]);
    if head != "Task" && head != "ValueTask" {
        return None;
    }
    let inner = written[open + 1..].trim_end().strip_suffix('>')?;
    Some(simple_type_name(inner))
}

/// The written type of a declaration node (`type` field), or `None` for `var`.
pub(crate) fn declared_type<'t>(node: Node, source: &'t str) -> Option<&'t str> {
    let ty = field(node, "type")?;
    (kind_of(&ty) != "implicit_type").then(|| text(ty, source))
}

/// True when a `modifier` child of `node` reads one of `words`.
pub(crate) fn has_modifier(node: Node, source: &str, words: &[&str]) -> bool {
    has_keyword_child(node, source, words, false)
}

/// True when `node` has one of `words` as a `modifier` child or as an anonymous token (the
/// grammar gives a parameter's `out` / `ref` either way), found in one pass over its children.
pub(crate) fn has_keyword(node: Node, source: &str, words: &[&str]) -> bool {
    has_keyword_child(node, source, words, true)
}

fn has_keyword_child(node: Node, source: &str, words: &[&str], tokens: bool) -> bool {
    children(node).iter().any(|c| {
        if c.is_named() {
            kind_of(c) == "modifier" && words.contains(&text(*c, source))
        } else {
            tokens && words.contains(&kind_of(c))
        }
    })
}

/// Strips parentheses, casts, `as`, the null-forgiving `!` and `.ConfigureAwait(..)`: the
/// expression whose value this one is.
pub(crate) fn unwrap_value<'t>(mut node: Node<'t>, source: &str) -> Node<'t> {
    loop {
        let next = match kind_of(&node) {
            "parenthesized_expression" => node.named_child(0),
            "cast_expression" => field(node, "value"),
            "as_expression" => field(node, "left"),
            "postfix_unary_expression" if text(node, source).ends_with('!') => node.named_child(0),
            "invocation_expression" => configure_await_receiver(node, source),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return node,
        }
    }
}

fn configure_await_receiver<'t>(call: Node<'t>, source: &str) -> Option<Node<'t>> {
    let (receiver, name) = invoked_member(call, source)?;
    (name == "ConfigureAwait").then_some(receiver).flatten()
}

/// For `recv.Name(..)`, `recv?.Name(..)` and `Name(..)`: the receiver (if any) and the name.
pub(crate) fn invoked_member<'t, 's>(call: Node<'t>, source: &'s str) -> Option<(Option<Node<'t>>, &'s str)> {
    let (receiver, name) = invoked(call)?;
    Some((receiver, text(name, source)))
}

/// Whether a call names its method with type arguments (`client.GetResponse<Order>(..)`): the
/// name [`invoked_name`] reads is then inside a `generic_name`.
pub(crate) fn is_generic_call(call: Node<'_>) -> bool {
    invoked_name(call).and_then(|name| name.parent()).is_some_and(|p| kind_of(&p) == "generic_name")
}

/// The node of the method name [`invoked_member`] reads.
pub(crate) fn invoked_name(call: Node<'_>) -> Option<Node<'_>> {
    invoked(call).map(|(_, name)| name)
}

fn invoked(call: Node<'_>) -> Option<(Option<Node<'_>>, Node<'_>)> {
    let function = field(call, "function")?;
    match kind_of(&function) {
        "member_access_expression" => {
            let name = field(function, "name")?;
            Some((field(function, "expression"), simple_name_node(name)))
        }
        "conditional_access_expression" => {
            let binding =
                named_children(function).into_iter().find(|c| kind_of(c) == "member_binding_expression")?;
            let name = field(binding, "name")?;
            Some((field(function, "condition"), simple_name_node(name)))
        }
        "identifier" => Some((None, function)),
        "generic_name" => Some((None, simple_name_node(function))),
        _ => None,
    }
}

/// `Foo<T>` -> the `Foo` identifier; anything else is itself.
fn simple_name_node(node: Node<'_>) -> Node<'_> {
    if kind_of(&node) == "generic_name" {
        if let Some(id) = named_children(node).into_iter().find(|c| kind_of(c) == "identifier") {
            return id;
        }
    }
    node
}

/// The value of a variable declarator (`name = value`), as lowering and the outline read it.
pub(crate) fn declarator_value(declarator: Node<'_>) -> Option<Node<'_>> {
    let name = field(declarator, "name");
    named_children(declarator)
        .into_iter()
        .find(|c| Some(*c) != name && kind_of(c) != "bracketed_argument_list")
}

/// The arguments of a call or creation, in order.
pub(crate) fn arguments(node: Node<'_>) -> Vec<Node<'_>> {
    let list = field(node, "arguments")
        .or_else(|| named_children(node).into_iter().find(|c| kind_of(c) == "argument_list"));
    let Some(list) = list else { return Vec::new() };
    list.named_children().filter(|a| kind_of(a) == "argument").collect()
}

/// The value expression of an argument (skipping its `name:`).
pub(crate) fn argument_value(arg: Node<'_>) -> Option<Node<'_>> {
    let name = field(arg, "name");
    named_children(arg).into_iter().find(|c| Some(*c) != name)
}

/// An argument read in one pass over its children: its value (as [`argument_value`]) and
/// whether it is passed `out` or `ref`.
pub(crate) struct ArgumentParts<'t> {
    pub value: Option<Node<'t>>,
    pub is_out: bool,
    pub is_ref: bool,
}

pub(crate) fn argument_parts(arg: Node<'_>) -> ArgumentParts<'_> {
    let mut parts = ArgumentParts { value: None, is_out: false, is_ref: false };
    for child in arg.children() {
        if child.is_named() {
            if parts.value.is_none() && field_name(child) != Some("name") {
                parts.value = Some(child);
            }
        } else {
            match kind_of(&child) {
                "out" => parts.is_out = true,
                "ref" => parts.is_ref = true,
                _ => {}
            }
        }
    }
    parts
}

/// `name: true` among the arguments (`leaveOpen: true`, `disposeHandler: false`).
pub(crate) fn named_argument<'t>(args: &[Node<'t>], source: &str, name: &str) -> Option<Node<'t>> {
    args.iter()
        .find(|a| field(**a, "name").is_some_and(|n| text(n, source) == name))
        .and_then(|a| argument_value(*a))
}

/// `this.name` or `name`: the member name (for fields), else `None`.
pub(crate) fn member_of_this<'t>(node: Node, source: &'t str) -> Option<&'t str> {
    match kind_of(&node) {
        "identifier" => Some(text(node, source)),
        "member_access_expression" => {
            let receiver = field(node, "expression")?;
            (kind_of(&receiver) == "this_expression" || text(receiver, source) == "this")
                .then(|| field(node, "name").map(|n| text(n, source)))
                .flatten()
        }
        _ => None,
    }
}

/// The nearest ancestor of `node` whose kind satisfies `is`.
pub(crate) fn enclosing<'t>(node: Node<'t>, is: impl Fn(&str) -> bool) -> Option<Node<'t>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is(kind_of(&n)) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// Calls `visit` with `root` and every node below it in document order, each with its
/// ancestors (outermost first, `root` included).
pub(crate) fn walk_with_ancestors<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, &[Node<'t>])) {
    let mut path: Vec<Node<'t>> = Vec::new();
    for node in root.descendants() {
        // Leave the ancestors whose subtrees end before `node`.
        while path.last().is_some_and(|open| node.id() >= open.subtree_end()) {
            path.pop();
        }
        visit(node, &path);
        path.push(node);
    }
}

/// `root` and the nodes below it in document order, without entering the nodes (other than
/// `root`) whose kind `prune` accepts: they are visited, their insides are not.
pub(crate) fn pruned_descendants<'t>(
    root: Node<'t>,
    prune: fn(&str) -> bool,
) -> impl Iterator<Item = Node<'t>> {
    let mut order = root.preorder();
    std::iter::from_fn(move || {
        let node = order.next()?;
        if node != root && prune(kind_of(&node)) {
            order.skip_below(node);
        }
        Some(node)
    })
}

/// Declarations whose bodies are lowered on their own.
pub(crate) fn is_function_like(kind: &str) -> bool {
    matches!(
        kind,
        "method_declaration"
            | "constructor_declaration"
            | "destructor_declaration"
            | "operator_declaration"
            | "conversion_operator_declaration"
            | "accessor_declaration"
            | "local_function_statement"
            | "lambda_expression"
            | "anonymous_method_expression"
            | "property_declaration"
            | "indexer_declaration"
    )
}

pub(crate) fn is_type_declaration(kind: &str) -> bool {
    matches!(
        kind,
        "class_declaration" | "struct_declaration" | "record_declaration" | "interface_declaration"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruned_walk_visits_but_does_not_enter_pruned_nodes() {
        let source = "class A { void M() { var f = () => { var inner = 1; }; var outer = 2; } }";
        let tree = flat::parse(crate::syntax::treesitter::Grammar::CSharp, source);
        let names: Vec<&str> = pruned_descendants(tree.root(), |k| k == "lambda_expression")
            .filter(|n| kind_of(n) == "variable_declarator")
            .filter_map(|n| field(n, "name").map(|n| text(n, source)))
            .collect();
        assert_eq!(names, vec!["f", "outer"]);
        assert_eq!(pruned_descendants(tree.root(), |_| false).count(), tree.root().descendants().count());
    }

    #[test]
    fn walk_with_ancestors_visits_in_document_order_with_the_path() {
        let statements: String = (0..40).map(|i| format!("Use(x{i}, (y{i})); ")).collect();
        let source = format!("class A {{ void M() {{ {statements} }} }}");
        let tree = flat::parse(crate::syntax::treesitter::Grammar::CSharp, &source);
        let root = tree.root();
        let mut seen = Vec::new();
        walk_with_ancestors(root, |node, ancestors| {
            let mut expected = Vec::new();
            let mut up = node.parent().filter(|_| node != root);
            while let Some(p) = up {
                expected.push(p);
                up = p.parent().filter(|_| p != root);
            }
            expected.reverse();
            assert_eq!(ancestors, expected.as_slice());
            seen.push(node);
        });
        assert_eq!(seen, root.descendants().collect::<Vec<_>>());
    }

    #[test]
    fn type_names() {
        assert_eq!(simple_type_name("System.IO.FileStream"), "FileStream");
        assert_eq!(simple_type_name("List<Stream>"), "List");
        assert_eq!(simple_type_name("Stream?"), "Stream");
        assert_eq!(simple_type_name("global::A.B"), "B");
        assert_eq!(task_result("Task<HttpResponseMessage>"), Some("HttpResponseMessage"));
        assert_eq!(task_result("System.Threading.Tasks.ValueTask<IO.Stream?>"), Some("Stream"));
        assert_eq!(task_result("List<Stream>"), None);
    }
}
