//! Targets like kubectl on the real cluster: workloads by TYPE/NAME through their owner
//! references, `-f` manifests (file, stdin, directory), init and ephemeral containers, typo
//! suggestions. Each test works in a namespace of its own (`cinc-tgt-*`) and deletes it.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{bin, docs, env_path, expect_code, kubeconfig, stderr, stdout};

/// A namespace for one test, deleted when the test ends (also when it fails).
pub(super) struct Namespace(pub(super) String);

impl Namespace {
    pub(super) fn create(suffix: &str) -> Namespace {
        let name = format!("cinc-tgt-{suffix}");
        // A leftover of an interrupted run goes first.
        let _ = kubectl(
            &[
                "delete",
                "namespace",
                &name,
                "--wait=true",
                "--ignore-not-found",
            ],
            None,
        );
        let o = kubectl(&["create", "namespace", &name], None);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = kubectl(
            &[
                "label",
                "namespace",
                &name,
                "app.kubernetes.io/part-of=cinc-scan-e2e",
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        // Pods cannot be created before the namespace's default ServiceAccount exists.
        wait_until(
            Duration::from_secs(60),
            "the default ServiceAccount",
            || {
                kubectl(&["-n", &name, "get", "serviceaccount", "default"], None)
                    .status
                    .success()
            },
        );
        Namespace(name)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = kubectl(&["delete", "namespace", &self.0, "--wait=false"], None);
    }
}

pub(super) fn kubectl(args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env_path("CINC_SCAN_E2E_KUBECTL"))
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(text) = input {
        stdin.write_all(text.as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

pub(super) fn apply(manifest: &str) {
    let o = kubectl(&["apply", "-f", "-"], Some(manifest));
    assert!(o.status.success(), "kubectl apply: {}", stderr(&o));
}

pub(super) fn wait_until(limit: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Wait until `n` pods of the namespace are Running with every container ready.
pub(super) fn wait_ready(ns: &str, n: usize) {
    wait_until(
        Duration::from_secs(180),
        &format!("{n} ready pods in {ns}"),
        || {
            let o = kubectl(
            &[
                "-n",
                ns,
                "get",
                "pods",
                "-o",
                "jsonpath={range .items[*]}{.status.phase}:{.status.containerStatuses[*].ready}{\"\\n\"}{end}",
            ],
            None,
        );
            let out = stdout(&o);
            out.lines()
                .filter(|l| l.starts_with("Running:") && !l.contains("false"))
                .count()
                >= n
        },
    );
}

/// The plugin with the admin kubeconfig, optional stdin.
pub(super) fn scan_with(args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .env_remove("CINC_SCAN_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(text) = input {
        stdin.write_all(text.as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// One quick control, so that each scan is one short exec.
const PROFILE: &str = r#"
name: e2e-targets
title: e2e targets
version: 0.0.1
controls:
  - id: passwd
    title: /etc/passwd exists
    desc: any file will do
    impact: 0.5
    checks:
      - resource: file
        path: /etc/passwd
        expect:
          - {field: exists, equals: true}
"#;

/// `namespace/pod/container` of every document, sorted.
fn ids(o: &Output) -> Vec<String> {
    let mut v: Vec<String> = docs(o)
        .iter()
        .map(|d| d["platform"]["target_id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn pod_of(id: &str) -> &str {
    id.split('/').nth(1).unwrap()
}

const IMAGE: &str = "image: cinc-scan.local/standard:v1\n        imagePullPolicy: Never";

fn workloads(ns: &str) -> String {
    let pod_spec = |labels: &str| {
        format!(
            "    metadata: {{labels: {{{labels}}}}}\n    spec:\n      terminationGracePeriodSeconds: 1\n      \
             containers:\n      - name: app\n        {IMAGE}\n"
        )
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: {ns}}}\n\
         spec:\n  replicas: 2\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n{web}\
         ---\n\
         # Not the Deployment's, although its labels match its selector.\n\
         apiVersion: v1\nkind: Pod\nmetadata: {{name: lookalike, namespace: {ns}, labels: {{app: web}}}}\n\
         spec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: app\n    \
         image: cinc-scan.local/standard:v1\n    imagePullPolicy: Never\n\
         ---\n\
         apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db, namespace: {ns}}}\n\
         spec:\n  serviceName: db\n  replicas: 1\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n{db}\
         ---\n\
         apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent, namespace: {ns}}}\n\
         spec:\n  selector: {{matchLabels: {{app: agent}}}}\n  template:\n{agent}\
         ---\n\
         apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: solo, namespace: {ns}}}\n\
         spec:\n  replicas: 1\n  selector: {{matchLabels: {{app: solo}}}}\n  template:\n{solo}\
         ---\n\
         apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: legacy, namespace: {ns}}}\n\
         spec:\n  replicas: 1\n  selector: {{app: legacy}}\n  template:\n{legacy}\
         ---\n\
         apiVersion: batch/v1\nkind: Job\nmetadata: {{name: batch, namespace: {ns}}}\n\
         spec:\n  backoffLimit: 0\n  template:\n{batch}      restartPolicy: Never\n\
         ---\n\
         # Never runs on its own: the test starts a job from it.\n\
         apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: nightly, namespace: {ns}}}\n\
         spec:\n  schedule: \"0 0 1 1 *\"\n  suspend: true\n  jobTemplate:\n    spec:\n      \
         backoffLimit: 0\n      template:\n        metadata: {{labels: {{app: nightly}}}}\n        \
         spec:\n          terminationGracePeriodSeconds: 1\n          restartPolicy: Never\n          \
         containers:\n          - name: app\n            image: cinc-scan.local/standard:v1\n            \
         imagePullPolicy: Never\n\
         ---\n\
         apiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: {ns}}}\n\
         spec:\n  selector: {{app: web}}\n  ports: [{{port: 80}}]\n",
        web = pod_spec("app: web"),
        db = pod_spec("app: db"),
        agent = pod_spec("app: agent"),
        solo = pod_spec("app: solo"),
        legacy = pod_spec("app: legacy"),
        batch = pod_spec("app: batch"),
    )
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn workloads_resolve_to_their_own_current_pods() {
    let ns = Namespace::create("workloads");
    let ns = ns.0.as_str();
    let manifest = workloads(ns);
    apply(&manifest);
    let o = kubectl(
        &[
            "-n",
            ns,
            "create",
            "job",
            "--from=cronjob/nightly",
            "nightly-now",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // web ×2, lookalike, db-0, agent (one node), solo, legacy, batch, nightly-now.
    wait_ready(ns, 9);
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.yaml");
    std::fs::write(&profile, PROFILE).unwrap();
    let profile = profile.to_str().unwrap();
    let t = Instant::now();
    let scan_ns = |targets: &[&str]| {
        let mut args = vec!["-n", ns, "--profile", profile, "-o", "json"];
        args.extend_from_slice(targets);
        scan_with(&args, None)
    };

    // A Deployment: its ReplicaSet's two pods, never the bare pod with the same labels.
    let o = scan_ns(&["deploy/web"]);
    expect_code(&o, 0);
    let web = ids(&o);
    assert_eq!(web.len(), 2, "{web:?}");
    assert!(
        web.iter()
            .all(|id| pod_of(id).starts_with("web-") && id.ends_with("/app")),
        "{web:?}"
    );
    assert!(!stdout(&o).contains("lookalike"));
    // The long and plural forms name the same pods.
    for spelled in ["deployment/web", "deployments.apps/web", "Deployments/web"] {
        assert_eq!(ids(&scan_ns(&[spelled])), web, "{spelled}");
    }

    // Each kind, by its short name.
    for (target, prefix) in [
        ("sts/db", "db-0"),
        ("ds/agent", "agent-"),
        ("rs/solo", "solo-"),
        ("rc/legacy", "legacy-"),
        ("job/batch", "batch-"),
        ("cj/nightly", "nightly-now-"),
        ("cronjob/nightly", "nightly-now-"),
    ] {
        let o = scan_ns(&[target]);
        expect_code(&o, 0);
        let got = ids(&o);
        assert_eq!(got.len(), 1, "{target}: {got:?}");
        assert!(pod_of(&got[0]).starts_with(prefix), "{target}: {got:?}");
    }

    // Unknown names and types say what exists.
    let o = scan_ns(&["deploy/wbe"]);
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains(&format!(
            "deployment \"wbe\" not found in namespace \"{ns}\" (did you mean deploy/web?)"
        )),
        "{}",
        stderr(&o)
    );
    let o = scan_ns(&["deplyo/web"]);
    expect_code(&o, 1);
    assert!(stderr(&o).contains("unknown resource type \"deplyo\" (did you mean deploy/web?)"));

    // -f with the very manifest that created them: every Pod and workload in it, in the
    // manifest's namespace (not -n), the Service noted and skipped.
    let file = dir.path().join("app.yaml");
    std::fs::write(&file, &manifest).unwrap();
    let o = scan_with(
        &[
            "-n",
            "default",
            "--profile",
            profile,
            "-o",
            "json",
            "-f",
            file.to_str().unwrap(),
        ],
        None,
    );
    expect_code(&o, 0);
    let all = ids(&o);
    let pods: Vec<&str> = all.iter().map(|id| pod_of(id)).collect();
    assert_eq!(all.len(), 9, "{all:?}");
    assert!(
        all.iter().all(|id| id.starts_with(&format!("{ns}/"))),
        "{all:?}"
    );
    assert!(
        pods.contains(&"lookalike") && pods.contains(&"db-0"),
        "{pods:?}"
    );
    assert!(
        stderr(&o).contains("note: not a Pod or workload, skipped: Service/web"),
        "{}",
        stderr(&o)
    );

    // -f - reads stdin; a document without a namespace takes -n.
    let o = scan_with(
        &["-n", ns, "--profile", profile, "-o", "json", "-f", "-"],
        Some("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\n"),
    );
    expect_code(&o, 0);
    assert_eq!(ids(&o), [format!("{ns}/db-0/app")]);

    // -f DIR reads its .yaml/.yml/.json files; -R its subdirectories too.
    let tree = dir.path().join("k8s");
    std::fs::create_dir_all(tree.join("more")).unwrap();
    std::fs::write(
        tree.join("rc.json"),
        format!(
            r#"{{"apiVersion":"v1","kind":"ReplicationController","metadata":{{"name":"legacy","namespace":"{ns}"}}}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        tree.join("more/list.yml"),
        format!(
            "apiVersion: v1\nkind: List\nitems:\n- {{apiVersion: batch/v1, kind: Job, metadata: {{name: batch, namespace: {ns}}}}}\n"
        ),
    )
    .unwrap();
    std::fs::write(tree.join("README.md"), "not a manifest").unwrap();
    let tree = tree.to_str().unwrap();
    let o = scan_with(&["--profile", profile, "-o", "json", "-f", tree], None);
    expect_code(&o, 0);
    let got = ids(&o);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(pod_of(&got[0]).starts_with("legacy-"), "{got:?}");
    let o = scan_with(
        &["--profile", profile, "-o", "json", "-R", "-f", tree],
        None,
    );
    expect_code(&o, 0);
    assert_eq!(ids(&o).len(), 2, "{}", stdout(&o));

    // A CronJob with no active job says how to start one.
    let o = kubectl(
        &["-n", ns, "delete", "job", "nightly-now", "--wait=true"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = scan_ns(&["cronjob/nightly"]);
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains(&format!(
            "cronjob/nightly in namespace \"{ns}\" has no pods to scan: it has no active job"
        )) && stderr(&o).contains("kubectl create job --from=cronjob/nightly"),
        "{}",
        stderr(&o)
    );
    eprintln!("workload targets: every scan above in {:?}", t.elapsed());
}

fn init_pods(ns: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: pair, namespace: {ns}}}\n\
         spec:\n  terminationGracePeriodSeconds: 1\n  initContainers:\n  \
         - name: setup\n    {img}\n    command: [/bin/sh, -c, 'exit 0']\n  \
         - name: proxy\n    {img}\n    restartPolicy: Always\n  \
         containers:\n  - name: app\n    {img}\n\
         ---\n\
         # A distroless container that cannot start: nothing may claim it was exec'd into.\n\
         apiVersion: v1\nkind: Pod\nmetadata: {{name: broken, namespace: {ns}}}\n\
         spec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  \
         - name: app\n    image: cinc-scan.local/distroless-nonroot:v1\n    \
         imagePullPolicy: Never\n    command: [/app/no-such-binary]\n",
        img = "image: cinc-scan.local/standard:v1\n    imagePullPolicy: Never",
    )
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn init_sidecar_and_ephemeral_containers_are_told_apart() {
    let ns = Namespace::create("init");
    let ns = ns.0.as_str();
    apply(&init_pods(ns));
    wait_ready(ns, 1);
    // An ephemeral debug container, as `kubectl debug` adds one.
    let o = kubectl(
        &[
            "-n",
            ns,
            "debug",
            "pair",
            "--image=cinc-scan.local/standard:v1",
            "--image-pull-policy=Never",
            "--container=debugger",
            "--",
            "sleep",
            "600",
        ],
        None,
    );
    assert!(o.status.success(), "kubectl debug: {}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.yaml");
    std::fs::write(&profile, PROFILE).unwrap();
    let profile = profile.to_str().unwrap();

    // By default: the app container and the native sidecar; the completed init container and
    // the debug container are listed as not scanned, with why.
    let o = scan_with(
        &["-n", ns, "pod/pair", "--profile", profile, "-o", "json"],
        None,
    );
    expect_code(&o, 0);
    assert_eq!(
        ids(&o),
        [format!("{ns}/pair/app"), format!("{ns}/pair/proxy")]
    );
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "note: not scanned: {ns}/pair/setup: init container, completed (exit code 0)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "note: not scanned: {ns}/pair/debugger: ephemeral debug container"
        )),
        "{err}"
    );

    // -c takes the running sidecar (an init container); the completed one is explained.
    let o = scan_with(
        &[
            "-n",
            ns,
            "pair",
            "-c",
            "proxy",
            "--profile",
            profile,
            "-o",
            "json",
        ],
        None,
    );
    expect_code(&o, 0);
    assert_eq!(ids(&o), [format!("{ns}/pair/proxy")]);
    assert_eq!(docs(&o)[0]["passthrough"]["cinc_scan"]["access"], "exec");
    let o = scan_with(
        &[
            "-n",
            ns,
            "pair",
            "-c",
            "setup",
            "--profile",
            profile,
            "-o",
            "json",
        ],
        None,
    );
    expect_code(&o, 1);
    let d = &docs(&o)[0];
    let error = d["passthrough"]["cinc_scan"]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        error.starts_with("container \"setup\" is an init container, completed"),
        "{d}"
    );
    let o = scan_with(
        &["-n", ns, "pair", "-c", "stup", "--profile", profile],
        None,
    );
    expect_code(&o, 1);
    assert!(
        stderr(&o)
            .contains("(containers: app; init containers: setup, proxy); did you mean setup?"),
        "{}",
        stderr(&o)
    );

    // A transposition is one edit: `pari` finds `pair`.
    let o = scan_with(&["-n", ns, "pari", "--profile", profile], None);
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains(&format!(
            "pod \"pari\" not found in namespace \"{ns}\" (did you mean pair?)"
        )),
        "{}",
        stderr(&o)
    );

    // The distroless container that never started: its table says no access method ran.
    wait_until(Duration::from_secs(120), "broken to fail", || {
        let o = kubectl(
            &["-n", ns, "get", "pod", "broken", "-o",
              "jsonpath={.status.containerStatuses[0].state.waiting.reason}{.status.containerStatuses[0].state.terminated.reason}"],
            None,
        );
        let reason = stdout(&o);
        !reason.is_empty() && reason != "ContainerCreating"
    });
    let o = scan_with(
        &["-n", ns, "broken", "--profile", profile, "--color", "never"],
        None,
    );
    expect_code(&o, 1);
    let table = stdout(&o);
    assert!(
        table.contains(&format!("{ns}/broken/app  (access: none")),
        "{table}"
    );
    assert!(!table.contains("access: exec"), "{table}");
    assert!(table.contains("is not running"), "{table}");
}
