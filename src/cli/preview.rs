//! `feedpub preview`: a feed's entries as readers will see them.

use clap::Args;
use feedpub::preview::{Selector, Snapshot};

use super::terminal::{TextStyle, render_preview};
use super::{Cli, Outcome, Streams, emit, exit, load_config, now_from};

/// Options of `feedpub preview`.
#[derive(Debug, Args)]
pub(crate) struct PreviewArgs {
    /// A feed file (feeds/countries/tajikistan/rss.xml) or URL [default: the site-wide feed].
    #[arg(value_name = "FEED", conflicts_with_all = ["category", "country", "custom"])]
    feed: Option<String>,
    /// The feed of this category (any spelling of its name).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["country", "custom"])]
    category: Option<String>,
    /// The feed of this country (any name, alias or ISO code: Kyrgyz Republic, KG, kgz).
    #[arg(long, value_name = "NAME", conflicts_with = "custom")]
    country: Option<String>,
    /// The custom feed (`[[feeds]]`) of this name (any spelling) or slug.
    #[arg(long, value_name = "NAME")]
    custom: Option<String>,
    /// Also list the articles left out of the feed, and why.
    #[arg(long)]
    all: bool,
    /// Preview the feed as of this instant (RFC 3339) [default: $SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

/// Run `feedpub preview`.
pub(super) fn run(cli: &Cli, args: &PreviewArgs, streams: &mut Streams<'_>) -> Outcome {
    let config = load_config(cli)?;
    let now = now_from(args.now.as_deref())?;
    let selector = match (&args.feed, &args.category, &args.country, &args.custom) {
        (Some(feed), _, _, _) => Selector::Feed(feed.clone()),
        (_, Some(name), _, _) => Selector::Category(name.clone()),
        (_, _, Some(name), _) => Selector::Country(name.clone()),
        (_, _, _, Some(name)) => Selector::Custom(name.clone()),
        (None, None, None, None) => Selector::Site,
    };
    let snapshot = Snapshot::load(&config, now)?;
    let preview = snapshot.preview(&selector, args.all)?;
    emit(cli.format, streams.out, &preview, |out| {
        write!(out, "{}", render_preview(&preview, &TextStyle::of_stdout()))
    })?;
    report_left_out(&snapshot, streams)
}

/// Report the articles a build would leave out, as `build` does, and pick
/// the same exit code.
pub(super) fn report_left_out(snapshot: &Snapshot<'_>, streams: &mut Streams<'_>) -> Outcome {
    for problem in snapshot.errors() {
        writeln!(streams.err, "{problem}")?;
    }
    Ok(match snapshot.left_out() {
        0 => exit::OK,
        n => {
            writeln!(
                streams.err,
                "{n} article(s) with errors would be left out; every other article would be published"
            )?;
            exit::PARTIAL
        }
    })
}
