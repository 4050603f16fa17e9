//! `--post-results URL`: every HDF document POSTed after the local outputs are written.

use futures::future::BoxFuture;

use super::{RunSummary, Sink, SinkError};
use crate::deliver::Poster;
use crate::results::hdf;

pub struct DeliverySink {
    poster: Poster,
    quiet: bool,
}

impl DeliverySink {
    pub fn new(poster: Poster, quiet: bool) -> DeliverySink {
        DeliverySink { poster, quiet }
    }
}

impl Sink for DeliverySink {
    fn is_remote(&self) -> bool {
        true
    }

    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        Box::pin(async move {
            let quiet = self.quiet;
            let note = |m: &str| {
                if !quiet {
                    eprintln!("note: {m}");
                }
            };
            let mut delivered = 0;
            let mut failures = Vec::new();
            for r in &summary.reports {
                let id = r.target.id();
                let body = match serde_json::to_vec(&hdf::document(r)) {
                    Ok(b) => b,
                    Err(e) => {
                        failures.push(format!("cannot encode the results of {id}: {e}"));
                        continue;
                    }
                };
                match self.poster.post(&id, body.into(), &note).await {
                    Ok(()) => delivered += 1,
                    Err(e) => failures.push(e.to_string()),
                }
            }
            for f in &failures[..failures.len().saturating_sub(1)] {
                eprintln!("error: {f}");
            }
            if !quiet {
                eprintln!(
                    "posted {delivered} of {} HDF document(s) to {}",
                    summary.reports.len(),
                    self.poster.url()
                );
            }
            match failures.pop() {
                None => Ok(()),
                Some(last) => Err(SinkError::new(last)),
            }
        })
    }
}
