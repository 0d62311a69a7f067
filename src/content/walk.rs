//! Walking the content folders: which files are articles, and why the
//! others are not.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Loader, Problem};
use crate::error::Diagnostic;
use crate::files::Stat;

/// One walk and stat pass over the content folders: every file in walk
/// order, with its stat. The no-op probe takes it, and the loader reads
/// articles from it, so a build walks and stats `content/` once.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    /// Every entry that is not a directory, in walk order.
    pub files: Vec<Listed>,
    /// Entries the walk could not read, with why.
    pub unreadable: Vec<(PathBuf, String)>,
    /// The first content folder is missing (the loader reports it).
    pub missing_root: bool,
}

/// One file of a [`Listing`].
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// Where it is.
    pub path: PathBuf,
    /// Whether the walk saw a regular file (links followed).
    pub is_file: bool,
    /// Its stat, taken after the walk; `None` when it is no regular file.
    pub stat: Option<Stat>,
}

impl Listing {
    /// Whether the walk saw everything: no unreadable entry, no missing
    /// content folder.
    pub(crate) fn is_complete(&self) -> bool {
        self.unreadable.is_empty() && !self.missing_root
    }
}

/// Walk the content folders `roots` (the site's content directory first,
/// then other languages' folders: `Config::content_dirs`) and stat every
/// file in parallel. A folder that does not exist is not walked; once it
/// appears, its files are a change.
pub(crate) fn list(roots: &[&Path]) -> Listing {
    let mut listing = Listing::default();
    let mut found = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        if !root.is_dir() {
            listing.missing_root |= i == 0;
            continue;
        }
        for entry in walk(root) {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => {
                    let is_file = e.file_type().is_file();
                    found.push((e.into_path(), is_file));
                }
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_path_buf();
                    listing.unreadable.push((path, e.to_string()));
                }
            }
        }
    }
    listing.files = found
        .into_par_iter()
        .map(|(path, is_file)| Listed {
            stat: Stat::of_file(&path),
            path,
            is_file,
        })
        .collect();
    listing
}

impl Loader<'_> {
    /// Every article file below the content directory, sorted: the files
    /// Hugo reads as pages (`.md`, `.markdown`, `.mdown`, `.html`),
    /// skipping hidden files and folders and Hugo's `_index.md` section pages.
    pub fn article_paths(&self) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let listing = list(&self.config.content_dirs());
        let (articles, problems, _) = self.articles_in(&listing);
        (
            articles.into_iter().map(|f| f.path.clone()).collect(),
            problems,
        )
    }

    /// The article files of `listing` ([`Loader::article_paths`]), the
    /// problems of the walk, and how many files were left alone; each is
    /// logged at debug level with why.
    pub(super) fn articles_in<'l>(
        &self,
        listing: &'l Listing,
    ) -> (Vec<&'l Listed>, Vec<Diagnostic>, usize) {
        let mut articles = Vec::new();
        let mut problems = Vec::new();
        let mut skipped = 0;
        let mut skip = |path: &Path, why: &str| {
            skipped += 1;
            tracing::debug!(path = %path.display(), why, "not an article");
        };
        for (i, root) in self.config.content_dirs().into_iter().enumerate() {
            if i > 0 && !root.is_dir() {
                // Hugo builds a language whose folder is missing, empty.
                skip(root, "the language's contentDir does not exist");
            }
        }
        if listing.missing_root {
            problems.push(
                Problem::MissingContentDirectory
                    .at(
                        &self.config.content_dir,
                        "the content directory does not exist",
                    )
                    .with_help("create it, or pass --content PATH"),
            );
        }
        for file in &listing.files {
            let path = file.path.as_path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if !file.is_file {
                skip(path, "not a regular file");
            } else if name.starts_with("_index.") {
                self.read_cascade(path);
                skip(path, "a section page (_index), not an article");
            } else if !is_page_name(&name) {
                skip(
                    path,
                    "not a page: only .md, .markdown, .mdown and .html are",
                );
            } else if self.config.hugo.as_ref().is_some_and(|h| h.ignores(path)) {
                skip(path, "matched by the site's ignoreFiles");
            } else {
                articles.push(file);
            }
        }
        problems.extend(
            listing
                .unreadable
                .iter()
                .map(|(path, why)| Problem::UnreadableFile.at(path, format!("cannot read: {why}"))),
        );
        (articles, problems, skipped)
    }
}

/// The walk of one content folder: sorted by name, following links,
/// hidden files and folders left out (every other entry, directories
/// included).
fn walk(root: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
}

/// Whether Hugo reads a file of this name as a page.
pub(super) fn is_page_name(name: &str) -> bool {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        extension.as_deref(),
        Some("md" | "markdown" | "mdown" | "html" | "htm")
    )
}
