//! Publication dates over time: builds at several `--now` values over one
//! collection — scheduling, expiry, stamps, pinned ids, `updated` stamps.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;
use predicates::prelude::*;

/// One entry of a feed as an independent parser reads it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    id: String,
    published: String,
    updated: String,
}

/// Build at `now`, quietly, and return the site Atom feed's entries by title.
fn build_at(site: &Path, now: &str) -> BTreeMap<String, Seen> {
    feedpub(site)
        .args(["build", "--quiet", "--now", now])
        .assert()
        .success();
    atom_entries(&site.join("feeds/atom.xml"))
}

fn atom_entries(path: &Path) -> BTreeMap<String, Seen> {
    let feed = feed_rs::parser::parse(&std::fs::read(path).unwrap()[..]).unwrap();
    feed.entries
        .iter()
        .map(|e| {
            (
                e.title.as_ref().unwrap().content.clone(),
                Seen {
                    id: e.id.clone(),
                    published: e.published.unwrap().to_rfc3339(),
                    updated: e.updated.unwrap().to_rfc3339(),
                },
            )
        })
        .collect()
}

fn titles(entries: &BTreeMap<String, Seen>) -> Vec<&str> {
    entries.keys().map(String::as_str).collect()
}

#[test]
fn scheduled_articles_appear_exactly_when_due_and_expired_ones_leave() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    feedpub(dir)
        .args(["build", "--now", "2024-03-03T00:00:00Z"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "4 articles read, 3 published (1 scheduled left out)",
        ))
        .stdout(predicate::str::ends_with(
            "next scheduled change: 2024-03-05T00:00:00Z\n",
        ));
    let early = atom_entries(&dir.join("feeds/atom.xml"));
    assert_eq!(titles(&early), ["Dated", "Expiring", "Undated"]);
    // Nothing of the scheduled article shows: no feed for its terms, no date.
    assert!(!dir.join("feeds/categories/future").exists());
    assert!(!dir.join("feeds/countries/kazakhstan").exists());
    let rss = std::fs::read_to_string(dir.join("feeds/rss.xml")).unwrap();
    assert!(
        !rss.contains("Scheduled") && !rss.contains("10 Mar 2024"),
        "{rss}"
    );

    // One second before it is due: still absent. Expiring has expired.
    let before = build_at(dir, "2024-03-10T03:59:59Z");
    assert_eq!(titles(&before), ["Dated", "Undated"]);

    let due = build_at(dir, "2024-03-10T04:00:00Z");
    assert_eq!(titles(&due), ["Dated", "Scheduled", "Undated"]);
    assert_eq!(due["Scheduled"].published, "2024-03-10T04:00:00+00:00");
    let kz = atom_entries(&dir.join("feeds/countries/kazakhstan/atom.xml"));
    assert_eq!(titles(&kz), ["Scheduled"]);
}

#[test]
fn stamps_survive_rebuilds_and_a_deleted_output_directory() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    let first = build_at(dir, "2024-03-03T10:00:00Z");
    assert_eq!(first["Undated"].published, "2024-03-03T10:00:00+00:00");
    std::fs::remove_dir_all(dir.join("feeds")).unwrap();
    let later = build_at(dir, "2024-03-20T00:00:00Z");
    assert_eq!(later["Undated"], first["Undated"]);
    assert_eq!(later["Dated"], first["Dated"]);
    let ledger = std::fs::read_to_string(dir.join("feedpub-ledger.toml")).unwrap();
    assert!(ledger.contains("[articles.\"2024/undated.md\"]\nid = \"https://old.example.org/2024/undated/\"\nstamped = \"2024-03-03T10:00:00Z\""), "{ledger}");
}

#[test]
fn source_date_epoch_sets_now() {
    let site = copy_fixture("lifecycle");
    feedpub(site.path())
        .env("SOURCE_DATE_EPOCH", "1709460000") // 2024-03-03T10:00:00Z
        .args(["build", "--quiet"])
        .assert()
        .success();
    let entries = atom_entries(&site.path().join("feeds/atom.xml"));
    assert_eq!(entries["Undated"].published, "2024-03-03T10:00:00+00:00");
}

#[test]
fn an_edit_stamps_updated_once() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    let first = build_at(dir, "2024-03-03T00:00:00Z");
    assert_eq!(first["Dated"].updated, "2024-03-01T12:00:00+00:00");
    let path = dir.join("content/2024/dated.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("First version.", "Second version.")).unwrap();
    let edited = build_at(dir, "2024-03-04T00:00:00Z");
    assert_eq!(edited["Dated"].updated, "2024-03-04T00:00:00+00:00");
    assert_eq!(edited["Dated"].published, first["Dated"].published);
    assert_eq!(
        edited["Undated"].updated, first["Undated"].updated,
        "untouched articles keep theirs"
    );
    let later = build_at(dir, "2024-03-05T00:00:00Z");
    assert_eq!(later["Dated"].updated, "2024-03-04T00:00:00+00:00");
}

#[test]
fn ids_survive_a_new_base_url_and_renamed_files() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    let first = build_at(dir, "2024-03-03T00:00:00Z");
    std::fs::write(
        dir.join("feedpub.toml"),
        "title = \"Lifecycle\"\nbase_url = \"https://new.example.org\"\n",
    )
    .unwrap();
    std::fs::rename(
        dir.join("content/2024/dated.md"),
        dir.join("content/2024/renamed.md"),
    )
    .unwrap();
    let later = build_at(dir, "2024-03-04T00:00:00Z");
    for title in ["Dated", "Undated"] {
        assert_eq!(later[title].id, first[title].id, "{title}");
    }
    let rss = std::fs::read_to_string(dir.join("feeds/rss.xml")).unwrap();
    assert!(
        rss.contains("<link>https://new.example.org/2024/renamed/</link>"),
        "{rss}"
    );
    assert!(
        rss.contains("<guid isPermaLink=\"false\">https://old.example.org/2024/dated/</guid>"),
        "{rss}"
    );
}

#[test]
fn same_now_and_content_give_identical_feeds_and_ledger() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    build_at(dir, "2024-03-10T05:00:00Z");
    let snapshot = |dir: &Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        files_below(dir)
            .into_iter()
            .filter(|f| !f.starts_with("content"))
            .map(|f| {
                let bytes = std::fs::read(dir.join(&f)).unwrap();
                (f, bytes)
            })
            .collect()
    };
    let before = snapshot(dir);
    feedpub(dir)
        .args(["build", "--now", "2024-03-10T05:00:00Z"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 written"));
    assert_eq!(snapshot(dir), before);
}

#[test]
fn a_term_without_articles_keeps_a_valid_empty_feed() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    build_at(dir, "2024-03-11T00:00:00Z");
    let path = dir.join("content/2024/scheduled.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("countries: [kz]\n", "")).unwrap();
    build_at(dir, "2024-03-12T00:00:00Z");
    for file in ["rss.xml", "atom.xml"] {
        let bytes = std::fs::read(dir.join("feeds/countries/kazakhstan").join(file)).unwrap();
        let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
        assert!(feed.entries.is_empty(), "{file}");
        assert_eq!(feed.title.unwrap().content, "Lifecycle — Kazakhstan");
    }
}

/// A feed that has never had items is dated by the build that first
/// published it, and keeps that date: it was dated 1970-01-01, which the
/// gate then warned about, so `--strict` failed on a site whose articles
/// were all scheduled (#11).
#[test]
fn a_feed_that_never_had_items_is_dated_by_its_first_build() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    // Every other article is dated after these builds.
    std::fs::remove_file(dir.join("content/2024/undated.md")).unwrap();
    for now in ["2001-01-01T00:00:00Z", "2001-02-01T00:00:00Z"] {
        feedpub(dir)
            .args(["build", "--strict", "--now", now])
            .assert()
            .success()
            .stderr("");
        let feed = feed_rs::parser::parse(&std::fs::read(dir.join("feeds/atom.xml")).unwrap()[..])
            .unwrap();
        assert!(feed.entries.is_empty());
        assert_eq!(
            feed.updated.unwrap().to_rfc3339(),
            "2001-01-01T00:00:00+00:00",
            "at {now}"
        );
    }
}

#[test]
fn a_corrupt_ledger_is_an_error_and_publishes_nothing() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    build_at(dir, "2024-03-03T00:00:00Z");
    let before = std::fs::read(dir.join("feeds/atom.xml")).unwrap();
    std::fs::write(dir.join("feedpub-ledger.toml"), "[articles.x]\nid = \n").unwrap();
    feedpub(dir)
        .args(["build", "--now", "2024-03-04T00:00:00Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "feedpub-ledger.toml:2:6: error[CorruptLedger]: the ledger is corrupt: ",
        ))
        .stderr(predicate::str::contains(
            "help: restore it from version control",
        ));
    assert_eq!(std::fs::read(dir.join("feeds/atom.xml")).unwrap(), before);
}

#[test]
fn dry_runs_and_failed_runs_never_write_the_ledger() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    feedpub(dir)
        .args(["build", "--dry-run", "--now", "2024-03-03T00:00:00Z"])
        .assert()
        .success();
    assert!(!dir.join("feedpub-ledger.toml").exists());
    std::fs::write(
        dir.join("content/2024/broken.md"),
        "---\ntitle: Broken\ndate: 2024-02-30\n---\n",
    )
    .unwrap();
    // A failed run: with --strict an article error fails the whole build
    // (without it, the article is left out and the rest published).
    feedpub(dir)
        .args(["build", "--strict", "--now", "2024-03-03T00:00:00Z"])
        .assert()
        .code(1);
    assert!(!dir.join("feedpub-ledger.toml").exists());
}

/// Issue #11: a leap second as the build's "now" was written to the ledger
/// as `23:59:60`, which the next run could not read back ("ledger is
/// corrupt"). Leap seconds are normalized to :59 wherever they come in.
#[test]
fn a_leap_second_now_is_stamped_as_59_and_read_back() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    let first = build_at(dir, "2016-12-31T23:59:60Z");
    assert_eq!(first["Undated"].published, "2016-12-31T23:59:59+00:00");
    let ledger = std::fs::read_to_string(dir.join("feedpub-ledger.toml")).unwrap();
    assert!(
        ledger.contains("stamped = \"2016-12-31T23:59:59Z\""),
        "{ledger}"
    );
    let next = build_at(dir, "2017-01-01T00:00:00Z");
    assert_eq!(next["Undated"], first["Undated"]);
}

/// Issue #11: a front-matter date at a leap second is read as :59.
#[test]
fn a_leap_second_in_front_matter_is_read_as_59() {
    let site = copy_fixture("lifecycle");
    let dir = site.path();
    std::fs::write(
        dir.join("content/2024/leap.md"),
        "---\ntitle: Leap\ndate: 2016-12-31T23:59:60Z\n---\nOne second more.\n",
    )
    .unwrap();
    let first = build_at(dir, "2017-01-01T00:00:00Z");
    assert_eq!(first["Leap"].published, "2016-12-31T23:59:59+00:00");
    let next = build_at(dir, "2017-01-02T00:00:00Z");
    assert_eq!(next["Leap"], first["Leap"]);
}
