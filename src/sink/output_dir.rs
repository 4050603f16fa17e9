//! `--output-dir DIR`: one pretty HDF file per container, each written atomically as soon as
//! the container finishes (a later crash loses nothing already written).

use std::path::PathBuf;

use futures::future::BoxFuture;

use super::{done, RunSummary, ScanEvent, Sink, SinkError};
use crate::config::OutputSettings;
use crate::results::{hdf, ContainerReport};

pub struct OutputDirSink {
    dir: PathBuf,
    mode: u32,
    quiet: bool,
    written: Vec<bool>,
    error: Option<String>,
}

impl OutputDirSink {
    pub fn new(dir: PathBuf, out: &OutputSettings) -> OutputDirSink {
        OutputDirSink {
            dir,
            mode: out.file_mode,
            quiet: out.quiet,
            written: Vec::new(),
            error: None,
        }
    }

    fn write(&mut self, report: &ContainerReport) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(file_name(&report.target.id()));
        let mut bytes = serde_json::to_vec_pretty(&hdf::document(report))?;
        bytes.push(b'\n');
        crate::fsio::write_atomic(&path, &bytes, self.mode)
    }

    fn fail(&mut self, e: std::io::Error) -> SinkError {
        let message = format!("cannot write results to '{}': {e}", self.dir.display());
        self.error = Some(message.clone());
        SinkError::new(message)
    }
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

impl Sink for OutputDirSink {
    fn event(&mut self, event: &super::ScanEvent<'_>) -> Result<(), SinkError> {
        match event {
            ScanEvent::Started { targets } => self.written = vec![false; targets.len()],
            ScanEvent::Finished { index, report } if self.error.is_none() => {
                self.write(report).map_err(|e| self.fail(e))?;
                if let Some(w) = self.written.get_mut(*index) {
                    *w = true;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        if self.error.is_some() {
            // Already reported once.
            return done(Ok(()));
        }
        for (i, r) in summary.reports.iter().enumerate() {
            if !self.written.get(i).copied().unwrap_or(false) {
                if let Err(e) = self.write(r) {
                    return done(Err(self.fail(e)));
                }
            }
        }
        if !self.quiet {
            eprintln!(
                "wrote {} HDF file(s) to {}",
                summary.reports.len(),
                self.dir.display()
            );
        }
        done(Ok(()))
    }
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
}
