//! How deeply the raw HTML in an article body nests, checked before
//! rendering.
//!
//! The sanitizer builds a tree of the HTML: 100,000 nested `<div>`s make
//! its tree building quadratic and its recursion deep enough to overflow
//! the stack. No article needs more than a few dozen levels, so a body
//! deeper than [`MAX_HTML_NESTING`] is an error, found by html5ever's
//! tokenizer (linear, no tree) before anything else reads the HTML.

use std::cell::Cell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::{Event, Parser};

/// The deepest raw HTML nesting an article body may have.
pub const MAX_HTML_NESTING: usize = 256;

/// How much HTML the tokenizer reads between two looks at the depth.
const CHUNK_BYTES: usize = 4096;

/// Elements that never hold others (void), or whose end tag may be left
/// out (HTML closes them by itself): they are not counted, so `<p>` or
/// `<li>` without an end tag does not look deep.
const NOT_NESTING: [&str; 32] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
    "tfoot", "colgroup", "caption", "rb", "rt", "rp", "html", "body",
];

/// Counts open elements as the tokenizer meets their tags.
#[derive(Default)]
struct DepthSink {
    depth: Cell<usize>,
    too_deep: Cell<bool>,
}

impl TokenSink for DepthSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        let name: &str = &tag.name;
        if NOT_NESTING.contains(&name) {
            return TokenSinkResult::Continue;
        }
        match tag.kind {
            TagKind::EndTag => self.depth.set(self.depth.get().saturating_sub(1)),
            TagKind::StartTag if tag.self_closing => {}
            TagKind::StartTag => {
                self.depth.set(self.depth.get() + 1);
                if self.depth.get() > MAX_HTML_NESTING {
                    self.too_deep.set(true);
                }
                // Their text is not markup, as in a browser.
                return match name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    _ => TokenSinkResult::Continue,
                };
            }
        }
        TokenSinkResult::Continue
    }
}

/// Feeds pieces of HTML to one tokenizer and says when the nesting passed
/// the limit.
struct DepthCounter {
    tokenizer: Tokenizer<DepthSink>,
}

impl DepthCounter {
    fn new() -> DepthCounter {
        DepthCounter {
            tokenizer: Tokenizer::new(DepthSink::default(), TokenizerOpts::default()),
        }
    }

    /// Read `html` (the next piece); whether the nesting is now too deep.
    /// Fed a few kilobytes at a time, so that a deep document stops being
    /// read soon after it passes the limit.
    fn too_deep_after(&self, mut html: &str) -> bool {
        let input = BufferQueue::default();
        while !html.is_empty() {
            let mut end = html.len().min(CHUNK_BYTES);
            while !html.is_char_boundary(end) {
                end += 1;
            }
            let (piece, rest) = html.split_at(end);
            input.push_back(StrTendril::from_slice(piece));
            let _ = self.tokenizer.feed(&input);
            if self.tokenizer.sink.too_deep.get() {
                return true;
            }
            html = rest;
        }
        false
    }
}

/// The byte offset in `markdown` of the raw HTML where its nesting first
/// passes [`MAX_HTML_NESTING`], if it does. Only the raw HTML counts: code
/// blocks and spans are text.
pub(super) fn too_deep_in_markdown(markdown: &str) -> Option<usize> {
    if !markdown.contains('<') {
        return None;
    }
    let counter = DepthCounter::new();
    Parser::new(markdown)
        .into_offset_iter()
        .find_map(|(event, range)| match event {
            Event::Html(html) | Event::InlineHtml(html) if counter.too_deep_after(&html) => {
                Some(range.start)
            }
            _ => None,
        })
}

/// Whether a body written in HTML nests deeper than [`MAX_HTML_NESTING`].
pub(super) fn too_deep_in_html(html: &str) -> bool {
    html.contains('<') && DepthCounter::new().too_deep_after(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_raw_html_is_found_fast() {
        // Issue 11: 100,000 nested <div>s in an article body.
        let deep = "<div>".repeat(100_000) + "x" + &"</div>".repeat(100_000);
        let started = std::time::Instant::now();
        assert!(too_deep_in_html(&deep));
        let markdown = format!("# Title\n\nSome text.\n\n{deep}\n");
        assert_eq!(
            too_deep_in_markdown(&markdown),
            Some("# Title\n\nSome text.\n\n".len())
        );
        assert!(
            started.elapsed().as_secs_f64() < 2.0,
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn ordinary_html_passes() {
        let fine = "<div><p>a<p>b<ul><li>one<li>two</ul><br><img src=x></div>".repeat(1_000);
        assert!(!too_deep_in_html(&fine));
        let levels = "<div>".repeat(MAX_HTML_NESTING) + &"</div>".repeat(MAX_HTML_NESTING);
        assert!(!too_deep_in_html(&levels));
        assert!(too_deep_in_html(&format!("<span>{levels}")));
        // Tags shown in code are text, and so are those inside <script>.
        let code = format!("```html\n{}\n```\n", "<div>".repeat(1_000));
        assert_eq!(too_deep_in_markdown(&code), None);
        assert!(!too_deep_in_html(&format!(
            "<style>{}</style>",
            "<div>".repeat(1_000)
        )));
    }
}
