//! Lowering a C# method, accessor, lambda or local function body to the engine's control-flow
//! graph: statements and loops here, `try`/jumps/exceptions in `lower_try.rs`, expressions in
//! `lower_expr.rs`, calls in `lower_call.rs`.

use std::collections::HashMap;

use crate::syntax::flat::Node;

use super::disposables::{Knowledge, PROCESS_EXITS};
use super::lower_expr::Dest;
use super::survey::Surveyed;
use super::syntax::{self, field, kind_of, named_children, range, text};
use crate::engine::{BlockId, Body, BodyBuilder, Event, Terminator, VarId};
use crate::TextRange;

/// How the creations of a body are described in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SiteUse {
    /// Held by a local (named).
    Local(String),
    /// The value of an expression statement, never stored.
    Discarded,
    /// Only used as the receiver of a call to this method.
    Receiver(String),
    /// Passed to this method or constructor, which does not take ownership.
    PassedTo(String),
}

/// One creation of a disposable in the body.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub range: TextRange,
    pub type_name: String,
    pub usage: SiteUse,
}

pub(crate) struct Lowered {
    pub body: Body,
    pub sites: Vec<Site>,
}

/// What the enclosing type tells a body: its name and its fields' and properties' types.
pub(crate) struct TypeScope<'a> {
    pub name: &'a str,
    pub member_types: HashMap<&'a str, String>,
}

#[derive(Clone, Copy)]
pub(super) enum Scope<'t> {
    Loop { exit: BlockId, next: BlockId },
    Switch { exit: BlockId },
    Finally { body: Node<'t>, landing: Option<BlockId> },
    Catch { landing: BlockId },
}

pub(crate) struct Lowerer<'a, 't> {
    pub(super) source: &'t str,
    pub(super) know: &'a Knowledge<'a>,
    pub(super) owner: &'a TypeScope<'t>,
    pub(super) b: BodyBuilder,
    pub(super) cur: BlockId,
    pub(super) locals: HashMap<&'t str, VarId>,
    pub(super) local_types: HashMap<&'t str, String>,
    /// `out` / `ref` parameters: assigning to them hands the value to the caller.
    pub(super) by_ref: Vec<&'t str>,
    /// Local functions of the body, with which parameters each takes ownership of.
    pub(super) local_functions: HashMap<&'t str, (Node<'t>, Vec<bool>)>,
    pub(super) sites: Vec<Site>,
    pub(super) scopes: Vec<Scope<'t>>,
    /// Current nesting of `stmt`/`expr` calls (bounded by `MAX_SYNTAX_DEPTH`).
    pub(super) depth: usize,
}

/// Lowers one surveyed function-like node (method, constructor, accessor, lambda, local
/// function, expression-bodied property).
pub(crate) fn lower_function<'t>(
    surveyed: Surveyed<'t>,
    source: &'t str,
    know: &Knowledge,
    owner: &TypeScope<'t>,
) -> Lowered {
    let Surveyed { function, body, local_functions } = surveyed;
    let mut l = Lowerer::new(source, know, owner);
    l.declare_parameters(function);
    l.collect_local_functions(local_functions);
    let end = match kind_of(&body) {
        "block" => {
            l.stmt(body);
            TextRange::new(body.end_byte().saturating_sub(1), body.end_byte())
        }
        "arrow_expression_clause" => {
            if let Some(value) = body.named_child(0) {
                l.expr(value, Dest::Escape);
            }
            range(body)
        }
        _ => {
            // An expression-bodied lambda: its value is returned.
            l.expr(body, Dest::Escape);
            range(body)
        }
    };
    Lowered { body: l.b.finish(end), sites: l.sites }
}

/// Lowers a file's top-level statements (C# 9's implicit `Main`), if it has any.
pub(crate) fn lower_top_level<'t>(
    root: Node<'t>,
    source: &'t str,
    know: &Knowledge,
    owner: &TypeScope<'t>,
) -> Option<Lowered> {
    let statements: Vec<Node> = named_children(root)
        .into_iter()
        .filter(|c| kind_of(c) == "global_statement")
        .filter_map(|g| g.named_child(0))
        .collect();
    if statements.is_empty() {
        return None;
    }
    let mut l = Lowerer::new(source, know, owner);
    let local_functions = syntax::pruned_descendants(root, syntax::is_function_like)
        .filter(|n| kind_of(n) == "local_function_statement")
        .collect();
    l.collect_local_functions(local_functions);
    for statement in statements {
        l.stmt(statement);
    }
    let end = TextRange::new(root.end_byte(), root.end_byte());
    Some(Lowered { body: l.b.finish(end), sites: l.sites })
}

impl<'a, 't> Lowerer<'a, 't> {
    fn new(source: &'t str, know: &'a Knowledge<'a>, owner: &'a TypeScope<'t>) -> Lowerer<'a, 't> {
        let b = BodyBuilder::new();
        let cur = b.entry();
        Lowerer {
            source,
            know,
            owner,
            b,
            cur,
            locals: HashMap::new(),
            local_types: HashMap::new(),
            by_ref: Vec::new(),
            local_functions: HashMap::new(),
            sites: Vec::new(),
            scopes: Vec::new(),
            depth: 0,
        }
    }

    fn declare_parameters(&mut self, function: Node<'t>) {
        let list = field(function, "parameters");
        let params: Vec<Node> = match list {
            Some(l) if kind_of(&l) == "parameter_list" => named_children(l),
            Some(single) => vec![single],
            None => Vec::new(),
        };
        for p in params {
            let name_node = if kind_of(&p) == "parameter" { field(p, "name") } else { Some(p) };
            let Some(name) = name_node
                .filter(|n| matches!(kind_of(n), "identifier" | "implicit_parameter"))
                .map(|n| text(n, self.source))
            else {
                continue;
            };
            let ty = field(p, "type").map(|t| syntax::simple_type_name(text(t, self.source)).to_string());
            if syntax::has_keyword(p, self.source, &["out", "ref"]) {
                self.by_ref.push(name);
            }
            self.declare(name, ty);
        }
    }

    /// Records the body's local functions (`local_function_statement`s) with the parameters
    /// each takes ownership of.
    fn collect_local_functions(&mut self, functions: Vec<Node<'t>>) {
        for node in functions {
            let Some(name) = field(node, "name").map(|n| text(n, self.source)) else { continue };
            let owned = super::ownership::consumed_parameters(node, node, self.source)
                .into_iter()
                .map(|(owned, forwards)| owned || self.know.index.owns_any(&forwards))
                .collect();
            self.local_functions.insert(name, (node, owned));
        }
    }

    /// Declares a local (or parameter) and returns its variable.
    pub(super) fn declare(&mut self, name: &'t str, ty: Option<String>) -> VarId {
        let var = self.b.new_var();
        self.locals.insert(name, var);
        match ty {
            Some(t) => self.local_types.insert(name, t),
            None => self.local_types.remove(name),
        };
        var
    }

    pub(super) fn push(&mut self, event: Event, at: TextRange) {
        self.b.push(self.cur, event, at);
    }

    /// Ends the current block with `terminator` and continues in a fresh (unreachable) block.
    pub(super) fn end_path(&mut self, terminator: Terminator) {
        self.b.terminate(self.cur, terminator);
        self.cur = self.b.new_block();
    }

    pub(super) fn goto(&mut self, target: BlockId) {
        self.b.terminate(self.cur, Terminator::Goto(target));
    }

    /// Adds an edge from here to `target` and continues in a new block.
    pub(super) fn edge_to(&mut self, target: BlockId) {
        let next = self.b.new_block();
        self.b.terminate(self.cur, Terminator::Branch(vec![target, next]));
        self.cur = next;
    }

    /// Forks into one block per arm, each lowered by `arm`, joined afterwards.
    pub(super) fn fork<T: Copy>(&mut self, arms: &[T], mut arm: impl FnMut(&mut Self, T)) {
        let join = self.b.new_block();
        let blocks: Vec<BlockId> = arms.iter().map(|_| self.b.new_block()).collect();
        self.b.terminate(self.cur, Terminator::Branch(blocks.clone()));
        for (&a, block) in arms.iter().zip(blocks) {
            self.cur = block;
            arm(self, a);
            self.goto(join);
        }
        self.cur = join;
    }

    pub(super) fn stmt(&mut self, node: Node<'t>) {
        if self.depth >= super::lower_expr::MAX_SYNTAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.stmt_at(node);
        self.depth -= 1;
    }

    fn stmt_at(&mut self, node: Node<'t>) {
        if matches!(
            kind_of(&node),
            "local_declaration_statement" | "expression_statement" | "return_statement" | "yield_statement"
        ) {
            self.throw_point(node);
        }
        match kind_of(&node) {
            "block" => {
                for child in named_children(node) {
                    self.stmt(child);
                }
            }
            "local_declaration_statement" => {
                // `using var x = ..;`: the keyword and the declaration, in one pass.
                let (mut using, mut declaration) = (false, None);
                for child in syntax::children(node) {
                    match kind_of(&child) {
                        "using" if !child.is_named() => using = true,
                        "variable_declaration" if declaration.is_none() => declaration = Some(child),
                        _ => {}
                    }
                }
                if let Some(decl) = declaration {
                    self.declaration(decl, using);
                }
            }
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    self.expr(e, Dest::Discard);
                    if self.is_process_exit(e) {
                        self.end_path(Terminator::Diverge);
                    }
                }
            }
            "if_statement" => self.if_statement(node),
            "return_statement" => {
                if let Some(value) = node.named_child(0) {
                    self.expr(value, Dest::Escape);
                }
                self.run_finallys_down_to(0);
                self.end_path(Terminator::Return(Some(range(node))));
            }
            "yield_statement" => {
                if syntax::has_token(node, "break") {
                    self.run_finallys_down_to(0);
                    self.end_path(Terminator::Return(Some(range(node))));
                }
                if let Some(value) = node.named_child(0) {
                    self.expr(value, Dest::Escape);
                }
            }
            "throw_statement" => {
                if let Some(value) = node.named_child(0) {
                    self.expr(value, Dest::Read);
                }
                self.throw_exit();
            }
            "try_statement" => {
                self.try_statement(node);
            }
            "using_statement" => self.using_statement(node),
            "while_statement" => self.while_statement(node),
            "do_statement" => self.do_statement(node),
            "for_statement" => self.for_statement(node),
            "foreach_statement" => self.foreach_statement(node),
            "switch_statement" => self.switch_statement(node),
            "break_statement" => {
                if let Some((level, exit)) = self.innermost(|s| match s {
                    Scope::Loop { exit, .. } | Scope::Switch { exit } => Some(exit),
                    _ => None,
                }) {
                    self.jump(level, exit);
                }
            }
            "continue_statement" => {
                if let Some((level, next)) = self.innermost(|s| match s {
                    Scope::Loop { next, .. } => Some(next),
                    _ => None,
                }) {
                    self.jump(level, next);
                }
            }
            // A jump to a label is not followed: the path ends without a verdict.
            "goto_statement" => {
                self.end_path(Terminator::Throw);
            }
            "local_function_statement" | "empty_statement" => {}
            "labeled_statement" | "lock_statement" | "checked_statement" | "unsafe_statement"
            | "fixed_statement" => {
                for child in named_children(node) {
                    if is_statement(kind_of(&child)) {
                        self.stmt(child);
                    } else if kind_of(&child) == "variable_declaration" {
                        self.declaration(child, false);
                    } else if kind_of(&child) != "identifier" || kind_of(&node) != "labeled_statement" {
                        self.expr(child, Dest::Read);
                    }
                }
            }
            _ => {
                for child in named_children(node) {
                    self.expr(child, Dest::Read);
                }
            }
        }
    }

    fn is_process_exit(&self, expr: Node) -> bool {
        kind_of(&expr) == "invocation_expression"
            && syntax::invoked_member(expr, self.source).is_some_and(|(recv, name)| {
                recv.is_some_and(|r| {
                    PROCESS_EXITS
                        .iter()
                        .any(|(t, m)| *m == name && syntax::simple_type_name(text(r, self.source)) == *t)
                })
            })
    }

    /// `var a = .., b = ..;` (with `using`: the values are disposed by the declaration).
    pub(super) fn declaration(&mut self, decl: Node<'t>, using: bool) {
        let declared =
            syntax::declared_type(decl, self.source).map(|t| syntax::simple_type_name(t).to_string());
        for declarator in named_children(decl).into_iter().filter(|c| kind_of(c) == "variable_declarator") {
            let Some(name) = field(declarator, "name").map(|n| text(n, self.source)) else { continue };
            let value = syntax::declarator_value(declarator);
            let ty = declared.clone().or_else(|| value.and_then(|v| self.type_of(v)));
            let var = self.declare(name, ty.clone());
            if let Some(value) = value {
                let dest = if using { Dest::Released } else { Dest::Var(var) };
                self.expr_with_target(value, dest, ty.as_deref());
            }
        }
    }

    fn if_statement(&mut self, node: Node<'t>) {
        let Some(condition) = field(node, "condition") else { return };
        self.header(condition);
        let null_check = self.null_check(condition);
        let branches = [(field(node, "consequence"), true), (field(node, "alternative"), false)];
        self.fork(&branches, |l, (branch, when)| {
            if let Some((var, null_when_true)) = null_check {
                if null_when_true == when {
                    // `x` is null on this branch: nothing to dispose.
                    l.push(Event::Release { var }, range(condition));
                }
            }
            if let Some(b) = branch {
                l.stmt(b);
            }
        });
    }

    fn using_statement(&mut self, node: Node<'t>) {
        for child in named_children(node) {
            if Some(child) == field(node, "body") {
                continue;
            }
            if kind_of(&child) == "variable_declaration" {
                self.declaration(child, true);
            } else {
                self.expr(child, Dest::Released);
            }
        }
        if let Some(body) = field(node, "body") {
            self.stmt(body);
        }
    }

    /// Runs `body` as a loop from the current block (its head): `next` is where `continue` and
    /// the end of the body go. An endless loop (see [`Lowerer::always_holds`]) always runs its
    /// body, and is left by a jump only.
    fn loop_body(
        &mut self,
        body: Option<Node<'t>>,
        next: BlockId,
        endless: bool,
        before_body: impl FnOnce(&mut Self),
    ) {
        let exit = self.b.new_block();
        let start = self.b.new_block();
        self.b.terminate(self.cur, Terminator::loop_test(start, exit, endless));
        self.cur = start;
        before_body(self);
        self.scopes.push(Scope::Loop { exit, next });
        if let Some(body) = body {
            self.stmt(body);
        }
        self.scopes.pop();
        self.goto(next);
        self.cur = exit;
    }

    /// Starts a loop's head block (where each iteration begins) and evaluates its condition.
    fn loop_head(&mut self, condition: Option<Node<'t>>) -> BlockId {
        let head = self.b.new_block();
        self.goto(head);
        self.cur = head;
        if let Some(c) = condition {
            self.header(c);
        }
        head
    }

    /// Whether a loop's condition holds every time: none (`for (;;)`) or `true`.
    fn always_holds(&self, condition: Option<Node<'t>>) -> bool {
        condition.is_none_or(|c| kind_of(&c) == "boolean_literal" && text(c, self.source) == "true")
    }

    fn while_statement(&mut self, node: Node<'t>) {
        let condition = field(node, "condition");
        let head = self.loop_head(condition);
        self.loop_body(field(node, "body"), head, self.always_holds(condition), |_| {});
    }

    fn do_statement(&mut self, node: Node<'t>) {
        let start = self.b.new_block();
        let check = self.b.new_block();
        let exit = self.b.new_block();
        self.goto(start);
        self.cur = start;
        self.scopes.push(Scope::Loop { exit, next: check });
        if let Some(body) = field(node, "body") {
            self.stmt(body);
        }
        self.scopes.pop();
        self.goto(check);
        self.cur = check;
        let condition = field(node, "condition");
        if let Some(c) = condition {
            self.header(c);
        }
        self.b.terminate(self.cur, Terminator::loop_test(start, exit, self.always_holds(condition)));
        self.cur = exit;
    }

    fn for_statement(&mut self, node: Node<'t>) {
        for init in syntax::fields(node, "initializer") {
            if kind_of(&init) == "variable_declaration" {
                self.declaration(init, false);
            } else {
                self.expr(init, Dest::Discard);
            }
        }
        let condition = field(node, "condition");
        let head = self.loop_head(condition);
        let update = self.b.new_block();
        self.loop_body(field(node, "body"), update, self.always_holds(condition), |_| {});
        let after = self.cur;
        self.cur = update;
        for u in syntax::fields(node, "update") {
            self.expr(u, Dest::Discard);
        }
        self.goto(head);
        self.cur = after;
    }

    fn foreach_statement(&mut self, node: Node<'t>) {
        if let Some(collection) = field(node, "right") {
            self.header(collection);
        }
        let head = self.loop_head(None);
        let left = field(node, "left");
        let ty = syntax::declared_type(node, self.source).map(|t| syntax::simple_type_name(t).to_string());
        self.loop_body(field(node, "body"), head, false, |l| {
            if let Some(left) = left {
                for id in left.descendants().filter(|n| kind_of(n) == "identifier") {
                    let var = l.declare(text(id, l.source), ty.clone());
                    l.push(Event::Assign { to: var, from: None }, range(id));
                }
            }
        });
    }

    fn switch_statement(&mut self, node: Node<'t>) {
        if let Some(value) = field(node, "value") {
            self.header(value);
        }
        let sections: Vec<Node> = field(node, "body")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|s| kind_of(s) == "switch_section")
            .collect();
        let has_default = sections.iter().any(|s| syntax::has_token(*s, "default"));
        let exit = self.b.new_block();
        let mut targets: Vec<BlockId> = sections.iter().map(|_| self.b.new_block()).collect();
        let blocks = targets.clone();
        if !has_default {
            targets.push(exit);
        }
        self.b.terminate(self.cur, Terminator::Branch(targets));
        self.scopes.push(Scope::Switch { exit });
        for (index, section) in sections.into_iter().enumerate() {
            self.cur = blocks[index];
            let statements: Vec<Node> =
                named_children(section).into_iter().filter(|c| is_statement(kind_of(c))).collect();
            // `case 1: default: ...`: the grammar makes each label a section of its own, and a
            // label with no statements shares the next one's.
            if statements.is_empty() {
                self.goto(blocks.get(index + 1).copied().unwrap_or(exit));
                continue;
            }
            for statement in statements {
                self.stmt(statement);
            }
            self.goto(exit);
        }
        self.scopes.pop();
        self.cur = exit;
    }
}

fn is_statement(kind: &str) -> bool {
    kind.ends_with("_statement") || kind == "block"
}
