//! kubectl cinc-scan: compliance and hardening checks inside running Kubernetes containers.

pub mod access;
pub mod cli;
pub mod complete;
pub mod config;
pub mod deliver;
pub mod engine;
pub mod exit;
pub mod fsio;
pub mod job;
pub mod kube;
pub mod logging;
pub mod monitor;
pub mod profiles;
pub mod rbac;
pub mod report;
pub mod results;
pub mod run;
pub mod scan;
pub mod sidecar;
pub mod signals;
pub mod sink;
pub mod threshold;

/// `0.1.0 (commit abc123def456)`.
pub const VERSION_LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CINC_SCAN_GIT_COMMIT"),
    ")"
);
