//! A cache of parsed front matter, so an unchanged article is only `stat`ed.
//!
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

use crate::config::Config;
use crate::files::read_regular;
use crate::model::{Article, Image, image_mime_type};
use crate::text::stable_hash;
use crate::write::write_if_changed;

/// The cache's file name, beside `feedpub.toml`.
pub const CACHE_FILE_NAME: &str = ".feedpub-cache.json";

/// The largest cache read (512 MiB); a larger one is ignored and replaced.
const MAX_CACHE_BYTES: u64 = 512 << 20;

/// Files changed this recently are not cached: a second edit within the
/// file system's timestamp granularity could keep the same size and mtime.
const RACY: Duration = Duration::from_secs(2);

/// When a file was last changed, as stored: size and mtime, and (on Unix)
/// ctime and inode, which no tool can set back, so a same-size edit with
/// the old mtime restored (`cp -p`, `rsync -t`, `touch -r`) is still seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    secs: u64,
    nanos: u32,
    #[serde(default)]
    ctime: (i64, i64),
    #[serde(default)]
    inode: u64,
}

impl Stamp {
    /// The size and modification time of `path`, if it can be read.
    pub fn of(path: &Path) -> Option<Stamp> {
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publish_date: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<DateTime<Utc>>,
    draft: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    terms: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    written_summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<CachedImage>,
    body_offset: usize,
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
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
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
    pub fn get(&self, path: &Path, stamp: Stamp) -> Option<Article> {
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
        })
    }

    /// Remember a freshly parsed article (one without any problem).
    pub fn insert(&self, article: &Article, stamp: Stamp) {
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
        };
        if let Ok(mut now) = self.now.lock() {
            now.fresh.insert(article.source.clone(), head);
        }
    }

    /// Write what this run used and parsed, when it differs from what was
    /// read. A cache is an optimization: failing to write it is not an error.
    pub fn save(self) {
        let Use { hits, fresh } = self.now.into_inner().unwrap_or_default();
        if fresh.is_empty() && hits.len() == self.earlier.len() {
            return;
        }
        let mut heads = self.earlier;
        heads.retain(|path, _| hits.contains(path));
        heads.extend(fresh);
        let file = CacheFile {
            salt: self.salt,
            heads,
        };
        if let Ok(bytes) = serde_json::to_vec(&file)
            && let Err(e) = write_if_changed(&self.path, &bytes)
        {
            tracing::debug!(error = %e, "could not write the front-matter cache");
        }
    }
}
