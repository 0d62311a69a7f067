//! `feedpub init`: create a new site.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Cli, Outcome, Streams, emit, exit};

/// Options of `feedpub init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Directory of the new site (created if missing) [default: the current directory].
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

/// Run `feedpub init`.
pub(super) fn run(cli: &Cli, args: &InitArgs, streams: &mut Streams<'_>) -> Outcome {
    let written = feedpub::init::init(&args.dir)?;
    emit(cli.format, streams.out, &written, |out| {
        if cli.quiet {
            return Ok(());
        }
        for path in &written {
            writeln!(out, "created {}", path.display())?;
        }
        let cd = if args.dir == Path::new(".") {
            String::new()
        } else {
            format!("cd {} && ", args.dir.display())
        };
        writeln!(
            out,
            "next: edit feedpub.toml, then `{cd}feedpub preview` and `feedpub build`"
        )
    })?;
    Ok(exit::OK)
}
