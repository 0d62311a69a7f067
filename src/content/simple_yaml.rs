//! A fast reader for the simple YAML most front matter is written in, with
//! serde-saphyr behind it for everything else.
//!
//! The simple subset: a block mapping of `key: value` lines at the left
//! margin, whose values are plain, single-quoted or double-quoted scalars on
//! one line, flow lists of such scalars (`[a, "b"]`), block lists (`- a`),
//! or one nested block mapping of such values (`image:` with `src` and
//! `alt`); comments and blank lines. It is read into a small tree and handed
//! to the same serde visitors serde-saphyr drives, so both paths map keys to
//! fields with the same code.
//!
//! Anything the reader is not sure of (anchors, aliases, tags, multi-line or
//! block scalars, flow maps, deeper nesting, tabs, duplicate keys, `#` or
//! `: ` inside a plain scalar, escapes other than `\"` and `\\`, control and
//! odd Unicode characters, a plain scalar that YAML could read as a number)
//! makes it give up without a word, and the text goes to serde-saphyr:
//! errors and their positions are always serde-saphyr's. The property test
//! below and the fuzz target `simple_yaml` check that whenever the reader
//! accepts a text, serde-saphyr accepts it too and gives an equal value.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Visitor};

/// Read `text` as YAML into `T`: with the simple reader when the text is in
/// its subset, else with serde-saphyr (whose error is returned).
pub fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, serde_saphyr::Error> {
    match try_read(text) {
        Some(value) => Ok(value),
        None => serde_saphyr::from_str(text),
    }
}

/// Read `text` with the simple reader only: `None` when the text is not in
/// the simple subset, or when `T` does not accept what it says (then
/// serde-saphyr decides, and reports the error).
pub fn try_read<'a, T: Deserialize<'a>>(text: &'a str) -> Option<T> {
    let entries = parse(text)?;
    T::deserialize(Value(&Node::Map(entries))).ok()
}

/// A value of the simple subset.
#[derive(Debug)]
enum Node<'a> {
    /// An empty value, `~` or `null`.
    Null,
    /// One scalar.
    Scalar(Scalar<'a>),
    /// A flow or block list of scalars (or nulls).
    Seq(Vec<Node<'a>>),
    /// A block mapping with plain keys.
    Map(Vec<(&'a str, Node<'a>)>),
}

/// A scalar's text, and whether it was quoted (quoted text is never typed).
#[derive(Debug)]
struct Scalar<'a> {
    text: Cow<'a, str>,
    quoted: bool,
}

/// The longest key the reader takes (YAML limits implicit keys to 1024
/// characters; front-matter keys are short).
const MAX_KEY_LEN: usize = 64;

/// The most `#` the reader takes: serde-saphyr buffers at most 32
/// consecutive comments in some places and rejects more.
const MAX_HASHES: usize = 16;

/// Parse `text` as a top-level block mapping of the simple subset.
fn parse(text: &str) -> Option<Vec<(&str, Node<'_>)>> {
    if !text.chars().all(simple_char) || text.bytes().filter(|b| *b == b'#').count() > MAX_HASHES {
        return None;
    }
    let mut lines = Lines::new(text)?;
    let mut entries = Vec::new();
    while let Some((indent, line)) = lines.next_content() {
        if indent != 0 {
            return None;
        }
        let (key, rest) = split_key(line)?;
        let value = match inline_value(rest)? {
            Some(value) => value,
            None => block_value(&mut lines)?,
        };
        push_entry(&mut entries, key, value)?;
    }
    if entries.is_empty() {
        return None;
    }
    Some(entries)
}

/// Add `key` to a mapping unless it is already there (YAML forbids
/// duplicate keys; serde-saphyr reports them).
fn push_entry<'a>(
    entries: &mut Vec<(&'a str, Node<'a>)>,
    key: &'a str,
    value: Node<'a>,
) -> Option<()> {
    if entries.iter().any(|(k, _)| *k == key) {
        return None;
    }
    entries.push((key, value));
    Some(())
}

/// The indented lines under a `key:` with no value on its line: a block
/// list, a nested mapping of inline values, or nothing (a null).
fn block_value<'a>(lines: &mut Lines<'a>) -> Option<Node<'a>> {
    let Some((indent, first)) = lines.peek_content() else {
        return Some(Node::Null);
    };
    if is_item(first) {
        // A block list, indented or (as YAML allows under a mapping key)
        // at the key's own margin.
        let mut items = Vec::new();
        while let Some((i, line)) = lines.peek_content() {
            if i != indent || !is_item(line) {
                break;
            }
            lines.next_content();
            let item = inline_value(&line[2..])??;
            if matches!(item, Node::Seq(_)) {
                return None;
            }
            items.push(item);
        }
        return next_is_top_level(lines).then_some(Node::Seq(items));
    }
    if indent == 0 {
        return Some(Node::Null);
    }
    let mut entries = Vec::new();
    while let Some((i, line)) = lines.peek_content() {
        if i != indent {
            break;
        }
        lines.next_content();
        let (key, rest) = split_key(line)?;
        let value = inline_value(rest)?.unwrap_or(Node::Null);
        push_entry(&mut entries, key, value)?;
    }
    next_is_top_level(lines).then_some(Node::Map(entries))
}

/// Whether the block just read is followed by the end or by a line at the
/// left margin (the next top-level key), not by stray deeper lines.
fn next_is_top_level(lines: &mut Lines<'_>) -> bool {
    lines.peek_content().is_none_or(|(indent, _)| indent == 0)
}

/// Whether a line (after its indentation) is a block-list item `- value`.
fn is_item(line: &str) -> bool {
    line.starts_with("- ")
}

/// A `key: rest` line cut at its colon: a plain key of letters, digits,
/// `_` and `-` that YAML cannot read as a boolean or null.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let end = line
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?;
    let (key, rest) = line.split_at(end);
    let first = *key.as_bytes().first()?;
    if !(first.is_ascii_alphabetic() || first == b'_')
        || key.len() > MAX_KEY_LEN
        || yaml11_bool(key).is_some()
        || is_null_word(key)
    {
        return None;
    }
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest))
}

/// The value on a line after `key:` (or `- `): `Some(None)` when there is
/// none (only spaces or a comment), `None` when it is not simple.
fn inline_value(rest: &str) -> Option<Option<Node<'_>>> {
    let value = rest.trim_start_matches(' ');
    if value.is_empty() || value.starts_with('#') {
        return Some(None);
    }
    let (node, tail) = match value.as_bytes()[0] {
        b'"' => double_quoted(value)?,
        b'\'' => single_quoted(value)?,
        b'[' => flow_list(value)?,
        _ => (plain(value, false)?, ""),
    };
    end_of_line(tail).then_some(Some(node))
}

/// Whether what follows a value is only spaces and perhaps a comment.
fn end_of_line(tail: &str) -> bool {
    let rest = tail.trim_start_matches(' ');
    rest.is_empty() || (rest.starts_with('#') && rest.len() < tail.len())
}

/// A plain scalar: the whole (right-trimmed) text, unless it could be
/// anything but text to a YAML reader of the same line.
fn plain(text: &str, in_flow: bool) -> Option<Node<'_>> {
    let text = text.trim_end_matches(' ');
    let first = *text.as_bytes().first()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first)
        || text.contains('#')
        || text.contains(": ")
        || text.ends_with(':')
        || (in_flow && text.bytes().any(|b| b"[]{},:".contains(&b)))
    {
        return None;
    }
    if is_null_word(text) {
        return Some(Node::Null);
    }
    Some(Node::Scalar(Scalar {
        text: Cow::Borrowed(text),
        quoted: false,
    }))
}

/// A double-quoted scalar at the start of `text` and what follows it; only
/// the escapes `\"` and `\\`.
fn double_quoted(text: &str) -> Option<(Node<'_>, &str)> {
    let body = &text[1..];
    let mut owned: Option<String> = None;
    let mut start = 0;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                let text = match owned {
                    Some(mut s) => {
                        s.push_str(&body[start..i]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&body[..i]),
                };
                return Some((quoted(text), &body[i + 1..]));
            }
            '\\' => {
                let (_, escaped) = chars.next()?;
                if escaped != '"' && escaped != '\\' {
                    return None;
                }
                let s = owned.get_or_insert_with(String::new);
                s.push_str(&body[start..i]);
                s.push(escaped);
                start = i + 2;
            }
            _ => {}
        }
    }
    None
}

/// A single-quoted scalar at the start of `text` (`''` is one quote) and
/// what follows it.
fn single_quoted(text: &str) -> Option<(Node<'_>, &str)> {
    let body = &text[1..];
    let mut owned: Option<String> = None;
    let mut start = 0;
    let mut from = 0;
    loop {
        let i = from + body[from..].find('\'')?;
        if body[i + 1..].starts_with('\'') {
            let s = owned.get_or_insert_with(String::new);
            s.push_str(&body[start..=i]);
            start = i + 2;
            from = i + 2;
            continue;
        }
        let text = match owned {
            Some(mut s) => {
                s.push_str(&body[start..i]);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(&body[..i]),
        };
        return Some((quoted(text), &body[i + 1..]));
    }
}

/// A quoted scalar's node.
fn quoted(text: Cow<'_, str>) -> Node<'_> {
    Node::Scalar(Scalar { text, quoted: true })
}

/// A flow list `[a, "b"]` on one line and what follows it.
fn flow_list(text: &str) -> Option<(Node<'_>, &str)> {
    let mut rest = text[1..].trim_start_matches(' ');
    let mut items = Vec::new();
    if let Some(after) = rest.strip_prefix(']') {
        return Some((Node::Seq(items), after));
    }
    loop {
        let (item, after) = match rest.as_bytes().first()? {
            b'"' => double_quoted(rest)?,
            b'\'' => single_quoted(rest)?,
            _ => {
                let end = rest.find([',', ']'])?;
                (plain(&rest[..end], true)?, &rest[end..])
            }
        };
        items.push(item);
        let after = after.trim_start_matches(' ');
        if let Some(after) = after.strip_prefix(']') {
            return Some((Node::Seq(items), after));
        }
        rest = after.strip_prefix(',')?.trim_start_matches(' ');
        if rest.starts_with(']') {
            // A trailing comma: valid YAML, but rare enough to leave alone.
            return None;
        }
    }
}

/// Characters the reader takes: printable ASCII, line ends, and non-ASCII
/// characters other than controls, YAML line breaks, byte-order marks,
/// non-characters and Unicode spaces.
fn simple_char(c: char) -> bool {
    match c {
        ' '..='~' | '\n' | '\r' => true,
        '\u{0}'..='\u{9f}' => false,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => false,
        c => !c.is_whitespace(),
    }
}

/// YAML 1.1 booleans, as serde-saphyr reads them (any case).
fn yaml11_bool(text: &str) -> Option<bool> {
    const TRUE: [&str; 4] = ["true", "yes", "y", "on"];
    const FALSE: [&str; 4] = ["false", "no", "n", "off"];
    if TRUE.iter().any(|w| text.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| text.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// The plain spellings of null.
fn is_null_word(text: &str) -> bool {
    matches!(text, "~" | "null" | "Null" | "NULL")
}

/// A plain scalar that serde-saphyr gives an untyped reader as text: not a
/// boolean and not starting like a number, or a date (`2024-03-25…`, which
/// no number syntax accepts).
fn plain_is_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let numeric_start = bytes
        .first()
        .is_some_and(|b| b.is_ascii_digit() || b"+-.".contains(b));
    if !numeric_start {
        return yaml11_bool(text).is_none();
    }
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// Whether every scalar of `node` is one serde-saphyr reads without typing
/// it as a number: quoted, plain text, a YAML 1.1 boolean or null.
fn untyped(node: &Node<'_>) -> bool {
    match node {
        Node::Null => true,
        Node::Scalar(s) => s.quoted || plain_is_text(&s.text) || yaml11_bool(&s.text).is_some(),
        Node::Seq(items) => items.iter().all(untyped),
        Node::Map(entries) => entries.iter().all(|(_, value)| untyped(value)),
    }
}

/// Lines of the text with their indentation, skipping blanks and comments.
struct Lines<'a> {
    rest: &'a str,
    peeked: Option<(usize, &'a str)>,
}

impl<'a> Lines<'a> {
    /// Lines of `text`; `None` when a `\r` does not end a line.
    fn new(text: &'a str) -> Option<Self> {
        let lone_cr = text
            .match_indices('\r')
            .any(|(i, _)| !text[i + 1..].starts_with('\n'));
        (!lone_cr).then_some(Lines {
            rest: text,
            peeked: None,
        })
    }

    /// The next line with content, without taking it.
    fn peek_content(&mut self) -> Option<(usize, &'a str)> {
        if self.peeked.is_none() {
            self.peeked = self.read_content();
        }
        self.peeked
    }

    /// Take the next line with content: `(indentation, text after it)`.
    fn next_content(&mut self) -> Option<(usize, &'a str)> {
        self.peek_content();
        self.peeked.take()
    }

    fn read_content(&mut self) -> Option<(usize, &'a str)> {
        while !self.rest.is_empty() {
            let (line, rest) = match self.rest.find('\n') {
                Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
                None => (self.rest, ""),
            };
            self.rest = rest;
            let line = line.strip_suffix('\r').unwrap_or(line);
            let content = line.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            return Some((line.len() - content.len(), content));
        }
        None
    }
}

/// The reader's only error: "not simple, ask serde-saphyr".
#[derive(Debug)]
struct NotSimple;

impl fmt::Display for NotSimple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not simple YAML")
    }
}

impl std::error::Error for NotSimple {}

impl de::Error for NotSimple {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotSimple
    }
}

/// Deserialize one node, reading its scalars as serde-saphyr does.
struct Value<'a, 'n>(&'n Node<'a>);

impl<'a> Scalar<'a> {
    fn visit_text<V: Visitor<'a>>(&self, visitor: V) -> Result<V::Value, NotSimple> {
        match &self.text {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_str(s),
        }
    }
}

/// The deserializer methods for types the front matter never holds: the
/// reader gives up on them.
macro_rules! not_simple {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'a>>(self, _: V) -> Result<V::Value, NotSimple> {
            Err(NotSimple)
        })*
    };
}

impl<'a, 'n> de::Deserializer<'a> for Value<'a, 'n> {
    type Error = NotSimple;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        match self.0 {
            Node::Null => visitor.visit_unit(),
            Node::Scalar(s) if s.quoted || plain_is_text(&s.text) => s.visit_text(visitor),
            Node::Scalar(s) => match yaml11_bool(&s.text) {
                Some(b) => visitor.visit_bool(b),
                None => Err(NotSimple),
            },
            Node::Seq(_) => self.deserialize_seq(visitor),
            Node::Map(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        match self.0 {
            Node::Scalar(s) if !s.quoted => {
                visitor.visit_bool(yaml11_bool(&s.text).ok_or(NotSimple)?)
            }
            _ => Err(NotSimple),
        }
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        match self.0 {
            Node::Scalar(s) => s.visit_text(visitor),
            _ => Err(NotSimple),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        match self.0 {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        match self.0 {
            Node::Null => visitor.visit_unit(),
            _ => Err(NotSimple),
        }
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        let Node::Seq(items) = self.0 else {
            return Err(NotSimple);
        };
        let mut seq = Items(items.iter());
        let value = visitor.visit_seq(&mut seq)?;
        // A reader that stops early is one serde-saphyr may treat otherwise.
        seq.0.len().eq(&0).then_some(value).ok_or(NotSimple)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        let Node::Map(entries) = self.0 else {
            return Err(NotSimple);
        };
        let mut map = Entries {
            entries: entries.iter(),
            value: None,
        };
        let value = visitor.visit_map(&mut map)?;
        (map.entries.len() == 0 && map.value.is_none())
            .then_some(value)
            .ok_or(NotSimple)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, NotSimple> {
        // serde-saphyr still reads a value that is skipped, and may refuse
        // it (`.nan` by its float policy): skip only what it reads as text,
        // a boolean or null.
        if untyped(self.0) {
            visitor.visit_unit()
        } else {
            Err(NotSimple)
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, NotSimple> {
        self.deserialize_map(visitor)
    }

    not_simple! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, NotSimple> {
        Err(NotSimple)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, NotSimple> {
        Err(NotSimple)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, _: V) -> Result<V::Value, NotSimple> {
        Err(NotSimple)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value, NotSimple> {
        Err(NotSimple)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, NotSimple> {
        Err(NotSimple)
    }
}

/// The items of a list.
struct Items<'a, 'n>(std::slice::Iter<'n, Node<'a>>);

impl<'a> de::SeqAccess<'a> for Items<'a, '_> {
    type Error = NotSimple;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, NotSimple> {
        self.0
            .next()
            .map(|item| seed.deserialize(Value(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a mapping; keys are plain scalars read as text.
struct Entries<'a, 'n> {
    entries: std::slice::Iter<'n, (&'a str, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'a, 'n> de::MapAccess<'a> for Entries<'a, 'n> {
    type Error = NotSimple;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, NotSimple> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key = Node::Scalar(Scalar {
            text: Cow::Borrowed(key),
            quoted: false,
        });
        seed.deserialize(Value(&key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, NotSimple> {
        seed.deserialize(Value(self.value.take().ok_or(NotSimple)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{FrontMatter, ImageField, OneOrMany, TermsField};
    use proptest::prelude::*;

    /// The fast reader's value, checked against serde-saphyr's.
    fn fast(text: &str) -> Option<FrontMatter> {
        let fast = try_read::<FrontMatter>(text);
        if let Some(fast) = &fast {
            let full = serde_saphyr::from_str::<FrontMatter>(text)
                .unwrap_or_else(|e| panic!("serde-saphyr rejects {text:?}: {e}"));
            assert_eq!(fast, &full, "{text:?}");
        }
        fast
    }

    fn names(names: &[&str]) -> Option<TermsField> {
        Some(TermsField::Names(
            names.iter().map(|n| n.to_string()).collect(),
        ))
    }

    #[test]
    fn reads_the_common_front_matter() {
        let fm = fast(concat!(
            "title: 'It''s \"here\"'\n",
            "date: 2020-05-13T15:19:13-05:00\n",
            "lastmod: \"2020-05-14\"\n",
            "author: \"John O'Neill\" # the byline\n",
            "draft: false\n",
            "\n",
            "# terms\n",
            "categories:\n",
            "  - Water & Climate\n",
            "  - \"Côte d'Ivoire\"\n",
            "countries: [\"TJ\", KG , 'Iran']\n",
            "tags:\n",
            "- a\n",
            "- b\n",
            "image:\n",
            "  src: /images/flags/japan.png\n",
            "  alt: \"Flag of \\\"Japan\\\" \\\\ 1\"\n",
            "summary: «Торговле» — главная тема недели\r\n",
        ))
        .expect("simple");
        assert_eq!(fm.title.as_deref(), Some("It's \"here\""));
        assert_eq!(fm.date.unwrap().0, "2020-05-13T15:19:13-05:00");
        assert_eq!(fm.updated.unwrap().0, "2020-05-14");
        assert_eq!(fm.author, Some(OneOrMany(vec!["John O'Neill".into()])));
        assert_eq!(fm.draft, Some(false));
        assert_eq!(
            fm.other.get("categories").cloned(),
            names(&["Water & Climate", "Côte d'Ivoire"])
        );
        assert_eq!(
            fm.other.get("countries").cloned(),
            names(&["TJ", "KG", "Iran"])
        );
        assert_eq!(fm.other.get("tags").cloned(), names(&["a", "b"]));
        assert_eq!(
            fm.image,
            Some(ImageField::Table {
                src: "/images/flags/japan.png".into(),
                alt: Some("Flag of \"Japan\" \\ 1".into())
            })
        );
        assert_eq!(
            fm.summary.as_deref(),
            Some("«Торговле» — главная тема недели")
        );
    }

    #[test]
    fn reads_nulls_booleans_params_and_build() {
        let fm = fast("title: A\ndate:\nexpires: ~\ndraft: yes\nheadless: Off\nparams:\n  authors: [A, B]\n  other: x\nbuild:\n  list: never\nimage: /a.png\ntags: []\nseries: null\n").expect("simple");
        assert_eq!((fm.date, fm.expires), (None, None));
        assert_eq!((fm.draft, fm.headless), (Some(true), Some(false)));
        assert_eq!(fm.authors, Some(OneOrMany(vec!["A".into(), "B".into()])));
        assert!(fm.build.unwrap().never_listed());
        assert_eq!(fm.image, Some(ImageField::Path("/a.png".into())));
        assert_eq!(fm.other.get("tags").cloned(), names(&[]));
        assert_eq!(fm.other.get("series"), None);
    }

    #[test]
    fn untyped_plain_scalars_are_read_as_serde_saphyr_reads_them() {
        // A boolean in a list of names makes it not a list of names.
        let fm = fast("tags: [x, yes]\n").expect("simple");
        assert_eq!(fm.other.get("tags"), Some(&TermsField::NotNames));
        // Numbers are left to serde-saphyr.
        assert!(fast("tags: [1, x]\n").is_none());
        assert!(fast("tags: -x\n").is_none());
        assert!(fast("tags: .5\n").is_none());
        assert!(fast("date: 20240325\n").is_none());
    }

    #[test]
    fn gives_up_on_everything_else() {
        for text in [
            "",
            "# only a comment\n",
            "title: &a A\n",
            "title: *a\n",
            "title: !!str A\n",
            "title: |\n  A\n",
            "title: >\n  A\n",
            "title: A\n  continued\n",
            "title: \"A\n  B\"\n",
            "image: {src: a}\n",
            "params:\n  authors:\n    - A\n",
            "title:\tA\n",
            "title: A\ntitle: B\n",
            "image:\n  src: a\n  src: b\n",
            "title: a: b\n",
            "title: A:\n",
            "title: A #comment\n",
            "title: A#1\n",
            "title: \"\\n\"\n",
            "title: \"\\u0041\"\n",
            "title: A\u{a0}B\n",
            "title: A\u{2028}B\n",
            "title: A\u{85}B\n",
            "title: A\rB\n",
            " title: A\n",
            "title : A\n",
            "title:A\n",
            "\"title\": A\n",
            "null: A\n",
            "yes: A\n",
            "<<: {a: b}\n",
            "tags: [a, [b]]\n",
            "tags: [a,]\n",
            "tags: [a:b]\n",
            "tags:\n  - - a\n",
            "tags:\n  - a: b\n",
            "tags:\n  -\n",
            "tags:\n  - a\n   - b\n",
            "tags:\n  - a\n  b: c\n",
            "draft: \"true\"\n",
            "draft: maybe\n",
            "title: [a]\n",
            "---\n",
            "...\n",
            "%YAML 1.2\n",
            format!("tags:\n{}  - a\n", "# c\n".repeat(40)).as_str(),
            // Values a visitor skips are still read by serde-saphyr, which
            // may refuse them (`.nan` by its float policy): found by
            // `agrees_with_serde_saphyr` in CI.
            "categories:\n categories: .nan\n",
            "params:\n  cover: .inf\n",
            "other: [1, .nan]\n",
        ] {
            assert!(fast(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn front_matter_as_a_generic_value() {
        let text = "title: A\ndraft: true\ntags: [a, b]\nimage:\n  src: /a.png\n";
        let value: serde_json::Value = try_read(text).expect("simple");
        assert_eq!(
            value,
            serde_saphyr::from_str::<serde_json::Value>(text).unwrap()
        );
        assert!(try_read::<serde_json::Value>("weight: 3\n").is_none());
    }

    /// Text pieces: ordinary words, text that looks typed, YAML indicators,
    /// and Unicode, for scalars the reader should take or leave.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            24 => prop::sample::select(vec![
                "A", "word", "Water & Climate", "O'Neill", "/images/a.png",
                "https://example.org/x", "Тест", "«Бензин» — тема", "Côte", "😀",
                "a b", "x-y", "_u",
            ]),
            3 => prop::sample::select(vec![
                "true", "False", "yes", "NO", "y", "n", "on", "OFF", "~", "null", "Null",
                "NULL", "0", "1", "-1", "+1", "007", "0x1F", "0X1F", "0o7", "0b1", "1_000",
                "1.5", "1e3", ".5", ".inf", "-.inf", ".nan", "nan", "inf", "2024-03-25",
                "2024-03-25T10:00:00+05:00", "2024-03-25 10:00:00", "2024-3-25", "12:30",
                "1:20:30",
            ]),
            2 => prop::sample::select(vec![
                ":", ": ", "#", " #c", "'", "''", "\"", "\\", "\\\"", "\\n", "[", "]",
                "{", "}", ",", "&a", "*a", "!t", "!!str ", "|", ">", "-", "- ", "? ", "%",
                "@", "`", " ", "  ", "\t", "\r", "\n", "\n  ", "\u{a0}", "\u{2028}",
                "\u{feff}", "\u{85}", "\u{7f}", "\u{0}",
            ]),
        ]
        .prop_map(str::to_string)
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(piece(), 1..4).prop_map(|p| p.concat())
    }

    /// One scalar as written: plain, single-quoted or double-quoted.
    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => text(),
            1 => text().prop_map(|t| format!("'{}'", t.replace('\'', "''"))),
            1 => text().prop_map(|t| format!("'{t}'")),
            1 => text().prop_map(|t| format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))),
            1 => text().prop_map(|t| format!("\"{t}\"")),
        ]
    }

    /// Keys: taxonomies and unknown fields (any value goes), typed fields,
    /// and keys that are not plain or read as something else.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "categories", "countries", "tags", "series", "x-y", "_u", "Tags",
            ]),
            3 => prop::sample::select(vec![
                "title", "Title", "date", "publishDate", "lastmod", "expires", "draft",
                "headless", "author", "authors", "summary", "description", "image", "slug",
                "id", "url", "build", "_build", "params", "src", "alt", "list", "render",
            ]),
            1 => prop::sample::select(vec!["y", "on", "null", "1a", "a b", "\"title\"", "<<"]),
        ]
        .prop_map(str::to_string)
    }

    fn indent() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["", "", " ", "  ", "  ", "  ", "  ", "   ", "\t"])
            .prop_map(str::to_string)
    }

    /// The text after `key:` including the line end and any lines under it.
    fn value() -> impl Strategy<Value = String> {
        let gap = prop::sample::select(vec![" ", " ", " ", " ", "  ", "", "\t "]);
        let end = prop::sample::select(vec![
            "\n", "\n", "\n", "\n", "\n", "\n", "\r\n", " # c\n", "#c\n", "  \n",
        ]);
        prop_oneof![
            4 => (gap.clone(), scalar(), end.clone()).prop_map(|(g, s, e)| format!("{g}{s}{e}")),
            2 => (gap.clone(), prop::collection::vec(scalar(), 0..4), end.clone(), any::<bool>())
                .prop_map(|(g, items, e, spaced)| {
                    let sep = if spaced { ", " } else { "," };
                    format!("{g}[{}]{e}", items.join(sep))
                }),
            2 => (end.clone(), indent(), prop::collection::vec((indent(), scalar()), 1..4))
                .prop_map(|(e, first, items)| {
                    let mut out = e.to_string();
                    for (n, (slip, item)) in items.into_iter().enumerate() {
                        let i = if n == 0 { &first } else if slip.len() == 1 { &slip } else { &first };
                        out.push_str(&format!("{i}- {item}\n"));
                    }
                    out
                }),
            2 => (end.clone(), indent(), prop::collection::vec((key(), gap, scalar()), 1..4))
                .prop_map(|(e, i, entries)| {
                    let mut out = e.to_string();
                    for (k, g, s) in entries {
                        out.push_str(&format!("{i}{k}:{g}{s}\n"));
                    }
                    out
                }),
            1 => end.prop_map(str::to_string),
        ]
    }

    fn front_matter() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            8 => (key(), value()).prop_map(|(k, v)| format!("{k}:{v}")),
            1 => prop::sample::select(vec!["\n", "# comment\n", "  # indented\n", " \n"])
                .prop_map(str::to_string),
            1 => (indent(), key(), value()).prop_map(|(i, k, v)| format!("{i}{k}:{v}")),
        ];
        prop::collection::vec(line, 1..6).prop_map(|lines| lines.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// Whenever the reader takes a text, serde-saphyr takes it too and
        /// gives an equal value (typed, and as a generic value).
        #[test]
        fn agrees_with_serde_saphyr(text in front_matter()) {
            if let Some(fast) = try_read::<FrontMatter>(&text) {
                let full = serde_saphyr::from_str::<FrontMatter>(&text);
                prop_assert!(full.is_ok(), "serde-saphyr rejects {:?}: {:?}", text, full);
                prop_assert_eq!(fast, full.unwrap(), "{:?}", text);
            }
            if let Some(fast) = try_read::<serde_json::Value>(&text) {
                let full = serde_saphyr::from_str::<serde_json::Value>(&text);
                prop_assert!(full.is_ok(), "serde-saphyr rejects {:?}: {:?}", text, full);
                prop_assert_eq!(fast, full.unwrap(), "{:?}", text);
            }
        }
    }

    /// The property above is not vacuous: the generator's texts are often
    /// simple enough for the reader, and often not.
    #[test]
    fn the_generator_reaches_both_paths() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let strategy = front_matter();
        let total = 2000;
        let accepted = (0..total)
            .filter(|_| {
                let text = strategy.new_tree(&mut runner).unwrap().current();
                try_read::<FrontMatter>(&text).is_some()
            })
            .count();
        eprintln!("accepted {accepted} of {total}");
        assert!(
            accepted > total / 10 && accepted < total * 9 / 10,
            "{accepted} of {total}"
        );
    }
}
