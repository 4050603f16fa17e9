//! Exit codes: stable, documented in the README (a test holds the two together).

/// Every control passed.
pub const PASSED: i32 = 0;
/// A tool, API or access error (a container could not be scanned), or a crash.
pub const ERROR: i32 = 1;
/// Bad usage or a bad profile.
pub const USAGE: i32 = 2;
/// A container violated the --threshold.
pub const THRESHOLD: i32 = 3;
/// A remote sink (--post-results, …) could not deliver everything; local outputs were written.
pub const DELIVERY: i32 = 4;
/// At least one control failed (InSpec's convention).
pub const FAILED: i32 = 100;
/// No control failed, but some were skipped (InSpec's convention).
pub const SKIPPED: i32 = 101;
/// Interrupted with Ctrl-C.
pub const INTERRUPTED: i32 = 130;
/// stdout closed early (128 + SIGPIPE, as a shell reports a process killed by it).
pub const BROKEN_PIPE: i32 = 141;

/// Every code with the README's words for it, in the README's order (a test checks the table).
pub const ALL: &[(i32, &str)] = &[
    (PASSED, "every control passed; with `--threshold`: every container meets the threshold (failed controls or not)"),
    (FAILED, "at least one control failed (InSpec's convention; not used with `--threshold`)"),
    (SKIPPED, "no control failed, but some were skipped (InSpec's convention; not used with `--threshold`)"),
    (ERROR, "a tool, API or access error: a target could not be resolved, a container could not be scanned, a control errored, an output could not be written; also any crash of the plugin"),
    (USAGE, "usage error, bad profile, or bad threshold file (an unknown key is named)"),
    (THRESHOLD, "`--threshold`: at least one container violates it (every violated rule is printed)"),
    (DELIVERY, "`--post-results` (or another remote sink): something could not be delivered (the local outputs were written first)"),
    (INTERRUPTED, "interrupted (Ctrl-C); the containers that finished are still reported"),
    (BROKEN_PIPE, "stdout was closed early (e.g. piped into `head`); the scan stops quietly"),
];

/// The README's table, as `exit::ALL` says it.
pub fn markdown_table() -> String {
    let mut s = String::from("| code | meaning |\n|---|---|\n");
    for (code, meaning) in ALL {
        s.push_str(&format!("| {code} | {meaning} |\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readme_table_is_the_one_defined_here() {
        let readme = include_str!("../README.md");
        let table = super::markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's exit-code table differs from src/exit.rs; it should read:\n{table}"
        );
    }
}
