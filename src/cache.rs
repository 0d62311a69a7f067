//! A cache of parsed front matter, so an unchanged article is only `stat`ed.
//!
//! It is a compact binary file beside the ledger: a header (magic, layout
//! version, the salt naming feedpub's version and the site configuration,
//! and its checksum), then one record per file (its length, checksum, and
//! the path with its parsed front matter in postcard, or with nothing: the
//! entry is gone). A later record for a path replaces the earlier ones.
//! Loading reads only each record's path; an entry is decoded when a run
//! asks for it, straight into the article it stands for, and a rewrite
//! copies the records it keeps as they are.
//!
//! Saving costs what changed: a run appends only the records of the files
//! it parsed, whose body it read for the first time, or that are gone, and
//! rewrites the file whole (atomically) only when there is none yet, when
//! the superseded records outnumber the live ones, or when the last append
//! was torn. A build writes what it parsed before it renders (the entries
//! are held encoded until then), and appends what the render read after.
//! A torn or damaged record ends the readable part: the entries
//! after it are simply missed (and parsed again), never misread, since
//! every entry is keyed by the file's whole stat (size, mtime, ctime,
//! inode, device). A file of another layout or salt is ignored and
//! rewritten. Files with problems (even warnings) are never cached, so
//! their problems are reported on every run. It lives beside the ledger,
//! never in the public output directory (it holds drafts' titles), and
//! deleting it is always safe.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::config::{CACHE_FILE_NAME, Config, LEGACY_CACHE_FILE_NAME};
use crate::files::{Stat, read_regular};
use crate::model::{Article, Image, KnownBody, image_mime_type};
use crate::text::stable_hash;
use crate::write::write_streamed;

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"fpcache\x1a";

/// The layout version; any other is ignored and replaced.
const FORMAT: u32 = 4;

/// Magic, format, salt, and the checksum of these.
const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// Before each record's payload: its length and checksum.
const RECORD_PREFIX_LEN: usize = 4 + 8;

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

/// One record as written: a path and its entry (`None`: gone).
#[derive(Serialize)]
struct RecordRef<'a>(&'a Path, Option<&'a Head>);

/// A live entry of the cache file as read, left encoded: only the entries
/// a run asks for are decoded, straight into the articles they stand for.
#[derive(Debug)]
struct Slot {
    /// The whole record (length, checksum, payload) in the file's bytes.
    record: Range<usize>,
    /// Its path, inside the payload.
    path: Range<usize>,
    /// The file's stat matched when this run asked: the entry is kept.
    hit: AtomicBool,
}

impl Slot {
    /// Its entry, decoded from the file's `bytes` (`None`: it does not
    /// decode, a miss).
    fn head(&self, bytes: &[u8]) -> Option<Head> {
        let entry = &bytes[self.path.end..self.record.end];
        postcard::from_bytes::<Option<Head>>(entry).ok().flatten()
    }
}

/// The cache file as read, when it may be appended to: intact to its end,
/// of this layout and salt.
#[derive(Debug, Clone, Copy)]
struct Appendable {
    /// Its length in bytes.
    len: u64,
    /// How many records it holds (live, superseded and gone).
    records: usize,
}

/// Parsed front matter from earlier runs, and what this run parsed.
#[derive(Debug)]
pub(crate) struct HeadCache {
    path: PathBuf,
    salt: u64,
    /// The cache file's bytes as read (empty when it was not usable).
    bytes: Vec<u8>,
    /// The live entries in `bytes`, by the digest of their path (two paths
    /// with one digest only make the earlier one a miss: the path is
    /// compared on every lookup).
    earlier: HashMap<u64, Slot>,
    appendable: Option<Appendable>,
    /// This run's additions not yet written.
    now: std::sync::Mutex<Use>,
    /// Whether this run wrote the file already: the records of `bytes`
    /// (`earlier`) then no longer stand for all of it.
    written: bool,
}

/// What a run added to the cache.
#[derive(Debug, Default)]
struct Use {
    /// The entries of the files parsed this run, encoded when parsed.
    fresh: Payloads,
    /// Bodies read this run, of files that were hits or fresh.
    bodies: HashMap<PathBuf, KnownBody>,
}

/// The size of a block of [`Payloads`].
const PAYLOAD_BLOCK: usize = 1 << 20;

/// Record payloads by the digest of their path, laid end to end in large
/// blocks: a full build holds compact bytes rather than parsed entries
/// until the save, and freeing them leaves no small holes between the
/// articles' strings (#12). Of two paths with one digest only the first is
/// kept (the other is parsed again next run).
#[derive(Debug, Default)]
struct Payloads {
    blocks: Vec<Vec<u8>>,
    /// Where each payload is: its block, and its bytes in that block.
    by_path: HashMap<u64, (usize, Range<usize>)>,
}

impl Payloads {
    /// Keep `payload`, the record of the path with this `digest` (replacing
    /// an earlier one of that path).
    fn insert(&mut self, digest: u64, payload: &[u8]) {
        if self
            .get(digest)
            .is_some_and(|kept| payload_path(kept) != payload_path(payload))
        {
            return;
        }
        let room = self.blocks.last().map_or(0, |b| b.capacity() - b.len());
        if room < payload.len() {
            let block = Vec::with_capacity(PAYLOAD_BLOCK.max(payload.len()));
            self.blocks.push(block);
        }
        let index = self.blocks.len() - 1;
        let block = &mut self.blocks[index];
        let start = block.len();
        block.extend_from_slice(payload);
        self.by_path
            .insert(digest, (index, start..start + payload.len()));
    }

    /// The payload of the path with this `digest`.
    fn get(&self, digest: u64) -> Option<&[u8]> {
        let (block, range) = self.by_path.get(&digest)?;
        Some(&self.blocks[*block][range.clone()])
    }

    /// Whether the entry of `path` is here.
    fn holds(&self, path: &str) -> bool {
        self.get(path_digest(path))
            .is_some_and(|payload| payload_path(payload) == Some(path))
    }

    /// Every payload.
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.by_path
            .values()
            .map(|(block, range)| &self.blocks[*block][range.clone()])
    }
}

impl HeadCache {
    /// The cache of the site described by `config`; unreadable, corrupt or
    /// stale caches are empty.
    pub(crate) fn load(config: &Config) -> HeadCache {
        let salt = stable_hash(&[env!("CARGO_PKG_VERSION"), &format!("{config:?}")]);
        let path = config.ledger.with_file_name(CACHE_FILE_NAME);
        let bytes = read_regular(&path, MAX_CACHE_BYTES).unwrap_or_default();
        let (earlier, appendable) = index(&bytes, salt).unwrap_or_default();
        HeadCache {
            path,
            salt,
            bytes,
            earlier,
            appendable,
            now: std::sync::Mutex::default(),
            written: false,
        }
    }

    /// The live entry recorded for `path`, if any.
    fn slot(&self, path: &str) -> Option<&Slot> {
        self.earlier
            .get(&path_digest(path))
            .filter(|slot| &self.bytes[slot.path.clone()] == path.as_bytes())
    }

    /// The article at `path` as parsed by an earlier run, if the file's
    /// stat is still `stat`.
    pub(crate) fn get(&self, path: &Path, stat: Stat) -> Option<Article> {
        let slot = self.slot(path.to_str()?)?;
        let head = slot.head(&self.bytes).filter(|head| head.stat == stat)?;
        slot.hit.store(true, Ordering::Relaxed);
        Some(Article {
            source: path.to_path_buf(),
            title: head.title,
            url: head.url,
            id: head.id,
            id_is_explicit: head.id_is_explicit,
            date: head.date,
            publish_date: head.publish_date,
            stamped: false,
            updated: head.updated,
            expires: head.expires,
            draft: head.draft,
            terms: head.terms,
            authors: head.authors,
            written_summary: head.written_summary,
            image: head.image.map(|i| {
                Box::new(Image {
                    mime_type: image_mime_type(&i.url),
                    url: i.url,
                    alt: i.alt,
                    length: 0,
                    local_file: i.local_file,
                })
            }),
            body_offset: head.body_offset,
            body: None,
            known_body: head.body,
            // Not recorded: it follows from the path and the site's
            // languages, and the loader fills it in.
            language: None,
        })
    }

    /// Remember a freshly parsed article (one without any problem), read
    /// after its file's `stat` was taken. A file modified moments ago is
    /// not remembered: a second edit within the file system's timestamp
    /// granularity could keep its size and mtime. (An edit whose mtime was
    /// set back changes the ctime, which the key holds.)
    pub(crate) fn insert(&self, article: &Article, stat: Stat) {
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
        let Some((digest, payload)) = encode_payload(&article.source, Some(&head)) else {
            return;
        };
        if let Ok(mut now) = self.now.lock() {
            now.fresh.insert(digest, &payload);
        }
    }

    /// Remember the digests of the standalone bodies read this run, for
    /// the files this run took from the cache or parsed into it (the body
    /// was read after the stat they are keyed by was taken, so a later
    /// edit changes the stat and drops the digests with the entry).
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

    /// Record what this run parsed, read and found gone so far, and free
    /// the parsed entries: a build calls it once its articles are loaded
    /// and their bodies read, before it renders, so a large site's fresh
    /// entries are not held through the render (#12). What the run reads
    /// later is appended by [`HeadCache::save`]. Fewer parsed entries than
    /// fill a block (about 1,700) are left to that final save: a run that
    /// parsed a few files would pay a second pass over the cache for nothing.
    pub(crate) fn save_parsed(&mut self) {
        let many = self
            .now
            .get_mut()
            .is_ok_and(|now| now.fresh.blocks.len() > 1);
        if many {
            self.write_changes();
        }
    }

    /// Record what this run parsed, read and found gone, when anything
    /// differs from what was read: appended, or the whole file rewritten
    /// when that is due (never after [`HeadCache::save_parsed`] wrote it: the
    /// bytes read no longer hold its records). A cache is an optimization:
    /// failing to write it is not an error.
    pub(crate) fn save(mut self) {
        self.write_changes();
        let legacy = self.path.with_file_name(LEGACY_CACHE_FILE_NAME);
        if let Err(e) = std::fs::remove_file(&legacy)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::debug!(error = %e, "could not remove the JSON front-matter cache");
        }
    }

    /// Write what changed since the file was read or last written here,
    /// and forget the entries that are now gone or superseded. Only the
    /// entries this run parsed, read a body of, or did not ask for are
    /// looked at by path: an entry that was a hit costs one flag (#12).
    fn write_changes(&mut self) {
        let Use { fresh, mut bodies } = match self.now.get_mut() {
            Ok(now) => std::mem::take(now),
            Err(_) => Use::default(),
        };
        // The payloads of the records to write (and how many of them say
        // an entry is gone), and the earlier entries that are not kept as
        // they are: ended (superseded by a fresh parse, or gone) or
        // replaced by a record with a body.
        let mut changed: Vec<Cow<'_, [u8]>> = Vec::new();
        let mut gone = 0;
        let mut ended: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let mut replaced: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let slot_path = |slot: &Slot| std::str::from_utf8(&self.bytes[slot.path.clone()]).ok();
        for &digest in fresh.by_path.keys() {
            if let Some(slot) = self.earlier.get(&digest)
                && slot_path(slot).is_some_and(|path| fresh.holds(path))
            {
                ended.insert(digest);
            }
        }
        for (&digest, slot) in &self.earlier {
            if slot.hit.load(Ordering::Relaxed) || ended.contains(&digest) {
                continue;
            }
            let path = slot_path(slot).unwrap_or("");
            if let Some((_, payload)) = encode_payload(Path::new(path), None) {
                changed.push(payload.into());
                gone += 1;
            }
            ended.insert(digest);
        }
        // Bodies read of entries taken from the file (the others are the
        // fresh entries' or of files not cached).
        bodies.retain(|path, body| {
            let Some(path) = path.to_str() else {
                return true;
            };
            let digest = path_digest(path);
            let Some(slot) = self
                .earlier
                .get(&digest)
                .filter(|slot| slot.hit.load(Ordering::Relaxed) && !ended.contains(&digest))
                .filter(|slot| slot_path(slot) == Some(path))
            else {
                return true;
            };
            if let Some(mut head) = slot.head(&self.bytes)
                && head.body.as_ref() != Some(body)
            {
                head.body = Some(*body);
                if let Some((_, payload)) = encode_payload(Path::new(path), Some(&head)) {
                    changed.push(payload.into());
                    replaced.insert(digest);
                }
            }
            false
        });
        for payload in fresh.iter() {
            let body = payload_path(payload).and_then(|path| bodies.remove(Path::new(path)));
            let with_body = body.and_then(|body| {
                let (path, mut head) = decode_payload(payload)?;
                head.body = Some(body);
                encode_payload(Path::new(path), Some(&head)).map(|(_, p)| p)
            });
            changed.push(with_body.map_or(Cow::Borrowed(payload), Cow::Owned));
        }
        if changed.is_empty() {
            return;
        }
        // Appending `changed` to the file, or rewriting it with only the
        // live entries (`kept`, copied as they are, and the changed ones
        // that are not gone). After a first write by this run, only an
        // append keeps what that write holds.
        let kept_count = self.earlier.len() - ended.len() - replaced.len();
        let live = kept_count + changed.len() - gone;
        let records = changed.len();
        let append = self
            .appendable
            .filter(|file| self.written || file.records + changed.len() <= 2 * live.max(1));
        let appended = append.and_then(|file| {
            let mut bytes = Vec::new();
            changed
                .iter()
                .try_for_each(|payload| write_record(&mut bytes, payload))
                .and_then(|()| append_records(&self.path, file.len, &bytes))
                .inspect_err(
                    |e| tracing::debug!(error = %e, "could not append to the front-matter cache"),
                )
                .ok()
                .map(|()| Appendable {
                    len: file.len + u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                    records: file.records + records,
                })
        });
        let now_appendable = if appended.is_some() {
            appended
        } else if self.written {
            tracing::debug!("front-matter cache not appended to: left for the next run");
            None
        } else {
            // Streamed to the file: a large site's cache is not held in
            // memory a second time, and each entry is freed once written.
            let written = write_streamed(&self.path, |out| {
                out.write_all(&header(self.salt))?;
                let kept = self
                    .earlier
                    .iter()
                    .filter(|(digest, _)| !ended.contains(*digest) && !replaced.contains(*digest));
                for (_, slot) in kept {
                    out.write_all(&self.bytes[slot.record.clone()])?;
                }
                for payload in changed {
                    if !is_gone(&payload) {
                        write_record(out, &payload)?;
                    }
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
            .and_then(|()| std::fs::metadata(&self.path).map_err(|e| e.to_string()));
            match written {
                Ok(meta) => Some(Appendable {
                    len: meta.len(),
                    records: live,
                }),
                Err(e) => {
                    tracing::debug!(error = %e, "could not write the front-matter cache");
                    None
                }
            }
        };
        tracing::debug!(
            records,
            live,
            appended = appended.is_some(),
            "front-matter cache records changed"
        );
        for digest in ended {
            self.earlier.remove(&digest);
        }
        self.appendable = now_appendable;
        self.written = true;
    }
}

/// The header of a cache file with this `salt`.
fn header(salt: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&salt.to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(&bytes).to_le_bytes());
    bytes
}

/// The digest a path is looked up by.
fn path_digest(path: &str) -> u64 {
    xxh3_64(path.as_bytes())
}

/// The payload of a record (the path, then its entry: `None` when it is
/// gone), and the digest of the path; `None` for an entry that cannot be
/// encoded (a path that is not UTF-8): its file is parsed on every run.
fn encode_payload(path: &Path, head: Option<&Head>) -> Option<(u64, Vec<u8>)> {
    let digest = path_digest(path.to_str()?);
    let payload = postcard::to_allocvec(&RecordRef(path, head)).ok()?;
    Some((digest, payload))
}

/// The path a record's `payload` is for.
fn payload_path(payload: &[u8]) -> Option<&str> {
    postcard::take_from_bytes::<&str>(payload)
        .ok()
        .map(|(path, _)| path)
}

/// The path and entry of a record's `payload`, unless it is gone.
fn decode_payload(payload: &[u8]) -> Option<(&str, Head)> {
    let (path, entry) = postcard::take_from_bytes::<&str>(payload).ok()?;
    let head = postcard::from_bytes::<Option<Head>>(entry).ok()??;
    Some((path, head))
}

/// Whether a record's `payload` says its entry is gone (postcard's option
/// tag after the path is 0).
fn is_gone(payload: &[u8]) -> bool {
    postcard::take_from_bytes::<&str>(payload).is_ok_and(|(_, entry)| entry.first() == Some(&0))
}

/// Write a record (length, checksum, `payload`) to `out`; a payload too
/// long for the length field is left out (its file is parsed next run).
fn write_record(out: &mut dyn Write, payload: &[u8]) -> std::io::Result<()> {
    let Ok(len) = u32::try_from(payload.len()) else {
        return Ok(());
    };
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&xxh3_64(payload).to_le_bytes())?;
    out.write_all(payload)
}

/// Where the live entries of a cache file lie in its `bytes`, and whether
/// it may be appended to; `None` when its header is not this layout's with
/// this `salt`. Only each record's path is decoded here (a payload is the
/// path, then postcard's option tag: 0 for a gone entry); the first torn
/// or damaged record ends what is read.
fn index(bytes: &[u8], salt: u64) -> Option<(HashMap<u64, Slot>, Option<Appendable>)> {
    let (found, _) = bytes.split_at_checked(HEADER_LEN)?;
    if found != header(salt) {
        return None;
    }
    let mut earlier = HashMap::new();
    let mut records = 0;
    let mut start = HEADER_LEN;
    let intact = loop {
        if start == bytes.len() {
            break true;
        }
        let Some(record) = record_at(bytes, start) else {
            break false;
        };
        let payload_start = start + RECORD_PREFIX_LEN;
        let payload = &bytes[payload_start..record.end];
        let Ok((path, entry)) = postcard::take_from_bytes::<&str>(payload) else {
            break false;
        };
        let path_start = payload_start + (payload.len() - entry.len() - path.len());
        let digest = path_digest(path);
        match entry.first() {
            Some(1) => {
                let slot = Slot {
                    path: path_start..path_start + path.len(),
                    record: start..record.end,
                    hit: AtomicBool::new(false),
                };
                earlier.insert(digest, slot);
            }
            Some(0) => {
                earlier.remove(&digest);
            }
            _ => break false,
        }
        records += 1;
        start = record.end;
    };
    let appendable = intact.then(|| Appendable {
        len: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        records,
    });
    Some((earlier, appendable))
}

/// The record starting at `start` in `bytes`, if it is whole and its
/// checksum holds.
fn record_at(bytes: &[u8], start: usize) -> Option<Range<usize>> {
    let prefix = bytes.get(start..start.checked_add(RECORD_PREFIX_LEN)?)?;
    let (len, checksum) = prefix.split_at(4);
    let len = usize::try_from(u32::from_le_bytes(len.try_into().ok()?)).ok()?;
    let checksum = u64::from_le_bytes(checksum.try_into().ok()?);
    let end = (start + RECORD_PREFIX_LEN).checked_add(len)?;
    let payload = bytes.get(start + RECORD_PREFIX_LEN..end)?;
    (xxh3_64(payload) == checksum).then_some(start..end)
}

/// Append `records` to the cache file at `path`, which must still be
/// `len` bytes long, and sync it.
fn append_records(path: &Path, len: u64, records: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    if file.metadata()?.len() != len {
        return Err(std::io::Error::other(
            "the cache file changed since it was read",
        ));
    }
    file.write_all(records)?;
    file.sync_data()
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

    /// The stat of a 10-byte file changed an hour ago, so not racy.
    /// A stat long settled, the same at every call (one read from the
    /// clock made two calls a second apart differ, and a test flaky).
    fn settled_stat(size: u64) -> Stat {
        Stat::sample(size, 1_600_000_000)
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
            body: Some(Box::new(crate::model::Body::new(
                "<p>b</p>".into(),
                "b".into(),
                9,
                true,
            ))),
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
            body: Some(Box::new(crate::model::Body::new(
                "<p>c</p>".into(),
                "c".into(),
                8,
                false,
            ))),
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

        // A damaged record ends what is read: the entry is the one of the
        // record before (the body appended later is unknown), and the file
        // is rewritten whole by the next save. A damaged header: nothing.
        let path = dir.path().join(CACHE_FILE_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let cache = HeadCache::load(&config);
        assert!(cache.appendable.is_none());
        assert_eq!(
            cache.get(&article.source, stamp).unwrap().known_body,
            None,
            "checksum mismatch"
        );
        for i in 0..HEADER_LEN {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x40;
            std::fs::write(&path, &damaged).unwrap();
            assert!(HeadCache::load(&config).earlier.is_empty(), "byte {i}");
        }
    }

    #[test]
    fn an_edit_appends_its_record_and_a_torn_append_is_read_up_to_the_tear() {
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let path = dir.path().join(CACHE_FILE_NAME);
        let articles: Vec<Article> = (0..4).map(|i| Article::sample(&format!("a{i}"))).collect();
        let stat = settled_stat(10);
        let cache = HeadCache::load(&config);
        for article in &articles {
            cache.insert(article, stat);
        }
        cache.save();
        let whole = std::fs::read(&path).unwrap();

        // One file edited: the others are hits, the edited one is parsed.
        let edited = Article {
            title: "Edited".into(),
            ..articles[0].clone()
        };
        let edited_stat = settled_stat(11);
        let cache = HeadCache::load(&config);
        for article in &articles[1..] {
            assert!(cache.get(&article.source, stat).is_some());
        }
        assert_eq!(cache.get(&edited.source, edited_stat), None);
        cache.insert(&edited, edited_stat);
        cache.save();
        let appended = std::fs::read(&path).unwrap();
        assert!(appended.len() > whole.len());
        assert_eq!(appended[..whole.len()], whole[..], "earlier records kept");
        let cache = HeadCache::load(&config);
        assert_eq!(cache.earlier.len(), 4);
        let title = |cache: &HeadCache, stat| cache.get(&edited.source, stat).map(|a| a.title);
        assert_eq!(title(&cache, edited_stat).as_deref(), Some("Edited"));
        assert_eq!(title(&cache, stat), None, "the old entry is replaced");

        // A torn append: the records before the tear are read, the torn
        // one is missed, and the next save rewrites the whole file.
        std::fs::write(&path, &appended[..appended.len() - 3]).unwrap();
        let cache = HeadCache::load(&config);
        assert!(cache.appendable.is_none());
        assert_eq!(title(&cache, edited_stat), None);
        for article in &articles[1..] {
            assert!(cache.get(&article.source, stat).is_some());
        }
        cache.insert(&edited, edited_stat);
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(cache.appendable.map(|a| a.records), Some(4));
        assert_eq!(title(&cache, edited_stat).as_deref(), Some("Edited"));
    }

    #[test]
    fn a_gone_file_is_recorded_and_superseded_records_are_compacted_away() {
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let articles: Vec<Article> = (0..4).map(|i| Article::sample(&format!("a{i}"))).collect();
        let cache = HeadCache::load(&config);
        for article in &articles {
            cache.insert(article, settled_stat(10));
        }
        cache.save();
        // a0 is deleted: it is not asked for, and its entry goes.
        let cache = HeadCache::load(&config);
        for article in &articles[1..] {
            assert!(cache.get(&article.source, settled_stat(10)).is_some());
        }
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(cache.earlier.len(), 3);
        assert_eq!(cache.appendable.map(|a| a.records), Some(5));
        // Edit a1 again and again: each run appends one record, until the
        // superseded ones would outnumber the live ones.
        let mut records = Vec::new();
        for size in 11..16 {
            let cache = HeadCache::load(&config);
            records.push(cache.appendable.map(|a| a.records));
            for article in &articles[2..] {
                assert!(cache.get(&article.source, settled_stat(10)).is_some());
            }
            cache.insert(&articles[1], settled_stat(size));
            cache.save();
        }
        assert_eq!(records, [5, 6, 3, 4, 5].map(Some));
        let cache = HeadCache::load(&config);
        assert_eq!(cache.earlier.len(), 3);
        assert!(cache.get(&articles[1].source, settled_stat(15)).is_some());
    }

    #[test]
    fn a_file_parsed_and_read_in_one_run_is_saved_with_its_body() {
        // Fresh entries are held encoded until the save (#12): the body
        // read in the same run still goes into the saved entry, and of two
        // parses of one path the later wins.
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let stat = settled_stat(10);
        let first = Article::sample("a");
        let article = Article {
            title: "Second".into(),
            body: Some(Box::new(crate::model::Body::new(
                "<p>b</p>".into(),
                "b".into(),
                9,
                true,
            ))),
            ..first.clone()
        };
        let other = Article::sample("b");
        let cache = HeadCache::load(&config);
        cache.insert(&first, stat);
        cache.insert(&article, stat);
        cache.insert(&other, stat);
        cache.remember_bodies([&article]);
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(cache.earlier.len(), 2);
        let saved = cache.get(&article.source, stat).unwrap();
        assert_eq!(saved.title, "Second");
        assert_eq!(saved.known_body, article.body_digests());
        assert_eq!(cache.get(&other.source, stat), Some(other));
    }

    #[test]
    fn a_build_saves_what_it_parsed_before_rendering_and_appends_what_it_reads_after() {
        // #12: the parsed entries are written (and freed) before the render;
        // a body read later for an entry taken from the file is appended,
        // and the file is never rewritten from the bytes read at the start.
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let path = dir.path().join(CACHE_FILE_NAME);
        let stat = settled_stat(10);
        let [a, b, c] = ["a", "b", "c"].map(Article::sample);
        let mut cache = HeadCache::load(&config);
        for article in [&a, &b, &c] {
            cache.insert(article, stat);
        }
        cache.save_parsed();
        assert!(!path.exists(), "a few parsed entries wait for the save");
        cache.write_changes();
        assert!(cache.now.lock().unwrap().fresh.by_path.is_empty());
        let first = std::fs::read(&path).unwrap();
        cache.save();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            first,
            "nothing more to write"
        );

        // Next run: `a` is a hit, `b` was edited, `c` is gone.
        let edited = Article {
            title: "Edited".into(),
            ..b.clone()
        };
        let mut cache = HeadCache::load(&config);
        assert!(cache.get(&a.source, stat).is_some());
        cache.insert(&edited, settled_stat(11));
        cache.write_changes();
        let read_later = Article {
            body: Some(Box::new(crate::model::Body::new(
                "<p>a</p>".into(),
                "a".into(),
                7,
                true,
            ))),
            ..a.clone()
        };
        cache.remember_bodies([&read_later]);
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(cache.earlier.len(), 2);
        // Compacted by the first write (`a`, `b`: the superseded and gone
        // records would have outnumbered the live ones), `a`'s body appended.
        assert_eq!(cache.appendable.map(|f| f.records), Some(3));
        assert_eq!(
            cache.get(&a.source, stat).unwrap().known_body,
            read_later.body_digests()
        );
        assert_eq!(
            cache.get(&b.source, settled_stat(11)).map(|a| a.title),
            Some("Edited".into())
        );
        assert_eq!(cache.get(&c.source, stat), None);
    }

    #[test]
    fn a_rewrite_keeps_an_entry_given_a_body_once_and_drops_the_gone_ones() {
        // #12: a save looks at the entries of hits only through the bodies
        // read; an entry given its body is written once, not also copied
        // as it was, when the records gone make the save rewrite the file.
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let stat = settled_stat(10);
        let articles: Vec<Article> = (0..4).map(|i| Article::sample(&format!("a{i}"))).collect();
        let cache = HeadCache::load(&config);
        for article in &articles {
            cache.insert(article, stat);
        }
        cache.save();
        let with_body = Article {
            body: Some(Box::new(crate::model::Body::new(
                "<p>b</p>".into(),
                "b".into(),
                9,
                true,
            ))),
            ..articles[0].clone()
        };
        let cache = HeadCache::load(&config);
        assert!(cache.get(&articles[0].source, stat).is_some());
        cache.remember_bodies([&with_body]);
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(cache.appendable.map(|a| a.records), Some(1), "rewritten");
        assert_eq!(cache.earlier.len(), 1);
        assert_eq!(
            cache.get(&articles[0].source, stat).unwrap().known_body,
            with_body.body_digests()
        );
        for gone in &articles[1..] {
            assert_eq!(cache.get(&gone.source, stat), None);
        }
    }

    #[test]
    fn many_parsed_entries_are_written_before_the_render() {
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let stat = settled_stat(10);
        let mut cache = HeadCache::load(&config);
        let mut count = 0;
        while cache.now.lock().unwrap().fresh.blocks.len() < 2 {
            cache.insert(&Article::sample(&format!("a{count}")), stat);
            count += 1;
        }
        cache.save_parsed();
        assert!(cache.now.lock().unwrap().fresh.by_path.is_empty());
        assert_eq!(HeadCache::load(&config).earlier.len(), count);
    }

    #[test]
    fn an_entry_that_passes_its_checksum_but_does_not_decode_is_a_miss() {
        // Entries are decoded only when asked for (#12): one that does not
        // decode must read as absent, be parsed again, and be replaced.
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path());
        let path = dir.path().join(CACHE_FILE_NAME);
        let article = Article::sample("a");
        let stat = settled_stat(10);
        let cache = HeadCache::load(&config);
        cache.insert(&article, stat);
        cache.save();
        // A later record for the same path: its path, the tag of an entry
        // that is there, and then bytes that are no entry.
        let mut payload = postcard::to_allocvec(&article.source).unwrap();
        payload.extend_from_slice(&[1, 0xff, 0xff]);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_le_bytes());
        bytes.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        std::fs::write(&path, &bytes).unwrap();

        let cache = HeadCache::load(&config);
        assert_eq!(cache.appendable.map(|a| a.records), Some(2));
        assert_eq!(cache.get(&article.source, stat), None);
        cache.insert(&article, stat);
        cache.save();
        let cache = HeadCache::load(&config);
        assert_eq!(cache.get(&article.source, stat), Some(article));
    }
}
