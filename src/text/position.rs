//! Line and column numbers of byte offsets, for messages.

/// The 1-based line of a byte offset in `bytes`, which need not be UTF-8.
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> usize {
    let before = bytes.get(..offset).unwrap_or(bytes);
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_at_counts_newlines_before_the_offset_in_any_bytes() {
        let bytes = b"a\nb\xff\nc";
        assert_eq!(line_at(bytes, 0), 1);
        assert_eq!(line_at(bytes, 2), 2);
        assert_eq!(line_at(bytes, 5), 3);
        assert_eq!(
            line_at(bytes, 99),
            3,
            "an offset past the end is the last line"
        );
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nдва: x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, "ab\nдва: ".len()), (2, 6));
        assert_eq!(line_col(text, 1000), (3, 1));
    }
}
