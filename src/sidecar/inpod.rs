//! In-pod mode (`sidecar run`, `sidecar cat`): the scanner container of a pod with a shared PID
//! namespace finds each target's process, scans `/proc/<pid>/root` with the local reader and
//! engine of `--root`, and keeps the last N HDF documents per target on the results volume.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::procfs::{self, Discovery, RootId};
use k8s_openapi::api::core::v1::Pod;

use super::{printable, CatArgs, Discover, RunArgs};
use crate::access::{local, Access, AccessError, Collected};
use crate::engine::facts::{ProbePlan, Unavailable};
use crate::engine::profile::Profile;
use crate::exit;
use crate::results::{hdf, ContainerReport, SafStatus, Target};
use crate::run::RunError;
use crate::threshold::{self, Threshold};

/// The summary of the last round, next to the HDF files.
pub const SUMMARY_FILE: &str = "summary.json";
/// HDF files larger than this are not printed by `sidecar cat` (a volume is writable by the
/// target's uid too: treat what is there as untrusted).
pub const MAX_RESULT_FILE: u64 = 64 * 1024 * 1024;

/// Reads one target's root through `/proc/<pid>/root` of its process.
pub struct SidecarAccess {
    pub proc_dir: PathBuf,
    pub pid: u32,
    pub root_id: RootId,
    pub how: String,
}

impl Access for SidecarAccess {
    fn method(&self) -> crate::access::AccessMethod {
        crate::access::AccessMethod::Sidecar
    }

    fn gather<'a>(&'a self, plan: &'a ProbePlan) -> BoxFuture<'a, Result<Collected, AccessError>> {
        Box::pin(async move {
            let proc_dir = self.proc_dir.clone();
            let (pid, root_id) = (self.pid, self.root_id);
            let plan = plan.clone();
            let facts = tokio::task::spawn_blocking(move || {
                let root = procfs::root_path(&proc_dir, pid);
                // The process may have exited since discovery, and its pid been reused.
                if std::fs::metadata(root.join(""))
                    .map(|m| procfs::file_id(&m))
                    .ok()
                    != Some(root_id)
                {
                    return Err(AccessError::Failed(format!(
                        "the target's process {pid} is gone (the container restarted?); the next round finds it again"
                    )));
                }
                let mut facts = local::gather(&root, &plan);
                let procs = procfs::processes(&proc_dir, std::process::id());
                facts.process = procfs::main_process(&proc_dir, &procs, root_id)
                    .ok_or_else(|| Unavailable::skip("the main process is not visible from the sidecar"));
                facts.pod = Err(Unavailable::skip(
                    "pod spec not available in the sidecar (it reads no API; use `kubectl cinc-scan` for pod checks)",
                ));
                for fact in facts.commands.values_mut() {
                    *fact = Err(Unavailable::skip(
                        "commands need a shell inside the target container",
                    ));
                }
                facts.target_pid = Some(pid);
                Ok(facts)
            })
            .await
            .map_err(|e| AccessError::Failed(format!("the scan stopped: {e}")))??;
            Ok(Collected {
                facts,
                detail: Some(format!("sidecar, target {}", self.how)),
            })
        })
    }
}

/// The pod this sidecar runs in, from the downward API variables `sidecar inject` sets.
#[derive(Debug, Clone, Default)]
pub struct PodIdentity {
    pub namespace: Option<String>,
    pub pod: Option<String>,
    pub node: Option<String>,
}

impl PodIdentity {
    pub fn from_env() -> PodIdentity {
        let get = |k: &str| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| printable(&v, 253))
        };
        PodIdentity {
            namespace: get("POD_NAMESPACE"),
            pod: get("POD_NAME"),
            node: get("NODE_NAME"),
        }
    }
}

const SERVICE_ACCOUNT_TOKEN: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// (container name, bare container id) of the pod's running app containers.
fn container_ids(pod: &Pod) -> Vec<(String, String)> {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter(|c| c.name != super::CONTAINER_NAME)
        .filter_map(|c| {
            let id = c.container_id.as_deref()?;
            let bare = id.split_once("://").map_or(id, |(_, b)| b);
            Some((c.name.clone(), bare.to_string()))
        })
        .collect()
}

/// `<container>.<unix ms, 13 digits>.json`: sorts by time, one series per container.
pub fn result_file_name(container: &str, millis: u64) -> String {
    format!("{container}.{millis:013}.json")
}

fn parse_result_name(name: &str) -> Option<(&str, u64)> {
    let stem = name.strip_suffix(".json")?;
    let (container, millis) = stem.rsplit_once('.')?;
    if millis.len() != 13 || !procfs::is_container_name(container) {
        return None;
    }
    Some((container, millis.parse().ok()?))
}

/// The result files in `dir`, per container, oldest first.
pub fn result_files(
    dir: &Path,
) -> std::io::Result<std::collections::BTreeMap<String, Vec<PathBuf>>> {
    let mut out: std::collections::BTreeMap<String, Vec<(u64, PathBuf)>> = Default::default();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some((c, ms)) = parse_result_name(name) {
            out.entry(c.to_string()).or_default().push((ms, e.path()));
        }
    }
    Ok(out
        .into_iter()
        .map(|(c, mut v)| {
            v.sort();
            (c, v.into_iter().map(|(_, p)| p).collect())
        })
        .collect())
}

/// Keep the newest `keep` files of `container`; temporary files of a killed writer go too.
pub fn prune(dir: &Path, container: &str, keep: usize) -> std::io::Result<usize> {
    let files = result_files(dir)?;
    let mut removed = 0;
    if let Some(list) = files.get(container) {
        for p in &list[..list.len().saturating_sub(keep)] {
            std::fs::remove_file(p)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A temporary file of `fsio::write_atomic` (`.cinc-scan-XXXXXX.tmp`), or of older versions.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && (name.ends_with(".tmp") || name.contains(".tmp-"))
}

/// Leftovers of a writer that was killed mid-write never a result file.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_temporary(&name) && std::fs::remove_file(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}

fn status_word(report: &ContainerReport) -> &'static str {
    match crate::scan::results_code(std::slice::from_ref(report), report.error.is_some(), false) {
        exit::PASSED => "PASSED",
        exit::FAILED => "FAILED",
        exit::SKIPPED => "SKIPPED",
        _ => "ERROR",
    }
}

/// The line `kubectl logs` shows for one scan.
pub fn log_line(
    report: &ContainerReport,
    verdict: Option<&threshold::Verdict>,
    file: &str,
) -> String {
    let s = report.summary();
    let mut line = format!(
        "{} {}: {} · {} passed, {} failed, {} skipped, {} n/a, {} error · compliance {}%",
        jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        report.target.id(),
        status_word(report),
        s.total(SafStatus::Passed),
        s.total(SafStatus::Failed),
        s.total(SafStatus::NotReviewed),
        s.total(SafStatus::NotApplicable),
        s.total(SafStatus::ProfileError),
        s.compliance(),
    );
    if let Some(v) = verdict {
        line.push_str(&format!(" · threshold {}", crate::report::verdict_line(v)));
    }
    if let Some(e) = &report.error {
        line.push_str(&format!(" · {}", printable(e, 300)));
    }
    line.push_str(&format!(" · {file}"));
    line
}

/// Everything `sidecar run` needs, validated once.
pub struct Runner {
    pub args: RunArgs,
    pub profiles: Vec<Arc<Profile>>,
    pub plan: ProbePlan,
    pub threshold: Option<Threshold>,
    pub poster: Option<crate::deliver::Poster>,
    pub pod: PodIdentity,
}

impl Runner {
    pub fn new(args: RunArgs) -> Result<Runner, RunError> {
        let profiles = crate::profiles::load_specs(&args.profiles)?;
        let threshold = match (&args.threshold, &args.threshold_inline) {
            (Some(path), _) => {
                let text = crate::fsio::read_text(path, 1 << 20).map_err(|e| {
                    RunError::Usage(format!(
                        "cannot read threshold file '{}': {e}",
                        path.display()
                    ))
                })?;
                Some(Threshold::parse_file(&text, &path.display().to_string())?)
            }
            (None, Some(inline)) => Some(Threshold::parse_inline(inline)?),
            (None, None) => None,
        };
        let poster = match &args.post_results {
            None => None,
            Some(url) => {
                use crate::deliver::{PostOptions, Poster, TokenSource};
                let token = match &args.post_token_file {
                    Some(f) => TokenSource::File(f.clone()),
                    None => TokenSource::Env {
                        name: crate::deliver::DEFAULT_TOKEN_ENV.into(),
                        explicit: false,
                    },
                };
                let poster = Poster::new(&PostOptions {
                    ca_file: args.post_ca_file.clone(),
                    timeout: args.post_timeout,
                    retries: args.post_retries,
                    ..PostOptions::post_results(url, token)
                })
                .map_err(|e| RunError::Usage(e.to_string()))?;
                for w in &poster.warnings {
                    eprintln!("{w}");
                }
                Some(poster)
            }
        };
        if args.keep == 0 {
            return Err(RunError::Usage("--keep must be at least 1".into()));
        }
        std::fs::create_dir_all(&args.results_dir).map_err(|e| {
            RunError::Usage(format!(
                "cannot use --results-dir '{}': {e}; mount the results volume there",
                args.results_dir.display()
            ))
        })?;
        let plan = ProbePlan::for_profiles(
            &profiles.iter().map(|p| (**p).clone()).collect::<Vec<_>>(),
            args.max_file_size,
        );
        Ok(Runner {
            args,
            plan,
            profiles,
            threshold,
            poster,
            pod: PodIdentity::from_env(),
        })
    }

    /// Targets by their marker; when none carries one (or a `--target` is missing) and the pod
    /// has a ServiceAccount token, by the container ids of the pod's own status.
    async fn discover(&self) -> (Discovery, Option<Pod>) {
        let procs = procfs::processes(&self.args.proc_dir, std::process::id());
        let mine = procfs::self_root();
        let mut d = procfs::by_marker(&procs, mine);
        let missing = |d: &Discovery| {
            d.found.is_empty()
                || self
                    .args
                    .targets
                    .iter()
                    .any(|t| !d.found.iter().any(|f| &f.container == t))
        };
        let mut pod = None;
        let use_api = match self.args.discover {
            Discover::Env => false,
            Discover::Api => true,
            Discover::Auto => missing(&d) && Path::new(SERVICE_ACCOUNT_TOKEN).exists(),
        };
        if use_api {
            match self.own_pod().await {
                Ok(p) => {
                    let ids = container_ids(&p);
                    let by_id = procfs::by_container_id(&procs, mine, &ids);
                    d.notes.extend(by_id.notes);
                    d.unreadable += by_id.unreadable;
                    for f in by_id.found {
                        if !d.found.iter().any(|x| x.container == f.container) {
                            d.found.push(f);
                        }
                    }
                    pod = Some(p);
                }
                Err(e) => d
                    .notes
                    .push(format!("the pod's status is not readable: {e}")),
            }
        }
        if !self.args.targets.is_empty() {
            d.found.retain(|f| self.args.targets.contains(&f.container));
        }
        d.found.sort_by(|a, b| a.container.cmp(&b.container));
        (d, pod)
    }

    /// This pod from the API, with the in-cluster identity (a Role with `get` on pods).
    async fn own_pod(&self) -> Result<Pod, String> {
        let (Some(ns), Some(name)) = (&self.pod.namespace, &self.pod.pod) else {
            return Err("POD_NAME and POD_NAMESPACE are not set (sidecar inject sets them)".into());
        };
        let config = kube::Config::incluster().map_err(|e| e.to_string())?;
        let settings = crate::kube::resilience::Settings::default();
        let (client, _guard) =
            crate::kube::resilience::client(config, &settings).map_err(|e| e.to_string())?;
        let api: kube::Api<Pod> = kube::Api::namespaced(client, ns);
        let get = api.get(name);
        tokio::time::timeout(Duration::from_secs(30), get)
            .await
            .map_err(|_| "the API server did not answer within 30s".to_string())?
            .map_err(|e| crate::kube::api_message(&e, "get", "pods", ns))
    }

    /// One round: every target scanned, its HDF written atomically, the summary replaced.
    /// Returns the reports (for the exit code of `--once`).
    pub async fn round(&self, out: &mut dyn Write, wait: Duration) -> Vec<ContainerReport> {
        // A native sidecar starts before the app containers: wait for them to appear.
        let deadline = tokio::time::Instant::now() + wait;
        let mut waited = false;
        let (d, pod) = loop {
            let (d, pod) = self.discover().await;
            let complete = !d.found.is_empty()
                && self
                    .args
                    .targets
                    .iter()
                    .all(|t| d.found.iter().any(|f| &f.container == t));
            if complete || tokio::time::Instant::now() >= deadline {
                break (d, pod);
            }
            if !waited {
                eprintln!(
                    "note: waiting up to {}s for the targets to start",
                    wait.as_secs()
                );
                waited = true;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        };
        for n in &d.notes {
            eprintln!("note: {n}");
        }
        let mut missing: Vec<String> = self
            .args
            .targets
            .iter()
            .filter(|t| !d.found.iter().any(|f| &f.container == *t))
            .cloned()
            .collect();
        if d.found.is_empty() && missing.is_empty() {
            missing.push("(any)".into());
        }
        let mut reports = Vec::new();
        for f in &d.found {
            let access = SidecarAccess {
                proc_dir: self.args.proc_dir.clone(),
                pid: f.pid,
                root_id: f.root_id,
                how: f.how.clone(),
            };
            let mut target = self.target(&f.container);
            // With the pod from the API, the pod-spec checks run too (as in a cluster scan).
            let pod_value = pod.as_ref().map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                if let Some(m) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                    m.remove("managedFields");
                }
                crate::engine::resources::pod_value(&v, &f.container)
            });
            if let Some(p) = &pod {
                target.image = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.containers.iter().find(|c| c.name == f.container))
                    .and_then(|c| c.image.clone());
            }
            let report = crate::scan::scan_with(
                &self.profiles,
                &self.plan,
                (!self.args.timeout.is_zero()).then_some(self.args.timeout),
                target,
                &[&access],
                pod_value,
                &|_| {},
            )
            .await;
            reports.push(report);
        }
        for name in missing {
            let why = format!(
                "no process of the pod carries {}{}: {}",
                procfs::TARGET_ENV,
                if name == "(any)" {
                    String::new()
                } else {
                    format!("={name}")
                },
                if d.unreadable > 0 {
                    format!(
                        "{} process(es) are not readable by this sidecar (uid {}, gid {}): a target runs as another uid or gid; inject with the target's --run-as-user and --run-as-group",
                        d.unreadable,
                        current_uid(),
                        current_gid()
                    )
                } else {
                    "is shareProcessNamespace true and the target container injected?".into()
                }
            );
            let container = (name != "(any)").then_some(name);
            let target = self.target(container.as_deref().unwrap_or("unknown"));
            reports.push(ContainerReport {
                profiles: crate::engine::eval::all_errors(&self.profiles, &why),
                error: Some(why),
                target,
                platform: Default::default(),
                start_time: jiff::Timestamp::now().to_string(),
                duration: 0.0,
            });
        }
        let verdicts: Vec<Option<threshold::Verdict>> = reports
            .iter()
            .map(|r| {
                self.threshold
                    .as_ref()
                    .map(|t| threshold::evaluate_report(t, r))
            })
            .collect();
        let millis = jiff::Timestamp::now().as_millisecond().max(0) as u64;
        let mut summary = Vec::new();
        for (r, v) in reports.iter().zip(&verdicts) {
            let container = r
                .target
                .container
                .clone()
                .unwrap_or_else(|| "unknown".into());
            let name = result_file_name(&container, millis);
            let written = self.write_result(&container, &name, r);
            let shown = match &written {
                Ok(()) => name.clone(),
                Err(e) => format!("NOT WRITTEN: {e}"),
            };
            let _ = writeln!(out, "{}", log_line(r, v.as_ref(), &shown));
            let s = r.summary();
            summary.push(serde_json::json!({
                "target_id": r.target.id(),
                "container": container,
                "file": written.is_ok().then_some(name),
                "status": status_word(r).to_ascii_lowercase(),
                "passed": s.total(SafStatus::Passed),
                "failed": s.total(SafStatus::Failed),
                "skipped": s.total(SafStatus::NotReviewed),
                "not_applicable": s.total(SafStatus::NotApplicable),
                "error": s.total(SafStatus::ProfileError),
                "compliance": s.compliance(),
                "threshold": v.as_ref().map(|v| if v.met() { "met" } else { "violated" }),
            }));
        }
        let _ = out.flush();
        let doc =
            serde_json::json!({"time": jiff::Timestamp::now().to_string(), "targets": summary});
        let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        if let Err(e) =
            crate::fsio::write_atomic(&self.args.results_dir.join(SUMMARY_FILE), &bytes, 0o600)
        {
            eprintln!("error: cannot write {}: {e}", SUMMARY_FILE);
        }
        if let Some(poster) = &self.poster {
            for r in &reports {
                let id = r.target.id();
                let Ok(body) = serde_json::to_vec(&hdf::document(r)) else {
                    continue;
                };
                let note = |m: &str| eprintln!("note: {m}");
                if let Err(e) = poster.post(&id, body.into(), &note).await {
                    eprintln!("error: {e}");
                }
            }
        }
        reports
    }

    fn target(&self, container: &str) -> Target {
        Target {
            namespace: self.pod.namespace.clone(),
            pod: self.pod.pod.clone(),
            container: Some(container.to_string()),
            node: self.pod.node.clone(),
            access: "sidecar".into(),
            ..Default::default()
        }
    }

    fn write_result(
        &self,
        container: &str,
        name: &str,
        r: &ContainerReport,
    ) -> std::io::Result<()> {
        let dir = &self.args.results_dir;
        let mut bytes = serde_json::to_vec(&hdf::document(r))?;
        bytes.push(b'\n');
        crate::fsio::write_atomic(&dir.join(name), &bytes, 0o600)?;
        prune(dir, container, self.args.keep)?;
        Ok(())
    }
}

fn current_gid() -> u32 {
    std::fs::metadata("/proc/self")
        .map(|m| procfs::owner(&m).1)
        .unwrap_or(u32::MAX)
}

fn current_uid() -> u32 {
    std::fs::metadata("/proc/self")
        .map(|m| procfs::owner(&m).0)
        .unwrap_or(u32::MAX)
}

/// `sidecar run`: scan, write, sleep, again; blocks until SIGTERM (native sidecars are
/// restarted when they exit). With `--once`, one round and the scan's exit code.
pub async fn run(args: RunArgs) -> Result<i32, RunError> {
    let once = args.once;
    let interval = args.interval;
    let runner = Runner::new(args)?;
    let stale = remove_stale_temporaries(&runner.args.results_dir);
    if stale > 0 {
        eprintln!("note: removed {stale} temporary file(s) of an interrupted write");
    }
    let (interrupt, term) = crate::signals::stop_signals();
    tokio::pin!(interrupt, term);
    eprintln!(
        "cinc-scan sidecar {}: results in {}, every {}s, keeping {} per target",
        crate::VERSION_LONG,
        runner.args.results_dir.display(),
        interval.as_secs(),
        runner.args.keep
    );
    // The first round waits up to two minutes for the targets to start, later ones a little
    // (a target may be restarting); with --once, not at all.
    let mut wait = if once {
        Duration::ZERO
    } else {
        Duration::from_secs(120)
    };
    loop {
        let mut stdout = std::io::stdout();
        let reports = tokio::select! {
            r = runner.round(&mut stdout, wait) => r,
            _ = &mut term => return Ok(exit::PASSED),
            _ = &mut interrupt => return Ok(exit::INTERRUPTED),
        };
        if once {
            let errored = reports.iter().any(|r| r.error.is_some());
            let verdicts: Option<Vec<_>> = runner.threshold.as_ref().map(|t| {
                reports
                    .iter()
                    .map(|r| threshold::evaluate_report(t, r))
                    .collect()
            });
            return Ok(crate::scan::gate_exit_code(
                crate::scan::results_code(&reports, errored, false),
                verdicts.as_deref(),
                false,
            ));
        }
        wait = Duration::from_secs(30);
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = &mut term => return Ok(exit::PASSED),
            _ = &mut interrupt => return Ok(exit::INTERRUPTED),
        }
    }
}

/// `sidecar cat`: the newest HDF document of each target (or every kept one), one per line,
/// for `sidecar results` to read through exec. No shell, no tar.
pub fn cat(args: &CatArgs, out: &mut dyn Write) -> Result<i32, RunError> {
    let files = result_files(&args.results_dir).map_err(|e| {
        RunError::Io(format!(
            "cannot list the results in '{}': {e}",
            args.results_dir.display()
        ))
    })?;
    let w = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::BrokenPipe => RunError::BrokenPipe,
        _ => RunError::Io(format!("cannot write to stdout: {e}")),
    };
    let mut printed = 0;
    for (container, list) in &files {
        if !args.targets.is_empty() && !args.targets.contains(container) {
            continue;
        }
        let chosen: &[PathBuf] = if args.all {
            list
        } else {
            &list[list.len().saturating_sub(1)..]
        };
        for p in chosen {
            let text = match read_result(p) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {}: {e}", p.display());
                    continue;
                }
            };
            out.write_all(text.as_bytes()).map_err(w)?;
            out.write_all(b"\n").map_err(w)?;
            printed += 1;
        }
    }
    out.flush().map_err(w)?;
    if printed == 0 {
        eprintln!(
            "no results yet in {} (the first scan runs when the sidecar starts)",
            args.results_dir.display()
        );
        return Ok(exit::SKIPPED);
    }
    Ok(exit::PASSED)
}

/// One result file as compact JSON on one line (checked to be JSON, bounded in size).
fn read_result(p: &Path) -> Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX_RESULT_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_RESULT_FILE {
        return Err(format!("larger than {MAX_RESULT_FILE} bytes: skipped"));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    serde_json::to_string(&v).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_names_sort_by_time_and_prune_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        for ms in [3u64, 1, 2, 10] {
            std::fs::write(dir.path().join(result_file_name("app", ms)), "{}").unwrap();
        }
        std::fs::write(dir.path().join(result_file_name("web", 5)), "{}").unwrap();
        std::fs::write(dir.path().join(".app.0000000000011.json.tmp-7"), "{").unwrap();
        std::fs::write(dir.path().join("notes.json"), "{}").unwrap();
        let files = result_files(dir.path()).unwrap();
        let names: Vec<String> = files["app"]
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "app.0000000000001.json",
                "app.0000000000002.json",
                "app.0000000000003.json",
                "app.0000000000010.json"
            ]
        );
        assert_eq!(prune(dir.path(), "app", 2).unwrap(), 2);
        assert_eq!(result_files(dir.path()).unwrap()["app"].len(), 2);
        assert_eq!(result_files(dir.path()).unwrap()["web"].len(), 1);
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        assert_eq!(parse_result_name("../x.0000000000001.json"), None);
        assert_eq!(parse_result_name("app.1.json"), None);
    }
}
