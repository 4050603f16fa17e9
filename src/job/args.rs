//! Flags of `kubectl cinc-scan job` and its subcommands (kubectl's names and meanings).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::{parse_duration, AccessMode, ColorChoice, OutputFormat, ReportSpec, ScanArgs};

pub const JOB_EXAMPLES: &str = "\
Examples:
  # Print a 4-shard nightly scan of every namespace, review it, then apply it
  kubectl cinc-scan job nightly -n cinc-scan -A --shards 4 --schedule '0 2 * * *' > nightly.yaml
  kubectl apply -f nightly.yaml

  # Create and start a one-off scan of two namespaces now
  kubectl cinc-scan job now -n cinc-scan --target-namespace shop --target-namespace web \\
    --shards 2 --apply

  # Merge the shards' results like a local scan; gate on a threshold
  kubectl cinc-scan job results now -n cinc-scan --threshold threshold.yml

  # Remove everything `job` created
  kubectl cinc-scan job delete now -n cinc-scan";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, after_help = JOB_EXAMPLES)]
pub struct JobCommand {
    #[command(subcommand)]
    pub action: Option<JobAction>,

    #[command(flatten)]
    pub create: CreateArgs,
}

#[derive(Debug, Subcommand)]
pub enum JobAction {
    /// Scan one shard (what each pod of the Job runs; JOB_COMPLETION_INDEX is the shard)
    Run(Box<RunArgs>),
    /// Merge a Job's shard results from its pods' logs and print them like a local scan
    Results(ResultsArgs),
    /// Delete every object `kubectl cinc-scan job` made for NAME
    Delete(DeleteArgs),
}

/// Where the Job lives and how to reach the cluster.
#[derive(Debug, Args, Clone, Default)]
pub struct JobCluster {
    /// Namespace of the Job, its ServiceAccount and (without -A) nothing else
    /// (default: the context's namespace)
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Path to the kubeconfig file
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name of the Job (or CronJob), its ServiceAccount and Roles
    #[arg(value_name = "NAME", default_value = "cinc-scan")]
    pub name: String,

    #[command(flatten)]
    pub cluster: JobCluster,

    /// Namespace whose pods the Job scans (repeatable; default: the Job's namespace)
    #[arg(
        long = "target-namespace",
        value_name = "NAMESPACE",
        conflicts_with = "all_namespaces"
    )]
    pub target_namespaces: Vec<String>,

    /// Scan pods in every namespace (a ClusterRole instead of Roles)
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Label selector of the pods to scan, e.g. -l app=web
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Container to scan in each pod (repeatable; default: every app container)
    #[arg(short = 'c', long = "container", value_name = "NAME")]
    pub containers: Vec<String>,

    /// Number of shards: the Job's completions and (unless --parallelism) parallelism
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub shards: u32,

    /// How many shards run at once (default: all of them)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub parallelism: Option<u32>,

    /// Retries of a failed shard (per index, backoffLimitPerIndex)
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(i32).range(0..=100))]
    pub retries_per_shard: i32,

    /// Time limit of the whole Job (activeDeadlineSeconds), e.g. 30m, 2h
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub deadline: std::time::Duration,

    /// Run on a schedule: a CronJob with this cron expression, e.g. '0 2 * * *'
    #[arg(long, value_name = "CRON")]
    pub schedule: Option<String>,

    /// Time zone of --schedule (IANA name, e.g. Europe/Berlin; default: the controller's)
    #[arg(long, value_name = "TZ", requires = "schedule")]
    pub time_zone: Option<String>,

    /// How late a scheduled run may still start (startingDeadlineSeconds)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration, requires = "schedule")]
    pub starting_deadline: std::time::Duration,

    /// The scanner image: the plugin's static binary at /kubectl-cinc_scan
    #[arg(long, value_name = "IMAGE", default_value = super::DEFAULT_IMAGE)]
    pub image: String,

    /// Pull policy of the scanner image
    #[arg(long, value_name = "POLICY", default_value = "IfNotPresent", value_parser = ["Always", "IfNotPresent", "Never"])]
    pub image_pull_policy: String,

    /// Built-in profile each shard runs (repeatable; builtin:NAME only: the pod has no files)
    #[arg(long = "profile", value_name = "builtin:NAME")]
    pub profiles: Vec<String>,

    /// How each shard reaches a container's filesystem (exec: no debug permission)
    #[arg(long, value_enum, default_value = "auto")]
    pub access: AccessMode,

    /// Image of the ephemeral debug container for distroless targets
    #[arg(long, value_name = "IMAGE")]
    pub debug_image: Option<String>,

    /// Pull policy of the debug image
    #[arg(long, value_name = "POLICY", value_parser = ["Always", "IfNotPresent", "Never"])]
    pub debug_pull_policy: Option<String>,

    /// Time limit for each container, e.g. 90s, 2m
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,

    /// How many containers each shard scans at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Each shard POSTs its HDF documents to this URL (reachable from the pods)
    #[arg(long, value_name = "URL")]
    pub post_results: Option<String>,

    /// A Secret (in the Job's namespace) whose key `token` is the bearer token for
    /// --post-results (mounted read-only, never in the pod's environment)
    #[arg(long, value_name = "SECRET", requires = "post_results")]
    pub post_token_secret: Option<String>,

    /// Pods listed per LIST request
    #[arg(long, value_name = "N", default_value_t = super::list::DEFAULT_PAGE, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub page_size: u32,

    /// Each shard stays alive this long after its scan (hidden: to test a schedule's overlap)
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = parse_duration, hide = true)]
    pub linger: std::time::Duration,

    /// Create the objects now (server-side apply) instead of printing them
    #[arg(long)]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// This shard's index, 0..N-1 (the Job controller sets JOB_COMPLETION_INDEX)
    #[arg(long, value_name = "I", env = "JOB_COMPLETION_INDEX")]
    pub shard_index: u32,

    /// Number of shards
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub shards: u32,

    /// Namespace to scan (repeatable; with neither this nor -A: the context's namespace)
    #[arg(long = "target-namespace", value_name = "NAMESPACE")]
    pub target_namespaces: Vec<String>,

    /// The Job's name, written into the results
    #[arg(long, value_name = "NAME", default_value = "cinc-scan")]
    pub job_name: String,

    /// Pods listed per LIST request
    #[arg(long, value_name = "N", default_value_t = super::list::DEFAULT_PAGE, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub page_size: u32,

    /// Write the shard's summary here (the pod's terminationMessagePath; "" for none)
    #[arg(long, value_name = "PATH", default_value = "/dev/termination-log")]
    pub termination_log: PathBuf,

    /// Do not print the full results as framed gzip+base64 lines on stdout
    #[arg(long)]
    pub no_stdout_results: bool,

    /// Stay alive this long after the scan (keeps the pod's slot, e.g. to test a schedule)
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = parse_duration, hide = true)]
    pub linger: std::time::Duration,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The Job (or a CronJob: its most recent Job)
    #[arg(value_name = "NAME")]
    pub name: String,

    #[command(flatten)]
    pub cluster: JobCluster,

    /// Output format on stdout
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,

    /// Also write one HDF JSON file per container into this directory
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// SAF threshold file; exit code 3 if a container violates it
    #[arg(long, value_name = "FILE", conflicts_with = "threshold_inline")]
    pub threshold: Option<PathBuf>,

    /// SAF threshold inline, e.g. '{compliance.min: 80}'
    #[arg(long, value_name = "RULES")]
    pub threshold_inline: Option<String>,

    /// Also write a report file: FORMAT=PATH (repeatable)
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = crate::cli::parse_report_spec)]
    pub reports: Vec<ReportSpec>,

    /// Print only results
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// When to colour the table
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The Job or CronJob
    #[arg(value_name = "NAME")]
    pub name: String,

    #[command(flatten)]
    pub cluster: JobCluster,
}
