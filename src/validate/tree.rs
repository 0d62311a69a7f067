//! Reading the parsed tree for the feed rules: namespaces, child elements,
//! `xml:base`, and each node's offset, attributes and text in terms of the
//! decoded document (findings point there, not into the repaired copy the
//! parser read).

use roxmltree::Node;
use url::Url;

/// The namespaces the rules care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// No namespace.
    None,
    /// `http://www.w3.org/2005/Atom`.
    Atom,
    /// `http://purl.org/rss/1.0/modules/content/`.
    Content,
    /// `http://search.yahoo.com/mrss/`.
    Media,
    /// `http://www.w3.org/1999/xhtml`.
    Xhtml,
    /// `http://purl.org/dc/elements/1.1/` (Dublin Core).
    Dc,
    /// `http://www.w3.org/1999/02/22-rdf-syntax-ns#`.
    Rdf,
    /// `http://purl.org/rss/1.0/` (RSS 1.0).
    Rss1,
    /// The reserved `xml:` namespace.
    Xml,
    /// Any other (or an undeclared) namespace.
    Other,
}

impl Ns {
    /// The namespace a `roxmltree` node or attribute is in.
    pub(super) fn of_uri(uri: Option<&str>) -> Ns {
        match uri {
            None | Some("") => Ns::None,
            Some("http://www.w3.org/2005/Atom") => Ns::Atom,
            Some("http://purl.org/rss/1.0/modules/content/") => Ns::Content,
            Some("http://search.yahoo.com/mrss/") => Ns::Media,
            Some("http://www.w3.org/1999/xhtml") => Ns::Xhtml,
            Some("http://purl.org/dc/elements/1.1/") => Ns::Dc,
            Some("http://www.w3.org/1999/02/22-rdf-syntax-ns#") => Ns::Rdf,
            Some("http://purl.org/rss/1.0/") => Ns::Rss1,
            Some("http://www.w3.org/XML/1998/namespace") => Ns::Xml,
            Some(_) => Ns::Other,
        }
    }
}

/// One attribute, unescaped, with the byte offset of its value.
#[derive(Debug, Clone)]
pub(super) struct Attr {
    pub(super) ns: Ns,
    pub(super) local: String,
    pub(super) value: String,
    pub(super) offset: usize,
}

/// The text a tree was parsed from: reads its nodes in terms of the
/// decoded document (offsets, direct text, attributes) for the feed rules.
pub(super) struct Source<'d> {
    /// The text the tree was parsed from.
    text: &'d str,
    /// Where namespace declarations were inserted into the text to repair
    /// it (after the root element's name), and their total length.
    inserted: Option<(usize, usize)>,
}

/// Whether a node is an element with the given namespace and local name.
pub(super) fn is(node: Node<'_, '_>, ns: Ns, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && ns_of(node) == ns
}

/// The namespace of an element.
pub(super) fn ns_of(node: Node<'_, '_>) -> Ns {
    Ns::of_uri(node.tag_name().namespace())
}

/// The child elements of a node, in order.
pub(super) fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// Whether a node has a child element with this namespace and local name.
pub(super) fn has_child(node: Node<'_, '_>, ns: Ns, local: &str) -> bool {
    elements(node).any(|child| is(child, ns, local))
}

/// 1-based position of an element among its preceding siblings with the
/// same namespace and name (2 for the second `<title>` of a channel).
pub(super) fn nth(node: Node<'_, '_>) -> usize {
    let (ns, local) = (ns_of(node), node.tag_name().name());
    1 + std::iter::successors(node.prev_sibling_element(), |n| n.prev_sibling_element())
        .filter(|n| n.tag_name().name() == local && ns_of(*n) == ns)
        .count()
}

/// The `xml:` namespace, which `xml:base` and `xml:lang` are in.
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// The absolute base URL in scope at an element: every `xml:base` from the
/// root down to the element itself, each resolved against the one above
/// (RFC 3986); `None` when there is none, or one does not resolve.
pub(super) fn base(node: Node<'_, '_>) -> Option<Url> {
    let declared: Vec<&str> = node
        .ancestors()
        .filter_map(|n| n.attribute((XML_NAMESPACE, "base")))
        .collect();
    declared
        .iter()
        .rev()
        .fold(None, |above: Option<Url>, value| match above {
            Some(above) => above.join(value.trim()).ok(),
            None => Url::parse(value.trim()).ok(),
        })
}

impl<'d> Source<'d> {
    /// The parsed `text`, into which `inserted` bytes were inserted at an
    /// offset (or none).
    pub(super) fn new(text: &'d str, inserted: Option<(usize, usize)>) -> Self {
        Source { text, inserted }
    }

    /// The offset in the decoded document of an offset in the parsed text.
    pub(super) fn original(&self, at: usize) -> usize {
        match self.inserted {
            Some((start, len)) if at >= start + len => at - len,
            Some((start, _)) if at >= start => start,
            _ => at,
        }
    }

    /// Byte offset of the `<` of an element's start tag.
    pub(super) fn at(&self, node: Node<'_, '_>) -> usize {
        self.original(node.range().start)
    }

    /// The attributes of an element, unescaped, with their value offsets.
    pub(super) fn attrs(&self, node: Node<'_, '_>) -> Vec<Attr> {
        node.attributes()
            .map(|a| Attr {
                ns: Ns::of_uri(a.namespace()),
                local: a.name().to_string(),
                value: a.value().to_string(),
                offset: self.original(a.range_value().start),
            })
            .collect()
    }

    /// The attribute with this local name and no namespace.
    pub(super) fn attr(&self, node: Node<'_, '_>, local: &str) -> Option<Attr> {
        node.attributes()
            .find(|a| a.namespace().is_none() && a.name() == local)
            .map(|a| Attr {
                ns: Ns::None,
                local: local.to_string(),
                value: a.value().to_string(),
                offset: self.original(a.range_value().start),
            })
    }

    /// The `xml:` attribute with this local name (`lang`, `base`).
    pub(super) fn xml_attr(&self, node: Node<'_, '_>, local: &str) -> Option<Attr> {
        node.attributes()
            .find(|a| a.namespace() == Some(XML_NAMESPACE) && a.name() == local)
            .map(|a| Attr {
                ns: Ns::Xml,
                local: local.to_string(),
                value: a.value().to_string(),
                offset: self.original(a.range_value().start),
            })
    }

    /// The unescaped character data directly inside an element.
    pub(super) fn text(&self, node: Node<'_, '_>) -> String {
        node.children()
            .filter(Node::is_text)
            .filter_map(|t| t.text())
            .collect()
    }

    /// Where findings about an element's text should point: its first
    /// character data that is not blank, else the element.
    pub(super) fn text_at(&self, node: Node<'_, '_>) -> usize {
        node.children()
            .find(|t| t.is_text() && !t.text().unwrap_or_default().trim().is_empty())
            .map_or_else(|| self.at(node), |t| self.original(t.range().start))
    }

    /// Byte offset of the first `&` or `<` in an element's direct text
    /// written as `&amp;`, `&lt;` or inside CDATA rather than as a
    /// hexadecimal reference.
    pub(super) fn named_markup(&self, node: Node<'_, '_>) -> Option<usize> {
        named_markup(self.text, node).map(|at| self.original(at))
    }
}

/// Byte offset of the first `&` or `<` in an element's direct text that is
/// written as `&amp;`, `&lt;` or inside CDATA rather than as a hexadecimal
/// reference (the parser merges adjacent text and CDATA into one node, so
/// the source between the element's other children is read).
fn named_markup(text: &str, element: Node<'_, '_>) -> Option<usize> {
    let content_end = text[..element.range().end].rfind("</")?;
    let mut children = element.children().peekable();
    while let Some(child) = children.next() {
        if !child.is_text() {
            continue;
        }
        let start = child.range().start;
        let end = children
            .peek()
            .map_or(content_end, |next| next.range().start);
        let raw = text.get(start..end)?;
        let mut from = 0;
        while let Some(found) = raw[from..].find(['&', '<']) {
            let at = from + found;
            let rest = &raw[at..];
            if rest.starts_with("&amp;") || rest.starts_with("&lt;") {
                return Some(start + at);
            }
            if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
                let body = &cdata[..cdata.find("]]>").unwrap_or(cdata.len())];
                if body.contains(['&', '<']) {
                    return Some(start + at);
                }
                from = at + 9 + body.len();
            } else {
                from = at + 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_base_is_inherited_and_resolved() {
        let text = "<a xml:base=\"https://e.com/x/\"><b xml:base=\"y/\"><c/></b><d xml:base=\"rel/\"/><e xml:base=\"%%bad\"/></a>";
        let doc = roxmltree::Document::parse(text).expect("well-formed");
        let seen: Vec<_> = doc
            .descendants()
            .filter(Node::is_element)
            .map(|el| base(el).as_ref().map(Url::to_string))
            .collect();
        let expected = [
            Some("https://e.com/x/"),
            Some("https://e.com/x/y/"),
            Some("https://e.com/x/y/"),
            Some("https://e.com/x/rel/"),
            Some("https://e.com/x/%%bad"),
        ];
        assert_eq!(seen, expected.map(|b| b.map(String::from)).to_vec());
    }

    #[test]
    fn offsets_skip_the_inserted_declarations() {
        let source = Source::new("<a xmlns:p=\"u\"><p:b/></a>", Some((2, 14)));
        assert_eq!(source.original(0), 0);
        assert_eq!(source.original(5), 2);
        assert_eq!(source.original(17), 3);
    }
}
