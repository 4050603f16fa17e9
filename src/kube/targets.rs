//! Resolving what the user named (pods, selectors, containers) into containers to scan.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::Client;

use super::{api_message, status_code};

/// What to look for, from the command line.
#[derive(Debug, Clone, Default)]
pub struct TargetQuery {
    pub names: Vec<String>,
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

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum TargetError {
    #[error(
        "'{0}' is not a pod target: use pod/NAME or NAME (workloads: select their pods with -l)"
    )]
    NotAPod(String),
    #[error("pod \"{name}\" not found in namespace \"{namespace}\"{hint}")]
    PodNotFound {
        name: String,
        namespace: String,
        hint: String,
    },
    #[error(
        "container \"{container}\" not found in pod {namespace}/{pod} (containers: {available})"
    )]
    ContainerNotFound {
        container: String,
        namespace: String,
        pod: String,
        available: String,
    },
    #[error("no pods match {what} in {scope}")]
    NothingMatched { what: String, scope: String },
    #[error("{0}")]
    Api(String),
}

/// `pod/NAME`, `pods/NAME`, `po/NAME` or `NAME` → `NAME`.
pub fn pod_name(target: &str) -> Result<String, TargetError> {
    let name = match target.split_once('/') {
        Some((kind, name))
            if ["pod", "pods", "po"].contains(&kind.to_ascii_lowercase().as_str()) =>
        {
            name
        }
        Some(_) => return Err(TargetError::NotAPod(target.to_string())),
        None => target,
    };
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if valid {
        Ok(name.to_string())
    } else {
        Err(TargetError::NotAPod(target.to_string()))
    }
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Up to three names close to `wanted` (small edit distance or a shared prefix).
pub fn close_names(wanted: &str, names: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|n| (distance(wanted, n), n))
        .filter(|(d, n)| {
            *d <= (wanted.len() / 3).max(1)
                || n.starts_with(wanted)
                || wanted.starts_with(n.as_str())
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

fn not_running_reason(pod: &Pod, container: &str) -> Option<String> {
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let cs = status
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|l| l.iter().find(|c| c.name == container));
    let Some(cs) = cs else {
        return Some(format!(
            "container \"{container}\" has no status yet (pod phase {phase})"
        ));
    };
    let state = cs.state.as_ref();
    if state.and_then(|s| s.running.as_ref()).is_some() {
        return None;
    }
    let detail = if let Some(w) = state.and_then(|s| s.waiting.as_ref()) {
        format!("waiting: {}", w.reason.clone().unwrap_or_default())
    } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
        format!(
            "terminated: {} (exit code {})",
            t.reason.clone().unwrap_or_default(),
            t.exit_code
        )
    } else {
        "no state".into()
    };
    Some(format!(
        "container \"{container}\" is not running ({detail})"
    ))
}

fn containers_of(pod: &Pod) -> Vec<String> {
    pod.spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

/// The containers of one pod that the query asks for.
pub fn select_containers(
    pod: Arc<Pod>,
    wanted: &[String],
) -> Result<Vec<ContainerTarget>, TargetError> {
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let all = containers_of(&pod);
    let names: Vec<String> = if wanted.is_empty() {
        all.clone()
    } else {
        for w in wanted {
            if !all.contains(w) {
                return Err(TargetError::ContainerNotFound {
                    container: w.clone(),
                    namespace,
                    pod: pod_name,
                    available: all.join(", "),
                });
            }
        }
        wanted.to_vec()
    };
    Ok(names
        .into_iter()
        .map(|c| ContainerTarget {
            unscannable: not_running_reason(&pod, &c),
            pod: pod.clone(),
            namespace: namespace.clone(),
            container: c,
        })
        .collect())
}

/// Resolve the query. Per-target problems come back in the error list; the rest goes on.
pub async fn resolve(client: &Client, q: &TargetQuery) -> (Vec<ContainerTarget>, Vec<TargetError>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    let mut pods: Vec<Arc<Pod>> = Vec::new();
    let ns_api: Api<Pod> = Api::namespaced(client.clone(), &q.namespace);
    for raw in &q.names {
        let name = match pod_name(raw) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match ns_api.get(&name).await {
            Ok(pod) => pods.push(Arc::new(pod)),
            Err(e) if status_code(&e) == Some(404) => {
                let everything = ListParams::default();
                let known = ns_api
                    .list(&everything)
                    .await
                    .map(|l| {
                        l.items
                            .into_iter()
                            .filter_map(|p| p.metadata.name)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                let close = close_names(&name, &known);
                let hint = if close.is_empty() {
                    format!("; `kubectl get pods -n {}` lists them", q.namespace)
                } else {
                    format!(" (did you mean {}?)", close.join(", "))
                };
                errors.push(TargetError::PodNotFound {
                    name,
                    namespace: q.namespace.clone(),
                    hint,
                });
            }
            Err(e) => errors.push(TargetError::Api(api_message(
                &e,
                "get",
                "pods",
                &q.namespace,
            ))),
        }
    }
    if q.selector.is_some() || q.all || (q.names.is_empty() && q.all_namespaces) {
        let api: Api<Pod> = if q.all_namespaces {
            Api::all(client.clone())
        } else {
            ns_api.clone()
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
                errors.push(TargetError::NothingMatched { what, scope });
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
                errors.push(TargetError::Api(api_message(&e, "list", "pods", ns)));
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for pod in pods {
        let key = (pod.metadata.namespace.clone(), pod.metadata.name.clone());
        if !seen.insert(key) {
            continue;
        }
        match select_containers(pod, &q.containers) {
            Ok(list) => targets.extend(list),
            Err(e) => errors.push(e),
        }
    }
    (targets, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_syntax() {
        assert_eq!(pod_name("pod/web-0").unwrap(), "web-0");
        assert_eq!(pod_name("po/web-0").unwrap(), "web-0");
        assert_eq!(pod_name("web-0").unwrap(), "web-0");
        assert!(matches!(
            pod_name("deploy/web"),
            Err(TargetError::NotAPod(_))
        ));
        assert!(pod_name("Web_0").is_err());
        assert!(pod_name("pod/").is_err());
    }

    #[test]
    fn close_names_suggest_typos_and_prefixes() {
        let names: Vec<String> = ["web-0", "web-1", "db-0", "cache"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(close_names("web-2", &names), ["web-0", "web-1"]);
        assert_eq!(close_names("web", &names), ["web-0", "web-1"]);
        assert!(close_names("zzzzzzzz", &names).is_empty());
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
        let all = select_containers(p.clone(), &[]).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].unscannable, None);
        assert_eq!(
            all[1].unscannable.as_deref(),
            Some("container \"log\" is not running (waiting: CrashLoopBackOff)")
        );
        let err = select_containers(p, &["db".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "container \"db\" not found in pod shop/web-0 (containers: app, log)"
        );
    }
}
