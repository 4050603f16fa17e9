//! HDF JSON output: one document per line (JSON Lines), and one file per container.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::results::{hdf, ContainerReport};

/// One compact HDF document per line, so `jq` reads the stream container by container.
pub fn write_lines(out: &mut dyn Write, reports: &[ContainerReport]) -> io::Result<()> {
    for r in reports {
        serde_json::to_writer(&mut *out, &hdf::document(r))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A file name for a target id: `ns/pod/container` becomes `ns_pod_container.json`.
pub fn file_name(target_id: &str) -> String {
    let safe: String = target_id
        .trim_start_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.json", if safe.is_empty() { "root" } else { &safe })
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, then rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with_mode(path, bytes, 0o666)
}

/// The same, creating the file with `mode` (before the umask): 0o600 for credentials.
pub fn write_atomic_with_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    // A leftover of a crashed run with the same pid would make create_new fail.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One pretty HDF file per container in `dir`; returns the paths written.
pub fn write_dir(dir: &Path, reports: &[ContainerReport]) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for r in reports {
        let path = dir.join(file_name(&r.target.id()));
        let mut bytes = serde_json::to_vec_pretty(&hdf::document(r))?;
        bytes.push(b'\n');
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("ns/web-0/app"), "ns_web-0_app.json");
        assert_eq!(file_name("/"), "root.json");
        assert_eq!(file_name("../../etc"), ".._.._etc.json");
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
