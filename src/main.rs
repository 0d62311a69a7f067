//! The `feedpub` binary: parse arguments, set up logging, run, exit.
//!
//! Everything the command line adds to the library (argument parsing, one
//! file per command, terminal and JSON output, exit codes) is in [`cli`],
//! declared here only: the library never depends on a terminal.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Streams, run};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
    let cli = Cli::parse();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                // Colour codes only on a terminal: not in a pipe, a file or journald.
                .with_ansi(
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                ),
        )
        .with(log_filter(std::env::var("RUST_LOG").ok().as_deref()))
        .init();
    // stderr is not locked for the whole run: the progress bar draws on it
    // from another thread.
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    let progress = err.is_terminal();
    ExitCode::from(run(
        &cli,
        &mut Streams {
            out: &mut out,
            err: &mut err,
            progress,
        },
    ))
}

/// One malloc arena per core. glibc's default, up to eight per core, lets
/// every thread of a full build keep an arena of its own freed memory:
/// at 50,000 articles that was ≈ 8 MiB of peak RSS for no speed (#12,
/// BENCHMARKS.md). `MALLOC_ARENA_MAX`, when set, still decides.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets a tunable of the allocator; it runs
    // first thing in `main`, before this program starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

/// The log filter `RUST_LOG` asks for: `level` or `target=level`, comma
/// separated (`feedpub=debug`, `feedpub::write=info,warn`). Unset or not
/// understood, only errors are logged, as before a user asks for more.
fn log_filter(rust_log: Option<&str>) -> Targets {
    rust_log
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::ERROR))
}

#[cfg(test)]
mod tests {
    use super::log_filter;
    use tracing_subscriber::filter::LevelFilter;

    #[test]
    fn rust_log_chooses_the_level_per_target_and_defaults_to_errors() {
        let debug = log_filter(Some("feedpub=debug"));
        assert!(debug.would_enable("feedpub::build", &tracing::Level::DEBUG));
        assert!(!debug.would_enable("feedpub::build", &tracing::Level::TRACE));
        assert!(!debug.would_enable("hyper", &tracing::Level::ERROR));

        let mixed = log_filter(Some("feedpub::write=info,warn"));
        assert!(mixed.would_enable("feedpub::write", &tracing::Level::INFO));
        assert!(!mixed.would_enable("feedpub::build", &tracing::Level::INFO));
        assert!(mixed.would_enable("feedpub::build", &tracing::Level::WARN));

        for unset_or_garbage in [None, Some("feedpub=loud")] {
            let filter = log_filter(unset_or_garbage);
            assert_eq!(filter.default_level(), Some(LevelFilter::ERROR));
            assert!(filter.would_enable("feedpub::build", &tracing::Level::ERROR));
            assert!(!filter.would_enable("feedpub::build", &tracing::Level::WARN));
        }
    }
}
