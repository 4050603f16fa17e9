//! Fault injection against the real local cluster: a TLS proxy (tests/faultproxy) in front of
//! the API server injects resets, 500/503, 429 with Retry-After, latency, stalls and exec
//! streams cut after the 101, on a fleet of 20 pods (exec and distroless). For every mix:
//! every container appears exactly once, with a result equal to the fault-free run or an error
//! naming the cause, and the run ends before its deadline. Dead servers (refused, reset, silent
//! after TLS, always 503, always 429, dying mid-scan) end within 60 s with the right message
//! and a bounded number of requests. And a container killed while its probe runs is reported
//! as having exited during the scan.
//!
//! `#[ignore]`: needs the cluster of tests/cluster (CINC_SCAN_E2E_KUBECONFIG and
//! CINC_SCAN_E2E_KUBECTL); run with `--include-ignored --nocapture` to see the figures.

mod faultproxy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use faultproxy::{Dead, Mix, Upstream};
use serde_json::Value;

fn env_path(name: &str) -> PathBuf {
    PathBuf::from(
        std::env::var_os(name)
            .unwrap_or_else(|| panic!("{name} is not set: run tests/cluster/up and export it")),
    )
}

fn admin() -> PathBuf {
    env_path("CINC_SCAN_E2E_KUBECONFIG")
}

fn kubectl(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env_path("CINC_SCAN_E2E_KUBECTL"));
    cmd.arg("--kubeconfig").arg(admin()).args(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("run kubectl");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

const EXEC_PODS: usize = 16;
const DISTROLESS_PODS: usize = 4;

/// A namespace of our own with the fleet; deleted on drop.
struct Fleet {
    ns: String,
}

impl Fleet {
    fn create() -> Fleet {
        let ns = format!("cinc-fault-{}", std::process::id());
        let mut y = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{cinc-scan.test/owner: issue-10-resilience, cinc-scan.test/suite: faults}}\n"
        );
        let images = [
            ("exec", EXEC_PODS, ["standard", "debian"]),
            (
                "dl",
                DISTROLESS_PODS,
                ["distroless-nonroot", "distroless-root"],
            ),
        ];
        for (prefix, count, kinds) in images {
            for i in 0..count {
                let image = kinds[i % 2];
                y.push_str(&format!(
                    "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {prefix}-{i:02}\n  namespace: {ns}\n  labels: {{cinc-scan.test/owner: issue-10-resilience}}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: app\n    image: cinc-scan.local/{image}:v1\n    imagePullPolicy: Never\n"
                ));
            }
        }
        let out = kubectl(&["apply", "-f", "-"], Some(&y));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fleet = Fleet { ns };
        let out = kubectl(
            &[
                "wait",
                "--for=condition=Ready",
                "pod",
                "--all",
                "-n",
                &fleet.ns,
                "--timeout=240s",
            ],
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        fleet
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        let _ = kubectl(&["delete", "namespace", &self.ns, "--wait=false"], None);
    }
}

/// control id → [(status, code_desc)]
type Controls = BTreeMap<String, Vec<(String, String)>>;

struct Run {
    code: i32,
    seconds: f64,
    stderr: String,
    /// target id → (error, control id → [(status, code_desc)])
    containers: BTreeMap<String, (Option<String>, Controls)>,
    duplicates: Vec<String>,
}

const DEADLINE: &str = "5m";

fn scan(kubeconfig: &Path, ns: &str, extra: &[&str]) -> Run {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-cinc_scan"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args([
            "-n",
            ns,
            "--all",
            "-o",
            "json",
            "--no-progress",
            "--debug-image",
            "cinc-scan.local/debug:v1",
            "--debug-pull-policy",
            "Never",
            "--deadline",
            DEADLINE,
        ])
        .args(extra)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let mut containers = BTreeMap::new();
    let mut duplicates = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let doc: Value = serde_json::from_str(line).expect("one HDF document per line");
        let id = doc["platform"]["target_id"].as_str().unwrap().to_string();
        let error = doc["passthrough"]["cinc_scan"]["error"]
            .as_str()
            .map(str::to_string);
        let mut controls = BTreeMap::new();
        for p in doc["profiles"].as_array().unwrap() {
            for c in p["controls"].as_array().unwrap() {
                let mut rs: Vec<(String, String)> = c["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["status"].as_str().unwrap_or_default().to_string(),
                            r["code_desc"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                rs.sort();
                controls.insert(c["id"].as_str().unwrap().to_string(), rs);
            }
        }
        if containers.insert(id.clone(), (error, controls)).is_some() {
            duplicates.push(id);
        }
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        seconds,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        containers,
        duplicates,
    }
}

/// Words that name a cause the faults can produce.
const CAUSES: &[&str] = &[
    "503",
    "500",
    "429",
    "connection",
    "circuit open",
    "no response from the API server",
    "went silent",
    "exec stream was cut",
    "reset",
    "timed out",
    "closed",
];

fn names_a_cause(error: &str) -> bool {
    CAUSES.iter().any(|c| error.contains(c))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the local cluster (tests/cluster/up)"]
async fn fault_mixes_on_a_fleet_and_dead_servers() {
    let upstream = Upstream::from_kubeconfig(&admin());
    let dir = tempfile::tempdir().unwrap();
    let fleet = tokio::task::spawn_blocking(Fleet::create).await.unwrap();
    let ns = fleet.ns.clone();
    let total = EXEC_PODS + DISTROLESS_PODS;

    // Warm-up (creates the debug containers the later runs reuse), then the baseline through
    // a proxy that injects nothing.
    let clean = faultproxy::start(Some(upstream.clone()), Mix::default()).await;
    let kc = faultproxy::kubeconfig_for(clean.addr, dir.path(), &ns);
    let (k, n) = (kc.clone(), ns.clone());
    let warm = tokio::task::spawn_blocking(move || scan(&k, &n, &["-v", "6"]))
        .await
        .unwrap();
    // -v 6: one line per API request (verb, path, status, duration), never a credential.
    assert!(
        warm.stderr
            .contains(&format!("GET /api/v1/namespaces/{ns}/pods 200 OK in ")),
        "{}",
        warm.stderr
    );
    assert!(warm.stderr.contains("/exec 101 Switching Protocols in "));
    let lower = warm.stderr.to_lowercase();
    assert!(!lower.contains("bearer") && !lower.contains("authorization:"));
    let (k, n) = (kc.clone(), ns.clone());
    let baseline = tokio::task::spawn_blocking(move || scan(&k, &n, &[]))
        .await
        .unwrap();
    assert_eq!(baseline.containers.len(), total, "{}", baseline.stderr);
    for (id, (err, _)) in &baseline.containers {
        assert!(err.is_none(), "{id} failed without faults: {err:?}");
    }
    println!(
        "baseline: {} containers in {:.1}s, {} requests",
        total,
        baseline.seconds,
        clean.counters.requests.load(Ordering::SeqCst)
    );
    drop(clean);

    let mixes = [
        Mix {
            name: "resets 20%",
            reset: 0.20,
            max_faults: 60,
            ..Mix::default()
        },
        Mix {
            name: "500 10% + 503 15%",
            e500: 0.10,
            e503: 0.15,
            max_faults: 60,
            ..Mix::default()
        },
        Mix {
            name: "429 20% (Retry-After seconds and dates)",
            e429: 0.20,
            max_faults: 60,
            ..Mix::default()
        },
        Mix {
            name: "latency 30% + stalls 5%",
            latency: 0.30,
            stall: 0.05,
            stall_for: Duration::from_secs(30),
            max_faults: 10,
            ..Mix::default()
        },
        Mix {
            name: "exec streams cut 30%",
            exec_cut: 0.30,
            max_faults: 60,
            ..Mix::default()
        },
        Mix {
            name: "everything",
            reset: 0.06,
            e500: 0.04,
            e503: 0.05,
            e429: 0.05,
            latency: 0.1,
            stall: 0.02,
            exec_cut: 0.1,
            stall_for: Duration::from_secs(30),
            max_faults: 40,
            ..Mix::default()
        },
    ];
    let mut figures = Vec::new();
    let (mut all_injected, mut all_survived, mut all_lost) = (0u64, 0usize, 0usize);
    // Two rounds with different seeds.
    let rounds = mixes.iter().cloned().chain(mixes.iter().cloned());
    // CINC_SCAN_FAULTS_ONLY=resets runs only the mixes whose name contains it (and no
    // dead-server cases), for diagnosis.
    let only = std::env::var("CINC_SCAN_FAULTS_ONLY").ok();
    for (i, mut mix) in rounds.enumerate() {
        mix.seed = 0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1);
        let name = mix.name;
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let proxy = faultproxy::start(Some(upstream.clone()), mix).await;
        let kc = faultproxy::kubeconfig_for(proxy.addr, dir.path(), &ns);
        let n = ns.clone();
        let run = tokio::task::spawn_blocking(move || {
            scan(&kc, &n, &["--request-timeout", "5s", "-v", "8"])
        })
        .await
        .unwrap();
        assert!(
            run.duplicates.is_empty(),
            "{name}: reported twice: {:?}",
            run.duplicates
        );
        assert_eq!(
            run.containers.keys().collect::<Vec<_>>(),
            baseline.containers.keys().collect::<Vec<_>>(),
            "{name}: every container exactly once\n{}",
            run.stderr
        );
        assert!(
            run.seconds < 300.0,
            "{name}: ran {:.0}s, past --deadline {DEADLINE}",
            run.seconds
        );
        let mut lost = Vec::new();
        for (id, (err, controls)) in &run.containers {
            match err {
                None => assert_eq!(
                    controls, &baseline.containers[id].1,
                    "{name}: {id} has a result that differs from the fault-free run"
                ),
                Some(e) => {
                    assert!(names_a_cause(e), "{name}: {id}: error names no cause: {e}");
                    assert!(
                        !e.contains("raise --timeout"),
                        "{name}: {id}: wrong advice: {e}"
                    );
                    lost.push(format!("{id}: {e}"));
                }
            }
        }
        let injected = proxy.counters.faults();
        all_injected += injected;
        all_survived += total - lost.len();
        all_lost += lost.len();
        figures.push(format!(
            "{name}: injected {injected} faults ({}); {} of {total} containers scanned, {} errors; exit {} in {:.1}s",
            proxy.counters.summary(),
            total - lost.len(),
            lost.len(),
            run.code,
            run.seconds
        ));
        for l in &lost {
            figures.push(format!("    lost: {l}"));
            // What the -v 8 log says about that pod's requests.
            let pod = l.split('/').nth(1).unwrap_or_default();
            for line in run
                .stderr
                .lines()
                .filter(|x| x.contains(&format!("/{pod}")))
            {
                figures.push(format!("      {line}"));
            }
        }
        // At these rates one retry layer keeps nearly every result.
        assert!(
            lost.len() <= 2,
            "{name}: {} of {total} containers lost:\n{}",
            lost.len(),
            lost.join("\n")
        );
    }

    if only.is_some() {
        for f in &figures {
            println!("  {f}");
        }
        return;
    }
    // Dead servers, each from the first request on, and one that dies mid-scan.
    let cases: [(&str, Option<Dead>, u64, &[&str]); 6] = [
        ("refused", None, 0, &["connection refused"]),
        (
            "reset",
            Some(Dead::Reset),
            0,
            &["reset", "closed", "connection"],
        ),
        (
            "silent after TLS",
            Some(Dead::SilentAfterTls),
            0,
            &[
                "no response from the API server",
                "circuit open",
                "timed out",
            ],
        ),
        ("always 503", Some(Dead::Always503), 0, &["503"]),
        (
            "always 429",
            Some(Dead::Always429),
            0,
            &["429", "Too Many Requests", "too many requests"],
        ),
        // After the pod list and the preflight, before any container's first request (a
        // container with a live debugger needs only one, so a third would finish it).
        (
            "503 after 2 requests (mid-scan)",
            Some(Dead::Always503),
            2,
            &["circuit open"],
        ),
    ];
    for (name, dead, after, want) in cases {
        let (addr, proxy) = match dead {
            None => (faultproxy::refused_addr(), None),
            Some(d) => {
                let p = faultproxy::start(
                    Some(upstream.clone()),
                    Mix {
                        dead_after: Some((after, d)),
                        ..Mix::default()
                    },
                )
                .await;
                (p.addr, Some(p))
            }
        };
        let kc = faultproxy::kubeconfig_for(addr, dir.path(), &ns);
        let n = ns.clone();
        let run = tokio::task::spawn_blocking(move || scan(&kc, &n, &[]))
            .await
            .unwrap();
        let requests = proxy
            .as_ref()
            .map_or(0, |p| p.counters.after_death.load(Ordering::SeqCst));
        let text = format!(
            "{}\n{}",
            run.stderr,
            run.containers
                .values()
                .filter_map(|(e, _)| e.clone())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let first_line = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string();
        figures.push(format!(
            "dead server, {name}: exit {} in {:.1}s after {requests} requests to the dead server; says: {first_line}",
            run.code, run.seconds
        ));
        assert_eq!(run.code, 1, "{name}: exit code\n{text}");
        assert!(
            run.seconds < 60.0,
            "{name}: took {:.1}s\n{text}",
            run.seconds
        );
        let lower = text.to_lowercase();
        assert!(
            want.iter().any(|w| lower.contains(&w.to_lowercase())),
            "{name}: message names the cause\n{text}"
        );
        assert!(
            requests <= 40,
            "{name}: {requests} requests to a dead server"
        );
        if after > 0 {
            assert_eq!(
                run.containers.len(),
                total,
                "{name}: every container reported\n{text}"
            );
            let unreported: Vec<&String> = run
                .containers
                .iter()
                .filter(|(_, (e, _))| e.is_none())
                .map(|(id, _)| id)
                .collect();
            assert!(
                unreported.is_empty(),
                "{name}: no error for {unreported:?}\n{text}"
            );
        }
    }
    // --deadline bounds the whole run, target resolution included.
    let silent = faultproxy::start(
        Some(upstream.clone()),
        Mix {
            dead_after: Some((0, Dead::SilentAfterTls)),
            ..Mix::default()
        },
    )
    .await;
    let kc = faultproxy::kubeconfig_for(silent.addr, dir.path(), &ns);
    let n = ns.clone();
    let (code, seconds, stderr) = tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_kubectl-cinc_scan"))
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["-n", &n, "--all", "--no-progress", "--deadline", "3s"])
            .output()
            .unwrap();
        (
            out.status.code(),
            t.elapsed().as_secs_f64(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap();
    figures.push(format!(
        "silent server with --deadline 3s: exit {code:?} in {seconds:.1}s; says: {}",
        stderr.trim()
    ));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(seconds < 8.0, "{seconds}");
    assert!(stderr.contains("--deadline of 3s passed"), "{stderr}");
    println!("fault injection figures (fleet of {total} containers, namespace {ns}):");
    println!(
        "  total: {all_injected} faults injected; {all_survived} container scans survived, {all_lost} lost"
    );
    for f in &figures {
        println!("  {f}");
    }
    drop(fleet);
}

/// A container killed while its probe runs is reported as such, not as runtime noise or a
/// timeout.
#[test]
#[ignore = "needs the local cluster (tests/cluster/up)"]
fn a_container_that_dies_mid_scan_is_named() {
    let ns = format!("cinc-fault-die-{}", std::process::id());
    let manifest = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{cinc-scan.test/owner: issue-10-resilience}}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: victim\n  namespace: {ns}\n  labels: {{cinc-scan.test/owner: issue-10-resilience}}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: app\n    image: cinc-scan.local/standard:v1\n    imagePullPolicy: Never\n"
    );
    let out = kubectl(&["apply", "-f", "-"], Some(&manifest));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = kubectl(&["delete", "namespace", &self.0, "--wait=false"], None);
        }
    }
    let _cleanup = Cleanup(ns.clone());
    let out = kubectl(
        &[
            "wait",
            "--for=condition=Ready",
            "pod/victim",
            "-n",
            &ns,
            "--timeout=120s",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("slow.yaml");
    std::fs::write(
        &profile,
        "name: slow\ncontrols:\n  - id: slow-1\n    title: a slow command\n    desc: d\n    impact: 0.5\n    checks:\n      - resource: command\n        command: sleep 30\n        expect:\n          - {field: exit_status, equals: 0}\n",
    )
    .unwrap();
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_kubectl-cinc_scan"))
        .arg("--kubeconfig")
        .arg(admin())
        .args([
            "-n",
            &ns,
            "pod/victim",
            "-o",
            "json",
            "--no-progress",
            "--timeout",
            "90s",
        ])
        .arg("--profile")
        .arg(&profile)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(5));
    let out = kubectl(
        &[
            "delete",
            "pod",
            "victim",
            "-n",
            &ns,
            "--grace-period=0",
            "--force",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = child.wait_with_output().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(stdout.lines().next().expect("one document")).unwrap();
    let error = doc["passthrough"]["cinc_scan"]["error"]
        .as_str()
        .unwrap_or_default();
    println!(
        "container killed mid-scan: exit {:?} in {seconds:.1}s: {error}",
        out.status.code()
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        error.contains("the container exited/restarted during the scan"),
        "{error}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(seconds < 60.0, "{seconds}");
}
