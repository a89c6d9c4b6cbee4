//! The project index: facts gathered from each file in the parse pass (declared types and their
//! bases, methods' return and parameter types, which parameters a method takes ownership of,
//! what each type's methods dispose), merged once into lookups the rules read.

use std::collections::HashMap;

use crate::syntax::flat::Node;

use super::ownership;
use super::syntax::{self, field, kind_of, named_children, simple_type_name, text};

/// This file's contribution to the project index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    pub types: Vec<TypeFact>,
    pub methods: Vec<MethodFact>,
    pub global_suppressions: Vec<super::suppress::GlobalSuppression>,
}

/// One declaration (one part, for a partial type) of a class, struct, record or interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeFact {
    pub name: String,
    /// Simple names of the base class and interfaces, generic arguments dropped.
    pub bases: Vec<String>,
    pub is_struct: bool,
    /// Members this part's methods dispose, per method, and the methods each one calls: enough
    /// to follow `Dispose()` into helpers declared in another part of a partial class.
    pub disposals: Vec<MethodDisposals>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MethodDisposals {
    pub method: String,
    pub disposes: Vec<String>,
    pub calls: Vec<String>,
    /// Members handed to a method of the type, as (method, argument position, member): a
    /// disposing helper (`DisposeQuietly(_socket)`) disposes them.
    pub passes: Vec<(String, usize, String)>,
    /// Members a method is called on, as (method, member): a disposing extension method
    /// (`_socket.DisposeQuietly()`) disposes them.
    #[serde(default)]
    pub receives: Vec<(String, String)>,
}

/// A method or constructor declared in the project.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MethodFact {
    pub type_name: String,
    /// The method's name; a constructor's is its type's name.
    pub name: String,
    /// Simple name of the declared return type (`Task` for `Task<T>`).
    pub returns: String,
    /// `T` of a declared `Task<T>` / `ValueTask<T>` return type.
    pub returns_task_of: Option<String>,
    pub params: Vec<ParamFact>,
    /// Some `return` hands back an object the method did not create (a field, a parameter, a
    /// cached instance): its callers do not own what it returns.
    pub returns_existing: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParamFact {
    pub type_name: String,
    pub is_out: bool,
    /// The method disposes, stores, returns or hands this parameter to an owner.
    pub owned: bool,
    /// The calls the parameter is handed to: it is owned when one of them owns it.
    pub forwards: Vec<ownership::Forward>,
    /// The receiver of an extension method (`this Stream stream`).
    #[serde(default)]
    pub is_this: bool,
}

/// What the project knows about one type, all its partial declarations merged.
#[derive(Debug, Default)]
pub struct TypeInfo {
    pub bases: Vec<String>,
    pub is_struct: bool,
    pub disposals: HashMap<String, MethodDisposals>,
}

/// Project-wide C# knowledge, built from every file's [`Facts`].
#[derive(Debug, Default)]
pub struct Index {
    types: HashMap<String, TypeInfo>,
    methods: HashMap<String, Vec<MethodFact>>,
    /// `[assembly: SuppressMessage(.., Target = ..)]` from every file.
    pub global_suppressions: Vec<super::suppress::GlobalSuppression>,
}

impl Index {
    pub fn build<'f>(facts: impl Iterator<Item = &'f Facts>) -> Index {
        let mut index = Index::default();
        for file in facts {
            for t in &file.types {
                let info = index.types.entry(t.name.clone()).or_default();
                for base in &t.bases {
                    if !info.bases.contains(base) {
                        info.bases.push(base.clone());
                    }
                }
                info.is_struct |= t.is_struct;
                for d in &t.disposals {
                    let merged = info.disposals.entry(d.method.clone()).or_insert_with(|| MethodDisposals {
                        method: d.method.clone(),
                        ..MethodDisposals::default()
                    });
                    merged.disposes.extend(d.disposes.iter().cloned());
                    merged.calls.extend(d.calls.iter().cloned());
                    merged.passes.extend(d.passes.iter().cloned());
                    merged.receives.extend(d.receives.iter().cloned());
                }
            }
            for m in &file.methods {
                index.methods.entry(m.name.clone()).or_default().push(m.clone());
            }
            index.global_suppressions.extend(file.global_suppressions.iter().cloned());
        }
        index.propagate_ownership();
        index
    }

    /// A parameter handed on to a method that owns it is owned too: repeated until nothing
    /// changes (each round settles one more level of forwarding; bounded).
    fn propagate_ownership(&mut self) {
        const MAX_ROUNDS: usize = 8;
        for _ in 0..MAX_ROUNDS {
            let mut newly_owned = Vec::new();
            for (name, overloads) in &self.methods {
                for (o, method) in overloads.iter().enumerate() {
                    for (p, param) in method.params.iter().enumerate() {
                        if !param.owned && self.owns_any(&param.forwards) {
                            newly_owned.push((name.clone(), o, p));
                        }
                    }
                }
            }
            if newly_owned.is_empty() {
                return;
            }
            for (name, o, p) in newly_owned {
                let param =
                    self.methods.get_mut(&name).and_then(|v| v.get_mut(o)).and_then(|m| m.params.get_mut(p));
                if let Some(param) = param {
                    param.owned = true;
                }
            }
        }
    }

    /// True when one of these calls reaches a project method that owns the argument it is given.
    pub fn owns_any(&self, forwards: &[ownership::Forward]) -> bool {
        forwards.iter().any(|f| {
            self.methods(&f.callee, f.arity, None)
                .iter()
                .any(|m| m.params.get(f.position).is_some_and(|q| q.owned))
        })
    }

    pub fn type_info(&self, name: &str) -> Option<&TypeInfo> {
        self.types.get(name)
    }

    /// The project's methods (and constructors) with this name and number of arguments; when
    /// `type_name` is given, only those declared in that type (if it declares any).
    pub fn methods(&self, name: &str, arity: usize, type_name: Option<&str>) -> Vec<&MethodFact> {
        let all = self.methods.get(name).map(Vec::as_slice).unwrap_or_default();
        let fitting: Vec<&MethodFact> = all.iter().filter(|m| m.params.len() == arity).collect();
        match type_name {
            Some(t) if fitting.iter().any(|m| m.type_name == t) => {
                fitting.into_iter().filter(|m| m.type_name == t).collect()
            }
            _ => fitting,
        }
    }

    /// Whether the project declares an extension method of this name that takes ownership of
    /// its receiver (`public static void DisposeQuietly(this IDisposable d)`).
    pub fn is_owning_extension(&self, name: &str) -> bool {
        self.methods_named(name).iter().any(|m| m.params.first().is_some_and(|p| p.is_this && p.owned))
    }

    /// The project's methods with this name, any arity.
    pub fn methods_named(&self, name: &str) -> &[MethodFact] {
        self.methods.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// True when some method of the project has this name (any arity).
    pub fn declares_method(&self, name: &str) -> bool {
        self.methods.contains_key(name)
    }
}

/// Gathers a file's facts in the parse pass from its type declarations (in document order, as
/// [`super::survey::outline`] finds them).
pub(crate) fn gather(root: Node, source: &str, types: &[Node]) -> Facts {
    let mut facts =
        Facts { global_suppressions: super::suppress::global_suppressions(root, source), ..Facts::default() };
    for &decl in types {
        facts.types.push(type_fact(decl, source));
        facts.methods.extend(primary_constructor(decl, source));
        let owner = type_name(decl, source);
        for member in members(decl) {
            if matches!(kind_of(&member), "method_declaration" | "constructor_declaration") {
                facts.methods.extend(method_fact(member, owner, source));
            }
        }
    }
    facts
}

/// The name of a type declaration.
pub(crate) fn type_name<'t>(decl: Node, source: &'t str) -> &'t str {
    field(decl, "name").map(|n| text(n, source)).unwrap_or("")
}

/// The simple names of a type declaration's bases.
pub(crate) fn bases(decl: Node, source: &str) -> Vec<String> {
    let Some(list) = named_children(decl).into_iter().find(|c| kind_of(c) == "base_list") else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .filter(|b| kind_of(b) != "argument_list")
        .map(|b| {
            let b = if kind_of(&b) == "primary_constructor_base_type" {
                field(b, "type").unwrap_or(b)
            } else {
                b
            };
            simple_type_name(text(b, source)).to_string()
        })
        .filter(|b| !b.is_empty())
        .collect()
}

fn type_fact(decl: Node, source: &str) -> TypeFact {
    let is_struct = kind_of(&decl) == "struct_declaration"
        || (kind_of(&decl) == "record_declaration" && syntax::has_token(decl, "struct"));
    TypeFact {
        name: type_name(decl, source).to_string(),
        bases: bases(decl, source),
        is_struct,
        disposals: members(decl)
            .into_iter()
            .filter(|m| kind_of(m) == "method_declaration")
            .filter_map(|m| method_disposals(m, source))
            .collect(),
    }
}

/// The member declarations of a type declaration.
pub(crate) fn members(decl: Node<'_>) -> Vec<Node<'_>> {
    field(decl, "body").map(named_children).unwrap_or_default()
}

fn method_fact(decl: Node, owner: &str, source: &str) -> Option<MethodFact> {
    let name = text(field(decl, "name")?, source).to_string();
    // A constructor's `: base(..)` initializer hands parameters on too.
    let body = if kind_of(&decl) == "constructor_declaration" { Some(decl) } else { field(decl, "body") };
    let (returns, returns_task_of) = match field(decl, "returns").or_else(|| field(decl, "type")) {
        Some(ty) => {
            let written = text(ty, source);
            (simple_type_name(written).to_string(), syntax::task_result(written).map(str::to_string))
        }
        None => (name.clone(), None),
    };
    let owned = body.map(|b| ownership::consumed_parameters(decl, b, source)).unwrap_or_default();
    let params = ownership::parameters(decl)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let (owned, forwards) = owned.get(i).cloned().unwrap_or_default();
            ParamFact {
                type_name: field(p, "type")
                    .map(|t| simple_type_name(text(t, source)).to_string())
                    .unwrap_or_default(),
                is_out: syntax::has_keyword(p, source, &["out"]),
                owned,
                forwards,
                is_this: syntax::has_keyword(p, source, &["this"]),
            }
        })
        .collect();
    let returns_existing = field(decl, "body").is_some_and(|b| returns_existing(b, source));
    Some(MethodFact {
        type_name: owner.to_string(),
        name,
        returns,
        returns_task_of,
        params,
        returns_existing,
    })
}

/// True when some value the method returns is not one it created: a field, a property, a
/// parameter, or a cached instance (`_x ??= new X()`).
fn returns_existing(body: Node, source: &str) -> bool {
    let returned: Vec<Node> = if kind_of(&body) == "arrow_expression_clause" {
        returned_value(body).into_iter().collect()
    } else {
        syntax::pruned_descendants(body, syntax::is_function_like)
            .filter(|n| kind_of(n) == "return_statement")
            .filter_map(returned_value)
            .collect()
    };
    let is_local = |name: &str| {
        body.descendants().any(|n| {
            kind_of(&n) == "variable_declarator" && field(n, "name").is_some_and(|d| text(d, source) == name)
        })
    };
    let mut stack = returned;
    let mut steps = 0;
    while let Some(value) = stack.pop() {
        steps += 1;
        if steps > 64 {
            break;
        }
        let value = syntax::unwrap_value(value, source);
        match kind_of(&value) {
            "identifier" if !is_local(text(value, source)) => return true,
            // A fluent method (`return this;`) hands back the object it was called on.
            "member_access_expression" | "assignment_expression" | "element_access_expression" | "this" => {
                return true
            }
            "binary_expression" | "conditional_expression" => {
                stack.extend(
                    ["left", "right", "consequence", "alternative"].iter().filter_map(|f| field(value, f)),
                );
            }
            _ => {}
        }
    }
    false
}

/// The value an arrow (`=> x`) or a `return` gives: its first named child, or `this` (a token).
fn returned_value(node: Node<'_>) -> Option<Node<'_>> {
    syntax::children(node).into_iter().find(|c| c.is_named() || kind_of(c) == "this")
}

/// `record Order(Stream Body)` / `class Job(Stream input)`: the primary constructor keeps
/// every parameter (as a property or a captured field).
fn primary_constructor(decl: Node, source: &str) -> Option<MethodFact> {
    let list = named_children(decl).into_iter().find(|c| kind_of(c) == "parameter_list")?;
    let name = type_name(decl, source).to_string();
    let params = named_children(list)
        .into_iter()
        .filter(|p| kind_of(p) == "parameter")
        .map(|p| ParamFact {
            type_name: field(p, "type")
                .map(|t| simple_type_name(text(t, source)).to_string())
                .unwrap_or_default(),
            is_out: false,
            owned: true,
            forwards: Vec::new(),
            is_this: false,
        })
        .collect();
    Some(MethodFact {
        type_name: name.clone(),
        name: name.clone(),
        returns: name,
        returns_task_of: None,
        params,
        returns_existing: false,
    })
}

/// Which members a method disposes directly and which methods it calls (by simple name).
pub(crate) fn method_disposals(method: Node, source: &str) -> Option<MethodDisposals> {
    let name = text(field(method, "name")?, source).to_string();
    let body = field(method, "body")?;
    let mut out = MethodDisposals { method: name, ..MethodDisposals::default() };
    // Locals that take a field first (`var cts = Interlocked.Exchange(ref _cts, null);`, `var r
    // = _reader;`): disposing one disposes the field.
    let mut locals: Vec<(&str, &str)> = Vec::new();
    for node in body.descendants() {
        if kind_of(&node) == "variable_declarator" {
            let taken = syntax::declarator_value(node).and_then(|v| released_member(v, source));
            if let (Some(local), Some(member)) = (field(node, "name"), taken) {
                locals.push((text(local, source), member));
            }
            continue;
        }
        if kind_of(&node) == "using_statement" {
            // `using (_fs) { }` disposes the field when the block ends.
            let resource = named_children(node).into_iter().find(|c| Some(*c) != field(node, "body"));
            if let Some(member) = resource.and_then(|r| released_member(r, source)) {
                out.disposes.push(member.to_string());
            }
            continue;
        }
        if kind_of(&node) != "invocation_expression" {
            continue;
        }
        match syntax::invoked_member(node, source) {
            Some((Some(receiver), m))
                if super::disposables::RELEASE_METHODS.contains(&m) && syntax::arguments(node).is_empty() =>
            {
                let local = syntax::unwrap_value(receiver, source);
                let through_local = (kind_of(&local) == "identifier")
                    .then(|| locals.iter().rev().find(|(name, _)| *name == text(local, source)))
                    .flatten()
                    .map(|(_, member)| *member);
                if let Some(member) = through_local.or_else(|| released_member(receiver, source)) {
                    out.disposes.push(member.to_string());
                }
            }
            Some((receiver, m)) => {
                if receiver.is_none_or(|r| matches!(text(r, source), "this" | "base")) {
                    out.calls.push(m.to_string());
                }
                // A disposing extension is named after disposing and takes no other argument
                // (`_x.DisposeQuietly()`): the facts keep those calls only, not every call on a
                // field.
                let received = receiver
                    .filter(|_| {
                        super::disposables::named_after_disposing(m) && syntax::arguments(node).is_empty()
                    })
                    .and_then(|r| syntax::member_of_this(syntax::unwrap_value(r, source), source));
                if let Some(member) = received {
                    out.receives.push((m.to_string(), member.to_string()));
                }
                for (position, arg) in syntax::arguments(node).into_iter().enumerate() {
                    let value = syntax::argument_value(arg).map(|v| syntax::unwrap_value(v, source));
                    if let Some(member) = value.and_then(|v| syntax::member_of_this(v, source)) {
                        out.passes.push((m.to_string(), position, member.to_string()));
                    }
                }
            }
            None => {}
        }
    }
    Some(out)
}

/// The field a `Dispose()` receiver designates: `_x`, `this._x`, `(_x as IDisposable)`, or
/// `Interlocked.Exchange(ref _x, null)`.
fn released_member<'t>(receiver: Node, source: &'t str) -> Option<&'t str> {
    let value = syntax::unwrap_value(receiver, source);
    if kind_of(&value) == "invocation_expression" {
        let (_, method) = syntax::invoked_member(value, source)?;
        if method != "Exchange" {
            return None;
        }
        let first = syntax::arguments(value).into_iter().next()?;
        return syntax::argument_value(first).and_then(|v| syntax::member_of_this(v, source));
    }
    syntax::member_of_this(value, source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::flat::parse;
    use crate::syntax::treesitter::Grammar;

    fn facts(source: &str) -> Facts {
        let tree = parse(Grammar::CSharp, source);
        let (_, types) = crate::csharp::survey::outline(tree.root(), source);
        gather(tree.root(), source, &types)
    }

    #[test]
    fn gathers_types_bases_and_method_ownership() {
        let f = facts(
            "partial class Repo : Base<int>, IDisposable { \
               public async Task<SqlConnection> OpenAsync() => null; \
               void Keep(Stream s) { _s = s; } \
               void Read(Stream s) { s.ReadByte(); } \
               void Close(Stream s) => s?.Dispose(); \
               bool TryOpen(out FileStream fs) { fs = null; return false; } }\
             struct Handle : IDisposable {}",
        );
        assert_eq!(f.types[0].name, "Repo");
        assert_eq!(f.types[0].bases, vec!["Base", "IDisposable"]);
        assert!(f.types[1].is_struct);
        let m = |n: &str| f.methods.iter().find(|m| m.name == n).unwrap();
        assert_eq!(m("OpenAsync").returns_task_of.as_deref(), Some("SqlConnection"));
        assert!(m("Keep").params[0].owned);
        assert!(!m("Read").params[0].owned);
        assert!(m("Close").params[0].owned);
        assert!(m("TryOpen").params[0].is_out);
        assert_eq!(m("TryOpen").params[0].type_name, "FileStream");
    }

    #[test]
    fn partial_declarations_merge() {
        let a = facts("partial class Cache { }");
        let b = facts("partial class Cache : IDisposable { void Dispose() { _db.Dispose(); Helper(); } }");
        let index = Index::build([&a, &b].into_iter());
        let info = index.type_info("Cache").unwrap();
        assert_eq!(info.bases, vec!["IDisposable"]);
        assert_eq!(info.disposals["Dispose"].disposes, vec!["_db"]);
        assert_eq!(info.disposals["Dispose"].calls, vec!["Helper"]);
    }
}
