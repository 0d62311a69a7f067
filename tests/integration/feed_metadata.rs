//! Feed metadata from `feedpub.toml` end to end: where term feeds link to
//! (a term page pattern, or the feeds page on a site without term pages),
//! and per-term overrides, whose typos are warned about.

use crate::support::*;

const NOW: &str = "2024-05-01T00:00:00Z";

/// The basic fixture with `extra` appended to its `feedpub.toml`.
fn site_with(extra: &str) -> tempfile::TempDir {
    let site = copy_fixture("basic");
    append_config(site.path(), extra);
    site
}

fn read(site: &tempfile::TempDir, file: &str) -> String {
    std::fs::read_to_string(site.path().join("feeds").join(file)).unwrap()
}

#[test]
fn without_term_pages_term_feeds_link_to_their_entry_on_the_feeds_page() {
    let site = site_with("term_pages = false\n");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let entry = "https://news.example.org/feeds/index.html#countries/tajikistan";
    let rss = read(&site, "countries/tajikistan/rss.xml");
    assert!(rss.contains(&format!("<link>{entry}</link>")), "{rss}");
    let atom = read(&site, "countries/tajikistan/atom.xml");
    assert!(
        atom.contains(&format!("<link href=\"{entry}\" rel=\"alternate\"")),
        "{atom}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&site, "countries/tajikistan/feed.json")).unwrap();
    assert_eq!(json["home_page_url"], entry);
    // The anchor exists on the page, and the site feed keeps the home page.
    let page = read(&site, "index.html");
    assert!(page.contains("id=\"countries/tajikistan\""), "{page}");
    assert!(read(&site, "rss.xml").contains("<link>https://news.example.org/</link>"));
}

#[test]
fn a_term_page_pattern_places_the_link() {
    let site = site_with("term_page = \"/topics/:slug.html\"\n");
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let rss = read(&site, "categories/economy/rss.xml");
    assert!(
        rss.contains("<link>https://news.example.org/topics/economy.html</link>"),
        "{rss}"
    );
}

#[test]
fn overrides_set_title_and_description_and_typos_are_warned_about() {
    let site = site_with(
        "\n[countries.TJ]\ntitle = \"Tajikistan desk\"\ndescription = \"Dushanbe & beyond\"\n\
         \n[categories.\"Nationel Security\"]\ndescription = \"typo\"\n\
         \n[categorys.Economy]\ntitle = \"typo\"\n",
    );
    feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "feedpub.toml:19: warning[UnusedOverride]: [categories.\"Nationel Security\"]: no article is filed under this category, so the override is unused",
        ))
        .stderr(predicates::str::contains(
            "help: did you mean [categories.\"National Security\"]?",
        ))
        .stderr(predicates::str::contains(
            "feedpub.toml:22: warning[UnusedOverride]: [categorys.\"Economy\"] names no taxonomy of the site",
        ))
        .stderr(predicates::str::contains("help: did you mean [categories.\"Economy\"]?"));
    let rss = read(&site, "countries/tajikistan/rss.xml");
    assert!(rss.contains("<title>Tajikistan desk</title>"), "{rss}");
    assert!(
        rss.contains("<description>Dushanbe &#x26; beyond</description>"),
        "{rss}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&site, "countries/tajikistan/feed.json")).unwrap();
    assert_eq!(json["title"], "Tajikistan desk");
    let page = read(&site, "index.html");
    assert!(
        page.contains("Tajikistan desk"),
        "the feeds page shows it too"
    );
}

/// A site path in `image` or `icon` whose file is not in the static folder
/// is warned about, naming the key, its line and the file looked for; a
/// file that is there, or a full URL, is not.
#[test]
fn feed_images_missing_from_the_static_folder_are_warned_about() {
    let site = copy_fixture("basic");
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        !stderr.contains("`image`") && !stderr.contains("`icon`"),
        "{stderr}"
    );

    std::fs::remove_file(site.path().join("static/img/icon.png")).unwrap();
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("feedpub.toml:10"), "{stderr}");
    assert!(
        stderr.contains("`icon` names \"/img/icon.png\""),
        "{stderr}"
    );
    assert!(stderr.contains("img/icon.png does not exist"), "{stderr}");
    assert!(!stderr.contains("`image`"), "{stderr}");

    let site = site_with("image = \"https://cdn.example.net/logo.png\"\n");
    edit_config(site.path(), |text| {
        text.replacen("image = \"/img/logo.png\"\n", "", 1)
    });
    std::fs::remove_file(site.path().join("static/img/logo.png")).unwrap();
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains("`image`"), "{stderr}");
}
