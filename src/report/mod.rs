//! Reporters: render results into any `Write`; they never print on their own.

pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use std::io::Write;

use crate::results::{ContainerReport, ControlResult, Status};
use crate::threshold::Verdict;

/// An output format of a whole scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    /// HDF, one document per container and line (JSON Lines).
    Json,
    Junit,
    Sarif,
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
        }
    }
}

/// Render a whole scan in `format`.
pub fn render(
    format: Format,
    out: &mut dyn Write,
    outcome: &Outcome,
    table_opts: &table::TableOptions,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::write_outcome(out, outcome, table_opts),
        Format::Json => json::write_lines(out, outcome.reports),
        Format::Junit => junit::write(out, outcome),
        Format::Sarif => sarif::write(out, outcome),
        Format::Markdown => markdown::write(out, outcome),
    }
}

/// Text from a target or a profile, safe on a terminal: C0 and C1 controls (but tab) and
/// Unicode bidi overrides become visible escapes (`\x1b`, `\u{202e}`), so a file name
/// cannot retitle, clear or reorder the operator's screen.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        (c.is_control() && c != '\t' && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    }
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What every reporter reads: the containers' reports and, when a threshold was given, the
/// verdict for each of them (same order).
#[derive(Clone, Copy)]
pub struct Outcome<'a> {
    pub reports: &'a [ContainerReport],
    pub verdicts: Option<&'a [Verdict]>,
}

impl<'a> Outcome<'a> {
    /// The containers with their verdicts (`None` when no threshold was given).
    pub fn iter(&self) -> impl Iterator<Item = (&'a ContainerReport, Option<&'a Verdict>)> + 'a {
        let verdicts = self.verdicts;
        self.reports
            .iter()
            .enumerate()
            .map(move |(i, r)| (r, verdicts.and_then(|v| v.get(i))))
    }
}

/// Text on one line: runs of whitespace (newlines included) become one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every message of the results with `status`, as `code_desc: message` lines.
pub fn details(c: &ControlResult, status: Status) -> String {
    c.results
        .iter()
        .filter(|r| r.status == status)
        .map(|r| match &r.message {
            Some(m) => format!("{}: {m}", r.code_desc),
            None => r.code_desc.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The threshold verdict in a few words: `met`, or `violated: key expected …, got …; …`.
pub fn verdict_line(v: &Verdict) -> String {
    if v.met() {
        "met".into()
    } else {
        let parts: Vec<String> = v.violations.iter().map(|x| x.to_string()).collect();
        format!("violated: {}", parts.join("; "))
    }
}

/// A synthetic scan for the reporters' snapshot tests: fixed times, every status.
#[cfg(test)]
mod safety_tests {
    use super::terminal_safe;

    #[test]
    fn controls_and_bidi_overrides_are_made_visible() {
        assert_eq!(terminal_safe("/etc/passwd"), "/etc/passwd");
        assert_eq!(
            terminal_safe("/tmp/\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
            "/tmp/\\x1b]0;PWNED\\x07\\x1b[2J"
        );
        assert_eq!(terminal_safe("a\u{9b}b"), "a\\x9bb");
        assert_eq!(terminal_safe("x\u{202e}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(terminal_safe("tab\tand\nnewline"), "tab\tand\nnewline");
    }
}

#[cfg(test)]
pub(crate) mod testdata {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use crate::results::*;
    use crate::threshold::{Verdict, Violation};

    fn control(id: &str, impact: f64, title: &str, tags: &[(&str, &str)]) -> Arc<ControlMeta> {
        Arc::new(ControlMeta {
            id: id.into(),
            title: title.into(),
            desc: format!("Why {id} matters."),
            impact,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
                .chain([("nist".to_string(), serde_json::json!(["AC-6", "CM-6"]))])
                .collect::<BTreeMap<_, _>>(),
            refs: vec![Reference {
                reference: Some("CIS 1.2".into()),
                url: Some("https://example.org/cis#1.2".into()),
            }],
            line: 7,
        })
    }

    fn result(status: Status, message: Option<&str>) -> CheckResult {
        CheckResult {
            code_desc: format!("check is {}", status.name()),
            status,
            message: message.map(String::from),
            run_time: 0.25,
        }
    }

    pub fn reports() -> Vec<ContainerReport> {
        let profile = Arc::new(ProfileMeta {
            name: "demo".into(),
            title: Some("Demo".into()),
            version: Some("1.0.0".into()),
            maintainer: None,
            summary: None,
            license: None,
            copyright: None,
            copyright_email: None,
            supports: vec![],
            source: "builtin:demo".into(),
            sha256: "0".repeat(64),
        });
        let cr = |c: Arc<ControlMeta>, results: Vec<CheckResult>| ControlResult {
            control: c,
            results,
        };
        let controls = vec![
            cr(
                control("ok-1", 0.5, "Passes", &[]),
                vec![result(Status::Passed, None)],
            ),
            cr(
                control("bad-1", 0.9, "Fails <badly> & \"loudly\"", &[]),
                vec![
                    result(Status::Passed, None),
                    result(
                        Status::Failed,
                        Some("found 1: /usr/bin/x'y\u{1b}[31m\nsecond line"),
                    ),
                ],
            ),
            cr(
                control("bad-2", 0.3, "Fails a little", &[("severity", "low")]),
                vec![result(Status::Failed, Some("mode 0666 | too open"))],
            ),
            cr(
                control("skip-1", 0.5, "Needs a shell", &[]),
                vec![result(Status::Skipped, Some("no shell in the container"))],
            ),
            cr(
                control("na-1", 0.0, "Not here", &[]),
                vec![result(Status::Skipped, Some("only for pods"))],
            ),
            cr(
                control("err-1", 0.7, "Broke", &[]),
                vec![result(Status::Error, Some("cannot read /etc/shadow"))],
            ),
        ];
        let report = ContainerReport {
            target: Target {
                namespace: Some("shop".into()),
                pod: Some("web-0".into()),
                container: Some("app".into()),
                image: Some("registry.example/web:1.4".into()),
                node: Some("node-1".into()),
                access: "exec".into(),
                ..Default::default()
            },
            platform: Platform {
                name: "debian".into(),
                release: "12".into(),
            },
            profiles: vec![ProfileResult {
                profile: profile.clone(),
                controls,
            }],
            error: None,
            start_time: "2025-01-02T03:04:05Z".into(),
            duration: 1.5,
        };
        let failed = ContainerReport {
            target: Target {
                namespace: Some("shop".into()),
                pod: Some("web-1".into()),
                container: Some("app".into()),
                access: "exec".into(),
                ..Default::default()
            },
            platform: Platform::default(),
            profiles: vec![ProfileResult {
                profile: profile.clone(),
                controls: vec![ControlResult {
                    control: control("ok-1", 0.5, "Passes", &[]),
                    results: vec![CheckResult {
                        code_desc: "scan of control ok-1".into(),
                        status: Status::Error,
                        message: Some("RBAC denies create on pods/exec".into()),
                        run_time: 0.0,
                    }],
                }],
            }],
            error: Some("RBAC denies create on pods/exec".into()),
            start_time: "2025-01-02T03:04:06Z".into(),
            duration: 0.0,
        };
        vec![report, failed]
    }

    pub fn verdicts() -> Vec<Verdict> {
        vec![
            Verdict {
                violations: vec![Violation {
                    key: "failed.critical.max".into(),
                    expected: "at most 0".into(),
                    actual: "1".into(),
                }],
            },
            Verdict::default(),
        ]
    }
}
