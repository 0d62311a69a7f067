//! The web page a term feed belongs to (its channel `<link>`, Atom
//! `alternate` and JSON `home_page_url`): the site's page for the term,
//! from a configurable pattern, or, on a site without term pages, the
//! feed's own entry on the feeds page.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::config::Config;
use crate::output::{INDEX_FILE, feed_anchor};
use crate::taxonomy::{TaxonomyKind, Term};
use crate::term_page::TermPages;
use crate::text::unicode_sanitize;

/// Characters a term's path segment keeps as written (Hugo keeps `+`, `~`
/// and `@` in term paths); everything else is percent-encoded, so `#` in
/// a term name cannot end the path.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'+')
    .remove(b'@');

/// The URL of the web page for `term`'s feed, whose files are in `dir`.
pub fn url(config: &Config, term: &Term, dir: &str) -> String {
    let page = match (&config.term_pages, term.taxonomy.kind, &config.hugo) {
        // A Hugo section's page is its own folder (`<section>.html` with
        // `uglyURLs`; in the default language's folder with
        // `defaultContentLanguageInSubdir`), made unless `disableKinds`
        // says `section`, whether or not Hugo makes term pages.
        (_, TaxonomyKind::Section, Some(site)) => site.section_pages.then(|| {
            let page = if site.ugly_urls {
                format!("{}.html", term.slug)
            } else {
                format!("{}/", term.slug)
            };
            if site.default_language_in_subdir {
                format!("{}/{page}", site.default_language)
            } else {
                page
            }
        }),
        (TermPages::None, ..) => None,
        (TermPages::Pattern(_), TaxonomyKind::Section, None) => Some(format!("{}/", term.slug)),
        (TermPages::Pattern(pattern), ..) => {
            // A taxonomy's own `[permalinks]` pattern places its pages.
            let pattern = config
                .hugo
                .as_ref()
                .and_then(|site| site.term_permalinks.get(&term.taxonomy.name))
                .unwrap_or(pattern);
            // On a Hugo site the page is Hugo's, named as Hugo names it.
            let slug = match &config.hugo {
                Some(site) if site.disable_path_to_lower => unicode_sanitize(&term.name),
                Some(_) => unicode_sanitize(&term.name).to_lowercase(),
                None => term.slug.clone(),
            };
            let segment = utf8_percent_encode(&slug, SEGMENT).to_string();
            let path = pattern
                .replace(":taxonomy", &term.taxonomy.name)
                .replace(":slug", &segment);
            Some(path.trim_start_matches('/').to_string())
        }
    };
    // Another language's pages are in its folder, as Hugo's `/fr/tags/x/`,
    // instead of the default language's (if it has one).
    let page = match (&term.language, &config.hugo) {
        (Some(code), Some(site)) => page.map(|path| {
            let own = format!("{}/", site.default_language);
            let rest = match path.strip_prefix(&own) {
                Some(rest) if site.default_language_in_subdir => rest,
                _ => &path,
            };
            format!("{code}/{rest}")
        }),
        _ => page,
    };
    let joined = match page {
        Some(path) => config.base_url.join(&path),
        None => config
            .feeds_url
            .join(&format!("{INDEX_FILE}#{}", feed_anchor(dir))),
    };
    joined.map_or_else(|_| config.base_url.to_string(), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;
    use crate::taxonomy::Taxonomy;
    use std::path::Path;

    fn config(extra: &str) -> Config {
        let text = format!("title = \"N\"\nbase_url = \"https://x.org/blog\"\n{extra}");
        Config::from_toml(
            &text,
            Path::new("feedpub.toml"),
            Path::new(""),
            &Paths::default(),
        )
        .unwrap()
    }

    fn term(name: &str, slug: &str) -> Term {
        Term {
            taxonomy: Taxonomy::plain("category", "categories"),
            name: name.into(),
            slug: slug.into(),
            articles: vec![],
            language: None,
        }
    }

    #[test]
    fn default_is_the_taxonomy_folder_under_the_base_url() {
        let t = term("National Security", "national-security");
        assert_eq!(
            url(&config(""), &t, "categories/national-security"),
            "https://x.org/blog/categories/national-security/"
        );
    }

    #[test]
    fn a_pattern_places_the_page() {
        let t = term("National Security", "national-security");
        let c = config("term_page = \"/topics/:taxonomy-:slug.html\"\n");
        assert_eq!(
            url(&c, &t, "categories/national-security"),
            "https://x.org/blog/topics/categories-national-security.html"
        );
    }

    #[test]
    fn without_term_pages_the_feeds_page_entry_is_linked() {
        let t = term("National Security", "national-security");
        for extra in ["term_pages = false\n", "term_page = \"\"\n"] {
            assert_eq!(
                url(&config(extra), &t, "categories/national-security"),
                "https://x.org/blog/feeds/index.html#categories/national-security",
                "{extra}"
            );
        }
    }

    #[test]
    fn on_a_hugo_site_the_term_is_named_as_hugo_names_it() {
        let mut c = config("");
        c.hugo = Some(crate::hugo::HugoSite::default());
        let t = term("Guest Post & C#", "guest-post-c");
        assert_eq!(
            url(&c, &t, "categories/guest-post-c"),
            "https://x.org/blog/categories/guest-post-c%23/"
        );
        let t = term("Центральная Азия", "tsentralnaya-aziya");
        assert_eq!(
            url(&c, &t, "categories/tsentralnaya-aziya"),
            "https://x.org/blog/categories/%D1%86%D0%B5%D0%BD%D1%82%D1%80%D0%B0%D0%BB%D1%8C%D0%BD%D0%B0%D1%8F-%D0%B0%D0%B7%D0%B8%D1%8F/"
        );
    }
}
