//! RFC 5005 archived feeds (`archive = true`, or a list of feed kinds).
//!
//! The subscription feeds (`rss.xml`, `atom.xml`) stay as they are, the
//! newest `limit` items, and link `rel="prev-archive"` to the newest archive
//! page. An archived feed's pages hold every item it ever published, one
//! page per publication month in the site's time zone, at
//! `<feed folder>/archive/YYYY-MM/rss.xml` and `atom.xml` (the site-wide
//! feed's at `archive/YYYY-MM/`, a category's at
//! `categories/<slug>/archive/YYYY-MM/`); each carries `fh:archive`,
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
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::config::Config;
use crate::config::archived::Archived;
use crate::error::Diagnostic;
use crate::feed::history::{History, HistoryLink, kind_of};
use crate::feed::{self, FeedSpec, Scope};
use crate::model::Article;
use crate::output::ARCHIVE_DIR;

/// The archive pages of every archived feed, oldest first within each
/// feed, with the `prev-archive` link added to each archived subscription
/// feed in `specs`. `all_items[i]` holds every item of `specs[i]` (empty
/// for a feed that is not archived), as [`feed::plan_with_all_items`]
/// gives them.
pub(crate) fn plan<'a>(
    config: &Config,
    specs: &mut [FeedSpec<'a>],
    all_items: Vec<Vec<&'a Article>>,
) -> Vec<FeedSpec<'a>> {
    let mut pages = Vec::new();
    for (spec, items) in specs.iter_mut().zip(all_items) {
        if config.archive.covers(kind_of(&spec.scope)) {
            pages.extend(plan_feed(config, spec, items));
        }
    }
    pages
}

/// The archive pages of one feed, whose every item is in `all_items`.
fn plan_feed<'a>(
    config: &Config,
    feed: &mut FeedSpec<'a>,
    all_items: Vec<&'a Article>,
) -> Vec<FeedSpec<'a>> {
    let mut months: BTreeMap<String, Vec<&'a Article>> = BTreeMap::new();
    for article in all_items {
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
    let folder = feed.dir.join(ARCHIVE_DIR);
    let dirs: Vec<String> = months
        .keys()
        .map(|m| {
            folder
                .join(m)
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/")
        })
        .collect();
    let current = HistoryLink {
        rel: "current",
        rss_url: feed.rss_url.clone(),
        atom_url: feed.atom_url.clone(),
    };
    if let Some(newest) = dirs.last() {
        feed.history.links.push(link("prev-archive", newest));
    }
    let feed = &*feed;
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
            let description = match feed.scope {
                Scope::Site => format!("Articles of {month} on {}", config.title),
                _ => format!("{} ({month})", feed.description),
            };
            FeedSpec {
                scope: feed.scope.clone(),
                title: format!("{} — archive {month}", feed.title),
                description,
                dir: PathBuf::from(dir),
                alternate_url: feed.alternate_url.clone(),
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

/// Whether `path` (a file relative to the output directory) is an archive
/// page: `…/archive/YYYY-MM/<file>`.
pub(crate) fn is_archive_page(path: &Path) -> bool {
    let mut folders = path.components().rev().skip(1);
    match (folders.next(), folders.next()) {
        (Some(month), Some(archive)) => {
            archive.as_os_str() == ARCHIVE_DIR && is_month(&month.as_os_str().to_string_lossy())
        }
        _ => false,
    }
}

/// Whether `name` is a page's month, `YYYY-MM`.
fn is_month(name: &str) -> bool {
    name.len() == 7
        && name.char_indices().all(|(i, c)| match i {
            4 => c == '-',
            _ => c.is_ascii_digit(),
        })
}

/// The archive page folders (`…/archive/YYYY-MM`) earlier builds wrote for
/// `feed` under `output_dir`.
fn month_folders(output_dir: &Path, feed: &FeedSpec<'_>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(output_dir.join(&feed.dir).join(ARCHIVE_DIR)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|entry| is_month(&entry.file_name().to_string_lossy()))
        .map(|entry| entry.path())
        .collect()
}

/// The archive page folders of the feeds in `specs` that `archive` no
/// longer covers, still under `output_dir` from earlier builds: they are
/// left alone (archivists may hold them) but no longer change, and the
/// subscription feeds stop linking to them: one warning that says so, or
/// none.
pub(crate) fn stale_pages(
    output_dir: &Path,
    specs: &[FeedSpec<'_>],
    archive: &Archived,
) -> Option<Diagnostic> {
    let stale: Vec<PathBuf> = specs
        .iter()
        .filter(|spec| !archive.covers(kind_of(&spec.scope)))
        .flat_map(|spec| month_folders(output_dir, spec))
        .collect();
    let first = stale.first()?;
    let dir = first.parent().unwrap_or(first);
    let feeds: std::collections::BTreeSet<&Path> =
        stale.iter().filter_map(|p| p.parent()).collect();
    Some(
        Diagnostic::warning(
            dir,
            format!(
                "{} month(s) of archive pages from earlier builds are still published \
                 and no longer updated: `archive` does not cover their feed ({} feed(s))",
                stale.len(),
                feeds.len()
            ),
        )
        .with_help(format!(
            "set archive = true (or list the feed's kind in `archive`) to keep them current, \
             or delete {} once nobody follows them",
            crate::text::escaped_path(dir)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_pages_are_recognised_at_any_depth() {
        for page in [
            "archive/2024-04/rss.xml",
            "categories/economy/archive/2024-04/atom.xml",
            "fr/archive/2023-12/rss.xml",
        ] {
            assert!(is_archive_page(Path::new(page)), "{page}");
        }
        for feed in [
            "rss.xml",
            "categories/archive/rss.xml",
            "categories/economy/rss.xml",
            "archive/latest/rss.xml",
        ] {
            assert!(!is_archive_page(Path::new(feed)), "{feed}");
        }
    }
}
