//! Local access: reads a directory tree (an unpacked image, a mounted filesystem, or `/`)
//! directly, resolving symlinks as if DIR were the root so nothing outside DIR is ever read.

use std::fs::{self, File};
use std::io::{self, Read};
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::engine::facts::{
    Facts, FileFact, FileWant, ProbePlan, Stat, Unavailable, WalkEntry, WalkFact,
};
use crate::engine::profile::WalkSpec;

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

fn note_unreadable(walk: &mut WalkFact, path: &str, why: &str) {
    walk.unreadable += 1;
    walk.unreadable_example
        .get_or_insert_with(|| format!("{path}: {why}"));
}

pub fn walk(root: &Path, spec: &WalkSpec) -> WalkFact {
    let mut walk = WalkFact::default();
    for start in &spec.paths {
        let Ok(start) = resolve(root, start) else {
            note_unreadable(&mut walk, start, "too many levels of symbolic links");
            continue;
        };
        let host = host_path(root, &start);
        let Ok(meta) = fs::symlink_metadata(&host) else {
            continue;
        };
        let device = meta.dev();
        // (container path, host path, metadata, depth)
        let mut stack = vec![(start, host, meta, 0u32)];
        while let Some((path, host, meta, depth)) = stack.pop() {
            // Like `find -prune`: pseudo filesystems are neither listed nor entered.
            if PSEUDO_FS.contains(&path.as_str()) {
                continue;
            }
            if walk.entries.len() >= spec.max_entries as usize {
                walk.truncated = true;
                break;
            }
            let is_dir = meta.is_dir();
            walk.entries.push(WalkEntry {
                path: path.clone(),
                stat: stat_of(&meta),
            });
            if !is_dir || depth >= spec.max_depth || meta.dev() != device {
                continue;
            }
            let children = match fs::read_dir(&host) {
                Ok(c) => c,
                Err(e) => {
                    note_unreadable(&mut walk, &path, &e.to_string());
                    continue;
                }
            };
            let mut kids = Vec::new();
            for child in children {
                let Ok(child) = child else {
                    note_unreadable(&mut walk, &path, "cannot list");
                    continue;
                };
                let name = child.file_name().to_string_lossy().into_owned();
                match child.metadata() {
                    Ok(m) => {
                        let cpath = format!("{}/{name}", path.trim_end_matches('/'));
                        kids.push((cpath, child.path(), m, depth + 1));
                    }
                    Err(e) => note_unreadable(
                        &mut walk,
                        &format!("{}/{name}", path.trim_end_matches('/')),
                        &e.to_string(),
                    ),
                }
            }
            // Reverse-sorted so the stack pops in name order.
            kids.sort_by(|a, b| b.0.cmp(&a.0));
            stack.extend(kids);
        }
    }
    walk.entries.sort_by(|a, b| a.path.cmp(&b.path));
    walk
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
    for spec in &plan.walks {
        facts.walks.insert(spec.clone(), Ok(walk(root, spec)));
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
        let w = walk(root, &spec);
        let paths: Vec<&str> = w.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/", "/a", "/a/b", "/a/b/c", "/a/b/c/f", "/a/b/loop"]
        );
        let small = walk(
            root,
            &WalkSpec {
                max_entries: 3,
                ..spec.clone()
            },
        );
        assert!(small.truncated);
        assert_eq!(small.entries.len(), 3);
        let shallow = walk(
            root,
            &WalkSpec {
                max_depth: 1,
                ..spec
            },
        );
        assert!(shallow
            .entries
            .iter()
            .all(|e| e.path.matches('/').count() <= 1));
    }
}
