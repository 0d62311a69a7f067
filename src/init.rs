//! `feedpub init`: scaffold a new site that builds valid feeds at once.
//!
//! It writes a commented `feedpub.toml`, one example article shaped like a
//! real one (category, country, lead image, byline) and a `.gitignore` for
//! feedpub's machine state. It never overwrites anything: if any of those
//! files exists, nothing is written and the error names it.

use std::path::{Path, PathBuf};

use crate::error::{ConfigProblem, Error, Result};

/// The commented configuration of a new site.
const CONFIG: &str = r#"# feedpub configuration: every key is documented in the README.
# Unknown keys are errors with a suggestion, so a typo never goes unnoticed.

title = "My News Site"                   # required: the site-wide feed's title
base_url = "https://news.example.org/"    # required: the site's public root URL
description = "News and analysis"         # the site-wide feed's description
language = "en"                           # language tag of the feeds
timezone = "UTC"                          # IANA zone for dates without an offset
# limit = 50                              # items per feed
# author = "Newsroom"                     # Atom author of articles without a byline
# regions = ["Central Asia"]              # names accepted as countries besides ISO 3166
# permalink = "/:sections/:slug/"         # article URL pattern
# feeds_url = "https://cdn.example.org/feeds/"  # public URL of the output directory
# ledger = "feedpub-ledger.toml"          # published ids and dates: commit it
# term_page = "/:taxonomy/:slug/"         # the site's page for a category or country
# term_pages = false                      # no such pages: link to the feeds page instead
# image = "/logo.png"                     # feed image (RSS image, Atom logo, JSON icon)
# icon = "/favicon.png"                   # small square icon (Atom icon, JSON favicon)
# copyright = "© 2026 My News Site"       # RSS copyright, Atom rights
#
# One term's feed title and description (as articles spell the term):
# [categories."National Security"]
# description = "Threats, defence and policing"
"#;

/// The example article: front matter as the rest of the collection will use it.
const ARTICLE: &str = r#"---
title: "Welcome to your feeds"
date: 2026-01-15T09:00:00Z
categories: ["National Security"]
countries: ["Tajikistan"]
author: "Newsroom"
image:
  src: "https://upload.wikimedia.org/wikipedia/commons/d/d0/Flag_of_Tajikistan.svg"
  alt: "Flag of Tajikistan"
summary: "An example article: edit or delete it, then add your own under content/."
---

This article shows the front matter feedpub reads: a **title**, a **date**,
**categories** and **countries** (names, aliases or ISO codes), a byline and
a lead image. Each category and each country gets its own feed.

Run `feedpub preview` to see the site-wide feed as readers will, and
`feedpub build` to publish every feed under `feeds/`.
"#;

/// Machine state that stays out of version control.
const GITIGNORE: &str = "\
# feedpub's machine state: rebuilt when missing, never committed.
/.feedpub-cache
/.feedpub-state
/.feedpub-websub
/.feedpub-ledger.toml.lock
/.feedpub-ledger.toml.mirror
/feeds/.feedpub.lock
.feedpub-*.tmp
";

/// Where the example article goes, relative to the site directory.
pub(crate) const EXAMPLE_ARTICLE: &str = "content/welcome.md";

/// Create a new site in `dir` (created if missing) and return the files
/// written, in order. Refuses, writing nothing, when any of them exists.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = [
        (dir.join("feedpub.toml"), CONFIG),
        (dir.join(EXAMPLE_ARTICLE), ARTICLE),
        (dir.join(".gitignore"), GITIGNORE),
    ];
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.symlink_metadata().is_ok())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if let Some(first) = existing.first() {
        let message = format!(
            "{} already exist{}; `feedpub init` never overwrites anything",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        );
        return Err(Error::Config(Box::new(
            ConfigProblem::DirectoryNotEmpty
                .at(first, message)
                .with_help("run it in a new directory: `feedpub init DIR`"),
        )));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            crate::files::create_dir_all(parent)?;
        }
        // Never overwrites, even a file appearing meanwhile.
        crate::files::write_new(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_bundled_site_ignores_every_machine_file_a_new_site_ignores() {
        // `cargo run --release -- build` on this repository must leave
        // `git status` clean, as `init`'s .gitignore does for a new site.
        let ours = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.gitignore")).unwrap();
        let missing: Vec<&str> = GITIGNORE
            .lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter(|line| !ours.lines().any(|own| own == *line))
            .collect();
        assert!(missing.is_empty(), "add to .gitignore: {missing:?}");
    }

    #[test]
    fn init_writes_a_site_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        let written = init(&site).expect("init");
        assert_eq!(written.len(), 3);
        assert!(site.join(EXAMPLE_ARTICLE).is_file());

        // A second run refuses and leaves the edited config alone.
        fs::write(site.join("feedpub.toml"), "edited").expect("edit");
        fs::remove_file(site.join(".gitignore")).expect("remove");
        let error = init(&site).expect_err("refuses");
        assert!(error.to_string().contains("feedpub.toml"), "{error}");
        assert_eq!(
            fs::read_to_string(site.join("feedpub.toml")).expect("read"),
            "edited"
        );
        assert!(!site.join(".gitignore").exists(), "nothing written");
    }
}
