//! Walk checks evaluated as entries stream in: each entry is tested once against every check's
//! filter and only the matches are kept (bounded), so a walk costs constant memory.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::facts::{Stat, WalkEntry};
use super::matcher::Matcher;
use super::profile::WalkSpec;

/// At most this many matching entries are kept per check; more are counted, not kept.
pub const MAX_KEPT_MATCHES: usize = 10_000;

/// Which entries of a walk one check looks at: those its `where` filter selects, or all.
#[derive(Debug, Clone)]
pub struct Selector {
    /// Identifies the filter; identical filters share one key and one selection.
    pub key: String,
    pub filter: Option<Matcher>,
}

impl PartialEq for Selector {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Selector {
    pub fn new(filter: Option<&Matcher>) -> Selector {
        Selector {
            key: selector_key(filter),
            filter: filter.cloned(),
        }
    }
}

/// The key of a check's filter (its full structure, so different filters never share one).
pub fn selector_key(filter: Option<&Matcher>) -> String {
    filter.map_or_else(|| "all".to_string(), |f| format!("{f:?}"))
}

/// The entries one selector matched: how many, and the first `MAX_KEPT_MATCHES` in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub matched: u64,
    pub kept: Vec<WalkEntry>,
}

impl Selection {
    /// Whether matches were counted but not kept.
    pub fn cut(&self) -> bool {
        self.matched > self.kept.len() as u64
    }
}

/// What a walk found, per selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkFact {
    /// Entries walked.
    pub entries: u64,
    /// Stopped at `max_entries`.
    pub truncated: bool,
    /// Directories or files that could not be read (e.g. permission denied).
    pub unreadable: u32,
    /// The first of those, as the walker reported it.
    pub unreadable_example: Option<String>,
    pub selections: BTreeMap<String, Selection>,
}

/// The value a walk entry has for matchers.
pub fn entry_value(e: &WalkEntry) -> Value {
    let mut v = EntryValue::new();
    v.set(&e.path, &e.stat);
    v.value
}

/// One entry's value, rebuilt in place for every entry so that no entry allocates.
struct EntryValue {
    value: Value,
}

impl EntryValue {
    fn new() -> EntryValue {
        let mut map = Map::new();
        for key in ["path", "name", "type"] {
            map.insert(key.into(), Value::String(String::with_capacity(64)));
        }
        for key in ["mode", "uid", "gid", "size"] {
            map.insert(key.into(), Value::from(0));
        }
        for key in ["setuid", "setgid", "sticky", "world_writable"] {
            map.insert(key.into(), Value::Bool(false));
        }
        EntryValue {
            value: Value::Object(map),
        }
    }

    fn set(&mut self, path: &str, stat: &Stat) {
        let Value::Object(map) = &mut self.value else {
            unreachable!("an entry value is an object")
        };
        let m = stat.mode;
        let name = path.rsplit('/').next().unwrap_or(path);
        for (key, text) in [("path", path), ("name", name), ("type", stat.kind.name())] {
            if let Some(Value::String(s)) = map.get_mut(key) {
                s.clear();
                s.push_str(text);
            }
        }
        for (key, n) in [
            ("mode", u64::from(m)),
            ("uid", u64::from(stat.uid)),
            ("gid", u64::from(stat.gid)),
            ("size", stat.size),
        ] {
            if let Some(v) = map.get_mut(key) {
                *v = Value::from(n);
            }
        }
        for (key, b) in [
            ("setuid", m & 0o4000 != 0),
            ("setgid", m & 0o2000 != 0),
            ("sticky", m & 0o1000 != 0),
            ("world_writable", m & 0o002 != 0),
        ] {
            if let Some(v) = map.get_mut(key) {
                *v = Value::Bool(b);
            }
        }
    }
}

/// Receives a walk's entries one by one, as a walker or a probe parser produces them.
pub struct WalkCollector<'a> {
    max_entries: u64,
    selectors: &'a [Selector],
    scratch: EntryValue,
    fact: WalkFact,
    counts: Vec<Selection>,
}

impl<'a> WalkCollector<'a> {
    pub fn new(spec: &WalkSpec, selectors: &'a [Selector]) -> WalkCollector<'a> {
        WalkCollector {
            max_entries: u64::from(spec.max_entries),
            selectors,
            scratch: EntryValue::new(),
            fact: WalkFact::default(),
            counts: vec![Selection::default(); selectors.len()],
        }
    }

    /// Whether the walk may go on; `false` once `max_entries` entries were taken.
    pub fn wants_more(&self) -> bool {
        self.fact.entries < self.max_entries
    }

    /// One entry; past `max_entries` it only marks the walk as truncated.
    pub fn push(&mut self, path: &str, stat: &Stat) {
        if !self.wants_more() {
            self.fact.truncated = true;
            return;
        }
        self.fact.entries += 1;
        let mut set = false;
        for (selector, selection) in self.selectors.iter().zip(&mut self.counts) {
            let hit = match &selector.filter {
                None => true,
                Some(filter) => {
                    if !set {
                        self.scratch.set(path, stat);
                        set = true;
                    }
                    filter.test(&self.scratch.value)
                }
            };
            if hit {
                selection.matched += 1;
                if selection.kept.len() < MAX_KEPT_MATCHES {
                    selection.kept.push(WalkEntry {
                        path: path.to_string(),
                        stat: stat.clone(),
                    });
                }
            }
        }
    }

    /// Something the walker could not read; the first one is kept as an example.
    pub fn unreadable(&mut self, example: impl FnOnce() -> String) {
        self.fact.unreadable = self.fact.unreadable.saturating_add(1);
        if self.fact.unreadable_example.is_none() {
            self.fact.unreadable_example = Some(example());
        }
    }

    /// Mark the walk as stopped early (e.g. the probe's byte cap was reached).
    pub fn set_truncated(&mut self) {
        self.fact.truncated = true;
    }

    pub fn finish(mut self) -> WalkFact {
        for (selector, mut selection) in self.selectors.iter().zip(self.counts) {
            selection.kept.sort_by(|a, b| a.path.cmp(&b.path));
            self.fact.selections.insert(selector.key.clone(), selection);
        }
        self.fact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(yaml: &str) -> Matcher {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn only_matches_are_kept_and_counts_stay_exact() {
        let ww = matcher("{field: world_writable, equals: true}");
        let selectors = [Selector::new(Some(&ww)), Selector::new(None)];
        let spec = WalkSpec {
            paths: vec!["/".into()],
            max_depth: 8,
            max_entries: 50_000,
        };
        let mut c = WalkCollector::new(&spec, &selectors);
        for i in 0..30_000u32 {
            let mode = if i % 3 == 0 { 0o100666 } else { 0o100644 };
            c.push(&format!("/d/f{i:05}"), &Stat::from_raw(mode, 0, 0, 1));
        }
        let w = c.finish();
        assert_eq!(w.entries, 30_000);
        assert!(!w.truncated);
        let hits = &w.selections[&selector_key(Some(&ww))];
        assert_eq!(hits.matched, 10_000);
        assert_eq!(hits.kept.len(), 10_000);
        assert!(!hits.cut());
        assert!(hits.kept.iter().all(|e| e.stat.mode == 0o666));
        let all = &w.selections["all"];
        assert_eq!(all.matched, 30_000);
        assert_eq!(all.kept.len(), MAX_KEPT_MATCHES);
        assert!(all.cut());
    }

    #[test]
    fn the_entry_bound_truncates_and_names_are_the_last_component() {
        let name = matcher("{field: name, equals: b}");
        let selectors = [Selector::new(Some(&name))];
        let spec = WalkSpec {
            paths: vec!["/".into()],
            max_depth: 8,
            max_entries: 2,
        };
        let mut c = WalkCollector::new(&spec, &selectors);
        let st = Stat::from_raw(0o040755, 0, 0, 0);
        for p in ["/a", "/a/b", "/b"] {
            c.push(p, &st);
        }
        assert!(!c.wants_more());
        let w = c.finish();
        assert!(w.truncated);
        assert_eq!(w.entries, 2);
        let kept: Vec<&str> = w.selections[&selector_key(Some(&name))]
            .kept
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(kept, ["/a/b"]);
        let v = entry_value(&WalkEntry {
            path: "/tmp".into(),
            stat: Stat::from_raw(0o041777, 0, 0, 0),
        });
        assert_eq!(v["sticky"], true);
        assert_eq!(v["world_writable"], true);
        assert_eq!(v["type"], "directory");
        assert_eq!(v["name"], "tmp");
    }
}
