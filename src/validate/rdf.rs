//! RSS 1.0 rules: the RDF Site Summary 1.0 specification
//! (<https://web.resource.org/rss/1.0/spec>).

use super::rss::{dublin_core, full_link};
use super::xml::{Frame, Ns, Rules};
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

/// State of the RSS 1.0 rules: how many channels and items were seen.
#[derive(Debug, Default)]
pub(super) struct RdfRules {
    channels: usize,
    items: usize,
}

impl RdfRules {
    /// Children an RSS 1.0 element must have, each exactly once.
    fn required(el: &Frame, names: &[&str], out: &mut Findings) {
        for name in names {
            let present = el
                .child_names
                .iter()
                .any(|(ns, local, _)| *ns == Ns::Rss1 && local == name);
            if !present {
                out.add(
                    Rule::MissingElement,
                    el.offset,
                    format!("<{}> has no <{name}>", el.local),
                )
                .help(format!(
                    "RSS 1.0 requires {} in <{}>",
                    names.join(", "),
                    el.local
                ));
            }
        }
    }

    fn about(el: &Frame, out: &mut Findings) {
        let about = el
            .attrs
            .iter()
            .find(|a| a.ns == Ns::Rdf && a.local == "about");
        match about {
            None => {
                out.add(
                    Rule::MissingAttribute,
                    el.offset,
                    format!("<{}> has no rdf:about", el.local),
                )
                .help("write rdf:about=\"the URL this element describes\"");
            }
            Some(a) => full_link(&a.value, a.offset, "rdf:about", out),
        }
    }
}

impl Rules for RdfRules {
    fn start(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        let Some(parent) = parents.last() else {
            return;
        };
        if el.ns != Ns::Rss1 {
            return;
        }
        let allowed: &[&str] = match (parents.len(), parent.local.as_str()) {
            (1, _) => &["channel", "item", "image", "textinput"],
            (2, "channel") => CHANNEL,
            (2, "item") => ITEM,
            (2, "image") => IMAGE,
            (2, "textinput") => TEXTINPUT,
            _ => return,
        };
        if !allowed.contains(&el.local.as_str()) {
            out.add(
                Rule::UnknownElement,
                el.offset,
                format!("RSS 1.0 defines no <{}> in <{}>", el.local, parent.local),
            )
            .help("check the spelling, or put extensions in their own namespace");
        } else if parents.len() == 2 || el.local != "item" {
            duplicate(el.nth, el.offset, &el.local, &parent.local, out);
        }
        if parents.len() == 1 {
            match el.local.as_str() {
                "channel" => self.channels += 1,
                "item" => self.items += 1,
                _ => {}
            }
            Self::about(el, out);
        }
    }

    fn end(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        if el.ns == Ns::Dc {
            dublin_core(&el.local, el.value(), el.text_at(), out);
        }
        match parents.len() {
            0 => {
                if self.channels == 0 {
                    out.add(Rule::MissingElement, el.offset, "<rdf:RDF> has no <channel>")
                        .help("RSS 1.0 needs <channel xmlns=\"http://purl.org/rss/1.0/\" rdf:about=\"…\">");
                }
                if self.items == 0 {
                    out.add(Rule::MissingElement, el.offset, "<rdf:RDF> has no <item>")
                        .help("RSS 1.0 needs at least one <item>");
                }
            }
            1 if el.ns == Ns::Rss1 => match el.local.as_str() {
                "channel" => Self::required(el, &["title", "link", "description", "items"], out),
                "item" => Self::required(el, &["title", "link"], out),
                "image" => Self::required(el, IMAGE, out),
                "textinput" => Self::required(el, TEXTINPUT, out),
                _ => {}
            },
            2 if el.ns == Ns::Rss1 && matches!(el.local.as_str(), "link" | "url") => {
                full_link(el.value(), el.text_at(), &format!("<{}>", el.local), out);
            }
            _ => {}
        }
    }
}
