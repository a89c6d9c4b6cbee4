//! Small questions asked of TypeScript/JavaScript syntax nodes.

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, Ids, KindOf};

/// Global objects whose members are the plain globals: `window.setTimeout` is `setTimeout`.
const GLOBAL_OBJECTS: &[&str] = &["window", "globalThis", "global", "self"];

/// The expression under casts, non-null assertions and parentheses: `(id as number)!` is `id`.
pub fn unwrap(mut node: Node<'_>) -> Node<'_> {
    let ids = Ids::of(node);
    for _ in 0..64 {
        let inner = if ids.is_wrapper(node.kind_id()) {
            // A wrapper has a child or two (`<T>x`, `x as T`).
            node.named_children().find(|c| !is_type(*c))
        } else {
            None
        };
        match inner {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn is_type(node: Node) -> bool {
    node.kind_name().ends_with("_type")
        || matches!(
            node.kind_name(),
            "type_identifier" | "predefined_type" | "type_arguments" | "generic_type" | "comment"
        )
}

/// The node's source text.
pub fn text<'t>(node: Node, source: &'t str) -> &'t str {
    node.text(source)
}

/// The named children of a node, comments left out.
pub fn children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> + Clone + 't {
    let comment = Ids::of(node).comment;
    node.named_children().filter(move |c| c.kind_id() != comment)
}

/// The arguments of a call or `new` expression.
pub fn arguments(call: Node<'_>) -> Vec<Node<'_>> {
    call.field(Field::Arguments).map(|a| children(a).collect()).unwrap_or_default()
}

/// `setInterval`, `URL.createObjectURL`, `navigator.mediaDevices.getUserMedia`: the dotted path
/// of an identifier or member chain, without a leading `window.` / `globalThis.` / ...
pub fn path(node: Node, source: &str) -> Option<String> {
    const MOST_PARTS: usize = 32;
    let ids = Ids::of(node);
    // Last segment first; on the stack, as every call's callee is asked for its path.
    let mut parts = [""; MOST_PARTS];
    let mut current = unwrap(node);
    for count in 1..=MOST_PARTS {
        let kind = current.kind_id();
        if kind == ids.identifier {
            parts[count - 1] = text(current, source);
            let mut segments = parts[..count].iter().rev();
            if count > 1 && GLOBAL_OBJECTS.contains(&parts[count - 1]) {
                segments.next();
            }
            let mut path = String::with_capacity(segments.clone().map(|s| s.len() + 1).sum());
            for (i, segment) in segments.enumerate() {
                if i > 0 {
                    path.push('.');
                }
                path.push_str(segment);
            }
            return Some(path);
        }
        if kind != ids.member_expression {
            return None;
        }
        let property = current.field(Field::Property)?;
        if property.kind_id() != ids.property_identifier {
            return None;
        }
        parts[count - 1] = text(property, source);
        current = unwrap(current.field(Field::Object)?);
    }
    None
}

/// The name of the method a call invokes: `dispose` in `a.b.dispose()`.
pub fn method_name<'t>(call: Node, source: &'t str) -> Option<&'t str> {
    let ids = Ids::of(call);
    let callee = unwrap(call.field(Field::Function)?);
    if callee.kind_id() != ids.member_expression {
        return None;
    }
    Some(text(callee.field(Field::Property)?, source))
}

/// The receiver of a method call: `a.b` in `a.b.dispose()`.
pub fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    let ids = Ids::of(call);
    let callee = unwrap(call.field(Field::Function)?);
    (callee.kind_id() == ids.member_expression).then(|| callee.field(Field::Object)).flatten()
}

/// The value of a string literal or a template literal without substitutions, as written
/// (escapes are kept).
pub fn string_literal(node: Node, source: &str) -> Option<String> {
    match node.kind_name() {
        "string" => Some(string_contents(node, source).to_string()),
        "template_string" if !children(node).any(|c| c.kind_name() == "template_substitution") => {
            Some(children(node).map(|c| text(c, source)).collect())
        }
        _ => None,
    }
}

/// The text of a string literal between its quotes, read from the source: the flat copy
/// leaves a string's children out. An unterminated string has no closing quote to strip.
fn string_contents<'t>(string: Node, source: &'t str) -> &'t str {
    let written = text(string, source);
    let mut chars = written.chars();
    let Some(open) = chars.next() else { return "" };
    let inner = chars.as_str();
    inner.strip_suffix(open).unwrap_or(inner)
}

/// Can this expression be an event type? `this`, an object, a function or a number cannot: an
/// `addEventListener(this, type, fn)` with one first is some library's own three-argument
/// method (Chart.js's platform layer), not a DOM registration.
pub fn may_name_an_event(argument: Node) -> bool {
    !matches!(
        unwrap(argument).kind_name(),
        "this"
            | "object"
            | "array"
            | "arrow_function"
            | "function_expression"
            | "generator_function"
            | "class"
            | "number"
            | "true"
            | "false"
            | "null"
            | "undefined"
    )
}

/// The value a fallback defaults: `id` in `id || undefined` or `id ?? 0` (what a release is
/// given when the place may be empty).
pub fn defaulted(node: Node<'_>) -> Node<'_> {
    let mut value = unwrap(node);
    while value.kind_name() == "binary_expression"
        && value.field(Field::Operator).is_some_and(|o| matches!(o.kind_name(), "||" | "??"))
    {
        match value.field(Field::Left) {
            Some(left) => value = unwrap(left),
            None => break,
        }
    }
    value
}

/// The operator of a logical assignment (`a ??= v`, `a ||= v`, `a &&= v`), which evaluates
/// and stores `v` only on one side of a test of `a`; `None` for any other node.
pub fn logical_assignment(node: Node<'_>) -> Option<&'static str> {
    if node.kind_id() != Ids::of(node).augmented_assignment_expression {
        return None;
    }
    match node.field(Field::Operator)?.kind_name() {
        "??=" => Some("??="),
        "||=" => Some("||="),
        "&&=" => Some("&&="),
        _ => None,
    }
}

/// A listener argument's handler, under casts and parentheses: a handler stored as it is passed
/// (`add("move", this.move = this.move.bind(this))`) is the place it is stored in.
pub fn handler(argument: Node<'_>) -> Node<'_> {
    let handler = unwrap(argument);
    match handler.kind_name() {
        "assignment_expression" => handler.field(Field::Left).map_or(handler, unwrap),
        _ => handler,
    }
}

pub fn is_function(node: Node) -> bool {
    Ids::of(node).is_function(node.kind_id())
}

pub fn is_async(function: Node, source: &str) -> bool {
    // The keyword comes before the parameters: a function with none in its head (most) is not
    // async, without stepping through its children.
    let head = text(function, source);
    if !head[..head.find(['(', '{', '=', '<']).unwrap_or(head.len())].contains("async") {
        return false;
    }
    function.children().take_while(|c| !c.is_named()).any(|c| c.kind_name() == "async")
}

/// The key of an object literal member (`capture: true`, `{ signal }`), if it is not computed.
pub fn member_key<'t>(member: Node, source: &'t str) -> Option<&'t str> {
    match member.kind_name() {
        "shorthand_property_identifier" => Some(text(member, source)),
        "pair" => {
            let key = member.field(Field::Key)?;
            match key.kind_name() {
                "property_identifier" => Some(text(key, source)),
                "string" => Some(string_contents(key, source)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of an object literal member: the identifier itself for a shorthand.
pub fn member_value(member: Node<'_>) -> Option<Node<'_>> {
    match member.kind_name() {
        "shorthand_property_identifier" => Some(member),
        "pair" => member.field(Field::Value),
        _ => None,
    }
}

/// Does `inner` lie within `outer`?
pub fn contains(outer: Node, inner: Node) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::flat;
    use crate::syntax::treesitter::Grammar;

    #[test]
    fn callee_paths_leave_out_the_global_object() {
        let source = "setInterval(); window.setTimeout(); window(); URL.createObjectURL(); \
                      navigator.mediaDevices.getUserMedia(); (x as any).y(); a[0].b(); globalThis.foo.bar();";
        let tree = flat::parse(Grammar::TypeScript, source);
        let ids = Ids::of(tree.root());
        let paths: Vec<Option<String>> = tree
            .root()
            .descendants()
            .filter(|n| n.kind_id() == ids.call_expression)
            .map(|call| path(call.field(Field::Function).expect("callee"), source))
            .collect();
        let expected = [
            Some("setInterval"),
            Some("setTimeout"),
            Some("window"),
            Some("URL.createObjectURL"),
            Some("navigator.mediaDevices.getUserMedia"),
            Some("x.y"),
            None,
            Some("foo.bar"),
        ];
        assert_eq!(paths, expected.map(|p| p.map(String::from)));
    }

    #[test]
    fn async_is_read_from_the_head_only() {
        let source = "class A { async load() {} static async at() {} asyncName() {} run() { return async () => 1; } }\n\
                      const f = async x => x;\nconst g = x => async () => x;\nconst h = async <T>(t: T) => t;\n\
                      async function k() {}\nfunction asyncLike() {}";
        let tree = flat::parse(Grammar::TypeScript, source);
        let asyncs: Vec<(&str, bool)> = tree
            .root()
            .descendants()
            .filter(|n| is_function(*n))
            .map(|f| {
                (text(f, source).split(['(', '{', '=']).next().unwrap_or("").trim(), is_async(f, source))
            })
            .collect();
        assert_eq!(
            asyncs,
            [
                ("async load", true),
                ("static async at", true),
                ("asyncName", false),
                ("run", false),
                ("async", true),
                ("async x", true),
                ("x", false),
                ("async", true),
                ("async <T>", true),
                ("async function k", true),
                ("function asyncLike", false),
            ]
        );
    }
}
