//! The commands around a build: `init`, `completions`, `man`, and how logs
//! look outside a terminal.

use crate::support::{assert_outside_validators_accept, feedpub, files_below};

#[test]
fn init_then_build_gives_a_valid_site_and_init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    feedpub(tmp.path())
        .args(["init", "news"])
        .assert()
        .success()
        .stdout(predicates::str::contains("created news/feedpub.toml"));
    let site = tmp.path().join("news");
    feedpub(&site)
        .args(["build", "--now", "2026-02-01T00:00:00Z"])
        .assert()
        .success();
    let feeds: Vec<_> = files_below(&site.join("feeds"))
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
        .map(|f| site.join("feeds").join(f))
        .collect();
    // Site-wide, one category and one country, each in RSS and Atom.
    assert_eq!(feeds.len(), 6, "{feeds:?}");
    assert!(
        site.join("feeds/categories/national-security/rss.xml")
            .is_file()
    );
    assert!(site.join("feeds/countries/tajikistan/atom.xml").is_file());
    assert_outside_validators_accept(&feeds);
    feedpub(&site).args(["check"]).assert().success();

    // A second init changes nothing and says why (configuration error).
    let config = std::fs::read(site.join("feedpub.toml")).unwrap();
    feedpub(tmp.path())
        .args(["init", "news"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("never overwrites"));
    assert_eq!(std::fs::read(site.join("feedpub.toml")).unwrap(), config);
}

#[test]
fn completions_and_man_page_describe_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = feedpub(tmp.path())
            .args(["completions", shell])
            .assert()
            .success();
        let script = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        for command in ["build", "check", "preview", "list", "init"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let out = feedpub(tmp.path()).arg("man").assert().success();
    let page = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        page.starts_with(".ie") || page.contains(".TH feedpub"),
        "{page}"
    );
    assert!(
        page.contains("Exit codes"),
        "the man page documents exit codes"
    );
}

#[test]
fn logs_carry_no_colour_codes_into_a_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    feedpub(tmp.path()).args(["init", "."]).assert().success();
    let out = feedpub(tmp.path())
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "feedpub=debug")
        .args(["build", "--now", "2026-02-01T00:00:00Z"])
        .assert()
        .success();
    let log = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(log.contains("DEBUG"), "debug logs are written: {log}");
    assert!(
        !log.contains('\u{1b}'),
        "no escape codes in a pipe: {log:?}"
    );
}
