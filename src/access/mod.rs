//! Ways to reach a container's filesystem. Each gathers the facts of a probe plan; adding one
//! touches neither the engine nor the reporters.

pub mod debug;
pub mod exec;
pub mod local;
pub mod plan;
pub mod probe;

use futures::future::BoxFuture;

use crate::engine::facts::{Facts, ProbePlan};
pub use plan::AccessMethod;

/// One way of gathering facts from one target.
pub trait Access: Send + Sync {
    /// Which method this is (for the report and the fallback rule).
    fn method(&self) -> AccessMethod;

    /// Gather everything the plan asks for, in one round trip where the method allows.
    fn gather<'a>(&'a self, plan: &'a ProbePlan) -> BoxFuture<'a, Result<Collected, AccessError>>;
}

/// Facts, and how they were reached (e.g. which debug container), for the report.
pub struct Collected {
    pub facts: Facts,
    pub detail: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The runtime could not start the shell: the container has none (distroless).
    #[error("the container has no shell ({message}); it looks distroless: scan it with --access auto or --access debug")]
    NoShell { message: String },
    #[error("{0}")]
    Denied(String),
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Probe(#[from] probe::ProbeError),
}

/// Scans a directory on this machine (`--root`).
pub struct LocalAccess {
    pub root: std::path::PathBuf,
}

impl Access for LocalAccess {
    fn method(&self) -> AccessMethod {
        AccessMethod::Local
    }

    fn gather<'a>(&'a self, plan: &'a ProbePlan) -> BoxFuture<'a, Result<Collected, AccessError>> {
        Box::pin(async move {
            let root = self.root.clone();
            let plan = plan.clone();
            let facts = tokio::task::spawn_blocking(move || local::gather(&root, &plan))
                .await
                .map_err(|e| AccessError::Failed(format!("local scan stopped: {e}")))?;
            Ok(Collected {
                facts,
                detail: None,
            })
        })
    }
}
