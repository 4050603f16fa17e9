//! HDF documents back into the results model, so fetched sidecar results print like a scan
//! (table, thresholds, exit codes). Only what the reporters read is restored; a document
//! that is not HDF is an error, never a panic.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::results::{
    CheckResult, ContainerReport, ControlMeta, ControlResult, Platform, ProfileMeta, ProfileResult,
    Reference, Status, Target,
};

/// Longest text kept from a document field (a results volume is writable by the target's uid).
const MAX_TEXT: usize = 64 * 1024;

/// Bounded, and with control characters other than newline and tab escaped, so nothing in
/// a document can drive the terminal the table is printed on.
fn clean(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(MAX_TEXT) {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn text(v: &Value) -> String {
    clean(v.as_str().unwrap_or_default())
}

fn opt_text(v: &Value) -> Option<String> {
    v.as_str().map(clean)
}

fn status_of(s: &str) -> Option<Status> {
    Some(match s {
        "passed" => Status::Passed,
        "failed" => Status::Failed,
        "skipped" => Status::Skipped,
        "error" => Status::Error,
        _ => return None,
    })
}

fn control_of(c: &Value) -> Result<ControlResult, String> {
    let id: String = clean(c["id"].as_str().ok_or("a control has no id")?)
        .chars()
        .take(256)
        .collect();
    let impact = c["impact"].as_f64().unwrap_or(0.5).clamp(0.0, 1.0);
    let tags: BTreeMap<String, Value> = c["tags"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let refs = c["refs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| Reference {
                    reference: opt_text(&r["ref"]),
                    url: opt_text(&r["url"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut results = Vec::new();
    for r in c["results"].as_array().into_iter().flatten() {
        let status = r["status"]
            .as_str()
            .and_then(status_of)
            .ok_or_else(|| format!("a result of control {id} has no valid status"))?;
        let message = match status {
            Status::Skipped => opt_text(&r["skip_message"]),
            _ => opt_text(&r["message"]),
        };
        results.push(CheckResult {
            code_desc: text(&r["code_desc"]),
            status,
            message,
            run_time: r["run_time"].as_f64().unwrap_or(0.0),
        });
    }
    let description = |label: &str| {
        c["descriptions"].as_array().and_then(|ds| {
            ds.iter()
                .find(|d| d["label"] == label)
                .and_then(|d| opt_text(&d["data"]))
        })
    };
    Ok(ControlResult {
        control: Arc::new(ControlMeta {
            id,
            title: text(&c["title"]),
            desc: text(&c["desc"]),
            check: description("check"),
            fix: description("fix"),
            impact,
            tags,
            refs,
            line: c["source_location"]["line"].as_u64().unwrap_or(0) as usize,
            code: text(&c["code"]),
        }),
        results,
        // The document already carries impact 0 for a control that did not apply.
        not_applicable: false,
    })
}

fn profile_of(p: &Value) -> Result<ProfileResult, String> {
    let source = p["groups"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let controls = p["controls"]
        .as_array()
        .ok_or("a profile has no controls list")?
        .iter()
        .map(control_of)
        .collect::<Result<Vec<_>, _>>()?;
    let profile = ProfileMeta {
        name: text(&p["name"]),
        title: opt_text(&p["title"]),
        version: opt_text(&p["version"]),
        maintainer: opt_text(&p["maintainer"]),
        summary: opt_text(&p["summary"]),
        license: opt_text(&p["license"]),
        copyright: opt_text(&p["copyright"]),
        copyright_email: opt_text(&p["copyright_email"]),
        supports: serde_json::from_value(p["supports"].clone()).unwrap_or_default(),
        source,
        sha256: text(&p["sha256"]),
    };
    Ok(ProfileResult {
        profile: Arc::new(profile),
        controls,
    })
}

/// One HDF document (as `hdf::document` writes it) as a report.
pub fn report_of(doc: &Value) -> Result<ContainerReport, String> {
    let profiles = doc["profiles"]
        .as_array()
        .ok_or("not an HDF document (no profiles)")?
        .iter()
        .map(profile_of)
        .collect::<Result<Vec<_>, _>>()?;
    let pt = &doc["passthrough"]["cinc_scan"];
    let target = Target {
        namespace: opt_text(&pt["namespace"]),
        pod: opt_text(&pt["pod"]),
        container: opt_text(&pt["container"]),
        image: opt_text(&pt["image"]),
        image_id: opt_text(&pt["image_id"]),
        node: opt_text(&pt["node"]),
        root: opt_text(&pt["root"]),
        access: opt_text(&pt["access"]).unwrap_or_else(|| "sidecar".into()),
        access_detail: opt_text(&pt["access_detail"]),
        workload: None,
    };
    let platform = Platform {
        name: text(&doc["platform"]["name"]),
        release: text(&doc["platform"]["release"]),
    };
    let start_time = doc["profiles"][0]["controls"][0]["results"][0]["start_time"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok(ContainerReport {
        target,
        platform,
        profiles,
        error: opt_text(&pt["error"]),
        start_time,
        duration: doc["statistics"]["duration"].as_f64().unwrap_or(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::hdf;

    #[test]
    fn a_document_reads_back_to_the_same_statuses_and_document() {
        let reports = crate::report::testdata::reports();
        for r in &reports {
            let doc = hdf::document(r);
            let back = report_of(&doc).unwrap();
            assert_eq!(back.summary(), r.summary());
            assert_eq!(back.target, r.target);
            // Identical but for the escape character in one message, which comes back escaped.
            let want = serde_json::to_string(&doc)
                .unwrap()
                .replace("\\u001b", "\\\\u{1b}");
            assert_eq!(serde_json::to_string(&hdf::document(&back)).unwrap(), want);
        }
        assert!(report_of(&serde_json::json!({"a": 1})).is_err());
        let hostile = serde_json::json!({"profiles": [{"name": "p", "controls": [{"id": "x\u{1b}[2J", "title": "t\u{9b}31m",
            "results": [{"status": "failed", "code_desc": "a\nb", "message": "\u{1b}]0;pwned\u{7}"}]}]}]});
        let r = report_of(&hostile).unwrap();
        let c = &r.profiles[0].controls[0];
        assert_eq!(c.control.id, "x\\u{1b}[2J");
        assert_eq!(c.control.title, "t\\u{9b}31m");
        assert_eq!(c.results[0].code_desc, "a\nb");
        assert!(!c.results[0].message.as_ref().unwrap().contains('\u{1b}'));
        assert!(report_of(&serde_json::json!({"profiles": [{"controls": [{"id": "x", "results": [{"status": "bogus"}]}]}]})).is_err());
    }
}
