//! Feed formats: which of RSS 2.0, Atom 1.0 and JSON Feed 1.1 a site
//! publishes (`formats = ["rss", "atom", "json"]` in `feedpub.toml`, all by
//! default), and the files of a format the site no longer publishes.
//!
//! Turning a format off never deletes what readers already have: the old
//! files stay on disk, untouched, and every build names them in a warning
//! with how to remove them (`feed::stale_files`).
//!
//! A setting of the configuration, so it depends on no stage: where a
//! feed's file in a format lies, and its URL, are defined beside the feed
//! plan (`feed::FeedSpec`).

/// One feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RSS 2.0, `rss.xml`.
    Rss,
    /// Atom 1.0, `atom.xml`.
    Atom,
    /// JSON Feed 1.1, `feed.json`.
    Json,
}

impl Format {
    /// Every format, in output order.
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The name written in `formats = [...]`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// The short label shown to people ("RSS", "Atom", "JSON").
    pub fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON",
        }
    }

    /// The file name of a feed in this format.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    /// The media type autodiscovery links announce.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    /// The format whose feed file is called `name`, if any.
    pub fn of_file_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.file_name() == name)
    }

    /// Parse the `formats` list of `feedpub.toml`: known names, each once,
    /// at least one. The error says what is wrong in plain words.
    pub fn parse_list(names: &[String]) -> Result<Vec<Format>, String> {
        if names.is_empty() {
            return Err("`formats` is empty: a site needs at least one feed format".into());
        }
        let mut formats = Vec::new();
        for name in names {
            let wanted = name.trim().to_ascii_lowercase();
            let format = Format::ALL
                .into_iter()
                .find(|f| f.name() == wanted)
                .ok_or_else(|| format!("`formats` names an unknown format {name:?}"))?;
            if formats.contains(&format) {
                return Err(format!("`formats` names {name:?} twice"));
            }
            formats.push(format);
        }
        formats.sort();
        Ok(formats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&str]) -> Result<Vec<Format>, String> {
        Format::parse_list(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn format_lists_are_parsed_in_output_order() {
        assert_eq!(list(&["json", "RSS"]), Ok(vec![Format::Rss, Format::Json]));
        assert_eq!(list(&["atom"]), Ok(vec![Format::Atom]));
    }

    #[test]
    fn bad_format_lists_are_refused() {
        assert!(list(&[]).unwrap_err().contains("at least one"));
        assert!(list(&["rss", "rss"]).unwrap_err().contains("twice"));
        assert!(
            list(&["rdf"])
                .unwrap_err()
                .contains("unknown format \"rdf\"")
        );
    }

    #[test]
    fn file_names_map_back_to_formats() {
        for format in Format::ALL {
            assert_eq!(Format::of_file_name(format.file_name()), Some(format));
        }
        assert_eq!(Format::of_file_name("index.html"), None);
    }
}
