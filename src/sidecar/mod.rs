//! The sidecar approach: a scanner container inside the pod (shared PID namespace) that scans
//! its neighbours through `/proc/<pid>/root`, keeps HDF on a results volume, and the plugin
//! commands that inject it into manifests and fetch its results.

pub mod hdf_read;
pub mod inject;
pub mod inpod;
pub mod procfs;
pub mod results;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cli::{parse_duration, parse_size};
use crate::run::RunError;

/// The scanner container's name in every injected pod.
pub const CONTAINER_NAME: &str = "cinc-scan";
/// The results volume and where the sidecar mounts it.
pub const VOLUME_NAME: &str = "cinc-scan-results";
pub const RESULTS_DIR: &str = "/cinc-scan/results";
/// The binary's path in the scanner image (see the Containerfile).
pub const BINARY_PATH: &str = "/kubectl-cinc_scan";
/// The image the test tooling builds from the Containerfile.
pub const DEFAULT_IMAGE: &str = "localhost/cinc-scan-scanner:dev";

const SIDECAR_EXAMPLES: &str = "\
Examples:
  # Add the scanner to a Deployment and roll it out
  kubectl cinc-scan sidecar inject -f web.yaml --interval 1h | kubectl apply -f -
  kubectl get deploy web -o yaml | kubectl cinc-scan sidecar inject | kubectl apply -f -

  # Its latest results, printed like a scan (table, -o json, --threshold, exit codes)
  kubectl cinc-scan sidecar results deploy/web
  kubectl cinc-scan sidecar results pod/web-7d9c-x2x4q -o json | jq .platform.target_id

  # Each scan also logs one line: pass/fail at a glance
  kubectl logs deploy/web -c cinc-scan

In the pod, the scanner container runs the in-pod mode `kubectl-cinc_scan sidecar run`
(`sidecar run --help`; `sidecar cat` prints its results): see the README, \"Sidecar\".";

#[derive(Debug, Subcommand)]
#[command(after_help = SIDECAR_EXAMPLES)]
pub enum SidecarAction {
    /// Rewrite manifests (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
    /// List) to run the scanner as a sidecar
    #[command(after_help = SIDECAR_EXAMPLES)]
    Inject(inject::InjectArgs),
    /// Fetch and print the sidecar's latest results (through exec of the scanner binary)
    #[command(after_help = SIDECAR_EXAMPLES)]
    Results(results::ResultsArgs),
    /// In-pod mode, run by the scanner container: scan the pod's targets every --interval
    #[command(hide = true)]
    Run(RunArgs),
    /// In-pod mode: print the newest HDF document of each target, one per line
    #[command(hide = true)]
    Cat(CatArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scan only this container (repeatable; default: every container marked
    /// CINC_SCAN_TARGET=<name> by `sidecar inject`)
    #[arg(long = "target", value_name = "NAME")]
    pub targets: Vec<String>,

    /// Time between two scans
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_interval)]
    pub interval: Duration,

    /// How many results to keep per target
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub keep: usize,

    /// Where the results volume is mounted
    #[arg(long, value_name = "DIR", default_value = RESULTS_DIR)]
    pub results_dir: PathBuf,

    /// Profile: a YAML file, a directory (e.g. a mounted ConfigMap) or builtin:NAME
    /// (repeatable; default: builtin:container-baseline)
    #[arg(long = "profile", value_name = "PATH|builtin:NAME")]
    pub profiles: Vec<String>,

    /// SAF threshold file; the log line says whether each scan meets it
    #[arg(long, value_name = "FILE", conflicts_with = "threshold_inline")]
    pub threshold: Option<PathBuf>,

    /// SAF threshold inline, e.g. '{compliance.min: 80, failed.critical.max: 0}'
    #[arg(long, value_name = "RULES")]
    pub threshold_inline: Option<String>,

    /// POST each HDF document to this http(s) URL after it is written (token from
    /// $CINC_SCAN_POST_TOKEN or --post-token-file; same retries as a scan's --post-results)
    #[arg(long, value_name = "URL")]
    pub post_results: Option<String>,

    /// File that holds the bearer token for --post-results (e.g. a mounted Secret)
    #[arg(long, value_name = "PATH", requires = "post_results")]
    pub post_token_file: Option<PathBuf>,

    /// PEM bundle of the CAs to trust for --post-results
    #[arg(long, value_name = "PEM", requires = "post_results")]
    pub post_ca_file: Option<PathBuf>,

    /// Time limit for each POST
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub post_timeout: Duration,

    /// Retries of a POST after a 5xx, 429 or connection error
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub post_retries: u32,

    /// Largest file content read per file (e.g. 1Mi)
    #[arg(long, value_name = "BYTES", default_value = "1Mi", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Time limit of one target's scan (0 for none)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,

    /// How to find the targets: env (the CINC_SCAN_TARGET marker in their environment, no API
    /// rights), api (the pod's own status through its ServiceAccount, matched to
    /// /proc/<pid>/cgroup; needs get on pods), auto (env, then api when a target is missing
    /// and a ServiceAccount token is mounted)
    #[arg(long, value_enum, default_value = "auto")]
    pub discover: Discover,

    /// Scan once and exit with the scan's code (for tests and Jobs; a native sidecar must
    /// not exit)
    #[arg(long)]
    pub once: bool,

    /// The proc filesystem to look for targets in (tests)
    #[arg(long, value_name = "DIR", default_value = "/proc", hide = true)]
    pub proc_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Discover {
    Auto,
    Env,
    Api,
}

#[derive(Debug, Args)]
pub struct CatArgs {
    /// Only this container's results (repeatable)
    #[arg(long = "target", value_name = "NAME")]
    pub targets: Vec<String>,

    /// Every kept result, oldest first, not only the newest
    #[arg(long)]
    pub all: bool,

    /// Where the results volume is mounted
    #[arg(long, value_name = "DIR", default_value = RESULTS_DIR)]
    pub results_dir: PathBuf,
}

fn parse_interval(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d < Duration::from_secs(5) {
        return Err(format!("--interval '{s}' is too short (at least 5s)"));
    }
    Ok(d)
}

/// Text from a target (environment, file names) made safe for one log line: control
/// characters escaped, at most `max` characters.
pub fn printable(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).flat_map(char::escape_debug).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

pub async fn command(action: SidecarAction) -> Result<i32, RunError> {
    match action {
        SidecarAction::Inject(args) => inject::command(&args),
        SidecarAction::Results(args) => results::command(args).await,
        SidecarAction::Run(args) => inpod::run(args).await,
        SidecarAction::Cat(args) => inpod::cat(&args, &mut std::io::stdout().lock()),
    }
}
