//! The command line: arguments, and turning results into output and exit codes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::{BuildOptions, BuildReport, build, build_with};
use crate::config::{Config, Paths};
use crate::dates::{resolve_now, to_rfc3339};
use crate::error::{Diagnostic, Error};
use crate::preview::{Selector, Snapshot, TextStyle, render_list, render_preview};
use crate::progress::{Progress, Stage};
use crate::validate;

/// Exit codes, part of the interface (also in the README).
pub mod exit {
    /// Success, whether or not anything changed.
    pub const OK: u8 = 0;
    /// Content or validation errors; nothing was published.
    pub const INVALID: u8 = 1;
    /// Usage or configuration error.
    pub const USAGE: u8 = 2;
    /// Another run holds the output directory's lock.
    pub const LOCKED: u8 = 3;
    /// Reading or writing a file failed; what was published is intact.
    pub const IO: u8 = 4;
    /// Published, but some articles had errors and were left out (not with
    /// `--strict`, which fails with [`INVALID`] instead).
    pub const PARTIAL: u8 = 5;
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
pub struct Cli {
    /// Paths of the configuration, content and output.
    #[command(flatten)]
    pub paths: PathArgs,
    /// Print only problems (for cron: mail only when something is wrong).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Output format of the report.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the inputs and outputs are.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// Configuration file [default: ./feedpub.toml].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Article collection [default: content/ beside the configuration].
    #[arg(long, global = true, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Output directory [default: feeds/ beside the configuration], or an
    /// object store to upload to (s3://bucket/prefix/, gs://, az://,
    /// file:///); give both to keep a local copy beside the upload.
    #[arg(long, global = true, value_name = "DIR|URL")]
    pub out: Vec<PathBuf>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable lines.
    Text,
    /// One JSON document on standard output.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every feed from the content, validate it, and publish what changed.
    Build(BuildArgs),
    /// Validate feed files or directories (default: the output directory).
    Check(CheckArgs),
    /// Show a feed's entries as readers will see them, straight from the content.
    Preview(PreviewArgs),
    /// List every feed: kind, term, URL, item count and newest item date.
    List(ListArgs),
    /// Serve the output directory over HTTP (for feed readers and browsers).
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Create a new site: a commented feedpub.toml, an example article, a .gitignore.
    Init(InitArgs),
    /// Print a shell completion script (e.g. `feedpub completions bash > /etc/bash_completion.d/feedpub`).
    Completions(CompletionsArgs),
    /// Print the manual page in roff (e.g. `feedpub man > /usr/local/share/man/man1/feedpub.1`).
    Man,
}

/// Options of `feedpub init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory of the new site (created if missing) [default: the current directory].
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// Options of `feedpub completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `feedpub preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// A feed file (feeds/countries/tajikistan/rss.xml) or URL [default: the site-wide feed].
    #[arg(value_name = "FEED", conflicts_with_all = ["category", "country", "custom"])]
    pub feed: Option<String>,
    /// The feed of this category (any spelling of its name).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["country", "custom"])]
    pub category: Option<String>,
    /// The feed of this country (any name, alias or ISO code: Kyrgyz Republic, KG, kgz).
    #[arg(long, value_name = "NAME", conflicts_with = "custom")]
    pub country: Option<String>,
    /// The custom feed (`[[feeds]]`) of this name (any spelling) or slug.
    #[arg(long, value_name = "NAME")]
    pub custom: Option<String>,
    /// Also list the articles left out of the feed, and why.
    #[arg(long)]
    pub all: bool,
    /// Preview the feed as of this instant (RFC 3339) [default: $SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// Options of `feedpub list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List the feeds as of this instant (RFC 3339) [default: $SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// Options of `feedpub serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Build first, then rebuild whenever content/ or feedpub.toml changes;
    /// a rebuild with errors keeps the last good feeds.
    #[arg(long)]
    pub watch: bool,
    /// Connections served at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a client has to send a request's headers.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Seconds a connection may go without traffic before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
}

/// Options of `feedpub build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The build's "now" (RFC 3339) [default: $SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Check and render everything, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// All or nothing (for CI): any error or warning in any article fails
    /// the run and nothing is published [default: `strict` in the config].
    #[arg(long)]
    pub strict: bool,
    /// Seconds to wait for another run to release the lock.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub wait: f64,
    /// Publish even if the site-wide feed loses more than half of its items
    /// (by default such a build stops: content/ may be missing or incomplete).
    #[arg(long)]
    pub allow_shrink: bool,
    /// Publish into the output directory even though it holds files
    /// feedpub did not write (by default such a build stops, so a site's
    /// own files are never mixed with or overwritten by feeds).
    #[arg(long)]
    pub force_out: bool,
    /// Do not notify the WebSub hubs in `websub_hubs`; the notifications
    /// are kept and sent by the next run without it.
    #[arg(long)]
    pub no_ping: bool,
}

/// Options of `feedpub check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Feed files or directories [default: the output directory].
    pub paths: Vec<PathBuf>,
    /// Flag dates after this instant (RFC 3339) [default: the clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
    /// Refuse files larger than this many bytes (exit 4).
    #[arg(long, value_name = "BYTES", default_value_t = validate::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

/// Where output goes, so tests and the binary can share one code path.
pub struct Streams<'a> {
    /// Reports and data.
    pub out: &'a mut dyn Write,
    /// Problems.
    pub err: &'a mut dyn Write,
    /// Whether a long build may draw a progress bar on the process's stderr
    /// (the binary sets this when stderr is a terminal).
    pub progress: bool,
}

/// Run a parsed command line and return the process exit code.
pub fn run(cli: &Cli, streams: &mut Streams<'_>) -> u8 {
    let result = match &cli.command {
        Command::Build(args) => run_build(cli, args, streams),
        Command::Check(args) => run_check(cli, args, streams),
        Command::Preview(args) => run_preview(cli, args, streams),
        Command::List(args) => run_list(cli, args, streams),
        #[cfg(feature = "serve")]
        Command::Serve(args) => run_serve(cli, args, streams),
        Command::Init(args) => run_init(cli, args, streams),
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

fn usage_error(message: String) -> Error {
    Error::Config(Box::new(Diagnostic::error("command line", message)))
}

fn load_config(cli: &Cli) -> Result<Config, Error> {
    let (stores, dirs): (Vec<&PathBuf>, Vec<&PathBuf>) = cli
        .paths
        .out
        .iter()
        .partition(|out| out.to_str().is_some_and(crate::config::is_store_url));
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

fn now_from(explicit: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    resolve_now(explicit, epoch.as_deref())
        .map_err(|e| usage_error(format!("{} ({})", e.message, e.help)))
}

fn run_build(cli: &Cli, args: &BuildArgs, streams: &mut Streams<'_>) -> Result<u8, RunError> {
    let config = load_config(cli)?;
    if !args.dry_run && !args.force_out {
        crate::output::check_owned(&config.output_dir)?;
    }
    let options = BuildOptions {
        now: now_from(args.now.as_deref())?,
        dry_run: args.dry_run,
        strict: args.strict || config.strict,
        lock_wait: Duration::try_from_secs_f64(args.wait)
            .map_err(|_| usage_error(format!("--wait {} is not a number of seconds", args.wait)))?,
        allow_shrink: args.allow_shrink,
        ping: !args.no_ping,
    };
    let mut report = if streams.progress && !cli.quiet && cli.format == OutputFormat::Text {
        build_with_bar(&config, &options)?
    } else {
        build(&config, &options)?
    };
    for problem in report.errors.iter().chain(&report.warnings) {
        writeln!(streams.err, "{problem}")?;
    }
    if report.left_out > 0 {
        writeln!(
            streams.err,
            "{} article(s) with errors were left out; every other article was published",
            report.left_out
        )?;
    }
    let upload = upload(&config, &options, std::mem::take(&mut report.dry_run_files))?;
    match cli.format {
        OutputFormat::Json => {
            /// The build's report with the upload's beside its fields.
            #[derive(serde::Serialize)]
            struct WithUpload<'a, U: serde::Serialize> {
                #[serde(flatten)]
                build: &'a BuildReport,
                #[serde(skip_serializing_if = "Option::is_none")]
                upload: Option<&'a U>,
            }
            let json = WithUpload {
                build: &report,
                upload: upload.as_ref(),
            };
            serde_json::to_writer_pretty(&mut *streams.out, &json).map_err(io::Error::from)?;
            writeln!(streams.out)?;
        }
        OutputFormat::Text if !cli.quiet => {
            writeln!(streams.out, "{}", summary(&report))?;
            if let Some(upload) = &upload {
                write!(streams.out, "{}", upload_summary(upload))?;
            }
        }
        OutputFormat::Text => {}
    }
    Ok(if report.left_out > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// Upload the output directory to the configured object store, if any.
#[cfg(feature = "object-store")]
fn upload(
    config: &Config,
    options: &BuildOptions,
    dry_run_files: Vec<crate::build::RenderedFeed>,
) -> Result<Option<crate::publish::UploadReport>, Error> {
    config
        .store
        .as_ref()
        .map(|store| crate::publish::publish(config, store, options, dry_run_files))
        .transpose()
}

/// Without object-store support, a configured store is a usage error.
#[cfg(not(feature = "object-store"))]
fn upload(
    config: &Config,
    _options: &BuildOptions,
    _dry_run_files: Vec<crate::build::RenderedFeed>,
) -> Result<Option<NoUpload>, Error> {
    match &config.store {
        Some(store) => Err(usage_error(format!(
            "this feedpub was built without the `object-store` feature and cannot publish to {}",
            store.scheme()
        ))),
        None => Ok(None),
    }
}

/// What an upload did, one line, then on a dry run the objects it would upload.
#[cfg(feature = "object-store")]
fn upload_summary(upload: &crate::publish::UploadReport) -> String {
    let verb = if upload.dry_run {
        "would upload"
    } else {
        "uploaded"
    };
    let mut text = format!(
        "{} {verb} {} ({} bytes), {} unchanged{}\n",
        upload.store,
        plural(upload.uploaded.len(), "object"),
        upload.uploaded_bytes,
        upload.unchanged,
        if upload.listed {
            " (store listed: no upload state on this machine)"
        } else {
            ""
        },
    );
    if upload.dry_run {
        for key in &upload.uploaded {
            text.push_str(&format!("  {key}\n"));
        }
    }
    text
}

/// The upload report of a build without object-store support: there is none.
#[cfg(not(feature = "object-store"))]
#[derive(serde::Serialize)]
enum NoUpload {}

/// Never called: there is no upload without object-store support.
#[cfg(not(feature = "object-store"))]
fn upload_summary(upload: &NoUpload) -> String {
    match *upload {}
}

/// How long a build runs before its progress bar appears: short runs, the
/// usual case under cron, never draw one.
const SHOW_PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// Run a build with a progress bar on stderr that appears only once the build
/// has taken [`SHOW_PROGRESS_AFTER`].
fn build_with_bar(config: &Config, options: &BuildOptions) -> Result<BuildReport, Error> {
    let bar = ProgressBar::hidden();
    let (done, finished) = mpsc::channel::<()>();
    let result = thread::scope(|scope| {
        let shown = bar.clone();
        scope.spawn(move || {
            if finished.recv_timeout(SHOW_PROGRESS_AFTER) == Err(RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                // Keeps the spinner moving through the long, step-less load.
                shown.enable_steady_tick(Duration::from_millis(100));
            }
        });
        let result = build_with(config, options, &BarProgress(&bar));
        drop(done);
        result
    });
    // After the scope: the revealing thread has finished, so nothing draws
    // the bar again once it is cleared.
    bar.finish_and_clear();
    result
}

/// Shows a build's [`Progress`] on an `indicatif` bar.
struct BarProgress<'a>(&'a ProgressBar);

impl Progress for BarProgress<'_> {
    fn stage(&self, stage: Stage, total: Option<u64>) {
        let template = if total.is_some() {
            "{spinner} {msg:<16} [{bar:30}] {pos}/{len}"
        } else {
            "{spinner} {msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .progress_chars("=> ");
        // Position and length first: each call may redraw the bar.
        self.0.set_position(0);
        match total {
            Some(total) => self.0.set_length(total),
            None => self.0.unset_length(),
        }
        self.0.set_style(style);
        self.0.set_message(stage.label());
    }

    fn step(&self) {
        self.0.inc(1);
    }
}

/// The one line a successful build prints.
fn summary(report: &BuildReport) -> String {
    let mut excluded = vec![];
    for (count, what) in [
        (report.drafts, "draft"),
        (report.scheduled, "scheduled"),
        (report.expired, "expired"),
        (report.undated, "undated"),
    ] {
        if count > 0 {
            excluded.push(format!("{count} {what}"));
        }
    }
    let excluded = if excluded.is_empty() {
        String::new()
    } else {
        format!(" ({} left out)", excluded.join(", "))
    };
    let writes = if report.dry_run {
        "dry run, nothing written".to_string()
    } else {
        format!(
            "{} written, {} unchanged",
            report.written.len(),
            report.unchanged
        )
    };
    let next = report
        .next_change
        .map_or_else(|| "none".to_string(), |t| to_rfc3339(&t));
    let skipped = if report.skipped > 0 {
        format!(
            ", {} other file(s) not articles (RUST_LOG=debug says why)",
            report.skipped
        )
    } else {
        String::new()
    };
    let nothing = if report.nothing_changed {
        "; nothing changed"
    } else {
        ""
    };
    format!(
        "{} articles read{skipped}, {} published{excluded}; {} files: {writes}; {:.2} s; next scheduled change: {next}{nothing}",
        report.articles,
        report.published,
        report.files,
        report.elapsed_ms as f64 / 1000.0,
    )
}

fn run_check(cli: &Cli, args: &CheckArgs, streams: &mut Streams<'_>) -> Result<u8, RunError> {
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
    match cli.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *streams.out, diagnostics)
                .map_err(io::Error::from)?;
            writeln!(streams.out)?;
        }
        OutputFormat::Text => {
            for d in diagnostics {
                writeln!(streams.out, "{d}")?;
            }
            if !cli.quiet {
                for (path, root) in &report.skipped {
                    writeln!(
                        streams.err,
                        "note: skipped {}: not a feed (root element <{root}>)",
                        crate::text::escaped_path(path)
                    )?;
                }
            }
            if !cli.quiet {
                writeln!(
                    streams.err,
                    "{}, {}",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                )?;
            }
        }
    }
    let failing = errors > 0 || (args.strict && warnings > 0);
    Ok(if report.has_unreadable() {
        exit::IO
    } else if failing {
        exit::INVALID
    } else {
        exit::OK
    })
}

/// "1 error", "2 errors", "0 errors".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// How text output fits where it goes: the width from `COLUMNS`, else the
/// terminal's, else none (a pipe gets whole lines); colour only on a
/// terminal, never with `NO_COLOR`.
fn text_style() -> TextStyle {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)));
    let color = anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never;
    TextStyle { width, color }
}

fn run_preview(cli: &Cli, args: &PreviewArgs, streams: &mut Streams<'_>) -> Result<u8, RunError> {
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
    match cli.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *streams.out, &preview).map_err(io::Error::from)?;
            writeln!(streams.out)?;
        }
        OutputFormat::Text => write!(streams.out, "{}", render_preview(&preview, &text_style()))?,
    }
    report_left_out(&snapshot, streams)
}

/// Report the articles a build would leave out, as `build` does, and pick
/// the same exit code.
fn report_left_out(snapshot: &Snapshot<'_>, streams: &mut Streams<'_>) -> Result<u8, RunError> {
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

fn run_list(cli: &Cli, args: &ListArgs, streams: &mut Streams<'_>) -> Result<u8, RunError> {
    let config = load_config(cli)?;
    let now = now_from(args.now.as_deref())?;
    let snapshot = Snapshot::load(&config, now)?;
    let feeds = snapshot.list();
    match cli.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *streams.out, &feeds).map_err(io::Error::from)?;
            writeln!(streams.out)?;
        }
        OutputFormat::Text => write!(streams.out, "{}", render_list(&feeds, &text_style()))?,
    }
    report_left_out(&snapshot, streams)
}

#[cfg(feature = "serve")]
fn run_serve(cli: &Cli, args: &ServeArgs, streams: &mut Streams<'_>) -> Result<u8, RunError> {
    use crate::serve::{Limits, Server, Watch, is_within};

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
        crate::output::check_owned(&config.output_dir)?;
    }
    let rebuild = |streams: &mut Streams<'_>| -> io::Result<()> {
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
                for problem in report.errors.iter().chain(&report.warnings) {
                    writeln!(streams.err, "{problem}")?;
                }
                if report.left_out > 0 {
                    writeln!(
                        streams.err,
                        "{} article(s) with errors were left out; every other article was published",
                        report.left_out
                    )?;
                }
                writeln!(streams.out, "{}", summary(&report))?;
            }
            Err(e) => {
                report_error(&e, OutputFormat::Text, streams);
                writeln!(streams.err, "the last good feeds are still served")?;
            }
        }
        streams.out.flush()
    };
    if args.watch {
        rebuild(streams)?;
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
        let _ = rebuild(streams);
    };
    let hugo = config.hugo.as_ref();
    server.run_watching(Watch {
        content_dirs: config
            .content_dirs()
            .into_iter()
            .map(std::path::Path::to_path_buf)
            .collect(),
        config_files: std::iter::once(
            cli.paths
                .config
                .clone()
                .unwrap_or_else(|| PathBuf::from(crate::config::CONFIG_FILE_NAME)),
        )
        .chain(hugo.into_iter().flat_map(|site| site.files.iter().cloned()))
        .collect(),
        own_paths: vec![config.output_dir.clone(), config.ledger.clone()],
        on_change: &mut on_change,
    })?;
    Ok(exit::OK)
}

fn run_init(cli: &Cli, args: &InitArgs, streams: &mut Streams<'_>) -> Result<u8, RunError> {
    let written = crate::init::init(&args.dir)?;
    match cli.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *streams.out, &written).map_err(io::Error::from)?;
            writeln!(streams.out)?;
        }
        OutputFormat::Text if !cli.quiet => {
            for path in &written {
                writeln!(streams.out, "created {}", path.display())?;
            }
            let cd = if args.dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", args.dir.display())
            };
            writeln!(
                streams.out,
                "next: edit feedpub.toml, then `{cd}feedpub preview` and `feedpub build`"
            )?;
        }
        OutputFormat::Text => {}
    }
    Ok(exit::OK)
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
    let _ = match format {
        OutputFormat::Json => serde_json::to_writer_pretty(&mut *streams.err, &diagnostics)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(streams.err)),
        OutputFormat::Text => diagnostics
            .iter()
            .try_for_each(|d| writeln!(streams.err, "{d}"))
            .and_then(|()| match error {
                Error::Invalid(_) => writeln!(streams.err, "{error}"),
                _ => Ok(()),
            }),
    };
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
    fn bar_follows_stages_and_steps() {
        let bar = ProgressBar::hidden();
        let progress = BarProgress(&bar);

        progress.stage(Stage::Load, None);
        assert_eq!(
            (bar.message(), bar.length()),
            ("loading articles".into(), None)
        );
        progress.stage(Stage::Write, Some(4));
        progress.step();
        progress.step();

        assert_eq!(bar.message(), "writing feeds");
        assert_eq!((bar.position(), bar.length()), (2, Some(4)));
        // A new stage starts from zero.
        progress.stage(Stage::Validate, Some(3));
        assert_eq!((bar.position(), bar.length()), (0, Some(3)));
    }

    #[test]
    fn help_documents_exit_codes() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("3  another feedpub run holds"), "{help}");
    }
}
