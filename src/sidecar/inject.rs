//! `sidecar inject`: manifests in, the same manifests out with the scanner as a sidecar —
//! a shared PID namespace, the scanner container (native sidecar, or a plain container with
//! `--legacy-sidecar`) running as the target's uid with nothing else, an emptyDir results
//! volume, and the `CINC_SCAN_TARGET` marker on each target. Every other field is kept
//! (comments and key order are not: the output is re-serialized, keys sorted).

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde_json::{json, Map, Value};

use super::procfs::{is_container_name, TARGET_ENV};
use super::{BINARY_PATH, CONTAINER_NAME, DEFAULT_IMAGE, RESULTS_DIR, VOLUME_NAME};
use crate::exit;
use crate::run::RunError;

const PROFILES_VOLUME: &str = "cinc-scan-profiles";
const PROFILES_DIR: &str = "/cinc-scan/profiles";
const THRESHOLD_VOLUME: &str = "cinc-scan-threshold";
const THRESHOLD_DIR: &str = "/cinc-scan/threshold";
const THRESHOLD_KEY: &str = "threshold.yml";
/// Manifests larger than this are refused (a typo'd `-f /dev/zero` must not eat the memory).
const MAX_INPUT: u64 = 64 * 1024 * 1024;

#[derive(Debug, Args, Clone)]
pub struct InjectArgs {
    /// Manifest file to read (repeatable; `-` or none: stdin). YAML or JSON, multi-document
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// App container to scan (repeatable; default: every app container of each pod)
    #[arg(short = 'c', long = "target", value_name = "NAME")]
    pub targets: Vec<String>,

    /// The scanner image (built from the repository's Containerfile)
    #[arg(long, value_name = "IMAGE", default_value = DEFAULT_IMAGE)]
    pub image: String,

    /// Pull policy of the scanner image
    #[arg(long, value_name = "POLICY", default_value = "IfNotPresent", value_parser = ["Always", "IfNotPresent", "Never"])]
    pub image_pull_policy: String,

    /// Time between two scans in the pod
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = super::parse_interval)]
    pub interval: Duration,

    /// Results kept per target on the volume
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub keep: u32,

    /// Built-in profile to run (repeatable, builtin:NAME; default: builtin:container-baseline)
    #[arg(long = "profile", value_name = "builtin:NAME")]
    pub profiles: Vec<String>,

    /// ConfigMap whose keys are profile YAML files, mounted into the sidecar and run
    #[arg(long, value_name = "NAME")]
    pub profile_configmap: Option<String>,

    /// SAF threshold inline, e.g. '{compliance.min: 80}'; each log line says met/violated
    #[arg(long, value_name = "RULES", conflicts_with = "threshold_configmap")]
    pub threshold_inline: Option<String>,

    /// ConfigMap with a key threshold.yml (a SAF threshold file), mounted into the sidecar
    #[arg(long, value_name = "NAME")]
    pub threshold_configmap: Option<String>,

    /// POST each result to this URL from the pod (same retries as a scan's --post-results)
    #[arg(long, value_name = "URL")]
    pub post_results: Option<String>,

    /// Secret and key holding the bearer token for --post-results: NAME/KEY (passed as an
    /// environment variable from the Secret, never in the manifest)
    #[arg(long, value_name = "SECRET/KEY", requires = "post_results")]
    pub post_token_secret: Option<String>,

    /// The uid the targets run as, when neither the pod nor the container securityContext
    /// says (the image's USER: e.g. 65532 for distroless nonroot, 0 for root)
    #[arg(long, value_name = "UID")]
    pub run_as_user: Option<i64>,

    /// The gid the targets run as (default: their runAsGroup, else the same number as the uid)
    #[arg(long, value_name = "GID")]
    pub run_as_group: Option<i64>,

    /// A plain container instead of a native sidecar (clusters before 1.29; a Job then
    /// never completes)
    #[arg(long)]
    pub legacy_sidecar: bool,

    /// Size limit of the emptyDir results volume
    #[arg(long, value_name = "QUANTITY", default_value = "64Mi")]
    pub results_size_limit: String,
}

/// What injecting one document did, for the notes on stderr.
#[derive(Debug, Default)]
pub struct Injected {
    pub pods: usize,
    pub notes: Vec<String>,
}

/// The pod spec of a workload object, by kind.
fn pod_spec_mut<'a>(obj: &'a mut Value, kind: &str) -> Option<&'a mut Value> {
    let path: &[&str] = match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        _ => return None,
    };
    let mut v = obj;
    for p in path {
        v = v.get_mut(*p)?;
    }
    v.is_object().then_some(v)
}

fn describe(obj: &Value) -> String {
    format!(
        "{}/{}",
        obj["kind"].as_str().unwrap_or("?"),
        obj["metadata"]["name"].as_str().unwrap_or("?")
    )
}

/// Inject into one document (a workload, or a List of them); other kinds pass unchanged.
pub fn inject_document(
    doc: &mut Value,
    args: &InjectArgs,
    out: &mut Injected,
) -> Result<(), String> {
    let kind = doc["kind"].as_str().unwrap_or_default().to_string();
    if kind == "List" || kind.ends_with("List") {
        if let Some(items) = doc.get_mut("items").and_then(Value::as_array_mut) {
            for item in items {
                inject_document(item, args, out)?;
            }
        }
        return Ok(());
    }
    let what = describe(doc);
    let legacy_job = args.legacy_sidecar && (kind == "Job" || kind == "CronJob");
    let Some(spec) = pod_spec_mut(doc, &kind) else {
        if !doc.is_null() {
            out.notes
                .push(format!("{what}: not a workload, left unchanged"));
        }
        return Ok(());
    };
    inject_spec(spec, args).map_err(|e| format!("{what}: {e}"))?;
    if legacy_job {
        out.notes.push(format!(
            "{what}: with --legacy-sidecar the scanner never exits, so the Job never completes; \
             prefer a native sidecar (Kubernetes 1.29+)"
        ));
    }
    out.pods += 1;
    Ok(())
}

fn container_names(spec: &Value) -> Vec<String> {
    spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .filter(|n| *n != CONTAINER_NAME)
        .map(str::to_string)
        .collect()
}

/// Who the targets run as: (uid, gid), from the container's, else the pod's securityContext,
/// else the flags. One uid for all targets (the sidecar has one).
fn identity(
    spec: &Value,
    targets: &[String],
    args: &InjectArgs,
) -> Result<(i64, Option<i64>), String> {
    let pod_sc = &spec["securityContext"];
    let mut seen: Vec<(String, i64, Option<i64>)> = Vec::new();
    let mut unknown = Vec::new();
    for c in spec["containers"].as_array().into_iter().flatten() {
        let Some(name) = c["name"]
            .as_str()
            .filter(|n| targets.iter().any(|t| t == n))
        else {
            continue;
        };
        let sc = &c["securityContext"];
        let uid = sc["runAsUser"]
            .as_i64()
            .or_else(|| pod_sc["runAsUser"].as_i64());
        let gid = sc["runAsGroup"]
            .as_i64()
            .or_else(|| pod_sc["runAsGroup"].as_i64());
        match (uid, args.run_as_user) {
            (Some(u), Some(flag)) if u != flag => {
                return Err(format!(
                    "container {name} runs as uid {u} (its securityContext) but --run-as-user is {flag}; \
                     the sidecar must run as the target's uid"
                ))
            }
            (Some(u), _) | (None, Some(u)) => seen.push((name.to_string(), u, gid)),
            (None, None) => unknown.push(name.to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "cannot tell which uid container(s) {} run as (no runAsUser in the pod or container \
             securityContext); pass --run-as-user UID (the image's USER: e.g. 65532 for distroless \
             nonroot, 0 for root), or set runAsUser in the manifest",
            unknown.join(", ")
        ));
    }
    let Some((_, uid, gid)) = seen.first().cloned() else {
        return Err("no target container".into());
    };
    if let Some((other, u, _)) = seen.iter().find(|(_, u, _)| *u != uid) {
        return Err(format!(
            "the targets run as different uids ({} as {uid}, {other} as {u}); the sidecar has one \
             uid: pick the containers with --target",
            seen[0].0
        ));
    }
    // The kernel also wants the same gid. Without one in the manifest the runtime would give
    // the scanner gid 0 (its image has no /etc/passwd): assume the image's group has the
    // uid's number, as in distroless (65532:65532) and most non-root images.
    let gid = args.run_as_group.or(gid).or((uid != 0).then_some(uid));
    Ok((uid, gid))
}

fn string_list(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// Least privilege that can read the targets' `/proc/<pid>/root`: the same uid and, for root,
/// no fewer capabilities than theirs (the kernel's ptrace check); nothing more.
pub fn security_context(spec: &Value, targets: &[String], uid: i64, gid: Option<i64>) -> Value {
    let mut sc = json!({
        "runAsUser": uid,
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "seccompProfile": {"type": "RuntimeDefault"},
    });
    if let Some(g) = gid {
        sc["runAsGroup"] = json!(g);
    }
    if uid != 0 {
        sc["runAsNonRoot"] = json!(true);
        sc["capabilities"] = json!({"drop": ["ALL"]});
        return sc;
    }
    // Root: the targets' capabilities, so ours are a superset (add the union of what they
    // add, drop only what every one of them drops).
    let caps: Vec<&Value> = spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| targets.iter().any(|t| t == n))
        })
        .map(|c| &c["securityContext"]["capabilities"])
        .collect();
    let mut add: Vec<String> = caps.iter().flat_map(|c| string_list(&c["add"])).collect();
    add.sort();
    add.dedup();
    let mut drop: Vec<String> = caps
        .first()
        .map(|c| string_list(&c["drop"]))
        .unwrap_or_default();
    drop.retain(|d| caps.iter().all(|c| string_list(&c["drop"]).contains(d)));
    drop.retain(|d| d != "ALL" || add.is_empty());
    let mut c = Map::new();
    if !add.is_empty() {
        c.insert("add".into(), json!(add));
    }
    if !drop.is_empty() {
        c.insert("drop".into(), json!(drop));
    }
    if !c.is_empty() {
        sc["capabilities"] = Value::Object(c);
    }
    sc
}

fn sidecar_container(args: &InjectArgs, targets: &[String], sc: Value) -> Value {
    let mut argv: Vec<String> = vec![
        "sidecar".into(),
        "run".into(),
        "--interval".into(),
        format!("{}s", args.interval.as_secs()),
        "--keep".into(),
        args.keep.to_string(),
        "--results-dir".into(),
        RESULTS_DIR.into(),
    ];
    for t in targets {
        argv.extend(["--target".into(), t.clone()]);
    }
    for p in &args.profiles {
        argv.extend(["--profile".into(), p.clone()]);
    }
    let mut mounts = vec![json!({"name": VOLUME_NAME, "mountPath": RESULTS_DIR})];
    if args.profile_configmap.is_some() {
        argv.extend(["--profile".into(), PROFILES_DIR.into()]);
        mounts.push(json!({"name": PROFILES_VOLUME, "mountPath": PROFILES_DIR, "readOnly": true}));
    }
    if let Some(t) = &args.threshold_inline {
        argv.extend(["--threshold-inline".into(), t.clone()]);
    }
    if args.threshold_configmap.is_some() {
        argv.extend([
            "--threshold".into(),
            format!("{THRESHOLD_DIR}/{THRESHOLD_KEY}"),
        ]);
        mounts
            .push(json!({"name": THRESHOLD_VOLUME, "mountPath": THRESHOLD_DIR, "readOnly": true}));
    }
    let field = |path: &str| json!({"valueFrom": {"fieldRef": {"fieldPath": path}}});
    let mut env = vec![];
    for (name, path) in [
        ("POD_NAME", "metadata.name"),
        ("POD_NAMESPACE", "metadata.namespace"),
        ("NODE_NAME", "spec.nodeName"),
    ] {
        let mut e = field(path);
        e["name"] = json!(name);
        env.push(e);
    }
    if let Some(url) = &args.post_results {
        argv.extend(["--post-results".into(), url.clone()]);
        if let Some((secret, key)) = args
            .post_token_secret
            .as_deref()
            .and_then(|s| s.split_once('/'))
        {
            env.push(json!({"name": crate::deliver::DEFAULT_TOKEN_ENV,
                "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}));
        }
    }
    let mut c = json!({
        "name": CONTAINER_NAME,
        "image": args.image,
        "imagePullPolicy": args.image_pull_policy,
        "command": [BINARY_PATH],
        "args": argv,
        "env": env,
        "volumeMounts": mounts,
        "securityContext": sc,
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "256Mi"}},
        "terminationMessagePolicy": "FallbackToLogsOnError",
    });
    if !args.legacy_sidecar {
        c["restartPolicy"] = json!("Always");
    }
    c
}

/// Replace the entry named `name` in a list of named objects, or append it.
fn upsert_named(list: &mut Value, item: Value) {
    if !list.is_array() {
        *list = json!([]);
    }
    let name = item["name"].clone();
    let a = list.as_array_mut().expect("made an array above");
    match a.iter_mut().find(|x| x["name"] == name) {
        Some(x) => *x = item,
        None => a.push(item),
    }
}

fn remove_named(list: &mut Value, name: &str) {
    if let Some(a) = list.as_array_mut() {
        a.retain(|x| x["name"] != name);
    }
}

/// Rewrite one pod spec in place.
pub fn inject_spec(spec: &mut Value, args: &InjectArgs) -> Result<(), String> {
    if spec["hostPID"] == json!(true) {
        return Err(
            "the pod uses hostPID, which cannot be combined with shareProcessNamespace".into(),
        );
    }
    let apps = container_names(spec);
    if apps.is_empty() {
        return Err("the pod has no app containers".into());
    }
    let targets: Vec<String> = if args.targets.is_empty() {
        apps.clone()
    } else {
        for t in &args.targets {
            if !apps.contains(t) {
                return Err(format!(
                    "no container {t:?} (containers: {})",
                    apps.join(", ")
                ));
            }
        }
        args.targets.clone()
    };
    for t in &targets {
        if !is_container_name(t) {
            return Err(format!("container name {t:?} is not a DNS-1123 label"));
        }
    }
    let (uid, gid) = identity(spec, &targets, args)?;
    let sc = security_context(spec, &targets, uid, gid);
    // Markers: set on every target, removed from containers a previous injection marked.
    for c in spec["containers"].as_array_mut().into_iter().flatten() {
        let Some(name) = c["name"].as_str().map(str::to_string) else {
            continue;
        };
        if name == CONTAINER_NAME {
            continue;
        }
        if targets.contains(&name) {
            upsert_named(&mut c["env"], json!({"name": TARGET_ENV, "value": name}));
        } else if c.get("env").is_some() {
            remove_named(&mut c["env"], TARGET_ENV);
            if c["env"].as_array().is_some_and(Vec::is_empty) {
                c.as_object_mut().map(|o| o.remove("env"));
            }
        }
    }
    let obj = spec
        .as_object_mut()
        .ok_or("the pod spec is not a mapping")?;
    obj.insert("shareProcessNamespace".into(), json!(true));
    for list in ["containers", "initContainers"] {
        if let Some(l) = obj.get_mut(list) {
            remove_named(l, CONTAINER_NAME);
        }
    }
    if obj
        .get("initContainers")
        .is_some_and(|l| l.as_array().is_some_and(Vec::is_empty))
    {
        obj.remove("initContainers");
    }
    let container = sidecar_container(args, &targets, sc);
    let list = if args.legacy_sidecar {
        "containers"
    } else {
        "initContainers"
    };
    upsert_named(obj.entry(list).or_insert(json!([])), container);
    let volumes = obj.entry("volumes").or_insert(json!([]));
    upsert_named(
        volumes,
        json!({"name": VOLUME_NAME, "emptyDir": {"sizeLimit": args.results_size_limit}}),
    );
    match &args.profile_configmap {
        Some(cm) => upsert_named(
            volumes,
            json!({"name": PROFILES_VOLUME, "configMap": {"name": cm}}),
        ),
        None => remove_named(volumes, PROFILES_VOLUME),
    }
    match &args.threshold_configmap {
        Some(cm) => upsert_named(
            volumes,
            json!({"name": THRESHOLD_VOLUME, "configMap": {"name": cm, "items": [{"key": THRESHOLD_KEY, "path": THRESHOLD_KEY}]}}),
        ),
        None => remove_named(volumes, THRESHOLD_VOLUME),
    }
    Ok(())
}

/// Parse a multi-document YAML (or JSON) stream; empty documents are dropped.
pub fn parse_documents(text: &str, source: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(text).map_err(|e| format!("{source}: not valid YAML: {e}"))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Documents back to a YAML stream, `---` between them.
pub fn render_documents(docs: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let text = serde_saphyr::to_string(d).map_err(|e| format!("cannot write YAML: {e}"))?;
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

fn validate(args: &InjectArgs) -> Result<(), String> {
    for p in &args.profiles {
        if !p.starts_with("builtin:") {
            return Err(format!(
                "--profile {p}: only builtin:NAME runs in the pod; put profile files into a ConfigMap \
                 and pass --profile-configmap NAME"
            ));
        }
        crate::engine::builtin::load(&p["builtin:".len()..]).map_err(|e| e.to_string())?;
    }
    if let Some(t) = &args.threshold_inline {
        crate::threshold::Threshold::parse_inline(t).map_err(|e| e.to_string())?;
    }
    if let Some(s) = &args.post_token_secret {
        if !s
            .split_once('/')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        {
            return Err(format!("--post-token-secret '{s}' is not SECRET/KEY"));
        }
    }
    if let Some(url) = &args.post_results {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("--post-results '{url}' is not an http(s) URL"));
        }
    }
    if let Some(u) = args.run_as_user {
        if u < 0 {
            return Err("--run-as-user must be 0 or more".into());
        }
    }
    Ok(())
}

fn read_input(path: &PathBuf) -> Result<(String, String), String> {
    let mut bytes = Vec::new();
    let name = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        "stdin".to_string()
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
        path.display().to_string()
    };
    if bytes.len() as u64 > MAX_INPUT {
        return Err(format!("{name} is larger than {MAX_INPUT} bytes"));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))?;
    Ok((name, text))
}

pub fn command(args: &InjectArgs) -> Result<i32, RunError> {
    validate(args).map_err(RunError::Usage)?;
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let mut docs = Vec::new();
    for f in &files {
        let (name, text) = read_input(f).map_err(RunError::Usage)?;
        docs.extend(parse_documents(&text, &name).map_err(RunError::Usage)?);
    }
    let mut injected = Injected::default();
    for d in &mut docs {
        inject_document(d, args, &mut injected).map_err(RunError::Usage)?;
    }
    for n in &injected.notes {
        eprintln!("note: {n}");
    }
    if injected.pods == 0 {
        return Err(RunError::Usage(
            "no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob in the input"
                .into(),
        ));
    }
    let text = render_documents(&docs).map_err(RunError::Io)?;
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => RunError::BrokenPipe,
            _ => RunError::Io(format!("cannot write to stdout: {e}")),
        })?;
    Ok(exit::PASSED)
}
