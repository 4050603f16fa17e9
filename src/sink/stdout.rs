//! stdout in the `-o` format: HDF lines stream as each container finishes; whole-scan
//! formats (table, JUnit, SARIF, Markdown) print in target order at the end.

use std::io::Write;

use futures::future::BoxFuture;

use super::{done, stdout_error, RunSummary, ScanEvent, Sink, SinkError};
use crate::config::OutputSettings;
use crate::report::{self, table::TableOptions, Format};
use crate::results::hdf;

pub struct StdoutSink {
    format: Format,
    table: TableOptions,
    /// JSON Lines: which reports have been printed already.
    printed: Vec<bool>,
}

impl StdoutSink {
    pub fn new(out: &OutputSettings) -> StdoutSink {
        StdoutSink {
            format: out.format,
            table: TableOptions {
                color: out.color,
                width: out.width,
            },
            printed: Vec::new(),
        }
    }
}

fn line(report: &crate::results::ContainerReport) -> Result<(), SinkError> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &hdf::document(report))
        .map_err(std::io::Error::from)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .map_err(stdout_error)
}

impl Sink for StdoutSink {
    fn event(&mut self, event: &ScanEvent<'_>) -> Result<(), SinkError> {
        if self.format != Format::Json {
            return Ok(());
        }
        match event {
            ScanEvent::Started { targets } => self.printed = vec![false; targets.len()],
            ScanEvent::Finished { index, report } => {
                if let Some(p) = self.printed.get_mut(*index) {
                    *p = true;
                }
                line(report)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        let result = if self.format == Format::Json {
            // Those that never finished (interrupted) still get their line.
            summary
                .reports
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.printed.get(*i).copied().unwrap_or(false))
                .try_for_each(|(_, r)| line(r))
        } else {
            let mut out = std::io::stdout().lock();
            report::render(self.format, &mut out, &summary.outcome(), &self.table)
                .and_then(|_| out.flush())
                .map_err(stdout_error)
        };
        done(result)
    }
}
