//! The ledger: what feedpub promised readers, kept beside the content.
//!
//! Readers identify items by id and sort them by date. Once an article has
//! been published, its id, its stamped publication date (when it had none)
//! and its `updated` stamp must survive renames, slug and URL changes, a new
//! `base_url`, and a deleted output directory. The ledger records them, plus
//! every taxonomy term ever published, so a term's feed is never deleted.
//!
//! It is a TOML file with a stable order, written atomically and only when
//! it changes, never by a failed or dry run. A ledger that cannot be read
//! is an error, never silently reset: resetting it would change ids and
//! dates readers have already seen.
//!
//! Parsing 50,000 entries of TOML takes a few hundred milliseconds, so a
//! build also keeps the parsed ledger in a mirror beside it
//! (`.feedpub-ledger.toml.mirror`, out of version control): postcard behind
//! a header (magic, layout version, checksum), with the digest of the TOML
//! bytes it was parsed from. A run reads the mirror instead of parsing the
//! TOML only while the ledger holds exactly those bytes; anything else (a
//! hand edit, a checkout, a damaged mirror or one of another layout) is
//! parsed from the TOML, and checked, as before. The mirror's encoding of
//! the ledger as read also tells whether a run changed it: an unchanged
//! ledger is not written as TOML again.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::LEDGER_FILE_NAME;
use crate::dates::{parse_date, to_rfc3339};
use crate::error::{ConfigProblem, Error, Result};
use crate::feed::FeedSpec;
use crate::files::read_regular;
use crate::framed::{frame, unframe};
use crate::model::Article;
use crate::taxonomy::{Taxonomy, Term};
use crate::text::line_col;
use crate::write::{Staged, WriteOutcome, stage_file, write_if_changed};
use xxhash_rust::xxh3::xxh3_64;

/// The largest ledger read (256 MiB, about a million articles).
const MAX_LEDGER_BYTES: u64 = 256 << 20;

const HEADER: &str = "\
# feedpub ledger: the ids and dates readers have seen. Keep it under version
# control with content/; feedpub updates it. Deleting it re-stamps undated
# articles and re-derives ids, which makes readers show old articles again.
";

/// What the ledger remembers about one published article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The id given at first publication.
    id: String,
    /// The publication date stamped on an article that had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stamped: Option<String>,
    /// When an edit was last noticed (articles without their own `updated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    /// Fingerprint of the content readers saw, as 16 hex digits; recorded
    /// once the body has been read (articles that appeared in some feed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    /// A build found the file deleted. An article that later appears at
    /// the same path continues this entry only with the same content.
    #[serde(default, skip_serializing_if = "is_false")]
    gone: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How article fingerprints are computed; recorded in the ledger, so a
/// change of method is not mistaken for edits (version 2: images on the
/// article's own site by path, not absolute URL).
const FINGERPRINT_VERSION: u32 = 2;

/// The file's layout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerFile {
    /// The [`FINGERPRINT_VERSION`] of the fingerprints recorded (absent:
    /// version 1, or no fingerprint yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprints: Option<u32>,
    /// Every term ever published: kind folder → slug → name.
    #[serde(default)]
    terms: BTreeMap<String, BTreeMap<String, String>>,
    /// Published articles by path under the content directory.
    #[serde(default)]
    articles: BTreeMap<String, Entry>,
    /// The date of every feed that had items, by its folder under the
    /// output directory (`""` for the site-wide feed), so a feed that loses
    /// all its items keeps a truthful date.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    feeds: BTreeMap<String, String>,
}

/// The ledger of one site.
#[derive(Debug, Clone)]
pub struct Ledger {
    path: PathBuf,
    file: LedgerFile,
    /// What the file held when read (`None`: no file), in the mirror's
    /// encoding (once staged: what was staged), so an unchanged ledger is
    /// not even written as TOML again.
    on_disk: Option<Vec<u8>>,
    /// Where its mirror lives: beside the path configured, as the cache
    /// and the state do, under the site's lock.
    mirror: PathBuf,
    /// The digest of the ledger's bytes on disk (once staged: of the
    /// staged bytes), and whether its mirror holds them already.
    digest: Option<u64>,
    mirrored: bool,
}

/// The first bytes of the mirror.
const MIRROR_MAGIC: &[u8; 8] = b"fpmirror";

/// The mirror's layout version; any other is ignored and replaced.
const MIRROR_FORMAT: u32 = 1;

/// The ledger as the mirror encodes it (after the digest of the TOML
/// bytes it stands for, in 8 little-endian bytes): every field of every
/// entry, since postcard cannot leave fields out the way the TOML does.
#[derive(Serialize)]
struct MirrorRef<'a> {
    fingerprints: Option<u32>,
    terms: &'a BTreeMap<String, BTreeMap<String, String>>,
    articles: Vec<(&'a str, MirrorEntryRef<'a>)>,
    feeds: &'a BTreeMap<String, String>,
}

/// An [`Entry`] as the mirror encodes it.
#[derive(Serialize)]
struct MirrorEntryRef<'a> {
    id: &'a str,
    stamped: Option<&'a str>,
    updated: Option<&'a str>,
    fingerprint: Option<&'a str>,
    gone: bool,
}

/// A [`MirrorRef`] as read back.
#[derive(Deserialize)]
struct Mirror {
    fingerprints: Option<u32>,
    terms: BTreeMap<String, BTreeMap<String, String>>,
    articles: Vec<(String, MirrorEntry)>,
    feeds: BTreeMap<String, String>,
}

/// A [`MirrorEntryRef`] as read back.
#[derive(Deserialize)]
struct MirrorEntry {
    id: String,
    stamped: Option<String>,
    updated: Option<String>,
    fingerprint: Option<String>,
    gone: bool,
}

impl LedgerFile {
    /// The ledger in the mirror's encoding.
    fn to_mirror(&self) -> Vec<u8> {
        let articles = self
            .articles
            .iter()
            .map(|(key, e)| {
                let entry = MirrorEntryRef {
                    id: &e.id,
                    stamped: e.stamped.as_deref(),
                    updated: e.updated.as_deref(),
                    fingerprint: e.fingerprint.as_deref(),
                    gone: e.gone,
                };
                (key.as_str(), entry)
            })
            .collect();
        let mirror = MirrorRef {
            fingerprints: self.fingerprints,
            terms: &self.terms,
            articles,
            feeds: &self.feeds,
        };
        postcard::to_allocvec(&mirror)
            .unwrap_or_else(|e| unreachable!("the ledger is plain strings and maps: {e}"))
    }

    /// The ledger encoded by [`LedgerFile::to_mirror`] in `bytes`, if it
    /// decodes.
    fn from_mirror(bytes: &[u8]) -> Option<LedgerFile> {
        let mirror: Mirror = postcard::from_bytes(bytes).ok()?;
        let articles = mirror.articles.into_iter().map(|(key, e)| {
            let entry = Entry {
                id: e.id,
                stamped: e.stamped,
                updated: e.updated,
                fingerprint: e.fingerprint,
                gone: e.gone,
            };
            (key, entry)
        });
        Some(LedgerFile {
            fingerprints: mirror.fingerprints,
            terms: mirror.terms,
            articles: articles.collect(),
            feeds: mirror.feeds,
        })
    }
}

/// The ledger in the mirror at `bytes` (and its encoding there), if the
/// mirror is intact and stands for the TOML bytes whose digest is `digest`.
fn read_mirror(bytes: &[u8], digest: u64) -> Option<(LedgerFile, Vec<u8>)> {
    let payload = unframe(bytes, MIRROR_MAGIC, MIRROR_FORMAT)?;
    let (found, encoded) = payload.split_at_checked(8)?;
    if u64::from_le_bytes(found.try_into().ok()?) != digest {
        return None;
    }
    Some((LedgerFile::from_mirror(encoded)?, encoded.to_vec()))
}

/// The entries recorded under some articles' keys.
struct Recorded<'l> {
    /// Each article's entry under its key, if any.
    entries: Vec<Option<&'l Entry>>,
    /// Whether every entry's key is among the articles'.
    all_present: bool,
}

/// The largest mirror read.
const MAX_MIRROR_BYTES: u64 = 2 * MAX_LEDGER_BYTES;

impl Ledger {
    /// Read the ledger at `path`; a missing file is an empty ledger.
    pub fn load(path: &Path) -> Result<Ledger> {
        let corrupt = |message: String, at: Option<(usize, usize)>| {
            let mut d = ConfigProblem::CorruptLedger
                .at(path, format!("the ledger is corrupt: {message}"))
                .with_help("restore it from version control; deleting it would change ids and dates readers have seen");
            if let Some((line, column)) = at {
                d = d.at(line, column);
            }
            Error::Config(Box::new(d))
        };
        let mirror = mirror_path(path);
        let path = &resolve_link(path)?;
        let bytes = match read_regular(path, MAX_LEDGER_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Ledger {
                    path: path.to_path_buf(),
                    file: LedgerFile::default(),
                    on_disk: None,
                    mirror,
                    digest: None,
                    mirrored: false,
                });
            }
            Err(e) if matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::FileTooLarge) => {
                return Err(Error::Config(Box::new(
                    ConfigProblem::LedgerNotAFile
                        .at(path, format!("the ledger {e}"))
                        .with_help(
                        "set `ledger` in feedpub.toml to the path of a file, or move what is there",
                    ),
                )));
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        let digest = xxh3_64(&bytes);
        let mirrored = read_regular(&mirror, MAX_MIRROR_BYTES)
            .ok()
            .and_then(|mirrored| read_mirror(&mirrored, digest));
        if let Some((file, encoded)) = mirrored {
            // Checked when it was parsed from these very bytes.
            return Ok(Ledger {
                path: path.to_path_buf(),
                file,
                on_disk: Some(encoded),
                mirror,
                digest: Some(digest),
                mirrored: true,
            });
        }
        let file = parse(bytes, &corrupt)?;
        for (folder, date) in &file.feeds {
            if parse_date(date, chrono_tz::UTC).is_err() {
                return Err(corrupt(
                    format!("feed {folder:?}: {date:?} is not a date"),
                    None,
                ));
            }
        }
        for (key, entry) in &file.articles {
            for date in entry.stamped.iter().chain(&entry.updated) {
                if parse_date(date, chrono_tz::UTC).is_err() {
                    return Err(corrupt(format!("{key}: {date:?} is not a date"), None));
                }
            }
            if let Some(f) = &entry.fingerprint
                && u64::from_str_radix(f, 16).is_err()
            {
                return Err(corrupt(format!("{key}: bad fingerprint {f:?}"), None));
            }
        }
        Ok(Ledger {
            path: path.to_path_buf(),
            on_disk: Some(file.to_mirror()),
            file,
            mirror,
            digest: Some(digest),
            mirrored: false,
        })
    }

    /// Save the mirror of the ledger as it is on disk, unless it is there
    /// already: the next run reads it instead of parsing the TOML. Call it
    /// once the ledger staged by `Ledger::stage` (if any) is in place. A
    /// mirror is an optimization: failing to write it is logged only.
    pub fn save_mirror(&self) {
        let Some(digest) = self.digest.filter(|_| !self.mirrored) else {
            return;
        };
        let mut payload = digest.to_le_bytes().to_vec();
        match &self.on_disk {
            Some(encoded) => payload.extend_from_slice(encoded),
            None => payload.extend(self.file.to_mirror()),
        }
        let bytes = frame(&payload, MIRROR_MAGIC, MIRROR_FORMAT);
        if let Err(e) = write_if_changed(&self.mirror, &bytes) {
            tracing::debug!(error = %e, "could not write the ledger's mirror");
        }
    }

    /// Where the ledger lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entry recorded under each of `keys` (the articles' ledger keys),
    /// found by walking the keys in order beside the ledger's (both
    /// sorted), rather than by one search per key.
    fn recorded<'l>(&'l self, keys: &[Cow<'_, str>]) -> Recorded<'l> {
        let ledger = &self.file.articles;
        if keys.len() < ledger.len() / 8 {
            // A few articles among many entries: one search each.
            return Recorded {
                entries: keys.iter().map(|k| ledger.get(k.as_ref())).collect(),
                all_present: false,
            };
        }
        let mut entries = vec![None; keys.len()];
        let mut hits = 0;
        let mut recorded = ledger.iter().peekable();
        let mut last_hit: Option<&str> = None;
        for i in key_order(keys) {
            let k = keys[i].as_ref();
            while recorded.next_if(|(r, _)| r.as_str() < k).is_some() {}
            if let Some((r, entry)) = recorded.peek()
                && r.as_str() == k
            {
                entries[i] = Some(*entry);
                if last_hit != Some(k) {
                    hits += 1;
                    last_hit = Some(k);
                }
            }
        }
        Recorded {
            entries,
            all_present: hits == ledger.len(),
        }
    }

    /// The entry each article continues: the one recorded under its path,
    /// else (for a file renamed or moved with unchanged content) an entry
    /// whose file is gone and whose fingerprint matches. The orphaned
    /// entries are looked for only when some article has no entry under
    /// its path: in a run where no file was added, renamed or restored,
    /// that is one pass over the ledger.
    fn entries<'l>(&'l self, articles: &[&Article], content_dir: &Path) -> Vec<Option<&'l Entry>> {
        let keys = keys(articles.iter().copied(), content_dir);
        let mut entries = self.recorded(&keys).entries;
        for (article, entry) in articles.iter().zip(&mut entries) {
            // A deleted article's path is not an identity: only the
            // same content brings it back.
            *entry = entry.filter(|e| {
                !e.gone
                    || e.fingerprint.is_some() && e.fingerprint == article.fingerprint().map(hex)
            });
        }
        if entries.iter().all(Option::is_some) {
            return entries;
        }
        let present: HashSet<&str> = keys.iter().map(AsRef::as_ref).collect();
        let mut orphans: HashMap<&str, &Entry> = HashMap::new();
        for (k, entry) in &self.file.articles {
            if let Some(f) = &entry.fingerprint
                && !present.contains(k.as_str())
            {
                orphans.entry(f.as_str()).or_insert(entry);
            }
        }
        for (article, entry) in articles.iter().zip(&mut entries) {
            if entry.is_none()
                && let Some(fingerprint) = article.fingerprint().map(hex)
            {
                *entry = orphans.remove(fingerprint.as_str());
            }
        }
        entries
    }

    /// Mark the entries whose file is gone from the content directory, so an
    /// unrelated article created at the same path later is a new item, and
    /// return the articles whose bodies must be read before [`Ledger::pin`]:
    /// those the ledger does not know, when some recorded file is gone (a
    /// rename is recognised by its content), and those at a gone entry's
    /// path. `articles` are the files found; an entry whose file still
    /// exists (an article left out for an error, say) is kept as it is.
    /// One pass over the articles' keys serves both (#12).
    pub(crate) fn mark_gone(&mut self, articles: &[Article], content_dir: &Path) -> Vec<usize> {
        let keys = keys(articles, content_dir);
        let Recorded {
            entries,
            all_present,
        } = self.recorded(&keys);
        // Only entries no article is at are marked below: these articles'
        // entries are the same before and after.
        let some_file_gone = !all_present;
        let unknown = entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| match entry {
                None => some_file_gone,
                // Same content or a new article at a deleted one's path?
                Some(entry) => entry.gone,
            })
            .map(|(i, _)| i)
            .collect();
        if all_present {
            // Every entry's file is among the articles: none is gone.
            return unknown;
        }
        let present: HashSet<&str> = keys.iter().map(AsRef::as_ref).collect();
        for (k, entry) in &mut self.file.articles {
            if !entry.gone
                && !present.contains(k.as_str())
                && std::fs::symlink_metadata(content_dir.join(k))
                    .is_err_and(|e| e.kind() == ErrorKind::NotFound)
            {
                entry.gone = true;
            }
        }
        unknown
    }

    /// Give the articles that `pinned` accepts their pinned ids and
    /// publication dates (the others are left as they are). An undated
    /// article not yet in the ledger is stamped with `now`.
    pub(crate) fn pin(
        &self,
        articles: &mut [Article],
        content_dir: &Path,
        now: DateTime<Utc>,
        pinned: impl Fn(&Article) -> bool,
    ) {
        let chosen: Vec<usize> = (0..articles.len())
            .filter(|&i| pinned(&articles[i]))
            .collect();
        let entries = {
            let chosen: Vec<&Article> = chosen.iter().map(|&i| &articles[i]).collect();
            self.entries(&chosen, content_dir)
        };
        // Ids readers have seen on articles that are not among these: a new
        // article must not take one over (its own URL may be a deleted
        // article's id). Collected only once an article turns out new.
        let mut retired: Option<HashSet<&str>> = None;
        let retired_ids = || {
            let continued: HashSet<&str> =
                entries.iter().flatten().map(|e| e.id.as_str()).collect();
            self.file
                .articles
                .values()
                .map(|e| e.id.as_str())
                .filter(|id| !continued.contains(id))
                .collect::<HashSet<&str>>()
        };
        for (&i, entry) in chosen.iter().zip(&entries) {
            let article = &mut articles[i];
            let Some(entry) = entry else {
                if !article.id_is_explicit
                    && retired
                        .get_or_insert_with(retired_ids)
                        .contains(article.id.as_str())
                {
                    article.id = fresh_id(&article.url, now);
                }
                if article.date.is_none() && !article.draft {
                    article.date = Some(now);
                    article.stamped = true;
                }
                continue;
            };
            if !article.id_is_explicit {
                article.id.clone_from(&entry.id);
            }
            if article.date.is_none() {
                article.date = entry.stamped.as_deref().and_then(utc).or(Some(now));
                article.stamped = true;
            }
        }
    }

    /// Give articles without their own `updated` the ledger's: `now` when
    /// the body (read by now) differs from what readers last saw, else the
    /// earlier stamp.
    pub(crate) fn stamp_updates(
        &self,
        articles: &mut [Article],
        content_dir: &Path,
        now: DateTime<Utc>,
    ) {
        let entries = self.entries(&articles.iter().collect::<Vec<_>>(), content_dir);
        for (article, entry) in articles.iter_mut().zip(entries) {
            let Some(entry) = entry else { continue };
            if article.updated.is_some() {
                continue;
            }
            // Fingerprints of an older method cannot show an edit.
            let seen = entry
                .fingerprint
                .as_deref()
                .filter(|_| self.file.fingerprints == Some(FINGERPRINT_VERSION));
            let edited = match (article.fingerprint(), seen) {
                (Some(current), Some(seen)) => !hex_is(current, seen),
                // No body read, or no baseline yet: nothing to compare.
                _ => false,
            };
            article.updated = if edited {
                Some(now)
            } else {
                entry.updated.as_deref().and_then(utc)
            };
        }
    }

    /// Whether the article file at `source` was published by an earlier
    /// build (its entry stays while the file has errors, so the article
    /// returns with the same id and date once fixed).
    pub(crate) fn was_published(&self, source: &Path, content_dir: &Path) -> bool {
        self.file
            .articles
            .contains_key(key(source, content_dir).as_ref())
    }

    /// Remember the published articles and every term published so far.
    /// Only the entries that differ are rewritten: in a run where nothing
    /// was published anew, that is none.
    pub(crate) fn record(&mut self, published: &[Article], terms: &[Term], content_dir: &Path) {
        // Fingerprints of an older method are no baseline to keep.
        let current = self.file.fingerprints == Some(FINGERPRINT_VERSION);
        let keys = keys(published, content_dir);
        let mut is_recorded = vec![false; published.len()];
        // The ids of the entries no published article continues.
        let mut unpublished_ids: HashSet<String> = HashSet::new();
        {
            let mut order = key_order(&keys).into_iter().peekable();
            for (k, entry) in &mut self.file.articles {
                while order.next_if(|&i| keys[i].as_ref() < k.as_str()).is_some() {}
                let mut continued = false;
                while let Some(i) = order.next_if(|&i| keys[i].as_ref() == k.as_str()) {
                    update(entry, &published[i], current);
                    is_recorded[i] = true;
                    continued = true;
                }
                if !continued {
                    unpublished_ids.insert(entry.id.clone());
                }
            }
        }
        // A renamed file's old entry (same id, another path) moves to its
        // new path: an entry no article continues goes when its id is
        // published under another path.
        let moved: HashSet<&str> = if unpublished_ids.is_empty() {
            HashSet::new()
        } else {
            published
                .iter()
                .map(|a| a.id.as_str())
                .filter(|id| unpublished_ids.contains(*id))
                .collect()
        };
        let present: HashSet<&str> = if moved.is_empty() && current {
            HashSet::new()
        } else {
            keys.iter().map(AsRef::as_ref).collect()
        };
        if !moved.is_empty() {
            self.file
                .articles
                .retain(|k, e| present.contains(k.as_str()) || !moved.contains(e.id.as_str()));
        }
        for ((article, k), recorded) in published.iter().zip(&keys).zip(is_recorded) {
            if !recorded {
                let mut entry = Entry {
                    id: String::new(),
                    stamped: None,
                    updated: None,
                    fingerprint: None,
                    gone: false,
                };
                update(&mut entry, article, current);
                self.file.articles.insert(k.to_string(), entry);
            }
        }
        if !current {
            // Fingerprints of the older method are no baseline: each
            // article gets a new one the next time its body is read.
            for (k, entry) in &mut self.file.articles {
                if !present.contains(k.as_str()) {
                    entry.fingerprint = None;
                }
            }
            self.file.fingerprints = Some(FINGERPRINT_VERSION);
        }
        for term in terms {
            self.file
                .terms
                .entry(term.group_dir())
                .or_default()
                .insert(term.slug.clone(), term.name.clone());
        }
    }

    /// Remember the date of every planned feed that has items, and give
    /// each empty one the date it had when it last had items (instead of
    /// the site's, or 1970 when nothing is published), or, for a feed that
    /// never had any, `now`, remembered as the date it was first published.
    pub(crate) fn date_feeds(&mut self, specs: &mut [FeedSpec<'_>], now: DateTime<Utc>) {
        for spec in specs {
            let folder = spec
                .dir
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/");
            if spec.items.is_empty() {
                let recorded = self.file.feeds.get(&folder).and_then(|d| utc(d));
                if recorded.is_none() {
                    self.file.feeds.insert(folder, to_rfc3339(&now));
                }
                spec.updated = Some(recorded.unwrap_or(now));
            } else if let Some(updated) = spec.updated {
                self.file.feeds.insert(folder, to_rfc3339(&updated));
            }
        }
    }

    /// Terms published by earlier builds that `terms` no longer has, as
    /// empty terms, so their feeds stay (valid, without items).
    /// Only the site's current `taxonomies`, in the default language and
    /// in each of `languages` (the other languages' codes), are considered.
    pub(crate) fn retired_terms(
        &self,
        taxonomies: &[Taxonomy],
        languages: &[String],
        terms: &[Term],
    ) -> Vec<Term> {
        let current: HashSet<(String, &str)> = terms
            .iter()
            .map(|t| (t.group_dir(), t.slug.as_str()))
            .collect();
        let mut retired = Vec::new();
        let languages = std::iter::once(None).chain(languages.iter().map(Some));
        for language in languages {
            for taxonomy in taxonomies {
                let empty = Term {
                    taxonomy: taxonomy.clone(),
                    name: String::new(),
                    slug: String::new(),
                    articles: Vec::new(),
                    language: language.cloned(),
                };
                let folder = empty.group_dir();
                for (slug, name) in self.file.terms.get(&folder).into_iter().flatten() {
                    if !current.contains(&(folder.clone(), slug.as_str())) {
                        retired.push(Term {
                            name: name.clone(),
                            slug: slug.clone(),
                            ..empty.clone()
                        });
                    }
                }
            }
        }
        retired
    }

    /// The ledger as written to disk.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(&self.file)
            .unwrap_or_else(|e| unreachable!("the ledger is plain strings and maps: {e}"));
        format!("{HEADER}\n{body}")
    }

    /// Write the ledger if its bytes changed; returns whether it was written.
    pub fn save(&self) -> Result<bool> {
        if self.on_disk.as_ref() == Some(&self.file.to_mirror()) {
            return Ok(false);
        }
        let outcome = write_if_changed(&self.path, self.to_toml().as_bytes())?;
        Ok(outcome == WriteOutcome::Written)
    }

    /// Put the ledger's new version in a temporary file beside it, to be
    /// renamed into place once the feeds are published; `None` when it did
    /// not change.
    pub(crate) fn stage(&mut self) -> Result<Option<Staged>> {
        let encoded = self.file.to_mirror();
        if self.on_disk.as_ref() == Some(&encoded) {
            return Ok(None);
        }
        let text = self.to_toml();
        let staged = stage_file(&self.path, text.as_bytes())?;
        self.on_disk = Some(encoded);
        self.digest = Some(xxh3_64(text.as_bytes()));
        self.mirrored = false;
        Ok(staged)
    }
}

/// The TOML ledger in `bytes`, or why not, through `corrupt`.
fn parse(
    bytes: Vec<u8>,
    corrupt: &dyn Fn(String, Option<(usize, usize)>) -> Error,
) -> Result<LedgerFile> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]);
        corrupt(
            "it is not valid UTF-8".into(),
            Some(line_col(&valid, offset)),
        )
    })?;
    toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| line_col(&text, s.start));
        corrupt(e.message().trim().to_string(), at)
    })
}

/// Where the mirror of the ledger at `ledger` lives: beside it, named
/// after it (`.feedpub-ledger.toml.mirror`).
fn mirror_path(ledger: &Path) -> PathBuf {
    let name = ledger
        .file_name()
        .map_or_else(|| LEDGER_FILE_NAME.into(), |n| n.to_string_lossy());
    ledger.with_file_name(format!(".{name}.mirror"))
}

/// The lock file that guards the ledger at `ledger`: beside it, named after
/// it (`.feedpub-ledger.toml.lock`).
pub fn lock_path(ledger: &Path) -> PathBuf {
    let name = ledger
        .file_name()
        .map_or_else(|| LEDGER_FILE_NAME.into(), |n| n.to_string_lossy());
    ledger.with_file_name(format!(".{name}.lock"))
}

/// The file a ledger path stands for: the target of a symbolic link, so the
/// ledger is written through the link instead of replacing it.
fn resolve_link(path: &Path) -> Result<PathBuf> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(path.to_path_buf());
    }
    std::fs::canonicalize(path).map_err(|e| {
        Error::Config(Box::new(
            ConfigProblem::LedgerNotAFile.at(
                path,
                format!("the ledger is a symbolic link that cannot be followed: {e}"),
            )
            .with_help("point the link at the ledger file, or set `ledger` in feedpub.toml to the file itself"),
        ))
    })
}

/// The ledger key of an article: its path relative to the content
/// directory (`../fr/a.md` for a language folder beside it), with `/`
/// separators on every platform.
fn key<'s>(source: &'s Path, content_dir: &Path) -> Cow<'s, str> {
    // The common case, a file below the content directory, as a slice of
    // its path.
    if let Some(below) = crate::files::below_bytewise(source, content_dir) {
        return Cow::Borrowed(below);
    }
    if std::path::MAIN_SEPARATOR == '/'
        && let Ok(below) = source.strip_prefix(content_dir)
    {
        return below.to_string_lossy();
    }
    let rel = content_dir
        .ancestors()
        .enumerate()
        .find_map(|(up, dir)| {
            let below = source.strip_prefix(dir).ok()?;
            Some(
                std::iter::repeat_n(Path::new(".."), up)
                    .collect::<PathBuf>()
                    .join(below),
            )
        })
        .unwrap_or_else(|| source.to_path_buf());
    let key = rel.to_string_lossy();
    Cow::Owned(if std::path::MAIN_SEPARATOR == '/' {
        key.into_owned()
    } else {
        key.replace(std::path::MAIN_SEPARATOR, "/")
    })
}

/// The ledger keys of `articles`.
fn keys<'a>(
    articles: impl IntoIterator<Item = &'a Article>,
    content_dir: &Path,
) -> Vec<Cow<'a, str>> {
    articles
        .into_iter()
        .map(|a| key(&a.source, content_dir))
        .collect()
}

/// The positions of `keys` in the ledger's order (its keys sorted as
/// strings); articles come in path order, which is nearly the same.
fn key_order(keys: &[Cow<'_, str>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    order
}

/// Write what the ledger remembers of the published `article` into `entry`
/// (its entry so far, or a blank one), leaving equal fields as they are.
/// The fingerprint readers saw stays while the body was not read, unless
/// it is of an older method (`current` is false) or the file was gone.
fn update(entry: &mut Entry, article: &Article, current: bool) {
    if entry.id != article.id {
        entry.id.clone_from(&article.id);
    }
    let stamped = article.date.filter(|_| article.stamped);
    set_date(&mut entry.stamped, stamped);
    set_date(&mut entry.updated, article.updated);
    match article.fingerprint() {
        Some(fingerprint) => {
            if !entry
                .fingerprint
                .as_deref()
                .is_some_and(|seen| hex_is(fingerprint, seen))
            {
                entry.fingerprint = Some(hex(fingerprint));
            }
        }
        None => {
            if entry.gone || !current {
                entry.fingerprint = None;
            }
        }
    }
    entry.gone = false;
}

/// Set `slot` to `date` in RFC 3339, unless it holds that text already.
fn set_date(slot: &mut Option<String>, date: Option<DateTime<Utc>>) {
    match date {
        None => *slot = None,
        Some(date) => {
            let text = to_rfc3339(&date);
            if slot.as_deref() != Some(text.as_str()) {
                *slot = Some(text);
            }
        }
    }
}

/// A new id for a new article whose URL was another article's id: a tag
/// URI (RFC 4151) from the URL's host and path and the day it was first
/// published, pinned in the ledger like any id.
fn fresh_id(url: &str, now: DateTime<Utc>) -> String {
    let day = now.format("%Y-%m-%d");
    match url::Url::parse(url) {
        Ok(parsed) if parsed.host_str().is_some() => format!(
            "tag:{},{day}:{}",
            parsed.host_str().unwrap_or_default(),
            parsed.path()
        ),
        _ => format!("tag:feedpub,{day}:{url}"),
    }
}

fn hex(fingerprint: u64) -> String {
    format!("{fingerprint:016x}")
}

/// Whether `text` is [`hex`] of `fingerprint`, without building the text.
fn hex_is(fingerprint: u64, text: &str) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    text.len() == 16
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| b == DIGITS[((fingerprint >> (60 - 4 * i)) & 0xf) as usize])
}

fn utc(s: &str) -> Option<DateTime<Utc>> {
    parse_date(s, chrono_tz::UTC).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Body;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn article(path: &str, fingerprint: u64) -> Article {
        Article {
            terms: vec![vec!["Economy".into()]],
            body: Some(Box::new(Body::new(
                String::new(),
                String::new(),
                fingerprint,
                true,
            ))),
            ..Article::sample(path)
        }
    }

    #[test]
    fn keys_are_relative_to_the_content_directory() {
        let content = Path::new("site/content/en");
        assert_eq!(key(Path::new("site/content/en/a/b.md"), content), "a/b.md");
        assert_eq!(
            key(Path::new("site/content/fr/a.md"), content),
            "../fr/a.md",
            "a language folder beside the content directory"
        );
    }

    #[test]
    fn keys_are_what_strip_prefix_leaves() {
        for (source, content) in [
            ("content/a.md", "content"),
            ("content/2025/03/a-b.md", "content"),
            ("./content/a.md", "./content"),
            ("content/./a.md", "content"),
            ("content//a.md", "content"),
            ("content/a/./b.md", "content"),
            ("content/../x/a.md", "content"),
            ("content/./a.md", "content/."),
            ("content/a.md", "content/"),
            ("a.md", "."),
            ("./a.md", "."),
            ("/site/content/a.md", "/site/content"),
            ("/a.md", "/"),
            ("contents/a.md", "content"),
        ] {
            let (source, content) = (Path::new(source), Path::new(content));
            let expected = source
                .strip_prefix(content)
                .map(|below| below.to_string_lossy().into_owned());
            if let Ok(expected) = expected {
                assert_eq!(key(source, content), expected, "{source:?} in {content:?}");
            }
        }
    }

    #[test]
    fn hex_is_the_hex_text() {
        for fingerprint in [0, 1, 0xabc, u64::MAX, 0x0123_4567_89ab_cdef] {
            assert!(hex_is(fingerprint, &hex(fingerprint)));
            assert!(!hex_is(fingerprint ^ 1, &hex(fingerprint)));
        }
        assert!(!hex_is(0xabc, "abc"));
        assert!(!hex_is(0xabc, "0000000000000ABC"));
    }

    fn empty() -> Ledger {
        Ledger {
            path: PathBuf::from("feedpub-ledger.toml"),
            file: LedgerFile::default(),
            on_disk: None,
            mirror: PathBuf::from(".feedpub-ledger.toml.mirror"),
            digest: None,
            mirrored: false,
        }
    }

    #[test]
    fn the_mirror_stands_for_the_ledger_only_while_its_bytes_are_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedpub-ledger.toml");
        let mut ledger = Ledger::load(&path).unwrap();
        publish(&mut ledger, &mut [article("a", 1)], "2024-01-01T00:00:00Z");
        ledger.stage().unwrap().unwrap().commit_synced().unwrap();
        ledger.save_mirror();
        let mirror = dir.path().join(".feedpub-ledger.toml.mirror");
        assert!(mirror.is_file());

        let from_mirror = Ledger::load(&path).unwrap();
        assert!(from_mirror.mirrored);
        assert_eq!(from_mirror.file, ledger.file);

        // Edited by hand: the TOML is parsed, and its mirror written anew.
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace("0000000000000001", "0000000000000002");
        assert_ne!(edited, text, "{text}");
        std::fs::write(&path, edited).unwrap();
        let reparsed = Ledger::load(&path).unwrap();
        assert!(!reparsed.mirrored);
        assert_ne!(reparsed.file, ledger.file);
        reparsed.save_mirror();
        let again = Ledger::load(&path).unwrap();
        assert!(again.mirrored);
        assert_eq!(again.file, reparsed.file);

        // A damaged mirror is not used.
        std::fs::write(&mirror, b"{").unwrap();
        let damaged = Ledger::load(&path).unwrap();
        assert!(!damaged.mirrored);
        assert_eq!(damaged.file, reparsed.file);
    }

    #[test]
    fn a_mirror_of_another_layout_or_damaged_or_in_json_is_not_used() {
        // #12: the mirror is postcard behind a header; anything else that
        // lies there (the JSON mirror of earlier versions, a flipped byte,
        // another layout version) is ignored and the TOML parsed.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedpub-ledger.toml");
        let mut ledger = Ledger::load(&path).unwrap();
        let mut articles = [article("a", 1), article("b", 2)];
        articles[1].stamped = true;
        articles[1].updated = Some(at("2024-01-02T00:00:00Z"));
        publish(&mut ledger, &mut articles, "2024-01-01T00:00:00Z");
        ledger.stage().unwrap().unwrap().commit_synced().unwrap();
        ledger.save_mirror();
        let mirror = dir.path().join(".feedpub-ledger.toml.mirror");
        let good = std::fs::read(&mirror).unwrap();
        let from_mirror = Ledger::load(&path).unwrap();
        assert!(from_mirror.mirrored);
        assert_eq!(from_mirror.file, ledger.file);
        assert_eq!(
            from_mirror.to_toml(),
            std::fs::read_to_string(&path).unwrap()
        );

        let digest = xxh3_64(&std::fs::read(&path).unwrap());
        let json = format!("{{\"digest\":{digest},\"file\":{{\"articles\":{{}}}}}}");
        let mut other_format = good.clone();
        other_format[8] ^= 1;
        let mut damaged = vec![good.clone(); good.len()];
        for (i, bytes) in damaged.iter_mut().enumerate() {
            bytes[i] ^= 0x40;
        }
        let stale = [
            json.into_bytes(),
            other_format,
            good[..good.len() - 1].to_vec(),
        ];
        for bytes in stale.iter().chain(&damaged) {
            std::fs::write(&mirror, bytes).unwrap();
            let reparsed = Ledger::load(&path).unwrap();
            assert!(!reparsed.mirrored);
            assert_eq!(reparsed.file, ledger.file);
        }
        // An unchanged ledger is not staged again, whichever way it was read.
        std::fs::write(&mirror, &good).unwrap();
        assert!(Ledger::load(&path).unwrap().stage().unwrap().is_none());
        std::fs::remove_file(&mirror).unwrap();
        assert!(Ledger::load(&path).unwrap().stage().unwrap().is_none());
    }

    fn publish(ledger: &mut Ledger, articles: &mut [Article], now: &str) {
        // (No file of these tests exists: every absent article is gone.)
        ledger.mark_gone(articles, Path::new("content"));
        ledger.pin(articles, Path::new("content"), at(now), |_| true);
        ledger.stamp_updates(articles, Path::new("content"), at(now));
        ledger.record(articles, &[], Path::new("content"));
    }

    #[test]
    fn undated_article_keeps_its_first_stamp() {
        let mut ledger = empty();
        let mut first = [article("a", 1)];
        publish(&mut ledger, &mut first, "2024-01-01T00:00:00Z");
        assert_eq!(first[0].date, Some(at("2024-01-01T00:00:00Z")));
        assert!(first[0].stamped);
        let mut later = [article("a", 1)];
        publish(&mut ledger, &mut later, "2024-02-01T00:00:00Z");
        assert_eq!(later[0].date, Some(at("2024-01-01T00:00:00Z")));
        assert_eq!(later[0].updated, None, "unchanged content is not updated");
    }

    #[test]
    fn ids_survive_url_changes_and_renames() {
        let mut ledger = empty();
        let mut first = [article("2024/a", 7)];
        publish(&mut ledger, &mut first, "2024-01-01T00:00:00Z");
        let mut moved = [article("archive/b", 7)];
        moved[0].url = "https://new.example.org/b/".into();
        moved[0].id = moved[0].url.clone();
        publish(&mut ledger, &mut moved, "2024-02-01T00:00:00Z");
        assert_eq!(moved[0].id, "https://x.org/2024/a/");
        assert_eq!(moved[0].date, Some(at("2024-01-01T00:00:00Z")));
        assert!(ledger.to_toml().contains("[articles.\"archive/b\"]"));
        assert!(
            !ledger.to_toml().contains("[articles.\"2024/a\"]"),
            "the entry moved"
        );
    }

    #[test]
    fn a_new_article_at_a_deleted_articles_path_is_a_new_item() {
        // Issue 11: it inherited the deleted article's guid and old date.
        let mut ledger = empty();
        let mut first = [article("a", 1)];
        publish(&mut ledger, &mut first, "2024-01-01T00:00:00Z");
        publish(&mut ledger, &mut [], "2024-02-01T00:00:00Z");
        assert!(ledger.to_toml().contains("gone = true"));

        let mut unrelated = [article("a", 2)];
        assert_eq!(ledger.mark_gone(&unrelated, Path::new("content")), [0]);
        publish(&mut ledger, &mut unrelated, "2024-03-01T00:00:00Z");
        assert_eq!(unrelated[0].date, Some(at("2024-03-01T00:00:00Z")));
        assert_eq!(unrelated[0].id, "tag:x.org,2024-03-01:/a/");
        assert_eq!(unrelated[0].updated, None);
        let mut again = [article("a", 2)];
        publish(&mut ledger, &mut again, "2024-04-01T00:00:00Z");
        assert_eq!(again[0].id, "tag:x.org,2024-03-01:/a/", "pinned");
        assert_eq!(again[0].date, Some(at("2024-03-01T00:00:00Z")));
    }

    #[test]
    fn a_deleted_article_restored_unchanged_is_the_same_item() {
        let mut ledger = empty();
        publish(&mut ledger, &mut [article("a", 1)], "2024-01-01T00:00:00Z");
        publish(&mut ledger, &mut [], "2024-02-01T00:00:00Z");
        let mut restored = [article("a", 1)];
        publish(&mut ledger, &mut restored, "2024-03-01T00:00:00Z");
        assert_eq!(restored[0].id, "https://x.org/a/");
        assert_eq!(restored[0].date, Some(at("2024-01-01T00:00:00Z")));
        assert!(!ledger.to_toml().contains("gone"));
    }

    #[test]
    fn fingerprints_of_an_older_method_stamp_no_update() {
        let mut ledger = empty();
        publish(&mut ledger, &mut [article("a", 1)], "2024-01-01T00:00:00Z");
        // As written by a feedpub that fingerprinted differently.
        ledger.file.fingerprints = None;
        let mut upgraded = [article("a", 2)];
        publish(&mut ledger, &mut upgraded, "2024-02-01T00:00:00Z");
        assert_eq!(upgraded[0].updated, None);
        assert_eq!(ledger.file.fingerprints, Some(FINGERPRINT_VERSION));
        let mut edited = [article("a", 3)];
        publish(&mut ledger, &mut edited, "2024-03-01T00:00:00Z");
        assert_eq!(edited[0].updated, Some(at("2024-03-01T00:00:00Z")));
    }

    #[test]
    fn explicit_id_wins_over_the_ledger() {
        let mut ledger = empty();
        publish(&mut ledger, &mut [article("a", 1)], "2024-01-01T00:00:00Z");
        let mut explicit = [article("a", 1)];
        explicit[0].id = "urn:x:1".into();
        explicit[0].id_is_explicit = true;
        ledger.pin(
            &mut explicit,
            Path::new("content"),
            at("2024-02-01T00:00:00Z"),
            |_| true,
        );
        assert_eq!(explicit[0].id, "urn:x:1");
    }

    #[test]
    fn an_edit_stamps_updated_once() {
        let mut ledger = empty();
        let mut first = [article("a", 1)];
        first[0].date = Some(at("2023-12-01T00:00:00Z"));
        publish(&mut ledger, &mut first, "2024-01-01T00:00:00Z");
        let mut edited = [article("a", 2)];
        edited[0].date = Some(at("2023-12-01T00:00:00Z"));
        publish(&mut ledger, &mut edited, "2024-02-01T00:00:00Z");
        assert_eq!(edited[0].updated, Some(at("2024-02-01T00:00:00Z")));
        let mut again = [article("a", 2)];
        again[0].date = Some(at("2023-12-01T00:00:00Z"));
        publish(&mut ledger, &mut again, "2024-03-01T00:00:00Z");
        assert_eq!(again[0].updated, Some(at("2024-02-01T00:00:00Z")));
    }

    #[test]
    fn round_trips_through_its_file_and_rejects_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LEDGER_FILE_NAME);
        let mut ledger = Ledger::load(&path).unwrap();
        let term = Term {
            taxonomy: Taxonomy::plain("category", "categories"),
            name: "Economy".into(),
            slug: "economy".into(),
            articles: vec![0],
            language: None,
        };
        let mut articles = [article("a", 0xabc)];
        ledger.pin(
            &mut articles,
            Path::new("content"),
            at("2024-01-01T00:00:00Z"),
            |_| true,
        );
        ledger.record(&articles, std::slice::from_ref(&term), Path::new("content"));
        assert!(ledger.save().unwrap());
        assert!(!ledger.save().unwrap(), "unchanged: not written again");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with(
            "[terms.categories]\neconomy = \"Economy\"\n\n[articles.a]\nid = \"https://x.org/a/\"\nstamped = \"2024-01-01T00:00:00Z\"\nfingerprint = \"0000000000000abc\"\n"
        ), "{text}");
        let reloaded = Ledger::load(&path).unwrap();
        assert_eq!(reloaded.to_toml(), ledger.to_toml());
        assert_eq!(
            reloaded.retired_terms(&Taxonomy::defaults(), &[], &[]),
            [Term {
                articles: vec![],
                ..term.clone()
            }]
        );
        assert!(
            reloaded
                .retired_terms(&Taxonomy::defaults(), &[], &[term])
                .is_empty()
        );

        std::fs::write(&path, "[articles.a]\nid = 3\n").unwrap();
        let err = Ledger::load(&path).unwrap_err().to_string();
        assert!(err.contains("the ledger is corrupt"), "{err}");
    }
}
