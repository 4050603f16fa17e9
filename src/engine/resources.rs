//! Turns gathered facts into the values that matchers look at, one shape per resource.

use jiff::civil::Date;
use serde_json::{json, Map, Value};

use super::eol;
use super::facts::{
    CommandFact, Facts, FileFact, Gathered, ProcessFact, Unavailable, APK_INSTALLED, DPKG_STATUS,
    DPKG_STATUS_D, GROUP, OS_RELEASE, PASSWD, SHADOW,
};
use super::profile::{Resource, WalkSpec};
use super::walk::{self, selector_key, MAX_KEPT_MATCHES};

/// A resource's value, plus a note when it was built from incomplete data.
pub struct Built {
    pub value: Value,
    pub partial: Option<String>,
}

fn full(value: Value) -> Gathered<Built> {
    Ok(Built {
        value,
        partial: None,
    })
}

pub fn build(resource: &Resource, facts: &Facts, today: Date) -> Gathered<Built> {
    match resource {
        Resource::File(path) => {
            let fact = facts.file(path)?;
            let partial = matches!(
                fact,
                FileFact::Present {
                    truncated: true,
                    ..
                }
            )
            .then(|| format!("{path} is larger than the read limit; only its start was read"));
            Ok(Built {
                value: file_value(path, fact)?,
                partial,
            })
        }
        Resource::Files(patterns) => files_value(patterns, facts),
        Resource::Walk(spec) => walk_matches(spec, None, facts),
        Resource::Passwd => text_file(facts, PASSWD).and_then(|t| full(parse_passwd(&t))),
        Resource::Group => text_file(facts, GROUP).and_then(|t| full(parse_group(&t))),
        Resource::Shadow => text_file(facts, SHADOW).and_then(|t| full(parse_shadow(&t))),
        Resource::OsRelease => {
            let text = text_file(facts, OS_RELEASE[0]).or_else(|first| match first {
                Unavailable { error: false, .. } => text_file(facts, OS_RELEASE[1]),
                e => Err(e),
            })?;
            full(os_release_value(&text, today))
        }
        Resource::Packages => packages_value(facts),
        Resource::Process => {
            let p = facts.process.as_ref().map_err(Clone::clone)?;
            full(process_value(p))
        }
        Resource::Pod => full(facts.pod.as_ref().map_err(Clone::clone)?.clone()),
        Resource::Command(cmd) => {
            let c = facts
                .commands
                .get(cmd)
                .ok_or_else(|| Unavailable::error("command was not run"))?
                .as_ref()
                .map_err(Clone::clone)?;
            let partial = c
                .truncated
                .then(|| "command output was cut at the read limit".to_string());
            Ok(Built {
                value: command_value(cmd, c),
                partial,
            })
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|b| *b == 0) || std::str::from_utf8(bytes).is_err()
}

pub fn file_value(path: &str, fact: &FileFact) -> Gathered<Value> {
    match fact {
        FileFact::Missing => Ok(json!({"path": path, "exists": false})),
        FileFact::Unreadable(why) => Err(Unavailable::skip(format!("cannot read {path}: {why}"))),
        FileFact::Present {
            stat,
            content,
            truncated,
        } => {
            let mut v = json!({
                "path": path,
                "exists": true,
                "type": stat.kind.name(),
                "mode": stat.mode,
                "uid": stat.uid,
                "gid": stat.gid,
                "size": stat.size,
            });
            if let Some(bytes) = content {
                let t = text(bytes);
                v["binary"] = Value::Bool(is_binary(bytes));
                v["truncated"] = Value::Bool(*truncated);
                v["lines"] = t.lines().map(|l| Value::String(l.to_string())).collect();
                v["content"] = Value::String(t);
            }
            Ok(v)
        }
    }
}

/// A regular file's text; a missing file skips the checks that need it.
fn text_file(facts: &Facts, path: &str) -> Gathered<String> {
    match facts.file(path)? {
        FileFact::Missing => Err(Unavailable::skip(format!("{path} does not exist"))),
        FileFact::Unreadable(why) => Err(Unavailable::skip(format!("cannot read {path}: {why}"))),
        FileFact::Present {
            content: Some(bytes),
            ..
        } => Ok(text(bytes)),
        FileFact::Present { .. } => Err(Unavailable::skip(format!("{path} is not a regular file"))),
    }
}

fn files_value(patterns: &[String], facts: &Facts) -> Gathered<Built> {
    let mut paths = Vec::new();
    for p in patterns {
        if p.contains(['*', '?']) {
            let matched = facts
                .globs
                .get(p)
                .ok_or_else(|| Unavailable::error(format!("{p} was not gathered")))?
                .as_ref()
                .map_err(Clone::clone)?;
            paths.extend(matched.iter().cloned());
        } else {
            paths.push(p.clone());
        }
    }
    let mut entries = Vec::new();
    let mut cut = Vec::new();
    for path in paths {
        let fact = facts.file(&path)?;
        if matches!(fact, FileFact::Missing) {
            continue;
        }
        if matches!(
            fact,
            FileFact::Present {
                truncated: true,
                ..
            }
        ) {
            cut.push(path.clone());
        }
        entries.push(file_value(&path, fact)?);
    }
    Ok(Built {
        value: Value::Array(entries),
        partial: (!cut.is_empty())
            .then(|| format!("only the start of {} was read", cut.join(", "))),
    })
}

/// The entries of a walk that a check's filter selected (the filter ran as the walk streamed),
/// with notes on what was not seen. The second note says when matches were counted but not
/// all kept: it applies to failures too, whose message would otherwise undercount.
pub fn walk_matches(
    spec: &WalkSpec,
    filter: Option<&super::matcher::Matcher>,
    facts: &Facts,
) -> Gathered<Built> {
    Ok(walk_selection(spec, filter, facts)?.0)
}

pub(super) fn walk_selection(
    spec: &WalkSpec,
    filter: Option<&super::matcher::Matcher>,
    facts: &Facts,
) -> Gathered<(Built, Option<String>)> {
    let walk = facts
        .walks
        .get(spec)
        .ok_or_else(|| Unavailable::error("walk was not gathered"))?
        .as_ref()
        .map_err(Clone::clone)?;
    let selection = walk
        .selections
        .get(&selector_key(filter))
        .ok_or_else(|| Unavailable::error("walk filter was not applied"))?;
    let entries: Vec<Value> = selection.kept.iter().map(walk::entry_value).collect();
    let mut notes = Vec::new();
    if walk.truncated {
        notes.push(format!(
            "walk stopped at {} entries (the walk's max_entries is {})",
            walk.entries, spec.max_entries
        ));
    }
    if walk.unreadable > 0 {
        let what = if walk.unreadable == 1 {
            "path"
        } else {
            "paths"
        };
        let example = walk
            .unreadable_example
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        notes.push(format!(
            "{} {what} could not be read{example}",
            walk.unreadable
        ));
    }
    let cut = selection.cut().then(|| {
        format!(
            "{} entries matched; the first {MAX_KEPT_MATCHES} were kept",
            selection.matched
        )
    });
    notes.extend(cut.clone());
    Ok((
        Built {
            value: Value::Array(entries),
            partial: (!notes.is_empty()).then(|| notes.join("; ")),
        },
        cut,
    ))
}

fn records(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.split(':').collect())
}

fn num(s: &str) -> Value {
    s.trim()
        .parse::<u64>()
        .map(Value::from)
        .unwrap_or(Value::Null)
}

pub fn parse_passwd(text: &str) -> Value {
    records(text)
        .filter(|f| f.len() >= 7)
        .map(|f| {
            json!({"name": f[0], "password": f[1], "uid": num(f[2]), "gid": num(f[3]),
                   "gecos": f[4], "home": f[5], "shell": f[6]})
        })
        .collect()
}

pub fn parse_group(text: &str) -> Value {
    records(text)
        .filter(|f| f.len() >= 4)
        .map(|f| {
            let members: Vec<&str> = f[3].split(',').filter(|m| !m.is_empty()).collect();
            json!({"name": f[0], "gid": num(f[2]), "members": members})
        })
        .collect()
}

/// Password hashes never leave this function: only their state does.
pub fn parse_shadow(text: &str) -> Value {
    records(text)
        .filter(|f| f.len() >= 2)
        .map(|f| {
            let pw = f[1];
            let state = if pw.is_empty() {
                "empty"
            } else if pw.starts_with('!') || pw.starts_with('*') {
                "locked"
            } else {
                "hash"
            };
            json!({"name": f[0], "password_state": state,
                   "last_change": f.get(2).map(|s| num(s)).unwrap_or(Value::Null),
                   "max_days": f.get(4).map(|s| num(s)).unwrap_or(Value::Null)})
        })
        .collect()
}

pub fn os_release_value(text: &str, today: Date) -> Value {
    let mut map = Map::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let unquoted = v
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                .unwrap_or(v);
            map.insert(
                k.trim().to_string(),
                Value::String(unquoted.replace("\\\"", "\"")),
            );
        }
    }
    let id = map
        .get("ID")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let version = map
        .get("VERSION_ID")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if let Some(date) = eol::end_of_life(&id, &version) {
        map.insert("eol_date".into(), Value::String(date.to_string()));
        map.insert("eol".into(), Value::Bool(date < today));
    }
    Value::Object(map)
}

/// dpkg's status file (or one of distroless' status.d files): installed packages.
pub fn parse_dpkg(text: &str, out: &mut Vec<Value>) {
    for stanza in text.split("\n\n") {
        let mut name = None;
        let mut version = None;
        let mut installed = true;
        for line in stanza.lines() {
            if let Some(v) = line.strip_prefix("Package:") {
                name = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Version:") {
                version = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("Status:") {
                installed = v.trim().ends_with(" installed");
            }
        }
        if let (Some(n), true) = (name, installed) {
            out.push(json!({"name": n, "version": version.unwrap_or(""), "manager": "dpkg"}));
        }
    }
}

/// apk's installed database: `P:` name and `V:` version per stanza.
pub fn parse_apk(text: &str, out: &mut Vec<Value>) {
    for stanza in text.split("\n\n") {
        let mut name = None;
        let mut version = "";
        for line in stanza.lines() {
            if let Some(v) = line.strip_prefix("P:") {
                name = Some(v);
            } else if let Some(v) = line.strip_prefix("V:") {
                version = v;
            }
        }
        if let Some(n) = name {
            out.push(json!({"name": n, "version": version, "manager": "apk"}));
        }
    }
}

fn packages_value(facts: &Facts) -> Gathered<Built> {
    let mut packages = Vec::new();
    let mut found = false;
    let mut skipped = Vec::new();
    for (path, parse) in [
        (DPKG_STATUS, parse_dpkg as fn(&str, &mut Vec<Value>)),
        (APK_INSTALLED, parse_apk),
    ] {
        match text_file(facts, path) {
            Ok(t) => {
                found = true;
                parse(&t, &mut packages);
            }
            Err(u) if u.error => return Err(u),
            Err(u) if !u.reason.ends_with("does not exist") => skipped.push(u.reason),
            Err(_) => {}
        }
    }
    if let Some(Ok(paths)) = facts.globs.get(DPKG_STATUS_D) {
        for p in paths {
            if let Ok(t) = text_file(facts, p) {
                found = true;
                parse_dpkg(&t, &mut packages);
            }
        }
    }
    if !found {
        let why = if skipped.is_empty() {
            format!("no package database ({DPKG_STATUS}, {APK_INSTALLED}) in the container")
        } else {
            skipped.join("; ")
        };
        return Err(Unavailable::skip(why));
    }
    let cut = [DPKG_STATUS, APK_INSTALLED].iter().any(|p| {
        matches!(
            facts.file(p),
            Ok(FileFact::Present {
                truncated: true,
                ..
            })
        )
    });
    Ok(Built {
        value: Value::Array(packages),
        partial: cut.then(|| "the package database was larger than the read limit".to_string()),
    })
}

const CAPABILITIES: [&str; 41] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
];

/// Capability names from a `/proc/<pid>/status` hex mask.
pub fn capability_names(hex: &str) -> Vec<String> {
    let mask = u64::from_str_radix(hex.trim(), 16).unwrap_or(0);
    (0..64)
        .filter(|bit| mask & (1u64 << bit) != 0)
        .map(|bit| {
            CAPABILITIES
                .get(bit)
                .map_or_else(|| format!("CAP_{bit}"), |n| n.to_string())
        })
        .collect()
}

pub fn process_value(p: &ProcessFact) -> Value {
    let field = |key: &str| -> Option<&str> {
        p.status
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':').map(str::trim))
    };
    let ids = |key: &str| -> Vec<Value> {
        field(key)
            .unwrap_or_default()
            .split_whitespace()
            .map(num)
            .collect()
    };
    let uids = ids("Uid");
    let gids = ids("Gid");
    let caps = |key: &str| -> Vec<String> { field(key).map(capability_names).unwrap_or_default() };
    let seccomp = match field("Seccomp") {
        Some("0") => "disabled",
        Some("1") => "strict",
        Some("2") => "filter",
        _ => "unknown",
    };
    json!({
        "pid": p.pid,
        "name": field("Name").unwrap_or_default(),
        "uid": uids.get(1).cloned().unwrap_or(Value::Null),
        "gid": gids.get(1).cloned().unwrap_or(Value::Null),
        "uids": uids,
        "gids": gids,
        "cap_eff": caps("CapEff"),
        "cap_prm": caps("CapPrm"),
        "cap_bnd": caps("CapBnd"),
        "no_new_privs": field("NoNewPrivs") == Some("1"),
        "seccomp": seccomp,
    })
}

fn command_value(cmd: &str, c: &CommandFact) -> Value {
    json!({"command": cmd, "output": text(&c.output), "exit_status": c.exit_status})
}

/// The `pod` resource: the pod, the scanned container's spec and status, and the security
/// settings that apply to it (container-level fields override pod-level ones).
pub fn pod_value(pod: &Value, container: &str) -> Value {
    let spec = &pod["spec"];
    let find = |list: &Value| -> Value {
        list.as_array()
            .and_then(|a| a.iter().find(|c| c["name"] == container))
            .cloned()
            .unwrap_or(Value::Null)
    };
    // An init container (a native sidecar, or one still running) is scanned like the others.
    let either = |a: Value, b: &Value| if a.is_null() { find(b) } else { a };
    let c = either(find(&spec["containers"]), &spec["initContainers"]);
    let status = either(
        find(&pod["status"]["containerStatuses"]),
        &pod["status"]["initContainerStatuses"],
    );
    let pod_sc = spec["securityContext"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut effective = Map::new();
    for key in [
        "runAsUser",
        "runAsGroup",
        "runAsNonRoot",
        "seccompProfile",
        "seLinuxOptions",
        "appArmorProfile",
    ] {
        if let Some(v) = pod_sc.get(key) {
            effective.insert(key.into(), v.clone());
        }
    }
    if let Some(csc) = c["securityContext"].as_object() {
        for (k, v) in csc {
            effective.insert(k.clone(), v.clone());
        }
    }
    json!({
        "metadata": pod["metadata"],
        "spec": spec,
        "status": pod["status"],
        "container": c,
        "container_status": status,
        "security": effective,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_group_and_shadow_parse_and_hide_hashes() {
        let p = parse_passwd(
            "root:x:0:0:root:/root:/bin/sh\n# c\nbad line\napp:x:1000:1000::/home/app:/bin/false\n",
        );
        assert_eq!(p.as_array().unwrap().len(), 2);
        assert_eq!(p[1]["uid"], 1000);
        let g = parse_group("wheel:x:10:root,app\n");
        assert_eq!(g[0]["members"], json!(["root", "app"]));
        let s = parse_shadow(
            "root:$6$salt$hash:19000:0:99999:7:::\nbin:*:19000::::::\nnop::19000::::::\n",
        );
        assert_eq!(s[0]["password_state"], "hash");
        assert_eq!(s[1]["password_state"], "locked");
        assert_eq!(s[2]["password_state"], "empty");
        assert!(!s.to_string().contains("$6$"));
    }

    #[test]
    fn os_release_unquotes_and_knows_end_of_life() {
        let today: Date = "2026-11-26".parse().unwrap();
        let v = os_release_value(
            "ID=debian\nVERSION_ID=\"11\"\nPRETTY_NAME='Debian 11'\n",
            today,
        );
        assert_eq!(v["ID"], "debian");
        assert_eq!(v["VERSION_ID"], "11");
        assert_eq!(v["eol"], true);
        let v = os_release_value("ID=debian\nVERSION_ID=12\n", today);
        assert_eq!(v["eol"], false);
        let v = os_release_value("ID=wolfi\n", today);
        assert!(v.get("eol").is_none());
    }

    #[test]
    fn package_databases_parse() {
        let mut out = Vec::new();
        parse_dpkg("Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n", &mut out);
        parse_apk("C:x\nP:musl\nV:1.2.4-r2\n\nP:busybox\nV:1.36\n", &mut out);
        let names: Vec<&str> = out.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["a", "musl", "busybox"]);
    }

    #[test]
    fn process_status_gives_ids_capabilities_and_flags() {
        let status = "Name:\tsleep\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\nCapPrm:\t00000000a80425fb\nNoNewPrivs:\t1\nSeccomp:\t2\n";
        let v = process_value(&ProcessFact {
            pid: 1,
            status: status.into(),
        });
        assert_eq!(v["uid"], 1000);
        assert_eq!(v["cap_eff"], json!([]));
        assert!(v["cap_prm"].as_array().unwrap().contains(&json!("NET_RAW")));
        assert_eq!(v["no_new_privs"], true);
        assert_eq!(v["seccomp"], "filter");
    }

    #[test]
    fn pod_security_merges_pod_and_container_levels() {
        let pod = json!({"spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 1000},
            "containers": [{"name": "app", "securityContext": {"runAsUser": 2000}}]}});
        let v = pod_value(&pod, "app");
        assert_eq!(v["security"]["runAsNonRoot"], true);
        assert_eq!(v["security"]["runAsUser"], 2000);
        assert_eq!(v["container"]["name"], "app");
    }
}
