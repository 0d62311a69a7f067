//! Model-based test of the incremental engine (#12): random sequences of
//! edits on a small collection, each followed by an incremental build (with
//! the state file, the front-matter cache and the feeds of the runs before)
//! and by a build from scratch over the same content, config and ledger. The
//! two must agree on every feed byte, the ledger and the report.
//!
//! `PROPTEST_CASES` sets the number of sequences (default 64: about half a
//! minute on two cores).

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use feedpub::build::{BuildOptions, BuildReport, build};
use proptest::prelude::*;

use crate::support::{heavy_test, load_config, read_tree};

const CATEGORIES: &[&str] = &["Economy", "Politics", "Water & Climate"];
const COUNTRIES: &[&str] = &["Tajikistan", "KG", "Russia"];
const TITLES: &[&str] = &["Dam talks", "Gas deal", "New road", "Old news"];

/// One article as the model knows it.
#[derive(Debug, Clone)]
struct Article {
    /// Path under `content/`.
    path: String,
    title: String,
    body: String,
    /// Days after 2024-01-01, at 10:00 UTC; `None`: undated.
    day: Option<u32>,
    /// Expires this many days after 2024-01-01.
    expires: Option<u32>,
    category: usize,
    country: usize,
    draft: bool,
}

impl Article {
    fn text(&self) -> String {
        let mut front = format!("---\ntitle: \"{}\"\n", self.title);
        if let Some(day) = self.day {
            front += &format!("date: {}\n", to_rfc3339(day_at(day)));
        }
        if let Some(day) = self.expires {
            front += &format!("expires: {}\n", to_rfc3339(day_at(day)));
        }
        front += &format!(
            "categories: [\"{}\"]\ncountries: [{}]\n",
            CATEGORIES[self.category], COUNTRIES[self.country]
        );
        if self.draft {
            front += "draft: true\n";
        }
        format!("{front}---\n{}\n", self.body)
    }
}

fn day_at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 10, 0, 0).unwrap() + chrono::Duration::days(day.into())
}

fn to_rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One thing that can happen to a site between two cron runs.
#[derive(Debug, Clone)]
enum Step {
    EditTitle(usize, usize),
    EditBody(usize, u8),
    /// Same size, old mtime restored (`cp -p`, `rsync -t`).
    EditBodyKeepStat(usize),
    EditDate(usize, Option<u32>),
    EditExpiry(usize, Option<u32>),
    EditCategory(usize, usize),
    EditCountry(usize, usize),
    ToggleDraft(usize),
    Add(usize, Option<u32>),
    Delete(usize),
    Rename(usize),
    SetLimit(usize),
    AdvanceClock(u32),
    DeleteState,
    DeleteFeeds,
    /// One published file changed behind feedpub's back (the n-th, in
    /// path order): a feed whose inputs did not change must still be
    /// rewritten when its file is not what the last build wrote.
    TamperFeed(usize),
    /// Time passes: every article file is older than the few seconds in
    /// which a stat proves nothing, so the next build caches what it reads
    /// (bodies included) and the builds after it reuse that (#12).
    Settle,
    Nothing,
}

fn step() -> impl Strategy<Value = Step> {
    let i = 0..8usize;
    let day = proptest::option::weighted(0.9, 0..80u32);
    prop_oneof![
        (i.clone(), 0..TITLES.len()).prop_map(|(i, t)| Step::EditTitle(i, t)),
        (i.clone(), any::<u8>()).prop_map(|(i, b)| Step::EditBody(i, b)),
        i.clone().prop_map(Step::EditBodyKeepStat),
        (i.clone(), day.clone()).prop_map(|(i, d)| Step::EditDate(i, d)),
        (i.clone(), proptest::option::of(20..90u32)).prop_map(|(i, d)| Step::EditExpiry(i, d)),
        (i.clone(), 0..CATEGORIES.len()).prop_map(|(i, c)| Step::EditCategory(i, c)),
        (i.clone(), 0..COUNTRIES.len()).prop_map(|(i, c)| Step::EditCountry(i, c)),
        i.clone().prop_map(Step::ToggleDraft),
        (i.clone(), day).prop_map(|(i, d)| Step::Add(i, d)),
        i.clone().prop_map(Step::Delete),
        i.prop_map(Step::Rename),
        (0..3usize).prop_map(Step::SetLimit),
        (1..20u32).prop_map(Step::AdvanceClock),
        Just(Step::DeleteState),
        Just(Step::DeleteFeeds),
        (0..32usize).prop_map(Step::TamperFeed),
        Just(Step::Settle),
        Just(Step::Nothing),
    ]
}

/// The model of a site, and the real incremental one on disk.
struct Site {
    dir: tempfile::TempDir,
    articles: Vec<Article>,
    limit: usize,
    now: DateTime<Utc>,
    added: usize,
}

impl Site {
    fn new() -> Site {
        let articles = (0..4)
            .map(|i| Article {
                path: format!("2024/a{i}.md"),
                title: TITLES[i % TITLES.len()].to_string(),
                body: format!("Body of article {i}."),
                day: Some(u32::try_from(i).unwrap() * 9),
                expires: None,
                category: i % CATEGORIES.len(),
                country: i % COUNTRIES.len(),
                draft: false,
            })
            .collect();
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
            articles,
            limit: 3,
            now: day_at(20),
            added: 0,
        };
        site.write_config();
        for a in &site.articles {
            site.write(a);
        }
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write_config(&self) {
        std::fs::write(
            self.root().join("feedpub.toml"),
            format!(
                "title = \"Model\"\nbase_url = \"https://model.example.org\"\nlimit = {}\n",
                self.limit
            ),
        )
        .unwrap();
    }

    fn write(&self, a: &Article) {
        let path = self.root().join("content").join(&a.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, a.text()).unwrap();
    }

    fn pick(&mut self, i: usize) -> Option<&mut Article> {
        let n = self.articles.len();
        (n > 0).then(|| &mut self.articles[i % n])
    }

    fn apply(&mut self, step: &Step) {
        let edited = match step {
            Step::EditTitle(i, t) => self.pick(*i).map(|a| a.title = TITLES[*t].to_string()),
            Step::EditBody(i, b) => self.pick(*i).map(|a| a.body = format!("Edited {b}.")),
            Step::EditBodyKeepStat(i) => {
                let root = self.root().to_path_buf();
                if let Some(a) = self.pick(*i) {
                    // Flip the case of the body's first letter: same size.
                    let mut chars: Vec<char> = a.body.chars().collect();
                    chars[0] = if chars[0].is_uppercase() {
                        chars[0].to_ascii_lowercase()
                    } else {
                        chars[0].to_ascii_uppercase()
                    };
                    a.body = chars.into_iter().collect();
                    let path = root.join("content").join(&a.path);
                    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
                    std::fs::write(&path, a.text()).unwrap();
                    let file = File::options().write(true).open(&path).unwrap();
                    file.set_modified(mtime).unwrap();
                }
                None
            }
            Step::EditDate(i, d) => self.pick(*i).map(|a| a.day = *d),
            Step::EditExpiry(i, d) => self.pick(*i).map(|a| a.expires = *d),
            Step::EditCategory(i, c) => self.pick(*i).map(|a| a.category = *c),
            Step::EditCountry(i, c) => self.pick(*i).map(|a| a.country = *c),
            Step::ToggleDraft(i) => self.pick(*i).map(|a| a.draft = !a.draft),
            Step::Add(i, day) => {
                self.added += 1;
                let a = Article {
                    path: format!("2024/new{}.md", self.added),
                    title: TITLES[i % TITLES.len()].to_string(),
                    body: format!("Added {}.", self.added),
                    day: *day,
                    expires: None,
                    category: i % CATEGORIES.len(),
                    country: (i / 2) % COUNTRIES.len(),
                    draft: false,
                };
                self.write(&a);
                self.articles.push(a);
                None
            }
            Step::Delete(i) => {
                if !self.articles.is_empty() {
                    let a = self.articles.remove(i % self.articles.len());
                    std::fs::remove_file(self.root().join("content").join(a.path)).unwrap();
                }
                None
            }
            Step::Rename(i) => {
                self.added += 1;
                let root = self.root().to_path_buf();
                let n = self.added;
                if let Some(a) = self.pick(*i) {
                    let to = format!("moved/r{n}.md");
                    let target = root.join("content").join(&to);
                    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                    std::fs::rename(root.join("content").join(&a.path), target).unwrap();
                    a.path = to;
                }
                None
            }
            Step::SetLimit(l) => {
                self.limit = [1, 3, 50][*l];
                self.write_config();
                None
            }
            Step::AdvanceClock(days) => {
                self.now += chrono::Duration::days((*days).into());
                None
            }
            Step::DeleteState => {
                let _ = std::fs::remove_file(self.root().join(".feedpub-state"));
                None
            }
            Step::DeleteFeeds => {
                let _ = std::fs::remove_dir_all(self.root().join("feeds"));
                None
            }
            Step::TamperFeed(n) => {
                let feeds = self.root().join("feeds");
                let files: Vec<_> = read_tree(&feeds).into_iter().collect();
                if !files.is_empty() {
                    let (rel, mut bytes) = files[n % files.len()].clone();
                    bytes.extend_from_slice(b"\n");
                    std::fs::write(feeds.join(rel), bytes).unwrap();
                }
                None
            }
            Step::Settle => {
                let content = self.root().join("content");
                let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
                for rel in read_tree(&content).into_keys() {
                    let file = File::options().write(true).open(content.join(rel)).unwrap();
                    file.set_modified(hour_ago).unwrap();
                }
                None
            }
            Step::Nothing => None,
        };
        if edited.is_some() {
            let n = self.articles.len();
            let i = match step {
                Step::EditTitle(i, _)
                | Step::EditBody(i, _)
                | Step::EditDate(i, _)
                | Step::EditExpiry(i, _)
                | Step::EditCategory(i, _)
                | Step::EditCountry(i, _)
                | Step::ToggleDraft(i) => i % n,
                _ => unreachable!("only edits return Some"),
            };
            self.write(&self.articles[i]);
        }
    }
}

fn build_at(dir: &Path, now: DateTime<Utc>) -> Result<BuildReport, String> {
    let options = BuildOptions {
        now,
        dry_run: false,
        strict: false,
        lock_wait: Duration::from_secs(10),
        // Deleting most articles is one of the model's steps.
        allow_shrink: true,
        ping: false,
    };
    build(&load_config(dir), &options).map_err(|e| format!("{e:?}"))
}

/// What the report says about the site (not how long it took or what it
/// had to write).
fn gist(report: &BuildReport) -> String {
    format!(
        "{} read, {} published, {} drafts, {} scheduled, {} expired, {} files, next {:?}, {} warnings",
        report.articles,
        report.published,
        report.drafts,
        report.scheduled,
        report.expired,
        report.files,
        report.next_change,
        report.warnings.len()
    )
}

fn check(steps: &[Step]) -> Result<(), TestCaseError> {
    let mut site = Site::new();
    let ledger = site.root().join("feedpub-ledger.toml");
    let first = build_at(site.root(), site.now);
    prop_assert!(first.is_ok(), "{first:?}");
    for (n, step) in steps.iter().enumerate() {
        site.apply(step);
        let ledger_before = std::fs::read(&ledger).ok();
        let incremental = build_at(site.root(), site.now);

        let fresh = tempfile::tempdir().unwrap();
        std::fs::copy(
            site.root().join("feedpub.toml"),
            fresh.path().join("feedpub.toml"),
        )
        .unwrap();
        // Every article may have been deleted: the folder stays.
        std::fs::create_dir_all(fresh.path().join("content")).unwrap();
        for (rel, bytes) in read_tree(&site.root().join("content")) {
            let path = fresh.path().join("content").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        if let Some(bytes) = &ledger_before {
            std::fs::write(fresh.path().join("feedpub-ledger.toml"), bytes).unwrap();
        }
        let scratch = build_at(fresh.path(), site.now);

        let context = format!("after step {n} ({step:?}) of {steps:?}");
        match (&incremental, &scratch) {
            (Ok(a), Ok(b)) => prop_assert_eq!(gist(a), gist(b), "report {}", context),
            (Err(_), Err(_)) => {}
            _ => prop_assert!(
                false,
                "{context}: incremental {incremental:?}, scratch {scratch:?}"
            ),
        }
        prop_assert!(
            read_tree(&site.root().join("feeds")) == read_tree(&fresh.path().join("feeds")),
            "feeds differ {}",
            context
        );
        prop_assert!(
            std::fs::read(&ledger).ok()
                == std::fs::read(fresh.path().join("feedpub-ledger.toml")).ok(),
            "ledgers differ {}",
            context
        );
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_builds_from_scratch(steps in proptest::collection::vec(step(), 1..10)) {
        let _heavy = heavy_test();
        check(&steps)?;
    }
}

#[test]
fn a_plain_sequence_takes_the_shortcut_and_agrees() {
    // Fixed, so the fast path itself is certainly exercised.
    let steps = [
        Step::Nothing,
        Step::Settle,
        Step::Nothing,
        Step::EditBody(1, 7),
        Step::EditTitle(1, 3),
        Step::TamperFeed(0),
        Step::Nothing,
        Step::AdvanceClock(30),
        Step::Nothing,
        Step::EditBodyKeepStat(2),
        Step::Rename(0),
        Step::DeleteFeeds,
        Step::DeleteState,
    ];
    check(&steps).unwrap();
    let mut site = Site::new();
    build_at(site.root(), site.now).unwrap();
    site.apply(&Step::Nothing);
    let again = build_at(site.root(), site.now).unwrap();
    assert!(again.nothing_changed, "{again:?}");
}
