//! The validator against the fixture corpus, in both directions: every broken
//! feed under `tests/fixtures/invalid-feeds/` yields the rule its file name
//! carries (`<format>-<RuleCode>[-what].xml`), and every feed under
//! `tests/fixtures/valid-feeds/` yields no diagnostic at all.
//!
//! To add a case: copy a valid feed, break exactly one thing, and name the
//! file after the rule code it must trigger.

use std::path::{Path, PathBuf};

use feedpub::error::Severity;
use feedpub::validate::{
    DEFAULT_MAX_BYTES, FeedFormat, Rule, check_paths, detect_format, validate_feed,
};

use crate::support::validator_options;

/// Rules that only warn, listed here independently of the library so a
/// severity change shows up as a test failure.
const WARNINGS: &[&str] = &[
    "MissingEncoding",
    "NotBlank",
    "FutureDate",
    "ImplausibleDate",
    "ItemsNotSorted",
    "RelativeLink",
    "DuplicateEntries",
    "MissingAtomSelfLink",
    "MissingSelf",
    "NeedDescriptionBeforeContent",
    "ContainsScript",
    "ProblematicalRFC822Date",
    "MailtoContact",
    "EmptyTextConstruct",
];

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

/// Format and rule code from `rss-InvalidRFC2822Date-german-names.xml`.
fn expectation(path: &Path) -> (String, String) {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let mut parts = stem.splitn(3, '-');
    let format = parts.next().unwrap_or_default().to_string();
    let code = parts.next().unwrap_or_default().to_string();
    (format, code)
}

#[test]
fn the_corpus_is_big_enough_and_named_after_real_rules() {
    let broken = fixtures("invalid-feeds");
    assert!(broken.len() >= 40, "only {} broken feeds", broken.len());
    for path in &broken {
        let (format, code) = expectation(path);
        assert!(
            format == "rss" || format == "atom" || format == "rss1",
            "{}: name must start with rss-, rss1- or atom-",
            path.display()
        );
        let rule = Rule::from_code(&code)
            .unwrap_or_else(|| panic!("{}: no rule named {code}", path.display()));
        let expected = if WARNINGS.contains(&code.as_str()) {
            Severity::Warning
        } else {
            Severity::Error
        };
        assert_eq!(rule.severity(), expected, "severity of {code}");
    }
    assert!(fixtures("valid-feeds").len() >= 6);
}

#[test]
fn every_broken_feed_yields_its_rule_and_only_its_rule() {
    let mut failures = Vec::new();
    for path in fixtures("invalid-feeds") {
        let (_, code) = expectation(&path);
        let severity = if WARNINGS.contains(&code.as_str()) {
            Severity::Warning
        } else {
            Severity::Error
        };
        let bytes = std::fs::read(&path).expect("read fixture");
        let found = validate_feed(&path, &bytes, &validator_options());
        let hit = found
            .iter()
            .any(|d| d.code.as_deref() == Some(code.as_str()) && d.severity == severity);
        // One defect per file: nothing else may be reported.
        let others: Vec<String> = found
            .iter()
            .filter(|d| d.code.as_deref() != Some(code.as_str()))
            .map(ToString::to_string)
            .collect();
        let positioned = found.iter().all(|d| d.line.is_some() && d.column.is_some());
        if !hit || !others.is_empty() || !positioned {
            failures.push(format!(
                "{}: expected {severity}[{code}], got:\n{}",
                path.display(),
                found
                    .iter()
                    .map(|d| format!("  {d}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_valid_feed_is_clean() {
    for path in fixtures("valid-feeds") {
        let bytes = std::fs::read(&path).expect("read fixture");
        let found = validate_feed(&path, &bytes, &validator_options());
        assert!(
            found.is_empty(),
            "{}:\n{}",
            path.display(),
            found
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let (format, _) = expectation(&path);
        let expected = match format.as_str() {
            "rss" => FeedFormat::Rss,
            "rss1" => FeedFormat::Rdf,
            _ => FeedFormat::Atom,
        };
        assert_eq!(detect_format(&bytes), Some(expected), "{}", path.display());
    }
}

#[test]
fn check_paths_walks_directories_and_agrees_with_validate_feed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let valid = check_paths(
        &[root.join("valid-feeds")],
        &validator_options(),
        DEFAULT_MAX_BYTES,
    );
    assert_eq!(valid.diagnostics, vec![]);
    assert_eq!(valid.checked, fixtures("valid-feeds").len());

    let found = check_paths(
        &[root.join("invalid-feeds")],
        &validator_options(),
        DEFAULT_MAX_BYTES,
    )
    .diagnostics;
    let mut expected = Vec::new();
    for path in fixtures("invalid-feeds") {
        let bytes = std::fs::read(&path).expect("read fixture");
        expected.extend(validate_feed(&path, &bytes, &validator_options()));
    }
    assert_eq!(found, expected, "same findings, files in sorted order");
}

/// Feeds as the `rss` and `atom_syndication` crates write them, shaped like
/// feedpub's: whatever article text goes in, the XML layer must hold.
mod written_by_the_feed_crates {
    use super::*;
    use std::collections::BTreeMap;

    use atom_syndication as atom;
    use proptest::prelude::*;
    use rss::extension::{Extension, ExtensionMap};

    const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
    const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

    fn extension(name: &str, attrs: &[(&str, &str)], value: Option<&str>) -> Extension {
        Extension {
            name: name.to_string(),
            value: value.map(str::to_string),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            children: BTreeMap::new(),
        }
    }

    fn rss_feed(title: &str, body_html: &str) -> Vec<u8> {
        let mut media = extension(
            "media:content",
            &[
                ("url", "https://notes.example.org/m/a.jpg"),
                ("medium", "image"),
            ],
            None,
        );
        media.children.insert(
            "description".to_string(),
            vec![extension("media:description", &[], Some(title))],
        );
        let mut item_extensions = ExtensionMap::new();
        item_extensions
            .entry("media".to_string())
            .or_default()
            .insert("content".to_string(), vec![media]);
        let item = rss::Item {
            title: Some(title.to_string()),
            link: Some("https://notes.example.org/2024/03/a/".to_string()),
            description: Some(body_html.to_string()),
            categories: vec![rss::Category {
                name: title.to_string(),
                domain: None,
            }],
            enclosure: Some(rss::Enclosure {
                url: "https://notes.example.org/m/a.jpg".to_string(),
                length: "0".to_string(),
                mime_type: "image/jpeg".to_string(),
            }),
            guid: Some(rss::Guid {
                value: "https://notes.example.org/2024/03/a/".to_string(),
                permalink: true,
            }),
            pub_date: Some("Mon, 25 Mar 2024 10:00:00 +0000".to_string()),
            content: Some(body_html.to_string()),
            dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                creators: vec![title.to_string()],
                ..Default::default()
            }),
            extensions: item_extensions,
            ..Default::default()
        };
        let mut channel_extensions = ExtensionMap::new();
        channel_extensions
            .entry("atom".to_string())
            .or_default()
            .insert(
                "link".to_string(),
                vec![extension(
                    "atom:link",
                    &[
                        ("href", "https://notes.example.org/feeds/rss.xml"),
                        ("rel", "self"),
                        ("type", "application/rss+xml"),
                    ],
                    None,
                )],
            );
        let channel = rss::Channel {
            title: title.to_string(),
            link: "https://notes.example.org/".to_string(),
            description: title.to_string(),
            language: Some("en".to_string()),
            generator: Some("feedpub".to_string()),
            last_build_date: Some("Mon, 25 Mar 2024 10:00:00 +0000".to_string()),
            items: vec![item],
            extensions: channel_extensions,
            namespaces: [("atom", ATOM_NS), ("media", MEDIA_NS)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        };
        channel.write_to(Vec::new()).expect("rss writes")
    }

    fn atom_feed(title: &str, body_html: &str) -> Vec<u8> {
        let date: atom::FixedDateTime = "2024-03-25T10:00:00Z".parse().expect("date");
        let person = atom::Person {
            name: title.to_string(),
            ..Default::default()
        };
        let link = |href: &str, rel: &str| atom::Link {
            href: href.to_string(),
            rel: rel.to_string(),
            mime_type: Some("text/html".to_string()),
            ..Default::default()
        };
        let entry = atom::Entry {
            title: atom::Text::plain(title),
            id: "https://notes.example.org/2024/03/a/".to_string(),
            updated: date,
            published: Some(date),
            authors: vec![person.clone()],
            links: vec![link("https://notes.example.org/2024/03/a/", "alternate")],
            categories: vec![atom::Category {
                term: "a".to_string(),
                label: Some(title.to_string()),
                ..Default::default()
            }],
            summary: Some(atom::Text::html(body_html)),
            content: Some(atom::Content {
                value: Some(body_html.to_string()),
                content_type: Some("html".to_string()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let feed = atom::Feed {
            title: atom::Text::plain(title),
            id: "https://notes.example.org/".to_string(),
            updated: date,
            authors: vec![person],
            links: vec![
                link("https://notes.example.org/feeds/atom.xml", "self"),
                link("https://notes.example.org/", "alternate"),
            ],
            subtitle: Some(atom::Text::plain(title)),
            generator: Some(atom::Generator {
                value: "feedpub".to_string(),
                ..Default::default()
            }),
            lang: Some("en".to_string()),
            entries: vec![entry],
            ..Default::default()
        };
        // atom_syndication's own declaration has no encoding; write a full one.
        let config = atom::WriteConfig {
            write_document_declaration: false,
            indent_size: Some(2),
        };
        let mut out = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n".to_vec();
        feed.write_with_config(&mut out, config)
            .expect("atom writes");
        out
    }

    #[test]
    fn feedpub_shaped_output_is_clean() {
        let title = "Rainy season in Côte d’Ivoire: 5 < 7 & \"quotes\"";
        let body = "<p>The rains came <em>early</em> — see <a href=\"https://notes.example.org/\">notes</a>.</p>";
        for (name, bytes) in [
            ("rss.xml", rss_feed(title, body)),
            ("atom.xml", atom_feed(title, body)),
        ] {
            let found = validate_feed(Path::new(name), &bytes, &validator_options());
            assert!(
                found.is_empty(),
                "{name}:\n{}\n{}",
                found
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn atom_syndication_default_declaration_has_no_encoding() {
        // Pins why atom_feed() writes its own declaration: the crate's default
        // one is `<?xml version="1.0"?>`, which draws MissingEncoding.
        let feed = atom::Feed::default();
        let bytes = feed.write_to(Vec::new()).expect("atom writes");
        assert!(bytes.starts_with(b"<?xml version=\"1.0\"?>"));
        let found = validate_feed(Path::new("atom.xml"), &bytes, &validator_options());
        assert!(
            found
                .iter()
                .any(|d| d.code.as_deref() == Some("MissingEncoding"))
        );
        // And the crate's defaults (empty id, 1970) are caught, as the issue asks.
        assert!(
            found
                .iter()
                .any(|d| d.code.as_deref() == Some("InvalidURI"))
        );
        assert!(
            found
                .iter()
                .any(|d| d.code.as_deref() == Some("ImplausibleDate"))
        );
    }

    /// Rule codes that would mean the writer broke the XML itself.
    const XML_LEVEL: &[&str] = &[
        "NotWellFormed",
        "InvalidXmlCharacter",
        "UnicodeError",
        "UndefinedNamedEntity",
        "NotHtml",
        "UndefinedElement",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[<>&'\"\\]\\[;#a-z ]{0,12}(\\]\\]>)?[<>&'\"\\\\t\\r\\n\\x01é😀]{0,12}",
        ]
    }

    proptest! {
        #[test]
        fn any_article_text_keeps_the_xml_intact(title in text(), body in text()) {
            let illegal = title.chars().chain(body.chars()).any(|c| {
                !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            });
            for (name, bytes) in [("rss.xml", rss_feed(&title, &body)), ("atom.xml", atom_feed(&title, &body))] {
                let found = validate_feed(Path::new(name), &bytes, &validator_options());
                let broken: Vec<String> = found
                    .iter()
                    .filter(|d| XML_LEVEL.contains(&d.code.as_deref().unwrap_or_default()))
                    .filter(|d| !(illegal && d.code.as_deref() == Some("InvalidXmlCharacter")))
                    .map(ToString::to_string)
                    .collect();
                prop_assert!(broken.is_empty(), "{}: {:?}", name, broken);
                if illegal {
                    prop_assert!(found.iter().any(|d| d.code.as_deref() == Some("InvalidXmlCharacter")));
                }
            }
        }
    }
}
