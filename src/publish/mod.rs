//! Publish the output directory to an object store (`--out s3://bucket/prefix/`).
//!
//! The build renders, validates and writes the local copy as always; this
//! stage then uploads that copy: only the objects whose bytes differ from
//! what was last uploaded, feeds first and the discovery files
//! (`index.html`, `feeds.opml`) last, so no link points at a missing
//! object. Nothing is ever deleted from the store: subscribers keep their
//! URLs.
//!
//! What was uploaded is machine state in `.feedpub-remote` beside the
//! ledger, keyed by store URL. With it a run that changes nothing makes no
//! request at all; without it (first run, another machine) one listing of
//! the prefix is compared by ETag (the MD5 of a single-request upload on
//! S3) and size. An object that fails to upload stops the run (exit 4,
//! naming it); the state keeps what did succeed, so the next run uploads
//! the rest. Credentials come only from the provider's environment
//! variables (for S3: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`), never from the
//! configuration, and are never printed.

mod state;
mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use md5::{Digest, Md5};
use url::Url;

use crate::build::BuildOptions;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::lock::{LockError, RunLock};
use crate::output::{INDEX_FILE, OPML_FILE};
use crate::write::RenderedFeed;

use self::state::{LocalFile, Recorded, RemoteState, Uploaded};
use self::store::Store;

/// How long ago a file must have changed for its `stat` to prove it
/// unchanged later (the file system's change times tick coarsely).
const SETTLED: Duration = Duration::from_secs(2);

/// What an upload did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct UploadReport {
    /// The store, as configured (`s3://bucket/prefix/`).
    pub store: String,
    /// Objects uploaded (or to upload, on a dry run), relative to the prefix, in upload order.
    pub uploaded: Vec<String>,
    /// Bytes uploaded.
    pub uploaded_bytes: u64,
    /// Objects already holding their bytes.
    pub unchanged: usize,
    /// Bytes of the unchanged objects.
    pub unchanged_bytes: u64,
    /// Whether the store was listed (no upload state for it on this machine).
    pub listed: bool,
    /// Whether this was a dry run (nothing uploaded).
    pub dry_run: bool,
    /// Wall time of the upload, in milliseconds.
    pub elapsed_ms: u128,
}

/// One object to publish.
#[derive(Debug)]
struct Object {
    /// Path relative to the output directory and to the store's prefix, with `/`.
    key: String,
    bytes: Vec<u8>,
    /// What the store would record for these bytes.
    uploaded: Uploaded,
    /// The local file the bytes were read from, if any.
    local: Option<LocalFile>,
}

impl Object {
    fn new(relative: &Path, bytes: Vec<u8>) -> Object {
        let key = object_key(relative);
        let md5 = Md5::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let uploaded = Uploaded {
            md5,
            size: bytes.len() as u64,
        };
        Object {
            key,
            bytes,
            uploaded,
            local: None,
        }
    }

    /// What the state records once the store holds this object.
    fn recorded(&self) -> Recorded {
        Recorded {
            uploaded: self.uploaded.clone(),
            local: self.local,
        }
    }

    /// Discovery files link to feeds, so they go up after them.
    fn is_discovery(&self) -> bool {
        self.key == INDEX_FILE || self.key == OPML_FILE
    }
}

/// Upload the output directory's feeds and discovery files to `store_url`,
/// under the output directory's lock. On a dry run, `dry_run_files` (the
/// dry-run build's [`crate::build::BuildReport::dry_run_files`]: what it would publish,
/// already rendered) are compared instead, and nothing is written anywhere.
pub fn publish(
    config: &Config,
    store_url: &Url,
    options: &BuildOptions,
    dry_run_files: Vec<RenderedFeed>,
) -> Result<UploadReport> {
    let started = Instant::now();
    let state_path = state::path(config);
    let mut state = RemoteState::load(&state_path);
    let recorded = state.uploaded(store_url);
    let (_lock, mut objects, mut unread) = if options.dry_run {
        let objects = dry_run_files
            .into_iter()
            .map(|f| Object::new(&f.path, f.bytes))
            .collect();
        (None, objects, Vec::new())
    } else {
        let lock =
            RunLock::acquire(&config.output_dir, options.lock_wait).map_err(|e| match e {
                LockError::Busy { .. } => Error::Locked {
                    dir: config.output_dir.clone(),
                    message: e.to_string(),
                },
                LockError::Io(e) => e,
            })?;
        let settled = SystemTime::now() - SETTLED;
        let (objects, unread) = local_objects(&config.output_dir, recorded.as_ref(), settled)?;
        (Some(lock), objects, unread)
    };
    // Feeds first, then the discovery files; in path order within each.
    objects.sort_by(|a, b| (a.is_discovery(), &a.key).cmp(&(b.is_discovery(), &b.key)));

    let mut report = UploadReport {
        store: store_url.to_string(),
        dry_run: options.dry_run,
        ..UploadReport::default()
    };
    let mut store = None;
    let known = match recorded {
        Some(known) => known,
        None => {
            report.listed = true;
            let connected = Store::connect(store_url)?;
            let listed = connected.list()?;
            store = Some(connected);
            listed
                .into_iter()
                .map(|(key, uploaded)| {
                    let local = None;
                    (key, Recorded { uploaded, local })
                })
                .collect()
        }
    };
    let (changed, unchanged): (Vec<Object>, Vec<Object>) = objects
        .into_iter()
        .partition(|o| known.get(&o.key).map(|r| &r.uploaded) != Some(&o.uploaded));
    unread.extend(unchanged.into_iter().map(|o| (o.key.clone(), o.recorded())));
    report.unchanged = unread.len();
    report.unchanged_bytes = unread.iter().map(|(_, r)| r.uploaded.size).sum();
    // What the store was found to hold is worth keeping even if nothing changed.
    let mut uploaded = known;
    uploaded.extend(unread);
    if options.dry_run {
        report.uploaded = changed.iter().map(|o| o.key.clone()).collect();
        report.uploaded_bytes = changed.iter().map(|o| o.uploaded.size).sum();
        report.elapsed_ms = started.elapsed().as_millis();
        return Ok(report);
    }
    let outcome = if changed.is_empty() {
        Ok(())
    } else {
        let store = match store {
            Some(store) => store,
            None => Store::connect(store_url)?,
        };
        let (discovery, feeds): (Vec<Object>, Vec<Object>) =
            changed.into_iter().partition(Object::is_discovery);
        let mut done = |object: Object| {
            report.uploaded.push(object.key.clone());
            report.uploaded_bytes += object.uploaded.size;
            uploaded.insert(object.key.clone(), object.recorded());
        };
        store
            .put_all(feeds, &config.cache_control, &mut done)
            .and_then(|()| store.put_all(discovery, &config.cache_control, &mut done))
    };
    // Whatever happened, the state records exactly what is in the store.
    state.record(store_url, uploaded);
    state.save(&state_path)?;
    outcome?;
    tracing::info!(
        uploaded = report.uploaded.len(),
        unchanged = report.unchanged,
        "uploaded to the object store"
    );
    report.elapsed_ms = started.elapsed().as_millis();
    Ok(report)
}

/// The files a build publishes, from the output directory: each feed's
/// three files at any depth, and the discovery files at its top. Hidden
/// entries (the lock, temporary files) are skipped. A file that is still
/// the one `recorded` as uploaded (same size, inode and change time) is
/// not read: it comes back as its key and record, the second list. Only
/// files changed before `settled` are identified by `stat` for next time.
fn local_objects(
    output_dir: &Path,
    recorded: Option<&HashMap<String, Recorded>>,
    settled: SystemTime,
) -> Result<(Vec<Object>, Vec<Unread>)> {
    let mut objects = Vec::new();
    let mut unread = Vec::new();
    let walk = walkdir::WalkDir::new(output_dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map_or_else(|| output_dir.to_path_buf(), Path::to_path_buf);
            Error::io(path, e.into())
        })?;
        let name = entry.file_name().to_string_lossy();
        let published = Format::of_file_name(&name).is_some()
            || (entry.depth() == 1 && (name == INDEX_FILE || name == OPML_FILE));
        if !entry.file_type().is_file() || !published {
            continue;
        }
        let relative: PathBuf = entry
            .path()
            .strip_prefix(output_dir)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let local = entry
            .metadata()
            .ok()
            .and_then(|metadata| LocalFile::of(&metadata, settled));
        let key = object_key(&relative);
        if let Some(record) = recorded.and_then(|r| r.get(&key))
            && local.is_some()
            && record.local == local
        {
            unread.push((key, record.clone()));
            continue;
        }
        let bytes = crate::files::read(entry.path())?;
        objects.push(Object {
            local,
            ..Object::new(&relative, bytes)
        });
    }
    Ok((objects, unread))
}

/// A file proven unchanged since its upload by `stat`: its key and record.
type Unread = (String, Recorded);

/// An object's key: its path relative to the output directory, with `/`.
fn object_key(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The `Content-Type` of a published file, with its charset.
fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    match name {
        "rss.xml" => "application/rss+xml; charset=utf-8",
        "atom.xml" => "application/atom+xml; charset=utf-8",
        "feed.json" => "application/feed+json; charset=utf-8",
        _ if name.ends_with(".opml") => "text/x-opml; charset=utf-8",
        _ if name.ends_with(".html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_file_has_its_media_type_and_charset() {
        for (key, expected) in [
            ("rss.xml", "application/rss+xml; charset=utf-8"),
            (
                "categories/world/atom.xml",
                "application/atom+xml; charset=utf-8",
            ),
            (
                "countries/fr/feed.json",
                "application/feed+json; charset=utf-8",
            ),
            ("feeds.opml", "text/x-opml; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
        ] {
            assert_eq!(content_type(key), expected, "{key}");
        }
    }

    #[test]
    fn an_object_is_keyed_with_slashes_and_its_md5() {
        let object = Object::new(Path::new("categories/world/rss.xml"), b"hello".to_vec());
        assert_eq!(object.key, "categories/world/rss.xml");
        assert_eq!(object.uploaded.md5, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(object.uploaded.size, 5);
    }

    #[test]
    fn only_published_files_are_read_from_the_output_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "rss.xml",
            "index.html",
            "feeds.opml",
            "categories/world/feed.json",
            "categories/world/index.html",
            "notes.txt",
            ".feedpub.lock",
            ".hidden/rss.xml",
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), "x").unwrap();
        }
        let mut keys: Vec<String> = local_objects(root, None, SystemTime::now())
            .unwrap()
            .0
            .into_iter()
            .map(|o| o.key)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "categories/world/feed.json",
                "feeds.opml",
                "index.html",
                "rss.xml"
            ]
        );
    }

    #[test]
    fn a_file_unchanged_since_its_upload_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("rss.xml"), "old").unwrap();
        std::fs::write(root.join("atom.xml"), "old").unwrap();
        // A moment later, both files have settled.
        let later = SystemTime::now() + Duration::from_secs(3600);
        let (first, unread) = local_objects(root, None, later).unwrap();
        assert!(unread.is_empty());
        let recorded: HashMap<String, Recorded> = first
            .iter()
            .map(|o| (o.key.clone(), o.recorded()))
            .collect();

        // Replaced as feedpub replaces files: a new inode renamed into place.
        std::fs::write(root.join("new.tmp"), "new").unwrap();
        std::fs::rename(root.join("new.tmp"), root.join("atom.xml")).unwrap();
        let (read, unread) = local_objects(root, Some(&recorded), later).unwrap();
        let read: Vec<_> = read
            .iter()
            .map(|o| (o.key.as_str(), o.bytes.as_slice()))
            .collect();
        assert_eq!(read, [("atom.xml", b"new".as_slice())]);
        assert_eq!(
            unread,
            [("rss.xml".to_string(), recorded["rss.xml"].clone())]
        );

        // Rewritten in place with bytes of the same size (a clock tick
        // later): read again.
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(root.join("rss.xml"), "OLD").unwrap();
        let (read, _) = local_objects(root, Some(&recorded), later).unwrap();
        assert_eq!(read.len(), 2);

        // A file changed after `settled` is read, and not identified by
        // `stat` for next time.
        let (read, _) = local_objects(root, None, SystemTime::UNIX_EPOCH).unwrap();
        assert!(read.iter().all(|o| o.local.is_none()));
    }
}
