//! The in-pod mode on this machine: a proc directory laid out like a shared PID namespace
//! (the target's `root` links to a fixture root filesystem), the real binary running
//! `sidecar run --once` and `sidecar cat`. The cluster tests (tests/sidecar_e2e.rs) do the
//! same through a real pod.

mod common;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn fake_process(proc_dir: &Path, pid: u32, start: u64, env: &[u8], root: &Path, uid: u32) {
    let p = proc_dir.join(pid.to_string());
    std::fs::create_dir_all(&p).unwrap();
    let stat = format!("{pid} (app) S 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {start} 0 0");
    std::fs::write(p.join("stat"), stat).unwrap();
    std::fs::write(p.join("environ"), env).unwrap();
    std::fs::write(
        p.join("cgroup"),
        "0::/kubepods/pod1/cri-containerd-abc.scope\n",
    )
    .unwrap();
    let status = format!("Name:\tapp\nPid:\t{pid}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n");
    std::fs::write(p.join("status"), status).unwrap();
    symlink(root, p.join("root")).unwrap();
}

struct Pod {
    _dir: tempfile::TempDir,
    proc_dir: std::path::PathBuf,
    results: std::path::PathBuf,
    _fixture: common::Fixture,
    root: std::path::PathBuf,
}

fn pod() -> Pod {
    let fixture = common::build("debian");
    let dir = tempfile::tempdir().unwrap();
    let proc_dir = dir.path().join("proc");
    let pause = dir.path().join("pause-root");
    std::fs::create_dir_all(&pause).unwrap();
    fake_process(&proc_dir, 1, 100, b"", &pause, 65535);
    fake_process(
        &proc_dir,
        7,
        200,
        b"HOME=/\0CINC_SCAN_TARGET=app\0",
        fixture.root(),
        1000,
    );
    fake_process(
        &proc_dir,
        8,
        300,
        b"CINC_SCAN_TARGET=app\0",
        fixture.root(),
        1000,
    );
    let results = dir.path().join("results");
    std::fs::create_dir_all(&results).unwrap();
    Pod {
        root: fixture.root().to_path_buf(),
        _fixture: fixture,
        proc_dir,
        results,
        _dir: dir,
    }
}

fn sidecar(pod: &Pod, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["sidecar"])
        .args(args)
        .arg("--results-dir")
        .arg(&pod.results)
        .env("POD_NAME", "web-0")
        .env("POD_NAMESPACE", "shop")
        .output()
        .unwrap()
}

fn run_once(pod: &Pod, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--once",
        "--proc-dir",
        pod.proc_dir.to_str().unwrap(),
    ];
    args.extend(extra);
    sidecar(pod, &args)
}

fn statuses(doc: &Value) -> Vec<(String, String)> {
    doc["profiles"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rs: Vec<&str> = c["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["status"].as_str().unwrap())
                .collect();
            let s = if rs.contains(&"error") {
                "error"
            } else if rs.contains(&"failed") {
                "failed"
            } else if rs.contains(&"passed") {
                "passed"
            } else {
                "skipped"
            };
            (c["id"].as_str().unwrap().to_string(), s.to_string())
        })
        .collect()
}

fn result_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "summary.json")
        .collect();
    v.sort();
    v
}

#[test]
fn one_round_writes_hdf_and_a_summary_that_cat_prints() {
    let pod = pod();
    let o = run_once(&pod, &[]);
    let code = o.status.code().unwrap();
    assert!(
        [0, 100, 101].contains(&code),
        "exit {code}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let log = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(lines[0].contains(" shop/web-0/app: "), "{log}");
    assert!(lines[0].contains("compliance "), "{log}");
    let files = result_files(&pod.results);
    assert_eq!(files.len(), 1);
    assert!(files[0].starts_with("app.") && files[0].len() == "app.0000000000000.json".len());
    let mode = std::fs::metadata(pod.results.join(&files[0]))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "findings are private");
    let summary: Value =
        serde_json::from_slice(&std::fs::read(pod.results.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["targets"][0]["file"], files[0].as_str());
    assert_eq!(summary["targets"][0]["target_id"], "shop/web-0/app");

    let o = sidecar(&pod, &["cat"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), 1);
    let doc: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(doc["platform"]["target_id"], "shop/web-0/app");
    assert_eq!(doc["passthrough"]["cinc_scan"]["access"], "sidecar");
    let detail = doc["passthrough"]["cinc_scan"]["access_detail"]
        .as_str()
        .unwrap();
    assert!(detail.contains("pid 7 (CINC_SCAN_TARGET=app)"), "{detail}");

    // The same engine and reader as --root: every control both evaluate agrees.
    let o = Command::new(bin())
        .args(["--root"])
        .arg(&pod.root)
        .args(["-o", "json", "-q"])
        .output()
        .unwrap();
    let local: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ours = statuses(&doc);
    let theirs = statuses(&local);
    assert_eq!(ours.len(), theirs.len());
    let mut compared = 0;
    for ((id, a), (id2, b)) in ours.iter().zip(&theirs) {
        assert_eq!(id, id2);
        if a != "skipped" && b != "skipped" {
            assert_eq!(a, b, "control {id}");
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} controls compared");
    // The sidecar sees the process (uid 1000 from its status), --root cannot.
    let process_checked = ours
        .iter()
        .zip(&theirs)
        .filter(|((_, a), (_, b))| a != "skipped" && b == "skipped")
        .count();
    assert!(process_checked > 0, "no control used the target's process");
}

#[test]
fn keeps_the_last_n_and_names_missing_targets() {
    let pod = pod();
    for _ in 0..4 {
        run_once(&pod, &["--keep", "2"]);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(result_files(&pod.results).len(), 2);
    let o = run_once(&pod, &["--target", "web", "--keep", "2"]);
    assert_eq!(o.status.code(), Some(1));
    let log = String::from_utf8_lossy(&o.stdout);
    assert!(
        log.contains("shop/web-0/web: ERROR") && log.contains("CINC_SCAN_TARGET=web"),
        "{log}"
    );
    let o = sidecar(&pod, &["cat", "--all", "--target", "app"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    // A result file that is not HDF JSON is reported, never printed.
    std::fs::write(pod.results.join("app.9999999999999.json"), "{\"trunc").unwrap();
    let o = sidecar(&pod, &["cat", "--target", "app"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not JSON"));
    assert_eq!(o.stdout.len(), 0);
}

#[test]
fn killing_the_sidecar_at_any_moment_leaves_no_partial_result() {
    let pod = pod();
    // How long a whole run takes here, so the kills cover all of it.
    let t = std::time::Instant::now();
    run_once(&pod, &[]);
    let whole = t.elapsed().as_micros() as u64;
    let mut kills = 0;
    for i in 0..40u64 {
        let mut child = Command::new(bin())
            .args(["sidecar", "run", "--once", "--keep", "3", "--proc-dir"])
            .arg(&pod.proc_dir)
            .arg("--results-dir")
            .arg(&pod.results)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole run: start-up, scan, write, rename, prune.
        std::thread::sleep(std::time::Duration::from_micros(
            whole * (i % 20 + 1) * 3 / 40,
        ));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        for name in result_files(&pod.results) {
            if name.starts_with('.') && name.ends_with(".tmp") {
                continue; // a temporary of the killed writer: never read as a result
            }
            assert!(name.ends_with(".json"), "unexpected file {name}");
            let bytes = std::fs::read(pod.results.join(&name)).unwrap();
            let doc: Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{name} is a partial result ({e}) after kill {i}"));
            assert!(doc["profiles"].is_array());
        }
    }
    assert!(
        kills > 10,
        "only {kills} of 40 runs were killed before they finished"
    );
    // The next start removes the temporaries; cat prints only whole documents.
    run_once(&pod, &[]);
    assert!(result_files(&pod.results)
        .iter()
        .all(|n| !n.ends_with(".tmp")));
    let summary = std::fs::read(pod.results.join("summary.json")).unwrap();
    serde_json::from_slice::<Value>(&summary).unwrap();
    let o = sidecar(&pod, &["cat", "--all"]);
    assert!(o.status.success());
    for line in String::from_utf8(o.stdout).unwrap().lines() {
        serde_json::from_str::<Value>(line).unwrap();
    }
    eprintln!("killed {kills} of 40 runs (a whole run takes {whole} µs)");
}
