//! RSS 2.0 rules: the rssboard specification and the RSS Best Practices Profile.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, FixedOffset, Utc};

use super::html::check_html;
use super::links::{UrlKind, classify, contains_email, is_http, is_mime};
use super::timeline::{NewestFirst, check_timeline, date_rule};
use super::xml::{Frame, Ns, Rules};
use super::{Findings, Options, Rule, duplicate, is_language_tag, quoted};
use crate::dates::parse_rfc822;

/// What has been seen of the channel so far.
#[derive(Debug)]
struct Channel {
    offset: usize,
    title: bool,
    link: bool,
    description: bool,
    self_link: bool,
}

/// What has been seen of the current item so far.
#[derive(Debug)]
struct Item {
    offset: usize,
    title: bool,
    description: bool,
    description_started: bool,
    date: Option<DateTime<FixedOffset>>,
}

/// State of the RSS rules while the document streams past.
#[derive(Debug)]
pub(super) struct RssRules {
    now: Option<DateTime<Utc>>,
    channels: usize,
    channel: Option<Channel>,
    item: Option<Item>,
    guids: HashMap<String, usize>,
    order: NewestFirst,
    /// The `version` attribute of `<rss>`, trimmed.
    version: String,
    /// Elements already reported as newer than `version` (once each).
    newer_reported: Vec<&'static str>,
}

impl RssRules {
    /// Rules for one document.
    pub(super) fn new(options: &Options) -> Self {
        RssRules {
            now: options.now,
            channels: 0,
            channel: None,
            item: None,
            guids: HashMap::new(),
            order: NewestFirst::default(),
            version: String::new(),
            newer_reported: Vec::new(),
        }
    }

    /// Report `el` (a child of `parent`) once when the declared version
    /// predates it.
    fn newer_than_version(&mut self, el: &Frame, parent: &str, out: &mut Findings) {
        let Some((name, added)) = added_after_091(parent, &el.local) else {
            return;
        };
        let older = matches!(self.version.as_str(), "0.91" | "0.92" | "0.93");
        if !older || self.version.as_str() >= added || self.newer_reported.contains(&name) {
            return;
        }
        self.newer_reported.push(name);
        out.add(
            Rule::ElementNotInVersion,
            el.offset,
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

    fn date(&self, el: &Frame, out: &mut Findings) -> Option<DateTime<FixedOffset>> {
        match parse_rfc822(el.value()) {
            Ok(parsed) => {
                if parsed
                    .obsolete
                    .as_deref()
                    .is_some_and(|o| o.contains("four digits"))
                {
                    out.add(
                        Rule::ProblematicalRFC822Date,
                        el.text_at(),
                        format!(
                            "<{}>: \"{}\" has a two-digit year, which RFC 822 allows but readers may misread",
                            el.local,
                            el.value()
                        ),
                    )
                    .help("write all four digits: \"Mon, 25 Mar 2024 10:00:00 +0000\"");
                }
                check_timeline(&parsed.date, el.text_at(), self.now, out);
                Some(parsed.date)
            }
            Err(e) => {
                out.add(
                    date_rule(&e, Rule::InvalidRFC2822Date),
                    el.text_at(),
                    format!("<{}>: {}", el.local, e.message),
                )
                .help("write RFC 822 dates such as \"Mon, 25 Mar 2024 10:00:00 +0000\"");
                None
            }
        }
    }

    fn root(el: &Frame, out: &mut Findings) {
        match el.attr("version") {
            None => {
                out.add(
                    Rule::MissingAttribute,
                    el.offset,
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

    fn atom_link(&mut self, el: &Frame, out: &mut Findings) {
        match el.attr("href") {
            None => {
                out.add(Rule::MissingHref, el.offset, "<atom:link> has no href");
            }
            Some(href) => full_link(&href.value, href.offset, "atom:link href", out),
        }
        let rel = el.attr("rel").map_or("alternate", |r| r.value.trim());
        if rel == "hub"
            && let Some(href) = el.attr("href")
            && let Some(why) = super::hub_problem(&href.value, None)
        {
            out.add(Rule::InvalidHubLink, href.offset, why)
                .help("write the hub's full address, starting with https://");
        }
        if rel == "self"
            && let Some(channel) = self.channel.as_mut()
        {
            channel.self_link = true;
        }
    }

    fn channel_end(&mut self, el: &Frame, out: &mut Findings) {
        let Some(channel) = self.channel.take() else {
            return;
        };
        for (present, name) in [
            (channel.title, "title"),
            (channel.link, "link"),
            (channel.description, "description"),
        ] {
            if !present {
                out.add(
                    Rule::MissingElement,
                    channel.offset,
                    format!("<channel> has no <{name}>"),
                )
                .help("RSS 2.0 requires title, link and description in every channel");
            }
        }
        if !channel.self_link {
            out.add(
                Rule::MissingAtomSelfLink,
                el.offset,
                "<channel> has no <atom:link rel=\"self\">",
            )
            .help("add <atom:link href=\"URL of this feed\" rel=\"self\" type=\"application/rss+xml\"/>, with xmlns:atom=\"http://www.w3.org/2005/Atom\" on <rss>");
        }
    }

    fn channel_child_end(&mut self, el: &Frame, out: &mut Findings) {
        if el.ns != Ns::None {
            return;
        }
        match el.local.as_str() {
            "title" => {
                if el.value().is_empty() {
                    out.add(Rule::NotBlank, el.offset, "the channel <title> is empty");
                }
                if let Some(channel) = self.channel.as_mut() {
                    channel.title = true;
                }
            }
            "link" => {
                full_link(el.value(), el.text_at(), "channel <link>", out);
                if let Some(channel) = self.channel.as_mut() {
                    channel.link = true;
                }
            }
            "description" => {
                if let Some(channel) = self.channel.as_mut() {
                    channel.description = true;
                }
            }
            "pubDate" | "lastBuildDate" => {
                self.date(el, out);
            }
            "managingEditor" | "webMaster" => contact(el, out),
            "item" => self.item_end(out),
            "docs" => full_link(el.value(), el.text_at(), "<docs>", out),
            "language" => language(el, out),
            "ttl" => integer(el.value(), el.text_at(), "<ttl> (minutes)", u64::MAX, out),
            "image" => image(el, out),
            "textInput" | "textinput" => {
                required_children(el, &["title", "description", "name", "link"], out)
            }
            "skipHours" => skip_list(el, "hour", out),
            "skipDays" => skip_list(el, "day", out),
            _ => {}
        }
    }

    fn item_child_start(&mut self, el: &Frame, out: &mut Findings) {
        let Some(item) = self.item.as_mut() else {
            return;
        };
        match (el.ns, el.local.as_str()) {
            (Ns::None, "description") => item.description_started = true,
            (Ns::Content, "encoded") if !item.description_started => {
                out.add(
                    Rule::NeedDescriptionBeforeContent,
                    el.offset,
                    "<content:encoded> comes before (or without) <description>",
                )
                .help("put a <description> (a summary) before <content:encoded>");
            }
            (Ns::None, "enclosure") => enclosure(el, out),
            _ => {}
        }
    }

    fn item_child_end(&mut self, el: &Frame, out: &mut Findings) {
        match (el.ns, el.local.as_str()) {
            (Ns::None, "title") => {
                // A blank title is still a title: RSS only requires one of
                // title or description to be present.
                if el.value().is_empty() {
                    out.add(Rule::NotBlank, el.offset, "the item <title> is empty")
                        .help("write a title, or leave the element out");
                }
                if let Some(item) = self.item.as_mut() {
                    item.title = true;
                }
            }
            (Ns::None, "description") => {
                check_html(el, "<description>", out);
                if let Some(item) = self.item.as_mut() {
                    item.description |= !el.value().is_empty();
                }
            }
            (Ns::Content, "encoded") => check_html(el, "<content:encoded>", out),
            (Ns::None, "link") => full_link(el.value(), el.text_at(), "item <link>", out),
            (Ns::None, "comments") => full_link(el.value(), el.text_at(), "<comments>", out),
            (Ns::None, "source") => match el.attr("url") {
                Some(url) => full_link(&url.value, url.offset, "<source> url", out),
                None => {
                    out.add(Rule::MissingAttribute, el.offset, "<source> has no url")
                        .help("write <source url=\"URL of the feed the item came from\">Its title</source>");
                }
            },
            (Ns::None, "guid") => self.guid(el, out),
            (Ns::None, "pubDate") => {
                let date = self.date(el, out);
                if let Some(item) = self.item.as_mut() {
                    item.date = date;
                }
            }
            (Ns::None, "author") => contact(el, out),
            _ => {}
        }
    }

    fn guid(&mut self, el: &Frame, out: &mut Findings) {
        let value = el.value();
        misspelled_attributes(el, &["isPermaLink"], out);
        let permalink = match el.attr("isPermaLink") {
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
            out.add(Rule::NotBlank, el.offset, "the <guid> is empty");
            return;
        }
        if permalink && !matches!(classify(value), UrlKind::Absolute(url) if is_http(&url)) {
            out.add(
                Rule::InvalidHttpGUID,
                el.text_at(),
                format!("<guid> {} is a permalink (isPermaLink defaults to true) but not a full http(s) URL", quoted(value)),
            )
            .help("write the full URL, or add isPermaLink=\"false\" if the guid is not a link");
        }
        match self.guids.entry(value.to_string()) {
            Entry::Occupied(_) => {
                out.add(
                    Rule::DuplicateGuid,
                    el.text_at(),
                    format!("<guid> {} is used by an earlier item too", quoted(value)),
                )
                .help("every item needs its own guid");
            }
            Entry::Vacant(slot) => {
                slot.insert(el.text_at());
            }
        }
    }

    fn item_end(&mut self, out: &mut Findings) {
        let Some(item) = self.item.take() else {
            return;
        };
        if !item.title && !item.description {
            out.add(
                Rule::ItemMustContainTitleOrDescription,
                item.offset,
                "<item> has neither a <title> nor a <description>",
            );
        }
        if let Some(date) = item.date {
            self.order.see(date, item.offset, "item", out);
        }
    }
}

impl Rules for RssRules {
    fn start(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        match parents.len() {
            0 => {
                Self::root(el, out);
                self.version = el
                    .attr("version")
                    .map_or(String::new(), |v| v.value.trim().to_string());
            }
            1 if el.is(Ns::None, "channel") => {
                self.channels += 1;
                self.channel = Some(Channel {
                    offset: el.offset,
                    title: false,
                    link: false,
                    description: false,
                    self_link: false,
                });
            }
            2 if parents[1].is(Ns::None, "channel") => {
                if el.ns == Ns::None {
                    self.newer_than_version(el, "channel", out);
                    if CHANNEL_SINGLE.contains(&el.local.as_str()) {
                        duplicate(el, "channel", out);
                    } else if !CHANNEL_OTHER.contains(&el.local.as_str()) {
                        out.add(
                            Rule::UnknownElement,
                            el.offset,
                            format!("RSS defines no <{}> in a <channel>", el.local),
                        )
                        .help("check the spelling (element names are case-sensitive), or put extensions in their own namespace");
                    }
                }
                if el.is(Ns::None, "cloud") {
                    cloud(el, out);
                }
                if el.is(Ns::None, "item") {
                    self.item = Some(Item {
                        offset: el.offset,
                        title: false,
                        description: false,
                        description_started: false,
                        date: None,
                    });
                } else if el.is(Ns::Atom, "link") {
                    self.atom_link(el, out);
                }
            }
            3 if parents[2].is(Ns::None, "item") => {
                if el.ns == Ns::None {
                    self.newer_than_version(el, "item", out);
                }
                if el.ns == Ns::None && ITEM_SINGLE.contains(&el.local.as_str()) {
                    duplicate(el, "item", out);
                }
                self.item_child_start(el, out);
            }
            _ => {}
        }
        if el.ns == Ns::Media
            && matches!(el.local.as_str(), "content" | "thumbnail")
            && let Some(url) = el.attr("url")
        {
            full_link(
                &url.value,
                url.offset,
                &format!("media:{} url", el.local),
                out,
            );
        }
    }

    fn end(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        if el.ns == Ns::Dc {
            dublin_core(el, out);
        }
        if let Some(at) = el.named_markup
            && is_plain_text(el, parents.last())
        {
            out.add(
                Rule::PlainTextNotHexEncoded,
                at,
                format!(
                    "<{}> is plain text, but its & or < is written as &amp;, &lt; or in CDATA",
                    el.local
                ),
            )
            .help("write & as &#x26; and < as &#x3C; (RSS Best Practices Profile)");
        }
        match parents.len() {
            0 if self.channels == 0 => {
                out.add(Rule::MissingElement, el.offset, "<rss> has no <channel>");
            }
            1 if el.is(Ns::None, "channel") => self.channel_end(el, out),
            2 if parents[1].is(Ns::None, "channel") => self.channel_child_end(el, out),
            3 if parents[2].is(Ns::None, "item") => self.item_child_end(el, out),
            _ => {}
        }
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
fn cloud(el: &Frame, out: &mut Findings) {
    const ATTRIBUTES: [&str; 5] = ["domain", "port", "path", "registerProcedure", "protocol"];
    misspelled_attributes(el, &ATTRIBUTES, out);
    let missing: Vec<&str> = ATTRIBUTES
        .into_iter()
        .filter(|name| el.attr(name).is_none())
        .collect();
    if !missing.is_empty() {
        out.add(
            Rule::MissingAttribute,
            el.offset,
            format!("<cloud> has no {}", missing.join(", no ")),
        )
        .help("a cloud needs domain, port, path, registerProcedure and protocol");
    }
    if let Some(port) = el.attr("port") {
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
    if let Some(protocol) = el.attr("protocol")
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

/// Children a container must have, from its collected values.
fn required_children(el: &Frame, names: &[&str], out: &mut Findings) {
    for name in names {
        if !el.child_values.iter().any(|(local, ..)| local == name) {
            out.add(
                Rule::MissingElement,
                el.offset,
                format!("<{}> has no <{name}>", el.local),
            )
            .help(format!("<{}> requires {}", el.local, names.join(", ")));
        }
    }
}

/// `<image>`: url, title and link; width up to 144, height up to 400.
fn image(el: &Frame, out: &mut Findings) {
    required_children(el, &["url", "title", "link"], out);
    for (local, value, at) in &el.child_values {
        match local.as_str() {
            "url" => full_link(value, *at, "image <url>", out),
            "link" => full_link(value, *at, "image <link>", out),
            "width" => integer(value, *at, "image <width>", 144, out),
            "height" => integer(value, *at, "image <height>", 400, out),
            _ => {}
        }
    }
}

/// `<skipHours>` (0–23) and `<skipDays>` (English day names): no repeats.
fn skip_list(el: &Frame, child: &str, out: &mut Findings) {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut seen: Vec<&str> = Vec::new();
    for (local, value, at) in &el.child_values {
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
                *at,
                format!("<{child}> {} is not {allowed}", quoted(value)),
            );
        } else if seen.contains(&value.as_str()) {
            out.add(
                Rule::DuplicateValue,
                *at,
                format!(
                    "<{child}> {} is listed twice in <{}>",
                    quoted(value),
                    el.local
                ),
            )
            .help("list each value once");
        } else {
            seen.push(value);
        }
    }
}

/// A channel `<language>`.
fn language(el: &Frame, out: &mut Findings) {
    if !is_language_tag(el.value()) {
        out.add(
            Rule::InvalidLanguage,
            el.text_at(),
            format!(
                "<{}> {} is not a language code",
                el.local,
                quoted(el.value())
            ),
        )
        .help("write a code such as en, en-us or pt-BR");
    }
}

/// Dublin Core elements with a defined format: `dc:date`, `dc:language`.
pub(super) fn dublin_core(el: &Frame, out: &mut Findings) {
    match el.local.as_str() {
        "date" if !is_w3cdtf(el.value()) => {
            out.add(
                Rule::InvalidW3CDTFDate,
                el.text_at(),
                format!("<dc:date> {} is not a W3C-DTF date", quoted(el.value())),
            )
            .help(
                "write a date such as 2024-03-25T10:00:00Z (with a time zone when there is a time)",
            );
        }
        "language" => language(el, out),
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
fn is_plain_text(el: &Frame, parent: Option<&Frame>) -> bool {
    match (el.ns, el.local.as_str()) {
        (Ns::None, "title" | "category") | (Ns::Dc, "creator") => true,
        (Ns::None, "description") => parent.is_some_and(|p| p.is(Ns::None, "channel")),
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
fn contact(el: &Frame, out: &mut Findings) {
    let value = el.value();
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
                el.text_at(),
                format!(
                    "<{}> {} is a mailto: URI, not an email address",
                    el.local,
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
            el.text_at(),
            format!("<{}> {} is not an email address", el.local, quoted(el.value())),
        )
        .help("write an email address such as jane@example.com (Jane Doe); put a plain name in <dc:creator>");
    }
}

fn enclosure(el: &Frame, out: &mut Findings) {
    const ATTRIBUTES: [&str; 3] = ["url", "length", "type"];
    misspelled_attributes(el, &ATTRIBUTES, out);
    let missing: Vec<&str> = ATTRIBUTES
        .into_iter()
        .filter(|name| el.attr(name).is_none())
        .collect();
    if !missing.is_empty() {
        out.add(
            Rule::MissingAttribute,
            el.offset,
            format!("<enclosure> has no {}", missing.join(", no ")),
        )
        .help("RSS 2.0 requires url, length (in bytes, 0 when unknown) and type");
    }
    if let Some(url) = el.attr("url") {
        full_link(&url.value, url.offset, "enclosure url", out);
    }
    if let Some(length) = el.attr("length") {
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
    if let Some(kind) = el.attr("type")
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

/// Report attributes of `el` named like one of `defined` in another case
/// (`ispermalink`): the defined attribute is then missing to every reader.
fn misspelled_attributes(el: &Frame, defined: &[&str], out: &mut Findings) {
    for attr in el.attrs.iter().filter(|a| a.ns == Ns::None) {
        if let Some(name) = defined
            .iter()
            .find(|d| **d != attr.local && d.eq_ignore_ascii_case(&attr.local))
        {
            out.add(
                Rule::MisspelledAttribute,
                attr.offset,
                format!(
                    "<{}> has an attribute {}, which readers ignore: attribute names are case-sensitive",
                    el.local, attr.local
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
