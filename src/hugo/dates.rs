//! Hugo's `[frontmatter]` date rules: for each of a page's four dates, the
//! list of places it is taken from, first found wins.
//!
//! ```toml
//! [frontmatter]
//! date = [":filename", ":default"]
//! lastmod = ["lastmod", ":fileModTime"]
//! ```
//!
//! A place is a front-matter key (`date`, `publishDate`, `lastmod`,
//! `expiryDate` and their aliases, or any other key of the site's own, such
//! as `myDate`), `:default` (Hugo's list for that date),
//! `:filename` (a `2024-01-02-slug.md` file name, or a bundle folder named
//! so, which gives the slug too unless the front matter has one),
//! `:fileModTime` (the file's modification time) or `:git` (not supported:
//! skipped).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::dates::parse_date;

/// One of the four dates Hugo reads from front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateField {
    /// `date`.
    Date,
    /// `publishDate` (aliases `pubdate`, `published`).
    PublishDate,
    /// `lastmod` (alias `modified`).
    Lastmod,
    /// `expiryDate` (alias `unpublishdate`).
    ExpiryDate,
}

impl DateField {
    /// The field a front-matter key names (case-insensitive, with Hugo's
    /// aliases and feedpub's own `updated` and `expires`).
    fn from_key(key: &str) -> Option<DateField> {
        match key.to_lowercase().as_str() {
            "date" => Some(DateField::Date),
            "publishdate" | "pubdate" | "published" => Some(DateField::PublishDate),
            "lastmod" | "modified" | "updated" => Some(DateField::Lastmod),
            "expirydate" | "unpublishdate" | "expires" => Some(DateField::ExpiryDate),
            _ => None,
        }
    }
}

/// Where a date may be taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateSource {
    /// A front-matter date.
    Field(DateField),
    /// `:filename`: the date that starts the file (or bundle folder) name.
    Filename,
    /// `:fileModTime`: the file's modification time.
    FileModTime,
    /// A front-matter key of the site's own (`myDate`), lower-cased.
    Key(String),
}

/// The sources of each date, in order, as `[frontmatter]` sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateRules {
    /// Sources of `date`.
    pub date: Vec<DateSource>,
    /// Sources of `publishDate`.
    pub publish_date: Vec<DateSource>,
    /// Sources of `lastmod`.
    pub lastmod: Vec<DateSource>,
    /// Sources of `expiryDate`.
    pub expiry_date: Vec<DateSource>,
}

impl Default for DateRules {
    /// Hugo's defaults, except that `lastmod` does not fall back to `date`:
    /// in a feed, "updated at its date" and "never updated" say the same.
    fn default() -> Self {
        DateRules {
            date: default_sources(DateField::Date),
            publish_date: default_sources(DateField::PublishDate),
            lastmod: default_sources(DateField::Lastmod),
            expiry_date: default_sources(DateField::ExpiryDate),
        }
    }
}

/// Hugo's `:default` list for `field`.
fn default_sources(field: DateField) -> Vec<DateSource> {
    use DateField::*;
    let fields: &[DateField] = match field {
        Date => &[Date, PublishDate, Lastmod],
        PublishDate => &[PublishDate, Date],
        Lastmod => &[Lastmod],
        ExpiryDate => &[ExpiryDate],
    };
    fields.iter().copied().map(DateSource::Field).collect()
}

impl DateRules {
    /// The rules of a `[frontmatter]` table (keys lower-cased); unset
    /// dates keep Hugo's default. Any other key names a front-matter key
    /// of the site's own; `:git` is skipped with a debug note.
    pub(crate) fn from_table(table: Option<&serde_json::Map<String, Value>>) -> DateRules {
        let mut rules = DateRules::default();
        let Some(table) = table else {
            return rules;
        };
        for (key, value) in table {
            let Some(field) = DateField::from_key(key) else {
                continue;
            };
            let names: Vec<&str> = match value {
                Value::String(s) => vec![s.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => continue,
            };
            let mut sources = Vec::new();
            for name in names {
                match name.trim().to_lowercase().as_str() {
                    ":default" => sources.extend(default_sources(field)),
                    ":filename" => sources.push(DateSource::Filename),
                    ":filemodtime" => sources.push(DateSource::FileModTime),
                    other => match DateField::from_key(other) {
                        Some(f) => sources.push(DateSource::Field(f)),
                        None if other.starts_with(':') => tracing::debug!(
                            source = name,
                            "[frontmatter] {key}: a source feedpub cannot read (`:git`) is skipped"
                        ),
                        None => sources.push(DateSource::Key(other.to_string())),
                    },
                }
            }
            match field {
                DateField::Date => rules.date = sources,
                DateField::PublishDate => rules.publish_date = sources,
                DateField::Lastmod => rules.lastmod = sources,
                DateField::ExpiryDate => rules.expiry_date = sources,
            }
        }
        rules
    }

    /// The front-matter keys of the site's own that dates are taken from.
    pub(crate) fn own_keys(&self) -> Vec<&str> {
        [
            &self.date,
            &self.publish_date,
            &self.lastmod,
            &self.expiry_date,
        ]
        .into_iter()
        .flatten()
        .filter_map(|source| match source {
            DateSource::Key(key) => Some(key.as_str()),
            _ => None,
        })
        .collect()
    }

    /// Whether any date is taken from the file's modification time.
    pub(crate) fn reads_file_mod_time(&self) -> bool {
        [
            &self.date,
            &self.publish_date,
            &self.lastmod,
            &self.expiry_date,
        ]
        .iter()
        .any(|sources| sources.contains(&DateSource::FileModTime))
    }

    /// Resolve a page's dates from what it offers.
    pub(crate) fn resolve(&self, page: &PageDates<'_>) -> ResolvedDates {
        let mut slug = None;
        let mut pick = |sources: &[DateSource]| {
            sources.iter().find_map(|source| match source {
                DateSource::Field(f) => page.written(*f),
                DateSource::FileModTime => page.modified,
                DateSource::Key(key) => page.own_keys.get(key).copied(),
                DateSource::Filename => {
                    let (date, rest) = date_from_file_name(page.base_name, page.timezone)?;
                    if slug.is_none() && !rest.is_empty() {
                        slug = Some(rest);
                    }
                    Some(date)
                }
            })
        };
        let date = pick(&self.date);
        let publish_date = pick(&self.publish_date);
        let lastmod = pick(&self.lastmod);
        let expiry_date = pick(&self.expiry_date);
        ResolvedDates {
            date,
            publish_date,
            lastmod,
            expiry_date,
            slug,
        }
    }
}

/// What a page offers the date rules.
#[derive(Debug, Clone)]
pub(crate) struct PageDates<'a> {
    /// `date`, `publishDate`, `lastmod` and `expiryDate` as written.
    pub written: [Option<DateTime<Utc>>; 4],
    /// The file name without extension, or the bundle folder's name.
    pub base_name: &'a str,
    /// The file's modification time.
    pub modified: Option<DateTime<Utc>>,
    /// The site's time zone, for a date in a file name.
    pub timezone: Tz,
    /// The dates under the site's own keys ([`DateRules::own_keys`]), by
    /// lower-cased key.
    pub own_keys: HashMap<String, DateTime<Utc>>,
}

impl PageDates<'_> {
    fn written(&self, field: DateField) -> Option<DateTime<Utc>> {
        self.written[field as usize]
    }
}

/// A page's dates after the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResolvedDates {
    /// `date`.
    pub date: Option<DateTime<Utc>>,
    /// `publishDate`.
    pub publish_date: Option<DateTime<Utc>>,
    /// `lastmod`.
    pub lastmod: Option<DateTime<Utc>>,
    /// `expiryDate`.
    pub expiry_date: Option<DateTime<Utc>>,
    /// The slug `:filename` found after the date (`2024-01-02-my-post` →
    /// `my-post`), for a page whose front matter has none.
    pub slug: Option<String>,
}

/// The date a name starts with (`2024-01-02…`, midnight in `tz`) and the
/// rest of the name trimmed of ` -_`, as Hugo's `:filename` reads it.
fn date_from_file_name(name: &str, tz: Tz) -> Option<(DateTime<Utc>, String)> {
    let head = name.get(..10)?;
    if !head.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let date = parse_date(head, tz).ok()?;
    let rest = name[10..].trim_matches([' ', '-', '_']).to_string();
    Some((date, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(toml: &str) -> DateRules {
        let value: toml::Value = toml::from_str(toml).unwrap();
        let value = serde_json::to_value(value).unwrap();
        DateRules::from_table(value.as_object())
    }

    fn at(s: &str) -> Option<DateTime<Utc>> {
        Some(s.parse().unwrap())
    }

    fn page(written: [Option<DateTime<Utc>>; 4], base_name: &str) -> PageDates<'_> {
        PageDates {
            written,
            base_name,
            modified: at("2025-06-01T12:00:00Z"),
            timezone: Tz::Asia__Dushanbe,
            own_keys: HashMap::from([("mydate".to_string(), at("2023-07-08T00:00:00Z").unwrap())]),
        }
    }

    #[test]
    fn defaults_fall_back_as_hugo_does() {
        let r = DateRules::default();
        let d = r.resolve(&page([None, at("2024-01-02T00:00:00Z"), None, None], "a"));
        assert_eq!(d.date, at("2024-01-02T00:00:00Z"));
        assert_eq!(d.publish_date, at("2024-01-02T00:00:00Z"));
        assert_eq!(d.lastmod, None);
        let d = r.resolve(&page([at("2024-01-01T00:00:00Z"), None, None, None], "a"));
        assert_eq!(d.publish_date, at("2024-01-01T00:00:00Z"));
        assert_eq!(r, rules("[other]\nx = 1\n"));
    }

    #[test]
    fn filename_gives_the_date_in_the_site_zone_and_the_slug() {
        let r = rules("date = [':filename', ':default']\n");
        let d = r.resolve(&page(
            [at("2020-01-01T00:00:00Z"), None, None, None],
            "2024-03-05-my-post",
        ));
        // Midnight in Dushanbe (UTC+5).
        assert_eq!(d.date, at("2024-03-04T19:00:00Z"));
        assert_eq!(d.slug.as_deref(), Some("my-post"));
        // A name without a date falls through to the next source.
        let d = r.resolve(&page(
            [at("2020-01-01T00:00:00Z"), None, None, None],
            "post",
        ));
        assert_eq!(d.date, at("2020-01-01T00:00:00Z"));
        assert_eq!(d.slug, None);
        assert_eq!(date_from_file_name("2024-13-45-x", Tz::UTC), None);
        assert_eq!(date_from_file_name("2024", Tz::UTC), None);
    }

    #[test]
    fn file_mod_time_aliases_and_git() {
        let r = rules(
            "lastmod = [':git', 'Modified', ':fileModTime']\nexpiryDate = 'unpublishdate'\npublishDate = ['published']\n",
        );
        assert_eq!(
            r.lastmod,
            [
                DateSource::Field(DateField::Lastmod),
                DateSource::FileModTime
            ]
        );
        let d = r.resolve(&page(
            [
                at("2020-01-01T00:00:00Z"),
                None,
                None,
                at("2030-01-01T00:00:00Z"),
            ],
            "a",
        ));
        assert_eq!(d.lastmod, at("2025-06-01T12:00:00Z"));
        assert_eq!(d.expiry_date, at("2030-01-01T00:00:00Z"));
        // `publishDate` no longer falls back to `date`.
        assert_eq!(d.publish_date, None);
    }

    #[test]
    fn any_other_key_is_the_sites_own() {
        let r = rules(
            "date = ['MyDate', ':default']
lastmod = ['otherDate']
",
        );
        assert_eq!(r.own_keys(), ["mydate", "otherdate"]);
        let d = r.resolve(&page([at("2020-01-01T00:00:00Z"), None, None, None], "a"));
        assert_eq!(d.date, at("2023-07-08T00:00:00Z"));
        assert_eq!(d.lastmod, None);
    }
}
