//! End-of-life dates of common container base distributions (embedded, dated table).

use jiff::civil::Date;

/// (os-release ID, VERSION_ID prefix, end of (security) support).
/// Sources: each distribution's published lifecycle pages; LTS/ELTS paid extensions excluded,
/// except Debian LTS which is free. Checked 2026-11.
const TABLE: &[(&str, &str, &str)] = &[
    ("debian", "8", "2020-06-30"),
    ("debian", "9", "2022-06-30"),
    ("debian", "10", "2024-06-30"),
    ("debian", "11", "2026-08-31"),
    ("debian", "12", "2028-06-30"),
    ("debian", "13", "2030-06-30"),
    ("ubuntu", "16.04", "2021-04-30"),
    ("ubuntu", "18.04", "2023-05-31"),
    ("ubuntu", "20.04", "2025-05-31"),
    ("ubuntu", "22.04", "2027-06-01"),
    ("ubuntu", "24.04", "2029-05-31"),
    ("ubuntu", "26.04", "2031-05-31"),
    ("alpine", "3.14", "2023-05-01"),
    ("alpine", "3.15", "2023-11-01"),
    ("alpine", "3.16", "2024-05-23"),
    ("alpine", "3.17", "2024-11-22"),
    ("alpine", "3.18", "2025-05-09"),
    ("alpine", "3.19", "2025-11-01"),
    ("alpine", "3.20", "2026-04-01"),
    ("alpine", "3.21", "2026-11-01"),
    ("alpine", "3.22", "2027-05-01"),
    ("alpine", "3.23", "2027-11-01"),
    ("centos", "7", "2024-06-30"),
    ("centos", "8", "2021-12-31"),
    ("rhel", "7", "2024-06-30"),
    ("rhel", "8", "2029-05-31"),
    ("rhel", "9", "2032-05-31"),
    ("rocky", "8", "2029-05-31"),
    ("rocky", "9", "2032-05-31"),
    ("almalinux", "8", "2029-03-01"),
    ("almalinux", "9", "2032-05-31"),
    ("amzn", "2", "2026-06-30"),
    ("amzn", "2023", "2029-06-30"),
    ("fedora", "41", "2025-12-15"),
    ("fedora", "42", "2026-05-13"),
    ("fedora", "43", "2026-12-09"),
];

/// The end-of-life date for a distribution release, if the table knows it.
/// `VERSION_ID` matches a row exactly or as a dotted prefix ("12.4" matches "12",
/// "3.19.1" matches "3.19"), the longest row winning.
pub fn end_of_life(id: &str, version_id: &str) -> Option<Date> {
    TABLE
        .iter()
        .filter(|(i, v, _)| {
            *i == id
                && (version_id == *v
                    || version_id
                        .strip_prefix(v)
                        .is_some_and(|rest| rest.starts_with('.')))
        })
        .max_by_key(|(_, v, _)| v.len())
        .and_then(|(_, _, d)| d.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_exact_and_dotted_prefixes() {
        assert_eq!(
            end_of_life("debian", "12"),
            Some("2028-06-30".parse().unwrap())
        );
        assert_eq!(
            end_of_life("alpine", "3.19.1"),
            Some("2025-11-01".parse().unwrap())
        );
        assert_eq!(end_of_life("debian", "120"), None);
        assert_eq!(end_of_life("plan9", "4"), None);
    }

    #[test]
    fn every_row_parses() {
        for (id, v, d) in TABLE {
            assert!(d.parse::<Date>().is_ok(), "{id} {v} {d}");
        }
    }
}
