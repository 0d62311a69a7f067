//! What feed text may hold: characters XML 1.0 allows, white space squashed.

use std::borrow::Cow;

/// Whether `c` may appear in an XML 1.0 document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether every character of `s` may appear in an XML 1.0 document: the
/// same answer as testing each with [`is_xml_char`], from its bytes, which
/// is several times faster on the megabytes of a large site's feeds (#12).
/// A `str` holds no surrogates, so only two kinds of character are
/// forbidden: control characters below U+0020 (single bytes, never part of
/// a longer UTF-8 sequence) and U+FFFE, U+FFFF (`EF BF BE`, `EF BF BF`,
/// which no other character's encoding contains).
pub(crate) fn all_xml_chars(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Counted, not searched with an early exit, so the loop vectorizes.
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    controls == 0
        && !bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == 0xEF)
            .any(|(i, _)| matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])))
}

/// Remove every character that XML 1.0 forbids (control characters, U+FFFE, U+FFFF).
pub(crate) fn xml_safe(s: &str) -> Cow<'_, str> {
    if all_xml_chars(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Collapse runs of white space into single spaces and trim the ends.
pub(crate) fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `c` cannot appear in a feed's text: control characters XML 1.0
/// forbids or discourages (tab and line breaks are fine) and non-characters.
pub(crate) fn is_unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// The plain text of an HTML fragment, tags removed.
pub(crate) fn html_text(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
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
    fn all_xml_chars_finds_each_forbidden_character_anywhere() {
        assert!(all_xml_chars(
            "a\tb\nc\r Душанбе 🚀 \u{FFFD}\u{FF0C}\u{E000}\u{10FFFF}"
        ));
        for bad in [
            '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            for text in [
                format!("{bad}"),
                format!("ab{bad}"),
                format!("{bad}ab"),
                format!("Д{bad}🚀"),
            ] {
                assert!(!all_xml_chars(&text), "{text:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn all_xml_chars_agrees_with_is_xml_char(s in any::<String>()) {
            prop_assert_eq!(all_xml_chars(&s), s.chars().all(is_xml_char));
        }

        #[test]
        fn all_xml_chars_agrees_on_text_near_the_forbidden_bytes(
            s in proptest::collection::vec(
                prop::sample::select(vec!['a', '\t', '\u{1}', '\u{1F}', '\u{FFFD}', '\u{FFFE}', '\u{FFFF}', '\u{FF0C}', '\u{EFBF}', '\u{BF}']),
                0..12,
            ).prop_map(|chars| chars.into_iter().collect::<String>())
        ) {
            prop_assert_eq!(all_xml_chars(&s), s.chars().all(is_xml_char));
        }

        #[test]
        fn xml_safe_output_is_always_legal(s in any::<String>()) {
            prop_assert!(xml_safe(&s).chars().all(is_xml_char));
        }
    }
}
