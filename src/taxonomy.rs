//! Grouping articles into taxonomy terms (categories and countries), each
//! with a permanent, safe URL slug.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::error::Diagnostic;
use crate::model::Article;

/// The two ways articles are filed; each term of each kind gets its feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// Topics such as "National Security".
    Category,
    /// Countries and configured regions.
    Country,
}

impl TaxonomyKind {
    /// Both kinds, in output order.
    pub const ALL: [TaxonomyKind; 2] = [TaxonomyKind::Category, TaxonomyKind::Country];

    /// The folder of this kind's feeds under the output directory (and of its
    /// pages on the site).
    pub fn dir_name(self) -> &'static str {
        match self {
            TaxonomyKind::Category => "categories",
            TaxonomyKind::Country => "countries",
        }
    }

    /// The front-matter field articles are filed with.
    pub fn field(self) -> &'static str {
        self.dir_name()
    }

    /// The names of an article's terms of this kind.
    pub fn names(self, article: &Article) -> Vec<&str> {
        match self {
            TaxonomyKind::Category => article.categories.iter().map(String::as_str).collect(),
            TaxonomyKind::Country => article.countries.iter().map(|c| c.name.as_str()).collect(),
        }
    }
}

/// One category or country, with the articles filed under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Category or country.
    pub kind: TaxonomyKind,
    /// Display name (the most used spelling; for countries the common English name).
    pub name: String,
    /// URL slug: lowercase ASCII letters, digits and dashes, never empty.
    pub slug: String,
    /// Indexes into the article list, in list order.
    pub articles: Vec<usize>,
}

/// A URL slug for a term name: lowercase ASCII (Cyrillic and accents
/// transliterated), every other character a dash; never empty, never `.`
/// or `..`, so a term can never point outside its folder.
pub fn slugify(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() {
        // Names with nothing transliterable (e.g. only punctuation or emoji)
        // still need a stable, distinct slug.
        format!("term-{:08x}", crate::text::stable_hash(&[name]) as u32)
    } else {
        slug
    }
}

/// The key under which category spellings are merged: case and white space ignored.
fn category_key(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Group `articles` into terms of both kinds, sorted by kind then slug, and
/// rewrite every article's category spellings to its term's name, so items
/// carry the same name as the feed they are in. Two different names that
/// would share a slug are an error naming both.
pub fn group(articles: &mut [Article]) -> Result<Vec<Term>, Vec<Diagnostic>> {
    let mut terms = Vec::new();
    let mut problems = Vec::new();
    for kind in TaxonomyKind::ALL {
        // key -> (spelling -> count, first article index using each spelling), articles
        let mut by_key: HashMap<String, (BTreeMap<String, usize>, Vec<usize>)> = HashMap::new();
        for (index, article) in articles.iter().enumerate() {
            for name in kind.names(article) {
                let entry = by_key.entry(category_key(name)).or_default();
                *entry.0.entry(name.to_string()).or_default() += 1;
                if entry.1.last() != Some(&index) {
                    entry.1.push(index);
                }
            }
        }
        let mut by_slug: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        for (key, (spellings, indexes)) in by_key {
            // The most used spelling; ties go to the first in sort order
            // (capitalized before lower case).
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(name, _)| name.clone())
                .unwrap_or_default();
            if kind == TaxonomyKind::Category && spellings.len() > 1 {
                for &i in &indexes {
                    for category in &mut articles[i].categories {
                        if category_key(category) == key {
                            category.clone_from(&name);
                        }
                    }
                }
            }
            let slug = slugify(&name);
            by_slug.entry(slug.clone()).or_default().push(Term {
                kind,
                name,
                slug,
                articles: indexes,
            });
        }
        for (slug, mut clashing) in by_slug {
            if clashing.len() == 1 {
                terms.extend(clashing.pop());
                continue;
            }
            clashing.sort_by(|a, b| a.name.cmp(&b.name));
            let names: Vec<String> = clashing.iter().map(|t| format!("\"{}\"", t.name)).collect();
            let files: Vec<PathBuf> = clashing
                .iter()
                .filter_map(|t| t.articles.first().map(|&i| articles[i].source.clone()))
                .collect();
            for file in files {
                problems.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "{} {} would share the feed URL {}/{slug}/",
                            kind.dir_name(),
                            names.join(" and "),
                            kind.dir_name()
                        ),
                    )
                    .with_help(format!(
                        "use one spelling for both, or rename one of them in `{}`",
                        kind.field()
                    )),
                );
            }
        }
    }
    if problems.is_empty() {
        terms.sort_by(|a, b| (a.kind, &a.slug).cmp(&(b.kind, &b.slug)));
        Ok(terms)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Countries;
    use proptest::prelude::*;

    fn article(path: &str, categories: &[&str], countries: &[&str]) -> Article {
        let resolver = Countries::new(&[]);
        Article {
            source: PathBuf::from(path),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            countries: countries
                .iter()
                .map(|c| resolver.resolve(c).unwrap())
                .collect(),
            ..Article::sample(path)
        }
    }

    #[test]
    fn slugs_are_ascii_and_transliterated() {
        for (name, slug) in [
            ("National Security", "national-security"),
            ("Water & Climate", "water-climate"),
            ("Côte d'Ivoire", "cote-d-ivoire"),
            ("Безопасность", "bezopasnost"),
            ("../../etc", "etc"),
        ] {
            assert_eq!(slugify(name), slug, "{name}");
        }
        assert!(slugify("!!!").starts_with("term-"));
        assert_ne!(slugify("!!!"), slugify("???"));
    }

    #[test]
    fn category_spellings_merge_and_the_most_used_wins() {
        let mut articles = [
            article("a", &["National Security"], &["TJ"]),
            article("b", &["national  security"], &["Tajikistan"]),
            article("c", &["National Security", "Economy"], &["kg"]),
        ];
        let terms = group(&mut articles).unwrap();
        assert_eq!(
            articles[1].categories,
            ["National Security"],
            "items carry the term's name"
        );
        let summary: Vec<(TaxonomyKind, &str, &str, &[usize])> = terms
            .iter()
            .map(|t| {
                (
                    t.kind,
                    t.name.as_str(),
                    t.slug.as_str(),
                    t.articles.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (TaxonomyKind::Category, "Economy", "economy", &[2][..]),
                (
                    TaxonomyKind::Category,
                    "National Security",
                    "national-security",
                    &[0, 1, 2][..]
                ),
                (TaxonomyKind::Country, "Kyrgyzstan", "kyrgyzstan", &[2][..]),
                (
                    TaxonomyKind::Country,
                    "Tajikistan",
                    "tajikistan",
                    &[0, 1][..]
                ),
            ]
        );
    }

    #[test]
    fn different_names_with_one_slug_are_an_error_naming_both() {
        let mut articles = [
            article("a", &["Water & Climate"], &[]),
            article("b", &["Water Climate"], &[]),
        ];
        let problems = group(&mut articles).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0]
                .message
                .contains("\"Water & Climate\" and \"Water Climate\""),
            "{}",
            problems[0]
        );
    }

    proptest! {
        #[test]
        fn any_name_gets_a_safe_nonempty_slug(name in any::<String>()) {
            let slug = slugify(&name);
            prop_assert!(!slug.is_empty());
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
    }
}
