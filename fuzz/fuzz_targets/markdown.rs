//! Markdown rendering and sanitizing. Invariants: no script element, no
//! event-handler attribute and no `javascript:` URL survive sanitizing, and
//! every link is absolute.
#![no_main]

use feedpub::content::{render_html, summarize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else {
        return;
    };
    let base = url::Url::parse("https://fuzz.example.org/news/article/").expect("base");
    let html = render_html(markdown, &base);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script in {html:?}");
    assert!(!lower.contains("<iframe"), "iframe in {html:?}");
    for attribute in ["href=\"", "src=\""] {
        for (at, _) in lower.match_indices(attribute) {
            let value = &lower[at + attribute.len()..];
            assert!(
                !value.trim_start().starts_with("javascript:"),
                "javascript: URL in {html:?}"
            );
        }
    }
    // Event handlers (`onerror=`) as attributes: inside a tag, after a
    // space, outside a quoted value (the sanitizer quotes every value with
    // `"` and escapes `"` in it, so text such as an `alt` holding
    // "<img onerror=…>" is not an attribute).
    let mut in_tag = false;
    let mut in_value = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' if in_tag => in_value = !in_value,
            _ if in_value => {}
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b' ' if in_tag && lower[i + 1..].starts_with("on") => {
                let name: String = lower[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                assert!(
                    !lower[i + 1 + name.len()..].starts_with('='),
                    "event handler {name} in {html:?}"
                );
            }
            _ => {}
        }
    }
    // Without a `<!--more-->` divider, a summary is at most 70 words and `…`.
    let summary = summarize(markdown, 70);
    if !markdown.contains("<!--more-->") {
        assert!(summary.split_whitespace().count() <= 71, "{summary:?}");
    }
});
