//! RFC 5005 archived feeds for the site-wide feed (`archive = true`).
//!
//! The subscription feeds (`rss.xml`, `atom.xml`) stay as they are, the
//! newest `limit` items, and link `rel="prev-archive"` to the newest archive
//! page. Archive pages hold every published item of the site-wide feed, one
//! page per publication month in the site's time zone, at
//! `archive/YYYY-MM/rss.xml` and `atom.xml`; each carries `fh:archive`,
//! `rel="current"` (the subscription feed) and `prev-archive` /
//! `next-archive` links to its neighbours.
//!
//! Why months: a page's content depends only on its own articles, so once
//! a month is over its page never changes unless one of its articles is
//! edited or deleted, and caches and archivists can keep it forever. A new
//! article changes the subscription feed and its month's page only (the
//! first article of a new month adds a page, and the `next-archive` link of
//! the page before it). The price: pages are uneven in size (a busy month
//! is a big page), which fixed-size pages counted from the oldest item
//! would avoid, but those shift whenever an old article is deleted.
//! Subscription and archives overlap (the newest items are in both); a
//! client reconstructing the history keeps each id once (RFC 5005 §4).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono_tz::Tz;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::feed::{self, FeedSpec, Scope};
use crate::model::Article;
use crate::taxonomy::Term;

/// The folder of the archive pages under the output directory.
pub const ARCHIVE_DIR: &str = "archive";

/// Namespace of `fh:archive` (RFC 5005).
pub const FH_NS: &str = "http://purl.org/syndication/history/1.0";

/// A feed's place in an archived feed's history: whether it is an archive
/// page, and its links to the other documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The document is an archive page (`<fh:archive/>`).
    pub archive: bool,
    /// `current`, `prev-archive` and `next-archive` links.
    pub links: Vec<HistoryLink>,
}

/// One RFC 5005 link, with the target in each format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLink {
    /// `current`, `prev-archive` or `next-archive`.
    pub rel: &'static str,
    /// The target's RSS 2.0 URL.
    pub rss_url: String,
    /// The target's Atom 1.0 URL.
    pub atom_url: String,
}

/// The archive pages of the site-wide feed, oldest first, and the
/// `prev-archive` link added to `site` (the subscription feed). Nothing
/// unless `archive = true`.
pub fn plan<'a>(
    config: &Config,
    published: &'a [Article],
    terms: &[Term],
    site: &mut FeedSpec<'a>,
) -> Vec<FeedSpec<'a>> {
    if !config.archive {
        return Vec::new();
    }
    let mut months: BTreeMap<String, Vec<&'a Article>> = BTreeMap::new();
    for index in feed::site_feed(config, published, terms) {
        let article = &published[index];
        // Published articles are dated (the ledger stamps undated ones).
        if let Some(date) = article.date {
            let month = date.with_timezone::<Tz>(&config.timezone).format("%Y-%m");
            months.entry(month.to_string()).or_default().push(article);
        }
    }
    let url = |dir: &str, file: &str| {
        config.feeds_url.join(&format!("{dir}/{file}")).map_or_else(
            |_| format!("{}{dir}/{file}", config.feeds_url),
            String::from,
        )
    };
    let link = |rel, dir: &str| HistoryLink {
        rel,
        rss_url: url(dir, "rss.xml"),
        atom_url: url(dir, "atom.xml"),
    };
    let dirs: Vec<String> = months
        .keys()
        .map(|m| format!("{ARCHIVE_DIR}/{m}"))
        .collect();
    let current = HistoryLink {
        rel: "current",
        rss_url: site.rss_url.clone(),
        atom_url: site.atom_url.clone(),
    };
    if let Some(newest) = dirs.last() {
        site.history.links.push(link("prev-archive", newest));
    }
    months
        .into_iter()
        .enumerate()
        .map(|(i, (month, mut items))| {
            feed::sort_newest_first(&mut items);
            let dir = &dirs[i];
            let mut links = vec![current.clone()];
            if let Some(older) = i.checked_sub(1).map(|j| &dirs[j]) {
                links.push(link("prev-archive", older));
            }
            if let Some(newer) = dirs.get(i + 1) {
                links.push(link("next-archive", newer));
            }
            FeedSpec {
                scope: Scope::Site,
                title: format!("{} — archive {month}", config.title),
                description: format!("Articles of {month} on {}", config.title),
                dir: PathBuf::from(dir),
                alternate_url: config.base_url.to_string(),
                rss_url: url(dir, "rss.xml"),
                atom_url: url(dir, "atom.xml"),
                json_url: url(dir, "feed.json"),
                // Only the page's own items: never the clock or the site.
                updated: items.iter().filter_map(|a| a.last_change()).max(),
                items,
                history: History {
                    archive: true,
                    links,
                },
            }
        })
        .collect()
}

/// Whether `path` (relative to the output directory) is an archive page.
pub fn is_archive_page(path: &std::path::Path) -> bool {
    path.starts_with(ARCHIVE_DIR)
}

/// With archives off (`archive` unset or false), the pages earlier builds
/// wrote under `output_dir` are left alone (archivists may hold them) but
/// no longer change, and the subscription feeds stop linking to them: one
/// warning that says so, or none.
pub fn stale_pages(output_dir: &std::path::Path, archive: bool) -> Option<Diagnostic> {
    if archive {
        return None;
    }
    let dir = output_dir.join(ARCHIVE_DIR);
    let pages = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .count();
    (pages > 0).then(|| {
        Diagnostic::warning(
            &dir,
            format!(
                "{pages} month(s) of archive pages from earlier builds are still published \
                 and no longer updated: `archive` is off"
            ),
        )
        .with_help(format!(
            "set archive = true to keep them current, or delete {} once nobody follows them",
            crate::text::escaped_path(&dir)
        ))
    })
}
