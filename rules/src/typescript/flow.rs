//! Statements: blocks, branches, loops, `try`, `switch`, returns, and nested functions.

use rustc_hash::FxHashSet as HashSet;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, KindOf};

use super::keys::FileCx;
use super::lower::{labelled_body, Breakable, BreakableKind, Frame, Lowerer, Role, Val, MAX_DEPTH};
use super::nodes;
use super::scope::is_name;
use crate::engine::{Event, Terminator};
use crate::syntax::flat::range;

impl<'t> Lowerer<'_, 't> {
    pub(super) fn statement(&mut self, node: Node<'t>) {
        if self.depth >= MAX_DEPTH || self.cannot_matter(node) {
            return;
        }
        self.depth += 1;
        self.statement_within(node);
        self.depth -= 1;
    }

    fn statement_within(&mut self, node: Node<'t>) {
        match node.kind_name() {
            "program" | "statement_block" | "else_clause" => {
                for child in nodes::children(node) {
                    self.statement(child);
                }
            }
            "expression_statement" => {
                for child in nodes::children(node) {
                    let value = self.expr(child);
                    self.discard(value, range(child));
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in nodes::children(node).filter(|d| d.kind_name() == "variable_declarator") {
                    self.declarator(declarator);
                }
            }
            "export_statement" => {
                for child in nodes::children(node) {
                    self.statement(child);
                }
            }
            "return_statement" => {
                let returned = nodes::children(node).next();
                let value = returned.map_or(Val::None, |r| self.expr(r));
                self.returned(value, returned, range(node));
            }
            "throw_statement" => {
                for child in nodes::children(node) {
                    let value = self.expr(child);
                    self.discard(value, range(child));
                }
                self.throw();
            }
            "if_statement" => self.if_statement(node),
            "for_statement" | "while_statement" | "do_statement" | "for_in_statement" => {
                self.loop_statement(node)
            }
            "try_statement" => self.try_statement(node),
            "switch_statement" => self.switch_statement(node),
            "break_statement" | "continue_statement" => self.jump(node),
            "labeled_statement" => self.labeled_statement(node),
            "function_declaration" | "generator_function_declaration" => self.nested(node, true, Val::None),
            "class_declaration"
            | "abstract_class_declaration"
            | "import_statement"
            | "empty_statement"
            | "comment"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration"
            | "ambient_declaration" => {}
            _ => {
                let value = self.expr(node);
                self.discard(value, range(node));
            }
        }
    }

    /// Can lowering `node` here change a finding? Not when no loop can bring a later
    /// acquisition back round, no name in it acquires or releases anything (nor can a call to
    /// a local factory, under any name), and it can touch nothing held: either nothing is held
    /// yet, or it names no place that holds something (every event on a place spells the
    /// place's last name, a setter aside) and control cannot leave it early (a `return`, a
    /// rejected `await` with something open is a leak path).
    fn cannot_matter(&self, node: Node<'t>) -> bool {
        let range = node.byte_range();
        if !self.loops.is_empty()
            || !self.cx.factories.is_empty()
            || self.cx.candidates.any_name_in(range.clone())
        {
            return false;
        }
        if self.vars.is_empty() && self.dependents.is_empty() {
            return true;
        }
        if self.cx.candidates.any_exit_in(range) {
            return false;
        }
        let text = nodes::text(node, self.cx.source);
        !self.vars.keys().chain(self.dependents.keys()).any(|key| self.may_name(key, text))
            && !self.cx.releasing_functions.iter().any(|(name, _)| text.contains(name))
    }

    /// Can `text` touch the place `key`: does it spell the place's last name? A state variable
    /// is also set through its setter, under another name: always.
    fn may_name(&self, key: &str, text: &str) -> bool {
        // Registrations, observations and fetches (`L|…`, `O|…`, `F|…`) change only through
        // calls that name a release.
        if key.contains('|') {
            return false;
        }
        let last = key.rsplit('.').next().unwrap_or(key);
        let name = match FileCx::place_root(last) {
            Some(id) => {
                let binding = self.cx.scopes.get(id);
                if binding.is_state {
                    return true;
                }
                binding.name
            }
            None => last.strip_prefix("g:").unwrap_or(last),
        };
        text.contains(name)
    }

    fn declarator(&mut self, declarator: Node<'t>) {
        let Some(name) = declarator.field(Field::Name) else { return };
        let Some(init) = declarator.field(Field::Value) else { return };
        let value = self.expr(init);
        match self.cx.place(name) {
            Some(key) if name.kind_name() == "identifier" => {
                let written = nodes::text(name, self.cx.source);
                self.assign(&key, value, range(declarator), written)
            }
            _ => self.transfer(value, range(declarator)),
        }
    }

    /// `return value`: from an effect's setup, the cleanup (its releases count here); from
    /// any other function, the caller's.
    pub(super) fn returned(&mut self, value: Val, returned: Option<Node<'t>>, at: crate::TextRange) {
        self.run_finalizers(self.frames.last().map_or(0, |f| f.finalizers));
        if let Some(frame) = self.frames.last() {
            let target = frame.ret;
            self.transfer(value, at);
            self.goto(target);
            self.cur = self.b.new_block();
            return;
        }
        match (self.role, returned) {
            (Role::EffectSetup, Some(returned)) => {
                self.discard(value, at);
                let (keys, cleanup) = self.owner.cleanup_releases(returned);
                self.exit(Some(at), cleanup, &keys);
            }
            _ => {
                self.transfer(value, at);
                self.exit(Some(at), None, &HashSet::default());
            }
        }
    }

    /// On the way out by `return`, `break` or `continue`: the `finally` blocks around it that it
    /// leaves (those past the first `base`), innermost first; while one runs, only the ones
    /// around it are pending.
    fn run_finalizers(&mut self, base: usize) {
        let pending = self.finalizers.split_off(base);
        for (depth, finalizer) in pending.iter().enumerate().rev() {
            if self.finally_budget == 0 {
                break;
            }
            self.finally_budget -= 1;
            self.finalizers.truncate(base);
            self.finalizers.extend_from_slice(&pending[..depth]);
            self.statement(*finalizer);
        }
        self.finalizers.truncate(base);
        self.finalizers.extend(pending);
    }

    fn throw(&mut self) {
        let handler_base = self.frames.last().map_or(0, |f| f.handlers);
        if self.handlers.len() > handler_base {
            let target = self.handlers[self.handlers.len() - 1];
            self.goto(target);
        } else if let Some(frame) = self.frames.last() {
            let target = frame.ret;
            self.goto(target);
        } else {
            self.b.terminate(self.cur, Terminator::Throw);
        }
        self.cur = self.b.new_block();
    }

    /// A guard that tells a place holds nothing on one side: `if (id)`, `if (!ws)`,
    /// `if (timer != null)`. Returns the place and whether the *then* side is the empty one.
    pub(super) fn guard(&self, condition: Node<'t>) -> Option<(String, bool)> {
        let mut condition = nodes::unwrap(condition);
        let mut negated = false;
        for _ in 0..8 {
            if condition.kind_name() != "unary_expression"
                || condition.child(0).is_none_or(|o| o.kind_name() != "!")
            {
                break;
            }
            condition = nodes::unwrap(condition.field(Field::Argument)?);
            negated = !negated;
        }
        let (place, then_empty) = self.plain_guard(condition)?;
        Some((place, then_empty != negated))
    }

    fn plain_guard(&self, condition: Node<'t>) -> Option<(String, bool)> {
        match condition.kind_name() {
            "binary_expression" => {
                let operator = condition.field(Field::Operator)?.kind_name();
                let (left, right) = (condition.field(Field::Left)?, condition.field(Field::Right)?);
                let is_nullish = |n: Node| matches!(nodes::unwrap(n).kind_name(), "null" | "undefined");
                let place = if is_nullish(right) {
                    self.cx.place(left)?
                } else if is_nullish(left) {
                    self.cx.place(right)?
                } else {
                    return None;
                };
                match operator {
                    "!=" | "!==" => Some((place, false)),
                    "==" | "===" => Some((place, true)),
                    _ => None,
                }
            }
            _ => Some((self.cx.place(condition)?, false)),
        }
    }

    /// On the side of a guard where the place is empty, it holds nothing to release.
    pub(super) fn mark_empty(&mut self, place: &str, at: crate::TextRange) {
        let keys: Vec<String> = std::iter::once(place.to_string())
            .chain(self.dependents.get(place).into_iter().flatten().cloned())
            .collect();
        for key in keys {
            for var in self.vars.get(&key).cloned().unwrap_or_default() {
                self.push(Event::Release { var }, at);
            }
        }
    }

    fn if_statement(&mut self, node: Node<'t>) {
        let condition = node.field(Field::Condition);
        if let Some(condition) = condition {
            let value = self.expr(condition);
            self.discard(value, range(condition));
        }
        let guard = condition.and_then(|c| self.guard(c));
        let (then_block, else_block, join) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
        self.branch(vec![then_block, else_block]);
        for (block, part, empty_here) in [
            (then_block, node.field(Field::Consequence), true),
            (else_block, node.field(Field::Alternative), false),
        ] {
            self.cur = block;
            if let Some((place, then_empty)) = &guard {
                if *then_empty == empty_here {
                    self.mark_empty(place, range(node));
                }
            }
            if let Some(part) = part {
                self.statement(part);
            }
            self.goto(join);
        }
        self.cur = join;
    }

    fn loop_statement(&mut self, node: Node<'t>) {
        let labelled = self.labelled.take();
        if let Some(init) = node.field(Field::Initializer) {
            self.statement(init);
        }
        if let Some(right) = node.field(Field::Right) {
            let value = self.expr(right);
            self.discard(value, range(right));
        }
        let condition = node.field(Field::Condition);
        // `for (;;)` and `while (true)` are left by a jump only: their body always runs, and
        // what it releases before its `break` is released.
        let endless = node.kind_name() != "for_in_statement" && self.always_holds(condition);
        let (head, body, done) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
        self.goto(head);
        self.cur = head;
        if node.kind_name() == "do_statement" {
            self.goto(body);
        } else {
            if let Some(condition) = condition {
                let value = self.expr(condition);
                self.discard(value, range(condition));
            }
            self.b.terminate(self.cur, Terminator::loop_test(body, done, endless));
        }
        self.cur = body;
        let finalizers = self.finalizers.len();
        self.loops.push(Breakable { next: head, done, finalizers, labelled, kind: BreakableKind::Loop });
        if let Some(statement) = node.field(Field::Body) {
            self.statement(statement);
        }
        self.loops.pop();
        if let Some(increment) = node.field(Field::Increment) {
            let value = self.expr(increment);
            self.discard(value, range(increment));
        }
        if node.kind_name() == "do_statement" {
            if let Some(condition) = condition {
                let value = self.expr(condition);
                self.discard(value, range(condition));
            }
        }
        self.b.terminate(self.cur, Terminator::loop_test(head, done, endless));
        self.cur = done;
    }

    /// Whether a loop's condition holds every time: none (`for (;;)`), `true`, a number other
    /// than zero, or `!0` (as minifiers write `true`).
    fn always_holds(&self, condition: Option<Node<'t>>) -> bool {
        let Some(condition) = condition.filter(|c| c.kind_name() != "empty_statement") else {
            return true;
        };
        let condition = nodes::unwrap(condition);
        let is_number = |node: Node<'t>, holds: fn(f64) -> bool| {
            node.kind_name() == "number" && nodes::text(node, self.cx.source).parse::<f64>().is_ok_and(holds)
        };
        match condition.kind_name() {
            "true" => true,
            "number" => is_number(condition, |n| n != 0.0),
            "unary_expression" => {
                condition.field(Field::Operator).is_some_and(|o| o.kind_name() == "!")
                    && condition.field(Field::Argument).is_some_and(|a| is_number(a, |n| n == 0.0))
            }
            _ => false,
        }
    }

    /// `break` and `continue`, to the innermost loop (or `switch`, for `break`) of this
    /// function, or to the one their label names. A label of no statement around goes nowhere.
    fn jump(&mut self, node: Node<'t>) {
        let open = self.open_breakables();
        let target = match node.field(Field::Label) {
            Some(label) => {
                let label = nodes::text(label, self.cx.source);
                open.iter().rev().find(|l| l.is_named(label, self.cx.source))
            }
            None => open.iter().rev().find(|l| l.kind != BreakableKind::Block),
        };
        if let Some(&Breakable { next, done, finalizers, .. }) = target {
            self.run_finalizers(finalizers);
            self.goto(if node.kind_name() == "break_statement" { done } else { next });
            self.cur = self.b.new_block();
        }
    }

    /// `outer: for (...)`: the loop takes the label, and all of them in `a: b: for (...)`. Any
    /// other statement can only be left by a `break` that names it.
    fn labeled_statement(&mut self, node: Node<'t>) {
        let Some(body) = labelled_body(node) else { return };
        let breakable = matches!(
            body.kind_name(),
            "for_statement" | "while_statement" | "do_statement" | "for_in_statement" | "switch_statement"
        );
        if breakable {
            self.labelled = Some(node);
            self.statement(body);
            // Lowering may skip the loop: its labels must not pass to the next one.
            self.labelled = None;
            return;
        }
        let done = self.b.new_block();
        let finalizers = self.finalizers.len();
        let labelled = Some(node);
        self.loops.push(Breakable { next: done, done, finalizers, labelled, kind: BreakableKind::Block });
        self.statement(body);
        self.loops.pop();
        self.goto(done);
        self.cur = done;
    }

    fn try_statement(&mut self, node: Node<'t>) {
        let handler = node.field(Field::Handler);
        let finalizer = node.field(Field::Finalizer).and_then(|f| f.field(Field::Body));
        let catch_block = self.b.new_block();
        // A `return` in the body or the catch runs the finally block first.
        let pending = self.finalizers.len();
        self.finalizers.extend(finalizer);
        self.handlers.push(catch_block);
        if let Some(body) = node.field(Field::Body) {
            self.statement(body);
        }
        self.handlers.pop();
        let join = self.b.new_block();
        self.goto(join);
        self.cur = catch_block;
        match handler.and_then(|h| h.field(Field::Body)) {
            Some(body) => {
                self.statement(body);
                self.finalizers.truncate(pending);
                self.goto(join);
            }
            None => {
                // try/finally: the finally block runs, then the rejection goes on.
                self.finalizers.truncate(pending);
                if let Some(finalizer) = finalizer {
                    self.statement(finalizer);
                }
                self.propagate(range(node));
            }
        }
        self.cur = join;
        if let Some(finalizer) = finalizer {
            self.statement(finalizer);
        }
    }

    fn switch_statement(&mut self, node: Node<'t>) {
        let labelled = self.labelled.take();
        if let Some(value) = node.field(Field::Value) {
            let value_val = self.expr(value);
            self.discard(value_val, range(value));
        }
        let cases: Vec<Node> =
            node.field(Field::Body).map(|b| nodes::children(b).collect::<Vec<_>>()).unwrap_or_default();
        let done = self.b.new_block();
        let entries: Vec<_> = cases.iter().map(|_| self.b.new_block()).collect();
        let mut targets = entries.clone();
        if !cases.iter().any(|c| c.kind_name() == "switch_default") {
            targets.push(done);
        }
        self.branch(targets);
        let head = self.b.new_block();
        let finalizers = self.finalizers.len();
        self.loops.push(Breakable { next: head, done, finalizers, labelled, kind: BreakableKind::Switch });
        for (i, case) in cases.iter().enumerate() {
            self.cur = entries[i];
            for statement in case.fields(Field::Body) {
                self.statement(statement);
            }
            self.goto(entries.get(i + 1).copied().unwrap_or(done));
        }
        self.loops.pop();
        // `continue` inside a switch continues the enclosing loop.
        let outer = self.loops.iter().rev().find(|l| l.kind != BreakableKind::Block).map(|l| l.next);
        self.b.terminate(head, outer.map_or(Terminator::Goto(done), Terminator::Goto));
        self.cur = done;
    }

    /// A function nested in the body, lowered in place. `optional`: it may not run at all.
    /// `argument`: the value its first parameter receives (`promise.then((stream) => ...)`).
    pub(super) fn nested(&mut self, function: Node<'t>, optional: bool, argument: Val) {
        let receives_nothing = matches!(argument, Val::None);
        if self.role == Role::Module
            || self.cleanups.contains(&function.id())
            || (receives_nothing && self.cannot_matter(function))
        {
            return;
        }
        let (start, after) = (self.b.new_block(), self.b.new_block());
        if optional {
            self.branch(vec![start, after]);
        } else {
            self.goto(start);
        }
        self.cur = start;
        self.frames.push(Frame {
            function,
            ret: after,
            is_async: nodes::is_async(function, self.cx.source),
            hoisted: Vec::new(),
            handlers: self.handlers.len(),
            loops: self.loops.len(),
            finalizers: self.finalizers.len(),
        });
        match self.cx.first_parameter(function).and_then(|p| self.cx.place(p).map(|k| (k, p))) {
            Some((key, parameter)) => {
                let written = nodes::text(parameter, self.cx.source);
                self.assign(&key, argument, range(function), written)
            }
            None => self.transfer(argument, range(function)),
        }
        match function.field(Field::Body) {
            Some(body) if body.kind_name() == "statement_block" => self.statement(body),
            Some(expression) => {
                let value = self.expr(expression);
                self.transfer(value, range(expression));
            }
            None => {}
        }
        self.goto(after);
        let frame = self.frames.pop();
        self.cur = after;
        for key in frame.map(|f| f.hoisted).unwrap_or_default() {
            self.release(&key, range(function));
        }
    }

    /// Where a function of this file that only releases (`const finish = () => clearTimeout(timer)`)
    /// is called, or passed on by name to be called later, it runs there: what it releases is
    /// released there, not only where it is written, which may come before the acquisition.
    /// `optional`: passed on, it may not run at all.
    pub(super) fn run_releasing(&mut self, name: Node<'t>, optional: bool) {
        if self.releasing_runs == 0 || !is_name(name) {
            return;
        }
        // By spelling first: most names are no releasing function's, and need no resolving.
        let written = nodes::text(name, self.cx.source);
        if !self.cx.releasing_functions.iter().any(|(function_name, _)| *function_name == written) {
            return;
        }
        let Some(function) = self.cx.scopes.function_named(name) else { return };
        let releasing = self.cx.releasing_functions.iter().any(|(_, f)| *f == function);
        let running = function == self.root || self.frames.iter().any(|frame| frame.function == function);
        if releasing && !running {
            self.releasing_runs -= 1;
            self.nested(function, optional, Val::None);
        }
    }
}
