//! End-to-end tests against the real local cluster (`tests/cluster/up`). They are ignored by a
//! plain `cargo test`; `tests/run-all` runs them with `--include-ignored` and sets
//! CINC_SCAN_E2E_KUBECONFIG, CINC_SCAN_E2E_NO_EXEC_KUBECONFIG and CINC_SCAN_E2E_KUBECTL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

#[path = "e2e/targets.rs"]
mod targets;

#[path = "e2e/identity.rs"]
mod identity;

fn env_path(name: &str) -> PathBuf {
    let v = std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: the end-to-end suite runs through tests/run-all")
    });
    let p = PathBuf::from(v);
    assert!(
        p.exists(),
        "{name}={} does not exist: is the cluster up?",
        p.display()
    );
    p
}

fn kubeconfig() -> PathBuf {
    env_path("CINC_SCAN_E2E_KUBECONFIG")
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

/// Run the plugin with the admin kubeconfig (via KUBECONFIG, as kubectl users do).
fn scan(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .env_remove("CINC_SCAN_COLOR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn expect_code(o: &Output, want: i32) {
    assert_eq!(
        code(o),
        want,
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

fn docs(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Find a control in an HDF document.
fn control<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["profiles"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("control {id} not in the document"))
}

fn statuses(c: &Value) -> Vec<String> {
    c["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

fn write_profile(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("e2e.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn standard_image_scan_gives_real_results_as_hdf() {
    let o = scan(&["-n", "cinc-demo", "pod/standard", "-o", "json"]);
    assert_eq!(code(&o), 100, "stderr: {}", stderr(&o));
    let docs = docs(&o);
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d["platform"]["target_id"], "cinc-demo/standard/app");
    assert_ne!(d["platform"]["name"], "unknown", "os-release was not read");
    let pt = &d["passthrough"]["cinc_scan"];
    assert_eq!(pt["access"], "exec");
    assert_eq!(pt["pod"], "standard");
    assert_eq!(pt["image"], "cinc-scan.local/standard:v1");
    assert_eq!(pt["node"], "cinc-node");
    for key in ["platform", "profiles", "statistics", "version"] {
        assert!(d.get(key).is_some(), "HDF needs {key}");
    }
    // Facts from inside the running container, not from this machine:
    // the main process runs as uid 1000, so "not root" passes from /proc.
    let rt = control(d, "cb-rt-01");
    assert_eq!(statuses(rt), ["passed"], "{rt}");
    // The pod spec is there: the demo pod does not set readOnlyRootFilesystem.
    let every: Vec<Value> = d["profiles"][0]["controls"].as_array().unwrap().clone();
    let pod_controls: Vec<&Value> = every
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with("cb-pod"))
        .collect();
    assert!(
        pod_controls
            .iter()
            .all(|c| !statuses(c).contains(&"skipped".to_string())),
        "pod spec missing"
    );
    // Busybox gives a shell: the shell control fails with /bin/sh named.
    let shell = control(d, "cb-surf-05");
    assert_eq!(statuses(shell), ["failed"], "{shell}");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn dpkg_image_packages_come_from_its_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write_profile(
        dir.path(),
        r#"
name: e2e-packages
controls:
  - id: pkg-1
    title: the dpkg database lists base packages
    desc: read from /var/lib/dpkg/status inside the container
    impact: 0.5
    checks:
      - resource: packages
        expect:
          - {any: {all_of: [{field: name, equals: base-files}, {field: manager, equals: dpkg}]}}
          - {count: {ge: 30}}
      - resource: os_release
        expect:
          - {field: ID, equals: debian}
"#,
    );
    let o = scan(&[
        "-n",
        "cinc-demo",
        "debian",
        "--profile",
        profile.to_str().unwrap(),
        "-o",
        "json",
    ]);
    expect_code(&o, 0);
    let d = &docs(&o)[0];
    assert_eq!(statuses(control(d, "pkg-1")), ["passed", "passed"]);
    assert_eq!(d["platform"]["name"], "debian");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn every_container_of_a_pod_unless_one_is_named() {
    let o = scan(&["-n", "cinc-demo", "two-containers", "-o", "json"]);
    // JSON Lines stream in the order the containers finish.
    let mut ids: Vec<String> = docs(&o)
        .iter()
        .map(|d| d["platform"]["target_id"].as_str().unwrap().into())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "cinc-demo/two-containers/app",
            "cinc-demo/two-containers/helper"
        ]
    );
    let o = scan(&[
        "-n",
        "cinc-demo",
        "two-containers",
        "-c",
        "helper",
        "-o",
        "json",
    ]);
    assert_eq!(docs(&o).len(), 1);
    let o = scan(&["-n", "cinc-demo", "two-containers", "-c", "nope"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("container \"nope\" not found in pod cinc-demo/two-containers (containers: app, helper)"), "{}", stderr(&o));
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn selector_context_and_namespace_flags_work_like_kubectl() {
    let o = scan(&["-n", "cinc-demo", "-l", "app=standard", "-o", "json", "-q"]);
    assert_eq!(docs(&o).len(), 1, "stderr: {}", stderr(&o));
    // The `demo` context's namespace is cinc-demo.
    let o = scan(&["--context", "demo", "standard", "-o", "json"]);
    assert_eq!(
        docs(&o)[0]["platform"]["target_id"],
        "cinc-demo/standard/app",
        "stderr: {}",
        stderr(&o)
    );
    // --kubeconfig instead of KUBECONFIG.
    let o = Command::new(bin())
        .args([
            "--kubeconfig",
            kubeconfig().to_str().unwrap(),
            "-n",
            "cinc-restricted",
            "restricted",
            "-o",
            "json",
        ])
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    assert_eq!(
        docs(&o)[0]["platform"]["target_id"],
        "cinc-restricted/restricted/app",
        "stderr: {}",
        stderr(&o)
    );
    let o = scan(&["--context", "nope", "standard"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("context 'nope' not found in the kubeconfig (available contexts:"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("demo"));
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn unknown_pod_suggests_close_names() {
    let o = scan(&["-n", "cinc-demo", "pod/standrd"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains(
            "pod \"standrd\" not found in namespace \"cinc-demo\" (did you mean standard?)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn a_user_without_pods_exec_gets_an_rbac_error_naming_the_verb() {
    let no_exec = env_path("CINC_SCAN_E2E_NO_EXEC_KUBECONFIG");
    let o = Command::new(bin())
        .args([
            "--kubeconfig",
            no_exec.to_str().unwrap(),
            "-n",
            "cinc-demo",
            "standard",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "stdout: {}", stdout(&o));
    assert!(
        stdout(&o).contains("RBAC denies create pods/exec in namespace \"cinc-demo\""),
        "{}",
        stdout(&o)
    );
    // The token must never show up in output.
    let kc = std::fs::read_to_string(&no_exec).unwrap();
    let token = kc
        .lines()
        .find_map(|l| l.trim().strip_prefix("token:"))
        .map(str::trim)
        .unwrap_or("");
    assert!(token.len() > 20, "no token in the no-exec kubeconfig");
    assert!(!stdout(&o).contains(token) && !stderr(&o).contains(token));
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn forced_exec_on_a_distroless_container_says_it_has_no_shell() {
    let o = scan(&[
        "-n",
        "cinc-demo",
        "distroless-nonroot",
        "--access",
        "exec",
        "-o",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let d = &docs(&o)[0];
    let err = d["passthrough"]["cinc_scan"]["error"].as_str().unwrap();
    assert!(err.contains("no shell"), "{err}");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn the_plugin_runs_through_the_real_kubectl() {
    let kubectl = env_path("CINC_SCAN_E2E_KUBECTL");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(bin(), dir.path().join("kubectl-cinc_scan")).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        Command::new(&kubectl)
            .args(args)
            .env("PATH", &path)
            .env("KUBECONFIG", kubeconfig())
            .output()
            .unwrap()
    };
    let o = run(&["plugin", "list"]);
    assert!(
        stdout(&o).contains("kubectl-cinc_scan"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let o = run(&["cinc-scan", "--version"]);
    assert!(
        stdout(&o).starts_with("kubectl cinc-scan 0."),
        "{}",
        stdout(&o)
    );
    let o = run(&["cinc-scan", "-n", "cinc-demo", "pod/standard", "-o", "json"]);
    assert_eq!(code(&o), 100, "{}", stderr(&o));
    assert_eq!(
        docs(&o)[0]["platform"]["target_id"],
        "cinc-demo/standard/app"
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn table_output_and_output_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let o = scan(&[
        "-n",
        "cinc-demo",
        "standard",
        "two-containers",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 100, "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains("cinc-demo/standard/app  (access: exec"),
        "{table}"
    );
    assert!(table.contains("compliance"), "{table}");
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "cinc-demo_standard_app.json",
            "cinc-demo_two-containers_app.json",
            "cinc-demo_two-containers_helper.json"
        ]
    );
}

const DEBUG_ARGS: [&str; 4] = [
    "--debug-image",
    "cinc-scan.local/debug:v1",
    "--debug-pull-policy",
    "Never",
];

fn scan_debug(args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(DEBUG_ARGS);
    scan(&all)
}

/// Facts that only the target's own filesystem and process can give: the debug image has a
/// shell and no `nonroot` user, so reading the debugger's files instead would fail these.
const DISTROLESS_PROFILE: &str = r#"
name: e2e-distroless
controls:
  - id: own-files
    title: files come from the target image, not the debug image
    desc: /etc/passwd of the distroless image and no shell
    impact: 0.5
    checks:
      - resource: passwd
        expect:
          - {any: {all_of: [{field: name, equals: nonroot}, {field: uid, equals: 65532}]}}
      - resource: file
        path: /bin/sh
        expect:
          - {field: exists, equals: false}
  - id: own-process
    title: runtime facts come from the target's process
    desc: /proc/<pid>/status of the target
    impact: 0.5
    checks:
      - resource: process
        expect:
          - {field: uid, equals: UID}
"#;

fn ephemeral_names(namespace: &str, pod: &str) -> Vec<String> {
    let kubectl = env_path("CINC_SCAN_E2E_KUBECTL");
    let o = Command::new(kubectl)
        .args([
            "-n",
            namespace,
            "get",
            "pod",
            pod,
            "-o",
            "jsonpath={.spec.ephemeralContainers[*].name}",
        ])
        .env("KUBECONFIG", kubeconfig())
        .output()
        .unwrap();
    stdout(&o).split_whitespace().map(str::to_string).collect()
}

fn distroless_profile(dir: &Path, uid: u32) -> PathBuf {
    write_profile(dir, &DISTROLESS_PROFILE.replace("UID", &uid.to_string()))
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn distroless_nonroot_is_scanned_through_a_reused_debug_container() {
    let dir = tempfile::tempdir().unwrap();
    let profile = distroless_profile(dir.path(), 65532);
    let args = [
        "-n",
        "cinc-demo",
        "distroless-nonroot",
        "--profile",
        profile.to_str().unwrap(),
        "-o",
        "json",
    ];
    let existing = ephemeral_names("cinc-demo", "distroless-nonroot");
    let t = std::time::Instant::now();
    let o = scan_debug(&args);
    let first = t.elapsed();
    expect_code(&o, 0);
    let d = &docs(&o)[0];
    assert_eq!(d["passthrough"]["cinc_scan"]["access"], "debug");
    let detail = d["passthrough"]["cinc_scan"]["access_detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("debug container cinc-scan-"), "{detail}");
    // The uid is in neither the spec nor the status: the root debugger learns it and reads
    // the target as that uid, in one container (a new one, or one an earlier run left).
    assert!(detail.contains("read as uid 65532 gid 65532"), "{detail}");
    // The container named is one this scan added, or one that was there; other tests scan
    // this pod at the same time, so the count of added containers is not this scan's.
    let name = detail
        .split_whitespace()
        .find(|w| w.starts_with("cinc-scan-"))
        .unwrap()
        .to_string();
    let now = ephemeral_names("cinc-demo", "distroless-nonroot");
    assert!(now.contains(&name), "{detail}");
    assert_eq!(
        !existing.contains(&name),
        detail.contains("(created)"),
        "{detail}"
    );
    assert_eq!(statuses(control(d, "own-files")), ["passed", "passed"]);
    assert_eq!(statuses(control(d, "own-process")), ["passed"]);
    // The second scan reuses the debug container: the pod gains no ephemeral container.
    let before = ephemeral_names("cinc-demo", "distroless-nonroot");
    let t = std::time::Instant::now();
    let o = scan_debug(&args);
    let second = t.elapsed();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let detail = docs(&o)[0]["passthrough"]["cinc_scan"]["access_detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("(reused)"), "{detail}");
    assert_eq!(ephemeral_names("cinc-demo", "distroless-nonroot"), before);
    eprintln!("distroless-nonroot: first scan {first:?}, second scan {second:?}");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn distroless_root_is_scanned_with_a_root_debug_container() {
    let dir = tempfile::tempdir().unwrap();
    let profile = distroless_profile(dir.path(), 0);
    let o = scan_debug(&[
        "-n",
        "cinc-demo",
        "distroless-root",
        "--profile",
        profile.to_str().unwrap(),
        "-o",
        "json",
    ]);
    expect_code(&o, 0);
    let d = &docs(&o)[0];
    assert_eq!(statuses(control(d, "own-files")), ["passed", "passed"]);
    assert_eq!(statuses(control(d, "own-process")), ["passed"]);
    // The built-in profile on the same target: commands cannot run there and say so.
    let o = scan_debug(&["-n", "cinc-demo", "distroless-root", "-o", "json"]);
    let d = &docs(&o)[0];
    let surf = control(d, "cb-surf-07");
    assert_eq!(statuses(surf), ["skipped"]);
    assert!(
        surf["results"][0]["skip_message"]
            .as_str()
            .unwrap()
            .contains("need a shell"),
        "{surf}"
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn shared_process_namespace_pod_finds_the_targets_own_process() {
    let dir = tempfile::tempdir().unwrap();
    let profile = distroless_profile(dir.path(), 65532);
    let o = scan_debug(&[
        "-n",
        "cinc-demo",
        "shared-pid",
        "-c",
        "distroless",
        "--profile",
        profile.to_str().unwrap(),
        "-o",
        "json",
    ]);
    expect_code(&o, 0);
    let d = &docs(&o)[0];
    let detail = d["passthrough"]["cinc_scan"]["access_detail"]
        .as_str()
        .unwrap();
    // PID 1 is the pause process in a shared namespace: the target is another one.
    assert!(
        !detail.contains("target pid 1;") && !detail.ends_with("target pid 1"),
        "{detail}"
    );
    assert_eq!(statuses(control(d, "own-files")), ["passed", "passed"]);
    // The shell-bearing container of the same pod still goes by exec.
    let o = scan_debug(&["-n", "cinc-demo", "shared-pid", "-c", "app", "-o", "json"]);
    assert_eq!(docs(&o)[0]["passthrough"]["cinc_scan"]["access"], "exec");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn restricted_namespace_non_root_pod_by_debug_container() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write_profile(
        dir.path(),
        "name: e2e-restricted\ncontrols:\n  - id: p\n    title: t\n    desc: d\n    impact: 0.5\n    checks:\n      - resource: process\n        expect: [{field: uid, equals: 1000}]\n",
    );
    let o = scan_debug(&[
        "-n",
        "cinc-restricted",
        "restricted",
        "--access",
        "debug",
        "--profile",
        profile.to_str().unwrap(),
        "-o",
        "json",
    ]);
    expect_code(&o, 0);
    assert_eq!(docs(&o)[0]["passthrough"]["cinc_scan"]["access"], "debug");
    // A debug container that needs more than "restricted" allows is refused, and we say why.
    let o = scan_debug(&[
        "-n",
        "cinc-restricted",
        "restricted",
        "--access",
        "debug",
        "--debug-profile",
        "general",
        "-o",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let err = docs(&o)[0]["passthrough"]["cinc_scan"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains("Pod Security admission rejected the debug container")
            && err.contains("restricted"),
        "{err}"
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn debug_container_failures_are_explained() {
    // A root target read by a non-root debugger: the kernel's ptrace check refuses.
    let o = scan_debug(&[
        "-n",
        "cinc-demo",
        "distroless-root",
        "--access",
        "debug",
        "--debug-profile",
        "restricted",
        "-o",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let err = docs(&o)[0]["passthrough"]["cinc_scan"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains("may not read /proc/1/root of the target (uid 0)"),
        "{err}"
    );
    // An image that cannot be pulled.
    let o = scan(&[
        "-n",
        "cinc-demo",
        "distroless-root",
        "--access",
        "debug",
        "--debug-image",
        "cinc-scan.local/absent:v1",
        "--debug-pull-policy",
        "Never",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    assert_eq!(code(&o), 1);
    let err = docs(&o)[0]["passthrough"]["cinc_scan"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains("cannot start") && err.contains("cinc-scan.local/absent:v1"),
        "{err}"
    );
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn ci_gating_and_reports_from_a_cluster_scan() {
    let dir = tempfile::tempdir().unwrap();
    let hdf_dir = dir.path().join("hdf");
    let junit = dir.path().join("scan.xml");
    let sarif = dir.path().join("scan.sarif");
    let args = [
        "-n",
        "cinc-demo",
        "standard",
        "distroless-nonroot",
        "--output-dir",
        hdf_dir.to_str().unwrap(),
        "--report",
        &format!("junit={}", junit.display()),
        "--report",
        &format!("sarif={}", sarif.display()),
        "-o",
        "markdown",
        "--threshold-inline",
        "{compliance.min: 100}",
    ];
    let o = scan_debug(&args);
    expect_code(&o, 3);
    assert!(
        stdout(&o).contains("cinc-demo/standard/app"),
        "{}",
        stdout(&o)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // A threshold the scan meets exits 0 although controls failed.
    let o = scan(&[
        "-n",
        "cinc-demo",
        "standard",
        "-q",
        "--threshold-inline",
        "{failed.critical.max: 0}",
    ]);
    expect_code(&o, 0);
    // The real SAF CLI reads the HDF of a cluster scan (exec and debug container alike).
    let Some(saf) = std::env::var_os("CINC_SCAN_SAF") else {
        panic!("CINC_SCAN_SAF is not set: tests/run-all installs @mitre/saf and sets it");
    };
    for entry in std::fs::read_dir(&hdf_dir).unwrap() {
        let file = entry.unwrap().path();
        let view = Command::new(&saf)
            .args(["view", "summary", "-i"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            view.status.success(),
            "saf view summary {}: {}{}",
            file.display(),
            stdout(&view),
            stderr(&view)
        );
        assert!(
            stdout(&view).contains("profileName: container-baseline"),
            "{}",
            stdout(&view)
        );
    }
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn least_privilege_role_and_short_lived_token_are_enough_to_scan() {
    let kubectl = env_path("CINC_SCAN_E2E_KUBECTL");
    // The printed Role, applied by the real kubectl.
    let rbac = scan(&[
        "rbac",
        "-n",
        "cinc-demo",
        "--service-account",
        "e2e-scanner",
    ]);
    expect_code(&rbac, 0);
    let mut apply = Command::new(&kubectl)
        .args(["apply", "-f", "-"])
        .env("KUBECONFIG", kubeconfig())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut apply.stdin.take().unwrap(), &rbac.stdout).unwrap();
    let applied = apply.wait_with_output().unwrap();
    assert!(applied.status.success(), "{}", stderr(&applied));
    // A short-lived token for it, in a 0600 kubeconfig; the token is never printed.
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("scanner.kubeconfig");
    let o = scan(&[
        "token",
        "e2e-scanner",
        "-n",
        "cinc-demo",
        "--duration",
        "10m",
        "--write-kubeconfig",
        kc.to_str().unwrap(),
    ]);
    expect_code(&o, 0);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&kc).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&kc).unwrap()).unwrap();
    let token = written["users"][0]["user"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.len() > 20);
    assert!(!stdout(&o).contains(&token) && !stderr(&o).contains(&token));
    // That identity scans a shell container and a distroless one (debug container included)…
    let o = Command::new(bin())
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "standard",
            "distroless-root",
            "-o",
            "json",
        ])
        .args(DEBUG_ARGS)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    expect_code(&o, 100);
    let docs = docs(&o);
    assert_eq!(docs.len(), 2);
    assert!(
        docs.iter()
            .all(|d| d["passthrough"]["cinc_scan"].get("error").is_none()),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains(&token) && !stderr(&o).contains(&token));
    // …and nothing outside its namespace.
    let o = Command::new(bin())
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "-n",
            "cinc-restricted",
            "restricted",
        ])
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains("RBAC denies get on pods in namespace \"cinc-restricted\""),
        "{}",
        stderr(&o)
    );
    // An unknown ServiceAccount says how to create it.
    let o = scan(&[
        "token",
        "nobody-here",
        "-n",
        "cinc-demo",
        "--write-kubeconfig",
        dir.path().join("x").to_str().unwrap(),
    ]);
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains("kubectl cinc-scan rbac -n cinc-demo --service-account nobody-here"),
        "{}",
        stderr(&o)
    );
}
