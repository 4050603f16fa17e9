//! The binary's edges, without a cluster: bad flags and inputs exit 2 naming them, outputs
//! never replace devices and are private, hostile file names never reach a terminal raw.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::write(
        dir.path().join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\n",
    )
    .unwrap();
    dir
}

#[test]
fn an_overflowing_duration_is_a_usage_error_not_a_panic() {
    let o = run(&["--root", "/", "--timeout", "99999999999999999999"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--timeout"), "{}", stderr(&o));
    assert!(stderr(&o).contains("too large"), "{}", stderr(&o));
}

#[test]
fn a_profile_without_controls_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.yaml");
    std::fs::write(&p, "name: empty\ncontrols: []\n").unwrap();
    let root = tree();
    let o = run(&[
        "--root",
        root.path().to_str().unwrap(),
        "--profile",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no controls"), "{}", stderr(&o));
}

#[test]
fn a_fifo_as_profile_or_threshold_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let root = tree();
    for flag in ["--profile", "--threshold"] {
        let started = Instant::now();
        let o = run(&[
            "--root",
            root.path().to_str().unwrap(),
            flag,
            fifo.to_str().unwrap(),
        ]);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{flag} blocked"
        );
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("not a regular file"),
            "{flag}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn reports_are_private_and_never_replace_a_device() {
    let root = tree();
    let out = tempfile::tempdir().unwrap();
    let sarif = out.path().join("scan.sarif");
    let o = run(&[
        "--root",
        root.path().to_str().unwrap(),
        "-q",
        "--report",
        &format!("sarif={}", sarif.display()),
        "--report",
        "json=/dev/null",
        "--output-dir",
        out.path().join("hdf").to_str().unwrap(),
    ]);
    assert!(
        matches!(o.status.code(), Some(0 | 100 | 101)),
        "{}",
        stderr(&o)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&sarif), 0o600);
    let hdf = std::fs::read_dir(out.path().join("hdf"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(mode(&hdf), 0o600);
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    // --report-mode widens it on request.
    let o = run(&[
        "--root",
        root.path().to_str().unwrap(),
        "-q",
        "--report-mode",
        "0644",
        "--report",
        &format!("junit={}", out.path().join("j.xml").display()),
    ]);
    assert!(
        matches!(o.status.code(), Some(0 | 100 | 101)),
        "{}",
        stderr(&o)
    );
    assert_eq!(mode(&out.path().join("j.xml")), 0o644);
}

#[test]
fn hostile_file_names_reach_the_table_escaped() {
    let root = tree();
    let tmp = root.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // A world-writable file whose name retitles and clears a terminal (and a bidi override).
    let name = "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{202e}txt.exe";
    let evil = tmp.join(name);
    std::fs::write(&evil, "x").unwrap();
    std::fs::set_permissions(&evil, std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = run(&["--root", root.path().to_str().unwrap(), "-o", "table"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("\\x1b]0;PWNED\\x07\\x1b[2J"), "{table}");
    assert!(table.contains("\\u{202e}"), "{table}");
    assert!(!table.contains('\u{1b}') && !table.contains('\u{7}') && !table.contains('\u{202e}'));
    // Machine formats keep the name exactly (JSON escapes it).
    let o = run(&["--root", root.path().to_str().unwrap(), "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc.to_string().contains("PWNED"));
}

#[test]
fn json_lines_stream_one_document_per_container() {
    let root = tree();
    let o = run(&["--root", root.path().to_str().unwrap(), "-o", "json", "-q"]);
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1);
    let doc: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert!(doc["platform"]["target_id"].as_str().is_some());
}

#[test]
fn a_crash_never_exits_with_a_verdict_code() {
    // A token with a newline once panicked inside the HTTP auth layer (exit 101, "only
    // skipped"). Whatever catches it now (validation or the panic hook), the code is 1 or 2.
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:9\", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: \"abc\\ndef\"}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
    )
    .unwrap();
    let o = run(&["--kubeconfig", kc.to_str().unwrap(), "pod/x"]);
    let code = o.status.code();
    assert!(matches!(code, Some(1 | 2)), "exit {code:?}: {}", stderr(&o));
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
}
