//! Selection: which articles are published at the build's now, and why
//! each of the others is left out. The build and `preview` share it.

use chrono::{DateTime, Utc};

use crate::model::Article;

/// Why an article is not in a feed: the one vocabulary of the build's
/// summary and of `feedpub preview --all`.
///
/// A build's [`Selection`] leaves articles out as drafts, scheduled, expired
/// or undated; a preview adds the two reasons only a single feed has
/// ([`BeyondLimit`](Exclusion::BeyondLimit)) or only a file with errors has
/// ([`Invalid`](Exclusion::Invalid)). Dates are UTC in a selection; a preview
/// shows them in the site's time zone ([`Exclusion::map_dates`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Exclusion<Date = DateTime<Utc>> {
    /// `draft: true`.
    Draft,
    /// It goes live (`publishDate`, else `date`) after the build's now.
    Scheduled {
        /// When it goes live.
        until: Date,
    },
    /// Its `expires` date has passed.
    Expired {
        /// When it expired.
        since: Option<Date>,
    },
    /// It has no date, and the site does not stamp undated pages (a Hugo
    /// site, where such pages are not articles).
    Undated,
    /// Published, but older than the feed's newest `limit` items.
    BeyondLimit {
        /// The configured item limit.
        limit: usize,
    },
    /// The file has errors; it yields no article until they are fixed.
    Invalid {
        /// The first error's stable code (`InvalidDate`), when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<String>,
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

impl<Date> Exclusion<Date> {
    /// The same reason with its dates converted by `convert`.
    pub fn map_dates<Other>(self, convert: impl Fn(Date) -> Other) -> Exclusion<Other> {
        match self {
            Exclusion::Draft => Exclusion::Draft,
            Exclusion::Scheduled { until } => Exclusion::Scheduled {
                until: convert(until),
            },
            Exclusion::Expired { since } => Exclusion::Expired {
                since: since.map(convert),
            },
            Exclusion::Undated => Exclusion::Undated,
            Exclusion::BeyondLimit { limit } => Exclusion::BeyondLimit { limit },
            Exclusion::Invalid {
                code,
                error,
                line,
                help,
                errors,
            } => Exclusion::Invalid {
                code,
                error,
                line,
                help,
                errors,
            },
        }
    }
}

/// Which articles are published at a given instant, and why the others are not.
#[derive(Debug, Default)]
pub struct Selection {
    /// Articles that belong in feeds.
    pub published: Vec<Article>,
    /// Articles left out, each with the reason.
    pub excluded: Vec<(Article, Exclusion)>,
    /// The next instant at which the selection changes (a scheduled
    /// publication or an expiry), if any.
    pub next_change: Option<DateTime<Utc>>,
}

impl Selection {
    /// Sort `articles` into published and excluded at `now`.
    pub fn at(articles: Vec<Article>, now: DateTime<Utc>) -> Selection {
        let mut selection = Selection {
            // Most articles are published: room for all, not regrown.
            published: Vec::with_capacity(articles.len()),
            ..Selection::default()
        };
        // Instants after now at which the selection will change.
        let mut upcoming: Vec<DateTime<Utc>> = Vec::new();
        for mut article in articles {
            let reason = if article.draft {
                Some(Exclusion::Draft)
            } else if article.expires.is_some_and(|e| e <= now) {
                Some(Exclusion::Expired {
                    since: article.expires,
                })
            } else if article.date.is_none() {
                // Only when stamping is off: the ledger stamps the others.
                Some(Exclusion::Undated)
            } else if let Some(date) = article.publish_date.or(article.date).filter(|d| *d > now) {
                // Live at `publishDate` (Hugo), else at the date; an expiry
                // before that changes its reason (scheduled → expired) too.
                upcoming.push(date);
                upcoming.extend(article.expires);
                Some(Exclusion::Scheduled { until: date })
            } else {
                upcoming.extend(article.expires.into_iter().chain(article.updated));
                None
            };
            // An `updated` still in the future is a scheduled update: until
            // it is due, the article shows as it was, so no feed date is
            // ever after the build's now.
            if article.updated.is_some_and(|u| u > now) {
                article.updated = None;
            }
            match reason {
                None => selection.published.push(article),
                Some(r) => selection.excluded.push((article, r)),
            }
        }
        selection.next_change = upcoming.into_iter().filter(|t| *t > now).min();
        selection
    }

    /// Publish the scheduled articles now, as Hugo's `buildFuture` does.
    pub(crate) fn publish_scheduled(&mut self) {
        let (scheduled, excluded) = std::mem::take(&mut self.excluded)
            .into_iter()
            .partition(|(_, reason)| matches!(reason, Exclusion::Scheduled { .. }));
        self.excluded = excluded;
        self.published
            .extend(scheduled.into_iter().map(|(article, _)| article));
        self.published.sort_by(|a, b| a.source.cmp(&b.source));
    }

    /// How many articles were left out for a reason `counted` accepts.
    pub fn count(&self, counted: impl Fn(&Exclusion) -> bool) -> usize {
        self.excluded.iter().filter(|(_, r)| counted(r)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn future_updates_wait_until_due_and_count_as_the_next_change() {
        let now: DateTime<Utc> = "2024-05-01T00:00:00Z".parse().unwrap();
        let later: DateTime<Utc> = "2024-05-02T00:00:00Z".parse().unwrap();
        let article = Article {
            date: Some("2024-04-01T00:00:00Z".parse().unwrap()),
            updated: Some(later),
            ..Article::sample("a")
        };
        let before = Selection::at(vec![article.clone()], now);
        assert_eq!(before.published[0].updated, None);
        assert_eq!(before.next_change, Some(later));
        let after = Selection::at(vec![article], later);
        assert_eq!(after.published[0].updated, Some(later));
        assert_eq!(after.next_change, None);
    }

    #[test]
    fn an_article_goes_live_at_its_publish_date_not_its_date() {
        // #10: Hugo schedules by `publishDate`; feedpub used `date` only.
        let now: DateTime<Utc> = "2024-05-01T00:00:00Z".parse().unwrap();
        let article = Article {
            date: Some("2024-04-01T00:00:00Z".parse().unwrap()),
            publish_date: Some("2024-05-02T00:00:00Z".parse().unwrap()),
            ..Article::sample("a")
        };
        let selection = Selection::at(vec![article], now);
        assert_eq!(
            selection.count(|r| matches!(r, Exclusion::Scheduled { .. })),
            1
        );
        assert_eq!(
            selection.next_change,
            Some("2024-05-02T00:00:00Z".parse().unwrap())
        );
    }
}
