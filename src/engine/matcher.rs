//! Matchers: what must hold of a resource's value, and messages that say why not.

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

/// `field` (optional, dotted) selects part of the value; `op` tests it.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawMatcher")]
pub struct Matcher {
    pub field: Option<String>,
    pub op: Op,
}

#[derive(Debug, Clone)]
pub enum Op {
    Exists(bool),
    Equals(Value),
    NotEquals(Value),
    OneOf(Vec<Value>),
    Contains(Value),
    Regex(Regex),
    ModeAtMost(u32),
    Cmp(CmpOp, f64),
    Empty(bool),
    All(Box<Matcher>),
    Any(Box<Matcher>),
    None(Box<Matcher>),
    Count(Box<Matcher>),
    UniqueBy(String),
    Not(Box<Matcher>),
    AllOf(Vec<Matcher>),
    AnyOf(Vec<Matcher>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// The operator names, for errors and the JSON Schema.
pub const OPERATORS: &[&str] = &[
    "exists",
    "equals",
    "not_equals",
    "one_of",
    "contains",
    "regex",
    "mode_at_most",
    "lt",
    "le",
    "gt",
    "ge",
    "empty",
    "all",
    "any",
    "none",
    "count",
    "unique_by",
    "not",
    "all_of",
    "any_of",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatcher {
    field: Option<String>,
    exists: Option<bool>,
    equals: Option<Value>,
    not_equals: Option<Value>,
    one_of: Option<Vec<Value>>,
    contains: Option<Value>,
    regex: Option<String>,
    mode_at_most: Option<Value>,
    lt: Option<f64>,
    le: Option<f64>,
    gt: Option<f64>,
    ge: Option<f64>,
    empty: Option<bool>,
    all: Option<Box<Matcher>>,
    any: Option<Box<Matcher>>,
    none: Option<Box<Matcher>>,
    count: Option<Box<Matcher>>,
    unique_by: Option<String>,
    not: Option<Box<Matcher>>,
    all_of: Option<Vec<Matcher>>,
    any_of: Option<Vec<Matcher>>,
}

fn parse_mode(v: &Value) -> Result<u32, String> {
    // YAML reads unquoted modes inconsistently (0644, 0o644, 420), so only text is taken.
    let Value::String(text) = v else {
        return Err(format!(
            "'mode_at_most' must be a quoted octal string like \"0644\", got {v}"
        ));
    };
    u32::from_str_radix(text.trim_start_matches("0o"), 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| format!("'mode_at_most' must be an octal mode like \"0644\", got '{text}'"))
}

impl TryFrom<RawMatcher> for Matcher {
    type Error = String;

    fn try_from(r: RawMatcher) -> Result<Self, String> {
        let mut ops = Vec::new();
        if let Some(v) = r.exists {
            ops.push(Op::Exists(v));
        }
        if let Some(v) = r.equals {
            ops.push(Op::Equals(v));
        }
        if let Some(v) = r.not_equals {
            ops.push(Op::NotEquals(v));
        }
        if let Some(v) = r.one_of {
            ops.push(Op::OneOf(v));
        }
        if let Some(v) = r.contains {
            ops.push(Op::Contains(v));
        }
        if let Some(v) = r.regex {
            let re = Regex::new(&v).map_err(|e| format!("invalid 'regex' {v:?}: {e}"))?;
            ops.push(Op::Regex(re));
        }
        if let Some(v) = r.mode_at_most {
            ops.push(Op::ModeAtMost(parse_mode(&v)?));
        }
        for (op, v) in [
            (CmpOp::Lt, r.lt),
            (CmpOp::Le, r.le),
            (CmpOp::Gt, r.gt),
            (CmpOp::Ge, r.ge),
        ] {
            if let Some(v) = v {
                ops.push(Op::Cmp(op, v));
            }
        }
        if let Some(v) = r.empty {
            ops.push(Op::Empty(v));
        }
        if let Some(v) = r.all {
            ops.push(Op::All(v));
        }
        if let Some(v) = r.any {
            ops.push(Op::Any(v));
        }
        if let Some(v) = r.none {
            ops.push(Op::None(v));
        }
        if let Some(v) = r.count {
            ops.push(Op::Count(v));
        }
        if let Some(v) = r.unique_by {
            ops.push(Op::UniqueBy(v));
        }
        if let Some(v) = r.not {
            ops.push(Op::Not(v));
        }
        if let Some(v) = r.all_of {
            ops.push(Op::AllOf(v));
        }
        if let Some(v) = r.any_of {
            ops.push(Op::AnyOf(v));
        }
        match ops.len() {
            1 => Ok(Matcher {
                field: r.field,
                op: ops.remove(0),
            }),
            0 => Err(format!(
                "a matcher needs one operator (one of: {})",
                OPERATORS.join(", ")
            )),
            _ => Err("a matcher takes exactly one operator; use all_of to combine several".into()),
        }
    }
}

/// Look up a dotted path; `None` when any part is missing or null.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = value;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// How an entry of a list is named in messages: its path, name or id.
pub fn label(value: &Value) -> String {
    for key in ["path", "name", "id"] {
        if let Some(Value::String(s)) = value.get(key) {
            return s.clone();
        }
    }
    show(value)
}

/// A value as people read it: strings bare, everything else as JSON, long values cut.
pub fn show(value: &Value) -> String {
    let s = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let s = s.escape_debug().to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}

fn show_field(field: &str, value: &Value) -> String {
    match (field.rsplit('.').next(), value.as_u64()) {
        (Some("mode"), Some(m)) => format!("{m:04o}"),
        _ => show(value),
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Equality that forgives 1 vs "1" and 1 vs 1.0, as profile authors expect from YAML.
fn loosely_equal(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Number(_), Value::String(_)) | (Value::String(_), Value::Number(_)) => {
            matches!((as_f64(a), as_f64(b)), (Some(x), Some(y)) if x == y)
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => false,
    }
}

const LIST_SHOWN: usize = 5;

fn list_labels(items: &[&Value]) -> String {
    let mut names: Vec<String> = items.iter().take(LIST_SHOWN).map(|v| label(v)).collect();
    if items.len() > LIST_SHOWN {
        names.push(format!("+{} more", items.len() - LIST_SHOWN));
    }
    names.join(", ")
}

impl Matcher {
    /// `Ok(())` when the value matches; `Err(reason)` otherwise.
    pub fn eval(&self, value: &Value) -> Result<(), String> {
        let name = self.field.as_deref().unwrap_or("value");
        let selected = match &self.field {
            Some(f) => lookup(value, f),
            None => (!value.is_null()).then_some(value),
        };
        let subject = match &self.op {
            Op::Exists(want) => {
                return match (selected.is_some(), *want) {
                    (true, true) | (false, false) => Ok(()),
                    (false, true) => Err(format!("{name} is missing")),
                    (true, false) => Err(format!("{name} is present")),
                }
            }
            // Logical operators see the same value as their parent.
            Op::Not(m) => {
                let target = selected.unwrap_or(&Value::Null);
                return match m.eval(target) {
                    Ok(()) => Err(format!("{} (negated)", m.describe())),
                    Err(_) => Ok(()),
                };
            }
            Op::AllOf(ms) => {
                let target = selected.unwrap_or(&Value::Null);
                return ms.iter().try_for_each(|m| m.eval(target));
            }
            Op::AnyOf(ms) => {
                let target = selected.unwrap_or(&Value::Null);
                let mut reasons = Vec::new();
                for m in ms {
                    match m.eval(target) {
                        Ok(()) => return Ok(()),
                        Err(r) => reasons.push(r),
                    }
                }
                return Err(reasons.join("; and "));
            }
            // A missing list is an empty list for these.
            Op::Empty(_) | Op::All(_) | Op::None(_) | Op::Count(_) | Op::UniqueBy(_)
                if selected.is_none() =>
            {
                &Value::Array(Vec::new())
            }
            _ => match selected {
                Some(v) => v,
                None => return Err(format!("{name} is missing")),
            },
        };
        self.eval_op(name, subject)
    }

    /// Whether the value matches: the same answer as `eval(value).is_ok()`, without building
    /// a message. Walk filters run this once per entry, so it must not allocate.
    pub fn test(&self, value: &Value) -> bool {
        let selected = match &self.field {
            Some(f) => lookup(value, f),
            None => (!value.is_null()).then_some(value),
        };
        const EMPTY: &Value = &Value::Array(Vec::new());
        let v = match &self.op {
            Op::Exists(want) => return selected.is_some() == *want,
            Op::Not(m) => return !m.test(selected.unwrap_or(&Value::Null)),
            Op::AllOf(ms) => {
                let target = selected.unwrap_or(&Value::Null);
                return ms.iter().all(|m| m.test(target));
            }
            Op::AnyOf(ms) => {
                let target = selected.unwrap_or(&Value::Null);
                return ms.iter().any(|m| m.test(target));
            }
            Op::Empty(_) | Op::All(_) | Op::None(_) | Op::Count(_) | Op::UniqueBy(_)
                if selected.is_none() =>
            {
                EMPTY
            }
            _ => match selected {
                Some(v) => v,
                None => return false,
            },
        };
        match &self.op {
            Op::Equals(want) => loosely_equal(v, want),
            Op::NotEquals(want) => !loosely_equal(v, want),
            Op::OneOf(options) => options.iter().any(|o| loosely_equal(v, o)),
            Op::Contains(want) => match (v, want) {
                (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
                (Value::Array(items), w) => items.iter().any(|i| loosely_equal(i, w)),
                _ => false,
            },
            Op::Regex(re) => match v {
                Value::String(s) => re.is_match(s),
                other => re.is_match(&other.to_string()),
            },
            Op::ModeAtMost(max) => v
                .as_u64()
                .is_some_and(|mode| (mode as u32) & 0o7777 & !max == 0),
            Op::Cmp(op, bound) => as_f64(v).is_some_and(|n| match op {
                CmpOp::Lt => n < *bound,
                CmpOp::Le => n <= *bound,
                CmpOp::Gt => n > *bound,
                CmpOp::Ge => n >= *bound,
            }),
            Op::Empty(want) => {
                let len = match v {
                    Value::Array(a) => a.len(),
                    Value::String(s) => s.trim().len(),
                    Value::Object(o) => o.len(),
                    _ => 1,
                };
                (len == 0) == *want
            }
            Op::All(m) => v.as_array().is_some_and(|a| a.iter().all(|i| m.test(i))),
            Op::Any(m) => v.as_array().is_some_and(|a| a.iter().any(|i| m.test(i))),
            Op::None(m) => v.as_array().is_some_and(|a| !a.iter().any(|i| m.test(i))),
            Op::Count(m) => v.as_array().is_some_and(|a| m.test(&Value::from(a.len()))),
            Op::UniqueBy(_) => self.eval_op("value", v).is_ok(),
            Op::Exists(_) | Op::Not(_) | Op::AllOf(_) | Op::AnyOf(_) => {
                unreachable!("handled above")
            }
        }
    }

    fn eval_op(&self, name: &str, v: &Value) -> Result<(), String> {
        let shown = || show_field(name, v);
        match &self.op {
            Op::Equals(want) => {
                if loosely_equal(v, want) {
                    Ok(())
                } else {
                    Err(format!("{name} is {}, expected {}", shown(), show(want)))
                }
            }
            Op::NotEquals(want) => {
                if loosely_equal(v, want) {
                    Err(format!("{name} is {}", shown()))
                } else {
                    Ok(())
                }
            }
            Op::OneOf(options) => {
                if options.iter().any(|o| loosely_equal(v, o)) {
                    Ok(())
                } else {
                    let opts: Vec<String> = options.iter().map(show).collect();
                    Err(format!(
                        "{name} is {}, expected one of {}",
                        shown(),
                        opts.join(", ")
                    ))
                }
            }
            Op::Contains(want) => {
                let found = match (v, want) {
                    (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
                    (Value::Array(items), w) => items.iter().any(|i| loosely_equal(i, w)),
                    _ => false,
                };
                if found {
                    Ok(())
                } else {
                    Err(format!("{name} does not contain {}", show(want)))
                }
            }
            Op::Regex(re) => {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if re.is_match(&text) {
                    Ok(())
                } else {
                    Err(format!(
                        "{name} {} does not match /{}/",
                        shown(),
                        re.as_str()
                    ))
                }
            }
            Op::ModeAtMost(max) => {
                let mode = v.as_u64().ok_or_else(|| format!("{name} is not a mode"))? as u32;
                let extra = mode & 0o7777 & !max;
                if extra == 0 {
                    Ok(())
                } else {
                    Err(format!(
                        "{name} {:04o} is more permissive than {max:04o}",
                        mode & 0o7777
                    ))
                }
            }
            Op::Cmp(op, bound) => {
                let n = as_f64(v).ok_or_else(|| format!("{name} {} is not a number", shown()))?;
                let (ok, word) = match op {
                    CmpOp::Lt => (n < *bound, "<"),
                    CmpOp::Le => (n <= *bound, "<="),
                    CmpOp::Gt => (n > *bound, ">"),
                    CmpOp::Ge => (n >= *bound, ">="),
                };
                if ok {
                    Ok(())
                } else {
                    Err(format!("{name} is {}, expected {word} {bound}", shown()))
                }
            }
            Op::Empty(want) => {
                let len = match v {
                    Value::Array(a) => a.len(),
                    Value::String(s) => s.trim().len(),
                    Value::Object(o) => o.len(),
                    _ => 1,
                };
                match (len == 0, *want) {
                    (true, true) | (false, false) => Ok(()),
                    (false, true) => match v {
                        Value::Array(a) => {
                            let items: Vec<&Value> = a.iter().collect();
                            Err(format!("found {}: {}", a.len(), list_labels(&items)))
                        }
                        _ => Err(format!("{name} is not empty: {}", shown())),
                    },
                    (true, false) => Err(format!("{name} is empty")),
                }
            }
            Op::All(m) | Op::Any(m) | Op::None(m) => {
                let items = v
                    .as_array()
                    .ok_or_else(|| format!("{name} is not a list"))?;
                let (good, bad): (Vec<&Value>, Vec<&Value>) =
                    items.iter().partition(|i| m.eval(i).is_ok());
                match &self.op {
                    Op::All(_) if bad.is_empty() => Ok(()),
                    Op::All(_) => {
                        let first = m.eval(bad[0]).err().unwrap_or_default();
                        Err(format!(
                            "{} of {} do not match: {} ({}: {first})",
                            bad.len(),
                            items.len(),
                            list_labels(&bad),
                            label(bad[0])
                        ))
                    }
                    Op::Any(_) if !good.is_empty() => Ok(()),
                    Op::Any(_) => Err(format!("none of {} match {}", items.len(), m.describe())),
                    _ if good.is_empty() => Ok(()),
                    _ => Err(format!(
                        "{} match {}: {}",
                        good.len(),
                        m.describe(),
                        list_labels(&good)
                    )),
                }
            }
            Op::Count(m) => {
                let n = v
                    .as_array()
                    .map(Vec::len)
                    .ok_or_else(|| format!("{name} is not a list"))?;
                m.eval(&Value::from(n)).map_err(|r| format!("count: {r}"))
            }
            Op::UniqueBy(key) => {
                let items = v
                    .as_array()
                    .ok_or_else(|| format!("{name} is not a list"))?;
                let mut seen: Vec<(&Value, &Value)> = Vec::new();
                let mut dups = Vec::new();
                for item in items {
                    let Some(k) = lookup(item, key) else { continue };
                    if let Some((_, first)) = seen.iter().find(|(sk, _)| loosely_equal(sk, k)) {
                        dups.push(format!(
                            "{} {} shared by {} and {}",
                            key,
                            show(k),
                            label(first),
                            label(item)
                        ));
                    } else {
                        seen.push((k, item));
                    }
                }
                if dups.is_empty() {
                    Ok(())
                } else {
                    Err(dups
                        .into_iter()
                        .take(LIST_SHOWN)
                        .collect::<Vec<_>>()
                        .join("; "))
                }
            }
            Op::Exists(_) | Op::Not(_) | Op::AllOf(_) | Op::AnyOf(_) => {
                unreachable!("handled in eval")
            }
        }
    }

    /// A short text of what this matcher wants, for messages.
    pub fn describe(&self) -> String {
        let f = self.field.as_deref().unwrap_or("value");
        match &self.op {
            Op::Exists(true) => format!("{f} exists"),
            Op::Exists(false) => format!("{f} absent"),
            Op::Equals(v) => format!("{f} = {}", show(v)),
            Op::NotEquals(v) => format!("{f} != {}", show(v)),
            Op::OneOf(v) => format!(
                "{f} in [{}]",
                v.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            Op::Contains(v) => format!("{f} contains {}", show(v)),
            Op::Regex(r) => format!("{f} =~ /{}/", r.as_str()),
            Op::ModeAtMost(m) => format!("{f} <= {m:04o}"),
            Op::Cmp(op, b) => {
                let w = match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                };
                format!("{f} {w} {b}")
            }
            Op::Empty(true) => format!("{f} empty"),
            Op::Empty(false) => format!("{f} not empty"),
            Op::All(m) => format!("all {}", m.describe()),
            Op::Any(m) => format!("any {}", m.describe()),
            Op::None(m) => format!("no {}", m.describe()),
            Op::Count(m) => format!("count {}", m.describe()),
            Op::UniqueBy(k) => format!("unique {k}"),
            Op::Not(m) => format!("not ({})", m.describe()),
            Op::AllOf(ms) => ms
                .iter()
                .map(Matcher::describe)
                .collect::<Vec<_>>()
                .join(" and "),
            Op::AnyOf(ms) => ms
                .iter()
                .map(Matcher::describe)
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }

    /// Every field name this matcher (and its children) reads at the top level.
    pub fn top_fields(&self, out: &mut Vec<String>) {
        if let Some(f) = &self.field {
            out.push(f.split('.').next().unwrap_or(f).to_string());
            return;
        }
        match &self.op {
            Op::Not(m) => m.top_fields(out),
            Op::AllOf(ms) | Op::AnyOf(ms) => ms.iter().for_each(|m| m.top_fields(out)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(yaml: &str) -> Matcher {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn equals_and_numbers_from_strings() {
        assert!(m("{field: uid, equals: 0}")
            .eval(&json!({"uid": 0}))
            .is_ok());
        assert!(m("{field: uid, equals: '0'}")
            .eval(&json!({"uid": 0}))
            .is_ok());
        let e = m("{field: uid, equals: 0}")
            .eval(&json!({"uid": 1000}))
            .unwrap_err();
        assert_eq!(e, "uid is 1000, expected 0");
        assert_eq!(
            m("{field: uid, equals: 0}").eval(&json!({})).unwrap_err(),
            "uid is missing"
        );
    }

    #[test]
    fn mode_at_most_takes_quoted_octal_strings_only() {
        let want = m("{field: mode, mode_at_most: '0644'}");
        assert!(want.eval(&json!({"mode": 0o644})).is_ok());
        assert!(want.eval(&json!({"mode": 0o600})).is_ok());
        assert_eq!(
            want.eval(&json!({"mode": 0o666})).unwrap_err(),
            "mode 0666 is more permissive than 0644"
        );
        for unquoted in ["0640", "0o644", "420"] {
            let e = serde_saphyr::from_str::<Matcher>(&format!("{{mode_at_most: {unquoted}}}"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("quoted octal string"), "{unquoted}: {e}");
        }
        assert!(serde_saphyr::from_str::<Matcher>("{mode_at_most: '0999'}").is_err());
    }

    #[test]
    fn list_operators_name_the_offending_entries() {
        let users = json!([
            {"name": "root", "uid": 0},
            {"name": "toor", "uid": 0},
            {"name": "app", "uid": 1000}
        ]);
        let only_root =
            m("{none: {all_of: [{field: uid, equals: 0}, {field: name, not_equals: root}]}}");
        assert_eq!(
            only_root.eval(&users).unwrap_err(),
            "1 match uid = 0 and name != root: toor"
        );
        assert!(m("{any: {field: name, equals: app}}").eval(&users).is_ok());
        assert!(m("{all: {field: uid, lt: 70000}}").eval(&users).is_ok());
        assert!(m("{count: {equals: 3}}").eval(&users).is_ok());
        let dup = m("{unique_by: uid}").eval(&users).unwrap_err();
        assert_eq!(dup, "uid 0 shared by root and toor");
        assert_eq!(
            m("{empty: true}").eval(&users).unwrap_err(),
            "found 3: root, toor, app"
        );
    }

    #[test]
    fn missing_lists_are_empty_and_logical_operators_compose() {
        let spec = json!({"securityContext": {}});
        assert!(
            m("{field: securityContext.capabilities.add, none: {equals: SYS_ADMIN}}")
                .eval(&spec)
                .is_ok()
        );
        assert!(m("{field: image, not: {regex: ':latest$'}}")
            .eval(&json!({"image": "x:1"}))
            .is_ok());
        assert!(m("{field: image, not: {regex: ':latest$'}}")
            .eval(&json!({"image": "x:latest"}))
            .is_err());
        let any = m("{any_of: [{field: a, equals: 1}, {field: b, equals: 2}]}");
        assert!(any.eval(&json!({"b": 2})).is_ok());
        assert_eq!(
            any.eval(&json!({"a": 3})).unwrap_err(),
            "a is 3, expected 1; and b is missing"
        );
    }

    #[test]
    fn matcher_needs_exactly_one_operator() {
        let none = serde_saphyr::from_str::<Matcher>("{field: x}")
            .unwrap_err()
            .to_string();
        assert!(none.contains("needs one operator"), "{none}");
        let two = serde_saphyr::from_str::<Matcher>("{equals: 1, lt: 2}")
            .unwrap_err()
            .to_string();
        assert!(two.contains("exactly one operator"), "{two}");
        let re = serde_saphyr::from_str::<Matcher>("{regex: '('}")
            .unwrap_err()
            .to_string();
        assert!(re.contains("invalid 'regex'"), "{re}");
    }

    #[test]
    fn test_agrees_with_eval_everywhere() {
        let matchers = [
            "{field: uid, equals: 0}",
            "{field: uid, equals: '0'}",
            "{field: uid, not_equals: 0}",
            "{field: type, one_of: [file, directory]}",
            "{field: name, contains: ss}",
            "{field: groups, contains: 10}",
            "{field: name, regex: '^s.*d$'}",
            "{field: uid, regex: '^1'}",
            "{field: mode, mode_at_most: '0644'}",
            "{field: size, lt: 10}",
            "{field: size, ge: 10}",
            "{field: groups, empty: true}",
            "{field: name, empty: false}",
            "{field: groups, all: {lt: 100}}",
            "{field: groups, any: {equals: 10}}",
            "{field: groups, none: {equals: 10}}",
            "{field: groups, count: {equals: 2}}",
            "{field: people, unique_by: uid}",
            "{field: missing, exists: false}",
            "{field: name, exists: true}",
            "{field: name, not: {regex: sh}}",
            "{all_of: [{field: type, equals: file}, {field: world_writable, equals: true}]}",
            "{any_of: [{field: setuid, equals: true}, {field: setgid, equals: true}]}",
            "{field: missing, all: {equals: 1}}",
            "{field: missing, equals: 1}",
            "{empty: true}",
        ];
        let values = [
            json!({"uid": 0, "name": "sshd", "type": "file", "mode": 0o644, "size": 3,
                   "groups": [10, 20], "world_writable": true, "setuid": false, "setgid": true,
                   "people": [{"uid": 1}, {"uid": 1}]}),
            json!({"uid": "1000", "name": "", "type": "directory", "mode": 0o777, "size": "12",
                   "groups": [], "world_writable": false, "setuid": false, "setgid": false,
                   "people": [{"uid": 1}, {"uid": 2}]}),
            json!({"uid": null, "name": 5, "mode": "x", "groups": "none"}),
            json!([]),
            json!([1]),
            Value::Null,
        ];
        for text in matchers {
            let matcher = m(text);
            for v in &values {
                assert_eq!(matcher.test(v), matcher.eval(v).is_ok(), "{text} on {v}");
            }
        }
    }

    #[test]
    fn hostile_values_are_escaped_in_messages() {
        let e = m("{field: name, equals: x}")
            .eval(&json!({"name": "a\nb\u{1b}[31m"}))
            .unwrap_err();
        assert!(!e.contains('\n') && !e.contains('\u{1b}'), "{e}");
    }
}
