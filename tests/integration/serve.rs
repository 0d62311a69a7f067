//! `feedpub serve` over loopback with a real HTTP client: status, media
//! types, validators and 304, HEAD, gzip, traversal attempts, methods, and
//! `--watch` rebuilding (and keeping the last good feeds on errors).
#![cfg(feature = "serve")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::*;

const NOW: &str = "2024-05-01T00:00:00Z";

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
    let site = built_fixture("basic", NOW);
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
    let site = built_fixture("basic", NOW);
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
    let site = built_fixture("basic", NOW);
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
    let site = built_fixture("basic", NOW);
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

    // A broken article is left out and reported, as `build` does (#10);
    // everything else is published.
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
    let third = eventually(&url, |b| b.contains("is postponed"));
    assert!(
        third.contains("Central Asia summit is postponed"),
        "{third}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.stderr.lock().unwrap().contains("broken.md") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let stderr = server.stderr.lock().unwrap().clone();
    assert!(
        stderr.contains("broken.md"),
        "the error is reported: {stderr}"
    );
    assert!(stderr.contains("left out"), "{stderr}");

    // A build that fails as a whole (a broken configuration) publishes
    // nothing: the last good feeds stay.
    let config = site.path().join("feedpub.toml");
    let good_config = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{good_config}\nnot toml at all\n")).unwrap();
    std::fs::write(
        &article,
        text.replace("ends without a deal", "is cancelled"),
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let fourth = eventually(&url, |_| true);
    assert_eq!(fourth, third, "a failed rebuild publishes nothing");

    // Fixed again, the pending change is published.
    std::fs::write(&config, good_config).unwrap();
    let fifth = eventually(&url, |b| b.contains("is cancelled"));
    assert!(
        fifth.contains("Central Asia summit is cancelled"),
        "{fifth}"
    );
}

/// Start `feedpub serve` through `sh` with the descriptor limit `nofile`.
fn serve_with_nofile(dir: &Path, nofile: u32, extra: &[&str]) -> Served {
    let binary = env!("CARGO_BIN_EXE_feedpub");
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
        .arg(binary)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    Served::listening(child)
}

/// Open `count` connections that send half a request and then nothing.
fn half_open(base: &str, count: usize) -> Vec<TcpStream> {
    let addr = base.strip_prefix("http://").unwrap();
    (0..count)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(addr).ok()?;
            // Some connections may be refused or reset once the limit bites.
            let _ = stream.write_all(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n");
            Some(stream)
        })
        .collect()
}

/// A request with a deadline: `Err` when the server does not answer in time.
fn status_within(url: &str, timeout: Duration) -> Result<u16, ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    agent.get(url).call().map(|r| r.status().as_u16())
}

#[test]
fn half_open_connections_are_closed_and_do_not_lock_readers_out() {
    // #11: 3,000 half-open connections stayed open for 35 s and counting.
    let site = built_fixture("basic", NOW);
    let server = serve(
        site.path(),
        &[
            "--max-connections",
            "20",
            "--header-timeout",
            "1",
            "--idle-timeout",
            "2",
        ],
    );
    let mut stalled = half_open(&server.base, 60);
    // A fresh reader still gets an answer, once the stalled ones time out.
    let url = format!("{}/rss.xml", server.base);
    assert_eq!(
        status_within(&url, Duration::from_secs(15)).expect("answered"),
        200
    );
    // The server has hung up on the first stalled connections.
    let first = &mut stalled[0];
    first
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    let closed = match first.read_to_end(&mut buf) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(closed, "a half-open connection is still open after 10 s");
}

#[test]
fn running_out_of_file_descriptors_degrades_without_a_panic() {
    // #11: out of descriptors, serve panicked ("timers are disabled") and exited 101.
    let site = built_fixture("basic", NOW);
    let mut server = serve_with_nofile(
        site.path(),
        48,
        &["--header-timeout", "1", "--idle-timeout", "2"],
    );
    let stalled = half_open(&server.base, 120);
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "serve exited: {:?}",
        server.child.try_wait()
    );
    drop(stalled);
    let url = format!("{}/rss.xml", server.base);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        match status_within(&url, Duration::from_secs(5)) {
            Ok(status) => break status,
            Err(e) if Instant::now() > deadline => panic!("no answer: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    assert_eq!(status, 200);
    assert!(server.child.try_wait().unwrap().is_none(), "serve exited");
}

#[test]
fn a_fifo_under_the_output_directory_is_not_found_at_once() {
    // #11: a FIFO under feeds/ hung the request.
    let site = built_fixture("basic", NOW);
    let fifo = site.path().join("feeds/pipe.xml");
    assert!(mkfifo(&fifo), "mkfifo failed");
    let server = serve(site.path(), &[]);
    for path in [
        "/pipe.xml",
        "/.feedpub.lock",
        "/categories/../.feedpub.lock",
    ] {
        let url = format!("{}{path}", server.base);
        assert_eq!(
            status_within(&url, Duration::from_secs(5)).expect("answered"),
            404,
            "{path}"
        );
    }
}

#[test]
fn dot_files_are_never_served() {
    // #11: `GET /.feedpub.lock` served the last run's pid and host name.
    let site = built_fixture("basic", NOW);
    std::fs::write(site.path().join("feeds/.feedpub.lock"), "pid 1").unwrap();
    std::fs::create_dir_all(site.path().join("feeds/.git")).unwrap();
    std::fs::write(site.path().join("feeds/.git/config"), "secret").unwrap();
    let server = serve(site.path(), &[]);
    for path in [
        "/.feedpub.lock",
        "/.git/config",
        "/%2efeedpub.lock",
        "/categories/.hidden",
    ] {
        assert_eq!(raw_status(&server.base, path), 404, "{path}");
    }
}

#[test]
fn a_file_swapped_for_a_symlink_never_serves_the_target() {
    // #11: swapping a file for a symlink between check and open served an
    // outside file in 635 of 4,000 requests.
    let site = built_fixture("basic", NOW);
    std::fs::write(site.path().join("secret.txt"), "SECRET").unwrap();
    let feeds = site.path().join("feeds");
    std::fs::write(feeds.join("swap.txt"), "public").unwrap();
    let server = serve(site.path(), &[]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let (feeds, secret) = (feeds.clone(), site.path().join("secret.txt"));
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_file(feeds.join("link.tmp"));
                std::os::unix::fs::symlink(&secret, feeds.join("link.tmp")).unwrap();
                std::fs::rename(feeds.join("link.tmp"), feeds.join("swap.txt")).unwrap();
                std::fs::write(feeds.join("file.tmp"), "public").unwrap();
                std::fs::rename(feeds.join("file.tmp"), feeds.join("swap.txt")).unwrap();
            }
        })
    };
    let agent = agent();
    let url = format!("{}/swap.txt", server.base);
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut served = 0;
    while Instant::now() < deadline {
        let mut response = agent.get(&url).call().unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        assert!(!body.contains("SECRET"), "served the symlink's target");
        served += usize::from(body == "public");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    assert!(served > 0, "the regular file was never served");
}

#[test]
fn a_double_slash_never_redirects_off_the_site() {
    // #11: `//categories` was redirected to the protocol-relative `//categories/`.
    let site = built_fixture("basic", NOW);
    let server = serve(site.path(), &[]);
    let addr = server.base.strip_prefix("http://").unwrap();
    for (path, want) in [
        ("//categories", "/categories/"),
        ("///categories", "/categories/"),
        ("/categories", "/categories/"),
        ("//countries//tajikistan", "/countries/tajikistan/"),
    ] {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let location = response
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("location")
                    .then(|| value.trim().to_string())
            })
            .unwrap_or_else(|| panic!("no Location for {path}: {response}"));
        assert_eq!(location, want, "{path}");
    }
}

#[test]
fn a_range_with_a_stale_if_range_gets_the_whole_file() {
    // #11: a Range request whose If-Range did not match got 206.
    let site = built_fixture("basic", NOW);
    let server = serve(site.path(), &[]);
    let agent = agent();
    let url = format!("{}/rss.xml", server.base);
    let whole = std::fs::read(site.path().join("feeds/rss.xml")).unwrap();
    let first = agent.get(&url).call().unwrap();
    let etag = header(&first, "etag").to_string();
    let modified = header(&first, "last-modified").to_string();

    for (if_range, status, len) in [
        (etag.as_str(), 206, 10),
        (modified.as_str(), 206, 10),
        ("\"stale\"", 200, whole.len()),
        ("Mon, 01 Jan 2001 00:00:00 GMT", 200, whole.len()),
    ] {
        let mut response = agent
            .get(&url)
            .header("Range", "bytes=0-9")
            .header("If-Range", if_range)
            .call()
            .unwrap();
        assert_eq!(response.status(), status, "If-Range: {if_range}");
        let body = response.body_mut().read_to_vec().unwrap();
        assert_eq!(body.len(), len, "If-Range: {if_range}");
        assert_eq!(body[..], whole[..len], "If-Range: {if_range}");
    }
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let site = built_fixture("basic", NOW);
    let mut server = serve(site.path(), &[]);
    let url = format!("{}/rss.xml", server.base);
    assert_eq!(status_within(&url, Duration::from_secs(5)).unwrap(), 200);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn watch_refuses_an_output_directory_inside_the_content() {
    // #11: with the output inside the watched tree, every build triggered the next.
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args([
            "--out",
            "content/feeds",
            "serve",
            "--watch",
            "--addr",
            "127.0.0.1:0",
        ])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("inside the content directory"));
}

#[test]
fn watch_refuses_an_output_directory_with_files_feedpub_did_not_write() {
    // #11: its rebuilds would write beside (or over) a site's own files.
    let site = copy_fixture("basic");
    std::fs::create_dir(site.path().join("public")).unwrap();
    std::fs::write(site.path().join("public/about.html"), "<h1>About</h1>").unwrap();
    feedpub(site.path())
        .args([
            "--out",
            "public",
            "serve",
            "--watch",
            "--addr",
            "127.0.0.1:0",
        ])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "holds about.html, which feedpub did not write",
        ));
}

#[test]
fn watch_ignores_feedpubs_own_files() {
    // The ledger (and the cache beside it) written inside content/ must not
    // trigger another rebuild.
    let site = copy_fixture("basic");
    edit_config(site.path(), |text| {
        format!("ledger = \"content/state/feedpub-ledger.toml\"\n{text}")
    });
    std::fs::create_dir_all(site.path().join("content/state")).unwrap();
    let child = feedpub_process(site.path())
        .args(["serve", "--watch", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Stopped when dropped, even when an assertion fails.
    let mut server = Served {
        child,
        base: String::new(),
        stderr: Default::default(),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = server.child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let builds = |wait: Duration| {
        let deadline = Instant::now() + wait;
        let mut count = 0;
        while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            count += usize::from(line.contains(" written, "));
        }
        count
    };
    assert_eq!(builds(Duration::from_secs(3)), 1, "the first build");
    let article = site.path().join("content/2024/04/bundle/index.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replace("without a deal", "with a deal")).unwrap();
    assert_eq!(builds(Duration::from_secs(4)), 1, "one rebuild per edit");
    // A burst of saves (a `git checkout`) is one rebuild.
    for i in 0..8 {
        std::fs::write(
            &article,
            text.replace("without a deal", &format!("with deal {i}")),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(40));
    }
    assert_eq!(builds(Duration::from_secs(4)), 1, "one rebuild per burst");
}

/// On a Hugo site, `--watch` follows every language's own `contentDir` and
/// the Hugo configuration, not only the default content folder and
/// `feedpub.toml` (#10: edits in `content/fr/` and to `hugo.toml` were
/// never picked up).
#[test]
fn watch_follows_hugo_language_folders_and_the_hugo_configuration() {
    let site = copy_fixture("hugo-language-dirs");
    let server = serve(site.path(), &["--watch"]);
    let french = format!("{}/fr/rss.xml", server.base);
    let first = eventually(&french, |b| b.contains("Dossiers de langue"));
    assert!(!first.contains("Le Grand Marché"), "{first}");

    let page = site.path().join("content/fr/posts/marche.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("title: \"Le Marché\"", "title: \"Le Grand Marché\"")
            .replace("date: 2024-05-04", "date: 2024-04-20"),
    )
    .unwrap();
    let second = eventually(&french, |b| b.contains("Le Grand Marché"));
    assert!(second.contains("Le Grand Marché"), "{second}");

    let config = site.path().join("hugo.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "title = \"Language Folders\"",
            "title = \"Folders Renamed\"",
        ),
    )
    .unwrap();
    let site_feed = format!("{}/rss.xml", server.base);
    let third = eventually(&site_feed, |b| b.contains("Folders Renamed"));
    assert!(third.contains("<title>Folders Renamed</title>"), "{third}");
}
