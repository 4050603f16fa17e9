//! Debug access: scans a container that has no shell through an ephemeral debug container that
//! shares its PID namespace (`targetContainerName`) and reads its root at `/proc/<pid>/root`.
//!
//! Ephemeral containers can never be removed from a pod, so each one sleeps for a bounded time
//! (`--debug-ttl`) and a still-running one of the same image and identity is reused.

use std::time::Duration;

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::{EphemeralContainer, Pod};
use kube::api::{Api, Patch, PatchParams};
use serde_json::{json, Value};

use super::exec::run_probe;
use super::probe::{Probe, ProbeError, ProbeOptions, ProbeRoot};
use super::{Access, AccessError, Collected};
use crate::engine::facts::ProbePlan;
use crate::kube::api_message;

/// kubectl debug's profiles, plus `auto`: the least privilege that can work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DebugProfile {
    /// Mirror the target's uid/gid with nothing extra (restricted-compatible for non-root
    /// targets, baseline for root ones). When neither the runtime nor the pod spec says the
    /// uid, the debugger runs as its image's user; as root it reads the uid from
    /// `/proc/<pid>/status` and runs the probe as that uid with no capabilities (a second
    /// container mirrors the uid only where it cannot drop in-process)
    #[default]
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

#[derive(Debug, Clone)]
pub struct DebugOptions {
    pub image: String,
    pub pull_policy: String,
    pub ttl: Duration,
    pub profile: DebugProfile,
    /// How long to wait for the debug container to start.
    pub start_timeout: Duration,
}

pub const NAME_PREFIX: &str = "cinc-scan-";
/// kubectl debug's alphabet for generated names (no vowels, no look-alikes).
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The uid/gid the target runs as, when the API says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub uid: i64,
    pub gid: Option<i64>,
}

/// From the runtime-reported user, else the container's, else the pod's security context.
pub fn known_identity(pod: &Pod, container: &str) -> Option<Identity> {
    let reported = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|l| l.iter().find(|c| c.name == container))
        .and_then(|c| c.user.as_ref())
        .and_then(|u| u.linux.as_ref());
    if let Some(l) = reported {
        return Some(Identity {
            uid: l.uid,
            gid: Some(l.gid),
        });
    }
    let spec = pod.spec.as_ref()?;
    let csc = spec
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.security_context.as_ref());
    let psc = spec.security_context.as_ref();
    let uid = csc
        .and_then(|s| s.run_as_user)
        .or_else(|| psc.and_then(|s| s.run_as_user))?;
    let gid = csc
        .and_then(|s| s.run_as_group)
        .or_else(|| psc.and_then(|s| s.run_as_group));
    Some(Identity { uid, gid })
}

/// Whether the pod or container insists on a non-root user.
fn demands_non_root(pod: &Pod, container: &str) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    let csc = spec
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.security_context.as_ref());
    csc.and_then(|s| s.run_as_non_root)
        .or_else(|| {
            spec.security_context
                .as_ref()
                .and_then(|s| s.run_as_non_root)
        })
        .unwrap_or(false)
}

/// Capabilities the target container adds (a root debugger needs them too to pass the
/// kernel's ptrace check: the target's permitted set must be a subset of ours).
fn target_added_caps(pod: &Pod, container: &str) -> Vec<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == container))
        .and_then(|c| c.security_context.as_ref())
        .and_then(|s| s.capabilities.as_ref())
        .and_then(|c| c.add.clone())
        .unwrap_or_default()
}

fn restricted(uid: i64, gid: Option<i64>) -> Value {
    let mut sc = json!({
        "runAsNonRoot": true,
        "runAsUser": uid,
        "allowPrivilegeEscalation": false,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    });
    if let Some(g) = gid {
        sc["runAsGroup"] = json!(g);
    }
    sc
}

/// The security context for the debug container, as JSON (`null` for none).
pub fn security_context(
    profile: DebugProfile,
    pod: &Pod,
    container: &str,
    who: Option<Identity>,
) -> Result<Value, String> {
    let sc = match profile {
        DebugProfile::Baseline => match who {
            Some(id) => json!({"runAsUser": id.uid, "runAsGroup": id.gid}),
            None => Value::Null,
        },
        DebugProfile::General => json!({"runAsUser": 0, "capabilities": {"add": ["SYS_PTRACE"]}}),
        DebugProfile::Sysadmin => json!({"privileged": true}),
        DebugProfile::Restricted => match who {
            Some(Identity { uid: 0, .. }) => {
                return Err(
                    "--debug-profile restricted cannot read a target that runs as root; \
                            use baseline (or auto)"
                        .into(),
                )
            }
            Some(id) => restricted(id.uid, id.gid),
            None => restricted(65534, Some(65534)),
        },
        DebugProfile::Auto => match who {
            Some(Identity { uid: 0, gid }) => {
                let mut sc = json!({"runAsUser": 0});
                if let Some(g) = gid {
                    sc["runAsGroup"] = json!(g);
                }
                let caps = target_added_caps(pod, container);
                if !caps.is_empty() {
                    sc["capabilities"] = json!({"add": caps});
                }
                sc
            }
            Some(id) => restricted(id.uid, id.gid),
            // Unknown uid: the probe learns it from /proc/<pid>/status and drops to it.
            None if demands_non_root(pod, container) => restricted(65534, Some(65534)),
            None => Value::Null,
        },
    };
    Ok(strip_nulls(sc))
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// A new name, unique among all containers of the pod.
pub fn new_name(pod: &Pod) -> String {
    let taken = all_container_names(pod);
    loop {
        let mut bytes = [0u8; 5];
        let _ = getrandom::fill(&mut bytes);
        let suffix: String = bytes
            .iter()
            .map(|b| NAME_ALPHABET[usize::from(*b) % NAME_ALPHABET.len()] as char)
            .collect();
        let name = format!("{NAME_PREFIX}{suffix}");
        if !taken.contains(&name) {
            return name;
        }
    }
}

fn all_container_names(pod: &Pod) -> Vec<String> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    spec.containers
        .iter()
        .map(|c| c.name.clone())
        .chain(
            spec.init_containers
                .iter()
                .flatten()
                .map(|c| c.name.clone()),
        )
        .chain(
            spec.ephemeral_containers
                .iter()
                .flatten()
                .map(|c| c.name.clone()),
        )
        .collect()
}

fn container_id(pod: &Pod, container: &str) -> Option<String> {
    let id = pod
        .status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .iter()
        .find(|c| c.name == container)?
        .container_id
        .clone()?;
    let bare = id
        .split_once("://")
        .map_or(id.as_str(), |(_, rest)| rest)
        .to_string();
    (!bare.is_empty()).then_some(bare)
}

/// Seconds the named ephemeral container still has to live, if it is running.
fn remaining_life(pod: &Pod, name: &str, ttl: Duration) -> Option<i64> {
    let status = pod
        .status
        .as_ref()?
        .ephemeral_container_statuses
        .as_ref()?
        .iter()
        .find(|c| c.name == name)?;
    let started = status
        .state
        .as_ref()?
        .running
        .as_ref()?
        .started_at
        .as_ref()?;
    let age = jiff::Timestamp::now().as_second() - started.0.as_second();
    Some(ttl.as_secs() as i64 - age)
}

/// Running cinc-scan debug containers for this target and image with enough life left for a
/// scan, with their security contexts, newest last.
fn live_debuggers(
    pod: &Pod,
    target: &str,
    image: &str,
    ttl: Duration,
    need: Duration,
) -> Vec<(String, Value)> {
    let Some(ephemeral) = pod
        .spec
        .as_ref()
        .and_then(|s| s.ephemeral_containers.as_ref())
    else {
        return Vec::new();
    };
    ephemeral
        .iter()
        .filter(|e| e.name.starts_with(NAME_PREFIX))
        .filter(|e| e.target_container_name.as_deref() == Some(target))
        .filter(|e| e.image.as_deref() == Some(image))
        .filter(|e| {
            remaining_life(pod, &e.name, ttl).is_some_and(|left| left > need.as_secs() as i64)
        })
        .map(|e| {
            let sc = e
                .security_context
                .as_ref()
                .map(|s| serde_json::to_value(s).unwrap_or_default());
            (e.name.clone(), strip_nulls(sc.unwrap_or(Value::Null)))
        })
        .collect()
}

/// Whether a running cinc-scan debug container for this target and image has life left for
/// a scan: then the target has no shell (it needed one), and exec need not be tried again.
pub fn has_live_debugger(pod: &Pod, target: &str, opts: &DebugOptions, need: Duration) -> bool {
    !live_debuggers(pod, target, &opts.image, opts.ttl, need).is_empty()
}

/// A running cinc-scan debug container for this target, image and security context, with
/// enough life left for a scan.
pub fn reusable(
    pod: &Pod,
    target: &str,
    image: &str,
    sc: &Value,
    ttl: Duration,
    need: Duration,
) -> Option<String> {
    live_debuggers(pod, target, image, ttl, need)
        .into_iter()
        .rev()
        .find(|(_, theirs)| theirs == sc)
        .map(|(n, _)| n)
}

/// A running debug container that an earlier scan gave an explicit uid (learned then).
fn learned_debugger(
    pod: &Pod,
    target: &str,
    image: &str,
    ttl: Duration,
    need: Duration,
) -> Option<String> {
    live_debuggers(pod, target, image, ttl, need)
        .into_iter()
        .rev()
        .find(|(_, sc)| sc.get("runAsUser").is_some_and(|u| u.as_i64() != Some(0)))
        .map(|(n, _)| n)
}

pub struct DebugAccess {
    pub pods: Api<Pod>,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub opts: DebugOptions,
    pub max_output: u64,
    /// How long one probe may take; a reused container must live at least this long.
    pub scan_time: Duration,
    /// The pod as the scan found it (read again only when absent).
    pub known: Option<std::sync::Arc<Pod>>,
}

impl DebugAccess {
    fn patch_error(&self, e: &kube::Error) -> AccessError {
        match e {
            kube::Error::Api(s) if s.code == 404 && s.details.as_ref().is_none_or(|d| d.name.is_empty()) => {
                AccessError::Failed(
                    "the cluster has ephemeral containers disabled (the pods/ephemeralcontainers \
                     subresource is missing); a distroless container cannot be scanned here — \
                     enable them or use the sidecar approach"
                        .into(),
                )
            }
            kube::Error::Api(s) if s.message.contains("PodSecurity") || s.message.contains("violates") => {
                AccessError::Denied(format!(
                    "Pod Security admission rejected the debug container: {}; choose a --debug-profile \
                     the namespace allows (restricted needs a non-root target), or ask for an exemption",
                    s.message
                ))
            }
            kube::Error::Api(s) if s.code == 403 => {
                AccessError::Denied(api_message(e, "patch", "pods/ephemeralcontainers", &self.namespace))
            }
            other => AccessError::Failed(api_message(other, "patch", "pods/ephemeralcontainers", &self.namespace)),
        }
    }

    /// Add a debug container and wait until it runs.
    /// Add a debug container, wait until it runs, and return it with the pod as last seen.
    async fn create(&self, pod: &Pod, sc: &Value) -> Result<(String, Pod), AccessError> {
        let name = new_name(pod);
        let mut ec = json!({
            "name": name,
            "image": self.opts.image,
            "imagePullPolicy": self.opts.pull_policy,
            "command": ["sleep", self.opts.ttl.as_secs().to_string()],
            "targetContainerName": self.container,
            "stdin": false,
            "tty": false,
            "terminationMessagePolicy": "File",
        });
        if !sc.is_null() {
            ec["securityContext"] = sc.clone();
        }
        // Validate the shape against the typed model before sending it.
        let _: EphemeralContainer = serde_json::from_value(ec.clone())
            .map_err(|e| AccessError::Failed(format!("internal: bad ephemeral container: {e}")))?;
        let patch = json!({"spec": {"ephemeralContainers": [ec]}});
        let patched = self
            .pods
            .patch_ephemeral_containers(
                &self.pod,
                &PatchParams::default(),
                &Patch::Strategic(patch),
            )
            .await
            .map_err(|e| self.patch_error(&e))?;
        let seen = self.wait_running(&name, patched).await?;
        Ok((name, seen))
    }

    /// Whether the debug container runs (`true`), still starts (`false`, with `last` saying
    /// how far), or cannot start (an error).
    fn started(&self, pod: &Pod, name: &str, last: &mut String) -> Result<bool, AccessError> {
        let status = pod
            .status
            .as_ref()
            .and_then(|s| s.ephemeral_container_statuses.as_ref())
            .and_then(|l| l.iter().find(|c| c.name == name));
        let Some(state) = status.and_then(|s| s.state.as_ref()) else {
            return Ok(false);
        };
        if state.running.is_some() {
            return Ok(true);
        }
        if let Some(t) = &state.terminated {
            return Err(AccessError::Failed(format!(
                "debug container {name} exited ({}, exit code {}): {}",
                t.reason.clone().unwrap_or_default(),
                t.exit_code,
                t.message.clone().unwrap_or_default()
            )));
        }
        if let Some(w) = &state.waiting {
            let reason = w.reason.clone().unwrap_or_default();
            let message = w.message.clone().unwrap_or_default();
            *last = format!("waiting: {reason} {message}").trim().to_string();
            let fatal = [
                "ErrImagePull",
                "ImagePullBackOff",
                "ErrImageNeverPull",
                "InvalidImageName",
                "CreateContainerConfigError",
                "CreateContainerError",
                "RunContainerError",
            ];
            if fatal.contains(&reason.as_str()) {
                let hint = if reason.contains("Image") {
                    format!("; check --debug-image {} (mirror it for air-gapped clusters) and --debug-pull-policy", self.opts.image)
                } else {
                    String::new()
                };
                return Err(AccessError::Failed(format!(
                    "debug container {name} cannot start ({last}){hint}"
                )));
            }
        }
        Ok(false)
    }

    /// Wait until the debug container runs: one watch of the pod from the version the patch
    /// returned (a GET only when the server ends the watch early), never a poll.
    async fn wait_running(&self, name: &str, patched: Pod) -> Result<Pod, AccessError> {
        use futures::StreamExt;
        use kube::api::{WatchEvent, WatchParams};
        let deadline = tokio::time::Instant::now() + self.opts.start_timeout;
        let timed_out = |last: &str| {
            AccessError::Failed(format!(
                "debug container {name} did not start within {}s ({last})",
                self.opts.start_timeout.as_secs()
            ))
        };
        let mut last = String::from("no status yet");
        let mut pod = patched;
        let mut can_watch = true;
        loop {
            if self.started(&pod, name, &mut last)? {
                return Ok(pod);
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(timed_out(&last));
            }
            let version = pod.metadata.resource_version.clone().unwrap_or_default();
            let params = WatchParams::default()
                .fields(&format!("metadata.name={}", self.pod))
                .timeout(left.as_secs().clamp(1, 290) as u32);
            if !can_watch {
                // Without `watch` on pods (the Role `rbac` prints does not need it): poll.
                tokio::time::sleep_until(
                    deadline.min(tokio::time::Instant::now() + Duration::from_millis(500)),
                )
                .await;
                pod = self.pods.get(&self.pod).await.map_err(|e| {
                    AccessError::Failed(api_message(&e, "get", "pods", &self.namespace))
                })?;
                continue;
            }
            let watched = tokio::time::timeout_at(deadline, async {
                let mut events = match self.pods.watch(&params, &version).await {
                    Ok(events) => events.boxed(),
                    Err(e) => {
                        if matches!(&e, kube::Error::Api(s) if s.code == 403) {
                            can_watch = false;
                        }
                        return None;
                    }
                };
                while let Some(event) = events.next().await {
                    match event {
                        Ok(WatchEvent::Added(p) | WatchEvent::Modified(p)) => {
                            let ready = self.started(&p, name, &mut last);
                            pod = p;
                            match ready {
                                Ok(false) => {}
                                done => return Some(done),
                            }
                        }
                        Ok(WatchEvent::Deleted(_)) => {
                            return Some(Err(AccessError::Failed(format!(
                                "pod {} was deleted while debug container {name} started",
                                self.pod
                            ))))
                        }
                        Ok(WatchEvent::Bookmark(_)) => {}
                        // Expired version or a broken stream: read the pod again.
                        Ok(WatchEvent::Error(_)) | Err(_) => return None,
                    }
                }
                None
            })
            .await;
            match watched {
                Err(_) => return Err(timed_out(&last)),
                Ok(Some(done)) => return done.map(|_| pod),
                Ok(None) if !can_watch => {}
                Ok(None) => {
                    // The watch ended without an answer: read the pod again, after a pause
                    // so that a failing watch is never retried in a tight loop.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    pod = self.pods.get(&self.pod).await.map_err(|e| {
                        AccessError::Failed(api_message(&e, "get", "pods", &self.namespace))
                    })?;
                }
            }
        }
    }

    /// Reuse a suitable debug container or add one: its name, whether it is new, and the pod
    /// as last seen (with the new container in its spec).
    async fn debugger(&self, pod: &Pod, sc: &Value) -> Result<(String, bool, Pod), AccessError> {
        if let Some(name) = reusable(
            pod,
            &self.container,
            &self.opts.image,
            sc,
            self.opts.ttl,
            self.scan_time,
        ) {
            return Ok((name, false, pod.clone()));
        }
        let (name, seen) = self.create(pod, sc).await?;
        Ok((name, true, seen))
    }

    async fn probe_through(
        &self,
        debugger: &str,
        plan: &ProbePlan,
        cid: Option<String>,
    ) -> Result<crate::engine::facts::Facts, AccessError> {
        let opts = ProbeOptions {
            root: ProbeRoot::TargetProcess { container_id: cid },
            run_commands: false,
            max_output: self.max_output,
        };
        let probe = Probe::build(plan, &opts);
        run_probe(
            &self.pods,
            &self.namespace,
            &self.pod,
            debugger,
            "sh",
            &probe,
            None,
        )
        .await
        .map_err(|e| match e {
            AccessError::NoShell { message } => AccessError::Failed(format!(
                "the debug image {} has no sh ({message}); use a busybox-based --debug-image",
                self.opts.image
            )),
            other => other,
        })
    }
}

fn describe(name: &str, created: bool, facts: &crate::engine::facts::Facts) -> String {
    let how = if created { "created" } else { "reused" };
    let mut s = format!("debug container {name} ({how})");
    if let Some(p) = facts.target_pid {
        s.push_str(&format!(", target pid {p}"));
    }
    if let Some((uid, gid)) = facts.read_as {
        s.push_str(&format!(
            ", read as uid {uid} gid {gid} (dropped from root)"
        ));
    }
    s
}

impl Access for DebugAccess {
    fn method(&self) -> super::AccessMethod {
        super::AccessMethod::Debug
    }

    fn gather<'a>(&'a self, plan: &'a ProbePlan) -> BoxFuture<'a, Result<Collected, AccessError>> {
        Box::pin(async move {
            let fetched;
            let pod: &Pod = match &self.known {
                Some(pod) => pod,
                None => {
                    fetched = self.pods.get(&self.pod).await.map_err(|e| {
                        AccessError::Failed(api_message(&e, "get", "pods", &self.namespace))
                    })?;
                    &fetched
                }
            };
            let cid = container_id(pod, &self.container);
            let who = known_identity(pod, &self.container);
            let auto_unknown = self.opts.profile == DebugProfile::Auto && who.is_none();
            if auto_unknown {
                // An earlier scan learned the uid and left a container with it: try that first.
                if let Some(name) = learned_debugger(
                    pod,
                    &self.container,
                    &self.opts.image,
                    self.opts.ttl,
                    self.scan_time,
                ) {
                    match self.probe_through(&name, plan, cid.clone()).await {
                        Ok(facts) => {
                            let detail = format!(
                                "{}; uid learned by an earlier scan",
                                describe(&name, false, &facts)
                            );
                            return Ok(Collected {
                                facts,
                                detail: Some(detail),
                            });
                        }
                        Err(AccessError::Probe(ProbeError::TargetDenied { .. })) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            let sc = security_context(self.opts.profile, pod, &self.container, who)
                .map_err(AccessError::Failed)?;
            let (name, created, seen) = self.debugger(pod, &sc).await?;
            match self.probe_through(&name, plan, cid.clone()).await {
                Ok(facts) => {
                    let detail = describe(&name, created, &facts);
                    Ok(Collected {
                        facts,
                        detail: Some(detail),
                    })
                }
                // auto with an unknown uid: now we know it; mirror it in a second container.
                Err(AccessError::Probe(ProbeError::TargetDenied {
                    uid: Some(uid),
                    gid,
                    pid,
                })) if auto_unknown => {
                    let learned = Identity {
                        uid: i64::from(uid),
                        gid: gid.map(i64::from),
                    };
                    // The pod as the wait last saw it: fresh, with the first container.
                    let pod = seen;
                    let sc =
                        security_context(DebugProfile::Auto, &pod, &self.container, Some(learned))
                            .map_err(AccessError::Failed)?;
                    let (second, created2, _) = self.debugger(&pod, &sc).await?;
                    let facts = self
                        .probe_through(&second, plan, cid)
                        .await
                        .map_err(|e| explain_denied(e, &sc))?;
                    let detail = format!(
                        "{}; learned uid {uid} from /proc/{pid}/status via {name}",
                        describe(&second, created2, &facts)
                    );
                    Ok(Collected {
                        facts,
                        detail: Some(detail),
                    })
                }
                Err(e) => Err(explain_denied(e, &sc)),
            }
        })
    }
}

/// Permission denied on /proc/<pid>/root: say which uid and capabilities would work.
fn explain_denied(e: AccessError, sc: &Value) -> AccessError {
    match e {
        AccessError::Probe(ProbeError::TargetDenied { pid, uid, .. }) => {
            let ours = sc
                .get("runAsUser")
                .map_or("the image's user".to_string(), |u| format!("uid {u}"));
            let theirs = uid.map_or("an unknown uid".to_string(), |u| format!("uid {u}"));
            AccessError::Denied(format!(
                "the debug container ({ours}) may not read /proc/{pid}/root of the target ({theirs}): \
                 the kernel allows it to the same uid with no fewer capabilities, or with CAP_SYS_PTRACE; \
                 use --debug-profile auto, or general where Pod Security allows SYS_PTRACE"
            ))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(v: Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn identity_from_status_then_container_then_pod() {
        let p = pod(
            json!({"spec": {"securityContext": {"runAsUser": 1000, "runAsGroup": 1000},
            "containers": [{"name": "app"}, {"name": "b", "securityContext": {"runAsUser": 7}}]}}),
        );
        assert_eq!(
            known_identity(&p, "app"),
            Some(Identity {
                uid: 1000,
                gid: Some(1000)
            })
        );
        assert_eq!(
            known_identity(&p, "b"),
            Some(Identity {
                uid: 7,
                gid: Some(1000)
            })
        );
        let none = pod(json!({"spec": {"containers": [{"name": "app"}]}}));
        assert_eq!(known_identity(&none, "app"), None);
        let reported = pod(
            json!({"spec": {"containers": [{"name": "app"}]}, "status": {"containerStatuses": [
            {"name": "app", "ready": true, "restartCount": 0, "image": "i", "imageID": "",
             "user": {"linux": {"uid": 65532, "gid": 65532}}}]}}),
        );
        assert_eq!(
            known_identity(&reported, "app"),
            Some(Identity {
                uid: 65532,
                gid: Some(65532)
            })
        );
    }

    #[test]
    fn auto_picks_the_least_privilege_that_can_work() {
        let p = pod(
            json!({"spec": {"containers": [{"name": "app", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}]}}),
        );
        let nonroot = security_context(
            DebugProfile::Auto,
            &p,
            "app",
            Some(Identity {
                uid: 1000,
                gid: None,
            }),
        )
        .unwrap();
        assert_eq!(nonroot["runAsUser"], 1000);
        assert_eq!(nonroot["capabilities"]["drop"], json!(["ALL"]));
        assert_eq!(nonroot["runAsNonRoot"], true);
        let root = security_context(
            DebugProfile::Auto,
            &p,
            "app",
            Some(Identity { uid: 0, gid: None }),
        )
        .unwrap();
        assert_eq!(
            root,
            json!({"runAsUser": 0, "capabilities": {"add": ["NET_ADMIN"]}})
        );
        assert_eq!(
            security_context(DebugProfile::Auto, &p, "app", None).unwrap(),
            Value::Null
        );
        let demanding = pod(
            json!({"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app"}]}}),
        );
        assert_eq!(
            security_context(DebugProfile::Auto, &demanding, "app", None).unwrap()["runAsUser"],
            65534
        );
        assert!(security_context(
            DebugProfile::Restricted,
            &p,
            "app",
            Some(Identity { uid: 0, gid: None })
        )
        .is_err());
    }

    #[test]
    fn names_are_unique_and_look_like_kubectls() {
        let p = pod(json!({"spec": {"containers": [{"name": "app"}]}}));
        let n = new_name(&p);
        assert!(n.starts_with(NAME_PREFIX) && n.len() == NAME_PREFIX.len() + 5);
        assert!(n[NAME_PREFIX.len()..]
            .bytes()
            .all(|b| NAME_ALPHABET.contains(&b)));
    }

    #[test]
    fn reuse_needs_same_target_image_identity_and_life_left() {
        let started = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_secs(60))
            .unwrap();
        let sc = restricted(1000, None);
        let p = pod(json!({
            "spec": {"containers": [{"name": "app"}], "ephemeralContainers": [
                {"name": "cinc-scan-aaaaa", "image": "busybox", "targetContainerName": "app", "securityContext": sc},
                {"name": "debugger-x", "image": "busybox", "targetContainerName": "app"}]},
            "status": {"ephemeralContainerStatuses": [
                {"name": "cinc-scan-aaaaa", "ready": false, "restartCount": 0, "image": "busybox", "imageID": "",
                 "state": {"running": {"startedAt": started.to_string()}}}]}
        }));
        let ttl = Duration::from_secs(600);
        let need = Duration::from_secs(120);
        assert_eq!(
            reusable(&p, "app", "busybox", &sc, ttl, need).as_deref(),
            Some("cinc-scan-aaaaa")
        );
        assert_eq!(reusable(&p, "other", "busybox", &sc, ttl, need), None);
        let opts = |image: &str, ttl| DebugOptions {
            image: image.into(),
            pull_policy: "Never".into(),
            ttl,
            profile: DebugProfile::Auto,
            start_timeout: Duration::from_secs(30),
        };
        assert!(has_live_debugger(&p, "app", &opts("busybox", ttl), need));
        assert!(!has_live_debugger(&p, "other", &opts("busybox", ttl), need));
        assert!(!has_live_debugger(&p, "app", &opts("alpine", ttl), need));
        assert!(!has_live_debugger(
            &p,
            "app",
            &opts("busybox", Duration::from_secs(100)),
            need
        ));
        assert_eq!(reusable(&p, "app", "alpine", &sc, ttl, need), None);
        assert_eq!(
            reusable(&p, "app", "busybox", &restricted(2000, None), ttl, need),
            None
        );
        assert_eq!(
            reusable(&p, "app", "busybox", &sc, Duration::from_secs(100), need),
            None
        );
    }
}
