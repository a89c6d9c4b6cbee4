//! The one dataflow pass: which acquisitions reach a normal exit still open, or are lost.

use super::bitset::BitSet;
use super::ir::{Body, Event, ResId, Terminator, VarId};
use crate::source::TextRange;

/// An acquisition that is not released or transferred on some normal path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    pub res: ResId,
    /// Normal exits reached with the resource still open, in block order.
    pub exits: Vec<LeakExit>,
    /// Points where the resource's last holder was overwritten (or the value was never bound)
    /// while it was open: a re-acquisition in a loop, a reassignment, a discarded result.
    pub lost_at: Vec<TextRange>,
    /// True when no normal exit sees it released or transferred: it leaks on every path,
    /// not only on some.
    pub on_every_path: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakExit {
    /// The `return` (or other exit) it escapes by; `None` when the body falls off its end.
    pub at: Option<TextRange>,
}

/// The resources state at one program point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct State {
    /// Per variable, the resources it may hold.
    holds: Vec<BitSet>,
    /// Resources open on some path to here.
    open: BitSet,
    /// Resources released or transferred on some path to here.
    done: BitSet,
}

impl State {
    fn new(vars: usize) -> State {
        State { holds: vec![BitSet::default(); vars], ..State::default() }
    }

    fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        for (mine, theirs) in self.holds.iter_mut().zip(&other.holds) {
            changed |= mine.union_with(theirs);
        }
        changed |= self.open.union_with(&other.open);
        changed |= self.done.union_with(&other.done);
        changed
    }

    fn held_elsewhere(&self, res: usize, except: VarId) -> bool {
        self.holds.iter().enumerate().any(|(v, set)| v != except.0 as usize && set.contains(res))
    }

    fn finish(&mut self, var: VarId) {
        for res in self.holds[var.0 as usize].iter() {
            self.open.remove(res);
            self.done.insert(res);
        }
    }

    /// Empties `var`, reporting open resources that nothing else holds, except those in `keep`.
    fn overwrite(&mut self, var: VarId, keep: &BitSet, lost: &mut impl FnMut(usize)) {
        let old = std::mem::take(&mut self.holds[var.0 as usize]);
        for res in old.iter() {
            if !keep.contains(res) && self.open.contains(res) && !self.held_elsewhere(res, var) {
                self.open.remove(res);
                lost(res);
            }
        }
    }

    fn apply(&mut self, event: &Event, mut lost: impl FnMut(usize)) {
        match *event {
            Event::Register { res, into } => {
                let registered = self.holds[into.0 as usize].contains(res.0 as usize);
                if !(registered && self.open.contains(res.0 as usize)) {
                    self.apply(&Event::Acquire { res, into: Some(into) }, lost);
                }
            }
            Event::Acquire { res, into } => {
                let res = res.0 as usize;
                // The previous instance of this site, still open and reachable only through the
                // binding about to be overwritten (or through nothing), is lost here.
                if self.open.contains(res) && into.is_none_or(|v| !self.held_elsewhere(res, v)) {
                    self.open.remove(res);
                    lost(res);
                }
                let fresh = BitSet::default();
                if let Some(var) = into {
                    self.overwrite(var, &fresh, &mut lost);
                    self.holds[var.0 as usize].insert(res);
                    self.open.insert(res);
                } else {
                    lost(res);
                }
                self.done.remove(res);
            }
            Event::Assign { to, from } => {
                let new = from.map(|f| self.holds[f.0 as usize].clone()).unwrap_or_default();
                self.overwrite(to, &new, &mut lost);
                self.holds[to.0 as usize] = new;
            }
            Event::Release { var } | Event::Transfer { var } => self.finish(var),
        }
    }
}

fn successors(terminator: &Terminator) -> &[super::ir::BlockId] {
    match terminator {
        Terminator::Goto(target) => std::slice::from_ref(target),
        Terminator::Branch(targets) => targets,
        Terminator::Return(_) | Terminator::Throw | Terminator::Diverge => &[],
    }
}

/// Runs the dataflow to a fixed point, then reports leaks from the final states. Reporting
/// happens only once the states are final, so a transient state never yields a finding.
pub fn analyze(body: &Body) -> Vec<Leak> {
    let vars = body.var_count as usize;
    // Nothing acquired, nothing to leak (a body lowered for a release or a name it mentions).
    if body.blocks.is_empty() || body.res_count == 0 {
        return Vec::new();
    }
    let mut entry_states: Vec<Option<State>> = vec![None; body.blocks.len()];
    entry_states[0] = Some(State::new(vars));
    let mut worklist = vec![0usize];
    let mut queued = vec![false; body.blocks.len()];
    queued[0] = true;
    while let Some(block) = worklist.pop() {
        queued[block] = false;
        let Some(mut state) = entry_states[block].clone() else { continue };
        for (event, _) in &body.blocks[block].events {
            state.apply(event, |_| {});
        }
        for succ in successors(&body.blocks[block].terminator) {
            let succ = succ.0 as usize;
            let changed = match &mut entry_states[succ] {
                Some(existing) => existing.join(&state),
                slot @ None => {
                    *slot = Some(state.clone());
                    true
                }
            };
            if changed && !queued[succ] {
                queued[succ] = true;
                worklist.push(succ);
            }
        }
    }
    report(body, &entry_states)
}

fn report(body: &Body, entry_states: &[Option<State>]) -> Vec<Leak> {
    let res_count = body.res_count as usize;
    let mut exits: Vec<Vec<LeakExit>> = vec![Vec::new(); res_count];
    let mut lost_at: Vec<Vec<TextRange>> = vec![Vec::new(); res_count];
    let mut clean_somewhere = BitSet::default();
    for (block, state) in body.blocks.iter().zip(entry_states) {
        let Some(mut state) = state.clone() else { continue };
        for (event, at) in &block.events {
            state.apply(event, |res| {
                if !lost_at[res].contains(at) {
                    lost_at[res].push(*at);
                }
            });
        }
        if let Terminator::Return(at) = block.terminator {
            for res in state.open.iter() {
                exits[res].push(LeakExit { at });
            }
            clean_somewhere.union_with(&state.done);
        }
    }
    exits
        .into_iter()
        .zip(lost_at)
        .enumerate()
        .filter(|(_, (exits, lost_at))| !exits.is_empty() || !lost_at.is_empty())
        .map(|(res, (exits, lost_at))| Leak {
            res: ResId(res as u32),
            on_every_path: !clean_somewhere.contains(res),
            exits,
            lost_at,
        })
        .collect()
}
