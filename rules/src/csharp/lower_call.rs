//! Lowering calls: which arguments a callee takes over (owning wrappers, collections, the
//! project's methods), which calls create disposables (BCL and project factories, awaited
//! tasks, `out` arguments), and what the syntax tells about types.

use crate::syntax::flat::Node;

use super::disposables::{
    named_after_disposing, Knowledge, COLLECTION_ADDS, OWNING_METHODS, RECEIVER_OWNERS, RELEASE_METHODS,
    STORING_CALLS,
};
use super::lower::Lowerer;
use super::lower_expr::Dest;
use super::syntax::{self, field, kind_of, named_children, text};

/// Library lookups that hand back, through an `out` argument, an element their collection keeps
/// owning (`Dictionary.TryGetValue`, `ConcurrentQueue.TryPeek`, `WeakReference.TryGetTarget`).
const BORROWING_LOOKUPS: &[&str] = &["TryGetValue", "TryPeek", "TryGetTarget"];

/// How many calls of a chain type inference follows.
const MAX_TYPE_DEPTH: usize = 16;

impl<'a, 't> Lowerer<'a, 't> {
    /// One argument of a call: `owned` when the callee takes ownership of it.
    pub(super) fn argument(&mut self, arg: Node<'t>, owned: bool, callee: &str, param_type: Option<&str>) {
        let parts = syntax::argument_parts(arg);
        let Some(value) = parts.value else { return };
        if parts.is_out && param_type.is_none() && BORROWING_LOOKUPS.contains(&callee) {
            // `_streams.TryGetValue(key, out Stream s)`: the collection still owns the element.
            self.out_argument(arg, value, None, false);
        } else if parts.is_out {
            self.out_argument(arg, value, param_type, true);
        } else if parts.is_ref || owned {
            self.expr(value, Dest::Escape);
        } else {
            self.expr(value, Dest::Argument(callee.to_string()));
        }
    }

    /// `out var x` / `out T x` / `out x`: the callee hands back a value, a creation when its
    /// type is disposable and the callee `creates` what it hands back.
    pub(super) fn out_argument(
        &mut self,
        arg: Node<'t>,
        value: Node<'t>,
        param_type: Option<&str>,
        creates: bool,
    ) {
        let (name, declared) = match kind_of(&value) {
            "declaration_expression" => (
                field(value, "name").map(|n| text(n, self.source)),
                syntax::declared_type(value, self.source).map(|t| syntax::simple_type_name(t).to_string()),
            ),
            "identifier" => (Some(text(value, self.source)), None),
            _ => (None, None),
        };
        let Some(name) = name.filter(|n| *n != "_") else { return };
        let var = match (kind_of(&value), self.locals.get(name)) {
            ("identifier", Some(&var)) => var,
            ("identifier", None) => return,
            _ => {
                let ty = declared.clone().or_else(|| param_type.map(str::to_string));
                self.declare(name, ty)
            }
        };
        if !creates {
            return;
        }
        let ty = declared
            .or_else(|| param_type.map(str::to_string))
            .or_else(|| self.local_types.get(name).cloned());
        self.created(ty, Dest::Var(var), arg, false);
    }

    pub(super) fn invocation(&mut self, call: Node<'t>, dest: Dest, awaited: Option<Node<'t>>) {
        let Some((receiver, method)) = syntax::invoked_member(call, self.source) else {
            for child in named_children(call) {
                self.expr(child, Dest::Read);
            }
            self.plain_value(&dest, call);
            return;
        };
        let args = syntax::arguments(call);
        if method == "ConfigureAwait" {
            if let Some(inner) = receiver.map(|r| syntax::unwrap_value(r, self.source)) {
                match kind_of(&inner) {
                    "invocation_expression" => self.invocation(inner, dest, awaited),
                    _ => self.expr(inner, dest),
                }
            }
            return;
        }
        // `x.Dispose()`, `x.Close()`, `x?.DisposeAsync()`; not `Helper.Close(x)`.
        if let Some(receiver) = receiver.filter(|_| args.is_empty() && self.know.is_release_method(method)) {
            self.expr(syntax::unwrap_value(receiver, self.source), Dest::Released);
            self.plain_value(&dest, call);
            return;
        }
        // A configured release call (`Pool.Return(x)`) releases its first argument.
        let receiver_text = receiver.map(|r| text(r, self.source));
        if self.know.is_release_call(receiver_text, method) {
            for (i, arg) in args.iter().enumerate() {
                match syntax::argument_value(*arg) {
                    Some(value) if i == 0 => {
                        self.expr(syntax::unwrap_value(value, self.source), Dest::Released)
                    }
                    _ => self.argument(*arg, false, method, None),
                }
            }
            self.plain_value(&dest, call);
            return;
        }
        // `Task.FromResult(x)`: the task carries the value to wherever the task goes.
        if method == "FromResult" && args.len() == 1 {
            if let Some(value) = syntax::argument_value(args[0]) {
                self.expr(value, dest);
            }
            return;
        }
        let stores = receiver.is_some_and(|r| {
            let ty = syntax::simple_type_name(text(r, self.source));
            COLLECTION_ADDS.contains(&method) || STORING_CALLS.iter().any(|(t, m)| *t == ty && *m == method)
        });
        if stores {
            for arg in &args {
                self.argument(*arg, true, method, None);
            }
            if let Some(r) = receiver {
                self.expr(r, Dest::Read);
            }
            self.plain_value(&dest, call);
            return;
        }
        let receiver_type = receiver.and_then(|r| self.type_of(r));
        let project = self.project_methods(receiver, receiver_type.as_deref(), method, args.len());
        let local = if receiver.is_none() { self.local_functions.get(method).cloned() } else { None };
        if let Some((function, _)) = local {
            self.captures(function);
        }
        let local = local.map(|(_, owned)| owned);
        let unknown = project.is_empty() && local.is_none();
        for (i, arg) in args.iter().enumerate() {
            let owned = project.iter().any(|m| m.params.get(i).is_some_and(|p| p.owned))
                || (project.is_empty() && i == 0 && OWNING_METHODS.contains(&method))
                || local.as_ref().is_some_and(|l| l.get(i).copied().unwrap_or(false))
                // A library helper named after disposing (`DisposeQuietly(x)`, `AddDisposable(x)`).
                || (unknown && (self.know.transfer_to_unknown_methods || named_after_disposing(method)));
            let param_type = project.iter().find_map(|m| m.params.get(i)).map(|p| p.type_name.clone());
            self.argument(*arg, owned, method, param_type.as_deref());
        }
        if let Some(r) = receiver {
            // A disposing extension method (`stream.DisposeQuietly()`): the project's, or a
            // library's named after disposing, as for the helpers above.
            let owning_extension = self.know.index.is_owning_extension(method)
                || (unknown && named_after_disposing(method) && !RELEASE_METHODS.contains(&method));
            let receiver_dest = if RECEIVER_OWNERS.contains(&method) || owning_extension {
                Dest::Escape
            } else {
                Dest::Receiver(method.to_string())
            };
            self.expr(r, receiver_dest);
        }
        let result = self.call_result(call, receiver_type.as_deref(), &project, awaited.is_some());
        let excluded = self
            .know
            .is_excluded_symbol(receiver.map(|r| syntax::simple_type_name(text(r, self.source))), method);
        self.created(result, dest, awaited.unwrap_or(call), excluded);
    }

    /// The project's methods a call may reach: by name and arity, narrowed to the receiver's
    /// type (or the enclosing type for an unqualified call) when that type declares it.
    pub(super) fn project_methods(
        &self,
        receiver: Option<Node>,
        receiver_type: Option<&str>,
        method: &str,
        arity: usize,
    ) -> Vec<super::index::MethodFact> {
        let static_type = receiver
            .filter(|r| self.is_type_reference(*r))
            .map(|r| syntax::simple_type_name(text(r, self.source)));
        let owner = match receiver {
            None => Some(self.owner.name),
            Some(r) if matches!(text(r, self.source), "this" | "base") => Some(self.owner.name),
            Some(_) => receiver_type.or(static_type),
        };
        let found = self.know.index.methods(method, arity, owner);
        // A receiver of a known type reaches that type's methods only: none when the type is a
        // library's (`_streams.TryGetValue(..)` on a `Dictionary`), whatever the project declares.
        let qualified = receiver.is_some_and(|r| !matches!(text(r, self.source), "this" | "base"));
        if let Some(t) = owner.filter(|_| qualified) {
            return found.into_iter().filter(|m| m.type_name == t).cloned().collect();
        }
        found.into_iter().cloned().collect()
    }

    /// The disposable type a call returns, if any.
    pub(super) fn call_result(
        &self,
        call: Node,
        receiver_type: Option<&str>,
        project: &[super::index::MethodFact],
        awaited: bool,
    ) -> Option<String> {
        let (receiver, method) = syntax::invoked_member(call, self.source)?;
        let is_async = method.ends_with("Async");
        if let Some(label) = self.know.configured_factory(receiver.map(|r| text(r, self.source)), method) {
            return Some(label);
        }
        if let Some(r) = receiver {
            // A project type named like a BCL one (`class File`) is judged by its own methods.
            if self.is_type_reference(r) {
                let ty = syntax::simple_type_name(text(r, self.source));
                let factory =
                    self.know.index.type_info(ty).is_none().then(|| self.know.static_factory(ty, method));
                if let Some(t) = factory.flatten() {
                    return (!is_async || awaited).then(|| t.to_string());
                }
            }
            if let Some(t) = receiver_type.and_then(|rt| Knowledge::instance_factory(rt, method)) {
                return (!is_async || awaited).then(|| t.to_string());
            }
        }
        if !project.is_empty() {
            if project.iter().any(|m| m.returns_existing) {
                return None;
            }
            let results: Vec<Option<&String>> = project
                .iter()
                .map(|m| if awaited { m.returns_task_of.as_ref() } else { Some(&m.returns) })
                .collect();
            let first = results[0]?;
            let all_disposable = results.iter().all(|r| r.is_some_and(|t| self.know.is_reportable(t)));
            return all_disposable.then(|| first.clone());
        }
        // A generic method of that name is another library's (MassTransit's `GetResponse<T>`).
        if receiver.is_some() && !syntax::is_generic_call(call) && !self.know.index.declares_method(method) {
            if let Some(t) = Knowledge::named_factory(method) {
                return (!is_async || awaited).then(|| t.to_string());
            }
        }
        None
    }

    /// True when `node` names a type rather than a value (`File` in `File.OpenRead`).
    pub(super) fn is_type_reference(&self, node: Node) -> bool {
        let name = text(node, self.source);
        match kind_of(&node) {
            "identifier" => !self.locals.contains_key(name) && !self.owner.member_types.contains_key(name),
            "member_access_expression" | "qualified_name" => {
                name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '_')
            }
            "predefined_type" | "generic_name" => true,
            _ => false,
        }
    }

    /// The (simple) type of a value, when the syntax tells.
    pub(super) fn type_of(&self, node: Node) -> Option<String> {
        self.type_within(node, MAX_TYPE_DEPTH)
    }

    /// `type_of`, following at most `budget` calls of a chain (`a.B().C().D()`).
    fn type_within(&self, node: Node, budget: usize) -> Option<String> {
        let node = syntax::unwrap_value(node, self.source);
        match kind_of(&node) {
            "identifier" => {
                let name = text(node, self.source);
                match self.locals.get(name) {
                    Some(_) => self.local_types.get(name).cloned(),
                    None => self.owner.member_types.get(name).cloned(),
                }
            }
            "member_access_expression" => {
                let member = syntax::member_of_this(node, self.source)?;
                self.owner.member_types.get(member).cloned()
            }
            "object_creation_expression" => {
                field(node, "type").map(|t| syntax::simple_type_name(text(t, self.source)).to_string())
            }
            "cast_expression" => {
                field(node, "type").map(|t| syntax::simple_type_name(text(t, self.source)).to_string())
            }
            "invocation_expression" => self.returned_type(node, false, budget.checked_sub(1)?),
            "await_expression" => {
                let call = syntax::unwrap_value(node.named_child(0)?, self.source);
                let budget = budget.checked_sub(1)?;
                (kind_of(&call) == "invocation_expression")
                    .then(|| self.returned_type(call, true, budget))
                    .flatten()
            }
            _ => None,
        }
    }

    /// The type a call returns (awaited: the `T` of its `Task<T>`), disposable or not, as far as
    /// the catalogue and the project's declarations tell.
    fn returned_type(&self, call: Node, awaited: bool, budget: usize) -> Option<String> {
        let (receiver, method) = syntax::invoked_member(call, self.source)?;
        if let Some(t) = Knowledge::typed_result(method) {
            return Some(t.to_string());
        }
        let receiver_type = receiver.and_then(|r| self.type_within(r, budget));
        let arity = syntax::arguments(call).len();
        let project = self.project_methods(receiver, receiver_type.as_deref(), method, arity);
        if let Some(t) = self.call_result(call, receiver_type.as_deref(), &project, awaited) {
            return Some(t);
        }
        let declared = project.first()?;
        if awaited {
            declared.returns_task_of.clone()
        } else {
            Some(declared.returns.clone())
        }
    }
}
