//! SARIF 2.1.0: controls as rules, failed controls as results located at their container.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{one_line, verdict_line, Outcome};
use crate::results::{ContainerReport, ControlResult, SafStatus, Severity, Status, Target};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::None => "note",
    }
}

/// GitHub code scanning ranks security results by this number (CVSS-like, as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::None => "0.0",
    }
}

/// Percent-encode a URI path segment (RFC 3986 unreserved characters stay as they are).
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `k8s://namespace/pod/container` for a container, `file:///dir` for a directory scan.
pub fn target_uri(t: &Target) -> String {
    match (&t.namespace, &t.pod, &t.container, &t.root) {
        (Some(ns), Some(pod), c, _) => {
            let mut uri = format!("k8s://{}/{}", encode_segment(ns), encode_segment(pod));
            if let Some(c) = c {
                uri.push('/');
                uri.push_str(&encode_segment(c));
            }
            uri
        }
        (_, _, _, Some(root)) => {
            let segs: Vec<String> = root
                .trim_start_matches('/')
                .split('/')
                .map(encode_segment)
                .collect();
            format!("file:///{}", segs.join("/"))
        }
        _ => "k8s://unknown".into(),
    }
}

/// Tags for `properties.tags`: what kind of finding, plus NIST and CIS tags of the control.
fn tags(c: &ControlResult) -> Vec<String> {
    let mut tags = vec!["security".to_string(), "compliance".to_string()];
    for key in ["nist", "cis", "cci"] {
        match c.control.tags.get(key) {
            Some(Value::Array(items)) => {
                for i in items.iter().filter_map(Value::as_str) {
                    tags.push(format!("{key}:{i}"));
                }
            }
            Some(Value::String(s)) => tags.push(format!("{key}:{s}")),
            _ => {}
        }
    }
    tags
}

/// A readable rule name distinct from the id (SARIF1001): the title in PascalCase,
/// `/etc/passwd mode <= 0644, owner root` → `EtcPasswdMode0644OwnerRoot`.
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            first.unwrap_or_default() + chars.as_str()
        })
        .collect()
}

fn rule(c: &ControlResult, profile: &str) -> Value {
    let ctl = &c.control;
    let sev = c.severity();
    let mut help = one_line(&ctl.desc);
    if let Some(fix) = &ctl.fix {
        help.push_str(&format!(" Fix: {}", one_line(fix)));
    }
    let refs: Vec<String> = ctl
        .refs
        .iter()
        .map(|r| match (&r.reference, &r.url) {
            (Some(x), Some(u)) => format!("{x} ({u})"),
            (Some(x), None) => x.clone(),
            (None, Some(u)) => u.clone(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    if !refs.is_empty() {
        help.push_str(&format!(" References: {}.", refs.join("; ")));
    }
    let mut rule = json!({
        "id": ctl.id,
        "shortDescription": {"text": one_line(&ctl.title)},
        "fullDescription": {"text": one_line(&ctl.desc)},
        "help": {"text": help},
        "defaultConfiguration": {"level": level(sev)},
        "properties": {
            "tags": tags(c),
            "security-severity": security_severity(sev),
            "severity": sev.name(),
            "impact": c.impact(),
            "profile": profile,
        },
    });
    let name = rule_name(&ctl.title);
    if !name.is_empty() && name != ctl.id {
        rule["name"] = json!(name);
    }
    if let Some(url) = ctl
        .refs
        .iter()
        .filter_map(|r| r.url.as_deref())
        .find(|u| u.starts_with("https://") || u.starts_with("http://"))
    {
        rule["helpUri"] = json!(url);
    }
    rule
}

fn fingerprint(target_id: &str, control_id: &str) -> String {
    let digest = Sha256::digest(format!("{target_id}\0{control_id}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn result(c: &ControlResult, rule_index: usize, r: &ContainerReport) -> Value {
    let t = &r.target;
    let id = t.id();
    let messages: Vec<String> = c
        .results
        .iter()
        .filter(|x| x.status == Status::Failed)
        .map(|x| match &x.message {
            Some(m) => format!("{} ({})", one_line(&x.code_desc), one_line(m)),
            None => one_line(&x.code_desc),
        })
        .collect();
    let text = format!(
        "{id}: {}: {}",
        one_line(&c.control.title),
        messages.join("; ")
    );
    let mut props = Map::new();
    props.insert("target_id".into(), json!(id));
    props.insert("severity".into(), json!(c.severity().name()));
    props.insert("tags".into(), json!(tags(c)));
    for (k, v) in [
        ("image", &t.image),
        ("image_id", &t.image_id),
        ("node", &t.node),
    ] {
        if let Some(v) = v {
            props.insert(k.into(), json!(v));
        }
    }
    json!({
        "ruleId": c.control.id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": level(c.severity()),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": target_uri(t)}},
            "logicalLocations": [{
                "name": t.container.clone().unwrap_or_else(|| id.clone()),
                "fullyQualifiedName": id,
                "kind": "resource",
            }],
        }],
        "partialFingerprints": {"cincScanTargetControl/v1": fingerprint(&id, &c.control.id)},
        "properties": props,
    })
}

/// The SARIF log of the whole scan: one run, every control a rule, every failure a result.
pub fn document(outcome: &Outcome) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for r in outcome.reports {
        for p in &r.profiles {
            for c in &p.controls {
                if !index.contains_key(&c.control.id) {
                    index.insert(c.control.id.clone(), rules.len());
                    rules.push(rule(c, &p.profile.name));
                }
            }
        }
    }
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    let mut verdicts = Map::new();
    for (r, verdict) in outcome.iter() {
        for c in r.all_controls() {
            if c.saf_status() == SafStatus::Failed {
                let i = index.get(&c.control.id).copied().unwrap_or(0);
                results.push(result(c, i, r));
            }
        }
        let errored: Vec<&ControlResult> = r
            .all_controls()
            .filter(|c| c.saf_status() == SafStatus::ProfileError)
            .collect();
        if let Some(err) = &r.error {
            notifications.push(json!({
                "level": "error",
                "message": {"text": format!("{}: {}", r.target.id(), one_line(err))},
            }));
        } else {
            for c in errored {
                notifications.push(json!({
                    "level": "error",
                    "message": {"text": format!(
                        "{}: control {} errored: {}",
                        r.target.id(),
                        c.control.id,
                        one_line(c.reason().unwrap_or("no results"))
                    )},
                    "associatedRule": {"id": c.control.id, "index": index.get(&c.control.id).copied().unwrap_or(0)},
                }));
            }
        }
        if let Some(v) = verdict {
            verdicts.insert(r.target.id(), json!(verdict_line(v)));
        }
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": "kubectl-cinc-scan",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://saf.mitre.org/",
            "rules": rules,
        }},
        "invocations": [{
            "executionSuccessful": notifications.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
        "results": results,
        "properties": {
            "targets": outcome.reports.iter().map(|r| r.target.id()).collect::<Vec<_>>(),
        },
    });
    if !verdicts.is_empty() {
        run["properties"]["thresholds"] = Value::Object(verdicts);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

pub fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(outcome))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn rule_names_are_pascal_case_titles() {
        assert_eq!(
            rule_name("/etc/passwd mode <= 0644, owner root"),
            "EtcPasswdMode0644OwnerRoot"
        );
        assert_eq!(rule_name("no_new_privs is set"), "NoNewPrivsIsSet");
        assert_eq!(rule_name("<>"), "");
    }

    #[test]
    fn uris_name_the_container() {
        let t = Target {
            namespace: Some("shop".into()),
            pod: Some("web 0".into()),
            container: Some("app".into()),
            ..Default::default()
        };
        assert_eq!(target_uri(&t), "k8s://shop/web%200/app");
        let t = Target {
            root: Some("/tmp/a b/root".into()),
            ..Default::default()
        };
        assert_eq!(target_uri(&t), "file:///tmp/a%20b/root");
    }

    #[test]
    fn snapshot() {
        let reports = testdata::reports();
        let verdicts = testdata::verdicts();
        let doc = document(&Outcome {
            reports: &reports,
            verdicts: Some(&verdicts),
        });
        let run = &doc["runs"][0];
        assert_eq!(doc["version"], "2.1.0");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["ok-1", "bad-1", "bad-2", "skip-1", "na-1", "err-1"]);
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
        assert_eq!(rules[1]["properties"]["security-severity"], "9.5");
        assert_eq!(rules[2]["defaultConfiguration"]["level"], "note");
        assert_eq!(rules[1]["helpUri"], "https://example.org/cis#1.2");
        assert_eq!(rules[1]["name"], "FailsBadlyLoudly");
        for r in rules {
            assert_ne!(
                r["name"], r["id"],
                "SARIF1001: a rule name must differ from its id"
            );
        }
        assert_eq!(
            rules[1]["properties"]["tags"],
            json!(["security", "compliance", "nist:AC-6", "nist:CM-6"])
        );
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        let expected = json!({
            "ruleId": "bad-2",
            "ruleIndex": 2,
            "kind": "fail",
            "level": "note",
            "message": {"text": "shop/web-0/app: Fails a little: check is failed (mode 0666 | too open)"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": "k8s://shop/web-0/app"}},
                "logicalLocations": [{"name": "app", "fullyQualifiedName": "shop/web-0/app", "kind": "resource"}],
            }],
            "partialFingerprints": {"cincScanTargetControl/v1": fingerprint("shop/web-0/app", "bad-2")},
            "properties": {
                "target_id": "shop/web-0/app",
                "severity": "low",
                "tags": ["security", "compliance", "nist:AC-6", "nist:CM-6"],
                "image": "registry.example/web:1.4",
                "node": "node-1",
            },
        });
        assert_eq!(results[1], expected);
        let inv = &run["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let notes = inv["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(
            notes[1]["message"]["text"],
            "shop/web-1/app: RBAC denies create on pods/exec"
        );
        assert_eq!(
            run["properties"]["thresholds"]["shop/web-0/app"],
            "violated: failed.critical.max: expected at most 0, got 1"
        );
    }
}
