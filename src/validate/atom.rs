//! Atom 1.0 rules (RFC 4287).

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use chrono::{DateTime, FixedOffset, Utc};
use url::Url;

use super::html::{attribute_risk, check_html};
use super::links::{UrlKind, classify, is_mime, resolve};
use super::timeline::{NewestFirst, check_timeline, date_rule};
use super::xml::{Frame, Ns, Rules};
use super::{Findings, Options, Rule, duplicate, is_language_tag, quoted};
use crate::dates::parse_rfc3339;

/// Where an Atom element sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A child of `<feed>`.
    Feed,
    /// A child of `<entry>`.
    Entry,
    /// A child of `<entry><source>`.
    Source,
    /// Anywhere else.
    Other,
}

fn scope(parents: &[Frame]) -> Scope {
    if parents
        .first()
        .is_some_and(|root| root.is(Ns::Atom, "entry"))
    {
        // An Atom Entry Document: the root is the entry.
        return match parents.len() {
            1 => Scope::Entry,
            2 if parents[1].is(Ns::Atom, "source") => Scope::Source,
            _ => Scope::Other,
        };
    }
    let entry = parents.get(1).is_some_and(|p| p.is(Ns::Atom, "entry"));
    match parents.len() {
        1 => Scope::Feed,
        2 if entry => Scope::Entry,
        3 if entry && parents[2].is(Ns::Atom, "source") => Scope::Source,
        _ => Scope::Other,
    }
}

/// What has been seen of the feed's own metadata.
#[derive(Debug, Default)]
struct Head {
    id: bool,
    title: bool,
    updated: bool,
    author: bool,
    self_link: bool,
    alternates: Vec<(String, String)>,
}

/// What has been seen of the current entry.
#[derive(Debug, Default)]
struct Entry {
    offset: usize,
    id: Option<String>,
    id_seen: bool,
    title: bool,
    updated_seen: bool,
    updated: Option<DateTime<FixedOffset>>,
    published: Option<DateTime<FixedOffset>>,
    author: bool,
    content: bool,
    alternate: bool,
    summary: bool,
    /// Where a `content` with `src` or base64 data is: it needs a summary.
    needs_summary: Option<usize>,
    /// `(type, hreflang)` of the alternate links so far.
    alternates: Vec<(String, String)>,
}

/// Inside a `type="xhtml"` text construct.
#[derive(Debug)]
struct Xhtml {
    /// `parents.len()` of the construct's direct children.
    depth: usize,
    divs: usize,
    others: usize,
    script_reported: bool,
}

/// State of the Atom rules while the document streams past.
#[derive(Debug)]
pub(super) struct AtomRules {
    now: Option<DateTime<Utc>>,
    head: Head,
    entry: Option<Entry>,
    /// An open author or contributor, and whether it has a name yet.
    person: Option<bool>,
    xhtml: Option<Xhtml>,
    authorless: Vec<usize>,
    ids: HashMap<String, usize>,
    order: NewestFirst,
}

impl AtomRules {
    /// Rules for one document.
    pub(super) fn new(options: &Options) -> Self {
        AtomRules {
            now: options.now,
            head: Head::default(),
            entry: None,
            person: None,
            xhtml: None,
            authorless: Vec::new(),
            ids: HashMap::new(),
            order: NewestFirst::default(),
        }
    }

    fn date(&self, el: &Frame, out: &mut Findings) -> Option<DateTime<FixedOffset>> {
        match parse_rfc3339(el.value()) {
            Ok(date) => {
                check_timeline(&date, el.text_at(), self.now, out);
                Some(date)
            }
            Err(e) => {
                out.add(
                    date_rule(&e, Rule::InvalidRFC3339Date),
                    el.text_at(),
                    format!("<{}>: {}", el.local, e.message),
                )
                .help("write RFC 3339 dates such as 2024-03-25T10:00:00Z");
                None
            }
        }
    }

    fn link(&mut self, el: &Frame, scope: Scope, out: &mut Findings) {
        match el.attr("href") {
            None => {
                out.add(Rule::MissingHref, el.offset, "<link> has no href");
            }
            Some(href) => iri(&href.value, href.offset, el.base.as_ref(), "link href", out),
        }
        if let Some(length) = el.attr("length") {
            let value = length.value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                out.add(
                    Rule::InvalidIntegerAttribute,
                    length.offset,
                    format!(
                        "link length {} is not a whole number of bytes",
                        quoted(value)
                    ),
                );
            }
        }
        let rel = el.attr("rel").map_or("alternate", |r| {
            let rel = r.value.trim();
            rel.strip_prefix("http://www.iana.org/assignments/relation/")
                .unwrap_or(rel)
        });
        if let Some(kind) = el.attr("type")
            && !is_mime(&kind.value)
        {
            out.add(
                Rule::InvalidMIMEAttribute,
                kind.offset,
                format!("link type {} is not a MIME type", quoted(&kind.value)),
            )
            .help("write a MIME type such as text/html");
        }
        if let Some(lang) = el.attr("hreflang")
            && !is_language_tag(&lang.value)
        {
            out.add(
                Rule::InvalidLanguage,
                lang.offset,
                format!("hreflang {} is not a language tag", quoted(&lang.value)),
            )
            .help("write a tag such as en or pt-BR");
        }
        let key = || {
            let get = |name| {
                el.attr(name)
                    .map_or(String::new(), |a| a.value.trim().to_ascii_lowercase())
            };
            (get("type"), get("hreflang"))
        };
        if rel == "hub"
            && let Some(href) = el.attr("href")
            && let Some(why) = super::hub_problem(&href.value, el.base.as_ref())
        {
            out.add(Rule::InvalidHubLink, href.offset, why)
                .help("write the hub's full address, starting with https://");
        }
        match (scope, rel) {
            (Scope::Feed, "self") => self.head.self_link = true,
            (Scope::Feed, "alternate") => {
                let key = key();
                if self.head.alternates.contains(&key) {
                    duplicate_alternate(el, out);
                } else {
                    self.head.alternates.push(key);
                }
            }
            (Scope::Entry, "alternate") => {
                let key = key();
                if let Some(entry) = self.entry.as_mut() {
                    if entry.alternates.contains(&key) {
                        duplicate_alternate(el, out);
                    } else {
                        entry.alternates.push(key);
                    }
                    entry.alternate = true;
                }
            }
            _ => {}
        }
    }

    /// `content` with `src` (out-of-line) or a binary MIME type (base64).
    fn content_start(&mut self, el: &Frame, out: &mut Findings) {
        let kind = el.attr("type").map(|t| t.value.trim().to_string());
        let Some(entry) = self.entry.as_mut() else {
            return;
        };
        if let Some(src) = el.attr("src") {
            entry.needs_summary = Some(el.offset);
            iri(&src.value, src.offset, el.base.as_ref(), "content src", out);
            if matches!(kind.as_deref(), Some("text" | "html" | "xhtml")) {
                out.add(
                    Rule::InvalidContentSrc,
                    el.offset,
                    "content with src must not have type text, html or xhtml",
                )
                .help("give the MIME type of what src points to, e.g. type=\"video/mp4\"");
            }
        } else if kind.as_deref().is_some_and(is_base64_type) {
            entry.needs_summary = Some(el.offset);
        }
    }

    fn text_construct_start(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        let kind = el.attr("type").map_or("text", |t| t.value.trim());
        match kind {
            "text" | "html" => {}
            "xhtml" => {
                self.xhtml = Some(Xhtml {
                    depth: parents.len() + 1,
                    divs: 0,
                    others: 0,
                    script_reported: false,
                });
            }
            other if el.local == "content" && is_mime(other) => {}
            other => {
                let at = el.attr("type").map_or(el.offset, |t| t.offset);
                out.add(
                    Rule::InvalidTextType,
                    at,
                    format!(
                        "<{}> type {} is not text, html or xhtml",
                        el.local,
                        quoted(other)
                    ),
                );
            }
        }
    }

    fn text_construct_end(&mut self, el: &Frame, out: &mut Findings) {
        let what = format!("<{}>", el.local);
        if el.local == "content" {
            if el.attr("src").is_some() {
                if !el.value().is_empty() || el.children > 0 {
                    out.add(
                        Rule::InvalidContentSrc,
                        el.offset,
                        "content with src must be empty",
                    )
                    .help("remove the text, or remove src and keep the content inline");
                }
                return;
            }
            if let Some(kind) = el.attr("type").map(|t| t.value.trim())
                && is_base64_type(kind)
            {
                if el.children > 0 || !is_base64(el.value()) {
                    out.add(
                        Rule::NotBase64,
                        el.text_at(),
                        format!("content of type {} must be base64 data", quoted(kind)),
                    )
                    .help("encode the data in base64, or link to it with src");
                }
                return;
            }
        }
        match el.attr("type").map_or("text", |t| t.value.trim()) {
            "html" => check_html(
                el.children > 0,
                &el.text,
                el.offset,
                el.text_at(),
                &format!("type=\"html\" {what}"),
                out,
            ),
            "xhtml" => {
                let xhtml = self.xhtml.take();
                let single_div = xhtml.is_some_and(|x| x.divs == 1 && x.others == 0);
                if !single_div || !el.value().is_empty() {
                    out.add(
                        Rule::MissingXhtmlDiv,
                        el.offset,
                        format!("type=\"xhtml\" {what} must hold exactly one XHTML <div> and nothing else"),
                    )
                    .help("wrap the markup in <div xmlns=\"http://www.w3.org/1999/xhtml\">…</div>");
                }
            }
            "text" if el.children > 0 => {
                out.add(
                    Rule::UndefinedElement,
                    el.offset,
                    format!("type=\"text\" {what} holds child elements"),
                )
                .help("escape the markup, or declare type=\"html\" and escape it");
            }
            _ => {}
        }
    }

    /// An element inside `type="xhtml"` content: count the top-level divs, look for script.
    fn xhtml_descendant(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        let Some(xhtml) = self.xhtml.as_mut() else {
            return;
        };
        if parents.len() == xhtml.depth {
            if el.is(Ns::Xhtml, "div") {
                xhtml.divs += 1;
            } else {
                xhtml.others += 1;
            }
        }
        if xhtml.script_reported {
            return;
        }
        let risk = if el.local.eq_ignore_ascii_case("script") {
            Some("a <script> element".to_string())
        } else {
            el.attrs
                .iter()
                .find_map(|a| attribute_risk(&a.local, &a.value))
                .map(|risk| format!("{risk} on <{}>", el.local))
        };
        if let Some(risk) = risk {
            xhtml.script_reported = true;
            out.add(
                Rule::ContainsScript,
                el.offset,
                format!("xhtml content contains {risk}"),
            )
            .help("sanitize the HTML: feed readers and aggregators may run it");
        }
    }

    fn id(&mut self, el: &Frame, scope: Scope, out: &mut Findings) {
        let value = el.value();
        if !value.is_empty() && el.text != value {
            out.add(
                Rule::InvalidURI,
                el.text_at(),
                format!(
                    "<id> {} has leading or trailing whitespace",
                    quoted(&el.text)
                ),
            )
            .help("remove the spaces and line breaks around the id (RFC 4287, section 3)");
        } else if value.is_empty() {
            out.add(
                Rule::InvalidURI,
                el.offset,
                "<id> is empty; it must be an absolute IRI",
            )
            .help("use the permalink, or a tag: or urn:uuid: IRI that never changes");
        } else {
            match classify(value) {
                UrlKind::Absolute(_) => {}
                UrlKind::Relative => {
                    out.add(
                        Rule::InvalidURI,
                        el.text_at(),
                        format!(
                            "<id> {} is relative; ids must be absolute IRIs",
                            quoted(value)
                        ),
                    )
                    .help("xml:base does not apply to ids: write the full IRI");
                }
                UrlKind::Invalid(why) => {
                    out.add(
                        Rule::InvalidURI,
                        el.text_at(),
                        format!("<id> {} is not an IRI: {why}", quoted(value)),
                    );
                }
            }
        }
        match scope {
            Scope::Feed => self.head.id = true,
            Scope::Entry => {
                if let Some(entry) = self.entry.as_mut() {
                    entry.id_seen = true;
                    entry.id = Some(value.to_string()).filter(|v| !v.is_empty());
                }
            }
            Scope::Source | Scope::Other => {}
        }
    }

    fn entry_end(&mut self, out: &mut Findings) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        for (present, name) in [
            (entry.id_seen, "id"),
            (entry.title, "title"),
            (entry.updated_seen, "updated"),
        ] {
            if !present {
                out.add(
                    Rule::MissingElement,
                    entry.offset,
                    format!("<entry> has no <{name}>"),
                )
                .help("RFC 4287 requires id, title and updated in every entry");
            }
        }
        if !entry.author {
            self.authorless.push(entry.offset);
        }
        if let Some(at) = entry.needs_summary.filter(|_| !entry.summary) {
            out.add(
                Rule::MissingSummary,
                at,
                "this <content> has a src or base64 data, so the entry needs a <summary>",
            )
            .help("add a <summary> that readers can show instead (RFC 4287, 4.1.1.1)");
        }
        if !entry.content && !entry.alternate {
            out.add(
                Rule::MissingContentOrAlternate,
                entry.offset,
                "<entry> has neither <content> nor <link rel=\"alternate\">",
            );
        }
        if let Some(id) = entry.id {
            match self.ids.entry(id) {
                MapEntry::Occupied(slot) => {
                    out.add(
                        Rule::DuplicateEntries,
                        entry.offset,
                        format!("another entry has the same <id> {}", quoted(slot.key())),
                    )
                    .help(
                        "give every entry its own id; repeat an id only for revisions of one entry",
                    );
                }
                MapEntry::Vacant(slot) => {
                    slot.insert(entry.offset);
                }
            }
        }
        if let Some(date) = entry.published.or(entry.updated) {
            self.order.see(date, entry.offset, "entry", out);
        }
    }

    fn feed_end(&mut self, el: &Frame, out: &mut Findings) {
        for (present, name) in [
            (self.head.id, "id"),
            (self.head.title, "title"),
            (self.head.updated, "updated"),
        ] {
            if !present {
                out.add(
                    Rule::MissingElement,
                    el.offset,
                    format!("<feed> has no <{name}>"),
                )
                .help("RFC 4287 requires id, title and updated in every feed");
            }
        }
        if !self.head.self_link {
            out.add(Rule::MissingSelf, el.offset, "<feed> has no <link rel=\"self\">")
                .help("add <link rel=\"self\" href=\"URL of this feed\"/> so readers can find the feed again");
        }
        if !self.head.author {
            for &at in &self.authorless {
                out.add(
                    Rule::MissingElement,
                    at,
                    "<entry> has no <author>, and the <feed> has none either",
                )
                .help("add <author><name>…</name></author> to the feed, or to every entry");
            }
        }
    }
}

impl Rules for AtomRules {
    fn start(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        if self
            .xhtml
            .as_ref()
            .is_some_and(|x| parents.len() >= x.depth)
        {
            self.xhtml_descendant(el, parents, out);
            return;
        }
        if el.ns != Ns::Atom {
            return;
        }
        if parents.is_empty() && el.local == "entry" {
            self.entry = Some(Entry {
                offset: el.offset,
                ..Entry::default()
            });
        }
        common_attributes(el, out);
        let scope = scope(parents);
        let single: &[&str] = match scope {
            Scope::Feed | Scope::Source => FEED_SINGLE,
            Scope::Entry => ENTRY_SINGLE,
            Scope::Other => &[],
        };
        let in_person = parents.last().is_some_and(|p| {
            p.ns == Ns::Atom && matches!(p.local.as_str(), "author" | "contributor")
        });
        if single.contains(&el.local.as_str())
            || (in_person && matches!(el.local.as_str(), "name" | "uri" | "email"))
        {
            let parent = parents.last().map_or("feed", |p| p.local.as_str());
            duplicate(el.nth, el.offset, &el.local, parent, out);
        }
        misplaced(el, scope, in_person, parents, out);
        match (scope, el.local.as_str()) {
            (Scope::Feed, "entry") => {
                self.entry = Some(Entry {
                    offset: el.offset,
                    ..Entry::default()
                });
            }
            (Scope::Feed | Scope::Entry | Scope::Source, "category") => {
                match el.attr("term") {
                    None => {
                        out.add(Rule::MissingAttribute, el.offset, "<category> has no term")
                            .help("write <category term=\"the category\"/>; label is optional");
                    }
                    Some(t) if t.value.trim().is_empty() => {
                        out.add(
                            Rule::MissingAttribute,
                            t.offset,
                            "<category> has an empty term",
                        );
                    }
                    Some(_) => {}
                }
                if let Some(scheme) = el.attr("scheme") {
                    iri(
                        &scheme.value,
                        scheme.offset,
                        el.base.as_ref(),
                        "category scheme",
                        out,
                    );
                }
            }
            (Scope::Feed | Scope::Entry | Scope::Source, "author") => {
                match scope {
                    Scope::Feed => self.head.author = true,
                    _ => {
                        if let Some(entry) = self.entry.as_mut() {
                            entry.author = true;
                        }
                    }
                }
                self.person = Some(false);
            }
            (Scope::Feed | Scope::Entry, "contributor") => self.person = Some(false),
            (Scope::Feed | Scope::Entry, "link") => self.link(el, scope, out),
            (
                Scope::Feed | Scope::Entry,
                "title" | "subtitle" | "summary" | "rights" | "content",
            ) => {
                if scope == Scope::Entry && el.local == "content" {
                    self.content_start(el, out);
                }
                self.text_construct_start(el, parents, out);
            }
            _ => {}
        }
    }

    fn end(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings) {
        if self
            .xhtml
            .as_ref()
            .is_some_and(|x| parents.len() >= x.depth)
        {
            return;
        }
        if el.ns != Ns::Atom {
            return;
        }
        if parents.is_empty() && el.local == "entry" {
            // An Entry Document has no feed to inherit an author from.
            self.entry_end(out);
            if let Some(at) = self.authorless.pop() {
                out.add(Rule::MissingElement, at, "<entry> has no <author>")
                    .help("add <author><name>…</name></author>");
            }
            return;
        }
        if parents.is_empty() {
            self.feed_end(el, out);
            return;
        }
        let scope = scope(parents);
        let in_person = parents.last().is_some_and(|p| {
            p.ns == Ns::Atom && matches!(p.local.as_str(), "author" | "contributor")
        });
        match (scope, el.local.as_str()) {
            (Scope::Feed, "entry") => self.entry_end(out),
            (Scope::Feed | Scope::Entry, "id") => self.id(el, scope, out),
            (Scope::Feed | Scope::Entry, "updated") => {
                let date = self.date(el, out);
                match scope {
                    Scope::Feed => self.head.updated = true,
                    _ => {
                        if let Some(entry) = self.entry.as_mut() {
                            entry.updated_seen = true;
                            entry.updated = date;
                        }
                    }
                }
            }
            (Scope::Entry, "published") => {
                let date = self.date(el, out);
                if let Some(entry) = self.entry.as_mut() {
                    entry.published = date;
                }
            }
            (
                Scope::Feed | Scope::Entry,
                "title" | "subtitle" | "summary" | "rights" | "content",
            ) => {
                if el.local == "title" {
                    if el.value().is_empty() && el.children == 0 {
                        out.add(Rule::NotBlank, el.offset, "the <title> is empty");
                    }
                    match scope {
                        Scope::Feed => self.head.title = true,
                        _ => {
                            if let Some(entry) = self.entry.as_mut() {
                                entry.title = true;
                            }
                        }
                    }
                }
                if let Some(entry) = self.entry.as_mut().filter(|_| scope == Scope::Entry) {
                    match el.local.as_str() {
                        "content" => entry.content = true,
                        "summary" => entry.summary = true,
                        _ => {}
                    }
                }
                if matches!(el.local.as_str(), "summary" | "content")
                    && el.value().is_empty()
                    && el.children == 0
                    && el.attr("src").is_none()
                {
                    out.add(
                        Rule::EmptyTextConstruct,
                        el.offset,
                        format!("the <{}> is empty", el.local),
                    )
                    .help(
                        "leave an empty element out; the entry's alternate link stands in for it",
                    );
                }
                self.text_construct_end(el, out);
            }
            (Scope::Feed | Scope::Entry | Scope::Source, "author" | "contributor")
                if self.person.take() == Some(false) =>
            {
                out.add(
                    Rule::MissingElement,
                    el.offset,
                    format!("<{}> has no <name>", el.local),
                )
                .help("a person needs a <name>");
            }
            (_, "name") if in_person && !el.value().is_empty() => {
                self.person = Some(true);
            }
            (_, "uri") if in_person => iri(&el.text, el.text_at(), el.base.as_ref(), "<uri>", out),
            (_, "email") if in_person => email(el, out),

            (Scope::Feed, "icon" | "logo") => {
                iri(
                    &el.text,
                    el.text_at(),
                    el.base.as_ref(),
                    &format!("<{}>", el.local),
                    out,
                );
            }
            _ => {}
        }
    }
}

/// Whether Atom content of this MIME type is base64 (RFC 4287, 4.1.3.3):
/// neither text, html, xhtml, XML nor a `text/` type.
fn is_base64_type(kind: &str) -> bool {
    let kind = kind
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    !(matches!(kind.as_str(), "text" | "html" | "xhtml")
        || kind.starts_with("text/")
        || kind.ends_with("+xml")
        || kind.ends_with("/xml")
        || !kind.contains('/'))
}

/// Whether the text is base64 (whitespace between groups allowed).
fn is_base64(text: &str) -> bool {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let body = compact
        .strip_suffix(b"==")
        .or_else(|| compact.strip_suffix(b"="))
        .unwrap_or(&compact);
    compact.len().is_multiple_of(4)
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// Feed (and entry `source`) elements RFC 4287 allows once.
/// The children RFC 4287 allows in `<feed>` (section 4.1.1); `<source>`
/// allows the same but `entry` (4.2.11).
const FEED_CHILDREN: &[&str] = &[
    "author",
    "category",
    "contributor",
    "generator",
    "icon",
    "id",
    "link",
    "logo",
    "rights",
    "subtitle",
    "title",
    "updated",
    "entry",
];

/// The children RFC 4287 allows in `<entry>` (section 4.1.2).
const ENTRY_CHILDREN: &[&str] = &[
    "author",
    "category",
    "content",
    "contributor",
    "id",
    "link",
    "published",
    "rights",
    "source",
    "summary",
    "title",
    "updated",
];

/// Report an Atom element in a place RFC 4287 does not allow it: a child
/// of `<feed>`, `<entry>`, `<source>` or a person construct that is not one
/// of theirs.
fn misplaced(el: &Frame, scope: Scope, in_person: bool, parents: &[Frame], out: &mut Findings) {
    let name = el.local.as_str();
    let allowed = match scope {
        Scope::Feed => FEED_CHILDREN.contains(&name),
        Scope::Source => name != "entry" && FEED_CHILDREN.contains(&name),
        Scope::Entry => ENTRY_CHILDREN.contains(&name),
        Scope::Other if in_person => matches!(name, "name" | "uri" | "email"),
        // The root, and children of other elements (text constructs have
        // their own rule).
        Scope::Other => true,
    };
    if allowed {
        return;
    }
    let parent = parents.last().map_or("feed", |p| p.local.as_str());
    let defined = FEED_CHILDREN.contains(&name)
        || ENTRY_CHILDREN.contains(&name)
        || matches!(name, "name" | "uri" | "email");
    let message = if defined {
        format!("<{name}> is not allowed in <{parent}> (RFC 4287), so readers ignore it")
    } else {
        format!("<{name}> is not an Atom element, so readers ignore it")
    };
    out.add(Rule::MisplacedElement, el.offset, message)
        .help(if defined {
            "move it where RFC 4287 puts it (an entry's summary goes in <entry>), or remove it"
        } else {
            "remove it, or put extensions in a namespace of their own"
        });
}

const FEED_SINGLE: &[&str] = &[
    "id",
    "title",
    "updated",
    "rights",
    "subtitle",
    "icon",
    "logo",
    "generator",
];

/// Entry elements RFC 4287 allows once.
const ENTRY_SINGLE: &[&str] = &[
    "id",
    "title",
    "updated",
    "published",
    "rights",
    "summary",
    "content",
    "source",
];

fn duplicate_alternate(el: &Frame, out: &mut Findings) {
    out.add(
        Rule::DuplicateAlternate,
        el.offset,
        "a second rel=\"alternate\" link with the same type and hreflang",
    )
    .help("keep one alternate link per type and hreflang (RFC 4287, 4.1.1)");
}

/// `xml:lang` on any Atom element.
fn common_attributes(el: &Frame, out: &mut Findings) {
    if let Some(lang) = el
        .attrs
        .iter()
        .find(|a| a.ns == Ns::Xml && a.local == "lang")
        && !lang.value.is_empty()
        && !is_language_tag(&lang.value)
    {
        out.add(
            Rule::InvalidLanguage,
            lang.offset,
            format!("xml:lang {} is not a language tag", quoted(&lang.value)),
        )
        .help("write a tag such as en or pt-BR");
    }
}

/// A person's `<email>`: `local@domain`, no name or angle brackets.
fn email(el: &Frame, out: &mut Findings) {
    let value = el.value();
    let valid = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value
                .contains(|c: char| c.is_whitespace() || "<>()[],;:\"@".contains(c) && c != '@')
            && value.matches('@').count() == 1
    });
    if !valid {
        out.add(
            Rule::InvalidEmail,
            el.text_at(),
            format!("<email> {} is not an email address", quoted(value)),
        )
        .help("write the address alone, e.g. jane@example.com; the name goes in <name>");
    }
}

/// An Atom IRI reference: relative ones need a base to resolve against.
fn iri(value: &str, at: usize, base: Option<&Url>, what: &str, out: &mut Findings) {
    if !value.is_empty() && value.trim() != value {
        out.add(
            Rule::InvalidIRI,
            at,
            format!(
                "{what} {} has leading or trailing whitespace",
                quoted(value)
            ),
        )
        .help("remove the spaces and line breaks around the IRI (RFC 4287, section 3)");
        return;
    }
    if value.trim().is_empty()
        && let Some(base) = base
    {
        // An empty reference is the base itself (RFC 3986, 5.2): legal, but
        // easy to write by mistake.
        out.add(
            Rule::NotBlank,
            at,
            format!(
                "{what} is empty, so it stands for the xml:base {}",
                quoted(base.as_str())
            ),
        )
        .help("write the URL out in full");
        return;
    }
    match resolve(value, base) {
        UrlKind::Absolute(_) => {}
        UrlKind::Relative => {
            out.add(
                Rule::RelativeLink,
                at,
                format!(
                    "{what} {} is relative, and no xml:base says what it is relative to",
                    quoted(value.trim())
                ),
            )
            .help("write an absolute URL, or set xml:base on the feed");
        }
        UrlKind::Invalid(why) => {
            out.add(
                Rule::InvalidIRI,
                at,
                format!("{what} {} is not an IRI: {why}", quoted(value.trim())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::{Options, Profile, validate_feed};
    use chrono::{DateTime, Utc};
    use std::path::Path;

    const HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>T</title>
<id>https://example.com/</id>
<updated>2024-03-25T10:00:00Z</updated>
<author><name>Jane</name></author>
<link rel="self" href="https://example.com/feeds/atom.xml"/>
<link rel="alternate" href="https://example.com/"/>
"#;

    const ENTRY: &str = r#"<entry>
<title>A</title>
<id>https://example.com/a/</id>
<updated>2024-03-25T10:00:00Z</updated>
<published>2024-03-25T09:00:00Z</published>
<link rel="alternate" href="https://example.com/a/"/>
<summary type="html">&lt;p&gt;Hi&lt;/p&gt;</summary>
<content type="html">&lt;p&gt;Hi&lt;/p&gt;</content>
</entry>
"#;

    fn feed(entries: &str) -> String {
        format!("{HEAD}{entries}</feed>\n")
    }

    fn found(doc: &str) -> Vec<(String, usize, usize)> {
        let now = DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")
            .ok()
            .map(|d| d.with_timezone(&Utc));
        validate_feed(
            Path::new("atom.xml"),
            doc.as_bytes(),
            &Options {
                now,
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

    #[test]
    fn a_clean_feed_has_no_findings() {
        assert_eq!(found(&feed("")), vec![]);
        assert_eq!(found(&feed(ENTRY)), vec![]);
    }

    #[test]
    fn entry_rules_one_defect_each() {
        let cases = [
            ("<title>A</title>\n", "", "MissingElement"),
            ("<id>https://example.com/a/</id>\n", "", "MissingElement"),
            (
                "<updated>2024-03-25T10:00:00Z</updated>\n",
                "",
                "MissingElement",
            ),
            ("<id>https://example.com/a/</id>", "<id></id>", "InvalidURI"),
            (
                "<id>https://example.com/a/</id>",
                "<id>/a/</id>",
                "InvalidURI",
            ),
            (
                "<updated>2024-03-25T10:00:00Z</updated>",
                "<updated>Mon, 25 Mar 2024 10:00:00 +0000</updated>",
                "InvalidRFC3339Date",
            ),
            (
                "<published>2024-03-25T09:00:00Z</published>",
                "<published>2024-03-25T09:00:00</published>",
                "InvalidRFC3339Date",
            ),
            (
                "<updated>2024-03-25T10:00:00Z</updated>",
                "<updated>2030-03-25T10:00:00Z</updated>",
                "FutureDate",
            ),
            (
                "href=\"https://example.com/a/\"",
                "href=\"/a/\"",
                "RelativeLink",
            ),
            (
                "href=\"https://example.com/a/\"",
                "href=\"http://exa mple.com/\"",
                "InvalidIRI",
            ),
            ("href=\"https://example.com/a/\"", "", "MissingHref"),
            (
                "<summary type=\"html\">",
                "<summary type=\"HTML\">",
                "InvalidTextType",
            ),
            (
                "&lt;p&gt;Hi&lt;/p&gt;</content>",
                "&lt;img src=x onerror=alert(1)&gt;</content>",
                "ContainsScript",
            ),
            (
                "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
                "<content type=\"html\"><p>Hi</p></content>",
                "NotHtml",
            ),
            (
                "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
                "<content type=\"xhtml\"><p xmlns=\"http://www.w3.org/1999/xhtml\">Hi</p></content>",
                "MissingXhtmlDiv",
            ),
            (
                "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
                "<content>Hi <b>there</b></content>",
                "UndefinedElement",
            ),
            ("<title>A</title>", "<title></title>", "NotBlank"),
        ];
        for (from, to, code) in cases {
            let entry = ENTRY.replacen(from, to, 1);
            assert_ne!(entry, ENTRY, "{from} not found");
            assert_eq!(codes(&feed(&entry)), vec![code.to_string()], "{to}");
        }
    }

    #[test]
    fn entries_need_content_or_an_alternate_link() {
        let link = "<link rel=\"alternate\" href=\"https://example.com/a/\"/>\n";
        let content = "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>\n";
        assert_eq!(
            codes(&feed(&ENTRY.replacen(link, "", 1))),
            Vec::<String>::new()
        );
        assert_eq!(
            codes(&feed(&ENTRY.replacen(content, "", 1))),
            Vec::<String>::new()
        );
        let neither = ENTRY.replacen(link, "", 1).replacen(content, "", 1);
        assert_eq!(codes(&feed(&neither)), ["MissingContentOrAlternate"]);
    }

    #[test]
    fn empty_summary_or_content_warns_and_blocks_the_gate() {
        // #13: feedpub used to write these for an article with an empty body.
        let doc = feed(&ENTRY.replacen("&lt;p&gt;Hi&lt;/p&gt;", "", 1).replacen(
            "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
            "<content type=\"html\"/>",
            1,
        ));
        let found = |profile| {
            validate_feed(
                Path::new("atom.xml"),
                doc.as_bytes(),
                &Options {
                    profile,
                    ..Options::default()
                },
            )
            .into_iter()
            .map(|d| (d.code.clone().unwrap_or_default(), d.is_error()))
            .collect::<Vec<_>>()
        };
        let empty = |error| vec![("EmptyTextConstruct".to_string(), error); 2];
        assert_eq!(found(Profile::Check), empty(false));
        assert_eq!(found(Profile::Gate), empty(true));
    }

    #[test]
    fn an_empty_href_under_xml_base_is_a_warning() {
        let doc = feed(&ENTRY.replacen(
            "<link rel=\"alternate\" href=\"https://example.com/a/\"/>",
            "<link rel=\"alternate\" href=\"\" xml:base=\"https://example.com/a/\"/>",
            1,
        ));
        assert_eq!(codes(&doc), ["NotBlank"]);
    }

    #[test]
    fn xhtml_content_and_xml_base() {
        let entry = ENTRY.replacen(
            "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
            "<content type=\"xhtml\" xml:base=\"https://example.com/a/\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi <a href=\"b/\">b</a></p><link href=\"x\"/></div></content>",
            1,
        );
        assert_eq!(codes(&feed(&entry)), Vec::<String>::new());
        let based = feed(&ENTRY.replacen("href=\"https://example.com/a/\"", "href=\"a/\"", 1))
            .replacen(
                "xml:lang=\"en\"",
                "xml:lang=\"en\" xml:base=\"https://example.com/\"",
                1,
            );
        assert_eq!(codes(&based), Vec::<String>::new());
        let scripted = ENTRY.replacen(
            "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
            "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p><a href=\"javascript:go()\">x</a></p><script>y()</script></div></content>",
            1,
        );
        // Reported once, at the <a>: line 16, after 67 characters of <content><div><p>.
        assert_eq!(
            found(&feed(&scripted)),
            vec![("ContainsScript".to_string(), 16, 68)]
        );
    }

    #[test]
    fn feed_level_rules() {
        let cases = [
            (
                "<link rel=\"self\" href=\"https://example.com/feeds/atom.xml\"/>\n",
                "",
                vec!["MissingSelf"],
            ),
            (
                "<id>https://example.com/</id>\n",
                "",
                vec!["MissingElement"],
            ),
            ("<title>T</title>\n", "", vec!["MissingElement"]),
            (
                "<updated>2024-03-25T10:00:00Z</updated>\n",
                "",
                vec!["MissingElement"],
            ),
            (
                "<author><name>Jane</name></author>\n",
                "",
                vec!["MissingElement"],
            ),
            (
                "<name>Jane</name>",
                "<email>j@example.com</email>",
                vec!["MissingElement"],
            ),
            (
                "<updated>2024-03-25T10:00:00Z</updated>",
                "<updated>1970-01-01T00:00:00Z</updated>",
                vec!["ImplausibleDate"],
            ),
        ];
        for (from, to, expected) in cases {
            let doc = feed(ENTRY).replacen(from, to, 1);
            assert_ne!(doc, feed(ENTRY), "{from} not found");
            assert_eq!(codes(&doc), expected, "{from} -> {to}");
        }
        // Without a feed author, every entry needs one; an entry author suffices.
        let doc = feed(&ENTRY.replacen(
            "<title>A</title>",
            "<title>A</title><author><name>B</name></author>",
            1,
        ))
        .replacen("<author><name>Jane</name></author>\n", "", 1);
        assert_eq!(codes(&doc), Vec::<String>::new());
    }

    #[test]
    fn duplicates_and_order() {
        let older = ENTRY
            .replace("2024-03-25T", "2024-03-20T")
            .replace("/a/", "/b/");
        assert_eq!(
            codes(&feed(&(ENTRY.to_string() + &older))),
            Vec::<String>::new()
        );
        assert_eq!(codes(&feed(&(older.clone() + ENTRY))), ["ItemsNotSorted"]);
        let twin = ENTRY.replace("<title>A</title>", "<title>A again</title>");
        assert_eq!(
            codes(&feed(&(ENTRY.to_string() + &twin))),
            ["DuplicateEntries"]
        );
    }
}
