//! A feed's place in an RFC 5005 archived feed's history, as the feed
//! writers render it (`fh:archive` and the archive links).

use super::Scope;
use crate::config::archived::{CUSTOM_KIND, LANGUAGES_KIND, SITE_KIND};

/// Namespace of `fh:archive` (RFC 5005).
pub(crate) const FH_NS: &str = "http://purl.org/syndication/history/1.0";

/// A feed's place in an archived feed's history: whether it is an archive
/// page, and its links to the other documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The document is an archive page (`<fh:archive/>`).
    pub archive: bool,
    /// `current`, `prev-archive` and `next-archive` links.
    pub links: Vec<HistoryLink>,
}

/// One RFC 5005 link, with the target in each format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLink {
    /// `current`, `prev-archive` or `next-archive`.
    pub rel: &'static str,
    /// The target's RSS 2.0 URL.
    pub rss_url: String,
    /// The target's Atom 1.0 URL.
    pub atom_url: String,
}

/// The kind of feed `scope` is, as `archive = [...]` names it.
pub(crate) fn kind_of(scope: &Scope) -> &str {
    match scope {
        Scope::Site => SITE_KIND,
        Scope::Term { taxonomy, .. } => taxonomy,
        Scope::Custom { .. } => CUSTOM_KIND,
        Scope::Language { .. } => LANGUAGES_KIND,
    }
}
