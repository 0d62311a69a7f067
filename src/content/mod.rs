//! Loading the article collection: walk `content/`, split and parse each
//! file, and resolve it into an [`Article`].
//!
//! Every problem in every file is collected; a file with errors yields no
//! article but does not stop the others from being checked.

mod front_matter;
mod head;
mod html_depth;
mod markdown;
mod permalink;
mod problem;
mod resolve;
pub mod shortcode;
pub mod simple_yaml;
mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use url::Url;

use crate::cache::HeadCache;
use crate::config::Config;
use crate::error::Diagnostic;
use crate::model::{Article, Body};
use crate::taxonomy::country::Countries;
use crate::text::{line_at, line_col, stable_hash, xml_safe};

pub use front_matter::{
    BuildField, DateText, Format, FrontMatter, ImageField, OneOrMany, Split, SplitError,
    TermsField, split,
};
pub use html_depth::MAX_HTML_NESTING;
pub use markdown::{MAX_NESTING, render_html, sanitize_html, summarize};
pub use problem::Problem;
pub use resolve::{MAX_NAME_CHARS, MAX_NAMES};
pub(crate) use walk::{Listed, Listing, list};

use head::{cannot_read, not_utf8, read_head};
use resolve::{ArticleParse, contained_length, written_url};

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
    /// How many files under the content directory are not articles
    /// (section pages, headless pages, bundle resources, other files);
    /// each is logged at debug level with why.
    pub skipped: usize,
}

/// Turns article files into [`Article`]s for one site.
pub struct Loader<'a> {
    config: &'a Config,
    countries: Countries,
    /// Unknown shortcodes met in the bodies read so far: name -> (how
    /// often, the first file), to warn once per name.
    unknown_shortcodes: std::sync::Mutex<BTreeMap<String, (usize, PathBuf)>>,
    /// The `cascade` of each section's `_index` page, by folder, found
    /// while walking the content directory.
    cascades: std::sync::Mutex<HashMap<PathBuf, serde_json::Map<String, serde_json::Value>>>,
    /// The pages `ref` and `relref` resolve to: the articles of the first
    /// [`Loader::read_bodies`] call (`build` passes every article read), as
    /// (path under their content directory, permalink).
    page_list: std::sync::OnceLock<Vec<(PathBuf, String)>>,
    /// Those pages indexed, once a body with shortcodes needs them: a run
    /// that renders no such body never builds the index.
    pages: std::sync::OnceLock<shortcode::PageIndex>,
}

impl<'a> Loader<'a> {
    /// A loader for the site described by `config`.
    pub fn new(config: &'a Config) -> Self {
        Loader {
            config,
            countries: Countries::new(&config.regions),
            unknown_shortcodes: std::sync::Mutex::default(),
            cascades: std::sync::Mutex::default(),
            page_list: std::sync::OnceLock::new(),
            pages: std::sync::OnceLock::new(),
        }
    }

    /// Load the front matter of every article of the collection, in
    /// parallel; bodies are read later, only where needed ([`Loader::read_bodies`]).
    pub fn load_all(&self) -> Loaded {
        self.load_all_with(&list(&self.config.content_dirs()), None)
    }

    /// [`Loader::load_all`] from the walk and stat pass `listing`, taking
    /// the articles whose stat is as `cache` recorded them from it, and
    /// recording the others in it.
    pub(crate) fn load_all_with(&self, listing: &Listing, cache: Option<&HeadCache>) -> Loaded {
        let (listed, mut diagnostics, skipped) = self.articles_in(listing);
        let files = listed.len();
        let results: Vec<FileOutcome> = listed
            .par_iter()
            .map(|&Listed { path, stat, .. }| {
                // A cascade lives in another file: its pages are always parsed.
                let cache = cache.filter(|_| self.cascade_for(path).is_none());
                let Some(cache) = cache else {
                    return self.load_page(path);
                };
                if let Some(mut article) = stat.and_then(|s| cache.get(path, s)) {
                    article.language = self.translation_language(path).map(Box::from);
                    return FileOutcome {
                        article: Some(article),
                        ..FileOutcome::default()
                    };
                }
                let outcome = self.load_page(path);
                if let (Some(article), Some(stat), true) =
                    (&outcome.article, stat, outcome.problems.is_empty())
                {
                    cache.insert(article, *stat);
                }
                outcome
            })
            .collect();
        let mut articles = Vec::with_capacity(files);
        let mut not_articles = 0;
        for outcome in results {
            articles.extend(outcome.article);
            diagnostics.extend(outcome.problems);
            not_articles += usize::from(outcome.skipped);
        }
        Loaded {
            articles,
            diagnostics,
            files: files - not_articles,
            skipped: skipped + not_articles,
        }
    }

    /// The language other than the default that the page at `path` is
    /// written in ([`Article::language`]).
    pub(crate) fn translation_language(&self, path: &Path) -> Option<&str> {
        self.config.hugo.as_ref()?.translation_language(path)
    }

    /// Load one article file's front matter; on errors there is no
    /// article, and every problem found is returned.
    pub fn load_file(&self, path: &Path) -> (Option<Article>, Vec<Diagnostic>) {
        let outcome = self.load_page(path);
        (outcome.article, outcome.problems)
    }

    /// Load one file: an article, problems, or why it is not an article.
    fn load_page(&self, path: &Path) -> FileOutcome {
        let text = match read_head(path) {
            Ok(t) => t,
            Err(problem) => {
                return FileOutcome {
                    problems: vec![*problem],
                    ..FileOutcome::default()
                };
            }
        };
        let mut parse = ArticleParse {
            loader: self,
            path,
            problems: Vec::new(),
            skipped: None,
        };
        let article = parse.article(&text);
        let problems = parse.problems;
        if let Some(why) = parse.skipped {
            tracing::debug!(path = %path.display(), why, "not an article");
        }
        let has_errors = problems.iter().any(Diagnostic::is_error);
        FileOutcome {
            article: article.filter(|_| !has_errors),
            problems,
            skipped: parse.skipped.is_some(),
        }
    }

    /// Read and render the bodies of `articles[i]` for every `i` in
    /// `which` that has none yet, in parallel. Articles whose body cannot be
    /// read keep none, and the problem is returned.
    pub fn read_bodies(&self, articles: &mut [Article], which: &[usize]) -> Vec<Diagnostic> {
        self.read_bodies_but(articles, which, false)
    }

    /// [`Loader::read_bodies`], except the bodies known from an earlier run
    /// ([`Article::known_body`]): of those only the lead image is measured,
    /// as reading the body would. Whoever renders such an article must read
    /// its body first.
    pub(crate) fn read_unknown_bodies(
        &self,
        articles: &mut [Article],
        which: &[usize],
    ) -> Vec<Diagnostic> {
        self.read_bodies_but(articles, which, true)
    }

    /// Read the bodies of `which`, but not the known ones if `skip_known`.
    fn read_bodies_but(
        &self,
        articles: &mut [Article],
        which: &[usize],
        skip_known: bool,
    ) -> Vec<Diagnostic> {
        self.page_list.get_or_init(|| {
            articles
                .iter()
                .map(|a| {
                    (
                        self.config.page_path(&a.source).to_path_buf(),
                        a.url.clone(),
                    )
                })
                .collect()
        });
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
            .filter_map(|(article, _)| {
                if !(skip_known && article.known_body.is_some()) {
                    match self.read_body(article) {
                        Ok(body) => article.body = Some(Box::new(body)),
                        Err(problem) => return Some(*problem),
                    }
                }
                self.measure_image(article);
                None
            })
            .collect()
    }

    /// Measure the size of the article's lead image, when it is a file of
    /// the site (inside the static folder or the article's own folder).
    fn measure_image(&self, article: &mut Article) {
        let folder = article.source.parent().map(Path::to_path_buf);
        if let Some(image) = &mut article.image
            && let Some(file) = &image.local_file
        {
            let base = if file.starts_with(&self.config.static_dir) {
                Some(self.config.static_dir.clone())
            } else {
                folder
            };
            image.length = base.map_or(0, |b| contained_length(file, &b));
        }
    }

    /// Remember the `cascade` of the section page at `path` (a table, or a
    /// list of tables without `_target`), for the pages below it.
    fn read_cascade(&self, path: &Path) {
        let Ok(text) = read_head(path) else {
            return;
        };
        let Some(serde_json::Value::Object(mut page)) = front_matter_value(&text) else {
            return;
        };
        let key = page
            .keys()
            .find(|k| k.eq_ignore_ascii_case("cascade"))
            .cloned();
        let cascade = match key.and_then(|k| page.remove(&k)) {
            Some(serde_json::Value::Object(map)) => map,
            Some(serde_json::Value::Array(items)) => items
                .into_iter()
                .filter_map(|item| match item {
                    serde_json::Value::Object(map)
                        if !map.keys().any(|k| k == "_target" || k == "target") =>
                    {
                        Some(map)
                    }
                    _ => None,
                })
                .flatten()
                .collect(),
            _ => return,
        };
        if let (Some(dir), Ok(mut cascades)) = (path.parent(), self.cascades.lock()) {
            cascades.insert(dir.to_path_buf(), cascade);
        }
    }

    /// The cascade that applies to the page at `path`: every ancestor
    /// section's, the nearest winning.
    fn cascade_for(&self, path: &Path) -> Option<FrontMatter> {
        let cascades = self.cascades.lock().ok()?;
        if cascades.is_empty() {
            return None;
        }
        let mut merged = serde_json::Map::new();
        for dir in path.ancestors().skip(1) {
            if let Some(cascade) = cascades.get(dir) {
                for (key, value) in cascade {
                    merged.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
            if dir == self.config.content_dir {
                break;
            }
        }
        if merged.is_empty() {
            return None;
        }
        serde_json::from_value(serde_json::Value::Object(merged)).ok()
    }

    /// One warning per unknown shortcode name met in the bodies read so
    /// far, with how often and where first; the tally starts again.
    pub(crate) fn shortcode_warnings(&self) -> Vec<Diagnostic> {
        let Ok(mut unknown) = self.unknown_shortcodes.lock() else {
            return Vec::new();
        };
        std::mem::take(&mut *unknown)
            .into_iter()
            .map(|(name, (count, first))| {
                Problem::UnknownShortcode.at(
                    first,
                    format!(
                        "unknown shortcode `{name}` ({count} use(s) in the articles read): its tags are left out of the feeds, the text between them kept"
                    ),
                )
                .with_help("feeds render Hugo's built-in figure, highlight, ref, relref, param, youtube, vimeo, x, instagram and gist")
            })
            .collect()
    }

    /// Read an article's body from its file and render it: shortcodes
    /// expanded, a derived summary of `summary_length` words.
    fn read_body(&self, article: &Article) -> Result<Body, Box<Diagnostic>> {
        let path = &article.source;
        let bytes = std::fs::read(path).map_err(|e| cannot_read(path, e))?;
        let body = bytes.get(article.body_offset..).unwrap_or_default();
        let body = std::str::from_utf8(body)
            .map_err(|e| not_utf8(path, &bytes, article.body_offset + e.valid_up_to()))?;
        let body = xml_safe(body);
        let base = Url::parse(&article.url).map_err(|e| {
            Box::new(Problem::InvalidUrl.at(path, format!("bad URL {}: {e}", article.url)))
        })?;
        let standalone = !shortcode::has_shortcodes(&body);
        let expanded = if !standalone {
            let head = bytes.get(..article.body_offset).unwrap_or_default();
            let params = page_params(&String::from_utf8_lossy(head));
            let folder = self
                .config
                .page_path(path)
                .parent()
                .map(|f| f.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let expanded = shortcode::expand(
                &body,
                &shortcode::Context {
                    base_url: &self.config.base_url,
                    params: &params,
                    pages: self.pages.get_or_init(|| {
                        shortcode::PageIndex::new(
                            self.page_list
                                .get()
                                .into_iter()
                                .flatten()
                                .map(|(path, url)| (path.as_path(), url.as_str())),
                        )
                    }),
                    folder: &folder,
                },
            );
            if !expanded.unknown.is_empty()
                && let Ok(mut unknown) = self.unknown_shortcodes.lock()
            {
                for (name, count) in expanded.unknown {
                    unknown.entry(name).or_insert_with(|| (0, path.clone())).0 += count;
                }
            }
            expanded.markdown
        } else {
            body.to_string()
        };
        let html_page = is_html(path);
        let too_deep = if html_page {
            html_depth::too_deep_in_html(&expanded).then_some(0)
        } else {
            html_depth::too_deep_in_markdown(&expanded)
        };
        if let Some(offset) = too_deep {
            let lines_before = line_at(&bytes, article.body_offset) - 1;
            let max = html_depth::MAX_HTML_NESTING;
            return Err(Box::new(
                Problem::HtmlTooDeep.at(
                    path,
                    format!("the HTML in the body nests more than {max} elements deep"),
                )
                .at_line(lines_before + line_col(&expanded, offset).0)
                .with_help(format!(
                    "close the elements you open (every <div> needs its </div>); at most {max} levels are allowed"
                )),
            ));
        }
        let summary_length = self.config.summary_length;
        let summary = match &article.written_summary {
            Some(s) => s.clone(),
            None if html_page => markdown::summarize_html(&expanded, summary_length),
            None => summarize(&expanded, summary_length),
        };
        // Stored in ledgers: changing what goes in here makes every published
        // article look edited once (unless the ledger's FINGERPRINT_VERSION
        // changes with it). Taken over what the author wrote: the body
        // before rendering, the image as a path when it is on the article's
        // own site, so a new `base_url` is not an edit.
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
        let html = if html_page {
            sanitize_html(&expanded, &base)
        } else {
            render_html(&expanded, &base)
        };
        Ok(Body::new(html, summary, fingerprint, standalone))
    }
}

/// A page's front matter as a generic value, if it parses.
fn front_matter_value(text: &str) -> Option<serde_json::Value> {
    let split = split(text).ok()?;
    match split.format {
        Format::Yaml => simple_yaml::from_str(split.front_matter).ok(),
        Format::Toml => toml::from_str(split.front_matter).ok(),
        Format::Json => serde_json::from_str(split.front_matter).ok(),
        Format::None => None,
    }
}

/// The scalar front-matter values of a page (top level and under
/// `params`), keys in lower case, for the `param` shortcode.
fn page_params(head: &str) -> HashMap<String, String> {
    let value = front_matter_value(head);
    let mut params = HashMap::new();
    let Some(serde_json::Value::Object(map)) = value else {
        return params;
    };
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    for (key, value) in &map {
        if key.eq_ignore_ascii_case("params")
            && let serde_json::Value::Object(inner) = value
        {
            for (key, value) in inner {
                if let Some(v) = scalar(value) {
                    params.insert(key.to_lowercase(), v);
                }
            }
        } else if let Some(v) = scalar(value) {
            params.entry(key.to_lowercase()).or_insert(v);
        }
    }
    params
}

/// Whether the page's body is HTML rather than Markdown.
fn is_html(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

/// What loading one file gave.
#[derive(Debug, Default)]
struct FileOutcome {
    article: Option<Article>,
    problems: Vec<Diagnostic>,
    /// The file is not an article (a headless page, an `.html` file
    /// without front matter, …); logged at debug level with why.
    skipped: bool,
}

#[cfg(test)]
mod tests;
