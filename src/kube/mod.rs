//! Talking to the cluster: kubeconfig and contexts, targets, permissions, retries.

pub mod config;
pub mod identity;
pub mod manifest;
pub mod resilience;
pub mod targets;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};
use kube::Client;

/// The HTTP status of an API error, if it is one.
pub fn status_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// A readable message for an API error, naming the verb and resource for RBAC denials.
pub fn api_message(e: &kube::Error, verb: &str, resource: &str, namespace: &str) -> String {
    match e {
        kube::Error::Api(s) if s.code == 403 => format!(
            "RBAC denies {verb} on {resource} in namespace \"{namespace}\" ({}); \
             ask for a Role that allows it",
            s.message
        ),
        kube::Error::Api(s) if s.code == 401 => {
            format!("the cluster rejected the credentials ({}); log in again or check the kubeconfig user", s.message)
        }
        kube::Error::Api(s) => format!(
            "{verb} {resource} in \"{namespace}\" failed: {} ({})",
            s.message, s.code
        ),
        kube::Error::Service(s) if resilience::find(s.as_ref()).is_some() => {
            // Circuit open, or no answer in time: the cause, with what to do.
            let r = resilience::find(s.as_ref())
                .map(|r| r.to_string())
                .unwrap_or_default();
            format!(
                "{verb} {resource} in \"{namespace}\": {r}; check the API server (kubectl cluster-info) \
                 or raise --request-timeout"
            )
        }
        kube::Error::Auth(a) => format!(
            "the credentials of the kubeconfig user cannot be used ({a}); check its token, \
             tokenFile or exec plugin"
        ),
        kube::Error::HyperError(_) | kube::Error::Service(_) => format!(
            "cannot reach the Kubernetes API server ({}); check that the cluster of the current \
             context is up and reachable (kubectl cluster-info)",
            chain(e)
        ),
        other => format!(
            "{verb} {resource} in \"{namespace}\" failed: {}",
            chain(other)
        ),
    }
}

/// An error and its causes, deepest last, without repeats.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = c.source();
    }
    parts.join(": ")
}

/// A token for a ServiceAccount (TokenRequest), valid for `seconds`; with its expiry.
pub async fn request_token(
    client: &Client,
    namespace: &str,
    service_account: &str,
    seconds: i64,
) -> Result<(String, String), String> {
    use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
    use k8s_openapi::api::core::v1::ServiceAccount;
    let request = TokenRequest {
        spec: TokenRequestSpec {
            expiration_seconds: Some(seconds),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    let resource = format!("serviceaccounts/token ({service_account})");
    let answer = api
        .create_token_request(service_account, &PostParams::default(), &request)
        .await
        .map_err(|e| match &e {
            kube::Error::Api(s) if s.code == 404 => format!(
                "ServiceAccount \"{service_account}\" not found in namespace \"{namespace}\"; create it with \
                 `kubectl cinc-scan rbac -n {namespace} --service-account {service_account} | kubectl apply -f -`"
            ),
            _ => api_message(&e, "create", &resource, namespace),
        })?;
    let status = answer.status.ok_or("the API server returned no token")?;
    Ok((status.token, status.expiration_timestamp.0.to_string()))
}

/// Ask the API server whether the current user may do `verb` on `resource[/subresource]`.
/// `None` when the question itself could not be answered (then the real call will tell).
pub async fn can_i(
    client: &Client,
    namespace: &str,
    verb: &str,
    resource: &str,
    subresource: Option<&str>,
    name: Option<&str>,
) -> Option<bool> {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: Some(namespace.to_string()),
                name: name.map(str::to_string),
                verb: Some(verb.to_string()),
                resource: Some(resource.to_string()),
                subresource: subresource.map(str::to_string),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let params = PostParams::default();
    let answer = api.create(&params, &review).await.ok()?;
    answer.status.map(|s| s.allowed)
}

/// Of the permissions given as (verb, resource, subresource), those the user lacks in a
/// namespace for `pod`, as "verb resource[/subresource]". The pod is named because a Role may
/// grant them for some pods only (resourceNames, as --ephemeral-identity's does).
pub async fn missing_permissions(
    client: &Client,
    namespace: &str,
    pod: Option<&str>,
    needed: &[(&str, &str, Option<&str>)],
) -> Vec<String> {
    let mut missing = Vec::new();
    for (verb, resource, sub) in needed {
        if can_i(client, namespace, verb, resource, *sub, pod).await == Some(false) {
            let name = sub.map_or(resource.to_string(), |s| format!("{resource}/{s}"));
            missing.push(format!("{verb} {name}"));
        }
    }
    missing
}
