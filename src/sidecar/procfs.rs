//! Finding the target containers' processes from inside the pod (shared PID namespace): by the
//! marker the injection puts into each target's environment, or by the container ids of the
//! pod's status matched to `/proc/<pid>/cgroup`. Never by command lines.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The environment variable `sidecar inject` adds to each target container: its own name.
pub const TARGET_ENV: &str = "CINC_SCAN_TARGET";

/// `/proc/<pid>/environ` is read up to this size (the kernel caps argv+env at a few MiB).
const ENVIRON_MAX: u64 = 1024 * 1024;
/// `/proc/<pid>/cgroup`, `stat` and `status` are small; anything longer is not a real one.
const SMALL_MAX: u64 = 64 * 1024;

/// A filesystem identity: device and inode of a directory.
pub type RootId = (u64, u64);

/// What one process of the PID namespace shows us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    pub pid: u32,
    /// Start time in clock ticks after boot (`/proc/<pid>/stat` field 22).
    pub start: u64,
    /// Identity of `/proc/<pid>/root`, when we may dereference it.
    pub root: Option<RootId>,
    /// The target marker from its environment, when readable and present.
    pub marker: Option<String>,
    /// `/proc/<pid>/cgroup`, when readable.
    pub cgroup: Option<String>,
}

/// One target container, found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub container: String,
    /// Its oldest process (normally the container's entrypoint).
    pub pid: u32,
    pub root_id: RootId,
    /// How it was found, for the report.
    pub how: String,
}

/// What a discovery pass saw besides the targets: why some could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    pub found: Vec<Found>,
    /// Processes whose environment or root we may not read (another uid, not dumpable).
    pub unreadable: usize,
    /// Notes for the log (ambiguous markers, ignored values).
    pub notes: Vec<String>,
}

fn read_capped(path: &Path, cap: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    File::open(path)
        .and_then(|f| f.take(cap).read_to_end(&mut out))
        .ok()?;
    Some(out)
}

/// Field 22 of `/proc/<pid>/stat`; the command name (field 2) may hold spaces and parens, so
/// fields are counted after the last `)`.
pub fn start_time(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// The value of `name` in a NUL-separated environment block.
pub fn env_value(environ: &[u8], name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    environ
        .split(|b| *b == 0)
        .find_map(|kv| kv.strip_prefix(prefix.as_bytes()))
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// A Kubernetes container name: a DNS-1123 label. Anything else in a marker is ignored (it
/// names a file and goes into logs).
pub fn is_container_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn root_id(path: &Path) -> Option<RootId> {
    // The trailing slash dereferences the magic link (a ptrace-read check).
    let meta = std::fs::metadata(path.join("")).ok()?;
    Some(file_id(&meta))
}

/// A file's (device, inode): what tells one process's root from another's.
#[cfg(unix)]
pub fn file_id(meta: &std::fs::Metadata) -> RootId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Off Unix there is no /proc, so the in-pod mode finds no process to ask this of.
#[cfg(not(unix))]
pub fn file_id(_meta: &std::fs::Metadata) -> RootId {
    (0, 0)
}

/// A file's owner (uid, gid); `u32::MAX` for both off Unix.
#[cfg(unix)]
pub fn owner(meta: &std::fs::Metadata) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    (meta.uid(), meta.gid())
}

#[cfg(not(unix))]
pub fn owner(_meta: &std::fs::Metadata) -> (u32, u32) {
    (u32::MAX, u32::MAX)
}

/// Every process under `proc_dir` except `self_pid`.
pub fn processes(proc_dir: &Path, self_pid: u32) -> Vec<ProcInfo> {
    let Ok(entries) = std::fs::read_dir(proc_dir) else {
        return Vec::new();
    };
    let mut out: Vec<ProcInfo> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != self_pid)
        .filter_map(|pid| {
            let dir = proc_dir.join(pid.to_string());
            let stat = read_capped(&dir.join("stat"), SMALL_MAX)?;
            let start = start_time(&String::from_utf8_lossy(&stat)).unwrap_or(u64::MAX);
            let marker = read_capped(&dir.join("environ"), ENVIRON_MAX)
                .and_then(|e| env_value(&e, TARGET_ENV));
            let cgroup = read_capped(&dir.join("cgroup"), SMALL_MAX)
                .map(|c| String::from_utf8_lossy(&c).into_owned());
            Some(ProcInfo {
                pid,
                start,
                root: root_id(&dir.join("root")),
                marker,
                cgroup,
            })
        })
        .collect();
    out.sort_by_key(|p| (p.start, p.pid));
    out
}

/// Targets by the marker in their environment. `self_root` is our own root: processes that
/// share it are the sidecar's. With several roots claiming one name, the oldest process wins
/// and a note says so (a target's child could set the variable; the entrypoint came first).
pub fn by_marker(procs: &[ProcInfo], self_root: Option<RootId>) -> Discovery {
    let mut d = Discovery::default();
    let mut by_name: BTreeMap<String, Vec<&ProcInfo>> = BTreeMap::new();
    for p in procs {
        let Some(root) = p.root else {
            d.unreadable += 1;
            continue;
        };
        if Some(root) == self_root {
            continue;
        }
        match &p.marker {
            Some(m) if is_container_name(m) => by_name.entry(m.clone()).or_default().push(p),
            Some(m) => d.notes.push(format!(
                "process {} has {TARGET_ENV}={:?}, not a container name: ignored",
                p.pid,
                crate::sidecar::printable(m, 80)
            )),
            None => {}
        }
    }
    for (name, list) in by_name {
        // `procs` is sorted by start time: the first is the oldest.
        let first = list[0];
        let Some(root) = first.root else { continue };
        let others = list.iter().filter(|p| p.root != first.root).count();
        if others > 0 {
            d.notes.push(format!(
                "{others} process(es) with another root also claim {TARGET_ENV}={name}; \
                 scanning the oldest, pid {}",
                first.pid
            ));
        }
        d.found.push(Found {
            container: name.clone(),
            pid: first.pid,
            root_id: root,
            how: format!("pid {} ({TARGET_ENV}={name})", first.pid),
        });
    }
    d
}

/// Targets by container id (from the pod's status) found in `/proc/<pid>/cgroup`.
pub fn by_container_id(
    procs: &[ProcInfo],
    self_root: Option<RootId>,
    containers: &[(String, String)],
) -> Discovery {
    let mut d = Discovery::default();
    for (name, id) in containers {
        if id.len() < 12 {
            continue;
        }
        let hit = procs.iter().find(|p| {
            p.root != self_root && p.cgroup.as_deref().is_some_and(|c| c.contains(id.as_str()))
        });
        match hit {
            Some(p) => match p.root {
                Some(root) => d.found.push(Found {
                    container: name.clone(),
                    pid: p.pid,
                    root_id: root,
                    how: format!("pid {} (container id {} in its cgroup)", p.pid, &id[..12]),
                }),
                None => d.unreadable += 1,
            },
            None => d.notes.push(format!(
                "no process of container {name} ({}) is visible: is shareProcessNamespace on?",
                &id[..12]
            )),
        }
    }
    d
}

/// The target's main process for the `process` resource: the oldest process with the same
/// root (what the debug probe picks too), and its `/proc/<pid>/status`.
pub fn main_process(
    proc_dir: &Path,
    procs: &[ProcInfo],
    root: RootId,
) -> Option<crate::engine::facts::ProcessFact> {
    let p = procs.iter().find(|p| p.root == Some(root))?;
    let status = read_capped(&proc_dir.join(p.pid.to_string()).join("status"), SMALL_MAX)?;
    Some(crate::engine::facts::ProcessFact {
        pid: p.pid,
        status: String::from_utf8_lossy(&status).into_owned(),
    })
}

/// Where a found target's filesystem is.
pub fn root_path(proc_dir: &Path, pid: u32) -> PathBuf {
    proc_dir.join(pid.to_string()).join("root")
}

/// Our own root's identity.
pub fn self_root() -> Option<RootId> {
    root_id(Path::new("/"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn stat_start_time_survives_odd_command_names() {
        let stat = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10";
        assert_eq!(start_time(stat), Some(98765));
        assert_eq!(start_time("garbage"), None);
    }

    #[test]
    fn markers_are_container_names_only() {
        let env = b"PATH=/bin\0CINC_SCAN_TARGET=app\0X=1";
        assert_eq!(env_value(env, TARGET_ENV).as_deref(), Some("app"));
        assert_eq!(env_value(b"CINC_SCAN_TARGETX=app", TARGET_ENV), None);
        assert!(is_container_name("app-2"));
        for bad in [
            "",
            "App",
            "../x",
            "a b",
            "-a",
            "a-",
            &"a".repeat(64),
            "a\nb",
        ] {
            assert!(!is_container_name(bad), "{bad:?}");
        }
    }

    fn fake_proc(dir: &Path, pid: u32, start: u64, env: &[u8], root: &Path, cgroup: &str) {
        let p = dir.join(pid.to_string());
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(
            p.join("stat"),
            format!("{pid} (x) S 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {start} 0 0"),
        )
        .unwrap();
        std::fs::write(p.join("environ"), env).unwrap();
        std::fs::write(p.join("cgroup"), cgroup).unwrap();
        std::fs::write(
            p.join("status"),
            format!("Name:\tx\nUid:\t{pid}\t{pid}\t{pid}\t{pid}\n"),
        )
        .unwrap();
        symlink(root, p.join("root")).unwrap();
    }

    #[test]
    fn targets_by_marker_and_by_container_id() {
        let dir = tempfile::tempdir().unwrap();
        let procs_dir = dir.path().join("proc");
        let (app, web, me) = (
            dir.path().join("app"),
            dir.path().join("web"),
            dir.path().join("me"),
        );
        for d in [&app, &web, &me] {
            std::fs::create_dir_all(d).unwrap();
        }
        fake_proc(&procs_dir, 1, 10, b"", &me, "0::/pause");
        fake_proc(
            &procs_dir,
            7,
            20,
            b"CINC_SCAN_TARGET=app\0",
            &app,
            "0::/cri-containerd-aaaaaaaaaaaaaaaa.scope",
        );
        fake_proc(
            &procs_dir,
            9,
            30,
            b"CINC_SCAN_TARGET=app\0",
            &app,
            "0::/cri-containerd-aaaaaaaaaaaaaaaa.scope",
        );
        fake_proc(
            &procs_dir,
            12,
            40,
            b"CINC_SCAN_TARGET=web\0",
            &web,
            "0::/cri-containerd-bbbbbbbbbbbbbbbb.scope",
        );
        // A later process of `web` claiming to be `app`: the oldest claim wins, with a note.
        fake_proc(&procs_dir, 15, 50, b"CINC_SCAN_TARGET=app\0", &web, "0::/x");
        fake_proc(
            &procs_dir,
            16,
            60,
            b"CINC_SCAN_TARGET=$(evil)\0",
            &web,
            "0::/x",
        );
        fake_proc(&procs_dir, 20, 5, b"CINC_SCAN_TARGET=app\0", &me, "0::/me");
        let procs = processes(&procs_dir, 20);
        assert_eq!(
            procs.iter().map(|p| p.pid).collect::<Vec<_>>(),
            [1, 7, 9, 12, 15, 16]
        );
        let me_id = root_id(&me);
        let d = by_marker(&procs, me_id);
        let found: Vec<(&str, u32)> = d
            .found
            .iter()
            .map(|f| (f.container.as_str(), f.pid))
            .collect();
        assert_eq!(found, [("app", 7), ("web", 12)]);
        assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
        assert!(d.notes.iter().any(|n| n.contains("also claim")));
        let process = main_process(&procs_dir, &procs, d.found[1].root_id).unwrap();
        assert_eq!(process.pid, 12);
        let ids = vec![
            ("app".to_string(), "aaaaaaaaaaaaaaaa".to_string()),
            ("gone".to_string(), "cccccccccccccccc".to_string()),
        ];
        let d = by_container_id(&procs, me_id, &ids);
        assert_eq!(d.found.len(), 1);
        assert_eq!((d.found[0].container.as_str(), d.found[0].pid), ("app", 7));
        assert!(d.notes[0].contains("gone"), "{:?}", d.notes);
    }
}
