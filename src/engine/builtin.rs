//! Profiles compiled into the binary, written in the same format users write.

use super::profile::{Profile, ProfileError};

/// (name, one-line description, YAML text).
pub const BUILTINS: &[(&str, &str, &str)] = &[(
    "container-baseline",
    "Hardening baseline for any Linux container: accounts, filesystem, attack surface, OS, runtime, pod spec",
    include_str!("../../profiles/container-baseline.yaml"),
)];

pub const DEFAULT: &str = "container-baseline";

pub fn names() -> Vec<&'static str> {
    BUILTINS.iter().map(|(n, _, _)| *n).collect()
}

pub fn text(name: &str) -> Option<&'static str> {
    BUILTINS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, t)| *t)
}

pub fn load(name: &str) -> Result<Profile, ProfileError> {
    let text = text(name).ok_or_else(|| ProfileError::UnknownBuiltin {
        name: name.to_string(),
        available: names().join(", "),
    })?;
    Profile::parse(text, &format!("builtin:{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses() {
        for name in names() {
            let p = load(name).unwrap();
            assert!(!p.controls.is_empty());
        }
    }

    #[test]
    fn unknown_builtin_lists_the_known_ones() {
        let e = load("nope").unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown built-in profile 'nope' (built-in profiles: container-baseline)"
        );
    }
}
