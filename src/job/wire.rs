//! The results one shard hands to `job results`: the scan's outcome per control, compact.
//!
//! Controls travel by profile name and id only; `job results` rebuilds full reports from the
//! same built-in profiles, so texts are not repeated per container.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::list::ListStats;
use crate::engine::profile::Profile;
use crate::results::{
    CheckResult, ContainerReport, ControlResult, Platform, ProfileResult, Status, Target,
};

pub const WIRE_VERSION: u32 = 1;

/// Everything one shard produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardResults {
    pub version: u32,
    pub job: String,
    pub shard: u32,
    pub shards: u32,
    /// The `--profile` values the shard ran (builtin:NAME).
    pub profiles: Vec<String>,
    pub started: String,
    pub finished: String,
    pub listing: ListStats,
    /// `namespace/pod` of pods that held this shard's containers when the scan began but were
    /// gone at its end (their containers are reported once, as scanned or as errors).
    pub vanished: Vec<String>,
    /// Pods that appeared during the run (not in this run's snapshot, so not scanned).
    pub appeared: Vec<String>,
    /// Problems with what was asked for (e.g. a -c container a pod lacks).
    pub target_errors: Vec<String>,
    pub reports: Vec<WireReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireReport {
    pub namespace: Option<String>,
    pub pod: Option<String>,
    pub container: Option<String>,
    pub image: Option<String>,
    pub image_id: Option<String>,
    pub node: Option<String>,
    pub access: String,
    pub access_detail: Option<String>,
    /// The pod's controller (kind, name), for the metrics and alert labels.
    #[serde(default)]
    pub workload: Option<(String, String)>,
    pub platform: (String, String),
    pub error: Option<String>,
    pub start_time: String,
    pub duration: f64,
    pub profiles: Vec<WireProfile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireProfile {
    pub name: String,
    pub controls: Vec<WireControl>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireControl {
    pub id: String,
    /// Its only_if did not hold here (N/A).
    #[serde(default)]
    pub not_applicable: bool,
    pub results: Vec<WireCheck>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireCheck {
    pub code_desc: String,
    /// passed, failed, skipped or error.
    pub status: String,
    pub message: Option<String>,
    pub run_time: f64,
}

fn status_of(name: &str) -> Option<Status> {
    Some(match name {
        "passed" => Status::Passed,
        "failed" => Status::Failed,
        "skipped" => Status::Skipped,
        "error" => Status::Error,
        _ => return None,
    })
}

impl WireReport {
    pub fn from_report(r: &ContainerReport) -> WireReport {
        WireReport {
            namespace: r.target.namespace.clone(),
            pod: r.target.pod.clone(),
            container: r.target.container.clone(),
            image: r.target.image.clone(),
            image_id: r.target.image_id.clone(),
            node: r.target.node.clone(),
            access: r.target.access.clone(),
            access_detail: r.target.access_detail.clone(),
            workload: r.target.workload.clone(),
            platform: (r.platform.name.clone(), r.platform.release.clone()),
            error: r.error.clone(),
            start_time: r.start_time.clone(),
            duration: r.duration,
            profiles: r
                .profiles
                .iter()
                .map(|p| WireProfile {
                    name: p.profile.name.clone(),
                    controls: p
                        .controls
                        .iter()
                        .map(|c| WireControl {
                            id: c.control.id.clone(),
                            not_applicable: c.not_applicable,
                            results: c
                                .results
                                .iter()
                                .map(|x| WireCheck {
                                    code_desc: x.code_desc.clone(),
                                    status: x.status.name().to_string(),
                                    message: x.message.clone(),
                                    run_time: x.run_time,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The full report again, with controls from `profiles` (those the shard ran).
    pub fn to_report(&self, profiles: &[Arc<Profile>]) -> Result<ContainerReport, String> {
        let mut out = Vec::new();
        for wp in &self.profiles {
            let profile = profiles
                .iter()
                .find(|p| p.meta.name == wp.name)
                .ok_or_else(|| format!("the results name profile '{}', which this plugin does not have (use the same plugin version as the scanner image)", wp.name))?;
            let mut controls = Vec::new();
            for wc in &wp.controls {
                let control = profile
                    .controls
                    .iter()
                    .find(|c| c.id == wc.id)
                    .ok_or_else(|| {
                        format!(
                            "the results name control '{}' that profile '{}' does not have \
                             (use the same plugin version as the scanner image)",
                            wc.id, wp.name
                        )
                    })?;
                let mut results = Vec::new();
                for x in &wc.results {
                    results.push(CheckResult {
                        code_desc: x.code_desc.clone(),
                        status: status_of(&x.status)
                            .ok_or_else(|| format!("unknown status '{}'", x.status))?,
                        message: x.message.clone(),
                        run_time: x.run_time,
                    });
                }
                controls.push(ControlResult {
                    control: control.meta.clone(),
                    not_applicable: wc.not_applicable,
                    results,
                });
            }
            out.push(ProfileResult {
                profile: profile.meta.clone(),
                controls,
            });
        }
        Ok(ContainerReport {
            target: Target {
                namespace: self.namespace.clone(),
                pod: self.pod.clone(),
                container: self.container.clone(),
                image: self.image.clone(),
                image_id: self.image_id.clone(),
                node: self.node.clone(),
                root: None,
                access: self.access.clone(),
                access_detail: self.access_detail.clone(),
                workload: self.workload.clone(),
            },
            platform: Platform {
                name: self.platform.0.clone(),
                release: self.platform.1.clone(),
            },
            profiles: out,
            error: self.error.clone(),
            start_time: self.start_time.clone(),
            duration: self.duration,
        })
    }
}

/// The shard's summary for its termination message: at most `limit` bytes of JSON.
pub fn termination_summary(r: &ShardResults, chunks: usize, sha256: &str, limit: usize) -> String {
    let mut counts = std::collections::BTreeMap::<&str, u64>::new();
    let mut errors = 0u64;
    for rep in &r.reports {
        if rep.error.is_some() {
            errors += 1;
        }
        for p in &rep.profiles {
            for c in &p.controls {
                let st = if c.results.iter().any(|x| x.status == "error") {
                    "error"
                } else if c.results.iter().any(|x| x.status == "failed") {
                    "failed"
                } else if c.results.iter().any(|x| x.status == "passed") {
                    "passed"
                } else {
                    "skipped"
                };
                *counts.entry(st).or_default() += 1;
            }
        }
    }
    let mut v = serde_json::json!({
        "cinc-scan-shard": WIRE_VERSION,
        "job": r.job,
        "shard": r.shard,
        "shards": r.shards,
        "containers": r.reports.len(),
        "containerErrors": errors,
        "controls": counts,
        "pages": r.listing.pages,
        "listRequests": r.listing.requests,
        "listRestarts": r.listing.restarts,
        "resultChunks": chunks,
        "resultSha256": sha256,
        "vanished": r.vanished,
        "appeared": r.appeared,
        "started": r.started,
        "finished": r.finished,
    });
    let mut text = v.to_string();
    // the pod lists are what can grow: cut them (and say so) until it fits
    for key in ["appeared", "vanished"] {
        if text.len() <= limit {
            break;
        }
        let n = v[key].as_array().map_or(0, Vec::len);
        v[key] = serde_json::json!(format!("{n} pods (see the shard's results)"));
        text = v.to_string();
    }
    if text.len() > limit {
        text = serde_json::json!({"cinc-scan-shard": WIRE_VERSION, "shard": r.shard,
            "shards": r.shards, "containers": r.reports.len(), "truncated": true})
        .to_string();
    }
    text
}
