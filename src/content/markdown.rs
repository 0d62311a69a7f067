//! Markdown bodies: rendering, sanitizing, absolute URLs and summaries.

use std::collections::HashSet;

use ammonia::UrlRelative;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use url::Url;

/// How many words a derived summary keeps, as in Hugo.
const SUMMARY_WORDS: usize = 70;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// The sanitizing policy: ammonia's defaults (no scripts, iframes, styles,
/// event handlers or `javascript:` URLs) plus the footnote markup
/// pulldown-cmark writes, with relative URLs resolved on `base`.
fn sanitizer(base: &Url) -> ammonia::Builder<'static> {
    let mut sanitizer = ammonia::Builder::default();
    sanitizer
        .add_allowed_classes("div", &["footnote-definition"])
        .add_allowed_classes("sup", &["footnote-definition-label", "footnote-reference"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .url_relative(UrlRelative::RewriteWithBase(base.clone()));
    sanitizer
}

/// Render `markdown` to sanitized HTML whose links and images are all
/// absolute, resolved against `base` (the article's own URL), because many
/// feed readers ignore `xml:base`.
pub fn render_html(markdown: &str, base: &Url) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options()));
    sanitizer(base).clean(&html).to_string()
}

/// A plain-text summary: the opening words of the body's text, at most
/// [`SUMMARY_WORDS`] words, ending in `…` when cut.
pub fn summarize(markdown: &str) -> String {
    let mut text = String::new();
    // Chunk boundaries may split a word, so this over-counts: stopping once
    // it passes the limit by one still leaves enough words to cut exactly.
    let mut words_seen = 0;
    let mut skipping = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::FootnoteDefinition(_) | Tag::Table(_)) => {
                skipping += 1
            }
            Event::End(TagEnd::CodeBlock | TagEnd::FootnoteDefinition | TagEnd::Table) => {
                skipping = skipping.saturating_sub(1)
            }
            Event::Text(chunk) | Event::Code(chunk) if skipping == 0 => {
                text.push_str(&chunk);
                words_seen += chunk.split_whitespace().count();
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push(' '),
            _ => {}
        }
        if words_seen > SUMMARY_WORDS {
            break;
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut summary = words[..words.len().min(SUMMARY_WORDS)].join(" ");
    if words.len() > SUMMARY_WORDS {
        summary.push('…');
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

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
            summarize("## Head\n\nFirst **bold** para, with `code`.\n\nSecond para.\n"),
            "Head First bold para, with code. Second para."
        );
    }

    #[test]
    fn long_summary_is_cut_at_a_word_with_an_ellipsis() {
        let body = "word ".repeat(100);
        let summary = summarize(&body);
        assert_eq!(summary.split(' ').count(), SUMMARY_WORDS);
        assert!(summary.ends_with("word…"));
    }

    #[test]
    fn summary_skips_code_blocks_and_footnotes() {
        assert_eq!(
            summarize("Text[^1].\n\n```\nlet x = 1;\n```\n\n[^1]: Note.\n"),
            "Text."
        );
    }
}
