//! `kubectl cinc-scan <TAB>` through the real kubectl and the local cluster: kubectl's
//! `__complete` entry point runs completions/kubectl_complete-cinc_scan, which runs the plugin.
//! Ignored by a plain `cargo test`; tests/run-all runs it with `--include-ignored` and sets
//! CINC_SCAN_E2E_KUBECONFIG and CINC_SCAN_E2E_KUBECTL.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

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

/// A PATH directory holding the plugin and its completion script, as a user installs them.
struct Installed {
    dir: tempfile::TempDir,
}

fn install() -> Installed {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_kubectl-cinc_scan"),
        dir.path().join("kubectl-cinc_scan"),
    )
    .unwrap();
    // A symlink, not a copy: executing a file just written can fail with ETXTBSY.
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kubectl_complete-cinc_scan"),
        dir.path().join("kubectl_complete-cinc_scan"),
    )
    .unwrap();
    Installed { dir }
}

struct Answer {
    /// Candidate values, descriptions dropped.
    values: Vec<String>,
    directive: String,
    took: Duration,
    stderr: String,
}

/// `kubectl __complete cinc-scan WORDS...`, the call every shell's kubectl completion makes.
fn complete(inst: &Installed, words: &[&str]) -> Answer {
    let path = format!(
        "{}:{}",
        inst.dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = Instant::now();
    let out = Command::new(env_path("CINC_SCAN_E2E_KUBECTL"))
        .arg("__complete")
        .arg("cinc-scan")
        .args(words)
        .env("PATH", path)
        .env("KUBECONFIG", env_path("CINC_SCAN_E2E_KUBECONFIG"))
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(out.status.success(), "kubectl __complete failed: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines: Vec<&str> = stdout.lines().collect();
    let directive = lines.pop().unwrap_or_default().to_string();
    Answer {
        values: lines
            .iter()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect(),
        directive,
        took,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn has(a: &Answer, wanted: &[&str]) {
    for w in wanted {
        assert!(
            a.values.iter().any(|v| v == w),
            "{w} missing from {:?} (stderr: {})",
            a.values,
            a.stderr
        );
    }
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn pods_of_the_namespace_and_subcommands() {
    let inst = install();
    let a = complete(&inst, &["-n", "cinc-demo", ""]);
    has(&a, &["standard", "debian", "two-containers"]);
    assert!(
        !a.values.iter().any(|v| v == "restricted"),
        "{:?}",
        a.values
    );
    assert_eq!(a.directive, ":4");
    // The first word may also be a subcommand.
    let a = complete(&inst, &[""]);
    has(&a, &["profiles", "completion"]);
    // pod/NAME keeps its kind; names already on the line are not offered again.
    let a = complete(&inst, &["-n", "cinc-demo", "pod/two"]);
    assert_eq!(a.values, ["pod/two-containers"]);
    let a = complete(&inst, &["-n", "cinc-demo", "pod/standard", "st"]);
    assert!(a.values.is_empty(), "{:?}", a.values);
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn containers_of_the_pods_on_the_line() {
    let inst = install();
    let a = complete(&inst, &["-n", "cinc-demo", "pod/two-containers", "-c", ""]);
    assert_eq!(a.values, ["app", "helper"]);
    assert_eq!(a.directive, ":4");
    let a = complete(
        &inst,
        &["--namespace=cinc-demo", "two-containers", "-c", "h"],
    );
    assert_eq!(a.values, ["helper"]);
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn namespaces_and_contexts() {
    let inst = install();
    let a = complete(&inst, &["-n", ""]);
    has(
        &a,
        &["cinc-demo", "cinc-restricted", "default", "kube-system"],
    );
    let a = complete(&inst, &["--context", ""]);
    assert_eq!(a.values, ["cinc-scan", "demo"]);
    // The context named earlier on the line picks the namespace (demo: cinc-demo).
    let a = complete(&inst, &["--context", "demo", "deb"]);
    assert_eq!(a.values, ["debian"]);
    // And the kubeconfig named on the line wins over $KUBECONFIG.
    let a = complete(
        &inst,
        &["--kubeconfig", "/nonexistent", "-n", "cinc-demo", ""],
    );
    assert!(a.values.is_empty(), "{:?}", a.values);
    assert_eq!(a.directive, ":4");
    assert!(!a.stderr.contains("panicked"), "{}", a.stderr);
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn flags_enum_values_and_profiles() {
    let inst = install();
    let a = complete(&inst, &["--na"]);
    assert_eq!(a.values, ["--namespace"]);
    let a = complete(&inst, &["-o", ""]);
    assert_eq!(a.values, ["json", "junit", "markdown", "sarif", "table"]);
    let a = complete(&inst, &["--access", ""]);
    has(&a, &["auto", "exec"]);
    let a = complete(&inst, &["--color="]);
    assert_eq!(
        a.values,
        ["--color=always", "--color=auto", "--color=never"]
    );
    let a = complete(&inst, &["--profile", "builtin:"]);
    assert_eq!(a.values, ["builtin:container-baseline"]);
    // Free-form values: no candidates and no file names.
    let a = complete(&inst, &["-l", ""]);
    assert!(a.values.is_empty());
    assert_eq!(a.directive, ":4");
    // A path: the shell completes files.
    let a = complete(&inst, &["--kubeconfig", ""]);
    assert_eq!(a.directive, ":0");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn answers_are_quick() {
    let inst = install();
    // Warm up the page cache, then time the full path: kubectl, the script, the plugin, the API.
    complete(&inst, &["-n", "cinc-demo", ""]);
    let a = complete(&inst, &["-n", "cinc-demo", ""]);
    has(&a, &["standard"]);
    assert!(a.took < Duration::from_secs(2), "took {:?}", a.took);
    eprintln!(
        "kubectl __complete cinc-scan -n cinc-demo \"\": {:?}",
        a.took
    );
}
