//! The run lock: one build at a time in an output directory.
//!
//! Cron may start a run while the last one is still going; the second
//! waits a while for the first, then gives up naming who holds the lock.

use std::fmt;
use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};

use crate::error::{Error, Result};

/// The name of the lock file [`RunLock`] takes in the output directory.
pub(crate) const LOCK_FILE_NAME: &str = ".feedpub.lock";

/// How often [`RunLock::acquire`] retries while another run holds the lock.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// The advisory lock that lets one build run at a time in an output directory.
///
/// The lock is held until this value is dropped. It is an OS file lock, so the
/// OS releases it when the process dies: a lock file left behind by a crashed
/// run never blocks the next one.
#[derive(Debug)]
pub(crate) struct RunLock {
    file: File,
    path: PathBuf,
}

impl RunLock {
    /// Take the lock file `<dir>/.feedpub.lock`, waiting up to `wait` for another run to finish.
    ///
    /// Creates `dir` if needed. Once the lock is taken, the file is rewritten
    /// with a line naming this run ("pid 1234 on host, since
    /// 2026-11-27T21:00:00Z"), which a blocked run reports in
    /// [`LockError::Busy`].
    pub(crate) fn acquire(dir: &Path, wait: Duration) -> Result<RunLock, LockError> {
        crate::files::create_dir_all(dir)?;
        RunLock::acquire_file(&dir.join(LOCK_FILE_NAME), wait)
    }

    /// Take the lock file at `path` (its directory must exist), waiting up
    /// to `wait` for another run to finish; see [`RunLock::acquire`].
    ///
    /// The file is never opened through a symbolic link, and must be a
    /// regular file: a planted link cannot make a run overwrite (or create)
    /// a file elsewhere.
    pub(crate) fn acquire_file(path: &Path, wait: Duration) -> Result<RunLock, LockError> {
        let path = path.to_path_buf();
        let mut file = open_lock_file(&path).map_err(|e| Error::io(&path, e))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let waited = start.elapsed();
                    if waited >= wait {
                        let holder = read_holder(&mut file);
                        return Err(LockError::Busy { holder, waited });
                    }
                    thread::sleep(LOCK_POLL.min(wait - waited));
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e).into()),
            }
        }
        write_holder(&mut file, &holder_line()).map_err(|e| Error::io(&path, e))?;
        Ok(RunLock { file, path })
    }

    /// The lock file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first is
        // explicit and cannot fail in a way worth reporting. The file is kept:
        // deleting it would let two runs lock two different inodes.
        let _ = self.file.unlock();
    }
}

/// Open (or create) a lock file for reading and writing, never through a
/// symbolic link, and only if it is a regular file. Not truncated: the text
/// belongs to whoever holds the lock.
fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = File::options();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return io::Error::new(
                io::ErrorKind::InvalidInput,
                "the lock file is a symbolic link; feedpub never follows one there: delete the link",
            );
        }
        e
    })?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the lock file is not a regular file: delete it",
        ));
    }
    Ok(file)
}

/// Describe this run: "pid 1234 on host, since 2026-11-27T21:00:00Z".
fn holder_line() -> String {
    format!(
        "pid {} on {}, since {}",
        std::process::id(),
        hostname(),
        Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// The machine's host name, or "unknown host" when it cannot be read.
fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|source| fs::read_to_string(source).ok())
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned())
}

/// Replace the lock file's contents with `holder`.
fn write_holder(file: &mut File, holder: &str) -> io::Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(holder.as_bytes())?;
    file.write_all(b"\n")?;
    file.flush()
}

/// What the current holder wrote into the lock file, for the Busy message.
/// The holder may be between taking the lock and writing its line: an
/// empty file is read again for up to [`HOLDER_WAIT`].
fn read_holder(file: &mut File) -> String {
    let start = Instant::now();
    loop {
        let mut text = String::new();
        let read = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut text));
        match read {
            Ok(_) if !text.trim().is_empty() => return text.trim().to_owned(),
            _ if start.elapsed() < HOLDER_WAIT => thread::sleep(HOLDER_WAIT / 20),
            _ => return "an unknown holder".to_owned(),
        }
    }
}

/// How long an empty lock file is read again for its holder's line.
const HOLDER_WAIT: Duration = Duration::from_millis(200);

/// Why the lock could not be taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another run held the lock for the whole wait.
    Busy {
        /// What the holder wrote into the lock file.
        holder: String,
        /// How long this run waited before giving up.
        waited: Duration,
    },
    /// The lock file or its directory could not be created or locked.
    Io(Error),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Busy { holder, waited } => write!(
                f,
                "another feedpub build is running in this output directory ({holder}); \
                 gave up after {:.1} s",
                waited.as_secs_f64()
            ),
            LockError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LockError::Busy { .. } => None,
            LockError::Io(e) => Some(e),
        }
    }
}

impl From<Error> for LockError {
    fn from(e: Error) -> Self {
        LockError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_is_never_opened_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("feeds");
        fs::create_dir(&out).expect("mkdir");
        let outside = dir.path().join("outside");
        fs::write(&outside, b"precious").expect("seed");
        let dangling = dir.path().join("created-by-a-dangling-link");
        for target in [&outside, &dangling] {
            let _ = fs::remove_file(out.join(LOCK_FILE_NAME));
            std::os::unix::fs::symlink(target, out.join(LOCK_FILE_NAME)).expect("symlink");

            let err = RunLock::acquire(&out, Duration::ZERO).expect_err("must refuse");

            assert!(err.to_string().contains("is a symbolic link"), "{err}");
        }
        assert_eq!(fs::read(&outside).expect("read"), b"precious");
        assert!(!dangling.exists());
    }

    #[test]
    fn second_lock_is_busy_with_the_holder_text_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let first = RunLock::acquire(&out, Duration::ZERO).expect("first lock");
        let written = fs::read_to_string(first.path()).expect("read the lock file");
        let first_holder = written.strip_suffix('\n').expect("one line");
        assert!(first_holder.starts_with(&format!("pid {} on ", std::process::id())));
        assert_eq!(first.path(), out.join(LOCK_FILE_NAME));

        let busy_out = out.clone();
        let busy = thread::spawn(move || RunLock::acquire(&busy_out, Duration::from_millis(200)))
            .join()
            .expect("thread");
        match busy {
            Err(LockError::Busy { holder, waited }) => {
                assert_eq!(holder, first_holder);
                assert!(waited >= Duration::from_millis(200), "{waited:?}");
            }
            other => panic!("expected Busy, got {other:?}"),
        }

        drop(first);
        let again_out = out.clone();
        let again = thread::spawn(move || RunLock::acquire(&again_out, Duration::ZERO))
            .join()
            .expect("thread");
        assert!(again.is_ok(), "{again:?}");
    }

    /// Found by the cron test under load: the loser read the lock file
    /// between the winner's lock and its holder line, and said "an unknown
    /// holder".
    #[test]
    fn a_holder_that_has_locked_but_not_yet_written_is_still_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOCK_FILE_NAME);
        let winner = File::create(&path).expect("lock file");
        winner.try_lock().expect("winner locks");
        let writer = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            let mut winner = winner;
            write_holder(&mut winner, "pid 42 on racer, since now").expect("write");
            thread::sleep(Duration::from_millis(500));
        });
        match RunLock::acquire_file(&path, Duration::ZERO) {
            Err(LockError::Busy { holder, .. }) => {
                assert_eq!(holder, "pid 42 on racer, since now");
            }
            other => panic!("expected Busy, got {other:?}"),
        }
        writer.join().expect("writer");
    }

    #[test]
    fn lock_file_left_by_a_dead_process_does_not_block() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stale = "pid 999999 on gone-host, since 2020-01-01T00:00:00Z\nmore junk\n";
        fs::write(dir.path().join(LOCK_FILE_NAME), stale).expect("seed");

        let _lock = RunLock::acquire(dir.path(), Duration::ZERO).expect("lock");

        let text = fs::read_to_string(dir.path().join(LOCK_FILE_NAME)).expect("read");
        let holder = format!("pid {} on ", std::process::id());
        assert!(
            text.starts_with(&holder) && text.contains(", since "),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.ends_with('\n'), "{text}");
    }

    #[test]
    fn busy_message_names_the_holder_and_the_wait() {
        let err = LockError::Busy {
            holder: "pid 1234 on web1, since 2026-11-27T21:00:00Z".to_owned(),
            waited: Duration::from_millis(1500),
        };
        assert_eq!(
            err.to_string(),
            "another feedpub build is running in this output directory \
             (pid 1234 on web1, since 2026-11-27T21:00:00Z); gave up after 1.5 s"
        );
    }
}
