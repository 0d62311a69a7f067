//! The generated validator corpus (#13): valid feeds in every format
//! feedpub recognises, and one-defect variants of them, written from the
//! specifications (RSS 2.0 and its Best Practices Profile, RSS 0.91–0.94,
//! RSS 1.0, RFC 4287 for Atom feeds and Entry Documents).
//!
//! The generator below is the source of truth; `tests/fixtures/corpus/`
//! holds its output with `verdicts.tsv` (file, expected verdict, rule), so
//! other validators can be run on the same files. Regenerate with
//! `UPDATE_EXPECT=1 cargo test --test integration validate_generated::`.
//!
//! The test computes how often `feedpub`'s verdict (error / warning only /
//! clean, and the expected rule) agrees with the expected one, prints the
//! counts, and asserts 100 %.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use feedpub::validate::validate_feed;

use crate::support::{expect_dir, validator_options};

/// What a file must yield.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// No finding at all.
    Valid,
    /// The rule, as a warning, and nothing that is an error.
    Warning(&'static str),
    /// The rule, as an error.
    Error(&'static str),
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Warning(_) => "warning",
            Verdict::Error(_) => "error",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Verdict::Valid => "-",
            Verdict::Warning(r) | Verdict::Error(r) => r,
        }
    }
}

use Verdict::{Error as E, Valid as V, Warning as W};

const RSS2: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Harbour Notes</title>
    <link>https://harbour.example.net/</link>
    <description>News from the harbour</description>
    <language>en-gb</language>
    <copyright>© 2024 Harbour Notes</copyright>
    <managingEditor>editor@harbour.example.net (Ana Editor)</managingEditor>
    <webMaster>web@harbour.example.net (Web Team)</webMaster>
    <pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>
    <lastBuildDate>Mon, 25 Mar 2024 10:00:00 +0000</lastBuildDate>
    <category domain="https://harbour.example.net/topics">Shipping</category>
    <generator>Generator 1.0</generator>
    <docs>https://www.rssboard.org/rss-specification</docs>
    <cloud domain="rpc.example.net" port="80" path="/RPC2" registerProcedure="pingMe" protocol="soap"/>
    <ttl>60</ttl>
    <image>
      <url>https://harbour.example.net/logo.png</url>
      <title>Harbour Notes</title>
      <link>https://harbour.example.net/</link>
      <width>88</width>
      <height>31</height>
    </image>
    <rating>(PICS-1.1 "http://www.classify.org/safesurf/" l r (SS~~000 1))</rating>
    <textInput>
      <title>Search</title>
      <description>Search the archive</description>
      <name>q</name>
      <link>https://harbour.example.net/search</link>
    </textInput>
    <skipHours>
      <hour>0</hour>
      <hour>23</hour>
    </skipHours>
    <skipDays>
      <day>Saturday</day>
      <day>Sunday</day>
    </skipDays>
    <atom:link href="https://harbour.example.net/rss.xml" rel="self" type="application/rss+xml"/>
    <dc:date>2024-03-25T10:00:00Z</dc:date>
    <item>
      <title>Ferry timetable changes</title>
      <link>https://harbour.example.net/2024/ferry/</link>
      <description>&lt;p&gt;New &lt;em&gt;winter&lt;/em&gt; times.&lt;/p&gt;</description>
      <author>ana@harbour.example.net (Ana Editor)</author>
      <category>Ferries</category>
      <comments>https://harbour.example.net/2024/ferry/#comments</comments>
      <enclosure url="https://harbour.example.net/ferry.mp3" length="1024" type="audio/mpeg"/>
      <guid isPermaLink="true">https://harbour.example.net/2024/ferry/</guid>
      <pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>
      <source url="https://port.example.org/rss.xml">Port Authority</source>
      <dc:creator>Ana Editor</dc:creator>
      <content:encoded>&lt;p&gt;New winter times apply from Monday.&lt;/p&gt;</content:encoded>
    </item>
    <item>
      <title>Storm warning</title>
      <description>Gales expected overnight.</description>
      <guid isPermaLink="false">storm-2024-03-20</guid>
      <pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>
    </item>
  </channel>
</rss>
"#;

/// A feed with only what RSS 0.91 defines: valid in every RSS version.
const RSS091: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="0.91" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Harbour Notes</title>
    <link>https://harbour.example.net/</link>
    <description>News from the harbour</description>
    <language>en-gb</language>
    <atom:link href="https://harbour.example.net/rss.xml" rel="self" type="application/rss+xml"/>
    <item>
      <title>Ferry timetable changes</title>
      <link>https://harbour.example.net/2024/ferry/</link>
      <description>New winter times.</description>
    </item>
  </channel>
</rss>
"#;

/// Elements later RSS versions added, each put into [`RSS091`]: a warning
/// in the versions before the one named, valid from it on.
const NEWER_ELEMENTS: &[(&str, &str, &str, &str)] = &[
    (
        "channel-cloud",
        "<language>en-gb</language>",
        "<language>en-gb</language><cloud domain=\"rpc.example.net\" port=\"80\" path=\"/RPC2\" registerProcedure=\"pingMe\" protocol=\"soap\"/>",
        "0.92",
    ),
    (
        "channel-ttl",
        "<language>en-gb</language>",
        "<language>en-gb</language><ttl>60</ttl>",
        "0.94",
    ),
    (
        "item-enclosure",
        "<description>New winter times.</description>",
        "<description>New winter times.</description><enclosure url=\"https://harbour.example.net/ferry.mp3\" length=\"1024\" type=\"audio/mpeg\"/>",
        "0.92",
    ),
    (
        "item-pubdate",
        "<description>New winter times.</description>",
        "<description>New winter times.</description><pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>",
        "0.93",
    ),
    (
        "item-guid",
        "<description>New winter times.</description>",
        "<description>New winter times.</description><guid>https://harbour.example.net/2024/ferry/</guid>",
        "0.94",
    ),
    (
        "item-comments",
        "<description>New winter times.</description>",
        "<description>New winter times.</description><comments>https://harbour.example.net/2024/ferry/#c</comments>",
        "0.94",
    ),
];

const RSS1: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://harbour.example.net/index.rdf">
    <title>Harbour Notes</title>
    <link>https://harbour.example.net/</link>
    <description>News from the harbour</description>
    <image rdf:resource="https://harbour.example.net/logo.png"/>
    <items>
      <rdf:Seq>
        <rdf:li rdf:resource="https://harbour.example.net/2024/ferry/"/>
      </rdf:Seq>
    </items>
    <textinput rdf:resource="https://harbour.example.net/search"/>
    <dc:language>en</dc:language>
    <dc:date>2024-03-25T10:00+00:00</dc:date>
  </channel>
  <image rdf:about="https://harbour.example.net/logo.png">
    <title>Harbour Notes</title>
    <url>https://harbour.example.net/logo.png</url>
    <link>https://harbour.example.net/</link>
  </image>
  <item rdf:about="https://harbour.example.net/2024/ferry/">
    <title>Ferry timetable changes</title>
    <link>https://harbour.example.net/2024/ferry/</link>
    <description>New winter times.</description>
    <dc:date>2024-03-25</dc:date>
  </item>
  <textinput rdf:about="https://harbour.example.net/search">
    <title>Search</title>
    <description>Search the archive</description>
    <name>q</name>
    <link>https://harbour.example.net/search</link>
  </textinput>
</rdf:RDF>
"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Harbour Notes</title>
  <subtitle type="html">News from the &lt;em&gt;harbour&lt;/em&gt;</subtitle>
  <id>tag:harbour.example.net,2024:feed</id>
  <updated>2024-03-25T10:00:00Z</updated>
  <link rel="self" type="application/atom+xml" href="https://harbour.example.net/atom.xml"/>
  <link rel="alternate" type="text/html" hreflang="en" href="https://harbour.example.net/"/>
  <link rel="alternate" type="text/html" hreflang="fr" href="https://harbour.example.net/fr/"/>
  <author>
    <name>Ana Editor</name>
    <uri>https://harbour.example.net/ana</uri>
    <email>ana@harbour.example.net</email>
  </author>
  <category term="shipping" scheme="https://harbour.example.net/topics" label="Shipping"/>
  <generator uri="https://generator.example.com/" version="1.0">Generator</generator>
  <icon>https://harbour.example.net/icon.png</icon>
  <logo>https://harbour.example.net/logo.png</logo>
  <rights>© 2024 Harbour Notes</rights>
  <entry>
    <title>Ferry timetable changes</title>
    <id>tag:harbour.example.net,2024:ferry</id>
    <updated>2024-03-25T10:00:00Z</updated>
    <published>2024-03-25T09:00:00+01:00</published>
    <link rel="alternate" type="text/html" href="https://harbour.example.net/2024/ferry/"/>
    <link rel="enclosure" type="audio/mpeg" length="1024" href="https://harbour.example.net/ferry.mp3"/>
    <category term="ferries"/>
    <summary>New winter times.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>New winter times apply from <em>Monday</em>.</p></div></content>
  </entry>
  <entry>
    <title>Harbour webcam</title>
    <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
    <updated>2024-03-20T08:30:00Z</updated>
    <summary>A still from the webcam.</summary>
    <content type="image/png" src="https://harbour.example.net/cam.png"/>
    <source>
      <id>tag:cam.example.org,2024:feed</id>
      <title>Webcam</title>
      <updated>2024-03-20T08:30:00Z</updated>
    </source>
  </entry>
</feed>
"#;

const ENTRY_DOC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<entry xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Ferry timetable changes</title>
  <id>tag:harbour.example.net,2024:ferry</id>
  <updated>2024-03-25T10:00:00Z</updated>
  <published>2024-03-25T09:00:00+01:00</published>
  <author>
    <name>Ana Editor</name>
    <email>ana@harbour.example.net</email>
  </author>
  <link rel="alternate" type="text/html" href="https://harbour.example.net/2024/ferry/"/>
  <category term="ferries"/>
  <summary>New winter times.</summary>
  <content type="html">&lt;p&gt;New winter times apply from Monday.&lt;/p&gt;</content>
</entry>
"#;

/// One change to a base document: replace the first `from` with `to`.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    from: &'static str,
    to: &'static str,
    verdict: Verdict,
}

const fn case(name: &'static str, from: &'static str, to: &'static str, verdict: Verdict) -> Case {
    Case {
        name,
        from,
        to,
        verdict,
    }
}

/// Cases for every RSS 0.91–2.0 base.
const RSS_CASES: &[Case] = &[
    // XML and encoding.
    case("valid", "", "", V),
    case(
        "not-well-formed-amp",
        "News from the harbour",
        "News & views",
        E("NotWellFormed"),
    ),
    case(
        "not-well-formed-unclosed",
        "</channel>",
        "",
        E("NotWellFormed"),
    ),
    case(
        "mismatched-tag",
        "<ttl>60</ttl>",
        "<ttl>60</TTL>",
        E("NotWellFormed"),
    ),
    case(
        "undefined-entity",
        "News from the harbour",
        "News&nbsp;from the harbour",
        E("UndefinedNamedEntity"),
    ),
    case(
        "control-char",
        "News from the harbour",
        "News \u{1} from",
        E("InvalidXmlCharacter"),
    ),
    case(
        "control-char-ref",
        "News from the harbour",
        "News &#x1B; from",
        E("InvalidXmlCharacter"),
    ),
    case(
        "undeclared-prefix",
        "<ttl>60</ttl>",
        "<ttl>60</ttl><itunes:author>x</itunes:author>",
        E("UndeclaredPrefix"),
    ),
    case(
        "xml-1-1",
        "version=\"1.0\" encoding",
        "version=\"1.1\" encoding",
        E("BadXmlVersion"),
    ),
    case(
        "no-encoding",
        " encoding=\"utf-8\"",
        "",
        W("MissingEncoding"),
    ),
    case(
        "unknown-encoding",
        "encoding=\"utf-8\"",
        "encoding=\"klingon-8\"",
        E("UnknownEncoding"),
    ),
    case(
        "ascii-mismatch",
        "encoding=\"utf-8\"",
        "encoding=\"us-ascii\"",
        E("EncodingMismatch"),
    ),
    // Channel requirements and multiplicity.
    case(
        "no-channel-title",
        "<title>Harbour Notes</title>\n    <link>",
        "<link>",
        E("MissingElement"),
    ),
    case(
        "no-channel-link",
        "<link>https://harbour.example.net/</link>\n    <description>",
        "<description>",
        E("MissingElement"),
    ),
    case(
        "no-channel-description",
        "<description>News from the harbour</description>",
        "",
        E("MissingElement"),
    ),
    case(
        "blank-channel-title",
        "<title>Harbour Notes</title>\n    <link>",
        "<title></title>\n    <link>",
        W("NotBlank"),
    ),
    case(
        "relative-channel-link",
        "<link>https://harbour.example.net/</link>",
        "<link>/home/</link>",
        E("InvalidFullLink"),
    ),
    case(
        "two-titles",
        "<title>Harbour Notes</title>\n    <link>",
        "<title>Harbour Notes</title><title>Again</title>\n    <link>",
        E("DuplicateElement"),
    ),
    case(
        "two-links",
        "<link>https://harbour.example.net/</link>\n    <description>",
        "<link>https://harbour.example.net/</link><link>https://harbour.example.net/b/</link>\n    <description>",
        E("DuplicateElement"),
    ),
    case(
        "two-descriptions",
        "<description>News from the harbour</description>",
        "<description>News from the harbour</description><description>Again</description>",
        E("DuplicateElement"),
    ),
    case(
        "two-languages",
        "<language>en-gb</language>",
        "<language>en-gb</language><language>fr</language>",
        E("DuplicateElement"),
    ),
    case(
        "two-copyrights",
        "<copyright>© 2024 Harbour Notes</copyright>",
        "<copyright>© 2024 Harbour Notes</copyright><copyright>2023</copyright>",
        E("DuplicateElement"),
    ),
    case(
        "two-docs",
        "<docs>https://www.rssboard.org/rss-specification</docs>",
        "<docs>https://www.rssboard.org/rss-specification</docs><docs>https://example.com/</docs>",
        E("DuplicateElement"),
    ),
    case(
        "two-ttls",
        "<ttl>60</ttl>",
        "<ttl>60</ttl><ttl>30</ttl>",
        E("DuplicateElement"),
    ),
    case(
        "two-clouds",
        "protocol=\"soap\"/>",
        "protocol=\"soap\"/><cloud domain=\"a.example.net\" port=\"80\" path=\"/\" registerProcedure=\"p\" protocol=\"soap\"/>",
        E("DuplicateElement"),
    ),
    case(
        "two-images",
        "</image>",
        "</image><image><url>https://harbour.example.net/b.png</url><title>B</title><link>https://harbour.example.net/</link></image>",
        E("DuplicateElement"),
    ),
    case(
        "two-textinputs",
        "</textInput>",
        "</textInput><textInput><title>S</title><description>D</description><name>n</name><link>https://harbour.example.net/s</link></textInput>",
        E("DuplicateElement"),
    ),
    case(
        "two-pubdates",
        "<lastBuildDate>",
        "<pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate><lastBuildDate>",
        E("DuplicateElement"),
    ),
    case(
        "two-lastbuilddates",
        "<category domain",
        "<lastBuildDate>Mon, 25 Mar 2024 10:00:00 +0000</lastBuildDate><category domain",
        E("DuplicateElement"),
    ),
    case(
        "two-managingeditors",
        "<webMaster>",
        "<managingEditor>b@harbour.example.net</managingEditor><webMaster>",
        E("DuplicateElement"),
    ),
    case(
        "two-webmasters",
        "<pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>\n    <lastBuildDate>",
        "<webMaster>b@harbour.example.net</webMaster><pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>\n    <lastBuildDate>",
        E("DuplicateElement"),
    ),
    case(
        "two-generators",
        "<generator>Generator 1.0</generator>",
        "<generator>Generator 1.0</generator><generator>Other</generator>",
        E("DuplicateElement"),
    ),
    case(
        "two-ratings",
        "</rating>",
        "</rating><rating>x</rating>",
        E("DuplicateElement"),
    ),
    case(
        "two-skiphours",
        "</skipHours>",
        "</skipHours><skipHours><hour>5</hour></skipHours>",
        E("DuplicateElement"),
    ),
    case(
        "two-skipdays",
        "</skipDays>",
        "</skipDays><skipDays><day>Monday</day></skipDays>",
        E("DuplicateElement"),
    ),
    case(
        "unknown-channel-element",
        "<ttl>60</ttl>",
        "<ttl>60</ttl><tll>60</tll>",
        E("UnknownElement"),
    ),
    case(
        "two-categories-valid",
        "<generator>",
        "<category>Boats</category><generator>",
        V,
    ),
    // Channel sub-elements.
    case("cloud-no-port", " port=\"80\"", "", E("MissingAttribute")),
    case(
        "cloud-bad-port",
        "port=\"80\"",
        "port=\"eighty\"",
        E("InvalidIntegerAttribute"),
    ),
    case(
        "cloud-zero-port",
        "port=\"80\"",
        "port=\"0\"",
        E("InvalidIntegerAttribute"),
    ),
    case(
        "cloud-bad-protocol",
        "protocol=\"soap\"",
        "protocol=\"smtp\"",
        E("InvalidValue"),
    ),
    case(
        "cloud-xml-rpc-valid",
        "protocol=\"soap\"",
        "protocol=\"xml-rpc\"",
        V,
    ),
    case(
        "cloud-no-path",
        " path=\"/RPC2\"",
        "",
        E("MissingAttribute"),
    ),
    case(
        "cloud-register-procedure-case",
        "registerProcedure=",
        "registerprocedure=",
        E("MisspelledAttribute"),
    ),
    case(
        "enclosure-url-case",
        "<enclosure url=",
        "<enclosure URL=",
        E("MisspelledAttribute"),
    ),
    case(
        "image-no-url",
        "<url>https://harbour.example.net/logo.png</url>",
        "",
        E("MissingElement"),
    ),
    case(
        "image-no-title",
        "<title>Harbour Notes</title>\n      <link>",
        "<link>",
        E("MissingElement"),
    ),
    case(
        "image-no-link",
        "<link>https://harbour.example.net/</link>\n      <width>",
        "<width>",
        E("MissingElement"),
    ),
    case(
        "image-wide",
        "<width>88</width>",
        "<width>145</width>",
        E("InvalidInteger"),
    ),
    case(
        "image-max-width-valid",
        "<width>88</width>",
        "<width>144</width>",
        V,
    ),
    case(
        "image-tall",
        "<height>31</height>",
        "<height>401</height>",
        E("InvalidInteger"),
    ),
    case(
        "image-negative-height",
        "<height>31</height>",
        "<height>-1</height>",
        E("InvalidInteger"),
    ),
    case(
        "image-relative-url",
        "<url>https://harbour.example.net/logo.png</url>",
        "<url>logo.png</url>",
        E("InvalidFullLink"),
    ),
    case(
        "textinput-no-name",
        "<name>q</name>",
        "",
        E("MissingElement"),
    ),
    case(
        "textinput-no-link",
        "<link>https://harbour.example.net/search</link>",
        "",
        E("MissingElement"),
    ),
    case(
        "textinput-no-description",
        "<description>Search the archive</description>",
        "",
        E("MissingElement"),
    ),
    case(
        "ttl-not-integer",
        "<ttl>60</ttl>",
        "<ttl>an hour</ttl>",
        E("InvalidInteger"),
    ),
    case(
        "ttl-negative",
        "<ttl>60</ttl>",
        "<ttl>-5</ttl>",
        E("InvalidInteger"),
    ),
    case("ttl-zero-valid", "<ttl>60</ttl>", "<ttl>0</ttl>", V),
    case(
        "hour-24",
        "<hour>23</hour>",
        "<hour>24</hour>",
        E("InvalidValue"),
    ),
    case(
        "hour-word",
        "<hour>23</hour>",
        "<hour>noon</hour>",
        E("InvalidValue"),
    ),
    case(
        "hour-twice",
        "<hour>23</hour>",
        "<hour>0</hour>",
        E("DuplicateValue"),
    ),
    case(
        "day-lowercase",
        "<day>Sunday</day>",
        "<day>sunday</day>",
        E("InvalidValue"),
    ),
    case(
        "day-twice",
        "<day>Sunday</day>",
        "<day>Saturday</day>",
        E("DuplicateValue"),
    ),
    case(
        "day-abbreviated",
        "<day>Sunday</day>",
        "<day>Sun</day>",
        E("InvalidValue"),
    ),
    case(
        "docs-relative",
        "<docs>https://www.rssboard.org/rss-specification</docs>",
        "<docs>rss-specification</docs>",
        E("InvalidFullLink"),
    ),
    case(
        "language-name",
        "<language>en-gb</language>",
        "<language>English</language>",
        E("InvalidLanguage"),
    ),
    case(
        "language-underscore",
        "<language>en-gb</language>",
        "<language>en_GB</language>",
        E("InvalidLanguage"),
    ),
    case(
        "language-three-letter-valid",
        "<language>en-gb</language>",
        "<language>haw</language>",
        V,
    ),
    case(
        "dc-date-rfc822",
        "<dc:date>2024-03-25T10:00:00Z</dc:date>",
        "<dc:date>Mon, 25 Mar 2024 10:00:00 +0000</dc:date>",
        E("InvalidW3CDTFDate"),
    ),
    case(
        "dc-date-no-zone",
        "<dc:date>2024-03-25T10:00:00Z</dc:date>",
        "<dc:date>2024-03-25T10:00:00</dc:date>",
        E("InvalidW3CDTFDate"),
    ),
    case(
        "dc-date-day-only-valid",
        "<dc:date>2024-03-25T10:00:00Z</dc:date>",
        "<dc:date>2024-03-25</dc:date>",
        V,
    ),
    case(
        "dc-date-month-valid",
        "<dc:date>2024-03-25T10:00:00Z</dc:date>",
        "<dc:date>2024-03</dc:date>",
        V,
    ),
    case(
        "dc-date-bad-month",
        "<dc:date>2024-03-25T10:00:00Z</dc:date>",
        "<dc:date>2024-13-01</dc:date>",
        E("InvalidW3CDTFDate"),
    ),
    case(
        "dc-language",
        "<dc:date>",
        "<dc:language>en us</dc:language><dc:date>",
        E("InvalidLanguage"),
    ),
    // Contacts.
    case(
        "editor-name-only",
        "editor@harbour.example.net (Ana Editor)",
        "Ana Editor",
        E("InvalidContact"),
    ),
    case(
        "webmaster-name-only",
        "web@harbour.example.net (Web Team)",
        "Web Team",
        E("InvalidContact"),
    ),
    case(
        "author-name-only",
        "ana@harbour.example.net (Ana Editor)</author>",
        "Ana Editor</author>",
        E("InvalidContact"),
    ),
    case(
        "author-angle-valid",
        "ana@harbour.example.net (Ana Editor)</author>",
        "Ana Editor &lt;ana@harbour.example.net&gt;</author>",
        V,
    ),
    case(
        "author-mailto",
        "ana@harbour.example.net (Ana Editor)</author>",
        "mailto:ana@harbour.example.net</author>",
        W("MailtoContact"),
    ),
    case(
        "editor-mailto-encoded",
        "editor@harbour.example.net (Ana Editor)",
        "mailto:editor%40harbour.example.net?subject=Tip",
        W("MailtoContact"),
    ),
    // Dates.
    case(
        "pubdate-iso",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>2024-03-20T08:30:00Z</pubDate>",
        E("InvalidRFC2822Date"),
    ),
    case(
        "pubdate-two-digit-year",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Wed, 20 Mar 24 08:30:00 GMT</pubDate>",
        W("ProblematicalRFC822Date"),
    ),
    case(
        "pubdate-wrong-weekday",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Thu, 20 Mar 2024 08:30:00 GMT</pubDate>",
        E("IncorrectDOW"),
    ),
    case(
        "pubdate-no-zone",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Wed, 20 Mar 2024 08:30:00</pubDate>",
        E("InvalidRFC2822Date"),
    ),
    case(
        "pubdate-german",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Mi, 20 Mär 2024 08:30:00 GMT</pubDate>",
        E("InvalidRFC2822Date"),
    ),
    case(
        "pubdate-31-april",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>31 Apr 2024 08:30:00 GMT</pubDate>",
        E("InvalidRFC2822Date"),
    ),
    case(
        "pubdate-no-weekday-valid",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>20 Mar 2024 08:30 EST</pubDate>",
        V,
    ),
    case(
        "pubdate-future",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Sat, 20 Mar 2027 08:30:00 GMT</pubDate>",
        W("FutureDate"),
    ),
    case(
        "lastbuilddate-epoch",
        "<lastBuildDate>Mon, 25 Mar 2024 10:00:00 +0000</lastBuildDate>",
        "<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>",
        W("ImplausibleDate"),
    ),
    case(
        "items-unsorted",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Wed, 27 Mar 2024 08:30:00 GMT</pubDate>",
        W("ItemsNotSorted"),
    ),
    // Items.
    case(
        "item-empty",
        "<title>Storm warning</title>\n      <description>Gales expected overnight.</description>",
        "",
        E("ItemMustContainTitleOrDescription"),
    ),
    case(
        "item-blank-title",
        "<title>Storm warning</title>",
        "<title> </title>",
        W("NotBlank"),
    ),
    case(
        "item-two-titles",
        "<title>Storm warning</title>",
        "<title>Storm warning</title><title>Again</title>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-links",
        "<link>https://harbour.example.net/2024/ferry/</link>",
        "<link>https://harbour.example.net/2024/ferry/</link><link>https://harbour.example.net/x/</link>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-descriptions",
        "<description>Gales expected overnight.</description>",
        "<description>Gales expected overnight.</description><description>x</description>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-authors",
        "<category>Ferries</category>",
        "<author>b@harbour.example.net</author><category>Ferries</category>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-comments",
        "<enclosure ",
        "<comments>https://harbour.example.net/c</comments><enclosure ",
        E("DuplicateElement"),
    ),
    case(
        "item-two-guids",
        "<guid isPermaLink=\"false\">storm-2024-03-20</guid>",
        "<guid isPermaLink=\"false\">storm-2024-03-20</guid><guid isPermaLink=\"false\">storm-b</guid>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-pubdates",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        "<pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate><pubDate>Wed, 20 Mar 2024 08:30:00 GMT</pubDate>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-sources",
        "Port Authority</source>",
        "Port Authority</source><source url=\"https://b.example.org/rss.xml\">B</source>",
        E("DuplicateElement"),
    ),
    case(
        "item-two-categories-valid",
        "<category>Ferries</category>",
        "<category>Ferries</category><category>Timetables</category>",
        V,
    ),
    case(
        "item-relative-link",
        "<link>https://harbour.example.net/2024/ferry/</link>",
        "<link>/2024/ferry/</link>",
        E("InvalidFullLink"),
    ),
    case(
        "comments-relative",
        "<comments>https://harbour.example.net/2024/ferry/#comments</comments>",
        "<comments>#comments</comments>",
        E("InvalidFullLink"),
    ),
    case(
        "source-no-url",
        "<source url=\"https://port.example.org/rss.xml\">",
        "<source>",
        E("MissingAttribute"),
    ),
    case(
        "source-relative-url",
        "url=\"https://port.example.org/rss.xml\"",
        "url=\"rss.xml\"",
        E("InvalidFullLink"),
    ),
    case(
        "guid-not-url",
        "<guid isPermaLink=\"true\">https://harbour.example.net/2024/ferry/</guid>",
        "<guid>ferry-2024</guid>",
        E("InvalidHttpGUID"),
    ),
    case(
        "guid-bad-boolean",
        "isPermaLink=\"false\"",
        "isPermaLink=\"no\"",
        E("InvalidBooleanAttribute"),
    ),
    case(
        "guid-attribute-case",
        "<guid isPermaLink=\"true\">https://harbour.example.net/2024/ferry/</guid>",
        "<guid ispermalink=\"true\">https://harbour.example.net/2024/ferry/</guid>",
        E("MisspelledAttribute"),
    ),
    case(
        "guid-attribute-case-false",
        "isPermaLink=\"false\"",
        "IsPermalink=\"false\"",
        E("MisspelledAttribute"),
    ),
    case(
        "guid-empty",
        "<guid isPermaLink=\"false\">storm-2024-03-20</guid>",
        "<guid isPermaLink=\"false\"></guid>",
        W("NotBlank"),
    ),
    case(
        "guid-duplicate",
        "<guid isPermaLink=\"false\">storm-2024-03-20</guid>",
        "<guid isPermaLink=\"false\">https://harbour.example.net/2024/ferry/</guid>",
        E("DuplicateGuid"),
    ),
    case(
        "enclosure-no-length",
        " length=\"1024\"",
        "",
        E("MissingAttribute"),
    ),
    case(
        "enclosure-no-type",
        " type=\"audio/mpeg\"",
        "",
        E("MissingAttribute"),
    ),
    case(
        "enclosure-bad-length",
        "length=\"1024\"",
        "length=\"1 kB\"",
        E("InvalidIntegerAttribute"),
    ),
    case(
        "enclosure-bad-type",
        "type=\"audio/mpeg\"",
        "type=\"mp3\"",
        E("InvalidMIMEAttribute"),
    ),
    case(
        "enclosure-relative",
        "url=\"https://harbour.example.net/ferry.mp3\"",
        "url=\"ferry.mp3\"",
        E("InvalidFullLink"),
    ),
    case(
        "enclosure-zero-length-valid",
        "length=\"1024\"",
        "length=\"0\"",
        V,
    ),
    case(
        "description-script",
        "&lt;p&gt;New &lt;em&gt;winter",
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;New &lt;em&gt;winter",
        W("ContainsScript"),
    ),
    case(
        "description-onclick",
        "&lt;p&gt;New &lt;em&gt;winter",
        "&lt;p onclick=\"x()\"&gt;New &lt;em&gt;winter",
        W("ContainsScript"),
    ),
    case(
        "description-javascript-url",
        "&lt;p&gt;New &lt;em&gt;winter",
        "&lt;a href=\"javascript:x()\"&gt;New&lt;/a&gt;&lt;p&gt;New &lt;em&gt;winter",
        W("ContainsScript"),
    ),
    case(
        "description-raw-markup",
        "<description>Gales expected overnight.</description>",
        "<description><p>Gales</p></description>",
        E("NotHtml"),
    ),
    case(
        "content-before-description",
        "<description>Gales expected overnight.</description>",
        "<content:encoded>x</content:encoded><description>Gales expected overnight.</description>",
        W("NeedDescriptionBeforeContent"),
    ),
    case(
        "self-link-relative",
        "href=\"https://harbour.example.net/rss.xml\"",
        "href=\"/rss.xml\"",
        E("InvalidFullLink"),
    ),
    case(
        "no-self-link",
        "<atom:link href=\"https://harbour.example.net/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
        "",
        W("MissingAtomSelfLink"),
    ),
    case(
        "title-with-hex-references-valid",
        "<title>Storm warning</title>",
        "<title>Storm &#x26; rain &#x3C; 10 mm</title>",
        V,
    ),
];

/// Cases for RSS 1.0.
const RSS1_CASES: &[Case] = &[
    case("valid", "", "", V),
    case(
        "no-channel-about",
        "<channel rdf:about=\"https://harbour.example.net/index.rdf\">",
        "<channel>",
        E("MissingAttribute"),
    ),
    case(
        "no-item-about",
        "<item rdf:about=\"https://harbour.example.net/2024/ferry/\">",
        "<item>",
        E("MissingAttribute"),
    ),
    case(
        "no-channel-title",
        "<title>Harbour Notes</title>\n    <link>https://harbour.example.net/</link>\n    <description>",
        "<link>https://harbour.example.net/</link>\n    <description>",
        E("MissingElement"),
    ),
    case(
        "no-channel-items",
        "<items>\n      <rdf:Seq>\n        <rdf:li rdf:resource=\"https://harbour.example.net/2024/ferry/\"/>\n      </rdf:Seq>\n    </items>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-item-link",
        "<link>https://harbour.example.net/2024/ferry/</link>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-items-at-all",
        "<item rdf:about=\"https://harbour.example.net/2024/ferry/\">\n    <title>Ferry timetable changes</title>\n    <link>https://harbour.example.net/2024/ferry/</link>\n    <description>New winter times.</description>\n    <dc:date>2024-03-25</dc:date>\n  </item>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-image-url",
        "<url>https://harbour.example.net/logo.png</url>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-textinput-name",
        "<name>q</name>",
        "",
        E("MissingElement"),
    ),
    case(
        "two-channel-titles",
        "<title>Harbour Notes</title>\n    <link>",
        "<title>Harbour Notes</title><title>B</title>\n    <link>",
        E("DuplicateElement"),
    ),
    case(
        "two-item-links",
        "<link>https://harbour.example.net/2024/ferry/</link>",
        "<link>https://harbour.example.net/2024/ferry/</link><link>https://harbour.example.net/b/</link>",
        E("DuplicateElement"),
    ),
    case(
        "unknown-item-element",
        "<description>New winter times.</description>",
        "<description>New winter times.</description><pubDate>Mon, 25 Mar 2024 10:00:00 +0000</pubDate>",
        E("UnknownElement"),
    ),
    case(
        "relative-item-link",
        "<link>https://harbour.example.net/2024/ferry/</link>",
        "<link>/2024/ferry/</link>",
        E("InvalidFullLink"),
    ),
    case(
        "dc-date-rfc822",
        "<dc:date>2024-03-25</dc:date>",
        "<dc:date>Mon, 25 Mar 2024</dc:date>",
        E("InvalidW3CDTFDate"),
    ),
    case(
        "dc-date-no-zone",
        "<dc:date>2024-03-25T10:00+00:00</dc:date>",
        "<dc:date>2024-03-25T10:00</dc:date>",
        E("InvalidW3CDTFDate"),
    ),
    case(
        "dc-language-bad",
        "<dc:language>en</dc:language>",
        "<dc:language>english</dc:language>",
        E("InvalidLanguage"),
    ),
    case("not-well-formed", "</channel>", "", E("NotWellFormed")),
    case(
        "wrong-rdf-namespace",
        "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"",
        "xmlns:rdf=\"http://example.com/rdf#\"",
        E("UnknownFeedFormat"),
    ),
    case(
        "dc-date-seconds-valid",
        "<dc:date>2024-03-25T10:00+00:00</dc:date>",
        "<dc:date>2024-03-25T10:00:30.5-05:00</dc:date>",
        V,
    ),
];

/// Cases for Atom feeds; `entry` cases also run on the Entry Document.
const ATOM_CASES: &[Case] = &[
    case("valid", "", "", V),
    case(
        "not-in-namespace",
        " xmlns=\"http://www.w3.org/2005/Atom\"",
        "",
        E("InvalidNamespace"),
    ),
    case(
        "not-well-formed",
        "</title>",
        "</titel>",
        E("NotWellFormed"),
    ),
    case(
        "no-feed-id",
        "<id>tag:harbour.example.net,2024:feed</id>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-feed-updated",
        "<updated>2024-03-25T10:00:00Z</updated>\n  <link",
        "<link",
        E("MissingElement"),
    ),
    case(
        "no-self",
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://harbour.example.net/atom.xml\"/>",
        "",
        W("MissingSelf"),
    ),
    case(
        "two-feed-ids",
        "<id>tag:harbour.example.net,2024:feed</id>",
        "<id>tag:harbour.example.net,2024:feed</id><id>tag:b,2024:x</id>",
        E("DuplicateElement"),
    ),
    case(
        "two-feed-titles",
        "<title type=\"text\">Harbour Notes</title>",
        "<title type=\"text\">Harbour Notes</title><title>B</title>",
        E("DuplicateElement"),
    ),
    case(
        "two-feed-updated",
        "<updated>2024-03-25T10:00:00Z</updated>\n  <link",
        "<updated>2024-03-25T10:00:00Z</updated><updated>2024-03-25T10:00:00Z</updated>\n  <link",
        E("DuplicateElement"),
    ),
    case(
        "two-subtitles",
        "</subtitle>",
        "</subtitle><subtitle>B</subtitle>",
        E("DuplicateElement"),
    ),
    case(
        "two-rights",
        "</rights>",
        "</rights><rights>B</rights>",
        E("DuplicateElement"),
    ),
    case(
        "two-icons",
        "</icon>",
        "</icon><icon>https://harbour.example.net/b.png</icon>",
        E("DuplicateElement"),
    ),
    case(
        "two-logos",
        "</logo>",
        "</logo><logo>https://harbour.example.net/b.png</logo>",
        E("DuplicateElement"),
    ),
    case(
        "two-generators",
        "</generator>",
        "</generator><generator>B</generator>",
        E("DuplicateElement"),
    ),
    case(
        "two-person-names",
        "<name>Ana Editor</name>\n    <uri>",
        "<name>Ana Editor</name><name>Ana E.</name>\n    <uri>",
        E("DuplicateElement"),
    ),
    case(
        "two-person-uris",
        "</uri>",
        "</uri><uri>https://harbour.example.net/b</uri>",
        E("DuplicateElement"),
    ),
    case(
        "two-person-emails",
        "<email>ana@harbour.example.net</email>\n  </author>\n  <category",
        "<email>ana@harbour.example.net</email><email>b@harbour.example.net</email>\n  </author>\n  <category",
        E("DuplicateElement"),
    ),
    case(
        "author-no-name",
        "<name>Ana Editor</name>\n    <uri>",
        "<uri>",
        E("MissingElement"),
    ),
    case(
        "email-with-name",
        "<email>ana@harbour.example.net</email>\n  </author>\n  <category",
        "<email>Ana &lt;ana@harbour.example.net&gt;</email>\n  </author>\n  <category",
        E("InvalidEmail"),
    ),
    case(
        "email-no-domain",
        "<email>ana@harbour.example.net</email>\n  </author>\n  <category",
        "<email>ana</email>\n  </author>\n  <category",
        E("InvalidEmail"),
    ),
    case(
        "id-whitespace",
        "<id>tag:harbour.example.net,2024:feed</id>",
        "<id> tag:harbour.example.net,2024:feed</id>",
        E("InvalidURI"),
    ),
    case(
        "id-relative",
        "<id>tag:harbour.example.net,2024:feed</id>",
        "<id>/feed</id>",
        E("InvalidURI"),
    ),
    case(
        "uri-whitespace",
        "<uri>https://harbour.example.net/ana</uri>",
        "<uri>https://harbour.example.net/ana </uri>",
        E("InvalidIRI"),
    ),
    case(
        "icon-whitespace",
        "<icon>https://harbour.example.net/icon.png</icon>",
        "<icon>\n    https://harbour.example.net/icon.png</icon>",
        E("InvalidIRI"),
    ),
    case(
        "logo-whitespace",
        "<logo>https://harbour.example.net/logo.png</logo>",
        "<logo>https://harbour.example.net/logo.png\n</logo>",
        E("InvalidIRI"),
    ),
    case(
        "href-whitespace",
        "href=\"https://harbour.example.net/fr/\"",
        "href=\" https://harbour.example.net/fr/\"",
        E("InvalidIRI"),
    ),
    case(
        "scheme-whitespace",
        "scheme=\"https://harbour.example.net/topics\"",
        "scheme=\"https://harbour.example.net/topics \"",
        E("InvalidIRI"),
    ),
    case(
        "scheme-invalid",
        "scheme=\"https://harbour.example.net/topics\"",
        "scheme=\"http://exa mple.net/\"",
        E("InvalidIRI"),
    ),
    case(
        "category-no-term",
        "<category term=\"shipping\" scheme",
        "<category scheme",
        E("MissingAttribute"),
    ),
    case(
        "category-empty-term",
        "<category term=\"shipping\"",
        "<category term=\"\"",
        E("MissingAttribute"),
    ),
    case(
        "link-bad-type",
        "type=\"application/atom+xml\"",
        "type=\"atom\"",
        E("InvalidMIMEAttribute"),
    ),
    case(
        "link-bad-hreflang",
        "hreflang=\"fr\"",
        "hreflang=\"French\"",
        E("InvalidLanguage"),
    ),
    case(
        "two-alternates-same-lang",
        "hreflang=\"fr\"",
        "hreflang=\"en\"",
        E("DuplicateAlternate"),
    ),
    case(
        "alternate-other-type-valid",
        "type=\"text/html\" hreflang=\"fr\"",
        "type=\"application/pdf\" hreflang=\"en\"",
        V,
    ),
    case(
        "link-no-href",
        "href=\"https://harbour.example.net/fr/\"",
        "",
        E("MissingHref"),
    ),
    case(
        "link-relative-no-base",
        "href=\"https://harbour.example.net/fr/\"",
        "href=\"/fr/\"",
        W("RelativeLink"),
    ),
    case(
        "link-relative-with-base-valid",
        "xml:lang=\"en\">",
        "xml:lang=\"en\" xml:base=\"https://harbour.example.net/\">",
        V,
    ),
    case(
        "bad-xml-lang",
        "xml:lang=\"en\"",
        "xml:lang=\"en_GB\"",
        E("InvalidLanguage"),
    ),
    case(
        "empty-href-with-base",
        "href=\"https://harbour.example.net/fr/\"",
        "href=\"\" xml:base=\"https://harbour.example.net/fr/\"",
        W("NotBlank"),
    ),
    case(
        "updated-date-only",
        "<updated>2024-03-25T10:00:00Z</updated>\n  <link",
        "<updated>2024-03-25</updated>\n  <link",
        E("InvalidRFC3339Date"),
    ),
    case(
        "updated-no-zone",
        "<updated>2024-03-25T10:00:00Z</updated>\n  <link",
        "<updated>2024-03-25T10:00:00</updated>\n  <link",
        E("InvalidRFC3339Date"),
    ),
    case(
        "updated-future",
        "<updated>2024-03-25T10:00:00Z</updated>\n  <link",
        "<updated>2027-03-25T10:00:00Z</updated>\n  <link",
        W("FutureDate"),
    ),
    case(
        "subtitle-bad-type",
        "<subtitle type=\"html\">",
        "<subtitle type=\"markdown\">",
        E("InvalidTextType"),
    ),
    case(
        "title-markup-in-text",
        "<title type=\"text\">Harbour Notes</title>",
        "<title type=\"text\">Harbour <b>Notes</b></title>",
        E("UndefinedElement"),
    ),
    case(
        "title-empty",
        "<title type=\"text\">Harbour Notes</title>",
        "<title type=\"text\"></title>",
        W("NotBlank"),
    ),
    case(
        "subtitle-unescaped-html",
        "News from the &lt;em&gt;harbour&lt;/em&gt;",
        "News from the <em>harbour</em>",
        E("NotHtml"),
    ),
    case(
        "subtitle-script",
        "News from the &lt;em&gt;harbour&lt;/em&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        W("ContainsScript"),
    ),
    case(
        "entries-duplicate-ids",
        "<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>",
        "<id>tag:harbour.example.net,2024:ferry</id>",
        W("DuplicateEntries"),
    ),
    case(
        "entries-unsorted",
        "<updated>2024-03-20T08:30:00Z</updated>\n    <summary>",
        "<updated>2024-03-29T08:30:00Z</updated>\n    <summary>",
        W("ItemsNotSorted"),
    ),
    case(
        "src-content-no-summary",
        "<summary>A still from the webcam.</summary>",
        "",
        E("MissingSummary"),
    ),
    case(
        "src-content-not-empty",
        "<content type=\"image/png\" src=\"https://harbour.example.net/cam.png\"/>",
        "<content type=\"image/png\" src=\"https://harbour.example.net/cam.png\">x</content>",
        E("InvalidContentSrc"),
    ),
    case(
        "src-content-html-type",
        "<content type=\"image/png\" src=",
        "<content type=\"html\" src=",
        E("InvalidContentSrc"),
    ),
    case(
        "src-content-whitespace",
        "src=\"https://harbour.example.net/cam.png\"",
        "src=\"https://harbour.example.net/cam.png \"",
        E("InvalidIRI"),
    ),
    case(
        "base64-content-valid",
        "<content type=\"image/png\" src=\"https://harbour.example.net/cam.png\"/>",
        "<content type=\"image/png\">iVBORw0KGgo=</content>",
        V,
    ),
    case(
        "base64-content-bad",
        "<content type=\"image/png\" src=\"https://harbour.example.net/cam.png\"/>",
        "<content type=\"image/png\">not base64!</content>",
        E("NotBase64"),
    ),
    case(
        "base64-content-no-summary",
        "<summary>A still from the webcam.</summary>\n    <content type=\"image/png\" src=\"https://harbour.example.net/cam.png\"/>",
        "<content type=\"image/png\">iVBORw0KGgo=</content>",
        E("MissingSummary"),
    ),
    case(
        "entry-no-author-anywhere",
        "<author>\n    <name>Ana Editor</name>\n    <uri>https://harbour.example.net/ana</uri>\n    <email>ana@harbour.example.net</email>\n  </author>",
        "",
        E("MissingElement"),
    ),
    case(
        "summary-in-feed",
        "<rights>© 2024 Harbour Notes</rights>",
        "<rights>© 2024 Harbour Notes</rights><summary>All about the harbour</summary>",
        E("MisplacedElement"),
    ),
    case(
        "published-in-feed",
        "<updated>2024-03-25T10:00:00Z</updated>\n  <link rel=\"self\"",
        "<updated>2024-03-25T10:00:00Z</updated><published>2024-03-25T10:00:00Z</published>\n  <link rel=\"self\"",
        E("MisplacedElement"),
    ),
    case(
        "content-in-feed",
        "<rights>© 2024 Harbour Notes</rights>",
        "<rights>© 2024 Harbour Notes</rights><content>The harbour</content>",
        E("MisplacedElement"),
    ),
    case(
        "atom03-tagline",
        "<rights>© 2024 Harbour Notes</rights>",
        "<rights>© 2024 Harbour Notes</rights><tagline>Harbour news</tagline>",
        E("MisplacedElement"),
    ),
    case(
        "person-title",
        "<name>Ana Editor</name>\n    <uri>",
        "<name>Ana Editor</name><title>Editor</title>\n    <uri>",
        E("MisplacedElement"),
    ),
    case(
        "source-entry",
        "<title>Webcam</title>",
        "<title>Webcam</title><entry/>",
        E("MisplacedElement"),
    ),
    case(
        "source-published",
        "<title>Webcam</title>",
        "<title>Webcam</title><published>2024-03-20T08:30:00Z</published>",
        E("MisplacedElement"),
    ),
    case(
        "license-link-valid",
        "<link rel=\"enclosure\"",
        "<link rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/\"/><link rel=\"enclosure\"",
        V,
    ),
    case(
        "license-link-bad-iri",
        "<link rel=\"enclosure\"",
        "<link rel=\"license\" href=\"https://creativecommons.org/licenses/by 4.0/\"/><link rel=\"enclosure\"",
        E("InvalidIRI"),
    ),
    case(
        "license-link-bad-scheme-iri",
        "<link rel=\"enclosure\"",
        "<link rel=\"license\" href=\"http://[creativecommons.org/licenses/\"/><link rel=\"enclosure\"",
        E("InvalidIRI"),
    ),
    case(
        "source-relative-id",
        "<id>tag:cam.example.org,2024:feed</id>",
        "<id>/feed</id>",
        E("InvalidURI"),
    ),
    case(
        "source-bad-updated",
        "<updated>2024-03-20T08:30:00Z</updated>\n    </source>",
        "<updated>20 March 2024</updated>\n    </source>",
        E("InvalidRFC3339Date"),
    ),
    case(
        "source-contributor-without-name",
        "<title>Webcam</title>",
        "<title>Webcam</title><contributor><email>cam@example.org</email></contributor>",
        E("MissingElement"),
    ),
    case(
        "source-two-alternates",
        "<title>Webcam</title>",
        "<title>Webcam</title><link href=\"https://cam.example.org/\"/><link href=\"https://cam.example.org/all\"/>",
        V,
    ),
    case(
        "source-two-ids",
        "<id>tag:cam.example.org,2024:feed</id>",
        "<id>tag:cam.example.org,2024:feed</id><id>tag:cam.example.org,2024:b</id>",
        E("DuplicateElement"),
    ),
];

/// Entry cases, run on both the feed (second entry) and the Entry Document.
const ENTRY_CASES: &[Case] = &[
    case("valid", "", "", V),
    case(
        "subtitle-in-entry",
        "<title>Ferry timetable changes</title>",
        "<title>Ferry timetable changes</title><subtitle>Winter</subtitle>",
        E("MisplacedElement"),
    ),
    case(
        "logo-in-entry",
        "<category term=\"ferries\"/>",
        "<logo>https://harbour.example.net/ferry.png</logo><category term=\"ferries\"/>",
        E("MisplacedElement"),
    ),
    case(
        "no-id",
        "<id>tag:harbour.example.net,2024:ferry</id>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-title",
        "<title>Ferry timetable changes</title>",
        "",
        E("MissingElement"),
    ),
    case(
        "no-updated",
        "<updated>2024-03-25T10:00:00Z</updated>",
        "",
        E("MissingElement"),
    ),
    case(
        "two-ids",
        "<id>tag:harbour.example.net,2024:ferry</id>",
        "<id>tag:harbour.example.net,2024:ferry</id><id>tag:b,2024:x</id>",
        E("DuplicateElement"),
    ),
    case(
        "two-titles",
        "<title>Ferry timetable changes</title>",
        "<title>Ferry timetable changes</title><title>B</title>",
        E("DuplicateElement"),
    ),
    case(
        "two-updated",
        "<updated>2024-03-25T10:00:00Z</updated>",
        "<updated>2024-03-25T10:00:00Z</updated><updated>2024-03-25T10:00:00Z</updated>",
        E("DuplicateElement"),
    ),
    case(
        "two-published",
        "<published>2024-03-25T09:00:00+01:00</published>",
        "<published>2024-03-25T09:00:00+01:00</published><published>2024-03-25T09:00:00+01:00</published>",
        E("DuplicateElement"),
    ),
    case(
        "two-summaries",
        "<summary>New winter times.</summary>",
        "<summary>New winter times.</summary><summary>B</summary>",
        E("DuplicateElement"),
    ),
    case(
        "two-contents",
        "</content>",
        "</content><content>B</content>",
        E("DuplicateElement"),
    ),
    case(
        "two-rights",
        "<summary>New winter times.</summary>",
        "<rights>A</rights><rights>B</rights><summary>New winter times.</summary>",
        E("DuplicateElement"),
    ),
    case(
        "two-alternates",
        "<category term=\"ferries\"/>",
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://harbour.example.net/b/\"/><category term=\"ferries\"/>",
        E("DuplicateAlternate"),
    ),
    case(
        "alternate-other-lang-valid",
        "<category term=\"ferries\"/>",
        "<link rel=\"alternate\" type=\"text/html\" hreflang=\"de\" href=\"https://harbour.example.net/de/\"/><category term=\"ferries\"/>",
        V,
    ),
    case(
        "no-content-no-alternate",
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://harbour.example.net/2024/ferry/\"/>\n  <category term=\"ferries\"/>\n  <summary>New winter times.</summary>\n  <content type=\"html\">&lt;p&gt;New winter times apply from Monday.&lt;/p&gt;</content>",
        "<summary>New winter times.</summary>",
        E("MissingContentOrAlternate"),
    ),
    case(
        "relative-id",
        "<id>tag:harbour.example.net,2024:ferry</id>",
        "<id>ferry</id>",
        E("InvalidURI"),
    ),
    case(
        "published-rfc822",
        "<published>2024-03-25T09:00:00+01:00</published>",
        "<published>Mon, 25 Mar 2024 09:00:00 +0100</published>",
        E("InvalidRFC3339Date"),
    ),
    case(
        "published-space",
        "<published>2024-03-25T09:00:00+01:00</published>",
        "<published>2024-03-25 09:00:00+01:00</published>",
        E("InvalidRFC3339Date"),
    ),
    case(
        "category-no-term",
        "<category term=\"ferries\"/>",
        "<category label=\"Ferries\"/>",
        E("MissingAttribute"),
    ),
    case(
        "empty-summary",
        "<summary>New winter times.</summary>",
        "<summary></summary>",
        W("EmptyTextConstruct"),
    ),
    case(
        "bad-content-type",
        "<summary>New winter times.</summary>",
        "<summary type=\"wiki\">New winter times.</summary>",
        E("InvalidTextType"),
    ),
    case(
        "xhtml-no-div",
        "<summary>New winter times.</summary>",
        "<summary type=\"xhtml\">New winter times.</summary>",
        E("MissingXhtmlDiv"),
    ),
    case(
        "xhtml-script",
        "<summary>New winter times.</summary>",
        "<summary type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x()</script></div></summary>",
        W("ContainsScript"),
    ),
    case(
        "html-script",
        "<summary>New winter times.</summary>",
        "<summary type=\"html\">&lt;script&gt;x()&lt;/script&gt;</summary>",
        W("ContainsScript"),
    ),
    case(
        "xml-lang-bad",
        "<title>Ferry timetable changes</title>",
        "<title xml:lang=\"english\">Ferry timetable changes</title>",
        E("InvalidLanguage"),
    ),
    case(
        "link-length-bad",
        "<category term=\"ferries\"/>",
        "<link rel=\"enclosure\" type=\"audio/mpeg\" length=\"big\" href=\"https://harbour.example.net/b.mp3\"/><category term=\"ferries\"/>",
        E("InvalidIntegerAttribute"),
    ),
    case(
        "updated-epoch",
        "<updated>2024-03-25T10:00:00Z</updated>",
        "<updated>1970-01-01T00:00:00Z</updated>",
        W("ImplausibleDate"),
    ),
];

/// Every generated file: name, bytes, verdict.
fn generate() -> Vec<(String, String, Verdict)> {
    fn add(files: &mut Vec<(String, String, Verdict)>, prefix: &str, base: &str, case: &Case) {
        let doc = if case.from.is_empty() {
            base.to_string()
        } else {
            assert!(
                base.contains(case.from),
                "{prefix}-{}: {:?} not in the base",
                case.name,
                case.from
            );
            base.replacen(case.from, case.to, 1)
        };
        files.push((format!("{prefix}-{}.xml", case.name), doc, case.verdict));
    }
    let mut files = Vec::new();
    for version in ["2.0", "0.91", "0.92", "0.93", "0.94"] {
        let base = RSS2.replacen("version=\"2.0\"", &format!("version=\"{version}\""), 1);
        let prefix = format!("rss{}", version.replace('.', ""));
        // The 2.0 base holds elements 0.91–0.93 lack: there, a case that
        // is otherwise valid is a warning.
        let older = matches!(version, "0.91" | "0.92" | "0.93");
        for case in RSS_CASES {
            let verdict = match case.verdict {
                V if older => W("ElementNotInVersion"),
                verdict => verdict,
            };
            add(&mut files, &prefix, &base, &Case { verdict, ..*case });
        }
        let minimal = RSS091.replacen("version=\"0.91\"", &format!("version=\"{version}\""), 1);
        add(
            &mut files,
            &prefix,
            &minimal,
            &case("minimal-valid", "", "", V),
        );
        for &(name, from, to, added) in NEWER_ELEMENTS {
            let verdict = if version < added {
                W("ElementNotInVersion")
            } else {
                V
            };
            add(
                &mut files,
                &prefix,
                &minimal,
                &case(name, from, to, verdict),
            );
        }
    }
    for case in RSS1_CASES {
        add(&mut files, "rss1", RSS1, case);
    }
    for case in ATOM_CASES {
        add(&mut files, "atom", ATOM, case);
    }
    for case in ENTRY_CASES {
        add(&mut files, "atomentry", ENTRY_DOC, case);
    }
    files
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// feedpub's verdict on one document.
fn verdict_of(path: &Path, bytes: &[u8], expected: Verdict) -> bool {
    let found = validate_feed(path, bytes, &validator_options());
    let errors = found.iter().any(|d| d.is_error());
    let has = |rule: &str, error: bool| {
        found
            .iter()
            .any(|d| d.code.as_deref() == Some(rule) && d.is_error() == error)
    };
    match expected {
        Verdict::Valid => found.is_empty(),
        Verdict::Warning(rule) => !errors && has(rule, false),
        Verdict::Error(rule) => has(rule, true),
    }
}

#[test]
fn generated_corpus_is_committed_and_fully_agrees() {
    let files = generate();
    let dir = corpus_dir();
    let mut manifest = String::from(
        "# file\texpected verdict\trule (generated by tests/integration/validate_generated.rs)\n",
    );
    for (name, _, verdict) in &files {
        manifest.push_str(&format!(
            "{name}\t{}\t{}\n",
            verdict.label(),
            verdict.rule()
        ));
    }
    // The committed corpus is exactly what the generator writes
    // (UPDATE_EXPECT=1 rewrites it).
    let generated = tempfile::tempdir().expect("temporary directory");
    for (name, text, _) in &files {
        std::fs::write(generated.path().join(name), text).expect("write corpus file");
    }
    std::fs::write(generated.path().join("verdicts.tsv"), &manifest).expect("write verdicts");
    expect_dir(&dir, generated.path());
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (name, text, verdict) in &files {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(bytes, text.as_bytes(), "{name} is stale: UPDATE_EXPECT=1");
        let agrees = verdict_of(&path, &bytes, *verdict);
        let entry = counts.entry(verdict.label()).or_default();
        entry.0 += 1;
        if agrees {
            entry.1 += 1;
        } else {
            let found: Vec<String> = validate_feed(&path, &bytes, &validator_options())
                .iter()
                .map(|d| format!("    {d}"))
                .collect();
            disagreements.push(format!(
                "{name}: expected {} {}\n{}",
                verdict.label(),
                verdict.rule(),
                found.join("\n")
            ));
        }
    }
    let total = files.len();
    let agreed: usize = counts.values().map(|(_, a)| a).sum();
    eprintln!("generated corpus: {total} files, {agreed} agree ({counts:?})");
    assert!(total >= 300, "only {total} files");
    for format in [
        "rss20-",
        "rss091-",
        "rss092-",
        "rss093-",
        "rss094-",
        "rss1-",
        "atom-",
        "atomentry-",
    ] {
        assert!(
            files
                .iter()
                .any(|(n, _, v)| n.starts_with(format) && *v == Verdict::Valid),
            "no valid {format} file"
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} of {total} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
