//! Loading the article collection: walk `content/`, split and parse each
//! file, and resolve it into an [`Article`].
//!
//! Every problem in every file is collected; a file with errors yields no
//! article but does not stop the others from being checked.

mod front_matter;
mod markdown;
mod permalink;

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use chrono::{DateTime, Datelike, Utc};
use url::Url;

use crate::cache::{HeadCache, Stamp};
use crate::config::Config;
use crate::country::Countries;
use crate::dates::{is_plausible, parse_date};
use crate::error::Diagnostic;
use crate::model::{Article, Body, Image, image_mime_type};
use crate::taxonomy::{Taxonomy, TaxonomyKind};
use crate::text::{line_col, squash_whitespace, stable_hash, xml_safe};

pub use front_matter::{Format, FrontMatter, TermsField, split};
pub use markdown::{render_html, summarize};
pub use permalink::unknown_permalink_token;

/// The outcome of loading a collection: the good articles, and every
/// problem found (errors and warnings) in file order.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Articles that loaded without errors, in path order.
    pub articles: Vec<Article>,
    /// Every error and warning, in path order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many article files were found.
    pub files: usize,
}

/// Turns article files into [`Article`]s for one site.
pub struct Loader<'a> {
    config: &'a Config,
    countries: Countries,
}

impl<'a> Loader<'a> {
    /// A loader for the site described by `config`.
    pub fn new(config: &'a Config) -> Self {
        Loader {
            config,
            countries: Countries::new(&config.regions),
        }
    }

    /// Every article file below the content directory, sorted: `*.md` files,
    /// skipping hidden files and folders and Hugo's `_index.md` section pages.
    pub fn article_paths(&self) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let mut paths = Vec::new();
        let mut problems = Vec::new();
        let root = &self.config.content_dir;
        if !root.is_dir() {
            problems.push(
                Diagnostic::error(root, "the content directory does not exist")
                    .with_help("create it, or pass --content PATH"),
            );
            return (paths, problems);
        }
        let walk = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            match entry {
                Ok(e) => {
                    let name = e.file_name().to_string_lossy();
                    if e.file_type().is_file() && name.ends_with(".md") && name != "_index.md" {
                        paths.push(e.into_path());
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_path_buf();
                    problems.push(Diagnostic::error(path, format!("cannot read: {e}")));
                }
            }
        }
        (paths, problems)
    }

    /// Load the front matter of every article of the collection, in
    /// parallel; bodies are read later, only where needed ([`Loader::read_bodies`]).
    pub fn load_all(&self) -> Loaded {
        self.load_all_with(None)
    }

    /// [`Loader::load_all`], taking unchanged articles from `cache` and
    /// recording the others in it.
    pub fn load_all_with(&self, cache: Option<&HeadCache>) -> Loaded {
        let (paths, mut diagnostics) = self.article_paths();
        let files = paths.len();
        let results: Vec<(Option<Article>, Vec<Diagnostic>)> = paths
            .par_iter()
            .map(|path| {
                let Some(cache) = cache else {
                    return self.load_file(path);
                };
                let stamp = Stamp::of(path);
                if let Some(article) = stamp.and_then(|s| cache.get(path, s)) {
                    return (Some(article), Vec::new());
                }
                let (article, problems) = self.load_file(path);
                if let (Some(article), Some(stamp), true) = (&article, stamp, problems.is_empty()) {
                    cache.insert(article, stamp);
                }
                (article, problems)
            })
            .collect();
        let mut articles = Vec::with_capacity(files);
        for (article, problems) in results {
            articles.extend(article);
            diagnostics.extend(problems);
        }
        Loaded {
            articles,
            diagnostics,
            files,
        }
    }

    /// Load one article file's front matter; on errors there is no
    /// article, and every problem found is returned.
    pub fn load_file(&self, path: &Path) -> (Option<Article>, Vec<Diagnostic>) {
        let text = match read_head(path) {
            Ok(t) => t,
            Err(problem) => return (None, vec![*problem]),
        };
        let mut parse = ArticleParse {
            loader: self,
            path,
            problems: Vec::new(),
        };
        let article = parse.article(&text);
        let problems = parse.problems;
        let has_errors = problems.iter().any(Diagnostic::is_error);
        (article.filter(|_| !has_errors), problems)
    }

    /// Read and render the bodies of `articles[i]` for every `i` in
    /// `which` that has none yet, in parallel. Articles whose body cannot be
    /// read keep none, and the problem is returned.
    pub fn read_bodies(&self, articles: &mut [Article], which: &[usize]) -> Vec<Diagnostic> {
        let mut wanted = vec![false; articles.len()];
        for &i in which {
            if let Some(w) = wanted.get_mut(i) {
                *w = true;
            }
        }
        articles
            .par_iter_mut()
            .zip(wanted)
            .filter(|(article, wanted)| *wanted && article.body.is_none())
            .filter_map(|(article, _)| match read_body(article) {
                Ok(body) => {
                    article.body = Some(body);
                    if let Some(image) = &mut article.image {
                        image.length = image
                            .local_file
                            .as_ref()
                            .and_then(|p| std::fs::metadata(p).ok())
                            .filter(std::fs::Metadata::is_file)
                            .map_or(0, |m| m.len());
                    }
                    None
                }
                Err(problem) => Some(*problem),
            })
            .collect()
    }
}

/// How much of a file is read first: enough for almost every front matter.
const HEAD_BYTES: u64 = 2048;

fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> Box<Diagnostic> {
    let line = bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count() + 1;
    Box::new(
        Diagnostic::error(path, "the file is not valid UTF-8")
            .at_line(line)
            .with_help("save it as UTF-8 (most editors have an \"encoding\" option)"),
    )
}

fn cannot_read(path: &Path, e: std::io::Error) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(path, format!("cannot read: {e}")))
}

/// The start of an article file, as text, holding at least its whole front
/// matter: the first [`HEAD_BYTES`], or the whole file when the front
/// matter does not end within them.
fn read_head(path: &Path) -> Result<String, Box<Diagnostic>> {
    let cannot_read = |e| cannot_read(path, e);
    let mut head = Vec::with_capacity(HEAD_BYTES as usize);
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    file.take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(cannot_read)?;
    let whole = (head.len() as u64) < HEAD_BYTES;
    if !whole {
        let text = match std::str::from_utf8(&head) {
            Ok(t) => t,
            // A character cut at the end of the head is fine; others are not.
            Err(e) if e.error_len().is_none() => {
                std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(e) => return Err(not_utf8(path, &head, e.valid_up_to())),
        };
        // The closing fence must be a complete line inside the head.
        if let Ok(split) = split(text)
            && text.len() > split.body.len()
            && text[..text.len() - split.body.len()].ends_with('\n')
        {
            return Ok(text.to_string());
        }
        head = std::fs::read(path).map_err(cannot_read)?;
    }
    String::from_utf8(head).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        not_utf8(path, e.as_bytes(), valid)
    })
}

/// Read an article's body from its file and render it.
fn read_body(article: &Article) -> Result<Body, Box<Diagnostic>> {
    let path = &article.source;
    let bytes = std::fs::read(path).map_err(|e| cannot_read(path, e))?;
    let body = bytes.get(article.body_offset..).unwrap_or_default();
    let body = std::str::from_utf8(body)
        .map_err(|e| not_utf8(path, &bytes, article.body_offset + e.valid_up_to()))?;
    let body = xml_safe(body);
    let base = Url::parse(&article.url).map_err(|e| {
        Box::new(Diagnostic::error(
            path,
            format!("bad URL {}: {e}", article.url),
        ))
    })?;
    let summary = match &article.written_summary {
        Some(s) => s.clone(),
        None => summarize(&body),
    };
    // Stored in ledgers: changing what goes in here makes every published
    // article look edited once (unless the ledger's FINGERPRINT_VERSION
    // changes with it). Taken over what the author wrote: the image as a
    // path when it is on the article's own site, so a new `base_url` is
    // not an edit.
    let image = article.image.as_ref().map(|i| written_url(&i.url, &base));
    let fingerprint = stable_hash(&[
        &article.title,
        article.written_summary.as_deref().unwrap_or(""),
        &body,
        image.as_deref().unwrap_or(""),
        article
            .image
            .as_ref()
            .and_then(|i| i.alt.as_deref())
            .unwrap_or(""),
    ]);
    Ok(Body {
        html: render_html(&body, &base),
        summary,
        fingerprint,
    })
}

/// `url` as the author wrote it: only its path (and query) when it is on the
/// same site as the article at `article`, else the whole URL.
fn written_url(url: &str, article: &Url) -> String {
    match Url::parse(url) {
        Ok(u) if u.origin() == article.origin() => match u.query() {
            Some(query) => format!("{}?{query}", u.path()),
            None => u.path().to_string(),
        },
        _ => url.to_string(),
    }
}

/// The state of parsing one file: where it is and what went wrong so far.
struct ArticleParse<'l, 'a> {
    loader: &'l Loader<'a>,
    path: &'l Path,
    problems: Vec<Diagnostic>,
}

impl ArticleParse<'_, '_> {
    fn error(&mut self, line: usize, message: impl Into<String>, help: impl Into<String>) {
        self.problems.push(
            Diagnostic::error(self.path, message)
                .at_line(line)
                .with_help(help),
        );
    }

    fn article(&mut self, text: &str) -> Option<Article> {
        let config = self.loader.config;
        let split = match split(text) {
            Ok(s) => s,
            Err(e) => {
                self.error(e.line, e.message, e.help);
                return None;
            }
        };
        let fields = FieldLines::new(split.front_matter, front_matter::FIRST_LINE);
        let fm = self.front_matter(&split)?;

        let title = clean(fm.title.as_deref().unwrap_or_default());
        if title.is_empty() {
            let line = fields.line_of("title");
            self.error(
                line,
                "the article has no title",
                "add a `title` field to the front matter",
            );
        }

        let date = self.date("date", fm.date.as_ref(), &fields);
        let updated = self.date("updated", fm.updated.as_ref(), &fields);
        let expires = self.date("expires", fm.expires.as_ref(), &fields);
        self.date_warnings(date, updated, &fields);

        let mut terms = Vec::with_capacity(config.taxonomies.len());
        for taxonomy in &config.taxonomies {
            let names = match fm.other.get(&taxonomy.name) {
                None => Vec::new(),
                Some(TermsField::Names(names)) => names.clone(),
                Some(TermsField::NotNames) => {
                    self.error(
                        fields.line_of(&taxonomy.name),
                        format!("`{}` is not a list of names", taxonomy.name),
                        format!(
                            "write one name, or a list: {}: [\"First\", \"Second\"]",
                            taxonomy.name
                        ),
                    );
                    Vec::new()
                }
            };
            terms.push(self.term_names(taxonomy, names, &fields));
        }

        let mut authors: Vec<String> = fm.author.iter().map(|a| clean(a)).collect();
        authors.extend(
            fm.authors
                .map(|a| a.0)
                .unwrap_or_default()
                .iter()
                .map(|a| clean(a)),
        );
        let authors = dedup(authors.into_iter().filter(|a| !a.is_empty()));

        let rel_path = self
            .path
            .strip_prefix(&config.content_dir)
            .unwrap_or(self.path);
        let url = match fm.url.as_deref() {
            Some(explicit) => permalink::explicit(&config.base_url, explicit)
                .map_err(|e| (fields.line_of("url"), e)),
            None => permalink::derive(config, rel_path, fm.slug.as_deref(), date).map_err(|e| {
                (
                    fields.line_of(if fm.slug.is_some() { "slug" } else { "date" }),
                    e,
                )
            }),
        };
        let url = match url {
            Ok(u) => u,
            Err((line, (message, help))) => {
                self.error(line, message, help);
                return None;
            }
        };

        let id_is_explicit = fm.id.is_some();
        let id = match fm.id.as_deref().map(str::trim) {
            None => url.to_string(),
            Some(id) => match Url::parse(id) {
                Ok(_) if !id.contains(char::is_whitespace) => id.to_string(),
                _ => {
                    self.error(
                        fields.line_of("id"),
                        format!("id {id:?} is not an absolute URI"),
                        "feed ids must be URIs: use e.g. \"urn:uuid:…\" or \"tag:example.org,2024:story-1\", or remove `id` to use the article URL",
                    );
                    return None;
                }
            },
        };

        let written_summary = fm.summary.as_deref().map(clean).filter(|s| !s.is_empty());
        let image = fm.image.map(|field| self.image(field, &url));
        // The body starts where the split left it; `split` strips a BOM, so
        // measure from the end.
        let body_offset = text.len() - split.body.len();

        Some(Article {
            source: self.path.to_path_buf(),
            title,
            url: url.to_string(),
            id,
            id_is_explicit,
            date,
            stamped: false,
            updated,
            expires,
            draft: fm.draft.unwrap_or(false),
            terms,
            authors,
            written_summary,
            image,
            body_offset,
            body: None,
        })
    }

    /// The cleaned, distinct names of one taxonomy's terms; countries are
    /// resolved to their canonical names, unknown ones reported.
    fn term_names(
        &mut self,
        taxonomy: &Taxonomy,
        written: Vec<String>,
        fields: &FieldLines<'_>,
    ) -> Vec<String> {
        let names = written.iter().map(|n| clean(n)).filter(|n| !n.is_empty());
        match taxonomy.kind {
            TaxonomyKind::Plain => dedup(names),
            TaxonomyKind::Country => {
                let mut countries: Vec<String> = Vec::new();
                for name in names {
                    match self.loader.countries.resolve(&name) {
                        Ok(country) => {
                            if !countries.contains(&country.name) {
                                countries.push(country.name);
                            }
                        }
                        Err(unknown) => {
                            let line = fields.line_of_value(&taxonomy.name, &name);
                            self.error(line, unknown.to_string(), unknown.help());
                        }
                    }
                }
                countries
            }
        }
    }

    /// Parse the front matter, reporting syntax and type errors at file lines.
    fn front_matter(&mut self, split: &front_matter::Split<'_>) -> Option<FrontMatter> {
        let first = front_matter::FIRST_LINE;
        let result = match split.format {
            Format::Yaml if split.front_matter.trim().is_empty() => Ok(FrontMatter::default()),
            Format::Yaml => {
                serde_saphyr::from_str::<FrontMatter>(split.front_matter).map_err(|e| {
                    let (line, column) = e.location().map_or((first, 1), |l| {
                        (first + l.line() as usize - 1, l.column() as usize)
                    });
                    (line, column, e.without_snippet().to_string())
                })
            }
            Format::Toml => toml::from_str::<FrontMatter>(split.front_matter).map_err(|e| {
                let (line, column) = e
                    .span()
                    .map_or((1, 1), |span| line_col(split.front_matter, span.start));
                (first + line - 1, column, e.message().trim().to_string())
            }),
        };
        match result {
            Ok(fm) => Some(fm),
            Err((line, column, message)) => {
                let syntax = match split.format {
                    Format::Yaml => "YAML",
                    Format::Toml => "TOML",
                };
                self.problems.push(
                    Diagnostic::error(
                        self.path,
                        format!("invalid {syntax} front matter: {}", first_line_of(&message)),
                    )
                    .at(line, column)
                    .with_help(format!(
                        "fix the {syntax} between the fences; field types are listed in the README"
                    )),
                );
                None
            }
        }
    }

    fn date(
        &mut self,
        key: &str,
        value: Option<&front_matter::DateText>,
        fields: &FieldLines<'_>,
    ) -> Option<DateTime<Utc>> {
        let value = value?;
        match parse_date(&value.0, self.loader.config.timezone) {
            Ok(d) => Some(d),
            Err(e) => {
                let line = fields.line_of(key);
                self.error(line, format!("`{key}`: {}", e.message), e.help);
                None
            }
        }
    }

    /// Dates that parse but are probably mistakes.
    fn date_warnings(
        &mut self,
        date: Option<DateTime<Utc>>,
        updated: Option<DateTime<Utc>>,
        fields: &FieldLines<'_>,
    ) {
        if let (Some(date), Some(updated)) = (date, updated)
            && updated < date
        {
            self.problems.push(
                Diagnostic::warning(self.path, "`updated` is earlier than `date`")
                    .at_line(fields.line_of("updated"))
                    .with_help("readers use the later of the two; fix whichever is wrong"),
            );
        }
        if let Some(date) = date
            && !is_plausible(&date)
        {
            self.problems.push(
                Diagnostic::warning(
                    self.path,
                    format!("`date` is in {}, before any web feed existed", date.year()),
                )
                .at_line(fields.line_of("date"))
                .with_help("check the year"),
            );
        }
    }

    fn image(&mut self, field: front_matter::ImageField, article_url: &Url) -> Image {
        let config = self.loader.config;
        let (src, alt) = match field {
            front_matter::ImageField::Path(src) => (src, None),
            front_matter::ImageField::Table { src, alt } => (src, alt),
        };
        let src = clean(&src);
        let alt = alt.map(|a| clean(&a)).filter(|a| !a.is_empty());
        let is_absolute = Url::parse(&src).is_ok();
        let url = if is_absolute {
            src.clone()
        } else if let Some(site_path) = src.strip_prefix('/') {
            config
                .base_url
                .join(site_path)
                .map_or_else(|_| src.clone(), String::from)
        } else {
            article_url
                .join(&src)
                .map_or_else(|_| src.clone(), String::from)
        };
        let local = if is_absolute {
            None
        } else if let Some(site_path) = src.strip_prefix('/') {
            Some(config.static_dir.join(site_path))
        } else {
            self.path.parent().map(|dir| dir.join(&src))
        };
        Image {
            mime_type: image_mime_type(&url),
            url,
            alt,
            length: 0,
            local_file: local,
        }
    }
}

/// The first line of a parser message (serde-saphyr may append context).
fn first_line_of(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// Text as stored in the model: XML-safe, white space squashed.
fn clean(s: &str) -> String {
    squash_whitespace(&xml_safe(s))
}

/// Keep the first of each value, comparing case- and space-insensitively.
fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items.filter(|i| seen.insert(i.to_lowercase())).collect()
}

/// Finds the file line on which a front-matter field is written.
struct FieldLines<'a> {
    front_matter: &'a str,
    first_line: usize,
}

impl<'a> FieldLines<'a> {
    fn new(front_matter: &'a str, first_line: usize) -> Self {
        FieldLines {
            front_matter,
            first_line,
        }
    }

    /// The line of the top-level `key:` (YAML) or `key =` (TOML), else the first line.
    fn line_of(&self, key: &str) -> usize {
        self.key_index(key)
            .map_or(self.first_line, |i| self.first_line + i)
    }

    /// The line at or after `key` that mentions `value` (for list items).
    fn line_of_value(&self, key: &str, value: &str) -> usize {
        let start = self.key_index(key).unwrap_or(0);
        self.front_matter
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, line)| line.contains(value))
            .map_or_else(|| self.line_of(key), |(i, _)| self.first_line + i)
    }

    fn key_index(&self, key: &str) -> Option<usize> {
        self.front_matter.lines().position(|line| {
            line.strip_prefix(key)
                .map(str::trim_start)
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('='))
        })
    }
}

#[cfg(test)]
mod tests;
