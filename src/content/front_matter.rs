//! Splitting an article file into front matter and Markdown body.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// Which front-matter syntax an article uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML between `---` lines.
    Yaml,
    /// TOML between `+++` lines.
    Toml,
}

/// The file line on which front matter starts (right after the opening
/// fence), to turn parser positions inside it into file lines.
pub(crate) const FIRST_LINE: usize = 2;

/// An article file cut into its two parts.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front-matter syntax.
    pub format: Format,
    /// The front-matter text, without the fences; it starts on file line
    /// [`FIRST_LINE`].
    pub front_matter: &'a str,
    /// The Markdown body after the closing fence.
    pub body: &'a str,
}

/// Why a file could not be split; the line is a 1-based file line.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    /// Where the problem is.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Cut `text` into front matter and body. A UTF-8 BOM and CRLF line endings
/// are accepted.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (first, mut rest) = next_line(text);
    let (format, fence) = match first.trim_end() {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => {
            return Err(SplitError {
                line: 1,
                message: "no front matter at the start of the file".into(),
                help: "start the file with a `---` line, then `title: ...`, then a closing `---` line (or use `+++` fences for TOML)".into(),
            });
        }
    };
    let start = text.len() - rest.len();
    while !rest.is_empty() {
        let (current, after) = next_line(rest);
        if current.trim_end() == fence {
            let end = text.len() - rest.len();
            return Ok(Split {
                format,
                front_matter: &text[start..end],
                body: after,
            });
        }
        rest = after;
    }
    Err(SplitError {
        line: 1,
        message: format!("front matter opened with `{fence}` is never closed"),
        help: format!("add a `{fence}` line after the last front-matter field"),
    })
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

/// A list field that may also be written as a single string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of strings or a single string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// The lead image: a path or URL, or a table with `src` and `alt`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
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

/// The front-matter fields feedpub reads (Hugo-compatible names and aliases).
/// Unknown fields are ignored; wrong types are errors.
#[derive(Debug, Default, Deserialize)]
pub struct FrontMatter {
    /// Headline (required).
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<DateText>,
    /// Date of the last meaningful change (`lastmod` in Hugo).
    #[serde(alias = "lastmod")]
    pub updated: Option<DateText>,
    /// After this date the article leaves the feeds (`expiryDate` in Hugo).
    #[serde(alias = "expiryDate")]
    pub expires: Option<DateText>,
    /// Never published when true.
    pub draft: Option<bool>,
    /// Single byline.
    pub author: Option<String>,
    /// Several bylines.
    pub authors: Option<OneOrMany>,
    /// Short plain-text summary (`description` in Zola).
    #[serde(alias = "description")]
    pub summary: Option<String>,
    /// Lead image.
    pub image: Option<ImageField>,
    /// Replaces the file name in the article's URL.
    pub slug: Option<String>,
    /// Explicit, permanent id (an absolute URI).
    pub id: Option<String>,
    /// Explicit URL (absolute, or a path on the site).
    pub url: Option<String>,
    /// Every other field; those named like a taxonomy of the site
    /// (`categories`, `countries`, `tags`, …) hold the article's terms.
    #[serde(flatten)]
    pub other: HashMap<String, TermsField>,
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
    fn missing_front_matter_says_how_to_fix_it() {
        let e = split("# Just a heading\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.help.contains("---"));
    }

    #[test]
    fn empty_file_has_no_front_matter() {
        assert!(split("").is_err());
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
        assert_eq!(field("params"), Some(TermsField::NotNames));
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
