//! KUBECONFIG with several paths is merged like kubectl does (first value wins), and the
//! merged contexts are what --context is checked against. One test: it sets KUBECONFIG.

use cinc_scan::kube::config::{read_kubeconfig, validate, ClusterOptions};

const FIRST: &str = "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- {name: c1, cluster: {server: 'https://127.0.0.1:1'}}\nusers:\n- {name: u1, user: {token: t}}\ncontexts:\n- {name: a, context: {cluster: c1, user: u1, namespace: first}}\n";
const SECOND: &str = "apiVersion: v1\nkind: Config\ncurrent-context: b\nclusters:\n- {name: c2, cluster: {server: 'https://127.0.0.1:2'}}\nusers:\n- {name: u2, user: {token: t}}\ncontexts:\n- {name: b, context: {cluster: c2, user: u2}}\n- {name: a, context: {cluster: c2, user: u2, namespace: second}}\n";

#[test]
fn several_kubeconfig_paths_merge_with_the_first_winning() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    std::fs::write(&one, FIRST).unwrap();
    std::fs::write(&two, SECOND).unwrap();
    std::env::set_var("KUBECONFIG", format!("{}:{}", one.display(), two.display()));
    let kc = read_kubeconfig(None).unwrap().expect("merged kubeconfig");
    std::env::remove_var("KUBECONFIG");
    let names: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(kc.current_context.as_deref(), Some("a"));
    let a = kc.contexts.iter().find(|c| c.name == "a").unwrap();
    assert_eq!(
        a.context.as_ref().unwrap().namespace.as_deref(),
        Some("first")
    );
    assert_eq!(validate(&kc, &ClusterOptions::default()).unwrap(), "a");
    let b = ClusterOptions {
        context: Some("b".into()),
        ..Default::default()
    };
    assert_eq!(validate(&kc, &b).unwrap(), "b");
}
