//! Exec access: runs the probe with the container's own shell through `pods/exec`.

use std::time::Duration;

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::{Api, AttachParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::probe::{Probe, ProbeError, ProbeOptions, ProbeRoot};
use super::{Access, AccessError, Collected};
use crate::engine::facts::ProbePlan;
use crate::kube::api_message;

pub struct ExecAccess {
    pub pods: Api<Pod>,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub max_output: u64,
    /// The container's run when the scan started (a restart during the scan is reported).
    pub started: Option<Incarnation>,
}

/// Which run of a container this is: a restart changes the container id and the count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incarnation {
    pub container_id: String,
    pub restarts: i32,
}

impl Incarnation {
    pub fn of(pod: &Pod, container: &str) -> Option<Incarnation> {
        let cs = pod
            .status
            .as_ref()?
            .container_statuses
            .as_ref()?
            .iter()
            .find(|c| c.name == container)?;
        Some(Incarnation {
            container_id: cs.container_id.clone().unwrap_or_default(),
            restarts: cs.restart_count,
        })
    }

    /// Running, with the same id and restart count.
    fn same_and_running(&self, pod: &Pod, container: &str) -> bool {
        let running = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|l| l.iter().find(|c| c.name == container))
            .is_some_and(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()));
        running && Incarnation::of(pod, container).as_ref() == Some(self)
    }
}

/// What came back from running a script (stdout went to the caller as it arrived).
pub struct ExecOutput {
    pub stderr: Vec<u8>,
}

/// Takes stdout as it arrives; an error ends the exec.
pub type StdoutSink<'s> = dyn FnMut(&[u8]) -> Result<(), AccessError> + Send + 's;

/// The most one probe run may send back on stdout and stderr (derived from its plan).
#[derive(Debug, Clone, Copy)]
pub struct OutputCaps {
    pub stdout: u64,
    pub stderr: u64,
}

/// Messages with which runtimes say the executable does not exist (runc, crun, containerd).
fn is_missing_executable(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("executable file not found")
        || m.contains("no such file or directory")
        || m.contains("not found in $path")
}

/// The runtime's own words from a wrapped exec failure ("Internal error occurred: … exec:
/// \"/bin/sh\": stat /bin/sh: no such file or directory: unknown").
fn runtime_reason(message: &str) -> String {
    let tail = message.rfind("exec: \"").map_or(message, |i| &message[i..]);
    tail.trim_end_matches(": unknown").to_string()
}

/// Printed by the shell before it reads the script: proof that the shell started.
const READY: &[u8] = b"cinc-scan-ready\n";

/// After the exit status (or the end of the exec task), how long the pipes may take to drain.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Fresh execs after a stream that was cut (the probe is read-only, so running it again is safe).
pub const EXEC_RETRIES: u32 = 2;

/// Run `shell` in the container and feed it `script` on stdin (the script, with its frame
/// boundary, never appears on a command line). The shell first prints a ready line; stdin is
/// written only after it, so a missing shell cannot race our write against the runtime's
/// "executable not found" status.
///
/// Liveness: stdout, stderr and kube's exec task (through its status channel, which closes
/// when the task ends, also on a WebSocket error that leaves the pipes open) are watched
/// together; silence on the connection is bounded by the client's stream idle timeout. A
/// stream that ends without an exit status is [`AccessError::Transient`], never a result.
/// Output beyond `caps` is an error. Stdout after the ready line goes to `on_stdout` as it
/// arrives, so the caller decides what to keep.
#[allow(clippy::too_many_arguments)]
pub async fn run_script(
    pods: &Api<Pod>,
    namespace: &str,
    pod: &str,
    container: &str,
    shell: &str,
    script: &str,
    caps: OutputCaps,
    on_stdout: &mut StdoutSink<'_>,
) -> Result<ExecOutput, AccessError> {
    let ready = String::from_utf8_lossy(READY.strip_suffix(b"\n").unwrap_or(READY)).into_owned();
    let bootstrap = format!("echo {ready}; exec {shell} -s");
    let argv = [shell, "-c", bootstrap.as_str()];
    let mut params = AttachParams::default()
        .container(container)
        .stdin(true)
        .stdout(true)
        .stderr(true);
    params.max_stdin_buf_size = Some(64 * 1024);
    params.max_stdout_buf_size = Some(64 * 1024);
    params.max_stderr_buf_size = Some(16 * 1024);
    let started = std::time::Instant::now();
    let mut process = pods
        .exec(pod, argv.iter().copied(), &params)
        .await
        .map_err(|e| match &e {
            kube::Error::Api(s) if s.code == 403 => {
                AccessError::Denied(api_message(&e, "create", "pods/exec", namespace))
            }
            _ => AccessError::Failed(api_message(&e, "create", "pods/exec", namespace)),
        })?;
    tracing::trace!(target: "cinc_scan::exec", "{namespace}/{pod}/{container}: exec stream open");
    let mut stdin = process.stdin();
    let mut stdout = process
        .stdout()
        .ok_or_else(|| AccessError::Failed("exec gave no stdout".into()))?;
    let mut stderr = process
        .stderr()
        .ok_or_else(|| AccessError::Failed("exec gave no stderr".into()))?;
    let mut status_rx = process
        .take_status()
        .ok_or_else(|| AccessError::Failed("exec gave no status".into()))?;
    // Stdout until the ready line was checked; after it, stdout goes to `on_stdout`.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut total: u64 = 0;
    let (mut obuf, mut ebuf) = (vec![0u8; 16 * 1024], vec![0u8; 4 * 1024]);
    let (mut out_open, mut err_open) = (true, true);
    let mut ready_checked = false;
    let mut status: Option<Option<Status>> = None;
    let mut write: Option<BoxFuture<'_, ()>> = None;
    let grace = tokio::time::sleep(Duration::from_secs(86400 * 365));
    tokio::pin!(grace);
    let mut drained = true;
    let over = |what: &str, cap: u64| {
        AccessError::Failed(format!(
            "the probe's {what} passed its cap of {cap} bytes (derived from the plan: the files' \
             --max-file-size, the walk limits and some slack); the container sent more than the \
             plan can produce, so this scan is not trusted"
        ))
    };
    while out_open || err_open || status.is_none() {
        tokio::select! {
            r = stdout.read(&mut obuf), if out_open => match r {
                Ok(0) | Err(_) => out_open = false,
                Ok(n) => {
                    total += n as u64;
                    if total > caps.stdout.saturating_add(READY.len() as u64) {
                        return Err(over("stdout", caps.stdout));
                    }
                    if ready_checked {
                        on_stdout(&obuf[..n])?;
                    } else {
                        out.extend_from_slice(&obuf[..n]);
                        if out.len() >= READY.len() {
                            ready_checked = true;
                            if out.starts_with(READY) {
                                out.drain(..READY.len());
                                if let Some(mut w) = stdin.take() {
                                    write = Some(Box::pin(async move {
                                        let _ = w.write_all(script.as_bytes()).await;
                                        let _ = w.shutdown().await;
                                    }));
                                }
                            } else {
                                // Not our shell talking: send nothing, close stdin so it ends.
                                drop(stdin.take());
                            }
                            on_stdout(&out)?;
                            out = Vec::new();
                        }
                    }
                }
            },
            r = stderr.read(&mut ebuf), if err_open => match r {
                Ok(0) | Err(_) => err_open = false,
                Ok(n) => {
                    err.extend_from_slice(&ebuf[..n]);
                    if err.len() as u64 > caps.stderr {
                        return Err(over("stderr", caps.stderr));
                    }
                }
            },
            s = &mut status_rx, if status.is_none() => {
                tracing::trace!(target: "cinc_scan::exec",
                    "{namespace}/{pod}/{container}: exec task ended after {}ms ({})",
                    started.elapsed().as_millis(),
                    if s.is_some() { "exit status received" } else { "no exit status" });
                status = Some(s);
                grace.as_mut().reset(tokio::time::Instant::now() + DRAIN_GRACE);
            },
            _ = async { write.as_mut().expect("guarded").await }, if write.is_some() => {
                write = None;
            },
            _ = &mut grace => {
                // The task is gone but a pipe never closed: kube drops its writers without
                // closing them when the WebSocket fails.
                drained = false;
                break;
            },
        }
    }
    let status = status.flatten();
    if status.is_none() {
        let why = match tokio::time::timeout(Duration::from_secs(1), process.join()).await {
            Ok(Err(e)) => stream_cause(&e),
            Ok(Ok(())) => "the connection closed without an exit status".into(),
            Err(_) => "the exec task did not finish".into(),
        };
        let pipes = if drained {
            ""
        } else {
            ", output pipes left open"
        };
        tracing::trace!(target: "cinc_scan::exec",
            "{namespace}/{pod}/{container}: stream cut after {total} bytes of stdout: {why}{pipes}");
        return Err(AccessError::Transient(format!(
            "the exec stream was cut before the probe finished ({why})"
        )));
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), process.join()).await;
    if let Some(s) = status {
        if s.status.as_deref() == Some("Failure") {
            let message = s.message.clone().unwrap_or_default();
            let exit_code = s
                .details
                .as_ref()
                .and_then(|d| d.causes.as_ref())
                .and_then(|c| c.iter().find(|c| c.reason.as_deref() == Some("ExitCode")))
                .and_then(|c| c.message.clone());
            if exit_code.is_none() {
                if is_missing_executable(&message) {
                    return Err(AccessError::NoShell {
                        message: runtime_reason(&message),
                    });
                }
                return Err(AccessError::Failed(format!("exec failed: {message}")));
            }
        }
    }
    if !out.is_empty() {
        on_stdout(&out)?;
    }
    Ok(ExecOutput { stderr: err })
}

/// The cause of a failed exec stream in a few words.
fn stream_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let text = crate::kube::resilience::cause_of(e);
    let lower = text.to_ascii_lowercase();
    if lower.contains("reset") {
        "connection reset".into()
    } else if lower.contains("timed out") {
        "no data on the stream for the idle timeout".into()
    } else {
        text
    }
}

/// Run a probe, again on a fresh exec when the stream was cut (at most [`EXEC_RETRIES`] more
/// times); a container that exited or restarted meanwhile is reported as such.
pub async fn run_probe(
    pods: &Api<Pod>,
    namespace: &str,
    pod: &str,
    container: &str,
    shell: &str,
    probe: &Probe,
    started: Option<&Incarnation>,
) -> Result<crate::engine::facts::Facts, AccessError> {
    let caps = probe.output_caps();
    let mut attempt = 0;
    loop {
        // Parsed as it arrives: a walk's entries are never all in memory at once.
        let mut stream = probe.stream();
        let ran = run_script(
            pods,
            namespace,
            pod,
            container,
            shell,
            &probe.script,
            caps,
            &mut |chunk| stream.feed(chunk).map_err(AccessError::from),
        )
        .await;
        let result = ran.and_then(|out| stream.finish(&out.stderr).map_err(AccessError::from));
        let err = match result {
            Ok(facts) => return Ok(facts),
            Err(e) => e,
        };
        let transient = matches!(err, AccessError::Transient(_));
        let suspicious = transient
            || matches!(
                err,
                AccessError::Failed(_) | AccessError::Probe(ProbeError::Incomplete(_))
            );
        if suspicious && container_changed(pods, pod, container, started).await {
            return Err(AccessError::Failed(format!(
                "the container exited/restarted during the scan ({namespace}/{pod}, container \
                 \"{container}\"); scan it again when it is running"
            )));
        }
        if !transient || attempt >= EXEC_RETRIES {
            return Err(match err {
                AccessError::Transient(m) if attempt > 0 => {
                    AccessError::Failed(format!("{m}; {} attempts made", attempt + 1))
                }
                AccessError::Transient(m) => AccessError::Failed(m),
                other => other,
            });
        }
        attempt += 1;
        tracing::debug!(target: "cinc_scan::exec",
            "{namespace}/{pod}/{container}: {err}; running the probe again on a fresh exec ({attempt}/{EXEC_RETRIES})");
        tokio::time::sleep(Duration::from_millis(300 << attempt)).await;
    }
}

/// Whether the container is no longer the running one the scan started on. Unknown → false.
async fn container_changed(
    pods: &Api<Pod>,
    pod: &str,
    container: &str,
    started: Option<&Incarnation>,
) -> bool {
    let Some(started) = started else {
        return false;
    };
    match pods.get(pod).await {
        Ok(p) => !started.same_and_running(&p, container),
        Err(e) => crate::kube::status_code(&e) == Some(404),
    }
}

impl Access for ExecAccess {
    fn method(&self) -> super::AccessMethod {
        super::AccessMethod::Exec
    }

    fn gather<'a>(&'a self, plan: &'a ProbePlan) -> BoxFuture<'a, Result<Collected, AccessError>> {
        Box::pin(async move {
            let opts = ProbeOptions {
                root: ProbeRoot::Inside,
                run_commands: true,
                max_output: self.max_output,
            };
            let probe = Probe::build(plan, &opts);
            let facts = run_probe(
                &self.pods,
                &self.namespace,
                &self.pod,
                &self.container,
                "/bin/sh",
                &probe,
                self.started.as_ref(),
            )
            .await?;
            Ok(Collected {
                facts,
                detail: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_messages_for_a_missing_shell() {
        assert!(is_missing_executable(
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown"
        ));
        assert!(is_missing_executable(
            "exec: \"sh\": executable file not found in $PATH"
        ));
        assert!(!is_missing_executable("container not running"));
        let wrapped = "Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"ab\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown";
        assert_eq!(
            runtime_reason(wrapped),
            "exec: \"/bin/sh\": stat /bin/sh: no such file or directory"
        );
    }
}
