//! Runs a command: validated config in, reports out, one exit code decided at the end.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::CommandFactory;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::access::debug::{DebugAccess, DebugOptions, DebugProfile};
use crate::access::exec::ExecAccess;
use crate::access::{Access, AccessError, Collected, LocalAccess};
use crate::cli::{AccessMode, Cli, ColorChoice, Command, OutputFormat, ProfilesAction, ScanArgs};
use crate::engine::facts::ProbePlan;
use crate::engine::profile::{Profile, ProfileError, Resource};
use crate::engine::{builtin, eval, resources, schema};
use crate::kube::config::{connect, ClusterOptions, ConfigError};
use crate::kube::targets::{resolve, ContainerTarget, TargetQuery};
use crate::progress::Progress;
use crate::report::{json, junit, markdown, sarif, table, Outcome};
use crate::results::{hdf, ContainerReport, Platform, SafStatus, Target};
use crate::threshold::{self, Threshold, ThresholdError, Verdict};

/// Exit codes (stable, documented in the README).
pub mod exit {
    /// Every control passed.
    pub const PASSED: i32 = 0;
    /// A tool, API or access error (a container could not be scanned).
    pub const ERROR: i32 = 1;
    /// Bad usage or a bad profile.
    pub const USAGE: i32 = 2;
    /// Interrupted with Ctrl-C.
    pub const INTERRUPTED: i32 = 130;
    /// stdout closed early (128 + SIGPIPE, as a shell reports a process killed by it).
    pub const BROKEN_PIPE: i32 = 141;
    /// At least one control failed (InSpec's convention).
    pub const FAILED: i32 = 100;
    /// No control failed, but some were skipped (InSpec's convention).
    pub const SKIPPED: i32 = 101;
    /// A container violated the --threshold.
    pub const THRESHOLD: i32 = 3;
    /// --post-results could not deliver every document (the local outputs were written).
    pub const DELIVERY: i32 = 4;
}

/// An error that ends the run before any result exists.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Threshold(#[from] ThresholdError),
    #[error("{0}")]
    Io(String),
    /// stdout was closed (e.g. `| head`): stop quietly, like a process killed by SIGPIPE.
    #[error("stdout was closed")]
    BrokenPipe,
}

impl RunError {
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Usage(_) | RunError::Profile(_) | RunError::Threshold(_) => exit::USAGE,
            RunError::Config(c) if c.is_usage() => exit::USAGE,
            RunError::Config(_) | RunError::Io(_) => exit::ERROR,
            RunError::BrokenPipe => exit::BROKEN_PIPE,
        }
    }
}

fn io_err(what: &str) -> impl Fn(std::io::Error) -> RunError + '_ {
    move |e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => RunError::BrokenPipe,
        _ => RunError::Io(format!("{what}: {e}")),
    }
}

pub async fn run(cli: Cli) -> Result<i32, RunError> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Some(Command::Profiles { action }) => profiles_command(action, &mut stdout),
        Some(Command::Completion { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "kubectl-cinc_scan", &mut stdout);
            Ok(exit::PASSED)
        }
        Some(Command::Rbac {
            namespace,
            all_namespaces,
            service_account,
            no_debug,
            kubeconfig,
            context,
        }) => {
            let namespace = match namespace {
                Some(n) => n,
                None => context_namespace(kubeconfig.as_deref(), context.as_deref())?,
            };
            let text =
                crate::rbac::manifest(&namespace, &service_account, all_namespaces, !no_debug);
            stdout
                .write_all(text.as_bytes())
                .map_err(io_err("cannot write to stdout"))?;
            Ok(exit::PASSED)
        }
        Some(Command::Cleanup {
            namespace,
            all,
            dry_run,
            kubeconfig,
            context,
        }) => {
            drop(stdout);
            cleanup_command(namespace, all, dry_run, kubeconfig, context).await
        }
        Some(Command::Token {
            service_account,
            write_kubeconfig,
            duration,
            namespace,
            kubeconfig,
            context,
        }) => {
            drop(stdout);
            token_command(
                &service_account,
                &write_kubeconfig,
                duration,
                namespace,
                kubeconfig,
                context,
            )
            .await
        }
        None => {
            drop(stdout);
            scan(cli.scan).await
        }
    }
}

fn profiles_command(action: Option<ProfilesAction>, out: &mut dyn Write) -> Result<i32, RunError> {
    let w = io_err("cannot write to stdout");
    match action.unwrap_or(ProfilesAction::List) {
        ProfilesAction::List => {
            for (name, about, _) in builtin::BUILTINS {
                let p = builtin::load(name)?;
                writeln!(
                    out,
                    "builtin:{name}\t{} controls\t{about}",
                    p.controls.len()
                )
                .map_err(&w)?;
            }
        }
        ProfilesAction::Show { profile } => {
            if let Some(text) = profile
                .strip_prefix("builtin:")
                .and_then(builtin::text)
                .or_else(|| builtin::text(&profile))
            {
                out.write_all(text.as_bytes()).map_err(&w)?;
            } else {
                for p in Profile::load_path(std::path::Path::new(&profile))? {
                    writeln!(
                        out,
                        "{}: profile '{}' is valid, {} controls",
                        p.source,
                        p.name,
                        p.controls.len()
                    )
                    .map_err(&w)?;
                    for c in &p.controls {
                        writeln!(out, "  {}\t{:.1}\t{}", c.id, c.impact, c.title).map_err(&w)?;
                    }
                }
            }
        }
        ProfilesAction::Schema => out
            .write_all(schema::PROFILE_SCHEMA.as_bytes())
            .map_err(&w)?,
    }
    Ok(exit::PASSED)
}

/// The namespace of the kubeconfig's context (`default` when it names none, or without one).
fn context_namespace(
    kubeconfig: Option<&std::path::Path>,
    context: Option<&str>,
) -> Result<String, RunError> {
    let Some(kc) = crate::kube::config::read_kubeconfig(kubeconfig)? else {
        return Ok("default".into());
    };
    let opts = ClusterOptions {
        context: context.map(str::to_string),
        ..Default::default()
    };
    let name = crate::kube::config::validate(&kc, &opts)?;
    Ok(kc
        .contexts
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| c.namespace.clone())
        .unwrap_or_else(|| "default".into()))
}

async fn token_command(
    service_account: &str,
    path: &std::path::Path,
    duration: Duration,
    namespace: Option<String>,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
) -> Result<i32, RunError> {
    if duration < Duration::from_secs(600) {
        return Err(RunError::Usage(
            "--duration must be at least 10m (the API server's minimum)".into(),
        ));
    }
    let conn = connect(&ClusterOptions {
        kubeconfig,
        context,
        namespace,
        ..Default::default()
    })
    .await?;
    let seconds = duration.as_secs() as i64;
    let (token, expires) =
        crate::kube::request_token(&conn.client, &conn.namespace, service_account, seconds)
            .await
            .map_err(RunError::Io)?;
    let text = crate::rbac::kubeconfig(&conn.access, &conn.namespace, service_account, &token);
    crate::rbac::write_private(path, &text).map_err(io_err(&format!(
        "cannot write the kubeconfig '{}'",
        path.display()
    )))?;
    eprintln!(
        "wrote {} (mode 0600): ServiceAccount {}/{service_account}, token expires {expires}\n\
         use: kubectl cinc-scan --kubeconfig {} ...",
        path.display(),
        conn.namespace,
        path.display()
    );
    Ok(exit::PASSED)
}

async fn cleanup_command(
    namespace: Option<String>,
    all: bool,
    dry_run: bool,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
) -> Result<i32, RunError> {
    let conn = connect(&ClusterOptions {
        kubeconfig,
        context,
        ..Default::default()
    })
    .await?;
    let outcome = crate::kube::identity::cleanup(&conn.client, namespace.as_deref(), all, dry_run)
        .await
        .map_err(RunError::Io)?;
    let mut stdout = std::io::stdout().lock();
    let w = io_err("cannot write to stdout");
    for line in &outcome.lines {
        writeln!(stdout, "{line}").map_err(&w)?;
    }
    let verb = if dry_run { "would delete" } else { "deleted" };
    eprintln!(
        "{verb} {}, kept {} (not expired), failed {}",
        outcome.deleted, outcome.kept, outcome.failed
    );
    Ok(if outcome.failed > 0 {
        exit::ERROR
    } else {
        exit::PASSED
    })
}

/// `--profile` values (files, directories, builtin:NAME), or the default built-in.
pub fn load_profiles(specs: &[String]) -> Result<Vec<Arc<Profile>>, ProfileError> {
    if specs.is_empty() {
        return Ok(vec![Arc::new(builtin::load(builtin::DEFAULT)?)]);
    }
    let mut out = Vec::new();
    for spec in specs {
        match spec.strip_prefix("builtin:") {
            Some(name) => out.push(Arc::new(builtin::load(name)?)),
            None => out.extend(
                Profile::load_path(std::path::Path::new(spec))?
                    .into_iter()
                    .map(Arc::new),
            ),
        }
    }
    Ok(out)
}

/// What every container's scan shares.
struct ScanContext {
    profiles: Vec<Arc<Profile>>,
    plan: ProbePlan,
    timeout: Option<Duration>,
    max_output: u64,
    access: AccessMode,
    debug: DebugOptions,
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn platform_of(facts: &crate::engine::facts::Facts) -> Platform {
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

/// Try each access in turn: the next one only when the previous found no shell (auto).
async fn gather(
    plan: &ProbePlan,
    accesses: &[&dyn Access],
    phase: &(dyn Fn(&str) + Sync),
) -> (&'static str, Result<Collected, AccessError>) {
    let mut method = "none";
    let mut last = Err(AccessError::Failed("no access method".into()));
    for (i, access) in accesses.iter().enumerate() {
        method = access.method();
        phase(&format!("gathering ({method})"));
        last = access.gather(plan).await;
        match &last {
            Err(AccessError::NoShell { .. }) if i + 1 < accesses.len() => {
                phase("no shell: starting a debug container");
            }
            _ => break,
        }
    }
    (method, last)
}

/// Gather and evaluate one target; failures become an error report, never a panic.
async fn scan_one(
    ctx: &ScanContext,
    mut target: Target,
    accesses: &[&dyn Access],
    pod_value: Option<serde_json::Value>,
    phase: &(dyn Fn(&str) + Sync),
) -> ContainerReport {
    let start_time = jiff::Timestamp::now().to_string();
    let started = Instant::now();
    let (method, gathered) = match ctx.timeout {
        Some(t) => tokio::time::timeout(t, gather(&ctx.plan, accesses, phase))
            .await
            .unwrap_or_else(|_| {
                let why = format!(
                    "timed out after {}s; raise --timeout or check the node",
                    t.as_secs_f64()
                );
                ("none", Err(AccessError::Failed(why)))
            }),
        None => gather(&ctx.plan, accesses, phase).await,
    };
    if method != "none" {
        target.access = method.to_string();
    }
    let (profiles, platform, error) = match gathered {
        Ok(Collected { mut facts, detail }) => {
            phase("evaluating");
            target.access_detail = detail;
            if let Some(pod) = pod_value {
                facts.pod = Ok(pod);
            }
            let platform = platform_of(&facts);
            (
                eval::evaluate(&ctx.profiles, &facts, today()),
                platform,
                None,
            )
        }
        Err(e) => {
            let msg = e.to_string();
            (
                eval::all_errors(&ctx.profiles, &msg),
                Platform::default(),
                Some(msg),
            )
        }
    };
    ContainerReport {
        target,
        platform,
        profiles,
        error,
        start_time,
        duration: started.elapsed().as_secs_f64(),
    }
}

fn error_report(ctx: &ScanContext, target: Target, message: String) -> ContainerReport {
    ContainerReport {
        target,
        platform: Platform::default(),
        profiles: eval::all_errors(&ctx.profiles, &message),
        error: Some(message),
        start_time: jiff::Timestamp::now().to_string(),
        duration: 0.0,
    }
}

fn target_of(t: &ContainerTarget) -> Target {
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
    let spec = pod.spec.as_ref();
    let spec_image = spec
        .into_iter()
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
            "exec"
        }
        .into(),
        access_detail: None,
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

fn validate(args: &ScanArgs) -> Result<(), RunError> {
    if args.root.is_none()
        && args.targets.is_empty()
        && args.filenames.is_empty()
        && args.selector.is_none()
        && !args.all
        && !args.all_namespaces
    {
        return Err(RunError::Usage(
            "nothing to scan: give pod/NAME, deploy/NAME, -f FILE, -l SELECTOR, --all, -A, or --root DIR \
             (see `kubectl cinc-scan --help`)"
                .into(),
        ));
    }
    if args.ephemeral_identity && args.token_duration < Duration::from_secs(600) {
        return Err(RunError::Usage(
            "--token-duration must be at least 10m (the API server's minimum)".into(),
        ));
    }
    if args.all && !args.targets.is_empty() {
        return Err(RunError::Usage(
            "--all scans every pod; do not also name pods".into(),
        ));
    }
    Ok(())
}

async fn scan(args: ScanArgs) -> Result<i32, RunError> {
    validate(&args)?;
    let profiles = load_profiles(&args.profiles)?;
    let gate = Gate::load(&args)?;
    let plan = ProbePlan::for_profiles(
        &profiles.iter().map(|p| (**p).clone()).collect::<Vec<_>>(),
        args.max_file_size,
    );
    let ctx = Arc::new(ScanContext {
        profiles,
        plan,
        timeout: (!args.timeout.is_zero()).then_some(args.timeout),
        max_output: args.max_file_size,
        access: args.access,
        debug: DebugOptions {
            image: args.debug_image.clone(),
            pull_policy: args.debug_pull_policy.clone(),
            ttl: args.debug_ttl,
            profile: args.debug_profile,
            start_timeout: Duration::from_secs(120).min(if args.timeout.is_zero() {
                Duration::from_secs(120)
            } else {
                args.timeout
            }),
        },
    });
    let show_progress = !args.quiet && !args.no_progress && std::io::stderr().is_terminal();
    let mut errored = false;
    let mut interrupted = false;
    let reports = match &args.root {
        Some(root) => {
            if !root.is_dir() {
                return Err(RunError::Usage(format!(
                    "--root '{}' is not a directory; give the root of an unpacked image or /",
                    root.display()
                )));
            }
            let progress = Progress::new(show_progress, 1);
            let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
            let target = Target {
                root: Some(root_abs.display().to_string()),
                access: "local".into(),
                ..Default::default()
            };
            let spinner = progress.container(&root_abs.display().to_string());
            let access = LocalAccess { root: root_abs };
            let report = scan_one(&ctx, target, &[&access], None, &|p| spinner.phase(p)).await;
            spinner.done(&progress);
            progress.finish();
            vec![report]
        }
        None => {
            let cluster = ClusterOptions {
                kubeconfig: args.kubeconfig.clone(),
                context: args.context.clone(),
                cluster: args.cluster.clone(),
                user: args.user.clone(),
                namespace: args.namespace.clone(),
            };
            let manifests = if args.filenames.is_empty() {
                Default::default()
            } else {
                crate::kube::manifest::load(
                    &args.filenames,
                    args.recursive,
                    &mut std::io::stdin().lock(),
                )
                .map_err(|e| RunError::Usage(e.to_string()))?
            };
            let conn = connect(&cluster).await?;
            if !args.quiet {
                for s in &manifests.skipped {
                    eprintln!("note: not a Pod or workload, skipped: {s}");
                }
            }
            let query = TargetQuery {
                names: args.targets.clone(),
                objects: manifests.objects,
                selector: args.selector.clone(),
                all: args.all,
                all_namespaces: args.all_namespaces,
                namespace: conn.namespace.clone(),
                containers: args.containers.clone(),
            };
            let resolved = resolve(&conn.client, &query).await;
            let targets = resolved.targets;
            for e in &resolved.errors {
                if !args.quiet {
                    eprintln!("error: {e}");
                }
                errored = true;
            }
            if !args.quiet {
                for n in &resolved.not_scanned {
                    eprintln!("note: not scanned: {n}");
                }
            }
            let identity = if args.ephemeral_identity {
                use crate::kube::identity::{for_targets, Setup};
                let setup = for_targets(&conn, &targets, args.access, args.token_duration);
                match setup.await.map_err(|e| RunError::Io(e.to_string()))? {
                    Setup::Ready(i) => {
                        if !args.quiet {
                            eprintln!("note: {}", i.describe());
                        }
                        Some(i)
                    }
                    Setup::NothingToScan => None,
                    Setup::Interrupted => return Ok(exit::INTERRUPTED),
                }
            } else {
                None
            };
            let scan_client = identity
                .as_ref()
                .map_or_else(|| conn.client.clone(), |i| i.client.clone());
            let progress = Arc::new(Progress::new(show_progress, targets.len() as u64));
            let (reports, was_interrupted) = scan_targets(
                &scan_client,
                ctx.clone(),
                targets,
                args.concurrency,
                progress.clone(),
            )
            .await;
            progress.finish();
            interrupted = was_interrupted;
            drop(scan_client);
            if let Some(identity) = identity {
                let (home, name) = (identity.home.clone(), identity.name.clone());
                match identity.delete(&conn.client).await {
                    Ok(n) if !args.quiet => eprintln!(
                        "note: removed the ephemeral identity {home}/{name} ({n} objects)"
                    ),
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("error: {e}");
                        errored = true;
                    }
                }
            }
            reports
        }
    };
    errored |= reports.iter().any(|r| r.error.is_some());
    finish(&args, &gate, &reports, errored, interrupted).await
}

/// Decided once, at the end: interruption, then errors, then failures, then skips.
pub fn exit_code(reports: &[ContainerReport], errored: bool, interrupted: bool) -> i32 {
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

/// Resolves when the signal arrives; the listener is registered at once, not on first poll.
fn stop_signal(kind: tokio::signal::unix::SignalKind) -> impl std::future::Future<Output = ()> {
    let listener = tokio::signal::unix::signal(kind).ok();
    async move {
        match listener {
            Some(mut l) => {
                l.recv().await;
            }
            None => std::future::pending().await,
        }
    }
}

/// Scan containers with bounded concurrency; Ctrl-C stops cleanly and keeps what finished.
async fn scan_targets(
    client: &kube::Client,
    ctx: Arc<ScanContext>,
    targets: Vec<ContainerTarget>,
    concurrency: u16,
    progress: Arc<Progress>,
) -> (Vec<ContainerReport>, bool) {
    // Listening from the start: a signal during the permission checks is not lost. SIGTERM
    // (a CI runner cancelling the job) stops the scan like Ctrl-C.
    let interrupt = stop_signal(tokio::signal::unix::SignalKind::interrupt());
    let terminated = stop_signal(tokio::signal::unix::SignalKind::terminate());
    tokio::pin!(interrupt, terminated);
    let mut stopped_by = "scan interrupted (Ctrl-C)";
    let semaphore = Arc::new(Semaphore::new(usize::from(concurrency)));
    let mut set = JoinSet::new();
    let mut slots: Vec<Option<ContainerReport>> = vec![None; targets.len()];
    let all_targets: Vec<Target> = targets.iter().map(target_of).collect();
    let mut permissions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for t in &targets {
        if !permissions.contains_key(&t.namespace) {
            let pod = t.pod.metadata.name.as_deref().unwrap_or_default();
            let missing = crate::kube::missing_exec_permissions(client, &t.namespace, pod).await;
            permissions.insert(t.namespace.clone(), missing);
        }
    }
    for (i, t) in targets.into_iter().enumerate() {
        let target = all_targets[i].clone();
        let spinner = progress.container(&target.id());
        let missing = permissions.get(&t.namespace).cloned().unwrap_or_default();
        let ctx = ctx.clone();
        let semaphore = semaphore.clone();
        let pods: Api<Pod> = Api::namespaced(client.clone(), &t.namespace);
        let progress = progress.clone();
        set.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let report = if let Some(why) = &t.unscannable {
                error_report(&ctx, target, why.clone())
            } else if !missing.is_empty() {
                let mut target = target;
                target.access = "none".into();
                let msg = format!(
                    "RBAC denies {} in namespace \"{}\"; a scan by exec needs get on pods and create on pods/exec",
                    missing.join(", "),
                    t.namespace
                );
                error_report(&ctx, target, msg)
            } else {
                spinner.phase("connecting");
                let pod_name = t.pod.metadata.name.clone().unwrap_or_default();
                let exec = ExecAccess {
                    pods: pods.clone(),
                    namespace: t.namespace.clone(),
                    pod: pod_name.clone(),
                    container: t.container.clone(),
                    max_output: ctx.max_output,
                };
                let debug = DebugAccess {
                    pods,
                    namespace: t.namespace.clone(),
                    pod: pod_name,
                    container: t.container.clone(),
                    opts: ctx.debug.clone(),
                    max_output: ctx.max_output,
                    scan_time: ctx.timeout.unwrap_or(Duration::from_secs(120)),
                };
                let accesses: Vec<&dyn Access> = match ctx.access {
                    AccessMode::Auto => vec![&exec, &debug],
                    AccessMode::Exec => vec![&exec],
                    AccessMode::Debug => vec![&debug],
                };
                let pod_value = pod_json(&t.pod, &t.container);
                scan_one(&ctx, target, &accesses, Some(pod_value), &|p| spinner.phase(p)).await
            };
            spinner.done(&progress);
            (i, report)
        });
    }
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = set.join_next() => match next {
                Some(Ok((i, report))) => slots[i] = Some(report),
                Some(Err(e)) => progress.note(&format!("error: a scan task stopped: {e}")),
                None => break,
            },
            _ = &mut interrupt => {
                set.abort_all();
                interrupted = true;
                progress.note("interrupted: reporting the containers that finished");
                break;
            }
            _ = &mut terminated => {
                set.abort_all();
                interrupted = true;
                progress.note("terminated (SIGTERM): reporting the containers that finished");
                stopped_by = "scan stopped (SIGTERM)";
                break;
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
                error_report(&ctx, all_targets[i].clone(), why.to_string())
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
    let ctx = ScanContext {
        profiles,
        plan,
        timeout: None,
        max_output: max_file_size,
        access: AccessMode::Exec,
        debug: DebugOptions {
            image: String::new(),
            pull_policy: String::new(),
            ttl: Duration::ZERO,
            profile: DebugProfile::Auto,
            start_timeout: Duration::ZERO,
        },
    };
    let target = Target {
        root: Some(root.display().to_string()),
        access: "local".into(),
        ..Default::default()
    };
    let access = LocalAccess { root };
    scan_one(&ctx, target, &[&access], None, &|_| {}).await
}

// CI gating and reports: the threshold, every output of a scan, delivery, the final code.

/// What --threshold* and --post-* set up before the scan, so that a bad flag fails at once.
struct Gate {
    threshold: Option<Threshold>,
    poster: Option<crate::deliver::Poster>,
}

impl Gate {
    fn load(args: &ScanArgs) -> Result<Gate, RunError> {
        use crate::deliver::{PostOptions, Poster, TokenSource};
        let threshold = match (&args.threshold, &args.threshold_inline) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
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
        if let (Some(t), false) = (&threshold, args.quiet) {
            for note in &t.notes {
                eprintln!("note: threshold: {note}");
            }
        }
        let poster = match &args.post_results {
            None => None,
            Some(url) => {
                let token = match (&args.post_token_file, &args.post_token_env) {
                    (Some(f), _) => TokenSource::File(f.clone()),
                    (None, Some(name)) => TokenSource::Env {
                        name: name.clone(),
                        explicit: true,
                    },
                    (None, None) => TokenSource::Env {
                        name: crate::deliver::DEFAULT_TOKEN_ENV.into(),
                        explicit: false,
                    },
                };
                let poster = Poster::new(&PostOptions {
                    url: url.clone(),
                    token,
                    ca_file: args.post_ca_file.clone(),
                    timeout: args.post_timeout,
                    retries: args.post_retries,
                })
                .map_err(|e| RunError::Usage(e.to_string()))?;
                if !args.quiet {
                    for w in &poster.warnings {
                        eprintln!("{w}");
                    }
                }
                Some(poster)
            }
        };
        Ok(Gate { threshold, poster })
    }
}

/// After the scan: verdicts, every local output, then delivery; the exit code.
async fn finish(
    args: &ScanArgs,
    gate: &Gate,
    reports: &[ContainerReport],
    errored: bool,
    interrupted: bool,
) -> Result<i32, RunError> {
    let verdicts: Option<Vec<Verdict>> = gate.threshold.as_ref().map(|t| {
        reports
            .iter()
            .map(|r| threshold::evaluate_report(t, r))
            .collect()
    });
    let outcome = Outcome {
        reports,
        verdicts: verdicts.as_deref(),
    };
    let written = write_outputs(args, &outcome);
    for (r, v) in outcome.iter() {
        match v {
            Some(v) if !v.met() => {
                eprintln!("threshold violated by {}:", r.target.id());
                for x in &v.violations {
                    eprintln!("  {x}");
                }
            }
            _ => {}
        }
    }
    if let (Some(v), false) = (&verdicts, args.quiet) {
        let met = v.iter().filter(|v| v.met()).count();
        eprintln!("threshold met by {met} of {} container(s)", v.len());
    }
    let mut delivery_failed = false;
    if let (Some(poster), false) = (&gate.poster, interrupted) {
        delivery_failed = !deliver_all(poster, reports, args.quiet).await;
    }
    written?;
    Ok(gate_exit_code(
        exit_code(reports, errored, interrupted),
        verdicts.as_deref(),
        delivery_failed,
    ))
}

fn render(
    format: OutputFormat,
    out: &mut dyn Write,
    outcome: &Outcome,
    table_opts: &table::TableOptions,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Table => table::write_outcome(out, outcome, table_opts),
        OutputFormat::Json => json::write_lines(out, outcome.reports),
        OutputFormat::Junit => junit::write(out, outcome),
        OutputFormat::Sarif => sarif::write(out, outcome),
        OutputFormat::Markdown => markdown::write(out, outcome),
    }
}

/// stdout in the -o format, each --report file (atomically), then --output-dir. Every output
/// is attempted even when one fails; the first failure is returned.
fn write_outputs(args: &ScanArgs, outcome: &Outcome) -> Result<(), RunError> {
    let mut first_error = None;
    let mut stdout = std::io::stdout().lock();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let width = if stdout.is_terminal() {
        None
    } else {
        Some(
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(120),
        )
    };
    let w = io_err("cannot write to stdout");
    if let Err(e) = render(
        args.output,
        &mut stdout,
        outcome,
        &table::TableOptions { color, width },
    )
    .and_then(|_| stdout.flush())
    {
        first_error.get_or_insert(w(e));
    }
    drop(stdout);
    let plain = table::TableOptions {
        color: false,
        width: None,
    };
    for spec in &args.reports {
        let mut bytes = Vec::new();
        let result = render(spec.format, &mut bytes, outcome, &plain).and_then(|_| {
            if let Some(dir) = spec.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            json::write_atomic(&spec.path, &bytes)
        });
        match result {
            Ok(()) if !args.quiet => eprintln!(
                "wrote {} report to {}",
                spec.format.name(),
                spec.path.display()
            ),
            Ok(()) => {}
            Err(e) => {
                let e = RunError::Io(format!(
                    "cannot write the {} report to '{}': {e}",
                    spec.format.name(),
                    spec.path.display()
                ));
                eprintln!("error: {e}");
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(dir) = &args.output_dir {
        match json::write_dir(dir, outcome.reports) {
            Ok(written) if !args.quiet => {
                eprintln!("wrote {} HDF file(s) to {}", written.len(), dir.display())
            }
            Ok(_) => {}
            Err(e) => {
                let e = RunError::Io(format!("cannot write results to '{}': {e}", dir.display()));
                eprintln!("error: {e}");
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// POST every document; false if one could not be delivered (each failure is printed).
async fn deliver_all(
    poster: &crate::deliver::Poster,
    reports: &[ContainerReport],
    quiet: bool,
) -> bool {
    let mut delivered = 0;
    let mut all = true;
    let note = |m: &str| {
        if !quiet {
            eprintln!("note: {m}");
        }
    };
    for r in reports {
        let id = r.target.id();
        let body = match serde_json::to_vec(&hdf::document(r)) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot encode the results of {id}: {e}");
                all = false;
                continue;
            }
        };
        match poster.post(&id, body.into(), &note).await {
            Ok(()) => delivered += 1,
            Err(e) => {
                eprintln!("error: {e}");
                all = false;
            }
        }
    }
    if !quiet {
        eprintln!(
            "posted {delivered} of {} HDF document(s) to {}",
            reports.len(),
            poster.url()
        );
    }
    all
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
