//! Evaluates controls against facts. Pure: the same facts always give the same results.

use std::sync::Arc;
use std::time::Instant;

use jiff::civil::Date;
use serde_json::Value;

use super::facts::Facts;
use super::profile::{Check, Control, Profile, Resource};
use super::resources::{self, Built};
use crate::results::{CheckResult, ControlResult, ProfileResult, Status};

/// What `code_desc` says of a check: its own `desc`, or the resource and matchers.
pub fn code_desc(check: &Check) -> String {
    if let Some(d) = &check.desc {
        return d.clone();
    }
    let wants: Vec<String> = check.expect.iter().map(|m| m.describe()).collect();
    match &check.filter {
        Some(f) => format!(
            "{} where {}: {}",
            check.resource.describe(),
            f.describe(),
            wants.join(" and ")
        ),
        None => format!("{}: {}", check.resource.describe(), wants.join(" and ")),
    }
}

enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
    Error(String),
}

fn judge(check: &Check, facts: &Facts, today: Date) -> Verdict {
    // A walk's filter already ran as its entries streamed in: only the matches are here.
    let (built, cut) = match &check.resource {
        Resource::Walk(spec) => {
            match resources::walk_selection(spec, check.filter.as_ref(), facts) {
                Ok((b, cut)) => (Ok(b), cut),
                Err(u) => (Err(u), None),
            }
        }
        other => (resources::build(other, facts, today), None),
    };
    let Built { value, partial } = match built {
        Ok(b) => b,
        Err(u) if u.error => return Verdict::Error(u.reason),
        Err(u) => return Verdict::Skip(u.reason),
    };
    let filter = match &check.resource {
        Resource::Walk(_) => None,
        _ => check.filter.as_ref(),
    };
    if let (Resource::File(path), Some(false)) = (&check.resource, value["exists"].as_bool()) {
        // Only `exists` can be judged of a missing file.
        let only_exists = check
            .expect
            .iter()
            .all(|m| m.field.as_deref() == Some("exists"));
        if !only_exists {
            return Verdict::Fail(format!("{path} does not exist"));
        }
    }
    let subject = match (filter, value) {
        (Some(filter), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .filter(|i| filter.eval(i).is_ok())
                .collect(),
        ),
        (_, v) => v,
    };
    for m in &check.expect {
        if let Err(why) = m.eval(&subject) {
            if let (Resource::File(path), Some("exists")) = (&check.resource, m.field.as_deref()) {
                let exists = subject["exists"].as_bool() == Some(true);
                return Verdict::Fail(if exists {
                    format!("{path} exists")
                } else {
                    format!("{path} does not exist")
                });
            }
            return Verdict::Fail(match &cut {
                Some(note) => format!("{why} ({note})"),
                None => why,
            });
        }
    }
    match partial {
        // What was seen passed, but not everything was seen: that is not a pass.
        Some(note) => Verdict::Skip(format!("incomplete data: {note}")),
        None => Verdict::Pass,
    }
}

/// Seconds in whole microseconds: consumers print `run_time` with JavaScript's
/// `Number.toString`, which turns anything below 1e-6 into `7.51e-7` (Heimdall shows "7.51es").
pub fn whole_micros(d: std::time::Duration) -> f64 {
    let micros = (d.as_nanos() + 500) / 1000;
    micros as f64 / 1e6
}

fn result(code_desc: String, verdict: Verdict, started: Instant) -> CheckResult {
    let (status, message) = match verdict {
        Verdict::Pass => (Status::Passed, None),
        Verdict::Fail(m) => (Status::Failed, Some(m)),
        Verdict::Skip(m) => (Status::Skipped, Some(m)),
        Verdict::Error(m) => (Status::Error, Some(m)),
    };
    CheckResult {
        code_desc,
        status,
        message,
        run_time: whole_micros(started.elapsed()),
    }
}

/// What a guard decided: go on with the checks, or stop with this one result.
enum Guard {
    Holds,
    Stop(Verdict),
    NotApplicable(String),
}

fn guard(check: &Check, facts: &Facts, today: Date, applicability: bool) -> Guard {
    match judge(check, facts, today) {
        Verdict::Pass => Guard::Holds,
        Verdict::Fail(why) if applicability => {
            Guard::NotApplicable(format!("not applicable: {why}"))
        }
        Verdict::Fail(why) => Guard::Stop(Verdict::Skip(format!(
            "not reviewed: {why} (only_if: {})",
            code_desc(check)
        ))),
        // Whether the control applies cannot be told: that is unknown, not "not applicable".
        Verdict::Skip(why) if applicability => Guard::Stop(Verdict::Skip(format!(
            "cannot tell whether this applies: {why}"
        ))),
        Verdict::Skip(why) => Guard::Stop(Verdict::Skip(why)),
        Verdict::Error(why) => Guard::Stop(Verdict::Error(why)),
    }
}

pub fn evaluate_control(control: &Control, facts: &Facts, today: Date) -> ControlResult {
    let guards = [
        (&control.only_applicable_if, true),
        (&control.only_if, false),
    ];
    for (check, applicability) in guards {
        let Some(check) = check else { continue };
        let started = Instant::now();
        let (verdict, not_applicable) = match guard(check, facts, today, applicability) {
            Guard::Holds => continue,
            Guard::Stop(v) => (v, false),
            Guard::NotApplicable(why) => (Verdict::Skip(why), true),
        };
        return ControlResult {
            control: control.meta.clone(),
            results: vec![result(code_desc(check), verdict, started)],
            not_applicable,
        };
    }
    let results = control
        .checks
        .iter()
        .map(|check| {
            let started = Instant::now();
            result(code_desc(check), judge(check, facts, today), started)
        })
        .collect();
    ControlResult {
        control: control.meta.clone(),
        results,
        not_applicable: false,
    }
}

pub fn evaluate(profiles: &[Arc<Profile>], facts: &Facts, today: Date) -> Vec<ProfileResult> {
    profiles
        .iter()
        .map(|p| ProfileResult {
            profile: p.meta.clone(),
            controls: p
                .controls
                .iter()
                .map(|c| evaluate_control(c, facts, today))
                .collect(),
        })
        .collect()
}

/// Every control of every profile as an error with the same message (the scan failed).
pub fn all_errors(profiles: &[Arc<Profile>], message: &str) -> Vec<ProfileResult> {
    profiles
        .iter()
        .map(|p| ProfileResult {
            profile: p.meta.clone(),
            controls: p
                .controls
                .iter()
                .map(|c| ControlResult {
                    control: c.meta.clone(),
                    results: vec![CheckResult {
                        code_desc: format!("scan of control {}", c.id),
                        status: Status::Error,
                        message: Some(message.to_string()),
                        run_time: 0.0,
                    }],
                    not_applicable: false,
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::facts::{FileFact, Stat, Unavailable};

    fn profile(yaml_checks: &str) -> Profile {
        let text = format!(
            "name: t\ncontrols:\n  - id: c1\n    title: t\n    desc: d\n    impact: 0.5\n{yaml_checks}"
        );
        Profile::parse(&text, "t.yaml").unwrap()
    }

    fn facts_with(path: &str, fact: FileFact) -> Facts {
        let mut f = Facts::new(
            Err(Unavailable::skip("no process")),
            Err(Unavailable::skip("no pod")),
        );
        f.files.insert(path.into(), fact);
        f
    }

    fn present(mode: u32, content: &str, truncated: bool) -> FileFact {
        FileFact::Present {
            stat: Stat::from_raw(0o100000 | mode, 0, 0, content.len() as u64),
            content: Some(content.as_bytes().to_vec()),
            truncated,
        }
    }

    fn today() -> Date {
        "2026-11-26".parse().unwrap()
    }

    fn run(p: &Profile, facts: &Facts) -> ControlResult {
        evaluate_control(&p.controls[0], facts, today())
    }

    const MODE_CHECK: &str = "    checks:\n      - resource: file\n        path: /etc/passwd\n        expect:\n          - {field: mode, mode_at_most: '0644'}\n";

    #[test]
    fn pass_fail_and_missing_file() {
        let p = profile(MODE_CHECK);
        assert_eq!(
            run(&p, &facts_with("/etc/passwd", present(0o644, "", false))).status(),
            Status::Passed
        );
        let failed = run(&p, &facts_with("/etc/passwd", present(0o666, "", false)));
        assert_eq!(failed.status(), Status::Failed);
        assert_eq!(
            failed.reason(),
            Some("mode 0666 is more permissive than 0644")
        );
        let missing = run(&p, &facts_with("/etc/passwd", FileFact::Missing));
        assert_eq!(missing.reason(), Some("/etc/passwd does not exist"));
    }

    #[test]
    fn unreadable_and_unavailable_are_skipped_never_passed() {
        let p = profile(MODE_CHECK);
        let r = run(
            &p,
            &facts_with(
                "/etc/passwd",
                FileFact::Unreadable("permission denied".into()),
            ),
        );
        assert_eq!(r.status(), Status::Skipped);
        assert_eq!(
            r.reason(),
            Some("cannot read /etc/passwd: permission denied")
        );
        let proc = profile("    checks:\n      - resource: process\n        expect:\n          - {field: uid, not_equals: 0}\n");
        let r = run(&proc, &facts_with("/x", FileFact::Missing));
        assert_eq!(
            (r.status(), r.reason()),
            (Status::Skipped, Some("no process"))
        );
    }

    #[test]
    fn truncated_content_cannot_pass_but_can_fail() {
        let p = profile("    checks:\n      - resource: file\n        path: /etc/passwd\n        expect:\n          - {field: content, not: {regex: 'evil'}}\n");
        let r = run(&p, &facts_with("/etc/passwd", present(0o644, "fine", true)));
        assert_eq!(r.status(), Status::Skipped);
        assert!(
            r.reason().unwrap().starts_with("incomplete data"),
            "{:?}",
            r.reason()
        );
        let r = run(&p, &facts_with("/etc/passwd", present(0o644, "evil", true)));
        assert_eq!(r.status(), Status::Failed);
    }

    const SHADOW_GUARD: &str = "      resource: file\n      path: /etc/shadow\n      expect: [{field: exists, equals: true}]\n";

    #[test]
    fn only_applicable_if_makes_a_control_not_applicable() {
        use crate::results::SafStatus;
        let p = profile(&format!(
            "    only_applicable_if:\n{SHADOW_GUARD}{MODE_CHECK}"
        ));
        let r = run(&p, &facts_with("/etc/shadow", FileFact::Missing));
        assert_eq!(r.saf_status(), SafStatus::NotApplicable);
        assert_eq!(r.impact(), 0.0);
        assert_eq!(r.results.len(), 1, "the checks do not run");
        assert_eq!(
            r.reason(),
            Some("not applicable: /etc/shadow does not exist")
        );
        // Unreadable: whether it applies is unknown, so it is not reviewed, not N/A.
        let r = run(
            &p,
            &facts_with(
                "/etc/shadow",
                FileFact::Unreadable("permission denied".into()),
            ),
        );
        assert_eq!(r.saf_status(), SafStatus::NotReviewed);
        assert!(!r.not_applicable);
        assert_eq!(
            r.reason(),
            Some("cannot tell whether this applies: cannot read /etc/shadow: permission denied")
        );
        // It applies: the checks decide, with the control's own impact.
        let mut facts = facts_with("/etc/shadow", present(0o600, "", false));
        facts
            .files
            .insert("/etc/passwd".into(), present(0o666, "", false));
        let r = run(&p, &facts);
        assert_eq!(
            (r.saf_status(), r.impact()),
            (SafStatus::Failed, 0.5),
            "{r:?}"
        );
    }

    #[test]
    fn only_if_skips_a_control_as_not_reviewed() {
        use crate::results::SafStatus;
        let p = profile(&format!("    only_if:\n{SHADOW_GUARD}{MODE_CHECK}"));
        let r = run(&p, &facts_with("/etc/shadow", FileFact::Missing));
        assert_eq!(r.saf_status(), SafStatus::NotReviewed);
        assert_eq!(r.impact(), 0.5);
        assert_eq!(
            r.reason(),
            Some("not reviewed: /etc/shadow does not exist (only_if: file /etc/shadow: exists = true)")
        );
    }

    #[test]
    fn run_times_are_whole_microseconds() {
        use std::time::Duration;
        assert_eq!(whole_micros(Duration::from_nanos(751)), 1e-6);
        assert_eq!(whole_micros(Duration::from_nanos(90)), 0.0);
        assert_eq!(whole_micros(Duration::from_micros(1500)), 0.0015);
        let p = profile(MODE_CHECK);
        let r = run(&p, &facts_with("/etc/passwd", present(0o644, "", false)));
        let t = r.results[0].run_time;
        assert_eq!((t * 1e6).round(), t * 1e6, "{t}");
    }
}
