//! Which shard scans a container: FNV-1a of its stable key, modulo the number of shards.
//!
//! The key is `<pod uid>/<container name>`: a pod's uid never changes and is never reused, so
//! every shard of a run (and a retried shard) puts a container in the same place, without a
//! coordinator. FNV-1a (64-bit, offset 0xcbf29ce484222325, prime 0x100000001b3) is fixed and
//! documented, unlike Rust's randomly seeded hasher. Its low bits are weak (keys that differ
//! in a few characters can agree modulo 4), so the hash h maps to a shard by its high bits:
//! `shard = (h × N) >> 64` (Lemire's multiply-shift), whose bias for N ≤ 1000 is below 10^-16.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// The stable key of a container.
pub fn key(pod_uid: &str, container: &str) -> String {
    format!("{pod_uid}/{container}")
}

/// The shard (0..shards) that scans this container.
pub fn shard_of(pod_uid: &str, container: &str, shards: u32) -> u32 {
    let h = u128::from(fnv1a64(key(pod_uid, container).as_bytes()));
    ((h * u128::from(shards.max(1))) >> 64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // from the FNV reference test suite (draft-eastlake-fnv, fnv1a64)
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn every_container_lands_in_exactly_one_shard_and_spreads_evenly() {
        let shards = 4;
        let mut counts = [0u32; 4];
        for pod in 0..2500 {
            let uid = format!("0000{pod:04}-aaaa-bbbb-cccc-{pod:012}");
            for c in ["app", "sidecar"] {
                let s = shard_of(&uid, c, shards);
                assert!(s < shards);
                // stable: the same answer every time
                assert_eq!(s, shard_of(&uid, c, shards));
                counts[s as usize] += 1;
            }
        }
        assert_eq!(counts.iter().sum::<u32>(), 5000);
        for c in counts {
            assert!((1100..1400).contains(&c), "uneven spread: {counts:?}");
        }
        assert_eq!(shard_of("uid", "app", 1), 0);
        assert_eq!(shard_of("uid", "app", 0), 0);
    }
}
