//! Publishing to object storage (issue #17), against a real S3
//! implementation on loopback: moto's server (PyPI `moto[server]`,
//! installed by `.ci/run`), started on a free port for each test and
//! killed after it. Requests are counted from the server's request log.
#![cfg(feature = "object-store")]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{copy_fixture, feedpub, files_below, have_tool};

const NOW: &str = "2024-05-01T00:00:00Z";
const BUCKET: &str = "feeds-test";
/// Distinctive fake credentials, looked for in every output.
const KEY_ID: &str = "AKIAFEEDPUBLEAKCHECK7";
const SECRET: &str = "feedpubSecretMustNeverBePrinted/9xQ";

/// A moto S3 server on a free loopback port, with its request log.
struct Moto {
    child: Child,
    endpoint: String,
    /// Request lines (`PUT /bucket/key HTTP/1.1" 200`), as the server logs them.
    requests: Arc<Mutex<Vec<String>>>,
}

impl Moto {
    /// Start moto, or `None` when it is not installed (a failure in CI).
    fn start() -> Option<Moto> {
        if !have_tool("python3", &["-c", "import moto.server, flask"]) {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .env("PYTHONUNBUFFERED", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = BufReader::new(child.stderr.take().unwrap());
        let sink = Arc::clone(&requests);
        std::thread::spawn(move || {
            for line in log.lines().map_while(Result::ok) {
                if let Some(request) = line.split_once("] \"").map(|(_, r)| r.to_string()) {
                    sink.lock().unwrap().push(request);
                }
            }
        });
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            requests,
        };
        let started = Instant::now();
        while ureq::get(&format!("{}/moto-api/", moto.endpoint))
            .call()
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(moto)
    }

    /// Create a bucket everyone may read (as a CDN origin would be).
    fn public_bucket(&self, name: &str) {
        let bucket = format!("{}/{name}", self.endpoint);
        ureq::put(&bucket).send_empty().unwrap();
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{name}/*"}}]}}"#
        );
        ureq::put(&format!("{bucket}?policy")).send(policy).unwrap();
    }

    /// How many requests the server has logged so far.
    fn mark(&self) -> usize {
        // The log line is written just after the response: let it arrive.
        std::thread::sleep(Duration::from_millis(300));
        self.requests.lock().unwrap().len()
    }

    /// The requests logged since `mark`, ignoring the test's own reads.
    fn since(&self, mark: usize) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(300));
        self.requests.lock().unwrap()[mark..]
            .iter()
            .filter(|r| !r.starts_with("GET /moto-api"))
            .cloned()
            .collect()
    }

    /// Fetch an object over plain, anonymous HTTP: its bytes and headers.
    fn get(&self, key: &str) -> (Vec<u8>, String, String) {
        let url = format!("{}/{BUCKET}/{key}", self.endpoint);
        let mut response = ureq::get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (content_type, cache_control) = (header("content-type"), header("cache-control"));
        let mut bytes = Vec::new();
        response
            .body_mut()
            .as_reader()
            .read_to_end(&mut bytes)
            .unwrap();
        (bytes, content_type, cache_control)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `feedpub` in `site` with fake S3 credentials pointing at `endpoint`.
fn feedpub_s3(site: &Path, endpoint: &str) -> assert_cmd::Command {
    let mut cmd = feedpub(site);
    cmd.env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ALLOW_HTTP", "true")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .timeout(Duration::from_secs(180));
    cmd
}

/// Run a build that publishes to `feeds/` and the store; its JSON report,
/// after checking that no output names the credentials.
fn build(site: &Path, endpoint: &str, extra: &[&str]) -> serde_json::Value {
    let output = feedpub_s3(site, endpoint)
        .args(["build", "--now", NOW, "--format", "json", "--out", "feeds"])
        .args(["--out", &format!("s3://{BUCKET}/site/")])
        .args(extra)
        .output()
        .unwrap();
    assert_no_credentials(&output);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn assert_no_credentials(output: &std::process::Output) {
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(KEY_ID), "the key id was printed:\n{text}");
        assert!(!text.contains(SECRET), "the secret was printed:\n{text}");
    }
}

fn uploaded(report: &serde_json::Value) -> Vec<String> {
    report["upload"]["uploaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

fn keys(files: Vec<PathBuf>) -> Vec<String> {
    files
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn puts(requests: &[String]) -> usize {
    requests.iter().filter(|r| r.starts_with("PUT ")).count()
}

#[test]
fn the_store_gets_every_feed_then_only_changes_and_no_request_when_nothing_changed() {
    let Some(moto) = Moto::start() else { return };
    moto.public_bucket(BUCKET);
    let site = copy_fixture("basic");
    let root = site.path();

    // First build: every file, with its headers, byte-identical to the local copy.
    let mark = moto.mark();
    let first = build(root, &moto.endpoint, &[]);
    let local = keys(files_below(&root.join("feeds")));
    let mut sent = uploaded(&first);
    assert_eq!(first["upload"]["listed"], true, "no state yet: one listing");
    let n = sent.len();
    // Discovery files last, so no link points at a missing object.
    assert_eq!(
        {
            let mut tail = sent[n - 2..].to_vec();
            tail.sort();
            tail
        },
        ["feeds.opml", "index.html"]
    );
    sent.sort();
    assert_eq!(sent, local);
    let requests = moto.since(mark);
    assert_eq!(puts(&requests), local.len(), "{requests:#?}");
    for key in &local {
        let (bytes, content_type, cache_control) = moto.get(&format!("site/{key}"));
        assert_eq!(
            bytes,
            std::fs::read(root.join("feeds").join(key)).unwrap(),
            "{key}"
        );
        let media = match key.rsplit('/').next().unwrap() {
            "rss.xml" => "application/rss+xml",
            "atom.xml" => "application/atom+xml",
            "feed.json" => "application/feed+json",
            "feeds.opml" => "text/x-opml",
            _ => "text/html",
        };
        assert_eq!(content_type, format!("{media}; charset=utf-8"), "{key}");
        assert_eq!(cache_control, "public, max-age=300", "{key}");
    }

    // A fetched feed passes `feedpub check URL`.
    let url = format!("{}/{BUCKET}/site/rss.xml", moto.endpoint);
    let check = feedpub(root)
        .args(["check", "--now", NOW, &url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{stdout}");
    assert!(!stdout.contains("error"), "{stdout}");

    // Nothing changed: not a single request.
    let mark = moto.mark();
    let noop = build(root, &moto.endpoint, &[]);
    assert_eq!(uploaded(&noop), Vec::<String>::new());
    assert_eq!(noop["upload"]["unchanged"], local.len());
    assert_eq!(moto.since(mark), Vec::<String>::new());

    // An edit: exactly the files whose bytes changed, feeds before discovery files.
    let article = root.join("content/2024/03/water-power.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replacen("summary: \"", "summary: \"Edited. ", 1),
    )
    .unwrap();
    let mark = moto.mark();
    let edit = build(root, &moto.endpoint, &[]);
    let mut written = keys(
        edit["written"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| PathBuf::from(p.as_str().unwrap()))
            .collect(),
    );
    assert!(!written.is_empty(), "the edit changed no feed");
    let edited = uploaded(&edit);
    if let Some(first_discovery) = edited
        .iter()
        .position(|k| k == "index.html" || k == "feeds.opml")
    {
        assert!(
            edited[first_discovery..]
                .iter()
                .all(|k| k == "index.html" || k == "feeds.opml"),
            "{edited:?}"
        );
    }
    let mut edited = edited;
    edited.sort();
    written.sort();
    assert_eq!(edited, written);
    assert_eq!(puts(&moto.since(mark)), written.len());
    for key in &written {
        let (bytes, ..) = moto.get(&format!("site/{key}"));
        assert_eq!(
            bytes,
            std::fs::read(root.join("feeds").join(key)).unwrap(),
            "{key}"
        );
    }

    // Without the upload state (another machine): one listing, no upload.
    std::fs::remove_file(root.join(".feedpub-remote")).unwrap();
    let mark = moto.mark();
    let relisted = build(root, &moto.endpoint, &[]);
    assert_eq!(uploaded(&relisted), Vec::<String>::new());
    let requests = moto.since(mark);
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert!(
        requests[0].starts_with(&format!("GET /{BUCKET}?")),
        "{requests:#?}"
    );

    // A dry run lists what would go up and sends nothing.
    std::fs::write(
        &article,
        text.replacen("summary: \"", "summary: \"Again. ", 1),
    )
    .unwrap();
    let mark = moto.mark();
    let dry = build(root, &moto.endpoint, &["--dry-run"]);
    assert_eq!(dry["upload"]["dry_run"], true);
    assert!(!uploaded(&dry).is_empty());
    assert_eq!(puts(&moto.since(mark)), 0);
}

#[test]
fn a_failed_upload_exits_4_naming_the_object_and_the_next_run_uploads_the_rest() {
    let Some(moto) = Moto::start() else { return };
    moto.public_bucket(BUCKET);
    let site = copy_fixture("basic");
    let root = site.path();
    build(root, &moto.endpoint, &[]);
    let before = snapshot(&root.join("feeds"));

    let article = root.join("content/2024/03/water-power.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replacen("summary: \"", "summary: \"Edited. ", 1),
    )
    .unwrap();
    // A closed port: every connection is refused.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for log in ["info", "debug"] {
        let output = feedpub_s3(root, &closed)
            .env("RUST_LOG", log)
            .args(["build", "--now", NOW, "--out", "feeds"])
            .args(["--out", &format!("s3://{BUCKET}/site/")])
            .output()
            .unwrap();
        assert_no_credentials(&output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains(&format!("s3://{BUCKET}/site/")), "{stderr}");
        assert!(stderr.contains("upload failed"), "{stderr}");
    }
    let after = snapshot(&root.join("feeds"));
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(key, bytes)| before.get(*key) != Some(bytes))
        .map(|(key, _)| key.clone())
        .collect();
    assert!(!changed.is_empty(), "the edit changed no feed");
    // The store still serves every old object.
    for key in &changed {
        assert_eq!(&moto.get(&format!("site/{key}")).0, &before[key], "{key}");
    }

    // Back online: exactly the changed objects go up.
    let report = build(root, &moto.endpoint, &[]);
    let mut sent = uploaded(&report);
    sent.sort();
    changed.sort();
    assert_eq!(sent, changed);
    for key in &changed {
        assert_eq!(&moto.get(&format!("site/{key}")).0, &after[key], "{key}");
    }
}

/// Every file below `dir`, by key, with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files_below(dir)
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(dir.join(&file)).unwrap();
            (keys(vec![file]).remove(0), bytes)
        })
        .collect()
}

#[test]
fn the_config_can_name_the_store_and_feeds_are_then_staged_beside_it() {
    let site = copy_fixture("basic");
    let root = site.path();
    let store = tempfile::tempdir().unwrap();
    let url = url::Url::from_directory_path(store.path()).unwrap();
    let config = root.join("feedpub.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}output = \"{url}\"\ncache_control = \"public, max-age=60\"\n"),
    )
    .unwrap();
    feedpub(root)
        .args(["build", "--quiet", "--now", NOW])
        .assert()
        .success();
    assert!(!root.join("feeds").exists());
    let staged = files_below(&root.join(".feedpub-out"));
    assert!(!staged.is_empty());
    assert_eq!(files_below(store.path()), staged);
    for file in &staged {
        assert_eq!(
            std::fs::read(store.path().join(file)).unwrap(),
            std::fs::read(root.join(".feedpub-out").join(file)).unwrap()
        );
    }
    let output = feedpub(root)
        .args(["build", "--now", NOW])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8_lossy(&output);
    assert!(stdout.contains("uploaded 0 objects"), "{stdout}");
}

#[test]
fn a_dry_run_renders_the_feeds_once() {
    let site = copy_fixture("basic");
    let root = site.path();
    let store = tempfile::tempdir().unwrap();
    let url = url::Url::from_directory_path(store.path()).unwrap();
    let output = feedpub(root)
        .env("RUST_LOG", "debug")
        .args(["build", "--now", NOW, "--dry-run", "--out", "feeds"])
        .args(["--out", url.as_str()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr.matches("rendered feeds").count(), 1, "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("would upload"), "{stdout}");
    assert!(stdout.contains("rss.xml"), "{stdout}");
    assert!(files_below(store.path()).is_empty(), "a dry run uploaded");
}
