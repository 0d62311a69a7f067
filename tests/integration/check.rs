//! `feedpub check` on feeds feedpub did not write, and the build's strict mode.

use crate::support::*;
use predicates::prelude::*;

#[test]
fn check_reports_each_broken_feed_and_exits_1() {
    let corpus = fixtures().join("invalid-feeds");
    // The corpus's FutureDate feeds are in the future of this instant.
    let output = feedpub(&corpus)
        .args(["check", "--now", "2025-01-01T00:00:00Z", "."])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let files = std::fs::read_dir(&corpus).unwrap().count();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        // Named <format>-<Rule>[-what].xml: the rule must be reported for that file.
        let rule = name.split(['-', '.']).nth(1).unwrap();
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("./{name}:")) && l.contains(&format!("[{rule}]"))),
            "{name}: no [{rule}] in\n{stdout}"
        );
    }
    assert!(files >= 40, "the corpus has {files} broken feeds");
    assert!(
        String::from_utf8_lossy(&output.stderr).ends_with("warnings\n")
            || String::from_utf8_lossy(&output.stderr).ends_with("1 warning\n")
    );
}

#[test]
fn check_passes_valid_feeds_from_elsewhere() {
    feedpub(&fixtures().join("valid-feeds"))
        .args(["check", "."])
        .assert()
        .success()
        .stdout("")
        .stderr("0 errors, 0 warnings\n");
}

#[test]
fn check_json_lists_findings_with_codes_and_positions() {
    let corpus = fixtures().join("invalid-feeds");
    let output = feedpub(&corpus)
        .args([
            "check",
            "--format",
            "json",
            "rss-InvalidRFC2822Date-german-names.xml",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &findings[0];
    assert_eq!(first["code"], "InvalidRFC2822Date");
    assert_eq!(first["severity"], "error");
    assert!(first["line"].as_u64().unwrap() > 1);
    assert!(first["column"].as_u64().is_some());
}

#[test]
fn check_defaults_to_the_output_directory() {
    let site = copy_fixture("basic");
    feedpub(site.path())
        .args(["build", "--quiet", "--now", "2024-05-01T00:00:00Z"])
        .assert()
        .success();
    feedpub(site.path())
        .args(["check", "--now", "2024-05-01T00:00:00Z"])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn check_usage_errors_exit_2() {
    feedpub(&fixtures())
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    feedpub(&fixtures())
        .args(["check", "--now", "soon", "x.xml"])
        .assert()
        .code(2);
}

#[test]
fn strict_build_blocks_on_warnings() {
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("content/2024/odd.md"),
        "---\ntitle: Odd\ndate: 2024-04-20\nupdated: 2024-04-01\n---\n",
    )
    .unwrap();
    feedpub(site.path())
        .args(["build", "--now", "2024-05-01T00:00:00Z"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning[UpdatedBeforeDate]: `updated` is earlier than `date`",
        ));
    let strict = tempfile::tempdir().unwrap();
    feedpub(site.path())
        .args([
            "build",
            "--strict",
            "--now",
            "2024-05-01T00:00:00Z",
            "--out",
        ])
        .arg(strict.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "warning[UpdatedBeforeDate]: `updated` is earlier than `date`",
        ));
    assert!(files_below(strict.path()).is_empty(), "nothing published");
}

#[test]
fn summary_line_uses_plurals_and_strict_counts_warnings() {
    // #13: "1 error, 2 warnings", never "error(s)"; --strict fails on warnings.
    let corpus = fixtures().join("invalid-feeds");
    feedpub(&corpus)
        .args([
            "check",
            "--now",
            "2025-01-01T00:00:00Z",
            "rss-MissingAtomSelfLink.xml",
        ])
        .assert()
        .success()
        .stderr("0 errors, 1 warning\n");
    feedpub(&corpus)
        .args([
            "check",
            "--strict",
            "--now",
            "2025-01-01T00:00:00Z",
            "rss-MissingAtomSelfLink.xml",
        ])
        .assert()
        .code(1)
        .stderr("0 errors, 1 warning\n");
    feedpub(&corpus)
        .args([
            "check",
            "--now",
            "2025-01-01T00:00:00Z",
            "rss-InvalidRSSVersion.xml",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::starts_with("1 error, ")
                .or(predicate::str::ends_with("1 error, 0 warnings\n")),
        );
}

#[test]
fn own_output_has_no_warnings_even_for_an_empty_body_and_ampersands() {
    // #13: plain-text RSS elements use &#x26;/&#x3C;, and an article without
    // a body gets no empty <summary>/<content> in Atom.
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("content/2024/empty.md"),
        "---\ntitle: \"R&D <news>\"\ndate: 2024-04-30T10:00:00Z\ncategories: [R&D]\n---\n",
    )
    .unwrap();
    feedpub(site.path())
        .args([
            "build",
            "--strict",
            "--quiet",
            "--now",
            "2024-05-01T00:00:00Z",
        ])
        .assert()
        .success();
    let atom = std::fs::read_to_string(site.path().join("feeds/atom.xml")).unwrap();
    let entry = atom
        .split("<entry>")
        .find(|e| e.contains("R&amp;D &lt;news&gt;"))
        .expect("the entry of the empty article");
    assert!(!entry.contains("<summary"), "{entry}");
    assert!(!entry.contains("<content"), "{entry}");
    assert!(entry.contains("rel=\"alternate\""), "{entry}");
    let rss = std::fs::read_to_string(site.path().join("feeds/rss.xml")).unwrap();
    assert!(
        rss.contains("<title>R&#x26;D &#x3C;news&gt;</title>"),
        "{rss}"
    );
    assert!(rss.contains("<category>R&#x26;D</category>"), "{rss}");
    feedpub(site.path())
        .args(["check", "--strict", "--now", "2024-05-01T00:00:00Z"])
        .assert()
        .success()
        .stdout("")
        .stderr("0 errors, 0 warnings\n");
}

#[test]
fn check_refuses_fifos_and_large_files_with_exit_4_and_skips_sitemaps() {
    // #13: a FIFO must not block, a size limit applies, non-feed XML in a
    // directory is skipped with a note, a directory without feeds fails.
    let dir = tempfile::tempdir().unwrap();
    let feed = fixtures().join("valid-feeds/rss-feedpub.xml");
    std::fs::copy(&feed, dir.path().join("rss.xml")).unwrap();
    std::fs::write(dir.path().join("sitemap.xml"), "<urlset/>").unwrap();
    feedpub(dir.path())
        .args(["check", "--now", "2025-01-01T00:00:00Z", "."])
        .assert()
        .success()
        .stderr("note: skipped ./sitemap.xml: not a feed (root element <urlset>)\n0 errors, 0 warnings\n");
    feedpub(dir.path())
        .args(["check", "--max-bytes", "100", "rss.xml"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("[FileTooLarge]"));
    std::fs::remove_file(dir.path().join("rss.xml")).unwrap();
    feedpub(dir.path())
        .args(["check", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[NoFeedFound]"));
    if mkfifo(&dir.path().join("pipe.xml")) {
        feedpub(dir.path())
            .args(["check", "pipe.xml"])
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(4)
            .stdout(predicate::str::contains("[NotARegularFile]"));
    }
}

#[cfg(unix)]
#[test]
fn check_json_stays_complete_for_file_names_that_are_not_utf8() {
    // Issue 11: the JSON report stopped mid-object (exit 4) on such a
    // name, and escape sequences in file names reached the terminal raw.
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff\x1b[2J.xml");
    std::fs::write(
        dir.path().join(name),
        "<rss version=\"2.0\"><channel></channel></rss>",
    )
    .unwrap();
    let output = feedpub(dir.path())
        .args(["--format", "json", "check", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report[0]["path"], "./bad\\xFF\\u{1b}[2J.xml");
    let output = feedpub(dir.path()).args(["check", "."]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    assert!(
        stdout.starts_with("./bad\\xFF\\u{1b}[2J.xml:1:"),
        "{stdout}"
    );
}

/// `feedpub check URL` against `feedpub serve` on loopback (#13).
#[cfg(all(feature = "serve", feature = "fetch"))]
mod over_http {
    use super::*;

    #[test]
    fn check_url_fetches_validates_and_checks_http_facts() {
        let site = copy_fixture("basic");
        feedpub(site.path())
            .args(["build", "--quiet", "--now", "2024-05-01T00:00:00Z"])
            .assert()
            .success();
        let server = serve(site.path(), &[]);
        let url = format!("{}/rss.xml", server.base);
        let output = feedpub(site.path())
            .args(["check", "--now", "2024-05-01T00:00:00Z", &url])
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = String::from_utf8_lossy(&output.stdout);
        // The fixture's self link names its public site, not loopback.
        assert!(stdout.contains("[SelfDoesNotMatchLocation]"), "{stdout}");
        // serve answers conditional requests: no complaint about them.
        assert!(!stdout.contains("[NoConditionalGet]"), "{stdout}");
        assert!(!stdout.contains("error"), "{stdout}");

        let missing = format!("{}/nope.xml", server.base);
        feedpub(site.path())
            .args(["check", &missing])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("[HttpStatus]"));
        feedpub(site.path())
            .args(["check", "--max-bytes", "100", &url])
            .assert()
            .code(4)
            .stdout(predicate::str::contains("[FileTooLarge]"));
        // HTTPS goes through TLS (rustls): against this plain-HTTP server
        // the handshake fails, where a build without TLS refused the scheme.
        let https = url.replacen("http://", "https://", 1);
        let output = feedpub(site.path())
            .args(["check", &https])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(4)
            .get_output()
            .clone();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("[FetchFailed]"), "{stdout}");
        assert!(!stdout.contains("TLS required"), "{stdout}");
        drop(server);
        feedpub(site.path())
            .args(["check", "http://127.0.0.1:9/rss.xml"])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(4)
            .stdout(predicate::str::contains("[FetchFailed]"));
    }
}
