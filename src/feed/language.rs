//! Per-language feeds of a multilingual Hugo site: each language other than
//! `defaultContentLanguage` gets a site-wide feed under `feeds/<code>/`,
//! holding its translations by file name (`post.fr.md`) or by its own
//! `contentDir` (`content/fr/post.md`), linked under
//! `/<code>/` as Hugo links them, as Hugo's `/<code>/index.xml` does, and
//! term and section feeds under `feeds/<code>/<taxonomy>/<term>/`, as
//! Hugo's `/<code>/<taxonomy>/<term>/index.xml`. The default language's
//! feeds (site, terms, sections, custom) hold no translation.

use crate::config::Config;
use crate::hugo::LanguageSettings;
use crate::model::Article;
use crate::taxonomy::{TaxonomyKind, Term};

/// The key of language feeds in the feed index's groups.
pub(crate) const GROUP: &str = "languages";

/// `terms` split by language: each term with the default language's pages
/// only, then, for each other language, each term with that language's
/// pages only (its [`Term::language`] set); a term left empty is dropped.
pub(crate) fn terms_by_language(
    config: &Config,
    published: &[Article],
    terms: Vec<Term>,
) -> Vec<Term> {
    // A site of one language has every page in the default one.
    let Some(site) = config
        .hugo
        .as_ref()
        .filter(|s| !s.other_languages.is_empty())
    else {
        return terms;
    };
    let languages = std::iter::once(None).chain(site.other_languages.iter().map(Some));
    let mut out = Vec::with_capacity(terms.len());
    for language in languages {
        for term in &terms {
            let articles: Vec<usize> = term
                .articles
                .iter()
                .copied()
                .filter(|&i| published[i].language.as_deref() == language.map(String::as_str))
                .collect();
            if !articles.is_empty() {
                out.push(Term {
                    articles,
                    language: language.cloned(),
                    ..term.clone()
                });
            }
        }
    }
    out
}

/// The feed language tag of `code`, one of the other languages: its
/// `languageCode`, else the code.
pub fn tag<'c>(config: &'c Config, code: &'c str) -> &'c str {
    settings(config, code)
        .and_then(|s| s.language_code.as_deref())
        .unwrap_or(code)
}

/// The site title in `code`, one of the other languages: its `title`,
/// else the site's.
pub fn title<'c>(config: &'c Config, code: &str) -> &'c str {
    settings(config, code)
        .and_then(|s| s.title.as_deref())
        .unwrap_or(&config.title)
}

/// The site description in `code`, one of the other languages: its
/// `params.description`, else the site's.
pub fn description<'c>(config: &'c Config, code: &str) -> &'c str {
    settings(config, code)
        .and_then(|s| s.description.as_deref())
        .unwrap_or(&config.description)
}

/// What the Hugo configuration sets for `code`, one of the other languages.
fn settings<'c>(config: &'c Config, code: &str) -> Option<&'c LanguageSettings> {
    config
        .hugo
        .as_ref()
        .and_then(|site| site.other_language_settings.get(code))
}

/// One language feed to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageFeed {
    /// The language's code in `[languages]` (`fr`): the feed's folder.
    pub code: String,
    /// The feed's language tag: `languageCode`, else the code.
    pub tag: String,
    /// The feed's title: the language's `title`, else the site's.
    pub title: String,
    /// Indexes (into `published`) of the language's pages (in the site's
    /// main sections, when it names them).
    pub articles: Vec<usize>,
}

/// The feed of every language but the default, with the indexes of its
/// pages that are in `main_sections` (the site-wide feed's sections; every
/// page when `None`).
pub fn feeds(
    config: &Config,
    published: &[Article],
    main_sections: Option<&[&Term]>,
) -> Vec<LanguageFeed> {
    let Some(site) = &config.hugo else {
        return Vec::new();
    };
    let section = config
        .taxonomies
        .iter()
        .position(|t| t.kind == TaxonomyKind::Section);
    let in_main_section = |article: &Article| {
        let Some(main_sections) = main_sections else {
            return true;
        };
        section.is_some_and(|s| {
            article
                .terms_of(s)
                .iter()
                .any(|name| main_sections.iter().any(|t| t.name == *name))
        })
    };
    site.other_languages
        .iter()
        .map(|code| LanguageFeed {
            code: code.clone(),
            tag: tag(config, code).to_string(),
            title: title(config, code).to_string(),
            articles: (0..published.len())
                .filter(|&i| {
                    published[i].language.as_deref() == Some(code.as_str())
                        && in_main_section(&published[i])
                })
                .collect(),
        })
        .collect()
}
