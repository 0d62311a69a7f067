//! Hugo shortcodes (`{{< name args >}}`, `{{% name args %}}`) in article
//! bodies: readers must never see them as literal text.
//!
//! Hugo's built-in shortcodes that make sense in a feed are rendered
//! (`figure`, `highlight`, `ref`/`relref`, `param`, and embeds of
//! `youtube`, `vimeo`, `x`/`tweet`, `instagram` and `gist` as plain links);
//! an unknown paired shortcode keeps its inner content, an unknown
//! self-closing one is dropped, and every unknown name is counted so the
//! build can warn once per name.

use std::collections::{BTreeMap, HashMap};

use url::Url;

/// How deeply paired shortcodes are expanded inside each other; deeper
/// tags are dropped (their text stays), so hostile input stays linear.
const MAX_DEPTH: usize = 16;

/// The site's pages by content path, for `ref` and `relref`: each
/// page's permalink under its path (lower-cased, without extension or
/// `index`), and under its file name when no other page has that name.
#[derive(Debug, Default)]
pub(crate) struct PageIndex {
    by_path: HashMap<String, String>,
    by_name: HashMap<String, Option<String>>,
}

impl PageIndex {
    /// Index `pages`: (path relative to the content directory, permalink).
    pub(crate) fn new<'p>(
        pages: impl IntoIterator<Item = (&'p std::path::Path, &'p str)>,
    ) -> PageIndex {
        let mut index = PageIndex::default();
        for (path, url) in pages {
            let key = page_key(&path.to_string_lossy().replace('\\', "/"));
            let name = key.rsplit('/').next().unwrap_or_default().to_string();
            index
                .by_name
                .entry(name)
                .and_modify(|u| *u = None)
                .or_insert_with(|| Some(url.to_string()));
            index.by_path.insert(key, url.to_string());
        }
        index
    }

    /// The permalink of `target` as Hugo resolves it: a path from the
    /// content root (leading `/`), else relative to the page in `folder`,
    /// else from the root, else a file name only one page has.
    fn find(&self, target: &str, folder: &str) -> Option<&str> {
        let key = page_key(target);
        let relative = (!target.starts_with('/') && !folder.is_empty())
            .then(|| page_key(&format!("{folder}/{target}")));
        relative
            .and_then(|k| self.by_path.get(&k))
            .or_else(|| self.by_path.get(&key))
            .or_else(|| {
                (!key.contains('/'))
                    .then(|| self.by_name.get(&key).and_then(Option::as_ref))
                    .flatten()
            })
            .map(String::as_str)
    }
}

/// A page path as `ref` targets name it: lower-cased, no leading `/`, no
/// extension, no trailing `index`/`_index`.
fn page_key(path: &str) -> String {
    let mut path = path.trim_start_matches('/').to_lowercase();
    for extension in [".md", ".markdown", ".mdown", ".html"] {
        if let Some(stripped) = path.strip_suffix(extension) {
            path = stripped.to_string();
        }
    }
    for index in ["/_index", "/index"] {
        if let Some(stripped) = path.strip_suffix(index) {
            path = stripped.to_string();
            break;
        }
    }
    path.trim_end_matches('/').to_string()
}

/// What shortcodes may refer to.
pub(crate) struct Context<'a> {
    /// The site's root URL (for `ref` and `relref` to unknown pages).
    pub base_url: &'a Url,
    /// The site's pages (for `ref` and `relref`).
    pub pages: &'a PageIndex,
    /// The folder of the page being expanded, relative to the content
    /// directory (for relative `ref` targets).
    pub folder: &'a str,
    /// The article's front-matter parameters (for `param`), keys in lower case.
    pub params: &'a HashMap<String, String>,
}

/// A body with its shortcodes expanded.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Expanded {
    /// The Markdown to render.
    pub markdown: String,
    /// Unknown shortcode names and how often each was met.
    pub unknown: BTreeMap<String, usize>,
}

/// Whether `text` may hold a shortcode at all (a cheap test first).
pub(crate) fn has_shortcodes(text: &str) -> bool {
    text.contains("{{<") || text.contains("{{%")
}

/// Expand every shortcode in `markdown`.
pub(crate) fn expand(markdown: &str, context: &Context<'_>) -> Expanded {
    let mut expanded = Expanded::default();
    if has_shortcodes(markdown) {
        let (tags, partner) = scan(markdown);
        let count = tags.len();
        let body = Body {
            text: markdown,
            tags,
            partner,
            context,
        };
        body.expand(((0, markdown.len()), 0..count), 0, &mut expanded);
    } else {
        expanded.markdown = markdown.to_string();
    }
    expanded
}

/// One shortcode tag found in the text.
#[derive(Debug)]
struct Tag<'a> {
    /// Byte range of the whole tag, delimiters included.
    start: usize,
    end: usize,
    name: &'a str,
    /// Positional and named arguments, unquoted.
    args: Vec<(Option<&'a str>, String)>,
    closing: bool,
    self_closing: bool,
    /// `{{</* … */>}}`: Hugo's way to show a shortcode as text.
    escaped: Option<&'a str>,
}

impl Tag<'_> {
    /// Argument `name`, else positional argument `position`.
    fn arg(&self, name: &str, position: usize) -> Option<&str> {
        self.args
            .iter()
            .find(|(key, _)| *key == Some(name))
            .or_else(|| {
                self.args
                    .iter()
                    .filter(|(key, _)| key.is_none())
                    .nth(position)
            })
            .map(|(_, value)| value.as_str())
    }
}

/// The next tag at or after byte `from`.
fn next_tag(text: &str, from: usize) -> Option<Tag<'_>> {
    let mut at = from;
    loop {
        let open = at + text.get(at..)?.find("{{")?;
        let delimiter = text[open + 2..].chars().next()?;
        if delimiter != '<' && delimiter != '%' {
            at = open + 2;
            continue;
        }
        let close_marker = if delimiter == '<' { ">}}" } else { "%}}" };
        let inner_start = open + 3;
        let Some(inner_len) = text[inner_start..].find(close_marker) else {
            at = open + 2;
            continue;
        };
        let inner = &text[inner_start..inner_start + inner_len];
        let end = inner_start + inner_len + 3;
        let trimmed = inner.trim();
        if let Some(escaped) = trimmed
            .strip_prefix("/*")
            .and_then(|rest| rest.strip_suffix("*/"))
        {
            return Some(Tag {
                start: open,
                end,
                name: "",
                args: Vec::new(),
                closing: false,
                self_closing: true,
                escaped: Some(escaped),
            });
        }
        let (closing, trimmed) = match trimmed.strip_prefix('/') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        let (self_closing, trimmed) = match trimmed.strip_suffix('/') {
            Some(rest) => (true, rest.trim_end()),
            None => (false, trimmed),
        };
        let name_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let name = &trimmed[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_./".contains(c))
        {
            // Not a shortcode Hugo would accept: the tag is dropped all the same.
            return Some(Tag {
                start: open,
                end,
                name: "",
                args: Vec::new(),
                closing: false,
                self_closing: true,
                escaped: None,
            });
        }
        return Some(Tag {
            start: open,
            end,
            name,
            args: arguments(&trimmed[name_end..]),
            closing,
            self_closing,
            escaped: None,
        });
    }
}

/// Shortcode arguments: `"quoted"`, `` `raw` ``, bare words, `key="value"`.
fn arguments(text: &str) -> Vec<(Option<&str>, String)> {
    let mut args = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let mut key = None;
        if let Some(eq) = rest.find('=') {
            let candidate = &rest[..eq];
            if !candidate.is_empty()
                && candidate
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                key = Some(candidate);
                rest = &rest[eq + 1..];
            }
        }
        let (value, after) = match rest.chars().next() {
            Some(quote @ ('"' | '`')) => {
                let body = &rest[1..];
                let end = body.find(quote).unwrap_or(body.len());
                let value = body[..end].replace("\\\"", "\"");
                (value, body.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (rest[..end].to_string(), &rest[end..])
            }
        };
        args.push((key, value));
        rest = after.trim_start();
    }
    args
}

/// Every tag of `text`, and for each opening tag the index of its closing
/// tag (matched per name, innermost first), in one linear pass.
fn scan(text: &str) -> (Vec<Tag<'_>>, Vec<Option<usize>>) {
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(tag) = next_tag(text, at) {
        at = tag.end;
        tags.push(tag);
    }
    let mut partner = vec![None; tags.len()];
    let mut open: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, tag) in tags.iter().enumerate() {
        if tag.escaped.is_some() || tag.self_closing {
            continue;
        }
        if tag.closing {
            if let Some(opening) = open.get_mut(tag.name).and_then(Vec::pop) {
                partner[opening] = Some(i);
            }
        } else {
            open.entry(tag.name).or_default().push(i);
        }
    }
    (tags, partner)
}

/// A span of the body: its bytes and the indexes of the tags in it.
type Span = ((usize, usize), std::ops::Range<usize>);

/// The scanned body being expanded.
struct Body<'t, 'c> {
    text: &'t str,
    tags: Vec<Tag<'t>>,
    partner: Vec<Option<usize>>,
    context: &'c Context<'c>,
}

impl Body<'_, '_> {
    /// Expand the text from byte `from` to byte `to`, holding tags `range`.
    fn expand(&self, ((from, to), range): Span, depth: usize, out: &mut Expanded) {
        let mut at = from;
        let mut i = range.start;
        while i < range.end {
            let tag = &self.tags[i];
            out.markdown.push_str(&self.text[at..tag.start]);
            at = tag.end;
            i += 1;
            if let Some(escaped) = tag.escaped {
                // `{{</* x */>}}` shows `{{< x >}}` as written.
                let (open, close) = if self.text[tag.start..].starts_with("{{%") {
                    ("{{%", "%}}")
                } else {
                    ("{{<", ">}}")
                };
                out.markdown.push_str(open);
                out.markdown.push_str(escaped);
                out.markdown.push_str(close);
                continue;
            }
            if tag.closing {
                // A closing tag without its opening one: drop it.
                continue;
            }
            let inner = self.partner[i - 1].filter(|&j| j < range.end).map(|j| {
                let inner = ((tag.end, self.tags[j].start), i..j);
                at = self.tags[j].end;
                i = j + 1;
                inner
            });
            self.render(tag, inner, depth, out);
        }
        out.markdown.push_str(&self.text[at..to]);
    }

    /// The text of a span with every tag in it left out.
    fn strip(&self, ((from, to), range): Span, out: &mut Expanded) {
        let mut at = from;
        for tag in &self.tags[range] {
            out.markdown.push_str(&self.text[at..tag.start]);
            at = tag.end;
        }
        out.markdown.push_str(&self.text[at..to]);
    }

    /// Append what one shortcode stands for.
    fn render(&self, tag: &Tag<'_>, inner: Option<Span>, depth: usize, out: &mut Expanded) {
        let context = self.context;
        let inner_text = inner.as_ref().map(|((from, to), _)| &self.text[*from..*to]);
        let md = &mut out.markdown;
        match tag.name {
            "figure" => {
                let src = tag.arg("src", 0).unwrap_or("");
                let alt = tag.arg("alt", usize::MAX).unwrap_or("");
                let caption = tag
                    .arg("caption", usize::MAX)
                    .or_else(|| tag.arg("title", usize::MAX))
                    .unwrap_or("");
                let mut image = format!("<img src=\"{}\" alt=\"{}\">", attr(src), attr(alt));
                if let Some(link) = tag.arg("link", usize::MAX) {
                    image = format!("<a href=\"{}\">{image}</a>", attr(link));
                }
                let caption = if caption.is_empty() {
                    String::new()
                } else {
                    format!("<figcaption>{}</figcaption>", text_html(caption))
                };
                md.push_str(&format!("\n\n<figure>{image}{caption}</figure>\n\n"));
            }
            "highlight" => {
                let language = tag.arg("lang", 0).unwrap_or("");
                let code = inner_text.unwrap_or("").trim_matches('\n');
                let fence = "`".repeat(longest_backtick_run(code).max(2) + 1);
                md.push_str(&format!("\n\n{fence}{language}\n{code}\n{fence}\n\n"));
            }
            "ref" | "relref" => {
                let target = tag.arg("path", 0).unwrap_or("");
                let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
                match context.pages.find(path, context.folder) {
                    Some(url) if fragment.is_empty() => md.push_str(url),
                    Some(url) => md.push_str(&format!("{url}#{fragment}")),
                    None => md.push_str(&reference(context.base_url, target)),
                }
            }
            "param" => {
                let key = tag.arg("name", 0).unwrap_or("").to_lowercase();
                if let Some(value) = context.params.get(&key) {
                    md.push_str(value);
                }
            }
            "" => {}
            "youtube" | "vimeo" | "x" | "tweet" | "twitter" | "instagram" | "gist" => {
                if let Some(url) = embed_url(tag) {
                    md.push_str(&format!("[{url}]({url})"));
                }
            }
            name => {
                *out.unknown.entry(name.to_string()).or_default() += 1;
                match inner {
                    Some(span) if depth < MAX_DEPTH => self.expand(span, depth + 1, out),
                    Some(span) => self.strip(span, out),
                    None => {}
                }
            }
        }
    }
}
/// The plain link an embed shortcode stands for.
fn embed_url(tag: &Tag<'_>) -> Option<String> {
    let id = |position| tag.arg("id", position).filter(|id| !id.is_empty());
    let url = match tag.name {
        "youtube" => format!("https://www.youtube.com/watch?v={}", encode(id(0)?)),
        "vimeo" => format!("https://vimeo.com/{}", encode(id(0)?)),
        "instagram" => format!("https://www.instagram.com/p/{}/", encode(id(0)?)),
        "gist" => format!(
            "https://gist.github.com/{}/{}",
            encode(tag.arg("user", 0)?),
            encode(tag.arg("id", 1)?)
        ),
        // x, tweet, twitter: `user` and `id`.
        _ => format!(
            "https://x.com/{}/status/{}",
            encode(tag.arg("user", 0)?),
            encode(tag.arg("id", 1)?)
        ),
    };
    Some(url)
}

/// The absolute URL of a `ref`/`relref` target that is no page feedpub
/// read (such as `blog/post.md#part`): the page's path without its
/// extension (and without `index`), as Hugo's default permalinks make it.
fn reference(base_url: &Url, target: &str) -> String {
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    };
    let mut path = path.trim_start_matches('/').to_lowercase();
    for extension in [".md", ".markdown", ".mdown", ".html"] {
        if let Some(stripped) = path.strip_suffix(extension) {
            path = stripped.to_string();
        }
    }
    for index in ["/_index", "/index", "_index", "index"] {
        if let Some(stripped) = path.strip_suffix(index) {
            path = stripped.to_string();
            break;
        }
    }
    if !path.is_empty() && !path.ends_with('/') {
        path.push('/');
    }
    let mut url = base_url
        .join(&path)
        .map_or_else(|_| base_url.to_string(), String::from);
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// The longest run of backticks in `code`, to fence it safely.
fn longest_backtick_run(code: &str) -> usize {
    code.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text for an HTML attribute value.
fn attr(text: &str) -> String {
    text_html(text).replace('"', "&quot;")
}

/// Text for HTML content.
fn text_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An id or user name for a URL path segment.
fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-")
        .replace("%5F", "_")
        .replace("%2E", ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(markdown: &str) -> Expanded {
        run_in(markdown, &PageIndex::default(), "")
    }

    fn run_in(markdown: &str, pages: &PageIndex, folder: &str) -> Expanded {
        let base = Url::parse("https://news.example.org/").unwrap();
        let params = HashMap::from([("subtitle".to_string(), "A & B".to_string())]);
        expand(
            markdown,
            &Context {
                base_url: &base,
                params: &params,
                pages,
                folder,
            },
        )
    }

    #[test]
    fn ref_and_relref_give_the_pages_real_permalinks() {
        use std::path::Path;
        let pages = PageIndex::new([
            (
                Path::new("posts/2024-01-02-first.md"),
                "https://news.example.org/2024/01/02/first/",
            ),
            (
                Path::new("posts/bundle/index.md"),
                "https://news.example.org/p/bundle/",
            ),
            (Path::new("docs/a.md"), "https://news.example.org/docs/a/"),
            (Path::new("blog/a.md"), "https://news.example.org/blog/a/"),
        ]);
        let e = run_in(
            r#"{{< ref "/posts/2024-01-02-first.md" >}} {{< relref "bundle#top" >}} {{< ref "2024-01-02-first.md" >}} {{< ref "a.md" >}} {{< ref "/docs/a" >}} {{< ref "other/page.md" >}}"#,
            &pages,
            "posts",
        );
        assert_eq!(
            e.markdown,
            "https://news.example.org/2024/01/02/first/ https://news.example.org/p/bundle/#top https://news.example.org/2024/01/02/first/ https://news.example.org/a/ https://news.example.org/docs/a/ https://news.example.org/other/page/"
        );
    }

    #[test]
    fn text_without_shortcodes_is_unchanged() {
        let e = run("Plain {{ not a shortcode }} text.\n");
        assert_eq!(e.markdown, "Plain {{ not a shortcode }} text.\n");
        assert!(e.unknown.is_empty());
    }

    #[test]
    fn figure_becomes_an_image_with_a_caption() {
        let e = run(r#"{{< figure src="/img/a.png" alt="A <map>" caption="The map" >}}"#);
        assert_eq!(
            e.markdown.trim(),
            r#"<figure><img src="/img/a.png" alt="A &lt;map&gt;"><figcaption>The map</figcaption></figure>"#
        );
    }

    #[test]
    fn highlight_becomes_a_fenced_code_block() {
        let e = run(
            "{{< highlight go \"linenos=table\" >}}\nfmt.Println(\"hi\")\n{{< /highlight >}}\n",
        );
        assert_eq!(e.markdown.trim(), "```go\nfmt.Println(\"hi\")\n```");
    }

    #[test]
    fn ref_and_relref_are_absolute_urls() {
        let e = run(
            r#"[a]({{< ref "blog/First-Post.md" >}}) [b]({{< relref "/docs/intro/index.md#setup" >}})"#,
        );
        assert_eq!(
            e.markdown,
            "[a](https://news.example.org/blog/first-post/) [b](https://news.example.org/docs/intro/#setup)"
        );
    }

    #[test]
    fn embeds_are_plain_links() {
        for (code, url) in [
            (
                "{{< youtube w7Ft2ymGmfc >}}",
                "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
            ),
            (
                "{{< youtube id=\"w7Ft2ymGmfc\" autoplay=\"true\" >}}",
                "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
            ),
            ("{{< vimeo 55073825 >}}", "https://vimeo.com/55073825"),
            (
                "{{< x user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}",
                "https://x.com/SanDiegoZoo/status/1453110110599868418",
            ),
            (
                "{{< tweet user=\"a\" id=\"1\" >}}",
                "https://x.com/a/status/1",
            ),
            (
                "{{< instagram BWNjjyYFxVx >}}",
                "https://www.instagram.com/p/BWNjjyYFxVx/",
            ),
            (
                "{{< gist spf13 7896402 >}}",
                "https://gist.github.com/spf13/7896402",
            ),
        ] {
            assert_eq!(run(code).markdown, format!("[{url}]({url})"), "{code}");
        }
    }

    #[test]
    fn param_is_the_front_matter_value() {
        assert_eq!(run("{{< param subtitle >}}").markdown, "A & B");
        assert_eq!(run("{{< param \"Subtitle\" >}}").markdown, "A & B");
        assert_eq!(run("{{< param missing >}}").markdown, "");
    }

    #[test]
    fn unknown_paired_keep_their_content_and_self_closing_are_dropped() {
        let e = run(
            "A {{% notice info %}}Be **careful**{{% /notice %}} B {{< gallery dir=\"x\" />}} C {{< toc >}} D",
        );
        assert_eq!(e.markdown, "A Be **careful** B  C  D");
        assert_eq!(
            e.unknown,
            BTreeMap::from([
                ("gallery".to_string(), 1),
                ("notice".to_string(), 1),
                ("toc".to_string(), 1)
            ])
        );
    }

    #[test]
    fn nested_and_escaped_shortcodes() {
        let e =
            run("{{< tabs >}}{{< tab >}}one{{< /tab >}}{{< tab >}}two{{< /tab >}}{{< /tabs >}}");
        assert_eq!(e.markdown, "onetwo");
        assert_eq!(e.unknown.get("tab"), Some(&2));
        assert_eq!(run("{{</* youtube x */>}}").markdown, "{{< youtube x >}}");
        assert_eq!(run("stray {{< /closing >}} tag").markdown, "stray  tag");
    }

    #[test]
    fn no_shortcode_reaches_readers_whatever_the_input() {
        for input in [
            "{{< a",
            "{{< a >}} {{<",
            "{{% b %}}x",
            "{{<>}}",
            "{{< {{< x >}} >}}",
        ] {
            let e = run(input);
            assert!(
                !e.markdown.contains(">}}") || !e.markdown.contains("{{<"),
                "{input:?} -> {:?}",
                e.markdown
            );
        }
    }

    #[test]
    fn deep_nesting_stays_fast() {
        let input = "{{< a >}}".repeat(5_000) + &"{{< /a >}}".repeat(5_000);
        let started = std::time::Instant::now();
        let _ = run(&input);
        assert!(started.elapsed().as_secs_f64() < 5.0);
    }
}
