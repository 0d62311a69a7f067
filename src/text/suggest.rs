//! "Did you mean …?": the closest known name to a mistyped one.

/// The candidate closest to `input` when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input = input.to_lowercase();
    candidates
        .iter()
        .map(|&c| {
            (
                strsim::normalized_damerau_levenshtein(&input, &c.to_lowercase()),
                c,
            )
        })
        .filter(|&(score, _)| score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(closest("timzone", &["title", "timezone"]), Some("timezone"));
        assert_eq!(closest("zzzzzz", &["title", "timezone"]), None);
    }
}
