//! `--post-results` against a loopback test server (hyper on 127.0.0.1, plain and TLS with a
//! test CA): the body is our HDF, the bearer token is sent and never printed, 5xx and 429 are
//! retried, a final failure exits 4 with every local output written. Only loopback addresses,
//! a few requests per test, short timeouts.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use tokio::net::TcpListener;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// What the server answers, in order; the last answer repeats.
#[derive(Clone)]
struct Reply {
    status: u16,
    retry_after: Option<&'static str>,
    /// Echo the Authorization header in the body (a careless server).
    echo_auth: bool,
    /// Never answer (for timeouts).
    hang: bool,
}

const fn reply(status: u16) -> Reply {
    Reply {
        status,
        retry_after: None,
        echo_auth: false,
        hang: false,
    }
}

struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    let dir = fixtures().join("tls");
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Serve on 127.0.0.1:0 at most `max_connections` connections, answering with `replies`.
async fn serve(replies: Vec<Reply>, tls: bool) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let acceptor = tls.then(tls_acceptor);
    let seen_task = seen.clone();
    let task = tokio::spawn(async move {
        let max_connections = 20;
        for _ in 0..max_connections {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let seen = seen_task.clone();
            let replies = replies.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let seen = seen.clone();
                    let replies = replies.clone();
                    async move {
                        let header = |n: &str| {
                            req.headers()
                                .get(n)
                                .and_then(|v| v.to_str().ok())
                                .map(String::from)
                        };
                        let path = req.uri().path().to_string();
                        let authorization = header("authorization");
                        let content_type = header("content-type");
                        let body = req.into_body().collect().await.unwrap().to_bytes().to_vec();
                        let n = {
                            let mut s = seen.lock().unwrap();
                            s.push(Seen {
                                path,
                                authorization: authorization.clone(),
                                content_type,
                                body,
                            });
                            s.len()
                        };
                        let r = replies[(n - 1).min(replies.len() - 1)].clone();
                        if r.hang {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                        let text = if r.echo_auth {
                            format!("denied for header {}", authorization.unwrap_or_default())
                        } else {
                            format!("status {}", r.status)
                        };
                        let mut resp = Response::builder().status(r.status);
                        if let Some(ra) = r.retry_after {
                            resp = resp.header("retry-after", ra);
                        }
                        Ok::<_, Infallible>(resp.body(Full::new(Bytes::from(text))).unwrap())
                    }
                });
                let conn = hyper::server::conn::http1::Builder::new();
                match acceptor {
                    Some(a) => {
                        if let Ok(tls) = a.accept(stream).await {
                            let _ = conn.serve_connection(TokioIo::new(tls), service).await;
                        }
                    }
                    None => {
                        let _ = conn.serve_connection(TokioIo::new(stream), service).await;
                    }
                }
            });
        }
    });
    Server { addr, seen, task }
}

const TOKEN: &str = "tok-3f9c1d7e-never-print-me";

/// Run the plugin off the async runtime (the server runs on it).
async fn run(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(bin());
        cmd.args(&args).env_remove("CINC_SCAN_POST_TOKEN");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    })
    .await
    .unwrap()
}

fn args(extra: &[&str]) -> Vec<String> {
    let mut a = vec![
        "--root".to_string(),
        fixtures().join("alpine").display().to_string(),
        "-o".into(),
        "json".into(),
        "--no-progress".into(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn assert_no_token(o: &Output) {
    let (out, err) = text(o);
    assert!(!out.contains(TOKEN), "token on stdout");
    assert!(!err.contains(TOKEN), "token on stderr: {err}");
    assert!(
        !err.contains("never-print-me"),
        "part of the token on stderr: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_the_hdf_document_with_the_bearer_token() {
    let server = serve(vec![reply(201)], false).await;
    let url = format!("http://{}/api/v1/results?source=ci", server.addr);
    let out = run(
        args(&["--post-results", &url]),
        vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
    )
    .await;
    let (stdout, stderr) = text(&out);
    // No threshold: the alpine fixture has failures, delivery worked.
    assert_eq!(out.status.code(), Some(100), "{stderr}");
    assert!(stderr.contains("posted 1 of 1 HDF document(s)"), "{stderr}");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/api/v1/results");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(&*format!("Bearer {TOKEN}"))
    );
    assert_eq!(seen[0].content_type.as_deref(), Some("application/json"));
    let posted: Value = serde_json::from_slice(&seen[0].body).unwrap();
    let printed: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(posted, printed, "the body is the HDF document we print");
    assert!(!stderr.contains("source=ci"), "query strings are not shown");
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_5xx_and_429_then_succeeds() {
    let busy = Reply {
        retry_after: Some("0"),
        ..reply(503)
    };
    let limited = Reply {
        retry_after: Some("0"),
        ..reply(429)
    };
    let server = serve(vec![busy, limited, reply(500), reply(200)], false).await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let url = format!("http://{}/", server.addr);
    let out = run(
        args(&[
            "--post-results",
            &url,
            "--post-token-file",
            &token_file.display().to_string(),
            "--post-retries",
            "3",
            "--threshold-inline",
            "{error.total.max: 0}",
        ]),
        vec![],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "threshold met, delivered: {stderr}"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 4, "{stderr}");
    assert!(seen.iter().all(|s| s.body == seen[0].body));
    assert!(stderr.contains("HTTP 503 Service Unavailable"), "{stderr}");
    assert!(stderr.contains("retry 3/3"), "{stderr}");
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn final_failure_exits_4_and_keeps_local_results() {
    let failing = Reply {
        retry_after: Some("0"),
        echo_auth: true,
        ..reply(500)
    };
    let server = serve(vec![failing], false).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}/results", server.addr);
    let out = run(
        args(&[
            "--post-results",
            &url,
            "--post-token-env",
            "MY_TOKEN",
            "--post-retries",
            "2",
            "--output-dir",
            &dir.path().join("hdf").display().to_string(),
            "--report",
            &format!("sarif={}", dir.path().join("r.sarif").display()),
        ]),
        vec![("MY_TOKEN", TOKEN.into())],
    )
    .await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_eq!(server.seen().len(), 3, "one try and two retries");
    assert!(
        stderr.contains(&format!(
            "could not deliver the results of {} to http://{}/results: HTTP 500",
            fixtures().join("alpine").display(),
            server.addr
        )),
        "{stderr}"
    );
    assert!(stderr.contains("(after 3 attempts)"), "{stderr}");
    assert!(
        stderr.contains("<redacted>"),
        "the echoed token is cut out: {stderr}"
    );
    serde_json::from_str::<Value>(stdout.trim()).expect("stdout still has the HDF");
    assert_eq!(
        std::fs::read_dir(dir.path().join("hdf")).unwrap().count(),
        1
    );
    assert!(dir.path().join("r.sarif").exists());
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_not_retried_and_not_printed() {
    let denied = Reply {
        echo_auth: true,
        ..reply(401)
    };
    let server = serve(vec![denied], false).await;
    let url = format!("http://localhost:{}/", server.addr.port());
    let out = run(
        args(&["--post-results", &url, "-q"]),
        vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_eq!(server.seen().len(), 1, "4xx is not retried");
    assert!(stderr.contains("HTTP 401 Unauthorized"), "{stderr}");
    assert!(stderr.contains("check the token"), "{stderr}");
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_and_timeouts_fail_cleanly() {
    // A port that was just free: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    let out = run(
        args(&["--post-results", &url, "--post-retries", "1"]),
        vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("retry 1/1"), "{stderr}");
    assert!(stderr.to_lowercase().contains("connect"), "{stderr}");
    assert_no_token(&out);

    let hang = Reply {
        hang: true,
        ..reply(200)
    };
    let server = serve(vec![hang], false).await;
    let url = format!("http://{}/", server.addr);
    let started = std::time::Instant::now();
    let out = run(
        args(&[
            "--post-results",
            &url,
            "--post-retries",
            "0",
            "--post-timeout",
            "1s",
        ]),
        vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("no response within 1s"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_the_test_ca() {
    let server = serve(vec![reply(200)], true).await;
    let ca = fixtures().join("tls/ca.pem").display().to_string();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/results", server.addr.port());
        let out = run(
            args(&["--post-results", &url, "--post-ca-file", &ca]),
            vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
        )
        .await;
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(100), "{host}: {stderr}");
        assert_no_token(&out);
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].authorization.as_deref(),
        Some(&*format!("Bearer {TOKEN}"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_verified() {
    let server = serve(vec![reply(200)], true).await;
    let url = format!("https://127.0.0.1:{}/", server.addr.port());
    // The system's CAs do not include the test CA.
    let out = run(
        args(&["--post-results", &url, "--post-retries", "3"]),
        vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        !stderr.contains("retry"),
        "a bad certificate is not retried: {stderr}"
    );
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(stderr.contains("--post-ca-file"), "{stderr}");
    assert!(server.seen().is_empty(), "no request got through");
    assert_no_token(&out);
    // A CA bundle that does not hold the issuer is refused the same way.
    let other = tempfile::tempdir().unwrap();
    let wrong_ca = other.path().join("ca.pem");
    std::fs::copy(fixtures().join("tls/server.pem"), &wrong_ca).unwrap();
    let out = run(
        args(&[
            "--post-results",
            &url,
            "--post-retries",
            "0",
            "--post-ca-file",
            &wrong_ca.display().to_string(),
        ]),
        vec![("CINC_SCAN_POST_TOKEN", TOKEN.into())],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.to_lowercase().contains("certificate"), "{stderr}");
    assert!(server.seen().is_empty());
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_delivery_flags_are_usage_errors_before_the_scan() {
    let out = run(
        args(&[
            "--post-results",
            "http://127.0.0.1:9/",
            "--post-token-env",
            "NOT_SET_HERE",
        ]),
        vec![],
    )
    .await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("environment variable NOT_SET_HERE"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "no scan ran");
    let out = run(args(&["--post-results", "ftp://127.0.0.1/"]), vec![]).await;
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        args(&[
            "--post-results",
            "https://127.0.0.1:9/",
            "--post-ca-file",
            "/nonexistent.pem",
        ]),
        vec![],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent.pem"), "{stderr}");
}

/// Controls of an HDF document that SAF counts as failed.
fn failed_controls(doc: &Value) -> usize {
    doc["profiles"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let st: Vec<&str> = c["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["status"].as_str().unwrap())
                .collect();
            c["impact"].as_f64() != Some(0.0) && !st.contains(&"error") && st.contains(&"failed")
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_webhook_sends_one_cloudevent_per_failed_control() {
    let server = serve(vec![reply(202)], false).await;
    let url = format!("http://{}/events", server.addr);
    let out = run(
        args(&[
            "--alert-webhook",
            &url,
            "--alert-format",
            "cloudevents",
            "--alert-on",
            "none",
        ]),
        vec![("CINC_SCAN_ALERT_WEBHOOK_TOKEN", TOKEN.into())],
    )
    .await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(100), "{stderr}");
    let doc: Value = serde_json::from_str(stdout.trim()).unwrap();
    let failed = failed_controls(&doc);
    assert!(failed > 0);
    let seen = server.seen();
    assert_eq!(seen.len(), failed, "{stderr}");
    let mut ids = std::collections::BTreeSet::new();
    for s in &seen {
        assert_eq!(
            s.content_type.as_deref(),
            Some("application/cloudevents+json; charset=UTF-8")
        );
        assert_eq!(
            s.authorization.as_deref(),
            Some(&*format!("Bearer {TOKEN}"))
        );
        let e: Value = serde_json::from_slice(&s.body).unwrap();
        assert_eq!(e["specversion"], "1.0");
        assert_eq!(e["type"], "io.cinc-scan.alert.firing");
        assert_eq!(e["data"]["labels"]["alertname"], "CincScanControlFailed");
        assert!(e["source"].is_string() && e["time"].is_string());
        ids.insert(e["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), failed, "event ids are unique");
    assert!(
        stderr.contains(&format!("sent {failed} webhook request(s)")),
        "{stderr}"
    );
    assert_no_token(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_webhook_json_and_slack_send_one_bounded_message() {
    for (format, check) in [("json", 0), ("slack", 1)] {
        let server = serve(vec![reply(200)], false).await;
        let url = format!("http://{}/hook", server.addr);
        let out = run(
            args(&[
                "--alert-webhook",
                &url,
                "--alert-format",
                format,
                "--alert-on",
                "none",
            ]),
            vec![],
        )
        .await;
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(100), "{stderr}");
        let failed = failed_controls(&serde_json::from_str(stdout.trim()).unwrap());
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{format}: {stderr}");
        assert_eq!(seen[0].content_type.as_deref(), Some("application/json"));
        assert!(seen[0].authorization.is_none());
        let v: Value = serde_json::from_slice(&seen[0].body).unwrap();
        if check == 0 {
            assert_eq!(v["firing"], failed);
            assert_eq!(v["alerts"].as_array().unwrap().len(), failed);
            assert_eq!(v["alerts"][0]["status"], "firing");
        } else {
            let text = v["blocks"][0]["text"]["text"].as_str().unwrap();
            assert!(text.chars().count() <= 3000);
            assert!(
                text.contains(&format!("{failed} alert(s) firing")),
                "{text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_alert_sink_exits_4_after_the_metrics_file_is_written() {
    let server = serve(vec![reply(500)], false).await;
    let url = format!("http://{}/hook", server.addr);
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("scan.prom");
    let out = run(
        args(&[
            "--alert-webhook",
            &url,
            "--alert-on",
            "none",
            "--post-retries",
            "1",
            "--metrics-file",
            metrics.to_str().unwrap(),
        ]),
        vec![],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_eq!(server.seen().len(), 2, "one retry");
    assert!(stderr.contains("could not deliver alerts"), "{stderr}");
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    let text = std::fs::read_to_string(&metrics).unwrap();
    assert!(text.contains("cinc_scan_run_success 1.0\n"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitoring_flags_are_checked_before_the_scan() {
    for (flags, want) in [
        (
            vec!["--alert-state", "x.json"],
            "--alert-state remembers what --alertmanager or --alert-webhook was sent",
        ),
        (
            vec!["--metrics-file", "x.prom", "--extra-label", "pod=x"],
            "the scanner sets 'pod' itself",
        ),
        (
            vec!["--pushgateway", "ftp://x/"],
            "--pushgateway: 'ftp://x/' must start with https:// or http://",
        ),
        (
            vec!["--metrics-file", "x.prom", "--extra-label", "bad-name=1"],
            "not a Prometheus label name",
        ),
    ] {
        let out = run(args(&flags), vec![]).await;
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(want), "{flags:?}: {stderr}");
    }
    // A state file that is not ours is refused before anything is sent.
    let server = serve(vec![reply(200)], false).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{\"not\": \"ours\"}").unwrap();
    let url = format!("http://{}/", server.addr);
    let out = run(
        args(&[
            "--alertmanager",
            &url,
            "--alert-state",
            state.to_str().unwrap(),
        ]),
        vec![],
    )
    .await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not a state file this tool wrote"),
        "{stderr}"
    );
    assert!(server.seen().is_empty());
}
