//! Term slugs. Invariants: a slug is one non-empty path segment of
//! lowercase ASCII letters, digits and dashes, never `.` or `..`, short
//! enough for any file system (255 bytes), so `feeds/<taxonomy>/<slug>/`
//! stays inside `feeds/`; equal names give equal slugs.
#![no_main]

use std::path::{Component, Path};

use feedpub::taxonomy::slugify;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    let slug = slugify(name);
    assert!(!slug.is_empty(), "{name:?}");
    assert!(slug != "." && slug != "..", "{name:?}");
    assert!(
        slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{name:?} → {slug:?}"
    );
    assert!(slug.len() <= 255, "{name:?} → a {}-byte slug", slug.len());
    let path = Path::new("feeds/categories").join(&slug);
    let components: Vec<_> = path.components().collect();
    assert_eq!(components.len(), 3, "{name:?} → {slug:?}");
    assert!(matches!(components[2], Component::Normal(_)));
    assert_eq!(slugify(name), slug, "slugify is not deterministic");
});
