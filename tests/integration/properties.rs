//! Property tests: whatever text an article holds, every feed is well formed
//! and the text comes back exactly from an independent parser.

use std::path::Path;

use feedpub::build::{BuildOptions, render};
use feedpub::config::{Config, Paths};
use proptest::prelude::*;

/// What an article's text becomes in the model: XML-illegal characters
/// removed, white space squashed.
fn expected_text(s: &str) -> String {
    let xml_legal = |c: &char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    let legal: String = s.chars().filter(xml_legal).collect();
    legal.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn site_with_article(
    title: &str,
    summary: &str,
    category: &str,
    author: &str,
    body: &str,
) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let mut front = toml::Table::new();
    front.insert("title".into(), title.into());
    front.insert("summary".into(), summary.into());
    front.insert(
        "categories".into(),
        toml::Value::Array(vec![category.into()]),
    );
    front.insert("countries".into(), toml::Value::Array(vec!["TJ".into()]));
    front.insert("author".into(), author.into());
    front.insert("date".into(), "2024-03-25T10:00:00+05:00".into());
    let text = format!("+++\n{}+++\n{body}", toml::to_string(&front).unwrap());
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/story.md"), text).unwrap();
    let config = Config::from_toml(
        "title = \"T\"\nbase_url = \"https://x.example.org\"\n",
        Path::new("feedpub.toml"),
        dir.path(),
        &Paths::default(),
    )
    .unwrap();
    (dir, config)
}

/// Any text with at least one visible character, biased towards the
/// characters that break feeds: markup, entities, CDATA ends, controls.
fn field() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("&".to_string()),
            Just("<".to_string()),
            Just("]]>".to_string()),
            Just("\"'".to_string()),
            Just("<script>".to_string()),
            Just("\u{1}\u{b}\u{FFFE}".to_string()),
            Just("Душанбе".to_string()),
            Just("🚀".to_string()),
            any::<String>(),
        ],
        1..6,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("needs a visible character", |s| {
        !expected_text(s).is_empty()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_text_yields_well_formed_feeds_that_round_trip(
        title in field(),
        summary in field(),
        category in field(),
        author in field(),
        body in any::<String>(),
    ) {
        let (_dir, config) = site_with_article(&title, &summary, &category, &author, &body);
        let options = BuildOptions {
            now: "2024-05-01T00:00:00Z".parse().unwrap(),
            dry_run: true,
            strict: false,
            lock_wait: std::time::Duration::ZERO,
            allow_shrink: false,
            ping: false,
        };
        let rendered = render(&config, &options).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        // The validation gate ran inside `render`: no error, and no warning either.
        prop_assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
        // Builds are tolerant now: the article must not have been left out.
        prop_assert!(rendered.errors.is_empty(), "{:?}", rendered.errors);
        for file in &rendered.files {
            let text = std::str::from_utf8(&file.bytes).unwrap();
            if file.path.extension().is_some_and(|e| e == "opml") {
                // The subscription list names every feed, whatever its text.
                let doc = roxmltree::Document::parse(text)
                    .map_err(|e| TestCaseError::fail(format!("{}: {e}\n{text}", file.path.display())))?;
                let feeds = doc.descendants().filter(|n| n.attribute("xmlUrl").is_some()).count();
                prop_assert_eq!(feeds, 3, "site, category and country");
                continue;
            }
            if file.path.extension().is_some_and(|e| e != "xml") {
                continue;
            }
            roxmltree::Document::parse(text)
                .map_err(|e| TestCaseError::fail(format!("{}: {e}\n{text}", file.path.display())))?;
            let feed = feed_rs::parser::parse(&file.bytes[..])
                .map_err(|e| TestCaseError::fail(format!("{}: {e}", file.path.display())))?;
            let entry = &feed.entries[0];
            prop_assert_eq!(&entry.title.as_ref().unwrap().content, &expected_text(&title));
            // RSS descriptions are HTML: the plain-text summary is escaped.
            let summary_seen = &entry.summary.as_ref().unwrap().content;
            let summary_seen = if file.path.ends_with("rss.xml") {
                quick_xml::escape::unescape(summary_seen).unwrap().into_owned()
            } else {
                summary_seen.clone()
            };
            prop_assert_eq!(summary_seen, expected_text(&summary));
            prop_assert_eq!(entry.authors[0].name.clone(), Some(expected_text(&author)));
            // Term names are NFC-normalized (#11): one name however typed.
            let category_nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(&category).into_owned();
            prop_assert_eq!(&entry.categories[0].term, &expected_text(&category_nfc));
        }
    }
}
