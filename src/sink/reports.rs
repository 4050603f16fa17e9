//! `--report FORMAT=PATH`: the whole scan in one more format, written atomically at the end.

use futures::future::BoxFuture;

use super::{done, RunSummary, Sink, SinkError};
use crate::config::{OutputSettings, ReportFile};
use crate::report::{self, table::TableOptions, Format};

pub struct ReportSink {
    format: Format,
    path: std::path::PathBuf,
    mode: u32,
    quiet: bool,
}

impl ReportSink {
    pub fn new(file: &ReportFile, out: &OutputSettings) -> ReportSink {
        ReportSink {
            format: file.format,
            path: file.path.clone(),
            mode: out.file_mode,
            quiet: out.quiet,
        }
    }
}

impl Sink for ReportSink {
    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        let plain = TableOptions {
            color: false,
            width: None,
        };
        let mut bytes = Vec::new();
        let result =
            report::render(self.format, &mut bytes, &summary.outcome(), &plain).and_then(|_| {
                if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                crate::fsio::write_atomic(&self.path, &bytes, self.mode)
            });
        done(match result {
            Ok(()) => {
                if !self.quiet {
                    eprintln!(
                        "wrote {} report to {}",
                        self.format.name(),
                        self.path.display()
                    );
                }
                Ok(())
            }
            Err(e) => Err(SinkError::new(format!(
                "cannot write the {} report to '{}': {e}",
                self.format.name(),
                self.path.display()
            ))),
        })
    }
}
