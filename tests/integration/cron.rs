//! Cron safety (issue 5), with the real binary: builds killed at any
//! instant, two builds at once, rebuilds that touch only what changed, and
//! write failures (read-only directory, immutable directory, full disk) that
//! leave every published feed as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use feedpub::build::{BuildOptions, build_with};
use feedpub::progress::{Progress, Stage};
use predicates::prelude::*;

const NOW: &str = "2026-01-01T00:00:00Z";
const BASIC_NOW: &str = "2024-05-01T00:00:00Z";

/// Whether `name` is one of write.rs's temporary files (`.feedpub-*.tmp`).
fn is_temp(name: &str) -> bool {
    name.starts_with(".feedpub-") && name.ends_with(".tmp")
}

/// `shared/bench/gen_corpus.py`: beside the repository (CI puts a copy of
/// shared/ there, `../shared`), or beside a parent directory when the
/// repository is a git worktree. Missing: a failure in CI, a skip locally.
fn corpus_generator() -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/bench/gen_corpus.py"))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "../shared/bench/gen_corpus.py is required in CI but is missing"
        );
        eprintln!("skipped: ../shared/bench/gen_corpus.py not found beside the repository");
    }
    found
}

/// A generated site (`feedpub.toml` and `content/`) of `articles` articles.
fn corpus(articles: u32) -> Option<tempfile::TempDir> {
    let generator = corpus_generator()?;
    if !have_tool("python3", &["--version"]) {
        return None;
    }
    let site = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(generator)
        .args(["--articles", &articles.to_string(), "--out"])
        .arg(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "gen_corpus.py failed");
    Some(site)
}

/// `feedpub build` in `site` from `content` into `out`, as a plain process.
fn build_command(site: &Path, content: &str, out: &Path) -> Command {
    let mut cmd = feedpub_process(site);
    cmd.env_remove("RUST_LOG")
        .args(["build", "--now", NOW, "--content", content, "--out"])
        .arg(out);
    cmd
}

fn build_ok(site: &Path, content: &str, out: &Path) {
    let output = build_command(site, content, out).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Edit every third article and add 25 new ones, newest of all and spread
/// over many categories and countries, so that most feeds change.
fn change_content(content: &Path) {
    let articles: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    for path in articles.iter().step_by(3) {
        let mut text = std::fs::read_to_string(path).unwrap();
        text.push_str("\n\n*Correction:* an earlier version of this report misspelt a name.\n");
        std::fs::write(path, text).unwrap();
    }
    let categories = [
        "Economy",
        "Politics",
        "Energy",
        "Migration",
        "Water & Climate",
        "Health",
        "Culture",
        "Technology",
    ];
    let countries = [
        "Tajikistan",
        "Kyrgyzstan",
        "Kazakhstan",
        "Uzbekistan",
        "Turkmenistan",
        "Afghanistan",
        "Russia",
        "China",
        "Iran",
    ];
    let dir = content.join("2025/12");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..25 {
        let text = format!(
            "---\ntitle: \"Late update {i}\"\ndate: 2025-12-31T{:02}:00:00Z\n\
             categories: [\"{}\"]\ncountries: [\"{}\"]\n---\nNews number {i}.\n",
            i % 24,
            categories[i % categories.len()],
            countries[i % countries.len()],
        );
        std::fs::write(dir.join(format!("late-update-{i}.md")), text).unwrap();
    }
}

/// Replace `out` with the published tree `published`, as hard links: fast,
/// and safe because feedpub never writes a file in place (the test checks
/// that `published` keeps its bytes after every run).
fn restore(published: &Path, out: &Path) {
    if out.exists() {
        std::fs::remove_dir_all(out).unwrap();
    }
    for entry in walkdir::WalkDir::new(published) {
        let entry = entry.unwrap();
        if entry.file_name() == ".feedpub.lock" {
            continue;
        }
        let target = out.join(entry.path().strip_prefix(published).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::hard_link(entry.path(), &target).unwrap();
        }
    }
}

/// When a build was killed, relative to its write phase, judged from its
/// output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Landed {
    /// Every file still old: killed before writing.
    Before,
    /// Temporary files, or old and new files side by side: killed while writing.
    During,
    /// Every file new: killed after writing, or the build had finished.
    After,
}

/// Check the state a killed build left in `out` and say where it was killed:
/// every file is byte for byte its old or its new version, nothing published
/// is missing, and the only other files are temporary ones not named `.xml`.
fn judge(out: &Path, old: &Tree, new: &Tree, what: &str) -> Landed {
    let (mut olds, mut news, mut temps) = (0, 0, 0);
    let mut seen = BTreeSet::new();
    for rel in files_below(out) {
        let name = rel.file_name().unwrap().to_string_lossy().into_owned();
        if is_temp(&name) {
            assert!(!name.ends_with(".xml"), "{what}: temporary file {name}");
            temps += 1;
            continue;
        }
        let bytes = std::fs::read(out.join(&rel)).unwrap();
        let is_old = old.get(&rel) == Some(&bytes);
        let is_new = new.get(&rel) == Some(&bytes);
        assert!(
            is_old || is_new,
            "{what}: {} is neither its old nor its new version ({} bytes)",
            rel.display(),
            bytes.len()
        );
        if !is_new {
            olds += 1;
        }
        if !is_old {
            news += 1;
        }
        seen.insert(rel);
    }
    for rel in old.keys() {
        assert!(seen.contains(rel), "{what}: {} disappeared", rel.display());
    }
    if temps > 0 || (olds > 0 && news > 0) {
        Landed::During
    } else if news == 0 {
        Landed::Before
    } else {
        Landed::After
    }
}

#[test]
fn builds_killed_at_any_moment_leave_each_feed_old_or_new() {
    const KILLS_OVER_RUN: u32 = 20;
    const KILLS_IN_WRITE: u32 = 30;
    const KILLS: u32 = KILLS_OVER_RUN + KILLS_IN_WRITE;
    let _heavy = heavy_test();
    let Some(site) = corpus(100) else { return };
    let site = site.path();
    copy_tree(&site.join("content"), &site.join("content-b"), &[]);
    change_content(&site.join("content-b"));

    // Version A is what is published; version B what the killed builds write.
    let (a, b, out) = (site.join("a"), site.join("b"), site.join("out"));
    build_ok(site, "content", &a);
    build_ok(site, "content-b", &b);
    let (old, new) = (read_tree(&a), read_tree(&b));
    // Every version of every file parses strictly once, so below a byte
    // comparison with a version is also a strict parse.
    for (rel, bytes) in old.iter().chain(&new) {
        if rel.extension().is_some_and(|e| e == "html") {
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap();
        if rel.extension().is_some_and(|e| e == "json") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                panic!("{}: {e}", rel.display());
            }
        } else if let Err(e) = roxmltree::Document::parse(text) {
            panic!("{}: {e}", rel.display());
        }
    }
    let changed = new
        .iter()
        .filter(|(rel, b)| old.get(*rel) != Some(b))
        .count();
    assert!(
        changed * 4 > new.len() * 3,
        "only {changed} of {} feed files change from A to B",
        new.len()
    );

    // One uninterrupted A -> B run sets the time scale of the kills; its
    // debug log says when the write phase starts.
    restore(&a, &out);
    let started = Instant::now();
    let mut run = build_command(site, "content-b", &out)
        .env("RUST_LOG", "feedpub=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = BufReader::new(run.stderr.take().unwrap());
    let mut writing_from = None;
    for line in log.lines() {
        if writing_from.is_none() && line.unwrap().contains("validated feeds") {
            writing_from = Some(started.elapsed());
        }
    }
    assert!(run.wait().unwrap().success());
    let full = started.elapsed();
    assert!(
        read_tree(&a) == old,
        "a build wrote a published file in place"
    );
    let writing_from = writing_from.expect("no \"validated feeds\" debug line");
    assert_eq!(read_tree(&out), new);

    // Kills spread over the whole run from its start, then more spread over
    // the write phase from the moment the build logs that it begins.
    let writing = full.saturating_sub(writing_from);
    let kills = (0..KILLS_OVER_RUN)
        .map(|i| (false, full * i / KILLS_OVER_RUN))
        .chain((0..KILLS_IN_WRITE).map(|i| (true, writing * i / KILLS_IN_WRITE)));
    let mut landed: BTreeMap<Landed, u32> = BTreeMap::new();
    for (i, (in_write, delay)) in kills.enumerate() {
        restore(&a, &out);
        let mut child = build_command(site, "content-b", &out)
            .args(["--wait", "0"])
            .env("RUST_LOG", "feedpub=debug")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap());
        if in_write {
            let mut line = String::new();
            while log.read_line(&mut line).unwrap() > 0 && !line.contains("validated feeds") {
                line.clear();
            }
        }
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no cleanup, exactly like `kill -9`.
        child.kill().unwrap();
        child.wait().unwrap();
        drop(log);
        let what = format!("kill {i} after {delay:?} (from the write phase: {in_write})");
        *landed.entry(judge(&out, &old, &new, &what)).or_default() += 1;
        assert!(read_tree(&a) == old, "{what}: wrote a file in place");
    }
    eprintln!(
        "{KILLS} kills, a whole run taking {full:?} of which writing {writing:?}: {} before the write phase, {} during it, {} after it",
        landed.get(&Landed::Before).unwrap_or(&0),
        landed.get(&Landed::During).unwrap_or(&0),
        landed.get(&Landed::After).unwrap_or(&0),
    );
    assert!(
        landed.get(&Landed::During).is_some_and(|n| *n >= 3),
        "too few kills landed while files were written: {landed:?}"
    );

    // After the last kill, the next run is not blocked by the dead run's
    // lock, publishes B, and clears the dead runs' temporary files.
    std::fs::write(out.join("categories/.feedpub-Xy12Zq.tmp"), b"<rss").unwrap();
    let output = build_command(site, "content-b", &out)
        .args(["--wait", "0"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(read_tree(&out), new);
}

/// Run two builds of the same site into one directory at the same instant.
fn two_builds_at_once(site: &Path, out: &Path, extra: &[&str]) -> [(u32, Output); 2] {
    let spawn = || {
        build_command(site, "content", out)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let ids = (first.id(), second.id());
    [
        (ids.0, first.wait_with_output().unwrap()),
        (ids.1, second.wait_with_output().unwrap()),
    ]
}

#[test]
fn two_builds_at_once_one_waits_and_the_result_is_a_single_build() {
    let Some(site) = corpus(100) else { return };
    let site = site.path();
    let (reference, out) = (site.join("reference"), site.join("out"));
    build_ok(site, "content", &reference);

    // Long enough for the first build on a loaded machine: this test is
    // about waiting, not about the default timeout.
    let runs = two_builds_at_once(site, &out, &["--wait", "300"]);

    let summaries: Vec<String> = runs
        .iter()
        .map(|(_, output)| {
            assert!(output.status.success(), "{output:?}");
            String::from_utf8(output.stdout.clone()).unwrap()
        })
        .collect();
    // Whoever got the lock second found every file already right.
    let idle = summaries
        .iter()
        .filter(|s| s.contains(": 0 written,"))
        .count();
    assert_eq!(idle, 1, "{summaries:?}");
    assert_eq!(read_tree(&out), read_tree(&reference));
}

#[test]
fn two_builds_at_once_without_waiting_one_reports_the_holder() {
    let Some(site) = corpus(100) else { return };
    let site = site.path();
    let (reference, out) = (site.join("reference"), site.join("out"));
    build_ok(site, "content", &reference);

    let runs = two_builds_at_once(site, &out, &["--wait", "0"]);

    let codes: Vec<i32> = runs.iter().map(|(_, o)| o.status.code().unwrap()).collect();
    match codes.as_slice() {
        // They did not overlap after all: both published.
        [0, 0] => eprintln!("the two builds did not overlap"),
        [0, 3] | [3, 0] => {
            let winner = runs.iter().find(|(_, o)| o.status.success()).unwrap().0;
            let loser = &runs.iter().find(|(_, o)| !o.status.success()).unwrap().1;
            let stderr = String::from_utf8_lossy(&loser.stderr);
            assert!(
                stderr.contains(&format!(
                    "another feedpub build is running in this output directory (pid {winner} on "
                )),
                "{stderr}"
            );
            assert!(loser.stdout.is_empty());
        }
        other => panic!("unexpected exit codes {other:?}: {runs:?}"),
    }
    assert_eq!(read_tree(&out), read_tree(&reference));
}

/// Bytes, mtime and inode of every file below `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    files_below(dir)
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let meta = std::fs::metadata(&path).unwrap();
            let state = (
                std::fs::read(&path).unwrap(),
                meta.modified().unwrap(),
                meta.ino(),
            );
            (rel, state)
        })
        .collect()
}

#[test]
fn rebuilds_rewrite_exactly_the_feeds_whose_articles_changed() {
    let site = copy_fixture("basic");
    let feeds = site.path().join("feeds");
    let build = || {
        feedpub(site.path())
            .args(["build", "--now", BASIC_NOW])
            .assert()
    };
    build().success();
    let first = snapshot(&feeds);

    build().success().stdout(predicate::str::contains(
        "35 files: 0 written, 35 unchanged",
    ));
    assert_eq!(
        snapshot(&feeds),
        first,
        "an unchanged rebuild touched files"
    );

    let article = site.path().join("content/2024/03/iskp-threat.md");
    let mut text = std::fs::read_to_string(&article).unwrap();
    text.push_str("\nUpdate: officials confirmed the report.\n");
    std::fs::write(&article, text).unwrap();
    build().success().stdout(predicate::str::contains(
        "35 files: 9 written, 26 unchanged",
    ));
    let second = snapshot(&feeds);

    let rewritten: BTreeSet<String> = second
        .iter()
        .filter(|(rel, now)| first[*rel] != **now)
        .map(|(rel, _)| rel.to_string_lossy().into_owned())
        .collect();
    // The article is in its category's and its countries' feeds (the site
    // feeds hold only the newest three). The index shows publication dates
    // and headlines, which an edit of the body does not change.
    let expected: BTreeSet<String> = [
        "categories/national-security/rss.xml",
        "categories/national-security/atom.xml",
        "categories/national-security/feed.json",
        "countries/tajikistan/rss.xml",
        "countries/tajikistan/atom.xml",
        "countries/tajikistan/feed.json",
        "countries/russia/rss.xml",
        "countries/russia/atom.xml",
        "countries/russia/feed.json",
    ]
    .map(String::from)
    .into();
    assert_eq!(rewritten, expected);
    // ... which are exactly the feeds that held it before the edit.
    let holding: BTreeSet<String> = first
        .iter()
        .filter(|(rel, _)| rel.extension().is_some_and(|e| e == "xml" || e == "json"))
        .filter(|(_, (bytes, _, _))| {
            String::from_utf8_lossy(bytes).contains("https://news.example.org/2024/03/iskp-threat/")
        })
        .map(|(rel, _)| rel.to_string_lossy().into_owned())
        .collect();
    let feeds_rewritten: BTreeSet<String> = expected
        .iter()
        .filter(|f| f.ends_with(".xml") || f.ends_with(".json"))
        .cloned()
        .collect();
    assert_eq!(holding, feeds_rewritten);
    // Each rewritten file changed bytes, mtime and inode (a rename); the rest none.
    for rel in &expected {
        let (before, after) = (&first[Path::new(rel)], &second[Path::new(rel)]);
        assert_ne!(before.0, after.0, "{rel}");
        assert_ne!(before.2, after.2, "{rel}");
    }
}

/// Run a privileged setup command. `false`, with the reason printed, when
/// this machine does not allow it (e.g. no CAP_SYS_ADMIN in a container); a
/// command that is not installed fails in CI like any missing tool.
fn privileged(program: &str, args: &[&str]) -> bool {
    match Command::new(program).args(args).output() {
        Ok(output) if output.status.success() => true,
        Ok(output) => {
            eprintln!(
                "skipped: `{program} {}` is not permitted here: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
            false
        }
        Err(_) => have_tool(program, &[]),
    }
}

/// Undoes a setup command when dropped, even when the test fails.
struct Undo(&'static str, Vec<String>);

impl Drop for Undo {
    fn drop(&mut self) {
        let _ = Command::new(self.0).args(&self.1).status();
    }
}

/// Build the basic fixture in `site`, then edit one article so every later
/// build wants to rewrite 8 feeds; returns the published tree.
fn publish_then_edit(site: &Path) -> Tree {
    feedpub(site)
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .success();
    let published = read_tree(&site.join("feeds"));
    let article = site.join("content/2024/03/iskp-threat.md");
    let mut text = std::fs::read_to_string(&article).unwrap();
    // Large, so the new feeds cannot fit in a nearly full disk.
    text.push_str(&"\nA long correction paragraph, repeated. ".repeat(2000));
    std::fs::write(&article, text).unwrap();
    published
}

/// A failed build exits 4, names `path` and the cause, and leaves every
/// published feed as it was, with no temporary file.
fn assert_failed_cleanly(site: &Path, published: &Tree, path: &str, cause: &str) {
    let feeds = site.join("feeds");
    feedpub(site)
        .args(["build", "--now", BASIC_NOW, "--wait", "0"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(path).and(predicate::str::contains(cause)));
    let now = read_tree(&feeds);
    for (rel, bytes) in published {
        assert!(now.get(rel) == Some(bytes), "{} changed", rel.display());
    }
    let temps: Vec<_> = now
        .keys()
        .filter(|rel| is_temp(&rel.file_name().unwrap().to_string_lossy()))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

#[test]
fn read_only_output_directory_fails_naming_the_path_and_keeps_the_feeds() {
    let site = copy_fixture("basic");
    let published = publish_then_edit(site.path());
    let feeds = site.path().join("feeds");
    let feeds_arg = feeds.to_string_lossy().into_owned();
    // As root, permissions do not stop writes: a read-only bind mount does.
    if !privileged("mount", &["--bind", &feeds_arg, &feeds_arg]) {
        return;
    }
    let _unmount = Undo("umount", vec!["-l".into(), feeds_arg.clone()]);
    if !privileged("mount", &["-o", "remount,bind,ro", &feeds_arg]) {
        return;
    }
    // The lock file is the first thing a build writes.
    assert_failed_cleanly(
        site.path(),
        &published,
        "feeds/.feedpub.lock",
        "Read-only file system",
    );
}

#[test]
fn unwritable_feed_directory_fails_before_any_feed_is_replaced() {
    let site = copy_fixture("basic");
    let published = publish_then_edit(site.path());
    // The site feeds are staged first; the country's directory refuses.
    let blocked = site.path().join("feeds/countries/russia");
    let blocked_arg = blocked.to_string_lossy().into_owned();
    if !privileged("chattr", &["+i", &blocked_arg]) {
        return;
    }
    let _mutable = Undo("chattr", vec!["-i".into(), blocked_arg]);
    assert_failed_cleanly(
        site.path(),
        &published,
        "feeds/countries/russia/rss.xml",
        "cannot create a temporary file",
    );
}

#[test]
fn full_disk_fails_naming_the_path_and_keeps_the_feeds() {
    let site = copy_fixture("basic");
    let feeds = site.path().join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    let feeds_arg = feeds.to_string_lossy().into_owned();
    if !privileged(
        "mount",
        &["-t", "tmpfs", "-o", "size=1m", "tmpfs", &feeds_arg],
    ) {
        return;
    }
    let _unmount = Undo("umount", vec!["-l".into(), feeds_arg]);
    let mut published = publish_then_edit(site.path());
    // Fill the disk, then free 200 KiB: room for the lock file and the two
    // site feeds (about 85 KiB each after the edit), not for the others.
    let filler_path = feeds.join("filler");
    let mut filler = std::fs::File::create(&filler_path).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    let size = filler.metadata().unwrap().len();
    filler.set_len(size.saturating_sub(200 * 1024)).unwrap();
    drop(filler);
    // The filler is not feedpub's: it is left alone too.
    published.insert(
        PathBuf::from("filler"),
        std::fs::read(&filler_path).unwrap(),
    );

    assert_failed_cleanly(
        site.path(),
        &published,
        // Whichever file meets the full disk first is named.
        "feeds/",
        "No space left on device",
    );
}

/// Records what a build reports about its progress.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(Stage, Option<u64>, u64)>>);

impl Progress for Recorder {
    fn stage(&self, stage: Stage, total: Option<u64>) {
        self.0.lock().unwrap().push((stage, total, 0));
    }

    fn step(&self) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.2 += 1;
        }
    }
}

#[test]
fn a_build_reports_each_stage_and_every_step() {
    let site = copy_fixture("basic");
    let config = load_config(site.path());
    let options = BuildOptions {
        now: BASIC_NOW.parse().unwrap(),
        dry_run: false,
        strict: false,
        lock_wait: Duration::ZERO,
        allow_shrink: false,
        ping: false,
    };
    let recorder = Recorder::default();

    let report = build_with(&config, &options, &recorder).unwrap();

    assert_eq!(report.written.len(), 35);
    assert_eq!(
        recorder.0.into_inner().unwrap(),
        [
            (Stage::Load, None, 0),
            // Render, validate and stage, a batch of feeds at a time.
            (Stage::Render, Some(11), 11),
            // Every file is new: 33 feed files plus feeds.opml and index.html.
            (Stage::Write, Some(35), 35),
        ]
    );
}

// Issue 11: the ledger, the lock and the paths feedpub writes.

/// The ledger's bytes, or `None` when there is no ledger.
fn ledger_of(site: &Path) -> Option<Vec<u8>> {
    std::fs::read(site.join("feedpub-ledger.toml")).ok()
}

#[test]
fn a_rename_failing_mid_commit_leaves_the_ledger_as_it_was() {
    let site = copy_fixture("basic");
    let published = publish_then_edit(site.path());
    let ledger = ledger_of(site.path());
    assert!(ledger.is_some(), "the first build wrote the ledger");
    // An immutable feed: staging beside it works, replacing it does not, so
    // the failure comes after the site feeds were renamed into place.
    let blocked = site.path().join("feeds/countries/russia/rss.xml");
    let blocked_arg = blocked.to_string_lossy().into_owned();
    if !privileged("chattr", &["+i", &blocked_arg]) {
        return;
    }
    let _mutable = Undo("chattr", vec!["-i".into(), blocked_arg]);

    feedpub(site.path())
        .args(["build", "--now", "2024-05-02T00:00:00Z", "--wait", "0"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("feeds/countries/russia/rss.xml"));

    assert!(
        ledger_of(site.path()) == ledger,
        "the ledger changed although the publish failed"
    );
    assert_eq!(
        read_tree(&site.path().join("feeds")).get(Path::new("countries/russia/rss.xml")),
        published.get(Path::new("countries/russia/rss.xml"))
    );
}

#[test]
fn a_fifo_at_the_ledger_cache_or_config_path_does_not_hang_the_build() {
    // (file, exit code, what stderr must say)
    let cases = [
        (
            "feedpub-ledger.toml",
            2,
            "the ledger is a FIFO (named pipe), not a regular file",
        ),
        (
            "feedpub.toml",
            2,
            "is a FIFO (named pipe), not a regular file",
        ),
        // The cache is only an optimization: ignored, then replaced.
        (".feedpub-cache", 0, ""),
    ];
    for (file, code, message) in cases {
        let site = built_fixture("basic", BASIC_NOW);
        if !mkfifo(&site.path().join(file)) {
            return;
        }
        feedpub(site.path())
            .args(["build", "--now", BASIC_NOW, "--wait", "0"])
            .timeout(Duration::from_secs(60))
            .assert()
            .code(code)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn an_unreadable_ledger_is_a_configuration_error_naming_the_ledger() {
    let site = copy_fixture("basic");
    let ledger = site.path().join("feedpub-ledger.toml");
    std::fs::write(&ledger, b"[articles.\"a.md\"]\nid = \"caf\xe9\"\n").unwrap();
    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "feedpub-ledger.toml:2:10: error[CorruptLedger]: the ledger is corrupt: it is not valid UTF-8",
        ));

    std::fs::remove_file(&ledger).unwrap();
    append_config(site.path(), "ledger = \"content\"\n");
    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "content: error[LedgerNotAFile]: the ledger is a directory, not a regular file",
        ));
}

#[test]
fn a_ledger_that_is_a_symlink_is_written_through_to_its_target() {
    let site = copy_fixture("basic");
    let state = site.path().join("state");
    std::fs::create_dir(&state).unwrap();
    let target = state.join("ledger.toml");
    let link = site.path().join("feedpub-ledger.toml");
    std::os::unix::fs::symlink("state/ledger.toml", &link).unwrap();
    // A dangling link is refused clearly, not replaced by a file.
    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the ledger is a symbolic link that cannot be followed",
        ));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());

    std::fs::write(&target, b"").unwrap();
    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .success();
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("[articles."), "{written}");
}

#[test]
fn two_builds_with_different_outputs_cannot_both_update_one_ledger() {
    let site = copy_fixture("basic");
    // Another build of this site, publishing elsewhere, holds the site lock
    // (an OS file lock, with its holder line in the file).
    let holder = "pid 4242 on another-host, since 2024-04-30T23:59:00Z";
    let lock_path = site.path().join(".feedpub-ledger.toml.lock");
    std::fs::write(&lock_path, format!("{holder}\n")).unwrap();
    let held = std::fs::File::options()
        .read(true)
        .write(true)
        .open(&lock_path)
        .unwrap();
    held.try_lock().unwrap();
    feedpub(site.path())
        .args([
            "build", "--now", BASIC_NOW, "--wait", "0", "--out", "public",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "another feedpub build is using this site's ledger",
        ))
        .stderr(predicate::str::contains(holder));
    assert!(ledger_of(site.path()).is_none());
    drop(held);
    feedpub(site.path())
        .args([
            "build", "--now", BASIC_NOW, "--wait", "0", "--out", "public",
        ])
        .assert()
        .success();
}

#[test]
fn temporary_files_beside_the_ledger_are_removed() {
    let site = copy_fixture("basic");
    let stale = site.path().join(".feedpub-Ab12Cd.tmp");
    std::fs::write(&stale, b"left by a killed run").unwrap();
    let kept = site.path().join("notes/.feedpub-Ab12Cd.tmp");
    std::fs::create_dir(site.path().join("notes")).unwrap();
    std::fs::write(&kept, b"not in a directory feedpub writes").unwrap();
    // A directory feedpub made to hold the term folders.
    std::fs::create_dir_all(site.path().join("feeds/categories")).unwrap();
    let holder = site.path().join("feeds/categories/.feedpub-Xy12Zq.tmp");
    std::fs::write(&holder, b"<rss").unwrap();
    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(!holder.exists());
    assert!(kept.exists());
}

#[test]
fn a_build_that_would_empty_the_site_feed_stops_unless_allowed() {
    // Issue 11: an empty content/ (a failed checkout, a wrong mount)
    // silently emptied every feed.
    let site = built_fixture("basic", BASIC_NOW);
    let published = read_tree(&site.path().join("feeds"));
    let ledger = ledger_of(site.path());
    std::fs::remove_dir_all(site.path().join("content/2024")).unwrap();

    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "feeds/rss.xml: error: this build would drop 3 of the 3 items readers see in the site-wide feed",
        ))
        .stderr(predicate::str::contains("--allow-shrink"));
    assert!(read_tree(&site.path().join("feeds")) == published);
    assert!(ledger_of(site.path()) == ledger);

    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW, "--allow-shrink"])
        .assert()
        .success();
    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert!(!rss.contains("<item>"), "{rss}");
}

#[test]
fn moving_the_site_to_a_new_base_url_stamps_no_update() {
    // Issue 11: the fingerprint was taken over the absolute image URL, so
    // every article with a site-relative image looked edited.
    let site = built_fixture("basic", BASIC_NOW);
    let before = ledger_of(site.path());
    edit_config(site.path(), |text| {
        text.replace("https://news.example.org", "https://moved.example.net")
    });
    feedpub(site.path())
        .args(["build", "--now", "2024-05-02T00:00:00Z"])
        .assert()
        .success();
    // No `updated` stamped, no fingerprint changed: the ledger is as it was.
    assert!(ledger_of(site.path()) == before);
}

#[test]
fn an_emptied_feed_keeps_the_date_of_its_last_items() {
    // Issue 11: empty Atom feeds said 1970-01-01, which --strict rejects.
    let site = built_fixture("basic", BASIC_NOW);
    let updated = |file: &str| {
        let text = std::fs::read_to_string(site.path().join("feeds").join(file)).unwrap();
        let start = text.find("<updated>").unwrap() + "<updated>".len();
        text[start..start + 25].to_string()
    };
    let before = updated("atom.xml");
    std::fs::remove_dir_all(site.path().join("content/2024")).unwrap();
    feedpub(site.path())
        .args(["build", "--now", BASIC_NOW, "--allow-shrink", "--strict"])
        .assert()
        .success();
    assert_eq!(updated("atom.xml"), before);
    assert!(!updated("categories/economy/atom.xml").starts_with("1970"));
}
