//! Walking the content folders: which files are articles, and why the
//! others are not.

use std::path::{Path, PathBuf};

use super::{Loader, Problem};
use crate::error::Diagnostic;

impl Loader<'_> {
    /// Every article file below the content directory, sorted: the files
    /// Hugo reads as pages (`.md`, `.markdown`, `.mdown`, `.html`),
    /// skipping hidden files and folders and Hugo's `_index.md` section pages.
    pub fn article_paths(&self) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let (paths, problems, _) = self.walk();
        (paths, problems)
    }

    /// [`Loader::article_paths`], and how many files were left alone; each
    /// is logged at debug level with why.
    pub(super) fn walk(&self) -> (Vec<PathBuf>, Vec<Diagnostic>, usize) {
        let mut paths = Vec::new();
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
                continue;
            }
            if !root.is_dir() {
                problems.push(
                    Problem::MissingContentDirectory
                        .at(root, "the content directory does not exist")
                        .with_help("create it, or pass --content PATH"),
                );
                continue;
            }
            self.walk_dir(root, &mut paths, &mut problems, &mut skip);
        }
        (paths, problems, skipped)
    }

    /// Walk one content directory: articles go to `paths`, unreadable
    /// entries to `problems`, and every other file to `skip` with why.
    fn walk_dir(
        &self,
        root: &Path,
        paths: &mut Vec<PathBuf>,
        problems: &mut Vec<Diagnostic>,
        skip: &mut impl FnMut(&Path, &str),
    ) {
        for entry in walk(root) {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => {
                    let name = e.file_name().to_string_lossy();
                    if !e.file_type().is_file() {
                        skip(e.path(), "not a regular file");
                    } else if name.starts_with("_index.") {
                        self.read_cascade(e.path());
                        skip(e.path(), "a section page (_index), not an article");
                    } else if !is_page_name(&name) {
                        skip(
                            e.path(),
                            "not a page: only .md, .markdown, .mdown and .html are",
                        );
                    } else if self
                        .config
                        .hugo
                        .as_ref()
                        .is_some_and(|h| h.ignores(e.path()))
                    {
                        skip(e.path(), "matched by the site's ignoreFiles");
                    } else {
                        paths.push(e.into_path());
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_path_buf();
                    problems.push(Problem::UnreadableFile.at(path, format!("cannot read: {e}")));
                }
            }
        }
    }
}

/// The walk of one content folder that the loader and the no-op probe
/// share: sorted by name, following links, hidden files and folders left
/// out (every other entry, directories included).
pub fn walk(root: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
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
