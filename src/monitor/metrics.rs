//! Prometheus metrics of a run, rendered with the `prometheus-client` crate (which escapes label
//! values and HELP text): text format 0.0.4 for the Pushgateway and node_exporter's textfile
//! collector, or OpenMetrics 1.0.
//!
//! Every metric is a gauge: it is the state of the last scan, not something that grows while
//! the process runs. Severity, status and result are labels, never parts of names; there is no
//! per-control series.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::{prometheus_text, text as openmetrics_text};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::{target_labels, RunInfo};
use crate::results::{SafStatus, Severity};

/// The Content-Type of each format (Prometheus 3 fails a scrape without a valid one).
pub const TEXT_CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    #[default]
    Text,
    /// OpenMetrics 1.0 text (ends with `# EOF`).
    OpenMetrics,
}

type Labels = Vec<(String, String)>;

/// Longest platform label value (it comes from the container).
const PLATFORM_LABEL_MAX: usize = 128;

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
type GaugeFamily = Family<Labels, Gauge<f64, AtomicU64>>;

/// The SAF status as a label value (`not_reviewed` is SAF's "skipped").
pub fn status_label(s: SafStatus) -> &'static str {
    match s {
        SafStatus::Passed => "passed",
        SafStatus::Failed => "failed",
        SafStatus::NotReviewed => "not_reviewed",
        SafStatus::NotApplicable => "not_applicable",
        SafStatus::ProfileError => "profile_error",
    }
}

/// Every metric: name, help. The README's metric table lists the same.
pub const METRICS: &[(&str, &str)] = &[
    (
        "cinc_scan_controls",
        "Controls of the last scan of a container by SAF status and severity",
    ),
    (
        "cinc_scan_compliance_ratio",
        "SAF compliance of a container: passed / (passed + failed + not reviewed + profile \
         error), from 0 to 1",
    ),
    (
        "cinc_scan_target_duration_seconds",
        "How long the scan of a container took",
    ),
    (
        "cinc_scan_target_info",
        "How a container was reached (access method) and what it runs; always 1",
    ),
    (
        "cinc_scan_target_error",
        "1 when a container could not be scanned (access denied, no shell and no debug \
         container, timeout), else 0",
    ),
    (
        "cinc_scan_threshold_met",
        "1 when a container met the --threshold, 0 when it violated it",
    ),
    (
        "cinc_scan_targets",
        "Containers of the run by result: scanned, or error (could not be scanned)",
    ),
    (
        "cinc_scan_run_threshold_met",
        "1 when every container met the --threshold, else 0",
    ),
    (
        "cinc_scan_run_success",
        "1 when the run scanned every target without an error, else 0",
    ),
    (
        "cinc_scan_run_timestamp_seconds",
        "When the run finished, in seconds since the Unix epoch",
    ),
    ("cinc_scan_run_duration_seconds", "How long the run took"),
    (
        "cinc_scan_control_status",
        "With --metrics-per-control: one series per control, labelled with its SAF status; \
         always 1",
    ),
    (
        "cinc_scan_last_success_timestamp_seconds",
        "When the last successful run finished, in seconds since the Unix epoch (alert on its \
         age for stale scans)",
    ),
];

/// The metrics of a run. `extra` labels go on every series; `last_success` is the value of
/// `cinc_scan_last_success_timestamp_seconds` (left out when `None`).
pub fn render(
    run: &RunInfo<'_>,
    extra: &[(String, String)],
    last_success: Option<f64>,
    format: Format,
) -> String {
    render_with(run, extra, last_success, format, false)
}

/// The same; with `per_control`, also `cinc_scan_control_status` (one series per control).
pub fn render_with(
    run: &RunInfo<'_>,
    extra: &[(String, String)],
    last_success: Option<f64>,
    format: Format,
    per_control: bool,
) -> String {
    let families: Vec<GaugeFamily> = METRICS.iter().map(|_| GaugeFamily::default()).collect();
    let family = |name: &str| -> &GaugeFamily {
        let i = METRICS
            .iter()
            .position(|(n, _)| *n == name)
            .expect("metric is listed in METRICS");
        &families[i]
    };
    let with = |base: &Labels, more: &[(&str, &str)]| -> Labels {
        let mut l = base.clone();
        l.extend(more.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        l
    };
    let set = |name: &str, labels: &Labels, v: f64| {
        family(name).get_or_create(labels).set(v);
    };
    let run_labels: Labels = extra.to_vec();
    let mut scanned = 0u32;
    let mut errors = 0u32;
    for (i, r) in run.reports.iter().enumerate() {
        let mut base = target_labels(&r.target);
        base.extend(extra.iter().cloned());
        let summary = r.summary();
        for status in SafStatus::ALL {
            for severity in Severity::ALL {
                let labels = with(
                    &base,
                    &[
                        ("status", status_label(status)),
                        ("severity", severity.name()),
                    ],
                );
                set(
                    "cinc_scan_controls",
                    &labels,
                    f64::from(summary.count(status, severity)),
                );
            }
        }
        let passed = summary.total(SafStatus::Passed);
        let denom = passed
            + summary.total(SafStatus::Failed)
            + summary.total(SafStatus::NotReviewed)
            + summary.total(SafStatus::ProfileError);
        if denom > 0 {
            set(
                "cinc_scan_compliance_ratio",
                &base,
                f64::from(passed) / f64::from(denom),
            );
        }
        set("cinc_scan_target_duration_seconds", &base, r.duration);
        if per_control {
            for p in &r.profiles {
                for c in &p.controls {
                    let labels = with(
                        &base,
                        &[
                            ("profile", p.profile.name.as_str()),
                            ("control_id", c.control.id.as_str()),
                            ("severity", c.severity().name()),
                            ("status", status_label(c.saf_status())),
                        ],
                    );
                    set("cinc_scan_control_status", &labels, 1.0);
                }
            }
        }
        let t = &r.target;
        // The platform comes from the container's os-release: bounded, like all it says.
        let platform = clip(&r.platform.name, PLATFORM_LABEL_MAX);
        let release = clip(&r.platform.release, PLATFORM_LABEL_MAX);
        let mut info = vec![("access", t.access.as_str())];
        if !platform.is_empty() {
            info.push(("platform", platform));
        }
        if !release.is_empty() {
            info.push(("platform_release", release));
        }
        if let Some(node) = t.node.as_deref().filter(|n| !n.is_empty()) {
            info.push(("node", node));
        }
        set("cinc_scan_target_info", &with(&base, &info), 1.0);
        let failed = r.error.is_some();
        set(
            "cinc_scan_target_error",
            &base,
            if failed { 1.0 } else { 0.0 },
        );
        if failed {
            errors += 1;
        } else {
            scanned += 1;
        }
        if let Some(v) = run.verdicts.and_then(|v| v.get(i)) {
            set(
                "cinc_scan_threshold_met",
                &base,
                if v.met() { 1.0 } else { 0.0 },
            );
        }
    }
    for (result, n) in [("scanned", scanned), ("error", errors)] {
        set(
            "cinc_scan_targets",
            &with(&run_labels, &[("result", result)]),
            f64::from(n),
        );
    }
    if let Some(v) = run.verdicts {
        let met = v.iter().all(|v| v.met());
        set(
            "cinc_scan_run_threshold_met",
            &run_labels,
            if met { 1.0 } else { 0.0 },
        );
    }
    set(
        "cinc_scan_run_success",
        &run_labels,
        if run.success() { 1.0 } else { 0.0 },
    );
    let secs = |t: jiff::Timestamp| t.as_millisecond() as f64 / 1000.0;
    set(
        "cinc_scan_run_timestamp_seconds",
        &run_labels,
        secs(run.finished),
    );
    let took = run.finished.duration_since(run.started).as_secs_f64();
    set("cinc_scan_run_duration_seconds", &run_labels, took.max(0.0));
    if let Some(ts) = last_success {
        set("cinc_scan_last_success_timestamp_seconds", &run_labels, ts);
    }

    let mut registry = Registry::default();
    for ((name, help), f) in METRICS.iter().zip(families) {
        if *name == "cinc_scan_control_status" && !per_control {
            continue;
        }
        registry.register(*name, *help, f);
    }
    let mut out = String::new();
    let encoded = match format {
        Format::Text => prometheus_text::encode(&mut out, &registry),
        Format::OpenMetrics => openmetrics_text::encode(&mut out, &registry),
    };
    // Writing to a String cannot fail.
    encoded.expect("encoding metrics into a String");
    sort_samples(&out)
}

/// The samples of each family in a stable order (the encoder follows a hash map's order), so
/// that two runs with the same results write the same file. Comment lines stay where they are.
fn sort_samples(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut samples: Vec<&str> = Vec::new();
    let flush = |samples: &mut Vec<&str>, out: &mut String| {
        samples.sort_unstable();
        for s in samples.drain(..) {
            out.push_str(s);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            flush(&mut samples, &mut out);
            out.push_str(line);
            out.push('\n');
        } else if !line.is_empty() {
            samples.push(line);
        }
    }
    flush(&mut samples, &mut out);
    out
}

/// The value of `cinc_scan_last_success_timestamp_seconds` in an earlier metrics file that has
/// the same `extra` labels, so that a failed run keeps the time of the last good one.
pub fn previous_last_success(text: &str) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with("cinc_scan_last_success_timestamp_seconds"))
        .filter_map(|l| l.rsplit_once(' '))
        .filter_map(|(_, v)| v.trim().parse::<f64>().ok())
        .find(|v| v.is_finite() && *v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    fn run<'a>(
        reports: &'a [crate::results::ContainerReport],
        verdicts: Option<&'a [crate::threshold::Verdict]>,
    ) -> RunInfo<'a> {
        RunInfo {
            reports,
            verdicts,
            errored: true,
            interrupted: false,
            started: ts("2025-01-02T03:04:00Z"),
            finished: ts("2025-01-02T03:04:10.5Z"),
        }
    }

    fn sample<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
        text.lines().filter(|l| l.starts_with(prefix)).collect()
    }

    #[test]
    fn per_container_and_per_run_metrics() {
        let reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let extra = vec![("cluster".to_string(), "prod".to_string())];
        let text = render(
            &run(&reports, Some(&verdicts)),
            &extra,
            Some(1700000000.0),
            Format::Text,
        );
        let l = r#"namespace="shop",pod="web-0",container="app",image="registry.example/web:1.4",cluster="prod""#;
        // The demo report: ok-1 passed (medium), bad-1 failed (critical), bad-2 failed (low),
        // skip-1 not reviewed (medium), na-1 not applicable, err-1 profile error (high).
        for (status, severity, n) in [
            ("passed", "medium", 1),
            ("failed", "critical", 1),
            ("failed", "low", 1),
            ("failed", "high", 0),
            ("not_reviewed", "medium", 1),
            ("not_applicable", "none", 1),
            ("profile_error", "high", 1),
        ] {
            let line = format!(
                "cinc_scan_controls{{{l},status=\"{status}\",severity=\"{severity}\"}} {n}.0\n"
            );
            assert!(text.contains(&line), "missing {line} in\n{text}");
        }
        // 25 status × severity series per container, two containers.
        assert_eq!(sample(&text, "cinc_scan_controls{").len(), 50);
        assert!(text.contains(&format!("cinc_scan_compliance_ratio{{{l}}} 0.2\n")));
        assert!(text.contains(&format!("cinc_scan_target_duration_seconds{{{l}}} 1.5\n")));
        assert!(text.contains(&format!(
            "cinc_scan_target_info{{{l},access=\"exec\",platform=\"debian\",platform_release=\"12\",node=\"node-1\"}} 1.0\n"
        )));
        assert!(text.contains(&format!("cinc_scan_target_error{{{l}}} 0.0\n")));
        assert!(text.contains(&format!("cinc_scan_threshold_met{{{l}}} 0.0\n")));
        assert!(text.contains(
            "cinc_scan_target_error{namespace=\"shop\",pod=\"web-1\",container=\"app\",cluster=\"prod\"} 1.0\n"
        ));
        assert!(text.contains("cinc_scan_targets{cluster=\"prod\",result=\"scanned\"} 1.0\n"));
        assert!(text.contains("cinc_scan_targets{cluster=\"prod\",result=\"error\"} 1.0\n"));
        assert!(text.contains("cinc_scan_run_threshold_met{cluster=\"prod\"} 0.0\n"));
        assert!(text.contains("cinc_scan_run_success{cluster=\"prod\"} 0.0\n"));
        assert!(text.contains("cinc_scan_run_duration_seconds{cluster=\"prod\"} 10.5\n"));
        assert!(text.contains("cinc_scan_run_timestamp_seconds{cluster=\"prod\"} 1735787050.5\n"));
        assert!(text
            .contains("cinc_scan_last_success_timestamp_seconds{cluster=\"prod\"} 1700000000.0\n"));
        // Types and help, one per family, gauges only; no timestamps on samples.
        assert!(
            !text.contains("cinc_scan_control_status"),
            "not unless asked for"
        );
        for (name, _) in METRICS
            .iter()
            .filter(|(n, _)| *n != "cinc_scan_control_status")
        {
            assert_eq!(
                sample(&text, &format!("# TYPE {name} ")),
                [format!("# TYPE {name} gauge").as_str()]
            );
            assert_eq!(sample(&text, &format!("# HELP {name} ")).len(), 1);
        }
        assert!(text.ends_with('\n') && !text.contains("# EOF"));
        assert!(!text.contains('\r'));
    }

    #[test]
    fn no_threshold_no_threshold_series_and_no_last_success_when_unknown() {
        let reports = testdata::reports();
        let text = render(&run(&reports, None), &[], None, Format::Text);
        assert!(!text.contains("cinc_scan_threshold_met{"));
        assert!(!text.contains("cinc_scan_run_threshold_met "));
        assert!(!text.contains("cinc_scan_last_success_timestamp_seconds "));
        assert!(text.contains("cinc_scan_run_success 0.0\n"), "{text}");
    }

    #[test]
    fn label_values_are_escaped() {
        let mut reports = testdata::reports();
        reports[0].target = crate::results::Target {
            root: Some("/tmp/we\"ird\\dir\nname".into()),
            access: "local".into(),
            ..Default::default()
        };
        let extra = vec![("team".to_string(), "a \"b\" \\ c\nd".to_string())];
        let text = render(&run(&reports[..1], None), &extra, None, Format::Text);
        assert!(
            text.contains(
                r#"cinc_scan_target_error{root="/tmp/we\"ird\\dir\nname",team="a \"b\" \\ c\nd"} 0"#
            ),
            "{text}"
        );
        // Hostile os-release values are bounded.
        let mut hostile = testdata::reports();
        hostile[0].platform.name = "é".repeat(10_000);
        let t = render(&run(&hostile[..1], None), &[], None, Format::Text);
        let info = t
            .lines()
            .find(|l| l.starts_with("cinc_scan_target_info{"))
            .unwrap();
        assert!(info.len() < 400, "{}", info.len());
        // No raw newline inside a sample line: every line is a comment or a whole sample.
        for line in text.lines() {
            assert!(
                line.starts_with('#') || line.starts_with("cinc_scan_"),
                "broken line: {line:?}"
            );
        }
    }

    #[test]
    fn snapshot_is_stable() {
        let reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let extra = vec![("cluster".to_string(), "prod".to_string())];
        let text = render(
            &run(&reports, Some(&verdicts)),
            &extra,
            Some(1700000000.0),
            Format::Text,
        );
        for _ in 0..3 {
            let again = render(
                &run(&reports, Some(&verdicts)),
                &extra,
                Some(1700000000.0),
                Format::Text,
            );
            assert_eq!(text, again);
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn per_control_series_when_asked_for() {
        let reports = testdata::reports();
        let text = render_with(&run(&reports, None), &[], None, Format::Text, true);
        let lines = sample(&text, "cinc_scan_control_status{");
        // Six controls in web-0, one (errored) in web-1.
        assert_eq!(lines.len(), 7, "{text}");
        assert!(text.contains(
            "cinc_scan_control_status{namespace=\"shop\",pod=\"web-0\",container=\"app\",image=\"registry.example/web:1.4\",profile=\"demo\",control_id=\"bad-1\",severity=\"critical\",status=\"failed\"} 1.0\n"
        ), "{text}");
    }

    #[test]
    fn the_readme_lists_every_metric() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        let listed: Vec<&str> = readme
            .lines()
            .filter_map(|l| l.strip_prefix("| `cinc_scan_"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let ours: Vec<&str> = METRICS
            .iter()
            .map(|(n, _)| n.trim_start_matches("cinc_scan_"))
            .collect();
        assert_eq!(listed, ours, "README metric table and METRICS differ");
    }

    #[test]
    fn openmetrics_ends_with_eof() {
        let reports = testdata::reports();
        let text = render(&run(&reports, None), &[], None, Format::OpenMetrics);
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert!(text.contains("# TYPE cinc_scan_controls gauge\n"));
    }

    #[test]
    fn last_success_is_read_back() {
        let reports = testdata::reports();
        let text = render(&run(&reports, None), &[], Some(1700000123.25), Format::Text);
        assert_eq!(previous_last_success(&text), Some(1700000123.25));
        assert_eq!(previous_last_success("garbage\n"), None);
    }
}
