//! Lowering C# expressions: where each value goes (a local, the caller, an owner, nowhere) and
//! which of them create disposables.

use crate::syntax::flat::Node;

use super::lower::{Lowerer, Site, SiteUse};
use super::ownership;
use super::syntax::{self, field, kind_of, named_children, range, text};
use crate::engine::{Event, VarId};

/// Where the value of an expression goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dest {
    /// Read and dropped by its consumer (an operand, a condition): a creation here is lost.
    Read,
    /// The value of an expression statement.
    Discard,
    /// Assigned to a local.
    Var(VarId),
    /// Ownership leaves the body (returned, stored in a field, given to an owner).
    Escape,
    /// Disposed right here (`using`).
    Released,
    /// The receiver of a call to this method.
    Receiver(String),
    /// An argument to this callee, which does not take ownership.
    Argument(String),
}

/// How deeply nested statements and expressions are lowered.
pub(super) const MAX_SYNTAX_DEPTH: usize = 500;

impl<'a, 't> Lowerer<'a, 't> {
    pub(super) fn expr(&mut self, node: Node<'t>, dest: Dest) {
        self.expr_with_target(node, dest, None);
    }

    /// Lowers `node` whose value goes to `dest`; `target` is the type a target-typed `new()` creates.
    pub(super) fn expr_with_target(&mut self, node: Node<'t>, dest: Dest, target: Option<&str>) {
        // Syntax nested deeper than any real code (a 20 000-call chain) is not followed: the
        // stack stays bounded.
        if self.depth >= MAX_SYNTAX_DEPTH {
            self.plain_value(&dest, node);
            return;
        }
        self.depth += 1;
        self.expr_at(node, dest, target);
        self.depth -= 1;
    }

    fn expr_at(&mut self, node: Node<'t>, dest: Dest, target: Option<&str>) {
        match kind_of(&node) {
            "parenthesized_expression" | "ref_expression" => {
                if let Some(inner) = node.named_child(0) {
                    self.expr_with_target(inner, dest, target);
                }
            }
            "cast_expression" => {
                if let Some(inner) = field(node, "value") {
                    self.expr(inner, dest);
                }
            }
            "as_expression" => {
                if let Some(inner) = field(node, "left") {
                    self.expr(inner, dest);
                }
            }
            "postfix_unary_expression" if text(node, self.source).ends_with('!') => {
                if let Some(inner) = node.named_child(0) {
                    self.expr(inner, dest);
                }
            }
            "identifier" => self.identifier(node, dest),
            "object_creation_expression" => {
                let ty =
                    field(node, "type").map(|t| syntax::simple_type_name(text(t, self.source)).to_string());
                self.creation(node, ty, dest);
            }
            "implicit_object_creation_expression" => self.creation(node, target.map(str::to_string), dest),
            "invocation_expression" => self.invocation(node, dest, None),
            "await_expression" => {
                let Some(inner) = node.named_child(0) else { return };
                let call = syntax::unwrap_value(inner, self.source);
                if kind_of(&call) == "invocation_expression" {
                    self.invocation(call, dest, Some(node));
                } else {
                    self.expr(inner, dest);
                }
            }
            "conditional_expression" => {
                if let Some(c) = field(node, "condition") {
                    self.expr(c, Dest::Read);
                }
                let arms = [field(node, "consequence"), field(node, "alternative")];
                self.fork(&arms, |l, arm| {
                    if let Some(arm) = arm {
                        l.expr_with_target(arm, dest.clone(), target);
                    }
                });
            }
            "binary_expression" if field(node, "operator").is_some_and(|o| text(o, self.source) == "??") => {
                if let Some(left) = field(node, "left") {
                    self.expr(left, dest.clone());
                }
                let right = field(node, "right");
                self.fork(&[right, None], |l, arm| {
                    if let Some(arm) = arm {
                        l.expr_with_target(arm, dest.clone(), target);
                    }
                });
            }
            "switch_expression" => {
                let children = named_children(node);
                if let Some(value) = children.first() {
                    self.expr(*value, Dest::Read);
                }
                let arms: Vec<Option<Node>> = children
                    .iter()
                    .filter(|c| kind_of(c) == "switch_expression_arm")
                    .map(|arm| named_children(*arm).last().copied())
                    .collect();
                self.fork(&arms, |l, value| {
                    if let Some(value) = value {
                        l.expr_with_target(value, dest.clone(), target);
                    }
                });
            }
            "assignment_expression" => self.assignment(node),
            "lambda_expression" | "anonymous_method_expression" => {
                self.captures(node);
                self.plain_value(&dest, node);
            }
            "tuple_expression"
            | "initializer_expression"
            | "array_creation_expression"
            | "implicit_array_creation_expression"
            | "collection_expression"
            | "anonymous_object_creation_expression"
            | "expression_element"
            | "spread_element" => {
                let element_dest = match dest {
                    Dest::Read | Dest::Discard | Dest::Receiver(_) | Dest::Argument(_) => Dest::Read,
                    _ => Dest::Escape,
                };
                for child in named_children(node) {
                    let child = if kind_of(&child) == "argument" {
                        syntax::argument_value(child)
                    } else {
                        Some(child)
                    };
                    if let Some(child) = child {
                        self.expr(child, element_dest.clone());
                    }
                }
                if let Dest::Var(var) = dest {
                    self.push(Event::Assign { to: var, from: None }, range(node));
                }
            }
            "is_pattern_expression" => self.is_pattern(node),
            // `from p in paths select new StreamReader(p)`: the values flow into the query's result.
            "query_expression" => {
                for clause in named_children(node) {
                    let selects = matches!(kind_of(&clause), "select_clause" | "group_clause");
                    match clause.named_child(0).filter(|_| selects) {
                        Some(value) => self.expr(value, Dest::Escape),
                        None => self.expr(clause, Dest::Read),
                    }
                }
                self.plain_value(&dest, node);
            }
            "declaration_expression" => {
                if let Some(name) = field(node, "name") {
                    let ty = syntax::declared_type(node, self.source)
                        .map(|t| syntax::simple_type_name(t).to_string());
                    self.declare(text(name, self.source), ty);
                }
            }
            "conditional_access_expression" => {
                if let Some(c) = field(node, "condition") {
                    self.expr(c, Dest::Read);
                }
                self.plain_value(&dest, node);
            }
            _ => {
                for child in named_children(node) {
                    if !is_type_syntax(kind_of(&child)) {
                        self.expr(child, Dest::Read);
                    }
                }
                self.plain_value(&dest, node);
            }
        }
    }

    /// A value that is no resource reaches `dest`.
    pub(super) fn plain_value(&mut self, dest: &Dest, node: Node) {
        if let Dest::Var(var) = dest {
            self.push(Event::Assign { to: *var, from: None }, range(node));
        }
    }

    fn identifier(&mut self, node: Node<'t>, dest: Dest) {
        let name = text(node, self.source);
        let Some(&var) = self.locals.get(name) else {
            // A local function used as a value (a method group) captures what it uses then.
            if let Some(&(function, _)) = self.local_functions.get(name) {
                self.captures(function);
            }
            self.plain_value(&dest, node);
            return;
        };
        let at = range(node);
        match dest {
            Dest::Var(to) => self.push(Event::Assign { to, from: Some(var) }, at),
            Dest::Escape => self.push(Event::Transfer { var }, at),
            Dest::Released => self.push(Event::Release { var }, at),
            Dest::Read | Dest::Discard | Dest::Receiver(_) | Dest::Argument(_) => {}
        }
    }

    /// A created value of type `ty` (when disposable) reaches `dest`.
    pub(super) fn created(&mut self, ty: Option<String>, dest: Dest, site: Node, excluded: bool) {
        let tracked = ty.as_deref().is_some_and(|t| self.know.is_reportable(t)) && !excluded;
        let Some(ty) = ty.filter(|_| tracked) else {
            self.plain_value(&dest, site);
            return;
        };
        let usage = match &dest {
            Dest::Escape | Dest::Released => return,
            Dest::Var(var) => {
                let name = self
                    .locals
                    .iter()
                    .find(|(_, v)| *v == var)
                    .map(|(n, _)| n.to_string())
                    .unwrap_or_default();
                SiteUse::Local(name)
            }
            Dest::Read | Dest::Discard => SiteUse::Discarded,
            Dest::Receiver(m) => SiteUse::Receiver(m.clone()),
            Dest::Argument(callee) => SiteUse::PassedTo(callee.clone()),
        };
        let res = self.b.new_res();
        self.sites.push(Site { range: range(site), type_name: ty, usage });
        let into = match dest {
            Dest::Var(var) => Some(var),
            _ => None,
        };
        self.push(Event::Acquire { res, into }, range(site));
    }

    pub(super) fn creation(&mut self, node: Node<'t>, ty: Option<String>, dest: Dest) {
        let args = syntax::arguments(node);
        // `new ValueTask<Stream>(stream)`, like `ValueTask.FromResult(stream)`, carries the value
        // to wherever the task goes.
        if ty.as_deref() == Some("ValueTask") && args.len() == 1 {
            if let Some(value) = syntax::argument_value(args[0]) {
                self.expr(value, dest);
            }
            return;
        }
        let name = ty.clone().unwrap_or_else(|| "new".to_string());
        let wrapper = ty.as_deref().is_some_and(|t| self.know.is_owning_wrapper(t))
            && !ownership::leaves_open(&args, self.source);
        let project =
            ty.as_deref().map(|t| self.know.index.methods(t, args.len(), Some(t))).unwrap_or_default();
        let unknown = project.is_empty() && !wrapper;
        for (i, arg) in args.iter().enumerate() {
            let owned = (wrapper && i == 0)
                || project.iter().any(|m| m.name == name && m.params.get(i).is_some_and(|p| p.owned))
                || (unknown && self.know.transfer_to_unknown_methods);
            self.argument(*arg, owned, &name, None);
        }
        if let Some(init) = field(node, "initializer") {
            self.expr(init, Dest::Escape);
        }
        let excluded = ty.as_deref().is_some_and(|t| self.know.is_excluded_symbol(None, t));
        self.created(ty, dest, node, excluded);
    }

    fn assignment(&mut self, node: Node<'t>) {
        let (Some(left), Some(right)) = (field(node, "left"), field(node, "right")) else { return };
        let operator = field(node, "operator").map(|o| text(o, self.source)).unwrap_or("=");
        let local = (kind_of(&left) == "identifier")
            .then(|| text(left, self.source))
            .filter(|n| !self.by_ref.contains(n))
            .and_then(|n| self.locals.get(n).copied().map(|v| (n, v)));
        match (operator, local) {
            ("=", Some((name, var))) => {
                let ty = self.local_types.get(name).cloned();
                self.expr_with_target(right, Dest::Var(var), ty.as_deref());
            }
            ("??=", Some((name, var))) => {
                let ty = self.local_types.get(name).cloned();
                self.fork(&[Some(right), None], |l, arm| {
                    if let Some(arm) = arm {
                        l.expr_with_target(arm, Dest::Var(var), ty.as_deref());
                    }
                });
            }
            ("=" | "??=", None) => {
                if kind_of(&left) != "identifier" {
                    self.expr(left, Dest::Read);
                }
                let ty = self.type_of(left);
                self.expr_with_target(right, Dest::Escape, ty.as_deref());
            }
            _ => {
                self.expr(left, Dest::Read);
                self.expr(right, Dest::Read);
            }
        }
    }

    /// `x is T y`: `y` is another name for `x`'s value.
    fn is_pattern(&mut self, node: Node<'t>) {
        let Some(value) = field(node, "expression") else { return };
        self.expr(value, Dest::Read);
        let Some(pattern) = field(node, "pattern") else { return };
        let source_var = (kind_of(&value) == "identifier")
            .then(|| self.locals.get(text(value, self.source)).copied())
            .flatten();
        for p in pattern.descendants().filter(|p| kind_of(p) == "declaration_pattern") {
            let Some(name) = field(p, "name").filter(|n| kind_of(n) == "identifier") else { continue };
            let ty = field(p, "type").map(|t| syntax::simple_type_name(text(t, self.source)).to_string());
            let var = self.declare(text(name, self.source), ty);
            self.push(Event::Assign { to: var, from: source_var }, range(name));
        }
    }

    /// A lambda or local function that disposes, stores or returns a local it captures takes it
    /// over.
    pub(super) fn captures(&mut self, lambda: Node<'t>) {
        let Some(body) = field(lambda, "body")
            .or_else(|| named_children(lambda).into_iter().find(|c| kind_of(c) == "block"))
        else {
            return;
        };
        // A body that does not spell the name of any local captures none (`p => p.Key`), and
        // reading its text is cheaper than walking its tree.
        let written = text(body, self.source);
        if !self.locals.keys().any(|name| written.contains(name)) {
            return;
        }
        // One walk finds the function's own parameters (and those of the functions nested in
        // it), which shadow the locals they are named after, and the locals its body uses.
        let mut shadowed: Vec<&str> = Vec::new();
        let mut used: Vec<&str> = Vec::new();
        let (start, end) = (body.start_byte(), body.end_byte());
        syntax::walk_with_ancestors(lambda, |n, _| match kind_of(&n) {
            "parameter" => shadowed.extend(field(n, "name").map(|p| text(p, self.source))),
            "implicit_parameter" => shadowed.push(text(n, self.source)),
            "identifier" if n.start_byte() >= start && n.end_byte() <= end => {
                let name = text(n, self.source);
                if self.locals.contains_key(name) && !used.contains(&name) {
                    used.push(name);
                }
            }
            _ => {}
        });
        let captured: Vec<&str> = used.into_iter().filter(|n| !shadowed.contains(n)).collect();
        if captured.is_empty() {
            return;
        }
        for name in ownership::consumed(body, self.source, &captured) {
            if let Some(&var) = self.locals.get(name) {
                self.push(Event::Transfer { var }, range(lambda));
            }
        }
    }

    /// `x != null`, `x is not null`, `x is { }` / `x == null`, `x is null`, `TryGet(out x)`,
    /// `!...`: the local tested and whether it is null when the condition holds.
    pub(super) fn null_check(&self, condition: Node) -> Option<(VarId, bool)> {
        let mut condition = syntax::unwrap_value(condition, self.source);
        let mut negated = false;
        while kind_of(&condition) == "prefix_unary_expression"
            && text(condition, self.source).starts_with('!')
        {
            negated = !negated;
            condition = syntax::unwrap_value(condition.named_child(0)?, self.source);
        }
        let (var, null_when_true) = self.null_test(condition)?;
        Some((var, null_when_true != negated))
    }

    fn null_test(&self, condition: Node) -> Option<(VarId, bool)> {
        // `x`, or `(x = Open())` tested in place.
        let local = |n: Node| {
            let n = syntax::unwrap_value(n, self.source);
            let n = if kind_of(&n) == "assignment_expression" { field(n, "left")? } else { n };
            (kind_of(&n) == "identifier").then(|| self.locals.get(text(n, self.source)).copied()).flatten()
        };
        match kind_of(&condition) {
            "binary_expression" => {
                let op = text(field(condition, "operator")?, self.source);
                let (l, r) = (field(condition, "left")?, field(condition, "right")?);
                let var = match (kind_of(&l), kind_of(&r)) {
                    (_, "null_literal") => local(l)?,
                    ("null_literal", _) => local(r)?,
                    _ => return None,
                };
                match op {
                    "==" => Some((var, true)),
                    "!=" => Some((var, false)),
                    _ => None,
                }
            }
            "is_pattern_expression" => {
                let var = local(field(condition, "expression")?)?;
                let pattern = field(condition, "pattern")?;
                let pattern_text =
                    text(pattern, self.source).split_whitespace().collect::<Vec<_>>().join(" ");
                match pattern_text.as_str() {
                    "null" => Some((var, true)),
                    "not null" | "{ }" | "{}" => Some((var, false)),
                    _ => None,
                }
            }
            // `TryOpen(out var s)`: `s` holds something only when the call returns true.
            "invocation_expression" => {
                let out = syntax::arguments(condition).into_iter().find(|a| syntax::has_token(*a, "out"))?;
                let value = syntax::argument_value(out)?;
                let name =
                    if kind_of(&value) == "declaration_expression" { field(value, "name")? } else { value };
                Some((local(name)?, false))
            }
            _ => None,
        }
    }
}

fn is_type_syntax(kind: &str) -> bool {
    matches!(
        kind,
        "predefined_type"
            | "generic_name"
            | "qualified_name"
            | "array_type"
            | "nullable_type"
            | "type_argument_list"
            | "implicit_type"
            | "pointer_type"
            | "tuple_type"
    )
}
