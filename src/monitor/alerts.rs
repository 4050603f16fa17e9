//! Security alerts of a run: one per (failed control, container) at or above `--alert-on`, and
//! one per container that violated the threshold. Labels are stable (no image, no time, no
//! message) so that repeated scans deduplicate in Alertmanager; what changes goes in annotations.
//!
//! With a previous state (`--alert-state FILE`) an alert that fired before and whose container
//! was scanned again without firing it is sent once more as resolved (`endsAt` = now).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{target_labels, RunInfo};
use crate::results::{SafStatus, Severity};

pub const CONTROL_ALERT: &str = "CincScanControlFailed";
pub const THRESHOLD_ALERT: &str = "CincScanThresholdViolated";

/// Longest annotation (reasons come from the container: hostile, maybe huge).
const ANNOTATION_MAX: usize = 1024;
/// Slack: a section block takes at most 3000 characters.
const SLACK_TEXT_MAX: usize = 3000;
const SLACK_LINES_MAX: usize = 20;

/// An alert as Alertmanager's API v2 takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub starts_at: String,
    pub ends_at: String,
}

#[derive(Debug, Clone)]
pub struct AlertOptions {
    /// The lowest severity of a failed control that fires.
    pub on: Severity,
    /// How long a firing alert holds without the next scan (its `endsAt`).
    pub expire_after: Duration,
    pub extra: Vec<(String, String)>,
    /// Where each report's HDF document went (a file or a URL), by report index.
    pub hdf_locations: Vec<Option<String>>,
}

/// What to send and what to remember.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub firing: Vec<Alert>,
    pub resolved: Vec<Alert>,
    /// Earlier alerts of containers not scanned this time (kept until they expire).
    pub kept: Vec<Alert>,
}

impl Plan {
    /// Everything to send, firing first.
    pub fn all(&self) -> Vec<&Alert> {
        self.firing.iter().chain(&self.resolved).collect()
    }
}

/// The `--alert-state` file: the alerts that were firing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub alerts: Vec<Alert>,
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub(3);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The labels that say which container an alert is about.
fn identity(labels: &BTreeMap<String, String>) -> Vec<(String, String)> {
    ["namespace", "pod", "container", "root"]
        .iter()
        .filter_map(|k| labels.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect()
}

/// The alerts of this run and, given what fired before, the ones that resolved.
pub fn plan(run: &RunInfo<'_>, opts: &AlertOptions, previous: &[Alert]) -> Plan {
    let now = run.finished;
    let starts_default = rfc3339(now);
    let ends = rfc3339(
        now.checked_add(jiff::SignedDuration::try_from(opts.expire_after).unwrap_or_default())
            .unwrap_or(now),
    );
    let before: BTreeMap<&BTreeMap<String, String>, &Alert> =
        previous.iter().map(|a| (&a.labels, a)).collect();
    let mut firing = Vec::new();
    let mut scanned = BTreeSet::new();
    for (i, r) in run.reports.iter().enumerate() {
        let mut base: BTreeMap<String, String> = target_labels(&r.target).into_iter().collect();
        base.remove("image");
        for (k, v) in &opts.extra {
            base.insert(k.clone(), v.clone());
        }
        let hdf = opts
            .hdf_locations
            .get(i)
            .cloned()
            .flatten()
            .unwrap_or_default();
        let mut common = BTreeMap::new();
        common.insert("target".to_string(), r.target.id());
        if let Some(img) = &r.target.image {
            common.insert("image".to_string(), img.clone());
        }
        let mut fire = |labels: BTreeMap<String, String>, annotations: BTreeMap<String, String>| {
            let starts_at = before
                .get(&labels)
                .map(|a| a.starts_at.clone())
                .unwrap_or_else(|| starts_default.clone());
            firing.push(Alert {
                labels,
                annotations,
                starts_at,
                ends_at: ends.clone(),
            });
        };
        if r.error.is_some() {
            // Not scanned: nothing is known about its controls; earlier alerts stay as they were.
            continue;
        }
        scanned.insert(identity(&base));
        for (p, profile) in r.profiles.iter().enumerate() {
            for (c, ctl) in profile.controls.iter().enumerate() {
                if ctl.saf_status() != SafStatus::Failed || ctl.severity() < opts.on {
                    continue;
                }
                let mut labels = base.clone();
                labels.insert("alertname".into(), CONTROL_ALERT.into());
                labels.insert("control_id".into(), ctl.control.id.clone());
                labels.insert("severity".into(), ctl.severity().name().into());
                labels.insert("profile".into(), profile.profile.name.clone());
                let mut ann = common.clone();
                ann.insert(
                    "summary".into(),
                    clip(
                        &format!("{}: {}", ctl.control.id, ctl.control.title),
                        ANNOTATION_MAX,
                    ),
                );
                ann.insert(
                    "description".into(),
                    clip(ctl.reason().unwrap_or("failed"), ANNOTATION_MAX),
                );
                ann.insert(
                    "hdf_location".into(),
                    clip(&format!("{hdf}#/profiles/{p}/controls/{c}"), ANNOTATION_MAX),
                );
                fire(labels, ann);
            }
        }
        if let Some(v) = run.verdicts.and_then(|v| v.get(i)).filter(|v| !v.met()) {
            let mut labels = base.clone();
            labels.insert("alertname".into(), THRESHOLD_ALERT.into());
            labels.insert("severity".into(), "high".into());
            let mut ann = common.clone();
            ann.insert(
                "summary".into(),
                clip(
                    &format!("threshold violated by {}", r.target.id()),
                    ANNOTATION_MAX,
                ),
            );
            let why: Vec<String> = v.violations.iter().map(|x| x.to_string()).collect();
            ann.insert("description".into(), clip(&why.join("; "), ANNOTATION_MAX));
            ann.insert("hdf_location".into(), clip(&hdf, ANNOTATION_MAX));
            fire(labels, ann);
        }
    }
    let now_labels: BTreeSet<&BTreeMap<String, String>> =
        firing.iter().map(|a| &a.labels).collect();
    let mut resolved = Vec::new();
    let mut kept = Vec::new();
    for a in previous {
        if now_labels.contains(&a.labels) {
            continue;
        }
        if scanned.contains(&identity(&a.labels)) {
            resolved.push(Alert {
                ends_at: starts_default.clone(),
                ..a.clone()
            });
        } else {
            let live = a
                .ends_at
                .parse::<jiff::Timestamp>()
                .map(|e| e > now)
                .unwrap_or(false);
            if live {
                kept.push(a.clone());
            }
        }
    }
    Plan {
        firing,
        resolved,
        kept,
    }
}

/// The state to remember after sending: what fires and what is kept; when a sink failed, the
/// resolved alerts too, so that the next run sends their resolution again.
pub fn state_after(plan: &Plan, delivered: bool) -> State {
    let mut alerts = plan.firing.clone();
    alerts.extend(plan.kept.iter().cloned());
    if !delivered {
        alerts.extend(plan.resolved.iter().cloned());
    }
    State { version: 1, alerts }
}

pub fn parse_state(text: &str) -> Result<State, String> {
    let s: State = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if s.version != 1 {
        return Err(format!("unknown state version {}", s.version));
    }
    Ok(s)
}

fn status(a: &Alert, plan: &Plan) -> &'static str {
    if plan.resolved.iter().any(|r| std::ptr::eq(r, a)) {
        "resolved"
    } else {
        "firing"
    }
}

/// Alertmanager `POST /api/v2/alerts` bodies: JSON arrays of at most `chunk` alerts.
pub fn alertmanager_bodies(plan: &Plan, chunk: usize) -> Vec<Vec<u8>> {
    plan.all()
        .chunks(chunk.max(1))
        .map(|c| serde_json::to_vec(c).expect("alerts encode as JSON"))
        .collect()
}

fn with_status(a: &Alert, plan: &Plan) -> serde_json::Value {
    json!({
        "status": status(a, plan),
        "labels": a.labels,
        "annotations": a.annotations,
        "startsAt": a.starts_at,
        "endsAt": a.ends_at,
    })
}

/// `--alert-format json`: one document with every alert of the run.
pub fn webhook_json(plan: &Plan, now: jiff::Timestamp) -> Vec<u8> {
    let alerts: Vec<serde_json::Value> = plan.all().iter().map(|a| with_status(a, plan)).collect();
    serde_json::to_vec(&json!({
        "version": "1",
        "source": "kubectl-cinc-scan",
        "time": rfc3339(now),
        "firing": plan.firing.len(),
        "resolved": plan.resolved.len(),
        "alerts": alerts,
    }))
    .expect("alerts encode as JSON")
}

pub const CLOUDEVENTS_CONTENT_TYPE: &str = "application/cloudevents+json; charset=UTF-8";

/// `--alert-format cloudevents`: one CloudEvents 1.0 event (structured mode) per alert.
pub fn cloudevents(plan: &Plan, now: jiff::Timestamp) -> Vec<Vec<u8>> {
    plan.all()
        .iter()
        .map(|a| {
            let st = status(a, plan);
            let mut h = Sha256::new();
            h.update(serde_json::to_vec(&a.labels).unwrap_or_default());
            h.update(st.as_bytes());
            h.update(a.starts_at.as_bytes());
            h.update(rfc3339(now).as_bytes());
            let id: String = h.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let subject = a
                .annotations
                .get("target")
                .cloned()
                .unwrap_or_else(|| "unknown".into());
            serde_json::to_vec(&json!({
                "specversion": "1.0",
                "id": id,
                "source": "kubectl-cinc-scan",
                "type": format!("io.cinc-scan.alert.{st}"),
                "subject": subject,
                "time": rfc3339(now),
                "datacontenttype": "application/json",
                "data": with_status(a, plan),
            }))
            .expect("an event encodes as JSON")
        })
        .collect()
}

/// Slack's mrkdwn needs `&`, `<` and `>` escaped; control characters go.
fn slack_escape(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '\n' => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `--alert-format slack`: one incoming-webhook message for the run, at most
/// SLACK_LINES_MAX alerts listed and SLACK_TEXT_MAX characters of text.
pub fn slack(plan: &Plan) -> Vec<u8> {
    let head = format!(
        "cinc-scan: {} alert(s) firing, {} resolved",
        plan.firing.len(),
        plan.resolved.len()
    );
    let mut lines = Vec::new();
    let all = plan.all();
    for a in all.iter().take(SLACK_LINES_MAX) {
        let st = status(a, plan);
        let icon = if st == "firing" {
            ":rotating_light:"
        } else {
            ":white_check_mark:"
        };
        let sev = a.labels.get("severity").map(String::as_str).unwrap_or("");
        let summary = a
            .annotations
            .get("summary")
            .map(String::as_str)
            .unwrap_or("");
        let target = a
            .annotations
            .get("target")
            .map(String::as_str)
            .unwrap_or("");
        lines.push(format!(
            "{icon} *{st}* [{}] {} on `{}`",
            slack_escape(sev),
            slack_escape(&clip(summary, 200)),
            slack_escape(&clip(target, 200)),
        ));
    }
    if all.len() > SLACK_LINES_MAX {
        lines.push(format!("... and {} more", all.len() - SLACK_LINES_MAX));
    }
    let mut text = format!("*{head}*");
    for l in lines {
        if text.chars().count() + l.chars().count() + 1 > SLACK_TEXT_MAX - 20 {
            text.push_str("\n... (truncated)");
            break;
        }
        text.push('\n');
        text.push_str(&l);
    }
    serde_json::to_vec(&json!({
        "text": head,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }))
    .expect("a message encodes as JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    fn opts(on: Severity) -> AlertOptions {
        AlertOptions {
            on,
            expire_after: Duration::from_secs(3600),
            extra: vec![("cluster".into(), "prod".into())],
            hdf_locations: vec![Some("out/shop_web-0_app.json".into()), None],
        }
    }

    fn run_at<'a>(
        reports: &'a [crate::results::ContainerReport],
        verdicts: Option<&'a [crate::threshold::Verdict]>,
        at: &str,
    ) -> RunInfo<'a> {
        RunInfo {
            reports,
            verdicts,
            errored: false,
            interrupted: false,
            started: ts(at),
            finished: ts(at),
        }
    }

    #[test]
    fn failed_controls_at_or_above_the_severity_fire_with_stable_labels() {
        let reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let run = run_at(&reports, Some(&verdicts), "2025-01-02T03:04:05Z");
        let p = plan(&run, &opts(Severity::High), &[]);
        // bad-1 (critical) fires; bad-2 (low) does not; the threshold of web-0 is violated.
        assert_eq!(p.firing.len(), 2, "{p:#?}");
        let a = &p.firing[0];
        let want: BTreeMap<String, String> = [
            ("alertname", CONTROL_ALERT),
            ("cluster", "prod"),
            ("container", "app"),
            ("control_id", "bad-1"),
            ("namespace", "shop"),
            ("pod", "web-0"),
            ("profile", "demo"),
            ("severity", "critical"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(a.labels, want);
        assert_eq!(a.starts_at, "2025-01-02T03:04:05.000Z");
        assert_eq!(a.ends_at, "2025-01-02T04:04:05.000Z");
        assert_eq!(
            a.annotations["summary"],
            "bad-1: Fails <badly> & \"loudly\""
        );
        assert!(a.annotations["description"].starts_with("found 1: /usr/bin/x'y"));
        assert_eq!(
            a.annotations["hdf_location"],
            "out/shop_web-0_app.json#/profiles/0/controls/1"
        );
        assert_eq!(a.annotations["image"], "registry.example/web:1.4");
        let t = &p.firing[1];
        assert_eq!(t.labels["alertname"], THRESHOLD_ALERT);
        assert!(t.annotations["description"].contains("failed.critical.max"));
        // web-1 could not be scanned: no alert about its controls.
        assert!(p.firing.iter().all(|a| a.labels["pod"] == "web-0"));
        let low = plan(&run, &opts(Severity::Low), &[]);
        assert_eq!(low.firing.len(), 3);
    }

    #[test]
    fn a_second_run_keeps_starts_at_and_a_fixed_control_resolves() {
        let mut reports = testdata::reports();
        let first = plan(
            &run_at(&reports, None, "2025-01-02T03:00:00Z"),
            &opts(Severity::High),
            &[],
        );
        let state = state_after(&first, true);
        let state = parse_state(&serde_json::to_string(&state).unwrap()).unwrap();
        let again = plan(
            &run_at(&reports, None, "2025-01-02T03:10:00Z"),
            &opts(Severity::High),
            &state.alerts,
        );
        assert_eq!(again.firing.len(), 1);
        assert_eq!(again.firing[0].starts_at, "2025-01-02T03:00:00.000Z");
        assert!(again.resolved.is_empty());
        // Fix bad-1: it passes now.
        let ctl = &mut reports[0].profiles[0].controls[1];
        for r in &mut ctl.results {
            r.status = crate::results::Status::Passed;
        }
        let fixed = plan(
            &run_at(&reports, None, "2025-01-02T03:20:00Z"),
            &opts(Severity::High),
            &state.alerts,
        );
        assert!(fixed.firing.is_empty());
        assert_eq!(fixed.resolved.len(), 1);
        assert_eq!(fixed.resolved[0].ends_at, "2025-01-02T03:20:00.000Z");
        assert_eq!(fixed.resolved[0].starts_at, "2025-01-02T03:00:00.000Z");
        assert!(state_after(&fixed, true).alerts.is_empty());
        // A failed delivery keeps the resolution for the next run.
        assert_eq!(state_after(&fixed, false).alerts.len(), 1);
    }

    #[test]
    fn alerts_of_containers_not_scanned_are_kept_until_they_expire() {
        let reports = testdata::reports();
        let first = plan(
            &run_at(&reports, None, "2025-01-02T03:00:00Z"),
            &opts(Severity::High),
            &[],
        );
        let later = plan(
            &run_at(&reports[1..], None, "2025-01-02T03:30:00Z"),
            &opts(Severity::High),
            &first.firing,
        );
        assert_eq!(later.kept.len(), 1);
        assert!(later.resolved.is_empty());
        let expired = plan(
            &run_at(&reports[1..], None, "2025-01-02T05:00:00Z"),
            &opts(Severity::High),
            &first.firing,
        );
        assert!(expired.kept.is_empty());
    }

    #[test]
    fn formats() {
        let mut reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let run = run_at(&reports, Some(&verdicts), "2025-01-02T03:04:05Z");
        let p = plan(&run, &opts(Severity::High), &[]);
        let bodies = alertmanager_bodies(&p, 1);
        assert_eq!(bodies.len(), 2);
        let v: serde_json::Value = serde_json::from_slice(&bodies[0]).unwrap();
        assert_eq!(v[0]["labels"]["alertname"], CONTROL_ALERT);
        assert!(v[0]["startsAt"].is_string() && v[0]["endsAt"].is_string());
        let w: serde_json::Value = serde_json::from_slice(&webhook_json(&p, run.finished)).unwrap();
        assert_eq!(w["firing"], 2);
        assert_eq!(w["alerts"][0]["status"], "firing");
        let events = cloudevents(&p, run.finished);
        assert_eq!(events.len(), 2);
        let e: serde_json::Value = serde_json::from_slice(&events[0]).unwrap();
        for k in ["id", "source", "specversion", "type"] {
            assert!(e[k].is_string(), "{k} missing: {e}");
        }
        assert_eq!(e["specversion"], "1.0");
        assert_eq!(e["type"], "io.cinc-scan.alert.firing");
        assert_eq!(e["subject"], "shop/web-0/app");
        assert_ne!(
            e["id"],
            serde_json::from_slice::<serde_json::Value>(&events[1]).unwrap()["id"]
        );
        let s: serde_json::Value = serde_json::from_slice(&slack(&p)).unwrap();
        let text = s["blocks"][0]["text"]["text"].as_str().unwrap();
        assert!(text.contains("&lt;badly&gt; &amp;"), "{text}");
        assert!(!text.contains('\u{1b}'));
        // Many alerts: the message stays bounded.
        let ctl = reports[0].profiles[0].controls[1].clone();
        for n in 0..500 {
            let mut c = ctl.clone();
            let meta = std::sync::Arc::make_mut(&mut c.control);
            meta.id = format!("many-{n}");
            meta.title = "x".repeat(300);
            reports[0].profiles[0].controls.push(c);
        }
        let big = plan(
            &run_at(&reports, None, "2025-01-02T03:04:05Z"),
            &opts(Severity::High),
            &[],
        );
        assert_eq!(big.firing.len(), 501);
        let s: serde_json::Value = serde_json::from_slice(&slack(&big)).unwrap();
        let text = s["blocks"][0]["text"]["text"].as_str().unwrap();
        assert!(text.chars().count() <= SLACK_TEXT_MAX, "{}", text.len());
        assert!(slack(&big).len() < 8192);
    }

    #[test]
    fn hostile_reasons_are_clipped() {
        assert_eq!(clip("abcdef", 5), "ab...");
        assert_eq!(clip("ééééé", 6), "é...");
        assert_eq!(clip("short", 10), "short");
    }
}
