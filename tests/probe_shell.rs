//! The generated probe, run by real shells (dash and busybox) on fixture trees, must gather
//! exactly the facts the local reader gathers, and hostile names or paths must never run.

mod common;

use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};

use cinc_scan::access::local;
use cinc_scan::access::probe::{Probe, ProbeError, ProbeOptions, ProbeRoot};
use cinc_scan::engine::facts::{Facts, FileFact, ProbePlan};
use cinc_scan::engine::profile::Profile;

const PROFILE: &str = r#"
name: probe-coverage
controls:
  - id: all-resources
    title: every resource kind once
    desc: exercises the probe
    impact: 0.5
    checks:
      - {resource: file, path: /etc/passwd, expect: [{field: content, contains: root}]}
      - {resource: file, path: /etc/os-release, expect: [{field: content, contains: ID}]}
      - {resource: file, path: /etc/loop-a, expect: [{field: exists, equals: true}]}
      - {resource: file, path: /etc/escape, expect: [{field: content, contains: root}]}
      - {resource: file, path: /home/app/rootlink/etc/group, expect: [{field: mode, mode_at_most: "0644"}]}
      - {resource: file, path: "/home/app/$(touch PWNED)", expect: [{field: content, equals: hostile}]}
      - {resource: file, path: "/home/app/it's \"quoted\"", expect: [{field: exists, equals: true}]}
      - {resource: file, path: /var/log/huge.log, expect: [{field: content, contains: y}]}
      - {resource: file, path: /etc/binary.conf, expect: [{field: content, contains: NOPASSWD}]}
      - {resource: file, path: /nonexistent/file, expect: [{field: exists, equals: false}]}
      - {resource: file, path: /etc, expect: [{field: type, equals: directory}]}
      - {resource: files, paths: [/etc/sudoers, "/etc/sudoers.d/*", "/nowhere/*"], expect: [{empty: false}]}
      - {resource: walk, paths: [/], expect: [{empty: false}]}
      - {resource: walk, paths: [/home/app/rootlink/etc], max_depth: 1, expect: [{empty: false}]}
      - {resource: passwd, expect: [{empty: false}]}
      - {resource: group, expect: [{empty: false}]}
      - {resource: shadow, expect: [{empty: false}]}
      - {resource: packages, expect: [{empty: false}]}
      - {resource: os_release, expect: [{field: ID, exists: true}]}
"#;

fn plan() -> ProbePlan {
    let p = Profile::parse(PROFILE, "probe-coverage.yaml").unwrap();
    ProbePlan::for_profiles(&[p], 1 << 20)
}

/// Run `cmd` with `script` on its stdin and collect what it prints.
fn feed(mut cmd: Command, script: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Run the probe with `shell` reading the tree under `root` through the path prefix.
fn run_probe(shell: &Path, path_env: &str, root: &Path, plan: &ProbePlan) -> (Facts, String) {
    let opts = ProbeOptions {
        root: ProbeRoot::Prefix(root.display().to_string()),
        run_commands: false,
        max_output: 1 << 20,
    };
    let probe = Probe::build(plan, &opts);
    let mut cmd = Command::new(shell);
    cmd.arg("-s")
        .env_clear()
        .env("PATH", path_env)
        .current_dir(root);
    let out = feed(cmd, &probe.script);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let facts = probe
        .parse(&out.stdout, &out.stderr)
        .unwrap_or_else(|e| panic!("{e}\nstderr: {stderr}"));
    // Read as it arrives from an exec stream, in pieces of any size, the output gives the
    // same facts: records and walk batches split anywhere are put together again.
    for size in [1, 7, 100, 4096, 65536] {
        let mut stream = probe.stream();
        for piece in out.stdout.chunks(size) {
            stream.feed(piece).unwrap();
        }
        let streamed = stream.finish(&out.stderr).unwrap();
        assert_eq!(streamed, facts, "read in pieces of {size} bytes");
    }
    (facts, stderr)
}

fn assert_same_as_local(shell: &Path, path_env: &str) {
    let fx = common::build("debian");
    let plan = plan();
    let expected = local::gather(fx.root(), &plan);
    let (got, stderr) = run_probe(shell, path_env, fx.root(), &plan);
    assert!(!fx.root().join("PWNED").exists() && !fx.root().join("home/app/PWNED").exists());
    assert!(!Path::new("PWNED").exists());
    assert_eq!(got.files_unavailable, None, "stderr: {stderr}");
    for (path, fact) in &expected.files {
        assert_eq!(
            got.files.get(path),
            Some(fact),
            "file {path:?} differs; stderr: {stderr}"
        );
    }
    assert_eq!(got.files.len(), expected.files.len());
    assert_eq!(got.globs, expected.globs);
    assert_eq!(got.walks.len(), 2);
    // The walks have no filter: the selection "all" holds every entry (the trees are small).
    for (spec, walk) in &expected.walks {
        let walk = walk.as_ref().unwrap();
        let mine = got.walks[spec].as_ref().unwrap();
        let (theirs, ours) = (&walk.selections["all"].kept, &mine.selections["all"].kept);
        let missing: Vec<_> = theirs
            .iter()
            .filter(|e| !ours.contains(e))
            .take(5)
            .collect();
        let extra: Vec<_> = ours
            .iter()
            .filter(|e| !theirs.contains(e))
            .take(5)
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "walk {spec:?}: missing {missing:?}, extra {extra:?}"
        );
        assert_eq!(ours, theirs);
        assert_eq!(mine.entries, walk.entries);
        assert_eq!(mine.entries, ours.len() as u64);
        assert!(!mine.truncated);
    }
    // The facts that matter, spelled out so a bug in both readers cannot hide.
    let walk = &got
        .walks
        .values()
        .next()
        .unwrap()
        .as_ref()
        .unwrap()
        .selections["all"]
        .kept;
    for name in common::HOSTILE_NAMES {
        let path = format!("/home/app/{name}");
        assert!(walk.iter().any(|e| e.path == path), "{path:?} not walked");
    }
    assert!(
        walk.iter().all(|e| !e.path.starts_with("/proc/")),
        "walked into /proc"
    );
    assert!(
        matches!(&got.files["/etc/loop-a"], FileFact::Unreadable(m) if m.contains("symbolic links"))
    );
    assert!(
        matches!(&got.files["/etc/escape"], FileFact::Present { content: Some(c), .. } if c.starts_with(b"root:"))
    );
    assert!(
        matches!(&got.files["/var/log/huge.log"], FileFact::Present { truncated: true, content: Some(c), .. } if c.len() == 1 << 20)
    );
    assert_eq!(got.files["/nonexistent/file"], FileFact::Missing);
    assert!(
        matches!(&got.files["/home/app/$(touch PWNED)"], FileFact::Present { content: Some(c), .. } if c == b"hostile")
    );
}

#[test]
fn dash_with_gnu_tools_gathers_what_the_local_reader_gathers() {
    let dash = ["/bin/dash", "/usr/bin/dash"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let dash = dash.expect("dash is required for the probe tests: apt-get install dash");
    assert_same_as_local(Path::new(dash), "/usr/local/bin:/usr/bin:/bin");
}

#[test]
fn busybox_sh_with_busybox_tools_gathers_what_the_local_reader_gathers() {
    let busybox = common::busybox();
    let bin = tempfile::tempdir().unwrap();
    for applet in ["sh", "stat", "find", "xargs", "head", "readlink", "cat"] {
        symlink(&busybox, bin.path().join(applet)).unwrap();
    }
    let path = bin.path().display().to_string();
    assert_same_as_local(&bin.path().join("sh"), &path);
}

#[test]
fn a_probe_cut_short_is_an_error_not_a_pass() {
    let fx = common::build("alpine");
    let plan = plan();
    let probe = Probe::build(
        &plan,
        &ProbeOptions {
            root: ProbeRoot::Prefix(fx.root().display().to_string()),
            run_commands: false,
            max_output: 1024,
        },
    );
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("{}\nexit 3", probe.script.replace("_h END", "")))
        .output()
        .unwrap();
    assert!(probe.parse(&out.stdout, &out.stderr).is_err());
}

/// Run the probe in target-process mode on this machine and return the parse result.
fn run_target_mode(
    container_id: Option<&str>,
) -> Result<cinc_scan::engine::facts::Facts, cinc_scan::access::probe::ProbeError> {
    let probe = Probe::build(
        &plan(),
        &ProbeOptions {
            root: ProbeRoot::TargetProcess {
                container_id: container_id.map(str::to_string),
            },
            run_commands: false,
            max_output: 1024,
        },
    );
    // A fresh PID namespace with its own /proc (root only): PID 1 is our shell, whose root is
    // the same as the probe's, as for a debugger that did not join the target's namespace.
    let mut cmd = Command::new("unshare");
    cmd.args(["--pid", "--fork", "--mount-proc", "/bin/sh", "-s"]);
    let out = feed(cmd, &probe.script);
    probe.parse(&out.stdout, &out.stderr)
}

#[test]
fn a_debug_container_outside_the_targets_pid_namespace_is_detected() {
    // PID 1's root is our own root: exactly what a debugger sees when the runtime did not put
    // it into the target's PID namespace.
    assert!(
        matches!(run_target_mode(None), Err(ProbeError::NotSharedPid)),
        "{:?}",
        run_target_mode(None).err()
    );
    // No process carries the container id: not found, never a scan of the wrong root.
    let missing = run_target_mode(Some(
        "0000000000000000000000000000000000000000000000000000000000000000",
    ));
    assert!(
        matches!(missing, Err(ProbeError::TargetNotFound)),
        "{:?}",
        missing.err()
    );
}

/// A distroless target as PID 1 of its own PID namespace: chrooted into a tree of its own,
/// running as uid 1000. The probe joins that namespace as root without CAP_SYS_PTRACE (a
/// debug container of the image's root user), so the kernel denies it the target's root;
/// it must read it as the target's uid instead (util-linux `setpriv` with dash, busybox
/// `nsenter -S -G` with busybox), and say so. Root only, like the test above.
#[test]
fn a_root_debugger_denied_the_targets_root_reads_it_as_the_targets_uid() {
    use std::os::unix::fs::PermissionsExt;
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    for d in ["bin", "etc"] {
        std::fs::create_dir(root.join(d)).unwrap();
    }
    std::fs::copy(common::busybox(), root.join("bin/busybox")).unwrap();
    std::fs::write(root.join("etc/passwd"), "owner:x:1000:1000::/:/bin/false\n").unwrap();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut target = Command::new("unshare")
        .args([
            "--pid",
            "--fork",
            "--mount-proc",
            "chroot",
            "--userspec=1000:1000",
        ])
        .arg(root)
        .args(["/bin/busybox", "sleep", "60"])
        .spawn()
        .unwrap();
    // The target's pid on this machine: the child of unshare.
    let children = format!("/proc/{0}/task/{0}/children", target.id());
    let mut pid = String::new();
    for _ in 0..100 {
        pid = std::fs::read_to_string(&children)
            .unwrap_or_default()
            .trim()
            .to_string();
        let running_as_target = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .is_ok_and(|s| s.contains("Uid:\t1000"));
        if !pid.is_empty() && running_as_target {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let profile = r#"
name: drop
controls:
  - id: c
    title: t
    desc: d
    impact: 0.5
    checks:
      - {resource: file, path: /etc/passwd, expect: [{field: content, contains: owner}]}
"#;
    let plan = ProbePlan::for_profiles(&[Profile::parse(profile, "drop.yaml").unwrap()], 1 << 20);
    let probe = Probe::build(
        &plan,
        &ProbeOptions {
            root: ProbeRoot::TargetProcess { container_id: None },
            run_commands: false,
            max_output: 1 << 20,
        },
    );
    let busybox = common::busybox();
    let applets = tempfile::tempdir().unwrap();
    for applet in [
        "sh", "stat", "find", "xargs", "head", "readlink", "cat", "id", "nsenter", "setpriv",
    ] {
        symlink(&busybox, applets.path().join(applet)).unwrap();
    }
    let dash = ["/bin/dash", "/usr/bin/dash"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("dash is required for the probe tests: apt-get install dash");
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("util-linux setpriv is required for this test");
    let shells = [
        (
            dash.to_string(),
            "/usr/bin:/bin:/usr/sbin:/sbin".to_string(),
        ),
        (
            applets.path().join("sh").display().to_string(),
            applets.path().display().to_string(),
        ),
    ];
    for (shell, path) in shells {
        let mut cmd = Command::new("nsenter");
        cmd.args(["-t", &pid, "-p", "-m", "--"])
            .args([setpriv, "--bounding-set=-sys_ptrace", &shell, "-s"])
            .env_clear()
            .env("PATH", &path);
        let out = feed(cmd, &probe.script);
        let facts = probe.parse(&out.stdout, &out.stderr).unwrap_or_else(|e| {
            panic!(
                "{shell}: {e}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert_eq!(facts.target_pid, Some(1), "{shell}");
        assert_eq!(facts.read_as, Some((1000, 1000)), "{shell}");
        let Some(FileFact::Present {
            content: Some(passwd),
            ..
        }) = facts.files.get("/etc/passwd")
        else {
            panic!("{shell}: /etc/passwd not read: {:?}", facts.files);
        };
        assert_eq!(
            String::from_utf8_lossy(passwd),
            "owner:x:1000:1000::/:/bin/false\n",
            "{shell}: the target's /etc/passwd, not ours"
        );
    }
    let _ = target.kill();
    let _ = target.wait();
}

/// A fake shell: reads the probe from stdin like `sh -s`, learns its boundary (as a hostile
/// shell in the target could) and prints `frames` instead of running it, where `$B` is the
/// boundary. stdout is read up to `cap` bytes, then the shell is killed (endless output).
fn hostile_shell(shell: &Path, frames: &str, cap: usize) -> Result<Facts, ProbeError> {
    use std::io::Read;
    let probe = Probe::build(
        &plan(),
        &ProbeOptions {
            root: ProbeRoot::Inside,
            run_commands: true,
            max_output: 1024,
        },
    );
    let fake = format!(
        "script=$(cat)\nB=$(printf '%s\\n' \"$script\" | sed -n \"s/^B='\\(.*\\)'\\$/\\1/p\")\n\
         [ -n \"$B\" ] || exit 9\nh() {{ printf '\\n%s %s\\n' \"$B\" \"$*\"; }}\n{frames}\n"
    );
    let mut child = Command::new(shell)
        .arg("-c")
        .arg(fake)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(probe.script.as_bytes())
        .unwrap();
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .take(cap as u64)
        .read_to_end(&mut out)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    probe.parse(&out, b"")
}

const VERSION: &str = "h V 1 stat=1 find=1 xargs=1 head=1";

fn each_shell(test: impl Fn(&Path)) {
    let busybox = common::busybox();
    let bin = tempfile::tempdir().unwrap();
    for applet in ["sh", "sed", "cat"] {
        symlink(&busybox, bin.path().join(applet)).unwrap();
    }
    let dash = ["/bin/dash", "/usr/bin/dash"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("dash is required for the probe tests: apt-get install dash");
    test(Path::new(dash));
    test(&bin.path().join("sh"));
}

#[test]
fn a_hostile_shell_claiming_huge_counts_gets_an_error_naming_the_cap() {
    each_shell(|sh| {
        for count in ["99999999999999999999999", "18446744073709551615", "4000000"] {
            let frames =
                format!("{VERSION}\nh W w0\nprintf 'S {count}\\n81a4 0 0 1\\n/x\\0'\nh END");
            let e = hostile_shell(sh, &frames, 1 << 20).unwrap_err();
            assert!(
                matches!(e, ProbeError::OverCap { cap: 131072, .. }),
                "{sh:?} S {count}: {e}"
            );
            assert!(e.to_string().contains("the limit is 131072"), "{e}");
        }
    });
}

#[test]
fn a_hostile_shell_with_endless_output_gets_an_error_naming_the_cap() {
    each_shell(|sh| {
        // Endless glob matches: stopped at the cap on matches, whatever the stream's length.
        let frames = format!("{VERSION}\nwhile :; do h M g0 1; printf /etc/sudoers.d/x; done");
        let e = hostile_shell(sh, &frames, 4 << 20).unwrap_err();
        assert!(
            matches!(e, ProbeError::OverCap { cap: 10000, .. }),
            "{sh:?}: {e}"
        );
        // Endless walk entries: cut off by the reader, the probe never finished.
        let frames =
            format!("{VERSION}\nh W w0\nwhile :; do printf 'S 1\\n81a4 0 0 1\\n/x\\0'; done");
        let e = hostile_shell(sh, &frames, 4 << 20).unwrap_err();
        assert!(matches!(e, ProbeError::Incomplete(_)), "{sh:?}: {e}");
        // Endless content for one file: larger than the file's cap.
        let frames = format!(
            "{VERSION}\nh F f1 ok\nprintf '81a4 0 0 5'\nh C f1\nhead -c 3000000 /dev/zero\nh END"
        );
        let e = hostile_shell(sh, &frames, 4 << 20).unwrap_err();
        assert!(
            matches!(e, ProbeError::OverCap { cap: 1048576, .. })
                && e.to_string().contains("/etc/binary.conf"),
            "{sh:?}: {e}"
        );
    });
}

#[test]
fn a_forged_boundary_frames_nothing() {
    each_shell(|sh| {
        // The right records under a boundary that is not ours: nothing is read, no pass.
        let frames = "B=0123456789abcdef0123456789abcdef\nh V 1 stat=1\nh F f0 ok\nprintf '81a4 0 0 5'\nh END";
        let e = hostile_shell(sh, frames, 1 << 20).unwrap_err();
        assert!(matches!(e, ProbeError::Incomplete(_)), "{sh:?}: {e}");
        // Our boundary with ids the probe never issued: ignored, never stored.
        let frames = format!(
            "{VERSION}\ni=0; while [ $i -lt 2000 ]; do h F zz$i ok; printf '81a4 0 0 5'; h W wz$i; i=$((i+1)); done\nh END"
        );
        let facts = hostile_shell(sh, &frames, 4 << 20).unwrap();
        assert!(facts
            .files
            .values()
            .all(|f| matches!(f, FileFact::Unreadable(m) if m == "no answer from the probe")));
        assert!(facts.walks.values().all(|w| w.is_err()));
    });
}
