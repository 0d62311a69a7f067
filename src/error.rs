//! Typed errors and diagnostics that carry the place they point at.
//!
//! The library never prints: it returns [`Diagnostic`]s (problems in input
//! files, each with a path and, where known, a line and column) and
//! [`Error`]s (what stopped a run). Only the binary formats them.

use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::text::{escaped, escaped_path};

/// Declares an enum of problem kinds, each with a stable code (its name), a
/// severity and one line of documentation, and a constructor of its
/// [`Diagnostic`]s: the vocabulary of `content::Problem` and
/// [`ConfigProblem`], like the validator's rules.
macro_rules! problem_codes {
    ($(#[doc = $enum_doc:literal])* $enum:ident; $($(#[doc = $doc:literal])* $name:ident => $severity:ident,)*) => {
        $(#[doc = $enum_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $enum {
            $($(#[doc = $doc])* $name,)*
        }

        impl $enum {
            /// Every kind, in declaration order.
            pub const ALL: &'static [$enum] = &[$($enum::$name,)*];

            /// The stable code printed in diagnostics, e.g. `InvalidDate`.
            pub fn code(self) -> &'static str {
                match self {
                    $($enum::$name => stringify!($name),)*
                }
            }

            /// Whether it blocks (an error) or is only reported.
            pub fn severity(self) -> $crate::error::Severity {
                match self {
                    $($enum::$name => $crate::error::Severity::$severity,)*
                }
            }

            /// A diagnostic of this kind in `path`, with its severity and code.
            pub fn at(
                self,
                path: impl Into<std::path::PathBuf>,
                message: impl Into<String>,
            ) -> $crate::error::Diagnostic {
                $crate::error::Diagnostic::new(self.severity(), path, message)
                    .with_code(self.code())
            }
        }
    };
}
pub(crate) use problem_codes;

problem_codes! {
    /// A kind of problem in a site's configuration (`feedpub.toml`, the Hugo
    /// configuration, the ledger, the output directory): a stable code and a
    /// severity, as article problems (`content::Problem`) have.
    ConfigProblem;
    /// The configuration file cannot be read, or is not UTF-8.
    UnreadableConfig => Error,
    /// `feedpub.toml` is not valid TOML, names an unknown setting, or gives
    /// a setting a value of the wrong type.
    InvalidToml => Error,
    /// A setting's value is not allowed (a relative URL, an empty list, an
    /// unknown token, a control character, …).
    InvalidSetting => Error,
    /// The site has no title or no base URL.
    MissingSetting => Error,
    /// The content directory does not exist or is not a directory.
    MissingContentDirectory => Error,
    /// The output directory, the content directory, the ledger and the
    /// cache would overlap.
    ConflictingPaths => Error,
    /// A custom feed is defined wrongly.
    InvalidCustomFeed => Error,
    /// `archive` names a kind of feed the site does not have.
    UnknownArchiveKind => Error,
    /// The site's `image` or `icon` names a file that does not exist.
    MissingImage => Warning,
    /// A title or description override names a term or taxonomy no article uses.
    UnusedOverride => Warning,
    /// The Hugo configuration cannot be read or has a setting feedpub
    /// cannot follow.
    InvalidHugoConfig => Error,
    /// The ledger cannot be parsed.
    CorruptLedger => Error,
    /// The ledger's path is not a regular file (a directory, a broken link).
    LedgerNotAFile => Error,
    /// The output directory holds files feedpub did not write.
    ForeignOutputDirectory => Error,
    /// `feedpub init` was asked to write into a folder that has files.
    DirectoryNotEmpty => Error,
}

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the build: nothing is published.
    Error,
    /// Reported, but does not block the build (unless `--strict`).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in one input or output file.
///
/// Displayed compiler-style, so editors and terminals can jump to it:
///
/// ```text
/// content/2024/03/broken.md:3:7: error[InvalidDate]: invalid date "2024-13-45"
///   help: write an RFC 3339 date (2024-03-25T10:00:00+05:00) or YYYY-MM-DD
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule code (e.g. `MissingAtomSelfLink`), for validator findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The file the problem is in (in JSON, a complete string even when the
    /// name is not UTF-8: see [`crate::text::escaped_path`]).
    #[serde(serialize_with = "serialize_path")]
    pub path: PathBuf,
    /// 1-based line in that file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in that line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error in `path`, with no position yet.
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    /// A warning in `path`, with no position yet.
    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, message)
    }

    /// A problem of `severity` in `path`, with no position yet.
    pub(crate) fn new(
        severity: Severity,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code: None,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// Point the diagnostic at a 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Point the diagnostic at a 1-based line.
    pub(crate) fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Attach a hint at the fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attach a stable rule code.
    pub(crate) fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Whether this diagnostic blocks publishing.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escaped_path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.severity)?;
        if let Some(code) = &self.code {
            write!(f, "[{code}]")?;
        }
        write!(f, ": {}", escaped(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", escaped(help))?;
        }
        Ok(())
    }
}

/// A path as a JSON string that is always complete (a path that is not
/// UTF-8 made serde_json stop mid-object).
fn serialize_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&escaped_path(path))
}

/// What stopped a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is missing or wrong (exit code 2).
    #[error("{0}")]
    Config(Box<Diagnostic>),
    /// Content or validation problems (exit code 1); nothing was published.
    #[error("{} problem(s) found; nothing was published", .0.iter().filter(|d| d.is_error()).count())]
    Invalid(Vec<Diagnostic>),
    /// Another run holds the output directory's lock (its own exit code).
    #[error("{}: {message}", escaped_path(dir))]
    Locked {
        /// The locked output directory.
        dir: PathBuf,
        /// Who holds the lock and how long we waited.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", escaped_path(path))]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// Wrap an I/O error with the path it happened on.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_compiler_style_with_code_and_help() {
        let d = Diagnostic::error("content/a.md", "invalid date \"2024-13-45\"")
            .at(3, 7)
            .with_code("InvalidDate")
            .with_help("write YYYY-MM-DD");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error[InvalidDate]: invalid date \"2024-13-45\"\n  help: write YYYY-MM-DD"
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_or_hold_escapes_stay_readable() {
        // Issue 11: `--format json` stopped mid-object on such a name, and
        // escape sequences reached the terminal raw.
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"content/\xff\x1b[2J.md"));
        let d = Diagnostic::warning(path, "category \"Econ\u{200B}omy\"");
        assert_eq!(
            d.to_string(),
            "content/\\xFF\\u{1b}[2J.md: warning: category \"Econ\\u{200b}omy\""
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["path"], "content/\\xFF\\u{1b}[2J.md");
    }

    #[test]
    fn display_without_position() {
        let d = Diagnostic::warning("feeds/rss.xml", "no items");
        assert_eq!(d.to_string(), "feeds/rss.xml: warning: no items");
    }
}
