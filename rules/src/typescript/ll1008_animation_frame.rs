//! LL1008: a `requestAnimationFrame` loop that is never cancelled.

use rustc_hash::FxHashSet as HashSet;

use crate::syntax::flat::Node;

use super::ids::{Field, FieldOf, KindOf};

use crate::catalogue::{Precision, Severity};
use crate::declare_rule;
use crate::Family;

use super::keys::FileCx;
use super::nodes;
use super::report::Text;

declare_rule! {
    /// ## What it finds
    /// A `requestAnimationFrame` loop (a callback that schedules itself again) started in an
    /// effect, a class component's mount or a method of a class with a teardown method, whose
    /// latest frame id is not given to `cancelAnimationFrame` in the cleanup,
    /// `componentWillUnmount` or the teardown, or whose id is discarded. A loop that checks a
    /// flag the cleanup sets (`let running = true; ... return () => { running = false }`) stops
    /// itself and is not reported. A single frame that does not re-schedule is not reported.
    ///
    /// ## Why it matters
    /// The loop runs 60 times a second forever: it burns CPU and battery, draws into a detached
    /// canvas, and keeps the component's closures alive.
    ///
    /// ## Example
    /// ```tsx
    /// function Spectrum({ analyser }: { analyser: AnalyserNode }) {
    ///   const canvas = useRef<HTMLCanvasElement>(null);
    ///   useEffect(() => {
    ///     const draw = () => {
    ///       paint(canvas.current!, analyser);
    ///       requestAnimationFrame(draw);
    ///     };
    ///     requestAnimationFrame(draw);
    ///   }, [analyser]);
    ///   return <canvas ref={canvas} />;
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```tsx
    /// function Spectrum({ analyser }: { analyser: AnalyserNode }) {
    ///   const canvas = useRef<HTMLCanvasElement>(null);
    ///   useEffect(() => {
    ///     let frame = 0;
    ///     const draw = () => {
    ///       paint(canvas.current!, analyser);
    ///       frame = requestAnimationFrame(draw);
    ///     };
    ///     frame = requestAnimationFrame(draw);
    ///     return () => cancelAnimationFrame(frame);
    ///   }, [analyser]);
    ///   return <canvas ref={canvas} />;
    /// }
    /// ```
    pub static LL1008 = {
        name: "animation-frame-not-cancelled",
        family: Family::TypeScript,
        severity: Severity::Warning,
        precision: Precision::High,
        summary: "requestAnimationFrame loop that is never cancelled",
        aliases: &[],
    }
}

pub const TEXT: Text = Text {
    verb: "cancel",
    done: "cancelled",
    consequence: "the loop keeps running every frame after the owner is gone",
    default_name: "frameId",
};

fn schedules<'t>(cx: &FileCx<'t>, call: Node<'t>, function: Node<'t>) -> bool {
    let Some(argument) = cx.call(call).arguments().first().map(|a| nodes::unwrap(*a)) else { return false };
    if argument.kind_name() != "identifier" {
        return false;
    }
    let own_name = function.field(Field::Name).map(|n| nodes::text(n, cx.source));
    cx.scopes.function_named(argument) == Some(function) || own_name == Some(nodes::text(argument, cx.source))
}

/// What a `requestAnimationFrame` call is to the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Not a loop (a single frame), or a loop that stops on a flag: nothing to cancel.
    NoLoop,
    /// Starts a loop: the id it returns must be cancelled.
    Starts,
    /// The loop re-scheduling itself and keeping the new id (where the start keeps it).
    RescheduleKept,
    /// The loop re-scheduling itself and dropping the id: it can never be cancelled.
    RescheduleDiscarded,
}

/// Whether `node` is tested inside `function`: in the condition of an `if`, a loop or a ternary,
/// or on the left of `&&` / `||` (`if (!this.running) return;`, `this.running && step()`), as
/// a field that only holds state (`this.angle`) is not.
fn is_tested(node: Node<'_>, function: Node<'_>) -> bool {
    let mut inner = node;
    while let Some(outer) = inner.parent().filter(|o| *o != function) {
        let tests = match outer.kind_name() {
            "if_statement" | "while_statement" | "do_statement" | "ternary_expression" => {
                outer.field(Field::Condition) == Some(inner)
            }
            "binary_expression" => {
                outer.field(Field::Operator).is_some_and(|o| matches!(o.kind_name(), "&&" | "||"))
                    && outer.field(Field::Left) == Some(inner)
            }
            _ => false,
        };
        if tests {
            return true;
        }
        inner = outer;
    }
    false
}

/// Classifies a `requestAnimationFrame` call: is it part of a loop (its callback re-schedules
/// itself) that only a cancel can stop (it reads no flag the owner's cleanup sets), and is it
/// the start or the re-scheduling call?
pub fn classify<'t>(cx: &FileCx<'t>, call: Node<'t>, stop_flags: &HashSet<String>) -> Frame {
    let Some(function) = cx.scheduled_callback(call) else { return Frame::NoLoop };
    let is_frame_call = |n: Node<'t>| {
        n.kind_name() == "call_expression" && cx.call(n).path(cx.source) == Some("requestAnimationFrame")
    };
    let inside = nodes::contains(function, call);
    let reschedules =
        inside || function.descendants().any(|n| is_frame_call(n) && schedules(cx, n, function));
    // A flag is a variable (`let running`) or an object's field (`this.running`). Not a ref's
    // `current`: an effect that runs again sets it back before the old loop's next frame reads
    // it, and that loop goes on.
    let stopped_by_flag = function.descendants().any(|n| {
        let flag = match n.kind_name() {
            "identifier" => cx.place(n),
            "member_expression" if is_tested(n, function) => cx.place(n).filter(|p| p.starts_with("this.")),
            _ => None,
        };
        flag.is_some_and(|p| stop_flags.contains(&format!("A|{p}")))
    });
    if !reschedules || stopped_by_flag {
        return Frame::NoLoop;
    }
    if !inside {
        return Frame::Starts;
    }
    if cx.scopes.census.is_kept(call) {
        Frame::RescheduleKept
    } else {
        Frame::RescheduleDiscarded
    }
}
