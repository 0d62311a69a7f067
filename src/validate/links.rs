//! URL and email checks shared by the RSS and Atom rules.

use url::Url;

/// What a URL-ish string turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum UrlKind {
    /// An absolute URL with a scheme.
    Absolute(Url),
    /// A well-formed relative reference.
    Relative,
    /// Not a URL at all; the reason.
    Invalid(String),
}

/// Classify a link value (surrounding whitespace ignored).
pub(super) fn classify(raw: &str) -> UrlKind {
    let value = raw.trim();
    if value.is_empty() {
        return UrlKind::Invalid("it is empty".to_string());
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return UrlKind::Invalid(format!("it contains {c:?}, which must be percent-encoded"));
    }
    match Url::parse(value) {
        Ok(url) => UrlKind::Absolute(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            match Url::parse("http://base.invalid/").and_then(|base| base.join(value)) {
                Ok(_) => UrlKind::Relative,
                Err(e) => UrlKind::Invalid(e.to_string()),
            }
        }
        Err(e) => UrlKind::Invalid(e.to_string()),
    }
}

/// Resolve `raw` against an optional absolute base; `Relative` when there is none.
pub(super) fn resolve(raw: &str, base: Option<&Url>) -> UrlKind {
    match (classify(raw), base) {
        (UrlKind::Relative, Some(base)) => match base.join(raw.trim()) {
            Ok(url) => UrlKind::Absolute(url),
            Err(e) => UrlKind::Invalid(e.to_string()),
        },
        (kind, _) => kind,
    }
}

/// Whether an absolute URL is a web link (http or https).
pub(super) fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// Whether the text holds an email address, as RSS `author` requires
/// (`jane@example.com (Jane Doe)` or `Jane Doe <jane@example.com>`).
pub(super) fn contains_email(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || "<>(),;\"".contains(c))
        .any(|token| match token.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        })
}

/// Whether the value is a MIME type such as `image/jpeg` or `text/html; charset=utf-8`.
pub(super) fn is_mime(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_links() {
        let cases = [
            ("https://example.com/a?b=c#d", "absolute"),
            ("  https://example.com/  ", "absolute"),
            ("mailto:jane@example.com", "absolute"),
            ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "absolute"),
            ("tag:example.com,2024:post-1", "absolute"),
            ("/2024/03/post/", "relative"),
            ("post.html", "relative"),
            ("//cdn.example.com/a.png", "relative"),
            ("", "invalid"),
            ("http://exa mple.com/", "invalid"),
            ("https://example.com/a b", "invalid"),
            ("http://[::1", "invalid"),
            ("https://", "invalid"),
        ];
        for (input, expected) in cases {
            let kind = match classify(input) {
                UrlKind::Absolute(_) => "absolute",
                UrlKind::Relative => "relative",
                UrlKind::Invalid(_) => "invalid",
            };
            assert_eq!(kind, expected, "{input:?}");
        }
    }

    #[test]
    fn resolves_against_a_base() {
        let base = Url::parse("https://example.com/blog/").expect("base");
        assert_eq!(
            resolve("post/", Some(&base)),
            UrlKind::Absolute(Url::parse("https://example.com/blog/post/").expect("url"))
        );
        assert_eq!(resolve("post/", None), UrlKind::Relative);
        assert!(
            matches!(resolve("https://other.example/", Some(&base)), UrlKind::Absolute(u) if u.host_str() == Some("other.example"))
        );
    }

    #[test]
    fn mime_types() {
        let cases = [
            ("image/jpeg", true),
            ("audio/mpeg", true),
            ("application/rss+xml", true),
            ("text/html; charset=utf-8", true),
            ("jpeg", false),
            ("image/", false),
            ("/jpeg", false),
            ("image/jp eg", false),
            ("", false),
        ];
        for (input, expected) in cases {
            assert_eq!(is_mime(input), expected, "{input}");
        }
    }

    #[test]
    fn finds_email_addresses() {
        let cases = [
            ("jane@example.com", true),
            ("jane@example.com (Jane Doe)", true),
            ("Jane Doe <jane@example.com>", true),
            ("Jane Doe", false),
            ("@jane", false),
            ("jane@localhost", false),
            ("jane@@example.com", false),
            ("", false),
        ];
        for (input, expected) in cases {
            assert_eq!(contains_email(input), expected, "{input}");
        }
    }
}
