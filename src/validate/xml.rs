//! The byte and XML layers: encoding, legal characters, well-formedness and
//! namespaces, and the element stream handed to the feed rules.
//!
//! Only the chain of currently open elements is kept (names, attributes,
//! direct text), never the whole document. This layer knows no feed format:
//! the caller (`validate/mod.rs`) picks the [`Rules`] from the root element.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};
use quick_xml::{NsReader, XmlVersion};
use url::Url;

use super::{Findings, Rule};

/// At most this many `InvalidXmlCharacter` findings per file, then a count.
const MAX_CHARACTER_FINDINGS: usize = 10;

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
    fn of(resolved: &ResolveResult<'_>) -> Ns {
        match resolved {
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(_) => Ns::Other,
            ResolveResult::Bound(ns) => match ns.0 {
                b"" => Ns::None,
                b"http://www.w3.org/2005/Atom" => Ns::Atom,
                b"http://purl.org/rss/1.0/modules/content/" => Ns::Content,
                b"http://search.yahoo.com/mrss/" => Ns::Media,
                b"http://www.w3.org/1999/xhtml" => Ns::Xhtml,
                b"http://purl.org/dc/elements/1.1/" => Ns::Dc,
                b"http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
                b"http://purl.org/rss/1.0/" => Ns::Rss1,
                b"http://www.w3.org/XML/1998/namespace" => Ns::Xml,
                _ => Ns::Other,
            },
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

/// An open element: its name, attributes, base URL and direct text so far.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub(super) ns: Ns,
    pub(super) local: String,
    pub(super) attrs: Vec<Attr>,
    /// Byte offset of the `<` of the start tag.
    pub(super) offset: usize,
    /// The absolute base URL in scope (`xml:base`), if any.
    pub(super) base: Option<Url>,
    /// Unescaped character data directly inside this element.
    pub(super) text: String,
    /// Byte offset of the first character data, if any.
    pub(super) text_offset: Option<usize>,
    /// Number of child elements.
    pub(super) children: usize,
    /// 1-based position among the siblings with the same name (2 for the
    /// second `<title>` of a channel).
    pub(super) nth: usize,
    /// Names of the child elements so far, with how often each occurred.
    pub(super) child_names: Vec<(Ns, String, usize)>,
    /// Direct children's local names and trimmed text, when `collect` is set.
    pub(super) child_values: Vec<(String, String, usize)>,
    /// Whether to keep children's values in `child_values` (small containers
    /// such as RSS `<image>`, whose rules need them at the end).
    pub(super) collect: bool,
    /// Byte offset of the first `&` or `<` in the text written as `&amp;`,
    /// `&lt;` or inside CDATA rather than as a hexadecimal reference.
    pub(super) named_markup: Option<usize>,
}

impl Frame {
    /// Whether this element has the given namespace and local name.
    pub(super) fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// The attribute with this local name and no namespace.
    pub(super) fn attr(&self, local: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.ns == Ns::None && a.local == local)
    }

    /// The direct text, trimmed.
    pub(super) fn value(&self) -> &str {
        self.text.trim()
    }

    /// Where findings about the text should point.
    pub(super) fn text_at(&self) -> usize {
        self.text_offset.unwrap_or(self.offset)
    }
}

/// The rules of one feed format, fed the element stream.
pub(super) trait Rules {
    /// An element starts; `parents` are the open elements around it, root first.
    fn start(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings);
    /// An element ends, with its direct text complete.
    fn end(&mut self, el: &Frame, parents: &[Frame], out: &mut Findings);
}

/// Whether XML 1.0 allows the character anywhere in a document.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// What the XML declaration says about the encoding.
#[derive(Debug, PartialEq, Eq)]
enum Declared {
    Nothing,
    Encoding { label: String, offset: usize },
}

fn declared_encoding(body: &[u8]) -> Declared {
    let is_decl =
        body.starts_with(b"<?xml") && body.get(5).is_some_and(|b| b.is_ascii_whitespace());
    let Some(end) = body.windows(2).position(|w| w == b"?>").filter(|_| is_decl) else {
        return Declared::Nothing;
    };
    let decl = &body[..end];
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else {
        return Declared::Nothing;
    };
    let mut i = at + 8;
    let skip_space = |mut i: usize| {
        while decl.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    i = skip_space(i);
    if decl.get(i) != Some(&b'=') {
        return Declared::Nothing;
    }
    i = skip_space(i + 1);
    let Some(&quote @ (b'"' | b'\'')) = decl.get(i) else {
        return Declared::Nothing;
    };
    let start = i + 1;
    let len = decl[start..].iter().take_while(|&&b| b != quote).count();
    Declared::Encoding {
        label: String::from_utf8_lossy(&decl[start..start + len]).into_owned(),
        offset: start,
    }
}

/// Decode the document to text, reporting encoding problems.
///
/// UTF-8 (the default), US-ASCII, UTF-16 with a byte-order mark, and every
/// encoding the WHATWG Encoding Standard names (through `encoding_rs`:
/// ISO-8859-x, windows-125x, KOI8, Shift_JIS, GBK, Big5, …) are read;
/// anything else is reported and read as UTF-8 so the structure can still
/// be checked.
pub(super) fn decode<'b>(bytes: &'b [u8], out: &mut Findings) -> Cow<'b, str> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Cow::Owned(utf16(rest, u16::from_le_bytes, out));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Cow::Owned(utf16(rest, u16::from_be_bytes, out));
    }
    let (bom, body) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let (label, offset) = match declared_encoding(body) {
        Declared::Encoding { label, offset } => (label.to_ascii_lowercase(), offset),
        Declared::Nothing => {
            if !bom {
                out.add(Rule::MissingEncoding, 0, "no encoding is declared")
                    .help("start the file with <?xml version=\"1.0\" encoding=\"utf-8\"?>");
            }
            ("utf-8".to_string(), 0)
        }
    };
    if bom && label != "utf-8" && label != "utf8" {
        out.add(
            Rule::EncodingMismatch,
            offset,
            format!(
                "the file starts with a UTF-8 byte-order mark but declares encoding \"{label}\""
            ),
        );
        return utf8(body, out);
    }
    match label.as_str() {
        "utf-8" | "utf8" => utf8(body, out),
        "us-ascii" | "ascii" => {
            if let Some(at) = body.iter().position(|b| !b.is_ascii()) {
                out.add(
                    Rule::EncodingMismatch,
                    at,
                    format!(
                        "byte 0x{:02X} is not US-ASCII, the declared encoding",
                        body[at]
                    ),
                )
                .help("declare encoding=\"utf-8\" if the file is UTF-8");
            }
            String::from_utf8_lossy(body)
        }
        "utf-16" | "utf-16le" | "utf-16be" | "ucs-2" => {
            out.add(
                Rule::EncodingMismatch,
                offset,
                format!("encoding \"{label}\" is declared, but the file is 8-bit and has no byte-order mark"),
            )
            .help("declare encoding=\"utf-8\" if the file is UTF-8");
            String::from_utf8_lossy(body)
        }
        _ => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) if encoding == encoding_rs::UTF_8 => utf8(body, out),
            Some(encoding)
                if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE =>
            {
                let (text, malformed) = encoding.decode_without_bom_handling(body);
                if malformed {
                    let at = text.find('\u{FFFD}').unwrap_or(0);
                    out.add(
                        Rule::EncodingMismatch,
                        at,
                        format!(
                            "bytes that are not valid {}, the declared encoding",
                            encoding.name()
                        ),
                    )
                    .help("declare the encoding the file really uses (usually utf-8)");
                }
                text
            }
            _ => {
                out.add(
                    Rule::UnknownEncoding,
                    offset,
                    format!("unknown or unsupported encoding \"{label}\""),
                )
                .help("write feeds in UTF-8 and declare encoding=\"utf-8\"");
                String::from_utf8_lossy(body)
            }
        },
    }
}

fn utf8<'b>(body: &'b [u8], out: &mut Findings) -> Cow<'b, str> {
    match std::str::from_utf8(body) {
        Ok(text) => Cow::Borrowed(text),
        Err(e) => {
            let at = e.valid_up_to();
            out.add(
                Rule::UnicodeError,
                at,
                format!(
                    "byte 0x{:02X} is not valid UTF-8",
                    body.get(at).copied().unwrap_or(0)
                ),
            )
            .help("save the file as UTF-8, or declare the encoding it really uses");
            String::from_utf8_lossy(body)
        }
    }
}

fn utf16(body: &[u8], unit: fn([u8; 2]) -> u16, out: &mut Findings) -> String {
    let units = body.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(body.len() / 2);
    let mut reported = false;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(e) => {
                if !reported {
                    out.add(
                        Rule::UnicodeError,
                        text.len(),
                        format!("unpaired UTF-16 surrogate 0x{:04X}", e.unpaired_surrogate()),
                    );
                    reported = true;
                }
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if body.len() % 2 == 1 && !reported {
        out.add(
            Rule::UnicodeError,
            text.len(),
            "UTF-16 text ends in half a character",
        );
    }
    text
}

/// Report characters XML 1.0 forbids (quick-xml does not check them).
pub(super) fn check_chars(text: &str, out: &mut Findings) {
    let mut bad = text.char_indices().filter(|&(_, c)| !is_xml_char(c));
    for (at, c) in bad.by_ref().take(MAX_CHARACTER_FINDINGS) {
        out.add(
            Rule::InvalidXmlCharacter,
            at,
            format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c)),
        )
        .help("remove it: control characters other than tab, newline and carriage return cannot appear in XML, not even escaped");
    }
    if let Some((at, _)) = bad.next() {
        let more = 1 + bad.count();
        out.add(
            Rule::InvalidXmlCharacter,
            at,
            format!("{more} more characters not allowed in XML 1.0 from here on"),
        );
    }
}

/// The namespace and local name of the document's root element, if one
/// can be read.
pub(super) fn root_element(text: &str) -> Option<(Ns, String)> {
    let mut reader = NsReader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let (resolved, local) = reader.resolver().resolve_element(e.name());
                return Some((
                    Ns::of(&resolved),
                    String::from_utf8_lossy(local.as_ref()).into_owned(),
                ));
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Byte offset of `slice` inside `text`, or `fallback` when it is not a subslice.
fn offset_in(text: &str, slice: &[u8], fallback: usize) -> usize {
    let start = text.as_ptr() as usize;
    let at = slice.as_ptr() as usize;
    if at >= start && at <= start + text.len() {
        at - start
    } else {
        fallback
    }
}

/// Stream the document, checking XML rules and feeding the rules
/// `pick_rules` chooses for its root element (it reports a root that is no
/// feed; `None` leaves the document to the XML checks alone).
pub(super) fn scan<P>(text: &str, pick_rules: P, out: &mut Findings)
where
    P: FnOnce(&Frame, &mut Findings) -> Option<Box<dyn Rules>>,
{
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_comments = true;
    reader.config_mut().check_end_names = true;
    let mut scanner = Scanner {
        text,
        pick_rules: Some(pick_rules),
        stack: Vec::new(),
        rules: None,
        saw_root: false,
        root_closed: false,
        reported_stray_text: false,
    };
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(at);
                out.add(Rule::NotWellFormed, at, format!("not well-formed XML: {e}"));
                return;
            }
        };
        let keep_going = match event {
            Event::Start(e) => scanner.open(reader.resolver(), &e, at, out),
            Event::Empty(e) => {
                let opened = scanner.open(reader.resolver(), &e, at, out);
                scanner.close(out);
                opened
            }
            Event::End(_) => {
                scanner.close(out);
                true
            }
            Event::Text(t) => {
                let raw = t.decode().unwrap_or_default();
                if raw.contains("]]>") {
                    out.add(
                        Rule::NotWellFormed,
                        at,
                        "\"]]>\" is not allowed in text; escape it as \"]]&gt;\"",
                    );
                }
                scanner.text(&raw, at, out);
                true
            }
            Event::CData(t) => {
                let raw = t.decode().unwrap_or_default();
                if raw.contains(['&', '<']) {
                    scanner.named_markup(at);
                }
                scanner.text(&raw, at, out);
                true
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap_or_default();
                let resolved = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => Some(c),
                        Ok(Some(c)) => {
                            out.add(
                                Rule::InvalidXmlCharacter,
                                at,
                                format!("&{name}; refers to U+{:04X}, which XML 1.0 does not allow", u32::from(c)),
                            )
                            .help("remove it: control characters cannot appear in XML, not even escaped");
                            None
                        }
                        Ok(None) | Err(_) => {
                            out.add(
                                Rule::NotWellFormed,
                                at,
                                format!("&{name}; is not a valid character reference"),
                            );
                            None
                        }
                    }
                } else {
                    if matches!(name.as_ref(), "lt" | "amp") {
                        scanner.named_markup(at);
                    }
                    match name.as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => {
                            out.add(Rule::UndefinedNamedEntity, at, format!("&{name}; is not defined in XML"))
                                .help("XML only predefines &amp; &lt; &gt; &quot; &apos;: write the character itself or a numeric reference such as &#160;");
                            None
                        }
                    }
                };
                if let Some(c) = resolved {
                    scanner.text(c.encode_utf8(&mut [0; 4]), at, out);
                }
                true
            }
            Event::Decl(d) => {
                if at != 0 {
                    out.add(
                        Rule::NotWellFormed,
                        at,
                        "the XML declaration must be at the very start of the file",
                    );
                }
                match d.version() {
                    Ok(v) if v.as_ref() == b"1.0" => {}
                    Ok(v) => {
                        out.add(
                            Rule::BadXmlVersion,
                            at,
                            format!(
                                "XML version \"{}\"; feeds must be XML 1.0",
                                String::from_utf8_lossy(&v)
                            ),
                        );
                    }
                    Err(e) => {
                        out.add(Rule::NotWellFormed, at, format!("bad XML declaration: {e}"));
                    }
                }
                true
            }
            Event::DocType(_) => {
                if scanner.saw_root {
                    out.add(
                        Rule::NotWellFormed,
                        at,
                        "a DOCTYPE must come before the root element",
                    );
                }
                true
            }
            Event::PI(_) | Event::Comment(_) => true,
            Event::Eof => {
                scanner.eof(out);
                return;
            }
        };
        if !keep_going {
            return;
        }
    }
}

/// Streaming state: the open elements and the format's rules.
struct Scanner<'t, P> {
    text: &'t str,
    /// Taken when the root element opens.
    pick_rules: Option<P>,
    stack: Vec<Frame>,
    rules: Option<Box<dyn Rules>>,
    saw_root: bool,
    root_closed: bool,
    reported_stray_text: bool,
}

impl<P> Scanner<'_, P>
where
    P: FnOnce(&Frame, &mut Findings) -> Option<Box<dyn Rules>>,
{
    /// Open an element; false when the document cannot be read further.
    fn open(
        &mut self,
        resolver: &NamespaceResolver,
        e: &BytesStart<'_>,
        at: usize,
        out: &mut Findings,
    ) -> bool {
        let qname = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if self.root_closed {
            out.add(
                Rule::NotWellFormed,
                at,
                format!(
                    "<{qname}> after the root element has closed; a document has exactly one root"
                ),
            );
            return false;
        }
        let (resolved, local) = resolver.resolve_element(e.name());
        if let ResolveResult::Unknown(prefix) = &resolved {
            undeclared(out, at + 1, &String::from_utf8_lossy(prefix), &qname);
        }
        let ns = Ns::of(&resolved);
        let local = String::from_utf8_lossy(local.as_ref()).into_owned();
        let mut attrs = Vec::new();
        for attr in e.attributes() {
            let attr = match attr {
                Ok(attr) => attr,
                Err(err) => {
                    out.add(
                        Rule::NotWellFormed,
                        at,
                        format!("bad attribute in <{qname}>: {err}"),
                    );
                    return false;
                }
            };
            if attr.key.as_namespace_binding().is_some() {
                continue;
            }
            let name = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
            let offset = offset_in(self.text, &attr.value, at);
            if attr.value.contains(&b'<') {
                out.add(
                    Rule::NotWellFormed,
                    offset,
                    format!("'<' in the value of {name}; escape it as &lt;"),
                );
                return false;
            }
            let (resolved, attr_local) = resolver.resolve_attribute(attr.key);
            if let ResolveResult::Unknown(prefix) = &resolved {
                undeclared(out, offset, &String::from_utf8_lossy(prefix), &name);
            }
            let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
                Ok(value) => value.into_owned(),
                Err(err) => {
                    let rule = match &err {
                        quick_xml::Error::Escape(
                            quick_xml::escape::EscapeError::UnrecognizedEntity(..),
                        ) => Rule::UndefinedNamedEntity,
                        _ => Rule::NotWellFormed,
                    };
                    out.add(rule, offset, format!("in the value of {name}: {err}"));
                    String::from_utf8_lossy(&attr.value).into_owned()
                }
            };
            if let Some(c) = value.chars().find(|&c| !is_xml_char(c)) {
                // Raw ones were reported already; this catches &#1; and friends.
                if attr.value.windows(2).any(|w| w == b"&#") {
                    out.add(
                        Rule::InvalidXmlCharacter,
                        offset,
                        format!(
                            "the value of {name} refers to U+{:04X}, which XML 1.0 does not allow",
                            u32::from(c)
                        ),
                    );
                }
            }
            attrs.push(Attr {
                ns: Ns::of(&resolved),
                local: String::from_utf8_lossy(attr_local.as_ref()).into_owned(),
                value,
                offset,
            });
        }
        let parent_base = self.stack.last().and_then(|p| p.base.as_ref());
        let base = match attrs.iter().find(|a| a.ns == Ns::Xml && a.local == "base") {
            Some(b) => match parent_base {
                Some(parent) => parent.join(b.value.trim()).ok(),
                None => Url::parse(b.value.trim()).ok(),
            },
            None => parent_base.cloned(),
        };
        let frame = Frame {
            ns,
            local,
            attrs,
            offset: at,
            base,
            text: String::new(),
            text_offset: None,
            children: 0,
            nth: 1,
            child_names: Vec::new(),
            child_values: Vec::new(),
            collect: false,
            named_markup: None,
        };
        let mut frame = frame;
        frame.collect = matches!(
            frame.local.as_str(),
            "image" | "textInput" | "textinput" | "skipHours" | "skipDays"
        );
        if self.stack.is_empty() {
            self.saw_root = true;
            self.rules = self.pick_rules.take().and_then(|pick| pick(&frame, out));
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.children += 1;
            let seen = parent
                .child_names
                .iter_mut()
                .find(|(ns, local, _)| *ns == frame.ns && *local == frame.local);
            frame.nth = match seen {
                Some((_, _, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    parent.child_names.push((frame.ns, frame.local.clone(), 1));
                    1
                }
            };
        }
        if let Some(rules) = self.rules.as_mut() {
            rules.start(&frame, &self.stack, out);
        }
        self.stack.push(frame);
        true
    }

    fn close(&mut self, out: &mut Findings) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if let Some(rules) = self.rules.as_mut() {
            rules.end(&frame, &self.stack, out);
        }
        if let Some(parent) = self.stack.last_mut()
            && parent.collect
        {
            parent.child_values.push((
                frame.local.clone(),
                frame.value().to_string(),
                frame.text_at(),
            ));
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    /// Note a `&` or `<` written by name (or in CDATA) in the open element.
    fn named_markup(&mut self, at: usize) {
        if let Some(frame) = self.stack.last_mut() {
            frame.named_markup.get_or_insert(at);
        }
    }

    fn text(&mut self, text: &str, at: usize, out: &mut Findings) {
        match self.stack.last_mut() {
            Some(frame) => {
                if frame.text_offset.is_none() && !text.trim().is_empty() {
                    frame.text_offset = Some(at);
                }
                frame.text.push_str(text);
            }
            None if !text.trim().is_empty() && !self.reported_stray_text => {
                self.reported_stray_text = true;
                let at = at + (text.len() - text.trim_start().len());
                out.add(Rule::NotWellFormed, at, "text outside the root element");
            }
            None => {}
        }
    }

    fn eof(&mut self, out: &mut Findings) {
        if let Some(open) = self.stack.last() {
            out.add(
                Rule::NotWellFormed,
                open.offset,
                format!("<{}> is never closed (the file ends inside it)", open.local),
            );
        } else if !self.saw_root {
            out.add(Rule::NotWellFormed, self.text.len(), "no root element");
        }
    }
}

fn undeclared(out: &mut Findings, at: usize, prefix: &str, name: &str) {
    out.add(
        Rule::UndeclaredPrefix,
        at,
        format!("namespace prefix \"{prefix}\" of {name} is not declared"),
    )
    .help(format!(
        "declare it, e.g. xmlns:{prefix}=\"...\" on the root element"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Options, validate_feed};
    use proptest::prelude::*;
    use std::cell::RefCell;
    use std::path::Path;
    use std::rc::Rc;

    fn codes(bytes: &[u8]) -> Vec<(String, usize, usize)> {
        validate_feed(Path::new("t.xml"), bytes, &Options::default())
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

    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

    #[test]
    fn encoding_declarations() {
        let cases: [(&[u8], &[&str]); 9] = [
            (b"<?xml version=\"1.0\" encoding=\"utf-8\"?><x/>", &[]),
            (b"<?xml version='1.0' encoding = 'UTF-8' ?><x/>", &[]),
            (b"\xEF\xBB\xBF<x/>", &[]),
            (b"<x/>", &["MissingEncoding"]),
            (b"<?xml version=\"1.0\"?><x/>", &["MissingEncoding"]),
            (
                b"<?xml version=\"1.0\" encoding=\"klingon\"?><x/>",
                &["UnknownEncoding"],
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"us-ascii\"?><x>\xC3\xA9</x>",
                &["EncodingMismatch"],
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"utf-16\"?><x/>",
                &["EncodingMismatch"],
            ),
            (
                b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><x>\xE9</x>",
                &[],
            ),
        ];
        for (bytes, expected) in cases {
            let mut out = Findings::default();
            let _ = decode(bytes, &mut out);
            let found: Vec<_> = out.list.iter().map(|f| f.rule.code()).collect();
            assert_eq!(found, expected, "{}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn transcodes_legacy_encodings_and_utf16() {
        let mut out = Findings::default();
        let text = decode(
            b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><x>\x93hi\x94 \xE9</x>",
            &mut out,
        );
        assert!(text.contains("\u{201C}hi\u{201D} \u{e9}"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<x>é</x>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, &mut out), "<x>é</x>");
        assert!(out.list.is_empty());
    }

    #[test]
    fn any_whatwg_encoding_is_read_through_encoding_rs() {
        // #13: no hand-written code-page table; KOI8-R and Shift_JIS feeds exist.
        let mut out = Findings::default();
        let koi8 = decode(
            b"<?xml version=\"1.0\" encoding=\"koi8-r\"?><x>\xF0\xD2\xC9\xD7\xC5\xD4</x>",
            &mut out,
        );
        assert!(koi8.contains("Привет"), "{koi8}");
        let sjis = decode(
            b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><x>\x93\xfa\x96\x7b</x>",
            &mut out,
        );
        assert!(sjis.contains("日本"), "{sjis}");
        assert!(out.list.is_empty());
        let _ = decode(
            b"<?xml version=\"1.0\" encoding=\"shift_jis\"?><x>\x81</x>",
            &mut out,
        );
        let found: Vec<_> = out.list.iter().map(|f| f.rule.code()).collect();
        assert_eq!(found, ["EncodingMismatch"]);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let found = codes(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss>\n  caf\xE9\n</rss>");
        assert!(
            found.contains(&("UnicodeError".to_string(), 3, 6)),
            "{found:?}"
        );
    }

    #[test]
    fn illegal_characters_raw_and_referenced_with_positions() {
        let doc = format!("{HEAD}<x>\n ok \u{1} <y a=\"&#x2;\"/>&#11;</x>");
        let found: Vec<_> = codes(doc.as_bytes())
            .into_iter()
            .filter(|(c, ..)| c == "InvalidXmlCharacter")
            .map(|(_, l, c)| (l, c))
            .collect();
        // U+0001 at line 3 col 5; the attribute value at col 13; &#11; at col 21.
        assert_eq!(found, vec![(3, 5), (3, 13), (3, 21)]);
    }

    #[test]
    fn floods_of_illegal_characters_are_capped() {
        let doc = format!("{HEAD}<x>{}</x>", "\u{7}".repeat(25));
        let found = codes(doc.as_bytes());
        assert_eq!(found.len(), MAX_CHARACTER_FINDINGS + 2, "{found:?}"); // + count + UnknownFeedFormat
    }

    #[test]
    fn well_formedness_errors_are_located() {
        let cases = [
            ("<rss>\n<channel>\n</rss>", (3, 1)),
            ("<rss>\n  <channel>", (2, 3)),
            ("<rss/>\n<rss/>", (2, 1)),
            ("<rss/>\n  trailing", (2, 3)),
            ("<rss a=\"1\" a=\"2\"/>", (1, 1)),
            ("<rss a=\"<\"/>", (1, 9)),
            ("<rss><!-- a -- b --></rss>", (1, 13)),
            ("<rss>a & b</rss>", (1, 8)),
            ("<rss>]]></rss>", (1, 6)),
            ("", (1, 1)),
        ];
        for (body, position) in cases {
            let found = codes(body.as_bytes());
            assert!(
                found
                    .iter()
                    .any(|(c, l, col)| c == "NotWellFormed" && (*l, *col) == position),
                "{body:?}: {found:?}"
            );
        }
    }

    #[test]
    fn entities_and_prefixes() {
        let doc = format!("{HEAD}<x xmlns:a=\"urn:a\">&nbsp;<a:y/><b:z/><y c:d=\"1\"/></x>");
        let found = codes(doc.as_bytes());
        let summary: Vec<_> = found
            .iter()
            .filter(|(c, ..)| c != "UnknownFeedFormat")
            .map(|(c, _, col)| (c.as_str(), *col))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("UndefinedNamedEntity", 20),
                ("UndeclaredPrefix", 33),
                ("UndeclaredPrefix", 46)
            ]
        );
    }

    #[test]
    fn declared_entities_are_never_expanded() {
        // #13: a DTD may declare entities; none is expanded, so a "billion
        // laughs" stays as small as the file and an external entity (XXE)
        // never reads a local file. Their references are reported instead.
        let mut declarations = String::from("<!ENTITY l0 \"lol\">");
        for level in 1..10 {
            let previous = format!("&l{};", level - 1).repeat(10);
            declarations.push_str(&format!("<!ENTITY l{level} \"{previous}\">"));
        }
        let laughs =
            format!("{HEAD}<!DOCTYPE rss [{declarations}]>\n<rss version=\"2.0\">&l9;</rss>");
        let started = std::time::Instant::now();
        let found = validate_feed(Path::new("t.xml"), laughs.as_bytes(), &Options::default());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let entity = found
            .iter()
            .find(|d| d.code.as_deref() == Some("UndefinedNamedEntity"))
            .unwrap_or_else(|| panic!("{found:?}"));
        assert_eq!((entity.line, entity.column), (Some(3), Some(20)));
        assert!(
            found.iter().all(|d| !d.message.contains("lollol")),
            "{found:?}"
        );

        let external = format!(
            "{HEAD}<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<rss version=\"2.0\">&x;</rss>"
        );
        let found = validate_feed(Path::new("t.xml"), external.as_bytes(), &Options::default());
        assert!(
            found
                .iter()
                .any(|d| d.code.as_deref() == Some("UndefinedNamedEntity"))
        );
        assert!(
            found.iter().all(|d| !d.message.contains("root:")),
            "{found:?}"
        );
    }

    #[test]
    fn xml_version_and_declaration_position() {
        let found = codes(b"<?xml version=\"1.1\" encoding=\"utf-8\"?><x/>");
        assert!(found.iter().any(|(c, ..)| c == "BadXmlVersion"));
        let found = codes(b"\n<?xml version=\"1.0\" encoding=\"utf-8\"?><x/>");
        assert!(found.iter().any(|(c, ..)| c == "NotWellFormed"));
    }

    #[test]
    fn xml_base_is_inherited_and_resolved() {
        /// Rules that record the base URL in scope at each element.
        struct Bases(Rc<RefCell<Vec<Option<String>>>>);
        impl Rules for Bases {
            fn start(&mut self, el: &Frame, _: &[Frame], _: &mut Findings) {
                self.0
                    .borrow_mut()
                    .push(el.base.as_ref().map(Url::to_string));
            }
            fn end(&mut self, _: &Frame, _: &[Frame], _: &mut Findings) {}
        }
        let text = "<a xml:base=\"https://e.com/x/\"><b xml:base=\"y/\"><c/></b><d xml:base=\"rel/\"/></a><e/>";
        let seen = Rc::new(RefCell::new(Vec::new()));
        let rules = Bases(Rc::clone(&seen));
        let mut out = Findings::default();
        scan(text, |_, _| Some(Box::new(rules)), &mut out);
        let expected = [
            Some("https://e.com/x/"),
            Some("https://e.com/x/y/"),
            Some("https://e.com/x/y/"),
            Some("https://e.com/x/rel/"),
        ];
        assert_eq!(
            *seen.borrow(),
            expected.map(|b| b.map(String::from)).to_vec()
        );
    }

    #[test]
    fn unknown_roots() {
        let cases: [(&str, &str); 3] = [
            // #13: RSS 1.0 is recognised; an RDF root outside its namespace is not.
            ("<RDF/>", "UnknownFeedFormat"),
            ("<html/>", "UnknownFeedFormat"),
            ("<feed/>", "InvalidNamespace"),
        ];
        for (body, code) in cases {
            let doc = format!("{HEAD}{body}");
            let found = codes(doc.as_bytes());
            assert_eq!(
                found.iter().map(|(c, ..)| c.as_str()).collect::<Vec<_>>(),
                [code],
                "{body}"
            );
        }
    }

    /// Text heavy in the characters XML cares about, plus anything at all.
    fn tricky_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[<>&'\"\\]\\[;#xX0-9a-z \\t\\r\\n\\x01\\x0B\\u{FFFE}é€😀-]{0,40}",
        ]
    }

    proptest! {
        #[test]
        fn escaped_text_never_breaks_the_xml(title in tricky_text(), description in tricky_text()) {
            let doc = format!(
                "{HEAD}<rss version=\"2.0\"><channel><title>{}</title><link>https://example.com/</link><description>{}</description></channel></rss>",
                quick_xml::escape::escape(title.as_str()),
                quick_xml::escape::escape(description.as_str()),
            );
            let found = codes(doc.as_bytes());
            let xml_level: Vec<_> = found
                .iter()
                .filter(|(c, ..)| c == "NotWellFormed" || c == "InvalidXmlCharacter")
                .collect();
            let illegal = title.chars().chain(description.chars()).any(|c| !is_xml_char(c));
            if illegal {
                prop_assert!(xml_level.iter().all(|(c, ..)| c == "InvalidXmlCharacter"), "{:?}", found);
                prop_assert!(!xml_level.is_empty());
            } else {
                prop_assert!(xml_level.is_empty(), "{:?}", found);
            }
        }

        #[test]
        fn never_panics_on_damaged_feeds(cut in 0usize..2000, junk in proptest::collection::vec(any::<u8>(), 0..8), at in 0usize..2000) {
            let valid = format!(
                "{HEAD}<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>T</title><link>https://e.com/</link><description>&lt;p&gt;x&lt;/p&gt;</description><item><title>é</title><pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate></item></channel></rss>"
            );
            let mut bytes = valid.into_bytes();
            let at = at.min(bytes.len());
            bytes.splice(at..at, junk);
            bytes.truncate(cut.max(1));
            let _ = validate_feed(Path::new("x.xml"), &bytes, &Options::default());
        }

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = validate_feed(Path::new("x.xml"), &bytes, &Options::default());
        }
    }
}
