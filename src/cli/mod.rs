//! The command line: arguments, one file per command, and turning the
//! library's results into terminal or JSON output and exit codes.
//!
//! Only the binary declares this module (`mod cli;` in `main.rs`): the
//! library never parses arguments or draws on a terminal.

mod build;
mod check;
mod init;
mod list;
mod preview;
mod progress;
#[cfg(feature = "serve")]
mod serve;
mod terminal;

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use feedpub::config::{Config, Paths};
use feedpub::dates::resolve_now;
use feedpub::error::{Diagnostic, Error};

/// Exit codes, part of the interface (also in the README).
pub(crate) mod exit {
    /// Success, whether or not anything changed.
    pub(crate) const OK: u8 = 0;
    /// Content or validation errors; nothing was published.
    pub(crate) const INVALID: u8 = 1;
    /// Usage or configuration error.
    pub(crate) const USAGE: u8 = 2;
    /// Another run holds the output directory's lock.
    pub(crate) const LOCKED: u8 = 3;
    /// Reading or writing a file failed; what was published is intact.
    pub(crate) const IO: u8 = 4;
    /// Published, but some articles had errors and were left out (not with
    /// `--strict`, which fails with [`INVALID`] instead).
    pub(crate) const PARTIAL: u8 = 5;
}

const EXIT_CODES: &str = "\
Exit codes:
  0  success (whether or not any feed changed)
  1  content or validation errors: nothing was published
  2  usage or configuration error
  3  another feedpub run holds the output directory's lock
  4  reading or writing a file failed; published feeds are left intact
  5  published, but some articles had errors and were left out (see stderr;
     --strict or `strict = true` makes this exit 1 with nothing published)";

/// feedpub: publish validated RSS 2.0 and Atom 1.0 feeds from a Markdown article collection.
#[derive(Debug, Parser)]
#[command(name = "feedpub", version, about, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// Paths of the configuration, content and output.
    #[command(flatten)]
    paths: PathArgs,
    /// Print only problems (for cron: mail only when something is wrong).
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Output format of the report.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// Where the inputs and outputs are.
#[derive(Debug, Args)]
struct PathArgs {
    /// Configuration file [default: ./feedpub.toml].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Article collection [default: content/ beside the configuration].
    #[arg(long, global = true, value_name = "DIR")]
    content: Option<PathBuf>,
    /// Output directory [default: feeds/ beside the configuration], or an
    /// object store to upload to (s3://bucket/prefix/, gs://, az://,
    /// file:///); give both to keep a local copy beside the upload.
    #[arg(long, global = true, value_name = "DIR|URL")]
    out: Vec<PathBuf>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Human-readable lines.
    Text,
    /// One JSON document on standard output.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Build every feed from the content, validate it, and publish what changed.
    Build(build::BuildArgs),
    /// Validate feed files or directories (default: the output directory).
    Check(check::CheckArgs),
    /// Show a feed's entries as readers will see them, straight from the content.
    Preview(preview::PreviewArgs),
    /// List every feed: kind, term, URL, item count and newest item date.
    List(list::ListArgs),
    /// Serve the output directory over HTTP (for feed readers and browsers).
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Create a new site: a commented feedpub.toml, an example article, a .gitignore.
    Init(init::InitArgs),
    /// Print a shell completion script (e.g. `feedpub completions bash > /etc/bash_completion.d/feedpub`).
    Completions(CompletionsArgs),
    /// Print the manual page in roff (e.g. `feedpub man > /usr/local/share/man/man1/feedpub.1`).
    Man,
}

/// Options of `feedpub completions`.
#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Where output goes, so tests and the binary can share one code path.
pub(crate) struct Streams<'a> {
    /// Reports and data.
    pub(crate) out: &'a mut dyn Write,
    /// Problems.
    pub(crate) err: &'a mut dyn Write,
    /// Whether a long build may draw a progress bar on the process's stderr
    /// (the binary sets this when stderr is a terminal).
    pub(crate) progress: bool,
}

/// Run a parsed command line and return the process exit code.
pub(crate) fn run(cli: &Cli, streams: &mut Streams<'_>) -> u8 {
    let result = match &cli.command {
        Command::Build(args) => build::run(cli, args, streams),
        Command::Check(args) => check::run(cli, args, streams),
        Command::Preview(args) => preview::run(cli, args, streams),
        Command::List(args) => list::run(cli, args, streams),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(cli, args, streams),
        Command::Init(args) => init::run(cli, args, streams),
        Command::Completions(args) => {
            let mut command = Cli::command();
            clap_complete::generate(args.shell, &mut command, "feedpub", streams.out);
            Ok(exit::OK)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(streams.out)
            .map(|()| exit::OK)
            .map_err(RunError::Output),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`feedpub check | head`) is not a failure.
        Err(RunError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(RunError::Output(_)) => exit::IO,
        Err(RunError::Failed(e)) => report_error(&e, cli.format, streams),
    }
}

/// What ends a command early.
enum RunError {
    /// The library failed.
    Failed(Error),
    /// Writing to stdout or stderr failed.
    Output(io::Error),
}

impl From<Error> for RunError {
    fn from(e: Error) -> Self {
        RunError::Failed(e)
    }
}

impl From<io::Error> for RunError {
    fn from(e: io::Error) -> Self {
        RunError::Output(e)
    }
}

/// A command's result: its exit code, or what stopped it.
type Outcome = Result<u8, RunError>;

/// A mistake on the command line, reported as a configuration error (exit 2).
fn usage_error(message: String) -> Error {
    Error::Config(Box::new(Diagnostic::error("command line", message)))
}

/// The configuration the path options name; `--out` may give one directory
/// and one object-store URL.
fn load_config(cli: &Cli) -> Result<Config, Error> {
    let (stores, dirs): (Vec<&PathBuf>, Vec<&PathBuf>) = cli
        .paths
        .out
        .iter()
        .partition(|out| out.to_str().is_some_and(feedpub::config::is_store_url));
    if stores.len() > 1 || dirs.len() > 1 {
        return Err(usage_error(
            "--out takes at most one directory and one object-store URL".into(),
        ));
    }
    Config::load(&Paths {
        config: cli.paths.config.clone(),
        content: cli.paths.content.clone(),
        output: dirs.first().map(|d| (*d).clone()),
        store: stores.first().and_then(|s| s.to_str()).map(str::to_string),
    })
}

/// The run's "now": `--now` if given, else `SOURCE_DATE_EPOCH`, else the
/// clock. Read here, at the edge, and passed into the library.
fn now_from(explicit: Option<&str>) -> Result<DateTime<Utc>, Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    resolve_now(explicit, epoch.as_deref())
        .map_err(|e| usage_error(format!("{} ({})", e.message, e.help)))
}

/// Write `value` in the chosen format: one pretty JSON document, or the
/// text `text` writes (which may write nothing, e.g. with `--quiet`).
fn emit<T: serde::Serialize + ?Sized>(
    format: OutputFormat,
    out: &mut dyn Write,
    value: &T,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
            writeln!(out)
        }
        OutputFormat::Text => text(out),
    }
}

/// "1 error", "2 errors", "0 errors".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Print a failure and pick its exit code.
fn report_error(error: &Error, format: OutputFormat, streams: &mut Streams<'_>) -> u8 {
    let (code, diagnostics): (u8, Vec<Diagnostic>) = match error {
        Error::Config(d) => (exit::USAGE, vec![(**d).clone()]),
        Error::Invalid(ds) => (exit::INVALID, ds.clone()),
        Error::Locked { dir, message } => {
            (exit::LOCKED, vec![Diagnostic::error(dir, message.clone())])
        }
        Error::Io { path, source } => (exit::IO, vec![Diagnostic::error(path, source.to_string())]),
    };
    // Errors go to stderr; if even that fails there is nowhere left to say so.
    let _ = emit(format, streams.err, &diagnostics, |err| {
        diagnostics.iter().try_for_each(|d| writeln!(err, "{d}"))?;
        match error {
            Error::Invalid(_) => writeln!(err, "{error}"),
            _ => Ok(()),
        }
    });
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_documents_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("3  another feedpub run holds"), "{help}");
    }

    #[test]
    fn output_is_json_or_the_text_asked_for() {
        let write = |format| {
            let mut out = Vec::new();
            emit(format, &mut out, &["a"], |out| writeln!(out, "text")).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(write(OutputFormat::Json), "[\n  \"a\"\n]\n");
        assert_eq!(write(OutputFormat::Text), "text\n");
    }
}
