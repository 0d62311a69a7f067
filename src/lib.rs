//! feedpub turns a collection of Markdown articles into syndication feeds.
//!
//! The pipeline, one module per stage: [`content`] loads articles from
//! `content/` into the [`model`], [`build`] selects what is published,
//! [`taxonomy`] groups it into categories and countries, [`feed`] renders
//! RSS 2.0, Atom 1.0 and JSON Feed, [`validate`] checks every feed, and
//! [`write`](mod@write) publishes the files that changed under the run
//! [`lock`], with the [`discovery`](feed::discovery) files beside them. The
//! [`ledger`] keeps the ids and dates readers have seen stable from one
//! build to the next; the machine [`state`] lets a run in which
//! nothing changed stop after one stat pass; [`websub`] tells hubs which
//! feeds changed. [`preview`] computes what the next build will
//! publish, and `serve` (cargo feature `serve`) serves the output over HTTP.
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

mod archive;
pub mod build;
pub mod cache;
pub mod config;
pub mod content;
pub mod dates;
pub mod error;
pub mod feed;
pub mod files;
pub mod format;
mod framed;
pub mod hugo;
pub mod init;
pub mod ledger;
pub mod lock;
pub mod model;
pub mod output;
pub mod preview;
pub mod progress;
#[cfg(feature = "object-store")]
pub mod publish;
#[cfg(feature = "serve")]
pub mod serve;
pub mod state;
pub mod taxonomy;
pub mod term_page;
pub mod term_text;
pub mod text;
pub mod validate;
pub mod websub;
pub mod write;
