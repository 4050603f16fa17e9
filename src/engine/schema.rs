//! The published JSON Schema of the profile format.

pub const PROFILE_SCHEMA: &str = include_str!("../profiles/profile.schema.json");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use regex::Regex;
    use serde_json::Value;

    use super::PROFILE_SCHEMA;
    use crate::engine::matcher::OPERATORS;
    use crate::engine::profile::{Profile, ResourceKind};

    fn schema() -> Value {
        serde_json::from_str(PROFILE_SCHEMA).expect("profile.schema.json is valid JSON")
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn schema_lists_every_operator_and_resource() {
        let s = schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let matcher = &s["$defs"]["matcher"];
        let ops: BTreeSet<String> = OPERATORS.iter().map(|o| o.to_string()).collect();
        let mut props = keys(&matcher["properties"]);
        assert!(props.remove("field"));
        assert_eq!(props, ops, "matcher properties vs OPERATORS");
        let exactly_one: BTreeSet<String> = matcher["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|alt| alt["required"][0].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            exactly_one, ops,
            "the exactly-one-operator rule vs OPERATORS"
        );

        let check = &s["$defs"]["check"];
        let names: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.name()).collect();
        let listed: Vec<&str> = check["properties"]["resource"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(listed, names, "resource enum vs ResourceKind::ALL");
        let with_rules: Vec<&str> = check["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| {
                rule["if"]["properties"]["resource"]["const"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(with_rules, names, "every resource has its argument rules");
    }

    /// The subset of JSON Schema 2020-12 the profile schema uses. An unknown keyword panics,
    /// so the schema cannot grow a rule these tests silently ignore.
    fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
        let s = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => return errs.push(format!("{at}: not allowed")),
            Value::Object(s) => s,
            other => panic!("bad schema {other}"),
        };
        let ok = |sub: &Value| {
            let mut e = Vec::new();
            validate(root, sub, v, at, &mut e);
            e.is_empty()
        };
        for (key, want) in s {
            match key.as_str() {
                "$schema" | "title" | "description" | "$defs" | "then" => {}
                "$ref" => {
                    let name = want.as_str().unwrap().strip_prefix("#/$defs/").unwrap();
                    validate(root, &root["$defs"][name], v, at, errs);
                }
                "type" => {
                    let types: Vec<&str> = match want {
                        Value::String(t) => vec![t],
                        other => other
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|t| t.as_str().unwrap())
                            .collect(),
                    };
                    let is = |t: &str| match t {
                        "object" => v.is_object(),
                        "array" => v.is_array(),
                        "string" => v.is_string(),
                        "boolean" => v.is_boolean(),
                        "null" => v.is_null(),
                        "number" => v.is_number(),
                        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
                        other => panic!("unknown type {other}"),
                    };
                    if !types.iter().any(|t| is(t)) {
                        errs.push(format!("{at}: expected {types:?}, got {v}"));
                    }
                }
                "enum" if !want.as_array().unwrap().contains(v) => {
                    errs.push(format!("{at}: {v} not in {want}"))
                }
                "const" if want != v => errs.push(format!("{at}: {v} is not {want}")),
                "enum" | "const" => {}
                "pattern" => {
                    if let Some(text) = v.as_str() {
                        if !Regex::new(want.as_str().unwrap()).unwrap().is_match(text) {
                            errs.push(format!("{at}: {text:?} does not match {want}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(n), Some(b)) = (v.as_f64(), want.as_f64()) {
                        if (key == "minimum" && n < b) || (key == "maximum" && n > b) {
                            errs.push(format!("{at}: {n} out of range"));
                        }
                    }
                }
                "minItems" => {
                    if v.as_array()
                        .is_some_and(|a| (a.len() as u64) < want.as_u64().unwrap())
                    {
                        errs.push(format!("{at}: too few items"));
                    }
                }
                "required" => {
                    if let Some(o) = v.as_object() {
                        for r in want.as_array().unwrap() {
                            if !o.contains_key(r.as_str().unwrap()) {
                                errs.push(format!("{at}: missing {r}"));
                            }
                        }
                    }
                }
                "properties" | "additionalProperties" => {
                    let Some(o) = v.as_object() else { continue };
                    let props = s.get("properties").and_then(Value::as_object);
                    for (k, item) in o {
                        let at = format!("{at}.{k}");
                        match props.and_then(|p| p.get(k)) {
                            Some(sub) if key == "properties" => {
                                validate(root, sub, item, &at, errs)
                            }
                            None if key == "additionalProperties" => {
                                validate(root, want, item, &at, errs)
                            }
                            _ => {}
                        }
                    }
                }
                "items" => {
                    for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                        validate(root, want, item, &format!("{at}[{i}]"), errs);
                    }
                }
                "allOf" => {
                    for sub in want.as_array().unwrap() {
                        validate(root, sub, v, at, errs);
                    }
                }
                "oneOf" => {
                    let n = want
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| ok(sub))
                        .count();
                    if n != 1 {
                        errs.push(format!("{at}: {n} of oneOf match"));
                    }
                }
                "not" if ok(want) => errs.push(format!("{at}: matches a forbidden schema")),
                "not" => {}
                "if" => {
                    if ok(want) {
                        validate(root, &s["then"], v, at, errs);
                    }
                }
                other => panic!("the test validator does not know keyword {other:?}"),
            }
        }
    }

    fn schema_errors(yaml: &str) -> Vec<String> {
        let doc: Value = serde_saphyr::from_str(yaml).expect("YAML");
        let root = schema();
        let mut errs = Vec::new();
        validate(&root, &root, &doc, "$", &mut errs);
        errs
    }

    #[test]
    fn the_builtin_profile_is_valid_against_the_schema() {
        for name in crate::engine::builtin::names() {
            let errs = schema_errors(crate::engine::builtin::text(name).unwrap());
            assert!(errs.is_empty(), "{name}: {errs:#?}");
        }
    }

    const BASE: &str = "name: t
controls:
  - id: c1
    title: t
    desc: d
    impact: 0.5
    tags: {nist: [AC-6], severity: medium}
    refs: [{ref: r, url: 'https://example.com'}]
    checks:
      - resource: file
        path: /etc/passwd
        expect:
          - {field: mode, mode_at_most: '0644'}
";

    /// Canonical-form profiles on which the schema and the loader must agree.
    #[test]
    fn schema_and_loader_agree() {
        let check = |c: &str| {
            BASE.replace("      - resource: file\n        path: /etc/passwd\n        expect:\n          - {field: mode, mode_at_most: '0644'}\n", c)
        };
        let matcher = |m: &str| BASE.replace("{field: mode, mode_at_most: '0644'}", m);
        let cases: Vec<(String, bool)> = vec![
            (BASE.into(), true),
            (BASE.replace("name: t\n", ""), false),
            (BASE.replace("name: t\n", "name: t\nversion: '1.0'\nsupports: [{platform-family: linux}]\n"), true),
            (BASE.replace("name: t\n", "name: t\nowner: me\n"), false),
            (BASE.replace("    desc: d\n", ""), false),
            (BASE.replace("impact: 0.5", "impact: 1.5"), false),
            (BASE.replace("impact: 0.5", "impact: 0"), true),
            (BASE.replace("    desc: d\n", "    desc: d\n    check: Look at /etc/passwd.\n    fix: chmod 0644 /etc/passwd\n"), true),
            (BASE.replace("    desc: d\n", "    desc: d\n    check: {resource: passwd}\n"), false),
            (BASE.replace("    desc: d\n", "    desc: d\n    fix: [a, b]\n"), false),
            (BASE.replace("    checks:\n", "    only_applicable_if: {resource: file, path: /etc/shadow, expect: [{field: exists, equals: true}]}\n    only_if: {resource: os_release, expect: [{field: ID, exists: true}]}\n    checks:\n"), true),
            (BASE.replace("    checks:\n", "    only_applicable_if: {resource: file, expect: [{field: exists, equals: true}]}\n    checks:\n"), false),
            (BASE.replace("    checks:\n", "    not_applicable_if: {resource: file, path: /x, expect: [{field: exists, equals: true}]}\n    checks:\n"), false),
            (BASE.replace("    impact: 0.5\n", "    impact: 0.5\n    severity: high\n"), false),
            (BASE.replace("refs: [{ref: r, url: 'https://example.com'}]", "refs: [{text: r}]"), false),
            (BASE.replace("id: c1", "id: ' '"), false),
            (check("      - resource: files\n        paths: [/etc/sudoers, '/etc/sudoers.d/*']\n        where: {field: type, equals: file}\n        expect: [{empty: true}]\n"), true),
            (check("      - resource: files\n        paths: ['/etc/*/x']\n        expect: [{empty: true}]\n"), false),
            (check("      - resource: files\n        paths: ['/etc/a b']\n        expect: [{empty: true}]\n"), false),
            (check("      - resource: files\n        paths: []\n        expect: [{empty: true}]\n"), false),
            (check("      - resource: files\n        expect: [{empty: true}]\n"), false),
            (check("      - resource: file\n        path: etc/passwd\n        expect: [{field: exists, equals: true}]\n"), false),
            (check("      - resource: file\n        path: /etc/passwd\n        where: {field: x, exists: true}\n        expect: [{field: exists, equals: true}]\n"), false),
            (check("      - resource: file\n        path: /etc/passwd\n        expect: []\n"), false),
            (check("      - resource: file\n        path: /etc/passwd\n        command: id\n        expect: [{field: exists, equals: true}]\n"), false),
            (check("      - resource: walk\n        expect: [{empty: true}]\n"), true),
            (check("      - resource: walk\n        paths: [/usr, /etc]\n        max_depth: 3\n        max_entries: 1000\n        expect: [{empty: true}]\n"), true),
            (check("      - resource: walk\n        max_depth: 0\n        expect: [{empty: true}]\n"), false),
            (check("      - resource: walk\n        path: /\n        expect: [{empty: true}]\n"), false),
            (check("      - resource: command\n        command: id -u\n        expect: [{field: output, regex: '^0$'}]\n"), true),
            (check("      - resource: command\n        command: '  '\n        expect: [{field: output, empty: true}]\n"), false),
            (check("      - resource: command\n        expect: [{field: output, empty: true}]\n"), false),
            (check("      - resource: passwd\n        where: {field: uid, equals: 0}\n        expect: [{count: {equals: 1}}]\n"), true),
            (check("      - resource: passwd\n        path: /etc/passwd\n        expect: [{unique_by: uid}]\n"), false),
            (check("      - resource: process\n        expect: [{field: uid, gt: 0}]\n"), true),
            (check("      - resource: pod\n        where: {field: x, exists: true}\n        expect: [{field: spec.hostPID, not: {equals: true}}]\n"), false),
            (check("      - resource: os_release\n        paths: [/]\n        expect: [{field: ID, exists: true}]\n"), false),
            (check("      - resource: registry\n        expect: [{field: x, exists: true}]\n"), false),
            (matcher("{field: mode}"), false),
            (matcher("{equals: 1, lt: 2}"), false),
            (matcher("{field: x, wat: 1}"), false),
            (matcher("{field: x, one_of: [a, 1, true]}"), true),
            (matcher("{field: x, one_of: a}"), false),
            (matcher("{field: x, exists: maybe}"), false),
            (matcher("{field: mode, mode_at_most: '0o755'}"), true),
            (matcher("{field: mode, mode_at_most: '0999'}"), false),
            (matcher("{field: mode, mode_at_most: '17777'}"), false),
            (matcher("{field: mode, mode_at_most: 640}"), false),
            (matcher("{field: mode, mode_at_most: 10000}"), false),
            (matcher("{field: mode, mode_at_most: true}"), false),
            (matcher("{all_of: [{field: a, equals: 1}, {any_of: [{field: b, lt: 2}, {not: {field: c, regex: x}}]}]}"), true),
            (matcher("{all_of: [{field: a}]}"), false),
            (matcher("{field: l, none: {all: {count: {ge: 1}}}}"), true),
            (matcher("{field: l, any: {lt: 1, gt: 0}}"), false),
            (matcher("{unique_by: uid}"), true),
            (matcher("{unique_by: [uid]}"), false),
            (matcher("{empty: false}"), true),
        ];
        for (yaml, valid) in cases {
            let loaded = Profile::parse(&yaml, "t.yaml");
            let errs = schema_errors(&yaml);
            assert_eq!(
                loaded.is_ok(),
                valid,
                "loader on:\n{yaml}\n{:?}",
                loaded.err()
            );
            assert_eq!(errs.is_empty(), valid, "schema on:\n{yaml}\n{errs:#?}");
        }
    }

    #[test]
    fn the_test_validator_is_not_vacuous() {
        let errs = schema_errors("name: 5\ncontrols: [{id: x}]\n");
        assert!(errs.iter().any(|e| e.contains("$.name")), "{errs:?}");
        assert!(
            errs.iter().any(|e| e.contains("missing \"title\"")),
            "{errs:?}"
        );
    }

    #[test]
    fn the_format_docs_cover_every_operator_and_resource() {
        let docs = include_str!("../profiles/FORMAT.md");
        for op in OPERATORS {
            assert!(
                docs.contains(&format!("`{op}`")),
                "src/profiles/FORMAT.md lacks `{op}`"
            );
        }
        for kind in ResourceKind::ALL {
            let heading = format!("### `{}`", kind.name());
            let listed = docs
                .lines()
                .any(|l| l.starts_with("### ") && l.contains(&format!("`{}`", kind.name())));
            assert!(listed, "src/profiles/FORMAT.md lacks a {heading} section");
        }
    }
}
