//! RSS 2.0 rules: the rssboard specification and the RSS Best Practices Profile.
//!
//! The rules read the parsed tree the way the specification is written:
//! `<rss>`, its `<channel>`, the channel's children, then each `<item>`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, FixedOffset, Utc};
use roxmltree::Node;

use super::html::check_html;
use super::links::{UrlKind, classify, contains_email, is_http, is_mime};
use super::timeline::{NewestFirst, check_timeline, date_rule};
use super::tree::{Attr, Ns, Source, elements, has_child, is, ns_of, nth};
use super::{Findings, Options, Rule, duplicate, is_language_tag, quoted};
use crate::dates::parse_rfc822;

/// Check an RSS 0.91–2.0 document whose root element is `<rss>`.
pub(super) fn check(
    source: &Source<'_>,
    root: Node<'_, '_>,
    options: &Options,
    out: &mut Findings,
) {
    let mut rss = Rss {
        source,
        now: options.now,
        guids: HashMap::new(),
        order: NewestFirst::default(),
        version: source
            .attr(root, "version")
            .map_or(String::new(), |v| v.value.trim().to_string()),
        newer_reported: Vec::new(),
    };
    rss.version_attribute(root, out);
    let mut channels = 0;
    for child in elements(root) {
        if is(child, Ns::None, "channel") {
            channels += 1;
            rss.channel(child, out);
        } else {
            // An item outside any channel still gets its children checked.
            for item in elements(child).filter(|n| is(*n, Ns::None, "item")) {
                rss.item(item, false, out);
            }
        }
    }
    if channels == 0 {
        out.add(
            Rule::MissingElement,
            source.at(root),
            "<rss> has no <channel>",
        );
    }
    for node in root.descendants().filter(Node::is_element) {
        anywhere(source, node, out);
    }
}

/// The state that spans the document: guids seen, the item order, and the
/// declared version.
struct Rss<'s> {
    source: &'s Source<'s>,
    now: Option<DateTime<Utc>>,
    /// Every guid so far, for `DuplicateGuid`.
    guids: HashMap<String, usize>,
    order: NewestFirst,
    /// The `version` attribute of `<rss>`, trimmed.
    version: String,
    /// Elements already reported as newer than `version` (once each).
    newer_reported: Vec<&'static str>,
}

impl Rss<'_> {
    /// Report `el` (a child of `parent`) once when the declared version
    /// predates it.
    fn newer_than_version(&mut self, el: Node<'_, '_>, parent: &str, out: &mut Findings) {
        let Some((name, added)) = added_after_091(parent, el.tag_name().name()) else {
            return;
        };
        let older = matches!(self.version.as_str(), "0.91" | "0.92" | "0.93");
        if !older || self.version.as_str() >= added || self.newer_reported.contains(&name) {
            return;
        }
        self.newer_reported.push(name);
        out.add(
            Rule::ElementNotInVersion,
            self.source.at(el),
            format!(
                "RSS {} has no <{name}> in <{parent}>: it came with RSS {added}",
                self.version
            ),
        )
        .help(format!(
            "declare <rss version=\"2.0\"> (it reads every {} feed), or leave <{name}> out",
            self.version
        ));
    }

    fn date(&self, el: Node<'_, '_>, out: &mut Findings) -> Option<DateTime<FixedOffset>> {
        let text = self.source.text(el);
        let value = text.trim();
        let at = self.source.text_at(el);
        let local = el.tag_name().name();
        match parse_rfc822(value) {
            Ok(parsed) => {
                if parsed
                    .obsolete
                    .as_deref()
                    .is_some_and(|o| o.contains("four digits"))
                {
                    out.add(
                        Rule::ProblematicalRFC822Date,
                        at,
                        format!(
                            "<{local}>: \"{value}\" has a two-digit year, which RFC 822 allows but readers may misread"
                        ),
                    )
                    .help("write all four digits: \"Mon, 25 Mar 2024 10:00:00 +0000\"");
                }
                check_timeline(&parsed.date, at, self.now, out);
                Some(parsed.date)
            }
            Err(e) => {
                out.add(
                    date_rule(&e, Rule::InvalidRFC2822Date),
                    at,
                    format!("<{local}>: {}", e.message),
                )
                .help("write RFC 822 dates such as \"Mon, 25 Mar 2024 10:00:00 +0000\"");
                None
            }
        }
    }

    /// The `version` attribute of `<rss>`.
    fn version_attribute(&self, root: Node<'_, '_>, out: &mut Findings) {
        match self.source.attr(root, "version") {
            None => {
                out.add(
                    Rule::MissingAttribute,
                    self.source.at(root),
                    "<rss> has no version attribute",
                )
                .help("write <rss version=\"2.0\">");
            }
            Some(v) if matches!(v.value.trim(), "2.0" | "0.91" | "0.92" | "0.93" | "0.94") => {}
            Some(v) => {
                out.add(
                    Rule::InvalidRSSVersion,
                    v.offset,
                    format!("RSS version {} is not 2.0", quoted(&v.value)),
                );
            }
        }
    }

    /// A `<channel>`: its children, then what it must contain.
    fn channel(&mut self, channel: Node<'_, '_>, out: &mut Findings) {
        for child in elements(channel) {
            let local = child.tag_name().name();
            if ns_of(child) == Ns::None {
                self.newer_than_version(child, "channel", out);
                if CHANNEL_SINGLE.contains(&local) {
                    duplicate(nth(child), self.source.at(child), local, "channel", out);
                } else if !CHANNEL_OTHER.contains(&local) {
                    out.add(
                        Rule::UnknownElement,
                        self.source.at(child),
                        format!("RSS defines no <{local}> in a <channel>"),
                    )
                    .help("check the spelling (element names are case-sensitive), or put extensions in their own namespace");
                }
                self.channel_child(child, out);
            } else if is(child, Ns::Atom, "link") {
                atom_link(self.source, child, out);
            }
        }
        for name in ["title", "link", "description"] {
            if !has_child(channel, Ns::None, name) {
                out.add(
                    Rule::MissingElement,
                    self.source.at(channel),
                    format!("<channel> has no <{name}>"),
                )
                .help("RSS 2.0 requires title, link and description in every channel");
            }
        }
        let self_link = elements(channel).any(|link| {
            is(link, Ns::Atom, "link")
                && self
                    .source
                    .attr(link, "rel")
                    .is_some_and(|rel| rel.value.trim() == "self")
        });
        if !self_link {
            out.add(
                Rule::MissingAtomSelfLink,
                self.source.at(channel),
                "<channel> has no <atom:link rel=\"self\">",
            )
            .help("add <atom:link href=\"URL of this feed\" rel=\"self\" type=\"application/rss+xml\"/>, with xmlns:atom=\"http://www.w3.org/2005/Atom\" on <rss>");
        }
    }

    /// A channel child in no namespace.
    fn channel_child(&mut self, el: Node<'_, '_>, out: &mut Findings) {
        let source = self.source;
        let text = source.text(el);
        let value = text.trim();
        let at = source.text_at(el);
        match el.tag_name().name() {
            "title" if value.is_empty() => {
                out.add(
                    Rule::NotBlank,
                    source.at(el),
                    "the channel <title> is empty",
                );
            }
            "link" => full_link(value, at, "channel <link>", out),
            "pubDate" | "lastBuildDate" => {
                self.date(el, out);
            }
            "managingEditor" | "webMaster" => contact(source, el, out),
            "item" => self.item(el, true, out),
            "docs" => full_link(value, at, "<docs>", out),
            "language" => language("language", value, at, out),
            "ttl" => integer(value, at, "<ttl> (minutes)", u64::MAX, out),
            "image" => image(source, el, out),
            "textInput" | "textinput" => {
                required_children(source, el, &["title", "description", "name", "link"], out)
            }
            "skipHours" => skip_list(source, el, "hour", out),
            "skipDays" => skip_list(source, el, "day", out),
            "cloud" => cloud(source, el, out),
            _ => {}
        }
    }

    /// An `<item>`; `in_channel` when it is a channel's child (only then
    /// does it count for the order, the title-or-description rule, the
    /// enclosure and the content-before-description check).
    fn item(&mut self, item: Node<'_, '_>, in_channel: bool, out: &mut Findings) {
        let source = self.source;
        let mut title = false;
        let mut description = false;
        let mut date = None;
        for el in elements(item) {
            let local = el.tag_name().name();
            let ns = ns_of(el);
            if ns == Ns::None {
                self.newer_than_version(el, "item", out);
                if ITEM_SINGLE.contains(&local) {
                    duplicate(nth(el), source.at(el), local, "item", out);
                }
            }
            let text = source.text(el);
            let value = text.trim();
            let at = source.text_at(el);
            match (ns, local) {
                (Ns::None, "title") => {
                    // A blank title is still a title: RSS only requires one
                    // of title or description to be present.
                    if value.is_empty() {
                        out.add(Rule::NotBlank, source.at(el), "the item <title> is empty")
                            .help("write a title, or leave the element out");
                    }
                    title = true;
                }
                (Ns::None, "description") => {
                    let children = elements(el).next().is_some();
                    check_html(children, &text, source.at(el), at, "<description>", out);
                    description |= !value.is_empty();
                }
                (Ns::Content, "encoded") => {
                    let after_description = item
                        .children()
                        .take_while(|c| *c != el)
                        .any(|c| is(c, Ns::None, "description"));
                    if in_channel && !after_description {
                        out.add(
                            Rule::NeedDescriptionBeforeContent,
                            source.at(el),
                            "<content:encoded> comes before (or without) <description>",
                        )
                        .help("put a <description> (a summary) before <content:encoded>");
                    }
                    let children = elements(el).next().is_some();
                    check_html(children, &text, source.at(el), at, "<content:encoded>", out);
                }
                (Ns::None, "enclosure") if in_channel => enclosure(source, el, out),
                (Ns::None, "link") => full_link(value, at, "item <link>", out),
                (Ns::None, "comments") => full_link(value, at, "<comments>", out),
                (Ns::None, "source") => match source.attr(el, "url") {
                    Some(url) => full_link(&url.value, url.offset, "<source> url", out),
                    None => {
                        out.add(Rule::MissingAttribute, source.at(el), "<source> has no url")
                            .help("write <source url=\"URL of the feed the item came from\">Its title</source>");
                    }
                },
                (Ns::None, "guid") => self.guid(el, out),
                (Ns::None, "pubDate") => date = self.date(el, out),
                (Ns::None, "author") => contact(source, el, out),
                _ => {}
            }
        }
        if !in_channel {
            return;
        }
        if !title && !description {
            out.add(
                Rule::ItemMustContainTitleOrDescription,
                source.at(item),
                "<item> has neither a <title> nor a <description>",
            );
        }
        if let Some(date) = date {
            self.order.see(date, source.at(item), "item", out);
        }
    }

    fn guid(&mut self, el: Node<'_, '_>, out: &mut Findings) {
        let text = self.source.text(el);
        let value = text.trim();
        let at = self.source.text_at(el);
        misspelled_attributes(&self.source.attrs(el), "guid", &["isPermaLink"], out);
        let permalink = match self.source.attr(el, "isPermaLink") {
            None => true,
            Some(a) => match a.value.trim() {
                "true" => true,
                "false" => false,
                other => {
                    out.add(
                        Rule::InvalidBooleanAttribute,
                        a.offset,
                        format!(
                            "isPermaLink must be \"true\" or \"false\", not {}",
                            quoted(other)
                        ),
                    );
                    true
                }
            },
        };
        if value.is_empty() {
            out.add(Rule::NotBlank, self.source.at(el), "the <guid> is empty");
            return;
        }
        if permalink && !matches!(classify(value), UrlKind::Absolute(url) if is_http(&url)) {
            out.add(
                Rule::InvalidHttpGUID,
                at,
                format!("<guid> {} is a permalink (isPermaLink defaults to true) but not a full http(s) URL", quoted(value)),
            )
            .help("write the full URL, or add isPermaLink=\"false\" if the guid is not a link");
        }
        match self.guids.entry(value.to_string()) {
            Entry::Occupied(_) => {
                out.add(
                    Rule::DuplicateGuid,
                    at,
                    format!("<guid> {} is used by an earlier item too", quoted(value)),
                )
                .help("every item needs its own guid");
            }
            Entry::Vacant(slot) => {
                slot.insert(at);
            }
        }
    }
}

/// An `<atom:link>` in a channel: a full href; a hub link's address.
fn atom_link(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    let href = source.attr(el, "href");
    match &href {
        None => {
            out.add(Rule::MissingHref, source.at(el), "<atom:link> has no href");
        }
        Some(href) => full_link(&href.value, href.offset, "atom:link href", out),
    }
    let rel = source.attr(el, "rel");
    if rel.as_ref().is_some_and(|r| r.value.trim() == "hub")
        && let Some(href) = href
        && let Some(why) = super::hub_problem(&href.value, None)
    {
        out.add(Rule::InvalidHubLink, href.offset, why)
            .help("write the hub's full address, starting with https://");
    }
}

/// The rules that hold wherever an element is: `media:` URLs, Dublin Core
/// values, and hexadecimal references in plain text.
fn anywhere(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    let local = el.tag_name().name();
    let ns = ns_of(el);
    if ns == Ns::Media
        && matches!(local, "content" | "thumbnail")
        && let Some(url) = source.attr(el, "url")
    {
        full_link(&url.value, url.offset, &format!("media:{local} url"), out);
    }
    if ns == Ns::Dc {
        dublin_core(local, source.text(el).trim(), source.text_at(el), out);
    }
    if let Some(at) = source.named_markup(el)
        && is_plain_text(el)
    {
        out.add(
            Rule::PlainTextNotHexEncoded,
            at,
            format!(
                "<{local}> is plain text, but its & or < is written as &amp;, &lt; or in CDATA"
            ),
        )
        .help("write & as &#x26; and < as &#x3C; (RSS Best Practices Profile)");
    }
}

/// Channel elements RSS 2.0 allows once.
const CHANNEL_SINGLE: &[&str] = &[
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "docs",
    "ttl",
    "cloud",
    "image",
    "textInput",
    "pubDate",
    "lastBuildDate",
    "managingEditor",
    "webMaster",
    "generator",
    "rating",
    "skipHours",
    "skipDays",
];

/// Other channel elements RSS 0.91–2.0 define (`textinput` is 0.91's spelling).
const CHANNEL_OTHER: &[&str] = &["item", "category", "textinput"];

/// Item elements RSS 2.0 allows once.
const ITEM_SINGLE: &[&str] = &[
    "title",
    "link",
    "description",
    "author",
    "comments",
    "guid",
    "pubDate",
    "source",
];

/// Elements RSS 0.91 lacks and the version that added each, as a child
/// of `parent` (`channel` or `item`): 0.92 (Netscape's 0.91 plus UserLand's
/// additions), 0.93 and 0.94 (which 2.0 froze).
fn added_after_091(parent: &str, name: &str) -> Option<(&'static str, &'static str)> {
    const CHANNEL: [(&str, &str); 4] = [
        ("cloud", "0.92"),
        ("category", "0.94"),
        ("generator", "0.94"),
        ("ttl", "0.94"),
    ];
    const ITEM: [(&str, &str); 8] = [
        ("source", "0.92"),
        ("enclosure", "0.92"),
        ("category", "0.92"),
        ("pubDate", "0.93"),
        ("expirationDate", "0.93"),
        ("author", "0.94"),
        ("comments", "0.94"),
        ("guid", "0.94"),
    ];
    let table: &[(&'static str, &'static str)] = match parent {
        "channel" => &CHANNEL,
        "item" => &ITEM,
        _ => return None,
    };
    table.iter().copied().find(|(n, _)| *n == name)
}

/// `<cloud domain port path registerProcedure protocol/>`.
fn cloud(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    const ATTRIBUTES: [&str; 5] = ["domain", "port", "path", "registerProcedure", "protocol"];
    misspelled_attributes(&source.attrs(el), "cloud", &ATTRIBUTES, out);
    let missing: Vec<&str> = ATTRIBUTES
        .into_iter()
        .filter(|name| source.attr(el, name).is_none())
        .collect();
    if !missing.is_empty() {
        out.add(
            Rule::MissingAttribute,
            source.at(el),
            format!("<cloud> has no {}", missing.join(", no ")),
        )
        .help("a cloud needs domain, port, path, registerProcedure and protocol");
    }
    if let Some(port) = source.attr(el, "port") {
        let value = port.value.trim();
        if !value.parse::<u16>().is_ok_and(|p| p > 0) {
            out.add(
                Rule::InvalidIntegerAttribute,
                port.offset,
                format!("cloud port {} is not a port number", quoted(value)),
            )
            .help("write a port between 1 and 65535, e.g. 80");
        }
    }
    if let Some(protocol) = source.attr(el, "protocol")
        && !matches!(protocol.value.trim(), "xml-rpc" | "soap" | "http-post")
    {
        out.add(
            Rule::InvalidValue,
            protocol.offset,
            format!(
                "cloud protocol {} is not xml-rpc, soap or http-post",
                quoted(&protocol.value)
            ),
        );
    }
}

/// A whole number from 0 to `max`.
fn integer(value: &str, at: usize, what: &str, max: u64, out: &mut Findings) {
    if !value.parse::<u64>().is_ok_and(|n| n <= max) || value.starts_with('+') {
        let bound = if max == u64::MAX {
            String::new()
        } else {
            format!(" up to {max}")
        };
        out.add(
            Rule::InvalidInteger,
            at,
            format!("{what} {} is not a whole number{bound}", quoted(value)),
        );
    }
}

/// Children (in any namespace) a container must have.
fn required_children(source: &Source<'_>, el: Node<'_, '_>, names: &[&str], out: &mut Findings) {
    let local = el.tag_name().name();
    for name in names {
        if !elements(el).any(|child| child.tag_name().name() == *name) {
            out.add(
                Rule::MissingElement,
                source.at(el),
                format!("<{local}> has no <{name}>"),
            )
            .help(format!("<{local}> requires {}", names.join(", ")));
        }
    }
}

/// The local name, trimmed text and text position of each child element.
fn child_values<'a>(
    source: &'a Source<'_>,
    el: Node<'a, '_>,
) -> impl Iterator<Item = (&'a str, String, usize)> {
    elements(el).map(|child| {
        (
            child.tag_name().name(),
            source.text(child).trim().to_string(),
            source.text_at(child),
        )
    })
}

/// `<image>`: url, title and link; width up to 144, height up to 400.
fn image(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    required_children(source, el, &["url", "title", "link"], out);
    for (local, value, at) in child_values(source, el) {
        match local {
            "url" => full_link(&value, at, "image <url>", out),
            "link" => full_link(&value, at, "image <link>", out),
            "width" => integer(&value, at, "image <width>", 144, out),
            "height" => integer(&value, at, "image <height>", 400, out),
            _ => {}
        }
    }
}

/// `<skipHours>` (0–23) and `<skipDays>` (English day names): no repeats.
fn skip_list(source: &Source<'_>, el: Node<'_, '_>, child: &str, out: &mut Findings) {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut seen: Vec<String> = Vec::new();
    for (local, value, at) in child_values(source, el) {
        if local != child {
            continue;
        }
        let valid = match child {
            "hour" => value.parse::<u8>().is_ok_and(|h| h <= 23),
            _ => DAYS.contains(&value.as_str()),
        };
        if !valid {
            let allowed = if child == "hour" {
                "a whole number from 0 to 23"
            } else {
                "an English day name such as Saturday"
            };
            out.add(
                Rule::InvalidValue,
                at,
                format!("<{child}> {} is not {allowed}", quoted(&value)),
            );
        } else if seen.contains(&value) {
            out.add(
                Rule::DuplicateValue,
                at,
                format!(
                    "<{child}> {} is listed twice in <{}>",
                    quoted(&value),
                    el.tag_name().name()
                ),
            )
            .help("list each value once");
        } else {
            seen.push(value);
        }
    }
}

/// A `<language>` (channel or Dublin Core), whose trimmed text is `value`.
fn language(local: &str, value: &str, at: usize, out: &mut Findings) {
    if !is_language_tag(value) {
        out.add(
            Rule::InvalidLanguage,
            at,
            format!("<{local}> {} is not a language code", quoted(value)),
        )
        .help("write a code such as en, en-us or pt-BR");
    }
}

/// Dublin Core elements with a defined format: `dc:date`, `dc:language`.
/// `local` is the element's local name, `value` its trimmed text at `at`.
pub(super) fn dublin_core(local: &str, value: &str, at: usize, out: &mut Findings) {
    match local {
        "date" if !is_w3cdtf(value) => {
            out.add(
                Rule::InvalidW3CDTFDate,
                at,
                format!("<dc:date> {} is not a W3C-DTF date", quoted(value)),
            )
            .help(
                "write a date such as 2024-03-25T10:00:00Z (with a time zone when there is a time)",
            );
        }
        "language" => language(local, value, at, out),
        _ => {}
    }
}

/// W3C-DTF (a profile of ISO 8601): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a
/// date with `Thh:mm[:ss[.s]]` and a time zone.
fn is_w3cdtf(value: &str) -> bool {
    use chrono::NaiveDate;

    let (date, time) = match value.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (value, None),
    };
    let date_ok = match date.len() {
        4 => date.bytes().all(|b| b.is_ascii_digit()),
        7 => NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d").is_ok(),
        10 => NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        _ => false,
    };
    match time {
        None => date_ok,
        Some(_) if date.len() != 10 => false,
        Some(_) => {
            date_ok && (DateTime::parse_from_rfc3339(value).is_ok() || hh_mm_with_zone(value))
        }
    }
}

/// `YYYY-MM-DDThh:mmTZD` (no seconds), which RFC 3339 lacks.
fn hh_mm_with_zone(value: &str) -> bool {
    value.len() > 16 && {
        let (head, zone) = value.split_at(16);
        DateTime::parse_from_rfc3339(&format!("{head}:00{zone}")).is_ok()
    }
}

/// Whether an RSS element holds plain text rather than HTML: titles,
/// categories, `dc:creator` and the channel description.
fn is_plain_text(el: Node<'_, '_>) -> bool {
    match (ns_of(el), el.tag_name().name()) {
        (Ns::None, "title" | "category") | (Ns::Dc, "creator") => true,
        (Ns::None, "description") => el
            .parent_element()
            .is_some_and(|p| is(p, Ns::None, "channel")),
        _ => false,
    }
}

/// RSS links must be absolute URLs.
pub(super) fn full_link(value: &str, at: usize, what: &str, out: &mut Findings) {
    match classify(value) {
        UrlKind::Absolute(_) => {}
        UrlKind::Relative => {
            out.add(
                Rule::InvalidFullLink,
                at,
                format!(
                    "{what} {} is relative; RSS needs absolute URLs",
                    quoted(value.trim())
                ),
            )
            .help("write the full URL, starting with https://");
        }
        UrlKind::Invalid(why) => {
            out.add(
                Rule::InvalidFullLink,
                at,
                format!("{what} {} is not a URL: {why}", quoted(value.trim())),
            );
        }
    }
}

/// `author`, `managingEditor` and `webMaster` hold an email address.
fn contact(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    let text = source.text(el);
    let value = text.trim();
    let local = el.tag_name().name();
    if let Some(address) = value
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map(|_| &value[7..])
    {
        let address = address.split('?').next().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(address).decode_utf8_lossy();
        if contains_email(&decoded) {
            out.add(
                Rule::MailtoContact,
                source.text_at(el),
                format!(
                    "<{local}> {} is a mailto: URI, not an email address",
                    quoted(value)
                ),
            )
            .help("write the address itself, e.g. jane@example.com (Jane Doe)");
            return;
        }
    }
    if !contains_email(value) {
        out.add(
            Rule::InvalidContact,
            source.text_at(el),
            format!("<{local}> {} is not an email address", quoted(value)),
        )
        .help("write an email address such as jane@example.com (Jane Doe); put a plain name in <dc:creator>");
    }
}

/// `<enclosure url length type/>`.
fn enclosure(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    const ATTRIBUTES: [&str; 3] = ["url", "length", "type"];
    misspelled_attributes(&source.attrs(el), "enclosure", &ATTRIBUTES, out);
    let missing: Vec<&str> = ATTRIBUTES
        .into_iter()
        .filter(|name| source.attr(el, name).is_none())
        .collect();
    if !missing.is_empty() {
        out.add(
            Rule::MissingAttribute,
            source.at(el),
            format!("<enclosure> has no {}", missing.join(", no ")),
        )
        .help("RSS 2.0 requires url, length (in bytes, 0 when unknown) and type");
    }
    if let Some(url) = source.attr(el, "url") {
        full_link(&url.value, url.offset, "enclosure url", out);
    }
    if let Some(length) = source.attr(el, "length") {
        let value = length.value.trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            out.add(
                Rule::InvalidIntegerAttribute,
                length.offset,
                format!(
                    "enclosure length {} is not a whole number of bytes",
                    quoted(value)
                ),
            )
            .help("write the size in bytes, or 0 when it is unknown");
        }
    }
    if let Some(kind) = source.attr(el, "type")
        && !is_mime(&kind.value)
    {
        out.add(
            Rule::InvalidMIMEAttribute,
            kind.offset,
            format!("enclosure type {} is not a MIME type", quoted(&kind.value)),
        )
        .help("write a MIME type such as audio/mpeg or image/jpeg");
    }
}

/// Report attributes (`attrs` of an element named `element`) named like one
/// of `defined` in another case (`ispermalink`): the defined attribute is
/// then missing to every reader.
fn misspelled_attributes(attrs: &[Attr], element: &str, defined: &[&str], out: &mut Findings) {
    for attr in attrs.iter().filter(|a| a.ns == Ns::None) {
        if let Some(name) = defined
            .iter()
            .find(|d| **d != attr.local && d.eq_ignore_ascii_case(&attr.local))
        {
            out.add(
                Rule::MisspelledAttribute,
                attr.offset,
                format!(
                    "<{}> has an attribute {}, which readers ignore: attribute names are case-sensitive",
                    element, attr.local
                ),
            )
            .help(format!("write {name}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::{Options, Profile, validate_feed};
    use chrono::{DateTime, Utc};
    use std::path::Path;

    const CHANNEL_HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>T</title>
<link>https://example.com/</link>
<description>D</description>
<atom:link href="https://example.com/feeds/rss.xml" rel="self" type="application/rss+xml"/>
"#;

    fn feed(items: &str) -> String {
        format!("{CHANNEL_HEAD}{items}</channel>\n</rss>\n")
    }

    fn now() -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")
            .ok()
            .map(|d| d.with_timezone(&Utc))
    }

    /// (code, line, column) of every diagnostic.
    fn found(doc: &str) -> Vec<(String, usize, usize)> {
        validate_feed(
            Path::new("rss.xml"),
            doc.as_bytes(),
            &Options {
                now: now(),
                ..Options::default()
            },
        )
        .into_iter()
        .map(|d| {
            (
                d.code.unwrap_or_default(),
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
            )
        })
        .collect()
    }

    fn codes(doc: &str) -> Vec<String> {
        found(doc).into_iter().map(|(c, ..)| c).collect()
    }

    const GOOD_ITEM: &str = r#"<item>
<title>A</title>
<link>https://example.com/a/</link>
<description>&lt;p&gt;Hi&lt;/p&gt;</description>
<guid isPermaLink="true">https://example.com/a/</guid>
<pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>
<enclosure url="https://example.com/a.mp3" length="0" type="audio/mpeg"/>
<content:encoded>&lt;p&gt;Hi &lt;a href="https://example.com/"&gt;there&lt;/a&gt;&lt;/p&gt;</content:encoded>
</item>
"#;

    #[test]
    fn a_clean_channel_has_no_findings() {
        assert_eq!(found(&feed("")), vec![]);
        assert_eq!(found(&feed(GOOD_ITEM)), vec![]);
    }

    #[test]
    fn item_rules_one_defect_each() {
        let cases = [
            (
                "<pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>",
                "<pubDate>Mon, 25 Mar 24 10:00:00 +0000</pubDate>",
                "ProblematicalRFC822Date",
            ),
            (
                "<pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>",
                "<pubDate>Tue, 25 Mar 2024 10:00:00 +0000</pubDate>",
                "IncorrectDOW",
            ),
            (
                "<pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>",
                "<pubDate>Mon, 25 Mar 2030 10:00:00 +0000</pubDate>",
                "FutureDate",
            ),
            (
                "<link>https://example.com/a/</link>",
                "<link>/a/</link>",
                "InvalidFullLink",
            ),
            (
                "<guid isPermaLink=\"true\">https://example.com/a/</guid>",
                "<guid>post-17</guid>",
                "InvalidHttpGUID",
            ),
            (
                "<guid isPermaLink=\"true\">",
                "<guid isPermaLink=\"yes\">",
                "InvalidBooleanAttribute",
            ),
            (" length=\"0\"", "", "MissingAttribute"),
            (
                "length=\"0\"",
                "length=\"12 kB\"",
                "InvalidIntegerAttribute",
            ),
            (
                "type=\"audio/mpeg\"",
                "type=\"mp3\"",
                "InvalidMIMEAttribute",
            ),
            (
                "url=\"https://example.com/a.mp3\"",
                "url=\"a.mp3\"",
                "InvalidFullLink",
            ),
            (
                "<title>A</title>",
                "<title>A</title><author>Jane Doe</author>",
                "InvalidContact",
            ),
            (
                "&lt;p&gt;Hi&lt;/p&gt;",
                "&lt;p onclick=\"x()\"&gt;Hi&lt;/p&gt;",
                "ContainsScript",
            ),
            (
                "&lt;p&gt;Hi &lt;a",
                "&lt;script&gt;x()&lt;/script&gt;&lt;a",
                "ContainsScript",
            ),
            ("&lt;p&gt;Hi&lt;/p&gt;", "<p>Hi</p>", "NotHtml"),
        ];
        for (from, to, code) in cases {
            let item = GOOD_ITEM.replacen(from, to, 1);
            assert_ne!(item, GOOD_ITEM, "{from} not found");
            assert_eq!(codes(&feed(&item)), vec![code.to_string()], "{to}");
        }
    }

    #[test]
    fn content_before_description_is_a_warning() {
        let item = "<item><title>A</title><content:encoded>x</content:encoded><description>d</description></item>";
        assert_eq!(codes(&feed(item)), ["NeedDescriptionBeforeContent"]);
        let item = "<item><title>A</title><description>d</description><content:encoded>x</content:encoded></item>";
        assert_eq!(codes(&feed(item)), Vec::<String>::new());
    }

    #[test]
    fn items_need_a_title_or_description() {
        let cases = [
            ("<item><title>t</title></item>", vec![]),
            ("<item><description>d</description></item>", vec![]),
            // #13: a blank title is present (a warning), not missing (an error).
            (
                "<item><title> </title><description></description></item>",
                vec!["NotBlank"],
            ),
            (
                "<item><link>https://example.com/</link></item>",
                vec!["ItemMustContainTitleOrDescription"],
            ),
        ];
        for (item, expected) in cases {
            assert_eq!(codes(&feed(item)), expected, "{item}");
        }
    }

    #[test]
    fn duplicate_guids_and_sorting() {
        let item = |guid: &str, date: &str| {
            format!(
                "<item><title>x</title><guid isPermaLink=\"false\">{guid}</guid><pubDate>{date}</pubDate></item>\n"
            )
        };
        let dup = item("a", "Mon, 25 Mar 2024 10:00:00 +0000")
            + &item("a", "Sun, 24 Mar 2024 10:00:00 +0000");
        assert_eq!(codes(&feed(&dup)), ["DuplicateGuid"]);
        let unsorted = item("a", "Sun, 24 Mar 2024 10:00:00 +0000")
            + &item("b", "Mon, 25 Mar 2024 10:00:00 +0000");
        let found = found(&feed(&unsorted));
        // The second item, on line 9, is the one out of order.
        assert_eq!(found, vec![("ItemsNotSorted".to_string(), 9, 1)]);
    }

    #[test]
    fn channel_requirements() {
        let cases = [
            ("<title>T</title>\n", "", vec!["MissingElement"]),
            (
                "<link>https://example.com/</link>\n",
                "",
                vec!["MissingElement"],
            ),
            ("<description>D</description>\n", "", vec!["MissingElement"]),
            ("<title>T</title>", "<title></title>", vec!["NotBlank"]),
            (
                "<link>https://example.com/</link>",
                "<link>example.com</link>",
                vec!["InvalidFullLink"],
            ),
            (
                "<atom:link href=\"https://example.com/feeds/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n",
                "",
                vec!["MissingAtomSelfLink"],
            ),
            (
                "href=\"https://example.com/feeds/rss.xml\"",
                "href=\"/feeds/rss.xml\"",
                vec!["InvalidFullLink"],
            ),
            (
                "<description>D</description>",
                "<description>D</description><webMaster>Webmaster</webMaster>",
                vec!["InvalidContact"],
            ),
            (
                "<description>D</description>",
                "<description>D</description><lastBuildDate>1 Jan 1970 00:00:00 GMT</lastBuildDate>",
                vec!["ImplausibleDate"],
            ),
            (
                "version=\"2.0\"",
                "version=\"3.0\"",
                vec!["InvalidRSSVersion"],
            ),
            ("version=\"2.0\"", "", vec!["MissingAttribute"]),
        ];
        for (from, to, expected) in cases {
            let doc = feed(GOOD_ITEM).replacen(from, to, 1);
            assert_ne!(doc, feed(GOOD_ITEM), "{from} not found");
            assert_eq!(codes(&doc), expected, "{from} -> {to}");
        }
        let no_channel = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"></rss>";
        assert_eq!(codes(no_channel), ["MissingElement"]);
    }

    /// (code, is error) of every diagnostic under a profile.
    fn severities(doc: &str, profile: Profile) -> Vec<(String, bool)> {
        validate_feed(
            Path::new("rss.xml"),
            doc.as_bytes(),
            &Options {
                now: now(),
                profile,
            },
        )
        .into_iter()
        .map(|d| (d.code.clone().unwrap_or_default(), d.is_error()))
        .collect()
    }

    #[test]
    fn advisory_findings_warn_in_check_and_block_the_gate() {
        // #13: what the specifications only advise against is a warning for
        // any feed, and an error for feedpub's own output.
        let cases = [
            (
                "&lt;p&gt;Hi&lt;/p&gt;",
                "&lt;script&gt;x()&lt;/script&gt;",
                "ContainsScript",
            ),
            (
                "Mon, 25 Mar 2024 10:00:00 +0000",
                "Mon, 25 Mar 24 10:00:00 +0000",
                "ProblematicalRFC822Date",
            ),
        ];
        for (from, to, code) in cases {
            let doc = feed(&GOOD_ITEM.replacen(from, to, 1));
            assert_eq!(
                severities(&doc, Profile::Check),
                [(code.to_string(), false)]
            );
            assert_eq!(severities(&doc, Profile::Gate), [(code.to_string(), true)]);
        }
    }

    #[test]
    fn mailto_contacts_are_a_warning() {
        for contact in [
            "mailto:jane@example.com",
            "MAILTO:jane%40example.com?subject=Hi",
        ] {
            let doc = feed(&GOOD_ITEM.replacen(
                "<title>A</title>",
                &format!("<title>A</title><author>{contact}</author>"),
                1,
            ));
            assert_eq!(
                severities(&doc, Profile::Check),
                [("MailtoContact".to_string(), false)],
                "{contact}"
            );
        }
    }

    #[test]
    fn plain_text_must_use_hex_references_in_the_gate_only() {
        // #13: `&amp;`/`&lt;` in plain-text elements is how feedpub used to
        // write them; the gate now requires `&#x26;`/`&#x3C;`.
        let cases = [
            ("<title>T</title>", "<title>T &amp; U</title>", true),
            ("<title>A</title>", "<title>A &lt; B</title>", true),
            ("<title>A</title>", "<title><![CDATA[A & B]]></title>", true),
            (
                "<description>D</description>",
                "<description>D &amp; E</description>",
                true,
            ),
            (
                "<title>A</title>",
                "<title>A</title><category>R&amp;D</category>",
                true,
            ),
            (
                "<title>A</title>",
                "<title>A &#x26; B &#x3C; C &gt; D</title>",
                false,
            ),
            // An item description is HTML: escaping it by name is right.
            (
                "&lt;p&gt;Hi&lt;/p&gt;",
                "&lt;p&gt;R&amp;amp;D&lt;/p&gt;",
                false,
            ),
        ];
        for (from, to, flagged) in cases {
            let doc = feed(GOOD_ITEM).replacen(from, to, 1);
            assert_ne!(doc, feed(GOOD_ITEM), "{from}");
            assert_eq!(severities(&doc, Profile::Check), [], "{to}");
            let gate = severities(&doc, Profile::Gate);
            let expected = if flagged {
                vec![("PlainTextNotHexEncoded".to_string(), true)]
            } else {
                vec![]
            };
            assert_eq!(gate, expected, "{to}");
        }
    }

    #[test]
    fn date_findings_point_at_the_date_text() {
        let item = "<item><title>x</title>\n  <pubDate>25 Mar 24 10:00 GMT</pubDate></item>";
        // Line 9 of the document, after two spaces and "<pubDate>".
        assert_eq!(
            found(&feed(item)),
            vec![("ProblematicalRFC822Date".to_string(), 9, 12)]
        );
    }
}
