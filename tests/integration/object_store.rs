//! Publishing to object storage (issue #17), against a real S3
//! implementation on loopback: moto's server (PyPI `moto[server]`,
//! installed by `.ci/run`), started on a free port for each test and
//! killed after it. Requests are counted from the server's request log.
#![cfg(feature = "object-store")]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{append_config, copy_fixture, feedpub, files_below, have_tool};

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
        let port = free_port();
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
        let requests = follow_request_log(child.stderr.take().unwrap());
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
        fetch(&format!("{}/{BUCKET}/{key}", self.endpoint))
    }

    /// The store holds every one of `keys` under `site/`, byte for byte the
    /// file below `root/feeds`, with its media type and the default
    /// `Cache-Control`.
    fn assert_holds(&self, root: &Path, keys: &[String]) {
        for key in keys {
            let (bytes, content_type, cache_control) = self.get(&format!("site/{key}"));
            assert_eq!(
                bytes,
                std::fs::read(root.join("feeds").join(key)).unwrap(),
                "{key}"
            );
            assert_eq!(content_type, expected_content_type(key), "{key}");
            assert_eq!(cache_control, "public, max-age=300", "{key}");
        }
    }
}

/// The request lines (`PUT /bucket/key HTTP/1.1" 200`) of an access log in
/// the common log format, as they arrive.
fn follow_request_log(log: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&requests);
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            if let Some(request) = line.split_once("] \"").map(|(_, r)| r.to_string()) {
                sink.lock().unwrap().push(request);
            }
        }
    });
    requests
}

/// Fetch `url` over plain, anonymous HTTP: its bytes, `Content-Type` and
/// `Cache-Control`.
fn fetch(url: &str) -> (Vec<u8>, String, String) {
    let mut response = ureq::get(url)
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

/// A free port on loopback.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
    publish_to(
        feedpub_s3(site, endpoint),
        &format!("s3://{BUCKET}/site/"),
        extra,
        &[KEY_ID, SECRET],
    )
}

/// Run `cmd` (feedpub with a store's credentials in its environment) as a
/// build that publishes to `feeds/` and `store`; its JSON report, after
/// checking that it succeeded and that no output holds any of `secrets`.
fn publish_to(
    mut cmd: assert_cmd::Command,
    store: &str,
    extra: &[&str],
    secrets: &[&str],
) -> serde_json::Value {
    let output = cmd
        .timeout(Duration::from_secs(180))
        .args(["build", "--now", NOW, "--format", "json", "--out", "feeds"])
        .args(["--out", store])
        .args(extra)
        .output()
        .unwrap();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in secrets {
            assert!(!text.contains(secret), "a secret was printed:\n{text}");
        }
    }
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
    moto.assert_holds(root, &local);

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
    append_config(
        root,
        &format!("output = \"{url}\"\ncache_control = \"public, max-age=60\"\n"),
    );
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

/// A loopback HTTP proxy in front of a store: it passes requests through
/// until `allowed` PUTs have gone through, then answers every later PUT
/// (retries included) with `500 Internal Server Error`, as a store that
/// fails partway through an upload. The PUTs it lets through are held
/// back for [`SLOW_PUT`], so they are still in flight when the failures
/// come back.
struct FailingProxy {
    endpoint: String,
    /// The paths of the PUTs passed through, in order.
    passed: Arc<Mutex<Vec<String>>>,
}

impl FailingProxy {
    fn start(upstream: &str, allowed: usize) -> FailingProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let passed = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&passed);
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let (upstream, passed) = (upstream.clone(), Arc::clone(&shared));
                std::thread::spawn(move || proxy_connection(client, &upstream, allowed, &passed));
            }
        });
        FailingProxy { endpoint, passed }
    }

    /// The object keys under `prefix` whose PUTs were passed through.
    fn passed_keys(&self, prefix: &str) -> Vec<String> {
        self.passed
            .lock()
            .unwrap()
            .iter()
            .filter_map(|path| path.strip_prefix(prefix).map(str::to_string))
            .collect()
    }
}

/// Serve one client connection of a [`FailingProxy`]: each request is read
/// whole (head and `Content-Length` body), then answered with 500 or sent
/// upstream on a connection of its own, whose answer ends this one.
fn proxy_connection(
    client: std::net::TcpStream,
    upstream: &str,
    allowed: usize,
    passed: &Mutex<Vec<String>>,
) {
    use std::io::Write;
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut client = client;
    loop {
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let end = line == "\r\n";
            head.push(line);
            if end {
                break;
            }
        }
        let mut request_line = head[0].split(' ');
        let method = request_line.next().unwrap_or_default().to_string();
        let path = request_line.next().unwrap_or_default().to_string();
        let length = head
            .iter()
            .find_map(|h| {
                let (name, value) = h.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        if method == "PUT" {
            let mut passed = passed.lock().unwrap();
            if passed.len() >= allowed {
                let error = "<?xml version=\"1.0\"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>";
                let answer = format!(
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n{error}",
                    error.len()
                );
                if client.write_all(answer.as_bytes()).is_err() {
                    return;
                }
                continue;
            }
            passed.push(path.split('?').next().unwrap_or_default().to_string());
        }
        if method == "PUT" {
            std::thread::sleep(SLOW_PUT);
        }
        let mut server = std::net::TcpStream::connect(upstream).unwrap();
        for line in &head[..head.len() - 1] {
            if !line.to_ascii_lowercase().starts_with("connection:") {
                server.write_all(line.as_bytes()).unwrap();
            }
        }
        server.write_all(b"Connection: close\r\n\r\n").unwrap();
        server.write_all(&body).unwrap();
        let mut answer = Vec::new();
        server.read_to_end(&mut answer).unwrap();
        let _ = client.write_all(&answer);
        return;
    }
}

/// How long a [`FailingProxy`] holds back a PUT it lets through: longer
/// than the client's retries of the failing ones take.
const SLOW_PUT: Duration = Duration::from_secs(4);

fn is_discovery(key: &str) -> bool {
    key == "index.html" || key == "feeds.opml"
}

#[test]
fn a_store_failing_partway_leaves_each_object_old_or_new_and_the_next_run_uploads_the_rest() {
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
    // Two PUTs go through, every later one fails.
    let proxy = FailingProxy::start(&moto.endpoint, 2);
    let output = feedpub_s3(root, &proxy.endpoint)
        .args(["build", "--now", NOW, "--out", "feeds"])
        .args(["--out", &format!("s3://{BUCKET}/site/")])
        .output()
        .unwrap();
    assert_no_credentials(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    let after = snapshot(&root.join("feeds"));
    let changed: Vec<String> = after
        .iter()
        .filter(|(key, bytes)| before.get(*key) != Some(bytes))
        .map(|(key, _)| key.clone())
        .collect();
    let changed_feeds = changed.iter().filter(|k| !is_discovery(k)).count();
    assert!(
        changed_feeds > 2,
        "the edit changed too few feeds: {changed:?}"
    );

    // One line in an editor's words, naming a changed object that failed.
    let line = stderr
        .lines()
        .find(|l| l.contains("error"))
        .unwrap_or_default();
    let failed = changed
        .iter()
        .find(|key| line.starts_with(&format!("s3://{BUCKET}/site/{key}: error: upload failed")))
        .unwrap_or_else(|| panic!("no changed object named: {stderr}"));
    assert!(line.contains("HTTP 500 (InternalError)"), "{stderr}");
    for internal in [
        "Error performing",
        "retries",
        "Generic",
        "127.0.0.1",
        "<?xml",
    ] {
        assert!(!stderr.contains(internal), "{internal:?} in {stderr}");
    }

    // Exactly the first two PUTs went through, both feeds; nothing after
    // them, so no discovery file went up before every feed.
    let passed = proxy.passed_keys(&format!("/{BUCKET}/site/"));
    assert_eq!(passed.len(), 2, "{passed:?}");
    assert!(!passed.contains(failed), "{passed:?}");
    assert!(
        passed
            .iter()
            .all(|k| changed.contains(k) && !is_discovery(k)),
        "{passed:?}"
    );
    // Each object is old or new: new where the PUT went through, else old.
    for (key, bytes) in &after {
        let stored = moto.get(&format!("site/{key}")).0;
        let expected = if passed.contains(key) {
            bytes
        } else {
            &before[key]
        };
        assert_eq!(&stored, expected, "{key}");
    }

    // Back to the store itself: exactly what is missing, feeds first.
    let mark = moto.mark();
    let report = build(root, &moto.endpoint, &[]);
    let sent = uploaded(&report);
    let mut missing: Vec<String> = changed
        .iter()
        .filter(|k| !passed.contains(k))
        .cloned()
        .collect();
    let mut sorted = sent.clone();
    sorted.sort();
    missing.sort();
    assert_eq!(sorted, missing);
    assert_eq!(puts(&moto.since(mark)), missing.len());
    if let Some(first) = sent.iter().position(|k| is_discovery(k)) {
        assert!(sent[first..].iter().all(|k| is_discovery(k)), "{sent:?}");
    }
    for (key, bytes) in &after {
        assert_eq!(&moto.get(&format!("site/{key}")).0, bytes, "{key}");
    }
}

#[test]
fn a_missing_bucket_is_one_line_naming_the_store_and_what_to_check() {
    let Some(moto) = Moto::start() else { return };
    let site = copy_fixture("basic");
    let root = site.path();
    let output = feedpub_s3(root, &moto.endpoint)
        .args([
            "build",
            "--now",
            NOW,
            "--out",
            "feeds",
            "--out",
            "s3://no-such-bucket/site/",
        ])
        .output()
        .unwrap();
    assert_no_credentials(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(
        errors,
        [
            "s3://no-such-bucket/site/: error: cannot list the object store: the store answered HTTP 404 (NoSuchBucket); check the bucket name in the URL and the region"
        ],
        "{stderr}"
    );
}

/// The Azurite account the Azure tests use, and its key (base64), looked
/// for in every output.
const AZURE_ACCOUNT: &str = "feedpubtest";
const AZURE_KEY: &str = "ZmVlZHB1YkF6dXJlS2V5TXVzdE5ldmVyQmVQcmludGVkIQ==";

/// Creates a container anyone may read, signed with the account key
/// (Shared Key authorization), as `az storage container create
/// --public-access blob` would: `ENDPOINT ACCOUNT KEY CONTAINER`.
const CREATE_CONTAINER: &str = r#"
import base64, hashlib, hmac, sys, urllib.request
from email.utils import formatdate
endpoint, account, key, container = sys.argv[1:5]
headers = {"x-ms-blob-public-access": "blob", "x-ms-date": formatdate(usegmt=True), "x-ms-version": "2021-08-06"}
canonical = "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()))
to_sign = "PUT\n\n\n\n\napplication/octet-stream\n\n\n\n\n\n\n" + canonical + f"/{account}/{account}/{container}\nrestype:container"
signature = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
headers.update({"Authorization": f"SharedKey {account}:{signature}", "Content-Type": "application/octet-stream"})
request = urllib.request.Request(f"{endpoint}/{account}/{container}?restype=container", data=b"", method="PUT", headers=headers)
urllib.request.urlopen(request)
"#;

/// Azurite's Blob service (npm `azurite`, installed by `.ci/run`) on a
/// free loopback port, in memory, with its access log.
struct Azurite {
    child: Child,
    endpoint: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Azurite {
    /// Start Azurite, or `None` when it is not installed (a failure in CI).
    fn start() -> Option<Azurite> {
        if !have_tool("azurite-blob", &["--version"]) {
            return None;
        }
        let port = free_port();
        let mut child = Command::new("azurite-blob")
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .arg("--inMemoryPersistence")
            .env("AZURITE_ACCOUNTS", format!("{AZURE_ACCOUNT}:{AZURE_KEY}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let requests = follow_request_log(child.stdout.take().unwrap());
        let azurite = Azurite {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            requests,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "azurite did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(azurite)
    }

    fn public_container(&self, name: &str) {
        crate::support::run_ok(
            "python3",
            &[
                "-c",
                CREATE_CONTAINER,
                &self.endpoint,
                AZURE_ACCOUNT,
                AZURE_KEY,
                name,
            ]
            .map(std::ffi::OsStr::new),
        );
    }

    fn mark(&self) -> usize {
        std::thread::sleep(Duration::from_millis(300));
        self.requests.lock().unwrap().len()
    }

    fn since(&self, mark: usize) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(300));
        self.requests.lock().unwrap()[mark..].to_vec()
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `Content-Type` every published file must carry.
fn expected_content_type(key: &str) -> &'static str {
    match key.rsplit('/').next().unwrap() {
        "rss.xml" => "application/rss+xml; charset=utf-8",
        "atom.xml" => "application/atom+xml; charset=utf-8",
        "feed.json" => "application/feed+json; charset=utf-8",
        "feeds.opml" => "text/x-opml; charset=utf-8",
        _ => "text/html; charset=utf-8",
    }
}

#[test]
fn azure_blob_storage_gets_every_feed_with_its_headers_then_nothing_when_nothing_changed() {
    let Some(azurite) = Azurite::start() else {
        return;
    };
    azurite.public_container(BUCKET);
    let site = copy_fixture("basic");
    let root = site.path();
    let run = || {
        let mut cmd = feedpub(root);
        cmd.env("AZURE_STORAGE_ACCOUNT_NAME", AZURE_ACCOUNT)
            .env("AZURE_STORAGE_ACCOUNT_KEY", AZURE_KEY)
            .env("AZURE_STORAGE_USE_EMULATOR", "true")
            .env("AZURITE_BLOB_STORAGE_URL", &azurite.endpoint)
            .env("AZURE_ALLOW_HTTP", "true");
        publish_to(cmd, &format!("az://{BUCKET}/site/"), &[], &[AZURE_KEY])
    };

    let mark = azurite.mark();
    let first = run();
    let local = keys(files_below(&root.join("feeds")));
    let mut sent = uploaded(&first);
    assert!(
        sent[sent.len() - 2..].iter().all(|k| is_discovery(k)),
        "{sent:?}"
    );
    sent.sort();
    assert_eq!(sent, local);
    let requests = azurite.since(mark);
    assert_eq!(puts(&requests), local.len(), "{requests:#?}");
    for key in &local {
        let url = format!("{}/{AZURE_ACCOUNT}/{BUCKET}/site/{key}", azurite.endpoint);
        let (bytes, content_type, cache_control) = fetch(&url);
        assert_eq!(
            bytes,
            std::fs::read(root.join("feeds").join(key)).unwrap(),
            "{key}"
        );
        assert_eq!(content_type, expected_content_type(key), "{key}");
        assert_eq!(cache_control, "public, max-age=300", "{key}");
    }

    let mark = azurite.mark();
    let noop = run();
    assert_eq!(uploaded(&noop), Vec::<String>::new());
    assert_eq!(azurite.since(mark), Vec::<String>::new());
}

/// A distinctive fake OAuth token for `gs://`, looked for in every output.
const GOOGLE_TOKEN: &str = "ya29.feedpubTokenMustNeverBePrinted";

/// Run a build that publishes to `gs://BUCKET/site/` through moto on
/// `endpoint`: object_store's Google Cloud Storage client speaks GCS's XML
/// API, which is S3's wire format (same paths, `list-type=2` listings,
/// ETags) with OAuth bearer tokens, so moto serves it as it serves S3.
fn build_gs(site: &Path, endpoint: &str) -> serde_json::Value {
    let mut cmd = feedpub(site);
    cmd.env("GOOGLE_BASE_URL", endpoint)
        .env("GOOGLE_BEARER_TOKEN", GOOGLE_TOKEN)
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("GOOGLE_SERVICE_ACCOUNT");
    publish_to(cmd, &format!("gs://{BUCKET}/site/"), &[], &[GOOGLE_TOKEN])
}

#[test]
fn a_gs_url_publishes_every_feed_with_its_headers_then_nothing_when_nothing_changed() {
    let Some(moto) = Moto::start() else { return };
    moto.public_bucket(BUCKET);
    let site = copy_fixture("basic");
    let root = site.path();

    let mark = moto.mark();
    let first = build_gs(root, &moto.endpoint);
    let local = keys(files_below(&root.join("feeds")));
    let mut sent = uploaded(&first);
    sent.sort();
    assert_eq!(sent, local);
    let requests = moto.since(mark);
    assert_eq!(puts(&requests), local.len(), "{requests:#?}");
    moto.assert_holds(root, &local);

    let mark = moto.mark();
    let noop = build_gs(root, &moto.endpoint);
    assert_eq!(uploaded(&noop), Vec::<String>::new());
    assert_eq!(moto.since(mark), Vec::<String>::new());

    // Without the upload state: the store's listing proves every object current.
    std::fs::remove_file(root.join(".feedpub-remote")).unwrap();
    let mark = moto.mark();
    let relisted = build_gs(root, &moto.endpoint);
    assert_eq!(uploaded(&relisted), Vec::<String>::new());
    let requests = moto.since(mark);
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert!(
        requests[0].starts_with(&format!("GET /{BUCKET}?")),
        "{requests:#?}"
    );
}
