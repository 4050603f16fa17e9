//! The human table: per container a header, one row per control, and a summary line.

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};

use super::{one_line, terminal_safe, verdict_line, Outcome};
use crate::results::{ContainerReport, SafStatus, Severity, Summary};
use crate::threshold::Verdict;

pub struct TableOptions {
    pub color: bool,
    /// Total width to fit; `None` leaves lines as long as they need.
    pub width: Option<u16>,
}

fn status_color(s: SafStatus) -> Color {
    match s {
        SafStatus::Passed => Color::Green,
        SafStatus::Failed => Color::Red,
        SafStatus::NotReviewed => Color::Yellow,
        SafStatus::NotApplicable => Color::Grey,
        SafStatus::ProfileError => Color::Magenta,
    }
}

pub fn summary_line(summary: &Summary) -> String {
    let statuses: Vec<String> = SafStatus::ALL
        .iter()
        .map(|s| format!("{} {}", summary.total(*s), s.name()))
        .collect();
    let failed_by_sev: Vec<String> = Severity::ALL
        .iter()
        .filter(|sev| **sev != Severity::None)
        .map(|sev| format!("{} {}", summary.count(SafStatus::Failed, *sev), sev.name()))
        .collect();
    format!(
        "{} · failed by severity: {} · compliance {}%",
        statuses.join(", "),
        failed_by_sev.join(", "),
        summary.compliance()
    )
}

/// Data from a target or a profile, on one line and safe on a terminal.
fn safe(s: &str) -> String {
    terminal_safe(&one_line(s)).into_owned()
}

pub fn write_report(
    out: &mut dyn Write,
    r: &ContainerReport,
    opts: &TableOptions,
) -> io::Result<()> {
    write_report_with_verdict(out, r, None, opts)
}

/// One container, and the threshold verdict under its summary line when there is one.
pub fn write_report_with_verdict(
    out: &mut dyn Write,
    r: &ContainerReport,
    verdict: Option<&Verdict>,
    opts: &TableOptions,
) -> io::Result<()> {
    let t = &r.target;
    let mut header = format!("{}  (access: {}", t.id(), t.access);
    if let Some(d) = &t.access_detail {
        header.push_str(&format!(", {d}"));
    }
    if let Some(img) = &t.image {
        header.push_str(&format!(", image: {img}"));
    }
    if !r.platform.name.is_empty() {
        header.push_str(&format!(", os: {} {}", r.platform.name, r.platform.release));
    }
    header.push(')');
    writeln!(out, "{}", terminal_safe(&header))?;
    if let Some(err) = &r.error {
        writeln!(out, "error: {}", safe(err))?;
    }
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = opts.width {
        table.set_width(w);
    }
    if opts.color {
        table.enforce_styling();
    }
    let head = ["STATUS", "SEVERITY", "ID", "TITLE", "REASON"];
    table.set_header(head.iter().map(|h| {
        let c = Cell::new(h);
        if opts.color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    }));
    for c in r.all_controls() {
        let status = c.saf_status();
        let mut status_cell = Cell::new(status.name());
        if opts.color {
            status_cell = status_cell.fg(status_color(status));
        }
        table.add_row(vec![
            status_cell,
            Cell::new(c.severity().name()),
            Cell::new(safe(&c.control.id)),
            Cell::new(safe(&c.control.title)),
            Cell::new(c.reason().map(safe).unwrap_or_default()),
        ]);
    }
    if r.error.is_none() {
        writeln!(out, "{table}")?;
    }
    writeln!(out, "{}", summary_line(&r.summary()))?;
    if let Some(v) = verdict {
        writeln!(out, "threshold {}", verdict_line(v))?;
    }
    Ok(())
}

/// Every container, separated by a blank line.
pub fn write(
    out: &mut dyn Write,
    reports: &[ContainerReport],
    opts: &TableOptions,
) -> io::Result<()> {
    write_outcome(
        out,
        &Outcome {
            reports,
            verdicts: None,
        },
        opts,
    )
}

/// Every container with its threshold verdict, separated by a blank line.
pub fn write_outcome(
    out: &mut dyn Write,
    outcome: &Outcome,
    opts: &TableOptions,
) -> io::Result<()> {
    for (i, (r, verdict)) in outcome.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_report_with_verdict(out, r, verdict, opts)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn threshold_verdict_follows_the_summary() {
        let reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let mut out = Vec::new();
        let outcome = Outcome {
            reports: &reports,
            verdicts: Some(&verdicts),
        };
        let opts = TableOptions {
            color: false,
            width: None,
        };
        write_outcome(&mut out, &outcome, &opts).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "compliance 20%\nthreshold violated: failed.critical.max: expected at most 0, got 1\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("compliance 0%\nthreshold met\n"), "{text}");
    }
}
