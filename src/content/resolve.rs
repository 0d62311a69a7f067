//! Resolving one article file's fields: its front matter read, checked and
//! turned into an [`Article`], each problem located on its line.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Utc};
use url::Url;

use super::front_matter::{self, Format, FrontMatter, TermsField, split};
use super::simple_yaml;
use super::{Loader, Problem, front_matter_value, is_html, permalink};
use crate::dates::{is_plausible, parse_date};
use crate::error::Diagnostic;
use crate::files::inside;
use crate::hugo::dates::{DateRules, PageDates};
use crate::model::{Article, Image, image_mime_type};
use crate::taxonomy::{Taxonomy, TaxonomyKind};
use crate::text::{MAX_TITLE_CHARS, line_col, squash_whitespace, xml_safe};

/// The names Hugo reads each date under (first: the one in messages).
const PUBLISH_DATE: &[&str] = &["publishDate", "pubdate", "published"];
const LASTMOD: &[&str] = &["lastmod", "modified", "updated"];
const EXPIRY_DATE: &[&str] = &["expiryDate", "unpublishdate", "expires"];

/// `url` as the author wrote it: only its path (and query) when it is on the
/// same site as the article at `article`, else the whole URL.
pub(super) fn written_url(url: &str, article: &Url) -> String {
    match Url::parse(url) {
        Ok(u) if u.origin() == article.origin() => match u.query() {
            Some(query) => format!("{}?{query}", u.path()),
            None => u.path().to_string(),
        },
        _ => url.to_string(),
    }
}

/// The state of parsing one file: where it is and what went wrong so far.
pub(super) struct ArticleParse<'l, 'a> {
    pub(super) loader: &'l Loader<'a>,
    pub(super) path: &'l Path,
    pub(super) problems: Vec<Diagnostic>,
    /// Why the file is not an article, when it is not.
    pub(super) skipped: Option<&'static str>,
}

impl ArticleParse<'_, '_> {
    fn error(
        &mut self,
        problem: Problem,
        line: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.problems
            .push(problem.at(self.path, message).at_line(line).with_help(help));
    }

    pub(super) fn article(&mut self, text: &str) -> Option<Article> {
        let config = self.loader.config;
        let split = match split(text) {
            Ok(s) => s,
            Err(e) => {
                self.error(e.problem, e.line, e.message, e.help);
                return None;
            }
        };
        if split.format == Format::None && is_html(self.path) {
            self.skipped = Some("an .html file without front matter is a static file, not a page");
            return None;
        }
        let fields = FieldLines::new(split.front_matter, split.first_line);
        let mut fm = self.front_matter(&split)?;
        if let Some(cascade) = self.loader.cascade_for(self.path) {
            fm.inherit(cascade);
        }
        if fm.headless == Some(true) {
            self.skipped = Some("`headless: true`: Hugo never lists it");
            return None;
        }
        if fm
            .build
            .as_ref()
            .is_some_and(front_matter::BuildField::never_listed)
        {
            self.skipped = Some("`build: {list: never}`: Hugo never lists it");
            return None;
        }

        let title = match fm.title.as_deref() {
            Some(title) => clean(title),
            // Hugo accepts a page without front matter; its file name
            // (or its bundle's folder name) is the best title there is.
            None if split.format == Format::None => clean(&page_name(self.path)),
            None => String::new(),
        };
        let title_chars = title.chars().count();
        if title_chars > MAX_TITLE_CHARS {
            self.error(
                Problem::TitleTooLong,
                fields.line_of("title"),
                format!("the title is {title_chars} characters long; at most {MAX_TITLE_CHARS} are allowed"),
                "shorten the title; put the rest in `summary` or the body",
            );
        }
        let title = if title.is_empty() && config.hugo.is_some() {
            // Hugo publishes an untitled page; its file name is the best
            // title a reader can get.
            self.problems.push(
                Problem::UntitledPage
                    .at(self.path, "the page has no title; its file name is used")
                    .at_line(fields.line_of("title"))
                    .with_help("add a `title` field to the front matter"),
            );
            clean(&page_name(self.path))
        } else {
            title
        };
        if title.is_empty() {
            let line = fields.line_of("title");
            self.error(
                Problem::MissingTitle,
                line,
                "the article has no title",
                "add a `title` field to the front matter",
            );
        }

        // Hugo's date rules (`[frontmatter]`, by default `date`, else
        // `publishDate`, else `lastmod`); an article goes live at
        // `publishDate`, else its date.
        let written = [
            self.date(&["date"], fm.date.as_ref(), &fields),
            self.date(PUBLISH_DATE, fm.publish_date.as_ref(), &fields),
            self.date(LASTMOD, fm.updated.as_ref(), &fields),
            self.date(EXPIRY_DATE, fm.expires.as_ref(), &fields),
        ];
        let base_name = page_name(self.path);
        let default_rules;
        let rules = match &config.hugo {
            Some(site) => &site.dates,
            None => {
                default_rules = DateRules::default();
                &default_rules
            }
        };
        let resolved = rules.resolve(&PageDates {
            written,
            base_name: &base_name,
            modified: rules
                .reads_file_mod_time()
                .then(|| file_mod_time(self.path))
                .flatten(),
            timezone: config.timezone,
            own_keys: self.own_dates(&rules.own_keys(), text, &fields),
        });
        let date = resolved.date;
        let publish_date = resolved.publish_date.or(date);
        let updated = resolved.lastmod;
        let expires = resolved
            .expiry_date
            .filter(|_| !config.hugo.as_ref().is_some_and(|h| h.build_expired));
        if fm.slug.is_none() {
            fm.slug = resolved.slug;
        }
        // Only a written `lastmod` can be a mistake worth a warning.
        self.date_warnings(date, updated.filter(|u| written[2] == Some(*u)), &fields);

        let rel_path = config.page_path(self.path);
        // `post.en.md` on a site whose default language is `en` is `post.md`.
        let unlanguaged;
        let rel_path = match &config.hugo {
            Some(site) => {
                unlanguaged = site.without_language(rel_path);
                unlanguaged.as_path()
            }
            None => rel_path,
        };
        let mut terms = Vec::with_capacity(config.taxonomies.len());
        for taxonomy in &config.taxonomies {
            if taxonomy.kind == TaxonomyKind::Section {
                let section = crate::hugo::HugoSite::section_of(rel_path);
                terms.push(if section.is_empty() {
                    Vec::new()
                } else {
                    vec![section]
                });
                continue;
            }
            let names = match fm.other.get(&taxonomy.name) {
                None => Vec::new(),
                Some(TermsField::Names(names)) => names.clone(),
                Some(TermsField::NotNames) => {
                    self.error(
                        Problem::InvalidTermList,
                        fields.line_of(&taxonomy.name),
                        format!("`{}` is not a list of names", taxonomy.name),
                        format!(
                            "write one name, or a list: {}: [\"First\", \"Second\"]",
                            taxonomy.name
                        ),
                    );
                    Vec::new()
                }
            };
            let names = self.limited(&taxonomy.name, names, MAX_NAME_CHARS, &fields);
            terms.push(self.term_names(taxonomy, names, &fields));
        }

        let authors = fm
            .author
            .into_iter()
            .chain(fm.authors)
            .flat_map(|a| a.0)
            .map(|a| clean(&byline_text(&a)))
            .filter(|a| is_name(a));
        let authors = dedup(authors);
        let authors = self.limited("authors", authors, MAX_TITLE_CHARS, &fields);

        let url = match (&config.hugo, fm.url.as_deref()) {
            (Some(site), _) => {
                let page = permalink::HugoPage {
                    root: config.page_root(self.path),
                    rel_path,
                    title: fm.title.as_deref().unwrap_or_default(),
                    slug: fm.slug.as_deref(),
                    url: fm.url.as_deref(),
                    date: permalink::written_date(
                        config,
                        // The offset written in `date`, when the date is
                        // that one (not a file name's or another field's).
                        fm.date
                            .as_ref()
                            .filter(|_| date.is_some() && date == written[0])
                            .map(|d| d.0.as_str()),
                        date,
                    ),
                };
                permalink::hugo(config, site, &page).map_err(|e| (fields.line_of("url"), e))
            }
            (None, Some(explicit)) => permalink::explicit(&config.base_url, explicit)
                .map_err(|e| (fields.line_of("url"), e)),
            (None, None) => {
                permalink::derive(config, rel_path, fm.slug.as_deref(), date).map_err(|e| {
                    (
                        fields.line_of(if fm.slug.is_some() { "slug" } else { "date" }),
                        e,
                    )
                })
            }
        };
        let url = match url {
            Ok(u) => u,
            Err((line, (message, help))) => {
                self.error(Problem::InvalidUrl, line, message, help);
                return None;
            }
        };
        // A translation (`post.fr.md`) lives under its language's folder,
        // as the default language's pages do with
        // `defaultContentLanguageInSubdir`.
        let url = match config
            .hugo
            .as_ref()
            .and_then(|site| site.link_language(self.path))
        {
            Some(language) => permalink::localized(&config.base_url, url, language),
            None => url,
        };

        let id_is_explicit = fm.id.is_some();
        let id = match fm.id.as_deref().map(str::trim) {
            None => url.to_string(),
            Some(id) => match Url::parse(id) {
                Ok(_) if !id.contains(char::is_whitespace) => id.to_string(),
                _ => {
                    self.error(
                        Problem::InvalidId,
                        fields.line_of("id"),
                        format!("id {id:?} is not an absolute URI"),
                        "feed ids must be URIs: use e.g. \"urn:uuid:…\" or \"tag:example.org,2024:story-1\", or remove `id` to use the article URL",
                    );
                    return None;
                }
            },
        };

        let written_summary = [fm.summary, fm.description]
            .into_iter()
            .flatten()
            .map(|s| clean(&s))
            .find(|s| !s.is_empty());
        let image = fm.image.map(|field| self.image(field, &url));
        // The body starts where the split left it; `split` strips a BOM, so
        // measure from the end.
        let body_offset = text.len() - split.body.len();

        Some(Article {
            source: self.path.to_path_buf(),
            title,
            url: url.to_string(),
            id,
            id_is_explicit,
            date,
            publish_date,
            stamped: false,
            updated,
            expires,
            draft: fm.draft.unwrap_or(false)
                && !config.hugo.as_ref().is_some_and(|h| h.build_drafts),
            terms,
            authors,
            written_summary,
            image: image.map(Box::new),
            body_offset,
            body: None,
            known_body: None,
            language: self.loader.translation_language(self.path).map(Box::from),
        })
    }

    /// `names` of `field`, when within [`MAX_NAMES`] names of at most
    /// `max_chars` characters; else an error, and no names.
    fn limited(
        &mut self,
        field: &str,
        names: Vec<String>,
        max_chars: usize,
        fields: &FieldLines<'_>,
    ) -> Vec<String> {
        if names.len() > MAX_NAMES {
            self.error(
                Problem::TooManyTerms,
                fields.line_of(field),
                format!(
                    "`{field}` has {} names; at most {MAX_NAMES} are allowed",
                    names.len()
                ),
                format!("keep the {MAX_NAMES} that matter most to readers"),
            );
            return Vec::new();
        }
        if let Some(long) = names.iter().find(|n| n.chars().count() > max_chars) {
            let chars = long.chars().count();
            self.error(
                Problem::TermTooLong,
                fields.line_of(field),
                format!("a name in `{field}` is {chars} characters long; at most {max_chars} are allowed"),
                "use a shorter name",
            );
            return Vec::new();
        }
        names
    }

    /// The cleaned, distinct names of one taxonomy's terms; countries are
    /// resolved to their canonical names, unknown ones reported.
    fn term_names(
        &mut self,
        taxonomy: &Taxonomy,
        written: Vec<String>,
        fields: &FieldLines<'_>,
    ) -> Vec<String> {
        let names = written
            .iter()
            .map(|n| clean_name(n))
            .filter(|n| !n.is_empty());
        match taxonomy.kind {
            TaxonomyKind::Plain | TaxonomyKind::Section => dedup(names),
            TaxonomyKind::Country => {
                let mut countries: Vec<String> = Vec::new();
                for name in names {
                    match self.loader.countries.resolve(&name) {
                        Ok(country) => {
                            if !countries.contains(&country.name) {
                                countries.push(country.name);
                            }
                        }
                        Err(unknown) => {
                            let line = fields.line_of_value(&taxonomy.name, &name);
                            self.error(
                                Problem::UnknownCountry,
                                line,
                                unknown.to_string(),
                                unknown.help(),
                            );
                        }
                    }
                }
                countries
            }
        }
    }

    /// Parse the front matter, reporting syntax and type errors at file lines.
    fn front_matter(&mut self, split: &front_matter::Split<'_>) -> Option<FrontMatter> {
        let first = split.first_line;
        let text = split.front_matter;
        let result = match split.format {
            Format::None => Ok(FrontMatter::default()),
            Format::Yaml | Format::Toml if text.trim().is_empty() => Ok(FrontMatter::default()),
            Format::Yaml => simple_yaml::from_str::<FrontMatter>(text).map_err(|e| {
                let (line, column) = e.location().map_or((first, 1), |l| {
                    (first + l.line() as usize - 1, l.column() as usize)
                });
                (line, column, yaml_message(&e.without_snippet().to_string()))
            }),
            Format::Toml => toml::from_str::<FrontMatter>(text).map_err(|e| {
                let (line, column) = e.span().map_or((1, 1), |span| line_col(text, span.start));
                (first + line - 1, column, e.message().trim().to_string())
            }),
            Format::Json => serde_json::from_str::<FrontMatter>(text).map_err(|e| {
                (
                    first + e.line().saturating_sub(1),
                    e.column(),
                    front_matter::json_message(&e),
                )
            }),
        };
        match result {
            Ok(fm) => Some(fm),
            Err((line, column, message)) => {
                let syntax = split.format.name();
                // Name the field, in an editor's words.
                let message = match FieldLines::new(text, first).key_at(line) {
                    Some(key) if !message.contains('`') => format!("`{key}`: {message}"),
                    _ => message,
                };
                self.problems.push(
                    Problem::InvalidFrontMatter.at(
                        self.path,
                        format!("invalid {syntax} front matter: {}", first_line_of(&message)),
                    )
                    .at(line, column)
                    .with_help(format!(
                        "fix the {syntax} between the fences; field types are listed in the README"
                    )),
                );
                None
            }
        }
    }

    /// A date field, read under any of its `names`; empty means no date.
    fn date(
        &mut self,
        names: &[&str],
        value: Option<&front_matter::DateText>,
        fields: &FieldLines<'_>,
    ) -> Option<DateTime<Utc>> {
        let value = value.filter(|v| !v.0.trim().is_empty())?;
        match parse_date(&value.0, self.loader.config.timezone) {
            Ok(d) => Some(d),
            Err(e) => {
                let (key, line) = fields.find_any(names);
                self.error(
                    Problem::InvalidDate,
                    line,
                    format!("`{key}`: {}", e.message),
                    e.help,
                );
                None
            }
        }
    }

    /// The dates written under `keys` (the site's own date keys of
    /// `[frontmatter]`, lower-cased), by key; one that does not parse is an
    /// error at its line.
    fn own_dates(
        &mut self,
        keys: &[&str],
        text: &str,
        fields: &FieldLines<'_>,
    ) -> HashMap<String, DateTime<Utc>> {
        let mut dates = HashMap::new();
        if keys.is_empty() {
            return dates;
        }
        let Some(serde_json::Value::Object(map)) = front_matter_value(text) else {
            return dates;
        };
        for (written_key, value) in &map {
            let key = written_key.to_lowercase();
            if !keys.contains(&key.as_str()) {
                continue;
            }
            let written = match value {
                serde_json::Value::String(s) => s,
                // A TOML date-time reaches JSON as a one-entry table.
                serde_json::Value::Object(inner) if inner.len() == 1 => {
                    match inner.values().next() {
                        Some(serde_json::Value::String(s)) => s,
                        _ => continue,
                    }
                }
                _ => continue,
            };
            if written.trim().is_empty() {
                continue;
            }
            match parse_date(written, self.loader.config.timezone) {
                Ok(date) => {
                    dates.insert(key, date);
                }
                Err(e) => {
                    let line = fields.line_of(written_key);
                    self.error(
                        Problem::InvalidDate,
                        line,
                        format!("`{written_key}`: {}", e.message),
                        e.help,
                    );
                }
            }
        }
        dates
    }

    /// Dates that parse but are probably mistakes.
    fn date_warnings(
        &mut self,
        date: Option<DateTime<Utc>>,
        updated: Option<DateTime<Utc>>,
        fields: &FieldLines<'_>,
    ) {
        if let (Some(date), Some(updated)) = (date, updated)
            && updated < date
        {
            self.problems.push(
                Problem::UpdatedBeforeDate
                    .at(
                        self.path,
                        format!("`{}` is earlier than `date`", fields.find_any(LASTMOD).0),
                    )
                    .at_line(fields.find_any(LASTMOD).1)
                    .with_help("readers use the later of the two; fix whichever is wrong"),
            );
        }
        if let Some(date) = date
            && !is_plausible(&date)
        {
            self.problems.push(
                Problem::ImplausibleDate
                    .at(
                        self.path,
                        format!("`date` is in {}, before any web feed existed", date.year()),
                    )
                    .at_line(fields.line_of("date"))
                    .with_help("check the year"),
            );
        }
    }

    fn image(&mut self, field: front_matter::ImageField, article_url: &Url) -> Image {
        let config = self.loader.config;
        let (src, alt) = match field {
            front_matter::ImageField::Path(src) => (src, None),
            front_matter::ImageField::Table { src, alt } => (src, alt),
        };
        let src = clean(&src);
        let alt = alt.map(|a| clean(&a)).filter(|a| !a.is_empty());
        let is_absolute = Url::parse(&src).is_ok();
        let url = if is_absolute {
            src.clone()
        } else if let Some(site_path) = src.strip_prefix('/') {
            config
                .base_url
                .join(site_path)
                .map_or_else(|_| src.clone(), String::from)
        } else {
            article_url
                .join(&src)
                .map_or_else(|_| src.clone(), String::from)
        };
        // Only files inside `static_dir` or the article's folder are
        // measured: `/../../etc/shadow` must not publish a file's size.
        let local = if is_absolute {
            None
        } else if let Some(site_path) = src.strip_prefix('/') {
            inside(&config.static_dir, site_path)
        } else {
            self.path.parent().and_then(|dir| inside(dir, &src))
        };
        Image {
            mime_type: image_mime_type(&url),
            url,
            alt,
            length: 0,
            local_file: local,
        }
    }
}

/// The size of an image file that is really inside `base` (no symbolic
/// link out of it), else 0.
pub(super) fn contained_length(file: &Path, base: &Path) -> u64 {
    let (Ok(file), Ok(base)) = (file.canonicalize(), base.canonicalize()) else {
        return 0;
    };
    if !file.starts_with(&base) {
        return 0;
    }
    std::fs::metadata(&file)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map_or(0, |m| m.len())
}

/// A page's name from its path: the file stem, or the folder of a bundle's
/// `index` file.
/// When the file at `path` was last modified, for `:fileModTime`.
fn file_mod_time(path: &Path) -> Option<DateTime<Utc>> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .map(DateTime::<Utc>::from)
}

fn page_name(path: &Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    match stem.as_deref() {
        Some("index") => path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        _ => stem.unwrap_or_default(),
    }
}

/// Whether a byline is a name, not a placeholder such as `-`, `—`, `n/a`
/// or `none` (themes write those for "no author").
fn is_name(byline: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &["n/a", "none", "null", "nil", "unknown", "tbd"];
    let filler = |c: char| "-–—_?.…*/".contains(c) || c.is_whitespace();
    !byline.chars().all(filler) && !PLACEHOLDERS.contains(&byline.to_lowercase().as_str())
}

/// A YAML parser message in an editor's words: serde-saphyr's hints about
/// its own options and internal budgets are not for people writing articles.
pub(super) fn yaml_message(message: &str) -> String {
    let message = first_line_of(message);
    let lower = message.to_lowercase();
    if lower.contains("duplicate mapping key") {
        let key = message
            .split("duplicate mapping key:")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .map(str::trim)
            .unwrap_or("");
        return format!("the field `{key}` is written twice: keep one");
    }
    if lower.contains("budget") {
        return "the front matter is too large or too deeply nested".into();
    }
    if lower.contains("recursive") || lower.contains("alias") {
        return "YAML anchors and aliases (`&name`, `*name`) are not supported in front matter"
            .into();
    }
    if lower.contains("binary") {
        return "binary values (`!!binary`) are not supported in front matter".into();
    }
    // Positions are reported in the file's own lines: drop the parser's.
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The first line of a parser message (serde-saphyr may append context).
fn first_line_of(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// Text as stored in the model: XML-safe, white space squashed.
fn clean(s: &str) -> String {
    squash_whitespace(&xml_safe(s))
}

/// A term name as stored: [`clean`], in Unicode's composed form (NFC), so
/// `Café` typed either way is one name.
fn clean_name(s: &str) -> String {
    clean(&icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(s))
}

/// A byline as readers see it: Docsy renders `author` with `markdownify`,
/// so each Markdown link in it (`[Ann](https://…) (Acme)`) reads as its
/// text, `Ann (Acme)`; everything else is kept as written.
fn byline_text(byline: &str) -> std::borrow::Cow<'_, str> {
    super::markdown::links_as_text(byline)
}

/// Most names a taxonomy or the bylines of one article may hold: beyond
/// it, feeds grow with the square of the count (every term's feed lists
/// every term of every item).
pub const MAX_NAMES: usize = 100;
/// Longest term name or byline, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Keep the first of each value, comparing case- and space-insensitively.
fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items.filter(|i| seen.insert(i.to_lowercase())).collect()
}

/// Finds the file line on which a front-matter field is written.
struct FieldLines<'a> {
    front_matter: &'a str,
    first_line: usize,
}

impl<'a> FieldLines<'a> {
    fn new(front_matter: &'a str, first_line: usize) -> Self {
        FieldLines {
            front_matter,
            first_line,
        }
    }

    /// The line of the top-level `key:` (YAML) or `key =` (TOML), else the first line.
    fn line_of(&self, key: &str) -> usize {
        self.key_index(key)
            .map_or(self.first_line, |i| self.first_line + i)
    }

    /// The first of `names` written in the front matter, as written, and
    /// its line; else the first name and the first line.
    fn find_any(&self, names: &[&str]) -> (String, usize) {
        for name in names {
            if let Some(i) = self.key_index(name) {
                let written = self
                    .front_matter
                    .lines()
                    .nth(i)
                    .map(|l| l.trim_start().trim_start_matches('"'))
                    .and_then(|l| l.get(..name.len()))
                    .unwrap_or(name);
                return (written.to_string(), self.first_line + i);
            }
        }
        (
            names.first().copied().unwrap_or("").to_string(),
            self.first_line,
        )
    }

    /// The top-level key whose value holds file line `line`, if any.
    fn key_at(&self, line: usize) -> Option<String> {
        let index = line.checked_sub(self.first_line)?;
        let lines: Vec<&str> = self.front_matter.lines().take(index + 1).collect();
        lines.iter().rev().find_map(|l| {
            let top = l.trim_start_matches('{').trim_start();
            let indented = l.starts_with([' ', '\t']) && !l.trim_start().starts_with('"');
            if indented || top.starts_with(['-', '#', '[', '}']) {
                return None;
            }
            let end = top.find([':', '='])?;
            let key = top[..end].trim().trim_matches('"');
            (!key.is_empty() && !key.contains(' ')).then(|| key.to_string())
        })
    }

    /// The line at or after `key` that mentions `value` (for list items).
    fn line_of_value(&self, key: &str, value: &str) -> usize {
        let start = self.key_index(key).unwrap_or(0);
        self.front_matter
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, line)| line.contains(value))
            .map_or_else(|| self.line_of(key), |(i, _)| self.first_line + i)
    }

    /// The index of the line holding `key` (case-insensitive, as Hugo
    /// reads keys; a JSON key may be quoted and indented).
    fn key_index(&self, key: &str) -> Option<usize> {
        self.front_matter.lines().position(|line| {
            let line = line.trim_start().trim_start_matches('"');
            line.get(..key.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(key))
                && line[key.len()..]
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with([':', '='])
        })
    }
}
