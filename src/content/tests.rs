//! Loading single article files: fields, defaults and pinned error messages.

use std::path::Path;

use super::resolve::yaml_message;
use super::*;
use crate::config::Paths;
use crate::text::MAX_TITLE_CHARS;

/// A site in a temporary directory with one article file.
struct Site {
    dir: tempfile::TempDir,
    config: Config,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_toml(
            "title = \"News\"\nbase_url = \"https://news.example.org\"\ntimezone = \"Asia/Dushanbe\"\nregions = [\"Central Asia\"]\n",
            Path::new("feedpub.toml"),
            dir.path(),
            &Paths::default(),
        )
        .unwrap();
        std::fs::create_dir_all(&config.content_dir).unwrap();
        Site { dir, config }
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.config.content_dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn load(&self, rel: &str, text: &str) -> (Option<Article>, Vec<Diagnostic>) {
        let path = self.write(rel, text.as_bytes());
        Loader::new(&self.config).load_file(&path)
    }

    /// The article in `text`, body read.
    fn article(&self, text: &str) -> Article {
        let (article, problems) = self.load("2024/03/story.md", text);
        assert!(problems.is_empty(), "{problems:?}");
        let mut articles = [article.unwrap()];
        let problems = Loader::new(&self.config).read_bodies(&mut articles, &[0]);
        assert!(problems.is_empty(), "{problems:?}");
        let [article] = articles;
        article
    }

    /// The problems of one file, displayed, with the temp dir stripped.
    fn problems(&self, text: &str) -> Vec<String> {
        let (article, problems) = self.load("2024/03/story.md", text);
        assert!(article.is_none());
        let prefix = format!("{}/", self.config.content_dir.display());
        problems
            .iter()
            .map(|p| p.to_string().replace(&prefix, ""))
            .collect()
    }
}

/// The body `article` was loaded with (the tests read it).
fn body(article: &Article) -> &crate::model::Body {
    article.body.as_deref().expect("the body is read")
}

#[test]
fn the_seed_shaped_article_loads_with_every_field() {
    let site = Site::new();
    std::fs::create_dir_all(site.dir.path().join("static/images")).unwrap();
    std::fs::write(site.dir.path().join("static/images/tj.png"), [0u8; 86]).unwrap();
    let a = site.article(
        "---\ntitle: \"ISKP: a new threat\"\ndate: 2024-03-25T10:00:00+05:00\ncategories: National Security\ncountries: [tj, Central Asia]\nauthor: \"\"\nimage:\n  src: /images/tj.png\n  alt: Flag of Tajikistan\n---\nWhile *authorities* argue, [sources](/2024/01/earlier/) say more.\n",
    );
    assert_eq!(a.title, "ISKP: a new threat");
    assert_eq!(a.url, "https://news.example.org/2024/03/story/");
    assert_eq!(a.id, a.url);
    assert_eq!(a.date.unwrap().to_rfc3339(), "2024-03-25T05:00:00+00:00");
    assert_eq!(
        a.terms,
        [
            vec!["National Security".to_string()],
            vec!["Tajikistan".to_string(), "Central Asia".to_string()]
        ]
    );
    assert!(a.authors.is_empty(), "an empty byline is no author");
    assert_eq!(
        body(&a).summary,
        "While authorities argue, sources say more."
    );
    assert!(
        body(&a)
            .html
            .contains("href=\"https://news.example.org/2024/01/earlier/\"")
    );
    let image = a.image.unwrap();
    assert_eq!(image.url, "https://news.example.org/images/tj.png");
    assert_eq!(image.alt.as_deref(), Some("Flag of Tajikistan"));
    assert_eq!((image.length, image.mime_type), (86, "image/png"));
}

#[test]
fn toml_front_matter_with_aliases_and_naive_dates() {
    let site = Site::new();
    let a = site.article(
        "+++\r\ntitle = \"Энергия\"\r\ndate = 2024-03-25\r\nlastmod = \"2024-03-26 12:00\"\r\ndescription = \"Кратко.\"\r\nauthors = [\"A\", \"B\", \"A\"]\r\nslug = \"energy\"\r\nimage = \"flag.png\"\r\n+++\r\nBody\r\n",
    );
    assert_eq!(a.url, "https://news.example.org/2024/03/energy/");
    // Naive dates are read in Asia/Dushanbe (+05:00).
    assert_eq!(a.date.unwrap().to_rfc3339(), "2024-03-24T19:00:00+00:00");
    assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-03-26T07:00:00+00:00");
    assert_eq!(body(&a).summary, "Кратко.");
    assert_eq!(a.authors, ["A", "B"]);
    let image = a.image.unwrap();
    assert_eq!(
        image.url,
        "https://news.example.org/2024/03/energy/flag.png"
    );
    assert_eq!(image.length, 0, "no local file: unknown length");
}

#[test]
fn control_characters_are_stripped_from_every_string() {
    let site = Site::new();
    let a = site
        .article("---\ntitle: \"Bad\\u0001 title\\u000b\"\nsummary: \"s\\u0002\"\n---\nx\u{1}y\n");
    assert_eq!(a.title, "Bad title");
    assert_eq!(body(&a).summary, "s");
    assert!(!body(&a).html.contains('\u{1}'));
}

#[test]
fn explicit_url_and_id() {
    let site = Site::new();
    let a = site.article("---\ntitle: T\nurl: /special/page/\nid: urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\n---\n");
    assert_eq!(a.url, "https://news.example.org/special/page/");
    assert_eq!(a.id, "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66");
}

#[test]
fn hidden_files_section_pages_and_other_files_are_not_articles() {
    let site = Site::new();
    for rel in [
        "a.md",
        "b/c.md",
        ".hidden.md",
        ".drafts/x.md",
        "_index.md",
        "notes.txt",
        "b/_index.md",
    ] {
        site.write(rel, b"---\ntitle: T\n---\n");
    }
    let (paths, problems) = Loader::new(&site.config).article_paths();
    assert!(problems.is_empty());
    let rel: Vec<_> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(&site.config.content_dir)
                .unwrap()
                .to_path_buf()
        })
        .collect();
    assert_eq!(rel, [Path::new("a.md"), Path::new("b/c.md")]);
}

#[test]
fn errors_name_the_file_line_and_fix() {
    let site = Site::new();
    let cases: &[(&str, &str)] = &[
        (
            "---\ntitle: T\n",
            "2024/03/story.md:1: error[UnclosedFrontMatter]: front matter opened with `---` is never closed\n  help: add a `---` line after the last front-matter field",
        ),
        (
            "---\ndate: 2024-01-01\n---\n",
            "2024/03/story.md:2: error[MissingTitle]: the article has no title\n  help: add a `title` field to the front matter",
        ),
        (
            "---\ntitle: T\ncountries:\n  - Tajikistan\n  - Tajikstan\n---\n",
            "2024/03/story.md:5: error[UnknownCountry]: unknown country \"Tajikstan\"\n  help: did you mean \"Tajikistan\"?",
        ),
        (
            "+++\ntitle = \"T\"\nid = \"not a uri\"\n+++\n",
            "2024/03/story.md:3: error[InvalidId]: id \"not a uri\" is not an absolute URI\n  help: feed ids must be URIs: use e.g. \"urn:uuid:…\" or \"tag:example.org,2024:story-1\", or remove `id` to use the article URL",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(site.problems(text), [*expected], "for input {text:?}");
    }
}

#[test]
fn type_and_syntax_errors_point_at_file_lines() {
    let site = Site::new();
    let yaml = site.problems("---\ntitle: T\ndraft: maybe\n---\n");
    assert_eq!(yaml.len(), 1);
    assert!(yaml[0].starts_with("2024/03/story.md:3:"), "{yaml:?}");
    assert!(yaml[0].contains("invalid YAML front matter"), "{yaml:?}");

    let toml = site.problems("+++\ntitle = \"T\"\n\ndraft = \"no\"\n+++\n");
    assert_eq!(toml.len(), 1);
    assert!(toml[0].starts_with("2024/03/story.md:4:"), "{toml:?}");
    assert!(toml[0].contains("invalid TOML front matter"), "{toml:?}");

    // Taxonomy fields take a name or a list of names (numbers count, as in
    // Hugo); anything else is reported on the field's line.
    let terms = site.problems("+++\ntitle = \"T\"\n\ncategories = [{ a = 1 }]\n+++\n");
    assert_eq!(terms.len(), 1);
    assert!(terms[0].starts_with("2024/03/story.md:4:"), "{terms:?}");
    assert!(
        terms[0].contains("`categories` is not a list of names"),
        "{terms:?}"
    );
    let numbers = site.article("+++\ntitle = \"T\"\ncategories = [2024]\n+++\n");
    assert_eq!(numbers.terms[0], ["2024"]);
}

#[test]
fn a_bad_date_is_reported_on_its_line_with_the_accepted_forms() {
    let site = Site::new();
    let problems = site.problems("---\ntitle: T\n\ndate: 2024-13-45\n---\n");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("2024/03/story.md:4: error[InvalidDate]: `date`: "),
        "{problems:?}"
    );
    assert!(problems[0].contains("help: "), "{problems:?}");
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let site = Site::new();
    let problems = site.problems("---\ndate: 2024-02-30\ncountries: [Narnia]\n---\n");
    assert_eq!(problems.len(), 3, "{problems:?}");
}

#[test]
fn non_utf8_files_are_an_error_with_the_line() {
    let site = Site::new();
    let path = site.write("bad.md", b"---\ntitle: T\n---\nok\n\xff\xfe\n");
    let (article, problems) = Loader::new(&site.config).load_file(&path);
    assert!(article.is_none());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(5));
    assert!(problems[0].message.contains("not valid UTF-8"));
}

#[test]
fn suspicious_dates_are_warnings_not_errors() {
    let site = Site::new();
    let (article, problems) = site.load(
        "2024/03/story.md",
        "---\ntitle: T\ndate: 1970-01-02\nupdated: 1969-12-31\n---\n",
    );
    assert!(article.is_some(), "warnings do not block");
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].ends_with("story.md:4: warning[UpdatedBeforeDate]: `updated` is earlier than `date`\n  help: readers use the later of the two; fix whichever is wrong"), "{shown:?}");
    assert!(
        shown[1].contains("story.md:3: warning[ImplausibleDate]: `date` is in 1970"),
        "{shown:?}"
    );
}

#[test]
fn only_the_front_matter_is_read_until_the_body_is_asked_for() {
    let site = Site::new();
    let long_body = format!("Start.\n\n{}\n\n[end](/x/)\n", "word ".repeat(5000));
    let (article, problems) = site.load(
        "2024/03/story.md",
        &format!("---\ntitle: Long\n---\n{long_body}"),
    );
    assert!(problems.is_empty());
    let mut articles = [article.unwrap()];
    assert_eq!(articles[0].body, None);
    assert_eq!(articles[0].body_offset, "---\ntitle: Long\n---\n".len());
    let problems = Loader::new(&site.config).read_bodies(&mut articles, &[0]);
    assert!(problems.is_empty());
    assert!(body(&articles[0]).html.ends_with(
        "<a href=\"https://news.example.org/x/\" rel=\"noopener noreferrer\">end</a></p>\n"
    ));
}

#[test]
fn front_matter_longer_than_the_first_read_is_read_whole() {
    let site = Site::new();
    let padding = format!("# {}\n", "x".repeat(5000));
    let a = site.article(&format!(
        "---\n{padding}title: Late title\n---\nBody after a long front matter.\n"
    ));
    assert_eq!(a.title, "Late title");
    assert_eq!(body(&a).summary, "Body after a long front matter.");
}

#[test]
fn a_body_that_is_not_utf8_is_reported_when_read() {
    let site = Site::new();
    // Past the first read, so only reading the body finds it.
    let mut bytes = b"---\ntitle: T\n---\nok\n".to_vec();
    bytes.extend(b"a\n".repeat(3000));
    bytes.extend(b"\xff\n");
    let path = site.write("bad-body.md", &bytes);
    let loader = Loader::new(&site.config);
    let (article, problems) = loader.load_file(&path);
    assert!(problems.is_empty());
    let mut articles = [article.unwrap()];
    let problems = loader.read_bodies(&mut articles, &[0]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(3005));
    assert_eq!(articles[0].body, None);
}

#[test]
fn front_matter_keys_are_case_insensitive() {
    // #10: `Draft: true` must never be published.
    let site = Site::new();
    let a = site.article(
        "---\nTitle: Upper\nDraft: true\nDate: 2024-03-25\nCategories: [Economy]\nLastMod: 2024-03-26\n---\nBody\n",
    );
    assert_eq!(a.title, "Upper");
    assert!(a.draft);
    assert!(a.date.is_some());
    assert!(a.updated.is_some());
    assert_eq!(a.terms[0], ["Economy"]);
}

#[test]
fn hugo_date_fields_and_their_aliases() {
    let site = Site::new();
    let a = site.article(
        "---\ntitle: T\ndate: 2024-03-01\npublishDate: 2024-03-10\nexpiryDate: 2024-04-01\nmodified: 2024-03-12\n---\n",
    );
    assert_eq!(a.date.unwrap().to_rfc3339(), "2024-02-29T19:00:00+00:00");
    assert_eq!(
        a.publish_date.unwrap().to_rfc3339(),
        "2024-03-09T19:00:00+00:00"
    );
    assert_eq!(a.expires.unwrap().to_rfc3339(), "2024-03-31T19:00:00+00:00");
    assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-03-11T19:00:00+00:00");
    for alias in ["pubdate", "published"] {
        let a = site.article(&format!("---\ntitle: T\n{alias}: 2024-03-10\n---\n"));
        assert!(a.publish_date.is_some(), "{alias}");
    }
    let a = site.article("---\ntitle: T\nunpublishdate: 2024-03-10\n---\n");
    assert!(a.expires.is_some());
}

#[test]
fn an_empty_date_is_no_date_and_hugo_falls_back_to_publish_date_then_lastmod() {
    let site = Site::new();
    let a = site.article("---\ntitle: T\ndate: \"\"\n---\n");
    assert_eq!(a.date, None);
    let a =
        site.article("---\ntitle: T\ndate:\npublishDate: 2024-03-10\nlastmod: 2024-03-12\n---\n");
    assert_eq!(a.date, a.publish_date);
    assert!(a.date.is_some());
    let a = site.article("---\ntitle: T\nlastmod: 2024-03-12\n---\n");
    assert_eq!(a.date, a.updated);
    assert!(a.date.is_some());
    // Without publishDate, an article goes live at its date.
    let a = site.article("---\ntitle: T\ndate: 2024-03-12\n---\n");
    assert_eq!(a.publish_date, a.date);
}

#[test]
fn summary_wins_over_description_and_placeholders_are_not_authors() {
    let site = Site::new();
    let a = site.article(
        "---\ntitle: T\ndescription: The description.\nsummary: The summary.\nauthor: \"-\"\nauthors: [\"—\", \"n/a\", \"Ann\"]\n---\n",
    );
    assert_eq!(body(&a).summary, "The summary.");
    assert_eq!(a.authors, ["Ann"]);
    let a = site.article("---\ntitle: T\nparams:\n  Authors: [Bo]\n---\n");
    assert_eq!(a.authors, ["Bo"]);
}

/// Themes often write a byline as a table (`author: {name: …, avatar: …}`),
/// at the top or under `params`: its `name` is the byline, and a table
/// without one is no byline (Hugo gives `author` no meaning; such a page
/// used to be an error, left out of every feed).
#[test]
fn an_author_written_as_a_table_is_its_name() {
    let site = Site::new();
    let a = site.article(
        "---\ntitle: T\nparams:\n  author:\n    name: Dominik Taskai\n    avatar: d.jpg\n  showCover: true\n---\n",
    );
    assert_eq!(a.authors, ["Dominik Taskai"]);
    let a = site.article(
        "---\ntitle: T\nauthors:\n  - name: Ann\n    url: https://a.example/\n  - Bo\n  - {avatar: x.png}\n---\n",
    );
    assert_eq!(a.authors, ["Ann", "Bo"]);
    let a = site.article("+++\ntitle = 'T'\n[author]\nName = 'Cy'\n+++\n");
    assert_eq!(a.authors, ["Cy"]);
    let (article, problems) = site.load(
        "2024/03/story.md",
        "---\ntitle: T\nauthor:\n  avatar: x.png\n---\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert!(article.unwrap().authors.is_empty());
}

/// Docsy renders `author` with `markdownify`, so sites write bylines such
/// as `[Ann](https://github.com/ann) (Acme), [Bo](…) (Initech)`: the byline
/// is the text readers see there, and may be as long as a title (such a
/// post used to be an error, left out of every feed).
#[test]
fn a_byline_written_in_markdown_is_its_text_and_may_be_long() {
    let site = Site::new();
    let names: Vec<(String, String)> = (1..=12)
        .map(|i| {
            (
                format!("[Author Number {i}](https://github.com/author{i}) (Company {i})"),
                format!("Author Number {i} (Company {i})"),
            )
        })
        .collect();
    let written = names
        .iter()
        .map(|(w, _)| w.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let text = names
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    assert!(text.chars().count() > MAX_NAME_CHARS);
    let a = site.article(&format!("---\ntitle: T\nauthor: >-\n  {written}\n---\n"));
    assert_eq!(a.authors, [text]);
    // A name without a link is kept as written, Markdown-looking or not.
    let a = site.article("---\ntitle: T\nauthor: \"*Ann* O'Neil\"\n---\n");
    assert_eq!(a.authors, ["*Ann* O'Neil"]);
    // So is one with link-like text that is no link (no smart quotes, no
    // Markdown elsewhere): found by the round-trip property test.
    let a = site.article("---\ntitle: T\nauthor: \"]('s *Ann* [x](y O'Neil\"\n---\n");
    assert_eq!(a.authors, ["]('s *Ann* [x](y O'Neil"]);
    // Only the link becomes its text; the rest stays as written.
    let a = site.article("---\ntitle: T\nauthor: \"*Bo* [Ann](https://a.example/) 'Acme'\"\n---\n");
    assert_eq!(a.authors, ["*Bo* Ann 'Acme'"]);
    // Past the length of a title, a byline is still refused.
    let problems = site.problems(&format!(
        "---\ntitle: T\nauthor: {}\n---\n",
        "x".repeat(MAX_TITLE_CHARS + 1)
    ));
    assert!(problems[0].contains("TermTooLong"), "{problems:?}");
}

#[test]
fn json_front_matter_blank_lines_and_files_without_front_matter() {
    let site = Site::new();
    let a = site.article("{\n  \"title\": \"Json\",\n  \"date\": \"2024-03-10\",\n  \"tags\": [\"x\"]\n}\nBody text.\n");
    assert_eq!(a.title, "Json");
    assert!(a.date.is_some());
    assert_eq!(body(&a).summary, "Body text.");
    let a = site.article("\n\n---\ntitle: After blanks\n---\nBody.\n");
    assert_eq!(a.title, "After blanks");
    // Hugo accepts a page without front matter: its title is its file name.
    let a = site.article("Just text.\n");
    assert_eq!(a.title, "story");
    assert_eq!(body(&a).summary, "Just text.");
    assert_eq!(a.date, None);
}

#[test]
fn errors_in_json_and_after_blank_lines_point_at_file_lines() {
    let site = Site::new();
    let yaml = site.problems("\n\n---\ntitle: T\ndraft: maybe\n---\n");
    assert!(yaml[0].starts_with("2024/03/story.md:5:"), "{yaml:?}");
    assert!(yaml[0].contains("`draft`"), "{yaml:?}");
    let json = site.problems("{\n  \"title\": \"T\",\n  \"draft\": \"maybe\"\n}\n");
    assert!(json[0].starts_with("2024/03/story.md:3:"), "{json:?}");
}

#[test]
fn the_more_divider_ends_the_summary() {
    let site = Site::new();
    let a = site.article("---\ntitle: T\n---\nIntro *here*.\n\n<!--more-->\n\nThe rest.\n");
    assert_eq!(body(&a).summary, "Intro here.");
    assert!(body(&a).html.contains("The rest."));
}

#[test]
fn markdown_and_html_pages_are_articles_and_headless_pages_are_not() {
    let site = Site::new();
    for (rel, text) in [
        ("a.markdown", "---\ntitle: A\n---\n"),
        ("b.mdown", "---\ntitle: B\n---\n"),
        ("c.html", "---\ntitle: C\n---\n<p>Hi</p>\n"),
        (
            "d.html",
            "<p>No front matter: a static file, not a page</p>\n",
        ),
        ("e/index.md", "---\ntitle: E\nheadless: true\n---\n"),
        ("f.md", "---\ntitle: F\nbuild:\n  list: never\n---\n"),
        (
            "g.md",
            "---\ntitle: G\n_build:\n  render: never\n  list: never\n---\n",
        ),
        ("h.md", "---\ntitle: H\nbuild:\n  render: never\n---\n"),
    ] {
        site.write(rel, text.as_bytes());
    }
    let loaded = Loader::new(&site.config).load_all();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let titles: Vec<&str> = loaded.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["A", "B", "C", "H"]);
    assert_eq!(loaded.skipped, 4);
}

#[test]
fn shortcodes_never_reach_readers_and_unknown_ones_warn_once_per_name() {
    let site = Site::new();
    let text = "---\ntitle: T\nparams:\n  where: Dushanbe\n---\nIn {{< param where >}}: {{< youtube abc >}}\n\n{{% notice %}}Kept{{% /notice %}} {{< notice />}}\n";
    let path = site.write("2024/03/story.md", text.as_bytes());
    let loader = Loader::new(&site.config);
    let (article, problems) = loader.load_file(&path);
    assert!(problems.is_empty(), "{problems:?}");
    let mut articles = [article.unwrap()];
    assert!(loader.read_bodies(&mut articles, &[0]).is_empty());
    let html = &body(&articles[0]).html;
    assert!(!html.contains("{{"), "{html}");
    assert!(html.contains("In Dushanbe:"), "{html}");
    assert!(
        html.contains("href=\"https://www.youtube.com/watch?v=abc\""),
        "{html}"
    );
    assert!(html.contains("Kept"), "{html}");
    assert!(!body(&articles[0]).summary.contains("{{"));
    let warnings = loader.shortcode_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(
        warnings[0].code.as_deref(),
        Some(Problem::UnknownShortcode.code())
    );
    assert!(
        warnings[0]
            .message
            .contains("unknown shortcode `notice` (2 use(s)"),
        "{}",
        warnings[0]
    );
}

#[test]
fn image_paths_never_leave_the_static_dir_or_the_article_folder() {
    // #11: `image: /../../etc/passwd` published that file's byte length.
    let site = Site::new();
    std::fs::create_dir_all(site.dir.path().join("static")).unwrap();
    let depth = "../".repeat(40);
    for image in [
        format!("/{depth}etc/passwd"),
        format!("{depth}etc/passwd"),
        "//etc/passwd".to_string(),
    ] {
        let a = site.article(&format!("---\ntitle: T\nimage: \"{image}\"\n---\n"));
        let image = a.image.unwrap();
        assert_eq!(image.length, 0, "{image:?}");
        assert_eq!(image.local_file, None, "{image:?}");
    }
    // A symbolic link out of `static/` is not followed either.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", site.dir.path().join("static/p.png")).unwrap();
        let a = site.article("---\ntitle: T\nimage: /p.png\n---\n");
        assert_eq!(a.image.unwrap().length, 0);
    }
}

#[test]
fn front_matter_has_sane_limits() {
    // #11: 3,000 categories took 18 s and 1.25 GB; 10,000 ran out of memory.
    let site = Site::new();
    let many: Vec<String> = (0..101).map(|i| format!("\"C{i}\"")).collect();
    let problems = site.problems(&format!(
        "---\ntitle: T\ncategories: [{}]\n---\n",
        many.join(", ")
    ));
    assert!(
        problems[0].contains("`categories` has 101 names; at most 100 are allowed"),
        "{problems:?}"
    );
    let long = "x".repeat(201);
    let problems = site.problems(&format!("---\ntitle: T\ncategories: [{long}]\n---\n"));
    assert!(
        problems[0].contains("a name in `categories` is 201 characters long; at most 200"),
        "{problems:?}"
    );
    let problems = site.problems(&format!("---\ntitle: {}\n---\n", "t".repeat(1001)));
    assert!(
        problems[0].contains("the title is 1001 characters long; at most 1000"),
        "{problems:?}"
    );
    let authors: Vec<String> = (0..101).map(|i| format!("A{i}")).collect();
    let problems = site.problems(&format!(
        "---\ntitle: T\nauthors: [{}]\n---\n",
        authors.join(", ")
    ));
    assert!(
        problems[0].contains("`authors` has 101 names"),
        "{problems:?}"
    );
}

#[test]
fn term_names_are_nfc_normalized() {
    // #11: "Café" written NFC and NFD is one name.
    let site = Site::new();
    let a = site.article("---\ntitle: T\ncategories: [\"Cafe\u{301}\", \"Caf\u{e9}\"]\n---\n");
    assert_eq!(a.terms[0], ["Caf\u{e9}"]);
}

#[test]
fn a_section_cascade_reaches_its_pages_and_the_page_wins() {
    let site = Site::new();
    site.write(
        "news/_index.md",
        b"---\ntitle: News\ncascade:\n  categories: [Newsroom]\n  Draft: true\n---\n",
    );
    site.write("news/a.md", b"---\ntitle: A\n---\n");
    site.write("news/deep/b.md", b"---\ntitle: B\ndraft: false\n---\n");
    site.write(
        "news/hidden/_index.md",
        b"---\ncascade:\n  build:\n    list: never\n---\n",
    );
    site.write("news/hidden/c.md", b"---\ntitle: C\n---\n");
    site.write("other.md", b"---\ntitle: O\n---\n");
    let loaded = Loader::new(&site.config).load_all();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let by_title = |t: &str| loaded.articles.iter().find(|a| a.title == t).unwrap();
    assert!(by_title("A").draft);
    assert_eq!(by_title("A").terms[0], ["Newsroom"]);
    assert!(!by_title("B").draft);
    assert_eq!(by_title("B").terms[0], ["Newsroom"]);
    assert!(!by_title("O").draft);
    assert!(loaded.articles.iter().all(|a| a.title != "C"));
}

#[test]
fn yaml_errors_are_in_an_editors_words() {
    // #11: no `DuplicateKeyPolicy`, no parser-relative line numbers.
    let site = Site::new();
    let problems = site.problems("---\ntitle: T\ndate: 2024-01-01\ndate: 2024-01-02\n---\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("2024/03/story.md:4:"),
        "{problems:?}"
    );
    assert!(
        problems[0].contains("the field `date` is written twice"),
        "{problems:?}"
    );
    for jargon in ["DuplicateKeyPolicy", "Options", " at line "] {
        assert!(!problems[0].contains(jargon), "{jargon}: {problems:?}");
    }
    assert_eq!(
        yaml_message("budget breached: Nodes { nodes: 250001 }"),
        "the front matter is too large or too deeply nested"
    );
    assert!(yaml_message("recursive references require weak recursion types").contains("anchors"));
    assert!(yaml_message("set ignore_binary_tag_for_string in Options").contains("binary"));
}

#[test]
fn an_image_of_the_wrong_shape_says_which_shapes_it_takes() {
    // It said "data did not match any variant of untagged enum ImageField".
    for image in ["image: [1, 2]", "image: {alt: Flag}", "image = 3"] {
        let text = if image.contains('=') {
            format!("+++\ntitle = \"T\"\n{image}\n+++\n")
        } else {
            format!("---\ntitle: T\n{image}\n---\n")
        };
        let problems = Site::new().problems(&text);
        assert_eq!(problems.len(), 1, "{image}: {problems:?}");
        assert!(
            problems[0].contains("`image` is a path or URL, or a table with `src` and `alt`"),
            "{image}: {problems:?}"
        );
        assert!(!problems[0].contains("untagged"), "{image}: {problems:?}");
    }
}

/// The code of each problem one article file can have, from a file that has
/// only that problem (issue #14: every content problem is pinned by code).
#[test]
fn each_problem_of_an_article_file_has_its_own_code() {
    let site = Site::new();
    let many_names = (0..=MAX_NAMES)
        .map(|i| format!("Topic {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let cases: Vec<(Problem, Vec<u8>)> = vec![
        (Problem::NotUtf8, b"---\ntitle: Caf\xe9\n---\n".to_vec()),
        (Problem::UnclosedFrontMatter, b"---\ntitle: T\n".to_vec()),
        (
            Problem::InvalidFrontMatter,
            b"+++\ntitle = \"T\"\ndraft = \"maybe\"\n+++\n".to_vec(),
        ),
        (Problem::InvalidFrontMatter, b"{\"title\": \"T\"\n".to_vec()),
        (
            Problem::MissingTitle,
            b"---\ndate: 2024-01-01\n---\n".to_vec(),
        ),
        (
            Problem::TitleTooLong,
            format!("---\ntitle: {}\n---\n", "T".repeat(MAX_TITLE_CHARS + 1)).into_bytes(),
        ),
        (
            Problem::InvalidDate,
            b"---\ntitle: T\ndate: 2024-13-45\n---\n".to_vec(),
        ),
        (
            Problem::UpdatedBeforeDate,
            b"---\ntitle: T\ndate: 2024-03-02\nlastmod: 2024-03-01\n---\n".to_vec(),
        ),
        (
            Problem::ImplausibleDate,
            b"---\ntitle: T\ndate: 1970-01-01\n---\n".to_vec(),
        ),
        (
            Problem::InvalidTermList,
            b"---\ntitle: T\ncategories:\n  a: b\n---\n".to_vec(),
        ),
        (
            Problem::TooManyTerms,
            format!("---\ntitle: T\ncategories: [{many_names}]\n---\n").into_bytes(),
        ),
        (
            Problem::TermTooLong,
            format!(
                "---\ntitle: T\ncategories: [{}]\n---\n",
                "x".repeat(MAX_NAME_CHARS + 1)
            )
            .into_bytes(),
        ),
        (
            Problem::UnknownCountry,
            b"---\ntitle: T\ncountries: [Tajikstan]\n---\n".to_vec(),
        ),
        (
            Problem::InvalidId,
            b"+++\ntitle = \"T\"\nid = \"not a uri\"\n+++\n".to_vec(),
        ),
        (
            Problem::InvalidUrl,
            b"---\ntitle: T\nurl: ftp://example.org/x\n---\n".to_vec(),
        ),
    ];
    for (problem, bytes) in &cases {
        let path = site.write("2024/03/story.md", bytes);
        let (_, problems) = Loader::new(&site.config).load_file(&path);
        let codes: Vec<_> = problems.iter().map(|d| d.code.as_deref()).collect();
        assert_eq!(
            codes,
            [Some(problem.code())],
            "for input {:?}: {problems:?}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(problems[0].severity, problem.severity());
    }
    // The others need more than one article file: each is pinned by code
    // where it is found.
    let elsewhere = [
        // build::tests (duplicates), the `invalid-content` golden
        // (DuplicateUrl) and tests/integration/build.rs (HtmlTooDeep).
        Problem::DuplicateUrl,
        Problem::DuplicateId,
        Problem::HtmlTooDeep,
        // tests/integration/content.rs (a Hugo site's untitled page).
        Problem::UntitledPage,
        // Below (the walk), and
        // `shortcodes_never_reach_readers_and_unknown_ones_warn_once_per_name`.
        Problem::MissingContentDirectory,
        Problem::UnreadableFile,
        Problem::UnknownShortcode,
    ];
    std::fs::remove_dir_all(&site.config.content_dir).unwrap();
    let (_, problems) = Loader::new(&site.config).article_paths();
    assert_eq!(
        problems[0].code.as_deref(),
        Some(Problem::MissingContentDirectory.code())
    );
    #[cfg(unix)]
    {
        // A link to nothing: the walk cannot follow it.
        std::fs::create_dir_all(&site.config.content_dir).unwrap();
        std::os::unix::fs::symlink("missing.md", site.config.content_dir.join("story.md")).unwrap();
        let (_, problems) = Loader::new(&site.config).article_paths();
        assert_eq!(
            problems[0].code.as_deref(),
            Some(Problem::UnreadableFile.code()),
            "{problems:?}"
        );
    }
    for problem in Problem::ALL {
        assert!(
            cases.iter().any(|(p, _)| p == problem) || elsewhere.contains(problem),
            "{problem:?} is pinned by no test"
        );
    }
}

/// The README lists every article and configuration problem's code, so
/// editors can look one up.
#[test]
fn the_readme_lists_every_problem_code() {
    let readme = include_str!("../../README.md");
    let codes = Problem::ALL
        .iter()
        .map(|p| p.code())
        .chain(crate::error::ConfigProblem::ALL.iter().map(|p| p.code()));
    for code in codes {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README.md does not list {code}"
        );
    }
}
