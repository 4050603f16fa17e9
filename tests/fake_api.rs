//! A Kubernetes API test double (tower-test): target resolution and the debug container's
//! API failures, which a real cluster cannot be made to produce on demand (ephemeral
//! containers disabled, a Pod Security rejection message, RBAC on the subresource).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Method, Request, Response};
use k8s_openapi::api::core::v1::Pod;
use kube::client::Body;
use kube::{Api, Client};
use serde_json::{json, Value};

use cinc_scan::access::debug::{DebugAccess, DebugOptions, DebugProfile};
use cinc_scan::access::{Access, AccessError};
use cinc_scan::engine::facts::ProbePlan;
use cinc_scan::kube::targets::{resolve, TargetError, TargetQuery};

/// (method, path without query, status, body); the first matching route answers.
type Route = (Method, &'static str, u16, Value);

/// Serve `routes`; every request is recorded as "METHOD path?query".
fn fake(routes: Vec<Route>) -> (Client, Arc<Mutex<Vec<String>>>) {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let path = req.uri().path().to_string();
            log.lock()
                .unwrap()
                .push(format!("{} {}", req.method(), req.uri()));
            let (status, body) = routes
                .iter()
                .find(|(m, p, _, _)| m == req.method() && *p == path)
                .map(|(_, _, s, b)| (*s, b.clone()))
                .unwrap_or((
                    404,
                    status_body(404, "NotFound", &format!("no route for {path}"), None),
                ));
            let resp = Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(&body).unwrap()))
                .unwrap();
            send.send_response(resp);
        }
    });
    (Client::new(service, "default"), seen)
}

fn status_body(code: u16, reason: &str, message: &str, name: Option<&str>) -> Value {
    let mut v = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                       "message": message, "reason": reason, "code": code});
    if let Some(n) = name {
        v["details"] = json!({"name": n, "kind": "pods"});
    }
    v
}

fn pod(name: &str, containers: &[&str]) -> Value {
    let specs: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c, "image": "img"}))
        .collect();
    let statuses: Vec<Value> = containers
        .iter()
        .map(|c| {
            json!({"name": c, "ready": true, "restartCount": 0, "image": "img", "imageID": "",
                        "containerID": format!("containerd://{c}id"), "state": {"running": {}}})
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "shop", "labels": {"app": "web"}},
           "spec": {"containers": specs, "nodeName": "n1"},
           "status": {"phase": "Running", "containerStatuses": statuses}})
}

fn list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items})
}

#[tokio::test]
async fn names_and_selectors_resolve_to_containers() {
    let (client, seen) = fake(vec![
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods/web-0",
            200,
            pod("web-0", &["app", "log"]),
        ),
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods",
            200,
            list(vec![pod("web-0", &["app", "log"]), pod("web-1", &["app"])]),
        ),
    ]);
    let q = TargetQuery {
        names: vec!["pod/web-0".into()],
        selector: Some("app=web".into()),
        namespace: "shop".into(),
        ..Default::default()
    };
    let resolved = resolve(&client, &q).await;
    let (targets, errors) = (resolved.targets, resolved.errors);
    assert!(errors.is_empty(), "{errors:?}");
    let ids: Vec<String> = targets
        .iter()
        .map(|t| {
            format!(
                "{}/{}",
                t.pod.metadata.name.as_deref().unwrap(),
                t.container
            )
        })
        .collect();
    // web-0 named and selected is scanned once.
    assert_eq!(ids, ["web-0/app", "web-0/log", "web-1/app"]);
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|r| r.contains("labelSelector=app%3Dweb")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn unknown_pod_gets_close_names_and_forbidden_names_the_verb() {
    let (client, _) = fake(vec![
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods/web-9",
            404,
            status_body(404, "NotFound", "pods \"web-9\" not found", Some("web-9")),
        ),
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods",
            200,
            list(vec![pod("web-0", &["app"]), pod("db-0", &["db"])]),
        ),
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods/secret",
            403,
            status_body(
                403,
                "Forbidden",
                "pods \"secret\" is forbidden: User \"bob\" cannot get resource \"pods\"",
                Some("secret"),
            ),
        ),
    ]);
    let q = TargetQuery {
        names: vec!["web-9".into(), "secret".into()],
        namespace: "shop".into(),
        ..Default::default()
    };
    let resolved = resolve(&client, &q).await;
    let (targets, errors) = (resolved.targets, resolved.errors);
    assert!(targets.is_empty());
    assert_eq!(
        errors[0],
        TargetError::PodNotFound {
            name: "web-9".into(),
            namespace: "shop".into(),
            hint: " (did you mean web-0?)".into()
        }
    );
    let forbidden = errors[1].to_string();
    assert!(
        forbidden.starts_with("RBAC denies get on pods in namespace \"shop\""),
        "{forbidden}"
    );
}

#[tokio::test]
async fn transient_errors_are_retried() {
    let calls = Arc::new(Mutex::new(0));
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let counter = calls.clone();
    tokio::spawn(async move {
        while let Some((_, send)) = handle.next_request().await {
            let n = {
                let mut c = counter.lock().unwrap();
                *c += 1;
                *c
            };
            let (status, body) = if n < 3 {
                (
                    503,
                    status_body(503, "ServiceUnavailable", "try later", None),
                )
            } else {
                (200, pod("web-0", &["app"]))
            };
            send.send_response(
                Response::builder()
                    .status(status)
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap(),
            );
        }
    });
    // The retries live in the client's one resilience layer (kube's own is off).
    use cinc_scan::kube::resilience::{Guard, KubeService, ResilienceLayer, Settings};
    use tower::{Layer, ServiceExt};
    let stack: KubeService =
        tower::util::BoxService::new(service.map_response(|r: Response<Body>| {
            r.map(|b| {
                Box::new(http_body_util::BodyExt::map_err(b, |e| {
                    Box::new(e) as tower::BoxError
                })) as Box<kube::client::DynBody>
            })
        }));
    let guard = Guard::new(Settings {
        backoff_base: Duration::from_millis(1),
        ..Settings::default()
    });
    let client = Client::new(ResilienceLayer::new(guard).layer(stack), "default");
    let q = TargetQuery {
        names: vec!["web-0".into()],
        namespace: "shop".into(),
        ..Default::default()
    };
    let resolved = resolve(&client, &q).await;
    let (targets, errors) = (resolved.targets, resolved.errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(targets.len(), 1);
    assert_eq!(
        *calls.lock().unwrap(),
        3,
        "two 503s, then the answer: one retry loop"
    );
}

fn debug_access(client: Client) -> DebugAccess {
    DebugAccess {
        pods: Api::<Pod>::namespaced(client, "shop"),
        namespace: "shop".into(),
        pod: "web-0".into(),
        container: "app".into(),
        opts: DebugOptions {
            image: "busybox:1.37".into(),
            pull_policy: "IfNotPresent".into(),
            ttl: Duration::from_secs(600),
            profile: DebugProfile::Auto,
            start_timeout: Duration::from_secs(5),
        },
        max_output: 1 << 20,
        scan_time: Duration::from_secs(60),
        known: None,
    }
}

async fn patch_error(status: u16, body: Value) -> (String, Vec<String>) {
    let (client, seen) = fake(vec![
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods/web-0",
            200,
            pod("web-0", &["app"]),
        ),
        (
            Method::PATCH,
            "/api/v1/namespaces/shop/pods/web-0/ephemeralcontainers",
            status,
            body,
        ),
    ]);
    let access = debug_access(client);
    let err = match access.gather(&ProbePlan::default()).await {
        Err(e) => e,
        Ok(_) => panic!("the patch was refused; gather must fail"),
    };
    let seen = seen.lock().unwrap().clone();
    match err {
        AccessError::Denied(m) | AccessError::Failed(m) => (m, seen),
        other => panic!("unexpected error kind: {other}"),
    }
}

#[tokio::test]
async fn ephemeral_containers_disabled_is_named() {
    let (msg, seen) = patch_error(
        404,
        status_body(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        ),
    )
    .await;
    assert!(
        msg.starts_with("the cluster has ephemeral containers disabled"),
        "{msg}"
    );
    assert!(
        seen.iter()
            .any(|r| r.starts_with("PATCH") && r.contains("ephemeralcontainers")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn pod_security_rejection_is_forwarded_with_its_level_and_field() {
    let message = "pods \"web-0\" is forbidden: violates PodSecurity \"baseline:latest\": non-default capabilities (container \"cinc-scan-x\" must not include \"SYS_PTRACE\" in securityContext.capabilities.add)";
    let (msg, _) = patch_error(403, status_body(403, "Forbidden", message, Some("web-0"))).await;
    assert!(
        msg.starts_with("Pod Security admission rejected the debug container"),
        "{msg}"
    );
    assert!(
        msg.contains("baseline:latest") && msg.contains("securityContext.capabilities.add"),
        "{msg}"
    );
}

#[tokio::test]
async fn rbac_on_the_subresource_names_the_verb() {
    let message = "pods \"web-0\" is forbidden: User \"ci\" cannot patch resource \"pods/ephemeralcontainers\" in API group \"\" in the namespace \"shop\"";
    let (msg, _) = patch_error(403, status_body(403, "Forbidden", message, Some("web-0"))).await;
    assert!(
        msg.starts_with("RBAC denies patch on pods/ephemeralcontainers in namespace \"shop\""),
        "{msg}"
    );
}

/// A pod of `owner` (a controller reference to the uid), labelled app=web.
fn owned_pod(name: &str, owner_kind: &str, owner_uid: &str, phase: &str) -> Value {
    let mut p = pod(name, &["app"]);
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": owner_kind,
        "name": "x", "uid": owner_uid, "controller": true}]);
    p["status"]["phase"] = json!(phase);
    p
}

fn object(api_version: &str, kind: &str, name: &str, uid: &str, extra: Value) -> Value {
    let mut v = json!({"apiVersion": api_version, "kind": kind,
        "metadata": {"name": name, "namespace": "shop", "uid": uid}});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    v
}

fn owned(mut v: Value, owner_uid: &str) -> Value {
    v["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "Owner",
        "name": "x", "uid": owner_uid, "controller": true}]);
    v
}

fn kind_list(kind: &str, items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "kind": kind, "metadata": {}, "items": items})
}

fn pod_ids(targets: &[cinc_scan::kube::targets::ContainerTarget]) -> Vec<String> {
    targets
        .iter()
        .map(|t| t.pod.metadata.name.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_deployment_resolves_through_its_replicasets_not_its_labels() {
    let selector = json!({"selector": {"matchLabels": {"app": "web"}}});
    let (client, seen) = fake(vec![
        (
            Method::GET,
            "/apis/apps/v1/namespaces/shop/deployments/web",
            200,
            object(
                "apps/v1",
                "Deployment",
                "web",
                "dep-1",
                json!({"spec": {"selector": {"matchLabels": {"app": "web"}}, "replicas": 2,
                  "template": {"metadata": {"labels": {"app": "web"}}}}}),
            ),
        ),
        (
            Method::GET,
            "/apis/apps/v1/namespaces/shop/replicasets",
            200,
            kind_list(
                "ReplicaSetList",
                vec![
                    owned(
                        object(
                            "apps/v1",
                            "ReplicaSet",
                            "web-new",
                            "rs-new",
                            json!({"spec": selector}),
                        ),
                        "dep-1",
                    ),
                    owned(
                        object(
                            "apps/v1",
                            "ReplicaSet",
                            "web-old",
                            "rs-old",
                            json!({"spec": selector}),
                        ),
                        "dep-1",
                    ),
                    // Another Deployment's ReplicaSet whose pods carry the same label.
                    owned(
                        object(
                            "apps/v1",
                            "ReplicaSet",
                            "other",
                            "rs-x",
                            json!({"spec": selector}),
                        ),
                        "dep-2",
                    ),
                ],
            ),
        ),
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods",
            200,
            list(vec![
                owned_pod("web-new-a", "ReplicaSet", "rs-new", "Running"),
                owned_pod("web-old-b", "ReplicaSet", "rs-old", "Running"),
                owned_pod("web-old-c", "ReplicaSet", "rs-old", "Succeeded"),
                owned_pod("other-d", "ReplicaSet", "rs-x", "Running"),
                // A bare pod with the label.
                pod("lookalike", &["app"]),
            ]),
        ),
    ]);
    let q = TargetQuery {
        names: vec!["deploy/web".into()],
        namespace: "shop".into(),
        ..Default::default()
    };
    let r = resolve(&client, &q).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(pod_ids(&r.targets), ["web-new-a", "web-old-b"]);
    let notes: Vec<String> = r.not_scanned.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        notes,
        ["shop/web-old-c: pod of deployment/web has finished (phase Succeeded)"]
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(
            |r| r.starts_with("GET /apis/apps/v1/namespaces/shop/replicasets?")
                && r.contains("labelSelector=app%3Dweb")
        ),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_cronjob_means_the_pods_of_its_active_jobs() {
    let job = |name: &str, uid: &str, finished: bool| {
        let conditions = if finished {
            json!([{"type": "Complete", "status": "True"}])
        } else {
            json!([])
        };
        owned(
            object(
                "batch/v1",
                "Job",
                name,
                uid,
                json!({"spec": {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
                        "template": {}},
                       "status": {"conditions": conditions}}),
            ),
            "cj-1",
        )
    };
    let (client, _) = fake(vec![
        (
            Method::GET,
            "/apis/batch/v1/namespaces/shop/cronjobs/nightly",
            200,
            object(
                "batch/v1",
                "CronJob",
                "nightly",
                "cj-1",
                json!({"spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {}}}},
                       "status": {"active": [{"kind": "Job", "name": "nightly-1", "uid": "job-1"}]}}),
            ),
        ),
        (
            Method::GET,
            "/apis/batch/v1/namespaces/shop/jobs",
            200,
            kind_list(
                "JobList",
                vec![
                    job("nightly-1", "job-1", false),
                    job("nightly-0", "job-0", true),
                    // Started by hand with `kubectl create job --from=cronjob/nightly`.
                    job("manual", "job-m", false),
                ],
            ),
        ),
        (
            Method::GET,
            "/api/v1/namespaces/shop/pods",
            200,
            list(vec![
                owned_pod("nightly-1-a", "Job", "job-1", "Running"),
                owned_pod("nightly-0-a", "Job", "job-0", "Succeeded"),
                owned_pod("manual-a", "Job", "job-m", "Running"),
            ]),
        ),
        (
            Method::GET,
            "/apis/batch/v1/namespaces/shop/jobs/nightly-0",
            200,
            job("nightly-0", "job-0", true),
        ),
        (
            Method::GET,
            "/apis/batch/v1/namespaces/shop/cronjobs/weekly",
            200,
            object(
                "batch/v1",
                "CronJob",
                "weekly",
                "cj-2",
                json!({"spec": {"schedule": "0 4 * * 0", "jobTemplate": {"spec": {"template": {}}}}}),
            ),
        ),
        (
            Method::GET,
            "/apis/apps/v1/namespaces/shop/deployments/wbe",
            404,
            status_body(
                404,
                "NotFound",
                "deployments.apps \"wbe\" not found",
                Some("wbe"),
            ),
        ),
        (
            Method::GET,
            "/apis/apps/v1/namespaces/shop/deployments",
            200,
            kind_list(
                "DeploymentList",
                vec![object("apps/v1", "Deployment", "web", "d", json!({}))],
            ),
        ),
    ]);
    let q = TargetQuery {
        names: vec![
            "cj/nightly".into(),
            "cronjob/weekly".into(),
            "deploy/wbe".into(),
            "job/nightly-0".into(),
        ],
        namespace: "shop".into(),
        ..Default::default()
    };
    let r = resolve(&client, &q).await;
    // The listed active job and the hand-started one; never the finished job's pod.
    assert_eq!(pod_ids(&r.targets), ["manual-a", "nightly-1-a"]);
    let errors: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    // A Job whose pods all finished is an error, not an empty scan that exits 0.
    assert_eq!(
        errors[2],
        "job/nightly-0 in namespace \"shop\" has no pods to scan: its 1 pod(s) have finished"
    );
    assert!(
        errors[0].starts_with(
            "cronjob/weekly in namespace \"shop\" has no pods to scan: it has no active job \
             (schedule \"0 4 * * 0\")"
        ),
        "{errors:?}"
    );
    assert!(errors[0].contains("kubectl create job --from=cronjob/weekly -n shop"));
    assert_eq!(
        errors[1],
        "deployment \"wbe\" not found in namespace \"shop\" (did you mean deploy/web?)"
    );
}
