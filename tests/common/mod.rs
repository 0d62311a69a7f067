//! Helpers shared by the integration tests: fixtures, the binary, goldens,
//! and outside tools.
#![allow(dead_code, unreachable_pub)] // each test crate uses its own subset of these helpers

use std::path::{Path, PathBuf};

/// The directory holding every fixture collection.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `feedpub` binary, ready to run in `dir`.
pub fn feedpub(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("feedpub").unwrap();
    cmd.current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    cmd
}

/// A copy of fixture `name` (without its `expected/` goldens) in a temp dir.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(name), tmp.path(), &["expected"]);
    tmp
}

/// Copy the tree `from` into `to`, skipping top-level entries in `skip`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
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

/// Every regular file below `dir` (relative paths, sorted), without the
/// lock files (`.feedpub.lock` in the output, `.feedpub-ledger.toml.lock`
/// beside the ledger), which name the last run.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let is_lock = |name: &std::ffi::OsStr| {
        let name = name.to_string_lossy();
        name.starts_with(".feedpub") && name.ends_with(".lock")
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && !is_lock(e.file_name()))
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

/// Compare the tree `actual` with the golden tree `expected`, byte for byte.
/// With `SNAPSHOTS=overwrite` the golden tree is rewritten instead.
pub fn assert_same_tree(actual: &Path, expected: &Path) {
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        let _ = std::fs::remove_dir_all(expected);
        std::fs::create_dir_all(expected).unwrap();
        for rel in files_below(actual) {
            let target = expected.join(&rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(actual.join(&rel), target).unwrap();
        }
        return;
    }
    assert_eq!(
        files_below(actual),
        files_below(expected),
        "different files in {} and {} (SNAPSHOTS=overwrite regenerates goldens)",
        actual.display(),
        expected.display()
    );
    for rel in files_below(expected) {
        let want = std::fs::read_to_string(expected.join(&rel)).unwrap();
        let got = std::fs::read_to_string(actual.join(&rel)).unwrap();
        assert!(
            want == got,
            "{} differs from its golden (SNAPSHOTS=overwrite regenerates goldens)\n--- expected\n{want}\n--- actual\n{got}",
            rel.display()
        );
    }
}

/// Compare text with a golden file (or rewrite it with `SNAPSHOTS=overwrite`).
pub fn assert_golden_text(actual: &str, expected: &Path) {
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap();
    assert_eq!(
        actual,
        want,
        "differs from {} (SNAPSHOTS=overwrite regenerates)",
        expected.display()
    );
}

/// Whether an outside tool can be used: it starts, and `probe` (when not
/// empty) runs successfully. In CI (`CI=true`) a missing tool is a failure,
/// never a silent skip; locally the test prints why it skips.
pub fn have_tool(program: &str, probe: &[&str]) -> bool {
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

/// Run `program` with `args`, asserting it succeeds; its output is shown
/// on failure.
pub fn run_ok(program: &str, args: &[&std::ffi::OsStr]) {
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
pub fn assert_outside_validators_accept(feeds: &[PathBuf]) {
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
