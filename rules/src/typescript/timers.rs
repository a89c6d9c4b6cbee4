//! Timers over time: the callback a scheduling call runs, and the timeouts that have fired by
//! the time code runs again (a loop that re-schedules itself, a chain of steps stored in one
//! place, a `new Promise` awaited until its timeout resolves it).

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, Ids, KindOf};
use super::keys::FileCx;
use super::nodes::{self, text};
use super::scope::Census;

impl<'t> FileCx<'t> {
    /// The function a scheduling call (`setTimeout(fn)`, `requestAnimationFrame(fn)`) runs.
    pub fn scheduled_callback(&self, call: Node<'t>) -> Option<Node<'t>> {
        let argument = nodes::unwrap(*self.call(call).arguments().first()?);
        if nodes::is_function(argument) {
            return Some(argument);
        }
        (argument.kind_name() == "identifier").then(|| self.scopes.function_named(argument)).flatten()
    }

    /// A call inside the very function it schedules: a timer or frame that re-schedules itself
    /// from its own callback (the previous one has fired by then).
    pub fn reschedules_itself(&self, call: Node<'t>) -> bool {
        self.scheduled_callback(call).is_some_and(|f| nodes::contains(f, call))
    }

    /// A timeout (`call`, written directly in `callback`) set, into the same place, from the
    /// callback of the timeout stored there: `this.t = setTimeout(() => { ...; this.t =
    /// setTimeout(next, 30); })`. The one it replaces has fired by then, and a clear of the
    /// place stops whichever step is pending.
    pub fn continues_its_timeout(&self, call: Node<'t>, callback: Node<'t>) -> bool {
        let Some(place) = self.assigned_place(call) else { return false };
        let Some(outer) = callback.parent().filter(|p| p.kind_name() == "arguments").and_then(|a| a.parent())
        else {
            return false;
        };
        self.scheduled_callback(outer) == Some(callback)
            && self.is_timeout(outer)
            && self.assigned_place(outer).is_some_and(|p| p == place)
    }

    /// The places of the timeouts an awaited `new Promise(executor)` waits for: set in the
    /// executor with its `resolve` as their callback (`await new Promise((resolve) => { this.t =
    /// setTimeout(resolve, ms); })`). When the await is over, they have fired.
    pub fn timeouts_awaited(&self, promise: Node<'t>) -> Vec<String> {
        let promise = nodes::unwrap(promise);
        if promise.kind_name() != "new_expression" || !text(promise, self.source).contains("setTimeout") {
            return Vec::new();
        }
        let call = self.call(promise);
        let executor = call.arguments().first().map(|e| nodes::unwrap(*e)).filter(|e| nodes::is_function(*e));
        let (Some("Promise"), Some(executor)) = (call.path(self.source), executor) else { return Vec::new() };
        let resolve = self.first_parameter(executor).filter(|p| super::scope::is_name(*p));
        let Some(resolve) = resolve.and_then(|p| self.scopes.binding_of(p)) else {
            return Vec::new();
        };
        Census::within(&self.scopes.census.calls, executor)
            .filter(|timer| self.is_timeout(*timer))
            .filter(|timer| {
                let callback = self.call(*timer).arguments().first().map(|c| nodes::unwrap(*c));
                callback
                    .is_some_and(|c| super::scope::is_name(c) && self.scopes.binding_of(c) == Some(resolve))
            })
            .filter_map(|timer| self.assigned_place(timer))
            .collect()
    }

    /// Does the call set a timeout (LL1001's kind: `setTimeout` and its spellings)?
    fn is_timeout(&self, call: Node<'t>) -> bool {
        self.acquisition(call).is_some_and(|kind| self.kinds[kind].rule == super::ll1001_timeout::LL1001.code)
    }

    /// The place a call's value is assigned to (`this.t = setTimeout(..)`, casts and
    /// parentheses around the call allowed).
    fn assigned_place(&self, call: Node<'t>) -> Option<String> {
        let ids = Ids::of(call);
        let mut value = call;
        let mut holder = call.parent()?;
        while ids.is_wrapper(holder.kind_id()) {
            value = holder;
            holder = holder.parent()?;
        }
        let assignment = (holder.kind_id() == ids.assignment_expression).then_some(holder)?;
        (assignment.field(Field::Right) == Some(value)).then(|| self.place(assignment.field(Field::Left)?))?
    }
}
