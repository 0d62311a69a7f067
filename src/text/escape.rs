//! Names and paths made safe to print: invisible and control characters
//! written as escapes.

use std::borrow::Cow;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
