//! The site configuration, read from `feedpub.toml`.
//!
//! Raw TOML is read into `ConfigFile` (unknown keys are errors with a
//! suggestion), then resolved once into a validated [`Config`] that the rest
//! of the pipeline uses: absolute URLs, a parsed time zone, resolved paths.
//! Settings with logic of their own have a module here ([`archived`],
//! [`custom_feed`]) or below (`term_page`, `term_text`, `hugo`): the
//! stages read `config`, and `config` names no stage.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use url::Url;

use crate::error::{ConfigProblem as Problem, Diagnostic, Error, Result};
use crate::taxonomy::Taxonomy;
use crate::term_page::TermPages;
use crate::term_text::{TermOverride, TermOverrides, TermText};
use crate::text::{closest, is_unprintable, line_col};

pub mod archived;
pub mod custom_feed;

pub use crate::format::Format;

/// The name of the configuration file at the project root.
pub const CONFIG_FILE_NAME: &str = "feedpub.toml";

/// The ledger's file name beside the configuration, unless `ledger` names another.
pub(crate) const LEDGER_FILE_NAME: &str = "feedpub-ledger.toml";

/// The cache's file name, beside `feedpub.toml`.
pub(crate) const CACHE_FILE_NAME: &str = ".feedpub-cache";

/// The JSON cache of earlier versions, removed when the binary one is saved.
pub(crate) const LEGACY_CACHE_FILE_NAME: &str = ".feedpub-cache.json";

/// The largest `feedpub.toml` read (1 MiB); anything larger is a mistake.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Default number of items per feed.
pub(crate) const DEFAULT_LIMIT: usize = 50;

/// How many words a derived summary keeps by default, as in Hugo
/// (`summaryLength`; see `Config::summary_length`).
pub const SUMMARY_WORDS: usize = 70;

/// Default pattern for article URLs: the file's folders under `content/`,
/// then its slug (front-matter `slug`, else the file name).
pub(crate) const DEFAULT_PERMALINK: &str = "/:sections/:slug/";

/// The tokens a permalink pattern may use.
pub(crate) const PERMALINK_TOKENS: &[&str] =
    &[":sections", ":slug", ":filename", ":year", ":month", ":day"];

/// The first token in the permalink `pattern` that feedpub does not know, if any.
pub(crate) fn unknown_permalink_token(pattern: &str) -> Option<String> {
    pattern.match_indices(':').find_map(|(i, _)| {
        let token: String = std::iter::once(':')
            .chain(
                pattern[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_'),
            )
            .collect();
        (!PERMALINK_TOKENS.contains(&token.as_str())).then_some(token)
    })
}

/// `feedpub.toml` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    title: String,
    base_url: String,
    description: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    limit: Option<usize>,
    author: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    permalink: Option<String>,
    feeds_url: Option<String>,
    static_dir: Option<PathBuf>,
    ledger: Option<PathBuf>,
    strict: Option<bool>,
    stamp_undated: Option<bool>,
    term_page: Option<String>,
    term_pages: Option<bool>,
    image: Option<String>,
    icon: Option<String>,
    copyright: Option<String>,
    #[serde(default)]
    feeds: Vec<custom_feed::CustomFeed>,
    formats: Option<Vec<String>>,
    #[serde(default)]
    websub_hubs: Vec<String>,
    archive: Option<ArchiveSetting>,
    output: Option<Outputs>,
    cache_control: Option<String>,
}

/// `archive = true` or `archive = ["site", "categories"]`.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "`archive` is true, false or a list of feed kinds, such as [\"site\", \"categories\"]"
)]
enum ArchiveSetting {
    Every(bool),
    Kinds(Vec<String>),
}

/// `output = "s3://…"` or `output = ["feeds/", "s3://…"]`.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "`output` is a directory or a storage URL, or a list of them, such as [\"feeds/\", \"s3://bucket/feeds/\"]"
)]
enum Outputs {
    One(String),
    Many(Vec<String>),
}

/// The keys `feedpub.toml` accepts, for "did you mean" suggestions.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "timezone",
    "limit",
    "author",
    "regions",
    "permalink",
    "feeds_url",
    "static_dir",
    "ledger",
    "strict",
    "stamp_undated",
    "term_page",
    "term_pages",
    "image",
    "icon",
    "copyright",
    "feeds",
    "output",
    "cache_control",
    "formats",
    "websub_hubs",
    "archive",
];

/// The machine-state directory the feeds are staged in when an object
/// store is the only output, beside the configuration.
pub(crate) const STAGING_DIR_NAME: &str = ".feedpub-out";

/// The `Cache-Control` of every uploaded object unless `cache_control` says otherwise.
pub(crate) const DEFAULT_CACHE_CONTROL: &str = "public, max-age=300";

/// Whether an output is an object-store URL (`s3://bucket/prefix/`, …)
/// rather than a directory.
pub fn is_store_url(output: &str) -> bool {
    output.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
    })
}

/// Where the inputs and outputs of a run are, before the config is read.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// The configuration file (default `./feedpub.toml`).
    pub config: Option<PathBuf>,
    /// The article collection (default `content/` beside the config).
    pub content: Option<PathBuf>,
    /// The output directory (default `feeds/` beside the config, or
    /// `.feedpub-out/` when an object store is the only output).
    pub output: Option<PathBuf>,
    /// The object store to publish to (`s3://bucket/prefix/`); given
    /// together with or instead of `output`, it replaces the config's
    /// `output` key.
    pub store: Option<String>,
}

/// The file a site path in `image` or `icon` names under `static_dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedImageFile {
    /// The key that names it (`image` or `icon`).
    pub key: &'static str,
    /// The value as written.
    pub written: String,
    /// The file under `static_dir`; `None` when the path leaves it (`..`).
    pub file: Option<PathBuf>,
    /// The configuration file and the key's line in it.
    pub config: (PathBuf, Option<usize>),
}

/// A validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title, used as the site-wide feed's title.
    pub title: String,
    /// Site description, used as the site-wide feed's description.
    pub description: String,
    /// The site's root URL, always ending in `/`.
    pub base_url: Url,
    /// Public URL of the output directory, always ending in `/`.
    pub feeds_url: Url,
    /// Language tag for the feeds (e.g. `en`), if set.
    pub language: Option<String>,
    /// Time zone in which naive front-matter dates are read.
    pub timezone: Tz,
    /// Maximum items per feed.
    pub limit: usize,
    /// Default author, used by Atom for entries without a byline.
    pub author: Option<String>,
    /// Extra regions accepted as countries (e.g. "Central Asia").
    pub regions: Vec<String>,
    /// The taxonomies articles are filed under, in output order; each term
    /// of each gets feeds. Default: categories, then countries.
    pub taxonomies: Vec<Taxonomy>,
    /// Pattern for article URLs (tokens `:sections`, `:slug`, `:filename`,
    /// `:year`, `:month`, `:day`).
    pub permalink: String,
    /// The article collection.
    pub content_dir: PathBuf,
    /// The output directory: the local copy of what is published.
    pub output_dir: PathBuf,
    /// The object store the output directory is uploaded to, always ending
    /// in `/` (`s3://bucket/prefix/`, `gs://…`, `az://…`, `file:///…`).
    pub store: Option<Url>,
    /// The `Cache-Control` header of every uploaded object.
    pub cache_control: String,
    /// Where site-absolute image paths (`/images/x.png`) are found on disk.
    pub static_dir: PathBuf,
    /// The ledger of published ids and dates (the `ledger` module reads and writes it).
    pub ledger: PathBuf,
    /// How many words a summary derived from the body keeps (Hugo's
    /// `summaryLength`; default 70). Chinese, Japanese and Korean
    /// characters count as one word each.
    pub summary_length: usize,
    /// All or nothing: an article with errors fails the whole build
    /// (`strict = true`; default: it is left out and reported).
    pub strict: bool,
    /// Whether the ledger gives undated articles the time of the build that
    /// first publishes them; `None` means the default: yes, except on a Hugo
    /// site, where undated pages are not articles (see [`Config::stamps_undated`]).
    pub stamp_undated: Option<bool>,
    /// How the Hugo site this configuration was read from names, links and
    /// selects its pages; `None` for a plain feedpub site.
    pub(crate) hugo: Option<crate::hugo::HugoSite>,
    /// Where term feeds link to: the site's term pages, or the feeds page.
    pub(crate) term_pages: TermPages,
    /// The feeds' image (RSS `<image>`, Atom `<logo>`, JSON Feed `icon`).
    pub image: Option<Url>,
    /// The feeds' small square icon (Atom `<icon>`, JSON Feed `favicon`).
    pub icon: Option<Url>,
    /// The feeds' copyright notice (RSS `<copyright>`, Atom `<rights>`).
    pub copyright: Option<String>,
    /// The files in `static_dir` that `image` and `icon` name when they
    /// are paths on the site (not full URLs), see [`Config::missing_feed_images`].
    pub feed_image_files: Vec<FeedImageFile>,
    /// Titles and descriptions set for single terms.
    pub(crate) term_overrides: TermOverrides,
    /// Feeds defined by a filter (`[[feeds]]`), under `feeds/custom/`.
    pub custom_feeds: Vec<custom_feed::CustomFeed>,
    /// The feed formats published, in output order (`formats`; default all).
    pub formats: Vec<crate::format::Format>,
    /// WebSub hubs told when a feed changes (`websub_hubs`; absolute
    /// http(s) URLs), announced in every feed.
    pub websub_hubs: Vec<Url>,
    /// Which feeds have RFC 5005 monthly archive pages (`archive = true`
    /// for all, or a list of feed kinds; default none), which the
    /// `archive` module writes.
    pub archive: archived::Archived,
}

impl Config {
    /// The path of the page at `source` below its content directory: the
    /// folder of its language on a Hugo site with a `contentDir` per
    /// language, else the content directory.
    pub(crate) fn page_path<'p>(&self, source: &'p Path) -> &'p Path {
        source
            .strip_prefix(self.page_root(source))
            .unwrap_or(source)
    }

    /// The content directory the page at `source` is read from: the
    /// folder of its language on a Hugo site with a `contentDir` per
    /// language, else the content directory.
    pub(crate) fn page_root(&self, source: &Path) -> &Path {
        self.hugo
            .as_ref()
            .and_then(|site| site.language_dir_of(source))
            .map_or(self.content_dir.as_path(), |(_, dir)| dir)
    }

    /// The Hugo configuration files this configuration was read from, to
    /// watch for changes; none for a plain feedpub site.
    pub fn hugo_files(&self) -> &[PathBuf] {
        self.hugo.as_ref().map_or(&[], |site| site.files.as_slice())
    }

    /// The folders articles are read from: the content directory, and the
    /// folder of every language with its own `contentDir` outside it.
    pub fn content_dirs(&self) -> Vec<&Path> {
        let mut dirs = vec![self.content_dir.as_path()];
        if let Some(site) = &self.hugo {
            for (_, dir) in &site.language_dirs {
                if !dir.starts_with(&self.content_dir) {
                    dirs.push(dir);
                }
            }
        }
        dirs
    }

    /// Read and validate the configuration, applying path overrides. In the
    /// root of a Hugo site (no `--config`), the site's Hugo configuration is
    /// read, and a `feedpub.toml` beside it overrides it key by key.
    pub fn load(paths: &Paths) -> Result<Config> {
        if paths.config.is_none()
            && let Some(hugo) = crate::hugo::HugoConfig::find(Path::new(""))?
        {
            let config = Config::from_hugo(&hugo, Path::new(""), paths)?;
            // Keys that feedpub.toml may override are pointed at there.
            let overrides =
                crate::files::read_regular(Path::new(CONFIG_FILE_NAME), MAX_CONFIG_BYTES)
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                    .unwrap_or_default();
            config.check_paths(&overrides, Path::new(CONFIG_FILE_NAME), Path::new(""))?;
            config.check_custom_feeds(&overrides, Path::new(CONFIG_FILE_NAME))?;
            config.check_archive(&overrides, Path::new(CONFIG_FILE_NAME))?;
            return Ok(config);
        }
        let config_path = paths
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(CONFIG_FILE_NAME));
        let bytes = crate::files::read_regular(&config_path, MAX_CONFIG_BYTES).map_err(|e| {
            let mut diagnostic =
                Problem::UnreadableConfig.at(&config_path, format!("cannot read: {e}"));
            if e.kind() == std::io::ErrorKind::NotFound {
                diagnostic = diagnostic.with_help(
                    "run feedpub in the directory that holds feedpub.toml, or pass --config PATH",
                );
            }
            Error::Config(Box::new(diagnostic))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]);
            let (line, column) = line_col(&valid, offset);
            Error::Config(Box::new(
                Problem::UnreadableConfig
                    .at(&config_path, "the file is not valid UTF-8")
                    .at(line, column)
                    .with_help("save it as UTF-8"),
            ))
        })?;
        // A config in the working directory has an empty parent: paths
        // beside it are then plain relative paths ("content/a.md").
        let root = config_path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        let config = Config::from_toml(&text, &config_path, &root, paths)?;
        config.check_paths(&text, &config_path, &root)?;
        config.check_custom_feeds(&text, &config_path)?;
        config.check_archive(&text, &config_path)?;
        Ok(config)
    }

    /// Refuse directories and state files that would collide: the ledger or
    /// the cache inside the output directory (they would be published, or
    /// overwritten by a feed) or equal to another file feedpub uses; an
    /// output directory that holds the site itself (`/`, `.`, `content/`)
    /// or lies inside `content/`, or is not a directory; a content
    /// directory that is missing.
    fn check_paths(&self, text: &str, config_path: &Path, root: &Path) -> Result<()> {
        let error = |problem: Problem,
                     path: &Path,
                     message: String,
                     at: Option<(usize, usize)>,
                     help: &str| {
            let mut d = problem.at(path, message).with_help(help);
            if let Some((line, column)) = at {
                d = d.at(line, column);
            }
            Err(Error::Config(Box::new(d)))
        };
        let out = resolved(&self.output_dir);
        let content = resolved(&self.content_dir);
        let site = resolved(root);
        let (output, content_dir) = (self.output_dir.display(), self.content_dir.display());
        let out_help =
            "pass another --out: a directory of its own, such as feeds/ beside feedpub.toml";

        match std::fs::metadata(&self.content_dir) {
            Err(_) => {
                return error(
                    Problem::MissingContentDirectory,
                    &self.content_dir,
                    format!("the content directory {content_dir} does not exist"),
                    None,
                    "run feedpub where feedpub.toml and content/ are, or pass --content DIR",
                );
            }
            Ok(m) if !m.is_dir() => {
                return error(
                    Problem::MissingContentDirectory,
                    &self.content_dir,
                    format!("the content directory {content_dir} is not a directory"),
                    None,
                    "pass --content DIR with the folder that holds the articles",
                );
            }
            Ok(_) => {}
        }
        if std::fs::metadata(&self.output_dir).is_ok_and(|m| !m.is_dir()) {
            return error(
                Problem::ConflictingPaths,
                &self.output_dir,
                format!("the output directory {output} is not a directory"),
                None,
                out_help,
            );
        }
        if site.starts_with(&out) || content.starts_with(&out) {
            return error(
                Problem::ConflictingPaths,
                &self.output_dir,
                format!(
                    "the output directory {output} holds the site itself (feedpub.toml or content/)"
                ),
                None,
                out_help,
            );
        }
        if out.starts_with(&content) {
            return error(
                Problem::ConflictingPaths,
                &self.output_dir,
                format!(
                    "the output directory {output} is inside the content directory {content_dir}"
                ),
                None,
                out_help,
            );
        }

        let ledger = resolved(&self.ledger);
        let ledger_at = key_position(text, "ledger");
        let shown = self
            .ledger
            .strip_prefix(root)
            .unwrap_or(&self.ledger)
            .display();
        let ledger_help = "set `ledger` to a file outside the output directory, such as                            \"feedpub-ledger.toml\" beside feedpub.toml";
        let clash = if ledger.starts_with(&out) {
            Some(format!(
                "is inside the output directory {output}, which is published"
            ))
        } else if [CACHE_FILE_NAME, LEGACY_CACHE_FILE_NAME]
            .iter()
            .any(|name| ledger == resolved(&self.ledger.with_file_name(name)))
        {
            Some("is the front-matter cache's file".to_string())
        } else if ledger == resolved(config_path) {
            Some("is the configuration file".to_string())
        } else {
            None
        };
        if let Some(clash) = clash {
            return error(
                Problem::ConflictingPaths,
                config_path,
                format!("`ledger` ({shown}) {clash}"),
                ledger_at,
                ledger_help,
            );
        }
        Ok(())
    }

    /// The configuration of the Hugo site in `root`: its Hugo settings, with
    /// the keys of a `feedpub.toml` in `root` (if any) winning.
    pub(crate) fn from_hugo(
        hugo: &crate::hugo::HugoConfig,
        root: &Path,
        paths: &Paths,
    ) -> Result<Config> {
        let mut site = hugo.site()?.in_root(root);
        let feedpub_path = root.join(CONFIG_FILE_NAME);
        let own = crate::files::read_to_string_if_exists(&feedpub_path)?;
        let written: toml::Table = own
            .as_deref()
            .and_then(|t| toml::from_str(t).ok())
            .unwrap_or_default();
        // feedpub.toml's own lines come first, so that the line numbers of
        // its errors are right; the Hugo keys it does not set follow.
        let mut implied = hugo.feedpub_keys();
        implied.retain(|k, _| !written.contains_key(k));
        let (text, path) = match &own {
            Some(text) => (
                format!("{text}\n{}", toml::to_string(&implied).unwrap_or_default()),
                feedpub_path,
            ),
            None => (
                toml::to_string(&implied).unwrap_or_default(),
                hugo.main_file().to_path_buf(),
            ),
        };
        if !written.contains_key("title") && !implied.contains_key("title") {
            return Err(Error::Config(Box::new(
                Problem::MissingSetting
                    .at(hugo.main_file(), "the site has no title")
                    .with_help("set title = \"Your Site\" in the Hugo configuration"),
            )));
        }
        if !written.contains_key("base_url") && !implied.contains_key("base_url") {
            return Err(Error::Config(Box::new(
                Problem::MissingSetting.at(hugo.main_file(), "the site has no baseURL")
                    .with_help("set baseURL = \"https://example.org/\" in the Hugo configuration: feeds need absolute links"),
            )));
        }
        if let Some(toml::Value::String(base)) = implied.get("base_url")
            && !is_absolute_http(base)
        {
            // Hugo makes relative links from `baseURL = "/"` (deploy
            // previews pass `--baseURL`); a feed cannot.
            return Err(Error::Config(Box::new(
                Problem::InvalidSetting
                    .at(
                        hugo.main_file(),
                        format!("baseURL {base:?} is not an absolute http(s) URL"),
                    )
                    .with_help(
                        "feeds need absolute links: set baseURL = \"https://example.org/\" in the Hugo \
                         configuration, or base_url in a feedpub.toml beside it",
                    ),
            )));
        }
        let content = paths
            .content
            .clone()
            .unwrap_or_else(|| root.join(hugo.content_dir()));
        let paths = Paths {
            content: Some(content),
            ..paths.clone()
        };
        let mut config = Config::from_toml(&text, &path, root, &paths)?;
        config.taxonomies = hugo.taxonomies();
        config.taxonomies.push(Taxonomy::section());
        if let Some(words) = hugo.summary_length() {
            config.summary_length = words;
        }
        if written.contains_key("term_page") || written.contains_key("term_pages") {
            // feedpub.toml's term pages win over every Hugo pattern,
            // the taxonomies' own `[permalinks]` included.
            site.term_permalinks.clear();
        } else {
            config.term_pages = hugo.term_pages();
        }
        config.hugo = Some(site);
        Ok(config)
    }

    /// Every `[[feeds]]` filter names taxonomies, countries and slugs the
    /// site has; an error points at its feed's `[[feeds]]` line in `text`.
    pub(crate) fn check_custom_feeds(&self, text: &str, config_path: &Path) -> Result<()> {
        custom_feed::check(&self.custom_feeds, &self.taxonomies, &self.regions).map_err(
            |(index, e)| {
                let mut d = Problem::InvalidCustomFeed
                    .at(config_path, e.message)
                    .with_help(e.help);
                if let Some(line) = custom_feed::header_line(text, index) {
                    d = d.at(line, 1);
                }
                Error::Config(Box::new(d))
            },
        )
    }

    /// Every kind `archive = [...]` lists is a kind of feed the site has;
    /// an error points at the `archive` line in `text`.
    pub(crate) fn check_archive(&self, text: &str, config_path: &Path) -> Result<()> {
        let Some((kind, known)) = self.archive.unknown_kind(&self.taxonomies) else {
            return Ok(());
        };
        let mut d = Problem::UnknownArchiveKind
            .at(
                config_path,
                format!("`archive` names {kind:?}, which is not a kind of feed this site has"),
            )
            .with_help(format!(
                "list some of {} (or write archive = true for all of them)",
                known
                    .iter()
                    .map(|k| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        if let Some((line, column)) = key_position(text, "archive") {
            d = d.at(line, column);
        }
        Err(Error::Config(Box::new(d)))
    }

    /// A warning for each site path in `image` or `icon` whose file is not
    /// in `static_dir` (readers would show a broken image), naming the key,
    /// its line and the file looked for.
    pub fn missing_feed_images(&self) -> Vec<Diagnostic> {
        self.feed_image_files
            .iter()
            .filter(|f| {
                !f.file
                    .as_deref()
                    .is_some_and(|file| crate::files::contained_file(file, &self.static_dir))
            })
            .map(|f| {
                let (config, line) = &f.config;
                let message = match &f.file {
                    Some(file) => format!(
                        "`{}` names {:?}, but {} does not exist",
                        f.key,
                        f.written,
                        file.display()
                    ),
                    None => format!(
                        "`{}` names {:?}, which is outside the static folder {}",
                        f.key,
                        f.written,
                        self.static_dir.display()
                    ),
                };
                let mut d = Problem::MissingImage.at(config, message).with_help(format!(
                    "put the file in {} (the folder published at the site's root), \
                     or set {} to a path or full URL of an image that exists",
                    self.static_dir.display(),
                    f.key
                ));
                if let Some(line) = line {
                    d = d.at_line(*line);
                }
                d
            })
            .collect()
    }

    /// Whether undated articles are stamped with the build time and published.
    pub fn stamps_undated(&self) -> bool {
        self.stamp_undated.unwrap_or(self.hugo.is_none())
    }

    /// Validate configuration text; `config_path` is only used in messages.
    pub fn from_toml(text: &str, config_path: &Path, root: &Path, paths: &Paths) -> Result<Config> {
        let coded = |problem: Problem,
                     message: String,
                     at: Option<(usize, usize)>,
                     help: Option<String>| {
            let mut d = problem.at(config_path, message);
            if let Some((line, column)) = at {
                d = d.at(line, column);
            }
            if let Some(help) = help {
                d = d.with_help(help);
            }
            Error::Config(Box::new(d))
        };
        let error = |message: String, at: Option<(usize, usize)>, help: Option<String>| {
            coded(Problem::InvalidSetting, message, at, help)
        };
        let key_position = |key: &str| key_position(text, key);

        let toml_error = |e: toml::de::Error| {
            let at = e.span().map(|span| line_col(text, span.start));
            let message = e.message().trim().to_string();
            let help = unknown_field(&message).map(|field| match closest(field, KNOWN_KEYS) {
                Some(known) => format!("did you mean `{known}`?"),
                None => format!("known keys: {}", KNOWN_KEYS.join(", ")),
            });
            coded(Problem::InvalidToml, message, at, help)
        };
        let (raw, written_overrides) = parse_file(text).map_err(toml_error)?;
        let mut overrides = Vec::new();
        for (taxonomy, terms) in written_overrides {
            for (name, text_at) in terms {
                let at = line_col(text, text_at.span().start);
                let term_text = text_at.into_inner();
                crate::term_text::check(&term_text).map_err(|message| {
                    error(format!("[{taxonomy}.{name:?}]: {message}"), Some(at), None)
                })?;
                overrides.push(TermOverride {
                    taxonomy: taxonomy.clone(),
                    name,
                    text: TermText {
                        title: term_text.title.map(|t| t.trim().to_string()),
                        description: term_text.description.map(|d| d.trim().to_string()),
                    },
                    line: at.0,
                });
            }
        }

        let mut base = raw.base_url.trim().to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        let base_url = absolute_http(&base).ok_or_else(|| {
            error(
                format!("base_url {:?} is not an absolute http(s) URL", raw.base_url),
                key_position("base_url"),
                Some("write it like base_url = \"https://news.example.org\"".into()),
            )
        })?;
        // Every link is made from it: these parts would be repeated or
        // misplaced in each one, and credentials published.
        let odd = if base_url.query().is_some() {
            Some("a query")
        } else if base_url.fragment().is_some() {
            Some("a fragment")
        } else if !base_url.username().is_empty() || base_url.password().is_some() {
            Some("a user name or password")
        } else if base_url.port() == Some(0) {
            Some("port 0")
        } else {
            None
        };
        if let Some(odd) = odd {
            return Err(error(
                format!("base_url {:?} has {odd}", raw.base_url),
                key_position("base_url"),
                Some("give only the scheme, host, optional port and path, like base_url = \"https://news.example.org/blog/\"".into()),
            ));
        }

        let feeds_url = match &raw.feeds_url {
            None => base_url
                .join("feeds/")
                .map_err(|e| error(format!("cannot derive feeds_url: {e}"), None, None))?,
            Some(s) => {
                let mut s = s.trim().to_string();
                if !s.ends_with('/') {
                    s.push('/');
                }
                base_url
                    .join(&s)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        error(
                            format!("feeds_url {s:?} is not a URL"),
                            key_position("feeds_url"),
                            Some("write the public URL of the output directory, e.g. \"https://news.example.org/feeds/\"".into()),
                        )
                    })?
            }
        };

        let timezone = match raw.timezone.as_deref().map(str::trim) {
            None | Some("") => Tz::UTC,
            Some(name) => name.parse::<Tz>().map_err(|_| {
                let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
                let help = closest(name, &names).map_or_else(
                    || "use an IANA time zone name such as \"Asia/Dushanbe\" or \"UTC\"".into(),
                    |n| format!("did you mean \"{n}\"?"),
                );
                error(
                    format!("unknown time zone {name:?}"),
                    key_position("timezone"),
                    Some(help),
                )
            })?,
        };

        let limit = raw.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 {
            return Err(error(
                "limit must be at least 1".into(),
                key_position("limit"),
                Some(format!(
                    "remove it to get the default of {DEFAULT_LIMIT} items per feed"
                )),
            ));
        }

        let permalink = raw
            .permalink
            .unwrap_or_else(|| DEFAULT_PERMALINK.to_string());
        if let Some(token) = unknown_permalink_token(&permalink) {
            return Err(error(
                format!("unknown token `{token}` in permalink {permalink:?}"),
                key_position("permalink"),
                Some("tokens are :sections, :slug, :filename, :year, :month, :day".into()),
            ));
        }

        for (key, value) in [
            ("title", Some(&raw.title)),
            ("description", raw.description.as_ref()),
            ("author", raw.author.as_ref()),
            ("language", raw.language.as_ref()),
            ("copyright", raw.copyright.as_ref()),
        ] {
            if let Some(c) = value.and_then(|v| v.chars().find(|c| is_unprintable(*c))) {
                return Err(error(
                    format!(
                        "`{key}` contains the control character U+{:04X}, which feeds cannot carry",
                        u32::from(c)
                    ),
                    key_position(key),
                    Some("remove it (an escape such as \\u0007 in the value writes one)".into()),
                ));
            }
        }

        let term_pages = match (raw.term_pages, raw.term_page) {
            (Some(false), _) => TermPages::None,
            (_, Some(pattern)) if pattern.trim().is_empty() => TermPages::None,
            (_, Some(pattern)) => {
                if let Some(token) = crate::term_page::unknown_token(&pattern) {
                    return Err(error(
                        format!("unknown token `{token}` in term_page {pattern:?}"),
                        key_position("term_page"),
                        Some(format!(
                            "tokens are {}",
                            crate::term_page::TOKENS.join(", ")
                        )),
                    ));
                }
                TermPages::Pattern(pattern.trim().to_string())
            }
            (_, None) => TermPages::default(),
        };
        let site_url = |key: &str, value: Option<String>| {
            match value {
            None => Ok(None),
            Some(v) => base_url
                .join(v.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && !v.trim().is_empty())
                .map(Some)
                .ok_or_else(|| {
                    error(
                        format!("`{key}` {v:?} is not a URL"),
                        key_position(key),
                        Some(format!(
                            "write a path on the site, like {key} = \"/{key}.png\", or a full https URL"
                        )),
                    )
                }),
        }
        };
        let static_dir = root.join(
            raw.static_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("static")),
        );
        let feed_image_files = [("image", &raw.image), ("icon", &raw.icon)]
            .into_iter()
            .filter_map(|(key, value)| {
                let written = value.as_deref()?.trim();
                // A full URL is another server's file: not checked.
                (Url::parse(written).is_err() && !written.is_empty()).then(|| FeedImageFile {
                    key,
                    written: written.to_string(),
                    file: crate::files::inside(&static_dir, written.trim_start_matches('/')),
                    config: (
                        config_path.to_path_buf(),
                        key_position(key).map(|(line, _)| line),
                    ),
                })
            })
            .collect();
        let image = site_url("image", raw.image)?;
        let icon = site_url("icon", raw.icon)?;
        let (output_dir, store) = outputs(raw.output, paths, root)
            .map_err(|(message, help)| error(message, key_position("output"), Some(help)))?;
        let cache_control = match raw.cache_control {
            None => DEFAULT_CACHE_CONTROL.to_string(),
            Some(value)
                if !value.trim().is_empty()
                    && value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) =>
            {
                value.trim().to_string()
            }
            Some(value) => {
                return Err(error(
                    format!("cache_control {value:?} is not a valid Cache-Control header"),
                    key_position("cache_control"),
                    Some(format!(
                        "use printable ASCII only, e.g. cache_control = \"{DEFAULT_CACHE_CONTROL}\""
                    )),
                ));
            }
        };
        let formats = match &raw.formats {
            None => crate::format::Format::ALL.to_vec(),
            Some(names) => crate::format::Format::parse_list(names).map_err(|message| {
                error(
                    message,
                    key_position("formats"),
                    Some(
                        "write formats = [\"rss\", \"atom\", \"json\"], or a part of that list"
                            .into(),
                    ),
                )
            })?,
        };
        let websub_hubs = raw
            .websub_hubs
            .iter()
            .map(|hub| {
                Url::parse(hub.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .ok_or_else(|| {
                        error(
                            format!("websub_hubs: {hub:?} is not an absolute http(s) URL"),
                            key_position("websub_hubs"),
                            Some("write the hub's full address, like websub_hubs = [\"https://pubsubhubbub.appspot.com/\"]".into()),
                        )
                    })
            })
            .collect::<Result<Vec<Url>>>()?;

        let title = raw.title.trim().to_string();
        if title.is_empty() {
            return Err(error(
                "title is empty".into(),
                key_position("title"),
                Some("every feed needs a title: set title = \"Your Site\"".into()),
            ));
        }
        let description = raw
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("Latest articles from {title}"));

        Ok(Config {
            description,
            base_url,
            feeds_url,
            language: raw
                .language
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
            timezone,
            limit,
            author: raw
                .author
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty()),
            regions: raw.regions,
            taxonomies: Taxonomy::defaults(),
            permalink,
            content_dir: paths
                .content
                .clone()
                .unwrap_or_else(|| root.join("content")),
            output_dir,
            store,
            cache_control,
            static_dir,
            ledger: root.join(
                raw.ledger
                    .unwrap_or_else(|| PathBuf::from(LEDGER_FILE_NAME)),
            ),
            strict: raw.strict.unwrap_or(false),
            summary_length: SUMMARY_WORDS,
            stamp_undated: raw.stamp_undated,
            hugo: None,
            term_pages,
            image,
            icon,
            feed_image_files,
            copyright: raw
                .copyright
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
            term_overrides: TermOverrides {
                file: config_path.to_path_buf(),
                overrides,
            },
            custom_feeds: raw.feeds,
            formats,
            websub_hubs,
            archive: match raw.archive {
                None | Some(ArchiveSetting::Every(false)) => archived::Archived::Off,
                Some(ArchiveSetting::Every(true)) => archived::Archived::All,
                Some(ArchiveSetting::Kinds(kinds)) => archived::Archived::Kinds(
                    kinds
                        .iter()
                        .map(|k| k.trim().to_ascii_lowercase())
                        .collect(),
                ),
            },
            title,
        })
    }
}

/// The output directory and object store from the command line's paths,
/// else from the config's `output` key; the error is (message, help).
fn outputs(
    written: Option<Outputs>,
    paths: &Paths,
    root: &Path,
) -> std::result::Result<(PathBuf, Option<Url>), (String, String)> {
    let (dir, store) = if paths.output.is_some() || paths.store.is_some() {
        (paths.output.clone(), paths.store.clone())
    } else {
        let listed = match written {
            None => Vec::new(),
            Some(Outputs::One(one)) => vec![one],
            Some(Outputs::Many(many)) => many,
        };
        let (urls, dirs): (Vec<String>, Vec<String>) =
            listed.into_iter().partition(|o| is_store_url(o));
        if urls.len() > 1 || dirs.len() > 1 {
            return Err((
                "`output` lists more than one directory or more than one object store".into(),
                "give at most one of each, e.g. output = [\"feeds/\", \"s3://bucket/feeds/\"]"
                    .into(),
            ));
        }
        (
            dirs.into_iter().next().map(|d| root.join(d)),
            urls.into_iter().next(),
        )
    };
    let store = store.map(|s| store_url(&s)).transpose()?;
    let dir = dir.unwrap_or_else(|| {
        root.join(if store.is_some() {
            STAGING_DIR_NAME
        } else {
            "feeds"
        })
    });
    Ok((dir, store))
}

/// Parse an object-store URL, ending it in `/`; the error is (message, help).
fn store_url(text: &str) -> std::result::Result<Url, (String, String)> {
    let help = "write s3://bucket/prefix/ (also gs://, az:// or file:///path/); \
                credentials come from the environment, never from the URL";
    let mut text = text.trim().to_string();
    if !text.ends_with('/') {
        text.push('/');
    }
    let url =
        Url::parse(&text).map_err(|e| (format!("{text:?} is not a URL: {e}"), help.to_string()))?;
    let supported = match url.scheme() {
        "s3" | "gs" | "az" => url.host_str().is_some_and(|h| !h.is_empty()),
        "file" => true,
        _ => false,
    };
    if !supported {
        return Err((
            format!("{text:?} is not an object store feedpub can publish to"),
            help.to_string(),
        ));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err((
            format!(
                "the object-store URL {:?} carries more than a bucket and a prefix",
                url.scheme()
            ),
            help.to_string(),
        ));
    }
    Ok(url)
}

/// The override tables of `feedpub.toml`, per taxonomy and term, each
/// with the span of its table.
type WrittenOverrides =
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, toml::Spanned<TermText>>>;

/// Read `feedpub.toml`: its keys, and the override tables (tables named
/// after no key, such as `[categories."National Security"]`).
fn parse_file(text: &str) -> std::result::Result<(ConfigFile, WrittenOverrides), toml::de::Error> {
    use serde::Deserialize as _;
    use toml::de::{DeTable, DeValue, Deserializer};

    let root = DeTable::parse(text)?;
    let span = root.span();
    let (tables, keys): (DeTable<'_>, DeTable<'_>) =
        root.into_inner().into_iter().partition(|(key, value)| {
            !KNOWN_KEYS.contains(&key.get_ref().as_ref())
                && matches!(value.get_ref(), DeValue::Table(_))
        });
    let raw = ConfigFile::deserialize(Deserializer::from(toml::Spanned::new(span.clone(), keys)))?;
    let overrides =
        WrittenOverrides::deserialize(Deserializer::from(toml::Spanned::new(span, tables)))?;
    Ok((raw, overrides))
}

/// Where `key = ...` is written in the configuration text (line, column).
fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key)?;
        rest.trim_start()
            .starts_with('=')
            .then_some((i + 1, line.len() - trimmed.len() + 1))
    })
}

/// `path` made absolute, with `.` and `..` resolved and every symbolic link
/// in its existing part followed, so two spellings of one place compare
/// equal even when the place does not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut missing = Vec::new();
    let mut existing = lexical.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return missing
                .iter()
                .rev()
                .fold(real, |path, name| path.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

/// The field name in serde's "unknown field `x`, expected ..." message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// `url` parsed, when it is an absolute http(s) URL with a host.
fn absolute_http(url: &str) -> Option<Url> {
    Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Whether `url` is an absolute http(s) URL with a host.
fn is_absolute_http(url: &str) -> bool {
    absolute_http(url.trim()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_permalink_tokens_are_found() {
        assert_eq!(unknown_permalink_token("/:sections/:slug/"), None);
        assert_eq!(unknown_permalink_token("/:title/"), Some(":title".into()));
    }

    fn parse(text: &str) -> Result<Config> {
        Config::from_toml(
            text,
            Path::new("feedpub.toml"),
            Path::new("site"),
            &Paths::default(),
        )
    }

    fn config_error(text: &str) -> String {
        match parse(text) {
            Err(Error::Config(d)) => d.to_string(),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    const SITE: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n";

    /// `serve --watch` watches the Hugo configuration through this.
    #[test]
    fn hugo_files_are_the_hugo_configuration_read() {
        assert!(parse(SITE).unwrap().hugo_files().is_empty());
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("content")).unwrap();
        std::fs::write(
            site.path().join("hugo.toml"),
            "title = \"T\"\nbaseURL = \"https://example.org/\"\n",
        )
        .unwrap();
        let hugo = crate::hugo::HugoConfig::find(site.path()).unwrap().unwrap();
        let config = Config::from_hugo(&hugo, site.path(), &Paths::default()).unwrap();
        assert_eq!(config.hugo_files(), [site.path().join("hugo.toml")]);
    }

    /// The code of each problem `Config::load` reports, from a site that
    /// has only that problem (issue #14: every problem has a stable code).
    #[test]
    fn each_configuration_problem_has_its_own_code() {
        let cases: &[(Problem, &str)] = &[
            (Problem::InvalidToml, "timzone = \"UTC\"\n"),
            (Problem::InvalidSetting, "limit = 0\n"),
            (
                Problem::ConflictingPaths,
                "ledger = \"feeds/ledger.toml\"\n",
            ),
            (Problem::UnknownArchiveKind, "archive = [\"tags\"]\n"),
            (
                Problem::InvalidCustomFeed,
                "[[feeds]]\nname = \"Desk\"\nslug = \"desk\"\nany = { colours = [\"red\"] }\n",
            ),
        ];
        let code_of = |result: Result<Config>| match result {
            Err(Error::Config(d)) => (d.code.clone(), d.severity),
            other => panic!("expected a configuration error, got {other:?}"),
        };
        for (problem, setting) in cases {
            let site = tempfile::tempdir().unwrap();
            std::fs::create_dir(site.path().join("content")).unwrap();
            let config = site.path().join(CONFIG_FILE_NAME);
            std::fs::write(&config, format!("{SITE}{setting}")).unwrap();
            let paths = Paths {
                config: Some(config),
                ..Paths::default()
            };
            assert_eq!(
                code_of(Config::load(&paths)),
                (Some(problem.code().to_string()), problem.severity()),
                "for {setting:?}"
            );
        }
        let site = tempfile::tempdir().unwrap();
        let config = site.path().join(CONFIG_FILE_NAME);
        let paths = Paths {
            config: Some(config.clone()),
            ..Paths::default()
        };
        let unreadable = code_of(Config::load(&paths)).0;
        assert_eq!(
            unreadable.as_deref(),
            Some(Problem::UnreadableConfig.code())
        );
        std::fs::write(&config, SITE).unwrap();
        let no_content = code_of(Config::load(&paths)).0;
        assert_eq!(
            no_content.as_deref(),
            Some(Problem::MissingContentDirectory.code())
        );
    }

    /// A wrongly typed `archive` or `output` said "data did not match any
    /// variant of untagged enum ArchiveSetting": the words of the library.
    #[test]
    fn settings_of_two_shapes_say_which_shapes_they_take() {
        for (setting, expected) in [
            (
                "archive = \"yes\"",
                "`archive` is true, false or a list of feed kinds, such as [\"site\", \"categories\"]",
            ),
            (
                "archive = 3",
                "`archive` is true, false or a list of feed kinds",
            ),
            (
                "output = 3",
                "`output` is a directory or a storage URL, or a list of them, such as [\"feeds/\", \"s3://bucket/feeds/\"]",
            ),
        ] {
            let message = config_error(&format!("{SITE}{setting}\n"));
            assert!(message.contains(expected), "{setting}: {message}");
            assert!(!message.contains("untagged"), "{setting}: {message}");
        }
    }

    #[test]
    fn an_object_store_output_stages_the_feeds_beside_the_config() {
        let c = parse(&format!("{SITE}output = \"s3://bucket/feeds\"")).unwrap();
        assert_eq!(c.store.unwrap().as_str(), "s3://bucket/feeds/");
        assert_eq!(c.output_dir, Path::new("site/.feedpub-out"));
        assert_eq!(c.cache_control, DEFAULT_CACHE_CONTROL);

        let both =
            format!("{SITE}output = [\"public/\", \"gs://b/p/\"]\ncache_control = \"no-cache\"");
        let c = parse(&both).unwrap();
        assert_eq!(c.store.unwrap().as_str(), "gs://b/p/");
        assert_eq!(c.output_dir, Path::new("site/public/"));
        assert_eq!(c.cache_control, "no-cache");

        // The command line replaces the config's outputs.
        let paths = Paths {
            output: Some(PathBuf::from("out")),
            ..Paths::default()
        };
        let c =
            Config::from_toml(&both, Path::new("feedpub.toml"), Path::new("site"), &paths).unwrap();
        assert_eq!((c.output_dir, c.store), (PathBuf::from("out"), None));
    }

    #[test]
    fn a_bad_object_store_output_is_refused_with_help() {
        for (output, expected) in [
            ("\"ftp://host/x/\"", "is not an object store"),
            ("\"s3:///prefix/\"", "is not an object store"),
            (
                "\"s3://key:secret@bucket/\"",
                "carries more than a bucket and a prefix",
            ),
            ("[\"s3://a/\", \"s3://b/\"]", "more than one"),
        ] {
            let message = config_error(&format!("{SITE}output = {output}"));
            assert!(message.contains(expected), "{output}: {message}");
            assert!(!message.contains("secret"), "{message}");
        }
        let message = config_error(&format!("{SITE}cache_control = \"a\\nb\""));
        assert!(
            message.contains("not a valid Cache-Control header"),
            "{message}"
        );
    }

    #[test]
    fn store_urls_are_told_from_directories() {
        assert!(is_store_url("s3://bucket/"));
        assert!(is_store_url("file:///srv/feeds/"));
        assert!(!is_store_url("feeds/"));
        assert!(!is_store_url("/srv/s3:/x"));
        assert!(!is_store_url("C:\\feeds"));
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title = \"News\"\nbase_url = \"https://news.example.org\"\n").unwrap();
        assert_eq!(c.base_url.as_str(), "https://news.example.org/");
        assert_eq!(c.feeds_url.as_str(), "https://news.example.org/feeds/");
        assert_eq!(c.timezone, Tz::UTC);
        assert_eq!(c.limit, 50);
        assert_eq!(c.description, "Latest articles from News");
        assert_eq!(c.content_dir, Path::new("site/content"));
        assert_eq!(c.output_dir, Path::new("site/feeds"));
        assert_eq!(c.static_dir, Path::new("site/static"));
        assert_eq!(c.ledger, Path::new("site/feedpub-ledger.toml"));
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = config_error("title = \"N\"\nbase_url = \"https://x.org\"\ntimzone = \"UTC\"\n");
        assert!(
            e.starts_with("feedpub.toml:3:1: error[InvalidToml]: unknown field `timzone`"),
            "{e}"
        );
        assert!(e.contains("help: did you mean `timezone`?"), "{e}");
    }

    #[test]
    fn bad_time_zone_suggests_a_name() {
        let e = config_error(
            "title = \"N\"\nbase_url = \"https://x.org\"\ntimezone = \"Asia/Dushanbee\"\n",
        );
        assert!(
            e.contains("feedpub.toml:3:1: error[InvalidSetting]: unknown time zone"),
            "{e}"
        );
        assert!(e.contains("did you mean \"Asia/Dushanbe\"?"), "{e}");
    }

    #[test]
    fn relative_base_url_is_an_error() {
        let e = config_error("title = \"N\"\nbase_url = \"/news\"\n");
        assert!(
            e.contains("feedpub.toml:2:1: error[InvalidSetting]: base_url"),
            "{e}"
        );
    }

    #[test]
    fn missing_title_is_reported() {
        let e = config_error("base_url = \"https://x.org\"\n");
        assert!(e.contains("missing field `title`"), "{e}");
    }

    #[test]
    fn formats_default_to_all_and_unknown_names_are_refused() {
        let base = "title = \"N\"\nbase_url = \"https://x.org\"\n";
        assert_eq!(parse(base).unwrap().formats, crate::format::Format::ALL);
        let c = parse(&format!("{base}formats = [\"json\", \"rss\"]\n")).unwrap();
        assert_eq!(
            c.formats,
            [crate::format::Format::Rss, crate::format::Format::Json]
        );
        let e = config_error(&format!("{base}formats = [\"rss\", \"rdf\"]\n"));
        assert!(
            e.contains(
                "feedpub.toml:3:1: error[InvalidSetting]: `formats` names an unknown format \"rdf\""
            ),
            "{e}"
        );
        assert!(
            e.contains("help: write formats = [\"rss\", \"atom\", \"json\"]"),
            "{e}"
        );
        assert!(config_error(&format!("{base}formats = []\n")).contains("at least one"));
    }

    #[test]
    fn websub_hubs_must_be_absolute_http_urls() {
        let base = "title = \"N\"\nbase_url = \"https://x.org\"\n";
        assert!(parse(base).unwrap().websub_hubs.is_empty());
        let c = parse(&format!("{base}websub_hubs = [\"https://hub.example/\"]\n")).unwrap();
        assert_eq!(c.websub_hubs[0].as_str(), "https://hub.example/");
        for bad in ["/hub", "ftp://hub.example/", "hub.example"] {
            let e = config_error(&format!("{base}websub_hubs = [\"{bad}\"]\n"));
            assert!(
                e.contains("feedpub.toml:3:1: error[InvalidSetting]: websub_hubs:")
                    && e.contains("absolute http(s) URL"),
                "{e}"
            );
        }
    }

    #[test]
    fn zero_limit_and_bad_permalink_are_errors() {
        let base = "title = \"N\"\nbase_url = \"https://x.org\"\n";
        assert!(config_error(&format!("{base}limit = 0\n")).contains("limit must be at least 1"));
        assert!(
            config_error(&format!("{base}permalink = \"/:sections/:title/\"\n"))
                .contains("unknown token `:title`")
        );
    }

    #[test]
    fn feed_metadata_is_read_and_resolved() {
        let c = parse(
            "title = \"N\"\nbase_url = \"https://x.org/blog\"\nimage = \"/logo.png\"\n\
             icon = \"https://cdn.x.org/i.png\"\ncopyright = \" © 2026 N \"\n",
        )
        .unwrap();
        assert_eq!(c.image.unwrap().as_str(), "https://x.org/logo.png");
        assert_eq!(c.icon.unwrap().as_str(), "https://cdn.x.org/i.png");
        assert_eq!(c.copyright.as_deref(), Some("© 2026 N"));
        let e =
            config_error("title = \"N\"\nbase_url = \"https://x.org\"\ncopyright = \"a\\u0007\"\n");
        assert!(
            e.contains("feedpub.toml:3:1: error[InvalidSetting]: `copyright` contains"),
            "{e}"
        );
        let e = config_error("title = \"N\"\nbase_url = \"https://x.org\"\nimage = \"\"\n");
        assert!(
            e.contains("feedpub.toml:3:1: error[InvalidSetting]: `image`"),
            "{e}"
        );
    }

    #[test]
    fn term_page_patterns_are_checked() {
        let base = "title = \"N\"\nbase_url = \"https://x.org\"\n";
        let e = config_error(&format!("{base}term_page = \"/t/:name/\"\n"));
        assert!(
            e.contains("feedpub.toml:3:1: error[InvalidSetting]: unknown token `:name`"),
            "{e}"
        );
        let c = parse(&format!("{base}term_page = \"/t/:slug/\"\n")).unwrap();
        assert_eq!(c.term_pages, TermPages::Pattern("/t/:slug/".into()));
        let c = parse(&format!("{base}term_pages = false\n")).unwrap();
        assert_eq!(c.term_pages, TermPages::None);
    }

    #[test]
    fn term_overrides_are_read_and_checked() {
        let base = "title = \"N\"\nbase_url = \"https://x.org\"\n";
        let c = parse(&format!(
            "{base}[categories.\"National Security\"]\ndescription = \" Threats \"\n\
             [countries.TJ]\ntitle = \"Tajikistan desk\"\n"
        ))
        .unwrap();
        let o = &c.term_overrides.overrides;
        assert_eq!(o.len(), 2);
        assert_eq!(
            (o[0].taxonomy.as_str(), o[0].name.as_str()),
            ("categories", "National Security")
        );
        assert_eq!(o[0].text.description.as_deref(), Some("Threats"));
        assert_eq!(o[0].line, 3);
        assert_eq!(o[1].text.title.as_deref(), Some("Tajikistan desk"));
        let e = config_error(&format!("{base}[categories.Economy]\ntitel = \"E\"\n"));
        assert!(
            e.contains("feedpub.toml:4:1: error[InvalidToml]: unknown field `titel`"),
            "{e}"
        );
        let e = config_error(&format!("{base}[categories.Economy]\ntitle = \"\"\n"));
        assert!(
            e.contains("feedpub.toml:3:1: error[InvalidSetting]: [categories.\"Economy\"]: `title` is empty"),
            "{e}"
        );
        // A misspelled key is still an error, not an override.
        let e = config_error(&format!("{base}timzone = \"UTC\"\n"));
        assert!(e.contains("did you mean `timezone`?"), "{e}");
    }
}
