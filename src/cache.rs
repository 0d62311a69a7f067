//! A cache of parsed front matter, so an unchanged article is only `stat`ed.
//!
//! It is a compact binary file (postcard, behind a versioned and
//! checksummed header), so a run after an edit decodes and rewrites 50,000
//! entries in tens of milliseconds instead of a JSON document's hundreds.
//! Entries are keyed by the file's path and stat, and the
//! whole cache by feedpub's version and the site configuration: any change
//! there starts it afresh. Files with problems (even warnings) are never
//! cached, so their problems are reported on every run. It lives beside the
//! ledger, never in the public output directory (it holds drafts' titles),
//! and deleting it is always safe.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{CACHE_FILE_NAME, Config, LEGACY_CACHE_FILE_NAME};
use crate::files::{Stat, read_regular};
use crate::model::{Article, Image, KnownBody, image_mime_type};
use crate::text::stable_hash;
use crate::write::write_if_changed;

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"fpcache\x1a";

/// The layout version; any other is ignored and replaced.
const FORMAT: u32 = 3;

/// The largest cache read (512 MiB); a larger one is ignored and replaced.
const MAX_CACHE_BYTES: u64 = 512 << 20;

/// An article's parsed front matter, as cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Head {
    /// The file's stat when it was parsed.
    stat: Stat,
    title: String,
    url: String,
    id: String,
    id_is_explicit: bool,
    date: Option<DateTime<Utc>>,
    publish_date: Option<DateTime<Utc>>,
    updated: Option<DateTime<Utc>>,
    expires: Option<DateTime<Utc>>,
    draft: bool,
    terms: Vec<Vec<String>>,
    authors: Vec<String>,
    written_summary: Option<String>,
    image: Option<CachedImage>,
    body_offset: usize,
    /// The digests of the body, once a run has read it (only a body
    /// rendered from this file alone: see [`crate::model::Body::standalone`]).
    body: Option<KnownBody>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CachedImage {
    url: String,
    alt: Option<String>,
    local_file: Option<PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    salt: String,
    heads: HashMap<PathBuf, Head>,
}

/// Parsed front matter from earlier runs, and what this run parsed.
#[derive(Debug)]
pub struct HeadCache {
    path: PathBuf,
    salt: String,
    earlier: HashMap<PathBuf, Head>,
    /// This run's use: entries of `earlier` still valid, and fresh ones.
    now: std::sync::Mutex<Use>,
}

/// What a run did with the cache.
#[derive(Debug, Default)]
struct Use {
    hits: HashSet<PathBuf>,
    fresh: HashMap<PathBuf, Head>,
    /// Bodies read this run, of files that were hits or fresh.
    bodies: HashMap<PathBuf, KnownBody>,
}

impl HeadCache {
    /// The cache of the site described by `config`; unreadable, corrupt or
    /// stale caches are empty.
    pub fn load(config: &Config) -> HeadCache {
        let salt = format!(
            "{:016x}",
            stable_hash(&[env!("CARGO_PKG_VERSION"), &format!("{config:?}")])
        );
        let path = config.ledger.with_file_name(CACHE_FILE_NAME);
        let earlier = read_regular(&path, MAX_CACHE_BYTES)
            .ok()
            .and_then(|bytes| crate::framed::decode_framed::<CacheFile>(&bytes, MAGIC, FORMAT))
            .filter(|file| file.salt == salt)
            .map(|file| file.heads)
            .unwrap_or_default();
        HeadCache {
            path,
            salt,
            earlier,
            now: std::sync::Mutex::default(),
        }
    }

    /// The article at `path` as parsed by an earlier run, if the file has
    /// not changed since.
    pub fn get(&self, path: &Path, stat: Stat) -> Option<Article> {
        let head = self.earlier.get(path).filter(|h| h.stat == stat)?;
        if let Ok(mut now) = self.now.lock() {
            now.hits.insert(path.to_path_buf());
        }
        Some(Article {
            source: path.to_path_buf(),
            title: head.title.clone(),
            url: head.url.clone(),
            id: head.id.clone(),
            id_is_explicit: head.id_is_explicit,
            date: head.date,
            publish_date: head.publish_date,
            stamped: false,
            updated: head.updated,
            expires: head.expires,
            draft: head.draft,
            terms: head.terms.clone(),
            authors: head.authors.clone(),
            written_summary: head.written_summary.clone(),
            image: head.image.as_ref().map(|i| Image {
                mime_type: image_mime_type(&i.url),
                url: i.url.clone(),
                alt: i.alt.clone(),
                length: 0,
                local_file: i.local_file.clone(),
            }),
            body_offset: head.body_offset,
            body: None,
            known_body: head.body,
        })
    }

    /// Remember a freshly parsed article (one without any problem), read
    /// after its file's `stat` was taken. A file modified moments ago is
    /// not remembered: a second edit within the file system's timestamp
    /// granularity could keep its size and mtime. (An edit whose mtime was
    /// set back changes the ctime, which the key holds.)
    pub fn insert(&self, article: &Article, stat: Stat) {
        if stat.is_recently_modified(SystemTime::now()) {
            return;
        }
        let head = Head {
            stat,
            title: article.title.clone(),
            url: article.url.clone(),
            id: article.id.clone(),
            id_is_explicit: article.id_is_explicit,
            date: article.date,
            publish_date: article.publish_date,
            updated: article.updated,
            expires: article.expires,
            draft: article.draft,
            terms: article.terms.clone(),
            authors: article.authors.clone(),
            written_summary: article.written_summary.clone(),
            image: article.image.as_ref().map(|i| CachedImage {
                url: i.url.clone(),
                alt: i.alt.clone(),
                local_file: i.local_file.clone(),
            }),
            body_offset: article.body_offset,
            body: None,
        };
        if let Ok(mut now) = self.now.lock() {
            now.fresh.insert(article.source.clone(), head);
        }
    }

    /// Remember the digests of the standalone bodies read this run, for
    /// the files this run took from the cache or parsed into it (the body
    /// was read after the stat they are keyed by was taken, so a later
    /// edit changes the stat and drops the digests with the entry).
    pub fn remember_bodies<'a>(&self, articles: impl IntoIterator<Item = &'a Article>) {
        let Ok(mut now) = self.now.lock() else {
            return;
        };
        for article in articles {
            if let Some(body) = article.body.as_ref().filter(|b| b.standalone) {
                now.bodies
                    .insert(article.source.clone(), KnownBody::of(body));
            }
        }
    }

    /// Write what this run used and parsed, when it differs from what was
    /// read. A cache is an optimization: failing to write it is not an error.
    pub fn save(self) {
        let Use {
            hits,
            fresh,
            bodies,
        } = self.now.into_inner().unwrap_or_default();
        let new_bodies = bodies.iter().any(|(path, body)| {
            self.earlier
                .get(path)
                .is_some_and(|h| hits.contains(path) && h.body != Some(*body))
                || fresh.contains_key(path)
        });
        if fresh.is_empty() && hits.len() == self.earlier.len() && !new_bodies {
            return;
        }
        let mut heads = self.earlier;
        heads.retain(|path, _| hits.contains(path));
        heads.extend(fresh);
        for (path, body) in bodies {
            if let Some(head) = heads.get_mut(&path) {
                head.body = Some(body);
            }
        }
        let file = CacheFile {
            salt: self.salt,
            heads,
        };
        if let Some(bytes) = crate::framed::encode_framed(&file, MAGIC, FORMAT)
            && let Err(e) = write_if_changed(&self.path, &bytes)
        {
            tracing::debug!(error = %e, "could not write the front-matter cache");
        }
        let legacy = self.path.with_file_name(LEGACY_CACHE_FILE_NAME);
        if let Err(e) = std::fs::remove_file(&legacy)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::debug!(error = %e, "could not remove the JSON front-matter cache");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;

    fn site(dir: &Path) -> Config {
        Config::from_toml(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n",
            &dir.join("feedpub.toml"),
            dir,
            &Paths::default(),
        )
        .unwrap()
    }

    /// The stat of a `size`-byte file changed an hour ago, so not racy.
    fn settled_stat(size: u64) -> Stat {
        let hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        let since = hour_ago.duration_since(SystemTime::UNIX_EPOCH).unwrap();
        Stat::sample(size, i64::try_from(since.as_secs()).unwrap())
    }

    #[test]
    fn round_trips_in_binary_and_starts_afresh_when_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let legacy = dir.path().join(LEGACY_CACHE_FILE_NAME);
        std::fs::write(&legacy, "{}").unwrap();
        let article = Article {
            date: Some("2024-04-01T00:00:00Z".parse().unwrap()),
            terms: vec![vec!["Economy".into()]],
            written_summary: Some("s".into()),
            ..Article::sample("a")
        };
        let stamp = settled_stat(10);
        let cache = HeadCache::load(&config);
        assert!(cache.earlier.is_empty());
        cache.insert(&article, stamp);
        cache.save();
        assert!(
            !legacy.exists(),
            "the JSON cache of older versions is removed"
        );

        let cache = HeadCache::load(&config);
        assert_eq!(cache.earlier.len(), 1);
        assert_eq!(cache.get(&article.source, stamp), Some(article.clone()));
        let other = settled_stat(11);
        assert_eq!(cache.get(&article.source, other), None, "another stamp");

        // The digests of a standalone body read are kept with the entry; a
        // body with shortcodes (which may name other pages) is not.
        let standalone = Article {
            body: Some(crate::model::Body::new(
                "<p>b</p>".into(),
                "b".into(),
                9,
                true,
            )),
            ..article.clone()
        };
        let cache = HeadCache::load(&config);
        assert_eq!(cache.get(&article.source, stamp).unwrap().known_body, None);
        cache.remember_bodies([&standalone]);
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(
            cache.get(&article.source, stamp).unwrap().known_body,
            standalone.body_digests()
        );
        let with_shortcodes = Article {
            body: Some(crate::model::Body::new(
                "<p>c</p>".into(),
                "c".into(),
                8,
                false,
            )),
            ..article.clone()
        };
        cache.remember_bodies([&with_shortcodes]);
        cache.save();
        assert_eq!(
            HeadCache::load(&config)
                .get(&article.source, stamp)
                .unwrap()
                .known_body,
            standalone.body_digests(),
            "unchanged"
        );

        let path = dir.path().join(CACHE_FILE_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(
            HeadCache::load(&config).earlier.is_empty(),
            "checksum mismatch"
        );
    }
}
