//! `feedpub serve`: the output directory over HTTP, rebuilt on changes with `--watch`.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use feedpub::build::{BuildOptions, build};
use feedpub::error::{Diagnostic, Error};
use feedpub::serve::{Limits, Server, Watch, is_within};

use super::build::{report_problems, summary};
use super::{Cli, Outcome, OutputFormat, Streams, exit, load_config, now_from, report_error};

/// Options of `feedpub serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Build first, then rebuild whenever content/ or feedpub.toml changes;
    /// a rebuild with errors keeps the last good feeds.
    #[arg(long)]
    watch: bool,
    /// Connections served at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Seconds a client has to send a request's headers.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a connection may go without traffic before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
}

/// Run `feedpub serve`.
pub(super) fn run(cli: &Cli, args: &ServeArgs, streams: &mut Streams<'_>) -> Outcome {
    let config = load_config(cli)?;
    if args.watch && is_within(&config.output_dir, &config.content_dir) {
        // Every build would write there and trigger the next one.
        return Err(Error::Config(Box::new(
            Diagnostic::error(
                &config.output_dir,
                format!(
                    "the output directory is inside the content directory {}",
                    config.content_dir.display()
                ),
            )
            .with_help("choose an output directory outside content/ (--out or the default feeds/)"),
        ))
        .into());
    }
    if args.watch {
        // Its builds write into the output directory like `build` does.
        feedpub::build::check_owned(&config.output_dir)?;
        rebuild(cli, streams)?;
    } else if !config.output_dir.is_dir() {
        return Err(Error::Config(Box::new(
            Diagnostic::error(&config.output_dir, "there are no feeds to serve yet")
                .with_help("run `feedpub build` first, or serve with --watch"),
        ))
        .into());
    }
    let limits = Limits {
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        header_timeout: Duration::from_secs(args.header_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
    };
    let server = Server::bind(&config.output_dir, args.addr, limits)?;
    let addr = server.local_addr()?;
    writeln!(
        streams.out,
        "Serving {} at http://{addr}/ (index.html, feeds.opml); press Ctrl-C to stop",
        config.output_dir.display()
    )?;
    streams.out.flush()?;
    if !args.watch {
        server.run()?;
        return Ok(exit::OK);
    }
    let mut on_change = || {
        // A failed write to the terminal must not stop the server.
        let _ = rebuild(cli, streams);
    };
    server.run_watching(Watch {
        content_dirs: config
            .content_dirs()
            .into_iter()
            .map(Path::to_path_buf)
            .collect(),
        config_files: std::iter::once(
            cli.paths
                .config
                .clone()
                .unwrap_or_else(|| PathBuf::from(feedpub::config::CONFIG_FILE_NAME)),
        )
        .chain(config.hugo_files().iter().cloned())
        .collect(),
        own_paths: vec![config.output_dir.clone(), config.ledger.clone()],
        on_change: &mut on_change,
    })?;
    Ok(exit::OK)
}

/// One `--watch` build, reloading the configuration: its problems and
/// summary, or its failure (the last good feeds stay served).
fn rebuild(cli: &Cli, streams: &mut Streams<'_>) -> io::Result<()> {
    let result = load_config(cli).and_then(|config| {
        let options = BuildOptions {
            now: now_from(None)?,
            dry_run: false,
            strict: false,
            lock_wait: Duration::from_secs(10),
            // Deleting articles while previewing locally is expected.
            allow_shrink: true,
            // A local preview tells no hub; the next build does.
            ping: false,
        };
        build(&config, &options)
    });
    match result {
        Ok(report) => {
            report_problems(&report, streams)?;
            writeln!(streams.out, "{}", summary(&report))?;
        }
        Err(e) => {
            report_error(&e, OutputFormat::Text, streams);
            writeln!(streams.err, "the last good feeds are still served")?;
        }
    }
    streams.out.flush()
}
