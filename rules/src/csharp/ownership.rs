//! Does a piece of code take ownership of a value it receives? A syntactic scan used for the
//! parameters of the project's methods (interprocedural CA2000), local functions, and locals
//! captured by lambdas: the value is disposed, stored, returned or handed to an owner there.

use crate::syntax::flat::Node;

use super::disposables::{COLLECTION_ADDS, LEAVE_OPEN_ARGUMENTS, OWNING_METHODS, RELEASE_METHODS};
use super::syntax::{self, field, kind_of, named_children, text};

/// How deep aliases (`var s = stream;`) are followed.
const MAX_ALIAS_DEPTH: usize = 4;

/// The names among `candidates` that `body` disposes, stores, returns or hands to an owning
/// wrapper or collection, directly or through a local alias. One walk per alias level.
pub(crate) fn consumed<'s>(body: Node, source: &'s str, candidates: &[&'s str]) -> Vec<&'s str> {
    scan(body, source, candidates).0
}

/// A value handed on as an argument to a method or constructor, which may own it in turn (the
/// index decides, once every method of the project is known).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Forward {
    pub callee: String,
    pub arity: usize,
    pub position: usize,
}

/// What `consumed` finds, plus the calls each candidate is handed to.
type Scan<'s> = (Vec<&'s str>, Vec<(&'s str, Forward)>);

fn scan<'s>(body: Node, source: &'s str, candidates: &[&'s str]) -> Scan<'s> {
    let mut consumed: Vec<&'s str> = Vec::new();
    let mut forwards = Vec::new();
    // The locals declared in the scanned code: assigning to one makes an alias. They are
    // gathered in the first walk, so what an assignment makes is settled after it.
    let mut locals: Vec<&str> = Vec::new();
    // (name being followed, the candidate it stands for)
    let mut followed: Vec<(&'s str, &'s str)> = candidates.iter().map(|c| (*c, *c)).collect();
    for level in 0..=MAX_ALIAS_DEPTH {
        if followed.is_empty() {
            break;
        }
        // (the candidate, how this occurrence uses it), in document order.
        let mut uses = Vec::new();
        let first = level == 0;
        identifiers_with_ancestors(
            body,
            |name| {
                if first {
                    locals.push(text(name, source));
                }
            },
            |node, ancestors| {
                let name = text(node, source);
                if let Some(&(_, original)) = followed.iter().find(|(n, _)| *n == name) {
                    uses.push((original, use_kind(node, ancestors, source)));
                }
            },
        );
        let mut aliases = Vec::new();
        for (original, use_) in uses {
            if consumed.contains(&original) {
                continue;
            }
            match use_ {
                Use::Consumed => consumed.push(original),
                Use::AssignedTo(left) => {
                    if kind_of(&left) == "identifier" && locals.contains(&text(left, source)) {
                        aliases.push((text(left, source), original));
                    } else {
                        consumed.push(original);
                    }
                }
                Use::AliasedAs(alias) => aliases.push((text(alias, source), original)),
                Use::Forwarded(forward) => forwards.push((original, forward)),
                Use::Other => {}
            }
        }
        aliases.retain(|(_, original)| !consumed.contains(original));
        followed = aliases;
    }
    (consumed, forwards)
}

/// For each parameter of `function` (in order), whether `scope` (its body, or the whole
/// declaration for a constructor's `: base(..)`) takes ownership of it.
pub(crate) fn consumed_parameters(function: Node, scope: Node, source: &str) -> Vec<(bool, Vec<Forward>)> {
    let names: Vec<&str> =
        parameters(function).iter().map(|p| field(*p, "name").map_or("", |n| text(n, source))).collect();
    let (consumed, forwards) = scan(scope, source, &names);
    names
        .iter()
        .map(|n| {
            let owned = !n.is_empty() && consumed.contains(n);
            let handed = forwards.iter().filter(|(o, _)| !owned && o == n).map(|(_, f)| f.clone()).collect();
            (owned, handed)
        })
        .collect()
}

/// The `parameter` nodes of a method, constructor or local function.
pub(crate) fn parameters(function: Node<'_>) -> Vec<Node<'_>> {
    field(function, "parameters")
        .map(|list| named_children(list).into_iter().filter(|p| kind_of(p) == "parameter").collect())
        .unwrap_or_default()
}

enum Use<'t> {
    Consumed,
    /// The value of an assignment to `left`: an alias when `left` is a local of the scanned
    /// code, else the value is stored (consumed).
    AssignedTo(Node<'t>),
    AliasedAs(Node<'t>),
    Forwarded(Forward),
    Other,
}

/// Calls `visit` with every identifier below `root` and its ancestors (outermost first, `root`
/// included), tracked along the walk: `Node::parent` costs the depth of the tree each time.
/// `declared` sees the name of every `variable_declarator` (before the name itself is visited).
fn identifiers_with_ancestors<'t>(
    root: Node<'t>,
    mut declared: impl FnMut(Node<'t>),
    mut visit: impl FnMut(Node<'t>, &[Node<'t>]),
) {
    syntax::walk_with_ancestors(root, |node, ancestors| match kind_of(&node) {
        "identifier" => visit(node, ancestors),
        "variable_declarator" => {
            if let Some(name) = field(node, "name") {
                declared(name);
            }
        }
        _ => {}
    });
}

/// Classifies one occurrence of an identifier by the context its value flows into;
/// `ancestors` ends with its parent.
fn use_kind<'t>(ident: Node<'t>, ancestors: &[Node<'t>], source: &str) -> Use<'t> {
    let mut value = ident;
    let mut up = ancestors.len();
    let ancestor = |i: usize| if i == 0 { None } else { ancestors.get(i - 1).copied() };
    let Some(mut parent) = ancestor(up) else { return Use::Other };
    while matches!(kind_of(&parent), "parenthesized_expression" | "cast_expression" | "as_expression")
        || (kind_of(&parent) == "postfix_unary_expression" && text(parent, source).ends_with('!'))
        || passes_through(parent, value, source)
    {
        if kind_of(&parent) == "cast_expression" && field(parent, "value") != Some(value) {
            return Use::Other;
        }
        value = parent;
        up -= 1;
        parent = match ancestor(up) {
            Some(p) => p,
            None => return Use::Other,
        };
    }
    let grandparent = ancestor(up - 1);
    match kind_of(&parent) {
        "member_access_expression" if field(parent, "expression") == Some(value) => {
            let released = field(parent, "name").is_some_and(|n| RELEASE_METHODS.contains(&text(n, source)));
            let called = grandparent.is_some_and(|g| kind_of(&g) == "invocation_expression");
            if released && called {
                Use::Consumed
            } else {
                Use::Other
            }
        }
        "conditional_access_expression" if field(parent, "condition") == Some(value) => {
            let released = named_children(parent).iter().any(|c| {
                kind_of(c) == "member_binding_expression"
                    && field(*c, "name").is_some_and(|n| RELEASE_METHODS.contains(&text(n, source)))
            });
            if released {
                Use::Consumed
            } else {
                Use::Other
            }
        }
        "using_statement" | "return_statement" | "arrow_expression_clause" | "yield_statement" => {
            Use::Consumed
        }
        "lambda_expression" if field(parent, "body") == Some(value) => Use::Consumed,
        "assignment_expression" if field(parent, "right") == Some(value) => {
            field(parent, "left").map_or(Use::Consumed, Use::AssignedTo)
        }
        // `using var owned = stream;` / `using (var owned = stream)`: disposed at the end.
        "variable_declarator"
            if ancestor(up.saturating_sub(2)).is_some_and(|s| disposes_its_declarations(s)) =>
        {
            Use::Consumed
        }
        "variable_declarator" => field(parent, "name").map_or(Use::Other, Use::AliasedAs),
        "initializer_expression" | "collection_expression" | "tuple_expression" | "expression_element" => {
            Use::Consumed
        }
        "argument" => argument_use(parent, grandparent, ancestor(up.saturating_sub(2)), source),
        _ => Use::Other,
    }
}

/// A `using` statement or declaration: what it declares is disposed when its scope ends.
fn disposes_its_declarations(statement: Node<'_>) -> bool {
    kind_of(&statement) == "using_statement"
        || (kind_of(&statement) == "local_declaration_statement" && syntax::has_token(statement, "using"))
}

/// Whether `value` is what `parent` may evaluate to, as in the guards a constructor writes
/// before storing a parameter: `inner ?? throw new ArgumentNullException(..)`, `inner is null ?
/// throw .. : inner`, `ok ? inner : null`.
fn passes_through(parent: Node<'_>, value: Node<'_>, source: &str) -> bool {
    match kind_of(&parent) {
        "binary_expression" => {
            field(parent, "left") == Some(value)
                && field(parent, "operator").is_some_and(|o| text(o, source) == "??")
        }
        "conditional_expression" => field(parent, "condition") != Some(value),
        _ => false,
    }
}

/// An argument is consumed by an owning wrapper's constructor (without `leaveOpen: true`), a
/// collection's `Add`, or a tuple/initializer; handed on (forwarded) to any other call.
fn argument_use<'t>(arg: Node<'t>, list: Option<Node<'t>>, call: Option<Node<'t>>, source: &str) -> Use<'t> {
    let Some(list) = list else { return Use::Other };
    if kind_of(&list) == "tuple_expression" {
        return Use::Consumed;
    }
    let Some(call) = call else { return Use::Other };
    let args = syntax::arguments(call);
    let forward = |callee: &str| {
        let position = args.iter().position(|a| *a == arg).unwrap_or(usize::MAX);
        Use::Forwarded(Forward { callee: callee.to_string(), arity: args.len(), position })
    };
    match kind_of(&call) {
        // `: base(stream)` / `: this(stream)`: the object under construction keeps it.
        "constructor_initializer" => Use::Consumed,
        "object_creation_expression" => {
            let ty = field(call, "type").map(|t| syntax::simple_type_name(text(t, source))).unwrap_or("");
            if super::disposables::OWNING_WRAPPER_NAMES.contains(&ty) && !leaves_open(&args, source) {
                Use::Consumed
            } else {
                forward(ty)
            }
        }
        "invocation_expression" => match syntax::invoked_member(call, source) {
            Some((Some(_), method)) if COLLECTION_ADDS.contains(&method) => Use::Consumed,
            Some((_, method)) if OWNING_METHODS.contains(&method) && arg.prev_named_sibling().is_none() => {
                Use::Consumed
            }
            Some((_, method)) => forward(method),
            None => Use::Other,
        },
        _ => Use::Other,
    }
}

/// True when the arguments include `leaveOpen: true` or `disposeHandler: false`.
pub(crate) fn leaves_open(args: &[Node], source: &str) -> bool {
    LEAVE_OPEN_ARGUMENTS.iter().any(|(name, keeps)| {
        syntax::named_argument(args, source, name)
            .is_some_and(|v| text(v, source) == if *keeps { "true" } else { "false" })
    })
}
