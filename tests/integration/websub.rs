//! WebSub (#16): feeds announce the hubs in `websub_hubs`, and a build
//! notifies each hub for exactly the feeds whose bytes changed, against a
//! hub stub on loopback that records every request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::support::{append_config, copy_fixture, feedpub};

const NOW: &str = "2024-05-01T00:00:00Z";

/// The form fields of each request the stub received.
type Requests = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A hub stub on `listener`: answers every request with 204 and records
/// its form fields.
fn start_hub(listener: TcpListener) -> Requests {
    let requests: Requests = Arc::default();
    let recorded = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            assert!(request_line.starts_with("POST "), "{request_line}");
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let fields = url::form_urlencoded::parse(&body).into_owned().collect();
            recorded.lock().unwrap().push(fields);
            stream
                .write_all(
                    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .unwrap();
        }
    });
    requests
}

/// The feed URLs notified, sorted; every request must be a publish.
fn notified(requests: &Requests) -> Vec<String> {
    let mut urls: Vec<String> = requests
        .lock()
        .unwrap()
        .drain(..)
        .map(|fields| {
            assert_eq!(fields[0], ("hub.mode".into(), "publish".into()));
            assert_eq!(fields[1].0, "hub.url");
            fields[1].1.clone()
        })
        .collect();
    urls.sort();
    urls
}

fn set_hub(site: &Path, addr: SocketAddr) -> String {
    let hub = format!("http://{addr}/hub");
    append_config(site, &format!("websub_hubs = [\"{hub}\"]\n"));
    hub
}

/// Run a build with a JSON report; returns the report and stderr.
fn build(site: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let run = feedpub(site)
        .args(["--format", "json", "build", "--now", NOW])
        .args(extra)
        .assert()
        .success();
    let output = run.get_output();
    (
        serde_json::from_slice(&output.stdout).unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The public URLs of the feed files a report says were written, sorted.
fn written_feeds(report: &serde_json::Value) -> Vec<String> {
    let mut urls: Vec<String> = report["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .filter(|p| p.ends_with("rss.xml") || p.ends_with("atom.xml") || p.ends_with("feed.json"))
        .map(|p| format!("https://news.example.org/feeds/{p}"))
        .collect();
    urls.sort();
    urls
}

fn urls_of(list: &serde_json::Value) -> Vec<String> {
    let mut urls: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["url"].as_str().unwrap().to_string())
        .collect();
    urls.sort();
    urls
}

#[test]
fn hubs_are_told_exactly_which_feeds_changed() {
    let site = copy_fixture("basic");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let hub = set_hub(site.path(), listener.local_addr().unwrap());
    let requests = start_hub(listener);

    // First build: every feed is new.
    let (report, _) = build(site.path(), &[]);
    let all = written_feeds(&report);
    assert!(all.len() > 10, "{all:?}");
    assert_eq!(notified(&requests), all);
    assert_eq!(urls_of(&report["websub"]["sent"]), all);
    assert_eq!(report["websub"]["pending"], serde_json::json!([]));
    assert!(!site.path().join(".feedpub-websub").exists());

    // Every feed names the hub next to its self link; the gate and
    // `check` accept it.
    let feeds = site.path().join("feeds");
    let rss = std::fs::read_to_string(feeds.join("rss.xml")).unwrap();
    assert!(
        rss.contains(&format!("<atom:link href=\"{hub}\" rel=\"hub\"/>")),
        "{rss}"
    );
    let atom = std::fs::read_to_string(feeds.join("atom.xml")).unwrap();
    assert!(
        atom.contains(&format!("<link href=\"{hub}\" rel=\"hub\"/>")),
        "{atom}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(feeds.join("feed.json")).unwrap()).unwrap();
    assert_eq!(
        json["hubs"],
        serde_json::json!([{"type": "WebSub", "url": hub}])
    );
    feedpub(site.path())
        .args(["check", "--now", NOW])
        .assert()
        .success();

    // A no-op run notifies nobody.
    let (report, _) = build(site.path(), &[]);
    assert_eq!(report["nothing_changed"], true);
    assert!(notified(&requests).is_empty());
    assert_eq!(report["websub"]["sent"], serde_json::json!([]));

    // Editing one article changes some feeds: exactly those are notified.
    let article = site.path().join("content/2024/03/water-power.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replacen("returns", "is back", 1)).unwrap();
    let (report, _) = build(site.path(), &[]);
    let changed = written_feeds(&report);
    assert!(
        !changed.is_empty() && changed.len() < all.len(),
        "{changed:?}"
    );
    assert_eq!(notified(&requests), changed);
    assert_eq!(urls_of(&report["websub"]["sent"]), changed);
}

#[test]
fn a_hub_that_is_down_gets_the_notifications_on_the_next_run() {
    let site = copy_fixture("basic");
    // A port with nothing listening: connections are refused.
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    set_hub(site.path(), addr);

    let (report, stderr) = build(site.path(), &[]);
    let all = written_feeds(&report);
    assert!(!all.is_empty());
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(stderr.contains("could not be reached"), "{stderr}");
    assert!(
        stderr.contains("the next run sends the notifications again"),
        "{stderr}"
    );
    assert_eq!(report["websub"]["sent"], serde_json::json!([]));
    assert_eq!(urls_of(&report["websub"]["pending"]), all);
    assert!(
        site.path().join("feeds/rss.xml").is_file(),
        "published anyway"
    );
    assert!(site.path().join(".feedpub-websub").is_file());

    // The hub is back: the next run, though nothing changed, sends them.
    let requests = start_hub(TcpListener::bind(addr).unwrap());
    let (report, stderr) = build(site.path(), &[]);
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert_eq!(notified(&requests), all);
    assert_eq!(urls_of(&report["websub"]["sent"]), all);
    assert_eq!(report["websub"]["pending"], serde_json::json!([]));
    assert!(!site.path().join(".feedpub-websub").exists());

    // And once only.
    let (report, _) = build(site.path(), &[]);
    assert_eq!(report["nothing_changed"], true);
    assert!(notified(&requests).is_empty());
}

#[test]
fn no_ping_sends_nothing_and_keeps_the_notifications() {
    let site = copy_fixture("basic");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    set_hub(site.path(), listener.local_addr().unwrap());
    let requests = start_hub(listener);

    let (report, stderr) = build(site.path(), &["--no-ping"]);
    assert!(!stderr.contains("warning:"), "{stderr}");
    let all = written_feeds(&report);
    assert!(notified(&requests).is_empty());
    assert_eq!(urls_of(&report["websub"]["pending"]), all);

    // A dry run sends nothing either, and shows what is pending.
    let (report, _) = build(site.path(), &["--dry-run"]);
    assert!(notified(&requests).is_empty());
    assert_eq!(urls_of(&report["websub"]["pending"]), all);

    let (report, _) = build(site.path(), &[]);
    assert_eq!(notified(&requests), all);
    assert_eq!(report["websub"]["pending"], serde_json::json!([]));
}

#[test]
fn a_hub_that_is_not_an_http_url_is_a_configuration_error() {
    let site = copy_fixture("basic");
    append_config(site.path(), "websub_hubs = [\"hub.example\"]\n");
    let run = feedpub(site.path())
        .args(["build", "--now", NOW])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    // The line written last.
    let line = std::fs::read_to_string(site.path().join("feedpub.toml"))
        .unwrap()
        .lines()
        .count();
    assert!(
        stderr.contains(&format!(
            "feedpub.toml:{line}:1: error[InvalidSetting]: websub_hubs: \"hub.example\" is not an absolute http(s) URL"
        )),
        "{stderr}"
    );
}
