//! Scan events and the sinks that consume them: progress, stdout, report files,
//! `--output-dir`, stderr diagnostics and HTTP delivery. A new output is one new sink here
//! plus its settings in `config`; the scan loop does not change.

mod delivery;
mod diagnostics;
mod monitoring;
mod output_dir;
mod progress;
pub mod progress_bars;
mod reports;
pub mod shard;
mod stdout;

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::config::ScanConfig;
use crate::report::Outcome;
use crate::results::{ContainerReport, Target};
use crate::threshold::Verdict;

/// What a scan tells its sinks, in order, from one task.
#[derive(Debug)]
pub enum ScanEvent<'a> {
    /// The containers that will be scanned, in report order.
    Started { targets: &'a [Target] },
    /// A container's scan moved on (connecting, gathering (exec), evaluating…).
    Phase { index: usize, phase: &'a str },
    /// A container's report is ready (in the order they finish).
    Finished {
        index: usize,
        report: &'a ContainerReport,
    },
    /// A target could not be resolved (no such pod, …); it has no report.
    TargetError { message: &'a str },
    /// Ctrl-C: the containers still running are reported as interrupted.
    Interrupted,
}

/// The whole scan, once it is over.
pub struct RunSummary {
    /// One report per container, in target order.
    pub reports: Vec<ContainerReport>,
    /// With a threshold: one verdict per report.
    pub verdicts: Option<Vec<Verdict>>,
    /// A target or container could not be scanned.
    pub errored: bool,
    pub interrupted: bool,
    pub started: jiff::Timestamp,
    pub finished: jiff::Timestamp,
    /// The kubeconfig context of a cluster scan (`None` in-cluster and for `--root`).
    pub context: Option<String>,
}

impl RunSummary {
    pub fn outcome(&self) -> Outcome<'_> {
        Outcome {
            reports: &self.reports,
            verdicts: self.verdicts.as_deref(),
        }
    }
}

/// A sink that could not do its job; `stdout_closed` stops the run quietly (like SIGPIPE).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SinkError {
    pub message: String,
    pub stdout_closed: bool,
}

impl SinkError {
    pub fn new(message: impl Into<String>) -> SinkError {
        SinkError {
            message: message.into(),
            stdout_closed: false,
        }
    }
}

/// One consumer of scan events.
pub trait Sink: Send {
    /// Called for every event, in order. Keep it quick: the scan waits.
    fn event(&mut self, _event: &ScanEvent<'_>) -> Result<(), SinkError> {
        Ok(())
    }

    /// Once, after the scan: every local sink first, then the remote ones.
    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>>;

    /// A remote sink's failure is a delivery failure (exit 4), after every local output.
    fn is_remote(&self) -> bool {
        false
    }
}

/// How the sinks fared, for the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SinkOutcome {
    /// A local output (stdout, a report file, --output-dir) failed.
    pub local_failed: bool,
    /// A remote sink could not deliver.
    pub remote_failed: bool,
    /// stdout was closed by its reader.
    pub stdout_closed: bool,
}

/// Every sink of a run, fed in order.
pub struct Sinks {
    sinks: Vec<Box<dyn Sink>>,
    notes: Arc<progress_bars::Progress>,
    outcome: SinkOutcome,
}

impl Sinks {
    /// The sinks `config` asks for.
    pub fn from_config(config: &mut ScanConfig) -> Sinks {
        let out = &config.output;
        let bars = Arc::new(progress_bars::Progress::new(out.progress, 0));
        let mut sinks: Vec<Box<dyn Sink>> = vec![
            Box::new(progress::ProgressSink::new(bars.clone())),
            Box::new(stdout::StdoutSink::new(out)),
        ];
        sinks.extend(
            out.reports
                .iter()
                .map(|r| Box::new(reports::ReportSink::new(r, out)) as Box<dyn Sink>),
        );
        if let Some(dir) = &out.output_dir {
            sinks.push(Box::new(output_dir::OutputDirSink::new(dir.clone(), out)));
        }
        sinks.push(Box::new(diagnostics::Diagnostics::new(
            bars.clone(),
            out.quiet,
        )));
        let post_url = config.gates.poster.as_ref().map(|p| p.url());
        if let Some(poster) = config.gates.poster.take() {
            sinks.push(Box::new(delivery::DeliverySink::new(poster, out.quiet)));
        }
        if let Some(mut monitor) = config.gates.monitor.take() {
            if let Some(file) = monitor.take_metrics_file() {
                sinks.push(Box::new(monitoring::MetricsFileSink::new(file)));
            }
            if monitor.has_remote() {
                sinks.push(Box::new(monitoring::MonitorSink::new(
                    monitor,
                    out.output_dir.clone(),
                    post_url,
                )));
            }
        }
        Sinks::new(sinks, bars)
    }

    /// A `job run` shard's sinks: stderr diagnostics, the framed results on stdout (unless
    /// `framed_stdout` is false), the termination-message summary, then `--post-results` and
    /// the monitoring sinks (--metrics-file, --pushgateway, --alertmanager, --alert-webhook).
    pub fn for_shard(
        config: &mut ScanConfig,
        state: shard::SharedShard,
        framed_stdout: bool,
        termination_log: std::path::PathBuf,
        limit: usize,
    ) -> Sinks {
        let bars = Arc::new(progress_bars::Progress::new(false, 0));
        let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(diagnostics::Diagnostics::new(
            bars.clone(),
            config.output.quiet,
        ))];
        if framed_stdout {
            sinks.push(Box::new(shard::FramedStdoutSink::new(state.clone())));
        }
        sinks.push(Box::new(shard::TerminationSink::new(
            state,
            termination_log,
            limit,
        )));
        let post_url = config.gates.poster.as_ref().map(|p| p.url());
        if let Some(poster) = config.gates.poster.take() {
            sinks.push(Box::new(delivery::DeliverySink::new(
                poster,
                config.output.quiet,
            )));
        }
        if let Some(mut monitor) = config.gates.monitor.take() {
            if let Some(file) = monitor.take_metrics_file() {
                sinks.push(Box::new(monitoring::MetricsFileSink::new(file)));
            }
            if monitor.has_remote() {
                sinks.push(Box::new(monitoring::MonitorSink::new(
                    monitor, None, post_url,
                )));
            }
        }
        Sinks::new(sinks, bars)
    }

    pub fn new(sinks: Vec<Box<dyn Sink>>, notes: Arc<progress_bars::Progress>) -> Sinks {
        Sinks {
            sinks,
            notes,
            outcome: SinkOutcome::default(),
        }
    }

    /// Feed one event to every sink. `false` when stdout was closed: the scan should stop.
    pub fn emit(&mut self, event: &ScanEvent<'_>) -> bool {
        for i in 0..self.sinks.len() {
            if let Err(e) = self.sinks[i].event(event) {
                self.failed(i, e);
            }
        }
        !self.outcome.stdout_closed
    }

    /// Finish every local sink, then every remote one (skipped after Ctrl-C).
    pub async fn finish(&mut self, summary: &RunSummary) -> SinkOutcome {
        for remote in [false, true] {
            if remote && summary.interrupted {
                break;
            }
            for i in 0..self.sinks.len() {
                if self.sinks[i].is_remote() != remote {
                    continue;
                }
                if let Err(e) = self.sinks[i].finish(summary).await {
                    self.failed(i, e);
                }
            }
        }
        self.outcome
    }

    fn failed(&mut self, i: usize, e: SinkError) {
        if e.stdout_closed {
            self.outcome.stdout_closed = true;
            return;
        }
        if self.sinks[i].is_remote() {
            self.outcome.remote_failed = true;
        } else {
            self.outcome.local_failed = true;
        }
        self.notes.note(&format!("error: {e}"));
    }
}

/// `io::Error` from writing stdout: closed by the reader, or a real failure.
pub(crate) fn stdout_error(e: std::io::Error) -> SinkError {
    SinkError {
        stdout_closed: e.kind() == std::io::ErrorKind::BrokenPipe,
        message: format!("cannot write to stdout: {e}"),
    }
}

/// A future that is already done (for sinks with nothing to do at the end).
pub(crate) fn done<'a>(result: Result<(), SinkError>) -> BoxFuture<'a, Result<(), SinkError>> {
    Box::pin(std::future::ready(result))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Counts what it is given.
    #[derive(Default)]
    struct Counter {
        seen: Arc<Mutex<Vec<String>>>,
        remote: bool,
        fail_finish: bool,
    }

    impl Sink for Counter {
        fn event(&mut self, event: &ScanEvent<'_>) -> Result<(), SinkError> {
            let name = match event {
                ScanEvent::Started { targets } => format!("started {}", targets.len()),
                ScanEvent::Phase { index, .. } => format!("phase {index}"),
                ScanEvent::Finished { index, .. } => format!("finished {index}"),
                ScanEvent::TargetError { .. } => "target error".into(),
                ScanEvent::Interrupted => "interrupted".into(),
            };
            self.seen.lock().unwrap().push(name);
            Ok(())
        }
        fn finish<'a>(&'a mut self, s: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
            let remote = if self.remote { "remote" } else { "local" };
            self.seen
                .lock()
                .unwrap()
                .push(format!("finish {remote} {}", s.reports.len()));
            done(if self.fail_finish {
                Err(SinkError::new("no"))
            } else {
                Ok(())
            })
        }
        fn is_remote(&self) -> bool {
            self.remote
        }
    }

    fn summary(interrupted: bool) -> RunSummary {
        RunSummary {
            reports: crate::report::testdata::reports(),
            verdicts: None,
            errored: false,
            interrupted,
            started: jiff::Timestamp::UNIX_EPOCH,
            finished: jiff::Timestamp::UNIX_EPOCH,
            context: None,
        }
    }

    #[tokio::test]
    async fn every_sink_sees_every_event_and_remote_ones_finish_last() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let remote = Counter {
            seen: seen.clone(),
            remote: true,
            fail_finish: true,
        };
        let local = Counter {
            seen: seen.clone(),
            ..Default::default()
        };
        let bars = Arc::new(progress_bars::Progress::new(false, 0));
        let mut sinks = Sinks::new(vec![Box::new(remote), Box::new(local)], bars);
        let s = summary(false);
        let targets = vec![s.reports[0].target.clone()];
        assert!(sinks.emit(&ScanEvent::Started { targets: &targets }));
        sinks.emit(&ScanEvent::Phase {
            index: 0,
            phase: "gathering",
        });
        sinks.emit(&ScanEvent::Finished {
            index: 0,
            report: &s.reports[0],
        });
        let outcome = sinks.finish(&s).await;
        let n = s.reports.len();
        assert_eq!(
            *seen.lock().unwrap(),
            [
                "started 1",
                "started 1",
                "phase 0",
                "phase 0",
                "finished 0",
                "finished 0",
                &format!("finish local {n}"),
                &format!("finish remote {n}"),
            ]
        );
        assert!(outcome.remote_failed && !outcome.local_failed);
    }

    #[tokio::test]
    async fn after_ctrl_c_nothing_is_delivered() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let remote = Counter {
            seen: seen.clone(),
            remote: true,
            ..Default::default()
        };
        let bars = Arc::new(progress_bars::Progress::new(false, 0));
        let mut sinks = Sinks::new(vec![Box::new(remote)], bars);
        sinks.emit(&ScanEvent::Interrupted);
        sinks.finish(&summary(true)).await;
        assert_eq!(*seen.lock().unwrap(), ["interrupted"]);
    }
}
