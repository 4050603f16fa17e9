//! Walk checks evaluated as entries stream in: each entry is tested once against every check's
//! filter and only the matches are kept (bounded), so a walk costs constant memory.

use std::collections::{BTreeMap, BinaryHeap};

use serde_json::{Map, Value};

use super::facts::{Stat, WalkEntry};
use super::matcher::{Matcher, Op};
use super::profile::WalkSpec;

/// At most this many matching entries are kept per check; more are counted, not kept.
pub const MAX_KEPT_MATCHES: usize = 10_000;

/// Which entries of a walk one check looks at: those its `where` filter selects, or all.
#[derive(Debug, Clone)]
pub struct Selector {
    /// Identifies the filter; identical filters share one key and one selection.
    pub key: String,
    pub filter: Option<Matcher>,
    /// The filter as run on each entry.
    test: Option<Test>,
}

/// An entry's fields, in the order of [`Fields`].
const FIELDS: [&str; 11] = [
    "path",
    "name",
    "type",
    "mode",
    "uid",
    "gid",
    "size",
    "setuid",
    "setgid",
    "sticky",
    "world_writable",
];

/// A filter compiled for walk entries: a matcher on one named field is run on that field's
/// value directly, so an entry costs no map building and no key lookups. Anything else (a
/// dotted field, an operator on the whole entry) runs on the entry as a JSON object.
#[derive(Debug, Clone)]
enum Test {
    /// A matcher with no field of its own, on the field at this index.
    Field(usize, Matcher),
    AllOf(Vec<Test>),
    AnyOf(Vec<Test>),
    Not(Box<Test>),
    Whole(Matcher),
}

impl Test {
    fn compile(m: &Matcher) -> Test {
        match (&m.field, &m.op) {
            (Some(f), op) => match FIELDS.iter().position(|k| k == f) {
                Some(i) => Test::Field(
                    i,
                    Matcher {
                        field: None,
                        op: op.clone(),
                    },
                ),
                None => Test::Whole(m.clone()),
            },
            (None, Op::AllOf(ms)) => Test::AllOf(ms.iter().map(Test::compile).collect()),
            (None, Op::AnyOf(ms)) => Test::AnyOf(ms.iter().map(Test::compile).collect()),
            (None, Op::Not(inner)) => Test::Not(Box::new(Test::compile(inner))),
            (None, _) => Test::Whole(m.clone()),
        }
    }

    fn needs_whole(&self) -> bool {
        match self {
            Test::Field(..) => false,
            Test::AllOf(ts) | Test::AnyOf(ts) => ts.iter().any(Test::needs_whole),
            Test::Not(t) => t.needs_whole(),
            Test::Whole(_) => true,
        }
    }

    fn run(&self, fields: &Fields, whole: &EntryValue) -> bool {
        match self {
            Test::Field(i, m) => m.test(&fields.0[*i]),
            Test::AllOf(ts) => ts.iter().all(|t| t.run(fields, whole)),
            Test::AnyOf(ts) => ts.iter().any(|t| t.run(fields, whole)),
            Test::Not(t) => !t.run(fields, whole),
            Test::Whole(m) => m.test(&whole.value),
        }
    }
}

/// One entry's field values, rebuilt in place for every entry.
struct Fields([Value; 11]);

impl Fields {
    fn new() -> Fields {
        Fields(std::array::from_fn(|i| {
            if i < 3 {
                Value::String(String::with_capacity(64))
            } else {
                Value::Null
            }
        }))
    }

    fn set(&mut self, path: &str, stat: &Stat) {
        let m = stat.mode;
        let name = path.rsplit('/').next().unwrap_or(path);
        for (i, text) in [path, name, stat.kind.name()].into_iter().enumerate() {
            match &mut self.0[i] {
                Value::String(s) => {
                    s.clear();
                    s.push_str(text);
                }
                other => *other = Value::String(text.to_string()),
            }
        }
        self.0[3] = Value::from(m);
        self.0[4] = Value::from(stat.uid);
        self.0[5] = Value::from(stat.gid);
        self.0[6] = Value::from(stat.size);
        self.0[7] = Value::Bool(m & 0o4000 != 0);
        self.0[8] = Value::Bool(m & 0o2000 != 0);
        self.0[9] = Value::Bool(m & 0o1000 != 0);
        self.0[10] = Value::Bool(m & 0o002 != 0);
    }
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
            test: filter.map(Test::compile),
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
    let mut fields = Fields::new();
    fields.set(&e.path, &e.stat);
    let mut v = EntryValue::new();
    v.set(&fields);
    v.value
}

/// One entry's value, rebuilt in place for every entry so that no entry allocates.
struct EntryValue {
    value: Value,
}

impl EntryValue {
    fn new() -> EntryValue {
        let map: Map<String, Value> = FIELDS
            .iter()
            .map(|k| (k.to_string(), Value::Null))
            .collect();
        EntryValue {
            value: Value::Object(map),
        }
    }

    /// The same fields as `fields`, as one JSON object.
    fn set(&mut self, fields: &Fields) {
        let Value::Object(map) = &mut self.value else {
            unreachable!("an entry value is an object")
        };
        for (key, value) in FIELDS.iter().zip(&fields.0) {
            if let Some(v) = map.get_mut(*key) {
                v.clone_from(value);
            }
        }
    }
}

/// A kept match, ordered by path so that the heap's top is the last one kept.
#[derive(PartialEq, Eq)]
struct ByPath(WalkEntry);

impl Ord for ByPath {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.path.cmp(&other.0.path)
    }
}

impl PartialOrd for ByPath {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One selector's matches so far: all counted, the first `MAX_KEPT_MATCHES` by path kept, so
/// what is kept does not depend on the order entries arrive in.
#[derive(Default)]
struct Picks {
    matched: u64,
    kept: BinaryHeap<ByPath>,
}

impl Picks {
    /// Whether an entry at `path` would be kept.
    fn wants(&self, path: &str) -> bool {
        self.kept.len() < MAX_KEPT_MATCHES
            || self
                .kept
                .peek()
                .is_some_and(|last| path < last.0.path.as_str())
    }

    /// Keep `entry` (which [`Picks::wants`]), dropping the last one kept when full.
    fn keep(&mut self, entry: WalkEntry) {
        if self.kept.len() >= MAX_KEPT_MATCHES {
            self.kept.pop();
        }
        self.kept.push(ByPath(entry));
    }
}

/// Receives a walk's entries one by one, as a walker or a probe parser produces them.
pub struct WalkCollector<'a> {
    max_entries: u64,
    selectors: &'a [Selector],
    fields: Fields,
    /// Some selector runs a matcher on the whole entry object.
    whole_needed: bool,
    scratch: EntryValue,
    fact: WalkFact,
    picks: Vec<Picks>,
}

impl<'a> WalkCollector<'a> {
    pub fn new(spec: &WalkSpec, selectors: &'a [Selector]) -> WalkCollector<'a> {
        WalkCollector {
            max_entries: u64::from(spec.max_entries),
            selectors,
            fields: Fields::new(),
            whole_needed: selectors
                .iter()
                .any(|s| s.test.as_ref().is_some_and(Test::needs_whole)),
            scratch: EntryValue::new(),
            fact: WalkFact::default(),
            picks: selectors.iter().map(|_| Picks::default()).collect(),
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
        for (selector, picks) in self.selectors.iter().zip(&mut self.picks) {
            let hit = match &selector.test {
                None => true,
                Some(test) => {
                    if !set {
                        self.fields.set(path, stat);
                        if self.whole_needed {
                            self.scratch.set(&self.fields);
                        }
                        set = true;
                    }
                    test.run(&self.fields, &self.scratch)
                }
            };
            if hit {
                picks.matched += 1;
                if picks.wants(path) {
                    picks.keep(WalkEntry {
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

    /// Take in what another collector of the same walk and selectors gathered (a walker
    /// thread's share). The result is the same as one collector seeing every entry, except
    /// for which unreadable place is the example (the smaller name of the two).
    pub fn absorb(&mut self, other: WalkCollector<'_>) {
        self.fact.entries += other.fact.entries;
        self.fact.truncated |= other.fact.truncated;
        self.fact.unreadable = self.fact.unreadable.saturating_add(other.fact.unreadable);
        self.fact.unreadable_example = match (
            self.fact.unreadable_example.take(),
            other.fact.unreadable_example,
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (mine, theirs) in self.picks.iter_mut().zip(other.picks) {
            mine.matched += theirs.matched;
            for ByPath(e) in theirs.kept {
                if mine.wants(&e.path) {
                    mine.keep(e);
                }
            }
        }
    }

    /// Mark the walk as stopped early (e.g. the probe's byte cap was reached).
    pub fn set_truncated(&mut self) {
        self.fact.truncated = true;
    }

    pub fn finish(mut self) -> WalkFact {
        for (selector, picks) in self.selectors.iter().zip(self.picks) {
            let selection = Selection {
                matched: picks.matched,
                kept: picks
                    .kept
                    .into_sorted_vec()
                    .into_iter()
                    .map(|p| p.0)
                    .collect(),
            };
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
    fn a_compiled_filter_agrees_with_the_matcher_on_the_whole_entry() {
        let filters = [
            "{field: type, equals: file}",
            "{all_of: [{field: type, equals: file}, {field: world_writable, equals: true}]}",
            "{all_of: [{field: type, equals: directory}, {field: world_writable, equals: true}, \
             {field: sticky, equals: false}]}",
            "{any_of: [{field: setuid, equals: true}, {field: setgid, equals: true}]}",
            "{field: path, not: {regex: '^/usr/'}}",
            "{not: {field: name, regex: '(?i)\\.key$'}}",
            "{field: mode, mode_at_most: '0644'}",
            "{field: uid, one_of: [0, 1000]}",
            "{field: size, gt: 10}",
            "{field: owner, exists: false}",
            "{field: path.x, exists: true}",
            "{field: name, contains: id_}",
            "{exists: true}",
        ];
        let entries = [
            ("/", 0o040755, 0, 0),
            ("/tmp", 0o041777, 0, 0),
            ("/usr/bin/su", 0o104755, 0, 5000),
            ("/home/u/.ssh/id_rsa", 0o100600, 1000, 1679),
            ("/srv/site.KEY", 0o100666, 33, 7),
            ("/usr/lib/x", 0o120777, 0, 9),
            ("/var/spool", 0o042777, 2, 0),
        ];
        for f in filters {
            let m = matcher(f);
            let sel = Selector::new(Some(&m));
            let test = sel.test.as_ref().unwrap();
            let (mut fields, mut whole) = (Fields::new(), EntryValue::new());
            for (path, mode, uid, size) in entries {
                let stat = Stat::from_raw(mode, uid, uid, size);
                fields.set(path, &stat);
                whole.set(&fields);
                let want = m.test(&entry_value(&WalkEntry {
                    path: path.into(),
                    stat: stat.clone(),
                }));
                assert_eq!(test.run(&fields, &whole), want, "{f} on {path}");
            }
        }
    }

    #[test]
    fn what_is_kept_is_the_first_by_path_whatever_the_order_and_split() {
        let selectors = [Selector::new(None)];
        let spec = WalkSpec {
            paths: vec!["/".into()],
            max_depth: 8,
            max_entries: 50_000,
        };
        let st = Stat::from_raw(0o100644, 0, 0, 0);
        // 25,000 paths in a scrambled order, split between three collectors.
        let paths: Vec<String> = (0..25_000u32)
            .map(|i| format!("/f{:05}", (i * 7919) % 25_000))
            .collect();
        let mut parts: Vec<WalkCollector> = (0..3)
            .map(|_| WalkCollector::new(&spec, &selectors))
            .collect();
        for (i, p) in paths.iter().enumerate() {
            parts[i % 3].push(p, &st);
        }
        parts[1].unreadable(|| "/b: denied".into());
        parts[2].unreadable(|| "/a: denied".into());
        let mut merged = parts.remove(0);
        for p in parts {
            merged.absorb(p);
        }
        let w = merged.finish();
        assert_eq!(w.entries, 25_000);
        assert_eq!(w.unreadable, 2);
        assert_eq!(w.unreadable_example.as_deref(), Some("/a: denied"));
        let all = &w.selections["all"];
        assert_eq!(all.matched, 25_000);
        let kept: Vec<&str> = all.kept.iter().map(|e| e.path.as_str()).collect();
        let want: Vec<String> = (0..MAX_KEPT_MATCHES).map(|i| format!("/f{i:05}")).collect();
        assert_eq!(kept, want);
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
