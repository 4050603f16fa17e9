//! Profiles compiled into the binary, written in the same format users write.

use super::profile::{Profile, ProfileError};

/// (name, one-line description, YAML text).
pub const BUILTINS: &[(&str, &str, &str)] = &[(
    "container-baseline",
    "Hardening baseline for any Linux container: accounts, filesystem, attack surface, OS, runtime, pod spec",
    include_str!("../profiles/container-baseline.yaml"),
)];

pub const DEFAULT: &str = "container-baseline";

pub fn names() -> Vec<&'static str> {
    BUILTINS.iter().map(|(n, _, _)| *n).collect()
}

pub fn text(name: &str) -> Option<&'static str> {
    BUILTINS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, t)| *t)
}

pub fn load(name: &str) -> Result<Profile, ProfileError> {
    let text = text(name).ok_or_else(|| ProfileError::UnknownBuiltin {
        name: name.to_string(),
        available: names().join(", "),
    })?;
    Profile::parse(text, &format!("builtin:{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses() {
        for name in names() {
            let p = load(name).unwrap();
            assert!(!p.controls.is_empty());
        }
    }

    #[test]
    fn unknown_builtin_lists_the_known_ones() {
        let e = load("nope").unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown built-in profile 'nope' (built-in profiles: container-baseline)"
        );
    }

    mod container_baseline {
        use std::collections::{BTreeMap, BTreeSet};

        use jiff::civil::Date;
        use regex::Regex;
        use serde_json::{json, Value};

        use crate::engine::eval::evaluate_control;
        use crate::engine::facts::{
            CommandFact, Facts, FileFact, Gathered, ProbePlan, ProcessFact, Stat, Unavailable,
            WalkEntry, WalkFact, DEFAULT_MAX_FILE_SIZE,
        };
        use crate::engine::profile::{Profile, Resource};
        use crate::engine::resources::pod_value;
        use crate::results::Status;

        fn profile() -> Profile {
            super::super::load("container-baseline").unwrap()
        }

        fn today() -> Date {
            "2026-11-26".parse().unwrap()
        }

        #[test]
        fn metadata_is_complete_and_consistent() {
            let p = profile();
            assert_eq!(p.meta.name, "container-baseline");
            assert_eq!(p.meta.version.as_deref(), Some("0.1.0"));
            assert_eq!(p.meta.maintainer.as_deref(), Some("cinc-scan maintainers"));
            assert_eq!(p.meta.license.as_deref(), Some("Apache-2.0"));
            assert!(p.meta.title.is_some() && p.meta.summary.is_some());
            assert!(p.controls.len() >= 30, "only {} controls", p.controls.len());

            let id_re = Regex::new(r"^cb-(acct|fs|surf|os|rt|pod)-\d{2}$").unwrap();
            let nist_re = Regex::new(r"^[A-Z]{2}-\d+(\(\d+\))?$").unwrap();
            let mut ids = BTreeSet::new();
            for c in &p.controls {
                assert!(ids.insert(c.id.clone()), "duplicate id {}", c.id);
                assert!(id_re.is_match(&c.id), "bad id {}", c.id);
                assert!(c.title.len() <= 40, "{}: title longer than 40 chars", c.id);
                assert!(
                    c.desc.len() >= 80,
                    "{}: desc should say why and what to do",
                    c.id
                );
                assert!(c.impact > 0.0 && c.impact <= 1.0, "{}: impact", c.id);
                let nist = c.tags.get("nist").and_then(Value::as_array);
                let nist = nist.unwrap_or_else(|| panic!("{}: no nist tag list", c.id));
                assert!(!nist.is_empty(), "{}: empty nist tag", c.id);
                for n in nist {
                    let n = n.as_str().unwrap_or_default();
                    assert!(nist_re.is_match(n), "{}: bad NIST id {n:?}", c.id);
                }
                // Heimdall's bands, so the tag never contradicts the impact.
                let band = match c.impact {
                    i if i < 0.1 => "none",
                    i if i < 0.4 => "low",
                    i if i < 0.7 => "medium",
                    i if i < 0.9 => "high",
                    _ => "critical",
                };
                assert_eq!(
                    c.tags.get("severity"),
                    Some(&json!(band)),
                    "{}: severity",
                    c.id
                );
                for r in &c.refs {
                    assert!(r.reference.is_some(), "{}: a ref needs text", c.id);
                    if let Some(u) = &r.url {
                        assert!(u.starts_with("https://"), "{}: {u}", c.id);
                    }
                }
            }
        }

        #[test]
        fn every_walk_is_the_same_so_the_tree_is_walked_once() {
            let p = profile();
            let plan = ProbePlan::for_profiles(std::slice::from_ref(&p), DEFAULT_MAX_FILE_SIZE);
            assert_eq!(plan.walks.len(), 1, "{:?}", plan.walks);
            assert_eq!(plan.walks.iter().next().unwrap().paths, ["/"]);
            assert_eq!(plan.commands.len(), 1, "exactly one control runs a command");
            assert!(plan.process && plan.pod);
            let walks = p
                .controls
                .iter()
                .flat_map(|c| &c.checks)
                .filter(|c| matches!(c.resource, Resource::Walk(_)))
                .count();
            assert!(walks >= 5);
        }

        // ---- synthetic containers: the facts an access method would return ----------

        fn file(mode: u32, uid: u32, content: &str) -> FileFact {
            FileFact::Present {
                stat: Stat::from_raw(0o100000 | mode, uid, 0, content.len() as u64),
                content: Some(content.as_bytes().to_vec()),
                truncated: false,
            }
        }

        fn dir(mode: u32, uid: u32) -> FileFact {
            FileFact::Present {
                stat: Stat::from_raw(0o040000 | mode, uid, 0, 4096),
                content: None,
                truncated: false,
            }
        }

        /// A walk entry from a raw `st_mode` (type and permission bits).
        fn entry(path: &str, raw_mode: u32) -> WalkEntry {
            WalkEntry {
                path: path.into(),
                stat: Stat::from_raw(raw_mode, 0, 0, 0),
            }
        }

        fn status(uid: u32, cap_eff: &str, no_new_privs: u8, seccomp: u8) -> ProcessFact {
            let ids = format!("{uid}\t{uid}\t{uid}\t{uid}");
            let status = format!(
                "Name:\tapp\nUid:\t{ids}\nGid:\t{ids}\nCapEff:\t{cap_eff}\n\
                 NoNewPrivs:\t{no_new_privs}\nSeccomp:\t{seccomp}\n"
            );
            ProcessFact { pid: 1, status }
        }

        struct Container {
            files: BTreeMap<String, FileFact>,
            walk: WalkFact,
            process: Gathered<ProcessFact>,
            pod: Gathered<Value>,
            command_output: Gathered<String>,
        }

        impl Container {
            fn facts(&self, p: &Profile) -> Facts {
                let plan = ProbePlan::for_profiles(std::slice::from_ref(p), DEFAULT_MAX_FILE_SIZE);
                let mut f = Facts::new(self.process.clone(), self.pod.clone());
                f.files = self.files.clone();
                for path in plan.files.keys() {
                    f.files.entry(path.clone()).or_insert(FileFact::Missing);
                }
                for pattern in plan.globs.keys() {
                    let dir = pattern.strip_suffix("/*").expect("fixture globs are DIR/*");
                    let matches = self
                        .files
                        .keys()
                        .filter(|k| k.rsplit_once('/').map(|(d, _)| d) == Some(dir))
                        .cloned()
                        .collect();
                    f.globs.insert(pattern.clone(), Ok(matches));
                }
                for spec in &plan.walks {
                    f.walks.insert(spec.clone(), Ok(self.walk.clone()));
                }
                for cmd in &plan.commands {
                    let fact = self.command_output.clone().map(|o| CommandFact {
                        output: o.into_bytes(),
                        exit_status: 0,
                        truncated: false,
                    });
                    f.commands.insert(cmd.clone(), fact);
                }
                f
            }

            /// Control id → (status, reason).
            fn run(&self) -> BTreeMap<String, (Status, Option<String>)> {
                let p = profile();
                let facts = self.facts(&p);
                p.controls
                    .iter()
                    .map(|c| {
                        let r = evaluate_control(c, &facts, today());
                        (c.id.clone(), (r.status(), r.reason().map(str::to_string)))
                    })
                    .collect()
            }
        }

        fn files(list: &[(&str, FileFact)]) -> BTreeMap<String, FileFact> {
            list.iter()
                .map(|(p, f)| (p.to_string(), f.clone()))
                .collect()
        }

        fn hardened_pod() -> Value {
            json!({
                "metadata": {"name": "web-0", "namespace": "prod"},
                "spec": {
                    "automountServiceAccountToken": false,
                    "securityContext": {"runAsNonRoot": true, "runAsUser": 10001,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                    "containers": [{
                        "name": "app",
                        "image": "registry.example:5000/team/app:1.4.2",
                        "ports": [{"containerPort": 8080}],
                        "env": [
                            {"name": "KEYCLOAK_URL", "value": "https://id.example"},
                            {"name": "TOKEN_TTL", "value": "300"},
                            {"name": "DB_PASSWORD",
                             "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
                            {"name": "POSTGRES_PASSWORD_FILE", "value": "/run/secrets/pw"},
                            {"name": "API_KEY", "value": ""}
                        ],
                        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
                        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                        "securityContext": {
                            "privileged": false,
                            "allowPrivilegeEscalation": false,
                            "readOnlyRootFilesystem": true,
                            "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
                        }
                    }]
                }
            })
        }

        const DEBIAN_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
                                     app:x:10001:10001::/home/app:/usr/sbin/nologin\n";
        const DEBIAN_OS_RELEASE: &str =
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n";
        const DPKG_STATUS: &str = "Package: base-files\nStatus: install ok installed\n\
                                   Version: 12.4\n\nPackage: libc6\nStatus: install ok installed\n\
                                   Version: 2.36\n";

        /// A well-built Debian-like image (no shell) in a hardened pod.
        fn hardened() -> Container {
            Container {
                files: files(&[
                    ("/etc/passwd", file(0o644, 0, DEBIAN_PASSWD)),
                    (
                        "/etc/group",
                        file(0o644, 0, "root:x:0:\nshadow:x:42:\napp:x:10001:\n"),
                    ),
                    (
                        "/etc/shadow",
                        file(0o640, 0, "root:*:19000:0:99999:7:::\napp:!:19000::::::\n"),
                    ),
                    ("/root", dir(0o700, 0)),
                    ("/etc/os-release", file(0o644, 0, DEBIAN_OS_RELEASE)),
                    ("/var/lib/dpkg/status", file(0o644, 0, DPKG_STATUS)),
                    (
                        "/etc/sudoers.d/README",
                        file(
                            0o440,
                            0,
                            "# Use NOPASSWD only if you must\n#app ALL=(ALL) NOPASSWD: ALL\n",
                        ),
                    ),
                ]),
                walk: WalkFact {
                    entries: vec![
                        entry("/", 0o040755),
                        entry("/bin", 0o120777),
                        entry("/tmp", 0o041777),
                        entry("/var/tmp", 0o041777),
                        entry("/var/mail", 0o042775),
                        entry("/usr/bin/passwd", 0o104755),
                        entry("/usr/bin/su", 0o104755),
                        entry("/usr/bin/chage", 0o102755),
                        entry("/usr/sbin/unix_chkpwd", 0o102755),
                        entry("/usr/bin/app", 0o100755),
                        entry("/etc/ssl/certs/ca-certificates.crt", 0o100644),
                        entry("/etc/ssl/certs/ISRG_Root_X1.pem", 0o120777),
                        entry("/usr/share/doc/openssl/demo/server.key", 0o100644),
                        entry(
                            "/usr/local/lib/python3.12/site-packages/x/tests/client.key",
                            0o100644,
                        ),
                        entry("/etc/apt/keyrings/llvm-snapshot.gpg.key", 0o100644),
                        entry(
                            "/root/.cargo/registry/src/x/rustls/test-ca/end.key",
                            0o100644,
                        ),
                        entry("/home/app/.ssh/id_rsa.pub", 0o100644),
                        entry("/home/app/.ssh/known_hosts", 0o100644),
                        entry("/home/app/.docker", 0o040700),
                    ],
                    truncated: false,
                    unreadable: 0,
                    unreadable_example: None,
                },
                process: Ok(status(10001, "0000000000000000", 1, 2)),
                pod: Ok(pod_value(&hardened_pod(), "app")),
                command_output: Ok(String::new()),
            }
        }

        #[test]
        fn a_hardened_container_passes_every_control() {
            let results = hardened().run();
            let not_passed: Vec<_> = results
                .iter()
                .filter(|(_, (s, _))| *s != Status::Passed)
                .collect();
            assert!(not_passed.is_empty(), "{not_passed:#?}");
        }

        fn bad_pod() -> Value {
            json!({
                "spec": {
                    "hostPID": true, "hostIPC": true, "hostNetwork": true,
                    "volumes": [{"name": "docker-sock",
                                 "hostPath": {"path": "/var/run/docker.sock"}}],
                    "securityContext": {"runAsUser": 0},
                    "containers": [{
                        "name": "app",
                        "image": "nginx",
                        "ports": [{"containerPort": 80, "hostPort": 80}],
                        "env": [{"name": "DB_PASSWORD", "value": "hunter2"}],
                        "volumeMounts": [{"name": "kube-api-access-x7k2p",
                            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                        "securityContext": {
                            "privileged": true,
                            "allowPrivilegeEscalation": true,
                            "capabilities": {"add": ["SYS_ADMIN", "NET_BIND_SERVICE"]}
                        }
                    }]
                }
            })
        }

        const BAD_PASSWD: &str = "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n\
                                  root:x:5:5::/:/bin/sh\nold:$1$salt$hash:1001:1001::/:/bin/sh\n";
        const BAD_DPKG_STATUS: &str = "Package: openssh-server\nStatus: install ok installed\n\
                                       Version: 1\n\nPackage: telnetd\nStatus: install ok installed\n\
                                       Version: 1\n\nPackage: cron\nStatus: install ok installed\n\
                                       Version: 1\n";

        /// Everything wrong at once.
        fn bad() -> Container {
            Container {
                files: files(&[
                    ("/etc/passwd", file(0o666, 0, BAD_PASSWD)),
                    (
                        "/etc/group",
                        file(0o644, 1000, "root:x:0:\nwheel:x:0:\nwheel:x:10:\n"),
                    ),
                    ("/etc/shadow", file(0o644, 0, "root::19000::::::\n")),
                    ("/root", dir(0o755, 0)),
                    (
                        "/etc/os-release",
                        file(0o644, 0, "ID=debian\nVERSION_ID=\"9\"\n"),
                    ),
                    ("/var/lib/dpkg/status", file(0o644, 0, BAD_DPKG_STATUS)),
                    ("/etc/sudoers", file(0o440, 0, "root ALL=(ALL) ALL\n")),
                    (
                        "/etc/sudoers.d/app",
                        file(0o440, 0, "app ALL=(ALL) NOPASSWD: ALL\n"),
                    ),
                    ("/bin/sh", file(0o755, 0, "")),
                    ("/usr/bin/apt-get", file(0o755, 0, "")),
                    ("/usr/bin/gcc", file(0o755, 0, "")),
                ]),
                walk: WalkFact {
                    entries: vec![
                        entry("/", 0o040755),
                        entry("/tmp/notes", 0o100666),
                        entry("/scratch", 0o040777),
                        entry("/bin/busybox", 0o104755),
                        entry("/usr/bin/passwd", 0o104755),
                        entry("/root/.ssh/id_ed25519", 0o100600),
                        entry("/etc/ssl/private/ssl-cert-snakeoil.key", 0o100640),
                        entry("/root/.aws/credentials", 0o100600),
                    ],
                    truncated: false,
                    unreadable: 0,
                    unreadable_example: None,
                },
                // CapEff with SYS_ADMIN (bit 21).
                process: Ok(status(0, "0000000000200000", 0, 0)),
                pod: Ok(pod_value(&bad_pod(), "app")),
                command_output: Ok("/usr/bin/sudo\n".into()),
            }
        }

        #[test]
        fn a_bad_container_fails_every_control() {
            let results = bad().run();
            // cb-os-01 only asks that the release be identifiable; Debian 9 is.
            let not_failed: Vec<_> = results
                .iter()
                .filter(|(id, (s, _))| *s != Status::Failed && id.as_str() != "cb-os-01")
                .collect();
            assert!(not_failed.is_empty(), "{not_failed:#?}");
            let reason = |id: &str| results[id].1.clone().unwrap_or_default();
            assert_eq!(reason("cb-acct-04"), "found 1: toor");
            assert_eq!(reason("cb-acct-05"), "found 1: root");
            assert_eq!(reason("cb-acct-06"), "found 1: old");
            assert_eq!(reason("cb-fs-01"), "found 1: /tmp/notes");
            assert_eq!(reason("cb-fs-02"), "found 1: /scratch");
            assert_eq!(reason("cb-fs-03"), "found 1: /bin/busybox");
            assert_eq!(
                reason("cb-fs-05"),
                "found 2: /root/.ssh/id_ed25519, /etc/ssl/private/ssl-cert-snakeoil.key"
            );
            assert_eq!(reason("cb-fs-06"), "found 1: /root/.aws/credentials");
            assert_eq!(reason("cb-surf-01"), "found 1: openssh-server");
            assert_eq!(reason("cb-surf-05"), "/bin/sh exists");
            assert!(
                reason("cb-surf-03").ends_with(": /etc/sudoers.d/app"),
                "{}",
                reason("cb-surf-03")
            );
            assert!(
                reason("cb-pod-16").ends_with(": DB_PASSWORD"),
                "{}",
                reason("cb-pod-16")
            );
            let all: String = results.values().filter_map(|(_, r)| r.clone()).collect();
            assert!(
                !all.contains("hunter2"),
                "a secret value leaked into a message"
            );
        }

        #[test]
        fn a_root_directory_scan_skips_process_pod_and_command_controls() {
            let mut c = hardened();
            c.process = Err(Unavailable::skip("no running process (--root)"));
            c.pod = Err(Unavailable::skip("not a pod"));
            c.command_output = Err(Unavailable::skip("commands need a shell"));
            for (id, (status, reason)) in c.run() {
                let needs_runtime =
                    id.starts_with("cb-rt-") || id.starts_with("cb-pod-") || id == "cb-surf-07";
                let want = if needs_runtime {
                    Status::Skipped
                } else {
                    Status::Passed
                };
                assert_eq!(status, want, "{id}: {reason:?}");
            }
        }

        #[test]
        fn missing_account_files_are_skipped_never_failed() {
            let mut c = hardened();
            for path in ["/etc/passwd", "/etc/group", "/etc/shadow", "/root"] {
                c.files.remove(path);
            }
            let r = c.run();
            for id in ["cb-acct-01", "cb-acct-02", "cb-acct-03", "cb-fs-04"] {
                assert_eq!(r[id].0, Status::Skipped, "{id}");
                let why = r[id].1.as_deref().unwrap_or_default();
                assert!(why.starts_with("not applicable: "), "{id}: {why}");
            }
            for id in [
                "cb-acct-04",
                "cb-acct-05",
                "cb-acct-06",
                "cb-acct-07",
                "cb-acct-09",
            ] {
                assert_eq!(r[id].0, Status::Skipped, "{id}");
            }
        }

        #[test]
        fn end_of_life_is_judged_only_for_known_releases() {
            let with_release = |text: &str| {
                let mut c = hardened();
                c.files
                    .insert("/etc/os-release".into(), file(0o644, 0, text));
                c.run()
            };
            let r = with_release("ID=debian\nVERSION_ID=\"10\"\n");
            let eol = (
                Status::Failed,
                Some("eol is true, expected false".to_string()),
            );
            assert_eq!(r["cb-os-02"], eol);
            let r = with_release("ID=wolfi\nVERSION_ID=20230201\n");
            assert_eq!(r["cb-os-01"].0, Status::Passed);
            assert_eq!(r["cb-os-02"].0, Status::Skipped);
            let r = with_release("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n");
            let missing = (Status::Failed, Some("VERSION_ID is missing".to_string()));
            assert_eq!(r["cb-os-01"], missing);
            let mut c = hardened();
            c.files.remove("/etc/os-release");
            let r = c.run();
            assert_eq!(r["cb-os-01"].0, Status::Skipped);
            assert_eq!(r["cb-os-02"].0, Status::Skipped);
        }

        #[test]
        fn an_incomplete_walk_can_fail_but_never_pass() {
            let mut c = hardened();
            c.walk.truncated = true;
            let r = c.run();
            for id in ["cb-fs-01", "cb-fs-02", "cb-fs-03", "cb-fs-05", "cb-fs-06"] {
                assert_eq!(r[id].0, Status::Skipped, "{id}");
            }
            c.walk.entries.push(entry("/srv/drop", 0o100777));
            assert_eq!(c.run()["cb-fs-01"].0, Status::Failed);
        }

        #[test]
        fn image_references_are_judged_by_digest_or_tag() {
            let digest = format!("@sha256:{}", "a".repeat(64));
            let cases = [
                ("nginx:1.25.3".to_string(), Status::Passed),
                ("registry.example:5000/team/app:v1".into(), Status::Passed),
                (format!("nginx{digest}"), Status::Passed),
                (format!("nginx:latest{digest}"), Status::Passed),
                ("nginx".into(), Status::Failed),
                ("nginx:latest".into(), Status::Failed),
                ("registry.example:5000/team/app".into(), Status::Failed),
            ];
            for (image, want) in cases {
                let mut pod = hardened_pod();
                pod["spec"]["containers"][0]["image"] = json!(image);
                let mut c = hardened();
                c.pod = Ok(pod_value(&pod, "app"));
                assert_eq!(c.run()["cb-pod-15"].0, want, "{image}");
            }
        }

        #[test]
        fn pod_fields_left_unset_are_judged_by_their_defaults() {
            let pod = json!({"spec": {"containers": [{"name": "app", "image": "app:1"}]}});
            let mut c = hardened();
            c.pod = Ok(pod_value(&pod, "app"));
            let r = c.run();
            // Unset means not privileged, no host namespaces, no volumes, no env.
            for id in [
                "cb-pod-01",
                "cb-pod-06",
                "cb-pod-07",
                "cb-pod-08",
                "cb-pod-09",
                "cb-pod-10",
                "cb-pod-11",
                "cb-pod-15",
                "cb-pod-16",
                "cb-pod-17",
            ] {
                assert_eq!(r[id].0, Status::Passed, "{id}: {:?}", r[id].1);
            }
            // Unset is the insecure default for these: they must be set explicitly.
            for id in [
                "cb-pod-02",
                "cb-pod-03",
                "cb-pod-04",
                "cb-pod-05",
                "cb-pod-12",
                "cb-pod-13",
                "cb-pod-14",
            ] {
                assert_eq!(r[id].0, Status::Failed, "{id}");
            }
            let why = r["cb-pod-02"].1.as_deref();
            assert_eq!(why, Some("security.allowPrivilegeEscalation is missing"));
        }
    }
}
