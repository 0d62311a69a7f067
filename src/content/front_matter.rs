//! Splitting an article file into front matter and Markdown body.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::problem::Problem;

/// Which front-matter syntax an article uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML between `---` lines.
    Yaml,
    /// TOML between `+++` lines.
    Toml,
    /// A JSON object at the start of the file.
    Json,
    /// No front matter at all (Hugo accepts such pages).
    None,
}

impl Format {
    /// The syntax's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
            Format::Json => "JSON",
            Format::None => "front matter",
        }
    }
}

/// An article file cut into its two parts.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front-matter syntax.
    pub format: Format,
    /// The front-matter text, without the fences (JSON keeps its braces).
    pub front_matter: &'a str,
    /// The file line on which `front_matter` starts, to turn parser
    /// positions inside it into file lines.
    pub first_line: usize,
    /// The body after the closing fence.
    pub body: &'a str,
}

/// Why a file could not be split; the line is a 1-based file line.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    /// What kind of problem it is.
    pub problem: Problem,
    /// Where the problem is.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Cut `text` into front matter and body, as Hugo does: YAML between `---`
/// lines, TOML between `+++` lines, or a JSON object, after any blank
/// lines; a file that starts otherwise has no front matter. A UTF-8 BOM and
/// CRLF line endings are accepted.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rest = text;
    let mut line = 1;
    let first = loop {
        let (current, after) = next_line(rest);
        if !current.trim().is_empty() || after.is_empty() {
            break current;
        }
        rest = after;
        line += 1;
    };
    let (format, fence) = match first.trim_end() {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ if first.trim_start().starts_with('{') => return split_json(text, rest, line),
        _ => {
            return Ok(Split {
                format: Format::None,
                front_matter: "",
                first_line: 1,
                body: text,
            });
        }
    };
    let opening = line;
    rest = next_line(rest).1;
    let start = text.len() - rest.len();
    while !rest.is_empty() {
        let (current, after) = next_line(rest);
        if current.trim_end() == fence {
            let end = text.len() - rest.len();
            return Ok(Split {
                format,
                front_matter: &text[start..end],
                first_line: opening + 1,
                body: after,
            });
        }
        rest = after;
    }
    Err(SplitError {
        problem: Problem::UnclosedFrontMatter,
        line: opening,
        message: format!("front matter opened with `{fence}` is never closed"),
        help: format!("add a `{fence}` line after the last front-matter field"),
    })
}

/// Split JSON front matter: the object starting at `rest` (file line `line`).
fn split_json<'a>(text: &'a str, rest: &'a str, line: usize) -> Result<Split<'a>, SplitError> {
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => {
            let end = values.byte_offset();
            // The body starts on the line after the closing brace.
            let body = next_line(&rest[end..]).1;
            Ok(Split {
                format: Format::Json,
                front_matter: &rest[..end],
                first_line: line,
                body: if rest[end..].contains('\n') { body } else { "" },
            })
        }
        Some(Err(e)) => Err(SplitError {
            problem: Problem::InvalidFrontMatter,
            line: line + e.line().saturating_sub(1),
            message: format!("invalid JSON front matter: {}", json_message(&e)),
            help: "front matter that starts with `{` is JSON: close the object with `}`, and quote every key and text".into(),
        }),
        None => Ok(Split {
            format: Format::None,
            front_matter: "",
            first_line: 1,
            body: text,
        }),
    }
}

/// serde_json's message without its " at line L column C" suffix.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// The first line of `text` (without its line ending) and everything after it.
fn next_line(text: &str) -> (&str, &str) {
    match text.find('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    }
}

/// A front-matter date as written: a YAML scalar or a TOML datetime, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = DateText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2024-03-25 or 2024-03-25T10:00:00+05:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<DateText, E> {
                // `date:` with nothing after it: no date, as `date: ""`.
                Ok(DateText(String::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateText, A::Error> {
                // TOML's native datetimes arrive as a private one-key map.
                let datetime =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DateText(datetime.to_string()))
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// A list of names that may also be written as a single one (bylines).
/// A name is a string, or a table with a `name` (`{name: Ann, avatar: …}`,
/// as themes write authors); a table without one names nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

/// One name of a [`OneOrMany`]: `None` for a table without a `name`.
struct NameOrTable(Option<String>);

/// Reads a string, or the `name` of a table (keys case-insensitive).
struct NameOrTableVisitor;

impl<'de> Visitor<'de> for NameOrTableVisitor {
    type Value = NameOrTable;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a name, or a table with a `name`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NameOrTable, E> {
        Ok(NameOrTable(Some(v.to_string())))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NameOrTable, A::Error> {
        let mut name = None;
        while let Some((key, _)) = next_key(&mut map)? {
            if key == "name" {
                name = map.next_value::<Option<String>>()?;
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(NameOrTable(name))
    }
}

impl<'de> Deserialize<'de> for NameOrTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NameOrTableVisitor)
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of names or a single name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OneOrMany, A::Error> {
                let NameOrTable(name) = NameOrTableVisitor.visit_map(map)?;
                Ok(OneOrMany(name.into_iter().collect()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(NameOrTable(item)) = seq.next_element()? {
                    items.extend(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// The lead image: a path or URL, or a table with `src` and `alt`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "`image` is a path or URL, or a table with `src` and `alt`"
)]
pub enum ImageField {
    /// `image: /images/flag.png`
    Path(String),
    /// `image: { src: /images/flag.png, alt: "Flag of Tajikistan" }`
    Table {
        /// Path or URL of the image.
        src: String,
        /// Alternative text.
        alt: Option<String>,
    },
}

/// The front-matter fields feedpub reads, with Hugo's names and aliases.
/// Keys are case-insensitive, as in Hugo (`Draft: true` is a draft).
/// Unknown fields are ignored; wrong types are errors naming the field.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// Headline.
    pub title: Option<String>,
    /// The article's date (`date`).
    pub date: Option<DateText>,
    /// When the article goes live (`publishDate`, `pubdate`, `published`).
    pub publish_date: Option<DateText>,
    /// Date of the last meaningful change (`lastmod`, `modified`, `updated`).
    pub updated: Option<DateText>,
    /// After this date the article leaves the feeds (`expiryDate`,
    /// `unpublishdate`, `expires`).
    pub expires: Option<DateText>,
    /// Never published when true.
    pub draft: Option<bool>,
    /// Single byline.
    pub author: Option<OneOrMany>,
    /// Several bylines (also read from `params.authors` / `params.author`).
    pub authors: Option<OneOrMany>,
    /// Short plain-text summary; wins over `description`.
    pub summary: Option<String>,
    /// Description, the summary when there is no `summary`.
    pub description: Option<String>,
    /// Lead image.
    pub image: Option<ImageField>,
    /// Replaces the file name in the article's URL.
    pub slug: Option<String>,
    /// Explicit, permanent id (an absolute URI).
    pub id: Option<String>,
    /// Explicit URL (absolute, or a path on the site).
    pub url: Option<String>,
    /// Hugo's `headless`: a page that is never listed.
    pub headless: Option<bool>,
    /// Hugo's `build` options (also `_build`).
    pub build: Option<BuildField>,
    /// Every other field, keyed in lower case; those named like a taxonomy
    /// of the site (`categories`, `countries`, `tags`, …) hold the
    /// article's terms.
    pub other: HashMap<String, TermsField>,
}

impl FrontMatter {
    /// Take every field this page does not set from `cascade` (Hugo's
    /// `cascade` of a section's `_index.md`).
    pub fn inherit(&mut self, cascade: FrontMatter) {
        macro_rules! take {
            ($($field:ident),*) => {
                $(if self.$field.is_none() {
                    self.$field = cascade.$field;
                })*
            };
        }
        take!(
            title,
            date,
            publish_date,
            updated,
            expires,
            draft,
            author,
            authors,
            summary,
            description,
            image,
            slug,
            id,
            url,
            headless,
            build
        );
        for (key, value) in cascade.other {
            self.other.entry(key).or_insert(value);
        }
    }
}

/// Hugo's `build` front matter: whether a page is rendered and listed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BuildField {
    /// `list`: `always` (default), `local` or `never`.
    pub list: Option<String>,
    /// `render`: `always` (default), `link` or `never`.
    pub render: Option<String>,
}

impl BuildField {
    /// Whether Hugo leaves the page out of every list (and so every feed).
    pub fn never_listed(&self) -> bool {
        self.list
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("never") || l == "false")
    }
}

/// Read one field's value. (A wrong type is reported with the parser's
/// position; the loader names the field from the file line.)
fn field<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    _key: &str,
) -> Result<Option<T>, A::Error> {
    map.next_value::<Option<T>>()
}

/// A map read with case-insensitive keys: `(lower-case key, as written)`.
fn next_key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<(String, String)>, A::Error> {
    Ok(map
        .next_key::<String>()?
        .map(|key| (key.to_lowercase(), key)))
}

impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FrontMatterVisitor;
        impl<'de> Visitor<'de> for FrontMatterVisitor {
            type Value = FrontMatter;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("front-matter fields (`title: ...`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FrontMatter, A::Error> {
                let mut fm = FrontMatter::default();
                while let Some((key, written)) = next_key(&mut map)? {
                    let m = &mut map;
                    let k = written.as_str();
                    match key.as_str() {
                        "title" => fm.title = field(m, k)?,
                        "date" => fm.date = field(m, k)?,
                        "publishdate" | "pubdate" | "published" => fm.publish_date = field(m, k)?,
                        "lastmod" | "modified" | "updated" => fm.updated = field(m, k)?,
                        "expirydate" | "unpublishdate" | "expires" => fm.expires = field(m, k)?,
                        "draft" => fm.draft = field(m, k)?,
                        "author" => fm.author = field(m, k)?,
                        "authors" => fm.authors = field(m, k)?,
                        "summary" => fm.summary = field(m, k)?,
                        "description" => fm.description = field(m, k)?,
                        "image" => fm.image = field(m, k)?,
                        "slug" => fm.slug = field(m, k)?,
                        "id" => fm.id = field(m, k)?,
                        "url" => fm.url = field(m, k)?,
                        "headless" => fm.headless = field(m, k)?,
                        "build" | "_build" => fm.build = field(m, k)?,
                        "params" => {
                            if let Some(params) = field::<Params, _>(m, k)? {
                                fm.authors = fm.authors.or(params.authors);
                                fm.author = fm.author.or(params.author);
                            }
                        }
                        _ => {
                            if let Some(value) = field(m, k)? {
                                fm.other.insert(key, value);
                            }
                        }
                    }
                }
                Ok(fm)
            }
        }
        deserializer.deserialize_map(FrontMatterVisitor)
    }
}

impl<'de> Deserialize<'de> for BuildField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BuildVisitor;
        impl<'de> Visitor<'de> for BuildVisitor {
            type Value = BuildField;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("build options such as `list: never`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BuildField, A::Error> {
                let mut build = BuildField::default();
                while let Some((key, written)) = next_key(&mut map)? {
                    let value = field::<Setting, _>(&mut map, &written)?.map(|s| s.0);
                    match key.as_str() {
                        "list" => build.list = value,
                        "render" => build.render = value,
                        _ => {}
                    }
                }
                Ok(build)
            }
        }
        deserializer.deserialize_map(BuildVisitor)
    }
}

/// A `build` setting: `never`, `always`, … or a boolean (older Hugo).
struct Setting(String);

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SettingVisitor;
        impl<'de> Visitor<'de> for SettingVisitor {
            type Value = Setting;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`always`, `local`, `link` or `never`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Setting, E> {
                Ok(Setting(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Setting, E> {
                Ok(Setting(v.to_string()))
            }
        }
        deserializer.deserialize_any(SettingVisitor)
    }
}

/// The bylines in Hugo's `params` (other params are ignored).
#[derive(Default)]
struct Params {
    authors: Option<OneOrMany>,
    author: Option<OneOrMany>,
}

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParamsVisitor;
        impl<'de> Visitor<'de> for ParamsVisitor {
            type Value = Params;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of parameters")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Params, A::Error> {
                let mut params = Params::default();
                while let Some((key, written)) = next_key(&mut map)? {
                    match key.as_str() {
                        "authors" => params.authors = field(&mut map, &written)?,
                        "author" => params.author = field(&mut map, &written)?,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(params)
            }
        }
        deserializer.deserialize_any(ParamsVisitor)
    }
}

/// A field that may hold taxonomy terms: a name or a list of names
/// (numbers count as names, as in Hugo), or anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermsField {
    /// The names, as written.
    Names(Vec<String>),
    /// A value that is not a list of names (a table, nested lists): an
    /// error when the field is a taxonomy, ignored otherwise.
    NotNames,
}

impl<'de> Deserialize<'de> for TermsField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// One list item: a name, or something that is not one.
        struct Name(Option<String>);
        impl<'de> Deserialize<'de> for Name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(NameVisitor)
            }
        }
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name, E> {
                Ok(Name(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Name, E> {
                Ok(Name(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Name, E> {
                Ok(Name(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Name, E> {
                Ok(Name(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Name, E> {
                Ok(Name(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Name, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Name(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Name, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Name(None))
            }
        }
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = TermsField;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TermsField, E> {
                Ok(TermsField::Names(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TermsField, E> {
                Ok(TermsField::Names(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TermsField, E> {
                Ok(TermsField::Names(vec![v.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TermsField, E> {
                Ok(TermsField::Names(vec![v.to_string()]))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<TermsField, E> {
                Ok(TermsField::NotNames)
            }
            fn visit_unit<E: de::Error>(self) -> Result<TermsField, E> {
                Ok(TermsField::Names(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TermsField, A::Error> {
                let mut names = Vec::new();
                let mut all_names = true;
                while let Some(Name(name)) = seq.next_element::<Name>()? {
                    match name {
                        Some(name) => names.push(name),
                        None => all_names = false,
                    }
                }
                Ok(if all_names {
                    TermsField::Names(names)
                } else {
                    TermsField::NotNames
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TermsField, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(TermsField::NotNames)
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_with_bom_and_crlf() {
        let s = split("\u{FEFF}---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.front_matter, "title: A\r\n");
        assert_eq!(s.first_line, 2);
        assert_eq!(s.body, "Body\r\n");
    }

    #[test]
    fn splits_toml_and_allows_trailing_spaces_on_fences() {
        let s = split("+++  \ntitle = \"A\"\n+++\n").unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn a_closing_fence_of_the_other_kind_does_not_close() {
        let e = split("---\ntitle: A\n+++\nbody\n").unwrap_err();
        assert!(e.message.contains("never closed"), "{e:?}");
    }

    #[test]
    fn a_file_without_front_matter_is_all_body_as_in_hugo() {
        let s = split("# Just a heading\n").unwrap();
        assert_eq!(s.format, Format::None);
        assert_eq!(s.body, "# Just a heading\n");
        assert_eq!(split("").unwrap().format, Format::None);
    }

    #[test]
    fn blank_lines_before_the_fence_and_json_objects() {
        let s = split("\n  \n---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(
            (s.format, s.first_line, s.front_matter),
            (Format::Yaml, 4, "title: A\n")
        );
        let s = split("{\n\"title\": \"A\"\n}\nBody\n").unwrap();
        assert_eq!(s.format, Format::Json);
        assert_eq!(s.front_matter, "{\n\"title\": \"A\"\n}");
        assert_eq!(s.body, "Body\n");
        let e = split("{\n\"title\": \n").unwrap_err();
        assert!(e.message.contains("invalid JSON front matter"), "{e:?}");
    }

    #[test]
    fn dates_lists_and_images_deserialize_from_yaml_and_toml() {
        let yaml: FrontMatter = serde_saphyr::from_str(
            "title: A\ndate: 2024-03-25T10:00:00+05:00\ncategories: Economy\ncountries: [TJ, KG]\ntags: [1, x]\nparams: {a: [1, {b: 2}]}\nimage:\n  src: /a.png\n  alt: Flag\n",
        )
        .unwrap();
        assert_eq!(
            yaml.date,
            Some(DateText("2024-03-25T10:00:00+05:00".into()))
        );
        let field = |name: &str| yaml.other.get(name).cloned();
        assert_eq!(
            field("categories"),
            Some(TermsField::Names(vec!["Economy".into()]))
        );
        assert_eq!(
            field("countries"),
            Some(TermsField::Names(vec!["TJ".into(), "KG".into()]))
        );
        assert_eq!(
            field("tags"),
            Some(TermsField::Names(vec!["1".into(), "x".into()]))
        );
        // `params` is read for bylines only, never as terms.
        assert_eq!(field("params"), None);
        assert_eq!(
            yaml.image,
            Some(ImageField::Table {
                src: "/a.png".into(),
                alt: Some("Flag".into())
            })
        );

        let toml: FrontMatter = toml::from_str(
            "title = \"A\"\ndate = 2024-03-25T10:00:00+05:00\nlastmod = 2024-03-26\nimage = \"/b.png\"\n",
        )
        .unwrap();
        assert_eq!(
            toml.date,
            Some(DateText("2024-03-25T10:00:00+05:00".into()))
        );
        assert_eq!(toml.updated, Some(DateText("2024-03-26".into())));
        assert_eq!(toml.image, Some(ImageField::Path("/b.png".into())));
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(serde_saphyr::from_str::<FrontMatter>("title: A\ndraft: maybe\n").is_err());
        assert!(toml::from_str::<FrontMatter>("title = \"A\"\ndate = 2024\n").is_err());
    }
}
