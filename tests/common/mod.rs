//! Fixture root filesystems: the committed trees under tests/fixtures plus what git cannot
//! hold (modes, setuid bits, symlinks, hostile names, huge and binary files), built per test.

#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub fn chmod(root: &Path, rel: &str, mode: u32) {
    fs::set_permissions(root.join(rel), fs::Permissions::from_mode(mode)).unwrap();
}

fn write(root: &Path, rel: &str, bytes: &[u8], mode: u32) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, bytes).unwrap();
    chmod(root, rel, mode);
}

/// The names a hostile image might carry.
pub const HOSTILE_NAMES: &[&str] = &[
    "evil\nname",
    "it's \"quoted\"",
    "$(touch PWNED)",
    "`touch PWNED2`",
    "-rf",
    "tab\there",
    "\u{1b}[31mred",
];

/// A built fixture; the directory goes away with it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

pub fn build(name: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Directory modes git does not keep.
    copy_tree(&fixtures_dir().join(name), root);
    // Empty directories (git keeps none) and pseudo-filesystem mount points.
    let dirs: &[&str] = match name {
        "debian" => &["etc/ssh", "root", "tmp", "home/app"],
        "alpine" => &["etc/apk", "root", "tmp", "home/app"],
        _ => &["tmp", "home/nonroot"],
    };
    for d in dirs.iter().chain(&["proc", "sys", "dev"]) {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    chmod(root, "tmp", 0o1777);
    chmod(root, "etc/passwd", 0o644);
    chmod(root, "etc/group", 0o644);
    if root.join("etc/shadow").exists() {
        chmod(root, "etc/shadow", 0o640);
    }
    // Anything under /proc must never be walked.
    write(root, "proc/1/environ", b"SECRET=x", 0o666);
    match name {
        "debian" => {
            chmod(root, "root", 0o700);
            symlink("../usr/lib/os-release", root.join("etc/os-release")).unwrap();
            chmod(root, "usr/bin/passwd", 0o4755);
            chmod(root, "usr/bin/find-suid", 0o4755);
            write(root, "usr/share/doc/ww.txt", b"anyone can write me", 0o666);
            fs::create_dir_all(root.join("srv/drop")).unwrap();
            chmod(root, "srv/drop", 0o777);
            write(
                root,
                "root/.ssh/id_rsa",
                b"-----BEGIN OPENSSH PRIVATE KEY-----\n",
                0o600,
            );
            write(
                root,
                "home/app/.docker/config.json",
                b"{\"auths\":{}}",
                0o600,
            );
            symlink("loop-b", root.join("etc/loop-a")).unwrap();
            symlink("loop-a", root.join("etc/loop-b")).unwrap();
            symlink("/../../../../../etc/passwd", root.join("etc/escape")).unwrap();
            symlink("/", root.join("home/app/rootlink")).unwrap();
            for n in HOSTILE_NAMES {
                write(root, &format!("home/app/{n}"), b"hostile", 0o644);
            }
            fs::create_dir_all(root.join("home/app/$(touch PWNED-dir)")).unwrap();
            write(root, "var/log/huge.log", &vec![b'x'; 3 << 20], 0o644);
            write(
                root,
                "etc/binary.conf",
                b"\x00\x01\x02\xff\xfeNOPASSWD\x00",
                0o644,
            );
        }
        "alpine" => {
            chmod(root, "root", 0o700);
            chmod(root, "bin/busybox", 0o4755);
        }
        _ => {}
    }
    Fixture { dir }
}

/// A busybox binary for tests that run the probe with busybox tools.
pub fn busybox() -> PathBuf {
    for p in ["/bin/busybox", "/usr/bin/busybox"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("busybox is required for the probe tests: apt-get install busybox-static");
}
