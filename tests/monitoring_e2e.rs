//! Monitoring and alerting end to end, against the real Prometheus, Pushgateway, node_exporter
//! and Alertmanager from Debian's packages (installed by tests/run-all), each started here on a
//! free loopback port in a temporary directory and stopped at the end of its test.
//!
//! Ignored by a plain `cargo test`; tests/run-all runs them with `--include-ignored` and sets
//! CINC_SCAN_E2E_KUBECONFIG (the cluster scan) and, optionally, CINC_SCAN_PROMETHEUS,
//! CINC_SCAN_PROMTOOL, CINC_SCAN_PUSHGATEWAY, CINC_SCAN_NODE_EXPORTER, CINC_SCAN_ALERTMANAGER
//! (default: the Debian binaries on PATH).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn tool(env: &str, default: &str) -> PathBuf {
    let p = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    let found = if p.is_absolute() {
        p.exists()
    } else {
        std::env::var_os("PATH")
            .map(|paths| std::env::split_paths(&paths).any(|d| d.join(&p).exists()))
            .unwrap_or(false)
    };
    assert!(
        found,
        "{} not found (set {env}, or run tests/run-all, which installs it)",
        p.display()
    );
    p
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real server process; killed (by its own pid) when dropped.
struct Daemon {
    name: &'static str,
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Daemon {
    fn start(name: &'static str, program: &Path, args: &[String], dir: &Path, port: u16) -> Daemon {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut d = Daemon {
            name,
            child,
            port,
            log,
        };
        d.wait_ready();
        d
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&mut self) {
        let path = if self.name == "node_exporter" {
            "/metrics"
        } else {
            "/-/ready"
        };
        // Behind TLS and basic auth: a TCP connection is as far as this client goes.
        let tls = self.name.ends_with("-tls");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before it was ready:\n{}",
                    self.name,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            if tls && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok((200, _)) = http("GET", self.port, path, None) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready in 60s:\n{}",
                self.name,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.0 exchange on loopback (no chunked answers), with a deadline.
fn http(
    method: &str,
    port: u16,
    path: &str,
    body: Option<&[u8]>,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )?;
    s.write_all(body)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, rest.to_string()))
}

fn get_json(port: u16, path: &str) -> Value {
    let (status, body) = http("GET", port, path, None).unwrap();
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A PromQL instant query; waits until it returns at least `min` series (scrapes take a moment).
fn query(prom: &Daemon, promql: &str, min: usize) -> Vec<Value> {
    let path = format!("/api/v1/query?query={}", urlencode(promql));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let v = get_json(prom.port, &path);
        assert_eq!(v["status"], "success", "{promql}: {v}");
        let result = v["data"]["result"].as_array().cloned().unwrap_or_default();
        if result.len() >= min {
            return result;
        }
        assert!(
            Instant::now() < deadline,
            "{promql}: {} series after 60s, expected at least {min}: {v}",
            result.len()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn value(series: &Value) -> f64 {
    series["value"][1].as_str().unwrap().parse().unwrap()
}

fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin());
    c.args(args).env_remove("CINC_SCAN_COLOR");
    if let Some(k) = std::env::var_os("CINC_SCAN_E2E_KUBECONFIG") {
        c.env("KUBECONFIG", k);
    }
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// SAF's status of an HDF control (Heimdall's order).
fn saf_status(c: &Value) -> &'static str {
    let st: Vec<&str> = c["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    if st.contains(&"error") {
        "profile_error"
    } else if c["impact"].as_f64() == Some(0.0) {
        "not_applicable"
    } else if st.is_empty() {
        "profile_error"
    } else if st.contains(&"failed") {
        "failed"
    } else if st.contains(&"passed") {
        "passed"
    } else {
        "not_reviewed"
    }
}

const HOSTILE: &str = "quote\" back\\slash\nnew line";

fn prometheus_config(dir: &Path, pushgateway: u16, sd_file: &Path) -> PathBuf {
    let cfg = dir.join("prometheus.yml");
    std::fs::write(
        &cfg,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             scrape_configs:\n\
             - job_name: pushgateway\n  honor_labels: true\n  static_configs:\n  - targets: ['127.0.0.1:{pushgateway}']\n\
             - job_name: textfile\n  file_sd_configs:\n  - files: ['{}']\n    refresh_interval: 1s\n",
            sd_file.display()
        ),
    )
    .unwrap();
    cfg
}

#[test]
#[ignore = "needs the local cluster and Debian's prometheus packages: run tests/run-all"]
fn cluster_scan_metrics_reach_prometheus_through_the_pushgateway_and_the_textfile_collector() {
    let kubeconfig = std::env::var_os("CINC_SCAN_E2E_KUBECONFIG").expect(
        "CINC_SCAN_E2E_KUBECONFIG is not set: the end-to-end suite runs through tests/run-all",
    );
    assert!(Path::new(&kubeconfig).exists(), "is the cluster up?");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let textfiles = d.join("textfile");
    std::fs::create_dir_all(&textfiles).unwrap();
    let pg_port = free_port();
    let pg = Daemon::start(
        "pushgateway",
        &tool("CINC_SCAN_PUSHGATEWAY", "prometheus-pushgateway"),
        &[format!("--web.listen-address=127.0.0.1:{pg_port}")],
        d,
        pg_port,
    );
    let ne_port = free_port();
    let ne = Daemon::start(
        "node_exporter",
        &tool("CINC_SCAN_NODE_EXPORTER", "prometheus-node-exporter"),
        &[
            format!("--web.listen-address=127.0.0.1:{ne_port}"),
            "--collector.disable-defaults".into(),
            "--collector.textfile".into(),
            format!("--collector.textfile.directory={}", textfiles.display()),
        ],
        d,
        ne_port,
    );
    let sd = d.join("targets.json");
    std::fs::write(
        &sd,
        format!("[{{\"targets\": [\"127.0.0.1:{}\"]}}]", ne.port),
    )
    .unwrap();
    let prom_port = free_port();
    let cfg = prometheus_config(d, pg.port, &sd);
    let prom = Daemon::start(
        "prometheus",
        &tool("CINC_SCAN_PROMETHEUS", "prometheus"),
        &[
            format!("--config.file={}", cfg.display()),
            format!("--storage.tsdb.path={}", d.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
        ],
        d,
        prom_port,
    );

    let instance = format!("e2e-{}", std::process::id());
    let prom_file = textfiles.join("cinc_scan.prom");
    let extra = format!("note={HOSTILE}");
    let o = run(
        &[
            "-n",
            "cinc-demo",
            "pod/standard",
            "pod/two-containers",
            "-o",
            "json",
            "--pushgateway",
            &pg.url(),
            "--pushgateway-group",
            &format!("instance={instance}"),
            // A '/' goes through the grouping key as @base64.
            "--pushgateway-group",
            "shard=a/b",
            "--metrics-file",
            prom_file.to_str().unwrap(),
            "--metrics-per-control",
            "--extra-label",
            &extra,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(100), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("pushed metrics to"), "{stderr}");
    let docs: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 3, "standard/app, two-containers/app and helper");

    // The textfile: mode 0644, accepted by promtool's own checks.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&prom_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "metrics file mode {mode:o}");
    let check = Command::new(tool("CINC_SCAN_PROMTOOL", "promtool"))
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&prom_file).unwrap())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    // Through the Pushgateway (honor_labels keeps job and instance from the grouping key):
    // failed controls per container as in the HDF documents.
    for doc in &docs {
        let id = doc["platform"]["target_id"].as_str().unwrap();
        let parts: Vec<&str> = id.split('/').collect();
        let controls = doc["profiles"][0]["controls"].as_array().unwrap();
        for status in ["failed", "passed"] {
            let want = controls.iter().filter(|c| saf_status(c) == status).count();
            let q = format!(
                "sum(cinc_scan_controls{{job=\"cinc_scan\",instance=\"{instance}\",namespace=\"{}\",pod=\"{}\",container=\"{}\",status=\"{status}\"}})",
                parts[0], parts[1], parts[2]
            );
            let r = query(&prom, &q, 1);
            assert_eq!(value(&r[0]) as usize, want, "{q}");
        }
    }
    let r = query(
        &prom,
        &format!("cinc_scan_run_success{{job=\"cinc_scan\",instance=\"{instance}\"}}"),
        1,
    );
    assert_eq!(value(&r[0]), 1.0);
    assert_eq!(r[0]["metric"]["shard"], "a/b", "{}", r[0]);
    // The hostile label value comes back byte for byte.
    assert_eq!(r[0]["metric"]["note"], HOSTILE, "{}", r[0]);
    let r = query(
        &prom,
        &format!(
            "cinc_scan_target_info{{job=\"cinc_scan\",instance=\"{instance}\",access=\"exec\"}}"
        ),
        3,
    );
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r
        .iter()
        .all(|s| s["metric"]["image"] == "cinc-scan.local/standard:v1"));
    let r = query(
        &prom,
        &format!(
            "cinc_scan_targets{{job=\"cinc_scan\",instance=\"{instance}\",result=\"scanned\"}}"
        ),
        1,
    );
    assert_eq!(value(&r[0]), 3.0);
    let r = query(
        &prom,
        &format!("time() - cinc_scan_last_success_timestamp_seconds{{job=\"cinc_scan\",instance=\"{instance}\"}}"),
        1,
    );
    assert!(value(&r[0]) >= 0.0 && value(&r[0]) < 300.0, "{:?}", r[0]);

    // Through node_exporter's textfile collector, found by file-based service discovery.
    let r = query(
        &prom,
        "cinc_scan_controls{job=\"textfile\",pod=\"standard\",status=\"failed\"}",
        1,
    );
    let standard = docs
        .iter()
        .find(|d| d["platform"]["target_id"] == "cinc-demo/standard/app")
        .unwrap();
    let failed = standard["profiles"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| saf_status(c) == "failed")
        .count();
    let sum: f64 = r.iter().map(value).sum();
    assert_eq!(sum as usize, failed);
    assert!(r.iter().all(|s| s["metric"]["note"] == HOSTILE), "{r:?}");
    // --metrics-per-control: one series per control, its status a label.
    let controls = standard["profiles"][0]["controls"].as_array().unwrap();
    let r = query(
        &prom,
        "count(cinc_scan_control_status{job=\"textfile\",pod=\"standard\"})",
        1,
    );
    assert_eq!(value(&r[0]) as usize, controls.len());
    let r = query(
        &prom,
        "cinc_scan_control_status{job=\"textfile\",pod=\"standard\",control_id=\"cb-surf-05\"}",
        1,
    );
    let want = saf_status(controls.iter().find(|c| c["id"] == "cb-surf-05").unwrap());
    assert_eq!(r[0]["metric"]["status"], want, "{:?}", r[0]);
    let r = query(&prom, "node_textfile_scrape_error{job=\"textfile\"}", 1);
    assert_eq!(value(&r[0]), 0.0, "node_exporter could not read the file");

    // A run that cannot scan every target (a pod that does not exist) keeps the time of the
    // last good run, in the Pushgateway group (POST) and in the metrics file.
    let last = |prom: &Daemon| {
        value(&query(
            prom,
            &format!("cinc_scan_last_success_timestamp_seconds{{job=\"cinc_scan\",instance=\"{instance}\"}}"),
            1,
        )[0])
    };
    let good = last(&prom);
    let file_value = |p: &Path| {
        let t = std::fs::read_to_string(p).unwrap();
        t.lines()
            .find(|l| l.starts_with("cinc_scan_last_success_timestamp_seconds"))
            .and_then(|l| l.rsplit_once(' '))
            .map(|(_, v)| v.parse::<f64>().unwrap())
            .unwrap_or_else(|| panic!("no last success in\n{t}"))
    };
    let good_file = file_value(&prom_file);
    assert!((good - good_file).abs() < 1.0, "{good} vs {good_file}");
    let o = run(
        &[
            "-n",
            "cinc-demo",
            "pod/standard",
            "pod/no-such-pod-here",
            "-q",
            "--pushgateway",
            &pg.url(),
            "--pushgateway-group",
            &format!("instance={instance}"),
            "--pushgateway-group",
            "shard=a/b",
            "--metrics-file",
            prom_file.to_str().unwrap(),
            "--extra-label",
            &extra,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = query(
            &prom,
            &format!("cinc_scan_run_success{{job=\"cinc_scan\",instance=\"{instance}\"}}"),
            1,
        );
        if value(&r[0]) == 0.0 {
            break;
        }
        assert!(Instant::now() < deadline, "the failed run was not pushed");
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        last(&prom),
        good,
        "the failed run kept the last success time"
    );
    assert_eq!(file_value(&prom_file), good_file);
    assert!(std::fs::read_to_string(&prom_file)
        .unwrap()
        .contains("cinc_scan_run_success{note="));

    // The group is replaced by the next good run (PUT): one container now.
    let o = run(
        &[
            "-n",
            "cinc-demo",
            "pod/standard",
            "-q",
            "--pushgateway",
            &pg.url(),
            "--pushgateway-group",
            &format!("instance={instance}"),
            "--pushgateway-group",
            "shard=a/b",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(100), "{}", text(&o));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = query(
            &prom,
            &format!(
                "cinc_scan_targets{{job=\"cinc_scan\",instance=\"{instance}\",result=\"scanned\"}}"
            ),
            1,
        );
        // The series of the earlier runs (with the note label) go stale after the next scrape.
        if r.len() == 1 && r[0]["metric"].get("note").is_none() {
            assert_eq!(value(&r[0]), 1.0, "{:?}", r[0]);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the last push did not replace the group: {r:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

const PROFILE: &str = r#"name: mon-e2e
title: Monitoring end-to-end profile
version: "1.0.0"
controls:
  - id: mon-01
    title: no marker file (critical)
    desc: Fails while /etc/marker exists.
    impact: 0.9
    checks:
      - {resource: file, path: /etc/marker, expect: [{field: exists, equals: false}]}
  - id: mon-02
    title: no other marker (low)
    desc: Fails while /etc/low-marker exists; below --alert-on high.
    impact: 0.2
    checks:
      - {resource: file, path: /etc/low-marker, expect: [{field: exists, equals: false}]}
  - id: mon-03
    title: passwd exists
    desc: Passes.
    impact: 0.5
    checks:
      - {resource: file, path: /etc/passwd, expect: [{field: exists, equals: true}]}
"#;

fn alerts(am: &Daemon, filter: &str) -> Vec<Value> {
    let path = format!("/api/v2/alerts?filter={}", urlencode(filter));
    get_json(am.port, &path).as_array().cloned().unwrap()
}

#[test]
#[ignore = "needs Debian's prometheus-alertmanager: run tests/run-all"]
fn alerts_reach_alertmanager_deduplicate_and_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let am_port = free_port();
    let cfg = d.join("alertmanager.yml");
    std::fs::write(
        &cfg,
        "route:\n  receiver: sink\n  group_wait: 1s\nreceivers:\n- name: sink\n",
    )
    .unwrap();
    let am = Daemon::start(
        "alertmanager",
        &tool("CINC_SCAN_ALERTMANAGER", "prometheus-alertmanager"),
        &[
            format!("--config.file={}", cfg.display()),
            format!("--storage.path={}", d.join("am-data").display()),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            // No high-availability cluster: nothing else to bind.
            "--cluster.listen-address=".into(),
        ],
        d,
        am_port,
    );

    // A root whose name needs escaping everywhere: quotes, a backslash, a newline.
    let root = d.join("root \"x\\y\nz");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    std::fs::write(root.join("etc/marker"), "x").unwrap();
    std::fs::write(root.join("etc/low-marker"), "x").unwrap();
    let profile = d.join("mon.yaml");
    std::fs::write(&profile, PROFILE).unwrap();
    let state = d.join("state/alerts.json");
    let scan = || {
        run(
            &[
                "--root",
                root.to_str().unwrap(),
                "--profile",
                profile.to_str().unwrap(),
                "-q",
                "-o",
                "json",
                "--output-dir",
                d.join("hdf").to_str().unwrap(),
                "--alertmanager",
                &am.url(),
                "--alert-state",
                state.to_str().unwrap(),
                "--extra-label",
                "cluster=e2e",
                "--threshold-inline",
                "{failed.critical.max: 0}",
            ],
            &[],
        )
    };
    let control_filter = "alertname=\"CincScanControlFailed\"";
    let canon = std::fs::canonicalize(&root).unwrap();
    let canon = canon.to_str().unwrap();

    let o = scan();
    assert_eq!(o.status.code(), Some(3), "threshold violated: {}", text(&o));
    let firing = alerts(&am, control_filter);
    assert_eq!(
        firing.len(),
        1,
        "only the critical control fires: {firing:?}"
    );
    let a = &firing[0];
    let labels = &a["labels"];
    assert_eq!(labels["control_id"], "mon-01");
    assert_eq!(labels["severity"], "critical");
    assert_eq!(labels["profile"], "mon-e2e");
    assert_eq!(labels["cluster"], "e2e");
    assert_eq!(labels["root"], canon, "hostile root label");
    assert!(a["annotations"]["summary"]
        .as_str()
        .unwrap()
        .contains("no marker file"));
    let loc = a["annotations"]["hdf_location"].as_str().unwrap();
    assert!(loc.ends_with("#/profiles/0/controls/0"), "{loc}");
    assert_eq!(a["status"]["state"], "active");
    let starts = a["startsAt"].as_str().unwrap().to_string();
    let ends: jiff::Timestamp = a["endsAt"].as_str().unwrap().parse().unwrap();
    let left = ends.duration_since(jiff::Timestamp::now()).as_secs_f64();
    assert!(
        left > 3000.0 && left <= 3600.0,
        "endsAt in about 1h: {left}s"
    );
    let fingerprint = a["fingerprint"].clone();
    let thr = alerts(&am, "alertname=\"CincScanThresholdViolated\"");
    assert_eq!(thr.len(), 1, "{thr:?}");
    assert!(thr[0]["annotations"]["description"]
        .as_str()
        .unwrap()
        .contains("failed.critical.max"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "state file mode {mode:o}");

    // The same scan again: the same alert, not a second one; its start is kept.
    let o = scan();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let again = alerts(&am, control_filter);
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["fingerprint"], fingerprint);
    assert_eq!(again[0]["startsAt"], starts.as_str());

    // Fix the control: its alert and the threshold's resolve.
    std::fs::remove_file(root.join("etc/marker")).unwrap();
    let o = scan();
    assert_eq!(o.status.code(), Some(0), "threshold met now: {}", text(&o));
    let after = alerts(&am, control_filter);
    assert!(
        after.is_empty(),
        "resolved alerts are not active: {after:?}"
    );
    assert!(alerts(&am, "alertname=\"CincScanThresholdViolated\"").is_empty());
    let st: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(st["alerts"].as_array().unwrap().len(), 0, "{st}");
    // Alertmanager saw it end: the alert is resolved, not expired later.
    let all = get_json(am.port, "/api/v2/alerts/groups");
    assert!(all.is_array(), "{all}");

    // An Alertmanager that is gone: exit 4 after the local outputs are written.
    drop(am);
    std::fs::write(root.join("etc/marker"), "x").unwrap();
    let hdf = d.join("hdf");
    std::fs::remove_dir_all(&hdf).unwrap();
    let o = run(
        &[
            "--root",
            root.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
            "-q",
            "--output-dir",
            hdf.to_str().unwrap(),
            "--alertmanager",
            &format!("http://127.0.0.1:{am_port}"),
            "--post-retries",
            "1",
            "--post-timeout",
            "2s",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert_eq!(std::fs::read_dir(&hdf).unwrap().count(), 1, "HDF written");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("could not deliver alerts"), "{stderr}");
}

/// The fenced YAML block of the README that starts with `first_line`.
fn readme_block(first_line: &str) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find(&format!("```yaml\n{first_line}\n"))
        .unwrap_or_else(|| panic!("README has no yaml block starting with {first_line}"));
    let body = &readme[start + "```yaml\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
#[ignore = "needs Debian's promtool and amtool: run tests/run-all"]
fn readme_rules_and_route_pass_promtool_and_amtool() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.yml");
    std::fs::write(&rules, readme_block("# cinc-scan-rules.yml")).unwrap();
    let o = Command::new(tool("CINC_SCAN_PROMTOOL", "promtool"))
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(o.status.success(), "promtool check rules: {}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("SUCCESS: 3 rules found"),
        "{}",
        text(&o)
    );
    let am = dir.path().join("alertmanager.yml");
    std::fs::write(&am, readme_block("# alertmanager.yml")).unwrap();
    let o = Command::new(tool("CINC_SCAN_AMTOOL", "amtool"))
        .args(["check-config"])
        .arg(&am)
        .output()
        .unwrap();
    assert!(o.status.success(), "amtool check-config: {}", text(&o));
    // The route sends a critical control alert to the pager, the others to the channel.
    for (labels, want) in [
        (
            vec!["alertname=CincScanControlFailed", "severity=critical"],
            "security-pager",
        ),
        (
            vec!["alertname=CincScanControlFailed", "severity=high"],
            "security-channel",
        ),
        (vec!["alertname=Other"], "default"),
    ] {
        let o = Command::new(tool("CINC_SCAN_AMTOOL", "amtool"))
            .args(["config", "routes", "test", "--config.file"])
            .arg(&am)
            .args(&labels)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            want,
            "{labels:?}: {}",
            text(&o)
        );
    }
}

/// A namespace of this suite on the shared cluster, labelled, deleted when dropped.
struct TestNamespace {
    kubectl: PathBuf,
    name: String,
}

impl TestNamespace {
    fn kubectl(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = Command::new(&self.kubectl);
        c.args(args)
            .env(
                "KUBECONFIG",
                std::env::var_os("CINC_SCAN_E2E_KUBECONFIG").unwrap(),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let _ = self.kubectl(
            &[
                "delete",
                "namespace",
                &self.name,
                "--wait=false",
                "--ignore-not-found",
            ],
            None,
        );
    }
}

#[test]
#[ignore = "needs the local cluster: run tests/run-all"]
fn workload_labels_come_from_the_pods_controller() {
    let kubectl = tool("CINC_SCAN_E2E_KUBECTL", "kubectl");
    assert!(
        std::env::var_os("CINC_SCAN_E2E_KUBECONFIG").is_some(),
        "CINC_SCAN_E2E_KUBECONFIG is not set: run tests/run-all"
    );
    let ns = TestNamespace {
        kubectl,
        name: format!("cinc-mon-{}", std::process::id()),
    };
    let manifest = format!(
        r#"apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels: {{app.kubernetes.io/part-of: cinc-scan-tests, cinc-scan.test/suite: monitoring}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mon-web
  namespace: {ns}
  labels: {{cinc-scan.test/suite: monitoring}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: mon-web}}}}
  template:
    metadata:
      labels: {{app: mon-web, cinc-scan.test/suite: monitoring}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: cinc-scan.local/standard:v1
        imagePullPolicy: Never
"#,
        ns = ns.name
    );
    let o = ns.kubectl(&["apply", "-f", "-"], Some(&manifest));
    assert!(o.status.success(), "kubectl apply: {}", text(&o));
    let o = ns.kubectl(
        &[
            "-n",
            &ns.name,
            "rollout",
            "status",
            "deployment/mon-web",
            "--timeout=180s",
        ],
        None,
    );
    assert!(o.status.success(), "rollout: {}", text(&o));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.prom");
    let o = run(
        &[
            "-n",
            &ns.name,
            "-l",
            "app=mon-web",
            "-q",
            "--metrics-file",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(100), "{}", text(&o));
    let metrics = std::fs::read_to_string(&file).unwrap();
    let line = metrics
        .lines()
        .find(|l| l.starts_with("cinc_scan_target_error{"))
        .unwrap_or_else(|| panic!("no cinc_scan_target_error in\n{metrics}"));
    assert!(
        line.contains("workload_kind=\"ReplicaSet\",workload_name=\"mon-web-"),
        "{line}"
    );
    assert!(
        line.contains(&format!("namespace=\"{}\"", ns.name)),
        "{line}"
    );
}

/// bcrypt (cost 4) of BASIC_PASSWORD, for the Pushgateway's web config.
const BASIC_HASH: &str = "$2b$04$0XEbAkE0wGXJ6M6q5v93huTXWp3uPdpyPqXppx2tYGAhFpdbOrLgi";
const BASIC_PASSWORD: &str = "e2e pass:word";

#[test]
#[ignore = "needs Debian's prometheus packages: run tests/run-all"]
fn pushgateway_over_tls_with_basic_auth_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let web = d.join("web.yml");
    std::fs::write(
        &web,
        format!(
            "tls_server_config:\n  cert_file: {}\n  key_file: {}\nbasic_auth_users:\n  scanner: '{BASIC_HASH}'\n",
            tls.join("server.pem").display(),
            tls.join("server.key").display()
        ),
    )
    .unwrap();
    let pg_port = free_port();
    let pg = Daemon::start(
        "pushgateway-tls",
        &tool("CINC_SCAN_PUSHGATEWAY", "prometheus-pushgateway"),
        &[
            format!("--web.listen-address=127.0.0.1:{pg_port}"),
            format!("--web.config.file={}", web.display()),
        ],
        d,
        pg_port,
    );
    let url = format!("https://127.0.0.1:{}", pg.port);
    let creds = d.join("basic");
    std::fs::write(&creds, format!("scanner:{BASIC_PASSWORD}\n")).unwrap();
    let wrong = d.join("wrong");
    std::fs::write(&wrong, "scanner:not-it\n").unwrap();
    let ca = tls.join("ca.pem");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alpine");
    let push = |extra: &[&str]| {
        let mut args = vec![
            "--root",
            root.to_str().unwrap(),
            "-q",
            "--pushgateway",
            &url,
            "--pushgateway-group",
            "instance=tls",
            "--post-ca-file",
            ca.to_str().unwrap(),
            "--post-retries",
            "0",
        ];
        args.extend_from_slice(extra);
        run(&args, &[])
    };
    // No credentials, wrong ones: 401, exit 4, the password never printed.
    let o = push(&[]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("HTTP 401"), "{}", text(&o));
    assert!(
        text(&o).contains("--pushgateway-token-file"),
        "{}",
        text(&o)
    );
    let o = push(&["--pushgateway-basic-auth-file", wrong.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("check the token"), "{}", text(&o));
    assert!(!text(&o).contains("not-it"), "{}", text(&o));
    // The system CAs do not know the test CA: refused, not retried.
    let o = run(
        &[
            "--root",
            root.to_str().unwrap(),
            "-q",
            "--pushgateway",
            &url,
            "--pushgateway-basic-auth-file",
            creds.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(text(&o).contains("--post-ca-file"), "{}", text(&o));
    // The right ones, from a file and from the environment.
    let o = push(&["--pushgateway-basic-auth-file", creds.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(100), "{}", text(&o));
    assert!(!text(&o).contains(BASIC_PASSWORD));
    let basic = format!("scanner:{BASIC_PASSWORD}");
    let args = vec![
        "--root",
        root.to_str().unwrap(),
        "-q",
        "--pushgateway",
        &url,
        "--pushgateway-group",
        "instance=tls-env",
        "--post-ca-file",
        ca.to_str().unwrap(),
        "--pushgateway-basic-auth-env",
        "MON_E2E_BASIC",
    ];
    let o = run(&args, &[("MON_E2E_BASIC", &basic)]);
    assert_eq!(o.status.code(), Some(100), "{}", text(&o));

    // A Prometheus that scrapes the same Pushgateway over TLS with the same credentials sees
    // both groups.
    let cfg = d.join("prometheus.yml");
    std::fs::write(
        &cfg,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n\
             - job_name: pushgateway\n  honor_labels: true\n  scheme: https\n\
             \x20 tls_config: {{ca_file: '{}'}}\n\
             \x20 basic_auth: {{username: scanner, password: '{BASIC_PASSWORD}'}}\n\
             \x20 static_configs: [{{targets: ['127.0.0.1:{}']}}]\n",
            ca.display(),
            pg.port
        ),
    )
    .unwrap();
    let prom_port = free_port();
    let prom = Daemon::start(
        "prometheus",
        &tool("CINC_SCAN_PROMETHEUS", "prometheus"),
        &[
            format!("--config.file={}", cfg.display()),
            format!("--storage.tsdb.path={}", d.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
        ],
        d,
        prom_port,
    );
    let r = query(&prom, "cinc_scan_run_success{job=\"cinc_scan\"}", 2);
    let mut instances: Vec<&str> = r
        .iter()
        .map(|s| s["metric"]["instance"].as_str().unwrap())
        .collect();
    instances.sort();
    assert_eq!(instances, ["tls", "tls-env"]);
    assert!(r.iter().all(|s| value(s) == 1.0), "{r:?}");
}

/// Serve one file on loopback with a Content-Type, to every request, until dropped.
struct FileServer {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl FileServer {
    fn start(path: PathBuf, content_type: &'static str) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut s, _)) => {
                        let _ = s.set_nonblocking(false);
                        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                        let mut buf = [0u8; 8192];
                        let _ = s.read(&mut buf);
                        let body = std::fs::read(&path).unwrap_or_default();
                        let _ = write!(
                            s,
                            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = s.write_all(&body);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        });
        FileServer { port, stop }
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
#[ignore = "needs Debian's prometheus: run tests/run-all"]
fn openmetrics_file_is_parsed_by_prometheus() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = d.join("scan.om");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alpine");
    let o = run(
        &[
            "--root",
            root.to_str().unwrap(),
            "-q",
            "--metrics-file",
            file.to_str().unwrap(),
            "--metrics-format",
            "openmetrics",
            "--extra-label",
            &format!("note={HOSTILE}"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(100), "{}", text(&o));
    assert!(std::fs::read_to_string(&file).unwrap().ends_with("# EOF\n"));
    // Served as OpenMetrics, so Prometheus parses it with its OpenMetrics parser.
    let server = FileServer::start(
        file.clone(),
        "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
    let cfg = d.join("prometheus.yml");
    std::fs::write(
        &cfg,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n\
             - job_name: om\n  static_configs: [{{targets: ['127.0.0.1:{}']}}]\n",
            server.port
        ),
    )
    .unwrap();
    let prom_port = free_port();
    let prom = Daemon::start(
        "prometheus",
        &tool("CINC_SCAN_PROMETHEUS", "prometheus"),
        &[
            format!("--config.file={}", cfg.display()),
            format!("--storage.tsdb.path={}", d.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
        ],
        d,
        prom_port,
    );
    let r = query(&prom, "cinc_scan_run_success{job=\"om\"}", 1);
    assert_eq!(value(&r[0]), 1.0);
    assert_eq!(r[0]["metric"]["note"], HOSTILE);
    let r = query(&prom, "up{job=\"om\"}", 1);
    assert_eq!(value(&r[0]), 1.0, "the scrape failed: {:?}", r[0]);
    let r = query(&prom, "count(cinc_scan_controls{job=\"om\"})", 1);
    assert_eq!(value(&r[0]), 25.0);
    let r = query(&prom, "cinc_scan_target_info{job=\"om\"}", 1);
    assert_eq!(r[0]["metric"]["access"], "local");
}
