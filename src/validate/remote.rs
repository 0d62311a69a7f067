//! `feedpub check URL`: fetch a feed over HTTP and check what only a fetch
//! shows (status, redirects, `Content-Type` and charset, the self link,
//! conditional requests), then validate the body like a file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ureq::ResponseExt;

use super::{Findings, Options, Rule, validate_feed, xml};
use crate::error::Diagnostic;

/// Overall time limit of one request, redirects included.
const TIMEOUT: Duration = Duration::from_secs(30);
/// At most this many redirects are followed.
const MAX_REDIRECTS: u32 = 5;

/// Media types a feed may be served as.
const FEED_TYPES: [&str; 5] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
];

/// Whether a command-line argument is a URL rather than a path.
pub(crate) fn is_url(arg: &Path) -> bool {
    arg.to_str()
        .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"))
}

/// Fetch `url` and check it; findings name the URL as their path.
pub(crate) fn check_url(url: &str, options: &Options, max_bytes: u64) -> Vec<Diagnostic> {
    let at = PathBuf::from(url);
    let finding = |rule: Rule, message: String| {
        let d = match rule.severity() {
            crate::error::Severity::Error => Diagnostic::error(&at, message),
            crate::error::Severity::Warning => Diagnostic::warning(&at, message),
        };
        d.with_code(rule.code())
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .save_redirect_history(true)
        .build()
        .into();
    let mut response = match agent.get(url).call() {
        Ok(response) => response,
        Err(e) => {
            return vec![
                finding(Rule::FetchFailed, format!("cannot fetch: {e}"))
                    .with_help("check the URL and that the server is reachable"),
            ];
        }
    };
    let mut out = Vec::new();
    let status = response.status();
    if status != 200 {
        out.push(
            finding(
                Rule::HttpStatus,
                format!("the server answered {status}, not 200 OK"),
            )
            .with_help("serve the feed with status 200"),
        );
        return out;
    }
    let final_url = response.get_uri().to_string();
    if let Some(history) = response.get_redirect_history()
        && history.len() > 1
    {
        out.push(
            finding(
                Rule::Redirected,
                format!("redirected to {final_url} ({} hops)", history.len() - 1),
            )
            .with_help("point subscribers at the final URL; a permanent move should be a 301"),
        );
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type");
    let etag = header("etag");
    let last_modified = header("last-modified");
    let bytes = match response
        .body_mut()
        .with_config()
        .limit(max_bytes)
        .read_to_vec()
    {
        Ok(bytes) => bytes,
        Err(ureq::Error::BodyExceedsLimit(_)) => {
            out.push(
                finding(
                    Rule::FileTooLarge,
                    format!("the body is more than the limit of {max_bytes} bytes"),
                )
                .with_help("raise the limit with --max-bytes if this really is a feed"),
            );
            return out;
        }
        Err(e) => {
            out.push(finding(
                Rule::FetchFailed,
                format!("cannot read the body: {e}"),
            ));
            return out;
        }
    };
    content_type_rules(content_type.as_deref(), &bytes, &finding, &mut out);
    if let Some(href) = self_link(&bytes)
        && href.trim() != final_url
    {
        out.push(
            finding(
                Rule::SelfDoesNotMatchLocation,
                format!("the self link is {href}, but the feed was fetched from {final_url}"),
            )
            .with_help("make the self link the URL the feed is served at"),
        );
    }
    conditional_rules(&agent, &final_url, etag, last_modified, &finding, &mut out);
    out.extend(validate_feed(&at, &bytes, options));
    out
}

/// `Content-Type` must be a feed or XML type; its charset must agree with
/// the XML declaration (RFC 7303: the header wins, so a mismatch misleads).
fn content_type_rules(
    content_type: Option<&str>,
    bytes: &[u8],
    finding: &dyn Fn(Rule, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = content_type else {
        out.push(finding(
            Rule::UnexpectedContentType,
            "no Content-Type header".into(),
        ));
        return;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    if !FEED_TYPES.contains(&essence.as_str()) {
        out.push(
            finding(
                Rule::UnexpectedContentType,
                format!("served as {essence}, not as a feed or XML type"),
            )
            .with_help("serve RSS as application/rss+xml and Atom as application/atom+xml"),
        );
    }
    let charset = parts.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    });
    let declared = declared_encoding(bytes).unwrap_or_else(|| "utf-8".into());
    if let Some(charset) = charset {
        let same = encoding_rs::Encoding::for_label(charset.as_bytes())
            == encoding_rs::Encoding::for_label(declared.as_bytes());
        if !same {
            out.push(
                finding(
                    Rule::CharsetMismatch,
                    format!(
                        "Content-Type says charset={charset}, the XML declaration says {declared}"
                    ),
                )
                .with_help("make the header's charset and the XML declaration agree"),
            );
        }
    }
}

/// The `encoding` of the XML declaration, lowercased.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    xml::declaration_value(body, "encoding").map(|(label, _)| label.to_ascii_lowercase())
}

/// The `href` of the first `link rel="self"` (Atom, or `atom:link` in RSS),
/// read from the parsed tree (none when the document cannot be parsed).
fn self_link(bytes: &[u8]) -> Option<String> {
    let mut ignored = Findings::default();
    let text = xml::decode(bytes, &mut ignored);
    let mut href = None;
    xml::scan(
        &text,
        |_, root, _| {
            href = root
                .descendants()
                .find(|n| {
                    n.is_element()
                        && n.tag_name().name() == "link"
                        && n.attribute("rel") == Some("self")
                })
                .and_then(|link| link.attribute("href"))
                .map(str::to_string);
        },
        &mut ignored,
    );
    href
}

/// A second request with `If-None-Match` / `If-Modified-Since` must get 304.
fn conditional_rules(
    agent: &ureq::Agent,
    url: &str,
    etag: Option<String>,
    last_modified: Option<String>,
    finding: &dyn Fn(Rule, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    if etag.is_none() && last_modified.is_none() {
        out.push(
            finding(
                Rule::NoConditionalGet,
                "neither ETag nor Last-Modified is sent, so every poll downloads the whole feed"
                    .into(),
            )
            .with_help("let the server send ETag or Last-Modified and answer 304 Not Modified"),
        );
        return;
    }
    for (header, value) in [
        ("If-None-Match", etag),
        ("If-Modified-Since", last_modified),
    ] {
        let Some(value) = value else { continue };
        let status = agent
            .get(url)
            .header(header, &value)
            .call()
            .map(|r| r.status().as_u16());
        if !matches!(status, Ok(304)) {
            out.push(
                finding(
                    Rule::NoConditionalGet,
                    format!("a request with {header}: {value} did not get 304 Not Modified"),
                )
                .with_help("answer conditional requests with 304 when the feed has not changed"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_self_link_and_the_declared_encoding_come_from_the_document() {
        let rss = br#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<link>https://example.com/</link>
<atom:link rel="self" href="https://example.com/rss.xml?a=1&amp;b=2"/>
<item><atom:link rel="self" href="https://example.com/item"/></item>
</channel></rss>"#;
        assert_eq!(
            self_link(rss).as_deref(),
            Some("https://example.com/rss.xml?a=1&b=2")
        );
        assert_eq!(declared_encoding(rss).as_deref(), Some("utf-8"));
        // Repairable errors (an undefined entity) do not hide it.
        let atom = "\u{FEFF}<?xml version='1.0' encoding='ISO-8859-1'?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>&eacute;</title><link href=\"https://example.com/atom.xml\" rel=\"self\"/></feed>";
        assert_eq!(
            self_link(atom.as_bytes()).as_deref(),
            Some("https://example.com/atom.xml")
        );
        assert_eq!(
            declared_encoding(atom.as_bytes()).as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(
            self_link(b"<feed><link rel=\"alternate\" href=\"x\"/></feed>"),
            None
        );
        assert_eq!(declared_encoding(b"<rss/>"), None);
    }
}
