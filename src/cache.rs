//! A cache of parsed front matter, so an unchanged article is only `stat`ed.
//!
//! It is a compact binary file (postcard, behind a versioned and
//! checksummed header), so a run after an edit decodes and rewrites 50,000
//! entries in tens of milliseconds instead of a JSON document's hundreds.
//! Entries are keyed by the file's path, size and modification time, and the
//! whole cache by feedpub's version and the site configuration: any change
//! there starts it afresh. Files with problems (even warnings) are never
//! cached, so their problems are reported on every run. It lives beside the
//! ledger, never in the public output directory (it holds drafts' titles),
//! and deleting it is always safe.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{CACHE_FILE_NAME, Config, LEGACY_CACHE_FILE_NAME};
use crate::files::read_regular;
use crate::model::{Article, Image, KnownBody, image_mime_type};
use crate::text::stable_hash;
use crate::write::write_if_changed;

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"fpcache\x1a";

/// The layout version; any other is ignored and replaced.
const FORMAT: u32 = 2;

/// The largest cache read (512 MiB); a larger one is ignored and replaced.
const MAX_CACHE_BYTES: u64 = 512 << 20;

/// Files changed this recently are not cached: a second edit within the
/// file system's timestamp granularity could keep the same size and mtime.
const RACY: Duration = Duration::from_secs(2);

/// When a file was last changed, as stored: size and mtime, and (on Unix)
/// ctime and inode, which no tool can set back, so a same-size edit with
/// the old mtime restored (`cp -p`, `rsync -t`, `touch -r`) is still seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    size: u64,
    secs: u64,
    nanos: u32,
    ctime: (i64, i64),
    inode: u64,
}

impl Stamp {
    /// The size and modification time of `path`, if it can be read.
    pub(crate) fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let since = meta
            .modified()
            .ok()?
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?;
        #[cfg(unix)]
        let (ctime, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.ctime(), meta.ctime_nsec()), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime, inode) = ((0, 0), 0);
        Some(Stamp {
            size: meta.len(),
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
            ctime,
            inode,
        })
    }

    fn is_racy(&self) -> bool {
        let changed = SystemTime::UNIX_EPOCH + Duration::new(self.secs, self.nanos);
        SystemTime::now()
            .duration_since(changed)
            .map_or(true, |age| age < RACY)
    }
}

/// An article's parsed front matter, as cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Head {
    stamp: Stamp,
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
pub(crate) struct HeadCache {
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
    pub(crate) fn load(config: &Config) -> HeadCache {
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
    pub(crate) fn get(&self, path: &Path, stamp: Stamp) -> Option<Article> {
        let head = self.earlier.get(path).filter(|h| h.stamp == stamp)?;
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

    /// Remember a freshly parsed article (one without any problem).
    pub(crate) fn insert(&self, article: &Article, stamp: Stamp) {
        if stamp.is_racy() {
            return;
        }
        let head = Head {
            stamp,
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
    /// was read after the stamp they are keyed by was taken, so a later
    /// edit changes the stamp and drops the digests with the entry).
    pub(crate) fn remember_bodies<'a>(&self, articles: impl IntoIterator<Item = &'a Article>) {
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
    pub(crate) fn save(self) {
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

    /// An hour-old stamp, so the entry is not racy.
    fn settled_stamp() -> Stamp {
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let since = hour_ago.duration_since(SystemTime::UNIX_EPOCH).unwrap();
        Stamp {
            size: 10,
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
            ctime: (1, 2),
            inode: 3,
        }
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
        let stamp = settled_stamp();
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
        let other = Stamp { size: 11, ..stamp };
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
