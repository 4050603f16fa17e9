//! `sidecar inject` on a corpus of realistic manifests (tests/fixtures/manifests): every field
//! of the input survives (compared as parsed values, not text), the injected parts are exactly
//! what the sidecar needs, and injecting twice changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use serde_json::{json, Value};

use cinc_scan::sidecar::inject::{
    inject_document, parse_documents, render_documents, InjectArgs, Injected,
};

#[derive(Parser)]
struct Wrapper {
    #[command(flatten)]
    args: InjectArgs,
}

fn args(extra: &[&str]) -> InjectArgs {
    let mut argv = vec!["inject"];
    argv.extend(extra);
    Wrapper::parse_from(argv).args
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus shrank: {files:?}");
    files
}

/// Pod specs of a document, by kind (Lists too).
fn pod_specs(doc: &mut Value) -> Vec<&mut Value> {
    let kind = doc["kind"].as_str().unwrap_or_default().to_string();
    match kind.as_str() {
        "List" => doc["items"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .flat_map(pod_specs)
            .collect(),
        "Pod" => vec![&mut doc["spec"]],
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            vec![&mut doc["spec"]["template"]["spec"]]
        }
        "CronJob" => vec![&mut doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]],
        _ => vec![],
    }
}

fn remove_named(list: &mut Value, name: &str) {
    if let Some(a) = list.as_array_mut() {
        a.retain(|x| x["name"] != name);
    }
}

/// The input as it was, minus what the injection owns: the marker env entries.
fn without_markers(doc: &mut Value) {
    for spec in pod_specs(doc) {
        for c in spec["containers"].as_array_mut().unwrap() {
            if c.get("env").is_some() {
                remove_named(&mut c["env"], "CINC_SCAN_TARGET");
                if c["env"].as_array().unwrap().is_empty() {
                    c.as_object_mut().unwrap().remove("env");
                }
            }
        }
    }
}

/// The output minus every injected part, given what the input's pod specs were.
fn strip_injection(out: &mut Value, original: &mut Value) {
    let originals: Vec<Value> = pod_specs(original).into_iter().map(|s| s.clone()).collect();
    let specs = pod_specs(out);
    assert_eq!(specs.len(), originals.len());
    for (spec, orig) in specs.into_iter().zip(originals) {
        let o = spec.as_object_mut().unwrap();
        match orig.get("shareProcessNamespace") {
            Some(v) => {
                o.insert("shareProcessNamespace".into(), v.clone());
            }
            None => {
                o.remove("shareProcessNamespace");
            }
        }
        for list in ["initContainers", "containers", "volumes"] {
            if let Some(l) = o.get_mut(list) {
                remove_named(l, "cinc-scan");
                remove_named(l, "cinc-scan-results");
                if l.as_array().unwrap().is_empty() && orig.get(list).is_none() {
                    o.remove(list);
                }
            }
        }
        let mut doc = json!({"kind": "Pod", "spec": Value::Object(o.clone())});
        without_markers(&mut doc);
        *spec = doc["spec"].take();
    }
}

fn inject(text: &str, a: &InjectArgs) -> (Vec<Value>, String, Injected) {
    let mut docs = parse_documents(text, "test").unwrap();
    let mut notes = Injected::default();
    for d in &mut docs {
        inject_document(d, a, &mut notes).unwrap();
    }
    let rendered = render_documents(&docs).unwrap();
    (docs, rendered, notes)
}

#[test]
fn every_field_survives_and_only_the_sidecar_is_added() {
    let mut pods = 0;
    for file in corpus() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        // Only the manifest that names no uid needs the flag (it must agree with known uids).
        let a = if name.contains("nouid") {
            args(&["--run-as-user", "65532"])
        } else {
            args(&[])
        };
        let mut original = parse_documents(&text, &name).unwrap();
        let (_, rendered, notes) = inject(&text, &a);
        pods += notes.pods;
        let mut back = parse_documents(&rendered, "output").unwrap();
        assert_eq!(back.len(), original.len(), "{name}: documents");
        for (i, (out, orig)) in back.iter_mut().zip(original.iter_mut()).enumerate() {
            // What was injected, on every pod spec.
            for spec in pod_specs(out) {
                assert_eq!(spec["shareProcessNamespace"], true, "{name}#{i}");
                let sidecars: Vec<&Value> = spec["initContainers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|c| c["name"] == "cinc-scan")
                    .collect();
                assert_eq!(sidecars.len(), 1, "{name}#{i}");
                let s = sidecars[0];
                assert_eq!(s["restartPolicy"], "Always");
                assert_eq!(s["securityContext"]["allowPrivilegeEscalation"], false);
                assert_eq!(s["securityContext"]["readOnlyRootFilesystem"], true);
                assert_eq!(
                    s["securityContext"]["seccompProfile"]["type"],
                    "RuntimeDefault"
                );
                for c in spec["containers"].as_array().unwrap() {
                    let marker = c["env"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|e| e["name"] == "CINC_SCAN_TARGET");
                    assert_eq!(marker.unwrap()["value"], c["name"], "{name}#{i}");
                }
                assert!(spec["volumes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v["name"] == "cinc-scan-results" && v["emptyDir"].is_object()));
            }
            strip_injection(out, orig);
            without_markers(orig);
            assert_eq!(out, orig, "{name}#{i}: a field was lost or changed");
        }
        // Injecting the output again changes nothing.
        let (_, again, _) = inject(&rendered, &a);
        assert_eq!(
            parse_documents(&again, "again").unwrap(),
            parse_documents(&rendered, "rendered").unwrap(),
            "{name}: not idempotent"
        );
    }
    assert!(pods >= 10, "only {pods} pod specs injected");
}

#[test]
fn identity_follows_the_target() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests/daemonset-agent.yaml"),
    )
    .unwrap();
    let (mut docs, _, _) = inject(&text, &args(&[]));
    let spec = pod_specs(&mut docs[0]).pop().unwrap().clone();
    let sc = &spec["initContainers"][0]["securityContext"];
    // Root target: root, with the agent's capabilities and no fewer (the ptrace check).
    assert_eq!(sc["runAsUser"], 0);
    assert_eq!(sc.get("runAsNonRoot"), None);
    assert_eq!(
        sc["capabilities"],
        json!({"add": ["DAC_READ_SEARCH", "NET_ADMIN"], "drop": ["NET_RAW", "MKNOD"]})
    );
    // Non-root: its uid and gid, every capability dropped, runAsNonRoot.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests/statefulset-db.yaml"),
    )
    .unwrap();
    let (mut docs, _, _) = inject(&text, &args(&[]));
    let spec = pod_specs(&mut docs[0]).pop().unwrap().clone();
    let sc = &spec["initContainers"][0]["securityContext"];
    assert_eq!(
        sc,
        &json!({"runAsUser": 999, "runAsGroup": 999, "runAsNonRoot": true, "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"}})
    );
}

#[test]
fn targets_legacy_mode_and_options() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/manifests/deployment-nouid.json"),
    )
    .unwrap();
    let mut docs = parse_documents(&text, "t").unwrap();
    let err = inject_document(&mut docs[0], &args(&[]), &mut Injected::default()).unwrap_err();
    assert!(
        err.contains("--run-as-user") && err.contains("app, proxy"),
        "{err}"
    );
    let a = args(&[
        "--run-as-user",
        "65532",
        "--target",
        "app",
        "--legacy-sidecar",
        "--interval",
        "10m",
        "--keep",
        "3",
        "--profile",
        "builtin:container-baseline",
        "--profile-configmap",
        "my-profiles",
        "--threshold-inline",
        "{compliance.min: 80}",
        "--post-results",
        "https://hdf.example/api",
        "--post-token-secret",
        "hdf/token",
        "--image",
        "reg.example/cinc-scan:1",
        "--image-pull-policy",
        "Always",
    ]);
    inject_document(&mut docs[0], &a, &mut Injected::default()).unwrap();
    let spec = &docs[0]["spec"]["template"]["spec"];
    assert!(spec.get("initContainers").is_none());
    let c = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "cinc-scan")
        .unwrap();
    assert!(c.get("restartPolicy").is_none());
    assert_eq!(c["image"], "reg.example/cinc-scan:1");
    assert_eq!(c["imagePullPolicy"], "Always");
    let argv: Vec<&str> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        argv,
        [
            "sidecar",
            "run",
            "--interval",
            "600s",
            "--keep",
            "3",
            "--results-dir",
            "/cinc-scan/results",
            "--target",
            "app",
            "--profile",
            "builtin:container-baseline",
            "--profile",
            "/cinc-scan/profiles",
            "--threshold-inline",
            "{compliance.min: 80}",
            "--post-results",
            "https://hdf.example/api"
        ]
    );
    // The token comes from the Secret as an environment variable, never on the command line.
    let token = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "CINC_SCAN_POST_TOKEN")
        .unwrap();
    assert_eq!(
        token["valueFrom"]["secretKeyRef"],
        json!({"name": "hdf", "key": "token"})
    );
    // Only the target is marked.
    let proxy = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "proxy")
        .unwrap();
    assert!(proxy.get("env").is_none());
    assert!(spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["configMap"]["name"] == "my-profiles"));
    // Re-injected without --target and the legacy flag: a native sidecar, both marked.
    inject_document(
        &mut docs[0],
        &args(&["--run-as-user", "65532"]),
        &mut Injected::default(),
    )
    .unwrap();
    let spec = &docs[0]["spec"]["template"]["spec"];
    assert_eq!(spec["containers"].as_array().unwrap().len(), 2);
    assert_eq!(spec["initContainers"][0]["name"], "cinc-scan");
    assert!(!spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["name"] == "cinc-scan-profiles"));
    let mut bad = parse_documents(&text, "t").unwrap();
    let err = inject_document(
        &mut bad[0],
        &args(&["--run-as-user", "1", "--target", "nope"]),
        &mut Injected::default(),
    )
    .unwrap_err();
    assert!(
        err.contains("no container \"nope\" (containers: app, proxy)"),
        "{err}"
    );
}

#[test]
fn the_command_reads_files_and_stdin_and_explains_errors() {
    let bin = env!("CARGO_BIN_EXE_kubectl-cinc_scan");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/manifests");
    let o = Command::new(bin)
        .args(["sidecar", "inject", "-f"])
        .arg(dir.join("job-migrate.yaml"))
        .arg("-f")
        .arg(dir.join("list.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let docs = parse_documents(&String::from_utf8(o.stdout).unwrap(), "out").unwrap();
    assert_eq!(docs.len(), 2);
    let o = Command::new(bin)
        .args(["sidecar", "inject"])
        .stdin(std::fs::File::open(dir.join("deployment-nouid.json")).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Deployment/no-uid: cannot tell which uid"),
        "{err}"
    );
    let o = Command::new(bin)
        .args(["sidecar", "inject", "--profile", "./mine.yaml", "-f"])
        .arg(dir.join("job-migrate.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--profile-configmap"));
    let o = Command::new(bin)
        .args(["sidecar", "inject"])
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no Pod, Deployment"));
}
