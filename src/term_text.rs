//! Per-term titles and descriptions set in `feedpub.toml`, one table per
//! term under its taxonomy's name:
//!
//! ```toml
//! [categories."National Security"]
//! title = "Security desk"
//! description = "Threats, defence and policing in Central Asia"
//! ```
//!
//! A term is named as articles name it (any spelling of the term, or for
//! countries any name, alias or code). An override that names no term of
//! the site, or no taxonomy, is a warning with the nearest name.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::error::{ConfigProblem, Diagnostic};
use crate::taxonomy::country::Countries;
use crate::taxonomy::{Taxonomy, TaxonomyKind, Term, slugify};
use crate::text::closest;

/// The longest override title, in characters (as for article titles).
pub(crate) const MAX_TITLE_CHARS: usize = crate::text::MAX_TITLE_CHARS;

/// The longest override description, in characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 4000;

/// The texts one override table sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TermText {
    /// The term feed's title, instead of "`<site> — <term>`".
    pub title: Option<String>,
    /// The term feed's description.
    pub description: Option<String>,
}

/// One override as written in `feedpub.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermOverride {
    /// The taxonomy's plural name (the table's name).
    pub taxonomy: String,
    /// The term as written.
    pub name: String,
    /// The texts it sets.
    pub text: TermText,
    /// The line of its table, for warnings.
    pub line: usize,
}

/// Every override of a site, with the file they were read from.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermOverrides {
    /// The configuration file, for warnings.
    pub file: PathBuf,
    /// The overrides, in file order.
    pub overrides: Vec<TermOverride>,
}

/// Why an override's text cannot be used: the message, for the override's line.
pub(crate) fn check(text: &TermText) -> Result<(), String> {
    for (key, value, max) in [
        ("title", &text.title, MAX_TITLE_CHARS),
        ("description", &text.description, MAX_DESCRIPTION_CHARS),
    ] {
        let Some(value) = value else { continue };
        if value.trim().is_empty() {
            return Err(format!(
                "`{key}` is empty; remove it to keep the default {key}"
            ));
        }
        if let Some(c) = value.chars().find(|c| crate::text::is_unprintable(*c)) {
            return Err(format!(
                "`{key}` contains the control character U+{:04X}, which feeds cannot carry; remove it",
                u32::from(c)
            ));
        }
        let chars = value.chars().count();
        if chars > max {
            return Err(format!(
                "`{key}` is {chars} characters long; at most {max} are allowed"
            ));
        }
    }
    Ok(())
}

/// The slug of the term `name` would file articles under in `taxonomy`,
/// or `None` when it is no country.
fn slug_of(countries: &Countries, taxonomy: &Taxonomy, name: &str) -> Option<String> {
    match taxonomy.kind {
        TaxonomyKind::Country => countries.resolve(name).ok().map(|c| slugify(&c.name)),
        TaxonomyKind::Plain | TaxonomyKind::Section => Some(slugify(name)),
    }
}

impl TermOverrides {
    /// The texts set per term, by taxonomy name and term slug (a later
    /// table for the same term wins); overrides that name no term are left
    /// out (see [`TermOverrides::unknown`]). `taxonomies` and `regions`
    /// are the site's.
    pub(crate) fn by_term(
        &self,
        taxonomies: &[Taxonomy],
        regions: &[String],
    ) -> HashMap<(String, String), &TermText> {
        if self.overrides.is_empty() {
            return HashMap::new();
        }
        let countries = Countries::new(regions);
        self.overrides
            .iter()
            .filter_map(|o| {
                let taxonomy = taxonomies.iter().find(|t| t.name == o.taxonomy)?;
                let slug = slug_of(&countries, taxonomy, &o.name)?;
                Some(((o.taxonomy.clone(), slug), &o.text))
            })
            .collect()
    }

    /// A warning for each override that names no taxonomy or no term of
    /// `terms`, with the nearest name when one is close. `taxonomies` and
    /// `regions` are the site's.
    pub(crate) fn unknown(
        &self,
        taxonomies: &[Taxonomy],
        regions: &[String],
        terms: &[Term],
    ) -> Vec<Diagnostic> {
        let countries = Countries::new(regions);
        let mut warnings = Vec::new();
        for o in &self.overrides {
            let warning = |message: String, help: String| {
                ConfigProblem::UnusedOverride
                    .at(&self.file, message)
                    .at_line(o.line)
                    .with_help(help)
            };
            let Some(taxonomy) = taxonomies.iter().find(|t| t.name == o.taxonomy) else {
                let names: Vec<&str> = taxonomies.iter().map(|t| t.name.as_str()).collect();
                let help = match closest(&o.taxonomy, &names) {
                    Some(near) => format!("did you mean [{near}.{:?}]?", o.name),
                    None => format!("the site's taxonomies are {}", names.join(", ")),
                };
                warnings.push(warning(
                    format!(
                        "[{}.{:?}] names no taxonomy of the site",
                        o.taxonomy, o.name
                    ),
                    help,
                ));
                continue;
            };
            let known = slug_of(&countries, taxonomy, &o.name).is_some_and(|slug| {
                terms
                    .iter()
                    .any(|t| t.taxonomy == *taxonomy && t.slug == slug)
            });
            if known {
                continue;
            }
            let names: Vec<&str> = terms
                .iter()
                .filter(|t| t.taxonomy == *taxonomy)
                .map(|t| t.name.as_str())
                .collect();
            let help = match closest(&o.name, &names) {
                Some(near) => format!("did you mean [{}.{near:?}]?", o.taxonomy),
                None => "check the spelling: it is used as articles write it".to_string(),
            };
            warnings.push(warning(
                format!(
                    "[{}.{:?}]: no article is filed under this {}, so the override is unused",
                    o.taxonomy, o.name, taxonomy.singular
                ),
                help,
            ));
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_checked_like_the_rest_of_the_config() {
        let text = |title: &str| TermText {
            title: Some(title.into()),
            description: None,
        };
        assert!(check(&text("Security desk")).is_ok());
        assert!(check(&text("  ")).unwrap_err().contains("is empty"));
        assert!(check(&text("a\u{7}b")).unwrap_err().contains("U+0007"));
        let long = "x".repeat(MAX_TITLE_CHARS + 1);
        assert!(check(&text(&long)).unwrap_err().contains("at most"));
    }
}
