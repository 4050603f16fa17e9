//! The probe plan (what to gather) and the facts that come back, as plain data.

use std::collections::{BTreeMap, BTreeSet};

use super::walk::Selector;
pub use super::walk::WalkFact;

use serde_json::Value;

use super::matcher::Matcher;
use super::profile::{Check, Profile, Resource, WalkSpec};

pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;
/// Package databases are read whole up to this size, whatever the per-file cap.
pub const PACKAGE_DB_MAX: u64 = 32 * 1024 * 1024;

pub const PASSWD: &str = "/etc/passwd";
pub const GROUP: &str = "/etc/group";
pub const SHADOW: &str = "/etc/shadow";
pub const OS_RELEASE: [&str; 2] = ["/etc/os-release", "/usr/lib/os-release"];
pub const DPKG_STATUS: &str = "/var/lib/dpkg/status";
pub const APK_INSTALLED: &str = "/lib/apk/db/installed";
/// Distroless images keep one dpkg status file per package here.
pub const DPKG_STATUS_D: &str = "/var/lib/dpkg/status.d/*";

/// How much of a file to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileWant {
    /// Read the content, up to this many bytes; `None` for metadata only.
    pub content_cap: Option<u64>,
}

/// Everything one scan of one container needs, gathered in one round trip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbePlan {
    pub files: BTreeMap<String, FileWant>,
    /// `files` patterns, with whether the matches' content is needed.
    pub globs: BTreeMap<String, FileWant>,
    /// Each walk once, with the filters of every check that reads it (applied as it streams).
    pub walks: BTreeMap<WalkSpec, Vec<Selector>>,
    pub process: bool,
    pub commands: BTreeSet<String>,
    pub pod: bool,
}

fn wants_content(check: &Check) -> bool {
    let mut fields = Vec::new();
    for m in check.expect.iter().chain(check.filter.iter()) {
        collect_fields(m, &mut fields);
    }
    fields.iter().any(|f| f == "content" || f == "lines")
}

fn collect_fields(m: &Matcher, out: &mut Vec<String>) {
    m.top_fields(out);
    // List matchers (for `files`) look inside entries.
    use super::matcher::Op;
    match &m.op {
        Op::All(i) | Op::Any(i) | Op::None(i) | Op::Count(i) | Op::Not(i) => collect_fields(i, out),
        Op::AllOf(ms) | Op::AnyOf(ms) => ms.iter().for_each(|i| collect_fields(i, out)),
        _ => {}
    }
}

impl ProbePlan {
    /// Compile profiles into one plan; identical requests are asked once.
    pub fn for_profiles(profiles: &[Profile], max_file_size: u64) -> ProbePlan {
        let mut plan = ProbePlan::default();
        for control in profiles.iter().flat_map(|p| &p.controls) {
            for check in control.all_checks() {
                plan.add(check, max_file_size);
            }
        }
        plan
    }

    fn want(&mut self, path: &str, content_cap: Option<u64>) {
        let entry = self
            .files
            .entry(path.to_string())
            .or_insert(FileWant { content_cap: None });
        entry.content_cap = entry.content_cap.max(content_cap);
    }

    fn add(&mut self, check: &Check, max_file_size: u64) {
        let cap = Some(max_file_size);
        match &check.resource {
            Resource::File(path) => {
                self.want(path, wants_content(check).then_some(max_file_size));
            }
            Resource::Files(patterns) => {
                let want = FileWant {
                    content_cap: wants_content(check).then_some(max_file_size),
                };
                for p in patterns {
                    if p.contains(['*', '?']) {
                        let e = self
                            .globs
                            .entry(p.clone())
                            .or_insert(FileWant { content_cap: None });
                        e.content_cap = e.content_cap.max(want.content_cap);
                    } else {
                        self.want(p, want.content_cap);
                    }
                }
            }
            Resource::Walk(spec) => {
                let selectors = self.walks.entry(spec.clone()).or_default();
                let selector = Selector::new(check.filter.as_ref());
                if !selectors.contains(&selector) {
                    selectors.push(selector);
                }
            }
            Resource::Passwd => self.want(PASSWD, cap),
            Resource::Group => self.want(GROUP, cap),
            Resource::Shadow => self.want(SHADOW, cap),
            Resource::OsRelease => OS_RELEASE.iter().for_each(|p| self.want(p, cap)),
            Resource::Packages => {
                let db = Some(max_file_size.max(PACKAGE_DB_MAX));
                self.want(DPKG_STATUS, db);
                self.want(APK_INSTALLED, db);
                let e = self
                    .globs
                    .entry(DPKG_STATUS_D.into())
                    .or_insert(FileWant { content_cap: None });
                e.content_cap = e.content_cap.max(db);
            }
            Resource::Process => self.process = true,
            Resource::Pod => self.pod = true,
            Resource::Command(c) => {
                self.commands.insert(c.clone());
            }
        }
    }
}

/// Something an access method could not provide. The checks that need it are skipped with
/// this reason (or reported as errors when `error` is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub reason: String,
    pub error: bool,
}

impl Unavailable {
    pub fn skip(reason: impl Into<String>) -> Self {
        Unavailable {
            reason: reason.into(),
            error: false,
        }
    }
    pub fn error(reason: impl Into<String>) -> Self {
        Unavailable {
            reason: reason.into(),
            error: true,
        }
    }
}

pub type Gathered<T> = Result<T, Unavailable>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    Unknown,
}

impl FileKind {
    /// From the `st_mode` format bits.
    pub fn from_mode(mode: u32) -> FileKind {
        match mode & 0o170000 {
            0o100000 => FileKind::File,
            0o040000 => FileKind::Dir,
            0o120000 => FileKind::Symlink,
            0o020000 => FileKind::CharDevice,
            0o060000 => FileKind::BlockDevice,
            0o010000 => FileKind::Fifo,
            0o140000 => FileKind::Socket,
            _ => FileKind::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FileKind::File => "file",
            FileKind::Dir => "directory",
            FileKind::Symlink => "symlink",
            FileKind::CharDevice => "character_device",
            FileKind::BlockDevice => "block_device",
            FileKind::Fifo => "fifo",
            FileKind::Socket => "socket",
            FileKind::Unknown => "unknown",
        }
    }
}

/// `stat` of a path: type, permission bits (with setuid/setgid/sticky), owner, size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub kind: FileKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
}

impl Stat {
    /// From the raw `st_mode` (type and permission bits together).
    pub fn from_raw(raw_mode: u32, uid: u32, gid: u32, size: u64) -> Stat {
        Stat {
            kind: FileKind::from_mode(raw_mode),
            mode: raw_mode & 0o7777,
            uid,
            gid,
            size,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFact {
    Missing,
    /// Exists but could not be read (permission denied and the like).
    Unreadable(String),
    Present {
        stat: Stat,
        /// Up to the cap, when content was asked for and the file is a regular file.
        content: Option<Vec<u8>>,
        truncated: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkEntry {
    pub path: String,
    pub stat: Stat,
}

/// The target's main process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessFact {
    pub pid: u32,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandFact {
    pub output: Vec<u8>,
    pub exit_status: i32,
    pub truncated: bool,
}

/// What came back for one container. Anything missing from a map counts as not gathered.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub files: BTreeMap<String, FileFact>,
    pub globs: BTreeMap<String, Gathered<Vec<String>>>,
    pub walks: BTreeMap<WalkSpec, Gathered<WalkFact>>,
    pub process: Gathered<ProcessFact>,
    pub commands: BTreeMap<String, Gathered<CommandFact>>,
    pub pod: Gathered<Value>,
    /// Why file facts are missing altogether (e.g. no `stat` in the container).
    pub files_unavailable: Option<Unavailable>,
    /// The target's process whose root was read, when reached from another container.
    pub target_pid: Option<u32>,
    /// The uid and gid a root debugger dropped to before reading the target (the kernel
    /// lets the target's own uid read its root).
    pub read_as: Option<(u32, u32)>,
}

impl Facts {
    pub fn new(process: Gathered<ProcessFact>, pod: Gathered<Value>) -> Facts {
        Facts {
            files: BTreeMap::new(),
            globs: BTreeMap::new(),
            walks: BTreeMap::new(),
            process,
            commands: BTreeMap::new(),
            pod,
            files_unavailable: None,
            target_pid: None,
            read_as: None,
        }
    }

    pub fn file(&self, path: &str) -> Gathered<&FileFact> {
        if let Some(u) = &self.files_unavailable {
            return Err(u.clone());
        }
        self.files
            .get(path)
            .ok_or_else(|| Unavailable::error(format!("{path} was not gathered")))
    }
}
