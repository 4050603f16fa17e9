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
    let Built { value, partial } = match resources::build(&check.resource, facts, today) {
        Ok(b) => b,
        Err(u) if u.error => return Verdict::Error(u.reason),
        Err(u) => return Verdict::Skip(u.reason),
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
    let subject = match (&check.filter, value) {
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
            return Verdict::Fail(why);
        }
    }
    match partial {
        // What was seen passed, but not everything was seen: that is not a pass.
        Some(note) => Verdict::Skip(format!("incomplete data: {note}")),
        None => Verdict::Pass,
    }
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
        run_time: started.elapsed().as_secs_f64(),
    }
}

pub fn evaluate_control(control: &Control, facts: &Facts, today: Date) -> ControlResult {
    if let Some(guard) = &control.only_if {
        let started = Instant::now();
        let skip = match judge(guard, facts, today) {
            Verdict::Pass => None,
            Verdict::Fail(why) => Some(Verdict::Skip(format!("not applicable: {why}"))),
            Verdict::Skip(why) => Some(Verdict::Skip(why)),
            Verdict::Error(why) => Some(Verdict::Error(why)),
        };
        if let Some(verdict) = skip {
            return ControlResult {
                control: control.meta.clone(),
                results: vec![result(code_desc(guard), verdict, started)],
            };
        }
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

    #[test]
    fn only_if_makes_a_control_not_applicable() {
        let guard = "    only_if:\n      resource: file\n      path: /etc/shadow\n      expect: [{field: exists, equals: true}]\n";
        let p = profile(&format!("{guard}{MODE_CHECK}"));
        let r = run(&p, &facts_with("/etc/shadow", FileFact::Missing));
        assert_eq!(r.status(), Status::Skipped);
        assert_eq!(
            r.reason(),
            Some("not applicable: /etc/shadow does not exist")
        );
    }
}
