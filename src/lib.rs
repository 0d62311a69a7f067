//! feedpub turns a collection of Markdown articles into syndication feeds.
//!
//! The pipeline, one module per stage: [`content`] loads articles from
//! `content/`, [`model`] holds what they mean, [`taxonomy`] groups them into
//! categories and countries, [`feed`] renders RSS 2.0 and Atom 1.0,
//! [`validate`] checks every feed before [`write`] publishes it.

pub mod country;
pub mod dates;
pub mod error;
pub mod validate;
pub mod write;
