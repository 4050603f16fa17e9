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
    /// Timeouts, retries, rate limits and the circuit breaker of every API call.
    pub network: super::resilience::Settings,
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
    /// The client's retry budget, circuit breaker and counters.
    pub guard: std::sync::Arc<super::resilience::Guard>,
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
    #[error(
        "no kubeconfig found and the in-cluster config (ServiceAccount token, CA and namespace \
         under /var/run/secrets/kubernetes.io/serviceaccount) is unusable: {0}; \
         set automountServiceAccountToken, or pass --kubeconfig PATH"
    )]
    InCluster(String),
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
    #[error("invalid kubeconfig {file}: {source}")]
    Invalid {
        file: String,
        #[source]
        source: KubeconfigError,
    },
    #[error("cannot create a Kubernetes client: {0}")]
    Client(#[source] kube::Error),
    /// Any of the above, with the kubeconfig file(s) it is about.
    #[error("{inner} (kubeconfig {file})")]
    InFile {
        file: String,
        inner: Box<ConfigError>,
    },
    /// A token that cannot go into an HTTP header (it would also be refused by kubectl).
    #[error("the token of user \"{user}\" in kubeconfig {file} {problem}; fix the user's token (it must be one line of printable characters)")]
    BadToken {
        user: String,
        file: String,
        problem: String,
    },
    /// The credentials could not be set up (e.g. an exec plugin answered with something unusable).
    #[error("the credentials of user \"{user}\" in kubeconfig {file} cannot be used: {problem}")]
    Credentials {
        user: String,
        file: String,
        problem: String,
    },
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
        match self {
            ConfigError::InFile { inner, .. } => inner.is_usage(),
            _ => matches!(
                self,
                ConfigError::UnknownContext { .. }
                    | ConfigError::UnknownCluster { .. }
                    | ConfigError::UnknownUser { .. }
            ),
        }
    }

    /// Name the kubeconfig file(s) in the message (errors that do not already).
    fn in_file(self, file: &str) -> ConfigError {
        ConfigError::InFile {
            file: file.to_string(),
            inner: Box::new(self),
        }
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

/// Which file(s) a kubeconfig came from, for messages: 'PATH', or $KUBECONFIG's list.
pub fn kubeconfig_source(explicit: Option<&Path>) -> String {
    if let Some(p) = explicit {
        return format!("'{}'", p.display());
    }
    match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(v) => format!("'{}' ($KUBECONFIG)", PathBuf::from(v).display()),
        None => dirs::home_dir()
            .map(|h| format!("'{}'", h.join(".kube").join("config").display()))
            .unwrap_or_else(|| "~/.kube/config".into()),
    }
}

/// A bearer token as kubectl takes it: one trailing newline is dropped (token files written by
/// `echo` end in one); anything else that cannot be an HTTP header value is an error.
pub fn clean_token(raw: &str) -> Result<&str, String> {
    let t = raw
        .strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(raw);
    if t.is_empty() {
        return Err("is empty".into());
    }
    if let Some((i, c)) = t.char_indices().find(|(_, c)| c.is_control()) {
        let what = match c {
            '\n' => "a line break".to_string(),
            '\t' => "a tab".to_string(),
            _ => format!("the control character U+{:04X}", u32::from(c)),
        };
        return Err(format!("contains {what} at byte {i}"));
    }
    if t.starts_with(' ') || t.ends_with(' ') {
        return Err("starts or ends with a space".into());
    }
    if http::HeaderValue::from_str(&format!("Bearer {t}")).is_err() {
        return Err("is not a valid HTTP header value".into());
    }
    Ok(t)
}

/// Validate (and trim, like kubectl) the user's token or tokenFile before kube uses it.
fn check_token(config: &mut Config, user: &str, file: &str) -> Result<(), ConfigError> {
    use secrecy::ExposeSecret;
    let bad = |problem: String| ConfigError::BadToken {
        user: user.to_string(),
        file: file.to_string(),
        problem,
    };
    if let Some(token) = &config.auth_info.token {
        let cleaned = clean_token(token.expose_secret()).map_err(bad)?.to_string();
        config.auth_info.token = Some(secrecy::SecretString::from(cleaned));
        return Ok(());
    }
    if let Some(path) = config.auth_info.token_file.clone() {
        let text = crate_read_token_file(Path::new(&path)).map_err(|e| {
            bad(format!(
                "names tokenFile '{path}', which cannot be read ({e})"
            ))
        })?;
        let cleaned = clean_token(&text)
            .map_err(|p| bad(format!("(tokenFile '{path}') {p}")))?
            .to_string();
        if cleaned.len() != text.len() {
            // kube would send the newline and fail every request: hand it the trimmed token
            // (this run then does not pick up a rotated file; a run is bounded by --deadline).
            config.auth_info.token = Some(secrecy::SecretString::from(cleaned));
            config.auth_info.token_file = None;
        }
    }
    Ok(())
}

/// A token file, read with a size cap (a FIFO or /dev/zero must not hang or exhaust memory).
fn crate_read_token_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(64 * 1024)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// Build the client; a panic inside kube's auth set-up (tower-http panics on a token that is
/// not a header value, e.g. from an exec plugin) becomes an error naming the user and file.
fn build_client(
    config: Config,
    network: &super::resilience::Settings,
    user: &str,
    file: &str,
) -> Result<(Client, std::sync::Arc<super::resilience::Guard>), ConfigError> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::resilience::client(config, network)
    }));
    std::panic::set_hook(previous);
    match built {
        Ok(r) => r.map_err(|e| match e {
            kube::Error::Auth(a) => ConfigError::Credentials {
                user: user.to_string(),
                file: file.to_string(),
                problem: a.to_string(),
            },
            other => ConfigError::Client(other).in_file(file),
        }),
        Err(_) => Err(ConfigError::BadToken {
            user: user.to_string(),
            file: file.to_string(),
            problem: "(from its exec credential plugin) is not a valid HTTP header value".into(),
        }),
    }
}

/// Connect like kubectl: kubeconfig and context first, in-cluster config as the fallback.
pub async fn connect(opts: &ClusterOptions) -> Result<Connection, ConfigError> {
    let file = kubeconfig_source(opts.kubeconfig.as_deref());
    let (mut config, context, user) = match read_kubeconfig(opts.kubeconfig.as_deref())? {
        Some(kc) => {
            let context = validate(&kc, opts).map_err(|e| e.in_file(&file))?;
            let user = opts.user.clone().unwrap_or_else(|| {
                kc.contexts
                    .iter()
                    .find(|c| c.name == context)
                    .and_then(|c| c.context.as_ref())
                    .and_then(|c| c.user.clone())
                    .unwrap_or_default()
            });
            let options = KubeConfigOptions {
                context: Some(context.clone()),
                cluster: opts.cluster.clone(),
                user: opts.user.clone(),
            };
            let config = Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|source| ConfigError::Invalid {
                    file: file.clone(),
                    source,
                })?;
            (config, Some(context), user)
        }
        None => {
            let config = Config::incluster().map_err(|e| {
                // inside a pod: say what is missing (token, CA, namespace file)
                if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
                    return ConfigError::InCluster(e.to_string());
                }
                let mut looked = vec!["$KUBECONFIG is not set".to_string()];
                if let Some(h) = dirs::home_dir() {
                    looked.push(format!("no {}", h.join(".kube/config").display()));
                }
                ConfigError::NotFound {
                    looked: looked.join(", "),
                }
            })?;
            (config, None, "(in-cluster service account)".to_string())
        }
    };
    check_token(&mut config, &user, &file)?;
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
    let (client, guard) = build_client(config, &opts.network, &user, &file)?;
    Ok(Connection {
        client,
        namespace,
        context,
        access,
        guard,
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

    fn kubeconfig_with_user(dir: &Path, user: &str) -> PathBuf {
        let path = dir.join("config");
        let text = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters:\n- name: c1\n  cluster: {{server: \"https://127.0.0.1:6443\"}}\nusers:\n- name: u1\n  user: {user}\ncontexts:\n- name: dev\n  context: {{cluster: c1, user: u1}}\n"
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    async fn connect_with(dir: &Path, user: &str) -> Result<Connection, ConfigError> {
        let opts = ClusterOptions {
            kubeconfig: Some(kubeconfig_with_user(dir, user)),
            ..Default::default()
        };
        connect(&opts).await
    }

    #[test]
    fn tokens_lose_one_newline_and_nothing_else() {
        assert_eq!(clean_token("abc\n").unwrap(), "abc");
        assert_eq!(clean_token("abc\r\n").unwrap(), "abc");
        assert_eq!(clean_token("abc").unwrap(), "abc");
        assert!(clean_token("abc\n\n").unwrap_err().contains("line break"));
        assert_eq!(
            clean_token("abc\ndef").unwrap_err(),
            "contains a line break at byte 3"
        );
        assert!(clean_token("a\u{7}b").unwrap_err().contains("U+0007"));
        assert!(clean_token("\n").is_err());
    }

    #[tokio::test]
    async fn a_control_character_in_a_token_is_an_error_naming_user_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = connect_with(dir.path(), r#"{token: "abc\ndef"}"#)
            .await
            .err()
            .expect("refused");
        let msg = e.to_string();
        assert!(msg.contains("user \"u1\""), "{msg}");
        assert!(
            msg.contains(&dir.path().join("config").display().to_string()),
            "{msg}"
        );
        assert!(msg.contains("line break"), "{msg}");
        assert!(!msg.contains("abc"), "the token is never printed: {msg}");
        // One trailing newline is what kubectl forgives.
        connect_with(dir.path(), r#"{token: "abc\n"}"#)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn token_files_are_trimmed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let tf = dir.path().join("token");
        std::fs::write(&tf, "tok\n").unwrap();
        let user = format!("{{tokenFile: \"{}\"}}", tf.display());
        connect_with(dir.path(), &user).await.unwrap();
        std::fs::write(&tf, "to\u{1}k").unwrap();
        let msg = connect_with(dir.path(), &user)
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(msg.contains("U+0001") && msg.contains("tokenFile"), "{msg}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn an_exec_plugin_token_with_a_control_character_does_not_panic() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plugin = dir.path().join("cred");
        std::fs::write(
            &plugin,
            "#!/bin/sh\nprintf '%s' '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"ab\\u0007cd\"}}'\n",
        )
        .unwrap();
        std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let user = format!(
            "{{exec: {{apiVersion: client.authentication.k8s.io/v1, command: \"{}\", interactiveMode: Never}}}}",
            plugin.display()
        );
        let msg = connect_with(dir.path(), &user)
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("user \"u1\"") && msg.contains("exec credential plugin"),
            "{msg}"
        );
    }
}
