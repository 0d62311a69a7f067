//! `feedpub list`: every feed the next build will write.

use clap::Args;
use feedpub::preview::Snapshot;

use super::preview::report_left_out;
use super::terminal::{TextStyle, render_list};
use super::{Cli, Outcome, Streams, emit, load_config, now_from};

/// Options of `feedpub list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// List the feeds as of this instant (RFC 3339) [default: $SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

/// Run `feedpub list`.
pub(super) fn run(cli: &Cli, args: &ListArgs, streams: &mut Streams<'_>) -> Outcome {
    let config = load_config(cli)?;
    let now = now_from(args.now.as_deref())?;
    let snapshot = Snapshot::load(&config, now)?;
    let feeds = snapshot.list();
    emit(cli.format, streams.out, &feeds, |out| {
        write!(out, "{}", render_list(&feeds, &TextStyle::of_stdout()))
    })?;
    report_left_out(&snapshot, streams)
}
