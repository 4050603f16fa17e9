//! Least privilege: the Role a scan needs (from the access methods' declared permissions),
//! and kubeconfigs with short-lived tokens.

use std::collections::BTreeMap;

use base64::Engine as _;
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

use crate::access::plan::{self, AccessMethod, Permission};
pub use crate::kube::config::{pem, ClusterAccess};

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// RBAC rules for `permissions`: one rule per (sub)resource, verbs sorted.
pub fn rules(permissions: &[Permission]) -> Vec<PolicyRule> {
    let mut by_resource: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in permissions {
        let verbs = by_resource.entry(p.resource_name()).or_default();
        if !verbs.iter().any(|v| v == p.verb) {
            verbs.push(p.verb.to_string());
        }
    }
    by_resource
        .into_iter()
        .map(|(resource, mut verbs)| {
            verbs.sort();
            PolicyRule {
                api_groups: Some(vec![String::new()]),
                resources: Some(vec![resource]),
                verbs,
                ..Default::default()
            }
        })
        .collect()
}

/// What a scan may do, and nothing more: finding targets, then exec (and, with `debug`, the
/// ephemeral debug container).
pub fn scan_permissions(debug: bool) -> Vec<Permission> {
    let methods: &[AccessMethod] = if debug {
        &[AccessMethod::Exec, AccessMethod::Debug]
    } else {
        &[AccessMethod::Exec]
    };
    let mut all = plan::permissions(methods);
    all.extend_from_slice(plan::TARGET_PERMISSIONS);
    all
}

fn labelled(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: Some(BTreeMap::from([(
            "app.kubernetes.io/managed-by".to_string(),
            "kubectl-cinc-scan".to_string(),
        )])),
        ..Default::default()
    }
}

/// Targets like `deploy/web`, `cronjob/nightly` and `-f` manifests: read the workload, then
/// list what leads to its pods (ReplicaSets, Jobs); one rule per API group, read-only.
pub fn workload_rules() -> Vec<PolicyRule> {
    use crate::kube::targets::Kind;
    let mut by_group: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Pod) {
        by_group
            .entry(kind.group())
            .or_default()
            .push(kind.plural().to_string());
    }
    by_group
        .into_iter()
        .map(|(group, resources)| PolicyRule {
            api_groups: Some(vec![group.to_string()]),
            resources: Some(resources),
            verbs: vec!["get".into(), "list".into()],
            ..Default::default()
        })
        .collect()
}

/// A ServiceAccount, a Role (ClusterRole when `cluster_wide`) and its binding, as YAML that
/// `kubectl apply -f -` takes.
pub fn manifest(namespace: &str, service_account: &str, cluster_wide: bool, debug: bool) -> String {
    let scope = if cluster_wide {
        "every namespace".to_string()
    } else {
        format!("namespace {namespace}")
    };
    let mut rules = rules(&scan_permissions(debug));
    rules.extend(workload_rules());
    let sa = ServiceAccount {
        metadata: labelled(service_account, Some(namespace)),
        ..Default::default()
    };
    let binding_name = format!("cinc-scan-{service_account}");
    let subjects = Some(vec![Subject {
        kind: "ServiceAccount".into(),
        name: service_account.to_string(),
        namespace: Some(namespace.to_string()),
        ..Default::default()
    }]);
    let role_ref = |kind: &str| RoleRef {
        api_group: "rbac.authorization.k8s.io".into(),
        kind: kind.into(),
        name: "cinc-scan".into(),
    };
    let docs = if cluster_wide {
        [
            yaml(&sa),
            yaml(&ClusterRole {
                metadata: labelled("cinc-scan", None),
                rules: Some(rules),
                ..Default::default()
            }),
            yaml(&ClusterRoleBinding {
                metadata: labelled(&binding_name, None),
                role_ref: role_ref("ClusterRole"),
                subjects,
            }),
        ]
    } else {
        [
            yaml(&sa),
            yaml(&Role {
                metadata: labelled("cinc-scan", Some(namespace)),
                rules: Some(rules),
            }),
            yaml(&RoleBinding {
                metadata: labelled(&binding_name, Some(namespace)),
                role_ref: role_ref("Role"),
                subjects,
            }),
        ]
    };
    format!(
        "# Least privilege for `kubectl cinc-scan` in {scope} (cinc-scan {version}).\n\
         # Apply: kubectl cinc-scan rbac ... | kubectl apply -f -\n{}",
        docs.join("---\n"),
        version = env!("CARGO_PKG_VERSION"),
    )
}

fn yaml<T: serde::Serialize>(object: &T) -> String {
    serde_saphyr::to_string(object).unwrap_or_default()
}

/// A kubeconfig (JSON, which kubectl reads like YAML) that authenticates with `token`.
pub fn kubeconfig(
    cluster: &ClusterAccess,
    namespace: &str,
    service_account: &str,
    token: &str,
) -> String {
    let mut c = json!({"server": cluster.server});
    if let Some(ca) = &cluster.ca_pem {
        c["certificate-authority-data"] = json!(base64(ca.as_bytes()));
    }
    if let Some(name) = &cluster.tls_server_name {
        c["tls-server-name"] = json!(name);
    }
    if cluster.insecure {
        c["insecure-skip-tls-verify"] = json!(true);
    }
    let user = format!("{service_account}@{namespace}");
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "cinc-scan", "cluster": c}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": "cinc-scan", "context": {"cluster": "cinc-scan", "user": user, "namespace": namespace}}],
        "current-context": "cinc-scan",
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
    }

    #[test]
    fn role_has_exactly_the_verbs_a_scan_uses() {
        let m = manifest("shop", "scanner", false, true);
        let docs: Vec<serde_json::Value> = m
            .split("---\n")
            .map(|d| serde_saphyr::from_str(d).unwrap())
            .collect();
        assert_eq!(docs[1]["kind"], "Role");
        assert_eq!(docs[1]["metadata"]["namespace"], "shop");
        let rules: Vec<(String, Vec<String>)> = docs[1]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|r| {
                let verbs = r["verbs"].as_array().unwrap();
                (
                    r["resources"][0].as_str().unwrap().to_string(),
                    verbs
                        .iter()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect(),
                )
            })
            .collect();
        let want = |r: &str, v: &[&str]| {
            (
                r.to_string(),
                v.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            rules,
            [
                want("pods", &["get", "list"]),
                want("pods/ephemeralcontainers", &["patch"]),
                want("pods/exec", &["create", "get"]),
            ]
        );
        assert_eq!(docs[2]["subjects"][0]["name"], "scanner");
        assert!(!m.contains("delete") && !m.contains("secrets") && !m.contains('*'));
        // Workload targets: read-only, and every kind a target can name, in its API group.
        let groups: Vec<(String, Vec<String>, Vec<String>)> = docs[1]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .skip(3)
            .map(|r| {
                let strings = |v: &serde_json::Value| -> Vec<String> {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap().to_string())
                        .collect()
                };
                (
                    strings(&r["apiGroups"])[0].clone(),
                    strings(&r["resources"]),
                    strings(&r["verbs"]),
                )
            })
            .collect();
        let group = |g: &str, rs: &[&str]| {
            (
                g.to_string(),
                rs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                vec!["get".to_string(), "list".to_string()],
            )
        };
        assert_eq!(
            groups,
            [
                group("", &["replicationcontrollers"]),
                group(
                    "apps",
                    &["deployments", "statefulsets", "daemonsets", "replicasets"]
                ),
                group("batch", &["jobs", "cronjobs"]),
            ]
        );
        let no_debug = manifest("shop", "scanner", false, false);
        assert!(!no_debug.contains("ephemeralcontainers"));
        let cluster = manifest("shop", "scanner", true, true);
        assert!(cluster.contains("kind: ClusterRoleBinding"), "{cluster}");
    }

    #[test]
    fn kubeconfig_carries_server_ca_and_token() {
        let access = ClusterAccess {
            server: "https://127.0.0.1:6443".into(),
            ca_pem: Some(pem(&[vec![1, 2, 3]])),
            tls_server_name: None,
            insecure: false,
        };
        let text = kubeconfig(&access, "shop", "scanner", "tok");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["users"][0]["user"]["token"], "tok");
        assert_eq!(v["contexts"][0]["context"]["namespace"], "shop");
        assert_eq!(
            v["clusters"][0]["cluster"]["certificate-authority-data"],
            base64(pem(&[vec![1, 2, 3]]).as_bytes())
        );
    }
}
