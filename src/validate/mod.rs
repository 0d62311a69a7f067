//! Validation of RSS 2.0 and Atom 1.0 feeds, for the build gate and `feedpub check`.
// TEMP STUB
use crate::error::Diagnostic;
use std::path::{Path, PathBuf};
/// x
pub struct Options {
    /// x
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}
/// x
pub fn validate_feed(_p: &Path, _b: &[u8], _o: &Options) -> Vec<Diagnostic> {
    vec![]
}
/// x
pub fn check_paths(_p: &[PathBuf], _o: &Options) -> Vec<Diagnostic> {
    vec![]
}
