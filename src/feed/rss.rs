//! RSS 2.0 rendering through the `rss` crate, following the rssboard.org
//! specification and the RSS Best Practices Profile.

use std::collections::BTreeMap;

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Enclosure, Guid, Item};

use super::{FeedSpec, GENERATOR};
use crate::config::Config;
use crate::dates::to_rfc822;
use crate::model::Article;

/// Namespace of `atom:link rel="self"`.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// Namespace of `content:encoded`.
pub const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
/// Namespace of `dc:creator`.
pub const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
/// Namespace of `media:content`.
pub const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// Serialize one feed as RSS 2.0.
pub fn render(config: &Config, spec: &FeedSpec<'_>) -> Vec<u8> {
    let namespaces = BTreeMap::from(
        [
            ("atom", ATOM_NS),
            ("content", CONTENT_NS),
            ("dc", DC_NS),
            ("media", MEDIA_NS),
        ]
        .map(|(prefix, ns)| (prefix.to_string(), ns.to_string())),
    );
    let self_link = AtomExtension {
        links: vec![Link {
            href: spec.rss_url.clone(),
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Link::default()
        }],
    };
    let channel = Channel {
        title: spec.title.clone(),
        link: spec.alternate_url.clone(),
        description: spec.description.clone(),
        language: config.language.clone(),
        generator: Some(GENERATOR.into()),
        last_build_date: spec.updated.as_ref().map(to_rfc822),
        items: spec.items.iter().map(|a| item(a)).collect(),
        atom_ext: Some(self_link),
        namespaces,
        ..Channel::default()
    };
    let mut out = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .unwrap_or_else(|e| unreachable!("writing to a Vec cannot fail: {e}"));
    out.push(b'\n');
    out
}

fn item(article: &Article) -> Item {
    let mut extensions = ExtensionMap::new();
    if let Some(image) = &article.image {
        let mut children = BTreeMap::new();
        if let Some(alt) = &image.alt {
            children.insert(
                "media:description".to_string(),
                vec![Extension {
                    name: "media:description".into(),
                    value: Some(alt.clone()),
                    attrs: BTreeMap::from([("type".to_string(), "plain".to_string())]),
                    children: BTreeMap::new(),
                }],
            );
        }
        let media = Extension {
            name: "media:content".into(),
            value: None,
            attrs: BTreeMap::from([
                ("url".to_string(), image.url.clone()),
                ("medium".to_string(), "image".to_string()),
                ("type".to_string(), image.mime_type.to_string()),
            ]),
            children,
        };
        extensions = extension_map("media", "content", media);
    }
    Item {
        title: Some(article.title.clone()),
        link: Some(article.url.clone()),
        // RSS readers render `description` as HTML: the plain-text summary
        // is escaped so that "<b>" in a summary shows as written.
        description: Some(quick_xml::escape::partial_escape(article.summary()).into_owned()),
        categories: article
            .all_terms()
            .map(|name| Category {
                name: name.clone(),
                domain: None,
            })
            .collect(),
        enclosure: article.image.as_ref().map(|image| Enclosure {
            url: image.url.clone(),
            length: image.length.to_string(),
            mime_type: image.mime_type.to_string(),
        }),
        guid: Some(Guid {
            value: article.id.clone(),
            permalink: article.id == article.url,
        }),
        pub_date: article.date.as_ref().map(to_rfc822),
        content: Some(article.content_html().to_string()),
        dublin_core_ext: (!article.authors.is_empty()).then(|| DublinCoreExtension {
            creators: article.authors.clone(),
            ..DublinCoreExtension::default()
        }),
        extensions,
        ..Item::default()
    }
}

/// An extension map holding the single element `prefix:name`.
fn extension_map(prefix: &str, name: &str, extension: Extension) -> ExtensionMap {
    BTreeMap::from([(
        prefix.to_string(),
        BTreeMap::from([(format!("{prefix}:{name}"), vec![extension])]),
    )])
}
