//! Custom feeds: feeds defined in `feedpub.toml` by a filter over the
//! articles' terms and bylines, published under `feeds/custom/<slug>/`.
//!
//! ```toml
//! [[feeds]]
//! name = "National Security in Central Asia"
//! slug = "central-asia-security"
//! all = { categories = ["National Security"] }
//! any = { countries = ["TJ", "KG", "KZ", "UZ", "TM"] }
//! ```
//!
//! `all` lists names an article must all have, `any` names of which it
//! needs at least one, `none` names it must not have; each is a table of
//! taxonomy names (`categories`, `countries`, `tags`, `sections`, …, as the
//! site configures them) or `authors` to lists of names. Names match as
//! terms do (by slug; countries by any name, alias or ISO code).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use crate::model::Article;
use crate::taxonomy::country::Countries;
use crate::taxonomy::{Taxonomy, TaxonomyKind, slugify};

/// The filter key for bylines.
const AUTHORS: &str = "authors";

/// One `[[feeds]]` table of `feedpub.toml`, as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomFeed {
    /// The feed's name, shown as its title after the site's.
    pub name: String,
    /// Its folder under `feeds/custom/`; default: the name's slug.
    pub slug: Option<String>,
    /// Its description; default: the name and the site.
    pub description: Option<String>,
    /// Names an article must all have.
    #[serde(default)]
    pub all: BTreeMap<String, Vec<String>>,
    /// Names of which an article needs at least one.
    #[serde(default)]
    pub any: BTreeMap<String, Vec<String>>,
    /// Names an article must not have.
    #[serde(default)]
    pub none: BTreeMap<String, Vec<String>>,
}

/// A mistake in a custom feed, for the configuration error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// One name a filter asks for: where to look, and the slug to find there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Wanted {
    /// A term of the taxonomy at this index of the site's list.
    Term(usize, String),
    /// A byline, lower-cased.
    Author(String),
}

/// A custom feed ready to test articles against.
#[derive(Debug, Clone)]
pub struct Filter {
    all: Vec<Wanted>,
    any: Vec<Wanted>,
    none: Vec<Wanted>,
}

impl CustomFeed {
    /// The feed's folder name.
    pub fn slug(&self) -> String {
        self.slug.clone().unwrap_or_else(|| slugify(&self.name))
    }

    /// The filter, with every name resolved against the site's taxonomies
    /// (`regions` are the extra names countries accept).
    pub fn filter(
        &self,
        taxonomies: &[Taxonomy],
        regions: &[String],
    ) -> Result<Filter, FilterError> {
        if self.name.trim().is_empty() {
            return Err(FilterError {
                message: "a custom feed has no name".into(),
                help: "set name = \"…\" in its [[feeds]] table".into(),
            });
        }
        let slug = self.slug();
        if slug.is_empty() || slugify(&slug) != slug {
            return Err(FilterError {
                message: format!(
                    "custom feed {:?}: slug {slug:?} is not a URL slug",
                    self.name
                ),
                help: format!(
                    "use lower-case letters, digits and dashes, e.g. {:?}",
                    slugify(&slug)
                ),
            });
        }
        let countries = Countries::new(regions);
        let resolve = |table: &BTreeMap<String, Vec<String>>, part: &str| {
            let mut wanted = Vec::new();
            for (key, names) in table {
                for name in names {
                    wanted.push(self.wanted(key, name, part, taxonomies, &countries)?);
                }
            }
            Ok::<_, FilterError>(wanted)
        };
        let filter = Filter {
            all: resolve(&self.all, "all")?,
            any: resolve(&self.any, "any")?,
            none: resolve(&self.none, "none")?,
        };
        if filter.all.is_empty() && filter.any.is_empty() {
            return Err(FilterError {
                message: format!("custom feed {:?} selects every article", self.name),
                help: "give it `all = { … }` or `any = { … }` names, e.g. any = { categories = [\"Politics\"] }".into(),
            });
        }
        Ok(filter)
    }

    fn wanted(
        &self,
        key: &str,
        name: &str,
        part: &str,
        taxonomies: &[Taxonomy],
        countries: &Countries,
    ) -> Result<Wanted, FilterError> {
        if key == AUTHORS {
            return Ok(Wanted::Author(name.trim().to_lowercase()));
        }
        let Some((index, taxonomy)) = taxonomies.iter().enumerate().find(|(_, t)| t.name == key)
        else {
            let known: Vec<&str> = taxonomies
                .iter()
                .map(|t| t.name.as_str())
                .chain([AUTHORS])
                .collect();
            return Err(FilterError {
                message: format!(
                    "custom feed {:?}: `{part}` filters on `{key}`, which the site does not have",
                    self.name
                ),
                help: format!("filter on one of: {}", known.join(", ")),
            });
        };
        let term = match taxonomy.kind {
            TaxonomyKind::Country => {
                countries
                    .resolve(name)
                    .map_err(|e| FilterError {
                        message: format!(
                            "custom feed {:?}: {name:?} in `{part}.{key}` is not a country",
                            self.name
                        ),
                        help: e.help(),
                    })?
                    .name
            }
            TaxonomyKind::Plain | TaxonomyKind::Section => name.trim().to_string(),
        };
        Ok(Wanted::Term(index, slugify(&term)))
    }
}

impl Filter {
    /// Whether `article` belongs in the feed.
    pub fn matches(&self, article: &Article) -> bool {
        let has = |wanted: &Wanted| match wanted {
            Wanted::Term(index, slug) => article
                .terms_of(*index)
                .iter()
                .any(|name| slugify(name) == *slug),
            Wanted::Author(name) => article.authors.iter().any(|a| a.to_lowercase() == *name),
        };
        self.all.iter().all(has)
            && (self.any.is_empty() || self.any.iter().any(has))
            && !self.none.iter().any(has)
    }
}

/// Check every custom feed of a site: each filter resolves, and no two
/// feeds share a slug. An error comes with the index of its feed.
pub fn check(
    feeds: &[CustomFeed],
    taxonomies: &[Taxonomy],
    regions: &[String],
) -> Result<(), (usize, FilterError)> {
    let mut slugs = HashSet::new();
    for (index, feed) in feeds.iter().enumerate() {
        feed.filter(taxonomies, regions).map_err(|e| (index, e))?;
        let slug = feed.slug();
        if !slugs.insert(slug.clone()) {
            return Err((
                index,
                FilterError {
                    message: format!("two custom feeds have the slug {slug:?}"),
                    help: "give each [[feeds]] table its own `slug`".into(),
                },
            ));
        }
    }
    Ok(())
}

/// The line (1-based) of the `index`-th `[[feeds]]` header in `text`.
pub(crate) fn header_line(text: &str, index: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("[[feeds]]"))
        .nth(index)
        .map(|(n, _)| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(toml: &str) -> CustomFeed {
        toml::from_str(toml).unwrap()
    }

    fn article(categories: &[&str], countries: &[&str], authors: &[&str]) -> Article {
        let mut a = Article::sample("a.md");
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        a.terms = vec![names(categories), names(countries)];
        a.authors = names(authors);
        a
    }

    #[test]
    fn all_any_and_none_combine() {
        let f = feed(
            "name = 'NS in Central Asia'\nall = { categories = ['national security'] }\nany = { countries = ['TJ', 'Kyrgyzstan'] }\nnone = { authors = ['Wire'] }\n",
        );
        assert_eq!(f.slug(), "ns-in-central-asia");
        let filter = f.filter(&Taxonomy::defaults(), &[]).unwrap();
        assert!(filter.matches(&article(&["National Security"], &["Tajikistan"], &[])));
        assert!(filter.matches(&article(
            &["National Security", "Economy"],
            &["Kyrgyzstan", "Russia"],
            &["Ann"]
        )));
        assert!(!filter.matches(&article(&["National Security"], &["Russia"], &[])));
        assert!(!filter.matches(&article(&["Economy"], &["Tajikistan"], &[])));
        assert!(!filter.matches(&article(&["National Security"], &["Tajikistan"], &["wire"])));
    }

    #[test]
    fn mistakes_are_named() {
        let t = Taxonomy::defaults();
        let e = feed("name = 'X'\nany = { tags = ['a'] }\n")
            .filter(&t, &[])
            .unwrap_err();
        assert!(e.message.contains("`tags`"), "{e:?}");
        assert!(e.help.contains("categories, countries, authors"), "{e:?}");
        let e = feed("name = 'X'\nany = { countries = ['Atlantis'] }\n")
            .filter(&t, &[])
            .unwrap_err();
        assert!(e.message.contains("\"Atlantis\""), "{e:?}");
        let e = feed("name = 'X'\nnone = { categories = ['a'] }\n")
            .filter(&t, &[])
            .unwrap_err();
        assert!(e.message.contains("selects every article"), "{e:?}");
        let e = feed("name = 'X'\nslug = 'Not A Slug'\nany = { categories = ['a'] }\n")
            .filter(&t, &[])
            .unwrap_err();
        assert!(e.help.contains("not-a-slug"), "{e:?}");
        let twice = [
            feed("name = 'X'\nany = { categories = ['a'] }\n"),
            feed("name = 'x'\nany = { categories = ['b'] }\n"),
        ];
        let (index, e) = check(&twice, &t, &[]).unwrap_err();
        assert_eq!(index, 1);
        assert!(e.message.contains("\"x\""), "{e:?}");
        assert_eq!(
            header_line("a = 1\n[[feeds]]\nx = 1\n [[feeds]]\n", 1),
            Some(4)
        );
        assert!(toml::from_str::<CustomFeed>("name = 'X'\nalll = {}\n").is_err());
    }

    #[test]
    fn regions_are_countries_too() {
        let f = feed("name = 'R'\nany = { countries = ['central asia'] }\n");
        let regions = vec!["Central Asia".to_string()];
        let filter = f.filter(&Taxonomy::defaults(), &regions).unwrap();
        assert!(filter.matches(&article(&[], &["Central Asia"], &[])));
    }
}
