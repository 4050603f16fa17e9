//! `job results NAME`: every shard's results from its pod's log, merged into one scan.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, LogParams};

use super::args::ResultsArgs;
use super::{frame, wire, CONTAINER_NAME, LABEL_JOB, LABEL_MANAGED_BY, MANAGED_BY};
use crate::kube::config::connect;
use crate::kube::{api_message, status_code};
use crate::results::ContainerReport;
use crate::run::RunError;

/// The most log a shard may have (its framed results are a fraction of this).
const MAX_LOG_BYTES: i64 = 256 << 20;
const INDEX_ANNOTATION: &str = "batch.kubernetes.io/job-completion-index";
const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";

/// What became of one shard.
#[derive(Debug)]
pub enum ShardOutcome {
    Done(Box<wire::ShardResults>),
    Missing(String),
}

/// The Job `name`, or the newest Job of the CronJob `name`.
async fn find_job(client: &kube::Client, ns: &str, name: &str) -> Result<Job, RunError> {
    let jobs: Api<Job> = Api::namespaced(client.clone(), ns);
    match jobs.get(name).await {
        Ok(j) => return Ok(j),
        Err(e) if status_code(&e) == Some(404) => {}
        Err(e) => return Err(RunError::Io(api_message(&e, "get", "jobs", ns))),
    }
    let crons: Api<CronJob> = Api::namespaced(client.clone(), ns);
    match crons.get(name).await {
        Ok(_) => {}
        Err(e) if status_code(&e) == Some(404) => {
            return Err(RunError::Io(format!(
                "no Job or CronJob \"{name}\" in namespace \"{ns}\"; \
                 `kubectl get jobs,cronjobs -n {ns} -l {LABEL_MANAGED_BY}={MANAGED_BY}` lists them"
            )))
        }
        Err(e) => return Err(RunError::Io(api_message(&e, "get", "cronjobs", ns))),
    }
    let lp = ListParams::default().labels(&format!(
        "{LABEL_MANAGED_BY}={MANAGED_BY},{LABEL_JOB}={name}"
    ));
    let list = jobs
        .list(&lp)
        .await
        .map_err(|e| RunError::Io(api_message(&e, "list", "jobs", ns)))?;
    list.items
        .into_iter()
        .filter(|j| j.metadata.name.as_deref() != Some(name))
        .max_by_key(|j| j.metadata.creation_timestamp.clone().map(|t| t.0))
        .ok_or_else(|| {
            RunError::Io(format!(
                "CronJob \"{name}\" in namespace \"{ns}\" has not started a Job yet (or its \
                 history is gone); `kubectl get cronjob {name} -n {ns}` shows its last schedule"
            ))
        })
}

fn phase(p: &Pod) -> &str {
    p.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown")
}

fn exit_detail(p: &Pod) -> String {
    let term = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|l| l.iter().find(|c| c.name == CONTAINER_NAME))
        .and_then(|c| c.state.as_ref())
        .and_then(|s| s.terminated.as_ref());
    match term {
        Some(t) => format!(
            "exit code {}{}",
            t.exit_code,
            t.reason
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default()
        ),
        None => "no exit status".into(),
    }
}

/// Every index's outcome: the results of its succeeded pod, or why there are none.
pub async fn gather(
    client: &kube::Client,
    ns: &str,
    job: &Job,
) -> Result<Vec<ShardOutcome>, RunError> {
    let job_name = job.metadata.name.clone().unwrap_or_default();
    let shards = job
        .spec
        .as_ref()
        .and_then(|s| s.completions)
        .unwrap_or(1)
        .max(1) as u32;
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let lp = ListParams::default().labels(&format!("{JOB_NAME_LABEL}={job_name}"));
    let list = pods
        .list(&lp)
        .await
        .map_err(|e| RunError::Io(api_message(&e, "list", "pods", ns)))?;
    let mut by_index: BTreeMap<u32, Vec<Pod>> = BTreeMap::new();
    for p in list.items {
        let index = p
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(INDEX_ANNOTATION))
            .and_then(|i| i.parse::<u32>().ok());
        if let Some(i) = index {
            by_index.entry(i).or_default().push(p);
        }
    }
    let failed_indexes = job
        .status
        .as_ref()
        .and_then(|s| s.failed_indexes.clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    for index in 0..shards {
        let candidates = by_index.remove(&index).unwrap_or_default();
        let attempts = candidates.len();
        let Some(done) = candidates.iter().find(|p| phase(p) == "Succeeded") else {
            let why = if let Some(p) = candidates.iter().find(|p| phase(p) == "Running") {
                format!(
                    "still running (pod {})",
                    p.metadata.name.as_deref().unwrap_or_default()
                )
            } else if let Some(p) = candidates.iter().find(|p| phase(p) == "Pending") {
                format!(
                    "pending (pod {})",
                    p.metadata.name.as_deref().unwrap_or_default()
                )
            } else if let Some(p) = candidates.last() {
                format!(
                    "failed after {attempts} attempt(s), last pod {} ({}){}",
                    p.metadata.name.as_deref().unwrap_or_default(),
                    exit_detail(p),
                    if failed_indexes.is_empty() {
                        String::new()
                    } else {
                        format!("; failed indexes: {failed_indexes}")
                    }
                )
            } else {
                "no pod (not started yet, or its pods were deleted)".into()
            };
            out.push(ShardOutcome::Missing(why));
            continue;
        };
        let pod_name = done.metadata.name.clone().unwrap_or_default();
        let params = LogParams {
            container: Some(CONTAINER_NAME.into()),
            limit_bytes: Some(MAX_LOG_BYTES),
            ..Default::default()
        };
        let log = match pods.logs(&pod_name, &params).await {
            Ok(l) => l,
            Err(e) => {
                out.push(ShardOutcome::Missing(format!(
                    "cannot read the log of pod {pod_name}: {}",
                    api_message(&e, "get", "pods/log", ns)
                )));
                continue;
            }
        };
        let outcome = match frame::decode(&log) {
            Err(e) => ShardOutcome::Missing(format!("pod {pod_name}: {e}")),
            Ok(d) if d.shard != index || d.shards != shards => ShardOutcome::Missing(format!(
                "pod {pod_name} holds the results of shard {}/{}, not {index}/{shards}",
                d.shard, d.shards
            )),
            Ok(d) => match serde_json::from_slice::<wire::ShardResults>(&d.json) {
                Ok(r) => ShardOutcome::Done(Box::new(r)),
                Err(e) => ShardOutcome::Missing(format!(
                    "pod {pod_name}: the results do not decode ({e}); use the plugin version \
                     of the scanner image"
                )),
            },
        };
        out.push(outcome);
    }
    Ok(out)
}

/// Merged reports (sorted by namespace, pod, container), and messages about what is missing.
pub fn merge(outcomes: &[ShardOutcome]) -> Result<(Vec<ContainerReport>, Vec<String>), RunError> {
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let total = outcomes.len();
    for (i, o) in outcomes.iter().enumerate() {
        match o {
            ShardOutcome::Missing(why) => {
                problems.push(format!("shard {i} of {total} has no results: {why}"))
            }
            ShardOutcome::Done(r) => {
                let profiles = crate::profiles::load_specs(&r.profiles)?;
                for e in &r.target_errors {
                    problems.push(format!("shard {i}: {e}"));
                }
                for w in &r.reports {
                    let rep = w.to_report(&profiles).map_err(RunError::Io)?;
                    if !seen.insert(rep.target.id()) {
                        problems.push(format!(
                            "shard {i}: {} was also scanned by another shard (kept once)",
                            rep.target.id()
                        ));
                        continue;
                    }
                    reports.push(rep);
                }
            }
        }
    }
    reports.sort_by(|a, b| {
        (&a.target.namespace, &a.target.pod, &a.target.container).cmp(&(
            &b.target.namespace,
            &b.target.pod,
            &b.target.container,
        ))
    });
    Ok((reports, problems))
}

pub async fn command(a: ResultsArgs) -> Result<i32, RunError> {
    let conn = connect(&super::cluster_options(&a.cluster)).await?;
    let job = find_job(&conn.client, &conn.namespace, &a.name).await?;
    let job_name = job.metadata.name.clone().unwrap_or_default();
    let outcomes = gather(&conn.client, &conn.namespace, &job).await?;
    let (reports, problems) = merge(&outcomes)?;
    let done = outcomes
        .iter()
        .filter(|o| matches!(o, ShardOutcome::Done(_)))
        .count();
    if !a.quiet {
        for o in &outcomes {
            if let ShardOutcome::Done(r) = o {
                for p in &r.vanished {
                    eprintln!("note: shard {}: pod {p} vanished during the scan", r.shard);
                }
                for p in &r.appeared {
                    eprintln!(
                        "note: shard {}: pod {p} appeared during the scan (not scanned)",
                        r.shard
                    );
                }
            }
        }
        eprintln!(
            "job {}/{job_name}: {done} of {} shard(s) reported, {} container(s)",
            conn.namespace,
            outcomes.len(),
            reports.len()
        );
    }
    let mut args = super::default_scan_args()?;
    args.output = a.output;
    args.output_dir = a.output_dir;
    args.threshold = a.threshold;
    args.threshold_inline = a.threshold_inline;
    args.reports = a.reports;
    args.quiet = a.quiet;
    args.color = a.color;
    // the merged reports go through the normal sinks, as if scanned here
    let mut config = crate::config::ScanConfig::for_listed(args)?;
    let mut sinks = crate::sink::Sinks::from_config(&mut config);
    let summary = crate::scan::replay(&config, reports, &problems, &mut sinks);
    let outcome = sinks.finish(&summary).await;
    if outcome.stdout_closed {
        return Err(RunError::BrokenPipe);
    }
    Ok(crate::scan::exit_code(&summary, outcome))
}
