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
use std::ops::Range;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, Ids, KindOf};
use super::node_map::NodeMap;
use super::nodes::{self, text};

mod walk;

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
    /// Which part of each item a destructured loop variable takes: 1 for `handler` in
    /// `for (const [event, handler] of A)`, `fn` in `for (const { type, fn } of A)`.
    pub element: Option<Element<'t>>,
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
    declarations: NodeMap<BindingId>,
    /// (scope node id, name) -> the binding declared there.
    declared: HashMap<(usize, &'t str), BindingId>,
    /// Every scope: its node id and the index of the scope around it.
    scope_chain: Vec<(usize, Option<u32>)>,
    /// Every identifier the walk met, by node id, with the innermost scope open there: looking
    /// an identifier up is one read.
    uses: NodeMap<Use>,
    /// Every name declared anywhere in the file.
    names: HashSet<&'t str>,
    /// What the rest of the analysis looks for, gathered by the same walk, in document order.
    pub census: Census<'t>,
}

/// The index of the innermost scope an identifier sits in, and what it resolves to once asked.
struct Use {
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

/// The part of a loop's item a destructured loop variable takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Element<'t> {
    /// `[event, handler]`: by position.
    Index(u32),
    /// `{ type, fn }`, `{ fn: handler }`: by property.
    Key(&'t str),
}

/// An identifier, or the shorthand `{ signal }` that names one.
pub fn is_name(node: Node) -> bool {
    matches!(node.kind_name(), "identifier" | "shorthand_property_identifier")
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
            declarations: NodeMap::new(0),
            declared: HashMap::default(),
            scope_chain: Vec::new(),
            uses: NodeMap::new(0),
            names: HashSet::default(),
            census: Census::default(),
        }
    }

    /// The binding an identifier declares or refers to; `None` for globals and unknown names.
    /// Resolved up the scope chain of the identifier's use the first time it is asked.
    pub fn binding_of(&self, identifier: Node) -> Option<BindingId> {
        let ids = Ids::of(identifier);
        let kind = identifier.kind_id();
        if kind != ids.identifier && kind != ids.shorthand_property_identifier {
            return self.declarations.get(identifier.id()).copied();
        }
        let Some(used) = self.uses.get(identifier.id()) else {
            return self.declarations.get(identifier.id()).copied();
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
        if let Some(&id) = self.declarations.get(identifier.id()) {
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
        self.function_of(self.binding_of(identifier)?)
    }

    /// The bindings that name a function ([`Scopes::function_named`]), with their names, among
    /// those whose declaration or value `wanted` accepts by its byte range (the function's
    /// own range, or one around it).
    pub fn named_functions<'s>(
        &'s self,
        wanted: impl Fn(Range<usize>) -> bool + 's,
    ) -> impl Iterator<Item = (&'t str, Node<'t>)> + 's {
        self.bindings
            .iter()
            .zip(0..)
            .filter(move |(binding, _)| {
                binding.function.or(binding.init).is_some_and(|n| wanted(n.byte_range()))
            })
            .filter_map(|(binding, id)| self.function_of(id).map(|function| (binding.name, function)))
    }

    fn function_of(&self, id: BindingId) -> Option<Node<'t>> {
        let binding = self.get(id);
        if let Some(function) = binding.function {
            return Some(function);
        }
        let init = match binding.init {
            // `var f = function () {...}` never reassigned is as good as a const.
            Some(init) if binding.assignments == 0 => self.resolve_const(init),
            _ => self.resolve_const(self.const_init_of(id)?),
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
    use crate::syntax::flat;
    use crate::syntax::treesitter::{self, Grammar};
    use std::time::Duration;

    fn identifiers<'t>(root: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
        root.descendants().filter(|n| n.kind_name() == "identifier" && text(*n, source) == name).collect()
    }

    /// The source's tree copied in full, and as the analysis copies it (punctuation left
    /// out): the walk reads both alike.
    fn copies(source: &str) -> [flat::FlatTree; 2] {
        let grammar = Grammar::TypeScript;
        let parse = || treesitter::parse(grammar, source, Duration::from_secs(5)).expect("parses");
        let kept = Ids::for_grammar(grammar).kept();
        [flat::FlatTree::new(parse(), grammar), flat::FlatTree::pruned(parse(), grammar, source, kept)]
    }

    #[test]
    fn shadowing_hoisting_and_loop_variables() {
        let source = "const id = 1;\nfunction f() { g(id); { const id = 2; h(id); } }\nfunction g() { k(); }\nfunction k() {}\nfor (const t of ['a']) t;\n['x'].forEach((e) => e);\nconst [u, setU] = useState();\n['y'].flatMap((fy) => fy);\n['z'].map(function (gz: string) { return gz; });\nf(function (hf) { return hf; });";
        for tree in copies(source) {
            let scopes = Scopes::build(tree.root(), source);
            let ids = identifiers(tree.root(), source, "id");
            let b: Vec<_> = ids.iter().map(|n| scopes.binding_of(*n)).collect();
            assert_eq!(b[0], b[1], "outer use resolves to the module const");
            assert_eq!(b[2], b[3], "inner use resolves to the shadowing const");
            assert_ne!(b[0], b[2]);
            let k = identifiers(tree.root(), source, "k");
            assert!(scopes.function_named(k[0]).is_some(), "hoisted function declaration");
            let t = identifiers(tree.root(), source, "t");
            assert!(scopes.get(scopes.binding_of(t[1]).unwrap()).iterates.is_some());
            let e = identifiers(tree.root(), source, "e");
            assert!(scopes.get(scopes.binding_of(e[1]).unwrap()).iterates.is_some());
            for (name, iterates) in [("fy", true), ("gz", true), ("hf", false)] {
                let used = identifiers(tree.root(), source, name)[1];
                let binding = scopes.get(scopes.binding_of(used).unwrap());
                assert_eq!(binding.iterates.is_some(), iterates, "{name} iterates an array");
            }
            let set = identifiers(tree.root(), source, "setU");
            let u = identifiers(tree.root(), source, "u");
            assert_eq!(scopes.get(scopes.binding_of(set[0]).unwrap()).state_of, scopes.binding_of(u[0]));
        }
    }

    #[test]
    fn destructured_loop_variables_take_one_element_each() {
        let source = "for (const [ea, eb] of m) ea;
for (const [, hb] of m) hb;
for (const [da, db = 1] of m) da;
for (const [na, [nb]] of m) na;
for (const { oa } of m) oa;";
        for tree in copies(source) {
            let scopes = Scopes::build(tree.root(), source);
            let element = |name: &str| {
                let declared = identifiers(tree.root(), source, name)[0];
                let binding = scopes.get(scopes.binding_of(declared).unwrap());
                (binding.iterates.is_some(), binding.element)
            };
            assert_eq!(element("ea"), (true, Some(Element::Index(0))));
            assert_eq!(element("eb"), (true, Some(Element::Index(1))));
            // A hole, a default or a nested pattern: which element a name takes is not told.
            for name in ["hb", "da", "db", "na", "nb"] {
                assert_eq!(element(name), (false, None), "{name}");
            }
        }
    }
}
