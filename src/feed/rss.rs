//! RSS 2.0 rendering through the `rss` crate, following the rssboard.org
//! specification and the RSS Best Practices Profile.

use std::collections::BTreeMap;

use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Enclosure, Guid, Image, Item};

use super::{Entry, FeedToRender, GENERATOR};
use crate::config::Config;
use crate::dates::to_rfc822;

/// Namespace of `atom:link rel="self"`.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// Namespace of `content:encoded`.
pub(crate) const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
/// Namespace of `dc:creator`.
pub(crate) const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
/// Namespace of `media:content`.
pub const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// Serialize one feed as RSS 2.0.
pub fn render(config: &Config, spec: &FeedToRender<'_>) -> Vec<u8> {
    let namespaces = BTreeMap::from(
        [
            ("atom", ATOM_NS),
            ("content", CONTENT_NS),
            ("dc", DC_NS),
            ("media", MEDIA_NS),
        ]
        .map(|(prefix, ns)| (prefix.to_string(), ns.to_string())),
    );
    // `atom:link`s as plain extension elements: the `rss` crate's own Atom
    // extension needs its `atom` feature, which compiles atom_syndication's
    // builders (derive_builder, darling) for these few links.
    let self_link = atom_link(&spec.rss_url, "self", Some("application/rss+xml"));
    // WebSub hubs sit next to the self link.
    let hubs = config
        .websub_hubs
        .iter()
        .map(|hub| atom_link(hub.as_str(), "hub", None));
    let history = spec
        .history
        .links
        .iter()
        .map(|l| atom_link(&l.rss_url, l.rel, Some("application/rss+xml")));
    let links: Vec<Extension> = std::iter::once(self_link)
        .chain(hubs)
        .chain(history)
        .collect();
    let mut namespaces = namespaces;
    let mut extensions = ExtensionMap::from([(
        "atom".to_string(),
        BTreeMap::from([("atom:link".to_string(), links)]),
    )]);
    if spec.history.archive {
        namespaces.insert("fh".into(), super::history::FH_NS.into());
        extensions.extend(extension_map(
            "fh",
            "archive",
            Extension {
                name: "fh:archive".into(),
                // An empty text keeps the pretty writer's indentation out:
                // RFC 5005 defines the element as empty.
                value: Some(String::new()),
                ..Extension::default()
            },
        ));
    }
    let channel = Channel {
        title: spec.title.clone(),
        link: spec.alternate_url.clone(),
        description: spec.description.clone(),
        language: spec.language(config).map(str::to_string),
        copyright: config.copyright.clone(),
        // The Best Practices Profile: the image's title and link are the channel's.
        image: config.image.as_ref().map(|url| Image {
            url: url.to_string(),
            title: spec.title.clone(),
            link: spec.alternate_url.clone(),
            ..Image::default()
        }),
        generator: Some(GENERATOR.into()),
        last_build_date: spec.updated.as_ref().map(to_rfc822),
        items: spec.items.iter().map(item).collect(),
        extensions,
        namespaces,
        ..Channel::default()
    };
    let written = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .unwrap_or_else(|e| unreachable!("writing to a Vec cannot fail: {e}"));
    let mut out = hex_encode_plain_text(&written);
    out.push(b'\n');
    out
}

/// Whether an element holds plain text (not HTML), given its name and its parent's.
///
/// The channel `description` is the site's plain-text tagline; an item's
/// `description` is HTML (the escaped summary) and keeps its escaping.
fn is_plain_text(name: &[u8], parent: Option<&[u8]>) -> bool {
    match name {
        b"title" | b"category" | b"dc:creator" | b"copyright" => true,
        b"description" => parent == Some(b"channel".as_slice()),
        _ => false,
    }
}

/// Rewrite `&amp;` and `&lt;` in plain-text elements as the hexadecimal
/// references `&#x26;` and `&#x3C;`, as the RSS Best Practices Profile
/// recommends (readers that guess whether a title is HTML otherwise show
/// "&amp;" literally), and write elements without content as empty
/// elements; every other byte is copied unchanged.
fn hex_encode_plain_text(xml: &[u8]) -> Vec<u8> {
    use quick_xml::events::{BytesRef, Event};

    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len() + 64));
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut pending: Option<quick_xml::events::BytesStart<'static>> = None;
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(event) => event,
            Err(e) => unreachable!("the rss crate writes well-formed XML: {e}"),
        };
        let plain = open.last().is_some_and(|name| {
            let parent = open.len().checked_sub(2).map(|i| open[i].as_slice());
            is_plain_text(name, parent)
        });
        // An element whose end tag follows its start tag at once is written
        // empty (`<atom:link …/>`): the rss crate writes extension elements
        // as a start and an end tag.
        let held = pending.take();
        if let (Some(start), Event::End(_)) = (&held, &event) {
            open.pop();
            write(&mut writer, Event::Empty(start.borrow()));
            buf.clear();
            continue;
        }
        if let Some(start) = held {
            write(&mut writer, Event::Start(start));
        }
        let event = match event {
            Event::Start(e) => {
                open.push(e.name().as_ref().to_vec());
                pending = Some(e.into_owned());
                buf.clear();
                continue;
            }
            Event::End(_) => {
                open.pop();
                event
            }
            Event::GeneralRef(ref r) if plain && &**r == b"amp" => {
                Event::GeneralRef(BytesRef::new("#x26"))
            }
            Event::GeneralRef(ref r) if plain && &**r == b"lt" => {
                Event::GeneralRef(BytesRef::new("#x3C"))
            }
            other => other,
        };
        write(&mut writer, event);
        buf.clear();
    }
    writer.into_inner()
}

fn write(writer: &mut quick_xml::Writer<Vec<u8>>, event: quick_xml::events::Event<'_>) {
    writer
        .write_event(event)
        .unwrap_or_else(|e| unreachable!("writing to a Vec cannot fail: {e}"));
}

fn item(entry: &Entry<'_>) -> Item {
    let (article, body) = (entry.article(), entry.body());
    let mut extensions = ExtensionMap::new();
    if let Some(image) = &article.image {
        let mut children = BTreeMap::new();
        // The alt text as `media:title`: feedparser reads `media:description`
        // into the entry's summary, replacing the article's.
        if let Some(alt) = &image.alt {
            children.insert(
                "media:title".to_string(),
                vec![Extension {
                    name: "media:title".into(),
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
        description: Some(quick_xml::escape::partial_escape(&body.summary).into_owned()),
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
        content: Some(body.html.clone()),
        // One `dc:creator` naming everyone: readers given several show
        // only the first or the last.
        dublin_core_ext: article.byline().map(|byline| DublinCoreExtension {
            creators: vec![byline],
            ..DublinCoreExtension::default()
        }),
        extensions,
        ..Item::default()
    }
}

/// An extension map holding the single element `prefix:name`.
/// An `<atom:link>` element with `href`, `rel` and, when given, `type`.
fn atom_link(href: &str, rel: &str, mime_type: Option<&str>) -> Extension {
    let mut attrs = BTreeMap::from([
        ("href".to_string(), href.to_string()),
        ("rel".to_string(), rel.to_string()),
    ]);
    if let Some(mime_type) = mime_type {
        attrs.insert("type".into(), mime_type.into());
    }
    Extension {
        name: "atom:link".into(),
        // An empty text keeps the pretty writer's indentation out, so the
        // element is written empty.
        value: Some(String::new()),
        attrs,
        ..Extension::default()
    }
}

fn extension_map(prefix: &str, name: &str, extension: Extension) -> ExtensionMap {
    BTreeMap::from([(
        prefix.to_string(),
        BTreeMap::from([(format!("{prefix}:{name}"), vec![extension])]),
    )])
}
