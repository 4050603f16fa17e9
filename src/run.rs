//! Runs a command: the config stage, the scan stage, the sinks; one exit code at the end.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::CommandFactory;

use crate::cli::{Cli, Command, ProfilesAction, ScanArgs};
use crate::config::{ConfigError as ScanConfigError, ScanConfig};
use crate::engine::profile::ProfileError;
use crate::engine::{builtin, schema};
use crate::exit;
use crate::kube::config::{connect, ClusterOptions, ConfigError};
use crate::sink::Sinks;
use crate::threshold::ThresholdError;

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

impl From<ScanConfigError> for RunError {
    fn from(e: ScanConfigError) -> RunError {
        match e {
            ScanConfigError::Usage(m) => RunError::Usage(m),
            ScanConfigError::Profile(p) => RunError::Profile(p),
            ScanConfigError::Threshold(t) => RunError::Threshold(t),
        }
    }
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
        Some(Command::Job(cmd)) => {
            drop(stdout);
            crate::job::command(*cmd).await
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
        Some(Command::Sidecar { action }) => {
            drop(stdout);
            crate::sidecar::command(action).await
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
                for p in crate::profiles::load_path(std::path::Path::new(&profile))? {
                    writeln!(
                        out,
                        "{}: profile '{}' is valid, {} controls",
                        p.meta.source,
                        p.meta.name,
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
pub fn context_namespace(
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

/// `kubectl cinc-scan cleanup`: what --ephemeral-identity runs left behind.
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
    crate::fsio::write_atomic(path, text.as_bytes(), crate::fsio::PRIVATE).map_err(io_err(
        &format!("cannot write the kubeconfig '{}'", path.display()),
    ))?;
    eprintln!(
        "wrote {} (mode 0600): ServiceAccount {}/{service_account}, token expires {expires}\n\
         use: kubectl cinc-scan --kubeconfig {} ...",
        path.display(),
        conn.namespace,
        path.display()
    );
    Ok(exit::PASSED)
}

/// A scan: validated config, the scan with its sinks, then the exit code.
async fn scan(args: ScanArgs) -> Result<i32, RunError> {
    let mut config = ScanConfig::from_args(args)?;
    let mut sinks = Sinks::from_config(&mut config);
    let summary = crate::scan::run(&config, &mut sinks).await?;
    let outcome = sinks.finish(&summary).await;
    if outcome.stdout_closed {
        return Err(RunError::BrokenPipe);
    }
    Ok(crate::scan::exit_code(&summary, outcome))
}
