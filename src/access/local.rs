//! Local access: reads a directory tree (an unpacked image, a mounted filesystem, or `/`)
//! directly, resolving symlinks as if DIR were the root so nothing outside DIR is ever read.

use std::fs::{self, File};
use std::io::{self, Read};
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

use crate::engine::facts::{Facts, FileFact, FileWant, ProbePlan, Stat, Unavailable, WalkFact};
use crate::engine::profile::WalkSpec;
use crate::engine::walk::{Selector, WalkCollector};

/// Off Unix, the few stat fields the engine reads, from what std knows (no owners there).
#[cfg(not(unix))]
trait MetadataExt {
    fn mode(&self) -> u32;
    fn uid(&self) -> u32;
    fn gid(&self) -> u32;
    fn size(&self) -> u64;
    fn dev(&self) -> u64;
}

#[cfg(not(unix))]
impl MetadataExt for fs::Metadata {
    fn mode(&self) -> u32 {
        let kind = if self.is_dir() {
            0o040000
        } else if self.file_type().is_symlink() {
            0o120000
        } else {
            0o100000
        };
        let perm = if self.permissions().readonly() {
            0o444
        } else {
            0o644
        };
        kind | perm
    }
    fn uid(&self) -> u32 {
        0
    }
    fn gid(&self) -> u32 {
        0
    }
    fn size(&self) -> u64 {
        self.len()
    }
    fn dev(&self) -> u64 {
        0
    }
}

const MAX_LINKS: u32 = 40;

/// Container paths that walks never enter.
const PSEUDO_FS: [&str; 3] = ["/proc", "/sys", "/dev"];

pub const LOOP_MESSAGE: &str = "too many levels of symbolic links";

fn loop_error() -> io::Error {
    io::Error::other(LOOP_MESSAGE)
}

/// Resolve `path` (absolute, as seen inside the tree) to a container path with no symlinks,
/// treating `root` as `/`: `..` stops at the root and absolute links restart at the root.
pub fn resolve(root: &Path, path: &str) -> io::Result<String> {
    let mut resolved: Vec<String> = Vec::new();
    let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
    let mut links = 0;
    while let Some(part) = pending.pop() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                resolved.pop();
                continue;
            }
            _ => {}
        }
        let candidate = host_path(root, &join(&resolved, &part));
        match fs::symlink_metadata(&candidate) {
            Ok(meta) if meta.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(loop_error());
                }
                let target = fs::read_link(&candidate)?;
                let target = target.to_string_lossy();
                if target.starts_with('/') {
                    resolved.clear();
                }
                pending.extend(target.split('/').rev().map(str::to_string));
            }
            // Missing components are kept: the caller's stat reports "missing".
            Ok(_) | Err(_) => resolved.push(part),
        }
    }
    Ok(format!("/{}", resolved.join("/")))
}

fn join(parts: &[String], last: &str) -> String {
    let mut s = String::from("/");
    for p in parts {
        s.push_str(p);
        s.push('/');
    }
    s.push_str(last);
    s
}

fn host_path(root: &Path, container_path: &str) -> PathBuf {
    root.join(container_path.trim_start_matches('/'))
}

fn stat_of(meta: &fs::Metadata) -> Stat {
    Stat::from_raw(meta.mode(), meta.uid(), meta.gid(), meta.size())
}

fn io_fact(e: &io::Error) -> FileFact {
    match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => FileFact::Missing,
        io::ErrorKind::PermissionDenied => FileFact::Unreadable("permission denied".into()),
        _ => FileFact::Unreadable(e.to_string()),
    }
}

pub fn file_fact(root: &Path, path: &str, want: FileWant) -> FileFact {
    let resolved = match resolve(root, path) {
        Ok(r) => r,
        Err(e) => return io_fact(&e),
    };
    let host = host_path(root, &resolved);
    let meta = match fs::symlink_metadata(&host) {
        Ok(m) => m,
        Err(e) => return io_fact(&e),
    };
    let stat = stat_of(&meta);
    let Some(cap) = want.content_cap.filter(|_| meta.is_file()) else {
        return FileFact::Present {
            stat,
            content: None,
            truncated: false,
        };
    };
    let mut content = Vec::new();
    let read = File::open(&host).and_then(|f| f.take(cap).read_to_end(&mut content));
    match read {
        Ok(_) => FileFact::Present {
            truncated: (content.len() as u64) < stat.size,
            stat,
            content: Some(content),
        },
        Err(e) => io_fact(&e),
    }
}

/// `*` and `?` against one file name.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    // Like sh: a leading dot must be matched explicitly.
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    go(pattern.as_bytes(), name.as_bytes())
}

fn glob(root: &Path, pattern: &str) -> io::Result<Vec<String>> {
    let (dir, last) = pattern.rsplit_once('/').unwrap_or(("", pattern));
    let dir = resolve(root, if dir.is_empty() { "/" } else { dir })?;
    let entries = match fs::read_dir(host_path(root, &dir)) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| wildcard(last, name))
        .map(|name| format!("{}/{name}", dir.trim_end_matches('/')))
        .collect();
    out.sort();
    Ok(out)
}

/// A directory still to list: its container and host paths, its depth, and the device of
/// its walk's start (`find -xdev` lists other filesystems but does not enter them).
struct Dir {
    path: String,
    host: PathBuf,
    depth: u32,
    device: u64,
}

/// What the walker threads share: the directories still to list and the entry budget.
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    taken: AtomicU64,
    stop: AtomicBool,
}

struct Queue {
    dirs: Vec<Dir>,
    /// Threads listing a directory (which may add more).
    busy: usize,
}

impl Shared {
    /// Count one entry against `max_entries`; `false` (and every thread stops) past it.
    fn take(&self, max: u64) -> bool {
        if self.taken.fetch_add(1, Ordering::Relaxed) < max {
            return true;
        }
        self.stop.store(true, Ordering::Relaxed);
        // Under the lock, so that no thread is between its check of `stop` and its wait.
        let _queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.notify_all();
        false
    }

    /// The next directory to list, after handing over the children of the last one; `None`
    /// once no directory is left and no thread is listing one, or the budget ran out.
    fn next(&self, children: &mut Vec<Dir>, was_busy: bool) -> Option<Dir> {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if was_busy {
            q.busy -= 1;
        }
        if !children.is_empty() {
            q.dirs.append(children);
            self.wake.notify_all();
        }
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(d) = q.dirs.pop() {
                q.busy += 1;
                return Some(d);
            }
            if q.busy == 0 {
                self.wake.notify_all();
                return None;
            }
            q = self.wake.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// How many threads list directories: stat calls dominate a walk and run in parallel in the
/// kernel; more than a few only contend on the same disks and locks.
fn walker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Walk like `find START -xdev` (pseudo filesystems pruned, symlinks not followed), giving
/// each entry with its `lstat` to the selectors. Directories are listed by a few threads,
/// each with its own collector; the collectors are merged at the end, and what they keep
/// does not depend on the order (see [`WalkCollector`]). Memory holds the directories still
/// to list and the kept matches, never the entries.
pub fn walk(root: &Path, spec: &WalkSpec, selectors: &[Selector]) -> WalkFact {
    let max = u64::from(spec.max_entries);
    let mut out = WalkCollector::new(spec, selectors);
    let shared = Shared {
        queue: Mutex::new(Queue {
            dirs: Vec::new(),
            busy: 0,
        }),
        wake: Condvar::new(),
        taken: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    };
    let mut dirs = Vec::new();
    for start in &spec.paths {
        let Ok(start) = resolve(root, start) else {
            out.unreadable(|| format!("{start}: {LOOP_MESSAGE}"));
            continue;
        };
        // Like `find -prune`: pseudo filesystems are neither listed nor entered.
        if PSEUDO_FS.contains(&start.as_str()) {
            continue;
        }
        let host = host_path(root, &start);
        let Ok(meta) = fs::symlink_metadata(&host) else {
            continue;
        };
        if !shared.take(max) {
            break;
        }
        out.push(&start, &stat_of(&meta));
        if meta.is_dir() {
            dirs.push(Dir {
                path: start,
                host,
                depth: 0,
                device: meta.dev(),
            });
        }
    }
    dirs.reverse();
    shared.queue.lock().unwrap_or_else(|e| e.into_inner()).dirs = dirs;
    let threads = walker_threads();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| scope.spawn(|| list_dirs(&shared, spec, selectors)))
            .collect();
        out.absorb(list_dirs(&shared, spec, selectors));
        for h in helpers {
            match h.join() {
                Ok(part) => out.absorb(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    if shared.stop.load(Ordering::Relaxed) {
        out.set_truncated();
    }
    out.finish()
}

/// One walker thread: list directories from the queue until none is left.
fn list_dirs<'a>(shared: &Shared, spec: &WalkSpec, selectors: &'a [Selector]) -> WalkCollector<'a> {
    let max = u64::from(spec.max_entries);
    let mut out = WalkCollector::new(spec, selectors);
    let mut children = Vec::new();
    let mut busy = false;
    while let Some(dir) = shared.next(&mut children, busy) {
        busy = true;
        if dir.depth >= spec.max_depth {
            continue;
        }
        let entries = match fs::read_dir(&dir.host) {
            Ok(c) => c,
            Err(e) => {
                out.unreadable(|| format!("{}: {e}", dir.path));
                continue;
            }
        };
        let base = dir.path.trim_end_matches('/');
        for child in entries {
            let Ok(child) = child else {
                out.unreadable(|| format!("{}: cannot list", dir.path));
                continue;
            };
            let name = child.file_name();
            let name = name.to_string_lossy();
            let mut cpath = String::with_capacity(base.len() + 1 + name.len());
            cpath.push_str(base);
            cpath.push('/');
            cpath.push_str(&name);
            if PSEUDO_FS.contains(&cpath.as_str()) {
                continue;
            }
            match child.metadata() {
                Ok(m) => {
                    if !shared.take(max) {
                        return out;
                    }
                    out.push(&cpath, &stat_of(&m));
                    if m.is_dir() && m.dev() == dir.device {
                        children.push(Dir {
                            path: cpath,
                            host: child.path(),
                            depth: dir.depth + 1,
                            device: dir.device,
                        });
                    }
                }
                Err(e) => out.unreadable(|| format!("{cpath}: {e}")),
            }
        }
    }
    out
}

/// Gather every fact of the plan from the tree under `root`.
pub fn gather(root: &Path, plan: &ProbePlan) -> Facts {
    let mut facts = Facts::new(
        Err(Unavailable::skip(
            "no running process when scanning a directory (--root)",
        )),
        Err(Unavailable::skip(
            "pod spec not available when scanning a directory (--root)",
        )),
    );
    for (path, want) in &plan.files {
        facts
            .files
            .insert(path.clone(), file_fact(root, path, *want));
    }
    for (pattern, want) in &plan.globs {
        match glob(root, pattern) {
            Ok(paths) => {
                for p in &paths {
                    facts
                        .files
                        .entry(p.clone())
                        .or_insert_with(|| file_fact(root, p, *want));
                }
                facts.globs.insert(pattern.clone(), Ok(paths));
            }
            Err(e) => {
                facts.globs.insert(
                    pattern.clone(),
                    Err(Unavailable::skip(format!("cannot list {pattern}: {e}"))),
                );
            }
        }
    }
    for (spec, selectors) in &plan.walks {
        facts
            .walks
            .insert(spec.clone(), Ok(walk(root, spec, selectors)));
    }
    for cmd in &plan.commands {
        facts.commands.insert(
            cmd.clone(),
            Err(Unavailable::skip(
                "commands are not run when scanning a directory (--root)",
            )),
        );
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn resolve_stays_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("etc")).unwrap();
        fs::write(root.join("etc/real"), "x").unwrap();
        symlink("/etc/real", root.join("etc/abs")).unwrap();
        symlink("../../../../etc/real", root.join("etc/up")).unwrap();
        symlink("/etc/loop2", root.join("etc/loop1")).unwrap();
        symlink("/etc/loop1", root.join("etc/loop2")).unwrap();
        symlink("/", root.join("etc/rootlink")).unwrap();
        assert_eq!(resolve(root, "/etc/abs").unwrap(), "/etc/real");
        assert_eq!(resolve(root, "/etc/up").unwrap(), "/etc/real");
        assert_eq!(
            resolve(root, "/../../etc/rootlink/etc/real").unwrap(),
            "/etc/real"
        );
        assert!(resolve(root, "/etc/loop1").is_err());
        let fact = file_fact(
            root,
            "/etc/loop1",
            FileWant {
                content_cap: Some(10),
            },
        );
        assert!(
            matches!(fact, FileFact::Unreadable(ref m) if m.contains("symbolic links")),
            "{fact:?}"
        );
    }

    #[test]
    fn content_is_capped_and_marked_truncated() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("big"), vec![b'a'; 100]).unwrap();
        match file_fact(
            dir.path(),
            "/big",
            FileWant {
                content_cap: Some(10),
            },
        ) {
            FileFact::Present {
                content: Some(c),
                truncated: true,
                stat,
            } => {
                assert_eq!(c.len(), 10);
                assert_eq!(stat.size, 100);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            file_fact(dir.path(), "/nope", FileWant { content_cap: None }),
            FileFact::Missing
        );
    }

    #[test]
    fn wildcards_match_like_sh() {
        assert!(wildcard("*", "sudoers"));
        assert!(!wildcard("*", ".hidden"));
        assert!(wildcard("*.conf", "a.conf"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "ac"));
    }

    #[test]
    fn walk_is_bounded_and_skips_pseudo_filesystems() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["proc/1", "a/b/c", "dev"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::write(root.join("proc/1/status"), "x").unwrap();
        fs::write(root.join("a/b/c/f"), "x").unwrap();
        symlink("/a", root.join("a/b/loop")).unwrap();
        let spec = WalkSpec {
            paths: vec!["/".into()],
            max_depth: 64,
            max_entries: 1000,
        };
        let all = [Selector::new(None)];
        let kept = |w: &WalkFact| -> Vec<String> {
            w.selections["all"]
                .kept
                .iter()
                .map(|e| e.path.clone())
                .collect()
        };
        let w = walk(root, &spec, &all);
        assert_eq!(
            kept(&w),
            ["/", "/a", "/a/b", "/a/b/c", "/a/b/c/f", "/a/b/loop"]
        );
        assert_eq!(w.entries, 6);
        let small = walk(
            root,
            &WalkSpec {
                max_entries: 3,
                ..spec.clone()
            },
            &all,
        );
        assert!(small.truncated);
        assert_eq!(small.entries, 3);
        assert_eq!(kept(&small).len(), 3);
        let shallow = walk(
            root,
            &WalkSpec {
                max_depth: 1,
                ..spec
            },
            &all,
        );
        assert!(kept(&shallow).iter().all(|p| p.matches('/').count() <= 1));
    }

    #[test]
    fn a_walk_shared_by_threads_sees_every_entry_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut want = vec!["/".to_string()];
        for d in 0..40 {
            let sub = format!("d{d:02}/e{}", d % 3);
            fs::create_dir_all(root.join(&sub)).unwrap();
            want.push(format!("/d{d:02}"));
            want.push(format!("/{sub}"));
            for f in 0..50 {
                fs::write(root.join(format!("{sub}/f{f:02}")), "").unwrap();
                want.push(format!("/{sub}/f{f:02}"));
            }
        }
        want.sort();
        let spec = WalkSpec {
            paths: vec!["/".into()],
            max_depth: 64,
            max_entries: 100_000,
        };
        let all = [Selector::new(None)];
        for _ in 0..3 {
            let w = walk(root, &spec, &all);
            assert_eq!(w.entries, want.len() as u64);
            assert!(!w.truncated);
            let kept: Vec<&str> = w.selections["all"]
                .kept
                .iter()
                .map(|e| e.path.as_str())
                .collect();
            assert_eq!(kept, want);
        }
        let cut = walk(
            root,
            &WalkSpec {
                max_entries: 500,
                ..spec
            },
            &all,
        );
        assert!(cut.truncated);
        assert_eq!(cut.entries, 500);
    }
}
