//! Where a site's term pages are: the `term_page` / `term_pages` setting
//! (or Hugo's), a URL pattern with its tokens.

/// The tokens a term page pattern may use.
pub(crate) const TOKENS: &[&str] = &[":taxonomy", ":slug"];

/// feedpub's default term page: `/<taxonomy>/<slug>/` under the base URL.
pub(crate) const DEFAULT_PATTERN: &str = "/:taxonomy/:slug/";

/// Where the site's term pages are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TermPages {
    /// At this pattern (tokens [`TOKENS`]), relative to the base URL.
    Pattern(String),
    /// The site has none: term feeds link to their entry on the feeds page.
    None,
}

impl Default for TermPages {
    fn default() -> Self {
        TermPages::Pattern(DEFAULT_PATTERN.to_string())
    }
}

/// The first token of `pattern` that is not one of [`TOKENS`].
pub(crate) fn unknown_token(pattern: &str) -> Option<String> {
    pattern.match_indices(':').find_map(|(i, _)| {
        let name: String = pattern[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let token = format!(":{name}");
        (!TOKENS.contains(&token.as_str())).then_some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tokens_are_found() {
        assert_eq!(unknown_token("/:taxonomy/:slug/"), None);
        assert_eq!(unknown_token("/t/:name/").as_deref(), Some(":name"));
    }
}
