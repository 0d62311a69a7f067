//! Feeds: which feeds exist, which articles each holds, and their rendering
//! into RSS 2.0 ([`rss`](mod@rss)), Atom 1.0 ([`atom`](mod@atom)) and JSON
//! Feed 1.1 ([`json`](mod@json)).

pub mod atom;
pub mod custom;
pub mod discovery;
pub mod history;
pub mod json;
pub mod language;
pub mod rss;
pub mod term_page;

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::config::archived::{CUSTOM_KIND, LANGUAGES_KIND, SITE_KIND};
use crate::error::Diagnostic;
use crate::format::Format;
use crate::model::Article;
use crate::taxonomy::{TaxonomyKind, Term};

/// The `generator` both formats name.
pub(crate) const GENERATOR: &str = "feedpub";

/// Which articles a feed covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Scope {
    /// Every published article.
    Site,
    /// The articles a `[[feeds]]` filter selects.
    Custom {
        /// The feed's name.
        name: String,
        /// Its folder under `custom/`.
        slug: String,
    },
    /// The pages of one language other than the default (Hugo's `/fr/`).
    Language {
        /// The language's code (`fr`), the feed's folder.
        code: String,
        /// The feed's language tag (`languageCode`, e.g. `fr-fr`).
        tag: String,
    },
    /// The articles filed under one term.
    Term {
        /// The taxonomy's plural name (`categories`, `countries`, …).
        taxonomy: String,
        /// The taxonomy's singular name (`category`, `country`, …).
        singular: String,
        /// Display name of the term.
        name: String,
        /// URL slug of the term.
        slug: String,
        /// The other language whose pages the term holds (`fr`), if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
}

/// One feed to publish, in both formats: its identity and its items.
#[derive(Debug, Clone)]
pub struct FeedSpec<'a> {
    /// What the feed covers.
    pub scope: Scope,
    /// Feed title.
    pub title: String,
    /// Feed description / subtitle.
    pub description: String,
    /// Folder of the feed's files under the output directory (empty for the site feed).
    pub dir: PathBuf,
    /// The web page the feed belongs to.
    pub alternate_url: String,
    /// Public URL of `rss.xml`.
    pub rss_url: String,
    /// Public URL of `atom.xml`.
    pub atom_url: String,
    /// Public URL of `feed.json`.
    pub json_url: String,
    /// Items, newest first, at most `limit`.
    pub items: Vec<&'a Article>,
    /// The newest change among the items, or the site's newest change for an
    /// empty feed; `None` only when nothing at all is published.
    pub updated: Option<DateTime<Utc>>,
    /// RFC 5005 archive links and mark (see the `archive` module); empty
    /// unless `archive` covers the feed's kind.
    pub history: history::History,
}

impl FeedSpec<'_> {
    /// The feed's language tag: its language's, else the site's.
    pub fn language<'s>(&'s self, config: &'s Config) -> Option<&'s str> {
        match &self.scope {
            Scope::Language { tag, .. } => Some(tag),
            Scope::Term {
                language: Some(code),
                ..
            } => Some(language::tag(config, code)),
            _ => config.language.as_deref(),
        }
    }

    /// Path of the RSS file relative to the output directory.
    pub fn rss_path(&self) -> PathBuf {
        self.dir.join("rss.xml")
    }

    /// Path of the Atom file relative to the output directory.
    pub(crate) fn atom_path(&self) -> PathBuf {
        self.dir.join("atom.xml")
    }

    /// Path of the JSON Feed file relative to the output directory.
    pub(crate) fn json_path(&self) -> PathBuf {
        self.dir.join("feed.json")
    }
}

/// Feed order: newest first, ties broken by URL so the order never depends
/// on file order.
pub(crate) fn newest_first(a: &Article, b: &Article) -> Ordering {
    b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url))
}

/// Sort articles into feed order.
pub(crate) fn sort_newest_first(articles: &mut [&Article]) {
    articles.sort_by(|a, b| newest_first(a, b));
}

/// The newest `limit` of `articles` in feed order, as sorting them all
/// and keeping the first `limit` would give (equal ones in their order in
/// `articles`), without sorting the others.
fn newest(articles: Vec<&Article>, limit: usize) -> Vec<&Article> {
    let mut ranked: Vec<(usize, &Article)> = articles.into_iter().enumerate().collect();
    let order =
        |a: &(usize, &Article), b: &(usize, &Article)| newest_first(a.1, b.1).then(a.0.cmp(&b.0));
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit, order);
        ranked.truncate(limit);
    }
    ranked.sort_unstable_by(order);
    ranked.into_iter().map(|(_, article)| article).collect()
}

/// Indexes (into `published`, ascending) of the articles that appear in at
/// least one feed: the newest `limit` of the site and of every term. Only
/// these need their bodies read.
pub fn members(config: &Config, published: &[Article], terms: &[Term]) -> Vec<usize> {
    let mut member = vec![false; published.len()];
    let mut take = |mut indexes: Vec<usize>| {
        let by_feed_order = |a: &usize, b: &usize| newest_first(&published[*a], &published[*b]);
        if indexes.len() > config.limit {
            indexes.select_nth_unstable_by(config.limit, by_feed_order);
            indexes.truncate(config.limit);
        }
        for i in indexes {
            member[i] = true;
        }
    };
    // Archive pages hold every item of the feeds they archive.
    let mut archived: Vec<usize> = Vec::new();
    let mut feed = |kind: &str, indexes: Vec<usize>| {
        if config.archive.covers(kind) {
            archived.extend(&indexes);
        }
        take(indexes);
    };
    feed(SITE_KIND, site_feed(config, published, terms));
    for term in terms {
        feed(&term.taxonomy.name, term.articles.clone());
    }
    for (_, indexes) in custom_feeds(config, published) {
        feed(CUSTOM_KIND, indexes);
    }
    for language_feed in language::feeds(config, published, main_sections(config, terms).as_deref())
    {
        feed(LANGUAGES_KIND, language_feed.articles);
    }
    for i in archived {
        member[i] = true;
    }
    member
        .iter()
        .enumerate()
        .filter_map(|(i, &m)| m.then_some(i))
        .collect()
}

/// Indexes (into `published`) of the articles of the site-wide feed: all
/// of them, except on a Hugo site, where the translations are left out
/// (each language has its own feed) and, when the site sets
/// `params.mainSections`, so are the pages outside those sections.
pub fn site_feed(config: &Config, published: &[Article], terms: &[Term]) -> Vec<usize> {
    if config.hugo.is_none() {
        return (0..published.len()).collect();
    }
    let Some(sections) = main_sections(config, terms) else {
        return (0..published.len())
            .filter(|&i| published[i].language.is_none())
            .collect();
    };
    let mut indexes: Vec<usize> = sections.iter().flat_map(|t| t.articles.clone()).collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// The section terms of a Hugo site's `params.mainSections`, which the
/// site-wide feeds are restricted to; `None` when the site does not set
/// them (or is not a Hugo site): then, as in Hugo's own home feed, every
/// page is in. (Hugo's fallback for themes that ask, "the section with
/// the most pages", would pin a site filed by year to one year.)
fn main_sections<'t>(config: &Config, terms: &'t [Term]) -> Option<Vec<&'t Term>> {
    let names = config.hugo.as_ref()?.main_sections.as_ref()?;
    Some(
        terms
            .iter()
            .filter(|t| t.taxonomy.kind == TaxonomyKind::Section && t.language.is_none())
            .filter(|t| names.iter().any(|n| n.eq_ignore_ascii_case(&t.name)))
            .collect(),
    )
}

/// The site's home page, which the site-wide and custom feeds link to: the
/// base URL, or on a Hugo site with `defaultContentLanguageInSubdir` the
/// default language's folder below it (`/en/`), where Hugo makes it.
fn home_page(config: &Config) -> String {
    match &config.hugo {
        Some(site) if site.default_language_in_subdir => config
            .base_url
            .join(&format!("{}/", site.default_language))
            .map_or_else(|_| config.base_url.to_string(), String::from),
        _ => config.base_url.to_string(),
    }
}

/// Plan every feed of the site: the site-wide feed, then one per term.
/// `published` holds the articles that may appear in feeds; `terms` index
/// into it.
pub fn plan<'a>(config: &Config, published: &'a [Article], terms: &[Term]) -> Vec<FeedSpec<'a>> {
    plan_with_all_items(config, published, terms).0
}

/// [`plan`], with every item of each feed whose kind `archive` covers
/// (newest first, not cut at `limit`; empty for the other feeds), for its
/// archive pages (see `archive::plan`).
#[allow(clippy::type_complexity)]
pub(crate) fn plan_with_all_items<'a>(
    config: &Config,
    published: &'a [Article],
    terms: &[Term],
) -> (Vec<FeedSpec<'a>>, Vec<Vec<&'a Article>>) {
    let site_updated = published.iter().filter_map(Article::last_change).max();
    let url = |path: &str| {
        config
            .feeds_url
            .join(path)
            .map_or_else(|_| format!("{}{path}", config.feeds_url), String::from)
    };
    let make = |scope: Scope,
                title: String,
                description: String,
                dir: String,
                alternate: String,
                members: Vec<&'a Article>| {
        let (items, all_items) = if config.archive.covers(history::kind_of(&scope)) {
            let mut all_items = members;
            sort_newest_first(&mut all_items);
            (
                all_items[..all_items.len().min(config.limit)].to_vec(),
                all_items,
            )
        } else {
            (newest(members, config.limit), Vec::new())
        };
        let updated = items
            .iter()
            .filter_map(|a| a.last_change())
            .max()
            .or(site_updated);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let spec = FeedSpec {
            scope,
            title,
            description,
            rss_url: url(&format!("{prefix}rss.xml")),
            atom_url: url(&format!("{prefix}atom.xml")),
            json_url: url(&format!("{prefix}feed.json")),
            dir: PathBuf::from(dir),
            alternate_url: alternate,
            items,
            updated,
            history: history::History::default(),
        };
        (spec, all_items)
    };

    let mut feeds = vec![make(
        Scope::Site,
        config.title.clone(),
        config.description.clone(),
        String::new(),
        home_page(config),
        site_feed(config, published, terms)
            .into_iter()
            .map(|i| &published[i])
            .collect(),
    )];
    let overrides = config
        .term_overrides
        .by_term(&config.taxonomies, &config.regions);
    for term in terms {
        let dir = term.dir();
        let site_title = match &term.language {
            Some(code) => language::title(config, code),
            None => &config.title,
        };
        let description = match term.taxonomy.kind {
            TaxonomyKind::Plain => {
                format!("Articles filed under {} on {site_title}", term.name)
            }
            TaxonomyKind::Country => format!("Articles about {} on {site_title}", term.name),
            TaxonomyKind::Section => {
                format!("Articles in the {} section of {site_title}", term.name)
            }
        };
        let alternate = term_page::url(config, term, &dir);
        // `feedpub.toml`'s overrides are written for the default language.
        let set = term
            .language
            .is_none()
            .then(|| overrides.get(&(term.taxonomy.name.clone(), term.slug.clone())))
            .flatten();
        let title = set
            .and_then(|t| t.title.clone())
            .unwrap_or_else(|| format!("{site_title} — {}", term.name));
        let description = set
            .and_then(|t| t.description.clone())
            .unwrap_or(description);
        feeds.push(make(
            Scope::Term {
                taxonomy: term.taxonomy.name.clone(),
                singular: term.taxonomy.singular.clone(),
                name: term.name.clone(),
                slug: term.slug.clone(),
                language: term.language.clone(),
            },
            title,
            description,
            dir,
            alternate,
            term.articles.iter().map(|&i| &published[i]).collect(),
        ));
    }
    for (feed, indexes) in custom_feeds(config, published) {
        let slug = feed.slug();
        feeds.push(make(
            Scope::Custom {
                name: feed.name.clone(),
                slug: slug.clone(),
            },
            format!("{} — {}", config.title, feed.name),
            feed.description
                .clone()
                .unwrap_or_else(|| format!("{} on {}", feed.name, config.title)),
            format!("{}/{slug}", crate::output::CUSTOM_DIR),
            home_page(config),
            indexes.into_iter().map(|i| &published[i]).collect(),
        ));
    }
    for feed in language::feeds(config, published, main_sections(config, terms).as_deref()) {
        let alternate = config
            .base_url
            .join(&format!("{}/", feed.code))
            .map_or_else(|_| config.base_url.to_string(), String::from);
        feeds.push(make(
            Scope::Language {
                code: feed.code.clone(),
                tag: feed.tag,
            },
            feed.title,
            config.description.clone(),
            feed.code,
            alternate,
            feed.articles.into_iter().map(|i| &published[i]).collect(),
        ));
    }
    feeds.into_iter().unzip()
}

/// The site's custom feeds with the indexes (into `published`) of their
/// articles.
fn custom_feeds<'c>(
    config: &'c Config,
    published: &[Article],
) -> Vec<(&'c crate::config::custom_feed::CustomFeed, Vec<usize>)> {
    let mut feeds = custom::select(
        &config.custom_feeds,
        &config.taxonomies,
        &config.regions,
        published,
    );
    // Custom feeds hold the default language's pages, as terms do.
    for (_, indexes) in &mut feeds {
        indexes.retain(|&i| published[i].language.is_none());
    }
    feeds
}

// Beside `FeedSpec`, so that `format` (a configuration setting) depends on
// no stage.
impl Format {
    /// Path of `spec`'s file in this format, relative to the output directory.
    pub fn path(self, spec: &FeedSpec<'_>) -> PathBuf {
        spec.dir.join(self.file_name())
    }

    /// Public URL of `spec`'s file in this format.
    pub fn url<'s>(self, spec: &'s FeedSpec<'_>) -> &'s str {
        match self {
            Format::Rss => &spec.rss_url,
            Format::Atom => &spec.atom_url,
            Format::Json => &spec.json_url,
        }
    }
}

/// Feed files (archive pages included) of the formats `enabled` leaves out
/// that are still on disk under `output_dir` from earlier builds: one
/// warning naming them all, or
/// none. They are left alone (readers may still poll them), but they no
/// longer change, so the warning says how to remove them.
pub(crate) fn stale_files(
    output_dir: &Path,
    specs: &[&FeedSpec<'_>],
    enabled: &[Format],
) -> Option<Diagnostic> {
    let stale: Vec<PathBuf> = Format::ALL
        .into_iter()
        .filter(|f| !enabled.contains(f))
        .flat_map(|f| specs.iter().map(move |spec| output_dir.join(f.path(spec))))
        .filter(|path| path.is_file())
        .collect();
    let first = stale.first()?;
    const SHOWN: usize = 5;
    let mut names: Vec<String> = stale
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect();
    if stale.len() > SHOWN {
        names.push(format!("and {} more", stale.len() - SHOWN));
    }
    let off: Vec<&str> = Format::ALL
        .into_iter()
        .filter(|f| !enabled.contains(f))
        .map(Format::file_name)
        .collect();
    Some(
        Diagnostic::warning(
            first,
            format!(
                "{} feed file(s) of a format turned off in `formats` are still published and no longer updated: {}",
                stale.len(),
                names.join(", ")
            ),
        )
        .with_help(format!(
            "readers subscribed to them see no new items: redirect them to a format you publish, \
             or delete the files ({}) under {} once readers have moved; or add the format back to `formats`",
            off.join(", "),
            output_dir.display()
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The newest `limit` in feed order are the first `limit` of the
        /// whole list sorted (ties, same date and URL, in list order).
        #[test]
        fn newest_is_the_head_of_the_sorted_list(
            dated in proptest::collection::vec((0..5i64, 0..4u8), 0..40),
            limit in 0..45usize,
        ) {
            let articles: Vec<Article> = dated
                .iter()
                .enumerate()
                .map(|(i, (day, url))| Article {
                    date: chrono::DateTime::from_timestamp(day * 86_400, 0),
                    url: format!("https://x.org/{url}/"),
                    title: i.to_string(),
                    ..Article::sample(&i.to_string())
                })
                .collect();
            let all: Vec<&Article> = articles.iter().collect();
            let mut sorted = all.clone();
            sort_newest_first(&mut sorted);
            sorted.truncate(limit);
            let titles = |items: &[&Article]| items.iter().map(|a| a.title.clone()).collect::<Vec<_>>();
            prop_assert_eq!(titles(&newest(all, limit)), titles(&sorted));
        }
    }
}
