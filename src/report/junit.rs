//! JUnit XML: one testsuite per container, one testcase per control (hand-written, escaped XML).

use std::io::{self, Write};

use super::{details, one_line, verdict_line, Outcome};
use crate::results::{ContainerReport, SafStatus, Status};
use crate::threshold::Verdict;

/// Text fit for XML 1.0 content and attribute values: markup characters escaped, characters
/// XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) dropped; in attributes, tabs and line
/// breaks are kept as character references because parsers would turn them into spaces.
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn attr(s: &str) -> String {
    escape(s, true)
}

fn text(s: &str) -> String {
    escape(s, false)
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn counts(r: &ContainerReport, verdict: Option<&Verdict>) -> Counts {
    let mut c = Counts::default();
    for ctl in r.all_controls() {
        c.tests += 1;
        match ctl.saf_status() {
            SafStatus::Failed => c.failures += 1,
            SafStatus::ProfileError => c.errors += 1,
            SafStatus::NotReviewed | SafStatus::NotApplicable => c.skipped += 1,
            SafStatus::Passed => {}
        }
    }
    if let Some(v) = verdict {
        c.tests += 1;
        if !v.met() {
            c.failures += 1;
        }
    }
    c
}

fn write_suite(
    out: &mut dyn Write,
    r: &ContainerReport,
    verdict: Option<&Verdict>,
) -> io::Result<()> {
    let t = &r.target;
    let id = t.id();
    let c = counts(r, verdict);
    write!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\" timestamp=\"{}\"",
        attr(&id),
        c.tests,
        c.failures,
        c.errors,
        c.skipped,
        r.duration,
        attr(&r.start_time)
    )?;
    if let Some(node) = &t.node {
        write!(out, " hostname=\"{}\"", attr(node))?;
    }
    writeln!(out, ">")?;
    let summary = r.summary();
    let mut props: Vec<(&str, String)> =
        vec![("target_id", id.clone()), ("access", t.access.clone())];
    for (k, v) in [("image", &t.image), ("node", &t.node)] {
        if let Some(v) = v {
            props.push((k, v.clone()));
        }
    }
    if !r.platform.name.is_empty() {
        props.push((
            "platform",
            format!("{} {}", r.platform.name, r.platform.release),
        ));
    }
    for p in &r.profiles {
        let version = p.profile.version.as_deref().unwrap_or("");
        props.push((
            "profile",
            format!("{} {version}", p.profile.name).trim().to_string(),
        ));
    }
    props.push(("compliance", format!("{}%", summary.compliance())));
    if let Some(v) = verdict {
        props.push(("threshold", verdict_line(v)));
    }
    writeln!(out, "    <properties>")?;
    for (k, v) in props {
        writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            attr(k),
            attr(&v)
        )?;
    }
    writeln!(out, "    </properties>")?;
    for p in &r.profiles {
        for ctl in &p.controls {
            let time: f64 = ctl.results.iter().map(|x| x.run_time).sum();
            write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                attr(&format!(
                    "{}: {}",
                    ctl.control.id,
                    one_line(&ctl.control.title)
                )),
                attr(&format!("{id}.{}", p.profile.name)),
                time
            )?;
            // The order the JUnit schema wants: skipped, error, failure.
            let body = match ctl.saf_status() {
                SafStatus::Passed => None,
                SafStatus::NotReviewed => Some(format!(
                    "      <skipped>{}</skipped>",
                    text(ctl.reason().unwrap_or("not reviewed"))
                )),
                SafStatus::NotApplicable => {
                    // only_applicable_if's reason already says "not applicable: …".
                    let why = match ctl.reason() {
                        Some(m) if m.starts_with("not applicable") => {
                            m.replacen("not applicable", "not applicable (impact 0)", 1)
                        }
                        Some(m) => format!("not applicable (impact 0): {m}"),
                        None => "not applicable (impact 0)".into(),
                    };
                    Some(format!("      <skipped>{}</skipped>", text(&why)))
                }
                SafStatus::Failed => Some(format!(
                    "      <failure message=\"{}\" type=\"failed\">{}</failure>",
                    attr(ctl.reason().unwrap_or("failed")),
                    text(&details(ctl, Status::Failed))
                )),
                SafStatus::ProfileError => Some(format!(
                    "      <error message=\"{}\" type=\"error\">{}</error>",
                    attr(ctl.reason().unwrap_or("the control has no results")),
                    text(&details(ctl, Status::Error))
                )),
            };
            match body {
                None => writeln!(out, "/>")?,
                Some(b) => writeln!(out, ">\n{b}\n    </testcase>")?,
            }
        }
    }
    if let Some(v) = verdict {
        write!(
            out,
            "    <testcase name=\"threshold\" classname=\"{}\" time=\"0.000\"",
            attr(&format!("{id}.threshold"))
        )?;
        if v.met() {
            writeln!(out, "/>")?;
        } else {
            let lines: Vec<String> = v.violations.iter().map(|x| x.to_string()).collect();
            writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"threshold\">{}</failure>\n    </testcase>",
                attr(&format!(
                    "threshold violated ({} rule{})",
                    lines.len(),
                    if lines.len() == 1 { "" } else { "s" }
                )),
                text(&lines.join("\n"))
            )?;
        }
    }
    if let Some(err) = &r.error {
        writeln!(out, "    <system-err>{}</system-err>", text(err))?;
    }
    writeln!(out, "  </testsuite>")
}

pub fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    let mut total = Counts::default();
    let mut time = 0.0;
    for (r, v) in outcome.iter() {
        let c = counts(r, v);
        total.tests += c.tests;
        total.failures += c.failures;
        total.errors += c.errors;
        time += r.duration;
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"kubectl cinc-scan\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{time:.3}\">",
        total.tests, total.failures, total.errors
    )?;
    for (r, v) in outcome.iter() {
        write_suite(out, r, v)?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            escape("a<b>&\"c\"'d'\u{1b}[0m\u{0}\u{FFFF}é\tx\ny", false),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;[0mé\tx\ny"
        );
        assert_eq!(escape("t\tn\nr\r", true), "t&#9;n&#10;r&#13;");
    }

    #[test]
    fn snapshot() {
        let reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let mut out = Vec::new();
        write(
            &mut out,
            &Outcome {
                reports: &reports,
                verdicts: Some(&verdicts),
            },
        )
        .unwrap();
        let xml = String::from_utf8(out).unwrap();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="kubectl cinc-scan" tests="9" failures="3" errors="2" time="1.500">
  <testsuite name="shop/web-0/app" tests="7" failures="3" errors="1" skipped="2" time="1.500" timestamp="2025-01-02T03:04:05Z" hostname="node-1">
    <properties>
      <property name="target_id" value="shop/web-0/app"/>
      <property name="access" value="exec"/>
      <property name="image" value="registry.example/web:1.4"/>
      <property name="node" value="node-1"/>
      <property name="platform" value="debian 12"/>
      <property name="profile" value="demo 1.0.0"/>
      <property name="compliance" value="20%"/>
      <property name="threshold" value="violated: failed.critical.max: expected at most 0, got 1"/>
    </properties>
    <testcase name="ok-1: Passes" classname="shop/web-0/app.demo" time="0.250"/>
    <testcase name="bad-1: Fails &lt;badly&gt; &amp; &quot;loudly&quot;" classname="shop/web-0/app.demo" time="0.500">
      <failure message="found 1: /usr/bin/x&apos;y[31m&#10;second line" type="failed">check is failed: found 1: /usr/bin/x&apos;y[31m
second line</failure>
    </testcase>
    <testcase name="bad-2: Fails a little" classname="shop/web-0/app.demo" time="0.250">
      <failure message="mode 0666 | too open" type="failed">check is failed: mode 0666 | too open</failure>
    </testcase>
    <testcase name="skip-1: Needs a shell" classname="shop/web-0/app.demo" time="0.250">
      <skipped>no shell in the container</skipped>
    </testcase>
    <testcase name="na-1: Not here" classname="shop/web-0/app.demo" time="0.250">
      <skipped>not applicable (impact 0): only for pods</skipped>
    </testcase>
    <testcase name="err-1: Broke" classname="shop/web-0/app.demo" time="0.250">
      <error message="cannot read /etc/shadow" type="error">check is error: cannot read /etc/shadow</error>
    </testcase>
    <testcase name="threshold" classname="shop/web-0/app.threshold" time="0.000">
      <failure message="threshold violated (1 rule)" type="threshold">failed.critical.max: expected at most 0, got 1</failure>
    </testcase>
  </testsuite>
  <testsuite name="shop/web-1/app" tests="2" failures="0" errors="1" skipped="0" time="0.000" timestamp="2025-01-02T03:04:06Z">
    <properties>
      <property name="target_id" value="shop/web-1/app"/>
      <property name="access" value="exec"/>
      <property name="profile" value="demo 1.0.0"/>
      <property name="compliance" value="0%"/>
      <property name="threshold" value="met"/>
    </properties>
    <testcase name="ok-1: Passes" classname="shop/web-1/app.demo" time="0.000">
      <error message="RBAC denies create on pods/exec" type="error">scan of control ok-1: RBAC denies create on pods/exec</error>
    </testcase>
    <testcase name="threshold" classname="shop/web-1/app.threshold" time="0.000"/>
    <system-err>RBAC denies create on pods/exec</system-err>
  </testsuite>
</testsuites>
"#;
        assert_eq!(xml, expected, "actual:\n{xml}");
    }
}
