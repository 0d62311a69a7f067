//! feedpub's integration tests, one module per area, linked into a single
//! test binary (one link per `cargo test` instead of one per file) and
//! sharing the helpers in `support`: fixtures, the real binary, goldens
//! (`UPDATE_EXPECT=1` rewrites them) and outside validators.
//!
//! Run one area with `cargo test --test integration cron::`; see
//! `tests/README.md` for what each module covers and how to add a case.

mod support;

mod archive;
mod build;
mod check;
mod content;
mod corpus;
mod cron;
mod dates;
mod feed_metadata;
mod formats;
mod hugo;
mod incremental;
mod json_feed;
mod model;
mod newsboat;
mod object_store;
mod page;
mod preview;
mod properties;
mod readers;
mod serve;
mod shell;
mod structure;
mod validate_corpus;
mod validate_generated;
mod websub;
