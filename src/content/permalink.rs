//! Article URLs: derived from the file's place under `content/` through the
//! `permalink` pattern, or written explicitly in front matter.

use std::path::{Component, Path};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use url::Url;

use crate::config::{Config, PERMALINK_TOKENS};
use crate::hugo::HugoSite;
use crate::text::unicode_sanitize;

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

/// `url` of a translation into `language`: under `/<language>/` below the
/// site's base URL, as Hugo links it (a URL off the site is kept).
pub(crate) fn localized(base: &Url, url: Url, language: &str) -> Url {
    match url.as_str().strip_prefix(base.as_str()) {
        Some(rest) => base
            .join(&format!("{language}/{rest}"))
            .unwrap_or_else(|_| url.clone()),
        None => url,
    }
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
    for token in PERMALINK_TOKENS {
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

/// What the permalink of a page of a Hugo site depends on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HugoPage<'a> {
    /// The content directory the page is in: its language's `contentDir`,
    /// where its nested sections (`_index.md`) are looked up.
    pub root: &'a Path,
    /// The file, relative to `root`.
    pub rel_path: &'a Path,
    /// Front-matter `title`.
    pub title: &'a str,
    /// Front-matter `slug`.
    pub slug: Option<&'a str>,
    /// Front-matter `url`.
    pub url: Option<&'a str>,
    /// The page date, in the offset it was written with (Hugo keeps it).
    pub date: Option<DateTime<FixedOffset>>,
}

/// The permalink Hugo gives `page`: front-matter `url` as written, else the
/// section's `[permalinks]` pattern, else `/:sections/:slugorfilename/`,
/// sanitized and lower-cased the way Hugo does.
pub(crate) fn hugo(config: &Config, site: &HugoSite, page: &HugoPage<'_>) -> Result<Url, UrlError> {
    let folders: Vec<String> = page
        .rel_path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let stem = page
        .rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A leaf bundle (`my-story/index.md`) is named after its folder.
    let (dir, base_name) = match (stem.as_str(), folders.split_last()) {
        ("index", Some((last, rest))) => (rest.to_vec(), last.clone()),
        _ => (folders.clone(), stem),
    };
    let slug = page.slug.map(str::trim).filter(|s| !s.is_empty());

    let link = if let Some(url) = page.url.map(str::trim).filter(|u| !u.is_empty()) {
        if url.starts_with("http://") || url.starts_with("https://") {
            return explicit(&config.base_url, url);
        }
        // Hugo takes `url` as written (no lower-casing), relative to the
        // site root, as a directory unless it names a file.
        let mut link = format!("/{}", url.trim_start_matches('/'));
        let last = link.rsplit('/').next().unwrap_or_default();
        if !link.ends_with('/') && !last.contains('.') {
            link.push('/');
        }
        link
    } else {
        let section = folders.first().cloned().unwrap_or_default();
        // Hugo lower-cases its configuration keys, so a section folder
        // with capitals never matches a pattern: neither does it here.
        let path = match site.permalinks.get(&section) {
            // Hugo query-unescapes the expanded pattern: `+` becomes a
            // space (then a hyphen), `%2F` a slash.
            Some(pattern) => query_unescape(&expand(site, pattern, page, &dir, &base_name, slug)),
            None => {
                let mut path = dir.join("/");
                path.push('/');
                path.push_str(slug.unwrap_or(&base_name));
                path
            }
        };
        let path = make_path_sanitized(site, &path);
        let trimmed = path.trim_matches('/');
        // Go's URL parser takes the first `#` as the start of a fragment,
        // and escapes the later ones when it writes the link back.
        let trimmed = match trimmed.split_once('#') {
            Some((before, after)) => format!("{before}#{}", after.replace('#', "%23")),
            None => trimmed.to_string(),
        };
        if trimmed.is_empty() {
            "/".to_string()
        } else if site.ugly_urls {
            format!("/{trimmed}.html")
        } else {
            format!("/{trimmed}/")
        }
    };
    config
        .base_url
        .join(link.trim_start_matches('/'))
        .map_err(|e| {
            (
                format!("cannot form the article URL from {link:?}: {e}"),
                "check `url`, `slug` and the permalinks of the Hugo configuration".into(),
            )
        })
}

/// Expand the tokens of a Hugo permalink pattern for `page`.
fn expand(
    site: &HugoSite,
    pattern: &str,
    page: &HugoPage<'_>,
    dir: &[String],
    base_name: &str,
    slug: Option<&str>,
) -> String {
    // Hugo gives undated pages the zero time: 0001-01-01 00:00 UTC.
    let zero = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default();
    let date = page.date.map_or(zero, |d| d.date_naive());
    let urlize = |s: &str| make_path_sanitized(site, s);
    let title = urlize(page.title);
    let slug_or_title = slug.map_or_else(|| title.clone(), urlize);
    let file = urlize(base_name);
    let slug_or_file = slug.map_or_else(|| file.clone(), urlize);
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let token = &after[..len];
        let value = match token {
            "year" => date.year().to_string(),
            "month" => format!("{:02}", date.month()),
            "monthname" => month_name(date.month()).to_string(),
            "day" => format!("{:02}", date.day()),
            "weekday" => date.weekday().num_days_from_sunday().to_string(),
            "weekdayname" => weekday_name(date.weekday().num_days_from_sunday()).to_string(),
            "yearday" => date.ordinal().to_string(),
            "section" => dir.first().cloned().unwrap_or_default(),
            "sections" => sections(page.root, dir).join("/"),
            "title" => title.clone(),
            "slug" => slug_or_title.clone(),
            "filename" | "contentbasename" => file.clone(),
            "slugorfilename" | "slugorcontentbasename" => slug_or_file.clone(),
            // Unknown tokens are rejected when the configuration is read.
            other => format!(":{other}"),
        };
        out.push_str(&value);
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// The sections a page is in: its first folder, then each deeper folder
/// that has an `_index.md` (only those are sections in Hugo).
fn sections(root: &Path, dir: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut on_disk = root.to_path_buf();
    for (i, folder) in dir.iter().enumerate() {
        on_disk.push(folder);
        let is_section = i == 0
            || ["_index.md", "_index.markdown", "_index.html"]
                .iter()
                .any(|f| on_disk.join(f).is_file());
        if !is_section {
            break;
        }
        out.push(folder.clone());
    }
    out
}

/// English month names, as Go's `time.Month.String`.
fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("January")
}

/// English weekday names from Sunday, as Go's `time.Weekday.String`.
fn weekday_name(from_sunday: u32) -> &'static str {
    const NAMES: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    NAMES.get(from_sunday as usize).copied().unwrap_or("Sunday")
}

/// Go's `url.QueryUnescape`, as Hugo applies it to an expanded pattern:
/// `+` is a space and `%XX` a byte; text that is not valid escaping is kept.
fn query_unescape(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map_or(spaced.clone(), |d| d.into_owned())
}

/// Hugo's `MakePathSanitized`: [`unicode_sanitize`], lower-cased unless
/// the site sets `disablePathToLower`.
fn make_path_sanitized(site: &HugoSite, s: &str) -> String {
    let clean = unicode_sanitize(s);
    if site.disable_path_to_lower {
        clean
    } else {
        clean.to_lowercase()
    }
}

/// The date as a Hugo permalink sees it: in the offset written in front
/// matter, else in the site's time zone.
pub(crate) fn written_date(
    config: &Config,
    text: Option<&str>,
    date: Option<DateTime<Utc>>,
) -> Option<DateTime<FixedOffset>> {
    let date = date?;
    let offset = text
        .map(str::trim)
        .and_then(|t| {
            DateTime::parse_from_rfc3339(t)
                .or_else(|_| DateTime::parse_from_rfc3339(&t.replacen(' ', "T", 1)))
                .ok()
        })
        .map(|d| *d.offset())
        .unwrap_or_else(|| {
            date.with_timezone(&config.timezone)
                .fixed_offset()
                .timezone()
        });
    Some(date.with_timezone(&offset))
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

    fn hugo_config(site: HugoSite) -> Config {
        let mut c = config("/:sections/:slug/");
        c.base_url = Url::parse("https://blog.example.org/").unwrap();
        c.hugo = Some(site);
        c
    }

    fn hugo_url(site: HugoSite, page: HugoPage<'_>) -> String {
        let c = hugo_config(site);
        let s = c.hugo.clone().unwrap();
        hugo(&c, &s, &page)
            .unwrap()
            .as_str()
            .trim_start_matches("https://blog.example.org")
            .to_string()
    }

    fn page<'a>(path: &'a str, title: &'a str) -> HugoPage<'a> {
        HugoPage {
            root: Path::new("content"),
            rel_path: Path::new(path),
            title,
            slug: None,
            url: None,
            date: DateTime::parse_from_rfc3339("2024-04-30T23:30:00+09:00").ok(),
        }
    }

    fn with_pattern(pattern: &str) -> HugoSite {
        HugoSite {
            permalinks: [("posts".to_string(), pattern.to_string())].into(),
            ..HugoSite::default()
        }
    }

    #[test]
    fn hugo_sanitizes_like_unicode_sanitize() {
        for (input, want) in [
            ("Hello, World! It's 2024", "Hello-World-Its-2024"),
            ("Q&A: What's next? (Part 2)", "QA-Whats-next-Part-2"),
            ("Café au lait — Über", "Café-au-lait-Über"),
            ("a  -  b", "a-b"),
            ("  leading", "leading"),
            ("100%25 sure%zz", "100%25-surezz"),
            ("keep_.+~@#", "keep_.+~@#"),
        ] {
            assert_eq!(unicode_sanitize(input), want, "{input:?}");
        }
    }

    #[test]
    fn hugo_default_urls_are_folders_and_file_names_lower_cased() {
        let url = |path, slug| {
            hugo_url(
                HugoSite::default(),
                HugoPage {
                    slug,
                    ..page(path, "T")
                },
            )
        };
        assert_eq!(url("posts/My First Post.md", None), "/posts/my-first-post/");
        assert_eq!(url("Posts/Bundle Two/index.md", None), "/posts/bundle-two/");
        assert_eq!(
            url("misc/x.md", Some("Mixed Case Slug")),
            "/misc/mixed-case-slug/"
        );
        assert_eq!(url("About.md", None), "/about/");
        assert_eq!(url("docs/a.md", Some("C++ #x #y")), "/docs/c++-#x-%23y/");
        let keep = HugoSite {
            disable_path_to_lower: true,
            ..HugoSite::default()
        };
        assert_eq!(
            hugo_url(keep, page("Posts/My File.md", "T")),
            "/Posts/My-File/"
        );
        let ugly = HugoSite {
            ugly_urls: true,
            ..HugoSite::default()
        };
        assert_eq!(hugo_url(ugly, page("posts/a.md", "T")), "/posts/a.html");
    }

    #[test]
    fn hugo_url_front_matter_is_taken_as_written() {
        let url = |u| {
            hugo_url(
                HugoSite::default(),
                HugoPage {
                    url: Some(u),
                    ..page("posts/a.md", "T")
                },
            )
        };
        assert_eq!(url("/special/Place/"), "/special/Place/");
        assert_eq!(url("relative/Path"), "/relative/Path/");
        assert_eq!(url("/feed.xml"), "/feed.xml");
    }

    #[test]
    fn hugo_tokens_expand_one_by_one() {
        let expand = |pattern: &str, slug: Option<&str>| {
            hugo_url(
                with_pattern(pattern),
                HugoPage {
                    slug,
                    ..page("posts/My_File.md", "Hello, World!")
                },
            )
        };
        // The written offset (+09:00) is kept: still April 30th.
        assert_eq!(expand("/:year/", None), "/2024/");
        assert_eq!(expand("/:month/", None), "/04/");
        assert_eq!(expand("/:monthname/", None), "/april/");
        assert_eq!(expand("/:day/", None), "/30/");
        assert_eq!(expand("/:weekday/", None), "/2/");
        assert_eq!(expand("/:weekdayname/", None), "/tuesday/");
        assert_eq!(expand("/:yearday/", None), "/121/");
        assert_eq!(expand("/:section/", None), "/posts/");
        assert_eq!(expand("/:sections/", None), "/posts/");
        assert_eq!(expand("/:title/", None), "/hello-world/");
        assert_eq!(expand("/:slug/", None), "/hello-world/");
        assert_eq!(expand("/:slug/", Some("My Slug")), "/my-slug/");
        assert_eq!(expand("/:filename/", None), "/my_file/");
        assert_eq!(expand("/:contentbasename/", None), "/my_file/");
        assert_eq!(expand("/:slugorfilename/", None), "/my_file/");
        assert_eq!(expand("/:slugorfilename/", Some("S")), "/s/");
        assert_eq!(expand("/:slugorcontentbasename/", Some("S")), "/s/");
        assert_eq!(expand("/x-:year-:month/", None), "/x-2024-04/");
        // Hugo query-unescapes the expanded pattern: `+` turns into a hyphen.
        let title = |t| hugo_url(with_pattern("/:title/"), page("posts/a.md", t));
        assert_eq!(title("C++ braces x+y"), "/c-braces-x-y/");
        // Capitalized section folders never match Hugo's lower-cased keys.
        assert_eq!(
            hugo_url(with_pattern("/:title/"), page("Posts/a.md", "T")),
            "/posts/a/"
        );
    }

    #[test]
    fn hugo_undated_pages_get_the_zero_date() {
        let p = HugoPage {
            date: None,
            ..page("posts/a.md", "A")
        };
        assert_eq!(
            hugo_url(with_pattern("/:year/:month/:day/:filename/"), p),
            "/1/01/01/a/"
        );
    }

    #[test]
    fn written_dates_keep_their_offset_naive_ones_use_the_time_zone() {
        let c = config("/:slug/");
        let utc = date("2024-04-30T14:30:00Z");
        let kept = written_date(&c, Some("2024-04-30T23:30:00+09:00"), utc).unwrap();
        assert_eq!(kept.to_rfc3339(), "2024-04-30T23:30:00+09:00");
        let naive = written_date(&c, Some("2024-04-30 19:30"), utc).unwrap();
        assert_eq!(naive.to_rfc3339(), "2024-04-30T19:30:00+05:00");
    }

    #[test]
    fn translations_are_linked_under_their_language() {
        let base = Url::parse("https://example.org/blog/").unwrap();
        let url = Url::parse("https://example.org/blog/posts/a/").unwrap();
        assert_eq!(
            localized(&base, url, "fr").as_str(),
            "https://example.org/blog/fr/posts/a/"
        );
        let off_site = Url::parse("https://other.example/a/").unwrap();
        assert_eq!(
            localized(&base, off_site.clone(), "fr"),
            off_site,
            "a URL off the site is kept"
        );
    }
}
