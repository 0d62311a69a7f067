//! What an article means, once its file has been read and checked.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// One article, with every field resolved: absolute URLs, UTC dates,
/// canonical countries, sanitized HTML, XML-safe text.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The file it came from, as given to the loader (for messages).
    pub source: PathBuf,
    /// Headline.
    pub title: String,
    /// Absolute permalink.
    pub url: String,
    /// Permanent unique id (RSS `guid`, Atom `id`).
    pub id: String,
    /// Whether `id` was written in front matter (it then wins over the ledger).
    pub id_is_explicit: bool,
    /// Publication date; `None` until a date is written or stamped.
    pub date: Option<DateTime<Utc>>,
    /// When the article goes live (Hugo's `publishDate`, else `date`):
    /// before it, the article is scheduled.
    pub publish_date: Option<DateTime<Utc>>,
    /// Whether `date` was stamped by a build rather than written.
    pub stamped: bool,
    /// Date of the last meaningful change, if it differs from `date`.
    pub updated: Option<DateTime<Utc>>,
    /// After this instant the article leaves every feed.
    pub expires: Option<DateTime<Utc>>,
    /// Drafts are never published.
    pub draft: bool,
    /// The names of the terms the article is filed under, one list per
    /// taxonomy of the site, indexed like `Config::taxonomies`: as written
    /// (white space squashed) for plain taxonomies, the canonical name for
    /// countries; without duplicates.
    pub terms: Vec<Vec<String>>,
    /// Bylines; empty when the article has none.
    pub authors: Vec<String>,
    /// The plain-text summary written in front matter, if any.
    pub written_summary: Option<String>,
    /// Lead image (boxed: most of a large site's articles are held
    /// without one, or without reading it, and the field is large).
    pub image: Option<Box<Image>>,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
    /// The body, once read: only articles that appear in a feed (or that the
    /// ledger needs to recognise) are read past their front matter. The
    /// renderers see it only through a feed's entry, which cannot be made
    /// without it (#12).
    pub body: Option<Box<Body>>,
    /// What an earlier run read of this body, when the file has not changed
    /// since: enough to tell whether a feed holding the article changed,
    /// without reading the body again (#12).
    pub known_body: Option<KnownBody>,
    /// The language other than the site's default that the article is
    /// written in (a Hugo translation: `post.fr.md`, or a page in a
    /// language's `contentDir`), worked out once when it is loaded, for
    /// every stage that splits the site by language.
    pub language: Option<Box<str>>,
}

/// An article's body, read and rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Sanitized HTML with absolute URLs.
    pub html: String,
    /// Plain-text summary: the written one, else derived from the body.
    pub summary: String,
    /// Stable hash of what readers see (title, summary, body, image), to
    /// notice edits between builds.
    pub fingerprint: u64,
    /// Whether the body was rendered from its own file alone (it has no
    /// shortcode, so no other page's URL and no warning went into it): only
    /// such a body may be known by its digest in a later run.
    pub standalone: bool,
    /// Digest of `html` and `summary`.
    digest: u64,
}

impl Body {
    /// A rendered body; `standalone` as for [`Body::standalone`].
    pub fn new(html: String, summary: String, fingerprint: u64, standalone: bool) -> Body {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for part in [&html, &summary] {
            // Length-prefixed, so that the two cannot run into each other.
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        Body {
            digest: hasher.digest(),
            html,
            summary,
            fingerprint,
            standalone,
        }
    }
}

/// A body known by digests only: what a feed's input fingerprint and the
/// ledger need of it, kept in the front-matter cache for unchanged files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KnownBody {
    /// Digest of the rendered HTML and the summary.
    pub digest: u64,
    /// The body's [`Body::fingerprint`].
    pub fingerprint: u64,
}

impl KnownBody {
    /// The digests of `body`.
    pub fn of(body: &Body) -> KnownBody {
        KnownBody {
            digest: body.digest,
            fingerprint: body.fingerprint,
        }
    }
}

impl Article {
    /// The content fingerprint, once the body is read or known.
    pub fn fingerprint(&self) -> Option<u64> {
        self.body_digests().map(|b| b.fingerprint)
    }

    /// The body's digests: of the body read, else of the body an earlier
    /// run read of the unchanged file.
    pub(crate) fn body_digests(&self) -> Option<KnownBody> {
        self.body.as_deref().map(KnownBody::of).or(self.known_body)
    }

    /// The names of the article's terms in the taxonomy at `index` of
    /// `Config::taxonomies`.
    pub(crate) fn terms_of(&self, index: usize) -> &[String] {
        self.terms.get(index).map_or(&[], Vec::as_slice)
    }

    /// Every term name of every taxonomy, in taxonomy order: what items
    /// list as their categories.
    pub(crate) fn all_terms(&self) -> impl Iterator<Item = &String> {
        self.terms.iter().flatten()
    }

    /// Every author in one line, "A, B, C" (no "and": feeds are in any
    /// language): what an RSS reader, which shows one `dc:creator`, shows.
    /// `None` without a byline.
    pub fn byline(&self) -> Option<String> {
        (!self.authors.is_empty()).then(|| self.authors.join(", "))
    }

    /// The instant of the article's last change: `updated`, else `date`.
    pub(crate) fn last_change(&self) -> Option<DateTime<Utc>> {
        match (self.date, self.updated) {
            (Some(d), Some(u)) => Some(d.max(u)),
            (d, u) => u.or(d),
        }
    }
}

#[cfg(test)]
impl Article {
    /// A minimal published article at `https://x.org/<path>/`, for unit tests
    /// to adjust with struct update syntax.
    pub(crate) fn sample(path: &str) -> Article {
        Article {
            source: PathBuf::from(format!("content/{path}")),
            title: path.into(),
            url: format!("https://x.org/{path}/"),
            id: format!("https://x.org/{path}/"),
            id_is_explicit: false,
            date: None,
            publish_date: None,
            stamped: false,
            updated: None,
            expires: None,
            draft: false,
            terms: vec![],
            authors: vec![],
            written_summary: None,
            image: None,
            body_offset: 0,
            body: None,
            known_body: None,
            language: None,
        }
    }
}

/// A lead image, ready to be an RSS enclosure or Atom enclosure link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Absolute URL.
    pub url: String,
    /// Alternative text.
    pub alt: Option<String>,
    /// Size in bytes of the local file, `0` when unknown; measured when
    /// the article's body is read.
    pub length: u64,
    /// Where the image is on disk, when it is a file of the site.
    pub local_file: Option<PathBuf>,
    /// Media type guessed from the file extension.
    pub mime_type: &'static str,
}

/// Media type of an image from its URL's extension.
pub fn image_mime_type(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_from_extensions() {
        for (url, expected) in [
            ("/images/flag.PNG", "image/png"),
            ("https://x.org/a.jpeg?w=200", "image/jpeg"),
            ("a.jpg#top", "image/jpeg"),
            ("a.svg", "image/svg+xml"),
            ("/images/flag", "application/octet-stream"),
        ] {
            assert_eq!(image_mime_type(url), expected, "{url}");
        }
    }

    #[test]
    fn the_byline_names_every_author_once() {
        let with = |authors: &[&str]| Article {
            authors: authors.iter().map(|a| a.to_string()).collect(),
            ..Article::sample("a")
        };
        assert_eq!(with(&[]).byline(), None);
        assert_eq!(with(&["A"]).byline().as_deref(), Some("A"));
        assert_eq!(
            with(&["Aigerim T.", "John O'Neill", "C"])
                .byline()
                .as_deref(),
            Some("Aigerim T., John O'Neill, C")
        );
    }
}
