//! `feedpub preview` and `feedpub list`: golden text and JSON, the reasons
//! articles are left out, alias selection, terminal behaviour, and agreement
//! with what `feedpub build` then publishes.

use std::io::Read;
use std::process::Stdio;

use crate::support::*;
use predicates::prelude::*;
use unicode_width::UnicodeWidthStr;

const NOW: &str = "2024-05-01T00:00:00Z";

/// The basic fixture plus one invalid and one expired article, so every
/// reason for leaving an article out occurs.
fn site() -> tempfile::TempDir {
    let site = copy_fixture("basic");
    let dir = site.path().join("content/2024/04");
    std::fs::write(
        dir.join("broken.md"),
        "---\ntitle: Broken\ndate: 2024-13-45\ncountries: [TJ]\n---\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("old.md"),
        "---\ntitle: Old news\ndate: 2024-01-01\nexpires: 2024-02-01\ncountries: [TJ]\n---\nGone.\n",
    )
    .unwrap();
    site
}

fn golden(name: &str) -> std::path::PathBuf {
    fixtures().join("basic/expected/preview").join(name)
}

fn stdout(site: &tempfile::TempDir, args: &[&str]) -> String {
    // The broken article makes preview and list exit as build would: 5.
    let broken = site.path().join("content/2024/04/broken.md").exists();
    let output = feedpub(site.path())
        .env("COLUMNS", "100")
        .args(args)
        .args(["--now", NOW])
        .assert()
        .code(if broken { 5 } else { 0 })
        .get_output()
        .clone();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn site_preview_with_every_reason_matches_golden_text_and_json() {
    let site = site();
    let text = stdout(&site, &["preview", "--all"]);
    expect_file(&golden("site-all.txt"), &text);
    for reason in [
        "beyond the item limit (3)",
        "draft",
        "scheduled until 2024-06-01 09:00",
        "expired 2024-02-01 00:00",
        "invalid",
        "line 3: `date`: invalid date",
    ] {
        assert!(text.contains(reason), "{reason} in\n{text}");
    }
    let json = stdout(&site, &["preview", "--all", "--format", "json"]);
    expect_file(&golden("site-all.json"), &json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let reasons: Vec<&str> = value["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    // The invalid file's first error carries its stable code, as `build
    // --format json` reports it.
    let invalid = &value["excluded"][2];
    assert_eq!(
        (&invalid["reason"], &invalid["code"], &invalid["line"]),
        (&"invalid".into(), &"InvalidDate".into(), &3.into()),
        "{invalid}"
    );
    // The undated article is stamped by the ledger, so it is published.
    assert_eq!(
        reasons,
        [
            "beyond-limit",
            "beyond-limit",
            "invalid",
            "draft",
            "expired",
            "scheduled",
        ]
    );
    assert_eq!(
        value["entries"][1]["date"], "2024-04-10T18:45:00+05:00",
        "site time zone"
    );
}

#[test]
fn without_all_only_the_entries_are_shown() {
    let site = site();
    let text = stdout(&site, &["preview"]);
    assert!(
        !text.contains("draft") && !text.contains("Not in this feed"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&site, &["preview", "--format", "json"])).unwrap();
    assert!(json.get("excluded").is_none());
    assert_eq!(json["entries"].as_array().unwrap().len(), 3);
}

#[test]
fn a_country_is_selected_by_any_alias_code_path_or_url() {
    let site = site();
    let want = stdout(&site, &["preview", "--all", "--country", "Kyrgyzstan"]);
    expect_file(&golden("country-kyrgyzstan.txt"), &want);
    for selector in [
        &["--country", "Kyrgyz Republic"][..],
        &["--country", "KG"],
        &["--country", "kgz"],
        &["feeds/countries/kyrgyzstan/rss.xml"],
        &["countries/kyrgyzstan/atom.xml"],
        &["countries/kyrgyzstan/feed.json"],
        &["https://news.example.org/feeds/countries/kyrgyzstan/atom.xml"],
        &["http://127.0.0.1:8080/countries/kyrgyzstan/rss.xml"],
    ] {
        let mut args = vec!["preview", "--all"];
        args.extend(selector);
        assert_eq!(stdout(&site, &args), want, "{selector:?}");
    }
    // Tajikistan's feed lists its expired article; the invalid file, whose
    // countries are unknown, is listed under every feed.
    let tj = stdout(&site, &["preview", "--all", "--country", "tjk"]);
    assert!(
        tj.contains("expired 2024-02-01 00:00") && tj.contains("Old news"),
        "{tj}"
    );
    assert!(tj.contains("content/2024/04/broken.md"), "{tj}");
    assert!(!tj.contains("draft"), "the draft is about Kazakhstan: {tj}");
}

#[test]
fn a_category_is_selected_by_any_spelling() {
    let site = site();
    let want = stdout(&site, &["preview", "--category", "National Security"]);
    assert!(
        want.starts_with("Fixture News & Views — National Security: 2 entries\n"),
        "{want}"
    );
    assert_eq!(
        stdout(&site, &["preview", "--category", "national   SECURITY"]),
        want
    );
    assert_eq!(
        stdout(&site, &["preview", "--category", "national-security"]),
        want
    );
}

#[test]
fn unknown_selections_are_usage_errors_with_a_hint() {
    let site = site();
    feedpub(site.path())
        .args(["preview", "--country", "Kyrgyzstn", "--now", NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown country \"Kyrgyzstn\""))
        .stderr(predicate::str::contains("did you mean \"Kyrgyzstan\"?"));
    feedpub(site.path())
        .args(["preview", "--category", "Econmy", "--now", NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"Economy\"?"));
    // A real country no published article is about has no feed.
    feedpub(site.path())
        .args(["preview", "--country", "Japan", "--now", NOW])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no published article is about Japan",
        ));
    feedpub(site.path())
        .args(["preview", "feeds/nope.xml", "--now", NOW])
        .assert()
        .code(2);
}

#[test]
fn list_matches_golden_text_and_json() {
    let site = site();
    expect_file(&golden("list.txt"), stdout(&site, &["list"]));
    let json = stdout(&site, &["list", "--format", "json"]);
    expect_file(&golden("list.json"), &json);
    let feeds: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(feeds.as_array().unwrap().len(), 11);
}

#[test]
fn preview_shows_what_the_build_then_publishes() {
    let site = copy_fixture("basic");
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&site, &["list", "--format", "json"])).unwrap();
    feedpub(site.path())
        .args(["build", "--now", NOW, "-q"])
        .assert()
        .success();
    for feed in list.as_array().unwrap() {
        let url = feed["atom_url"].as_str().unwrap();
        let preview: serde_json::Value =
            serde_json::from_str(&stdout(&site, &["preview", url, "--format", "json"])).unwrap();
        let want: Vec<&str> = preview["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap())
            .collect();
        let rel = url.strip_prefix("https://news.example.org/feeds/").unwrap();
        let bytes = std::fs::read(site.path().join("feeds").join(rel)).unwrap();
        let parsed = feed_rs::parser::parse(&bytes[..]).unwrap();
        let got: Vec<String> = parsed
            .entries
            .iter()
            .map(|e| e.title.as_ref().unwrap().content.clone())
            .collect();
        assert_eq!(got, want, "{url}");
        assert_eq!(feed["items"], want.len(), "{url}");
    }
}

#[test]
fn output_fits_the_terminal_width() {
    let site = site();
    let output = feedpub(site.path())
        .env("COLUMNS", "40")
        .args(["preview", "--all", "--now", NOW])
        .assert()
        .code(5) // the broken article, as build
        .get_output()
        .clone();
    let text = String::from_utf8(output.stdout).unwrap();
    let (entries, table) = text.split_once("Not in this feed").unwrap();
    // URLs are never cut; everything else fits.
    for line in entries.lines().filter(|l| !l.contains("https://")) {
        assert!(line.width() <= 40, "{line:?} is wider than 40 columns");
    }
    // The table's reason and file columns are kept whole; the title gives way.
    let fixed = "scheduled until 2024-06-01 09:00  content/2024/03/water-power.md  ".width();
    for line in table.lines() {
        assert!(line.width() <= fixed + 1, "{line:?}");
    }
    assert!(
        text.contains("2024-04-02 13:15  Энергетический баланс…\n"),
        "{text}"
    );
}

#[test]
fn colour_only_when_forced_and_never_with_no_color() {
    let site = site();
    let coloured = feedpub(site.path())
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["list", "--now", NOW])
        .assert()
        .code(5) // the broken article, as build
        .get_output()
        .stdout
        .clone();
    assert!(coloured.contains(&0x1b), "CLICOLOR_FORCE gives colour");
    for env in [&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")][..], &[]] {
        let mut cmd = feedpub(site.path());
        cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let plain = cmd
            .args(["list", "--now", NOW])
            .assert()
            .code(5) // the broken article, as build
            .get_output()
            .stdout
            .clone();
        assert!(
            !plain.contains(&0x1b),
            "no colour into a pipe or with NO_COLOR ({env:?})"
        );
    }
}

#[test]
fn a_closed_pipe_exits_zero() {
    let site = site();
    let mut child = feedpub_process(site.path())
        .args(["preview", "--all", "--now", NOW])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Like `feedpub preview | head -0`: the reader goes away at once.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn preview_and_list_report_what_build_would_leave_out_with_its_exit_code() {
    // #10: `preview` and `list` show the problems `build` reports, exit 5.
    let site = copy_fixture("invalid-content");
    for command in ["preview", "list"] {
        feedpub(site.path())
            .args([command, "--now", "2024-05-01T00:00:00Z"])
            .assert()
            .code(5)
            .stderr(predicates::str::contains(
                "content/2024/bad-date.md:3: error[InvalidDate]: `date`",
            ))
            .stderr(predicates::str::contains(
                "7 article(s) with errors would be left out",
            ));
    }
}

/// Issue 11: names with invisible or bidirectional-override characters
/// reached the terminal raw in `list` and `preview` (build's messages
/// escape them), so a name could disguise itself as another.
#[test]
fn list_and_preview_escape_invisible_characters_in_names() {
    let site = copy_fixture("basic");
    std::fs::write(
        site.path().join("content/2024/04/spoof.md"),
        "---\ntitle: \"Spoof\u{202e}txt.exe\"\ndate: 2024-04-20\n\
         categories: [\"Eco\u{200b}nomy\"]\ncountries: [TJ]\n---\nBody.\n",
    )
    .unwrap();
    let list = stdout(&site, &["list"]);
    assert!(list.contains("Eco\\u{200b}nomy"), "{list}");
    let preview = stdout(&site, &["preview", "--category", "Eco\u{200b}nomy"]);
    assert!(preview.contains("Spoof\\u{202e}txt.exe"), "{preview}");
    for shown in [&list, &preview] {
        assert!(
            !shown.contains(['\u{200b}', '\u{202e}']),
            "an invisible character reached the terminal:\n{shown}"
        );
    }
}

/// A custom feed (`[[feeds]]`) is previewed with `--custom` and its name
/// in any spelling or its slug, as by its file path; an unknown name is a
/// usage error with a hint (#10).
#[test]
fn a_custom_feed_is_selected_by_name_slug_or_path() {
    let site = site();
    append_config(
        site.path(),
        "\n[[feeds]]\nname = \"National Security in Central Asia\"\nslug = \"central-asia-security\"\nall = { categories = [\"National Security\"] }\n",
    );
    let want = stdout(
        &site,
        &["preview", "feeds/custom/central-asia-security/rss.xml"],
    );
    assert!(want.contains("National Security in Central Asia"), "{want}");
    for name in [
        "National Security in Central Asia",
        "national security IN central asia",
        "central-asia-security",
    ] {
        assert_eq!(
            stdout(&site, &["preview", "--custom", name]),
            want,
            "{name}"
        );
    }
    feedpub(site.path())
        .args([
            "preview",
            "--custom",
            "National Security in Central Asai",
            "--now",
            NOW,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the site has no custom feed \"National Security in Central Asai\"",
        ))
        .stderr(predicate::str::contains(
            "did you mean \"National Security in Central Asia\"?",
        ));
}
