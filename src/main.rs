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

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: not in a pipe, a file or journald.
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
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
