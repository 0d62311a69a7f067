//! `feedpub serve` over loopback with a real HTTP client: status, media
//! types, validators and 304, HEAD, gzip, traversal attempts, methods, and
//! `--watch` rebuilding (and keeping the last good feeds on errors).
#![cfg(feature = "serve")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

const NOW: &str = "2024-05-01T00:00:00Z";

/// A running `feedpub serve`, stopped when dropped.
struct Served {
    child: std::process::Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `feedpub serve` on a free loopback port in `dir`, and wait until it
/// says where it listens.
fn serve(dir: &Path, extra: &[&str]) -> Served {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("feedpub"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1714521600") // NOW
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let rest = line.split_once(" at http://")?.1;
            Some(format!("http://{}", rest.split_once('/')?.0))
        })
        .expect("serve prints its address");
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Served { child, base }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn header<'a>(response: &'a ureq::http::Response<ureq::Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn built_site() -> tempfile::TempDir {
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args(["build", "--now", NOW, "-q"])
        .assert()
        .success();
    site
}

/// Send raw bytes (paths no client would send as they are) and return the status code.
fn raw_status(base: &str, path: &str) -> u16 {
    let addr = base.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"))
}

#[test]
fn files_are_served_with_their_media_types_and_validators() {
    let site = built_site();
    let server = serve(site.path(), &[]);
    let agent = agent();
    for (path, media, file) in [
        ("/rss.xml", "application/rss+xml; charset=utf-8", "rss.xml"),
        (
            "/countries/tajikistan/atom.xml",
            "application/atom+xml; charset=utf-8",
            "countries/tajikistan/atom.xml",
        ),
        ("/feeds.opml", "text/x-opml; charset=utf-8", "feeds.opml"),
        ("/index.html", "text/html; charset=utf-8", "index.html"),
        ("/", "text/html; charset=utf-8", "index.html"),
    ] {
        let url = format!("{}{path}", server.base);
        let mut response = agent.get(&url).call().unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-type"), media, "{path}");
        let etag = header(&response, "etag").to_string();
        let modified = header(&response, "last-modified").to_string();
        let body = response.body_mut().read_to_vec().unwrap();
        assert_eq!(
            body,
            std::fs::read(site.path().join("feeds").join(file)).unwrap(),
            "{path}"
        );

        let again = agent
            .get(&url)
            .header("If-None-Match", &etag)
            .call()
            .unwrap();
        assert_eq!(again.status(), 304, "If-None-Match on {path}");
        let again = agent
            .get(&url)
            .header("If-Modified-Since", &modified)
            .call()
            .unwrap();
        assert_eq!(again.status(), 304, "If-Modified-Since on {path}");
        let stale = agent
            .get(&url)
            .header("If-None-Match", "\"other\"")
            .call()
            .unwrap();
        assert_eq!(stale.status(), 200, "a different ETag on {path}");

        let mut head = agent.head(&url).call().unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(header(&head, "content-type"), media, "HEAD {path}");
        assert_eq!(header(&head, "etag"), etag, "HEAD {path}");
        assert!(
            head.body_mut().read_to_vec().unwrap().is_empty(),
            "HEAD {path}"
        );
    }
}

#[test]
fn gzip_only_when_the_client_accepts_it() {
    let site = built_site();
    let server = serve(site.path(), &[]);
    let agent = agent();
    let url = format!("{}/rss.xml", server.base);
    let want = std::fs::read(site.path().join("feeds/rss.xml")).unwrap();

    let mut gzipped = agent
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .call()
        .unwrap();
    assert_eq!(header(&gzipped, "content-encoding"), "gzip");
    assert_eq!(
        header(&gzipped, "content-type"),
        "application/rss+xml; charset=utf-8"
    );
    let compressed = gzipped.body_mut().read_to_vec().unwrap();
    assert!(compressed.len() < want.len());
    let mut body = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut body)
        .unwrap();
    assert_eq!(body, want);

    let mut plain = agent.get(&url).call().unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.body_mut().read_to_vec().unwrap(), want);
}

#[test]
fn nothing_outside_the_output_directory_is_served() {
    let site = built_site();
    std::fs::write(site.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(
        site.path().join("secret.txt"),
        site.path().join("feeds/leak.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        site.path().join("content"),
        site.path().join("feeds/content"),
    )
    .unwrap();
    let server = serve(site.path(), &[]);
    assert_eq!(
        raw_status(&server.base, "/rss.xml"),
        200,
        "the raw client works"
    );
    for path in [
        "/../secret.txt",
        "/../feedpub.toml",
        "/%2e%2e/secret.txt",
        "/%2E%2E/feedpub.toml",
        "/categories/..%2f..%2fsecret.txt",
        "/categories%2F..%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/leak.txt",
        "/content/2024/04/draft.md",
        "/missing.xml",
    ] {
        assert_eq!(raw_status(&server.base, path), 404, "{path}");
    }
}

#[test]
fn other_methods_are_not_allowed() {
    let site = built_site();
    let server = serve(site.path(), &[]);
    let agent = agent();
    let url = format!("{}/rss.xml", server.base);
    assert_eq!(agent.post(&url).send_empty().unwrap().status(), 405);
    assert_eq!(agent.delete(&url).call().unwrap().status(), 405);
    assert_eq!(agent.put(&url).send_empty().unwrap().status(), 405);
}

#[test]
fn serving_nothing_is_a_usage_error() {
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run `feedpub build` first"));
}

/// Poll `url` until `check` accepts its body, for at most 20 s.
fn eventually(url: &str, check: impl Fn(&str) -> bool) -> String {
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body = agent
            .get(url)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .unwrap_or_default();
        if check(&body) || Instant::now() > deadline {
            return body;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_rebuilds_and_keeps_the_last_good_feeds() {
    let site = copy_fixture("basic");
    let server = serve(site.path(), &["--watch"]);
    let url = format!("{}/countries/uzbekistan/rss.xml", server.base);
    let first = eventually(&url, |b| b.contains("Central Asia summit"));
    assert!(
        first.contains("Central Asia summit ends without a deal"),
        "{first}"
    );

    let article = site.path().join("content/2024/04/bundle/index.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("ends without a deal", "ends with a deal"),
    )
    .unwrap();
    let second = eventually(&url, |b| b.contains("ends with a deal"));
    assert!(
        second.contains("Central Asia summit ends with a deal"),
        "{second}"
    );

    // Broken content: the rebuild fails and the last good feeds stay.
    std::fs::write(
        site.path().join("content/2024/04/broken.md"),
        "---\ntitle: Broken\ndate: 2024-13-45\n---\n",
    )
    .unwrap();
    std::fs::write(
        &article,
        text.replace("ends without a deal", "is postponed"),
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let third = eventually(&url, |_| true);
    assert_eq!(third, second, "a failed rebuild publishes nothing");

    // Fixed again, the pending change is published.
    std::fs::remove_file(site.path().join("content/2024/04/broken.md")).unwrap();
    let fourth = eventually(&url, |b| b.contains("is postponed"));
    assert!(
        fourth.contains("Central Asia summit is postponed"),
        "{fourth}"
    );
}
