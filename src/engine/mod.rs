//! The pure scanning engine: profiles, probe plans, facts and evaluation. No kube, no tokio.

pub mod builtin;
pub mod eol;
pub mod eval;
pub mod facts;
pub mod matcher;
pub mod profile;
pub mod resources;
pub mod schema;
pub mod walk;
