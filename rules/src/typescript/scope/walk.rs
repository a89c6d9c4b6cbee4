//! The binding table's one walk over a file's named nodes: declarations, the scope each
//! identifier sits in, and the census.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::Cell;
use std::ops::Range;

use crate::syntax::flat::Node;

use super::{Binding, BindingId, Census, DeclKind, Element, Scopes, Use};
use crate::typescript::ids::{Field, FieldOf, Ids, KindOf};
use crate::typescript::node_map::NodeMap;
use crate::typescript::nodes::{self, text};

impl<'t> Scopes<'t> {
    /// One walk: the declarations, the scope each identifier sits in, and the [`Census`]; then
    /// what each assignment assigns to.
    pub fn build(root: Node<'t>, source: &'t str) -> Scopes<'t> {
        let ids = Ids::of(root);
        // Room for what typical code has, so that the tables seldom grow: a declaration every
        // 150 bytes or so, an identifier every 12, a call every 85, a function every 130, an
        // assignment every 400.
        let declarations = source.len() / 128;
        let nodes = root.descendants().len();
        let census = Census {
            calls: Vec::with_capacity(source.len() / 64),
            assignments: Vec::with_capacity(source.len() / 256),
            functions: Vec::with_capacity(source.len() / 128),
            ..Census::default()
        };
        let mut walker = Walker {
            ids,
            collector: Collector {
                source,
                bindings: Vec::with_capacity(declarations),
                declarations: NodeMap::new(nodes),
                declared: HashMap::with_capacity_and_hasher(declarations, Default::default()),
            },
            census,
            blocks: Vec::new(),
            function_scopes: Vec::new(),
            scope_chain: Vec::new(),
            open_scopes: Vec::new(),
            uses: NodeMap::with_capacity(nodes, source.len() / 12),
            children: Vec::new(),
        };
        walker.walk(root);
        let Walker { collector, census, scope_chain, uses, .. } = walker;
        let Collector { mut bindings, declarations, declared, .. } = collector;
        let mut names = HashSet::with_capacity_and_hasher(declared.len(), Default::default());
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
}

/// A node the walk is in: its kind, the index just past its subtree, and the only child the
/// walk visits, if it visits one only (a member expression's object; `usize::MAX`, none, when
/// it has no named child).
struct Open {
    kind: u16,
    end: u32,
    only: Option<usize>,
    /// It stores its value: a declarator, an assignment, a logical assignment (`a ??= v`).
    stores: bool,
}

struct Collector<'t> {
    source: &'t str,
    bindings: Vec<Binding<'t>>,
    declarations: NodeMap<BindingId>,
    declared: HashMap<(usize, &'t str), BindingId>,
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
            element: None,
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

    /// Declares every identifier a binding pattern introduces, in document order: their ids
    /// follow each other.
    fn declare_pattern(&mut self, pattern: Node<'t>, kind: DeclKind, scope: Node<'t>) -> Range<BindingId> {
        let first = self.bindings.len() as BindingId;
        // Most patterns are a plain name.
        if pattern.kind_id() == Ids::of(pattern).identifier {
            return first..self.declare(pattern, kind, scope) + 1;
        }
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind_name() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    self.declare(node, kind, scope);
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    stack.extend(nodes::children(node).collect::<Vec<_>>().into_iter().rev())
                }
                "pair_pattern" => stack.extend(node.field(Field::Value)),
                "assignment_pattern" | "object_assignment_pattern" => stack.extend(node.field(Field::Left)),
                _ => {}
            }
        }
        first..self.bindings.len() as BindingId
    }

    /// The parameters of a function, declared when the walk enters their list (whose children
    /// it has just listed); `call` is the one the function may be the callback of.
    fn declare_parameters(&mut self, function: Node<'t>, params: &[(Node<'t>, u16)], call: Option<Node<'t>>) {
        for (index, (param, _)) in params.iter().enumerate() {
            let pattern = param.field(Field::Pattern).unwrap_or(*param);
            let declared = self.declare_pattern(pattern, DeclKind::Param, function);
            if index == 0 {
                self.mark_loop_parameter(function, call, pattern, declared);
            }
        }
    }

    /// `A.forEach((t) => ...)`: `t` iterates `A`; so do `type` and `fn` in `A.forEach(([type,
    /// fn]) => ...)` and `A.forEach(({ type, fn }) => ...)`, each taking its part of the item.
    fn mark_loop_parameter(
        &mut self,
        function: Node<'t>,
        call: Option<Node<'t>>,
        pattern: Node<'t>,
        declared: Range<BindingId>,
    ) {
        let elements = if declared.len() == 1 && is_name_pattern(pattern) {
            vec![None]
        } else {
            match destructured_parts(pattern, self.source) {
                Some(parts) if parts.len() == declared.len() => parts.into_iter().map(Some).collect(),
                _ => return,
            }
        };
        let Some(call) = call.filter(|c| c.kind_id() == Ids::of(*c).call_expression) else { return };
        // The method's name is written before the callback: most calls name none of these.
        let head = self.source.get(call.start_byte()..function.start_byte()).unwrap_or("");
        if !["forEach", "map", "flatMap"].iter().any(|name| head.contains(name)) {
            return;
        }
        if matches!(nodes::method_name(call, self.source), Some("forEach" | "map" | "flatMap"))
            && nodes::arguments(call).first().is_some_and(|a| *a == function)
        {
            for (id, element) in declared.zip(elements) {
                let binding = &mut self.bindings[id as usize];
                binding.iterates = nodes::receiver(call);
                binding.element = element;
            }
        }
    }

    fn enter(
        &mut self,
        ids: &Ids,
        node: Node<'t>,
        kind: u16,
        children: &[(Node<'t>, u16)],
        scopes: (Node<'t>, Node<'t>),
    ) {
        let (block, function_scope) = scopes;
        let parent = node.parent();
        if kind == ids.variable_declarator {
            self.declarator(ids, parent, children, scopes);
        } else if kind == ids.function_declaration || kind == ids.generator_function_declaration {
            if let Some(name) = node.field(Field::Name) {
                let id = self.declare(name, DeclKind::Function, block);
                self.bindings[id as usize].function = Some(node);
            }
        } else if kind == ids.import_clause || kind == ids.namespace_import {
            for &(child, _) in children.iter().filter(|(_, kind)| *kind == ids.identifier) {
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
        if kind == ids.arrow_function {
            // `x => ...`: the one parameter, with no list.
            if let Some(&(single, _)) = children.first().filter(|(_, kind)| *kind == ids.identifier) {
                let declared = self.declare_pattern(single, DeclKind::Param, node);
                // `A.forEach(x => ...)`: the call is the arrow's grandparent.
                let call = parent.and_then(|arguments| arguments.parent());
                self.mark_loop_parameter(node, call, single, declared);
            }
        } else if kind == ids.formal_parameters {
            if let Some(function) = parent.filter(|f| ids.is_function(f.kind_id())) {
                let call = function.parent().and_then(|arguments| arguments.parent());
                self.declare_parameters(function, children, call);
            }
        }
    }

    fn declarator(
        &mut self,
        ids: &Ids,
        declaration: Option<Node<'t>>,
        children: &[(Node<'t>, u16)],
        (block, function_scope): (Node<'t>, Node<'t>),
    ) {
        let Some(declaration) = declaration else { return };
        let (kind, scope) = if declaration.kind_id() == ids.variable_declaration {
            (DeclKind::Var, function_scope)
        } else if self.source.get(declaration.start_byte()..).is_some_and(|d| d.starts_with("const")) {
            // A `lexical_declaration` starts with its keyword.
            (DeclKind::Const, block)
        } else {
            (DeclKind::Let, block)
        };
        // The name, then a type, then the value: each named child but the first is optional.
        let Some(&(name, _)) = children.first() else { return };
        let value = match children {
            [_, .., (value, kind)] if *kind != ids.type_annotation => Some(*value),
            _ => None,
        };
        let ids = self.declare_pattern(name, kind, scope);
        if name.kind_name() == "identifier" {
            if let Some(id) = ids.clone().next() {
                self.bindings[id as usize].init = value;
            }
        }
        if name.kind_name() == "object_pattern" {
            for (member, id) in nodes::children(name).zip(ids.clone()) {
                if member.kind_name() == "shorthand_property_identifier_pattern" {
                    self.bindings[id as usize].member_of = value;
                }
            }
        }
        // const [value, setValue] = useState(...)
        let is_state = value.is_some_and(|v| {
            let head = text(v, self.source);
            head[..head.find('(').unwrap_or(head.len())].contains("useState")
                && v.kind_name() == "call_expression"
                && v.field(Field::Function)
                    .and_then(|f| nodes::path(f, self.source))
                    .is_some_and(|p| p == "useState" || p.ends_with(".useState"))
        });
        if is_state && name.kind_name() == "array_pattern" && ids.len() == 2 {
            let (value, setter) = (ids.start, ids.start + 1);
            self.bindings[setter as usize].state_of = Some(value);
            self.bindings[value as usize].is_state = true;
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
        if !is_of {
            return;
        }
        if ids.len() == 1 && is_name_pattern(left) {
            self.bindings[ids.start as usize].iterates = node.field(Field::Right);
        } else if let Some(parts) = destructured_parts(left, self.source).filter(|p| p.len() == ids.len()) {
            // `for (const [event, handler] of Object.entries(map))`, `for (const { type, fn } of
            // list)`: each name is one part of the item.
            for (id, element) in ids.zip(parts) {
                let binding = &mut self.bindings[id as usize];
                binding.iterates = node.field(Field::Right);
                binding.element = Some(element);
            }
        }
    }
}

/// A plain name (not a pattern that destructures).
fn is_name_pattern(pattern: Node) -> bool {
    !matches!(pattern.kind_name(), "array_pattern" | "object_pattern")
}

/// The part of the item each name of a flat destructuring pattern takes, in the order the names
/// are declared: positions for `[a, b]`, properties for `{ a, b: c }`. `None` for a pattern
/// with holes, defaults, rests or nesting, where which name takes what is not told.
fn destructured_parts<'t>(pattern: Node<'t>, source: &'t str) -> Option<Vec<Element<'t>>> {
    match pattern.kind_name() {
        "array_pattern" if is_flat_array_pattern(pattern) => {
            Some((0..nodes::children(pattern).count() as u32).map(Element::Index).collect())
        }
        "object_pattern" => nodes::children(pattern)
            .map(|member| match member.kind_name() {
                "shorthand_property_identifier_pattern" => Some(Element::Key(text(member, source))),
                "pair_pattern" => {
                    let key = member.field(Field::Key).filter(|k| k.kind_name() == "property_identifier")?;
                    member.field(Field::Value).filter(|v| v.kind_name() == "identifier")?;
                    Some(Element::Key(text(key, source)))
                }
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// `[a, b]` with plain names only (no holes, defaults, rests or nesting), so that the n-th
/// name declared takes the n-th element.
fn is_flat_array_pattern(pattern: Node) -> bool {
    if pattern.kind_name() != "array_pattern" {
        return false;
    }
    // Names separated by commas: a comma first or after a comma is a hole. (The brackets are
    // not in the analysis's copy of the tree, but are in a full one.)
    let mut expect_name = true;
    for token in pattern.children() {
        match token.kind_name() {
            "[" | "]" => {}
            "identifier" if expect_name => expect_name = false,
            "," if !expect_name => expect_name = true,
            "comment" => {}
            _ => return false,
        }
    }
    true
}

/// Is the value of the node whose parents are `open` (innermost last) assigned or declared,
/// through parentheses and casts?
fn value_is_kept(ids: &Ids, open: &[Open]) -> bool {
    let wraps = |kind: u16| {
        kind == ids.parenthesized_expression
            || kind == ids.as_expression
            || kind == ids.non_null_expression
            || kind == ids.satisfies_expression
    };
    open.iter().rev().find(|o| !wraps(o.kind)).is_some_and(|holder| holder.stores)
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
    uses: NodeMap<Use>,
    /// The named children of the node being entered: one buffer, reused from node to node.
    children: Vec<(Node<'t>, u16)>,
}

impl<'t> Walker<'t> {
    fn used(&mut self, identifier: Node<'t>) {
        if let Some(&scope) = self.open_scopes.last() {
            let used = Use { scope, binding: Cell::new(None), resolved: Cell::new(false) };
            self.uses.insert(identifier.id(), used);
        }
    }

    /// Visits `root` and the named nodes below it in document order, but not types, literals,
    /// comments, property names and what follows a member expression's object: each
    /// identifier is noted as used, and every other node entered, then left after its subtree.
    fn walk(&mut self, root: Node<'t>) {
        let ids = self.ids;
        // The nodes the walk is in, innermost last: a node is left once the walk is past its
        // subtree.
        let mut open: Vec<Open> = Vec::with_capacity(64);
        let mut order = root.preorder();
        while let Some(node) = order.next() {
            while open.last().is_some_and(|o| node.id() >= o.end as usize) {
                if let Some(left) = open.pop() {
                    self.leave(left.kind);
                }
            }
            let kind = node.kind_id();
            let visited = match open.last() {
                // Named children only, comments left out; of a member expression, its object
                // only: what follows it (`?.`, the property name) declares, calls and uses
                // nothing.
                Some(parent) => {
                    node.is_named() && kind != ids.comment && parent.only.is_none_or(|only| only == node.id())
                }
                None => true,
            };
            if !visited || kind == ids.property_identifier || ids.is_inert(kind) {
                order.skip_below(node);
            } else if kind == ids.identifier || kind == ids.shorthand_property_identifier {
                // Leaves, and the most common named nodes by far.
                self.used(node);
                order.skip_below(node);
            } else {
                if kind == ids.call_expression && value_is_kept(ids, &open) {
                    self.census.kept.insert(node.id());
                }
                let only = (kind == ids.member_expression)
                    .then(|| node.named_child(0).map_or(usize::MAX, |object| object.id()));
                let end = node.subtree_end() as u32;
                let stores = kind == ids.assignment_expression
                    || kind == ids.variable_declarator
                    || (kind == ids.augmented_assignment_expression
                        && nodes::logical_assignment(node).is_some());
                open.push(Open { kind, end, only, stores });
                self.enter(node, kind);
            }
        }
        while let Some(left) = open.pop() {
            self.leave(left.kind);
        }
    }

    /// Enters a node: what it declares, what it counts, the scope it opens.
    fn enter(&mut self, node: Node<'t>, kind: u16) {
        let ids = self.ids;
        // Most nodes (member accesses, argument lists, operators) are none of these.
        if !ids.is_noted_or_scope(kind) {
            return;
        }
        // The named children, comments left out, of the kinds that read them.
        let mut children = std::mem::take(&mut self.children);
        children.clear();
        if ids.reads_children(kind) {
            children.extend(nodes::children(node).map(|child| (child, child.kind_id())));
        }
        let block = self.blocks.last().copied().unwrap_or(node);
        let function_scope = self.function_scopes.last().copied().unwrap_or(node);
        self.collector.enter(ids, node, kind, &children, (block, function_scope));
        let census = &mut self.census;
        if kind == ids.call_expression {
            census.calls.push(node);
        } else if kind == ids.assignment_expression
            || (kind == ids.augmented_assignment_expression && nodes::logical_assignment(node).is_some())
        {
            census.assignments.push(node);
        } else if kind == ids.return_statement {
            let value = children.first().map(|(value, _)| *value);
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
        self.children = children;
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
