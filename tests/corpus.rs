//! A generated 2000-article Hugo-style collection (`shared/bench/gen_corpus.py`)
//! builds into feeds that every independent checker accepts.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use predicates::prelude::*;

/// The corpus generator, from the `shared/` folder beside the repository.
fn generator() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is required in CI",
        path.display()
    );
    eprintln!("skipped: {} not found", path.display());
    None
}

#[test]
fn generated_2000_article_corpus_gives_valid_feeds_everywhere() {
    let Some(generator) = generator() else { return };
    let site = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(generator)
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
        .stdout(predicate::str::starts_with("2000 articles read, 1961 published (39 draft left out); 155 files: 155 written, 0 unchanged;"));
    feedpub(site.path())
        .args(["build", "--now", now])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "155 files: 0 written, 155 unchanged",
        ));
    feedpub(site.path())
        .args(["check", "--now", now])
        .assert()
        .success()
        .stdout("")
        .stderr("0 error(s), 0 warning(s)\n");

    let feeds = site.path().join("feeds");
    let all: Vec<PathBuf> = files_below(&feeds)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
        .map(|f| feeds.join(f))
        .collect();
    assert_eq!(all.len(), 102);
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
