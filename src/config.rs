//! The config stage: raw flags become a validated `ScanConfig` before anything runs. Nothing
//! below this module sees clap.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::access::debug::{DebugOptions, DebugProfile};
use crate::access::plan::AccessMode;
use crate::cli::{self, ScanArgs};
use crate::deliver::{PostOptions, Poster, TokenSource};
use crate::engine::facts::ProbePlan;
use crate::engine::profile::{Profile, ProfileError};
use crate::kube::config::ClusterOptions;
use crate::kube::targets::TargetQuery;
use crate::report::Format;
use crate::threshold::{Threshold, ThresholdError};

/// Everything a scan needs, decided once.
pub struct ScanConfig {
    pub source: Source,
    pub access: AccessSettings,
    pub profiles: Vec<Arc<Profile>>,
    pub plan: ProbePlan,
    pub output: OutputSettings,
    pub gates: Gates,
    pub limits: Limits,
}

/// What to scan.
// One per run: the size of the cluster variant (with its network settings) does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    /// `--root DIR`: a directory on this machine.
    Root(PathBuf),
    /// Containers in a cluster; the query's namespace is filled in once connected.
    Cluster {
        cluster: ClusterOptions,
        query: TargetQuery,
    },
}

pub struct AccessSettings {
    pub mode: AccessMode,
    pub debug: DebugOptions,
    /// `--ephemeral-identity`: scan as an identity made for this scan, with a token valid
    /// this long.
    pub ephemeral_identity: Option<Duration>,
}

/// Where results go, with colour, width and terminal decided here.
pub struct OutputSettings {
    pub format: Format,
    pub color: bool,
    /// Table width when stdout is not a terminal (`None`: the terminal's).
    pub width: Option<u16>,
    pub reports: Vec<ReportFile>,
    pub output_dir: Option<PathBuf>,
    /// Mode of report and HDF files (0600 by default: findings are sensitive).
    pub file_mode: u32,
    pub quiet: bool,
    pub progress: bool,
}

pub struct ReportFile {
    pub format: Format,
    pub path: PathBuf,
}

/// What decides the exit code beyond the results: a threshold, and delivery.
pub struct Gates {
    pub threshold: Option<Threshold>,
    pub poster: Option<Poster>,
    /// --metrics-file, --pushgateway, --alertmanager, --alert-webhook.
    pub monitor: Option<crate::monitor::sinks::Monitor>,
}

pub struct Limits {
    /// Per container; `None` for no limit.
    pub timeout: Option<Duration>,
    /// The whole run (connecting, finding targets, permission checks, every container).
    pub deadline: Option<Duration>,
    pub concurrency: usize,
    pub max_file_size: u64,
}

/// A bad flag or input: a usage error (exit 2) that names it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Threshold(#[from] ThresholdError),
}

/// The largest threshold file read.
const MAX_THRESHOLD_BYTES: u64 = 4 << 20;

impl ScanConfig {
    pub fn from_args(args: ScanArgs) -> Result<ScanConfig, ConfigError> {
        let source = source(&args)?;
        ScanConfig::with_source(args, source)
    }

    /// For containers the caller lists itself (a `job run` shard, through
    /// `scan::run_targets`) or reports scanned elsewhere (`job results`, through
    /// `scan::replay`): every setting of `args`, without requiring a target on the command
    /// line. The source keeps the cluster options; its query is not used.
    pub fn for_listed(args: ScanArgs) -> Result<ScanConfig, ConfigError> {
        let source = cluster_source(&args, Vec::new());
        ScanConfig::with_source(args, source)
    }

    fn with_source(args: ScanArgs, source: Source) -> Result<ScanConfig, ConfigError> {
        let profiles = crate::profiles::load_specs(&args.profiles)?;
        let plan = ProbePlan::for_profiles(
            &profiles.iter().map(|p| (**p).clone()).collect::<Vec<_>>(),
            args.max_file_size,
        );
        let timeout = (!args.timeout.is_zero()).then_some(args.timeout);
        let access = AccessSettings {
            mode: match args.access {
                cli::AccessMode::Auto => AccessMode::Auto,
                cli::AccessMode::Exec => AccessMode::Exec,
                cli::AccessMode::Debug => AccessMode::Debug,
            },
            debug: DebugOptions {
                image: args.debug_image.clone(),
                pull_policy: args.debug_pull_policy.clone(),
                ttl: args.debug_ttl,
                profile: debug_profile(args.debug_profile),
                start_timeout: Duration::from_secs(120).min(timeout.unwrap_or(Duration::MAX)),
            },
            ephemeral_identity: args.ephemeral_identity.then_some(args.token_duration),
        };
        if args.ephemeral_identity && args.token_duration < Duration::from_secs(600) {
            return Err(ConfigError::Usage(
                "--token-duration must be at least 10m (the API server's minimum)".into(),
            ));
        }
        let output = output(&args)?;
        let gates = Gates {
            threshold: threshold(&args)?,
            poster: poster(&args)?,
            monitor: crate::monitor::sinks::Monitor::setup(&args).map_err(ConfigError::Usage)?,
        };
        if let (Some(t), false) = (&gates.threshold, args.quiet) {
            for note in &t.notes {
                eprintln!("note: threshold: {note}");
            }
        }
        Ok(ScanConfig {
            source,
            access,
            profiles,
            plan,
            output,
            gates,
            limits: Limits {
                timeout,
                deadline: (!args.deadline.is_zero()).then_some(args.deadline),
                concurrency: usize::from(args.concurrency),
                max_file_size: args.max_file_size,
            },
        })
    }
}

fn source(args: &ScanArgs) -> Result<Source, ConfigError> {
    if let Some(root) = &args.root {
        if !root.is_dir() {
            return Err(ConfigError::Usage(format!(
                "--root '{}' is not a directory; give the root of an unpacked image or /",
                root.display()
            )));
        }
        return Ok(Source::Root(root.clone()));
    }
    if args.targets.is_empty()
        && args.filenames.is_empty()
        && args.selector.is_none()
        && !args.all
        && !args.all_namespaces
    {
        return Err(ConfigError::Usage(
            "nothing to scan: give pod/NAME, deploy/NAME, -f FILE, -l SELECTOR, --all, -A, or --root DIR \
             (see `kubectl cinc-scan --help`)"
                .into(),
        ));
    }
    if args.all && !args.targets.is_empty() {
        return Err(ConfigError::Usage(
            "--all scans every pod; do not also name pods".into(),
        ));
    }
    let manifests = if args.filenames.is_empty() {
        Default::default()
    } else {
        crate::kube::manifest::load(
            &args.filenames,
            args.recursive,
            &mut std::io::stdin().lock(),
        )
        .map_err(|e| ConfigError::Usage(e.to_string()))?
    };
    if !args.quiet {
        for s in &manifests.skipped {
            eprintln!("note: not a Pod or workload, skipped: {s}");
        }
    }
    Ok(cluster_source(args, manifests.objects))
}

fn cluster_source(args: &ScanArgs, objects: Vec<crate::kube::targets::ObjectRef>) -> Source {
    Source::Cluster {
        cluster: ClusterOptions {
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            cluster: args.cluster.clone(),
            user: args.user.clone(),
            namespace: args.namespace.clone(),
            network: args.network.settings(),
        },
        query: TargetQuery {
            names: args.targets.clone(),
            objects,
            selector: args.selector.clone(),
            all: args.all,
            all_namespaces: args.all_namespaces,
            namespace: String::new(),
            containers: args.containers.clone(),
        },
    }
}

fn debug_profile(p: cli::DebugProfileArg) -> DebugProfile {
    match p {
        cli::DebugProfileArg::Auto => DebugProfile::Auto,
        cli::DebugProfileArg::Restricted => DebugProfile::Restricted,
        cli::DebugProfileArg::Baseline => DebugProfile::Baseline,
        cli::DebugProfileArg::General => DebugProfile::General,
        cli::DebugProfileArg::Sysadmin => DebugProfile::Sysadmin,
    }
}

pub fn format(f: cli::OutputFormat) -> Format {
    match f {
        cli::OutputFormat::Table => Format::Table,
        cli::OutputFormat::Json => Format::Json,
        cli::OutputFormat::Junit => Format::Junit,
        cli::OutputFormat::Sarif => Format::Sarif,
        cli::OutputFormat::Markdown => Format::Markdown,
    }
}

fn output(args: &ScanArgs) -> Result<OutputSettings, ConfigError> {
    let stdout_tty = std::io::stdout().is_terminal();
    let color = match args.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    let width = if stdout_tty {
        None
    } else {
        Some(
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(120),
        )
    };
    let file_mode = match &args.report_mode {
        None => crate::fsio::PRIVATE,
        Some(m) => u32::from_str_radix(m.trim_start_matches("0o"), 8)
            .ok()
            .filter(|m| *m <= 0o777)
            .ok_or_else(|| {
                ConfigError::Usage(format!(
                    "--report-mode '{m}' is not an octal file mode (e.g. 0600 or 0644)"
                ))
            })?,
    };
    Ok(OutputSettings {
        format: format(args.output),
        color,
        width,
        reports: args
            .reports
            .iter()
            .map(|r| ReportFile {
                format: format(r.format),
                path: r.path.clone(),
            })
            .collect(),
        output_dir: args.output_dir.clone(),
        file_mode,
        quiet: args.quiet,
        progress: !args.quiet && !args.no_progress && std::io::stderr().is_terminal(),
    })
}

fn threshold(args: &ScanArgs) -> Result<Option<Threshold>, ConfigError> {
    Ok(match (&args.threshold, &args.threshold_inline) {
        (Some(path), _) => {
            let text = crate::fsio::read_text(path, MAX_THRESHOLD_BYTES).map_err(|e| {
                ConfigError::Usage(format!(
                    "cannot read threshold file '{}' (--threshold): {e}",
                    path.display()
                ))
            })?;
            Some(Threshold::parse_file(&text, &path.display().to_string())?)
        }
        (None, Some(inline)) => Some(Threshold::parse_inline(inline)?),
        (None, None) => None,
    })
}

fn poster(args: &ScanArgs) -> Result<Option<Poster>, ConfigError> {
    let Some(url) = &args.post_results else {
        return Ok(None);
    };
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
        ca_file: args.post_ca_file.clone(),
        timeout: args.post_timeout,
        retries: args.post_retries,
        ..PostOptions::post_results(url, token)
    })
    .map_err(|e| ConfigError::Usage(e.to_string()))?;
    if !args.quiet {
        for w in &poster.warnings {
            eprintln!("{w}");
        }
    }
    Ok(Some(poster))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(args: &[&str]) -> Result<ScanConfig, ConfigError> {
        let cli = cli::Cli::try_parse_from(std::iter::once("x").chain(args.iter().copied()))
            .map_err(|e| ConfigError::Usage(e.to_string()))?;
        ScanConfig::from_args(cli.scan)
    }

    #[test]
    fn nothing_to_scan_is_a_usage_error() {
        let err = config(&[]).err().unwrap().to_string();
        assert!(err.starts_with("nothing to scan"), "{err}");
        let err = config(&["--all", "pod/a"]).err().unwrap().to_string();
        assert!(err.contains("--all"), "{err}");
    }

    #[test]
    fn a_cluster_scan_is_validated_into_its_settings() {
        let c = config(&[
            "pod/web-0",
            "-n",
            "shop",
            "--timeout",
            "0",
            "--access",
            "exec",
        ])
        .unwrap();
        let Source::Cluster { cluster, query } = &c.source else {
            panic!("not a cluster scan")
        };
        assert_eq!(cluster.namespace.as_deref(), Some("shop"));
        assert_eq!(query.names, ["pod/web-0"]);
        assert_eq!(c.limits.timeout, None);
        assert_eq!(c.access.mode, AccessMode::Exec);
        assert_eq!(c.output.file_mode, 0o600);
        assert!(!c.profiles.is_empty());
    }

    #[test]
    fn report_mode_and_root_are_checked() {
        let err = config(&["--root", "/nonexistent-root"]).err().unwrap();
        assert!(
            err.to_string().contains("--root '/nonexistent-root'"),
            "{err}"
        );
        let err = config(&["--root", "/", "--report-mode", "999"])
            .err()
            .unwrap();
        assert!(err.to_string().contains("--report-mode '999'"), "{err}");
        let c = config(&["--root", "/", "--report-mode", "0644"]).unwrap();
        assert_eq!(c.output.file_mode, 0o644);
    }
}
