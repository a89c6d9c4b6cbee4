//! The engine's input: a control-flow graph of resource events.

use crate::source::TextRange;

/// A local binding (variable, parameter, `ref.current` member, ...), numbered by the front-end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

/// One acquisition site in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

/// What happens to resources at one point of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The resource of site `res` is created; `into` is the binding that receives it, `None`
    /// when the value is discarded (which loses it at once).
    Acquire { res: ResId, into: Option<VarId> },
    /// The resource of site `res` is registered under the identity `into` stands for (an event
    /// listener's target, type, handler and flag). Registering it again while `into` holds it
    /// changes nothing: the same listener added twice is one listener, so a loop that adds it
    /// loses no earlier iteration's.
    Register { res: ResId, into: VarId },
    /// `to = from`: `to` now holds what `from` holds (`None`: a value that is no resource).
    /// Whatever `to` held before is no longer held by it.
    Assign { to: VarId, from: Option<VarId> },
    /// Everything `var` may hold is released (`Dispose`, `clearInterval(id)`, `wait()`, ...).
    Release { var: VarId },
    /// Ownership of everything `var` may hold leaves the body (returned, stored in a field, given
    /// to an owning constructor, captured by a stored closure, added to a collection).
    Transfer { var: VarId },
}

/// How a block ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Terminator {
    /// Continue in one block.
    Goto(BlockId),
    /// Continue in any of these blocks (conditions are not evaluated).
    Branch(Vec<BlockId>),
    /// A normal exit: a `return` (its range) or the end of the body (`None` range = the closing brace).
    Return(Option<TextRange>),
    /// Leaves by an exception: not a leak path (what is open here is not reported).
    Throw,
    /// The process (or the whole program path) ends: `exit()`, `Environment.FailFast`, a diverging call.
    Diverge,
}

impl Terminator {
    /// A loop's test: on to `next`, or out to `done` as well, unless the loop is endless (its
    /// condition always holds, `for (;;)`, `while (true)`), which only a jump leaves.
    pub fn loop_test(next: BlockId, done: BlockId, endless: bool) -> Terminator {
        if endless {
            Terminator::Goto(next)
        } else {
            Terminator::Branch(vec![next, done])
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub events: Vec<(Event, TextRange)>,
    pub terminator: Terminator,
}

/// A lowered function body. Block 0 is the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub blocks: Vec<Block>,
    pub var_count: u32,
    pub res_count: u32,
    /// Where the body ends when it falls off its end (its closing brace).
    pub end: TextRange,
}

/// Builds a [`Body`] block by block; front-ends keep a "current block" and append events to it.
#[derive(Debug)]
pub struct BodyBuilder {
    blocks: Vec<Block>,
    var_count: u32,
    res_count: u32,
}

impl Default for BodyBuilder {
    fn default() -> Self {
        BodyBuilder::new()
    }
}

impl BodyBuilder {
    /// A builder with the entry block (`BlockId(0)`) already created.
    pub fn new() -> BodyBuilder {
        let mut builder = BodyBuilder { blocks: Vec::new(), var_count: 0, res_count: 0 };
        builder.new_block();
        builder
    }

    pub fn entry(&self) -> BlockId {
        BlockId(0)
    }

    /// A new, empty block that falls through to a normal exit until its terminator is set.
    pub fn new_block(&mut self) -> BlockId {
        self.blocks.push(Block { events: Vec::new(), terminator: Terminator::Return(None) });
        BlockId(self.blocks.len() as u32 - 1)
    }

    pub fn new_var(&mut self) -> VarId {
        self.var_count += 1;
        VarId(self.var_count - 1)
    }

    pub fn new_res(&mut self) -> ResId {
        self.res_count += 1;
        ResId(self.res_count - 1)
    }

    pub fn push(&mut self, block: BlockId, event: Event, at: TextRange) {
        self.blocks[block.0 as usize].events.push((event, at));
    }

    pub fn terminate(&mut self, block: BlockId, terminator: Terminator) {
        self.blocks[block.0 as usize].terminator = terminator;
    }

    pub fn finish(self, end: TextRange) -> Body {
        Body { blocks: self.blocks, var_count: self.var_count, res_count: self.res_count, end }
    }
}
