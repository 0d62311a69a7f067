//! Discovery files beside the feeds: `feeds.opml`, an OPML 2.0 subscription
//! list readers import in one step, and `index.html`, a plain page listing
//! every feed with subscribe links and `<link rel="alternate">` tags.
//!
//! Both are made from the planned [`FeedSpec`]s, so they list exactly the
//! feeds the build writes, and like the feeds they never depend on the clock.

use std::io;
use std::path::PathBuf;

use quick_xml::Writer;
use quick_xml::escape::escape;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::build::RenderedFeed;
use crate::config::Config;
use crate::dates::to_rfc822;
use crate::feed::{FeedSpec, Scope};

/// File name of the OPML subscription list in the output directory.
pub const OPML_FILE: &str = "feeds.opml";
/// File name of the HTML feed index in the output directory.
pub const INDEX_FILE: &str = "index.html";

/// The feeds in display groups: the site feed, then one group per taxonomy
/// in the configuration's order ("Categories", "Countries", …).
fn groups<'s, 'a>(
    config: &Config,
    specs: &'s [FeedSpec<'a>],
) -> Vec<(String, Vec<&'s FeedSpec<'a>>)> {
    let of = |wanted: Option<&str>| -> Vec<&'s FeedSpec<'a>> {
        specs
            .iter()
            .filter(|spec| match &spec.scope {
                Scope::Site => wanted.is_none(),
                Scope::Term { taxonomy, .. } => wanted == Some(taxonomy.as_str()),
            })
            .collect()
    };
    std::iter::once(("Site".to_string(), of(None)))
        .chain(
            config
                .taxonomies
                .iter()
                .map(|t| (t.heading(), of(Some(t.name.as_str())))),
        )
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

/// The OPML 2.0 subscription list: one outline per feed (its RSS 2.0 URL;
/// listing the Atom twin too would subscribe readers to every item twice),
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
                                w.create_element("outline")
                                    .with_attributes([
                                        ("type", "rss"),
                                        ("version", "RSS2"),
                                        ("text", spec.title.as_str()),
                                        ("title", spec.title.as_str()),
                                        ("description", spec.description.as_str()),
                                        ("xmlUrl", spec.rss_url.as_str()),
                                        ("htmlUrl", spec.alternate_url.as_str()),
                                    ])
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

/// The HTML feed index: autodiscovery `<link rel="alternate">` tags for every
/// feed and a plain list of subscribe links, with no script and no styles
/// beyond the browser's. Links are relative, so the page works wherever the
/// output directory is served.
pub fn index_html(config: &Config, specs: &[FeedSpec<'_>]) -> Vec<u8> {
    let lang = config.language.as_deref().unwrap_or("en");
    let title = format!("{} feeds", config.title);
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n");
    html.push_str(&format!("<html lang=\"{}\">\n<head>\n", escape(lang)));
    html.push_str("<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!("<title>{}</title>\n", escape(&title)));
    for spec in specs {
        for (kind, file) in [
            ("application/rss+xml", "rss.xml"),
            ("application/atom+xml", "atom.xml"),
        ] {
            html.push_str(&format!(
                "<link rel=\"alternate\" type=\"{kind}\" title=\"{}\" href=\"{}\">\n",
                escape(&spec.title),
                escape(relative(spec, file)),
            ));
        }
    }
    html.push_str("</head>\n<body>\n");
    html.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    if !config.description.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", escape(&config.description)));
    }
    html.push_str(&format!(
        "<p>Copy a feed's address into your feed reader, or import <a href=\"{OPML_FILE}\">{OPML_FILE}</a> (OPML) to subscribe to all of them at once.</p>\n"
    ));
    for (group, feeds) in groups(config, specs) {
        html.push_str(&format!("<h2>{}</h2>\n<ul>\n", escape(&group)));
        for spec in feeds {
            let updated = spec
                .updated
                .map(|u| {
                    format!(
                        ", updated {}",
                        u.with_timezone(&config.timezone).format("%Y-%m-%d")
                    )
                })
                .unwrap_or_default();
            let count = spec.items.len();
            let noun = if count == 1 { "article" } else { "articles" };
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a> ({count} {noun}{updated}): <a href=\"{}\">RSS</a> · <a href=\"{}\">Atom</a></li>\n",
                escape(&spec.alternate_url),
                escape(&spec.title),
                escape(relative(spec, "rss.xml")),
                escape(relative(spec, "atom.xml")),
            ));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</body>\n</html>\n");
    html.into_bytes()
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
        assert!(html.contains("(1 article, updated 2024-03-25)"), "{html}");
        assert!(html.contains("<h2>Categories</h2>"), "{html}");
        assert!(!html.contains("<h2>Countries</h2>"), "{html}");
    }
}
