//! The read-only POSIX sh probe: one script gathers every fact of a plan in one round trip.
//!
//! Output framing: every record starts with `\n<boundary> KIND ID...\n` and its body runs to
//! the next record. The boundary is random per scan and never appears on the probe's command
//! line, so file contents and names cannot forge a record. Walk names travel NUL-separated and
//! are consumed by count, so a name with newlines or quotes cannot forge an entry either.

use std::collections::BTreeMap;

use crate::engine::facts::{
    CommandFact, Facts, FileFact, FileWant, ProbePlan, ProcessFact, Stat, Unavailable, WalkEntry,
    WalkFact,
};
use crate::engine::profile::WalkSpec;

/// Quote a string for POSIX sh: a single-quoted literal, nothing inside is special.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A random hex boundary of 32 characters.
pub fn random_boundary() -> String {
    let mut bytes = [0u8; 16];
    // getrandom only fails when the OS has no entropy source at all; fall back to time+pid,
    // which is still unpredictable enough for a per-scan frame marker.
    if getrandom::fill(&mut bytes).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes.copy_from_slice(&(t ^ u128::from(std::process::id()) << 64).to_le_bytes());
    }
    crate::engine::profile::hex(&bytes)
}

/// Where the target's filesystem is, seen from where the probe runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeRoot {
    /// The probe runs inside the target: paths are used as they are.
    Inside,
    /// Every path lives under this directory (a tree on this machine; tests).
    Prefix(String),
    /// The probe runs in a container that shares the target's PID namespace: it finds the
    /// target's process (the lowest PID whose cgroup names the container id, else PID 1) and
    /// reads `/proc/<pid>/root`, resolving symlinks itself so none leaves that root.
    TargetProcess { container_id: Option<String> },
}

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    pub root: ProbeRoot,
    /// Whether `command` resources may run (only inside the target itself).
    pub run_commands: bool,
    pub max_output: u64,
}

/// The generated script and what its record ids mean.
#[derive(Debug, Clone)]
pub struct Probe {
    pub script: String,
    boundary: String,
    prefix: String,
    files: BTreeMap<String, String>,
    globs: BTreeMap<String, String>,
    walks: BTreeMap<String, WalkSpec>,
    commands: BTreeMap<String, String>,
    process: bool,
    /// Commands the plan wanted that this probe cannot run, and why.
    commands_skipped: Option<(String, Vec<String>)>,
    caps: super::exec::OutputCaps,
}

/// Framing and metadata per record, generously (header, stat line, path).
const RECORD_SLACK: u64 = 4096 + 256;
/// At most this many matches per glob are budgeted for (globs expand in the target's shell).
const GLOB_MATCHES: u64 = 4096;
/// Processes budgeted for (`/proc/<pid>/stat` and `status` of each).
const PROCESSES: u64 = 32 * 1024;
/// stdout and stderr never exceed this, whatever the plan.
const OUTPUT_CEILING: u64 = 4 << 30;

/// The most a probe for `plan` can honestly print: each file's content cap, glob matches,
/// walk names and stat lines, processes and command output, plus slack.
fn output_caps(plan: &ProbePlan, opts: &ProbeOptions) -> super::exec::OutputCaps {
    let content = |w: &FileWant| w.content_cap.unwrap_or(0);
    let mut out: u64 = 1 << 20;
    for w in plan.files.values() {
        out = out.saturating_add(content(w) + RECORD_SLACK);
    }
    for w in plan.globs.values() {
        out = out.saturating_add(GLOB_MATCHES.saturating_mul(content(w) + 2 * RECORD_SLACK));
    }
    let mut err: u64 = 1 << 20;
    for spec in &plan.walks {
        let entries = u64::from(spec.max_entries);
        // names (capped by the probe) + one stat line each + a header per batch
        out = out.saturating_add(walk_byte_cap(spec) + entries.saturating_mul(64) + RECORD_SLACK);
        // find's complaints: one line per unreadable directory at most
        err = err.saturating_add(entries.saturating_mul(512));
    }
    if plan.process {
        out = out.saturating_add(PROCESSES.saturating_mul(8 * 1024));
    }
    if opts.run_commands {
        let each = opts.max_output + RECORD_SLACK;
        out = out.saturating_add((plan.commands.len() as u64).saturating_mul(each));
    }
    super::exec::OutputCaps {
        stdout: out.min(OUTPUT_CEILING),
        stderr: err.min(OUTPUT_CEILING),
    }
}

const LIB: &str = r#"
_h() { printf '\n%s %s\n' "$B" "$*"; }
_have() { command -v "$1" >/dev/null 2>&1; }
# Resolve a path under $R like the kernel would under chroot: symlinks never leave $R.
_res() {
  _p=$1 _o= _n=0
  while [ -n "$_p" ]; do
    case $_p in /*) _p=${_p#/}; continue;; esac
    case $_p in */*) _c=${_p%%/*}; _p=${_p#*/};; *) _c=$_p; _p=;; esac
    case $_c in ''|.) continue;; ..) _o=${_o%/*}; continue;; esac
    if [ -L "$R$_o/$_c" ]; then
      _n=$((_n+1)); [ "$_n" -gt 40 ] && return 1
      _t=$(readlink -- "$R$_o/$_c") || return 1
      case $_t in /*) _o=;; esac
      _p=$_t/$_p
    else
      _o=$_o/$_c
    fi
  done
  printf '%s' "${_o:-/}"
}
# Find the target's process from a container sharing its PID namespace; set R to its root.
_target() {
  _cid=$1 _best=
  _self=$(stat -L -c '%d:%i' / 2>/dev/null)
  if [ -n "$_cid" ]; then
    for _d in /proc/[0-9]*; do
      _p=${_d#/proc/}
      [ "$_p" = "$$" ] && continue
      case $(cat "$_d/cgroup" 2>/dev/null) in *"$_cid"*) ;; *) continue;; esac
      if [ -z "$_best" ] || [ "$_p" -lt "$_best" ]; then _best=$_p; fi
    done
  else
    _best=1
  fi
  [ -n "$_best" ] || { _h T 0 none; return 1; }
  if ! _root=$(stat -L -c '%d:%i' "/proc/$_best/root/" 2>&1); then
    _h T "$_best" denied; cat "/proc/$_best/status" 2>/dev/null; return 1
  fi
  [ "$_root" = "$_self" ] && { _h T "$_best" self; return 1; }
  R=/proc/$_best/root
  _h T "$_best" ok
}
_path() { if [ -n "$R" ]; then _res "$1"; else printf '%s' "$1"; fi; }
_f() {
  _p=$(_path "$2") || { _h F "$1" err; printf 'Too many levels of symbolic links'; return; }
  if _s=$(stat -L -c '%f %u %g %s' -- "$R$_p" 2>&1); then
    _h F "$1" ok; printf '%s' "$_s"
    if [ "$3" != - ] && [ -f "$R$_p" ]; then
      if [ -r "$R$_p" ]; then _h C "$1"; head -c "$3" -- "$R$_p" 2>/dev/null; else _h D "$1"; fi
    fi
  else
    _h F "$1" err; printf '%s' "$_s"
  fi
}
_g() {
  _id=$1 _cap=$2; shift 2
  _i=0
  for _m in "$@"; do
    [ -e "$_m" ] || [ -L "$_m" ] || continue
    _h M "$_id" "$_i"; printf '%s' "${_m#"$R"}"
    _f "$_id:$_i" "${_m#"$R"}" "$_cap"
    _i=$((_i+1))
  done
}
_BATCH='printf "S %s\n" "$#"
stat -c "%f %u %g %s" -- "$@" 2>/dev/null || { printf "R\n"; for f do stat -c "%f %u %g %s" -- "$f" 2>/dev/null || printf -- "- - - -\n"; done; }
printf "%s\0" "$@"'
_w() {
  _id=$1 _d=$2 _c=$3; shift 3
  _h W "$_id"
  printf '%s W %s\n' "$B" "$_id" >&2
  for _r do
    _r=$(_path "$_r") || continue
    [ "$_r" = / ] && _r=
    find "$R$_r/" -xdev -maxdepth "$_d" \( -path "$R/proc" -o -path "$R/sys" -o -path "$R/dev" \) -prune -o -print0
  done | head -c "$_c" | xargs -0 -r sh -c "$_BATCH" _
}
_proc() {
  _h P
  _me=$(stat -L -c '%d:%i' "$R/" 2>/dev/null) || return 0
  for _d in /proc/[0-9]*; do
    _pid=${_d#/proc/}
    [ "$_pid" = "$$" ] && continue
    [ "$(stat -L -c '%d:%i' "$_d/root/" 2>/dev/null)" = "$_me" ] || continue
    _h p "$_pid"; cat "$_d/stat" 2>/dev/null
    _h s "$_pid"; cat "$_d/status" 2>/dev/null
  done
}
_x() {
  _o=$(sh -c "$3" 2>&1 </dev/null; printf 'x%s' "$?")
  _rc=${_o##*x}; _o=${_o%x*}
  _h X "$1" "$_rc"; printf '%s' "$_o" | head -c "$2"
}
"#;

fn cap_arg(want: &FileWant) -> String {
    want.content_cap
        .map_or_else(|| "-".to_string(), |c| c.to_string())
}

impl Probe {
    /// Bounds on the probe's stdout and stderr (anything more is not from this probe).
    pub fn output_caps(&self) -> super::exec::OutputCaps {
        self.caps
    }

    pub fn build(plan: &ProbePlan, opts: &ProbeOptions) -> Probe {
        let caps = output_caps(plan, opts);
        let boundary = random_boundary();
        let mut body = String::new();
        let mut files = BTreeMap::new();
        let mut globs = BTreeMap::new();
        let mut walks = BTreeMap::new();
        let mut commands = BTreeMap::new();
        for (i, (path, want)) in plan.files.iter().enumerate() {
            let id = format!("f{i}");
            body.push_str(&format!("_f {id} {} {}\n", quote(path), cap_arg(want)));
            files.insert(id, path.clone());
        }
        for (i, (pattern, want)) in plan.globs.iter().enumerate() {
            let id = format!("g{i}");
            let (dir, last) = pattern.rsplit_once('/').unwrap_or(("", pattern));
            let dir = if dir.is_empty() { "/" } else { dir };
            // The last component holds only [A-Za-z0-9._+@*?-] (checked when the profile
            // loaded), so it is safe unquoted; the directory part is quoted.
            body.push_str(&format!(
                "if _gd=$(_path {}); then _g {id} {} \"$R$_gd\"/{last}; fi\n",
                quote(dir),
                cap_arg(want),
            ));
            globs.insert(id, pattern.clone());
        }
        for (i, spec) in plan.walks.iter().enumerate() {
            let id = format!("w{i}");
            let bytes = walk_byte_cap(spec);
            let paths: Vec<String> = spec.paths.iter().map(|p| quote(p)).collect();
            body.push_str(&format!(
                "_w {id} {} {bytes} {}\n",
                spec.max_depth,
                paths.join(" ")
            ));
            walks.insert(id, spec.clone());
        }
        if plan.process {
            body.push_str("_proc\n");
        }
        let commands_skipped = (!opts.run_commands && !plan.commands.is_empty()).then(|| {
            let why = "commands need a shell inside the target container".to_string();
            (why, plan.commands.iter().cloned().collect())
        });
        if opts.run_commands {
            for (i, cmd) in plan.commands.iter().enumerate() {
                let id = format!("x{i}");
                body.push_str(&format!("_x {id} {} {}\n", opts.max_output, quote(cmd)));
                commands.insert(id, cmd.clone());
            }
        }
        let (prefix, find_target) = match &opts.root {
            ProbeRoot::Inside => (String::new(), String::new()),
            ProbeRoot::Prefix(p) => (p.clone(), String::new()),
            ProbeRoot::TargetProcess { container_id } => {
                let cid = quote(container_id.as_deref().unwrap_or(""));
                (
                    String::new(),
                    format!("_target {cid} || {{ _h END; return 0; }}\n"),
                )
            }
        };
        let script = format!(
            "main() {{\nB={b}\nR={r}\nLC_ALL=C\nexport LC_ALL\nPATH=\"$PATH:/usr/sbin:/usr/bin:/sbin:/bin\"\n{LIB}\n\
             _h V 1 stat=$(_have stat && echo 1) find=$(_have find && echo 1) xargs=$(_have xargs && echo 1) head=$(_have head && echo 1)\n\
             {find_target}{body}_h END\n}}\nmain </dev/null\n",
            b = quote(&boundary),
            r = quote(&prefix),
        );
        Probe {
            script,
            boundary,
            prefix,
            files,
            globs,
            walks,
            commands,
            process: plan.process,
            commands_skipped,
            caps,
        }
    }

    /// Parse the probe's stdout and stderr into facts. The pod resource is filled in by the
    /// caller (it comes from the API, not from inside the container).
    pub fn parse(&self, stdout: &[u8], stderr: &[u8]) -> Result<Facts, ProbeError> {
        let records = split_records(stdout, self.boundary.as_bytes());
        let mut facts = Facts::new(
            Err(Unavailable::skip("the main process was not found")),
            Err(Unavailable::skip("pod spec not available")),
        );
        let mut saw_end = false;
        let mut tools: BTreeMap<String, bool> = BTreeMap::new();
        let mut stats: BTreeMap<String, Result<Stat, String>> = BTreeMap::new();
        let mut contents: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
        let mut matches: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut procs: Vec<(u32, u64, String)> = Vec::new();
        let mut proc_stat: BTreeMap<u32, u64> = BTreeMap::new();
        let unreadable = count_stderr_per_walk(stderr, &self.boundary);
        let mut prefix = self.prefix.clone();
        for (header, body) in records {
            let words: Vec<&str> = header.split(' ').collect();
            match words.as_slice() {
                ["V", _version, rest @ ..] => {
                    for kv in rest {
                        if let Some((k, v)) = kv.split_once('=') {
                            tools.insert(k.to_string(), v == "1");
                        }
                    }
                }
                ["F", id, "ok"] => {
                    stats.insert(
                        id.to_string(),
                        parse_stat_line(&String::from_utf8_lossy(body)),
                    );
                }
                ["F", id, "err"] => {
                    stats.insert(
                        id.to_string(),
                        Err(String::from_utf8_lossy(body).trim().to_string()),
                    );
                }
                ["C", id] => {
                    contents.insert(id.to_string(), Some(body.to_vec()));
                }
                ["D", id] => {
                    contents.insert(id.to_string(), None);
                }
                ["M", id, n] => {
                    let path = String::from_utf8_lossy(body).into_owned();
                    matches
                        .entry(id.to_string())
                        .or_default()
                        .push((format!("{id}:{n}"), path));
                }
                ["W", id] => {
                    let Some(spec) = self.walks.get(*id) else {
                        continue;
                    };
                    let mut walk = parse_walk(body, &prefix, spec);
                    if let Some((count, example)) = unreadable.get(*id) {
                        walk.unreadable = *count;
                        walk.unreadable_example = example.as_ref().map(|e| {
                            if prefix.is_empty() {
                                e.clone()
                            } else {
                                e.replace(&prefix, "")
                            }
                        });
                    }
                    facts.walks.insert(spec.clone(), Ok(walk));
                }
                ["P"] => {}
                ["p", pid] => {
                    if let (Ok(pid), Some(start)) = (pid.parse(), start_time(body)) {
                        proc_stat.insert(pid, start);
                    }
                }
                ["s", pid] => {
                    if let Ok(pid) = pid.parse::<u32>() {
                        let start = proc_stat.get(&pid).copied().unwrap_or(u64::MAX);
                        procs.push((pid, start, String::from_utf8_lossy(body).into_owned()));
                    }
                }
                ["X", id, rc] => {
                    if let Some(cmd) = self.commands.get(*id) {
                        facts.commands.insert(
                            cmd.clone(),
                            Ok(CommandFact {
                                output: body.to_vec(),
                                exit_status: rc.parse().unwrap_or(-1),
                                truncated: false,
                            }),
                        );
                    }
                }
                ["T", pid, verdict] => {
                    let pid: u32 = pid.parse().unwrap_or(0);
                    match *verdict {
                        "ok" => {
                            prefix = format!("/proc/{pid}/root");
                            facts.target_pid = Some(pid);
                        }
                        "denied" => {
                            let status = String::from_utf8_lossy(body);
                            let id = |key: &str| -> Option<u32> {
                                status.lines().find_map(|l| {
                                    l.strip_prefix(key)?.split_whitespace().nth(1)?.parse().ok()
                                })
                            };
                            return Err(ProbeError::TargetDenied {
                                pid,
                                uid: id("Uid:"),
                                gid: id("Gid:"),
                            });
                        }
                        "self" => return Err(ProbeError::NotSharedPid),
                        _ => return Err(ProbeError::TargetNotFound),
                    }
                }
                ["END"] => saw_end = true,
                _ => {}
            }
        }
        if !saw_end {
            let err = String::from_utf8_lossy(stderr);
            let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
            return Err(ProbeError::Incomplete(tail));
        }
        let file_fact = |id: &str, stats: &BTreeMap<String, Result<Stat, String>>| -> FileFact {
            match stats.get(id) {
                None => FileFact::Unreadable("no answer from the probe".into()),
                Some(Err(msg)) => classify_error(msg),
                Some(Ok(stat)) => match contents.get(id) {
                    Some(Some(bytes)) => FileFact::Present {
                        stat: stat.clone(),
                        truncated: (bytes.len() as u64) < stat.size,
                        content: Some(bytes.clone()),
                    },
                    Some(None) => FileFact::Unreadable("permission denied".into()),
                    None => FileFact::Present {
                        stat: stat.clone(),
                        content: None,
                        truncated: false,
                    },
                },
            }
        };
        if tools.get("stat") != Some(&true) {
            facts.files_unavailable =
                Some(Unavailable::skip("the container has no `stat` command"));
        }
        for (id, path) in &self.files {
            facts.files.insert(path.clone(), file_fact(id, &stats));
        }
        for (id, pattern) in &self.globs {
            let mut paths = Vec::new();
            for (sub, path) in matches.get(id).into_iter().flatten() {
                let fact = file_fact(sub, &stats);
                facts.files.entry(path.clone()).or_insert(fact);
                paths.push(path.clone());
            }
            facts.globs.insert(pattern.clone(), Ok(paths));
        }
        for spec in self.walks.values() {
            let missing_tool = ["find", "xargs", "head", "stat"]
                .into_iter()
                .find(|t| tools.get(*t) != Some(&true));
            if let Some(tool) = missing_tool {
                facts.walks.insert(
                    spec.clone(),
                    Err(Unavailable::skip(format!(
                        "the container has no `{tool}` command"
                    ))),
                );
            }
            facts
                .walks
                .entry(spec.clone())
                .or_insert_with(|| Err(Unavailable::error("walk gave no answer")));
        }
        if self.process {
            facts.process = procs
                .into_iter()
                .min_by_key(|(pid, start, _)| (*start, *pid))
                .map(|(pid, _, status)| ProcessFact { pid, status })
                .ok_or_else(|| Unavailable::skip("the main process is not visible from the probe"));
        }
        for cmd in self.commands.values() {
            facts
                .commands
                .entry(cmd.clone())
                .or_insert_with(|| Err(Unavailable::error("command gave no answer")));
        }
        if let Some((why, cmds)) = &self.commands_skipped {
            for cmd in cmds {
                facts
                    .commands
                    .insert(cmd.clone(), Err(Unavailable::skip(why.clone())));
            }
        }
        Ok(facts)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("the probe stopped before it finished (stderr: {0})")]
    Incomplete(String),
    /// `/proc/<pid>/root` of the target could not be opened; its uid/gid from `/proc/<pid>/status`.
    #[error("permission denied on /proc/{pid}/root of the target (it runs as uid {})", .uid.map_or("?".to_string(), |u| u.to_string()))]
    TargetDenied {
        pid: u32,
        uid: Option<u32>,
        gid: Option<u32>,
    },
    #[error("the debug container does not share the target's PID namespace (the runtime ignored targetContainerName)")]
    NotSharedPid,
    #[error("the target's process was not found from the debug container: the container exited, or the runtime does not share its PID namespace")]
    TargetNotFound,
}

fn classify_error(msg: &str) -> FileFact {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("too many levels of symbolic links") {
        FileFact::Unreadable(super::local::LOOP_MESSAGE.into())
    } else if lower.contains("no such file") || lower.contains("not a directory") {
        FileFact::Missing
    } else if lower.contains("permission denied") {
        FileFact::Unreadable("permission denied".into())
    } else {
        let m = msg.rsplit(": ").next().unwrap_or(msg).trim();
        FileFact::Unreadable(m.chars().take(200).collect())
    }
}

/// `%f %u %g %s`: raw mode in hex, uid, gid, size.
fn parse_stat_line(line: &str) -> Result<Stat, String> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let bad = || format!("unexpected stat output {line:?}");
    if parts.len() != 4 {
        return Err(bad());
    }
    let mode = u32::from_str_radix(parts[0], 16).map_err(|_| bad())?;
    let uid = parts[1].parse().map_err(|_| bad())?;
    let gid = parts[2].parse().map_err(|_| bad())?;
    let size = parts[3].parse().map_err(|_| bad())?;
    Ok(Stat::from_raw(mode, uid, gid, size))
}

/// Field 22 of /proc/<pid>/stat (start time), counted after the `)` that ends the name.
fn start_time(stat: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(stat);
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

fn split_records<'a>(out: &'a [u8], boundary: &[u8]) -> Vec<(String, &'a [u8])> {
    let mut marker = Vec::with_capacity(boundary.len() + 2);
    marker.push(b'\n');
    marker.extend_from_slice(boundary);
    marker.push(b' ');
    let starts: Vec<usize> = find_all(out, &marker);
    let mut records = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(out.len());
        let rec = &out[s + marker.len()..end];
        let nl = rec.iter().position(|b| *b == b'\n').unwrap_or(rec.len());
        let header = String::from_utf8_lossy(&rec[..nl]).into_owned();
        let body = rec.get(nl + 1..).unwrap_or(&[]);
        records.push((header, body));
    }
    records
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        match hay[i..].windows(needle.len()).position(|w| w == needle) {
            Some(p) => {
                out.push(i + p);
                i += p + needle.len();
            }
            None => break,
        }
    }
    out
}

/// Per walk: how many error lines `find` wrote, and the first of them.
fn count_stderr_per_walk(stderr: &[u8], boundary: &str) -> BTreeMap<String, (u32, Option<String>)> {
    let mut counts: BTreeMap<String, (u32, Option<String>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    let prefix = format!("{boundary} W ");
    for line in String::from_utf8_lossy(stderr).lines() {
        if let Some(id) = line.strip_prefix(&prefix) {
            current = Some(id.trim().to_string());
            counts.entry(id.trim().to_string()).or_default();
        } else if let (Some(id), false) = (&current, line.trim().is_empty()) {
            let entry = counts.entry(id.clone()).or_default();
            entry.0 += 1;
            let shown: String = line.chars().take(160).collect();
            entry.1.get_or_insert(shown);
        }
    }
    counts
}

/// Batches of `S n`, n stat lines (after an optional `R` restart), then n NUL-ended names.
fn parse_walk(body: &[u8], prefix: &str, spec: &WalkSpec) -> WalkFact {
    let mut walk = WalkFact::default();
    let mut pos = 0;
    let mut name_bytes: u64 = 0;
    let line_at = |pos: usize| -> Option<(&[u8], usize)> {
        let rest = body.get(pos..)?;
        let nl = rest.iter().position(|b| *b == b'\n')?;
        Some((&rest[..nl], pos + nl + 1))
    };
    while let Some((line, next)) = line_at(pos) {
        let Some(n) = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.strip_prefix("S "))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            break;
        };
        pos = next;
        let mut stat_lines: Vec<Option<Stat>> = Vec::with_capacity(n);
        while stat_lines.len() < n {
            let Some((line, next)) = line_at(pos) else {
                break;
            };
            pos = next;
            if line == b"R" {
                stat_lines.clear();
                continue;
            }
            stat_lines.push(parse_stat_line(&String::from_utf8_lossy(line)).ok());
        }
        for stat in stat_lines {
            let rest = &body[pos.min(body.len())..];
            let Some(end) = rest.iter().position(|b| *b == 0) else {
                break;
            };
            let raw = &rest[..end];
            pos += end + 1;
            name_bytes += raw.len() as u64 + 1;
            let Some(stat) = stat else { continue };
            let full = String::from_utf8_lossy(raw);
            let path = full.strip_prefix(prefix).unwrap_or(&full);
            let path = path.trim_end_matches('/');
            let path = if path.is_empty() {
                "/".to_string()
            } else {
                normalize(path)
            };
            if walk.entries.len() >= spec.max_entries as usize {
                walk.truncated = true;
                continue;
            }
            walk.entries.push(WalkEntry { path, stat });
        }
    }
    if name_bytes + 4096 >= walk_byte_cap(spec) {
        walk.truncated = true;
    }
    walk.entries.sort_by(|a, b| a.path.cmp(&b.path));
    walk
}

/// How many bytes of NUL-separated names a walk may send: bounded by its entry limit.
fn walk_byte_cap(spec: &WalkSpec) -> u64 {
    u64::from(spec.max_entries)
        .saturating_mul(512)
        .min(256 << 20)
}

/// `find /` prints `//etc` on some implementations; collapse repeated slashes.
fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_caps_follow_the_plan_and_stay_bounded() {
        let opts = ProbeOptions {
            root: ProbeRoot::Inside,
            run_commands: true,
            max_output: 1 << 20,
        };
        let mut plan = ProbePlan::default();
        let empty = output_caps(&plan, &opts);
        plan.files.insert(
            "/etc/passwd".into(),
            FileWant {
                content_cap: Some(4 << 20),
            },
        );
        let one = output_caps(&plan, &opts);
        assert!(
            one.stdout >= empty.stdout + (4 << 20),
            "{one:?} vs {empty:?}"
        );
        plan.walks.insert(WalkSpec {
            paths: vec!["/".into()],
            max_depth: 64,
            max_entries: u32::MAX,
        });
        let huge = output_caps(&plan, &opts);
        assert_eq!(huge.stdout, OUTPUT_CEILING);
        assert!(huge.stderr <= OUTPUT_CEILING);
    }

    #[test]
    fn quoting_neutralises_shell() {
        assert_eq!(quote("/etc/passwd"), "'/etc/passwd'");
        assert_eq!(quote("a'b"), r"'a'\''b'");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }

    #[test]
    fn records_split_on_the_boundary_only() {
        let b = "abc123";
        let out = b"\nabc123 V 1 stat=1\n\nabc123 C f0\nline\nabc12 fake\n\nabc123 END\n";
        let recs = split_records(out, b.as_bytes());
        let headers: Vec<&str> = recs.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(headers, ["V 1 stat=1", "C f0", "END"]);
        assert_eq!(recs[1].1, b"line\nabc12 fake\n");
    }

    #[test]
    fn walk_batches_with_restart_and_hostile_names() {
        let spec = WalkSpec {
            paths: vec!["/".into()],
            max_depth: 10,
            max_entries: 100,
        };
        let body = b"S 3\n41ed 0 0 4096\nR\n41ed 0 0 4096\n81a4 0 0 5\n- - - -\n/root\0/root/a\nS 9\n81a4 0 0 1\0/gone\0S 1\n81ed 1 1 2\n/x\0";
        let w = parse_walk(body, "/root", &spec);
        let paths: Vec<&str> = w.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/", "/a\nS 9\n81a4 0 0 1", "/x"]);
        assert_eq!(w.entries[2].stat.mode, 0o755);
        assert_eq!(w.entries[2].stat.uid, 1);
    }

    #[test]
    fn start_time_skips_hostile_process_names() {
        let stat =
            b"42 (evil) 1 2 3) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 12345 1000 100";
        assert_eq!(start_time(stat), Some(12345));
    }
}
