//! Command-line flags as the user types them (kubectl's names and meanings).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  # Scan every running container of a pod in the current namespace
  kubectl cinc-scan pod/web-0

  # Scan one container, in another namespace and context
  kubectl cinc-scan web-0 -c app -n shop --context prod

  # Scan the current pods of workloads (kubectl's TYPE/NAME), or of the objects of manifests
  kubectl cinc-scan deploy/web sts/db cronjob/nightly -n shop
  kubectl cinc-scan -f k8s/ -R
  helm template ./chart | kubectl cinc-scan -f -

  # Scan every pod with a label, and keep HDF results for Heimdall or the SAF CLI
  kubectl cinc-scan -l app=web -o json | jq -r '.platform.target_id'
  kubectl cinc-scan -l app=web --output-dir results/

  # Scan an unpacked image or the local machine, no cluster needed
  kubectl cinc-scan --root ./rootfs

  # List the built-in profiles, print one, or print the profile JSON Schema
  kubectl cinc-scan profiles
  kubectl cinc-scan profiles show container-baseline
  kubectl cinc-scan profiles schema

  # Gate a CI job on a SAF threshold; Markdown summary, SARIF and JUnit reports
  kubectl cinc-scan -l app=web --threshold threshold.yml -o markdown \\
    --report sarif=scan.sarif --report junit=scan.xml

  # Metrics for node_exporter's textfile collector and a Pushgateway; alerts to Alertmanager
  kubectl cinc-scan -A --metrics-file /var/lib/node_exporter/cinc_scan.prom \\
    --pushgateway http://pushgateway:9091 --alertmanager http://alertmanager:9093 \\
    --alert-on high --alert-state alerts.json

  # Least privilege: create the Role, then scan with a 30-minute token
  kubectl cinc-scan rbac -n shop | kubectl apply -f -
  kubectl cinc-scan token cinc-scan -n shop --duration 30m --write-kubeconfig scan.kubeconfig

  # Scan the whole cluster nightly from inside it: 4 shards, results merged from the pods
  kubectl cinc-scan job nightly -n cinc-scan -A --shards 4 --schedule '0 2 * * *' --apply
  kubectl cinc-scan job results nightly -n cinc-scan -o json

  # Or scan as a ServiceAccount made for this scan only, removed at the end
  kubectl cinc-scan deploy/web -n shop --ephemeral-identity

Exit codes: 0 all passed, 100 a control failed, 101 only skipped (none failed),
2 usage or profile error, 1 tool, API or access error; with --threshold 0 met and
3 violated; 4 --post-results, --pushgateway, --alertmanager or --alert-webhook could
not deliver.";

#[derive(Debug, Parser)]
#[command(
    name = "kubectl cinc-scan",
    bin_name = "kubectl cinc-scan",
    version = crate::VERSION_LONG,
    about = "Run compliance and hardening checks inside running Kubernetes containers",
    long_about = "Run compliance and hardening checks inside running Kubernetes containers.\n\n\
        Targets are pods (`pod/NAME` or `NAME`), workloads whose current pods are scanned \
        (`deploy/NAME`, `sts/`, `ds/`, `rs/`, `rc/`, `job/`, and `cronjob/NAME` for its active \
        jobs), the Pods and workloads of manifests (-f), pods matched by a label selector (-l), \
        or every pod of the namespace (--all). Each running app container (and native sidecar) \
        is scanned through the \
        Kubernetes API with one read-only probe; nothing in the container is changed. Results \
        print as a table, or as HDF JSON (InSpec exec-json) with -o json.",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show or describe profiles
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completion { shell: clap_complete::Shell },
    /// Print the least-privilege ServiceAccount, Role and binding a scan needs
    #[command(after_help = "Example:\n  kubectl cinc-scan rbac -n shop | kubectl apply -f -")]
    Rbac {
        /// Namespace of the ServiceAccount and Role (default: the context's namespace)
        #[arg(short = 'n', long)]
        namespace: Option<String>,
        /// A ClusterRole, for scans in every namespace
        #[arg(short = 'A', long)]
        all_namespaces: bool,
        /// Name of the ServiceAccount to bind
        #[arg(long, default_value = "cinc-scan")]
        service_account: String,
        /// Leave out patch on pods/ephemeralcontainers (no distroless scans)
        #[arg(long)]
        no_debug: bool,
        /// The kubeconfig to read the context's namespace from
        #[arg(long, value_name = "PATH")]
        kubeconfig: Option<PathBuf>,
        /// The kubeconfig context whose namespace is the default
        #[arg(long, value_name = "NAME")]
        context: Option<String>,
    },
    /// Print or apply a sharded in-cluster scan (Indexed Job or CronJob); run, merge or
    /// delete it
    Job(Box<crate::job::args::JobCommand>),
    /// Remove what --ephemeral-identity runs left behind (after a kill -9) once they expired
    #[command(
        after_help = "Examples:\n  kubectl cinc-scan cleanup                 # expired leftovers, every namespace\n  kubectl cinc-scan cleanup -n shop --all   # every leftover of a namespace, expired or not\n  kubectl cinc-scan cleanup --all --dry-run # only list what would go"
    )]
    Cleanup {
        /// Only this namespace (default: every namespace)
        #[arg(short = 'n', long)]
        namespace: Option<String>,
        /// Also remove leftovers that have not expired yet (a scan may still be using them)
        #[arg(long)]
        all: bool,
        /// Print what would be removed, remove nothing
        #[arg(long)]
        dry_run: bool,
        /// Path to the kubeconfig file
        #[arg(long, value_name = "PATH")]
        kubeconfig: Option<PathBuf>,
        /// The kubeconfig context to use
        #[arg(long, value_name = "NAME")]
        context: Option<String>,
    },
    /// Write a kubeconfig with a short-lived token of a ServiceAccount (file mode 0600)
    #[command(
        after_help = "Example:\n  kubectl cinc-scan token cinc-scan -n shop --duration 30m --write-kubeconfig scan.kubeconfig\n  kubectl cinc-scan --kubeconfig scan.kubeconfig -l app=web"
    )]
    Token {
        /// The ServiceAccount (e.g. the one `kubectl cinc-scan rbac` creates)
        service_account: String,
        /// Where to write the kubeconfig (mode 0600; the token is never printed)
        #[arg(long, value_name = "PATH")]
        write_kubeconfig: PathBuf,
        /// How long the token is valid (at least 10m)
        #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
        duration: std::time::Duration,
        /// Namespace of the ServiceAccount (default: the context's namespace)
        #[arg(short = 'n', long)]
        namespace: Option<String>,
        /// Path to the kubeconfig used to ask for the token
        #[arg(long, value_name = "PATH")]
        kubeconfig: Option<PathBuf>,
        /// The kubeconfig context to use
        #[arg(long, value_name = "NAME")]
        context: Option<String>,
    },
    /// Scan from inside the pod: inject a scanner sidecar into manifests, fetch its results
    Sidecar {
        #[command(subcommand)]
        action: crate::sidecar::SidecarAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// List the built-in profiles (the default)
    List,
    /// Print a built-in profile's YAML, or check a profile file and list its controls
    Show {
        /// A built-in name (e.g. container-baseline) or a path to a profile file
        profile: String,
    },
    /// Print the JSON Schema of the profile format
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table for people (the default)
    Table,
    /// HDF (InSpec exec-json), one document per container and line
    Json,
    /// JUnit XML: a testsuite per container, a testcase per control
    Junit,
    /// SARIF 2.1.0 (GitHub code scanning): failed controls as results
    Sarif,
    /// A Markdown summary (for $GITHUB_STEP_SUMMARY or a merge-request comment)
    Markdown,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Junit => "junit",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Markdown => "markdown",
        }
    }
}

/// `--report FORMAT=PATH`: one more output of the same scan, written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    pub format: OutputFormat,
    pub path: PathBuf,
}

pub fn parse_report_spec(s: &str) -> Result<ReportSpec, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not FORMAT=PATH (e.g. sarif=results.sarif)"))?;
    let format = OutputFormat::from_str(format, true).map_err(|_| {
        format!("unknown report format '{format}' (use json, junit, sarif, markdown or table)")
    })?;
    if path.is_empty() {
        return Err(format!("'{s}' has no path after '='"));
    }
    Ok(ReportSpec {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessMode {
    /// exec with the container's own shell; without one (distroless), a debug container
    Auto,
    /// exec with the container's own shell; fail if it has none
    Exec,
    /// an ephemeral debug container reading the target's root at /proc/<pid>/root
    Debug,
}

/// `--debug-profile`: kubectl debug's profiles, plus `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DebugProfileArg {
    /// Mirror the target's uid/gid with nothing extra (restricted-compatible for non-root
    /// targets, baseline for root ones); learn the uid first when the pod spec does not say
    Auto,
    /// Non-root, all capabilities dropped, no privilege escalation, RuntimeDefault seccomp
    Restricted,
    /// No security context: the debug image's user with the runtime's default capabilities
    Baseline,
    /// Adds SYS_PTRACE: reads any target, needs a namespace that allows it
    General,
    /// Privileged
    Sysadmin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Pods or workloads to scan: NAME, pod/NAME, deploy/NAME, sts/NAME, ds/NAME, rs/NAME,
    /// rc/NAME, job/NAME, cronjob/NAME (its active jobs); kubectl's plural and long names work too
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,

    /// Scan the live Pods and workloads of a manifest: a file, a directory of .yaml/.yml/.json
    /// files, or - for stdin (repeatable; the namespace comes from the manifest, else -n)
    #[arg(short = 'f', long = "filename", value_name = "FILE", conflicts_with_all = ["targets", "selector", "all", "all_namespaces"])]
    pub filenames: Vec<PathBuf>,

    /// With -f DIR, read its subdirectories too
    #[arg(short = 'R', long, requires = "filenames")]
    pub recursive: bool,

    /// Namespace of the targets (default: the context's namespace)
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Look for pods in every namespace (with -l, --all, or alone)
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Label selector, e.g. -l app=web,tier!=cache
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Scan every pod of the namespace
    #[arg(long)]
    pub all: bool,

    /// Container to scan, an app container or a running init container (repeatable; default:
    /// every app container and native sidecar)
    #[arg(short = 'c', long = "container", value_name = "NAME")]
    pub containers: Vec<String>,

    /// The kubeconfig context to use
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// The kubeconfig cluster to use
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,

    /// The kubeconfig user to use
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Profile to run: a YAML file, a directory of them, or builtin:NAME (repeatable;
    /// default: builtin:container-baseline)
    #[arg(long = "profile", value_name = "PATH|builtin:NAME")]
    pub profiles: Vec<String>,

    /// Output format on stdout
    #[arg(short = 'o', long, value_enum, default_value = "table")]
    pub output: OutputFormat,

    /// Also write one HDF JSON file per container into this directory
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// File mode of --report and --output-dir files, in octal [default: 0600: findings are
    /// sensitive]
    #[arg(long, value_name = "MODE")]
    pub report_mode: Option<String>,

    /// How to reach the container's filesystem
    #[arg(long, value_enum, default_value = "auto")]
    pub access: AccessMode,

    /// Image of the ephemeral debug container for containers without a shell (needs sh,
    /// find, stat, xargs, head; mirror it into your registry for air-gapped clusters)
    #[arg(long, value_name = "IMAGE", default_value = "busybox:1.37")]
    pub debug_image: String,

    /// Pull policy of the debug image
    #[arg(long, value_name = "POLICY", default_value = "IfNotPresent", value_parser = ["Always", "IfNotPresent", "Never"])]
    pub debug_pull_policy: String,

    /// How long a debug container lives (it sleeps, then exits; Kubernetes never removes it)
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub debug_ttl: std::time::Duration,

    /// Security profile of the debug container (kubectl debug's meanings; auto picks the least
    /// privilege that can read the target)
    #[arg(long, value_enum, default_value = "auto", value_name = "PROFILE")]
    pub debug_profile: DebugProfileArg,

    /// Scan a directory tree instead of a cluster (an unpacked image, a mount, or /)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["targets", "filenames", "selector", "all", "all_namespaces", "containers", "ephemeral_identity"])]
    pub root: Option<PathBuf>,

    /// Scan as a ServiceAccount made for this scan only: a Role limited to the target pods and
    /// the verbs of --access, a token from TokenRequest; all removed at the end
    #[arg(long)]
    pub ephemeral_identity: bool,

    /// How long the --ephemeral-identity token is valid (at least 10m; longer than the scan)
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration, requires = "ephemeral_identity")]
    pub token_duration: std::time::Duration,

    /// Time limit for each container, e.g. 90s, 2m (0 for none)
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,

    /// Time limit for the whole run: finding the targets, permission checks and every
    /// container (0 for none); containers not finished by then are reported as errors
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = parse_duration)]
    pub deadline: std::time::Duration,

    #[command(flatten)]
    pub network: NetworkArgs,

    /// How many containers to scan at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Largest file content read per file, in bytes (e.g. 1048576, 512Ki, 4Mi)
    #[arg(long, value_name = "BYTES", default_value = "1Mi", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Print only results: no progress, no notes on stderr
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Do not draw progress bars
    #[arg(long)]
    pub no_progress: bool,

    /// When to colour the table
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,

    // CI gating and reports
    /// SAF threshold file (YAML or JSON, nested or flattened keys); each container is checked
    /// and the exit code is 3 if one violates it, 0 if all meet it
    #[arg(long, value_name = "FILE", conflicts_with = "threshold_inline")]
    pub threshold: Option<PathBuf>,

    /// SAF threshold inline, e.g. '{compliance.min: 80, failed.critical.max: 0}'
    #[arg(long, value_name = "RULES")]
    pub threshold_inline: Option<String>,

    /// Also write a report file: FORMAT=PATH, FORMAT one of json, junit, sarif, markdown,
    /// table (repeatable)
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report_spec)]
    pub reports: Vec<ReportSpec>,

    /// POST each HDF document (application/json) to this http(s) URL, after the results are
    /// written locally; exit code 4 if it cannot be delivered
    #[arg(long, value_name = "URL")]
    pub post_results: Option<String>,

    /// Environment variable that holds the bearer token for --post-results
    /// [default: CINC_SCAN_POST_TOKEN, if set]
    #[arg(
        long,
        value_name = "NAME",
        requires = "post_results",
        conflicts_with = "post_token_file"
    )]
    pub post_token_env: Option<String>,

    /// File that holds the bearer token for --post-results
    #[arg(long, value_name = "PATH", requires = "post_results")]
    pub post_token_file: Option<PathBuf>,

    /// PEM bundle of the CAs to trust for --post-results, --pushgateway, --alertmanager and
    /// --alert-webhook (instead of the system's)
    #[arg(long, value_name = "PEM")]
    pub post_ca_file: Option<PathBuf>,

    /// Time limit for each request to --post-results, --pushgateway, --alertmanager or
    /// --alert-webhook, e.g. 30s
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub post_timeout: std::time::Duration,

    /// Retries of each such request after a 5xx, 429 or connection error (with backoff and
    /// jitter, or the server's Retry-After)
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub post_retries: u32,

    // Monitoring and alerting
    /// Write Prometheus metrics of the run to this file (atomically; for node_exporter's
    /// textfile collector, name it *.prom)
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,

    /// Format of --metrics-file: Prometheus text 0.0.4, or OpenMetrics 1.0
    #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
    pub metrics_format: MetricsFormat,

    /// Also one series per control (cinc_scan_control_status) in --metrics-file and
    /// --pushgateway: many more series
    #[arg(long)]
    pub metrics_per_control: bool,

    /// Add a label to every metric and alert, e.g. cluster=prod (repeatable)
    #[arg(long = "extra-label", value_name = "NAME=VALUE", value_parser = crate::monitor::parse_label)]
    pub extra_labels: Vec<(String, String)>,

    /// PUT the metrics to this Prometheus Pushgateway (http(s)://host:9091) after the scan;
    /// exit code 4 if it cannot be delivered
    #[arg(long, value_name = "URL")]
    pub pushgateway: Option<String>,

    /// The job of the Pushgateway grouping key
    #[arg(long, value_name = "NAME", default_value = crate::monitor::pushgateway::DEFAULT_JOB, requires = "pushgateway")]
    pub pushgateway_job: String,

    /// A label of the Pushgateway grouping key (repeatable)
    /// [default: instance=<the kubeconfig context; in-cluster inside a pod; the host name for
    /// --root>]
    #[arg(long = "pushgateway-group", value_name = "NAME=VALUE", value_parser = crate::monitor::parse_label, requires = "pushgateway")]
    pub pushgateway_group: Vec<(String, String)>,

    /// Environment variable with a bearer token for --pushgateway
    /// [default: CINC_SCAN_PUSHGATEWAY_TOKEN, if set]
    #[arg(long, value_name = "NAME", requires = "pushgateway", conflicts_with_all = ["pushgateway_token_file", "pushgateway_basic_auth_file", "pushgateway_basic_auth_env"])]
    pub pushgateway_token_env: Option<String>,

    /// File with a bearer token for --pushgateway
    #[arg(long, value_name = "PATH", requires = "pushgateway", conflicts_with_all = ["pushgateway_basic_auth_file", "pushgateway_basic_auth_env"])]
    pub pushgateway_token_file: Option<PathBuf>,

    /// File with USER:PASSWORD for basic auth to --pushgateway
    #[arg(
        long,
        value_name = "PATH",
        requires = "pushgateway",
        conflicts_with = "pushgateway_basic_auth_env"
    )]
    pub pushgateway_basic_auth_file: Option<PathBuf>,

    /// Environment variable with USER:PASSWORD for basic auth to --pushgateway
    #[arg(long, value_name = "NAME", requires = "pushgateway")]
    pub pushgateway_basic_auth_env: Option<String>,

    /// Alert on failed controls of this severity or higher
    #[arg(long, value_enum, default_value = "high", value_name = "SEVERITY")]
    pub alert_on: AlertSeverity,

    /// How long an alert stays firing without a new scan (its endsAt), e.g. 2h; set it above
    /// the time between scans
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub alert_expire_after: std::time::Duration,

    /// POST alerts for failed controls and violated thresholds to this Alertmanager
    /// (http(s)://host:9093; its /api/v2/alerts); exit code 4 if it cannot be delivered
    #[arg(long, value_name = "URL")]
    pub alertmanager: Option<String>,

    /// Environment variable with a bearer token for --alertmanager
    /// [default: CINC_SCAN_ALERTMANAGER_TOKEN, if set]
    #[arg(long, value_name = "NAME", requires = "alertmanager", conflicts_with_all = ["alertmanager_token_file", "alertmanager_basic_auth_file", "alertmanager_basic_auth_env"])]
    pub alertmanager_token_env: Option<String>,

    /// File with a bearer token for --alertmanager
    #[arg(long, value_name = "PATH", requires = "alertmanager", conflicts_with_all = ["alertmanager_basic_auth_file", "alertmanager_basic_auth_env"])]
    pub alertmanager_token_file: Option<PathBuf>,

    /// File with USER:PASSWORD for basic auth to --alertmanager
    #[arg(
        long,
        value_name = "PATH",
        requires = "alertmanager",
        conflicts_with = "alertmanager_basic_auth_env"
    )]
    pub alertmanager_basic_auth_file: Option<PathBuf>,

    /// Environment variable with USER:PASSWORD for basic auth to --alertmanager
    #[arg(long, value_name = "NAME", requires = "alertmanager")]
    pub alertmanager_basic_auth_env: Option<String>,

    /// POST alerts to this webhook in --alert-format; exit code 4 if it cannot be delivered
    #[arg(long, value_name = "URL")]
    pub alert_webhook: Option<String>,

    /// Body of --alert-webhook: one JSON document per run, one CloudEvents 1.0 event
    /// (structured mode) per alert, or one Slack incoming-webhook message per run
    #[arg(long, value_enum, default_value = "json", value_name = "FORMAT")]
    pub alert_format: AlertFormat,

    /// Environment variable with a bearer token for --alert-webhook
    /// [default: CINC_SCAN_ALERT_WEBHOOK_TOKEN, if set]
    #[arg(
        long,
        value_name = "NAME",
        requires = "alert_webhook",
        conflicts_with = "alert_webhook_token_file"
    )]
    pub alert_webhook_token_env: Option<String>,

    /// File with a bearer token for --alert-webhook
    #[arg(long, value_name = "PATH", requires = "alert_webhook")]
    pub alert_webhook_token_file: Option<PathBuf>,

    /// JSON file (0600) of the alerts that were firing: with it, controls that pass again
    /// send resolved alerts
    #[arg(long, value_name = "FILE")]
    pub alert_state: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricsFormat {
    /// Prometheus text format 0.0.4
    Text,
    /// OpenMetrics 1.0 text
    Openmetrics,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertFormat {
    Json,
    Cloudevents,
    Slack,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlertSeverity {
    Critical,
    High,
    Medium,
    Low,
    /// Every failed control
    None,
}

impl AlertSeverity {
    pub fn severity(self) -> crate::results::Severity {
        use crate::results::Severity;
        match self {
            AlertSeverity::Critical => Severity::Critical,
            AlertSeverity::High => Severity::High,
            AlertSeverity::Medium => Severity::Medium,
            AlertSeverity::Low => Severity::Low,
            AlertSeverity::None => Severity::None,
        }
    }
}

/// How the plugin talks to the API server (kubectl's names where kubectl has one).
#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    /// Time limit for one API request until its answer starts, and for silence within an
    /// answer (kubectl's flag; 0 for none). Failed requests are retried with backoff
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration)]
    pub request_timeout: std::time::Duration,

    /// Client-side limit of API requests per second (kubectl's default; 0 for none)
    #[arg(long, value_name = "QPS", default_value_t = 5.0)]
    pub qps: f32,

    /// Requests allowed at once above --qps
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub burst: u32,

    /// Log level on stderr, like kubectl: 6 each API request (verb, path, status,
    /// duration), 8 also retry, budget and circuit-breaker decisions and exec stream events.
    /// Never tokens, headers or file contents
    #[arg(short = 'v', long = "verbosity", value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u8).range(0..=10))]
    pub verbosity: u8,

    /// Log format for -v: text, or json (one object per line, for CI log collectors)
    #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl NetworkArgs {
    /// The network settings these flags give.
    pub fn settings(&self) -> crate::kube::resilience::Settings {
        let defaults = crate::kube::resilience::Settings::default();
        crate::kube::resilience::Settings {
            request_timeout: (!self.request_timeout.is_zero()).then_some(self.request_timeout),
            qps: self.qps.max(0.0),
            burst: self.burst,
            ..defaults
        }
    }
}

/// `90s`, `2m`, `1h30m`, `500ms`, or plain seconds; `0` means no limit.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<u64>()
            .map(std::time::Duration::from_secs)
            .map_err(|_| format!("duration '{s}' is too large (try 90s, 2m, 1h)"));
    }
    let d: jiff::SignedDuration = s
        .parse()
        .map_err(|_| format!("invalid duration '{s}' (try 90s, 2m, 1h30m, 500ms)"))?;
    std::time::Duration::try_from(d)
        .map_err(|_| format!("invalid duration '{s}': it must not be negative"))
}

/// Bytes with optional Ki/Mi/Gi (or K/M/G) suffix.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let i = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..i]
        .parse()
        .map_err(|_| format!("invalid size '{s}' (try 1048576, 512Ki, 4Mi)"))?;
    let mult = match &s[i..] {
        "" => 1,
        "K" | "Ki" | "k" => 1 << 10,
        "M" | "Mi" => 1 << 20,
        "G" | "Gi" => 1 << 30,
        _ => return Err(format!("invalid size unit in '{s}' (use Ki, Mi or Gi)")),
    };
    n.checked_mul(mult)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("invalid size '{s}'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("2m").unwrap().as_secs(), 120);
        assert_eq!(parse_duration("5").unwrap().as_secs(), 5);
        assert_eq!(parse_duration("250ms").unwrap().as_millis(), 250);
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("-5s").is_err());
        let err = parse_duration("99999999999999999999").unwrap_err();
        assert!(err.contains("too large"), "{err}");
        assert!(parse_duration("99999999999999999999s").is_err());
        assert_eq!(parse_size("1Mi").unwrap(), 1 << 20);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(parse_size("0").is_err());
        assert!(parse_size("1Ti").is_err());
    }

    #[test]
    fn kubectl_style_flags_parse() {
        let cli = Cli::try_parse_from([
            "x",
            "pod/web-0",
            "web-1",
            "-n",
            "shop",
            "-c",
            "app",
            "--context",
            "prod",
            "-o",
            "json",
        ])
        .unwrap();
        assert_eq!(cli.scan.targets, ["pod/web-0", "web-1"]);
        assert_eq!(cli.scan.namespace.as_deref(), Some("shop"));
        assert_eq!(cli.scan.output, OutputFormat::Json);
        assert!(Cli::try_parse_from(["x", "--root", "/", "pod/a"]).is_err());
        let cli = Cli::try_parse_from([
            "x",
            "--root",
            "/",
            "--threshold-inline",
            "{compliance.min: 80}",
            "--report",
            "sarif=out/a.sarif",
            "--report",
            "JUnit=b.xml",
            "-o",
            "markdown",
        ])
        .unwrap();
        assert_eq!(cli.scan.output, OutputFormat::Markdown);
        assert_eq!(
            cli.scan.reports,
            [
                ReportSpec {
                    format: OutputFormat::Sarif,
                    path: "out/a.sarif".into()
                },
                ReportSpec {
                    format: OutputFormat::Junit,
                    path: "b.xml".into()
                }
            ]
        );
        for bad in [
            ["--report", "xml=a"],
            ["--report", "sarif"],
            ["--report", "json="],
        ] {
            assert!(Cli::try_parse_from(["x", "--root", "/", bad[0], bad[1]]).is_err());
        }
        assert!(Cli::try_parse_from(["x", "--root", "/", "--post-token-env", "T"]).is_err());
        let p = Cli::try_parse_from(["x", "profiles", "schema"]).unwrap();
        assert!(matches!(
            p.command,
            Some(Command::Profiles {
                action: Some(ProfilesAction::Schema)
            })
        ));
    }
}
