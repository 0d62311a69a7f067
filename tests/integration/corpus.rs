//! A generated 2000-article Hugo-style collection (`src/bin/gen_corpus.rs`)
//! builds into feeds that every independent checker accepts.

use std::path::PathBuf;
use std::process::Command;

use crate::support::*;
use predicates::prelude::*;

#[test]
fn generated_2000_article_corpus_gives_valid_feeds_everywhere() {
    let _heavy = heavy_test();
    let site = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_gen_corpus"))
        .args(["--articles", "2000", "--out"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let now = "2026-01-01T00:00:00Z";
    feedpub(site.path())
        .args(["build", "--now", now])
        .assert()
        .success()
        .stderr("")
        .stdout(predicate::str::starts_with("2000 articles read, 1952 published (36 draft, 12 undated left out); 188 files: 188 written, 0 unchanged;"));
    feedpub(site.path())
        .args(["build", "--now", now])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "188 files: 0 written, 188 unchanged",
        ));
    feedpub(site.path())
        .args(["check", "--now", now])
        .assert()
        .success()
        .stdout("")
        .stderr("0 errors, 0 warnings\n");

    let feeds = site.path().join("feeds");
    let all: Vec<PathBuf> = files_below(&feeds)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
        .map(|f| feeds.join(f))
        .collect();
    assert_eq!(all.len(), 124);
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let feed = feed_rs::parser::parse(text.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !feed.entries.is_empty() && feed.entries.len() <= 50,
            "{}",
            path.display()
        );
    }
    assert_outside_validators_accept(&all);
}

fn generate(articles: &str, seed: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_gen_corpus"))
        .args(["--articles", articles, "--seed", seed, "--out"])
        .arg(site.path())
        .status()
        .unwrap();
    assert!(status.success());
    site
}

#[test]
fn the_corpus_generator_is_deterministic_and_has_the_promised_shape() {
    let a = read_tree(generate("300", "7").path());
    assert_eq!(
        a,
        read_tree(generate("300", "7").path()),
        "same seed, same bytes"
    );
    assert_ne!(
        a,
        read_tree(generate("300", "8").path()),
        "another seed differs"
    );
    let names: Vec<String> = a.keys().map(|p| p.to_string_lossy().into_owned()).collect();
    for config in ["feedpub.toml", "hugo.toml", "layouts/_default/rss.xml"] {
        assert!(names.iter().any(|n| n == config), "{config} missing");
    }
    let articles: Vec<String> = a
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "md"))
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .collect();
    assert_eq!(articles.len(), 300);
    let count = |f: &dyn Fn(&String) -> bool| articles.iter().filter(|t| f(t)).count();
    assert!(count(&|t| t.starts_with("---\n")) > 180, "mostly YAML");
    assert!(count(&|t| t.starts_with("+++\n")) > 30, "some TOML");
    assert!(count(&|t| t.contains("\ndraft")) > 0, "some drafts");
    assert!(count(&|t| !t.contains("\ndate")) > 0, "some undated");
    assert!(
        count(&|t| t.contains("\nimage:")) > 0,
        "nested image tables"
    );
    assert!(
        count(&|t| t.contains("\"TJ\"") || t.contains("- TJ\n")) > 0,
        "ISO codes"
    );
    assert!(count(&|t| t.contains("Türkiye")) > 0, "current names");
    assert!(count(&|t| t.contains("date: 2015") || t.contains("date = 2015")) > 0);
    assert!(count(&|t| t.contains("date: 2025") || t.contains("date = 2025")) > 0);
}
