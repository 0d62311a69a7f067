//! A small scan of HTML text for script: `<script>`, `on*` handlers, `javascript:` URLs.
//!
//! This is a detector, not a sanitizer: it walks tags and attributes the way
//! a browser tokenizer roughly would and reports the first risk it sees.

use super::xml::Frame;
use super::{Findings, Rule};

/// Check an element whose text is escaped HTML: no child elements, no script.
pub(super) fn check_html(el: &Frame, what: &str, out: &mut Findings) {
    if el.children > 0 {
        out.add(
            Rule::NotHtml,
            el.offset,
            format!("{what} holds unescaped markup (child elements), not escaped HTML"),
        )
        .help("escape the HTML (&lt;p&gt;) or wrap it in <![CDATA[ ]]>");
    }
    if let Some(risk) = script_risk(&el.text) {
        out.add(
            Rule::ContainsScript,
            el.text_at(),
            format!("{what} contains {risk}"),
        )
        .help("sanitize the HTML: feed readers and aggregators may run it");
    }
}

/// Attributes whose value is loaded or followed as a URL.
const URL_ATTRIBUTES: [&str; 12] = [
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "background",
    "poster",
    "cite",
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "srcdoc",
];

/// Describe the first script risk in `html`, if any.
pub(super) fn script_risk(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(found) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + found;
        i = lt + 1;
        if bytes[i..].starts_with(b"!--") {
            i = match html[i..].find("-->") {
                Some(end) => i + end + 3,
                None => bytes.len(),
            };
            continue;
        }
        let name_len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[i].is_ascii_alphabetic() {
            continue;
        }
        let name = html[i..i + name_len].to_ascii_lowercase();
        if name == "script" {
            return Some("a <script> element".to_string());
        }
        let (attributes, end) = tag_attributes(html, i + name_len);
        i = end;
        if let Some(risk) = attributes.iter().find_map(|(n, v)| attribute_risk(n, v)) {
            return Some(format!("{risk} on <{name}>"));
        }
    }
    None
}

/// The risk an attribute carries, if any, given its (entity-encoded) value.
pub(super) fn attribute_risk(name: &str, value: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    if is_event_handler(&name) {
        return Some(format!("an event-handler attribute {name}"));
    }
    let local = name.rsplit(':').next().unwrap_or(&name);
    if (URL_ATTRIBUTES.contains(&name.as_str()) || URL_ATTRIBUTES.contains(&local))
        && is_script_url(value)
    {
        return Some(format!("a script URL in {name}"));
    }
    None
}

fn is_event_handler(name: &str) -> bool {
    name.len() > 2 && name.starts_with("on") && name[2..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// Whether a URL runs script once a browser decodes entities and drops the
/// whitespace and control characters it ignores.
pub(super) fn is_script_url(value: &str) -> bool {
    let decoded = decode_entities(value);
    let squeezed: String = decoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:")
}

/// Decode numeric character references and the few named ones used to hide schemes.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(rest.len());
        let entity = &rest[..end];
        let decoded = if let Some(number) = entity.strip_prefix("#x").or(entity.strip_prefix("#X"))
        {
            u32::from_str_radix(number, 16)
                .ok()
                .and_then(char::from_u32)
        } else if let Some(number) = entity.strip_prefix('#') {
            number.parse().ok().and_then(char::from_u32)
        } else {
            match entity.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// Parse the attributes of a start tag beginning at `i`; return them and
/// the index just past the tag.
fn tag_attributes(html: &str, mut i: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attributes, i);
        }
        if bytes[i] == b'>' {
            return (attributes, i + 1);
        }
        let start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        // Never stall on a stray '='.
        if i == start {
            i += 1;
        }
        let name = html[start..i].to_string();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let from = i + 1;
                    let to = bytes[from..]
                        .iter()
                        .position(|&b| b == quote)
                        .map_or(bytes.len(), |p| from + p);
                    value = html[from..to].to_string();
                    i = (to + 1).min(bytes.len());
                }
                _ => {
                    let from = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[from..i].to_string();
                }
            }
        }
        attributes.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_script_in_its_usual_disguises() {
        let risky = [
            ("<p>hi</p><script>alert(1)</script>", "<script>"),
            ("<SCRIPT src=x.js></SCRIPT>", "<script>"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("<a href='#' OnClick=\"go()\">x</a>", "onclick"),
            ("<a href=\"javascript:alert(1)\">x</a>", "href"),
            ("<a href=\" JaVaScRiPt:alert(1)\">x</a>", "href"),
            ("<a href=\"java\tscript:alert(1)\">x</a>", "href"),
            ("<a href=\"&#106;avascript:alert(1)\">x</a>", "href"),
            ("<a href=\"javascript&colon;alert(1)\">x</a>", "href"),
            ("<iframe src=vbscript:msgbox(1)></iframe>", "src"),
            (
                "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
                "xlink:href",
            ),
        ];
        for (html, needle) in risky {
            let risk = script_risk(html).unwrap_or_else(|| panic!("missed: {html}"));
            assert!(risk.contains(needle), "{html}: {risk}");
        }
    }

    #[test]
    fn leaves_ordinary_html_alone() {
        let safe = [
            "",
            "plain text with a < b and c > d",
            "<p>On the <em>onion</em> question, see <a href=\"https://example.com/js\">javascript: the good parts</a>.</p>",
            "<img src=\"https://example.com/a.png\" alt=\"online\">",
            "<!-- <script>alert(1)</script> -->",
            "<p data-x=\"onclick\">text about onclick= handlers</p>",
            "<a href=\"/relative/javascript:x\">x</a>",
            "<p>unterminated <a href=\"https://x",
            "<p =x>odd</p>",
        ];
        for html in safe {
            assert_eq!(script_risk(html), None, "{html}");
        }
    }

    #[test]
    fn script_urls() {
        let cases = [
            ("javascript:x", true),
            ("  javascript:x", true),
            ("&#x6A;avascript:x", true),
            ("https://example.com/", false),
            ("javascript", false),
            ("&amp;javascript:x", false),
        ];
        for (value, expected) in cases {
            assert_eq!(is_script_url(value), expected, "{value}");
        }
    }
}
