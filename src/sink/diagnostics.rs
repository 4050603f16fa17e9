//! stderr, one line per problem: targets that could not be resolved, containers that could
//! not be scanned, threshold verdicts. Target data is escaped for the terminal.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::progress_bars::Progress;
use super::{done, RunSummary, ScanEvent, Sink, SinkError};
use crate::report::{one_line, terminal_safe};

pub struct Diagnostics {
    bars: Arc<Progress>,
    quiet: bool,
}

impl Diagnostics {
    pub fn new(bars: Arc<Progress>, quiet: bool) -> Diagnostics {
        Diagnostics { bars, quiet }
    }

    fn say(&self, line: &str) {
        self.bars.note(&terminal_safe(line));
    }
}

impl Sink for Diagnostics {
    fn event(&mut self, event: &ScanEvent<'_>) -> Result<(), SinkError> {
        match event {
            ScanEvent::TargetError { message } if !self.quiet => {
                self.say(&format!("error: {message}"))
            }
            // A CI job that sends results to a file still shows why a container failed.
            ScanEvent::Finished { report, .. } => {
                if let Some(e) = &report.error {
                    self.say(&format!("error: {}: {}", report.target.id(), one_line(e)));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        if let Some(verdicts) = &summary.verdicts {
            for (r, v) in summary.reports.iter().zip(verdicts) {
                if !v.met() {
                    self.say(&format!("threshold violated by {}:", r.target.id()));
                    for x in &v.violations {
                        self.say(&format!("  {x}"));
                    }
                }
            }
            if !self.quiet {
                let met = verdicts.iter().filter(|v| v.met()).count();
                self.say(&format!(
                    "threshold met by {met} of {} container(s)",
                    verdicts.len()
                ));
            }
        }
        done(Ok(()))
    }
}
