//! Our HDF in the real consumers: inspecjs (the parser Heimdall and the SAF CLI read HDF with),
//! `saf convert hdf2ckl` (the DISA checklist), and Heimdall Lite in Debian's headless Chromium.
//! The documents come from `--root` scans of the fixture trees and from real cluster scans
//! (exec, a distroless container through a debug container, a Pod Security `restricted`
//! namespace, a two-container pod written with `--output-dir`); "ours" is what our own table
//! says of the same scan. Ignored by a plain `cargo test`: tests/run-all installs the tools,
//! brings the cluster up and sets CINC_SCAN_CONSUMERS (a node_modules directory with inspecjs,
//! @mitre/heimdall-lite and playwright-core), CINC_SCAN_CHROMIUM, CINC_SCAN_SAF and the
//! CINC_SCAN_E2E_* cluster variables.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn env_path(name: &str) -> PathBuf {
    let p = PathBuf::from(
        std::env::var_os(name)
            .unwrap_or_else(|| panic!("{name} is not set: these tests run through tests/run-all")),
    );
    assert!(p.exists(), "{name}={} does not exist", p.display());
    p
}

/// What our table says of one container: each control's status and severity, and the counts.
#[derive(Debug, Default, Clone)]
struct Ours {
    controls: BTreeMap<String, (String, String)>,
    /// passed, failed, skipped (not reviewed), n/a, error.
    counts: [u64; 5],
}

/// Parse `--report table=FILE`: a header line per container, one row per control, a summary.
fn parse_table(text: &str) -> BTreeMap<String, Ours> {
    let header = Regex::new(r"^(\S+)  \(access: ").unwrap();
    let row = Regex::new(
        r"^\s*(passed|failed|skipped|n/a|error)\s+(none|low|medium|high|critical)\s+(\S+)",
    )
    .unwrap();
    let summary =
        Regex::new(r"^(\d+) passed, (\d+) failed, (\d+) skipped, (\d+) n/a, (\d+) error").unwrap();
    let mut all = BTreeMap::new();
    let mut current: Option<(String, Ours)> = None;
    for line in text.lines() {
        if let Some(m) = header.captures(line) {
            current = Some((m[1].to_string(), Ours::default()));
        } else if let (Some(m), Some((_, ours))) = (row.captures(line), current.as_mut()) {
            ours.controls
                .insert(m[3].to_string(), (m[1].to_string(), m[2].to_string()));
        } else if let Some(m) = summary.captures(line) {
            let (id, mut ours) = current.take().expect("a summary line after a header");
            for i in 0..5 {
                ours.counts[i] = m[i + 1].parse().unwrap();
            }
            all.insert(id, ours);
        }
    }
    all
}

/// Every document written, and what our table said of its container.
struct Docs {
    _dir: tempfile::TempDir,
    _fixtures: Vec<common::Fixture>,
    files: Vec<PathBuf>,
    /// The documents of the cluster scans (their ids name no path of this machine).
    cluster: Vec<PathBuf>,
    ours: BTreeMap<String, Ours>,
}

/// `ns/pod/container` → `ns_pod_container.json`, the --output-dir naming.
fn file_name(target_id: &str) -> String {
    let safe: String = target_id
        .trim_start_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

fn run_scan(dir: &Path, n: usize, args: &[&str], kubeconfig: Option<&Path>) -> Vec<PathBuf> {
    let table = dir.join(format!("scan-{n}.txt"));
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .arg("--report")
        .arg(format!("table={}", table.display()))
        .env_remove("CINC_SCAN_COLOR");
    if let Some(k) = kubeconfig {
        cmd.env("KUBECONFIG", k);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 100 | 101)),
        "scan {args:?} failed: {stderr}"
    );
    assert!(table.exists(), "{args:?} wrote no table: {stderr}");
    let mut files = Vec::new();
    if args.contains(&"--output-dir") {
        let out_dir = dir.join(format!("out-{n}"));
        for e in std::fs::read_dir(&out_dir).unwrap() {
            files.push(e.unwrap().path());
        }
    } else {
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            // Named like the --output-dir files: Heimdall shows the file name.
            let doc: Value = serde_json::from_str(line).unwrap();
            let id = doc["platform"]["target_id"].as_str().unwrap();
            let path = dir.join(file_name(id));
            std::fs::write(&path, line).unwrap();
            files.push(path);
        }
    }
    assert!(!files.is_empty(), "{args:?} wrote no HDF");
    files.sort();
    files
}

fn docs() -> &'static Docs {
    static DOCS: OnceLock<Docs> = OnceLock::new();
    DOCS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = env_path("CINC_SCAN_E2E_KUBECONFIG");
        let mut files = Vec::new();
        let mut fixtures = Vec::new();
        let mut n = 0;
        for name in ["alpine", "debian", "distroless"] {
            let fx = common::build(name);
            let root = fx.root().display().to_string();
            files.extend(run_scan(
                dir.path(),
                n,
                &["--root", &root, "-o", "json"],
                None,
            ));
            fixtures.push(fx);
            n += 1;
        }
        let debug = [
            "--debug-image",
            "cinc-scan.local/debug:v1",
            "--debug-pull-policy",
            "Never",
        ];
        let cluster: Vec<Vec<&str>> = vec![
            vec!["-n", "cinc-demo", "pod/standard", "-o", "json"],
            [
                &["-n", "cinc-demo", "distroless-nonroot", "-o", "json"][..],
                &debug,
            ]
            .concat(),
            [
                &["-n", "cinc-restricted", "restricted", "-o", "json"][..],
                &debug,
            ]
            .concat(),
            vec![
                "-n",
                "cinc-demo",
                "two-containers",
                "-o",
                "table",
                "--output-dir",
                "MULTI",
            ],
        ];
        let mut cluster_files = Vec::new();
        for args in cluster {
            let real_out = dir.path().join(format!("out-{n}"));
            let out_s = real_out.display().to_string();
            let args: Vec<&str> = args
                .iter()
                .map(|a| if *a == "MULTI" { out_s.as_str() } else { a })
                .collect();
            cluster_files.extend(run_scan(dir.path(), n, &args, Some(&kubeconfig)));
            n += 1;
        }
        files.extend(cluster_files.iter().cloned());
        let mut ours = BTreeMap::new();
        for i in 0..n {
            let text = std::fs::read_to_string(dir.path().join(format!("scan-{i}.txt"))).unwrap();
            ours.extend(parse_table(&text));
        }
        assert_eq!(ours.len(), files.len(), "one table per HDF document");
        Docs {
            _dir: dir,
            _fixtures: fixtures,
            files,
            cluster: cluster_files,
            ours,
        }
    })
}

fn node(script: &str, args: &[&str]) -> Value {
    node_with(script, args, &[])
}

fn node_with(script: &str, args: &[&str], envs: &[(&str, &str)]) -> Value {
    let modules = env_path("CINC_SCAN_CONSUMERS");
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/consumers")
        .join(script);
    let out = Command::new("node")
        .arg(&script)
        .args(args)
        .env("NODE_PATH", &modules)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}: {stdout}{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Heimdall's status names in ours.
fn our_status(heimdall: &str) -> &'static str {
    match heimdall {
        "Passed" => "passed",
        "Failed" => "failed",
        "Not Applicable" => "n/a",
        "Not Reviewed" => "skipped",
        "Profile Error" => "error",
        other => panic!("inspecjs gave an unknown status {other:?}"),
    }
}

fn paths(files: &[PathBuf]) -> Vec<String> {
    files.iter().map(|f| f.display().to_string()).collect()
}

#[test]
#[ignore = "needs inspecjs and the cluster: run tests/run-all"]
fn inspecjs_reads_every_document_with_our_statuses() {
    let d = docs();
    let args = paths(&d.files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let parsed = node("inspecjs.js", &args);
    let mut seen_statuses = std::collections::BTreeSet::new();
    for file in &d.files {
        let p = &parsed[file.display().to_string()];
        assert_eq!(
            p["formats"],
            serde_json::json!(["1_0_ExecJson"]),
            "{}: {p}",
            file.display()
        );
        assert_eq!(p["errors"], serde_json::json!([]), "{}", file.display());
        let target = p["target_id"].as_str().unwrap();
        let ours = d
            .ours
            .get(target)
            .unwrap_or_else(|| panic!("no table for {target}"));
        let theirs = p["controls"].as_object().unwrap();
        assert_eq!(theirs.len(), ours.controls.len(), "{target}: control count");
        for (id, (status, severity)) in &ours.controls {
            let c = &theirs[id.as_str()];
            let got = our_status(c["status"].as_str().unwrap());
            assert_eq!(got, status, "{target} {id}: inspecjs vs our table");
            assert_eq!(c["severity"], severity.as_str(), "{target} {id}: severity");
            seen_statuses.insert(got);
        }
    }
    // Every platform is named; the distroless container (no os-release) after its image.
    for file in &d.files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert_ne!(doc["platform"]["name"], "unknown", "{}", file.display());
        if doc["platform"]["target_id"] == "cinc-demo/distroless-nonroot/app" {
            assert_eq!(doc["platform"]["name"], "distroless-nonroot");
            assert_eq!(doc["platform"]["release"], "");
        }
    }
    // The set is representative: real N/A and not-reviewed controls beside passes and failures.
    for s in ["passed", "failed", "skipped", "n/a"] {
        assert!(
            seen_statuses.contains(s),
            "no control was {s}: {seen_statuses:?}"
        );
    }
    assert!(d.files.len() >= 8, "{} documents", d.files.len());
}

/// `Check_Content` and `Fix_Text` of every VULN in a checklist, by its rule id.
fn checklist_texts(ckl: &str) -> BTreeMap<String, (String, String)> {
    let vuln = Regex::new(r"(?s)<VULN>(.*?)</VULN>").unwrap();
    let attr = |body: &str, name: &str| -> String {
        let re = Regex::new(&format!(
            r"(?s)<VULN_ATTRIBUTE>{name}</VULN_ATTRIBUTE>\s*<ATTRIBUTE_DATA>(.*?)</ATTRIBUTE_DATA>"
        ))
        .unwrap();
        re.captures(body)
            .map(|m| m[1].trim().to_string())
            .unwrap_or_default()
    };
    vuln.captures_iter(ckl)
        .map(|m| {
            let body = &m[1];
            (
                attr(body, "Rule_ID"),
                (attr(body, "Check_Content"), attr(body, "Fix_Text")),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs the SAF CLI and the cluster: run tests/run-all"]
fn saf_hdf2ckl_fills_check_content_and_fix_text() {
    let saf = env_path("CINC_SCAN_SAF");
    let d = docs();
    let dir = tempfile::tempdir().unwrap();
    // A fixture scan and a cluster scan.
    for (i, file) in [d.files.first().unwrap(), d.files.last().unwrap()]
        .into_iter()
        .enumerate()
    {
        let ckl = dir.path().join(format!("{i}.ckl"));
        let out = Command::new(&saf)
            .args(["convert", "hdf2ckl", "-i"])
            .arg(file)
            .arg("-o")
            .arg(&ckl)
            .output()
            .unwrap();
        assert!(
            out.status.success() && ckl.exists(),
            "hdf2ckl {}: {}{}",
            file.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let texts = checklist_texts(&std::fs::read_to_string(&ckl).unwrap());
        assert_eq!(
            texts.len(),
            46,
            "{}: one VULN per built-in control",
            ckl.display()
        );
        for (rule, (check, fix)) in &texts {
            assert!(rule.starts_with("cb-"), "{rule}");
            assert!(check.len() > 40, "{rule}: Check_Content {check:?}");
            assert!(fix.len() > 40, "{rule}: Fix_Text {fix:?}");
        }
    }
}

#[test]
#[ignore = "needs Heimdall Lite, Chromium and the cluster: run tests/run-all"]
fn heimdall_lite_shows_our_counts_without_an_error() {
    let modules = env_path("CINC_SCAN_CONSUMERS");
    let chromium = env_path("CINC_SCAN_CHROMIUM");
    let d = docs();
    let dist = modules.join("@mitre/heimdall-lite/dist");
    let dir = tempfile::tempdir().unwrap();
    let load = |shot: &Path, files: &[PathBuf]| {
        let mut args = vec![
            dist.display().to_string(),
            chromium.display().to_string(),
            shot.display().to_string(),
        ];
        args.extend(paths(files));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        node_with(
            "heimdall.js",
            &args,
            &[("HEIMDALL_OPEN_CONTROL", "cb-acct-03")],
        )
    };
    let shot = dir.path().join("heimdall.png");
    let page = load(&shot, &d.files);
    assert_eq!(page["failure"], Value::Null, "{page}");
    assert_eq!(
        page["errors"],
        serde_json::json!([]),
        "an error toast: {page}"
    );
    let mut ours = [0u64; 5];
    for o in d.ours.values() {
        for (i, n) in o.counts.iter().enumerate() {
            ours[i] += n;
        }
    }
    let counts = &page["counts"];
    let theirs = [
        counts["Passed"].as_u64(),
        counts["Failed"].as_u64(),
        counts["Not Reviewed"].as_u64(),
        counts["Not Applicable"].as_u64(),
        counts["Profile Error"].as_u64(),
    ];
    assert_eq!(
        theirs,
        ours.map(Some),
        "Heimdall's cards (passed, failed, not reviewed, n/a, error) vs our tables: {page}"
    );
    // Run times in the control table read as numbers (a value below 1e-6 shows as `7.51es`).
    let times: Vec<&str> = page["run_times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        times.len() >= 10,
        "the control table shows run times: {page}"
    );
    let plain = Regex::new(r"^[0-9]+(\.[0-9]+)?s$").unwrap();
    for t in &times {
        assert!(plain.is_match(t), "Heimdall shows run time {t:?}");
    }
    // An assessor opens a control: Details shows our check and fix texts, Code our YAML.
    let profile = cinc_scan::engine::builtin::load(cinc_scan::engine::builtin::DEFAULT).unwrap();
    let ctl = profile
        .controls
        .iter()
        .find(|c| c.id == "cb-acct-03")
        .unwrap();
    let details = page["details"].as_str().unwrap();
    for (label, text) in [("Check", &ctl.check), ("Fix", &ctl.fix)] {
        let want = format!("{label}:\n{}", text.as_deref().unwrap().trim());
        assert!(
            details.contains(&want),
            "Heimdall's Details lack {want:?}:\n{details}"
        );
    }
    let code = page["code"].as_str().unwrap();
    assert!(
        code.contains("id: cb-acct-03\ntitle: /etc/shadow mode <= 0640, owner root\n"),
        "Heimdall's Code tab: {code}"
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a screenshot was saved");
    // The README's picture: the cluster scans only.
    if std::env::var_os("CINC_SCAN_UPDATE_SCREENSHOT").is_some() {
        let readme_shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/heimdall.png");
        let page = load(&readme_shot, &d.cluster);
        assert_eq!(page["errors"], serde_json::json!([]), "{page}");
    }
}

/// Why the README keeps one file per container: neither combined form loads as evaluations.
#[test]
#[ignore = "needs Heimdall Lite, Chromium and the cluster: run tests/run-all"]
fn heimdall_lite_does_not_read_combined_files() {
    let modules = env_path("CINC_SCAN_CONSUMERS");
    let chromium = env_path("CINC_SCAN_CHROMIUM");
    let d = docs();
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = d.files[..2]
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap().trim().to_string())
        .collect();
    let lines = dir.path().join("scan.jsonl.json");
    std::fs::write(&lines, format!("{}\n{}\n", texts[0], texts[1])).unwrap();
    let array = dir.path().join("scan-array.json");
    std::fs::write(&array, format!("[{},{}]", texts[0], texts[1])).unwrap();
    let args: Vec<String> = vec![
        modules
            .join("@mitre/heimdall-lite/dist")
            .display()
            .to_string(),
        chromium.display().to_string(),
        dir.path().join("combined.png").display().to_string(),
        lines.display().to_string(),
        array.display().to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let page = node("heimdall.js", &args);
    let errors = page["errors"].to_string();
    assert!(
        errors.contains("scan.jsonl.json), no fingerprints matched"),
        "JSON Lines is rejected: {page}"
    );
    for status in [
        "Passed",
        "Failed",
        "Not Applicable",
        "Not Reviewed",
        "Profile Error",
    ] {
        assert_eq!(page["counts"][status], 0, "no control loaded: {page}");
    }
}

#[test]
fn the_table_parser_reads_our_table() {
    let text = "ns/p/c  (access: exec)\n STATUS SEVERITY ID TITLE REASON\n passed   medium    a-1  T\n n/a      high      a-2  T  not applicable: x\n                                 wrapped title\n1 passed, 0 failed, 0 skipped, 1 n/a, 0 error · compliance 100%\n";
    let t = parse_table(text);
    let o = &t["ns/p/c"];
    assert_eq!(o.controls.len(), 2);
    assert_eq!(o.controls["a-2"], ("n/a".to_string(), "high".to_string()));
    assert_eq!(o.counts, [1, 0, 0, 1, 0]);
}

/// The README's pipeline examples: the code block after the marker line, as written.
fn readme_examples() -> Vec<String> {
    let readme = include_str!("../README.md");
    let marker = "<!-- the commands below are run by tests/consumers.rs -->";
    let start = readme
        .find(marker)
        .expect("README.md lacks the marker before its pipeline examples");
    let block = &readme[start..];
    let body = block
        .split_once("```sh\n")
        .expect("a sh block after the marker")
        .1;
    let body = body.split_once("```").unwrap().0;
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// A namespace of this test's own with one two-container pod labelled `app=web`, deleted on drop.
struct WebPod {
    kubectl: PathBuf,
    kubeconfig: PathBuf,
}

const README_NS: &str = "cinc-assess-readme";

impl WebPod {
    fn create() -> WebPod {
        let kubectl = env_path("CINC_SCAN_E2E_KUBECTL");
        let kubeconfig = env_path("CINC_SCAN_E2E_KUBECONFIG");
        let pod = WebPod {
            kubectl,
            kubeconfig,
        };
        let manifest = format!(
            "apiVersion: v1
kind: Namespace
metadata:
  name: {README_NS}
  labels: {{cinc-scan-test: issue-11-assessors}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: {README_NS}
  labels: {{app: web, cinc-scan-test: issue-11-assessors}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {{name: app, image: 'cinc-scan.local/standard:v1', imagePullPolicy: Never}}
  - {{name: helper, image: 'cinc-scan.local/standard:v1', imagePullPolicy: Never}}
"
        );
        // A namespace left terminating by an earlier run must be gone before it is made again.
        let _ = pod
            .kubectl(&[
                "wait",
                "--for=delete",
                &format!("namespace/{README_NS}"),
                "--timeout=180s",
            ])
            .output();
        let mut apply = pod
            .kubectl(&["apply", "-f", "-"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut apply.stdin.take().unwrap(), manifest.as_bytes()).unwrap();
        assert!(apply.wait().unwrap().success(), "kubectl apply");
        let ready = pod
            .kubectl(&[
                "wait",
                "-n",
                README_NS,
                "--for=condition=Ready",
                "pod/web",
                "--timeout=180s",
            ])
            .status()
            .unwrap();
        if !ready.success() {
            let describe = pod
                .kubectl(&["describe", "pod", "-n", README_NS, "web"])
                .output()
                .unwrap();
            panic!(
                "pod {README_NS}/web did not become ready:\n{}",
                String::from_utf8_lossy(&describe.stdout)
            );
        }
        pod
    }

    fn kubectl(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.kubectl);
        c.args(args).env("KUBECONFIG", &self.kubeconfig);
        c
    }
}

impl Drop for WebPod {
    fn drop(&mut self) {
        let _ = self
            .kubectl(&["delete", "namespace", README_NS, "--wait=false"])
            .output();
    }
}

#[test]
#[ignore = "needs the cluster, jq and the SAF CLI: run tests/run-all"]
fn readme_pipeline_examples_work_as_written() {
    let saf = env_path("CINC_SCAN_SAF");
    let examples = readme_examples();
    assert!(examples.len() >= 3, "{examples:?}");
    let pod = WebPod::create();
    let dir = tempfile::tempdir().unwrap();
    // `kubectl cinc-scan` is this build, pointed at the test's namespace; saf and jq as installed.
    let path = format!(
        "{}:{}",
        saf.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let prelude = format!(
        "kubectl() {{ if [ \"$1\" = cinc-scan ]; then shift; '{}' -n {README_NS} \"$@\"; else command kubectl \"$@\"; fi; }}\n",
        bin()
    );
    let run = |line: &str| {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("{prelude}{line}"))
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("KUBECONFIG", &pod.kubeconfig)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // What our own table says fails, per container.
    let table = dir.path().join("ours.txt");
    let (_, _, err) = run(&format!(
        "kubectl cinc-scan -l app=web -o json --report table={} >/dev/null",
        table.display()
    ));
    let ours = parse_table(&std::fs::read_to_string(&table).unwrap_or_else(|_| panic!("{err}")));
    assert_eq!(ours.len(), 2, "two containers: {ours:?}");
    let mut failed: Vec<String> = ours
        .iter()
        .flat_map(|(t, o)| {
            o.controls
                .iter()
                .filter(|(_, (s, _))| s == "failed")
                .map(move |(id, _)| format!("{t}\t{id}"))
        })
        .collect();
    failed.sort();
    assert!(!failed.is_empty());

    let jq = examples
        .iter()
        .find(|l| l.contains("| jq"))
        .expect("the jq example");
    let (code, stdout, stderr) = run(jq);
    assert_eq!(code, Some(0), "{jq}: {stderr}");
    let mut listed: Vec<String> = stdout.lines().map(String::from).collect();
    listed.sort();
    assert_eq!(
        listed, failed,
        "{jq}: each failed control once per container"
    );

    let mut rest = examples.iter().filter(|l| !l.contains("| jq"));
    let write = rest.next().unwrap();
    assert!(write.contains("--output-dir results/"), "{write}");
    let summary = rest.next().unwrap();
    assert!(summary.starts_with("saf view summary"), "{summary}");
    let (code, _, stderr) = run(write);
    assert_eq!(code, Some(100), "{write}: a control failed: {stderr}");
    let files = std::fs::read_dir(dir.path().join("results"))
        .unwrap()
        .count();
    assert_eq!(files, 2, "one HDF file per container");
    let (code, stdout, stderr) = run(summary);
    assert_eq!(code, Some(0), "{summary}: {stderr}");
    assert_eq!(stdout.matches("resultSets:").count(), 1, "{stdout}");
    for f in [
        "cinc-assess-readme_web_app.json",
        "cinc-assess-readme_web_helper.json",
    ] {
        assert!(stdout.contains(f), "saf read {f}: {stdout}");
    }
}
