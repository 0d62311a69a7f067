//! End to end with a real feed reader: newsboat subscribes to the feeds
//! `feedpub serve` serves (each URL from the OPML import, and each Atom URL
//! from `feedpub list`), reloads without a terminal, and every feed holds
//! the titles `feedpub preview` promised, read back from newsboat's cache.
#![cfg(feature = "serve")]

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::*;

const NOW: &str = "2024-05-01T00:00:00Z";

/// newsboat with its own urls file, cache, config and home in `dir`: it
/// identifies items by guid across feeds, so each feed gets its own cache.
fn newsboat(dir: &Path) -> Command {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("config"), "").unwrap();
    let mut cmd = Command::new("newsboat");
    cmd.env("HOME", dir)
        .arg("-u")
        .arg(dir.join("urls"))
        .arg("-c")
        .arg(dir.join("cache.db"))
        .arg("-C")
        .arg(dir.join("config"));
    cmd
}

/// The titles newsboat stored for `url`, sorted.
fn cached_titles(cache: &Path, url: &str) -> Vec<String> {
    let script = "import sqlite3, sys, json\n\
        db = sqlite3.connect(sys.argv[1])\n\
        rows = db.execute('select title from rss_item where feedurl = ? order by title', (sys.argv[2],))\n\
        print(json.dumps([r[0] for r in rows]))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(cache)
        .arg(url)
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
fn newsboat_reads_every_served_feed_and_the_opml_import() {
    if !have_tool("newsboat", &["-v"]) || !have_tool("python3", &["-c", "import sqlite3"]) {
        return;
    }
    let site = copy_fixture("basic");
    std::fs::create_dir(site.path().join("feeds")).unwrap();
    let server = serve(site.path(), &[]);
    let addr = server.base.strip_prefix("http://").unwrap();

    // Publish the feeds under the served address, so the OPML points there.
    append_config(site.path(), &format!("feeds_url = \"http://{addr}/\"\n"));
    feedpub(site.path())
        .args(["build", "--now", NOW, "-q"])
        .assert()
        .success();

    let list = feedpub(site.path())
        .args(["list", "--format", "json", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: Vec<serde_json::Value> = serde_json::from_slice(&list).unwrap();
    assert_eq!(list.len(), 11);

    // The OPML import subscribes to every feed, once, by its RSS URL.
    let readers = tempfile::tempdir().unwrap();
    let import = readers.path().join("import");
    let status = newsboat(&import)
        .arg("-i")
        .arg(site.path().join("feeds/feeds.opml"))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let imported: Vec<String> = std::fs::read_to_string(import.join("urls"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect();
    let rss: Vec<String> = list
        .iter()
        .map(|f| f["rss_url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(imported, rss);
    let atom = list
        .iter()
        .map(|f| f["atom_url"].as_str().unwrap().to_string());

    for (n, url) in imported.iter().cloned().chain(atom).enumerate() {
        let preview = feedpub(site.path())
            .args(["preview", &url, "--format", "json", "--now", NOW])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let preview: serde_json::Value = serde_json::from_slice(&preview).unwrap();
        let mut want: Vec<String> = preview["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_string())
            .collect();
        want.sort();
        assert!(!want.is_empty(), "{url}");

        let dir = readers.path().join(n.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("urls"), format!("{url}\n")).unwrap();
        let out = newsboat(&dir).args(["-x", "reload"]).output().unwrap();
        assert!(
            out.status.success(),
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(cached_titles(&dir.join("cache.db"), &url), want, "{url}");
    }
}
