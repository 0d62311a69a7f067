//! The output directory: the names of what a build writes there, and
//! whether a directory is feedpub's to write into.
//!
//! A build renames feeds into place and removes its stale temporary files
//! there, so pointed at a directory that holds a site's own files (`--out
//! public` after Hugo ran, `--out .` with an `index.html`) it would mix its
//! files with them or overwrite one. feedpub recognizes its own directory
//! without any state: either a build has run there (the lock file every
//! build leaves, [`crate::lock::LOCK_FILE_NAME`], is present), or every file
//! in it is one a build writes (`rss.xml`, `atom.xml`, `feed.json`, a
//! `.feedpub…` file, and at the top a `feeds.opml` and an `index.html`
//! with feedpub's mark), as in a freshly cloned repository with committed
//! feeds. Anything else is refused unless the user asks (`--force-out`).

use std::path::{Path, PathBuf};

use crate::error::{ConfigProblem, Error, Result};
use crate::format::Format;
use crate::lock::LOCK_FILE_NAME;

/// The folder of the archive pages under the output directory.
pub(crate) const ARCHIVE_DIR: &str = "archive";

/// The folder of custom feeds under the output directory.
pub(crate) const CUSTOM_DIR: &str = "custom";

/// File name of the OPML subscription list in the output directory.
pub(crate) const OPML_FILE: &str = "feeds.opml";
/// File name of the HTML feed index in the output directory.
pub(crate) const INDEX_FILE: &str = "index.html";

/// The id of a feed's entry on the feeds page, from the folder of its files
/// (`categories/economy`; `site` for the site feed): stable across builds,
/// and linked by term feeds on sites without term pages.
pub(crate) fn feed_anchor(dir: &str) -> String {
    if dir.is_empty() {
        "site".to_string()
    } else {
        dir.replace('\\', "/")
    }
}

/// The comment that marks a `feeds.opml` as feedpub's own, so an output
/// directory holding someone else's subscription list is not taken over
/// (see [`check_owned`]).
pub(crate) const OPML_MARKER: &str =
    "Written by feedpub: every feed of this site, one outline each";

/// The footer of [`INDEX_FILE`], which also tells feedpub's page from a
/// site's own `index.html`.
pub(crate) const INDEX_FOOTER: &str = "Every feed is published in RSS 2.0, Atom 1.0 and JSON Feed 1.1 and \
     validated before publishing, by feedpub.";

/// The most of an `index.html` or `feeds.opml` read to find feedpub's mark.
const MAX_DISCOVERY_BYTES: u64 = 4 << 20;

/// Refuse (configuration error, exit 2) an output directory holding a file
/// feedpub did not write, unless a build has run there before. A missing
/// or empty directory is feedpub's.
pub fn check_owned(dir: &Path) -> Result<()> {
    if dir.join(LOCK_FILE_NAME).symlink_metadata().is_ok() {
        return Ok(());
    }
    let Some(foreign) = first_foreign_file(dir) else {
        return Ok(());
    };
    let shown = foreign.strip_prefix(dir).unwrap_or(&foreign);
    Err(Error::Config(Box::new(
        ConfigProblem::ForeignOutputDirectory
            .at(
                dir,
                format!(
                    "the output directory {} holds {}, which feedpub did not write",
                    crate::text::escaped_path(dir),
                    crate::text::escaped_path(shown),
                ),
            )
            .with_help(
                "pass another --out (a directory of its own, such as feeds/), \
             or --force-out to publish beside the files already there",
            ),
    )))
}

/// The first entry under `dir` (in file-name order) that a build would not
/// have written: any file or link whose name is not a feed's or feedpub's
/// own. Directories are walked, never followed through links.
fn first_foreign_file(dir: &Path) -> Option<PathBuf> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|entry| !entry.file_type().is_dir() && !is_written_by_feedpub(entry))
        .map(walkdir::DirEntry::into_path)
}

/// Whether a build could have written `entry`: a feed, a `.feedpub` file,
/// or at the top the discovery files (an `index.html` only with feedpub's
/// footer and a `feeds.opml` only with feedpub's comment: a site's own
/// would be overwritten).
fn is_written_by_feedpub(entry: &walkdir::DirEntry) -> bool {
    let Some(name) = entry.file_name().to_str() else {
        return false;
    };
    if Format::of_file_name(name).is_some() || name.starts_with(".feedpub") {
        return true;
    }
    if entry.depth() != 1 || !entry.file_type().is_file() {
        return false;
    }
    let mark = match name {
        OPML_FILE => OPML_MARKER,
        INDEX_FILE => INDEX_FOOTER,
        _ => return false,
    };
    crate::files::read_regular(entry.path(), MAX_DISCOVERY_BYTES)
        .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(mark))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn missing_empty_and_feed_only_directories_are_feedpubs() {
        let dir = tempfile::tempdir().unwrap();
        check_owned(&dir.path().join("missing")).unwrap();
        check_owned(dir.path()).unwrap();
        fs::create_dir_all(dir.path().join("categories/economy")).unwrap();
        fs::write(dir.path().join("categories/economy/rss.xml"), "x").unwrap();
        fs::write(dir.path().join("atom.xml"), "x").unwrap();
        fs::write(dir.path().join("categories/.feedpub-Ab12Cd.tmp"), "x").unwrap();
        fs::write(
            dir.path().join(OPML_FILE),
            format!("<!-- {OPML_MARKER} -->"),
        )
        .unwrap();
        fs::write(
            dir.path().join(INDEX_FILE),
            format!("<p>{INDEX_FOOTER}</p>"),
        )
        .unwrap();
        check_owned(dir.path()).unwrap();
    }

    #[test]
    fn a_directory_with_a_sites_own_files_is_refused() {
        // Issue 11: `--out .` silently overwrote a site's own index.html.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("rss.xml"), "x").unwrap();
        fs::create_dir(dir.path().join("css")).unwrap();
        fs::write(dir.path().join("css/site.css"), "x").unwrap();
        fs::write(dir.path().join(INDEX_FILE), "<h1>My site</h1>").unwrap();
        let refusal = |dir: &Path| match check_owned(dir) {
            Err(Error::Config(d)) => d.message,
            other => panic!("expected a configuration error, got {other:?}"),
        };
        assert!(
            refusal(dir.path()).ends_with("holds css/site.css, which feedpub did not write"),
            "{}",
            refusal(dir.path())
        );
        fs::remove_dir_all(dir.path().join("css")).unwrap();
        assert!(refusal(dir.path()).ends_with("holds index.html, which feedpub did not write"));
        // Once a build has run there (asked with --force-out), it is feedpub's.
        fs::write(dir.path().join(LOCK_FILE_NAME), "").unwrap();
        check_owned(dir.path()).unwrap();
    }

    #[test]
    fn a_sites_own_subscription_list_is_refused() {
        // Issue 11: any feeds.opml was taken for feedpub's and overwritten.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("rss.xml"), "x").unwrap();
        fs::write(
            dir.path().join(OPML_FILE),
            "<opml version=\"2.0\"><head><title>My blogroll</title></head></opml>",
        )
        .unwrap();
        match check_owned(dir.path()) {
            Err(Error::Config(d)) => assert!(
                d.message
                    .ends_with("holds feeds.opml, which feedpub did not write"),
                "{}",
                d.message
            ),
            other => panic!("expected a configuration error, got {other:?}"),
        }
        // The one feedpub writes is recognized by its comment.
        let config = crate::config::Config::from_toml(
            "title = \"News\"\nbase_url = \"https://x.org\"\n",
            Path::new("feedpub.toml"),
            Path::new(""),
            &crate::config::Paths::default(),
        )
        .unwrap();
        let ours = crate::feed::discovery::opml(&config, &[]);
        fs::write(dir.path().join(OPML_FILE), ours).unwrap();
        check_owned(dir.path()).unwrap();
    }
}
