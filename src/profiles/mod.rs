//! Profile loading from files, directories and `builtin:NAME` (the I/O around the pure engine).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::builtin;
use crate::engine::profile::{Profile, ProfileError};
use crate::fsio;

/// The largest profile file read (a bigger one is almost surely not a profile).
pub const MAX_PROFILE_BYTES: u64 = 64 << 20;

/// `--profile` values (files, directories, builtin:NAME), or the default built-in.
pub fn load_specs(specs: &[String]) -> Result<Vec<Arc<Profile>>, ProfileError> {
    if specs.is_empty() {
        return Ok(vec![Arc::new(builtin::load(builtin::DEFAULT)?)]);
    }
    let mut out = Vec::new();
    for spec in specs {
        match spec.strip_prefix("builtin:") {
            Some(name) => out.push(Arc::new(builtin::load(name)?)),
            None => out.extend(load_path(Path::new(spec))?.into_iter().map(Arc::new)),
        }
    }
    Ok(out)
}

/// A profile file, or every `*.yaml`/`*.yml` file of a directory (sorted by name).
pub fn load_path(path: &Path) -> Result<Vec<Profile>, ProfileError> {
    let read_err = |source| ProfileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if meta.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(read_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(ProfileError::EmptyDir(path.to_path_buf()));
        }
        return files.iter().map(|f| load_file(f)).collect();
    }
    Ok(vec![load_file(path)?])
}

fn load_file(path: &Path) -> Result<Profile, ProfileError> {
    let text = fsio::read_text(path, MAX_PROFILE_BYTES).map_err(|e| ProfileError::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Profile::parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_and_default_load() {
        let d = load_specs(&[]).unwrap();
        assert_eq!(d[0].meta.source, format!("builtin:{}", builtin::DEFAULT));
        let named = load_specs(&[format!("builtin:{}", builtin::DEFAULT)]).unwrap();
        assert_eq!(named[0].meta.sha256, d[0].meta.sha256);
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = load_specs(&["/nonexistent/p.yaml".into()]).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/p.yaml"), "{err}");
    }
}
