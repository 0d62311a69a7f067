//! `feedpub check`: validate feed files or directories.

use std::path::PathBuf;

use clap::Args;
use feedpub::validate;

use super::{Cli, Outcome, Streams, emit, exit, load_config, now_from, plural};

/// Options of `feedpub check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Feed files or directories [default: the output directory].
    paths: Vec<PathBuf>,
    /// Flag dates after this instant (RFC 3339) [default: the clock].
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    strict: bool,
    /// Refuse files larger than this many bytes (exit 4).
    #[arg(long, value_name = "BYTES", default_value_t = validate::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

/// Run `feedpub check`.
pub(super) fn run(cli: &Cli, args: &CheckArgs, streams: &mut Streams<'_>) -> Outcome {
    let paths = if args.paths.is_empty() {
        vec![load_config(cli)?.output_dir]
    } else {
        args.paths.clone()
    };
    let options = validate::Options {
        now: Some(now_from(args.now.as_deref())?),
        ..validate::Options::default()
    };
    let report = validate::check_paths(&paths, &options, args.max_bytes);
    let diagnostics = &report.diagnostics;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let err = &mut *streams.err;
    emit(cli.format, streams.out, diagnostics, |out| {
        for d in diagnostics {
            writeln!(out, "{d}")?;
        }
        if cli.quiet {
            return Ok(());
        }
        for (path, root) in &report.skipped {
            writeln!(
                err,
                "note: skipped {}: not a feed (root element <{root}>)",
                feedpub::error::escaped_path(path)
            )?;
        }
        writeln!(
            err,
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    })?;
    let failing = errors > 0 || (args.strict && warnings > 0);
    Ok(if report.has_unreadable() {
        exit::IO
    } else if failing {
        exit::INVALID
    } else {
        exit::OK
    })
}
