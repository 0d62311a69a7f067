//! Discovery files beside the feeds: `feeds.opml`, an OPML 2.0 subscription
//! list readers import in one step, and `index.html`, a plain page listing
//! every feed with subscribe links and `<link rel="alternate">` tags.
//!
//! Both are made from the planned [`FeedSpec`]s, so they list exactly the
//! feeds the build writes, and like the feeds they never depend on the clock.

use std::io;
use std::path::PathBuf;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::config::Config;
use crate::dates::{to_rfc822, to_rfc3339};
use crate::feed::{FeedSpec, Scope};
use crate::format::Format;
use crate::output::{INDEX_FILE, INDEX_FOOTER, OPML_FILE, OPML_MARKER, feed_anchor};
use crate::write::RenderedFeed;

/// The feeds in display groups: the site feed, then one group per taxonomy
/// in the configuration's order ("Categories", "Countries", …), custom
/// feeds, the other languages' site feeds, and then each other language's
/// term feeds under their own headings ("Tags (fr)").
fn groups<'s, 'a>(
    config: &Config,
    specs: &'s [FeedSpec<'a>],
) -> Vec<(String, Vec<&'s FeedSpec<'a>>)> {
    let of = |group: Option<&str>, in_language: Option<&str>| -> Vec<&'s FeedSpec<'a>> {
        specs
            .iter()
            .filter(|spec| match &spec.scope {
                Scope::Site => group.is_none(),
                Scope::Term {
                    taxonomy, language, ..
                } => group == Some(taxonomy.as_str()) && language.as_deref() == in_language,
                Scope::Custom { .. } => group == Some(crate::output::CUSTOM_DIR),
                Scope::Language { .. } => group == Some(crate::feed::language::GROUP),
            })
            .collect()
    };
    let other_languages = config
        .hugo
        .as_ref()
        .map(|site| site.other_languages.as_slice())
        .unwrap_or_default();
    let translated_terms = other_languages.iter().flat_map(|code| {
        config.taxonomies.iter().map(move |t| {
            (
                format!("{} ({code})", t.heading()),
                of(Some(t.name.as_str()), Some(code.as_str())),
            )
        })
    });
    std::iter::once(("Site".to_string(), of(None, None)))
        .chain(
            config
                .taxonomies
                .iter()
                .map(|t| (t.heading(), of(Some(t.name.as_str()), None))),
        )
        .chain(std::iter::once((
            "Custom feeds".to_string(),
            of(Some(crate::output::CUSTOM_DIR), None),
        )))
        .chain(std::iter::once((
            "Languages".to_string(),
            of(Some(crate::feed::language::GROUP), None),
        )))
        .chain(translated_terms)
        .filter(|(_, feeds)| !feeds.is_empty())
        .collect()
}

/// Both discovery files, ready to validate and publish with the feeds.
pub fn render(config: &Config, specs: &[FeedSpec<'_>]) -> Vec<RenderedFeed> {
    vec![
        RenderedFeed {
            path: PathBuf::from(OPML_FILE),
            bytes: opml(config, specs),
        },
        RenderedFeed {
            path: PathBuf::from(INDEX_FILE),
            bytes: index_html(config, specs),
        },
    ]
}

/// The OPML 2.0 subscription list: one outline per feed (its RSS 2.0 URL,
/// else the first enabled format's; listing the twins too would subscribe
/// readers to every item twice),
/// grouped under "Site", "Categories" and "Countries".
pub fn opml(config: &Config, specs: &[FeedSpec<'_>]) -> Vec<u8> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write_opml(&mut writer, config, specs);
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    bytes
}

fn write_opml(
    writer: &mut Writer<Vec<u8>>,
    config: &Config,
    specs: &[FeedSpec<'_>],
) -> io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer.write_event(Event::Comment(BytesText::new(&format!(" {OPML_MARKER} "))))?;
    // One outline per feed, in the first enabled format: several would
    // subscribe readers to every item more than once.
    let format = config.formats.first().copied().unwrap_or(Format::Rss);
    let modified = specs.iter().filter_map(|s| s.updated).max();
    writer
        .create_element("opml")
        .with_attribute(("version", "2.0"))
        .write_inner_content(|w| {
            w.create_element("head").write_inner_content(|w| {
                w.create_element("title")
                    .write_text_content(BytesText::new(&format!("{} feeds", config.title)))?;
                if let Some(modified) = modified {
                    w.create_element("dateModified")
                        .write_text_content(BytesText::new(&to_rfc822(&modified)))?;
                }
                w.create_element("docs")
                    .write_text_content(BytesText::new("https://opml.org/spec2.opml"))?;
                Ok(())
            })?;
            w.create_element("body").write_inner_content(|w| {
                for (group, feeds) in groups(config, specs) {
                    w.create_element("outline")
                        .with_attribute(("text", group.as_str()))
                        .write_inner_content(|w| {
                            for spec in feeds {
                                // `version` names RSS versions only.
                                let version =
                                    (format == Format::Rss).then_some(("version", "RSS2"));
                                let attributes =
                                    [("type", "rss")].into_iter().chain(version).chain([
                                        ("text", spec.title.as_str()),
                                        ("title", spec.title.as_str()),
                                        ("description", spec.description.as_str()),
                                        ("xmlUrl", format.url(spec)),
                                        ("htmlUrl", spec.alternate_url.as_str()),
                                    ]);
                                w.create_element("outline")
                                    .with_attributes(attributes)
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

/// The path of a feed file relative to the index page, as a URL path.
fn relative(spec: &FeedSpec<'_>, file: &str) -> String {
    let dir: Vec<String> = spec
        .dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{}/{file}", dir.join("/"))
    }
}

/// The page's style sheet: inline (no external asset, no script), fluid from
/// a 360 px phone to a wide screen, light and dark by the reader's setting.
const INDEX_CSS: &str = "
:root { --fg: #1d1d1f; --bg: #fafaf7; --card: #fff;
  --muted: #5c5c62; --line: #dcdcd6; --accent: #a3320b; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececec; --bg: #151517; --card: #1f1f23; --muted: #a5a5ad;
    --line: #35353b; --accent: #ff9a6b; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 1rem/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem; }
header { border-bottom: 1px solid var(--line); }
h1 { margin: 0.5rem 0; font-size: clamp(1.5rem, 4vw, 2.25rem); line-height: 1.2; }
h2 { margin: 2rem 0 0.75rem; font-size: 1.25rem; color: var(--muted);
  text-transform: uppercase; letter-spacing: 0.05em; }
h3 { margin: 0 0 0.25rem; font-size: 1.125rem; line-height: 1.3; }
a { color: var(--accent); overflow-wrap: anywhere; }
p { margin: 0.25rem 0; }
.lead, .meta, footer { color: var(--muted); }
.meta { font-size: 0.875rem; }
.feeds { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); }
.feed { background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem;
  padding: 1rem; min-width: 0; }
.latest { margin: 0.75rem 0; padding-left: 1.25rem; }
.latest li { margin: 0.25rem 0; }
.latest time { color: var(--muted); font-size: 0.8125rem; white-space: nowrap; }
.url { display: grid; grid-template-columns: 3.25rem minmax(0, 1fr); align-items: center;
  gap: 0.5rem; margin-top: 0.5rem; font-size: 0.875rem; }
.url input { width: 100%; min-width: 0; padding: 0.25rem 0.375rem; font: 0.8125rem ui-monospace, monospace;
  color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 0.25rem; }
";

/// How many of a feed's newest headlines the page shows.
const INDEX_HEADLINES: usize = 3;

/// The HTML feed index, the page subscribers often see first: autodiscovery
/// `<link rel="alternate">` tags for every feed, then one card per feed with
/// its description, item count, newest date, latest headlines and its
/// addresses in read-only fields ready to copy. No script, no external asset;
/// written through the XML writer, so every name is escaped by construction.
/// Subscribe links are relative, so the page works wherever the output
/// directory is served; the copyable addresses are the public ones.
pub(crate) fn index_html(config: &Config, specs: &[FeedSpec<'_>]) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = write_index(&mut writer, config, specs);
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    bytes
}

/// An HTML void element (`<meta …>`): a start tag with no end tag, as HTML
/// writes it (no XML-style `/>`).
fn void(writer: &mut Writer<Vec<u8>>, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
    let mut tag = BytesStart::new(name);
    tag.extend_attributes(attributes.iter().copied());
    writer.write_event(Event::Start(tag))
}

/// A line break in the page's source, to keep it readable.
fn newline(writer: &mut Writer<Vec<u8>>) -> io::Result<()> {
    writer.write_event(Event::Text(BytesText::from_escaped("\n")))
}

fn write_index(
    writer: &mut Writer<Vec<u8>>,
    config: &Config,
    specs: &[FeedSpec<'_>],
) -> io::Result<()> {
    let lang = config.language.as_deref().unwrap_or("en");
    let title = format!("{} feeds", config.title);
    writer.write_event(Event::DocType(BytesText::from_escaped("html")))?;
    newline(writer)?;
    writer.write_event(Event::Start(
        BytesStart::new("html").with_attributes([("lang", lang)]),
    ))?;
    newline(writer)?;
    writer.create_element("head").write_inner_content(|w| {
        newline(w)?;
        void(w, "meta", &[("charset", "utf-8")])?;
        newline(w)?;
        void(
            w,
            "meta",
            &[
                ("name", "viewport"),
                ("content", "width=device-width, initial-scale=1"),
            ],
        )?;
        newline(w)?;
        void(
            w,
            "meta",
            &[("name", "color-scheme"), ("content", "light dark")],
        )?;
        newline(w)?;
        w.create_element("title")
            .write_text_content(BytesText::new(&title))?;
        newline(w)?;
        for spec in specs {
            for format in &config.formats {
                let (kind, href) = (format.media_type(), relative(spec, format.file_name()));
                void(
                    w,
                    "link",
                    &[
                        ("rel", "alternate"),
                        ("type", kind),
                        ("title", spec.title.as_str()),
                        ("href", href.as_str()),
                    ],
                )?;
                newline(w)?;
            }
        }
        // The style sheet holds no `<`, so it needs no escaping.
        w.create_element("style").write_inner_content(|w| {
            w.write_event(Event::Text(BytesText::from_escaped(INDEX_CSS)))
        })?;
        newline(w)
    })?;
    newline(writer)?;
    writer.create_element("body").write_inner_content(|w| {
        newline(w)?;
        w.create_element("header").write_inner_content(|w| {
            w.create_element("h1")
                .write_text_content(BytesText::new(&title))?;
            if !config.description.is_empty() {
                w.create_element("p")
                    .with_attribute(("class", "lead"))
                    .write_text_content(BytesText::new(&config.description))?;
            }
            w.create_element("p").write_inner_content(|w| {
                w.write_event(Event::Text(BytesText::new(
                    "Copy a feed's address into your feed reader. To subscribe to every feed at once, \
                     download ",
                )))?;
                w.create_element("a")
                    .with_attribute(("href", OPML_FILE))
                    .write_text_content(BytesText::new(OPML_FILE))?;
                w.write_event(Event::Text(BytesText::new(
                    " and import it in your reader (look for \u{201c}Import OPML\u{201d}).",
                )))?;
                Ok(())
            })?;
            Ok(())
        })?;
        newline(w)?;
        w.create_element("main").write_inner_content(|w| {
            for (index, (group, feeds)) in groups(config, specs).into_iter().enumerate() {
                let heading_id = format!("group-{index}");
                newline(w)?;
                w.create_element("section")
                    .with_attribute(("aria-labelledby", heading_id.as_str()))
                    .write_inner_content(|w| {
                        w.create_element("h2")
                            .with_attribute(("id", heading_id.as_str()))
                            .write_text_content(BytesText::new(&group))?;
                        w.create_element("div")
                            .with_attribute(("class", "feeds"))
                            .write_inner_content(|w| {
                                for spec in feeds {
                                    newline(w)?;
                                    write_feed_card(w, config, spec)?;
                                }
                                Ok(())
                            })?;
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
        newline(w)?;
        w.create_element("footer").write_inner_content(|w| {
            w.write_event(Event::Text(BytesText::new(INDEX_FOOTER)))?;
            Ok(())
        })?;
        newline(w)
    })?;
    newline(writer)?;
    writer.write_event(Event::End(BytesEnd::new("html")))
}

/// One feed's card: title, description, count and newest date, the latest
/// headlines, and its addresses ready to copy.
fn write_feed_card(
    w: &mut Writer<Vec<u8>>,
    config: &Config,
    spec: &FeedSpec<'_>,
) -> io::Result<()> {
    let local_date = |t: &chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&config.timezone)
            .format("%Y-%m-%d")
            .to_string()
    };
    let anchor = feed_anchor(&spec.dir.to_string_lossy());
    w.create_element("article")
        .with_attribute(("class", "feed"))
        .with_attribute(("id", anchor.as_str()))
        .write_inner_content(|w| {
            w.create_element("h3").write_inner_content(|w| {
                w.create_element("a")
                    .with_attribute(("href", spec.alternate_url.as_str()))
                    .write_text_content(BytesText::new(&spec.title))?;
                Ok(())
            })?;
            if !spec.description.is_empty() {
                w.create_element("p")
                    .write_text_content(BytesText::new(&spec.description))?;
            }
            let count = spec.items.len();
            let noun = if count == 1 { "article" } else { "articles" };
            let newest = spec
                .items
                .first()
                .and_then(|a| a.date.as_ref())
                .map(|d| format!(" · newest {}", local_date(d)))
                .unwrap_or_default();
            w.create_element("p")
                .with_attribute(("class", "meta"))
                .write_text_content(BytesText::new(&format!("{count} {noun}{newest}")))?;
            if count > 0 {
                w.create_element("ol")
                    .with_attribute(("class", "latest"))
                    .write_inner_content(|w| {
                        for article in spec.items.iter().take(INDEX_HEADLINES) {
                            w.create_element("li").write_inner_content(|w| {
                                w.create_element("a")
                                    .with_attribute(("href", article.url.as_str()))
                                    .write_text_content(BytesText::new(&article.title))?;
                                if let Some(date) = &article.date {
                                    w.write_event(Event::Text(BytesText::new(" ")))?;
                                    w.create_element("time")
                                        .with_attribute(("datetime", to_rfc3339(date).as_str()))
                                        .write_text_content(BytesText::new(&local_date(date)))?;
                                }
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
            }
            for format in &config.formats {
                let (label, url) = (format.label(), format.url(spec));
                let href = relative(spec, format.file_name());
                w.create_element("div")
                    .with_attribute(("class", "url"))
                    .write_inner_content(|w| {
                        w.create_element("a")
                            .with_attribute(("href", href.as_str()))
                            .write_text_content(BytesText::new(label))?;
                        let name = format!("{} feed address of {}", label, spec.title);
                        void(
                            w,
                            "input",
                            &[
                                ("type", "url"),
                                ("readonly", "readonly"),
                                ("value", url),
                                ("aria-label", name.as_str()),
                            ],
                        )
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;
    use crate::model::Article;
    use crate::taxonomy::{Taxonomy, Term};
    use std::path::Path;

    fn config() -> Config {
        Config::from_toml(
            "title = \"News & <Views>\"\nbase_url = \"https://x.org\"\ndescription = \"A \\\"quoted\\\" site\"\n",
            Path::new("feedpub.toml"),
            Path::new(""),
            &Paths::default(),
        )
        .unwrap()
    }

    fn article(name: &str, category: &str) -> Article {
        Article {
            source: PathBuf::from(format!("{name}.md")),
            date: Some("2024-03-25T10:00:00Z".parse().unwrap()),
            terms: vec![vec![category.into()]],
            ..Article::sample(name)
        }
    }

    fn terms() -> Vec<Term> {
        vec![Term {
            taxonomy: Taxonomy::plain("category", "categories"),
            name: "Q&A \"<b>\"".into(),
            slug: "q-a-b".into(),
            articles: vec![0],
            language: None,
        }]
    }

    #[test]
    fn opml_is_well_formed_grouped_and_escaped() {
        let config = config();
        let published = [article("a", "Q&A \"<b>\"")];
        let specs = crate::feed::plan(&config, &published, &terms());
        let bytes = opml(&config, &specs);
        let text = String::from_utf8(bytes).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "opml");
        assert_eq!(root.attribute("version"), Some("2.0"));
        let title = root
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text());
        assert_eq!(title, Some("News & <Views> feeds"));
        let groups: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("outline") && n.attribute("xmlUrl").is_none())
            .map(|n| n.attribute("text").unwrap_or_default())
            .collect();
        assert_eq!(groups, ["Site", "Categories"], "empty groups are left out");
        let feeds: Vec<_> = root
            .descendants()
            .filter_map(|n| Some((n.attribute("text")?, n.attribute("xmlUrl")?)))
            .collect();
        assert_eq!(
            feeds,
            [
                ("News & <Views>", "https://x.org/feeds/rss.xml"),
                (
                    "News & <Views> — Q&A \"<b>\"",
                    "https://x.org/feeds/categories/q-a-b/rss.xml"
                ),
            ]
        );
        assert!(text.contains("<dateModified>Mon, 25 Mar 2024 10:00:00 +0000</dateModified>"));
    }

    #[test]
    fn index_escapes_every_name_and_links_relatively() {
        let config = config();
        let published = [article("a", "Q&A \"<b>\"")];
        let specs = crate::feed::plan(&config, &published, &terms());
        let html = String::from_utf8(index_html(&config, &specs)).unwrap();
        assert!(!html.contains("<b>") && !html.contains("<Views>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"News &amp; &lt;Views&gt; — Q&amp;A &quot;&lt;b&gt;&quot;\" href=\"categories/q-a-b/atom.xml\">"
        ), "{html}");
        assert!(html.contains("<a href=\"rss.xml\">RSS</a>"), "{html}");
        assert!(
            html.contains("<input type=\"url\" readonly=\"readonly\" value=\"https://x.org/feeds/categories/q-a-b/atom.xml\""),
            "{html}"
        );
        assert!(html.contains("1 article · newest 2024-03-25"), "{html}");
        assert!(html.contains(">Categories</h2>"), "{html}");
        assert!(!html.contains(">Countries</h2>"), "{html}");
        // Void elements are written the HTML way, without `/>`.
        assert!(!html.contains("/>"), "{html}");
    }
}
