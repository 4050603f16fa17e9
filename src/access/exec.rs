//! Exec access: runs the probe with the container's own shell through `pods/exec`.

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::probe::{Probe, ProbeOptions, ProbeRoot};
use super::{Access, AccessError, Collected};
use crate::engine::facts::ProbePlan;
use crate::kube::api_message;

pub struct ExecAccess {
    pub pods: Api<Pod>,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub max_output: u64,
}

/// What came back from running a script.
pub struct ExecOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
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

/// Run `shell` in the container and feed it `script` on stdin (the script, with its frame
/// boundary, never appears on a command line). The shell first prints a ready line; stdin is
/// written only after it, so a missing shell cannot race our write against the runtime's
/// "executable not found" status. stdout and stderr are drained concurrently (kube's pipes
/// are small and would otherwise block the exit status).
pub async fn run_script(
    pods: &Api<Pod>,
    namespace: &str,
    pod: &str,
    container: &str,
    shell: &str,
    script: &str,
) -> Result<ExecOutput, AccessError> {
    let ready = String::from_utf8_lossy(READY.strip_suffix(b"\n").unwrap_or(READY)).into_owned();
    let bootstrap = format!("echo {ready}; exec {shell} -s");
    let argv = [shell, "-c", bootstrap.as_str()];
    let params = AttachParams::default()
        .container(container)
        .stdin(true)
        .stdout(true)
        .stderr(true);
    let mut process = pods
        .exec(pod, argv.iter().copied(), &params)
        .await
        .map_err(|e| match &e {
            kube::Error::Api(s) if s.code == 403 => {
                AccessError::Denied(api_message(&e, "create", "pods/exec", namespace))
            }
            _ => AccessError::Failed(api_message(&e, "create", "pods/exec", namespace)),
        })?;
    let mut stdin = process
        .stdin()
        .ok_or_else(|| AccessError::Failed("exec gave no stdin".into()))?;
    let mut stdout = process
        .stdout()
        .ok_or_else(|| AccessError::Failed("exec gave no stdout".into()))?;
    let mut stderr = process
        .stderr()
        .ok_or_else(|| AccessError::Failed("exec gave no stderr".into()))?;
    let status = process.take_status();
    let feed = async move {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while out.len() < READY.len() {
            let n = stdout.read(&mut buf).await?;
            if n == 0 {
                // The shell never started: nothing was written, the status says why.
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
        if !out.starts_with(READY) {
            return Ok(out);
        }
        out.drain(..READY.len());
        let write = async move {
            let _ = stdin.write_all(script.as_bytes()).await;
            let _ = stdin.shutdown().await;
        };
        let (_, read) = tokio::join!(write, stdout.read_to_end(&mut out));
        read.map(|_| out)
    };
    let mut err = Vec::new();
    let (out, r2) = tokio::join!(feed, stderr.read_to_end(&mut err));
    let out = out
        .and_then(|o| r2.map(|_| o))
        .map_err(|e| AccessError::Failed(format!("reading the exec output failed: {e}")))?;
    let status = match status {
        Some(s) => s.await,
        None => None,
    };
    let _ = process.join().await;
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
    Ok(ExecOutput {
        stdout: out,
        stderr: err,
    })
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
            let out = run_script(
                &self.pods,
                &self.namespace,
                &self.pod,
                &self.container,
                "/bin/sh",
                &probe.script,
            )
            .await?;
            let facts = probe.parse(&out.stdout, &out.stderr)?;
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
