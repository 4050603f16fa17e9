//! Markdown summary for `$GITHUB_STEP_SUMMARY` or a merge-request comment.

use std::io::{self, Write};

use super::{one_line, Outcome};
use crate::results::{SafStatus, Severity};
use crate::threshold::Verdict;

/// Text safe inside a Markdown table cell: one line, no table or HTML markup, no emphasis.
pub fn cell(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn verdict_cell(v: Option<&Verdict>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v.met() => "✅ met".into(),
        Some(v) => format!("❌ violated ({})", v.violations.len()),
    }
}

const MAX_ROWS: usize = 200;

pub fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    writeln!(out, "## kubectl cinc-scan")?;
    writeln!(out)?;
    let any_threshold = outcome.verdicts.is_some();
    writeln!(
        out,
        "| target | passed | failed | skipped | n/a | error | compliance |{}",
        if any_threshold { " threshold |" } else { "" }
    )?;
    writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|{}",
        if any_threshold { "---|" } else { "" }
    )?;
    for (r, v) in outcome.iter() {
        let s = r.summary();
        write!(
            out,
            "| {} | {} | {} | {} | {} | {} | {}% |",
            cell(&r.target.id()),
            s.total(SafStatus::Passed),
            s.total(SafStatus::Failed),
            s.total(SafStatus::NotReviewed),
            s.total(SafStatus::NotApplicable),
            s.total(SafStatus::ProfileError),
            s.compliance()
        )?;
        if any_threshold {
            write!(out, " {} |", verdict_cell(v))?;
        }
        writeln!(out)?;
    }
    for (r, v) in outcome.iter() {
        let id = cell(&r.target.id());
        let mut problems: Vec<_> = r
            .all_controls()
            .filter(|c| matches!(c.saf_status(), SafStatus::Failed | SafStatus::ProfileError))
            .collect();
        let violated = v.is_some_and(|v| !v.met());
        if problems.is_empty() && r.error.is_none() && !violated {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "### {id}")?;
        if let Some(err) = &r.error {
            writeln!(out)?;
            writeln!(out, "**Scan error:** {}", cell(err))?;
        }
        if let Some(v) = v.filter(|v| !v.met()) {
            writeln!(out)?;
            writeln!(out, "**Threshold violated:**")?;
            writeln!(out)?;
            for x in &v.violations {
                writeln!(
                    out,
                    "- `{}`: expected {}, got {}",
                    x.key,
                    cell(&x.expected),
                    cell(&x.actual)
                )?;
            }
        }
        if r.error.is_some() || problems.is_empty() {
            continue;
        }
        writeln!(out)?;
        problems.sort_by_key(|c| {
            (
                c.saf_status() != SafStatus::Failed,
                Severity::ALL.iter().position(|s| *s == c.severity()),
            )
        });
        writeln!(out, "| status | severity | id | title | reason |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for c in problems.iter().take(MAX_ROWS) {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                c.saf_status().name(),
                c.severity().name(),
                cell(&c.control.id),
                cell(&c.control.title),
                cell(c.reason().unwrap_or(""))
            )?;
        }
        if problems.len() > MAX_ROWS {
            writeln!(
                out,
                "\n… and {} more (see the JSON or SARIF report)",
                problems.len() - MAX_ROWS
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(
            cell("a|b\n<script> *x* `y`"),
            "a\\|b &lt;script&gt; \\*x\\* \\`y\\`"
        );
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
        let md = String::from_utf8(out).unwrap();
        let expected = "\
## kubectl cinc-scan

| target | passed | failed | skipped | n/a | error | compliance | threshold |
|---|---:|---:|---:|---:|---:|---:|---|
| shop/web-0/app | 1 | 2 | 1 | 1 | 1 | 20% | ❌ violated (1) |
| shop/web-1/app | 0 | 0 | 0 | 0 | 1 | 0% | ✅ met |

### shop/web-0/app

**Threshold violated:**

- `failed.critical.max`: expected at most 0, got 1

| status | severity | id | title | reason |
|---|---|---|---|---|
| failed | critical | bad-1 | Fails &lt;badly&gt; &amp; \"loudly\" | found 1: /usr/bin/x'y\\[31m second line |
| failed | low | bad-2 | Fails a little | mode 0666 \\| too open |
| error | high | err-1 | Broke | cannot read /etc/shadow |

### shop/web-1/app

**Scan error:** RBAC denies create on pods/exec
";
        assert_eq!(md, expected, "actual:\n{md}");
    }
}
