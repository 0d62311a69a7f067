//! JSON Feed 1.1 twins: every RSS/Atom feed has a `feed.json` with the same
//! items in the same order, with the same ids and dates, read back by an
//! independent parser (feed-rs), and the gate rejects a broken one.

use std::path::Path;

use crate::support::{built_fixture, feedpub, files_below};

fn parse(path: &Path) -> feed_rs::model::Feed {
    let bytes = std::fs::read(path).unwrap();
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_feed_has_a_json_twin_with_the_same_items() {
    let site = built_fixture("basic", "2024-05-01T00:00:00Z");
    let feeds = site.path().join("feeds");
    let rss_files: Vec<_> = files_below(&feeds)
        .into_iter()
        .filter(|f| f.ends_with("rss.xml"))
        .map(|f| feeds.join(f))
        .collect();
    assert!(rss_files.len() > 5, "{rss_files:?}");
    for rss_path in rss_files {
        let dir = rss_path.parent().unwrap();
        let json = parse(&dir.join("feed.json"));
        assert_eq!(json.feed_type, feed_rs::model::FeedType::JSON);
        for twin in [parse(&rss_path), parse(&dir.join("atom.xml"))] {
            let ids = |f: &feed_rs::model::Feed| -> Vec<String> {
                f.entries.iter().map(|e| e.id.clone()).collect()
            };
            assert_eq!(ids(&json), ids(&twin), "{}", dir.display());
            for (j, t) in json.entries.iter().zip(&twin.entries) {
                assert_eq!(j.published, t.published, "{}", j.id);
                assert_eq!(
                    j.title.as_ref().map(|t| &t.content),
                    t.title.as_ref().map(|t| &t.content)
                );
                let link = |e: &feed_rs::model::Entry| e.links.first().map(|l| l.href.clone());
                assert_eq!(link(j), link(t), "{}", j.id);
            }
        }
        assert_eq!(
            json.title.map(|t| t.content),
            parse(&rss_path).title.map(|t| t.content)
        );
    }
    // `check` reads the JSON twins too, and finds nothing wrong.
    feedpub(site.path())
        .args(["check", "--now", "2024-05-01T00:00:00Z"])
        .assert()
        .success();
}

#[test]
fn check_reports_a_broken_json_feed_with_its_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("feed.json");
    std::fs::write(
        &file,
        r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T",
            "items": [{"id": "a", "content_text": "x", "date_published": "yesterday"}]}"#,
    )
    .unwrap();
    feedpub(tmp.path())
        .args(["check", "feed.json"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("InvalidRFC3339Date"))
        .stdout(predicates::str::contains("items[0].date_published"));
}
