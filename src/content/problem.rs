//! The problems an article file can have, each with a stable code (like
//! the validator's rule codes), so that scripts, tests and `--format json`
//! can tell them apart without matching messages.

crate::error::problem_codes! {
    /// A kind of problem in an article file: a stable code and a severity.
    Problem;
    /// The content directory (or a language's) does not exist.
    MissingContentDirectory => Error,
    /// A file or folder could not be read.
    UnreadableFile => Error,
    /// The file is not UTF-8.
    NotUtf8 => Error,
    /// Front matter opened with `---` or `+++` is never closed.
    UnclosedFrontMatter => Error,
    /// The YAML, TOML or JSON of the front matter does not parse, or a
    /// field has the wrong type.
    InvalidFrontMatter => Error,
    /// The article has no title.
    MissingTitle => Error,
    /// A page Hugo publishes without a title: its file name is used.
    UntitledPage => Warning,
    /// The title is longer than feedpub allows.
    TitleTooLong => Error,
    /// A date field does not parse.
    InvalidDate => Error,
    /// `lastmod` (or `updated`) is earlier than `date`.
    UpdatedBeforeDate => Warning,
    /// A date before any web feed existed.
    ImplausibleDate => Warning,
    /// A taxonomy field is neither a name nor a list of names.
    InvalidTermList => Error,
    /// A taxonomy field holds more names than feedpub allows.
    TooManyTerms => Error,
    /// A name in a taxonomy field is longer than feedpub allows.
    TermTooLong => Error,
    /// A country that neither its name, an alias nor an ISO code names.
    UnknownCountry => Error,
    /// `id` is not an absolute URI.
    InvalidId => Error,
    /// The article's link cannot be made (`url`, `slug`, a permalink pattern).
    InvalidUrl => Error,
    /// Two articles have the same link.
    DuplicateUrl => Error,
    /// Two articles have the same `id`.
    DuplicateId => Error,
    /// The body's HTML nests deeper than readers can take.
    HtmlTooDeep => Error,
    /// A shortcode feedpub does not know: its tags are left out.
    UnknownShortcode => Warning,
}
