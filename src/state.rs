//! Machine state: what the last build saw and wrote, so that a run in which
//! nothing changed can prove it from one walk and one `stat` per file, and
//! stop before parsing anything.
//!
//! The state lives in `.feedpub-state` beside the ledger, out of version
//! control. It holds a digest of the configuration (and of the feedpub
//! executable), the last build's instant and its next scheduled change, its
//! report, and a stat table (size, mtime, ctime, inode, device) of every
//! file under `content/` (hidden ones skipped, as the loader does), of the
//! ledger, of the local images feeds measure, and of every output file;
//! and each feed's input fingerprint, so that a build after a change
//! renders, validates and writes only the feeds whose inputs changed.
//!
//! Why stat and not content hashes: a stat pass is the cheapest proof
//! available (no file is opened), and ctime and inode cannot be set back by
//! a tool that restores mtime, so a same-size edit with the old mtime is
//! still seen. A file whose ctime is too close to the moment its stat was
//! taken could still change within the file system's timestamp granularity
//! without its stat changing ("racy", as git calls it): for those, and only
//! those, a content digest is stored and compared.
//!
//! The file is versioned, checksummed and written atomically. A missing,
//! corrupt or foreign state (other format, config or executable) is simply
//! not used; the build then runs in full and writes a fresh one. A run that
//! ends with warnings, or with articles left out for errors, writes none, so
//! its problems (and exit code) are reported on every run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::config::Config;
use crate::content::{Listing, list};
use crate::files::{Stat, read_regular};
use crate::framed::{decode_framed, encode_framed};
use crate::write::write_if_changed;

/// The state file's name, beside the ledger.
pub(crate) const STATE_FILE_NAME: &str = ".feedpub-state";

/// The first bytes of every state file.
const MAGIC: &[u8; 8] = b"feedpub\x1a";

/// The layout version; any other is ignored and rebuilt.
const FORMAT: u32 = 2;

/// The largest state file read (about 80 bytes per article are written).
const MAX_STATE_BYTES: u64 = 256 << 20;

/// The largest file hashed to settle a racy stat.
const MAX_HASHED_BYTES: u64 = 1 << 30;

/// One file of a short stat table (ledger, images, outputs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// The path, as used. (A path that is not UTF-8 cannot be saved: then
    /// no state is written, and every run builds.)
    path: PathBuf,
    /// `None`: the file did not exist (or was not a regular file).
    stat: Option<Stat>,
    /// Digest of the file's bytes.
    digest: Option<u64>,
    /// The stat alone proves nothing: compare the digest too.
    racy: bool,
}

/// The stat table of `content/`, in walk order, laid out in columns so
/// that 100,000 files load with a handful of allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Table {
    /// Paths relative to the content directory, each followed by a NUL
    /// (which no path holds).
    names: String,
    /// The stat of each file (`None`: not a regular file).
    stats: Vec<Option<Stat>>,
    /// Index and content digest of each racy file.
    racy: Vec<(u32, u64)>,
}

/// What the last build reported, replayed by a run that changes nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Article files read.
    pub articles: usize,
    /// Articles in at least the site-wide feed.
    pub published: usize,
    /// Drafts left out.
    pub drafts: usize,
    /// Articles dated after the build's now.
    pub scheduled: usize,
    /// Articles past their expiry.
    pub expired: usize,
    /// Undated pages left out (Hugo sites).
    pub undated: usize,
    /// Files produced.
    pub files: usize,
}

/// The state file's payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Saved {
    config: u64,
    now: DateTime<Utc>,
    next_change: Option<DateTime<Utc>>,
    summary: Summary,
    ledger: Entry,
    images: Vec<Entry>,
    outputs: Vec<Entry>,
    content: Table,
    /// Each feed's folder under the output directory and the fingerprint
    /// of the inputs its files were rendered from.
    feeds: Vec<(PathBuf, u64)>,
}

/// The result of comparing the site with the saved state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing that could change the output changed: the last build's
    /// report, and when the next scheduled change is due.
    Unchanged(Summary, Option<DateTime<Utc>>),
    /// Something changed (or could not be proven not to), and what.
    Changed(String),
}

/// What a build found at its start: the content's stat table, and whether
/// anything changed since the state was saved. Take it under the run lock.
#[derive(Debug)]
pub struct Probe {
    path: PathBuf,
    config: u64,
    now: DateTime<Utc>,
    root: PathBuf,
    content: Scan,
    verdict: Verdict,
    /// A state that proved the no-op but had racy entries that have since
    /// settled: saving it again makes the next no-op a pure stat pass.
    settled: Option<Saved>,
    /// What the last build published, when this run builds with the same
    /// configuration and executable, not earlier than it.
    published: Option<Published>,
}

/// The feeds the last build published and the files it wrote, kept by a
/// run that builds, so feeds whose inputs did not change are left as they are.
#[derive(Debug, Default)]
struct Published {
    /// Input fingerprint by feed folder.
    feeds: HashMap<PathBuf, u64>,
    /// Output files by path.
    outputs: HashMap<PathBuf, Entry>,
}

impl Probe {
    /// Walk and stat the site of `config` and compare it with the saved
    /// state, for a build at `now`. When something changed, the saved state
    /// is deleted at once, so a build that dies halfway leaves none behind.
    pub fn take(config: &Config, now: DateTime<Utc>) -> Probe {
        let started = std::time::Instant::now();
        let path = state_path(config);
        let digest = config_digest(config);
        let saved = load(&path);
        let loaded = started.elapsed();
        let recorded = saved
            .as_ref()
            .filter(|s| s.config == digest)
            .map(|s| &s.content);
        let (mut content, content_same) = scan_content(&config.content_dirs(), recorded);
        let scanned = started.elapsed();
        let verdict = match &saved {
            None => Verdict::Changed("no usable state file".into()),
            Some(saved) => match decide(saved, digest, now, content_same) {
                Ok(()) => Verdict::Unchanged(saved.summary, saved.next_change),
                Err(why) => Verdict::Changed(why),
            },
        };
        tracing::debug!(
            files = content.listing.files.len(),
            load_ms = loaded.as_millis(),
            scan_ms = (scanned - loaded).as_millis(),
            decide_ms = (started.elapsed() - scanned).as_millis(),
            unchanged = matches!(verdict, Verdict::Unchanged(..)),
            "compared the site with the state file"
        );
        let published = saved
            .as_ref()
            .filter(|s| s.config == digest && now >= s.now)
            .map(|s| Published {
                feeds: s.feeds.iter().cloned().collect(),
                outputs: s
                    .outputs
                    .iter()
                    .map(|e| (e.path.clone(), e.clone()))
                    .collect(),
            });
        let settled = match (&verdict, saved) {
            (Verdict::Changed(why), Some(saved)) => {
                tracing::debug!(why = %why, "state: building");
                if let Err(e) = std::fs::remove_file(&path)
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::debug!(error = %e, "could not remove the state file");
                }
                // The walk found the files the state names: the state
                // this build saves names them the same way (#12).
                if content.names_recorded {
                    content.names = Some(saved.content.names);
                }
                None
            }
            (Verdict::Unchanged(..), Some(mut saved)) => {
                settle(&mut saved, &config.content_dir, &content).then_some(saved)
            }
            _ => None,
        };
        Probe {
            path,
            config: digest,
            now,
            root: config.content_dir.clone(),
            content,
            verdict,
            settled,
            published,
        }
    }

    /// The digests of `files` (paths relative to `output_dir`) of the feed
    /// in folder `dir`, when the last build published them from inputs with
    /// this `fingerprint` and every one of them is still as it was written;
    /// `None` when the feed must be rendered.
    pub(crate) fn unchanged_feed(
        &self,
        output_dir: &Path,
        dir: &Path,
        fingerprint: u64,
        files: &[PathBuf],
    ) -> Option<Vec<(PathBuf, u64)>> {
        let published = self.published.as_ref()?;
        if published.feeds.get(dir) != Some(&fingerprint) {
            return None;
        }
        let taken = SystemTime::now();
        files
            .iter()
            .map(|rel| {
                let recorded = published.outputs.get(&output_dir.join(rel))?;
                let now = entry_for(&recorded.path, Some(recorded), taken, false);
                (now == *recorded).then_some((rel.clone(), recorded.digest?))
            })
            .collect()
    }

    /// This run's walk and stat pass over the content folders, for the
    /// loader: a build walks them once.
    pub(crate) fn listing(&self) -> &Listing {
        &self.content.listing
    }

    /// What the comparison found.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// When nothing changed: the last build's report and next change. Also
    /// refreshes the state file if racy entries have settled since.
    pub fn unchanged(&mut self) -> Option<(Summary, Option<DateTime<Utc>>)> {
        let Verdict::Unchanged(summary, next) = self.verdict else {
            return None;
        };
        if let Some(saved) = self.settled.take() {
            store(&self.path, &saved);
        }
        Some((summary, next))
    }

    /// Record what the build just published. `outputs` are the files
    /// produced, relative to `output_dir`, with their bytes' digests;
    /// `images` the local files whose sizes went into feeds. A state is
    /// an optimization: failing to write it is logged, not an error.
    pub fn save(&self, config: &Config, record: Record) {
        let taken = SystemTime::now();
        let ledger = entry_for(&config.ledger, None, taken, true);
        let images = record
            .images
            .iter()
            .map(|p| entry_for(p, None, taken, true))
            .collect();
        let outputs = record
            .outputs
            .par_iter()
            .map(|(rel, digest)| {
                let path = config.output_dir.join(rel);
                let stat = Stat::of_file(&path);
                Entry {
                    path,
                    racy: stat.is_none_or(|s| s.is_racy(taken)),
                    stat,
                    digest: Some(*digest),
                }
            })
            .collect();
        let saved = Saved {
            config: self.config,
            now: self.now,
            next_change: record.next_change,
            summary: record.summary,
            ledger,
            images,
            outputs,
            content: self.content.table(&self.root),
            feeds: record.feeds,
        };
        store(&self.path, &saved);
    }
}

/// What a build hands to [`Probe::save`].
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The build's report.
    pub summary: Summary,
    /// The next scheduled change.
    pub next_change: Option<DateTime<Utc>>,
    /// Every output file, relative to the output directory, with the
    /// digest of its bytes.
    pub outputs: Vec<(PathBuf, u64)>,
    /// Local image files whose sizes feeds carry.
    pub images: Vec<PathBuf>,
    /// Each feed's folder and the fingerprint of its inputs.
    pub feeds: Vec<(PathBuf, u64)>,
}

/// The digest of an output file's bytes, as the state stores it.
pub fn digest(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// Where the state of the site of `config` lives: beside its ledger.
pub(crate) fn state_path(config: &Config) -> PathBuf {
    config.ledger.with_file_name(STATE_FILE_NAME)
}

/// Clear the racy mark of entries that have settled since they were saved
/// (the content table is replaced by this run's, which proved equal);
/// returns whether anything changed.
fn settle(saved: &mut Saved, root: &Path, content: &Scan) -> bool {
    let taken = SystemTime::now();
    let mut changed = false;
    if !saved.content.racy.is_empty() {
        saved.content = content.table(root);
        changed = true;
    }
    let entries = std::iter::once(&mut saved.ledger)
        .chain(&mut saved.images)
        .chain(&mut saved.outputs);
    for entry in entries.filter(|e| e.racy) {
        entry.racy = entry.stat.is_none_or(|s| s.is_racy(taken));
        changed |= !entry.racy;
    }
    changed
}

/// Why the saved state does not prove a no-op, if it does not.
fn decide(
    saved: &Saved,
    config: u64,
    now: DateTime<Utc>,
    content_same: bool,
) -> Result<(), String> {
    if saved.config != config {
        return Err("the configuration or feedpub changed".into());
    }
    if now < saved.now {
        return Err(format!("now is before the last build's ({})", saved.now));
    }
    if let Some(next) = saved.next_change.filter(|next| now >= *next) {
        return Err(format!("the scheduled change at {next} is due"));
    }
    if !content_same {
        return Err("an article file changed".into());
    }
    let taken = SystemTime::now();
    let same = |e: &Entry| entry_for(&e.path, Some(e), taken, false) == *e;
    if !same(&saved.ledger) {
        return Err("the ledger changed".into());
    }
    if let Some(image) = saved.images.iter().find(|e| !same(e)) {
        return Err(format!("{} changed", image.path.display()));
    }
    if let Some(output) = saved.outputs.par_iter().find_any(|e| !same(e)) {
        return Err(format!("{} changed", output.path.display()));
    }
    Ok(())
}

/// The stat (and, where needed, digest) of the file at `path`. With
/// `recorded`, the digest is computed when that entry has one to compare;
/// `digest_if_racy` also computes it for a racy stat.
fn entry_for(
    path: &Path,
    recorded: Option<&Entry>,
    taken: SystemTime,
    digest_if_racy: bool,
) -> Entry {
    let stat = Stat::of_file(path);
    let racy = stat.is_some_and(|s| s.is_racy(taken));
    let wanted = match recorded {
        Some(r) => r.racy && r.stat == stat,
        None => racy && digest_if_racy,
    };
    let digest = if wanted {
        hash_file(path)
    } else {
        recorded.filter(|r| r.stat == stat).and_then(|r| r.digest)
    };
    match recorded {
        // Compared as recorded: same stat and (if racy) same digest.
        Some(r) => Entry {
            path: r.path.clone(),
            stat,
            digest,
            racy: r.racy,
        },
        None => Entry {
            path: path.to_path_buf(),
            stat,
            digest,
            racy,
        },
    }
}

/// The digest of a regular file's bytes (never blocking on a FIFO).
fn hash_file(path: &Path) -> Option<u64> {
    read_regular(path, MAX_HASHED_BYTES)
        .ok()
        .map(|b| xxh3_64(&b))
}

/// This run's walk and stat pass over `content/`.
#[derive(Debug, Default)]
struct Scan {
    listing: Listing,
    /// Digests of the files that were racy when stat'ed (computed before the
    /// build reads them, so they never vouch for newer bytes than it used).
    digests: Vec<Option<u64>>,
    /// Whether the saved table named exactly these files, in this order.
    names_recorded: bool,
    /// The saved table's names, when they are this walk's: a build after
    /// an edit saves them again instead of spelling out every path (#12).
    names: Option<String>,
}

impl Scan {
    /// The table to save. Paths that are not UTF-8 leave the name empty,
    /// which no walk matches: the next run builds.
    fn table(&self, root: &Path) -> Table {
        let files = &self.listing.files;
        let names = self.names.clone().unwrap_or_else(|| {
            let mut names = String::with_capacity(files.len() * 48);
            for file in files {
                if let Some(name) = relative(&file.path, root).to_str() {
                    names.push_str(name);
                }
                names.push('\0');
            }
            names
        });
        let racy = self
            .digests
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((u32::try_from(i).ok()?, (*d)?)))
            .collect();
        Table {
            names,
            stats: files.iter().map(|f| f.stat).collect(),
            racy,
        }
    }
}

/// `path` below `root` (as it is when not below it).
fn relative<'a>(path: &'a Path, root: &Path) -> &'a Path {
    match crate::files::below_bytewise(path, root) {
        Some(below) => Path::new(below),
        None => path.strip_prefix(root).unwrap_or(path),
    }
}

/// Walk the content folders (`roots`, [`Config::content_dirs`]) and stat
/// every file ([`list`]: every file, not only articles). With `recorded`,
/// also says whether the table is the same (comparing digests where the
/// recorded entry is racy).
fn scan_content(roots: &[&Path], recorded: Option<&Table>) -> (Scan, bool) {
    let root = roots.first().copied().unwrap_or(Path::new(""));
    let listing = list(roots);
    let taken = SystemTime::now();
    let files = &listing.files;
    let recorded = recorded.filter(|t| {
        t.stats.len() == files.len()
            && t.names
                .split_terminator('\0')
                .zip(files)
                .all(|(name, file)| relative(&file.path, root).as_os_str() == name)
    });
    // Recorded digests by index, for racy entries.
    let mut earlier: Vec<Option<u64>> = Vec::new();
    if let Some(t) = recorded.filter(|t| !t.racy.is_empty()) {
        earlier = vec![None; files.len()];
        for &(i, digest) in &t.racy {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| earlier.get_mut(i)) {
                *slot = Some(digest);
            }
        }
    }
    let compared: Vec<(Option<u64>, bool)> = files
        .par_iter()
        .enumerate()
        .map(|(i, file)| {
            let stat = file.stat;
            let racy = stat.is_some_and(|s| s.is_racy(taken));
            let before = recorded.and_then(|t| t.stats.get(i).copied().flatten());
            let same_stat = recorded.is_some() && before == stat;
            let earlier = earlier.get(i).copied().flatten();
            let digest = if racy || (same_stat && earlier.is_some()) {
                hash_file(&file.path)
            } else {
                None
            };
            let same = same_stat && (earlier.is_none() || earlier == digest);
            (digest.filter(|_| racy), same)
        })
        .collect();
    let same =
        listing.is_complete() && recorded.is_some() && compared.iter().all(|(_, same)| *same);
    let digests = compared.into_iter().map(|(d, _)| d).collect();
    let scan = Scan {
        listing,
        digests,
        names_recorded: recorded.is_some(),
        names: None,
    };
    (scan, same)
}

/// Digest of everything besides the files that decides the output: the
/// resolved configuration, feedpub's version and the executable itself
/// (a rebuilt binary may render differently).
fn config_digest(config: &Config) -> u64 {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| format!("{:?}", Stat::of(&m)))
        .unwrap_or_default();
    let text = format!("{}\n{exe}\n{config:?}", env!("CARGO_PKG_VERSION"));
    xxh3_64(text.as_bytes())
}

/// The saved state at `path`, if it is there, intact and of this format.
fn load(path: &Path) -> Option<Saved> {
    let bytes = read_regular(path, MAX_STATE_BYTES).ok()?;
    decode(&bytes)
}

fn decode(bytes: &[u8]) -> Option<Saved> {
    decode_framed(bytes, MAGIC, FORMAT)
}

fn encode(saved: &Saved) -> Option<Vec<u8>> {
    encode_framed(saved, MAGIC, FORMAT)
}

fn store(path: &Path, saved: &Saved) {
    let Some(bytes) = encode(saved) else { return };
    if let Err(e) = write_if_changed(path, &bytes) {
        tracing::debug!(error = %e, "could not write the state file");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Saved {
        let entry = |p: &str| Entry {
            path: PathBuf::from(p),
            stat: Some(Stat::sample(3, 1)),
            digest: None,
            racy: false,
        };
        Saved {
            config: 7,
            now: "2024-05-01T00:00:00Z".parse().unwrap(),
            next_change: None,
            summary: Summary::default(),
            ledger: entry("ledger"),
            images: vec![],
            outputs: vec![entry("feeds/rss.xml")],
            content: Table {
                names: "a.md\0b/c.md\0".into(),
                stats: vec![entry("a.md").stat, None],
                racy: vec![(0, 9)],
            },
            feeds: vec![(PathBuf::new(), 10)],
        }
    }

    #[test]
    fn a_state_round_trips_and_any_damage_is_refused() {
        let saved = sample();
        let bytes = encode(&saved).unwrap();
        assert_eq!(decode(&bytes), Some(saved));
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x40;
            assert_eq!(decode(&damaged), None, "byte {i} flipped");
        }
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode(&[]), None);
        let mut other_format = bytes;
        other_format[8] = 1;
        assert_eq!(decode(&other_format), None);
    }

    #[test]
    fn a_path_below_the_root_is_the_same_bytewise_as_by_components() {
        let cases = [
            ("content", "content/a/b.md"),
            ("./content", "./content/a.md"),
            ("content", "content/./a.md"),
            ("content", "content//a.md"),
            ("content", "content/.a/b.md"),
            ("content", "contents/a.md"),
            ("content/", "content/a.md"),
            ("", "/a.md"),
            ("/", "/a.md"),
            ("a/./b", "a/./b/c.md"),
        ];
        for (root, path) in cases {
            let (root, path) = (Path::new(root), Path::new(path));
            let by_components = path.strip_prefix(root).unwrap_or(path);
            assert_eq!(
                relative(path, root),
                by_components,
                "{path:?} below {root:?}"
            );
            assert_eq!(
                relative(path, root).as_os_str(),
                by_components.as_os_str(),
                "{path:?} below {root:?}"
            );
        }
    }

    #[test]
    fn a_build_after_an_edit_saves_the_recorded_names_and_after_an_addition_new_ones() {
        // #12: the names of a walk that found the files the state names are
        // the state's, not spelt out again; any other walk spells them out.
        let dir = tempfile::tempdir().unwrap();
        let config = crate::config::Config::from_toml(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n",
            &dir.path().join("feedpub.toml"),
            dir.path(),
            &crate::config::Paths::default(),
        )
        .unwrap();
        let content = &config.content_dir;
        std::fs::create_dir_all(content.join("b")).unwrap();
        for name in ["a.md", "b/c.md"] {
            std::fs::write(content.join(name), "x").unwrap();
        }
        let now = "2024-05-01T00:00:00Z".parse().unwrap();
        let names_saved = |probe: &Probe| {
            probe.save(&config, Record::default());
            load(&state_path(&config)).unwrap().content.names
        };
        let first = Probe::take(&config, now);
        assert_eq!(first.content.names, None, "no state yet");
        assert_eq!(names_saved(&first), "a.md\0b/c.md\0");

        std::fs::write(content.join("a.md"), "edited").unwrap();
        let edited = Probe::take(&config, now);
        assert!(matches!(edited.verdict(), Verdict::Changed(_)));
        assert_eq!(edited.content.names.as_deref(), Some("a.md\0b/c.md\0"));
        assert_eq!(names_saved(&edited), "a.md\0b/c.md\0");

        std::fs::write(content.join("b/a.md"), "added").unwrap();
        let added = Probe::take(&config, now);
        assert_eq!(added.content.names, None);
        assert_eq!(names_saved(&added), "a.md\0b/a.md\0b/c.md\0");
    }

    #[test]
    fn the_decision_names_what_changed() {
        let saved = sample();
        let now: DateTime<Utc> = "2024-06-01T00:00:00Z".parse().unwrap();
        assert!(
            decide(&saved, 8, now, true)
                .unwrap_err()
                .contains("configuration")
        );
        let earlier = "2024-04-01T00:00:00Z".parse().unwrap();
        assert!(
            decide(&saved, 7, earlier, true)
                .unwrap_err()
                .contains("before")
        );
        let due = Saved {
            next_change: Some("2024-05-15T00:00:00Z".parse().unwrap()),
            ..saved.clone()
        };
        assert!(decide(&due, 7, now, true).unwrap_err().contains("due"));
        assert!(
            decide(&saved, 7, now, false)
                .unwrap_err()
                .contains("article")
        );
        // The sample's ledger does not exist on disk: a change.
        assert!(decide(&saved, 7, now, true).unwrap_err().contains("ledger"));
    }
}
