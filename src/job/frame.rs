//! A shard's full results on its stdout: gzip, base64, cut into lines that name themselves.
//!
//! ```text
//! cinc-scan-results/1 job=nightly shard=2/4 chunk=0/3 sha256=<hex of the gzip bytes> <base64>
//! ```
//! Lines stay well below container runtimes' log line limits (containerd splits at 16 KiB), so
//! `kubectl logs` returns them whole; anything else in the log (stderr notes) is ignored. The
//! reader checks the digest and bounds what it decompresses.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine as _;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "cinc-scan-results/1";
/// Raw bytes per line (4,000 characters of base64).
const CHUNK_BYTES: usize = 3000;
/// The largest decompressed results `job results` accepts from one shard.
pub const MAX_DECOMPRESSED: u64 = 512 << 20;

/// The framed lines (each ending in '\n'), how many there are, and the digest.
pub fn encode(job: &str, shard: u32, shards: u32, json: &[u8]) -> (String, usize, String) {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    // writing into a Vec cannot fail
    let _ = gz.write_all(json);
    let bytes = gz.finish().unwrap_or_default();
    let sha = hex(&Sha256::digest(&bytes));
    let chunks: Vec<&[u8]> = bytes.chunks(CHUNK_BYTES).collect();
    let total = chunks.len().max(1);
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + total * 120);
    if chunks.is_empty() {
        out.push_str(&format!(
            "{PREFIX} job={job} shard={shard}/{shards} chunk=0/1 sha256={sha} \n"
        ));
    }
    for (i, c) in chunks.iter().enumerate() {
        out.push_str(&format!(
            "{PREFIX} job={job} shard={shard}/{shards} chunk={i}/{total} sha256={sha} {}\n",
            base64::engine::general_purpose::STANDARD.encode(c)
        ));
    }
    (out, total, sha)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A frame found in a log.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub job: String,
    pub shard: u32,
    pub shards: u32,
    pub json: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrameError {
    #[error("no results in the log (the shard has not finished, or ran with --no-stdout-results)")]
    Missing,
    #[error("the results are incomplete: {have} of {total} chunks in the log")]
    Incomplete { have: usize, total: usize },
    #[error("the results are corrupt: {0}")]
    Corrupt(String),
}

struct Partial {
    job: String,
    shard: u32,
    shards: u32,
    total: usize,
    chunks: BTreeMap<usize, Vec<u8>>,
}

fn field<'a>(parts: &mut impl Iterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    parts.next()?.strip_prefix(name)?.strip_prefix('=')
}

fn pair(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.split_once('/')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// The last complete frame in a log; lines that are not frame lines are skipped.
pub fn decode(log: &str) -> Result<Decoded, FrameError> {
    decode_limited(log, MAX_DECOMPRESSED)
}

/// [`decode`], accepting at most `limit` decompressed bytes.
pub fn decode_limited(log: &str, limit: u64) -> Result<Decoded, FrameError> {
    let mut frames: Vec<(String, Partial)> = Vec::new();
    for line in log.lines() {
        let Some(rest) = line.strip_prefix(PREFIX) else {
            continue;
        };
        let mut parts = rest.trim_start().splitn(5, ' ');
        let (Some(job), Some(shard), Some(chunk), Some(sha)) = (
            field(&mut parts, "job"),
            field(&mut parts, "shard").and_then(pair),
            field(&mut parts, "chunk").and_then(pair),
            field(&mut parts, "sha256"),
        ) else {
            continue;
        };
        let data = parts.next().unwrap_or("").trim();
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data) else {
            return Err(FrameError::Corrupt(format!(
                "chunk {} is not base64",
                chunk.0
            )));
        };
        let (index, total) = (chunk.0 as usize, chunk.1 as usize);
        if total == 0 || index >= total || total > 1 << 20 {
            continue;
        }
        let pos = match frames.iter().position(|(s, _)| s == sha) {
            Some(p) => p,
            None => {
                frames.push((
                    sha.to_string(),
                    Partial {
                        job: job.to_string(),
                        shard: shard.0 as u32,
                        shards: shard.1 as u32,
                        total,
                        chunks: BTreeMap::new(),
                    },
                ));
                frames.len() - 1
            }
        };
        frames[pos].1.chunks.insert(index, bytes);
    }
    let Some((sha, last)) = frames
        .iter()
        .rev()
        .find(|(_, p)| p.chunks.len() == p.total)
        .or(frames.last())
    else {
        return Err(FrameError::Missing);
    };
    if last.chunks.len() != last.total {
        return Err(FrameError::Incomplete {
            have: last.chunks.len(),
            total: last.total,
        });
    }
    let gz: Vec<u8> = last.chunks.values().flatten().copied().collect();
    if &hex(&Sha256::digest(&gz)) != sha {
        return Err(FrameError::Corrupt("the sha256 does not match".into()));
    }
    let mut json = Vec::new();
    GzDecoder::new(&gz[..])
        .take(limit + 1)
        .read_to_end(&mut json)
        .map_err(|e| FrameError::Corrupt(format!("gzip: {e}")))?;
    if json.len() as u64 > limit {
        return Err(FrameError::Corrupt(format!(
            "more than {} KiB once decompressed",
            limit >> 10
        )));
    }
    Ok(Decoded {
        job: last.job.clone(),
        shard: last.shard,
        shards: last.shards,
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_among_other_log_lines() {
        let json: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{{\"n\":{}}}", i * 7919 % 10007).into_bytes())
            .collect();
        let (lines, chunks, sha) = encode("nightly", 2, 4, &json);
        assert!(chunks > 1, "{chunks}");
        assert_eq!(lines.lines().count(), chunks);
        assert!(lines.lines().all(|l| l.len() < 4200));
        let log = format!("note: scanning 3 containers\n{lines}error: something on stderr\n");
        let d = decode(&log).unwrap();
        assert_eq!((d.job.as_str(), d.shard, d.shards), ("nightly", 2, 4));
        assert_eq!(d.json, json);
        assert_eq!(sha.len(), 64);
    }

    #[test]
    fn missing_chunks_and_tampering_are_reported() {
        let (lines, _, _) = encode("j", 0, 1, &[b'x'; 50_000]);
        assert_eq!(decode("just a log\n"), Err(FrameError::Missing));
        let mut v: Vec<&str> = lines.lines().collect();
        // incompressible bytes (xorshift), so that there are several chunks
        let mut x = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let (lines, total, _) = encode("j", 0, 1, &noise);
        let all: Vec<&str> = lines.lines().collect();
        assert!(total >= 3);
        let without_one: String = all.iter().skip(1).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            decode(&without_one),
            Err(FrameError::Incomplete {
                have: total - 1,
                total
            })
        );
        // flip one base64 character of the only chunk
        let last = v.pop().unwrap();
        let (head, data) = last.rsplit_once(' ').unwrap();
        let mut d: Vec<char> = data.chars().collect();
        d[10] = if d[10] == 'A' { 'B' } else { 'A' };
        let bad = format!("{head} {}\n", d.into_iter().collect::<String>());
        assert!(matches!(decode(&bad), Err(FrameError::Corrupt(_))));
    }

    #[test]
    fn a_gzip_bomb_is_cut_off() {
        let zeros = vec![0u8; 4 << 20];
        let (lines, chunks, _) = encode("j", 0, 1, &zeros);
        assert!(
            lines.len() < 16 << 10,
            "{} bytes in {chunks} chunks",
            lines.len()
        );
        assert!(
            matches!(decode_limited(&lines, 1 << 20), Err(FrameError::Corrupt(m)) if m.contains("KiB"))
        );
        assert_eq!(decode_limited(&lines, 4 << 20).unwrap().json.len(), 4 << 20);
    }
}
