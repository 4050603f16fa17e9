//! Profile files: the YAML format, its validation, and errors that name file, line and field.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

use super::matcher::Matcher;
use crate::results::{ControlMeta, ProfileMeta, Reference};

/// A loaded, validated profile: what reports say of it, and its compiled controls.
#[derive(Debug, Clone)]
pub struct Profile {
    pub meta: Arc<ProfileMeta>,
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    title: Option<String>,
    version: Option<String>,
    maintainer: Option<String>,
    summary: Option<String>,
    license: Option<String>,
    copyright: Option<String>,
    copyright_email: Option<String>,
    #[serde(default)]
    supports: Vec<BTreeMap<String, String>>,
    controls: Vec<Spanned<Control>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub impact: f64,
    #[serde(default)]
    pub tags: BTreeMap<String, Value>,
    #[serde(default)]
    pub refs: Vec<Reference>,
    /// When this check does not hold, the control is skipped (not applicable here).
    pub only_if: Option<Check>,
    pub checks: Vec<Check>,
    /// 1-based line of the control in its file (filled in after parsing).
    #[serde(skip)]
    pub line: usize,
    /// What reports say of it (filled in after parsing).
    #[serde(skip)]
    pub meta: Arc<ControlMeta>,
}

impl Control {
    fn report_meta(&self) -> ControlMeta {
        ControlMeta {
            id: self.id.clone(),
            title: self.title.clone(),
            desc: self.desc.clone(),
            impact: self.impact,
            tags: self.tags.clone(),
            refs: self.refs.clone(),
            line: self.line,
        }
    }
}

/// The kinds of facts a check can look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    File,
    Files,
    Walk,
    Passwd,
    Group,
    Shadow,
    OsRelease,
    Packages,
    Process,
    Pod,
    Command,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 11] = [
        ResourceKind::File,
        ResourceKind::Files,
        ResourceKind::Walk,
        ResourceKind::Passwd,
        ResourceKind::Group,
        ResourceKind::Shadow,
        ResourceKind::OsRelease,
        ResourceKind::Packages,
        ResourceKind::Process,
        ResourceKind::Pod,
        ResourceKind::Command,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::File => "file",
            ResourceKind::Files => "files",
            ResourceKind::Walk => "walk",
            ResourceKind::Passwd => "passwd",
            ResourceKind::Group => "group",
            ResourceKind::Shadow => "shadow",
            ResourceKind::OsRelease => "os_release",
            ResourceKind::Packages => "packages",
            ResourceKind::Process => "process",
            ResourceKind::Pod => "pod",
            ResourceKind::Command => "command",
        }
    }
}

/// A directory walk: which trees, how deep, how many entries at most.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WalkSpec {
    pub paths: Vec<String>,
    pub max_depth: u32,
    pub max_entries: u32,
}

pub const DEFAULT_WALK_DEPTH: u32 = 64;
pub const DEFAULT_WALK_ENTRIES: u32 = 200_000;

/// One check: a resource and what must hold of it.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawCheck")]
pub struct Check {
    pub resource: Resource,
    pub desc: Option<String>,
    /// For list resources: keep only entries matching this.
    pub filter: Option<Matcher>,
    pub expect: Vec<Matcher>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    File(String),
    Files(Vec<String>),
    Walk(WalkSpec),
    Passwd,
    Group,
    Shadow,
    OsRelease,
    Packages,
    Process,
    Pod,
    Command(String),
}

impl Resource {
    pub fn kind(&self) -> ResourceKind {
        match self {
            Resource::File(_) => ResourceKind::File,
            Resource::Files(_) => ResourceKind::Files,
            Resource::Walk(_) => ResourceKind::Walk,
            Resource::Passwd => ResourceKind::Passwd,
            Resource::Group => ResourceKind::Group,
            Resource::Shadow => ResourceKind::Shadow,
            Resource::OsRelease => ResourceKind::OsRelease,
            Resource::Packages => ResourceKind::Packages,
            Resource::Process => ResourceKind::Process,
            Resource::Pod => ResourceKind::Pod,
            Resource::Command(_) => ResourceKind::Command,
        }
    }

    /// A short human description, used as the HDF `code_desc` when a check has no `desc`.
    pub fn describe(&self) -> String {
        match self {
            Resource::File(p) => format!("file {p}"),
            Resource::Files(p) => format!("files {}", p.join(" ")),
            Resource::Walk(w) => format!("walk {}", w.paths.join(" ")),
            Resource::Command(c) => format!("command `{c}`"),
            other => other.kind().name().replace('_', "-"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    resource: ResourceKind,
    desc: Option<String>,
    path: Option<String>,
    paths: Option<Vec<String>>,
    max_depth: Option<u32>,
    max_entries: Option<u32>,
    command: Option<String>,
    #[serde(rename = "where")]
    filter: Option<Matcher>,
    expect: Vec<Matcher>,
}

fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path '{path}' must be absolute (start with /)"));
    }
    if path.contains('\0') {
        return Err("a path cannot contain a NUL byte".into());
    }
    Ok(())
}

/// A `files` pattern may use `*` and `?` in its last component only.
fn check_pattern(path: &str) -> Result<(), String> {
    check_path(path)?;
    let (dir, last) = path.rsplit_once('/').unwrap_or(("", path));
    if dir.contains(['*', '?', '[']) {
        return Err(format!(
            "pattern '{path}': wildcards are allowed in the last component only"
        ));
    }
    if !last
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-*?+@".contains(c))
    {
        return Err(format!(
            "pattern '{path}': the last component may use letters, digits, . _ - + @ * ? only"
        ));
    }
    Ok(())
}

impl TryFrom<RawCheck> for Check {
    type Error = String;

    fn try_from(raw: RawCheck) -> Result<Self, String> {
        let kind = raw.resource;
        let name = kind.name();
        let allowed: &[&str] = match kind {
            ResourceKind::File => &["path"],
            ResourceKind::Files => &["paths"],
            ResourceKind::Walk => &["paths", "max_depth", "max_entries"],
            ResourceKind::Command => &["command"],
            _ => &[],
        };
        let given = [
            ("path", raw.path.is_some()),
            ("paths", raw.paths.is_some()),
            ("max_depth", raw.max_depth.is_some()),
            ("max_entries", raw.max_entries.is_some()),
            ("command", raw.command.is_some()),
        ];
        for (field, present) in given {
            if present && !allowed.contains(&field) {
                return Err(format!(
                    "field '{field}' does not apply to resource '{name}'"
                ));
            }
        }
        if raw.filter.is_some() && !kind_is_list(kind) {
            return Err(format!(
                "'where' applies to list resources only, not to '{name}'"
            ));
        }
        if raw.expect.is_empty() {
            return Err("'expect' needs at least one matcher".into());
        }
        let resource = match kind {
            ResourceKind::File => {
                let path = raw.path.ok_or("resource 'file' needs 'path'")?;
                check_path(&path)?;
                Resource::File(path)
            }
            ResourceKind::Files => {
                let paths = raw.paths.ok_or("resource 'files' needs 'paths'")?;
                if paths.is_empty() {
                    return Err("'paths' needs at least one path".into());
                }
                for p in &paths {
                    check_pattern(p)?;
                }
                Resource::Files(paths)
            }
            ResourceKind::Walk => {
                let paths = raw.paths.unwrap_or_else(|| vec!["/".into()]);
                for p in &paths {
                    check_path(p)?;
                }
                let max_depth = raw.max_depth.unwrap_or(DEFAULT_WALK_DEPTH);
                let max_entries = raw.max_entries.unwrap_or(DEFAULT_WALK_ENTRIES);
                if max_depth == 0 || max_entries == 0 {
                    return Err("'max_depth' and 'max_entries' must be at least 1".into());
                }
                Resource::Walk(WalkSpec {
                    paths,
                    max_depth,
                    max_entries,
                })
            }
            ResourceKind::Command => {
                let command = raw.command.ok_or("resource 'command' needs 'command'")?;
                if command.trim().is_empty() || command.contains('\0') {
                    return Err("'command' must be a non-empty shell command".into());
                }
                Resource::Command(command)
            }
            ResourceKind::Passwd => Resource::Passwd,
            ResourceKind::Group => Resource::Group,
            ResourceKind::Shadow => Resource::Shadow,
            ResourceKind::OsRelease => Resource::OsRelease,
            ResourceKind::Packages => Resource::Packages,
            ResourceKind::Process => Resource::Process,
            ResourceKind::Pod => Resource::Pod,
        };
        Ok(Check {
            resource,
            desc: raw.desc,
            filter: raw.filter,
            expect: raw.expect,
        })
    }
}

/// List resources produce a list of entries; the others one object.
pub fn kind_is_list(kind: ResourceKind) -> bool {
    matches!(
        kind,
        ResourceKind::Files
            | ResourceKind::Walk
            | ResourceKind::Passwd
            | ResourceKind::Group
            | ResourceKind::Shadow
            | ResourceKind::Packages
    )
}

/// A profile that could not be loaded, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile '{path}': {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("unknown built-in profile '{name}' (built-in profiles: {available})")]
    UnknownBuiltin { name: String, available: String },
    #[error("no profile files (*.yaml, *.yml) in directory '{}'", .0.display())]
    EmptyDir(PathBuf),
}

impl Profile {
    /// Parse and validate profile text. `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Profile, ProfileError> {
        // The parser's node budget guards against hostile YAML; a node takes at least one byte
        // of text, so scaling it with the text keeps large real profiles loadable (the file
        // itself is capped when it is read).
        let nodes = text.len().max(250_000);
        let options = serde_saphyr::options! {
            budget: serde_saphyr::budget! { max_nodes: nodes, max_events: nodes.max(1_000_000) },
        };
        let raw: RawProfile = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let line = e.location().map(|l| l.line() as usize).unwrap_or(0);
            // serde-saphyr renders "error: line N column M: MSG" and a source snippet; we print
            // file:line in front instead, and name the file in the snippet.
            let rendered = e.to_string().replace("<input>", source);
            let (first, snippet) = rendered.split_once('\n').unwrap_or((&rendered, ""));
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let first = match (first.starts_with("line "), first.find(": ")) {
                (true, Some(i)) => &first[i + 2..],
                _ => first,
            };
            let message = if snippet.is_empty() {
                first.to_string()
            } else {
                format!("{first}\n{snippet}")
            };
            ProfileError::Invalid {
                file: source.to_string(),
                line,
                message,
            }
        })?;
        if raw.controls.is_empty() {
            return Err(ProfileError::Invalid {
                file: source.to_string(),
                line: 0,
                message: "the profile has no controls: a scan with it would check nothing".into(),
            });
        }
        let mut controls = Vec::with_capacity(raw.controls.len());
        let mut seen = BTreeMap::new();
        for spanned in raw.controls {
            let mut control = spanned.value;
            control.line = spanned.referenced.line() as usize;
            let invalid = |message: String| ProfileError::Invalid {
                file: source.to_string(),
                line: control.line,
                message,
            };
            if control.id.trim().is_empty() {
                return Err(invalid("control 'id' must not be empty".into()));
            }
            if let Some(prev) = seen.insert(control.id.clone(), control.line) {
                return Err(invalid(format!(
                    "duplicate control id '{}' (first at line {prev})",
                    control.id
                )));
            }
            if !(0.0..=1.0).contains(&control.impact) || control.impact.is_nan() {
                return Err(invalid(format!(
                    "control '{}': field 'impact' must be between 0.0 and 1.0, got {}",
                    control.id, control.impact
                )));
            }
            if control.checks.is_empty() {
                return Err(invalid(format!(
                    "control '{}': field 'checks' needs at least one check",
                    control.id
                )));
            }
            control.meta = Arc::new(control.report_meta());
            controls.push(control);
        }
        Ok(Profile {
            meta: Arc::new(ProfileMeta {
                name: raw.name,
                title: raw.title,
                version: raw.version,
                maintainer: raw.maintainer,
                summary: raw.summary,
                license: raw.license,
                copyright: raw.copyright,
                copyright_email: raw.copyright_email,
                supports: raw.supports,
                source: source.to_string(),
                sha256: hex(&Sha256::digest(text.as_bytes())),
            }),
            controls,
        })
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name: t
controls:
  - id: c1
    title: passwd exists
    desc: d
    impact: 0.5
    tags: {nist: [AC-3], severity: medium}
    checks:
      - resource: file
        path: /etc/passwd
        expect:
          - {field: exists, equals: true}
"#;

    #[test]
    fn parses_a_good_profile() {
        let p = Profile::parse(GOOD, "t.yaml").unwrap();
        assert_eq!(p.controls.len(), 1);
        assert_eq!(p.controls[0].line, 4);
        assert_eq!(
            p.controls[0].checks[0].resource,
            Resource::File("/etc/passwd".into())
        );
        assert_eq!(p.meta.sha256.len(), 64);
        assert_eq!(p.controls[0].meta.line, 4);
    }

    #[test]
    fn a_profile_without_controls_is_an_error() {
        let err = Profile::parse("name: t\ncontrols: []\n", "e.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("e.yaml:0: the profile has no controls"),
            "{err}"
        );
    }

    fn big_profile(controls: usize) -> String {
        let body = &GOOD[GOOD.find("  - id").unwrap()..];
        let mut text = String::from("name: big\ncontrols:\n");
        for i in 0..controls {
            text.push_str(&body.replace("id: c1", &format!("id: c{i}")));
        }
        text
    }

    #[test]
    fn ten_thousand_controls_load_in_linear_time() {
        let time = |n: usize| {
            let text = big_profile(n);
            let started = std::time::Instant::now();
            let p = Profile::parse(&text, "big.yaml").unwrap();
            let took = started.elapsed();
            assert_eq!(p.controls.len(), n);
            // Lines come from the parser's spans (10 lines per control).
            assert_eq!(p.controls[n - 1].line, 3 + (n - 1) * 10);
            took
        };
        let small = time(1_000);
        let big = time(10_000);
        // The old line search was quadratic: 10× the controls took ~100× the time. Linear
        // parsing stays near 10× (generous for a busy machine).
        assert!(
            big < small * 30 + std::time::Duration::from_millis(200),
            "1,000 controls: {small:?}; 10,000: {big:?}"
        );
        // The issue's bound holds for the optimised build users run (tests/bench measures it).
        if !cfg!(debug_assertions) {
            assert!(big < std::time::Duration::from_secs(1), "{big:?}");
        }
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let bad = GOOD.replace("impact: 0.5", "impact: 0.5\n    severity: high");
        let err = Profile::parse(&bad, "bad.yaml").unwrap_err().to_string();
        assert!(err.starts_with("bad.yaml:"), "{err}");
        assert!(err.contains("unknown field `severity`"), "{err}");
        let line: usize = err.split(':').nth(1).unwrap().parse().unwrap();
        assert_eq!(line, 8, "{err}");
    }

    #[test]
    fn impact_out_of_range_is_rejected_with_the_control_line() {
        let bad = GOOD.replace("impact: 0.5", "impact: 5");
        let err = Profile::parse(&bad, "bad.yaml").unwrap_err().to_string();
        assert_eq!(
            err,
            "bad.yaml:4: control 'c1': field 'impact' must be between 0.0 and 1.0, got 5"
        );
    }

    #[test]
    fn wrong_argument_for_resource_is_rejected() {
        let bad = GOOD.replace("path: /etc/passwd", "command: id");
        let err = Profile::parse(&bad, "bad.yaml").unwrap_err().to_string();
        assert!(
            err.contains("field 'command' does not apply to resource 'file'"),
            "{err}"
        );
        let rel = GOOD.replace("path: /etc/passwd", "path: etc/passwd");
        let err = Profile::parse(&rel, "bad.yaml").unwrap_err().to_string();
        assert!(err.contains("must be absolute"), "{err}");
    }

    #[test]
    fn unknown_resource_and_duplicate_ids_are_rejected() {
        let bad = GOOD.replace("resource: file", "resource: registry");
        let err = Profile::parse(&bad, "bad.yaml").unwrap_err().to_string();
        assert!(err.contains("unknown variant `registry`"), "{err}");
        let dup = format!("{GOOD}{}", &GOOD[GOOD.find("  - id").unwrap()..]);
        let err = Profile::parse(&dup, "dup.yaml").unwrap_err().to_string();
        assert!(err.contains("duplicate control id 'c1'"), "{err}");
    }

    #[test]
    fn files_patterns_allow_wildcards_in_the_last_component_only() {
        assert!(check_pattern("/etc/sudoers.d/*").is_ok());
        assert!(check_pattern("/etc/*/x").is_err());
        assert!(check_pattern("/etc/$(id)*").is_err());
    }
}
