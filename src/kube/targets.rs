//! Resolving what the user named (pods, workloads, manifests, selectors, containers) into
//! containers to scan, the way kubectl resolves `TYPE/NAME`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ContainerStatus, Pod, ReplicationController};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use kube::api::{Api, ListParams};
use kube::Client;
use serde::de::DeserializeOwned;

use super::{api_message, status_code};

/// The kinds a target can name: pods, and the workloads whose pods are scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Pod,
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::ReplicaSet,
        Kind::ReplicationController,
        Kind::Job,
        Kind::CronJob,
    ];

    /// The kind as in a manifest (`Deployment`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::ReplicationController => "ReplicationController",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
        }
    }

    /// The resource name (`deployments`), as in RBAC rules and API paths.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Pod => "pods",
            Kind::Deployment => "deployments",
            Kind::StatefulSet => "statefulsets",
            Kind::DaemonSet => "daemonsets",
            Kind::ReplicaSet => "replicasets",
            Kind::ReplicationController => "replicationcontrollers",
            Kind::Job => "jobs",
            Kind::CronJob => "cronjobs",
        }
    }

    /// kubectl's short name (`deploy`); the singular for kinds that have none.
    pub fn short(self) -> &'static str {
        match self {
            Kind::Pod => "po",
            Kind::Deployment => "deploy",
            Kind::StatefulSet => "sts",
            Kind::DaemonSet => "ds",
            Kind::ReplicaSet => "rs",
            Kind::ReplicationController => "rc",
            Kind::Job => "job",
            Kind::CronJob => "cj",
        }
    }

    /// The API group (`""` for the core group).
    pub fn group(self) -> &'static str {
        match self {
            Kind::Pod | Kind::ReplicationController => "",
            Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet | Kind::ReplicaSet => "apps",
            Kind::Job | Kind::CronJob => "batch",
        }
    }

    fn singular(self) -> String {
        self.name().to_ascii_lowercase()
    }

    /// Every spelling kubectl accepts for the resource type of `TYPE/NAME`.
    fn spellings(self) -> Vec<String> {
        let mut words = vec![
            self.singular(),
            self.plural().to_string(),
            self.short().to_string(),
        ];
        if !self.group().is_empty() {
            for w in [self.singular(), self.plural().to_string()] {
                words.push(format!("{w}.{}", self.group()));
            }
        }
        words
    }

    /// `deploy`, `deployments`, `Deployment`, `deployments.apps`… (case-insensitive, like kubectl).
    pub fn parse(word: &str) -> Option<Kind> {
        let word = word.to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.spellings().contains(&word))
    }

    /// The kind of a manifest document, from its `apiVersion` and `kind`.
    pub fn of_manifest(api_version: &str, kind: &str) -> Option<Kind> {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == kind && k.group() == group)
    }
}

/// A named object: `deploy/web` on the command line, or a document of a `-f` manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub kind: Kind,
    pub name: String,
    /// From a manifest; `None` means the namespace of -n or the context.
    pub namespace: Option<String>,
}

impl ObjectRef {
    fn label(&self) -> String {
        format!("{}/{}", self.kind.singular(), self.name)
    }
}

/// What to look for, from the command line.
#[derive(Debug, Clone, Default)]
pub struct TargetQuery {
    /// `NAME`, `pod/NAME`, `deploy/NAME`, … as typed.
    pub names: Vec<String>,
    /// Objects of `-f` manifests.
    pub objects: Vec<ObjectRef>,
    pub selector: Option<String>,
    pub all: bool,
    pub all_namespaces: bool,
    pub namespace: String,
    pub containers: Vec<String>,
}

/// One container to scan (or to report as not scannable).
#[derive(Debug, Clone)]
pub struct ContainerTarget {
    pub pod: Arc<Pod>,
    pub namespace: String,
    pub container: String,
    /// Why it cannot be scanned (e.g. not running); reported as an error result.
    pub unscannable: Option<String>,
}

/// A container that is deliberately left out of the scan (an init or ephemeral container),
/// and why; listed for the user, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotScanned {
    pub namespace: String,
    pub pod: String,
    /// Empty when the whole pod is left out.
    pub container: String,
    pub why: String,
}

impl std::fmt::Display for NotScanned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.container.is_empty() {
            write!(f, "{}/{}: {}", self.namespace, self.pod, self.why)
        } else {
            write!(
                f,
                "{}/{}/{}: {}",
                self.namespace, self.pod, self.container, self.why
            )
        }
    }
}

/// The outcome of resolving a query; per-target problems are in `errors`, the rest goes on.
#[derive(Debug, Default)]
pub struct Resolved {
    pub targets: Vec<ContainerTarget>,
    pub errors: Vec<TargetError>,
    pub not_scanned: Vec<NotScanned>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum TargetError {
    #[error("'{target}' is not a target: {why}")]
    BadTarget { target: String, why: String },
    #[error("pod \"{name}\" not found in namespace \"{namespace}\"{hint}")]
    PodNotFound {
        name: String,
        namespace: String,
        hint: String,
    },
    #[error("{kind} \"{name}\" not found in namespace \"{namespace}\"{hint}")]
    NotFound {
        kind: String,
        name: String,
        namespace: String,
        hint: String,
    },
    #[error("{what} in namespace \"{namespace}\" has no pods to scan{why}")]
    NoPods {
        what: String,
        namespace: String,
        why: String,
    },
    #[error("container \"{container}\" not found in pod {namespace}/{pod} ({available}){hint}")]
    ContainerNotFound {
        container: String,
        namespace: String,
        pod: String,
        available: String,
        hint: String,
    },
    #[error("no pods match {what} in {scope}")]
    NothingMatched { what: String, scope: String },
    #[error("{0}")]
    Api(String),
}

const TYPES_HELP: &str = "use NAME, pod/NAME, deploy/NAME, sts/NAME, ds/NAME, rs/NAME, rc/NAME, \
                          job/NAME or cronjob/NAME";

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// `TYPE/NAME` or `NAME` (a pod), with kubectl's resource type spellings.
pub fn parse_target(target: &str) -> Result<ObjectRef, TargetError> {
    let bad = |why: String| TargetError::BadTarget {
        target: target.to_string(),
        why,
    };
    let (kind, name) = match target.split_once('/') {
        Some((word, name)) => {
            let kind = Kind::parse(word).ok_or_else(|| {
                let words: Vec<String> = Kind::ALL.iter().flat_map(|k| k.spellings()).collect();
                let close = close_names(&word.to_ascii_lowercase(), &words);
                let hint = match close.first() {
                    Some(c) => format!(" (did you mean {c}/{name}?)"),
                    None => String::new(),
                };
                bad(format!(
                    "unknown resource type \"{word}\"{hint}; {TYPES_HELP}"
                ))
            })?;
            (kind, name)
        }
        None => (Kind::Pod, target),
    };
    if !valid_name(name) {
        return Err(bad(format!(
            "\"{name}\" is not a valid name (lowercase letters, digits, '-' and '.'); {TYPES_HELP}"
        )));
    }
    Ok(ObjectRef {
        kind,
        name: name.to_string(),
        namespace: None,
    })
}

/// `pod/NAME`, `pods/NAME`, `po/NAME` or `NAME` → `NAME`; an error for any other type.
pub fn pod_name(target: &str) -> Result<String, TargetError> {
    match parse_target(target)? {
        ObjectRef {
            kind: Kind::Pod,
            name,
            ..
        } => Ok(name),
        _ => Err(TargetError::BadTarget {
            target: target.to_string(),
            why: "not a pod".into(),
        }),
    }
}

/// Up to three names close to `wanted`: a small edit distance (optimal string alignment, so a
/// transposition is one edit) or a shared prefix.
pub fn close_names(wanted: &str, names: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|n| (strsim::osa_distance(wanted, n), n))
        .filter(|(d, n)| {
            *d <= (wanted.chars().count() / 3).max(1)
                || n.starts_with(wanted)
                || wanted.starts_with(n.as_str())
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

/// A label selector in the query syntax of `?labelSelector=` (`a=b,tier in (x,y),!canary`).
pub fn selector_string(s: &LabelSelector) -> Result<String, String> {
    let mut parts: Vec<String> = s
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in s.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            other => return Err(format!("unknown selector operator \"{other}\"")),
        });
    }
    Ok(parts.join(","))
}

fn map_selector(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Owned by the object with `uid` as its controller (the owner that manages it).
fn controlled_by(meta: &ObjectMeta, uid: &str) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true) && o.uid == uid)
}

fn uid_of(meta: &ObjectMeta) -> String {
    meta.uid.clone().unwrap_or_default()
}

/// A Job that has run to its end (Complete or Failed), as the Job controller marks it.
fn job_finished(job: &Job) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| {
            c.iter()
                .any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
        })
}

fn state_detail(cs: &ContainerStatus) -> String {
    let state = cs.state.as_ref();
    if let Some(w) = state.and_then(|s| s.waiting.as_ref()) {
        format!("waiting: {}", w.reason.clone().unwrap_or_default())
    } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
        format!(
            "terminated: {} (exit code {})",
            t.reason.clone().unwrap_or_default(),
            t.exit_code
        )
    } else {
        "no state".into()
    }
}

fn is_running(cs: &ContainerStatus) -> bool {
    cs.state.as_ref().and_then(|s| s.running.as_ref()).is_some()
}

/// How a container belongs to its pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    App,
    /// An init container with `restartPolicy: Always`: runs beside the app containers.
    Sidecar,
    Init,
    Ephemeral,
}

struct PodContainer<'a> {
    name: &'a str,
    role: Role,
    status: Option<&'a ContainerStatus>,
}

fn pod_containers(pod: &Pod) -> Vec<PodContainer<'_>> {
    let status = pod.status.as_ref();
    let find = |list: Option<&'_ Vec<ContainerStatus>>, name: &str| -> Option<usize> {
        list.and_then(|l| l.iter().position(|c| c.name == name))
    };
    let app_st = status.and_then(|s| s.container_statuses.as_ref());
    let init_st = status.and_then(|s| s.init_container_statuses.as_ref());
    let eph_st = status.and_then(|s| s.ephemeral_container_statuses.as_ref());
    let mut out = Vec::new();
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    for c in &spec.containers {
        let status = find(app_st, &c.name).and_then(|i| app_st.map(|l| &l[i]));
        out.push(PodContainer {
            name: &c.name,
            role: Role::App,
            status,
        });
    }
    for c in spec.init_containers.iter().flatten() {
        let role = if c.restart_policy.as_deref() == Some("Always") {
            Role::Sidecar
        } else {
            Role::Init
        };
        let status = find(init_st, &c.name).and_then(|i| init_st.map(|l| &l[i]));
        out.push(PodContainer {
            name: &c.name,
            role,
            status,
        });
    }
    for c in spec.ephemeral_containers.iter().flatten() {
        let status = find(eph_st, &c.name).and_then(|i| eph_st.map(|l| &l[i]));
        out.push(PodContainer {
            name: &c.name,
            role: Role::Ephemeral,
            status,
        });
    }
    out
}

fn phase_of(pod: &Pod) -> String {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default()
}

/// Why a container that would be scanned cannot be (not running); `None` when it can.
fn not_running_reason(pod: &Pod, c: &PodContainer<'_>) -> Option<String> {
    let name = c.name;
    let Some(cs) = c.status else {
        return Some(format!(
            "container \"{name}\" has no status yet (pod phase {})",
            phase_of(pod)
        ));
    };
    if is_running(cs) {
        return None;
    }
    let what = match c.role {
        Role::Init => "init container",
        Role::Sidecar => "sidecar (init) container",
        _ => "container",
    };
    Some(format!(
        "{what} \"{name}\" is not running ({})",
        state_detail(cs)
    ))
}

/// Why an init or ephemeral container is left out of a default scan.
fn left_out_reason(c: &PodContainer<'_>) -> String {
    match c.role {
        Role::Ephemeral if c.name.starts_with("cinc-scan-") => {
            "ephemeral debug container added by an earlier cinc-scan (the scanner, not the workload)"
                .into()
        }
        Role::Ephemeral => {
            "ephemeral debug container (added by kubectl debug; not part of the workload)".into()
        }
        _ => match c.status.and_then(|s| s.state.as_ref()) {
            Some(s) if s.running.is_some() => {
                "init container still running (the pod is initializing); name it with -c to scan it"
                    .into()
            }
            Some(s) if s.terminated.is_some() => {
                let t = s.terminated.as_ref().map(|t| t.exit_code).unwrap_or_default();
                if t == 0 {
                    "init container, completed (exit code 0): it ran before the app containers started and no longer runs".into()
                } else {
                    format!("init container, terminated with exit code {t}; it no longer runs")
                }
            }
            _ => "init container, not started yet".into(),
        },
    }
}

/// The containers of one pod that the query asks for, and the ones left out with why.
pub fn select_containers(
    pod: Arc<Pod>,
    wanted: &[String],
) -> Result<(Vec<ContainerTarget>, Vec<NotScanned>), TargetError> {
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let all = pod_containers(&pod);
    let target = |c: &PodContainer<'_>, unscannable: Option<String>| ContainerTarget {
        pod: pod.clone(),
        namespace: namespace.clone(),
        container: c.name.to_string(),
        unscannable,
    };
    let mut targets = Vec::new();
    let mut left_out = Vec::new();
    if wanted.is_empty() {
        // The scanner's own debug containers: one line per pod, however many runs added one.
        let own: Vec<&str> = all
            .iter()
            .filter(|c| c.role == Role::Ephemeral && c.name.starts_with("cinc-scan-"))
            .map(|c| c.name)
            .collect();
        if !own.is_empty() {
            left_out.push(NotScanned {
                namespace: namespace.clone(),
                pod: pod_name.clone(),
                container: String::new(),
                why: format!(
                    "{} ephemeral debug container(s) of earlier cinc-scan runs ({}): the \
                     scanner's, not the workload's",
                    own.len(),
                    own.join(", ")
                ),
            });
        }
        for c in all.iter().filter(|c| !own.contains(&c.name)) {
            match c.role {
                Role::App => targets.push(target(c, not_running_reason(&pod, c))),
                // A native sidecar runs for the pod's whole life, like an app container.
                Role::Sidecar if c.status.is_some_and(is_running) => targets.push(target(c, None)),
                _ => left_out.push(NotScanned {
                    namespace: namespace.clone(),
                    pod: pod_name.clone(),
                    container: c.name.to_string(),
                    why: left_out_reason(c),
                }),
            }
        }
        return Ok((targets, left_out));
    }
    for w in wanted {
        let Some(c) = all.iter().find(|c| c.name == w) else {
            let names = |roles: &[Role]| -> Vec<String> {
                all.iter()
                    .filter(|c| roles.contains(&c.role))
                    .map(|c| c.name.to_string())
                    .collect()
            };
            let mut available = format!("containers: {}", names(&[Role::App]).join(", "));
            let init = names(&[Role::Init, Role::Sidecar]);
            if !init.is_empty() {
                available.push_str(&format!("; init containers: {}", init.join(", ")));
            }
            let every: Vec<String> = all.iter().map(|c| c.name.to_string()).collect();
            let close = close_names(w, &every);
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", close.join(", "))
            };
            return Err(TargetError::ContainerNotFound {
                container: w.clone(),
                namespace,
                pod: pod_name,
                available,
                hint,
            });
        };
        let unscannable = match c.role {
            Role::Ephemeral => Some(format!(
                "container \"{}\" is an {}",
                c.name,
                left_out_reason(c)
            )),
            Role::Init if !c.status.is_some_and(is_running) => Some(format!(
                "container \"{}\" is an {}",
                c.name,
                left_out_reason(c)
            )),
            _ => not_running_reason(&pod, c),
        };
        targets.push(target(c, unscannable));
    }
    Ok((targets, left_out))
}

/// Get one object; a 404 suggests close names of the same kind in the namespace.
async fn get_named<K>(client: &Client, kind: Kind, name: &str, ns: &str) -> Result<K, TargetError>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug,
    K::DynamicType: Default,
{
    let api: Api<K> = Api::namespaced(client.clone(), ns);
    match api.get(name).await {
        Ok(obj) => Ok(obj),
        Err(e) if status_code(&e) == Some(404) => {
            let everything = ListParams::default();
            let known: Vec<String> = api
                .list(&everything)
                .await
                .map(|l| {
                    l.items
                        .into_iter()
                        .filter_map(|o| o.meta().name.clone())
                        .collect()
                })
                .unwrap_or_default();
            let close = close_names(name, &known);
            let hint = if close.is_empty() {
                format!("; `kubectl get {} -n {ns}` lists them", kind.plural())
            } else {
                let shown: Vec<String> = close
                    .iter()
                    .map(|c| match kind {
                        Kind::Pod => c.clone(),
                        _ => format!("{}/{c}", kind.short()),
                    })
                    .collect();
                format!(" (did you mean {}?)", shown.join(", "))
            };
            Err(match kind {
                Kind::Pod => TargetError::PodNotFound {
                    name: name.into(),
                    namespace: ns.into(),
                    hint,
                },
                _ => TargetError::NotFound {
                    kind: kind.singular(),
                    name: name.into(),
                    namespace: ns.into(),
                    hint,
                },
            })
        }
        Err(e) => Err(TargetError::Api(api_message(&e, "get", kind.plural(), ns))),
    }
}

async fn list_in<K>(
    client: &Client,
    kind: Kind,
    ns: &str,
    selector: &str,
) -> Result<Vec<K>, TargetError>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Debug,
    K::DynamicType: Default,
{
    let api: Api<K> = Api::namespaced(client.clone(), ns);
    let mut lp = ListParams::default();
    if !selector.is_empty() {
        lp = lp.labels(selector);
    }
    api.list(&lp)
        .await
        .map(|l| l.items)
        .map_err(|e| TargetError::Api(api_message(&e, "list", kind.plural(), ns)))
}

/// The pods of `selector` that the controller with `uid` owns: labels alone can match pods of
/// other workloads or bare pods, ownership cannot.
async fn owned_pods(
    client: &Client,
    ns: &str,
    selector: &str,
    owners: &BTreeSet<String>,
) -> Result<Vec<Pod>, TargetError> {
    let pods: Vec<Pod> = list_in(client, Kind::Pod, ns, selector).await?;
    Ok(pods
        .into_iter()
        .filter(|p| owners.iter().any(|uid| controlled_by(&p.metadata, uid)))
        .collect())
}

fn label_selector(what: &str, s: Option<&LabelSelector>) -> Result<String, TargetError> {
    match s {
        Some(s) => selector_string(s).map_err(|e| {
            TargetError::Api(format!("{what} has a selector cinc-scan cannot use: {e}"))
        }),
        None => Ok(String::new()),
    }
}

/// The current pods of a workload (its controller's, through owner references), or the pod.
async fn pods_of(client: &Client, r: &ObjectRef, ns: &str) -> Result<Vec<Pod>, TargetError> {
    let what = r.label();
    let one = |uid: String| BTreeSet::from([uid]);
    let (pods, why_none) = match r.kind {
        Kind::Pod => return Ok(vec![get_named::<Pod>(client, r.kind, &r.name, ns).await?]),
        Kind::Deployment => {
            let d: Deployment = get_named(client, r.kind, &r.name, ns).await?;
            let sel = label_selector(&what, d.spec.as_ref().map(|s| &s.selector))?;
            let uid = uid_of(&d.metadata);
            let sets: Vec<ReplicaSet> = list_in(client, Kind::ReplicaSet, ns, &sel).await?;
            let owners: BTreeSet<String> = sets
                .iter()
                .filter(|rs| controlled_by(&rs.metadata, &uid))
                .map(|rs| uid_of(&rs.metadata))
                .collect();
            let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            (
                owned_pods(client, ns, &sel, &owners).await?,
                format!(
                    " (spec.replicas: {replicas}; {} ReplicaSet(s))",
                    owners.len()
                ),
            )
        }
        Kind::StatefulSet => {
            let s: StatefulSet = get_named(client, r.kind, &r.name, ns).await?;
            let sel = label_selector(&what, s.spec.as_ref().map(|s| &s.selector))?;
            let replicas = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            (
                owned_pods(client, ns, &sel, &one(uid_of(&s.metadata))).await?,
                format!(" (spec.replicas: {replicas})"),
            )
        }
        Kind::DaemonSet => {
            let d: DaemonSet = get_named(client, r.kind, &r.name, ns).await?;
            let sel = label_selector(&what, d.spec.as_ref().map(|s| &s.selector))?;
            (
                owned_pods(client, ns, &sel, &one(uid_of(&d.metadata))).await?,
                " (no node matches it)".into(),
            )
        }
        Kind::ReplicaSet => {
            let s: ReplicaSet = get_named(client, r.kind, &r.name, ns).await?;
            let sel = label_selector(&what, s.spec.as_ref().map(|s| &s.selector))?;
            let replicas = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            (
                owned_pods(client, ns, &sel, &one(uid_of(&s.metadata))).await?,
                format!(" (spec.replicas: {replicas})"),
            )
        }
        Kind::ReplicationController => {
            let c: ReplicationController = get_named(client, r.kind, &r.name, ns).await?;
            let spec = c.spec.as_ref();
            let labels = spec
                .and_then(|s| s.selector.clone())
                .or_else(|| {
                    spec.and_then(|s| s.template.as_ref()?.metadata.as_ref()?.labels.clone())
                })
                .unwrap_or_default();
            let replicas = spec.and_then(|s| s.replicas).unwrap_or(1);
            (
                owned_pods(
                    client,
                    ns,
                    &map_selector(&labels),
                    &one(uid_of(&c.metadata)),
                )
                .await?,
                format!(" (spec.replicas: {replicas})"),
            )
        }
        Kind::Job => {
            let j: Job = get_named(client, r.kind, &r.name, ns).await?;
            let sel = label_selector(&what, j.spec.as_ref().and_then(|s| s.selector.as_ref()))?;
            let why = if job_finished(&j) {
                " (the job has finished)"
            } else {
                ""
            };
            (
                owned_pods(client, ns, &sel, &one(uid_of(&j.metadata))).await?,
                why.into(),
            )
        }
        Kind::CronJob => {
            let cj: CronJob = get_named(client, r.kind, &r.name, ns).await?;
            let uid = uid_of(&cj.metadata);
            let listed: BTreeSet<String> = cj
                .status
                .as_ref()
                .and_then(|s| s.active.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|o| o.uid.clone())
                .collect();
            let jobs: Vec<Job> = list_in(client, Kind::Job, ns, "").await?;
            // Active: listed by the CronJob controller, or owned and not finished (a job
            // started with `kubectl create job --from=cronjob/NAME` is never listed).
            let active: Vec<&Job> = jobs
                .iter()
                .filter(|j| controlled_by(&j.metadata, &uid))
                .filter(|j| listed.contains(&uid_of(&j.metadata)) || !job_finished(j))
                .collect();
            let mut pods = Vec::new();
            for j in &active {
                let sel = label_selector(&what, j.spec.as_ref().and_then(|s| s.selector.as_ref()))?;
                pods.extend(owned_pods(client, ns, &sel, &one(uid_of(&j.metadata))).await?);
            }
            let schedule = cj
                .spec
                .as_ref()
                .map(|s| s.schedule.clone())
                .unwrap_or_default();
            let why = if active.is_empty() {
                format!(
                    ": it has no active job (schedule \"{schedule}\"); scan while one runs, or \
                     start one with `kubectl create job --from=cronjob/{} -n {ns} NAME`",
                    r.name
                )
            } else {
                format!(" ({} active job(s))", active.len())
            };
            (pods, why)
        }
    };
    if pods.is_empty() {
        return Err(TargetError::NoPods {
            what,
            namespace: ns.into(),
            why: why_none,
        });
    }
    Ok(pods)
}

/// Pods that have run to their end belong to a workload's history, not to what it runs now.
fn finished(pod: &Pod) -> bool {
    matches!(phase_of(pod).as_str(), "Succeeded" | "Failed")
}

/// Resolve the query. Per-target problems come back in `errors`; the rest goes on.
pub async fn resolve(client: &Client, q: &TargetQuery) -> Resolved {
    let mut out = Resolved::default();
    let mut pods: Vec<Arc<Pod>> = Vec::new();
    let mut refs: Vec<ObjectRef> = Vec::new();
    for raw in &q.names {
        match parse_target(raw) {
            Ok(r) => refs.push(r),
            Err(e) => out.errors.push(e),
        }
    }
    refs.extend(q.objects.iter().cloned());
    for r in &refs {
        let ns = r.namespace.as_deref().unwrap_or(&q.namespace);
        match pods_of(client, r, ns).await {
            Ok(found) => {
                let mut found: Vec<Pod> = found;
                found.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
                let done = found.iter().filter(|p| finished(p)).count();
                if r.kind != Kind::Pod && done == found.len() {
                    // Nothing runs: an error, never an empty scan that reads as "passed".
                    out.errors.push(TargetError::NoPods {
                        what: r.label(),
                        namespace: ns.into(),
                        why: format!(": its {done} pod(s) have finished"),
                    });
                    continue;
                }
                for p in found {
                    if r.kind != Kind::Pod && finished(&p) {
                        out.not_scanned.push(NotScanned {
                            namespace: ns.into(),
                            pod: p.metadata.name.clone().unwrap_or_default(),
                            container: String::new(),
                            why: format!(
                                "pod of {} has finished (phase {})",
                                r.label(),
                                phase_of(&p)
                            ),
                        });
                    } else {
                        pods.push(Arc::new(p));
                    }
                }
            }
            Err(e) => out.errors.push(e),
        }
    }
    let named = !q.names.is_empty() || !q.objects.is_empty();
    if q.selector.is_some() || q.all || (!named && q.all_namespaces) {
        let api: Api<Pod> = if q.all_namespaces {
            Api::all(client.clone())
        } else {
            Api::namespaced(client.clone(), &q.namespace)
        };
        let mut lp = ListParams::default();
        if let Some(s) = &q.selector {
            lp = lp.labels(s);
        }
        let scope = if q.all_namespaces {
            "any namespace".to_string()
        } else {
            format!("namespace \"{}\"", q.namespace)
        };
        match api.list(&lp).await {
            Ok(list) if list.items.is_empty() => {
                let what = q
                    .selector
                    .as_ref()
                    .map_or("--all".to_string(), |s| format!("selector \"{s}\""));
                out.errors.push(TargetError::NothingMatched { what, scope });
            }
            Ok(list) => {
                let mut items = list.items;
                items.sort_by(|a, b| {
                    (&a.metadata.namespace, &a.metadata.name)
                        .cmp(&(&b.metadata.namespace, &b.metadata.name))
                });
                pods.extend(items.into_iter().map(Arc::new));
            }
            Err(e) => {
                let ns = if q.all_namespaces {
                    "(all)"
                } else {
                    q.namespace.as_str()
                };
                out.errors
                    .push(TargetError::Api(api_message(&e, "list", "pods", ns)));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for pod in pods {
        let key = (pod.metadata.namespace.clone(), pod.metadata.name.clone());
        if !seen.insert(key) {
            continue;
        }
        match select_containers(pod, &q.containers) {
            Ok((list, left_out)) => {
                out.targets.extend(list);
                out.not_scanned.extend(left_out);
            }
            Err(e) => out.errors.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_syntax_follows_kubectl() {
        let r = |s: &str| parse_target(s).map(|r| (r.kind, r.name));
        assert_eq!(pod_name("pod/web-0").unwrap(), "web-0");
        assert_eq!(pod_name("po/web-0").unwrap(), "web-0");
        assert_eq!(pod_name("web-0").unwrap(), "web-0");
        assert!(pod_name("deploy/web").is_err());
        for (typed, kind) in [
            ("deploy/web", Kind::Deployment),
            ("deployment/web", Kind::Deployment),
            ("Deployments/web", Kind::Deployment),
            ("deployments.apps/web", Kind::Deployment),
            ("sts/web", Kind::StatefulSet),
            ("statefulset/web", Kind::StatefulSet),
            ("ds/web", Kind::DaemonSet),
            ("daemonsets/web", Kind::DaemonSet),
            ("rs/web", Kind::ReplicaSet),
            ("replicaset/web", Kind::ReplicaSet),
            ("rc/web", Kind::ReplicationController),
            ("replicationcontrollers/web", Kind::ReplicationController),
            ("job/web", Kind::Job),
            ("jobs.batch/web", Kind::Job),
            ("cj/web", Kind::CronJob),
            ("cronjob/web", Kind::CronJob),
            ("cronjobs/web", Kind::CronJob),
        ] {
            assert_eq!(r(typed), Ok((kind, "web".to_string())), "{typed}");
        }
        assert!(r("Web_0").is_err());
        assert!(r("pod/").is_err());
        let e = parse_target("deplyo/web").unwrap_err().to_string();
        assert!(
            e.contains("unknown resource type \"deplyo\" (did you mean deploy/web?)"),
            "{e}"
        );
        let e = parse_target("svc/web").unwrap_err().to_string();
        assert!(e.contains("use NAME, pod/NAME, deploy/NAME"), "{e}");
    }

    #[test]
    fn manifest_kinds_need_the_right_group() {
        assert_eq!(
            Kind::of_manifest("apps/v1", "Deployment"),
            Some(Kind::Deployment)
        );
        assert_eq!(Kind::of_manifest("v1", "Pod"), Some(Kind::Pod));
        assert_eq!(
            Kind::of_manifest("batch/v1", "CronJob"),
            Some(Kind::CronJob)
        );
        assert_eq!(
            Kind::of_manifest("v1", "ReplicationController"),
            Some(Kind::ReplicationController)
        );
        assert_eq!(Kind::of_manifest("example.com/v1", "Deployment"), None);
        assert_eq!(Kind::of_manifest("v1", "Service"), None);
    }

    #[test]
    fn close_names_count_a_transposition_as_one_edit() {
        let names: Vec<String> = ["web-0", "web-1", "db-0", "cache", "pair"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(close_names("web-2", &names), ["web-0", "web-1"]);
        assert_eq!(close_names("web", &names), ["web-0", "web-1"]);
        // Levenshtein says 2 for a swap, which the length-4 threshold (1) would reject.
        assert_eq!(close_names("pari", &names), ["pair"]);
        assert_eq!(close_names("cahce", &names), ["cache"]);
        assert!(close_names("zzzzzzzz", &names).is_empty());
    }

    #[test]
    fn selectors_render_like_kubectl() {
        let s: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"app": "web", "tier": "front"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "stage"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "team", "operator": "Exists"},
                {"key": "zone", "operator": "NotIn", "values": ["a"]}
            ]
        }))
        .unwrap();
        assert_eq!(
            selector_string(&s).unwrap(),
            "app=web,tier=front,env in (prod,stage),!canary,team,zone notin (a)"
        );
    }

    fn pod(json: serde_json::Value) -> Arc<Pod> {
        Arc::new(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn containers_default_to_all_and_report_not_running() {
        let p = pod(serde_json::json!({
            "metadata": {"name": "web-0", "namespace": "shop"},
            "spec": {"containers": [{"name": "app"}, {"name": "log"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "app", "ready": true, "restartCount": 0, "image": "i", "imageID": "",
                 "state": {"running": {}}},
                {"name": "log", "ready": false, "restartCount": 3, "image": "i", "imageID": "",
                 "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
            ]}
        }));
        let (all, left_out) = select_containers(p.clone(), &[]).unwrap();
        assert_eq!(all.len(), 2);
        assert!(left_out.is_empty());
        assert_eq!(all[0].unscannable, None);
        assert_eq!(
            all[1].unscannable.as_deref(),
            Some("container \"log\" is not running (waiting: CrashLoopBackOff)")
        );
        let err = select_containers(p, &["lgo".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "container \"lgo\" not found in pod shop/web-0 (containers: app, log); did you mean log?"
        );
    }

    fn init_pod() -> Arc<Pod> {
        let st = |name: &str, state: serde_json::Value| {
            serde_json::json!({"name": name, "ready": false, "restartCount": 0, "image": "i",
                               "imageID": "", "state": state})
        };
        pod(serde_json::json!({
            "metadata": {"name": "web-0", "namespace": "shop"},
            "spec": {
                "containers": [{"name": "app"}],
                "initContainers": [{"name": "setup"}, {"name": "proxy", "restartPolicy": "Always"}],
                "ephemeralContainers": [{"name": "debugger"}, {"name": "cinc-scan-ab12c"}]
            },
            "status": {"phase": "Running",
                "containerStatuses": [st("app", serde_json::json!({"running": {}}))],
                "initContainerStatuses": [
                    st("setup", serde_json::json!({"terminated": {"exitCode": 0, "reason": "Completed"}})),
                    st("proxy", serde_json::json!({"running": {}}))
                ],
                "ephemeralContainerStatuses": [
                    st("debugger", serde_json::json!({"running": {}})),
                    st("cinc-scan-ab12c", serde_json::json!({"running": {}}))
                ]}
        }))
    }

    #[test]
    fn init_and_ephemeral_containers_are_listed_as_not_scanned() {
        let (targets, left_out) = select_containers(init_pod(), &[]).unwrap();
        let names: Vec<&str> = targets.iter().map(|t| t.container.as_str()).collect();
        // The native sidecar runs beside the app: it is scanned by default.
        assert_eq!(names, ["app", "proxy"]);
        let why: Vec<String> = left_out.iter().map(|n| n.to_string()).collect();
        assert_eq!(why.len(), 3, "{why:?}");
        assert!(
            why[1].starts_with("shop/web-0/setup: init container, completed (exit code 0)"),
            "{why:?}"
        );
        assert!(
            why[2].starts_with(
                "shop/web-0/debugger: ephemeral debug container (added by kubectl debug"
            ),
            "{why:?}"
        );
        assert_eq!(
            why[0],
            "shop/web-0: 1 ephemeral debug container(s) of earlier cinc-scan runs \
             (cinc-scan-ab12c): the scanner's, not the workload's"
        );
    }

    #[test]
    fn dash_c_takes_a_running_init_container_and_explains_a_completed_one() {
        let (t, _) = select_containers(init_pod(), &["proxy".into()]).unwrap();
        assert_eq!(t[0].container, "proxy");
        assert_eq!(t[0].unscannable, None);
        let (t, _) = select_containers(init_pod(), &["setup".into()]).unwrap();
        let why = t[0].unscannable.clone().unwrap();
        assert!(
            why.starts_with("container \"setup\" is an init container, completed"),
            "{why}"
        );
        let (t, _) = select_containers(init_pod(), &["debugger".into()]).unwrap();
        assert!(t[0]
            .unscannable
            .clone()
            .unwrap()
            .contains("ephemeral debug container"));
        let e = select_containers(init_pod(), &["stup".into()])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "container \"stup\" not found in pod shop/web-0 (containers: app; init containers: \
             setup, proxy); did you mean setup?"
        );
    }

    #[test]
    fn ownership_is_by_controller_uid() {
        let meta: ObjectMeta = serde_json::from_value(serde_json::json!({
            "name": "web-1",
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x", "uid": "u1", "controller": true},
                {"apiVersion": "v1", "kind": "ConfigMap", "name": "y", "uid": "u2"}
            ]
        }))
        .unwrap();
        assert!(controlled_by(&meta, "u1"));
        assert!(
            !controlled_by(&meta, "u2"),
            "an owner that is not the controller"
        );
        assert!(!controlled_by(&meta, "u3"));
    }
}
