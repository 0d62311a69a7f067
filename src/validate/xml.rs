//! The byte and XML layers: encoding, legal characters, well-formedness and
//! namespaces.
//!
//! The document is decoded, then parsed with `roxmltree`; recoverable XML
//! errors are reported and repaired in a copy so the parse goes on, and the
//! root element is handed to the caller with a [`Source`] to read the tree
//! by. This layer knows no feed format: the caller (`validate/mod.rs`)
//! picks the rules from the root element.

use std::borrow::Cow;

use super::tree::{Ns, Source, ns_of};
use super::{Findings, Rule};
use crate::text::{all_xml_chars, is_xml_char};

/// At most this many `InvalidXmlCharacter` findings per file, then a count.
const MAX_CHARACTER_FINDINGS: usize = 10;

/// The value of a pseudo-attribute (`version`, `encoding`) of the XML
/// declaration, with the byte offset of the value; `None` without a
/// declaration or without that pseudo-attribute.
pub(super) fn declaration_value(body: &[u8], name: &str) -> Option<(String, usize)> {
    let is_decl =
        body.starts_with(b"<?xml") && body.get(5).is_some_and(|b| b.is_ascii_whitespace());
    let end = body
        .windows(2)
        .position(|w| w == b"?>")
        .filter(|_| is_decl)?;
    let decl = &body[..end];
    let at = decl
        .windows(name.len())
        .position(|w| w == name.as_bytes())?;
    let skip_space = |mut i: usize| {
        while decl.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    let i = skip_space(at + name.len());
    if decl.get(i) != Some(&b'=') {
        return None;
    }
    let i = skip_space(i + 1);
    let &quote @ (b'"' | b'\'') = decl.get(i)? else {
        return None;
    };
    let start = i + 1;
    let len = decl[start..].iter().take_while(|&&b| b != quote).count();
    Some((
        String::from_utf8_lossy(&decl[start..start + len]).into_owned(),
        start,
    ))
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
    let (label, offset) = match declaration_value(body, "encoding") {
        Some((label, offset)) => (label.to_ascii_lowercase(), offset),
        None => {
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

/// Report characters XML 1.0 forbids, raw, wherever they are (the parser
/// reads a copy with them blanked, so that every one is listed).
pub(super) fn check_chars(text: &str, out: &mut Findings) {
    if all_xml_chars(text) {
        return;
    }
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

/// The namespace and local name of the document's root element, if its
/// start tag can be read.
///
/// A root element's name and namespace depend on its start tag alone (it
/// has no ancestors to inherit a namespace from), so that tag is parsed on
/// its own with `roxmltree`: the same answer as parsing the whole document
/// when it is well-formed, and still an answer when the document breaks
/// after the tag (a truncated feed is still recognised as RSS).
pub(super) fn root_element(text: &str) -> Option<(Ns, String)> {
    let start = root_start(text)?;
    let end = start + tag_length(&text[start..])?;
    let tag = &text[start..end];
    let alone = match tag.strip_suffix("/>") {
        Some(_) => tag.to_string(),
        None => format!("{}/>", &tag[..tag.len() - 1]),
    };
    let parsed = roxmltree::Document::parse(&alone).ok()?;
    let root = parsed.root_element();
    Some((ns_of(root), root.tag_name().name().to_string()))
}

/// The length of the tag `text` starts with, up to and including its `>`
/// (one inside a quoted attribute value does not end it).
fn tag_length(text: &str) -> Option<usize> {
    let mut quote = None;
    for (at, byte) in text.bytes().enumerate() {
        match (quote, byte) {
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(open), _) if byte == open => quote = None,
            (None, b'>') => return Some(at + 1),
            _ => {}
        }
    }
    None
}

/// At most this many repairs (an undefined entity, an undeclared prefix, a
/// reference to an illegal character, a DTD, content after the root) before
/// the document is given up as too broken to list every problem.
const MAX_REPAIRS: usize = 32;

/// The namespace feedpub declares for an undeclared prefix while it reads
/// on, so the rest of the document can still be checked.
const UNDECLARED_NS: &str = "urn:feedpub:undeclared-prefix";

/// What a fatal XML error adds to its message: the feed rules need a tree.
const NO_FEED_RULES: &str = "the feed rules run only on well-formed XML, so fix this first";

/// The document as handed to `roxmltree`: the decoded text with each
/// reported, recoverable error blanked out (same byte length, line breaks
/// kept) or an undeclared prefix declared on the root element, so one
/// document can yield several findings although the parser stops at the
/// first error. Offsets are translated back to the decoded text.
struct Repaired {
    text: String,
    /// Where namespace declarations for undeclared prefixes were inserted
    /// (after the root element's name), and their total length.
    declared: Option<(usize, usize)>,
}

impl Repaired {
    /// The decoded text with raw illegal characters blanked (they are
    /// reported by [`check_chars`], wherever they are).
    fn new(text: &str) -> Self {
        let text = if all_xml_chars(text) {
            text.to_string()
        } else {
            text.chars()
                .map(|c| {
                    if is_xml_char(c) {
                        c.to_string()
                    } else {
                        " ".repeat(c.len_utf8())
                    }
                })
                .collect()
        };
        Repaired {
            text,
            declared: None,
        }
    }

    /// The offset in the decoded text of an offset in the repaired one.
    fn original(&self, at: usize) -> usize {
        self.source().original(at)
    }

    /// The repaired text, read in terms of the decoded one.
    fn source(&self) -> Source<'_> {
        Source::new(&self.text, self.declared)
    }

    /// The byte offset of a `roxmltree` line and column (in characters).
    fn offset_of(&self, pos: roxmltree::TextPos) -> usize {
        let row = usize::try_from(pos.row).unwrap_or(usize::MAX);
        let col = usize::try_from(pos.col).unwrap_or(usize::MAX);
        let line_start = match row {
            0 | 1 => 0,
            _ => self
                .text
                .match_indices('\n')
                .nth(row - 2)
                .map_or(self.text.len(), |(at, _)| at + 1),
        };
        self.text[line_start..]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(self.text.len(), |(at, _)| line_start + at)
    }

    /// Overwrite `range` with spaces, keeping line breaks and byte offsets.
    fn blank(&mut self, range: std::ops::Range<usize>) {
        let end = range.end.min(self.text.len());
        let Some(slice) = self.text.get(range.start..end) else {
            return;
        };
        let spaces: String = slice
            .chars()
            .map(|c| {
                if c == '\n' {
                    "\n".to_string()
                } else {
                    " ".repeat(c.len_utf8())
                }
            })
            .collect();
        self.text.replace_range(range.start..end, &spaces);
    }

    /// Declare `prefix` on the root element so the parser reads on.
    fn declare(&mut self, prefix: &str) -> bool {
        let at = match self.declared {
            Some((at, _)) => at,
            None => {
                let Some(root) = root_start(&self.text) else {
                    return false;
                };
                let name_len = self.text[root + 1..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                    .unwrap_or(0);
                root + 1 + name_len
            }
        };
        let declaration = format!(" xmlns:{prefix}=\"{UNDECLARED_NS}\"");
        self.text.insert_str(at, &declaration);
        let len = self.declared.map_or(0, |(_, len)| len) + declaration.len();
        self.declared = Some((at, len));
        true
    }
}

/// Byte offset of the root element's `<`, skipping the prolog's comments,
/// processing instructions and DOCTYPE.
fn root_start(text: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = text[at..].find('<') {
        let start = at + found;
        let rest = &text[start..];
        let skip_to = if rest.starts_with("<!--") {
            rest.find("-->").map(|end| end + 3)
        } else if rest.starts_with("<?") {
            rest.find("?>").map(|end| end + 2)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|end| end + 1)
        } else {
            return Some(start);
        };
        at = start + skip_to?;
    }
    None
}

/// The end of the DOCTYPE declaration starting at `start` (after its `>`).
fn doctype_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let close = match (rest.find('['), rest.find('>')) {
        (Some(open), Some(gt)) if open < gt => rest[open..].find(']').and_then(|bracket| {
            rest[open + bracket..]
                .find('>')
                .map(|gt| open + bracket + gt)
        }),
        (_, gt) => gt,
    };
    close.map_or(text.len(), |gt| start + gt + 1)
}

/// How reading on after an XML error goes.
enum Recovery {
    /// The error was reported (or needs no finding) and repaired: parse again.
    Again,
    /// The document cannot be read further; the feed rules do not run.
    Stop,
}

/// Report one `roxmltree` error and repair the document where that is
/// possible.
fn recover(doc: &mut Repaired, error: &roxmltree::Error, out: &mut Findings) -> Recovery {
    use roxmltree::Error as E;
    let at = error.pos();
    let at = doc.offset_of(at);
    match error {
        E::DtdDetected => {
            // A DOCTYPE is allowed, but its entities are never expanded (no
            // "billion laughs", no external entity read): references to
            // them are reported as undefined.
            let Some(start) = doc.text.find("<!DOCTYPE") else {
                return fatal(doc, 0, "a DTD that cannot be read".into(), out);
            };
            if root_start(&doc.text).is_some_and(|root| root < start) {
                return fatal(
                    doc,
                    start,
                    "a DOCTYPE must come before the root element".into(),
                    out,
                );
            }
            let end = doctype_end(&doc.text, start);
            doc.blank(start..end);
            Recovery::Again
        }
        E::UnknownEntityReference(name, _) => {
            out.add(
                Rule::UndefinedNamedEntity,
                doc.original(at),
                format!("&{name}; is not defined in XML"),
            )
            .help("XML only predefines &amp; &lt; &gt; &quot; &apos;: write the character itself or a numeric reference such as &#160;");
            doc.blank(at..at + name.len() + 2);
            Recovery::Again
        }
        E::MalformedEntityReference(_) => {
            let rest = &doc.text[at..];
            let Some(reference) = rest
                .strip_prefix("&#")
                .and_then(|r| r.find(';').filter(|&end| end <= 10).map(|end| &r[..end]))
            else {
                return fatal(doc, at, "a bare '&'; write it as &amp;".into(), out);
            };
            let len = reference.len() + 3;
            let number = match reference.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => reference.parse(),
            };
            match number.ok().and_then(char::from_u32) {
                Some(c) if !is_xml_char(c) => {
                    out.add(
                        Rule::InvalidXmlCharacter,
                        doc.original(at),
                        format!(
                            "&#{reference}; refers to U+{:04X}, which XML 1.0 does not allow",
                            u32::from(c)
                        ),
                    )
                    .help("remove it: control characters cannot appear in XML, not even escaped");
                }
                _ => {
                    out.add(
                        Rule::NotWellFormed,
                        doc.original(at),
                        format!("&#{reference}; is not a valid character reference"),
                    )
                    .help("write a character reference as &#233; or &#xE9;");
                }
            }
            doc.blank(at..at + len);
            Recovery::Again
        }
        E::UnknownNamespace(prefix, _) => {
            let rest = &doc.text[at..];
            let name_len = rest
                .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '/' | '>'))
                .unwrap_or(rest.len());
            let name = rest[..name_len].to_string();
            let is_element = doc.text[..at].ends_with('<');
            // An attribute is located by its value, as the other attribute findings are.
            let finding_at = if is_element {
                at
            } else {
                rest.find(['"', '\'']).map_or(at, |quote| at + quote + 1)
            };
            out.add(
                Rule::UndeclaredPrefix,
                doc.original(finding_at),
                format!("namespace prefix \"{prefix}\" of {name} is not declared"),
            )
            .help(format!(
                "declare it, e.g. xmlns:{prefix}=\"...\" on the root element"
            ));
            if doc.declare(prefix) {
                Recovery::Again
            } else {
                Recovery::Stop
            }
        }
        E::NonXmlChar(c, _) => {
            // Raw ones are blanked beforehand; this is a safety net.
            doc.blank(at..at + c.len_utf8());
            Recovery::Again
        }
        E::UnknownToken(_) => {
            let after_root = parses(&doc.text[..at]);
            let rest = &doc.text[at..];
            if after_root {
                let what = if rest.starts_with('<') && !rest.starts_with("<!") {
                    let name_len = rest[1..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                        .unwrap_or(0);
                    format!(
                        "<{}> after the root element has closed; a document has exactly one root",
                        &rest[1..1 + name_len]
                    )
                } else {
                    "text outside the root element".to_string()
                };
                out.add(Rule::NotWellFormed, doc.original(at), what)
                    .help("remove what follows the root element's end tag");
                let end = doc.text.len();
                doc.blank(at..end);
                Recovery::Again
            } else {
                fatal(doc, at, "unexpected markup here".into(), out)
            }
        }
        E::UnclosedRootNode => {
            let (at, name) = innermost_unclosed(&doc.text).unwrap_or((0, String::new()));
            fatal(
                doc,
                at,
                format!("<{name}> is never closed (the file ends inside it)"),
                out,
            )
        }
        E::InvalidCharacterData(_) => {
            let at = doc.text[..at].rfind("]]>").unwrap_or(at);
            fatal(
                doc,
                at,
                "\"]]>\" is not allowed in text; escape it as \"]]&gt;\"".into(),
                out,
            )
        }
        E::InvalidComment(_) => {
            let at = doc.text[at..]
                .get(4..)
                .and_then(|body| body.find("--"))
                .map_or(at, |dashes| at + 4 + dashes);
            fatal(
                doc,
                at,
                "\"--\" inside a comment; comments cannot contain two hyphens in a row".into(),
                out,
            )
        }
        E::DuplicatedAttribute(name, _) => fatal(
            doc,
            at,
            format!("attribute {name} appears twice in one element"),
            out,
        ),
        E::NoRootNode => fatal(doc, doc.text.len(), "no root element".into(), out),
        E::UnexpectedDeclaration(_) => fatal(
            doc,
            at,
            "the XML declaration must be at the very start of the file".into(),
            out,
        ),
        other => {
            let message = other.to_string();
            let position = format!(" at {}:{}", other.pos().row, other.pos().col);
            fatal(doc, at, message.replace(&position, ""), out)
        }
    }
}

/// Report an XML error after which the document cannot be read.
fn fatal(doc: &Repaired, at: usize, what: String, out: &mut Findings) -> Recovery {
    out.add(
        Rule::NotWellFormed,
        doc.original(at),
        format!("not well-formed XML: {what}"),
    )
    .help(NO_FEED_RULES);
    Recovery::Stop
}

/// Whether `text` alone is a well-formed document (up to the errors the
/// repairs deal with).
fn parses(text: &str) -> bool {
    !matches!(
        roxmltree::Document::parse(text),
        Err(roxmltree::Error::UnclosedRootNode
            | roxmltree::Error::UnexpectedCloseTag(..)
            | roxmltree::Error::NoRootNode
            | roxmltree::Error::UnknownToken(..))
    )
}

/// The offset and name of the innermost element a truncated document leaves
/// open: found by closing the open elements one by one (the parser names the
/// one it expects) and locating the first one closed in the completed tree.
fn innermost_unclosed(text: &str) -> Option<(usize, String)> {
    const PROBE: &str = "</feedpub-probe>";
    let mut closers = String::new();
    let mut innermost = None;
    for _ in 0..256 {
        let attempt = format!("{text}{closers}{PROBE}");
        match roxmltree::Document::parse(&attempt) {
            Err(roxmltree::Error::UnexpectedCloseTag(expected, _, _)) => {
                innermost.get_or_insert_with(|| expected.clone());
                closers.push_str(&format!("</{expected}>"));
            }
            _ => break,
        }
    }
    let name = innermost?;
    let completed = format!("{text}{closers}");
    let doc = roxmltree::Document::parse(&completed).ok()?;
    let first_close_end = text.len() + name.len() + 3;
    let node = doc
        .descendants()
        .find(|n| n.is_element() && n.range().end == first_close_end)?;
    Some((node.range().start, name))
}

/// Parse the document with `roxmltree`, checking XML rules, and hand the
/// root element to `check` (format dispatch lives in `validate/mod.rs`).
/// After an error that cannot be repaired the feed rules do not run.
pub(super) fn scan<C>(text: &str, check: C, out: &mut Findings)
where
    C: FnOnce(&Source<'_>, roxmltree::Node<'_, '_>, &mut Findings),
{
    if let Some((version, at)) = declaration_value(text.as_bytes(), "version")
        && version != "1.0"
    {
        out.add(
            Rule::BadXmlVersion,
            at,
            format!("XML version \"{version}\"; feeds must be XML 1.0"),
        );
    }
    let mut doc = Repaired::new(text);
    let mut repairs = 0;
    loop {
        let error = match roxmltree::Document::parse(&doc.text) {
            Ok(tree) => {
                check(&doc.source(), tree.root_element(), out);
                return;
            }
            Err(error) => error,
        };
        repairs += 1;
        if repairs > MAX_REPAIRS {
            let at = doc.offset_of(error.pos());
            fatal(
                &doc,
                at,
                format!("more than {MAX_REPAIRS} XML errors; the rest are not listed"),
                out,
            );
            return;
        }
        if let Recovery::Stop = recover(&mut doc, &error, out) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Options, validate_feed};
    use proptest::prelude::*;
    use std::path::Path;

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
            // #13: roxmltree points at the second attribute, not the element.
            ("<rss a=\"1\" a=\"2\"/>", (1, 12)),
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
    fn repairable_errors_are_all_listed_and_the_feed_rules_still_run() {
        // #13: roxmltree stops at the first error; an undefined entity and an
        // undeclared prefix are repaired and parsing goes on, so the RSS
        // rules still see the bad date.
        let doc = format!(
            "{HEAD}<rss version=\"2.0\"><channel><title>A&eacute;</title><link>https://e.com/</link><description>D</description>\n<item><x:y/><title>T</title><pubDate>yesterday</pubDate></item></channel></rss>"
        );
        let found = codes(doc.as_bytes());
        let summary: Vec<_> = found.iter().map(|(c, ..)| c.as_str()).collect();
        assert!(summary.contains(&"UndefinedNamedEntity"), "{found:?}");
        assert!(
            found.contains(&("UndeclaredPrefix".to_string(), 3, 8)),
            "{found:?}"
        );
        assert!(summary.contains(&"InvalidRFC2822Date"), "{found:?}");
    }

    #[test]
    fn fatal_errors_say_the_feed_rules_did_not_run() {
        let doc = format!(
            "{HEAD}<rss version=\"2.0\"><channel><item><pubDate>yesterday</pubDate></item>\n  <item><title>T</channel></rss>"
        );
        let found = validate_feed(Path::new("t.xml"), doc.as_bytes(), &Options::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code.as_deref(), Some("NotWellFormed"));
        assert!(
            found[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("feed rules run only on well-formed XML")),
            "{found:?}"
        );
        // The innermost element a truncated file leaves open is named and located.
        let cut = format!("{HEAD}<rss>\n<channel>\n  <item><title>T</title>");
        let found = validate_feed(Path::new("t.xml"), cut.as_bytes(), &Options::default());
        let unclosed = found
            .iter()
            .find(|d| d.code.as_deref() == Some("NotWellFormed"))
            .unwrap_or_else(|| panic!("{found:?}"));
        assert!(
            unclosed.message.contains("<item> is never closed"),
            "{unclosed:?}"
        );
        assert_eq!((unclosed.line, unclosed.column), (Some(4), Some(3)));
    }

    #[test]
    fn a_doctype_after_the_root_is_not_well_formed() {
        let found = codes(format!("{HEAD}<x/>\n<!DOCTYPE x>").as_bytes());
        assert!(
            found.contains(&("NotWellFormed".to_string(), 3, 1)),
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
