//! The binding table of one file: every declaration, and every identifier resolved to the
//! declaration it refers to, so that "the same id", "the same handler" or "the same target" is
//! decided by binding, not by spelling.
//!
//! One walk over the named nodes (types and literals skipped) collects the declarations of
//! every scope, the scope each identifier sits in, and the [`Census`] the rest of the analysis
//! reads. An identifier is resolved up its scope chain when it is asked about, once every
//! declaration is known (so hoisted functions and closures over later `const`s resolve): most
//! identifiers never are.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::Cell;

use tree_sitter::Node;

use super::ids::{Field, FieldOf, Ids, KindOf};
use super::nodes::{self, text};
use crate::syntax::treesitter::FEW_CHILDREN;

pub type BindingId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Const,
    Let,
    Var,
    Param,
    Function,
    Import,
}

#[derive(Debug)]
pub struct Binding<'t> {
    pub name: &'t str,
    pub kind: DeclKind,
    /// The scope node it belongs to (a block, a function, a loop head, the program).
    pub scope: Node<'t>,
    /// `init` in `const name = init` (also `let`/`var`), when the name is a plain identifier.
    pub init: Option<Node<'t>>,
    /// The declaration node of a function declaration.
    pub function: Option<Node<'t>>,
    /// A loop variable's array: `A` in `for (const t of A)` and `A.forEach((t) => ...)`.
    pub iterates: Option<Node<'t>>,
    /// For the setter of `const [x, setX] = useState()`: the binding of `x`.
    pub state_of: Option<BindingId>,
    /// `x` in `const [x, setX] = useState()`: a value that outlives the render that sets it.
    pub is_state: bool,
    /// `x` in `const { signal } = x`: the object a shorthand destructuring takes it from.
    pub member_of: Option<Node<'t>>,
    /// The value of the only assignment to a `let`/`var` declared without a value
    /// (`(_a = ref.current) === null || ...` in compiled code), if it is assigned exactly once.
    pub assigned_once: Option<Node<'t>>,
    assignments: u32,
}

pub struct Scopes<'t> {
    source: &'t str,
    bindings: Vec<Binding<'t>>,
    /// Declared name node id -> its binding.
    declarations: HashMap<usize, BindingId>,
    /// (scope node id, name) -> the binding declared there.
    declared: HashMap<(usize, &'t str), BindingId>,
    /// Every scope: its node id and the index of the scope around it.
    scope_chain: Vec<(usize, Option<u32>)>,
    /// Every identifier the walk met, in document order, with the innermost scope open there.
    uses: Vec<Use>,
    /// Every name declared anywhere in the file.
    names: HashSet<&'t str>,
    /// What the rest of the analysis looks for, gathered by the same walk, in document order.
    pub census: Census<'t>,
}

/// An identifier's span, the index of the innermost scope it sits in, and what it resolves
/// to once asked.
struct Use {
    start: u32,
    end: u32,
    scope: u32,
    binding: Cell<Option<BindingId>>,
    resolved: Cell<bool>,
}

/// The nodes of a file the analysis visits more than once: collected by the binding table's
/// walk, so that nothing else walks the whole tree.
#[derive(Default)]
pub struct Census<'t> {
    pub calls: Vec<Node<'t>>,
    pub assignments: Vec<Node<'t>>,
    pub functions: Vec<Node<'t>>,
    pub classes: Vec<Node<'t>>,
    /// The values of each function's own `return`s (not its nested functions'), by node id.
    pub returns: HashMap<usize, Vec<Node<'t>>>,
    /// The calls whose value is kept: assigned or declared (through casts and parentheses),
    /// rather than dropped or passed on. By node id.
    kept: HashSet<usize>,
}

/// The named children of a node, one at a time: by index for the few most nodes have (no
/// cursor, which allocates and steps over every token), listed once for long ones (finding
/// the i-th child steps over the i before it).
struct Siblings<'t> {
    parent: Node<'t>,
    kind: u16,
    next: u32,
    count: u32,
    listed: Vec<Node<'t>>,
}

impl<'t> Siblings<'t> {
    fn of(parent: Node<'t>, kind: u16, ids: &Ids) -> Siblings<'t> {
        // A member expression's object is its first named child; what follows (`?.`, the
        // property name) declares, calls and uses nothing.
        let count = if kind == ids.member_expression { 1 } else { parent.named_child_count() as u32 };
        let listed = if count as usize > FEW_CHILDREN {
            parent.named_children(&mut parent.walk()).collect()
        } else {
            Vec::new()
        };
        Siblings { parent, kind, next: 0, count, listed }
    }

    fn next(&mut self) -> Option<Node<'t>> {
        while self.next < self.count {
            let index = self.next;
            self.next += 1;
            let child = if self.listed.is_empty() {
                self.parent.named_child(index)
            } else {
                self.listed.get(index as usize).copied()
            };
            if child.is_some() {
                return child;
            }
        }
        None
    }
}

struct Collector<'t> {
    source: &'t str,
    bindings: Vec<Binding<'t>>,
    declarations: HashMap<usize, BindingId>,
    declared: HashMap<(usize, &'t str), BindingId>,
}

/// The node being entered's parent and grandparent, from the walk's stack (tree-sitter's
/// `parent()` walks down from the root, which would make the walk quadratic).
#[derive(Clone, Copy)]
struct Around<'t> {
    parent: Option<Node<'t>>,
    grandparent: Option<Node<'t>>,
}

impl<'t> Collector<'t> {
    fn declare(&mut self, name: Node<'t>, kind: DeclKind, scope: Node<'t>) -> BindingId {
        let id = self.bindings.len() as BindingId;
        let name_text = text(name, self.source);
        self.bindings.push(Binding {
            name: "",
            kind,
            scope,
            init: None,
            function: None,
            iterates: None,
            state_of: None,
            is_state: false,
            member_of: None,
            assigned_once: None,
            assignments: 0,
        });
        self.declarations.insert(name.id(), id);
        self.declared.insert((scope.id(), name_text), id);
        id
    }

    /// Declares every identifier a binding pattern introduces.
    fn declare_pattern(&mut self, pattern: Node<'t>, kind: DeclKind, scope: Node<'t>) -> Vec<BindingId> {
        // Most patterns are a plain name.
        if pattern.kind_id() == Ids::of(pattern).identifier {
            return vec![self.declare(pattern, kind, scope)];
        }
        let mut declared = Vec::new();
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind_name() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    declared.push(self.declare(node, kind, scope))
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    stack.extend(nodes::children(node).into_iter().rev())
                }
                "pair_pattern" => stack.extend(node.field(Field::Value)),
                "assignment_pattern" | "object_assignment_pattern" => stack.extend(node.field(Field::Left)),
                _ => {}
            }
        }
        declared
    }

    fn declare_parameters(&mut self, ids: &Ids, function: Node<'t>, kind: u16, around: Around<'t>) {
        // An arrow function's first named child is its one parameter (`x => ...`) or their
        // list, unless type parameters come first; other functions have a list.
        let first = if kind == ids.arrow_function { function.named_child(0) } else { None };
        if let Some(single) = first.filter(|f| f.kind_id() == ids.identifier) {
            let ids = self.declare_pattern(single, DeclKind::Param, function);
            self.mark_loop_parameter(function, around, 0, &ids);
            return;
        }
        let params = first.filter(|f| f.kind_id() == ids.formal_parameters);
        let Some(params) = params.or_else(|| function.field(Field::Parameters)) else { return };
        for (index, param) in nodes::children(params).into_iter().enumerate() {
            let pattern = param.field(Field::Pattern).unwrap_or(param);
            let ids = self.declare_pattern(pattern, DeclKind::Param, function);
            self.mark_loop_parameter(function, around, index, &ids);
        }
    }

    /// `A.forEach((t) => ...)`: `t` iterates `A`.
    fn mark_loop_parameter(
        &mut self,
        function: Node<'t>,
        around: Around<'t>,
        index: usize,
        ids: &[BindingId],
    ) {
        if index != 0 || ids.len() != 1 {
            return;
        }
        let Some(call) = around.grandparent else { return };
        if call.kind_id() == Ids::of(call).call_expression
            && matches!(nodes::method_name(call, self.source), Some("forEach" | "map" | "flatMap"))
            && nodes::arguments(call).first().is_some_and(|a| *a == function)
        {
            self.bindings[ids[0] as usize].iterates = nodes::receiver(call);
        }
    }

    fn enter(
        &mut self,
        ids: &Ids,
        node: Node<'t>,
        kind: u16,
        around: Around<'t>,
        block: Node<'t>,
        function_scope: Node<'t>,
    ) {
        if kind == ids.variable_declarator {
            self.declarator(node, around, block, function_scope);
        } else if kind == ids.function_declaration || kind == ids.generator_function_declaration {
            if let Some(name) = node.field(Field::Name) {
                let id = self.declare(name, DeclKind::Function, block);
                self.bindings[id as usize].function = Some(node);
            }
        } else if kind == ids.import_clause || kind == ids.namespace_import {
            for child in nodes::children(node).into_iter().filter(|c| c.kind_id() == ids.identifier) {
                self.declare(child, DeclKind::Import, function_scope);
            }
        } else if kind == ids.import_specifier {
            if let Some(name) = node.field(Field::Alias).or_else(|| node.field(Field::Name)) {
                self.declare(name, DeclKind::Import, function_scope);
            }
        } else if kind == ids.catch_clause {
            if let Some(param) = node.field(Field::Parameter) {
                self.declare_pattern(param, DeclKind::Let, node);
            }
        } else if kind == ids.for_in_statement {
            self.for_in(node, function_scope);
        }
        if ids.is_function(kind) {
            self.declare_parameters(ids, node, kind, around);
        }
    }

    fn declarator(&mut self, node: Node<'t>, around: Around<'t>, block: Node<'t>, function_scope: Node<'t>) {
        let Some(declaration) = around.parent else { return };
        let (kind, scope) = match declaration.kind_name() {
            "variable_declaration" => (DeclKind::Var, function_scope),
            _ if declaration.child(0).is_some_and(|k| k.kind_name() == "const") => (DeclKind::Const, block),
            _ => (DeclKind::Let, block),
        };
        let Some(name) = node.field(Field::Name) else { return };
        let value = node.field(Field::Value);
        let ids = self.declare_pattern(name, kind, scope);
        if name.kind_name() == "identifier" {
            if let Some(&id) = ids.first() {
                self.bindings[id as usize].init = value;
            }
        }
        if name.kind_name() == "object_pattern" {
            for (member, id) in nodes::children(name).into_iter().zip(&ids) {
                if member.kind_name() == "shorthand_property_identifier_pattern" {
                    self.bindings[*id as usize].member_of = value;
                }
            }
        }
        // const [value, setValue] = useState(...)
        let is_state = value.is_some_and(|v| {
            v.kind_name() == "call_expression"
                && v.field(Field::Function)
                    .and_then(|f| nodes::path(f, self.source))
                    .is_some_and(|p| p == "useState" || p.ends_with(".useState"))
        });
        if is_state && name.kind_name() == "array_pattern" && ids.len() == 2 {
            self.bindings[ids[1] as usize].state_of = Some(ids[0]);
            self.bindings[ids[0] as usize].is_state = true;
        }
    }

    fn for_in(&mut self, node: Node<'t>, function_scope: Node<'t>) {
        let Some(kind) = node.field(Field::Kind) else { return };
        let Some(left) = node.field(Field::Left) else { return };
        let (kind, scope) = match kind.kind_name() {
            "var" => (DeclKind::Var, function_scope),
            "const" => (DeclKind::Const, node),
            _ => (DeclKind::Let, node),
        };
        let ids = self.declare_pattern(left, kind, scope);
        let is_of = node.field(Field::Operator).is_some_and(|o| o.kind_name() == "of");
        if is_of && ids.len() == 1 {
            self.bindings[ids[0] as usize].iterates = node.field(Field::Right);
        }
    }
}

/// Is the value of the node whose parents are `open` (innermost last) assigned or declared,
/// through parentheses and casts?
fn value_is_kept(ids: &Ids, open: &[Siblings]) -> bool {
    let wraps = |kind: u16| {
        kind == ids.parenthesized_expression
            || kind == ids.as_expression
            || kind == ids.non_null_expression
            || kind == ids.satisfies_expression
    };
    let holder = open.iter().rev().map(|o| o.kind).find(|kind| !wraps(*kind));
    holder.is_some_and(|kind| kind == ids.assignment_expression || kind == ids.variable_declarator)
}

/// An identifier, or the shorthand `{ signal }` that names one.
pub fn is_name(node: Node) -> bool {
    matches!(node.kind_name(), "identifier" | "shorthand_property_identifier")
}

/// The state of the binding table's walk: the declarations so far, the census, and the
/// scopes open around the node being visited.
struct Walker<'t> {
    ids: &'static Ids,
    collector: Collector<'t>,
    census: Census<'t>,
    /// The scopes of `let`/`const` open, innermost last.
    blocks: Vec<Node<'t>>,
    /// The scopes of `var` open, innermost last.
    function_scopes: Vec<Node<'t>>,
    scope_chain: Vec<(usize, Option<u32>)>,
    /// Indices into `scope_chain` of the scopes open, innermost last.
    open_scopes: Vec<u32>,
    uses: Vec<Use>,
}

impl<'t> Walker<'t> {
    fn used(&mut self, identifier: Node<'t>) {
        if let Some(&scope) = self.open_scopes.last() {
            let (start, end) = (identifier.start_byte() as u32, identifier.end_byte() as u32);
            self.uses.push(Use { start, end, scope, binding: Cell::new(None), resolved: Cell::new(false) });
        }
    }

    fn enter(&mut self, node: Node<'t>, kind: u16, around: Around<'t>) {
        let ids = self.ids;
        // Most nodes (member accesses, argument lists, operators) are none of these.
        if !ids.is_noted_or_scope(kind) {
            return;
        }
        let block = self.blocks.last().copied().unwrap_or(node);
        let function_scope = self.function_scopes.last().copied().unwrap_or(node);
        self.collector.enter(ids, node, kind, around, block, function_scope);
        let census = &mut self.census;
        if kind == ids.call_expression {
            census.calls.push(node);
        } else if kind == ids.assignment_expression {
            census.assignments.push(node);
        } else if kind == ids.return_statement {
            let value = nodes::children(node).into_iter().next();
            if let (Some(&function), Some(value)) = (self.function_scopes.last(), value) {
                census.returns.entry(function.id()).or_default().push(value);
            }
        } else if kind == ids.class_declaration
            || kind == ids.class_expression
            || kind == ids.abstract_class_declaration
        {
            census.classes.push(node);
        }
        if ids.is_function(kind) {
            census.functions.push(node);
        }
        if ids.is_scope(kind) {
            self.blocks.push(node);
            self.scope_chain.push((node.id(), self.open_scopes.last().copied()));
            self.open_scopes.push(self.scope_chain.len() as u32 - 1);
        }
        if ids.is_function_scope(kind) {
            self.function_scopes.push(node);
        }
    }

    fn leave(&mut self, kind: u16) {
        if self.ids.is_scope(kind) {
            self.blocks.pop();
            self.open_scopes.pop();
        }
        if self.ids.is_function_scope(kind) {
            self.function_scopes.pop();
        }
    }
}

impl<'t> Census<'t> {
    /// Is the call's value kept (assigned or declared), rather than dropped or passed on?
    pub fn is_kept(&self, call: Node) -> bool {
        self.kept.contains(&call.id())
    }

    /// The nodes of a census list (in document order) that lie within `outer`.
    pub fn within<'a>(nodes: &'a [Node<'t>], outer: Node) -> impl Iterator<Item = Node<'t>> + 'a {
        let first = nodes.partition_point(|n| n.start_byte() < outer.start_byte());
        let end = outer.end_byte();
        nodes[first..]
            .iter()
            .take_while(move |n| n.start_byte() < end)
            .filter(move |n| n.end_byte() <= end)
            .copied()
    }
}

impl<'t> Scopes<'t> {
    /// A table with no bindings and an empty census, for a file no rule asks about bindings.
    pub fn empty(source: &'t str) -> Scopes<'t> {
        Scopes {
            source,
            bindings: Vec::new(),
            declarations: HashMap::default(),
            declared: HashMap::default(),
            scope_chain: Vec::new(),
            uses: Vec::new(),
            names: HashSet::default(),
            census: Census::default(),
        }
    }

    /// One walk: the declarations, the scope each identifier sits in, and the [`Census`]; then
    /// what each assignment assigns to.
    pub fn build(root: Node<'t>, source: &'t str) -> Scopes<'t> {
        let ids = Ids::of(root);
        let mut walker = Walker {
            ids,
            collector: Collector {
                source,
                bindings: Vec::new(),
                declarations: HashMap::default(),
                declared: HashMap::default(),
            },
            census: Census::default(),
            blocks: Vec::new(),
            function_scopes: Vec::new(),
            scope_chain: Vec::new(),
            open_scopes: Vec::new(),
            uses: Vec::new(),
        };
        let root_kind = root.kind_id();
        walker.enter(root, root_kind, Around { parent: None, grandparent: None });
        let mut stack = vec![Siblings::of(root, root_kind, ids)];
        while let Some(top) = stack.last_mut() {
            let Some(child) = top.next() else {
                let kind = top.kind;
                stack.pop();
                walker.leave(kind);
                continue;
            };
            let kind = child.kind_id();
            if kind == ids.identifier || kind == ids.shorthand_property_identifier {
                // Leaves, and the most common named nodes by far.
                walker.used(child);
            } else if kind != ids.property_identifier && !ids.is_inert(kind) {
                let around = Around {
                    parent: Some(top.parent),
                    grandparent: stack.len().checked_sub(2).map(|i| stack[i].parent),
                };
                if kind == ids.call_expression && value_is_kept(ids, &stack) {
                    walker.census.kept.insert(child.id());
                }
                walker.enter(child, kind, around);
                stack.push(Siblings::of(child, kind, ids));
            }
        }
        let Walker { collector, census, scope_chain, uses, .. } = walker;
        let Collector { mut bindings, declarations, declared, .. } = collector;
        let mut names = HashSet::default();
        for (&(_, name), &id) in &declared {
            bindings[id as usize].name = name;
            names.insert(name);
        }
        let mut scopes =
            Scopes { source, bindings, declarations, declared, scope_chain, uses, names, census };
        // Each binding's assignments: how many, and the last one (its value is kept only for a
        // binding assigned exactly once, below).
        for index in 0..scopes.census.assignments.len() {
            let assignment = scopes.census.assignments[index];
            let target = assignment.field(Field::Left).map(nodes::unwrap);
            if let Some(id) = target.and_then(|t| scopes.binding_of(t)) {
                let binding = &mut scopes.bindings[id as usize];
                binding.assignments += 1;
                binding.assigned_once = Some(assignment);
            }
        }
        for binding in &mut scopes.bindings {
            if binding.name.is_empty() {
                binding.name = "?";
            }
            let once = binding.assignments == 1 && binding.init.is_none() && binding.kind != DeclKind::Const;
            binding.assigned_once =
                binding.assigned_once.filter(|_| once).and_then(|a| a.field(Field::Right));
        }
        scopes
    }

    /// The binding an identifier declares or refers to; `None` for globals and unknown names.
    /// Resolved up the scope chain of the identifier's use the first time it is asked.
    pub fn binding_of(&self, identifier: Node) -> Option<BindingId> {
        let ids = Ids::of(identifier);
        let kind = identifier.kind_id();
        if kind != ids.identifier && kind != ids.shorthand_property_identifier {
            return self.declarations.get(&identifier.id()).copied();
        }
        let (start, end) = (identifier.start_byte(), identifier.end_byte());
        let first = self.uses.partition_point(|u| (u.start as usize) < start);
        // Only an empty (missing) identifier can share its start with another.
        let Some(used) = self.uses[first..]
            .iter()
            .take_while(|u| u.start as usize == start)
            .find(|u| u.end as usize == end)
        else {
            return self.declarations.get(&identifier.id()).copied();
        };
        if !used.resolved.get() {
            used.binding.set(self.resolve(identifier, used.scope));
            used.resolved.set(true);
        }
        used.binding.get()
    }

    /// Is the name declared anywhere in the file (in any scope)?
    pub fn declares(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    fn resolve(&self, identifier: Node, innermost: u32) -> Option<BindingId> {
        if let Some(&id) = self.declarations.get(&identifier.id()) {
            return Some(id);
        }
        let name = text(identifier, self.source);
        let mut scope = Some(innermost);
        while let Some(index) = scope {
            let (scope_id, outer) = self.scope_chain[index as usize];
            if let Some(&id) = self.declared.get(&(scope_id, name)) {
                return Some(id);
            }
            scope = outer;
        }
        None
    }

    pub fn get(&self, id: BindingId) -> &Binding<'t> {
        &self.bindings[id as usize]
    }

    /// The initializer of the `const` an identifier refers to, or of a `let`/`var` that is never
    /// assigned again (compiled code declares everything with `var`).
    pub fn const_init(&self, identifier: Node) -> Option<Node<'t>> {
        self.const_init_of(self.binding_of(identifier)?)
    }

    /// [`Scopes::const_init`] of a binding.
    pub fn const_init_of(&self, id: BindingId) -> Option<Node<'t>> {
        let binding = self.get(id);
        let stable = binding.kind == DeclKind::Const
            || (matches!(binding.kind, DeclKind::Let | DeclKind::Var) && binding.assignments == 0);
        stable.then_some(binding.init).flatten().map(nodes::unwrap)
    }

    /// Does the binding hold an object that came from elsewhere: a parameter, or a variable
    /// initialised by a call or a lookup (`const track = this.tracks[type]`), not a name path?
    pub fn holds_foreign_object(&self, id: BindingId) -> bool {
        let binding = self.get(id);
        match binding.kind {
            DeclKind::Param => true,
            DeclKind::Const | DeclKind::Let | DeclKind::Var => binding
                .init
                .map(nodes::unwrap)
                .is_some_and(|init| !matches!(init.kind_name(), "identifier" | "member_expression" | "this")),
            DeclKind::Function | DeclKind::Import => false,
        }
    }

    /// Follows `const a = b` chains from an expression to the expression they name.
    pub fn resolve_const(&self, mut node: Node<'t>) -> Node<'t> {
        for _ in 0..16 {
            node = nodes::unwrap(node);
            if !is_name(node) {
                break;
            }
            match self.const_init(node) {
                Some(init) => node = init,
                None => break,
            }
        }
        node
    }

    /// Follows `const a = b` aliases (`b` a name or a member path) to the expression the alias
    /// stands for: `const h = onKey` is `onKey`, not `onKey`'s value. Calls are not followed:
    /// two calls give two values.
    pub fn resolve_alias(&self, mut node: Node<'t>) -> Node<'t> {
        for _ in 0..16 {
            node = nodes::unwrap(node);
            if !is_name(node) {
                break;
            }
            let once = self.binding_of(node).and_then(|b| self.get(b).assigned_once).map(nodes::unwrap);
            match self.const_init(node).or(once) {
                Some(init) if matches!(init.kind_name(), "identifier" | "member_expression" | "this") => {
                    node = init
                }
                _ => break,
            }
        }
        node
    }

    /// The function a name refers to: a function declaration, or a `const` bound to a function.
    pub fn function_named(&self, identifier: Node<'t>) -> Option<Node<'t>> {
        let binding = self.get(self.binding_of(identifier)?);
        if let Some(function) = binding.function {
            return Some(function);
        }
        let init = match binding.init {
            // `var f = function () {...}` never reassigned is as good as a const.
            Some(init) if binding.assignments == 0 => self.resolve_const(init),
            _ => self.resolve_const(identifier),
        };
        if nodes::is_function(init) {
            return Some(init);
        }
        // `const onSave = useCallback(() => ..., [deps])` and other hook wrappers.
        let wrapper = init.field(Field::Function).and_then(|f| nodes::path(f, self.source));
        let is_hook = wrapper.is_some_and(|p| p.rsplit('.').next().is_some_and(|n| n.starts_with("use")));
        let wrapped = nodes::arguments(init).first().map(|a| nodes::unwrap(*a));
        wrapped.filter(|w| is_hook && init.kind_name() == "call_expression" && nodes::is_function(*w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::treesitter::{self, Grammar};

    fn identifiers<'t>(root: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
        treesitter::descendants(root)
            .filter(|n| n.kind() == "identifier" && text(*n, source) == name)
            .collect()
    }

    #[test]
    fn shadowing_hoisting_and_loop_variables() {
        let source = "const id = 1;\nfunction f() { g(id); { const id = 2; h(id); } }\nfunction g() { k(); }\nfunction k() {}\nfor (const t of ['a']) t;\n['x'].forEach((e) => e);\nconst [u, setU] = useState();";
        let tree = treesitter::parse(Grammar::TypeScript, source, std::time::Duration::from_secs(5)).unwrap();
        let scopes = Scopes::build(tree.root_node(), source);
        let ids = identifiers(tree.root_node(), source, "id");
        let b: Vec<_> = ids.iter().map(|n| scopes.binding_of(*n)).collect();
        assert_eq!(b[0], b[1], "outer use resolves to the module const");
        assert_eq!(b[2], b[3], "inner use resolves to the shadowing const");
        assert_ne!(b[0], b[2]);
        let k = identifiers(tree.root_node(), source, "k");
        assert!(scopes.function_named(k[0]).is_some(), "hoisted function declaration");
        let t = identifiers(tree.root_node(), source, "t");
        assert!(scopes.get(scopes.binding_of(t[1]).unwrap()).iterates.is_some());
        let e = identifiers(tree.root_node(), source, "e");
        assert!(scopes.get(scopes.binding_of(e[1]).unwrap()).iterates.is_some());
        let set = identifiers(tree.root_node(), source, "setU");
        let u = identifiers(tree.root_node(), source, "u");
        assert_eq!(scopes.get(scopes.binding_of(set[0]).unwrap()).state_of, scopes.binding_of(u[0]));
    }
}
