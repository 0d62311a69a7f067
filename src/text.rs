//! Small text helpers shared by the stages: XML-safe strings, positions, suggestions.

use std::borrow::Cow;

/// Whether `c` may appear in an XML 1.0 document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Remove every character that XML 1.0 forbids (control characters, U+FFFE, U+FFFF).
pub(crate) fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Collapse runs of white space into single spaces and trim the ends.
pub(crate) fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

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

/// The candidate closest to `input` when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
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

/// Whether `c` is invisible on a terminal (zero-width, joiners, bidi
/// controls, soft hyphen, fillers, tags): two names differing only in such
/// characters look the same when printed.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}')
}

/// `s` with every control character (but new lines and tabs) and every
/// invisible one (zero-width, joiners, bidi controls, …) written as an
/// escape (`\u{200b}`), for messages: look-alike names are told apart, and
/// no escape sequence from a file name or a name reaches the terminal.
pub fn escaped(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| {
        c.is_control() && c != '\n' && c != '\t' || is_invisible(c)
    })
}

/// `s` with the characters `hidden` picks written as `\u{…}` escapes.
fn escape_where(s: &str, hidden: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path for messages and JSON reports: every control character (new
/// lines too: a name must not forge a line of output) and invisible one
/// escaped, and every byte that is not UTF-8 written as `\xNN`, so the
/// name stays complete and valid text.
pub fn escaped_path(path: &std::path::Path) -> String {
    let mut out = String::new();
    for chunk in path_bytes(path).utf8_chunks() {
        out.push_str(&escape_where(chunk.valid(), |c| {
            c.is_control() || is_invisible(c)
        }));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

#[cfg(unix)]
fn path_bytes(path: &std::path::Path) -> Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &std::path::Path) -> Cow<'_, [u8]> {
    match path.to_string_lossy() {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// Hugo's `UnicodeSanitize`: keep letters, digits, marks and `./\_#+~-@`
/// (and `%` before two hex digits), turn runs of white space into one
/// hyphen, drop everything else.
pub(crate) fn unicode_sanitize(s: &str) -> String {
    let source: Vec<char> = s.chars().collect();
    let mut target = String::with_capacity(s.len());
    let mut prepend_hyphen = false;
    let mut was_hyphen = false;
    for (i, &r) in source.iter().enumerate() {
        let allowed = matches!(r, '.' | '/' | '\\' | '_' | '#' | '+' | '~' | '-' | '@')
            || r.is_alphanumeric()
            || (r == '%'
                && source.get(i + 1).is_some_and(char::is_ascii_hexdigit)
                && source.get(i + 2).is_some_and(char::is_ascii_hexdigit));
        if allowed {
            was_hyphen = r == '-';
            if prepend_hyphen {
                if !was_hyphen {
                    target.push('-');
                }
                prepend_hyphen = false;
            }
            target.push(r);
        } else if !target.is_empty() && !was_hyphen && r.is_whitespace() {
            prepend_hyphen = true;
        }
    }
    target
}

/// Whether `c` cannot appear in a feed's text: control characters XML 1.0
/// forbids or discourages (tab and line breaks are fine) and non-characters.
pub(crate) fn is_unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// The longest title, in characters, of an article or a term override.
pub(crate) const MAX_TITLE_CHARS: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
    fn invisible_and_control_characters_are_escaped() {
        // Issue 11: "Economy" and "Econ\u{200B}omy" were shown alike.
        assert_eq!(escaped("Econ\u{200B}omy"), "Econ\\u{200b}omy");
        assert_eq!(escaped("a\u{202E}b\u{1b}[31m"), "a\\u{202e}b\\u{1b}[31m");
        assert!(matches!(escaped("Душанбе\tCafé\n"), Cow::Borrowed(_)));
    }

    #[cfg(unix)]
    #[test]
    fn paths_keep_bytes_that_are_not_utf8_as_escapes() {
        use std::os::unix::ffi::OsStrExt;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(b"feeds/bad\xff\x1b.xml"));
        assert_eq!(escaped_path(path), "feeds/bad\\xFF\\u{1b}.xml");
        let forged = std::path::Path::new("a.xml\nb.xml:1: error");
        assert_eq!(escaped_path(forged), "a.xml\\u{a}b.xml:1: error");
    }

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
