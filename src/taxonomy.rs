//! Grouping articles into taxonomy terms (categories and countries), each
//! with a permanent, safe URL slug.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::error::Diagnostic;
use crate::model::Article;

/// How the names of a taxonomy's terms are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// Free names such as "National Security": spellings that differ only in
    /// case or spacing are one term.
    Plain,
    /// Countries and configured regions: any name, alias or ISO code is
    /// resolved to one country with its common English name.
    Country,
    /// Hugo's sections: an article's term is the first folder of its path
    /// under the content directory, not a front-matter field.
    Section,
}

/// One way the site files articles (categories, countries, tags, …); each of
/// its terms gets feeds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Taxonomy {
    /// The plural name: the front-matter field articles are filed with and
    /// the folder of the term feeds under the output directory (and of the
    /// term pages on the site), e.g. `categories`.
    pub name: String,
    /// The singular name, for reports and listings, e.g. `category`.
    pub singular: String,
    /// How term names are read.
    pub kind: TaxonomyKind,
}

impl Taxonomy {
    /// A taxonomy of free names.
    pub fn plain(singular: &str, name: &str) -> Taxonomy {
        Taxonomy {
            name: name.to_string(),
            singular: singular.to_string(),
            kind: TaxonomyKind::Plain,
        }
    }

    /// A taxonomy whose terms are countries.
    pub fn country(singular: &str, name: &str) -> Taxonomy {
        Taxonomy {
            kind: TaxonomyKind::Country,
            ..Taxonomy::plain(singular, name)
        }
    }

    /// Hugo's sections (`feeds/sections/<section>/`), read from paths.
    pub fn section() -> Taxonomy {
        Taxonomy {
            kind: TaxonomyKind::Section,
            ..Taxonomy::plain("section", "sections")
        }
    }

    /// feedpub's default taxonomies: `categories`, then `countries`.
    pub fn defaults() -> Vec<Taxonomy> {
        vec![
            Taxonomy::plain("category", "categories"),
            Taxonomy::country("country", "countries"),
        ]
    }

    /// The folder of this taxonomy's feeds under the output directory.
    pub fn dir_name(&self) -> &str {
        &self.name
    }

    /// The name for headings: the plural, capitalized ("Categories").
    pub fn heading(&self) -> String {
        let mut chars = self.name.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// One term of one taxonomy, with the articles filed under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The taxonomy the term belongs to.
    pub taxonomy: Taxonomy,
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

/// Group `articles` into the terms of every taxonomy (`taxonomies` is the
/// site's list; `Article::terms` is indexed like it), sorted by taxonomy
/// then slug, and rewrite every article's spellings of a plain term to the
/// term's name, so items carry the same name as the feed they are in. Two
/// different names that would share a slug are an error naming both.
pub fn group(
    articles: &mut [Article],
    taxonomies: &[Taxonomy],
) -> Result<Vec<Term>, Vec<Diagnostic>> {
    let mut terms = Vec::new();
    let mut problems = Vec::new();
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        // key -> (spelling -> count, articles using any spelling)
        let mut by_key: HashMap<String, (BTreeMap<String, usize>, Vec<usize>)> = HashMap::new();
        for (index, article) in articles.iter().enumerate() {
            for name in article.terms_of(t) {
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
            if taxonomy.kind == TaxonomyKind::Plain && spellings.len() > 1 {
                for &i in &indexes {
                    for spelling in articles[i].terms.get_mut(t).into_iter().flatten() {
                        if category_key(spelling) == key {
                            spelling.clone_from(&name);
                        }
                    }
                }
            }
            let slug = slugify(&name);
            by_slug.entry(slug.clone()).or_default().push(Term {
                taxonomy: taxonomy.clone(),
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
            let field = taxonomy.dir_name();
            for file in files {
                problems.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "{field} {} would share the feed URL {field}/{slug}/",
                            names.join(" and "),
                        ),
                    )
                    .with_help(format!(
                        "use one spelling for both, or rename one of them in `{field}`"
                    )),
                );
            }
        }
    }
    if problems.is_empty() {
        let order = |term: &Term| taxonomies.iter().position(|t| *t == term.taxonomy);
        terms.sort_by(|a, b| (order(a), &a.slug).cmp(&(order(b), &b.slug)));
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
            terms: vec![
                categories.iter().map(|c| c.to_string()).collect(),
                countries
                    .iter()
                    .map(|c| resolver.resolve(c).unwrap().name)
                    .collect(),
            ],
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
        let terms = group(&mut articles, &Taxonomy::defaults()).unwrap();
        assert_eq!(
            articles[1].terms[0],
            ["National Security"],
            "items carry the term's name"
        );
        let summary: Vec<(TaxonomyKind, &str, &str, &[usize])> = terms
            .iter()
            .map(|t| {
                (
                    t.taxonomy.kind,
                    t.name.as_str(),
                    t.slug.as_str(),
                    t.articles.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (TaxonomyKind::Plain, "Economy", "economy", &[2][..]),
                (
                    TaxonomyKind::Plain,
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
        let problems = group(&mut articles, &Taxonomy::defaults()).unwrap_err();
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
