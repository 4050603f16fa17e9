//! `--ephemeral-identity`: a ServiceAccount, Roles limited to the target pods and RoleBindings
//! made for one scan, a short-lived token for them, their removal at the end (also after a
//! failure, Ctrl-C or SIGTERM), and `cleanup` for what a `kill -9` left behind.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::Client;

use super::api_message;
use crate::access::plan::{self, AccessMode, Permission};

pub const MANAGED_BY_KEY: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "kubectl-cinc-scan";
pub const RUN_KEY: &str = "cinc-scan.dev/run";
pub const EXPIRES_KEY: &str = "cinc-scan.dev/expires";

/// The selector of every object an ephemeral identity creates.
pub fn selector() -> String {
    format!("{MANAGED_BY_KEY}={MANAGED_BY},{RUN_KEY}")
}

/// What the access methods of `mode` declare they do to a target pod through the API
/// (`access::plan`): reading the pod, exec (`get` and `create` on pods/exec: the API server
/// checks both on the WebSocket upgrade), and for the debug path the ephemeral container.
pub fn permissions(mode: AccessMode) -> Vec<Permission> {
    plan::permissions(plan::strategies(mode))
}

/// The Role's rules: one per (sub)resource with its verbs, for the named pods only.
pub fn role_rules(perms: &[Permission], pods: &BTreeSet<String>) -> Vec<PolicyRule> {
    let mut by_resource: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in perms {
        let verbs = by_resource.entry(p.resource_name()).or_default();
        if !verbs.iter().any(|v| v == p.verb) {
            verbs.push(p.verb.to_string());
        }
    }
    by_resource
        .into_iter()
        .map(|(resource, verbs)| PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec![resource]),
            resource_names: Some(pods.iter().cloned().collect()),
            verbs,
            ..Default::default()
        })
        .collect()
}

/// A short random run id: lowercase letters and digits, valid in names and label values.
pub fn new_run_id() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

fn meta(name: &str, namespace: &str, run: &str, expires: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        labels: Some(BTreeMap::from([
            (MANAGED_BY_KEY.to_string(), MANAGED_BY.to_string()),
            (RUN_KEY.to_string(), run.to_string()),
        ])),
        annotations: Some(BTreeMap::from([(
            EXPIRES_KEY.to_string(),
            expires.to_string(),
        )])),
        ..Default::default()
    }
}

/// An object this run created, to delete at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Created {
    ServiceAccount(String),
    Role(String),
    RoleBinding(String),
}

impl Created {
    fn namespace(&self) -> &str {
        match self {
            Created::ServiceAccount(n) | Created::Role(n) | Created::RoleBinding(n) => n,
        }
    }
}

/// The identity of one scan: its objects and a client that holds only its token.
pub struct Ephemeral {
    pub run: String,
    pub name: String,
    pub home: String,
    pub expires: String,
    pub client: Client,
    created: Vec<Created>,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot create the ephemeral identity: {0}; the admin identity needs create and delete on serviceaccounts, roles and rolebindings and create on serviceaccounts/token in each target namespace (see the README's Permissions)")]
    Create(String),
    #[error("interrupted while creating the ephemeral identity (its objects were removed)")]
    Interrupted,
}

/// What `--ephemeral-identity` set up for a scan.
pub enum Setup {
    Ready(Box<Ephemeral>),
    /// No target can be scanned: no identity is needed.
    NothingToScan,
    /// SIGINT or SIGTERM while it was being made; what was made is removed.
    Interrupted,
}

/// The identity for the scannable targets of a resolved query.
pub async fn for_targets(
    conn: &super::config::Connection,
    targets: &[super::targets::ContainerTarget],
    access: AccessMode,
    duration: Duration,
) -> Result<Setup, IdentityError> {
    let mut by_namespace: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in targets.iter().filter(|t| t.unscannable.is_none()) {
        if let Some(pod) = &t.pod.metadata.name {
            by_namespace
                .entry(t.namespace.clone())
                .or_default()
                .insert(pod.clone());
        }
    }
    if by_namespace.is_empty() {
        return Ok(Setup::NothingToScan);
    }
    match create(
        &conn.client,
        &conn.anonymous,
        &by_namespace,
        access,
        duration,
    )
    .await
    {
        Ok(i) => Ok(Setup::Ready(Box::new(i))),
        Err(IdentityError::Interrupted) => {
            eprintln!("interrupted: the ephemeral identity was removed, nothing was scanned");
            Ok(Setup::Interrupted)
        }
        Err(e) => Err(e),
    }
}

/// Time for the whole set-up or tear-down, so that a slow API server cannot hold the run.
const STEP_DEADLINE: Duration = Duration::from_secs(60);

/// Create the identity for `targets` (namespace → pod names), mint its token, and wait until
/// the API server grants it. SIGINT and SIGTERM during this remove what was made.
pub async fn create(
    admin: &Client,
    anonymous: &kube::Config,
    targets: &BTreeMap<String, BTreeSet<String>>,
    access: AccessMode,
    duration: Duration,
) -> Result<Ephemeral, IdentityError> {
    let (interrupt, terminate) = crate::signals::stop_signals();
    tokio::pin!(interrupt, terminate);
    let run = new_run_id();
    let name = format!("cinc-scan-{run}");
    let home = targets.keys().next().cloned().unwrap_or_default();
    let expires = (jiff::Timestamp::now()
        + jiff::SignedDuration::try_from(duration).unwrap_or(jiff::SignedDuration::ZERO))
    .to_string();
    let mut created = Vec::new();
    let outcome = tokio::select! {
        r = tokio::time::timeout(
            STEP_DEADLINE,
            set_up(admin, anonymous, targets, access, duration, &run, &name, &home, &expires, &mut created),
        ) => match r {
            Ok(r) => r.map_err(IdentityError::Create),
            Err(_) => Err(IdentityError::Create(format!(
                "the API server did not finish within {}s", STEP_DEADLINE.as_secs()
            ))),
        },
        _ = &mut interrupt => Err(IdentityError::Interrupted),
        _ = &mut terminate => Err(IdentityError::Interrupted),
    };
    match outcome {
        Ok(client) => Ok(Ephemeral {
            run,
            name,
            home,
            expires,
            client,
            created,
        }),
        Err(e) => {
            // What the interrupted future had not recorded yet is found by its run label.
            let _ = delete_run(admin, targets.keys(), &run).await;
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn set_up(
    admin: &Client,
    anonymous: &kube::Config,
    targets: &BTreeMap<String, BTreeSet<String>>,
    access: AccessMode,
    duration: Duration,
    run: &str,
    name: &str,
    home: &str,
    expires: &str,
    created: &mut Vec<Created>,
) -> Result<Client, String> {
    let pp = PostParams::default();
    let sa = ServiceAccount {
        metadata: meta(name, home, run, expires),
        automount_service_account_token: Some(false),
        ..Default::default()
    };
    Api::<ServiceAccount>::namespaced(admin.clone(), home)
        .create(&pp, &sa)
        .await
        .map_err(|e| api_message(&e, "create", "serviceaccounts", home))?;
    created.push(Created::ServiceAccount(home.to_string()));
    let perms = permissions(access);
    for (ns, pods) in targets {
        let role = Role {
            metadata: meta(name, ns, run, expires),
            rules: Some(role_rules(&perms, pods)),
        };
        Api::<Role>::namespaced(admin.clone(), ns)
            .create(&pp, &role)
            .await
            .map_err(|e| api_message(&e, "create", "roles", ns))?;
        created.push(Created::Role(ns.clone()));
        let binding = RoleBinding {
            metadata: meta(name, ns, run, expires),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".into(),
                kind: "Role".into(),
                name: name.to_string(),
            },
            subjects: Some(vec![Subject {
                kind: "ServiceAccount".into(),
                name: name.to_string(),
                namespace: Some(home.to_string()),
                ..Default::default()
            }]),
        };
        Api::<RoleBinding>::namespaced(admin.clone(), ns)
            .create(&pp, &binding)
            .await
            .map_err(|e| api_message(&e, "create", "rolebindings", ns))?;
        created.push(Created::RoleBinding(ns.clone()));
    }
    let (token, _) = super::request_token(admin, home, name, duration.as_secs() as i64).await?;
    let mut config = anonymous.clone();
    config.auth_info.token = Some(secrecy::SecretString::from(token));
    // The same bounded calls, retry budget and breaker as every other client.
    let (client, _guard) =
        super::resilience::client(config, &super::resilience::Settings::default())
            .map_err(|e| format!("cannot build its client: {e}"))?;
    // RBAC reaches the API server's authorizer through a watch: wait until it answers yes.
    for (ns, pods) in targets {
        let Some(pod) = pods.iter().next() else {
            continue;
        };
        let mut waited = Duration::ZERO;
        while super::can_i(&client, ns, "create", "pods", Some("exec"), Some(pod)).await
            != Some(true)
        {
            if waited >= Duration::from_secs(20) {
                return Err(format!(
                    "the API server did not grant the new Role in namespace \"{ns}\" within 20s"
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            waited += Duration::from_millis(200);
        }
    }
    Ok(client)
}

impl Ephemeral {
    /// Who the scan runs as, for a note on stderr (never the token).
    pub fn describe(&self) -> String {
        format!(
            "scanning as ServiceAccount {}/{} (run {}, token expires {})",
            self.home, self.name, self.run, self.expires
        )
    }

    /// Remove every object of the run (bounded in time); what could not be removed is named.
    pub async fn delete(self, admin: &Client) -> Result<usize, String> {
        let namespaces: BTreeSet<String> = self
            .created
            .iter()
            .map(|c| c.namespace().to_string())
            .collect();
        delete_run(admin, namespaces.iter(), &self.run).await
    }
}

/// Delete the ServiceAccounts, Roles and RoleBindings labelled with `run` in `namespaces`.
async fn delete_run<'a>(
    admin: &Client,
    namespaces: impl Iterator<Item = &'a String>,
    run: &str,
) -> Result<usize, String> {
    let lp =
        ListParams::default().labels(&format!("{MANAGED_BY_KEY}={MANAGED_BY},{RUN_KEY}={run}"));
    let namespaces: Vec<String> = namespaces.cloned().collect();
    let work = async {
        let mut deleted = 0;
        let mut failed = Vec::new();
        for ns in &namespaces {
            for found in list_leftovers(admin, Some(ns), &lp).await? {
                match found.delete(admin).await {
                    Ok(()) => deleted += 1,
                    Err(e) => failed.push(e),
                }
            }
        }
        if failed.is_empty() {
            Ok(deleted)
        } else {
            Err(failed.join("; "))
        }
    };
    match tokio::time::timeout(STEP_DEADLINE, work).await {
        Ok(r) => r.map_err(|e| {
            format!("{e}; remove the leftovers with `kubectl cinc-scan cleanup --all`")
        }),
        Err(_) => Err(format!(
            "removing the ephemeral identity took more than {}s; remove the leftovers with \
             `kubectl cinc-scan cleanup --all`",
            STEP_DEADLINE.as_secs()
        )),
    }
}

/// An object labelled as an ephemeral identity's, found in the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub run: String,
    /// The expiry annotation, when it is there and readable.
    pub expires: Option<jiff::Timestamp>,
}

impl Leftover {
    fn from_meta(kind: &'static str, meta: &ObjectMeta) -> Leftover {
        Leftover {
            kind,
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
            run: meta
                .labels
                .as_ref()
                .and_then(|l| l.get(RUN_KEY))
                .cloned()
                .unwrap_or_default(),
            expires: meta
                .annotations
                .as_ref()
                .and_then(|a| a.get(EXPIRES_KEY))
                .and_then(|t| t.parse().ok()),
        }
    }

    /// Expired, or with no readable expiry (nothing then says it is still in use).
    pub fn expired(&self, now: jiff::Timestamp) -> bool {
        self.expires.is_none_or(|t| t <= now)
    }

    async fn delete(&self, admin: &Client) -> Result<(), String> {
        let dp = DeleteParams::background();
        let ns = &self.namespace;
        let r = match self.kind {
            "ServiceAccount" => Api::<ServiceAccount>::namespaced(admin.clone(), ns)
                .delete(&self.name, &dp)
                .await
                .map(|_| ()),
            "Role" => Api::<Role>::namespaced(admin.clone(), ns)
                .delete(&self.name, &dp)
                .await
                .map(|_| ()),
            _ => Api::<RoleBinding>::namespaced(admin.clone(), ns)
                .delete(&self.name, &dp)
                .await
                .map(|_| ()),
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) if super::status_code(&e) == Some(404) => Ok(()),
            Err(e) => Err(api_message(
                &e,
                "delete",
                &format!("{}s", self.kind.to_ascii_lowercase()),
                ns,
            )),
        }
    }
}

/// Every object of an ephemeral identity in `namespace` (every namespace when `None`):
/// bindings first, so that rights go before the identity.
async fn list_leftovers(
    admin: &Client,
    namespace: Option<&str>,
    lp: &ListParams,
) -> Result<Vec<Leftover>, String> {
    let scope = namespace.unwrap_or("(all)");
    let mut out = Vec::new();
    macro_rules! list {
        ($t:ty, $kind:literal, $plural:literal) => {{
            let api: Api<$t> = match namespace {
                Some(ns) => Api::namespaced(admin.clone(), ns),
                None => Api::all(admin.clone()),
            };
            let items = api
                .list(lp)
                .await
                .map_err(|e| api_message(&e, "list", $plural, scope))?;
            out.extend(
                items
                    .items
                    .iter()
                    .map(|o| Leftover::from_meta($kind, &o.metadata)),
            );
        }};
    }
    list!(RoleBinding, "RoleBinding", "rolebindings");
    list!(Role, "Role", "roles");
    list!(ServiceAccount, "ServiceAccount", "serviceaccounts");
    Ok(out)
}

/// What `cleanup` found and did.
#[derive(Debug, Default)]
pub struct CleanupOutcome {
    pub lines: Vec<String>,
    pub deleted: usize,
    pub kept: usize,
    pub failed: usize,
}

/// `kubectl cinc-scan cleanup`: remove the leftovers whose expiry has passed (all of them with
/// `all`); with `dry_run` only say what would go.
pub async fn cleanup(
    admin: &Client,
    namespace: Option<&str>,
    all: bool,
    dry_run: bool,
) -> Result<CleanupOutcome, String> {
    let now = jiff::Timestamp::now();
    let lp = ListParams::default().labels(&selector());
    let found = list_leftovers(admin, namespace, &lp).await?;
    let mut out = CleanupOutcome::default();
    for l in found {
        let when = l
            .expires
            .map_or("no expiry".to_string(), |t| format!("expires {t}"));
        let what = format!(
            "{} {}/{} (run {}, {when})",
            l.kind, l.namespace, l.name, l.run
        );
        if !all && !l.expired(now) {
            out.kept += 1;
            out.lines
                .push(format!("kept {what}: still valid; --all removes it"));
        } else if dry_run {
            out.deleted += 1;
            out.lines.push(format!("would delete {what}"));
        } else {
            match tokio::time::timeout(STEP_DEADLINE, l.delete(admin)).await {
                Ok(Ok(())) => {
                    out.deleted += 1;
                    out.lines.push(format!("deleted {what}"));
                }
                Ok(Err(e)) => {
                    out.failed += 1;
                    out.lines.push(format!("error: cannot delete {what}: {e}"));
                }
                Err(_) => {
                    out.failed += 1;
                    out.lines
                        .push(format!("error: cannot delete {what}: timed out"));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_grants_only_what_the_access_methods_need_on_the_target_pods() {
        let pods = BTreeSet::from(["web-0".to_string(), "web-1".to_string()]);
        let summary = |mode| -> Vec<String> {
            role_rules(&permissions(mode), &pods)
                .iter()
                .map(|r| {
                    assert_eq!(
                        r.resource_names.as_deref(),
                        Some(&["web-0".to_string(), "web-1".to_string()][..])
                    );
                    assert_eq!(r.api_groups.as_deref(), Some(&[String::new()][..]));
                    format!("{} {}", r.resources.as_ref().unwrap()[0], r.verbs.join(","))
                })
                .collect()
        };
        assert_eq!(
            summary(AccessMode::Exec),
            ["pods get", "pods/exec create,get"]
        );
        assert_eq!(
            summary(AccessMode::Auto),
            [
                "pods get",
                "pods/ephemeralcontainers patch",
                "pods/exec create,get"
            ]
        );
        assert_eq!(summary(AccessMode::Debug), summary(AccessMode::Auto));
    }

    #[test]
    fn run_ids_are_valid_names_and_differ() {
        let a = new_run_id();
        let b = new_run_id();
        assert_eq!(a.len(), 8);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(a, b);
        let m = meta(
            &format!("cinc-scan-{a}"),
            "shop",
            &a,
            "2030-01-01T00:00:00Z",
        );
        let labels = m.labels.unwrap();
        assert_eq!(labels[MANAGED_BY_KEY], MANAGED_BY);
        assert_eq!(labels[RUN_KEY], a);
        assert_eq!(m.annotations.unwrap()[EXPIRES_KEY], "2030-01-01T00:00:00Z");
    }

    #[test]
    fn expiry_decides_what_cleanup_removes() {
        let meta: ObjectMeta = serde_json::from_value(serde_json::json!({
            "name": "cinc-scan-x", "namespace": "shop",
            "labels": {RUN_KEY: "x"},
            "annotations": {EXPIRES_KEY: "2030-01-01T00:00:00Z"}
        }))
        .unwrap();
        let l = Leftover::from_meta("Role", &meta);
        assert_eq!(l.run, "x");
        let before: jiff::Timestamp = "2029-12-31T23:59:59Z".parse().unwrap();
        let after: jiff::Timestamp = "2030-01-01T00:00:01Z".parse().unwrap();
        assert!(!l.expired(before));
        assert!(l.expired(after));
        let unreadable = Leftover { expires: None, ..l };
        assert!(unreadable.expired(before));
    }
}
