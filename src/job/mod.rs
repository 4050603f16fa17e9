//! `kubectl cinc-scan job`: scheduled, sharded scans that run on the cluster itself.
//!
//! `job` prints (or applies) a ServiceAccount, least-privilege Roles and an Indexed Job (or a
//! CronJob); each index runs `job run`, lists pods page by page and scans the containers
//! whose key hashes to it ([`shard`]); results leave through --post-results, the pod's
//! termination message and framed lines on stdout ([`frame`]), never etcd; `job results`
//! merges them from the pods' logs, `job delete` removes every object.

pub mod args;
pub mod frame;
pub mod list;
pub mod manifest;
pub mod results;
pub mod shard;
pub mod wire;

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use clap::ValueEnum;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};

use crate::cli::{AccessMode, Cli};
use crate::exit;
use crate::kube::config::{connect, ClusterOptions, Connection};
use crate::kube::{api_message, status_code};
use crate::run::RunError;
use args::{CreateArgs, DeleteArgs, JobAction, JobCluster, JobCommand, RunArgs};
use manifest::{Plan, Scope};

pub const DEFAULT_IMAGE: &str = "localhost/cinc-scan-scanner:dev";
pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "kubectl-cinc-scan";
pub const LABEL_NAME: &str = "app.kubernetes.io/name";
pub const LABEL_COMPONENT: &str = "app.kubernetes.io/component";
pub const COMPONENT_SCANNER: &str = "scanner";
/// The name given to `job`, on every object it makes.
pub const LABEL_JOB: &str = "cinc-scan.io/job";
/// On the ServiceAccount: the namespaces that hold its Roles (for `job delete`).
pub const ANNOTATION_TARGETS: &str = "cinc-scan.io/target-namespaces";
pub const CONTAINER_NAME: &str = "scanner";
/// The scanner's uid and gid (distroless "nonroot").
pub const SCANNER_UID: i64 = 65532;
/// Kubernetes keeps at most this much of a termination message.
pub const TERMINATION_MESSAGE_LIMIT: usize = 4096;
const FIELD_MANAGER: &str = "kubectl-cinc-scan";

pub async fn command(cmd: JobCommand) -> Result<i32, RunError> {
    match cmd.action {
        None => create(cmd.create).await,
        Some(JobAction::Run(a)) => run_shard(*a).await,
        Some(JobAction::Results(a)) => results::command(a).await,
        Some(JobAction::Delete(a)) => delete(a).await,
    }
}

/// A DNS label that leaves room for the pod names the Job controller derives from it.
fn validate_name(name: &str) -> Result<(), RunError> {
    let ok = !name.is_empty()
        && name.len() <= 52
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(RunError::Usage(format!(
            "invalid job name '{name}': use at most 52 lowercase letters, digits and '-' \
             (a CronJob's Jobs and their pods append to it)"
        )))
    }
}

fn cluster_options(c: &JobCluster) -> ClusterOptions {
    ClusterOptions {
        kubeconfig: c.kubeconfig.clone(),
        context: c.context.clone(),
        namespace: c.namespace.clone(),
        ..Default::default()
    }
}

fn value_name<T: ValueEnum>(v: &T) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

fn seconds(d: Duration) -> String {
    format!("{}s", d.as_secs().max(1))
}

/// The plan of `job NAME ...`, with the Job's namespace already known.
pub fn plan(a: &CreateArgs, namespace: &str) -> Result<Plan, RunError> {
    validate_name(&a.name)?;
    for p in &a.profiles {
        if !p.starts_with("builtin:") {
            return Err(RunError::Usage(format!(
                "--profile '{p}': a Job's pods have no local files; use builtin:NAME \
                 (`kubectl cinc-scan profiles` lists them)"
            )));
        }
    }
    crate::profiles::load_specs(&a.profiles)?;
    if let Some(s) = &a.schedule {
        if s.split_whitespace().count() != 5 && !s.starts_with('@') {
            return Err(RunError::Usage(format!(
                "--schedule '{s}' is not a cron expression: five fields (minute hour day month \
                 weekday), e.g. '0 2 * * *', or @hourly/@daily"
            )));
        }
    }
    if a.deadline.as_secs() < 60 {
        return Err(RunError::Usage(
            "--deadline must be at least 1m (the whole Job's time limit)".into(),
        ));
    }
    let scope = if a.all_namespaces {
        Scope::AllNamespaces
    } else if a.target_namespaces.is_empty() {
        Scope::Namespaces(vec![namespace.to_string()])
    } else {
        let set: BTreeSet<String> = a.target_namespaces.iter().cloned().collect();
        Scope::Namespaces(set.into_iter().collect())
    };
    let mut args: Vec<String> = vec![
        "job".into(),
        "run".into(),
        "--job-name".into(),
        a.name.clone(),
        "--shards".into(),
        a.shards.to_string(),
        "--page-size".into(),
        a.page_size.to_string(),
    ];
    match &scope {
        Scope::AllNamespaces => args.push("--all-namespaces".into()),
        Scope::Namespaces(list) => {
            for ns in list {
                args.extend(["--target-namespace".into(), ns.clone()]);
            }
        }
    }
    if let Some(s) = &a.selector {
        args.extend(["--selector".into(), s.clone()]);
    }
    for c in &a.containers {
        args.extend(["--container".into(), c.clone()]);
    }
    for p in &a.profiles {
        args.extend(["--profile".into(), p.clone()]);
    }
    args.extend(["--access".into(), value_name(&a.access)]);
    if let Some(i) = &a.debug_image {
        args.extend(["--debug-image".into(), i.clone()]);
    }
    if let Some(p) = &a.debug_pull_policy {
        args.extend(["--debug-pull-policy".into(), p.clone()]);
    }
    args.extend(["--timeout".into(), seconds(a.timeout)]);
    args.extend(["--concurrency".into(), a.concurrency.to_string()]);
    if let Some(url) = &a.post_results {
        args.extend(["--post-results".into(), url.clone()]);
        if a.post_token_secret.is_some() {
            args.extend([
                "--post-token-file".into(),
                format!("{}/token", manifest::POST_TOKEN_DIR),
            ]);
        }
    }
    if !a.linger.is_zero() {
        args.extend(["--linger".into(), seconds(a.linger)]);
    }
    args.push("--no-progress".into());
    Ok(Plan {
        name: a.name.clone(),
        namespace: namespace.to_string(),
        scope,
        shards: a.shards,
        parallelism: a.parallelism.unwrap_or(a.shards),
        retries_per_shard: a.retries_per_shard,
        deadline_seconds: a.deadline.as_secs() as i64,
        schedule: a.schedule.clone(),
        time_zone: a.time_zone.clone(),
        starting_deadline_seconds: a.starting_deadline.as_secs().max(10) as i64,
        image: a.image.clone(),
        image_pull_policy: a.image_pull_policy.clone(),
        args,
        debug: a.access != AccessMode::Exec,
        post_token_secret: a.post_token_secret.clone(),
    })
}

/// The objects with the ServiceAccount annotated with the Roles' namespaces.
fn objects(plan: &Plan) -> manifest::Objects {
    let mut o = manifest::build(plan);
    if let Scope::Namespaces(list) = &plan.scope {
        o.service_account
            .metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(ANNOTATION_TARGETS.into(), list.join(","));
    }
    o
}

async fn create(a: CreateArgs) -> Result<i32, RunError> {
    if !a.apply {
        let namespace = match &a.cluster.namespace {
            Some(n) => n.clone(),
            None => crate::run::context_namespace(
                a.cluster.kubeconfig.as_deref(),
                a.cluster.context.as_deref(),
            )?,
        };
        let plan = plan(&a, &namespace)?;
        let text = manifest::to_yaml(&plan, &objects(&plan)).map_err(RunError::Io)?;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => RunError::BrokenPipe,
                _ => RunError::Io(format!("cannot write to stdout: {e}")),
            })?;
        return Ok(exit::PASSED);
    }
    let conn = connect(&cluster_options(&a.cluster)).await?;
    let plan = plan(&a, &conn.namespace)?;
    apply(&conn, &plan, &objects(&plan)).await?;
    let kind = if plan.schedule.is_some() {
        "cronjob"
    } else {
        "job"
    };
    eprintln!(
        "{kind}.batch/{name} applied in namespace {ns} ({shards} shard(s))\n\
         results: kubectl cinc-scan job results {name} -n {ns}\n\
         remove:  kubectl cinc-scan job delete {name} -n {ns}",
        name = plan.name,
        ns = plan.namespace,
        shards = plan.shards
    );
    Ok(exit::PASSED)
}

async fn apply_one<K>(api: Api<K>, obj: &K, what: &str, ns: &str) -> Result<(), RunError>
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let name = obj.meta().name.clone().unwrap_or_default();
    let pp = PatchParams::apply(FIELD_MANAGER).force();
    api.patch(&name, &pp, &Patch::Apply(obj))
        .await
        .map_err(|e| RunError::Io(api_message(&e, "apply", &format!("{what} {name}"), ns)))?;
    Ok(())
}

async fn apply(conn: &Connection, plan: &Plan, o: &manifest::Objects) -> Result<(), RunError> {
    let c = &conn.client;
    let ns = &plan.namespace;
    apply_one(
        Api::<ServiceAccount>::namespaced(c.clone(), ns),
        &o.service_account,
        "serviceaccount",
        ns,
    )
    .await?;
    for r in &o.roles {
        let rns = r.metadata.namespace.clone().unwrap_or_default();
        apply_one(Api::<Role>::namespaced(c.clone(), &rns), r, "role", &rns).await?;
    }
    for b in &o.role_bindings {
        let rns = b.metadata.namespace.clone().unwrap_or_default();
        apply_one(
            Api::<RoleBinding>::namespaced(c.clone(), &rns),
            b,
            "rolebinding",
            &rns,
        )
        .await?;
    }
    if let Some(r) = &o.cluster_role {
        apply_one(Api::<ClusterRole>::all(c.clone()), r, "clusterrole", "").await?;
    }
    if let Some(b) = &o.cluster_role_binding {
        apply_one(
            Api::<ClusterRoleBinding>::all(c.clone()),
            b,
            "clusterrolebinding",
            "",
        )
        .await?;
    }
    if let Some(j) = &o.job {
        apply_one(Api::<Job>::namespaced(c.clone(), ns), j, "job", ns).await?;
    }
    if let Some(cj) = &o.cron_job {
        apply_one(Api::<CronJob>::namespaced(c.clone(), ns), cj, "cronjob", ns).await?;
    }
    Ok(())
}

/// Delete one object; `false` when it was not there.
async fn delete_one<K>(api: &Api<K>, name: &str, what: &str, ns: &str) -> Result<bool, RunError>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.delete(name, &DeleteParams::background()).await {
        Ok(_) => {
            println!("{what}/{name} deleted");
            Ok(true)
        }
        Err(e) if status_code(&e) == Some(404) => Ok(false),
        Err(e) => Err(RunError::Io(api_message(&e, "delete", what, ns))),
    }
}

fn selector_of(name: &str) -> String {
    format!("{LABEL_MANAGED_BY}={MANAGED_BY},{LABEL_JOB}={name}")
}

async fn delete(a: DeleteArgs) -> Result<i32, RunError> {
    validate_name(&a.name)?;
    let conn = connect(&cluster_options(&a.cluster)).await?;
    let c = &conn.client;
    let ns = conn.namespace.clone();
    let name = a.name.as_str();
    let mut found = 0;
    let cron: Api<CronJob> = Api::namespaced(c.clone(), &ns);
    found += usize::from(delete_one(&cron, name, "cronjob.batch", &ns).await?);
    let jobs: Api<Job> = Api::namespaced(c.clone(), &ns);
    found += usize::from(delete_one(&jobs, name, "job.batch", &ns).await?);
    // the Jobs a CronJob made (their pods go with them)
    let lp = ListParams::default().labels(&selector_of(name));
    let listed = jobs
        .list(&lp)
        .await
        .map_err(|e| RunError::Io(api_message(&e, "list", "jobs", &ns)))?;
    for j in listed.items {
        if let Some(jn) = j.metadata.name {
            found += usize::from(delete_one(&jobs, &jn, "job.batch", &ns).await?);
        }
    }
    let sas: Api<ServiceAccount> = Api::namespaced(c.clone(), &ns);
    let targets: Vec<String> = match sas.get(name).await {
        Ok(sa) => sa
            .metadata
            .annotations
            .and_then(|a| a.get(ANNOTATION_TARGETS).cloned())
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    // Roles and bindings: in the namespaces the ServiceAccount names, else wherever the
    // labels say (which needs list in every namespace)
    let namespaces: Vec<Option<String>> = if targets.is_empty() {
        vec![None]
    } else {
        targets.into_iter().map(Some).collect()
    };
    for tns in namespaces {
        let (roles, bindings): (Api<Role>, Api<RoleBinding>) = match &tns {
            Some(t) => (Api::namespaced(c.clone(), t), Api::namespaced(c.clone(), t)),
            None => (Api::all(c.clone()), Api::all(c.clone())),
        };
        let scope = tns.clone().unwrap_or_else(|| "(all)".into());
        let listed = bindings
            .list(&lp)
            .await
            .map_err(|e| RunError::Io(api_message(&e, "list", "rolebindings", &scope)))?;
        for b in listed.items {
            let bns = b.metadata.namespace.clone().unwrap_or_default();
            let api: Api<RoleBinding> = Api::namespaced(c.clone(), &bns);
            let bn = b.metadata.name.unwrap_or_default();
            found += usize::from(
                delete_one(&api, &bn, "rolebinding.rbac.authorization.k8s.io", &bns).await?,
            );
        }
        let listed = roles
            .list(&lp)
            .await
            .map_err(|e| RunError::Io(api_message(&e, "list", "roles", &scope)))?;
        for r in listed.items {
            let rns = r.metadata.namespace.clone().unwrap_or_default();
            let api: Api<Role> = Api::namespaced(c.clone(), &rns);
            let rn = r.metadata.name.unwrap_or_default();
            found +=
                usize::from(delete_one(&api, &rn, "role.rbac.authorization.k8s.io", &rns).await?);
        }
    }
    let cluster_name = manifest::cluster_role_name(&ns, name);
    let crb: Api<ClusterRoleBinding> = Api::all(c.clone());
    found += usize::from(
        delete_one(
            &crb,
            &cluster_name,
            "clusterrolebinding.rbac.authorization.k8s.io",
            "",
        )
        .await?,
    );
    let cr: Api<ClusterRole> = Api::all(c.clone());
    found += usize::from(
        delete_one(
            &cr,
            &cluster_name,
            "clusterrole.rbac.authorization.k8s.io",
            "",
        )
        .await?,
    );
    found += usize::from(delete_one(&sas, name, "serviceaccount", &ns).await?);
    if found == 0 {
        eprintln!(
            "error: nothing named {name} made by kubectl cinc-scan job in namespace {ns} \
             (kubectl get jobs,cronjobs -n {ns} -l {LABEL_MANAGED_BY}={MANAGED_BY} lists them)"
        );
        return Ok(exit::ERROR);
    }
    Ok(exit::PASSED)
}

/// A namespace to scan, unless -A.
fn shard_namespaces(a: &RunArgs, conn: &Connection) -> Vec<String> {
    if a.scan.all_namespaces {
        Vec::new()
    } else if a.target_namespaces.is_empty() {
        vec![conn.namespace.clone()]
    } else {
        a.target_namespaces.clone()
    }
}

/// `job run`: list this shard's containers, scan them, hand the results out. Exit 0 when the
/// shard did its work (findings are results, not failures: a non-zero exit makes the Job
/// retry the index), 1 when it could not list, 4 when delivery failed, 2 for bad flags.
async fn run_shard(a: RunArgs) -> Result<i32, RunError> {
    if a.shard_index >= a.shards {
        return Err(RunError::Usage(format!(
            "--shard-index {} is not below --shards {}",
            a.shard_index, a.shards
        )));
    }
    if !a.scan.targets.is_empty() {
        return Err(RunError::Usage(
            "job run lists its pods itself: select them with -l, --target-namespace or -A, \
             not by name"
                .into(),
        ));
    }
    let termination_log = a.termination_log.clone();
    let framed_stdout = !a.no_stdout_results;
    let linger = a.linger;
    let mut scan_args = a.scan.clone();
    // shards push to one Pushgateway: each its own group, or they would replace each other
    if scan_args.pushgateway.is_some()
        && !scan_args
            .pushgateway_group
            .iter()
            .any(|(k, _)| k == "shard")
    {
        if scan_args.pushgateway_group.is_empty() {
            scan_args
                .pushgateway_group
                .push(("instance".into(), "in-cluster".into()));
        }
        scan_args
            .pushgateway_group
            .push(("shard".into(), a.shard_index.to_string()));
    }
    let mut config = crate::config::ScanConfig::for_listed(scan_args)?;
    let conn = connect(&ClusterOptions {
        kubeconfig: a.scan.kubeconfig.clone(),
        context: a.scan.context.clone(),
        cluster: a.scan.cluster.clone(),
        user: a.scan.user.clone(),
        namespace: a.scan.namespace.clone(),
        network: a.scan.network.settings(),
    })
    .await?;
    let query = list::ShardQuery {
        namespaces: shard_namespaces(&a, &conn),
        selector: a.scan.selector.clone(),
        containers: a.scan.containers.clone(),
        shard: a.shard_index,
        shards: a.shards,
        page_size: a.page_size,
    };
    let listed = match list::list_shard(&conn.client, &query).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: shard {}/{}: {e}", a.shard_index, a.shards);
            return Ok(exit::ERROR);
        }
    };
    let scope = if query.namespaces.is_empty() {
        "every namespace".to_string()
    } else {
        format!("namespace(s) {}", query.namespaces.join(", "))
    };
    eprintln!(
        "shard {}/{}: {} of {} containers in {scope} ({} pods, {} LIST requests)",
        a.shard_index,
        a.shards,
        listed.targets.len(),
        listed.stats.containers_seen,
        listed.stats.pods_seen,
        listed.stats.requests
    );
    let snapshot: std::collections::BTreeMap<String, String> = listed
        .targets
        .iter()
        .map(|t| {
            (
                t.pod.metadata.uid.clone().unwrap_or_default(),
                format!(
                    "{}/{}",
                    t.namespace,
                    t.pod.metadata.name.as_deref().unwrap_or_default()
                ),
            )
        })
        .collect();
    let target_errors: Vec<String> = listed.errors.iter().map(|e| e.to_string()).collect();
    let state = crate::sink::shard::shared(crate::sink::shard::ShardRecord {
        job: a.job_name.clone(),
        shard: a.shard_index,
        shards: a.shards,
        profiles: a.scan.profiles.clone(),
        listing: listed.stats.clone(),
        vanished: Vec::new(),
        appeared: Vec::new(),
        target_errors: target_errors.clone(),
    });
    let mut sinks = crate::sink::Sinks::for_shard(
        &mut config,
        state.clone(),
        framed_stdout,
        termination_log,
        TERMINATION_MESSAGE_LIMIT,
    );
    // the scan stage, on the containers this shard listed
    let summary = crate::scan::run_targets(
        &config,
        &conn.client,
        listed.targets,
        &target_errors,
        &mut sinks,
    )
    .await;
    let mut stats = listed.stats.clone();
    let (vanished, appeared) = match list::shard_pods_now(&conn.client, &query, &mut stats).await {
        Ok(after) => (
            snapshot
                .iter()
                .filter(|(uid, _)| !after.contains_key(*uid))
                .map(|(_, id)| id.clone())
                .collect::<Vec<_>>(),
            after
                .iter()
                .filter(|(uid, _)| !snapshot.contains_key(*uid))
                .map(|(_, id)| id.clone())
                .collect::<Vec<_>>(),
        ),
        Err(e) => {
            eprintln!("note: cannot tell which pods changed during the scan: {e}");
            (Vec::new(), Vec::new())
        }
    };
    for p in &vanished {
        eprintln!("note: pod {p} vanished during the scan (reported once, as scanned)");
    }
    for p in &appeared {
        eprintln!("note: pod {p} appeared during the scan (not scanned in this run)");
    }
    {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        st.record.listing = stats;
        st.record.vanished = vanished;
        st.record.appeared = appeared;
    }
    let outcome = sinks.finish(&summary).await;
    if !linger.is_zero() {
        tokio::time::sleep(linger).await;
    }
    Ok(shard_exit_code(&summary, outcome))
}

/// A shard's exit code: findings are results, not failures (a non-zero exit makes the Job
/// retry the index). 130 after Ctrl-C/SIGINT, 1 when its results could not be written to
/// stdout, 4 when --post-results could not deliver, else 0.
fn shard_exit_code(summary: &crate::sink::RunSummary, outcome: crate::sink::SinkOutcome) -> i32 {
    if summary.interrupted {
        exit::INTERRUPTED
    } else if outcome.local_failed || outcome.stdout_closed {
        exit::ERROR
    } else if outcome.remote_failed {
        exit::DELIVERY
    } else {
        exit::PASSED
    }
}

/// Default scan flags, as if none were given (for outputs of scans made elsewhere).
pub fn default_scan_args() -> Result<crate::cli::ScanArgs, RunError> {
    use clap::Parser;
    Cli::try_parse_from(["kubectl-cinc_scan"])
        .map(|cli| cli.scan)
        .map_err(|e| RunError::Io(format!("internal: default flags do not parse: {e}")))
}
