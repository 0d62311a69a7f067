//! Render → validate → hand over, a bounded batch of feeds at a time, so a
//! build holds the bytes of a few feeds at once, not of all of them (#12).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::feed::{self, Feed, FeedSpec, FeedToRender};
use crate::format::Format;
use crate::progress::Progress;
use crate::state;
use crate::write::{RenderedFeed, Stager};

/// Feeds rendered and validated together per rayon thread: enough to keep
/// every thread busy when feeds differ in size, few enough that a batch of
/// the largest feeds (about 1.5 MB for the three formats of a 50,000-article
/// site's feed) stays small.
const FEEDS_PER_THREAD: usize = 4;

/// The path of the site-wide RSS feed, which the shrink guard compares.
pub(super) const SITE_FEED: &str = "rss.xml";

/// Where the files of a build go once they passed the gate.
pub(super) trait Outlet {
    /// Take a batch of files that passed the gate (or that it does not judge).
    fn take(&mut self, files: Vec<RenderedFeed>) -> Result<()>;

    /// How many files it took.
    fn taken(&self) -> usize;

    /// How many items the new site-wide RSS feed holds, if it was taken.
    fn site_feed_items(&self) -> Option<usize>;
}

/// Keep every file's bytes: for [`super::render`] and dry runs.
impl Outlet for Vec<RenderedFeed> {
    fn take(&mut self, files: Vec<RenderedFeed>) -> Result<()> {
        self.extend(files);
        Ok(())
    }

    fn taken(&self) -> usize {
        self.len()
    }

    fn site_feed_items(&self) -> Option<usize> {
        let site = self.iter().find(|f| f.path == Path::new(SITE_FEED))?;
        Some(count_items(&site.bytes))
    }
}

/// Stage each file whose bytes changed beside the published one and keep
/// only its path and digest: for a build that publishes.
#[derive(Debug)]
pub(super) struct Staging {
    /// The changed files' new versions, waiting to be renamed into place.
    pub(super) stager: Stager,
    /// Every file taken, in order, with the digest of its bytes.
    pub(super) digests: Vec<(PathBuf, u64)>,
    /// Items in the new site-wide RSS feed, if it was taken.
    site_feed_items: Option<usize>,
}

impl Staging {
    /// Nothing staged yet below `output_dir`.
    pub(super) fn new(output_dir: &Path) -> Staging {
        Staging {
            stager: Stager::new(output_dir),
            digests: Vec::new(),
            site_feed_items: None,
        }
    }
}

impl Outlet for Staging {
    fn take(&mut self, files: Vec<RenderedFeed>) -> Result<()> {
        if let Some(site) = files.iter().find(|f| f.path == Path::new(SITE_FEED)) {
            self.site_feed_items = Some(count_items(&site.bytes));
        }
        let pairs: Vec<(&Path, &[u8])> = files
            .iter()
            .map(|f| (f.path.as_path(), f.bytes.as_slice()))
            .collect();
        self.stager.stage(&pairs)?;
        self.digests.extend(
            files
                .par_iter()
                .map(|f| (f.path.clone(), state::digest(&f.bytes)))
                .collect::<Vec<_>>(),
        );
        Ok(())
    }

    fn taken(&self) -> usize {
        self.digests.len()
    }

    fn site_feed_items(&self) -> Option<usize> {
        self.site_feed_items
    }
}

/// Render `specs` a batch at a time, validate each batch in the gate and
/// hand it to `outlet`, then drop its bytes; return every problem the gate
/// found. Each batch is made into feeds to render first, every item with
/// its body: an item whose body was not read fails the run (a bug), it is
/// never rendered empty. Once a problem blocks the build (any error; with `strict`, any
/// problem) nothing more is handed over, but the remaining feeds are still
/// rendered and validated, so the report lists every problem.
///
/// A batch is handed over while the next one is rendered, so the outlet's
/// writes and syncs overlap with rendering instead of stalling it (#12);
/// at most two batches' bytes are held at once.
pub(super) fn render_in_batches(
    config: &Config,
    specs: &[&FeedSpec<'_>],
    now: DateTime<Utc>,
    strict: bool,
    outlet: &mut (dyn Outlet + Send),
    progress: &dyn Progress,
) -> Result<Vec<Diagnostic>> {
    let batch_len = rayon::current_num_threads() * FEEDS_PER_THREAD;
    let mut found = Vec::new();
    let mut blocked = false;
    // The last batch that passed the gate, not yet handed over.
    let mut passed: Option<Vec<RenderedFeed>> = None;
    for batch in specs.chunks(batch_len) {
        let batch: Vec<FeedToRender<'_>> = batch
            .iter()
            .map(|spec| spec.to_render())
            .collect::<Result<_, _>>()
            .map_err(|problem| Error::Invalid(vec![*problem]))?;
        let (taken, checked) = rayon::join(
            || passed.take().map_or(Ok(()), |files| outlet.take(files)),
            || render_and_check(config, &batch, now),
        );
        taken?;
        let (files, problems): (Vec<RenderedFeed>, Vec<Vec<Diagnostic>>) =
            checked.into_iter().unzip();
        let problems = problems.into_iter().flatten();
        let before = found.len();
        found.extend(problems);
        blocked |= found[before..].iter().any(|d| d.is_error() || strict);
        if !blocked {
            passed = Some(files);
        }
        for _ in batch {
            progress.step();
        }
    }
    if let Some(files) = passed {
        outlet.take(files)?;
    }
    Ok(found)
}

/// The enabled formats `spec` is published in: all of them, but no JSON
/// Feed for an archive page (RFC 5005 defines no JSON Feed archives).
pub(super) fn formats_of<'c, Item>(
    config: &'c Config,
    spec: &Feed<Item>,
) -> impl Iterator<Item = Format> + 'c {
    let archive = spec.history.archive;
    config
        .formats
        .iter()
        .copied()
        .filter(move |f| !(archive && *f == Format::Json))
}

/// Render every feed of `specs` in each of its formats and check each file
/// in the gate as soon as it is rendered: one task per file, so a large
/// feed's formats spread over the threads and no thread waits for the
/// whole batch to render before validating (#12).
fn render_and_check(
    config: &Config,
    specs: &[FeedToRender<'_>],
    now: DateTime<Utc>,
) -> Vec<(RenderedFeed, Vec<Diagnostic>)> {
    let files: Vec<(&FeedToRender<'_>, Format)> = specs
        .iter()
        .flat_map(|spec| formats_of(config, spec).map(move |format| (spec, format)))
        .collect();
    let options = super::gate_options(now);
    files
        .into_par_iter()
        .map(|(spec, format)| {
            let file = RenderedFeed {
                path: format.path(spec),
                bytes: match format {
                    Format::Rss => feed::rss::render(config, spec),
                    Format::Atom => feed::atom::render(config, spec),
                    Format::Json => feed::json::render(config, spec),
                },
            };
            let problems = super::check(&config.output_dir, &file, &options);
            (file, problems)
        })
        .collect()
}

/// How many `<item>` elements an RSS document has.
pub(super) fn count_items(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut items = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == b"item" =>
            {
                items += 1;
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return items,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Body};

    /// #12: a feed whose item's body was not read fails the run at the
    /// article's file; nothing of it is rendered or handed over.
    #[test]
    fn a_feed_with_an_unread_item_is_an_error_not_an_empty_item() {
        let config = Config::from_toml(
            "title = \"T\"\nbase_url = \"https://x.org\"\n",
            Path::new("feedpub.toml"),
            Path::new(""),
            &crate::config::Paths::default(),
        )
        .unwrap();
        let now = "2024-05-01T00:00:00Z".parse().unwrap();
        let read = Article {
            date: "2024-04-01T00:00:00Z".parse().ok(),
            body: Some(Box::new(Body::new(
                "<p>Read.</p>".into(),
                "Read.".into(),
                7,
                true,
            ))),
            ..Article::sample("read")
        };
        let render = |published: &[Article]| {
            let specs = feed::plan(&config, published, &[]);
            let specs: Vec<&FeedSpec<'_>> = specs.iter().collect();
            let mut outlet = Vec::new();
            let found = render_in_batches(
                &config,
                &specs,
                now,
                false,
                &mut outlet,
                &crate::progress::Silent,
            );
            (found, outlet)
        };
        let (found, outlet) = render(std::slice::from_ref(&read));
        assert!(found.unwrap().is_empty());
        assert_eq!(outlet.len(), config.formats.len());
        let unread = Article {
            date: "2024-04-02T00:00:00Z".parse().ok(),
            ..Article::sample("unread")
        };
        let (found, outlet) = render(&[read, unread]);
        let Err(Error::Invalid(problems)) = found else {
            panic!("{found:?}");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, Path::new("content/unread"));
        assert!(outlet.is_empty());
    }
}
