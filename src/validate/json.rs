//! JSON Feed 1.1 rules (<https://www.jsonfeed.org/version/1.1/>): the
//! members the specification requires, their types, absolute URLs, RFC 3339
//! dates and ids unique within the feed. Findings name the member by its
//! path (`items[3].date_published`); only syntax errors have a line.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Options, Rule, quoted};
use crate::dates::parse_rfc3339;
use crate::error::Diagnostic;

/// Versions this validator knows; 1.0 feeds are read with 1.1's rules,
/// except that 1.1's deprecations are not held against them.
const VERSIONS: &[&str] = &[
    "https://jsonfeed.org/version/1.1",
    "https://jsonfeed.org/version/1",
];

/// Top-level members of a JSON Feed document.
const FEED_MEMBERS: &[&str] = &[
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "author",
    "language",
    "expired",
    "hubs",
    "items",
];

/// Members of an item.
const ITEM_MEMBERS: &[&str] = &[
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "author",
    "tags",
    "language",
    "attachments",
];

/// Whether these bytes look like a JSON document (an object after optional
/// byte-order mark and white space) rather than XML.
pub(super) fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

/// Validate one JSON Feed document.
pub(super) fn validate(path: &Path, bytes: &[u8], options: &Options) -> Vec<Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let document: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            let what = e.to_string();
            // serde_json appends " at line L column C"; the position goes
            // into the diagnostic instead.
            let message = what
                .rsplit_once(" at line ")
                .map_or(what.as_str(), |(m, _)| m);
            return vec![
                Diagnostic::error(path, format!("not valid JSON: {message}"))
                    .with_code(Rule::JsonSyntax.code())
                    .at(e.line().max(1), e.column().max(1))
                    .with_help("JSON Feed is a JSON object; check quotes, commas and brackets"),
            ];
        }
    };
    let mut check = Checker {
        path,
        options,
        found: Vec::new(),
        deprecations_apply: true,
    };
    check.feed(&document);
    check.found
}

struct Checker<'a> {
    path: &'a Path,
    options: &'a Options,
    found: Vec<Diagnostic>,
    /// 1.1 deprecated members of 1.0; a 1.0 feed may still use them.
    deprecations_apply: bool,
}

impl Checker<'_> {
    fn add(&mut self, rule: Rule, message: String, help: &str) {
        let diagnostic = match rule.severity() {
            crate::error::Severity::Error => Diagnostic::error(self.path, message),
            crate::error::Severity::Warning => Diagnostic::warning(self.path, message),
        };
        self.found
            .push(diagnostic.with_code(rule.code()).with_help(help));
    }

    fn feed(&mut self, document: &Value) {
        let Some(feed) = document.as_object() else {
            self.add(
                Rule::JsonType,
                "a JSON Feed must be a JSON object".into(),
                "start the document with `{\"version\": \"https://jsonfeed.org/version/1.1\", …`",
            );
            return;
        };
        match feed.get("version") {
            None => self.add(
                Rule::MissingElement,
                "missing `version`".into(),
                "add \"version\": \"https://jsonfeed.org/version/1.1\"",
            ),
            Some(Value::String(v)) if VERSIONS.contains(&v.as_str()) => {
                self.deprecations_apply = v == VERSIONS[0];
            }
            Some(other) => self.add(
                Rule::JsonFeedVersion,
                format!("unknown JSON Feed `version` {}", shown(other)),
                "use \"https://jsonfeed.org/version/1.1\"",
            ),
        }
        self.required_string(feed, "title", "title");
        for key in ["home_page_url", "feed_url", "next_url", "icon", "favicon"] {
            self.url(feed, key, key);
        }
        for key in ["description", "user_comment", "language"] {
            self.string(feed, key, key);
        }
        if feed.get("expired").is_some_and(|v| !v.is_boolean()) {
            self.add(
                Rule::JsonType,
                "`expired` must be true or false".into(),
                "write `\"expired\": true` or leave it out",
            );
        }
        self.authors(feed, "");
        self.hubs(feed);
        self.unknown_members(feed, FEED_MEMBERS, "");
        match feed.get("items") {
            None => self.add(
                Rule::MissingElement,
                "missing `items`".into(),
                "add \"items\": [] (an empty feed still has the member)",
            ),
            Some(Value::Array(items)) => {
                let mut ids = HashSet::new();
                for (index, item) in items.iter().enumerate() {
                    self.item(item, index, &mut ids);
                }
            }
            Some(other) => self.add(
                Rule::JsonType,
                format!("`items` must be an array, not {}", kind(other)),
                "write \"items\": [ {…}, {…} ]",
            ),
        }
    }

    fn item(&mut self, item: &Value, index: usize, ids: &mut HashSet<String>) {
        let at = format!("items[{index}]");
        let Some(item) = item.as_object() else {
            self.add(
                Rule::JsonType,
                format!("`{at}` must be an object, not {}", kind(item)),
                "each item is an object with at least `id` and `content_html` or `content_text`",
            );
            return;
        };
        match item.get("id") {
            None => self.add(
                Rule::MissingElement,
                format!("`{at}` has no `id`"),
                "give every item a unique, permanent `id` (its URL is a good choice)",
            ),
            Some(Value::String(id)) if id.trim().is_empty() => self.add(
                Rule::NotBlank,
                format!("`{at}.id` is empty"),
                "give every item a unique, permanent `id`",
            ),
            Some(Value::String(id)) => {
                if !ids.insert(id.clone()) {
                    self.add(
                        Rule::DuplicateItemId,
                        format!("`{at}.id` {} is used by an earlier item", quoted(id)),
                        "readers treat items with one id as one item: make each id unique",
                    );
                }
            }
            Some(other) => self.add(
                Rule::JsonType,
                format!("`{at}.id` must be a string, not {}", kind(other)),
                "write the id as a string, e.g. \"id\": \"https://example.org/post/\"",
            ),
        }
        let has_content = ["content_html", "content_text"]
            .iter()
            .any(|key| item.get(*key).is_some_and(Value::is_string));
        if !has_content {
            self.add(
                Rule::MissingElement,
                format!("`{at}` has neither `content_html` nor `content_text`"),
                "every item needs one of them (it may be an empty string)",
            );
        }
        for key in [
            "content_html",
            "content_text",
            "title",
            "summary",
            "language",
        ] {
            self.string(item, key, &format!("{at}.{key}"));
        }
        for key in ["url", "external_url", "image", "banner_image"] {
            self.url(item, key, &format!("{at}.{key}"));
        }
        for key in ["date_published", "date_modified"] {
            self.date(item, key, &format!("{at}.{key}"));
        }
        if let Some(tags) = item.get("tags") {
            let strings = tags
                .as_array()
                .is_some_and(|t| t.iter().all(Value::is_string));
            if !strings {
                self.add(
                    Rule::JsonType,
                    format!("`{at}.tags` must be an array of strings"),
                    "write \"tags\": [\"Economy\", \"Tajikistan\"]",
                );
            }
        }
        self.authors(item, &format!("{at}."));
        self.attachments(item, &at);
        self.unknown_members(item, ITEM_MEMBERS, &format!("{at}."));
    }

    fn attachments(&mut self, item: &Map<String, Value>, at: &str) {
        let Some(attachments) = item.get("attachments") else {
            return;
        };
        let Some(list) = attachments.as_array() else {
            self.add(
                Rule::JsonType,
                format!("`{at}.attachments` must be an array"),
                "write \"attachments\": [{\"url\": …, \"mime_type\": …}]",
            );
            return;
        };
        for (index, attachment) in list.iter().enumerate() {
            let here = format!("{at}.attachments[{index}]");
            let Some(attachment) = attachment.as_object() else {
                self.add(
                    Rule::JsonType,
                    format!("`{here}` must be an object"),
                    "an attachment is {\"url\": …, \"mime_type\": …}",
                );
                continue;
            };
            for key in ["url", "mime_type"] {
                if !attachment.contains_key(key) {
                    self.add(
                        Rule::MissingElement,
                        format!("`{here}` has no `{key}`"),
                        "an attachment needs both `url` and `mime_type`",
                    );
                }
            }
            self.url(attachment, "url", &format!("{here}.url"));
            self.string(attachment, "mime_type", &format!("{here}.mime_type"));
            self.string(attachment, "title", &format!("{here}.title"));
            for key in ["size_in_bytes", "duration_in_seconds"] {
                if attachment
                    .get(key)
                    .is_some_and(|v| !v.as_f64().is_some_and(|n| n >= 0.0))
                {
                    self.add(
                        Rule::JsonType,
                        format!("`{here}.{key}` must be a non-negative number"),
                        "write a number without quotes, or leave it out",
                    );
                }
            }
        }
    }

    fn authors(&mut self, object: &Map<String, Value>, at: &str) {
        if object.contains_key("author") && self.deprecations_apply {
            self.add(
                Rule::DeprecatedMember,
                format!("`{at}author` is deprecated in JSON Feed 1.1"),
                "use `authors`, an array of author objects",
            );
        }
        let Some(authors) = object.get("authors") else {
            return;
        };
        let Some(list) = authors.as_array() else {
            self.add(
                Rule::JsonType,
                format!("`{at}authors` must be an array"),
                "write \"authors\": [{\"name\": \"…\"}]",
            );
            return;
        };
        for (index, author) in list.iter().enumerate() {
            let here = format!("{at}authors[{index}]");
            let named = author.as_object().is_some_and(|a| {
                ["name", "url", "avatar"]
                    .iter()
                    .any(|key| a.get(*key).is_some_and(Value::is_string))
            });
            if !named {
                self.add(
                    Rule::MissingElement,
                    format!("`{here}` has none of `name`, `url`, `avatar`"),
                    "an author object needs at least one of them",
                );
            }
            if let Some(author) = author.as_object() {
                self.url(author, "url", &format!("{here}.url"));
                self.url(author, "avatar", &format!("{here}.avatar"));
            }
        }
    }

    fn hubs(&mut self, feed: &Map<String, Value>) {
        let Some(hubs) = feed.get("hubs") else {
            return;
        };
        let valid = hubs.as_array().is_some_and(|list| {
            list.iter().all(|hub| {
                ["type", "url"]
                    .iter()
                    .all(|key| hub.get(*key).is_some_and(Value::is_string))
            })
        });
        if !valid {
            self.add(
                Rule::JsonType,
                "`hubs` must be an array of objects with `type` and `url`".into(),
                "write \"hubs\": [{\"type\": \"WebSub\", \"url\": \"https://hub.example/\"}]",
            );
            return;
        }
        let urls = hubs.as_array().into_iter().flatten();
        for url in urls.filter_map(|hub| hub.get("url")?.as_str()) {
            if let Some(why) = super::hub_problem(url, None) {
                self.add(
                    Rule::InvalidHubLink,
                    why,
                    "write the hub's full address, starting with https://",
                );
            }
        }
    }

    fn unknown_members(&mut self, object: &Map<String, Value>, known: &[&str], at: &str) {
        for key in object.keys() {
            // Extensions start with an underscore.
            if !key.starts_with('_') && !known.contains(&key.as_str()) {
                self.add(
                    Rule::UnknownMember,
                    format!("`{at}{key}` is not a JSON Feed member"),
                    "check the spelling; custom members must start with `_`",
                );
            }
        }
    }

    fn required_string(&mut self, object: &Map<String, Value>, key: &str, at: &str) {
        if object.contains_key(key) {
            self.string(object, key, at);
        } else {
            self.add(
                Rule::MissingElement,
                format!("missing `{at}`"),
                "add it: readers show it as the feed's name",
            );
        }
    }

    fn string(&mut self, object: &Map<String, Value>, key: &str, at: &str) {
        if let Some(value) = object.get(key).filter(|v| !v.is_string()) {
            self.add(
                Rule::JsonType,
                format!("`{at}` must be a string, not {}", kind(value)),
                "put the value in double quotes",
            );
        }
    }

    fn url(&mut self, object: &Map<String, Value>, key: &str, at: &str) {
        let Some(value) = object.get(key) else {
            return;
        };
        let Some(text) = value.as_str() else {
            self.string(object, key, at);
            return;
        };
        if url::Url::parse(text).is_err() {
            self.add(
                Rule::InvalidFullLink,
                format!("`{at}` {} is not an absolute URL", quoted(text)),
                "write the full URL, starting with https://",
            );
        }
    }

    fn date(&mut self, object: &Map<String, Value>, key: &str, at: &str) {
        let Some(value) = object.get(key) else {
            return;
        };
        let Some(text) = value.as_str() else {
            self.string(object, key, at);
            return;
        };
        match parse_rfc3339(text) {
            Err(e) => self.add(
                Rule::InvalidRFC3339Date,
                format!("`{at}`: {}", e.message),
                "write an RFC 3339 date and time, e.g. 2024-03-25T10:00:00Z",
            ),
            Ok(date) => {
                if self.options.now.is_some_and(|now| date > now) {
                    self.add(
                        Rule::FutureDate,
                        format!("`{at}` {} is in the future", quoted(text)),
                        "readers sort by date: a future date keeps the item on top",
                    );
                }
            }
        }
    }
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON value shown in a message.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        other => kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(json: &str) -> Vec<String> {
        let options = Options {
            now: Some("2025-01-01T00:00:00Z".parse().expect("instant")),
            ..Options::default()
        };
        validate(Path::new("feed.json"), json.as_bytes(), &options)
            .into_iter()
            .map(|d| d.code.unwrap_or_default())
            .collect()
    }

    const VALID: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T",
        "home_page_url": "https://x.org/", "feed_url": "https://x.org/feed.json",
        "authors": [{"name": "N"}], "_ext": {"a": 1},
        "items": [{"id": "1", "url": "https://x.org/1", "content_html": "<p>x</p>",
          "date_published": "2024-03-25T10:00:00Z", "tags": ["a"],
          "attachments": [{"url": "https://x.org/a.png", "mime_type": "image/png", "size_in_bytes": 3}]}]}"#;

    #[test]
    fn a_complete_feed_has_no_finding() {
        assert_eq!(codes(VALID), Vec::<String>::new());
        assert!(looks_like_json(b"\xEF\xBB\xBF \n{}"));
        assert!(!looks_like_json(b"<?xml version=\"1.0\"?><rss/>"));
    }

    #[test]
    fn each_defect_has_its_rule() {
        let cases: &[(&str, &str, &str)] = &[
            (r#""title": "T","#, "", "MissingElement"),
            (
                r#""version": "https://jsonfeed.org/version/1.1""#,
                r#""version": "1.1""#,
                "JsonFeedVersion",
            ),
            (r#""id": "1""#, r#""id": 1"#, "JsonType"),
            (r#""id": "1""#, r#""id": " ""#, "NotBlank"),
            (r#""content_html": "<p>x</p>","#, "", "MissingElement"),
            (
                r#""url": "https://x.org/1""#,
                r#""url": "/1""#,
                "InvalidFullLink",
            ),
            (
                r#""date_published": "2024-03-25T10:00:00Z""#,
                r#""date_published": "2024-03-25 10:00""#,
                "InvalidRFC3339Date",
            ),
            (
                r#""date_published": "2024-03-25T10:00:00Z""#,
                r#""date_published": "2030-03-25T10:00:00Z""#,
                "FutureDate",
            ),
            (r#""tags": ["a"]"#, r#""tags": "a""#, "JsonType"),
            (r#", "mime_type": "image/png""#, "", "MissingElement"),
            (r#""_ext": {"a": 1}"#, r#""extra": 1"#, "UnknownMember"),
            (
                r#""authors": [{"name": "N"}]"#,
                r#""author": {"name": "N"}"#,
                "DeprecatedMember",
            ),
            (
                r#""authors": [{"name": "N"}]"#,
                r#""authors": [{}]"#,
                "MissingElement",
            ),
            (
                r#""size_in_bytes": 3"#,
                r#""size_in_bytes": "3""#,
                "JsonType",
            ),
            (r#""title": "T","#, r#""title": "T",,"#, "JsonSyntax"),
        ];
        for (from, to, code) in cases {
            assert!(VALID.contains(from), "fixture lacks {from}");
            let broken = VALID.replacen(from, to, 1);
            assert_eq!(codes(&broken), vec![code.to_string()], "{from} → {to}");
        }
    }

    #[test]
    fn duplicate_ids_and_missing_items() {
        let two = VALID.replace(
            r#""items": [{"#,
            r#""items": [{"id": "1", "content_text": ""}, {"#,
        );
        assert_eq!(codes(&two), ["DuplicateItemId"]);
        assert_eq!(
            codes(r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T"}"#),
            ["MissingElement"]
        );
        assert_eq!(codes("[]"), ["JsonType"]);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let found = validate(Path::new("f.json"), b"{\n  \"a\": }", &Options::default());
        assert_eq!((found[0].line, found[0].column), (Some(2), Some(8)));
        assert!(
            !found[0].message.contains("at line"),
            "{}",
            found[0].message
        );
    }
}
