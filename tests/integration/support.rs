//! Helpers shared by the integration tests: fixtures and site
//! configuration, the binary, goldens (`UPDATE_EXPECT=1`), and outside
//! tools and validators.

use std::path::{Path, PathBuf};

/// The directory holding every fixture collection.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `feedpub` binary, ready to run in `dir`.
pub(crate) fn feedpub(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("feedpub").unwrap();
    cmd.current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    cmd
}

/// The `feedpub` binary as a plain process in `dir` (to spawn it, read its
/// output as it comes, or signal it), with the same environment as
/// [`feedpub`].
pub(crate) fn feedpub_process(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_feedpub"));
    cmd.current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    cmd
}

/// The site configuration `dir/feedpub.toml`, loaded as the binary loads it.
pub(crate) fn load_config(dir: &Path) -> feedpub::config::Config {
    feedpub::config::Config::load(&feedpub::config::Paths {
        config: Some(dir.join("feedpub.toml")),
        ..feedpub::config::Paths::default()
    })
    .unwrap()
}

/// Rewrite the site's `feedpub.toml` with `edit`, which gets its text.
pub(crate) fn edit_config(site: &Path, edit: impl FnOnce(String) -> String) {
    let config = site.join("feedpub.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, edit(text)).unwrap();
}

/// Append `text` to the site's `feedpub.toml`.
pub(crate) fn append_config(site: &Path, text: &str) {
    edit_config(site, |config| config + text);
}

/// Drop the lines of the site's `feedpub.toml` that start with `key`, then
/// append `lines` (a line or several, without the final newline).
pub(crate) fn replace_config(site: &Path, key: &str, lines: &str) {
    edit_config(site, |config| {
        let kept: String = config
            .lines()
            .filter(|l| !l.starts_with(key))
            .map(|l| format!("{l}\n"))
            .collect();
        format!("{kept}{lines}\n")
    });
}

/// Validator options for the fixture corpora: "now" is after every date in
/// them, so no date is in the future.
pub(crate) fn validator_options() -> feedpub::validate::Options {
    feedpub::validate::Options {
        now: Some("2025-01-01T00:00:00Z".parse().expect("fixed build time")),
        ..feedpub::validate::Options::default()
    }
}

/// Held for their whole run by the tests that keep the machine busy for
/// long (the 2000-article corpus, the model-based proptest) and by the one
/// whose verdict depends on timing (cron's kill test), so that in this one
/// test process no two of them overlap; every other test runs in parallel
/// as usual. A failed holder's panic does not poison it for the others.
pub(crate) fn heavy_test() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A copy of fixture `name` (without its `expected/` goldens) in a temp dir.
pub(crate) fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(name), tmp.path(), &["expected"]);
    tmp
}

/// Copy the tree `from` into `to`, skipping top-level entries in `skip`.
pub(crate) fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of fixture `name` (as [`copy_fixture`]) built by the binary with
/// `--now now`, which must succeed.
pub(crate) fn built_fixture(name: &str, now: &str) -> tempfile::TempDir {
    let site = copy_fixture(name);
    feedpub(site.path())
        .args(["build", "--now", now])
        .assert()
        .success();
    site
}

/// A running `feedpub serve`, stopped when dropped.
#[cfg(feature = "serve")]
pub(crate) struct Served {
    pub(crate) child: std::process::Child,
    /// Where it listens, `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// What it wrote to stderr so far.
    pub(crate) stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

#[cfg(feature = "serve")]
impl Served {
    /// Wait until the server `child` (stdout and stderr piped) says where it
    /// listens; its output is then read in the background, so it never
    /// blocks on a full pipe.
    pub(crate) fn listening(mut child: std::process::Child) -> Served {
        use std::io::{BufRead, BufReader};
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut sink = sink.lock().unwrap();
                sink.push_str(&line);
                sink.push('\n');
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let rest = line.split_once(" at http://")?.1;
                Some(format!("http://{}", rest.split_once('/')?.0))
            })
            .expect("serve prints its address");
        std::thread::spawn(move || lines.for_each(drop));
        Served {
            child,
            base,
            stderr,
        }
    }
}

#[cfg(feature = "serve")]
impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `feedpub serve` on a free loopback port in `dir` (with "now" at
/// 2024-05-01, the fixtures' usual), and wait until it says where it
/// listens.
#[cfg(feature = "serve")]
pub(crate) fn serve(dir: &Path, extra: &[&str]) -> Served {
    let child = feedpub_process(dir)
        .env("SOURCE_DATE_EPOCH", "1714521600")
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    Served::listening(child)
}

/// Every regular file below `dir` (relative paths, sorted), without the
/// lock files (the output's `.feedpub.lock`, the site's
/// `.feedpub-ledger.toml.lock`): they name the last run's process.
pub(crate) fn files_below(dir: &Path) -> Vec<PathBuf> {
    let is_lock = |name: &str| name.starts_with(".feedpub") && name.ends_with(".lock");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && !is_lock(&e.file_name().to_string_lossy()))
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

/// Files with their bytes, by path relative to their tree's root.
pub(crate) type Tree = std::collections::BTreeMap<PathBuf, Vec<u8>>;

/// Every file below `dir` (as [`files_below`]) with its bytes; empty when
/// `dir` does not exist.
pub(crate) fn read_tree(dir: &Path) -> Tree {
    if !dir.exists() {
        return Default::default();
    }
    files_below(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Whether this run rewrites goldens instead of checking them
/// (`UPDATE_EXPECT=1`).
fn updating_goldens() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

/// Where `expected` and `actual` first differ, in words: the line (with the
/// lines on both sides) for text, the byte offset otherwise.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    if let (Ok(want), Ok(got)) = (std::str::from_utf8(expected), std::str::from_utf8(actual)) {
        let (want, got): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        let line = (0..want.len().max(got.len()))
            .find(|&i| want.get(i) != got.get(i))
            .unwrap_or(want.len());
        let show = |lines: &[&str], i: usize| {
            lines
                .get(i)
                .map_or("(end of file)".into(), |l| format!("{l:?}"))
        };
        let before = line
            .checked_sub(1)
            .and_then(|i| want.get(i))
            .map_or(String::new(), |l| format!("  after line {line}: {l:?}\n"));
        return format!(
            "first difference at line {}:\n{before}  expected: {}\n  actual:   {}",
            line + 1,
            show(&want, line),
            show(&got, line)
        );
    }
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    format!(
        "first difference at byte {at}: expected {:?}, actual {:?} ({} and {} bytes)",
        expected.get(at),
        actual.get(at),
        expected.len(),
        actual.len()
    )
}

/// Check `actual` against the golden file `expected`, byte for byte, and
/// point at the first difference; with `UPDATE_EXPECT=1` rewrite the golden
/// instead (only when it differs).
pub(crate) fn expect_file(expected: &Path, actual: impl AsRef<[u8]>) {
    let actual = actual.as_ref();
    let want = std::fs::read(expected).ok();
    if want.as_deref() == Some(actual) {
        return;
    }
    if updating_goldens() {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(expected, actual).unwrap();
        eprintln!("updated {}", expected.display());
        return;
    }
    let Some(want) = want else {
        panic!(
            "golden file {} is missing (UPDATE_EXPECT=1 writes it)",
            expected.display()
        );
    };
    panic!(
        "output differs from the golden file {} (UPDATE_EXPECT=1 rewrites it)\n{}",
        expected.display(),
        first_difference(&want, actual)
    );
}

/// Check the tree `actual` against the golden tree `expected`: the same
/// files (lock files aside), each byte for byte. With `UPDATE_EXPECT=1` the
/// golden tree is made equal instead: changed and new files written, files
/// no longer produced removed.
pub(crate) fn expect_dir(expected: &Path, actual: &Path) {
    let produced = files_below(actual);
    let golden = if expected.is_dir() {
        files_below(expected)
    } else {
        Vec::new()
    };
    if updating_goldens() {
        for stale in golden.iter().filter(|rel| !produced.contains(rel)) {
            std::fs::remove_file(expected.join(stale)).unwrap();
            eprintln!("removed {}", expected.join(stale).display());
        }
    } else {
        let missing: Vec<_> = golden
            .iter()
            .filter(|rel| !produced.contains(rel))
            .collect();
        let new: Vec<_> = produced
            .iter()
            .filter(|rel| !golden.contains(rel))
            .collect();
        assert!(
            missing.is_empty() && new.is_empty(),
            "{} differs from the golden tree {} (UPDATE_EXPECT=1 rewrites it)\n  expected but not produced: {missing:?}\n  produced but not expected: {new:?}",
            actual.display(),
            expected.display()
        );
    }
    for rel in produced {
        expect_file(
            &expected.join(&rel),
            std::fs::read(actual.join(&rel)).unwrap(),
        );
    }
}

/// Assert that the trees `a` and `b` hold the same files with the same
/// bytes (two outputs of this run: no golden involved); `what` names the
/// comparison in the failure message.
pub(crate) fn assert_same_tree(a: &Path, b: &Path, what: &str) {
    let files = files_below(a);
    assert_eq!(
        files,
        files_below(b),
        "{what}: {} and {} hold different files",
        a.display(),
        b.display()
    );
    for rel in files {
        let (left, right) = (
            std::fs::read(a.join(&rel)).unwrap(),
            std::fs::read(b.join(&rel)).unwrap(),
        );
        assert!(
            left == right,
            "{what}: {} differs between {} and {}\n{}",
            rel.display(),
            a.display(),
            b.display(),
            first_difference(&left, &right)
        );
    }
}

/// Whether an outside tool can be used: it starts, and `probe` (when not
/// empty) runs successfully. In CI (`CI=true`) a missing tool is a failure,
/// never a silent skip; locally the test prints why it skips.
pub(crate) fn have_tool(program: &str, probe: &[&str]) -> bool {
    let ok = std::process::Command::new(program)
        .args(probe)
        .output()
        .is_ok_and(|o| probe.is_empty() || o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is required in CI but is not installed (see .ci/run)"
        );
        eprintln!("skipped: {program} is not installed");
    }
    ok
}

/// Make a FIFO at `path`, replacing any file there; `false` (a skip, a
/// failure in CI) without mkfifo.
pub(crate) fn mkfifo(path: &Path) -> bool {
    let _ = std::fs::remove_file(path);
    have_tool("mkfifo", &["--version"])
        && std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success()
}

/// Run `program` with `args`, asserting it succeeds; its output is shown
/// on failure.
pub(crate) fn run_ok(program: &str, args: &[&std::ffi::OsStr]) {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every outside validator that is installed accepts these feeds: xmllint
/// (well-formed XML), jing with the RFC 4287 schema (the Atom ones), and
/// Python feedparser (no `bozo` flag).
pub(crate) fn assert_outside_validators_accept(feeds: &[PathBuf]) {
    let files: Vec<&std::ffi::OsStr> = feeds.iter().map(|f| f.as_os_str()).collect();
    if have_tool("xmllint", &["--version"]) {
        run_ok(
            "xmllint",
            &[&[std::ffi::OsStr::new("--noout")], &files[..]].concat(),
        );
    }
    if have_tool("jing", &[]) {
        let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/atom.rnc");
        let atoms = feeds
            .iter()
            .filter(|f| f.ends_with("atom.xml"))
            .map(|f| f.as_os_str());
        let args: Vec<&std::ffi::OsStr> = [std::ffi::OsStr::new("-c"), schema.as_os_str()]
            .into_iter()
            .chain(atoms)
            .collect();
        run_ok("jing", &args);
    }
    if have_tool("python3", &["-c", "import feedparser"]) {
        let script = "import sys, feedparser\nbad = [(f, str(r.bozo_exception)) for f in sys.argv[1:] for r in [feedparser.parse(f)] if r.bozo]\nprint(bad)\nsys.exit(1 if bad else 0)\n";
        let args: Vec<&std::ffi::OsStr> =
            [std::ffi::OsStr::new("-c"), std::ffi::OsStr::new(script)]
                .into_iter()
                .chain(files.iter().copied())
                .collect();
        run_ok("python3", &args);
    }
}
