//! Scale by simulation: a test double of the API (tower-test) with 10,000 pods in 500
//! namespaces. Listing is paged (LIST requests = pages), every container lands in exactly one
//! shard, an expired continue token (410 Gone, which a real cluster produces only after
//! minutes) restarts the pass cleanly, and pods that come and go are not double-counted.
//!
//! `bench_shard_memory` (ignored) is the memory measurement behind tests/bench/REPORT.md:
//! `tests/bench/job-sim` runs it once per shard count, each in a fresh process.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use http::{Request, Response};
use kube::client::Body;
use kube::Client;
use serde_json::{json, Value};

use cinc_scan::job::list::{list_shard, shard_pods_now, ListStats, ShardQuery};

const PODS: usize = 10_000;
const NAMESPACES: usize = 500;

/// One fake pod: 1 to 3 running containers, a stable uid.
fn pod(i: usize) -> Value {
    let ns = format!("ns-{:03}", i % NAMESPACES);
    let n = 1 + i % 3;
    let containers: Vec<Value> = (0..n)
        .map(|c| json!({"name": format!("c{c}"), "image": "registry.example/app:1"}))
        .collect();
    let statuses: Vec<Value> = (0..n)
        .map(|c| {
            json!({"name": format!("c{c}"), "ready": true, "restartCount": 0,
            "image": "registry.example/app:1", "imageID": "sha256:00",
            "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}})
        })
        .collect();
    json!({
        "metadata": {"name": format!("pod-{i:05}"), "namespace": ns,
                     "uid": format!("{:08x}-1111-2222-3333-{:012x}", i, i * 7919),
                     "labels": {"app": "sim"}, "resourceVersion": "1"},
        "spec": {"containers": containers, "nodeName": "node-1"},
        "status": {"phase": "Running", "containerStatuses": statuses}
    })
}

struct World {
    /// pod index → present
    pods: BTreeSet<usize>,
    /// expire the continue token at this page, once; then apply `churn`
    expire_at_page: Option<u32>,
    churn: Option<(Vec<usize>, Vec<usize>)>,
    requests: u32,
    largest_page_bytes: usize,
}

fn query(uri: &http::Uri) -> BTreeMap<String, String> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The fake cluster-wide pod LIST: `continue` is "<offset>", pages of `limit`.
fn fake(world: Arc<Mutex<World>>) -> Client {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let q = query(req.uri());
            let mut w = world.lock().unwrap();
            w.requests += 1;
            let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(PODS);
            let offset: usize = q.get("continue").and_then(|c| c.parse().ok()).unwrap_or(0);
            let page_no = (offset / limit.max(1)) as u32;
            let (status, body) = if req.uri().path() != "/api/v1/pods" {
                (
                    404,
                    json!({"kind": "Status", "code": 404, "message": "no route"}),
                )
            } else if offset > 0 && w.expire_at_page == Some(page_no) {
                w.expire_at_page = None;
                if let Some((remove, add)) = w.churn.take() {
                    for r in remove {
                        w.pods.remove(&r);
                    }
                    w.pods.extend(add);
                }
                (
                    410,
                    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                       "reason": "Expired", "code": 410,
                       "message": "The provided continue parameter is too old"}),
                )
            } else {
                let all: Vec<usize> = w.pods.iter().copied().collect();
                let items: Vec<Value> = all
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|i| pod(*i))
                    .collect();
                let next = offset + items.len();
                let cont = if next < all.len() {
                    next.to_string()
                } else {
                    String::new()
                };
                (
                    200,
                    json!({"kind": "PodList", "apiVersion": "v1",
                       "metadata": {"resourceVersion": "100", "continue": cont},
                       "items": items}),
                )
            };
            let bytes = serde_json::to_vec(&body).unwrap();
            w.largest_page_bytes = w.largest_page_bytes.max(bytes.len());
            drop(w);
            let resp = Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Body::from(bytes))
                .unwrap();
            send.send_response(resp);
        }
    });
    Client::new(service, "default")
}

fn world(
    expire_at_page: Option<u32>,
    churn: Option<(Vec<usize>, Vec<usize>)>,
) -> Arc<Mutex<World>> {
    Arc::new(Mutex::new(World {
        pods: (0..PODS).collect(),
        expire_at_page,
        churn,
        requests: 0,
        largest_page_bytes: 0,
    }))
}

fn q(shard: u32, shards: u32) -> ShardQuery {
    ShardQuery {
        namespaces: Vec::new(),
        selector: Some("app=sim".into()),
        containers: Vec::new(),
        shard,
        shards,
        page_size: 500,
    }
}

fn total_containers(pods: impl Iterator<Item = usize>) -> usize {
    pods.map(|i| 1 + i % 3).sum()
}

#[tokio::test]
async fn every_container_is_listed_by_exactly_one_shard_in_page_sized_requests() {
    let expected = total_containers(0..PODS);
    // (a debug build spends ~4 s per pass over 10,000 pods: 1 and 4 shards in full)
    for shards in [1u32, 4] {
        let mut all = BTreeSet::new();
        let mut per_shard = Vec::new();
        for shard in 0..shards {
            let w = world(None, None);
            let client = fake(w.clone());
            let listed = list_shard(&client, &q(shard, shards)).await.unwrap();
            let w = w.lock().unwrap();
            // one LIST per page of 500, nothing else
            assert_eq!(w.requests, 20, "shards {shards}");
            assert_eq!(listed.stats.pages, 20);
            assert_eq!(listed.stats.pods_seen, PODS as u64);
            assert!(listed.errors.is_empty());
            for t in &listed.targets {
                let key = (t.pod.metadata.uid.clone().unwrap(), t.container.clone());
                assert!(all.insert(key), "scanned twice: {}", t.container);
                assert!(t.pod.metadata.managed_fields.is_none());
            }
            per_shard.push(listed.targets.len());
        }
        assert_eq!(all.len(), expected, "shards {shards}");
        let fair = expected / shards as usize;
        for n in &per_shard {
            assert!(
                (*n as f64) < fair as f64 * 1.15 + 10.0 && (*n as f64) > fair as f64 * 0.85 - 10.0,
                "shard sizes {per_shard:?}, fair {fair}"
            );
        }
        println!("shards={shards}: containers per shard {per_shard:?} (total {expected})");
    }
    // 16 shards: still 20 requests for one of them
    let w = world(None, None);
    let listed = list_shard(&fake(w.clone()), &q(7, 16)).await.unwrap();
    assert_eq!(w.lock().unwrap().requests, 20);
    let n = listed.targets.len() as f64;
    assert!(
        n > expected as f64 / 16.0 * 0.8 && n < expected as f64 / 16.0 * 1.2,
        "{n}"
    );
}

#[tokio::test]
async fn an_expired_continue_token_restarts_the_pass_and_churn_is_counted_once() {
    // at page 5 the token expires; meanwhile 30 pods vanished and 40 appeared
    let removed: Vec<usize> = (100..130).collect();
    let added: Vec<usize> = (PODS..PODS + 40).collect();
    let mut union = BTreeSet::new();
    let shards = 4;
    let mut restarts = 0;
    for shard in 0..shards {
        let w = world(Some(5), Some((removed.clone(), added.clone())));
        let client = fake(w.clone());
        let listed = list_shard(&client, &q(shard, shards)).await.unwrap();
        assert_eq!(listed.stats.restarts, 1);
        // 5 pages, the request that got 410, then a whole fresh pass (10,010 pods: 21 pages)
        assert_eq!(listed.stats.requests, 5 + 1 + 21);
        assert_eq!(listed.stats.pages, 5 + 21);
        restarts += listed.stats.restarts;
        for t in &listed.targets {
            let name = t.pod.metadata.name.clone().unwrap();
            let i: usize = name.trim_start_matches("pod-").parse().unwrap();
            assert!(!removed.contains(&i), "a vanished pod was kept: {name}");
            assert!(
                union.insert((i, t.container.clone())),
                "twice: {name}/{}",
                t.container
            );
        }
        // what the shard sees at its end: the same set, so nothing vanished or appeared
        let mut stats = ListStats::default();
        let now = shard_pods_now(&client, &q(shard, shards), &mut stats)
            .await
            .unwrap();
        let listed_uids: BTreeSet<String> = listed
            .targets
            .iter()
            .map(|t| t.pod.metadata.uid.clone().unwrap())
            .collect();
        let now_uids: BTreeSet<String> = now.keys().cloned().collect();
        assert_eq!(listed_uids, now_uids);
    }
    assert_eq!(restarts, shards);
    let expected = total_containers((0..PODS + 40).filter(|i| !removed.contains(i)));
    assert_eq!(union.len(), expected);
}

#[tokio::test]
async fn pods_that_come_and_go_after_the_snapshot_are_told_apart() {
    let w = world(None, None);
    let client = fake(w.clone());
    let listed = list_shard(&client, &q(0, 2)).await.unwrap();
    let before: BTreeSet<String> = listed
        .targets
        .iter()
        .map(|t| t.pod.metadata.uid.clone().unwrap())
        .collect();
    {
        let mut w = w.lock().unwrap();
        for i in 0..50 {
            w.pods.remove(&i);
        }
        w.pods.extend(PODS..PODS + 50);
    }
    let mut stats = ListStats::default();
    let after = shard_pods_now(&client, &q(0, 2), &mut stats).await.unwrap();
    let vanished = before.iter().filter(|u| !after.contains_key(*u)).count();
    let appeared = after.keys().filter(|u| !before.contains(*u)).count();
    assert!(vanished > 10 && vanished < 50, "{vanished}");
    assert!(appeared > 10 && appeared < 50, "{appeared}");
    assert!(after.values().all(|id| id.starts_with("ns-")));
}

/// Peak memory of one shard's listing, for tests/bench/REPORT.md (see tests/bench/job-sim).
#[tokio::test]
#[ignore]
async fn bench_shard_memory() {
    let shards: u32 = std::env::var("SIM_SHARDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let page: u32 = std::env::var("SIM_PAGE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let w = world(None, None);
    let client = fake(w.clone());
    let mut query = q(0, shards);
    query.page_size = page;
    let listed = list_shard(&client, &query).await.unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: ? kB")
        .to_string();
    let w = w.lock().unwrap();
    println!(
        "SIM shards={shards} page={page} kept_containers={} list_requests={} largest_page_bytes={} {hwm}",
        listed.targets.len(),
        w.requests,
        w.largest_page_bytes
    );
}
