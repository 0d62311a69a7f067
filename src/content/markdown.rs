//! Markdown bodies: rendering, sanitizing, absolute URLs and summaries.

use std::borrow::Cow;
use std::collections::HashSet;

use ammonia::UrlRelative;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use url::Url;

use crate::text::html_text;

/// Hugo's manual summary divider: the summary is the text before it.
pub(super) const MORE_DIVIDER: &str = "<!--more-->";

/// How deeply lists and block quotes may nest before deeper levels are
/// flattened into their parent. Deep nesting makes the HTML sanitizer's
/// tree building quadratic (40,000 nested list items took 76 s); no
/// article needs more than a handful of levels.
pub const MAX_NESTING: usize = 32;

/// The Markdown extensions Hugo's Goldmark enables by default: tables,
/// strikethrough, footnotes, definition lists, task lists, heading
/// attributes (`{#id}`) and typographer punctuation.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The sanitizing policy: ammonia's defaults (no scripts, iframes, styles,
/// event handlers or `javascript:` URLs) plus the footnote markup
/// pulldown-cmark writes, heading ids and task-list check boxes, with
/// relative URLs resolved on `base`.
fn sanitizer(base: &Url) -> ammonia::Builder<'static> {
    let mut sanitizer = ammonia::Builder::default();
    sanitizer
        .add_allowed_classes("div", &["footnote-definition"])
        .add_allowed_classes("sup", &["footnote-definition-label", "footnote-reference"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .url_relative(UrlRelative::RewriteWithBase(base.clone()));
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        sanitizer.add_tag_attributes(heading, ["id"]);
    }
    sanitizer
}

/// Whether an event opens or closes a container that nests.
fn nesting(event: &Event<'_>) -> Option<bool> {
    match event {
        Event::Start(Tag::List(_) | Tag::Item | Tag::BlockQuote(_)) => Some(true),
        Event::End(TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => Some(false),
        _ => None,
    }
}

/// `events` with lists and block quotes deeper than [`MAX_NESTING`]
/// flattened: their content stays, their nesting goes.
fn flatten_deep<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut depth = 0usize;
    events.filter(move |event| match nesting(event) {
        Some(true) => {
            depth += 1;
            depth <= MAX_NESTING
        }
        Some(false) => {
            depth = depth.saturating_sub(1);
            depth < MAX_NESTING
        }
        None => true,
    })
}

/// `events` with bare URLs in text turned into links, as Goldmark's
/// linkify extension does (not inside links, code or raw HTML).
fn link_bare_urls<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut in_link = 0usize;
    let mut in_code = 0usize;
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    events.flat_map(move |event| {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            _ => {}
        }
        let Event::Text(text) = &event else {
            return vec![event];
        };
        if in_link > 0 || in_code > 0 || !text.contains(':') {
            return vec![event];
        }
        let mut out = Vec::new();
        for span in finder.spans(text) {
            let part = span.as_str().to_string();
            match span.kind() {
                Some(linkify::LinkKind::Url) => {
                    let escaped = html_escape(&part);
                    out.push(Event::Html(
                        format!("<a href=\"{escaped}\">{escaped}</a>").into(),
                    ));
                }
                _ => out.push(Event::Text(part.into())),
            }
        }
        out
    })
}

/// Text for HTML content and attribute values.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Render `markdown` to sanitized HTML whose links and images are all
/// absolute, resolved against `base` (the article's own URL), because many
/// feed readers ignore `xml:base`.
pub fn render_html(markdown: &str, base: &Url) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(
        &mut html,
        link_bare_urls(flatten_deep(Parser::new_ext(markdown, options()))),
    );
    sanitize_html(&html, base)
}

/// Sanitize an HTML body (a page written in HTML), with absolute URLs.
pub fn sanitize_html(html: &str, base: &Url) -> String {
    sanitizer(base).clean(html).to_string()
}

/// `text` with each Markdown link (`[Ann](https://…)`) replaced by its
/// text, every other byte as written (no smart quotes, no emphasis taken
/// out); borrowed when it holds no link.
pub(super) fn links_as_text(text: &str) -> Cow<'_, str> {
    if !text.contains("](") {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    // The link being read: where it starts in `text`, and its text.
    let mut link: Option<(usize, String)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match (event, &mut link) {
            (Event::Start(Tag::Link { .. }), None) => link = Some((range.start, String::new())),
            (Event::Text(t) | Event::Code(t), Some((_, label))) => label.push_str(&t),
            (Event::End(TagEnd::Link), Some((start, label))) => {
                out.push_str(&text[copied..*start]);
                out.push_str(label);
                copied = range.end;
                link = None;
            }
            _ => {}
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A plain-text summary of a Markdown body, as Hugo makes one: the text
/// before a `<!--more-->` divider when there is one, else the opening
/// `words` words (each Chinese, Japanese or Korean character counting as a
/// word, like Hugo's `hasCJKLanguage`), ending in `…` when cut.
pub fn summarize(markdown: &str, words: usize) -> String {
    match markdown.split_once(MORE_DIVIDER) {
        Some((before, _)) => squash(&plain_text(before, usize::MAX)),
        None => cut_words(&plain_text(markdown, words), words),
    }
}

/// The summary of a body that is HTML: the same rules on its text.
pub(super) fn summarize_html(html: &str, words: usize) -> String {
    match html.split_once(MORE_DIVIDER) {
        Some((before, _)) => squash(&html_text(before)),
        None => cut_words(&html_text(html), words),
    }
}

/// The text of `markdown` without code blocks, footnotes and tables;
/// reading stops once well past `words` words.
fn plain_text(markdown: &str, words: usize) -> String {
    let mut text = String::new();
    // Chunk boundaries may split a word, so this over-counts: stopping once
    // it passes the limit by one still leaves enough words to cut exactly.
    let mut words_seen = 0usize;
    let mut skipping = 0usize;
    for event in flatten_deep(Parser::new_ext(markdown, options())) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::FootnoteDefinition(_) | Tag::Table(_)) => {
                skipping += 1
            }
            Event::End(TagEnd::CodeBlock | TagEnd::FootnoteDefinition | TagEnd::Table) => {
                skipping = skipping.saturating_sub(1)
            }
            Event::Text(chunk) | Event::Code(chunk) if skipping == 0 => {
                text.push_str(&chunk);
                words_seen = words_seen.saturating_add(count_words(&chunk));
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push(' '),
            _ => {}
        }
        if words_seen > words {
            break;
        }
    }
    text
}

/// White space squashed to single spaces, trimmed.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `c` is written without spaces between words (Han, kana,
/// Hangul), so each character counts as a word.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
        | '\u{2E80}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Words in `text`: runs of non-space characters, each CJK character one.
fn count_words(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            count += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            count += 1;
            in_word = true;
        }
    }
    count
}

/// The first `words` words of `text`, white space squashed, with `…` when cut.
fn cut_words(text: &str, words: usize) -> String {
    let text = squash(text);
    let mut count = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let starts_word = if is_cjk(c) {
            in_word = false;
            true
        } else if c.is_whitespace() {
            in_word = false;
            false
        } else {
            let starts = !in_word;
            in_word = true;
            starts
        };
        if starts_word {
            if count == words {
                let mut cut = text[..i].trim_end().to_string();
                cut.push('…');
                return cut;
            }
            count += 1;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SUMMARY_WORDS;

    fn base() -> Url {
        Url::parse("https://news.example.org/2024/03/story/").unwrap()
    }

    #[test]
    fn renders_commonmark_extensions() {
        let html = render_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: A note.\n",
            &base(),
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn strips_scripts_iframes_handlers_and_javascript_urls() {
        let html = render_html(
            "<script>alert(1)</script><iframe src=\"https://x\"></iframe>\n\n<img src=\"a.png\" onerror=\"alert(1)\">\n\n[x](javascript:alert(1))\n",
            &base(),
        );
        for bad in ["<script", "alert", "<iframe", "onerror", "javascript:"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }

    #[test]
    fn relative_links_and_images_become_absolute() {
        let html = render_html(
            "[earlier](/2023/01/earlier/) ![map](map.png) [same](#part) [ext](https://other.example/x)",
            &base(),
        );
        assert!(
            html.contains("href=\"https://news.example.org/2023/01/earlier/\""),
            "{html}"
        );
        assert!(
            html.contains("src=\"https://news.example.org/2024/03/story/map.png\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://news.example.org/2024/03/story/#part\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://other.example/x\""), "{html}");
    }

    #[test]
    fn summary_is_plain_text_of_the_opening() {
        assert_eq!(
            summarize(
                "## Head\n\nFirst **bold** para, with `code`.\n\nSecond para.\n",
                SUMMARY_WORDS
            ),
            "Head First bold para, with code. Second para."
        );
    }

    #[test]
    fn long_summary_is_cut_at_a_word_with_an_ellipsis() {
        let body = "word ".repeat(100);
        let summary = summarize(&body, SUMMARY_WORDS);
        assert_eq!(summary.split(' ').count(), SUMMARY_WORDS);
        assert!(summary.ends_with("word…"));
    }

    #[test]
    fn summary_skips_code_blocks_and_footnotes() {
        assert_eq!(
            summarize(
                "Text[^1].\n\n```\nlet x = 1;\n```\n\n[^1]: Note.\n",
                SUMMARY_WORDS
            ),
            "Text."
        );
    }

    #[test]
    fn hugo_markdown_extensions() {
        // #10: definition lists, heading ids, task lists, typographer.
        let html = render_html(
            "## Intro {#start}\n\nTerm\n: Definition\n\n- [x] done\n- [ ] todo\n\n\"Quoted\" -- it's...\n",
            &base(),
        );
        assert!(html.contains("<h2 id=\"start\">Intro</h2>"), "{html}");
        assert!(html.contains("<dt>Term</dt>"), "{html}");
        assert!(html.contains("<dd>Definition</dd>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("checked"), "{html}");
        assert!(html.contains("“Quoted” – it’s…"), "{html}");
        assert!(!html.contains("{#start}"), "{html}");
    }

    #[test]
    fn bare_urls_become_links_as_in_hugo() {
        let html = render_html(
            "See https://example.com/a?b=1&c=2 now. [x](https://x.org) `https://code.example`\n\n```\nhttps://block.example\n```\n",
            &base(),
        );
        assert!(
            html.contains("<a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">https://example.com/a?b=1&amp;c=2</a> now."),
            "{html}"
        );
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
        assert!(html.contains("<code>https://code.example</code>"), "{html}");
        assert!(html.contains("https://block.example\n</code>"), "{html}");
    }

    #[test]
    fn cjk_summaries_count_characters() {
        // #10: a Chinese post's summary was most of the article.
        let body = "这是一个很长的中文句子".repeat(20);
        let summary = summarize(&body, 10);
        assert_eq!(summary, "这是一个很长的中文句…");
        assert_eq!(summarize("a b c d", 3), "a b c…");
        assert_eq!(summarize("a b c", 3), "a b c");
    }

    #[test]
    fn deep_nesting_renders_fast() {
        // #11: 40,000 nested list items took 76 s, 100 KB of `>` 134 s.
        for body in ["1. ".repeat(40_000), "> ".repeat(50_000) + "x"] {
            let started = std::time::Instant::now();
            let html = render_html(&body, &base());
            let _ = summarize(&body, SUMMARY_WORDS);
            let took = started.elapsed();
            assert!(took.as_secs_f64() < 2.0, "took {took:?}");
            assert!(
                html.matches("<li>").count() <= MAX_NESTING,
                "{}",
                html.len()
            );
        }
    }
}
