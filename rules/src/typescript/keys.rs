//! Identities: the place a resource is held in (`id`, `ref.current`, `this.timer`), the
//! structural identity of listener targets and observed elements, handlers, event types and
//! capture flags, and the release operations a call performs.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;
use std::rc::Rc;

use crate::syntax::flat::Node;

use super::calls::Call;
use super::candidates::Candidates;
use super::facts::{FactsByPlace, Own};
use super::ids::{Field, FieldOf, Ids, KindOf};
use super::kinds::{Acquire, Kind, Release};
use super::node_map::NodeMap;
use super::nodes::{self, text};
use super::scope::{BindingId, DeclKind, Element, Scopes};

/// Everything the per-file analysis shares: the text, the binding table and the kinds in force.
pub struct FileCx<'t> {
    pub source: &'t str,
    pub scopes: Scopes<'t>,
    pub kinds: Rc<Vec<Kind>>,
    /// Every release key of every call in the file.
    pub released: HashSet<String>,
    /// The release keys of each call that has any, by node id (see [`FileCx::releases`]).
    pub release_keys: HashMap<usize, Vec<String>>,
    /// Where the names that can start a finding occur.
    pub candidates: Candidates,
    /// Functions that return a resource they create, by node id (see `find_factories`).
    pub factories: HashMap<usize, usize>,
    /// What each function releases (see `facts::release_facts`), by node id.
    pub facts_cache: RefCell<HashMap<usize, Rc<HashSet<String>>>>,
    /// The same facts of the helpers that calls pass arguments to, by the place each fact
    /// starts from (see `facts::released_through_parameters`), by the helper's node id.
    pub facts_by_place: RefCell<HashMap<usize, Rc<FactsByPlace>>>,
    /// What each function gives the facts of those that reach it (see `facts::Own`), by node id.
    pub own_facts: RefCell<HashMap<usize, Rc<Own<'t>>>>,
    /// The place each expression asked about denotes, by node id (see [`FileCx::place`]): the
    /// lowering, the releases and the cleanups' facts ask about the same nodes.
    pub places: RefCell<NodeMap<Option<String>>>,
    /// The parts of each call asked about, by node id (see [`FileCx::call`]).
    pub calls: RefCell<NodeMap<Rc<Call<'t>>>>,
    /// The functions of the file that release and acquire nothing, with the names they are
    /// called by: the lowering runs them where they are called or passed on.
    pub releasing_functions: Vec<(&'t str, Node<'t>)>,
}

/// How a listener's handler is identified.
pub enum Handler<'t> {
    /// A function created on the spot (`() => ...`, `f.bind(this)`): no remove can ever match it.
    Inline(Node<'t>),
    Named(String),
}

impl<'t> FileCx<'t> {
    /// A function's first parameter, its pattern without type or default: `x` in `(x) => ..`,
    /// `x => ..` and `function (x: T = 1) {..}`, `{ a }` in `({ a }) => ..`.
    pub fn first_parameter(&self, function: Node<'t>) -> Option<Node<'t>> {
        let parameter = function.field(Field::Parameter).or_else(|| {
            let list = function.field(Field::Parameters)?;
            nodes::children(list).next()
        })?;
        Some(parameter.field(Field::Pattern).unwrap_or(parameter))
    }

    /// The place an expression denotes, when it is a variable or a member path on one:
    /// `#12` (binding 12), `#12.current`, `this.timer`, `g:window`.
    pub fn place(&self, node: Node) -> Option<String> {
        if let Some(place) = self.places.borrow().get(node.id()) {
            return place.clone();
        }
        let place = self.find_place(node);
        self.places.borrow_mut().insert(node.id(), place.clone());
        place
    }

    fn find_place(&self, node: Node) -> Option<String> {
        let node = nodes::unwrap(node);
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier" => Some(match self.scopes.binding_of(node) {
                Some(id) => {
                    // `var _this = this` in compiled code is `this`.
                    if self.scopes.const_init_of(id).is_some_and(|init| init.kind_name() == "this") {
                        return Some("this".to_string());
                    }
                    // `const { current } = ref` names `ref.current`.
                    let binding = self.scopes.get(id);
                    let whole = binding.member_of.filter(|_| binding.kind == super::scope::DeclKind::Const);
                    match whole.and_then(|w| self.place(w)) {
                        Some(object) => member_place(object, text(node, self.source)),
                        None => binding_place(id),
                    }
                }
                None => ["g:", text(node, self.source)].concat(),
            }),
            "this" => Some("this".to_string()),
            "member_expression" => {
                let property = node.field(Field::Property)?;
                if property.kind_name() != "property_identifier"
                    && property.kind_name() != "private_property_identifier"
                {
                    return None;
                }
                let object = self.place(node.field(Field::Object)?)?;
                Some(member_place(object, text(property, self.source)))
            }
            "subscript_expression" => {
                let index = nodes::string_literal(node.field(Field::Index)?, self.source)?;
                Some(member_place(self.place(node.field(Field::Object)?)?, &index))
            }
            _ => None,
        }
    }

    /// The binding a place is rooted in (`#12.current` -> 12).
    pub fn place_root(place: &str) -> Option<BindingId> {
        let digits = place.strip_prefix('#')?;
        let end = digits.find('.').unwrap_or(digits.len());
        digits[..end].parse().ok()
    }

    /// A structural identity: casts and parentheses ignored, `const` aliases followed
    /// (`const node = ref.current` is `ref.current`), identifiers by binding.
    pub fn structural(&self, node: Node<'t>) -> String {
        let mut out = String::new();
        self.structural_into(node, &mut out, 0);
        out
    }

    fn structural_into(&self, node: Node<'t>, out: &mut String, depth: usize) {
        let node = nodes::unwrap(node);
        if depth > 24 {
            out.push_str(&text(node, self.source).replace(char::is_whitespace, ""));
            return;
        }
        match node.kind_name() {
            "identifier" => {
                let resolved = self.scopes.resolve_alias(node);
                if resolved != node {
                    return self.structural_into(resolved, out, depth + 1);
                }
                match self.scopes.binding_of(node) {
                    // A loop variable is each element of what it runs over: a handler added in
                    // one loop and removed in another over the same array is the same.
                    Some(id) if self.scopes.get(id).iterates.is_some() => {
                        let binding = self.scopes.get(id);
                        out.push_str("each");
                        match binding.element {
                            Some(Element::Index(index)) => out.push_str(&format!("[{index}]")),
                            Some(Element::Key(key)) => out.push_str(&format!("{{{key}}}")),
                            None => {}
                        }
                        out.push(':');
                        if let Some(array) = binding.iterates {
                            self.structural_into(array, out, depth + 1);
                        }
                    }
                    Some(id) => push_binding_place(out, id),
                    None => out.push_str(text(node, self.source)),
                }
            }
            "member_expression" => {
                if let Some(object) = node.field(Field::Object) {
                    self.structural_into(object, out, depth + 1);
                }
                out.push('.');
                out.push_str(node.field(Field::Property).map_or("", |p| text(p, self.source)));
            }
            "call_expression" => {
                let call = self.call(node);
                if let Some(callee) = call.function {
                    self.structural_into(callee, out, depth + 1);
                }
                out.push('(');
                for &argument in call.arguments() {
                    self.structural_into(argument, out, depth + 1);
                    out.push(',');
                }
                out.push(')');
            }
            _ => match nodes::string_literal(node, self.source) {
                Some(value) => out.push_str(&format!("{value:?}")),
                None => out.push_str(&text(node, self.source).replace(char::is_whitespace, "")),
            },
        }
    }

    /// A listener's handler ([`nodes::handler`]): the binding behind aliases, or inline.
    pub fn handler(&self, node: Node<'t>) -> Handler<'t> {
        let unwrapped = nodes::handler(node);
        let is_bind = |n: Node<'t>| n.kind_name() == "call_expression" && self.call(n).method == Some("bind");
        if nodes::is_function(unwrapped) || is_bind(unwrapped) {
            return Handler::Inline(unwrapped);
        }
        Handler::Named(self.structural(unwrapped))
    }

    /// An event type: its string value (through constants), the array a loop variable runs
    /// over, or the expression's structure.
    pub fn event_type(&self, node: Node<'t>) -> String {
        let resolved = self.scopes.resolve_const(node);
        if let Some(value) = nodes::string_literal(resolved, self.source) {
            return value;
        }
        // `EVENTS.resize`, a member of a `const` object of strings.
        if resolved.kind_name() == "member_expression" {
            let member = resolved.field(Field::Property).map(|p| text(p, self.source));
            let table = resolved.field(Field::Object).and_then(|o| self.options_object(o));
            let value = member.zip(table).and_then(|(member, table)| self.option(table, member));
            if let Some(value) =
                value.and_then(|v| nodes::string_literal(self.scopes.resolve_const(v), self.source))
            {
                return value;
            }
        }
        let unwrapped = nodes::unwrap(node);
        if super::scope::is_name(unwrapped) {
            let binding = self.scopes.binding_of(unwrapped).map(|b| self.scopes.get(b));
            // A destructured element (`[event, handler]`) is no element of a literal array.
            if let Some(array) = binding.filter(|b| b.element.is_none()).and_then(|b| b.iterates) {
                let array = self.scopes.resolve_const(array);
                let values: Option<Vec<String>> = (array.kind_name() == "array")
                    .then(|| nodes::children(array).map(|e| self.event_type(e)).collect());
                return match values {
                    Some(mut values) => {
                        values.sort();
                        format!("each[{}]", values.join(","))
                    }
                    None => format!("each:{}", self.structural(array)),
                };
            }
        }
        format!("?{}", self.structural(node))
    }

    /// The options object behind an argument (a literal, or a `const` bound to one).
    pub fn options_object(&self, node: Node<'t>) -> Option<Node<'t>> {
        let resolved = self.scopes.resolve_const(node);
        (resolved.kind_name() == "object").then_some(resolved)
    }

    /// The value of a member of an options object.
    pub fn option(&self, options: Node<'t>, key: &str) -> Option<Node<'t>> {
        nodes::children(options)
            .find(|m| nodes::member_key(*m, self.source) == Some(key))
            .and_then(nodes::member_value)
    }

    /// A boolean's value, through constants.
    pub fn boolean(&self, node: Node<'t>) -> Option<bool> {
        match self.scopes.resolve_const(node).kind_name() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The capture flag of `addEventListener`'s third argument: a boolean, `{ capture }`, or a
    /// resolved options object; `false` when absent.
    pub fn capture(&self, options: Option<Node<'t>>) -> String {
        let Some(options) = options else { return "false".into() };
        if let Some(value) = self.boolean(options) {
            return value.to_string();
        }
        // `supportsPassive ? { passive: true } : false`: one flag whichever branch is taken.
        let resolved = self.scopes.resolve_const(options);
        if resolved.kind_name() == "ternary_expression" {
            let branches = [resolved.field(Field::Consequence), resolved.field(Field::Alternative)];
            if let [Some(consequence), Some(alternative)] = branches {
                let flag = self.capture(Some(consequence));
                if !flag.starts_with('?') && flag == self.capture(Some(alternative)) {
                    return flag;
                }
            }
        }
        match self.options_object(options) {
            Some(object) => match self.option(object, "capture") {
                None => "false".into(),
                Some(value) => self
                    .boolean(value)
                    .map_or_else(|| format!("?{}", self.structural(value)), |b| b.to_string()),
            },
            // Options made by a function of the file (`const o = listenOptions()`): the flag of
            // the options it returns. Options computed elsewhere: the same computation is the
            // same flag, whichever function it is in.
            None => {
                self.returned_capture(resolved).unwrap_or_else(|| format!("?{}", self.structural(resolved)))
            }
        }
    }

    /// The capture flag of the options a call of a function of the file returns, when every
    /// `return` gives the same literal one.
    fn returned_capture(&self, call: Node<'t>) -> Option<String> {
        let callee = self.call(call).function.map(nodes::unwrap)?;
        let function = self.scopes.function_named(callee)?;
        let flags: Vec<Option<bool>> = super::effects::returned_values(self, function)
            .into_iter()
            .map(|value| match self.options_object(value) {
                Some(object) => self.option(object, "capture").map_or(Some(false), |v| self.boolean(v)),
                None => self.boolean(value),
            })
            .collect();
        let first = (*flags.first()?)?;
        flags.iter().all(|flag| *flag == Some(first)).then(|| first.to_string())
    }

    /// The `signal` an options argument passes, if any (computed keys are not recognised).
    pub fn signal(&self, options: Option<Node<'t>>) -> Option<Node<'t>> {
        self.option(self.options_object(options?)?, "signal")
    }

    /// The identities of a registration (`target.addEventListener(type, handler, options)`), or
    /// the inline handler that makes it unremovable. The first key has the target; a target
    /// that is no global object (`tracks`, `this.media`) also gets a key without it, since the
    /// same object is often reached by two paths (a constructor's parameter, a field in the
    /// teardown) that no binding connects.
    pub fn registration_keys(&self, call: Node<'t>) -> Result<Vec<String>, Node<'t>> {
        let call = self.call(call);
        let arguments = call.arguments();
        if !call.may_register() {
            return Ok(Vec::new());
        }
        let target = call.receiver.map_or_else(|| "g:globalThis".to_string(), |r| self.structural(r));
        let event = arguments.first().map_or_else(String::new, |a| self.event_type(*a));
        let handler = match arguments.get(1).map(|h| self.handler(*h)) {
            Some(Handler::Inline(function)) => return Err(function),
            Some(Handler::Named(name)) => name,
            None => String::new(),
        };
        let capture = self.capture(arguments.get(2).copied());
        let mut targets = vec![target.as_str()];
        if target.starts_with('#') || target.starts_with("this") || target.starts_with("each") {
            targets.push("*");
        }
        // A flag leaklint cannot tell (options from a call, `options?.capture`) may be the
        // default, `false`: such an add is matched by a remove without options, and such a
        // remove matches an add without them.
        let mut captures = vec![capture.as_str()];
        if capture.starts_with('?') {
            captures.push("false");
        }
        let keys = captures
            .iter()
            .flat_map(|capture| targets.iter().map(move |target| (*target, *capture)))
            .map(|(target, capture)| format!("L|{target}|{event}|{handler}|{capture}"))
            .collect();
        Ok(keys)
    }

    /// Is `method` the remove of a registration kind (`removeEventListener`)?
    pub fn is_registration_remove(&self, method: Option<&str>) -> bool {
        let Some(method) = method else { return false };
        self.kinds.iter().filter(|k| k.registration).any(|k| {
            k.release
                .iter()
                .any(|r| matches!(r, Release::Method(steps) if steps.len() == 1 && steps[0].name == method))
        })
    }

    /// The kind a call or `new` expression acquires, if any.
    pub fn acquisition(&self, node: Node<'t>) -> Option<usize> {
        // An acquisition names its pattern in its callee; a local factory can have any name.
        if self.factories.is_empty() && !self.candidates.any_acquisition_in(node.byte_range()) {
            return None;
        }
        let ids = Ids::of(node);
        let is_new = node.kind_id() == ids.new_expression;
        if !is_new && node.kind_id() != ids.call_expression {
            return None;
        }
        let call = self.call(node);
        let callee = call.callee()?;
        let path = call.path(self.source);
        let direct = self.kinds.iter().position(|kind| {
            kind.acquire.iter().any(|a| match a {
                Acquire::New(class) => is_new && path == Some(class),
                Acquire::Call(function) => !is_new && path == Some(function),
                Acquire::Method(name) => call.method == Some(name),
            })
        });
        let callee = nodes::unwrap(callee);
        if direct.is_some_and(|kind| self.kinds[kind].registration) && !call.may_register() {
            return None;
        }
        // `new Worker(..)` where the file declares its own `Worker` is not the web's.
        let direct = direct.filter(|_| !self.declares_own(callee));
        direct.or_else(|| {
            let function = (!is_new && callee.kind_name() == "identifier")
                .then(|| self.scopes.function_named(callee))??;
            self.factories.get(&function.id()).copied()
        })
    }

    /// Is the callee a name this file declares for itself (a class, function or variable, not
    /// an import), shadowing the global of that name (`var Worker = class { .. }`)?
    fn declares_own(&self, callee: Node<'t>) -> bool {
        if callee.kind_name() != "identifier" {
            return false;
        }
        let name = text(callee, self.source);
        let declared = self.scopes.declares(name)
            && self.scopes.binding_of(callee).is_some_and(|b| self.scopes.get(b).kind != DeclKind::Import);
        declared
            || self
                .scopes
                .census
                .classes
                .iter()
                .any(|class| class.field(Field::Name).is_some_and(|n| text(n, self.source) == name))
    }

    /// Functions of this file that release and acquire nothing, by name (see
    /// [`FileCx::releasing_functions`]). Which names a body holds is told by the text: a
    /// release names its function or method, an acquisition its constructor or function.
    pub fn find_releasing_functions(&mut self) {
        let candidates = &self.candidates;
        let releases_only = |range: std::ops::Range<usize>| {
            candidates.may_release(range.clone()) && !candidates.any_acquisition_in(range)
        };
        self.releasing_functions = self
            .scopes
            .named_functions(releases_only)
            .filter(|(_, function)| releases_only(function.byte_range()))
            .collect();
    }

    /// Functions of this file that return what they create (`const toUrl = (b) =>
    /// URL.createObjectURL(b)`), for kinds that leak anywhere: calling one creates the resource,
    /// and the caller must release it. By function node id, the kind.
    pub fn find_factories(&mut self) {
        // By index: each factory found counts for the functions after it (`factories` grows).
        for index in 0..self.scopes.census.functions.len() {
            let function = self.scopes.census.functions[index];
            let creates = super::effects::returned_values(self, function).into_iter().find_map(|value| {
                let value = self.scopes.resolve_const(value);
                let value = match value.kind_name() {
                    "identifier" => self.scopes.binding_of(value).and_then(|b| self.scopes.get(b).init)?,
                    _ => value,
                };
                self.acquisition(nodes::unwrap(value)).filter(|k| self.kinds[*k].anywhere())
            });
            if let Some(kind) = creates {
                self.factories.insert(function.id(), kind);
            }
        }
    }

    /// The release keys of a call, computed once per file.
    pub fn release_keys_of(&self, call: Node) -> &[String] {
        self.release_keys.get(&call.id()).map_or(&[], Vec::as_slice)
    }

    /// The release keys a call performs: the places it releases (`clearInterval(id)` -> `#3`,
    /// `this.ws.close()` -> `this.ws`), registrations it removes, observations it ends.
    pub fn releases(&self, call: Node<'t>) -> Vec<String> {
        let mut keys = Vec::new();
        let parts = self.call(call);
        let (path, method) = (parts.path(self.source), parts.method);
        let mut released: Vec<(usize, Option<String>)> = Vec::new();
        let mut released_place = |node: Node<'t>| {
            if let Some((_, place)) = released.iter().find(|(id, _)| *id == node.id()) {
                return place.clone();
            }
            let place = self.aliased_place(node);
            released.push((node.id(), place.clone()));
            place
        };
        for kind in self.kinds.iter() {
            for release in &kind.release {
                let place = match release {
                    // A global function is also called on another global object than the
                    // ones spelled out (`this.window.clearTimeout(id)`, an iframe's window).
                    Release::Function(function)
                        if path == Some(function.as_str())
                            || (!function.contains('.') && method == Some(function.as_str())) =>
                    {
                        parts.arguments().first().and_then(|a| released_place(*a))
                    }
                    Release::Method(steps) if kind.registration => {
                        if steps.len() == 1 && method == Some(steps[0].name.as_str()) {
                            keys.extend(self.registration_keys(call).unwrap_or_default());
                        }
                        None
                    }
                    Release::Method(steps) => self
                        .chain_receiver(&parts, steps)
                        .or_else(|| self.called_through(&parts, steps))
                        .or_else(|| self.iterated_receiver(&parts, steps))
                        .and_then(&mut released_place),
                    Release::Function(_) => None,
                };
                keys.extend(place);
            }
        }
        if method == Some("unobserve") {
            if let (Some(observer), Some(element)) =
                (parts.receiver.and_then(|r| self.aliased_place(r)), parts.arguments().first())
            {
                keys.push(observation_key(&observer, &self.structural(*element)));
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// The place a release (or an `observe`) acts on, through aliases: `const src = image.src;
    /// URL.revokeObjectURL(src)` revokes what `image.src` holds, and compiled code's `(_a =
    /// ref.current) === null || _a === void 0 ? void 0 : _a.observe(el)` observes `ref.current`.
    pub fn aliased_place(&self, node: Node<'t>) -> Option<String> {
        self.place(self.scopes.resolve_alias(nodes::defaulted(node)))
    }

    /// `x` in `x.close.call(x)` / `x.close.apply(x, [])` for the one-step chain `close`.
    fn called_through(&self, call: &Call<'t>, steps: &[super::kinds::Step]) -> Option<Node<'t>> {
        let [step] = steps else { return None };
        if !matches!(call.method, Some("call" | "apply")) {
            return None;
        }
        let method = nodes::unwrap(call.receiver?);
        let property = method.field(Field::Property)?;
        (method.kind_name() == "member_expression" && text(property, self.source) == step.name)
            .then(|| call.arguments().first().copied())
            .flatten()
    }

    /// `x` in `for (const t of x.getTracks()) ...` for the chain `getTracks().forEach`: a
    /// `for…of` over what the chain iterates does what its `forEach` does.
    fn iterated_receiver(&self, call: &Call<'t>, steps: &[super::kinds::Step]) -> Option<Node<'t>> {
        let (last, iterated) = steps.split_last()?;
        if last.name != "forEach" || iterated.is_empty() {
            return None;
        }
        let mut value = call.node();
        let mut holder = value.parent()?;
        // Under casts, parentheses and a default (`x?.getTracks() ?? []`).
        while Ids::of(holder).is_wrapper(holder.kind_id())
            || (is_or_default(holder) && holder.field(Field::Left) == Some(value))
        {
            value = holder;
            holder = holder.parent()?;
        }
        let is_for_of = holder.kind_name() == "for_in_statement"
            && holder.field(Field::Right) == Some(value)
            && holder.field(Field::Operator).is_some_and(|o| o.kind_name() == "of");
        is_for_of.then(|| self.chain_receiver(call, iterated)).flatten()
    }

    /// `x` in `x.getTracks().forEach(...)` for the chain `getTracks().forEach`, also through
    /// `const` aliases (`const tracks = x.getTracks(); tracks.forEach(...)`).
    fn chain_receiver(&self, call: &Call<'t>, steps: &[super::kinds::Step]) -> Option<Node<'t>> {
        if steps.last().is_none_or(|last| call.method != Some(last.name.as_str())) {
            return None;
        }
        let mut current = call.node();
        for (i, step) in steps.iter().enumerate().rev() {
            if step.called || i + 1 == steps.len() {
                let parts = self.call(current);
                if current.kind_name() != "call_expression" || parts.method != Some(&step.name) {
                    return None;
                }
                current = parts.receiver?;
            } else {
                let member = nodes::unwrap(current);
                let property = member.field(Field::Property)?;
                if member.kind_name() != "member_expression" || text(property, self.source) != step.name {
                    return None;
                }
                current = member.field(Field::Object)?;
            }
            current = if i > 0 {
                or_default_left(self.scopes.resolve_const(current))
            } else {
                nodes::unwrap(current)
            };
        }
        Some(current)
    }
}

/// `x ?? []`, `x || []`: a value, or a default when it holds none.
fn is_or_default(node: Node<'_>) -> bool {
    node.kind_name() == "binary_expression"
        && node.field(Field::Operator).is_some_and(|o| matches!(o.kind_name(), "??" | "||"))
}

/// `x` in `x ?? []` and `x || []`: what such a value is when `x` holds one.
fn or_default_left(node: Node<'_>) -> Node<'_> {
    match node.field(Field::Left).filter(|_| is_or_default(node)) {
        Some(left) => nodes::unwrap(left),
        None => node,
    }
}

// Places and keys are built on the hot paths of every file: by hand, in one allocation,
// where `format!` costs several times more.

/// `#12`: the place that is binding 12.
fn binding_place(id: BindingId) -> String {
    let mut place = String::with_capacity(11);
    push_binding_place(&mut place, id);
    place
}

/// Writes [`binding_place`] at the end of `out`: its digits by hand, since the formatting
/// machinery's code is large and this runs for nearly every identifier the analysis asks about.
fn push_binding_place(out: &mut String, id: BindingId) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    let mut rest = id;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push('#');
    out.extend(digits[start..].iter().map(|d| char::from(*d)));
}

/// `object.member`, growing the object's own string.
fn member_place(mut object: String, member: &str) -> String {
    object.reserve(1 + member.len());
    object.push('.');
    object.push_str(member);
    object
}

/// The key of one `observer.observe(element)`.
pub fn observation_key(observer: &str, element: &str) -> String {
    format!("O|{observer}|{element}")
}

/// The key of the abort obligation a `fetch` with `controller.signal` puts on the controller.
pub fn fetch_key(controller: &str) -> String {
    format!("F|{controller}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_spelled_as_format_would() {
        for id in [0, 7, 12, 1_000, BindingId::MAX] {
            assert_eq!(binding_place(id), format!("#{id}"));
        }
        assert_eq!(member_place("#3".into(), "current"), "#3.current");
    }
}
