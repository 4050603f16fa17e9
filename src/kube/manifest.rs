//! `-f FILE`: the Pods and workloads named by kubectl manifests (multi-document YAML, JSON,
//! `List`s, directories and stdin), as references to the live objects.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::targets::{Kind, ObjectRef};

/// Largest manifest read from one file or stdin.
pub const MAX_BYTES: u64 = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the manifest '{path}': {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the manifest '{0}' is larger than 16 MiB; give the files of the workloads to scan")]
    TooLarge(String),
    #[error("the manifest '{origin}' is not valid YAML or JSON: {message}")]
    Parse { origin: String, message: String },
    #[error("the manifest '{origin}', document {index}: {why}")]
    BadObject {
        origin: String,
        index: usize,
        why: String,
    },
    #[error("'{0}' holds no .yaml, .yml or .json file{1}")]
    EmptyDir(String, &'static str),
    #[error("-f - (stdin) is given more than once")]
    StdinTwice,
    #[error("no Pod or workload in {origins}{found}; -f takes {kinds}")]
    NothingToScan {
        origins: String,
        found: String,
        kinds: String,
    },
}

/// What the manifests name, and what they hold that is not scanned (e.g. a Service).
#[derive(Debug, Default, PartialEq)]
pub struct Loaded {
    pub objects: Vec<ObjectRef>,
    /// `Kind/name (origin)` of documents that are not Pods or workloads.
    pub skipped: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(default, rename = "apiVersion")]
    api_version: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    items: Option<Vec<Document>>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

fn kinds_list() -> String {
    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    format!(
        "{} and {}",
        names[..names.len() - 1].join(", "),
        names[names.len() - 1]
    )
}

fn add(doc: Document, origin: &str, index: usize, out: &mut Loaded) -> Result<(), ManifestError> {
    let bad = |why: String| ManifestError::BadObject {
        origin: origin.to_string(),
        index,
        why,
    };
    let kind = doc.kind.clone().unwrap_or_default();
    if let Some(items) = doc.items {
        if kind.ends_with("List") || kind.is_empty() {
            for item in items {
                add(item, origin, index, out)?;
            }
            return Ok(());
        }
    }
    if kind.is_empty() {
        return Err(bad("has no kind".into()));
    }
    let api_version = doc.api_version.unwrap_or_default();
    let meta = doc.metadata.unwrap_or(Metadata {
        name: None,
        namespace: None,
    });
    let Some(k) = Kind::of_manifest(&api_version, &kind) else {
        let name = meta.name.unwrap_or_default();
        out.skipped.push(format!("{kind}/{name} ({origin})"));
        return Ok(());
    };
    let name = meta.name.filter(|n| !n.is_empty()).ok_or_else(|| {
        bad(format!(
            "{kind} has no metadata.name (an object made with generateName cannot be found by name)"
        ))
    })?;
    out.objects.push(ObjectRef {
        kind: k,
        name,
        namespace: meta.namespace.filter(|n| !n.is_empty()),
    });
    Ok(())
}

/// The objects of one manifest text (YAML documents separated by `---`, or JSON objects).
pub fn parse(text: &str, origin: &str) -> Result<Loaded, ManifestError> {
    let parse_err = |message: String| ManifestError::Parse {
        origin: origin.to_string(),
        message,
    };
    let docs: Vec<Document> = if text.trim_start().starts_with('{') {
        serde_json::Deserializer::from_str(text)
            .into_iter::<Document>()
            .collect::<Result<_, _>>()
            .map_err(|e| parse_err(e.to_string()))?
    } else {
        serde_saphyr::from_multiple(text).map_err(|e| parse_err(e.to_string()))?
    };
    let mut out = Loaded::default();
    for (i, doc) in docs.into_iter().enumerate() {
        add(doc, origin, i + 1, &mut out)?;
    }
    Ok(out)
}

fn read_bounded(mut reader: impl Read, origin: &str) -> Result<String, ManifestError> {
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ManifestError::Read {
            path: origin.to_string(),
            source,
        })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(ManifestError::TooLarge(origin.to_string()));
    }
    String::from_utf8(bytes).map_err(|_| ManifestError::Parse {
        origin: origin.to_string(),
        message: "not UTF-8 text".into(),
    })
}

fn is_manifest_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// The manifest files of a directory, like kubectl: .yaml, .yml and .json, sorted;
/// subdirectories only with -R.
fn dir_files(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> Result<(), ManifestError> {
    let read_err = |source| ManifestError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if recursive {
                dir_files(&p, recursive, out)?;
            }
        } else if is_manifest_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Every `-f` value: files, directories (with `recursive`, their subdirectories) and `-`
/// for `stdin`.
pub fn load(
    paths: &[PathBuf],
    recursive: bool,
    stdin: &mut dyn Read,
) -> Result<Loaded, ManifestError> {
    let mut out = Loaded::default();
    let mut origins = Vec::new();
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                return Err(ManifestError::StdinTwice);
            }
            stdin_read = true;
            let text = read_bounded(&mut *stdin, "stdin")?;
            merge(&mut out, parse(&text, "stdin")?);
            origins.push("stdin".to_string());
            continue;
        }
        let files = if path.is_dir() {
            let mut files = Vec::new();
            dir_files(path, recursive, &mut files)?;
            if files.is_empty() {
                let hint = if recursive {
                    ""
                } else {
                    " (add -R to read its subdirectories)"
                };
                return Err(ManifestError::EmptyDir(path.display().to_string(), hint));
            }
            files
        } else {
            vec![path.clone()]
        };
        for f in files {
            let origin = f.display().to_string();
            let file = std::fs::File::open(&f).map_err(|source| ManifestError::Read {
                path: origin.clone(),
                source,
            })?;
            let text = read_bounded(file, &origin)?;
            merge(&mut out, parse(&text, &origin)?);
            origins.push(origin);
        }
    }
    if out.objects.is_empty() {
        let found = if out.skipped.is_empty() {
            String::new()
        } else {
            format!(" (found {})", out.skipped.join(", "))
        };
        return Err(ManifestError::NothingToScan {
            origins: origins.join(", "),
            found,
            kinds: kinds_list(),
        });
    }
    Ok(out)
}

fn merge(into: &mut Loaded, more: Loaded) {
    into.objects.extend(more.objects);
    into.skipped.extend(more.skipped);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(l: &Loaded) -> Vec<String> {
        l.objects
            .iter()
            .map(|o| {
                format!(
                    "{}/{}@{}",
                    o.kind.name(),
                    o.name,
                    o.namespace.as_deref().unwrap_or("-")
                )
            })
            .collect()
    }

    #[test]
    fn multi_document_yaml_lists_and_other_kinds() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: x}]}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
# an empty document
---
apiVersion: v1
kind: List
items:
- {apiVersion: batch/v1, kind: CronJob, metadata: {name: nightly}}
- {apiVersion: v1, kind: Pod, metadata: {name: one, namespace: other}}
";
        let l = parse(text, "app.yaml").unwrap();
        assert_eq!(
            refs(&l),
            ["Deployment/web@shop", "CronJob/nightly@-", "Pod/one@other"]
        );
        assert_eq!(l.skipped, ["Service/web (app.yaml)"]);
    }

    #[test]
    fn json_objects_and_bad_documents() {
        let l = parse(
            r#"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"}}
               {"apiVersion":"v1","kind":"PodList","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}"#,
            "x.json",
        )
        .unwrap();
        assert_eq!(refs(&l), ["StatefulSet/db@-", "Pod/p@-"]);
        let e = parse(
            "kind: Pod\napiVersion: v1\nmetadata: {generateName: x-}\n",
            "g.yaml",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "the manifest 'g.yaml', document 1: Pod has no metadata.name (an object made with \
             generateName cannot be found by name)"
        );
        let e = parse("kind: [", "b.yaml").unwrap_err().to_string();
        assert!(
            e.starts_with("the manifest 'b.yaml' is not valid YAML or JSON"),
            "{e}"
        );
    }

    #[test]
    fn files_directories_and_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("a.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
        )
        .unwrap();
        std::fs::write(d.join("notes.txt"), "kind: Pod\n").unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(
            d.join("sub/b.yml"),
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: b}\n",
        )
        .unwrap();
        let mut stdin: &[u8] = b"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: c}\n";
        let l = load(&[d.to_path_buf(), "-".into()], false, &mut stdin).unwrap();
        assert_eq!(refs(&l), ["Pod/a@-", "DaemonSet/c@-"]);
        let l = load(&[d.to_path_buf()], true, &mut std::io::empty()).unwrap();
        assert_eq!(refs(&l), ["Pod/a@-", "Job/b@-"]);
        let e = load(&["-".into(), "-".into()], false, &mut std::io::empty()).unwrap_err();
        assert!(matches!(e, ManifestError::StdinTwice));
        std::fs::write(
            d.join("svc.yaml"),
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
        )
        .unwrap();
        let e = load(&[d.join("svc.yaml")], false, &mut std::io::empty())
            .unwrap_err()
            .to_string();
        assert!(e.contains("(found Service/s ("), "{e}");
        assert!(e.ends_with("ReplicationController, Job and CronJob"), "{e}");
        let empty = d.join("empty");
        std::fs::create_dir(&empty).unwrap();
        let e = load(&[empty], false, &mut std::io::empty())
            .unwrap_err()
            .to_string();
        assert!(e.contains("add -R"), "{e}");
        let e = load(&[d.join("missing.yaml")], false, &mut std::io::empty())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("cannot read the manifest"), "{e}");
    }

    #[test]
    fn oversized_input_is_refused_without_reading_it_all() {
        let mut big = std::io::repeat(b'a');
        let e = read_bounded(&mut big, "stdin").unwrap_err();
        assert!(matches!(e, ManifestError::TooLarge(_)));
    }
}
