//! A deterministic synthetic news collection for benchmarks and large tests.
//!
//! ```text
//! gen_corpus --articles N --out DIR [--seed S]
//! ```
//!
//! Writes N Markdown articles under `DIR/content/YYYY/MM/<slug>.md` with
//! Hugo-compatible front matter (about 80% YAML, 20% TOML): 20 categories,
//! countries as names, aliases and ISO codes, drafts, undated and date-only
//! articles, dates 2015–2025 in many UTC offsets, `lastmod`, `slug`,
//! `summary`, a nested `image:` table, Cyrillic and emoji titles, bodies with
//! lists, quotes, headings, links and raw HTML. Beside them it writes
//! `DIR/feedpub.toml`, and `DIR/hugo.toml` with `DIR/layouts/_default/rss.xml`
//! so that Hugo builds the same feeds (RSS only, newest 50 items).
//!
//! The same (N, seed) always gives the same bytes, on every platform: the
//! random numbers come from a fixed SplitMix64 generator, not from a crate
//! whose algorithm may change between versions. Article *i* depends only on
//! the seed and on the articles before it, so a larger corpus starts with
//! the smaller one's articles.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Datelike, Duration, FixedOffset, TimeZone, Utc};

const CATEGORIES: &[&str] = &[
    "National Security",
    "Economy",
    "Politics",
    "Society",
    "Energy",
    "Migration",
    "Human Rights",
    "Religion",
    "Water & Climate",
    "Education",
    "Health",
    "Media & Freedom of Speech",
    "Labour",
    "Agriculture",
    "Infrastructure",
    "Foreign Policy",
    "Border Disputes",
    "Culture",
    "Corruption",
    "Technology",
];

/// Names, common aliases ("Turkey" beside "Türkiye") and ISO 3166-1 alpha-2
/// codes (none that YAML 1.1 reads as a boolean, such as NO).
const COUNTRIES: &[&str] = &[
    "Tajikistan",
    "Kyrgyzstan",
    "Kazakhstan",
    "Uzbekistan",
    "Turkmenistan",
    "Afghanistan",
    "Russia",
    "China",
    "Iran",
    "Pakistan",
    "India",
    "Turkey",
    "Mongolia",
    "Azerbaijan",
    "Armenia",
    "Georgia",
    "Belarus",
    "Ukraine",
    "Moldova",
    "Germany",
    "France",
    "United States",
    "United Kingdom",
    "Japan",
    "South Korea",
    "Saudi Arabia",
    "United Arab Emirates",
    "Qatar",
    "Côte d'Ivoire",
    "Türkiye",
    "Bosnia & Herzegovina",
    "TJ",
    "KG",
    "KZ",
    "UZ",
    "TM",
    "AF",
    "RU",
    "CN",
    "IR",
];

const COUNTRY_ADJ: &[(&str, &str)] = &[
    ("Tajikistan", "Tajik"),
    ("Kyrgyzstan", "Kyrgyz"),
    ("Kazakhstan", "Kazakh"),
    ("Uzbekistan", "Uzbek"),
    ("Turkmenistan", "Turkmen"),
    ("Afghanistan", "Afghan"),
    ("Russia", "Russian"),
    ("China", "Chinese"),
    ("Iran", "Iranian"),
];

const AUTHORS_LATIN: &[&str] = &[
    "Farida Nazarova",
    "Timur Abdullaev",
    "Aigul Bekova",
    "Rustam Karimov",
    "Dilnoza Yusupova",
    "Sergei Volkov",
    "Anna Petrova",
    "Jamshed Rahimov",
    "Gulnara Sadykova",
    "Bakhtiyor Ergashev",
    "Mariam Ahmadi",
    "John O'Neill",
];
const AUTHORS_CYR: &[&str] = &[
    "Алишер Рахимов",
    "Зарина Юсупова",
    "Ольга Смирнова",
    "Бахтияр Турсунов",
    "Нигора Саидова",
    "Дмитрий Кузнецов",
];

const LATIN: &str = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod \
    tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam \
    quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo \
    consequat duis aute irure in reprehenderit voluptate velit esse cillum \
    fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt \
    culpa qui officia deserunt mollit anim id est laborum border water \
    energy ministry government reform economy security talks agreement \
    president region population migration law freedom election parliament \
    pipeline dam river drought harvest remittances customs sanctions \
    journalist court prison mosque school hospital";

const CYRILLIC: &str = "граница вода энергия министерство правительство реформа экономика \
    безопасность переговоры соглашение президент регион население миграция \
    право свобода выборы закон парламент трубопровод плотина река засуха \
    урожай переводы таможня санкции журналист суд тюрьма мечеть школа \
    больница власти заявил сообщил источник данные рост цены сомони рубль \
    доллар кредит банк инвестиции строительство электростанция";

const TITLES_EN: &[&str] = &[
    "{adj} officials meet {country2} delegation on {topic}",
    "{country} and {country2} sign {topic} agreement",
    "{topic_cap} crisis deepens in {country}",
    "Why {country}'s {topic} policy matters",
    "{country}: new law on {topic} draws criticism",
    "Report: {topic} spending in {country} up {num}%",
    "{country} border reopens after {num}-day closure",
    "Inside {country}'s {topic} debate",
];
const TITLES_RU: &[&str] = &[
    "{ru_country}: власти обсуждают {ru_topic}",
    "В {ru_country2} выросли цены на {ru_topic}",
    "Переговоры о {ru_topic} продолжатся в {ru_country2}",
    "«{ru_topic_cap}» — главная тема недели",
];
const TOPICS: &[&str] = &[
    "water",
    "energy",
    "migration",
    "security",
    "trade",
    "media",
    "education",
    "labour",
    "climate",
    "religion",
    "customs",
    "health",
];
const RU_TOPICS: &[&str] = &[
    "воде",
    "энергии",
    "миграции",
    "безопасности",
    "торговле",
    "образовании",
    "климате",
    "таможне",
    "хлеб",
    "бензин",
];
const RU_COUNTRIES: &[&str] = &[
    "Таджикистан",
    "Кыргызстан",
    "Казахстан",
    "Узбекистан",
    "Россия",
    "Афганистан",
];
const RU_COUNTRIES_LOC: &[&str] = &[
    "Таджикистане",
    "Кыргызстане",
    "Казахстане",
    "Узбекистане",
    "России",
    "Афганистане",
];
const EMOJI: &[&str] = &["🚨", "💧", "⚡", "🇹🇯", "🇰🇬", "📈", "🕌", "🔥", "✅"];

/// UTC offsets in minutes; `None` is written `Z`.
const OFFSETS: &[Option<i32>] = &[
    None,
    Some(0),
    Some(300),
    Some(300),
    Some(360),
    Some(180),
    Some(270),
    Some(330),
    Some(60),
    Some(120),
    Some(-300),
    Some(-480),
    Some(540),
];

const HTML_SNIPPETS: &[&str] = &[
    "<abbr title=\"Collective Security Treaty Organization\">CSTO</abbr>",
    "<sup>1</sup>",
    "<span class=\"highlight\">update</span>",
    "<kbd>Ctrl</kbd>",
    "<mark>важно</mark>",
    "<a href=\"https://example.org/raw\" rel=\"nofollow\">source</a>",
];
const CODE_SPANS: &[&str] = &[
    "`ISO 3166-1`",
    "`TJS/USD`",
    "`#WaterForAll`",
    "`<br>`",
    "`a && b`",
    "`UTC+05:00`",
];

const FEEDPUB_TOML: &str = "\
title = \"Synthetic News\"
base_url = \"https://news.example.org\"
language = \"en\"
timezone = \"Asia/Dushanbe\"
";

const HUGO_TOML: &str = r#"# Feeds-only Hugo site (tested with Hugo 0.111.3).
baseURL = "https://news.example.org/"
languageCode = "en"
title = "Synthetic News"
# Only the home page and taxonomy *term* pages are rendered, and only as RSS.
# "taxonomy" (the /categories/ list of terms) is disabled on purpose; Hugo
# 0.73+ logs an error for that value unless it is acknowledged here.
ignoreErrors = ["error-disable-taxonomy"]
# "page" must NOT be in disableKinds: that removes the articles from every
# list (the feeds come out empty). Articles are kept out of public/ with the
# cascade below instead (render = "link": no file, but a permalink).
disableKinds = ["section", "taxonomy", "sitemap", "robotsTXT", "404"]

[taxonomies]
category = "categories"
country = "countries"

[outputs]
home = ["RSS"]
term = ["RSS"]

[services.rss]
limit = 50

# Articles may carry raw inline HTML; pass it through like a news CMS would.
[markup.goldmark.renderer]
unsafe = true

[[cascade]]
  [cascade._build]
    render = "link"
    list = "always"
  [cascade._target]
    kind = "page"
"#;

const HUGO_RSS: &str = r#"{{- /* Full-content RSS 2.0 feed: home page and every taxonomy term. */ -}}
{{- $pctx := . -}}
{{- if .IsHome -}}{{ $pctx = .Site }}{{- end -}}
{{- $pages := slice -}}
{{- if or $.IsHome $.IsSection -}}
{{- $pages = $pctx.RegularPages -}}
{{- else -}}
{{- $pages = $pctx.Pages -}}
{{- end -}}
{{- $limit := .Site.Config.Services.RSS.Limit -}}
{{- if ge $limit 1 -}}
{{- $pages = $pages | first $limit -}}
{{- end -}}
{{- printf "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{{ if eq .Title .Site.Title }}{{ .Site.Title }}{{ else }}{{ with .Title }}{{ . }} on {{ end }}{{ .Site.Title }}{{ end }}</title>
    <link>{{ .Permalink }}</link>
    <description>Recent content {{ if ne .Title .Site.Title }}{{ with .Title }}in {{ . }} {{ end }}{{ end }}on {{ .Site.Title }}</description>
    <generator>Hugo -- gohugo.io</generator>
    <language>{{ site.LanguageCode }}</language>
    {{- if not .Date.IsZero }}
    <lastBuildDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</lastBuildDate>
    {{- end }}
    {{- with .OutputFormats.Get "RSS" }}
    {{ printf "<atom:link href=%q rel=\"self\" type=%q />" .Permalink .MediaType | safeHTML }}
    {{- end }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      {{- if not .Date.IsZero }}
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      {{- end }}
      <guid isPermaLink="true">{{ .Permalink }}</guid>
      {{- with .Params.author }}
      <dc:creator>{{ . }}</dc:creator>
      {{- end }}
      {{- range .Params.categories }}
      <category>{{ . }}</category>
      {{- end }}
      {{- with .Params.image }}
      <enclosure url="{{ .src | absURL }}" type="image/png" length="0" />
      {{- end }}
      <description>{{ with .Params.summary }}{{ . }}{{ else }}{{ .Summary | html }}{{ end }}</description>
      <content:encoded>{{ .Content | html }}</content:encoded>
    </item>
    {{- end }}
  </channel>
</rss>
"#;

/// SplitMix64: tiny, fast, and fixed forever, so corpora are reproducible.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n); `n` > 0.
    fn below(&mut self, n: u64) -> u64 {
        // The modulo bias is far below anything a benchmark can see.
        self.next_u64() % n
    }

    /// Uniform in [lo, hi], both included.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    fn choice<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// `k` distinct items, in random order.
    fn sample<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut pool = items.to_vec();
        let mut out = Vec::with_capacity(k);
        for _ in 0..k.min(pool.len()) {
            let i = self.below(pool.len() as u64) as usize;
            out.push(pool.swap_remove(i));
        }
        out
    }
}

/// Lowercase ASCII letters and digits, runs of anything else as one `-`.
fn slugify(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(60).collect();
    let trimmed = trimmed.trim_matches('-');
    if trimmed.is_empty() {
        "article".to_string()
    } else {
        trimmed.to_string()
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The title, and whether the article is in Russian.
fn title(rng: &mut Rng) -> (String, bool) {
    let (mut t, ru) = if rng.random() < 0.25 {
        let t = rng
            .choice(TITLES_RU)
            .replace("{ru_country}", rng.choice(RU_COUNTRIES))
            .replace("{ru_country2}", rng.choice(RU_COUNTRIES_LOC))
            .replace("{ru_topic}", rng.choice(RU_TOPICS))
            .replace("{ru_topic_cap}", &capitalize(rng.choice(RU_TOPICS)));
        (t, true)
    } else {
        let flags: Vec<&str> = COUNTRIES.iter().copied().filter(|c| c.len() > 2).collect();
        let pair = rng.sample(&flags[..18], 2);
        let (c1, c2) = (pair[0], pair[1]);
        let topic = rng.choice(TOPICS);
        let adj = COUNTRY_ADJ
            .iter()
            .find(|(c, _)| *c == c1)
            .map_or(c1, |(_, a)| a);
        let num = rng.between(2, 90).to_string();
        let t = rng
            .choice(TITLES_EN)
            .replace("{adj}", adj)
            .replace("{country2}", c2)
            .replace("{country}", c1)
            .replace("{topic_cap}", &capitalize(topic))
            .replace("{topic}", topic)
            .replace("{num}", &num);
        (t, false)
    };
    let r = rng.random();
    if r < 0.10 {
        t.push_str(if ru {
            " — «нет компромиссу»"
        } else {
            " — minister says \"no compromise\""
        });
    } else if r < 0.18 {
        if t.contains(" and ") {
            t = t.replacen(" and ", " & ", 1);
        } else {
            t.push_str(" & beyond");
        }
    } else if r < 0.21 {
        if rng.random() < 0.5 {
            t = format!("<Breaking> {t}");
        } else {
            t.push_str(" (2 < 3?)");
        }
    } else if r < 0.26 {
        t = format!("{} {t}", rng.choice(EMOJI));
    }
    (t, ru)
}

struct Words {
    latin: Vec<&'static str>,
    cyrillic: Vec<&'static str>,
}

impl Words {
    fn new() -> Words {
        Words {
            latin: LATIN.split_whitespace().collect(),
            cyrillic: CYRILLIC.split_whitespace().collect(),
        }
    }

    fn take(&self, rng: &mut Rng, n: usize, cyrillic_share: f64) -> Vec<String> {
        (0..n)
            .map(|_| {
                let pool = if rng.random() < cyrillic_share {
                    &self.cyrillic
                } else {
                    &self.latin
                };
                rng.choice(pool).to_string()
            })
            .collect()
    }

    fn paragraph(&self, rng: &mut Rng, n: usize, cyrillic_share: f64) -> String {
        let mut w = self.take(rng, n, cyrillic_share);
        w[0] = capitalize(&w[0]);
        for _ in 0..rng.between(0, 3) {
            let i = rng.below(w.len() as u64) as usize;
            let k = rng.random();
            w[i] = if k < 0.35 {
                format!("**{}**", w[i])
            } else if k < 0.65 {
                format!("_{}_", w[i])
            } else {
                format!(
                    "[{}](https://example.org/x/{})",
                    w[i],
                    rng.between(1, 99999)
                )
            };
        }
        if rng.random() < 0.06 {
            let at = rng.below(w.len() as u64) as usize;
            w.insert(at, rng.choice(HTML_SNIPPETS).to_string());
        }
        if rng.random() < 0.06 {
            let at = rng.below(w.len() as u64) as usize;
            w.insert(at, rng.choice(CODE_SPANS).to_string());
        }
        let mut out = Vec::with_capacity(w.len());
        let mut since = 0;
        for i in 0..w.len() {
            since += 1;
            if since > 8 && rng.random() < 0.12 && i + 1 < w.len() {
                out.push(format!("{}.", w[i]));
                since = 0;
                w[i + 1] = capitalize(&w[i + 1]);
            } else {
                out.push(w[i].clone());
            }
        }
        out.join(" ") + "."
    }

    fn body(&self, rng: &mut Rng, ru: bool) -> String {
        let target = rng.between(300, 1500);
        let cyr = if ru {
            0.7
        } else {
            [0.05, 0.15, 0.3][rng.below(3) as usize]
        };
        let mut parts = Vec::new();
        let mut count = 0;
        let mut idx = 0;
        while count < target {
            let n = rng.between(40, 120).min((target - count).max(10));
            let r = rng.random();
            if r < 0.08 && idx > 0 {
                let items = rng.between(3, 6);
                let ordered = rng.random() < 0.4;
                let mut lines = Vec::new();
                for j in 0..items {
                    let m = rng.between(4, 12);
                    let bullet = if ordered {
                        format!("{}.", j + 1)
                    } else {
                        "-".to_string()
                    };
                    lines.push(format!("{bullet} {}", self.take(rng, m, cyr).join(" ")));
                    count += m;
                }
                parts.push(lines.join("\n"));
            } else if r < 0.12 && idx > 0 {
                let m = rng.between(15, 40);
                parts.push(format!(
                    "> {}.",
                    capitalize(&self.take(rng, m, cyr).join(" "))
                ));
                count += m;
            } else if r < 0.15 && idx > 0 {
                let m = rng.between(2, 5);
                parts.push(format!(
                    "## {}",
                    capitalize(&self.take(rng, m, cyr).join(" "))
                ));
            } else {
                parts.push(self.paragraph(rng, n, cyr));
                count += n;
            }
            idx += 1;
        }
        parts.join("\n\n") + "\n"
    }
}

/// How an article is dated.
enum Dated {
    Undated,
    Day(String),
    Instant(String),
}

struct Article {
    title: String,
    folder: String,
    date: Dated,
    date_quoted: bool,
    lastmod: Option<String>,
    draft: bool,
    categories: Vec<&'static str>,
    countries: Vec<&'static str>,
    author: &'static str,
    summary: Option<String>,
    image: Option<(String, String)>,
    file_slug: String,
    slug: Option<String>,
    body: String,
    yaml: bool,
    block_lists: bool,
}

fn rfc3339(t: DateTime<FixedOffset>, offset: Option<i32>, millis: bool) -> String {
    let mut s = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    if millis {
        let _ = write!(s, ".{:03}", t.timestamp_subsec_millis());
    }
    match offset {
        None => s.push('Z'),
        Some(_) => s.push_str(&t.format("%:z").to_string()),
    }
    s
}

fn article(rng: &mut Rng, words: &Words, i: usize) -> Article {
    let (title, ru) = title(rng);
    let start = Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap();
    let span = (Utc.with_ymd_and_hms(2025, 12, 31, 0, 0, 0).unwrap() - start).num_seconds();
    let t = start
        + Duration::seconds(rng.below(span as u64) as i64)
        + Duration::milliseconds(rng.below(1000) as i64);
    let offset = OFFSETS[rng.below(OFFSETS.len() as u64) as usize];
    let zone = FixedOffset::east_opt(offset.unwrap_or(0) * 60).unwrap();
    let local = t.with_timezone(&zone);
    let folder = format!("{:04}/{:02}", local.year(), local.month());
    let r = rng.random();
    let date = if r < 0.01 {
        Dated::Undated
    } else if r < 0.03 {
        Dated::Day(local.format("%Y-%m-%d").to_string())
    } else {
        let millis = rng.random() < 0.05;
        Dated::Instant(rfc3339(local, offset, millis))
    };
    let date_quoted = rng.random() < 0.15;
    let lastmod = if rng.random() < 0.10 && !matches!(date, Dated::Undated) {
        let later = local + Duration::hours(rng.between(1, 24 * 60) as i64);
        Some(rfc3339(later, offset, false))
    } else {
        None
    };
    let draft = rng.random() < 0.02;
    let n = rng.between(1, 3);
    let categories = rng.sample(CATEGORIES, n);
    let n = rng.between(1, 3);
    let countries = rng.sample(COUNTRIES, n);
    let author = if rng.random() < 0.10 {
        ""
    } else if ru && rng.random() < 0.7 {
        rng.choice(AUTHORS_CYR)
    } else {
        rng.choice(AUTHORS_LATIN)
    };
    let summary = (rng.random() < 0.60).then(|| {
        let n = rng.between(12, 35);
        let mut s = capitalize(&words.take(rng, n, if ru { 0.7 } else { 0.1 }).join(" ")) + ".";
        if rng.random() < 0.15 {
            s = s.replacen(' ', " \"quoted\" & ", 1);
        }
        s
    });
    let image = (rng.random() < 0.50).then(|| {
        let flags: Vec<&str> = COUNTRIES.iter().copied().filter(|c| c.len() > 2).collect();
        let c = rng.choice(&flags);
        (
            format!("/images/flags/{}.png", slugify(c)),
            format!("Flag of {c}"),
        )
    });
    let base = if ru {
        "statya".to_string()
    } else {
        slugify(&title)
    };
    let file_slug = format!("{base}-{i}");
    let slug = (rng.random() < 0.30).then(|| {
        let short: String = base.chars().take(30).collect();
        format!("{}-s{i}", short.trim_matches('-'))
    });
    let body = words.body(rng, ru);
    let yaml = rng.random() < 0.80;
    let block_lists = rng.random() < 0.5;
    Article {
        title,
        folder,
        date,
        date_quoted,
        lastmod,
        draft,
        categories,
        countries,
        author,
        summary,
        image,
        file_slug,
        slug,
        body,
        yaml,
        block_lists,
    }
}

/// A double-quoted YAML or TOML basic string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A single-quoted YAML string.
fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn yaml_list(key: &str, items: &[&str], block: bool, lines: &mut Vec<String>) {
    if block {
        lines.push(format!("{key}:"));
        for x in items {
            let needs_quotes =
                x.contains('\'') || x.starts_with(['&', '*', '!', '|', '>', '%', '@', '`', '"']);
            lines.push(format!(
                "  - {}",
                if needs_quotes {
                    quoted(x)
                } else {
                    x.to_string()
                }
            ));
        }
    } else {
        let items: Vec<String> = items.iter().map(|x| quoted(x)).collect();
        lines.push(format!("{key}: [{}]", items.join(", ")));
    }
}

fn render(a: &Article) -> String {
    let mut l: Vec<String> = Vec::new();
    let date = match &a.date {
        Dated::Undated => None,
        Dated::Day(d) | Dated::Instant(d) => Some(d.as_str()),
    };
    if a.yaml {
        l.push("---".into());
        let single = !a.title.contains('\'') && a.title.chars().count().is_multiple_of(3);
        l.push(format!(
            "title: {}",
            if single {
                single_quoted(&a.title)
            } else {
                quoted(&a.title)
            }
        ));
        if let Some(d) = date {
            l.push(format!(
                "date: {}",
                if a.date_quoted {
                    quoted(d)
                } else {
                    d.to_string()
                }
            ));
        }
        if let Some(m) = &a.lastmod {
            l.push(format!("lastmod: {m}"));
        }
        if a.draft {
            l.push("draft: true".into());
        }
        if let Some(s) = &a.slug {
            l.push(format!("slug: {s}"));
        }
        l.push(format!("author: {}", quoted(a.author)));
        if let Some(s) = &a.summary {
            l.push(format!("summary: {}", quoted(s)));
        }
        yaml_list("categories", &a.categories, a.block_lists, &mut l);
        yaml_list("countries", &a.countries, !a.block_lists, &mut l);
        if let Some((src, alt)) = &a.image {
            l.push("image:".into());
            l.push(format!("  src: {src}"));
            l.push(format!("  alt: {}", quoted(alt)));
        }
        l.push("---".into());
    } else {
        l.push("+++".into());
        l.push(format!("title = {}", quoted(&a.title)));
        if let Some(d) = date {
            l.push(format!(
                "date = {}",
                if a.date_quoted {
                    quoted(d)
                } else {
                    d.to_string()
                }
            ));
        }
        if let Some(m) = &a.lastmod {
            l.push(format!("lastmod = {m}"));
        }
        if a.draft {
            l.push("draft = true".into());
        }
        if let Some(s) = &a.slug {
            l.push(format!("slug = {}", quoted(s)));
        }
        l.push(format!("author = {}", quoted(a.author)));
        if let Some(s) = &a.summary {
            l.push(format!("summary = {}", quoted(s)));
        }
        let list = |items: &[&str]| {
            items
                .iter()
                .map(|x| quoted(x))
                .collect::<Vec<_>>()
                .join(", ")
        };
        l.push(format!("categories = [{}]", list(&a.categories)));
        l.push(format!("countries = [{}]", list(&a.countries)));
        if let Some((src, alt)) = &a.image {
            l.push(String::new());
            l.push("[image]".into());
            l.push(format!("src = {}", quoted(src)));
            l.push(format!("alt = {}", quoted(alt)));
        }
        l.push("+++".into());
    }
    l.join("\n") + "\n\n" + &a.body
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

const USAGE: &str = "usage: gen_corpus --articles N --out DIR [--seed S]";

struct Args {
    articles: usize,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut articles = None;
    let mut out = None;
    let mut seed = 42;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--articles" => {
                let v = value()?;
                articles = Some(
                    v.parse()
                        .map_err(|_| format!("--articles {v}: not a count"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => {
                let v = value()?;
                seed = v.parse().map_err(|_| format!("--seed {v}: not a number"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Args {
        articles: articles.ok_or(format!("--articles is required\n{USAGE}"))?,
        out: out.ok_or(format!("--out is required\n{USAGE}"))?,
        seed,
    })
}

fn run(args: &Args) -> Result<(), String> {
    let mut rng = Rng(args.seed);
    let words = Words::new();
    let content = args.out.join("content");
    let mut total = 0;
    for i in 0..args.articles {
        let a = article(&mut rng, &words, i);
        let text = render(&a);
        total += text.len();
        write(
            &content.join(&a.folder).join(format!("{}.md", a.file_slug)),
            &text,
        )?;
    }
    // The configs last: a corpus with them is complete.
    write(&args.out.join("hugo.toml"), HUGO_TOML)?;
    write(&args.out.join("layouts/_default/rss.xml"), HUGO_RSS)?;
    write(&args.out.join("feedpub.toml"), FEEDPUB_TOML)?;
    eprintln!(
        "wrote {} articles, {total} bytes of Markdown, under {}",
        args.articles,
        content.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::from(2)
        }
    }
}
