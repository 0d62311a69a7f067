//! Small text helpers shared by the stages: XML-safe strings, positions, suggestions.

use std::borrow::Cow;

/// Whether `c` may appear in an XML 1.0 document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Remove every character that XML 1.0 forbids (control characters, U+FFFE, U+FFFF).
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Collapse runs of white space into single spaces and trim the ends.
pub fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A hash of `parts` that never changes between runs, platforms or Rust
/// versions (FNV-1a, 64 bits), for fingerprints stored on disk. Parts are
/// separated so that ("ab", "c") and ("a", "bc") differ.
pub fn stable_hash(parts: &[&str]) -> u64 {
    parts.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, part| {
        part.bytes()
            .chain(std::iter::once(0xff))
            .fold(hash, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
    })
}

/// The candidate closest to `input` when it is close enough to be a likely typo.
pub fn closest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input = input.to_lowercase();
    candidates
        .iter()
        .map(|&c| {
            (
                strsim::normalized_damerau_levenshtein(&input, &c.to_lowercase()),
                c,
            )
        })
        .filter(|&(score, _)| score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_control_characters_only() {
        assert_eq!(xml_safe("a\u{1}b\u{8}\tc\u{FFFE}\u{FFFF}d\n"), "ab\tcd\n");
        assert!(matches!(xml_safe("Душанбе 🚀 & <b>"), Cow::Borrowed(_)));
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nдва: x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, "ab\nдва: ".len()), (2, 6));
        assert_eq!(line_col(text, 1000), (3, 1));
    }

    #[test]
    fn stable_hash_is_pinned_and_separates_parts() {
        assert_eq!(stable_hash(&["a"]), 0x089b_c907_b544_c769);
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(closest("timzone", &["title", "timezone"]), Some("timezone"));
        assert_eq!(closest("zzzzzz", &["title", "timezone"]), None);
    }

    proptest! {
        #[test]
        fn xml_safe_output_is_always_legal(s in any::<String>()) {
            prop_assert!(xml_safe(&s).chars().all(is_xml_char));
        }
    }
}
