//! Hugo's `UnicodeSanitize`, for URL paths made from titles and names.

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
