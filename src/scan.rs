//! The scan stage: targets → access plan per container → facts → reports, with bounded
//! concurrency and Ctrl-C; every step is told to the sinks as a `ScanEvent`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

use crate::access::debug::DebugAccess;
use crate::access::exec::ExecAccess;
use crate::access::plan::{self, AccessMethod};
use crate::access::{Access, AccessError, Collected, LocalAccess};
use crate::config::{ScanConfig, Source};
use crate::engine::facts::{Facts, ProbePlan};
use crate::engine::profile::{Profile, Resource};
use crate::engine::{eval, resources};
use crate::exit;
use crate::kube::config::{connect, ConfigError};
use crate::kube::targets::{resolve, ContainerTarget};
use crate::results::{ContainerReport, Platform, SafStatus, Target};
use crate::sink::{RunSummary, ScanEvent, SinkOutcome, Sinks};
use crate::threshold::{self, Verdict};

/// Run the scan `config` describes, telling `sinks` as it goes.
pub async fn run(config: &ScanConfig, sinks: &mut Sinks) -> Result<RunSummary, ConfigError> {
    let started = jiff::Timestamp::now();
    let mut context = None;
    let (reports, errored, interrupted) = match &config.source {
        Source::Root(root) => {
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
            let target = Target {
                root: Some(root.display().to_string()),
                access: AccessMethod::Local.name().into(),
                ..Default::default()
            };
            sinks.emit(&ScanEvent::Started {
                targets: std::slice::from_ref(&target),
            });
            let access = LocalAccess { root };
            let report = scan_with(
                &config.profiles,
                &config.plan,
                config.limits.timeout,
                target,
                &[&access],
                None,
                &|_| {},
            )
            .await;
            sinks.emit(&ScanEvent::Finished {
                index: 0,
                report: &report,
            });
            let errored = report.error.is_some();
            (vec![report], errored, false)
        }
        Source::Cluster { cluster, query } => {
            // --deadline bounds everything from here: connecting, finding the targets, the
            // permission checks and every container.
            let deadline = config
                .limits
                .deadline
                .map(|d| (tokio::time::Instant::now() + d, d));
            let setup = async {
                let conn = connect(cluster).await?;
                let mut query = query.clone();
                query.namespace = conn.namespace.clone();
                let resolved = resolve(&conn.client, &query).await;
                Ok::<_, ConfigError>((conn, resolved))
            };
            let setup = match deadline {
                Some((at, _)) => tokio::time::timeout_at(at, setup).await.ok(),
                None => Some(setup.await),
            };
            match setup {
                None => {
                    let d = deadline.map_or(Duration::ZERO, |(_, d)| d);
                    sinks.emit(&ScanEvent::TargetError {
                        message: &format!(
                            "{} while finding the targets; check the API server or raise --deadline",
                            deadline_passed(d)
                        ),
                    });
                    (Vec::new(), true, false)
                }
                Some(setup) => {
                    let (conn, resolved) = setup?;
                    context = conn.context.clone();
                    let (targets, target_errors) = (resolved.targets, resolved.errors);
                    for e in &target_errors {
                        sinks.emit(&ScanEvent::TargetError {
                            message: &e.to_string(),
                        });
                    }
                    if !config.output.quiet {
                        for n in &resolved.not_scanned {
                            eprintln!(
                                "note: not scanned: {}",
                                crate::report::terminal_safe(&n.to_string())
                            );
                        }
                    }
                    let identity = match config.access.ephemeral_identity {
                        None => None,
                        Some(duration) => {
                            use crate::kube::identity::{for_targets, Setup};
                            let setup = for_targets(&conn, &targets, config.access.mode, duration);
                            match setup
                                .await
                                .map_err(|e| ConfigError::Identity(e.to_string()))?
                            {
                                Setup::Ready(i) => {
                                    if !config.output.quiet {
                                        eprintln!("note: {}", i.describe());
                                    }
                                    Some(i)
                                }
                                Setup::NothingToScan => None,
                                Setup::Interrupted => {
                                    return Ok(RunSummary {
                                        reports: Vec::new(),
                                        verdicts: None,
                                        errored: false,
                                        interrupted: true,
                                        started,
                                        finished: jiff::Timestamp::now(),
                                        context,
                                    })
                                }
                            }
                        }
                    };
                    let scan_client = identity
                        .as_ref()
                        .map_or_else(|| conn.client.clone(), |i| i.client.clone());
                    let (reports, interrupted) =
                        scan_targets(&scan_client, config, targets, sinks, deadline).await;
                    drop(scan_client);
                    let mut errored =
                        !target_errors.is_empty() || reports.iter().any(|r| r.error.is_some());
                    if let Some(identity) = identity {
                        let (home, name) = (identity.home.clone(), identity.name.clone());
                        match identity.delete(&conn.client).await {
                            Ok(n) if !config.output.quiet => eprintln!(
                                "note: removed the ephemeral identity {home}/{name} ({n} objects)"
                            ),
                            Ok(_) => {}
                            Err(e) => {
                                eprintln!("error: {e}");
                                errored = true;
                            }
                        }
                    }
                    (reports, errored, interrupted)
                }
            }
        }
    };
    let mut summary = summarize(config, reports, errored, interrupted, started);
    summary.context = context;
    Ok(summary)
}

/// The scan stage on containers already resolved by the caller (a `job run` shard lists its
/// own); `target_errors` are the problems it met finding them.
pub async fn run_targets(
    config: &ScanConfig,
    client: &kube::Client,
    targets: Vec<ContainerTarget>,
    target_errors: &[String],
    sinks: &mut Sinks,
) -> RunSummary {
    let started = jiff::Timestamp::now();
    for message in target_errors {
        sinks.emit(&ScanEvent::TargetError { message });
    }
    let deadline = config
        .limits
        .deadline
        .map(|d| (tokio::time::Instant::now() + d, d));
    let (reports, interrupted) = scan_targets(client, config, targets, sinks, deadline).await;
    let errored = !target_errors.is_empty() || reports.iter().any(|r| r.error.is_some());
    summarize(config, reports, errored, interrupted, started)
}

/// Reports scanned elsewhere (`job results`) told to the sinks as if scanned here, in order;
/// `errored` when some were missing.
pub fn replay(
    config: &ScanConfig,
    reports: Vec<ContainerReport>,
    target_errors: &[String],
    sinks: &mut Sinks,
) -> RunSummary {
    let started = jiff::Timestamp::now();
    for message in target_errors {
        sinks.emit(&ScanEvent::TargetError { message });
    }
    let targets: Vec<Target> = reports.iter().map(|r| r.target.clone()).collect();
    sinks.emit(&ScanEvent::Started { targets: &targets });
    for (index, report) in reports.iter().enumerate() {
        if !sinks.emit(&ScanEvent::Finished { index, report }) {
            break;
        }
    }
    let errored = !target_errors.is_empty() || reports.iter().any(|r| r.error.is_some());
    summarize(config, reports, errored, false, started)
}

/// The summary of a scan, with the threshold's verdicts.
fn summarize(
    config: &ScanConfig,
    reports: Vec<ContainerReport>,
    errored: bool,
    interrupted: bool,
    started: jiff::Timestamp,
) -> RunSummary {
    let verdicts = config.gates.threshold.as_ref().map(|t| {
        reports
            .iter()
            .map(|r| threshold::evaluate_report(t, r))
            .collect()
    });
    RunSummary {
        reports,
        verdicts,
        errored,
        interrupted,
        started,
        finished: jiff::Timestamp::now(),
        context: None,
    }
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn platform_of(facts: &Facts) -> Platform {
    match resources::build(&Resource::OsRelease, facts, today()) {
        Ok(b) => Platform {
            name: b.value["ID"].as_str().unwrap_or_default().to_string(),
            release: b.value["VERSION_ID"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        },
        Err(_) => Platform::default(),
    }
}

/// Gather and evaluate one target; failures become an error report, never a panic. The
/// sidecar's in-pod mode calls it too, so it shares the engine path with every scan.
pub async fn scan_with(
    profiles: &[Arc<Profile>],
    plan: &ProbePlan,
    timeout: Option<Duration>,
    mut target: Target,
    accesses: &[&dyn Access],
    pod_value: Option<serde_json::Value>,
    phase: &(dyn Fn(&str) + Sync),
) -> ContainerReport {
    let start_time = jiff::Timestamp::now().to_string();
    let started = Instant::now();
    let gathering = plan::gather(plan, accesses, phase);
    let (method, gathered) = match timeout {
        Some(t) => tokio::time::timeout(t, gathering)
            .await
            .unwrap_or_else(|_| {
                let why = format!(
                    "timed out after {}s; raise --timeout or check the node",
                    t.as_secs_f64()
                );
                (None, Err(AccessError::Failed(why)))
            }),
        None => gathering.await,
    };
    if let Some(m) = method {
        target.access = m.name().to_string();
    }
    let (results, platform, error) = match gathered {
        Ok(Collected { mut facts, detail }) => {
            phase("evaluating");
            target.access_detail = detail;
            if let Some(pod) = pod_value {
                facts.pod = Ok(pod);
            }
            let platform = platform_of(&facts);
            (eval::evaluate(profiles, &facts, today()), platform, None)
        }
        Err(e) => {
            let msg = e.to_string();
            (
                eval::all_errors(profiles, &msg),
                Platform::default(),
                Some(msg),
            )
        }
    };
    ContainerReport {
        target,
        platform,
        profiles: results,
        error,
        start_time,
        duration: started.elapsed().as_secs_f64(),
    }
}

fn error_report(profiles: &[Arc<Profile>], target: Target, message: String) -> ContainerReport {
    ContainerReport {
        target,
        platform: Platform::default(),
        profiles: eval::all_errors(profiles, &message),
        error: Some(message),
        start_time: jiff::Timestamp::now().to_string(),
        duration: 0.0,
    }
}

fn target_of(t: &ContainerTarget, first_method: AccessMethod) -> Target {
    let pod = &t.pod;
    let st = pod.status.as_ref();
    let status = [
        st.and_then(|s| s.container_statuses.as_ref()),
        st.and_then(|s| s.init_container_statuses.as_ref()),
    ]
    .into_iter()
    .flatten()
    .flatten()
    .find(|c| c.name == t.container);
    let spec_image = pod
        .spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .find(|c| c.name == t.container)
        .and_then(|c| c.image.clone());
    Target {
        namespace: Some(t.namespace.clone()),
        pod: pod.metadata.name.clone(),
        container: Some(t.container.clone()),
        image: spec_image.or_else(|| status.map(|s| s.image.clone())),
        image_id: status.map(|s| s.image_id.clone()).filter(|s| !s.is_empty()),
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        root: None,
        // Nothing reaches a container that is not scanned.
        access: if t.unscannable.is_some() {
            "none"
        } else {
            first_method.name()
        }
        .into(),
        access_detail: None,
        workload: pod.metadata.owner_references.as_ref().and_then(|refs| {
            refs.iter()
                .find(|r| r.controller == Some(true))
                .map(|r| (r.kind.clone(), r.name.clone()))
        }),
    }
}

/// The pod as the `pod` resource sees it (managed fields dropped: noise, and large).
fn pod_json(pod: &Pod, container: &str) -> serde_json::Value {
    let mut v = serde_json::to_value(pod).unwrap_or_default();
    if let Some(m) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        m.remove("managedFields");
    }
    resources::pod_value(&v, container)
}

/// "the run's --deadline of 30m passed".
fn deadline_passed(d: Duration) -> String {
    let secs = d.as_secs();
    let human = if secs % 60 == 0 && secs > 0 {
        format!("{}m", secs / 60)
    } else {
        format!("{}s", d.as_secs_f64())
    };
    format!("the run's --deadline of {human} passed")
}

/// Scan containers with bounded concurrency; Ctrl-C and SIGTERM stop cleanly and keep what
/// finished, and
/// so does the run's deadline (`(when, --deadline)`): the rest are reported as errors.
async fn scan_targets(
    client: &kube::Client,
    config: &ScanConfig,
    targets: Vec<ContainerTarget>,
    sinks: &mut Sinks,
    deadline: Option<(tokio::time::Instant, Duration)>,
) -> (Vec<ContainerReport>, bool) {
    let methods = plan::strategies(config.access.mode);
    let first = methods.first().copied().unwrap_or(AccessMethod::Exec);
    let all_targets: Vec<Target> = targets.iter().map(|t| target_of(t, first)).collect();
    sinks.emit(&ScanEvent::Started {
        targets: &all_targets,
    });
    // Preflight: once per namespace, the permissions the first method needs.
    let needed: Vec<_> = first
        .permissions()
        .iter()
        .filter(|p| p.preflight)
        .map(|p| (p.verb, p.resource, p.subresource))
        .collect();
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let far = tokio::time::Instant::now() + Duration::from_secs(100 * 365 * 86400);
    let until = deadline.map_or(far, |(at, _)| at);
    let mut out_of_time = false;
    for t in &targets {
        if !missing.contains_key(&t.namespace) {
            let pod = t.pod.metadata.name.as_deref();
            let check = crate::kube::missing_permissions(client, &t.namespace, pod, &needed);
            match tokio::time::timeout_at(until, check).await {
                Ok(m) => {
                    missing.insert(t.namespace.clone(), m);
                }
                Err(_) => {
                    out_of_time = true;
                    break;
                }
            }
        }
    }
    let needs = first
        .permissions()
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(" and ");

    // Listening from here on: a signal during the permission checks is not lost. SIGTERM (a
    // CI runner cancelling the job) stops the scan like Ctrl-C.
    let (interrupt, terminated) = crate::signals::stop_signals();
    tokio::pin!(interrupt, terminated);
    let mut stopped_by = "scan interrupted (Ctrl-C)";
    let semaphore = Arc::new(Semaphore::new(config.limits.concurrency.max(1)));
    let profiles = Arc::new(config.profiles.clone());
    let probe_plan = Arc::new(config.plan.clone());
    let (phase_tx, mut phase_rx) = mpsc::unbounded_channel::<(usize, String)>();
    let mut set = JoinSet::new();
    let mut slots: Vec<Option<ContainerReport>> = vec![None; targets.len()];
    for (i, t) in targets.into_iter().enumerate() {
        if out_of_time {
            break;
        }
        let target = all_targets[i].clone();
        let lacking = missing.get(&t.namespace).cloned().unwrap_or_default();
        let semaphore = semaphore.clone();
        let pods: Api<Pod> = Api::namespaced(client.clone(), &t.namespace);
        let profiles = profiles.clone();
        let probe_plan = probe_plan.clone();
        let phase_tx = phase_tx.clone();
        let needs = needs.clone();
        let debug_opts = config.access.debug.clone();
        let timeout = config.limits.timeout;
        let max_output = config.limits.max_file_size;
        set.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let phase = |p: &str| {
                let _ = phase_tx.send((i, p.to_string()));
            };
            let report = if let Some(why) = &t.unscannable {
                error_report(&profiles, target, why.clone())
            } else if !lacking.is_empty() {
                let mut target = target;
                target.access = "none".into();
                let msg = format!(
                    "RBAC denies {} in namespace \"{}\"; a scan by {first} needs {needs}",
                    lacking.join(", "),
                    t.namespace
                );
                error_report(&profiles, target, msg)
            } else {
                phase("connecting");
                let pod_name = t.pod.metadata.name.clone().unwrap_or_default();
                let exec = ExecAccess {
                    pods: pods.clone(),
                    namespace: t.namespace.clone(),
                    pod: pod_name.clone(),
                    container: t.container.clone(),
                    max_output,
                    started: crate::access::exec::Incarnation::of(&t.pod, &t.container),
                };
                let scan_time = timeout.unwrap_or(Duration::from_secs(120));
                // A live debugger of ours for this container: it has no shell, so exec is
                // not tried again.
                let skip_exec = methods.contains(&AccessMethod::Debug)
                    && crate::access::debug::has_live_debugger(
                        &t.pod,
                        &t.container,
                        &debug_opts,
                        scan_time,
                    );
                let debug = DebugAccess {
                    pods,
                    namespace: t.namespace.clone(),
                    pod: pod_name,
                    container: t.container.clone(),
                    opts: debug_opts,
                    max_output,
                    scan_time,
                    known: Some(t.pod.clone()),
                };
                let accesses: Vec<&dyn Access> = methods
                    .iter()
                    .filter(|m| !(skip_exec && **m == AccessMethod::Exec))
                    .filter_map(|m| match m {
                        AccessMethod::Exec => Some(&exec as &dyn Access),
                        AccessMethod::Debug => Some(&debug as &dyn Access),
                        _ => None,
                    })
                    .collect();
                let pod_value = pod_json(&t.pod, &t.container);
                scan_with(
                    &profiles,
                    &probe_plan,
                    timeout,
                    target,
                    &accesses,
                    Some(pod_value),
                    &phase,
                )
                .await
            };
            (i, report)
        });
    }
    drop(phase_tx);
    let mut interrupted = false;
    let mut phases_open = true;
    loop {
        tokio::select! {
            next = set.join_next() => match next {
                Some(Ok((i, report))) => {
                    let keep_going = sinks.emit(&ScanEvent::Finished { index: i, report: &report });
                    slots[i] = Some(report);
                    if !keep_going {
                        set.abort_all();
                        break;
                    }
                }
                Some(Err(e)) => {
                    sinks.emit(&ScanEvent::TargetError {
                        message: &format!("a scan task stopped: {e}"),
                    });
                }
                None => break,
            },
            phase = phase_rx.recv(), if phases_open => match phase {
                Some((index, p)) => {
                    sinks.emit(&ScanEvent::Phase { index, phase: &p });
                }
                None => phases_open = false,
            },
            _ = &mut interrupt => {
                set.abort_all();
                interrupted = true;
                sinks.emit(&ScanEvent::Interrupted);
                break;
            }
            _ = &mut terminated => {
                set.abort_all();
                interrupted = true;
                stopped_by = "scan stopped (SIGTERM)";
                sinks.emit(&ScanEvent::Interrupted);
                break;
            }
            _ = tokio::time::sleep_until(until), if !out_of_time => {
                set.abort_all();
                out_of_time = true;
                break;
            }
        }
    }
    if out_of_time && !interrupted {
        // Tell the sinks about every container the deadline left out, as an error each.
        let d = deadline.map_or(Duration::ZERO, |(_, d)| d);
        for (i, slot) in slots.iter_mut().enumerate() {
            if slot.is_none() {
                let why = format!(
                    "not scanned: {} first; raise --deadline or scan fewer containers",
                    deadline_passed(d)
                );
                let report = error_report(&config.profiles, all_targets[i].clone(), why);
                sinks.emit(&ScanEvent::Finished {
                    index: i,
                    report: &report,
                });
                *slot = Some(report);
            }
        }
    }
    let reports = slots
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| {
                let why = if interrupted {
                    stopped_by
                } else {
                    "scan task stopped"
                };
                error_report(&config.profiles, all_targets[i].clone(), why.to_string())
            })
        })
        .collect();
    (reports, interrupted)
}

/// For tests and the bench: scan a directory and return its report.
pub async fn scan_root(
    root: PathBuf,
    profiles: Vec<Arc<Profile>>,
    max_file_size: u64,
) -> ContainerReport {
    let plan = ProbePlan::for_profiles(
        &profiles.iter().map(|p| (**p).clone()).collect::<Vec<_>>(),
        max_file_size,
    );
    let target = Target {
        root: Some(root.display().to_string()),
        access: AccessMethod::Local.name().into(),
        ..Default::default()
    };
    let access = LocalAccess { root };
    scan_with(&profiles, &plan, None, target, &[&access], None, &|_| {}).await
}

/// The exit code, decided once at the end: Ctrl-C, then errors (a failed local output
/// included), then a failed delivery, then the threshold verdict, then failures and skips.
pub fn exit_code(summary: &RunSummary, sinks: SinkOutcome) -> i32 {
    let code = results_code(
        &summary.reports,
        summary.errored || sinks.local_failed,
        summary.interrupted,
    );
    gate_exit_code(code, summary.verdicts.as_deref(), sinks.remote_failed)
}

/// From the results alone: interruption, then errors, then failures, then skips.
pub fn results_code(reports: &[ContainerReport], errored: bool, interrupted: bool) -> i32 {
    let statuses: Vec<SafStatus> = reports
        .iter()
        .flat_map(|r| r.all_controls().map(|c| c.saf_status()))
        .collect();
    if interrupted {
        exit::INTERRUPTED
    } else if errored || statuses.contains(&SafStatus::ProfileError) {
        exit::ERROR
    } else if statuses.contains(&SafStatus::Failed) {
        exit::FAILED
    } else if statuses.contains(&SafStatus::NotReviewed) {
        exit::SKIPPED
    } else {
        exit::PASSED
    }
}

/// Thresholds and delivery refine the code: Ctrl-C (130) and errors (1) still win, then a
/// failed delivery (4); with a threshold, 3 when a container violates it, else 0 even if
/// controls failed (that is what a threshold is for).
pub fn gate_exit_code(code: i32, verdicts: Option<&[Verdict]>, delivery_failed: bool) -> i32 {
    if code == exit::INTERRUPTED || code == exit::ERROR {
        code
    } else if delivery_failed {
        exit::DELIVERY
    } else {
        match verdicts {
            Some(v) if v.iter().any(|v| !v.met()) => exit::THRESHOLD,
            Some(_) => exit::PASSED,
            None => code,
        }
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[test]
    fn errors_win_then_delivery_then_threshold() {
        let met = [Verdict::default()];
        let violated = [Verdict {
            violations: vec![threshold::Violation {
                key: "compliance.min".into(),
                expected: "at least 80%".into(),
                actual: "50%".into(),
            }],
        }];
        assert_eq!(
            gate_exit_code(exit::FAILED, Some(&met), false),
            exit::PASSED
        );
        assert_eq!(
            gate_exit_code(exit::FAILED, Some(&violated), false),
            exit::THRESHOLD
        );
        assert_eq!(
            gate_exit_code(exit::ERROR, Some(&violated), true),
            exit::ERROR
        );
        assert_eq!(
            gate_exit_code(exit::INTERRUPTED, None, true),
            exit::INTERRUPTED
        );
        assert_eq!(
            gate_exit_code(exit::PASSED, Some(&violated), true),
            exit::DELIVERY
        );
        assert_eq!(gate_exit_code(exit::SKIPPED, None, false), exit::SKIPPED);
    }
}
