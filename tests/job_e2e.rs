//! `kubectl cinc-scan job` on the real local cluster: the scanner image runs as an Indexed
//! Job (in a Pod Security `restricted` namespace) reaching the API server through the
//! `kubernetes` Service (kube-proxy) with its ServiceAccount, over a fleet of 60 containers
//! (exec and distroless). Ignored by a plain `cargo test`; `tests/run-all` runs them after
//! `tests/cluster/up` and `tests/cluster/lib/build-scanner-image.sh`, with
//! CINC_SCAN_E2E_KUBECONFIG and CINC_SCAN_E2E_KUBECTL set.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn env_path(name: &str) -> PathBuf {
    let v = std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: the end-to-end suite runs through tests/run-all")
    });
    PathBuf::from(v)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn plugin(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("KUBECONFIG", env_path("CINC_SCAN_E2E_KUBECONFIG"))
        .output()
        .unwrap()
}

fn kubectl(args: &[&str]) -> Output {
    Command::new(env_path("CINC_SCAN_E2E_KUBECTL"))
        .arg("--kubeconfig")
        .arg(env_path("CINC_SCAN_E2E_KUBECONFIG"))
        .args(args)
        .output()
        .unwrap()
}

fn kubectl_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env_path("CINC_SCAN_E2E_KUBECTL"))
        .arg("--kubeconfig")
        .arg(env_path("CINC_SCAN_E2E_KUBECONFIG"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn suffix() -> String {
    let mut b = [0u8; 3];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

const DEBUG: [&str; 4] = [
    "--debug-image",
    "cinc-scan.local/debug:v1",
    "--debug-pull-policy",
    "Never",
];

/// Namespaces of one test, deleted when it ends (also on failure).
struct Namespaces(Vec<String>);

impl Namespaces {
    fn create(names: &[(&str, bool)]) -> Namespaces {
        let mut yaml = String::new();
        for (name, restricted) in names {
            let psa = if *restricted {
                "    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: latest\n"
            } else {
                ""
            };
            yaml.push_str(&format!(
                "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n    app.kubernetes.io/part-of: cinc-scan-job-tests\n{psa}"
            ));
        }
        ok(
            &kubectl_stdin(&["apply", "-f", "-"], yaml.as_bytes()),
            "create namespaces",
        );
        let ns = Namespaces(names.iter().map(|(n, _)| n.to_string()).collect());
        for n in &ns.0 {
            wait_until(&format!("ServiceAccount {n}/default"), 60, || {
                kubectl(&["-n", n, "get", "serviceaccount", "default"])
                    .status
                    .success()
            });
        }
        ns
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for n in &self.0 {
            let _ = kubectl(&["delete", "namespace", n, "--wait=false"]);
        }
    }
}

fn wait_until(what: &str, seconds: u64, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(seconds),
            "timed out after {seconds}s waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(1000));
    }
}

/// 8 pods × 5 shell containers and 4 pods × 5 distroless containers: 60 containers.
fn fleet(ns: &str) -> usize {
    let mut yaml = String::new();
    let mut total = 0;
    for (kind, image, pods) in [
        ("std", "cinc-scan.local/standard:v1", 8),
        ("dl", "cinc-scan.local/distroless-nonroot:v1", 4),
    ] {
        for p in 0..pods {
            yaml.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {kind}-{p}\n  namespace: {ns}\n  labels: {{app: fleet, kind: {kind}}}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n"
            ));
            for c in 0..5 {
                yaml.push_str(&format!(
                    "  - {{name: c{c}, image: \"{image}\", imagePullPolicy: Never}}\n"
                ));
                total += 1;
            }
        }
    }
    ok(
        &kubectl_stdin(&["apply", "-f", "-"], yaml.as_bytes()),
        "create the fleet",
    );
    ok(
        &kubectl(&[
            "-n",
            ns,
            "wait",
            "--for=condition=Ready",
            "pods",
            "--all",
            "--timeout=180s",
        ]),
        "fleet Ready",
    );
    total
}

/// HDF documents by target id → control id → the statuses of its results.
fn by_control(json_lines: &str) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for line in json_lines.lines().filter(|l| !l.trim().is_empty()) {
        let doc: Value = serde_json::from_str(line).unwrap();
        let id = doc["platform"]["target_id"].as_str().unwrap().to_string();
        let mut controls = BTreeMap::new();
        for p in doc["profiles"].as_array().unwrap() {
            for c in p["controls"].as_array().unwrap() {
                let statuses = c["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["status"].as_str().unwrap_or("?").to_string())
                    .collect();
                controls.insert(c["id"].as_str().unwrap().to_string(), statuses);
            }
        }
        assert!(out.insert(id.clone(), controls).is_none(), "{id} twice");
    }
    out
}

/// The scanner image (tests/cluster/lib/build-scanner-image.sh; CINC_SCAN_SCANNER_IMAGE there
/// and here names another tag).
fn image() -> &'static str {
    static IMAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IMAGE.get_or_init(|| {
        std::env::var("CINC_SCAN_SCANNER_IMAGE")
            .unwrap_or_else(|_| "localhost/cinc-scan-scanner:dev".into())
    })
}

fn job_args<'a>(name: &'a str, ctl: &'a str, fleet: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "job",
        name,
        "--image",
        image(),
        "-n",
        ctl,
        "--target-namespace",
        fleet,
        "--image-pull-policy",
        "Never",
        "--timeout",
        "90s",
    ];
    v.extend(DEBUG);
    v.extend(extra);
    v
}

fn wait_job_complete(ctl: &str, job: &str, seconds: u64) {
    let start = Instant::now();
    loop {
        let o = kubectl(&["-n", ctl, "get", "job", job, "-o", "json"]);
        if o.status.success() {
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            let conds = v["status"]["conditions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if conds
                .iter()
                .any(|c| c["type"] == "Complete" && c["status"] == "True")
            {
                return;
            }
            if conds
                .iter()
                .any(|c| c["type"] == "Failed" && c["status"] == "True")
            {
                let pods = kubectl(&["-n", ctl, "get", "pods", "-o", "wide"]);
                let logs = kubectl(&[
                    "-n",
                    ctl,
                    "logs",
                    "-l",
                    &format!("batch.kubernetes.io/job-name={job}"),
                    "--tail=20",
                ]);
                panic!(
                    "job {job} failed: {}\n{}\n{}",
                    v["status"],
                    text(&pods.stdout),
                    text(&logs.stdout)
                );
            }
        }
        if start.elapsed() > Duration::from_secs(seconds) {
            let pods = kubectl(&["-n", ctl, "get", "pods,jobs", "-o", "wide"]);
            let ev = kubectl(&["-n", ctl, "get", "events", "--sort-by=.lastTimestamp"]);
            panic!(
                "job {job} not complete after {seconds}s\n{}\n{}",
                text(&pods.stdout),
                text(&ev.stdout)
            );
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

/// Nothing labelled with this job name is left (pods go with their Job, in the background).
fn assert_all_gone(name: &str, namespaces: &[&str]) {
    let sel = format!("app.kubernetes.io/managed-by=kubectl-cinc-scan,cinc-scan.io/job={name}");
    wait_until(&format!("every object of {name} deleted"), 90, || {
        let mut left = String::new();
        for ns in namespaces {
            let o = kubectl(&[
                "-n",
                ns,
                "get",
                "jobs,cronjobs,pods,serviceaccounts,roles,rolebindings",
                "-l",
                &sel,
                "-o",
                "name",
            ]);
            left.push_str(&text(&o.stdout));
        }
        let o = kubectl(&[
            "get",
            "clusterroles,clusterrolebindings",
            "-l",
            &sel,
            "-o",
            "name",
        ]);
        left.push_str(&text(&o.stdout));
        left.trim().is_empty()
    });
}

#[test]
#[ignore]
fn a_sharded_job_scans_every_container_once_like_a_local_scan_and_survives_a_killed_shard() {
    let id = suffix();
    let ctl = format!("cinc-job-ctl-{id}");
    let fleet_ns = format!("cinc-job-fleet-{id}");
    let _ns = Namespaces::create(&[(&ctl, true), (&fleet_ns, false)]);
    let total = fleet(&fleet_ns);
    assert_eq!(total, 60);

    // printed objects are what --apply applies; admitted under Pod Security "restricted"
    let printed = ok(
        &plugin(&job_args("scan4", &ctl, &fleet_ns, &["--shards", "4"])),
        "job (print)",
    );
    assert!(printed.contains("completionMode: Indexed"), "{printed}");
    let dry = kubectl_stdin(
        &["apply", "--dry-run=server", "-f", "-"],
        printed.as_bytes(),
    );
    let dry_out = ok(&dry, "server dry-run of the printed objects");
    assert!(dry_out.contains("job.batch/scan4"), "{dry_out}");
    assert!(
        !text(&dry.stderr).contains("violate"),
        "{}",
        text(&dry.stderr)
    );

    let t0 = Instant::now();
    ok(
        &plugin(&job_args(
            "scan4",
            &ctl,
            &fleet_ns,
            &["--shards", "4", "--apply"],
        )),
        "job --apply",
    );
    wait_job_complete(&ctl, "scan4", 300);
    let job_secs = t0.elapsed().as_secs_f64();

    // every shard left a summary in its termination message
    let pods = kubectl(&[
        "-n",
        &ctl,
        "get",
        "pods",
        "-l",
        "batch.kubernetes.io/job-name=scan4",
        "-o",
        "json",
    ]);
    let pods: Value = serde_json::from_slice(&pods.stdout).unwrap();
    let mut summed = 0;
    for p in pods["items"].as_array().unwrap() {
        let msg = p["status"]["containerStatuses"][0]["state"]["terminated"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no termination message: {}", p["status"]));
        assert!(msg.len() <= 4096);
        let v: Value = serde_json::from_str(msg).unwrap();
        summed += v["containers"].as_u64().unwrap();
        assert_eq!(v["shards"], 4);
    }
    assert_eq!(
        summed, 60,
        "termination messages count every container once"
    );

    let merged = plugin(&["job", "results", "scan4", "-n", &ctl, "-o", "json"]);
    let merged_code = merged.status.code();
    let merged_docs = by_control(&text(&merged.stdout));
    assert!(
        text(&merged.stderr).contains("4 of 4 shard(s) reported, 60 container(s)"),
        "{}",
        text(&merged.stderr)
    );
    assert_eq!(merged_docs.len(), 60, "{}", text(&merged.stderr));

    let t1 = Instant::now();
    let mut local_args = vec!["-n", fleet_ns.as_str(), "--all", "-o", "json"];
    local_args.extend(DEBUG);
    let local = plugin(&local_args);
    let local_secs = t1.elapsed().as_secs_f64();
    let local_docs = by_control(&text(&local.stdout));
    assert_eq!(local_docs.len(), 60, "{}", text(&local.stderr));
    assert_eq!(
        merged_docs.keys().collect::<Vec<_>>(),
        local_docs.keys().collect::<Vec<_>>()
    );
    for (target, controls) in &local_docs {
        assert_eq!(
            &merged_docs[target], controls,
            "control by control, {target}"
        );
    }
    assert_eq!(
        merged_code,
        local.status.code(),
        "the same exit code as a local scan"
    );
    // the table and --output-dir work on the merged results too
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("hdf");
    let table = plugin(&[
        "job",
        "results",
        "scan4",
        "-n",
        &ctl,
        "--output-dir",
        out_dir.to_str().unwrap(),
        "--color",
        "never",
    ]);
    assert!(text(&table.stdout).contains(&format!("{fleet_ns}/dl-3/c4")));
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 60);
    // threshold: the exit code of the gate
    let gated = plugin(&[
        "job",
        "results",
        "scan4",
        "-n",
        &ctl,
        "-q",
        "--threshold-inline",
        "{compliance.min: 0}",
    ]);
    assert_eq!(gated.status.code(), Some(0), "{}", text(&gated.stderr));
    eprintln!("4-shard job over 60 containers: {job_secs:.1}s (apply to Complete); local scan {local_secs:.1}s");

    // a shard killed mid-run is retried for its index alone, and the result is still whole
    ok(
        &plugin(&job_args(
            "retry",
            &ctl,
            &fleet_ns,
            &["--shards", "4", "--concurrency", "1", "--apply"],
        )),
        "job retry --apply",
    );
    let sel = "batch.kubernetes.io/job-name=retry,batch.kubernetes.io/job-completion-index=1";
    let mut victim = String::new();
    wait_until("shard 1 running", 120, || {
        let o = kubectl(&[
            "-n",
            &ctl,
            "get",
            "pods",
            "-l",
            sel,
            "--field-selector=status.phase=Running",
            "-o",
            "name",
        ]);
        victim = text(&o.stdout).trim().to_string();
        !victim.is_empty()
    });
    std::thread::sleep(Duration::from_secs(2));
    ok(
        &kubectl(&[
            "-n",
            &ctl,
            "delete",
            &victim,
            "--grace-period=1",
            "--wait=false",
        ]),
        "kill shard 1",
    );
    wait_job_complete(&ctl, "retry", 420);
    let job: Value =
        serde_json::from_slice(&kubectl(&["-n", &ctl, "get", "job", "retry", "-o", "json"]).stdout)
            .unwrap();
    assert_eq!(job["status"]["succeeded"], 4, "{}", job["status"]);
    let retried = kubectl(&[
        "-n",
        &ctl,
        "get",
        "pods",
        "-l",
        sel,
        "-o",
        "jsonpath={range .items[*]}{.metadata.annotations.batch\\.kubernetes\\.io/job-index-failure-count}{\"\\n\"}{end}",
    ]);
    assert!(
        text(&retried.stdout).lines().any(|l| l.trim() == "1"),
        "index 1 was retried: {}",
        text(&retried.stdout)
    );
    let again = plugin(&["job", "results", "retry", "-n", &ctl, "-o", "json"]);
    let again_docs = by_control(&text(&again.stdout));
    assert_eq!(
        again_docs.keys().collect::<Vec<_>>(),
        local_docs.keys().collect::<Vec<_>>(),
        "{}",
        text(&again.stderr)
    );

    // delete removes every object it made (Roles in the fleet namespace too)
    for name in ["scan4", "retry"] {
        let d = ok(&plugin(&["job", "delete", name, "-n", &ctl]), "job delete");
        assert!(d.contains(&format!("job.batch/{name} deleted")), "{d}");
        assert!(d.contains("role.rbac.authorization.k8s.io/"), "{d}");
        assert_all_gone(name, &[&ctl, &fleet_ns]);
    }
    let missing = plugin(&["job", "results", "scan4", "-n", &ctl]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no Job or CronJob \"scan4\""));
}

#[test]
#[ignore]
fn a_cron_job_fires_on_schedule_and_never_overlaps_itself() {
    let id = suffix();
    let ctl = format!("cinc-job-cron-{id}");
    let _ns = Namespaces::create(&[(&ctl, true)]);
    // one small pod to scan, in the CronJob's own namespace (restricted-compatible)
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: target\n  namespace: {ctl}\n  labels: {{app: target}}\nspec:\n  terminationGracePeriodSeconds: 1\n  securityContext: {{runAsNonRoot: true, runAsUser: 1000, seccompProfile: {{type: RuntimeDefault}}}}\n  containers:\n  - name: app\n    image: cinc-scan.local/standard:v1\n    imagePullPolicy: Never\n    securityContext: {{allowPrivilegeEscalation: false, capabilities: {{drop: [ALL]}}}}\n"
    );
    ok(
        &kubectl_stdin(&["apply", "-f", "-"], pod.as_bytes()),
        "target pod",
    );
    ok(
        &kubectl(&[
            "-n",
            &ctl,
            "wait",
            "--for=condition=Ready",
            "pod/target",
            "--timeout=120s",
        ]),
        "target Ready",
    );
    // every minute; each run lingers 80s, so the next minute finds it still active
    ok(
        &plugin(&[
            "job",
            "nightly",
            "-n",
            &ctl,
            "-l",
            "app=target",
            "--access",
            "exec",
            "--schedule",
            "* * * * *",
            "--starting-deadline",
            "20s",
            "--image-pull-policy",
            "Never",
            "--image",
            image(),
            "--linger",
            "80s",
            "--apply",
        ]),
        "cronjob --apply",
    );
    let start = Instant::now();
    let mut first: Option<String> = None;
    let mut first_done_at: Option<Instant> = None;
    let mut max_active = 0;
    let mut seen_jobs = std::collections::BTreeSet::new();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "the CronJob did not run and finish within 240s (jobs seen: {seen_jobs:?})"
        );
        let o = kubectl(&[
            "-n",
            &ctl,
            "get",
            "jobs",
            "-l",
            "cinc-scan.io/job=nightly",
            "-o",
            "json",
        ]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut active = 0;
        for j in v["items"].as_array().unwrap() {
            let name = j["metadata"]["name"].as_str().unwrap().to_string();
            seen_jobs.insert(name.clone());
            let done = j["status"]["conditions"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "Complete" && c["status"] == "True")
            });
            if !done {
                active += 1;
            }
            if first.is_none() {
                first = Some(name.clone());
            }
            if first.as_deref() == Some(name.as_str()) && done && first_done_at.is_none() {
                first_done_at = Some(Instant::now());
            }
        }
        max_active = max_active.max(active);
        assert!(max_active <= 1, "two runs at once: {seen_jobs:?}");
        if first_done_at.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    // the first run was active across a minute boundary, and no other run began before it
    // had finished: Forbid skipped that minute's run
    let jobs: Value = serde_json::from_slice(
        &kubectl(&[
            "-n",
            &ctl,
            "get",
            "jobs",
            "-l",
            "cinc-scan.io/job=nightly",
            "-o",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    let items = jobs["items"].as_array().unwrap();
    let first_job = items
        .iter()
        .find(|j| j["metadata"]["name"].as_str() == first.as_deref())
        .unwrap();
    let started = first_job["status"]["startTime"]
        .as_str()
        .unwrap()
        .to_string();
    let completed = first_job["status"]["completionTime"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(
        &started[..16],
        &completed[..16],
        "the first run did not span a minute boundary ({started} .. {completed})"
    );
    for j in items {
        if j["metadata"]["name"].as_str() != first.as_deref() {
            let created = j["metadata"]["creationTimestamp"].as_str().unwrap();
            assert!(
                created >= completed.as_str(),
                "run {} began at {created}, before the first finished at {completed}",
                j["metadata"]["name"]
            );
        }
    }
    let r = plugin(&["job", "results", "nightly", "-n", &ctl, "-o", "json"]);
    let docs = by_control(&text(&r.stdout));
    assert_eq!(
        docs.keys().collect::<Vec<_>>(),
        [&format!("{ctl}/target/app")],
        "{}",
        text(&r.stderr)
    );
    let d = ok(
        &plugin(&["job", "delete", "nightly", "-n", &ctl]),
        "job delete",
    );
    assert!(d.contains("cronjob.batch/nightly deleted"), "{d}");
    assert_all_gone("nightly", &[&ctl]);
}
