//! RSS 1.0 rules: the RDF Site Summary 1.0 specification
//! (<https://web.resource.org/rss/1.0/spec>).

use super::rss::{dublin_core, full_link};
use roxmltree::Node;

use super::tree::{Ns, Source, elements, has_child, ns_of, nth};
use super::{Findings, Rule, duplicate};

/// Elements RSS 1.0 defines, by parent.
const CHANNEL: &[&str] = &[
    "title",
    "link",
    "description",
    "image",
    "items",
    "textinput",
];
const ITEM: &[&str] = &["title", "link", "description"];
const IMAGE: &[&str] = &["title", "url", "link"];
const TEXTINPUT: &[&str] = &["title", "description", "name", "link"];

/// Check an RSS 1.0 document whose root element is `<rdf:RDF>`: each
/// top-level element, its children, then what it must contain.
pub(super) fn check(source: &Source<'_>, root: Node<'_, '_>, out: &mut Findings) {
    let mut channels = 0;
    let mut items = 0;
    for el in elements(root) {
        let local = el.tag_name().name();
        if ns_of(el) == Ns::Rss1 {
            defined(
                source,
                el,
                "RDF",
                &["channel", "item", "image", "textinput"],
                out,
            );
            match local {
                "channel" => channels += 1,
                "item" => items += 1,
                _ => {}
            }
            about(source, el, out);
        }
        let children: &[&str] = match local {
            "channel" => CHANNEL,
            "item" => ITEM,
            "image" => IMAGE,
            "textinput" => TEXTINPUT,
            _ => &[],
        };
        for child in elements(el).filter(|c| ns_of(*c) == Ns::Rss1) {
            let name = child.tag_name().name();
            if !children.is_empty() {
                defined(source, child, local, children, out);
            }
            if matches!(name, "link" | "url") {
                let text = source.text(child);
                full_link(
                    text.trim(),
                    source.text_at(child),
                    &format!("<{name}>"),
                    out,
                );
            }
        }
        if ns_of(el) == Ns::Rss1 {
            match local {
                "channel" => required(source, el, &["title", "link", "description", "items"], out),
                "item" => required(source, el, &["title", "link"], out),
                "image" => required(source, el, IMAGE, out),
                "textinput" => required(source, el, TEXTINPUT, out),
                _ => {}
            }
        }
    }
    if channels == 0 {
        out.add(
            Rule::MissingElement,
            source.at(root),
            "<rdf:RDF> has no <channel>",
        )
        .help("RSS 1.0 needs <channel xmlns=\"http://purl.org/rss/1.0/\" rdf:about=\"…\">");
    }
    if items == 0 {
        out.add(
            Rule::MissingElement,
            source.at(root),
            "<rdf:RDF> has no <item>",
        )
        .help("RSS 1.0 needs at least one <item>");
    }
    for el in root
        .descendants()
        .filter(|n| ns_of(*n) == Ns::Dc && n.is_element())
    {
        let text = source.text(el);
        dublin_core(el.tag_name().name(), text.trim(), source.text_at(el), out);
    }
}

/// Report an RSS 1.0 element its parent (named `parent`) does not define
/// among `allowed`, or a second one of an element allowed once (only
/// `<item>`s repeat, at the top level).
fn defined(
    source: &Source<'_>,
    el: Node<'_, '_>,
    parent: &str,
    allowed: &[&str],
    out: &mut Findings,
) {
    let local = el.tag_name().name();
    let top_level = el
        .parent_element()
        .is_some_and(|p| p.parent_element().is_none());
    if !allowed.contains(&local) {
        out.add(
            Rule::UnknownElement,
            source.at(el),
            format!("RSS 1.0 defines no <{local}> in <{parent}>"),
        )
        .help("check the spelling, or put extensions in their own namespace");
    } else if !top_level || local != "item" {
        duplicate(nth(el), source.at(el), local, parent, out);
    }
}

/// Children an RSS 1.0 element must have.
fn required(source: &Source<'_>, el: Node<'_, '_>, names: &[&str], out: &mut Findings) {
    let local = el.tag_name().name();
    for name in names {
        if !has_child(el, Ns::Rss1, name) {
            out.add(
                Rule::MissingElement,
                source.at(el),
                format!("<{local}> has no <{name}>"),
            )
            .help(format!(
                "RSS 1.0 requires {} in <{local}>",
                names.join(", ")
            ));
        }
    }
}

/// A top-level element's `rdf:about`: present, and a full URL.
fn about(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    let about = source
        .attrs(el)
        .into_iter()
        .find(|a| a.ns == Ns::Rdf && a.local == "about");
    match about {
        None => {
            out.add(
                Rule::MissingAttribute,
                source.at(el),
                format!("<{}> has no rdf:about", el.tag_name().name()),
            )
            .help("write rdf:about=\"the URL this element describes\"");
        }
        Some(a) => full_link(&a.value, a.offset, "rdf:about", out),
    }
}
