//! The objects of a scheduled scan, typed (k8s-openapi): ServiceAccount, least-privilege
//! Roles (or a ClusterRole), bindings, and an Indexed Job or a CronJob around it.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{
    CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec, PodFailurePolicy,
    PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyRule,
};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, PodSecurityContext, PodSpec, PodTemplateSpec, ResourceRequirements,
    SeccompProfile, SecretVolumeSource, SecurityContext, ServiceAccount, Volume, VolumeMount,
};
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    COMPONENT_SCANNER, CONTAINER_NAME, LABEL_COMPONENT, LABEL_JOB, LABEL_MANAGED_BY, LABEL_NAME,
    MANAGED_BY, SCANNER_UID,
};

/// Which pods the shards may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    AllNamespaces,
    Namespaces(Vec<String>),
}

/// Everything the objects are made from (validated by the caller).
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub namespace: String,
    pub scope: Scope,
    pub shards: u32,
    pub parallelism: u32,
    pub retries_per_shard: i32,
    pub deadline_seconds: i64,
    pub schedule: Option<String>,
    pub time_zone: Option<String>,
    pub starting_deadline_seconds: i64,
    pub image: String,
    pub image_pull_policy: String,
    /// Arguments of `kubectl-cinc_scan job run` (after the binary).
    pub args: Vec<String>,
    /// Whether the shards may add debug containers (patch pods/ephemeralcontainers).
    pub debug: bool,
    pub post_token_secret: Option<String>,
}

/// The objects, in the order they are applied.
#[derive(Debug, Clone, Default)]
pub struct Objects {
    pub service_account: ServiceAccount,
    pub roles: Vec<Role>,
    pub role_bindings: Vec<RoleBinding>,
    pub cluster_role: Option<ClusterRole>,
    pub cluster_role_binding: Option<ClusterRoleBinding>,
    pub job: Option<Job>,
    pub cron_job: Option<CronJob>,
}

/// Where the bearer token for --post-results is mounted in the scanner.
pub const POST_TOKEN_DIR: &str = "/var/run/secrets/cinc-scan/post-token";

pub fn labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (LABEL_MANAGED_BY.to_string(), MANAGED_BY.to_string()),
        (LABEL_NAME.to_string(), "cinc-scan".to_string()),
        (LABEL_COMPONENT.to_string(), COMPONENT_SCANNER.to_string()),
        (LABEL_JOB.to_string(), name.to_string()),
    ])
}

fn meta(name: &str, namespace: Option<&str>, job: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: Some(labels(job)),
        ..Default::default()
    }
}

/// The name of the cluster-scoped role and binding (unique per Job namespace and name).
pub fn cluster_role_name(namespace: &str, name: &str) -> String {
    format!("cinc-scan-job:{namespace}:{name}")
}

/// What a shard may do: the access methods' declared permissions (finding targets, exec and,
/// for distroless targets, the ephemeral debug container) — the same rules as
/// `kubectl cinc-scan rbac`.
pub fn rules(debug: bool) -> Vec<PolicyRule> {
    crate::rbac::rules(&crate::rbac::scan_permissions(debug))
}

fn subject(plan: &Plan) -> Subject {
    Subject {
        kind: "ServiceAccount".into(),
        name: plan.name.clone(),
        namespace: Some(plan.namespace.clone()),
        ..Default::default()
    }
}

fn pod_template(plan: &Plan) -> PodTemplateSpec {
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    if let Some(secret) = &plan.post_token_secret {
        volumes.push(Volume {
            name: "post-token".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.clone()),
                default_mode: Some(0o400),
                ..Default::default()
            }),
            ..Default::default()
        });
        mounts.push(VolumeMount {
            name: "post-token".into(),
            mount_path: POST_TOKEN_DIR.into(),
            read_only: Some(true),
            ..Default::default()
        });
    }
    let container = Container {
        name: CONTAINER_NAME.into(),
        image: Some(plan.image.clone()),
        image_pull_policy: Some(plan.image_pull_policy.clone()),
        command: Some(vec!["/kubectl-cinc_scan".into()]),
        args: Some(plan.args.clone()),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                ..Default::default()
            }),
            ..Default::default()
        }),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_string(), Quantity("100m".into())),
                ("memory".to_string(), Quantity("64Mi".into())),
            ])),
            limits: Some(BTreeMap::from([(
                "memory".to_string(),
                Quantity("512Mi".into()),
            )])),
            ..Default::default()
        }),
        termination_message_path: Some("/dev/termination-log".into()),
        termination_message_policy: Some("File".into()),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Default::default()
    };
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels(&plan.name)),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            service_account_name: Some(plan.name.clone()),
            automount_service_account_token: Some(true),
            restart_policy: Some("Never".into()),
            enable_service_links: Some(false),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(SCANNER_UID),
                run_as_group: Some(SCANNER_UID),
                seccomp_profile: Some(SeccompProfile {
                    type_: "RuntimeDefault".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            containers: vec![container],
            volumes: (!volumes.is_empty()).then_some(volumes),
            ..Default::default()
        }),
    }
}

fn job_spec(plan: &Plan) -> JobSpec {
    JobSpec {
        completion_mode: Some("Indexed".into()),
        completions: Some(plan.shards as i32),
        parallelism: Some(plan.parallelism.min(plan.shards) as i32),
        backoff_limit_per_index: Some(plan.retries_per_shard),
        active_deadline_seconds: Some(plan.deadline_seconds),
        // exit code 2 is a usage error: the same arguments fail again, do not retry the index
        pod_failure_policy: Some(PodFailurePolicy {
            rules: vec![PodFailurePolicyRule {
                action: "FailIndex".into(),
                on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                    container_name: Some(CONTAINER_NAME.into()),
                    operator: "In".into(),
                    values: vec![crate::exit::USAGE],
                }),
                ..Default::default()
            }],
        }),
        template: pod_template(plan),
        ..Default::default()
    }
}

pub fn build(plan: &Plan) -> Objects {
    let mut o = Objects {
        service_account: ServiceAccount {
            metadata: meta(&plan.name, Some(&plan.namespace), &plan.name),
            automount_service_account_token: Some(false),
            ..Default::default()
        },
        ..Default::default()
    };
    let rules = rules(plan.debug);
    match &plan.scope {
        Scope::AllNamespaces => {
            let name = cluster_role_name(&plan.namespace, &plan.name);
            o.cluster_role = Some(ClusterRole {
                metadata: meta(&name, None, &plan.name),
                rules: Some(rules),
                ..Default::default()
            });
            o.cluster_role_binding = Some(ClusterRoleBinding {
                metadata: meta(&name, None, &plan.name),
                role_ref: RoleRef {
                    api_group: "rbac.authorization.k8s.io".into(),
                    kind: "ClusterRole".into(),
                    name,
                },
                subjects: Some(vec![subject(plan)]),
            });
        }
        Scope::Namespaces(list) => {
            for ns in list {
                o.roles.push(Role {
                    metadata: meta(&plan.name, Some(ns), &plan.name),
                    rules: Some(rules.clone()),
                });
                o.role_bindings.push(RoleBinding {
                    metadata: meta(&plan.name, Some(ns), &plan.name),
                    role_ref: RoleRef {
                        api_group: "rbac.authorization.k8s.io".into(),
                        kind: "Role".into(),
                        name: plan.name.clone(),
                    },
                    subjects: Some(vec![subject(plan)]),
                });
            }
        }
    }
    let spec = job_spec(plan);
    match &plan.schedule {
        None => {
            o.job = Some(Job {
                metadata: meta(&plan.name, Some(&plan.namespace), &plan.name),
                spec: Some(spec),
                ..Default::default()
            })
        }
        Some(schedule) => {
            o.cron_job = Some(CronJob {
                metadata: meta(&plan.name, Some(&plan.namespace), &plan.name),
                spec: Some(CronJobSpec {
                    schedule: schedule.clone(),
                    time_zone: plan.time_zone.clone(),
                    concurrency_policy: Some("Forbid".into()),
                    starting_deadline_seconds: Some(plan.starting_deadline_seconds),
                    successful_jobs_history_limit: Some(3),
                    failed_jobs_history_limit: Some(1),
                    job_template: JobTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(labels(&plan.name)),
                            ..Default::default()
                        }),
                        spec: Some(spec),
                    },
                    ..Default::default()
                }),
                ..Default::default()
            })
        }
    }
    o
}

fn yaml<T: serde::Serialize>(out: &mut String, v: &T) -> Result<(), String> {
    out.push_str("---\n");
    let text = serde_saphyr::to_string(v).map_err(|e| format!("cannot render YAML: {e}"))?;
    out.push_str(&text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    Ok(())
}

/// Every object as YAML documents, with a header saying how to apply and remove them.
pub fn to_yaml(plan: &Plan, o: &Objects) -> Result<String, String> {
    let kind = if o.cron_job.is_some() {
        "CronJob"
    } else {
        "Job"
    };
    let mut out = format!(
        "# A sharded in-cluster scan by kubectl cinc-scan {version}: {kind} {ns}/{name}, {shards} shard(s).\n\
         # Apply:   kubectl apply -f FILE   (or: kubectl cinc-scan job {name} -n {ns} ... --apply)\n\
         # Results: kubectl cinc-scan job results {name} -n {ns}\n\
         # Remove:  kubectl cinc-scan job delete {name} -n {ns}\n",
        version = env!("CARGO_PKG_VERSION"),
        ns = plan.namespace,
        name = plan.name,
        shards = plan.shards,
    );
    yaml(&mut out, &o.service_account)?;
    for r in &o.roles {
        yaml(&mut out, r)?;
    }
    for b in &o.role_bindings {
        yaml(&mut out, b)?;
    }
    if let Some(r) = &o.cluster_role {
        yaml(&mut out, r)?;
    }
    if let Some(b) = &o.cluster_role_binding {
        yaml(&mut out, b)?;
    }
    if let Some(j) = &o.job {
        yaml(&mut out, j)?;
    }
    if let Some(c) = &o.cron_job {
        yaml(&mut out, c)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            name: "nightly".into(),
            namespace: "scans".into(),
            scope: Scope::Namespaces(vec!["shop".into(), "web".into()]),
            shards: 4,
            parallelism: 4,
            retries_per_shard: 2,
            deadline_seconds: 3600,
            schedule: None,
            time_zone: None,
            starting_deadline_seconds: 300,
            image: "localhost/cinc-scan-scanner:dev".into(),
            image_pull_policy: "IfNotPresent".into(),
            args: vec!["job".into(), "run".into(), "--shards".into(), "4".into()],
            debug: true,
            post_token_secret: None,
        }
    }

    #[test]
    fn an_indexed_job_with_roles_per_namespace() {
        let o = build(&plan());
        assert_eq!(o.roles.len(), 2);
        assert_eq!(o.role_bindings.len(), 2);
        assert!(o.cluster_role.is_none() && o.cron_job.is_none());
        let job = o.job.as_ref().unwrap();
        let spec = job.spec.as_ref().unwrap();
        assert_eq!(spec.completion_mode.as_deref(), Some("Indexed"));
        assert_eq!((spec.completions, spec.parallelism), (Some(4), Some(4)));
        assert_eq!(spec.backoff_limit_per_index, Some(2));
        assert_eq!(spec.active_deadline_seconds, Some(3600));
        let pod = spec.template.spec.as_ref().unwrap();
        assert_eq!(pod.restart_policy.as_deref(), Some("Never"));
        let sc = pod.containers[0].security_context.as_ref().unwrap();
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        assert_eq!(
            sc.capabilities.as_ref().unwrap().drop.as_deref(),
            Some(&["ALL".to_string()][..])
        );
        let psc = pod.security_context.as_ref().unwrap();
        assert_eq!(psc.run_as_non_root, Some(true));
        assert_eq!(
            psc.seccomp_profile.as_ref().unwrap().type_,
            "RuntimeDefault"
        );
        for l in [
            &job.metadata.labels,
            &o.roles[1].metadata.labels,
            &spec.template.metadata.as_ref().unwrap().labels,
        ] {
            let l = l.as_ref().unwrap();
            assert_eq!(l[LABEL_MANAGED_BY], MANAGED_BY);
            assert_eq!(l[LABEL_JOB], "nightly");
        }
        let yaml = to_yaml(&plan(), &o).unwrap();
        assert_eq!(yaml.matches("\n---\n").count(), 6, "{yaml}");
        assert!(yaml.contains("completionMode: Indexed"), "{yaml}");
        assert!(yaml.contains("backoffLimitPerIndex: 2"), "{yaml}");
    }

    #[test]
    fn all_namespaces_is_a_cluster_role_and_a_schedule_a_forbidding_cron_job() {
        let mut p = plan();
        p.scope = Scope::AllNamespaces;
        p.schedule = Some("*/5 * * * *".into());
        p.debug = false;
        let o = build(&p);
        assert!(o.roles.is_empty() && o.job.is_none());
        let cr = o.cluster_role.as_ref().unwrap();
        assert_eq!(
            cr.metadata.name.as_deref(),
            Some("cinc-scan-job:scans:nightly")
        );
        let rules = cr.rules.as_ref().unwrap();
        assert!(rules
            .iter()
            .all(|r| r.resources.as_ref().unwrap()[0] != "pods/ephemeralcontainers"));
        assert!(rules.iter().all(|r| !r
            .verbs
            .iter()
            .any(|v| v == "*" || v == "delete" || v == "update")));
        let cron = o.cron_job.as_ref().unwrap().spec.as_ref().unwrap();
        assert_eq!(cron.concurrency_policy.as_deref(), Some("Forbid"));
        assert_eq!(cron.starting_deadline_seconds, Some(300));
        assert_eq!(
            (
                cron.successful_jobs_history_limit,
                cron.failed_jobs_history_limit
            ),
            (Some(3), Some(1))
        );
    }
}
