//! RFC 5005 archived feeds (#16, `archive = true`): a client following
//! `prev-archive` from the subscription feed gets every published item,
//! in order, once; a new article changes the subscription feed and the
//! newest archive page only.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::support::{copy_fixture, feedpub, files_below, replace_config};

const NOW: &str = "2024-05-01T00:00:00Z";
const FEEDS_URL: &str = "https://news.example.org/feeds/";

/// Drop the basic fixture's `limit` and append `line` to its configuration.
fn append_config(site: &Path, line: &str) {
    replace_config(site, "limit", line);
}

fn build(site: &Path) -> serde_json::Value {
    let run = feedpub(site)
        .args(["--format", "json", "build", "--now", NOW])
        .assert()
        .success();
    serde_json::from_slice(&run.get_output().stdout).unwrap()
}

/// The `href` of the feed-level link with `rel` (Atom `<link>` or RSS
/// `<atom:link>`), read with a strict XML parser.
fn feed_link(xml: &str, rel: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    let head = if root.has_tag_name("rss") {
        root.children().find(|n| n.has_tag_name("channel")).unwrap()
    } else {
        root
    };
    head.children()
        .filter(|n| n.has_tag_name(("http://www.w3.org/2005/Atom", "link")))
        .find(|n| n.attribute("rel") == Some(rel))
        .map(|n| n.attribute("href").unwrap().to_string())
}

fn is_archive(xml: &str) -> bool {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .any(|n| n.has_tag_name(("http://purl.org/syndication/history/1.0", "archive")))
}

/// A client of RFC 5005: the subscription feed, then every archive page
/// by `prev-archive`; an id seen in a newer document is kept from there.
fn reconstruct(feeds: &Path, file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    let mut pages = Vec::new();
    let mut next = Some(format!("{FEEDS_URL}{file}"));
    let mut first = true;
    while let Some(url) = next {
        let path = feeds.join(url.strip_prefix(FEEDS_URL).expect("a local feed URL"));
        let xml = std::fs::read_to_string(&path).unwrap();
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
        let page: Vec<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
        if first {
            assert!(!is_archive(&xml), "the subscription feed is not an archive");
        } else {
            assert!(is_archive(&xml), "{} has no fh:archive", path.display());
            assert_eq!(
                feed_link(&xml, "current"),
                Some(format!("{FEEDS_URL}{file}")),
                "{}",
                path.display()
            );
            pages.push(page.clone());
        }
        ids.extend(page.into_iter().filter(|id| seen.insert(id.clone())));
        next = feed_link(&xml, "prev-archive");
        assert!(pages.len() < 100, "prev-archive links loop");
        first = false;
    }
    (ids, pages)
}

#[test]
fn following_prev_archive_gives_every_published_item_once_in_order() {
    let site = copy_fixture("basic");
    append_config(site.path(), "limit = 2\narchive = true");
    build(site.path());
    let feeds = site.path().join("feeds");
    for file in ["rss.xml", "atom.xml"] {
        let expected = all_items_of(file);
        assert!(expected.len() > 2, "{expected:?}");
        let (ids, pages) = reconstruct(&feeds, file);
        assert_eq!(ids, expected, "{file}");
        // The archive pages alone hold every item exactly once.
        let archived: Vec<&String> = pages.iter().flatten().collect();
        assert_eq!(archived.len(), expected.len(), "{pages:?}");
        assert!(pages.len() >= 2, "{pages:?}");
    }
    // Newer pages link to older ones and back.
    let page = std::fs::read_to_string(feeds.join("archive/2024-04/atom.xml")).unwrap();
    assert_eq!(
        feed_link(&page, "next-archive").as_deref(),
        Some("https://news.example.org/feeds/archive/2024-05/atom.xml")
    );
    assert_eq!(
        feed_link(&page, "prev-archive").as_deref(),
        Some("https://news.example.org/feeds/archive/2024-03/atom.xml")
    );
    // The gate wrote them; `check` agrees, and so do the outside
    // validators (jing with RFC 4287's schema wants the `fh:archive`
    // extension before the entries).
    feedpub(site.path())
        .args(["check", "--now", NOW])
        .assert()
        .success();
    let written: Vec<PathBuf> = files_below(&feeds)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
        .map(|f| feeds.join(f))
        .collect();
    assert!(
        written
            .iter()
            .any(|f| f.ends_with("archive/2024-04/atom.xml"))
    );
    crate::support::assert_outside_validators_accept(&written);
}

#[test]
fn a_new_article_changes_only_the_subscription_feed_and_the_newest_page() {
    let site = copy_fixture("basic");
    append_config(site.path(), "archive = true");
    build(site.path());
    let feeds = site.path().join("feeds");
    let before: BTreeMap<PathBuf, Vec<u8>> = files_below(&feeds)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(feeds.join(&f)).unwrap()))
        .collect();
    let pages: Vec<&PathBuf> = before.keys().filter(|p| p.starts_with("archive")).collect();
    assert!(pages.len() >= 6, "{pages:?}");

    // Published within the newest month (the site's time zone is UTC+5).
    let dir = site.path().join("content/2024/05");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("late.md"),
        "---\ntitle: A late story\ndate: 2024-04-30T20:30:00Z\n---\nBody.\n",
    )
    .unwrap();
    let report = build(site.path());
    let written: Vec<&str> = report["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let allowed = [
        "rss.xml",
        "atom.xml",
        "feed.json",
        "index.html",
        "feeds.opml",
        "archive/2024-05/rss.xml",
        "archive/2024-05/atom.xml",
    ];
    for path in &written {
        assert!(allowed.contains(path), "{path} changed: {written:?}");
    }
    assert!(written.contains(&"archive/2024-05/atom.xml"), "{written:?}");
    // Nor is any other feed or page rendered: the run's work is that of the
    // feeds the article is in and their newest pages.
    let rendered: Vec<&str> = report["rendered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for path in &rendered {
        assert!(allowed.contains(path), "{path} rendered: {rendered:?}");
    }
    assert!(
        rendered.contains(&"archive/2024-05/atom.xml"),
        "{rendered:?}"
    );
    for page in pages {
        if !page.starts_with("archive/2024-05") {
            assert_eq!(
                std::fs::read(feeds.join(page)).unwrap(),
                before[page],
                "{}",
                page.display()
            );
        }
    }
}

#[test]
fn without_archive_no_page_is_written() {
    let site = copy_fixture("basic");
    build(site.path());
    assert!(!site.path().join("feeds/archive").exists());
    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert_eq!(feed_link(&rss, "prev-archive"), None);
}

/// A killed run's temporary files are removed from every folder builds
/// write into, archive pages and custom feeds included (#11: stale temps
/// were cleaned only in the taxonomies' folders).
#[test]
fn temporary_files_of_killed_runs_are_removed_from_archive_and_custom_folders() {
    let site = copy_fixture("basic");
    append_config(
        site.path(),
        "archive = true\n[[feeds]]\nname = \"Tajik desk\"\nslug = \"tajik-desk\"\nany = { countries = [\"TJ\"] }",
    );
    build(site.path());
    let feeds = site.path().join("feeds");
    let temps: Vec<PathBuf> = [
        "archive/.feedpub-Aa11Bb.tmp",
        "archive/2024-04/.feedpub-Cc22Dd.tmp",
        "custom/.feedpub-Ee33Ff.tmp",
        "custom/tajik-desk/.feedpub-Gg44Hh.tmp",
    ]
    .iter()
    .map(|t| feeds.join(t))
    .collect();
    for temp in &temps {
        assert!(temp.parent().unwrap().is_dir(), "{}", temp.display());
        std::fs::write(temp, b"<rss").unwrap();
    }
    build(site.path());
    for temp in &temps {
        assert!(!temp.exists(), "left behind: {}", temp.display());
    }
}

/// Turning archives off keeps the pages readers and archivists may hold,
/// untouched, and says so on every build, as for a format turned off (#16).
#[test]
fn turning_archives_off_keeps_the_pages_and_warns() {
    let site = copy_fixture("basic");
    let config = site.path().join("feedpub.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    append_config(site.path(), "archive = true");
    build(site.path());
    let page = site.path().join("feeds/archive/2024-04/atom.xml");
    let before = std::fs::read(&page).unwrap();

    std::fs::write(&config, &original).unwrap();
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("archive pages from earlier builds are still published"),
        "{stderr}"
    );
    assert!(stderr.contains("archive = true"), "{stderr}");
    assert_eq!(std::fs::read(&page).unwrap(), before);
}

/// Every published item of one feed, in feed order: a build of the same
/// site with a limit above the number of articles.
fn all_items_of(file: &str) -> Vec<String> {
    let site = copy_fixture("basic");
    append_config(site.path(), "limit = 1000");
    build(site.path());
    let bytes = std::fs::read(site.path().join("feeds").join(file)).unwrap();
    let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
    feed.entries.into_iter().map(|e| e.id).collect()
}

/// `archive = ["categories"]` archives the category feeds only, each under
/// its own folder; a client following `prev-archive` from a category feed
/// gets exactly that category's published items (#16, per feed kind).
#[test]
fn a_listed_kind_has_archive_pages_under_each_feeds_folder() {
    let site = copy_fixture("basic");
    append_config(site.path(), "limit = 1\narchive = [\"categories\"]");
    build(site.path());
    let feeds = site.path().join("feeds");
    assert!(
        !feeds.join("archive").exists(),
        "the site feed is not archived"
    );
    assert!(!feeds.join("countries/kyrgyzstan/archive").exists());
    for file in ["categories/economy/rss.xml", "categories/economy/atom.xml"] {
        let expected = all_items_of(file);
        assert!(expected.len() > 1, "{expected:?}");
        let (ids, pages) = reconstruct(&feeds, file);
        assert_eq!(ids, expected, "{file}");
        let archived: Vec<&String> = pages.iter().flatten().collect();
        assert_eq!(archived.len(), expected.len(), "{pages:?}");
        assert!(pages.len() >= 2, "{pages:?}");
    }
    let page =
        std::fs::read_to_string(feeds.join("categories/economy/archive/2024-04/atom.xml")).unwrap();
    assert_eq!(
        feed_link(&page, "next-archive").as_deref(),
        Some("https://news.example.org/feeds/categories/economy/archive/2024-05/atom.xml")
    );
    feedpub(site.path())
        .args(["check", "--now", NOW])
        .assert()
        .success();
    let written: Vec<PathBuf> = files_below(&feeds)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
        .map(|f| feeds.join(f))
        .collect();
    crate::support::assert_outside_validators_accept(&written);
}

/// `archive = true` archives every kind of feed: the site's, each
/// taxonomy's terms, custom feeds.
#[test]
fn archive_true_archives_every_kind_of_feed() {
    let site = copy_fixture("basic");
    append_config(
        site.path(),
        "archive = true\n[[feeds]]\nname = \"Tajik desk\"\nslug = \"tajik-desk\"\nany = { countries = [\"TJ\"] }",
    );
    build(site.path());
    let feeds = site.path().join("feeds");
    for page in [
        "archive/2024-04/atom.xml",
        "categories/economy/archive/2024-04/rss.xml",
        "countries/kyrgyzstan/archive/2024-03/atom.xml",
        "custom/tajik-desk/archive/2024-03/rss.xml",
    ] {
        let xml = std::fs::read_to_string(feeds.join(page)).unwrap();
        assert!(is_archive(&xml), "{page}");
    }
    // No archive page is a feed anyone subscribes to: none is in the
    // feeds page or the OPML.
    let opml = std::fs::read_to_string(feeds.join("feeds.opml")).unwrap();
    assert!(!opml.contains("/archive/"), "{opml}");
}

/// A kind the site has not is refused, naming the file, line and the
/// kinds there are.
#[test]
fn an_unknown_archive_kind_is_a_configuration_error() {
    let site = copy_fixture("basic");
    append_config(site.path(), "archive = [\"site\", \"tags\"]");
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("feedpub.toml:"), "{stderr}");
    assert!(stderr.contains("\"tags\""), "{stderr}");
    assert!(stderr.contains("categories"), "{stderr}");
}

/// An edit of one article renders only the archive pages of its month
/// (in each feed it is in), not every page (#16: the cost of archives in
/// an incremental run is the pages that changed).
#[test]
fn an_edit_renders_only_the_archive_pages_of_its_month() {
    let site = copy_fixture("basic");
    append_config(site.path(), "archive = true");
    let first = build(site.path());
    let rendered = |report: &serde_json::Value| -> Vec<String> {
        report["rendered"]
            .as_array()
            .unwrap_or_else(|| panic!("no `rendered` in {report}"))
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect()
    };
    let pages = |paths: &[String]| -> Vec<String> {
        paths
            .iter()
            .filter(|p| p.starts_with("archive/") || p.contains("/archive/"))
            .cloned()
            .collect()
    };
    let all = pages(&rendered(&first));
    assert!(all.len() > 10, "{all:?}");

    let article = site.path().join("content/2024/03/water-power.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("{text}\nA correction.\n")).unwrap();
    let second = build(site.path());
    let again = pages(&rendered(&second));
    assert!(!again.is_empty(), "the edited month is rendered again");
    for page in &again {
        assert!(
            page.contains("/2024-03/"),
            "{page} rendered again: {again:?}"
        );
    }
    assert!(again.len() < all.len() / 2, "{again:?}");
}

/// Turning a format off warns about its archive pages too: they stay on
/// disk, no longer updated, like the subscription feeds of that format.
#[test]
fn turning_a_format_off_warns_about_its_archive_pages_too() {
    let site = copy_fixture("basic");
    append_config(site.path(), "archive = [\"site\"]");
    build(site.path());
    let feeds = site.path().join("feeds");
    let rss_files = files_below(&feeds)
        .into_iter()
        .filter(|f| f.ends_with("rss.xml"))
        .count();
    let pages = files_below(&feeds)
        .into_iter()
        .filter(|f| f.starts_with("archive") && f.ends_with("rss.xml"))
        .count();
    assert!(pages >= 3, "{pages}");

    append_config(
        site.path(),
        "archive = [\"site\"]\nformats = [\"atom\", \"json\"]",
    );
    let config = site.path().join("feedpub.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // append_config added a second `archive` line: keep the last.
    let once = text.replacen("archive = [\"site\"]\n", "", 1);
    std::fs::write(&config, once).unwrap();
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("{rss_files} feed file(s) of a format turned off")),
        "{rss_files} files: {stderr}"
    );
}
