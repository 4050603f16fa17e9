//! The internal results model that reporters read, with SAF's status and severity rules.

pub mod hdf;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

/// What a report says of a control: its HDF metadata, not the compiled checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ControlMeta {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub impact: f64,
    pub tags: BTreeMap<String, Value>,
    pub refs: Vec<Reference>,
    /// 1-based line of the control in its profile file.
    pub line: usize,
}

/// A control's reference (HDF `refs`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub url: Option<String>,
}

/// What a report says of a profile (HDF `profiles[]` metadata).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileMeta {
    pub name: String,
    pub title: Option<String>,
    pub version: Option<String>,
    pub maintainer: Option<String>,
    pub summary: Option<String>,
    pub license: Option<String>,
    pub copyright: Option<String>,
    pub copyright_email: Option<String>,
    pub supports: Vec<BTreeMap<String, String>>,
    /// Where it came from: a path, or `builtin:NAME`.
    pub source: String,
    /// sha256 of the profile text, hex.
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    Error,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Error => "error",
        }
    }
}

/// One `describe` of a control: what was checked and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub code_desc: String,
    pub status: Status,
    /// Why it failed, was skipped or errored.
    pub message: Option<String>,
    pub run_time: f64,
}

#[derive(Debug, Clone)]
pub struct ControlResult {
    pub control: Arc<ControlMeta>,
    pub results: Vec<CheckResult>,
}

/// The status SAF and Heimdall give a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SafStatus {
    Passed,
    Failed,
    NotReviewed,
    NotApplicable,
    ProfileError,
}

impl SafStatus {
    pub const ALL: [SafStatus; 5] = [
        SafStatus::Passed,
        SafStatus::Failed,
        SafStatus::NotReviewed,
        SafStatus::NotApplicable,
        SafStatus::ProfileError,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SafStatus::Passed => "passed",
            SafStatus::Failed => "failed",
            SafStatus::NotReviewed => "skipped",
            SafStatus::NotApplicable => "n/a",
            SafStatus::ProfileError => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "none" => Severity::None,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    /// SAF/Heimdall: `severityoverride`, else a valid `severity` tag, else from impact.
    pub fn of(control: &ControlMeta) -> Severity {
        for tag in ["severityoverride", "severity"] {
            if let Some(s) = control
                .tags
                .get(tag)
                .and_then(Value::as_str)
                .and_then(Severity::parse)
            {
                return s;
            }
        }
        match control.impact {
            i if i < 0.1 => Severity::None,
            i if i < 0.4 => Severity::Low,
            i if i < 0.7 => Severity::Medium,
            i if i < 0.9 => Severity::High,
            _ => Severity::Critical,
        }
    }
}

impl ControlResult {
    /// The overall result status: error, then failed, then passed, then skipped.
    pub fn status(&self) -> Status {
        let has = |s| self.results.iter().any(|r| r.status == s);
        if self.results.is_empty() || has(Status::Error) {
            Status::Error
        } else if has(Status::Failed) {
            Status::Failed
        } else if has(Status::Passed) {
            Status::Passed
        } else {
            Status::Skipped
        }
    }

    /// Heimdall's order: error, impact 0, no results, failed, passed, only skipped.
    pub fn saf_status(&self) -> SafStatus {
        let has = |s| self.results.iter().any(|r: &CheckResult| r.status == s);
        if has(Status::Error) {
            SafStatus::ProfileError
        } else if self.control.impact == 0.0 {
            SafStatus::NotApplicable
        } else if self.results.is_empty() {
            SafStatus::ProfileError
        } else if has(Status::Failed) {
            SafStatus::Failed
        } else if has(Status::Passed) {
            SafStatus::Passed
        } else {
            SafStatus::NotReviewed
        }
    }

    pub fn severity(&self) -> Severity {
        Severity::of(&self.control)
    }

    /// The first message worth showing: from a failure, an error, or a skip. A passed
    /// control shows none (a skipped part of it is in the HDF results).
    pub fn reason(&self) -> Option<&str> {
        if self.status() == Status::Passed {
            return None;
        }
        let order = [Status::Error, Status::Failed, Status::Skipped];
        order.iter().find_map(|s| {
            self.results
                .iter()
                .find(|r| r.status == *s)
                .and_then(|r| r.message.as_deref())
        })
    }
}

#[derive(Debug, Clone)]
pub struct ProfileResult {
    pub profile: Arc<ProfileMeta>,
    pub controls: Vec<ControlResult>,
}

/// What was scanned: a container in a pod, or a directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    pub namespace: Option<String>,
    pub pod: Option<String>,
    pub container: Option<String>,
    pub image: Option<String>,
    pub image_id: Option<String>,
    pub node: Option<String>,
    /// `--root DIR` scans.
    pub root: Option<String>,
    /// exec, debug, sidecar or local.
    pub access: String,
    /// Extra details about how it was reached (e.g. which debug container).
    pub access_detail: Option<String>,
}

impl Target {
    /// `namespace/pod/container`, or the directory for local scans.
    pub fn id(&self) -> String {
        match (&self.namespace, &self.pod, &self.container, &self.root) {
            (Some(ns), Some(pod), Some(c), _) => format!("{ns}/{pod}/{c}"),
            (Some(ns), Some(pod), None, _) => format!("{ns}/{pod}"),
            (_, _, _, Some(root)) => root.clone(),
            _ => "unknown".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Platform {
    pub name: String,
    pub release: String,
}

/// The report of one container.
#[derive(Debug, Clone)]
pub struct ContainerReport {
    pub target: Target,
    pub platform: Platform,
    pub profiles: Vec<ProfileResult>,
    /// Set when the container could not be scanned; every control then carries an error.
    pub error: Option<String>,
    /// RFC 3339.
    pub start_time: String,
    pub duration: f64,
}

/// Counts by SAF status and severity, and SAF's compliance percentage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Indexed like `SafStatus::ALL` then `Severity::ALL`.
    pub counts: [[u32; 5]; 5],
}

impl Summary {
    pub fn of(controls: &[ControlResult]) -> Summary {
        let mut s = Summary::default();
        for c in controls {
            let st = SafStatus::ALL
                .iter()
                .position(|x| *x == c.saf_status())
                .unwrap_or(4);
            let sev = Severity::ALL
                .iter()
                .position(|x| *x == c.severity())
                .unwrap_or(4);
            s.counts[st][sev] += 1;
        }
        s
    }

    pub fn total(&self, status: SafStatus) -> u32 {
        let i = SafStatus::ALL
            .iter()
            .position(|x| *x == status)
            .unwrap_or(4);
        self.counts[i].iter().sum()
    }

    pub fn count(&self, status: SafStatus, severity: Severity) -> u32 {
        let i = SafStatus::ALL
            .iter()
            .position(|x| *x == status)
            .unwrap_or(4);
        let j = Severity::ALL
            .iter()
            .position(|x| *x == severity)
            .unwrap_or(4);
        self.counts[i][j]
    }

    /// SAF's compliance percentage of these counts.
    pub fn compliance(&self) -> u32 {
        compliance(|s| self.total(s))
    }
}

/// SAF's compliance: round(100 · passed / (passed + failed + not reviewed + profile error)),
/// 0 when that is empty; `total` gives the number of controls with a status.
pub fn compliance(total: impl Fn(SafStatus) -> u32) -> u32 {
    let passed = total(SafStatus::Passed);
    let denom = passed
        + total(SafStatus::Failed)
        + total(SafStatus::NotReviewed)
        + total(SafStatus::ProfileError);
    if denom == 0 {
        0
    } else {
        (100.0 * f64::from(passed) / f64::from(denom)).round() as u32
    }
}

impl ContainerReport {
    /// SAF evaluates the first profile only; so do we for the summary of one document.
    pub fn first_profile_controls(&self) -> &[ControlResult] {
        self.profiles
            .first()
            .map(|p| p.controls.as_slice())
            .unwrap_or(&[])
    }

    pub fn all_controls(&self) -> impl Iterator<Item = &ControlResult> {
        self.profiles.iter().flat_map(|p| p.controls.iter())
    }

    pub fn summary(&self) -> Summary {
        let all: Vec<ControlResult> = self.all_controls().cloned().collect();
        Summary::of(&all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(impact: f64, statuses: &[Status]) -> ControlResult {
        ControlResult {
            control: Arc::new(ControlMeta {
                id: "c".into(),
                title: "t".into(),
                desc: "d".into(),
                impact,
                line: 1,
                ..Default::default()
            }),
            results: statuses
                .iter()
                .map(|s| CheckResult {
                    code_desc: "x".into(),
                    status: *s,
                    message: None,
                    run_time: 0.0,
                })
                .collect(),
        }
    }

    #[test]
    fn saf_status_follows_heimdall_order() {
        use Status::*;
        assert_eq!(control(0.0, &[Error]).saf_status(), SafStatus::ProfileError);
        assert_eq!(
            control(0.0, &[Failed]).saf_status(),
            SafStatus::NotApplicable
        );
        assert_eq!(control(0.5, &[]).saf_status(), SafStatus::ProfileError);
        assert_eq!(
            control(0.5, &[Passed, Failed]).saf_status(),
            SafStatus::Failed
        );
        assert_eq!(
            control(0.5, &[Skipped, Passed]).saf_status(),
            SafStatus::Passed
        );
        assert_eq!(
            control(0.5, &[Skipped]).saf_status(),
            SafStatus::NotReviewed
        );
    }

    #[test]
    fn severity_from_tags_then_impact() {
        assert_eq!(control(0.05, &[]).severity(), Severity::None);
        assert_eq!(control(0.39, &[]).severity(), Severity::Low);
        assert_eq!(control(0.5, &[]).severity(), Severity::Medium);
        assert_eq!(control(0.7, &[]).severity(), Severity::High);
        assert_eq!(control(0.9, &[]).severity(), Severity::Critical);
        let mut c = control(0.9, &[]);
        Arc::make_mut(&mut c.control)
            .tags
            .insert("severity".into(), "low".into());
        assert_eq!(c.severity(), Severity::Low);
        Arc::make_mut(&mut c.control)
            .tags
            .insert("severity".into(), "bogus".into());
        assert_eq!(c.severity(), Severity::Critical);
    }

    #[test]
    fn compliance_rounds_like_saf_and_ignores_not_applicable() {
        use Status::*;
        let cs = vec![
            control(0.5, &[Passed]),
            control(0.5, &[Passed]),
            control(0.5, &[Failed]),
            control(0.0, &[Failed]),
        ];
        assert_eq!(Summary::of(&cs).compliance(), 67);
        assert_eq!(Summary::of(&[]).compliance(), 0);
        assert_eq!(Summary::of(&[control(0.0, &[Passed])]).compliance(), 0);
    }
}
