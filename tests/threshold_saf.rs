//! Threshold verdicts compared with the real `saf validate threshold`, and our HDF read by
//! `saf view summary`. The SAF tests need `CINC_SCAN_SAF=/path/to/saf` (tests/run-all installs
//! `@mitre/saf` and sets it); a plain `cargo test` ignores them and still checks our verdicts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `saf` executable from CINC_SCAN_SAF; a set variable that does not run is a failure.
fn saf() -> PathBuf {
    let path = std::env::var_os("CINC_SCAN_SAF")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("CINC_SCAN_SAF is not set: run through tests/run-all, which installs @mitre/saf")
        });
    let out = Command::new(&path)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("CINC_SCAN_SAF={} does not run: {e}", path.display()));
    assert!(
        out.status.success(),
        "CINC_SCAN_SAF={} --version failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// The documents the cases run on.
#[derive(Clone, Copy, Debug)]
#[repr(usize)]
enum Doc {
    /// alpine fixture, built-in profile.
    Alpine,
    /// debian fixture (as committed), built-in profile.
    Debian,
    /// distroless fixture, built-in profile.
    Distroless,
    /// alpine with tests/fixtures/profiles/threshold-mix.yaml first and the built-in second:
    /// only the first profile counts (2 passed, 4 failed, 1 skipped, 1 n/a, 29%).
    Mix,
}

impl Doc {
    fn args(self) -> Vec<String> {
        let f = fixtures();
        let root = |n: &str| vec!["--root".to_string(), f.join(n).display().to_string()];
        match self {
            Doc::Alpine => root("alpine"),
            Doc::Debian => root("debian"),
            Doc::Distroless => root("distroless"),
            Doc::Mix => {
                let mut a = root("alpine");
                a.extend([
                    "--profile".into(),
                    f.join("profiles/threshold-mix.yaml").display().to_string(),
                    "--profile".into(),
                    "builtin:container-baseline".into(),
                ]);
                a
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Met,
    Violated,
    /// We refuse the file (exit 2, naming the key); SAF silently ignores the key and passes.
    RejectedSafIgnores,
}

struct Case {
    name: &'static str,
    doc: Doc,
    /// A threshold file's text, or with `inline:` in front the -I / --threshold-inline text.
    threshold: &'static str,
    expect: Expect,
}

const fn case(name: &'static str, doc: Doc, threshold: &'static str, expect: Expect) -> Case {
    Case {
        name,
        doc,
        threshold,
        expect,
    }
}

use Doc::*;
use Expect::*;

// `$C` compliance, `$P`/`$F`/`$S` passed/failed/skipped totals, `$FH`/`$FC` failed high and
// critical, each optionally `+1`/`-1`: filled in from the document (see `Counts`), so the cases
// on the built-in profile stay right when the profile changes.
const CASES: &[Case] = &[
    case(
        "compliance exactly at min",
        Alpine,
        "compliance: {min: $C}",
        Met,
    ),
    case(
        "compliance one above",
        Alpine,
        "compliance: {min: $C+1}",
        Violated,
    ),
    case(
        "compliance exactly at max",
        Alpine,
        "compliance: {max: $C}",
        Met,
    ),
    case(
        "compliance max below",
        Alpine,
        "compliance: {max: $C-1}",
        Violated,
    ),
    case(
        "compliance min 0 ignored",
        Alpine,
        "compliance: {min: 0}",
        Met,
    ),
    case(
        "compliance max 0 ignored",
        Alpine,
        "compliance: {max: 0}",
        Met,
    ),
    case("passed.total exact", Alpine, "passed: {total: $P}", Met),
    case(
        "passed.total exact off by one",
        Alpine,
        "passed: {total: $P-1}",
        Violated,
    ),
    case(
        "failed.total.max at",
        Alpine,
        "failed: {total: {max: $F}}",
        Met,
    ),
    case(
        "failed.total.max below",
        Alpine,
        "failed: {total: {max: $F-1}}",
        Violated,
    ),
    case(
        "skipped.total.min above",
        Alpine,
        "skipped: {total: {min: $S+1}}",
        Violated,
    ),
    case("error.total.max 0", Alpine, "error: {total: {max: 0}}", Met),
    case(
        "failed.high.max at",
        Alpine,
        "failed: {high: {max: $FH}}",
        Met,
    ),
    case(
        "failed.high.max below",
        Alpine,
        "failed: {high: {max: $FH-1}}",
        Violated,
    ),
    case(
        "passed.critical.min 0",
        Alpine,
        "passed: {critical: {min: 0}}",
        Met,
    ),
    case(
        "failed.critical.max at",
        Debian,
        "failed: {critical: {max: $FC}}",
        Met,
    ),
    case(
        "several rules, one violated",
        Debian,
        "compliance: {min: $C}\nfailed: {total: {max: $F}, critical: {max: $FC-1}}",
        Violated,
    ),
    case(
        "distroless failed.total exact",
        Distroless,
        "failed: {total: $F}",
        Met,
    ),
    // Not applicable through only_applicable_if (no /etc/shadow, no /root): impact 0, counted
    // under no_impact by the control's severity tag, as SAF does.
    case(
        "distroless only_applicable_if is no_impact",
        Distroless,
        "no_impact: {critical: {controls: [cb-acct-05]}, high: {controls: [cb-acct-03]}, medium: {controls: [cb-fs-04]}}",
        Met,
    ),
    case(
        "first profile only: passed exact",
        Mix,
        "passed: {total: 2}",
        Met,
    ),
    case(
        "first profile only: failed exact",
        Mix,
        "failed: {total: 4}",
        Met,
    ),
    case("mix compliance at", Mix, "compliance: {min: 29}", Met),
    case(
        "mix compliance above",
        Mix,
        "compliance: {min: 30}",
        Violated,
    ),
    case(
        "controls exact",
        Mix,
        "failed: {critical: {controls: [mix-08]}}",
        Met,
    ),
    case(
        "controls with an extra id",
        Mix,
        "failed: {critical: {controls: [mix-08, mix-02]}}",
        Violated,
    ),
    case(
        "controls of two buckets",
        Mix,
        "failed: {medium: {controls: [mix-02]}}\npassed: {low: {controls: [mix-07]}}",
        Met,
    ),
    case(
        "controls missing",
        Mix,
        "passed: {critical: {controls: [mix-99]}}",
        Violated,
    ),
    case(
        "controls empty never match",
        Mix,
        "failed: {low: {controls: []}}",
        Violated,
    ),
    case(
        "capitalised severity in no bucket",
        Mix,
        "failed: {high: {max: 0}}",
        Met,
    ),
    case(
        "capitalised severity: controls",
        Mix,
        "failed: {high: {controls: [mix-05]}}",
        Violated,
    ),
    case(
        "no_impact none controls",
        Mix,
        "no_impact: {none: {controls: [mix-03]}}",
        Met,
    ),
    case(
        "no_impact none max 0",
        Mix,
        "no_impact: {none: {max: 0}}",
        Violated,
    ),
    case("no_impact total exact", Mix, "no_impact: {total: 1}", Met),
    case(
        "skipped low min",
        Mix,
        "skipped: {low: {min: 1, max: 1}}",
        Met,
    ),
    case(
        "flattened file",
        Alpine,
        "compliance.min: $C\nfailed.high.max: $FH\npassed.total: $P",
        Met,
    ),
    case(
        "flattened: the later key of a pair wins (min)",
        Mix,
        "failed.critical.max: 1\nfailed.critical.min: 2",
        Violated,
    ),
    case(
        "flattened: the later key of a pair wins (max)",
        Mix,
        "failed.critical.min: 2\nfailed.critical.max: 1",
        Met,
    ),
    case(
        "flattened with a list: compliance not read",
        Mix,
        "failed.critical.controls: [mix-08]\ncompliance.min: 99",
        Met,
    ),
    case(
        "flattened with a list: counts read",
        Mix,
        "failed.critical.controls: [mix-08]\nfailed.medium.max: 0",
        Violated,
    ),
    case(
        "generated by saf generate threshold",
        Mix,
        "compliance:\n  min: 29\npassed:\n  critical:\n    min: 1\n  total:\n    min: 2\n\
         failed:\n  critical:\n    max: 1\n  total:\n    max: 4\n\
         no_impact:\n  total:\n    max: 1\n",
        Met,
    ),
    case(
        "json file",
        Alpine,
        r#"{"compliance": {"min": $C}, "failed": {"total": {"max": $F}}}"#,
        Met,
    ),
    case(
        "unknown key",
        Alpine,
        "compliance: {min: 10}\nfailed: {critcal: {max: 0}}",
        RejectedSafIgnores,
    ),
    case(
        "unknown status",
        Alpine,
        "passd: {total: {min: 100}}",
        RejectedSafIgnores,
    ),
    case(
        "inline met",
        Alpine,
        "inline:{compliance.min: $C, failed.high.max: $FH}",
        Met,
    ),
    case(
        "inline violated",
        Alpine,
        "inline:{compliance.min: $C+1}",
        Violated,
    ),
    case(
        "inline, SAF's one-object-per-rule form",
        Alpine,
        "inline:{compliance.min: $C}, {passed.total.min: $P+1}",
        Violated,
    ),
    case(
        "inline pair: the later key wins",
        Alpine,
        "inline:{failed.high.min: $FH+1, failed.high.max: $FH}",
        Met,
    ),
    case("inline exact total", Mix, "inline:{failed.total: 4}", Met),
];

/// The numbers the `$` placeholders stand for, counted from an HDF document's first profile
/// with Heimdall's status and severity rules (independently of the plugin's code).
#[derive(Debug, Default)]
struct Counts {
    compliance: i64,
    passed: i64,
    failed: i64,
    skipped: i64,
    failed_high: i64,
    failed_critical: i64,
}

impl Counts {
    fn of(hdf: &str) -> Counts {
        let doc: Value = serde_json::from_str(hdf.trim()).expect("one HDF document");
        let mut c = Counts::default();
        let mut errors = 0;
        for ctl in doc["profiles"][0]["controls"].as_array().unwrap() {
            let st: Vec<&str> = ctl["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["status"].as_str().unwrap())
                .collect();
            let impact = ctl["impact"].as_f64().unwrap();
            let severity = ["severityoverride", "severity"]
                .iter()
                .filter_map(|t| ctl["tags"][t].as_str())
                .find(|s| ["none", "low", "medium", "high", "critical"].contains(s))
                .unwrap_or(match impact {
                    i if i < 0.1 => "none",
                    i if i < 0.4 => "low",
                    i if i < 0.7 => "medium",
                    i if i < 0.9 => "high",
                    _ => "critical",
                });
            if st.contains(&"error") || (impact != 0.0 && st.is_empty()) {
                errors += 1;
            } else if impact == 0.0 {
            } else if st.contains(&"failed") {
                c.failed += 1;
                c.failed_high += i64::from(severity == "high");
                c.failed_critical += i64::from(severity == "critical");
            } else if st.contains(&"passed") {
                c.passed += 1;
            } else {
                c.skipped += 1;
            }
        }
        let denom = c.passed + c.failed + c.skipped + errors;
        if denom > 0 {
            c.compliance = (100.0 * c.passed as f64 / denom as f64).round() as i64;
        }
        c
    }

    fn fill(&self, template: &str) -> String {
        let mut out = template.to_string();
        // Longest names first, so `$F` does not eat `$FH`.
        for (name, v) in [
            ("$FH", self.failed_high),
            ("$FC", self.failed_critical),
            ("$C", self.compliance),
            ("$P", self.passed),
            ("$F", self.failed),
            ("$S", self.skipped),
        ] {
            out = out
                .replace(&format!("{name}+1"), &(v + 1).to_string())
                .replace(&format!("{name}-1"), &(v - 1).to_string())
                .replace(name, &v.to_string());
        }
        out
    }
}

struct Ours {
    output: Output,
    /// The HDF document of the scan (absent when the threshold was refused).
    hdf: String,
}

fn run_ours(c: &Case, threshold: &str, dir: &Path, i: usize) -> Ours {
    let mut cmd = Command::new(bin());
    cmd.args(c.doc.args()).args(["-o", "json", "--no-progress"]);
    match threshold.strip_prefix("inline:") {
        Some(inline) => {
            cmd.args(["--threshold-inline", inline]);
        }
        None => {
            let path = dir.join(format!("t{i}.yml"));
            std::fs::write(&path, threshold).unwrap();
            cmd.arg("--threshold").arg(&path);
        }
    }
    let output = cmd.output().unwrap();
    let hdf = String::from_utf8_lossy(&output.stdout).into_owned();
    Ours { output, hdf }
}

fn check_ours(c: &Case, ours: &Ours) -> Result<(), String> {
    let code = ours.output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&ours.output.stderr);
    let want = match c.expect {
        Met => 0,
        Violated => 3,
        RejectedSafIgnores => 2,
    };
    if code != want {
        return Err(format!(
            "case '{}': we exited {code}, expected {want} ({:?}); stderr:\n{stderr}",
            c.name, c.expect
        ));
    }
    if c.expect == RejectedSafIgnores && !stderr.contains("unknown key") {
        return Err(format!(
            "case '{}': no 'unknown key' error: {stderr}",
            c.name
        ));
    }
    if c.expect == Violated && !stderr.contains("threshold violated by") {
        return Err(format!(
            "case '{}': violations not on stderr: {stderr}",
            c.name
        ));
    }
    Ok(())
}

#[test]
fn threshold_cases_give_our_expected_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let counts = all_counts();
    let failures: Vec<String> = CASES
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let threshold = counts[c.doc as usize].fill(c.threshold);
            check_ours(c, &run_ours(c, &threshold, dir.path(), i)).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The placeholder numbers of every document, indexed by `Doc as usize`.
fn all_counts() -> Vec<Counts> {
    [Alpine, Debian, Distroless, Mix]
        .into_iter()
        .map(|d| Counts::of(&plain_hdf(d)))
        .collect()
}

/// The HDF of a document without any threshold (for the cases we refuse, and the counts).
fn plain_hdf(doc: Doc) -> String {
    let out = Command::new(bin())
        .args(doc.args())
        .args(["-o", "json", "-q"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run_saf(saf: &Path, threshold: &str, hdf: &Path, dir: &Path, i: usize) -> Output {
    let mut cmd = Command::new(saf);
    cmd.args(["validate", "threshold", "-i"]).arg(hdf);
    match threshold.strip_prefix("inline:") {
        Some(inline) => {
            cmd.args(["-I", inline]);
        }
        None => {
            let path = dir.join(format!("saf-t{i}.yml"));
            std::fs::write(&path, threshold).unwrap();
            cmd.arg("-T").arg(&path);
        }
    }
    cmd.output().unwrap()
}

#[test]
#[ignore = "needs the real saf CLI: tests/run-all installs it and sets CINC_SCAN_SAF"]
fn threshold_verdicts_equal_saf_validate_threshold() {
    let saf = saf();
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(usize, &Case)> = CASES.iter().enumerate().collect();
    let counts = all_counts();
    // saf takes a second or two to start: run the cases on two threads.
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                let (saf, dir, counts) = (&saf, dir.path(), &counts);
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(i, c)| {
                            let threshold = counts[c.doc as usize].fill(c.threshold);
                            let ours = run_ours(c, &threshold, dir, *i);
                            check_ours(c, &ours)?;
                            let hdf_text = if c.expect == RejectedSafIgnores {
                                plain_hdf(c.doc)
                            } else {
                                ours.hdf.clone()
                            };
                            let hdf = dir.join(format!("doc{i}.json"));
                            std::fs::write(&hdf, hdf_text).unwrap();
                            let out = run_saf(saf, &threshold, &hdf, dir, *i);
                            let saf_code = out.status.code().unwrap_or(-1);
                            let saf_text = format!(
                                "{}{}",
                                String::from_utf8_lossy(&out.stdout),
                                String::from_utf8_lossy(&out.stderr)
                            );
                            let saf_met = match saf_code {
                                0 if saf_text.contains("All validation tests passed") => true,
                                1 => false,
                                _ => {
                                    return Err(format!(
                                        "case '{}': saf exited {saf_code}: {saf_text}",
                                        c.name
                                    ))
                                }
                            };
                            let ours_met = c.expect != Violated;
                            if saf_met != ours_met {
                                return Err(format!(
                                    "case '{}': saf says {}, we say {:?}; saf output: {saf_text}",
                                    c.name,
                                    if saf_met { "met" } else { "violated" },
                                    c.expect
                                ));
                            }
                            Ok(())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!(
        "{} threshold cases agree with saf validate threshold",
        CASES.len()
    );
}

#[test]
#[ignore = "needs the real saf CLI: tests/run-all installs it and sets CINC_SCAN_SAF"]
fn saf_view_summary_reads_our_hdf() {
    let saf = saf();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args(Doc::Debian.args())
        .arg("--output-dir")
        .arg(dir.path())
        .args(["-q", "-o", "markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(100), "{out:?}");
    // Our compliance, as the Markdown summary row shows it: `| target | … | 35% |`.
    let markdown = String::from_utf8_lossy(&out.stdout);
    let ours = markdown
        .lines()
        .find(|l| l.contains("fixtures/debian"))
        .and_then(|l| l.trim_end_matches(" |").rsplit("| ").next())
        .and_then(|c| c.strip_suffix('%'))
        .unwrap_or_else(|| panic!("no compliance in:\n{markdown}"))
        .to_string();
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let view = Command::new(&saf)
        .args(["view", "summary", "-i"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&view.stdout);
    assert!(
        view.status.success(),
        "saf view summary failed: {}{}",
        text,
        String::from_utf8_lossy(&view.stderr)
    );
    assert!(text.contains("profileName: container-baseline"), "{text}");
    assert!(
        text.contains(&format!("compliance: {ours}\n")),
        "saf's compliance differs from our {ours}%:\n{text}"
    );
}
