//! The read-only POSIX sh probe: one script gathers every fact of a plan in one round trip.
//!
//! Output framing: every record starts with `\n<boundary> KIND ID...\n` and its body runs to
//! the next record. The boundary is random per scan and never appears on the probe's command
//! line, so file contents and names cannot forge a record. Walk names travel NUL-separated and
//! are consumed by count, so a name with newlines or quotes cannot forge an entry either.

use std::collections::BTreeMap;

use std::borrow::Cow;

use memchr::memmem;

use crate::engine::facts::{
    CommandFact, Facts, FileFact, FileWant, ProbePlan, ProcessFact, Stat, Unavailable, WalkFact,
};
use crate::engine::profile::WalkSpec;
use crate::engine::walk::{Selector, WalkCollector};

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
    files: BTreeMap<String, (String, FileWant)>,
    globs: BTreeMap<String, (String, FileWant)>,
    walks: BTreeMap<String, (WalkSpec, Vec<Selector>)>,
    max_output: u64,
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
    for spec in plan.walks.keys() {
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
# The result is in $_P (no subshell: the probe forks as little as it can).
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
  _P=${_o:-/}
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
    _drop "$_best" && return 2
    _h T "$_best" denied; cat "/proc/$_best/status" 2>/dev/null; return 1
  fi
  [ "$_root" = "$_self" ] && { _h T "$_best" self; return 1; }
  R=/proc/$_best/root
  _h T "$_best" ok
  [ -n "${_CS_U:-}" ] && _h U "${_CS_U%:*}" "${_CS_U#*:}"
  return 0
}
# Root in a debugger that may not read the target's root: the kernel lets the same uid in.
# Run this probe again as the target's uid and gid, with no groups and no capabilities,
# once ($_S holds the probe; the copy runs with _CS_U set and never drops again).
_drop() {
  [ -n "${_S:-}" ] && [ -z "${_CS_U:-}" ] || return 1
  [ "$(id -u 2>/dev/null)" = 0 ] || return 1
  _u= _g=
  while read -r _k _a _b _rest; do
    case $_k in Uid:) _u=$_b;; Gid:) _g=$_b;; esac
  done <"/proc/$1/status"
  case $_u$_g in ''|*[!0-9]*) return 1;; esac
  [ -n "$_u" ] && [ -n "$_g" ] && [ "$_u" != 0 ] || return 1
  if setpriv --reuid="$_u" --regid="$_g" --clear-groups true 2>/dev/null; then
    set -- setpriv --reuid="$_u" --regid="$_g" --clear-groups
  elif nsenter -S "$_u" -G "$_g" true 2>/dev/null; then
    set -- nsenter -S "$_u" -G "$_g"
  else
    return 1
  fi
  printf '%s' "$_S" | _CS_U=$_u:$_g "$@" sh -s
  return 0
}
_path() { if [ -n "$R" ]; then _res "$1" && printf '%s' "$_P"; else printf '%s' "$1"; fi; }
_f() {
  if [ -n "$R" ]; then
    _res "$2" || { _h F "$1" err; printf 'Too many levels of symbolic links'; return; }
    _q=$R$_P
  else
    _q=$2
  fi
  # Missing, told by builtins alone: nothing there, in a directory we may search (so the
  # answer is "no such file", not "permission denied"). Anything else asks stat.
  if [ ! -e "$_q" ] && [ ! -L "$_q" ] && [ -d "${_q%/*}/" ] && [ -x "${_q%/*}/" ]; then
    _h F "$1" err; printf 'No such file or directory'; return
  fi
  if _s=$(stat -L -c '%f %u %g %s' -- "$_q" 2>&1); then
    _h F "$1" ok; printf '%s' "$_s"
    if [ "$3" != - ] && [ -f "$_q" ]; then
      if [ -r "$_q" ]; then _h C "$1"; head -c "$3" -- "$_q" 2>/dev/null; else _h D "$1"; fi
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
            files.insert(id, (path.clone(), *want));
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
            globs.insert(id, (pattern.clone(), *want));
        }
        for (i, (spec, selectors)) in plan.walks.iter().enumerate() {
            let id = format!("w{i}");
            let bytes = walk_byte_cap(spec);
            let paths: Vec<String> = spec.paths.iter().map(|p| quote(p)).collect();
            body.push_str(&format!(
                "_w {id} {} {bytes} {}\n",
                spec.max_depth,
                paths.join(" ")
            ));
            walks.insert(id, (spec.clone(), selectors.clone()));
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
                    // 2: a copy of the probe ran as the target's uid and said END.
                    format!("_target {cid} || {{ [ $? = 2 ] || _h END; return 0; }}\n"),
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
        // From a debug container the probe holds its own text, to run it again as the
        // target's uid when the kernel denies root its root (see `_drop`).
        let script = match &opts.root {
            ProbeRoot::TargetProcess { .. } => format!("_S={}\neval \"$_S\"\n", quote(&script)),
            _ => script,
        };
        Probe {
            script,
            boundary,
            prefix,
            files,
            globs,
            walks,
            commands,
            max_output: opts.max_output,
            process: plan.process,
            commands_skipped,
            caps,
        }
    }

    /// Parse the probe's stdout and stderr into facts. The pod resource is filled in by the
    /// caller (it comes from the API, not from inside the container).
    ///
    /// The output comes from the target's own shell, so it is hostile: records for ids this
    /// probe did not ask for are ignored, and no count or length it prints sizes an allocation
    /// before it is checked against a cap ([`ProbeError::OverCap`]).
    pub fn parse(&self, stdout: &[u8], stderr: &[u8]) -> Result<Facts, ProbeError> {
        let mut stream = self.stream();
        stream.feed(stdout)?;
        stream.finish(stderr)
    }

    /// A parser for the probe's stdout as it arrives (see [`ProbeStream`]).
    pub fn stream(&self) -> ProbeStream<'_> {
        ProbeStream {
            probe: self,
            marker: record_marker(self.boundary.as_bytes()),
            buf: Vec::new(),
            searched: 0,
            kept: Vec::new(),
            walk: None,
            walks: Vec::new(),
            prefix: self.prefix.clone(),
        }
    }

    /// The records other than walks, with the walks the stream parsed under `prefix` (the
    /// target's root its `T` record named).
    fn parse_records(
        &self,
        stdout: &[u8],
        stderr: &[u8],
        walks: Vec<(&str, WalkFact)>,
        prefix: &str,
    ) -> Result<Facts, ProbeError> {
        let mut facts = Facts::new(
            Err(Unavailable::skip("the main process was not found")),
            Err(Unavailable::skip("pod spec not available")),
        );
        let mut saw_end = false;
        let mut tools: BTreeMap<&str, bool> = BTreeMap::new();
        let mut stats: BTreeMap<&str, Result<Stat, String>> = BTreeMap::new();
        let mut contents: BTreeMap<&str, Option<&[u8]>> = BTreeMap::new();
        let mut matches: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        let mut procs: Vec<(u32, u64, String)> = Vec::new();
        let mut proc_stat: BTreeMap<u32, u64> = BTreeMap::new();
        let unreadable = self.count_stderr_per_walk(stderr);
        let over = |what: String, cap: u64| ProbeError::OverCap { what, cap };
        for (header, body) in Records::new(stdout, self.boundary.as_bytes()) {
            let Ok(header) = std::str::from_utf8(header) else {
                continue;
            };
            let mut words = header.split(' ');
            let kind = words.next().unwrap_or_default();
            let (a, b, more) = (words.next(), words.next(), words.next().is_some());
            match (kind, a, b, more) {
                ("V", Some(_), ..) => {
                    for kv in header.split(' ').skip(2) {
                        if let Some((k, v)) = kv.split_once('=') {
                            if let Some(known) = TOOLS.iter().find(|t| **t == k) {
                                tools.insert(known, v == "1");
                            }
                        }
                    }
                }
                ("F", Some(id), Some(verdict), false) => {
                    let Some(id) = self.file_id(id) else { continue };
                    let text = String::from_utf8_lossy(head(body, MAX_MESSAGE));
                    let stat = match verdict {
                        "ok" => parse_stat_line(&text),
                        _ => Err(text.trim().to_string()),
                    };
                    stats.insert(id, stat);
                }
                ("C", Some(id), None, _) => {
                    let Some(id) = self.file_id(id) else { continue };
                    let cap = self.content_cap(id);
                    if body.len() as u64 > cap {
                        return Err(over(
                            format!(
                                "the content of {} is {} bytes",
                                self.file_name(id),
                                body.len()
                            ),
                            cap,
                        ));
                    }
                    contents.insert(id, Some(body));
                }
                ("D", Some(id), None, _) => {
                    let Some(id) = self.file_id(id) else { continue };
                    contents.insert(id, None);
                }
                ("M", Some(id), Some(i), false) => {
                    let Some((id, _)) = self.globs.get_key_value(id) else {
                        continue;
                    };
                    let list = matches.entry(id.as_str()).or_default();
                    if list.len() >= MAX_GLOB_MATCHES {
                        return Err(over(
                            format!("more matches of {}", self.globs[id].0),
                            MAX_GLOB_MATCHES as u64,
                        ));
                    }
                    let sub = format!("{id}:{i}");
                    if self.file_id(&sub).is_none() {
                        continue;
                    }
                    if body.len() > MAX_NAME {
                        return Err(over(
                            format!(
                                "a match of {} is {} bytes long",
                                self.globs[id].0,
                                body.len()
                            ),
                            MAX_NAME as u64,
                        ));
                    }
                    list.push((sub, String::from_utf8_lossy(body).into_owned()));
                }
                ("P", None, ..) => {}
                ("p", Some(pid), None, _) => {
                    if proc_stat.len() >= MAX_PROCESSES {
                        return Err(over("more processes".into(), MAX_PROCESSES as u64));
                    }
                    if let (Ok(pid), Some(start)) = (pid.parse(), start_time(head(body, 4096))) {
                        proc_stat.insert(pid, start);
                    }
                }
                ("s", Some(pid), None, _) => {
                    if procs.len() >= MAX_PROCESSES {
                        return Err(over("more processes".into(), MAX_PROCESSES as u64));
                    }
                    if body.len() > MAX_STATUS {
                        return Err(over(
                            format!("/proc/{pid}/status is {} bytes", body.len()),
                            MAX_STATUS as u64,
                        ));
                    }
                    if let Ok(pid) = pid.parse::<u32>() {
                        let start = proc_stat.get(&pid).copied().unwrap_or(u64::MAX);
                        procs.push((pid, start, String::from_utf8_lossy(body).into_owned()));
                    }
                }
                ("X", Some(id), Some(rc), false) => {
                    if let Some(cmd) = self.commands.get(id) {
                        if body.len() as u64 > self.max_output {
                            return Err(over(
                                format!("the output of `{cmd}` is {} bytes", body.len()),
                                self.max_output,
                            ));
                        }
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
                ("T", Some(pid), Some(verdict), false) => {
                    let pid: u32 = pid.parse().unwrap_or(0);
                    match verdict {
                        "ok" => facts.target_pid = Some(pid),
                        "denied" => {
                            let status = String::from_utf8_lossy(head(body, MAX_STATUS));
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
                ("U", Some(uid), Some(gid), false) => {
                    if let (Ok(uid), Ok(gid)) = (uid.parse(), gid.parse()) {
                        facts.read_as = Some((uid, gid));
                    }
                }
                ("END", None, ..) => saw_end = true,
                _ => {}
            }
        }
        for (id, mut walk) in walks {
            let Some((spec, _)) = self.walks.get(id) else {
                continue;
            };
            if let Some((count, example)) = unreadable.get(id) {
                walk.unreadable = *count;
                walk.unreadable_example = example.as_ref().map(|e| {
                    if prefix.is_empty() {
                        e.clone()
                    } else {
                        e.replace(prefix, "")
                    }
                });
            }
            facts.walks.insert(spec.clone(), Ok(walk));
        }
        if !saw_end {
            let err = String::from_utf8_lossy(tail(stderr, 4096));
            let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
            return Err(ProbeError::Incomplete(tail));
        }
        let file_fact = |id: &str| -> FileFact {
            match stats.get(id) {
                None => FileFact::Unreadable("no answer from the probe".into()),
                Some(Err(msg)) => classify_error(msg),
                Some(Ok(stat)) => match contents.get(id) {
                    Some(Some(bytes)) => FileFact::Present {
                        stat: stat.clone(),
                        truncated: (bytes.len() as u64) < stat.size,
                        content: Some(bytes.to_vec()),
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
        for (id, (path, _)) in &self.files {
            facts.files.insert(path.clone(), file_fact(id));
        }
        for (id, (pattern, _)) in &self.globs {
            let mut paths = Vec::new();
            for (sub, path) in matches.remove(id.as_str()).into_iter().flatten() {
                if !facts.files.contains_key(&path) {
                    facts.files.insert(path.clone(), file_fact(&sub));
                }
                paths.push(path);
            }
            facts.globs.insert(pattern.clone(), Ok(paths));
        }
        for (spec, _) in self.walks.values() {
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

    /// The id when this probe issued it: a file (`f3`) or a glob match (`g0:12`), else `None`.
    fn file_id<'h>(&self, id: &'h str) -> Option<&'h str> {
        if self.files.contains_key(id) {
            return Some(id);
        }
        let (glob, index) = id.split_once(':')?;
        let index: usize = index.parse().ok()?;
        (self.globs.contains_key(glob) && index < MAX_GLOB_MATCHES).then_some(id)
    }

    fn content_cap(&self, id: &str) -> u64 {
        let want = match id.split_once(':') {
            Some((glob, _)) => self.globs.get(glob).map(|g| g.1),
            None => self.files.get(id).map(|f| f.1),
        };
        want.and_then(|w| w.content_cap).unwrap_or(0)
    }

    fn file_name(&self, id: &str) -> String {
        match id.split_once(':') {
            Some((glob, i)) => self
                .globs
                .get(glob)
                .map_or_else(|| id.to_string(), |g| format!("match {i} of {}", g.0)),
            None => self
                .files
                .get(id)
                .map_or_else(|| id.to_string(), |f| f.0.clone()),
        }
    }

    /// Per walk: how many error lines `find` wrote, and the first of them.
    fn count_stderr_per_walk(&self, stderr: &[u8]) -> BTreeMap<&str, (u32, Option<String>)> {
        let mut counts: BTreeMap<&str, (u32, Option<String>)> = BTreeMap::new();
        let mut current: Option<&str> = None;
        let marker = format!("{} W ", self.boundary);
        for line in stderr.split(|b| *b == b'\n') {
            if let Some(id) = line.strip_prefix(marker.as_bytes()) {
                let id = std::str::from_utf8(id).unwrap_or_default().trim();
                current = self.walks.get_key_value(id).map(|(k, _)| k.as_str());
                if let Some(id) = current {
                    counts.entry(id).or_default();
                }
            } else if let (Some(id), false) = (current, line.trim_ascii().is_empty()) {
                let entry = counts.entry(id).or_default();
                entry.0 = entry.0.saturating_add(1);
                if entry.1.is_none() {
                    let shown: String = String::from_utf8_lossy(head(line, 640))
                        .chars()
                        .take(160)
                        .collect();
                    entry.1 = Some(shown);
                }
            }
        }
        counts
    }
}

/// The probe's stdout, parsed as it arrives: each walk record is handed to its selectors
/// batch by batch and dropped, so a walk of millions of entries costs one batch of memory;
/// the other records (each small and capped) are kept for the end.
pub struct ProbeStream<'p> {
    probe: &'p Probe,
    /// See [`record_marker`].
    marker: memmem::Finder<'static>,
    /// Bytes not yet handled: the start of a record, or the rest of a walk's body.
    buf: Vec<u8>,
    /// How much of `buf` is known to hold no marker start.
    searched: usize,
    /// The records other than walks, each with its marker.
    kept: Vec<u8>,
    /// The walk whose body is arriving.
    walk: Option<WalkParser<'p>>,
    walks: Vec<(&'p str, WalkFact)>,
    /// Where the target's root is, once its `T` record said.
    prefix: String,
}

impl<'p> ProbeStream<'p> {
    /// The next marker in `buf`, searching only what was not searched before.
    fn next_marker(&mut self, from: usize) -> Option<usize> {
        let start = self.searched.max(from);
        match self.marker.find(&self.buf[start..]) {
            Some(i) => Some(start + i),
            None => {
                self.searched = self
                    .buf
                    .len()
                    .saturating_sub(self.marker.needle().len() - 1)
                    .max(from);
                None
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.buf.drain(..n);
        self.searched = self.searched.saturating_sub(n);
    }

    /// Take the next piece of stdout.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ProbeError> {
        self.buf.extend_from_slice(chunk);
        self.advance(false)
    }

    fn advance(&mut self, last: bool) -> Result<(), ProbeError> {
        loop {
            if self.walk.is_some() {
                let end = self.next_marker(0);
                let done = end.is_some() || last;
                // Without a marker yet, the last bytes may be the start of one: not walk bytes.
                let body = match end {
                    Some(e) => e,
                    None if last => self.buf.len(),
                    None => self
                        .buf
                        .len()
                        .saturating_sub(self.marker.needle().len() - 1),
                };
                let walk = self.walk.as_mut().expect("a walk is being read");
                let walk_id = walk.id;
                let used = walk.feed(&self.buf[..body], &self.prefix, done)?;
                if done {
                    let walk = self.walk.take().expect("a walk is being read");
                    self.walks.push((walk_id, walk.finish()));
                    self.consume(body);
                    if end.is_none() {
                        return Ok(());
                    }
                    continue;
                }
                if used > 0 {
                    self.consume(used);
                }
                return Ok(());
            }
            // Outside a walk `buf` starts at a marker, except before the first record: bytes
            // before it are not a record.
            let head_start = self.marker.needle().len();
            if !self.buf.starts_with(self.marker.needle()) {
                match self.next_marker(0) {
                    Some(at) => self.consume(at),
                    None => {
                        let n = self.buf.len().saturating_sub(head_start);
                        self.consume(n);
                        return Ok(());
                    }
                }
                continue;
            }
            let Some(nl) = memchr::memchr(b'\n', &self.buf[head_start..]) else {
                if self.buf.len() - head_start > MAX_NAME || last {
                    // A header line longer than any the probe prints: it and the rest are
                    // kept for the record parser, which ignores what it does not know.
                    self.kept.append(&mut self.buf);
                    self.searched = 0;
                }
                return Ok(());
            };
            let header = &self.buf[head_start..head_start + nl];
            let mut words = header.split(|b| *b == b' ');
            let kind = words.next().unwrap_or_default();
            let id = words.next().and_then(|w| std::str::from_utf8(w).ok());
            let walk = match (kind, id, words.next()) {
                (b"W", Some(id), None) => self.probe.walks.get_key_value(id),
                _ => None,
            };
            if let Some((id, (spec, selectors))) = walk {
                self.walk = Some(WalkParser::new(id, spec, selectors));
                self.consume(head_start + nl + 1);
                continue;
            }
            if let Some(pid) = std::str::from_utf8(header).ok().and_then(target_ok) {
                self.prefix = format!("/proc/{pid}/root");
            }
            let end = match self.next_marker(1) {
                Some(e) => e,
                None if last => self.buf.len(),
                None => return Ok(()),
            };
            self.kept.extend_from_slice(&self.buf[..end]);
            self.consume(end);
            if self.buf.is_empty() {
                return Ok(());
            }
        }
    }

    /// The end of stdout: parse what was kept, with the walks, and stderr.
    pub fn finish(mut self, stderr: &[u8]) -> Result<Facts, ProbeError> {
        self.advance(true)?;
        let kept = std::mem::take(&mut self.kept);
        let walks = std::mem::take(&mut self.walks);
        self.probe.parse_records(&kept, stderr, walks, &self.prefix)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("the probe stopped before it finished (stderr: {0})")]
    Incomplete(String),
    /// The output claims more than the probe ever sends: the container's shell is not
    /// trustworthy, so nothing it printed is used.
    #[error("the probe's output is over a limit: {what} (the limit is {cap}); the container's shell printed more than the probe asks for, so none of its output is used")]
    OverCap { what: String, cap: u64 },
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
    parse_stat(line.as_bytes()).ok_or_else(|| format!("unexpected stat output {line:?}"))
}

fn parse_stat(line: &[u8]) -> Option<Stat> {
    let mut parts = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    let mut next = || std::str::from_utf8(parts.next()?).ok();
    let mode = u32::from_str_radix(next()?, 16).ok()?;
    let uid = next()?.parse().ok()?;
    let gid = next()?.parse().ok()?;
    let size = next()?.parse().ok()?;
    next()
        .is_none()
        .then(|| Stat::from_raw(mode, uid, gid, size))
}

/// Field 22 of /proc/<pid>/stat (start time), counted after the `)` that ends the name.
fn start_time(stat: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(stat);
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// The tools the probe reports in its `V` record; no other key is kept.
const TOOLS: [&str; 4] = ["stat", "find", "xargs", "head"];

/// Caps on what the output may claim. The real probe stays far below each: `xargs` passes at
/// most its command buffer (128 KiB in GNU and busybox) per batch, so a batch never holds more
/// than 64 Ki names; file content is cut by `head -c` at the plan's cap.
pub const MAX_BATCH: u64 = 1 << 17;
/// One walk batch in bytes: its names fill at most one `xargs` command buffer (128 KiB), and
/// its stat lines are short; a batch this long is not the probe's.
pub const MAX_BATCH_BYTES: usize = 16 << 20;
/// Matches kept per `files` pattern.
pub const MAX_GLOB_MATCHES: usize = 10_000;
/// Processes visible from the probe.
pub const MAX_PROCESSES: usize = 16_384;
/// One `/proc/<pid>/status`.
pub const MAX_STATUS: usize = 64 << 10;
/// One path name (Linux's PATH_MAX is 4 KiB; `find` can print longer ones in deep trees).
pub const MAX_NAME: usize = 64 << 10;
/// How much of an error message is read.
const MAX_MESSAGE: usize = 4096;

fn head(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[..bytes.len().min(n)]
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

/// The records of the output, lazily: `(header, body)` for each `\n<boundary> ` marker, the
/// body running to the next marker. Nothing is allocated per record.
/// `\n<boundary> `, which starts every record.
fn record_marker(boundary: &[u8]) -> memmem::Finder<'static> {
    let mut marker = Vec::with_capacity(boundary.len() + 2);
    marker.push(b'\n');
    marker.extend_from_slice(boundary);
    marker.push(b' ');
    memmem::Finder::new(&marker).into_owned()
}

/// The pid of a `T PID ok` header: the target's root was readable there. A pid that is not
/// a number reads as 0.
fn target_ok(header: &str) -> Option<u32> {
    match header.split(' ').collect::<Vec<_>>()[..] {
        ["T", pid, "ok"] => Some(pid.parse().unwrap_or(0)),
        _ => None,
    }
}

struct Records<'a> {
    out: &'a [u8],
    finder: memmem::Finder<'static>,
    at: Option<usize>,
}

impl<'a> Records<'a> {
    fn new(out: &'a [u8], boundary: &[u8]) -> Records<'a> {
        let finder = record_marker(boundary);
        let at = finder.find(out);
        Records { out, finder, at }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.at? + self.finder.needle().len();
        let rest = &self.out[start..];
        let end = self.finder.find(rest);
        self.at = end.map(|e| start + e);
        let rec = &rest[..end.unwrap_or(rest.len())];
        let nl = memchr::memchr(b'\n', rec).unwrap_or(rec.len());
        Some((&rec[..nl], rec.get(nl + 1..).unwrap_or(&[])))
    }
}

/// One walk's record, parsed as it arrives: batches of `S n`, n stat lines (after an optional
/// `R` restart), then n NUL-ended names, handed to the walk's selectors one entry at a time.
/// No entry is stored unless it matches, and no batch is kept once parsed.
struct WalkParser<'a> {
    id: &'a str,
    spec: &'a WalkSpec,
    out: WalkCollector<'a>,
    name_bytes: u64,
    /// Bytes that did not form a batch, or were left after the entry bound: the walk was cut.
    cut: bool,
}

/// What one look at a walk's bytes found.
enum Batch {
    /// A whole batch, this many bytes long, was handed to the selectors.
    Parsed(usize),
    /// The bytes end inside a batch.
    Partial,
}

impl<'a> WalkParser<'a> {
    fn new(id: &'a str, spec: &'a WalkSpec, selectors: &'a [Selector]) -> WalkParser<'a> {
        WalkParser {
            id,
            spec,
            out: WalkCollector::new(spec, selectors),
            name_bytes: 0,
            cut: false,
        }
    }

    /// Parse the whole batches at the start of `body`, and return how many bytes they took;
    /// with `last`, `body` is the rest of the record and whatever is left over cuts the walk.
    fn feed(&mut self, body: &[u8], prefix: &str, last: bool) -> Result<usize, ProbeError> {
        if self.cut {
            return Ok(body.len());
        }
        let mut pos = 0;
        while pos < body.len() {
            if !self.out.wants_more() {
                // Past the entry bound: the rest is not read, and the walk is cut.
                self.cut = true;
                return Ok(body.len());
            }
            match self.batch(&body[pos..], prefix)? {
                Batch::Parsed(n) => pos += n,
                Batch::Partial => {
                    if last {
                        self.cut = true;
                        return Ok(body.len());
                    }
                    if body.len() - pos > MAX_BATCH_BYTES {
                        return Err(ProbeError::OverCap {
                            what: format!(
                                "walk {} sent a batch of more than {MAX_BATCH_BYTES} bytes",
                                self.id
                            ),
                            cap: MAX_BATCH_BYTES as u64,
                        });
                    }
                    break;
                }
            }
        }
        Ok(pos)
    }

    fn batch(&mut self, body: &[u8], prefix: &str) -> Result<Batch, ProbeError> {
        let line_at = |pos: usize| -> Option<(&[u8], usize)> {
            let rest = body.get(pos..)?;
            let nl = memchr::memchr(b'\n', rest)?;
            Some((&rest[..nl], pos + nl + 1))
        };
        let Some((line, next)) = line_at(0) else {
            return Ok(Batch::Partial);
        };
        let Some(n) = line
            .strip_prefix(b"S ")
            .and_then(|n| std::str::from_utf8(n).ok())
            .map(|n| n.parse::<u64>().ok().unwrap_or(u64::MAX))
        else {
            // Not a batch: nothing more of this walk can be read.
            self.cut = true;
            return Ok(Batch::Parsed(body.len()));
        };
        if n > MAX_BATCH {
            let shown = if n == u64::MAX {
                "more than 2^64".to_string()
            } else {
                n.to_string()
            };
            return Err(ProbeError::OverCap {
                what: format!("walk {} sent a batch of {shown} entries", self.id),
                cap: MAX_BATCH,
            });
        }
        let mut pos = next;
        // The stat lines that count are those after the last restart; the names follow them.
        let mut stats_at = pos;
        let mut seen = 0;
        while seen < n {
            let Some((line, next)) = line_at(pos) else {
                return Ok(Batch::Partial);
            };
            pos = next;
            if line == b"R" {
                stats_at = pos;
                seen = 0;
            } else {
                seen += 1;
            }
        }
        // The names must all be here before any entry is handed on, so that a batch is
        // parsed once, whole.
        let mut end_of_names = pos;
        for _ in 0..n {
            let rest = &body[end_of_names..];
            let Some(end) = memchr::memchr(0, rest) else {
                if rest.len() > MAX_NAME {
                    return Err(self.long_name(rest.len()));
                }
                return Ok(Batch::Partial);
            };
            if end > MAX_NAME {
                return Err(self.long_name(end));
            }
            end_of_names += end + 1;
        }
        let mut stat_at = stats_at;
        for _ in 0..n {
            let Some((line, next)) = line_at(stat_at) else {
                unreachable!("the stat lines were counted above")
            };
            stat_at = next;
            let rest = &body[pos..];
            let end = memchr::memchr(0, rest).expect("the names were found above");
            let raw = &rest[..end];
            pos += end + 1;
            self.name_bytes += end as u64 + 1;
            let Some(stat) = parse_stat(line) else {
                continue;
            };
            let full = String::from_utf8_lossy(raw);
            let path = full.strip_prefix(prefix).unwrap_or(&full);
            let path = path.trim_end_matches('/');
            let path = if path.is_empty() {
                Cow::Borrowed("/")
            } else {
                normalize(path)
            };
            self.out.push(&path, &stat);
        }
        Ok(Batch::Parsed(pos))
    }

    fn long_name(&self, len: usize) -> ProbeError {
        ProbeError::OverCap {
            what: format!("walk {} sent a name of {len} bytes", self.id),
            cap: MAX_NAME as u64,
        }
    }

    /// A cut walk can fail but never pass: bytes that do not form a batch, or the byte cap.
    fn finish(mut self) -> WalkFact {
        if self.cut || self.name_bytes + 4096 >= walk_byte_cap(self.spec) {
            self.out.set_truncated();
        }
        self.out.finish()
    }
}

/// A whole walk record at once (tests, and the parser's own checks).
#[cfg(test)]
fn parse_walk(
    id: &str,
    body: &[u8],
    prefix: &str,
    spec: &WalkSpec,
    selectors: &[Selector],
) -> Result<WalkFact, ProbeError> {
    let mut walk = WalkParser::new(id, spec, selectors);
    walk.feed(body, prefix, true)?;
    Ok(walk.finish())
}

/// How many bytes of NUL-separated names a walk may send: bounded by its entry limit.
pub fn walk_byte_cap(spec: &WalkSpec) -> u64 {
    u64::from(spec.max_entries)
        .saturating_mul(512)
        .min(256 << 20)
}

/// `find /` prints `//etc` on some implementations; collapse repeated slashes.
fn normalize(path: &str) -> Cow<'_, str> {
    if !path.contains("//") {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out)
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
        plan.walks.insert(
            WalkSpec {
                paths: vec!["/".into()],
                max_depth: 64,
                max_entries: u32::MAX,
            },
            Vec::new(),
        );
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
        let out = b"junk\nabc123 V 1 stat=1\n\nabc123 C f0\nline\nabc12 fake\n\nabc123 END";
        let recs: Vec<(&[u8], &[u8])> = Records::new(out, b.as_bytes()).collect();
        let headers: Vec<&[u8]> = recs.iter().map(|(h, _)| *h).collect();
        assert_eq!(headers, [&b"V 1 stat=1"[..], b"C f0", b"END"]);
        assert_eq!(recs[1].1, b"line\nabc12 fake\n");
        assert_eq!(Records::new(b"no marker here", b"abc123").count(), 0);
    }

    fn all_entries(w: &WalkFact) -> Vec<(String, Stat)> {
        w.selections["all"]
            .kept
            .iter()
            .map(|e| (e.path.clone(), e.stat.clone()))
            .collect()
    }

    fn spec(max_entries: u32) -> WalkSpec {
        WalkSpec {
            paths: vec!["/".into()],
            max_depth: 10,
            max_entries,
        }
    }

    #[test]
    fn walk_batches_with_restart_and_hostile_names() {
        let body = b"S 3\n41ed 0 0 4096\nR\n41ed 0 0 4096\n81a4 0 0 5\n- - - -\n/root\0/root/a\nS 9\n81a4 0 0 1\0/gone\0S 1\n81ed 1 1 2\n/x\0";
        let all = [Selector::new(None)];
        let w = parse_walk("w0", body, "/root", &spec(100), &all).unwrap();
        let entries = all_entries(&w);
        let paths: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(paths, ["/", "/a\nS 9\n81a4 0 0 1", "/x"]);
        assert_eq!(entries[2].1.mode, 0o755);
        assert_eq!(entries[2].1.uid, 1);
        assert!(!w.truncated);
        assert_eq!(w.entries, 3);
    }

    #[test]
    fn hostile_walk_counts_are_capped_errors_never_allocations() {
        let all = [Selector::new(None)];
        for body in [
            &b"S 18446744073709551615\n81a4 0 0 1\n/x\0"[..],
            b"S 99999999999999999999999\n",
            b"S 131073\n",
        ] {
            let e = parse_walk("w0", body, "", &spec(100), &all).unwrap_err();
            assert!(
                matches!(e, ProbeError::OverCap { cap: MAX_BATCH, .. }),
                "{e}"
            );
            assert!(e.to_string().contains("the limit is 131072"), "{e}");
        }
        // A batch that claims more than it sends, or junk, is a cut walk: it can never pass.
        for body in [
            &b"S 5\n81a4 0 0 1\n/x\0"[..],
            b"S 1\n81a4 0 0 1\n/x\0garbage",
        ] {
            let w = parse_walk("w0", body, "", &spec(100), &all).unwrap();
            assert!(w.truncated, "{body:?}");
        }
        // Past max_entries the walk stops counting and says so.
        let body = b"S 3\n81a4 0 0 1\n81a4 0 0 1\n81a4 0 0 1\n/a\0/b\0/c\0";
        let w = parse_walk("w0", body, "", &spec(2), &all).unwrap();
        assert!(w.truncated);
        assert_eq!(w.entries, 2);
    }

    fn probe_for(yaml_checks: &str) -> Probe {
        let text = format!(
            "name: t\ncontrols:\n  - id: c1\n    title: t\n    desc: d\n    impact: 0.5\n    checks:\n{yaml_checks}"
        );
        let p = crate::engine::profile::Profile::parse(&text, "t.yaml").unwrap();
        let plan = ProbePlan::for_profiles(&[p], 100);
        Probe::build(
            &plan,
            &ProbeOptions {
                root: ProbeRoot::Inside,
                run_commands: true,
                max_output: 50,
            },
        )
    }

    /// Output as a shell that learned the boundary from its stdin could forge it.
    fn forged(p: &Probe, records: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (header, body) in records {
            out.extend_from_slice(format!("\n{} {header}\n", p.boundary).as_bytes());
            out.extend_from_slice(body);
        }
        out
    }

    #[test]
    fn a_walk_read_as_it_arrives_holds_one_batch_not_the_walk() {
        let p = probe_for(
            "      - {resource: walk, paths: [/], where: {field: world_writable, equals: true}, expect: [{empty: true}]}\n",
        );
        let id = p.walks.keys().next().unwrap().clone();
        // 300,000 entries in batches of 1,000 names, as xargs sends them; every 7th is
        // world-writable.
        let mut body = Vec::new();
        for b in 0..300 {
            body.extend_from_slice(b"S 1000\n");
            for i in 0..1000 {
                let mode = if (b * 1000 + i) % 7 == 0 {
                    "81b6"
                } else {
                    "81a4"
                };
                body.extend_from_slice(format!("{mode} 0 0 1\n").as_bytes());
            }
            for i in 0..1000 {
                body.extend_from_slice(format!("/srv/d{b:03}/file-{i:04}\0").as_bytes());
            }
        }
        let head = format!("W {id}");
        let v: (&str, &[u8]) = ("V 1 stat=1 find=1 xargs=1 head=1", b"");
        let out = forged(&p, &[v, (head.as_str(), &body), ("END", b"")]);
        let whole = p.parse(&out, b"").unwrap();
        let mut stream = p.stream();
        let mut most = 0;
        for piece in out.chunks(64 << 10) {
            stream.feed(piece).unwrap();
            most = most.max(stream.buf.len());
        }
        let streamed = stream.finish(b"").unwrap();
        assert_eq!(streamed, whole);
        let walk = streamed.walks.values().next().unwrap().as_ref().unwrap();
        assert_eq!(walk.entries, 300_000);
        assert!(!walk.truncated);
        let hits = walk.selections.values().next().unwrap();
        assert_eq!(hits.matched, 300_000 / 7 + 1);
        // The walk sent about 9 MB; the stream never held more than a batch and a piece.
        assert!(body.len() > 8 << 20);
        assert!(most < 200 << 10, "held {most} bytes");
        // Split anywhere, even a byte at a time, the hostile batches read the same.
        let hostile = b"S 3\n41ed 0 0 4096\nR\n41ed 0 0 4096\n81a4 0 0 5\n- - - -\n/\0/a\nS 9\n81a4 0 0 1\0/gone\0S 1\n81ed 1 1 2\n/x\0junk";
        let out = forged(&p, &[v, (head.as_str(), hostile), ("END", b"")]);
        let whole = p.parse(&out, b"").unwrap();
        let mut stream = p.stream();
        for byte in out.chunks(1) {
            stream.feed(byte).unwrap();
        }
        assert_eq!(stream.finish(b"").unwrap(), whole);
        let walk = whole.walks.values().next().unwrap().as_ref().unwrap();
        assert_eq!(walk.entries, 3);
        assert!(walk.truncated, "the junk after the batches cuts the walk");
    }

    #[test]
    fn forged_records_over_a_cap_are_errors_naming_the_cap() {
        let p = probe_for(
            "      - {resource: file, path: /etc/passwd, expect: [{field: content, contains: root}]}\n      - {resource: files, paths: ['/etc/x/*'], expect: [{empty: true}]}\n      - {resource: command, command: id, expect: [{field: output, contains: x}]}\n",
        );
        let v: (&str, &[u8]) = ("V 1 stat=1 find=1 xargs=1 head=1", b"");
        let end: (&str, &[u8]) = ("END", b"");
        let big = vec![b'a'; 101];
        let e = p
            .parse(
                &forged(&p, &[v, ("F f0 ok", b"81a4 0 0 5"), ("C f0", &big), end]),
                b"",
            )
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("content of /etc/passwd is 101 bytes")
                && e.to_string().contains("limit is 100"),
            "{e}"
        );
        let many: Vec<String> = (0..=MAX_GLOB_MATCHES)
            .map(|i| format!("M g0 {i}"))
            .collect();
        let mut recs = vec![v];
        recs.extend(many.iter().map(|h| (h.as_str(), &b"/etc/x/a"[..])));
        recs.push(end);
        let e = p.parse(&forged(&p, &recs), b"").unwrap_err();
        assert!(
            matches!(e, ProbeError::OverCap { cap, .. } if cap == MAX_GLOB_MATCHES as u64),
            "{e}"
        );
        let long = vec![b'y'; 51];
        let e = p
            .parse(&forged(&p, &[v, ("X x0 0", &long), end]), b"")
            .unwrap_err();
        assert!(e.to_string().contains("limit is 50"), "{e}");
        let procs: Vec<String> = (0..=MAX_PROCESSES).map(|i| format!("s {i}")).collect();
        let mut recs = vec![v];
        recs.extend(procs.iter().map(|h| (h.as_str(), &b"Name:\tx\n"[..])));
        recs.push(end);
        assert!(p.parse(&forged(&p, &recs), b"").is_err());
    }

    #[test]
    fn records_for_ids_the_probe_never_issued_are_ignored() {
        let p = probe_for(
            "      - {resource: file, path: /etc/passwd, expect: [{field: content, contains: root}]}\n",
        );
        let huge = vec![b'z'; 10_000];
        let facts = p
            .parse(
                &forged(
                    &p,
                    &[
                        ("V 1 stat=1 bogus=1", b""),
                        ("F f0 ok", b"81a4 0 0 4"),
                        ("C f0", b"root"),
                        ("F f9 ok", b"81a4 0 0 4"),
                        ("C f9", &huge),
                        ("W w7", &huge),
                        ("M g3 1", b"/x"),
                        ("F g3:1 ok", b"81a4 0 0 4"),
                        ("END", b""),
                    ],
                ),
                b"",
            )
            .unwrap();
        assert_eq!(facts.files.len(), 1);
        assert!(facts.walks.is_empty() && facts.globs.is_empty());
        assert!(
            matches!(&facts.files["/etc/passwd"], FileFact::Present { content: Some(c), .. } if c == b"root")
        );
        // A boundary that is not ours frames nothing: the probe never finished.
        let fake = b"\n0123456789abcdef0123456789abcdef END\n";
        assert!(matches!(p.parse(fake, b""), Err(ProbeError::Incomplete(_))));
    }

    #[test]
    fn start_time_skips_hostile_process_names() {
        let stat =
            b"42 (evil) 1 2 3) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 12345 1000 100";
        assert_eq!(start_time(stat), Some(12345));
    }
}
