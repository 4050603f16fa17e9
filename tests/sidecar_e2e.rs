//! The sidecar approach on the real local cluster: `sidecar inject` rewrites workloads, the
//! test kubectl applies them, the scanner image (localhost/cinc-scan-scanner:dev, built from
//! the Containerfile by tests/cluster/lib/build-scanner-image.sh) scans the pod's targets on
//! schedule, and `sidecar results` fetches what it wrote. Each test owns a namespace
//! `cinc-side-*`, labelled, deleted at the end. Ignored by a plain `cargo test`; tests/run-all
//! runs them with `--include-ignored`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SCANNER: &str = "localhost/cinc-scan-scanner:dev";
const INTERVAL_SECS: u64 = 10;

fn env_path(name: &str) -> PathBuf {
    let v = std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: the end-to-end suite runs through tests/run-all")
    });
    PathBuf::from(v)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn run(cmd: &mut Command, stdin: Option<&str>) -> Output {
    cmd.env("KUBECONFIG", env_path("CINC_SCAN_E2E_KUBECONFIG"))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn kubectl(args: &[&str], stdin: Option<&str>) -> Output {
    run(
        Command::new(env_path("CINC_SCAN_E2E_KUBECTL")).args(args),
        stdin,
    )
}

fn plugin(args: &[&str], stdin: Option<&str>) -> Output {
    run(Command::new(bin()).args(args), stdin)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what}: {}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

/// A namespace of this test, deleted when the test ends (also when it fails).
struct Namespace(String);

impl Namespace {
    fn new(suffix: &str, labels: &[(&str, &str)]) -> Namespace {
        let name = format!("cinc-side-{suffix}");
        let _ = kubectl(
            &["delete", "namespace", &name, "--wait=true", "--timeout=60s"],
            None,
        );
        let mut extra = String::new();
        for (k, v) in labels {
            extra.push_str(&format!("    {k}: \"{v}\"\n"));
        }
        let manifest = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/part-of: cinc-scan-tests\n    cinc-scan.test/suite: sidecar\n{extra}"
        );
        ok(
            kubectl(&["apply", "-f", "-"], Some(&manifest)),
            "create namespace",
        );
        let start = Instant::now();
        while !kubectl(&["-n", &name, "get", "serviceaccount", "default"], None)
            .status
            .success()
        {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no default ServiceAccount in {name}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        Namespace(name)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = kubectl(&["delete", "namespace", &self.0, "--wait=false"], None);
    }
}

/// Inject (the plugin) and apply (kubectl), then wait for the rollout.
fn deploy(ns: &str, manifest: &str, inject_args: &[&str], rollout: &str) {
    let mut args = vec![
        "sidecar",
        "inject",
        "--image",
        SCANNER,
        "--image-pull-policy",
        "Never",
        "--interval",
        "10s",
        "--keep",
        "3",
    ];
    args.extend(inject_args);
    let injected = ok(plugin(&args, Some(manifest)), "sidecar inject");
    ok(
        kubectl(&["-n", ns, "apply", "-f", "-"], Some(&injected)),
        "kubectl apply",
    );
    let o = kubectl(
        &["-n", ns, "rollout", "status", rollout, "--timeout=150s"],
        None,
    );
    if !o.status.success() {
        let pods = kubectl(&["-n", ns, "get", "pods", "-o", "wide"], None);
        let events = kubectl(
            &["-n", ns, "get", "events", "--sort-by=.lastTimestamp"],
            None,
        );
        panic!(
            "rollout of {rollout} failed: {}\n{}\n{}",
            text(&o.stderr),
            text(&pods.stdout),
            text(&events.stdout)
        );
    }
}

fn first_pod(ns: &str, selector: &str) -> String {
    let out = ok(
        kubectl(
            &[
                "-n",
                ns,
                "get",
                "pods",
                "-l",
                selector,
                "--field-selector=status.phase=Running",
                "-o",
                "jsonpath={.items[*].metadata.name}",
            ],
            None,
        ),
        "get pods",
    );
    out.split_whitespace()
        .next()
        .unwrap_or_else(|| panic!("no running pod {selector} in {ns}"))
        .to_string()
}

fn lines_json(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `sidecar results ... -o json` until `want` documents are there (the first scan runs when the
/// sidecar starts; allow three intervals).
fn wait_results(ns: &str, target: &str, extra: &[&str], want: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let mut args = vec!["sidecar", "results", "-n", ns, target, "-o", "json"];
        args.extend(extra);
        let o = plugin(&args, None);
        let docs = lines_json(&text(&o.stdout));
        let complete = docs
            .iter()
            .filter(|d| d["passthrough"]["cinc_scan"]["error"].is_null())
            .count();
        if [0, 100, 101].contains(&o.status.code().unwrap_or(-1)) && complete >= want {
            return docs;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3 * INTERVAL_SECS + 30),
            "no results from {ns}/{target} (exit {:?}): {}\n{}",
            o.status.code(),
            text(&o.stdout),
            text(&o.stderr)
        );
        std::thread::sleep(Duration::from_secs(2));
    }
}

/// Control id -> SAF-like status of a document.
fn statuses(doc: &Value) -> BTreeMap<String, String> {
    doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["controls"].as_array().unwrap().iter())
        .map(|c| {
            let rs: Vec<&str> = c["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["status"].as_str().unwrap())
                .collect();
            let s = ["error", "failed", "passed"]
                .into_iter()
                .find(|s| rs.contains(s))
                .unwrap_or("skipped");
            (c["id"].as_str().unwrap().to_string(), s.to_string())
        })
        .collect()
}

/// The same container scanned by a debug container: every control both evaluate agrees.
fn agrees_with_debug_scan(ns: &str, pod: &str, container: &str, sidecar_doc: &Value) -> usize {
    let o = plugin(
        &[
            "-n",
            ns,
            pod,
            "-c",
            container,
            "--access",
            "debug",
            "--debug-image",
            "cinc-scan.local/debug:v1",
            "--debug-pull-policy",
            "Never",
            "-o",
            "json",
            "-q",
        ],
        None,
    );
    assert!(
        [0, 100, 101].contains(&o.status.code().unwrap_or(-1)),
        "debug scan: {}",
        text(&o.stderr)
    );
    let debug = &lines_json(&text(&o.stdout))[0];
    assert_eq!(debug["passthrough"]["cinc_scan"]["access"], "debug");
    let ours = statuses(sidecar_doc);
    let theirs = statuses(debug);
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    let mut compared = 0;
    let mut differ = Vec::new();
    for (id, a) in &ours {
        let b = &theirs[id];
        if a != "skipped" && b != "skipped" {
            compared += 1;
            if a != b {
                differ.push(format!("{id}: sidecar {a}, debug {b}"));
            }
        }
    }
    assert!(differ.is_empty(), "{ns}/{pod}/{container}: {differ:?}");
    assert!(compared >= 10, "only {compared} controls compared");
    compared
}

fn deployment(name: &str, image: &str, pod_sc: &str, container_sc: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      terminationGracePeriodSeconds: 2
      securityContext: {pod_sc}
      containers:
      - name: app
        image: {image}
        imagePullPolicy: Never
        securityContext: {container_sc}
"#
    )
}

/// The one-line summaries on the sidecar's stdout.
fn sidecar_log(ns: &str, pod: &str) -> String {
    ok(
        kubectl(&["-n", ns, "logs", pod, "-c", "cinc-scan"], None),
        "kubectl logs",
    )
}

fn check_workload(ns: &str, target: &str, pod_selector: &str, container: &str) -> Value {
    let docs = wait_results(ns, target, &[], 1);
    assert_eq!(docs.len(), 1, "{docs:?}");
    let d = &docs[0];
    let pod = first_pod(ns, pod_selector);
    assert_eq!(
        d["platform"]["target_id"],
        format!("{ns}/{pod}/{container}")
    );
    assert_eq!(d["passthrough"]["cinc_scan"]["access"], "sidecar");
    let log = sidecar_log(ns, &pod);
    assert!(log.contains(&format!("{ns}/{pod}/{container}: ")), "{log}");
    // The table and the exit code, as a scan prints them.
    let o = plugin(&["sidecar", "results", "-n", ns, target], None);
    assert!(
        [0, 100, 101].contains(&o.status.code().unwrap()),
        "{}",
        text(&o.stderr)
    );
    assert!(
        text(&o.stdout).contains("compliance"),
        "{}",
        text(&o.stdout)
    );
    let o = plugin(
        &[
            "sidecar",
            "results",
            "-n",
            ns,
            target,
            "--threshold-inline",
            "{compliance.min: 101}",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    agrees_with_debug_scan(ns, &pod, container, d);
    d.clone()
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn distroless_nonroot_deployment_results_on_schedule_and_survive_kills() {
    let ns = Namespace::new("nonroot", &[]);
    let m = deployment("web", "cinc-scan.local/distroless-nonroot:v1", "{}", "{}");
    // The manifest does not say the uid (the image's USER): the flag does.
    let o = plugin(&["sidecar", "inject"], Some(&m));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--run-as-user"),
        "{}",
        text(&o.stderr)
    );
    deploy(&ns.0, &m, &["--run-as-user", "65532"], "deploy/web");
    let first = check_workload(&ns.0, "deploy/web", "app=web", "app");
    // On schedule: a newer result within three intervals.
    let t0 = first["profiles"][0]["controls"][0]["results"][0]["start_time"]
        .as_str()
        .unwrap()
        .to_string();
    let start = Instant::now();
    loop {
        let docs = wait_results(&ns.0, "deploy/web", &[], 1);
        let t = docs[0]["profiles"][0]["controls"][0]["results"][0]["start_time"]
            .as_str()
            .unwrap()
            .to_string();
        if t > t0 {
            eprintln!(
                "nonroot: results at {t0} then {t} ({:?} after the first fetch)",
                start.elapsed()
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3 * INTERVAL_SECS),
            "no newer result than {t0}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    // SIGKILL the scanner at random moments: it restarts, and no partial result is ever read.
    let pod = first_pod(&ns.0, "app=web");
    let sock = std::env::var("CINC_SCAN_E2E_CONTAINERD_SOCK")
        .unwrap_or_else(|_| "/run/cinc-scan-containerd/containerd.sock".into());
    let mut kills = 0;
    for i in 0..3u64 {
        let id = ok(
            kubectl(&["-n", &ns.0, "get", "pod", &pod, "-o",
                "jsonpath={.status.initContainerStatuses[?(@.name==\"cinc-scan\")].containerID}"], None),
            "container id",
        );
        let id = id.trim().trim_start_matches("containerd://").to_string();
        std::thread::sleep(Duration::from_millis(300 + (i * 3_917) % 9_000));
        let o = Command::new("ctr")
            .args([
                "--address",
                &sock,
                "-n",
                "k8s.io",
                "tasks",
                "kill",
                "-s",
                "SIGKILL",
                &id,
            ])
            .output()
            .unwrap();
        if o.status.success() {
            kills += 1;
        }
        // Wait until it runs again (the kubelet restarts a native sidecar).
        let start = Instant::now();
        loop {
            let out = text(&kubectl(&["-n", &ns.0, "get", "pod", &pod, "-o",
                "jsonpath={.status.initContainerStatuses[?(@.name==\"cinc-scan\")].containerID} {.status.initContainerStatuses[?(@.name==\"cinc-scan\")].state.running.startedAt}"], None).stdout);
            let mut parts = out.split_whitespace();
            let (new_id, running) = (parts.next().unwrap_or(""), parts.next().is_some());
            if running && !new_id.ends_with(&id) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "the sidecar did not restart: {out}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    assert!(kills >= 1, "no kill succeeded");
    let o = plugin(
        &[
            "sidecar",
            "results",
            "-n",
            &ns.0,
            "deploy/web",
            "--all",
            "-o",
            "json",
        ],
        None,
    );
    let err = text(&o.stderr);
    assert!([0, 100, 101].contains(&o.status.code().unwrap()), "{err}");
    assert!(
        !err.contains("not JSON") && !err.contains("not HDF"),
        "{err}"
    );
    let docs = lines_json(&text(&o.stdout));
    assert!(
        !docs.is_empty() && docs.len() <= 3,
        "--keep 3: {} results",
        docs.len()
    );
    eprintln!(
        "nonroot: {kills} SIGKILLs, {} whole results kept",
        docs.len()
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn distroless_root_deployment_is_scanned_by_a_root_sidecar() {
    let ns = Namespace::new(
        "root",
        &[("pod-security.kubernetes.io/enforce", "baseline")],
    );
    let m = deployment(
        "web",
        "cinc-scan.local/distroless-root:v1",
        "{}",
        "{runAsUser: 0}",
    );
    deploy(&ns.0, &m, &[], "deploy/web");
    check_workload(&ns.0, "deploy/web", "app=web", "app");
    let sc = ok(
        kubectl(
            &[
                "-n",
                &ns.0,
                "get",
                "deploy",
                "web",
                "-o",
                "jsonpath={.spec.template.spec.initContainers[0].securityContext}",
            ],
            None,
        ),
        "securityContext",
    );
    let sc: Value = serde_json::from_str(&sc).unwrap();
    assert_eq!(sc["runAsUser"], 0);
    assert!(
        sc.get("privileged").is_none() && sc.get("capabilities").is_none(),
        "{sc}"
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn restricted_namespace_admits_the_sidecar_of_a_non_root_target() {
    let ns = Namespace::new(
        "restricted",
        &[
            ("pod-security.kubernetes.io/enforce", "restricted"),
            ("pod-security.kubernetes.io/enforce-version", "latest"),
        ],
    );
    let m = deployment(
        "web",
        "cinc-scan.local/standard:v1",
        "{runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}",
        "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}",
    );
    // Admission checks the injected pod (server-side dry run), then the real rollout.
    let injected = ok(
        plugin(
            &[
                "sidecar",
                "inject",
                "--image",
                SCANNER,
                "--image-pull-policy",
                "Never",
            ],
            Some(&m),
        ),
        "inject",
    );
    let o = kubectl(
        &["-n", &ns.0, "apply", "--dry-run=server", "-f", "-"],
        Some(&injected),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("violate"), "{}", text(&o.stderr));
    deploy(&ns.0, &m, &[], "deploy/web");
    check_workload(&ns.0, "deploy/web", "app=web", "app");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn pod_with_two_app_containers_gets_one_result_each() {
    let ns = Namespace::new("two", &[]);
    let pod = r#"apiVersion: v1
kind: Pod
metadata:
  name: two
  labels: {app: two}
spec:
  terminationGracePeriodSeconds: 2
  securityContext: {runAsUser: 1000, runAsGroup: 1000}
  containers:
  - {name: app, image: "cinc-scan.local/standard:v1", imagePullPolicy: Never}
  - {name: helper, image: "cinc-scan.local/standard:v1", imagePullPolicy: Never}
"#;
    let mut args = vec![
        "sidecar",
        "inject",
        "--image",
        SCANNER,
        "--image-pull-policy",
        "Never",
        "--interval",
        "10s",
    ];
    let injected = ok(plugin(&args, Some(pod)), "inject");
    ok(
        kubectl(&["-n", &ns.0, "apply", "-f", "-"], Some(&injected)),
        "apply",
    );
    ok(
        kubectl(
            &[
                "-n",
                &ns.0,
                "wait",
                "--for=condition=Ready",
                "pod/two",
                "--timeout=120s",
            ],
            None,
        ),
        "wait",
    );
    let docs = wait_results(&ns.0, "pod/two", &[], 2);
    let ids: Vec<&str> = docs
        .iter()
        .map(|d| d["platform"]["target_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [format!("{}/two/app", ns.0), format!("{}/two/helper", ns.0)]
    );
    let one = wait_results(&ns.0, "pod/two", &["-c", "helper"], 1);
    assert_eq!(one.len(), 1);
    for d in &docs {
        let c = d["passthrough"]["cinc_scan"]["container"].as_str().unwrap();
        agrees_with_debug_scan(&ns.0, "two", c, d);
    }
    // --target picks one: re-inject and replace the pod (a pod's containers cannot change).
    args.extend(["--target", "helper"]);
    let injected = ok(plugin(&args, Some(pod)), "inject --target");
    ok(
        kubectl(&["-n", &ns.0, "delete", "pod", "two", "--wait=true"], None),
        "delete",
    );
    ok(
        kubectl(&["-n", &ns.0, "apply", "-f", "-"], Some(&injected)),
        "apply",
    );
    ok(
        kubectl(
            &[
                "-n",
                &ns.0,
                "wait",
                "--for=condition=Ready",
                "pod/two",
                "--timeout=120s",
            ],
            None,
        ),
        "wait",
    );
    let docs = wait_results(&ns.0, "pod/two", &[], 1);
    let ids: Vec<&str> = docs
        .iter()
        .map(|d| d["platform"]["target_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [format!("{}/two/helper", ns.0)]);
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn results_of_a_pod_without_the_sidecar_say_how_to_add_it() {
    let o = plugin(
        &["sidecar", "results", "-n", "cinc-demo", "pod/standard"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("sidecar inject"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn without_a_marker_the_pods_own_status_finds_the_target() {
    use cinc_scan::sidecar::inject::{parse_documents, render_documents};
    let ns = Namespace::new("api", &[]);
    // The least privilege for the fallback: get on pods in the namespace, for the pod's own SA.
    let rbac = format!(
        r#"apiVersion: v1
kind: ServiceAccount
metadata: {{name: scanner, namespace: {ns}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: cinc-scan-self, namespace: {ns}}}
rules:
- {{apiGroups: [""], resources: [pods], verbs: [get]}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: cinc-scan-self, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: cinc-scan-self}}
subjects:
- {{kind: ServiceAccount, name: scanner, namespace: {ns}}}
"#,
        ns = ns.0
    );
    ok(kubectl(&["apply", "-f", "-"], Some(&rbac)), "rbac");
    let pod = r#"apiVersion: v1
kind: Pod
metadata: {name: api, labels: {app: api}}
spec:
  serviceAccountName: scanner
  terminationGracePeriodSeconds: 2
  securityContext: {runAsUser: 1000, runAsGroup: 1000}
  containers:
  - {name: app, image: "cinc-scan.local/standard:v1", imagePullPolicy: Never}
"#;
    let injected = ok(
        plugin(
            &[
                "sidecar",
                "inject",
                "--image",
                SCANNER,
                "--image-pull-policy",
                "Never",
            ],
            Some(pod),
        ),
        "inject",
    );
    // Take the marker away and ask for the API: only the cgroup match can find the target.
    let mut docs = parse_documents(&injected, "injected").unwrap();
    let spec = &mut docs[0]["spec"];
    spec["containers"][0].as_object_mut().unwrap().remove("env");
    spec["initContainers"][0]["args"]
        .as_array_mut()
        .unwrap()
        .extend([Value::from("--discover"), Value::from("api")]);
    let manifest = render_documents(&docs).unwrap();
    ok(
        kubectl(&["-n", &ns.0, "apply", "-f", "-"], Some(&manifest)),
        "apply",
    );
    ok(
        kubectl(
            &[
                "-n",
                &ns.0,
                "wait",
                "--for=condition=Ready",
                "pod/api",
                "--timeout=120s",
            ],
            None,
        ),
        "wait",
    );
    let docs = wait_results(&ns.0, "pod/api", &[], 1);
    let d = &docs[0];
    assert_eq!(d["platform"]["target_id"], format!("{}/api/app", ns.0));
    let detail = d["passthrough"]["cinc_scan"]["access_detail"]
        .as_str()
        .unwrap();
    assert!(detail.contains("in its cgroup"), "{detail}");
    assert_eq!(
        d["passthrough"]["cinc_scan"]["image"],
        "cinc-scan.local/standard:v1"
    );
    let compared = agrees_with_debug_scan(&ns.0, "api", "app", d);
    eprintln!("api discovery: {compared} controls agree with the debug scan");
}
