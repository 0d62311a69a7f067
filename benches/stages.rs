//! Per-stage benchmarks (issue 7): front matter, Markdown, feed
//! serialization and validation, and the no-op decision with the machine
//! state's load and save, on a corpus made by the same generator as
//! `bench/compare.sh` (`src/bin/gen_corpus.rs`).
//!
//! `cargo bench --bench stages` runs them all in well under a minute;
//! `cargo bench --bench stages -- markdown` runs one group.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use feedpub::build::BuildOptions;
use feedpub::config::{Config, Paths};
use feedpub::content::{Format, FrontMatter, Loader, render_html, simple_yaml, split, summarize};
use feedpub::feed::{self, FeedToRender, Scope};
use feedpub::select::Selection;
use feedpub::state::{Probe, Record, Verdict};
use feedpub::{build, taxonomy, validate};
use url::Url;

/// Articles in the generated corpus: enough for full 50-item feeds.
const ARTICLES: usize = 300;

/// The builds' "now": after every generated date (they end in 2025).
const NOW: &str = "2026-06-01T00:00:00Z";

/// A generated site in a temporary directory, with its files in memory.
struct Corpus {
    /// Keeps the site on disk while the benchmarks run.
    _dir: tempfile::TempDir,
    config: Config,
    /// Every article file: its text and the URL its links resolve against.
    files: Vec<(String, Url)>,
}

fn now() -> DateTime<Utc> {
    NOW.parse().expect("NOW is RFC 3339")
}

impl Corpus {
    fn generate() -> Corpus {
        let dir = tempfile::tempdir().expect("temporary directory");
        let out = Command::new(env!("CARGO_BIN_EXE_gen_corpus"))
            .args(["--articles", &ARTICLES.to_string(), "--out"])
            .arg(dir.path())
            .output()
            .expect("run gen_corpus");
        assert!(
            out.status.success(),
            "gen_corpus failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config = Config::load(&Paths {
            config: Some(dir.path().join("feedpub.toml")),
            ..Paths::default()
        })
        .expect("the generated feedpub.toml loads");
        let loader = Loader::new(&config);
        let (paths, problems) = loader.article_paths();
        assert!(problems.is_empty(), "{problems:?}");
        let files = paths
            .iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(path).expect("read article");
                let (article, _) = loader.load_file(path);
                let url = Url::parse(&article?.url).expect("article URLs are absolute");
                Some((text, url))
            })
            .collect();
        Corpus {
            _dir: dir,
            config,
            files,
        }
    }

    /// The articles published at [`NOW`], as the build hands them to
    /// `feed::plan`, with their bodies read.
    fn published(&self) -> Vec<feedpub::model::Article> {
        let loader = Loader::new(&self.config);
        let loaded = loader.load_all();
        let mut published = Selection::at(loaded.articles, now()).published;
        taxonomy::group(&mut published, &self.config.taxonomies);
        let every: Vec<usize> = (0..published.len()).collect();
        let problems = loader.read_bodies(&mut published, &every);
        assert!(problems.is_empty(), "{problems:?}");
        published
    }
}

/// The site-wide feed, ready to render: the newest 50 articles.
fn site_feed<'a>(config: &Config, published: &'a [feedpub::model::Article]) -> FeedToRender<'a> {
    let spec = feed::plan(config, published, &[])
        .into_iter()
        .find(|s| s.scope == Scope::Site)
        .expect("a site feed");
    assert_eq!(spec.items.len(), 50, "the site feed is full");
    spec.to_render().expect("every body is read")
}

fn front_matter(c: &mut Criterion, corpus: &Corpus) {
    let mut group = c.benchmark_group("front_matter");
    group.throughput(Throughput::Elements(corpus.files.len() as u64));
    group.bench_function("split", |b| {
        b.iter(|| {
            for (text, _) in &corpus.files {
                black_box(split(black_box(text)).is_ok());
            }
        })
    });
    group.bench_function("split_and_parse", |b| {
        b.iter(|| {
            for (text, _) in &corpus.files {
                let Ok(parts) = split(black_box(text)) else {
                    continue;
                };
                let parsed = match parts.format {
                    Format::Yaml => {
                        simple_yaml::from_str::<FrontMatter>(parts.front_matter).is_ok()
                    }
                    Format::Toml => toml::from_str::<FrontMatter>(parts.front_matter).is_ok(),
                    Format::Json => serde_json::from_str::<FrontMatter>(parts.front_matter).is_ok(),
                    Format::None => true,
                };
                black_box(parsed);
            }
        })
    });
    // The YAML front matter alone: serde-saphyr, and the simple reader with
    // serde-saphyr behind it (what the build runs).
    let yaml: Vec<&str> = corpus
        .files
        .iter()
        .filter_map(|(text, _)| split(text).ok())
        .filter(|parts| parts.format == Format::Yaml)
        .map(|parts| parts.front_matter)
        .collect();
    group.throughput(Throughput::Elements(yaml.len() as u64));
    group.bench_function("yaml_serde_saphyr", |b| {
        b.iter(|| {
            for text in &yaml {
                black_box(serde_saphyr::from_str::<FrontMatter>(black_box(text)).is_ok());
            }
        })
    });
    group.bench_function("yaml_simple_then_serde_saphyr", |b| {
        b.iter(|| {
            for text in &yaml {
                black_box(simple_yaml::from_str::<FrontMatter>(black_box(text)).is_ok());
            }
        })
    });
    group.finish();
}

fn markdown(c: &mut Criterion, corpus: &Corpus) {
    let bodies: Vec<(&str, &Url)> = corpus
        .files
        .iter()
        .filter_map(|(text, url)| Some((split(text).ok()?.body, url)))
        .collect();
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Elements(bodies.len() as u64));
    group.bench_function("render_and_sanitize", |b| {
        b.iter(|| {
            for (body, url) in &bodies {
                black_box(render_html(black_box(body), url));
            }
        })
    });
    group.bench_function("summarize", |b| {
        b.iter(|| {
            for (body, _) in &bodies {
                black_box(summarize(black_box(body), feedpub::config::SUMMARY_WORDS));
            }
        })
    });
    group.finish();
}

fn feeds(c: &mut Criterion, corpus: &Corpus) {
    let published = corpus.published();
    let spec = site_feed(&corpus.config, &published);
    let rss = feed::rss::render(&corpus.config, &spec);
    let atom = feed::atom::render(&corpus.config, &spec);
    let options = validate::Options {
        now: Some(now()),
        profile: validate::Profile::Gate,
    };
    for (name, bytes) in [("rss.xml", &rss), ("atom.xml", &atom)] {
        let problems = validate::validate_feed(Path::new(name), bytes, &options);
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }

    let mut group = c.benchmark_group("feed_50_items");
    group.throughput(Throughput::Elements(spec.items.len() as u64));
    group.bench_function("rss_render", |b| {
        b.iter(|| black_box(feed::rss::render(&corpus.config, black_box(&spec))))
    });
    group.bench_function("atom_render", |b| {
        b.iter(|| black_box(feed::atom::render(&corpus.config, black_box(&spec))))
    });
    group.bench_function("rss_validate", |b| {
        b.iter(|| {
            black_box(validate::validate_feed(
                Path::new("rss.xml"),
                black_box(&rss),
                &options,
            ))
        })
    });
    group.bench_function("atom_validate", |b| {
        b.iter(|| {
            black_box(validate::validate_feed(
                Path::new("atom.xml"),
                black_box(&atom),
                &options,
            ))
        })
    });
    group.finish();
}

/// The stages together: load, select, group, render and validate every
/// feed of the corpus, writing nothing.
fn pipeline(c: &mut Criterion, corpus: &Corpus) {
    let options = BuildOptions {
        now: now(),
        dry_run: true,
        strict: false,
        lock_wait: Duration::ZERO,
        allow_shrink: false,
        ping: false,
    };
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(corpus.files.len() as u64));
    group.sample_size(10);
    group.bench_function("load_all", |b| {
        b.iter(|| black_box(Loader::new(&corpus.config).load_all()))
    });
    group.bench_function("render", |b| {
        b.iter(|| black_box(build::render(&corpus.config, &options).expect("the corpus builds")))
    });
    group.finish();
}

/// The no-op path: the decision (walk, stat, load the state, compare), a
/// whole no-op build (lock included), and saving a state.
fn state(c: &mut Criterion, corpus: &Corpus) {
    let options = BuildOptions {
        now: now(),
        dry_run: false,
        strict: false,
        lock_wait: Duration::from_secs(10),
        allow_shrink: false,
        ping: false,
    };
    build::build(&corpus.config, &options).expect("the corpus builds");
    let mut group = c.benchmark_group("state");
    group.throughput(Throughput::Elements(corpus.files.len() as u64));
    group.bench_function("noop_decision", |b| {
        b.iter(|| {
            let probe = Probe::take(&corpus.config, now());
            assert!(matches!(probe.verdict(), Verdict::Unchanged(..)));
            black_box(probe)
        })
    });
    group.bench_function("noop_build", |b| {
        b.iter(|| {
            let report = build::build(&corpus.config, &options).expect("the corpus builds");
            assert!(report.nothing_changed);
            black_box(report)
        })
    });
    let feeds = &corpus.config.output_dir;
    let outputs: Vec<(PathBuf, u64)> = walkdir::WalkDir::new(feeds)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read a feed");
            let rel = e.path().strip_prefix(feeds).expect("below feeds/");
            (rel.to_path_buf(), feedpub::state::digest(&bytes))
        })
        .collect();
    group.bench_function("save", |b| {
        b.iter_batched(
            || Probe::take(&corpus.config, now()),
            |probe| {
                probe.save(
                    &corpus.config,
                    Record {
                        outputs: outputs.clone(),
                        ..Record::default()
                    },
                )
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn stages(c: &mut Criterion) {
    let corpus = Corpus::generate();
    front_matter(c, &corpus);
    markdown(c, &corpus);
    feeds(c, &corpus);
    pipeline(c, &corpus);
    state(c, &corpus);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = stages
}
criterion_main!(benches);
