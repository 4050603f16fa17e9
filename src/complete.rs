//! Completion of `kubectl cinc-scan <TAB>`: kubectl's plugin protocol, answered by the plugin.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, CommandFactory};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams};

use crate::cli::Cli;
use crate::engine::builtin;
use crate::kube::config::{connect, read_kubeconfig, ClusterOptions};
use crate::kube::targets::pod_name;

/// The whole completion, kubeconfig and API calls included, must answer within this.
pub const TIME_LIMIT: Duration = Duration::from_millis(1000);

/// Cobra's `ShellCompDirective` bits, the last line of the answer (`:4`).
pub mod directive {
    /// Let the shell do its default (file completion when there is no candidate).
    pub const DEFAULT: u32 = 0;
    /// Never fall back to file names.
    pub const NO_FILE_COMP: u32 = 4;
    /// Complete directory names only.
    pub const FILTER_DIRS: u32 = 16;
}

/// The kinds of resource that can be named with a `/` in a target (`pod/web-0`).
const POD_KINDS: &[&str] = &["pod", "pods", "po"];

/// What the word under the cursor can become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// A flag name (the word starts with `-`).
    Flags,
    /// One of a fixed set of values.
    Values(Vec<Candidate>),
    /// A pod to scan (a TARGET); subcommand names too when it is the first word.
    Pods {
        subcommands: Vec<Candidate>,
    },
    /// A container of the pods named on the line (or of every pod in scope).
    Containers,
    Namespaces,
    Contexts,
    Clusters,
    Users,
    /// `--profile`: `builtin:NAME`, else a file.
    Profiles,
    /// `profiles show`: a built-in name, else a file.
    ProfileNames,
    Files,
    Dirs,
    /// A value nobody can guess (a selector, a duration).
    Nothing,
}

/// A completion candidate and its description (shown by zsh, fish and PowerShell).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub value: String,
    pub help: String,
}

impl Candidate {
    fn new(value: impl Into<String>, help: impl Into<String>) -> Self {
        Candidate {
            value: value.into(),
            help: help.into(),
        }
    }
}

/// The command line read far enough to know what to complete, and against which cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub want: Want,
    /// Kept in front of every candidate: `--namespace=`, `-n`, `pod/`.
    pub keep: String,
    /// The part of the current word to complete; candidates must start with it.
    pub word: String,
    /// Flags already on the line, by clap id (not offered again unless repeatable).
    pub given: Vec<String>,
    /// Pod names (`pod/NAME` or `NAME` targets) already on the line.
    pub pods: Vec<String>,
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub selector: Option<String>,
}

/// The words to complete when the command line is `kubectl-cinc_scan __complete WORDS...`.
///
/// The words are taken raw, before the flag parser: they are a half-typed command line, not
/// this command's arguments. (Not a clap subcommand either: clap_complete would offer a hidden
/// one in the generated shell scripts.)
pub fn protocol_words(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<Vec<String>> {
    let mut args = args.into_iter().skip(1);
    if args.next()? != "__complete" {
        return None;
    }
    Some(args.map(|a| a.to_string_lossy().into_owned()).collect())
}

/// Answer on stdout, and not a word on stderr, even on a bug: a stack trace would land in the
/// middle of the user's prompt.
pub async fn run(words: &[String]) {
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = Vec::new();
    if complete(words, &mut out).await.is_ok() {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
    }
}

/// Answer one completion request: candidates one per line (`value\tdescription`), then
/// `:<directive>`.
///
/// kubectl 1.26+ runs `kubectl_complete-cinc_scan WORDS... CURRENT` for
/// `kubectl cinc-scan WORDS... CURRENT<TAB>`; that script execs `kubectl-cinc_scan __complete`
/// with the same words. The line is read against the clap definition, so new flags and enum
/// values complete without a change here: [`request`] is the pure part, [`candidates`] asks
/// the kubeconfig and the API server, within [`TIME_LIMIT`]. Anything that goes wrong (no
/// kubeconfig, no cluster, no permission, the time limit) means fewer candidates, never an
/// error message.
pub async fn complete(words: &[String], out: &mut dyn Write) -> std::io::Result<()> {
    let (line, current) = match words.split_last() {
        Some((current, line)) => (line, current.as_str()),
        None => (&[][..], ""),
    };
    let req = request(line, current);
    let (found, directive) = candidates(&req).await;
    write_answer(&req, found, directive, out)
}

fn write_answer(
    req: &Request,
    found: Vec<Candidate>,
    directive: u32,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut seen = BTreeMap::new();
    for c in found {
        if c.value.starts_with(&req.word) {
            seen.entry(c.value).or_insert(c.help);
        }
    }
    for (value, help) in seen {
        let help = one_line(&help);
        if help.is_empty() {
            writeln!(out, "{}{value}", req.keep)?;
        } else {
            writeln!(out, "{}{value}\t{help}", req.keep)?;
        }
    }
    writeln!(out, ":{directive}")
}

fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    first
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn scan_command() -> clap::Command {
    let mut cmd = Cli::command();
    // Adds --help and --version, which users type too.
    cmd.build();
    cmd
}

fn visible_subcommands(cmd: &clap::Command) -> Vec<Candidate> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(|s| {
            Candidate::new(
                s.get_name(),
                s.get_about().map(|a| a.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn find_long<'a>(cmd: &'a clap::Command, name: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|a| {
        a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name))
    })
}

fn find_short(cmd: &clap::Command, c: char) -> Option<&Arg> {
    cmd.get_arguments().find(|a| a.get_short() == Some(c))
}

/// What to complete for the value of `arg`.
fn value_want(arg: &Arg) -> Want {
    let values: Vec<Candidate> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| {
            Candidate::new(
                v.get_name(),
                v.get_help().map(|h| h.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    if !values.is_empty() {
        return Want::Values(values);
    }
    match arg.get_id().as_str() {
        "namespace" => Want::Namespaces,
        "context" => Want::Contexts,
        "cluster" => Want::Clusters,
        "user" => Want::Users,
        "containers" => Want::Containers,
        "profiles" => Want::Profiles,
        "kubeconfig" | "filenames" => Want::Files,
        "output_dir" | "root" => Want::Dirs,
        _ => Want::Nothing,
    }
}

/// Read the words before the cursor (`line`) and the word under it (`current`). Pure.
pub fn request(line: &[String], current: &str) -> Request {
    let cmd = scan_command();
    let mut req = Request {
        want: Want::Nothing,
        keep: String::new(),
        word: current.to_string(),
        given: Vec::new(),
        pods: Vec::new(),
        kubeconfig: None,
        context: None,
        cluster: None,
        user: None,
        namespace: None,
        all_namespaces: false,
        selector: None,
    };

    if let Some(first) = line.first() {
        if let Some(sub) = cmd
            .get_subcommands()
            .find(|s| s.get_name() == first && !s.is_hide_set())
        {
            req.want = subcommand_want(sub, &line[1..], current);
            return req;
        }
    }

    // The flag whose value is the next word, if the last word on the line asks for one.
    let mut pending: Option<&Arg> = None;
    let mut positional_only = false;
    for word in line {
        if let Some(arg) = pending.take() {
            record(&mut req, arg, word);
            continue;
        }
        if positional_only || word == "-" || !word.starts_with('-') {
            if let Ok(name) = pod_name(word) {
                req.pods.push(name);
            }
            continue;
        }
        if word == "--" {
            positional_only = true;
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(arg) = find_long(&cmd, name) {
                mark_given(&mut req, arg);
                match value {
                    Some(v) => record(&mut req, arg, v),
                    None if takes_value(arg) => pending = Some(arg),
                    None => record(&mut req, arg, ""),
                }
            }
            continue;
        }
        // Short flags, possibly clustered (`-Aq`) or with the value attached (`-nshop`).
        let shorts = &word[1..];
        for (i, c) in shorts.char_indices() {
            let Some(arg) = find_short(&cmd, c) else {
                break;
            };
            mark_given(&mut req, arg);
            if takes_value(arg) {
                let rest = &shorts[i + c.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if rest.is_empty() {
                    pending = Some(arg);
                } else {
                    record(&mut req, arg, rest);
                }
                break;
            }
            record(&mut req, arg, "");
        }
    }

    if let Some(arg) = pending {
        req.want = value_want(arg);
        return req;
    }
    if positional_only || !current.starts_with('-') {
        req.want = positional_want(&cmd, line, &mut req, current);
        return req;
    }
    if let Some(long) = current.strip_prefix("--") {
        if let Some((name, value)) = long.split_once('=') {
            if let Some(arg) = find_long(&cmd, name).filter(|a| takes_value(a)) {
                req.keep = format!("--{name}=");
                req.word = value.to_string();
                req.want = value_want(arg);
                return req;
            }
            req.want = Want::Nothing;
            return req;
        }
    } else if let Some(c) = current.chars().nth(1) {
        let attached = &current[1 + c.len_utf8()..];
        if let Some(arg) = find_short(&cmd, c).filter(|a| takes_value(a)) {
            if !attached.is_empty() {
                let attached = attached.strip_prefix('=').unwrap_or(attached);
                req.keep = current[..current.len() - attached.len()].to_string();
                req.word = attached.to_string();
                req.want = value_want(arg);
                return req;
            }
        }
    }
    req.want = Want::Flags;
    req
}

/// A TARGET: a pod name, `pod/NAME`, or (as the first word) a subcommand.
fn positional_want(cmd: &clap::Command, line: &[String], req: &mut Request, current: &str) -> Want {
    if let Some((kind, name)) = current.split_once('/') {
        if !POD_KINDS.contains(&kind) {
            return Want::Nothing;
        }
        req.keep = format!("{kind}/");
        req.word = name.to_string();
        return Want::Pods {
            subcommands: Vec::new(),
        };
    }
    let subcommands = if line.is_empty() {
        visible_subcommands(cmd)
    } else {
        Vec::new()
    };
    Want::Pods { subcommands }
}

/// Inside a subcommand: its own subcommands, then the values of its positionals.
fn subcommand_want(sub: &clap::Command, rest: &[String], current: &str) -> Want {
    if current.starts_with('-') {
        return Want::Nothing;
    }
    let positionals: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with('-'))
        .collect();
    let mut cmd = sub;
    let mut used = 0;
    while cmd.has_subcommands() {
        let Some(name) = positionals.get(used) else {
            return Want::Values(visible_subcommands(cmd));
        };
        match cmd.find_subcommand(name) {
            Some(inner) => cmd = inner,
            None => return Want::Nothing,
        }
        used += 1;
    }
    let args: Vec<&Arg> = cmd.get_positionals().collect();
    match args.get(positionals.len() - used) {
        // `profiles show NAME|FILE`
        Some(arg) if arg.get_id() == "profile" => Want::ProfileNames,
        Some(arg) => value_want(arg),
        None => Want::Nothing,
    }
}

fn mark_given(req: &mut Request, arg: &Arg) {
    req.given.push(arg.get_id().as_str().to_string());
}

/// Keep what later completions need from a flag on the line.
fn record(req: &mut Request, arg: &Arg, value: &str) {
    let v = || Some(value.to_string());
    match arg.get_id().as_str() {
        "kubeconfig" => req.kubeconfig = Some(PathBuf::from(value)),
        "context" => req.context = v(),
        "cluster" => req.cluster = v(),
        "user" => req.user = v(),
        "namespace" => req.namespace = v(),
        "selector" => req.selector = v(),
        "all_namespaces" => req.all_namespaces = true,
        _ => {}
    }
}

/// The candidates for a request and the directive that goes with them.
pub async fn candidates(req: &Request) -> (Vec<Candidate>, u32) {
    use directive::*;
    match &req.want {
        Want::Flags => (flag_candidates(req), NO_FILE_COMP),
        Want::Values(v) => (v.clone(), NO_FILE_COMP),
        Want::Nothing => (Vec::new(), NO_FILE_COMP),
        Want::Files => (Vec::new(), DEFAULT),
        Want::Dirs => (Vec::new(), FILTER_DIRS),
        Want::Profiles => {
            // `builtin:NAME` while the word can still become one; files otherwise.
            if "builtin:".starts_with(&req.word) || req.word.starts_with("builtin:") {
                let names = builtin::BUILTINS
                    .iter()
                    .map(|(n, about, _)| Candidate::new(format!("builtin:{n}"), *about))
                    .collect();
                (names, NO_FILE_COMP)
            } else {
                (Vec::new(), DEFAULT)
            }
        }
        Want::ProfileNames => {
            let names: Vec<Candidate> = builtin::BUILTINS
                .iter()
                .map(|(n, about, _)| Candidate::new(*n, *about))
                .filter(|c| c.value.starts_with(&req.word))
                .collect();
            let dir = if names.is_empty() {
                DEFAULT
            } else {
                NO_FILE_COMP
            };
            (names, dir)
        }
        Want::Contexts | Want::Clusters | Want::Users => (kubeconfig_names(req), NO_FILE_COMP),
        Want::Pods { subcommands } => {
            let mut found = subcommands.clone();
            found.extend(within_limit(pod_candidates(req)).await);
            (found, NO_FILE_COMP)
        }
        Want::Containers => (within_limit(container_candidates(req)).await, NO_FILE_COMP),
        Want::Namespaces => (within_limit(namespace_candidates(req)).await, NO_FILE_COMP),
    }
}

async fn within_limit(
    work: impl std::future::Future<Output = Option<Vec<Candidate>>>,
) -> Vec<Candidate> {
    tokio::time::timeout(TIME_LIMIT, work)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn flag_candidates(req: &Request) -> Vec<Candidate> {
    let cmd = scan_command();
    let mut out = Vec::new();
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || arg.is_positional() {
            continue;
        }
        let id = arg.get_id().as_str();
        let repeatable = matches!(
            arg.get_action(),
            clap::ArgAction::Append | clap::ArgAction::Count
        );
        if !repeatable && req.given.iter().any(|g| g == id) {
            continue;
        }
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        if let Some(long) = arg.get_long() {
            out.push(Candidate::new(format!("--{long}"), help.clone()));
        }
        if let Some(short) = arg.get_short() {
            out.push(Candidate::new(format!("-{short}"), help));
        }
    }
    out
}

fn kubeconfig_names(req: &Request) -> Vec<Candidate> {
    let Ok(Some(kc)) = read_kubeconfig(req.kubeconfig.as_deref()) else {
        return Vec::new();
    };
    match req.want {
        Want::Contexts => kc
            .contexts
            .iter()
            .map(|c| {
                let help = c
                    .context
                    .as_ref()
                    .map(|x| {
                        let ns = x.namespace.as_deref().unwrap_or("default");
                        format!("cluster {}, namespace {ns}", x.cluster)
                    })
                    .unwrap_or_default();
                Candidate::new(&c.name, help)
            })
            .collect(),
        Want::Clusters => kc
            .clusters
            .iter()
            .map(|c| {
                let server = c
                    .cluster
                    .as_ref()
                    .and_then(|x| x.server.clone())
                    .unwrap_or_default();
                Candidate::new(&c.name, server)
            })
            .collect(),
        Want::Users => kc
            .auth_infos
            .iter()
            .map(|u| Candidate::new(&u.name, ""))
            .collect(),
        _ => Vec::new(),
    }
}

fn cluster_options(req: &Request) -> ClusterOptions {
    ClusterOptions {
        kubeconfig: req.kubeconfig.clone(),
        context: req.context.clone(),
        cluster: req.cluster.clone(),
        user: req.user.clone(),
        namespace: req.namespace.clone(),
        ..Default::default()
    }
}

/// The pods in scope: the namespace of the line (or all with -A), matching -l.
async fn pods_in_scope(req: &Request) -> Option<Vec<Pod>> {
    let conn = connect(&cluster_options(req)).await.ok()?;
    let api: Api<Pod> = if req.all_namespaces {
        Api::all(conn.client)
    } else {
        Api::namespaced(conn.client, &conn.namespace)
    };
    let mut lp = ListParams::default();
    if let Some(s) = req.selector.as_deref().filter(|s| !s.is_empty()) {
        lp = lp.labels(s);
    }
    api.list(&lp).await.ok().map(|l| l.items)
}

fn container_names(pod: &Pod) -> Vec<String> {
    pod.spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

async fn pod_candidates(req: &Request) -> Option<Vec<Candidate>> {
    let pods = pods_in_scope(req).await?;
    Some(
        pods.iter()
            .filter_map(|p| {
                let name = p.metadata.name.clone()?;
                if req.pods.contains(&name) {
                    return None;
                }
                let phase = p
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_default();
                let mut help = format!("{phase}: {}", container_names(p).join(", "));
                if req.all_namespaces {
                    let ns = p.metadata.namespace.as_deref().unwrap_or_default();
                    help = format!("namespace {ns}, {help}");
                }
                Some(Candidate::new(name, help))
            })
            .collect(),
    )
}

async fn container_candidates(req: &Request) -> Option<Vec<Candidate>> {
    let pods: Vec<Pod> = if req.pods.is_empty() {
        pods_in_scope(req).await?
    } else {
        let conn = connect(&cluster_options(req)).await.ok()?;
        let api: Api<Pod> = Api::namespaced(conn.client, &conn.namespace);
        let gets = req.pods.iter().map(|name| api.get_opt(name));
        futures::future::join_all(gets)
            .await
            .into_iter()
            .filter_map(|r| r.ok().flatten())
            .collect()
    };
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &pods {
        let pod = p.metadata.name.clone().unwrap_or_default();
        for c in container_names(p) {
            by_name.entry(c).or_default().push(pod.clone());
        }
    }
    Some(
        by_name
            .into_iter()
            .map(|(c, pods)| {
                let help = if pods.len() > 3 {
                    format!("in {} pods", pods.len())
                } else {
                    format!("in {}", pods.join(", "))
                };
                Candidate::new(c, help)
            })
            .collect(),
    )
}

async fn namespace_candidates(req: &Request) -> Option<Vec<Candidate>> {
    let conn = connect(&cluster_options(req)).await.ok()?;
    let api: Api<Namespace> = Api::all(conn.client);
    let list = api.list(&ListParams::default()).await.ok()?;
    Some(
        list.items
            .into_iter()
            .filter_map(|n| n.metadata.name)
            .map(|n| Candidate::new(n, ""))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(line: &[&str], current: &str) -> Request {
        let line: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        request(&line, current)
    }

    fn values(want: &Want) -> Vec<&str> {
        match want {
            Want::Values(v) => v.iter().map(|c| c.value.as_str()).collect(),
            other => panic!("expected values, got {other:?}"),
        }
    }

    fn answer(req: &Request, found: Vec<Candidate>, directive: u32) -> String {
        let mut out = Vec::new();
        write_answer(req, found, directive, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn protocol_words_are_taken_raw() {
        let args = |v: &[&str]| -> Vec<std::ffi::OsString> { v.iter().map(|s| s.into()).collect() };
        assert_eq!(
            protocol_words(args(&["k", "__complete", "--", "-n", "--help", ""])),
            Some(vec![
                "--".to_string(),
                "-n".into(),
                "--help".into(),
                "".into()
            ])
        );
        assert_eq!(protocol_words(args(&["k", "__complete"])), Some(Vec::new()));
        assert_eq!(protocol_words(args(&["k", "pod/a", "__complete"])), None);
        assert_eq!(protocol_words(args(&["k"])), None);
    }

    #[test]
    fn first_word_is_a_pod_or_a_subcommand() {
        let r = req(&[], "");
        let Want::Pods { subcommands } = &r.want else {
            panic!("{:?}", r.want)
        };
        let names: Vec<&str> = subcommands.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(
            names,
            [
                "profiles",
                "completion",
                "rbac",
                "job",
                "cleanup",
                "token",
                "sidecar"
            ]
        );
        // Later positionals are pods only.
        let r = req(&["web-0"], "");
        assert_eq!(
            r.want,
            Want::Pods {
                subcommands: vec![]
            }
        );
        assert_eq!(r.pods, ["web-0"]);
    }

    #[test]
    fn pod_slash_keeps_its_kind() {
        let r = req(&["-n", "shop"], "pod/we");
        assert_eq!(r.keep, "pod/");
        assert_eq!(r.word, "we");
        assert!(matches!(r.want, Want::Pods { .. }));
        assert_eq!(req(&[], "deploy/x").want, Want::Nothing);
        assert_eq!(req(&[], "po/").keep, "po/");
    }

    #[test]
    fn flag_values_by_kind() {
        assert_eq!(req(&["-n"], "").want, Want::Namespaces);
        assert_eq!(req(&["--namespace"], "cinc").want, Want::Namespaces);
        assert_eq!(req(&["--context"], "").want, Want::Contexts);
        assert_eq!(req(&["--cluster"], "").want, Want::Clusters);
        assert_eq!(req(&["--user"], "").want, Want::Users);
        assert_eq!(req(&["pod/a", "-c"], "").want, Want::Containers);
        assert_eq!(req(&["--profile"], "").want, Want::Profiles);
        assert_eq!(req(&["--kubeconfig"], "").want, Want::Files);
        assert_eq!(req(&["--root"], "").want, Want::Dirs);
        assert_eq!(req(&["--output-dir"], "").want, Want::Dirs);
        assert_eq!(req(&["-f"], "").want, Want::Files);
        assert_eq!(req(&["-l"], "").want, Want::Nothing);
        assert_eq!(req(&["--timeout"], "").want, Want::Nothing);
    }

    #[test]
    fn enum_flags_offer_their_values() {
        assert_eq!(
            values(&req(&["-o"], "").want),
            ["table", "json", "junit", "sarif", "markdown"]
        );
        assert_eq!(
            values(&req(&["--access"], "").want),
            ["auto", "exec", "debug"]
        );
        assert_eq!(
            values(&req(&["--debug-profile"], "").want),
            ["auto", "restricted", "baseline", "general", "sysadmin"]
        );
        assert_eq!(
            values(&req(&["--color"], "").want),
            ["auto", "always", "never"]
        );
    }

    #[test]
    fn attached_values() {
        let r = req(&[], "--namespace=ci");
        assert_eq!((r.keep.as_str(), r.word.as_str()), ("--namespace=", "ci"));
        assert_eq!(r.want, Want::Namespaces);
        let r = req(&[], "-ojs");
        assert_eq!((r.keep.as_str(), r.word.as_str()), ("-o", "js"));
        assert_eq!(
            values(&r.want),
            ["table", "json", "junit", "sarif", "markdown"]
        );
        let r = req(&[], "--output=");
        assert_eq!(r.keep, "--output=");
        assert_eq!(req(&[], "--quiet=x").want, Want::Nothing);
    }

    #[test]
    fn cluster_flags_earlier_on_the_line_are_kept() {
        let r = req(
            &[
                "--kubeconfig",
                "/k",
                "--context=prod",
                "-nshop",
                "-A",
                "-l",
                "app=web",
                "pod/a",
                "b",
                "-c",
            ],
            "",
        );
        assert_eq!(r.kubeconfig.as_deref(), Some(std::path::Path::new("/k")));
        assert_eq!(r.context.as_deref(), Some("prod"));
        assert_eq!(r.namespace.as_deref(), Some("shop"));
        assert_eq!(r.selector.as_deref(), Some("app=web"));
        assert!(r.all_namespaces);
        assert_eq!(r.pods, ["a", "b"]);
        assert_eq!(r.want, Want::Containers);
    }

    #[test]
    fn clustered_short_flags() {
        let r = req(&["-Aqn"], "");
        assert!(r.all_namespaces);
        assert_eq!(r.want, Want::Namespaces);
        assert!(r.given.contains(&"quiet".to_string()));
    }

    #[test]
    fn after_double_dash_everything_is_a_target() {
        let r = req(&["--"], "-x");
        assert!(matches!(r.want, Want::Pods { .. }));
        let r = req(&["--", "-n"], "");
        assert_eq!(r.pods, ["-n"]);
        assert!(matches!(r.want, Want::Pods { .. }));
    }

    #[tokio::test]
    async fn flags_are_offered_once_unless_repeatable() {
        let r = req(&["-n", "shop", "-c", "app"], "-");
        assert_eq!(r.want, Want::Flags);
        let (found, dir) = candidates(&r).await;
        assert_eq!(dir, directive::NO_FILE_COMP);
        let names: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
        assert!(!names.contains(&"-n") && !names.contains(&"--namespace"));
        for f in [
            "-c",
            "--container",
            "--profile",
            "-o",
            "--help",
            "--version",
        ] {
            assert!(names.contains(&f), "{f} missing from {names:?}");
        }
        let r = req(&[], "--nam");
        let out = answer(&r, flag_candidates(&r), dir);
        assert_eq!(
            out,
            "--namespace\tNamespace of the targets (default: the context's namespace)\n:4\n"
        );
    }

    #[tokio::test]
    async fn profiles_complete_builtins_then_files() {
        let r = req(&["--profile"], "builtin:c");
        let (found, dir) = candidates(&r).await;
        let out = answer(&r, found, dir);
        assert!(
            out.starts_with("builtin:container-baseline\tHardening baseline"),
            "{out}"
        );
        assert!(out.ends_with(":4\n"));
        let r = req(&["--profile"], "./my");
        assert_eq!(candidates(&r).await, (vec![], directive::DEFAULT));
    }

    #[tokio::test]
    async fn subcommands_complete_their_arguments() {
        assert_eq!(
            values(&req(&["profiles"], "").want),
            ["list", "show", "schema"]
        );
        assert!(values(&req(&["completion"], "").want).contains(&"zsh"));
        assert_eq!(req(&["completion", "bash"], "").want, Want::Nothing);
        let r = req(&["profiles", "show"], "con");
        assert_eq!(r.want, Want::ProfileNames);
        let (found, dir) = candidates(&r).await;
        assert_eq!(found[0].value, "container-baseline");
        assert_eq!(dir, directive::NO_FILE_COMP);
        assert_eq!(req(&["profiles", "show", "x"], "").want, Want::Nothing);
        assert_eq!(req(&["profiles", "list"], "").want, Want::Nothing);
        assert_eq!(req(&["profiles", "nope"], "").want, Want::Nothing);
        let r = req(&["profiles", "show"], "./p.yaml");
        assert_eq!(candidates(&r).await, (vec![], directive::DEFAULT));
    }

    #[tokio::test]
    async fn contexts_come_from_the_kubeconfig_on_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("config");
        std::fs::write(
            &kc,
            "apiVersion: v1\nkind: Config\ncurrent-context: dev\n\
             clusters:\n- {name: c1, cluster: {server: 'https://127.0.0.1:1'}}\n\
             users:\n- {name: u1, user: {token: x}}\n\
             contexts:\n- {name: dev, context: {cluster: c1, user: u1, namespace: shop}}\n\
             - {name: prod, context: {cluster: c1, user: u1}}\n",
        )
        .unwrap();
        let kc = kc.to_string_lossy().to_string();
        let r = req(&["--kubeconfig", &kc, "--context"], "");
        let (found, _) = candidates(&r).await;
        assert_eq!(
            answer(&r, found, directive::NO_FILE_COMP),
            "dev\tcluster c1, namespace shop\nprod\tcluster c1, namespace default\n:4\n"
        );
        let r = req(&["--kubeconfig", &kc, "--user"], "");
        assert_eq!(candidates(&r).await.0, [Candidate::new("u1", "")]);
    }

    #[tokio::test]
    async fn unreachable_cluster_answers_nothing_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("config");
        // Nothing listens there: the API call fails, and the answer is empty, not an error.
        std::fs::write(
            &kc,
            "apiVersion: v1\nkind: Config\ncurrent-context: dev\n\
             clusters:\n- {name: c1, cluster: {server: 'https://127.0.0.1:9'}}\n\
             users:\n- {name: u1, user: {token: x}}\n\
             contexts:\n- {name: dev, context: {cluster: c1, user: u1}}\n",
        )
        .unwrap();
        let kc = kc.to_string_lossy().to_string();
        let started = std::time::Instant::now();
        for line in [vec!["--kubeconfig", &kc], vec!["--kubeconfig", &kc, "-n"]] {
            let r = req(&line, "");
            let (found, dir) = candidates(&r).await;
            assert_eq!(dir, directive::NO_FILE_COMP);
            let pods: Vec<_> = found
                .iter()
                .filter(|c| c.value != "profiles" && c.value != "completion")
                .collect();
            assert!(pods.is_empty(), "{pods:?}");
        }
        assert!(started.elapsed() < TIME_LIMIT * 3);
    }

    #[tokio::test]
    async fn a_silent_api_server_costs_at_most_the_time_limit() {
        // Accepts connections and never answers: only the time limit ends the wait.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming().take(8) {
                held.push(conn);
            }
            std::thread::sleep(Duration::from_secs(30));
        });
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("config");
        std::fs::write(
            &kc,
            format!(
                "apiVersion: v1\nkind: Config\ncurrent-context: dev\n\
                 clusters:\n- {{name: c1, cluster: {{server: 'https://127.0.0.1:{port}'}}}}\n\
                 users:\n- {{name: u1, user: {{token: x}}}}\n\
                 contexts:\n- {{name: dev, context: {{cluster: c1, user: u1}}}}\n"
            ),
        )
        .unwrap();
        let kc = kc.to_string_lossy().to_string();
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        let words: Vec<String> = ["--kubeconfig", &kc, "-n", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        complete(&words, &mut out).await.unwrap();
        let took = started.elapsed();
        assert_eq!(String::from_utf8(out).unwrap(), ":4\n");
        assert!(
            took >= TIME_LIMIT,
            "answered in {took:?}: did it wait at all?"
        );
        assert!(
            took < TIME_LIMIT + Duration::from_millis(500),
            "took {took:?}"
        );
    }

    #[test]
    fn answers_are_filtered_and_one_line_each() {
        let r = req(&["-n"], "de");
        let out = answer(
            &r,
            vec![
                Candidate::new("default", "the\tdefault\nnamespace"),
                Candidate::new("demo", ""),
                Candidate::new("kube-system", ""),
            ],
            directive::NO_FILE_COMP,
        );
        assert_eq!(out, "default\tthe default\ndemo\n:4\n");
    }
}
