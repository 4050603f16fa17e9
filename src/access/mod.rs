//! Ways to reach a container's filesystem; each gathers the facts of a probe plan.

pub mod local;
pub mod probe;
