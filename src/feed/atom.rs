//! Atom 1.0 (RFC 4287) rendering through the `atom_syndication` crate.

use std::collections::BTreeMap;

use atom_syndication::extension::{Extension, ExtensionMap};
use atom_syndication::{
    Category, Content, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};
use chrono::{DateTime, Utc};

use super::rss::MEDIA_NS;
use super::{Entry, FeedToRender, GENERATOR};
use crate::config::Config;

/// The XML declaration written before the feed; the crate's own has no
/// encoding, which validators warn about.
const DECLARATION: &[u8] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

fn fixed(t: DateTime<Utc>) -> FixedDateTime {
    t.fixed_offset()
}

/// Serialize one feed as Atom 1.0.
pub fn render(config: &Config, spec: &FeedToRender<'_>) -> Vec<u8> {
    let site_author = Person {
        name: config
            .author
            .clone()
            .unwrap_or_else(|| config.title.clone()),
        ..Person::default()
    };
    let updated = spec.updated.unwrap_or(DateTime::UNIX_EPOCH);
    let feed = Feed {
        title: Text::plain(spec.title.clone()),
        id: spec.atom_url.clone(),
        updated: fixed(updated),
        authors: vec![site_author],
        generator: Some(Generator {
            value: GENERATOR.into(),
            ..Generator::default()
        }),
        links: std::iter::once(link(&spec.atom_url, "self", Some("application/atom+xml")))
            .chain(
                config
                    .websub_hubs
                    .iter()
                    .map(|hub| link(hub.as_str(), "hub", None)),
            )
            .chain([link(&spec.alternate_url, "alternate", Some("text/html"))])
            .chain(
                spec.history
                    .links
                    .iter()
                    .map(|l| link(&l.atom_url, l.rel, Some("application/atom+xml"))),
            )
            .collect(),
        subtitle: Some(Text::plain(spec.description.clone())),
        entries: spec.items.iter().map(entry).collect(),
        namespaces: if spec.items.iter().any(|e| e.article().image.is_some()) {
            BTreeMap::from([("media".to_string(), MEDIA_NS.to_string())])
        } else {
            BTreeMap::new()
        }
        .into_iter()
        .chain(
            spec.history
                .archive
                .then(|| ("fh".to_string(), super::history::FH_NS.to_string())),
        )
        .collect(),
        lang: spec.language(config).map(str::to_string),
        icon: config.icon.as_ref().map(ToString::to_string),
        logo: config.image.as_ref().map(ToString::to_string),
        rights: config.copyright.clone().map(Text::plain),
        ..Feed::default()
    };
    let mut out = DECLARATION.to_vec();
    let config = WriteConfig {
        write_document_declaration: false,
        indent_size: Some(2),
    };
    let mut out = feed
        .write_with_config(std::mem::take(&mut out), config)
        .unwrap_or_else(|e| unreachable!("writing to a Vec cannot fail: {e}"));
    out.push(b'\n');
    if spec.history.archive {
        mark_archive(&mut out);
    }
    out
}

/// Put RFC 5005's `<fh:archive/>` among the feed's metadata, before the
/// first entry: atom_syndication writes extension elements after the
/// entries, where RFC 4287's schema does not allow them.
fn mark_archive(out: &mut Vec<u8>) {
    const MARK: &[u8] = b"  <fh:archive/>\n";
    let find = |needle: &[u8]| out.windows(needle.len()).position(|w| w == needle);
    // Nothing before the first entry can look like one: text is escaped.
    let at = find(b"\n  <entry>")
        .map(|i| i + 1)
        .or_else(|| find(b"</feed>"))
        .unwrap_or(out.len());
    out.splice(at..at, MARK.iter().copied());
}

fn link(href: &str, rel: &str, mime_type: Option<&str>) -> Link {
    Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: mime_type.map(String::from),
        ..Link::default()
    }
}

fn entry(item: &Entry<'_>) -> atom_syndication::Entry {
    let (article, body) = (item.article(), item.body());
    let published = article.date.unwrap_or(DateTime::UNIX_EPOCH);
    let mut links = vec![link(&article.url, "alternate", Some("text/html"))];
    let mut extensions = ExtensionMap::new();
    if let Some(image) = &article.image {
        links.push(Link {
            length: Some(image.length.to_string()),
            title: image.alt.clone(),
            ..link(&image.url, "enclosure", Some(image.mime_type))
        });
        let children = image
            .alt
            .iter()
            .map(|alt| {
                (
                    "media:title".to_string(),
                    vec![Extension {
                        name: "media:title".into(),
                        value: Some(alt.clone()),
                        attrs: BTreeMap::from([("type".to_string(), "plain".to_string())]),
                        children: BTreeMap::new(),
                    }],
                )
            })
            .collect();
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
        extensions.insert(
            "media".to_string(),
            BTreeMap::from([("media:content".to_string(), vec![media])]),
        );
    }
    // An entry without a byline inherits the feed's author (RFC 4287
    // 4.2.1), as in RSS, where it has none.
    let authors = article
        .authors
        .iter()
        .map(|name| Person {
            name: name.clone(),
            ..Person::default()
        })
        .collect();
    atom_syndication::Entry {
        title: Text::plain(article.title.clone()),
        id: article.id.clone(),
        updated: fixed(article.last_change().unwrap_or(published)),
        published: Some(fixed(published)),
        authors,
        categories: article
            .all_terms()
            .map(|name| Category {
                term: name.clone(),
                scheme: None,
                label: Some(name.clone()),
            })
            .collect(),
        links,
        // Blank elements are left out (validators warn about them); the
        // entry keeps its alternate link.
        summary: Some(body.summary.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(Text::plain),
        content: Some(body.html.as_str())
            .filter(|html| !html.trim().is_empty())
            .map(|html| Content {
                value: Some(html.to_string()),
                content_type: Some("html".into()),
                ..Content::default()
            }),
        extensions,
        ..atom_syndication::Entry::default()
    }
}
