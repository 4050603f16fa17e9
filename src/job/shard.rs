//! Which shard scans a container: SHA-256 of its stable key, mapped onto the shards.
//!
//! The key is `<pod uid>/<container name>`: a pod's uid never changes and is never reused, so
//! every shard of a run (and a retried shard) puts a container in the same place, without a
//! coordinator. The hash is fixed and documented, unlike Rust's randomly seeded hasher: the
//! first 8 bytes of SHA-256(key), big-endian, as h; the shard is `(h × N) >> 64` (Lemire's
//! multiply-shift: it uses the high bits, with a bias below 10^-16 for N ≤ 1000). SHA-256
//! spreads keys that differ in one character (a pod's containers) as well as any other:
//! FNV-1a, tried first, put all five containers of a pod into the same shard.

use sha2::{Digest, Sha256};

/// The stable key of a container.
pub fn key(pod_uid: &str, container: &str) -> String {
    format!("{pod_uid}/{container}")
}

/// The 64-bit hash of a key.
pub fn hash64(key: &str) -> u64 {
    let d = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// The shard (0..shards) that scans this container.
pub fn shard_of(pod_uid: &str, container: &str, shards: u32) -> u32 {
    let h = u128::from(hash64(&key(pod_uid, container)));
    ((h * u128::from(shards.max(1))) >> 64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_documented_one() {
        // sha256("abc") = ba7816bf8f01cfea...
        assert_eq!(hash64("abc"), 0xba7816bf8f01cfea);
        // (h × 4) >> 64 is the top two bits of h
        let h = hash64(&key("uid", "app"));
        assert_eq!(shard_of("uid", "app", 4), (h >> 62) as u32);
    }

    #[test]
    fn every_container_lands_in_exactly_one_shard_and_spreads_evenly() {
        let shards = 4;
        let mut counts = [0u32; 4];
        for pod in 0..1000 {
            let uid = format!("0000{pod:04}-aaaa-bbbb-cccc-{pod:012}");
            // a pod's containers differ in one character: they must still spread
            for c in ["c0", "c1", "c2", "c3", "c4"] {
                let s = shard_of(&uid, c, shards);
                assert!(s < shards);
                assert_eq!(s, shard_of(&uid, c, shards));
                counts[s as usize] += 1;
            }
        }
        assert_eq!(counts.iter().sum::<u32>(), 5000);
        for c in counts {
            assert!((1100..1400).contains(&c), "uneven spread: {counts:?}");
        }
        // within one pod too, over many pods: not all five in one shard
        let together = (0..1000)
            .filter(|pod| {
                let uid = format!("{pod:08x}-1111-2222-3333-444444444444");
                let first = shard_of(&uid, "c0", 4);
                ["c1", "c2", "c3", "c4"]
                    .iter()
                    .all(|c| shard_of(&uid, c, 4) == first)
            })
            .count();
        assert!(together < 20, "{together} of 1000 pods in a single shard");
        assert_eq!(shard_of("uid", "app", 1), 0);
        assert_eq!(shard_of("uid", "app", 0), 0);
    }
}
