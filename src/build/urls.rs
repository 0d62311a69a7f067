//! The build gate's URL rule: no URL we publish may run code or read local
//! files in a reader (`javascript:`, `vbscript:`, `data:`, `file:`).
//!
//! It checks the serialized feed, whatever made the URL (front matter, a
//! stale cache entry, URL rewriting), so nothing can get past it.

use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::error::Diagnostic;

/// Schemes that run code or reach local files when a reader follows them.
const UNSAFE_SCHEMES: &[&str] = &["javascript", "vbscript", "data", "file"];

/// Elements whose text is a URL (RSS and Atom).
const URL_ELEMENTS: &[&str] = &[
    "link", "guid", "id", "uri", "comments", "docs", "icon", "logo", "url",
];

/// Attributes whose value is a URL (`enclosure url`, `media:content url`,
/// `atom:link href`, …).
const URL_ATTRIBUTES: &[&str] = &["url", "href", "src", "uri"];

/// One error for each URL-valued element or attribute of the feed at
/// `path` (its bytes) that uses an unsafe scheme.
pub(super) fn unsafe_urls(path: &Path, bytes: &[u8]) -> Vec<Diagnostic> {
    let mut reader = Reader::from_reader(bytes);
    let mut found = Vec::new();
    let mut report = |position: u64, what: String, url: &str| {
        let offset = usize::try_from(position).unwrap_or(usize::MAX);
        let line = crate::text::line_at(bytes, offset);
        let shown: String = url.chars().take(60).collect();
        found.push(
            Diagnostic::error(
                path,
                format!("{what} has an unsafe URL {shown:?}: readers would run or open it"),
            )
            .at_line(line)
            .with_code("UnsafeUrlScheme")
            .with_help("use an http(s) or site-relative URL in the article's front matter"),
        );
    };
    // The element whose text is being collected, and that text.
    let mut open: Option<(String, u64, String)> = None;
    loop {
        let position = reader.buffer_position();
        // Malformed XML is the validator's business; stop quietly.
        let Ok(event) = reader.read_event() else {
            break;
        };
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                for attribute in e.attributes().flatten() {
                    let key = attribute.key.local_name();
                    let key = String::from_utf8_lossy(key.as_ref()).into_owned();
                    if !URL_ATTRIBUTES.contains(&key.as_str()) {
                        continue;
                    }
                    if let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0)
                        && is_unsafe(&value)
                    {
                        report(position, format!("<{name} {key}>"), &value);
                    }
                }
                open = URL_ELEMENTS
                    .contains(&name.as_str())
                    .then(|| (name, position, String::new()));
            }
            Event::Text(t) => {
                if let (Some((_, _, text)), Ok(s)) = (&mut open, t.decode()) {
                    text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let (Some((_, _, text)), Ok(s)) = (&mut open, t.decode()) {
                    text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, _, text)) = &mut open {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => text.push(c),
                        _ => text.push_str(match &*r {
                            b"amp" => "&",
                            b"lt" => "<",
                            b"gt" => ">",
                            b"quot" => "\"",
                            b"apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Event::End(_) => {
                if let Some((name, at, text)) = open.take()
                    && is_unsafe(&text)
                {
                    report(at, format!("<{name}>"), &text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

/// Whether `url` starts with an unsafe scheme, as a browser would read it:
/// leading spaces and control characters skipped, tabs and line breaks
/// inside ignored, letters in any case.
fn is_unsafe(url: &str) -> bool {
    let scheme: String = url
        .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|c| *c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let has_colon = url.contains(':');
    has_colon && UNSAFE_SCHEMES.contains(&scheme.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(xml: &str) -> Vec<(usize, String)> {
        unsafe_urls(Path::new("feeds/rss.xml"), xml.as_bytes())
            .into_iter()
            .map(|d| (d.line.unwrap_or(0), d.message))
            .collect()
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        for bad in [
            "javascript:alert(1)",
            "  JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:x",
            "vbscript:msgbox",
            "data:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
        ] {
            assert!(is_unsafe(bad), "{bad:?}");
        }
        for good in [
            "https://x.org/a",
            "/relative/javascript:x",
            "urn:uuid:1",
            "tag:x.org,2024:1",
            "mailto:desk@x.org",
            "javascript",
            "",
        ] {
            assert!(!is_unsafe(good), "{good:?}");
        }
    }

    #[test]
    fn every_url_valued_element_and_attribute_is_checked() {
        let rss = "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>\n\
             <link>https://x.org/</link>\n\
             <item><link>javascript:alert(1)</link>\n\
             <guid isPermaLink=\"false\">&#106;avascript:void(0)</guid>\n\
             <enclosure url=\"file:///etc/passwd\" length=\"0\" type=\"image/png\"/>\n\
             <media:content url=\"data:image/png;base64,AA\" medium=\"image\"/>\n\
             <title>javascript: a title is not a URL</title>\n\
             <description><![CDATA[<a href=\"javascript:x\">sanitized elsewhere</a>]]></description>\n\
             </item></channel></rss>";
        assert_eq!(
            codes(rss),
            [
                (3, "<link> has an unsafe URL \"javascript:alert(1)\": readers would run or open it".to_string()),
                (4, "<guid> has an unsafe URL \"javascript:void(0)\": readers would run or open it".to_string()),
                (5, "<enclosure url> has an unsafe URL \"file:///etc/passwd\": readers would run or open it".to_string()),
                (6, "<content url> has an unsafe URL \"data:image/png;base64,AA\": readers would run or open it".to_string()),
            ]
        );
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
             <id>vbscript:x</id>\n<link rel=\"alternate\" href=\"https://x.org/\"/>\n\
             <entry><link href=\" javascript:alert(1)\"/></entry></feed>";
        assert_eq!(
            codes(atom)
                .into_iter()
                .map(|(line, _)| line)
                .collect::<Vec<_>>(),
            [2, 4]
        );
        assert!(codes("<rss><channel><link>https://x.org/</link></channel></rss>").is_empty());
    }
}
