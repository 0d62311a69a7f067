//! The build: load → pin → select → group → plan → read the bodies of the
//! feeds to render → render → validate → write.

mod fingerprint;
mod stream;
mod urls;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::cache::HeadCache;
use crate::config::Config;
use crate::content::{Listing, Loader, Problem, list};
use crate::error::{Diagnostic, Error, Result};
use crate::feed::discovery;
use crate::feed::{self, FeedSpec};
use crate::ledger::Ledger;
use crate::lock::{LockError, RunLock};
use crate::model::Article;
use crate::progress::{Progress, Silent, Stage};
use crate::select::{Exclusion, Selection};
use crate::state::{self, Probe};
use crate::taxonomy::{self, Term};
use crate::validate;
use crate::websub;

pub use crate::output::check_owned;
pub use crate::websub::{HubNotification, WebSubOutcome};
pub use crate::write::RenderedFeed;

use stream::{Outlet, Staging, formats_of};

/// How to run a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The build's "now": what is scheduled after it is not published.
    pub now: DateTime<Utc>,
    /// Check and render everything, but write nothing.
    pub dry_run: bool,
    /// All or nothing: any error in any article (and any warning) fails
    /// the run and nothing is published. Without it an article with errors
    /// is left out and reported, and every other article is published.
    pub strict: bool,
    /// How long to wait for another run's lock on the output directory.
    pub lock_wait: Duration,
    /// Publish even when the site-wide feed would lose more than half of
    /// the items readers see (otherwise the build stops: `content/` may be
    /// missing or incomplete).
    pub allow_shrink: bool,
    /// Send WebSub notifications for the feeds that changed (and those
    /// kept from earlier runs); without it they are kept for a later run.
    pub ping: bool,
}

/// What a build did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildReport {
    /// Article files read.
    pub articles: usize,
    /// Articles in at least the site-wide feed.
    pub published: usize,
    /// Drafts left out.
    pub drafts: usize,
    /// Articles dated after the build's now.
    pub scheduled: usize,
    /// Articles past their `expires` date.
    pub expired: usize,
    /// Undated pages left out (on a Hugo site, unless `stamp_undated`).
    pub undated: usize,
    /// Files produced: one per feed and enabled format (RSS, Atom, JSON Feed), plus `feeds.opml` and `index.html`.
    pub files: usize,
    /// Files written because their bytes changed (relative paths).
    pub written: Vec<PathBuf>,
    /// Files left untouched because their bytes were already right.
    pub unchanged: usize,
    /// Files rendered and validated in this run (relative paths); the
    /// others were kept as the last build wrote them, their inputs unchanged.
    pub rendered: Vec<PathBuf>,
    /// The next instant at which a build will publish something new.
    pub next_change: Option<DateTime<Utc>>,
    /// Warnings found along the way.
    pub warnings: Vec<Diagnostic>,
    /// Errors in articles that were left out of the feeds (only without
    /// `strict`); the run then exits with its own code.
    pub errors: Vec<Diagnostic>,
    /// Article files left out because of their errors.
    pub left_out: usize,
    /// Files under the content directory that are not articles (section
    /// pages, headless pages, bundle resources, …); `RUST_LOG=debug` says why.
    pub skipped: usize,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Wall time of the build, in milliseconds.
    pub elapsed_ms: u128,
    /// The machine state proved that nothing changed since the last build
    /// (no content, ledger, config or output file, and no scheduled change
    /// due): nothing was read, rendered or written.
    pub nothing_changed: bool,
    /// WebSub notifications sent, and kept for the next run.
    pub websub: WebSubOutcome,
    /// On a dry run, every file the build would publish, so that an
    /// upload can compare them without rendering again; empty otherwise.
    #[serde(skip)]
    pub dry_run_files: Vec<RenderedFeed>,
}

/// Everything up to rendering: the chosen articles and their feeds' files
/// (by default their bytes; a publishing build keeps them staged instead).
#[derive(Debug)]
pub struct Rendered<Files = Vec<RenderedFeed>> {
    /// The selection the feeds were made from.
    pub selection: Selection,
    /// Every file that passed the gate (feeds that changed, and the
    /// discovery files).
    pub files: Files,
    /// Warnings found so far.
    pub warnings: Vec<Diagnostic>,
    /// Errors in articles that were left out (only without `strict`).
    pub errors: Vec<Diagnostic>,
    /// Article files left out because of their errors.
    pub left_out: usize,
    /// Article files read.
    pub articles: usize,
    /// Files under the content directory that are not articles.
    pub skipped: usize,
    /// The ledger with this build's publications recorded, to save once
    /// the feeds are published.
    pub ledger: Ledger,
    /// Parsed front matter, to save once the feeds are published.
    pub(crate) cache: HeadCache,
    /// Files of feeds whose inputs did not change since the last build,
    /// which left them as they are: not rendered, validated or written
    /// (paths relative to the output directory, with their digests).
    pub kept: Vec<(PathBuf, u64)>,
    /// Each feed's folder and the fingerprint of its inputs.
    pub fingerprints: Vec<(PathBuf, u64)>,
}

/// Load, select, group, render and validate, without writing anything.
/// An error in a feed fails the whole run, with every problem; an error in
/// an article leaves that article out, unless `strict` (then it fails too).
pub fn render(config: &Config, options: &BuildOptions) -> Result<Rendered> {
    render_with(config, options, &Silent)
}

/// [`render`], telling `progress` how far it got.
pub(crate) fn render_with(
    config: &Config,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Rendered> {
    render_changed(config, options, progress, None, Vec::new())
}

/// [`render_with`], leaving out the feeds that `probe` proves unchanged:
/// same input fingerprint as when the last build published them, and their
/// files as it wrote them; the files that pass the gate go to `outlet`, a
/// bounded batch at a time.
fn render_changed<Files: Outlet + Send>(
    config: &Config,
    options: &BuildOptions,
    progress: &dyn Progress,
    probe: Option<&Probe>,
    mut outlet: Files,
) -> Result<Rendered<Files>> {
    let loader = Loader::new(config);
    let Prepared {
        mut selection,
        terms,
        mut problems,
        mut ledger,
        files: articles_read,
        skipped,
        mut cache,
        membership,
    } = prepare_with(
        config,
        &loader,
        options.now,
        progress,
        Bodies::Unknown,
        probe.map(Probe::listing),
    )?;
    if probe.is_some() {
        // A build (it took the probe under the run locks) writes what it
        // parsed before it renders, so a large site's freshly parsed
        // entries are not held through the render (#12).
        let stage = Instant::now();
        cache.save_parsed();
        tracing::debug!(
            ms = stage.elapsed().as_millis(),
            "saved the parsed front matter"
        );
    }
    if options.strict {
        fail_on_errors(&mut problems, true)?;
    }
    // Without `strict`, errors here are articles already left out.
    let (errors, mut problems): (Vec<_>, Vec<_>) =
        problems.into_iter().partition(Diagnostic::is_error);
    let left_out = errors
        .iter()
        .map(|d| &d.path)
        .collect::<std::collections::HashSet<_>>()
        .len();

    let stage = Instant::now();
    let planned = plan_feeds(
        config,
        &selection.published,
        &terms,
        &membership,
        &mut ledger,
        options.now,
    );
    // Subscription feeds and archive pages alike are rendered only when
    // their inputs (for a page: its items and its neighbours' links)
    // changed since the last build.
    let (changed, kept, fingerprints, unread) = {
        let feeds: Vec<&FeedSpec<'_>> = planned.0.iter().chain(&planned.1).collect();
        let fingerprints: Vec<(PathBuf, u64)> = feeds
            .par_iter()
            .map(|spec| (spec.dir.clone(), fingerprint::of(spec)))
            .collect();
        let kept_feeds: Vec<Option<Vec<(PathBuf, u64)>>> = feeds
            .par_iter()
            .zip(&fingerprints)
            .map(|(spec, (dir, fingerprint))| {
                let files: Vec<PathBuf> = formats_of(config, spec).map(|f| f.path(spec)).collect();
                probe?.unchanged_feed(&config.output_dir, dir, *fingerprint, &files)
            })
            .collect();
        let changed: Vec<bool> = kept_feeds.iter().map(Option::is_none).collect();
        // The items of the feeds to render whose bodies are only known.
        let unread: std::collections::HashSet<PathBuf> = feeds
            .iter()
            .zip(&changed)
            .filter(|(_, changed)| **changed)
            .flat_map(|(spec, _)| &spec.items)
            .filter(|a| a.body.is_none() && a.known_body.is_some())
            .map(|a| a.source.clone())
            .collect();
        let kept: Vec<(PathBuf, u64)> = kept_feeds.into_iter().flatten().flatten().collect();
        (changed, kept, fingerprints, unread)
    };
    tracing::debug!(
        ms = stage.elapsed().as_millis(),
        unread = unread.len(),
        "planned the feeds and compared their fingerprints"
    );
    let (specs, pages) = if unread.is_empty() {
        // Every feed to render has its bodies read: render what was planned.
        planned
    } else {
        drop(planned);
        // Feeds to render hold articles known from an earlier run: read
        // their bodies now. Their files were readable with the same stamp
        // a moment ago; one that is not any more fails the run.
        let which: Vec<usize> = selection
            .published
            .iter()
            .enumerate()
            .filter_map(|(i, a)| unread.contains(&a.source).then_some(i))
            .collect();
        let unreadable = loader.read_bodies(&mut selection.published, &which);
        if !unreadable.is_empty() {
            return Err(Error::Invalid(unreadable));
        }
        cache.remember_bodies(which.iter().map(|&i| &selection.published[i]));
        tracing::debug!(
            ms = stage.elapsed().as_millis(),
            bodies = which.len(),
            "read the known bodies of the feeds to render"
        );
        // The same plan again (planning is deterministic), now with every
        // body of the feeds to render read: only such a plan's feeds can
        // become feeds to render (`FeedSpec::to_render`), the first one's
        // would fail at their unread items.
        plan_feeds(
            config,
            &selection.published,
            &terms,
            &membership,
            &mut ledger,
            options.now,
        )
    };
    let feeds: Vec<&FeedSpec<'_>> = specs.iter().chain(&pages).collect();
    let changed: Vec<&FeedSpec<'_>> = feeds
        .iter()
        .zip(&changed)
        .filter_map(|(spec, changed)| changed.then_some(*spec))
        .collect();
    progress.stage(Stage::Render, u64::try_from(changed.len()).ok());
    let mut found = stream::render_in_batches(
        config,
        &changed,
        options.now,
        options.strict,
        &mut outlet,
        progress,
    )?;
    tracing::debug!(
        feeds = specs.len(),
        archive_pages = pages.len(),
        changed = changed.len(),
        ms = stage.elapsed().as_millis(),
        "rendered feeds"
    );
    tracing::debug!(
        problems = found.len(),
        "validated feeds and staged the changed files"
    );
    if let Err(Error::Invalid(found)) = fail_on_errors(&mut found, options.strict) {
        // A broken feed blocks everything; report the articles' errors too.
        return Err(Error::Invalid(
            errors.into_iter().chain(problems).chain(found).collect(),
        ));
    }
    problems.extend(found);
    // Published with the feeds, but not feeds: the feed validator skips them.
    outlet.take(discovery::render(config, &specs))?;
    problems.extend(crate::archive::stale_pages(
        &config.output_dir,
        &specs,
        &config.archive,
    ));
    problems.extend(crate::feed::stale_files(
        &config.output_dir,
        &feeds,
        &config.formats,
    ));
    Ok(Rendered {
        selection,
        files: outlet,
        warnings: problems,
        errors,
        left_out,
        articles: articles_read,
        skipped,
        ledger,
        cache,
        kept,
        fingerprints,
    })
}

/// A site's articles at one instant: selected, grouped, stamped by the
/// ledger, with the body read of every article that lands in some feed.
#[derive(Debug)]
pub struct Prepared {
    /// Published and left-out articles.
    pub selection: Selection,
    /// Every term with a feed, including terms that lost their articles.
    pub terms: Vec<Term>,
    /// Every problem found, errors and warnings.
    pub problems: Vec<Diagnostic>,
    /// The ledger with these publications recorded (not yet saved).
    pub ledger: Ledger,
    /// Article files found.
    pub files: usize,
    /// Files under the content directory that are not articles (each
    /// logged at debug level with why).
    pub skipped: usize,
    /// Parsed front matter to keep for the next run.
    pub(crate) cache: HeadCache,
    /// Which articles each feed holds: the ones whose bodies were read.
    pub(crate) membership: feed::Membership,
}

/// Every feed and archive page of the selection, dated by the ledger.
fn plan_feeds<'a>(
    config: &Config,
    published: &'a [Article],
    terms: &[Term],
    membership: &feed::Membership,
    ledger: &mut Ledger,
    now: DateTime<Utc>,
) -> (Vec<FeedSpec<'a>>, Vec<FeedSpec<'a>>) {
    let (mut specs, all_items) = feed::plan_with_all_items(config, published, terms, membership);
    ledger.date_feeds(&mut specs, now);
    let pages = crate::archive::plan(config, &mut specs, all_items);
    (specs, pages)
}

/// Which bodies [`prepare_with`] reads of the articles in feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bodies {
    /// Every one.
    All,
    /// Those not known from an earlier run ([`Article::known_body`]): the
    /// caller reads the others it renders.
    Unknown,
}

/// Load and prepare the site at `now`. Problems in articles are collected,
/// not returned as errors; only an unreadable ledger fails. Only front
/// matter is read for every article; bodies only where a feed needs them.
pub fn prepare(config: &Config, now: DateTime<Utc>, progress: &dyn Progress) -> Result<Prepared> {
    prepare_with(
        config,
        &Loader::new(config),
        now,
        progress,
        Bodies::All,
        None,
    )
}

/// [`prepare`] with `loader`, reading the feeds' `bodies`, from the walk
/// and stat pass `listing` when the run took one already.
fn prepare_with(
    config: &Config,
    loader: &Loader<'_>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    bodies: Bodies,
    listing: Option<&Listing>,
) -> Result<Prepared> {
    let stage = Instant::now();
    progress.stage(Stage::Load, None);
    let mut ledger = Ledger::load(&config.ledger)?;
    tracing::debug!(ms = stage.elapsed().as_millis(), "read the ledger");
    let cache = HeadCache::load(config);
    tracing::debug!(
        ms = stage.elapsed().as_millis(),
        "read the front-matter cache"
    );
    let walked;
    let listing = match listing {
        Some(listing) => listing,
        None => {
            walked = list(&config.content_dirs());
            &walked
        }
    };
    let mut loaded = loader.load_all_with(listing, Some(&cache));
    tracing::debug!(ms = stage.elapsed().as_millis(), "loaded the articles");
    // A renamed file is recognised by its content: read those bodies first
    // (in a build, only those whose digests the cache does not know).
    let unknown = ledger.mark_gone(&loaded.articles, &config.content_dir);
    tracing::debug!(ms = stage.elapsed().as_millis(), "read front matter");
    let mut problems = loaded.diagnostics;
    let unreadable = match bodies {
        Bodies::All => loader.read_bodies(&mut loaded.articles, &unknown),
        Bodies::Unknown => loader.read_unknown_bodies(&mut loaded.articles, &unknown),
    };
    tracing::debug!(
        unknown = unknown.len(),
        read = unknown
            .iter()
            .filter(|&&i| loaded.articles.get(i).is_some_and(|a| a.body.is_some()))
            .count(),
        ms = stage.elapsed().as_millis(),
        "compared the articles the ledger does not know"
    );
    let bad: std::collections::HashSet<&Path> =
        unreadable.iter().map(|d| d.path.as_path()).collect();
    loaded
        .articles
        .retain(|a| !bad.contains(a.source.as_path()));
    problems.extend(unreadable);
    // On a Hugo site undated pages are not articles: they keep no date
    // (and stay out of the feeds) unless the site turns stamping on.
    let stamps_undated = config.stamps_undated();
    ledger.pin(&mut loaded.articles, &config.content_dir, now, |a| {
        a.date.is_some() || stamps_undated
    });
    tracing::debug!(ms = stage.elapsed().as_millis(), "pinned ids and dates");
    loaded.articles.sort_by(|a, b| a.source.cmp(&b.source));
    let (clashes, repeated) = duplicates(&loaded.articles);
    problems.extend(clashes);
    if !repeated.is_empty() {
        let mut index = 0;
        loaded.articles.retain(|_| {
            index += 1;
            !repeated.contains(&(index - 1))
        });
    }
    tracing::debug!(ms = stage.elapsed().as_millis(), "looked for duplicates");

    let mut selection = Selection::at(loaded.articles, now);
    if config.hugo.as_ref().is_some_and(|h| h.build_future) {
        selection.publish_scheduled();
    }
    tracing::debug!(ms = stage.elapsed().as_millis(), "selected");
    // An article whose body cannot be read is left out, and the feeds it
    // was in are planned again without it.
    let (terms, membership, members) = loop {
        let terms = taxonomy::group(&mut selection.published, &config.taxonomies);
        let terms = feed::language::terms_by_language(config, &selection.published, terms);
        tracing::debug!(ms = stage.elapsed().as_millis(), "grouped");
        let membership = feed::Membership::choose(config, &selection.published, &terms);
        let members = membership.members(selection.published.len());
        tracing::debug!(ms = stage.elapsed().as_millis(), "chose the feeds' members");
        let unreadable = match bodies {
            Bodies::All => loader.read_bodies(&mut selection.published, &members),
            Bodies::Unknown => loader.read_unknown_bodies(&mut selection.published, &members),
        };
        tracing::debug!(
            members = members.len(),
            read = selection
                .published
                .iter()
                .filter(|a| a.body.is_some())
                .count(),
            ms = stage.elapsed().as_millis(),
            "read the members' bodies"
        );
        if unreadable.is_empty() {
            break (terms, membership, members);
        }
        let bad: std::collections::HashSet<&Path> =
            unreadable.iter().map(|d| d.path.as_path()).collect();
        selection
            .published
            .retain(|a| !bad.contains(a.source.as_path()));
        problems.extend(unreadable);
    };
    let mut terms = terms;
    // A body known from an earlier run stands for a body read only where a
    // build from scratch reads one (the feeds' members): elsewhere the
    // ledger would see a fingerprint that such a build does not.
    let mut is_member = vec![false; selection.published.len()];
    for &i in &members {
        is_member[i] = true;
    }
    for (article, member) in selection.published.iter_mut().zip(is_member) {
        if !member {
            article.known_body = None;
        }
    }
    for (article, _) in &mut selection.excluded {
        article.known_body = None;
    }
    cache.remember_bodies(
        selection
            .published
            .iter()
            .chain(selection.excluded.iter().map(|(a, _)| a)),
    );
    problems.extend(loader.shortcode_warnings());
    for problem in problems.iter_mut().filter(|d| d.is_error()) {
        if ledger.was_published(&problem.path, &config.content_dir) {
            const NOTE: &str = "this article was published before: readers keep their \
                                copy, and it returns with the same id once fixed";
            problem.help = Some(match problem.help.take() {
                Some(help) => format!("{help}; {NOTE}"),
                None => NOTE.to_string(),
            });
        }
    }
    tracing::debug!(
        ms = stage.elapsed().as_millis(),
        "selected, grouped and read bodies"
    );
    ledger.stamp_updates(&mut selection.published, &config.content_dir, now);
    ledger.record(&selection.published, &terms, &config.content_dir);
    tracing::debug!(ms = stage.elapsed().as_millis(), "recorded in the ledger");
    // A term that lost its articles keeps a valid, empty feed: subscribers
    // get no 404.
    let languages = config
        .hugo
        .as_ref()
        .map(|site| site.other_languages.clone())
        .unwrap_or_default();
    terms.extend(ledger.retired_terms(&config.taxonomies, &languages, &terms));
    problems.extend(
        config
            .term_overrides
            .unknown(&config.taxonomies, &config.regions, &terms),
    );
    problems.extend(config.missing_feed_images());
    tracing::debug!(
        files = loaded.files,
        published = selection.published.len(),
        bodies = members.len(),
        problems = problems.len(),
        ms = stage.elapsed().as_millis(),
        "loaded articles"
    );
    Ok(Prepared {
        selection,
        terms,
        problems,
        ledger,
        files: loaded.files,
        skipped: loaded.skipped,
        cache,
        membership,
    })
}

/// Validate every rendered feed in memory, before anything is written; the
/// paths in the findings are where the files would be published.
pub fn gate(output_dir: &Path, files: &[RenderedFeed], now: DateTime<Utc>) -> Vec<Diagnostic> {
    let options = gate_options(now);
    files
        .par_iter()
        .flat_map_iter(|file| check(output_dir, file, &options))
        .collect()
}

/// How the gate validates the files of a build at `now`.
fn gate_options(now: DateTime<Utc>) -> validate::Options {
    validate::Options {
        now: Some(now),
        profile: validate::Profile::Gate,
    }
}

/// The gate's findings in one rendered file.
fn check(output_dir: &Path, file: &RenderedFeed, options: &validate::Options) -> Vec<Diagnostic> {
    let path = output_dir.join(&file.path);
    let mut found = validate::validate_feed(&path, &file.bytes, options);
    found.extend(urls::unsafe_urls(&path, &file.bytes));
    found
}

/// Turn the collected problems into an error when any blocks the build.
fn fail_on_errors(problems: &mut Vec<Diagnostic>, strict: bool) -> Result<()> {
    let blocking = problems.iter().any(|d| d.is_error() || strict);
    if blocking {
        Err(Error::Invalid(std::mem::take(problems)))
    } else {
        Ok(())
    }
}

/// Two articles with one URL or one id would be one item to every reader:
/// each later one is reported, naming the earlier, and its index returned
/// so it can be left out (the first in path order is published).
fn duplicates(articles: &[Article]) -> (Vec<Diagnostic>, std::collections::HashSet<usize>) {
    let mut problems = Vec::new();
    let mut repeated = std::collections::HashSet::new();
    // Each URL or id: the first article with it as its URL, and as its id
    // (one map, so an id that is the URL is looked up once).
    type Firsts<'a> = (Option<&'a Article>, Option<&'a Article>);
    let mut first: HashMap<&str, Firsts<'_>> = HashMap::with_capacity(articles.len());
    for (index, article) in articles.iter().enumerate() {
        let id_is_url = article.id == article.url;
        let (same_url, same_id) = if id_is_url {
            // The common case: one lookup, which also records the article
            // when it is the first with its URL.
            let firsts = first.entry(article.url.as_str()).or_default();
            let earlier = *firsts;
            if let (None, None) = earlier {
                *firsts = (Some(article), Some(article));
            }
            earlier
        } else {
            (
                first.get(article.url.as_str()).and_then(|f| f.0),
                first.get(article.id.as_str()).and_then(|f| f.1),
            )
        };
        // An id that is the URL clashes exactly when the URL does: say it once.
        let clash = match (same_url, same_id) {
            (Some(earlier), _) => Some((
                Problem::DuplicateUrl,
                "URL",
                earlier,
                &article.url,
                "`slug` or `url`",
            )),
            (None, Some(earlier)) => {
                Some((Problem::DuplicateId, "id", earlier, &article.id, "`id`"))
            }
            (None, None) => None,
        };
        if let Some((problem, what, earlier, value, fields)) = clash {
            problems.push(
                problem
                    .at(
                        &article.source,
                        format!(
                            "the article has the same {what} as {}: {value}",
                            earlier.source.display()
                        ),
                    )
                    .with_help(format!("give one of them another {fields}")),
            );
            repeated.insert(index);
            continue;
        }
        if id_is_url {
            continue;
        }
        first
            .entry(&article.url)
            .or_default()
            .0
            .get_or_insert(article);
        first
            .entry(&article.id)
            .or_default()
            .1
            .get_or_insert(article);
    }
    (problems, repeated)
}

/// Run a whole build: render and validate everything, then (unless a dry
/// run) publish the files that changed, under the output directory's lock.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildReport> {
    build_with(config, options, &Silent)
}

/// [`build`], telling `progress` how far it got.
pub fn build_with(
    config: &Config,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport> {
    let started = Instant::now();
    let locks = if options.dry_run {
        None
    } else {
        Some(take_locks(config, options.lock_wait)?)
    };
    if let Some(locks) = &locks {
        // A run killed while writing leaves its temporary files behind:
        // remove them from the directories builds write into, before the
        // no-op fast path can end the run.
        let dirs = feed_dirs(config);
        let removed =
            locks.output.remove_stale_temps(&dirs)? + locks.site.remove_stale_temps(&[])?;
        if removed > 0 {
            tracing::info!(
                removed,
                "removed temporary files left by an interrupted run"
            );
        }
    }
    // The no-op fast path, under the locks: one walk and stat pass.
    let mut probe = locks.as_ref().map(|_| Probe::take(config, options.now));
    if let Some(unchanged) = probe.as_mut().and_then(Probe::unchanged) {
        let mut report = unchanged_report(unchanged, options, started);
        // Nothing changed, but notifications an earlier run could not
        // deliver are due.
        notify_hubs(config, options, &mut report);
        return Ok(report);
    }
    if options.dry_run {
        let mut rendered = render_changed(config, options, progress, None, Vec::new())?;
        if !options.allow_shrink {
            shrink_guard(&config.output_dir, rendered.files.site_feed_items())?;
        }
        let mut report = summary(&mut rendered, options);
        report.websub = websub::pending(config);
        report.dry_run_files = rendered.files;
        report.elapsed_ms = started.elapsed().as_millis();
        return Ok(report);
    }
    let staging = Staging::new(&config.output_dir);
    let mut rendered = render_changed(config, options, progress, probe.as_ref(), staging)?;
    let images = published_images(config, &rendered.selection);
    let mut report = summary(&mut rendered, options);
    if !options.allow_shrink {
        shrink_guard(&config.output_dir, rendered.files.site_feed_items())?;
    }
    // The ledger last, so nothing enters it before it is published: its new
    // version is staged after the feeds (a ledger that cannot be written
    // stops the run before any feed changes), renamed only once every feed
    // is in place. A failed publish drops the staged ledger unchanged.
    let stage = Instant::now();
    let ledger = rendered.ledger.stage()?;
    tracing::debug!(ms = stage.elapsed().as_millis(), "staged the ledger");
    let Staging {
        stager,
        digests: mut files_digests,
        ..
    } = rendered.files;
    report.rendered = files_digests.iter().map(|(path, _)| path.clone()).collect();
    files_digests.extend(rendered.kept);
    let stage = Instant::now();
    let published = stager.publish(progress)?;
    tracing::debug!(ms = stage.elapsed().as_millis(), "published the feeds");
    report.unchanged = published.unchanged + (files_digests.len() - report.rendered.len());
    report.written = published
        .written
        .into_iter()
        .map(|p| {
            p.strip_prefix(&config.output_dir)
                .map(PathBuf::from)
                .unwrap_or(p)
        })
        .collect();
    if let Some(ledger) = ledger {
        ledger.commit_synced()?;
    }
    let stage = Instant::now();
    rendered.ledger.save_mirror();
    tracing::debug!(
        ms = stage.elapsed().as_millis(),
        "saved the ledger's mirror"
    );
    // The articles and the ledger are freed on another thread, while the
    // cache and the state are saved: 50,000 articles take tens of
    // milliseconds to free, which the run need not wait for (#12).
    free_in_background((rendered.selection, rendered.ledger));
    let stage = Instant::now();
    rendered.cache.save();
    tracing::debug!(
        ms = stage.elapsed().as_millis(),
        "saved the front-matter cache"
    );
    // A run with problems saves no state: they are reported every run.
    let clean = report.warnings.is_empty() && report.errors.is_empty();
    if let Some(probe) = probe.filter(|_| clean) {
        let record = state_record(&report, files_digests, images, rendered.fingerprints);
        let stage = Instant::now();
        probe.save(config, record);
        tracing::debug!(ms = stage.elapsed().as_millis(), "saved the machine state");
        free_in_background(probe);
    }
    notify_hubs(config, options, &mut report);
    report.elapsed_ms = started.elapsed().as_millis();
    Ok(report)
}

/// Free `value` on a thread of its own, so the run goes on meanwhile (a
/// process that ends first leaves the rest to the system).
fn free_in_background<T: Send + 'static>(value: T) {
    // Should no thread start, the value is freed here as the spawn fails.
    let _ = std::thread::Builder::new()
        .name("feedpub-free".into())
        .spawn(move || drop(value));
}

/// The report of a build that rendered `rendered`: its counts, warnings
/// and errors (taken out of `rendered`).
fn summary<Files: Outlet>(rendered: &mut Rendered<Files>, options: &BuildOptions) -> BuildReport {
    let selection = &rendered.selection;
    BuildReport {
        articles: rendered.articles,
        published: selection.published.len(),
        drafts: selection.count(|r| matches!(r, Exclusion::Draft)),
        scheduled: selection.count(|r| matches!(r, Exclusion::Scheduled { .. })),
        expired: selection.count(|r| matches!(r, Exclusion::Expired { .. })),
        undated: selection.count(|r| matches!(r, Exclusion::Undated)),
        files: rendered.files.taken() + rendered.kept.len(),
        next_change: selection.next_change,
        warnings: std::mem::take(&mut rendered.warnings),
        errors: std::mem::take(&mut rendered.errors),
        left_out: rendered.left_out,
        skipped: rendered.skipped,
        dry_run: options.dry_run,
        ..BuildReport::default()
    }
}

/// After publishing: tell the WebSub hubs about the feeds this run wrote
/// (none on a no-op) and about those earlier runs could not deliver.
fn notify_hubs(config: &Config, options: &BuildOptions, report: &mut BuildReport) {
    let changed = websub::changed_feeds(config, &report.written);
    let (outcome, warnings) = websub::notify(config, &changed, options.ping);
    report.websub = outcome;
    report.warnings.extend(warnings);
}

/// Stop a build whose site-wide RSS feed would hold fewer than half of the
/// items of the one published now (`new_items`, when this build rendered
/// it): a missing or half checked-out `content/` must not wipe what
/// subscribers see.
fn shrink_guard(output_dir: &Path, new_items: Option<usize>) -> Result<()> {
    // A site feed that was not rendered again is unchanged: nothing to read.
    let Some(after) = new_items else {
        return Ok(());
    };
    let published = output_dir.join(stream::SITE_FEED);
    // Feeds feedpub wrote are far below this; anything else is not ours to judge.
    let Ok(old) = crate::files::read_regular(&published, 64 << 20) else {
        return Ok(());
    };
    let before = stream::count_items(&old);
    if after * 2 >= before {
        return Ok(());
    }
    Err(Error::Invalid(vec![
        Diagnostic::error(
            &published,
            format!(
                "this build would drop {} of the {before} items readers see in the site-wide feed",
                before - after
            ),
        )
        .with_help(
            "check that content/ is complete (a failed checkout, a wrong mount); \
             if the articles were removed on purpose, run again with --allow-shrink",
        ),
    ]))
}

/// The directories below the output directory that builds write into, by
/// the output's layout: each taxonomy's folder (in the output directory and
/// in each other language's folder), the custom feeds' folder, and the
/// folders in each of these; each other language's folder; and in
/// each of these folders and the output directory, the archive pages'
/// folder and its month folders (never a walk of arbitrary subtrees:
/// another site's output may lie below this one). Symbolic links are not
/// followed.
fn feed_dirs(config: &Config) -> Vec<PathBuf> {
    // The folders in `folder`, or `None` when it cannot be read.
    let subfolders = |folder: &Path| -> Option<Vec<PathBuf>> {
        let entries = std::fs::read_dir(config.output_dir.join(folder)).ok()?;
        Some(
            entries
                .flatten()
                .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
                .map(|entry| folder.join(entry.file_name()))
                .collect(),
        )
    };
    let languages: &[String] = config
        .hugo
        .as_ref()
        .map_or(&[], |site| site.other_languages.as_slice());
    // Each other language has its taxonomies' folders in its own folder.
    let in_languages = languages.iter().flat_map(|code| {
        config
            .taxonomies
            .iter()
            .map(move |taxonomy| format!("{code}/{}", taxonomy.dir_name()))
    });
    let groups = config
        .taxonomies
        .iter()
        .map(|taxonomy| taxonomy.dir_name().to_string())
        .chain([crate::output::CUSTOM_DIR.to_string()])
        .chain(in_languages);
    let mut feeds = vec![PathBuf::new()];
    for group in groups {
        let folder = PathBuf::from(group);
        if let Some(terms) = subfolders(&folder) {
            feeds.extend(terms);
            feeds.push(folder);
        }
    }
    if let Some(site) = &config.hugo {
        feeds.extend(site.other_languages.iter().map(PathBuf::from));
    }
    let mut dirs = Vec::new();
    for feed in feeds {
        let archive = feed.join(crate::output::ARCHIVE_DIR);
        if let Some(months) = subfolders(&archive) {
            dirs.extend(months);
            dirs.push(archive);
        }
        if !feed.as_os_str().is_empty() {
            dirs.push(feed);
        }
    }
    dirs
}

/// The locks a publishing run holds: the output directory's, and the
/// site's (beside the ledger), so two runs with different `--out` cannot
/// both update one ledger.
struct Locks {
    output: RunLock,
    site: RunLock,
}

/// Take the output directory's lock, then the site's, each waiting up to
/// `wait`. Always in this order, so two runs cannot wait for each other.
fn take_locks(config: &Config, wait: Duration) -> Result<Locks> {
    let output = RunLock::acquire(&config.output_dir, wait).map_err(|e| match e {
        LockError::Busy { .. } => Error::Locked {
            dir: config.output_dir.clone(),
            message: e.to_string(),
        },
        LockError::Io(e) => e,
    })?;
    tracing::debug!(path = %output.path().display(), "took the output directory's lock");
    let path = crate::ledger::lock_path(&config.ledger);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_dir_all(dir)?;
    }
    let site = RunLock::acquire_file(&path, wait).map_err(|e| match e {
        LockError::Busy { holder, waited } => Error::Locked {
            dir: config.ledger.clone(),
            message: format!(
                "another feedpub build is using this site's ledger ({holder}); gave up after {:.1} s",
                waited.as_secs_f64()
            ),
        },
        LockError::Io(e) => e,
    })?;
    tracing::debug!(path = %site.path().display(), "took the site's lock");
    Ok(Locks { output, site })
}

/// The report of a run that proved nothing changed: the last build's.
fn unchanged_report(
    (summary, next_change): (state::Summary, Option<DateTime<Utc>>),
    options: &BuildOptions,
    started: Instant,
) -> BuildReport {
    BuildReport {
        articles: summary.articles,
        published: summary.published,
        drafts: summary.drafts,
        scheduled: summary.scheduled,
        expired: summary.expired,
        undated: summary.undated,
        files: summary.files,
        unchanged: summary.files,
        next_change,
        dry_run: options.dry_run,
        elapsed_ms: started.elapsed().as_millis(),
        nothing_changed: true,
        ..BuildReport::default()
    }
}

/// The local image files whose sizes published feeds carry, and those the
/// feed-level `image` and `icon` name (a run that finds one gone warns).
fn published_images(config: &Config, selection: &Selection) -> Vec<PathBuf> {
    let mut images: Vec<PathBuf> = selection
        .published
        .iter()
        .filter_map(|a| a.image.as_ref()?.local_file.clone())
        .chain(
            config
                .feed_image_files
                .iter()
                .filter_map(|f| f.file.clone()),
        )
        .collect();
    // By bytes: comparing 50,000 paths component by component showed in
    // profiles (#12), and any fixed order serves the state.
    images.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    images.dedup();
    images
}

/// What the machine state records of a build.
fn state_record(
    report: &BuildReport,
    outputs: Vec<(PathBuf, u64)>,
    images: Vec<PathBuf>,
    feeds: Vec<(PathBuf, u64)>,
) -> state::Record {
    state::Record {
        summary: state::Summary {
            articles: report.articles,
            published: report.published,
            drafts: report.drafts,
            scheduled: report.scheduled,
            expired: report.expired,
            undated: report.undated,
            files: report.files,
        },
        next_change: report.next_change,
        outputs,
        images,
        feeds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_blocks_a_broken_feed_and_reports_where() {
        let now = "2024-05-01T00:00:00Z".parse().unwrap();
        let broken = RenderedFeed {
            path: PathBuf::from("categories/x/rss.xml"),
            bytes: b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>t</title></channel></rss>\n".to_vec(),
        };
        let mut problems = gate(Path::new("feeds"), &[broken], now);
        assert!(
            problems.iter().any(|d| d.is_error()
                && d.code.as_deref() == Some("MissingElement")
                && d.path == Path::new("feeds/categories/x/rss.xml")),
            "{problems:?}"
        );
        assert!(matches!(
            fail_on_errors(&mut problems, false),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn a_repeated_url_or_id_is_reported_with_its_own_code() {
        let first = Article::sample("a");
        let same_url = Article {
            source: "content/b.md".into(),
            id: "urn:b".into(),
            ..Article::sample("a")
        };
        let same_id = Article {
            id: first.id.clone(),
            ..Article::sample("c")
        };
        let (problems, repeated) = duplicates(&[first, same_url, same_id]);
        let codes: Vec<_> = problems.iter().map(|d| d.code.as_deref()).collect();
        assert_eq!(
            codes,
            [
                Some(Problem::DuplicateUrl.code()),
                Some(Problem::DuplicateId.code())
            ]
        );
        assert_eq!(repeated, [1, 2].into_iter().collect());
    }

    #[test]
    fn strict_makes_warnings_block() {
        let warning = || vec![Diagnostic::warning("a.md", "odd")];
        assert!(fail_on_errors(&mut warning(), false).is_ok());
        assert!(fail_on_errors(&mut warning(), true).is_err());
    }
}
