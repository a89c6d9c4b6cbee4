//! The parts of a call or `new` expression the analysis asks about (callee, method, receiver,
//! arguments, callee path), found once per call and file.
//!
//! Every rule and the lowering look at the same calls: whether one acquires, what it releases,
//! whether it is a hook, how to lower it: the parts are looked up once.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, Ids};
use super::keys::FileCx;
use super::nodes::{self, text};

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
        let (function, constructor) = match node.kind_id() {
            kind if kind == ids.call_expression => (node.field(Field::Function), None),
            kind if kind == ids.new_expression => (None, node.field(Field::Constructor)),
            _ => (None, None),
        };
        let arguments =
            node.field(Field::Arguments).map(|a| nodes::children(a).collect()).unwrap_or_default();
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
        if let Some(call) = self.calls.borrow().get(node.id()) {
            return call.clone();
        }
        let call = Rc::new(Call::new(node, self));
        self.calls.borrow_mut().insert(node.id(), call.clone());
        call
    }
}
