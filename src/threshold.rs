//! SAF CLI threshold files (`saf validate threshold`): parsed strictly, evaluated with SAF's semantics.
//!
//! Pure code: no I/O. What SAF does, read from its implementation (`@mitre/saf` 1.5.x,
//! `src/commands/validate/threshold.ts` and `src/utils/threshold.ts`), and kept here on purpose
//! so that a threshold file gives the same verdict with `saf` and with us:
//!
//! - only the first profile of a document counts (the caller passes its controls);
//! - `compliance.min` / `compliance.max` of 0 are ignored (SAF tests them for truthiness);
//! - `<status>.total: N` means exactly N; `min`/`max` compare with `<` / `>`;
//! - `controls: [ids]` must contain every listed id and nothing else; SAF never matches an
//!   empty list (an empty bucket has no list to compare with), so neither do we;
//! - a file whose top-level values are all numbers is "flattened" and unflattened the way SAF
//!   does it, where a later `a.b.x` key replaces an earlier `a.b.y` key;
//! - `no_impact.total.{min,max}` (written by `saf generate threshold`) are not checked by SAF.
//!
//! Where SAF silently ignores a rule it was given, we keep the verdict but say so in a note.
//! Unlike SAF, a key outside the format or a value of the wrong type is an error naming it.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::results::{ControlResult, SafStatus, Severity};

/// A threshold that could not be read; the message names the input and the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("threshold {source_name}: {message}")]
pub struct ThresholdError {
    /// The file path, or `--threshold-inline`.
    pub source_name: String,
    pub message: String,
}

/// `min` or `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Min,
    Max,
}

impl Bound {
    fn name(self) -> &'static str {
        match self {
            Bound::Min => "min",
            Bound::Max => "max",
        }
    }
}

/// One check of a threshold file.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `compliance.{min,max}`.
    Compliance { bound: Bound, value: f64 },
    /// `<status>.total: N`: exactly N controls.
    Exact { status: SafStatus, value: f64 },
    /// `<status>.total.{min,max}`.
    Total {
        status: SafStatus,
        bound: Bound,
        value: f64,
    },
    /// `<status>.<severity>.{min,max}`.
    BySeverity {
        status: SafStatus,
        severity: Severity,
        bound: Bound,
        value: f64,
    },
    /// `<status>.<severity>.controls: [ids]`.
    Controls {
        status: SafStatus,
        severity: Severity,
        ids: Vec<String>,
    },
}

const STATUS_KEYS: [(&str, SafStatus); 5] = [
    ("passed", SafStatus::Passed),
    ("failed", SafStatus::Failed),
    ("skipped", SafStatus::NotReviewed),
    ("no_impact", SafStatus::NotApplicable),
    ("error", SafStatus::ProfileError),
];

fn status_key(status: SafStatus) -> &'static str {
    STATUS_KEYS
        .iter()
        .find(|(_, s)| *s == status)
        .map(|(k, _)| *k)
        .unwrap_or("error")
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl Rule {
    /// The key as written in a flattened threshold file, e.g. `failed.critical.max`.
    pub fn key(&self) -> String {
        match self {
            Rule::Compliance { bound, .. } => format!("compliance.{}", bound.name()),
            Rule::Exact { status, .. } => format!("{}.total", status_key(*status)),
            Rule::Total { status, bound, .. } => {
                format!("{}.total.{}", status_key(*status), bound.name())
            }
            Rule::BySeverity {
                status,
                severity,
                bound,
                ..
            } => format!(
                "{}.{}.{}",
                status_key(*status),
                severity.name(),
                bound.name()
            ),
            Rule::Controls {
                status, severity, ..
            } => format!("{}.{}.controls", status_key(*status), severity.name()),
        }
    }

    /// What the rule asks for, in words: `at most 0`, `exactly 3`, `[a, b]`.
    pub fn expected(&self) -> String {
        match self {
            Rule::Compliance { bound, value }
            | Rule::Total { bound, value, .. }
            | Rule::BySeverity { bound, value, .. } => {
                let pct = if matches!(self, Rule::Compliance { .. }) {
                    "%"
                } else {
                    ""
                };
                match bound {
                    Bound::Min => format!("at least {}{pct}", number(*value)),
                    Bound::Max => format!("at most {}{pct}", number(*value)),
                }
            }
            Rule::Exact { value, .. } => format!("exactly {}", number(*value)),
            Rule::Controls { ids, .. } => format!("exactly [{}]", ids.join(", ")),
        }
    }
}

/// A parsed threshold: the rules SAF would check, and notes on what it would ignore.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Threshold {
    pub rules: Vec<Rule>,
    /// Rules given but not checked (as in SAF), each with the reason.
    pub notes: Vec<String>,
}

/// What the threshold needs to know about one control.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlOutcome {
    pub id: String,
    pub status: SafStatus,
    /// The severity bucket SAF puts it in; `None` when a `severity` tag is valid but not
    /// lower case (SAF keeps it as written, so it matches no bucket).
    pub severity: Option<Severity>,
}

impl ControlOutcome {
    pub fn of(c: &ControlResult) -> ControlOutcome {
        ControlOutcome {
            id: c.control.id.clone(),
            status: c.saf_status(),
            severity: saf_severity_bucket(c),
        }
    }
}

/// inspecjs: `severityoverride`, else `severity`, when valid in any case (kept as written),
/// else from impact; the threshold compares the result with lower-case names.
fn saf_severity_bucket(c: &ControlResult) -> Option<Severity> {
    for tag in ["severityoverride", "severity"] {
        if let Some(s) = c.control.tags.get(tag).and_then(|v| v.as_str()) {
            if let Some(sev) = Severity::ALL
                .iter()
                .find(|sev| sev.name() == s.to_ascii_lowercase())
            {
                return (sev.name() == s).then_some(*sev);
            }
        }
    }
    Some(c.severity())
}

/// A violated rule: what it asked for and what the document had.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub key: String,
    pub expected: String,
    pub actual: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.key, self.expected, self.actual
        )
    }
}

/// The outcome for one document: met when no rule is violated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    pub violations: Vec<Violation>,
}

impl Verdict {
    pub fn met(&self) -> bool {
        self.violations.is_empty()
    }
}

#[derive(Default)]
struct Counts {
    total: BTreeMap<SafStatus, u32>,
    by_severity: BTreeMap<(SafStatus, Severity), u32>,
    ids: BTreeMap<(SafStatus, Severity), Vec<String>>,
}

impl Counts {
    fn of(controls: &[ControlOutcome]) -> Counts {
        let mut c = Counts::default();
        for ctl in controls {
            *c.total.entry(ctl.status).or_default() += 1;
            if let Some(sev) = ctl.severity {
                *c.by_severity.entry((ctl.status, sev)).or_default() += 1;
                c.ids
                    .entry((ctl.status, sev))
                    .or_default()
                    .push(ctl.id.clone());
            }
        }
        c
    }

    fn total(&self, s: SafStatus) -> u32 {
        self.total.get(&s).copied().unwrap_or(0)
    }

    fn compliance(&self) -> u32 {
        crate::results::compliance(|s| self.total(s))
    }
}

fn breaks(bound: Bound, actual: f64, value: f64) -> bool {
    match bound {
        Bound::Min => actual < value,
        Bound::Max => actual > value,
    }
}

/// Check every rule against the controls of one document's first profile.
pub fn evaluate(threshold: &Threshold, controls: &[ControlOutcome]) -> Verdict {
    let counts = Counts::of(controls);
    let mut violations = Vec::new();
    for rule in &threshold.rules {
        let actual = match rule {
            Rule::Compliance { bound, value } => {
                let c = counts.compliance();
                breaks(*bound, f64::from(c), *value).then(|| format!("{c}%"))
            }
            Rule::Exact { status, value } => {
                let n = counts.total(*status);
                (f64::from(n) != *value).then(|| n.to_string())
            }
            Rule::Total {
                status,
                bound,
                value,
            } => {
                let n = counts.total(*status);
                breaks(*bound, f64::from(n), *value).then(|| n.to_string())
            }
            Rule::BySeverity {
                status,
                severity,
                bound,
                value,
            } => {
                let n = counts
                    .by_severity
                    .get(&(*status, *severity))
                    .copied()
                    .unwrap_or(0);
                breaks(*bound, f64::from(n), *value).then(|| n.to_string())
            }
            Rule::Controls {
                status,
                severity,
                ids,
            } => {
                let actual = counts
                    .ids
                    .get(&(*status, *severity))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let ok = !actual.is_empty()
                    && ids.iter().all(|id| actual.contains(id))
                    && ids.len() == actual.len();
                (!ok).then(|| format!("[{}]", actual.join(", ")))
            }
        };
        if let Some(actual) = actual {
            violations.push(Violation {
                key: rule.key(),
                expected: rule.expected(),
                actual,
            });
        }
    }
    Verdict { violations }
}

/// Evaluate per document: the controls of the report's first profile, as SAF does.
pub fn evaluate_report(threshold: &Threshold, report: &crate::results::ContainerReport) -> Verdict {
    let controls: Vec<ControlOutcome> = report
        .first_profile_controls()
        .iter()
        .map(ControlOutcome::of)
        .collect();
    evaluate(threshold, &controls)
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// A YAML value with mapping order kept (SAF's unflattening depends on it).
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Num(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Num(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Node, E> {
                Ok(Node::Str(v))
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(n) = seq.next_element()? {
                    items.push(n);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    items.push((k, v));
                }
                Ok(Node::Map(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// A leaf of the threshold after flattening: `failed.critical.max` → 0.
#[derive(Debug, Clone, PartialEq)]
enum Leaf {
    Number(f64),
    Ids(Vec<String>),
}

struct Parser<'a> {
    source: &'a str,
    notes: Vec<String>,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> ThresholdError {
        ThresholdError {
            source_name: self.source.to_string(),
            message: message.into(),
        }
    }

    fn key_str(&self, key: &Node, path: &str) -> Result<String, ThresholdError> {
        match key {
            Node::Str(s) => Ok(s.clone()),
            other => Err(self.err(format!(
                "key {}{} is {}; keys are names like compliance, failed, critical, max",
                if path.is_empty() { "" } else { "under " },
                path,
                other.kind()
            ))),
        }
    }

    fn leaf(&self, key: &str, node: &Node) -> Result<Leaf, ThresholdError> {
        let is_controls = key.ends_with(".controls");
        match node {
            Node::Num(n) if !is_controls && n.is_finite() => Ok(Leaf::Number(*n)),
            Node::Seq(items) if is_controls => items
                .iter()
                .map(|i| match i {
                    Node::Str(s) => Ok(s.clone()),
                    other => Err(self.err(format!(
                        "'{key}' lists {}; control ids are strings (quote ids like '1.1')",
                        other.kind()
                    ))),
                })
                .collect::<Result<_, _>>()
                .map(Leaf::Ids),
            other if is_controls => Err(self.err(format!(
                "'{key}' must be a list of control ids, got {}",
                other.kind()
            ))),
            other => Err(self.err(format!("'{key}' must be a number, got {}", other.kind()))),
        }
    }

    /// Nested form: walk mappings, joining keys with dots.
    fn walk(
        &self,
        path: &str,
        node: &Node,
        out: &mut Vec<(String, Leaf)>,
    ) -> Result<(), ThresholdError> {
        match node {
            Node::Map(items) => {
                for (k, v) in items {
                    let k = self.key_str(k, path)?;
                    if k.contains('.') {
                        return Err(self.err(format!(
                            "key '{k}' under '{path}' has a dot; write keys fully nested \
                             (failed: {{critical: {{max: 0}}}}) or fully flattened at the top \
                             (failed.critical.max: 0)"
                        )));
                    }
                    self.walk(&format!("{path}.{k}"), v, out)?;
                }
                Ok(())
            }
            leaf => {
                check_key(path).map_err(|m| self.err(m))?;
                out.push((path.to_string(), self.leaf(path, leaf)?));
                Ok(())
            }
        }
    }
}

/// The shape a key can have; an error message naming the key otherwise.
fn check_key(key: &str) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    let statuses = "passed, failed, skipped, error, no_impact";
    let ok = match parts.as_slice() {
        ["compliance", "min" | "max"] => true,
        [s, "total"] => STATUS_KEYS.iter().any(|(k, _)| k == s),
        [s, "total", "min" | "max"] => STATUS_KEYS.iter().any(|(k, _)| k == s),
        ["no_impact", "none", "min" | "max" | "controls"] => true,
        [s, sev, "min" | "max" | "controls"] => {
            STATUS_KEYS.iter().any(|(k, _)| k == s)
                && ["critical", "high", "medium", "low"].contains(sev)
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let hint = match parts.first() {
        Some(&"compliance") => "compliance takes min and max".to_string(),
        Some(s) if STATUS_KEYS.iter().any(|(k, _)| k == s) => format!(
            "{s} takes total (a number, or min/max) or a severity (critical, high, medium, low{}) \
             with min, max or controls",
            if *s == "no_impact" { ", none" } else { "" }
        ),
        _ => format!("top-level keys are compliance, {statuses}"),
    };
    Err(format!("unknown key '{key}' ({hint})"))
}

fn rule_of(key: &str, leaf: Leaf, notes: &mut Vec<String>) -> Option<Rule> {
    let parts: Vec<&str> = key.split('.').collect();
    let status = |s: &str| STATUS_KEYS.iter().find(|(k, _)| *k == s).map(|(_, v)| *v);
    let bound = |b: &str| if b == "min" { Bound::Min } else { Bound::Max };
    let severity = |s: &str| Severity::ALL.iter().copied().find(|x| x.name() == s);
    match (parts.as_slice(), leaf) {
        (["compliance", b], Leaf::Number(value)) => {
            if value == 0.0 {
                notes.push(format!(
                    "{key}: 0 is not checked (saf validate threshold ignores a zero bound)"
                ));
                return None;
            }
            Some(Rule::Compliance {
                bound: bound(b),
                value,
            })
        }
        ([s, "total"], Leaf::Number(value)) => Some(Rule::Exact {
            status: status(s)?,
            value,
        }),
        (["no_impact", "total", _], Leaf::Number(_)) => {
            notes.push(format!(
                "{key} is not checked (saf validate threshold does not check no_impact totals; \
                 no_impact.total: N or no_impact.<severity>.max are)"
            ));
            None
        }
        ([s, "total", b], Leaf::Number(value)) => Some(Rule::Total {
            status: status(s)?,
            bound: bound(b),
            value,
        }),
        ([s, sev, "controls"], Leaf::Ids(ids)) => {
            if ids.is_empty() {
                notes.push(format!(
                    "{key}: [] never matches (as in saf validate threshold); use {s}.{sev}.max: 0"
                ));
            }
            Some(Rule::Controls {
                status: status(s)?,
                severity: severity(sev)?,
                ids,
            })
        }
        ([s, sev, b], Leaf::Number(value)) => Some(Rule::BySeverity {
            status: status(s)?,
            severity: severity(sev)?,
            bound: bound(b),
            value,
        }),
        _ => None,
    }
}

/// SAF's `unflattenThreshold`: each key replaces whatever its first two parts held before,
/// so of `failed.critical.min` and a later `failed.critical.max` only the last is kept.
fn unflatten(
    pairs: Vec<(String, f64)>,
    parser: &mut Parser<'_>,
) -> Result<Vec<(String, Leaf)>, ThresholdError> {
    // Per "left.middle", in first-seen order, the one key kept there: (slot, key, value).
    let mut slots: Vec<(String, String, f64)> = Vec::new();
    for (key, value) in pairs {
        check_key(&key).map_err(|m| parser.err(m))?;
        let slot: String = key.split('.').take(2).collect::<Vec<_>>().join(".");
        match slots.iter_mut().find(|(s, _, _)| *s == slot) {
            Some((_, kept, kept_value)) => {
                if *kept != key {
                    parser.notes.push(format!(
                        "{kept} is not checked: the later flattened key {key} replaces it \
                         (saf validate threshold unflattens this way); write the file nested \
                         to keep both"
                    ));
                }
                *kept = key;
                *kept_value = value;
            }
            None => slots.push((slot, key, value)),
        }
    }
    Ok(slots
        .into_iter()
        .map(|(_, k, v)| (k, Leaf::Number(v)))
        .collect())
}

fn build(leaves: Vec<(String, Leaf)>, parser: Parser<'_>) -> Threshold {
    let mut notes = parser.notes;
    let rules = leaves
        .into_iter()
        .filter_map(|(k, l)| rule_of(&k, l, &mut notes))
        .collect();
    Threshold { rules, notes }
}

impl Threshold {
    /// A threshold file's text (YAML or JSON, nested or flattened). `source` names it in errors.
    pub fn parse_file(text: &str, source: &str) -> Result<Threshold, ThresholdError> {
        let mut parser = Parser {
            source,
            notes: Vec::new(),
        };
        if text.trim().is_empty() {
            return Err(parser.err("the file is empty; see the README for the format"));
        }
        let root: Node =
            serde_saphyr::from_str(text).map_err(|e| parser.err(format!("not valid YAML: {e}")))?;
        let Node::Map(items) = &root else {
            return Err(parser.err(format!(
                "expected a mapping such as {{compliance: {{min: 80}}}}, got {}",
                root.kind()
            )));
        };
        let mut keyed = Vec::new();
        for (k, v) in items {
            keyed.push((parser.key_str(k, "")?, v));
        }
        // SAF: a file whose values are all numbers is flattened; anything else is nested.
        if keyed.iter().all(|(_, v)| matches!(v, Node::Num(_))) {
            let pairs = keyed
                .into_iter()
                .map(|(k, v)| match v {
                    Node::Num(n) if n.is_finite() => Ok((k, *n)),
                    _ => Err(parser.err(format!("'{k}' must be a finite number"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let leaves = unflatten(pairs, &mut parser)?;
            return Ok(build(leaves, parser));
        }
        let mut nested = Vec::new();
        let mut literal = Vec::new();
        for (k, v) in keyed {
            if k.contains('.') {
                check_key(&k).map_err(|m| parser.err(m))?;
                if let Some(bound) = k.strip_prefix("compliance.") {
                    // SAF reads `thresholds.compliance`, never a literal dotted key.
                    parser.notes.push(format!(
                        "{k} is not checked in a file that is not fully flattened (as in saf \
                         validate threshold); write compliance: {{{}: N}}",
                        bound
                    ));
                    continue;
                }
                literal.push((k.clone(), parser.leaf(&k, v)?));
            } else {
                parser.walk(&k, v, &mut nested)?;
            }
        }
        // SAF looks a path up as a literal key first (lodash `get`), so a literal wins.
        nested.retain(|(k, _)| !literal.iter().any(|(l, _)| l == k));
        nested.extend(literal);
        Ok(build(nested, parser))
    }

    /// `--threshold-inline`, parsed as SAF parses `-I`: `{a.b: N, c.d.e: M}` (numbers only).
    pub fn parse_inline(text: &str) -> Result<Threshold, ThresholdError> {
        let mut parser = Parser {
            source: "--threshold-inline",
            notes: Vec::new(),
        };
        let mut pairs = Vec::new();
        for piece in text.split(',') {
            // SAF strips the first '{' and '}' of each comma-separated piece.
            let piece = piece.trim().replacen('{', "", 1).replacen('}', "", 1);
            if piece.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = piece.split_once(':') else {
                return Err(parser.err(format!(
                    "'{}' is not 'key: number' (example: '{{compliance.min: 80, failed.critical.max: 0}}')",
                    piece.trim()
                )));
            };
            let key = key.trim().to_string();
            let value = value.trim();
            let n = parse_int_like_saf(value).ok_or_else(|| {
                parser.err(format!(
                    "'{key}' must be a number, got '{value}' (control lists need --threshold FILE)"
                ))
            })?;
            pairs.push((key, n));
        }
        if pairs.is_empty() {
            return Err(parser
                .err("no rules given (example: '{compliance.min: 80, failed.critical.max: 0}')"));
        }
        let leaves = unflatten(pairs, &mut parser)?;
        Ok(build(leaves, parser))
    }
}

/// JavaScript `parseInt(v, 10)` for well-formed input: an integer, or a decimal cut to its
/// integer part. Anything else (which parseInt would make NaN or partly read) is refused.
fn parse_int_like_saf(v: &str) -> Option<f64> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = int.strip_prefix(['-', '+']).unwrap_or(int);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    int.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctl(id: &str, status: SafStatus, sev: Severity) -> ControlOutcome {
        ControlOutcome {
            id: id.into(),
            status,
            severity: Some(sev),
        }
    }

    fn sample() -> Vec<ControlOutcome> {
        use SafStatus::*;
        vec![
            ctl("a", Passed, Severity::High),
            ctl("b", Passed, Severity::Medium),
            ctl("c", Failed, Severity::Critical),
            ctl("d", Failed, Severity::Medium),
            ctl("e", NotReviewed, Severity::Low),
            ctl("f", NotApplicable, Severity::None),
        ]
    }

    fn keys(v: &Verdict) -> Vec<&str> {
        v.violations.iter().map(|x| x.key.as_str()).collect()
    }

    #[test]
    fn nested_and_flattened_files_give_the_same_rules() {
        let nested = Threshold::parse_file(
            "compliance: {min: 40}\nfailed:\n  critical: {max: 0}\n  total: {max: 3}\n",
            "t.yml",
        )
        .unwrap();
        let flat = Threshold::parse_file(
            "compliance.min: 40\nfailed.critical.max: 0\nfailed.total.max: 3\n",
            "t.yml",
        )
        .unwrap();
        assert_eq!(nested.rules, flat.rules);
        assert_eq!(nested.rules.len(), 3);
        let v = evaluate(&flat, &sample());
        // compliance = round(100 * 2 / 5) = 40: exactly at the bound is met.
        assert_eq!(keys(&v), ["failed.critical.max"]);
        assert_eq!(
            v.violations[0].to_string(),
            "failed.critical.max: expected at most 0, got 1"
        );
    }

    #[test]
    fn compliance_bounds_are_inclusive_and_zero_is_ignored() {
        let t = Threshold::parse_file("compliance: {min: 41, max: 0}", "t").unwrap();
        assert_eq!(t.rules.len(), 1);
        assert!(t.notes[0].contains("compliance.max: 0 is not checked"));
        let v = evaluate(&t, &sample());
        assert_eq!(v.violations[0].actual, "40%");
        assert_eq!(v.violations[0].expected, "at least 41%");
        let t = Threshold::parse_file("compliance: {min: 0, max: 40}", "t").unwrap();
        assert_eq!(
            t.rules,
            [Rule::Compliance {
                bound: Bound::Max,
                value: 40.0
            }]
        );
        assert!(evaluate(&t, &sample()).met());
    }

    #[test]
    fn scalar_total_means_exactly() {
        let t = Threshold::parse_file("passed: {total: 2}\nfailed.total: 3", "t").unwrap();
        let v = evaluate(&t, &sample());
        assert_eq!(keys(&v), ["failed.total"]);
        assert_eq!(v.violations[0].expected, "exactly 3");
        assert_eq!(v.violations[0].actual, "2");
        let t = Threshold::parse_file("no_impact.total: 1\nskipped.total: 1", "t").unwrap();
        assert!(evaluate(&t, &sample()).met());
    }

    #[test]
    fn min_and_max_counts_by_total_and_severity() {
        let t = Threshold::parse_file(
            "passed: {total: {min: 3}, high: {min: 1}}\nerror: {total: {max: 0}}\n\
             no_impact: {none: {max: 0}}\nskipped: {low: {min: 1, max: 1}}",
            "t",
        )
        .unwrap();
        let v = evaluate(&t, &sample());
        assert_eq!(keys(&v), ["passed.total.min", "no_impact.none.max"]);
    }

    #[test]
    fn control_lists_match_exactly_and_empty_never_matches() {
        let t = Threshold::parse_file(
            "failed:\n  medium: {controls: [d]}\n  critical: {controls: [c, x]}\n\
             passed: {high: {controls: []}}\nerror: {low: {controls: []}}",
            "t",
        )
        .unwrap();
        let v = evaluate(&t, &sample());
        assert_eq!(
            keys(&v),
            [
                "failed.critical.controls",
                "passed.high.controls",
                "error.low.controls"
            ]
        );
        assert_eq!(v.violations[0].actual, "[c]");
        assert_eq!(v.violations[2].actual, "[]");
        assert_eq!(t.notes.len(), 2, "{:?}", t.notes);
    }

    #[test]
    fn flattened_file_with_lists_is_read_like_saf() {
        let t = Threshold::parse_file(
            "failed.critical.controls: [c]\nfailed.critical.max: 1\ncompliance.min: 99",
            "t",
        )
        .unwrap();
        assert_eq!(t.rules.len(), 2);
        assert!(t.notes[0].contains("compliance.min is not checked"));
        assert!(evaluate(&t, &sample()).met());
    }

    #[test]
    fn flattened_numbers_unflatten_like_saf() {
        let t = Threshold::parse_file(
            "failed.critical.min: 5\nfailed.critical.max: 0\ncompliance.min: 10\ncompliance.max: 90",
            "t",
        )
        .unwrap();
        assert_eq!(t.rules.len(), 3, "{:?}", t.rules);
        assert!(t.notes[0].starts_with("failed.critical.min is not checked"));
        assert_eq!(keys(&evaluate(&t, &sample())), ["failed.critical.max"]);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_naming_them() {
        for (text, needle) in [
            (
                "compliance: {minimum: 80}",
                "unknown key 'compliance.minimum'",
            ),
            (
                "failed: {critcal: {max: 0}}",
                "unknown key 'failed.critcal.max'",
            ),
            ("failed.total.max: 1\nfoo: 2", "unknown key 'foo'"),
            ("passed: {none: {max: 1}}", "unknown key 'passed.none.max'"),
            (
                "failed.critical.max.x: 1",
                "unknown key 'failed.critical.max.x'",
            ),
            ("failed: {critical: 3}", "unknown key 'failed.critical'"),
            (
                "failed: {critical: {max: '0'}}",
                "'failed.critical.max' must be a number",
            ),
            (
                "failed: {critical: {controls: [1.1]}}",
                "control ids are strings",
            ),
            (
                "failed: {critical: {controls: a}}",
                "must be a list of control ids",
            ),
            ("- 1", "expected a mapping"),
            ("", "empty"),
            ("compliance: {min: [", "not valid YAML"),
            ("failed: {'critical.max': 0}", "has a dot"),
        ] {
            let e = Threshold::parse_file(text, "gate.yml").unwrap_err();
            assert!(e.to_string().starts_with("threshold gate.yml: "), "{e}");
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn inline_like_saf() {
        let t = Threshold::parse_inline("{compliance.min: 80, failed.critical.max: 0}").unwrap();
        assert_eq!(
            t.rules,
            [
                Rule::Compliance {
                    bound: Bound::Min,
                    value: 80.0
                },
                Rule::BySeverity {
                    status: SafStatus::Failed,
                    severity: Severity::Critical,
                    bound: Bound::Max,
                    value: 0.0
                }
            ]
        );
        // SAF's documented form: one object per rule.
        let t = Threshold::parse_inline("{compliance.min: 80}, {passed.total.min: 18}").unwrap();
        assert_eq!(t.rules.len(), 2);
        let t = Threshold::parse_inline("{failed.total.max: 2.9}").unwrap();
        assert_eq!(t.rules[0].expected(), "at most 2");
        let e = Threshold::parse_inline("{compliance.mni: 80}").unwrap_err();
        assert!(
            e.to_string().contains("unknown key 'compliance.mni'"),
            "{e}"
        );
        let e = Threshold::parse_inline("{compliance.min: high}").unwrap_err();
        assert!(e.to_string().contains("must be a number"), "{e}");
        assert!(Threshold::parse_inline("{}").is_err());
    }

    #[test]
    fn generated_files_are_accepted() {
        // The shape `saf generate threshold -c` writes.
        let t = Threshold::parse_file(
            "compliance:\n  min: 40\npassed:\n  critical:\n    min: 0\n  total:\n    min: 2\n\
             no_impact:\n  none:\n    max: 1\n  total:\n    max: 1\n\
             failed:\n  critical:\n    controls:\n      - c\n",
            "t",
        )
        .unwrap();
        assert!(t.notes[0].contains("no_impact.total.max is not checked"));
        assert!(evaluate(&t, &sample()).met());
    }

    #[test]
    fn severity_bucket_follows_inspecjs() {
        use crate::results::ControlMeta;
        let mut control = ControlMeta {
            id: "x".into(),
            impact: 0.5,
            line: 1,
            ..Default::default()
        };
        control.tags.insert("severity".into(), "high".into());
        let cr = ControlResult {
            control: std::sync::Arc::new(control.clone()),
            results: vec![],
        };
        assert_eq!(saf_severity_bucket(&cr), Some(Severity::High));
        control.tags.insert("severity".into(), "High".into());
        let cr = ControlResult {
            control: std::sync::Arc::new(control),
            results: vec![],
        };
        assert_eq!(saf_severity_bucket(&cr), None);
    }
}
