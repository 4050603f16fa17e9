//! The shell completion files under completions/: generated copies in step with the code, and
//! the kubectl_complete-cinc_scan script that kubectl runs for `kubectl cinc-scan <TAB>`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-cinc_scan")
}

fn completions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

/// `kubectl cinc-scan completion SHELL` must print exactly the committed file. With
/// UPDATE_COMPLETIONS=1 the files are rewritten instead.
#[test]
fn committed_completion_scripts_match_the_code() {
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (shell, ext) in [
        ("bash", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
        ("powershell", "ps1"),
    ] {
        let out = Command::new(bin())
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "completion {shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("kubectl-cinc_scan"),
            "the {shell} script does not complete kubectl-cinc_scan"
        );
        let path = completions_dir().join(format!("kubectl-cinc_scan.{ext}"));
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        if committed != out.stdout {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "completion scripts differ from `kubectl cinc-scan completion SHELL`: {}\n\
         regenerate them with: UPDATE_COMPLETIONS=1 cargo test --test completions",
        stale.join(", ")
    );
}

#[test]
fn generated_scripts_do_not_offer_the_protocol_entry_point() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = Command::new(bin())
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("__complete"),
            "the {shell} script offers __complete"
        );
    }
}

/// A directory holding the plugin under its installed name, and the completion script.
fn installed(dir: &Path, with_plugin: bool) -> PathBuf {
    let script = dir.join("kubectl_complete-cinc_scan");
    // A symlink, not a copy: executing a file just written can fail with ETXTBSY when another
    // test thread forks while the copy is still open.
    std::os::unix::fs::symlink(
        completions_dir().join("kubectl_complete-cinc_scan"),
        &script,
    )
    .unwrap();
    if with_plugin {
        std::os::unix::fs::symlink(bin(), dir.join("kubectl-cinc_scan")).unwrap();
    }
    script
}

fn run_script(script: &Path, path: &str, words: &[&str]) -> (String, String) {
    let out = Command::new(script)
        .args(words)
        .env("PATH", path)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .unwrap();
    assert!(out.status.success());
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_kubectl_completion_script_runs_the_plugin_next_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let script = installed(dir.path(), true);
    // Only system tools on PATH: the plugin is found next to the script.
    let (out, err) = run_script(&script, "/usr/bin:/bin", &["-o", ""]);
    assert_eq!(
        out,
        "json\tHDF (InSpec exec-json), one document per container and line\n\
         junit\tJUnit XML: a testsuite per container, a testcase per control\n\
         markdown\tA Markdown summary (for $GITHUB_STEP_SUMMARY or a merge-request comment)\n\
         sarif\tSARIF 2.1.0 (GitHub code scanning): failed controls as results\n\
         table\tA table for people (the default)\n:4\n"
    );
    assert_eq!(err, "");
    // No cluster reachable: no pod, no error on stderr, just the directive.
    let (out, err) = run_script(&script, "/usr/bin:/bin", &["-n", ""]);
    assert_eq!((out.as_str(), err.as_str()), (":4\n", ""));
}

#[test]
fn the_kubectl_completion_script_finds_the_plugin_on_path() {
    let plugin_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(bin(), plugin_dir.path().join("kubectl-cinc_scan")).unwrap();
    let script_dir = tempfile::tempdir().unwrap();
    let script = installed(script_dir.path(), false);
    let path = format!("{}:/usr/bin:/bin", plugin_dir.path().display());
    let (out, _) = run_script(&script, &path, &["--color", "n"]);
    assert_eq!(out, "never\n:4\n");
    // Without the plugin anywhere: still an answer kubectl understands.
    let (out, err) = run_script(&script, "/usr/bin:/bin", &["--color", ""]);
    assert_eq!((out.as_str(), err.as_str()), (":4\n", ""));
}
