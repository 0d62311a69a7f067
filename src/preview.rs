//! Previewing feeds from `content/` directly, without a build: which entries
//! a feed will hold at the next run, which articles are left out and why,
//! and a list of every feed. The query model only: the binary shows it as
//! text or JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::build::prepare;
use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::feed::{self, FeedSpec, Scope};
use crate::format::Format;
use crate::model::Article;
use crate::progress::Silent;
use crate::select::{Exclusion, Selection};
use crate::taxonomy::country::Countries;
use crate::taxonomy::{Taxonomy, TaxonomyKind, Term, slugify};
use crate::text::closest;

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
    /// Which articles each feed holds, as the build chose them.
    membership: feed::Membership,
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

/// An article left out of the previewed feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Excluded {
    /// The article file.
    pub source: PathBuf,
    /// Headline, unless the file is invalid.
    pub title: Option<String>,
    /// Why it is left out, with dates in the site time zone.
    #[serde(flatten)]
    pub reason: Exclusion<DateTime<FixedOffset>>,
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
            membership: prepared.membership,
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
        let published = &self.selection.published;
        feed::plan_with_all_items(self.config, published, &self.terms, &self.membership).0
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
        // As the build renders them: each entry with its body read.
        let to_render = spec.to_render().map_err(|d| Error::Invalid(vec![*d]))?;
        let entries = to_render.items.iter().map(|e| self.entry(e)).collect();
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

    fn entry(&self, item: &feed::Entry<'_>) -> Entry {
        let article = item.article();
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
            summary: item.body().summary.clone(),
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
            Scope::Site => article.language.is_none(),
            Scope::Language { code, .. } => article.language.as_deref() == Some(code.as_str()),
            Scope::Custom { .. } => custom.as_ref().is_some_and(|f| f.matches(article)),
            Scope::Term {
                taxonomy,
                slug,
                language,
                ..
            } => {
                article.language.as_deref() == language.as_deref()
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
                    reason: Exclusion::BeyondLimit {
                        limit: self.config.limit,
                    },
                });
            }
        }
        for (article, why) in &self.selection.excluded {
            if !belongs(article) {
                continue;
            }
            let reason = why.clone().map_dates(|d| self.local(&d));
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
                reason: Exclusion::Invalid {
                    code: first.and_then(|d| d.code.clone()),
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
