//! The `archive` setting: which feeds have RFC 5005 archive pages
//! (`archive = true`, or a list of feed kinds).

use crate::taxonomy::Taxonomy;

/// The kind name of the site-wide feed in `archive = [...]`.
pub const SITE_KIND: &str = "site";

/// The kind name of the `[[feeds]]` feeds in `archive = [...]`.
pub const CUSTOM_KIND: &str = "custom";

/// The kind name of the other languages' feeds in `archive = [...]`.
pub const LANGUAGES_KIND: &str = "languages";

/// Which feeds have archive pages (`archive` in `feedpub.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Archived {
    /// None (`archive` unset or `false`).
    #[default]
    Off,
    /// Every feed (`archive = true`).
    All,
    /// The feeds of the kinds listed (`archive = ["site", "categories"]`):
    /// [`SITE_KIND`], a taxonomy's plural name, [`CUSTOM_KIND`] or
    /// [`LANGUAGES_KIND`].
    Kinds(Vec<String>),
}

impl Archived {
    /// Whether the feeds of kind `kind` (the feed's kind name, as listed
    /// above) have archive pages.
    pub fn covers(&self, kind: &str) -> bool {
        match self {
            Archived::Off => false,
            Archived::All => true,
            Archived::Kinds(kinds) => kinds.iter().any(|k| k == kind),
        }
    }

    /// The first listed kind that the site has not, with the kinds it has.
    pub(crate) fn unknown_kind(&self, taxonomies: &[Taxonomy]) -> Option<(String, Vec<String>)> {
        let Archived::Kinds(kinds) = self else {
            return None;
        };
        let known: Vec<String> = [SITE_KIND]
            .into_iter()
            .map(String::from)
            .chain(taxonomies.iter().map(|t| t.name.clone()))
            .chain([CUSTOM_KIND.to_string(), LANGUAGES_KIND.to_string()])
            .collect();
        kinds
            .iter()
            .find(|k| !known.contains(k))
            .map(|k| (k.clone(), known))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_covered_as_listed() {
        let kinds = Archived::Kinds(vec!["site".into(), "countries".into()]);
        assert!(kinds.covers("site") && kinds.covers("countries"));
        assert!(!kinds.covers("categories"));
        assert!(Archived::All.covers("categories"));
        assert!(!Archived::Off.covers("site"));
        let taxonomies = Taxonomy::defaults();
        assert_eq!(kinds.unknown_kind(&taxonomies), None);
        let (unknown, known) = Archived::Kinds(vec!["tags".into()])
            .unknown_kind(&taxonomies)
            .unwrap();
        assert_eq!(unknown, "tags");
        assert_eq!(
            known,
            ["site", "categories", "countries", "custom", "languages"]
        );
    }
}
