//! The access plan: which methods to try for a container, in which order, when to fall back,
//! and the permissions each method declares (preflight, `rbac` and identities read them here).

use super::{Access, AccessError, Collected};
use crate::engine::facts::ProbePlan;

/// A way to reach a container's filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessMethod {
    /// The container's own shell, through `pods/exec`.
    Exec,
    /// An ephemeral debug container reading the target's root at `/proc/<pid>/root`.
    Debug,
    /// A scanner sidecar inside the pod (results read from its volume).
    Sidecar,
    /// A directory on this machine (`--root`).
    Local,
}

impl AccessMethod {
    pub fn name(self) -> &'static str {
        match self {
            AccessMethod::Exec => "exec",
            AccessMethod::Debug => "debug",
            AccessMethod::Sidecar => "sidecar",
            AccessMethod::Local => "local",
        }
    }

    /// What this method does through the Kubernetes API, and nothing more.
    pub fn permissions(self) -> &'static [Permission] {
        match self {
            AccessMethod::Exec => &[GET_PODS, CREATE_EXEC, GET_EXEC],
            AccessMethod::Debug => &[GET_PODS, PATCH_EPHEMERAL, CREATE_EXEC, GET_EXEC],
            AccessMethod::Sidecar => &[GET_PODS, CREATE_EXEC, GET_EXEC],
            AccessMethod::Local => &[],
        }
    }
}

impl std::fmt::Display for AccessMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One verb on one (sub)resource of the core API group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Permission {
    pub verb: &'static str,
    pub resource: &'static str,
    pub subresource: Option<&'static str>,
    /// Checked before the scan (SelfSubjectAccessReview). The ephemeral-container patch is
    /// not: it is only needed on fallback, and its own refusal names it.
    pub preflight: bool,
}

impl Permission {
    /// `pods/exec`, as RBAC rules name resources.
    pub fn resource_name(&self) -> String {
        match self.subresource {
            Some(s) => format!("{}/{s}", self.resource),
            None => self.resource.to_string(),
        }
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.verb, self.resource_name())
    }
}

const GET_PODS: Permission = Permission {
    verb: "get",
    resource: "pods",
    subresource: None,
    preflight: true,
};
const CREATE_EXEC: Permission = Permission {
    verb: "create",
    resource: "pods",
    subresource: Some("exec"),
    preflight: true,
};
/// The exec WebSocket is an HTTP GET: RBAC checks `get` on the upgrade (and `create` since
/// Kubernetes 1.31 checks both).
const GET_EXEC: Permission = Permission {
    verb: "get",
    resource: "pods",
    subresource: Some("exec"),
    preflight: false,
};
const PATCH_EPHEMERAL: Permission = Permission {
    verb: "patch",
    resource: "pods",
    subresource: Some("ephemeralcontainers"),
    preflight: false,
};

/// Finding targets: listing pods for -l, --all and -A (GET for pod/NAME is in every method).
pub const TARGET_PERMISSIONS: &[Permission] = &[Permission {
    verb: "list",
    resource: "pods",
    subresource: None,
    preflight: false,
}];

/// `--access`: which methods to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessMode {
    /// exec; without a shell in the container (distroless), a debug container.
    #[default]
    Auto,
    Exec,
    Debug,
}

/// The ordered methods for a container: the next one is tried only when the previous one
/// found no shell (the runtime's executable-not-found failure, never any error).
pub fn strategies(mode: AccessMode) -> &'static [AccessMethod] {
    match mode {
        AccessMode::Auto => &[AccessMethod::Exec, AccessMethod::Debug],
        AccessMode::Exec => &[AccessMethod::Exec],
        AccessMode::Debug => &[AccessMethod::Debug],
    }
}

/// Every permission the methods of `mode` declare, each once, in a stable order.
pub fn permissions(methods: &[AccessMethod]) -> Vec<Permission> {
    let mut all: Vec<Permission> = methods
        .iter()
        .flat_map(|m| m.permissions().iter().copied())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Whether `error` from one method lets the next one be tried.
pub fn falls_back(error: &AccessError) -> bool {
    matches!(error, AccessError::NoShell { .. })
}

/// Try each access in turn, by the fallback rule; the method that gave the answer with it.
pub async fn gather(
    plan: &ProbePlan,
    accesses: &[&dyn Access],
    phase: &(dyn Fn(&str) + Sync),
) -> (Option<AccessMethod>, Result<Collected, AccessError>) {
    let mut method = None;
    let mut last = Err(AccessError::Failed("no access method".into()));
    for (i, access) in accesses.iter().enumerate() {
        method = Some(access.method());
        phase(&format!("gathering ({})", access.method()));
        last = access.gather(plan).await;
        match &last {
            Err(e) if falls_back(e) && i + 1 < accesses.len() => {
                phase("no shell: starting a debug container");
            }
            _ => break,
        }
    }
    (method, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::facts::{Facts, Unavailable};
    use futures::future::BoxFuture;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An access that answers what it is told and counts its calls.
    struct Fake {
        method: AccessMethod,
        answer: fn() -> Result<Collected, AccessError>,
        calls: AtomicUsize,
    }

    impl Access for Fake {
        fn method(&self) -> AccessMethod {
            self.method
        }
        fn gather<'a>(
            &'a self,
            _plan: &'a ProbePlan,
        ) -> BoxFuture<'a, Result<Collected, AccessError>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { (self.answer)() })
        }
    }

    fn fake(method: AccessMethod, answer: fn() -> Result<Collected, AccessError>) -> Fake {
        Fake {
            method,
            answer,
            calls: AtomicUsize::new(0),
        }
    }

    fn ok() -> Result<Collected, AccessError> {
        let none = || Unavailable::error("not gathered".to_string());
        Ok(Collected {
            facts: Facts::new(Err(none()), Err(none())),
            detail: None,
        })
    }
    fn no_shell() -> Result<Collected, AccessError> {
        Err(AccessError::NoShell {
            message: "exec: \"/bin/sh\": stat /bin/sh: no such file or directory".into(),
        })
    }
    fn denied() -> Result<Collected, AccessError> {
        Err(AccessError::Denied(
            "RBAC denies create on pods/exec".into(),
        ))
    }

    async fn run(first: &Fake, second: &Fake) -> Option<AccessMethod> {
        let plan = ProbePlan::default();
        let (method, _) = gather(&plan, &[first, second], &|_| {}).await;
        method
    }

    #[tokio::test]
    async fn falls_back_to_debug_only_when_there_is_no_shell() {
        let exec = fake(AccessMethod::Exec, no_shell);
        let debug = fake(AccessMethod::Debug, ok);
        assert_eq!(run(&exec, &debug).await, Some(AccessMethod::Debug));
        assert_eq!(debug.calls.load(Ordering::SeqCst), 1);

        let exec = fake(AccessMethod::Exec, denied);
        let debug = fake(AccessMethod::Debug, ok);
        assert_eq!(run(&exec, &debug).await, Some(AccessMethod::Exec));
        assert_eq!(
            debug.calls.load(Ordering::SeqCst),
            0,
            "RBAC is not 'no shell'"
        );

        let exec = fake(AccessMethod::Exec, ok);
        let debug = fake(AccessMethod::Debug, ok);
        assert_eq!(run(&exec, &debug).await, Some(AccessMethod::Exec));
        assert_eq!(debug.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn the_last_method_reports_no_shell_as_it_is() {
        let exec = fake(AccessMethod::Exec, no_shell);
        let plan = ProbePlan::default();
        let (method, result) = gather(&plan, &[&exec], &|_| {}).await;
        assert_eq!(method, Some(AccessMethod::Exec));
        assert!(matches!(result, Err(AccessError::NoShell { .. })));
    }

    #[test]
    fn modes_order_their_methods_and_declare_permissions() {
        assert_eq!(
            strategies(AccessMode::Auto),
            [AccessMethod::Exec, AccessMethod::Debug]
        );
        let names: Vec<String> = permissions(strategies(AccessMode::Auto))
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "create pods/exec",
                "get pods",
                "get pods/exec",
                "patch pods/ephemeralcontainers"
            ]
        );
        assert!(permissions(&[AccessMethod::Exec])
            .iter()
            .all(|p| p.subresource != Some("ephemeralcontainers")));
        assert!(AccessMethod::Local.permissions().is_empty());
    }
}
