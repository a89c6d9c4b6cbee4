//! The parts of a call or `new` expression the analysis asks about (callee, method, receiver,
//! arguments, callee path), found once per call and file.
//!
//! Every rule and the lowering look at the same calls: whether one acquires, what it releases,
//! whether it is a hook, how to lower it. Each question used to look the parts up again, and a
//! tree-sitter field or child lookup steps through the node's children (and the hidden nodes
//! between them) every time.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, Ids};
use super::keys::FileCx;
use super::nodes::{self, text};
use super::scope::Census;

/// The parts of one call or `new` expression.
pub struct Call<'t> {
    node: Node<'t>,
    /// `f` in `f(x)`, `a.b.c` in `a.b.c(x)`, as written; `None` for a `new`.
    pub function: Option<Node<'t>>,
    /// `Foo` in `new Foo(x)`; `None` for a call.
    pub constructor: Option<Node<'t>>,
    /// `dispose` in `a.b.dispose()`.
    pub method: Option<&'t str>,
    /// `a.b` in `a.b.dispose()`.
    pub receiver: Option<Node<'t>>,
    arguments: Vec<Node<'t>>,
    path: OnceCell<Option<String>>,
}

impl<'t> Call<'t> {
    fn new(node: Node<'t>, cx: &FileCx<'t>) -> Call<'t> {
        let ids = Ids::of(node);
        let (callee, arguments) = Self::callee_and_arguments(node, ids, &cx.scopes.census);
        let (function, constructor) =
            if node.kind_id() == ids.new_expression { (None, callee) } else { (callee, None) };
        let arguments = arguments.map(|a| cx.children(a).into_owned()).unwrap_or_default();
        let member = function.map(nodes::unwrap).filter(|callee| callee.kind_id() == ids.member_expression);
        Call {
            node,
            function,
            constructor,
            method: member.and_then(|m| m.field(Field::Property)).map(|p| text(p, cx.source)),
            receiver: member.and_then(|m| m.field(Field::Object)),
            arguments,
            path: OnceCell::new(),
        }
    }

    /// A call's function or a `new`'s class, and the arguments node (none for other nodes).
    /// The walk listed the children of the calls it entered: the callee first, the arguments
    /// (a list, or a tagged template) last, type arguments or `?.` between; other calls are
    /// asked by field.
    fn callee_and_arguments(
        node: Node<'t>,
        ids: &Ids,
        census: &Census<'t>,
    ) -> (Option<Node<'t>>, Option<Node<'t>>) {
        let kind = node.kind_id();
        if kind != ids.call_expression && kind != ids.new_expression {
            return (None, None);
        }
        match census.listed_children(node) {
            Some(children) => {
                let is_arguments =
                    |n: &Node| n.kind_id() == ids.arguments || n.kind_id() == ids.template_string;
                let arguments = children.last().filter(|last| children.len() > 1 && is_arguments(last));
                (children.first().copied(), arguments.copied())
            }
            None => {
                let callee = if kind == ids.call_expression { Field::Function } else { Field::Constructor };
                (node.field(callee), node.field(Field::Arguments))
            }
        }
    }

    /// The call or `new` expression itself.
    pub fn node(&self) -> Node<'t> {
        self.node
    }

    /// The function of a call, the class of a `new`.
    pub fn callee(&self) -> Option<Node<'t>> {
        self.function.or(self.constructor)
    }

    /// The arguments, comments left out.
    pub fn arguments(&self) -> &[Node<'t>] {
        &self.arguments
    }

    /// Can this be a registration (`target.addEventListener(type, handler)`): is its first
    /// argument, if any, something that can be an event type ([`nodes::may_name_an_event`])?
    pub fn may_register(&self) -> bool {
        self.arguments.first().is_none_or(|event| nodes::may_name_an_event(*event))
    }

    /// The callee's dotted path (see [`nodes::path`]): `URL.createObjectURL`, `WebSocket`.
    pub fn path(&self, source: &str) -> Option<&str> {
        self.path.get_or_init(|| self.callee().and_then(|c| nodes::path(c, source))).as_deref()
    }
}

impl<'t> FileCx<'t> {
    /// The parts of a call or `new` expression (all `None` for any other node).
    pub fn call(&self, node: Node<'t>) -> Rc<Call<'t>> {
        if let Some(call) = self.calls.borrow().get(&node.id()) {
            return call.clone();
        }
        let call = Rc::new(Call::new(node, self));
        self.calls.borrow_mut().insert(node.id(), call.clone());
        call
    }
}
