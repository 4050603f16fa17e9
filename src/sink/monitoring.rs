//! Monitoring and alerting sinks: `--metrics-file` (local) and the Pushgateway, Alertmanager
//! and alert webhook (remote); the rendering and delivery live in `crate::monitor`.

use std::path::PathBuf;

use futures::future::BoxFuture;

use super::output_dir::file_name;
use super::{RunSummary, Sink, SinkError};
use crate::monitor::sinks::{MetricsFile, Monitor};
use crate::monitor::RunInfo;

fn run_info(summary: &RunSummary) -> RunInfo<'_> {
    RunInfo {
        reports: &summary.reports,
        verdicts: summary.verdicts.as_deref(),
        errored: summary.errored,
        interrupted: summary.interrupted,
        started: summary.started,
        finished: summary.finished,
    }
}

/// `--metrics-file`, written with the other local outputs (also after Ctrl-C).
pub struct MetricsFileSink {
    file: MetricsFile,
}

impl MetricsFileSink {
    pub fn new(file: MetricsFile) -> MetricsFileSink {
        MetricsFileSink { file }
    }
}

impl Sink for MetricsFileSink {
    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        super::done(self.file.write(&run_info(summary)).map_err(SinkError::new))
    }
}

/// `--pushgateway`, `--alertmanager`, `--alert-webhook` (and `--alert-state`), concurrently.
pub struct MonitorSink {
    monitor: Monitor,
    /// Where the HDF documents go, for the alerts' `hdf_location`.
    output_dir: Option<PathBuf>,
    post_url: Option<String>,
}

impl MonitorSink {
    pub fn new(
        monitor: Monitor,
        output_dir: Option<PathBuf>,
        post_url: Option<String>,
    ) -> MonitorSink {
        MonitorSink {
            monitor,
            output_dir,
            post_url,
        }
    }
}

impl Sink for MonitorSink {
    fn is_remote(&self) -> bool {
        true
    }

    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            let hdf: Vec<Option<String>> = summary
                .reports
                .iter()
                .map(|r| match &self.output_dir {
                    Some(dir) => Some(dir.join(file_name(&r.target.id())).display().to_string()),
                    None => self.post_url.clone(),
                })
                .collect();
            let mut failures = self
                .monitor
                .deliver(&run_info(summary), summary.context.as_deref(), hdf)
                .await;
            // Every failure but the last is printed by `deliver`; the last is the sink's error.
            match failures.pop() {
                None => Ok(()),
                Some(last) => Err(SinkError::new(last)),
            }
        })
    }
}
