//! Least privilege: the Role a scan needs, and kubeconfigs with short-lived tokens.

use serde_json::json;

/// What a scan may do, and nothing more.
const RULES: &str = "\
- apiGroups: [\"\"]
  resources: [pods]
  verbs: [get, list]
- apiGroups: [\"\"]
  resources: [pods/exec]
  verbs: [get, create]
# Targets like deploy/web, cronjob/nightly and -f manifests: the workload, then its pods.
- apiGroups: [\"\"]
  resources: [replicationcontrollers]
  verbs: [get, list]
- apiGroups: [apps]
  resources: [deployments, replicasets, statefulsets, daemonsets]
  verbs: [get, list]
- apiGroups: [batch]
  resources: [jobs, cronjobs]
  verbs: [get, list]
";

/// Only for distroless containers: adding the ephemeral debug container.
const DEBUG_RULE: &str = "\
- apiGroups: [\"\"]
  resources: [pods/ephemeralcontainers]
  verbs: [patch]
";

/// A ServiceAccount, a Role (ClusterRole when `cluster_wide`) and its binding, as YAML that
/// `kubectl apply -f -` takes.
pub fn manifest(namespace: &str, service_account: &str, cluster_wide: bool, debug: bool) -> String {
    let (role_kind, binding_kind, role_ns) = if cluster_wide {
        ("ClusterRole", "ClusterRoleBinding", String::new())
    } else {
        ("Role", "RoleBinding", format!(", namespace: {namespace}"))
    };
    let scope = if cluster_wide {
        "every namespace".to_string()
    } else {
        format!("namespace {namespace}")
    };
    let rules = if debug {
        format!("{RULES}{DEBUG_RULE}")
    } else {
        RULES.to_string()
    };
    format!(
        "# Least privilege for `kubectl cinc-scan` in {scope} (cinc-scan {version}).\n\
         # Apply: kubectl cinc-scan rbac ... | kubectl apply -f -\n\
         apiVersion: v1\n\
         kind: ServiceAccount\n\
         metadata: {{name: {service_account}, namespace: {namespace}}}\n\
         ---\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: {role_kind}\n\
         metadata: {{name: cinc-scan{role_ns}}}\n\
         rules:\n\
         {rules}\
         ---\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: {binding_kind}\n\
         metadata: {{name: cinc-scan-{service_account}{role_ns}}}\n\
         roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_kind}, name: cinc-scan}}\n\
         subjects:\n\
         - {{kind: ServiceAccount, name: {service_account}, namespace: {namespace}}}\n",
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// DER certificates as one PEM bundle.
pub fn pem(certs: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for der in certs {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64(der);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

/// How to reach the cluster, copied from the connection in use.
pub struct ClusterAccess {
    pub server: String,
    pub ca_pem: Option<String>,
    pub tls_server_name: Option<String>,
    pub insecure: bool,
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

/// Write a file only its owner can read (0600), atomically.
pub fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    crate::report::json::write_atomic_with_mode(path, text.as_bytes(), 0o600)
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
        assert!(
            m.contains("kind: Role\nmetadata: {name: cinc-scan, namespace: shop}"),
            "{m}"
        );
        assert!(m.contains("resources: [pods/exec]\n  verbs: [get, create]"));
        assert!(m.contains("resources: [pods/ephemeralcontainers]\n  verbs: [patch]"));
        assert!(!m.contains("delete") && !m.contains("secrets") && !m.contains('*'));
        // Workload targets: read-only, and every kind a target can name.
        assert!(m.contains(
            "resources: [deployments, replicasets, statefulsets, daemonsets]\n  verbs: [get, list]"
        ));
        assert!(m.contains("resources: [jobs, cronjobs]\n  verbs: [get, list]"));
        assert!(m.contains("resources: [replicationcontrollers]\n  verbs: [get, list]"));
        for kind in crate::kube::targets::Kind::ALL {
            assert!(
                m.contains(kind.plural()),
                "{} missing from the Role",
                kind.plural()
            );
        }
        assert!(!m.contains("patch, ") && !m.contains("update"));
        let no_debug = manifest("shop", "scanner", false, false);
        assert!(!no_debug.contains("ephemeralcontainers"));
        let cluster = manifest("shop", "scanner", true, true);
        assert!(
            cluster.contains("kind: ClusterRoleBinding") && cluster.contains("namespace: shop}")
        );
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

    #[test]
    fn private_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        write_private(&p, "x").unwrap();
        write_private(&p, "y").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "y");
    }
}
