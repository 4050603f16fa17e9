//! Records the git commit the binary is built from, for `--version`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CINC_SCAN_GIT_COMMIT");
    for f in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    let commit = std::env::var("CINC_SCAN_GIT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        });
    println!(
        "cargo:rustc-env=CINC_SCAN_GIT_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".into())
    );
}
