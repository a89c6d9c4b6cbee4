//! The engine on its own IR, independent of any language.

use super::*;
use crate::source::TextRange;

fn at(n: usize) -> TextRange {
    TextRange::new(n, n + 1)
}

/// `x = acquire(); <then>` in the entry block, the resource is site 0, variable 0.
fn acquire_into_var(b: &mut BodyBuilder) -> (ResId, VarId) {
    let (res, var) = (b.new_res(), b.new_var());
    b.push(b.entry(), Event::Acquire { res, into: Some(var) }, at(1));
    (res, var)
}

#[test]
fn released_on_the_only_path_is_clean() {
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    b.push(b.entry(), Event::Release { var: x }, at(2));
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn never_released_leaks_at_the_end_on_every_path() {
    let mut b = BodyBuilder::new();
    let (res, _) = acquire_into_var(&mut b);
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].res, res);
    assert!(leaks[0].on_every_path);
    assert_eq!(leaks[0].exits, vec![LeakExit { at: None }]);
}

#[test]
fn branch_merge_reports_the_path_that_misses_the_release() {
    // x = acquire(); if (c) { x.release(); } return;
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    let then = b.new_block();
    let join = b.new_block();
    b.terminate(b.entry(), Terminator::Branch(vec![then, join]));
    b.push(then, Event::Release { var: x }, at(3));
    b.terminate(then, Terminator::Goto(join));
    b.terminate(join, Terminator::Return(Some(at(5))));
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].exits, vec![LeakExit { at: Some(at(5)) }]);
    assert!(!leaks[0].on_every_path, "released on one path: a 'may' leak");
}

#[test]
fn early_return_is_the_leaking_exit() {
    // x = acquire(); if (c) return; x.release();
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    let early = b.new_block();
    let rest = b.new_block();
    b.terminate(b.entry(), Terminator::Branch(vec![early, rest]));
    b.terminate(early, Terminator::Return(Some(at(10))));
    b.push(rest, Event::Release { var: x }, at(11));
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].exits, vec![LeakExit { at: Some(at(10)) }]);
}

/// `loop { x = acquire(); <release x if asked> }`: the loop body block acquires into `x`.
fn acquiring_loop(release_each_iteration: bool) -> Body {
    acquiring_loop_with(release_each_iteration, |res, x| Event::Acquire { res, into: Some(x) })
}

fn acquiring_loop_with(release_each_iteration: bool, acquire: fn(ResId, VarId) -> Event) -> Body {
    let mut b = BodyBuilder::new();
    let head = b.new_block();
    let body = b.new_block();
    let exit = b.new_block();
    let (res, x) = (b.new_res(), b.new_var());
    b.terminate(b.entry(), Terminator::Goto(head));
    b.terminate(head, Terminator::Branch(vec![body, exit]));
    b.push(body, acquire(res, x), at(20));
    if release_each_iteration {
        b.push(body, Event::Release { var: x }, at(21));
    }
    b.terminate(body, Terminator::Goto(head));
    b.finish(at(99))
}

#[test]
fn loop_back_edge_loses_the_previous_iteration() {
    // Never released: the next iteration's acquire loses the previous one.
    let leaks = analyze(&acquiring_loop(false));
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].lost_at, vec![at(20)]);
    assert_eq!(leaks[0].exits, vec![LeakExit { at: None }]);
}

#[test]
fn loop_that_releases_each_iteration_is_clean() {
    assert!(analyze(&acquiring_loop(true)).is_empty());
}

#[test]
fn registering_again_in_a_loop_loses_nothing_but_stays_open() {
    let register = |res, x| Event::Register { res, into: x };
    let leaks = analyze(&acquiring_loop_with(false, register));
    assert_eq!(leaks.len(), 1, "never removed: reported once, at the exit");
    assert_eq!(leaks[0].lost_at, Vec::<TextRange>::new());
    assert_eq!(leaks[0].exits, vec![LeakExit { at: None }]);
    assert!(analyze(&acquiring_loop_with(true, register)).is_empty());
}

#[test]
fn registering_over_another_resource_loses_it() {
    // x = acquire(); x = register(): what x held before is lost, as with any overwrite.
    let mut b = BodyBuilder::new();
    let (first, x) = acquire_into_var(&mut b);
    let second = b.new_res();
    b.push(b.entry(), Event::Register { res: second, into: x }, at(2));
    b.push(b.entry(), Event::Release { var: x }, at(3));
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(
        leaks.iter().map(|l| (l.res, l.lost_at.clone())).collect::<Vec<_>>(),
        vec![(first, vec![at(2)])]
    );
}

#[test]
fn finally_lowered_onto_both_exits_releases_everywhere() {
    // x = acquire(); try { if (c) return; work(); } finally { x.release(); }
    // A front-end copies the finally block onto each exit, and onto the exception edge.
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    let early_finally = b.new_block();
    let normal_finally = b.new_block();
    let throw_finally = b.new_block();
    b.terminate(b.entry(), Terminator::Branch(vec![early_finally, normal_finally, throw_finally]));
    for block in [early_finally, normal_finally, throw_finally] {
        b.push(block, Event::Release { var: x }, at(30));
    }
    b.terminate(early_finally, Terminator::Return(Some(at(31))));
    b.terminate(throw_finally, Terminator::Throw);
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn exception_only_paths_are_not_reported() {
    // x = acquire(); may_throw(); x.release(); -- the throw edge leaves x open, silently.
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    let throws = b.new_block();
    let rest = b.new_block();
    b.terminate(b.entry(), Terminator::Branch(vec![throws, rest]));
    b.terminate(throws, Terminator::Throw);
    b.push(rest, Event::Release { var: x }, at(40));
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn diverging_paths_end_without_a_leak() {
    let mut b = BodyBuilder::new();
    acquire_into_var(&mut b);
    b.terminate(b.entry(), Terminator::Diverge);
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn alias_chain_release_counts_for_the_original() {
    // a = acquire(); b = a; c = b; c.release();
    let mut b = BodyBuilder::new();
    let (_, a) = acquire_into_var(&mut b);
    let (v2, v3) = (b.new_var(), b.new_var());
    b.push(b.entry(), Event::Assign { to: v2, from: Some(a) }, at(2));
    b.push(b.entry(), Event::Assign { to: v3, from: Some(v2) }, at(3));
    b.push(b.entry(), Event::Release { var: v3 }, at(4));
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn overwriting_an_alias_keeps_the_resource_reachable() {
    // a = acquire(); b = a; a = null; b.release();
    let mut b = BodyBuilder::new();
    let (_, a) = acquire_into_var(&mut b);
    let alias = b.new_var();
    b.push(b.entry(), Event::Assign { to: alias, from: Some(a) }, at(2));
    b.push(b.entry(), Event::Assign { to: a, from: None }, at(3));
    b.push(b.entry(), Event::Release { var: alias }, at(4));
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn reassigning_the_only_holder_loses_the_resource() {
    // a = acquire(); a = null; return;
    let mut b = BodyBuilder::new();
    let (_, a) = acquire_into_var(&mut b);
    b.push(b.entry(), Event::Assign { to: a, from: None }, at(7));
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].lost_at, vec![at(7)]);
    assert!(leaks[0].exits.is_empty(), "lost before the exit, not open at it");
}

#[test]
fn transfer_by_return_is_not_a_leak() {
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    b.push(b.entry(), Event::Transfer { var: x }, at(5));
    b.terminate(b.entry(), Terminator::Return(Some(at(5))));
    assert!(analyze(&b.finish(at(99))).is_empty());
}

#[test]
fn discarded_acquisition_is_lost_at_once() {
    let mut b = BodyBuilder::new();
    let res = b.new_res();
    b.push(b.entry(), Event::Acquire { res, into: None }, at(8));
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].lost_at, vec![at(8)]);
}

#[test]
fn two_resources_are_tracked_independently() {
    let mut b = BodyBuilder::new();
    let (_, x) = acquire_into_var(&mut b);
    let (second, y) = (b.new_res(), b.new_var());
    b.push(b.entry(), Event::Acquire { res: second, into: Some(y) }, at(2));
    b.push(b.entry(), Event::Release { var: x }, at(3));
    let leaks = analyze(&b.finish(at(99)));
    assert_eq!(leaks.iter().map(|l| l.res).collect::<Vec<_>>(), vec![second]);
}

#[test]
fn unreachable_blocks_report_nothing() {
    let mut b = BodyBuilder::new();
    let dead = b.new_block();
    let (res, x) = (b.new_res(), b.new_var());
    b.push(dead, Event::Acquire { res, into: Some(x) }, at(1));
    b.terminate(b.entry(), Terminator::Return(None));
    assert!(analyze(&b.finish(at(99))).is_empty());
}
