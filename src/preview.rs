//! Previewing feeds from `content/` directly, without a build: which entries
//! a feed will hold at the next run, which articles are left out and why,
//! and a list of every feed. Text output for terminals, JSON for scripts.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use unicode_width::UnicodeWidthStr;

use crate::build::{Exclusion, Selection, prepare};
use crate::config::Config;
use crate::country::Countries;
use crate::error::{Diagnostic, Error, Result};
use crate::feed::{self, FeedSpec, Scope};
use crate::format::Format;
use crate::model::Article;
use crate::progress::Silent;
use crate::taxonomy::{Taxonomy, TaxonomyKind, Term, slugify};
use crate::text::{closest, escaped, escaped_path};

/// Which feed to preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The site-wide feed.
    Site,
    /// A category feed, by any spelling of its name or its slug.
    Category(String),
    /// A country feed, by any name, alias or ISO code the content accepts.
    Country(String),
    /// A custom feed of `[[feeds]]`, by any spelling of its name or its slug.
    Custom(String),
    /// A feed by its file path (`feeds/countries/tajikistan/rss.xml`, or
    /// relative to the output directory) or its public or served URL.
    Feed(String),
}

/// The site as the next build would see it: every article loaded, selected
/// at one instant, and grouped into terms; invalid articles kept aside.
#[derive(Debug)]
pub struct Snapshot<'c> {
    config: &'c Config,
    selection: Selection,
    terms: Vec<Term>,
    /// Errors per article file (those files yield no article).
    invalid: BTreeMap<PathBuf, Vec<Diagnostic>>,
}

/// One line of `feedpub list`: a feed and how full it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeedSummary {
    /// `site`, or the singular name of the feed's taxonomy (`category`,
    /// `country`, `tag`, …).
    pub kind: String,
    /// The term's display name; `None` for the site feed.
    pub term: Option<String>,
    /// Feed title.
    pub title: String,
    /// Public URL of the RSS 2.0 file, if the site publishes RSS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rss_url: Option<String>,
    /// Public URL of the Atom 1.0 file, if the site publishes Atom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub atom_url: Option<String>,
    /// Public URL of the JSON Feed 1.1 file, if the site publishes JSON Feed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_url: Option<String>,
    /// Items the feed will hold.
    pub items: usize,
    /// Date of the newest item, in the site time zone.
    pub newest: Option<DateTime<FixedOffset>>,
}

impl FeedSummary {
    /// The feed's public URLs with their format labels, in output order.
    pub fn urls(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            (Format::Rss, &self.rss_url),
            (Format::Atom, &self.atom_url),
            (Format::Json, &self.json_url),
        ]
        .into_iter()
        .filter_map(|(format, url)| Some((format.label(), url.as_deref()?)))
    }
}

/// One feed entry as a reader will see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// Publication date, in the site time zone.
    pub date: Option<DateTime<FixedOffset>>,
    /// Headline.
    pub title: String,
    /// Permalink.
    pub link: String,
    /// Bylines.
    pub authors: Vec<String>,
    /// Term names per taxonomy (`categories`, `countries`, …), in the
    /// site's taxonomy order; every taxonomy is listed, even when empty.
    #[serde(flatten)]
    pub terms: TermLists,
    /// Plain-text summary.
    pub summary: String,
    /// The article file.
    pub source: PathBuf,
}

/// An article's term names per taxonomy, in the site's taxonomy order;
/// serialized as one JSON member per taxonomy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermLists(pub Vec<(String, Vec<String>)>);

impl serde::Serialize for TermLists {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (taxonomy, names) in &self.0 {
            map.serialize_entry(taxonomy, names)?;
        }
        map.end()
    }
}

/// Why an article is not in the previewed feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// `draft: true`.
    Draft,
    /// Dated after now; published at `until`.
    Scheduled {
        /// When it will be published, in the site time zone.
        until: DateTime<FixedOffset>,
    },
    /// It has no date, and the site does not stamp undated pages.
    Undated,
    /// Its `expires` date has passed.
    Expired {
        /// When it expired, in the site time zone.
        since: Option<DateTime<FixedOffset>>,
    },
    /// Published, but older than the feed's newest `limit` items.
    BeyondLimit {
        /// The configured item limit.
        limit: usize,
    },
    /// The file has errors; the build fails until they are fixed.
    Invalid {
        /// The first error.
        error: String,
        /// Its line in the file, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        /// How to fix it, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        help: Option<String>,
        /// How many errors the file has in all.
        errors: usize,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Draft => f.write_str("draft"),
            Reason::Undated => f.write_str("undated (not stamped on a Hugo site)"),
            Reason::Scheduled { until } => write!(f, "scheduled until {}", short_date(until)),
            Reason::Expired { since: Some(since) } => write!(f, "expired {}", short_date(since)),
            Reason::Expired { since: None } => f.write_str("expired"),
            Reason::BeyondLimit { limit } => write!(f, "beyond the item limit ({limit})"),
            Reason::Invalid { errors, .. } if *errors > 1 => write!(f, "invalid ({errors} errors)"),
            Reason::Invalid { .. } => f.write_str("invalid"),
        }
    }
}

/// An article left out of the previewed feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Excluded {
    /// The article file.
    pub source: PathBuf,
    /// Headline, unless the file is invalid.
    pub title: Option<String>,
    /// Why it is left out.
    #[serde(flatten)]
    pub reason: Reason,
}

/// What `feedpub preview` shows: the feed, its entries, and (with `--all`)
/// the articles left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Preview {
    /// The feed.
    pub feed: FeedSummary,
    /// Its entries, newest first, as the next build will publish them.
    pub entries: Vec<Entry>,
    /// Articles not in the feed, by file path; empty unless asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Vec<Excluded>>,
}

impl<'c> Snapshot<'c> {
    /// Load and select every article of the site at `now`. Articles with
    /// errors are kept aside as invalid; only an unreadable ledger fails.
    pub fn load(config: &'c Config, now: DateTime<Utc>) -> Result<Self> {
        // What the next build would do, ledger stamps and ids included;
        // nothing is written. Files with errors are kept aside as invalid,
        // as the build leaves them out.
        let prepared = prepare(config, now, &Silent)?;
        let mut invalid: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for d in prepared.problems.into_iter().filter(Diagnostic::is_error) {
            invalid.entry(d.path.clone()).or_default().push(d);
        }
        Ok(Snapshot {
            config,
            selection: prepared.selection,
            terms: prepared.terms,
            invalid,
        })
    }

    /// The errors of the articles a build would leave out, in path order:
    /// what `build` reports before exiting with its "published, but some
    /// articles had errors" code.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.invalid.values().flatten()
    }

    /// How many article files a build would leave out for their errors.
    pub fn left_out(&self) -> usize {
        self.invalid.len()
    }

    /// Every feed the next build will write, site-wide first.
    pub fn feeds(&self) -> Vec<FeedSpec<'_>> {
        feed::plan(self.config, &self.selection.published, &self.terms)
    }

    /// A summary of every feed, for `feedpub list`.
    pub fn list(&self) -> Vec<FeedSummary> {
        self.feeds().iter().map(|s| self.summary(s)).collect()
    }

    /// The entries of the selected feed and, with `all`, the articles left
    /// out of it with the reason.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] (a usage error) when no feed matches the selector,
    /// with a suggestion where one is close.
    pub fn preview(&self, selector: &Selector, all: bool) -> Result<Preview> {
        let specs = self.feeds();
        let spec = self.find(&specs, selector)?;
        let entries = spec.items.iter().map(|a| self.entry(a)).collect();
        let excluded = all.then(|| self.excluded(spec));
        Ok(Preview {
            feed: self.summary(spec),
            entries,
            excluded,
        })
    }

    fn local(&self, t: &DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone::<Tz>(&self.config.timezone).fixed_offset()
    }

    fn summary(&self, spec: &FeedSpec<'_>) -> FeedSummary {
        let (kind, term) = match &spec.scope {
            Scope::Site => ("site".to_string(), None),
            Scope::Term { singular, name, .. } => (singular.clone(), Some(name.clone())),
            Scope::Custom { name, .. } => ("custom".to_string(), Some(name.clone())),
            Scope::Language { code, .. } => ("language".to_string(), Some(code.clone())),
        };
        let url = |format: Format| {
            self.config
                .formats
                .contains(&format)
                .then(|| format.url(spec).to_string())
        };
        FeedSummary {
            kind,
            term,
            title: spec.title.clone(),
            rss_url: url(Format::Rss),
            atom_url: url(Format::Atom),
            json_url: url(Format::Json),
            items: spec.items.len(),
            newest: spec
                .items
                .iter()
                .filter_map(|a| a.date)
                .max()
                .map(|d| self.local(&d)),
        }
    }

    fn entry(&self, article: &Article) -> Entry {
        Entry {
            date: article.date.map(|d| self.local(&d)),
            title: article.title.clone(),
            link: article.url.clone(),
            authors: article.authors.clone(),
            terms: TermLists(
                self.config
                    .taxonomies
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.name.clone(), article.terms_of(i).to_vec()))
                    .collect(),
            ),
            summary: article.summary().to_string(),
            source: article.source.clone(),
        }
    }

    /// The articles that belong to `spec`'s scope but are not among its items.
    fn excluded(&self, spec: &FeedSpec<'_>) -> Vec<Excluded> {
        let custom = match &spec.scope {
            Scope::Custom { slug, .. } => self
                .config
                .custom_feeds
                .iter()
                .find(|f| f.slug() == *slug)
                .and_then(|f| f.filter(&self.config.taxonomies, &self.config.regions).ok()),
            _ => None,
        };
        let belongs = |article: &Article| match &spec.scope {
            Scope::Site => crate::feed::language::of(self.config, article).is_none(),
            Scope::Language { code, .. } => {
                crate::feed::language::of(self.config, article) == Some(code.as_str())
            }
            Scope::Custom { .. } => custom.as_ref().is_some_and(|f| f.matches(article)),
            Scope::Term {
                taxonomy,
                slug,
                language,
                ..
            } => {
                crate::feed::language::of(self.config, article) == language.as_deref()
                    && self
                        .config
                        .taxonomies
                        .iter()
                        .position(|t| t.name == *taxonomy)
                        .is_some_and(|i| article.terms_of(i).iter().any(|n| slugify(n) == *slug))
            }
        };
        let mut out = Vec::new();
        for article in &self.selection.published {
            let shown = spec.items.iter().any(|item| std::ptr::eq(*item, article));
            if belongs(article) && !shown {
                out.push(Excluded {
                    source: article.source.clone(),
                    title: Some(article.title.clone()),
                    reason: Reason::BeyondLimit {
                        limit: self.config.limit,
                    },
                });
            }
        }
        for (article, why) in &self.selection.excluded {
            if !belongs(article) {
                continue;
            }
            let reason = match why {
                Exclusion::Draft => Reason::Draft,
                Exclusion::Undated => Reason::Undated,
                Exclusion::Expired => Reason::Expired {
                    since: article.expires.map(|e| self.local(&e)),
                },
                // Scheduled means dated: the ledger stamps undated articles.
                Exclusion::Scheduled => match article.date {
                    Some(d) => Reason::Scheduled {
                        until: self.local(&d),
                    },
                    None => continue,
                },
            };
            out.push(Excluded {
                source: article.source.clone(),
                title: Some(article.title.clone()),
                reason,
            });
        }
        // An invalid file's categories and countries are unknown: it is
        // listed under every feed, since it blocks the whole build.
        for (path, errors) in &self.invalid {
            let first = errors.first();
            out.push(Excluded {
                source: path.clone(),
                title: None,
                reason: Reason::Invalid {
                    error: first.map(|d| d.message.clone()).unwrap_or_default(),
                    line: first.and_then(|d| d.line),
                    help: first.and_then(|d| d.help.clone()),
                    errors: errors.len(),
                },
            });
        }
        out.sort_by(|a, b| a.source.cmp(&b.source));
        out
    }

    fn find<'s, 'a>(
        &self,
        specs: &'s [FeedSpec<'a>],
        selector: &Selector,
    ) -> Result<&'s FeedSpec<'a>> {
        let term = |wanted: &Taxonomy, slug: &str| {
            specs.iter().find(|s| match &s.scope {
                Scope::Term {
                    taxonomy, slug: s, ..
                } => *taxonomy == wanted.name && s == slug,
                Scope::Site | Scope::Custom { .. } | Scope::Language { .. } => false,
            })
        };
        let taxonomy = |found: Option<&'c Taxonomy>, what: &str| {
            found.ok_or_else(|| usage(format!("the site has no {what} feeds"), None))
        };
        match selector {
            Selector::Site => specs
                .first()
                .ok_or_else(|| usage("the site has no feed", None)),
            Selector::Category(name) => {
                let categories = taxonomy(
                    self.config
                        .taxonomies
                        .iter()
                        .find(|t| t.name == "categories"),
                    "category",
                )?;
                term(categories, &slugify(name)).ok_or_else(|| {
                    let names: Vec<&str> = self
                        .terms
                        .iter()
                        .filter(|t| t.taxonomy == *categories)
                        .map(|t| t.name.as_str())
                        .collect();
                    let help = match closest(name, &names) {
                        Some(close) => {
                            format!("did you mean \"{close}\"? (`feedpub list` shows every feed)")
                        }
                        None => "`feedpub list` shows every feed".to_string(),
                    };
                    usage(
                        format!("no published article is filed under the category \"{name}\""),
                        Some(help),
                    )
                })
            }
            Selector::Country(name) => {
                let countries = taxonomy(
                    self.config
                        .taxonomies
                        .iter()
                        .find(|t| t.kind == TaxonomyKind::Country),
                    "country",
                )?;
                let country = Countries::new(&self.config.regions)
                    .resolve(name)
                    .map_err(|e| {
                        usage(format!("unknown country \"{}\"", e.input), Some(e.help()))
                    })?;
                term(countries, &slugify(&country.name)).ok_or_else(|| {
                    usage(
                        format!(
                            "no published article is about {}, so it has no feed",
                            country.name
                        ),
                        Some("`feedpub list` shows every feed".into()),
                    )
                })
            }
            Selector::Custom(wanted) => {
                let slug = slugify(wanted);
                let mut names = Vec::new();
                specs
                    .iter()
                    .find(|s| match &s.scope {
                        Scope::Custom { name, slug: folder } => {
                            names.push(name.as_str());
                            *folder == slug || slugify(name) == slug
                        }
                        _ => false,
                    })
                    .ok_or_else(|| {
                        let help = match closest(wanted, &names) {
                            Some(close) => format!(
                                "did you mean \"{close}\"? (`feedpub list` shows every feed)"
                            ),
                            None => "`feedpub list` shows every feed".to_string(),
                        };
                        usage(
                            format!("the site has no custom feed \"{wanted}\""),
                            Some(help),
                        )
                    })
            }
            Selector::Feed(target) => self.find_file(specs, target).ok_or_else(|| {
                usage(
                    format!("\"{target}\" is not one of the site's feeds"),
                    Some(
                        "give a feed file (feeds/rss.xml) or URL; `feedpub list` shows every feed"
                            .into(),
                    ),
                )
            }),
        }
    }

    /// The feed a file path or URL names.
    fn find_file<'s, 'a>(
        &self,
        specs: &'s [FeedSpec<'a>],
        target: &str,
    ) -> Option<&'s FeedSpec<'a>> {
        let rel: PathBuf = if target.contains("://") {
            if let Some(spec) = specs
                .iter()
                .find(|s| [&s.rss_url, &s.atom_url, &s.json_url].contains(&&target.to_string()))
            {
                return Some(spec);
            }
            // A URL of the output directory served elsewhere (e.g. by
            // `feedpub serve`): its path below the feeds' root.
            let url = url::Url::parse(target).ok()?;
            let path = url.path();
            let below = path
                .strip_prefix(self.config.feeds_url.path())
                .or_else(|| path.strip_prefix('/'))?;
            PathBuf::from(
                percent_encoding::percent_decode_str(below)
                    .decode_utf8()
                    .ok()?
                    .as_ref(),
            )
        } else {
            let path = Path::new(target);
            let out = &self.config.output_dir;
            match path.strip_prefix(out) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => match (path.canonicalize(), out.canonicalize()) {
                    (Ok(p), Ok(o)) if p.starts_with(&o) => p.strip_prefix(&o).ok()?.to_path_buf(),
                    _ => path.to_path_buf(),
                },
            }
        };
        specs
            .iter()
            .find(|s| [s.rss_path(), s.atom_path(), s.json_path(), s.dir.clone()].contains(&rel))
    }
}

fn usage(message: impl Into<String>, help: Option<String>) -> Error {
    let mut d = Diagnostic::error("command line", message);
    if let Some(help) = help {
        d = d.with_help(help);
    }
    Error::Config(Box::new(d))
}

/// A date as the terminal shows it: `2024-03-25 10:00`, in its own offset.
fn short_date(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// How text output fits the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    /// Columns available; `None` (not a terminal, no `COLUMNS`) never truncates.
    pub width: Option<usize>,
    /// Whether to colour the output with ANSI escapes.
    pub color: bool,
}

impl TextStyle {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn fit<'t>(&self, text: &'t str, used: usize) -> Cow<'t, str> {
        match self.width {
            Some(width) => truncate(text, width.saturating_sub(used)),
            None => Cow::Borrowed(text),
        }
    }
}

/// Cut `text` to at most `width` terminal columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `text` followed by spaces up to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(text.width())));
    out
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const LINK: Style = AnsiColor::Cyan.on_default();
const WARN: Style = AnsiColor::Yellow.on_default();
const ERROR: Style = AnsiColor::Red.on_default().bold();

/// Width of the date column (`2024-03-25 10:00`) plus its gap.
const DATE_COLUMN: usize = 18;
/// The list's term column is never cut narrower than this.
const TERM_MIN: usize = 16;
/// Summary lines shown per entry.
const SUMMARY_LINES: usize = 2;

/// The preview as text: the feed's header, one block per entry (date,
/// title, link, bylines and terms, the first lines of the summary), then
/// the left-out articles as an aligned table.
pub fn render_preview(preview: &Preview, style: &TextStyle) -> String {
    let feed = &preview.feed;
    let mut out = String::new();
    let header = format!(
        "{}: {} {}",
        escaped(&feed.title),
        feed.items,
        if feed.items == 1 { "entry" } else { "entries" }
    );
    out.push_str(&style.paint(BOLD, &style.fit(&header, 0)));
    out.push('\n');
    for (label, url) in feed.urls() {
        out.push_str(&format!("{:<6}{}\n", label, style.paint(LINK, url)));
    }
    let indent = " ".repeat(DATE_COLUMN);
    for entry in &preview.entries {
        out.push('\n');
        let date = entry.date.as_ref().map(short_date).unwrap_or_default();
        out.push_str(&format!(
            "{}{}\n",
            style.paint(DIM, &pad(&date, DATE_COLUMN)),
            style.paint(BOLD, &style.fit(&escaped(&entry.title), DATE_COLUMN))
        ));
        out.push_str(&format!(
            "{indent}{}\n",
            style.paint(LINK, &escaped(&entry.link))
        ));
        let mut meta = Vec::new();
        if !entry.authors.is_empty() {
            meta.push(format!("by {}", escaped(&entry.authors.join(", "))));
        }
        for (_, terms) in &entry.terms.0 {
            if !terms.is_empty() {
                meta.push(escaped(&terms.join(", ")).into_owned());
            }
        }
        if !meta.is_empty() {
            out.push_str(&format!(
                "{indent}{}\n",
                style.fit(&meta.join(" · "), DATE_COLUMN)
            ));
        }
        for line in summary_lines(
            &entry.summary,
            style.width.map(|w| w.saturating_sub(DATE_COLUMN)),
        ) {
            out.push_str(&format!("{indent}{}\n", escaped(&line)));
        }
    }
    if let Some(excluded) = &preview.excluded {
        out.push('\n');
        if excluded.is_empty() {
            out.push_str("Every article of this feed's scope is in it.\n");
        } else {
            out.push_str(&style.paint(BOLD, &format!("Not in this feed ({}):", excluded.len())));
            out.push('\n');
            let rows: Vec<[String; 3]> = excluded
                .iter()
                .map(|e| {
                    let what = match (&e.reason, &e.title) {
                        (Reason::Invalid { error, line, .. }, _) => match line {
                            Some(line) => format!("line {line}: {}", escaped(error)),
                            None => escaped(error).into_owned(),
                        },
                        (_, Some(title)) => escaped(title).into_owned(),
                        (_, None) => String::new(),
                    };
                    [e.reason.to_string(), escaped_path(&e.source), what]
                })
                .collect();
            let widths = [0, 1].map(|i| rows.iter().map(|r| r[i].width()).max().unwrap_or(0));
            for (row, e) in rows.iter().zip(excluded) {
                let paint = if matches!(e.reason, Reason::Invalid { .. }) {
                    ERROR
                } else {
                    WARN
                };
                let used = widths[0] + widths[1] + 4;
                out.push_str(&format!(
                    "{}  {}  {}",
                    style.paint(paint, &pad(&row[0], widths[0])),
                    pad(&row[1], widths[1]),
                    style.fit(&row[2], used)
                ));
                out.push('\n');
            }
        }
    }
    out
}

/// The first lines of a summary, wrapped to `width`, with `…` when cut.
fn summary_lines(summary: &str, width: Option<usize>) -> Vec<String> {
    if summary.trim().is_empty() {
        return Vec::new();
    }
    let width = width.unwrap_or(100).max(20);
    let lines = textwrap::wrap(summary.trim(), width);
    let cut = lines.len() > SUMMARY_LINES;
    let mut shown: Vec<String> = lines
        .into_iter()
        .take(SUMMARY_LINES)
        .map(Cow::into_owned)
        .collect();
    if cut && let Some(last) = shown.last_mut() {
        let mut cut_line = truncate(last, width.saturating_sub(1)).into_owned();
        if !cut_line.ends_with('…') {
            cut_line.push('…');
        }
        *last = cut_line;
    }
    shown
}

/// The feed list as an aligned table: kind, term, items, newest item date,
/// URL of the first enabled format (the others are beside it). The term column is cut
/// to fit the terminal; URLs are never cut.
pub fn render_list(feeds: &[FeedSummary], style: &TextStyle) -> String {
    let header = ["KIND", "TERM", "ITEMS", "NEWEST", "URL"].map(String::from);
    let rows: Vec<[String; 5]> = feeds
        .iter()
        .map(|f| {
            [
                f.kind.to_string(),
                f.term
                    .as_deref()
                    .map_or_else(|| "-".into(), |term| escaped(term).into_owned()),
                f.items.to_string(),
                f.newest
                    .as_ref()
                    .map(short_date)
                    .unwrap_or_else(|| "-".into()),
                f.urls()
                    .next()
                    .map_or_else(String::new, |(_, url)| url.to_string()),
            ]
        })
        .collect();
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    // The term column gives way when the row is wider than the terminal.
    if let Some(width) = style.width {
        let others: usize = widths
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, w)| w + 2)
            .sum();
        let floor = widths[1].min(TERM_MIN);
        widths[1] = widths[1].min(width.saturating_sub(others).max(floor));
    }
    let mut out = String::new();
    for (i, row) in std::iter::once(&header).chain(&rows).enumerate() {
        let term = truncate(&row[1], widths[1]);
        let items = format!("{:>w$}", row[2], w = widths[2]);
        let line = format!(
            "{}  {}  {}  {}  {}",
            pad(&row[0], widths[0]),
            pad(&term, widths[1]),
            items,
            pad(&row[3], widths[3]),
            row[4]
        );
        let line = line.trim_end();
        if i == 0 {
            out.push_str(&style.paint(BOLD, line));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_terminal_columns() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly10!", 10), "exactly10!");
        assert_eq!(truncate("a longer title", 8), "a longe…");
        // Wide characters take two columns each.
        assert_eq!(truncate("日本語のタイトル", 7), "日本語…");
        assert_eq!(truncate("Энергетический", 5), "Энер…");
        assert_eq!(truncate("anything", 0), "");
    }

    #[test]
    fn padding_counts_terminal_columns() {
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn summaries_keep_their_first_lines() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = summary_lines(text, Some(20));
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 20), "{lines:?}");
        assert_eq!(summary_lines("short", Some(40)), ["short"]);
        assert!(summary_lines("", Some(40)).is_empty());
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = TextStyle {
            width: None,
            color: false,
        };
        let colour = TextStyle {
            width: None,
            color: true,
        };
        assert_eq!(plain.paint(BOLD, "x"), "x");
        assert_eq!(colour.paint(BOLD, "x"), "\u{1b}[1mx\u{1b}[0m");
    }

    #[test]
    fn reasons_read_like_sentences() {
        let until = DateTime::parse_from_rfc3339("2024-06-01T09:00:00+05:00").unwrap();
        assert_eq!(
            Reason::Scheduled { until }.to_string(),
            "scheduled until 2024-06-01 09:00"
        );
        assert_eq!(
            Reason::BeyondLimit { limit: 3 }.to_string(),
            "beyond the item limit (3)"
        );
        assert_eq!(
            Reason::Invalid {
                error: "x".into(),
                line: None,
                help: None,
                errors: 2
            }
            .to_string(),
            "invalid (2 errors)"
        );
    }
}
