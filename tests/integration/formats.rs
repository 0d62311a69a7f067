//! `formats = [...]` (#16): only the enabled formats are written and
//! listed; turning one off leaves its files untouched with a warning.

use std::path::Path;

use crate::support::{built_fixture, copy_fixture, feedpub, files_below, replace_config};

const NOW: &str = "2024-05-01T00:00:00Z";

fn set_formats(site: &Path, formats: &str) {
    replace_config(site, "formats", &format!("formats = {formats}"));
}

/// The 1-based number of the first line of `file` that starts with `start`.
fn line_of(file: &Path, start: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    1 + text.lines().position(|l| l.starts_with(start)).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    files_below(dir)
        .iter()
        .filter_map(|f| f.file_name()?.to_str().map(String::from))
        .collect()
}

#[test]
fn only_enabled_formats_are_written_and_discovered() {
    let site = copy_fixture("basic");
    set_formats(site.path(), "[\"json\", \"atom\"]");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let feeds = site.path().join("feeds");
    let written = names(&feeds);
    assert!(!written.iter().any(|n| n == "rss.xml"), "{written:?}");
    assert!(written.iter().any(|n| n == "atom.xml"));
    assert!(written.iter().any(|n| n == "feed.json"));

    let index = std::fs::read_to_string(feeds.join("index.html")).unwrap();
    assert!(!index.contains("rss.xml"), "{index}");
    assert!(index.contains("type=\"application/atom+xml\""));
    assert!(index.contains("type=\"application/feed+json\""));
    // OPML lists each feed once, in the first enabled format.
    let opml = std::fs::read_to_string(feeds.join("feeds.opml")).unwrap();
    assert!(
        !opml.contains("rss.xml") && !opml.contains("feed.json"),
        "{opml}"
    );
    assert!(opml.contains("xmlUrl=\"https://news.example.org/feeds/atom.xml\""));
    assert!(!opml.contains("version=\"RSS2\""), "{opml}");

    let list = feedpub(site.path())
        .args(["list", "--now", NOW])
        .assert()
        .success();
    let list = String::from_utf8_lossy(&list.get_output().stdout).into_owned();
    assert!(
        list.contains("https://news.example.org/feeds/atom.xml"),
        "{list}"
    );
    assert!(!list.contains("rss.xml"), "{list}");
    let json = feedpub(site.path())
        .args(["--format", "json", "list", "--now", NOW])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let site_feed = &json.as_array().unwrap()[0];
    assert!(site_feed.get("rss_url").is_none(), "{site_feed}");
    assert!(site_feed["json_url"].is_string());

    let preview = feedpub(site.path())
        .args(["preview", "--now", NOW])
        .assert()
        .success();
    let preview = String::from_utf8_lossy(&preview.get_output().stdout).into_owned();
    assert!(
        preview.contains("Atom  https://news.example.org/feeds/atom.xml"),
        "{preview}"
    );
    assert!(
        preview.contains("JSON  https://news.example.org/feeds/feed.json"),
        "{preview}"
    );
    assert!(!preview.contains("RSS "), "{preview}");

    feedpub(site.path())
        .args(["check", "--now", NOW])
        .assert()
        .success();
}

#[test]
fn turning_a_format_off_keeps_its_files_and_warns() {
    let site = built_fixture("basic", NOW);
    let feeds = site.path().join("feeds");
    let rss = feeds.join("rss.xml");
    let before = std::fs::read(&rss).unwrap();
    let modified = std::fs::metadata(&rss).unwrap().modified().unwrap();

    set_formats(site.path(), "[\"atom\", \"json\"]");
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr.contains("turned off in `formats` are still published and no longer updated"),
        "{stderr}"
    );
    assert!(stderr.contains("feeds/rss.xml"), "{stderr}");
    assert!(stderr.contains("delete the files (rss.xml)"), "{stderr}");
    // Untouched: same bytes, same modification time.
    assert_eq!(std::fs::read(&rss).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&rss).unwrap().modified().unwrap(),
        modified
    );
    let index = std::fs::read_to_string(feeds.join("index.html")).unwrap();
    assert!(!index.contains("rss.xml"), "{index}");

    // Once the old files are gone, the warning is too.
    for file in files_below(&feeds) {
        if file.ends_with("rss.xml") {
            std::fs::remove_file(feeds.join(file)).unwrap();
        }
    }
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains("warning:"), "{stderr}");
}

#[test]
fn an_unknown_format_is_a_configuration_error() {
    let site = copy_fixture("basic");
    set_formats(site.path(), "[\"rss\", \"rdf\"]");
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let line = line_of(&site.path().join("feedpub.toml"), "formats =");
    assert!(
        stderr.contains(&format!(
            "feedpub.toml:{line}:1: error[InvalidSetting]: `formats` names an unknown format \"rdf\""
        )),
        "{stderr}"
    );
    assert!(!site.path().join("feeds/rss.xml").exists());
}
