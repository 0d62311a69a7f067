//! Feed input fingerprints: a digest of everything a feed's files are made
//! from, so that a feed whose inputs did not change since the last build is
//! neither rendered, nor validated, nor written (#12).
//!
//! A feed's bytes are a function of the configuration, the executable and
//! its [`FeedSpec`]; the first two are digested by the machine state (which
//! is discarded when they change), the spec here, in full: every field of
//! the spec and of each item, including the rendered body (by its digest,
//! so that a body known from an earlier run need not be read) and the
//! image's measured size. Both structs are destructured without `..`, so a field
//! added to either cannot be left out of the digest by mistake.

use std::fmt::Write;

use xxhash_rust::xxh3::Xxh3;

use crate::feed::FeedSpec;
use crate::model::{Article, Image, KnownBody};

/// A streaming digest that `write!` can feed.
struct Digest(Xxh3);

impl Write for Digest {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

impl Digest {
    /// Add `bytes`, prefixed by their length, so that fields cannot run
    /// into each other.
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Add the `Debug` form of a small value.
    fn debug(&mut self, value: &dyn std::fmt::Debug) {
        // Writing into a hasher cannot fail.
        let _ = write!(self, "{value:?}");
    }
}

/// The digest of everything the files of `spec` are rendered from, besides
/// the configuration and the executable.
pub(super) fn of(spec: &FeedSpec<'_>) -> u64 {
    let FeedSpec {
        scope,
        title,
        description,
        dir,
        alternate_url,
        rss_url,
        atom_url,
        json_url,
        items,
        updated,
        history,
    } = spec;
    let mut digest = Digest(Xxh3::new());
    digest.debug(&(scope, title, description, dir, alternate_url));
    digest.debug(&(rss_url, atom_url, json_url, updated, items.len()));
    digest.debug(history);
    for item in items {
        article(&mut digest, item);
    }
    digest.0.digest()
}

/// Add one item: its front matter and stamps in `Debug` form, its body's
/// bytes as they are (they are most of a feed, and need no escaping).
fn article(digest: &mut Digest, article: &Article) {
    let Article {
        source,
        title,
        url,
        id,
        id_is_explicit,
        date,
        publish_date,
        stamped,
        updated,
        expires,
        draft,
        terms,
        authors,
        written_summary,
        image,
        body_offset,
        body,
        known_body,
        // Follows from `source`, which is digested.
        language: _,
    } = article;
    digest.debug(&(source, title, url, id, id_is_explicit, date, publish_date));
    digest.debug(&(stamped, updated, expires, draft, terms, authors));
    digest.debug(&(written_summary, body_offset));
    match image.as_deref() {
        Some(Image {
            url,
            alt,
            length,
            local_file,
            mime_type,
        }) => digest.debug(&(url, alt, length, local_file, mime_type)),
        None => digest.debug(&"no image"),
    }
    // A body read and the same body known from an earlier run digest
    // alike, so a feed of unchanged articles is kept without reading them.
    match body.as_deref().map(KnownBody::of).or(*known_body) {
        Some(KnownBody {
            digest: body_digest,
            fingerprint,
        }) => digest.debug(&(body_digest, fingerprint)),
        None => digest.debug(&"no body"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Scope;
    use crate::model::Body;

    fn spec<'a>(items: Vec<&'a Article>) -> FeedSpec<'a> {
        FeedSpec {
            scope: Scope::Site,
            title: "Site".into(),
            description: "All".into(),
            dir: "".into(),
            alternate_url: "https://example.org/".into(),
            rss_url: "https://example.org/rss.xml".into(),
            atom_url: "https://example.org/atom.xml".into(),
            json_url: "https://example.org/feed.json".into(),
            items,
            updated: None,
            history: crate::feed::history::History::default(),
        }
    }

    fn with_body(html: &str) -> Article {
        Article {
            body: Some(Box::new(Body::new(html.into(), "s".into(), 1, true))),
            ..Article::sample("a")
        }
    }

    #[test]
    fn any_change_of_an_item_or_the_feed_changes_the_digest() {
        let a = with_body("<p>one</p>");
        let base = of(&spec(vec![&a]));
        assert_eq!(base, of(&spec(vec![&a.clone()])), "deterministic");
        let b = with_body("<p>two</p>");
        assert_ne!(base, of(&spec(vec![&b])), "body");
        let retitled = Article {
            title: "Other".into(),
            ..a.clone()
        };
        assert_ne!(base, of(&spec(vec![&retitled])), "title");
        let measured = Article {
            image: Some(Box::new(Image {
                url: "https://example.org/i.png".into(),
                alt: None,
                length: 7,
                local_file: None,
                mime_type: "image/png",
            })),
            ..a.clone()
        };
        let bigger = Article {
            image: measured
                .image
                .clone()
                .map(|i| Box::new(Image { length: 8, ..*i })),
            ..a.clone()
        };
        assert_ne!(
            of(&spec(vec![&measured])),
            of(&spec(vec![&bigger])),
            "image size"
        );
        assert_ne!(base, of(&spec(vec![])), "items");
        assert_ne!(base, of(&spec(vec![&a, &a])), "item count");
        let retitled_feed = FeedSpec {
            title: "Other".into(),
            ..spec(vec![&a])
        };
        assert_ne!(base, of(&retitled_feed), "feed title");
    }

    #[test]
    fn a_body_known_from_an_earlier_run_digests_as_the_body_read() {
        // #12: kept feeds are proven unchanged without reading their bodies.
        let read = with_body("<p>one</p>");
        let known = Article {
            body: None,
            known_body: read.body_digests(),
            ..read.clone()
        };
        assert_eq!(of(&spec(vec![&read])), of(&spec(vec![&known])));
        let unknown = Article {
            known_body: None,
            ..known.clone()
        };
        assert_ne!(of(&spec(vec![&read])), of(&spec(vec![&unknown])));
    }

    #[test]
    fn fields_do_not_run_into_each_other() {
        let split = |html: &str, summary: &str| Article {
            body: Some(Box::new(Body::new(html.into(), summary.into(), 1, true))),
            ..Article::sample("a")
        };
        let (x, y) = (split("ab", "c"), split("a", "bc"));
        assert_ne!(of(&spec(vec![&x])), of(&spec(vec![&y])));
    }
}
