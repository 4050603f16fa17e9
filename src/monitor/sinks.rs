//! Set up from the flags before the scan (a bad flag fails at once), then after the scan: the
//! metrics file first (a local output), then the remote sinks concurrently, each with a bound
//! on its own requests and the shared retry rules of `crate::deliver`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use hyper::body::Bytes;

use super::alerts::{self, Alert, AlertOptions};
use super::metrics::{self, Format};
use super::{pushgateway, RunInfo};
use crate::cli::{AlertFormat, MetricsFormat, ScanArgs};
use crate::deliver::{AuthScheme, Method, PostOptions, Poster, TokenSource};
use crate::results::Severity;

/// Requests in flight per sink (CloudEvents: one per alert; Alertmanager: one per chunk).
const PER_SINK_CONCURRENCY: usize = 4;
/// Alerts per Alertmanager request.
const ALERTMANAGER_CHUNK: usize = 200;
/// The largest earlier metrics or state file we read back.
const STATE_MAX_BYTES: u64 = 16 << 20;

/// `--metrics-file`: a local output.
pub struct MetricsFile {
    path: PathBuf,
    format: Format,
    per_control: bool,
    extra: Vec<(String, String)>,
    quiet: bool,
}

pub struct Monitor {
    metrics_file: Option<MetricsFile>,
    per_control: bool,
    extra: Vec<(String, String)>,
    pushgateway: Option<Pushgateway>,
    alertmanager: Option<Poster>,
    webhook: Option<(Poster, AlertFormat)>,
    alert_state: Option<PathBuf>,
    previous: Vec<Alert>,
    alert_on: Severity,
    expire_after: Duration,
    quiet: bool,
}

struct Pushgateway {
    poster: Poster,
    base: String,
    job: String,
    group: Vec<(String, String)>,
}

struct Auth<'a> {
    flag: &'a str,
    default_env: &'a str,
    token_env: Option<&'a String>,
    token_file: Option<&'a PathBuf>,
    basic_file: Option<&'a PathBuf>,
    basic_env: Option<&'a String>,
}

fn poster(args: &ScanArgs, url: &str, auth: Auth<'_>) -> Result<Poster, String> {
    let (token, scheme) = match (
        auth.basic_file,
        auth.basic_env,
        auth.token_file,
        auth.token_env,
    ) {
        (Some(f), _, _, _) => (TokenSource::File(f.clone()), AuthScheme::Basic),
        (None, Some(name), _, _) => (
            TokenSource::Env {
                name: name.clone(),
                explicit: true,
            },
            AuthScheme::Basic,
        ),
        (None, None, Some(f), _) => (TokenSource::File(f.clone()), AuthScheme::Bearer),
        (None, None, None, Some(name)) => (
            TokenSource::Env {
                name: name.clone(),
                explicit: true,
            },
            AuthScheme::Bearer,
        ),
        (None, None, None, None) => (
            TokenSource::Env {
                name: auth.default_env.into(),
                explicit: false,
            },
            AuthScheme::Bearer,
        ),
    };
    let flag = auth.flag;
    let p = Poster::new(&PostOptions {
        url: url.into(),
        token,
        scheme,
        ca_file: args.post_ca_file.clone(),
        timeout: args.post_timeout,
        retries: args.post_retries,
        flag: flag.into(),
        token_hint: format!(
            "set {}, {flag}-token-env or {flag}-token-file",
            auth.default_env
        ),
        ca_flag: "--post-ca-file".into(),
    })
    .map_err(|e| e.to_string())?;
    if !args.quiet {
        for w in &p.warnings {
            eprintln!("{w}");
        }
    }
    Ok(p)
}

/// Read a small file we wrote before; `None` when it does not exist.
fn read_back(path: &Path, what: &str) -> Result<Option<String>, String> {
    match crate::fsio::read_text(path, STATE_MAX_BYTES) {
        Ok(t) => Ok(Some(t)),
        Err(crate::fsio::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {what} '{}': {e}", path.display())),
    }
}

impl MetricsFile {
    /// Write it atomically (0644); a failed run keeps the earlier last-success time.
    pub fn write(&self, run: &RunInfo<'_>) -> Result<(), String> {
        let path = &self.path;
        let last_success = if run.success() {
            Some(run.finished.as_millisecond() as f64 / 1000.0)
        } else {
            read_back(path, "the earlier --metrics-file")
                .ok()
                .flatten()
                .and_then(|t| metrics::previous_last_success(&t))
        };
        let text = metrics::render_with(
            run,
            &self.extra,
            last_success,
            self.format,
            self.per_control,
        );
        let result = (|| {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            crate::fsio::write_atomic(path, text.as_bytes(), 0o644)
        })();
        match result {
            Ok(()) => {
                if !self.quiet {
                    eprintln!("wrote metrics to {}", path.display());
                }
                Ok(())
            }
            Err(e) => Err(format!("cannot write metrics to '{}': {e}", path.display())),
        }
    }
}

impl Monitor {
    /// `None` when no monitoring flag is given. Errors are usage errors.
    pub fn setup(args: &ScanArgs) -> Result<Option<Monitor>, String> {
        let any = args.metrics_file.is_some()
            || args.pushgateway.is_some()
            || args.alertmanager.is_some()
            || args.alert_webhook.is_some();
        if args.alert_state.is_some() && args.alertmanager.is_none() && args.alert_webhook.is_none()
        {
            return Err(
                "--alert-state remembers what --alertmanager or --alert-webhook was sent; give one"
                    .into(),
            );
        }
        if !any {
            return Ok(None);
        }
        for (k, _) in &args.extra_labels {
            if super::RESERVED_LABELS.contains(&k.as_str()) {
                return Err(format!(
                    "--extra-label {k}: the scanner sets '{k}' itself; choose another name"
                ));
            }
        }
        let pushgateway = match &args.pushgateway {
            None => None,
            Some(url) => {
                let poster = poster(
                    args,
                    url,
                    Auth {
                        flag: "--pushgateway",
                        default_env: "CINC_SCAN_PUSHGATEWAY_TOKEN",
                        token_env: args.pushgateway_token_env.as_ref(),
                        token_file: args.pushgateway_token_file.as_ref(),
                        basic_file: args.pushgateway_basic_auth_file.as_ref(),
                        basic_env: args.pushgateway_basic_auth_env.as_ref(),
                    },
                )?;
                if args.pushgateway_job.is_empty() {
                    return Err("--pushgateway-job must not be empty".into());
                }
                if let Some((k, _)) = args.pushgateway_group.iter().find(|(k, _)| k == "job") {
                    return Err(format!(
                        "--pushgateway-group {k}: the job is --pushgateway-job"
                    ));
                }
                Some(Pushgateway {
                    poster,
                    base: url.clone(),
                    job: args.pushgateway_job.clone(),
                    group: args.pushgateway_group.clone(),
                })
            }
        };
        let alertmanager = match &args.alertmanager {
            None => None,
            Some(url) => {
                let url = if url.trim_end_matches('/').ends_with("/api/v2/alerts") {
                    url.clone()
                } else {
                    format!("{}/api/v2/alerts", url.trim_end_matches('/'))
                };
                Some(poster(
                    args,
                    &url,
                    Auth {
                        flag: "--alertmanager",
                        default_env: "CINC_SCAN_ALERTMANAGER_TOKEN",
                        token_env: args.alertmanager_token_env.as_ref(),
                        token_file: args.alertmanager_token_file.as_ref(),
                        basic_file: args.alertmanager_basic_auth_file.as_ref(),
                        basic_env: args.alertmanager_basic_auth_env.as_ref(),
                    },
                )?)
            }
        };
        let webhook = match &args.alert_webhook {
            None => None,
            Some(url) => Some((
                poster(
                    args,
                    url,
                    Auth {
                        flag: "--alert-webhook",
                        default_env: "CINC_SCAN_ALERT_WEBHOOK_TOKEN",
                        token_env: args.alert_webhook_token_env.as_ref(),
                        token_file: args.alert_webhook_token_file.as_ref(),
                        basic_file: None,
                        basic_env: None,
                    },
                )?,
                args.alert_format,
            )),
        };
        let previous = match &args.alert_state {
            None => Vec::new(),
            Some(path) => match read_back(path, "the --alert-state file")? {
                None => Vec::new(),
                Some(text) => {
                    alerts::parse_state(&text)
                        .map_err(|e| {
                            format!(
                                "--alert-state '{}' is not a state file this tool wrote ({e}); \
                                 move it away to start afresh",
                                path.display()
                            )
                        })?
                        .alerts
                }
            },
        };
        Ok(Some(Monitor {
            metrics_file: args.metrics_file.as_ref().map(|path| MetricsFile {
                path: path.clone(),
                format: match args.metrics_format {
                    MetricsFormat::Text => Format::Text,
                    MetricsFormat::Openmetrics => Format::OpenMetrics,
                },
                per_control: args.metrics_per_control,
                extra: args.extra_labels.clone(),
                quiet: args.quiet,
            }),
            extra: args.extra_labels.clone(),
            per_control: args.metrics_per_control,
            pushgateway,
            alertmanager,
            webhook,
            alert_state: args.alert_state.clone(),
            previous,
            alert_on: args.alert_on.severity(),
            expire_after: args.alert_expire_after,
            quiet: args.quiet,
        }))
    }

    fn note(&self, m: &str) {
        if !self.quiet {
            eprintln!("{m}");
        }
    }

    /// The local part, for its own sink.
    pub fn take_metrics_file(&mut self) -> Option<MetricsFile> {
        self.metrics_file.take()
    }

    /// A Pushgateway, Alertmanager or webhook to send to.
    pub fn has_remote(&self) -> bool {
        self.pushgateway.is_some() || self.alertmanager.is_some() || self.webhook.is_some()
    }

    /// The remote sinks, concurrently; every failure is printed and returned.
    pub async fn deliver(
        &mut self,
        run: &RunInfo<'_>,
        context: Option<&str>,
        hdf_locations: Vec<Option<String>>,
    ) -> Vec<String> {
        let quiet = self.quiet;
        let note = move |m: &str| {
            if !quiet {
                eprintln!("note: {m}");
            }
        };
        let plan = (self.alertmanager.is_some() || self.webhook.is_some()).then(|| {
            alerts::plan(
                run,
                &AlertOptions {
                    on: self.alert_on,
                    expire_after: self.expire_after,
                    extra: self.extra.clone(),
                    hdf_locations,
                },
                &self.previous,
            )
        });
        let Monitor {
            pushgateway,
            alertmanager,
            webhook,
            extra,
            per_control,
            ..
        } = self;
        let extra: &[(String, String)] = extra;
        let push = async {
            let Some(pg) = pushgateway.as_mut() else {
                return Ok(None);
            };
            let mut group = pg.group.clone();
            if group.is_empty() {
                group.push(("instance".into(), default_instance(run, context)));
            }
            let url = pushgateway::push_url(&pg.base, &pg.job, &group);
            pg.poster.retarget(&url).map_err(|e| e.to_string())?;
            // A run that could not scan every target must not erase the time of the last good
            // one: it updates the metrics it has (POST) instead of replacing the group (PUT).
            let (method, last) = if run.success() {
                (
                    Method::PUT,
                    Some(run.finished.as_millisecond() as f64 / 1000.0),
                )
            } else {
                (Method::POST, None)
            };
            let body = metrics::render_with(run, extra, last, Format::Text, *per_control);
            pg.poster
                .send(
                    method,
                    metrics::TEXT_CONTENT_TYPE,
                    "the metrics",
                    Bytes::from(body),
                    &note,
                )
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(Some(pg.poster.url()))
        };
        let am = async {
            let (Some(p), Some(plan)) = (&*alertmanager, &plan) else {
                return Ok(None);
            };
            let bodies = alerts::alertmanager_bodies(plan, ALERTMANAGER_CHUNK);
            send_all(p, "application/json", "alerts", bodies, &note).await?;
            Ok::<_, String>(Some((p.url(), plan.firing.len(), plan.resolved.len())))
        };
        let hook = async {
            let (Some((p, format)), Some(plan)) = (&*webhook, &plan) else {
                return Ok(None);
            };
            if plan.firing.is_empty() && plan.resolved.is_empty() {
                return Ok(Some((p.url(), 0)));
            }
            let (ct, bodies) = match format {
                AlertFormat::Json => (
                    "application/json",
                    vec![alerts::webhook_json(plan, run.finished)],
                ),
                AlertFormat::Cloudevents => (
                    alerts::CLOUDEVENTS_CONTENT_TYPE,
                    alerts::cloudevents(plan, run.finished),
                ),
                AlertFormat::Slack => ("application/json", vec![alerts::slack(plan)]),
            };
            let n = bodies.len();
            send_all(p, ct, "alerts", bodies, &note).await?;
            Ok::<_, String>(Some((p.url(), n)))
        };
        let (push, am, hook) = futures::join!(push, am, hook);
        let mut failures = Vec::new();
        match push {
            Ok(Some(url)) => self.note(&format!("pushed metrics to {url}")),
            Ok(None) => {}
            Err(e) => failures.push(e),
        }
        let alerts_ok = am.is_ok() && hook.is_ok();
        match am {
            Ok(Some((url, f, r))) => self.note(&format!(
                "sent {f} firing and {r} resolved alert(s) to {url}"
            )),
            Ok(None) => {}
            Err(e) => failures.push(e),
        }
        match hook {
            Ok(Some((url, 0))) => self.note(&format!("no alert to send to {url}")),
            Ok(Some((url, n))) => self.note(&format!("sent {n} webhook request(s) to {url}")),
            Ok(None) => {}
            Err(e) => failures.push(e),
        }
        if let (Some(path), Some(plan)) = (&self.alert_state, &plan) {
            let state = alerts::state_after(plan, alerts_ok);
            let mut bytes = serde_json::to_vec_pretty(&state).expect("state encodes as JSON");
            bytes.push(b'\n');
            let written = (|| {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                crate::fsio::write_atomic(path, &bytes, 0o600)
            })();
            if let Err(e) = written {
                failures.push(format!(
                    "cannot write the --alert-state file '{}': {e}",
                    path.display()
                ));
            }
        }
        // The caller reports the last one.
        for f in &failures[..failures.len().saturating_sub(1)] {
            eprintln!("error: {f}");
        }
        failures
    }
}

/// Send every body, at most PER_SINK_CONCURRENCY at once; all are tried, the first error
/// is returned with how many failed.
async fn send_all(
    p: &Poster,
    content_type: &str,
    what: &str,
    bodies: Vec<Vec<u8>>,
    note: &(dyn Fn(&str) + Sync),
) -> Result<(), String> {
    let total = bodies.len();
    let results: Vec<Result<(), String>> = stream::iter(bodies)
        .map(|b| async move {
            p.send(Method::POST, content_type, what, Bytes::from(b), note)
                .await
                .map_err(|e| e.to_string())
        })
        .buffer_unordered(PER_SINK_CONCURRENCY)
        .collect()
        .await;
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    match failed.first() {
        None => Ok(()),
        Some(first) if failed.len() == 1 && total == 1 => Err((*first).clone()),
        Some(first) => Err(format!(
            "{first} ({} of {total} requests failed)",
            failed.len()
        )),
    }
}

/// The grouping key's instance: the kubeconfig context; `in-cluster` inside a pod (its host
/// name would change with every Job pod and leave a group behind each time); the host name for
/// `--root` scans.
fn default_instance(run: &RunInfo<'_>, context: Option<&str>) -> String {
    if let Some(c) = context {
        return c.to_string();
    }
    let local = !run.reports.is_empty() && run.reports.iter().all(|r| r.target.root.is_some());
    if local {
        host_name().unwrap_or_else(|| "localhost".into())
    } else {
        "in-cluster".into()
    }
}

fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn run(reports: &[crate::results::ContainerReport]) -> RunInfo<'_> {
        let now = jiff::Timestamp::now();
        RunInfo {
            reports,
            verdicts: None,
            errored: false,
            interrupted: false,
            started: now,
            finished: now,
        }
    }

    #[test]
    fn default_instance_is_the_context_then_in_cluster_then_the_host() {
        let reports = testdata::reports();
        assert_eq!(default_instance(&run(&reports), Some("prod")), "prod");
        assert_eq!(default_instance(&run(&reports), None), "in-cluster");
        let mut local = reports[..1].to_vec();
        local[0].target = crate::results::Target {
            root: Some("/srv/rootfs".into()),
            access: "local".into(),
            ..Default::default()
        };
        let host = default_instance(&run(&local), None);
        assert!(!host.is_empty() && host != "in-cluster", "{host}");
    }

    #[test]
    fn earlier_files_are_read_back_only_when_small_and_regular() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_back(&dir.path().join("none"), "x").unwrap(), None);
        let e = read_back(dir.path(), "the state").unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let f = dir.path().join("f");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(read_back(&f, "x").unwrap().as_deref(), Some("hello"));
    }
}
