//! Hugo-shaped content read as Hugo reads it (#10): front-matter
//! semantics, page kinds, shortcodes; on `tests/fixtures/hugo-content`.

use crate::support::*;

const NOW: &str = "2024-05-01T00:00:00Z";

#[test]
fn hugo_shaped_content_is_read_as_hugo_reads_it() {
    let site = copy_fixture("hugo-content");
    let output = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // 9 articles; not articles: _index.md, static.html, the headless page.
    assert!(
        stdout.starts_with("9 articles read, 3 other file(s) not articles"),
        "{stdout}"
    );
    assert!(
        stdout.contains("6 published (1 draft, 1 scheduled, 1 expired left out)"),
        "{stdout}"
    );
    // One warning per unknown shortcode name.
    assert_eq!(stderr.matches("unknown shortcode").count(), 2, "{stderr}");
    assert!(
        stderr.contains("unknown shortcode `notice` (1 use(s)"),
        "{stderr}"
    );

    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    for title in [
        "Shortcodes",
        "Legacy",
        "An HTML page",
        "JSON front matter",
        "Blank line first",
        "中文",
    ] {
        assert!(
            rss.contains(&format!("<title>{title}</title>")),
            "{title}: {rss}"
        );
    }
    for absent in [
        "Upper-case draft",
        "Scheduled by publishDate",
        "Expired",
        "Headless",
        "static file",
    ] {
        assert!(!rss.contains(absent), "{absent}: {rss}");
    }
    assert!(!rss.contains("{{"), "a shortcode reached readers: {rss}");
    assert!(
        rss.contains("https://www.youtube.com/watch?v=w7Ft2ymGmfc"),
        "{rss}"
    );
    assert!(rss.contains("From Bishkek"), "{rss}");
    assert!(rss.contains("Mind the gap."), "{rss}");
    assert!(rss.contains("<figcaption>The map</figcaption>"), "{rss}");
    assert!(
        rss.contains("href=\"https://hugo.example.org/posts/legacy/\""),
        "{rss}"
    );
    assert!(rss.contains("<em>HTML</em>"), "{rss}");
    assert!(rss.contains("From JSON."), "{rss}");
    // A placeholder byline is not a name.
    assert!(!rss.contains("<dc:creator>-</dc:creator>"), "{rss}");
    // A CJK summary counts characters: 70 of them, then an ellipsis.
    let cjk = rss.split("<title>中文</title>").nth(1).unwrap();
    let summary = cjk
        .split("<description><![CDATA[")
        .nth(1)
        .and_then(|d| d.split("]]>").next())
        .unwrap();
    assert_eq!(summary.chars().count(), 71, "{summary}");
    // "Guest Post" and "Guest-Post" are one term, as in Hugo.
    let guest =
        std::fs::read_to_string(site.path().join("feeds/categories/guest-post/rss.xml")).unwrap();
    assert_eq!(guest.matches("<item>").count(), 2, "{guest}");
}

/// Hugo accepts a page without a title (an `archives.md` holding only a
/// layout, as in Hugo's own example site): on a Hugo site it is published
/// under its file name with a warning, not reported as an error.
#[test]
fn an_untitled_page_on_a_hugo_site_is_published_under_its_file_name() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("hugo.toml"),
        "baseURL = 'https://example.org/'\ntitle = 'Example'\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/post")).unwrap();
    std::fs::write(
        root.join("content/post/archives.md"),
        "---\ndate: 2019-05-28\nlayout: \"archives\"\n---\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/post/hello.md"),
        "---\ntitle: Hello\ndate: 2019-05-29\n---\nHi.\n",
    )
    .unwrap();
    let output = feedpub(root)
        .args(["build", "--now", NOW])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("archives.md:2: warning[UntitledPage]: the page has no title"),
        "{stderr}"
    );
    let rss = std::fs::read_to_string(root.join("feeds/rss.xml")).unwrap();
    assert!(rss.contains("<title>archives</title>"), "{rss}");
}
