//! HDF (InSpec exec-json) wire format: one document per container, accepted by Heimdall and SAF.

use serde_json::{json, Map, Value};

use super::{ContainerReport, ControlResult, ProfileResult, Status};

fn result_json(r: &super::CheckResult, start_time: &str) -> Value {
    let mut v = json!({
        "status": r.status.name(),
        "code_desc": r.code_desc,
        "run_time": r.run_time,
        "start_time": start_time,
    });
    match (r.status, &r.message) {
        (Status::Skipped, Some(m)) => v["skip_message"] = json!(m),
        (Status::Failed | Status::Error, Some(m)) => v["message"] = json!(m),
        _ => {}
    }
    if r.status == Status::Error {
        v["exception"] = json!("ScanError");
    }
    v
}

fn control_json(c: &ControlResult, source: &str, start_time: &str) -> Value {
    let ctl = &c.control;
    let refs: Vec<Value> = ctl
        .refs
        .iter()
        .map(|r| {
            let mut m = Map::new();
            if let Some(x) = &r.reference {
                m.insert("ref".into(), json!(x));
            }
            if let Some(u) = &r.url {
                m.insert("url".into(), json!(u));
            }
            Value::Object(m)
        })
        .collect();
    let mut tags: Map<String, Value> = ctl.tags.clone().into_iter().collect();
    tags.entry("severity")
        .or_insert_with(|| json!(c.severity().name()));
    // Heimdall shows these as sections; `saf convert hdf2ckl` makes check and fix the
    // checklist's Check_Content and Fix_Text.
    let mut descriptions = vec![json!({"label": "default", "data": ctl.desc})];
    for (label, text) in [("check", &ctl.check), ("fix", &ctl.fix)] {
        if let Some(text) = text {
            descriptions.push(json!({"label": label, "data": text}));
        }
    }
    json!({
        "id": ctl.id,
        "title": ctl.title,
        "desc": ctl.desc,
        "descriptions": descriptions,
        "impact": c.impact(),
        "refs": refs,
        "tags": tags,
        "code": ctl.code,
        "source_location": {"ref": source, "line": ctl.line},
        "results": c.results.iter().map(|r| result_json(r, start_time)).collect::<Vec<_>>(),
    })
}

fn profile_json(p: &ProfileResult, start_time: &str) -> Value {
    let prof = &p.profile;
    let ids: Vec<&str> = p.controls.iter().map(|c| c.control.id.as_str()).collect();
    json!({
        "name": prof.name,
        "title": prof.title,
        "version": prof.version,
        "maintainer": prof.maintainer,
        "summary": prof.summary,
        "license": prof.license,
        "copyright": prof.copyright,
        "copyright_email": prof.copyright_email,
        "sha256": prof.sha256,
        "supports": prof.supports,
        "attributes": [],
        "groups": [{"id": prof.source, "controls": ids}],
        "controls": p.controls.iter().map(|c| control_json(c, &prof.source, start_time)).collect::<Vec<_>>(),
        "status": "loaded",
    })
}

/// The platform name: the OS from os-release, else the image's name (a distroless or scratch
/// image has no os-release), else `unknown`.
fn platform_name(report: &ContainerReport) -> String {
    if !report.platform.name.is_empty() {
        return report.platform.name.clone();
    }
    match report.target.image.as_deref().map(image_name) {
        Some(name) if !name.is_empty() => name,
        _ => "unknown".into(),
    }
}

/// `registry:5000/team/app:1.2@sha256:…` → `app`.
fn image_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last).to_string()
}

/// The HDF document of one container.
pub fn document(report: &ContainerReport) -> Value {
    let t = &report.target;
    let mut passthrough = json!({
        "cinc_scan": {
            "target_id": t.id(),
            "access": t.access,
        }
    });
    let pt = &mut passthrough["cinc_scan"];
    for (key, value) in [
        ("namespace", &t.namespace),
        ("pod", &t.pod),
        ("container", &t.container),
        ("image", &t.image),
        ("image_id", &t.image_id),
        ("node", &t.node),
        ("root", &t.root),
        ("access_detail", &t.access_detail),
        ("error", &report.error),
    ] {
        if let Some(v) = value {
            pt[key] = json!(v);
        }
    }
    json!({
        "platform": {
            "name": platform_name(report),
            "release": report.platform.release,
            "target_id": t.id(),
        },
        "profiles": report.profiles.iter().map(|p| profile_json(p, &report.start_time)).collect::<Vec<_>>(),
        "statistics": {"duration": report.duration},
        "version": env!("CARGO_PKG_VERSION"),
        "passthrough": passthrough,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_drop_registry_tag_and_digest() {
        assert_eq!(
            image_name("cinc-scan.local/distroless-nonroot:v1"),
            "distroless-nonroot"
        );
        assert_eq!(image_name("registry:5000/team/app:1.2@sha256:0123"), "app");
        assert_eq!(image_name("busybox"), "busybox");
    }

    #[test]
    fn a_distroless_platform_is_named_after_its_image() {
        let mut r = crate::report::testdata::reports().remove(1);
        r.target.image = Some("gcr.io/distroless/static-debian12:nonroot".into());
        let d = document(&r);
        assert_eq!(d["platform"]["name"], "static-debian12");
        assert_eq!(d["platform"]["release"], "");
        r.target.image = None;
        assert_eq!(document(&r)["platform"]["name"], "unknown");
    }
}
