//! Kubeconfig and context resolution, exactly as kubectl does it.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};

#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
}

/// How to reach the cluster, copied from the connection in use.
pub struct ClusterAccess {
    pub server: String,
    pub ca_pem: Option<String>,
    pub tls_server_name: Option<String>,
    pub insecure: bool,
}

/// DER certificates as one PEM bundle.
pub fn pem(certs: &[Vec<u8>]) -> String {
    use base64::Engine as _;
    let mut out = String::new();
    for der in certs {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

pub struct Connection {
    pub client: Client,
    /// The namespace to use: -n, else the context's, else `default`.
    pub namespace: String,
    /// The context in use, `None` in-cluster.
    pub context: Option<String>,
    /// How the client reaches the API server (for kubeconfigs this plugin writes).
    pub access: ClusterAccess,
    /// The same server, CA and timeouts with no credentials: the base of a client that
    /// authenticates with nothing but a token this plugin minted (--ephemeral-identity).
    pub anonymous: Config,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read kubeconfig '{}': {}", .path.display(), read_reason(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: KubeconfigError,
    },
    #[error(
        "no kubeconfig found ({looked}) and not running inside a cluster; \
         pass --kubeconfig PATH or set KUBECONFIG"
    )]
    NotFound { looked: String },
    #[error("context '{name}' not found in the kubeconfig (available contexts: {available})")]
    UnknownContext { name: String, available: String },
    #[error("cluster '{name}' not found in the kubeconfig (available clusters: {available})")]
    UnknownCluster { name: String, available: String },
    #[error("user '{name}' not found in the kubeconfig (available users: {available})")]
    UnknownUser { name: String, available: String },
    #[error(
        "the kubeconfig has no current context; pass --context (available contexts: {available})"
    )]
    NoCurrentContext { available: String },
    #[error("invalid kubeconfig: {0}")]
    Invalid(#[source] KubeconfigError),
    #[error("cannot create a Kubernetes client: {0}")]
    Client(#[source] kube::Error),
    /// `--ephemeral-identity` could not be set up (nothing was scanned, nothing is left).
    #[error("{0}")]
    Identity(String),
}

/// The reason alone: kube's message repeats the path.
fn read_reason(e: &KubeconfigError) -> String {
    match e {
        KubeconfigError::ReadConfig(io, _) => io.to_string(),
        other => other.to_string(),
    }
}

impl ConfigError {
    /// Errors in what the user typed (exit code 2) rather than in the environment.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            ConfigError::UnknownContext { .. }
                | ConfigError::UnknownCluster { .. }
                | ConfigError::UnknownUser { .. }
        )
    }
}

fn list(names: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = names.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Read the kubeconfig kubectl would read: --kubeconfig, else $KUBECONFIG (merged), else
/// ~/.kube/config. `Ok(None)` when there is none at all (then in-cluster config applies).
pub fn read_kubeconfig(explicit: Option<&Path>) -> Result<Option<Kubeconfig>, ConfigError> {
    if let Some(path) = explicit {
        return Kubeconfig::read_from(path)
            .map(Some)
            .map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
    }
    match Kubeconfig::from_env() {
        Ok(Some(kc)) => return Ok(Some(kc)),
        Ok(None) => {}
        Err(source) => {
            let path = PathBuf::from(std::env::var_os("KUBECONFIG").unwrap_or_default());
            return Err(ConfigError::Read { path, source });
        }
    }
    let Some(default) = dirs::home_dir().map(|h| h.join(".kube").join("config")) else {
        return Ok(None);
    };
    if !default.exists() {
        return Ok(None);
    }
    Kubeconfig::read_from(&default)
        .map(Some)
        .map_err(|source| ConfigError::Read {
            path: default,
            source,
        })
}

/// Check the names given on the command line against the kubeconfig.
pub fn validate(kc: &Kubeconfig, opts: &ClusterOptions) -> Result<String, ConfigError> {
    let contexts = || list(kc.contexts.iter().map(|c| c.name.clone()));
    let context = match (&opts.context, &kc.current_context) {
        (Some(c), _) => c.clone(),
        (None, Some(c)) if !c.is_empty() => c.clone(),
        _ => {
            return Err(ConfigError::NoCurrentContext {
                available: contexts(),
            })
        }
    };
    if !kc.contexts.iter().any(|c| c.name == context) {
        return Err(ConfigError::UnknownContext {
            name: context,
            available: contexts(),
        });
    }
    if let Some(name) = &opts.cluster {
        if !kc.clusters.iter().any(|c| &c.name == name) {
            let available = list(kc.clusters.iter().map(|c| c.name.clone()));
            return Err(ConfigError::UnknownCluster {
                name: name.clone(),
                available,
            });
        }
    }
    if let Some(name) = &opts.user {
        if !kc.auth_infos.iter().any(|c| &c.name == name) {
            let available = list(kc.auth_infos.iter().map(|c| c.name.clone()));
            return Err(ConfigError::UnknownUser {
                name: name.clone(),
                available,
            });
        }
    }
    Ok(context)
}

/// Connect like kubectl: kubeconfig and context first, in-cluster config as the fallback.
pub async fn connect(opts: &ClusterOptions) -> Result<Connection, ConfigError> {
    let (config, context) = match read_kubeconfig(opts.kubeconfig.as_deref())? {
        Some(kc) => {
            let context = validate(&kc, opts)?;
            let options = KubeConfigOptions {
                context: Some(context.clone()),
                cluster: opts.cluster.clone(),
                user: opts.user.clone(),
            };
            let config = Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(ConfigError::Invalid)?;
            (config, Some(context))
        }
        None => {
            let config = Config::incluster().map_err(|_| {
                let mut looked = vec!["$KUBECONFIG is not set".to_string()];
                if let Some(h) = dirs::home_dir() {
                    looked.push(format!("no {}", h.join(".kube/config").display()));
                }
                ConfigError::NotFound {
                    looked: looked.join(", "),
                }
            })?;
            (config, None)
        }
    };
    let namespace = opts
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let access = ClusterAccess {
        server: config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string(),
        ca_pem: config.root_cert.as_deref().map(pem),
        tls_server_name: config.tls_server_name.clone(),
        insecure: config.accept_invalid_certs,
    };
    let mut anonymous = config.clone();
    anonymous.auth_info = Default::default();
    anonymous.headers = Vec::new();
    let client = Client::try_from(config).map_err(ConfigError::Client)?;
    Ok(Connection {
        client,
        namespace,
        context,
        access,
        anonymous,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KC: &str = r#"
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: u1
  user: {token: abc}
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: shop}
- name: prod
  context: {cluster: c1, user: u1}
"#;

    fn kc() -> Kubeconfig {
        Kubeconfig::from_yaml(KC).unwrap()
    }

    #[test]
    fn current_context_is_the_default() {
        assert_eq!(validate(&kc(), &ClusterOptions::default()).unwrap(), "dev");
        let opts = ClusterOptions {
            context: Some("prod".into()),
            ..Default::default()
        };
        assert_eq!(validate(&kc(), &opts).unwrap(), "prod");
    }

    #[test]
    fn unknown_names_list_the_available_ones() {
        let opts = ClusterOptions {
            context: Some("staging".into()),
            ..Default::default()
        };
        let e = validate(&kc(), &opts).unwrap_err();
        assert!(e.is_usage());
        assert_eq!(
            e.to_string(),
            "context 'staging' not found in the kubeconfig (available contexts: dev, prod)"
        );
        let opts = ClusterOptions {
            user: Some("bob".into()),
            ..Default::default()
        };
        assert!(validate(&kc(), &opts)
            .unwrap_err()
            .to_string()
            .contains("available users: u1"));
    }

    #[tokio::test]
    async fn namespace_comes_from_flag_then_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, KC).unwrap();
        let base = ClusterOptions {
            kubeconfig: Some(path),
            ..Default::default()
        };
        assert_eq!(connect(&base).await.unwrap().namespace, "shop");
        let prod = ClusterOptions {
            context: Some("prod".into()),
            ..base.clone()
        };
        assert_eq!(connect(&prod).await.unwrap().namespace, "default");
        let flag = ClusterOptions {
            namespace: Some("x".into()),
            ..base
        };
        assert_eq!(connect(&flag).await.unwrap().namespace, "x");
    }

    #[test]
    fn unreadable_kubeconfig_names_the_path() {
        let e = read_kubeconfig(Some(Path::new("/nonexistent/kubeconfig")))
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .starts_with("cannot read kubeconfig '/nonexistent/kubeconfig'"),
            "{e}"
        );
    }
}
