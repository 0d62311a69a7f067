//! Small text helpers shared by the stages, one file per job.

mod clean;
mod escape;
mod hash;
mod position;
mod sanitize;
mod suggest;

pub(crate) use clean::{
    all_xml_chars, html_text, is_unprintable, is_xml_char, squash_whitespace, xml_safe,
};
pub use escape::{escaped, escaped_path};
pub(crate) use hash::stable_hash;
pub(crate) use position::{line_at, line_col};
pub(crate) use sanitize::unicode_sanitize;
pub(crate) use suggest::closest;

/// The longest title, in characters, of an article or a term override.
pub(crate) const MAX_TITLE_CHARS: usize = 1000;
