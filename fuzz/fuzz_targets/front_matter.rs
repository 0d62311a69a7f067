//! Front matter: splitting, then loading an article file as a build does.
//! Invariants: the parts are slices of the input, every problem is reported
//! on a line of the file, never a panic.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use feedpub::config::{Config, Paths};
use feedpub::content::{Loader, split};
use libfuzzer_sys::fuzz_target;

struct Site {
    _dir: tempfile::TempDir,
    config: Config,
    article: PathBuf,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("content/news")).expect("content dir");
        let config = Config::from_toml(
            "title = \"Fuzz\"\nbase_url = \"https://fuzz.example.org/\"\n",
            &root.join("feedpub.toml"),
            &root,
            &Paths::default(),
        )
        .expect("config");
        let article = root.join("content/news/article.md");
        Site {
            _dir: dir,
            config,
            article,
        }
    })
}

fn loader() -> &'static Loader<'static> {
    static LOADER: OnceLock<Loader<'static>> = OnceLock::new();
    LOADER.get_or_init(|| Loader::new(&site().config))
}

/// Lines as YAML and editors count them: `\r\n`, `\n` and a lone `\r`
/// each end one.
fn lines(text: &str) -> usize {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
        + 1
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(parts) = split(text) {
            let range = text.as_bytes().as_ptr_range();
            for part in [parts.front_matter, parts.body] {
                assert!(range.contains(&part.as_ptr()) || part.is_empty());
                assert!(part.len() <= text.len());
            }
        }
    }
    let site = site();
    std::fs::write(&site.article, data).expect("write article");
    let (_article, problems) = loader().load_file(&site.article);
    let text = String::from_utf8_lossy(data);
    for problem in problems {
        assert_eq!(
            problem.path.as_path(),
            Path::new(&site.article),
            "{problem:?}"
        );
        if let Some(line) = problem.line {
            assert!(
                line >= 1 && line <= lines(&text),
                "line {line} of {} lines: {problem:?}",
                lines(&text)
            );
        }
    }
});
