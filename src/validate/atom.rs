//! Atom 1.0 rules (RFC 4287).
//!
//! The rules read the parsed tree the way RFC 4287 is written: the `<feed>`
//! (or the `<entry>` of an Atom Entry Document), the feed's children, then
//! each `<entry>` with its `<source>`, person constructs, text constructs,
//! `content`, links and categories. What holds wherever an Atom element is
//! (its place, how often it may occur, `xml:lang`, a person's `uri` and
//! `email`) is checked in one pass over the whole tree first.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use chrono::{DateTime, FixedOffset, Utc};
use roxmltree::Node;
use url::Url;

use super::html::{attribute_risk, check_html};
use super::links::{UrlKind, classify, is_mime, resolve};
use super::timeline::{NewestFirst, check_timeline, date_rule};
use super::tree::{Ns, Source, base, elements, is, ns_of, nth};
use super::{Findings, Options, Rule, duplicate, is_language_tag, quoted};
use crate::dates::parse_rfc3339;

/// Check an Atom document whose root element is `<feed>`, or `<entry>` for
/// an Atom Entry Document.
pub(super) fn check(
    source: &Source<'_>,
    root: Node<'_, '_>,
    options: &Options,
    out: &mut Findings,
) {
    everywhere(source, root, out);
    let mut atom = Atom {
        source,
        now: options.now,
        ids: HashMap::new(),
        order: NewestFirst::default(),
    };
    if is(root, Ns::Atom, "entry") {
        // An Entry Document has no feed to inherit an author from.
        if !atom.entry(root, out) {
            out.add(
                Rule::MissingElement,
                source.at(root),
                "<entry> has no <author>",
            )
            .help("add <author><name>…</name></author>");
        }
    } else {
        atom.feed(root, out);
    }
}

/// Where an Atom element sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A child of `<feed>`.
    Feed,
    /// A child of `<entry>` (of the feed, or the root of an Entry Document).
    Entry,
    /// A child of an entry's `<source>`.
    Source,
    /// The root, and anywhere else.
    Other,
}

impl Scope {
    /// The scope of the children of `el`, an element in this scope.
    fn of_children(self, el: Node<'_, '_>) -> Scope {
        if ns_of(el) != Ns::Atom {
            return Scope::Other;
        }
        let root = el.parent_element().is_none();
        match (self, el.tag_name().name()) {
            (Scope::Other, "feed") if root => Scope::Feed,
            (Scope::Other, "entry") if root => Scope::Entry,
            (Scope::Feed, "entry") => Scope::Entry,
            (Scope::Entry, "source") => Scope::Source,
            _ => Scope::Other,
        }
    }
}

/// Whether an element is an Atom person construct (`author`, `contributor`).
fn is_person(el: Node<'_, '_>) -> bool {
    ns_of(el) == Ns::Atom && matches!(el.tag_name().name(), "author" | "contributor")
}

/// Whether an element is a text construct (or `content`) of a feed or an
/// entry whose `type` is `xhtml`: what it holds is XHTML, not Atom.
fn is_xhtml_construct(el: Node<'_, '_>, scope: Scope) -> bool {
    matches!(scope, Scope::Feed | Scope::Entry)
        && ns_of(el) == Ns::Atom
        && matches!(
            el.tag_name().name(),
            "title" | "subtitle" | "summary" | "rights" | "content"
        )
        && el
            .attribute("type")
            .is_some_and(|kind| kind.trim() == "xhtml")
}

/// The rules that hold for every Atom element outside XHTML content: a
/// valid `xml:lang`, only the children RFC 4287 allows, single-valued
/// elements once, and a person's `uri` and `email`.
fn everywhere(source: &Source<'_>, root: Node<'_, '_>, out: &mut Findings) {
    // Depth-first without recursion: a deeply nested document cannot
    // overflow the stack.
    let mut pending = vec![(root, Scope::Other)];
    while let Some((el, scope)) = pending.pop() {
        if ns_of(el) == Ns::Atom {
            let in_person = el.parent_element().is_some_and(is_person);
            language(source, el, out);
            placement(source, el, scope, in_person, out);
            if in_person {
                person_detail(source, el, out);
            }
            if is_xhtml_construct(el, scope) {
                continue;
            }
        }
        let children = scope.of_children(el);
        pending.extend(elements(el).map(|child| (child, children)));
    }
}

/// `xml:lang` on an Atom element: a language tag, or empty (no language).
fn language(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    if let Some(lang) = source.xml_attr(el, "lang")
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

/// An Atom element's place: a second single-valued element, or one that
/// RFC 4287 does not allow in its parent.
fn placement(
    source: &Source<'_>,
    el: Node<'_, '_>,
    scope: Scope,
    in_person: bool,
    out: &mut Findings,
) {
    let name = el.tag_name().name();
    let parent = el.parent_element().map_or("feed", |p| p.tag_name().name());
    let single: &[&str] = match scope {
        Scope::Feed | Scope::Source => FEED_SINGLE,
        Scope::Entry => ENTRY_SINGLE,
        Scope::Other => &[],
    };
    if single.contains(&name) || (in_person && matches!(name, "name" | "uri" | "email")) {
        duplicate(nth(el), source.at(el), name, parent, out);
    }
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
    let defined = FEED_CHILDREN.contains(&name)
        || ENTRY_CHILDREN.contains(&name)
        || matches!(name, "name" | "uri" | "email");
    let message = if defined {
        format!("<{name}> is not allowed in <{parent}> (RFC 4287), so readers ignore it")
    } else {
        format!("<{name}> is not an Atom element, so readers ignore it")
    };
    out.add(Rule::MisplacedElement, source.at(el), message)
        .help(if defined {
            "move it where RFC 4287 puts it (an entry's summary goes in <entry>), or remove it"
        } else {
            "remove it, or put extensions in a namespace of their own"
        });
}

/// A person's `<uri>` (an IRI) or `<email>` (an address).
fn person_detail(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    match el.tag_name().name() {
        "uri" => iri(
            &source.text(el),
            source.text_at(el),
            base(el).as_ref(),
            "<uri>",
            out,
        ),
        "email" => email(source, el, out),
        _ => {}
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
    /// `(type, hreflang)` of the alternate links so far.
    alternates: Vec<(String, String)>,
}

/// What one entry holds.
#[derive(Debug, Default)]
struct Entry {
    offset: usize,
    /// The last `<id>`, when not empty.
    id: Option<String>,
    id_seen: bool,
    title: bool,
    updated_seen: bool,
    updated: Option<DateTime<FixedOffset>>,
    published: Option<DateTime<FixedOffset>>,
    /// An `<author>`, its own or its `<source>`'s.
    author: bool,
    content: bool,
    alternate: bool,
    summary: bool,
    /// Where a `content` with `src` or base64 data is: it needs a summary.
    needs_summary: Option<usize>,
    /// `(type, hreflang)` of the alternate links so far.
    alternates: Vec<(String, String)>,
}

/// The state that spans the document: entry ids and the entry order.
struct Atom<'s> {
    source: &'s Source<'s>,
    now: Option<DateTime<Utc>>,
    /// Every entry id so far, for `DuplicateEntries`.
    ids: HashMap<String, usize>,
    order: NewestFirst,
}

impl Atom<'_> {
    /// The `<feed>`: its children, each entry, then what it must contain.
    fn feed(&mut self, feed: Node<'_, '_>, out: &mut Findings) {
        let source = self.source;
        let mut head = Head::default();
        let mut authorless = Vec::new();
        for el in elements(feed).filter(|el| ns_of(*el) == Ns::Atom) {
            if el.tag_name().name() == "entry" {
                let has_author = self.entry(el, out);
                if !has_author {
                    authorless.push(source.at(el));
                }
            } else {
                self.metadata(el, &mut head, out);
            }
        }
        for (present, name) in [
            (head.id, "id"),
            (head.title, "title"),
            (head.updated, "updated"),
        ] {
            if !present {
                out.add(
                    Rule::MissingElement,
                    source.at(feed),
                    format!("<feed> has no <{name}>"),
                )
                .help("RFC 4287 requires id, title and updated in every feed");
            }
        }
        if !head.self_link {
            out.add(Rule::MissingSelf, source.at(feed), "<feed> has no <link rel=\"self\">")
                .help("add <link rel=\"self\" href=\"URL of this feed\"/> so readers can find the feed again");
        }
        if !head.author {
            for at in authorless {
                out.add(
                    Rule::MissingElement,
                    at,
                    "<entry> has no <author>, and the <feed> has none either",
                )
                .help("add <author><name>…</name></author> to the feed, or to every entry");
            }
        }
    }

    /// An `<entry>`: its children, then what it must contain; whether it
    /// has an author (its own or its source's).
    fn entry(&mut self, el: Node<'_, '_>, out: &mut Findings) -> bool {
        let source = self.source;
        let mut entry = Entry {
            offset: source.at(el),
            ..Entry::default()
        };
        for child in elements(el).filter(|c| ns_of(*c) == Ns::Atom) {
            match child.tag_name().name() {
                "id" => {
                    entry.id_seen = true;
                    entry.id = Some(self.id(child, out)).filter(|id| !id.is_empty());
                }
                "title" => {
                    self.text_construct(child, out);
                    entry.title = true;
                }
                "updated" => {
                    entry.updated_seen = true;
                    entry.updated = self.date(child, out);
                }
                "published" => entry.published = self.date(child, out),
                "summary" => {
                    self.text_construct(child, out);
                    entry.summary = true;
                }
                "content" => {
                    if let Some(at) = self.content_source(child, out) {
                        entry.needs_summary = Some(at);
                    }
                    self.text_construct(child, out);
                    entry.content = true;
                }
                "subtitle" | "rights" => self.text_construct(child, out),
                "link" => {
                    entry.alternate |= self.link(child, &mut entry.alternates, out) == "alternate";
                }
                "author" => {
                    entry.author = true;
                    self.person(child, out);
                }
                "contributor" => self.person(child, out),
                "category" => self.category(child, out),
                "source" => entry.author |= self.entry_source(child, out),
                _ => {}
            }
        }
        self.entry_end(entry, out)
    }

    /// What an entry must contain, and what it shares with the others
    /// (its id, its place in the order); whether it has an author.
    fn entry_end(&mut self, entry: Entry, out: &mut Findings) -> bool {
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
        entry.author
    }

    /// An entry's `<source>` (the feed it was copied from): its children
    /// are checked as the feed's own metadata, but none is required and
    /// several alternate links may share a type (RFC 4287, 4.2.11);
    /// whether it names an author.
    fn entry_source(&self, el: Node<'_, '_>, out: &mut Findings) -> bool {
        let mut head = Head::default();
        for child in elements(el).filter(|c| ns_of(*c) == Ns::Atom) {
            head.alternates.clear();
            self.metadata(child, &mut head, out);
        }
        head.author
    }

    /// A child of `<feed>` or of an entry's `<source>` other than an entry:
    /// its value checked, and noted in `head` when the feed requires it.
    fn metadata(&self, el: Node<'_, '_>, head: &mut Head, out: &mut Findings) {
        let source = self.source;
        match el.tag_name().name() {
            "id" => {
                self.id(el, out);
                head.id = true;
            }
            "updated" => {
                self.date(el, out);
                head.updated = true;
            }
            "title" => {
                self.text_construct(el, out);
                head.title = true;
            }
            "subtitle" | "summary" | "rights" | "content" => self.text_construct(el, out),
            "link" => head.self_link |= self.link(el, &mut head.alternates, out) == "self",
            "author" => {
                head.author = true;
                self.person(el, out);
            }
            "contributor" => self.person(el, out),
            "category" => self.category(el, out),
            local @ ("icon" | "logo") => iri(
                &source.text(el),
                source.text_at(el),
                base(el).as_ref(),
                &format!("<{local}>"),
                out,
            ),
            _ => {}
        }
    }

    /// An RFC 3339 date (`updated`, `published`), checked against the clock.
    fn date(&self, el: Node<'_, '_>, out: &mut Findings) -> Option<DateTime<FixedOffset>> {
        let at = self.source.text_at(el);
        match parse_rfc3339(self.source.text(el).trim()) {
            Ok(date) => {
                check_timeline(&date, at, self.now, out);
                Some(date)
            }
            Err(e) => {
                out.add(
                    date_rule(&e, Rule::InvalidRFC3339Date),
                    at,
                    format!("<{}>: {}", el.tag_name().name(), e.message),
                )
                .help("write RFC 3339 dates such as 2024-03-25T10:00:00Z");
                None
            }
        }
    }

    /// An `<id>`: an absolute IRI with nothing around it; returns its value.
    fn id(&self, el: Node<'_, '_>, out: &mut Findings) -> String {
        let text = self.source.text(el);
        let value = text.trim();
        let at = self.source.text_at(el);
        if !value.is_empty() && text != value {
            out.add(
                Rule::InvalidURI,
                at,
                format!("<id> {} has leading or trailing whitespace", quoted(&text)),
            )
            .help("remove the spaces and line breaks around the id (RFC 4287, section 3)");
        } else if value.is_empty() {
            out.add(
                Rule::InvalidURI,
                self.source.at(el),
                "<id> is empty; it must be an absolute IRI",
            )
            .help("use the permalink, or a tag: or urn:uuid: IRI that never changes");
        } else {
            match classify(value) {
                UrlKind::Absolute(_) => {}
                UrlKind::Relative => {
                    out.add(
                        Rule::InvalidURI,
                        at,
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
                        at,
                        format!("<id> {} is not an IRI: {why}", quoted(value)),
                    );
                }
            }
        }
        value.to_string()
    }

    /// A `<link>` of the feed or an entry: its attributes, and at most one
    /// alternate link per type and hreflang among `alternates`; returns its
    /// relation (`alternate` when it has no `rel`).
    fn link(
        &self,
        el: Node<'_, '_>,
        alternates: &mut Vec<(String, String)>,
        out: &mut Findings,
    ) -> String {
        let source = self.source;
        let base = base(el);
        let href = source.attr(el, "href");
        match &href {
            None => {
                out.add(Rule::MissingHref, source.at(el), "<link> has no href");
            }
            Some(href) => iri(&href.value, href.offset, base.as_ref(), "link href", out),
        }
        if let Some(length) = source.attr(el, "length") {
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
        let rel = source.attr(el, "rel").map_or("alternate".to_string(), |r| {
            let rel = r.value.trim();
            rel.strip_prefix("http://www.iana.org/assignments/relation/")
                .unwrap_or(rel)
                .to_string()
        });
        let kind = source.attr(el, "type");
        if let Some(kind) = &kind
            && !is_mime(&kind.value)
        {
            out.add(
                Rule::InvalidMIMEAttribute,
                kind.offset,
                format!("link type {} is not a MIME type", quoted(&kind.value)),
            )
            .help("write a MIME type such as text/html");
        }
        let hreflang = source.attr(el, "hreflang");
        if let Some(lang) = &hreflang
            && !is_language_tag(&lang.value)
        {
            out.add(
                Rule::InvalidLanguage,
                lang.offset,
                format!("hreflang {} is not a language tag", quoted(&lang.value)),
            )
            .help("write a tag such as en or pt-BR");
        }
        if rel == "hub"
            && let Some(href) = &href
            && let Some(why) = super::hub_problem(&href.value, base.as_ref())
        {
            out.add(Rule::InvalidHubLink, href.offset, why)
                .help("write the hub's full address, starting with https://");
        }
        if rel == "alternate" {
            let key = |attr: Option<super::tree::Attr>| {
                attr.map_or(String::new(), |a| a.value.trim().to_ascii_lowercase())
            };
            let key = (key(kind), key(hreflang));
            if alternates.contains(&key) {
                out.add(
                    Rule::DuplicateAlternate,
                    source.at(el),
                    "a second rel=\"alternate\" link with the same type and hreflang",
                )
                .help("keep one alternate link per type and hreflang (RFC 4287, 4.1.1)");
            } else {
                alternates.push(key);
            }
        }
        rel
    }

    /// An entry's `content` with `src` (out-of-line) or a binary MIME type
    /// (base64): where it is, since the entry then needs a summary.
    fn content_source(&self, el: Node<'_, '_>, out: &mut Findings) -> Option<usize> {
        let source = self.source;
        let kind = el.attribute("type").map(str::trim);
        if let Some(src) = source.attr(el, "src") {
            iri(
                &src.value,
                src.offset,
                base(el).as_ref(),
                "content src",
                out,
            );
            if matches!(kind, Some("text" | "html" | "xhtml")) {
                out.add(
                    Rule::InvalidContentSrc,
                    source.at(el),
                    "content with src must not have type text, html or xhtml",
                )
                .help("give the MIME type of what src points to, e.g. type=\"video/mp4\"");
            }
            Some(source.at(el))
        } else {
            kind.is_some_and(is_base64_type).then(|| source.at(el))
        }
    }

    /// A text construct (`title`, `subtitle`, `summary`, `rights`) or
    /// `content` of the feed or an entry: its type, and what it holds.
    fn text_construct(&self, el: Node<'_, '_>, out: &mut Findings) {
        let source = self.source;
        let local = el.tag_name().name();
        let what = format!("<{local}>");
        let kind = source.attr(el, "type");
        let kind_value = kind.as_ref().map_or("text", |t| t.value.trim());
        match kind_value {
            "text" | "html" | "xhtml" => {}
            other if local == "content" && is_mime(other) => {}
            other => {
                let at = kind.as_ref().map_or(source.at(el), |t| t.offset);
                out.add(
                    Rule::InvalidTextType,
                    at,
                    format!("{what} type {} is not text, html or xhtml", quoted(other)),
                );
            }
        }
        let single_div = (kind_value == "xhtml").then(|| xhtml_body(source, el, out));
        let text = source.text(el);
        let value = text.trim();
        let children = elements(el).next().is_some();
        let src = source.attr(el, "src").is_some();
        if local == "title" && value.is_empty() && !children {
            out.add(Rule::NotBlank, source.at(el), "the <title> is empty");
        }
        if matches!(local, "summary" | "content") && value.is_empty() && !children && !src {
            out.add(
                Rule::EmptyTextConstruct,
                source.at(el),
                format!("the {what} is empty"),
            )
            .help("leave an empty element out; the entry's alternate link stands in for it");
        }
        if local == "content" {
            if src {
                if !value.is_empty() || children {
                    out.add(
                        Rule::InvalidContentSrc,
                        source.at(el),
                        "content with src must be empty",
                    )
                    .help("remove the text, or remove src and keep the content inline");
                }
                return;
            }
            if is_base64_type(kind_value) {
                if children || !is_base64(value) {
                    out.add(
                        Rule::NotBase64,
                        source.text_at(el),
                        format!("content of type {} must be base64 data", quoted(kind_value)),
                    )
                    .help("encode the data in base64, or link to it with src");
                }
                return;
            }
        }
        match kind_value {
            "html" => check_html(
                children,
                &text,
                source.at(el),
                source.text_at(el),
                &format!("type=\"html\" {what}"),
                out,
            ),
            "xhtml" if single_div != Some(true) || !value.is_empty() => {
                out.add(
                    Rule::MissingXhtmlDiv,
                    source.at(el),
                    format!(
                        "type=\"xhtml\" {what} must hold exactly one XHTML <div> and nothing else"
                    ),
                )
                .help("wrap the markup in <div xmlns=\"http://www.w3.org/1999/xhtml\">…</div>");
            }
            "text" if children => {
                out.add(
                    Rule::UndefinedElement,
                    source.at(el),
                    format!("type=\"text\" {what} holds child elements"),
                )
                .help("escape the markup, or declare type=\"html\" and escape it");
            }
            _ => {}
        }
    }

    /// An `<author>` or `<contributor>`: it needs a name.
    fn person(&self, el: Node<'_, '_>, out: &mut Findings) {
        let named =
            elements(el).any(|n| is(n, Ns::Atom, "name") && !self.source.text(n).trim().is_empty());
        if !named {
            out.add(
                Rule::MissingElement,
                self.source.at(el),
                format!("<{}> has no <name>", el.tag_name().name()),
            )
            .help("a person needs a <name>");
        }
    }

    /// A `<category>`: a term, and a scheme that is an IRI.
    fn category(&self, el: Node<'_, '_>, out: &mut Findings) {
        let source = self.source;
        match source.attr(el, "term") {
            None => {
                out.add(
                    Rule::MissingAttribute,
                    source.at(el),
                    "<category> has no term",
                )
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
        if let Some(scheme) = source.attr(el, "scheme") {
            iri(
                &scheme.value,
                scheme.offset,
                base(el).as_ref(),
                "category scheme",
                out,
            );
        }
    }
}

/// The body of `type="xhtml"` content: report the first script in it;
/// whether it is exactly one XHTML `<div>`.
fn xhtml_body(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) -> bool {
    let (divs, others) = elements(el).fold((0, 0), |(divs, others), child| {
        if is(child, Ns::Xhtml, "div") {
            (divs + 1, others)
        } else {
            (divs, others + 1)
        }
    });
    let script = el
        .descendants()
        .skip(1)
        .filter(Node::is_element)
        .find_map(|node| {
            let local = node.tag_name().name();
            let risk = if local.eq_ignore_ascii_case("script") {
                Some("a <script> element".to_string())
            } else {
                node.attributes()
                    .find_map(|a| attribute_risk(a.name(), a.value()))
                    .map(|risk| format!("{risk} on <{local}>"))
            };
            risk.map(|risk| (node, risk))
        });
    if let Some((node, risk)) = script {
        out.add(
            Rule::ContainsScript,
            source.at(node),
            format!("xhtml content contains {risk}"),
        )
        .help("sanitize the HTML: feed readers and aggregators may run it");
    }
    divs == 1 && others == 0
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

/// Feed (and entry `source`) elements RFC 4287 allows once.
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

/// A person's `<email>`: `local@domain`, no name or angle brackets.
fn email(source: &Source<'_>, el: Node<'_, '_>, out: &mut Findings) {
    let text = source.text(el);
    let value = text.trim();
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
            source.text_at(el),
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
    fn xhtml_content_with_src_does_not_hide_the_elements_after_it() {
        // #13: the streaming rules left `type="xhtml"` content with a `src`
        // open, so everything nested as deep as it afterwards (here the
        // source's second id) was read as XHTML and never checked.
        let entry = ENTRY
            .replacen(
                "<content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>",
                "<content type=\"xhtml\" src=\"https://example.com/a.xhtml\"/>",
                1,
            )
            .replacen(
                "</entry>",
                "<source><id>https://example.com/</id><id>https://example.com/b</id></source>\n</entry>",
                1,
            );
        assert_eq!(
            found(&feed(&entry)),
            vec![
                ("InvalidContentSrc".to_string(), 16, 1),
                ("DuplicateElement".to_string(), 17, 38),
            ]
        );
    }

    #[test]
    fn an_entry_source_is_checked_like_the_feed_it_copies_but_requires_nothing() {
        let with_source = |children: &str| {
            feed(&ENTRY.replacen(
                "</entry>",
                &format!("<source>{children}</source>\n</entry>"),
                1,
            ))
        };
        // Everything in a source is optional (RFC 4287, 4.2.11), and a
        // second alternate link is allowed there.
        assert_eq!(
            codes(&with_source(
                "<link href=\"https://example.com/\"/><link href=\"https://example.com/2\"/>"
            )),
            Vec::<String>::new()
        );
        // What a source holds is checked as the feed's own would be.
        for (children, code) in [
            (
                "<contributor><email>a@example.com</email></contributor>",
                "MissingElement",
            ),
            ("<id>/relative/</id>", "InvalidURI"),
            ("<updated>yesterday</updated>", "InvalidRFC3339Date"),
            ("<link/>", "MissingHref"),
            ("<title type=\"text/plain\">A</title>", "InvalidTextType"),
            ("<icon>http://exa mple.com/i.png</icon>", "InvalidIRI"),
        ] {
            assert_eq!(codes(&with_source(children)), [code], "{children}");
        }
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
