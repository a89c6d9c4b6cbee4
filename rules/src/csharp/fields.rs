//! The fields of a type declaration: their types, and which disposable ones the type owns
//! (CA2213, CA1001).

use std::collections::HashMap;

use crate::syntax::flat::Node;

use super::disposables::{
    Knowledge, COLLECTION_ADDS, OWNED_WHEN_PASSED_TO_CONSTRUCTOR, OWNING_WRAPPER_NAMES, RECEIVER_OWNERS,
};
use super::syntax::{
    argument_value, arguments, enclosing, field, has_modifier, invoked_member, is_function_like, kind_of,
    member_of_this, named_children, range, simple_type_name, text, unwrap_value,
};
use crate::TextRange;

/// Field and property names of a type declaration with their (simple) types.
pub(crate) fn member_types<'t>(decl: Node<'t>, source: &'t str) -> HashMap<&'t str, String> {
    let mut types = HashMap::new();
    let simple = |t: Node| super::syntax::simple_type_name(super::syntax::text(t, source)).to_string();
    for member in super::index::members(decl) {
        match kind_of(&member) {
            "field_declaration" | "event_field_declaration" => {
                let Some(var_decl) =
                    named_children(member).into_iter().find(|c| kind_of(c) == "variable_declaration")
                else {
                    continue;
                };
                let Some(ty) = field(var_decl, "type") else { continue };
                for declarator in
                    named_children(var_decl).into_iter().filter(|d| kind_of(d) == "variable_declarator")
                {
                    if let Some(name) = field(declarator, "name") {
                        types.insert(text(name, source), simple(ty));
                    }
                }
            }
            "property_declaration" => {
                if let (Some(ty), Some(name)) = (field(member, "type"), field(member, "name")) {
                    types.insert(text(name, source), simple(ty));
                }
            }
            _ => {}
        }
    }
    // Primary constructor parameters are in scope in every member.
    if let Some(list) = named_children(decl).into_iter().find(|c| kind_of(c) == "parameter_list") {
        for p in named_children(list) {
            if let (Some(ty), Some(name)) = (field(p, "type"), field(p, "name")) {
                types.insert(text(name, source), simple(ty));
            }
        }
    }
    types
}

/// A field of the type, with how the type fills it.
#[derive(Debug, Clone)]
pub(crate) struct OwnedField {
    pub name: String,
    /// The declarator's identifier.
    pub range: TextRange,
    pub type_name: String,
    pub is_static: bool,
    /// Where the type assigns it a created object (or a constructor parameter it owns).
    pub owned_at: TextRange,
    /// Owned only because a constructor receives it as a `Stream`/`TextReader`/... parameter
    /// (CA2213's convention; CA1001 does not count it).
    pub from_parameter: bool,
    /// The type hands it to a container that disposes it (`_disposables.Add(_timer)`,
    /// `new CompositeDisposable(_a, _b)`, `_sub.DisposeWith(_bag)`).
    pub handed_over: bool,
}

/// A field declaration, with where it is first given an owned value (and whether only by a
/// constructor parameter).
struct Declared {
    name: String,
    range: TextRange,
    type_name: String,
    is_static: bool,
    owned: Option<(TextRange, bool)>,
    handed_over: bool,
}

/// The fields of `decl` that the type itself assigns a created object (in a field initializer,
/// a constructor or any method, directly, through a local, or from a factory), and fields
/// assigned a constructor parameter of an owned-by-convention type (`Stream`, `TextReader`, ...).
/// `assignments_and_calls`: the [`is_field_use`] nodes of the declaration (outside nested
/// types), in document order, as the walk that outlines the file collects them.
pub(crate) fn owned_fields(
    decl: Node,
    source: &str,
    know: &Knowledge,
    assignments_and_calls: &[Node],
) -> Vec<OwnedField> {
    let mut fields: Vec<OwnedField> = Vec::new();
    let mut declared: HashMap<&str, usize> = HashMap::new();
    let mut candidates: Vec<Declared> = Vec::new();
    for member in super::index::members(decl).into_iter().filter(|m| kind_of(m) == "field_declaration") {
        let is_static = has_modifier(member, source, &["static", "const"]);
        let Some(var_decl) =
            named_children(member).into_iter().find(|c| kind_of(c) == "variable_declaration")
        else {
            continue;
        };
        let Some(ty) = field(var_decl, "type") else { continue };
        let type_name = simple_type_name(text(ty, source)).to_string();
        for declarator in named_children(var_decl).into_iter().filter(|d| kind_of(d) == "variable_declarator")
        {
            let Some(name) = field(declarator, "name") else { continue };
            let initializer = named_children(declarator).into_iter().find(|c| Some(*c) != Some(name));
            let owned_at = initializer.filter(|v| is_creation(*v, source, know)).map(|v| (range(v), false));
            declared.insert(text(name, source), candidates.len());
            candidates.push(Declared {
                name: text(name, source).to_string(),
                range: range(name),
                type_name: type_name.clone(),
                is_static,
                owned: owned_at,
                handed_over: false,
            });
        }
    }
    if candidates.is_empty() {
        return fields;
    }
    for &node in assignments_and_calls {
        for member in handed_to_container(node, source, know) {
            if let Some(&slot) = declared.get(member) {
                candidates[slot].handed_over = true;
            }
        }
        if kind_of(&node) != "assignment_expression" {
            continue;
        }
        let (Some(left), Some(right)) = (field(node, "left"), field(node, "right")) else { continue };
        let Some(&slot) = member_of_this(left, source).and_then(|m| declared.get(m)) else { continue };
        let previous = candidates[slot].owned;
        if previous.is_none_or(|(_, from_parameter)| from_parameter) {
            if let Some(from_parameter) = owned_value(right, source, know) {
                if previous.is_none() || !from_parameter {
                    candidates[slot].owned = Some((range(node), from_parameter));
                }
            }
        }
    }
    for Declared { name, range, type_name, is_static, owned, handed_over } in candidates {
        if let Some((owned_at, from_parameter)) = owned {
            fields.push(OwnedField {
                name,
                range,
                type_name,
                is_static,
                owned_at,
                from_parameter,
                handed_over,
            });
        }
    }
    fields
}

/// The nodes [`owned_fields`] reads (`kind` is the node's): assignments to a member, and the
/// calls and creations that may hand members to a container ([`handed_to_container`]). Told
/// from the syntax alone, in the parse pass (owning wrappers are the catalogue's, which is all
/// `Knowledge::is_owning_wrapper` knows): the check pass then finds only these again.
pub(crate) fn is_field_use(node: Node, kind: &str, source: &str) -> bool {
    match kind {
        "assignment_expression" => field(node, "left").is_some_and(|l| member_of_this(l, source).is_some()),
        "invocation_expression" => invoked_member(node, source).is_some_and(|(receiver, method)| {
            receiver.is_some() && (COLLECTION_ADDS.contains(&method) || RECEIVER_OWNERS.contains(&method))
        }),
        "object_creation_expression" => {
            let ty = field(node, "type").map_or("", |t| simple_type_name(text(t, source)));
            ty.ends_with("Disposable") || OWNING_WRAPPER_NAMES.contains(&ty)
        }
        _ => false,
    }
}

/// The members a call or creation hands to a disposing container: arguments of a collection's
/// `Add` or of a `...Disposable` constructor, the stream or handler given to an owning wrapper
/// (`new HttpClient(_handler)`), the receiver of `DisposeWith`/`AddTo`.
fn handed_to_container<'t>(node: Node, source: &'t str, know: &Knowledge) -> Vec<&'t str> {
    let members = |args: Vec<Node>| -> Vec<&'t str> {
        args.into_iter()
            .filter_map(|a| argument_value(a).and_then(|v| member_of_this(unwrap_value(v, source), source)))
            .collect()
    };
    match kind_of(&node) {
        "invocation_expression" => match invoked_member(node, source) {
            Some((Some(_), method)) if COLLECTION_ADDS.contains(&method) => members(arguments(node)),
            Some((Some(receiver), method)) if RECEIVER_OWNERS.contains(&method) => {
                member_of_this(unwrap_value(receiver, source), source).into_iter().collect()
            }
            _ => Vec::new(),
        },
        "object_creation_expression" => {
            let ty = field(node, "type").map_or("", |t| simple_type_name(text(t, source)));
            let args = arguments(node);
            if ty.ends_with("Disposable") {
                members(args)
            } else if know.is_owning_wrapper(ty) && !super::ownership::leaves_open(&args, source) {
                members(args.into_iter().take(1).collect())
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// Whether the value assigned to a field is owned: `Some(false)` for a creation or a local that
/// holds one, `Some(true)` for a constructor parameter of a stream/reader/writer type.
fn owned_value(value: Node, source: &str, know: &Knowledge) -> Option<bool> {
    // `_x = a ?? b ?? new X()`: the value that may be created is the last one.
    let mut value = unwrap_value(value, source);
    while kind_of(&value) == "binary_expression"
        && field(value, "operator").is_some_and(|o| text(o, source) == "??")
    {
        value = unwrap_value(field(value, "right")?, source);
    }
    if is_creation(value, source, know) {
        return Some(false);
    }
    if kind_of(&value) != "identifier" {
        return None;
    }
    let name = text(value, source);
    let function = enclosing(value, is_function_like)?;
    if kind_of(&function) == "constructor_declaration" {
        let params = field(function, "parameters").map(named_children).unwrap_or_default();
        let owned_param = params.iter().any(|p| {
            field(*p, "name").is_some_and(|n| text(n, source) == name)
                && field(*p, "type").is_some_and(|t| {
                    OWNED_WHEN_PASSED_TO_CONSTRUCTOR.contains(&simple_type_name(text(t, source)))
                })
        });
        if owned_param {
            return Some(true);
        }
    }
    // A local of the same function that was given a created object.
    let from_local = function.descendants().any(|n| match kind_of(&n) {
        "variable_declarator" => {
            let declared = field(n, "name");
            declared.is_some_and(|d| text(d, source) == name)
                && named_children(n)
                    .into_iter()
                    .any(|c| Some(c) != declared && is_creation(unwrap_value(c, source), source, know))
        }
        "assignment_expression" => {
            field(n, "left").is_some_and(|l| kind_of(&l) == "identifier" && text(l, source) == name)
                && field(n, "right").is_some_and(|r| is_creation(unwrap_value(r, source), source, know))
        }
        _ => false,
    });
    from_local.then_some(false)
}

/// An expression that creates a new object: `new T(..)`, `new(..)`, a factory call (BCL or a
/// project method with a disposable return type), or an awaited one.
fn is_creation(value: Node, source: &str, know: &Knowledge) -> bool {
    let value = unwrap_value(value, source);
    match kind_of(&value) {
        "object_creation_expression" | "implicit_object_creation_expression" => true,
        "await_expression" => value.named_child(0).is_some_and(|inner| {
            let call = unwrap_value(inner, source);
            kind_of(&call) == "invocation_expression" && factory_result(call, source, know, true).is_some()
        }),
        "invocation_expression" => factory_result(value, source, know, false).is_some(),
        _ => false,
    }
}

/// The disposable type a call creates, judged without local types: BCL static and named
/// factories, and project methods by name.
fn factory_result(call: Node, source: &str, know: &Knowledge, awaited: bool) -> Option<String> {
    let (receiver, method) = invoked_member(call, source)?;
    if let Some(t) = receiver.and_then(|r| know.static_factory(simple_type_name(text(r, source)), method)) {
        return Some(t.to_string());
    }
    let arity = super::syntax::arguments(call).len();
    let project = know.index.methods(method, arity, None);
    if let Some(m) = project.first() {
        if m.returns_existing {
            return None;
        }
        let ty = if awaited { m.returns_task_of.clone()? } else { m.returns.clone() };
        return know.is_disposable(&ty).then_some(ty);
    }
    receiver.and_then(|_| Knowledge::named_factory(method)).map(str::to_string)
}
