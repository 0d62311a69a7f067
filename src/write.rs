//! Publishing files: atomic write-if-changed, and the cleanup of temporary
//! files killed runs left (under the run lock of [`crate::lock`]).
//!
//! A cron job runs the build unattended, so two rules hold here: a reader
//! never sees a truncated file (each file is written to a temporary file in
//! the same directory, synced, then renamed over the target), and a file
//! whose bytes did not change is not touched at all (web servers answer
//! conditional GETs from its mtime).

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::files;
use crate::lock::RunLock;
use crate::progress::{Progress, Stage};

/// Prefix of the temporary files, so a stray one is easy to recognise.
const TEMP_PREFIX: &str = ".feedpub-";

/// Suffix of the temporary files: never `.xml`, so a temporary file left by
/// a killed run is not mistaken for a feed.
const TEMP_SUFFIX: &str = ".tmp";

/// One serialized feed file, ready to validate and write.
#[derive(Debug, Clone)]
pub struct RenderedFeed {
    /// Path relative to the output directory.
    pub path: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Whether a file was rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteOutcome {
    /// The file was missing or held other bytes, and now holds the new ones.
    Written,
    /// The file already held exactly these bytes and was left untouched.
    Unchanged,
}

/// Write `bytes` to `path` atomically unless the file already holds exactly these bytes.
///
/// Missing parent directories are created. The new file gets mode 0644 (so a
/// web server can read it), is synced, renamed over the target, and the
/// directory is synced, so after a crash the file is either the old one or
/// the new one, never truncated. Every error names the path it concerns.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<WriteOutcome> {
    let Some(staged) = stage(path, bytes)? else {
        return Ok(WriteOutcome::Unchanged);
    };
    staged.commit_synced()?;
    Ok(WriteOutcome::Written)
}

/// A file's new version, complete and synced in a temporary file beside it,
/// waiting to be renamed into place. Dropping it deletes the temporary file.
#[derive(Debug)]
pub(crate) struct Staged {
    temp: tempfile::TempPath,
    path: PathBuf,
}

impl Staged {
    /// Rename the new version over the file.
    fn commit(self) -> Result<()> {
        let Staged { temp, path } = self;
        temp.persist(&path).map_err(|e| Error::io(&path, e.error))
    }

    /// Rename the new version over the file and sync its directory, so the
    /// rename survives a crash.
    pub(crate) fn commit_synced(self) -> Result<()> {
        let dir = parent_dir(&self.path).to_owned();
        self.commit()?;
        files::sync_dir(&dir)
    }
}

/// Put `bytes` in a synced temporary file beside `path`, to be renamed into
/// place later with [`Staged::commit_synced`]; `None` when `path` already
/// holds exactly these bytes. Lets a caller write several files so that an
/// error before the renames changes none of them.
pub(crate) fn stage_file(path: &Path, bytes: &[u8]) -> Result<Option<Staged>> {
    stage(path, bytes)
}

/// The directory a file is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Put `bytes` in a synced temporary file beside `path`, unless `path`
/// already holds exactly these bytes (then `None`).
fn stage(path: &Path, bytes: &[u8]) -> Result<Option<Staged>> {
    if holds_bytes(path, bytes)? {
        return Ok(None);
    }
    // A directory in the way would make the rename fail after other files
    // were already replaced: refuse it before anything is renamed.
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        let message = "a directory is in the way of a file feedpub writes; move it elsewhere";
        return Err(Error::io(
            path,
            io::Error::new(io::ErrorKind::IsADirectory, message),
        ));
    }
    stage_with(path, |file| file.write_all(bytes)).map(Some)
}

/// Write a file atomically from `fill`, which writes its whole content to
/// the writer it is given: for a file too large to hold in memory twice
/// (the front-matter cache of a large site). The same guarantees as
/// [`write_if_changed`], except that the file is always replaced.
pub(crate) fn write_streamed(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let staged = stage_with(path, |file| {
        let mut buffered = io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut buffered)?;
        buffered.flush()
    })?;
    staged.commit_synced()
}

/// A synced temporary file beside `path` that `fill` wrote, to be renamed
/// over `path`.
fn stage_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> Result<Staged> {
    let dir = parent_dir(path);
    files::create_dir_all(dir)?;

    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| {
            let message = format!("cannot create a temporary file in {}: {e}", dir.display());
            Error::io(path, io::Error::new(e.kind(), message))
        })?;
    // From here on, dropping `temp` (on any error) deletes the temporary file.
    set_public_permissions(temp.as_file()).map_err(|e| Error::io(path, e))?;
    fill(temp.as_file_mut()).map_err(|e| Error::io(path, e))?;
    temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // Close the file but keep the path, so a large site does not run out of
    // file descriptors while every changed feed is staged.
    Ok(Staged {
        temp: temp.into_temp_path(),
        path: path.to_owned(),
    })
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn holds_bytes(path: &Path, bytes: &[u8]) -> Result<bool> {
    // A symbolic link is never read through: it is replaced.
    let Some(metadata) = files::symlink_metadata_if_exists(path)? else {
        return Ok(false);
    };
    // Compare lengths first so a changed feed is not read back needlessly.
    let same_len = u64::try_from(bytes.len()).is_ok_and(|len| len == metadata.len());
    if !metadata.is_file() || !same_len {
        return Ok(false);
    }
    let existing = crate::files::read(path)?;
    Ok(existing == bytes)
}

/// Make a freshly created temporary file readable by everyone (0644).
///
/// `fchmod` is not subject to the umask, unlike the mode given at creation.
#[cfg(unix)]
fn set_public_permissions(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

/// Permissions are left to the platform outside Unix.
#[cfg(not(unix))]
fn set_public_permissions(_file: &File) -> io::Result<()> {
    Ok(())
}

/// What publishing a set of files did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PublishReport {
    /// The files rewritten, as `root` joined with their relative path, in order.
    pub written: Vec<PathBuf>,
    /// How many files already held their bytes and were left untouched.
    pub unchanged: usize,
}

/// Files staged batch by batch beside their targets, then renamed into place
/// together, so a build need not hold every file's bytes at once.
///
/// Every path is checked before its batch is written: it must be relative
/// and made only of normal components (no `..`, `.`, root or prefix), so
/// nothing is ever written outside `root`, and no directory on the way may
/// be a symbolic link. Each changed file's new version is written and synced
/// to a temporary file beside it; only [`Stager::publish`] renames them into
/// place, in order, and syncs their directories. So an error while staging
/// (a full disk, a read-only directory), or dropping the stager, leaves
/// every published file as it was and deletes the temporary files, and a
/// crash at any instant leaves each file either its old or its new version.
#[derive(Debug)]
pub(crate) struct Stager {
    root: PathBuf,
    /// Directories already checked for symbolic links.
    checked: BTreeSet<PathBuf>,
    /// The changed files, in the order they were staged.
    staged: Vec<Staged>,
    /// How many files already held their bytes.
    unchanged: usize,
    /// Directories this stager made, parents first: removed again (when
    /// empty) if it is dropped without publishing.
    created: Vec<PathBuf>,
}

impl Stager {
    /// A stager for files below `root`, with nothing staged yet.
    pub(crate) fn new(root: &Path) -> Stager {
        Stager {
            root: root.to_owned(),
            checked: BTreeSet::new(),
            staged: Vec::new(),
            unchanged: 0,
            created: Vec::new(),
        }
    }

    /// Make the missing directories of the files `relative` to the root,
    /// remembering each one made.
    fn make_dirs(&mut self, relative: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut dir = parent_dir(&self.root.join(relative)).to_owned();
        while dir.starts_with(&self.root) && dir != self.root && !dir.is_dir() {
            missing.push(dir.clone());
            if !dir.pop() {
                break;
            }
        }
        for dir in missing.into_iter().rev() {
            if files::create_dir(&dir)? {
                self.created.push(dir);
            }
        }
        Ok(())
    }

    /// Stage each (relative path, bytes) pair whose bytes differ from the
    /// file published at that path; the others are only counted.
    pub(crate) fn stage(&mut self, files: &[(&Path, &[u8])]) -> Result<()> {
        for (relative, _) in files {
            check_relative(&self.root, relative)?;
            check_no_links(&self.root, relative, &mut self.checked)?;
        }
        for (relative, _) in files {
            self.make_dirs(relative)?;
        }
        let started = Instant::now();
        let outcomes = in_parallel(files, |(relative, bytes)| {
            stage(&self.root.join(relative), bytes)
        });
        // On an error, dropping `self` deletes every temporary file.
        for outcome in outcomes {
            match outcome? {
                Some(file) => self.staged.push(file),
                None => self.unchanged += 1,
            }
        }
        tracing::debug!(
            files = files.len(),
            staged = self.staged.len(),
            unchanged = self.unchanged,
            ms = started.elapsed().as_millis(),
            "staged a batch of files"
        );
        Ok(())
    }

    /// Rename every staged file into place, in the order staged, and sync
    /// their directories; `progress` sees one step per file.
    pub(crate) fn publish(mut self, progress: &dyn Progress) -> Result<PublishReport> {
        let started = Instant::now();
        progress.stage(Stage::Write, u64::try_from(self.staged.len()).ok());
        let mut report = PublishReport {
            unchanged: self.unchanged,
            ..PublishReport::default()
        };
        let mut dirs = BTreeSet::new();
        // The folders now hold published files: keep them, even if a
        // rename below fails.
        self.created.clear();
        for file in std::mem::take(&mut self.staged) {
            let path = file.path.clone();
            file.commit()?;
            tracing::info!(path = %path.display(), "wrote");
            dirs.insert(parent_dir(&path).to_owned());
            report.written.push(path);
            progress.step();
        }
        let dirs: Vec<PathBuf> = dirs.into_iter().collect();
        for synced in in_parallel(&dirs, |dir| files::sync_dir(dir)) {
            synced?;
        }
        tracing::debug!(
            written = report.written.len(),
            ms = started.elapsed().as_millis(),
            "published"
        );
        Ok(report)
    }
}

impl Drop for Stager {
    /// Unpublished: delete the temporary files, then the folders made for
    /// them (only those left empty), deepest first.
    fn drop(&mut self) {
        self.staged.clear();
        for dir in self.created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// How many files are staged (or directories synced) at once. It is
/// mostly waiting for the disk to confirm a sync, and a disk confirms
/// several syncs in about the time of one: on the benchmark machine 188
/// feed files of 360 KB took 0.9 s one after the other and 0.24 s eight at
/// a time.
const SYNC_THREADS: usize = 8;

/// `f` of every item, [`SYNC_THREADS`] at a time; the results in the order
/// of `items`.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..SYNC_THREADS.min(items.len()))
            .map(|_| scope.spawn(work))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Reject an output path that is empty, absolute, or not made only of normal components.
fn check_relative(root: &Path, relative: &Path) -> Result<()> {
    let mut components = relative.components().peekable();
    let normal = components.peek().is_some()
        && components.all(|component| matches!(component, Component::Normal(_)));
    if normal {
        return Ok(());
    }
    let message = format!(
        "output path must be relative to {} and must not contain `..` or `.`",
        root.display()
    );
    Err(Error::io(
        relative,
        io::Error::new(io::ErrorKind::InvalidInput, message),
    ))
}

/// Refuse a directory between `root` and `relative` that is a symbolic link:
/// feedpub writes only through directories it made, never into a place a
/// link sends it. `checked` remembers the directories already looked at.
fn check_no_links(root: &Path, relative: &Path, checked: &mut BTreeSet<PathBuf>) -> Result<()> {
    let mut dir = root.to_path_buf();
    let Some(parent) = relative.parent() else {
        return Ok(());
    };
    for component in parent.components() {
        dir.push(component);
        if !checked.insert(dir.clone()) {
            continue;
        }
        if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
            let message = "is a symbolic link; feedpub writes only into directories it \
                           made: replace the link with a directory";
            return Err(Error::io(
                &dir,
                io::Error::new(io::ErrorKind::InvalidInput, message),
            ));
        }
    }
    Ok(())
}

// Beside the temporary files' naming rather than in `lock.rs`: the lock
// only proves no other run is writing them.
impl RunLock {
    /// Delete the temporary files (`.feedpub-*.tmp`) that killed runs left
    /// in the lock file's directory and in its subdirectories `dirs` (the
    /// ones this run writes into, relative), and return how many there were.
    ///
    /// Only safe while holding the lock, which is why it is a method of it:
    /// no other run can be writing one of them. No other directory is
    /// looked into (another site's output may lie below this one, with a run
    /// in flight), and nothing else is touched.
    pub(crate) fn remove_stale_temps(&self, dirs: &[PathBuf]) -> Result<usize> {
        let root = parent_dir(self.path());
        let mut removed = 0;
        let mut seen = BTreeSet::new();
        for dir in std::iter::once(root.to_path_buf()).chain(dirs.iter().map(|d| root.join(d))) {
            if !seen.insert(dir.clone()) {
                continue;
            }
            for entry in files::entries_if_exists(&dir)? {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let stale = name.starts_with(TEMP_PREFIX)
                    && name.ends_with(TEMP_SUFFIX)
                    && entry.file_type().is_ok_and(|t| t.is_file());
                if stale {
                    files::remove_file_if_exists(&entry.path())?;
                    tracing::debug!(path = %entry.path().display(), "removed a stale temporary file");
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::progress::Silent;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::time::{Duration, SystemTime};

    /// Write every (relative path, bytes) pair under `root` whose bytes changed, all or nothing as far as the disk allows.
    ///
    /// One [`Stager`] batch, then its [`Stager::publish`]: see there.
    fn publish(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<PublishReport> {
        let mut stager = Stager::new(root);
        let files: Vec<(&Path, &[u8])> = files
            .iter()
            .map(|(path, bytes)| (path.as_path(), bytes.as_slice()))
            .collect();
        stager.stage(&files)?;
        stager.publish(&Silent)
    }

    /// A streamed file replaces the old one whole, with the public mode;
    /// a writer that fails halfway leaves the old file as it was and no
    /// temporary file behind.
    #[test]
    fn a_streamed_write_replaces_the_file_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".feedpub-cache");
        std::fs::write(&path, b"old").unwrap();
        write_streamed(&path, |out| {
            out.write_all(b"new ")?;
            out.write_all(b"bytes")
        })
        .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new bytes");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );

        let failed = write_streamed(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        let message = failed.unwrap_err().to_string();
        assert!(message.contains(".feedpub-cache"), "{message}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new bytes");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [".feedpub-cache"]);
    }

    /// A build whose gate fails after a first batch was staged publishes
    /// nothing, and leaves no folder it made for a new feed behind.
    #[test]
    fn a_stager_dropped_unpublished_removes_the_folders_it_made() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("categories")).unwrap();
        let mut stager = Stager::new(root.path());
        stager
            .stage(&[
                (Path::new("categories/new/rss.xml"), b"<rss/>".as_slice()),
                (
                    Path::new("countries/new/deep/atom.xml"),
                    b"<feed/>".as_slice(),
                ),
            ])
            .unwrap();
        assert!(root.path().join("countries/new/deep").is_dir());
        drop(stager);
        let mut left: Vec<_> = walkdir::WalkDir::new(root.path())
            .min_depth(1)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(root.path())
                    .unwrap()
                    .to_owned()
            })
            .collect();
        left.sort();
        // The folder that was there before stays; the ones made go.
        assert_eq!(left, [PathBuf::from("categories")]);
    }

    /// Names in `dir` that look like our temporary files.
    fn stray_temps(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .expect("read dir")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.starts_with(TEMP_PREFIX))
            .collect()
    }

    #[test]
    fn work_in_parallel_comes_back_in_the_order_of_its_items() {
        let items: Vec<u64> = (0..50).collect();
        // Later items finish first, so completion order is not item order.
        let doubled = in_parallel(&items, |&i| {
            std::thread::sleep(std::time::Duration::from_millis(50 - i));
            i * 2
        });
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(in_parallel(&[] as &[u64], |&i| i), Vec::<u64>::new());
    }

    #[test]
    fn writes_a_new_file_readable_by_everyone_creating_parents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feeds/category/news/rss.xml");
        let outcome = write_if_changed(&path, b"<rss/>").expect("write");
        assert_eq!(outcome, WriteOutcome::Written);
        assert_eq!(fs::read(&path).expect("read"), b"<rss/>");
        let mode = fs::metadata(&path).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
        assert!(stray_temps(path.parent().expect("parent")).is_empty());
    }

    #[test]
    fn unchanged_bytes_leave_mtime_and_inode_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("atom.xml");
        fs::write(&path, b"same").expect("seed");
        let old = SystemTime::now() - Duration::from_secs(86_400);
        File::options()
            .write(true)
            .open(&path)
            .expect("open")
            .set_modified(old)
            .expect("set mtime");
        let before = fs::metadata(&path).expect("metadata");

        let outcome = write_if_changed(&path, b"same").expect("write");

        let after = fs::metadata(&path).expect("metadata");
        assert_eq!(outcome, WriteOutcome::Unchanged);
        assert_eq!(after.modified().expect("mtime"), old);
        assert_eq!(after.ino(), before.ino());
    }

    #[test]
    fn changed_bytes_replace_the_file() {
        // Same length and different length: the length shortcut must not
        // mistake equal sizes for equal contents.
        let cases: [(&[u8], &[u8]); 3] = [
            (b"old!", b"new!"),
            (b"old", b"a longer new feed"),
            (b"a longer old feed", b""),
        ];
        for (old, new) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("rss.xml");
            fs::write(&path, old).expect("seed");
            let before = fs::metadata(&path).expect("metadata").ino();

            let outcome = write_if_changed(&path, new).expect("write");

            assert_eq!(outcome, WriteOutcome::Written, "{old:?} -> {new:?}");
            assert_eq!(fs::read(&path).expect("read"), new);
            // A rename, not an in-place rewrite a reader could see half done.
            assert_ne!(fs::metadata(&path).expect("metadata").ino(), before);
            assert!(stray_temps(dir.path()).is_empty());
        }
    }

    #[test]
    fn target_that_is_a_directory_fails_without_leaving_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rss.xml");
        fs::create_dir(&path).expect("dir in the way");

        let err = write_if_changed(&path, b"<rss/>").expect_err("must fail");

        assert!(
            matches!(&err, Error::Io { path: p, .. } if p == &path),
            "{err}"
        );
        assert!(path.is_dir());
        assert!(
            stray_temps(dir.path()).is_empty(),
            "{:?}",
            stray_temps(dir.path())
        );
    }

    #[test]
    fn read_only_directory_fails_naming_the_path_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let feeds = dir.path().join("feeds");
        fs::create_dir(&feeds).expect("mkdir");
        let path = feeds.join("rss.xml");
        fs::write(&path, b"old").expect("seed");
        fs::set_permissions(&feeds, fs::Permissions::from_mode(0o555)).expect("chmod");

        // Root ignores directory permissions; detect that by trying.
        let probe = feeds.join("probe");
        let result = if File::create(&probe).is_ok() {
            eprintln!("skipped: running with privileges that ignore a read-only directory");
            None
        } else {
            Some(write_if_changed(&path, b"new"))
        };
        fs::set_permissions(&feeds, fs::Permissions::from_mode(0o755)).expect("chmod back");

        if let Some(result) = result {
            let err = result.expect_err("must fail");
            assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
            assert_eq!(fs::read(&path).expect("read"), b"old");
            assert!(stray_temps(&feeds).is_empty());
        }
    }

    #[test]
    fn publish_writes_in_order_and_counts_unchanged() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("category")).expect("mkdir");
        fs::write(dir.path().join("atom.xml"), b"atom").expect("seed");
        let files = vec![
            (PathBuf::from("rss.xml"), b"rss".to_vec()),
            (PathBuf::from("atom.xml"), b"atom".to_vec()),
            (PathBuf::from("category/news/rss.xml"), b"news".to_vec()),
        ];

        let report = publish(dir.path(), &files).expect("publish");

        assert_eq!(
            report,
            PublishReport {
                written: vec![
                    dir.path().join("rss.xml"),
                    dir.path().join("category/news/rss.xml"),
                ],
                unchanged: 1,
            }
        );
        assert_eq!(
            fs::read(dir.path().join("category/news/rss.xml")).expect("read"),
            b"news"
        );
    }

    #[test]
    fn publish_rejects_paths_that_leave_root_and_writes_nothing() {
        let cases = ["../x", "/abs", "a/../../x", "./x", "", "a/.."];
        for bad in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            let root = dir.path().join("feeds");
            // A good file first: nothing may be written when any path is bad.
            let files = vec![
                (PathBuf::from("rss.xml"), b"rss".to_vec()),
                (PathBuf::from(bad), b"evil".to_vec()),
            ];

            let err = publish(&root, &files).expect_err(bad);

            assert!(
                matches!(&err, Error::Io { source, .. } if source.kind() == io::ErrorKind::InvalidInput),
                "{bad}: {err}"
            );
            assert!(!root.exists(), "{bad}: wrote into root");
            assert!(!dir.path().join("x").exists(), "{bad}: wrote outside root");
        }
    }

    #[test]
    fn publish_changes_nothing_when_a_target_is_a_directory() {
        // Issue 11: the directory used to be found by the rename, after the
        // files before it were already replaced.
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("blocked.xml")).expect("dir in the way");
        let files = vec![
            (PathBuf::from("first.xml"), b"1".to_vec()),
            (PathBuf::from("blocked.xml"), b"2".to_vec()),
            (PathBuf::from("last.xml"), b"3".to_vec()),
        ];

        let err = publish(dir.path(), &files).expect_err("must fail");

        assert!(err.to_string().contains("blocked.xml"), "{err}");
        assert!(
            err.to_string().contains("a directory is in the way"),
            "{err}"
        );
        assert!(!dir.path().join("first.xml").exists());
        assert!(!dir.path().join("last.xml").exists());
        assert!(stray_temps(dir.path()).is_empty());
    }

    #[test]
    fn publish_changes_nothing_when_any_file_cannot_be_staged() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("rss.xml"), b"old").expect("seed");
        // A file where a directory must be created: staging fails late.
        fs::write(dir.path().join("countries"), b"not a directory").expect("seed");
        let files = vec![
            (PathBuf::from("rss.xml"), b"new".to_vec()),
            (PathBuf::from("atom.xml"), b"new".to_vec()),
            (PathBuf::from("countries/kg/rss.xml"), b"new".to_vec()),
        ];

        let err = publish(dir.path(), &files).expect_err("must fail");

        assert!(err.to_string().contains("countries"), "{err}");
        assert_eq!(fs::read(dir.path().join("rss.xml")).expect("read"), b"old");
        assert!(!dir.path().join("atom.xml").exists());
        assert!(
            stray_temps(dir.path()).is_empty(),
            "{:?}",
            stray_temps(dir.path())
        );
    }

    #[test]
    fn stale_temps_are_removed_only_where_feedpub_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("categories/news");
        // Issue 11: another site's output below this one, with a run in flight.
        let other = dir.path().join("other-site/feeds");
        fs::create_dir_all(&nested).expect("mkdir");
        fs::create_dir_all(&other).expect("mkdir");
        let stale = [
            dir.path().join(".feedpub-a1B2c3.tmp"),
            nested.join(".feedpub-Zz9.tmp"),
        ];
        let kept = [
            dir.path().join("rss.xml"),
            dir.path().join(".feedpub-x.xml"),
            nested.join("notes.tmp"),
            nested.join("feedpub-a.tmp"),
            other.join(".feedpub-inflight.tmp"),
        ];
        for path in stale.iter().chain(&kept) {
            fs::write(path, b"x").expect("seed");
        }
        let lock = RunLock::acquire(dir.path(), Duration::ZERO).expect("lock");

        let dirs = [PathBuf::from("categories/news"), PathBuf::from("missing")];
        assert_eq!(lock.remove_stale_temps(&dirs).expect("clean"), 2);

        assert!(stale.iter().all(|p| !p.exists()));
        assert!(kept.iter().all(|p| p.exists()), "{kept:?}");
        assert!(lock.path().exists());
    }

    #[test]
    fn publish_never_writes_through_a_symlinked_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("feeds");
        let outside = dir.path().join("outside");
        fs::create_dir_all(&root).expect("mkdir");
        fs::create_dir_all(&outside).expect("mkdir");
        std::os::unix::fs::symlink(&outside, root.join("categories")).expect("symlink");
        let files = vec![
            (PathBuf::from("rss.xml"), b"rss".to_vec()),
            (PathBuf::from("categories/news/rss.xml"), b"news".to_vec()),
        ];

        let err = publish(&root, &files).expect_err("must refuse");

        assert!(err.to_string().contains("categories"), "{err}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!root.join("rss.xml").exists(), "nothing is written");
        assert_eq!(fs::read_dir(&outside).expect("read").count(), 0);
    }

    #[test]
    fn a_symlinked_feed_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("feeds");
        fs::create_dir_all(&root).expect("mkdir");
        let outside = dir.path().join("outside.xml");
        fs::write(&outside, b"rss").expect("seed");
        std::os::unix::fs::symlink(&outside, root.join("rss.xml")).expect("symlink");

        let report =
            publish(&root, &[(PathBuf::from("rss.xml"), b"rss".to_vec())]).expect("publish");

        assert_eq!(report.written, [root.join("rss.xml")]);
        assert!(
            root.join("rss.xml")
                .symlink_metadata()
                .expect("meta")
                .is_file()
        );
        assert_eq!(fs::read(&outside).expect("read"), b"rss");
    }
}
