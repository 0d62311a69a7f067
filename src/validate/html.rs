//! A scan of HTML text for script: `<script>`, `on*` handlers, `javascript:` URLs.
//!
//! This is a detector, not a sanitizer: html5ever's tokenizer (the WHATWG
//! one browsers implement, already compiled in through ammonia) reads the
//! tags and attributes, and the first risk is reported.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{Findings, Rule};

/// Check an element whose text is escaped HTML: no child elements, no script.
///
/// `text` is the element's direct text, found at `text_at`; `at` is the
/// element's own offset.
pub(super) fn check_html(
    has_children: bool,
    text: &str,
    at: usize,
    text_at: usize,
    what: &str,
    out: &mut Findings,
) {
    if has_children {
        out.add(
            Rule::NotHtml,
            at,
            format!("{what} holds unescaped markup (child elements), not escaped HTML"),
        )
        .help("escape the HTML (&lt;p&gt;) or wrap it in <![CDATA[ ]]>");
    }
    if let Some(risk) = script_risk(text) {
        out.add(
            Rule::ContainsScript,
            text_at,
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

/// Records the first script risk the HTML tokenizer meets.
#[derive(Default)]
struct RiskSink {
    risk: RefCell<Option<String>>,
}

impl TokenSink for RiskSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag || self.risk.borrow().is_some() {
            return TokenSinkResult::Continue;
        }
        let name: &str = &tag.name;
        if name == "script" {
            *self.risk.borrow_mut() = Some("a <script> element".to_string());
            return TokenSinkResult::Continue;
        }
        // The tokenizer has already decoded character references in values.
        let found = tag.attrs.iter().find_map(|a| {
            risk_of_decoded(&a.name.local, &a.value).map(|risk| format!("{risk} on <{name}>"))
        });
        if found.is_some() {
            *self.risk.borrow_mut() = found;
            return TokenSinkResult::Continue;
        }
        // Switch to the states a browser's tree builder would, so markup
        // inside <style> or <textarea> is not mistaken for tags.
        match name {
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Describe the first script risk in `html`, if any, tokenizing it as a
/// browser does (html5ever, the tokenizer behind ammonia).
pub(super) fn script_risk(html: &str) -> Option<String> {
    if !html.contains('<') {
        return None;
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(RiskSink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.risk.take()
}

/// The risk an attribute carries, if any, given its (entity-encoded) value.
pub(super) fn attribute_risk(name: &str, value: &str) -> Option<String> {
    risk_of_decoded(name, &decode_entities(value))
}

/// The risk an attribute carries, given its decoded value.
fn risk_of_decoded(name: &str, value: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    if is_event_handler(&name) {
        return Some(format!("an event-handler attribute {name}"));
    }
    let local = name.rsplit(':').next().unwrap_or(&name);
    if (URL_ATTRIBUTES.contains(&name.as_str()) || URL_ATTRIBUTES.contains(&local))
        && runs_script(value)
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
#[cfg(test)]
fn is_script_url(value: &str) -> bool {
    runs_script(&decode_entities(value))
}

/// Whether a decoded URL runs script once a browser drops the whitespace
/// and control characters it ignores.
fn runs_script(decoded: &str) -> bool {
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
            // #13: what a hand-written tokenizer gets wrong.
            ("<svg><script>alert(1)</script></svg>", "<script>"),
            ("<img/src=\"x\"/onerror=alert(1)>", "onerror"),
            ("<a href=&#x6A;avascript:alert(1)>x</a>", "href"),
            (
                "<textarea>x</textarea><img src=x onerror=alert(1)>",
                "onerror",
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
            // #13: raw-text elements hold text, not tags, as in a browser.
            "<style>p::after { content: \"<img src=x onerror=alert(1)>\" }</style>",
            "<textarea><script>alert(1)</script></textarea>",
            "<title><a href=\"javascript:x\"></title>",
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
