//! Grouping articles into taxonomy terms (categories and countries), each
//! with a permanent, safe URL slug; `country.rs` resolves the names,
//! aliases and ISO codes of the countries taxonomy.

pub mod country;

use crate::model::Article;
use std::collections::HashMap;

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
    pub(crate) fn dir_name(&self) -> &str {
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
    /// The language other than the default whose pages the term holds
    /// (`fr`, on a multilingual Hugo site); `None` for the default
    /// language's (and every plain site's) terms.
    pub language: Option<String>,
}

impl Term {
    /// The folder of the term's taxonomy under the output directory:
    /// `tags`, or `fr/tags` for a French term.
    pub(crate) fn group_dir(&self) -> String {
        match &self.language {
            Some(code) => format!("{code}/{}", self.taxonomy.dir_name()),
            None => self.taxonomy.dir_name().to_string(),
        }
    }

    /// The folder of the term's feeds under the output directory.
    pub fn dir(&self) -> String {
        format!("{}/{}", self.group_dir(), self.slug)
    }
}

/// The longest slug, in bytes: under the 255 bytes a file name may have on
/// common file systems, and long enough that the slugs sites really use
/// keep their URLs.
pub const MAX_SLUG_BYTES: usize = 200;

/// A URL slug for a term name: lowercase ASCII (Cyrillic and accents
/// transliterated), every other character a dash; never empty, never `.`
/// or `..`, so a term can never point outside its folder; at most
/// [`MAX_SLUG_BYTES`] long (a longer one is cut and ends in a hash of the
/// whole name, so it stays distinct).
pub fn slugify(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() {
        // Names with nothing transliterable (e.g. only punctuation or emoji)
        // still need a stable, distinct slug.
        format!("term-{:08x}", crate::text::stable_hash(&[name]) as u32)
    } else if slug.len() > MAX_SLUG_BYTES {
        // The slug is ASCII: any byte index is a character boundary.
        let hash = format!("{:016x}", crate::text::stable_hash(&[name]));
        let head = slug[..MAX_SLUG_BYTES - hash.len() - 1].trim_end_matches('-');
        format!("{head}-{hash}")
    } else {
        slug
    }
}

/// Group `articles` into the terms of every taxonomy (`taxonomies` is the
/// site's list; `Article::terms` is indexed like it), sorted by taxonomy
/// then slug, and rewrite every article's spellings of a term to the
/// term's name, so items carry the same name as the feed they are in.
/// Names with one slug are one term, as in Hugo ("Guest Post" and
/// "guest-post"): the most used spelling names it.
pub fn group(articles: &mut [Article], taxonomies: &[Taxonomy]) -> Vec<Term> {
    let mut terms = Vec::new();
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        // Per slug: the slug, its spellings with how often each is used,
        // and the articles using any of them. Slugging is the costly part:
        // once per distinct spelling, then each name finds its group and
        // spelling through one lookup.
        type Group<'n> = (String, Vec<(&'n str, usize)>, Vec<usize>);
        let mut groups: Vec<Group<'_>> = Vec::new();
        let mut group_of_slug: HashMap<String, usize> = HashMap::new();
        let mut spelling_of: HashMap<&str, (usize, usize)> = HashMap::new();
        for (index, article) in articles.iter().enumerate() {
            for name in article.terms_of(t) {
                let (group, spelling) = *spelling_of.entry(name).or_insert_with(|| {
                    let slug = slugify(name);
                    let group = *group_of_slug.entry(slug.clone()).or_insert_with(|| {
                        groups.push((slug, Vec::new(), Vec::new()));
                        groups.len() - 1
                    });
                    let spellings = &mut groups[group].1;
                    spellings.push((name, 0));
                    (group, spellings.len() - 1)
                });
                let (_, spellings, indexes) = &mut groups[group];
                spellings[spelling].1 += 1;
                if indexes.last() != Some(&index) {
                    indexes.push(index);
                }
            }
        }
        // Every other spelling -> the term's name.
        let mut renames: HashMap<String, String> = HashMap::new();
        for (slug, spellings, indexes) in groups {
            // The most used spelling; ties go to the first in sort order
            // (capitalized before lower case).
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|(name, _)| name.to_string())
                .unwrap_or_default();
            for (spelling, _) in spellings.iter().filter(|(s, _)| *s != name) {
                renames.insert(spelling.to_string(), name.clone());
            }
            terms.push(Term {
                taxonomy: taxonomy.clone(),
                name,
                slug,
                articles: indexes,
                language: None,
            });
        }
        if renames.is_empty() {
            continue;
        }
        for names in articles.iter_mut().filter_map(|a| a.terms.get_mut(t)) {
            for spelling in names.iter_mut() {
                if let Some(name) = renames.get(spelling.as_str()) {
                    spelling.clone_from(name);
                }
            }
            // Two spellings of one term in one article are one name (an
            // article's few names are compared pairwise, the first kept).
            let mut kept = 0;
            for i in 0..names.len() {
                if !names[..kept].contains(&names[i]) {
                    names.swap(kept, i);
                    kept += 1;
                }
            }
            names.truncate(kept);
        }
    }
    let order = |term: &Term| taxonomies.iter().position(|t| *t == term.taxonomy);
    terms.sort_by(|a, b| (order(a), &a.slug).cmp(&(order(b), &b.slug)));
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::country::Countries;
    use proptest::prelude::*;

    fn article(path: &str, categories: &[&str], countries: &[&str]) -> Article {
        let resolver = Countries::new(&[]);
        Article {
            source: std::path::PathBuf::from(path),
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
    fn long_names_get_a_short_distinct_slug() {
        // Issue 11: a 300-byte category failed the build ("File name too long").
        let long = "Economy ".repeat(40);
        let other = format!("{long}and more");
        let (a, b) = (slugify(&long), slugify(&other));
        assert!(
            a.len() <= MAX_SLUG_BYTES && b.len() <= MAX_SLUG_BYTES,
            "{a} {b}"
        );
        assert_ne!(a, b);
        assert!(a.starts_with("economy-economy-"), "{a}");
        assert_eq!(slugify(&long), a, "stable");
        let exact = "a".repeat(MAX_SLUG_BYTES);
        assert_eq!(slugify(&exact), exact);
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
    fn long_names_get_short_distinct_slugs() {
        // #11: a 300-byte category failed the build with "File name too
        // long" (found again by the `slug` fuzz target).
        let long = "x".repeat(300);
        let longer = format!("{long}y");
        for name in [&long, &longer] {
            let slug = slugify(name);
            assert!(slug.len() <= MAX_SLUG_BYTES, "{} bytes", slug.len());
            assert!(slug.starts_with("xxxx"), "{slug}");
        }
        assert_ne!(slugify(&long), slugify(&longer));
        let words = "word ".repeat(80);
        let slug = slugify(&words);
        assert!(
            slug.len() <= MAX_SLUG_BYTES && !slug.contains("--"),
            "{slug}"
        );
        assert_eq!(
            slugify(&"y".repeat(MAX_SLUG_BYTES)),
            "y".repeat(MAX_SLUG_BYTES)
        );
    }

    #[test]
    fn category_spellings_merge_and_the_most_used_wins() {
        let mut articles = [
            article("a", &["National Security"], &["TJ"]),
            article("b", &["national  security"], &["Tajikistan"]),
            article("c", &["National Security", "Economy"], &["kg"]),
        ];
        let terms = group(&mut articles, &Taxonomy::defaults());
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
    fn names_with_one_slug_are_one_term_as_in_hugo() {
        // #10: Hugo maps "Guest Post" and "Guest-Post" to one URL, so one term.
        let mut articles = [
            article("a", &["Guest Post"], &[]),
            article("b", &["Guest-Post"], &[]),
            article("c", &["Guest Post", "guest post"], &[]),
        ];
        let terms = group(&mut articles, &Taxonomy::defaults());
        assert_eq!(terms.len(), 1, "{terms:?}");
        assert_eq!(terms[0].name, "Guest Post");
        assert_eq!(terms[0].slug, "guest-post");
        assert_eq!(terms[0].articles, [0, 1, 2]);
        assert_eq!(articles[1].terms[0], ["Guest Post"]);
        assert_eq!(articles[2].terms[0], ["Guest Post"]);
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
