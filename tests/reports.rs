//! Report files of real scans: several formats in one run, JUnit checked with xmllint against a
//! JUnit XSD, SARIF checked against the SARIF 2.1.0 JSON Schema (both vendored in tests/schemas).
//! The validator tests need CINC_SCAN_XMLLINT and CINC_SCAN_PYTHON (a Python with `jsonschema`);
//! tests/run-all installs both and sets them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

/// A tool named by an environment variable; set but not runnable is a failure.
fn tool(var: &str, version_arg: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{var} is not set: run through tests/run-all"));
    let out = Command::new(&path)
        .arg(version_arg)
        .output()
        .unwrap_or_else(|e| panic!("{var}={} does not run: {e}", path.display()));
    assert!(
        out.status.success(),
        "{var}={} {version_arg} failed",
        path.display()
    );
    path
}

/// Scan the debian fixture (with hostile file names) and the mix profile, writing every report.
struct Scan {
    _fixture: common::Fixture,
    dir: tempfile::TempDir,
    output: Output,
}

impl Scan {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
}

fn scan() -> Scan {
    let fixture = common::build("debian");
    let dir = tempfile::tempdir().unwrap();
    let mix = common::fixtures_dir().join("profiles/threshold-mix.yaml");
    let output = Command::new(bin())
        .arg("--root")
        .arg(fixture.root())
        .arg("--profile")
        .arg("builtin:container-baseline")
        .arg("--profile")
        .arg(&mix)
        .args([
            "--threshold-inline",
            "{compliance.min: 90}",
            "-o",
            "markdown",
        ])
        .arg("--report")
        .arg(format!("junit={}", dir.path().join("out/r.xml").display()))
        .arg("--report")
        .arg(format!("sarif={}", dir.path().join("r.sarif").display()))
        .arg("--report")
        .arg(format!("json={}", dir.path().join("r.jsonl").display()))
        .arg("--report")
        .arg(format!("table={}", dir.path().join("r.txt").display()))
        .arg("--report")
        .arg(format!("markdown={}", dir.path().join("r.md").display()))
        .output()
        .unwrap();
    Scan {
        _fixture: fixture,
        dir,
        output,
    }
}

#[test]
fn one_scan_writes_every_report() {
    let s = scan();
    let stderr = String::from_utf8_lossy(&s.output.stderr);
    assert_eq!(
        s.output.status.code(),
        Some(3),
        "threshold violated: {stderr}"
    );
    assert!(
        stderr.contains("compliance.min: expected at least 90%, got "),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&s.output.stdout);
    assert_eq!(stdout, s.text("r.md"), "stdout and --report markdown agree");
    assert!(stdout.contains("❌ violated (1)"), "{stdout}");
    let hdf: Value = serde_json::from_str(s.text("r.jsonl").trim()).unwrap();
    let failed: Vec<&str> = hdf["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["controls"].as_array().unwrap())
        .filter(|c| c["impact"].as_f64() != Some(0.0))
        .filter(|c| {
            let st: Vec<&str> = c["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["status"].as_str().unwrap())
                .collect();
            st.contains(&"failed") && !st.contains(&"error")
        })
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let sarif: Value = serde_json::from_str(&s.text("r.sarif")).unwrap();
    let results: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(results, failed, "one SARIF result per failed control");
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert!(uri.as_str().unwrap().starts_with("file:///"), "{uri}");
    let xml = s.text("out/r.xml");
    assert!(xml.contains("<testcase name=\"threshold\""), "{xml}");
    assert_eq!(
        xml.matches("<testcase ").count(),
        hdf["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["controls"].as_array().unwrap().len())
            .sum::<usize>()
            + 1
    );
    assert!(!xml.contains('\u{1b}'), "control characters are dropped");
    assert!(s
        .text("r.txt")
        .contains("threshold violated: compliance.min"));
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "atomic writes leave no temp files");
}

#[test]
fn an_unwritable_report_is_an_error_after_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let out = Command::new(bin())
        .arg("--root")
        .arg(common::fixtures_dir().join("distroless"))
        .args(["-o", "json"])
        .arg("--report")
        .arg(format!(
            "sarif={}",
            dir.path().join("file/sub/r.sarif").display()
        ))
        .arg("--report")
        .arg(format!("junit={}", dir.path().join("r.xml").display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write the sarif report to"),
        "{stderr}"
    );
    assert!(dir.path().join("r.xml").exists());
    assert!(!out.stdout.is_empty());
}

#[test]
#[ignore = "needs xmllint: tests/run-all installs libxml2-utils and sets CINC_SCAN_XMLLINT"]
fn junit_validates_against_the_junit_xsd() {
    let xmllint = tool("CINC_SCAN_XMLLINT", "--version");
    let s = scan();
    let run = |file: &Path| {
        Command::new(&xmllint)
            .arg("--noout")
            .arg("--schema")
            .arg(schemas().join("jenkins-junit.xsd"))
            .arg(file)
            .output()
            .unwrap()
    };
    let out = run(&s.path("out/r.xml"));
    assert!(
        out.status.success(),
        "xmllint rejects our JUnit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("validates"));
    // The schema really constrains: an attribute it does not allow is refused.
    let xml = s.text("out/r.xml");
    assert!(xml.contains("<skipped>"));
    let bad = s.path("bad.xml");
    std::fs::write(&bad, xml.replacen("<skipped>", "<skipped bogus=\"1\">", 1)).unwrap();
    assert!(!run(&bad).status.success());
}

const VALIDATE_PY: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc), key=str)
for e in errors:
    print("/".join(map(str, e.absolute_path)), e.message)
print("valid" if not errors else "%d errors" % len(errors))
sys.exit(1 if errors else 0)
"#;

#[test]
#[ignore = "needs python with jsonschema: tests/run-all makes a venv and sets CINC_SCAN_PYTHON"]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let python = tool("CINC_SCAN_PYTHON", "--version");
    let s = scan();
    let schema = schemas().join("sarif-2.1.0-rtm.5.json");
    let run = |file: &Path| {
        Command::new(&python)
            .args(["-c", VALIDATE_PY])
            .arg(&schema)
            .arg(file)
            .output()
            .unwrap()
    };
    let out = run(&s.path("r.sarif"));
    assert!(
        out.status.success(),
        "SARIF schema rejects our log: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator really validates: a log with a bad level is refused.
    let mut bad: Value = serde_json::from_str(&s.text("r.sarif")).unwrap();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    let bad_path = s.path("bad.sarif");
    std::fs::write(&bad_path, bad.to_string()).unwrap();
    assert!(!run(&bad_path).status.success());
}

#[test]
#[ignore = "needs Microsoft's SARIF Multitool: tests/run-all installs it and sets CINC_SCAN_SARIF_MULTITOOL"]
fn sarif_multitool_finds_no_error_and_no_rule_name_warning() {
    let multitool = tool("CINC_SCAN_SARIF_MULTITOOL", "--version");
    let s = scan();
    let out_path = s.path("validation.sarif");
    // The npm wrapper hands its arguments to a shell: quote the ';' lists for it.
    let out = Command::new(&multitool)
        .args([
            "validate",
            "--level",
            "\"Error;Warning;Note\"",
            "--rule-kind",
            "\"Sarif;Gh\"",
            "--log",
            "ForceOverwrite",
            "-o",
        ])
        .arg(&out_path)
        .arg(s.path("r.sarif"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    let findings: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap_or("warning").to_string(),
            )
        })
        .collect();
    assert!(
        findings.iter().any(|(_, level)| level == "note"),
        "the multitool analysed the log: {stdout}"
    );
    // SARIF2017 (no `region`) is expected: a finding is about a container, not a line of text.
    let bad: Vec<&(String, String)> = findings
        .iter()
        .filter(|(rule, level)| level != "note" && rule != "SARIF2017")
        .collect();
    assert!(bad.is_empty(), "{bad:?}\n{stdout}");
    assert!(!stdout.contains("SARIF1001"), "{stdout}");
}
