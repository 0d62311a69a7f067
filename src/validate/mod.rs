//! Validation of RSS and Atom feeds, for the build gate and `feedpub check`.
//!
//! [`validate_feed`] parses one serialized feed into a tree with `roxmltree`
//! (a feed is at most a few MB) and reports every problem
//! as a [`Diagnostic`] with a stable rule code ([`Rule`]), named after the W3C
//! Feed Validation Service message where one exists, and a 1-based line and
//! column (columns count characters, not bytes).
//!
//! The checks run in three layers:
//! - bytes: the encoding declaration, UTF-8 and characters legal in XML 1.0;
//! - XML: well-formedness, entities and namespace prefixes (`roxmltree`,
//!   which stops at the first error: undefined entities, undeclared
//!   prefixes, references to illegal characters and content after the root
//!   are repaired in a copy so the parse goes on; after any other error the
//!   feed rules do not run, and the finding says so);
//! - feed: RSS 2.0 and 0.91–0.94 (rssboard spec and RSS Best Practices
//!   Profile), RSS 1.0 (RDF) or Atom 1.0 (RFC 4287, feeds and Entry
//!   Documents) rules, picked from the root element here (the XML layer
//!   knows no feed format).
//!
//! Findings carry the severity the specifications give them
//! ([`Profile::Check`]); the build gate ([`Profile::Gate`]) is stricter on
//! feedpub's own output.
//!
//! ```
//! use feedpub::validate::{validate_feed, Options};
//! use std::path::Path;
//!
//! let feed = br#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
//! <title>T</title><link>https://example.com/</link><description>D</description>
//! <item><title>Hi</title><pubDate>2024-03-25T10:00:00Z</pubDate></item>
//! </channel></rss>"#;
//! let found = validate_feed(Path::new("rss.xml"), feed, &Options::default());
//! assert!(found.iter().any(|d| d.code.as_deref() == Some("InvalidRFC2822Date")));
//! ```

mod atom;
mod html;
mod json;
mod links;
mod rdf;
#[cfg(feature = "fetch")]
pub mod remote;
mod rss;
mod timeline;
mod tree;
mod xml;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::error::{Diagnostic, Severity};

/// Which syndication format a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    /// RSS 2.0: an `<rss>` root element without a namespace.
    Rss,
    /// Atom 1.0: a `<feed>` (or, for an Atom Entry Document, an `<entry>`)
    /// root element in the Atom namespace.
    Atom,
    /// RSS 1.0: an RDF `<rdf:RDF>` root holding RSS 1.0 elements.
    Rdf,
}

/// Whose feed is being validated, which decides how strict some rules are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// Any feed (`feedpub check`): findings carry the severity the
    /// specifications give them; what they only advise against is a warning.
    #[default]
    Check,
    /// feedpub's own output (the build gate): the advisory rules feedpub
    /// always meets are errors, and the gate-only rules run, so the build
    /// can never publish what an independent validator would warn about.
    Gate,
}

/// Settings for one validation run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Dates after this instant are flagged as `FutureDate`; `None` skips that check.
    pub now: Option<DateTime<Utc>>,
    /// How strict to be: any feed, or feedpub's own.
    pub profile: Profile,
}

/// Declares [`Rule`] with its code, severity and one line of documentation per rule.
macro_rules! rules {
    ($($(#[doc = $doc:literal])* $name:ident => $severity:ident,)*) => {
        /// A validation rule: a stable code and the severity of its findings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[doc = $doc])* $name,)*
        }

        impl Rule {
            /// Every rule, in declaration order.
            pub(crate) const ALL: &'static [Rule] = &[$(Rule::$name,)*];

            /// The stable code printed in diagnostics, e.g. `MissingAtomSelfLink`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Rule::$name => stringify!($name),)*
                }
            }

            /// The severity the specifications give this rule's findings.
            pub fn severity(self) -> Severity {
                match self {
                    $(Rule::$name => Severity::$severity,)*
                }
            }
        }
    };
}

rules! {
    /// The document is not well-formed XML.
    NotWellFormed => Error,
    /// A character that XML 1.0 forbids, raw or as a character reference.
    InvalidXmlCharacter => Error,
    /// Bytes that are not valid in the (declared or default) UTF-8 encoding.
    UnicodeError => Error,
    /// No XML declaration with an `encoding`, and no byte-order mark.
    MissingEncoding => Warning,
    /// The declared encoding is not one this validator can read.
    UnknownEncoding => Error,
    /// The bytes do not match the declared encoding.
    EncodingMismatch => Error,
    /// An XML version other than 1.0.
    BadXmlVersion => Error,
    /// An element or attribute prefix without a namespace declaration.
    UndeclaredPrefix => Error,
    /// An entity reference other than the five XML predefines.
    UndefinedNamedEntity => Error,
    /// The root element is neither RSS 2.0 `<rss>` nor Atom `<feed>`.
    UnknownFeedFormat => Error,
    /// An Atom `<feed>` outside the Atom namespace.
    InvalidNamespace => Error,
    /// A required element is missing.
    MissingElement => Error,
    /// A required attribute is missing.
    MissingAttribute => Error,
    /// An element that should have a value is empty.
    NotBlank => Warning,
    /// An RSS `<rss>` version other than 2.0 or 0.91–0.94.
    InvalidRSSVersion => Error,
    /// An RSS item with neither a title nor a description.
    ItemMustContainTitleOrDescription => Error,
    /// An RSS date that is not RFC 822 (four-digit year, English names, real date).
    InvalidRFC2822Date => Error,
    /// An RSS date whose day name does not match its date.
    IncorrectDOW => Error,
    /// An Atom date that is not RFC 3339 (`2024-03-25T10:00:00Z`).
    InvalidRFC3339Date => Error,
    /// A date after the build time.
    FutureDate => Warning,
    /// A date so old (before 1990) it is almost certainly a default value.
    ImplausibleDate => Warning,
    /// Items or entries not listed newest first.
    ItemsNotSorted => Warning,
    /// An RSS link that is not an absolute URL.
    InvalidFullLink => Error,
    /// An Atom IRI reference that cannot be parsed.
    InvalidIRI => Error,
    /// An Atom id that is not an absolute IRI.
    InvalidURI => Error,
    /// A relative Atom link with no `xml:base` to resolve it against.
    RelativeLink => Warning,
    /// An RSS permalink `guid` that is not a full http(s) URL.
    InvalidHttpGUID => Error,
    /// An attribute that must be `true` or `false` and is neither.
    InvalidBooleanAttribute => Error,
    /// An attribute whose name differs from a defined one only in case
    /// (`ispermalink` for `isPermaLink`): XML names are case-sensitive, so
    /// readers ignore it.
    MisspelledAttribute => Error,
    /// An RSS element that the document's declared version (0.91, 0.92 or
    /// 0.93) does not define yet (`<guid>` came with 0.94): readers that go
    /// by the version may ignore it.
    ElementNotInVersion => Warning,
    /// An attribute that must be a non-negative integer and is not.
    InvalidIntegerAttribute => Error,
    /// An attribute that must be a MIME type and is not.
    InvalidMIMEAttribute => Error,
    /// An RSS `author`, `managingEditor` or `webMaster` without an email address.
    InvalidContact => Error,
    /// Two RSS items with the same `guid`.
    DuplicateGuid => Error,
    /// Two Atom entries with the same `id`.
    DuplicateEntries => Warning,
    /// An RSS channel without `atom:link rel="self"`.
    MissingAtomSelfLink => Warning,
    /// An Atom feed without `link rel="self"`.
    MissingSelf => Warning,
    /// An Atom link without `href`.
    MissingHref => Error,
    /// An Atom entry with neither `content` nor `link rel="alternate"`.
    MissingContentOrAlternate => Error,
    /// `content:encoded` that comes before (or without) `description`.
    NeedDescriptionBeforeContent => Warning,
    /// HTML content that is not escaped: it holds child elements.
    NotHtml => Error,
    /// Atom `type="xhtml"` content that is not exactly one XHTML `div`.
    MissingXhtmlDiv => Error,
    /// Atom `type="text"` content holding child elements.
    UndefinedElement => Error,
    /// An Atom text `type` other than `text`, `html`, `xhtml` (or a MIME type for content).
    InvalidTextType => Error,
    /// HTML carrying `<script>`, event-handler attributes or `javascript:` URLs
    /// (advised against; an error in the build gate).
    ContainsScript => Warning,
    /// An RSS date with a two-digit year, which RFC 822 allows and RFC 2822
    /// obsoletes (an error in the build gate).
    ProblematicalRFC822Date => Warning,
    /// An RSS contact written as an RFC 2368 `mailto:` URI instead of a plain address.
    MailtoContact => Warning,
    /// An Atom `summary` or `content` with nothing in it (an error in the build gate).
    EmptyTextConstruct => Warning,
    /// Gate only: `&` or `<` in a plain-text RSS element written as `&amp;`,
    /// `&lt;` or in CDATA instead of `&#x26;` and `&#x3C;`.
    PlainTextNotHexEncoded => Error,
    /// A single-valued element that occurs more than once in its parent.
    DuplicateElement => Error,
    /// An element where the specification defines none of that name.
    UnknownElement => Error,
    /// An Atom element where RFC 4287 does not allow it (`<summary>` in
    /// `<feed>`, `<entry>` in `<source>`), or one the Atom namespace does
    /// not define: readers skip it, so what it says is lost.
    MisplacedElement => Error,
    /// An element value that must be a (bounded) whole number and is not.
    InvalidInteger => Error,
    /// A value outside the few the specification allows (a day name, an hour,
    /// a cloud protocol, a `rel`).
    InvalidValue => Error,
    /// A value that may occur once in a list and occurs twice.
    DuplicateValue => Error,
    /// A language code that is not an RFC 3066 / BCP 47 tag (`en`, `pt-BR`).
    InvalidLanguage => Error,
    /// An email address that is not `local@domain`.
    InvalidEmail => Error,
    /// A Dublin Core date that is not W3C-DTF (`2024-03-25T10:00:00Z`).
    InvalidW3CDTFDate => Error,
    /// An Atom entry whose content has `src` or is base64 but which has no `summary`.
    MissingSummary => Error,
    /// Atom `content` with a `src` that also has content, or a text type.
    InvalidContentSrc => Error,
    /// Atom base64 content that does not decode.
    NotBase64 => Error,
    /// Two Atom `alternate` links with the same `type` and `hreflang`.
    DuplicateAlternate => Error,
    /// A URL that could not be fetched (DNS, connection, TLS, timeout, redirects).
    FetchFailed => Error,
    /// A URL answered with a status other than 200.
    HttpStatus => Error,
    /// A URL that redirects: subscribers should be told the final URL.
    Redirected => Warning,
    /// A feed served with a `Content-Type` that is not a feed or XML type.
    UnexpectedContentType => Warning,
    /// The `Content-Type` charset and the XML declaration disagree.
    CharsetMismatch => Warning,
    /// The feed's self link is not the URL it was fetched from.
    SelfDoesNotMatchLocation => Warning,
    /// Conditional requests (ETag, Last-Modified) are not supported.
    NoConditionalGet => Warning,
    /// A file or directory that could not be read.
    IOError => Error,
    /// A JSON Feed that is not valid JSON.
    JsonSyntax => Error,
    /// A JSON Feed `version` other than 1.1 or 1.
    JsonFeedVersion => Error,
    /// A JSON Feed member of the wrong type (a number where a string belongs, …).
    JsonType => Error,
    /// Two JSON Feed items with one `id`.
    DuplicateItemId => Error,
    /// A JSON Feed member that 1.1 deprecates (`author`).
    DeprecatedMember => Warning,
    /// A JSON Feed member the specification does not define and that is not an `_extension`.
    UnknownMember => Warning,
    /// A WebSub hub (`rel="hub"` link, JSON Feed `hubs`) that is not an absolute http(s) URL.
    InvalidHubLink => Error,
    /// A path that is not a regular file (a FIFO, socket or device).
    NotARegularFile => Error,
    /// A file larger than the size limit of `feedpub check`.
    FileTooLarge => Error,
    /// A directory given to `feedpub check` that holds no feed.
    NoFeedFound => Error,
}

impl Rule {
    /// The severity of this rule's findings under a profile: the build gate
    /// turns the advisory rules feedpub always meets into errors.
    pub(crate) fn severity_in(self, profile: Profile) -> Severity {
        match (profile, self) {
            (
                Profile::Gate,
                Rule::ContainsScript | Rule::ProblematicalRFC822Date | Rule::EmptyTextConstruct,
            ) => Severity::Error,
            _ => self.severity(),
        }
    }

    /// Whether the rule only runs in the build gate (it checks how feedpub
    /// writes, not what the specifications require).
    pub(crate) fn gate_only(self) -> bool {
        matches!(self, Rule::PlainTextNotHexEncoded)
    }

    /// The rule with this code, if there is one.
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.code() == code)
    }
}

/// Why `href` (resolved against `base`) cannot be a WebSub hub's address,
/// which subscribers must be able to POST to: it is not an absolute
/// http(s) URL.
pub(crate) fn hub_problem(href: &str, base: Option<&url::Url>) -> Option<String> {
    let href = href.trim();
    let resolved = match base {
        Some(base) => base.join(href),
        None => url::Url::parse(href),
    };
    match resolved {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => None,
        Ok(url) => Some(format!(
            "the WebSub hub {href:?} is a {} URL, not http(s)",
            url.scheme()
        )),
        Err(e) => Some(format!(
            "the WebSub hub {href:?} is not an absolute URL ({e})"
        )),
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Validate one serialized feed: JSON Feed when it is a JSON object, else
/// RSS or Atom by the root element; never panics.
///
/// Diagnostics come back sorted by position. An empty list means the feed
/// has neither errors nor warnings.
pub fn validate_feed(path: &Path, bytes: &[u8], options: &Options) -> Vec<Diagnostic> {
    if json::looks_like_json(bytes) {
        return json::validate(path, bytes, options);
    }
    let mut out = Findings::default();
    let text = xml::decode(bytes, &mut out);
    xml::check_chars(&text, &mut out);
    xml::scan(
        &text,
        |source, root, out| check_root(source, root, options, out),
        &mut out,
    );
    out.into_diagnostics(path, &text, options.profile)
}

impl FeedFormat {
    /// The format a root element (namespace and local name) stands for.
    fn of_root(ns: tree::Ns, local: &str) -> Option<FeedFormat> {
        match (ns, local) {
            (tree::Ns::None, "rss") => Some(FeedFormat::Rss),
            (tree::Ns::Atom, "feed" | "entry") => Some(FeedFormat::Atom),
            (tree::Ns::Rdf, "RDF") => Some(FeedFormat::Rdf),
            _ => None,
        }
    }
}

/// Run the rules of the format the root element names; a root that is no
/// feed is reported, and the document then only gets the XML checks.
fn check_root(
    source: &tree::Source<'_>,
    root: roxmltree::Node<'_, '_>,
    options: &Options,
    out: &mut Findings,
) {
    let local = root.tag_name().name();
    match FeedFormat::of_root(tree::ns_of(root), local) {
        Some(FeedFormat::Rss) => rss::check(source, root, options, out),
        Some(FeedFormat::Atom) => atom::check(source, root, options, out),
        Some(FeedFormat::Rdf) => rdf::check(source, root, out),
        None if local == "feed" => {
            out.add(
                Rule::InvalidNamespace,
                source.at(root),
                "<feed> is not in the Atom namespace",
            )
            .help("write <feed xmlns=\"http://www.w3.org/2005/Atom\">");
        }
        None => {
            let what = if local == "RDF" {
                "<RDF> is not in the RDF namespace; RSS 1.0 needs xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"".to_string()
            } else {
                format!(
                    "<{local}> is not a feed root; expected <rss version=\"2.0\"> or an Atom <feed>"
                )
            };
            out.add(Rule::UnknownFeedFormat, source.at(root), what);
        }
    }
}

/// Detect the format of a serialized feed from its root element.
///
/// Only the root's start tag is read, so a feed that breaks after it (a
/// truncated download) is still recognised. Returns `None` when the root is
/// not one of RSS, Atom or RSS 1.0, or when its start tag cannot be read.
pub fn detect_format(bytes: &[u8]) -> Option<FeedFormat> {
    let mut ignored = Findings::default();
    let text = xml::decode(bytes, &mut ignored);
    let (ns, local) = xml::root_element(&text)?;
    FeedFormat::of_root(ns, &local)
}

/// The default size limit of `feedpub check`: 16 MiB, far above any real feed.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// What [`check_paths`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Every finding, files in the order they were checked.
    pub diagnostics: Vec<Diagnostic>,
    /// XML files inside directories that are not feeds (a `sitemap.xml`),
    /// with their root element; they were not checked.
    pub skipped: Vec<(PathBuf, String)>,
    /// How many files were validated as feeds.
    pub checked: usize,
}

impl CheckReport {
    /// Whether some file could not be read at all (missing, not a regular
    /// file, too large), as opposed to being read and found invalid.
    pub fn has_unreadable(&self) -> bool {
        self.diagnostics.iter().any(|d| {
            d.code.as_deref().is_some_and(|c| {
                [
                    Rule::IOError,
                    Rule::NotARegularFile,
                    Rule::FileTooLarge,
                    Rule::FetchFailed,
                ]
                .iter()
                .any(|r| r.code() == c)
            })
        })
    }
}

/// Validate files and directories (recursively every *.xml and *.json, sorted).
///
/// A path given explicitly is validated whatever its extension; inside
/// directories only files ending in `.xml` or `.json` are, and XML files whose root is
/// not a feed are skipped. Only regular files are read (a FIFO would block),
/// and none larger than `max_bytes`. A directory without any feed is an
/// error: a mistyped output directory must not pass as "0 errors".
pub fn check_paths(paths: &[PathBuf], options: &Options, max_bytes: u64) -> CheckReport {
    let mut report = CheckReport::default();
    for path in paths {
        #[cfg(feature = "fetch")]
        if remote::is_url(path) {
            let url = path.to_string_lossy();
            report.checked += 1;
            report
                .diagnostics
                .extend(remote::check_url(&url, options, max_bytes));
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => report.diagnostics.push(io_diagnostic(path, &e)),
            Ok(meta) if meta.is_dir() => {
                let before = report.checked;
                for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                    match entry {
                        Err(e) => {
                            let at = e.path().unwrap_or(path).to_path_buf();
                            let message = e.to_string();
                            report.diagnostics.push(
                                Diagnostic::error(at, format!("cannot read: {message}"))
                                    .with_code(Rule::IOError.code()),
                            );
                        }
                        Ok(entry) if entry.file_type().is_file() && is_xml(entry.path()) => {
                            check_file(entry.path(), options, max_bytes, true, &mut report);
                        }
                        Ok(_) => {}
                    }
                }
                if report.checked == before {
                    report.diagnostics.push(
                        Diagnostic::error(path, "no feed in this directory")
                            .with_code(Rule::NoFeedFound.code())
                            .with_help("point check at the feeds' directory (the build's output directory) or at feed files"),
                    );
                }
            }
            Ok(meta) if !meta.is_file() => report.diagnostics.push(
                Diagnostic::error(path, "not a regular file (a FIFO, socket or device)")
                    .with_code(Rule::NotARegularFile.code())
                    .with_help("save the feed to a file first, or pass its URL"),
            ),
            Ok(_) => check_file(path, options, max_bytes, false, &mut report),
        }
    }
    report
}

fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("xml") || ext.eq_ignore_ascii_case("json"))
}

fn check_file(
    path: &Path,
    options: &Options,
    max_bytes: u64,
    in_directory: bool,
    report: &mut CheckReport,
) {
    let bytes = match read_limited(path, max_bytes) {
        Ok(bytes) => bytes,
        Err(d) => {
            report.diagnostics.push(*d);
            return;
        }
    };
    if in_directory && let Some(root) = non_feed_root(&bytes) {
        report.skipped.push((path.to_path_buf(), root));
        return;
    }
    report.checked += 1;
    report
        .diagnostics
        .extend(validate_feed(path, &bytes, options));
}

/// Read a regular file of at most `max_bytes`.
fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>, Box<Diagnostic>> {
    use std::io::Read;

    let too_large = |size: String| {
        Box::new(
            Diagnostic::error(
                path,
                format!("the file is {size}, more than the limit of {max_bytes} bytes"),
            )
            .with_code(Rule::FileTooLarge.code())
            .with_help("raise the limit with --max-bytes if this really is a feed"),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| Box::new(io_diagnostic(path, &e)))?;
    let len = file
        .metadata()
        .map_err(|e| Box::new(io_diagnostic(path, &e)))?
        .len();
    if len > max_bytes {
        return Err(too_large(format!("{len} bytes")));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Box::new(io_diagnostic(path, &e)))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_bytes {
        return Err(too_large("growing".to_string()));
    }
    Ok(bytes)
}

/// The root element's name when the document is well-formed enough to have
/// one and it is no feed root at all (`urlset`, `html`), else `None`.
fn non_feed_root(bytes: &[u8]) -> Option<String> {
    if json::looks_like_json(bytes) {
        // A JSON file that does not even name JSON Feed (a `package.json`).
        let named = bytes.windows(21).any(|w| w == b"jsonfeed.org/version/");
        return (!named).then(|| "a JSON document that is not a JSON Feed".to_string());
    }
    let mut ignored = Findings::default();
    let text = xml::decode(bytes, &mut ignored);
    let (_, root) = xml::root_element(&text)?;
    (!matches!(root.as_str(), "rss" | "feed" | "RDF" | "entry" | "channel")).then_some(root)
}

fn io_diagnostic(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, format!("cannot read: {e}")).with_code(Rule::IOError.code())
}

/// A value quoted for a message, cut short when long.
fn quoted(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("\"{}…\"", &value[..cut]),
        None => format!("\"{value}\""),
    }
}

/// Whether the value is an RFC 3066 / BCP 47 language tag in form (the
/// registry itself is not consulted): a 2–3 letter primary tag (or `x`/`i`),
/// then subtags of 1–8 letters or digits.
fn is_language_tag(value: &str) -> bool {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok = (matches!(primary.len(), 2 | 3)
        || primary.eq_ignore_ascii_case("x")
        || primary.eq_ignore_ascii_case("i"))
        && primary.bytes().all(|b| b.is_ascii_alphabetic());
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Report a second occurrence of an element that may occur once.
/// `nth` is the element's position among its namesakes, `at` its offset.
fn duplicate(nth: usize, at: usize, local: &str, parent: &str, out: &mut Findings) {
    if nth == 2 {
        out.add(
            Rule::DuplicateElement,
            at,
            format!("<{parent}> has more than one <{local}>"),
        )
        .help(format!("keep one <{local}> and remove the others"));
    }
}

/// One problem, positioned by byte offset into the decoded text.
#[derive(Debug)]
struct Finding {
    rule: Rule,
    offset: usize,
    message: String,
    help: Option<String>,
}

impl Finding {
    /// Attach a hint at the fix.
    fn help(&mut self, help: impl Into<String>) {
        self.help = Some(help.into());
    }
}

/// The problems found so far in one document.
#[derive(Debug, Default)]
struct Findings {
    list: Vec<Finding>,
}

impl Findings {
    /// Record a finding at a byte offset of the decoded text.
    fn add(&mut self, rule: Rule, offset: usize, message: impl Into<String>) -> &mut Finding {
        self.list.push(Finding {
            rule,
            offset,
            message: message.into(),
            help: None,
        });
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    /// Turn byte offsets into lines and columns, in one pass over `text`.
    fn into_diagnostics(mut self, path: &Path, text: &str, profile: Profile) -> Vec<Diagnostic> {
        if profile != Profile::Gate {
            self.list.retain(|f| !f.rule.gate_only());
        }
        self.list.sort_by_key(|f| f.offset);
        let mut positions = Positions::new(text);
        self.list
            .into_iter()
            .map(|f| {
                let (line, column) = positions.at(f.offset);
                let mut d = match f.rule.severity_in(profile) {
                    Severity::Error => Diagnostic::error(path, f.message),
                    Severity::Warning => Diagnostic::warning(path, f.message),
                }
                .with_code(f.rule.code())
                .at(line, column);
                if let Some(help) = f.help {
                    d = d.with_help(help);
                }
                d
            })
            .collect()
    }
}

/// Maps increasing byte offsets to 1-based (line, column), columns in characters.
struct Positions<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
    column: usize,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        Positions {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// Position of `target`; targets must not decrease between calls.
    fn at(&mut self, target: usize) -> (usize, usize) {
        let target = target.min(self.text.len());
        let mut chars = self.text[self.offset..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let absolute = self.offset + i;
            if absolute >= target {
                break;
            }
            match c {
                '\n' => {
                    self.line += 1;
                    self.column = 1;
                }
                // A lone CR ends a line too; in CRLF the LF does.
                '\r' if chars.peek().is_some_and(|&(_, next)| next != '\n') => {
                    self.line += 1;
                    self.column = 1;
                }
                '\r' => {}
                _ => self.column += 1,
            }
        }
        // Land on a char boundary at or after target.
        let mut end = target;
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.offset = end.max(self.offset);
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hub_links_must_be_absolute_http_urls() {
        assert_eq!(hub_problem("https://hub.example/", None), None);
        let base = url::Url::parse("https://example.org/feeds/").unwrap();
        assert_eq!(hub_problem("/hub", Some(&base)), None);
        assert!(
            hub_problem("/hub", None)
                .unwrap()
                .contains("not an absolute URL")
        );
        assert!(
            hub_problem("mailto:hub@example.org", None)
                .unwrap()
                .contains("a mailto URL, not http(s)")
        );
    }

    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(*rule));
        }
        let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(Rule::from_code("NoSuchRule"), None);
    }

    #[test]
    fn language_tags() {
        for good in [
            "en",
            "en-US",
            "pt-BR",
            "zh-Hant-TW",
            "x-klingon",
            "i-navajo",
            "sgn-BE-FR",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in ["", "english", "en_US", "e", "en-", "-en", "en US", "123"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn quoted_values_are_cut_short() {
        assert_eq!(quoted("abc"), "\"abc\"");
        let long = "é".repeat(70);
        assert_eq!(quoted(&long), format!("\"{}…\"", "é".repeat(60)));
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd\r\nef\rg";
        let mut p = Positions::new(text);
        let cases = [
            (0, (1, 1)),
            (1, (1, 2)),
            (3, (2, 1)),
            (5, (2, 2)),  // after the two-byte ç: second character
            (8, (3, 1)),  // after CRLF
            (11, (4, 1)), // after a lone CR
        ];
        for (offset, expected) in cases {
            assert_eq!(p.at(offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn diagnostics_are_sorted_and_positioned() {
        let mut f = Findings::default();
        f.add(Rule::FutureDate, 4, "late").help("fix it");
        f.add(Rule::NotWellFormed, 0, "early");
        let d = f.into_diagnostics(Path::new("x.xml"), "ab\ncd", Profile::Check);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].code.as_deref(), Some("NotWellFormed"));
        assert_eq!((d[0].line, d[0].column), (Some(1), Some(1)));
        assert!(d[0].is_error());
        assert_eq!(d[1].code.as_deref(), Some("FutureDate"));
        assert_eq!((d[1].line, d[1].column), (Some(2), Some(2)));
        assert!(!d[1].is_error());
        assert_eq!(d[1].help.as_deref(), Some("fix it"));
    }

    #[test]
    fn check_paths_reports_missing_paths_and_walks_directories_sorted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        std::fs::write(sub.join("b.xml"), "<rss version=\"2.0\">").expect("write");
        std::fs::write(dir.path().join("a.xml"), "<feed/>").expect("write");
        std::fs::write(dir.path().join("notes.txt"), "<not checked").expect("write");
        let missing = dir.path().join("missing.xml");
        std::fs::write(dir.path().join("sitemap.xml"), "<urlset/>").expect("write");
        let report = check_paths(
            &[missing.clone(), dir.path().to_path_buf()],
            &Options::default(),
            DEFAULT_MAX_BYTES,
        );
        assert_eq!(
            report.skipped,
            vec![(dir.path().join("sitemap.xml"), "urlset".to_string())]
        );
        assert_eq!(report.checked, 2);
        assert!(report.has_unreadable());
        let found = report.diagnostics;
        let summary: Vec<_> = found
            .iter()
            .map(|d| (d.path.clone(), d.code.clone().unwrap_or_default()))
            .collect();
        assert_eq!(summary[0], (missing, "IOError".to_string()));
        assert!(
            summary
                .iter()
                .any(|(p, c)| p.ends_with("a.xml") && c == "InvalidNamespace")
        );
        assert!(
            summary
                .iter()
                .any(|(p, c)| p.ends_with("sub/b.xml") && c == "NotWellFormed")
        );
        assert!(!summary.iter().any(|(p, _)| p.ends_with("notes.txt")));
        let a = summary.iter().position(|(p, _)| p.ends_with("a.xml"));
        let b = summary.iter().position(|(p, _)| p.ends_with("b.xml"));
        assert!(a < b, "a.xml is checked before sub/b.xml");
    }

    #[test]
    fn check_paths_refuses_fifos_large_files_and_empty_directories() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big = dir.path().join("big.xml");
        std::fs::write(&big, "<rss version=\"2.0\"/>").expect("write");
        let report = check_paths(&[big], &Options::default(), 5);
        assert_eq!(report.diagnostics[0].code.as_deref(), Some("FileTooLarge"));
        assert!(report.has_unreadable());

        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).expect("mkdir");
        std::fs::write(empty.join("sitemap.xml"), "<urlset/>").expect("write");
        let report = check_paths(&[empty], &Options::default(), DEFAULT_MAX_BYTES);
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].code.as_deref(), Some("NoFeedFound"));

        #[cfg(unix)]
        {
            let fifo = dir.path().join("pipe.xml");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                // Would block forever in read() if it were opened.
                let report = check_paths(&[fifo], &Options::default(), DEFAULT_MAX_BYTES);
                assert_eq!(
                    report.diagnostics[0].code.as_deref(),
                    Some("NotARegularFile")
                );
            }
        }
    }

    #[test]
    fn detect_format_reads_the_root_element() {
        let cases: [(&[u8], Option<FeedFormat>); 12] = [
            (
                b"<?xml version=\"1.0\"?><rss version=\"2.0\"/>",
                Some(FeedFormat::Rss),
            ),
            (
                b"<feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
                Some(FeedFormat::Atom),
            ),
            (b"<feed/>", None),
            (b"not xml", None),
            // #13: the root's start tag decides, so a file that breaks after
            // it (truncated, or not well-formed further on) is still known.
            (
                b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel><title>T",
                Some(FeedFormat::Rss),
            ),
            (
                b"<!-- a > b --><!DOCTYPE rss [<!ENTITY x \"y\">]>\n<rss version=\"2.0\"><channel>&x; & </rss>",
                Some(FeedFormat::Rss),
            ),
            (
                b"<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\" a:title=\"1 > 0\"><a:entry>",
                Some(FeedFormat::Atom),
            ),
            (
                b"<entry xmlns=\"http://www.w3.org/2005/Atom\"><title>",
                Some(FeedFormat::Atom),
            ),
            (
                b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">",
                Some(FeedFormat::Rdf),
            ),
            (b"<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/", None),
            (b"<x:rss>", None),
            (b"", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(detect_format(bytes), expected);
        }
    }
}
