//! Listing a shard's containers page by page: `limit`/`continue`, a clean restart on 410 Gone.
//!
//! Memory stays bounded by one page plus the pods this shard keeps (about 1/N of them, their
//! managed fields dropped); the API server sees one LIST per page, per namespace.

use std::collections::BTreeSet;
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::Client;

use super::shard::shard_of;
use crate::kube::targets::{select_containers, ContainerTarget, TargetError};
use crate::kube::{api_message, status_code};

/// Pods per LIST request (the API server's own chunking examples use 500).
pub const DEFAULT_PAGE: u32 = 500;
/// A continue token expires after about five minutes; give up after this many restarts.
const MAX_RESTARTS: u32 = 5;

/// What to list, and which shard's containers to keep.
#[derive(Debug, Clone)]
pub struct ShardQuery {
    /// Namespaces to list; empty: every namespace (one cluster-wide LIST).
    pub namespaces: Vec<String>,
    pub selector: Option<String>,
    pub containers: Vec<String>,
    pub shard: u32,
    pub shards: u32,
    pub page_size: u32,
}

/// How much listing it took.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListStats {
    /// LIST requests sent (pages, plus failed attempts that were restarted).
    pub requests: u32,
    pub pages: u32,
    /// Restarts from the first page after a 410 Gone (expired continue token).
    pub restarts: u32,
    /// Pods and containers seen in every shard's share.
    pub pods_seen: u64,
    pub containers_seen: u64,
}

/// This shard's containers.
pub struct Listed {
    pub targets: Vec<ContainerTarget>,
    pub errors: Vec<TargetError>,
    pub stats: ListStats,
}

/// Pods this plugin's own Jobs run are never scanned by them.
pub fn is_scanner_pod(pod: &Pod) -> bool {
    let labels = pod.metadata.labels.as_ref();
    let get = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
    get(super::LABEL_MANAGED_BY) == Some(super::MANAGED_BY)
        && get(super::LABEL_COMPONENT) == Some(super::COMPONENT_SCANNER)
}

/// What a listing pass hands its visitor.
pub enum Seen {
    Pod(Box<Pod>),
    /// The continue token expired (410 Gone): forget everything seen, the list starts over.
    Restart,
}

/// One pass over every page of `api`, calling `visit` with each pod; on 410 Gone the visitor
/// is told to forget and the pass begins again from the first page.
pub async fn for_each_pod(
    api: &Api<Pod>,
    scope: &str,
    selector: Option<&str>,
    page_size: u32,
    stats: &mut ListStats,
    visit: &mut dyn FnMut(Seen),
) -> Result<(), String> {
    let mut continue_token: Option<String> = None;
    loop {
        let mut lp = ListParams::default().limit(page_size);
        if let Some(s) = selector {
            lp = lp.labels(s);
        }
        if let Some(c) = &continue_token {
            lp = lp.continue_token(c);
        }
        stats.requests += 1;
        match api.list(&lp).await {
            Ok(list) => {
                stats.pages += 1;
                for pod in list.items {
                    visit(Seen::Pod(Box::new(pod)));
                }
                continue_token = list.metadata.continue_.filter(|c| !c.is_empty());
                if continue_token.is_none() {
                    return Ok(());
                }
            }
            Err(e) if status_code(&e) == Some(410) => {
                stats.restarts += 1;
                if stats.restarts > MAX_RESTARTS {
                    return Err(format!(
                        "listing pods in {scope}: the continue token expired {} times in a row \
                         (410 Gone); lower --page-size or scan fewer namespaces per Job",
                        stats.restarts
                    ));
                }
                visit(Seen::Restart);
                continue_token = None;
            }
            Err(e) => return Err(api_message(&e, "list", "pods", scope)),
        }
    }
}

fn apis(client: &Client, q: &ShardQuery) -> Vec<(Api<Pod>, String)> {
    if q.namespaces.is_empty() {
        vec![(Api::all(client.clone()), "(all)".to_string())]
    } else {
        q.namespaces
            .iter()
            .map(|ns| (Api::namespaced(client.clone(), ns), ns.clone()))
            .collect()
    }
}

/// This shard's containers, in list order. A pod-level problem (a `-c` container it lacks)
/// is reported by the shard its uid alone hashes to, so by exactly one.
pub async fn list_shard(client: &Client, q: &ShardQuery) -> Result<Listed, String> {
    let mut stats = ListStats::default();
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for (api, scope) in apis(client, q) {
        let mut kept: Vec<ContainerTarget> = Vec::new();
        let mut kept_errors: Vec<TargetError> = Vec::new();
        let mut seen = (0u64, 0u64);
        let mut visit = |event: Seen| {
            let mut pod = match event {
                Seen::Pod(p) => *p,
                Seen::Restart => {
                    kept.clear();
                    kept_errors.clear();
                    seen = (0, 0);
                    return;
                }
            };
            if is_scanner_pod(&pod) {
                return;
            }
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            let names: Vec<String> = pod
                .spec
                .as_ref()
                .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default();
            seen.0 += 1;
            seen.1 += names.len() as u64;
            let wanted: &[String] = if q.containers.is_empty() {
                &names
            } else {
                &q.containers
            };
            let mine: Vec<&String> = wanted
                .iter()
                .filter(|c| shard_of(&uid, c, q.shards) == q.shard)
                .collect();
            let pod_level_mine = shard_of(&uid, "", q.shards) == q.shard;
            if mine.is_empty() && !pod_level_mine {
                return;
            }
            pod.metadata.managed_fields = None;
            match select_containers(Arc::new(pod), &q.containers) {
                Ok((list, not_scanned)) => {
                    kept.extend(list.into_iter().filter(|t| mine.contains(&&t.container)));
                    for n in not_scanned {
                        if mine.contains(&&n.container)
                            || (n.container.is_empty() && pod_level_mine)
                        {
                            eprintln!("note: not scanned: {n}");
                        }
                    }
                }
                Err(e) if pod_level_mine => kept_errors.push(e),
                Err(_) => {}
            }
        };
        for_each_pod(
            &api,
            &scope,
            q.selector.as_deref(),
            q.page_size,
            &mut stats,
            &mut visit,
        )
        .await?;
        // one pass is one consistent snapshot; still, never scan a container twice
        let mut keys = BTreeSet::new();
        kept.retain(|t| {
            keys.insert((
                t.pod.metadata.uid.clone().unwrap_or_default(),
                t.container.clone(),
            ))
        });
        stats.pods_seen += seen.0;
        stats.containers_seen += seen.1;
        targets.extend(kept);
        errors.extend(kept_errors);
    }
    Ok(Listed {
        targets,
        errors,
        stats,
    })
}

/// The keys (`namespace/pod` by uid) of the pods that hold this shard's containers now: to
/// tell which pods vanished or appeared while the shard ran.
pub async fn shard_pods_now(
    client: &Client,
    q: &ShardQuery,
    stats: &mut ListStats,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut out = std::collections::BTreeMap::new();
    for (api, scope) in apis(client, q) {
        let mut found: Vec<(String, String)> = Vec::new();
        let mut visit = |event: Seen| {
            let pod = match event {
                Seen::Pod(p) => *p,
                Seen::Restart => {
                    found.clear();
                    return;
                }
            };
            if is_scanner_pod(&pod) {
                return;
            }
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            let has_mine = pod.spec.as_ref().is_some_and(|s| {
                s.containers.iter().any(|c| {
                    (q.containers.is_empty() || q.containers.contains(&c.name))
                        && shard_of(&uid, &c.name, q.shards) == q.shard
                })
            });
            if has_mine {
                let id = format!(
                    "{}/{}",
                    pod.metadata.namespace.as_deref().unwrap_or_default(),
                    pod.metadata.name.as_deref().unwrap_or_default()
                );
                found.push((uid, id));
            }
        };
        for_each_pod(
            &api,
            &scope,
            q.selector.as_deref(),
            q.page_size,
            stats,
            &mut visit,
        )
        .await?;
        out.extend(found);
    }
    Ok(out)
}
