//! Reading a Hugo site's own configuration, so that `feedpub build` in the
//! root of a Hugo site works without a `feedpub.toml`.
//!
//! The configuration is read as Hugo reads it: `hugo.toml|yaml|json` or
//! `config.toml|yaml|json` in the site root, merged over the files of
//! `config/_default/` and then of the environment's directory
//! (`config/production/` unless `HUGO_ENVIRONMENT` says otherwise), where
//! `params.toml` holds the `params` table, `languages.en.toml` the settings
//! of English, and so on. Keys are case-insensitive. Keys feedpub does not use are Hugo's
//! business and are ignored; a `feedpub.toml` beside them overrides.

pub(crate) mod dates;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{ConfigProblem, Error, Result};
use crate::taxonomy::Taxonomy;
use crate::term_page::TermPages;

/// Root configuration file names, in the order Hugo looks for them.
const ROOT_FILES: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
];

/// Keys that mark a `config.*` file as Hugo's (lower-cased).
const HUGO_KEYS: &[&str] = &[
    "baseurl",
    "theme",
    "languagecode",
    "permalinks",
    "taxonomies",
    "contentdir",
    "defaultcontentlanguage",
];

/// The configuration directory Hugo merges under the root file; the
/// environment's own (`config/production/`) is merged over it.
const CONFIG_DIR: &str = "config/_default";

/// The tokens Hugo's permalink patterns may use.
pub(crate) const PERMALINK_TOKENS: &[&str] = &[
    ":year",
    ":month",
    ":monthname",
    ":day",
    ":weekday",
    ":weekdayname",
    ":yearday",
    ":section",
    ":sections",
    ":title",
    ":slug",
    ":slugorfilename",
    ":slugorcontentbasename",
    ":filename",
    ":contentbasename",
];

/// How a Hugo site names, links and selects its pages: what changes in
/// feedpub when it reads a Hugo site.
#[derive(Debug, Clone, Default)]
pub(crate) struct HugoSite {
    /// URL patterns per top-level section (`[permalinks] posts = "/:year/:slug/"`).
    pub permalinks: BTreeMap<String, String>,
    /// `uglyURLs`: links end in `.html` instead of `/`.
    pub ugly_urls: bool,
    /// `disablePathToLower`: links keep the case of file names and slugs.
    pub disable_path_to_lower: bool,
    /// `params.mainSections`; `None` means Hugo's default, the section with
    /// the most pages.
    pub main_sections: Option<Vec<String>>,
    /// `buildDrafts`: drafts are published.
    pub build_drafts: bool,
    /// `buildFuture`: pages dated in the future are published now.
    pub build_future: bool,
    /// `buildExpired`: pages past their `expiryDate` stay published.
    pub build_expired: bool,
    /// `[frontmatter]`: where each of a page's dates comes from.
    pub dates: dates::DateRules,
    /// `defaultContentLanguage`, lower-cased (Hugo's default: `en`).
    pub default_language: String,
    /// `defaultContentLanguageInSubdir`: the default language's pages are
    /// linked under `/<code>/` too.
    pub default_language_in_subdir: bool,
    /// Whether Hugo makes section pages (`disableKinds` without `section`),
    /// which section feeds link to.
    pub section_pages: bool,
    /// The other languages of `[languages]`, lower-cased.
    pub other_languages: Vec<String>,
    /// The `title` and `languageCode` of each other language, by code.
    pub other_language_settings: BTreeMap<String, LanguageSettings>,
    /// The other languages with a `contentDir` of their own, by code: every
    /// page below it is in that language (relative to the site root until
    /// [`HugoSite::in_root`] places them).
    pub language_dirs: Vec<(String, PathBuf)>,
    /// `ignoreFiles`: files whose path matches one of these are not read.
    pub ignore_files: Vec<regex::Regex>,
    /// Term page patterns by taxonomy (plural name), from `[permalinks]`
    /// keyed by the taxonomy (or its newer `[permalinks.term]` table), in
    /// [`crate::term_page::TOKENS`] and with the default language's folder
    /// when it has one.
    pub term_permalinks: BTreeMap<String, String>,
    /// The configuration files read, for messages.
    pub files: Vec<PathBuf>,
}

/// What a language of `[languages]` sets for its own feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LanguageSettings {
    /// `title`: the site's title in that language.
    pub title: Option<String>,
    /// `locale` (Hugo 0.158+) or `languageCode` (`fr-fr`): the feed's
    /// language tag.
    pub language_code: Option<String>,
    /// `params.description`, as plain text: the language's feeds'
    /// description.
    pub description: Option<String>,
}

impl HugoSite {
    /// The site with its language folders placed below `root`.
    pub(crate) fn in_root(mut self, root: &Path) -> HugoSite {
        for (_, dir) in &mut self.language_dirs {
            *dir = root.join(&*dir);
        }
        self
    }

    /// The language other than the default that the page at `path` is
    /// written in: by its file name (`post.fr.md` → `fr`), else by the
    /// language folder (`contentDir`) it is in.
    pub(crate) fn translation_language(&self, path: &Path) -> Option<&str> {
        let name = path.file_name()?.to_string_lossy();
        match self.language_of(&name) {
            Some(language) => (language != self.default_language).then_some(language),
            None => self.language_dir_of(path).map(|(code, _)| code),
        }
    }

    /// The language folder the page at `path` is linked under (`fr` for
    /// `/fr/…`): its language's, unless it is the default language's and
    /// `defaultContentLanguageInSubdir` is off.
    pub(crate) fn link_language(&self, path: &Path) -> Option<&str> {
        self.translation_language(path).or(self
            .default_language_in_subdir
            .then_some(self.default_language.as_str()))
    }

    /// The other language's folder the page at `path` is in, with that
    /// language's code (the deepest folder when one holds another).
    pub(crate) fn language_dir_of(&self, path: &Path) -> Option<(&str, &Path)> {
        self.language_dirs
            .iter()
            .filter(|(_, dir)| path.starts_with(dir))
            .max_by_key(|(_, dir)| dir.components().count())
            .map(|(code, dir)| (code.as_str(), dir.as_path()))
    }

    /// Whether the file at `path` is ignored by `ignoreFiles`.
    pub(crate) fn ignores(&self, path: &Path) -> bool {
        let text = path.to_string_lossy().replace('\\', "/");
        self.ignore_files.iter().any(|r| r.is_match(&text))
    }

    /// The language a page's file name is a translation into (`post.fr.md`
    /// → `fr`), when it names one of the site's languages.
    pub(crate) fn language_of(&self, file_name: &str) -> Option<&str> {
        let stem = file_name.rsplit_once('.')?.0;
        let (_, code) = stem.rsplit_once('.')?;
        let code = code.to_lowercase();
        std::iter::once(&self.default_language)
            .chain(&self.other_languages)
            .find(|l| **l == code)
            .map(String::as_str)
    }

    /// The page's path with the default language's code dropped from its
    /// file name (`posts/a.en.md` → `posts/a.md`), as Hugo links it.
    pub(crate) fn without_language(&self, rel_path: &Path) -> PathBuf {
        let name = rel_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match (self.language_of(&name), name.rsplit_once('.')) {
            (Some(_), Some((stem, ext))) => {
                let base = stem.rsplit_once('.').map_or(stem, |(b, _)| b);
                rel_path.with_file_name(format!("{base}.{ext}"))
            }
            _ => rel_path.to_path_buf(),
        }
    }

    /// The top-level section of the page at `rel_path` (relative to the
    /// content directory): its first folder, or `""` for pages at the root.
    pub(crate) fn section_of(rel_path: &Path) -> String {
        let mut parts = rel_path.components();
        let first = parts.next();
        match (first, parts.next()) {
            (Some(first), Some(_)) => first.as_os_str().to_string_lossy().into_owned(),
            _ => String::new(),
        }
    }
}

/// A Hugo site configuration, merged from every file Hugo would read, with
/// every key lower-cased.
#[derive(Debug, Clone)]
pub(crate) struct HugoConfig {
    /// The merged settings.
    pub values: Map<String, Value>,
    /// The files read, root file last.
    pub files: Vec<PathBuf>,
}

impl HugoConfig {
    /// Find and read the Hugo configuration of the site in `root`, if it
    /// has one.
    pub(crate) fn find(root: &Path) -> Result<Option<HugoConfig>> {
        let mut values = Map::new();
        let mut files = Vec::new();
        for dir in [CONFIG_DIR.to_string(), format!("config/{}", environment())] {
            for path in config_files(&root.join(dir))? {
                let Some(key_path) = key_path(&path) else {
                    continue;
                };
                let Some(mut value) = read_file(&path)? else {
                    continue;
                };
                for key in key_path.into_iter().rev() {
                    value = Value::Object(Map::from_iter([(key, value)]));
                }
                merge(&mut values, value);
                files.push(path);
            }
        }
        if let Some(path) = ROOT_FILES
            .iter()
            .map(|f| root.join(f))
            .find(|p| p.is_file())
            && let Some(value) = read_file(&path)?
        {
            // `config.*` is a common name: without Hugo's own settings in it
            // (and no `config/_default/`), it belongs to some other tool.
            let is_hugo = !files.is_empty()
                || path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("hugo."))
                || value
                    .as_object()
                    .is_some_and(|m| HUGO_KEYS.iter().any(|k| m.contains_key(*k)));
            if is_hugo {
                merge(&mut values, value);
                files.push(path);
            }
        }
        Ok((!files.is_empty()).then_some(HugoConfig { values, files }))
    }

    /// The file named in messages about the configuration
    /// (the most specific `hugo.*` or `config.*` read, else the first file).
    pub(crate) fn main_file(&self) -> &Path {
        self.files
            .iter()
            .rev()
            .find(|path| key_path(path).is_some_and(|keys| keys.is_empty()))
            .or(self.files.first())
            .map_or(Path::new("hugo.toml"), PathBuf::as_path)
    }

    fn get(&self, path: &[&str]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.values.get(*first)?, |v, key| v.as_object()?.get(*key))
    }

    /// A string setting (`["params", "description"]`), trimmed, if not empty.
    pub(crate) fn string(&self, path: &[&str]) -> Option<String> {
        let s = self.get(path)?.as_str()?.trim();
        (!s.is_empty()).then(|| s.to_string())
    }

    /// A string setting of the site in its default language: the
    /// language's own (`[languages.en] title`) wins over the top-level one,
    /// as in Hugo.
    fn site_string(&self, path: &[&str]) -> Option<String> {
        let language = self.default_language();
        let in_language: Vec<&str> = ["languages", language.as_str()]
            .into_iter()
            .chain(path.iter().copied())
            .collect();
        self.string(&in_language).or_else(|| self.string(path))
    }

    /// A boolean setting; absent means false.
    pub(crate) fn flag(&self, path: &[&str]) -> bool {
        self.get(path).and_then(Value::as_bool).unwrap_or(false)
    }

    /// A number setting.
    pub(crate) fn number(&self, path: &[&str]) -> Option<i64> {
        self.get(path).and_then(Value::as_i64)
    }

    /// A list of strings (a single string counts as a list of one).
    pub(crate) fn strings(&self, path: &[&str]) -> Option<Vec<String>> {
        match self.get(path)? {
            Value::String(s) => Some(vec![s.clone()]),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The feed item limit: `services.rss.limit`, else `rssLimit`; `None`
    /// when unset or unlimited (negative).
    pub(crate) fn rss_limit(&self) -> Option<usize> {
        self.number(&["services", "rss", "limit"])
            .or_else(|| self.number(&["rsslimit"]))
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
    }

    /// How many words a summary derived from the body keeps
    /// (`summaryLength`); `None` when unset (Hugo's default, 70).
    pub(crate) fn summary_length(&self) -> Option<usize> {
        self.number(&["summarylength"])
            .and_then(|n| usize::try_from(n).ok())
    }

    /// The site's taxonomies: Hugo's default `tags` and `categories` when
    /// the site configures none; a taxonomy named `countries` (or
    /// `country`) keeps feedpub's country resolution.
    pub(crate) fn taxonomies(&self) -> Vec<Taxonomy> {
        let configured = self.get(&["taxonomies"]).and_then(Value::as_object);
        let pairs: Vec<(String, String)> = match configured {
            None => vec![
                ("category".into(), "categories".into()),
                ("tag".into(), "tags".into()),
            ],
            Some(map) => map
                .iter()
                .filter_map(|(singular, plural)| {
                    let plural = plural.as_str()?.trim();
                    (!plural.is_empty()).then(|| (singular.clone(), plural.to_string()))
                })
                .collect(),
        };
        pairs
            .into_iter()
            .map(|(singular, plural)| {
                if matches!(plural.as_str(), "countries" | "country") {
                    Taxonomy::country(&singular, &plural)
                } else {
                    Taxonomy::plain(&singular, &plural)
                }
            })
            .collect()
    }

    /// URL patterns per section, from `[permalinks]` (Hugo's older flat
    /// form `posts = "…"` and the newer `[permalinks.page]` table).
    pub(crate) fn permalinks(&self) -> BTreeMap<String, String> {
        let mut patterns = BTreeMap::new();
        let Some(map) = self.get(&["permalinks"]).and_then(Value::as_object) else {
            return patterns;
        };
        for (section, pattern) in map {
            if let Some(p) = pattern.as_str() {
                patterns.insert(section.clone(), p.to_string());
            }
        }
        patterns.remove("term");
        patterns.remove("taxonomy");
        if let Some(pages) = map.get("page").and_then(Value::as_object) {
            patterns.remove("page");
            for (section, pattern) in pages {
                if let Some(p) = pattern.as_str() {
                    patterns.insert(section.clone(), p.to_string());
                }
            }
        }
        patterns
    }

    /// The settings that change how articles are read and linked; an
    /// invalid `ignoreFiles` pattern or permalink token is an error.
    pub(crate) fn site(&self) -> Result<HugoSite> {
        let error = |message: String, help: &str| {
            Error::Config(Box::new(
                ConfigProblem::InvalidHugoConfig
                    .at(self.main_file(), message)
                    .with_help(help),
            ))
        };
        let mut ignore_files = Vec::new();
        for pattern in self.strings(&["ignorefiles"]).unwrap_or_default() {
            let regex = regex::Regex::new(&pattern).map_err(|e| {
                error(
                    format!("ignoreFiles pattern {pattern:?} is not a regular expression: {e}"),
                    "fix the pattern; Hugo would reject it too",
                )
            })?;
            ignore_files.push(regex);
        }
        let languages = self
            .get(&["languages"])
            .and_then(Value::as_object)
            .map(|languages| languages.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        // Each language names a folder of the output, as in Hugo's `/fr/`.
        let is_code = |code: &str| {
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if let Some(code) = languages.iter().find(|code| !is_code(code)) {
            return Err(error(
                format!("[languages] names {code:?}, which is not a language code"),
                "name each language by its code, such as fr or zh-hant-tw",
            ));
        }
        for taxonomy in self.taxonomies() {
            let folder = taxonomy.name.to_lowercase();
            let language = languages
                .iter()
                .find(|code| code.to_lowercase() == folder && **code != self.default_language());
            let shared = match folder.as_str() {
                crate::output::CUSTOM_DIR => "the custom feeds".to_string(),
                "sections" => "the section feeds".to_string(),
                crate::output::ARCHIVE_DIR => "the archive pages".to_string(),
                _ => match language {
                    Some(code) => format!("the feeds of language {code}"),
                    None => continue,
                },
            };
            return Err(error(
                format!(
                    "the taxonomy {:?} would publish its feeds in feeds/{folder}/, the folder of {shared}",
                    taxonomy.name
                ),
                &format!(
                    "rename the taxonomy in [taxonomies] (for example {} = \"{folder}-terms\"): two feeds cannot share one folder",
                    taxonomy.singular
                ),
            ));
        }
        let term_permalinks = self.term_permalinks();
        for (taxonomy, pattern) in &term_permalinks {
            if let Some(token) = crate::term_page::unknown_token(pattern) {
                return Err(error(
                    format!(
                        "the permalink of taxonomy {taxonomy:?} uses `{token}`, which a term page has no value for"
                    ),
                    "a term page pattern may use :slug, :title and :section (the taxonomy)",
                ));
            }
        }
        let mut permalinks = self.permalinks();
        permalinks.retain(|key, _| !term_permalinks.contains_key(key));
        for (section, pattern) in &permalinks {
            if let Some(token) = unknown_token(pattern) {
                return Err(error(
                    format!("unknown token `{token}` in the permalink of section {section:?}"),
                    &format!("tokens are {}", PERMALINK_TOKENS.join(" ")),
                ));
            }
        }
        Ok(HugoSite {
            permalinks,
            ugly_urls: self.flag(&["uglyurls"]),
            disable_path_to_lower: self.flag(&["disablepathtolower"]),
            main_sections: self.strings(&["params", "mainsections"]),
            build_drafts: self.flag(&["builddrafts"]),
            build_future: self.flag(&["buildfuture"]),
            build_expired: self.flag(&["buildexpired"]),
            dates: dates::DateRules::from_table(
                self.get(&["frontmatter"]).and_then(Value::as_object),
            ),
            default_language: self.default_language(),
            default_language_in_subdir: self.default_language_in_subdir(),
            section_pages: !self.disables_kind("section"),
            other_languages: self.other_languages(),
            other_language_settings: self.other_language_settings(),
            language_dirs: self.language_dirs(),
            ignore_files,
            term_permalinks,
            files: self.files.clone(),
        })
    }

    /// The term page pattern of each taxonomy `[permalinks]` names (Hugo
    /// 0.111's flat `tags = "/topics/:slug/"`, or the newer
    /// `[permalinks.term]` table), in [`crate::term_page::TOKENS`]: a term
    /// page's `:slug` and `:title` are its name as Hugo urlizes it, its
    /// `:section` and `:sections` the taxonomy.
    fn term_permalinks(&self) -> BTreeMap<String, String> {
        let mut patterns = BTreeMap::new();
        let Some(map) = self.get(&["permalinks"]).and_then(Value::as_object) else {
            return patterns;
        };
        let terms = map.get("term").and_then(Value::as_object);
        let folder = if self.default_language_in_subdir() {
            format!("/{}", self.default_language())
        } else {
            String::new()
        };
        for taxonomy in self.taxonomies() {
            // Hugo lower-cases configuration keys, as `get` does here.
            let key = taxonomy.name.to_lowercase();
            let pattern = terms
                .and_then(|t| t.get(&key))
                .or_else(|| map.get(&key))
                .and_then(Value::as_str);
            if let Some(pattern) = pattern {
                let pattern = pattern
                    .replace(":sections", ":taxonomy")
                    .replace(":section", ":taxonomy")
                    .replace(":title", ":slug");
                let pattern = format!("/{}", pattern.trim_start_matches('/'));
                patterns.insert(taxonomy.name, format!("{folder}{pattern}"));
            }
        }
        patterns
    }

    /// Where Hugo puts the site's term pages: none when `disableKinds` has
    /// `term`, else `/<taxonomy>/<term>/` (`.html` with `uglyURLs`).
    pub(crate) fn term_pages(&self) -> TermPages {
        if self.disables_kind("term") {
            TermPages::None
        } else {
            // The default language's term pages are in its folder too.
            let folder = if self.default_language_in_subdir() {
                format!("/{}", self.default_language())
            } else {
                String::new()
            };
            let page = if self.flag(&["uglyurls"]) {
                "/:taxonomy/:slug.html"
            } else {
                crate::term_page::DEFAULT_PATTERN
            };
            TermPages::Pattern(format!("{folder}{page}"))
        }
    }

    /// The languages of `[languages]` other than the default, lower-cased.
    fn other_languages(&self) -> Vec<String> {
        self.get(&["languages"])
            .and_then(Value::as_object)
            .map(|languages| {
                languages
                    .keys()
                    .filter(|l| **l != self.default_language())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `defaultContentLanguageInSubdir`, which Hugo honours only on a
    /// multilingual site: with one language, its pages stay at the root.
    fn default_language_in_subdir(&self) -> bool {
        self.flag(&["defaultcontentlanguageinsubdir"]) && !self.other_languages().is_empty()
    }

    /// Whether `disableKinds` lists `kind` (in any letter case, as Hugo reads it).
    fn disables_kind(&self, kind: &str) -> bool {
        self.strings(&["disablekinds"])
            .unwrap_or_default()
            .iter()
            .any(|k| k.eq_ignore_ascii_case(kind))
    }

    /// The `feedpub.toml` keys this configuration implies, as TOML text
    /// (only those set; `feedpub.toml` itself may override each).
    pub(crate) fn feedpub_keys(&self) -> toml::Table {
        let mut table = toml::Table::new();
        let mut set = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                table.insert(key.into(), toml::Value::String(v));
            }
        };
        set("title", self.site_string(&["title"]));
        set("base_url", self.string(&["baseurl"]));
        set(
            "language",
            self.site_string(&["locale"])
                .or_else(|| self.site_string(&["languagecode"]))
                .or_else(|| {
                    self.string(&["defaultcontentlanguage"])
                        .map(|language| language.to_lowercase())
                }),
        );
        set("timezone", self.string(&["timezone"]));
        set(
            "description",
            self.site_string(&["params", "description"])
                .map(|d| plain_description(&d)),
        );
        set(
            "author",
            self.site_string(&["params", "author"])
                .or_else(|| self.site_string(&["params", "author", "name"])),
        );
        if let Some(limit) = self.rss_limit().and_then(|l| i64::try_from(l).ok()) {
            table.insert("limit".into(), toml::Value::Integer(limit));
        }
        table
    }

    /// The `title` and `languageCode` of each language but the default.
    fn other_language_settings(&self) -> BTreeMap<String, LanguageSettings> {
        let default = self.default_language();
        let Some(languages) = self.get(&["languages"]).and_then(Value::as_object) else {
            return BTreeMap::new();
        };
        languages
            .keys()
            .filter(|l| **l != default)
            .map(|l| {
                let settings = LanguageSettings {
                    title: self.string(&["languages", l, "title"]),
                    language_code: self
                        .string(&["languages", l, "locale"])
                        .or_else(|| self.string(&["languages", l, "languagecode"])),
                    description: self
                        .string(&["languages", l, "params", "description"])
                        .map(|d| plain_description(&d)),
                };
                (l.clone(), settings)
            })
            .collect()
    }

    /// The `contentDir` of each language but the default, where it has one
    /// other than the default language's.
    fn language_dirs(&self) -> Vec<(String, PathBuf)> {
        let default = self.default_language();
        let main = self.content_dir();
        let Some(languages) = self.get(&["languages"]).and_then(Value::as_object) else {
            return Vec::new();
        };
        languages
            .keys()
            .filter(|l| **l != default)
            .filter_map(|l| {
                let dir = PathBuf::from(self.string(&["languages", l, "contentdir"])?);
                (dir != main).then(|| (l.clone(), dir))
            })
            .collect()
    }

    /// `defaultContentLanguage`, lower-cased; `en` when unset, as in Hugo.
    fn default_language(&self) -> String {
        self.string(&["defaultcontentlanguage"])
            .unwrap_or_else(|| "en".into())
            .to_lowercase()
    }

    /// The content directory, relative to the site root: the default
    /// language's `contentDir` on a multilingual site, else `contentDir`.
    pub(crate) fn content_dir(&self) -> PathBuf {
        let language = self.default_language();
        PathBuf::from(
            self.string(&["languages", &language, "contentdir"])
                .or_else(|| self.string(&["contentdir"]))
                .unwrap_or_else(|| "content".into()),
        )
    }
}

/// The first token in `pattern` that Hugo does not know, if any.
pub(crate) fn unknown_token(pattern: &str) -> Option<String> {
    pattern.match_indices(':').find_map(|(i, _)| {
        let token: String = std::iter::once(':')
            .chain(
                pattern[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_'),
            )
            .collect();
        (token.len() > 1 && !PERMALINK_TOKENS.contains(&token.as_str())).then_some(token)
    })
}

/// A `params.description` as a feed's description: sites write it for
/// their templates, often with links in it; a channel description is plain
/// text.
fn plain_description(html: &str) -> String {
    crate::text::squash_whitespace(&crate::text::html_text(html))
}

/// The Hugo environment a build uses: `HUGO_ENVIRONMENT` or `HUGO_ENV`,
/// else `production`, as for `hugo` itself.
fn environment() -> String {
    ["HUGO_ENVIRONMENT", "HUGO_ENV"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "production".into())
}

/// Every file under a configuration directory (Hugo walks its
/// subdirectories too: `menus/menus.en.toml`), sorted; none when the
/// directory does not exist.
fn config_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in crate::files::read_dir(&dir)?.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Where Hugo puts the settings of a file of a configuration directory, by
/// its name: `hugo.toml` and `config.toml` at the top, `params.toml` under
/// `params`, `languages.en.toml` under `languages.en`, `params.en.toml`
/// under `languages.en.params`. `None` for a language's menus, which feeds
/// never use (a broken menu file stays Hugo's business).
fn key_path(path: &Path) -> Option<Vec<String>> {
    let stem = path.file_stem()?.to_string_lossy().to_lowercase();
    let (name, language) = match stem.rsplit_once('.') {
        Some((name, language)) => (name.to_string(), Some(language.to_string())),
        None => (stem, None),
    };
    Some(match language {
        None if matches!(name.as_str(), "hugo" | "config") => Vec::new(),
        None => vec![name],
        Some(_) if matches!(name.as_str(), "menu" | "menus") => return None,
        Some(language) if name == "params" => vec!["languages".into(), language, name],
        Some(language) => vec!["languages".into(), language],
    })
}

/// Read one configuration file into a value with lower-cased keys.
fn read_file(path: &Path) -> Result<Option<Value>> {
    let text = crate::files::read_to_string(path)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let parsed: std::result::Result<Value, String> = match ext.as_str() {
        "toml" => toml::from_str::<toml::Value>(&text)
            .map_err(|e| e.message().to_string())
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string())),
        "yaml" | "yml" => serde_saphyr::from_str::<Value>(&text).map_err(|e| e.to_string()),
        "json" => serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()),
        _ => return Ok(None),
    };
    let value = parsed.map_err(|message| {
        Error::Config(Box::new(
            ConfigProblem::InvalidHugoConfig
                .at(
                    path,
                    format!("cannot read the Hugo configuration: {message}"),
                )
                .with_help("fix the file (`hugo config` shows what Hugo makes of it)"),
        ))
    })?;
    Ok(Some(lower_keys(value)))
}

/// The value with every map key lower-cased, as Hugo reads its settings.
fn lower_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.to_lowercase(), lower_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(lower_keys).collect()),
        other => other,
    }
}

/// Merge `over` into `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut Map<String, Value>, over: Value) {
    let Value::Object(over) = over else {
        return;
    };
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => {
                merge(existing, Value::Object(more));
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, HugoConfig) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config = HugoConfig::find(dir.path()).unwrap().unwrap();
        (dir, config)
    }

    #[test]
    fn no_configuration_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(HugoConfig::find(dir.path()).unwrap().is_none());
    }

    #[test]
    fn keys_are_case_insensitive_and_files_merge() {
        let (_dir, c) = site(&[
            (
                "hugo.toml",
                "baseURL = 'https://x.org/'\nTitle = 'X'\n[Params]\nmainSections = ['blog']\n",
            ),
            ("config/_default/params.yaml", "description: From the dir\n"),
            (
                "config/_default/permalinks.json",
                r#"{"Blog": "/:year/:slug/"}"#,
            ),
            ("config/_default/menus.en.toml", "broken = [\n"),
        ]);
        assert_eq!(c.string(&["baseurl"]).unwrap(), "https://x.org/");
        assert_eq!(c.string(&["title"]).unwrap(), "X");
        assert_eq!(
            c.string(&["params", "description"]).unwrap(),
            "From the dir"
        );
        assert_eq!(
            c.strings(&["params", "mainsections"]).unwrap(),
            vec!["blog"]
        );
        assert_eq!(c.permalinks()["blog"], "/:year/:slug/");
    }

    #[test]
    fn per_language_files_of_the_config_dir_are_read_as_hugo_reads_them() {
        // A site in the layout of the Blowfish and Congo themes: the site's
        // title lives in `languages.en.toml` only.
        let (_dir, c) = site(&[
            (
                "config/_default/hugo.toml",
                "baseURL = 'https://x.org/'\ndefaultContentLanguage = 'en'\n",
            ),
            (
                "config/_default/languages.EN.toml",
                "title = \"Let's Encrypt\"\nlocale = 'en-US'\n[params]\nauthor = 'ISRG'\n",
            ),
            (
                "config/_default/languages.fr.toml",
                "title = 'Le site'\nlocale = 'fr-FR'\n",
            ),
            (
                "config/_default/params.en.yaml",
                "description: Free certificates\n",
            ),
            ("config/_default/menus/menus.en.toml", "broken = [\n"),
            ("config/_default/server.toml", "[[headers]]\nfor = '/**'\n"),
        ]);
        assert_eq!(
            c.string(&["languages", "en", "title"]).unwrap(),
            "Let's Encrypt"
        );
        assert_eq!(
            c.string(&["languages", "en", "params", "description"])
                .unwrap(),
            "Free certificates"
        );
        let keys = c.feedpub_keys();
        assert_eq!(keys["title"].as_str(), Some("Let's Encrypt"));
        assert_eq!(keys["language"].as_str(), Some("en-US"));
        assert_eq!(keys["description"].as_str(), Some("Free certificates"));
        assert_eq!(keys["author"].as_str(), Some("ISRG"));
        // Hugo 0.158 renamed `languageCode` to `locale`.
        assert_eq!(
            c.site().unwrap().other_language_settings["fr"],
            LanguageSettings {
                title: Some("Le site".into()),
                language_code: Some("fr-FR".into()),
                description: None,
            }
        );
        // Messages about the configuration name its main file, not the
        // last one read.
        assert!(c.main_file().ends_with("config/_default/hugo.toml"));
    }

    #[test]
    fn the_default_language_settings_win_over_the_root_ones_as_in_hugo() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "title = 'Root'\nlanguageCode = 'en'\nbaseURL = 'https://x.org/'\n\
             [params]\ndescription = 'Root description'\n\
             [languages.en]\ntitle = 'English title'\nlanguageCode = 'en-GB'\n\
             [languages.en.params]\ndescription = 'English description'\n",
        )]);
        let keys = c.feedpub_keys();
        assert_eq!(keys["title"].as_str(), Some("English title"));
        assert_eq!(keys["language"].as_str(), Some("en-GB"));
        assert_eq!(keys["description"].as_str(), Some("English description"));
    }

    /// Sites write `params.description` for their templates, often with
    /// links in it; a channel description is plain text.
    #[test]
    fn a_description_written_in_html_is_its_text() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "title = 'T'\n[params]\ndescription = \"\"\"\nA free CA brought to you by the \
             <a href=\"https://isrg.example/\">ISRG</a> &amp; friends.\n\"\"\"\n",
        )]);
        assert_eq!(
            c.feedpub_keys()["description"].as_str(),
            Some("A free CA brought to you by the ISRG & friends.")
        );
    }

    #[test]
    fn the_production_environment_is_merged_over_the_defaults() {
        let (_dir, c) = site(&[
            (
                "config/_default/hugo.toml",
                "title = 'T'\nbaseURL = 'http://localhost:1313/'\n",
            ),
            (
                "config/production/hugo.toml",
                "baseURL = 'https://example.org/'\n",
            ),
            (
                "config/development/hugo.toml",
                "baseURL = 'http://dev.local/'\n",
            ),
        ]);
        assert_eq!(c.string(&["baseurl"]).unwrap(), "https://example.org/");
        assert_eq!(c.string(&["title"]).unwrap(), "T");
        assert!(c.main_file().ends_with("config/production/hugo.toml"));
    }

    #[test]
    fn root_file_wins_over_the_config_dir() {
        let (_dir, c) = site(&[
            ("config.yaml", "title: Root\n"),
            (
                "config/_default/hugo.toml",
                "title = 'Dir'\nbaseURL = 'https://d.org'\n",
            ),
        ]);
        assert_eq!(c.string(&["title"]).unwrap(), "Root");
        assert_eq!(c.string(&["baseurl"]).unwrap(), "https://d.org");
    }

    #[test]
    fn taxonomies_default_to_hugos_and_countries_stay_countries() {
        let (_dir, c) = site(&[("hugo.toml", "title = 'X'\n")]);
        let names: Vec<_> = c.taxonomies().into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["categories", "tags"]);
        let (_dir, c) = site(&[(
            "hugo.toml",
            "[taxonomies]\ntag = 'tags'\ncountry = 'countries'\n",
        )]);
        let kinds: Vec<_> = c
            .taxonomies()
            .into_iter()
            .map(|t| (t.name, t.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("countries".into(), crate::taxonomy::TaxonomyKind::Country),
                ("tags".into(), crate::taxonomy::TaxonomyKind::Plain)
            ]
        );
    }

    #[test]
    fn limits_and_newer_permalink_tables() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "rssLimit = 20\n[services.rss]\nlimit = 10\n[permalinks.page]\nposts = '/:slug/'\n",
        )]);
        assert_eq!(c.rss_limit(), Some(10));
        assert_eq!(c.permalinks()["posts"], "/:slug/");
        let (_dir, c) = site(&[("hugo.toml", "rssLimit = -1\n")]);
        assert_eq!(c.rss_limit(), None);
        assert_eq!(c.summary_length(), None);
        let (_dir, c) = site(&[("hugo.toml", "summaryLength = 12\n")]);
        assert_eq!(c.summary_length(), Some(12));
    }

    #[test]
    fn bad_tokens_and_patterns_are_errors() {
        let (_dir, c) = site(&[("hugo.toml", "[permalinks]\nposts = '/:nonsense/'\n")]);
        let e = c.site().unwrap_err().to_string();
        assert!(e.contains("unknown token `:nonsense`"), "{e}");
        let (_dir, c) = site(&[("hugo.toml", "ignoreFiles = ['(']\n")]);
        assert!(c.site().is_err());
        let (_dir, c) = site(&[("hugo.toml", "ignoreFiles = ['\\.draft\\.md$']\n")]);
        let s = c.site().unwrap();
        assert!(s.ignores(Path::new("content/a.draft.md")));
        assert!(!s.ignores(Path::new("content/a.md")));
    }

    #[test]
    fn other_tools_config_files_are_not_hugos() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "port = 8080\n").unwrap();
        assert!(HugoConfig::find(dir.path()).unwrap().is_none());
        let (_dir, c) = site(&[("config.toml", "baseURL = 'https://x.org/'\n")]);
        assert_eq!(c.content_dir(), Path::new("content"));
    }

    #[test]
    fn the_default_language_content_dir_is_read() {
        let (_dir, c) = site(&[(
            "hugo.yaml",
            "defaultContentLanguage: ru\nlanguages:\n  ru:\n    contentDir: content/ru\n  en:\n    contentDir: content/en\n",
        )]);
        assert_eq!(c.content_dir(), Path::new("content/ru"));
    }

    #[test]
    fn each_language_has_its_title_and_language_code() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "defaultContentLanguage = 'en'\n[languages.en]\ntitle = 'Site'\n[languages.fr]\nlanguageCode = 'fr-FR'\ntitle = 'Le site'\n[languages.de]\nweight = 3\n",
        )]);
        let s = c.site().unwrap();
        assert_eq!(
            s.other_language_settings.get("fr"),
            Some(&LanguageSettings {
                title: Some("Le site".into()),
                language_code: Some("fr-FR".into()),
                description: None,
            })
        );
        assert_eq!(
            s.other_language_settings.get("de"),
            Some(&LanguageSettings::default())
        );
        assert!(!s.other_language_settings.contains_key("en"));
    }

    #[test]
    fn translations_are_known_by_their_file_names() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "defaultContentLanguage = 'en'\n[languages.en]\nweight = 1\n[languages.FR]\nweight = 2\n",
        )]);
        let s = c.site().unwrap();
        assert_eq!(s.other_languages, ["fr"]);
        assert_eq!(s.language_of("post.fr.md"), Some("fr"));
        assert_eq!(s.language_of("post.EN.md"), Some("en"));
        assert_eq!(s.language_of("post.md"), None);
        assert_eq!(s.language_of("v1.2.md"), None);
        assert_eq!(
            s.translation_language(Path::new("posts/a.fr.md")),
            Some("fr")
        );
        assert_eq!(s.translation_language(Path::new("posts/a.en.md")), None);
        assert_eq!(
            s.without_language(Path::new("posts/a.en.md")),
            Path::new("posts/a.md")
        );
        assert_eq!(
            s.without_language(Path::new("posts/a.b.md")),
            Path::new("posts/a.b.md")
        );
    }

    #[test]
    fn pages_in_a_language_folder_are_in_that_language() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "[languages.en]\ncontentDir = 'content/en'\n[languages.fr]\ncontentDir = 'content/fr'\n[languages.de]\nweight = 3\n",
        )]);
        let s = c.site().unwrap().in_root(Path::new("site"));
        assert_eq!(c.content_dir(), Path::new("content/en"));
        assert_eq!(
            s.language_dirs,
            [("fr".to_string(), PathBuf::from("site/content/fr"))]
        );
        let fr = Path::new("site/content/fr/posts/a.md");
        assert_eq!(s.translation_language(fr), Some("fr"));
        assert_eq!(
            s.language_dir_of(fr),
            Some(("fr", Path::new("site/content/fr")))
        );
        // The file name's language wins over the folder's.
        assert_eq!(
            s.translation_language(Path::new("site/content/fr/posts/a.en.md")),
            None
        );
        assert_eq!(
            s.translation_language(Path::new("site/content/en/posts/a.md")),
            None
        );
    }

    #[test]
    fn sections_are_first_folders() {
        assert_eq!(HugoSite::section_of(Path::new("posts/a/index.md")), "posts");
        assert_eq!(HugoSite::section_of(Path::new("about.md")), "");
    }

    #[test]
    fn term_pages_follow_disable_kinds_and_ugly_urls() {
        let (_dir, c) = site(&[("hugo.toml", "title = 'x'\n")]);
        assert_eq!(
            c.term_pages(),
            TermPages::Pattern("/:taxonomy/:slug/".into())
        );
        let (_dir, c) = site(&[("hugo.toml", "uglyURLs = true\n")]);
        assert_eq!(
            c.term_pages(),
            TermPages::Pattern("/:taxonomy/:slug.html".into())
        );
        let (_dir, c) = site(&[(
            "hugo.toml",
            "defaultContentLanguage = 'de'\ndefaultContentLanguageInSubdir = true\n\
             [languages.de]\n[languages.fr]\n",
        )]);
        assert_eq!(
            c.term_pages(),
            TermPages::Pattern("/de/:taxonomy/:slug/".into())
        );
        // Hugo 0.111 ignores the setting on a site with one language.
        let (_dir, c) = site(&[(
            "hugo.toml",
            "defaultContentLanguage = 'de'\ndefaultContentLanguageInSubdir = true\n",
        )]);
        assert_eq!(
            c.term_pages(),
            TermPages::Pattern("/:taxonomy/:slug/".into())
        );
        let (_dir, c) = site(&[("hugo.toml", "disableKinds = ['Term']\n")]);
        assert_eq!(c.term_pages(), TermPages::None);
    }

    #[test]
    fn taxonomy_permalinks_place_term_pages() {
        let (_dir, c) = site(&[(
            "hugo.toml",
            "[permalinks]\ntags = 'topics/:slug/'\ncategories = '/:section/x-:title/'\n\
             posts = '/:year/:slug/'\n",
        )]);
        let s = c.site().unwrap();
        assert_eq!(
            s.term_permalinks,
            [
                ("categories".to_string(), "/:taxonomy/x-:slug/".to_string()),
                ("tags".to_string(), "/topics/:slug/".to_string()),
            ]
            .into()
        );
        assert_eq!(s.permalinks.keys().collect::<Vec<_>>(), ["posts"]);
        // The newer table form (Hugo 0.112 and later).
        let (_dir, c) = site(&[(
            "hugo.toml",
            "[permalinks.term]\ntags = '/topics/:slug/'\n[permalinks.page]\nposts = '/:slug/'\n",
        )]);
        let s = c.site().unwrap();
        assert_eq!(s.term_permalinks["tags"], "/topics/:slug/");
        assert_eq!(s.permalinks.keys().collect::<Vec<_>>(), ["posts"]);
        // A date means nothing for a term page.
        let (_dir, c) = site(&[("hugo.toml", "[permalinks]\ntags = '/:year/:slug/'\n")]);
        let message = c.site().unwrap_err().to_string();
        assert!(message.contains("`:year`"), "{message}");
    }
}
