//! `feedpub build` end to end: golden feeds, byte stability, round trips
//! through independent parsers, and pinned error reports.

use std::path::Path;

use crate::support::*;
use predicates::prelude::*;

const NOW: &str = "2024-05-01T00:00:00Z";

fn build_basic() -> tempfile::TempDir {
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "7 articles read, 5 published (1 draft, 1 scheduled left out); 35 files: 35 written, 0 unchanged;",
        ))
        .stdout(predicate::str::ends_with("next scheduled change: 2024-06-01T04:00:00Z\n"))
        .stderr("");
    site
}

/// The feed files below `dir`, without the discovery files (`feeds.opml`,
/// `index.html`), which `discovery_files_list_every_feed` checks.
fn feed_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let files: Vec<_> = files_below(dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
        .collect();
    assert_eq!(files.len(), 22, "{files:?}");
    files
}

#[test]
fn discovery_files_list_every_feed() {
    let site = build_basic();
    let feeds = site.path().join("feeds");
    let opml = std::fs::read_to_string(feeds.join("feeds.opml")).unwrap();
    let doc = roxmltree::Document::parse(&opml).unwrap();
    let mut listed: Vec<String> = doc
        .descendants()
        .filter_map(|n| n.attribute("xmlUrl"))
        .map(|u| {
            u.strip_prefix("https://news.example.org/feeds/")
                .unwrap()
                .to_string()
        })
        .collect();
    listed.sort();
    let mut rss: Vec<String> = feed_files(&feeds)
        .into_iter()
        .filter(|f| f.ends_with("rss.xml"))
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    rss.sort();
    assert_eq!(listed, rss, "one outline per feed, by its RSS URL");
    let html = std::fs::read_to_string(feeds.join("index.html")).unwrap();
    let json_files: Vec<_> = files_below(&feeds)
        .into_iter()
        .filter(|f| f.ends_with("feed.json"))
        .collect();
    assert_eq!(json_files.len(), 11, "a JSON Feed beside every RSS feed");
    for file in feed_files(&feeds).into_iter().chain(json_files) {
        let href = format!("href=\"{}\"", file.to_string_lossy());
        assert_eq!(
            html.matches(&href).count(),
            2,
            "autodiscovery tag and link for {href}"
        );
    }
    // The page is HTML5, which xmllint's HTML 4 parser does not know:
    // page.rs validates it with the Nu HTML checker instead.
}

#[test]
fn basic_fixture_matches_golden_feeds() {
    let site = build_basic();
    expect_dir(
        &fixtures().join("basic/expected/feeds"),
        &site.path().join("feeds"),
    );
}

#[test]
fn second_build_changes_no_byte_and_no_mtime() {
    let site = build_basic();
    let feeds = site.path().join("feeds");
    let before: Vec<_> = files_below(&feeds)
        .into_iter()
        .map(|f| {
            let path = feeds.join(&f);
            (
                f,
                std::fs::read(&path).unwrap(),
                std::fs::metadata(&path).unwrap().modified().unwrap(),
            )
        })
        .collect();
    feedpub(site.path())
        .args(["build", "--now", NOW, "--quiet"])
        .assert()
        .success()
        .stdout("");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "35 files: 0 written, 35 unchanged",
        ));
    for (rel, bytes, mtime) in before {
        let path = feeds.join(&rel);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{}", rel.display());
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            mtime,
            "{}",
            rel.display()
        );
    }
}

#[test]
fn every_feed_is_strictly_well_formed_and_parses_in_feed_rs() {
    let site = build_basic();
    let feeds = site.path().join("feeds");
    for rel in feed_files(&feeds) {
        let text = std::fs::read_to_string(feeds.join(&rel)).unwrap();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
        feed_rs::parser::parse(text.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
    }
}

/// The fields of one entry as feed-rs reads them back.
fn entry<'a>(feed: &'a feed_rs::model::Feed, link: &str) -> &'a feed_rs::model::Entry {
    feed.entries
        .iter()
        .find(|e| e.links.iter().any(|l| l.href == link))
        .unwrap_or_else(|| panic!("no entry links to {link}"))
}

#[test]
fn fields_round_trip_through_feed_rs_in_both_formats() {
    let site = build_basic();
    for file in ["rss.xml", "atom.xml"] {
        let bytes = std::fs::read(site.path().join("feeds").join(file)).unwrap();
        let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
        assert_eq!(
            feed.title.as_ref().unwrap().content,
            "Fixture News & Views",
            "{file}"
        );
        assert_eq!(feed.entries.len(), 3, "limit = 3 in {file}");
        let titles: Vec<&str> = feed
            .entries
            .iter()
            .map(|e| e.title.as_ref().unwrap().content.as_str())
            .collect();
        assert_eq!(
            titles,
            [
                "An undated note",
                "Central Asia summit ends without a deal",
                "Энергетический баланс: зима < лета?",
            ],
            "newest first in {file}"
        );
        let undated = entry(&feed, "https://news.example.org/2024/04/undated/");
        assert_eq!(
            undated.published.unwrap().to_rfc3339(),
            "2024-05-01T00:00:00+00:00",
            "stamped with --now"
        );

        let energy = entry(&feed, "https://news.example.org/2024/04/energy-balance/");
        assert_eq!(
            energy.id,
            "https://news.example.org/2024/04/energy-balance/"
        );
        assert_eq!(
            energy.published.unwrap().to_rfc3339(),
            "2024-04-02T08:15:00+00:00",
            "{file}"
        );
        let authors: Vec<&str> = energy
            .authors
            .iter()
            .map(|a| a.name.as_deref().unwrap())
            .collect();
        assert_eq!(authors, ["Алишер Рахимов"], "{file}");
        let categories: Vec<&str> = energy.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(
            categories,
            ["Энергетика", "Economy", "Kyrgyzstan", "Kazakhstan"],
            "{file}"
        );
        let content = energy.content.as_ref().unwrap().body.as_deref().unwrap();
        assert!(
            content.contains("src=\"https://news.example.org/2024/04/energy-balance/chart.png\""),
            "{file}"
        );

        let bytes =
            std::fs::read(site.path().join("feeds/countries/tajikistan").join(file)).unwrap();
        let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
        let iskp = entry(&feed, "https://news.example.org/2024/03/iskp-threat/");
        let html = iskp.content.as_ref().unwrap().body.as_deref().unwrap();
        assert!(
            !html.contains("<script") && !html.contains("onclick"),
            "{file}: {html}"
        );
        let image = iskp.media.first().and_then(|m| m.content.first()).unwrap();
        assert_eq!(
            image.url.as_ref().unwrap().as_str(),
            "https://news.example.org/img/tj.png",
            "{file}"
        );
    }

    // The site feed's limit drops older articles; their category feeds have them.
    let bytes = std::fs::read(
        site.path()
            .join("feeds/categories/national-security/atom.xml"),
    )
    .unwrap();
    let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
    let water = entry(&feed, "https://news.example.org/2024/03/water-power/");
    assert_eq!(
        water.title.as_ref().unwrap().content,
        "Water & power: the \"winter deficit\" returns 💡"
    );
    assert_eq!(
        water.summary.as_ref().unwrap().content,
        "Reservoirs are low <again> & tempers are high."
    );
    let authors: Vec<&str> = water
        .authors
        .iter()
        .map(|a| a.name.as_deref().unwrap())
        .collect();
    assert_eq!(authors, ["Aigerim T.", "John O'Neill"]);
    // "national security" in the file is filed under the term's spelling.
    let categories: Vec<&str> = water.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(categories, ["National Security", "Kyrgyzstan"]);
}

#[test]
fn entries_without_byline_inherit_the_feed_author_in_atom_and_have_none_in_rss() {
    let site = build_basic();
    let rss = std::fs::read_to_string(site.path().join("feeds/countries/russia/rss.xml")).unwrap();
    assert!(
        !rss.contains("<dc:creator>") && !rss.contains("<author>"),
        "{rss}"
    );
    let atom = std::fs::read(site.path().join("feeds/countries/russia/atom.xml")).unwrap();
    let feed = feed_rs::parser::parse(&atom[..]).unwrap();
    // RFC 4287 4.2.1: the entry inherits the feed's author, written once.
    assert!(
        feed.entries[0].authors.is_empty(),
        "{:?}",
        feed.entries[0].authors
    );
    assert_eq!(feed.authors[0].name.as_deref(), Some("Fixture Desk"));
}

#[test]
fn outside_xml_tools_accept_every_feed() {
    let site = build_basic();
    let feeds = site.path().join("feeds");
    let all: Vec<_> = feed_files(&feeds)
        .into_iter()
        .map(|f| feeds.join(f))
        .collect();
    assert_outside_validators_accept(&all);
}

#[test]
fn strict_invalid_content_reports_every_problem_and_publishes_nothing() {
    let site = copy_fixture("invalid-content");
    let feeds = site.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    std::fs::write(feeds.join("rss.xml"), "previously published").unwrap();
    let output = feedpub(site.path())
        .args(["build", "--strict", "--now", NOW])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    expect_file(
        &fixtures().join("invalid-content/expected/stderr.txt"),
        &output.stderr,
    );
    assert_eq!(
        std::fs::read_to_string(feeds.join("rss.xml")).unwrap(),
        "previously published"
    );
    assert_eq!(files_below(&feeds), [Path::new("rss.xml")]);
}

#[test]
fn an_article_with_errors_is_left_out_and_every_other_is_published() {
    // #10 "One bad file must not stop a newsroom": exit 5, problems on stderr.
    let site = copy_fixture("invalid-content");
    let output = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(5)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/2024/bad-date.md:3: error[InvalidDate]: `date`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "content/2024/second.md: error[DuplicateUrl]: the article has the same URL as content/2024/first.md"
        ),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("7 article(s) with errors were left out; every other article was published"),
        "{stderr}"
    );
    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert_eq!(rss.matches("<item>").count(), 1, "{rss}");
    assert!(rss.contains("<title>A</title>"), "{rss}");
    // "Water & Climate" and "Water Climate" share a slug: one term, as in Hugo.
    assert!(
        site.path()
            .join("feeds/categories/water-climate/rss.xml")
            .is_file()
    );

    // `strict = true` in the configuration is all or nothing.
    append_config(site.path(), "strict = true\n");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(1);
}

#[test]
fn a_published_article_that_breaks_keeps_its_ledger_entry_and_id() {
    let site = build_basic();
    let article = site.path().join("content/2024/03/water-power.md");
    let good = std::fs::read_to_string(&article).unwrap();
    let ledger = || std::fs::read_to_string(site.path().join("feedpub-ledger.toml")).unwrap();
    let before = ledger();
    assert!(before.contains("2024/03/water-power.md"), "{before}");
    std::fs::write(
        &article,
        good.replace("date: 2024-03-20", "date: 2024-13-45"),
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "this article was published before: readers keep their copy",
        ));
    assert!(ledger().contains("2024/03/water-power.md"));
    std::fs::write(&article, good).unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(0);
    assert_eq!(ledger(), before);
}

#[test]
fn config_errors_exit_2_with_a_suggestion() {
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("feedpub.toml"),
        "title = \"x\"\nbase_url = \"https://x.org\"\nlimt = 5\n",
    )
    .unwrap();
    feedpub(site.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "feedpub.toml:3:1: error[InvalidToml]: unknown field `limt`",
        ))
        .stderr(predicate::str::contains("help: did you mean `limit`?"));
    feedpub(site.path())
        .args(["build", "--now", "yesterday"])
        .assert()
        .code(2);
    feedpub(site.path()).arg("frobnicate").assert().code(2);
}

#[test]
fn dry_run_writes_nothing_and_json_reports_the_run() {
    let site = copy_fixture("basic");
    let output = feedpub(site.path())
        .args(["build", "--now", NOW, "--dry-run", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(!site.path().join("feeds").exists());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["published"], 5);
    assert_eq!(report["files"], 35);
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["next_change"], "2024-06-01T04:00:00Z");
}

#[test]
fn path_flags_override_the_layout() {
    let site = copy_fixture("basic");
    std::fs::rename(site.path().join("content"), site.path().join("articles")).unwrap();
    feedpub(site.path())
        .args([
            "--content",
            "articles",
            "--out",
            "public/feeds",
            "build",
            "--now",
            NOW,
            "-q",
        ])
        .assert()
        .success();
    assert!(
        site.path()
            .join("public/feeds/countries/tajikistan/atom.xml")
            .is_file()
    );
}

#[test]
fn committed_sample_feeds_are_up_to_date() {
    // Built in a copy, so the test never touches the repository's ledger.
    // The committed feeds are copied too, without the lock file (ignored by
    // git): a fresh clone's build must take them for its own.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().unwrap();
    for dir in ["content", "static", "feeds"] {
        std::fs::create_dir_all(site.path().join(dir)).unwrap();
        copy_tree(&root.join(dir), &site.path().join(dir), &[".feedpub.lock"]);
    }
    for file in ["feedpub.toml", "feedpub-ledger.toml"] {
        std::fs::copy(root.join(file), site.path().join(file)).unwrap();
    }
    feedpub(site.path())
        .args(["build", "--quiet"])
        .assert()
        .success()
        .stdout("");
    // Regenerate with `cargo run -- build` at the repository root (or
    // UPDATE_EXPECT=1).
    expect_dir(&root.join("feeds"), &site.path().join("feeds"));
    expect_file(
        &root.join("feedpub-ledger.toml"),
        std::fs::read(site.path().join("feedpub-ledger.toml")).unwrap(),
    );
}

/// Set every content file's modification time an hour back, as for files
/// not edited during the run (the cache skips files changed moments ago).
fn age_content(site: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for rel in files_below(&site.join("content")) {
        let file = std::fs::File::options()
            .append(true)
            .open(site.join("content").join(rel))
            .unwrap();
        file.set_modified(hour_ago).unwrap();
    }
}

#[test]
fn cached_front_matter_gives_the_same_feeds_and_follows_edits() {
    let site = copy_fixture("basic");
    let dir = site.path();
    age_content(dir);
    feedpub(dir)
        .args(["build", "-q", "--now", NOW])
        .assert()
        .success();
    // A binary file (#12); the JSON one of earlier versions is gone.
    let cache = std::fs::read(dir.join(".feedpub-cache")).unwrap();
    assert!(cache.starts_with(b"fpcache\x1a"), "{:?}", &cache[..16]);
    assert!(!dir.join(".feedpub-cache.json").exists());

    // From the cache: the same feeds as a build without it.
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 written"));
    let uncached = tempfile::tempdir().unwrap();
    std::fs::remove_file(dir.join(".feedpub-cache")).unwrap();
    feedpub(dir)
        .args(["build", "-q", "--now", NOW, "--out"])
        .arg(uncached.path())
        .assert()
        .success();
    assert_same_tree(
        &dir.join("feeds"),
        uncached.path(),
        "cached and uncached builds",
    );

    // An edited file is read again.
    let path = dir.join("content/2024/03/iskp-threat.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("the rise of a new threat", "a renewed threat"),
    )
    .unwrap();
    feedpub(dir)
        .args(["build", "-q", "--now", NOW])
        .assert()
        .success();
    let feed = std::fs::read_to_string(dir.join("feeds/countries/tajikistan/rss.xml")).unwrap();
    assert!(feed.contains("ISKP: a renewed threat"), "{feed}");
}

/// `feedpub build` in a copy of the basic fixture with `extra` appended to
/// its feedpub.toml and `args` after `build`: exit 2 with `message`, and
/// nothing written anywhere.
fn refused(extra: &str, args: &[&str], message: &str) {
    let site = copy_fixture("basic");
    append_config(site.path(), extra);
    let before = files_below(site.path());
    feedpub(site.path())
        .arg("build")
        .args(["--now", NOW])
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(message));
    assert_eq!(files_below(site.path()), before, "{extra} {args:?}");
}

#[test]
fn state_and_output_paths_that_collide_are_refused_at_load() {
    // Issue 11: each of these overwrote a file or published the state.
    refused(
        "ledger = \"feeds/rss.xml\"\n",
        &[],
        "feedpub.toml:14:1: error[ConflictingPaths]: `ledger` (feeds/rss.xml) is inside the output directory",
    );
    refused(
        "ledger = \"feeds/state/ledger.toml\"\n",
        &[],
        "`ledger` (feeds/state/ledger.toml) is inside the output directory",
    );
    refused(
        "ledger = \".feedpub-cache.json\"\n",
        &[],
        "`ledger` (.feedpub-cache.json) is the front-matter cache's file",
    );
    refused(
        "ledger = \".feedpub-cache\"\n",
        &[],
        "`ledger` (.feedpub-cache) is the front-matter cache's file",
    );
    refused(
        "ledger = \"feedpub.toml\"\n",
        &[],
        "`ledger` (feedpub.toml) is the configuration file",
    );
    refused("", &["--out", "/"], "the output directory / holds");
    refused("", &["--out", "."], "the output directory . holds");
    refused(
        "",
        &["--out", "content"],
        "the output directory content holds",
    );
    refused(
        "",
        &["--out", "content/2024/feeds"],
        "the output directory content/2024/feeds is inside the content directory",
    );
    refused(
        "",
        &["--out", "feedpub.toml"],
        "the output directory feedpub.toml is not a directory",
    );
    refused(
        "",
        &["--content", "missing"],
        "the content directory missing does not exist",
    );
    refused(
        "",
        &["--content", "feedpub.toml"],
        "the content directory feedpub.toml is not a directory",
    );
}

#[test]
fn config_values_that_would_publish_broken_links_or_text_are_refused() {
    let base = "title = \"x\"\n";
    for (url, what) in [
        ("https://x.org/?a=1", "a query"),
        ("https://x.org/#top", "a fragment"),
        ("https://user:pw@x.org/", "a user name or password"),
        ("https://x.org:0/", "port 0"),
    ] {
        let site = copy_fixture("basic");
        std::fs::write(
            site.path().join("feedpub.toml"),
            format!("{base}base_url = \"{url}\"\n"),
        )
        .unwrap();
        feedpub(site.path())
            .args(["build", "--now", NOW])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "feedpub.toml:2:1: error[InvalidSetting]: base_url {url:?} has {what}"
            )));
    }
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("feedpub.toml"),
        "base_url = \"https://x.org\"\ntitle = \"News\\u0007\"\n",
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "feedpub.toml:2:1: error[InvalidSetting]: `title` contains the control character U+0007",
        ));
}

#[test]
fn unsafe_url_schemes_never_reach_a_feed() {
    // Issue 11: these were published as enclosure, media:content and guid.
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("content/2024/04/evil.md"),
        "---\ntitle: Evil\ndate: 2024-04-20\nid: \"javascript:alert(1)\"\n\
         image: \"file:///etc/passwd\"\ncategories: [Economy]\n---\nBody.\n",
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("javascript:alert(1)"))
        .stderr(predicate::str::contains("file:///etc/passwd"));
    // Only the lock file: no feed.
    assert!(files_below(&site.path().join("feeds")).is_empty());
}

#[test]
fn a_very_long_category_gets_a_feed_with_a_short_slug() {
    // Issue 11: a 300-byte category exited 4 "File name too long". A short
    // name can make a long slug too: each "щ" becomes "shch".
    let site = copy_fixture("basic");
    let long = "Щщщщ ".repeat(35);
    std::fs::write(
        site.path().join("content/2024/04/long.md"),
        format!(
            "---\ntitle: Long\ndate: 2024-04-20\ncategories: [\"{}\"]\n---\nBody.\n",
            long.trim()
        ),
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let categories = site.path().join("feeds/categories");
    let longest = std::fs::read_dir(&categories)
        .unwrap()
        .map(|e| e.unwrap().file_name().len())
        .max()
        .unwrap();
    // Cut (with a hash, so it stays distinct) well below the 255 bytes a
    // file system allows in a folder name.
    assert!(longest <= feedpub::taxonomy::MAX_SLUG_BYTES, "{longest}");
    const _: () = assert!(feedpub::taxonomy::MAX_SLUG_BYTES < 255);
}

#[test]
fn a_hugo_site_gets_the_same_path_checks() {
    let site = copy_fixture("hugo-links");
    feedpub(site.path())
        .args(["build", "--now", NOW, "--out", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the output directory . holds the site itself",
        ));
}

#[test]
fn an_output_directory_with_files_feedpub_did_not_write_is_refused_unless_forced() {
    // Issue 11: `--out .` silently overwrote a site's own index.html; a
    // site generator's output directory is just as foreign.
    let site = copy_fixture("basic");
    let public = site.path().join("public");
    std::fs::create_dir_all(public.join("posts")).unwrap();
    std::fs::write(public.join("index.html"), "<h1>My site</h1>").unwrap();
    std::fs::write(public.join("posts/one.html"), "<p>One</p>").unwrap();
    let before = files_below(site.path());
    feedpub(site.path())
        .args(["build", "--now", NOW, "--out", "public"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "public: error[ForeignOutputDirectory]: the output directory public holds index.html, which feedpub did not write\n  \
             help: pass another --out (a directory of its own, such as feeds/), or --force-out",
        ));
    assert_eq!(files_below(site.path()), before, "nothing written");
    feedpub(site.path())
        .args([
            "build",
            "-q",
            "--now",
            NOW,
            "--out",
            "public",
            "--force-out",
        ])
        .assert()
        .success();
    assert!(public.join("categories/economy/rss.xml").is_file());
    // A build has run there now: the next one needs no flag.
    feedpub(site.path())
        .args(["build", "-q", "--now", NOW, "--out", "public"])
        .assert()
        .success();
    // Committed feeds without the lock file (a fresh clone) are feedpub's.
    let site = build_basic();
    std::fs::remove_file(site.path().join("feeds/.feedpub.lock")).unwrap();
    feedpub(site.path())
        .args(["build", "-q", "--now", NOW])
        .assert()
        .success();
}

#[test]
fn names_differing_only_in_invisible_characters_are_shown_escaped() {
    // Issue 11: "Tajik\u{200B}istan" was reported as "Tajikistan".
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("content/2024/04/zwsp.md"),
        "---\ntitle: Hidden\ndate: 2024-04-20\ncountries: [\"Tajik\u{200B}istan\u{202E}\"]\n---\nBody.\n",
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .stderr(predicate::str::contains(
            "unknown country \"Tajik\\u{200b}istan\\u{202e}\"",
        ));
}

#[cfg(unix)]
#[test]
fn json_reports_stay_complete_with_file_names_that_are_not_utf8() {
    // Issue 11: the JSON report stopped mid-object after publishing (exit 4),
    // and escape sequences in file names reached the terminal raw.
    use std::os::unix::ffi::OsStrExt;
    let site = copy_fixture("basic");
    let name = std::ffi::OsStr::from_bytes(b"bad\xff\x1b[2J.md");
    std::fs::write(
        site.path().join("content/2024/04").join(name),
        "---\ntitle: Odd\ndate: 2024-04-20\nupdated: 2024-04-01\n---\nBody.\n",
    )
    .unwrap();
    let output = feedpub(site.path())
        .args(["--format", "json", "build", "--now", NOW])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(stderr.contains("bad\\xFF\\u{1b}[2J.md"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let path = report["warnings"][0]["path"].as_str().unwrap();
    assert!(path.ends_with("bad\\xFF\\u{1b}[2J.md"), "{path}");
}

#[test]
fn raw_html_nested_too_deep_leaves_the_article_out_quickly() {
    // Issue 11: 100,000 nested <div>s in an article body.
    let site = copy_fixture("basic");
    let deep = "<div>".repeat(100_000) + "x" + &"</div>".repeat(100_000);
    std::fs::write(
        site.path().join("content/2024/04/deep.md"),
        format!("---\ntitle: Deep\ndate: 2024-04-20\n---\nIntro.\n\n{deep}\n"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .stderr(predicate::str::contains(
            "deep.md:7: error[HtmlTooDeep]: the HTML in the body nests more than 256 elements deep\n  \
             help: close the elements you open",
        ));
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

/// A `[[feeds]]` filter in feedpub.toml publishes a custom feed in every
/// format under `feeds/custom/<slug>/`, listed in the discovery files and
/// valid (#10: "National Security in Central Asia").
#[test]
fn custom_filter_feeds_are_published_listed_and_valid() {
    let site = copy_fixture("basic");
    append_config(
        site.path(),
        "\n[[feeds]]\nname = \"National Security in Central Asia\"\nslug = \"central-asia-security\"\nall = { categories = [\"National Security\"] }\nany = { countries = [\"TJ\", \"KG\", \"KZ\", \"UZ\", \"TM\"] }\n\n[[feeds]]\nname = \"Not by the desk\"\nany = { countries = [\"Central Asia\", \"Kazakhstan\"] }\nnone = { authors = [\"farida nazarova\"] }\n",
    );
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let feeds = site.path().join("feeds");
    let links = |path: &str| -> Vec<String> {
        let xml = std::fs::read_to_string(feeds.join(path)).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("item"))
            .filter_map(|i| i.children().find(|c| c.has_tag_name("link")))
            .filter_map(|l| l.text().map(str::to_string))
            .collect()
    };
    assert_eq!(
        links("custom/central-asia-security/rss.xml"),
        [
            "https://news.example.org/2024/03/iskp-threat/",
            "https://news.example.org/2024/03/water-power/"
        ]
    );
    assert!(
        feeds
            .join("custom/central-asia-security/atom.xml")
            .is_file()
    );
    assert!(
        feeds
            .join("custom/central-asia-security/feed.json")
            .is_file()
    );
    assert!(feeds.join("custom/not-by-the-desk/rss.xml").is_file());
    let opml = std::fs::read_to_string(feeds.join("feeds.opml")).unwrap();
    assert!(
        opml.contains("feeds/custom/central-asia-security/rss.xml"),
        "{opml}"
    );
    let html = std::fs::read_to_string(feeds.join("index.html")).unwrap();
    assert!(html.contains("Custom feeds"), "{html}");
    assert!(
        html.contains("href=\"custom/not-by-the-desk/atom.xml\""),
        "{html}"
    );
    feedpub(site.path())
        .args(["check", "feeds"])
        .assert()
        .success();

    // A filter on something the site does not have is a config error that
    // says what it has.
    let config = site.path().join("feedpub.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[[feeds]]\nname = \"Tagged\"\nany = { tags = [\"x\"] }\n");
    // The error points at the table's `[[feeds]]` line.
    let line = text.lines().position(|l| l == "name = \"Tagged\"").unwrap();
    std::fs::write(&config, &text).unwrap();
    feedpub(site.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "feedpub.toml:{line}:1: error[InvalidCustomFeed]: custom feed \"Tagged\": `any` filters on `tags`, which the site does not have",
        )))
        .stderr(predicate::str::contains("categories, countries, authors"));
}
