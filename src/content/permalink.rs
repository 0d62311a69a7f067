//! Article URLs: derived from the file's place under `content/` through the
//! `permalink` pattern, or written explicitly in front matter.

use std::path::{Component, Path};

use chrono::{DateTime, Datelike, Utc};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use url::Url;

use crate::config::Config;

/// The tokens a permalink pattern may use.
const TOKENS: &[&str] = &[":sections", ":slug", ":filename", ":year", ":month", ":day"];

/// Characters escaped inside one path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\');

/// A message and a hint at the fix.
pub(crate) type UrlError = (String, String);

/// The first token in `pattern` that feedpub does not know, if any.
pub fn unknown_permalink_token(pattern: &str) -> Option<String> {
    pattern.match_indices(':').find_map(|(i, _)| {
        let token: String = std::iter::once(':')
            .chain(
                pattern[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_'),
            )
            .collect();
        (!TOKENS.contains(&token.as_str())).then_some(token)
    })
}

/// The URL of the article at `rel_path` (relative to the content directory).
pub(crate) fn derive(
    config: &Config,
    rel_path: &Path,
    slug: Option<&str>,
    date: Option<DateTime<Utc>>,
) -> Result<Url, UrlError> {
    let mut folders: Vec<String> = rel_path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let stem = rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A page bundle (`my-story/index.md`) is named after its folder.
    let filename = if stem == "index" {
        folders.pop().unwrap_or(stem)
    } else {
        stem
    };
    let slug = slug.map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = slug
        && s.contains(['/', '\\'])
    {
        return Err((
            format!("slug {s:?} contains a slash"),
            "a slug is one URL segment: use letters, digits and dashes".into(),
        ));
    }

    let encode = |s: &str| utf8_percent_encode(s, SEGMENT).to_string();
    let local_date = date.map(|d| d.with_timezone(&config.timezone));
    let mut path = config.permalink.clone();
    for token in TOKENS {
        if !path.contains(token) {
            continue;
        }
        let value = match *token {
            ":sections" => folders
                .iter()
                .map(|f| encode(f))
                .collect::<Vec<_>>()
                .join("/"),
            ":slug" => encode(slug.unwrap_or(&filename)),
            ":filename" => encode(&filename),
            date_token => {
                let Some(d) = local_date else {
                    return Err((
                        format!(
                            "the permalink pattern uses {date_token} but the article has no date"
                        ),
                        "add a `date` field, or set `url` in the front matter".into(),
                    ));
                };
                match date_token {
                    ":year" => format!("{:04}", d.year()),
                    ":month" => format!("{:02}", d.month()),
                    _ => format!("{:02}", d.day()),
                }
            }
        };
        path = path.replace(token, &value);
    }
    let mut collapsed = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    config
        .base_url
        .join(collapsed.trim_start_matches('/'))
        .map_err(|e| {
            (
                format!("cannot form the article URL from {collapsed:?}: {e}"),
                "check the permalink pattern in feedpub.toml".into(),
            )
        })
}

/// The URL written in front matter: absolute, or a path on the site.
pub(crate) fn explicit(base: &Url, url: &str) -> Result<Url, UrlError> {
    let url = url.trim();
    let resolved = if let Some(path) = url.strip_prefix('/') {
        base.join(path).ok()
    } else {
        Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    resolved.ok_or_else(|| {
        (
            format!("url {url:?} is neither an absolute http(s) URL nor a path starting with /"),
            "write e.g. url: /2024/03/my-story/ or remove it to derive the URL from the file path"
                .into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Paths;

    fn config(permalink: &str) -> Config {
        let text = format!(
            "title = \"N\"\nbase_url = \"https://news.example.org/site\"\ntimezone = \"Asia/Dushanbe\"\npermalink = \"{permalink}\"\n"
        );
        Config::from_toml(
            &text,
            Path::new("feedpub.toml"),
            Path::new("."),
            &Paths::default(),
        )
        .unwrap()
    }

    fn date(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    #[test]
    fn default_pattern_uses_folders_and_slug_or_file_name() {
        let c = config("/:sections/:slug/");
        let url = |path: &str, slug| derive(&c, Path::new(path), slug, None).unwrap().to_string();
        assert_eq!(
            url("2024/03/story.md", None),
            "https://news.example.org/site/2024/03/story/"
        );
        assert_eq!(
            url("2024/03/story.md", Some("better")),
            "https://news.example.org/site/2024/03/better/"
        );
        assert_eq!(url("top.md", None), "https://news.example.org/site/top/");
        assert_eq!(
            url("2024/bundle/index.md", None),
            "https://news.example.org/site/2024/bundle/"
        );
        assert_eq!(
            url("новости/статья 1.md", None),
            "https://news.example.org/site/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F%201/"
        );
        assert_eq!(
            url("a/what?#.md", None),
            "https://news.example.org/site/a/what%3F%23/"
        );
    }

    #[test]
    fn date_tokens_use_the_site_time_zone() {
        let c = config("/:year/:month/:day/:filename/");
        // 20:00 UTC on the 31st is 01:00 on the 1st in Dushanbe (+05:00).
        let url = derive(
            &c,
            Path::new("x/story.md"),
            None,
            date("2024-03-31T20:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://news.example.org/site/2024/04/01/story/"
        );
        let err = derive(&c, Path::new("story.md"), None, None).unwrap_err();
        assert!(err.0.contains(":year"), "{err:?}");
    }

    #[test]
    fn slugs_with_slashes_are_rejected() {
        let c = config("/:slug/");
        assert!(derive(&c, Path::new("a.md"), Some("../../etc"), None).is_err());
    }

    #[test]
    fn explicit_urls_are_absolute_or_site_paths() {
        let base = Url::parse("https://news.example.org/").unwrap();
        assert_eq!(
            explicit(&base, "/a/b/").unwrap().as_str(),
            "https://news.example.org/a/b/"
        );
        assert_eq!(
            explicit(&base, "https://other.org/x").unwrap().as_str(),
            "https://other.org/x"
        );
        assert!(explicit(&base, "relative/path").is_err());
        assert!(explicit(&base, "javascript:alert(1)").is_err());
    }

    #[test]
    fn unknown_tokens_are_found() {
        assert_eq!(unknown_permalink_token("/:sections/:slug/"), None);
        assert_eq!(unknown_permalink_token("/:title/"), Some(":title".into()));
    }
}
