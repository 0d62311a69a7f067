//! Hugo sites with no `feedpub.toml` (#10): feedpub reads the site's own
//! Hugo configuration, and every item link is the permalink Hugo gives the
//! page. The links Hugo itself publishes for `tests/fixtures/hugo-links` are
//! kept in `expected/hugo-links.txt`; where `hugo` is installed (always in
//! CI) the test runs it and checks that file is still what Hugo says.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::*;
use predicates::prelude::*;

const NOW: &str = "2025-01-01T00:00:00Z";
const FIXTURE: &str = "hugo-links";
const SITE: &str = "https://blog.example.org/";

/// Taxonomies the fixture configures (their term feeds are compared).
const TAXONOMIES: &[&str] = &["tags", "categories", "countries"];

/// Hugo lists undated pages last; feedpub leaves them out (documented).
const UNDATED: &[&str] = &["https://blog.example.org/docs/faq/"];

/// Hugo's feeds by path (`index.xml`, `posts/index.xml`, …) → item links,
/// in Hugo's order.
type Links = BTreeMap<String, Vec<String>>;

/// The item links of an RSS file, in order (the channel link dropped).
fn item_links(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|item| item.children().find(|c| c.has_tag_name("link")))
        .filter_map(|l| l.text().map(str::to_string))
        .collect()
}

fn golden_path(fixture: &str) -> std::path::PathBuf {
    fixtures().join(fixture).join("expected/hugo-links.txt")
}

fn read_golden(fixture: &str) -> Links {
    let text = std::fs::read_to_string(golden_path(fixture)).unwrap();
    let mut links = Links::new();
    for line in text.lines() {
        let (feed, link) = line.split_once('\t').unwrap();
        links
            .entry(feed.to_string())
            .or_default()
            .push(link.to_string());
    }
    links
}

fn write_golden(links: &Links) -> String {
    let mut out = String::new();
    for (feed, items) in links {
        for link in items {
            out.push_str(&format!("{feed}\t{link}\n"));
        }
    }
    out
}

/// Run Hugo on `site`, publishing into a temporary folder it returns.
fn hugo_publish(site: &Path) -> tempfile::TempDir {
    let public = tempfile::tempdir().unwrap();
    run_ok(
        "hugo",
        &[
            "--source".as_ref(),
            site.as_os_str(),
            "--destination".as_ref(),
            public.path().as_os_str(),
            "--quiet".as_ref(),
        ],
    );
    public
}

/// Run Hugo on the fixture and collect the links of every feed it writes.
fn hugo_links(fixture: &str) -> Links {
    let site = copy_fixture(fixture);
    let out = hugo_publish(site.path());
    let mut links = Links::new();
    for rel in files_below(out.path()) {
        if rel.file_name().is_some_and(|n| n == "index.xml") {
            let xml = std::fs::read_to_string(out.path().join(&rel)).unwrap();
            let items = item_links(&xml);
            if !items.is_empty() {
                links.insert(rel.to_string_lossy().replace('\\', "/"), items);
            }
        }
    }
    links
}

/// Hugo's links for `fixture` are still those in its golden file.
fn check_golden(fixture: &str) {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    let actual = write_golden(&hugo_links(fixture));
    expect_file(&golden_path(fixture), actual);
}

#[test]
fn golden_links_are_what_hugo_publishes() {
    check_golden(FIXTURE);
}

fn feedpub_links(site: &Path, rss: &str) -> Vec<String> {
    let path = site.join("feeds").join(rss);
    let xml = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    item_links(&xml)
}

fn without_undated(links: &[String]) -> Vec<String> {
    links
        .iter()
        .filter(|l| !UNDATED.contains(&l.as_str()))
        .cloned()
        .collect()
}

#[test]
fn zero_config_build_links_every_item_as_hugo_does() {
    let site = copy_fixture(FIXTURE);
    assert!(!site.path().join("feedpub.toml").exists());
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(FIXTURE);
    let mut compared = 0;

    // Site-wide: Hugo's home feed, restricted to `params.mainSections`.
    let main: BTreeSet<&String> = ["posts/index.xml", "news/index.xml"]
        .iter()
        .flat_map(|f| &hugo[*f])
        .collect();
    let want: Vec<String> = without_undated(&hugo["index.xml"])
        .into_iter()
        .filter(|l| main.contains(l))
        .collect();
    assert_eq!(
        feedpub_links(site.path(), "rss.xml"),
        want,
        "site-wide feed"
    );
    compared += want.len();

    // Every Hugo section and term feed has its feedpub twin with the same
    // links; a feedpub section covers its nested sections too.
    let mut sections: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (feed, links) in &hugo {
        let parts: Vec<&str> = feed.trim_end_matches("/index.xml").split('/').collect();
        if feed == "index.xml" {
            continue;
        }
        if TAXONOMIES.contains(&parts[0]) {
            if parts.len() == 2 {
                let got = feedpub_links(site.path(), &format!("{}/{}/rss.xml", parts[0], parts[1]));
                assert_eq!(got, without_undated(links), "{feed}");
                compared += got.len();
            }
            continue;
        }
        sections
            .entry(parts[0].to_string())
            .or_default()
            .extend(without_undated(links));
    }
    for (section, want) in sections {
        let got: BTreeSet<String> =
            feedpub_links(site.path(), &format!("sections/{section}/rss.xml"))
                .into_iter()
                .collect();
        assert_eq!(got, want, "section {section}");
        compared += got.len();
    }
    assert!(compared >= 30, "only {compared} links compared");

    // And every page of Hugo's home feed has that URL in some feedpub feed,
    // except the undated ones and the one page outside every section.
    let all: BTreeSet<String> = files_below(&site.path().join("feeds"))
        .into_iter()
        .filter(|f| f.ends_with("rss.xml"))
        .flat_map(|f| feedpub_links(site.path(), &f.to_string_lossy()))
        .collect();
    for link in without_undated(&hugo["index.xml"]) {
        if link != format!("{SITE}about/") {
            assert!(all.contains(&link), "{link} is in no feedpub feed");
        }
    }
}

/// Only a real publish pins ids (#10): a trial with `--dry-run`, `preview`,
/// `list` or `check` writes no ledger, so fixing the permalinks afterwards
/// changes the links and the ids together.
#[test]
fn trial_runs_pin_nothing_and_a_fixed_pattern_changes_ids() {
    let site = copy_fixture(FIXTURE);
    let dir = site.path();
    let ledger = dir.join("feedpub-ledger.toml");
    for args in [
        &["build", "--now", NOW, "--dry-run"][..],
        &["preview", "--now", NOW],
        &["list", "--now", NOW],
    ] {
        feedpub(dir).args(args).assert().success();
        assert!(!ledger.exists(), "{args:?} wrote the ledger");
        assert!(!dir.join("feeds").exists(), "{args:?} wrote feeds");
    }
    feedpub(dir).args(["check", "feeds"]).assert().failure();
    assert!(!ledger.exists(), "check wrote the ledger");

    // The site fixes its pattern before the first real publish.
    let permalinks = dir.join("config/_default/permalinks.toml");
    let text = std::fs::read_to_string(&permalinks).unwrap();
    std::fs::write(
        &permalinks,
        text.replace("/:year/:month/:slug/", "/blog/:slug/"),
    )
    .unwrap();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    assert!(ledger.exists());
    let xml = std::fs::read_to_string(dir.join("feeds/sections/posts/rss.xml")).unwrap();
    assert!(
        xml.contains("<guid>https://blog.example.org/blog/custom-slug-here/</guid>"),
        "{xml}"
    );
    assert!(!xml.contains("/2024/02/custom-slug-here/"), "{xml}");
}

/// A `feedpub.toml` beside the Hugo configuration overrides it key by key,
/// and its keys stay strict.
#[test]
fn feedpub_toml_overrides_hugo_settings_and_stays_strict() {
    let site = copy_fixture(FIXTURE);
    let dir = site.path();
    std::fs::write(
        dir.join("feedpub.toml"),
        "title = \"Own title\"\nlimit = 2\n",
    )
    .unwrap();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let xml = std::fs::read_to_string(dir.join("feeds/rss.xml")).unwrap();
    assert!(xml.contains("<title>Own title</title>"), "{xml}");
    assert_eq!(item_links(&xml).len(), 2);
    assert!(
        xml.contains("<link>https://blog.example.org/</link>"),
        "{xml}"
    );

    std::fs::write(dir.join("feedpub.toml"), "titel = \"Typo\"\n").unwrap();
    let out = feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("feedpub.toml:1:1"), "{stderr}");
    assert!(stderr.contains("unknown field `titel`"), "{stderr}");
}

/// Undated pages stay out of a Hugo site's feeds unless the site turns
/// stamping on in `feedpub.toml` (#10).
#[test]
fn undated_pages_are_stamped_only_when_the_site_says_so() {
    let site = copy_fixture(FIXTURE);
    let dir = site.path();
    let faq = "<link>https://blog.example.org/docs/faq/</link>";
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let docs = std::fs::read_to_string(dir.join("feeds/sections/docs/rss.xml")).unwrap();
    assert!(!docs.contains(faq), "{docs}");

    std::fs::write(dir.join("feedpub.toml"), "stamp_undated = true\n").unwrap();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let docs = std::fs::read_to_string(dir.join("feeds/sections/docs/rss.xml")).unwrap();
    assert!(docs.contains(faq), "{docs}");
    assert!(
        docs.contains("<pubDate>Wed, 01 Jan 2025 00:00:00 +0000</pubDate>"),
        "{docs}"
    );
}

/// A Hugo site without `baseURL` cannot have absolute links: the error
/// names the Hugo configuration file and says what to set.
#[test]
fn missing_base_url_names_the_hugo_file() {
    let site = copy_fixture(FIXTURE);
    let dir = site.path();
    let text = std::fs::read_to_string(dir.join("hugo.toml")).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("baseURL"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("hugo.toml"), without).unwrap();
    let out = feedpub(dir).args(["build", "--now", NOW]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("hugo.toml: error[MissingSetting]: the site has no baseURL"),
        "{stderr}"
    );
    assert!(stderr.contains("set baseURL"), "{stderr}");
}

/// A relative `baseURL` (`/`, for deploy previews that pass `--baseURL`)
/// is named with Hugo's key, in the Hugo file, with both ways out.
#[test]
fn a_relative_base_url_is_named_as_hugo_names_it() {
    let site = copy_fixture(FIXTURE);
    let dir = site.path();
    let text = std::fs::read_to_string(dir.join("hugo.toml")).unwrap();
    let relative: String = text
        .lines()
        .map(|l| {
            if l.starts_with("baseURL") {
                "baseURL = '/'\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("hugo.toml"), relative).unwrap();
    let out = feedpub(dir).args(["build", "--now", NOW]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "hugo.toml: error[InvalidSetting]: baseURL \"/\" is not an absolute http(s) URL"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("feeds need absolute links"), "{stderr}");
    assert!(stderr.contains("base_url in a feedpub.toml"), "{stderr}");
}

/// The channel link of every term and section feed is a page Hugo
/// publishes, named as Hugo names it: with a tag "Кино & C++", whose feed
/// folder is `tags/kino-c/`, Hugo's page is `tags/кино-c++/`.
#[test]
fn term_feeds_link_to_the_pages_hugo_publishes() {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    let site = copy_fixture(FIXTURE);
    let post = site.path().join("content/posts/My First Post.md");
    let text = std::fs::read_to_string(&post).unwrap();
    let text = text.replace("tags: [Rust, Feeds]", "tags: [Rust, Feeds, \"Кино & C++\"]");
    std::fs::write(&post, text).unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let public = hugo_publish(site.path());
    let mut checked = Vec::new();
    for (rss, link) in channel_links(site.path()) {
        let path = site_path(&link);
        // The fixture has no layouts, so Hugo writes each page's feed
        // (`index.xml`) in the page's folder but no `index.html`.
        assert!(
            public.path().join(&path).join("index.xml").is_file(),
            "{} links to {link}, which Hugo does not publish",
            rss.display()
        );
        checked.push(path);
    }
    assert!(checked.len() >= 10, "only {checked:?}");
    assert!(
        checked.contains(&"tags/кино-c++/".to_string()),
        "{checked:?}"
    );
}

/// The channel `<link>` of every feed below `feeds/` but the site-wide
/// one, by the feed's path relative to `feeds/`.
fn channel_links(site: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut links = Vec::new();
    for rss in files_below(&site.join("feeds")) {
        if rss.file_name().is_none_or(|n| n != "rss.xml") || rss.parent() == Some(Path::new("")) {
            continue;
        }
        let xml = std::fs::read_to_string(site.join("feeds").join(&rss)).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let link = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("link") && n.parent().is_some_and(|p| p.has_tag_name("channel"))
            })
            .and_then(|n| n.text())
            .unwrap()
            .to_string();
        links.push((rss, link));
    }
    links
}

/// The path below the site of one of its URLs, percent-decoded.
fn site_path(link: &str) -> String {
    percent_encoding::percent_decode_str(link.strip_prefix(SITE).unwrap())
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// `disableKinds` removes Hugo's term pages and its section pages
/// independently: a term or section feed links to its page only where
/// Hugo publishes one, else to its entry on the feeds page (#15; with
/// `term` disabled, section feeds linked to the feeds page, with `section`
/// disabled, to section pages Hugo no longer makes, and with
/// `defaultContentLanguageInSubdir`, to `/<section>/` instead of
/// `/en/<section>/`).
#[test]
fn term_and_section_feeds_link_to_a_page_only_where_hugo_makes_one() {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    // The default language in its subdirectory moves both kinds of page.
    for disabled in ["term", "section", "none"] {
        let site = copy_fixture(FIXTURE);
        let config = site.path().join("hugo.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        let text = if disabled == "none" {
            format!("defaultContentLanguageInSubdir = true\n{text}")
        } else {
            text.replace(
                "disableKinds = [\"sitemap\"",
                &format!("disableKinds = [\"{disabled}\", \"sitemap\""),
            )
        };
        std::fs::write(&config, text).unwrap();
        feedpub(site.path())
            .args(["build", "--now", NOW])
            .assert()
            .success();
        let public = hugo_publish(site.path());
        let links = channel_links(site.path());
        assert!(links.len() >= 8, "only {links:?}");
        for (rss, link) in links {
            let is_section = rss.starts_with("sections");
            let page_disabled = if is_section {
                disabled == "section"
            } else {
                disabled == "term"
            };
            if page_disabled {
                assert!(
                    link.starts_with(&format!("{SITE}feeds/index.html#")),
                    "with {disabled} pages disabled, {} links to {link}",
                    rss.display()
                );
            } else {
                assert!(
                    public
                        .path()
                        .join(site_path(&link))
                        .join("index.xml")
                        .is_file(),
                    "with {disabled} pages disabled, {} links to {link}, which Hugo does not publish",
                    rss.display()
                );
            }
        }
    }
}

/// The channel link of every Hugo feed Hugo writes below `public`: the
/// permalink of the page each feed belongs to.
fn hugo_channel_links(public: &Path) -> BTreeSet<String> {
    files_below(public)
        .into_iter()
        .filter(|rel| rel.file_name().is_some_and(|n| n == "index.xml"))
        .filter_map(|rel| {
            let xml = std::fs::read_to_string(public.join(rel)).unwrap();
            let doc = roxmltree::Document::parse(&xml).unwrap();
            doc.descendants()
                .find(|n| {
                    n.has_tag_name("link") && n.parent().is_some_and(|p| p.has_tag_name("channel"))
                })
                .and_then(|n| n.text())
                .map(str::to_string)
        })
        .collect()
}

/// With `uglyURLs`, Hugo's section and term pages end in `.html`
/// (`/posts.html`, `/tags/rust.html`): every term and section feed links
/// to the page Hugo gives that feed's own channel link (section feeds
/// linked to `/posts/`, a page Hugo does not make; found on a real site).
#[test]
fn with_ugly_urls_term_and_section_feeds_link_to_hugos_pages() {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    for ugly in [true, false] {
        let site = copy_fixture(FIXTURE);
        let config = site.path().join("hugo.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("uglyURLs = {ugly}\n{text}")).unwrap();
        feedpub(site.path())
            .args(["build", "--now", NOW])
            .assert()
            .success();
        let public = hugo_publish(site.path());
        let hugo = hugo_channel_links(public.path());
        let links = channel_links(site.path());
        assert!(links.len() >= 8, "only {links:?}");
        for (rss, link) in links {
            assert!(
                hugo.contains(&link),
                "uglyURLs = {ugly}: {} links to {link}, which is no page of Hugo's: {hugo:?}",
                rss.display()
            );
        }
    }
}

/// `[permalinks]` keyed by a taxonomy (Hugo 0.111's form, `tags =
/// "/topics/:slug/"`) places that taxonomy's term pages, and term feeds
/// link there, as Hugo's own term feeds do (#15): they linked to
/// `/tags/<term>/`, which Hugo then does not make.
#[test]
fn term_feeds_follow_the_taxonomy_permalinks() {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    let site = copy_fixture(FIXTURE);
    let permalinks = site.path().join("config/_default/permalinks.toml");
    let text = std::fs::read_to_string(&permalinks).unwrap();
    std::fs::write(
        &permalinks,
        format!("{text}tags = \"/topics/:slug/\"\ncategories = \"/cat/:title/\"\n"),
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let public = hugo_publish(site.path());
    let hugo = hugo_channel_links(public.path());
    let links = channel_links(site.path());
    for (rss, link) in &links {
        assert!(
            hugo.contains(link),
            "{} links to {link}, which is no page of Hugo's: {hugo:?}",
            rss.display()
        );
    }
    for folder in ["topics", "cat", "countries"] {
        assert!(
            links
                .iter()
                .any(|(_, l)| l.starts_with(&format!("{SITE}{folder}/"))),
            "no term page in /{folder}/: {links:?}"
        );
    }
}

/// `buildDrafts`, `buildFuture`, `buildExpired` and the `[frontmatter]`
/// date rules (`:filename` giving date and slug, `:fileModTime`, `:git`
/// skipped) give the pages and links Hugo gives (#10).
#[test]
fn build_flags_and_front_matter_date_rules_match_hugo() {
    const DATES: &str = "hugo-dates";
    check_golden(DATES);
    let site = copy_fixture(DATES);
    let out = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    // Future items are the site's choice: a warning, not an error.
    assert!(stderr.contains("FutureDate"), "{stderr}");
    assert!(!stderr.contains("earlier than"), "{stderr}");
    let hugo = read_golden(DATES);
    assert_eq!(feedpub_links(site.path(), "rss.xml"), hugo["index.xml"]);
    assert_eq!(hugo["index.xml"].len(), 10);
    assert!(!hugo["index.xml"].iter().any(|l| l.contains("expired")));
    // `ref` and `relref` give the pages' real permalinks, which here come
    // from the file names' dates.
    let json = std::fs::read_to_string(site.path().join("feeds/feed.json")).unwrap();
    for link in [
        "https://dates.example.org/2024/03/05/from-the-name/",
        "https://dates.example.org/2024/03/06/bundle-name/",
    ] {
        assert!(
            json.contains(&format!("href=\\\"{link}\\\"")),
            "{link}: {json}"
        );
    }
}

/// On a multilingual site, translations by file name (`post.fr.md`) stay
/// out of the feeds, which hold the default language's pages as Hugo's
/// home feed does, `post.en.md` linked as `post.md` (#10). Hugo's French
/// feed (`fr/index.xml`) is in the golden file for per-language feeds.
#[test]
fn translations_stay_out_of_the_default_language_feeds() {
    const LANGUAGES: &str = "hugo-languages";
    check_golden(LANGUAGES);
    let site = copy_fixture(LANGUAGES);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(LANGUAGES);
    assert_eq!(feedpub_links(site.path(), "rss.xml"), hugo["index.xml"]);
    assert_eq!(hugo["index.xml"].len(), 3);
    assert_eq!(hugo["fr/index.xml"].len(), 2);
    // No translation in the default language's term feeds either.
    assert_eq!(
        feedpub_links(site.path(), "sections/posts/rss.xml"),
        hugo["posts/index.xml"]
    );
}

/// Every language but the default gets its site-wide feed under
/// `feeds/<code>/`, with the links Hugo gives its `/<code>/index.xml`,
/// the language's `languageCode` and `title`, and its own ids (#10).
#[test]
fn each_other_language_has_its_own_feed_as_hugo_does() {
    const LANGUAGES: &str = "hugo-languages";
    let site = copy_fixture(LANGUAGES);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(LANGUAGES);
    assert_eq!(
        feedpub_links(site.path(), "fr/rss.xml"),
        hugo["fr/index.xml"]
    );
    let rss = std::fs::read_to_string(site.path().join("feeds/fr/rss.xml")).unwrap();
    assert!(rss.contains("<language>fr-fr</language>"), "{rss}");
    assert!(rss.contains("<title>Exemple multilingue</title>"), "{rss}");
    // The language's own description, as text, not the site's English one.
    assert!(
        rss.contains("<description>Les dernières nouvelles du site</description>"),
        "{rss}"
    );
    let atom = std::fs::read_to_string(site.path().join("feeds/fr/atom.xml")).unwrap();
    assert!(atom.contains("xml:lang=\"fr-fr\""), "{atom}");
    assert!(
        atom.contains("<id>https://multi.example.org/fr/posts/both/</id>"),
        "a translation has its own id: {atom}"
    );
    let json = std::fs::read_to_string(site.path().join("feeds/fr/feed.json")).unwrap();
    assert!(json.contains("\"language\": \"fr-fr\""), "{json}");
    let index = std::fs::read_to_string(site.path().join("feeds/index.html")).unwrap();
    assert!(index.contains("fr/rss.xml"), "{index}");
    let opml = std::fs::read_to_string(site.path().join("feeds/feeds.opml")).unwrap();
    assert!(opml.contains("fr/rss.xml"), "{opml}");
    feedpub(site.path())
        .args(["check", "--now", NOW, "feeds"])
        .assert()
        .success();
}

/// A language's code names a folder of the output (`feeds/fr/`): a
/// `[languages]` key that is not a code is a configuration error naming
/// the Hugo file, and nothing is written outside `feeds/`.
#[test]
fn a_language_that_is_not_a_code_is_a_configuration_error() {
    let site = copy_fixture("hugo-languages");
    let dir = site.path();
    let text = std::fs::read_to_string(dir.join("hugo.toml")).unwrap();
    std::fs::write(
        dir.join("hugo.toml"),
        format!("{text}[languages.\"../evil\"]\n  title = \"Evil\"\n"),
    )
    .unwrap();
    let out = feedpub(dir).args(["build", "--now", NOW]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "hugo.toml: error[InvalidHugoConfig]: [languages] names \"../evil\", which is not a language code"
        ),
        "{stderr}"
    );
    assert!(!dir.join("evil").exists());
}

/// A killed run's temporary files in a language's folder are removed by
/// the next run, as in the taxonomies' folders.
#[test]
fn temporary_files_in_a_language_folder_are_removed() {
    let site = copy_fixture("hugo-languages");
    let build = || {
        feedpub(site.path())
            .args(["build", "--now", NOW])
            .assert()
            .success();
    };
    build();
    let temp = site.path().join("feeds/fr/.feedpub-Zz99Yy.tmp");
    std::fs::write(&temp, b"<rss").unwrap();
    build();
    assert!(!temp.exists());
}

/// Pages under another language's own `contentDir` (`content/fr`) belong
/// to that language whatever their file names: they are linked under
/// `/fr/` as Hugo links them and go into `feeds/fr/`, never into the
/// default language's feeds (#10).
#[test]
fn pages_under_a_language_content_dir_belong_to_that_language() {
    const DIRS: &str = "hugo-language-dirs";
    check_golden(DIRS);
    let site = copy_fixture(DIRS);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(DIRS);
    assert_eq!(feedpub_links(site.path(), "rss.xml"), hugo["index.xml"]);
    assert_eq!(
        feedpub_links(site.path(), "fr/rss.xml"),
        hugo["fr/index.xml"]
    );
    assert_eq!(hugo["fr/index.xml"].len(), 3);
    assert_eq!(
        feedpub_links(site.path(), "tags/news/rss.xml"),
        hugo["tags/news/index.xml"]
    );
    assert!(!site.path().join("feeds/tags/mer").exists());
    // A second build finds every page where the first left it.
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let ledger = std::fs::read_to_string(site.path().join("feedpub-ledger.toml")).unwrap();
    assert!(
        !ledger.contains(&*site.path().to_string_lossy()),
        "{ledger}"
    );
    feedpub(site.path())
        .args(["check", "--now", NOW, "feeds"])
        .assert()
        .success();
}

/// Every other language's terms get their own feeds, under
/// `feeds/<code>/<taxonomy>/<term>/`, with the links of Hugo's
/// `/<code>/<taxonomy>/<term>/index.xml`, the language's tag, and a
/// channel link to the term page Hugo makes in the language's folder; its
/// sections too (`feeds/fr/sections/posts/`, Hugo's `fr/posts/`). Only the
/// default language's site feed had term feeds (#10).
#[test]
fn each_other_language_has_its_own_term_feeds_as_hugo_does() {
    const DIRS: &str = "hugo-language-dirs";
    let site = copy_fixture(DIRS);
    let dir = site.path();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(DIRS);
    for (ours, hugos) in [
        ("fr/tags/actualite/rss.xml", "fr/tags/actualité/index.xml"),
        ("fr/tags/mer/rss.xml", "fr/tags/mer/index.xml"),
        ("fr/sections/posts/rss.xml", "fr/posts/index.xml"),
        ("tags/news/rss.xml", "tags/news/index.xml"),
        ("tags/sea/rss.xml", "tags/sea/index.xml"),
    ] {
        assert_eq!(feedpub_links(dir, ours), hugo[hugos], "{ours}");
    }
    assert!(!dir.join("feeds/tags/mer").exists());
    assert!(!dir.join("feeds/fr/tags/news").exists());
    let rss = std::fs::read_to_string(dir.join("feeds/fr/tags/mer/rss.xml")).unwrap();
    assert!(rss.contains("<language>fr-fr</language>"), "{rss}");
    assert!(
        rss.contains("<link>https://dirs.example.org/fr/tags/mer/</link>"),
        "{rss}"
    );
    let opml = std::fs::read_to_string(dir.join("feeds/feeds.opml")).unwrap();
    assert!(opml.contains("fr/tags/mer/rss.xml"), "{opml}");
    feedpub(dir)
        .args(["check", "--now", NOW, "feeds"])
        .assert()
        .success();
    // A French term that loses its pages keeps a valid, empty feed.
    std::fs::remove_file(dir.join("content/fr/posts/marche.md")).unwrap();
    std::fs::remove_file(dir.join("content/fr/posts/nouvelles.md")).unwrap();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    assert_eq!(
        feedpub_links(dir, "fr/tags/mer/rss.xml"),
        Vec::<String>::new()
    );
    if have_tool("hugo", &["version"]) {
        let public = hugo_publish(copy_fixture(DIRS).path());
        let pages = hugo_channel_links(public.path());
        for (rss, link) in channel_links(copy_and_build(DIRS).path()) {
            assert!(pages.contains(&link), "{} links to {link}", rss.display());
        }
    }
}

/// A copy of `fixture` with its feeds built.
fn copy_and_build(fixture: &str) -> tempfile::TempDir {
    let site = copy_fixture(fixture);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    site
}

/// Nested sections under a language's own `contentDir` count as Hugo
/// counts them: a folder with an `_index.md` below `content/fr/posts/` is
/// a section for `:sections`, one without is not. The sections were
/// looked up in the default content folder, so a French page in a nested
/// section lost it from its link (#10).
#[test]
fn nested_sections_in_a_language_folder_are_linked_as_hugo_links_them() {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    let site = copy_fixture("hugo-language-dirs");
    let dir = site.path();
    let page = |lang: &str, rel: &str, title: &str, day: u32| {
        let path = dir.join("content").join(lang).join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("---\ntitle: \"{title}\"\ndate: 2024-06-{day:02}\n---\nTexte.\n"),
        )
        .unwrap();
    };
    // The French folders are sections, the English ones of the same
    // names are not: each language's own folder decides.
    page("fr", "posts/guides/_index.md", "Guides", 1);
    page("fr", "posts/guides/avance/_index.md", "Avancé", 1);
    for lang in ["en", "fr"] {
        page(lang, "posts/guides/premier.md", "Premier guide", 2);
        page(lang, "posts/guides/avance/second.md", "Second guide", 3);
        page(lang, "posts/carnet/jour.md", "Un jour", 4);
    }
    let config = dir.join("hugo.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[permalinks]\n  posts = \"/:sections/:slug/\"\n"),
    )
    .unwrap();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let public = hugo_publish(dir);
    let hugo = |feed: &str| item_links(&std::fs::read_to_string(public.path().join(feed)).unwrap());
    let french = hugo("fr/index.xml");
    assert!(
        french
            .contains(&"https://dirs.example.org/fr/posts/guides/avance/second-guide/".to_string()),
        "{french:?}"
    );
    assert_eq!(feedpub_links(dir, "fr/rss.xml"), french);
    let english = hugo("index.xml");
    assert!(
        english.contains(&"https://dirs.example.org/posts/second-guide/".to_string()),
        "{english:?}"
    );
    assert_eq!(feedpub_links(dir, "rss.xml"), english);
}

/// An edit under a language's own `contentDir` is a change: the no-op
/// probe walked only the default content folder, so `build` said "nothing
/// changed" and the language's feed never followed the edit (#10, #12).
#[test]
fn an_edit_in_a_language_folder_is_not_a_no_op() {
    let site = copy_fixture("hugo-language-dirs");
    let dir = site.path();
    for _ in 0..2 {
        feedpub(dir)
            .args(["build", "--quiet", "--now", NOW])
            .assert()
            .success();
    }
    let page = dir.join("content/fr/posts/nouvelles.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("title: \"Nouvelles\"", "title: \"Dernières nouvelles\""),
    )
    .unwrap();
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing changed").not());
    let french = std::fs::read_to_string(dir.join("feeds/fr/rss.xml")).unwrap();
    assert!(french.contains("Dernières nouvelles"), "{french}");
}

/// `defaultContentLanguageInSubdir = true`: the default language's pages
/// are linked under `/<code>/` as Hugo links them (its home feed is
/// `/en/index.xml`), and so are its term pages (#10).
#[test]
fn the_default_language_in_a_subdir_is_linked_there() {
    const SUBDIR: &str = "hugo-language-subdir";
    check_golden(SUBDIR);
    let site = copy_fixture(SUBDIR);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(SUBDIR);
    assert_eq!(feedpub_links(site.path(), "rss.xml"), hugo["en/index.xml"]);
    assert_eq!(hugo["en/index.xml"].len(), 3);
    assert_eq!(
        feedpub_links(site.path(), "fr/rss.xml"),
        hugo["fr/index.xml"]
    );
    assert_eq!(
        feedpub_links(site.path(), "sections/posts/rss.xml"),
        hugo["en/posts/index.xml"]
    );
    // The section feed links to the section page Hugo makes, in the folder
    // (its feed is the `en/posts/index.xml` above).
    let section_link = channel_links(site.path())
        .into_iter()
        .find(|(rss, _)| rss.starts_with("sections/posts"))
        .map(|(_, link)| link);
    assert_eq!(
        section_link.as_deref(),
        Some("https://subdir.example.org/en/posts/")
    );
    // The site-wide feed links to the home page Hugo makes there too, as
    // Hugo's own `en/index.xml` does (it linked to the bare base URL).
    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert!(
        rss.contains("<link>https://subdir.example.org/en/</link>"),
        "{rss}"
    );
}

/// A taxonomy named like another kind of feed's folder (`custom`,
/// `sections`, `archive`, a language code) would put two feeds at one
/// path: a configuration error naming the Hugo file and the fix (#10).
#[test]
fn a_taxonomy_named_like_another_feed_folder_is_a_configuration_error() {
    for (name, shared) in [
        ("custom", "the custom feeds"),
        ("sections", "the section feeds"),
        ("archive", "the archive pages"),
        ("FR", "the feeds of language fr"),
    ] {
        let site = copy_fixture("hugo-languages");
        let dir = site.path();
        let text = std::fs::read_to_string(dir.join("hugo.toml")).unwrap();
        std::fs::write(
            dir.join("hugo.toml"),
            format!("{text}[taxonomies]\n  tag = \"tags\"\n  clash = \"{name}\"\n"),
        )
        .unwrap();
        let out = feedpub(dir).args(["build", "--now", NOW]).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let folder = name.to_lowercase();
        assert!(
            stderr.contains(&format!(
                "hugo.toml: error[InvalidHugoConfig]: the taxonomy \"{name}\" would publish its feeds in feeds/{folder}/, the folder of {shared}"
            )),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains("rename the taxonomy in [taxonomies]"),
            "{stderr}"
        );
        assert!(!dir.join("feeds").exists(), "{name}");
    }
}

/// `[frontmatter] date = ["myDate", ":default"]`: any front-matter key
/// may give a date, as in Hugo (case-insensitive, YAML or TOML dates) (#10).
#[test]
fn any_front_matter_key_may_give_a_date() {
    const KEYS: &str = "hugo-date-keys";
    check_golden(KEYS);
    let site = copy_fixture(KEYS);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    let hugo = read_golden(KEYS);
    assert_eq!(feedpub_links(site.path(), "rss.xml"), hugo["index.xml"]);
    assert_eq!(hugo["index.xml"].len(), 3);
    // A value that is not a date is an error at its line, as for `date`.
    std::fs::write(
        site.path().join("content/posts/bad.md"),
        "---\ntitle: Bad\nmyDate: next tuesday\n---\nBody.\n",
    )
    .unwrap();
    let out = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("content/posts/bad.md:3: error[InvalidDate]: `myDate`"),
        "{stderr}"
    );
}

/// Without `params.mainSections`, the site-wide feed holds every dated
/// page, as Hugo's own home feed does. It held only "the section with the
/// most pages" (the default Hugo gives themes that ask for main sections),
/// so a site filed by year (`content/2023/`, `content/2024/`) kept
/// publishing the biggest year and never the new one (found by
/// `bench/compare.sh`, whose corpus is such a site) (#10).
#[test]
fn without_main_sections_the_site_feed_holds_every_page_as_hugos_home_feed() {
    if !have_tool("hugo", &["version"]) {
        return;
    }
    let site = tempfile::tempdir().unwrap();
    let dir = site.path();
    std::fs::write(
        dir.join("hugo.toml"),
        "baseURL = 'https://years.example.org/'\ntitle = 'By year'\n",
    )
    .unwrap();
    let page = |rel: &str, title: &str, date: &str| {
        let path = dir.join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            format!("---\ntitle: \"{title}\"\ndate: {date}\n---\nText.\n"),
        )
        .unwrap();
    };
    page("2023/05/harvest.md", "Harvest", "2023-05-01T08:00:00Z");
    page("2023/08/river.md", "River", "2023-08-01T08:00:00Z");
    page("2023/11/border.md", "Border", "2023-11-01T08:00:00Z");
    page("2024/02/election.md", "Election", "2024-02-01T08:00:00Z");
    page("about.md", "About", "2022-01-01T08:00:00Z");
    feedpub(dir)
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let public = hugo_publish(dir);
    let hugo = item_links(&std::fs::read_to_string(public.path().join("index.xml")).unwrap());
    assert_eq!(hugo.len(), 5, "{hugo:?}");
    assert_eq!(feedpub_links(dir, "rss.xml"), hugo);
}

/// A `term_page` in `feedpub.toml` overrides the Hugo site's taxonomy
/// permalinks, as every `feedpub.toml` setting overrides Hugo's: the
/// taxonomy's own Hugo pattern won over it (#15).
#[test]
fn feedpub_toml_term_page_overrides_the_taxonomy_permalinks() {
    let site = copy_fixture(FIXTURE);
    let permalinks = site.path().join("config/_default/permalinks.toml");
    let text = std::fs::read_to_string(&permalinks).unwrap();
    std::fs::write(&permalinks, format!("{text}tags = \"/topics/:slug/\"\n")).unwrap();
    std::fs::write(
        site.path().join("feedpub.toml"),
        "term_page = \"/subjects/:taxonomy/:slug/\"\n",
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let links = channel_links(site.path());
    let tags: Vec<&String> = links
        .iter()
        .filter(|(rss, _)| rss.starts_with("tags"))
        .map(|(_, link)| link)
        .collect();
    assert!(!tags.is_empty(), "{links:?}");
    for link in tags {
        assert!(link.starts_with(&format!("{SITE}subjects/tags/")), "{link}");
    }
}

/// Each other language's term feeds are listed under their own heading on
/// the feeds page and in the OPML ("Tags (fr)"), not mixed in with the
/// default language's under "Tags", where only their titles told them apart
/// (#10, #15).
#[test]
fn other_languages_term_feeds_are_listed_under_their_own_heading() {
    let site = copy_and_build("hugo-language-dirs");
    let opml = std::fs::read_to_string(site.path().join("feeds/feeds.opml")).unwrap();
    let doc = roxmltree::Document::parse(&opml).unwrap();
    let group = |text: &str| -> Vec<String> {
        doc.descendants()
            .find(|n| n.has_tag_name("outline") && n.attribute("text") == Some(text))
            .map(|g| {
                g.children()
                    .filter_map(|c| c.attribute("xmlUrl").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let tags = group("Tags");
    let french = group("Tags (fr)");
    assert!(!tags.is_empty() && !french.is_empty(), "{opml}");
    assert!(tags.iter().all(|u| !u.contains("/feeds/fr/")), "{tags:?}");
    assert!(
        french.iter().all(|u| u.contains("/feeds/fr/tags/")),
        "{french:?}"
    );
    let page = std::fs::read_to_string(site.path().join("feeds/index.html")).unwrap();
    assert!(page.contains(">Tags (fr)<"), "no heading on the feeds page");
}

/// A site configured in a `config/` folder as the Blowfish and Congo themes
/// lay theirs out (title and language in `languages.en.toml`, menus in a
/// subfolder, a `server.toml`, the public `baseURL` in `config/production/`)
/// builds with no `feedpub.toml`, titled, in the language and with the links
/// Hugo's own home feed has. It used to stop: "the site has no title",
/// naming `server.toml`.
#[test]
fn a_config_folder_with_per_language_files_is_read_as_hugo_reads_it() {
    const CONFIG_DIR: &str = "hugo-config-dir";
    check_golden(CONFIG_DIR);
    let site = copy_fixture(CONFIG_DIR);
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr("");
    assert_eq!(
        feedpub_links(site.path(), "rss.xml"),
        read_golden(CONFIG_DIR)["index.xml"]
    );
    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert!(rss.contains("<title>Config Folder Site</title>"), "{rss}");
    assert!(rss.contains("<language>en-gb</language>"), "{rss}");
    assert!(
        rss.contains("<description>Notes kept in a configuration folder</description>"),
        "{rss}"
    );
    assert!(
        rss.contains("<link>https://config-dir.example.org/</link>"),
        "the production environment's baseURL: {rss}"
    );
}
