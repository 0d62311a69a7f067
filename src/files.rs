//! File-system calls for the library: each error names its path (as
//! mdBook's `utils/fs.rs` does), and feedpub's own state and configuration
//! files are read safely.
//!
//! A FIFO, a device or a directory at the path of the configuration, the
//! ledger or the cache must not hang a cron run while it holds the lock, nor
//! make it read without end: files are opened without blocking, checked on
//! the opened handle (no window between the check and the read), and read up
//! to a size limit.

use std::fs::{File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How close to the moment of its stat a file's ctime or mtime must be for
/// an edit to possibly leave its stat unchanged. Coarser than any local
/// file system's timestamps (FAT: 2 s).
const RACY: Duration = Duration::from_secs(2);

/// What a `stat` says about a file: size, mtime, and (on Unix) ctime,
/// inode and device, which no tool can set back, so a same-size edit with
/// the old mtime restored (`cp -p`, `rsync -t`, `touch -r`) still changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Stat {
    size: u64,
    mtime: (i64, u32),
    ctime: (i64, u32),
    inode: u64,
    device: u64,
}

impl Stat {
    /// The stat of the regular file at `path` (following links); `None`
    /// when there is none.
    pub(crate) fn of_file(path: &Path) -> Option<Stat> {
        std::fs::metadata(path)
            .ok()
            .filter(Metadata::is_file)
            .map(|m| Stat::of(&m))
    }

    /// The stat held in `meta`.
    pub(crate) fn of(meta: &Metadata) -> Stat {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stat {
                size: meta.len(),
                mtime: (meta.mtime(), u32::try_from(meta.mtime_nsec()).unwrap_or(0)),
                ctime: (meta.ctime(), u32::try_from(meta.ctime_nsec()).unwrap_or(0)),
                inode: meta.ino(),
                device: meta.dev(),
            }
        }
        #[cfg(not(unix))]
        {
            let since = |t: io::Result<SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map_or((0, 0), |d| {
                        (i64::try_from(d.as_secs()).unwrap_or(0), d.subsec_nanos())
                    })
            };
            Stat {
                size: meta.len(),
                mtime: since(meta.modified()),
                // Unknown here: every stat is treated as racy instead.
                ctime: (i64::MAX, 0),
                inode: 0,
                device: 0,
            }
        }
    }

    /// A stat of a `size`-byte file changed at `secs` after the epoch, for tests.
    #[cfg(test)]
    pub(crate) fn sample(size: u64, secs: i64) -> Stat {
        Stat {
            size,
            mtime: (secs, 0),
            ctime: (secs, 0),
            inode: 1,
            device: 1,
        }
    }

    /// Whether a change right after `taken` could leave this stat as it is
    /// ("racy", as git calls it): its ctime or mtime is within the file
    /// system's timestamp granularity of `taken`, or after it.
    pub(crate) fn is_racy(&self, taken: SystemTime) -> bool {
        is_recent(self.ctime, taken) || is_recent(self.mtime, taken)
    }

    /// Whether the file's mtime is within the file system's timestamp
    /// granularity of `taken`, or after it: a file just written (with its
    /// mtime not set back) could change again without its stat changing.
    pub(crate) fn is_recently_modified(&self, taken: SystemTime) -> bool {
        is_recent(self.mtime, taken)
    }
}

/// Whether the instant `time` (seconds and nanoseconds since the epoch) is
/// less than [`RACY`] before `taken`, or after it.
fn is_recent(time: (i64, u32), taken: SystemTime) -> bool {
    let Some(limit) = taken
        .checked_sub(RACY)
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
    else {
        return true;
    };
    let limit = (
        i64::try_from(limit.as_secs()).unwrap_or(i64::MAX),
        limit.subsec_nanos(),
    );
    time >= limit
}

/// Read the regular file at `path`, refusing anything else and anything
/// longer than `limit` bytes. The error says what the path is instead
/// ("a FIFO", "a directory") in words fit for a message.
pub(crate) fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer appears, unless
        // non-blocking; on a regular file the flag changes nothing.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {}, not a regular file", kind(&metadata)),
        ));
    }
    let too_large = || {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("is larger than the limit of {limit} bytes"),
        )
    };
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // The file may grow between the stat and the read.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).map_or(true, |len| len > limit) {
        return Err(too_large());
    }
    Ok(bytes)
}

/// What a non-regular file is, with its article ("a directory").
fn kind(metadata: &Metadata) -> &'static str {
    if metadata.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let file_type = metadata.file_type();
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    "not a file"
}

/// `path` below `dir` as the bytes after `dir` and a `/`, when they are
/// exactly what [`Path::strip_prefix`] leaves (nothing to trim at either
/// end); `None` when only comparing components can tell, and where the
/// separator is not `/`. A walk joins every path to its root, so this is
/// the common case, and comparing components 50,000 times a run showed in
/// profiles (#12).
pub(crate) fn below_bytewise<'p>(path: &'p Path, dir: &Path) -> Option<&'p str> {
    if std::path::MAIN_SEPARATOR != '/' {
        return None;
    }
    let dir = dir.as_os_str().as_encoded_bytes();
    let below = path
        .as_os_str()
        .as_encoded_bytes()
        .strip_prefix(dir)
        .filter(|_| !dir.is_empty() && !dir.ends_with(b"/"))?
        .strip_prefix(b"/")
        .filter(|rest| {
            !rest.is_empty()
                && *rest != b"."
                && !rest.starts_with(b"/")
                && !rest.starts_with(b"./")
                && !rest.ends_with(b"/")
                && !rest.ends_with(b"/.")
        })?;
    std::str::from_utf8(below).ok()
}

/// `relative` below `base`, when it stays there: only plain names, no
/// `..`, no root, no drive.
pub(crate) fn inside(base: &Path, relative: &str) -> Option<PathBuf> {
    let relative = relative.split(['?', '#']).next().unwrap_or(relative);
    let path = Path::new(relative);
    path.components()
        .all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
        .then(|| base.join(path))
}

/// Whether `file` is a regular file really inside `base` (no symbolic
/// link out of it).
pub(crate) fn contained_file(file: &Path, base: &Path) -> bool {
    let (Ok(file), Ok(base)) = (file.canonicalize(), base.canonicalize()) else {
        return false;
    };
    file.starts_with(&base) && file.is_file()
}

/// Create the folder `dir` and any missing parents.
pub(crate) fn create_dir_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// Every byte of the file at `path`.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// The text of the file at `path`, which must be UTF-8.
pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The entries of the folder `dir`.
pub(crate) fn read_dir(dir: &Path) -> Result<std::fs::ReadDir> {
    std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))
}

/// `path` made absolute, with every symbolic link resolved.
#[cfg(feature = "serve")]
pub(crate) fn canonicalize(path: &Path) -> Result<PathBuf> {
    path.canonicalize().map_err(|e| Error::io(path, e))
}

/// What is at `path`, without following a final symbolic link; `None`
/// when nothing is there.
pub(crate) fn symlink_metadata_if_exists(path: &Path) -> Result<Option<Metadata>> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) => Ok(Some(metadata)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The text of the file at `path`, which must be UTF-8; `None` when there
/// is no file.
pub(crate) fn read_to_string_if_exists(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Write `bytes` to a new file at `path`: a file already there (even one
/// appearing meanwhile) is an error, never overwritten.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| Error::io(path, e))
}

/// Create the folder `dir` (its parent must exist); `false` when it was
/// already there.
pub(crate) fn create_dir(dir: &Path) -> Result<bool> {
    match std::fs::create_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// The entries of the folder `dir`; none when it does not exist.
pub(crate) fn entries_if_exists(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .collect::<io::Result<_>>()
            .map_err(|e| Error::io(dir, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Delete the file at `path`, if there is one.
pub(crate) fn remove_file_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Sync the folder `dir`, so a rename inside it survives a crash.
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// Folders cannot be opened and synced outside Unix.
#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_stat_is_racy_only_near_the_moment_it_was_taken() {
        let stat = |secs| Stat::sample(1, secs);
        let taken = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert!(stat(999).is_racy(taken));
        assert!(stat(1001).is_racy(taken), "a clock running behind");
        assert!(!stat(990).is_racy(taken));
        let restored_mtime = Stat {
            mtime: (10, 0),
            ..stat(999)
        };
        assert!(restored_mtime.is_racy(taken), "a recent ctime");
        assert!(!restored_mtime.is_recently_modified(taken));
        assert!(stat(999).is_recently_modified(taken));
    }

    #[test]
    fn each_error_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let errors = [
            (read(&missing).unwrap_err(), &missing),
            (read_to_string(&missing).unwrap_err(), &missing),
            (read_dir(&missing).map(drop).unwrap_err(), &missing),
            #[cfg(feature = "serve")]
            (canonicalize(&missing).unwrap_err(), &missing),
            (
                create_dir_all(&file.join("below")).unwrap_err(),
                &file.join("below"),
            ),
            (
                symlink_metadata_if_exists(&file.join("below")).unwrap_err(),
                &file.join("below"),
            ),
            (
                read_to_string_if_exists(&file.join("below")).unwrap_err(),
                &file.join("below"),
            ),
            (write_new(&file, b"y").unwrap_err(), &file),
            (
                create_dir(&missing.join("below")).unwrap_err(),
                &missing.join("below"),
            ),
            (entries_if_exists(&file).unwrap_err(), &file),
            (
                remove_file_if_exists(dir.path()).unwrap_err(),
                &dir.path().to_path_buf(),
            ),
            #[cfg(unix)]
            (sync_dir(&missing).unwrap_err(), &missing),
        ];
        for (error, expected) in errors {
            let Error::Io { path, .. } = &error else {
                panic!("{error:?}");
            };
            assert_eq!(path, expected);
        }
        assert_eq!(
            std::fs::read(&file).unwrap(),
            b"x",
            "write_new never overwrites"
        );
    }

    #[test]
    fn nothing_there_is_not_an_error_where_it_is_expected() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert!(symlink_metadata_if_exists(&missing).unwrap().is_none());
        assert_eq!(read_to_string_if_exists(&missing).unwrap(), None);
        assert!(entries_if_exists(&missing).unwrap().is_empty());
        remove_file_if_exists(&missing).unwrap();
        assert!(create_dir(&missing).unwrap());
        assert!(!create_dir(&missing).unwrap());
        write_new(&missing.join("new"), b"new").unwrap();
        assert_eq!(
            read_to_string_if_exists(&missing.join("new"))
                .unwrap()
                .as_deref(),
            Some("new")
        );
        assert_eq!(entries_if_exists(&missing).unwrap().len(), 1);
        remove_file_if_exists(&missing.join("new")).unwrap();
        assert!(!missing.join("new").exists());
    }

    #[test]
    fn reads_a_regular_file_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_regular(&path, 10).unwrap(), b"0123456789");
        let err = read_regular(&path, 9).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("limit of 9 bytes"), "{err}");
    }

    #[test]
    fn refuses_directories_devices_and_fifos_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(dir.path(), 100).unwrap_err();
        assert_eq!(err.to_string(), "is a directory, not a regular file");
        let err = read_regular(Path::new("/dev/zero"), 100).unwrap_err();
        assert_eq!(err.to_string(), "is a device, not a regular file");

        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipped the FIFO case: mkfifo is not available");
            return;
        }
        let started = Instant::now();
        let err = read_regular(&fifo, 100).unwrap_err();
        assert_eq!(
            err.to_string(),
            "is a FIFO (named pipe), not a regular file"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
