//! The articles of each custom feed (`[[feeds]]` in `feedpub.toml`, see
//! [`crate::config::custom_feed`]).

use crate::config::custom_feed::CustomFeed;
use crate::model::Article;
use crate::taxonomy::Taxonomy;

/// For each custom feed whose filter resolves, the feed and the indexes
/// (into `published`) of its articles.
pub fn select<'f>(
    feeds: &'f [CustomFeed],
    taxonomies: &[Taxonomy],
    regions: &[String],
    published: &[Article],
) -> Vec<(&'f CustomFeed, Vec<usize>)> {
    feeds
        .iter()
        .filter_map(|feed| {
            let filter = feed.filter(taxonomies, regions).ok()?;
            let members = (0..published.len())
                .filter(|&i| filter.matches(&published[i]))
                .collect();
            Some((feed, members))
        })
        .collect()
}
