//! Progress on stderr: an overall bar and a spinner per container (hidden when not a TTY).

use std::sync::Arc;

use futures::future::BoxFuture;

use super::progress_bars::{Progress, Spinner};
use super::{done, RunSummary, ScanEvent, Sink, SinkError};
use crate::report::terminal_safe;

pub struct ProgressSink {
    bars: Arc<Progress>,
    spinners: Vec<Option<Spinner>>,
}

impl ProgressSink {
    pub fn new(bars: Arc<Progress>) -> ProgressSink {
        ProgressSink {
            bars,
            spinners: Vec::new(),
        }
    }
}

impl Sink for ProgressSink {
    fn event(&mut self, event: &ScanEvent<'_>) -> Result<(), SinkError> {
        match event {
            ScanEvent::Started { targets } => {
                self.bars.set_total(targets.len() as u64);
                self.spinners = targets
                    .iter()
                    .map(|t| Some(self.bars.container(&terminal_safe(&t.id()))))
                    .collect();
            }
            ScanEvent::Phase { index, phase } => {
                if let Some(Some(s)) = self.spinners.get(*index) {
                    s.phase(phase);
                }
            }
            ScanEvent::Finished { index, .. } => {
                if let Some(s) = self.spinners.get_mut(*index).and_then(Option::take) {
                    s.done(&self.bars);
                }
            }
            ScanEvent::Interrupted => self
                .bars
                .note("interrupted: reporting the containers that finished"),
            ScanEvent::TargetError { .. } => {}
        }
        Ok(())
    }

    fn finish<'a>(&'a mut self, _summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        for s in self.spinners.iter_mut().filter_map(Option::take) {
            s.done(&self.bars);
        }
        self.bars.finish();
        done(Ok(()))
    }
}
