//! What feed text may hold: characters XML 1.0 allows, white space squashed.

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

/// Whether `c` cannot appear in a feed's text: control characters XML 1.0
/// forbids or discourages (tab and line breaks are fine) and non-characters.
pub(crate) fn is_unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
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

    proptest! {
        #[test]
        fn xml_safe_output_is_always_legal(s in any::<String>()) {
            prop_assert!(xml_safe(&s).chars().all(is_xml_char));
        }
    }
}
