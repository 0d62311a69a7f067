//! The physical floor of a no-op build: one walk of `content/` and one
//! `stat` per file, nothing opened, as `bench/compare.sh` measures it.
//!
//! ```text
//! cargo run --release --example floor -- [CONTENT-DIR]   # default: content
//! ```
//!
//! Walks like the loader and the no-op check do (sorted, following links,
//! hidden entries skipped), then stats every file on rayon's threads, and
//! prints the file count and the two times.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let root = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("content"), PathBuf::from);
    let started = Instant::now();
    let paths: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    let walked = started.elapsed();
    let bytes: u64 = paths
        .par_iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let total = started.elapsed();
    println!(
        "{} files, {bytes} bytes: walk {:.1} ms, walk+stat {:.1} ms",
        paths.len(),
        walked.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
}
