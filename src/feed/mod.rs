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
use crate::model::{Article, Body};
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

/// One feed to publish, in every format: its identity and its items, each
/// an `Item`: a planned article ([`FeedSpec`]), or an [`Entry`] with its
/// body read ([`FeedToRender`]).
#[derive(Debug, Clone)]
pub struct Feed<Item> {
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
    pub items: Vec<Item>,
    /// The newest change among the items, or the site's newest change for an
    /// empty feed; `None` only when nothing at all is published.
    pub updated: Option<DateTime<Utc>>,
    /// RFC 5005 archive links and mark (see the `archive` module); empty
    /// unless `archive` covers the feed's kind.
    pub history: history::History,
}

/// A planned feed: which articles it holds, some of them perhaps known
/// from an earlier run by their body's digests only. What the ledger dates,
/// the fingerprints digest and the discovery files list; to render it, turn
/// it into a [`FeedToRender`] with [`FeedSpec::to_render`].
pub type FeedSpec<'a> = Feed<&'a Article>;

/// A feed ready to render: every item is an [`Entry`], an article with its
/// body read. The only input of the renderers ([`rss::render`],
/// [`atom::render`], [`json::render`]).
pub type FeedToRender<'a> = Feed<Entry<'a>>;

/// One item of a feed to render: an article and its body, read. Made only
/// by [`Entry::of`] (through [`FeedSpec::to_render`]), which refuses an
/// article whose body was not read, so a rendered item cannot go out with
/// empty content (#12).
///
/// A planned feed cannot be rendered as it is:
///
/// ```compile_fail,E0308
/// # use feedpub::{config::Config, feed, model::Article};
/// fn render(config: &Config, published: &[Article]) -> Vec<u8> {
///     let specs = feed::plan(config, published, &[]);
///     feed::rss::render(config, &specs[0]) // expects a `FeedToRender`
/// }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The article.
    article: &'a Article,
    /// Its body, read.
    body: &'a Body,
}

impl<'a> Entry<'a> {
    /// `article` with its body, or an error at its file when the body was
    /// not read (a body known only by its digests does not count): a bug in
    /// the stage that reads the bodies of the planned items.
    pub fn of(article: &'a Article) -> Result<Entry<'a>, Box<Diagnostic>> {
        match article.body.as_deref() {
            Some(body) => Ok(Entry { article, body }),
            None => Err(Box::new(
                Diagnostic::error(
                    &article.source,
                    "internal error: the article is planned in a feed to render, \
                     but its body was not read",
                )
                .with_help("this is a bug in feedpub: please report it"),
            )),
        }
    }

    /// The article.
    pub fn article(&self) -> &'a Article {
        self.article
    }

    /// The article's body, read.
    pub fn body(&self) -> &'a Body {
        self.body
    }
}

impl<Item> Feed<Item> {
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

impl<'a> FeedSpec<'a> {
    /// This feed with every item's body, ready to render; an error at the
    /// first item whose body was not read.
    pub fn to_render(&self) -> Result<FeedToRender<'a>, Box<Diagnostic>> {
        let Feed {
            scope,
            title,
            description,
            dir,
            alternate_url,
            rss_url,
            atom_url,
            json_url,
            items,
            updated,
            history,
        } = self;
        Ok(Feed {
            items: items
                .iter()
                .map(|a| Entry::of(a))
                .collect::<Result<_, _>>()?,
            scope: scope.clone(),
            title: title.clone(),
            description: description.clone(),
            dir: dir.clone(),
            alternate_url: alternate_url.clone(),
            rss_url: rss_url.clone(),
            atom_url: atom_url.clone(),
            json_url: json_url.clone(),
            updated: *updated,
            history: history.clone(),
        })
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

/// `indexes` (into `published`) in feed order, as a stable sort would put
/// them (equal ones in their order in `indexes`), keeping the first `limit`
/// when there is one, without sorting the others.
fn in_feed_order(published: &[Article], indexes: Vec<usize>, limit: Option<usize>) -> Vec<usize> {
    let mut ranked: Vec<(usize, usize)> = indexes.into_iter().enumerate().collect();
    let order = |a: &(usize, usize), b: &(usize, usize)| {
        newest_first(&published[a.1], &published[b.1]).then(a.0.cmp(&b.0))
    };
    if let Some(limit) = limit
        && ranked.len() > limit
    {
        ranked.select_nth_unstable_by(limit, order);
        ranked.truncate(limit);
    }
    ranked.sort_unstable_by(order);
    ranked.into_iter().map(|(_, index)| index).collect()
}

/// What one feed holds: indexes into `published`, in feed order.
#[derive(Debug, Default, Clone)]
struct Chosen {
    /// The feed's items: its newest `limit` articles.
    items: Vec<usize>,
    /// Every article of the feed, for its archive pages; empty unless the
    /// feed's kind is archived.
    all_items: Vec<usize>,
}

impl Chosen {
    /// The items of a feed of `kind` whose articles are `indexes`.
    fn of(config: &Config, published: &[Article], kind: &str, indexes: Vec<usize>) -> Chosen {
        if config.archive.covers(kind) {
            let all_items = in_feed_order(published, indexes, None);
            Chosen {
                items: all_items[..all_items.len().min(config.limit)].to_vec(),
                all_items,
            }
        } else {
            Chosen {
                items: in_feed_order(published, indexes, Some(config.limit)),
                all_items: Vec::new(),
            }
        }
    }
}

/// Which articles every feed of the site holds, decided once (#12): the
/// bodies read are those of these articles, and the plan renders these
/// items, so the two cannot disagree.
#[derive(Debug, Default)]
pub(crate) struct Membership {
    /// The site-wide feed.
    site: Chosen,
    /// One per term, indexed like the terms they were chosen from; a term
    /// added after (one that lost its articles) holds nothing.
    terms: Vec<Chosen>,
    /// The custom feeds: each one's position in `Config::custom_feeds`.
    custom: Vec<(usize, Chosen)>,
    /// The language feeds (their `articles` moved into the `Chosen`).
    languages: Vec<(language::LanguageFeed, Chosen)>,
}

impl Membership {
    /// Choose the items of every feed of `published`, grouped into `terms`.
    pub(crate) fn choose(config: &Config, published: &[Article], terms: &[Term]) -> Membership {
        let chosen = |kind: &str, indexes| Chosen::of(config, published, kind, indexes);
        Membership {
            site: chosen(SITE_KIND, site_feed(config, published, terms)),
            terms: terms
                .iter()
                .map(|term| chosen(&term.taxonomy.name, term.articles.clone()))
                .collect(),
            custom: custom_feeds(config, published)
                .into_iter()
                .filter_map(|(feed, indexes)| {
                    let at = config
                        .custom_feeds
                        .iter()
                        .position(|f| std::ptr::eq(f, feed))?;
                    Some((at, chosen(CUSTOM_KIND, indexes)))
                })
                .collect(),
            languages: language::feeds(config, published, main_sections(config, terms).as_deref())
                .into_iter()
                .map(|mut feed| {
                    let indexes = std::mem::take(&mut feed.articles);
                    (feed, chosen(LANGUAGES_KIND, indexes))
                })
                .collect(),
        }
    }

    /// Indexes (into `published`, ascending) of the articles that appear in
    /// at least one feed or archive page: only these need their bodies read.
    pub(crate) fn members(&self, published: usize) -> Vec<usize> {
        let mut member = vec![false; published];
        let chosen = std::iter::once(&self.site)
            .chain(&self.terms)
            .chain(self.custom.iter().map(|(_, c)| c))
            .chain(self.languages.iter().map(|(_, c)| c));
        for c in chosen {
            for &i in c.items.iter().chain(&c.all_items) {
                member[i] = true;
            }
        }
        member
            .iter()
            .enumerate()
            .filter_map(|(i, &m)| m.then_some(i))
            .collect()
    }
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
    let membership = Membership::choose(config, published, terms);
    plan_with_all_items(config, published, terms, &membership).0
}

/// [`plan`] of the items `membership` chose from these `published` articles
/// and `terms`, with every item of each feed whose kind `archive` covers
/// (newest first, not cut at `limit`; empty for the other feeds), for its
/// archive pages (see `archive::plan`).
#[allow(clippy::type_complexity)]
pub(crate) fn plan_with_all_items<'a>(
    config: &Config,
    published: &'a [Article],
    terms: &[Term],
    membership: &Membership,
) -> (Vec<FeedSpec<'a>>, Vec<Vec<&'a Article>>) {
    let articles = |indexes: &[usize]| -> Vec<&'a Article> {
        indexes.iter().map(|&i| &published[i]).collect()
    };
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
                chosen: &Chosen| {
        let items = articles(&chosen.items);
        let all_items = articles(&chosen.all_items);
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
        &membership.site,
    )];
    let overrides = config
        .term_overrides
        .by_term(&config.taxonomies, &config.regions);
    // A term after those the membership was chosen from lost its articles.
    let empty = Chosen::default();
    for (t, term) in terms.iter().enumerate() {
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
            membership.terms.get(t).unwrap_or(&empty),
        ));
    }
    for (at, chosen) in &membership.custom {
        let feed = &config.custom_feeds[*at];
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
            chosen,
        ));
    }
    for (feed, chosen) in &membership.languages {
        let alternate = config
            .base_url
            .join(&format!("{}/", feed.code))
            .map_or_else(|_| config.base_url.to_string(), String::from);
        feeds.push(make(
            Scope::Language {
                code: feed.code.clone(),
                tag: feed.tag.clone(),
            },
            feed.title.clone(),
            language::description(config, &feed.code).to_string(),
            feed.code.clone(),
            alternate,
            chosen,
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
    pub fn path<Item>(self, spec: &Feed<Item>) -> PathBuf {
        spec.dir.join(self.file_name())
    }

    /// Public URL of `spec`'s file in this format.
    pub fn url<Item>(self, spec: &Feed<Item>) -> &str {
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

    /// The bodies a build reads are those of the plan's items and archive
    /// pages, no more and no fewer: both come from one `Membership`.
    #[test]
    fn the_members_are_exactly_the_planned_items() {
        let config = Config::from_toml(
            "title = \"T\"\nbase_url = \"https://x.org\"\nlimit = 2\narchive = [\"countries\"]\n",
            Path::new("feedpub.toml"),
            Path::new(""),
            &crate::config::Paths::default(),
        )
        .unwrap();
        let categories = config
            .taxonomies
            .iter()
            .position(|t| t.name == "categories")
            .unwrap();
        let countries = config
            .taxonomies
            .iter()
            .position(|t| t.name == "countries")
            .unwrap();
        let mut published: Vec<Article> = (0..9)
            .map(|i| {
                let mut terms = vec![Vec::new(); config.taxonomies.len()];
                terms[categories] = vec![if i % 2 == 0 { "Economy" } else { "Sport" }.to_string()];
                if i < 4 {
                    terms[countries] = vec!["Tajikistan".to_string()];
                }
                Article {
                    source: PathBuf::from(format!("{i}.md")),
                    date: chrono::DateTime::from_timestamp(i64::from(i) * 86_400, 0),
                    terms,
                    ..Article::sample(&i.to_string())
                }
            })
            .collect();
        let terms = crate::taxonomy::group(&mut published, &config.taxonomies);
        let membership = Membership::choose(&config, &published, &terms);
        let (specs, all_items) = plan_with_all_items(&config, &published, &terms, &membership);
        let mut planned: Vec<&Path> = specs
            .iter()
            .flat_map(|spec| &spec.items)
            .chain(all_items.iter().flatten())
            .map(|a| a.source.as_path())
            .collect();
        planned.sort();
        planned.dedup();
        let members: Vec<&Path> = membership
            .members(published.len())
            .into_iter()
            .map(|i| published[i].source.as_path())
            .collect();
        assert_eq!(members, planned);
        // The newest two of the site (8, 7), of Economy (8, 6) and of
        // Sport (7, 5), and every article of the archived country (0–3):
        // 4 is in no feed.
        let names: Vec<String> = members.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            [
                "0.md", "1.md", "2.md", "3.md", "5.md", "6.md", "7.md", "8.md"
            ]
        );
    }

    /// #12: an item whose body was not read cannot be rendered with empty
    /// content: making the feed's entries fails at its file, and a body
    /// known only by its digests from an earlier run does not count.
    #[test]
    fn a_planned_item_without_its_body_is_an_error_not_an_empty_entry() {
        let config = Config::from_toml(
            "title = \"T\"\nbase_url = \"https://x.org\"\n",
            Path::new("feedpub.toml"),
            Path::new(""),
            &crate::config::Paths::default(),
        )
        .unwrap();
        let body = Body::new("<p>Read.</p>".into(), "Read.".into(), 7, true);
        let read = Article {
            date: chrono::DateTime::from_timestamp(86_400, 0),
            body: Some(Box::new(body.clone())),
            ..Article::sample("read")
        };
        let known = Article {
            body: None,
            known_body: Some(crate::model::KnownBody::of(&body)),
            ..Article::sample("known")
        };
        let unread = Article::sample("unread");
        for missing in [known, unread] {
            let published = [read.clone(), missing];
            let specs = plan(&config, &published, &[]);
            assert_eq!(specs[0].items.len(), 2, "both are planned");
            let problem = specs[0].to_render().unwrap_err();
            assert!(problem.is_error());
            assert_eq!(problem.path, published[1].source);
            assert!(problem.message.contains("body was not read"), "{problem}");
        }
        let published = [read];
        let specs = plan(&config, &published, &[]);
        let to_render = specs[0].to_render().unwrap();
        let [entry] = to_render.items.as_slice() else {
            panic!("one entry");
        };
        assert!(std::ptr::eq(entry.article(), &published[0]));
        assert_eq!(entry.body(), &body);
        assert_eq!(to_render.rss_url, specs[0].rss_url);
    }

    proptest! {
        /// A feed's items in feed order are those of a stable sort of its
        /// articles (ties, same date and URL, in their order in the list),
        /// and with a limit the first `limit` of them.
        #[test]
        fn feed_order_is_a_stable_sort_cut_at_the_limit(
            dated in proptest::collection::vec((0..5i64, 0..4u8), 0..40),
            reversed in any::<bool>(),
            limit in 0..45usize,
        ) {
            let articles: Vec<Article> = dated
                .iter()
                .enumerate()
                .map(|(i, (day, url))| Article {
                    date: chrono::DateTime::from_timestamp(day * 86_400, 0),
                    url: format!("https://x.org/{url}/"),
                    ..Article::sample(&i.to_string())
                })
                .collect();
            let mut indexes: Vec<usize> = (0..articles.len()).collect();
            if reversed {
                indexes.reverse();
            }
            let mut sorted = indexes.clone();
            sorted.sort_by(|&a, &b| newest_first(&articles[a], &articles[b]));
            prop_assert_eq!(&in_feed_order(&articles, indexes.clone(), None), &sorted);
            sorted.truncate(limit);
            prop_assert_eq!(in_feed_order(&articles, indexes, Some(limit)), sorted);
        }
    }
}
