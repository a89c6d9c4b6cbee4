//! Expressions: acquisitions, releases, assignments, and the values resources flow through.

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, KindOf};

use super::calls::Call;
use super::effects;
use super::keys::{fetch_key, observation_key};
use super::lower::{BreakableKind, Lowerer, Mode, Role, Site, Val, MAX_DEPTH};
use super::nodes::{self, text};
use super::{ll1001_timeout, ll1004_observer, ll1008_animation_frame, ll1009_fetch, ll1010_media_stream};
use crate::engine::Event;
use crate::syntax::flat::range;

impl<'t> Lowerer<'_, 't> {
    pub(super) fn expr(&mut self, node: Node<'t>) -> Val {
        // Bracket nesting is checked before parsing, but `a + a + ... + a` or `!!!...x` nest
        // without brackets: past this depth the rest of the expression is not lowered.
        if self.depth >= MAX_DEPTH {
            return Val::None;
        }
        self.depth += 1;
        let value = self.expr_within(node);
        self.depth -= 1;
        value
    }

    fn expr_within(&mut self, node: Node<'t>) -> Val {
        let node = nodes::unwrap(node);
        match node.kind_name() {
            "identifier"
            | "this"
            | "member_expression"
            | "subscript_expression"
            | "shorthand_property_identifier" => {
                // A function passed on by name (`{ onConnect }`, `socket.on('end', finish)`)
                // may be called from there.
                self.run_releasing(node, true);
                match self.cx.place(node) {
                    Some(key) => Val::Place(key),
                    None => self.each_child(node),
                }
            }
            "call_expression" => self.call(node),
            "new_expression" => self.construct(node),
            "await_expression" => {
                let inner = nodes::children(node).next();
                let in_async = self.frames.last().map_or(self.root_async, |f| f.is_async);
                // An awaited acquisition that rejects acquired nothing: branch before it.
                let acquires = inner
                    .and_then(|i| self.cx.acquisition(nodes::unwrap(i)))
                    .is_some_and(|kind| self.in_mode(kind));
                if in_async && acquires {
                    self.may_reject(range(node));
                }
                let value = inner.map_or(Val::None, |inner| self.expr(inner));
                if in_async && !acquires {
                    self.may_reject(range(node));
                }
                for fired in inner.map(|i| self.cx.timeouts_awaited(i)).unwrap_or_default() {
                    self.release(&fired, range(node));
                }
                value
            }
            "assignment_expression" => {
                let value = node.field(Field::Right).map_or(Val::None, |r| self.expr(r));
                self.assign_to_left(node, value)
            }
            "augmented_assignment_expression" => match nodes::logical_assignment(node) {
                Some(operator) => self.logical_assignment(node, operator),
                None => self.each_child(node),
            },
            "arrow_function" | "function_expression" | "generator_function" => {
                self.nested(node, true, Val::None);
                Val::None
            }
            "ternary_expression" => self.ternary(node),
            "binary_expression" => self.binary(node),
            "sequence_expression" => {
                let mut last = Val::None;
                for child in nodes::children(node) {
                    let value = self.expr(child);
                    self.discard(std::mem::replace(&mut last, value), range(child));
                }
                last
            }
            "object" | "array" => {
                for element in nodes::children(node) {
                    let value = match element.kind_name() {
                        "pair" => element.field(Field::Value).map_or(Val::None, |v| self.expr(v)),
                        "method_definition" => {
                            self.nested(element, true, Val::None);
                            Val::None
                        }
                        _ => self.expr(element),
                    };
                    self.hand_over(value, range(element));
                }
                Val::None
            }
            "spread_element" => nodes::children(node).next().map_or(Val::None, |inner| self.expr(inner)),
            // Literals hold no resource, and their parts are no expressions.
            "class" | "string" | "number" | "regex" | "true" | "false" | "null" | "undefined" => Val::None,
            _ => self.each_child(node),
        }
    }

    /// Stores `value` in an assignment's left side. The assignment's value is then that place:
    /// `const id = (ref.current = setInterval(..))` keeps one interval in both.
    fn assign_to_left(&mut self, assignment: Node<'t>, value: Val) -> Val {
        let left = assignment.field(Field::Left);
        match left.and_then(|l| self.cx.place(l).map(|k| (k, l))) {
            Some((key, left)) => {
                let written = text(left, self.cx.source);
                self.assign(&key, value, range(assignment), written);
                Val::Place(key)
            }
            None => {
                self.transfer(value, range(assignment));
                Val::None
            }
        }
    }

    /// `a ??= v`, `a ||= v` and `a &&= v` evaluate `v` and store it in `a` on one side of a
    /// test of `a` only. Where `??=` and `||=` store, `a` held nothing; where `&&=` does not,
    /// `a` holds nothing.
    fn logical_assignment(&mut self, node: Node<'t>, operator: &str) -> Val {
        let place = node.field(Field::Left).and_then(|l| self.cx.place(l));
        let (stores, skips, join) = (self.b.new_block(), self.b.new_block(), self.b.new_block());
        self.branch(vec![stores, skips]);
        let empty_where_stored = operator != "&&=";
        for (block, stored) in [(skips, false), (stores, true)] {
            self.cur = block;
            if let Some(place) = place.as_deref().filter(|_| stored == empty_where_stored) {
                self.mark_empty(place, range(node));
            }
            if stored {
                let value = node.field(Field::Right).map_or(Val::None, |r| self.expr(r));
                self.assign_to_left(node, value);
            }
            self.goto(join);
        }
        self.cur = join;
        place.map_or(Val::None, Val::Place)
    }

    /// Lowers every child expression, dropping their values.
    fn each_child(&mut self, node: Node<'t>) -> Val {
        for child in nodes::children(node) {
            let value = self.expr(child);
            self.discard(value, range(child));
        }
        Val::None
    }

    /// The value of one of several alternatives, merged into one variable.
    fn merge(&mut self, values: Vec<Val>, blocks: Vec<crate::engine::BlockId>, at: crate::TextRange) -> Val {
        let site = values.iter().find_map(|v| match v {
            Val::Temp(_, site) => Some(*site),
            _ => None,
        });
        let join = self.b.new_block();
        let Some(site) = site else {
            for block in blocks {
                self.cur = block;
                self.goto(join);
            }
            self.cur = join;
            return Val::None;
        };
        let merged = self.b.new_var();
        for (value, block) in values.into_iter().zip(blocks) {
            self.cur = block;
            match value {
                Val::Temp(var, _) => {
                    self.push(Event::Assign { to: merged, from: Some(var) }, at);
                    self.push(Event::Assign { to: var, from: None }, at);
                }
                Val::Place(key) => {
                    let from = self.existing(&key);
                    self.push(Event::Assign { to: merged, from }, at);
                }
                Val::None => {}
            }
            self.goto(join);
        }
        self.cur = join;
        Val::Temp(merged, site)
    }

    fn ternary(&mut self, node: Node<'t>) -> Val {
        if let Some(condition) = node.field(Field::Condition) {
            let value = self.expr(condition);
            self.discard(value, range(condition));
        }
        let (then_block, else_block) = (self.b.new_block(), self.b.new_block());
        self.branch(vec![then_block, else_block]);
        let mut values = Vec::new();
        let mut ends = Vec::new();
        for (block, part) in
            [(then_block, node.field(Field::Consequence)), (else_block, node.field(Field::Alternative))]
        {
            self.cur = block;
            values.push(part.map_or(Val::None, |p| self.expr(p)));
            ends.push(self.cur);
        }
        self.merge(values, ends, range(node))
    }

    fn binary(&mut self, node: Node<'t>) -> Val {
        let operator = node.field(Field::Operator).map_or("", |o| o.kind_name());
        let left = node.field(Field::Left);
        let right = node.field(Field::Right);
        let left_value = left.map_or(Val::None, |l| self.expr(l));
        if !matches!(operator, "&&" | "||" | "??") {
            self.discard(left_value, range(node));
            let value = right.map_or(Val::None, |r| self.expr(r));
            self.discard(value, range(node));
            return Val::None;
        }
        let (rhs, skip) = (self.b.new_block(), self.b.new_block());
        self.branch(vec![rhs, skip]);
        self.cur = skip;
        // `id && clearTimeout(id)`: where the right side is skipped, `id` holds nothing.
        if operator == "&&" {
            if let Some((place, false)) = left.and_then(|l| self.guard(l)) {
                self.mark_empty(&place, range(node));
            }
        }
        let skip_end = self.cur;
        self.cur = rhs;
        let right_value = right.map_or(Val::None, |r| self.expr(r));
        let rhs_end = self.cur;
        self.merge(vec![right_value, left_value], vec![rhs_end, skip_end], range(node))
    }

    fn in_mode(&self, kind: usize) -> bool {
        let anywhere = self.cx.kinds[kind].anywhere();
        match self.mode {
            Mode::Owner => !anywhere,
            Mode::Anywhere => anywhere,
        }
    }

    /// Lowers arguments: callbacks as nested functions, values handed over (`transfer`) or,
    /// for calls that only read them, dropped.
    fn arguments(&mut self, call: Node<'t>, hand_over: bool) {
        for &argument in self.cx.call(call).arguments() {
            let unwrapped = nodes::unwrap(argument);
            if nodes::is_function(unwrapped) {
                self.nested(unwrapped, true, Val::None);
                continue;
            }
            let value = self.expr(argument);
            if hand_over {
                self.hand_over(value, range(argument));
            } else {
                self.discard(value, range(argument));
            }
        }
    }

    /// The value goes somewhere that may keep it (an argument, an object or array literal):
    /// a transfer, except for a Blob URL this file revokes itself, which is only lent.
    fn hand_over(&mut self, value: Val, at: crate::TextRange) {
        let lent = matches!(&value, Val::Place(key) if self.mode == Mode::Anywhere && self.cx.released.contains(key));
        if lent {
            self.discard(value, at);
        } else {
            self.transfer(value, at);
        }
    }

    fn receiver(&mut self, call: Node<'t>) {
        let parts = self.cx.call(call);
        let Some(callee) = parts.function.map(nodes::unwrap) else { return };
        if nodes::is_function(callee) {
            self.nested(callee, false, Val::None);
        } else if let Some(object) = parts.receiver {
            let value = self.expr(object);
            self.discard(value, range(callee));
        }
    }

    fn call(&mut self, node: Node<'t>) -> Val {
        if let Some(kind) = self.cx.acquisition(node).filter(|k| self.in_mode(*k)) {
            return self.acquire(node, kind);
        }
        if let Some(value) = self.memoized(node) {
            return self.expr(value);
        }
        let releases = self.cx.release_keys_of(node);
        let parts = self.cx.call(node);
        let method = parts.method;
        if !releases.is_empty() || self.cx.is_registration_remove(method) {
            self.receiver(node);
            self.arguments(node, false);
            for key in releases {
                self.release(key, range(node));
            }
            return Val::None;
        }
        if method == Some("observe") && self.mode == Mode::Owner {
            if let Some(observer) = parts.receiver.and_then(|r| self.cx.aliased_place(r)) {
                if let Some(&kind) = self.observer_places.get(&observer) {
                    return self.observe(node, observer, kind);
                }
            }
        }
        if matches!(method, Some("then")) {
            let value = parts.receiver.map_or(Val::None, |r| self.expr(r));
            if let Val::Temp(..) = value {
                let arguments = parts.arguments();
                match arguments.first().map(|a| nodes::unwrap(*a)).filter(|a| nodes::is_function(*a)) {
                    Some(callback) => self.nested(callback, false, value),
                    None => self.transfer(value, range(node)),
                }
                for &other in arguments.iter().skip(1) {
                    let value = self.expr(other);
                    self.discard(value, range(other));
                }
                return Val::None;
            }
            self.discard(value, range(node));
            self.arguments(node, true);
            return Val::None;
        }
        let callee = parts.function.map(nodes::unwrap);
        let state = callee
            .filter(|c| c.kind_name() == "identifier")
            .and_then(|c| self.cx.scopes.binding_of(c))
            .and_then(|b| self.cx.scopes.get(b).state_of);
        if let Some(state) = state {
            if let Some(argument) =
                parts.arguments().first().filter(|a| !nodes::is_function(nodes::unwrap(**a)))
            {
                let value = self.expr(*argument);
                let written = self.cx.scopes.get(state).name;
                self.assign(&format!("#{state}"), value, range(node), written);
                return Val::None;
            }
        }
        self.receiver(node);
        let hand_over = match self.mode {
            Mode::Owner => !self.borrows(node),
            Mode::Anywhere => self.stores_arguments(node),
        };
        self.arguments(node, hand_over);
        if let Some(callee) = callee {
            self.run_releasing(callee, false);
        }
        Val::None
    }

    /// For kinds that leak anywhere (a Blob URL is a string): does the call keep its arguments
    /// (a collection, a setter, a callback prop, a promise) rather than just read them?
    fn stores_arguments(&self, call: Node<'t>) -> bool {
        const STORING_METHODS: &[&str] = &["push", "unshift", "splice", "set", "add", "enqueue", "resolve"];
        let parts = self.cx.call(call);
        if let Some(method) = parts.method {
            if matches!(method, "call" | "apply") {
                // `callback.call(self, url)`: as if `callback(url)` were called.
                let target = parts.receiver.map(nodes::unwrap);
                let is_parameter = target
                    .filter(|t| t.kind_name() == "identifier")
                    .and_then(|t| self.cx.scopes.binding_of(t));
                return is_parameter
                    .is_some_and(|b| self.cx.scopes.get(b).kind == super::scope::DeclKind::Param);
            }
            return STORING_METHODS.contains(&method) || is_setter_name(method);
        }
        let callee = parts.function.map(nodes::unwrap);
        callee.filter(|c| c.kind_name() == "identifier").is_some_and(|c| {
            let name = text(c, self.cx.source);
            // A callback the caller gave us receives the value: it is theirs now.
            let is_parameter = self
                .cx
                .scopes
                .binding_of(c)
                .is_some_and(|b| self.cx.scopes.get(b).kind == super::scope::DeclKind::Param);
            name == "resolve" || is_setter_name(name) || is_parameter
        })
    }

    /// `useMemo(() => value, deps)` is `value`, computed during render.
    fn memoized(&self, call: Node<'t>) -> Option<Node<'t>> {
        let parts = self.cx.call(call);
        parts.function.filter(|f| text(*f, self.cx.source).contains("useMemo"))?;
        let path = parts.path(self.cx.source)?;
        if path != "useMemo" && !path.ends_with(".useMemo") {
            return None;
        }
        let factory = nodes::unwrap(*parts.arguments().first()?);
        let body = factory.field(Field::Body)?;
        (factory.kind_name() == "arrow_function" && body.kind_name() != "statement_block").then_some(body)
    }

    fn construct(&mut self, node: Node<'t>) -> Val {
        if let Some(kind) = self.cx.acquisition(node).filter(|k| self.in_mode(*k)) {
            return self.acquire(node, kind);
        }
        let hand_over = !self.borrows(node);
        self.arguments(node, hand_over);
        Val::None
    }

    /// Calls that read their arguments without keeping them (`console.log`, a `MediaRecorder`).
    fn borrows(&self, call: Node<'t>) -> bool {
        let parts = self.cx.call(call);
        // The path is built only when its text can match.
        let written = parts.callee().map_or("", |c| text(c, self.cx.source));
        if !written.contains("console") && !ll1010_media_stream::BORROWERS.iter().any(|b| written.contains(b))
        {
            return false;
        }
        let path = parts.path(self.cx.source).unwrap_or_default();
        let last = path.rsplit('.').next().unwrap_or("");
        path.starts_with("console.") || ll1010_media_stream::BORROWERS.contains(&last)
    }

    fn new_site(&mut self, kind: usize, node: Node<'t>) -> (crate::engine::ResId, usize) {
        let res = self.b.new_res();
        let in_loop = self.open_breakables().iter().any(|l| l.kind == BreakableKind::Loop);
        let repeated = !self.frames.is_empty() || in_loop;
        self.sites.push(Site {
            kind,
            node,
            held_in: None,
            place: None,
            stored_key: None,
            observation_of: None,
            repeated,
            unsignalled: false,
            inline_handler: false,
        });
        (res, self.sites.len() - 1)
    }

    /// A listener on an object this code creates itself (`const ws = new WebSocket(url)`,
    /// `document.createElement(..)`, the animation `element.animate(..)` starts, a method of
    /// the class that returns a `new` object) lives and dies with that object: it is no leak of
    /// its own, and whether the object is closed is that object's rule's question.
    fn on_own_object(&self, registration: Node<'t>) -> bool {
        let receiver = self.cx.call(registration).receiver.map(nodes::unwrap);
        // `this.addEventListener(..)` (or `super.` in an override): the object listens to itself
        // (a custom element to its own events), and the listener goes when the object does.
        if receiver.is_some_and(|r| matches!(r.kind_name(), "this" | "super")) {
            return true;
        }
        let Some(init) =
            receiver.filter(|r| r.kind_name() == "identifier").and_then(|r| self.cx.scopes.const_init(r))
        else {
            return false;
        };
        if init.kind_name() == "new_expression" {
            return true;
        }
        let call = self.cx.call(init);
        init.kind_name() == "call_expression"
            && (call.method == Some("animate")
                || matches!(
                    call.path(self.cx.source),
                    Some("document.createElement" | "document.createElementNS")
                )
                || self.own_method_creates(&call))
    }

    /// `this.open(..)`, where `open` is a method of this class whose every `return` gives an
    /// object it creates (`const target = new EventTarget(); ...; return target`).
    fn own_method_creates(&self, call: &Call<'t>) -> bool {
        let (Some(receiver), Some(name)) = (call.receiver.map(nodes::unwrap), call.method) else {
            return false;
        };
        if receiver.kind_name() != "this" {
            return false;
        }
        let Some(method) = effects::sibling_method(self.cx, self.root, name) else { return false };
        let returned = self.cx.scopes.census.returns.get(&method.id()).map_or(&[][..], |r| r.as_slice());
        !returned.is_empty()
            && returned
                .iter()
                .all(|value| self.cx.scopes.resolve_const(*value).kind_name() == "new_expression")
    }

    fn acquire(&mut self, node: Node<'t>, kind: usize) -> Val {
        let rule = self.cx.kinds[kind].rule;
        if self.cx.kinds[kind].registration {
            self.receiver(node);
            self.arguments(node, false);
            // A signal removes it; a kept result is a subscription object (React Native's
            // `const sub = AppState.addEventListener(...)`, removed with `sub.remove()`).
            // In a plain class, a named listener on an object from elsewhere (a collection, a
            // parameter) is that object's business: the class does not track it. An inline
            // one can never be removed by anyone.
            let foreign_target = (self.cx.call(node).receiver)
                .and_then(|r| self.cx.place(r))
                .is_some_and(|p| self.owns_foreign_root(&p));
            let keys = self.cx.registration_keys(node);
            let signalled = self.cx.signal(self.cx.call(node).arguments().get(2).copied()).is_some();
            if signalled
                || self.cx.scopes.census.is_kept(node)
                || (foreign_target && keys.is_ok())
                || self.on_own_object(node)
            {
                return Val::None;
            }
            match keys {
                Err(inline) => {
                    let (res, site) = self.new_site(kind, inline);
                    self.sites[site].inline_handler = true;
                    self.push(Event::Acquire { res, into: None }, range(node));
                }
                Ok(keys) => {
                    // A registration found by `acquisition` has its keys: the first names the target.
                    let Some((first, loose)) = keys.split_first() else { return Val::None };
                    let var = self.registration_var(first, None);
                    for loose in loose {
                        self.vars.entry(loose.clone()).or_default().push(var);
                    }
                    let (res, _) = self.new_site(kind, node);
                    self.push(Event::Register { res, into: var }, range(node));
                }
            }
            return Val::None;
        }
        if rule == ll1009_fetch::LL1009.code {
            return self.fetch(node, kind);
        }
        if rule == ll1008_animation_frame::LL1008.code {
            use ll1008_animation_frame::Frame;
            let frame = ll1008_animation_frame::classify(self.cx, node, self.owner.stop_flags());
            if frame != Frame::Starts {
                self.arguments(node, false);
                if frame == Frame::RescheduleDiscarded {
                    let (res, _) = self.new_site(kind, node);
                    self.push(Event::Acquire { res, into: None }, range(node));
                }
                return Val::None;
            }
        }
        let deferral = rule == ll1001_timeout::LL1001.code
            && self.owner.is_plain_class()
            && self.cx.call(node).arguments().get(1).is_none_or(|d| text(*d, self.cx.source) == "0");
        // The innermost function being lowered, which the call is in.
        let callback = self.frames.last().map(|frame| frame.function);
        let chained = rule == ll1001_timeout::LL1001.code
            && self.cx.scopes.census.is_kept(node)
            && callback.is_some_and(|callback| self.cx.continues_its_timeout(node, callback));
        if self.cx.reschedules_itself(node) || chained || deferral {
            // The re-scheduled id replaces one that has fired (the loop's, or the chain's
            // previous step); dropping it loses the loop. A zero-delay timeout in an object
            // defers work, it schedules nothing that lasts.
            self.arguments(node, false);
            if !deferral && !self.cx.scopes.census.is_kept(node) {
                let (res, _) = self.new_site(kind, node);
                self.push(Event::Acquire { res, into: None }, range(node));
            }
            return Val::None;
        }
        self.receiver(node);
        self.arguments(node, false);
        let (res, site) = self.new_site(kind, node);
        let temp = self.b.new_var();
        self.push(Event::Acquire { res, into: Some(temp) }, range(node));
        if rule == ll1004_observer::LL1004.code {
            self.observer_sites.insert(site);
        }
        Val::Temp(temp, site)
    }

    fn fetch(&mut self, node: Node<'t>, kind: usize) -> Val {
        self.arguments(node, false);
        if self.role != Role::EffectSetup || !self.frames.is_empty() {
            return Val::None;
        }
        let call = self.cx.call(node);
        let arguments = call.arguments();
        let signal = self.cx.signal(arguments.get(1).copied()).or_else(|| {
            // `fetch(new Request(url, { signal }))`, the request made in place or kept in a const.
            let request = self.cx.scopes.resolve_const(*arguments.first()?);
            let parts = self.cx.call(request);
            let is_request = parts.constructor.is_some_and(|c| text(c, self.cx.source) == "Request");
            self.cx.signal(parts.arguments().get(1).copied().filter(|_| is_request))
        });
        let Some(signal) = signal else {
            let (res, site) = self.new_site(kind, node);
            self.sites[site].unsignalled = true;
            self.push(Event::Acquire { res, into: None }, range(node));
            return Val::None;
        };
        let signal = self.cx.scopes.resolve_alias(signal);
        let is_signal_member = signal.kind_name() == "member_expression"
            && signal.field(Field::Property).is_some_and(|p| text(p, self.cx.source) == "signal");
        let destructured = (super::scope::is_name(signal) && text(signal, self.cx.source) == "signal")
            .then(|| self.cx.scopes.binding_of(signal).and_then(|b| self.cx.scopes.get(b).member_of))
            .flatten();
        let controller = signal.field(Field::Object).filter(|_| is_signal_member).or(destructured);
        if let Some((key, controller)) = controller.and_then(|c| self.cx.place(c).map(|k| (k, c))) {
            let var = self.registration_var(&fetch_key(&key), Some(&key));
            let (res, site) = self.new_site(kind, node);
            self.sites[site].held_in = Some(text(controller, self.cx.source).to_string());
            self.push(Event::Acquire { res, into: Some(var) }, range(node));
        }
        Val::None
    }

    fn observe(&mut self, node: Node<'t>, observer: String, kind: usize) -> Val {
        self.arguments(node, false);
        let Some(element) = self.cx.call(node).arguments().first().copied() else { return Val::None };
        let key = observation_key(&observer, &self.cx.structural(element));
        let var = self.registration_var(&key, Some(&observer));
        let (res, site) = self.new_site(kind, node);
        self.sites[site].observation_of = Some(observer);
        self.sites[site].held_in = Some(text(element, self.cx.source).to_string());
        self.push(Event::Acquire { res, into: Some(var) }, range(node));
        Val::None
    }
}

/// `setPreview`, `onChange`: a name that hands a value to someone who keeps it.
fn is_setter_name(name: &str) -> bool {
    ["set", "on"].iter().any(|prefix| {
        name.strip_prefix(prefix).and_then(|rest| rest.chars().next()).is_some_and(|c| c.is_ascii_uppercase())
    })
}
