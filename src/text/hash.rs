//! A hash stable across runs and platforms, for fingerprints on disk.

/// A hash of `parts` that never changes between runs, platforms or Rust
/// versions (FNV-1a, 64 bits), for fingerprints stored on disk. Parts are
/// separated so that ("ab", "c") and ("a", "bc") differ.
pub(crate) fn stable_hash(parts: &[&str]) -> u64 {
    parts.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, part| {
        part.bytes()
            .chain(std::iter::once(0xff))
            .fold(hash, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_pinned_and_separates_parts() {
        assert_eq!(stable_hash(&["a"]), 0x089b_c907_b544_c769);
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
    }
}
