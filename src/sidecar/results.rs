//! `sidecar results`: the sidecars' latest HDF, fetched through exec of the scanner binary
//! itself (`sidecar cat`: no shell, no tar), printed like a scan with thresholds and exit codes.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{Api, AttachParams, ListParams};
use tokio::io::AsyncReadExt;

use super::{BINARY_PATH, CONTAINER_NAME};
use crate::cli::{parse_duration, ColorChoice, OutputFormat};
use crate::exit;
use crate::kube::api_message;
use crate::kube::config::{connect, ClusterOptions};
use crate::report::{json, junit, markdown, sarif, table, Outcome};
use crate::results::{ContainerReport, Target};
use crate::run::RunError;
use crate::threshold::{self, Threshold};

/// The most a sidecar may send back (its volume is writable by the target's uid).
const MAX_OUTPUT: usize = 128 * 1024 * 1024;
const MAX_STDERR: usize = 64 * 1024;

#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// pod/NAME, NAME, or a workload: deploy/NAME, sts/NAME, ds/NAME, rs/NAME, job/NAME
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,

    /// Label selector of the pods, e.g. -l app=web
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Namespace (default: the context's namespace)
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Only this app container's results (repeatable)
    #[arg(short = 'c', long = "container", value_name = "NAME")]
    pub containers: Vec<String>,

    /// Every kept result, oldest first, not only the newest
    #[arg(long)]
    pub all: bool,

    /// Output format on stdout
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,

    /// SAF threshold file; exit code 3 if a result violates it, 0 if all meet it
    #[arg(long, value_name = "FILE", conflicts_with = "threshold_inline")]
    pub threshold: Option<PathBuf>,

    /// SAF threshold inline, e.g. '{compliance.min: 80}'
    #[arg(long, value_name = "RULES")]
    pub threshold_inline: Option<String>,

    /// Time limit for fetching one pod's results
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// When to colour the table
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,

    /// The kubeconfig context to use
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// Path to the kubeconfig file
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Print only results, no notes on stderr
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// `matchLabels` and `matchExpressions` as a label selector string.
pub fn selector_string(s: &LabelSelector) -> String {
    let mut parts: Vec<String> = s
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in s.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            _ => continue,
        });
    }
    parts.join(",")
}

async fn workload_selector(
    client: &kube::Client,
    ns: &str,
    kind: &str,
    name: &str,
) -> Result<String, String> {
    macro_rules! get {
        ($t:ty, $res:expr) => {{
            let api: Api<$t> = Api::namespaced(client.clone(), ns);
            let obj = api
                .get(name)
                .await
                .map_err(|e| api_message(&e, "get", $res, ns))?;
            obj.spec.map(|s| s.selector)
        }};
    }
    let sel: Option<LabelSelector> = match kind {
        "deploy" | "deployment" | "deployments" => get!(Deployment, "deployments"),
        "sts" | "statefulset" | "statefulsets" => get!(StatefulSet, "statefulsets"),
        "ds" | "daemonset" | "daemonsets" => get!(DaemonSet, "daemonsets"),
        "rs" | "replicaset" | "replicasets" => get!(ReplicaSet, "replicasets"),
        "job" | "jobs" => {
            let api: Api<Job> = Api::namespaced(client.clone(), ns);
            let obj = api.get(name)
                .await
                .map_err(|e| api_message(&e, "get", "jobs", ns))?;
            obj.spec.and_then(|s| s.selector)
        }
        other => {
            return Err(format!(
                "'{other}/{name}' is not a target: use pod/NAME, deploy/NAME, sts/NAME, ds/NAME, rs/NAME or job/NAME"
            ))
        }
    };
    let s = sel.map(|s| selector_string(&s)).unwrap_or_default();
    if s.is_empty() {
        return Err(format!("{kind}/{name} has no pod selector"));
    }
    Ok(s)
}

/// Pods named or selected, with the errors of the ones that could not be found.
async fn pods(client: &kube::Client, ns: &str, args: &ResultsArgs) -> (Vec<Pod>, Vec<String>) {
    let api: Api<Pod> = Api::namespaced(client.clone(), ns);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut selectors: Vec<(String, String)> = Vec::new();
    if let Some(s) = &args.selector {
        selectors.push((format!("-l {s}"), s.clone()));
    }
    for t in &args.targets {
        let (kind, name) = t.split_once('/').unwrap_or(("pod", t.as_str()));
        match kind {
            "pod" | "pods" | "po" => match api.get(name).await {
                Ok(p) => out.push(p),
                Err(e) => errors.push(api_message(&e, "get", "pods", ns)),
            },
            _ => match workload_selector(client, ns, kind, name).await {
                Ok(s) => selectors.push((t.clone(), s)),
                Err(e) => errors.push(e),
            },
        }
    }
    for (what, s) in selectors {
        let lp = ListParams::default().labels(&s);
        match api.list(&lp).await {
            Ok(list) if list.items.is_empty() => {
                errors.push(format!("no pods match {what} in namespace \"{ns}\""))
            }
            Ok(list) => out.extend(list.items),
            Err(e) => errors.push(api_message(&e, "list", "pods", ns)),
        }
    }
    // Pods on their way out (an older revision during a rollout) have nothing new to say.
    out.retain(|p| p.metadata.deletion_timestamp.is_none());
    out.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    out.dedup_by(|a, b| a.metadata.name == b.metadata.name);
    (out, errors)
}

/// Why the pod's sidecar cannot answer, if it cannot.
fn sidecar_problem(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let name = pod.metadata.name.clone().unwrap_or_default();
    let declared = spec
        .init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
        .any(|c| c.name == CONTAINER_NAME);
    if !declared {
        return Some(format!(
            "pod {name} has no {CONTAINER_NAME} sidecar: add it with `kubectl cinc-scan sidecar inject` and roll out"
        ));
    }
    let status = pod.status.as_ref();
    let running = status
        .into_iter()
        .flat_map(|s| {
            s.init_container_statuses
                .iter()
                .flatten()
                .chain(s.container_statuses.iter().flatten())
        })
        .find(|c| c.name == CONTAINER_NAME)
        .and_then(|c| c.state.as_ref())
        .is_some_and(|s| s.running.is_some());
    (!running).then(|| {
        format!("the {CONTAINER_NAME} sidecar of pod {name} is not running (see kubectl describe pod {name})")
    })
}

/// Run argv in a container; stdout (bounded), stderr (bounded) and the exit code.
pub async fn exec_capture(
    api: &Api<Pod>,
    ns: &str,
    pod: &str,
    container: &str,
    argv: &[String],
) -> Result<(Vec<u8>, String, i32), String> {
    let params = AttachParams::default()
        .container(container)
        .stdout(true)
        .stderr(true);
    let mut process = api
        .exec(pod, argv.iter().map(String::as_str), &params)
        .await
        .map_err(|e| api_message(&e, "create", "pods/exec", ns))?;
    let mut stdout = process.stdout().ok_or("exec gave no stdout")?;
    let mut stderr = process.stderr().ok_or("exec gave no stderr")?;
    let status = process.take_status();
    let read_out = async {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = stdout.read(&mut buf).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Ok(out);
            }
            if out.len() + n > MAX_OUTPUT {
                return Err(format!("the sidecar sent more than {MAX_OUTPUT} bytes"));
            }
            out.extend_from_slice(&buf[..n]);
        }
    };
    let read_err = async {
        let mut err = Vec::new();
        let _ = (&mut stderr)
            .take(MAX_STDERR as u64)
            .read_to_end(&mut err)
            .await;
        // Drain the rest so the exit status can arrive.
        let _ = tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await;
        String::from_utf8_lossy(&err).into_owned()
    };
    let (out, err) = tokio::join!(read_out, read_err);
    let out = out?;
    let status = match status {
        Some(s) => s.await,
        None => None,
    };
    let _ = process.join().await;
    let code = match status {
        Some(s) if s.status.as_deref() == Some("Failure") => s
            .details
            .as_ref()
            .and_then(|d| d.causes.as_ref())
            .and_then(|c| c.iter().find(|c| c.reason.as_deref() == Some("ExitCode")))
            .and_then(|c| c.message.as_deref()?.parse().ok())
            .ok_or_else(|| format!("exec failed: {}", s.message.unwrap_or_default()))?,
        _ => 0,
    };
    Ok((out, err, code))
}

fn error_report(pod: &Pod, message: String) -> ContainerReport {
    ContainerReport {
        target: Target {
            namespace: pod.metadata.namespace.clone(),
            pod: pod.metadata.name.clone(),
            access: "sidecar".into(),
            ..Default::default()
        },
        platform: Default::default(),
        profiles: Vec::new(),
        error: Some(message),
        start_time: jiff::Timestamp::now().to_string(),
        duration: 0.0,
    }
}

/// One pod's results: its sidecar's HDF documents, or one error report.
async fn fetch(api: &Api<Pod>, ns: &str, pod: &Pod, args: &ResultsArgs) -> Vec<ContainerReport> {
    if let Some(why) = sidecar_problem(pod) {
        return vec![error_report(pod, why)];
    }
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut argv: Vec<String> = vec![BINARY_PATH.into(), "sidecar".into(), "cat".into()];
    for c in &args.containers {
        argv.extend(["--target".into(), c.clone()]);
    }
    if args.all {
        argv.push("--all".into());
    }
    let result = tokio::time::timeout(
        args.timeout,
        exec_capture(api, ns, &name, CONTAINER_NAME, &argv),
    )
    .await;
    let (out, err, code) = match result {
        Err(_) => {
            return vec![error_report(
                pod,
                format!(
                    "no answer from the sidecar of {name} within {}s",
                    args.timeout.as_secs()
                ),
            )]
        }
        Ok(Err(e)) => return vec![error_report(pod, e)],
        Ok(Ok(x)) => x,
    };
    let err = crate::report::one_line(&super::printable(&err, 500));
    if code == exit::SKIPPED {
        return vec![error_report(
            pod,
            format!("the sidecar of {name} has no results yet ({err})"),
        )];
    }
    if code != 0 {
        return vec![error_report(
            pod,
            format!("`sidecar cat` in {name} exited {code}: {err}"),
        )];
    }
    let mut reports = Vec::new();
    for line in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let parsed = serde_json::from_slice(line)
            .map_err(|e| e.to_string())
            .and_then(|v| super::hdf_read::report_of(&v));
        match parsed {
            Ok(mut r) => {
                // The sidecar names its pod from the downward API; the API's word is final.
                r.target.namespace = pod.metadata.namespace.clone();
                r.target.pod = pod.metadata.name.clone();
                reports.push(r)
            }
            Err(e) => reports.push(error_report(
                pod,
                format!("a result of {name} is not HDF: {e}"),
            )),
        }
    }
    if reports.is_empty() {
        reports.push(error_report(
            pod,
            format!("the sidecar of {name} printed no results"),
        ));
    }
    reports
}

fn render(
    format: OutputFormat,
    out: &mut dyn Write,
    outcome: &Outcome,
    opts: &table::TableOptions,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Table => table::write_outcome(out, outcome, opts),
        OutputFormat::Json => json::write_lines(out, outcome.reports),
        OutputFormat::Junit => junit::write(out, outcome),
        OutputFormat::Sarif => sarif::write(out, outcome),
        OutputFormat::Markdown => markdown::write(out, outcome),
    }
}

pub async fn command(args: ResultsArgs) -> Result<i32, RunError> {
    if args.targets.is_empty() && args.selector.is_none() {
        return Err(RunError::Usage(
            "name the pods: pod/NAME, deploy/NAME (sts, ds, rs, job) or -l SELECTOR".into(),
        ));
    }
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
    let conn = connect(&ClusterOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        ..Default::default()
    })
    .await?;
    let ns = conn.namespace.clone();
    let (pods, errors) = pods(&conn.client, &ns, &args).await;
    let mut errored = !errors.is_empty();
    for e in &errors {
        eprintln!("error: {e}");
    }
    let api: Api<Pod> = Api::namespaced(conn.client.clone(), &ns);
    let mut reports = Vec::new();
    for p in &pods {
        reports.extend(fetch(&api, &ns, p, &args).await);
    }
    for r in &reports {
        if let (Some(e), false) = (&r.error, args.quiet) {
            eprintln!("error: {}: {e}", r.target.id());
        }
    }
    errored |= reports.iter().any(|r| r.error.is_some());
    let verdicts: Option<Vec<threshold::Verdict>> = threshold.as_ref().map(|t| {
        reports
            .iter()
            .map(|r| threshold::evaluate_report(t, r))
            .collect()
    });
    let outcome = Outcome {
        reports: &reports,
        verdicts: verdicts.as_deref(),
    };
    let mut stdout = std::io::stdout().lock();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let width = (!stdout.is_terminal()).then(|| {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(120)
    });
    render(
        args.output,
        &mut stdout,
        &outcome,
        &table::TableOptions { color, width },
    )
    .and_then(|_| stdout.flush())
    .map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => RunError::BrokenPipe,
        _ => RunError::Io(format!("cannot write to stdout: {e}")),
    })?;
    Ok(crate::scan::gate_exit_code(
        crate::scan::results_code(&reports, errored, false),
        verdicts.as_deref(),
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_selectors_become_label_selectors() {
        let s: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"app": "web", "tier": "fe"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["a", "b"]},
                {"key": "x", "operator": "DoesNotExist"}
            ]
        }))
        .unwrap();
        assert_eq!(selector_string(&s), "app=web,tier=fe,env in (a,b),!x");
    }
}
