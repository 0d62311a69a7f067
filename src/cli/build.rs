//! `feedpub build`: build, validate and publish, then one summary line.

use std::io;
use std::time::Duration;

use clap::Args;
use feedpub::build::{BuildOptions, BuildReport, RenderedFeed};
use feedpub::config::Config;
use feedpub::dates::to_rfc3339;
use feedpub::error::Error;

use super::{Cli, Outcome, OutputFormat, Streams, emit, exit, load_config, now_from};

/// Options of `feedpub build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The build's "now" (RFC 3339) [default: $SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Check and render everything, but write nothing.
    #[arg(long)]
    dry_run: bool,
    /// All or nothing (for CI): any error or warning in any article fails
    /// the run and nothing is published [default: `strict` in the config].
    #[arg(long)]
    strict: bool,
    /// Seconds to wait for another run to release the lock.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    wait: f64,
    /// Publish even if the site-wide feed loses more than half of its items
    /// (by default such a build stops: content/ may be missing or incomplete).
    #[arg(long)]
    allow_shrink: bool,
    /// Publish into the output directory even though it holds files
    /// feedpub did not write (by default such a build stops, so a site's
    /// own files are never mixed with or overwritten by feeds).
    #[arg(long)]
    force_out: bool,
    /// Do not notify the WebSub hubs in `websub_hubs`; the notifications
    /// are kept and sent by the next run without it.
    #[arg(long)]
    no_ping: bool,
}

/// Run `feedpub build`.
pub(super) fn run(cli: &Cli, args: &BuildArgs, streams: &mut Streams<'_>) -> Outcome {
    let config = load_config(cli)?;
    if !args.dry_run && !args.force_out {
        feedpub::build::check_owned(&config.output_dir)?;
    }
    let options = BuildOptions {
        now: now_from(args.now.as_deref())?,
        dry_run: args.dry_run,
        strict: args.strict || config.strict,
        lock_wait: Duration::try_from_secs_f64(args.wait).map_err(|_| {
            super::usage_error(format!("--wait {} is not a number of seconds", args.wait))
        })?,
        allow_shrink: args.allow_shrink,
        ping: !args.no_ping,
    };
    let mut report = if streams.progress && !cli.quiet && cli.format == OutputFormat::Text {
        super::progress::build_with_bar(&config, &options)?
    } else {
        feedpub::build::build(&config, &options)?
    };
    report_problems(&report, streams)?;
    let upload = upload(&config, &options, std::mem::take(&mut report.dry_run_files))?;
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
    emit(cli.format, streams.out, &json, |out| {
        if cli.quiet {
            return Ok(());
        }
        writeln!(out, "{}", summary(&report))?;
        match &upload {
            Some(upload) => write!(out, "{}", upload_summary(upload)),
            None => Ok(()),
        }
    })?;
    Ok(if report.left_out > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// Print a build's errors and warnings on stderr, and how many articles
/// were left out for their errors.
pub(super) fn report_problems(report: &BuildReport, streams: &mut Streams<'_>) -> io::Result<()> {
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
    Ok(())
}

/// Upload the output directory to the configured object store, if any.
#[cfg(feature = "object-store")]
fn upload(
    config: &Config,
    options: &BuildOptions,
    dry_run_files: Vec<RenderedFeed>,
) -> Result<Option<feedpub::publish::UploadReport>, Error> {
    config
        .store
        .as_ref()
        .map(|store| feedpub::publish::publish(config, store, options, dry_run_files))
        .transpose()
}

/// Without object-store support, a configured store is a usage error.
#[cfg(not(feature = "object-store"))]
fn upload(
    config: &Config,
    _options: &BuildOptions,
    _dry_run_files: Vec<RenderedFeed>,
) -> Result<Option<NoUpload>, Error> {
    match &config.store {
        Some(store) => Err(super::usage_error(format!(
            "this feedpub was built without the `object-store` feature and cannot publish to {}",
            store.scheme()
        ))),
        None => Ok(None),
    }
}

/// What an upload did, one line, then on a dry run the objects it would upload.
#[cfg(feature = "object-store")]
fn upload_summary(upload: &feedpub::publish::UploadReport) -> String {
    let verb = if upload.dry_run {
        "would upload"
    } else {
        "uploaded"
    };
    let mut text = format!(
        "{} {verb} {} ({} bytes), {} unchanged{}\n",
        upload.store,
        super::plural(upload.uploaded.len(), "object"),
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

/// The one line a successful build prints.
pub(super) fn summary(report: &BuildReport) -> String {
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
