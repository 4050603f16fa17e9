//! kubectl cinc-scan: compliance and hardening checks inside running Kubernetes containers.

pub mod access;
pub mod engine;
pub mod results;
