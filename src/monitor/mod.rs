//! Monitoring and alerting: Prometheus metrics (`--metrics-file`, `--pushgateway`) and security
//! alerts (`--alertmanager`, `--alert-webhook`) from the finished reports of a run.
//!
//! Everything here is a pure function from the reports to bytes, except the delivery in
//! [`sinks`], which sends those bytes with the shared HTTP client of `crate::deliver`.

pub mod alerts;
pub mod metrics;
pub mod pushgateway;
pub mod sinks;

use crate::results::{ContainerReport, Target};
use crate::threshold::Verdict;

/// What a run produced, as the monitoring sinks see it.
#[derive(Debug, Clone, Copy)]
pub struct RunInfo<'a> {
    pub reports: &'a [ContainerReport],
    /// One per report, when a threshold was given.
    pub verdicts: Option<&'a [Verdict]>,
    /// A target could not be resolved or scanned.
    pub errored: bool,
    pub interrupted: bool,
    pub started: jiff::Timestamp,
    pub finished: jiff::Timestamp,
}

impl RunInfo<'_> {
    /// Every target was scanned: no error, no interruption (failed controls are a success).
    pub fn success(&self) -> bool {
        !self.errored && !self.interrupted && self.reports.iter().all(|r| r.error.is_none())
    }
}

/// Labels we set ourselves; an extra label must not reuse one.
pub const RESERVED_LABELS: &[&str] = &[
    "namespace",
    "pod",
    "container",
    "workload_kind",
    "workload_name",
    "image",
    "root",
    "status",
    "severity",
    "result",
    "access",
    "platform",
    "platform_release",
    "node",
    "alertname",
    "control_id",
    "profile",
    "job",
    "le",
    "quantile",
];

/// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved).
pub fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

/// `NAME=VALUE` of `--extra-label` and `--pushgateway-group`; the value may be anything
/// (it is escaped wherever it goes).
pub fn parse_label(s: &str) -> Result<(String, String), String> {
    let Some((name, value)) = s.split_once('=') else {
        return Err(format!("'{s}' is not NAME=VALUE"));
    };
    let name = name.trim();
    if !valid_label_name(name) {
        return Err(format!(
            "'{name}' is not a Prometheus label name (letters, digits and _, not starting with a \
             digit or __)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// The labels that identify a target: namespace, pod, container, the workload that owns the pod
/// (when it has a controller), the image; `root` for `--root` scans. Empty ones are left out.
pub fn target_labels(t: &Target) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push((k.to_string(), v.to_string()));
        }
    };
    push("namespace", t.namespace.as_deref());
    push("pod", t.pod.as_deref());
    push("container", t.container.as_deref());
    push("workload_kind", t.workload.as_ref().map(|w| w.0.as_str()));
    push("workload_name", t.workload.as_ref().map(|w| w.1.as_str()));
    push("image", t.image.as_deref());
    push("root", t.root.as_deref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_and_pairs() {
        assert!(valid_label_name("cluster"));
        assert!(valid_label_name("_x1"));
        assert!(!valid_label_name("1x"));
        assert!(!valid_label_name("__name__"));
        assert!(!valid_label_name("a-b"));
        assert!(!valid_label_name(""));
        assert_eq!(
            parse_label("team=a=b \"c\"\n").unwrap(),
            ("team".into(), "a=b \"c\"\n".into())
        );
        assert!(parse_label("team").unwrap_err().contains("NAME=VALUE"));
        assert!(parse_label("9=x").unwrap_err().contains("label name"));
    }

    #[test]
    fn target_labels_leave_out_what_is_unknown() {
        let t = Target {
            namespace: Some("shop".into()),
            pod: Some("web-0".into()),
            container: Some("app".into()),
            image: Some("web:1".into()),
            workload: Some(("StatefulSet".into(), "web".into())),
            ..Default::default()
        };
        let names: Vec<String> = target_labels(&t).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            [
                "namespace",
                "pod",
                "container",
                "workload_kind",
                "workload_name",
                "image"
            ]
        );
        let local = Target {
            root: Some("/srv/rootfs".into()),
            ..Default::default()
        };
        assert_eq!(
            target_labels(&local),
            [("root".to_string(), "/srv/rootfs".to_string())]
        );
    }
}
