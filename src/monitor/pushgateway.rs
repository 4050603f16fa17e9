//! The Pushgateway URL of a run: `/metrics/job/<JOB>{/<LABEL>/<VALUE>}`, the grouping key.
//!
//! A value that is empty or has any character outside RFC 3986's unreserved set (a `/` above
//! all) goes as `<LABEL>@base64/<URL-safe base64>`, as the Pushgateway documents; the empty
//! value is `=`.

use base64::Engine;

/// The job when `--pushgateway-job` is not given.
pub const DEFAULT_JOB: &str = "cinc_scan";

fn plain(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

fn segment(name: &str, value: &str) -> String {
    if plain(value) {
        format!("{name}/{value}")
    } else if value.is_empty() {
        format!("{name}@base64/=")
    } else {
        let enc = base64::engine::general_purpose::URL_SAFE.encode(value.as_bytes());
        format!("{name}@base64/{enc}")
    }
}

/// The push URL for `base` (the Pushgateway's address, maybe with a path prefix), `job` and the
/// grouping labels (in order).
pub fn push_url(base: &str, job: &str, grouping: &[(String, String)]) -> String {
    let mut url = base.trim_end_matches('/').to_string();
    url.push_str("/metrics/");
    url.push_str(&segment("job", job));
    for (k, v) in grouping {
        url.push('/');
        url.push_str(&segment(k, v));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_key_in_the_path() {
        let g = vec![
            ("instance".to_string(), "kind-prod".to_string()),
            ("path".to_string(), "/var/tmp".to_string()),
            ("empty".to_string(), String::new()),
            ("odd".to_string(), "a b?#%".to_string()),
        ];
        assert_eq!(
            push_url("http://pgw:9091/", "cinc_scan", &g),
            "http://pgw:9091/metrics/job/cinc_scan/instance/kind-prod/path@base64/L3Zhci90bXA=\
             /empty@base64/=/odd@base64/YSBiPyMl"
        );
        assert_eq!(
            push_url("https://h/prefix", "a/b", &[]),
            "https://h/prefix/metrics/job@base64/YS9i"
        );
    }
}
