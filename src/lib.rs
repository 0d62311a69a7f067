//! feedpub turns a collection of Markdown articles into syndication feeds.
//!
//! The pipeline, one public module per stage: [`config`] reads
//! `feedpub.toml`, [`content`] loads articles from `content/` into the
//! [`model`], [`select`] decides what is published and why the rest is
//! not, [`taxonomy`] groups it
//! into categories and countries, [`feed`] renders RSS 2.0, Atom 1.0 and
//! JSON Feed, [`validate`] checks every feed, and [`build`] publishes the
//! files that changed under a run lock, with the
//! [`discovery`](feed::discovery) files beside them, then tells WebSub hubs
//! which feeds changed. The [`ledger`] keeps the ids and dates readers have
//! seen stable from one build to the next; the machine [`state`] lets a run
//! in which nothing changed stop after one stat pass. [`preview`] computes
//! what the next build will publish; `serve` and `publish` (cargo features
//! `serve`, `object-store`) serve the output over HTTP and upload it to
//! object storage; [`init`] starts a site. [`error`], [`dates`] and
//! [`progress`] hold what the stages share with their callers.
//!
//! Everything else (writing files, the lock, the front-matter cache, Hugo's
//! settings, text helpers) is private to the crate; a test pins the list of
//! public modules.
//!
//! The library draws nothing, and a build's "now" is an input
//! ([`build::BuildOptions::now`]): the `feedpub` binary (cargo feature
//! `cli`) parses arguments, resolves "now" from `--now` or
//! `SOURCE_DATE_EPOCH`, passes it in, and renders the results for a
//! terminal or as JSON.
//!
//! ```no_run
//! use feedpub::build::{BuildOptions, build};
//! use feedpub::config::{Config, Paths};
//!
//! let config = Config::load(&Paths::default())?;
//! let options = BuildOptions {
//!     now: chrono::Utc::now(),
//!     dry_run: false,
//!     strict: false,
//!     lock_wait: std::time::Duration::from_secs(10),
//!     allow_shrink: false,
//!     ping: true,
//! };
//! let report = build(&config, &options)?;
//! println!("{} files, {} written", report.files, report.written.len());
//! # Ok::<(), feedpub::error::Error>(())
//! ```

// The public surface: the pipeline's stages and the types their
// signatures use (pinned by `tests/integration/structure.rs`).
pub mod build;
pub mod config;
pub mod content;
pub mod dates;
pub mod error;
pub mod feed;
pub mod init;
pub mod ledger;
pub mod model;
pub mod preview;
pub mod progress;
#[cfg(feature = "object-store")]
pub mod publish;
pub mod select;
#[cfg(feature = "serve")]
pub mod serve;
pub mod state;
pub mod taxonomy;
pub mod validate;

// Named only inside the crate.
mod archive;
mod cache;
mod files;
mod format;
mod framed;
mod hugo;
mod lock;
mod output;
mod term_page;
mod term_text;
mod text;
mod websub;
mod write;
