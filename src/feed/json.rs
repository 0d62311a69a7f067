//! JSON Feed 1.1 (<https://www.jsonfeed.org/version/1.1/>) rendering.
//!
//! The same feeds, items, order, ids and dates as the RSS and Atom twins:
//! only the syntax differs. The site's author sits on the feed (items
//! without a byline inherit it, as the specification says), and the lead
//! image is both the item's `image` and an attachment with its alt text.

use serde::Serialize;

use super::{Entry, FeedToRender};
use crate::config::Config;
use crate::dates::to_rfc3339;

/// The `version` every JSON Feed 1.1 document starts with.
pub(crate) const VERSION: &str = "https://jsonfeed.org/version/1.1";

/// A JSON Feed document, in the specification's member order.
#[derive(Debug, Serialize)]
struct Document<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    favicon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub<'a>>,
    items: Vec<Item<'a>>,
}

/// A WebSub hub subscribers can subscribe to for this feed.
#[derive(Debug, Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

/// A feed or item author.
#[derive(Debug, Serialize)]
struct Author<'a> {
    name: &'a str,
}

/// One item.
#[derive(Debug, Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment<'a>>,
}

/// A file attached to an item: the lead image.
#[derive(Debug, Serialize)]
struct Attachment<'a> {
    url: &'a str,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size_in_bytes: Option<u64>,
}

/// Serialize one feed as JSON Feed 1.1, indented, ending in a newline.
pub fn render(config: &Config, spec: &FeedToRender<'_>) -> Vec<u8> {
    let site_author = config.author.as_deref().unwrap_or(&config.title);
    let document = Document {
        version: VERSION,
        title: &spec.title,
        home_page_url: &spec.alternate_url,
        feed_url: &spec.json_url,
        description: &spec.description,
        icon: config.image.as_ref().map(url::Url::as_str),
        favicon: config.icon.as_ref().map(url::Url::as_str),
        language: spec.language(config),
        authors: vec![Author { name: site_author }],
        hubs: config
            .websub_hubs
            .iter()
            .map(|hub| Hub {
                kind: "WebSub",
                url: hub.as_str(),
            })
            .collect(),
        items: spec.items.iter().map(item).collect(),
    };
    let mut out = serde_json::to_vec_pretty(&document)
        .unwrap_or_else(|e| unreachable!("serializing plain structs cannot fail: {e}"));
    out.push(b'\n');
    out
}

fn item<'a>(entry: &Entry<'a>) -> Item<'a> {
    let (article, body) = (entry.article(), entry.body());
    let image = article.image.as_ref();
    Item {
        id: &article.id,
        url: &article.url,
        title: &article.title,
        content_html: &body.html,
        summary: &body.summary,
        image: image.map(|i| i.url.as_str()),
        date_published: article.date.as_ref().map(to_rfc3339),
        // Like Atom's `updated`: the last change, else the publication.
        date_modified: article
            .last_change()
            .or(article.date)
            .as_ref()
            .map(to_rfc3339),
        authors: article.authors.iter().map(|name| Author { name }).collect(),
        tags: article.all_terms().map(String::as_str).collect(),
        attachments: image
            .map(|i| Attachment {
                url: &i.url,
                mime_type: i.mime_type,
                title: i.alt.as_deref(),
                size_in_bytes: (i.length > 0).then_some(i.length),
            })
            .into_iter()
            .collect(),
    }
}
