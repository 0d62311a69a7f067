//! The incremental engine (#12): a run in which nothing changed stops after
//! one walk and stat pass, and every change, however it was made, still
//! reaches the feeds.

use std::fs::File;
use std::path::Path;

use crate::support::*;
use predicates::prelude::*;

const NOW: &str = "2024-05-01T00:00:00Z";
const NOTHING_CHANGED: &str = "; nothing changed\n";

fn built_basic() -> tempfile::TempDir {
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(NOTHING_CHANGED).not());
    site
}

/// Run a build at `now`; returns its summary line.
fn build_at(site: &Path, now: &str) -> String {
    let out = feedpub(site)
        .args(["build", "--now", now])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// Every output file's text, one after the other.
fn all_feeds(site: &Path) -> String {
    let feeds = site.join("feeds");
    files_below(&feeds)
        .into_iter()
        .map(|f| std::fs::read_to_string(feeds.join(f)).unwrap())
        .collect()
}

#[test]
fn a_run_with_nothing_changed_stops_after_the_stat_pass_and_says_so() {
    let site = built_basic();
    assert!(site.path().join(".feedpub-state").is_file());
    let feeds = site.path().join("feeds");
    let before: Vec<_> = files_below(&feeds)
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(feeds.join(&f)).unwrap();
            (f, meta.modified().unwrap())
        })
        .collect();
    let summary = build_at(site.path(), NOW);
    assert!(
        summary.starts_with(
            "7 articles read, 5 published (1 draft, 1 scheduled left out); 35 files: 0 written, 35 unchanged;"
        ),
        "{summary}"
    );
    assert!(
        summary.ends_with("next scheduled change: 2024-06-01T04:00:00Z; nothing changed\n"),
        "{summary}"
    );
    for (f, mtime) in before {
        let meta = std::fs::metadata(feeds.join(&f)).unwrap();
        assert_eq!(meta.modified().unwrap(), mtime, "{} rewritten", f.display());
    }
    // A later instant before the next scheduled change: still nothing to do.
    assert!(build_at(site.path(), "2024-05-20T00:00:00Z").ends_with(NOTHING_CHANGED));
}

#[test]
fn a_same_size_edit_with_the_old_mtime_restored_still_reaches_the_feeds() {
    // Regression (#12): the cache was keyed on size and mtime only, so
    // `cp -p`, `rsync -t` or a `touch -r` after an edit kept the old title.
    // Files younger than 2 s are never cached (or trusted by their stat):
    // let the fixture age first, so the shortcuts are really tried.
    let site = copy_fixture("basic");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build_at(site.path(), NOW);
    let path = site.path().join("content/2024/03/water-power.md");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("winter deficit", "summer surplus");
    assert_eq!(edited.len(), text.len());
    assert!(all_feeds(site.path()).contains("winter deficit"));
    std::fs::write(&path, edited).unwrap();
    File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    let summary = build_at(site.path(), NOW);
    assert!(!summary.ends_with(NOTHING_CHANGED), "{summary}");
    let feed = all_feeds(site.path());
    assert!(feed.contains("summer surplus"), "{feed}");
    assert!(!feed.contains("winter deficit"));
}

#[test]
fn a_hand_edited_ledger_is_read_again_instead_of_its_mirror() {
    // #12: the ledger's mirror stands for it only while the TOML holds
    // the bytes the mirror was made from.
    let site = built_basic();
    assert!(site.path().join(".feedpub-ledger.toml.mirror").is_file());
    let ledger = site.path().join("feedpub-ledger.toml");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let feed = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    let guid = feed
        .split("<guid")
        .skip(1)
        .filter_map(|g| Some(g.split_once('>')?.1.split_once("</guid>")?.0))
        .find(|id| text.contains(&format!("id = \"{id}\"")))
        .expect("an item's id in the ledger");
    std::fs::write(
        &ledger,
        text.replace(&format!("id = \"{guid}\""), "id = \"urn:x-hand-edited:1\""),
    )
    .unwrap();
    build_at(site.path(), NOW);
    let feed = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert!(feed.contains("urn:x-hand-edited:1"), "{feed}");
    assert!(!feed.contains(&format!(">{guid}</guid>")), "{feed}");
}

#[test]
fn every_kind_of_change_defeats_the_shortcut() {
    type Change = fn(&Path);
    let changes: [(&str, Change); 8] = [
        ("article added", |site| {
            std::fs::write(
                site.join("content/2024/04/new.md"),
                "---\ntitle: New\ndate: 2024-04-30\n---\nNew.\n",
            )
            .unwrap();
        }),
        ("article deleted", |site| {
            std::fs::remove_file(site.join("content/2024/03/water-power.md")).unwrap();
        }),
        ("article renamed", |site| {
            std::fs::rename(
                site.join("content/2024/03/water-power.md"),
                site.join("content/2024/03/water-and-power.md"),
            )
            .unwrap();
        }),
        ("config changed", |site| {
            edit_config(site, |text| text.replace("limit = 3", "limit = 2"));
        }),
        ("ledger edited", |site| {
            let ledger = site.join("feedpub-ledger.toml");
            let text = std::fs::read_to_string(&ledger).unwrap();
            std::fs::write(&ledger, format!("{text}\n")).unwrap();
        }),
        ("feeds deleted", |site| {
            std::fs::remove_dir_all(site.join("feeds")).unwrap();
        }),
        ("a feed edited", |site| {
            let feed = site.join("feeds/rss.xml");
            let text = std::fs::read_to_string(&feed).unwrap();
            std::fs::write(&feed, text.replace("Fixture", "Fixturf")).unwrap();
        }),
        ("image resized", |site| {
            let image = site.join("static/img/tj.png");
            let mut bytes = std::fs::read(&image).unwrap();
            bytes.extend_from_slice(b"more");
            std::fs::write(&image, bytes).unwrap();
        }),
    ];
    for (what, change) in changes {
        let site = built_basic();
        let before = all_feeds(site.path());
        change(site.path());
        let summary = build_at(site.path(), NOW);
        assert!(!summary.ends_with(NOTHING_CHANGED), "{what}: {summary}");
        // A fresh build over the same inputs gives the same feeds.
        let fresh = tempfile::tempdir().unwrap();
        copy_tree(
            site.path(),
            fresh.path(),
            &[
                "feeds",
                ".feedpub-state",
                ".feedpub-cache",
                ".feedpub-ledger.toml.mirror",
            ],
        );
        build_at(fresh.path(), NOW);
        assert_same_tree(
            &site.path().join("feeds"),
            &fresh.path().join("feeds"),
            what,
        );
        assert!(
            build_at(site.path(), NOW).ends_with(NOTHING_CHANGED),
            "{what}: the run after it"
        );
        if what == "image resized" {
            assert_ne!(before, all_feeds(site.path()), "{what}: length not updated");
        }
    }
}

#[test]
fn a_due_scheduled_change_a_clock_gone_back_or_a_damaged_state_defeat_the_shortcut() {
    let site = built_basic();
    // The scheduled article is due at 2024-06-01T04:00:00Z.
    let later = build_at(site.path(), "2024-06-02T00:00:00Z");
    assert!(!later.ends_with(NOTHING_CHANGED), "{later}");
    assert!(all_feeds(site.path()).contains("Scheduled piece"));
    assert!(build_at(site.path(), "2024-06-02T00:00:00Z").ends_with(NOTHING_CHANGED));
    let earlier = build_at(site.path(), "2024-06-01T12:00:00Z");
    assert!(!earlier.ends_with(NOTHING_CHANGED), "{earlier}");

    let state = site.path().join(".feedpub-state");
    let mut bytes = std::fs::read(&state).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&state, &bytes).unwrap();
    let damaged = build_at(site.path(), "2024-06-01T12:00:00Z");
    assert!(!damaged.ends_with(NOTHING_CHANGED), "{damaged}");
    std::fs::write(&state, b"not a state file").unwrap();
    assert!(!build_at(site.path(), "2024-06-01T12:00:00Z").ends_with(NOTHING_CHANGED));
    std::fs::remove_file(&state).unwrap();
    assert!(!build_at(site.path(), "2024-06-01T12:00:00Z").ends_with(NOTHING_CHANGED));
    assert!(build_at(site.path(), "2024-06-01T12:00:00Z").ends_with(NOTHING_CHANGED));
}

#[test]
fn a_dry_run_neither_uses_nor_writes_the_state() {
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args(["build", "--now", NOW, "--dry-run"])
        .assert()
        .success();
    assert!(!site.path().join(".feedpub-state").exists());
    build_at(site.path(), NOW);
    feedpub(site.path())
        .args(["build", "--now", NOW, "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(NOTHING_CHANGED).not());
}

#[test]
fn a_fifo_at_the_state_path_is_ignored_not_waited_on() {
    let site = built_basic();
    let state = site.path().join(".feedpub-state");
    assert!(state.is_file());
    if !mkfifo(&state) {
        return;
    }
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(predicate::str::ends_with(NOTHING_CHANGED).not());
}

#[test]
fn articles_left_out_for_errors_are_reported_on_every_run() {
    // A tolerant build (#10) exits 5 and names each broken article; the
    // no-op shortcut must not turn the next run into a silent success.
    let site = copy_fixture("invalid-content");
    for run in 0..2 {
        let output = feedpub(site.path())
            .args(["build", "--now", NOW])
            .assert()
            .code(5)
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("content/2024/bad-date.md:3: error[InvalidDate]: `date`"),
            "run {run}: {stderr}"
        );
    }
}

#[test]
fn a_run_with_nothing_changed_still_removes_temporary_files_of_killed_runs() {
    let site = built_basic();
    let temp = site.path().join("feeds/categories/.feedpub-Xy12Zq.tmp");
    std::fs::write(&temp, b"<rss").unwrap();
    let beside_ledger = site.path().join(".feedpub-Ab34Cd.tmp");
    std::fs::write(&beside_ledger, b"x").unwrap();
    assert!(build_at(site.path(), NOW).ends_with(NOTHING_CHANGED));
    assert!(!temp.exists(), "temporary file left in feeds/categories");
    assert!(
        !beside_ledger.exists(),
        "temporary file left beside the ledger"
    );
}

/// How many feeds a build rendered, of how many, from its debug log.
fn rendered_feeds(stderr: &str) -> (usize, usize) {
    (
        logged(stderr, "rendered feeds", "changed"),
        logged(stderr, "rendered feeds", "feeds"),
    )
}

#[test]
fn an_edit_renders_only_the_feeds_whose_inputs_changed() {
    // #12: a feed with the same input fingerprint as when the last build
    // published it, and whose files are as that build wrote them, is
    // neither rendered, nor validated, nor written.
    let site = built_basic();
    let path = site.path().join("content/2024/03/water-power.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("winter deficit", "winter gap")).unwrap();
    let (changed, feeds) = rendered_feeds(&debug_build(site.path()));
    assert!(changed >= 1 && changed < feeds, "{changed} of {feeds}");
    assert!(all_feeds(site.path()).contains("winter gap"));

    // A published file changed behind feedpub's back is rewritten, even
    // though its feed's inputs did not change.
    let site_rss = site.path().join("feeds/rss.xml");
    let right = std::fs::read(&site_rss).unwrap();
    std::fs::write(&site_rss, b"tampered").unwrap();
    let (changed, _) = rendered_feeds(&debug_build(site.path()));
    assert_eq!(changed, 1);
    assert_eq!(std::fs::read(&site_rss).unwrap(), right);

    // And the result is what a build from scratch makes.
    assert_same_as_from_scratch(site.path(), "content/2024/03/water-power.md", "edit");
}

/// Set the modification time of every file below `dir` an hour back, as
/// under cron, where no article is younger than the few seconds in which
/// a stat proves nothing.
fn settle(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for file in files_below(dir) {
        File::options()
            .write(true)
            .open(dir.join(file))
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }
}

/// A numeric field of the first debug line holding `message`.
fn logged(stderr: &str, message: &str, name: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.contains(message))
        .unwrap_or_else(|| panic!("no `{message}` line in {stderr}"));
    let start = line.find(&format!(" {name}=")).unwrap() + name.len() + 2;
    line[start..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn an_edit_reads_only_the_bodies_of_the_feeds_it_changes() {
    // #12: the front-matter cache keeps a digest of every standalone body
    // read, so the feeds of unchanged articles are proven unchanged without
    // reading them; the bodies of a feed to render are read before it is.
    let site = copy_fixture("basic");
    settle(&site.path().join("content"));
    build_at(site.path(), NOW);
    let path = site.path().join("content/2024/04/energiya.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("растёт"), "the fixture changed");
    std::fs::write(&path, text.replace("растёт", "падает")).unwrap();
    let stderr = debug_build(site.path());
    let (members, read) = (
        logged(&stderr, "read the members' bodies", "members"),
        logged(&stderr, "read the members' bodies", "read"),
    );
    assert_eq!(read, 1, "only the edited body, of {members} members");
    let (changed, feeds) = rendered_feeds(&stderr);
    assert!(changed < feeds, "{changed} of {feeds}");
    assert!(
        logged(
            &stderr,
            "read the known bodies of the feeds to render",
            "bodies"
        ) >= 1,
        "the changed feeds' other items are read before rendering"
    );
    let feeds_text = all_feeds(site.path());
    assert!(feeds_text.contains("падает"));

    // Byte for byte what a build from scratch makes of the same content and
    // ledger, including the kept feeds and the items read late.
    assert_same_as_from_scratch(
        site.path(),
        "content/2024/04/energiya.md",
        "edit with known bodies",
    );
}

#[test]
fn once_an_article_was_deleted_the_bodies_of_drafts_are_not_read_on_every_run() {
    // #12: a deleted article's ledger entry waits for its content to come
    // back at another path, so the articles the ledger does not know
    // (drafts, scheduled ones) are compared by their bodies' digests. The
    // cache knows the digests of unchanged files: a later run reads none.
    let site = copy_fixture("basic");
    let content = site.path().join("content");
    settle(&content);
    build_at(site.path(), NOW);
    std::fs::remove_file(content.join("2024/03/water-power.md")).unwrap();
    let deleted = debug_build(site.path());
    let unknown = logged(
        &deleted,
        "compared the articles the ledger does not know",
        "unknown",
    );
    assert!(
        unknown >= 2,
        "the draft and the scheduled article: {unknown}"
    );
    assert_eq!(
        logged(
            &deleted,
            "compared the articles the ledger does not know",
            "read"
        ),
        unknown,
        "the first run after the deletion reads them"
    );

    let path = content.join("2024/04/energiya.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("растёт", "падает")).unwrap();
    let edited = debug_build(site.path());
    assert_eq!(
        logged(
            &edited,
            "compared the articles the ledger does not know",
            "unknown"
        ),
        unknown
    );
    assert_eq!(
        logged(
            &edited,
            "compared the articles the ledger does not know",
            "read"
        ),
        0,
        "their digests are known from the cache"
    );

    // Byte for byte what a build from scratch makes of the same content
    // and ledger.
    let scratch = tempfile::tempdir().unwrap();
    for file in files_below(site.path()) {
        let name = file.to_string_lossy();
        if ["content/", "static/", "feedpub"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            let to = scratch.path().join(&file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(site.path().join(&file), to).unwrap();
        }
    }
    build_at(scratch.path(), NOW);
    assert_same_tree(
        &site.path().join("feeds"),
        &scratch.path().join("feeds"),
        "edit after a deletion",
    );
}

/// Run a build at [`NOW`] that logs the build's debug lines; returns them.
fn debug_build(site: &Path) -> String {
    let out = feedpub(site)
        .args(["build", "--now", NOW])
        .env("RUST_LOG", "feedpub::build=debug")
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stderr).unwrap()
}

/// The feeds below `site` are byte for byte what a build from scratch
/// makes of the `basic` fixture with `site`'s version of `edited` and its
/// ledger.
fn assert_same_as_from_scratch(site: &Path, edited: &str, label: &str) {
    let scratch = copy_fixture("basic");
    std::fs::write(
        scratch.path().join(edited),
        std::fs::read(site.join(edited)).unwrap(),
    )
    .unwrap();
    std::fs::copy(
        site.join("feedpub-ledger.toml"),
        scratch.path().join("feedpub-ledger.toml"),
    )
    .unwrap();
    build_at(scratch.path(), NOW);
    assert_same_tree(&site.join("feeds"), &scratch.path().join("feeds"), label);
}
