//! Snapshot tests of the table and HDF JSON for scans of fixture trees (times and temporary
//! paths redacted). Review changes with `cargo insta review` or by reading the .snap diff.

mod common;

use std::sync::Arc;

use cinc_scan::engine::builtin;
use cinc_scan::report::{json, table};
use cinc_scan::results::ContainerReport;
use regex::Regex;

async fn scan(fixture: &str) -> (ContainerReport, common::Fixture) {
    let fx = common::build(fixture);
    assert_eq!(
        std::fs::metadata(fx.root().join("etc/passwd"))
            .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
            .unwrap(),
        0,
        "snapshot tests need the fixture owned by root: run them as root (CI and tests/run-all do)"
    );
    let profile = Arc::new(builtin::load(builtin::DEFAULT).unwrap());
    let report = cinc_scan::scan::scan_root(fx.root().to_path_buf(), vec![profile], 1 << 20).await;
    (report, fx)
}

fn redact(text: &str, root: &str) -> String {
    let text = text.replace(root, "[ROOT]");
    let times = Regex::new(r#""(start_time|run_time|duration)":\s*("[^"]*"|[0-9.e-]+)"#).unwrap();
    times
        .replace_all(&text, "\"$1\": \"[redacted]\"")
        .into_owned()
}

async fn snapshot(fixture: &str) {
    let (report, fx) = scan(fixture).await;
    let root = fx.root().display().to_string();
    let mut out = Vec::new();
    table::write(
        &mut out,
        std::slice::from_ref(&report),
        &table::TableOptions {
            color: false,
            width: Some(100),
        },
    )
    .unwrap();
    insta::assert_snapshot!(
        format!("{fixture}_table"),
        redact(&String::from_utf8(out).unwrap(), &root)
    );
    let doc = serde_json::to_string_pretty(&cinc_scan::results::hdf::document(&report)).unwrap();
    insta::assert_snapshot!(format!("{fixture}_hdf"), redact(&doc, &root));
    let mut lines = Vec::new();
    json::write_lines(&mut lines, &[report.clone(), report]).unwrap();
    assert_eq!(
        String::from_utf8(lines).unwrap().lines().count(),
        2,
        "one JSON document per line"
    );
}

#[tokio::test]
async fn alpine_fixture() {
    snapshot("alpine").await;
}

#[tokio::test]
async fn distroless_fixture() {
    snapshot("distroless").await;
}

#[tokio::test]
async fn debian_fixture_with_hostile_content() {
    snapshot("debian").await;
}
