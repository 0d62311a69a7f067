//! Readers agree on what feedpub decides for them: every author of an
//! article with several, the site's author for an article without a byline
//! (Atom and JSON Feed; RSS has none), and the article's summary beside a
//! lead image with alt text. Checked with feed-rs always, and with Python
//! feedparser and newsboat when installed (required in CI).

use std::path::Path;
use std::process::Command;

use crate::support::*;

const NOW: &str = "2024-05-01T00:00:00Z";

/// The feed holding both cases: "Water & power" (two authors) and "ISKP"
/// (an empty byline, a lead image with alt text).
const FEED: &str = "feeds/categories/national-security";

const BOTH: &str = "Aigerim T., John O'Neill";
const SITE_AUTHOR: &str = "Fixture Desk";
const ISKP_SUMMARY: &str = "The group’s hostility is not new, as earlier reporting showed.";

fn feed_rs_entry<'a>(feed: &'a feed_rs::model::Feed, title: &str) -> &'a feed_rs::model::Entry {
    feed.entries
        .iter()
        .find(|e| {
            e.title
                .as_ref()
                .is_some_and(|t| t.content.starts_with(title))
        })
        .unwrap_or_else(|| panic!("no entry {title:?}"))
}

fn names(people: &[feed_rs::model::Person]) -> Vec<&str> {
    people.iter().filter_map(|p| p.name.as_deref()).collect()
}

#[test]
fn feed_rs_shows_every_author_and_the_inherited_one() {
    let site = built_fixture("basic", NOW);
    let read = |file: &str| {
        let bytes = std::fs::read(site.path().join(FEED).join(file)).unwrap();
        feed_rs::parser::parse(&bytes[..]).unwrap()
    };
    let rss = read("rss.xml");
    assert_eq!(names(&feed_rs_entry(&rss, "Water").authors), [BOTH]);
    assert!(feed_rs_entry(&rss, "ISKP").authors.is_empty());

    let atom = read("atom.xml");
    assert_eq!(
        names(&feed_rs_entry(&atom, "Water").authors),
        ["Aigerim T.", "John O'Neill"]
    );
    assert!(
        feed_rs_entry(&atom, "ISKP").authors.is_empty(),
        "inherited, not repeated"
    );
    assert_eq!(names(&atom.authors), [SITE_AUTHOR]);

    let json = read("feed.json");
    assert_eq!(
        names(&feed_rs_entry(&json, "Water").authors),
        ["Aigerim T.", "John O'Neill"]
    );
    assert_eq!(names(&json.authors), [SITE_AUTHOR]);
}

/// What feedparser reads from `path`: per entry (by the first five
/// characters of its title), `author`, the names in `authors`, the value of
/// `summary_detail` and the titles of its links; and the feed's author.
/// (feedparser 6.0 reads no JSON Feed.)
fn feedparser(path: &Path) -> serde_json::Value {
    let script = "import sys, json, feedparser\n\
        d = feedparser.parse(sys.argv[1])\n\
        assert not d.bozo, d.bozo_exception\n\
        print(json.dumps({'author': d.feed.get('author'), 'entries': {e.title[:5]: {\n\
            'author': e.get('author'),\n\
            'authors': [a.get('name') for a in e.get('authors', [])],\n\
            'summary': e.get('summary_detail', {}).get('value'),\n\
            'link_titles': [l.get('title') for l in e.get('links', []) if l.get('title')],\n\
        } for e in d.entries}}))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn feedparser_shows_every_author_and_keeps_the_summary_beside_an_image() {
    if !have_tool("python3", &["-c", "import feedparser"]) {
        return;
    }
    let site = built_fixture("basic", NOW);
    let dir = site.path().join(FEED);

    let rss = feedparser(&dir.join("rss.xml"));
    println!("feedparser, RSS: {rss:#}");
    assert_eq!(rss["entries"]["Water"]["author"], BOTH);
    assert_eq!(rss["entries"]["ISKP:"]["author"], serde_json::Value::Null);
    // media:title does not replace summary_detail, as media:description did.
    assert_eq!(rss["entries"]["ISKP:"]["summary"], ISKP_SUMMARY);

    let atom = feedparser(&dir.join("atom.xml"));
    println!("feedparser, Atom: {atom:#}");
    assert_eq!(
        atom["entries"]["Water"]["authors"],
        serde_json::json!(["Aigerim T.", "John O'Neill"])
    );
    assert_eq!(atom["author"], SITE_AUTHOR);
    assert_eq!(atom["entries"]["ISKP:"]["summary"], ISKP_SUMMARY);
    // Every author is in `authors`; `author` keeps only the last, whatever
    // feedpub writes (one `<author>` per person is what RFC 4287 means).
    assert_eq!(atom["entries"]["Water"]["author"], "John O'Neill");
    // No byline: no author of its own; the feed's is inherited.
    assert_eq!(atom["entries"]["ISKP:"]["author"], serde_json::Value::Null);
    // The alt text stays readable, as the enclosure's title.
    assert_eq!(
        atom["entries"]["ISKP:"]["link_titles"],
        serde_json::json!(["Flag of Tajikistan"])
    );
}

/// The (title, author) pairs newsboat stores after reading the feed file
/// at `path`, with a cache of its own.
fn newsboat_authors(home: &Path, path: &Path) -> Vec<(String, String)> {
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(home.join("config"), "").unwrap();
    std::fs::write(home.join("urls"), format!("file://{}\n", path.display())).unwrap();
    let out = Command::new("newsboat")
        .env("HOME", home)
        .arg("-u")
        .arg(home.join("urls"))
        .arg("-c")
        .arg(home.join("cache.db"))
        .arg("-C")
        .arg(home.join("config"))
        .arg("-x")
        .arg("reload")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = "import sqlite3, sys, json\n\
        db = sqlite3.connect(sys.argv[1])\n\
        print(json.dumps(db.execute('select title, author from rss_item order by title').fetchall()))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(home.join("cache.db"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn newsboat_shows_every_author() {
    if !have_tool("newsboat", &["-v"]) || !have_tool("python3", &["-c", "import sqlite3"]) {
        return;
    }
    let site = built_fixture("basic", NOW);
    let dir = site.path().join(FEED);
    let author = |rows: &[(String, String)], title: &str| {
        rows.iter()
            .find(|(t, _)| t.starts_with(title))
            .unwrap_or_else(|| panic!("no item {title:?} in {rows:?}"))
            .1
            .clone()
    };
    let rss = newsboat_authors(&site.path().join("nb-rss"), &dir.join("rss.xml"));
    println!("newsboat, RSS: {rss:?}");
    assert_eq!(author(&rss, "Water"), BOTH);
    assert_eq!(author(&rss, "ISKP"), "");
    let atom = newsboat_authors(&site.path().join("nb-atom"), &dir.join("atom.xml"));
    println!("newsboat, Atom: {atom:?}");
    // newsboat joins the Atom authors itself.
    assert_eq!(author(&atom, "Water"), BOTH);
    // It does not show the feed's author on an entry: as in RSS.
    assert_eq!(author(&atom, "ISKP"), "");
}
