//! The resource-lifetime engine, shared by every language.
//!
//! A front-end lowers one function body (method, lambda, arrow function, closure) to a
//! [`Body`]: a small control-flow graph whose blocks carry resource [`Event`]s. [`analyze`]
//! runs one forward dataflow pass over it and reports every acquisition that reaches a normal
//! exit neither released nor transferred, or that is lost (its last holder overwritten) while
//! still open. The engine knows nothing of syntax: what acquires, releases or transfers a
//! resource is decided by the front-ends and the resource kinds they read from the catalogue.

mod bitset;
mod dataflow;
mod ir;

pub use dataflow::{analyze, Leak, LeakExit};
pub use ir::{BlockId, Body, BodyBuilder, Event, ResId, Terminator, VarId};

#[cfg(test)]
mod tests;
