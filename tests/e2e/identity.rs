//! `--ephemeral-identity` on the real cluster: the scan runs with only the minted token, and
//! no ServiceAccount, Role or RoleBinding is left after success, failure, Ctrl-C, SIGTERM, or
//! `kill -9` followed by `cleanup`. Each test has its own `cinc-tgt-eph-*` namespace.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::targets::{apply, kubectl, scan_with, wait_ready, wait_until, Namespace};
use super::{bin, code, expect_code, kubeconfig, stderr, stdout, DEBUG_ARGS};

const LABEL: &str = "app.kubernetes.io/managed-by=kubectl-cinc-scan,cinc-scan.dev/run";

fn pods(ns: &str) -> String {
    let pod = |name: &str, image: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}}}\n\
             spec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: app\n    \
             image: cinc-scan.local/{image}:v1\n    imagePullPolicy: Never\n"
        )
    };
    [
        pod("target", "standard"),
        pod("other", "standard"),
        pod("distroless", "distroless-nonroot"),
    ]
    .join("---\n")
}

/// The ephemeral identity's objects in the namespace, as `kind/name`.
fn leftovers(ns: &str) -> Vec<String> {
    let o = kubectl(
        &[
            "-n",
            ns,
            "get",
            "serviceaccounts,roles,rolebindings",
            "-l",
            LABEL,
            "-o",
            "name",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

fn profile(dir: &Path, slow: bool) -> PathBuf {
    let check = if slow {
        // Long enough that a signal lands inside the scan.
        "      - resource: command\n        command: 'sleep 30; echo done'\n        \
         expect: [{field: output, equals: done}]\n"
    } else {
        "      - resource: file\n        path: /etc/passwd\n        \
         expect: [{field: exists, equals: true}]\n"
    };
    let p = dir.join(if slow { "slow.yaml" } else { "quick.yaml" });
    std::fs::write(
        &p,
        format!(
            "name: e2e-identity\ntitle: e2e identity\nversion: 0.0.1\ncontrols:\n  - id: one\n    \
             title: one check\n    desc: d\n    impact: 0.5\n    checks:\n{check}"
        ),
    )
    .unwrap();
    p
}

fn setup(suffix: &str) -> (Namespace, tempfile::TempDir) {
    let ns = Namespace::create(suffix);
    apply(&pods(&ns.0));
    wait_ready(&ns.0, 3);
    (ns, tempfile::tempdir().unwrap())
}

fn spawn_scan(args: &[&str]) -> Child {
    Command::new(bin())
        .args(args)
        .env("KUBECONFIG", kubeconfig())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the running scan has made its RoleBinding (the last object before the token).
fn wait_for_identity(ns: &str) {
    wait_until(Duration::from_secs(30), "the ephemeral RoleBinding", || {
        leftovers(ns).iter().any(|l| l.starts_with("rolebinding"))
    });
}

/// `kill -SIG PID` through the POSIX shell's builtin (no procps needed).
fn signal(child: &Child, sig: &str) {
    let ok = Command::new("sh")
        .args(["-c", "kill \"$0\" \"$1\"", sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig}");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn ephemeral_identity_scans_with_only_its_token_and_leaves_nothing() {
    let (ns, dir) = setup("eph-ok");
    let ns = ns.0.as_str();
    // An admin that may create the identity but not exec: it grants pods/exec only through
    // `escalate` and `bind`, so a scan that succeeds ran with the minted token.
    apply(&format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: scan-admin, namespace: {ns}}}\n---\n\
         apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: scan-admin, namespace: {ns}}}\n\
         rules:\n\
         - {{apiGroups: [\"\"], resources: [pods], verbs: [get, list]}}\n\
         - {{apiGroups: [\"\"], resources: [serviceaccounts], verbs: [create, delete, list]}}\n\
         - {{apiGroups: [\"\"], resources: [serviceaccounts/token], verbs: [create]}}\n\
         - {{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [create, delete, list, escalate, bind]}}\n\
         - {{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create, delete, list]}}\n\
         ---\n\
         apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: scan-admin, namespace: {ns}}}\n\
         roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: scan-admin}}\n\
         subjects: [{{kind: ServiceAccount, name: scan-admin, namespace: {ns}}}]\n"
    ));
    let kc = dir.path().join("admin.kubeconfig");
    let o = scan_with(
        &[
            "token",
            "scan-admin",
            "-n",
            ns,
            "--write-kubeconfig",
            kc.to_str().unwrap(),
        ],
        None,
    );
    expect_code(&o, 0);
    let kc = kc.to_str().unwrap();
    let quick = profile(dir.path(), false);
    let quick = quick.to_str().unwrap();
    let as_admin = |extra: &[&str]| {
        let mut args = vec!["--kubeconfig", kc, "-n", ns, "--profile", quick];
        args.extend_from_slice(extra);
        Command::new(bin())
            .args(&args)
            .env_remove("KUBECONFIG")
            .output()
            .unwrap()
    };
    // Its own identity cannot exec…
    let o = as_admin(&["target", "-o", "json"]);
    expect_code(&o, 1);
    assert!(
        stdout(&o).contains("RBAC denies create pods/exec"),
        "{}",
        stdout(&o)
    );
    // …the ephemeral one can, and only that pod was granted.
    let t = Instant::now();
    let o = as_admin(&["target", "-o", "json", "--ephemeral-identity"]);
    let took = t.elapsed();
    expect_code(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("note: scanning as ServiceAccount {ns}/cinc-scan-")),
        "{err}"
    );
    assert!(
        err.contains("note: removed the ephemeral identity"),
        "{err}"
    );
    assert_eq!(leftovers(ns), Vec::<String>::new());
    // The debug container's verbs come with the default --access auto: a distroless pod.
    let mut args = vec!["distroless", "-o", "json", "--ephemeral-identity"];
    args.extend_from_slice(&DEBUG_ARGS);
    let o = as_admin(&args);
    expect_code(&o, 0);
    assert!(stdout(&o).contains(r#""access":"debug""#), "{}", stdout(&o));
    assert_eq!(leftovers(ns), Vec::<String>::new());
    // A failed scan (exec forced on a container without a shell) removes it too.
    let o = as_admin(&["distroless", "--access", "exec", "--ephemeral-identity"]);
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains("note: removed the ephemeral identity"),
        "{}",
        stderr(&o)
    );
    assert_eq!(leftovers(ns), Vec::<String>::new());
    // An admin that may create the ServiceAccount and Role but not the RoleBinding: the
    // half-made identity is removed and the error says which rights are missing.
    let o = kubectl(
        &[
            "-n",
            ns,
            "patch",
            "role",
            "scan-admin",
            "--type=json",
            "-p",
            r#"[{"op": "replace", "path": "/rules/4/verbs", "value": ["delete", "list"]}]"#,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    wait_until(Duration::from_secs(10), "the narrowed admin Role", || {
        let o = as_admin(&["target", "--ephemeral-identity"]);
        code(&o) == 1 && stderr(&o).contains("cannot create the ephemeral identity")
    });
    let o = as_admin(&["target", "--ephemeral-identity"]);
    expect_code(&o, 1);
    assert!(
        stderr(&o).contains("RBAC denies create on rolebindings")
            && stderr(&o).contains("the admin identity needs create and delete on"),
        "{}",
        stderr(&o)
    );
    assert_eq!(leftovers(ns), Vec::<String>::new());
    // A token shorter than the API server's minimum is a usage error, before anything exists.
    let o = as_admin(&["target", "--ephemeral-identity", "--token-duration", "5m"]);
    expect_code(&o, 2);
    eprintln!("ephemeral identity: successful scan in {took:?}");
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn one_identity_spans_the_namespaces_of_a_manifest() {
    let (first, dir) = setup("eph-ns1");
    let second = Namespace::create("eph-ns2");
    apply(&pods(&second.0));
    wait_ready(&second.0, 3);
    let (a, b) = (first.0.as_str(), second.0.as_str());
    let manifest = dir.path().join("two.yaml");
    std::fs::write(
        &manifest,
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: target, namespace: {a}}}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata: {{name: target, namespace: {b}}}\n"
        ),
    )
    .unwrap();
    let quick = profile(dir.path(), false);
    let o = scan_with(
        &[
            "-f",
            manifest.to_str().unwrap(),
            "--profile",
            quick.to_str().unwrap(),
            "-o",
            "json",
            "--ephemeral-identity",
        ],
        None,
    );
    expect_code(&o, 0);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    // One ServiceAccount (in the first namespace), a Role and a RoleBinding in each: 5 objects.
    assert!(
        stderr(&o).contains(&format!("note: scanning as ServiceAccount {a}/cinc-scan-"))
            && stderr(&o).contains("(5 objects)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(leftovers(a), Vec::<String>::new());
    assert_eq!(leftovers(b), Vec::<String>::new());
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn ephemeral_identity_is_removed_after_ctrl_c_and_sigterm() {
    let (ns, dir) = setup("eph-sig");
    let ns = ns.0.as_str();
    let slow = profile(dir.path(), true);
    let slow = slow.to_str().unwrap();
    for sig in ["-INT", "-TERM"] {
        let child = spawn_scan(&[
            "-n",
            ns,
            "target",
            "--profile",
            slow,
            "--ephemeral-identity",
        ]);
        wait_for_identity(ns);
        // Inside the 30 s probe.
        std::thread::sleep(Duration::from_secs(2));
        let t = Instant::now();
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        let took = t.elapsed();
        assert_eq!(code(&o), 130, "{sig}: {}", stderr(&o));
        assert!(took < Duration::from_secs(20), "{sig}: exit took {took:?}");
        assert!(
            stderr(&o).contains("note: removed the ephemeral identity"),
            "{}",
            stderr(&o)
        );
        assert_eq!(leftovers(ns), Vec::<String>::new(), "{sig}");
        eprintln!("ephemeral identity: {sig} → exit 130 in {took:?}, 0 objects left");
    }
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn kill_9_leftovers_are_limited_and_removed_by_cleanup_once_expired() {
    let (ns, dir) = setup("eph-kill");
    let ns = ns.0.as_str();
    let slow = profile(dir.path(), true);
    let mut child = spawn_scan(&[
        "-n",
        ns,
        "target",
        "--profile",
        slow.to_str().unwrap(),
        "--ephemeral-identity",
    ]);
    wait_for_identity(ns);
    std::thread::sleep(Duration::from_secs(1));
    child.kill().unwrap();
    let _ = child.wait();
    let left = leftovers(ns);
    assert_eq!(left.len(), 3, "{left:?}");
    let sa = left
        .iter()
        .find_map(|l| l.strip_prefix("serviceaccount/"))
        .unwrap()
        .to_string();
    // What the leftover identity may do: exec into the target pod, nothing else.
    let can = |args: &[&str]| {
        let who = format!("--as=system:serviceaccount:{ns}:{sa}");
        let mut a = vec!["auth", "can-i", "-n", ns, who.as_str()];
        a.extend_from_slice(args);
        stdout(&kubectl(&a, None)).trim().to_string()
    };
    assert_eq!(can(&["create", "pods/target", "--subresource=exec"]), "yes");
    assert_eq!(can(&["create", "pods/other", "--subresource=exec"]), "no");
    assert_eq!(can(&["list", "pods"]), "no");
    assert_eq!(can(&["get", "secrets"]), "no");
    let cleanup = |extra: &[&str]| {
        let mut args = vec!["cleanup", "-n", ns];
        args.extend_from_slice(extra);
        scan_with(&args, None)
    };
    // Not expired yet: kept.
    let o = cleanup(&[]);
    expect_code(&o, 0);
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("kept "))
            .count(),
        3,
        "{}",
        stdout(&o)
    );
    assert_eq!(leftovers(ns).len(), 3);
    // --all --dry-run names them and removes nothing.
    let o = cleanup(&["--all", "--dry-run"]);
    expect_code(&o, 0);
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("would delete "))
            .count(),
        3
    );
    assert_eq!(leftovers(ns).len(), 3);
    // Once their expiry has passed, a plain cleanup removes them.
    for l in &left {
        let o = kubectl(
            &[
                "-n",
                ns,
                "annotate",
                "--overwrite",
                l,
                "cinc-scan.dev/expires=2000-01-01T00:00:00Z",
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = cleanup(&[]);
    expect_code(&o, 0);
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("deleted "))
            .count(),
        3,
        "{}",
        stdout(&o)
    );
    assert_eq!(leftovers(ns), Vec::<String>::new());
    // And --all removes a leftover that has not expired.
    let mut child = spawn_scan(&[
        "-n",
        ns,
        "target",
        "--profile",
        slow.to_str().unwrap(),
        "--ephemeral-identity",
    ]);
    wait_for_identity(ns);
    child.kill().unwrap();
    let _ = child.wait();
    wait_until(Duration::from_secs(10), "three leftovers", || {
        leftovers(ns).len() == 3
    });
    let o = cleanup(&["--all"]);
    expect_code(&o, 0);
    assert_eq!(leftovers(ns), Vec::<String>::new());
}
