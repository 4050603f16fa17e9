//! A `job run` shard's own outputs: its full results as framed lines on stdout (for
//! `job results` to gather from the pod's log) and a compact summary in the pod's termination
//! message. Both are local sinks: they finish before `--post-results` delivers.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use super::{done, stdout_error, RunSummary, Sink, SinkError};
use crate::job::list::ListStats;
use crate::job::{frame, wire};

/// What the shard knows besides its reports; the listing after the scan (vanished and
/// appeared pods, the extra LIST requests) is filled in before the sinks finish.
#[derive(Debug, Clone, Default)]
pub struct ShardRecord {
    pub job: String,
    pub shard: u32,
    pub shards: u32,
    /// The `--profile` values the shard ran (builtin:NAME).
    pub profiles: Vec<String>,
    pub listing: ListStats,
    pub vanished: Vec<String>,
    pub appeared: Vec<String>,
    pub target_errors: Vec<String>,
}

/// The record, shared by the shard's code and its two sinks; the framed sink leaves the
/// chunk count and digest of what it printed for the summary.
#[derive(Debug, Default)]
pub struct ShardState {
    pub record: ShardRecord,
    framed: Option<(usize, String)>,
}

pub type SharedShard = Arc<Mutex<ShardState>>;

pub fn shared(record: ShardRecord) -> SharedShard {
    Arc::new(Mutex::new(ShardState {
        record,
        framed: None,
    }))
}

fn results(record: &ShardRecord, summary: &RunSummary) -> wire::ShardResults {
    wire::ShardResults {
        version: wire::WIRE_VERSION,
        job: record.job.clone(),
        shard: record.shard,
        shards: record.shards,
        profiles: record.profiles.clone(),
        started: summary.started.to_string(),
        finished: summary.finished.to_string(),
        listing: record.listing.clone(),
        vanished: record.vanished.clone(),
        appeared: record.appeared.clone(),
        target_errors: record.target_errors.clone(),
        reports: summary
            .reports
            .iter()
            .map(wire::WireReport::from_report)
            .collect(),
    }
}

fn lock(state: &SharedShard) -> std::sync::MutexGuard<'_, ShardState> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The full results, gzip + base64, in self-describing lines on stdout.
pub struct FramedStdoutSink {
    state: SharedShard,
}

impl FramedStdoutSink {
    pub fn new(state: SharedShard) -> FramedStdoutSink {
        FramedStdoutSink { state }
    }
}

impl Sink for FramedStdoutSink {
    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        let mut state = lock(&self.state);
        let r = results(&state.record, summary);
        let json = match serde_json::to_vec(&r) {
            Ok(j) => j,
            Err(e) => {
                return done(Err(SinkError::new(format!(
                    "cannot encode the results: {e}"
                ))))
            }
        };
        let (lines, chunks, sha) = frame::encode(&r.job, r.shard, r.shards, &json);
        let mut out = std::io::stdout().lock();
        let written = out
            .write_all(lines.as_bytes())
            .and_then(|_| out.flush())
            .map_err(stdout_error);
        if written.is_ok() {
            state.framed = Some((chunks, sha));
        }
        done(written)
    }
}

/// The compact summary (≤ `limit` bytes) in the termination message file, and on stderr.
pub struct TerminationSink {
    state: SharedShard,
    /// "" for none.
    path: PathBuf,
    limit: usize,
}

impl TerminationSink {
    pub fn new(state: SharedShard, path: PathBuf, limit: usize) -> TerminationSink {
        TerminationSink { state, path, limit }
    }
}

impl Sink for TerminationSink {
    fn finish<'a>(&'a mut self, summary: &'a RunSummary) -> BoxFuture<'a, Result<(), SinkError>> {
        let state = lock(&self.state);
        let r = results(&state.record, summary);
        // without framed stdout results: no chunks, no digest
        let (chunks, sha) = state.framed.clone().unwrap_or((0, String::new()));
        let text = wire::termination_summary(&r, chunks, &sha, self.limit);
        if !self.path.as_os_str().is_empty() {
            // the summary is a convenience: the results themselves went out already
            if let Err(e) = std::fs::write(&self.path, &text) {
                eprintln!(
                    "note: cannot write the summary to '{}': {e}",
                    self.path.display()
                );
            }
        }
        eprintln!("{text}");
        done(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> RunSummary {
        RunSummary {
            reports: crate::report::testdata::reports(),
            verdicts: None,
            errored: false,
            interrupted: false,
            started: jiff::Timestamp::UNIX_EPOCH,
            finished: jiff::Timestamp::UNIX_EPOCH,
            context: None,
        }
    }

    #[tokio::test]
    async fn the_summary_names_what_the_framed_sink_printed() {
        let state = shared(ShardRecord {
            job: "nightly".into(),
            shard: 1,
            shards: 4,
            ..Default::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("termination-log");
        let s = summary();
        // no framed sink: the summary says so
        TerminationSink::new(state.clone(), path.clone(), 4096)
            .finish(&s)
            .await
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["resultChunks"], 0);
        assert_eq!(v["resultSha256"], "");
        assert_eq!(v["containers"], s.reports.len());
        assert_eq!(v["shard"], 1);
        // as if the framed sink had printed 3 chunks
        lock(&state).framed = Some((3, "ab".into()));
        TerminationSink::new(state, path.clone(), 4096)
            .finish(&s)
            .await
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["resultChunks"], 3);
        assert_eq!(v["resultSha256"], "ab");
    }
}
